/* Unit tests: slice.c (borrowed byte strings): order (shorter first on a
 * common prefix), equality, the 8-octet prefix that orders the same way,
 * and interning with ids, first-seen order and byte-order ranks. */
#include "slice.h"
#include "unit.h"

#define S(lit) dt_slice_make(lit, sizeof(lit) - 1)

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void test_order(void)
{
    CHECK(dt_slice_cmp(S("abc"), S("abc")) == 0 && dt_slice_eq(S("abc"), S("abc")), "equal");
    CHECK(dt_slice_cmp(S("ab"), S("abc")) < 0 && dt_slice_cmp(S("abc"), S("ab")) > 0,
          "a prefix orders first");
    CHECK(dt_slice_cmp(S("abd"), S("abc")) > 0 && !dt_slice_eq(S("abd"), S("abc")), "bytes order");
    CHECK(dt_slice_cmp(S("\x80"), S("\x7f")) > 0, "bytes are unsigned");
    CHECK(dt_slice_cmp(dt_slice_make(NULL, 0), S("")) == 0 &&
              dt_slice_eq(dt_slice_make(NULL, 0), S("")) && dt_slice_cmp(S(""), S("a")) < 0,
          "empty slices (even with a NULL pointer) are equal and first");
    CHECK(!dt_slice_eq(S("a\0"), S("a")), "a trailing NUL makes another string");
    CHECK(dt_slice_prefix64(S("\x01\x02")) == 0x0102000000000000ULL &&
              dt_slice_prefix64(S("")) == 0 &&
              dt_slice_prefix64(S("0123456789")) == 0x3031323334353637ULL,
          "prefix64: the first 8 octets big-endian, zero-padded");
    /* Where prefixes differ, they order as dt_slice_cmp does. */
    static const char *const v[] = {
        "",         "\x01",         "\x01\x00", "\xff",        "abcdefgh",
        "abcdefgi", "abcdefgh\x01", "b",        "\x00\x00\x00"};
    static const size_t len[] = {0, 1, 2, 1, 8, 8, 9, 1, 3};
    size_t agree = 0, compared = 0;
    for (size_t i = 0; i < 9; i++)
        for (size_t j = 0; j < 9; j++) {
            struct dt_slice a = dt_slice_make(v[i], len[i]), b = dt_slice_make(v[j], len[j]);
            uint64_t pa = dt_slice_prefix64(a), pb = dt_slice_prefix64(b);
            if (pa == pb)
                continue;
            compared++;
            agree += sign(dt_slice_cmp(a, b)) == (pa < pb ? -1 : 1);
        }
    CHECK(compared > 40 && agree == compared, "prefix64 orders as cmp where it differs (%zu/%zu)",
          agree, compared);
}

struct item {
    int pad;
    struct dt_slice s;
};

static void test_intern(void)
{
    struct item items[8];
    const char *text[] = {"b", "a", "b", "c", "a", "a", "", "b"};
    for (int i = 0; i < 8; i++) {
        items[i].pad = i;
        items[i].s = dt_slice_make(text[i], strlen(text[i]));
    }
    items[5].s = items[4].s; /* the same pointer as its neighbour: no lookup */
    uint32_t id[8], rank[8];
    struct dt_slice distinct[8];
    size_t nd = 0;
    CHECK(dt_slice_intern(items, 8, sizeof(struct item), offsetof(struct item, s), id, distinct,
                          &nd, rank) == DT_OK,
          "intern");
    CHECK(nd == 4 && id[0] == 0 && id[1] == 1 && id[2] == 0 && id[3] == 2 && id[4] == 1 &&
              id[5] == 1 && id[6] == 3 && id[7] == 0,
          "ids in first-seen order: b a b c a a \"\" b -> 0 1 0 2 1 1 3 0");
    CHECK(dt_slice_eq(distinct[0], S("b")) && dt_slice_eq(distinct[2], S("c")) &&
              distinct[3].n == 0,
          "the distinct strings");
    CHECK(rank[0] == 2 && rank[1] == 1 && rank[2] == 3 && rank[3] == 0,
          "ranks in byte order: \"\" a b c");
    CHECK(dt_slice_intern(items, 8, sizeof(struct item), offsetof(struct item, s), id, distinct,
                          &nd, NULL) == DT_OK &&
              nd == 4,
          "rank is optional");
    nd = 99;
    CHECK(dt_slice_intern(items, 0, sizeof(struct item), offsetof(struct item, s), id, distinct,
                          &nd, rank) == DT_OK &&
              nd == 0,
          "nothing to intern: none distinct");
    /* Many strings: the table grows with n, every id right. */
    enum { N = 20000 };
    static struct dt_slice many[N];
    static uint32_t mid[N], mrank[N];
    static struct dt_slice md[N];
    static char store[N][8];
    for (int i = 0; i < N; i++) {
        snprintf(store[i], sizeof(store[i]), "%05d", (i * 7919) % (N / 2));
        many[i] = dt_slice_make(store[i], 5);
    }
    size_t mnd = 0;
    bool ok =
        dt_slice_intern(many, N, sizeof(many[0]), 0, mid, md, &mnd, mrank) == DT_OK && mnd == N / 2;
    for (int i = 0; ok && i < N; i++)
        ok =
            dt_slice_eq(md[mid[i]], many[i]) &&
            (unsigned)atoi(store[i]) == mrank[mid[i]]; /* zero-padded: byte order is number order */
    CHECK(ok, "20000 strings, 10000 distinct: every id and rank right");
}

int main(void)
{
    test_order();
    test_intern();
    return unit_done();
}
