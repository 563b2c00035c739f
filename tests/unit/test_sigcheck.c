/* Unit tests: sigcheck.c, `distrust verify-signature`: a build signed with
 * a P-384 key verifies with its public key, not with another key nor after
 * onecrl.json changed; a build without a signature is an error; the message
 * the signature covers is written on request; the required options. */
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
    *n = 99;
    return dt_sigcheck_run(&o, n);
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
    CHECK(check(signed_b, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_OK && n == 1 &&
              strstr(LINES, "ok onecrl.json: p384ecdsa content signature verifies with "
                            "testdata/keys/signer-p384.pub.pem\n") &&
              U.errors == 0,
          "a signed build verifies with the signer's public key: one line, one signature");
    CHECK(check(signed_b, "testdata/keys/other-p384.pub.pem", NULL, &n) == DT_ERR_INPUT && n == 1 &&
              strstr(LINES, "not ok onecrl.json: p384ecdsa content signature fails with") &&
              U.errors >= 1,
          "another key: not ok, an input error");
    CHECK(check(plain, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_ERR_INPUT && n == 0 &&
              unit_has(&U, "no signature to check (build with --sign-key"),
          "an unsigned build: an error that says how to sign");

    /* The message a signature covers. */
    char msg[600];
    snprintf(msg, sizeof(msg), "%s/message.bin", unit_tmp());
    CHECK(check(signed_b, NULL, msg, &n) == DT_OK && n == 0 && strstr(LINES, "wrote ") &&
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
    CHECK(check(signed_b, "testdata/keys/signer-p384.pub.pem", msg, &n) == DT_OK && n == 1,
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
    CHECK(check(signed_b, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_ERR_INPUT &&
              strstr(LINES, "not ok onecrl.json"),
          "onecrl.json changed after signing: not ok");
    dt_buf_free(&got);
    dt_buf_free(&json);
    dt_buf_free(&want);

    /* Missing pieces. */
    char none[600];
    snprintf(none, sizeof(none), "%s/nonexistent", unit_tmp());
    CHECK(check(none, "testdata/keys/signer-p384.pub.pem", NULL, &n) == DT_ERR_INPUT,
          "a directory without a build: an input error");
    CHECK(dt_sigcheck_run(NULL, &n) == DT_ERR_USAGE, "no options: a usage error");
    struct dt_sigcheck_opts o;
    memset(&o, 0, sizeof(o));
    o.build_dir = signed_b;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    o.report = on_line;
    CHECK(dt_sigcheck_run(&o, &n) == DT_ERR_USAGE,
          "neither a key nor a message file: a usage error");
    o.key = "testdata/keys/signer-p384.pub.pem";
    o.report = NULL;
    CHECK(dt_sigcheck_run(&o, &n) == DT_ERR_USAGE, "no report sink: a usage error");
    return unit_done();
}
