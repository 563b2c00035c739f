/*
 * verify.h - `distrust verify`: replay chain cases under real NSS and
 * OpenSSL with and without a build's distrust data (doc/verify.md). The
 * deployments (DT_DEPLOY_*) are named in cases.h.
 */
#ifndef DT_VERIFY_H
#define DT_VERIFY_H

#include "cases.h"
#include "common.h"
#include "diag.h"

/* Engines for dt_verify_run(). */
#define DT_VERIFY_PKIX 1u    /* CERT_PKIXVerifyCert, as vfychain -pp */
#define DT_VERIFY_CLASSIC 2u /* CERT_VerifyCertificate, as vfychain without -p */
#define DT_VERIFY_OPENSSL 4u /* X509_verify_cert with OUT/revocations.blob enforced */
#define DT_VERIFY_FIREFOX 8u /* Firefox itself (verify_firefox.h): a baseline profile, the
                              * overlay module added to a profile, OneCRL in cert_storage */

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
    const char *firefox;       /* the Firefox executable for DT_VERIFY_FIREFOX (NULL:
                                * firefox-esr or firefox on PATH); none found, the
                                * engine is skipped and the report says so */
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
    size_t skipped_engines; /* engines asked for but not at hand (Firefox not found) */
    int interrupted;        /* the signal (SIGINT, SIGTERM, SIGHUP) that stopped the run,
                             * or 0; the counts above are then not a result */
};

/* Replays every case under real NSS, in worker processes that never mix
 * configurations: first without the build's distrust data (the baseline
 * must validate, otherwise the case is INVALID), then once per selected
 * deployment and engine with the build as that deployment's client
 * consumes it; reports one TAP line per (case, deployment, engine) check.
 * Returns DT_OK when every check ran (summary->failed says whether all
 * held), DT_ERR_INPUT for bad case files or build directory, or when no
 * selected deployment judges any case, DT_ERR_STRICT for warnings with
 * strict. While it runs, SIGINT, SIGTERM and SIGHUP (unless ignored on
 * entry) are caught (interrupt.h): every Firefox is killed at once with its
 * process group, the run stops at its next check point, stops the NSS
 * workers, removes its temporary work directory and returns
 * DT_ERR_INTERRUPTED with summary->interrupted set; the previous actions
 * are given back on return, and the caller dies of the signal. */
DT_MUST_USE enum dt_err dt_verify_run(const struct dt_verify_opts *opts,
                                      struct dt_verify_summary *summary);

#endif
