/*
 * diff.h - release notes between two builds (`distrust diff OLD NEW`).
 */
#ifndef DT_DIFF_H
#define DT_DIFF_H

#include "buf.h"
#include "diag.h"

struct dt_diff_summary {
    size_t added, removed, changed, unchanged; /* distrusts (NSS objects, OneCRL records) */
    size_t afters_changed;                     /* distrust-after roots added, removed, changed */
    size_t blob_added, blob_removed;           /* revocations.blob keys */
};

/* Compares the build output directories old_dir and new_dir and writes
 * Markdown release notes (or JSON) into out. DT_ERR_INPUT, reported, when a
 * directory is not a readable build. */
DT_MUST_USE enum dt_err dt_diff_run(const char *old_dir, const char *new_dir, bool as_json,
                                    struct dt_buf *out, struct dt_diff_summary *sum,
                                    struct dt_diags *d);

#endif
