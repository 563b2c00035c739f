/*
 * onecrl.h - OneCRL records (Remote Settings "security-state/onecrl"):
 * onecrl.json, its content signature, and the canonical JSON both use.
 */
#ifndef DT_ONECRL_H
#define DT_ONECRL_H

#include "buf.h"
#include "diag.h"
#include "model.h"

/* Writes {"data": [records], "timestamp": last_modified_ms} for every item
 * and subject+key entry that targets onecrl: records sorted by id, each
 * record's keys sorted, two-space indent, a final newline. The id is a
 * UUID (version 8) made from the SHA-256 of Firefox's cert_storage key
 * ("is" || issuer || serial, or "spk" || subject || SHA-256 of the SPKI). */
DT_MUST_USE enum dt_err dt_onecrl_write(const struct dt_model *m, int64_t last_modified_ms,
                                        struct dt_buf *out, size_t *n_records);

/* The default last_modified when none is given: the newest "created" of
 * the onecrl entries (milliseconds), or 0. */
int64_t dt_onecrl_default_time(const struct dt_model *m);

/* The message a Remote Settings content signature covers, for onecrl.json
 * text: "Content-Signature:\x00" followed by the canonical JSON of
 * {"data": records sorted by id, "last_modified": "<timestamp>"}. */
DT_MUST_USE enum dt_err dt_onecrl_signed_message(const char *file, struct dt_slice onecrl_json,
                                                 struct dt_buf *out, struct dt_diags *d);

/* Signs onecrl.json text with an ECDSA P-384 private key (PEM) as
 * Remote Settings' p384ecdsa mode does; out receives the signature file
 * (JSON: mode, signature as base64url of r || s, public_key_sha256). */
DT_MUST_USE enum dt_err dt_onecrl_sign(struct dt_slice onecrl_json, const char *key_path,
                                       struct dt_buf *out, struct dt_diags *d);

/* Checks a signature file against onecrl.json text and a public key (PEM:
 * a public key or a certificate). DT_OK when it verifies; DT_ERR_INPUT,
 * reported, when it does not or cannot be read. */
DT_MUST_USE enum dt_err dt_onecrl_verify(const char *json_path, struct dt_slice onecrl_json,
                                         const char *sig_path, struct dt_slice sig_json,
                                         const char *key_path, struct dt_diags *d);

/* Canonical JSON (keys sorted, no whitespace, strings escaped as
 * JSON.stringify does with every non-ASCII character as a lowercase \uXXXX,
 * surrogate pairs above U+FFFF) of a value holding objects, arrays, strings,
 * integers, booleans and null. */
struct json_t;
DT_MUST_USE enum dt_err dt_onecrl_canonical_json(const struct json_t *v, struct dt_buf *out);

#endif
