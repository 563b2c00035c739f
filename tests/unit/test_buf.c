/* Unit tests: buf.c (the growable buffer with a hard cap): the cap on every
 * way of appending (LIMIT, the buffer unchanged), borrowed views, cstr and
 * steal, shell words. */
#include "buf.h"
#include "unit.h"

static void test_cap(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 10);
    CHECK(dt_buf_puts(&b, "0123456789") == DT_OK, "fill to the cap");
    CHECK(dt_buf_putc(&b, 'x') == DT_ERR_LIMIT && b.len == 10, "past the cap: LIMIT, unchanged");
    CHECK_STR(dt_buf_cstr(&b), "0123456789", "contents intact");
    CHECK(dt_buf_append(&b, "", 0) == DT_OK && b.len == 10, "appending nothing at the cap is fine");
    CHECK(dt_buf_printf(&b, "%d", 7) == DT_ERR_LIMIT && b.len == 10,
          "printf past the cap: LIMIT, unchanged");
    CHECK(dt_buf_reserve(&b, SIZE_MAX) == DT_ERR_LIMIT, "reserving SIZE_MAX: LIMIT, no overflow");
    dt_buf_reset(&b);
    CHECK(b.len == 0 && b.cap > 0 && dt_buf_append(&b, "abcdefghijk", 11) == DT_ERR_LIMIT &&
              b.len == 0,
          "reset keeps the memory; an 11-byte append to a 10-byte cap is refused whole");
    dt_buf_free(&b);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0, "free empties the buffer");
    dt_buf_free(&b);
    dt_buf_free(NULL);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0 && b.owned,
          "free twice and free(NULL) are no-ops (the buffer stays empty and owned)");

    dt_buf_init(&b, 0);
    CHECK(b.max == DT_BUF_DEFAULT_MAX, "max 0 means the default cap (1 GiB)");
    CHECK(dt_buf_printf(&b, "%d-%s", 42, "x") == DT_OK && !strcmp(dt_buf_cstr(&b), "42-x"),
          "printf");
    CHECK(dt_buf_printf(&b, "%s", "") == DT_OK && b.len == 4, "printf of nothing");
    bool grew = true;
    for (int i = 0; i < 10000 && grew; i++)
        grew = dt_buf_printf(&b, "%05d", i) == DT_OK;
    CHECK(grew && b.len == 4 + 50000 && !memcmp(b.data + 4 + 5 * 9999, "09999", 5),
          "grows through many doublings, contents in order");
    dt_buf_free(&b);
}

static void test_views(void)
{
    static const char text[] = "borrowed";
    struct dt_buf v;
    dt_buf_borrow(&v, text, 8);
    CHECK(!v.owned && v.len == 8 && v.data == (const uint8_t *)text, "a borrowed view");
    CHECK(dt_buf_putc(&v, 'x') == DT_ERR_INTERNAL && v.len == 8,
          "appending to a view is an internal error, nothing written");
    CHECK(dt_buf_cstr(&v) == NULL, "a view cannot be terminated in place: cstr is NULL");
    size_t n = 99;
    CHECK(dt_buf_steal(&v, &n) == NULL && n == 99, "nor stolen");
    dt_buf_reset(&v);
    CHECK(v.len == 8, "reset leaves a view alone");
    dt_buf_free(&v);
    CHECK(!strcmp(text, "borrowed") && v.data == NULL, "free forgets the view, the bytes stay");
}

static void test_steal(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    size_t n = 99;
    char *s = dt_buf_steal(&b, &n);
    CHECK(s && n == 0 && s[0] == '\0', "stealing an empty buffer gives \"\"");
    free(s);
    CHECK(dt_buf_append(&b, "a\0b", 3) == DT_OK, "append bytes with a NUL");
    s = dt_buf_steal(&b, &n);
    CHECK(s && n == 3 && !memcmp(s, "a\0b", 4) && b.data == NULL && b.len == 0,
          "steal: the bytes, a NUL after them, the buffer empty");
    free(s);
    CHECK(dt_buf_puts(&b, "again") == DT_OK && !strcmp(dt_buf_cstr(&b), "again"),
          "the buffer is usable after a steal");
    s = dt_buf_steal(&b, NULL);
    CHECK(s && !strcmp(s, "again"), "len may be NULL");
    free(s);
    /* cstr needs one byte past len: at the cap it still fits (the NUL is
     * not counted). */
    dt_buf_init(&b, 4);
    CHECK(dt_buf_puts(&b, "abcd") == DT_OK && dt_buf_cstr(&b) && !strcmp(dt_buf_cstr(&b), "abcd"),
          "cstr of a buffer filled to its cap");
    dt_buf_free(&b);
}

static void test_shell_word(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "'plain'"},   {"", "''"},
        {"it's", "'it'\\''s'"}, {"$(rm -rf /) `x` \"q\"", "'$(rm -rf /) `x` \"q\"'"},
        {"''", "''\\'''\\'''"},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(cases); i++) {
        struct dt_buf b;
        dt_buf_init(&b, 0);
        CHECK(dt_buf_shell_word(&b, cases[i].in) == DT_OK && !strcmp(dt_buf_cstr(&b), cases[i].out),
              "shell word of [%s] is [%s]", cases[i].in, cases[i].out);
        dt_buf_free(&b);
    }
    struct dt_buf b;
    dt_buf_init(&b, 5);
    CHECK(dt_buf_shell_word(&b, "abcd") == DT_ERR_LIMIT, "a shell word past the cap is LIMIT");
    dt_buf_free(&b);
}

int main(void)
{
    test_cap();
    test_views();
    test_steal();
    test_shell_word();
    return unit_done();
}
