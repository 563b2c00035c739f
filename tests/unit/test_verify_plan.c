/* Unit tests: verify_plan.c, the planning of `distrust verify`, without
 * NSS: which deployments and engines a run checks (defaults, the merged
 * certdata.txt, OpenSSL, NSS deployments without an NSS engine), which
 * deployments judge a case and which cannot (NOT RUN when the case names
 * one, "not checked" and why when none judges it), the NSS jobs planned per
 * case and engine, which of them share an NSS worker
 * (dt_verify_nss_same_config), the checks in report order and their tags. */
#include "verify_plan.h"
#include "unit.h"

#define OV DT_DEPLOY_OVERLAY
#define RS DT_DEPLOY_ROOT_STORE
#define PK DT_DEPLOY_P11KIT
#define OS DT_DEPLOY_OPENSSL

static bool sel_is(unsigned engines, unsigned deps, bool merged, unsigned want_sel,
                   unsigned want_eng, bool want_several)
{
    struct dt_verify_selection s;
    memset(&s, 0xee, sizeof(s));
    dt_verify_plan_select(engines, deps, merged, &s);
    bool ok = s.selected == want_sel && s.nss_engines == want_eng && s.several == want_several;
    if (!ok)
        printf("#   got selected %#x engines %#x several %d\n", s.selected, s.nss_engines,
               s.several);
    return ok;
}

static void test_select(void)
{
    CHECK(sel_is(0, 0, false, OV, DT_VERIFY_PKIX, false),
          "defaults: PKIX, the overlay deployment, untagged");
    CHECK(sel_is(0, 0, true, OV | RS, DT_VERIFY_PKIX, true),
          "a build with a merged certdata.txt: root-store too, tagged");
    CHECK(sel_is(DT_VERIFY_PKIX | DT_VERIFY_CLASSIC, 0, false, OV,
                 DT_VERIFY_PKIX | DT_VERIFY_CLASSIC, true),
          "both NSS engines: overlay under each, tagged");
    CHECK(sel_is(DT_VERIFY_OPENSSL, 0, true, OS, 0, false),
          "OpenSSL alone: the openssl deployment, no NSS engine, untagged");
    CHECK(sel_is(DT_VERIFY_PKIX | DT_VERIFY_OPENSSL, 0, false, OV | OS, DT_VERIFY_PKIX, true),
          "PKIX and OpenSSL: overlay and openssl");
    CHECK(sel_is(DT_VERIFY_OPENSSL, PK, false, PK | OS, DT_VERIFY_PKIX, true),
          "an NSS deployment asked for without an NSS engine: it runs under PKIX");
    CHECK(sel_is(DT_VERIFY_CLASSIC, OS, false, OS, 0, false),
          "only the openssl deployment: no NSS engine runs");
    CHECK(sel_is(DT_VERIFY_CLASSIC, RS | 0x30, false, RS, DT_VERIFY_CLASSIC, false),
          "deployments given: exactly those (unknown bits dropped), even without a merged file");
    CHECK(sel_is(DT_VERIFY_OPENSSL | DT_VERIFY_PKIX, OV, false, OV | OS, DT_VERIFY_PKIX, true),
          "DT_VERIFY_OPENSSL adds the openssl deployment to those given");
}

static bool ff_sel_is(unsigned engines, unsigned deps, unsigned want_sel, unsigned want_eng,
                      unsigned want_ff)
{
    struct dt_verify_selection s;
    memset(&s, 0xee, sizeof(s));
    dt_verify_plan_select(engines, deps, false, &s);
    bool ok = s.selected == want_sel && s.nss_engines == want_eng && s.firefox == want_ff;
    if (!ok)
        printf("#   got selected %#x engines %#x firefox %#x\n", s.selected, s.nss_engines,
               s.firefox);
    return ok;
}

static void test_select_firefox(void)
{
    CHECK(ff_sel_is(DT_VERIFY_PKIX, 0, OV, DT_VERIFY_PKIX, 0),
          "without the Firefox engine no Firefox configuration is selected");
    CHECK(ff_sel_is(DT_VERIFY_FIREFOX, 0, 0, 0, OV | RS | DT_DEPLOY_ONECRL),
          "Firefox alone: its three configurations, no NSS deployment");
    CHECK(ff_sel_is(DT_VERIFY_FIREFOX | DT_VERIFY_PKIX | DT_VERIFY_CLASSIC, 0, OV,
                    DT_VERIFY_PKIX | DT_VERIFY_CLASSIC, OV | RS | DT_DEPLOY_ONECRL),
          "all (the NSS engines and Firefox): overlay for NSS, every Firefox configuration");
    CHECK(ff_sel_is(DT_VERIFY_FIREFOX, OV, 0, 0, OV),
          "Firefox with --deployments overlay: Firefox's overlay alone, no NSS engine added");
    CHECK(ff_sel_is(DT_VERIFY_FIREFOX, DT_DEPLOY_ONECRL, 0, 0, DT_DEPLOY_ONECRL),
          "--deployments onecrl: Firefox's OneCRL configuration alone");
    CHECK(ff_sel_is(DT_VERIFY_PKIX, DT_DEPLOY_ONECRL, 0, 0, 0),
          "onecrl without Firefox: nothing (no NSS deployment is OneCRL)");
    CHECK(ff_sel_is(DT_VERIFY_FIREFOX | DT_VERIFY_PKIX, RS | PK | DT_DEPLOY_ONECRL, RS | PK,
                    DT_VERIFY_PKIX, RS | DT_DEPLOY_ONECRL),
          "Firefox and PKIX with a list: each engine takes the deployments it has");
    CHECK(ff_sel_is(DT_VERIFY_FIREFOX | DT_VERIFY_OPENSSL, OV, OS, 0, OV),
          "Firefox and OpenSSL with overlay: Firefox's overlay and openssl, no NSS engine");
    CHECK(ff_sel_is(DT_VERIFY_FIREFOX, PK, 0, 0, 0),
          "Firefox with p11-kit alone: Firefox has no such configuration, nothing selected");
    struct dt_verify_selection s;
    dt_verify_plan_select(DT_VERIFY_PKIX | DT_VERIFY_FIREFOX, 0, false, &s);
    CHECK(s.several, "PKIX's one deployment beside Firefox: tagged, as Firefox's checks are");
    dt_verify_plan_select(DT_VERIFY_FIREFOX, 0, false, &s);
    CHECK(!s.several, "Firefox alone: no NSS or OpenSSL line to tag");
}

static struct dt_verify_case_plan plan_of(unsigned sel_engines, unsigned sel_deps, bool merged,
                                          unsigned case_deps, bool upstream, bool p11kit,
                                          struct dt_verify_selection *s)
{
    dt_verify_plan_select(sel_engines, sel_deps, merged, s);
    struct dt_verify_case_plan p;
    memset(&p, 0xee, sizeof(p));
    dt_verify_plan_case(s, case_deps, upstream, p11kit, &p);
    return p;
}

static void test_case(void)
{
    struct dt_verify_selection s;
    struct dt_verify_case_plan p = plan_of(0, OV | RS | PK | OS, true, 0, true, true, &s);
    CHECK(p.deps == (OV | RS | PK | OS) && !p.missing && !p.skipped,
          "everything selected and able: every deployment judges a case that names none");
    bool none = true;
    for (int e = 0; e < 2; e++)
        for (int j = 0; j < DT_VERIFY_N_JOB_ROLES; j++)
            none &= p.job[e][j] == DT_VERIFY_NO_JOB;
    CHECK(none, "no job yet");

    p = plan_of(0, 0, true, 0, false, true, &s);
    CHECK(p.deps == OV && !p.missing && p.skipped == RS,
          "anchors that are not the merge's upstream: root-store skipped, overlay judges");
    p = plan_of(0, 0, true, RS, false, true, &s);
    CHECK(p.deps == 0 && p.missing == RS && !p.skipped,
          "a case that names root-store, which cannot judge it: missing (NOT RUN)");
    p = plan_of(0, 0, true, RS, true, true, &s);
    CHECK(p.deps == RS && !p.missing, "anchored at the upstream: root-store judges it");
    p = plan_of(0, OV | PK, false, 0, false, false, &s);
    CHECK(p.deps == OV && p.skipped == PK && !p.missing,
          "p11-kit-trust.so not at hand: p11-kit skipped for a case that does not name it");
    p = plan_of(0, OV | PK, false, PK | OV, false, false, &s);
    CHECK(p.deps == OV && p.missing == PK, "and missing for a case that names it");
    p = plan_of(0, OV, false, OS, false, false, &s);
    CHECK(p.deps == 0 && !p.missing && !p.skipped,
          "a case naming only a deployment the run does not check: nothing judges it");
    p = plan_of(DT_VERIFY_OPENSSL, 0, false, OV | OS, false, false, &s);
    CHECK(p.deps == OS, "OpenSSL judges the cases that name it");
}

static bool checks_are(const struct dt_verify_selection *s, const struct dt_verify_case_plan *p,
                       const char *want)
{
    struct dt_verify_check c[DT_VERIFY_MAX_CHECKS];
    size_t n = dt_verify_plan_checks(s, p, c);
    char got[512] = "";
    for (size_t i = 0; i < n; i++) {
        char tag[48];
        dt_verify_plan_tag(s, c[i].dep, c[i].engine, tag, sizeof(tag));
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s",
                 c[i].kind == DT_VERIFY_CHECK_NOT_RUN   ? "NOTRUN"
                 : c[i].kind == DT_VERIFY_CHECK_OPENSSL ? "OSSL"
                                                        : "NSS",
                 tag, i + 1 < n ? ";" : "");
    }
    if (strcmp(got, want))
        printf("#   got  %s\n#   want %s\n", got, want);
    return !strcmp(got, want);
}

static void test_checks(void)
{
    struct dt_verify_selection s;
    struct dt_verify_case_plan p = plan_of(DT_VERIFY_PKIX | DT_VERIFY_CLASSIC | DT_VERIFY_OPENSSL,
                                           OV | RS | PK, true, 0, true, true, &s);
    CHECK(checks_are(&s, &p,
                     "NSS [overlay/pkix];NSS [overlay/classic];NSS [root-store/pkix];"
                     "NSS [root-store/classic];NSS [p11-kit/pkix];NSS [p11-kit/classic];"
                     "OSSL [openssl]"),
          "the order: each NSS deployment under PKIX then classic, then OpenSSL; tagged");
    p = plan_of(DT_VERIFY_PKIX | DT_VERIFY_CLASSIC, OV | RS, true, OV | RS, false, true, &s);
    CHECK(checks_are(&s, &p,
                     "NSS [overlay/pkix];NSS [overlay/classic];NOTRUN [root-store/pkix];"
                     "NOTRUN [root-store/classic]"),
          "a named deployment that cannot judge: NOT RUN in its place, per engine");
    p = plan_of(0, 0, false, 0, false, false, &s);
    CHECK(checks_are(&s, &p, "NSS"), "the default run: one untagged check");
    struct dt_verify_check c[DT_VERIFY_MAX_CHECKS];

    /* Not checked, and why. */
    p = plan_of(0, OV, false, OS, false, false, &s);
    CHECK(dt_verify_plan_checks(&s, &p, c) == 0 && dt_verify_plan_unchecked(&s, OS, &p) == 0,
          "a case whose deployments the run does not check: not checked, not among the run's");
    p = plan_of(0, RS, false, 0, false, false, &s);
    CHECK(dt_verify_plan_checks(&s, &p, c) == 0 && dt_verify_plan_unchecked(&s, 0, &p) == RS,
          "only root-store selected, the case not at the upstream: not checked, because of "
          "root-store");
    p = plan_of(0, RS | PK, false, 0, false, false, &s);
    CHECK(dt_verify_plan_checks(&s, &p, c) == 0 && dt_verify_plan_unchecked(&s, 0, &p) == PK,
          "root-store and p11-kit both unable: p11-kit is named");
    p = plan_of(0, RS | PK, false, RS, false, false, &s);
    CHECK(dt_verify_plan_checks(&s, &p, c) == 1 && c[0].kind == DT_VERIFY_CHECK_NOT_RUN,
          "baseline: a case that names the unable deployment is checked (NOT RUN), not "
          "skipped");

    char tag[48];
    dt_verify_plan_select(0, 0, false, &s);
    dt_verify_plan_tag(&s, OV, DT_ENGINE_PKIX, tag, sizeof(tag));
    CHECK(!strcmp(tag, ""), "one check a case: no tag");
}

static void test_jobs(void)
{
    struct dt_cert leaf, ca;
    memset(&leaf, 0, sizeof(leaf));
    memset(&ca, 0, sizeof(ca));
    struct dt_cert *chain[2] = {&leaf, &ca};
    struct dt_case k1, k2, k3;
    memset(&k1, 0, sizeof(k1));
    k1.chain = chain;
    k1.n_chain = 2;
    k1.usage = DT_USAGE_SERVER;
    k1.has_time = true;
    k1.time = 1750000000;
    k2 = k1;
    k2.has_time = false;
    k2.usage = DT_USAGE_EMAIL_SIGNER;
    k3 = k1;
    const struct dt_verify_plan_config cfg = {"/w/nssdb",          "/w/anchors-module.so",
                                              "/m/pkcs11.so",      "/out/certdata-distrust.txt",
                                              "/out/certdata.txt", "/usr/lib/p11-kit-trust.so",
                                              1700000000};
    struct dt_verify_selection s;
    dt_verify_plan_select(DT_VERIFY_PKIX | DT_VERIFY_CLASSIC, OV | RS | PK, true, &s);
    struct dt_nss_job *jobs = NULL;
    size_t n = 0, cap = 0;
    struct dt_verify_case_plan p1, p2, p3;
    dt_verify_plan_case(&s, 0, true, true, &p1);
    p1.p11_base = "/w/p11-1";
    p1.p11_with = "/w/dist:/w/p11-1";
    bool ok = dt_verify_plan_jobs(&cfg, &k1, DT_ENGINE_PKIX, "/w/anchors-1.txt", &p1, &jobs, &n,
                                  &cap) == DT_OK &&
              dt_verify_plan_jobs(&cfg, &k1, DT_ENGINE_CLASSIC, "/w/anchors-1.txt", &p1, &jobs, &n,
                                  &cap) == DT_OK;
    CHECK(ok && n == 10, "every deployment under two engines: 2 x 5 jobs (%zu)", n);
    const size_t *J = p1.job[0];
    const struct dt_nss_job *b = &jobs[J[DT_VERIFY_JOB_BASE]], *o = &jobs[J[DT_VERIFY_JOB_OVERLAY]],
                            *r = &jobs[J[DT_VERIFY_JOB_ROOT_STORE]],
                            *pb = &jobs[J[DT_VERIFY_JOB_P11_BASE]],
                            *pw = &jobs[J[DT_VERIFY_JOB_P11_WITH]];
    CHECK(!strcmp(b->anchors_certdata, "/w/anchors-1.txt") && !b->overlay_certdata &&
              !b->p11kit_module && b->engine == DT_ENGINE_PKIX && b->time == 1750000000 &&
              b->chain == chain && b->n_chain == 2 && !strcmp(b->db_dir, "/w/nssdb") &&
              !strcmp(b->rootstore_module, "/w/anchors-module.so") &&
              !strcmp(b->overlay_module, "/m/pkcs11.so"),
          "the baseline: the anchors alone, the case's chain and time, the engine");
    CHECK(!strcmp(o->anchors_certdata, "/w/anchors-1.txt") &&
              !strcmp(o->overlay_certdata, "/out/certdata-distrust.txt"),
          "overlay: the anchors and the build's certdata-distrust.txt");
    CHECK(!strcmp(r->anchors_certdata, "/out/certdata.txt") && !r->overlay_certdata,
          "root-store: the merged certdata.txt alone as the built-in roots");
    CHECK(!pb->anchors_certdata && !strcmp(pb->p11kit_module, "/usr/lib/p11-kit-trust.so") &&
              !strcmp(pb->p11kit_paths, "/w/p11-1") &&
              !strcmp(pw->p11kit_paths, "/w/dist:/w/p11-1") && !pw->overlay_certdata,
          "p11-kit: its own baseline over the anchors, and with distrust.p11-kit");
    CHECK(p1.job[1][DT_VERIFY_JOB_BASE] == 5 && jobs[5].engine == DT_ENGINE_CLASSIC,
          "the classic engine's jobs are recorded apart");

    /* A case without a time: the run's. Another case with the same anchors
     * file; one with other anchors, anchored at the upstream too. */
    dt_verify_plan_case(&s, 0, false, true, &p2);
    p2.p11_base = "/w/p11-1";
    p2.p11_with = "/w/dist:/w/p11-1";
    ok = dt_verify_plan_jobs(&cfg, &k2, DT_ENGINE_PKIX, "/w/anchors-1.txt", &p2, &jobs, &n, &cap) ==
         DT_OK;
    CHECK(ok && n == 14 && p2.job[0][DT_VERIFY_JOB_ROOT_STORE] == DT_VERIFY_NO_JOB &&
              jobs[p2.job[0][DT_VERIFY_JOB_BASE]].time == 1700000000 &&
              jobs[p2.job[0][DT_VERIFY_JOB_BASE]].usage == DT_USAGE_EMAIL_SIGNER,
          "a case not at the upstream: no root-store job; no time: the run's");
    dt_verify_plan_case(&s, 0, true, true, &p3);
    p3.p11_base = "/w/p11-2";
    p3.p11_with = "/w/dist:/w/p11-2";
    ok = dt_verify_plan_jobs(&cfg, &k3, DT_ENGINE_PKIX, "/w/anchors-2.txt", &p3, &jobs, &n, &cap) ==
         DT_OK;
    CHECK(ok && n == 19, "five more jobs (%zu)", n);

    /* Which share a worker. */
    const struct dt_nss_job *b1 = &jobs[p1.job[0][DT_VERIFY_JOB_BASE]],
                            *b2 = &jobs[p2.job[0][DT_VERIFY_JOB_BASE]],
                            *b3 = &jobs[p3.job[0][DT_VERIFY_JOB_BASE]];
    CHECK(dt_verify_nss_same_config(b1, b2),
          "two cases with the same anchors file: their baselines share a configuration (chain, "
          "usage and time may differ)");
    CHECK(!dt_verify_nss_same_config(b1, b3), "other anchors: another configuration");
    CHECK(!dt_verify_nss_same_config(b1, &jobs[p1.job[1][DT_VERIFY_JOB_BASE]]),
          "another engine: another configuration");
    CHECK(!dt_verify_nss_same_config(b1, &jobs[p1.job[0][DT_VERIFY_JOB_OVERLAY]]),
          "the baseline and the overlay never share");
    CHECK(dt_verify_nss_same_config(&jobs[p1.job[0][DT_VERIFY_JOB_ROOT_STORE]],
                                    &jobs[p3.job[0][DT_VERIFY_JOB_ROOT_STORE]]),
          "root-store jobs of cases with other anchors share (the merged file alone)");
    CHECK(!dt_verify_nss_same_config(&jobs[p1.job[0][DT_VERIFY_JOB_P11_BASE]],
                                     &jobs[p3.job[0][DT_VERIFY_JOB_P11_BASE]]) &&
              dt_verify_nss_same_config(&jobs[p1.job[0][DT_VERIFY_JOB_P11_WITH]],
                                        &jobs[p2.job[0][DT_VERIFY_JOB_P11_WITH]]) &&
              !dt_verify_nss_same_config(&jobs[p1.job[0][DT_VERIFY_JOB_P11_BASE]],
                                         &jobs[p1.job[0][DT_VERIFY_JOB_P11_WITH]]),
          "p11-kit jobs share by their paths: other anchors or with the build, another");
    /* The distinct configurations of the 19 jobs. */
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = dt_verify_nss_same_config(&jobs[i], &jobs[j]);
        distinct += !seen;
    }
    CHECK(distinct == 14,
          "19 jobs in 14 configurations (PKIX: 2 baselines, 2 overlays, 1 root-store, 4 "
          "p11-kit; classic: 5) (%zu)",
          distinct);
    free(jobs);
}

int main(void)
{
    test_select();
    test_select_firefox();
    test_case();
    test_checks();
    test_jobs();
    return unit_done();
}
