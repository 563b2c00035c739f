/*
 * dmap.c - digest multimap.
 */
#include "dmap.h"

#include <stdlib.h>
#include <string.h>

void dt_dmap_init(struct dt_dmap *m)
{
    memset(m, 0, sizeof(*m));
}

void dt_dmap_free(struct dt_dmap *m)
{
    if (!m)
        return;
    free(m->buckets);
    free(m->ents);
    memset(m, 0, sizeof(*m));
}

static size_t slot(const uint8_t key[32], size_t n_buckets)
{
    uint64_t h;
    memcpy(&h, key, sizeof(h));
    return (size_t)(h & (n_buckets - 1));
}

static enum dt_err rehash(struct dt_dmap *m, size_t n_buckets)
{
    uint32_t *b = malloc(n_buckets * sizeof(*b));
    if (!b)
        return DT_ERR_NOMEM;
    for (size_t i = 0; i < n_buckets; i++)
        b[i] = DT_DMAP_END;
    for (size_t i = 0; i < m->n; i++) {
        size_t s = slot(m->ents[i].key, n_buckets);
        m->ents[i].next = b[s];
        b[s] = (uint32_t)i;
    }
    free(m->buckets);
    m->buckets = b;
    m->n_buckets = n_buckets;
    return DT_OK;
}

enum dt_err dt_dmap_add(struct dt_dmap *m, const uint8_t key[32], uint32_t value)
{
    enum dt_err rc;
    if (m->n >= DT_DMAP_END - 1)
        return DT_ERR_LIMIT;
    if (m->n + 1 > m->n_buckets / 4 * 3) {
        rc = rehash(m, m->n_buckets ? m->n_buckets * 2 : 1024);
        if (rc != DT_OK)
            return rc;
    }
    rc = dt_mem_grow((void **)&m->ents, &m->cap, m->n + 1, sizeof(*m->ents));
    if (rc != DT_OK)
        return rc;
    struct dt_dmap_ent *e = &m->ents[m->n];
    memcpy(e->key, key, 32);
    e->value = value;
    size_t s = slot(key, m->n_buckets);
    e->next = m->buckets[s];
    m->buckets[s] = (uint32_t)m->n;
    m->n++;
    return DT_OK;
}

static uint32_t scan(const struct dt_dmap *m, uint32_t it, const uint8_t key[32])
{
    while (it != DT_DMAP_END && memcmp(m->ents[it].key, key, 32))
        it = m->ents[it].next;
    return it;
}

uint32_t dt_dmap_first(const struct dt_dmap *m, const uint8_t key[32])
{
    if (!m->n_buckets)
        return DT_DMAP_END;
    return scan(m, m->buckets[slot(key, m->n_buckets)], key);
}

uint32_t dt_dmap_next(const struct dt_dmap *m, uint32_t it, const uint8_t key[32])
{
    return scan(m, m->ents[it].next, key);
}
