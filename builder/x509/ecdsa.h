/*
 * eckey.h - the ECDSA keys that sign onecrl.json and revocations.blob.
 */
#ifndef DT_ECKEY_H
#define DT_ECKEY_H

#include "common.h"

struct evp_pkey_st;

/* A PEM private key, or a PEM public key or certificate; NULL if none. */
struct evp_pkey_st *dt_ecdsa_pem_key(const char *text, size_t n, bool private_key);
/* 256 or 384 for an ECDSA P-256 or P-384 key, else 0. */
int dt_ecdsa_bits(struct evp_pkey_st *k);
/* SHA-256 of the key's DER SubjectPublicKeyInfo. DT_ERR_INTERNAL when
 * OpenSSL cannot encode the key or hash it (dt_digest_sha256); out is then
 * not written. */
DT_MUST_USE enum dt_err dt_ecdsa_key_id(struct evp_pkey_st *k, uint8_t out[32]);

/* A deterministic ECDSA signature (RFC 6979: the nonce is derived from the
 * key and the message with HMAC-DRBG over the same hash), so that the same
 * inputs give the same signed release. k is a P-256 or P-384 private key,
 * md_bits 256 (SHA-256) or 384 (SHA-384). *der (OPENSSL_malloc'd, the
 * caller frees with OPENSSL_free) receives the DER ECDSA-Sig-Value. */
DT_MUST_USE enum dt_err dt_ecdsa_sign_rfc6979(struct evp_pkey_st *k, int md_bits,
                                              const uint8_t *msg, size_t len, uint8_t **der,
                                              size_t *der_len);

/* The same from a message digest h (h_len bytes, md_bits of hash), for tests
 * against RFC 6979's vectors. */
DT_MUST_USE enum dt_err dt_ecdsa_sign_digest_rfc6979(struct evp_pkey_st *k, int md_bits,
                                                     const uint8_t *h, size_t h_len, uint8_t **der,
                                                     size_t *der_len);

/* 256 or 384 when path holds an ECDSA P-256 or P-384 private key (PEM),
 * else 0. Reports nothing. */
int dt_ecdsa_private_key_bits(const char *path);

#endif
