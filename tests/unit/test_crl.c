/* Unit tests: crl.c (CRL files): DER and PEM, several CRLs, damaged and
 * foreign blocks (all or nothing), times and serials as the deadline check
 * reads them, and the file reader's refusals with their reasons. The CRLs
 * are made here with OpenSSL and an EC key. */
#include "crl.h"
#include "der.h"
#include "unit.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static EVP_PKEY *key;

static ASN1_INTEGER *int_of(const uint8_t *p, size_t n)
{
    /* Through DER, so that negative and padded values come out as written. */
    uint8_t der[300];
    size_t h = n < 128 ? 2 : 3;
    der[0] = 0x02;
    der[1] = n < 128 ? (uint8_t)n : 0x81;
    der[2] = (uint8_t)n;
    memcpy(der + h, p, n);
    const uint8_t *q = der;
    return d2i_ASN1_INTEGER(NULL, &q, (long)(n + h));
}

/* A CRL signed by key: thisUpdate last, nextUpdate next (0: none), one
 * entry per serial (n_serials of them, each 1..255 octets: {len, bytes}). */
static X509_CRL *make_crl(int64_t last, int64_t next, const uint8_t *const *serials, size_t n)
{
    X509_CRL *c = X509_CRL_new();
    X509_NAME *nm = X509_NAME_new();
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"Unit CA", -1, -1, 0);
    X509_CRL_set_version(c, 1);
    X509_CRL_set_issuer_name(c, nm);
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)last);
    X509_CRL_set1_lastUpdate(c, t);
    if (next) {
        ASN1_TIME_set(t, (time_t)next);
        X509_CRL_set1_nextUpdate(c, t);
    }
    for (size_t i = 0; i < n; i++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *a = int_of(serials[i] + 1, serials[i][0]);
        X509_REVOKED_set_serialNumber(r, a);
        ASN1_TIME_set(t, (time_t)(last - 86400));
        X509_REVOKED_set_revocationDate(r, t);
        X509_CRL_add0_revoked(c, r);
        ASN1_INTEGER_free(a);
    }
    X509_CRL_sort(c);
    X509_CRL_sign(c, key, EVP_sha256());
    ASN1_TIME_free(t);
    X509_NAME_free(nm);
    return c;
}

static size_t der_of(X509_CRL *c, uint8_t *out, size_t cap)
{
    int n = i2d_X509_CRL(c, NULL);
    if (n <= 0 || (size_t)n > cap)
        exit(2);
    uint8_t *p = out;
    i2d_X509_CRL(c, &p);
    return (size_t)n;
}

static size_t pem_of(X509_CRL *c, char *out, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509_CRL(b, c);
    char *p;
    long n = BIO_get_mem_data(b, &p);
    if (n <= 0 || (size_t)n >= cap)
        exit(2);
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
    BIO_free(b);
    return (size_t)n;
}

/* dt_crl_parse of text: its result, the number of CRLs, the reason. */
static enum dt_err parse(const void *p, size_t n, int *count, const char **why)
{
    STACK_OF(X509_CRL) *s = sk_X509_CRL_new_null();
    *why = NULL;
    enum dt_err rc = dt_crl_parse(dt_slice_make(p, n), s, why);
    *count = sk_X509_CRL_num(s);
    sk_X509_CRL_pop_free(s, X509_CRL_free);
    return rc;
}

static const uint8_t S1[] = {1, 0x05}, S2[] = {2, 0x00, 0x8b}, S3[] = {1, 0xfb};
static const uint8_t *const SERIALS[] = {S1, S2, S3};

static void test_parse(X509_CRL *aug, X509_CRL *sep)
{
    static uint8_t der[4096];
    static char pem[8192], pem2[8192], text[20000];
    size_t dn = der_of(aug, der, sizeof(der));
    size_t pn = pem_of(aug, pem, sizeof(pem));
    size_t pn2 = pem_of(sep, pem2, sizeof(pem2));
    int k;
    const char *why;

    CHECK(parse(der, dn, &k, &why) == DT_OK && k == 1, "baseline: one DER CRL");
    der[dn] = 0;
    CHECK(parse(der, dn + 1, &k, &why) == DT_ERR_INPUT && k == 0 && why &&
              strstr(why, "not a DER CRL"),
          "DER with a trailing byte is refused (%s)", why ? why : "-");
    CHECK(parse(der, dn - 1, &k, &why) == DT_ERR_INPUT && k == 0, "truncated DER is refused");
    CHECK(parse(der, 0, &k, &why) == DT_ERR_INPUT && k == 0 && why, "empty input is refused");
    CHECK(parse("-----BEGIN", 10, &k, &why) == DT_ERR_INPUT && k == 0,
          "a lone BEGIN (10 bytes, the PEM threshold) is refused");

    CHECK(parse(pem, pn, &k, &why) == DT_OK && k == 1, "baseline: one PEM CRL");
    int m = snprintf(text, sizeof(text), "%s%s", pem, pem2);
    CHECK(parse(text, (size_t)m, &k, &why) == DT_OK && k == 2, "two PEM CRLs in one file");
    m = snprintf(text, sizeof(text), "CRL of Unit CA\n%s\nthe end\n", pem);
    CHECK(parse(text, (size_t)m, &k, &why) == DT_OK && k == 1, "text around the block is ignored");
    m = snprintf(text, sizeof(text),
                 "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n%s", pem);
    CHECK(parse(text, (size_t)m, &k, &why) == DT_OK && k == 1,
          "another kind of PEM block before the CRL is skipped");
    m = snprintf(text, sizeof(text),
                 "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n");
    CHECK(parse(text, (size_t)m, &k, &why) == DT_ERR_INPUT && k == 0 && why &&
              strstr(why, "holds no PEM X509 CRL block"),
          "PEM without a CRL block: \"holds no PEM X509 CRL block\"");

    /* A damaged block anywhere fails the whole text: no CRL is dropped
     * without a word (it used to read the CRLs before the damage). */
    m = snprintf(text, sizeof(text), "%s%s", pem, pem2);
    char *second = strstr(text + pn, "\n") + 1; /* the first base64 line of the second block */
    second[0] = '!';
    CHECK(parse(text, (size_t)m, &k, &why) == DT_ERR_INPUT && k == 0 && why &&
              strstr(why, "does not decode"),
          "a damaged second block fails the file (%s)", why ? why : "OK");
    m = snprintf(text, sizeof(text), "%s%s", pem, pem2);
    /* Ten characters before the end of the second block's last full base64
     * line: inside its signature; another base64 character there. */
    char *end = strstr(text + pn, "\n-----END");
    while (end[-1] != '\n')
        end--;
    end[-12] = end[-12] == 'A' ? 'B' : 'A';
    CHECK(parse(text, (size_t)m, &k, &why) == DT_OK && k == 2,
          "baseline: a flipped signature bit still parses (verification is not parsing)");
    /* A CRL block that holds no CRL. */
    m = snprintf(text, sizeof(text), "%s-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
                 pem);
    CHECK(parse(text, (size_t)m, &k, &why) == DT_ERR_INPUT && k == 0,
          "an X509 CRL block that holds no CRL fails the file");
    m = snprintf(text, sizeof(text), "%s-----BEGIN X509 CRL-----\n", pem);
    CHECK(parse(text, (size_t)m, &k, &why) == DT_ERR_INPUT && k == 0,
          "a block without its END line fails the file");

    /* What out held before is kept, on success and on failure. */
    STACK_OF(X509_CRL) *s = sk_X509_CRL_new_null();
    why = NULL;
    CHECK(dt_crl_parse(dt_slice_make(pem, pn), s, &why) == DT_OK &&
              dt_crl_parse(dt_slice_make(pem2, pn2), s, &why) == DT_OK && sk_X509_CRL_num(s) == 2,
          "CRLs are appended to what out holds");
    m = snprintf(text, sizeof(text), "%s-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
                 pem);
    CHECK(dt_crl_parse(dt_slice_make(text, (size_t)m), s, &why) == DT_ERR_INPUT &&
              sk_X509_CRL_num(s) == 2,
          "a failed parse leaves out as it was (two CRLs, not three)");
    CHECK(dt_crl_parse(
              dt_slice_make("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n", 58),
              s, &why) == DT_ERR_INPUT &&
              sk_X509_CRL_num(s) == 2,
          "a text without a CRL fails even when out already holds CRLs");
    sk_X509_CRL_pop_free(s, X509_CRL_free);
}

static void test_fields(X509_CRL *aug)
{
    int64_t t = 0;
    CHECK(dt_crl_time(X509_CRL_get0_lastUpdate(aug), &t) && t == 1722902400,
          "thisUpdate 2024-08-06T00:00:00Z");
    CHECK(dt_crl_time(X509_CRL_get0_nextUpdate(aug), &t) && t == 2022969600,
          "nextUpdate 2034-02-08T00:00:00Z");
    CHECK(!dt_crl_time(NULL, &t), "an absent time is false");
    ASN1_TIME *g = ASN1_TIME_new();
    CHECK(ASN1_TIME_set_string(g, "20500101000000Z") && dt_crl_time(g, &t) && t == 2524608000,
          "GeneralizedTime 2050");
    CHECK(ASN1_TIME_set_string(g, "500101000000Z") && dt_crl_time(g, &t) && t == -631152000,
          "UTCTime 50 is 1950 (before the epoch)");
    CHECK(ASN1_TIME_set_string(g, "20240229120000Z") && dt_crl_time(g, &t) && t == 1709208000,
          "a leap day");
    /* An unreadable time (month 13), as a CRL can carry it. */
    ASN1_STRING_set(g, "20241301000000Z", 15);
    CHECK(!dt_crl_time(g, &t), "month 13 is unreadable");
    ASN1_TIME_free(g);

    STACK_OF(X509_REVOKED) *list = X509_CRL_get_REVOKED(aug);
    CHECK(sk_X509_REVOKED_num(list) == 3, "three entries");
    bool seen[3] = {false, false, false};
    for (int i = 0; i < sk_X509_REVOKED_num(list); i++) {
        const ASN1_INTEGER *a = X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(list, i));
        uint8_t buf[80];
        struct dt_slice s;
        if (!dt_crl_serial(a, buf, sizeof(buf), &s))
            continue;
        for (int k = 0; k < 3; k++)
            if (s.n == SERIALS[k][0] && !memcmp(s.p, SERIALS[k] + 1, s.n))
                seen[k] = true;
    }
    CHECK(seen[0] && seen[1] && seen[2],
          "serials as contents octets: 05, 00 8b (the pad kept), fb (negative)");
    ASN1_INTEGER *a = int_of((const uint8_t[]){0x00, 0x8b}, 2);
    uint8_t small[4], buf[80];
    struct dt_slice s;
    CHECK(dt_crl_serial(a, small, 4, &s) && s.n == 2 && s.p == small + 2,
          "a serial in a buffer just large enough (4 bytes for 02 02 00 8b)");
    CHECK(!dt_crl_serial(a, small, 3, &s), "and not in one a byte short");
    ASN1_INTEGER_free(a);
    uint8_t big[130];
    big[0] = 0x01;
    memset(big + 1, 0xcd, sizeof(big) - 1);
    a = int_of(big, sizeof(big));
    CHECK(!dt_crl_serial(a, buf, sizeof(buf), &s), "a 130-octet serial does not fit 80 bytes");
    CHECK(dt_crl_serial(a, (uint8_t[140]){0}, 140, &s) && s.n == 130 && !memcmp(s.p, big, 130),
          "and is read whole (long-form length) into 140");
    ASN1_INTEGER_free(a);
}

static void test_files(X509_CRL *aug)
{
    static char pem[8192];
    size_t pn = pem_of(aug, pem, sizeof(pem));
    const char *p = unit_write("aug.pem", pem, pn);
    STACK_OF(X509_CRL) *s = sk_X509_CRL_new_null();
    struct dt_buf raw;
    const char *why = NULL;
    char wb[256];
    CHECK(dt_crl_read_file(p, s, &raw, &why, wb, sizeof(wb)) == DT_OK && sk_X509_CRL_num(s) == 1 &&
              raw.len == pn && !memcmp(raw.data, pem, pn),
          "baseline: a PEM file, its bytes in raw");
    dt_buf_free(&raw);

    static const struct {
        const char *path, *why;
        enum dt_err rc;
    } bad[] = {
        {"testdata/no-such.crl", "cannot be read: No such file or directory", DT_ERR_INPUT},
        {"testdata", "cannot be read: Is a directory", DT_ERR_INPUT},
        {"/dev/null", "cannot be read: it is a character device, not a regular file", DT_ERR_INPUT},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++) {
        why = NULL;
        dt_buf_init(&raw, 0);
        enum dt_err rc = dt_crl_read_file(bad[i].path, s, &raw, &why, wb, sizeof(wb));
        CHECK(rc == bad[i].rc && why && !strcmp(why, bad[i].why) && sk_X509_CRL_num(s) == 1,
              "%s: %s", bad[i].path, why ? why : "(no reason)");
        dt_buf_free(&raw);
    }
    why = NULL;
    p = UNIT_WRITE_STR("junk.crl", "not a CRL at all");
    CHECK(dt_crl_read_file(p, s, &raw, &why, wb, sizeof(wb)) == DT_ERR_INPUT && why &&
              !strcmp(why, "is not a DER CRL (CertificateList)"),
          "a file that is not a CRL: the parser's reason");
    dt_buf_free(&raw);
    /* Over the cap: refused by its size before anything is read, and the
     * reason names the cap (it used to say only "cannot be read"). */
    char big[512];
    snprintf(big, sizeof(big), "%s/big.crl", unit_tmp());
    FILE *f = fopen(big, "wb");
    if (!f || ftruncate(fileno(f), (off_t)DT_MAX_CRL_BYTES + 1) != 0 || fclose(f) != 0)
        exit(2);
    why = NULL;
    CHECK(dt_crl_read_file(big, s, &raw, &why, wb, sizeof(wb)) == DT_ERR_LIMIT && why &&
              strstr(why, "larger than the 256 MiB limit"),
          "a CRL file over 256 MiB: DT_ERR_LIMIT, naming the cap (%s)", why ? why : "-");
    dt_buf_free(&raw);
    if (truncate(big, (off_t)DT_MAX_CRL_BYTES) != 0)
        exit(2);
    why = NULL;
    CHECK(dt_crl_read_file(big, s, &raw, &why, wb, sizeof(wb)) == DT_ERR_INPUT && why &&
              strstr(why, "not a DER CRL"),
          "exactly 256 MiB is read (and is not a CRL)");
    dt_buf_free(&raw);
    unlink(big);
    sk_X509_CRL_pop_free(s, X509_CRL_free);
}

int main(void)
{
    key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!key)
        return 2;
    X509_CRL *aug = make_crl(1722902400, 2022969600, SERIALS, 3);
    X509_CRL *sep = make_crl(1726012800, 0, SERIALS, 1);
    test_parse(aug, sep);
    test_fields(aug);
    test_files(aug);
    X509_CRL_free(aug);
    X509_CRL_free(sep);
    EVP_PKEY_free(key);
    return unit_done();
}
