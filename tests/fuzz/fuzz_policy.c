/* Fuzz target: the policy loader (JSON, validation, diagnostics places). */
#include "fuzz_util.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd;
    char path[64];
    if (!fuzz_memfile(data, size, &fd, path))
        return 0;
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_policy p;
    const char *paths[1] = {path};
    enum dt_err rc = dt_policy_load(&p, paths, 1, &d);
    (void)rc;
    dt_policy_free(&p);
    close(fd);
    return 0;
}
