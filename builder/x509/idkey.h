/*
 * idkey.h - the keys certificates are looked up by (indices of the pool,
 * the model and the imports).
 */
#ifndef DT_IDKEY_H
#define DT_IDKEY_H

#include "cert.h"

/* Keys: SHA-256 digests of length-prefixed pairs.
 * - dt_idkey_cert: the subject as a name and the public key as a key
 *   (cert.h subject_id, pubkey_id): the certificates of one subject and key
 *   share it whatever the encoding of either (a re-issue with the subject
 *   re-encoded, an EC key in compressed form). Discovery's "same subject and
 *   key".
 * - dt_idkey_spki: the subject as a name and the SHA-256 of one SPKI encoding:
 *   what a subject_der + spki_sha256 entry (OneCRL's second record type)
 *   names.
 * - dt_idkey_exact: the exact subject bytes and SPKI hash (records compared as
 *   they are written).
 * - dt_idkey_issuer_serial: the exact issuer bytes and serial: NSS's, OneCRL's
 *   and the blob's lookup key.
 * - dt_idkey_name_serial: the issuer as a name and the serial: one certificate
 *   under RFC 5280, however its issuer field is encoded.
 * - dt_idkey_subject: the subject as a name (finding issuers).
 * Each fails only as dt_digest_sha256 does (DT_ERR_INTERNAL with its cause,
 * DT_ERR_NOMEM): out is then not a key, and never used as one. */
DT_MUST_USE enum dt_err dt_idkey_exact(struct dt_slice subject, const uint8_t spki_sha256[32],
                                       uint8_t out[32]);
DT_MUST_USE enum dt_err dt_idkey_cert(const struct dt_cert *c, uint8_t out[32]);
DT_MUST_USE enum dt_err dt_idkey_spki(struct dt_slice subject, const uint8_t spki_sha256[32],
                                      uint8_t out[32]);
DT_MUST_USE enum dt_err dt_idkey_issuer_serial(struct dt_slice issuer, struct dt_slice serial,
                                               uint8_t out[32]);
DT_MUST_USE enum dt_err dt_idkey_name_serial(const uint8_t issuer_id[32], struct dt_slice serial,
                                             uint8_t out[32]);
DT_MUST_USE enum dt_err dt_idkey_subject(struct dt_slice subject, uint8_t out[32]);

/* SHA-256 over the length of a (8 octets, big-endian), a and b: the pair
 * digest every key above is made of. */
DT_MUST_USE enum dt_err dt_idkey_pair(const void *a, size_t an, const void *b, size_t bn,
                                      uint8_t out[32]);

#endif
