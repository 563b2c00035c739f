/* Unit tests: dmap.c (the digest multimap): many values under one key,
 * keys sharing their first bytes (one bucket run), growth through rehashes,
 * absent keys, an empty and a freed map. */
#include "dmap.h"
#include "unit.h"

int main(void)
{
    struct dt_dmap m;
    dt_dmap_init(&m);
    uint8_t k[32];
    bool ok = true;
    /* 5000 keys, key i holding values i and i + 100000: growth and chains. */
    for (uint32_t i = 0; i < 5000 && ok; i++) {
        memset(k, 0, sizeof(k));
        memcpy(k + 28, &i, 4); /* same first bytes: every key in one bucket run */
        ok = dt_dmap_add(&m, k, i) == DT_OK && dt_dmap_add(&m, k, i + 100000) == DT_OK;
    }
    CHECK(ok, "dmap: 10000 values added");
    size_t found = 0, wrong = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        memset(k, 0, sizeof(k));
        memcpy(k + 28, &i, 4);
        for (uint32_t it = dt_dmap_first(&m, k); it != DT_DMAP_END; it = dt_dmap_next(&m, it, k)) {
            uint32_t v = dt_dmap_value(&m, it);
            found++;
            wrong += v != i && v != i + 100000;
        }
    }
    CHECK(found == 10000 && wrong == 0, "dmap: every value found under its key (%zu, %zu wrong)",
          found, wrong);
    memset(k, 0xee, sizeof(k));
    CHECK(dt_dmap_first(&m, k) == DT_DMAP_END, "dmap: an absent key has no value");
    dt_dmap_free(&m);
    CHECK(dt_dmap_first(&m, k) == DT_DMAP_END, "dmap: a freed map is empty");

    /* A new map: nothing found, no memory yet. */
    struct dt_dmap e;
    dt_dmap_init(&e);
    memset(k, 0, sizeof(k));
    CHECK(dt_dmap_first(&e, k) == DT_DMAP_END && e.n_buckets == 0 && e.n == 0,
          "a new map holds nothing and has no buckets");
    /* Values of one key come back newest first, duplicates kept. */
    for (uint32_t v = 1; v <= 3; v++)
        ok = dt_dmap_add(&e, k, v) == DT_OK && dt_dmap_add(&e, k, 7) == DT_OK;
    uint32_t order[8], n = 0;
    for (uint32_t it = dt_dmap_first(&e, k); it != DT_DMAP_END && n < 8;
         it = dt_dmap_next(&e, it, k))
        order[n++] = dt_dmap_value(&e, it);
    CHECK(ok && n == 6 && order[0] == 7 && order[1] == 3 && order[4] == 7 && order[5] == 1,
          "one key: every value, newest first, the same value twice kept twice");
    /* Keys differing in their first 8 bytes (the hash) and in their last. */
    uint8_t k2[32];
    memcpy(k2, k, 32);
    k2[31] = 1;
    CHECK(dt_dmap_first(&e, k2) == DT_DMAP_END,
          "a key that differs in its last byte only is another key");
    CHECK(dt_dmap_add(&e, k2, 42) == DT_OK && dt_dmap_value(&e, dt_dmap_first(&e, k2)) == 42 &&
              dt_dmap_next(&e, dt_dmap_first(&e, k2), k2) == DT_DMAP_END,
          "and holds its own value only");
    size_t before = e.n_buckets;
    for (uint32_t i = 0; i < 800; i++) {
        uint8_t r[32];
        memset(r, 0, sizeof(r));
        memcpy(r, &i, 4); /* distinct first bytes: spread over buckets */
        r[31] = 9;
        ok = ok && dt_dmap_add(&e, r, i) == DT_OK;
    }
    CHECK(ok && e.n_buckets > before && dt_dmap_value(&e, dt_dmap_first(&e, k2)) == 42,
          "past three quarters full the buckets double, and every key is still found (%zu -> %zu)",
          before, e.n_buckets);
    dt_dmap_free(&e);
    dt_dmap_free(&e);
    dt_dmap_free(NULL);
    CHECK(e.ents == NULL && e.buckets == NULL && e.n == 0, "free twice and free(NULL): no-ops");
    return unit_done();
}
