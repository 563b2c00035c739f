/* Unit tests: verify_nss.c. Without NSS worker processes: the error hints
 * and which jobs share a configuration (field by field). With workers, on
 * the fixture chains: an NSS database made in a child; a chain NSS accepts
 * over the anchors served in root-store mode (its path and anchor), and
 * rejects once the build's certdata-distrust.txt is loaded in overlay mode
 * (the error, the verify log at the distrusted certificate), under both
 * engines; how jobs are spread over processes (shared configuration, fresh
 * processes, different configurations); and failures that are reported
 * per job, never as a verdict (a module that does not load, a database
 * that does not exist). */
#include "verify.h"
#include "file.h"
#include "nssobj.h"
#include "verify_nss.h"
#include "build.h"
#include "unit.h"

#include <secerr.h>

static struct unit_diags U;

static void test_hints(void)
{
    CHECK(!strcmp(dt_verify_nss_error_hint(SEC_ERROR_UNTRUSTED_CERT),
                  "the certificate is marked as not trusted") &&
              !strcmp(dt_verify_nss_error_hint(SEC_ERROR_UNTRUSTED_ISSUER),
                      "an issuer is marked as not trusted") &&
              !strcmp(dt_verify_nss_error_hint(SEC_ERROR_UNKNOWN_ISSUER),
                      "no path to a trust anchor"),
          "hints for the distrust errors and a missing path");
    CHECK(dt_verify_nss_error_hint(SEC_ERROR_INADEQUATE_KEY_USAGE) ==
                  dt_verify_nss_error_hint(SEC_ERROR_INADEQUATE_CERT_TYPE) &&
              dt_verify_nss_error_hint(SEC_ERROR_INADEQUATE_KEY_USAGE) != NULL,
          "key usage and certificate type share one hint");
    CHECK(dt_verify_nss_error_hint(0) == NULL && dt_verify_nss_error_hint(-1) == NULL,
          "no hint for codes the verifier does not reason about");
}

static void test_same_config(void)
{
    struct dt_nss_job a;
    memset(&a, 0, sizeof(a));
    a.db_dir = "/db";
    a.rootstore_module = "/rs.so";
    a.anchors_certdata = "/anchors.txt";
    a.overlay_module = "/m.so";
    a.engine = DT_ENGINE_PKIX;
    struct dt_nss_job b = a;
    b.chain = (struct dt_cert *const *)&b; /* any other chain */
    b.n_chain = 3;
    b.usage = DT_USAGE_EMAIL_SIGNER;
    b.time = 12345;
    b.timeout_s = 9;
    CHECK(dt_verify_nss_same_config(&a, &b),
          "chain, usage, time and timeout are not part of a configuration");
    struct dt_nss_job c;
    bool all = true;
    const char *fields[] = {
        "db_dir",           "rootstore_module", "anchors_certdata", "overlay_module",
        "overlay_certdata", "p11kit_module",    "p11kit_paths",     "engine"};
    for (size_t i = 0; i < DT_ARRAY_LEN(fields); i++) {
        c = a;
        switch (i) {
        case 0:
            c.db_dir = "/db2";
            break;
        case 1:
            c.rootstore_module = "/rs2.so";
            break;
        case 2:
            c.anchors_certdata = NULL;
            break;
        case 3:
            c.overlay_module = "/m2.so";
            break;
        case 4:
            c.overlay_certdata = "/d.txt";
            break;
        case 5:
            c.p11kit_module = "/p11.so";
            break;
        case 6:
            c.p11kit_paths = "/x";
            break;
        default:
            c.engine = DT_ENGINE_CLASSIC;
            break;
        }
        bool differ = !dt_verify_nss_same_config(&a, &c) && !dt_verify_nss_same_config(&c, &a);
        if (!differ)
            printf("#   %s does not separate configurations\n", fields[i]);
        all &= differ;
    }
    CHECK(all, "every other field makes another configuration (both ways)");
}

/* ---- with NSS worker processes ------------------------------------------------------ */

static struct dt_cert *load(const char *name)
{
    struct dt_certlist l = {0};
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    char path[256];
    snprintf(path, sizeof(path), "testdata/pki/%s", name);
    if (dt_cert_load_file(path, &l, &d, NULL) != DT_OK || l.n != 1)
        exit(2);
    struct dt_cert *c = l.v[0];
    free(l.v);
    return c;
}

static char DB[600], RS[600], MODULE[600], ANCHORS[600], DISTRUST[700];

static void setup_files(void)
{
    const char *b = getenv("B");
    snprintf(MODULE, sizeof(MODULE), "%s/libdistrust-pkcs11.so", b && *b ? b : "build");
    char abs[600];
    if (!realpath(MODULE, abs)) {
        printf("# %s: not built\n", MODULE);
        exit(2);
    }
    snprintf(MODULE, sizeof(MODULE), "%s", abs);
    /* A second copy for the anchors: NSS loads one instance per file. */
    struct dt_buf m;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_file_read(MODULE, 64 << 20, &m, &d, NULL) != DT_OK)
        exit(2);
    snprintf(RS, sizeof(RS), "%s", unit_write("anchors-module.so", (const char *)m.data, m.len));
    dt_buf_free(&m);
    /* The anchors: Root A. */
    struct dt_cert *root = load("root-a.pem");
    struct dt_buf a;
    dt_buf_init(&a, 0);
    if (dt_nssobj_anchors_file(&a, &root, 1, "test_verify_nss") != DT_OK)
        exit(2);
    snprintf(ANCHORS, sizeof(ANCHORS), "%s",
             unit_write("anchors.txt", (const char *)a.data, a.len));
    dt_buf_free(&a);
    dt_cert_free(root);
    /* The build of testdata/chains/basic: leaf-a1-2 and int-a2 distrusted. */
    char out[600];
    snprintf(out, sizeof(out), "%s/out", unit_tmp());
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    const char *ps[1] = {"testdata/chains/basic/policy.json"};
    o.policies = ps;
    o.n_policies = 1;
    o.out_dir = out;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    if (dt_build_run(&o, NULL) != DT_OK)
        exit(2);
    snprintf(DISTRUST, sizeof(DISTRUST), "%s/certdata-distrust.txt", out);
    snprintf(DB, sizeof(DB), "%s/nssdb", unit_tmp());
    mkdir(DB, 0755);
}

static struct dt_nss_job job_of(struct dt_cert *const *chain, size_t n, const char *overlay,
                                enum dt_engine e)
{
    struct dt_nss_job j;
    memset(&j, 0, sizeof(j));
    j.db_dir = DB;
    j.rootstore_module = RS;
    j.anchors_certdata = ANCHORS;
    j.overlay_module = MODULE;
    j.overlay_certdata = overlay;
    j.chain = chain;
    j.n_chain = n;
    j.usage = DT_USAGE_SERVER;
    j.time = 1748736000; /* 2025-06-01 */
    j.engine = e;
    return j;
}

static bool logs(const struct dt_nss_outcome *o, const uint8_t sha[32])
{
    for (size_t i = 0; i < o->n_log; i++)
        if (o->log[i].have_cert && !memcmp(o->log[i].sha256, sha, 32))
            return true;
    return false;
}

static void test_workers(void)
{
    char why[300] = "";
    CHECK(dt_verify_nss_make_db(DB, why, sizeof(why)) == DT_OK, "an empty NSS database (%s)", why);
    char path[700];
    snprintf(path, sizeof(path), "%s/cert9.db", DB);
    CHECK(access(path, F_OK) == 0, "cert9.db is there");
    char missing[700];
    snprintf(missing, sizeof(missing), "%s/no/such/dir", unit_tmp());
    why[0] = 0;
    CHECK(dt_verify_nss_make_db(missing, why, sizeof(why)) == DT_ERR_IO && strstr(why, missing),
          "a database in a directory that does not exist: an I/O error naming it");

    struct dt_cert *leaf2 = load("leaf-a1-2.pem"), *leaf1 = load("leaf-a1.pem"),
                   *int1 = load("int-a1.pem"), *root = load("root-a.pem");
    struct dt_cert *bad_chain[2] = {leaf2, int1}, *good_chain[2] = {leaf1, int1};
    struct dt_nss_job jobs[6] = {
        job_of(bad_chain, 2, NULL, DT_ENGINE_PKIX),
        job_of(bad_chain, 2, DISTRUST, DT_ENGINE_PKIX),
        job_of(good_chain, 2, DISTRUST, DT_ENGINE_PKIX),
        job_of(bad_chain, 2, DISTRUST, DT_ENGINE_CLASSIC),
        job_of(good_chain, 2, NULL, DT_ENGINE_PKIX),
        job_of(good_chain, 2, DISTRUST, DT_ENGINE_CLASSIC),
    };
    struct dt_nss_outcome outs[6];
    enum dt_err each[6];
    struct dt_nss_run_stats st;
    struct dt_nss_run_opts ro = {1, false, NULL, NULL};
    enum dt_err rc = dt_verify_nss_run(jobs, outs, 6, &ro, each, &st);
    bool all_ran = rc == DT_OK;
    for (int i = 0; i < 6; i++)
        all_ran &= each[i] == DT_OK && outs[i].ran && !outs[i].failure[0];
    CHECK(all_ran, "six jobs ran (rc %d: %s)", rc, outs[0].failure);
    CHECK(outs[0].good && outs[0].n_path == 2 &&
              !memcmp(outs[0].path_sha256[0], leaf2->sha256, 32) &&
              !memcmp(outs[0].path_sha256[1], int1->sha256, 32) && outs[0].have_anchor &&
              !memcmp(outs[0].anchor_sha256, root->sha256, 32),
          "the baseline: NSS accepts leaf < int-a1, anchored at Root A served as a built-in root "
          "(n_path %zu)",
          outs[0].n_path);
    CHECK(!outs[1].good && outs[1].error == SEC_ERROR_UNTRUSTED_CERT &&
              !strcmp(outs[1].error_name, "SEC_ERROR_UNTRUSTED_CERT") && outs[1].n_path == 0,
          "with the overlay: the distrusted leaf is rejected (%s), no path", outs[1].error_name);
    CHECK(outs[2].good, "with the overlay: its sibling leaf is still accepted");
    CHECK(!outs[3].good && outs[3].error == SEC_ERROR_UNTRUSTED_CERT && outs[3].n_log >= 1 &&
              outs[3].log[0].depth == 0 && logs(&outs[3], leaf2->sha256) &&
              !logs(&outs[3], int1->sha256),
          "the classic engine rejects it too, its verify log at the leaf (depth 0) (%s)",
          outs[3].error_name);
    CHECK(outs[4].good && outs[5].good, "controls under both engines");
    /* Configurations: baseline PKIX (jobs 0, 4), overlay PKIX (1, 2),
     * overlay classic (3, 5): three, each in one process with procs 2. */
    CHECK(st.processes == 3 && st.rerun == 0 && st.leaked == 0,
          "three configurations, one worker process each (%zu)", st.processes);

    /* Fresh processes: one per job. */
    ro.fresh = true;
    rc = dt_verify_nss_run(jobs, outs, 6, &ro, each, &st);
    CHECK(rc == DT_OK && st.processes == 6 && !outs[1].good && outs[2].good,
          "fresh: six processes, the same verdicts (%zu)", st.processes);
    /* One configuration over up to procs workers. */
    struct dt_nss_job same[4] = {jobs[1], jobs[2], jobs[1], jobs[2]};
    struct dt_nss_run_opts two = {2, false, NULL, NULL};
    rc = dt_verify_nss_run(same, outs, 4, &two, NULL, &st);
    CHECK(rc == DT_OK && st.processes == 2 && !outs[0].good && outs[1].good && !outs[2].good &&
              outs[3].good,
          "four jobs of one configuration, two workers: split in two (%zu), verdicts in order",
          st.processes);
    /* A single verification. */
    struct dt_nss_outcome one;
    CHECK(dt_verify_nss_verify(&jobs[0], &one) == DT_OK && one.ran && one.good,
          "dt_verify_nss_verify: one job, one process");
    /* Nothing to run. */
    CHECK(dt_verify_nss_run(jobs, outs, 0, NULL, NULL, &st) == DT_OK && st.processes == 0,
          "no job: no process");

    /* Failures are per job, never a verdict. */
    struct dt_nss_job broken[2] = {jobs[1], jobs[0]};
    char nomod[700];
    snprintf(nomod, sizeof(nomod), "%s/no-such-module.so", unit_tmp());
    broken[0].overlay_module = nomod;
    rc = dt_verify_nss_run(broken, outs, 2, NULL, each, &st);
    CHECK(!outs[0].ran && outs[0].failure[0] && !outs[0].good && outs[1].ran && outs[1].good,
          "a module that does not load: that job did not run and says why (%s); the other ran",
          outs[0].failure);
    char noanchors[700];
    snprintf(noanchors, sizeof(noanchors), "%s/no-such-anchors.txt", unit_tmp());
    struct dt_nss_job noanch = jobs[0];
    noanch.anchors_certdata = noanchors;
    CHECK(dt_verify_nss_verify(&noanch, &one) == DT_OK && !one.ran && !one.good && one.failure[0],
          "an anchors file the module cannot read: not run, with why (%s)", one.failure);
    dt_cert_free(leaf2);
    dt_cert_free(leaf1);
    dt_cert_free(int1);
    dt_cert_free(root);
}

int main(void)
{
    test_hints();
    test_same_config();
    setup_files();
    test_workers();
    return unit_done();
}
