/*
 * mem.h - allocation helpers.
 */
#ifndef DT_MEM_H
#define DT_MEM_H

#include "err.h"

#include <stddef.h>

/* Allocation helpers that never return NULL for n == 0 confusion: they
 * return NULL only on failure. Caller frees with free(). */
void *dt_mem_alloc(size_t n);
void *dt_mem_calloc(size_t count, size_t size);
void *dt_mem_dup(const void *p, size_t n);
char *dt_mem_strdup(const char *s);
/* Copies the first n bytes of s and terminates them. */
char *dt_mem_strndup(const char *s, size_t n);
/* The reason a function that reports bad input as a static English reason
 * (dt_b64_decode, dt_hex_decode, dt_serials_decode ...) gives when an
 * allocation failed instead: "out of memory", never a reason about the
 * input. Callers compare the pointer and fail with DT_ERR_NOMEM. */
extern const char dt_mem_why_nomem[];

/* Grows *arr (of *cap elements of elem bytes) to hold at least need. */
DT_MUST_USE enum dt_err dt_mem_grow(void **arr, size_t *cap, size_t need, size_t elem);

#endif
