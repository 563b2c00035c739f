/* Unit tests: idkey.c (the lookup keys): each key is the SHA-256 of its
 * length-prefixed pair, pairs cannot collide by moving bytes across the
 * boundary, names count as names (dt_name_id) where the contract says so
 * and as bytes where it does not. */
#include "cert.h"
#include "idkey.h"
#include "name.h"
#include "unit.h"

#include <openssl/evp.h>

/* SHA-256(be64(an) || a || b), computed here independently. */
static void pair_ref(const void *a, size_t an, const void *b, size_t bn, uint8_t out[32])
{
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)an >> (56 - 8 * i));
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned n;
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, len, 8);
    EVP_DigestUpdate(c, a, an);
    EVP_DigestUpdate(c, b, bn);
    EVP_DigestFinal_ex(c, out, &n);
    EVP_MD_CTX_free(c);
}

static struct dt_cert *load(const char *name)
{
    struct dt_certlist l = {0};
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    char path[256];
    snprintf(path, sizeof(path), "testdata/pki/%s", name);
    if (dt_cert_load_file(path, &l, &d, NULL) != DT_OK || l.n != 1)
        exit(2);
    struct dt_cert *c = l.v[0];
    free(l.v);
    return c;
}

/* CN=hi as UTF8String and as PrintableString: equal as names, not as bytes. */
static const uint8_t N_UTF8[] = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
                                 0x55, 0x04, 0x03, 0x0c, 0x02, 'h',  'i'};
static const uint8_t N_PRINT[] = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
                                  0x55, 0x04, 0x03, 0x13, 0x02, 'H',  'I'};

int main(void)
{
    uint8_t k1[32], k2[32], ref[32];
    CHECK(dt_idkey_pair("ab", 2, "c", 1, k1) == DT_OK, "dt_idkey_pair succeeds");
    pair_ref("ab", 2, "c", 1, ref);
    CHECK(!memcmp(k1, ref, 32), "pair: SHA-256 over the 8-octet big-endian length, a, b");
    CHECK(dt_idkey_pair("a", 1, "bc", 2, k2) == DT_OK, "dt_idkey_pair succeeds");
    CHECK(memcmp(k1, k2, 32), "(ab, c) and (a, bc) differ: the length prefix keeps them apart");
    CHECK(dt_idkey_pair(NULL, 0, NULL, 0, k1) == DT_OK, "dt_idkey_pair succeeds");
    pair_ref("", 0, "", 0, ref);
    CHECK(!memcmp(k1, ref, 32), "the empty pair");

    struct dt_slice u = dt_slice_make(N_UTF8, sizeof(N_UTF8)),
                    p = dt_slice_make(N_PRINT, sizeof(N_PRINT));
    bool same = false;
    CHECK(dt_name_equal(u, p, &same) == DT_OK && same, "baseline: the two encodings are one name");
    static const uint8_t serial[] = {0x00, 0x8b};
    struct dt_slice s = dt_slice_make(serial, 2);
    CHECK(dt_idkey_issuer_serial(u, s, k1) == DT_OK, "dt_idkey_issuer_serial succeeds");
    CHECK(dt_idkey_issuer_serial(p, s, k2) == DT_OK, "dt_idkey_issuer_serial succeeds");
    pair_ref(N_UTF8, sizeof(N_UTF8), serial, 2, ref);
    CHECK(memcmp(k1, k2, 32) && !memcmp(k1, ref, 32),
          "issuer_serial: the exact issuer bytes (the two encodings differ)");
    uint8_t iu[32], ip[32];
    CHECK(dt_name_id(u, iu) == DT_OK, "dt_name_id succeeds");
    CHECK(dt_name_id(p, ip) == DT_OK, "dt_name_id succeeds");
    CHECK(dt_idkey_name_serial(iu, s, k1) == DT_OK, "dt_idkey_name_serial succeeds");
    CHECK(dt_idkey_name_serial(ip, s, k2) == DT_OK, "dt_idkey_name_serial succeeds");
    pair_ref(iu, 32, serial, 2, ref);
    CHECK(!memcmp(k1, k2, 32) && !memcmp(k1, ref, 32),
          "name_serial: the issuer as a name (the two encodings agree)");
    CHECK(dt_idkey_name_serial(iu, dt_slice_make(serial + 1, 1), k2) == DT_OK, "dt_idkey_name_serial succeeds");
    CHECK(memcmp(k1, k2, 32), "name_serial: 00 8b and 8b are other serials");
    CHECK(dt_idkey_subject(u, k1) == DT_OK, "dt_idkey_subject succeeds");
    CHECK(dt_idkey_subject(p, k2) == DT_OK, "dt_idkey_subject succeeds");
    CHECK(!memcmp(k1, k2, 32) && !memcmp(k1, iu, 32), "subject: the name id");
    uint8_t spki[32];
    memset(spki, 0x42, 32);
    CHECK(dt_idkey_spki(u, spki, k1) == DT_OK, "dt_idkey_spki succeeds");
    CHECK(dt_idkey_spki(p, spki, k2) == DT_OK, "dt_idkey_spki succeeds");
    pair_ref(iu, 32, spki, 32, ref);
    CHECK(!memcmp(k1, k2, 32) && !memcmp(k1, ref, 32), "spki: the subject as a name and the hash");
    CHECK(dt_idkey_exact(u, spki, k1) == DT_OK, "dt_idkey_exact succeeds");
    CHECK(dt_idkey_exact(p, spki, k2) == DT_OK, "dt_idkey_exact succeeds");
    pair_ref(N_UTF8, sizeof(N_UTF8), spki, 32, ref);
    CHECK(memcmp(k1, k2, 32) && !memcmp(k1, ref, 32), "exact: the subject's bytes");
    spki[31] ^= 1;
    CHECK(dt_idkey_exact(u, spki, k2) == DT_OK, "dt_idkey_exact succeeds");
    CHECK(memcmp(k1, k2, 32), "exact: another key hash, another key");

    struct dt_cert *a1 = load("int-a1.pem"), *a1x = load("int-a1-xb.pem"), *a2 = load("int-a2.pem");
    CHECK(dt_idkey_cert(a1, k1) == DT_OK, "dt_idkey_cert succeeds");
    CHECK(dt_idkey_cert(a1x, k2) == DT_OK, "dt_idkey_cert succeeds");
    pair_ref(a1->subject_id, 32, a1->pubkey_id, 32, ref);
    CHECK(!memcmp(k1, k2, 32) && !memcmp(k1, ref, 32),
          "cert: a certificate and its cross-certificate (one subject, one key) share it");
    CHECK(dt_idkey_cert(a2, k2) == DT_OK, "dt_idkey_cert succeeds");
    CHECK(memcmp(k1, k2, 32), "cert: another CA, another key");
    dt_cert_free(a1);
    dt_cert_free(a1x);
    dt_cert_free(a2);
    return unit_done();
}
