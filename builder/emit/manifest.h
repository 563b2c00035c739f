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

/* The release a build is: the blob's sequence number and the outputs'
 * time, and where each came from. */
struct dt_manifest_release {
    uint64_t sequence;         /* at most 2^53 - 1 (a JSON number) */
    const char *sequence_from; /* "--sequence", "--previous" or "date" */
    int64_t created;           /* seconds since the epoch */
    const char *created_from;  /* "--date", "SOURCE_DATE_EPOCH", "newest created" or "none" */
};

/* Writes the manifest JSON (sorted keys, two-space indent, final newline)
 * for files[0..n) into out. counts may contain names with a '.' to nest one
 * level ("targets.nss", the group name under 64 bytes); a name given twice,
 * or both as a count and as a group, is DT_ERR_INTERNAL. incidents
 * (borrowed, may be NULL): the revocation deadlines the build judged, as
 * "incidents". release (may be NULL): the manifest's "release" object
 * ({"sequence", "sequence_from", "created" as RFC 3339, "created_from"}). */
DT_MUST_USE enum dt_err
dt_manifest_write(const char *policy_sha256_hex, const struct dt_outfile *files, size_t n,
                  const struct dt_count *counts, size_t n_counts, const struct dt_expansion *exp,
                  size_t n_exp, const char *upstream_name, const char *upstream_sha256_hex,
                  json_t *incidents, const struct dt_manifest_release *release,
                  struct dt_buf *out);

#endif
