/*
 * b64.h - base64 (the standard alphabet).
 *
 * dt_b64_decode returns NULL on success and a static English reason on
 * failure (dt_mem_why_nomem when memory ran out).
 */
#ifndef DT_B64_H
#define DT_B64_H

#include "buf.h"

/* Base64 (standard alphabet). lenient accepts missing '=' padding and
 * surrounding and embedded whitespace. */
const char *dt_b64_decode(const char *s, size_t n, bool lenient, struct dt_buf *out);

DT_MUST_USE enum dt_err dt_b64_encode(struct dt_slice b, struct dt_buf *out);

#endif
