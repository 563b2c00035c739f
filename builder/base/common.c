/*
 * common.c - error trace, allocation helpers, dt_strerror().
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_MAX 1024

static _Thread_local char trace_buf[TRACE_MAX];
static _Thread_local size_t trace_len;

void dt_trace_add(const char *file, int line)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    if (trace_len + 64 >= TRACE_MAX)
        return;
    int n = snprintf(trace_buf + trace_len, TRACE_MAX - trace_len, "%s%s:%d",
                     trace_len ? " <- " : "", base, line);
    if (n > 0 && (size_t)n < TRACE_MAX - trace_len)
        trace_len += (size_t)n;
}

void dt_trace_clear(void)
{
    trace_len = 0;
    trace_buf[0] = '\0';
}

const char *dt_error_trace(void)
{
    return trace_buf;
}

const char *dt_strerror(enum dt_err err)
{
    switch (err) {
    case DT_OK:
        return "success";
    case DT_ERR_INPUT:
        return "bad input";
    case DT_ERR_USAGE:
        return "usage error";
    case DT_ERR_LIMIT:
        return "a size or count limit was exceeded";
    case DT_ERR_IO:
        return "input/output error";
    case DT_ERR_NOMEM:
        return "out of memory";
    case DT_ERR_STRICT:
        return "warnings raised in strict mode";
    case DT_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}

int dt_err_exit_code(enum dt_err err)
{
    switch (err) {
    case DT_OK:
        return 0;
    case DT_ERR_INPUT:
    case DT_ERR_LIMIT:
    case DT_ERR_STRICT:
        return 1;
    case DT_ERR_USAGE:
        return 2;
    case DT_ERR_IO:
    case DT_ERR_NOMEM:
    case DT_ERR_INTERNAL:
        return 4;
    }
    return 4;
}

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

enum dt_err dt_intern_slices(const void *base, size_t n, size_t stride, size_t offset, uint32_t *id,
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

void *dt_malloc(size_t n)
{
    return malloc(n ? n : 1);
}

void *dt_calloc(size_t count, size_t size)
{
    return calloc(count ? count : 1, size ? size : 1);
}

void *dt_memdup(const void *p, size_t n)
{
    void *q = dt_malloc(n);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

char *dt_strdup(const char *s)
{
    return s ? dt_memdup(s, strlen(s) + 1) : NULL;
}

char *dt_strndup(const char *s, size_t n)
{
    char *p = dt_malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

enum dt_err dt_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return DT_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return DT_ERR_NOMEM;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return DT_ERR_NOMEM;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return DT_ERR_NOMEM;
    *arr = p;
    *cap = ncap;
    return DT_OK;
}
