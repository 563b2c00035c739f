/*
 * build.h - `distrust build`: policy in, every output out (dt_build_run).
 */
#ifndef DT_BUILD_H
#define DT_BUILD_H

#include "common.h"
#include "diag.h"

/* The largest blob sequence number: manifest.json holds it as a JSON
 * number, exact up to 2^53 - 1. */
#define DT_SEQUENCE_MAX ((uint64_t)9007199254740991)

/* Options of dt_build_run(). Zero-initialise, then fill in. */
struct dt_build_opts {
    const char *const *policies; /* policy files or directories of *.json */
    size_t n_policies;
    const char *out_dir; /* NULL: check everything, write nothing (lint) */
    int strict;          /* warnings make the run fail (DT_ERR_STRICT) */
    dt_diag_fn diag;     /* required */
    void *diag_ctx;
    dt_progress_fn progress; /* optional */
    void *progress_ctx;
    const char *const *pools; /* certificate pools (directories or files), besides the
                               * "pool" of each policy file */
    size_t n_pools;
    const char *const *roots; /* root stores (certdata.txt or PEM): their certificates
                               * join the pool as its only trust anchors */
    size_t n_roots;
    dt_line_fn explain; /* optional: one line per distrust and why it is there */
    void *explain_ctx;
    int has_date;                  /* date is set: */
    int64_t date;                  /* seconds since the epoch for the outputs' timestamps
                                    * (onecrl.json last_modified, the blob's created);
                                    * without it the newest "created" of the policy's
                                    * entries, or 0 (a warning) */
    const char *date_from;         /* where date came from, for the manifest ("--date",
                                    * "SOURCE_DATE_EPOCH"); NULL: "--date" */
    const char *sign_key;          /* optional: ECDSA private key (PEM) that signs
                                    * revocations.blob (P-256 or P-384) and, when it is
                                    * P-384, onecrl.json (onecrl.signature.json) */
    int has_sequence;              /* sequence is set: */
    uint64_t sequence;             /* the blob's sequence number, 1 to DT_SEQUENCE_MAX; it
                                    * must be greater than previous_dir's */
    const char *previous_dir;      /* optional: the previous release's build directory; its
                                    * manifest's sequence + 1 is this one's (without
                                    * has_sequence). With neither, the sequence is the date
                                    * in seconds, and a warning says so */
    const char *certdata_upstream; /* optional: an NSS certdata.txt; OUT/certdata.txt is it
                                    * with the policy merged in (doc/certdata.md) */
    int has_expired_before;        /* report entries whose certificates all expired before: */
    int64_t expired_before;
    dt_line_fn prune; /* required with has_expired_before: one line per such entry */
    void *prune_ctx;
    const char *const *cases; /* chain case files copied into OUT/tests/ for
                               * OUT/test-distrust.sh (doc/packaging.md) */
    size_t n_cases;
};

/* Summary of a build, filled by dt_build_run() even when it fails. */
struct dt_build_summary {
    size_t errors;
    size_t warnings;
    size_t policy_files;
    size_t rules;             /* policy entries */
    size_t items;             /* distrust keys after expansion and dedupe */
    size_t nss_trust_objects; /* CKO_NSS_TRUST objects written */
    size_t nss_cert_objects;  /* CKO_CERTIFICATE objects written */
    size_t distrust_after;    /* roots carrying a distrust-after date */
    size_t onecrl_records;    /* onecrl.json records written */
    size_t blob_issuers;      /* revocations.blob: issuers, */
    size_t blob_serials;      /* issuer + serial entries, */
    size_t blob_subject_keys; /* subject + key entries */
    size_t blob_bytes;        /* and its size */
    size_t p11kit_objects;    /* distrust.p11-kit objects (certificates and nss-trust) */
    size_t test_cases;        /* chain cases of test-distrust.sh */
    size_t pool_skipped;      /* pool files that held no certificate */
    uint64_t sequence;        /* the blob's sequence number, */
    int64_t created;          /* and its creation time (seconds), once decided */
    size_t pool_certs;        /* certificates in the pool */
    size_t expanded;          /* distrusts found in the pool (cross-signs, keys) */
    size_t open_paths;        /* pool paths to a distrusted key left open */
    size_t prune_expired;     /* with has_expired_before: entries that expired, */
    size_t prune_unknown;     /* entries with no known certificate, */
    size_t prune_live;        /* and entries still valid */
};

/* Loads and validates the policy, resolves it, emits every output and, when
 * opts->out_dir is set, replaces that directory atomically with the result.
 * On any error the previous output directory is left untouched.
 * summary may be NULL. */
DT_MUST_USE enum dt_err dt_build_run(const struct dt_build_opts *opts,
                                     struct dt_build_summary *summary);

#endif
