/* stdin_driver.c - runs a libFuzzer target on one input read from stdin, so
 * corpora replay with any compiler (make check) and crashes reproduce with
 * `build/fuzz-stdin/fuzz_X < crash-file`. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(void)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return 2;
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb)
                return 2;
            buf = nb;
            cap *= 2;
        }
    }
    int rc = LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return rc;
}
