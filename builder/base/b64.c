/*
 * b64.c - base64 (the standard alphabet).
 */
#include "b64.h"

#include <string.h>

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static bool is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *dt_b64_decode(const char *s, size_t n, bool lenient, struct dt_buf *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t chars = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (is_ws(c)) {
            if (!lenient)
                return "whitespace inside base64";
            continue;
        }
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad)
            return "base64 data after '=' padding";
        int v = b64val(c);
        if (v < 0)
            return "not base64 (character outside A-Z a-z 0-9 + /)";
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        chars++;
        if (bits >= 8) {
            bits -= 8;
            uint8_t byte = (uint8_t)(acc >> bits);
            enum dt_err rc = dt_buf_append(out, &byte, 1);
            if (rc != DT_OK)
                return rc == DT_ERR_NOMEM ? dt_mem_why_nomem : "base64 data too long";
        }
    }
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
