/*
 * hex.c - hexadecimal text of bytes.
 */
#include "hex.h"

#include <stdio.h>
#include <string.h>

int dt_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

const char *dt_hex_decode(const char *s, size_t n, struct dt_buf *out, size_t *col)
{
    bool colons = memchr(s, ':', n) != NULL;
    size_t i = 0;
    *col = 0;
    if (n == 0) {
        *col = 1;
        return "empty";
    }
    while (i < n) {
        int h = dt_hex_digit((unsigned char)s[i]);
        if (h < 0) {
            *col = i + 1;
            return s[i] == ':' ? "misplaced ':' (colons go between pairs of hex digits)"
                               : "not a hex digit";
        }
        if (i + 1 >= n) {
            *col = i + 1;
            return colons ? "each byte needs two hex digits"
                          : "odd number of hex digits (DER is whole octets)";
        }
        int l = dt_hex_digit((unsigned char)s[i + 1]);
        if (l < 0) {
            *col = i + 2;
            return s[i + 1] == ':' ? "each byte needs two hex digits" : "not a hex digit";
        }
        uint8_t byte = (uint8_t)(h << 4 | l);
        enum dt_err rc = dt_buf_append(out, &byte, 1);
        if (rc != DT_OK) {
            *col = i + 1;
            return rc == DT_ERR_NOMEM ? dt_mem_why_nomem : "too long";
        }
        i += 2;
        if (colons && i < n) {
            if (s[i] != ':') {
                *col = i + 1;
                return dt_hex_digit((unsigned char)s[i]) >= 0
                           ? "each byte needs two hex digits, separated by ':'"
                           : "not a hex digit";
            }
            i++;
            if (i == n) {
                *col = i;
                return "trailing ':'";
            }
        }
    }
    return NULL;
}

enum dt_err dt_hex_encode(struct dt_slice b, bool upper, char sep, struct dt_buf *out)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    enum dt_err rc = dt_buf_reserve(out, b.n * 3);
    if (rc != DT_OK)
        return rc;
    for (size_t i = 0; i < b.n; i++) {
        if (sep && i)
            out->data[out->len++] = (uint8_t)sep;
        out->data[out->len++] = (uint8_t)digits[b.p[i] >> 4];
        out->data[out->len++] = (uint8_t)digits[b.p[i] & 15];
    }
    return DT_OK;
}
