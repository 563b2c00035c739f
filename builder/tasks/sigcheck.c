/*
 * sigcheck.c - `distrust verify-signature`: every signature of a build
 * (onecrl.json's content signature, revocations.blob's signature) checked
 * with a public key.
 */
#include "sigcheck.h"

#include "ecdsa.h"
#include "file.h"
#include "onecrl.h"

#include <distrust/blob.h>
#include <errno.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum dt_err read_in(const char *dir, const char *name, char *path, size_t cap,
                           struct dt_buf *b, struct dt_diags *d)
{
    snprintf(path, cap, "%s/%s", dir, name);
    return dt_file_read(path, (size_t)1 << 30, b, d, NULL);
}

/* Writes the bytes the onecrl.json signature covers into o->message_out. */
static enum dt_err write_message(const struct dt_sigcheck_opts *o, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_buf json, msg;
    dt_buf_init(&json, 0);
    dt_buf_init(&msg, 0);
    char jp[4096], line[8300];
    DT_TRY(read_in(o->build_dir, "onecrl.json", jp, sizeof(jp), &json, d));
    DT_TRY(dt_onecrl_signed_message(jp, dt_slice_make(json.data, json.len), &msg, d));
    FILE *f = fopen(o->message_out, "wb");
    bool ok = f && fwrite(msg.data, 1, msg.len, f) == msg.len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        struct dt_place pl = dt_diag_place_file(o->message_out);
        rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot write the message");
        goto out;
    }
    snprintf(line, sizeof(line), "wrote %s: the %zu bytes the onecrl.json signature covers",
             o->message_out, msg.len);
    o->report(line, o->report_ctx);
out:
    dt_buf_free(&json);
    dt_buf_free(&msg);
    return rc;
}

/* onecrl.signature.json over onecrl.json. Any failure once the files are
 * read (a signature that does not verify or is malformed, a key of another
 * curve) is a "not ok" verdict. */
static enum dt_err check_onecrl(const struct dt_sigcheck_opts *o, struct dt_sigcheck_result *res,
                                struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_buf json, sig;
    dt_buf_init(&json, 0);
    dt_buf_init(&sig, 0);
    char jp[4096], sp[4096], line[8300];
    DT_TRY(read_in(o->build_dir, "onecrl.json", jp, sizeof(jp), &json, d));
    DT_TRY(read_in(o->build_dir, "onecrl.signature.json", sp, sizeof(sp), &sig, d));
    res->checked++;
    enum dt_err vrc = dt_onecrl_verify(jp, dt_slice_make(json.data, json.len), sp,
                                       dt_slice_make(sig.data, sig.len), o->key, d);
    if (vrc == DT_ERR_NOMEM || vrc == DT_ERR_INTERNAL || vrc == DT_ERR_IO) {
        rc = vrc;
        goto out;
    }
    snprintf(line, sizeof(line), "%s onecrl.json: p384ecdsa content signature %s %s",
             vrc == DT_OK ? "ok" : "not ok", vrc == DT_OK ? "verifies with" : "fails with",
             o->key);
    o->report(line, o->report_ctx);
    if (vrc != DT_OK)
        res->failed++;
out:
    dt_buf_free(&json);
    dt_buf_free(&sig);
    return rc;
}

/* revocations.blob's signature: opened as a client would, with the key
 * required. must_sign: another signature of the build says it was signed,
 * so an unsigned blob fails. */
static enum dt_err check_blob(const struct dt_sigcheck_opts *o, const char *key_pem,
                              bool must_sign, struct dt_sigcheck_result *res, int *bits,
                              struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    char path[4096], err[256], line[8700];
    snprintf(path, sizeof(path), "%s/revocations.blob", o->build_dir);
    struct dt_place pl = dt_diag_place_file(path);
    struct dt_blob *b = NULL;
    struct dt_blob_info info = DT_BLOB_INFO_INIT;
    int brc = dt_blob_open_file(path, NULL, &b, err, sizeof(err));
    if (brc == DT_BLOB_ERR_NOMEM || brc == DT_BLOB_ERR_OPENSSL || brc == DT_BLOB_ERR_INTERNAL) {
        rc = dt_diag_fail(d, &pl, brc == DT_BLOB_ERR_NOMEM ? DT_ERR_NOMEM : DT_ERR_INTERNAL,
                          "%s", err);
        goto out;
    }
    if (brc == DT_BLOB_ERR_IO) {
        if (access(path, F_OK) != 0 && !must_sign)
            goto out; /* no blob (not a build, or an older one): nothing to check */
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "%s", err);
        goto out;
    }
    if (brc != DT_BLOB_OK) { /* not intact: its signature cannot hold */
        res->checked++;
        res->failed++;
        dt_diag_report(d, DT_ERROR, &pl, "%s", err);
        snprintf(line, sizeof(line), "not ok revocations.blob: not a valid blob (%s)", err);
        o->report(line, o->report_ctx);
        goto out;
    }
    if (dt_blob_get_info(b, &info) != DT_BLOB_OK) {
        rc = DT_ERR_INTERNAL;
        goto out;
    }
    dt_blob_close(b);
    b = NULL;
    *bits = info.signature_bits;
    if (!info.is_signed) {
        if (!must_sign)
            goto out;
        res->checked++;
        res->failed++;
        dt_diag_report(d, DT_ERROR, &pl,
                       "the blob is not signed, but onecrl.json is: a build made with "
                       "--sign-key signs both, so this blob is not the build's");
        o->report("not ok revocations.blob: unsigned", o->report_ctx);
        goto out;
    }
    res->checked++;
    struct dt_blob_open_opts bo = DT_BLOB_OPEN_OPTS_INIT;
    bo.verify_key_pem = key_pem;
    brc = dt_blob_open_file(path, &bo, &b, err, sizeof(err));
    if (brc == DT_BLOB_ERR_NOMEM || brc == DT_BLOB_ERR_OPENSSL || brc == DT_BLOB_ERR_INTERNAL) {
        rc = dt_diag_fail(d, &pl, brc == DT_BLOB_ERR_NOMEM ? DT_ERR_NOMEM : DT_ERR_INTERNAL,
                          "%s", err);
        goto out;
    }
    if (brc != DT_BLOB_OK) {
        res->failed++;
        dt_diag_report(d, DT_ERROR, &pl, "the ECDSA P-%d signature does not verify with %s: %s",
                       info.signature_bits, o->key, err);
    }
    snprintf(line, sizeof(line), "%s revocations.blob: ECDSA P-%d signature %s %s",
             brc == DT_BLOB_OK ? "ok" : "not ok", info.signature_bits,
             brc == DT_BLOB_OK ? "verifies with" : "fails with", o->key);
    o->report(line, o->report_ctx);
out:
    dt_blob_close(b);
    return rc;
}

enum dt_err dt_sigcheck_run(const struct dt_sigcheck_opts *o, struct dt_sigcheck_result *res)
{
    enum dt_err rc = DT_OK;
    struct dt_sigcheck_result r = {0, 0, false};
    dt_err_trace_clear();
    if (!o || !o->diag || !o->report || !o->build_dir || (!o->key && !o->message_out)) {
        if (res)
            *res = r;
        return DT_ERR_USAGE;
    }
    struct dt_diags d;
    dt_diag_init(&d, o->diag, o->diag_ctx);
    struct dt_buf key;
    dt_buf_init(&key, 0);
    char sp[4096];
    struct stat st;
    int e = stat(o->build_dir, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
    if (e) {
        struct dt_place pl = dt_diag_place_file(o->build_dir);
        rc = dt_diag_fail(&d, &pl, DT_ERR_INPUT, "cannot read the build directory: %s",
                          strerror(e));
        goto out;
    }
    if (o->message_out) {
        DT_TRY(write_message(o, &d));
        if (!o->key)
            goto out;
    }
    /* The key, once: one that cannot be read is bad input, not a verdict. */
    DT_TRY(dt_file_read(o->key, (size_t)1 << 20, &key, &d, NULL));
    DT_TRY(dt_buf_putc(&key, '\0'));
    struct evp_pkey_st *k = dt_ecdsa_pem_key((const char *)key.data, key.len - 1, false);
    int bits = dt_ecdsa_bits(k);
    EVP_PKEY_free(k);
    if (!bits) {
        struct dt_place pl = dt_diag_place_file(o->key);
        rc = dt_diag_fail(&d, &pl, DT_ERR_INPUT,
                          "not a PEM ECDSA P-256 or P-384 public key (or a certificate of one)");
        goto out;
    }
    snprintf(sp, sizeof(sp), "%s/onecrl.signature.json", o->build_dir);
    bool onecrl_signed = access(sp, F_OK) == 0;
    if (onecrl_signed)
        DT_TRY(check_onecrl(o, &r, &d));
    int blob_bits = 0;
    DT_TRY(check_blob(o, (const char *)key.data, onecrl_signed, &r, &blob_bits, &d));
    if (!onecrl_signed && blob_bits == 384) {
        /* A P-384 --sign-key signs both: a missing onecrl.signature.json
         * would leave onecrl.json unchecked. */
        struct dt_place pl = dt_diag_place_file(sp);
        r.checked++;
        r.failed++;
        dt_diag_report(&d, DT_ERROR, &pl,
                       "missing, but revocations.blob is signed with a P-384 key: a build made "
                       "with a P-384 --sign-key signs onecrl.json too");
        o->report("not ok onecrl.json: unsigned", o->report_ctx);
    }
    if (!r.checked) {
        struct dt_place pl = dt_diag_place_file(o->build_dir);
        r.missing = true;
        dt_diag_report(&d, DT_ERROR, &pl,
                       "no signature to check: neither onecrl.signature.json nor a signed "
                       "revocations.blob (build with --sign-key: a P-384 key signs both, a "
                       "P-256 key the blob)");
    }
out:
    if (res)
        *res = r;
    dt_buf_free(&key);
    return rc;
}
