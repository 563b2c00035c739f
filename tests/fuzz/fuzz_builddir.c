/* Fuzz target: the build-directory reader (load/builddir.c), from memory:
 * the input is a certdata-distrust.txt, optionally followed by the line
 * "#--- manifest.json ---" and the text of the build's manifest.json. What
 * it reads back must hold together: every distrust entry with its serial
 * inside its serial TLV, every distrust-after root with a date and its
 * certificate, the comment fields it extracts terminated; a success
 * reports no error. */
#include "builddir.h"
#include "fuzz_util.h"

#include <string.h>

#define SEP "\n#--- manifest.json ---\n"

static void field(const char *comment, const char *name)
{
    char out[64];
    memset(out, 'x', sizeof(out));
    dt_builddir_comment_field(comment, name, out, sizeof(out));
    if (!memchr(out, 0, sizeof(out)))
        __builtin_trap();
}

static bool inside(struct dt_slice in, struct dt_slice of)
{
    return !in.n || (in.p >= of.p && in.p + in.n <= of.p + of.n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memmem(data, size, SEP, strlen(SEP));
    struct dt_slice certdata = dt_slice_make(data, sep ? (size_t)(sep - data) : size);
    struct dt_slice manifest = dt_slice_make(NULL, 0);
    if (sep)
        manifest = dt_slice_make(sep + strlen(SEP), size - (size_t)(sep - data) - strlen(SEP));
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_build_data b;
    enum dt_err rc = dt_builddir_load_mem("certdata-distrust.txt", certdata, "manifest.json",
                                          sep ? &manifest : NULL, &b, &d);
    if (rc == DT_OK && d.errors)
        __builtin_trap(); /* success after an error */
    if (rc != DT_OK && !d.errors)
        __builtin_trap(); /* a failure nobody was told about */
    if (rc == DT_OK && !sep && !d.warnings)
        __builtin_trap(); /* no manifest, no warning */
    for (size_t i = 0; rc == DT_OK && i < b.n_entries; i++) {
        const struct dt_bentry *e = &b.entries[i];
        if (!e->label || !memchr(e->source, 0, sizeof(e->source)))
            __builtin_trap();
        if (!inside(e->serial, e->serial_tlv))
            __builtin_trap(); /* the serial's contents lie inside its TLV */
        if (e->comment) {
            field(e->comment, "Incident");
            field(e->comment, "Bug");
            field(e->comment, "Why");
        }
    }
    for (size_t i = 0; rc == DT_OK && i < b.n_afters; i++) {
        const struct dt_bafter *a = &b.afters[i];
        if (!a->label || !a->cert || (!a->has_server && !a->has_email))
            __builtin_trap();
        bool found = false;
        for (size_t k = 0; k < b.certs.n; k++)
            found |= b.certs.v[k] == a->cert;
        if (!found)
            __builtin_trap(); /* the root is one of the certificates read */
    }
    dt_builddir_free(&b);
    return 0;
}
