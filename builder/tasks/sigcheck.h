/*
 * sigcheck.h - `distrust verify-signature`.
 */
#ifndef DT_SIGCHECK_H
#define DT_SIGCHECK_H

#include "common.h"
#include "diag.h"

/* Options of dt_sigcheck_run(). Zero-initialise, then fill in. */
struct dt_sigcheck_opts {
    const char *build_dir;   /* a `distrust build` output directory */
    const char *key;         /* the public key (PEM: a key or a certificate); NULL with
                              * message_out: write the message only */
    const char *message_out; /* optional: file that receives the bytes the onecrl.json
                              * signature covers */
    dt_diag_fn diag;         /* required */
    void *diag_ctx;
    dt_line_fn report; /* required: one line per signature checked */
    void *report_ctx;
};

/* What dt_sigcheck_run() found. */
struct dt_sigcheck_result {
    size_t checked; /* signatures checked, */
    size_t failed;  /* of which did not verify with the key */
    bool missing;   /* the build carries no signature at all (with a key) */
};

/* Checks every signature a build carries with the key: the p384ecdsa
 * content signature of onecrl.json (onecrl.signature.json) and the ECDSA
 * P-256 or P-384 signature of revocations.blob (a build signed with any
 * key signs the blob, so an unsigned blob beside a signed onecrl.json
 * fails, and a P-384 key signs both, so an onecrl.json without its
 * signature beside a P-384 signed blob fails). A signature that does not verify, a signature made with another
 * key or curve, a blob that is not intact, and a build without any
 * signature are verdicts in *res (reported, "not ok" lines), not errors:
 * the run returns DT_OK. The check passed when res->checked > 0,
 * res->failed == 0 and !res->missing. Errors: a key that is not a PEM
 * ECDSA public key or certificate, a file that cannot be read
 * (DT_ERR_INPUT, DT_ERR_IO; reported), DT_ERR_USAGE for a bad call. */
DT_MUST_USE enum dt_err dt_sigcheck_run(const struct dt_sigcheck_opts *opts,
                                        struct dt_sigcheck_result *res);

#endif
