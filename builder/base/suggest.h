/*
 * suggest.h - "did you mean" for misspelt keys and values.
 */
#ifndef DT_SUGGEST_H
#define DT_SUGGEST_H

#include "common.h"

/* Returns the candidate closest to word (edit distance at most a third of
 * its length, at least 1, or a shared prefix of 4+ characters), or NULL. */
const char *dt_suggest(const char *word, const char *const *candidates, size_t n);

#endif
