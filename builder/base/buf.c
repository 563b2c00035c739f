/*
 * buf.c - growable byte buffer with a hard cap.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dt_buf_init(struct dt_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : DT_BUF_DEFAULT_MAX;
    b->owned = true;
}

void dt_buf_borrow(struct dt_buf *b, const void *p, size_t n)
{
    b->data = (uint8_t *)(uintptr_t)p;
    b->len = n;
    b->cap = n;
    b->max = n;
    b->owned = false;
}

void dt_buf_free(struct dt_buf *b)
{
    if (!b)
        return;
    if (b->owned)
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void dt_buf_reset(struct dt_buf *b)
{
    if (b->owned)
        b->len = 0;
}

enum dt_err dt_buf_reserve(struct dt_buf *b, size_t extra)
{
    if (!b->owned)
        return DT_ERR_INTERNAL;
    if (extra > b->max || b->len > b->max - extra)
        return DT_ERR_LIMIT;
    size_t need = b->len + extra + 1; /* room for a terminating NUL */
    if (need <= b->cap)
        return DT_OK;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    uint8_t *p = realloc(b->data, ncap);
    if (!p)
        return DT_ERR_NOMEM;
    b->data = p;
    b->cap = ncap;
    return DT_OK;
}

enum dt_err dt_buf_append(struct dt_buf *b, const void *p, size_t n)
{
    enum dt_err rc = dt_buf_reserve(b, n);
    if (rc != DT_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return DT_OK;
}

enum dt_err dt_buf_putc(struct dt_buf *b, char c)
{
    return dt_buf_append(b, &c, 1);
}

enum dt_err dt_buf_puts(struct dt_buf *b, const char *s)
{
    return dt_buf_append(b, s, strlen(s));
}

enum dt_err dt_buf_vprintf(struct dt_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return DT_ERR_INTERNAL;
    enum dt_err rc = dt_buf_reserve(b, (size_t)n);
    if (rc != DT_OK)
        return rc;
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return DT_OK;
}

enum dt_err dt_buf_printf(struct dt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum dt_err rc = dt_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *dt_buf_cstr(struct dt_buf *b)
{
    if (!b->owned) {
        /* A borrowed view cannot be terminated in place. */
        return NULL;
    }
    if (dt_buf_reserve(b, 0) != DT_OK)
        return NULL;
    b->data[b->len] = '\0';
    return (const char *)b->data;
}

char *dt_buf_steal(struct dt_buf *b, size_t *len)
{
    if (!dt_buf_cstr(b))
        return NULL;
    char *p = (char *)b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

enum dt_err dt_buf_shell_word(struct dt_buf *b, const char *s)
{
    enum dt_err rc = dt_buf_putc(b, '\'');
    for (; rc == DT_OK && *s; s++)
        rc = *s == '\'' ? dt_buf_puts(b, "'\\''") : dt_buf_putc(b, *s);
    if (rc == DT_OK)
        rc = dt_buf_putc(b, '\'');
    return rc;
}
