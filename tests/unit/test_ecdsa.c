/* Unit tests: ecdsa.c - deterministic ECDSA (RFC 6979) against the RFC's
 * own vectors (appendix A.2.5, P-256; A.2.6, P-384; message "sample"), the
 * signatures against OpenSSL's verifier, the keys it reads (PEM private and
 * public keys, certificates), their sizes and ids, and what it refuses. */
#include "digest.h"
#include "ecdsa.h"
#include "file.h"
#include "unit.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <string.h>

static EVP_PKEY *key_of(const char *group, const char *priv_hex)
{
    BIGNUM *x = NULL;
    BN_hex2bn(&x, priv_hex);
    /* the public point x G, for verifying */
    EC_GROUP *g = EC_GROUP_new_by_curve_name(OBJ_txt2nid(group));
    EC_POINT *pub = g ? EC_POINT_new(g) : NULL;
    uint8_t pubo[133];
    size_t pn = 0;
    if (pub && EC_POINT_mul(g, pub, x, NULL, NULL, NULL))
        pn = EC_POINT_point2oct(g, pub, POINT_CONVERSION_UNCOMPRESSED, pubo, sizeof(pubo), NULL);
    EC_POINT_free(pub);
    EC_GROUP_free(g);
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, x);
    if (pn)
        OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pubo, pn);
    OSSL_PARAM *p = OSSL_PARAM_BLD_to_param(b);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *k = NULL;
    if (c && EVP_PKEY_fromdata_init(c) == 1)
        EVP_PKEY_fromdata(c, &k, EVP_PKEY_KEYPAIR, p);
    EVP_PKEY_CTX_free(c);
    OSSL_PARAM_free(p);
    OSSL_PARAM_BLD_free(b);
    BN_free(x);
    return k;
}

static void vector(const char *name, const char *group, int bits, const char *x, const char *want_r,
                   const char *want_s)
{
    EVP_PKEY *k = key_of(group, x);
    CHECK(k != NULL, "%s: key from the RFC's private key", name);
    if (!k)
        return;
    uint8_t *der = NULL, *der2 = NULL;
    size_t n = 0, n2 = 0;
    static const char msg[] = "sample";
    CHECK(dt_ecdsa_sign_rfc6979(k, bits, (const uint8_t *)msg, 6, &der, &n) == DT_OK, "%s: signed",
          name);
    CHECK(dt_ecdsa_sign_rfc6979(k, bits, (const uint8_t *)msg, 6, &der2, &n2) == DT_OK && n == n2 &&
              der && der2 && !memcmp(der, der2, n),
          "%s: the same message, the same signature", name);
    const uint8_t *p = der;
    ECDSA_SIG *sig = der ? d2i_ECDSA_SIG(NULL, &p, (long)n) : NULL;
    char *r = sig ? BN_bn2hex(ECDSA_SIG_get0_r(sig)) : NULL;
    char *s = sig ? BN_bn2hex(ECDSA_SIG_get0_s(sig)) : NULL;
    CHECK(r && !strcmp(r, want_r), "%s: r as in RFC 6979 (%s)", name, r ? r : "-");
    CHECK(s && !strcmp(s, want_s), "%s: s as in RFC 6979 (%s)", name, s ? s : "-");
    /* OpenSSL verifies it. */
    EVP_MD_CTX *v = EVP_MD_CTX_new();
    int ok =
        v && EVP_DigestVerifyInit(v, NULL, bits == 384 ? EVP_sha384() : EVP_sha256(), NULL, k) == 1
            ? EVP_DigestVerify(v, der, n, (const uint8_t *)msg, 6)
            : -1;
    CHECK(ok == 1, "%s: OpenSSL verifies the signature", name);
    /* Another message, another signature that verifies too. */
    uint8_t *der3 = NULL;
    size_t n3 = 0;
    CHECK(dt_ecdsa_sign_rfc6979(k, bits, (const uint8_t *)"test", 4, &der3, &n3) == DT_OK &&
              (n3 != n || memcmp(der3, der, n)),
          "%s: another message, another signature", name);
    EVP_MD_CTX_free(v);
    OPENSSL_free(r);
    OPENSSL_free(s);
    ECDSA_SIG_free(sig);
    OPENSSL_free(der);
    OPENSSL_free(der2);
    OPENSSL_free(der3);
    EVP_PKEY_free(k);
}

static char *slurp(const char *path, size_t *n)
{
    struct dt_buf b;
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    if (dt_file_read(path, 1 << 20, &b, &d, NULL) != DT_OK)
        exit(2);
    return dt_buf_steal(&b, n);
}

static void test_keys(void)
{
    size_t n;
    char *priv = slurp("testdata/keys/signer-p384.pem", &n);
    EVP_PKEY *k = dt_ecdsa_pem_key(priv, n, true);
    CHECK(k && dt_ecdsa_bits(k) == 384, "a P-384 private key: 384");
    CHECK(dt_ecdsa_pem_key(priv, n, false) == NULL,
          "a private key is not read where a public key is asked for");
    size_t pn;
    char *pub = slurp("testdata/keys/signer-p384.pub.pem", &pn);
    EVP_PKEY *pk = dt_ecdsa_pem_key(pub, pn, false);
    CHECK(pk && dt_ecdsa_bits(pk) == 384, "its public key");
    CHECK(dt_ecdsa_pem_key(pub, pn, true) == NULL, "a public key is no private key");
    uint8_t id1[32], id2[32], want[32];
    CHECK(dt_ecdsa_key_id(k, id1) == DT_OK, "dt_ecdsa_key_id succeeds");
    CHECK(dt_ecdsa_key_id(pk, id2) == DT_OK, "dt_ecdsa_key_id succeeds");
    unsigned char *der = NULL;
    int dn = i2d_PUBKEY(pk, &der);
    CHECK(dt_digest_sha256(dt_slice_make(der, (size_t)dn), want) == DT_OK, "dt_digest_sha256 succeeds");
    OPENSSL_free(der);
    CHECK(!memcmp(id1, id2, 32) && !memcmp(id1, want, 32),
          "key id: SHA-256 of the SPKI, the same from the private and the public key");
    size_t on;
    char *other = slurp("testdata/keys/other-p384.pub.pem", &on);
    EVP_PKEY *ok2 = dt_ecdsa_pem_key(other, on, false);
    uint8_t id3[32];
    CHECK(dt_ecdsa_key_id(ok2, id3) == DT_OK, "dt_ecdsa_key_id succeeds");
    CHECK(ok2 && memcmp(id1, id3, 32), "another key, another id");
    size_t cn;
    char *cert = slurp("testdata/pki/int-a2.pem", &cn);
    EVP_PKEY *ck = dt_ecdsa_pem_key(cert, cn, false);
    CHECK(ck && dt_ecdsa_bits(ck) == 384, "a certificate's key (P-384) where a public key is asked for");
    size_t rn;
    char *rsa = slurp("testdata/pki/root-a.pem", &rn);
    EVP_PKEY *rk = dt_ecdsa_pem_key(rsa, rn, false);
    CHECK(rk && dt_ecdsa_bits(rk) == 0, "an RSA certificate's key: read, but 0 bits of ECDSA");
    CHECK(dt_ecdsa_bits(NULL) == 0, "no key: 0");
    CHECK(dt_ecdsa_pem_key("not a key", 9, true) == NULL &&
              dt_ecdsa_pem_key("not a key", 9, false) == NULL && dt_ecdsa_pem_key("", 0, false) == NULL,
          "text that is not PEM: no key either way");
    EVP_PKEY *p521 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
    CHECK(p521 && dt_ecdsa_bits(p521) == 0, "a P-521 key: 0 (only P-256 and P-384 sign)");

    CHECK(dt_ecdsa_private_key_bits("testdata/keys/signer-p384.pem") == 384 &&
              dt_ecdsa_private_key_bits("testdata/keys/signer-p256.pem") == 256,
          "private_key_bits of the two signing keys: 384, 256");
    CHECK(dt_ecdsa_private_key_bits("testdata/keys/signer-p384.pub.pem") == 0 &&
              dt_ecdsa_private_key_bits("testdata/pki/root-a.key.pem") == 0 &&
              dt_ecdsa_private_key_bits("testdata/no-such.pem") == 0,
          "a public key, an RSA key, a missing file: 0");

    /* Signing refuses what it cannot do, without a signature. */
    uint8_t h[48] = {1}, *sig = (uint8_t *)1;
    size_t sl = 99;
    CHECK(dt_ecdsa_sign_digest_rfc6979(k, 384, h, 32, &sig, &sl) == DT_ERR_INTERNAL && sig == NULL &&
              sl == 0,
          "a digest of the wrong length for SHA-384: refused, *der NULL");
    CHECK(dt_ecdsa_sign_digest_rfc6979(k, 512, h, 64, &sig, &sl) == DT_ERR_INTERNAL && sig == NULL,
          "md_bits 512: refused");
    CHECK(dt_ecdsa_sign_digest_rfc6979(pk, 384, h, 48, &sig, &sl) == DT_ERR_INTERNAL && sig == NULL,
          "a public key cannot sign");
    CHECK(dt_ecdsa_sign_rfc6979(rk, 256, (const uint8_t *)"m", 1, &sig, &sl) == DT_ERR_INTERNAL &&
              sig == NULL,
          "an RSA key cannot sign");
    CHECK(dt_ecdsa_sign_digest_rfc6979(k, 384, h, 48, &sig, &sl) == DT_OK && sig && sl > 8,
          "baseline: the right digest length signs");
    OPENSSL_free(sig);
    EVP_PKEY *k256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    CHECK(dt_ecdsa_sign_rfc6979(k256, 384, (const uint8_t *)"m", 1, &sig, &sl) == DT_OK && sig,
          "a P-256 key over SHA-384 (the digest cut to the order's bits)");
    EVP_MD_CTX *v = EVP_MD_CTX_new();
    CHECK(v && EVP_DigestVerifyInit(v, NULL, EVP_sha384(), NULL, k256) == 1 &&
              EVP_DigestVerify(v, sig, sl, (const uint8_t *)"m", 1) == 1,
          "and OpenSSL verifies it");
    EVP_MD_CTX_free(v);
    OPENSSL_free(sig);
    EVP_PKEY_free(k256);
    EVP_PKEY_free(p521);
    EVP_PKEY_free(k);
    EVP_PKEY_free(pk);
    EVP_PKEY_free(ok2);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(rk);
    free(priv);
    free(pub);
    free(other);
    free(cert);
    free(rsa);
}

int main(void)
{
    vector("P-256/SHA-256", "prime256v1", 256,
           "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
           "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
           "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
    vector("P-384/SHA-384", "secp384r1", 384,
           "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F8"
           "72C9EA60D2EDF5",
           "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E"
           "36DD1E80FABE46",
           "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B"
           "82C71A38628AC8");
    test_keys();
    return unit_done();
}
