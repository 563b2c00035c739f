/*
 * batch.h - query batch files (`distrust query --batch`): one question a
 * line, in the terms and the base64 of OneCRL's two kinds of record:
 *
 *   is <issuerName> <serialNumber>    the issuer's DER Name and the serial's
 *                                     DER INTEGER contents octets
 *   spk <subject> <pubKeyHash>        the subject's DER Name and the SHA-256
 *                                     of the DER SubjectPublicKeyInfo
 *
 * The kind and the two fields are separated by single spaces. Empty lines,
 * a line holding only a CR, and lines starting with '#' are skipped;
 * spaces, tabs and a CR at the end of a line are ignored. Base64 is read
 * leniently ('=' padding optional). Parsing only: the lookups are the
 * caller's (cli/cmd_query.c asks the blob).
 */
#ifndef DT_BATCH_H
#define DT_BATCH_H

#include "buf.h"
#include "diag.h"

/* The largest batch file `distrust query --batch` reads (doc/policy.md). */
#define DT_MAX_BATCH_BYTES ((size_t)1 << 31)
/* Malformed lines reported one by one; the rest are counted in a note. */
#define DT_BATCH_MAX_REPORTED 20

enum dt_batch_kind {
    DT_BATCH_ISSUER_SERIAL = 0, /* "is" */
    DT_BATCH_SUBJECT_KEY,       /* "spk" */
};

/* One question. Every slice is borrowed, valid only during the callback. */
struct dt_batch_query {
    enum dt_batch_kind kind;
    unsigned long line;    /* 1-based line number */
    struct dt_slice text;  /* the line as written, without the ignored end */
    struct dt_slice name;  /* the DER issuer or subject Name (checked as a Name) */
    struct dt_slice value; /* the serial's contents (not empty), or the 32-byte hash */
};

/* Called for each well-formed line, in file order. A non-DT_OK return
 * stops parsing and is returned. */
typedef enum dt_err (*dt_batch_fn)(void *ctx, const struct dt_batch_query *q);

struct dt_batch_result {
    size_t queries; /* well-formed lines passed to the callback */
    size_t errors;  /* malformed lines */
    unsigned long lines;
};

/* Parses one line (s, n bytes, without its newline; not a skipped line):
 * NULL on success with the kind, the decoded Name appended to name and the
 * serial or hash appended to value (both initialised by the caller); else
 * a static reason, and *col (may be NULL) the 1-based column of the
 * offending part (the kind, a field, or the end of the line). */
const char *dt_batch_parse_line(const char *s, size_t n, enum dt_batch_kind *kind,
                                struct dt_buf *name, struct dt_buf *value, size_t *col);

/* Parses a whole batch text; display names it in diagnostics. Every
 * malformed line is an error at display:line:col with the line echoed (the
 * first DT_BATCH_MAX_REPORTED of them, then a note with the count of the
 * others) and is not passed to fn; parsing goes on to the end so that
 * every bad line is counted. fn may be NULL (a check only). Returns
 * DT_ERR_INPUT when any line was malformed (fn has then seen the good
 * ones: a caller that must answer all or nothing collects first and acts
 * after), fn's error, or DT_ERR_NOMEM. res may be NULL. */
DT_MUST_USE enum dt_err dt_batch_parse(const char *display, struct dt_slice text, dt_batch_fn fn,
                                       void *ctx, struct dt_diags *d, struct dt_batch_result *res);

#endif
