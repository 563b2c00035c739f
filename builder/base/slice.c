/*
 * slice.c - borrowed byte strings: order, equality, interning.
 */
#include "slice.h"

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dt_slice_cmp(struct dt_slice a, struct dt_slice b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c)
        return c;
    return (a.n > b.n) - (a.n < b.n);
}

bool dt_slice_eq(struct dt_slice a, struct dt_slice b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

uint64_t dt_slice_prefix64(struct dt_slice s)
{
    uint64_t p = 0;
    for (size_t k = 0; k < 8; k++)
        p = p << 8 | (k < s.n ? s.p[k] : 0);
    return p;
}

struct ranked {
    struct dt_slice s;
    uint32_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
    return dt_slice_cmp(((const struct ranked *)a)->s, ((const struct ranked *)b)->s);
}

enum dt_err dt_slice_intern(const void *base, size_t n, size_t stride, size_t offset, uint32_t *id,
                             struct dt_slice *distinct, size_t *n_distinct, uint32_t *rank)
{
    size_t cap = 64;
    while (cap < 4 * n && cap < ((size_t)1 << 26))
        cap <<= 1;
    uint32_t *table = calloc(cap, sizeof(*table)); /* distinct index + 1, 0 empty */
    if (!table)
        return DT_ERR_NOMEM;
    const struct dt_slice *prev = NULL;
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        const struct dt_slice *s =
            (const struct dt_slice *)((const char *)base + i * stride + offset);
        if (prev && s->p == prev->p && s->n == prev->n) {
            id[i] = id[i - 1]; /* runs of one slice (a rule's items, a list's serials) */
            continue;
        }
        prev = s;
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (size_t k = 0; k < s->n; k++)
            h = (h ^ s->p[k]) * 1099511628211ULL;
        size_t slot = (size_t)h & (cap - 1);
        while (table[slot] && !dt_slice_eq(distinct[table[slot] - 1], *s))
            slot = (slot + 1) & (cap - 1);
        if (!table[slot]) {
            distinct[nd] = *s;
            table[slot] = (uint32_t)++nd;
        }
        id[i] = table[slot] - 1;
    }
    free(table);
    *n_distinct = nd;
    if (!rank)
        return DT_OK;
    struct ranked *r = calloc(nd ? nd : 1, sizeof(*r));
    if (!r)
        return DT_ERR_NOMEM;
    for (size_t k = 0; k < nd; k++)
        r[k] = (struct ranked){distinct[k], (uint32_t)k};
    qsort(r, nd, sizeof(*r), cmp_ranked);
    for (size_t k = 0; k < nd; k++)
        rank[r[k].i] = (uint32_t)k;
    free(r);
    return DT_OK;
}
