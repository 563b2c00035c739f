/*
 * slice.h - borrowed byte strings.
 */
#ifndef DT_SLICE_H
#define DT_SLICE_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A borrowed view of bytes. */
struct dt_slice {
    const uint8_t *p;
    size_t n;
};

static inline struct dt_slice dt_slice_make(const void *p, size_t n)
{
    struct dt_slice s = {(const uint8_t *)p, n};
    return s;
}

/* memcmp-style order: shorter first on a common prefix. */
int dt_slice_cmp(struct dt_slice a, struct dt_slice b);
bool dt_slice_eq(struct dt_slice a, struct dt_slice b);
/* The first 8 octets big-endian, zero-padded: a cheap first comparison that
 * orders as dt_slice_cmp does when it differs. */
uint64_t dt_slice_prefix64(struct dt_slice s);
/* Interns the slices at base + i * stride + offset (i < n): id[i] is the
 * index of its byte string among distinct[] (capacity n, first-seen order,
 * *n_distinct of them); rank (optional, capacity n) gets each distinct
 * string's position in byte order. Consecutive slices with the same pointer
 * cost nothing; the rest go through a hash table. */
DT_MUST_USE enum dt_err dt_slice_intern(const void *base, size_t n, size_t stride, size_t offset,
                                         uint32_t *id, struct dt_slice *distinct,
                                         size_t *n_distinct, uint32_t *rank);

#endif
