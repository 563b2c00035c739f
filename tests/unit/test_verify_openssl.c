/* Unit tests: verify_openssl.c, one chain case under X509_verify_cert with
 * the revocation blob enforced: the baseline path, a revoked leaf and a
 * revoked intermediate (the error and its depth), anchors from a root
 * store per purpose, a case's usage as OpenSSL's purpose, the case's time,
 * and what cannot run (no anchor, a leaf OpenSSL cannot parse) reported as
 * not run, never as a verdict. Cases are read from case-file text over the
 * fixture PKI; blobs are written here. */
#include "blob_write.h"
#include "pool.h"
#include "verify_openssl.h"
#include "unit.h"

#include <openssl/x509_vfy.h>

static struct unit_diags U;
static char DIR_[600];

static struct dt_cases CASES;

/* Case i of the set loaded by load_cases. */
static void load_cases(const char *text)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    dt_cases_init(&CASES);
    if (dt_cases_load_text(&CASES, "cases.json", DIR_, text, strlen(text), &d) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
}

static struct dt_blob *blob_of(const struct dt_cert *const *certs, size_t n)
{
    struct dt_blob_entry e[4];
    for (size_t i = 0; i < n; i++) {
        e[i].a = certs[i]->info.issuer;
        e[i].b = certs[i]->info.serial;
    }
    struct dt_blob_write_opts o = {1, 0, NULL, NULL, NULL};
    struct dt_buf b;
    dt_buf_init(&b, 0);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_blob *bl = NULL;
    char err[200];
    if (dt_blob_write(e, n, NULL, 0, &o, &b, NULL, &d) != DT_OK ||
        dt_blob_open(b.data, b.len, NULL, &bl, err, sizeof(err)) != DT_OK)
        exit(2);
    dt_buf_free(&b);
    return bl;
}

static bool path_is(const struct dt_ossl_outcome *o, const struct dt_cert *const *want, size_t n)
{
    if (o->n_path != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (memcmp(o->path_sha256[i], want[i]->sha256, 32))
            return false;
    return true;
}

static const int64_t T = 1748736000; /* 2025-06-01 */

int main(void)
{
    char cwd[400];
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    snprintf(DIR_, sizeof(DIR_), "%s/testdata/chains/basic", cwd);
    load_cases(
        "{\"cases\": [\n"
        " {\"name\": \"a\", \"chain\": [\"../../pki/leaf-a1-2.pem\", \"../../pki/int-a1.pem\"], "
        "\"anchors\": [\"../../pki/root-a.pem\"], \"expect\": \"distrusted\"},\n"
        " {\"name\": \"store\", \"chain\": [\"../../pki/leaf-a1-2.pem\", "
        "\"../../pki/int-a1.pem\"], "
        "\"anchors\": \"../roots-certdata.txt\", \"expect\": \"distrusted\"},\n"
        " {\"name\": \"wrong anchor\", \"chain\": [\"../../pki/leaf-a1-2.pem\", "
        "\"../../pki/int-a1.pem\"], "
        "\"anchors\": [\"../../pki/root-b.pem\"], \"expect\": \"trusted\"},\n"
        " {\"name\": \"email\", \"chain\": [\"../../pki/leaf-d.pem\", \"../../pki/int-d.pem\"], "
        "\"anchors\": \"../roots-certdata.txt\", \"usage\": \"email-signer\", \"expect\": "
        "\"trusted\"},\n"
        " {\"name\": \"ca as leaf\", \"chain\": [\"../../pki/int-a1.pem\"], "
        "\"anchors\": [\"../../pki/root-a.pem\"], \"usage\": \"email-recipient\", \"expect\": "
        "\"trusted\"}]}");
    const struct dt_case *a = &CASES.v[0], *store = &CASES.v[1], *wrong = &CASES.v[2],
                         *email = &CASES.v[3], *ca = &CASES.v[4];
    struct dt_ossl_outcome o;

    /* The baseline. */
    CHECK(dt_verify_openssl_run(a, NULL, T, NULL, &o) == DT_OK && o.ran && o.good &&
              o.error == X509_V_OK && !strcmp(o.error_name, "ok"),
          "the baseline: OpenSSL accepts the chain");
    const struct dt_cert *want[3] = {a->chain[0], a->chain[1], a->anchors[0]};
    CHECK(path_is(&o, want, 3), "the path it built: leaf, intermediate, anchor (%zu)", o.n_path);

    /* The blob lists the leaf, then the intermediate. */
    struct dt_blob *bl = blob_of((const struct dt_cert *const *)&a->chain[0], 1);
    CHECK(dt_verify_openssl_run(a, NULL, T, bl, &o) == DT_OK && o.ran && !o.good &&
              o.error == X509_V_ERR_CERT_REVOKED && o.error_depth == 0 &&
              !strcmp(o.error_name, X509_verify_cert_error_string(X509_V_ERR_CERT_REVOKED)),
          "a leaf the blob lists: revoked, at depth 0 (%s)", o.error_name);
    dt_blob_close(bl);
    bl = blob_of((const struct dt_cert *const *)&a->chain[1], 1);
    CHECK(dt_verify_openssl_run(a, NULL, T, bl, &o) == DT_OK && !o.good &&
              o.error == X509_V_ERR_CERT_REVOKED && o.error_depth == 1,
          "an intermediate the blob lists: revoked, at depth 1");
    dt_blob_close(bl);
    const struct dt_cert *other[1] = {email->chain[0]};
    bl = blob_of(other, 1);
    CHECK(dt_verify_openssl_run(a, NULL, T, bl, &o) == DT_OK && o.good,
          "a blob that lists another certificate: still accepted");

    /* Time: before the leaf's notBefore. */
    CHECK(dt_verify_openssl_run(a, NULL, 1577836800, bl, &o) == DT_OK && o.ran && !o.good &&
              o.error == X509_V_ERR_CERT_NOT_YET_VALID,
          "at a time before the leaf: not yet valid");
    dt_blob_close(bl);

    /* Anchors from a root store. */
    struct dt_pool rs;
    dt_pool_init(&rs);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_pool_add(&rs, store->anchors_certdata, NULL, &d, NULL, NULL) != DT_OK)
        return 2;
    rs.explicit_anchors = true;
    CHECK(dt_verify_openssl_run(store, &rs, T, NULL, &o) == DT_OK && o.ran && o.good &&
              o.n_path == 3,
          "anchors from a certdata.txt root store: accepted through its Root A");
    CHECK(dt_verify_openssl_run(email, &rs, T, NULL, &o) == DT_OK && o.ran && o.good,
          "an e-mail signer under the store's e-mail anchors: accepted");
    CHECK(dt_verify_openssl_run(store, NULL, T, NULL, &o) == DT_OK && !o.ran &&
              !strcmp(o.failure, "no anchor OpenSSL can use"),
          "a store case without the store: not run, and why");
    dt_pool_free(&rs);

    /* The wrong anchor: no path. */
    CHECK(dt_verify_openssl_run(wrong, NULL, T, NULL, &o) == DT_OK && o.ran && !o.good &&
              o.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
          "another root as the anchor: no path (error %d)", o.error);

    /* The usage is OpenSSL's purpose: a CA certificate is no e-mail recipient. */
    CHECK(dt_verify_openssl_run(ca, NULL, T, NULL, &o) == DT_OK && o.ran && !o.good &&
              o.error == X509_V_ERR_INVALID_PURPOSE,
          "a CA certificate verified as an e-mail recipient: unsuitable purpose (error %d)",
          o.error);

    /* A leaf OpenSSL cannot parse: not run. */
    struct dt_case broken = *a;
    struct dt_cert junk = *a->chain[0];
    uint8_t bad[4] = {0x30, 0x02, 0x05, 0x00};
    junk.der = bad;
    junk.der_len = sizeof(bad);
    struct dt_cert *bc[2] = {&junk, a->chain[1]};
    broken.chain = bc;
    CHECK(dt_verify_openssl_run(&broken, NULL, T, NULL, &o) == DT_OK && !o.ran && !o.good &&
              !strcmp(o.failure, "OpenSSL cannot parse the leaf"),
          "a leaf OpenSSL cannot parse: not run, and why");
    dt_cases_free(&CASES);
    return unit_done();
}
