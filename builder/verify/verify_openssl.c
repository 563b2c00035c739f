/*
 * verify_openssl.c - a chain case under OpenSSL.
 */
#include "verify_openssl.h"

#include "policy.h"
#include "pool.h"

#include <distrust/openssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

static X509 *x509_of(const struct dt_cert *c)
{
    const unsigned char *p = c->der;
    X509 *x = d2i_X509(NULL, &p, (long)c->der_len);
    ERR_clear_error();
    return x;
}

static int purpose_of(enum dt_usage u)
{
    switch (u) {
    case DT_USAGE_SERVER:
        return X509_PURPOSE_SSL_SERVER;
    case DT_USAGE_CLIENT:
        return X509_PURPOSE_SSL_CLIENT;
    case DT_USAGE_EMAIL_SIGNER:
        return X509_PURPOSE_SMIME_SIGN;
    case DT_USAGE_EMAIL_RECIPIENT:
        return X509_PURPOSE_SMIME_ENCRYPT;
    case DT_USAGE_CODE_SIGNING:
    case DT_USAGE_SSL_CA:
    default:
        return X509_PURPOSE_ANY;
    }
}

static unsigned trust_bit(enum dt_usage u)
{
    return u == DT_USAGE_EMAIL_SIGNER || u == DT_USAGE_EMAIL_RECIPIENT ? DT_PURPOSE_EMAIL
           : u == DT_USAGE_CODE_SIGNING                                ? DT_PURPOSE_CODE
                                                                       : DT_PURPOSE_SERVER;
}

enum dt_err dt_verify_openssl_run(const struct dt_case *k, struct dt_pool *rootstore, int64_t time,
                           const struct dt_blob *blob, struct dt_ossl_outcome *o)
{
    enum dt_err rc = DT_OK;
    memset(o, 0, sizeof(*o));
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509 *leaf = NULL;
    if (!st || !ctx || !untrusted) {
        snprintf(o->failure, sizeof(o->failure), "out of memory");
        rc = DT_ERR_NOMEM;
        goto out;
    }
    size_t anchors = 0;
    for (size_t i = 0; i < k->n_anchors; i++) {
        X509 *a = x509_of(k->anchors[i]);
        if (a && X509_STORE_add_cert(st, a))
            anchors++;
        X509_free(a);
    }
    for (size_t i = 0; rootstore && i < rootstore->n; i++) {
        struct dt_pool_entry *e = &rootstore->v[i];
        bool anchor;
        rc = dt_pool_is_anchor(rootstore, e, trust_bit(k->usage), &anchor);
        if (rc != DT_OK) {
            snprintf(o->failure, sizeof(o->failure), "cannot tell the root store's anchors: %s",
                     rc == DT_ERR_INTERNAL && dt_err_cause() ? dt_err_cause() : dt_err_str(rc));
            goto out;
        }
        if (!anchor)
            continue;
        X509 *a = x509_of(e->cert);
        if (a && X509_STORE_add_cert(st, a))
            anchors++;
        X509_free(a);
    }
    ERR_clear_error();
    if (!anchors) {
        snprintf(o->failure, sizeof(o->failure), "no anchor OpenSSL can use");
        goto out;
    }
    leaf = x509_of(k->chain[0]);
    for (size_t i = 1; i < k->n_chain; i++) {
        X509 *x = x509_of(k->chain[i]);
        if (x && !sk_X509_push(untrusted, x))
            X509_free(x);
    }
    if (!leaf) {
        snprintf(o->failure, sizeof(o->failure), "OpenSSL cannot parse the leaf");
        goto out;
    }
    int arc = blob ? dt_blob_attach(st, blob) : DT_BLOB_OK;
    if (arc != DT_BLOB_OK) {
        snprintf(o->failure, sizeof(o->failure), "cannot attach the blob: %s",
                 dt_blob_strerror(arc));
        rc = DT_ERR_INTERNAL;
        goto out;
    }
    if (!X509_STORE_CTX_init(ctx, st, leaf, untrusted)) {
        snprintf(o->failure, sizeof(o->failure), "X509_STORE_CTX_init failed");
        rc = DT_ERR_INTERNAL;
        goto out;
    }
    X509_STORE_CTX_set_time(ctx, 0, (time_t)time);
    X509_STORE_CTX_set_purpose(ctx, purpose_of(k->usage));
    o->ran = true;
    o->good = X509_verify_cert(ctx) == 1;
    o->error = X509_STORE_CTX_get_error(ctx);
    o->error_depth = X509_STORE_CTX_get_error_depth(ctx);
    snprintf(o->error_name, sizeof(o->error_name), "%s",
             o->good ? "ok" : X509_verify_cert_error_string(o->error));
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    for (int i = 0; chain && i < sk_X509_num(chain) && o->n_path < DT_OSSL_MAX_PATH; i++) {
        unsigned char *der = NULL;
        int n = i2d_X509(sk_X509_value(chain, i), &der);
        /* the path is reported whole or the outcome is void, never a path
         * with a certificate left out */
        rc = n > 0 ? dt_digest_sha256(dt_slice_make(der, (size_t)n), o->path_sha256[o->n_path++])
                   : DT_ERR_NOMEM;
        OPENSSL_free(der);
        if (rc != DT_OK) {
            o->ran = false;
            snprintf(o->failure, sizeof(o->failure), "%s: the report names certificates by "
                     "their SHA-256", n > 0 && dt_digest_why() ? dt_digest_why() : dt_err_str(rc));
            goto out;
        }
    }
out:
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    X509_free(leaf);
    sk_X509_pop_free(untrusted, X509_free);
    return rc;
}
