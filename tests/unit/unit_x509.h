/*
 * unit_x509.h - fixtures made in memory with OpenSSL for the unit tests:
 * certificates with chosen names (and name encodings), serials, validity
 * and keys, and CRLs with chosen entries, signed by a chosen key. Each
 * helper exits the test (status 2) when OpenSSL fails: a fixture that
 * cannot be made is a broken test, not a passing one.
 */
#ifndef DT_UNIT_X509_H
#define DT_UNIT_X509_H

#include "unit.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static inline void ux_die(const char *what)
{
    printf("# fixture: %s failed\n", what);
    exit(2);
}

/* A fresh EC P-256 key. Caller frees with EVP_PKEY_free(). */
static inline EVP_PKEY *ux_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    if (!k)
        ux_die("EVP_EC_gen");
    return k;
}

/* A PEM key file of testdata (testdata/pki/int-a1.key.pem ...). */
static inline EVP_PKEY *ux_key_file(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!k)
        ux_die(path);
    return k;
}

/* A PEM or DER certificate file of testdata. Caller frees with X509_free(). */
static inline X509 *ux_x509_file(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!x)
        ux_die(path);
    return x;
}

/* A Name of (attribute, value) pairs ("O", "Acme", "CN", "Acme CA", NULL),
 * every value as ASN.1 string type `type` (V_ASN1_PRINTABLESTRING,
 * V_ASN1_UTF8STRING, V_ASN1_BMPSTRING ...). Caller frees. */
static inline X509_NAME *ux_name(int type, const char *first, ...)
{
    X509_NAME *n = X509_NAME_new();
    va_list ap;
    va_start(ap, first);
    for (const char *k = first; k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        ASN1_STRING *s = ASN1_STRING_type_new(type);
        if (!s || !ASN1_STRING_set(s, v, (int)strlen(v)))
            ux_die("ASN1_STRING_set");
        if (type == V_ASN1_BMPSTRING) { /* UCS-2 big-endian: ASCII values only here */
            size_t n2 = strlen(v);
            unsigned char *u = calloc(2 * n2 + 1, 1);
            for (size_t i = 0; i < n2; i++)
                u[2 * i + 1] = (unsigned char)v[i];
            ASN1_STRING_set(s, u, (int)(2 * n2));
            free(u);
        }
        X509_NAME_ENTRY *e = X509_NAME_ENTRY_create_by_txt(NULL, k, type, ASN1_STRING_get0_data(s),
                                                           ASN1_STRING_length(s));
        if (!e || !X509_NAME_add_entry(n, e, -1, 0))
            ux_die("X509_NAME_add_entry");
        X509_NAME_ENTRY_free(e);
        ASN1_STRING_free(s);
    }
    va_end(ap);
    return n;
}

/* The DER of a Name (caller frees *der with OPENSSL_free()). */
static inline int ux_name_der(X509_NAME *n, unsigned char **der)
{
    *der = NULL;
    int len = i2d_X509_NAME(n, der);
    if (len <= 0)
        ux_die("i2d_X509_NAME");
    return len;
}

struct ux_cert_spec {
    X509_NAME *subject, *issuer;
    const uint8_t *serial; /* INTEGER content octets (positive) */
    size_t serial_len;
    bool ca;
    EVP_PKEY *key;    /* the certificate's public key */
    EVP_PKEY *signer; /* the key that signs it */
    int64_t not_before, not_after;
};

/* A certificate as specified. Caller frees with X509_free(). */
static inline X509 *ux_cert(const struct ux_cert_spec *s)
{
    X509 *x = X509_new();
    BIGNUM *bn = BN_bin2bn(s->serial, (int)s->serial_len, NULL);
    ASN1_INTEGER *ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    if (!x || !ai || !X509_set_version(x, 2) || !X509_set_serialNumber(x, ai) ||
        !X509_set_subject_name(x, s->subject) || !X509_set_issuer_name(x, s->issuer) ||
        !ASN1_TIME_set(X509_getm_notBefore(x), (time_t)s->not_before) ||
        !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)s->not_after) || !X509_set_pubkey(x, s->key))
        ux_die("X509 fields");
    BN_free(bn);
    ASN1_INTEGER_free(ai);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
                                             s->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    X509_EXTENSION *ku =
        X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage,
                            s->ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    if (!bc || !ku || !X509_add_ext(x, bc, -1) || !X509_add_ext(x, ku, -1))
        ux_die("X509 extensions");
    X509_EXTENSION_free(bc);
    X509_EXTENSION_free(ku);
    if (!X509_sign(x, s->signer, EVP_sha256()))
        ux_die("X509_sign");
    return x;
}

/* Writes a certificate as PEM into the scratch directory; returns the path
 * (unit_write's rotating storage). */
static inline const char *ux_write_pem(const char *name, X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b || !PEM_write_bio_X509(b, x))
        ux_die("PEM_write_bio_X509");
    char *p;
    long n = BIO_get_mem_data(b, &p);
    const char *path = unit_write(name, p, (size_t)n);
    BIO_free(b);
    return path;
}

/* Writes a private key as PEM (PKCS#8) into the scratch directory. */
static inline const char *ux_write_key(const char *name, EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b || !PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL))
        ux_die("PEM_write_bio_PrivateKey");
    char *p;
    long n = BIO_get_mem_data(b, &p);
    const char *path = unit_write(name, p, (size_t)n);
    BIO_free(b);
    return path;
}

/* Writes a public key as PEM into the scratch directory. */
static inline const char *ux_write_pub(const char *name, EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b || !PEM_write_bio_PUBKEY(b, k))
        ux_die("PEM_write_bio_PUBKEY");
    char *p;
    long n = BIO_get_mem_data(b, &p);
    const char *path = unit_write(name, p, (size_t)n);
    BIO_free(b);
    return path;
}

/* One revoked entry of a CRL. */
struct ux_revoked {
    const uint8_t *serial; /* content octets */
    size_t serial_len;
    int64_t at;
    int reason; /* CRLReason, -1: none */
};

struct ux_crl_spec {
    X509 *issuer;           /* its subject is the CRL's issuer */
    X509_NAME *issuer_name; /* instead of issuer's subject, when set */
    EVP_PKEY *signer;
    int64_t this_update, next_update; /* next_update 0: none */
    const struct ux_revoked *revoked;
    size_t n_revoked;
    long number; /* cRLNumber, -1: none */
    bool delta;  /* a deltaCRLIndicator */
};

/* A CRL as specified, as PEM into the scratch directory; returns the path. */
static inline const char *ux_write_crl(const char *name, const struct ux_crl_spec *s)
{
    X509_CRL *c = X509_CRL_new();
    if (!c || !X509_CRL_set_version(c, 1) ||
        !X509_CRL_set_issuer_name(c, s->issuer_name ? s->issuer_name
                                                    : X509_get_subject_name(s->issuer)))
        ux_die("X509_CRL fields");
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)s->this_update);
    if (!t || !X509_CRL_set1_lastUpdate(c, t))
        ux_die("thisUpdate");
    ASN1_TIME_free(t);
    if (s->next_update) {
        t = ASN1_TIME_set(NULL, (time_t)s->next_update);
        if (!t || !X509_CRL_set1_nextUpdate(c, t))
            ux_die("nextUpdate");
        ASN1_TIME_free(t);
    }
    for (size_t i = 0; i < s->n_revoked; i++) {
        X509_REVOKED *r = X509_REVOKED_new();
        BIGNUM *bn = BN_bin2bn(s->revoked[i].serial, (int)s->revoked[i].serial_len, NULL);
        ASN1_INTEGER *ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
        ASN1_TIME *at = ASN1_TIME_set(NULL, (time_t)s->revoked[i].at);
        if (!r || !ai || !at || !X509_REVOKED_set_serialNumber(r, ai) ||
            !X509_REVOKED_set_revocationDate(r, at))
            ux_die("X509_REVOKED");
        if (s->revoked[i].reason >= 0) {
            ASN1_ENUMERATED *e = ASN1_ENUMERATED_new();
            if (!e || !ASN1_ENUMERATED_set(e, s->revoked[i].reason) ||
                !X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, e, 0, 0))
                ux_die("CRLReason");
            ASN1_ENUMERATED_free(e);
        }
        if (!X509_CRL_add0_revoked(c, r))
            ux_die("X509_CRL_add0_revoked");
        BN_free(bn);
        ASN1_INTEGER_free(ai);
        ASN1_TIME_free(at);
    }
    if (s->number >= 0) {
        ASN1_INTEGER *n = ASN1_INTEGER_new();
        if (!n || !ASN1_INTEGER_set(n, s->number) ||
            !X509_CRL_add1_ext_i2d(c, NID_crl_number, n, 0, 0))
            ux_die("cRLNumber");
        ASN1_INTEGER_free(n);
    }
    if (s->delta) {
        ASN1_INTEGER *n = ASN1_INTEGER_new();
        if (!n || !ASN1_INTEGER_set(n, 1) || !X509_CRL_add1_ext_i2d(c, NID_delta_crl, n, 1, 0))
            ux_die("deltaCRLIndicator");
        ASN1_INTEGER_free(n);
    }
    X509_CRL_sort(c);
    if (!X509_CRL_sign(c, s->signer, EVP_sha256()))
        ux_die("X509_CRL_sign");
    BIO *b = BIO_new(BIO_s_mem());
    if (!b || !PEM_write_bio_X509_CRL(b, c))
        ux_die("PEM_write_bio_X509_CRL");
    char *p;
    long n = BIO_get_mem_data(b, &p);
    const char *path = unit_write(name, p, (size_t)n);
    BIO_free(b);
    X509_CRL_free(c);
    return path;
}

/* The base64 of bytes (for issuer_der / subject_der / spki_sha256 in
 * policies). Caller frees. */
static inline char *ux_b64(const unsigned char *p, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (!out || EVP_EncodeBlock((unsigned char *)out, p, (int)n) < 0)
        ux_die("EVP_EncodeBlock");
    return out;
}

#endif
