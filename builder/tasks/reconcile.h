/*
 * reconcile.h - `distrust reconcile`: OneCRL against the CCADB's
 * revoked-intermediates report (doc/reconcile.md).
 *
 * The consistency table of Mozilla's oneCRLDiffCCADB: every report row by
 * its "OneCRL Status" (Added to OneCRL, Cert Expired, Ready to Add) and
 * whether OneCRL has it (by issuer + serial, or by subject + pubKeyHash,
 * exact DER bytes as Firefox compares them); OneCRL records no row names
 * form the "absent from the report" column. With policies, what they send
 * to OneCRL is a third state, "in the policy, not yet in OneCRL". With a
 * pool and the NSS root store, the revocations a cross-certificate (or a
 * re-issue: the same subject and key) bypasses, and the OneCRL records
 * whose certificates have all expired.
 */
#ifndef DT_RECONCILE_H
#define DT_RECONCILE_H

#include "buf.h"
#include "common.h"
#include "diag.h"

/* The table: rows (where the certificate is) ... */
enum dt_rec_where {
    DT_REC_IN_ONECRL,   /* OneCRL has it */
    DT_REC_IN_POLICY,   /* a --policy entry sends it to OneCRL; OneCRL has not */
    DT_REC_NOT_ONECRL,  /* neither */
    DT_REC_N_WHERE
};
/* ... and columns (what the report says). */
enum dt_rec_status {
    DT_REC_ADDED,      /* "Added to OneCRL" */
    DT_REC_EXPIRED,    /* "Cert Expired" */
    DT_REC_READY,      /* "Ready to Add" */
    DT_REC_NO_ROW,     /* no row of the report names it */
    DT_REC_N_STATUS
};
/* What a cell means when it is not empty. */
enum dt_rec_verdict {
    DT_REC_OK,           /* as it should be */
    DT_REC_INCONSISTENT, /* a ❌ of oneCRLDiffCCADB */
    DT_REC_NOTE,         /* told, not an inconsistency (OneCRL records the report,
                          * which lists revoked intermediates only, does not hold) */
    DT_REC_NA            /* cannot hold anything */
};

/* The verdict of a cell (static). */
enum dt_rec_verdict dt_reconcile_verdict(enum dt_rec_where w, enum dt_rec_status s);

/* Options of dt_reconcile_run(). Zero-initialise, then fill in. */
struct dt_reconcile_opts {
    const char *onecrl;   /* a OneCRL Remote Settings dump (required) */
    const char *ccadb;    /* PublicIntermediateCertsRevokedWithPEMCSV (required) */
    const char *certdata; /* optional: the NSS root store whose anchors count */
    const char *const *pools; /* certificate pools (CCADB reports too) */
    size_t n_pools;
    const char *const *policies; /* optional: the maintainer's policies */
    size_t n_policies;
    int64_t date;     /* expiry is judged at this time (seconds) */
    int json;         /* one JSON document instead of Markdown */
    size_t max_rows;  /* Markdown: records listed per cell and list (0: 50) */
    dt_progress_fn progress; /* optional */
    void *progress_ctx;
};

struct dt_reconcile_summary {
    size_t cells[DT_REC_N_WHERE][DT_REC_N_STATUS];
    size_t inconsistencies; /* records in cells whose verdict is DT_REC_INCONSISTENT */
    size_t rows;            /* report rows (in the table) */
    size_t other_status;    /* rows left out, with a warning: a OneCRL Status none of
                             * the three (blank included) */
    size_t records;         /* OneCRL records (duplicates left out) */
    size_t duplicates;      /* OneCRL records with the key of an earlier one */
    size_t policy_items;    /* policy distrusts aimed at OneCRL */
    size_t bypasses;        /* revocations a cross-certificate bypasses (with certdata) */
    size_t compromised;     /* of which the report's reason is keyCompromise or
                             * cACompromise: failed checks, like the ❌ cells */
    size_t prunable;        /* OneCRL records whose certificates all expired (with a pool) */
    /* The OneCRL records no row names, by kind (the note of that cell):
     * subject + key records; issuer + serial records whose certificate the
     * pool (with a pool) shows to be a CA certificate, or an end-entity
     * one; the rest, unknown. */
    size_t no_row_subject_key, no_row_ca, no_row_leaf, no_row_unknown;
    bool paths_checked, prune_checked;
};

/* Reads the inputs, writes the report (Markdown, or JSON) into out and
 * fills summary. DT_OK whether or not the table shows an inconsistency
 * (summary->inconsistencies says); DT_ERR_INPUT after reporting bad input
 * at its place (file:line and row, or the JSON path), DT_ERR_USAGE (missing
 * options), DT_ERR_NOMEM, DT_ERR_INTERNAL. */
DT_MUST_USE enum dt_err dt_reconcile_run(const struct dt_reconcile_opts *opts, struct dt_buf *out,
                                         struct dt_reconcile_summary *summary,
                                         struct dt_diags *d);

#endif
