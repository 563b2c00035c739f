/* Unit tests: mem.c (allocation helpers): zero sizes give valid pointers
 * (NULL means failure only), copies, and dt_mem_grow's doubling and its
 * overflow refusals. */
#include "mem.h"
#include "unit.h"

#include <stdint.h>

int main(void)
{
    void *p = dt_mem_alloc(0);
    CHECK(p != NULL, "alloc(0): a pointer, not NULL");
    free(p);
    p = dt_mem_calloc(0, 0);
    CHECK(p != NULL, "calloc(0, 0): a pointer");
    free(p);
    uint32_t *z = dt_mem_calloc(100, sizeof(uint32_t));
    bool zero = z != NULL;
    for (int i = 0; zero && i < 100; i++)
        zero = z[i] == 0;
    CHECK(zero, "calloc zeroes");
    free(z);
    char *s = dt_mem_dup("a\0b", 3);
    CHECK(s && !memcmp(s, "a\0b", 3), "dup copies bytes, NULs too");
    free(s);
    s = dt_mem_dup(NULL, 0);
    CHECK(s != NULL, "dup of nothing: a pointer");
    free(s);
    CHECK(dt_mem_strdup(NULL) == NULL, "strdup(NULL) is NULL");
    s = dt_mem_strdup("");
    CHECK(s && s[0] == '\0', "strdup(\"\")");
    free(s);
    s = dt_mem_strndup("abcdef", 3);
    CHECK_STR(s, "abc", "strndup: the first n bytes, terminated");
    free(s);
    s = dt_mem_strndup("ab\0cd", 5);
    CHECK(s && !memcmp(s, "ab\0cd", 6), "strndup copies n bytes even past a NUL");
    free(s);

    int *arr = NULL;
    size_t cap = 0;
    CHECK(dt_mem_grow((void **)&arr, &cap, 1, sizeof(int)) == DT_OK && cap == 8 && arr,
          "grow from nothing: 8 elements");
    arr[7] = 7;
    CHECK(dt_mem_grow((void **)&arr, &cap, 8, sizeof(int)) == DT_OK && cap == 8,
          "room enough: unchanged");
    CHECK(dt_mem_grow((void **)&arr, &cap, 9, sizeof(int)) == DT_OK && cap == 16 && arr[7] == 7,
          "one more: doubled, contents kept");
    CHECK(dt_mem_grow((void **)&arr, &cap, 1000, sizeof(int)) == DT_OK && cap == 1024,
          "to 1000: the next power of two");
    int *keep = arr;
    size_t keep_cap = cap;
    CHECK(dt_mem_grow((void **)&arr, &cap, SIZE_MAX, sizeof(int)) == DT_ERR_NOMEM && arr == keep &&
              cap == keep_cap,
          "SIZE_MAX elements: NOMEM, the array untouched");
    CHECK(dt_mem_grow((void **)&arr, &cap, SIZE_MAX / 4, 8) == DT_ERR_NOMEM && cap == keep_cap,
          "a count whose bytes overflow: NOMEM");
    free(arr);
    return unit_done();
}
