/*
 * io.h - reading input files with size caps, and path helpers.
 */
#ifndef DT_IO_H
#define DT_IO_H

#include "buf.h"
#include "diag.h"

#include <stdio.h>
#include <sys/stat.h>

/* Opens an input file for reading without ever blocking or spinning on
 * something that is not a file: open(2) with O_RDONLY | O_NONBLOCK |
 * O_CLOEXEC | O_NOCTTY (opening a FIFO without a writer returns at once),
 * fstat(2) on the descriptor, anything but a regular file refused (a FIFO,
 * a socket, a device such as /dev/zero, a directory), then O_NONBLOCK
 * cleared. DT_OK: *fd is open (the caller closes it) and *st (optional)
 * holds the file's status. DT_ERR_INPUT: nothing is open and *err is the
 * errno value of the failed call, EISDIR for a directory, or 0 for another
 * file that is not regular (*st, when given, then says which kind). Reports
 * nothing: see dt_file_open_input. */
DT_MUST_USE enum dt_err dt_file_open_regular(const char *path, int *fd, struct stat *st, int *err);

/* What a file of this mode is, for messages: "a FIFO (named pipe)", "a
 * character device", "a block device", "a socket", "a directory", "a
 * symbolic link" or "something other than a regular file". Static
 * storage. */
const char *dt_file_kind(mode_t mode);

/* Writes why dt_file_open_regular failed for path into buf (cap bytes, always
 * terminated): "cannot open PATH: REASON", "cannot read PATH: Is a
 * directory" or "cannot read PATH: it is a FIFO (named pipe), not a regular
 * file". Returns buf. */
const char *dt_file_open_failure(const char *path, int err, const struct stat *st, char *buf,
                            size_t cap);

/* dt_file_open_regular, with a failure reported at ref (the place that named
 * the file: a policy's file:line:col and JSON path, or a command-line
 * option) or, when ref is NULL, at the file itself. */
DT_MUST_USE enum dt_err dt_file_open_input(const char *path, int *fd, struct stat *st,
                                      struct dt_diags *d, const struct dt_place *ref);

/* Reads the whole file into out (initialised here; caller frees with
 * dt_buf_free). A file over max bytes is DT_ERR_LIMIT. Only regular files
 * are read (dt_file_open_input). Failures are reported at ref (the place that
 * named the file) or, when ref is NULL, at the file. */
DT_MUST_USE enum dt_err dt_file_read(const char *path, size_t max, struct dt_buf *out,
                                     struct dt_diags *d, const struct dt_place *ref);

/* True when the bytes start with a UTF-8 byte-order mark (EF BB BF). */
bool dt_file_starts_with_bom(const void *p, size_t n);

/* What is said about a byte-order mark at 1:1 of a JSON file and of a
 * serial list. */
#define DT_BOM_JSON_MESSAGE                                                                     \
    "the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow; save " \
    "it without one"
#define DT_BOM_LINES_MESSAGE                                                                 \
    "the file starts with a UTF-8 byte-order mark (EF BB BF), which a serial list does not " \
    "allow; save it without one"

/* Reports a failed file operation ("cannot open X: reason") at ref, or at
 * the file itself when ref is NULL. */
void dt_file_report_error(struct dt_diags *d, const struct dt_place *ref, const char *path,
                  const char *what, int err);

/* Removes a directory tree, best effort (our own temporary and replaced
 * output directories only; symbolic links are removed, not followed). */
void dt_file_rm_tree(const char *path);

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
    bool sha_failed; /* an update failed: dt_lines_sha256 says so */
    struct dt_buf line;
};

DT_MUST_USE enum dt_err dt_lines_open(struct dt_lines *lr, const char *path, size_t max_line,
                                      struct dt_diags *d, const struct dt_place *ref);
/* Next line into s and n (borrowed until the next call). Returns DT_OK and
 * sets *eof at the end. A line over max_line is reported and DT_ERR_LIMIT. */
DT_MUST_USE enum dt_err dt_lines_next(struct dt_lines *lr, const char **s, size_t *n, bool *eof,
                                      struct dt_diags *d);
/* SHA-256 of every byte read; valid once dt_lines_next reported eof.
 * DT_ERR_INTERNAL (the cause recorded for dt_err_cause()) when OpenSSL could
 * not compute it; out is then not written. dt_lines_open fails the same way
 * when it cannot start it. */
DT_MUST_USE enum dt_err dt_lines_sha256(struct dt_lines *lr, uint8_t out[32]);
void dt_lines_close(struct dt_lines *lr);

#endif
