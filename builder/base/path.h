/*
 * path.h - file path helpers.
 */
#ifndef DT_PATH_H
#define DT_PATH_H

#include "common.h"

/* Joins a path relative to dir; an absolute rel is returned as is.
 * Caller frees with free(). NULL on allocation failure. */
char *dt_path_join(const char *dir, const char *rel);

/* Directory part of path ("." when there is none). Caller frees. */
char *dt_path_dirname(const char *path);

#endif
