/*
 * eckey.h - the ECDSA keys that sign onecrl.json and revocations.blob.
 */
#ifndef DT_ECKEY_H
#define DT_ECKEY_H

#include "common.h"

struct evp_pkey_st;

/* A PEM private key, or a PEM public key or certificate; NULL if none. */
struct evp_pkey_st *dt_pem_key(const char *text, size_t n, bool private_key);
/* 256 or 384 for an ECDSA P-256 or P-384 key, else 0. */
int dt_ec_bits(struct evp_pkey_st *k);
/* SHA-256 of the key's DER SubjectPublicKeyInfo. */
void dt_key_id(struct evp_pkey_st *k, uint8_t out[32]);

#endif
