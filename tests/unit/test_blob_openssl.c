/* Unit tests: blob_openssl.c (the OpenSSL helpers of distrust-openssl.h),
 * against today's API: a certificate listed by issuer + serial or by
 * subject + key, a chain's first listed certificate, and a store that
 * refuses a listed chain once the blob is attached. Kept small: the
 * reader's public API is being rewritten (issue 16, point 1), and the
 * fail-open edges it fixes are not asserted here. */
#include "blob_write.h"
#include "cert.h"
#include "distrust-openssl.h"
#include "unit.h"

#include <openssl/pem.h>

static X509 *x509(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "testdata/pki/%s.pem", name);
    FILE *f = fopen(path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!x)
        exit(2);
    return x;
}

static struct dt_cert *cert(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "testdata/pki/%s.pem", name);
    struct dt_certlist l = {0};
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    if (dt_cert_load_file(path, &l, &d, NULL) != DT_OK || l.n != 1)
        exit(2);
    struct dt_cert *c = l.v[0];
    free(l.v);
    return c;
}

/* X509_verify_cert of leaf <- inter <- root at 2025-06-01. */
static int verify(X509_STORE *st, X509 *leaf, X509 *inter, int *err)
{
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, inter);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, st, leaf, untrusted);
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), 1748736000);
    int r = X509_verify_cert(ctx);
    *err = X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    return r;
}

int main(void)
{
    /* The blob: leaf-a1 by issuer + serial, int-a2 by subject + key. */
    struct dt_cert *l1 = cert("leaf-a1"), *i2 = cert("int-a2");
    struct dt_blob_entry s = {l1->info.issuer, l1->info.serial};
    struct dt_blob_entry k = {i2->info.subject, dt_slice_make(i2->spki_sha256, 32)};
    struct dt_blob_write_opts o = {1, 1790000000, NULL};
    struct dt_buf out;
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    dt_buf_init(&out, 0);
    struct dt_blob *b = NULL;
    struct dt_blob_open_opts oo = {NULL, 0};
    char err[256];
    if (dt_blob_write(&s, 1, &k, 1, &o, &out, NULL, &d) != DT_OK ||
        dt_blob_open(out.data, out.len, &oo, &b, err, sizeof(err)) != DT_OK)
        return 2;

    X509 *leaf1 = x509("leaf-a1"), *leaf12 = x509("leaf-a1-2"), *int1 = x509("int-a1"),
         *int2 = x509("int-a2"), *leaf2 = x509("leaf-a2"), *root = x509("root-a");
    CHECK(dt_blob_has_cert(b, leaf1) == 1, "a certificate listed by issuer + serial: 1");
    CHECK(dt_blob_has_cert(b, int2) == 1, "a certificate listed by subject + key: 1");
    CHECK(dt_blob_has_cert(b, leaf12) == 0 && dt_blob_has_cert(b, int1) == 0,
          "baseline: its siblings and its issuer are not listed: 0");
    CHECK(dt_blob_has_cert(b, NULL) == -1, "no certificate: -1, never \"not listed\"");

    STACK_OF(X509) *chain = sk_X509_new_null();
    sk_X509_push(chain, leaf12);
    sk_X509_push(chain, int1);
    sk_X509_push(chain, root);
    CHECK(dt_blob_check_chain(b, chain) == -1, "a chain that nothing lists: -1");
    sk_X509_set(chain, 0, leaf2);
    sk_X509_set(chain, 1, int2);
    CHECK(dt_blob_check_chain(b, chain) == 1, "a chain through the listed CA: its index, 1");
    sk_X509_set(chain, 0, leaf1);
    sk_X509_set(chain, 1, int1);
    CHECK(dt_blob_check_chain(b, chain) == 0, "the listed leaf first: 0");
    sk_X509_set(chain, 0, NULL);
    CHECK(dt_blob_check_chain(b, chain) == -2, "an unreadable certificate: -2");
    sk_X509_free(chain);

    X509_STORE *st = X509_STORE_new();
    X509_STORE_add_cert(st, root);
    int e = 0;
    CHECK(verify(st, leaf1, int1, &e) == 1, "baseline: without the blob the listed leaf verifies");
    CHECK(dt_blob_attach(NULL, b) == 0 && dt_blob_attach(st, NULL) == 0,
          "attach refuses a NULL store or blob");
    CHECK(dt_blob_attach(st, b) == 1, "attach");
    CHECK(verify(st, leaf1, int1, &e) != 1 && e == X509_V_ERR_CERT_REVOKED,
          "attached: the listed leaf fails as revoked");
    CHECK(verify(st, leaf2, int2, &e) != 1 && e == X509_V_ERR_CERT_REVOKED,
          "attached: a leaf under the CA listed by key fails as revoked");
    CHECK(verify(st, leaf12, int1, &e) == 1, "attached: a leaf nobody lists verifies");
    CHECK(dt_blob_verify_cb(0, NULL) == 0, "the callback keeps OpenSSL's failure");

    X509_STORE_free(st);
    X509_free(leaf1);
    X509_free(leaf12);
    X509_free(int1);
    X509_free(int2);
    X509_free(leaf2);
    X509_free(root);
    dt_blob_close(b);
    dt_buf_free(&out);
    dt_cert_free(l1);
    dt_cert_free(i2);
    return unit_done();
}
