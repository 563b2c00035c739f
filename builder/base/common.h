/*
 * common.h - error propagation macros shared by every library module.
 *
 * Functions that can fail return enum dt_err, declare `enum dt_err rc = DT_OK`
 * and leave through a single `out:` label. DT_TRY/DT_ENSURE record where an
 * error was raised so that `distrust -v` can show the path it took.
 */
#ifndef DT_COMMON_H
#define DT_COMMON_H

#include "distrust.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Records FILE:LINE in the thread-local error trace (see dt_error_trace()). */
void dt_trace_add(const char *file, int line);
/* Clears the trace; called at the start of every public entry point. */
void dt_trace_clear(void);

#define DT_TRY(expr)                          \
    do {                                      \
        rc = (expr);                          \
        if (rc != DT_OK) {                    \
            dt_trace_add(__FILE__, __LINE__); \
            goto out;                         \
        }                                     \
    } while (0)

#define DT_ENSURE(cond, code)                 \
    do {                                      \
        if (!(cond)) {                        \
            rc = (code);                      \
            dt_trace_add(__FILE__, __LINE__); \
            goto out;                         \
        }                                     \
    } while (0)

#define DT_ENSURE_REF(p) DT_ENSURE((p) != NULL, DT_ERR_INTERNAL)
#define DT_ENSURE_MEM(p) DT_ENSURE((p), DT_ERR_NOMEM)

#define DT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define DT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DT_PRINTF(f, a)
#endif

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
DT_MUST_USE enum dt_err dt_intern_slices(const void *base, size_t n, size_t stride, size_t offset,
                                         uint32_t *id, struct dt_slice *distinct,
                                         size_t *n_distinct, uint32_t *rank);

/* Allocation helpers that never return NULL for n == 0 confusion: they
 * return NULL only on failure. Caller frees with free(). */
void *dt_malloc(size_t n);
void *dt_calloc(size_t count, size_t size);
void *dt_memdup(const void *p, size_t n);
char *dt_strdup(const char *s);
/* Copies the first n bytes of s and terminates them. */
char *dt_strndup(const char *s, size_t n);
/* Grows *arr (of *cap elements of elem bytes) to hold at least need. */
DT_MUST_USE enum dt_err dt_grow(void **arr, size_t *cap, size_t need, size_t elem);

#endif
