/* Unit tests: arena.c (the bump allocator): alignment, blocks larger than
 * a chunk, copies, sizes that would overflow, freeing. */
#include "arena.h"
#include "unit.h"

int main(void)
{
    struct dt_arena a;
    dt_arena_init(&a);
    bool ok = true;
    for (int i = 0; i < 20000; i++) {
        char *s = dt_arena_strdup(&a, "arena string");
        if (!s || strcmp(s, "arena string") || ((uintptr_t)s & 7))
            ok = false;
    }
    void *big = dt_arena_alloc(&a, 1 << 20);
    CHECK(ok && big, "arena: many aligned small strings and one large block");
    dt_arena_free(&a);
    dt_arena_free(NULL);

    dt_arena_init(&a);
    CHECK(a.head == NULL && a.used_total == 0, "a new arena holds nothing");
    uint8_t *p1 = dt_arena_alloc(&a, 1), *p2 = dt_arena_alloc(&a, 1);
    CHECK(p1 && p2 && p2 - p1 == 8 && a.used_total == 16, "one byte takes 8 (alignment)");
    CHECK(dt_arena_alloc(&a, 0) != NULL, "zero bytes: a valid pointer");
    /* A block larger than a chunk gets a chunk of its own; what was handed
     * out before stays valid. */
    memset(p1, 0x5a, 1);
    uint8_t *huge = dt_arena_alloc(&a, (size_t)1 << 21);
    CHECK(huge && ((uintptr_t)huge & 7) == 0 && p1[0] == 0x5a,
          "a 2 MiB block, earlier ones intact");
    memset(huge, 1, (size_t)1 << 21);
    CHECK(dt_arena_alloc(&a, SIZE_MAX) == NULL, "SIZE_MAX: NULL (the rounding would overflow)");
    CHECK(dt_arena_alloc(&a, SIZE_MAX - 6) == NULL, "SIZE_MAX - 6: NULL, too");
    CHECK(dt_arena_strdup(&a, NULL) == NULL, "strdup(NULL) is NULL");
    char *e = dt_arena_dup(&a, NULL, 0);
    CHECK(e != NULL, "dup of nothing: a valid pointer");
    static const uint8_t bytes[] = {0, 1, 2, 0, 255};
    uint8_t *d = dt_arena_dup(&a, bytes, sizeof(bytes));
    CHECK(d && !memcmp(d, bytes, sizeof(bytes)) && d != bytes, "dup copies bytes, NULs included");
    dt_arena_free(&a);
    CHECK(a.head == NULL && a.used_total == 0, "free empties the arena");
    CHECK(dt_arena_alloc(&a, 16) != NULL, "and it can be used again");
    dt_arena_free(&a);
    return unit_done();
}
