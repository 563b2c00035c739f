/*
 * idkey.c - lookup keys: SHA-256 digests of length-prefixed pairs.
 */
#include "idkey.h"

#include "digest.h"
#include "name.h"

enum dt_err dt_idkey_pair(const void *a, size_t an, const void *b, size_t bn, uint8_t out[32])
{
    /* Length-prefixed, so that (a, b) pairs cannot collide by shifting bytes. */
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)an >> (56 - 8 * i));
    struct dt_slice parts[] = {dt_slice_make(len, 8), dt_slice_make(a, an), dt_slice_make(b, bn)};
    return dt_digest_sha256_parts(parts, 3, out);
}

enum dt_err dt_idkey_exact(struct dt_slice subject, const uint8_t spki_sha256[32], uint8_t out[32])
{
    return dt_idkey_pair(subject.p, subject.n, spki_sha256, 32, out);
}

enum dt_err dt_idkey_cert(const struct dt_cert *c, uint8_t out[32])
{
    return dt_idkey_pair(c->subject_id, 32, c->pubkey_id, 32, out);
}

enum dt_err dt_idkey_spki(struct dt_slice subject, const uint8_t spki_sha256[32], uint8_t out[32])
{
    enum dt_err rc = DT_OK;
    uint8_t id[32];
    DT_TRY(dt_name_id(subject, id));
    DT_TRY(dt_idkey_pair(id, 32, spki_sha256, 32, out));
out:
    return rc;
}

enum dt_err dt_idkey_name_serial(const uint8_t issuer_id[32], struct dt_slice serial,
                                 uint8_t out[32])
{
    return dt_idkey_pair(issuer_id, 32, serial.p, serial.n, out);
}

enum dt_err dt_idkey_issuer_serial(struct dt_slice issuer, struct dt_slice serial, uint8_t out[32])
{
    return dt_idkey_pair(issuer.p, issuer.n, serial.p, serial.n, out);
}

enum dt_err dt_idkey_subject(struct dt_slice subject, uint8_t out[32])
{
    return dt_name_id(subject, out);
}
