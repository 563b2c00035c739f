/* Unit tests: cert.c (PEM/DER loading, several per file, bad files). */
#include "cert.h"
#include "file.h"
#include "unit.h"
#include "b64.h"

static struct unit_diags U;

static size_t load_path(const char *path, struct dt_certlist *l, enum dt_err *rc)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(l, 0, sizeof(*l));
    *rc = dt_cert_load_file(path, l, &d, NULL);
    return l->n;
}

static size_t load_text(const char *text, size_t len, struct dt_certlist *l, enum dt_err *rc)
{
    return load_path(unit_write("c.pem", text, len), l, rc);
}

static char *slurp(const char *path, size_t *n)
{
    struct dt_buf b;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_file_read(path, 1 << 20, &b, &d, NULL) != DT_OK)
        exit(2);
    return dt_buf_steal(&b, n);
}

static struct dt_cert *fixture(const char *name)
{
    struct dt_certlist l;
    enum dt_err rc;
    char path[256];
    snprintf(path, sizeof(path), "testdata/pki/%s", name);
    if (load_path(path, &l, &rc) != 1)
        exit(2);
    struct dt_cert *c = l.v[0];
    free(l.v);
    return c;
}

/* What cert.c computes from the parsed fields (moved from test_der.c). */
static void test_computed(void)
{
    struct dt_cert *i1 = fixture("int-a1.der"), *i1x = fixture("int-a1-xb.der"),
                   *neg = fixture("leaf-neg.der");
    CHECK(!memcmp(i1->spki_sha256, i1x->spki_sha256, 32), "same SPKI hash for both");
    CHECK(dt_cert_openssl_ok(neg), "OpenSSL accepts the negative-serial fixture too");
    CHECK(i1->not_before == 1609459200 && i1->not_after == 2208988800,
          "validity 2021-01-01 .. 2040-01-01");
    dt_cert_free(i1);
    dt_cert_free(i1x);
    dt_cert_free(neg);
}

int main(void)
{
    test_computed();
    struct dt_certlist l;
    enum dt_err rc;

    CHECK(load_path("testdata/pki/bundle-leaves.pem", &l, &rc) == 3 && rc == DT_OK,
          "a PEM bundle yields three certificates");
    if (l.n == 3)
        CHECK(l.v[0]->index == 1 && l.v[2]->index == 3 && l.v[0]->line == 1 && l.v[1]->line > 1,
              "certificates know their index and PEM line");
    dt_cert_list_free(&l);

    size_t n1, n2;
    char *a = slurp("testdata/pki/leaf-a1.der", &n1);
    char *b = slurp("testdata/pki/int-a1.der", &n2);
    char *cat = malloc(n1 + n2);
    memcpy(cat, a, n1);
    memcpy(cat + n1, b, n2);
    CHECK(load_text(cat, n1 + n2, &l, &rc) == 2 && rc == DT_OK,
          "two concatenated DER certificates");
    dt_cert_list_free(&l);
    CHECK(load_text(cat, n1 + n2 - 1, &l, &rc) == 0 && rc == DT_ERR_INPUT &&
              unit_has(&U, "certificate 2 at byte offset"),
          "truncated second DER certificate reported with its offset");
    if (!unit_has(&U, "certificate 2 at byte offset"))
        printf("%s", U.text);
    dt_cert_list_free(&l);
    free(cat);

    size_t pn;
    char *pem = slurp("testdata/pki/int-a1.pem", &pn);
    /* Text around PEM blocks is ignored; a key block is skipped with a warning. */
    char buf[16384];
    int k = snprintf(buf, sizeof(buf),
                     "Subject: whatever\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE "
                     "KEY-----\n%s",
                     pem);
    CHECK(load_text(buf, (size_t)k, &l, &rc) == 1 && rc == DT_OK &&
              unit_has(&U, "not a certificate (PRIVATE KEY)"),
          "a PRIVATE KEY block is skipped with a warning");
    dt_cert_list_free(&l);

    /* CRLF line endings. */
    char crlf[16384];
    size_t m = 0;
    for (size_t i = 0; i < pn; i++) {
        if (pem[i] == '\n')
            crlf[m++] = '\r';
        crlf[m++] = pem[i];
    }
    CHECK(load_text(crlf, m, &l, &rc) == 1 && rc == DT_OK, "CRLF PEM loads");
    dt_cert_list_free(&l);

    /* TRUSTED CERTIFICATE: the certificate followed by OpenSSL's aux data. */
    {
        uint8_t *tc = malloc(n1 + 2);
        memcpy(tc, a, n1);
        tc[n1] = 0x30;
        tc[n1 + 1] = 0x00;
        struct dt_buf e;
        dt_buf_init(&e, 0);
        if (dt_b64_encode(dt_slice_make(tc, n1 + 2), &e) != DT_OK)
            exit(2);
        k = snprintf(buf, sizeof(buf),
                     "-----BEGIN TRUSTED CERTIFICATE-----\n%s\n-----END TRUSTED CERTIFICATE-----\n",
                     dt_buf_cstr(&e));
        CHECK(load_text(buf, (size_t)k, &l, &rc) == 1 && rc == DT_OK && l.v[0]->der_len == n1 &&
                  !memcmp(l.v[0]->der, a, n1),
              "TRUSTED CERTIFICATE: the certificate without the aux data");
        dt_cert_list_free(&l);
        dt_buf_free(&e);
        free(tc);
    }
    CHECK(load_text("-----BEGIN CERTIFICATE-----\nMIIB\n", 33, &l, &rc) == 0 &&
              rc == DT_ERR_INPUT && unit_has(&U, "no END line"),
          "PEM without END refused");
    dt_cert_list_free(&l);
    CHECK(load_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END X509 CRL-----\n", 56, &l, &rc) ==
                  0 &&
              rc == DT_ERR_INPUT && unit_has(&U, "does not match"),
          "mismatched END refused");
    dt_cert_list_free(&l);
    CHECK(load_text("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", 58, &l,
                    &rc) == 0 &&
              rc == DT_ERR_INPUT && unit_has(&U, "base64"),
          "bad base64 refused");
    dt_cert_list_free(&l);
    CHECK(load_text("-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n", 58, &l,
                    &rc) == 0 &&
              rc == DT_ERR_INPUT && unit_has(&U, "certificate 1"),
          "PEM that is not a certificate refused");
    dt_cert_list_free(&l);
    CHECK(load_text("hello world\n", 12, &l, &rc) == 0 && rc == DT_ERR_INPUT &&
              unit_has(&U, "neither PEM"),
          "neither PEM nor DER refused");
    dt_cert_list_free(&l);
    CHECK(load_text("", 0, &l, &rc) == 0 && rc == DT_ERR_INPUT && unit_has(&U, "empty file"),
          "empty file refused");
    dt_cert_list_free(&l);
    CHECK(load_path("testdata/pki/no-such-file.pem", &l, &rc) == 0 && rc == DT_ERR_INPUT &&
              unit_has(&U, "No such file"),
          "missing file refused");
    dt_cert_list_free(&l);
    CHECK(load_path("testdata/pki", &l, &rc) == 0 && rc == DT_ERR_INPUT, "a directory is refused");
    dt_cert_list_free(&l);

    struct dt_cert *c;
    const char *why;
    CHECK(dt_cert_from_der((const uint8_t *)a, n1, &c, &why) == DT_OK && dt_cert_openssl_ok(c),
          "from_der of a fixture");
    uint8_t sha1[20];
    CHECK(dt_digest_sha1(dt_slice_make(a, n1), sha1) == DT_OK && !memcmp(sha1, c->sha1, 20),
          "SHA-1 over the whole DER");
    dt_cert_free(c);
    free(a);
    free(b);
    free(pem);
    return unit_done();
}
