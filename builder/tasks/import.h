/*
 * import.h - reading other formats into policies (distrust import).
 */
#ifndef DT_IMPORT_H
#define DT_IMPORT_H

#include "buf.h"
#include "diag.h"
#include "outdir.h"

/* Options of dt_import_run(). Zero-initialise, then fill in. */
struct dt_import_opts {
    const char *kind;   /* "onecrl": a Remote Settings dump ({"data": [...]} or an array);
                         * "certdata": an NSS certdata.txt (its certificates are written
                         * into POLICY-certs/ beside the policy) */
    const char *input;  /* the file to read */
    const char *output; /* the policy file to write (replaced atomically) */
    int strict;         /* warnings (duplicates) fail the import, nothing written */
    dt_diag_fn diag;    /* required */
    void *diag_ctx;
    dt_progress_fn progress; /* optional */
    void *progress_ctx;
};

struct dt_import_summary {
    size_t records;     /* entries written */
    size_t subject_key; /* of which subject + pubKeyHash */
    size_t disabled;    /* of which "enabled": false (kept: Firefox enforces them) */
    size_t duplicates;  /* records left out: the same DER key bytes as an earlier one */
    size_t tombstones;  /* records left out: {"deleted": true} */
    /* certdata: */
    size_t certificates;   /* distrusts imported with their certificate */
    size_t issuer_serial;  /* distrusts imported by issuer and serial */
    size_t distrust_after; /* roots with distrust-after dates */
    char certs_dir[4096];  /* where the certificates went */
    size_t errors, warnings;
};

/* Reads a dump and writes a policy whose entries target onecrl and blob,
 * with the records' details as metadata. Nothing is written on error. */
DT_MUST_USE enum dt_err dt_import_run(const struct dt_import_opts *opts,
                                      struct dt_import_summary *summary);

/* A OneCRL Remote Settings dump (text, named input in messages) as policy
 * JSON appended to policy. DT_ERR_INPUT after reporting every bad record. */
DT_MUST_USE enum dt_err dt_import_onecrl_mem(const char *input, struct dt_slice text,
                                             struct dt_buf *policy, struct dt_import_summary *s,
                                             struct dt_diags *d, dt_progress_fn progress,
                                             void *progress_ctx);

/* The line number of the first "BEGINDATA" or "CKA_CLASS" line (an NSS
 * certdata.txt), 0 when there is none. */
unsigned dt_import_certdata_line(struct dt_slice text);
/* Whether the text starts (after a BOM and white space) with '{' or '['. */
bool dt_import_is_json(struct dt_slice text);

/* The distrusts of an NSS certdata.txt (text, named input in messages) as
 * policy JSON appended to policy; the certificates it names go into pems,
 * to be written into dir_name beside the policy. DT_ERR_INPUT after
 * reporting every problem. */
DT_MUST_USE enum dt_err dt_import_certdata_mem(const char *input, struct dt_slice text,
                                               const char *dir_name, struct dt_buf *policy,
                                               struct dt_outlist *pems, struct dt_import_summary *s,
                                               struct dt_diags *d);

#endif
