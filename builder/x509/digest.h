/*
 * digest.h - SHA-1, MD5 and SHA-256 (OpenSSL).
 */
#ifndef DT_DIGEST_H
#define DT_DIGEST_H

#include "common.h"

/* SHA-1, MD5, SHA-256 helpers (OpenSSL). */
void dt_digest_sha1(struct dt_slice in, uint8_t out[20]);
void dt_digest_md5(struct dt_slice in, uint8_t out[16]);
void dt_digest_sha256(struct dt_slice in, uint8_t out[32]);

#endif
