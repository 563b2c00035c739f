/*
 * impact.h - `distrust impact`: what a build does to a corpus of
 * certificates (doc/impact.md).
 */
#ifndef DT_IMPACT_H
#define DT_IMPACT_H

#include "common.h"
#include "diag.h"

/* Purposes for dt_impact_run(). */
#define DT_IMPACT_SERVER 0 /* TLS server authentication (CKA_TRUST_SERVER_AUTH) */
#define DT_IMPACT_EMAIL 1  /* S/MIME (CKA_TRUST_EMAIL_PROTECTION) */
#define DT_IMPACT_CODE 2   /* code signing (CKA_TRUST_CODE_SIGNING) */

/* Options of dt_impact_run(). Zero-initialise, then fill in. */
struct dt_impact_opts {
    const char *build_dir;    /* a `distrust build` output directory */
    const char *const *pools; /* certificate pools: issuers the chains may use */
    size_t n_pools;
    const char *const *roots; /* optional root stores: when given, only their
                               * certificates (certdata.txt: the trusted ones) are
                               * trust anchors */
    size_t n_roots;
    const char *const *corpus; /* the certificates whose fate is counted */
    size_t n_corpus;
    int purpose;     /* DT_IMPACT_* */
    int64_t at;      /* > 0: every certificate of a chain must be valid
                      * then (seconds); 0: validity is not checked */
    int json;        /* the report is one JSON document, not a table */
    int list;        /* the table has a line per corpus certificate */
    int strict;      /* warnings fail the run (DT_ERR_STRICT) */
    dt_diag_fn diag; /* required */
    void *diag_ctx;
    dt_progress_fn progress; /* optional */
    void *progress_ctx;
    dt_line_fn report; /* required: the table's lines, or the JSON */
    void *report_ctx;
};

struct dt_impact_summary {
    size_t corpus;     /* corpus certificates (de-duplicated) */
    size_t distrusted; /* every chain is cut by the build */
    size_t other_path; /* some chains are cut, another one is not */
    size_t unaffected; /* no chain is cut */
    size_t no_path;    /* no chain to a trust anchor before the change */
    size_t capped;     /* of which more chains existed than were looked at */
    size_t pool_certs, anchors, distrusts, entries;
    size_t errors, warnings;
};

/* Counts, per policy entry and in total, what the build does to every
 * corpus certificate (see doc/impact.md). */
DT_MUST_USE enum dt_err dt_impact_run(const struct dt_impact_opts *opts,
                                      struct dt_impact_summary *summary);

#endif
