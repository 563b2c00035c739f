/*
 * deadlines.h - `distrust deadlines`: the report a root program posts on an
 * incident's bug. For every incident entry of the policies: counts and
 * lists of the serials revoked on time, revoked late and not revoked, hours
 * past the deadline, the CRLs checked (the newest current one's thisUpdate
 * and nextUpdate; a stale CRL is flagged and is no evidence), when the
 * unrevoked certificates expire (from a pool that holds them), and which
 * distrust entries the next build adds. Markdown, or JSON.
 */
#ifndef DT_DEADLINES_H
#define DT_DEADLINES_H

#include "buf.h"
#include "diag.h"

struct dt_deadlines_opts {
    const char *const *policies;
    size_t n_policies;
    const char *const *pools; /* certificates of the incident, for their expiry */
    size_t n_pools;
    int64_t now; /* the evaluation time */
    bool json;
    size_t max_rows; /* Markdown rows per list (0: 50); JSON lists everything */
};

struct dt_deadlines_summary {
    size_t incidents;
    size_t overdue; /* serials not revoked past their deadline, all incidents */
};

/* Writes the report into out. DT_ERR_INPUT for bad policies, CRLs or serial
 * lists (reported), and when the policies hold no incident entry. */
DT_MUST_USE enum dt_err dt_deadlines_report(const struct dt_deadlines_opts *o, struct dt_buf *out,
                                            struct dt_deadlines_summary *sum, struct dt_diags *d);

#endif
