/*
 * blob_openssl.c - the OpenSSL helpers of include/distrust-openssl.h.
 */
#include "distrust-openssl.h"

#include "cert.h"

#include <openssl/err.h>
#include <pthread.h>
#include <stdlib.h>

int dt_blob_has_cert(const struct dt_blob *b, X509 *x)
{
    unsigned char *der = NULL;
    int n = x ? i2d_X509(x, &der) : -1; /* the encoding it was parsed from */
    if (n <= 0) {
        ERR_clear_error();
        return -1;
    }
    struct dt_cert *c = NULL;
    const char *why;
    int r = -1;
    if (dt_cert_from_der(der, (size_t)n, &c, &why) == DT_OK) {
        r = dt_blob_has_serial(b, c->info.issuer.p, c->info.issuer.n, c->info.serial.p,
                               c->info.serial.n) == 1 ||
            dt_blob_has_spki(b, c->info.subject.p, c->info.subject.n, c->spki_sha256) == 1;
        dt_cert_free(c);
    }
    OPENSSL_free(der);
    return r;
}

int dt_blob_check_chain(const struct dt_blob *b, STACK_OF(X509) * chain)
{
    for (int i = 0; i < sk_X509_num(chain); i++) {
        int r = dt_blob_has_cert(b, sk_X509_value(chain, i));
        if (r < 0)
            return -2;
        if (r)
            return i;
    }
    return -1;
}

static int ex_index = -1;
static pthread_once_t ex_once = PTHREAD_ONCE_INIT;

static void make_index(void)
{
    ex_index = X509_STORE_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

int dt_blob_verify_cb(int ok, X509_STORE_CTX *ctx)
{
    if (!ok)
        return ok;
    pthread_once(&ex_once, make_index);
    X509_STORE *st = X509_STORE_CTX_get0_store(ctx);
    const struct dt_blob *b = st && ex_index >= 0 ? X509_STORE_get_ex_data(st, ex_index) : NULL;
    X509 *x = X509_STORE_CTX_get_current_cert(ctx);
    if (!b || !x)
        return ok;
    int r = dt_blob_has_cert(b, x);
    if (r != 0) { /* listed, or unreadable: fail closed */
        X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REVOKED);
        return 0;
    }
    return ok;
}

int dt_blob_attach(X509_STORE *store, const struct dt_blob *b)
{
    pthread_once(&ex_once, make_index);
    if (!store || !b || ex_index < 0 ||
        !X509_STORE_set_ex_data(store, ex_index, (void *)(uintptr_t)b))
        return 0;
    X509_STORE_set_verify_cb(store, dt_blob_verify_cb);
    return 1;
}
