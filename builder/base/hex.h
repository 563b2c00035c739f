/*
 * hex.h - hexadecimal text of bytes.
 *
 * Functions returning const char * return NULL on success and a static
 * English reason on failure.
 */
#ifndef DT_HEX_H
#define DT_HEX_H

#include "buf.h"

/* The value of a hex digit, or -1. */
int dt_hex_digit(int c);

/* Hex. dt_hex_decode accepts "0a1b" or "0a:1b" (colons between every pair,
 * or none). On failure *col is the 1-based column of the problem; the reason
 * is dt_mem_why_nomem when memory ran out. */
const char *dt_hex_decode(const char *s, size_t n, struct dt_buf *out, size_t *col);

/* Appends bytes as hex: upper or lower case, sep between bytes (0 for none). */
DT_MUST_USE enum dt_err dt_hex_encode(struct dt_slice b, bool upper, char sep, struct dt_buf *out);

#endif
