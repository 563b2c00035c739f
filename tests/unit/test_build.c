/* Unit tests: the pipeline (resolve merging, labels, certdata output,
 * manifest, atomic output directory) through dt_build_run(), and the run's
 * own contract: its options, lint mode, strict mode, the summary, --explain
 * and --expired-before lines, the same outputs for the same inputs. */
#include "build.h"
#include "file.h"
#include "unit.h"
#include "version.h"

#include <sys/stat.h>

static struct unit_diags U;

static enum dt_err build(const char *policy_text, const char *out, struct dt_build_summary *s)
{
    char pdir[512];
    snprintf(pdir, sizeof(pdir), "%s/policy.json", unit_tmp());
    UNIT_WRITE_STR("policy.json", policy_text);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    const char *paths[1] = {pdir};
    o.policies = paths;
    o.n_policies = 1;
    o.out_dir = out;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    return dt_build_run(&o, s);
}

static char *read_out(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct dt_buf b;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (dt_file_read(path, 1 << 24, &b, &d, NULL) != DT_OK)
        return NULL;
    return dt_buf_steal(&b, NULL);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

#define PKI "\"" /* paths below are absolute, made in main() */

static size_t LINES_N;
static char LINES[16384];

static void on_line(const char *line, void *ctx)
{
    (void)ctx;
    LINES_N++;
    strncat(LINES, line, sizeof(LINES) - strlen(LINES) - 2);
    strcat(LINES, "\n");
}

/* Every file of a build directory, concatenated with its name, in name order. */
static char *dir_text(const char *dir)
{
    char cmd[800];
    snprintf(cmd, sizeof(cmd), "cd '%s' && find . -type f | LC_ALL=C sort | while read f; do echo \"== $f\"; cat \"$f\"; done", dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        if (dt_buf_append(&b, chunk, n) != DT_OK)
            break;
    pclose(p);
    return dt_buf_steal(&b, NULL);
}

static void test_contract(const char *cwd)
{
    char policy[4096], path[600], o1[600], o2[600];
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [\n"
             " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"label\": \"Int\"},\n"
             " {\"certificate\": \"%1$s/testdata/pki/bundle-leaves.pem\"},\n"
             " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
             "\"2024-11-30T23:59:59Z\"}]}\n",
             cwd);
    snprintf(path, sizeof(path), "%s", UNIT_WRITE_STR("contract.json", policy));
    const char *ps[1] = {path}, *pools[2] = {"testdata/pki", "testdata/pki-cross"};
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    o.policies = ps;
    o.n_policies = 1;
    o.pools = pools;
    o.n_pools = 2;
    o.has_date = 1;
    o.date = 1750000000;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    struct dt_diags d;
    struct dt_build_summary s;

    /* The summary. */
    snprintf(o1, sizeof(o1), "%s/c1", unit_tmp());
    snprintf(o2, sizeof(o2), "%s/c2", unit_tmp());
    o.out_dir = o1;
    unit_diags_setup(&U, &d);
    enum dt_err rc = dt_build_run(&o, &s);
    CHECK(rc == DT_OK && s.policy_files == 1 && s.rules == 3 && s.items == 6 && s.expanded == 2 &&
              s.nss_trust_objects == 6 && s.distrust_after == 1 && s.pool_certs >= 20 &&
              s.errors == 0 && s.warnings == U.warnings,
          "the summary: 1 file, 3 entries, 6 distrusts (2 found in the pool), 6 trust objects, 1 "
          "dated root (%zu %zu %zu)",
          s.items, s.expanded, s.nss_trust_objects);
    /* The same inputs: the same files, byte for byte. */
    o.out_dir = o2;
    unit_diags_setup(&U, &d);
    rc = dt_build_run(&o, &s);
    char *t1 = dir_text(o1), *t2 = dir_text(o2);
    CHECK(rc == DT_OK && t1 && t2 && strlen(t1) > 1000 && !strcmp(t1, t2),
          "two builds of the same inputs: every file byte for byte the same");
    free(t1);
    free(t2);

    /* Lint mode: nothing written. */
    char lint[600];
    snprintf(lint, sizeof(lint), "%s/lint", unit_tmp());
    o.out_dir = NULL;
    unit_diags_setup(&U, &d);
    rc = dt_build_run(&o, &s);
    CHECK(rc == DT_OK && s.items == 6 && access(lint, F_OK) != 0,
          "without an output directory: everything checked, counted, nothing written");

    /* --explain: a line per distrust. */
    LINES_N = 0;
    LINES[0] = 0;
    o.explain = on_line;
    unit_diags_setup(&U, &d);
    rc = dt_build_run(&o, &s);
    CHECK(rc == DT_OK && LINES_N == 7 &&
              strstr(LINES, "\"Int\": issuer \"CN=Test Root A,O=Distrust Test,C=US\", serial "
                            "00:8b:ad:f0:0d:12:34 [nss,onecrl,blob,p11-kit] <- contract.json "
                            "/entries/0\n") &&
              strstr(LINES, "\"Int (issued by Test Root B)\": ") &&
              strstr(LINES, "found in the pool (pki/chain-a1-x.pem) with the same subject and key "
                            "as Test Intermediate 1\n") &&
              strstr(LINES, "\"Test Root C (distrust-after)\": distrust-after date(s) on the root "
                            "<- contract.json /entries/2\n"),
          "--explain: a line per distrust (why: the entry, or where the pool found it) and per "
          "dated root (%zu lines)",
          LINES_N);
    o.explain = NULL;

    /* --expired-before: the prune report's lines and counts. */
    LINES_N = 0;
    LINES[0] = 0;
    o.has_expired_before = 1;
    o.expired_before = 2051222400; /* 2035 */
    o.prune = on_line;
    unit_diags_setup(&U, &d);
    rc = dt_build_run(&o, &s);
    CHECK(rc == DT_OK && s.prune_expired == 1 && s.prune_live == 2 && s.prune_unknown == 0 &&
              strstr(LINES, "expired: contract.json /entries/1: all 3 of its certificates"),
          "--expired-before 2035: the bundle's leaves expired, the rest live");
    o.has_expired_before = 0;
    o.prune = NULL;

    /* Strict: a warning fails the build and writes nothing. */
    char sp[4096], so[600];
    snprintf(sp, sizeof(sp),
             "{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
             "\"%s/testdata/pki/leaf-a1.pem\", \"serial\": \"01\"}]}",
             cwd);
    const char *sps[1] = {UNIT_WRITE_STR("strict.json", sp)};
    snprintf(so, sizeof(so), "%s/strict-out", unit_tmp());
    struct dt_build_opts st = o;
    st.policies = sps;
    st.n_pools = 0;
    st.out_dir = so;
    st.strict = 1;
    unit_diags_setup(&U, &d);
    rc = dt_build_run(&st, &s);
    CHECK(rc == DT_ERR_STRICT && s.warnings >= 1 && access(so, F_OK) != 0,
          "strict with a warning: DT_ERR_STRICT, nothing written");
    st.strict = 0;
    unit_diags_setup(&U, &d);
    CHECK(dt_build_run(&st, &s) == DT_OK && access(so, F_OK) == 0,
          "baseline: without strict, written");

    /* Options. */
    CHECK(dt_build_run(NULL, &s) == DT_ERR_USAGE, "no options: a usage error");
    struct dt_build_opts none;
    memset(&none, 0, sizeof(none));
    none.policies = ps;
    none.n_policies = 1;
    CHECK(dt_build_run(&none, NULL) == DT_ERR_USAGE, "no diagnostics sink: a usage error");
}


/* Builds with every option the stages read, the policy given as text. */
static enum dt_err build_with(const char *policy_text, struct dt_build_opts *o,
                              struct dt_build_summary *s)
{
    char pdir[512];
    snprintf(pdir, sizeof(pdir), "%s/policy.json", unit_tmp());
    UNIT_WRITE_STR("policy.json", policy_text);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    static const char *paths[1];
    static char keep[512];
    snprintf(keep, sizeof(keep), "%s", pdir);
    paths[0] = keep;
    o->policies = paths;
    o->n_policies = 1;
    o->diag = unit_diag_fn;
    o->diag_ctx = &U;
    return dt_build_run(o, s);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The stages (build.c): bad input of every kind is reported in one run (the
 * policy, a pool, the chain cases, and a file an entry names, which only
 * resolve finds: the entries without errors are resolved all the same),
 * and nothing is written; the summary says how far the build got. */
static void test_stages(const char *cwd)
{
    char out[600], policy[2048];
    snprintf(out, sizeof(out), "%s/stages-out", unit_tmp());
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [\n"
             " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"},\n"
             " {\"certificate\": \"%1$s/testdata/pki/no-such.pem\"},\n"
             " {\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\", \"serial\": \"0g\"}\n"
             "]}\n",
             cwd);
    char pool[600], cases[600];
    snprintf(pool, sizeof(pool), "%s/no-such-pool", unit_tmp());
    snprintf(cases, sizeof(cases), "%s/no-such-cases.json", unit_tmp());
    const char *pools[1] = {pool}, *case_files[1] = {cases};
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    o.out_dir = out;
    o.pools = pools;
    o.n_pools = 1;
    o.cases = case_files;
    o.n_cases = 1;
    struct dt_build_summary s;
    memset(&s, 0xff, sizeof(s));
    enum dt_err rc = build_with(policy, &o, &s);
    CHECK(rc == DT_ERR_INPUT && U.errors == 4,
          "stages: four bad inputs, one run (rc=%d, %zu errors)", rc, U.errors);
    if (U.errors != 4)
        printf("%s", U.text);
    CHECK(unit_has(&U, "serial \"0g\": not a hex digit"), "stages: the policy's error");
    CHECK(unit_has(&U, "no-such-pool|") || unit_has(&U, "cannot open pool"),
          "stages: the pool's error");
    CHECK(unit_has(&U, "no-such-cases.json"), "stages: the chain cases' error");
    CHECK(unit_has(&U, "|/entries/1/certificate|cannot open"),
          "stages: resolve still ran and found the missing certificate");
    CHECK(!exists(out), "stages: nothing written");
    CHECK(s.errors == 4 && s.policy_files == 1 && s.rules == 2 && s.items == 1 &&
              s.pool_certs == 0 && s.expanded == 0 && s.open_paths == 0 &&
              s.nss_trust_objects == 0 && s.prune_live == 0,
          "stages: the summary says how far it got (rules %zu, items %zu, pool %zu)", s.rules,
          s.items, s.pool_certs);

    /* The same policy without its bad entries, a warning and --strict: every
     * stage but the last runs, the summary has their counts, nothing is
     * written. */
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [\n"
             " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"label\": \"A \"}\n"
             "]}\n",
             cwd);
    char good_pool[600];
    snprintf(good_pool, sizeof(good_pool), "%s/testdata/pki", cwd);
    pools[0] = good_pool;
    memset(&o, 0, sizeof(o));
    o.out_dir = out;
    o.pools = pools;
    o.n_pools = 1;
    o.strict = 1;
    memset(&s, 0xff, sizeof(s));
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_ERR_STRICT && U.errors == 0 && U.warnings >= 1 &&
              unit_has(&U, "label starts or ends with a space"),
          "strict: a warning fails the build (rc=%d)", rc);
    CHECK(!exists(out), "strict: nothing written");
    CHECK(s.errors == 0 && s.warnings == U.warnings && s.rules == 1 && s.items >= 1 &&
              s.nss_trust_objects == s.items && s.pool_certs > 0 && s.expanded == s.items - 1,
          "strict: the summary has every stage's counts (items %zu, pool %zu, expanded %zu)",
          s.items, s.pool_certs, s.expanded);

    /* Without --strict the same build writes OUT, and the summary is the
     * same. */
    o.strict = 0;
    struct dt_build_summary s2;
    rc = build_with(policy, &o, &s2);
    char mpath[700];
    snprintf(mpath, sizeof(mpath), "%s/manifest.json", out);
    CHECK(rc == DT_OK && exists(mpath), "baseline: without --strict OUT is written");
    CHECK(s2.items == s.items && s2.pool_certs == s.pool_certs && s2.expanded == s.expanded &&
              s2.open_paths == s.open_paths && s2.nss_trust_objects == s.nss_trust_objects,
          "baseline: the same counts");

    /* No options: a usage error, and a summary of zeros. */
    memset(&s, 0xff, sizeof(s));
    CHECK(dt_build_run(NULL, &s) == DT_ERR_USAGE && s.items == 0 && s.errors == 0 &&
              s.pool_certs == 0 && s.prune_expired == 0,
          "no options: DT_ERR_USAGE, the summary cleared");
}


/* The release: the blob's sequence and the outputs' time have a source
 * (--sequence, --previous, --date) recorded in the manifest; without one a
 * warning says what was used, and --strict refuses it. */
static void test_release(const char *cwd)
{
    char policy[1024], o1[600], o2[600], o3[600];
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
             "\"%s/testdata/pki/root-a.pem\", \"serial\": \"01\", \"targets\": [\"blob\", "
             "\"onecrl\"]}]}",
             cwd);
    snprintf(o1, sizeof(o1), "%s/rel1", unit_tmp());
    snprintf(o2, sizeof(o2), "%s/rel2", unit_tmp());
    snprintf(o3, sizeof(o3), "%s/rel3", unit_tmp());
    struct dt_build_summary s;
    struct dt_build_opts o;

    /* Neither a sequence nor a date: written, with two warnings. */
    memset(&o, 0, sizeof(o));
    o.out_dir = o1;
    enum dt_err rc = build_with(policy, &o, &s);
    CHECK(rc == DT_OK && s.sequence == 0 && s.created == 0 &&
              unit_has(&U, "|no sequence number for revocations.blob") &&
              unit_has(&U, "|no date for the outputs") && U.warnings == 2,
          "no sequence and no date: 0 and 1970, with a warning for each (%zu)", U.warnings);
    char *m = read_out(o1, "manifest.json");
    CHECK(m && strstr(m, "\"sequence\": 0") && strstr(m, "\"sequence_from\": \"date\"") &&
              strstr(m, "\"created_from\": \"none\""),
          "the manifest says where they came from");
    free(m);
    o.strict = 1;
    snprintf(o3, sizeof(o3), "%s/rel-strict", unit_tmp());
    o.out_dir = o3;
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_ERR_STRICT && !exists(o3), "--strict refuses a build without a sequence");

    /* A date and a sequence: no warning, both in the manifest and the blob. */
    memset(&o, 0, sizeof(o));
    o.out_dir = o1;
    o.has_date = 1;
    o.date = 1764547200; /* 2025-12-01 */
    o.date_from = "SOURCE_DATE_EPOCH";
    o.has_sequence = 1;
    o.sequence = 41;
    o.strict = 1;
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_OK && U.warnings == 0 && s.sequence == 41 && s.created == 1764547200,
          "--sequence and a date: no warning, even under --strict");
    m = read_out(o1, "manifest.json");
    CHECK(m && strstr(m, "\"sequence\": 41") && strstr(m, "\"sequence_from\": \"--sequence\"") &&
              strstr(m, "\"created\": \"2025-12-01T00:00:00Z\"") &&
              strstr(m, "\"created_from\": \"SOURCE_DATE_EPOCH\""),
          "the manifest records them");
    free(m);
    char *ocrl = read_out(o1, "onecrl.json");
    CHECK(ocrl && strstr(ocrl, "\"last_modified\": 1764547200000"),
          "onecrl.json's last_modified is the date");
    free(ocrl);

    /* --previous: its sequence + 1. */
    memset(&o, 0, sizeof(o));
    o.out_dir = o2;
    o.has_date = 1;
    o.date = 1764633600;
    o.previous_dir = o1;
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_OK && U.warnings == 0 && s.sequence == 42,
          "--previous: the previous sequence + 1 (%llu)", (unsigned long long)s.sequence);
    /* A --sequence not greater than the previous one is refused. */
    o.has_sequence = 1;
    o.sequence = 42;
    o.previous_dir = o2;
    snprintf(o3, sizeof(o3), "%s/rel3", unit_tmp());
    o.out_dir = o3;
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_ERR_INPUT && !exists(o3) &&
              unit_has(&U, "error|--sequence|0|0||42 is not greater than the previous "
                           "release's sequence 42"),
          "--sequence 42 after 42 is refused, at --sequence");
    o.sequence = 43;
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_OK && s.sequence == 43, "baseline: --sequence 43 after 42 is taken");
    /* An older date than the previous release's: a warning. */
    o.out_dir = o1;
    o.previous_dir = o3;
    o.has_sequence = 0;
    o.date = 1700000000;
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_OK && s.sequence == 44 && U.warnings == 1 &&
              unit_has(&U, "is older than the previous release's"),
          "a date older than the previous release's: a warning");
    /* A previous directory that is not one. */
    o.previous_dir = "/nonexistent-previous";
    rc = build_with(policy, &o, &s);
    CHECK(rc == DT_ERR_INPUT && unit_has(&U, "error|--previous|0|0||/nonexistent-previous: No "
                                             "such file or directory"),
          "--previous naming nothing: an error with the errno text");
}

int main(void)
{
    char cwd[400], out[600], policy[4096];
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    snprintf(out, sizeof(out), "%s/out", unit_tmp());
    struct dt_build_summary s;

    /* Duplicates: the same certificate twice, and its issuer+serial typed. */
    snprintf(
        policy, sizeof(policy),
        "{\"version\": 1, \"entries\": [\n"
        " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"label\": \"First\"},\n"
        " {\"certificate\": \"%1$s/testdata/pki/int-a1.der\", \"purposes\": [\"server-auth\"]},\n"
        " {\"issuer_certificate\": \"%1$s/testdata/pki/root-a.pem\", \"serial\": "
        "\"00:8b:ad:f0:0d:12:34\"},\n"
        " {\"certificate\": \"%1$s/testdata/pki/bundle-leaves.pem\", \"label\": \"Bundle\"}\n"
        "]}\n",
        cwd);
    enum dt_err rc = build(policy, out, &s);
    CHECK(rc == DT_OK && s.items == 4 && s.nss_trust_objects == 4,
          "duplicates merge into one object per issuer/serial (rc=%d items=%zu)", rc, s.items);
    CHECK(unit_has(&U, "also distrusted by") && unit_has(&U, "the union"),
          "duplicates and differing purposes warned about");
    char *cd = read_out(out, "certdata-distrust.txt");
    CHECK(cd && count(cd, "CKO_NSS_TRUST") == 4, "four trust objects written");
    CHECK(cd && strstr(cd, "# Distrust \"First\"") && strstr(cd, "\"Bundle (cert 1/3)\"") &&
              strstr(cd, "\"Bundle (cert 3/3)\""),
          "labels: first entry's label; a bundle's labels numbered");
    CHECK(cd && strstr(cd, "# Source: policy.json /entries/0\n"), "provenance comment");
    free(cd);
    char *man = read_out(out, "manifest.json");
    CHECK(man && strstr(man, "\"tool\": \"distrust " DT_VERSION "\"") &&
              strstr(man, "\"certdata-distrust.txt\"") && strstr(man, "\"policy_sha256\""),
          "manifest names the tool, the policy digest and the file");
    CHECK(man && strstr(man, "\"nss_trust_objects\": 4"), "manifest counts");
    free(man);

    /* A failed build leaves the previous output untouched. */
    char *before = read_out(out, "certdata-distrust.txt");
    rc = build("{\"version\": 1, \"entries\": [{\"certificate\": \"missing.pem\"}]}", out, &s);
    char *after = read_out(out, "certdata-distrust.txt");
    CHECK(rc == DT_ERR_INPUT && before && after && !strcmp(before, after),
          "failed build: exit input error, previous output unchanged");
    free(before);
    free(after);

    /* Conflicting explicit shapes for one key. */
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [\n"
             " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"nss_object\": \"trust\"},\n"
             " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"nss_object\": "
             "\"certificate+trust\"}\n"
             "]}\n",
             cwd);
    rc = build(policy, NULL, &s);
    CHECK(rc == DT_ERR_INPUT && unit_has(&U, "choose one"), "conflicting nss_object refused");

    /* Distrust-after root and the same root distrusted outright. */
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [\n"
             " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
             "\"2024-11-30T23:59:59Z\"},\n"
             " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"email_distrust_after\": "
             "\"2030-01-01T00:00:00+01:00\"}\n"
             "]}\n",
             cwd);
    rc = build(policy, out, &s);
    cd = read_out(out, "certdata-distrust.txt");
    CHECK(rc == DT_OK && s.distrust_after == 1 && s.nss_cert_objects == 1,
          "two date entries for one root merge");
    CHECK(cd && strstr(cd,
                       "# For Server Distrust After: Sat Nov 30 23:59:59 2024\n"
                       "CKA_NSS_SERVER_DISTRUST_AFTER MULTILINE_OCTAL\n"
                       "\\062\\064\\061\\061\\063\\060\\062\\063\\065\\071\\065\\071\\132\nEND\n"),
          "server date as 13 UTCTime octets (matches NSS's certdata.txt)");
    CHECK(cd && strstr(cd, "# For Email Distrust After: Mon Dec 31 23:00:00 2029\n"),
          "offset converted to UTC");
    CHECK(cd && strstr(cd, "CKA_NSS_MOZILLA_CA_POLICY CK_BBOOL CK_TRUE\n") &&
              !strstr(cd, "CKO_NSS_TRUST"),
          "distrust-after root: certificate object with CA policy, no trust object");
    free(cd);
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [\n"
             " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
             "\"2024-11-30T23:59:59Z\"},\n"
             " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
             "\"2025-11-30T23:59:59Z\"}\n"
             "]}\n",
             cwd);
    CHECK(build(policy, NULL, &s) == DT_ERR_INPUT && unit_has(&U, "different distrust-after"),
          "two different dates for one root refused");

    /* issuer_certificate that is a leaf draws a warning; strict makes it fail. */
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [\n"
             " {\"issuer_certificate\": \"%1$s/testdata/pki/leaf-a1.pem\", \"serial\": \"01\"}\n"
             "]}\n",
             cwd);
    rc = build(policy, NULL, &s);
    CHECK(rc == DT_OK && unit_has(&U, "is not a CA certificate"), "leaf as issuer warned");

    /* Refuse to replace a directory that is not a build. */
    char other[600];
    snprintf(other, sizeof(other), "%s/precious", unit_tmp());
    mkdir(other, 0755);
    UNIT_WRITE_STR("precious/thesis.tex", "do not delete");
    snprintf(policy, sizeof(policy),
             "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/int-a1.pem\"}]}",
             cwd);
    rc = build(policy, other, &s);
    char *kept = read_out(other, "thesis.tex");
    CHECK(rc == DT_ERR_INPUT && kept && !strcmp(kept, "do not delete") &&
              unit_has(&U, "refusing to replace"),
          "a non-empty directory without manifest.json is not replaced");
    free(kept);

    /* The temporary directory never stays behind. */
    char cmd[800];
    snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -q '\\.tmp-'", unit_tmp());
    CHECK(system(cmd) != 0, "no temporary directory left behind");
    test_contract(cwd);
    test_stages(cwd);
    test_release(cwd);
    return unit_done();
}
