/* Fuzz target: the certdata.txt parser (shared by the PKCS#11 module, the
 * verifier and the importer). */
#include "cdparse.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diags_init(&d, fuzz_diag, NULL);
    struct dt_cd_file f;
    enum dt_err rc = dt_cd_parse("fuzz.txt", dt_slice_make(data, size), &f, &d);
    if (rc == DT_OK && d.errors)
        __builtin_trap(); /* success after an error is a bug */
    for (size_t i = 0; rc == DT_OK && i < f.n_objs; i++) {
        for (size_t k = 0; k < f.objs[i].n_attrs; k++) {
            const struct dt_cd_attr *a = &f.objs[i].attrs[k];
            if (a->value[a->len] != 0)
                __builtin_trap(); /* every value is followed by a NUL */
        }
    }
    dt_cd_file_free(&f);
    return 0;
}
