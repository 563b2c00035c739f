/*
 * cert.c - PEM/DER certificate loading.
 *
 * The DER walker in der.c extracts the fields; OpenSSL hashes them and, on
 * request (dt_cert_openssl_ok), gives a second opinion on whether the
 * certificate is well formed.
 */
#include "cert.h"


#include "pubkey.h"
#include "name.h"

#include "file.h"
#include "caps.h"
#include "b64.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

bool dt_cert_openssl_ok(const struct dt_cert *c)
{
    const unsigned char *p = c->der;
    X509 *x = d2i_X509(NULL, &p, (long)c->der_len);
    bool ok = x != NULL && p == c->der + c->der_len;
    X509_free(x);
    ERR_clear_error();
    return ok;
}

void dt_cert_free(struct dt_cert *c)
{
    if (!c)
        return;
    free(c->der);
    free(c->file);
    free(c);
}

/* The reason dt_cert_from_der gives when a digest fails: the cause and what
 * needs it. */
static _Thread_local char why_buf[256];

/* The hashes certdata.txt and p11-kit objects carry, and the keys the
 * certificate is found by; *need says what needs the digest being made
 * (for the message when it fails). */
static enum dt_err hash_cert(struct dt_cert *c, const char **need)
{
    enum dt_err rc = DT_OK;
    struct dt_slice all = dt_slice_make(c->der, c->der_len);
    *need = "certdata.txt needs each certificate's SHA-1";
    DT_TRY(dt_digest_sha1(all, c->sha1));
    *need = "certdata.txt needs each certificate's MD5";
    DT_TRY(dt_digest_md5(all, c->md5));
    *need = "every certificate is known by its SHA-256";
    DT_TRY(dt_digest_sha256(all, c->sha256));
    DT_TRY(dt_digest_sha256(c->info.spki, c->spki_sha256));
    DT_TRY(dt_name_id(c->info.subject, c->subject_id));
    if (dt_slice_eq(c->info.issuer, c->info.subject))
        memcpy(c->issuer_id, c->subject_id, 32);
    else
        DT_TRY(dt_name_id(c->info.issuer, c->issuer_id));
    DT_TRY(dt_pubkey_id_or_bytes(c->info.spki, c->pubkey_id));
out:
    return rc;
}

enum dt_err dt_cert_from_der(const uint8_t *der, size_t n, struct dt_cert **out, const char **why)
{
    enum dt_err rc = DT_OK;
    struct dt_cert *c = NULL;
    *out = NULL;
    *why = NULL;

    if (n > DT_MAX_CERT_BYTES) {
        *why = "certificate larger than the 1 MiB limit";
        rc = DT_ERR_LIMIT;
        goto out;
    }
    c = dt_mem_calloc(1, sizeof(*c));
    DT_ENSURE_MEM(c);
    c->der = dt_mem_dup(der, n);
    DT_ENSURE_MEM(c->der);
    c->der_len = n;
    struct dt_slice all = dt_slice_make(c->der, n);
    if ((*why = dt_der_parse_cert(all, &c->info))) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    if ((*why = dt_der_time(c->info.not_before, &c->not_before)) ||
        (*why = dt_der_time(c->info.not_after, &c->not_after))) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    const char *need;
    rc = hash_cert(c, &need);
    if (rc != DT_OK) {
        const char *cause = dt_digest_why();
        if (rc == DT_ERR_INTERNAL && cause) {
            snprintf(why_buf, sizeof(why_buf), "%s: %s", cause, need);
            *why = why_buf;
        } else {
            *why = rc == DT_ERR_NOMEM ? dt_mem_why_nomem : "a name too large to compare";
        }
        goto out;
    }
    *out = c;
    c = NULL;
out:
    dt_cert_free(c);
    return rc;
}

enum dt_err dt_cert_list_push(struct dt_certlist *l, struct dt_cert *c)
{
    enum dt_err rc = dt_mem_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    if (rc == DT_OK)
        l->v[l->n++] = c;
    return rc;
}

void dt_cert_list_free(struct dt_certlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        dt_cert_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Adds a parsed certificate, reporting a parse failure at file:line. */
static enum dt_err add_cert(const char *path, unsigned line, unsigned index, struct dt_slice der,
                            struct dt_certlist *out, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_cert *c = NULL;
    const char *why = NULL;
    struct dt_place pl = {path, line, 0, NULL, NULL};

    size_t max = out->max_per_file ? out->max_per_file : DT_MAX_CERTS_PER_FILE;
    if (index > max) {
        rc = dt_diag_fail(d, &pl, DT_ERR_LIMIT, "more than %zu certificates in one file", max);
        goto out;
    }
    rc = dt_cert_from_der(der.p, der.n, &c, &why);
    if (rc == DT_ERR_INPUT || rc == DT_ERR_LIMIT || rc == DT_ERR_INTERNAL) {
        /* bad input, or a digest OpenSSL cannot give: named either way */
        dt_diag_report(d, DT_ERROR, &pl, "certificate %u: %s", index, why);
        goto out;
    }
    DT_TRY(rc);
    c->file = dt_mem_strdup(path);
    DT_ENSURE_MEM(c->file);
    c->index = index;
    c->line = line;
    if (!out->skip_openssl_check && !dt_cert_openssl_ok(c))
        dt_diag_warn(d, &pl,
                "certificate %u: OpenSSL does not accept this certificate; its DER fields "
                "are used exactly as they stand",
                index);
    DT_TRY(dt_cert_list_push(out, c));
    c = NULL;
out:
    dt_cert_free(c);
    return rc;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static bool is_cert_label(const char *l, size_t n)
{
    return (n == 11 && memcmp(l, "CERTIFICATE", 11) == 0) ||
           (n == 16 && memcmp(l, "X509 CERTIFICATE", 16) == 0) ||
           (n == 19 && memcmp(l, "TRUSTED CERTIFICATE", 19) == 0);
}

/* Finds the first line in (first, last) with a non-base64 character. */
static void find_bad_b64(const char *s, size_t n, unsigned first, unsigned last, unsigned *line,
                         size_t *col)
{
    unsigned no = 1;
    size_t i = 0;
    while (i < n && no < last) {
        size_t j = i;
        while (j < n && s[j] != '\n')
            j++;
        if (no > first && !memchr(s + i, ':', j - i)) {
            for (size_t k = i; k < j; k++) {
                char c = s[k];
                bool okc = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' || c == ' ' ||
                           c == '\t' || c == '\r';
                if (!okc) {
                    *line = no;
                    *col = k - i + 1;
                    return;
                }
            }
        }
        i = j + 1;
        no++;
    }
}

static enum dt_err load_pem(const char *path, struct dt_slice data, struct dt_certlist *out,
                            struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_buf body, der;
    dt_buf_init(&body, data.n + 1);
    dt_buf_init(&der, data.n + 1);
    const char *s = (const char *)data.p;
    size_t pos = 0;
    unsigned lineno = 0, found = 0, skipped = 0;
    bool in_block = false;
    unsigned begin_line = 0;
    const char *label = NULL;
    size_t label_len = 0;

    while (pos < data.n) {
        const char *line = s + pos;
        const char *nl = memchr(line, '\n', data.n - pos);
        size_t len = nl ? (size_t)(nl - line) : data.n - pos;
        pos += len + (nl ? 1 : 0);
        lineno++;
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        if (!in_block) {
            if (!starts_with(line, len, "-----BEGIN "))
                continue;
            if (len < 16 || memcmp(line + len - 5, "-----", 5) != 0) {
                struct dt_place pl = {path, lineno, 1, NULL, NULL};
                rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "malformed PEM BEGIN line");
                goto out;
            }
            label = line + 11;
            label_len = len - 16;
            in_block = true;
            begin_line = lineno;
            dt_buf_reset(&body);
            continue;
        }
        if (starts_with(line, len, "-----BEGIN ")) {
            struct dt_place pl = {path, begin_line, 1, NULL, NULL};
            rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                         "PEM block has no END line (another BEGIN line follows at line %u)",
                         lineno);
            goto out;
        }
        if (starts_with(line, len, "-----END ")) {
            if (len != label_len + 14 || memcmp(line + 9, label, label_len) != 0 ||
                memcmp(line + len - 5, "-----", 5) != 0) {
                struct dt_place pl = {path, lineno, 1, NULL, NULL};
                rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                             "PEM END line does not match the BEGIN line at line %u", begin_line);
                goto out;
            }
            in_block = false;
            if (!is_cert_label(label, label_len)) {
                struct dt_place pl = {path, begin_line, 0, NULL, NULL};
                dt_diag_warn(d, &pl, "skipping a PEM block that is not a certificate (%.*s)",
                        (int)label_len, label);
                skipped++;
                continue;
            }
            dt_buf_reset(&der);
            const char *why = dt_b64_decode((const char *)body.data, body.len, true, &der);
            DT_ENSURE(why != dt_mem_why_nomem, DT_ERR_NOMEM);
            if (why) {
                /* Point at the first body line with a character outside the
                 * alphabet, else at the END line (a padding problem). */
                unsigned bad = lineno;
                size_t bad_col = 0;
                find_bad_b64(s, data.n, begin_line, lineno, &bad, &bad_col);
                struct dt_place pl = {path, bad, (unsigned)bad_col, NULL, NULL};
                rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "certificate %u (BEGIN at line %u): %s",
                             found + 1, begin_line, why);
                goto out;
            }
            struct dt_slice ds = dt_slice_make(der.data, der.len);
            if (label_len == 19) {
                /* TRUSTED CERTIFICATE: the certificate, then OpenSSL's aux data. */
                struct dt_slice rest = ds;
                struct dt_tlv t;
                if (!dt_der_read(&rest, &t))
                    ds = t.all;
            }
            found++;
            DT_TRY(add_cert(path, begin_line, found, ds, out, d));
            continue;
        }
        if (memchr(line, ':', len)) {
            /* RFC 1421 header lines (Proc-Type: ...) are not base64. */
            continue;
        }
        DT_TRY(dt_buf_append(&body, line, len));
    }
    if (in_block) {
        struct dt_place pl = {path, begin_line, 1, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "PEM block has no END line");
        goto out;
    }
    if (!found) {
        struct dt_place pl = dt_diag_place_file(path);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                     skipped ? "no CERTIFICATE block in this PEM file"
                             : "no certificate found in this file");
        goto out;
    }
out:
    dt_buf_free(&body);
    dt_buf_free(&der);
    return rc;
}

static enum dt_err load_der(const char *path, struct dt_slice data, struct dt_certlist *out,
                            struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    unsigned index = 0;
    struct dt_slice rest = data;
    while (rest.n) {
        struct dt_tlv t;
        const char *why = dt_der_read(&rest, &t);
        if (why) {
            struct dt_place pl = dt_diag_place_file(path);
            rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "certificate %u at byte offset %zu: %s", index + 1,
                         (size_t)(rest.p - data.p), why);
            goto out;
        }
        index++;
        DT_TRY(add_cert(path, 0, index, t.all, out, d));
    }
out:
    return rc;
}

enum dt_err dt_cert_load_mem(const char *path, struct dt_slice data, struct dt_certlist *out,
                             struct dt_diags *d, const struct dt_place *ref)
{
    enum dt_err rc;
    size_t before = out->n;
    struct dt_place pl = dt_diag_place_file(path);
    (void)ref;
    if (data.n == 0)
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "empty file: expected a PEM or DER certificate");
    else if (memmem(data.p, data.n, "-----BEGIN ", 11))
        rc = load_pem(path, data, out, d);
    else if (data.p[0] == DT_TAG_SEQUENCE)
        rc = load_der(path, data, out, d);
    else
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                     "neither PEM (no -----BEGIN line) nor DER (does not start with a "
                     "SEQUENCE)");
    if (rc != DT_OK) {
        /* All or nothing: drop what this file added before failing. */
        while (out->n > before)
            dt_cert_free(out->v[--out->n]);
    }
    return rc;
}

enum dt_err dt_cert_load_file(const char *path, struct dt_certlist *out, struct dt_diags *d,
                              const struct dt_place *ref)
{
    enum dt_err rc = DT_OK;
    struct dt_buf data;
    DT_TRY(dt_file_read(path, DT_MAX_CERT_FILE_BYTES, &data, d, ref));
    rc = dt_cert_load_mem(path, dt_slice_make(data.data, data.len), out, d, ref);
    dt_buf_free(&data);
out:
    return rc;
}

enum dt_err dt_cert_pem(const struct dt_cert *c, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    struct dt_buf b64;
    dt_buf_init(&b64, 0);
    DT_TRY(dt_b64_encode(dt_slice_make(c->der, c->der_len), &b64));
    DT_TRY(dt_buf_puts(out, "-----BEGIN CERTIFICATE-----\n"));
    for (size_t i = 0; i < b64.len; i += 64)
        DT_TRY(dt_buf_printf(out, "%.*s\n", (int)(b64.len - i < 64 ? b64.len - i : 64),
                             (const char *)b64.data + i));
    DT_TRY(dt_buf_puts(out, "-----END CERTIFICATE-----\n"));
out:
    dt_buf_free(&b64);
    return rc;
}
