/* Fuzz target: public-key identities (pubkey.c) of an arbitrary SPKI.
 * Checked:
 * - the identity is deterministic, a copy of the bytes has the same one,
 *   and dt_pubkey_id_or_bytes is dt_pubkey_id whenever that succeeds;
 * - when OpenSSL parses the SPKI as an RSA, RSA-PSS, EC (on a curve it
 *   knows) or RFC 8410 key, its own re-encodings of that key (i2d_PUBKEY;
 *   for EC also with compressed points and with explicit parameters) have
 *   an identity, and it is the identity of the input whenever the input
 *   has one. (RSA keys with a zero modulus or exponent, which OpenSSL
 *   parses and pubkey.c refuses, are left out.) */
#include "fuzz_util.h"
#include "pubkey.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_OR_TRAP(c)      \
    do {                      \
        if (!(c))             \
            __builtin_trap(); \
    } while (0)

/* The identity of OpenSSL's encoding of k; false when k cannot be encoded
 * (then nothing is checked). */
static bool reencoded_id(EVP_PKEY *k, uint8_t out[32])
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    if (n <= 0) {
        ERR_clear_error();
        return false;
    }
    /* OpenSSL's own encoding of a key it accepted always has an identity. */
    CHECK_OR_TRAP(dt_pubkey_id(dt_slice_make(der, (size_t)n), out) == DT_OK);
    OPENSSL_free(der);
    return true;
}

/* An RSA key whose modulus and exponent are positive (OpenSSL parses a
 * zero or negative one; pubkey.c refuses zero). */
static bool rsa_sane(EVP_PKEY *k)
{
    BIGNUM *n = NULL, *e = NULL;
    bool ok = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) &&
              EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e) && !BN_is_zero(n) &&
              !BN_is_zero(e);
    BN_free(n);
    BN_free(e);
    ERR_clear_error();
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_slice in = dt_slice_make(data, size);
    uint8_t a[32], b[32], c[32];
    enum dt_err rc = dt_pubkey_id(in, a);
    CHECK_OR_TRAP(rc == DT_OK || rc == DT_ERR_INPUT);
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct dt_slice cin = dt_slice_make(copy, size);
    CHECK_OR_TRAP(dt_pubkey_id(cin, b) == rc);
    if (rc == DT_OK)
        CHECK_OR_TRAP(memcmp(a, b, 32) == 0);
    CHECK_OR_TRAP(dt_pubkey_id_or_bytes(in, b) == DT_OK);
    CHECK_OR_TRAP(dt_pubkey_id_or_bytes(cin, c) == DT_OK);
    CHECK_OR_TRAP(memcmp(b, c, 32) == 0);
    if (rc == DT_OK)
        CHECK_OR_TRAP(memcmp(a, b, 32) == 0);

    const unsigned char *p = data;
    EVP_PKEY *k = size <= 0x7fffffff ? d2i_PUBKEY(NULL, &p, (long)size) : NULL;
    if (k && p == data + size) {
        int type = EVP_PKEY_get_base_id(k);
        char group[80];
        size_t glen = 0;
        bool ec = type == EVP_PKEY_EC;
        bool known_curve = ec && EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
                                                                group, sizeof(group), &glen);
        bool rsa = (type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS) && rsa_sane(k);
        if (rsa || type == EVP_PKEY_ED25519 || type == EVP_PKEY_ED448 || type == EVP_PKEY_X25519 ||
            type == EVP_PKEY_X448 || known_curve) {
            if (reencoded_id(k, b) && rc == DT_OK)
                CHECK_OR_TRAP(memcmp(a, b, 32) == 0);
            if (known_curve) {
                static const char *const forms[][2] = {
                    {OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED, OSSL_PKEY_EC_ENCODING_GROUP},
                    {OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED,
                     OSSL_PKEY_EC_ENCODING_EXPLICIT},
                    {OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED,
                     OSSL_PKEY_EC_ENCODING_EXPLICIT}};
                for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
                    if (EVP_PKEY_set_utf8_string_param(
                            k, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, forms[i][0]) &&
                        EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_ENCODING,
                                                       forms[i][1]) &&
                        reencoded_id(k, b) && rc == DT_OK)
                        CHECK_OR_TRAP(memcmp(a, b, 32) == 0);
                }
            }
        }
    }
    EVP_PKEY_free(k);
    ERR_clear_error();
    free(copy);
    return 0;
}
