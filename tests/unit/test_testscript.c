/* Unit tests: testscript.c, OUT/test-distrust.sh and OUT/tests/ from the
 * chain cases of a build: one directory per case (chain, anchors, an
 * anchors certdata.txt), a cases.json that loads again as the same cases,
 * one `check` line per case with its usage, time, expectation, leaf
 * notBefore, whether the build dates its anchor, its deployments; a root
 * store's trusted issuer as the anchor; no cases at all; errors (a store
 * with no anchor for the case, a time vfychain cannot take); the same input
 * gives the same files. */
#include "testscript.h"
#include "unit.h"
#include "version.h"

static struct unit_diags U;
static char cwd[400];

struct fx {
    struct dt_policy p;
    struct dt_model m;
    struct dt_cases c;
};

/* A model of the policy (%1$s: the repository root) and the cases of the
 * case file text (paths relative to testdata/chains/basic). */
static enum dt_err fx_load(struct fx *f, const char *policy_fmt, const char *cases_text)
{
    char text[4096];
    snprintf(text, sizeof(text), policy_fmt, cwd);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(f, 0, sizeof(*f));
    const char *pp[1] = {UNIT_WRITE_STR("ts.json", text)};
    if (dt_policy_load(&f->p, pp, 1, &d) != DT_OK ||
        dt_model_resolve(&f->p, NULL, NULL, &f->m, NULL, &d, NULL) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
    dt_cases_init(&f->c);
    if (!cases_text)
        return DT_OK;
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/testdata/chains/basic", cwd);
    return dt_cases_load_text(&f->c, "cases.json", dir, cases_text, strlen(cases_text), &d);
}

static void fx_free(struct fx *f)
{
    dt_cases_free(&f->c);
    dt_model_free(&f->m);
    dt_policy_free(&f->p);
}

static const struct dt_outfile *file_of(const struct dt_testscript *ts, const char *name)
{
    for (size_t i = 0; i < ts->out.n; i++)
        if (!strcmp(ts->out.files[i].name, name))
            return &ts->out.files[i];
    return NULL;
}

static char *text_of(const struct dt_testscript *ts, const char *name)
{
    const struct dt_outfile *f = file_of(ts, name);
    if (!f)
        return NULL;
    char *s = malloc(f->data.n + 1);
    memcpy(s, f->data.p, f->data.n);
    s[f->data.n] = 0;
    return s;
}

static enum dt_err run(struct fx *f, struct dt_testscript *ts, bool with_cases)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    return dt_testscript_write(&f->m, with_cases ? &f->c : NULL, "c0ffee", ts, &d);
}

#define POLICY                                                                         \
    "{\"version\": 1, \"entries\": [\n"                                                \
    " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": "         \
    "\"00:80:00:00:01\"},\n"                                                           \
    " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": " \
    "\"2024-11-30T23:59:59Z\"}]}"

static const char CASES[] =
    "{\"cases\": [\n"
    " {\"name\": \"distrusted leaf\", \"chain\": [\"../../pki/leaf-a1-2.pem\", "
    "\"../../pki/int-a1.pem\"], \"anchors\": [\"../../pki/root-a.pem\"], \"time\": "
    "\"2025-06-01T00:00:00Z\", \"expect\": \"distrusted\"},\n"
    " {\"name\": \"it's dated\", \"chain\": [\"../../pki/leaf-c-after.pem\", "
    "\"../../pki/int-c.pem\"], "
    "\"anchors\": [\"../../pki/root-c.pem\"], \"expect\": \"trusted\", "
    "\"deployments\": [\"overlay\", \"p11-kit\", \"openssl\"]},\n"
    " {\"name\": \"e-mail\", \"chain\": [\"../../pki/leaf-c-after.pem\", \"../../pki/int-c.pem\"], "
    "\"anchors\": [\"../../pki/root-c.pem\"], \"usage\": \"email-signer\", \"expect\": "
    "\"trusted\"},\n"
    " {\"name\": \"from a store\", \"chain\": [\"../../pki/leaf-a2.pem\", "
    "\"../../pki/int-a2.pem\"], "
    "\"anchors\": \"../roots-certdata.txt\", \"expect\": \"trusted\"}]}";

static void test_cases(void)
{
    struct fx f;
    CHECKU(fx_load(&f, POLICY, CASES) == DT_OK && f.c.n == 4, "four cases load");
    struct dt_testscript ts;
    enum dt_err rc = run(&f, &ts, true);
    CHECKU(rc == DT_OK && ts.cases == 4 && ts.distrusted == 1 && ts.dated == 1,
           "four cases, one expected distrusted, one whose anchor the build dates (%zu)", ts.dated);
    CHECK(file_of(&ts, "tests/case-001/chain-01.pem") &&
              file_of(&ts, "tests/case-001/chain-02.pem") &&
              file_of(&ts, "tests/case-001/anchor-01.pem") &&
              file_of(&ts, "tests/case-001/anchors.txt") &&
              !file_of(&ts, "tests/case-001/chain-03.pem"),
          "a case's directory: its chain leaf first, its anchor, an anchors certdata.txt");
    const struct dt_outfile *sh = file_of(&ts, "test-distrust.sh");
    CHECK(sh && sh->executable == false && ts.out.n == 4 * 4 + 2 - 0,
          "the script and cases.json beside the case files (%zu files)", ts.out.n);
    char *s = text_of(&ts, "test-distrust.sh");
    CHECK(s && !strncmp(s, "#!/bin/sh\n", 10) &&
              strstr(s,
                     "# Written by distrust " DT_VERSION " from a policy with SHA-256\n# c0ffee:\n"
                     "# 4 cases (1 expected distrusted).\n"),
          "the script: a shell script naming the tool, the policy digest, the cases");
    CHECK(s && strstr(s, "\ncheck 'distrusted leaf' 1 '250601000000Z' distrusted 20240101000000 0 "
                         "case-001 - - -\n"),
          "a check line: usage, time as UTCTime, expectation, notBefore, not dated, no "
          "deployments, no anchor to import as a CA");
    CHECK(s && strstr(s, "\ncheck 'it'\\''s dated' 1 '' trusted 20250301000000 1 case-002 "
                         "overlay,p11-kit,openssl - -\n"),
          "a quoted name, no time, a dated anchor, its deployments without spaces");
    CHECK(s && strstr(s, "\ncheck 'e-mail' 4 '' trusted 20250301000000 0 case-003 - - -\n"),
          "the e-mail usage: the server date does not apply (vfychain usage 4)");
    free(s);
    /* The store's trusted root that issued the chain's last certificate. */
    char *a = text_of(&ts, "tests/case-004/anchors.txt");
    CHECK(file_of(&ts, "tests/case-004/anchor-01.pem") &&
              !file_of(&ts, "tests/case-004/anchor-02.pem") && a && strstr(a, "Test Root A"),
          "anchors from a root store: its one trusted root that issued int-a2");
    free(a);

    /* cases.json loads again as the same cases. */
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/out", unit_tmp());
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    rc = dt_outdir_replace(dir, ts.out.files, ts.out.n, &d);
    char cj[700];
    snprintf(cj, sizeof(cj), "%s/tests/cases.json", dir);
    struct dt_cases back;
    const char *paths[1] = {cj};
    enum dt_err lrc = rc == DT_OK ? dt_cases_load(&back, paths, 1, false, &d) : rc;
    bool same = lrc == DT_OK && back.n == 4;
    for (size_t i = 0; same && i < 4; i++) {
        const struct dt_case *x = &f.c.v[i], *y = &back.v[i];
        same = !strcmp(x->name, y->name) && x->n_chain == y->n_chain && x->usage == y->usage &&
               x->expect_distrusted == y->expect_distrusted && x->has_time == y->has_time &&
               x->deployments == y->deployments &&
               !memcmp(x->chain[0]->sha256, y->chain[0]->sha256, 32) && y->n_anchors == 1 &&
               !y->anchors_certdata;
    }
    CHECKU(same, "OUT/tests/cases.json loads again: the same cases, with anchor files");
    if (lrc == DT_OK)
        dt_cases_free(&back);

    /* Determinism. */
    struct dt_testscript t2;
    rc = run(&f, &t2, true);
    bool eq = rc == DT_OK && t2.out.n == ts.out.n;
    for (size_t i = 0; eq && i < ts.out.n; i++)
        eq = !strcmp(ts.out.files[i].name, t2.out.files[i].name) &&
             ts.out.files[i].data.n == t2.out.files[i].data.n &&
             !memcmp(ts.out.files[i].data.p, t2.out.files[i].data.p, ts.out.files[i].data.n);
    CHECK(eq, "the same cases: the same files, byte for byte, in the same order");
    dt_testscript_free(&t2);
    dt_testscript_free(&ts);
    CHECK(ts.out.n == 0 && ts.cases == 0, "freed and emptied");
    fx_free(&f);
}


/* An anchor without basicConstraints (GTE CyberTrust Global Root, v1):
 * --ckbi imports it as a CA (c,c,c) into both databases, or into the
 * baseline only when the build distrusts it (the database's trust would hide
 * the module's distrust). */
#define GTE "%1$s/policy/chains/2011-diginotar/root_GTE_CyberTrust_Global_Root.pem"
static const char V1_CASES[] =
    "{\"cases\": [{\"name\": \"gte\", \"chain\": "
    "[\"../../../policy/chains/2011-diginotar/inter_DigiNotar_Cyber_CA_by_GTE_1.chain.pem\"], "
    "\"anchors\": [\"../../pki/root-a.pem\", "
    "\"../../../policy/chains/2011-diginotar/root_GTE_CyberTrust_Global_Root.pem\"], "
    "\"usage\": \"ssl-ca\", \"time\": \"2006-10-06T00:00:00Z\", \"expect\": \"trusted\"}]}";

static void test_v1_anchor(void)
{
    static const char *const policies[2] = {
        "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"}]}",
        "{\"version\": 1, \"entries\": [{\"certificate\": \"" GTE "\"}]}"};
    static const char *const want[2] = {" 02 02\n", " 02 -\n"};
    static const char *const what[2] = {
        "a v1 anchor (the second): imported as a CA into both databases",
        "a v1 anchor the build distrusts: into the baseline only"};
    for (int i = 0; i < 2; i++) {
        struct fx f;
        CHECKU(fx_load(&f, policies[i], V1_CASES) == DT_OK && f.c.n == 1, "a GTE case loads");
        struct dt_testscript ts;
        CHECKU(run(&f, &ts, true) == DT_OK, "the script is written");
        char *s = text_of(&ts, "test-distrust.sh");
        char line[200];
        snprintf(line, sizeof(line), "\ncheck 'gte' 3 '061006000000Z' trusted 20061004105411 0 "
                                     "case-001 -%s", want[i]);
        CHECK(s && strstr(s, line), "%s", what[i]);
        free(s);
        dt_testscript_free(&ts);
        fx_free(&f);
    }
}

static void test_no_cases(void)
{
    struct fx f;
    fx_load(&f, POLICY, NULL);
    struct dt_testscript ts;
    CHECKU(run(&f, &ts, false) == DT_OK && ts.out.n == 1 && ts.cases == 0,
           "no cases: the script alone");
    char *s = text_of(&ts, "test-distrust.sh");
    CHECK(s && strstr(s, "# 0 cases (0 expected distrusted).\necho \"1..0 # SKIP no chain cases"),
          "which says it has none and skips");
    free(s);
    dt_testscript_free(&ts);
    fx_free(&f);
}

static void test_errors(void)
{
    struct fx f;
    /* The store trusts no root that issued the chain's last certificate
     * (the chain ends at a certificate the store does not hold the issuer of). */
    static const char bad_store[] =
        "{\"cases\": [{\"name\": \"orphan\", \"chain\": [\"../../pki/leaf-a1.pem\"], \"anchors\": "
        "\"../roots-certdata.txt\", \"expect\": \"trusted\"}]}";
    CHECKU(fx_load(&f, POLICY, bad_store) == DT_OK,
           "a case anchored at a store that lacks its issuer");
    struct dt_testscript ts;
    CHECKU(run(&f, &ts, true) == DT_ERR_INPUT && unit_has(&U, "no root of the store") &&
               unit_has(&U, "/cases/0") && ts.out.n == 0,
           "is an error at the case, nothing written");
    fx_free(&f);

    /* A time vfychain -b cannot take (UTCTime ends with 2049). */
    static const char late[] =
        "{\"cases\": [{\"name\": \"late\", \"chain\": [\"../../pki/leaf-a1.pem\", "
        "\"../../pki/int-a1.pem\"], \"anchors\": [\"../../pki/root-a.pem\"], \"time\": "
        "\"2051-01-01T00:00:00Z\", \"expect\": \"trusted\"}]}";
    CHECKU(fx_load(&f, POLICY, late) == DT_OK, "a case at 2051 loads");
    CHECKU(
        run(&f, &ts, true) == DT_ERR_INPUT && U.errors == 1 && unit_has(&U, "/cases/0") &&
            unit_has(&U,
                     "|/cases/0/time|\"time\": 2051-01-01T00:00:00Z: vfychain -b takes a UTCTime"),
        "is an error at the case that says why (regression: failed without a message)");
    fx_free(&f);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    test_cases();
    test_no_cases();
    test_v1_anchor();
    test_errors();
    return unit_done();
}
