/* Unit tests: hex.c (hexadecimal text of bytes): colons between every pair
 * or none, every refusal with its column, the cap, encoding forms. */
#include "hex.h"
#include "unit.h"

static void test_decode(void)
{
    struct dt_buf b;
    size_t col;
    dt_buf_init(&b, 0);
    CHECK(dt_hex_decode("00:8b:AD", 8, &b, &col) == NULL && b.len == 3 && b.data[1] == 0x8b &&
              b.data[2] == 0xad,
          "colon hex, mixed case");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("008bad", 6, &b, &col) == NULL && b.len == 3, "plain hex");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("0g", 2, &b, &col) != NULL && col == 2, "bad digit at column 2");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("abc", 3, &b, &col) != NULL && col == 3, "odd digits reported");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("0:8b", 4, &b, &col) != NULL, "single digit before a colon refused");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("00:8b:", 6, &b, &col) != NULL, "trailing colon refused");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("00::8b", 6, &b, &col) != NULL, "double colon refused");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("008b:ad", 7, &b, &col) != NULL, "mixed colon use refused");
    dt_buf_reset(&b);

    static const struct {
        const char *in, *why;
        size_t col;
    } bad[] = {
        {"", "empty", 1},
        {":00", "misplaced ':'", 1},
        {"0:8b", "each byte needs two hex digits", 2},
        {"00:8b:", "trailing ':'", 6},
        {"00::8b", "misplaced ':'", 4},
        {"008b:ad", "each byte needs two hex digits, separated by ':'", 3},
        {"00:8", "each byte needs two hex digits", 4},
        {"abc", "odd number of hex digits", 3},
        {"0x01", "not a hex digit", 2},
        {"00 01", "not a hex digit", 3},
        {"00:zz", "not a hex digit", 4},
        {"00:0z", "not a hex digit", 5},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++) {
        dt_buf_reset(&b);
        const char *why = dt_hex_decode(bad[i].in, strlen(bad[i].in), &b, &col);
        CHECK(why && strstr(why, bad[i].why) && col == bad[i].col,
              "\"%s\": %s at column %zu (%s, %zu)", bad[i].in, bad[i].why, bad[i].col,
              why ? why : "accepted", col);
    }
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("0102xx", 4, &b, &col) == NULL && b.len == 2 && col == 0,
          "only n bytes are read; col 0 on success");
    dt_buf_reset(&b);
    CHECK(dt_hex_decode("ff", 2, &b, &col) == NULL && b.data[0] == 0xff, "ff");
    dt_buf_free(&b);
    dt_buf_init(&b, 2);
    CHECK(dt_hex_decode("010203", 6, &b, &col) && col == 5, "past out's cap: refused at the byte");
    dt_buf_free(&b);
    int all = 0;
    for (int c = 0; c < 256; c++) {
        int v = dt_hex_digit(c);
        bool want = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        all += want ? (v >= 0 && v < 16) : v == -1;
    }
    CHECK(all == 256, "dt_hex_digit: 22 digits, -1 for the other 234 bytes");
}

static void test_encode(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    static const uint8_t raw[] = {0x00, 0xab, 0xff};
    CHECK(dt_hex_encode(dt_slice_make(raw, 3), true, ':', &b) == DT_OK &&
              !strcmp(dt_buf_cstr(&b), "00:AB:FF"),
          "encode upper with colons");
    dt_buf_reset(&b);
    CHECK(dt_hex_encode(dt_slice_make(raw, 3), false, 0, &b) == DT_OK &&
              !strcmp(dt_buf_cstr(&b), "00abff"),
          "lower without a separator");
    CHECK(dt_hex_encode(dt_slice_make(raw, 1), false, ' ', &b) == DT_OK &&
              !strcmp(dt_buf_cstr(&b), "00abff00"),
          "one byte: no separator; appended");
    dt_buf_reset(&b);
    CHECK(dt_hex_encode(dt_slice_make(NULL, 0), true, ':', &b) == DT_OK && b.len == 0,
          "nothing encodes to nothing");
    dt_buf_free(&b);
    dt_buf_init(&b, 8);
    CHECK(dt_hex_encode(dt_slice_make(raw, 3), true, ':', &b) == DT_ERR_LIMIT && b.len == 0,
          "past the cap: LIMIT, nothing written");
    dt_buf_free(&b);
    /* Round trip through decode. */
    uint8_t in[64];
    for (int i = 0; i < 64; i++)
        in[i] = (uint8_t)(i * 53 + 7);
    struct dt_buf e, d;
    dt_buf_init(&e, 0);
    dt_buf_init(&d, 0);
    size_t col;
    CHECK(dt_hex_encode(dt_slice_make(in, 64), true, ':', &e) == DT_OK &&
              !dt_hex_decode((const char *)e.data, e.len, &d, &col) && d.len == 64 &&
              !memcmp(d.data, in, 64),
          "encode then decode gives the bytes back");
    dt_buf_free(&e);
    dt_buf_free(&d);
}

int main(void)
{
    test_decode();
    test_encode();
    return unit_done();
}
