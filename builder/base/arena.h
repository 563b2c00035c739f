/*
 * arena.h - bump allocator for many small byte strings that live as long as
 * one build (issuer names, serials, labels). Freed all at once.
 */
#ifndef DT_ARENA_H
#define DT_ARENA_H

#include "common.h"

struct dt_arena_chunk;

struct dt_arena {
    struct dt_arena_chunk *head;
    size_t used_total;
};

void dt_arena_init(struct dt_arena *a);
/* Frees every allocation made from a. NULL is a no-op. */
void dt_arena_free(struct dt_arena *a);
/* Returns n bytes (8-byte aligned) owned by the arena, or NULL. */
void *dt_arena_alloc(struct dt_arena *a, size_t n);
/* Copies p[0..n) into the arena. */
void *dt_arena_dup(struct dt_arena *a, const void *p, size_t n);
/* Copies a NUL-terminated string into the arena. NULL in, NULL out. */
char *dt_arena_strdup(struct dt_arena *a, const char *s);

#endif
