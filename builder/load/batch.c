/*
 * batch.c - query batch files: lines "is <issuerName> <serialNumber>" and
 * "spk <subject> <pubKeyHash>" (OneCRL base64), checked line by line.
 */
#include "batch.h"

#include "b64.h"
#include "der.h"

#include <string.h>

#define KINDS "expected \"is <issuerName> <serialNumber>\" or \"spk <subject> <pubKeyHash>\""
#define ECHO_MAX 160

static bool b64(const char *s, size_t n, struct dt_buf *out)
{
    return n && !dt_b64_decode(s, n, true, out);
}

static size_t trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

const char *dt_batch_parse_line(const char *s, size_t n, enum dt_batch_kind *kind,
                                struct dt_buf *name, struct dt_buf *value, size_t *col)
{
    size_t where = 1;
    const char *why = NULL;
    n = trimmed(s, n);
    const char *sp1 = memchr(s, ' ', n);
    const char *end = s + n;
    if (!sp1) {
        why = KINDS;
        goto out;
    }
    size_t kl = (size_t)(sp1 - s);
    if (kl == 2 && !memcmp(s, "is", 2)) {
        *kind = DT_BATCH_ISSUER_SERIAL;
    } else if (kl == 3 && !memcmp(s, "spk", 3)) {
        *kind = DT_BATCH_SUBJECT_KEY;
    } else {
        why = "the line must start with \"is \" or \"spk \"";
        goto out;
    }
    bool is = *kind == DT_BATCH_ISSUER_SERIAL;
    const char *f1 = sp1 + 1;
    const char *sp2 = memchr(f1, ' ', (size_t)(end - f1));
    const char *sp3 = sp2 ? memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1)) : NULL;
    if (!sp2 || sp3) {
        where = sp3 ? (size_t)(sp3 - s) + 1 : n + 1;
        why = "expected exactly two base64 fields after the kind";
        goto out;
    }
    const char *f2 = sp2 + 1;
    size_t c1 = (size_t)(f1 - s) + 1, c2 = (size_t)(f2 - s) + 1;
    where = c1;
    if (!b64(f1, (size_t)(sp2 - f1), name)) {
        why = is ? "the issuerName is not base64" : "the subject is not base64";
        goto out;
    }
    where = c2;
    if (!b64(f2, (size_t)(end - f2), value)) {
        why = is ? "the serialNumber is not base64" : "the pubKeyHash is not base64";
        goto out;
    }
    if (dt_der_check_name(dt_slice_make(name->data, name->len))) {
        where = c1;
        why = is ? "the issuerName is not a DER Name" : "the subject is not a DER Name";
    } else if (!is && value->len != 32) {
        why = "the pubKeyHash is not 32 bytes (SHA-256)";
    } else if (is && !value->len) {
        why = "the serialNumber is empty";
    }
out:
    if (col)
        *col = why ? where : 0;
    return why;
}

/* The start of a line, printable, for the echo under a diagnostic. */
static void echo_of(const char *s, size_t n, char out[ECHO_MAX + 4])
{
    size_t k = n < ECHO_MAX ? n : ECHO_MAX;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = c < 0x20 && c != '\t' ? ' ' : (char)c;
    }
    memcpy(out + k, n > k ? "..." : "", n > k ? 4 : 1);
}

enum dt_err dt_batch_parse(const char *display, struct dt_slice text, dt_batch_fn fn, void *ctx,
                           struct dt_diags *d, struct dt_batch_result *res)
{
    enum dt_err rc = DT_OK;
    struct dt_batch_result local;
    struct dt_batch_result *r = res ? res : &local;
    struct dt_buf name, value;
    memset(r, 0, sizeof(*r));
    dt_buf_init(&name, 0);
    dt_buf_init(&value, 0);
    const char *s = (const char *)text.p, *end = s + text.n;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        r->lines++;
        if (n && s[0] != '#' && !(n == 1 && s[0] == '\r')) {
            struct dt_batch_query q;
            size_t col;
            dt_buf_reset(&name);
            dt_buf_reset(&value);
            const char *why = dt_batch_parse_line(s, n, &q.kind, &name, &value, &col);
            if (why) {
                if (r->errors++ < DT_BATCH_MAX_REPORTED) {
                    char echo[ECHO_MAX + 4];
                    echo_of(s, trimmed(s, n), echo);
                    struct dt_place pl = {display, (unsigned)r->lines, (unsigned)col, NULL, echo};
                    dt_diag_report(d, DT_ERROR, &pl, "%s", why);
                }
            } else {
                r->queries++;
                q.line = r->lines;
                q.text = dt_slice_make(s, trimmed(s, n));
                q.name = dt_slice_make(name.data, name.len);
                q.value = dt_slice_make(value.data, value.len);
                if (fn)
                    DT_TRY(fn(ctx, &q));
            }
        }
        s = nl ? nl + 1 : end;
    }
    if (r->errors > DT_BATCH_MAX_REPORTED) {
        struct dt_place pl = dt_diag_place_file(display);
        dt_diag_note(d, &pl, "%zu more malformed lines", r->errors - DT_BATCH_MAX_REPORTED);
    }
    if (r->errors)
        rc = DT_ERR_INPUT;
out:
    dt_buf_free(&name);
    dt_buf_free(&value);
    return rc;
}
