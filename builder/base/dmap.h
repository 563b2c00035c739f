/*
 * dmap.h - a multimap from 32-byte digests to 32-bit values (certificate
 * indexes): open hashing with chains kept in one array. Keys are SHA-256
 * digests, so their first bytes are already a good hash.
 */
#ifndef DT_DMAP_H
#define DT_DMAP_H

#include "common.h"

#define DT_DMAP_END UINT32_MAX

struct dt_dmap_ent {
    uint8_t key[32];
    uint32_t value;
    uint32_t next;
};

struct dt_dmap {
    uint32_t *buckets;
    size_t n_buckets;
    struct dt_dmap_ent *ents;
    size_t n, cap;
};

void dt_dmap_init(struct dt_dmap *m);
void dt_dmap_free(struct dt_dmap *m);
DT_MUST_USE enum dt_err dt_dmap_add(struct dt_dmap *m, const uint8_t key[32], uint32_t value);
/* Iteration over the values of a key: it = dt_dmap_first(m, key);
 * while (it != DT_DMAP_END) { use dt_dmap_value(m, it); it = dt_dmap_next(m, it, key); } */
uint32_t dt_dmap_first(const struct dt_dmap *m, const uint8_t key[32]);
uint32_t dt_dmap_next(const struct dt_dmap *m, uint32_t it, const uint8_t key[32]);
static inline uint32_t dt_dmap_value(const struct dt_dmap *m, uint32_t it)
{
    return m->ents[it].value;
}

#endif
