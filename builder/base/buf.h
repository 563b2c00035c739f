/*
 * buf.h - the one growable byte buffer, with a hard cap.
 *
 * A dt_buf owns its memory unless it was made with dt_buf_borrow(), in which
 * case it is a read-only view and dt_buf_free() leaves the bytes alone.
 * Appending past `max` fails with DT_ERR_LIMIT and leaves the buffer intact.
 */
#ifndef DT_BUF_H
#define DT_BUF_H

#include "common.h"

#include <stdarg.h>

struct dt_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
    bool owned; /* false for borrowed views */
};

#define DT_BUF_DEFAULT_MAX ((size_t)1 << 30)

/* Initialises an empty owned buffer that may grow up to max bytes. */
void dt_buf_init(struct dt_buf *b, size_t max);
/* Makes b a borrowed read-only view of p[0..n). */
void dt_buf_borrow(struct dt_buf *b, const void *p, size_t n);
/* Frees owned memory and resets b to empty. NULL is a no-op. */
void dt_buf_free(struct dt_buf *b);
/* Drops the contents but keeps the allocation. */
void dt_buf_reset(struct dt_buf *b);

DT_MUST_USE enum dt_err dt_buf_reserve(struct dt_buf *b, size_t extra);
DT_MUST_USE enum dt_err dt_buf_append(struct dt_buf *b, const void *p, size_t n);
DT_MUST_USE enum dt_err dt_buf_putc(struct dt_buf *b, char c);
DT_MUST_USE enum dt_err dt_buf_puts(struct dt_buf *b, const char *s);
/* Appends s as one POSIX shell word in single quotes ('\'' for a quote). */
DT_MUST_USE enum dt_err dt_buf_shell_word(struct dt_buf *b, const char *s);
DT_MUST_USE enum dt_err dt_buf_printf(struct dt_buf *b, const char *fmt, ...) DT_PRINTF(2, 3);
DT_MUST_USE enum dt_err dt_buf_vprintf(struct dt_buf *b, const char *fmt, va_list ap);

/* Returns the contents as a NUL-terminated string (the NUL is not counted
 * in len). Borrowed, valid until the next change to b. NULL on failure. */
const char *dt_buf_cstr(struct dt_buf *b);

/* Transfers ownership of the bytes to the caller (who frees with free());
 * b becomes empty. Always NUL-terminated. NULL on allocation failure. */
char *dt_buf_steal(struct dt_buf *b, size_t *len);

#endif
