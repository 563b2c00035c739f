/*
 * onecrl_rec.c - one record of a OneCRL dump, checked (onecrl_rec.h).
 */
#include "onecrl_rec.h"

#include "b64.h"
#include "caps.h"
#include "der.h"
#include "mem.h"

#include <stdio.h>
#include <string.h>

void dt_onecrl_rec_init(struct dt_onecrl_rec *r)
{
    memset(r, 0, sizeof(*r));
    dt_buf_init(&r->a, 0);
    dt_buf_init(&r->b, 0);
}

void dt_onecrl_rec_free(struct dt_onecrl_rec *r)
{
    dt_buf_free(&r->a);
    dt_buf_free(&r->b);
}

void dt_onecrl_rec_place(const char *file, size_t i, const char *key, struct dt_place *pl,
                         char *path, size_t cap)
{
    if (key)
        snprintf(path, cap, "/data/%zu/%s", i, key);
    else
        snprintf(path, cap, "/data/%zu", i);
    memset(pl, 0, sizeof(*pl));
    pl->file = file;
    pl->json_path = path;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

enum dt_err dt_onecrl_rec_b64(json_t *rec, size_t i, const char *file, const char *key,
                              bool required, struct dt_buf *out, bool *ok, struct dt_diags *d)
{
    char path[96];
    struct dt_place pl;
    dt_onecrl_rec_place(file, i, key, &pl, path, sizeof(path));
    *ok = false;
    json_t *v = json_object_get(rec, key);
    if (!v) {
        if (required)
            dt_diag_report(d, DT_ERROR, &pl, "missing \"%s\"", key);
        return DT_OK;
    }
    if (!json_is_string(v)) {
        dt_diag_report(d, DT_ERROR, &pl, "\"%s\" must be a base64 string", key);
        return DT_OK;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    while (n && blank(*s))
        s++, n--;
    while (n && blank(s[n - 1]))
        n--;
    const char *why = n ? dt_b64_decode(s, n, true, out) : "empty";
    if (why == dt_mem_why_nomem)
        return DT_ERR_NOMEM;
    if (why) {
        dt_diag_report(d, DT_ERROR, &pl, "\"%s\" is not base64: %s", key, why);
        return DT_OK;
    }
    *ok = true;
    return DT_OK;
}

enum dt_err dt_onecrl_rec_read(json_t *rec, size_t i, const char *file, struct dt_onecrl_rec *r,
                               bool *ok, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    char path[96];
    struct dt_place pl;
    dt_onecrl_rec_place(file, i, NULL, &pl, path, sizeof(path));
    dt_buf_reset(&r->a);
    dt_buf_reset(&r->b);
    r->deleted = r->by_issuer = false;
    *ok = false;
    if (!json_is_object(rec)) {
        dt_diag_report(d, DT_ERROR, &pl, "a record must be an object");
        goto out;
    }
    if (json_is_true(json_object_get(rec, "deleted"))) {
        r->deleted = *ok = true;
        goto out;
    }
    bool is = json_object_get(rec, "issuerName") || json_object_get(rec, "serialNumber");
    bool sk = json_object_get(rec, "subject") || json_object_get(rec, "pubKeyHash");
    if (is == sk) {
        dt_diag_report(d, DT_ERROR, &pl,
                       "a record has issuerName + serialNumber or subject + pubKeyHash, %s",
                       is ? "not both" : "and this one has neither");
        goto out;
    }
    r->by_issuer = is;
    const char *k1 = is ? "issuerName" : "subject", *k2 = is ? "serialNumber" : "pubKeyHash";
    bool ok1, ok2;
    DT_TRY(dt_onecrl_rec_b64(rec, i, file, k1, true, &r->a, &ok1, d));
    DT_TRY(dt_onecrl_rec_b64(rec, i, file, k2, true, &r->b, &ok2, d));
    if (!ok1 || !ok2)
        goto out;
    const char *why = dt_der_check_name(dt_slice_make(r->a.data, r->a.len));
    if (why) {
        dt_onecrl_rec_place(file, i, k1, &pl, path, sizeof(path));
        dt_diag_report(d, DT_ERROR, &pl, "\"%s\" is not a DER Name: %s", k1, why);
        goto out;
    }
    dt_onecrl_rec_place(file, i, k2, &pl, path, sizeof(path));
    if (!is && r->b.len != 32) {
        dt_diag_report(d, DT_ERROR, &pl, "\"pubKeyHash\" must be a SHA-256 (32 bytes), not %zu",
                       r->b.len);
        goto out;
    }
    if (is && r->b.len > DT_MAX_SERIAL_OCTETS) {
        dt_diag_report(d, DT_ERROR, &pl, "\"serialNumber\" has %zu octets (%d at most)", r->b.len,
                       DT_MAX_SERIAL_OCTETS);
        goto out;
    }
    *ok = true;
out:
    return rc;
}
