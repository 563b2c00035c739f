/* Fuzz target: PEM/DER certificate loading (several per file). */
#include "cert.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_certlist l = {0};
    enum dt_err rc = dt_cert_load_mem("fuzz.pem", dt_slice_make(data, size), &l, &d, NULL);
    if (rc == DT_OK && l.n == 0)
        __builtin_trap(); /* success must mean at least one certificate */
    dt_cert_list_free(&l);
    return 0;
}
