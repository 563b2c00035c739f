/*
 * eckey.c - ECDSA signing keys (OpenSSL).
 */
#include "ecdsa.h"

#include "cert.h"
#include "file.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

EVP_PKEY *dt_ecdsa_pem_key(const char *text, size_t n, bool private_key)
{
    BIO *bio = BIO_new_mem_buf(text, (int)n);
    EVP_PKEY *k = NULL;
    if (bio && private_key) {
        k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    } else if (bio) {
        k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        if (!k) {
            (void)BIO_reset(bio);
            X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
            k = x ? X509_get_pubkey(x) : NULL;
            X509_free(x);
        }
    }
    BIO_free(bio);
    ERR_clear_error();
    return k;
}

int dt_ecdsa_bits(EVP_PKEY *k)
{
    char group[64] = "";
    size_t glen = 0;
    int bits = 0;
    if (k && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
        EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen))
        bits = !strcmp(group, "prime256v1") ? 256 : !strcmp(group, "secp384r1") ? 384 : 0;
    ERR_clear_error();
    return bits;
}

enum dt_err dt_ecdsa_key_id(EVP_PKEY *k, uint8_t out[32])
{
    enum dt_err rc = DT_OK;
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    ERR_clear_error();
    DT_ENSURE(n > 0, DT_ERR_INTERNAL); /* OpenSSL cannot encode a key it holds */
    DT_TRY(dt_digest_sha256(dt_slice_make(der, (size_t)n), out));
out:
    OPENSSL_free(der);
    return rc;
}

/* ---- deterministic ECDSA (RFC 6979) ----------------------------------------------- */

/* HMAC_K(a || b || c || d) into out; the parts may be empty. */
static bool hmac4(const EVP_MD *md, const uint8_t *key, size_t klen, const uint8_t *a, size_t an,
                  const uint8_t *b, size_t bn, const uint8_t *c, size_t cn, const uint8_t *d,
                  size_t dn, uint8_t *out)
{
    uint8_t buf[64 + 1 + 66 + 66];
    if (an + bn + cn + dn > sizeof(buf))
        return false;
    size_t at = 0;
    memcpy(buf + at, a, an);
    at += an;
    if (bn)
        memcpy(buf + at, b, bn);
    at += bn;
    if (cn)
        memcpy(buf + at, c, cn);
    at += cn;
    if (dn)
        memcpy(buf + at, d, dn);
    at += dn;
    unsigned olen = 0;
    bool ok = HMAC(md, key, (int)klen, buf, at, out, &olen) != NULL;
    OPENSSL_cleanse(buf, sizeof(buf));
    return ok;
}

/* bits2int: the leftmost qlen bits of b as an integer. */
static BIGNUM *bits2int(const uint8_t *b, size_t blen, int qlen)
{
    BIGNUM *v = BN_bin2bn(b, (int)blen, NULL);
    if (v && (int)(8 * blen) > qlen && !BN_rshift(v, v, (int)(8 * blen) - qlen)) {
        BN_free(v);
        v = NULL;
    }
    return v;
}

enum dt_err dt_ecdsa_sign_digest_rfc6979(EVP_PKEY *k, int md_bits, const uint8_t *h1, size_t hlen,
                                         uint8_t **der, size_t *der_len)
{
    enum dt_err rc = DT_ERR_INTERNAL;
    const EVP_MD *md = md_bits == 384 ? EVP_sha384() : md_bits == 256 ? EVP_sha256() : NULL;
    char gname[64] = "";
    size_t glen = 0;
    EC_GROUP *group = NULL;
    EC_POINT *R = NULL;
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *x = NULL, *h = NULL, *kk = NULL, *r = NULL, *s = NULL, *rx = NULL, *t = NULL;
    ECDSA_SIG *sig = NULL;
    uint8_t V[64], K[64], xo[66], ho[66], T[66];
    *der = NULL;
    *der_len = 0;
    if (!md || !ctx || (size_t)EVP_MD_get_size(md) != hlen ||
        !EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, gname, sizeof(gname),
                                        &glen) ||
        !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &x))
        goto out;
    group = EC_GROUP_new_by_curve_name(OBJ_txt2nid(gname));
    if (!group)
        goto out;
    const BIGNUM *q = EC_GROUP_get0_order(group);
    int qlen = BN_num_bits(q);
    size_t rlen = (size_t)(qlen + 7) / 8;
    if (rlen > sizeof(xo))
        goto out;
    /* int2octets(x) and bits2octets(h1) = int2octets(bits2int(h1) mod q). */
    h = bits2int(h1, hlen, qlen);
    if (!h || BN_bn2binpad(x, xo, (int)rlen) < 0)
        goto out;
    if (BN_cmp(h, q) >= 0 && !BN_sub(h, h, q))
        goto out;
    if (BN_bn2binpad(h, ho, (int)rlen) < 0)
        goto out;
    static const uint8_t zero = 0, one = 1;
    memset(V, 0x01, hlen);
    memset(K, 0x00, hlen);
    if (!hmac4(md, K, hlen, V, hlen, &zero, 1, xo, rlen, ho, rlen, K) ||
        !hmac4(md, K, hlen, V, hlen, NULL, 0, NULL, 0, NULL, 0, V) ||
        !hmac4(md, K, hlen, V, hlen, &one, 1, xo, rlen, ho, rlen, K) ||
        !hmac4(md, K, hlen, V, hlen, NULL, 0, NULL, 0, NULL, 0, V))
        goto out;
    R = EC_POINT_new(group);
    rx = BN_new();
    r = BN_new();
    s = BN_new();
    t = BN_new();
    if (!R || !rx || !r || !s || !t)
        goto out;
    for (int tries = 0; tries < 64; tries++) {
        size_t tl = 0;
        while (tl < rlen) {
            if (!hmac4(md, K, hlen, V, hlen, NULL, 0, NULL, 0, NULL, 0, V))
                goto out;
            size_t take = rlen - tl < hlen ? rlen - tl : hlen;
            memcpy(T + tl, V, take);
            tl += take;
        }
        BN_free(kk);
        kk = bits2int(T, rlen, qlen);
        if (!kk)
            goto out;
        bool usable = !BN_is_zero(kk) && BN_cmp(kk, q) < 0;
        if (usable) {
            /* r = (kG).x mod q; s = k^-1 (h + x r) mod q */
            if (!EC_POINT_mul(group, R, kk, NULL, NULL, ctx) ||
                !EC_POINT_get_affine_coordinates(group, R, rx, NULL, ctx) ||
                !BN_nnmod(r, rx, q, ctx) || !BN_mod_mul(t, x, r, q, ctx) ||
                !BN_mod_add(t, t, h, q, ctx) || !BN_mod_inverse(s, kk, q, ctx) ||
                !BN_mod_mul(s, s, t, q, ctx))
                goto out;
            usable = !BN_is_zero(r) && !BN_is_zero(s);
        }
        if (usable) {
            sig = ECDSA_SIG_new();
            if (!sig || !ECDSA_SIG_set0(sig, r, s))
                goto out;
            r = s = NULL; /* owned by sig */
            int n = i2d_ECDSA_SIG(sig, NULL);
            uint8_t *p = n > 0 ? OPENSSL_malloc((size_t)n) : NULL;
            if (!p)
                goto out;
            *der = p;
            *der_len = (size_t)i2d_ECDSA_SIG(sig, &p);
            rc = DT_OK;
            goto out;
        }
        /* K = HMAC_K(V || 0x00), V = HMAC_K(V), and again. */
        if (!hmac4(md, K, hlen, V, hlen, &zero, 1, NULL, 0, NULL, 0, K) ||
            !hmac4(md, K, hlen, V, hlen, NULL, 0, NULL, 0, NULL, 0, V))
            goto out;
    }
out:
    OPENSSL_cleanse(K, sizeof(K));
    OPENSSL_cleanse(V, sizeof(V));
    OPENSSL_cleanse(xo, sizeof(xo));
    BN_clear_free(x);
    BN_clear_free(kk);
    BN_free(h);
    BN_free(r);
    BN_free(s);
    BN_free(rx);
    BN_free(t);
    ECDSA_SIG_free(sig);
    EC_POINT_free(R);
    EC_GROUP_free(group);
    BN_CTX_free(ctx);
    ERR_clear_error();
    if (rc != DT_OK)
        dt_err_cause_set("OpenSSL could not make the ECDSA signature (RFC 6979)");
    return rc;
}

enum dt_err dt_ecdsa_sign_rfc6979(EVP_PKEY *k, int md_bits, const uint8_t *msg, size_t len,
                                  uint8_t **der, size_t *der_len)
{
    const EVP_MD *md = md_bits == 384 ? EVP_sha384() : EVP_sha256();
    uint8_t h[64];
    unsigned hl = 0;
    if (!EVP_Digest(msg, len, h, &hl, md, NULL)) {
        ERR_clear_error();
        dt_err_cause_set(md_bits == 384
                             ? "OpenSSL cannot compute SHA-384 (the signature's digest)"
                             : "OpenSSL cannot compute SHA-256 (the signature's digest)");
        return DT_ERR_INTERNAL;
    }
    return dt_ecdsa_sign_digest_rfc6979(k, md_bits, h, hl, der, der_len);
}

int dt_ecdsa_private_key_bits(const char *path)
{
    struct dt_diags quiet;
    dt_diag_init(&quiet, NULL, NULL);
    struct dt_buf b;
    if (dt_file_read(path, (size_t)1 << 20, &b, &quiet, NULL) != DT_OK)
        return 0;
    EVP_PKEY *k = dt_ecdsa_pem_key((const char *)b.data, b.len, true);
    dt_buf_free(&b);
    int bits = dt_ecdsa_bits(k);
    EVP_PKEY_free(k);
    return bits;
}
