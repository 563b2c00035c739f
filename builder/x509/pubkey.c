/*
 * pubkey.c - public-key identities independent of the SPKI encoding.
 *
 * The DER walker parses; OpenSSL is used only to map explicit EC parameters
 * to a built-in curve and to check that a point is on its curve.
 */
#include "pubkey.h"

#include "der.h"
#include "digest.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <pthread.h>
#include <string.h>

static const uint8_t oid_rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
static const uint8_t oid_rsa_pss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
static const uint8_t oid_ec[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};

/* RFC 8410 keys: OID (1.3.101.x) and raw key length. */
static const struct {
    uint8_t last;
    size_t key_len;
} rfc8410[] = {
    {110, 32} /* X25519 */, {111, 56} /* X448 */, {112, 32} /* Ed25519 */, {113, 57} /* Ed448 */};

/* The labels that start each kind's hash input. */
#define LABEL_RSA "distrust pubkey id v1: RSA"
#define LABEL_EC "distrust pubkey id v1: EC named curve"
#define LABEL_EC_EXPLICIT "distrust pubkey id v1: EC explicit parameters"
#define LABEL_RFC8410 "distrust pubkey id v1: RFC 8410"
#define LABEL_OTHER "distrust pubkey id v1: other algorithm"
#define LABEL_BYTES "distrust pubkey id v1: SPKI bytes"

#define MAX_PARTS 4 /* the most parts an identity hashes */

/* The groups of the common curves, made once: making a group costs more
 * than everything else an identity takes. Read-only once made. */
static const int common_nids[] = {NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1};
static EC_GROUP *common_groups[DT_ARRAY_LEN(common_nids)];
static pthread_once_t groups_once = PTHREAD_ONCE_INIT;

static void make_groups(void)
{
    for (size_t i = 0; i < DT_ARRAY_LEN(common_nids); i++)
        common_groups[i] = EC_GROUP_new_by_curve_name(common_nids[i]);
    ERR_clear_error();
}

/* The group of a named curve: borrowed (*owned NULL) for the common ones,
 * else made here (*owned = the group, which the caller frees). NULL when
 * OpenSSL does not know the curve. */
static const EC_GROUP *named_group(int nid, EC_GROUP **owned)
{
    *owned = NULL;
    pthread_once(&groups_once, make_groups);
    for (size_t i = 0; i < DT_ARRAY_LEN(common_nids); i++)
        if (nid == common_nids[i] && common_groups[i])
            return common_groups[i];
    if (nid != NID_undef)
        *owned = EC_GROUP_new_by_curve_name(nid);
    return *owned;
}

/* SHA-256 over the parts, each preceded by its length (4 octets, big
 * endian), so that no two lists of parts hash the same input. */
static enum dt_err hash_parts(const struct dt_slice *parts, size_t n, uint8_t out[32])
{
    enum dt_err rc = DT_OK;
    uint8_t lens[MAX_PARTS][4];
    struct dt_slice all[2 * MAX_PARTS];
    DT_ENSURE(n <= MAX_PARTS, DT_ERR_INTERNAL);
    for (size_t i = 0; i < n; i++) {
        DT_ENSURE(parts[i].n <= 0xffffffffu, DT_ERR_INPUT);
        lens[i][0] = (uint8_t)(parts[i].n >> 24);
        lens[i][1] = (uint8_t)(parts[i].n >> 16);
        lens[i][2] = (uint8_t)(parts[i].n >> 8);
        lens[i][3] = (uint8_t)parts[i].n;
        all[2 * i] = dt_slice_make(lens[i], 4);
        all[2 * i + 1] = parts[i];
    }
    DT_TRY(dt_digest_sha256_parts(all, 2 * n, out));
out:
    return rc;
}

static struct dt_slice label(const char *s)
{
    return dt_slice_make(s, strlen(s));
}

/* The unsigned magnitude of INTEGER contents: leading zero octets off. */
static struct dt_slice magnitude(struct dt_slice v)
{
    while (v.n && v.p[0] == 0) {
        v.p++;
        v.n--;
    }
    return v;
}

/* The contents of a BIT STRING without unused bits, after its first octet. */
static enum dt_err whole_octets(struct dt_slice bits, struct dt_slice *key)
{
    if (bits.n < 1 || bits.p[0] != 0)
        return DT_ERR_INPUT;
    *key = dt_slice_make(bits.p + 1, bits.n - 1);
    return DT_OK;
}

static enum dt_err rsa_id(struct dt_slice bits, uint8_t out[32])
{
    enum dt_err rc = DT_OK;
    struct dt_slice key;
    struct dt_tlv seq, n, e;
    DT_TRY(whole_octets(bits, &key));
    DT_ENSURE(!dt_der_read_one(key, DT_TAG_SEQUENCE, &seq), DT_ERR_INPUT);
    struct dt_slice f = seq.val;
    DT_ENSURE(!dt_der_read(&f, &n) && n.tag == DT_TAG_INTEGER, DT_ERR_INPUT);
    DT_ENSURE(!dt_der_read(&f, &e) && e.tag == DT_TAG_INTEGER && f.n == 0, DT_ERR_INPUT);
    struct dt_slice parts[] = {label(LABEL_RSA), magnitude(n.val), magnitude(e.val)};
    DT_ENSURE(parts[1].n && parts[2].n, DT_ERR_INPUT);
    DT_TRY(hash_parts(parts, DT_ARRAY_LEN(parts), out));
out:
    return rc;
}

/* X and the parity of Y from an encoded point; the shape only. */
static enum dt_err split_point(struct dt_slice pt, struct dt_slice *x, uint8_t *parity)
{
    if (pt.n < 2)
        return DT_ERR_INPUT;
    uint8_t form = pt.p[0];
    size_t rest = pt.n - 1;
    switch (form) {
    case 0x02:
    case 0x03:
        *x = dt_slice_make(pt.p + 1, rest);
        *parity = form & 1;
        return DT_OK;
    case 0x04:
    case 0x06:
    case 0x07:
        if (rest % 2)
            return DT_ERR_INPUT;
        *x = dt_slice_make(pt.p + 1, rest / 2);
        *parity = pt.p[pt.n - 1] & 1;
        if (form != 0x04 && *parity != (form & 1))
            return DT_ERR_INPUT;
        return DT_OK;
    default:
        return DT_ERR_INPUT;
    }
}

/* Whether the point decodes on the group (OpenSSL's checks). */
static enum dt_err check_point(const EC_GROUP *g, struct dt_slice pt)
{
    enum dt_err rc = DT_OK;
    EC_POINT *p = EC_POINT_new(g);
    DT_ENSURE(p != NULL, DT_ERR_NOMEM);
    DT_ENSURE(EC_POINT_oct2point(g, p, pt.p, pt.n, NULL) == 1, DT_ERR_INPUT);
out:
    EC_POINT_free(p);
    return rc;
}

static enum dt_err ec_id(struct dt_tlv params, struct dt_slice bits, uint8_t out[32])
{
    enum dt_err rc = DT_OK;
    EC_GROUP *owned = NULL;
    const EC_GROUP *g = NULL;
    ASN1_OBJECT *obj = NULL;
    struct dt_slice pt, x, curve;
    uint8_t parity;
    const char *lab = LABEL_EC;
    DT_TRY(whole_octets(bits, &pt));
    DT_TRY(split_point(pt, &x, &parity));
    if (params.tag == DT_TAG_OID) {
        DT_ENSURE(params.val.n > 0, DT_ERR_INPUT);
        curve = params.val;
        const unsigned char *p = params.all.p;
        obj = d2i_ASN1_OBJECT(NULL, &p, (long)params.all.n);
        g = named_group(obj ? OBJ_obj2nid(obj) : NID_undef, &owned);
    } else if (params.tag == DT_TAG_SEQUENCE) {
        const unsigned char *p = params.all.p;
        g = owned = d2i_ECPKParameters(NULL, &p, (long)params.all.n);
        DT_ENSURE(g != NULL && p == params.all.p + params.all.n, DT_ERR_INPUT);
        int nid = EC_GROUP_get_curve_name(g);
        const ASN1_OBJECT *o = nid != NID_undef ? OBJ_nid2obj(nid) : NULL;
        if (o && OBJ_length(o) > 0) {
            curve = dt_slice_make(OBJ_get0_data(o), OBJ_length(o));
        } else {
            lab = LABEL_EC_EXPLICIT;
            curve = params.all;
        }
    } else {
        DT_ENSURE(false, DT_ERR_INPUT); /* implicitCurve, or garbage */
    }
    if (g) {
        int degree = EC_GROUP_get_degree(g);
        DT_ENSURE(degree > 0 && x.n == (size_t)(degree + 7) / 8, DT_ERR_INPUT);
        DT_TRY(check_point(g, pt));
    }
    struct dt_slice parts[] = {label(lab), curve, x, dt_slice_make(&parity, 1)};
    DT_TRY(hash_parts(parts, DT_ARRAY_LEN(parts), out));
out:
    EC_GROUP_free(owned);
    ASN1_OBJECT_free(obj);
    ERR_clear_error();
    return rc;
}

enum dt_err dt_pubkey_id(struct dt_slice spki, uint8_t out[32])
{
    enum dt_err rc = DT_OK;
    struct dt_tlv seq, alg, oid, params, bits;
    bool has_params = false;
    DT_ENSURE(!dt_der_read_one(spki, DT_TAG_SEQUENCE, &seq), DT_ERR_INPUT);
    struct dt_slice f = seq.val;
    DT_ENSURE(!dt_der_read(&f, &alg) && alg.tag == DT_TAG_SEQUENCE, DT_ERR_INPUT);
    DT_ENSURE(!dt_der_read(&f, &bits) && bits.tag == DT_TAG_BITSTRING && f.n == 0, DT_ERR_INPUT);
    struct dt_slice a = alg.val;
    DT_ENSURE(!dt_der_read(&a, &oid) && oid.tag == DT_TAG_OID && oid.val.n > 0, DT_ERR_INPUT);
    if (a.n) {
        DT_ENSURE(!dt_der_read(&a, &params) && a.n == 0, DT_ERR_INPUT);
        has_params = true;
    }
    struct dt_slice o = oid.val;
    if (dt_slice_eq(o, dt_slice_make(oid_rsa, sizeof(oid_rsa))) ||
        dt_slice_eq(o, dt_slice_make(oid_rsa_pss, sizeof(oid_rsa_pss)))) {
        DT_TRY(rsa_id(bits.val, out));
        goto out;
    }
    if (dt_slice_eq(o, dt_slice_make(oid_ec, sizeof(oid_ec)))) {
        DT_ENSURE(has_params, DT_ERR_INPUT);
        DT_TRY(ec_id(params, bits.val, out));
        goto out;
    }
    if (o.n == 3 && o.p[0] == 0x2b && o.p[1] == 0x65) {
        for (size_t i = 0; i < DT_ARRAY_LEN(rfc8410); i++) {
            if (o.p[2] != rfc8410[i].last)
                continue;
            struct dt_slice key;
            DT_ENSURE(!has_params, DT_ERR_INPUT);
            DT_TRY(whole_octets(bits.val, &key));
            DT_ENSURE(key.n == rfc8410[i].key_len, DT_ERR_INPUT);
            struct dt_slice parts[] = {label(LABEL_RFC8410), o, key};
            DT_TRY(hash_parts(parts, DT_ARRAY_LEN(parts), out));
            goto out;
        }
    }
    /* Any other algorithm: an empty part for absent parameters cannot be
     * confused with a present TLV, which is never empty. */
    struct dt_slice parts[] = {label(LABEL_OTHER), o,
                               has_params ? params.all : dt_slice_make(NULL, 0), bits.val};
    DT_TRY(hash_parts(parts, DT_ARRAY_LEN(parts), out));
out:
    return rc;
}

enum dt_err dt_pubkey_id_or_bytes(struct dt_slice spki, uint8_t out[32])
{
    enum dt_err rc = dt_pubkey_id(spki, out);
    if (rc != DT_ERR_INPUT)
        return rc;
    struct dt_slice parts[] = {label(LABEL_BYTES), spki};
    return hash_parts(parts, DT_ARRAY_LEN(parts), out);
}
