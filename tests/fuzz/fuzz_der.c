/* Fuzz target: the DER walker (certificate fields, names, times), the
 * name printer, and the hex/base64 decoders. */
#include "der.h"
#include "fuzz_util.h"
#include "nssname.h"
#include "hex.h"
#include "b64.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_slice in = dt_slice_make(data, size);
    struct dt_certinfo ci;
    if (dt_der_parse_cert(in, &ci) == NULL) {
        /* Every field lies inside the input. */
        const struct dt_slice *f[] = {&ci.tbs,  &ci.serial,     &ci.issuer,   &ci.subject,
                                      &ci.spki, &ci.not_before, &ci.not_after};
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
            if (f[i]->p < data || f[i]->p + f[i]->n > data + size)
                __builtin_trap();
        int64_t t;
        (void)dt_der_time(ci.not_before, &t);
        free(dt_nssname_comment(ci.issuer));
        free(dt_nssname_common_name(ci.subject));
    }
    (void)dt_der_check_name(in);
    free(dt_nssname_text(in));
    int64_t t;
    (void)dt_der_time(in, &t);
    struct dt_buf b;
    dt_buf_init(&b, 1 << 20);
    size_t col;
    (void)dt_hex_decode((const char *)data, size, &b, &col);
    dt_buf_reset(&b);
    (void)dt_b64_decode((const char *)data, size, true, &b);
    dt_buf_free(&b);
    return 0;
}
