/*
 * eckey.c - ECDSA signing keys (OpenSSL).
 */
#include "eckey.h"

#include "cert.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

EVP_PKEY *dt_pem_key(const char *text, size_t n, bool private_key)
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

int dt_ec_bits(EVP_PKEY *k)
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

void dt_key_id(EVP_PKEY *k, uint8_t out[32])
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    memset(out, 0, 32);
    if (n > 0)
        dt_sha256(dt_slice_make(der, (size_t)n), out);
    OPENSSL_free(der);
}
