/* Unit tests: the OpenSSL helpers (include/distrust/openssl.h). A blob of
 * the fixture PKI (testdata/pki) lists leaf-a1-2 by issuer + serial and
 * int-a2 by subject + key; chains are verified with X509_verify_cert:
 * each listed chain beside the same chain without the blob (it verifies)
 * and an unlisted chain with the blob (it verifies). The enforcement must
 * survive the application's own verify callbacks (the hook is the store's
 * revocation check), keep CRL checking working, and fail closed. */
#include "blob_write.h"
#include "cert.h"
#include "unit.h"

#include <distrust/openssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static struct unit_diags U;

#define PKI "testdata/pki/"
/* 2025-06-01: every fixture certificate is valid then. */
#define WHEN ((time_t)1748736000)

static X509 *load_x509(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), PKI "%s.pem", name);
    FILE *f = fopen(path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    return x;
}

static EVP_PKEY *load_key(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), PKI "%s.key.pem", name);
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    return k;
}

static struct dt_cert *parsed(X509 *x)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    struct dt_cert *c = NULL;
    const char *why;
    if (n <= 0 || dt_cert_from_der(der, (size_t)n, &c, &why) != DT_OK)
        c = NULL;
    OPENSSL_free(der);
    return c;
}

/* A blob listing serial_of by issuer + serial and key_of by subject + key
 * (either may be NULL). */
static struct dt_blob *blob_of(X509 *serial_of, X509 *key_of)
{
    struct dt_cert *s = serial_of ? parsed(serial_of) : NULL, *k = key_of ? parsed(key_of) : NULL;
    struct dt_blob_entry es, ek;
    if (s)
        es = (struct dt_blob_entry){s->info.issuer, s->info.serial};
    if (k)
        ek = (struct dt_blob_entry){k->info.subject, dt_slice_make(k->spki_sha256, 32)};
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_blob_write_opts o = {1, 1790000000, NULL, NULL, NULL};
    struct dt_buf out;
    dt_buf_init(&out, 0);
    struct dt_blob *b = NULL;
    char err[256];
    if (dt_blob_write(s ? &es : NULL, s ? 1 : 0, k ? &ek : NULL, k ? 1 : 0, &o, &out, NULL, &d) !=
            DT_OK ||
        dt_blob_open(out.data, out.len, NULL, &b, err, sizeof(err)) != DT_BLOB_OK)
        b = NULL;
    dt_buf_free(&out);
    dt_cert_free(s);
    dt_cert_free(k);
    return b;
}

/* What an application's verify callback saw. */
static int cb_calls, cb_errors, cb_revoked, cb_revoked_depth, cb_override;

static int app_cb(int ok, X509_STORE_CTX *ctx)
{
    cb_calls++;
    if (!ok) {
        cb_errors++;
        if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CERT_REVOKED) {
            cb_revoked++;
            cb_revoked_depth = X509_STORE_CTX_get_error_depth(ctx);
        }
    }
    return cb_override ? 1 : ok; /* pass-through, or override every error */
}

enum cb_kind { CB_NONE, CB_STORE_AFTER, CB_CTX };

struct run {
    int ok;    /* X509_verify_cert's result */
    int error; /* X509_V_ERR_* */
    int depth;
};

/* Verifies leaf (+ untrusted intermediate) against anchor in store st at
 * WHEN, with the application's callback set as kind says. */
static struct run verify(X509_STORE *st, X509 *leaf, X509 *inter, enum cb_kind kind)
{
    struct run r = {-1, -1, -1};
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (inter && untrusted)
        (void)sk_X509_push(untrusted, inter);
    if (kind == CB_STORE_AFTER)
        X509_STORE_set_verify_cb(st, app_cb);
    cb_calls = cb_errors = cb_revoked = 0;
    cb_revoked_depth = -1;
    if (ctx && untrusted && X509_STORE_CTX_init(ctx, st, leaf, untrusted)) {
        X509_STORE_CTX_set_time(ctx, 0, WHEN);
        if (kind == CB_CTX)
            X509_STORE_CTX_set_verify_cb(ctx, app_cb);
        r.ok = X509_verify_cert(ctx);
        r.error = X509_STORE_CTX_get_error(ctx);
        r.depth = X509_STORE_CTX_get_error_depth(ctx);
    }
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    ERR_clear_error();
    return r;
}

static X509_STORE *store_with(X509 *anchor)
{
    X509_STORE *st = X509_STORE_new();
    if (st && !X509_STORE_add_cert(st, anchor)) {
        X509_STORE_free(st);
        st = NULL;
    }
    return st;
}

static X509 *root_a, *int_a1, *int_a2, *leaf_listed, *leaf_control, *leaf_a2;

static void test_lookups(void)
{
    struct dt_blob *b = blob_of(leaf_listed, int_a2);
    CHECK(b != NULL, "a blob of the fixture PKI (leaf-a1-2 by serial, int-a2 by key)");
    if (!b)
        return;
    CHECK(dt_blob_has_cert(b, leaf_listed) == 1, "has_cert: the leaf listed by issuer + serial");
    CHECK(dt_blob_has_cert(b, int_a2) == 1, "has_cert: the intermediate listed by subject + key");
    CHECK(dt_blob_has_cert(b, leaf_control) == 0 && dt_blob_has_cert(b, root_a) == 0,
          "has_cert: others are not listed");
    CHECK(dt_blob_has_cert(NULL, leaf_listed) == DT_BLOB_ERR_ARG,
          "has_cert: a NULL blob is DT_BLOB_ERR_ARG, not \"not listed\"");
    CHECK(dt_blob_has_cert(b, NULL) == DT_BLOB_ERR_ARG, "has_cert: a NULL certificate");
    STACK_OF(X509) *chain = sk_X509_new_null();
    int depth = 7;
    (void)sk_X509_push(chain, leaf_a2);
    (void)sk_X509_push(chain, int_a2);
    (void)sk_X509_push(chain, root_a);
    CHECK(dt_blob_check_chain(b, chain, &depth) == 1 && depth == 1,
          "check_chain: the intermediate, at depth 1 (%d)", depth);
    CHECK(dt_blob_check_chain(b, chain, NULL) == 1, "check_chain: depth may be NULL");
    STACK_OF(X509) *clean = sk_X509_new_null();
    (void)sk_X509_push(clean, leaf_control);
    (void)sk_X509_push(clean, int_a1);
    (void)sk_X509_push(clean, root_a);
    CHECK(dt_blob_check_chain(b, clean, &depth) == 0 && depth == -1,
          "check_chain: an unlisted chain is 0 (depth -1)");
    STACK_OF(X509) *empty = sk_X509_new_null();
    CHECK(dt_blob_check_chain(b, empty, &depth) == 0, "check_chain: an empty chain is 0");
    CHECK(dt_blob_check_chain(NULL, chain, &depth) == DT_BLOB_ERR_ARG &&
              dt_blob_check_chain(b, NULL, &depth) == DT_BLOB_ERR_ARG,
          "check_chain: a NULL blob or chain is DT_BLOB_ERR_ARG");
    sk_X509_free(chain);
    sk_X509_free(clean);
    sk_X509_free(empty);
    dt_blob_close(b);
}

/* The enforcement, with and without the application's own callbacks. */
static void test_attach(void)
{
    struct dt_blob *b = blob_of(leaf_listed, int_a2);
    X509_STORE *plain = store_with(root_a), *st = store_with(root_a);
    CHECK(b && plain && st, "a blob and two stores");
    if (!b || !plain || !st)
        goto out;
    CHECK(dt_blob_attach(NULL, b) == DT_BLOB_ERR_ARG && dt_blob_attach(st, NULL) == DT_BLOB_ERR_ARG,
          "attach: a NULL store or blob is DT_BLOB_ERR_ARG");
    CHECK(dt_blob_attach(st, b) == DT_BLOB_OK, "attach");
    static const struct {
        enum cb_kind kind;
        const char *how;
    } kinds[] = {
        {CB_NONE, "no callback of the application's"},
        {CB_CTX, "the application's pass-through X509_STORE_CTX_set_verify_cb"},
        {CB_STORE_AFTER, "the application's pass-through X509_STORE_set_verify_cb after attach"},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(kinds); i++) {
        struct run base = verify(plain, leaf_listed, int_a1, kinds[i].kind);
        CHECK(base.ok == 1, "baseline, %s: the listed leaf's chain verifies without the blob",
              kinds[i].how);
        struct run r = verify(st, leaf_listed, int_a1, kinds[i].kind);
        CHECK(r.ok == 0 && r.error == X509_V_ERR_CERT_REVOKED && r.depth == 0,
              "%s: the listed leaf fails as revoked at depth 0 (ok %d, %s, depth %d)", kinds[i].how,
              r.ok, X509_verify_cert_error_string(r.error), r.depth);
        if (kinds[i].kind != CB_NONE)
            CHECK(cb_revoked == 1 && cb_revoked_depth == 0,
                  "%s: the callback saw the revocation with preverify_ok 0", kinds[i].how);
        struct run c = verify(st, leaf_control, int_a1, kinds[i].kind);
        CHECK(c.ok == 1, "%s: an unlisted chain verifies with the blob attached", kinds[i].how);
        struct run k = verify(st, leaf_a2, int_a2, kinds[i].kind);
        CHECK(k.ok == 0 && k.error == X509_V_ERR_CERT_REVOKED && k.depth == 1,
              "%s: an intermediate listed by subject + key fails at depth 1 (%s, %d)", kinds[i].how,
              X509_verify_cert_error_string(k.error), k.depth);
        X509_STORE_set_verify_cb(plain, NULL);
        X509_STORE_set_verify_cb(st, NULL);
    }
    /* A callback that overrides every error overrides the blob too: the
     * documented thing a caller must not do. */
    cb_override = 1;
    struct run o = verify(st, leaf_listed, int_a1, CB_CTX);
    cb_override = 0;
    CHECK(o.ok == 1 && cb_revoked == 1,
          "a callback returning 1 for every error sees the revocation and overrides it "
          "(documented: the caller must not)");
    /* Attaching again replaces the blob. */
    struct dt_blob *other = blob_of(leaf_control, NULL);
    CHECK(other && dt_blob_attach(st, other) == DT_BLOB_OK, "attach another blob to the store");
    struct run r1 = verify(st, leaf_listed, int_a1, CB_CTX),
               r2 = verify(st, leaf_control, int_a1, CB_CTX);
    CHECK(r1.ok == 1 && r2.ok == 0 && r2.error == X509_V_ERR_CERT_REVOKED,
          "the new blob is the one enforced (the old leaf verifies, the new one is revoked)");
    X509_STORE_free(st); /* frees the attachment (ASan: no leak) */
    st = NULL;
    dt_blob_close(other);
out:
    X509_STORE_free(st);
    X509_STORE_free(plain);
    dt_blob_close(b);
}

/* A CRL from int-a1 revoking leaf-a1 (serial 0102), signed with int-a1's
 * key, valid at WHEN. */
static X509_CRL *crl_revoking_control(void)
{
    EVP_PKEY *k = load_key("int-a1");
    X509_CRL *crl = X509_CRL_new();
    X509_REVOKED *rv = X509_REVOKED_new();
    ASN1_TIME *t = ASN1_TIME_set(NULL, WHEN - 86400), *nu = ASN1_TIME_set(NULL, WHEN + 86400);
    bool ok = k && crl && rv && t && nu && X509_CRL_set_version(crl, 1) &&
              X509_CRL_set_issuer_name(crl, X509_get_subject_name(int_a1)) &&
              X509_CRL_set1_lastUpdate(crl, t) && X509_CRL_set1_nextUpdate(crl, nu) &&
              X509_REVOKED_set_serialNumber(rv, X509_get_serialNumber(leaf_control)) &&
              X509_REVOKED_set_revocationDate(rv, t) && X509_CRL_add0_revoked(crl, rv);
    if (ok)
        rv = NULL;
    ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, k, EVP_sha256()) > 0;
    X509_REVOKED_free(rv);
    ASN1_TIME_free(t);
    ASN1_TIME_free(nu);
    EVP_PKEY_free(k);
    if (!ok) {
        X509_CRL_free(crl);
        crl = NULL;
    }
    ERR_clear_error();
    return crl;
}

/* An application's own revocation hook, installed before attach. */
static int app_hook_calls;
static int app_hook(X509_STORE_CTX *ctx)
{
    (void)ctx;
    app_hook_calls++;
    return 1;
}

/* X509_V_FLAG_CRL_CHECK keeps working with the blob attached (the hook
 * runs OpenSSL's own revocation check after the blob's), and a hook the
 * application had is kept. */
static void test_crl_chain(void)
{
    struct dt_blob *b = blob_of(leaf_listed, NULL);
    X509_CRL *crl = crl_revoking_control();
    X509_STORE *st = store_with(root_a), *nocrl = store_with(root_a);
    CHECK(b && crl && st && nocrl, "a blob, a CRL of int-a1 revoking leaf-a1, two stores");
    if (!b || !crl || !st || !nocrl)
        goto out;
    X509_STORE_add_crl(st, crl);
    X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
    X509_STORE_set_flags(nocrl, X509_V_FLAG_CRL_CHECK);
    struct run r0 = verify(st, leaf_control, int_a1, CB_NONE);
    CHECK(r0.ok == 0 && r0.error == X509_V_ERR_CERT_REVOKED,
          "baseline without the blob: the CRL revokes leaf-a1 (%s)",
          X509_verify_cert_error_string(r0.error));
    CHECK(dt_blob_attach(st, b) == DT_BLOB_OK && dt_blob_attach(nocrl, b) == DT_BLOB_OK,
          "attach the blob (which does not list leaf-a1) to both");
    struct run r1 = verify(st, leaf_control, int_a1, CB_NONE);
    CHECK(r1.ok == 0 && r1.error == X509_V_ERR_CERT_REVOKED,
          "with the blob attached the CRL still revokes leaf-a1 (%s)",
          X509_verify_cert_error_string(r1.error));
    struct run r2 = verify(nocrl, leaf_control, int_a1, CB_NONE);
    CHECK(r2.ok == 0 && r2.error == X509_V_ERR_UNABLE_TO_GET_CRL,
          "and CRL_CHECK without a CRL still fails for want of it (%s)",
          X509_verify_cert_error_string(r2.error));
    struct run r3 = verify(st, leaf_listed, int_a1, CB_NONE);
    CHECK(r3.ok == 0 && r3.error == X509_V_ERR_CERT_REVOKED && r3.depth == 0,
          "and the blob's leaf is revoked (by the blob: the CRL does not list it)");
    /* An application's own hook is run after the blob's. */
    X509_STORE *own = store_with(root_a);
    if (own) {
        X509_STORE_set_check_revocation(own, app_hook);
        app_hook_calls = 0;
        CHECK(dt_blob_attach(own, b) == DT_BLOB_OK, "attach to a store with its own hook");
        struct run a = verify(own, leaf_control, int_a1, CB_NONE);
        CHECK(a.ok == 1 && app_hook_calls == 1, "an unlisted chain: the application's hook ran");
        struct run c = verify(own, leaf_listed, int_a1, CB_NONE);
        CHECK(c.ok == 0 && c.error == X509_V_ERR_CERT_REVOKED && app_hook_calls == 1,
              "a listed chain: revoked by the blob, before the application's hook");
        X509_STORE_free(own);
    }
out:
    X509_STORE_free(st);
    X509_STORE_free(nocrl);
    X509_CRL_free(crl);
    dt_blob_close(b);
}

/* The hook without its blob (copied to a store that was never attached)
 * fails closed. */
static void test_hook_without_blob(void)
{
    struct dt_blob *b = blob_of(leaf_listed, NULL);
    X509_STORE *st = store_with(root_a), *copy = store_with(root_a);
    if (b && st && copy && dt_blob_attach(st, b) == DT_BLOB_OK) {
        X509_STORE_set_check_revocation(copy, X509_STORE_get_check_revocation(st));
        struct run r = verify(copy, leaf_control, int_a1, CB_NONE);
        CHECK(r.ok == 0 && r.error == X509_V_ERR_UNSPECIFIED,
              "the hook on a store without an attached blob fails closed (%s)",
              X509_verify_cert_error_string(r.error));
        struct run base = verify(st, leaf_control, int_a1, CB_NONE);
        CHECK(base.ok == 1, "baseline: the same chain verifies on the attached store");
    } else {
        CHECK(false, "set up the hook copy");
    }
    X509_STORE_free(st);
    X509_STORE_free(copy);
    dt_blob_close(b);
}

int main(void)
{
    root_a = load_x509("root-a");
    int_a1 = load_x509("int-a1");
    int_a2 = load_x509("int-a2");
    leaf_listed = load_x509("leaf-a1-2");
    leaf_control = load_x509("leaf-a1");
    leaf_a2 = load_x509("leaf-a2");
    CHECK(root_a && int_a1 && int_a2 && leaf_listed && leaf_control && leaf_a2,
          "the fixture certificates");
    if (root_a && int_a1 && int_a2 && leaf_listed && leaf_control && leaf_a2) {
        test_lookups();
        test_attach();
        test_crl_chain();
        test_hook_without_blob();
    }
    X509_free(root_a);
    X509_free(int_a1);
    X509_free(int_a2);
    X509_free(leaf_listed);
    X509_free(leaf_control);
    X509_free(leaf_a2);
    return unit_done();
}
