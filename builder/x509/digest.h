/*
 * digest.h - SHA-1, MD5 and SHA-256 (OpenSSL).
 */
#ifndef DT_DIGEST_H
#define DT_DIGEST_H

#include "common.h"
#include "diag.h"

/* The digest of in, into out. Never a made-up value: DT_ERR_INTERNAL when
 * OpenSSL cannot give it (the algorithm is not available from the providers
 * it loaded, as MD5 under a FIPS provider, or the digest failed), out then
 * left as it was and the cause (dt_digest_why()) recorded for
 * dt_err_cause(). */
DT_MUST_USE enum dt_err dt_digest_sha1(struct dt_slice in, uint8_t out[20]);
DT_MUST_USE enum dt_err dt_digest_md5(struct dt_slice in, uint8_t out[16]);
DT_MUST_USE enum dt_err dt_digest_sha256(struct dt_slice in, uint8_t out[32]);

/* SHA-256 over the concatenation of parts[0..n), as dt_digest_sha256. */
DT_MUST_USE enum dt_err dt_digest_sha256_parts(const struct dt_slice *parts, size_t n,
                                               uint8_t out[32]);

/* Reports a failed digest (rc from dt_digest_*) as an error at pl, naming
 * its cause and what needed it ("<cause>: <need>"), and returns rc; DT_OK
 * and DT_ERR_NOMEM pass through unreported. */
DT_MUST_USE enum dt_err dt_digest_report(enum dt_err rc, struct dt_diags *d,
                                         const struct dt_place *pl, const char *need);

/* Why this thread's latest failed dt_digest_* call failed, e.g. "MD5 is not
 * available from OpenSSL (a FIPS provider?)"; static text. NULL when none
 * has failed. */
const char *dt_digest_why(void);

#endif
