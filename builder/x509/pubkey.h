/*
 * pubkey.h - the identity of a public key, whatever its encoding.
 *
 * One key can be written into a SubjectPublicKeyInfo several ways: an EC
 * point compressed, uncompressed or hybrid; a curve named by its OID or
 * spelled out as explicit parameters; an RSA AlgorithmIdentifier with NULL
 * parameters or none, or RSASSA-PSS parameters. OpenSSL chains through a
 * re-issued CA certificate whatever the encoding of its key, so discovery
 * (cross-signs, re-issues of a distrusted key) compares these identities,
 * never the SPKI bytes. What is written out (OneCRL pubKeyHash, the blob's
 * subject + key entries) stays the SHA-256 of each certificate's own SPKI.
 *
 * The identity is SHA-256 over a label for the kind of key followed by
 * length-prefixed fields (the labels keep the kinds apart):
 * - RSA (rsaEncryption 1.2.840.113549.1.1.1 with any parameters, or
 *   RSASSA-PSS 1.2.840.113549.1.1.10 with any parameters): the modulus and
 *   the public exponent as unsigned big-endian integers without leading
 *   zero octets (an INTEGER whose top bit is set without its 0x00 pad is
 *   read as its unsigned magnitude). Both must be non-zero.
 * - EC (id-ecPublicKey 1.2.840.10045.2.1): the curve, X and the parity of
 *   Y, so that uncompressed (04), compressed (02/03) and hybrid (06/07)
 *   forms of one point agree without any curve arithmetic. The curve is the
 *   namedCurve OID, or, for explicit parameters (ECParameters) that
 *   OpenSSL 3.0 recognises as a built-in curve, that curve's OID: explicit
 *   P-256 and namedCurve P-256 agree. Explicit parameters OpenSSL does not
 *   recognise are identified by their exact bytes (another encoding of the
 *   same unknown curve is another identity). When OpenSSL knows the curve,
 *   the point must decode on it (EC_POINT_oct2point: on the curve, hybrid
 *   parity consistent); otherwise only its shape is checked (the prefix,
 *   equal halves, a hybrid prefix that agrees with Y). implicitCurve (NULL)
 *   and absent parameters are refused.
 * - Ed25519, Ed448, X25519, X448 (RFC 8410, no parameters): the OID and the
 *   raw key, whose length must be 32, 57, 32 and 56 octets.
 * - Anything else: the algorithm OID, the parameters' exact TLV (absent
 *   parameters differ from NULL ones: for DSA and the like the parameters
 *   are part of the key) and the BIT STRING contents with its unused-bits
 *   octet.
 */
#ifndef DT_PUBKEY_H
#define DT_PUBKEY_H

#include "common.h"

/* Writes the identity of the public key in the DER SubjectPublicKeyInfo
 * spki to out. DT_ERR_INPUT when spki is not exactly one well-formed SPKI
 * or not a valid key of its kind as described above (callers then use the
 * key of the SPKI bytes: see dt_pubkey_id_or_bytes); DT_ERR_NOMEM when
 * OpenSSL runs out of memory; DT_ERR_INTERNAL when it cannot hash (as
 * dt_digest_sha256). out is written only on DT_OK. */
DT_MUST_USE enum dt_err dt_pubkey_id(struct dt_slice spki, uint8_t out[32]);

/* dt_pubkey_id, or when the SPKI is not a valid key (DT_ERR_INPUT), SHA-256
 * over another label and the exact SPKI bytes: an SPKI that does not parse
 * equals only itself, and never the identity of a key that parses. Any
 * other failure of dt_pubkey_id (memory, a digest) is returned, never
 * replaced by another key. */
DT_MUST_USE enum dt_err dt_pubkey_id_or_bytes(struct dt_slice spki, uint8_t out[32]);

#endif
