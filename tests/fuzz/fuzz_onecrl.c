/* Fuzz target: the OneCRL dump importer (JSON, records, base64, DER names,
 * duplicates). Whatever it accepts must come out as valid JSON. */
#include "fuzz_util.h"
#include "import.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_buf policy;
    dt_buf_init(&policy, 0);
    struct dt_import_summary s;
    enum dt_err rc =
        dt_import_onecrl_mem("fuzz.json", dt_slice_make(data, size), &policy, &s, &d, NULL, NULL);
    if (rc == DT_OK) {
        if (d.errors)
            __builtin_trap();
        json_error_t e;
        json_t *v = json_loadb((const char *)policy.data, policy.len, 0, &e);
        if (!v || !json_is_array(json_object_get(v, "entries")) ||
            json_array_size(json_object_get(v, "entries")) != s.records)
            __builtin_trap(); /* the policy written is not the JSON it claims to be */
        json_decref(v);
    }
    dt_buf_free(&policy);
    return 0;
}
