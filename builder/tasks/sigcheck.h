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
/* Checks every signature of a build (onecrl.signature.json over
 * onecrl.json) with the key. DT_OK when there is at least one and all
 * verify; DT_ERR_INPUT, reported, otherwise. */
DT_MUST_USE enum dt_err dt_sigcheck_run(const struct dt_sigcheck_opts *opts, size_t *checked);

#endif
