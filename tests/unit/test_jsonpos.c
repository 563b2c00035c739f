/* Unit tests: jsonpos.c (JSON pointer <-> line:column in a JSON text):
 * values and keys, escapes in pointers and in keys, what is absent, the
 * enclosing path of an offset, the depth check, offsets past the end. */
#include "jsonpos.h"
#include "unit.h"

static void test_find(void)
{
    const char *t = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c~d/e\": 2,\n  \"é\": 3\n}";
    struct dt_jsonpos p;
    CHECK(dt_jsonpos_find(t, strlen(t), "/a/1/b", false, &p) && p.line == 2 && p.col == 18,
          "nested value position (2:18)");
    CHECK(dt_jsonpos_find(t, strlen(t), "/a/1/b", true, &p) && p.line == 2 && p.col == 13,
          "key position (2:13)");
    CHECK(dt_jsonpos_find(t, strlen(t), "/c~0d~1e", false, &p) && p.line == 3,
          "JSON pointer escapes");
    CHECK(!dt_jsonpos_find(t, strlen(t), "/a/2", false, &p), "missing index");
    CHECK(!dt_jsonpos_find(t, strlen(t), "/zz", false, &p), "missing key");
    CHECK(dt_jsonpos_find(t, strlen(t), "", false, &p) && p.line == 1 && p.col == 1, "root");
    const char *u = "{\"k\\\"q\": 1, \"k\": \"v}\"}";
    CHECK(dt_jsonpos_find(u, strlen(u), "/k", false, &p) && p.col == 18,
          "escaped quotes and braces inside strings are skipped");

    /* Columns count characters, lines are 1-based, the line's range is given. */
    CHECK(dt_jsonpos_find(t, strlen(t), "/é", false, &p) && p.line == 4 && p.col == 8 &&
              !strncmp(t + p.line_start, "  \"é\": 3", p.line_len) && p.line_len == 9,
          "a non-ASCII key: column in characters (4:8), the line's byte range");
    CHECK(dt_jsonpos_find(t, strlen(t), "/a/0", false, &p) && p.line == 2 && p.col == 9,
          "the first element of an array (2:9)");
    CHECK(dt_jsonpos_find(t, strlen(t), "/a/0", true, &p) && p.col == 9,
          "at_key on an array element is the element itself");
    CHECK(!dt_jsonpos_find(t, strlen(t), "/a/x", false, &p), "a non-numeric array index");
    CHECK(!dt_jsonpos_find(t, strlen(t), "/a/", false, &p), "an empty array index");
    CHECK(!dt_jsonpos_find(t, strlen(t), "/c~0d~1e/x", false, &p), "a token below a number");
    CHECK(!dt_jsonpos_find(t, strlen(t), "a", false, &p), "a pointer without its leading /");
    const char *crlf = "{\r\n\"x\": [\r\n 5]\r\n}";
    CHECK(dt_jsonpos_find(crlf, strlen(crlf), "/x/0", false, &p) && p.line == 3 && p.col == 2 &&
              p.line_len == 3,
          "CRLF: the CR is not part of the line");
    const char *esc = "{\"a\\u0062\": 1, \"t\\tb\": 2, \"\\u00e9\": 3}";
    CHECK(dt_jsonpos_find(esc, strlen(esc), "/ab", false, &p) && p.col == 13,
          "a \\u escape in a key compares by code point");
    CHECK(dt_jsonpos_find(esc, strlen(esc), "/t\tb", false, &p) && p.col == 24,
          "a \\t escape in a key");
    CHECK(!dt_jsonpos_find(esc, strlen(esc), "/\xc3\xa9", false, &p),
          "a non-ASCII \\u escape is never matched (positions fall back to the parent)");
    const char *trunc = "{\"a\": [1, 2";
    CHECK(!dt_jsonpos_find(trunc, strlen(trunc), "/a/5", false, &p) &&
              dt_jsonpos_find(trunc, strlen(trunc), "/a/1", false, &p) && p.col == 11,
          "a truncated text: what is there is found, nothing past it");
    char longtok[300];
    memset(longtok, 'k', sizeof(longtok));
    longtok[0] = '/';
    longtok[299] = '\0';
    CHECK(!dt_jsonpos_find(t, strlen(t), longtok, false, &p), "a token over 255 bytes is absent");
    CHECK(!dt_jsonpos_find("", 0, "/a", false, &p), "an empty text holds nothing");
}

static void test_path_at(void)
{
    const char *t = "{\"entries\": [{\"serial\": \"0g\"}, {\"a/b\": [1, 2, {\"c~\": true}]}]}";
    char out[128];
    dt_jsonpos_path_at(t, strlen(t), (size_t)(strstr(t, "\"0g\"") - t), out, sizeof(out));
    CHECK_STR(out, "/entries/0/serial", "the path of a value");
    dt_jsonpos_path_at(t, strlen(t), (size_t)(strstr(t, "true") - t), out, sizeof(out));
    CHECK_STR(out, "/entries/1/a~1b/2/c~0", "escaped tokens, array indexes");
    dt_jsonpos_path_at(t, strlen(t), 0, out, sizeof(out));
    CHECK_STR(out, "", "offset 0 is the root");
    dt_jsonpos_path_at(t, strlen(t), 1, out, sizeof(out));
    CHECK_STR(out, "", "inside an object before any key: the object");
    const char *bad = "{\"a\": [1, 2, @@@";
    dt_jsonpos_path_at(bad, strlen(bad), strlen(bad) - 1, out, sizeof(out));
    CHECK_STR(out, "/a/2", "invalid text after the offset is tolerated");
    dt_jsonpos_path_at(t, strlen(t), (size_t)(strstr(t, "true") - t), out, 12);
    CHECK(strlen(out) < 12 && !strncmp(out, "/entries/1", 10),
          "a small out is cut, terminated (%s)", out);
    dt_jsonpos_path_at(t, strlen(t), strlen(t) + 100, out, sizeof(out));
    CHECK_STR(out, "", "an offset past the end: the scan stops at the end (the root)");
}

static void test_depth(void)
{
    char deep[200];
    size_t off = 99;
    for (int i = 0; i < 40; i++)
        deep[i] = '[';
    for (int i = 0; i < 40; i++)
        deep[40 + i] = ']';
    CHECK(!dt_jsonpos_too_deep(deep, 80, 40, &off), "baseline: 40 levels within a limit of 40");
    CHECK(dt_jsonpos_too_deep(deep, 80, 39, &off) && off == 39,
          "40 levels over a limit of 39: the offset of the first bracket too deep (39)");
    const char *s = "{\"a\": \"[[[[[[[[[[\"}";
    CHECK(!dt_jsonpos_too_deep(s, strlen(s), 2, &off), "brackets inside strings do not count");
    CHECK(!dt_jsonpos_too_deep("", 0, 0, &off) && off == 0, "an empty text is not deep");
    CHECK(dt_jsonpos_too_deep("{", 1, 0, &off) && off == 0, "a limit of 0 refuses any container");
    memset(deep, '{', 100);
    CHECK(dt_jsonpos_too_deep(deep, 100, 70, &off) && off == 70,
          "past the 64 tracked frames the depth is still counted (71 > 70)");
}

static void test_at_offset(void)
{
    const char *t = "ab\ncé\n\nx";
    struct dt_jsonpos p;
    dt_jsonpos_at_offset(t, strlen(t), 0, &p);
    CHECK(p.line == 1 && p.col == 1 && p.line_start == 0 && p.line_len == 2, "offset 0: 1:1");
    dt_jsonpos_at_offset(t, strlen(t), 6, &p);
    CHECK(p.line == 2 && p.col == 3 && p.line_start == 3 && p.line_len == 3,
          "after a two-byte character: column 3 of line 2");
    dt_jsonpos_at_offset(t, strlen(t), 7, &p);
    CHECK(p.line == 3 && p.col == 1 && p.line_len == 0, "an empty line");
    dt_jsonpos_at_offset(t, strlen(t), strlen(t), &p);
    CHECK(p.line == 4 && p.col == 2, "the end of the text");
    /* Past the end: the end (it used to count columns over bytes past the
     * text, a read out of bounds). */
    char *heap = malloc(8);
    memcpy(heap, "ab\ncd\nxy", 8);
    dt_jsonpos_at_offset(heap, 8, 50, &p);
    CHECK(p.line == 3 && p.col == 3, "an offset past the end is the end (3:3)");
    free(heap);
}

int main(void)
{
    test_find();
    test_path_at();
    test_depth();
    test_at_offset();
    return unit_done();
}
