/* Unit tests: verify.c, dt_verify_run (its planning is tested alone in
 * test_verify_plan.c): the options it requires, what is an input error (an
 * unreadable module, a directory that is not a build, bad case files, a
 * run that checks nothing), and small runs under real NSS and OpenSSL over
 * builds of testdata/chains: one TAP line per check with the summary that
 * counts them (passed, failed, INVALID, NOT RUN, not checked, root-store
 * checks), reproduce.sh with keep_work, strict mode. */
#include "verify.h"
#include "file.h"
#include "build.h"
#include "unit.h"

static struct unit_diags U;
static char MODULE[600], CWD[400];

struct tap {
    char text[1 << 17];
    size_t len;
};

static void on_line(const char *line, void *ctx)
{
    struct tap *t = ctx;
    int n = snprintf(t->text + t->len, sizeof(t->text) - t->len, "%s\n", line);
    if (n > 0 && (size_t)n < sizeof(t->text) - t->len)
        t->len += (size_t)n;
}

static size_t count_prefix(const struct tap *t, const char *prefix)
{
    size_t n = 0, l = strlen(prefix);
    for (const char *p = t->text; *p;) {
        n += !strncmp(p, prefix, l);
        const char *nl = strchr(p, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

static enum dt_err build(const char *out, const char *upstream)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    const char *ps[1] = {"testdata/chains/basic/policy.json"};
    o.policies = ps;
    o.n_policies = 1;
    o.out_dir = out;
    o.certdata_upstream = upstream;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    return dt_build_run(&o, NULL);
}

static struct tap T;
static bool STRICT;

static enum dt_err verify(const char *build_dir, const char *cases_text, unsigned engines,
                          unsigned deployments, const char *keep, struct dt_verify_summary *s)
{
    /* Case paths are relative to the case file, which is in the scratch
     * directory: the cases name the fixtures by absolute path (%1$s). */
    char text[1 << 14];
    snprintf(text, sizeof(text), cases_text, CWD, CWD, CWD, CWD, CWD, CWD, CWD, CWD);
    const char *cf[1] = {UNIT_WRITE_STR("cases.json", text)};
    struct dt_verify_opts o;
    memset(&o, 0, sizeof(o));
    o.build_dir = build_dir;
    o.case_files = cf;
    o.n_case_files = 1;
    o.engines = engines;
    o.deployments = deployments;
    o.module = MODULE;
    o.keep_work = keep;
    o.strict = STRICT;
    o.now = 1748736000;
    o.jobs = 2;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    o.report = on_line;
    o.report_ctx = &T;
    o.p11kit_module = "/nonexistent/p11-kit-trust.so";
    memset(&T, 0, sizeof(T));
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    return dt_verify_run(&o, s);
}

#define C_DISTRUSTED                                                                       \
    "{\"name\": \"distrusted leaf\", \"chain\": [\"%1$s/testdata/pki/leaf-a1-2.pem\", "    \
    "\"%1$s/testdata/pki/int-a1.pem\"], \"anchors\": [\"%1$s/testdata/pki/root-a.pem\"], " \
    "\"expect\": \"distrusted\"}"
#define C_CONTROL                                                                          \
    "{\"name\": \"control\", \"chain\": [\"%1$s/testdata/pki/leaf-a1.pem\", "              \
    "\"%1$s/testdata/pki/int-a1.pem\"], \"anchors\": [\"%1$s/testdata/pki/root-a.pem\"], " \
    "\"expect\": \"trusted\"}"

static void test_usage_and_input(const char *b)
{
    struct dt_verify_summary s;
    memset(&s, 0xee, sizeof(s));
    CHECK(dt_verify_run(NULL, &s) == DT_ERR_USAGE && s.checks == 0,
          "no options: a usage error, the summary zeroed");
    struct dt_verify_opts o;
    memset(&o, 0, sizeof(o));
    o.build_dir = b;
    o.module = MODULE;
    o.report = on_line;
    CHECK(dt_verify_run(&o, NULL) == DT_ERR_USAGE, "no diagnostics sink: a usage error");
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    o.report = NULL;
    CHECK(dt_verify_run(&o, NULL) == DT_ERR_USAGE, "no report sink: a usage error");
    o.report = on_line;
    o.report_ctx = &T;
    o.module = NULL;
    CHECK(dt_verify_run(&o, NULL) == DT_ERR_USAGE, "no module: a usage error");

    char saved[600];
    snprintf(saved, sizeof(saved), "%s", MODULE);
    snprintf(MODULE, sizeof(MODULE), "%s/no-module.so", unit_tmp());
    CHECK(verify(b, "{\"cases\": [" C_CONTROL "]}", 0, 0, NULL, &s) == DT_ERR_INPUT &&
              unit_has(&U, "the PKCS#11 module is not readable"),
          "a module that is not there: an input error that says how to give it");
    snprintf(MODULE, sizeof(MODULE), "%s", saved);
    char notbuild[600];
    snprintf(notbuild, sizeof(notbuild), "%s/not-a-build", unit_tmp());
    mkdir(notbuild, 0755);
    CHECK(verify(notbuild, "{\"cases\": [" C_CONTROL "]}", 0, 0, NULL, &s) == DT_ERR_INPUT &&
              U.errors >= 1 && T.len == 0,
          "a directory that is not a build: an input error, no check");
    CHECK(verify(b, "{\"cases\": [{\"name\": \"x\"}]}", 0, 0, NULL, &s) == DT_ERR_INPUT &&
              U.errors >= 1 && s.checks == 0,
          "a bad case file: an input error, no check");
    CHECK(verify(b,
                 "{\"cases\": [{\"name\": \"o\", \"chain\": [\"%1$s/testdata/pki/leaf-a1.pem\"], "
                 "\"anchors\": [\"%1$s/testdata/pki/root-a.pem\"], \"expect\": \"trusted\", "
                 "\"deployments\": [\"openssl\"]}]}",
                 DT_VERIFY_PKIX, 0, NULL, &s) == DT_ERR_INPUT &&
              unit_has(&U, "nothing was checked") && s.not_checked == 1 &&
              strstr(T.text, "# not checked: \"o\""),
          "a run that judges no case: an input error, the case reported not checked");
}

static void test_runs(const char *b, const char *merged)
{
    struct dt_verify_summary s;
    enum dt_err rc = verify(b, "{\"cases\": [" C_DISTRUSTED ", " C_CONTROL "]}", 0, 0, NULL, &s);
    CHECK(rc == DT_OK && s.checks == 2 && s.passed == 2 && s.failed == 0 && s.invalid == 0,
          "two cases under PKIX and the overlay: two checks that hold (rc %d, %zu/%zu)", rc,
          s.passed, s.checks);
    CHECK(strstr(T.text, "ok 1 - distrusted leaf\n#   expected distrusted, got distrusted") &&
              strstr(T.text, "ok 2 - control\n#   expected trusted, got trusted") &&
              strstr(T.text, "entry \"Distrusted leaf2.example.test\"") &&
              strstr(T.text, "# NSS: 4 verifications in "),
          "one untagged TAP line per check, the entry that applies, the NSS count");

    /* Both engines, OpenSSL too: tagged lines, a failing expectation and an
     * INVALID case (its baseline fails: the wrong anchor). */
    rc = verify(
        b,
        "{\"cases\": [" C_DISTRUSTED ", "
        "{\"name\": \"wrong expectation\", \"chain\": [\"%1$s/testdata/pki/leaf-a1.pem\", "
        "\"%1$s/testdata/pki/int-a1.pem\"], \"anchors\": [\"%1$s/testdata/pki/root-a.pem\"], "
        "\"expect\": \"distrusted\"}, "
        "{\"name\": \"no path\", \"chain\": [\"%1$s/testdata/pki/leaf-a1.pem\", "
        "\"%1$s/testdata/pki/int-a1.pem\"], \"anchors\": [\"%1$s/testdata/pki/root-b.pem\"], "
        "\"expect\": \"trusted\"}]}",
        DT_VERIFY_PKIX | DT_VERIFY_CLASSIC | DT_VERIFY_OPENSSL, 0, NULL, &s);
    CHECK(rc == DT_OK && s.checks == 9 && s.passed == 3 && s.failed == 6 && s.invalid == 3 &&
              s.errors == 0,
          "3 cases x (2 NSS engines + OpenSSL): 3 hold, 3 mismatches, 3 INVALID (%zu/%zu/%zu)",
          s.passed, s.failed, s.invalid);
    CHECK(strstr(T.text, "ok 1 - distrusted leaf [overlay/pkix]\n") &&
              strstr(T.text, "ok 2 - distrusted leaf [overlay/classic]\n") &&
              strstr(T.text, "ok 3 - distrusted leaf [openssl]\n") &&
              strstr(T.text, "not ok 4 - wrong expectation [overlay/pkix]\n") &&
              strstr(T.text, "not ok 7 - no path [overlay/pkix] # INVALID: the chain does not "
                             "validate without the distrust data"),
          "tagged lines in plan order; a mismatch and an INVALID case said as such");
    CHECK(count_prefix(&T, "ok ") == 3 && count_prefix(&T, "not ok ") == 6,
          "as many TAP lines as checks");

    /* A case that names root-store, which a build without a merged
     * certdata.txt cannot judge: NOT RUN, a failure. */
    rc = verify(b,
                "{\"cases\": [{\"name\": \"rs\", \"chain\": [\"%1$s/testdata/pki/leaf-a1.pem\", "
                "\"%1$s/testdata/pki/int-a1.pem\"], \"anchors\": "
                "\"%1$s/testdata/chains/roots-certdata.txt\", "
                "\"expect\": \"trusted\", \"deployments\": [\"root-store\", \"overlay\"]}]}",
                0, DT_DEPLOY_OVERLAY | DT_DEPLOY_ROOT_STORE, NULL, &s);
    CHECK(rc == DT_OK && s.checks == 2 && s.passed == 1 && s.failed == 1 &&
              strstr(T.text, "not ok 2 - rs [root-store/pkix] # NOT RUN: the case names the "
                             "root-store deployment") &&
              strstr(T.text, "# root-store: not checked: the build has no merged certdata.txt"),
          "a named deployment that cannot judge: NOT RUN, counted failed");
    /* p11-kit-trust.so not found: the deployment is skipped and said so. */
    rc = verify(b, "{\"cases\": [" C_CONTROL "]}", 0, DT_DEPLOY_OVERLAY | DT_DEPLOY_P11KIT, NULL,
                &s);
    CHECK(rc == DT_OK && s.checks == 1 && s.passed == 1 &&
              strstr(T.text, "# p11-kit: not checked: p11-kit-trust.so not found: "
                             "/nonexistent/p11-kit-trust.so") &&
              strstr(T.text, "# p11-kit did not judge 1 of 1 case: "),
          "p11-kit-trust.so missing: not an error, the report says it did not judge the case");

    /* The merged build: root-store verdicts for a case at the upstream. */
    rc = verify(
        merged,
        "{\"cases\": [{\"name\": \"upstream\", \"chain\": [\"%1$s/testdata/pki/leaf-a2.pem\", "
        "\"%1$s/testdata/pki/int-a2.pem\"], \"anchors\": "
        "\"%1$s/testdata/chains/roots-certdata.txt\", "
        "\"expect\": \"distrusted\"}]}",
        0, 0, NULL, &s);
    CHECK(rc == DT_OK && s.checks == 2 && s.passed == 2 && s.merged_checks == 1 &&
              strstr(T.text, "ok 2 - upstream [root-store/pkix]"),
          "a build with --certdata: overlay and root-store, one merged check (%zu)",
          s.merged_checks);

    /* keep_work: each case's chain and a reproduce.sh. */
    char keep[600];
    snprintf(keep, sizeof(keep), "%s/work", unit_tmp());
    rc = verify(b, "{\"cases\": [" C_CONTROL "]}", 0, 0, keep, &s);
    char p[700];
    snprintf(p, sizeof(p), "%s/case-1/reproduce.sh", keep);
    struct stat st;
    bool x = stat(p, &st) == 0 && (st.st_mode & 0100);
    snprintf(p, sizeof(p), "%s/case-1/chain-2.pem", keep);
    CHECK(rc == DT_OK && x && access(p, F_OK) == 0 && strstr(T.text, "#   reproduce: ") &&
              strstr(T.text, "/case-1/reproduce.sh [baseline|with] pkix overlay"),
          "keep_work: the chain, an executable reproduce.sh, and a line that says how to run it");

    /* Strict: a warning (a file changed after the build) fails the run
     * before anything is checked; without strict it is only a warning. */
    char changed[600];
    snprintf(changed, sizeof(changed), "%s/changed", unit_tmp());
    if (build(changed, NULL) != DT_OK)
        exit(2);
    snprintf(p, sizeof(p), "%s/certdata-distrust.txt", changed);
    FILE *f = fopen(p, "a");
    if (!f || fputs("# edited\n", f) < 0 || fclose(f) != 0)
        exit(2);
    rc = verify(changed, "{\"cases\": [" C_CONTROL "]}", 0, 0, NULL, &s);
    CHECK(rc == DT_OK && U.warnings == 1 && unit_has(&U, "does not match its SHA-256") &&
              s.checks == 1,
          "a changed certdata-distrust.txt: a warning, the run goes on");
    STRICT = true;
    rc = verify(changed, "{\"cases\": [" C_CONTROL "]}", 0, 0, NULL, &s);
    STRICT = false;
    CHECK(rc == DT_ERR_STRICT && s.checks == 0 && T.len == 0,
          "with strict: DT_ERR_STRICT, nothing checked");
    rc = verify(b, "{\"cases\": [" C_CONTROL "]}", 0, 0, NULL, &s);
    CHECK(rc == DT_OK && U.warnings == 0, "baseline: an untouched build, no warning");
}

int main(void)
{
    if (!getcwd(CWD, sizeof(CWD)))
        return 2;
    const char *bdir = getenv("B");
    snprintf(MODULE, sizeof(MODULE), "%s/%s/libdistrust-pkcs11.so", CWD,
             bdir && *bdir ? bdir : "build");
    char b[600], merged[600];
    snprintf(b, sizeof(b), "%s/basic", unit_tmp());
    snprintf(merged, sizeof(merged), "%s/merged", unit_tmp());
    if (build(b, NULL) != DT_OK || build(merged, "testdata/chains/roots-certdata.txt") != DT_OK) {
        unit_dump_diags(&U);
        return 2;
    }
    test_usage_and_input(b);
    test_runs(b, merged);
    return unit_done();
}
