/*
 * arena.c - bump allocator.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN ((size_t)64 * 1024)

struct dt_arena_chunk {
    struct dt_arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(8) uint8_t data[];
};

void dt_arena_init(struct dt_arena *a)
{
    a->head = NULL;
    a->used_total = 0;
}

void dt_arena_free(struct dt_arena *a)
{
    if (!a)
        return;
    struct dt_arena_chunk *c = a->head;
    while (c) {
        struct dt_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *dt_arena_alloc(struct dt_arena *a, size_t n)
{
    size_t need = (n + 7) & ~(size_t)7;
    if (need < n)
        return NULL;
    struct dt_arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
        c = malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used_total += need;
    return p;
}

void *dt_arena_dup(struct dt_arena *a, const void *p, size_t n)
{
    void *q = dt_arena_alloc(a, n ? n : 1);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

char *dt_arena_strdup(struct dt_arena *a, const char *s)
{
    return s ? dt_arena_dup(a, s, strlen(s) + 1) : NULL;
}
