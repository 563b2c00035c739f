/*
 * ccadb.h - the CCADB's CSV reports, read as they are published
 * (AllCertificatePEMsCSVFormat, PublicIntermediateCertsRevokedWithPEMCSV and
 * the others): a header row names the columns, every other row is one
 * certificate. The certificate is in the PEM column ("X.509 Certificate
 * (PEM)" or "PEM Info"): a PEM block wrapped at any width, in a quoted
 * field, itself optionally wrapped in single quotes. Where the report has a
 * "SHA-256 Fingerprint" column, it must be the certificate's (a mismatch is
 * an error with its row). Column names are matched without regard to case
 * or surrounding blanks. Errors name file:line and the row.
 */
#ifndef DT_CCADB_H
#define DT_CCADB_H

#include "cert.h"
#include "csv.h"

#define DT_MAX_CCADB_ROWS 4000000 /* data rows of one report */

struct dt_ccadb {
    struct dt_csv csv;
    char **names; /* the header's column names, owned */
    size_t n_names;
    int pem, sha256;   /* column indexes, -1 when absent */
    unsigned header_line;
    size_t rows;       /* data rows read so far */
};

struct dt_ccadb_row {
    struct dt_csv_record rec; /* its fields (dt_ccadb_get) */
    size_t index;             /* 1-based data row (the header is row 0) */
    unsigned line;            /* where the row starts in the file */
    struct dt_cert *cert;     /* from its PEM column (file, line and index set); owned
                               * by the row: take it by setting it to NULL */
};

/* Whether text looks like a CCADB report: its first record is a header
 * with a PEM column. */
bool dt_ccadb_sniff(struct dt_slice text);

/* Whether text looks like a CSV table, a report or not: its first line is
 * text (no control character but tab and CR) that reads as a record of two
 * fields or more. A file given by name that is a table without a PEM
 * column is then told apart from a broken certificate. */
bool dt_ccadb_is_table(struct dt_slice text);

/* Reads the header of text (borrowed until dt_ccadb_close; path names it in
 * messages). A report without a PEM column is an input error. */
DT_MUST_USE enum dt_err dt_ccadb_open(struct dt_ccadb *r, const char *path, struct dt_slice text,
                                      struct dt_diags *d);
void dt_ccadb_close(struct dt_ccadb *r);

/* The index of the column called name, or -1. */
int dt_ccadb_column(const struct dt_ccadb *r, const char *name);

/* Reads the next row (freeing the previous one's certificate unless taken):
 * as many fields as the header, a certificate in the PEM column, its
 * fingerprint checked. *eof true at the end. DT_ERR_INPUT / DT_ERR_LIMIT
 * reported at file:line with the row, DT_ERR_INTERNAL (a digest OpenSSL
 * cannot give), DT_ERR_NOMEM. */
DT_MUST_USE enum dt_err dt_ccadb_next(struct dt_ccadb *r, struct dt_ccadb_row *row, bool *eof,
                                      struct dt_diags *d);
void dt_ccadb_row_free(struct dt_ccadb_row *row);

/* Column col of row, blanks around it removed (empty when col < 0). */
struct dt_slice dt_ccadb_get(const struct dt_ccadb_row *row, int col);

/* Every row's certificate appended to out (max_per_file and
 * skip_openssl_check of out respected), all or nothing. */
DT_MUST_USE enum dt_err dt_ccadb_load_certs(const char *path, struct dt_slice text,
                                            struct dt_certlist *out, struct dt_diags *d);

#endif
