/*
 * crlbench.c - revocations.blob against a real DER CRL of the same serials,
 * made and read with OpenSSL (make bench).
 *
 * usage: crlbench N...
 *   N random 18-octet serials (positive, as Let's Encrypt's) under one
 *   issuer: the CRL (X509_CRL_add0_revoked, X509_CRL_sort, signed with
 *   RSA-2048/SHA-256, i2d) against the blob of the same serials: size,
 *   parse/open time, and lookups per second (X509_CRL_get0_by_serial, one at
 *   a time, against dt_blob_has_serial and dt_blob_lookup_many), half of the
 *   queries members.
 */
#include "blob_write.h"

#include <distrust/blob.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

#define LEN 18

static ASN1_INTEGER *to_int(const uint8_t *s)
{
    BIGNUM *bn = BN_bin2bn(s, LEN, NULL);
    ASN1_INTEGER *i = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    BN_free(bn);
    return i;
}

static void run(size_t n, EVP_PKEY *key)
{
    uint8_t *ser = malloc(n * LEN);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < LEN; j++)
            ser[i * LEN + j] = (uint8_t)rnd();
        ser[i * LEN] = (uint8_t)(1 + ser[i * LEN] % 0x7f);
    }
    X509_NAME *nm = X509_NAME_new();
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"Mass Revocation CA",
                               -1, -1, 0);
    uint8_t *issuer = NULL;
    int il = i2d_X509_NAME(nm, &issuer);

    /* The CRL. */
    double t0 = now();
    X509_CRL *crl = X509_CRL_new();
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, nm);
    ASN1_TIME *when = ASN1_TIME_set(NULL, 1790000000);
    X509_CRL_set1_lastUpdate(crl, when);
    X509_CRL_set1_nextUpdate(crl, when);
    for (size_t i = 0; i < n; i++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *in = to_int(ser + i * LEN);
        X509_REVOKED_set_serialNumber(r, in);
        X509_REVOKED_set_revocationDate(r, when);
        ASN1_INTEGER_free(in);
        X509_CRL_add0_revoked(crl, r);
    }
    X509_CRL_sort(crl);
    X509_CRL_sign(crl, key, EVP_sha256());
    uint8_t *der = NULL;
    int dl = i2d_X509_CRL(crl, &der);
    double t_make = now() - t0;
    X509_CRL_free(crl);
    t0 = now();
    const uint8_t *p = der;
    crl = d2i_X509_CRL(NULL, &p, dl);
    double t_parse = now() - t0;
    if (!crl) {
        fprintf(stderr, "crlbench: the CRL does not parse\n");
        exit(2);
    }

    /* The blob. */
    struct dt_blob_entry *e = calloc(n, sizeof(*e));
    for (size_t i = 0; i < n; i++) {
        e[i].a = dt_slice_make(issuer, (size_t)il);
        e[i].b = dt_slice_make(ser + i * LEN, LEN);
    }
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    struct dt_blob_write_opts o = {1, 0, NULL, NULL, NULL};
    struct dt_buf out;
    dt_buf_init(&out, 0);
    if (dt_blob_write(e, n, NULL, 0, &o, &out, NULL, &d) != DT_OK) {
        fprintf(stderr, "crlbench: blob write failed\n");
        exit(2);
    }
    struct dt_blob *bl = NULL;
    char err[256];
    t0 = now();
    if (dt_blob_open(out.data, out.len, NULL, &bl, err, sizeof(err)) != DT_BLOB_OK) {
        fprintf(stderr, "crlbench: %s\n", err);
        exit(2);
    }
    double t_open = now() - t0;

    /* Queries: half members, half random serials. */
    enum { Q = 1000000 };
    uint8_t *qs = malloc((size_t)Q * LEN);
    ASN1_INTEGER **qi = malloc(Q * sizeof(*qi));
    struct dt_blob_query *bq = malloc(Q * sizeof(*bq));
    uint8_t *res = malloc(Q);
    for (size_t i = 0; i < Q; i++) {
        uint8_t *s = qs + i * LEN;
        if (i & 1) {
            memcpy(s, ser + (rnd() % n) * LEN, LEN);
        } else {
            for (size_t j = 0; j < LEN; j++)
                s[j] = (uint8_t)rnd();
            s[0] = (uint8_t)(1 + s[0] % 0x7f);
        }
        qi[i] = to_int(s);
        bq[i] = (struct dt_blob_query){issuer, (size_t)il, s, LEN};
    }
    size_t hits_crl = 0, hits_one = 0, hits_many = 0;
    t0 = now();
    for (size_t i = 0; i < Q; i++) {
        X509_REVOKED *r = NULL;
        hits_crl += X509_CRL_get0_by_serial(crl, &r, qi[i]) == 1;
    }
    double r_crl = Q / (now() - t0);
    t0 = now();
    for (size_t i = 0; i < Q; i++)
        hits_one += dt_blob_has_serial(bl, issuer, (size_t)il, qs + i * LEN, LEN) == 1;
    double r_one = Q / (now() - t0);
    t0 = now();
    int many_rc = dt_blob_lookup_many(bl, bq, Q, res);
    double r_many = Q / (now() - t0);
    if (many_rc != DT_BLOB_OK) {
        fprintf(stderr, "crlbench: dt_blob_lookup_many: %s\n", dt_blob_strerror(many_rc));
        exit(2);
    }
    for (size_t i = 0; i < Q; i++)
        hits_many += res[i];

    printf("%zu serials (18 octets) under one issuer\n", n);
    printf("  %-44s %12d B\n", "DER CRL (OpenSSL, RSA-2048)", dl);
    printf("  %-44s %12zu B  (%.2fx the CRL)\n", "revocations.blob", out.len,
           (double)out.len / dl);
    printf("  %-44s %12.1f ms\n", "CRL made and signed (OpenSSL)", t_make * 1000);
    printf("  %-44s %12.1f ms\n", "CRL parsed (d2i_X509_CRL)", t_parse * 1000);
    printf("  %-44s %12.1f ms\n", "blob opened (dt_blob_open)", t_open * 1000);
    printf("  %-44s %12.2f M/s\n", "X509_CRL_get0_by_serial", r_crl / 1e6);
    printf("  %-44s %12.2f M/s (%.1fx)\n", "dt_blob_has_serial", r_one / 1e6, r_one / r_crl);
    printf("  %-44s %12.2f M/s (%.1fx)\n", "dt_blob_lookup_many", r_many / 1e6, r_many / r_crl);
    if (hits_crl != hits_one || hits_one != hits_many || hits_crl < Q / 2) {
        printf("  MISMATCH: CRL %zu, blob %zu / %zu members found\n", hits_crl, hits_one,
               hits_many);
        exit(1);
    }
    printf("  the same %zu members found by all three\n", hits_crl);
    for (size_t i = 0; i < Q; i++)
        ASN1_INTEGER_free(qi[i]);
    free(qi);
    free(qs);
    free(bq);
    free(res);
    dt_blob_close(bl);
    dt_buf_free(&out);
    free(e);
    X509_CRL_free(crl);
    OPENSSL_free(der);
    OPENSSL_free(issuer);
    ASN1_TIME_free(when);
    X509_NAME_free(nm);
    free(ser);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: crlbench N...\n");
        return 2;
    }
    EVP_PKEY *key = EVP_RSA_gen(2048);
    if (!key)
        return 2;
    for (int i = 1; i < argc; i++)
        run((size_t)strtoull(argv[i], NULL, 10), key);
    EVP_PKEY_free(key);
    return 0;
}
