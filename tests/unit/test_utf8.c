/* Unit tests: utf8.c, strict UTF-8: each length decoded with its code
 * point; overlong forms, surrogates, values above U+10FFFF, a cut sequence,
 * a bad continuation byte and a lone continuation byte refused with the
 * position unchanged. */
#include "utf8.h"
#include "unit.h"

static bool dec(const char *b, size_t n, uint32_t want, size_t want_len)
{
    size_t i = 0;
    uint32_t cp = 0;
    return dt_utf8_next(dt_slice_make(b, n), &i, &cp) && cp == want && i == want_len;
}

static bool refused(const char *b, size_t n)
{
    size_t i = 0;
    uint32_t cp = 0;
    return !dt_utf8_next(dt_slice_make(b, n), &i, &cp) && i == 0;
}

int main(void)
{
    CHECK(dec("A", 1, 0x41, 1), "ASCII");
    CHECK(dec("\xc3\xa9", 2, 0xe9, 2), "two bytes: U+00E9");
    CHECK(dec("\xe2\x82\xac", 3, 0x20ac, 3), "three bytes: U+20AC");
    CHECK(dec("\xf0\x9f\x94\x92", 4, 0x1f512, 4), "four bytes: U+1F512");
    CHECK(dec("\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4), "U+10FFFF, the last code point");
    CHECK(refused("\xc0\xaf", 2), "overlong two bytes (C0)");
    CHECK(refused("\xe0\x80\xaf", 3), "overlong three bytes");
    CHECK(refused("\xf0\x80\x80\xaf", 4), "overlong four bytes");
    CHECK(refused("\xed\xa0\x80", 3), "a surrogate (U+D800)");
    CHECK(refused("\xf4\x90\x80\x80", 4), "above U+10FFFF");
    CHECK(refused("\xf8\x88\x80\x80\x80", 5), "a five-byte lead");
    CHECK(refused("\xe2\x82", 2), "a sequence cut short");
    CHECK(refused("\xc3\x41", 2), "a bad continuation byte");
    CHECK(refused("\x80", 1), "a lone continuation byte");
    return unit_done();
}
