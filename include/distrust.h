/*
 * distrust.h - public API of libdistrust.
 *
 * libdistrust turns a declarative distrust policy into the files a root
 * program or an OS packager ships (NSS certdata.txt distrust objects first).
 * The library never prints and never exits: every problem is reported through
 * a diagnostics sink (struct dt_diag) and an enum dt_err return value.
 *
 * No NSS, OpenSSL or jansson type appears in this header.
 */
#ifndef DISTRUST_H
#define DISTRUST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_VERSION "0.4.0"

#if defined(__GNUC__)
#define DT_MUST_USE __attribute__((warn_unused_result))
#else
#define DT_MUST_USE
#endif

/* Result of every fallible function. The numeric values of the first few
 * double as process exit codes in the CLI (see dt_err_exit_code()). */
enum dt_err {
    DT_OK = 0,
    DT_ERR_INPUT,    /* bad input: policy, certificate, serial list ... */
    DT_ERR_USAGE,    /* bad call: wrong arguments */
    DT_ERR_LIMIT,    /* a documented size or count cap was hit */
    DT_ERR_IO,       /* reading or writing a file failed */
    DT_ERR_NOMEM,    /* allocation failed */
    DT_ERR_STRICT,   /* warnings were raised and strict mode is on */
    DT_ERR_INTERNAL, /* a bug: an invariant did not hold */
};

/* Static English text for an error code. Never NULL. */
const char *dt_err_str(enum dt_err err);

/* Process exit code for an error: 0 ok, 1 bad input (and strict warnings),
 * 2 usage, 4 internal or I/O. */
int dt_err_exit_code(enum dt_err err);

enum dt_severity {
    DT_NOTE = 0,
    DT_WARNING,
    DT_ERROR,
};

/* One diagnostic. All pointers are borrowed and valid only during the
 * callback. file may be NULL (no file involved); line/col are 1-based, 0 when
 * unknown; json_path is a JSON pointer ("/entries/3/serial") or NULL;
 * source_line is the text of the offending line (no newline) or NULL. */
struct dt_diag {
    enum dt_severity severity;
    const char *file;
    unsigned line;
    unsigned col;
    const char *json_path;
    const char *source_line;
    const char *message;
};

/* Diagnostics sink: called once per diagnostic, in order. */
typedef void (*dt_diag_fn)(const struct dt_diag *diag, void *ctx);

/* Progress callback for long steps: phase is a short static string, total is
 * 0 when unknown. Called at most a few times per second. */
typedef void (*dt_progress_fn)(const char *phase, uint64_t done, uint64_t total, void *ctx);

/* Receives one line of a report (the verifier's TAP, build --explain),
 * without a newline. */
typedef void (*dt_line_fn)(const char *line, void *ctx);

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
                                    * (onecrl.json last_modified); without it the newest
                                    * "created" of the onecrl entries, or 0 */
    const char *sign_key;          /* optional: ECDSA private key (PEM) that signs
                                    * revocations.blob (P-256 or P-384) and, when it is
                                    * P-384, onecrl.json (onecrl.signature.json) */
    int has_sequence;              /* sequence is set: */
    uint64_t sequence;             /* the blob's sequence number (default: the date in seconds) */
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

/* Engines for dt_verify_run(). */
#define DT_VERIFY_PKIX 1u    /* CERT_PKIXVerifyCert, as vfychain -pp */
#define DT_VERIFY_CLASSIC 2u /* CERT_VerifyCertificate, as vfychain without -p */
#define DT_VERIFY_OPENSSL 4u /* X509_verify_cert with OUT/revocations.blob enforced */

/* Deployments for dt_verify_run(): the real client a verdict models. Each
 * is credited only with the effects its client has (doc/verify.md). */
#define DT_DEPLOY_OVERLAY                                    \
    1u /* NSS + libdistrust-pkcs11.so (overlay mode) serving \
        * OUT/certdata-distrust.txt over the case's anchors: \
        * trust objects, never distrust-after dates */
#define DT_DEPLOY_ROOT_STORE                               \
    2u /* OUT/certdata.txt (build --certdata) alone as the \
        * built-in roots: trust objects and its dates */
#define DT_DEPLOY_P11KIT                                      \
    4u /* NSS + p11-kit-trust.so serving OUT/distrust.p11-kit \
        * and the case's anchors: trust objects, never dates */
#define DT_DEPLOY_OPENSSL                                 \
    8u /* X509_verify_cert with OUT/revocations.blob: the \
        * blob's entries, never dates */
#define DT_DEPLOY_ALL 15u

/* Options of dt_verify_run(). Zero-initialise, then fill in. */
struct dt_verify_opts {
    const char *build_dir;         /* a `distrust build` output directory */
    const char *const *case_files; /* chain case files (JSON) */
    size_t n_case_files;
    unsigned engines;      /* DT_VERIFY_* bits; 0 means PKIX */
    const char *module;    /* path of libdistrust-pkcs11.so (required) */
    const char *keep_work; /* NULL, or a directory that receives, per case,
                            * the anchors, the chain and a reproduce.sh that
                            * replays it with modutil and vfychain */
    int64_t now;           /* time for cases without one (seconds) */
    int strict;            /* warnings (e.g. a manifest mismatch) fail the run */
    dt_diag_fn diag;       /* required */
    void *diag_ctx;
    dt_line_fn report; /* required */
    void *report_ctx;
    unsigned jobs;           /* NSS worker processes at once (0: one per online CPU) */
    int fresh_processes;     /* every verification in a process of its own, as one
                              * vfychain per chain (default: chains of one
                              * configuration share a worker, isolation checked) */
    dt_progress_fn progress; /* optional: "verifying", results so far, total */
    void *progress_ctx;
    unsigned deployments;      /* DT_DEPLOY_* bits; 0: the default (overlay, plus
                                * root-store when OUT has a merged certdata.txt, for
                                * the NSS engines; openssl with DT_VERIFY_OPENSSL) */
    const char *p11kit_module; /* p11-kit-trust.so for DT_DEPLOY_P11KIT (NULL: the
                                * usual system paths); not found, the deployment is
                                * not checked and the report says so */
};

struct dt_verify_summary {
    size_t checks; /* case x deployment x engine verdicts */
    size_t passed;
    size_t failed;        /* mismatches, INVALID cases and errors */
    size_t invalid;       /* of which: the baseline already failed */
    size_t errors;        /* of which: the verification could not run */
    size_t merged_checks; /* root-store verdicts: OUT/certdata.txt alone (a case
                           * whose root store is the merge's upstream) */
    size_t not_checked;   /* cases no selected deployment judges */
};

/* Replays every case under real NSS, in worker processes that never mix
 * configurations: first without the build's distrust data (the baseline
 * must validate, otherwise the case is INVALID), then once per selected
 * deployment and engine with the build as that deployment's client
 * consumes it; reports one TAP line per (case, deployment, engine) check.
 * Returns DT_OK when every check ran (summary->failed says whether all
 * held), DT_ERR_INPUT for bad case files or build directory, or when no
 * selected deployment judges any case, DT_ERR_STRICT for warnings with
 * strict. */
DT_MUST_USE enum dt_err dt_verify_run(const struct dt_verify_opts *opts,
                                      struct dt_verify_summary *summary);


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

/* ---- the revocation blob (doc/blob-format.md) ------------------------------------ *
 *
 * A blob is opened from memory (the bytes are copied; the caller's buffer
 * can go right after dt_blob_open returns), is immutable afterwards, and
 * may be read from any number of threads at once. Opening is fail-closed:
 * a truncated, corrupted, oversized or unknown-version blob, or one without a
 * valid signature when a key is required, is an error, never an empty set.
 * Nothing is global; every handle is closed with dt_blob_close(). */
struct dt_blob;
struct dt_blob_issuer;

struct dt_blob_open_opts {
    const char *verify_key_pem; /* NUL-terminated PEM public key (or certificate):
                                 * the blob must carry a valid signature by it.
                                 * NULL: a signature is not required (nor checked) */
    size_t max_content_bytes;   /* cap on the decompressed content; 0: 1 GiB */
};

struct dt_blob_info {
    unsigned version;
    uint64_t sequence;
    int64_t created;     /* seconds since the epoch */
    size_t issuers;      /* issuer names */
    size_t serials;      /* issuer + serial entries */
    size_t subject_keys; /* subject + SPKI-hash entries */
    size_t ef_groups, raw_groups;
    int is_signed;          /* a signature trailer is present */
    int signature_verified; /* and it was checked against verify_key_pem */
    int signature_bits;     /* 256 (P-256/SHA-256) or 384 (P-384/SHA-384); 0 unsigned */
    uint8_t key_id[32];     /* SHA-256 of the signer's DER SubjectPublicKeyInfo */
    uint8_t digest[32];     /* SHA-256 of the header fields and the stored body */
    size_t file_bytes, content_bytes;
};

/* Opens a blob. On failure *out is NULL and err (when given) holds why. */
DT_MUST_USE enum dt_err dt_blob_open(const void *data, size_t len,
                                     const struct dt_blob_open_opts *opts, struct dt_blob **out,
                                     char *err, size_t err_cap);
/* The same from a file. Only a regular file is read: a FIFO, a socket, a
 * device or a directory is refused (DT_ERR_INPUT) without blocking and
 * before anything is read; a file that cannot be opened is DT_ERR_IO. */
DT_MUST_USE enum dt_err dt_blob_open_file(const char *path, const struct dt_blob_open_opts *opts,
                                          struct dt_blob **out, char *err, size_t err_cap);
void dt_blob_close(struct dt_blob *b);
void dt_blob_get_info(const struct dt_blob *b, struct dt_blob_info *info);

/* Lookups: 1 listed, 0 not. A serial is its DER INTEGER content octets,
 * exactly as in the certificate (the 00 pad kept); dt_blob_serial_der takes
 * the whole INTEGER TLV (02 len content) and returns -1 when it is not one. */
int dt_blob_has_serial(const struct dt_blob *b, const uint8_t *issuer_der, size_t issuer_len,
                       const uint8_t *serial, size_t serial_len);
int dt_blob_has_serial_der(const struct dt_blob *b, const uint8_t *issuer_der, size_t issuer_len,
                           const uint8_t *serial_tlv, size_t tlv_len);
int dt_blob_has_spki(const struct dt_blob *b, const uint8_t *subject_der, size_t subject_len,
                     const uint8_t spki_sha256[32]);
/* Many serials of one issuer: find it once (NULL: the blob lists none of
 * its serials), then ask. The handle lives as long as the blob. */
const struct dt_blob_issuer *dt_blob_find_issuer(const struct dt_blob *b, const uint8_t *der,
                                                 size_t len);
int dt_blob_issuer_has(const struct dt_blob_issuer *issuer, const uint8_t *serial, size_t len);

/* Many issuer + serial lookups at once (a batch of certificates): listed[i]
 * is set to 1 or 0 for q[i]. Faster than one call per query: the memory
 * latencies of neighbouring queries overlap. */
struct dt_blob_query {
    const uint8_t *issuer;
    size_t issuer_len;
    const uint8_t *serial;
    size_t serial_len;
};
void dt_blob_lookup_many(const struct dt_blob *b, const struct dt_blob_query *q, size_t n,
                         uint8_t *listed);

/* Every entry, issuers in blob order and serials ascending within a serial
 * length, then every subject + key. A callback returning non-zero stops the
 * walk (dt_blob_iterate returns that value). */
typedef int (*dt_blob_serial_fn)(const uint8_t *issuer, size_t issuer_len, const uint8_t *serial,
                                 size_t serial_len, void *ctx);
typedef int (*dt_blob_spki_fn)(const uint8_t *subject, size_t subject_len,
                               const uint8_t spki_sha256[32], void *ctx);
int dt_blob_iterate(const struct dt_blob *b, dt_blob_serial_fn on_serial, dt_blob_spki_fn on_spki,
                    void *ctx);

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

/* Where the last error was first raised inside the library, as
 * "file.c:123 <- file.c:456 ..." for -v output. Thread-local, borrowed, valid
 * until the next library call on this thread. */
const char *dt_err_trace(void);

#ifdef __cplusplus
}
#endif

#endif /* DISTRUST_H */
