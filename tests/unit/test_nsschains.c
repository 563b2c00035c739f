/* Unit tests: nsschains.c, `distrust emit-tests --nss-chains`: the chain
 * cases of a build as a scenario file of NSS's tests/chains/chains.sh. Per
 * case a baseline database (anchors trusted) that must pass and one where
 * the certificates the build distrusts are imported with p for their
 * purposes, with the case's expectation; cases anchored at a root store,
 * and distrusted by a date alone, are left out with a comment; the
 * certificates as DER files; a manifest, so that the directory can be
 * replaced; errors for a build without cases, a bad build and an output
 * directory that is not one of ours. The build is made here from
 * testdata/chains/basic with dt_build_run. */
#include "build.h"
#include "file.h"
#include "nsschains.h"
#include "unit.h"
#include "version.h"

static struct unit_diags U;

static enum dt_err build(const char *policy, const char *cases, const char *out)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    const char *ps[1] = {policy}, *cs[1] = {cases};
    o.policies = ps;
    o.n_policies = 1;
    o.cases = cases ? cs : NULL;
    o.n_cases = cases ? 1 : 0;
    o.out_dir = out;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    return dt_build_run(&o, NULL);
}

static char *slurp(const char *dir, const char *name, size_t *n)
{
    char path[800];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct dt_buf b;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (dt_file_read(path, 1 << 22, &b, &d, NULL) != DT_OK)
        return NULL;
    return dt_buf_steal(&b, n);
}

static enum dt_err emit(const char *build_dir, const char *out, struct dt_emit_summary *s)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    return dt_nsschains_write(build_dir, out, s, &d);
}

int main(void)
{
    char b[600], out[600];
    snprintf(b, sizeof(b), "%s/build", unit_tmp());
    snprintf(out, sizeof(out), "%s/chains", unit_tmp());
    if (build("testdata/chains/basic/policy.json", "testdata/chains/basic/cases.json", b) !=
        DT_OK) {
        unit_dump_diags(&U);
        return 2;
    }
    struct dt_emit_summary s;
    CHECKU(emit(b, out, &s) == DT_OK, "the scenario of testdata/chains/basic is written");
    /* 13 cases (OUT/tests/ gives the root-store cases their anchor files). */
    CHECK(s.cases == 13 && s.skipped == 0, "13 cases written, none left out (%zu, %zu)", s.cases,
          s.skipped);
    char *cfg = slurp(out, "scenarios/distrust.cfg", NULL);
    CHECK(cfg && strstr(cfg, "# distrust.cfg - written by distrust " DT_VERSION) &&
              strstr(cfg, "\nscenario distrust\n\n"),
          "a scenario file with its header and name");
    CHECK(cfg &&
              strstr(cfg, "# case 1 (baseline): distrusted leaf (issuer + padded serial)\n"
                          "db Distrust1Base\nimport Distrust1A1:x:CT,C,C\n\nverify Distrust1C1:x\n"
                          "cert Distrust1C2:x\nat_time 250601000000Z\nusage 1\nresult pass\n"),
          "case 1's baseline: the anchor trusted, the chain verified at the case's time, must "
          "pass");
    CHECK(cfg && strstr(cfg, "# case 1: distrusted leaf (issuer + padded serial)\ndb Distrust1\n"
                             "import Distrust1A1:x:CT,C,C\nimport Distrust1C1:x:p,p,p\n\n"
                             "verify Distrust1C1:x\ncert Distrust1C2:x\nat_time 250601000000Z\n"
                             "usage 1\nresult fail\n"),
          "case 1 with the build: the distrusted leaf imported with p for every purpose, fails");
    CHECK(cfg && strstr(cfg, "db Distrust5\nimport Distrust5A1:x:p,p,p\n"),
          "a distrusted anchor: imported with p instead of CT,C,C");
    CHECK(
        cfg &&
            strstr(cfg, "db Distrust6\nimport Distrust6A1:x:CT,C,C\nimport Distrust6C1:x:,p,\n") &&
            strstr(cfg, "# case 6: e-mail-only distrust: TLS server still trusted\n"),
        "an e-mail-only distrust: p for e-mail only");
    CHECK(cfg && strstr(cfg, "# case 2: control: its sibling leaf\ndb Distrust2\n"
                             "import Distrust2A1:x:CT,C,C\n\nverify"),
          "a control case: nothing distrusted, must pass");
    size_t n = 0;
    char *der = slurp(out, "certs/Distrust1C1.cert", &n);
    char *pem_der = slurp("testdata/pki", "leaf-a1-2.der", NULL);
    size_t pn = 0;
    free(pem_der);
    pem_der = slurp("testdata/pki", "leaf-a1-2.der", &pn);
    CHECK(der && pem_der && n == pn && !memcmp(der, pem_der, n),
          "the certificates as DER files, one per case and position");
    free(der);
    free(pem_der);
    char *man = slurp(out, "manifest.json", NULL);
    CHECK(man && strstr(man, "\"cases\": 13") && strstr(man, "\"left_out\": 0") &&
              strstr(man, "\"scenarios/distrust.cfg\""),
          "a manifest with the counts and the files");
    free(man);

    /* Again: the directory is ours, so it is replaced; same bytes. */
    struct dt_emit_summary s2;
    CHECKU(emit(b, out, &s2) == DT_OK && s2.cases == 13, "written again over its own output");
    char *cfg2 = slurp(out, "scenarios/distrust.cfg", NULL);
    CHECK(cfg && cfg2 && !strcmp(cfg, cfg2), "the same scenario, byte for byte");
    free(cfg2);
    free(cfg);

    /* A hand-written cases.json: a case anchored at a root store, and one
     * expected distrusted by Root C's date alone, are left out. */
    char cwd[400], cj_text[8192];
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    snprintf(cj_text, sizeof(cj_text),
             "{\"cases\": [\n"
             " {\"name\": \"store\", \"chain\": [\"%1$s/testdata/pki/leaf-a2.pem\", "
             "\"%1$s/testdata/pki/int-a2.pem\"], \"anchors\": "
             "\"%1$s/testdata/chains/roots-certdata.txt\", "
             "\"expect\": \"distrusted\"},\n"
             " {\"name\": \"dated\", \"chain\": [\"%1$s/testdata/pki/leaf-c-after.pem\", "
             "\"%1$s/testdata/pki/int-c.pem\"], \"anchors\": [\"%1$s/testdata/pki/root-c.pem\"], "
             "\"expect\": \"distrusted\"},\n"
             " {\"name\": \"plain\", \"chain\": [\"%1$s/testdata/pki/leaf-a2.pem\", "
             "\"%1$s/testdata/pki/int-a2.pem\"], \"anchors\": [\"%1$s/testdata/pki/root-a.pem\"], "
             "\"usage\": \"email-signer\", \"expect\": \"distrusted\"}]}\n",
             cwd);
    char *saved = slurp(b, "tests/cases.json", NULL);
    UNIT_WRITE_STR("build/tests/cases.json", cj_text);
    CHECKU(emit(b, out, &s) == DT_OK && s.cases == 1 && s.skipped == 2,
           "a root-store case and a date-only case left out, one written");
    cfg = slurp(out, "scenarios/distrust.cfg", NULL);
    CHECK(cfg && strstr(cfg, "# case 1 (store): anchors from a root store, left out\n") &&
              strstr(cfg, "# case 2 (dated): distrusted by a distrust-after date, which NSS does "
                          "not enforce; left out\n") &&
              strstr(cfg,
                     "db Distrust3\nimport Distrust3A1:x:CT,C,C\nimport Distrust3C2:x:p,p,p\n") &&
              strstr(cfg, "usage 4\nresult fail\n") && !strstr(cfg, "at_time"),
          "each with a comment; the other: its distrusted intermediate, the e-mail usage, no "
          "time");
    free(cfg);
    if (saved)
        UNIT_WRITE_STR("build/tests/cases.json", saved);
    free(saved);

    /* Errors. */
    char other[600];
    snprintf(other, sizeof(other), "%s/precious", unit_tmp());
    mkdir(other, 0755);
    UNIT_WRITE_STR("precious/notes.txt", "keep");
    CHECKU(emit(b, other, &s) == DT_ERR_INPUT && unit_has(&U, "refusing to replace"),
           "an output directory that is not ours is refused");
    char nocases[600];
    snprintf(nocases, sizeof(nocases), "%s/build-nocases", unit_tmp());
    if (build("testdata/chains/basic/policy.json", NULL, nocases) != DT_OK)
        return 2;
    CHECKU(emit(nocases, out, &s) == DT_ERR_INPUT && unit_has(&U, "the build has no chain cases"),
           "a build made without --cases: an error that says how");
    char notbuild[600];
    snprintf(notbuild, sizeof(notbuild), "%s/precious", unit_tmp());
    CHECKU(emit(notbuild, out, &s) == DT_ERR_INPUT && U.errors >= 1,
           "a directory that is not a build: an error");
    /* A hand-edited cases.json with a time chains.sh cannot take. */
    char *cj = slurp(b, "tests/cases.json", NULL);
    char *at = cj ? strstr(cj, "2025-06-01T00:00:00Z") : NULL;
    if (!at)
        return 2;
    memcpy(at, "2051", 4);
    UNIT_WRITE_STR("build/tests/cases.json", cj);
    free(cj);
    CHECKU(emit(b, out, &s) == DT_ERR_INPUT && U.errors == 1 &&
               unit_has(&U, "2051-06-01T00:00:00Z") && unit_has(&U, "UTCTime"),
           "a case time after 2049: an error that says why (regression: failed without a "
           "message)");
    return unit_done();
}
