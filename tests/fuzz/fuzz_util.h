/* fuzz_util.h - helpers shared by the fuzz targets. */
#ifndef DT_FUZZ_UTIL_H
#define DT_FUZZ_UTIL_H

#include "diag.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fuzz input read a byte at a time (zeros past its end). */
struct fuzz_rd {
    const uint8_t *p;
    size_t n;
};

static inline unsigned fuzz_byte(struct fuzz_rd *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* Diagnostics are formatted (to exercise the sink) and dropped. */
static inline void fuzz_diag(const struct dt_diag *d, void *ctx)
{
    (void)ctx;
    char buf[64];
    snprintf(buf, sizeof(buf), "%s:%u:%u", d->file ? d->file : "", d->line, d->col);
}

/* Puts data in an anonymous in-memory file; returns its /proc path in buf
 * (fd in *fd, close it after use) or NULL. */
static inline const char *fuzz_memfile(const uint8_t *data, size_t size, int *fd, char buf[64])
{
    *fd = memfd_create("fuzz", 0);
    if (*fd < 0)
        return NULL;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(*fd, data + off, size - off);
        if (w <= 0)
            return NULL;
        off += (size_t)w;
    }
    snprintf(buf, 64, "/proc/self/fd/%d", *fd);
    return buf;
}

#endif
