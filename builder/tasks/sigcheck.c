/*
 * sigcheck.c - `distrust verify-signature`: the content signature of a
 * build's onecrl.json checked with a public key.
 */
#include "sigcheck.h"

#include "file.h"
#include "onecrl.h"

#include <stdio.h>
#include <unistd.h>

static enum dt_err read_in(const char *dir, const char *name, char *path, size_t cap,
                           struct dt_buf *b, struct dt_diags *d)
{
    snprintf(path, cap, "%s/%s", dir, name);
    return dt_file_read(path, (size_t)1 << 30, b, d, NULL);
}

enum dt_err dt_sigcheck_run(const struct dt_sigcheck_opts *o, size_t *checked)
{
    enum dt_err rc = DT_OK;
    size_t n = 0;
    dt_err_trace_clear();
    if (!o || !o->diag || !o->report || !o->build_dir || (!o->key && !o->message_out))
        return DT_ERR_USAGE;
    struct dt_diags d;
    dt_diag_init(&d, o->diag, o->diag_ctx);
    struct dt_buf json, sig, msg;
    dt_buf_init(&json, 0);
    dt_buf_init(&sig, 0);
    dt_buf_init(&msg, 0);
    char jp[4096], sp[4096], line[8300];
    if (o->message_out) {
        DT_TRY(read_in(o->build_dir, "onecrl.json", jp, sizeof(jp), &json, &d));
        DT_TRY(dt_onecrl_signed_message(jp, dt_slice_make(json.data, json.len), &msg, &d));
        FILE *f = fopen(o->message_out, "wb");
        bool ok = f && fwrite(msg.data, 1, msg.len, f) == msg.len;
        if (f && fclose(f) != 0)
            ok = false;
        if (!ok) {
            struct dt_place pl = dt_diag_place_file(o->message_out);
            rc = dt_diag_fail(&d, &pl, DT_ERR_IO, "cannot write the message");
            goto out;
        }
        snprintf(line, sizeof(line), "wrote %s: the %zu bytes the onecrl.json signature covers",
                 o->message_out, msg.len);
        o->report(line, o->report_ctx);
        dt_buf_free(&json);
        if (!o->key)
            goto out;
    }
    snprintf(sp, sizeof(sp), "%s/onecrl.signature.json", o->build_dir);
    if (access(sp, F_OK) == 0) {
        DT_TRY(read_in(o->build_dir, "onecrl.json", jp, sizeof(jp), &json, &d));
        DT_TRY(read_in(o->build_dir, "onecrl.signature.json", sp, sizeof(sp), &sig, &d));
        n++;
        enum dt_err vrc = dt_onecrl_verify(jp, dt_slice_make(json.data, json.len), sp,
                                           dt_slice_make(sig.data, sig.len), o->key, &d);
        snprintf(line, sizeof(line), "%s onecrl.json: p384ecdsa content signature %s %s",
                 vrc == DT_OK ? "ok" : "not ok", vrc == DT_OK ? "verifies with" : "fails with",
                 o->key);
        o->report(line, o->report_ctx);
        if (vrc != DT_OK)
            rc = vrc;
    }
    if (!n) {
        struct dt_place pl = dt_diag_place_file(o->build_dir);
        rc =
            dt_diag_fail(&d, &pl, DT_ERR_INPUT,
                    "no signature to check (build with --sign-key to write onecrl.signature.json)");
    }
out:
    if (checked)
        *checked = n;
    dt_buf_free(&json);
    dt_buf_free(&sig);
    dt_buf_free(&msg);
    return rc;
}
