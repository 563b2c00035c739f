/* Fuzz target: serial lists, under each serial_format (chosen by the
 * first byte). */
#include "fuzz_util.h"
#include "serials.h"

static enum dt_err sink(void *ctx, struct dt_slice s, unsigned long line)
{
    (void)ctx;
    (void)line;
    if (s.n == 0 || s.n > 64)
        __builtin_trap(); /* never deliver an empty or over-long serial */
    return DT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    enum dt_serial_format fmt = (enum dt_serial_format)(data[0] % 3);
    int fd;
    char path[64];
    if (!fuzz_memfile(data + 1, size - 1, &fd, path))
        return 0;
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_serials_result r;
    enum dt_err rc = dt_serials_read(path, fmt, &d, NULL, sink, NULL, NULL, NULL, &r);
    if (rc == DT_OK && r.errors)
        __builtin_trap(); /* success with errors reported is a bug */
    close(fd);
    return 0;
}
