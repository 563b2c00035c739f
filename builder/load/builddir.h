/*
 * buildread.h - reading a `distrust build` output directory back: the
 * distrust (trust) objects of OUT/certdata-distrust.txt, the distrust-after
 * roots, and a check against the SHA-256 in OUT/manifest.json. Shared by the
 * verifier and the impact analysis.
 */
#ifndef DT_BUILDREAD_H
#define DT_BUILDREAD_H

#include "cdparse.h"
#include "cert.h"

#include <limits.h>

/* The largest manifest.json read back (one that is larger is unreadable). */
#define DT_MAX_MANIFEST_BYTES ((size_t)64 << 20)

/* One trust object of the build. */
struct dt_bentry {
    const char *label;
    const char *comment; /* the comment block before the object, or NULL */
    char source[160]; /* its "# Source:" comment ("policy.json /entries/3, ..."), or "" */
    struct dt_slice issuer;
    struct dt_slice serial_tlv;
    struct dt_slice serial; /* contents; the raw value when it is not a DER INTEGER */
    bool has_sha1;
    uint8_t sha1[20];
    unsigned long trust[3]; /* server, email, code; 0 when absent */
};

/* A root with distrust-after dates in the build. */
struct dt_bafter {
    const char *label;
    const char *comment;
    char source[160];
    const struct dt_cert *cert;
    bool has_server, has_email;
    int64_t server, email;
};

struct dt_build_data {
    char path[PATH_MAX]; /* realpath of certdata-distrust.txt */
    struct dt_cd_file cd;
    struct dt_bentry *entries;
    size_t n_entries, cap_entries;
    struct dt_bafter *afters;
    size_t n_afters, cap_afters;
    struct dt_certlist certs; /* certificate objects that parse */
};

/* Reads dir/certdata-distrust.txt; warns when it does not match the
 * manifest. Free with dt_builddir_free() even on failure. */
DT_MUST_USE enum dt_err dt_builddir_load(const char *dir, struct dt_build_data *b,
                                           struct dt_diags *d);
/* dt_builddir_load from memory (tests, fuzzing): certdata is the text of a
 * certdata-distrust.txt, named display in diagnostics (and b->path). With
 * manifest_display not NULL, the text is checked against manifest, the text
 * of the build's manifest.json (NULL: there is none), as dt_builddir_load
 * does; with manifest_display NULL there is no check. Borrows nothing from
 * the slices after it returns. Free with dt_builddir_free() even on
 * failure. */
DT_MUST_USE enum dt_err dt_builddir_load_mem(const char *display, struct dt_slice certdata,
                                             const char *manifest_display,
                                             const struct dt_slice *manifest,
                                             struct dt_build_data *b, struct dt_diags *d);
/* The same objects from any certdata.txt (a merged one), without the
 * manifest check. */
DT_MUST_USE enum dt_err dt_builddir_load_file(const char *file, struct dt_build_data *b,
                                                struct dt_diags *d);
void dt_builddir_free(struct dt_build_data *b);

/* The text after "# Source: " in a comment, up to the end of its line. */
void dt_builddir_source_of(const char *comment, char *out, size_t cap);
/* The same for any "# NAME: " line ("Incident", "Bug", "Why"); "" when absent. */
void dt_builddir_comment_field(const char *comment, const char *name, char *out, size_t cap);

#endif
