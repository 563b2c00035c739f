/*
 * io.h - reading input files with size caps, and path helpers.
 */
#ifndef DT_IO_H
#define DT_IO_H

#include "buf.h"
#include "diag.h"

#include <stdio.h>

/* Reads the whole file into out (initialised here; caller frees with
 * dt_buf_free). A file over max bytes is DT_ERR_LIMIT. Failures are reported
 * at ref (the place that named the file) or, when ref is NULL, at the file. */
DT_MUST_USE enum dt_err dt_file_read(const char *path, size_t max, struct dt_buf *out,
                                     struct dt_diags *d, const struct dt_place *ref);

/* Reports a failed file operation ("cannot open X: reason") at ref, or at
 * the file itself when ref is NULL. */
void dt_report_io(struct dt_diags *d, const struct dt_place *ref, const char *path,
                  const char *what, int err);

/* Removes a directory tree, best effort (our own temporary and replaced
 * output directories only; symbolic links are removed, not followed). */
void dt_rm_tree(const char *path);

/* Joins a path relative to dir; an absolute rel is returned as is.
 * Caller frees with free(). NULL on allocation failure. */
char *dt_path_join(const char *dir, const char *rel);
/* Directory part of path ("." when there is none). Caller frees. */
char *dt_path_dirname(const char *path);

/* Line-by-line reader for big text inputs (serial lists): reads in chunks,
 * tracks line numbers, strips the newline and a CR before it, caps the line
 * length, and computes the SHA-256 of the file's bytes as it goes. */
struct dt_lines {
    FILE *f;
    const char *path;
    unsigned long lineno;
    size_t max_line;
    uint8_t *chunk;
    size_t chunk_len, chunk_pos;
    uint64_t bytes; /* consumed so far */
    uint64_t size;  /* file size, 0 if unknown */
    void *sha;      /* EVP_MD_CTX */
    struct dt_buf line;
};

DT_MUST_USE enum dt_err dt_lines_open(struct dt_lines *lr, const char *path, size_t max_line,
                                      struct dt_diags *d, const struct dt_place *ref);
/* Next line into s and n (borrowed until the next call). Returns DT_OK and
 * sets *eof at the end. A line over max_line is reported and DT_ERR_LIMIT. */
DT_MUST_USE enum dt_err dt_lines_next(struct dt_lines *lr, const char **s, size_t *n, bool *eof,
                                      struct dt_diags *d);
/* SHA-256 of every byte read; valid once dt_lines_next reported eof. */
void dt_lines_sha256(struct dt_lines *lr, uint8_t out[32]);
void dt_lines_close(struct dt_lines *lr);

#endif
