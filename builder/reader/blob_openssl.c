/*
 * blob_openssl.c - the OpenSSL helpers of include/distrust/openssl.h.
 *
 * Enforcement lives in the store's revocation hook, not in its verify
 * callback: an application replaces the verify callback whenever it sets its
 * own (SSL_CTX_set_verify, X509_STORE_CTX_set_verify_cb), but
 * X509_verify_cert calls ctx->check_revocation on every chain it builds
 * (verify_chain in crypto/x509/x509_vfy.c, OpenSSL 3.0), and
 * X509_STORE_CTX_init copies it from the store. The hook reports a listed
 * certificate as OpenSSL reports a revoked one: error, depth and current
 * certificate set, then the verify callback called with ok = 0; and then
 * runs the revocation check that was there before it (OpenSSL's own CRL
 * check, or the application's hook).
 */
#include <distrust/openssl.h>

#include "cert.h"
#include "common.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <stdlib.h>

int dt_blob_has_cert(const struct dt_blob *b, const X509 *x)
{
    if (!b || !x)
        return DT_BLOB_ERR_ARG;
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der); /* the encoding it was parsed from */
    if (n <= 0) {
        ERR_clear_error();
        return DT_BLOB_ERR_CERT;
    }
    struct dt_cert *c = NULL;
    const char *why;
    int r = DT_BLOB_ERR_CERT;
    if (dt_cert_from_der(der, (size_t)n, &c, &why) == DT_OK) {
        r = dt_blob_has_serial(b, c->info.issuer.p, c->info.issuer.n, c->info.serial.p,
                               c->info.serial.n);
        if (r == 0)
            r = dt_blob_has_spki(b, c->info.subject.p, c->info.subject.n, c->spki_sha256);
        dt_cert_free(c);
    }
    OPENSSL_free(der);
    return r;
}

int dt_blob_check_chain(const struct dt_blob *b, const STACK_OF(X509) * chain, int *depth)
{
    if (depth)
        *depth = -1;
    if (!b || !chain)
        return DT_BLOB_ERR_ARG;
    for (int i = 0; i < sk_X509_num(chain); i++) {
        int r = dt_blob_has_cert(b, sk_X509_value(chain, i));
        if (r < 0)
            return r;
        if (r) {
            if (depth)
                *depth = i;
            return 1;
        }
    }
    return 0;
}

/* What a store carries once attached (its ex_data, freed with the store). */
struct attachment {
    const struct dt_blob *blob;
    X509_STORE_CTX_check_revocation_fn next; /* the check that ran before */
};

static int ex_index = -1;
static X509_STORE_CTX_check_revocation_fn openssl_check_revocation;
static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;

static void free_attachment(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                            void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    free(ptr);
}

/* The ex_data index, and OpenSSL's own revocation check (the one a
 * context gets from a store that sets none): the hook runs it after the
 * blob's so that X509_V_FLAG_CRL_CHECK keeps working. */
static void init_once(void)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx && X509_STORE_CTX_init(ctx, NULL, NULL, NULL))
        openssl_check_revocation = X509_STORE_CTX_get_check_revocation(ctx);
    X509_STORE_CTX_free(ctx);
    ex_index = X509_STORE_get_ex_new_index(0, NULL, NULL, NULL, free_attachment);
    ERR_clear_error();
}

/* Reports an error at depth i of the chain the way OpenSSL's own checks
 * do; returns what the verify callback decided (0: stop). */
static int report(X509_STORE_CTX *ctx, X509 *x, int i, int error)
{
    X509_STORE_CTX_set_error_depth(ctx, i);
    X509_STORE_CTX_set_current_cert(ctx, x);
    X509_STORE_CTX_set_error(ctx, error);
    X509_STORE_CTX_verify_cb cb = X509_STORE_CTX_get_verify_cb(ctx);
    return cb ? cb(0, ctx) : 0;
}

/* The store's check_revocation once attached. */
static int check_revocation(X509_STORE_CTX *ctx)
{
    X509_STORE *st = X509_STORE_CTX_get0_store(ctx);
    const struct attachment *at = st && ex_index >= 0 ? X509_STORE_get_ex_data(st, ex_index) : NULL;
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    if (!at || !at->blob || !at->next || !chain) /* the hook without its blob: fail closed */
        return report(ctx, chain ? sk_X509_value(chain, 0) : NULL, 0, X509_V_ERR_UNSPECIFIED);
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        int r = dt_blob_has_cert(at->blob, x);
        if (r != 0 && !report(ctx, x, i, r > 0 ? X509_V_ERR_CERT_REVOKED : X509_V_ERR_UNSPECIFIED))
            return 0;
    }
    return at->next(ctx);
}

int dt_blob_attach(X509_STORE *store, const struct dt_blob *b)
{
    if (!store || !b)
        return DT_BLOB_ERR_ARG;
    if (!CRYPTO_THREAD_run_once(&once, init_once) || ex_index < 0 || !openssl_check_revocation) {
        ERR_clear_error();
        return DT_BLOB_ERR_OPENSSL;
    }
    struct attachment *at = X509_STORE_get_ex_data(store, ex_index);
    if (at) { /* attached before: the hook is in place, only the blob changes */
        at->blob = b;
        return DT_BLOB_OK;
    }
    at = calloc(1, sizeof(*at));
    if (!at)
        return DT_BLOB_ERR_NOMEM;
    X509_STORE_CTX_check_revocation_fn prev = X509_STORE_get_check_revocation(store);
    at->blob = b;
    at->next = prev && prev != check_revocation ? prev : openssl_check_revocation;
    if (!X509_STORE_set_ex_data(store, ex_index, at)) {
        free(at);
        ERR_clear_error();
        return DT_BLOB_ERR_OPENSSL;
    }
    X509_STORE_set_check_revocation(store, check_revocation);
    return DT_BLOB_OK;
}
