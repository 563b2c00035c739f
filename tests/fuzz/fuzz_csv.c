/* Fuzz target: the RFC 4180 CSV reader (csv.h), record by record. */
#include "fuzz_util.h"
#include "csv.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_csv c;
    dt_csv_init(&c, "fuzz.csv", dt_slice_make(data, size));
    struct dt_csv_record r;
    bool eof = false;
    unsigned last = 0;
    size_t records = 0;
    for (;;) {
        enum dt_err rc = dt_csv_next(&c, &r, &eof, &d);
        if (rc != DT_OK || eof)
            break;
        records++;
        if (r.n == 0 || r.n > DT_MAX_CSV_FIELDS || r.line < last || r.end_line < r.line ||
            records > size + 1)
            __builtin_trap(); /* a record has fields, within the cap, lines in order */
        last = r.end_line;
        size_t total = 0;
        for (size_t i = 0; i < r.n; i++) {
            struct dt_slice f = dt_csv_field(&r, i);
            if (f.n > DT_MAX_CSV_FIELD_BYTES || f.n > size || (f.n && memchr(f.p, '\0', f.n)))
                __builtin_trap(); /* no field over its cap or longer than the input, no NUL */
            total += f.n;
            (void)dt_csv_field_is(&r, i, "X.509 Certificate (PEM)");
        }
        if (total > size)
            __builtin_trap(); /* unquoting never makes bytes */
    }
    dt_csv_free(&c);
    return 0;
}
