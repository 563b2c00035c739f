/* Unit tests: pubkey.c (public-key identities). Keys are generated here
 * with OpenSSL; each is encoded in the forms one key can take (EC points
 * uncompressed, compressed, hybrid, curves named or explicit; RSA with NULL
 * parameters, none, or RSASSA-PSS) and must keep one identity, while other
 * keys, the other Y parity and malformed SPKIs must not share it. */
#include "cert.h"
#include "der.h"
#include "pubkey.h"
#include "unit.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

static void must(bool ok, const char *what)
{
    if (!ok) {
        printf("# test setup failed: %s\n", what);
        ERR_print_errors_fp(stdout);
        exit(2);
    }
}

/* ---- DER helpers -------------------------------------------------------------- */

static void put_tlv(struct dt_buf *b, uint8_t tag, const void *p, size_t n)
{
    uint8_t h[4];
    size_t k = 0;
    h[k++] = tag;
    if (n < 0x80) {
        h[k++] = (uint8_t)n;
    } else if (n < 0x100) {
        h[k++] = 0x81;
        h[k++] = (uint8_t)n;
    } else {
        h[k++] = 0x82;
        h[k++] = (uint8_t)(n >> 8);
        h[k++] = (uint8_t)n;
    }
    must(dt_buf_append(b, h, k) == DT_OK && dt_buf_append(b, p, n) == DT_OK, "append");
}

/* An SPKI from its parts: alg_oid and params are whole TLVs (params may be
 * NULL: absent), key the BIT STRING contents after the unused-bits octet. */
static struct dt_buf mk_spki(struct dt_slice alg_oid, const struct dt_slice *params, uint8_t unused,
                             struct dt_slice key)
{
    struct dt_buf alg, bits, body, out;
    dt_buf_init(&alg, 1 << 20);
    dt_buf_init(&bits, 1 << 20);
    dt_buf_init(&body, 1 << 20);
    dt_buf_init(&out, 1 << 20);
    must(dt_buf_append(&alg, alg_oid.p, alg_oid.n) == DT_OK, "oid");
    if (params)
        must(dt_buf_append(&alg, params->p, params->n) == DT_OK, "params");
    must(dt_buf_append(&bits, &unused, 1) == DT_OK && dt_buf_append(&bits, key.p, key.n) == DT_OK,
         "bits");
    put_tlv(&body, 0x30, alg.data, alg.len);
    put_tlv(&body, 0x03, bits.data, bits.len);
    put_tlv(&out, 0x30, body.data, body.len);
    dt_buf_free(&alg);
    dt_buf_free(&bits);
    dt_buf_free(&body);
    return out;
}

/* The parts of a well-formed SPKI: the algorithm OID TLV, the parameters
 * TLV (n == 0 when absent) and the key after the unused-bits octet. */
static void spki_parts(struct dt_slice spki, struct dt_slice *oid, struct dt_slice *params,
                       struct dt_slice *key)
{
    struct dt_tlv seq, alg, o, p, bits;
    must(!dt_der_read_one(spki, 0x30, &seq), "spki");
    struct dt_slice f = seq.val;
    must(!dt_der_read(&f, &alg) && !dt_der_read(&f, &bits) && bits.val.n >= 1, "spki fields");
    struct dt_slice a = alg.val;
    must(!dt_der_read(&a, &o), "alg oid");
    *oid = o.all;
    *params = dt_slice_make(NULL, 0);
    if (a.n) {
        must(!dt_der_read(&a, &p), "alg params");
        *params = p.all;
    }
    *key = dt_slice_make(bits.val.p + 1, bits.val.n - 1);
}

static struct dt_buf copy_of(struct dt_slice s)
{
    struct dt_buf b;
    dt_buf_init(&b, 1 << 20);
    must(dt_buf_append(&b, s.p, s.n) == DT_OK, "copy");
    return b;
}

static struct dt_slice SL(const struct dt_buf *b) {
    return dt_slice_make(b->data, b->len);
}

static struct dt_buf
der_pubkey(EVP_PKEY *k)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    must(n > 0, "i2d_PUBKEY");
    struct dt_buf b = copy_of(dt_slice_make(der, (size_t)n));
    OPENSSL_free(der);
    return b;
}

/* ---- checks -------------------------------------------------------------------- */

static bool id_of(struct dt_slice spki, uint8_t out[32])
{
    return dt_pubkey_id(spki, out) == DT_OK;
}

static void expect_same(struct dt_slice a, struct dt_slice b, const char *what)
{
    uint8_t x[32], y[32];
    bool ok = id_of(a, x) && id_of(b, y);
    CHECK(ok && memcmp(x, y, 32) == 0, "%s: one identity", what);
    CHECK(!dt_slice_eq(a, b), "%s: (the encodings differ)", what);
}

static void expect_differ(struct dt_slice a, struct dt_slice b, const char *what)
{
    uint8_t x[32], y[32];
    bool ok = id_of(a, x) && id_of(b, y);
    CHECK(ok && memcmp(x, y, 32) != 0, "%s: different identities", what);
}

static void expect_input(struct dt_slice s, const char *what)
{
    uint8_t x[32];
    memset(x, 0xa5, 32);
    enum dt_err rc = dt_pubkey_id(s, x);
    bool untouched = true;
    for (size_t i = 0; i < 32; i++)
        untouched = untouched && x[i] == 0xa5;
    CHECK(rc == DT_ERR_INPUT && untouched, "%s: DT_ERR_INPUT, out not written (rc %d)", what, rc);
}

/* ---- EC -------------------------------------------------------------------------- */

static EVP_PKEY *ec_key(const char *curve)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
    must(k != NULL, "EC keygen");
    return k;
}

/* The key's SPKI with the given point format and parameter encoding. */
static struct dt_buf ec_spki(EVP_PKEY *k, const char *format, const char *encoding)
{
    must(EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, format) &&
             EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_ENCODING, encoding),
         "EC encoding parameters");
    return der_pubkey(k);
}

static void test_ec_curve(const char *curve, size_t field_len)
{
    char what[160];
    EVP_PKEY *k = ec_key(curve), *k2 = ec_key(curve);
    struct dt_buf un = ec_spki(k, "uncompressed", "named_curve");
    struct dt_buf co = ec_spki(k, "compressed", "named_curve");
    struct dt_buf ex = ec_spki(k, "uncompressed", "explicit");
    struct dt_buf exc = ec_spki(k, "compressed", "explicit");
    struct dt_buf other = ec_spki(k2, "uncompressed", "named_curve");
    struct dt_slice oid, params, pt, xparams, xpt;
    spki_parts(SL(&un), &oid, &params, &pt);
    spki_parts(SL(&ex), &oid, &xparams, &xpt);
    CHECK(pt.n == 1 + 2 * field_len && pt.p[0] == 0x04,
          "%s: i2d_PUBKEY writes an uncompressed "
          "point of %zu octets",
          curve, pt.n);
    CHECK(xparams.n > 0 && xparams.p[0] == 0x30, "%s: explicit parameters are a SEQUENCE", curve);
    uint8_t y_odd = pt.p[pt.n - 1] & 1;

    /* The hybrid form, by hand: 06 or 07 with Y's parity, then X and Y. */
    struct dt_buf hyb_pt = copy_of(pt);
    hyb_pt.data[0] = (uint8_t)(0x06 | y_odd);
    struct dt_buf hyb = mk_spki(oid, &params, 0, SL(&hyb_pt));

    snprintf(what, sizeof(what), "%s: uncompressed and compressed point", curve);
    expect_same(SL(&un), SL(&co), what);
    snprintf(what, sizeof(what), "%s: uncompressed and hybrid point", curve);
    expect_same(SL(&un), SL(&hyb), what);
    snprintf(what, sizeof(what), "%s: named curve and explicit parameters", curve);
    expect_same(SL(&un), SL(&ex), what);
    snprintf(what, sizeof(what), "%s: compressed point with explicit parameters", curve);
    expect_same(SL(&co), SL(&exc), what);
    snprintf(what, sizeof(what), "%s: two keys", curve);
    expect_differ(SL(&un), SL(&other), what);

    /* The same X with the other parity of Y: the negated point, a valid
     * key and another one. */
    struct dt_slice coid, cparams, cpt;
    spki_parts(SL(&co), &coid, &cparams, &cpt);
    struct dt_buf neg_pt = copy_of(cpt);
    neg_pt.data[0] ^= 1;
    struct dt_buf neg = mk_spki(coid, &cparams, 0, SL(&neg_pt));
    snprintf(what, sizeof(what), "%s: same X, other parity of Y", curve);
    expect_differ(SL(&co), SL(&neg), what);

    /* Malformed points. */
    struct dt_buf bad_pt = copy_of(pt);
    bad_pt.data[0] = (uint8_t)(0x06 | !y_odd);
    struct dt_buf bad = mk_spki(oid, &params, 0, SL(&bad_pt));
    snprintf(what, sizeof(what), "%s: hybrid prefix with the wrong parity", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    bad_pt.data[0] = 0x04;
    bad_pt.data[bad_pt.len - 1] ^= 0x02; /* Y changed, parity kept: off the curve */
    bad = mk_spki(oid, &params, 0, SL(&bad_pt));
    snprintf(what, sizeof(what), "%s: uncompressed point off the curve", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    bad_pt.data[0] = 0x05;
    bad = mk_spki(oid, &params, 0, SL(&bad_pt));
    snprintf(what, sizeof(what), "%s: unknown point prefix 05", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    bad = mk_spki(oid, &params, 0, dt_slice_make("\x00", 1));
    snprintf(what, sizeof(what), "%s: the point at infinity", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    bad = mk_spki(oid, &params, 0, dt_slice_make(cpt.p, cpt.n - 1));
    snprintf(what, sizeof(what), "%s: compressed X one octet short", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    bad = mk_spki(oid, &params, 1, cpt);
    snprintf(what, sizeof(what), "%s: BIT STRING with unused bits", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    bad = mk_spki(oid, NULL, 0, pt);
    snprintf(what, sizeof(what), "%s: no curve parameters", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    struct dt_slice null = dt_slice_make("\x05\x00", 2);
    bad = mk_spki(oid, &null, 0, pt);
    snprintf(what, sizeof(what), "%s: implicitCurve (NULL) parameters", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);

    /* An X with no point on the curve: found with OpenSSL, refused. */
    EC_GROUP *g = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(curve));
    must(g != NULL, "group");
    EC_POINT *p = EC_POINT_new(g);
    struct dt_buf off = copy_of(cpt);
    bool found = false;
    for (int i = 0; i < 256 && !found; i++) {
        off.data[off.len - 1] = (uint8_t)i;
        found = EC_POINT_oct2point(g, p, off.data, off.len, NULL) != 1;
    }
    ERR_clear_error();
    must(found, "an X off the curve");
    bad = mk_spki(coid, &cparams, 0, SL(&off));
    snprintf(what, sizeof(what), "%s: compressed X with no point on the curve", curve);
    expect_input(SL(&bad), what);
    dt_buf_free(&bad);
    EC_POINT_free(p);
    EC_GROUP_free(g);

    /* A curve OpenSSL does not know: shape only, and not the same curve. */
    struct dt_slice unknown = dt_slice_make("\x06\x03\x2a\x03\x04", 5);
    struct dt_buf unk = mk_spki(oid, &unknown, 0, pt);
    struct dt_buf unkc = mk_spki(oid, &unknown, 0, cpt);
    snprintf(what, sizeof(what), "%s point on an unknown curve OID, two forms", curve);
    expect_same(SL(&unk), SL(&unkc), what);
    snprintf(what, sizeof(what), "%s point: on its curve and on an unknown curve OID", curve);
    expect_differ(SL(&un), SL(&unk), what);

    dt_buf_free(&un);
    dt_buf_free(&co);
    dt_buf_free(&ex);
    dt_buf_free(&exc);
    dt_buf_free(&other);
    dt_buf_free(&hyb_pt);
    dt_buf_free(&hyb);
    dt_buf_free(&neg_pt);
    dt_buf_free(&neg);
    dt_buf_free(&bad_pt);
    dt_buf_free(&off);
    dt_buf_free(&unk);
    dt_buf_free(&unkc);
    EVP_PKEY_free(k);
    EVP_PKEY_free(k2);
}

/* Explicit parameters OpenSSL does not recognise (P-256 with 2G as its
 * generator): identified by their bytes, not as P-256. */
static void test_ec_unknown_explicit(void)
{
    EVP_PKEY *k = ec_key("P-256");
    struct dt_buf un = ec_spki(k, "uncompressed", "named_curve");
    struct dt_slice oid, params, pt;
    spki_parts(SL(&un), &oid, &params, &pt);

    EC_GROUP *named = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BIGNUM *pp = BN_new(), *a = BN_new(), *b = BN_new(), *order = BN_new(), *cof = BN_new();
    must(named && pp && a && b && order && cof && EC_GROUP_get_curve(named, pp, a, b, NULL) &&
             EC_GROUP_get_order(named, order, NULL) && BN_set_word(cof, 1),
         "P-256 parameters");
    EC_GROUP *g = EC_GROUP_new_curve_GFp(pp, a, b, NULL);
    EC_POINT *g2 = EC_POINT_new(named), *gen = g ? EC_POINT_new(g) : NULL;
    BIGNUM *gx = BN_new(), *gy = BN_new();
    must(g && g2 && gen && gx && gy &&
             EC_POINT_dbl(named, g2, EC_GROUP_get0_generator(named), NULL) &&
             EC_POINT_get_affine_coordinates(named, g2, gx, gy, NULL) &&
             EC_POINT_set_affine_coordinates(g, gen, gx, gy, NULL) &&
             EC_GROUP_set_generator(g, gen, order, cof),
         "a curve with generator 2G");
    EC_GROUP_set_asn1_flag(g, OPENSSL_EC_EXPLICIT_CURVE);
    unsigned char *der = NULL;
    int n = i2d_ECPKParameters(g, &der);
    must(n > 0, "i2d_ECPKParameters");
    struct dt_slice xparams = dt_slice_make(der, (size_t)n);
    struct dt_buf ex = mk_spki(oid, &xparams, 0, pt);
    uint8_t id[32];
    CHECK(id_of(SL(&ex), id), "unrecognised explicit parameters: the point still has an identity");
    expect_differ(SL(&un), SL(&ex), "P-256 point: named curve and unrecognised explicit curve");
    struct dt_buf bad = mk_spki(oid, &(struct dt_slice){der, (size_t)n - 1}, 0, pt);
    expect_input(SL(&bad), "truncated explicit parameters");
    dt_buf_free(&bad);
    OPENSSL_free(der);
    EC_POINT_free(g2);
    EC_POINT_free(gen);
    BN_free(gx);
    BN_free(gy);
    EC_GROUP_free(g);
    EC_GROUP_free(named);
    BN_free(pp);
    BN_free(a);
    BN_free(b);
    BN_free(order);
    BN_free(cof);
    dt_buf_free(&ex);
    dt_buf_free(&un);
    EVP_PKEY_free(k);
}

/* ---- RSA ------------------------------------------------------------------------- */

static const uint8_t RSA_OID[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
static const uint8_t PSS_OID[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};

/* RSAPublicKey from modulus and exponent contents (as given: no fixing). */
static struct dt_buf rsa_key(struct dt_slice n, struct dt_slice e)
{
    struct dt_buf body, out;
    dt_buf_init(&body, 1 << 20);
    dt_buf_init(&out, 1 << 20);
    put_tlv(&body, 0x02, n.p, n.n);
    put_tlv(&body, 0x02, e.p, e.n);
    put_tlv(&out, 0x30, body.data, body.len);
    dt_buf_free(&body);
    return out;
}

static void test_rsa(void)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    must(k && k2, "RSA keygen");
    struct dt_buf with_null = der_pubkey(k), other = der_pubkey(k2);
    struct dt_slice oid, params, key;
    spki_parts(SL(&with_null), &oid, &params, &key);
    CHECK(params.n == 2 && params.p[0] == 0x05, "i2d_PUBKEY writes RSA parameters as NULL");
    struct dt_slice rsa_oid = dt_slice_make(RSA_OID, sizeof(RSA_OID));
    struct dt_slice pss_oid = dt_slice_make(PSS_OID, sizeof(PSS_OID));
    struct dt_buf absent = mk_spki(rsa_oid, NULL, 0, key);
    expect_same(SL(&with_null), SL(&absent), "RSA-2048: NULL parameters and none");

    /* RSASSA-PSS with parameters (SHA-256, MGF1-SHA-256, salt 32) and without. */
    static const uint8_t pss_params[] = {
        0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
        0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48,
        0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20};
    struct dt_slice pp = dt_slice_make(pss_params, sizeof(pss_params));
    struct dt_buf pss = mk_spki(pss_oid, &pp, 0, key);
    struct dt_buf pss_bare = mk_spki(pss_oid, NULL, 0, key);
    expect_same(SL(&with_null), SL(&pss), "RSA-2048: rsaEncryption and RSASSA-PSS with parameters");
    expect_same(SL(&pss), SL(&pss_bare), "RSA-2048: RSASSA-PSS with parameters and without");
    expect_differ(SL(&with_null), SL(&other), "RSA-2048: two keys");

    /* Integers as unsigned magnitudes. */
    struct dt_tlv seq, n, e;
    must(!dt_der_read_one(key, 0x30, &seq), "RSAPublicKey");
    struct dt_slice f = seq.val;
    must(!dt_der_read(&f, &n) && !dt_der_read(&f, &e), "n and e");
    CHECK(n.val.p[0] == 0x00 && (n.val.p[1] & 0x80), "the modulus carries its 0x00 pad");
    struct dt_buf n_pad = copy_of(dt_slice_make("\x00", 1));
    must(dt_buf_append(&n_pad, n.val.p, n.val.n) == DT_OK, "pad");
    struct dt_buf k_pad = rsa_key(SL(&n_pad), e.val);
    struct dt_buf padded = mk_spki(rsa_oid, &params, 0, SL(&k_pad));
    expect_same(SL(&with_null), SL(&padded), "RSA-2048: a modulus with an extra leading zero");
    struct dt_buf k_neg = rsa_key(dt_slice_make(n.val.p + 1, n.val.n - 1), e.val);
    struct dt_buf neg = mk_spki(rsa_oid, &params, 0, SL(&k_neg));
    expect_same(SL(&with_null), SL(&neg), "RSA-2048: a modulus without its 0x00 pad");
    struct dt_buf k_e3 = rsa_key(n.val, dt_slice_make("\x03", 1));
    struct dt_buf e3 = mk_spki(rsa_oid, &params, 0, SL(&k_e3));
    expect_differ(SL(&with_null), SL(&e3), "RSA-2048: same modulus, exponent 3");

    /* Malformed. */
    struct dt_buf bad = mk_spki(rsa_oid, &params, 1, key);
    expect_input(SL(&bad), "RSA: BIT STRING with unused bits");
    dt_buf_free(&bad);
    struct dt_buf k_zero = rsa_key(dt_slice_make("\x00", 1), e.val);
    bad = mk_spki(rsa_oid, &params, 0, SL(&k_zero));
    expect_input(SL(&bad), "RSA: modulus zero");
    dt_buf_free(&bad);
    struct dt_buf trail = copy_of(key);
    must(dt_buf_putc(&trail, 0) == DT_OK, "trail");
    bad = mk_spki(rsa_oid, &params, 0, SL(&trail));
    expect_input(SL(&bad), "RSA: bytes after RSAPublicKey");
    dt_buf_free(&bad);
    bad = mk_spki(rsa_oid, &params, 0, dt_slice_make(key.p + 4, key.n - 4));
    expect_input(SL(&bad), "RSA: key that is not an RSAPublicKey SEQUENCE");
    dt_buf_free(&bad);
    struct dt_buf k_one = copy_of(key);
    k_one.len = 0;
    put_tlv(&k_one, 0x30, n.all.p, n.all.n);
    bad = mk_spki(rsa_oid, &params, 0, SL(&k_one));
    expect_input(SL(&bad), "RSA: RSAPublicKey without its exponent");
    dt_buf_free(&bad);

    dt_buf_free(&with_null);
    dt_buf_free(&other);
    dt_buf_free(&absent);
    dt_buf_free(&pss);
    dt_buf_free(&pss_bare);
    dt_buf_free(&n_pad);
    dt_buf_free(&k_pad);
    dt_buf_free(&padded);
    dt_buf_free(&k_neg);
    dt_buf_free(&neg);
    dt_buf_free(&k_e3);
    dt_buf_free(&e3);
    dt_buf_free(&k_zero);
    dt_buf_free(&trail);
    dt_buf_free(&k_one);
    EVP_PKEY_free(k);
    EVP_PKEY_free(k2);
}

/* ---- RFC 8410 and other algorithms ------------------------------------------------- */

static void test_ed25519_and_others(void)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    must(k && k2, "Ed25519 keygen");
    struct dt_buf a = der_pubkey(k), b = der_pubkey(k2);
    struct dt_slice oid, params, key;
    spki_parts(SL(&a), &oid, &params, &key);
    CHECK(key.n == 32 && params.n == 0, "Ed25519: 32-octet key, no parameters");
    uint8_t x[32], y[32];
    CHECK(id_of(SL(&a), x) && id_of(SL(&a), y) && !memcmp(x, y, 32), "Ed25519: an identity, "
                                                                     "the same every time");
    expect_differ(SL(&a), SL(&b), "Ed25519: two keys");
    struct dt_slice x25519 = dt_slice_make("\x06\x03\x2b\x65\x6e", 5);
    struct dt_buf xk = mk_spki(x25519, NULL, 0, key);
    expect_differ(SL(&a), SL(&xk), "the same 32 octets as Ed25519 and as X25519");
    struct dt_slice null = dt_slice_make("\x05\x00", 2);
    struct dt_buf bad = mk_spki(oid, &null, 0, key);
    expect_input(SL(&bad), "Ed25519 with NULL parameters");
    dt_buf_free(&bad);
    bad = mk_spki(oid, NULL, 0, dt_slice_make(key.p, 31));
    expect_input(SL(&bad), "Ed25519 key of 31 octets");
    dt_buf_free(&bad);
    struct dt_slice ed448 = dt_slice_make("\x06\x03\x2b\x65\x71", 5);
    bad = mk_spki(ed448, NULL, 0, key);
    expect_input(SL(&bad), "Ed448 key of 32 octets");
    dt_buf_free(&bad);

    /* Another algorithm (DSA): OID, parameters and bits. */
    struct dt_slice dsa = dt_slice_make("\x06\x07\x2a\x86\x48\xce\x38\x04\x01", 9);
    struct dt_slice dsa_p1 = dt_slice_make("\x30\x09\x02\x01\x17\x02\x01\x0b\x02\x01\x02", 11);
    struct dt_slice dsa_p2 = dt_slice_make("\x30\x09\x02\x01\x17\x02\x01\x0b\x02\x01\x03", 11);
    struct dt_slice yk = dt_slice_make("\x02\x01\x05", 3);
    struct dt_buf d1 = mk_spki(dsa, &dsa_p1, 0, yk), d1b = mk_spki(dsa, &dsa_p1, 0, yk);
    struct dt_buf d2 = mk_spki(dsa, &dsa_p2, 0, yk), d0 = mk_spki(dsa, NULL, 0, yk);
    CHECK(id_of(SL(&d1), x) && id_of(SL(&d1b), y) && !memcmp(x, y, 32),
          "another algorithm: the same SPKI, the same identity");
    expect_differ(SL(&d1), SL(&d2), "another algorithm: other parameters");
    expect_differ(SL(&d1), SL(&d0), "another algorithm: parameters present and absent");

    dt_buf_free(&a);
    dt_buf_free(&b);
    dt_buf_free(&xk);
    dt_buf_free(&d1);
    dt_buf_free(&d1b);
    dt_buf_free(&d2);
    dt_buf_free(&d0);
    EVP_PKEY_free(k);
    EVP_PKEY_free(k2);
}

/* ---- malformed SPKIs and the exact-bytes fallback ---------------------------------- */

static void test_malformed_and_fallback(void)
{
    EVP_PKEY *k = ec_key("P-256");
    struct dt_buf good = ec_spki(k, "uncompressed", "named_curve");
    struct dt_slice g = SL(&good);
    struct dt_buf v[6];
    const char *what[6] = {"truncated SPKI",
                           "SPKI with a SET for its SEQUENCE",
                           "SPKI with a trailing octet",
                           "SPKI without its BIT STRING",
                           "SPKI with an empty algorithm OID",
                           "no bytes at all"};
    v[0] = copy_of(dt_slice_make(g.p, g.n - 1));
    v[1] = copy_of(g);
    v[1].data[0] = 0x31;
    v[2] = copy_of(g);
    must(dt_buf_putc(&v[2], 0) == DT_OK, "trail");
    struct dt_tlv seq, alg;
    must(!dt_der_read_one(g, 0x30, &seq), "seq");
    struct dt_slice f = seq.val;
    must(!dt_der_read(&f, &alg), "alg");
    dt_buf_init(&v[3], 1 << 20);
    put_tlv(&v[3], 0x30, alg.all.p, alg.all.n);
    struct dt_slice key = dt_slice_make(f.p + 3, f.n - 3);
    v[4] = mk_spki(dt_slice_make("\x06\x00", 2), NULL, 0, key);
    dt_buf_init(&v[5], 16);

    uint8_t good_id[32], fb_good[32];
    must(id_of(g, good_id), "good id");
    must(dt_pubkey_id_or_bytes(g, fb_good) == DT_OK, "good id or bytes");
    CHECK(!memcmp(good_id, fb_good, 32), "a valid SPKI: dt_pubkey_id_or_bytes is dt_pubkey_id");

    uint8_t fb[6][32], again[32];
    for (size_t i = 0; i < 6; i++) {
        expect_input(SL(&v[i]), what[i]);
        must(dt_pubkey_id_or_bytes(SL(&v[i]), fb[i]) == DT_OK, "id or bytes");
        must(dt_pubkey_id_or_bytes(SL(&v[i]), again) == DT_OK, "id or bytes again");
        CHECK(!memcmp(fb[i], again, 32), "%s: the fallback is stable", what[i]);
        struct dt_buf c = copy_of(SL(&v[i]));
        must(dt_pubkey_id_or_bytes(SL(&c), again) == DT_OK, "id or bytes of a copy");
        CHECK(!memcmp(fb[i], again, 32), "%s: the fallback of a copy is the same", what[i]);
        dt_buf_free(&c);
        CHECK(memcmp(fb[i], good_id, 32) != 0, "%s: the fallback is not the key's identity",
              what[i]);
        uint8_t plain[32];
        must(dt_digest_sha256(SL(&v[i]), plain) == DT_OK, "sha256");
        CHECK(memcmp(fb[i], plain, 32) != 0,
              "%s: the fallback is domain-separated from a plain SHA-256 of the bytes", what[i]);
    }
    size_t distinct = 0;
    for (size_t i = 0; i < 6; i++)
        for (size_t j = i + 1; j < 6; j++)
            distinct += memcmp(fb[i], fb[j], 32) != 0;
    CHECK(distinct == 15, "six malformed SPKIs: six different fallbacks");
    for (size_t i = 0; i < 6; i++)
        dt_buf_free(&v[i]);
    dt_buf_free(&good);
    EVP_PKEY_free(k);
}

/* The fixture PKI: int-a1 and its cross-certificate share a key. */
static void test_fixtures(void)
{
    static const char *const files[] = {"int-a1", "int-a1-xb", "root-a", "root-b", "int-a2"};
    struct dt_certlist l[5];
    memset(l, 0, sizeof(l));
    uint8_t id[5][32];
    for (size_t i = 0; i < 5; i++) {
        struct dt_diags d;
        struct unit_diags u;
        unit_diags_setup(&u, &d);
        char path[256];
        snprintf(path, sizeof(path), "testdata/pki/%s.der", files[i]);
        must(dt_cert_load_file(path, &l[i], &d, NULL) == DT_OK && l[i].n == 1, path);
        must(id_of(l[i].v[0]->info.spki, id[i]), "fixture key id");
    }
    CHECK(!memcmp(id[0], id[1], 32), "int-a1 and int-a1-xb: one key");
    size_t distinct = 0;
    for (size_t i = 1; i < 5; i++)
        for (size_t j = i + 1; j < 5; j++)
            distinct += memcmp(id[i], id[j], 32) != 0;
    CHECK(distinct == 6, "root-a, root-b, int-a2 and int-a1: four keys");
    for (size_t i = 0; i < 5; i++)
        dt_cert_list_free(&l[i]);
}

int main(void)
{
    test_ec_curve("P-256", 32);
    test_ec_curve("P-384", 48);
    test_ec_unknown_explicit();
    test_rsa();
    test_ed25519_and_others();
    test_malformed_and_fallback();
    test_fixtures();
    return unit_done();
}
