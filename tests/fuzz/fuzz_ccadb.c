/* Fuzz target: a CCADB report (ccadb.h): the header, every row and its
 * certificate, then the all-or-nothing loader over the same bytes. */
#include "fuzz_util.h"
#include "ccadb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_slice text = dt_slice_make(data, size);
    (void)dt_ccadb_sniff(text);
    struct dt_ccadb r;
    size_t good = 0;
    bool failed = false;
    if (dt_ccadb_open(&r, "fuzz.csv", text, &d) == DT_OK) {
        if (r.pem < 0 || (size_t)r.pem >= r.n_names || dt_ccadb_column(&r, r.names[r.pem]) < 0)
            __builtin_trap(); /* an open report has its PEM column */
        struct dt_ccadb_row row = {0};
        bool eof = false;
        for (;;) {
            enum dt_err rc = dt_ccadb_next(&r, &row, &eof, &d);
            if (rc != DT_OK) {
                failed = true;
                break;
            }
            if (eof)
                break;
            if (!row.cert || row.rec.n != r.n_names || row.index != good + 1)
                __builtin_trap(); /* every row read has its certificate and all its fields */
            (void)dt_ccadb_get(&row, r.sha256);
            (void)dt_ccadb_get(&row, (int)r.n_names - 1);
            good++;
        }
        dt_ccadb_row_free(&row);
        dt_ccadb_close(&r);
    } else {
        failed = true;
    }
    struct dt_certlist l = {0};
    l.skip_openssl_check = true;
    enum dt_err lrc = dt_ccadb_load_certs("fuzz.csv", text, &l, &d);
    if (lrc == DT_OK ? (failed || l.n != good || !good) : l.n != 0)
        __builtin_trap(); /* the loader agrees with the rows, all or nothing */
    dt_cert_list_free(&l);
    return 0;
}
