/* Unit tests: b64.c (base64, the standard alphabet): strict and lenient
 * decoding, every refusal, the cap, round trips of every length. */
#include "b64.h"
#include "unit.h"

int main(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    const char *why = dt_b64_decode("AIEKq4YGXjOEvyglU57/P4g=", 24, false, &b);
    CHECK(why == NULL && b.len == 17 && b.data[0] == 0x00 && b.data[1] == 0x81,
          "OneCRL serial example decodes with its 00 octet");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("AIEKq4YGXjOEvyglU57/P4g", 23, false, &b) != NULL,
          "missing padding refused in strict mode");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("AIEKq4YGXjOEvyglU57/P4g ", 24, true, &b) == NULL && b.len == 17,
          "lenient mode accepts no padding and a trailing space");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("AB$=", 4, true, &b) != NULL, "bad character refused");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("QQ=x", 4, true, &b) != NULL, "data after padding refused");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("QR==", 4, false, &b) != NULL, "stray bits refused");
    for (size_t n = 0; n < 40; n++) {
        uint8_t in[40];
        for (size_t i = 0; i < n; i++)
            in[i] = (uint8_t)(i * 37 + n);
        struct dt_buf e, d;
        dt_buf_init(&e, 0);
        dt_buf_init(&d, 0);
        bool ok = dt_b64_encode(dt_slice_make(in, n), &e) == DT_OK &&
                  dt_b64_decode((const char *)e.data, e.len, false, &d) == NULL && d.len == n &&
                  (n == 0 || !memcmp(d.data, in, n));
        if (!ok || n == 39)
            CHECK(ok, "base64 round trip for 0..39 bytes (n=%zu)", n);
        dt_buf_free(&e);
        dt_buf_free(&d);
    }

    static const struct {
        const char *in;
        bool lenient;
        const char *why;
    } bad[] = {
        {"QQ==QQ==", false, "base64 data after '=' padding"},
        {"QQ= =", false, "whitespace inside base64"},
        {"Q", true, "truncated base64"},
        {"QUJDR", true, "truncated base64"},
        {"QQ===", true, "too much base64 padding"},
        {"QUI==", true, "wrong base64 padding"},
        {"QQ=", true, "wrong base64 padding"},
        {"QUI", false, "missing base64 '=' padding"},
        {"QR==", true, "stray bits"},
        {"QUJ=", false, "stray bits"},
        {"-_==", true, "not base64"},
        {"QQ\x80=", true, "not base64"},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++) {
        dt_buf_reset(&b);
        why = dt_b64_decode(bad[i].in, strlen(bad[i].in), bad[i].lenient, &b);
        CHECK(why && strstr(why, bad[i].why), "\"%s\"%s: %s (%s)", bad[i].in,
              bad[i].lenient ? " lenient" : "", bad[i].why, why ? why : "accepted");
    }
    dt_buf_reset(&b);
    CHECK(dt_b64_decode(" Q U\tI\r\n= ", 10, true, &b) == NULL && b.len == 2 &&
              !memcmp(b.data, "AB", 2),
          "lenient: white space anywhere");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("QUI", 3, true, &b) == NULL && b.len == 2, "lenient: no padding");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("", 0, false, &b) == NULL && b.len == 0, "empty text: no bytes");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("QUJD", 2, false, &b) != NULL, "only n characters are read");
    dt_buf_reset(&b);
    CHECK(dt_b64_decode("+/+/", 4, false, &b) == NULL && b.len == 3 && b.data[0] == 0xfb &&
              b.data[1] == 0xff && b.data[2] == 0xbf,
          "+ and / are 62 and 63");
    dt_buf_free(&b);
    dt_buf_init(&b, 2);
    why = dt_b64_decode("QUJD", 4, false, &b);
    CHECK(why && strstr(why, "too long") && b.len == 2, "past out's cap: refused (%s)",
          why ? why : "accepted");
    dt_buf_free(&b);
    dt_buf_init(&b, 3);
    CHECK(dt_b64_encode(dt_slice_make("AB", 2), &b) == DT_ERR_LIMIT && b.len == 0,
          "encoding past the cap: LIMIT, nothing written");
    dt_buf_free(&b);
    dt_buf_init(&b, 4);
    CHECK(dt_b64_encode(dt_slice_make("AB", 2), &b) == DT_OK && b.len == 4 &&
              !memcmp(b.data, "QUI=", 4),
          "baseline: exactly at the cap");
    dt_buf_free(&b);
    return unit_done();
}
