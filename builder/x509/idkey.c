/*
 * idkey.c - lookup keys: SHA-256 digests of length-prefixed pairs.
 */
#include "idkey.h"

#include "name.h"

#include <openssl/evp.h>
#include <string.h>

void dt_idkey_pair(const void *a, size_t an, const void *b, size_t bn, uint8_t out[32])
{
    /* Length-prefixed, so that (a, b) pairs cannot collide by shifting bytes. */
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)an >> (56 - 8 * i));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) || !EVP_DigestUpdate(ctx, len, 8) ||
        !EVP_DigestUpdate(ctx, a, an) || !EVP_DigestUpdate(ctx, b, bn) ||
        !EVP_DigestFinal_ex(ctx, out, &n))
        memset(out, 0, 32);
    EVP_MD_CTX_free(ctx);
}

void dt_idkey_exact(struct dt_slice subject, const uint8_t spki_sha256[32], uint8_t out[32])
{
    dt_idkey_pair(subject.p, subject.n, spki_sha256, 32, out);
}

void dt_idkey_cert(const struct dt_cert *c, uint8_t out[32])
{
    dt_idkey_pair(c->subject_id, 32, c->pubkey_id, 32, out);
}

void dt_idkey_spki(struct dt_slice subject, const uint8_t spki_sha256[32], uint8_t out[32])
{
    uint8_t id[32];
    dt_name_id(subject, id);
    dt_idkey_pair(id, 32, spki_sha256, 32, out);
}

void dt_idkey_name_serial(const uint8_t issuer_id[32], struct dt_slice serial, uint8_t out[32])
{
    dt_idkey_pair(issuer_id, 32, serial.p, serial.n, out);
}

void dt_idkey_issuer_serial(struct dt_slice issuer, struct dt_slice serial, uint8_t out[32])
{
    dt_idkey_pair(issuer.p, issuer.n, serial.p, serial.n, out);
}

void dt_idkey_subject(struct dt_slice subject, uint8_t out[32])
{
    dt_name_id(subject, out);
}
