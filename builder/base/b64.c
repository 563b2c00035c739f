/*
 * b64.c - base64 (the standard alphabet).
 */
#include "b64.h"

#include <string.h>

/* Each byte's value: 0-63 for the alphabet, WS for whitespace, PAD for '=',
 * -1 for anything else. */
#define WS (-2)
#define PAD (-3)
static const signed char b64tab[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, WS, WS, -1, -1, WS, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    WS, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, PAD, -1, -1,
    -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Appends the decoded bytes; past out's cap, as many as fit, as a byte at a
 * time would. */
static enum dt_err flush(struct dt_buf *out, const uint8_t *p, size_t n)
{
    enum dt_err rc = dt_buf_append(out, p, n);
    for (size_t i = 0; rc == DT_ERR_LIMIT && i < n; i++)
        if (dt_buf_append(out, p + i, 1) != DT_OK)
            break;
    return rc;
}

const char *dt_b64_decode(const char *s, size_t n, bool lenient, struct dt_buf *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t chars = 0, pad = 0;
    uint8_t chunk[256]; /* bytes decoded, appended a chunk at a time */
    size_t k = 0;
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < n; i++) {
        int v = b64tab[(unsigned char)s[i]];
        if (v < 0) {
            if (v == WS) {
                if (!lenient)
                    return "whitespace inside base64";
                continue;
            }
            if (v == PAD) {
                pad++;
                continue;
            }
            return pad ? "base64 data after '=' padding"
                       : "not base64 (character outside A-Z a-z 0-9 + /)";
        }
        if (pad)
            return "base64 data after '=' padding";
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        chars++;
        if (bits >= 8) {
            bits -= 8;
            chunk[k++] = (uint8_t)(acc >> bits);
            if (k == sizeof(chunk)) {
                if ((rc = flush(out, chunk, k)) != DT_OK)
                    return rc == DT_ERR_NOMEM ? dt_mem_why_nomem : "base64 data too long";
                k = 0;
            }
        }
    }
    if (k && (rc = flush(out, chunk, k)) != DT_OK)
        return rc == DT_ERR_NOMEM ? dt_mem_why_nomem : "base64 data too long";
    if (chars % 4 == 1)
        return "truncated base64";
    if (pad > 2)
        return "too much base64 padding";
    if (pad && (chars + pad) % 4)
        return "wrong base64 padding";
    if (!pad && chars % 4 && !lenient)
        return "missing base64 '=' padding";
    if (bits && (acc & ((1u << bits) - 1)))
        return "base64 has stray bits at the end";
    return NULL;
}

enum dt_err dt_b64_encode(struct dt_slice b, struct dt_buf *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    enum dt_err rc = dt_buf_reserve(out, (b.n + 2) / 3 * 4);
    if (rc != DT_OK)
        return rc;
    size_t i = 0;
    for (; i + 3 <= b.n; i += 3) {
        uint32_t v = (uint32_t)b.p[i] << 16 | (uint32_t)b.p[i + 1] << 8 | b.p[i + 2];
        out->data[out->len++] = (uint8_t)tbl[v >> 18];
        out->data[out->len++] = (uint8_t)tbl[(v >> 12) & 63];
        out->data[out->len++] = (uint8_t)tbl[(v >> 6) & 63];
        out->data[out->len++] = (uint8_t)tbl[v & 63];
    }
    if (i < b.n) {
        uint32_t v = (uint32_t)b.p[i] << 16;
        if (i + 1 < b.n)
            v |= (uint32_t)b.p[i + 1] << 8;
        out->data[out->len++] = (uint8_t)tbl[v >> 18];
        out->data[out->len++] = (uint8_t)tbl[(v >> 12) & 63];
        out->data[out->len++] = i + 1 < b.n ? (uint8_t)tbl[(v >> 6) & 63] : '=';
        out->data[out->len++] = '=';
    }
    return DT_OK;
}
