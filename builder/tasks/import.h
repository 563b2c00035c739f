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
                         * into POLICY-certs/ beside the policy); "ccadb": the CCADB's
                         * revoked-intermediates report (CSV) */
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
    /* ccadb (records: entries written; duplicates: rows left out): */
    size_t added;   /* of the entries, rows "Added to OneCRL" */
    size_t ready;   /* of the entries, rows "Ready to Add" */
    size_t expired; /* rows "Cert Expired", left out (a note each) */
    size_t other;   /* rows of any other OneCRL Status, left out (a warning each) */
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

/* The OneCRL Status of a row of the CCADB's revoked-intermediates report. */
enum dt_import_ccadb_status {
    DT_CCADB_ADDED,   /* "Added to OneCRL": imported */
    DT_CCADB_READY,   /* "Ready to Add": imported */
    DT_CCADB_EXPIRED, /* "Cert Expired": left out with a note */
    DT_CCADB_OTHER,   /* anything else (empty included): left out with a warning */
};

/* The status a cell names (case and blanks around it do not matter). */
enum dt_import_ccadb_status dt_import_ccadb_status_of(struct dt_slice cell);

/* Whether a report's "Certificate Serial Number" cell (hex; colons, blanks,
 * a 0x prefix and leading zeros allowed, any case) is the certificate's
 * serial (content, the DER INTEGER's contents octets), compared as
 * integers: the octets read as an unsigned number, or, when the cell
 * starts with '-', the absolute value of a negative serial. NULL when they
 * agree, else a static reason ("is not the certificate's serial", "is not
 * hex", "is empty", ...). */
const char *dt_import_ccadb_serial_check(struct dt_slice cell, struct dt_slice content);

/* A "Date of Revocation" cell (YYYY.MM.DD, YYYY-MM-DD, "YYYY Mon DD" as
 * the report writes it, or MM/DD/YYYY as CAs upload it) as YYYY-MM-DD into
 * out. NULL on success, else a static reason. */
const char *dt_import_ccadb_date(struct dt_slice cell, char out[11]);

/* The CCADB's revoked-intermediates report (text, named input in messages)
 * as policy JSON appended to policy: an issuer/serial entry ("scope":
 * "certificate", targets onecrl and blob) for every row "Ready to Add" or
 * "Added to OneCRL", in the order of the certificates' SHA-256. A row
 * whose fingerprint or serial is not its certificate's, or whose date does
 * not parse, is an error at file:line with its row; DT_ERR_INPUT after
 * reporting every such row (a row that does not parse as CSV or PEM stops
 * the import at once), nothing appended. */
DT_MUST_USE enum dt_err dt_import_ccadb_mem(const char *input, struct dt_slice text,
                                            struct dt_buf *policy, struct dt_import_summary *s,
                                            struct dt_diags *d);

#endif
