/*
 * mem.c - allocation helpers.
 */
#include "mem.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char dt_mem_why_nomem[] = "out of memory";

void *dt_mem_alloc(size_t n)
{
    return malloc(n ? n : 1);
}

void *dt_mem_calloc(size_t count, size_t size)
{
    return calloc(count ? count : 1, size ? size : 1);
}

void *dt_mem_dup(const void *p, size_t n)
{
    void *q = dt_mem_alloc(n);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

char *dt_mem_strdup(const char *s)
{
    return s ? dt_mem_dup(s, strlen(s) + 1) : NULL;
}

char *dt_mem_strndup(const char *s, size_t n)
{
    char *p = dt_mem_alloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

enum dt_err dt_mem_grow(void **arr, size_t *cap, size_t need, size_t elem)
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
