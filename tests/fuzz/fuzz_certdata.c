/* Fuzz target: the certdata.txt parser (shared by the PKCS#11 module, the
 * verifier, the importer and the merge) and the certdata importer on top of
 * it. */
#include "cdparse.h"
#include "fuzz_util.h"
#include "import.h"

#include <jansson.h>
#include <string.h>

static void import(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_buf policy;
    dt_buf_init(&policy, 0);
    struct dt_outlist pems;
    struct dt_import_summary s;
    memset(&s, 0, sizeof(s));
    enum dt_err rc = dt_import_certdata_mem("fuzz.txt", dt_slice_make(data, size), "fuzz-certs",
                                            &policy, &pems, &s, &d);
    if (rc == DT_OK) {
        if (d.errors)
            __builtin_trap();
        json_error_t e;
        json_t *v = json_loadb((const char *)policy.data, policy.len, 0, &e);
        if (!v || json_array_size(json_object_get(v, "entries")) != s.records + s.distrust_after)
            __builtin_trap(); /* the policy written is not the JSON it claims to be */
        json_decref(v);
        for (size_t i = 0; i < pems.n; i++)
            if (!pems.files[i].data.n || !pems.files[i].name)
                __builtin_trap();
        dt_outdir_list_free(&pems);
    }
    dt_buf_free(&policy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_cd_file f;
    enum dt_err rc = dt_cdparse_mem("fuzz.txt", dt_slice_make(data, size), &f, &d);
    if (rc == DT_OK && d.errors)
        __builtin_trap(); /* success after an error is a bug */
    for (size_t i = 0; rc == DT_OK && i < f.n_objs; i++) {
        const struct dt_cd_object *o = &f.objs[i];
        if (o->first_line > o->line || o->line > o->last_line)
            __builtin_trap(); /* an object's extent holds its CKA_CLASS line */
        for (size_t k = 0; k < o->n_attrs; k++) {
            const struct dt_cd_attr *a = &o->attrs[k];
            if (a->value[a->len] != 0)
                __builtin_trap(); /* every value is followed by a NUL */
            if (a->line > a->end_line || a->end_line > o->last_line || a->line < o->line)
                __builtin_trap();
        }
    }
    dt_cdparse_free(&f);
    import(data, size);
    return 0;
}
