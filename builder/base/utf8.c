/*
 * utf8.c - strict UTF-8 (utf8.h).
 */
#include "utf8.h"

bool dt_utf8_next(struct dt_slice s, size_t *i, uint32_t *cp)
{
    const uint8_t *p = s.p + *i;
    size_t left = s.n - *i;
    uint32_t c = p[0];
    size_t n;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        *i += 1;
        return true;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        c &= 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        c &= 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        return false;
    }
    if (left < n)
        return false;
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return false;
        c = c << 6 | (p[k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return false;
    *cp = c;
    *i += n;
    return true;
}
