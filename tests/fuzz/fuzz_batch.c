/* Fuzz target: query batch files (load/batch.c), the lines of
 * `distrust query --batch`. Every query handed on must be what the format
 * promises (a DER Name, a non-empty serial or a 32-byte hash, its own line
 * re-parsing to the same), in order, and the counts must agree with the
 * diagnostics. */
#include "batch.h"
#include "der.h"
#include "fuzz_util.h"

#include <string.h>

struct seen {
    const uint8_t *start, *end;
    unsigned long last_line;
    size_t n;
};

static enum dt_err check(void *ctx, const struct dt_batch_query *q)
{
    struct seen *s = ctx;
    if (q->line <= s->last_line || q->text.p < s->start || q->text.p + q->text.n > s->end)
        __builtin_trap(); /* out of order, or text outside the input */
    s->last_line = q->line;
    s->n++;
    if (dt_der_check_name(q->name) || q->value.n == 0)
        __builtin_trap();
    if (q->kind == DT_BATCH_SUBJECT_KEY ? q->value.n != 32 : q->kind != DT_BATCH_ISSUER_SERIAL)
        __builtin_trap();
    if (q->text.n && strchr(" \t\r", q->text.p[q->text.n - 1]))
        __builtin_trap(); /* the ignored end was not cut */
    /* The line on its own parses to the same query. */
    struct dt_buf a, b;
    dt_buf_init(&a, 0);
    dt_buf_init(&b, 0);
    enum dt_batch_kind k;
    size_t col;
    if (dt_batch_parse_line((const char *)q->text.p, q->text.n, &k, &a, &b, &col) || k != q->kind ||
        col != 0 || !dt_slice_eq(dt_slice_make(a.data, a.len), q->name) ||
        !dt_slice_eq(dt_slice_make(b.data, b.len), q->value))
        __builtin_trap();
    dt_buf_free(&a);
    dt_buf_free(&b);
    return DT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct seen s = {data, data + size, 0, 0};
    struct dt_batch_result r;
    enum dt_err rc = dt_batch_parse("fuzz.txt", dt_slice_make(data, size), check, &s, &d, &r);
    if ((rc == DT_OK) != (r.errors == 0) || (rc != DT_OK && rc != DT_ERR_INPUT))
        __builtin_trap();
    if (s.n != r.queries || r.queries + r.errors > r.lines)
        __builtin_trap();
    size_t reported = r.errors < DT_BATCH_MAX_REPORTED ? r.errors : DT_BATCH_MAX_REPORTED;
    if (d.errors != reported || d.notes != (r.errors > DT_BATCH_MAX_REPORTED))
        __builtin_trap();
    return 0;
}
