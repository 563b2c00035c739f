/*
 * manifest.h - OUT/manifest.json: the tool version, the policy digest, the
 * SHA-256 and size of every other file in OUT, and counts.
 */
#ifndef DT_MANIFEST_H
#define DT_MANIFEST_H

#include "outdir.h"

#include <jansson.h>

struct dt_count {
    const char *name;
    uint64_t value;
};

/* A distrust the pool expansion added, for the manifest's "expanded". */
struct dt_expansion {
    const char *entry;     /* "policy.json /entries/3" */
    const char *label;     /* of the object written */
    const char *pool_file; /* where the certificate was found */
    uint8_t sha256[32];    /* of the certificate */
    const char *relation;  /* why it was found: "same subject and key" */
    bool has_via;          /* via_sha256 is set: */
    uint8_t via_sha256[32]; /* the named certificate it shares subject and key with */
    const char *anchor_of; /* the root store that trusts it as an anchor, or NULL */
};

/* Writes the manifest JSON (sorted keys, two-space indent, final newline)
 * for files[0..n) into out. counts may contain names with a '.' to nest one
 * level ("targets.nss", the group name under 64 bytes); a name given twice,
 * or both as a count and as a group, is DT_ERR_INTERNAL. incidents
 * (borrowed, may be NULL): the revocation deadlines the build judged, as
 * "incidents". */
DT_MUST_USE enum dt_err
dt_manifest_write(const char *policy_sha256_hex, const struct dt_outfile *files, size_t n,
                  const struct dt_count *counts, size_t n_counts, const struct dt_expansion *exp,
                  size_t n_exp, const char *upstream_name, const char *upstream_sha256_hex,
                  json_t *incidents, struct dt_buf *out);

#endif
