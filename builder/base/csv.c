/*
 * csv.c - a strict RFC 4180 CSV reader (csv.h).
 */
#include "csv.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

void dt_csv_init(struct dt_csv *c, const char *path, struct dt_slice text)
{
    memset(c, 0, sizeof(*c));
    c->path = path;
    c->text = text;
    c->line = 1;
    dt_buf_init(&c->buf, DT_MAX_CSV_RECORD_BYTES + 2 * DT_MAX_CSV_FIELD_BYTES);
    if (text.n >= 3 && !memcmp(text.p, "\xef\xbb\xbf", 3))
        c->pos = 3;
}

void dt_csv_free(struct dt_csv *c)
{
    dt_buf_free(&c->buf);
    free(c->ends);
    c->ends = NULL;
}

static enum dt_err fail(struct dt_csv *c, struct dt_diags *d, unsigned line, const char *why)
{
    struct dt_place pl = {c->path, line, 0, NULL, NULL};
    return dt_diag_fail(d, &pl, DT_ERR_INPUT, "%s", why);
}

static enum dt_err end_field(struct dt_csv *c, struct dt_csv_record *r, size_t start,
                             struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    if (c->buf.len - start > DT_MAX_CSV_FIELD_BYTES) {
        rc = fail(c, d, r->line, "a CSV field is longer than 1 MiB (the cap)");
        goto out;
    }
    if (c->buf.len > DT_MAX_CSV_RECORD_BYTES) {
        rc = fail(c, d, r->line, "a CSV record is longer than 64 MiB (the cap)");
        goto out;
    }
    if (r->n >= DT_MAX_CSV_FIELDS) {
        rc = fail(c, d, r->line, "a CSV record has more than 512 fields (the cap)");
        goto out;
    }
    DT_TRY(dt_mem_grow((void **)&c->ends, &c->cap_ends, r->n + 1, sizeof(*c->ends)));
    c->ends[r->n++] = c->buf.len;
out:
    return rc;
}

enum dt_err dt_csv_next(struct dt_csv *c, struct dt_csv_record *r, bool *eof, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    const uint8_t *p = c->text.p;
    size_t n = c->text.n;
    *eof = c->pos >= n;
    if (*eof)
        goto out;
    dt_buf_reset(&c->buf);
    memset(r, 0, sizeof(*r));
    r->csv = c;
    r->line = c->line;
    for (;;) { /* one field per turn */
        size_t start = c->buf.len;
        if (c->pos < n && p[c->pos] == '"') {
            unsigned open = c->line;
            c->pos++;
            for (;;) {
                if (c->pos >= n) {
                    rc = fail(c, d, open, "a quoted CSV field is never closed (no closing '\"')");
                    goto out;
                }
                uint8_t b = p[c->pos];
                if (b == '"') {
                    if (c->pos + 1 < n && p[c->pos + 1] == '"') {
                        DT_TRY(dt_buf_putc(&c->buf, '"'));
                        c->pos += 2;
                        continue;
                    }
                    c->pos++;
                    break;
                }
                if (!b) {
                    rc = fail(c, d, c->line, "a NUL byte in a CSV field");
                    goto out;
                }
                /* the run up to the next '"' or NUL, in one append */
                size_t lim = n - c->pos > DT_MAX_CSV_FIELD_BYTES ? c->pos + DT_MAX_CSV_FIELD_BYTES + 1
                                                                 : n;
                const uint8_t *q = memchr(p + c->pos, '"', lim - c->pos);
                size_t k = q ? (size_t)(q - p) : lim;
                const uint8_t *z = memchr(p + c->pos, '\0', k - c->pos);
                if (z)
                    k = (size_t)(z - p);
                for (const uint8_t *nl = p + c->pos;
                     (nl = memchr(nl, '\n', (size_t)(p + k - nl))) != NULL; nl++)
                    c->line++;
                DT_TRY(dt_buf_append(&c->buf, p + c->pos, k - c->pos));
                c->pos = k;
                if (c->buf.len - start > DT_MAX_CSV_FIELD_BYTES) {
                    rc = fail(c, d, open, "a CSV field is longer than 1 MiB (the cap)");
                    goto out;
                }
            }
            if (c->pos < n && p[c->pos] != ',' && p[c->pos] != '\n' &&
                !(p[c->pos] == '\r' && c->pos + 1 < n && p[c->pos + 1] == '\n')) {
                rc = fail(c, d, c->line, "text after the closing '\"' of a quoted CSV field");
                goto out;
            }
        } else {
            while (c->pos < n && p[c->pos] != ',' && p[c->pos] != '\n') {
                uint8_t b = p[c->pos];
                if (b == '\r' && c->pos + 1 < n && p[c->pos + 1] == '\n')
                    break;
                if (b == '"') {
                    rc = fail(c, d, c->line, "a '\"' inside a CSV field that is not quoted");
                    goto out;
                }
                if (!b) {
                    rc = fail(c, d, c->line, "a NUL byte in a CSV field");
                    goto out;
                }
                DT_TRY(dt_buf_putc(&c->buf, (char)b));
                c->pos++;
                if (c->buf.len - start > DT_MAX_CSV_FIELD_BYTES) {
                    rc = fail(c, d, c->line, "a CSV field is longer than 1 MiB (the cap)");
                    goto out;
                }
            }
        }
        DT_TRY(end_field(c, r, start, d));
        if (c->pos >= n)
            break;
        if (p[c->pos] == ',') {
            c->pos++;
            if (c->pos >= n) { /* a trailing comma: one more, empty field */
                DT_TRY(end_field(c, r, c->buf.len, d));
                break;
            }
            continue;
        }
        c->pos += p[c->pos] == '\r' ? 2 : 1; /* the record's end */
        c->line++;
        break;
    }
    r->end_line = c->pos >= n && (n == 0 || p[n - 1] != '\n') ? c->line : c->line - 1;
out:
    return rc;
}

struct dt_slice dt_csv_field(const struct dt_csv_record *r, size_t i)
{
    const struct dt_csv *c = r->csv;
    if (i >= r->n)
        return dt_slice_make(NULL, 0);
    size_t from = i ? c->ends[i - 1] : 0;
    return dt_slice_make(c->buf.data + from, c->ends[i] - from);
}

bool dt_csv_field_is(const struct dt_csv_record *r, size_t i, const char *s)
{
    struct dt_slice f = dt_csv_field(r, i);
    size_t len = strlen(s);
    return f.n == len && (!len || !memcmp(f.p, s, len));
}
