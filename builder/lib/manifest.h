/*
 * manifest.h - OUT/manifest.json: the tool version, the policy digest, the
 * SHA-256 and size of every other file in OUT, and counts.
 */
#ifndef DT_MANIFEST_H
#define DT_MANIFEST_H

#include "outdir.h"

struct dt_count {
    const char *name;
    uint64_t value;
};

/* Writes the manifest JSON (sorted keys, two-space indent, final newline)
 * for files[0..n) into out. counts may contain names with a '.' to nest one
 * level ("targets.nss"). */
DT_MUST_USE enum dt_err dt_manifest_write(const char *policy_sha256_hex,
                                          const struct dt_outfile *files, size_t n,
                                          const struct dt_count *counts, size_t n_counts,
                                          struct dt_buf *out);

#endif
