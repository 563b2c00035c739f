/*
 * onecrl.c - OneCRL records and their Remote Settings content signature.
 */
#include "onecrl.h"

#include "der.h"
#include "ecdsa.h"
#include "file.h"
#include "time.h"
#include "b64.h"
#include "item.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CS_PREFIX "Content-Signature:\0"
#define CS_PREFIX_LEN 19

/* ---- records ------------------------------------------------------------------ */

struct rec {
    char id[37];
    json_t *obj;
};

/* A record's id: a UUID made of SHA-256(prefix || a || b). */
static enum dt_err uuid_of(const char *prefix, struct dt_slice a, struct dt_slice b, char out[37])
{
    enum dt_err rc = DT_OK;
    uint8_t h[32];
    struct dt_slice parts[] = {dt_slice_make(prefix, strlen(prefix)), a, b};
    DT_TRY(dt_digest_sha256_parts(parts, 3, h));
    h[6] = (uint8_t)((h[6] & 0x0f) | 0x80); /* version 8: custom (RFC 9562) */
    h[8] = (uint8_t)((h[8] & 0x3f) | 0x80); /* variant 10 */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
             h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
             h[14], h[15]);
out:
    return rc;
}

static json_t *b64(struct dt_slice s)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    json_t *v = NULL;
    if (dt_b64_encode(s, &b) == DT_OK)
        v = json_stringn(b.data ? (const char *)b.data : "", b.len);
    dt_buf_free(&b);
    return v;
}

static json_t *details(const struct dt_rule *r, const char *name)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "bug", r->bug ? r->bug : "", "who",
                     r->who ? r->who : "", "why", r->why ? r->why : "", "name", name ? name : "",
                     "created", r->created ? r->created : "");
}

static int cmp_rec(const void *a, const void *b)
{
    return strcmp(((const struct rec *)a)->id, ((const struct rec *)b)->id);
}

static enum dt_err push_rec(struct rec **v, size_t *n, size_t *cap, const char *id, json_t *obj)
{
    if (!obj)
        return DT_ERR_NOMEM;
    enum dt_err rc = dt_mem_grow((void **)v, cap, *n + 1, sizeof(**v));
    if (rc != DT_OK) {
        json_decref(obj);
        return rc;
    }
    memcpy((*v)[*n].id, id, 37);
    (*v)[*n].obj = obj;
    (*n)++;
    return DT_OK;
}

enum dt_err dt_onecrl_write(const struct dt_model *m, int64_t last_modified_ms, struct dt_buf *out,
                            size_t *n_records)
{
    enum dt_err rc = DT_OK;
    struct rec *v = NULL;
    size_t n = 0, cap = 0;
    json_t *doc = NULL, *data = NULL;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!(it->targets & DT_TARGET_ONECRL))
            continue;
        char id[37];
        DT_TRY(uuid_of("is", it->issuer, it->serial, id));
        char *label = dt_item_label(it);
        DT_ENSURE_MEM(label);
        json_t *o = json_pack("{s:o, s:b, s:s, s:o, s:o, s:I}", "details", details(it->rule, label),
                              "enabled", !it->rule->onecrl_disabled, "id", id, "issuerName",
                              b64(it->issuer), "serialNumber", b64(it->serial), "last_modified",
                              (json_int_t)last_modified_ms);
        free(label);
        DT_TRY(push_rec(&v, &n, &cap, id, o));
    }
    for (size_t i = 0; i < m->n_skeys; i++) {
        const struct dt_subjkey *k = &m->skeys[i];
        if (!(k->rule->targets & DT_TARGET_ONECRL))
            continue;
        char id[37];
        struct dt_slice hash = dt_slice_make(k->spki_sha256, 32);
        DT_TRY(uuid_of("spk", k->subject, hash, id));
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = !strcmp(v[j].id, id);
        if (dup)
            continue; /* the same subject and key twice: one record */
        json_t *o =
            json_pack("{s:o, s:b, s:s, s:o, s:o, s:I}", "details", details(k->rule, k->rule->label),
                      "enabled", !k->rule->onecrl_disabled, "id", id, "subject", b64(k->subject),
                      "pubKeyHash", b64(hash), "last_modified", (json_int_t)last_modified_ms);
        DT_TRY(push_rec(&v, &n, &cap, id, o));
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_rec);
    data = json_array();
    DT_ENSURE_MEM(data);
    for (size_t i = 0; i < n; i++) {
        DT_ENSURE_MEM(json_array_append(data, v[i].obj) == 0);
    }
    doc = json_pack("{s:O, s:I}", "data", data, "timestamp", (json_int_t)last_modified_ms);
    DT_ENSURE_MEM(doc);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    DT_ENSURE_MEM(text);
    rc = dt_buf_append(out, text, strlen(text));
    free(text);
    DT_TRY(rc);
    DT_TRY(dt_buf_putc(out, '\n'));
    if (n_records)
        *n_records = n;
out:
    for (size_t i = 0; i < n; i++)
        json_decref(v[i].obj);
    free(v);
    json_decref(data);
    json_decref(doc);
    return rc;
}

static int64_t created_ms(const struct dt_rule *r)
{
    if (!(r->targets & DT_TARGET_ONECRL) || !r->created)
        return 0;
    char buf[64];
    const char *s = r->created;
    if (strlen(s) == 10) { /* a date: its midnight */
        snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
        s = buf;
    }
    int64_t t;
    bool frac;
    return dt_time_parse_rfc3339(s, &t, &frac) ? 0 : t * 1000;
}

int64_t dt_onecrl_default_time(const struct dt_model *m)
{
    int64_t best = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        int64_t t = created_ms(m->items[i].rule);
        best = t > best ? t : best;
    }
    for (size_t i = 0; i < m->n_skeys; i++) {
        int64_t t = created_ms(m->skeys[i].rule);
        best = t > best ? t : best;
    }
    return best;
}

/* ---- canonical JSON -------------------------------------------------------------- */

static enum dt_err put_u(struct dt_buf *out, unsigned u)
{
    return dt_buf_printf(out, "\\u%04x", u);
}

static enum dt_err canon_string(const char *s, size_t n, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_buf_putc(out, '"'));
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            switch (c) {
            case '"':
                DT_TRY(dt_buf_puts(out, "\\\""));
                break;
            case '\\':
                DT_TRY(dt_buf_puts(out, "\\\\"));
                break;
            case '\b':
                DT_TRY(dt_buf_puts(out, "\\b"));
                break;
            case '\f':
                DT_TRY(dt_buf_puts(out, "\\f"));
                break;
            case '\n':
                DT_TRY(dt_buf_puts(out, "\\n"));
                break;
            case '\r':
                DT_TRY(dt_buf_puts(out, "\\r"));
                break;
            case '\t':
                DT_TRY(dt_buf_puts(out, "\\t"));
                break;
            default:
                if (c < 0x20)
                    DT_TRY(put_u(out, c));
                else
                    DT_TRY(dt_buf_putc(out, (char)c));
            }
            continue;
        }
        /* UTF-8 (jansson has validated it) to UTF-16 escapes. */
        unsigned cp, len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if ((size_t)(end - p) < len) {
            rc = DT_ERR_INPUT;
            goto out;
        }
        cp = c & (0x7fu >> len);
        for (unsigned i = 1; i < len; i++)
            cp = (cp << 6) | (p[i] & 0x3fu);
        p += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            DT_TRY(put_u(out, 0xd800 + (cp >> 10)));
            DT_TRY(put_u(out, 0xdc00 + (cp & 0x3ff)));
        } else {
            DT_TRY(put_u(out, cp));
        }
    }
    DT_TRY(dt_buf_putc(out, '"'));
out:
    return rc;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum dt_err dt_onecrl_canonical_json(const struct json_t *cv, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    json_t *v = (json_t *)cv;
    const char **keys = NULL;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        keys = n ? dt_mem_calloc(n, sizeof(*keys)) : NULL;
        DT_ENSURE_MEM(keys || !n);
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            keys[i++] = k;
        }
        if (n > 1)
            qsort(keys, n, sizeof(*keys), cmp_keys);
        DT_TRY(dt_buf_putc(out, '{'));
        for (i = 0; i < n; i++) {
            if (i)
                DT_TRY(dt_buf_putc(out, ','));
            DT_TRY(canon_string(keys[i], strlen(keys[i]), out));
            DT_TRY(dt_buf_putc(out, ':'));
            DT_TRY(dt_onecrl_canonical_json(json_object_get(v, keys[i]), out));
        }
        DT_TRY(dt_buf_putc(out, '}'));
        break;
    }
    case JSON_ARRAY:
        DT_TRY(dt_buf_putc(out, '['));
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                DT_TRY(dt_buf_putc(out, ','));
            DT_TRY(dt_onecrl_canonical_json(json_array_get(v, i), out));
        }
        DT_TRY(dt_buf_putc(out, ']'));
        break;
    case JSON_STRING:
        DT_TRY(canon_string(json_string_value(v), json_string_length(v), out));
        break;
    case JSON_INTEGER:
        DT_TRY(dt_buf_printf(out, "%lld", (long long)json_integer_value(v)));
        break;
    case JSON_TRUE:
        DT_TRY(dt_buf_puts(out, "true"));
        break;
    case JSON_FALSE:
        DT_TRY(dt_buf_puts(out, "false"));
        break;
    case JSON_NULL:
        DT_TRY(dt_buf_puts(out, "null"));
        break;
    default: /* reals: not in OneCRL records */
        rc = DT_ERR_INPUT;
    }
out:
    free(keys);
    return rc;
}

/* ---- the signature ---------------------------------------------------------------- */

static int cmp_json_id(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "id"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "id"));
    return strcmp(x ? x : "", y ? y : "");
}

enum dt_err dt_onecrl_signed_message(const char *file, struct dt_slice text, struct dt_buf *out,
                                     struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)text.p, text.n, JSON_REJECT_DUPLICATES, &jerr);
    json_t **recs = NULL, *sorted = NULL, *msg = NULL;
    struct dt_place pl = {file, doc ? 0 : (unsigned)jerr.line, 0, NULL, NULL};
    if (!doc) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "not JSON: %s", jerr.text);
        goto out;
    }
    json_t *data = json_object_get(doc, "data");
    json_t *ts = json_object_get(doc, "timestamp");
    if (!json_is_array(data) || !json_is_integer(ts)) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "expected {\"data\": [records], \"timestamp\": N}");
        goto out;
    }
    size_t n = json_array_size(data);
    recs = n ? dt_mem_calloc(n, sizeof(*recs)) : NULL;
    DT_ENSURE_MEM(recs || !n);
    for (size_t i = 0; i < n; i++) {
        recs[i] = json_array_get(data, i);
        if (!json_is_string(json_object_get(recs[i], "id"))) {
            rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "/data/%zu: a record without an \"id\"", i);
            goto out;
        }
    }
    if (n > 1)
        qsort(recs, n, sizeof(*recs), cmp_json_id);
    sorted = json_array();
    DT_ENSURE_MEM(sorted);
    for (size_t i = 0; i < n; i++)
        DT_ENSURE_MEM(json_array_append(sorted, recs[i]) == 0);
    char stamp[32];
    snprintf(stamp, sizeof(stamp), "%lld", (long long)json_integer_value(ts));
    msg = json_pack("{s:O, s:s}", "data", sorted, "last_modified", stamp);
    DT_ENSURE_MEM(msg);
    DT_TRY(dt_buf_append(out, CS_PREFIX, CS_PREFIX_LEN));
    DT_TRY(dt_onecrl_canonical_json(msg, out));
out:
    free(recs);
    json_decref(sorted);
    json_decref(msg);
    json_decref(doc);
    return rc;
}

static EVP_PKEY *read_key(const char *path, bool private_key, struct dt_diags *d)
{
    struct dt_buf b;
    if (dt_file_read(path, (size_t)1 << 20, &b, d, NULL) != DT_OK)
        return NULL;
    EVP_PKEY *k = dt_ecdsa_pem_key((const char *)b.data, b.len, private_key);
    dt_buf_free(&b);
    struct dt_place pl = dt_diag_place_file(path);
    if (!k) {
        dt_diag_report(d, DT_ERROR, &pl, "not a PEM %s",
                  private_key ? "private key" : "public key or certificate");
        return NULL;
    }
    if (dt_ecdsa_bits(k) != 384) {
        dt_diag_report(d, DT_ERROR, &pl,
                  "the key must be ECDSA P-384 (Remote Settings' p384ecdsa mode)");
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

static void to_b64url(struct dt_buf *b)
{
    size_t n = b->len;
    char *s = (char *)b->data;
    for (size_t i = 0; i < n; i++)
        s[i] = s[i] == '+' ? '-' : s[i] == '/' ? '_' : s[i];
    while (n && s[n - 1] == '=')
        n--;
    b->len = n;
}

static enum dt_err key_sha256(EVP_PKEY *k, char hex[65])
{
    enum dt_err rc = DT_OK;
    uint8_t h[32];
    DT_TRY(dt_ecdsa_key_id(k, h));
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
out:
    return rc;
}

enum dt_err dt_onecrl_sign(struct dt_slice onecrl_json, const char *key_path, struct dt_buf *out,
                           struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_buf msg, sig64;
    dt_buf_init(&msg, 0);
    dt_buf_init(&sig64, 0);
    EVP_PKEY *k = read_key(key_path, true, d);
    unsigned char *der = NULL;
    ECDSA_SIG *es = NULL;
    json_t *doc = NULL;
    if (!k) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    DT_TRY(dt_onecrl_signed_message("onecrl.json", onecrl_json, &msg, d));
    size_t dlen = 0;
    /* deterministic (RFC 6979): the same inputs, the same signature */
    DT_TRY(dt_ecdsa_sign_rfc6979(k, 384, msg.data, msg.len, &der, &dlen));
    const unsigned char *q = der;
    es = d2i_ECDSA_SIG(NULL, &q, (long)dlen);
    DT_ENSURE(es != NULL, DT_ERR_INTERNAL);
    uint8_t raw[96];
    DT_ENSURE(BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 48) == 48 &&
                  BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 48, 48) == 48,
              DT_ERR_INTERNAL);
    DT_TRY(dt_b64_encode(dt_slice_make(raw, sizeof(raw)), &sig64));
    to_b64url(&sig64);
    char hex[65];
    DT_TRY(key_sha256(k, hex));
    doc = json_pack("{s:s, s:s%, s:s}", "mode", "p384ecdsa", "signature", (const char *)sig64.data,
                    sig64.len, "public_key_sha256", hex);
    DT_ENSURE_MEM(doc);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    DT_ENSURE_MEM(text);
    rc = dt_buf_append(out, text, strlen(text));
    free(text);
    DT_TRY(rc);
    DT_TRY(dt_buf_putc(out, '\n'));
out:
    ERR_clear_error();
    json_decref(doc);
    ECDSA_SIG_free(es);
    OPENSSL_free(der);
    EVP_PKEY_free(k);
    dt_buf_free(&msg);
    dt_buf_free(&sig64);
    return rc;
}

enum dt_err dt_onecrl_verify(const char *json_path, struct dt_slice onecrl_json,
                             const char *sig_path, struct dt_slice sig_json, const char *key_path,
                             struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_buf msg, raw;
    dt_buf_init(&msg, 0);
    dt_buf_init(&raw, 0);
    EVP_PKEY *k = NULL;
    EVP_MD_CTX *ctx = NULL;
    ECDSA_SIG *es = NULL;
    unsigned char *der = NULL;
    BIGNUM *r = NULL, *s = NULL;
    json_error_t jerr;
    json_t *sig = json_loadb((const char *)sig_json.p, sig_json.n, 0, &jerr);
    struct dt_place pl = dt_diag_place_file(sig_path);
    const char *mode = sig ? json_string_value(json_object_get(sig, "mode")) : NULL;
    const char *val = sig ? json_string_value(json_object_get(sig, "signature")) : NULL;
    if (!sig || !mode || !val) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                     "not a signature file (JSON with \"mode\" and \"signature\")");
        goto out;
    }
    if (strcmp(mode, "p384ecdsa") != 0) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "mode \"%s\": only p384ecdsa is supported", mode);
        goto out;
    }
    /* base64url, unpadded, to standard base64 */
    size_t n = strlen(val);
    char *std = dt_mem_calloc(1, n + 4);
    DT_ENSURE_MEM(std);
    for (size_t i = 0; i < n; i++)
        std[i] = val[i] == '-' ? '+' : val[i] == '_' ? '/' : val[i];
    while (n % 4)
        std[n++] = '=';
    const char *why = dt_b64_decode(std, n, false, &raw);
    free(std);
    DT_ENSURE(why != dt_mem_why_nomem, DT_ERR_NOMEM);
    if (why || raw.len != 96) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "the signature is not 96 bytes of base64url (r || s)");
        goto out;
    }
    if (!(k = read_key(key_path, false, d))) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    DT_TRY(dt_onecrl_signed_message(json_path, onecrl_json, &msg, d));
    r = BN_bin2bn(raw.data, 48, NULL);
    s = BN_bin2bn(raw.data + 48, 48, NULL);
    es = ECDSA_SIG_new();
    DT_ENSURE_MEM(r && s && es && ECDSA_SIG_set0(es, r, s) == 1);
    r = s = NULL;
    int dlen = i2d_ECDSA_SIG(es, &der);
    ctx = EVP_MD_CTX_new();
    DT_ENSURE_MEM(dlen > 0 && ctx);
    if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL, k) != 1) {
        /* not the signature's fault: OpenSSL cannot check any */
        rc = dt_diag_fail(d, NULL, DT_ERR_INTERNAL,
                          "OpenSSL cannot verify an ECDSA signature over SHA-384 (is SHA-384 "
                          "available from its providers?)");
        goto out;
    }
    if (EVP_DigestVerify(ctx, der, (size_t)dlen, msg.data, msg.len) != 1) {
        struct dt_place jp = dt_diag_place_file(json_path);
        rc = dt_diag_fail(d, &jp, DT_ERR_INPUT,
                     "the content signature in %s does not verify with %s: the records or "
                     "their timestamp changed after signing, or another key signed them",
                     sig_path, key_path);
    }
out:
    ERR_clear_error();
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    OPENSSL_free(der);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    json_decref(sig);
    dt_buf_free(&msg);
    dt_buf_free(&raw);
    return rc;
}



