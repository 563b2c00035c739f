/* Fuzz target: the CCADB revoked-intermediates importer (the report by its
 * header, each row's certificate, its serial cell compared as an integer,
 * its revocation date, its status, the metadata texts cleaned for a policy).
 * Whatever it accepts must come out as a policy whose entries are the
 * imported rows, each one certificate's issuer and serial, scope
 * certificate, and whose texts are valid JSON strings. */
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
    memset(&s, 0, sizeof(s));
    enum dt_err rc = dt_import_ccadb_mem("fuzz.csv", dt_slice_make(data, size), &policy, &s, &d);
    if (rc == DT_OK) {
        if (d.errors || s.records != s.added + s.ready)
            __builtin_trap();
        json_error_t e;
        json_t *v = json_loadb((const char *)policy.data, policy.len, 0, &e);
        json_t *entries = json_object_get(v, "entries");
        if (!v || !json_is_array(entries) || json_array_size(entries) != s.records)
            __builtin_trap(); /* the policy written is not the JSON it claims to be */
        for (size_t i = 0; i < json_array_size(entries); i++) {
            json_t *en = json_array_get(entries, i);
            const char *scope = json_string_value(json_object_get(en, "scope"));
            if (!scope || strcmp(scope, "certificate") ||
                !json_is_string(json_object_get(en, "issuer_der")) ||
                !json_is_string(json_object_get(en, "serial")))
                __builtin_trap(); /* a revocation that is not one certificate */
        }
        json_decref(v);
    } else if (policy.len) {
        __builtin_trap(); /* nothing is written on error */
    }
    /* the row rules alone, on the same bytes */
    char out[11];
    (void)dt_import_ccadb_date(dt_slice_make(data, size < 64 ? size : 64), out);
    (void)dt_import_ccadb_serial_check(dt_slice_make(data, size < 200 ? size : 200),
                                       dt_slice_make(data, size < 70 ? size : 70));
    dt_buf_free(&policy);
    return 0;
}
