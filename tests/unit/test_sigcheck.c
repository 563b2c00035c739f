/* Unit tests: sigcheck.c, `distrust verify-signature`: a build signed with
 * a P-384 key verifies (onecrl.json and the blob) with its public key, not
 * with another key nor after onecrl.json or the blob changed; a build signed
 * with a P-256 key has its blob checked; a build without a signature is a
 * failed check; the message the signature covers is written on request; the
 * required options. */
#include "sigcheck.h"
#include "file.h"
#include "onecrl.h"
#include "sigcheck.h"
#include "build.h"
#include "unit.h"

static struct unit_diags U;
static char LINES[8192];

static void on_line(const char *line, void *ctx)
{
    (void)ctx;
    strncat(LINES, line, sizeof(LINES) - strlen(LINES) - 2);
    strcat(LINES, "\n");
}

static enum dt_err build(const char *out, const char *key)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    const char *ps[1] = {"testdata/chains/basic/policy.json"};
    o.policies = ps;
    o.n_policies = 1;
    o.out_dir = out;
    o.sign_key = key;
    o.has_date = 1;
    o.date = 1750000000;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    return dt_build_run(&o, NULL);
}

static struct dt_sigcheck_result R;

static enum dt_err check(const char *dir, const char *key, const char *message_out, size_t *n)
{
    struct dt_sigcheck_opts o;
    memset(&o, 0, sizeof(o));
    o.build_dir = dir;
    o.key = key;
    o.message_out = message_out;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    o.report = on_line;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    LINES[0] = 0;
    memset(&R, 0xff, sizeof(R));
    enum dt_err rc = dt_sigcheck_run(&o, &R);
    *n = R.checked;
    return rc;
}

static bool write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, n, f) == n;
    return f && fclose(f) == 0 && ok;
}

int main(void)
{
    char signed_b[600], plain[600];
    snprintf(signed_b, sizeof(signed_b), "%s/signed", unit_tmp());
    snprintf(plain, sizeof(plain), "%s/plain", unit_tmp());
    if (build(signed_b, "testdata/keys/signer-p384.pem") != DT_OK || build(plain, NULL) != DT_OK) {
        unit_dump_diags(&U);
        return 2;
    }
    size_t n;
    CHECK(check(signed_b, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK && n == 2 &&
              R.failed == 0 && !R.missing &&
              strstr(LINES, "ok onecrl.json: p384ecdsa content signature verifies with "
                            "testdata/keys/signer-p384.pub.pem\n") &&
              strstr(LINES, "ok revocations.blob: ECDSA P-384 signature verifies with "
                            "testdata/keys/signer-p384.pub.pem\n") &&
              U.errors == 0,
          "a P-384 build verifies with the signer's public key: onecrl.json and the blob");
    CHECK(check(signed_b, "testdata/keys/other-p384.pub.pem", NULL, &n) == DT_OK && n == 2 &&
              R.failed == 2 &&
              strstr(LINES, "not ok onecrl.json: p384ecdsa content signature fails with") &&
              strstr(LINES, "not ok revocations.blob: ECDSA P-384 signature fails with") &&
              unit_has(&U, "the blob is signed by another key"),
          "another key: both not ok, a verdict (not an input error)");
    CHECK(check(plain, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK && n == 0 &&
              R.missing && unit_has(&U, "no signature to check") &&
              unit_has(&U, "build with --sign-key"),
          "an unsigned build: missing, with how to sign");

    /* P-256: the blob is signed, onecrl.json is not (regression: "no
     * signature to check" and the blob never checked). */
    char p256[600];
    snprintf(p256, sizeof(p256), "%s/p256", unit_tmp());
    if (build(p256, "testdata/keys/signer-p256.pem") != DT_OK)
        return 2;
    CHECK(check(p256, "testdata/keys/signer-p256.pub.pem", NULL, &n) == DT_OK && n == 1 &&
              R.failed == 0 && !R.missing &&
              strstr(LINES, "ok revocations.blob: ECDSA P-256 signature verifies with") &&
              U.errors == 0,
          "a P-256 build: its blob's signature checked and verified");
    CHECK(check(p256, "testdata/keys/other-p256.pub.pem", NULL, &n) == DT_OK && n == 1 &&
              R.failed == 1 && strstr(LINES, "not ok revocations.blob: ECDSA P-256"),
          "another P-256 key: not ok");
    CHECK(check(p256, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK && n == 1 &&
              R.failed == 1,
          "a P-384 key on a P-256 blob: not ok");
    CHECK(check(signed_b, "testdata/keys/signer-p256.pub.pem", NULL, &n) == DT_OK && n == 2 &&
              R.failed == 2,
          "a P-256 key on a P-384 build: both not ok");
    CHECK(check(p256, "testdata/keys/README.md", NULL, &n) == DT_ERR_INPUT &&
              unit_has(&U, "not a PEM ECDSA P-256 or P-384 public key"),
          "a key file that is no key: an input error, nothing checked");

    /* The blob changed after signing: one byte of its body, or an unsigned
     * blob beside a signed onecrl.json. */
    char bp[700], tampered[600];
    snprintf(tampered, sizeof(tampered), "%s/tampered", unit_tmp());
    char cmd[2600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -r '%s' '%s'", tampered, signed_b, tampered);
    if (system(cmd) != 0)
        return 2;
    snprintf(bp, sizeof(bp), "%s/revocations.blob", tampered);
    struct dt_buf blob;
    struct dt_diags bd;
    unit_diags_setup(&U, &bd);
    if (dt_file_read(bp, 1 << 24, &blob, &bd, NULL) != DT_OK)
        return 2;
    blob.data[110] ^= 1;
    if (!write_file(bp, blob.data, blob.len))
        return 2;
    CHECK(check(tampered, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK &&
              R.failed == 1 && strstr(LINES, "ok onecrl.json") &&
              strstr(LINES, "not ok revocations.blob"),
          "a blob changed after signing: not ok");
    char pb[700];
    snprintf(pb, sizeof(pb), "%s/revocations.blob", plain);
    dt_buf_free(&blob);
    unit_diags_setup(&U, &bd);
    if (dt_file_read(pb, 1 << 24, &blob, &bd, NULL) != DT_OK || !write_file(bp, blob.data, blob.len))
        return 2;
    CHECK(check(tampered, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK &&
              R.failed == 1 && strstr(LINES, "not ok revocations.blob: unsigned") &&
              unit_has(&U, "the blob is not signed, but onecrl.json is"),
          "an unsigned blob beside a signed onecrl.json: not ok");
    dt_buf_free(&blob);
    /* onecrl.json changed and its signature removed, the P-384 blob intact:
     * the missing signature fails, never "the blob verifies, all good". */
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -r '%s' '%s' && rm '%s/onecrl.signature.json'",
             tampered, signed_b, tampered, tampered);
    if (system(cmd) != 0)
        return 2;
    CHECK(check(tampered, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK && n == 2 &&
              R.failed == 1 && strstr(LINES, "ok revocations.blob: ECDSA P-384") &&
              strstr(LINES, "not ok onecrl.json: unsigned") &&
              unit_has(&U, "missing, but revocations.blob is signed with a P-384 key"),
          "onecrl.signature.json removed beside a P-384 blob: not ok");

    /* The message a signature covers. */
    char msg[600];
    snprintf(msg, sizeof(msg), "%s/message.bin", unit_tmp());
    CHECK(check(signed_b, NULL, msg, &n) == DT_OK && n == 0 && !R.missing &&
              strstr(LINES, "wrote ") &&
              strstr(LINES, "the onecrl.json signature covers"),
          "the message alone: written, nothing checked");
    struct dt_buf got, json, want;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    char jp[700];
    snprintf(jp, sizeof(jp), "%s/onecrl.json", signed_b);
    dt_buf_init(&want, 0);
    bool same =
        dt_file_read(msg, 1 << 24, &got, &d, NULL) == DT_OK &&
        dt_file_read(jp, 1 << 24, &json, &d, NULL) == DT_OK &&
        dt_onecrl_signed_message(jp, dt_slice_make(json.data, json.len), &want, &d) == DT_OK &&
        got.len == want.len && !memcmp(got.data, want.data, got.len) &&
        !memcmp(got.data, "Content-Signature:\0", 19);
    CHECK(same, "the file holds \"Content-Signature:\\0\" and the canonical records");
    CHECK(check(signed_b, "testdata/keys/signer-p384.pub.pem", msg, &n) == DT_OK && n == 2 &&
              R.failed == 0,
          "the message and a check in one run");
    char badmsg[700];
    snprintf(badmsg, sizeof(badmsg), "%s/no/such/dir/m.bin", unit_tmp());
    CHECK(check(signed_b, NULL, badmsg, &n) == DT_ERR_IO &&
              unit_has(&U, "cannot write the message"),
          "a message file that cannot be written: an I/O error");

    /* onecrl.json changed after the build. */
    json.data[json.len - 2] = json.data[json.len - 2] == '}' ? ']' : '}';
    FILE *f = fopen(jp, "wb");
    if (!f || fwrite(json.data, 1, json.len, f) != json.len || fclose(f) != 0)
        return 2;
    CHECK(check(signed_b, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK &&
              R.failed == 1 && strstr(LINES, "not ok onecrl.json") &&
              strstr(LINES, "ok revocations.blob"),
          "onecrl.json changed after signing: not ok (the blob still verifies)");
    dt_buf_free(&got);
    dt_buf_free(&json);
    dt_buf_free(&want);

    /* Missing pieces. */
    char none[600];
    snprintf(none, sizeof(none), "%s/nonexistent", unit_tmp());
    CHECK(check(none, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_ERR_INPUT &&
              unit_has(&U, "cannot read the build directory: No such file or directory"),
          "a directory that is not there: an input error with the errno text");
    CHECK(dt_sigcheck_run(NULL, &R) == DT_ERR_USAGE, "no options: a usage error");
    struct dt_sigcheck_opts o;
    memset(&o, 0, sizeof(o));
    o.build_dir = signed_b;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    o.report = on_line;
    CHECK(dt_sigcheck_run(&o, &R) == DT_ERR_USAGE,
          "neither a key nor a message file: a usage error");
    o.key = "testdata/keys/signer-p384.pub.pem";
    o.report = NULL;
    CHECK(dt_sigcheck_run(&o, &R) == DT_ERR_USAGE, "no report sink: a usage error");
    return unit_done();
}
