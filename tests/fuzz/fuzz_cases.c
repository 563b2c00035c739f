/* Fuzz target: the chain-case loader (JSON, validation, places). Paths
 * resolve under a directory that does not exist, so file loading fails
 * cleanly and the JSON handling is what gets exercised. */
#include "cases.h"
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_cases c;
    dt_cases_init(&c);
    enum dt_err rc = dt_cases_load_text(&c, "fuzz.json", "/nonexistent-dir", text, size, &d);
    if (rc == DT_OK && d.errors)
        __builtin_trap();
    dt_cases_free(&c);
    free(text);
    return 0;
}
