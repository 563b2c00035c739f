/* Unit tests: import_certdata.c, an NSS certdata.txt's distrusts as a
 * policy (dt_import_certdata_mem): real NSS files (28 distrusts of 2017, 19
 * with their certificate; the six distrust-after dates of 2026, one on a
 * trust object), counted against the files themselves; the policy loads and
 * resolves with its PEM files; the certificates' files; what is warned
 * about (some purposes only, step-up, hashes without the certificate, a
 * certificate object that does not parse, a label a policy cannot carry, a
 * date that differs or NSS ignores) and what is an error (no BEGINDATA, a
 * distrust without issuer and serial). */
#include "import.h"
#include "file.h"
#include "policy.h"
#include "model.h"
#include "unit.h"

static struct unit_diags U;

struct run {
    enum dt_err rc;
    struct dt_buf policy;
    struct dt_outlist pems;
    struct dt_import_summary s;
};

static void import_text(const char *name, const char *text, size_t len, struct run *r)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(&r->s, 0, sizeof(r->s));
    dt_buf_init(&r->policy, 0);
    r->rc = dt_import_certdata_mem(name, dt_slice_make(text, len), "P-certs", &r->policy, &r->pems,
                                   &r->s, &d);
}

static void run_free(struct run *r)
{
    dt_buf_free(&r->policy);
    dt_outdir_list_free(&r->pems);
}

static char *slurp(const char *path, size_t *n)
{
    struct dt_buf b;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (dt_file_read(path, 1 << 24, &b, &d, NULL) != DT_OK)
        exit(2);
    return dt_buf_steal(&b, n);
}

static size_t count(const char *hay, size_t n, const char *needle)
{
    size_t c = 0, l = strlen(needle);
    for (size_t i = 0; i + l <= n; i++)
        c += !memcmp(hay + i, needle, l);
    return c;
}

/* s with the first old after `after` replaced by new (caller frees). */
static char *edit(const char *s, const char *after, const char *old, const char *new)
{
    const char *from = after ? strstr(s, after) : s;
    const char *at = from ? strstr(from, old) : NULL;
    if (!at) {
        printf("# edit: \"%s\" not found\n", old);
        exit(2);
    }
    size_t a = (size_t)(at - s), o = strlen(old), nn = strlen(new), l = strlen(s);
    char *r = malloc(l - o + nn + 1);
    memcpy(r, s, a);
    memcpy(r + a, new, nn);
    memcpy(r + a + nn, at + o, l - a - o + 1);
    return r;
}

static void test_real(void)
{
    size_t n;
    char *t = slurp("testdata/nss/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt", &n);
    struct run r;
    import_text("certdata-2017.txt", t, n, &r);
    CHECKU(r.rc == DT_OK && r.s.records == 28 && r.s.certificates == 19 && r.s.issuer_serial == 9 &&
               r.s.distrust_after == 0,
           "2017: 28 distrusts, 19 with their certificate, 9 by issuer and serial (%zu, %zu, %zu)",
           r.s.records, r.s.certificates, r.s.issuer_serial);
    CHECK(r.pems.n == 19, "one PEM file per certificate (%zu)", r.pems.n);
    bool unique = true, pem = true;
    for (size_t i = 0; i < r.pems.n; i++) {
        pem &= r.pems.files[i].data.n > 30 &&
               !memcmp(r.pems.files[i].data.p, "-----BEGIN CERTIFICATE-----\n", 28);
        for (size_t j = 0; j < i; j++)
            unique &= strcmp(r.pems.files[i].name, r.pems.files[j].name) != 0;
    }
    CHECK(pem && unique, "each a PEM certificate under a name of its own");
    const char *p = (const char *)r.policy.data;
    CHECK(r.policy.len && count(p, r.policy.len, "\"certificate\":\"P-certs/") == 19 &&
              count(p, r.policy.len, "\"issuer_der\":") == 9 &&
              count(p, r.policy.len, "\"scope\":\"certificate\"") >= 1 &&
              strstr(p, "\"incident\": {\"id\": \"certdata\""),
          "the policy: certificate entries into the PEM directory, issuer/serial entries, CA "
          "certificates revoked alone (scope)");

    /* It loads and resolves: write it beside its PEM files. */
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/imp", unit_tmp());
    mkdir(dir, 0755);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    char certs[700];
    snprintf(certs, sizeof(certs), "%s/P-certs", dir);
    bool ok = dt_outdir_replace(certs, r.pems.files, r.pems.n, &d) == DT_OK;
    const char *pp = unit_write("imp/P.json", p, r.policy.len);
    struct dt_policy pol;
    struct dt_model m;
    const char *paths[1] = {pp};
    ok = ok && dt_policy_load(&pol, paths, 1, &d) == DT_OK;
    ok = ok && dt_model_resolve(&pol, NULL, NULL, &m, NULL, &d, NULL) == DT_OK;
    CHECKU(ok && pol.n_rules == 28 && m.n_items == 28 && U.errors == 0,
           "the imported policy loads and resolves: 28 entries, 28 distrusts");
    if (ok) {
        dt_model_free(&m);
        dt_policy_free(&pol);
    }
    struct run again;
    import_text("certdata-2017.txt", t, n, &again);
    CHECK(again.rc == DT_OK && again.policy.len == r.policy.len &&
              !memcmp(again.policy.data, r.policy.data, r.policy.len),
          "the same file: the same policy, byte for byte");
    run_free(&again);
    run_free(&r);
    free(t);

    t = slurp("testdata/nss/certdata-2026.txt", &n);
    import_text("certdata-2026.txt", t, n, &r);
    CHECKU(r.rc == DT_OK && r.s.records == 0 && r.s.distrust_after == 6 && r.pems.n == 6,
           "2026: no distrust, six roots with distrust-after dates (%zu, %zu)", r.s.records,
           r.s.distrust_after);
    CHECK(unit_has(&U, "on the trust object, not the certificate object") && r.policy.len &&
              strstr((const char *)r.policy.data, "\"label\":\"Izenpe.com\"") &&
              strstr((const char *)r.policy.data,
                     "\"server_distrust_after\":\"2026-04-15T23:59:59Z\""),
          "Izenpe's date on its trust object: imported as the root's, with a note");
    run_free(&r);
    free(t);
}

static void test_cases(void)
{
    size_t n;
    char *up = slurp("testdata/chains/roots-certdata.txt", &n);
    struct run r;
    /* Baseline: a store without distrusts imports nothing, cleanly. */
    import_text("roots.txt", up, n, &r);
    CHECKU(r.rc == DT_OK && r.s.records == 0 && U.warnings == 0 && r.pems.n == 0,
           "a root store without distrusts: nothing imported, no warning");
    run_free(&r);

    /* Root D distrusted for server-auth only, its other purposes trusted. */
#define ROOT_D_TRUST "# Trust for \"Test Root D (server-auth distrust)\""
    char *partial =
        edit(up, ROOT_D_TRUST, "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_TRUSTED_DELEGATOR",
             "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED");
    import_text("partial.txt", partial, strlen(partial), &r);
    CHECKU(r.rc == DT_OK && r.s.records == 1 && r.s.certificates == 1 && U.warnings == 1 &&
               unit_has(&U, "a distrust for some purposes only") &&
               strstr((const char *)r.policy.data, "\"purposes\":[\"server-auth\"]") &&
               strstr((const char *)r.policy.data, "\"nss_object\":\"certificate+trust\""),
           "a partial distrust: its purposes, the hashed shape kept, a warning");
    run_free(&r);
    /* And with step-up approved. */
    char *step = edit(partial, ROOT_D_TRUST, "CKA_TRUST_STEP_UP_APPROVED CK_BBOOL CK_FALSE",
                      "CKA_TRUST_STEP_UP_APPROVED CK_BBOOL CK_TRUE");
    import_text("step.txt", step, strlen(step), &r);
    CHECKU(r.rc == DT_OK && unit_has(&U, "CKA_TRUST_STEP_UP_APPROVED is CK_TRUE on a distrust"),
           "step-up approved on a distrust: a warning");
    run_free(&r);
    free(step);

    /* The certificate object's value damaged: by issuer and serial. */
    char *nocert = edit(partial, "CKA_LABEL UTF8 \"Test Root D (server-auth distrust)\"",
                        "CKA_VALUE MULTILINE_OCTAL\n\\060", "CKA_VALUE MULTILINE_OCTAL\n\\061");
    import_text("nocert.txt", nocert, strlen(nocert), &r);
    CHECKU(r.rc == DT_OK && r.s.issuer_serial == 1 && r.s.certificates == 0 &&
               unit_has(&U, "a certificate object whose value is not a certificate") &&
               unit_has(&U, "the trust object has certificate hashes but the file does not hold"),
           "a damaged certificate object: imported by issuer and serial, two warnings");
    run_free(&r);
    free(nocert);

    /* A label a policy cannot carry. */
    char *label =
        edit(partial, ROOT_D_TRUST "\n", "CKA_LABEL UTF8 \"Test Root D (server-auth distrust)\"",
             "CKA_LABEL UTF8 \"Root $D@\"");
    import_text("label.txt", label, strlen(label), &r);
    CHECKU(r.rc == DT_OK && unit_has(&U, "imported as \"Root _D_\"") &&
               strstr((const char *)r.policy.data, "\"label\":\"Root _D_\""),
           "a label with '$' and '@': replaced, with a warning");
    run_free(&r);
    free(label);

    /* A distrust without its issuer: an error, nothing imported. */
    char *noiss = edit(partial, ROOT_D_TRUST "\n", "CKA_ISSUER MULTILINE_OCTAL",
                       "CKA_SUBJECT MULTILINE_OCTAL");
    import_text("noiss.txt", noiss, strlen(noiss), &r);
    CHECKU(r.rc == DT_ERR_INPUT &&
               unit_has(&U, "needs CKA_ISSUER (a DER Name) and CKA_SERIAL_NUMBER") &&
               unit_has(&U, "noiss.txt|") && r.policy.len == 0 && r.pems.n == 0,
           "a distrust without CKA_ISSUER: an error at its line, nothing produced");
    run_free(&r);
    free(noiss);
    free(partial);

    /* Not a certdata.txt. */
    import_text("x.txt", "# a comment only\n", 17, &r);
    CHECKU(r.rc == DT_ERR_INPUT && unit_has(&U, "no BEGINDATA line"), "no BEGINDATA: an error");
    run_free(&r);
    import_text("x.txt", "BEGINDATA\nCKA_CLASS CK_OBJECT_CLASS CKO_BOGUS\n", 44, &r);
    CHECKU(r.rc == DT_ERR_INPUT && U.errors >= 1, "a file that does not parse: an error");
    run_free(&r);
    free(up);
}

/* A OneCRL dump given to import certdata: one error that names the right
 * importer (regression: 50 certdata parse errors and no hint). */
static void test_other_format(void)
{
    size_t n;
    char *dump = slurp("testdata/onecrl/onecrl-2026-10.json", &n);
    struct run r;
    import_text("onecrl.json", dump, n, &r);
    CHECK(r.rc == DT_ERR_INPUT && U.errors == 1 &&
              unit_has(&U, "error|onecrl.json|1|1||JSON, not an NSS certdata.txt (a OneCRL dump): "
                           "import it with `distrust import onecrl onecrl.json`"),
          "a OneCRL dump: one error naming import onecrl (%zu errors)", U.errors);
    run_free(&r);
    free(dump);
    const char *cd = "# comment\nBEGINDATA\n";
    import_text("c.txt", cd, strlen(cd), &r);
    CHECK(r.rc == DT_OK && U.errors == 0, "baseline: a certdata.txt with no objects imports");
    run_free(&r);
}

int main(void)
{
    test_other_format();
    test_real();
    test_cases();
    return unit_done();
}
