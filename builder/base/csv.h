/*
 * csv.h - a strict RFC 4180 CSV reader, for the CCADB's reports (ccadb.h).
 *
 * Fields are separated by ',' and records by LF or CRLF outside quotes. A
 * field is either bare (no '"' in it) or quoted ("..."), where '""' is one
 * '"' and line breaks are part of the field. A UTF-8 byte order mark before
 * the first record is skipped. Errors name the file and the line: a quote
 * that is never closed (at the line it opens on), text after a closing
 * quote, a '"' inside a bare field, a NUL byte, a field or a record over its
 * cap (DT_MAX_CSV_FIELD_BYTES, DT_MAX_CSV_FIELDS, DT_MAX_CSV_RECORD_BYTES).
 */
#ifndef DT_CSV_H
#define DT_CSV_H

#include "buf.h"
#include "diag.h"

#define DT_MAX_CSV_FIELD_BYTES ((size_t)1 << 20) /* one field */
#define DT_MAX_CSV_FIELDS 512                    /* fields of one record */
#define DT_MAX_CSV_RECORD_BYTES ((size_t)64 << 20) /* one record */

struct dt_csv {
    const char *path; /* for messages */
    struct dt_slice text;
    size_t pos;
    unsigned line;     /* of the next byte */
    struct dt_buf buf; /* the current record's fields, back to back */
    size_t *ends;      /* end offset of each field in buf */
    size_t cap_ends;
};

/* One record: n fields, valid until the next dt_csv_next. */
struct dt_csv_record {
    size_t n;
    unsigned line;     /* where the record starts */
    unsigned end_line; /* where it ends (a quoted field may span lines) */
    const struct dt_csv *csv;
};

/* Starts reading text (borrowed; named path in messages). */
void dt_csv_init(struct dt_csv *c, const char *path, struct dt_slice text);
void dt_csv_free(struct dt_csv *c);

/* Reads the next record into r; *eof true (r untouched) at the end. An
 * empty line is a record of one empty field. DT_ERR_INPUT (reported at
 * file:line), DT_ERR_NOMEM. */
DT_MUST_USE enum dt_err dt_csv_next(struct dt_csv *c, struct dt_csv_record *r, bool *eof,
                                    struct dt_diags *d);

/* Field i of r (i < r->n): its bytes, unquoted. */
struct dt_slice dt_csv_field(const struct dt_csv_record *r, size_t i);

/* Whether field i of r is exactly s. */
bool dt_csv_field_is(const struct dt_csv_record *r, size_t i, const char *s);

#endif
