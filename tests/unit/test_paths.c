/* Unit tests: paths.c. Every chain of a leaf through a pool
 * (dt_paths_chains: signatures, anchors per purpose, validity, the caps),
 * and the open-path check (dt_paths_check): a distrusted CA key reached
 * through a certificate no entry names, a chain that leaves the pool, a
 * distrust-after root's key reached through a cross-certificate, and the
 * note on revocations that leave the key's other certificates trusted. */
#include "paths.h"
#include "unit_x509.h"

static struct unit_diags U;
static char cwd[400];

/* dt_paths_chains's count of chains, SIZE_MAX when it fails (so that a
 * failure never passes for a count). */
static size_t chains_n(struct dt_pool *p, struct dt_pool_entry *start, unsigned purpose,
                       int64_t at, size_t max, void (*fn)(const struct dt_chain *c, void *ctx),
                       void *ctx, bool *exhausted)
{
    size_t n;
    return dt_paths_chains(p, start, purpose, at, max, fn, ctx, exhausted, &n) != DT_OK ? SIZE_MAX
                                                                                        : n;
}

static size_t count_notes(void)
{
    size_t n = 0;
    for (const char *p = U.text; (p = strstr(p, "note|")) != NULL; p++)
        n += p == U.text || p[-1] == '\n';
    return n;
}

static enum dt_err pool_of(struct dt_pool *p, const char *const *paths, size_t n)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    dt_pool_init(p);
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < n; i++) {
        enum dt_err r = dt_pool_add(p, paths[i], NULL, &d, NULL, NULL);
        if (r != DT_OK)
            rc = r;
    }
    return rc;
}

static struct dt_pool_entry *by_serial(struct dt_pool *p, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].cert->info.serial.n == n && !memcmp(p->v[i].cert->info.serial.p, s, n))
            return &p->v[i];
    return NULL;
}

struct chains {
    size_t n;
    char names[16][200];
};

static void on_chain(const struct dt_chain *c, void *ctx)
{
    struct chains *cs = ctx;
    if (cs->n >= 16)
        return;
    char *s = cs->names[cs->n++];
    s[0] = 0;
    for (size_t i = 0; i < c->n; i++)
        snprintf(s + strlen(s), 200 - strlen(s), "%s%s", i ? " < " : "", c->certs[i]->name);
}

static bool has_chain(const struct chains *cs, const char *want)
{
    for (size_t i = 0; i < cs->n; i++)
        if (!strcmp(cs->names[i], want))
            return true;
    return false;
}

static void test_chains(void)
{
    struct dt_pool p;
    const char *paths[] = {"testdata/pki", "testdata/pki-cross"};
    if (pool_of(&p, paths, 2) != DT_OK)
        exit(2);
    struct dt_pool_entry *leaf = by_serial(&p, (const uint8_t *)"\x01\x02", 2);
    if (!leaf)
        exit(2);
    struct chains cs = {0};
    bool exhausted = true;
    size_t n = chains_n(&p, leaf, 1, 0, 64, on_chain, &cs, &exhausted);
    CHECK(n == 4, "chains: leaf-a1 has 4 chains (got %zu)", n);
    for (size_t i = 0; i < cs.n; i++)
        printf("# chain %zu: %s\n", i + 1, cs.names[i]);
    CHECK(has_chain(&cs, "pki/bundle-leaves.pem < pki/chain-a1.pem < pki/root-a.der"),
          "chains: leaf < int-a1 < Root A");
    CHECK(has_chain(&cs, "pki/bundle-leaves.pem < pki/chain-a1-x.pem < pki/root-b.der"),
          "chains: leaf < int-a1-xb < Root B");
    CHECK(has_chain(&cs, "pki/bundle-leaves.pem < pki-cross/int-a1-xc.der < pki/root-c.der"),
          "chains: leaf < int-a1-xc < Root C");
    CHECK(has_chain(&cs, "pki/bundle-leaves.pem < pki-cross/int-a1-xc.der < "
                         "pki-cross/root-c-xa.der < pki/root-a.der"),
          "chains: leaf < int-a1-xc < root-c-xa < Root A");
    CHECK(!exhausted, "chains: a small pool does not exhaust the walk");
    struct chains one = {0};
    CHECK(chains_n(&p, leaf, 1, 0, 1, on_chain, &one, NULL) == 1,
          "chains: max_chains caps the walk");
    struct chains none = {0};
    CHECK(chains_n(&p, leaf, 1, 1577836800 /* 2020-01-01 */, 64, on_chain, &none, NULL) == 0,
          "chains: no chain at a time before the leaf");
    struct chains mid = {0};
    CHECK(chains_n(&p, leaf, 1, 1735689600 /* 2025-01-01 */, 64, on_chain, &mid, NULL) == 4,
          "chains: all four at a time every certificate is valid");

    /* No key twice on a path: from int-a1-xc up, Root C's cross-certificate
     * and Root C are one key. */
    struct dt_pool_entry *xc = by_serial(&p, (const uint8_t *)"\x10\x03", 2);
    struct chains up = {0};
    CHECK(xc && chains_n(&p, xc, 1, 0, 64, on_chain, &up, NULL) == 2 &&
              has_chain(&up, "pki-cross/int-a1-xc.der < pki/root-c.der") &&
              has_chain(&up, "pki-cross/int-a1-xc.der < pki-cross/root-c-xa.der < pki/root-a.der"),
          "chains: from int-a1-xc, Root C and Root A through root-c-xa");
    /* A trust anchor is a chain of itself. */
    struct dt_pool_entry *root_a = by_serial(&p, (const uint8_t *)"\x01", 1);
    struct chains self = {0};
    CHECK(root_a && chains_n(&p, root_a, 1, 0, 64, on_chain, &self, NULL) == 1 &&
              !strcmp(self.names[0], "pki/root-a.der"),
          "chains: an anchor's one chain is itself");
    dt_pool_free(&p);

    /* Anchors per purpose: a root store that trusts its roots for e-mail
     * only gives no TLS server chains. */
    FILE *f = fopen("testdata/chains/roots-certdata.txt", "rb");
    static char store[1 << 16], edited[1 << 16];
    size_t len = f ? fread(store, 1, sizeof(store) - 1, f) : 0;
    if (f)
        fclose(f);
    store[len] = 0;
    size_t o = 0;
    const char *from = "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_TRUSTED_DELEGATOR";
    const char *to = "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_MUST_VERIFY_TRUST";
    for (const char *s = store; *s;) {
        if (!strncmp(s, from, strlen(from))) {
            memcpy(edited + o, to, strlen(to));
            o += strlen(to);
            s += strlen(from);
        } else {
            edited[o++] = *s++;
        }
    }
    edited[o] = 0;
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/mail-store", unit_tmp());
    mkdir(dir, 0700);
    const char *sp = UNIT_WRITE_STR("mail-store/certdata.txt", edited);
    const char *p2[] = {"testdata/pki", sp};
    if (pool_of(&p, p2, 2) != DT_OK)
        exit(2);
    leaf = by_serial(&p, (const uint8_t *)"\x01\x02", 2);
    struct chains srv = {0}, mail = {0};
    size_t ns = chains_n(&p, leaf, DT_PURPOSE_SERVER, 0, 64, on_chain, &srv, NULL);
    size_t nm = chains_n(&p, leaf, DT_PURPOSE_EMAIL, 0, 64, on_chain, &mail, NULL);
    CHECK(ns == 0 && nm == 2,
          "chains: a store trusting for e-mail only: no server chain, two e-mail chains (%zu, %zu)",
          ns, nm);
    dt_pool_free(&p);
}

/* Every certificate of a chain must be valid at the time, not the leaf
 * alone: an intermediate valid in 2021 only, under a root and over a leaf
 * valid for years. */
static void test_issuer_validity(void)
{
    EVP_PKEY *rk = ux_key(), *ik = ux_key(), *lk = ux_key();
    X509_NAME *rn = ux_name(V_ASN1_UTF8STRING, "CN", "Short Root", NULL);
    X509_NAME *in = ux_name(V_ASN1_UTF8STRING, "CN", "Short Intermediate", NULL);
    X509_NAME *ln = ux_name(V_ASN1_UTF8STRING, "CN", "long.example.test", NULL);
    static const uint8_t s1[] = {1}, s2[] = {2}, s3[] = {3};
    struct ux_cert_spec r = {rn, rn, s1, 1, true, rk, rk, 1577836800, 2366841600};
    struct ux_cert_spec i = {in, rn, s2, 1, true, ik, rk, 1609459200, 1640995200};
    struct ux_cert_spec l = {ln, in, s3, 1, false, lk, ik, 1609459200, 1893456000};
    X509 *xr = ux_cert(&r), *xi = ux_cert(&i), *xl = ux_cert(&l);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/short", unit_tmp());
    mkdir(dir, 0700);
    ux_write_pem("short/root.pem", xr);
    ux_write_pem("short/int.pem", xi);
    ux_write_pem("short/leaf.pem", xl);
    struct dt_pool p;
    const char *paths[] = {dir};
    if (pool_of(&p, paths, 1) != DT_OK || p.n != 3)
        exit(2);
    struct dt_pool_entry *leaf = by_serial(&p, s3, 1);
    struct chains in2021 = {0}, in2025 = {0};
    CHECK(leaf &&
              chains_n(&p, leaf, 1, 1625097600 /* 2021-07-01 */, 8, on_chain, &in2021,
                              NULL) == 1 &&
              !strcmp(in2021.names[0], "short/leaf.pem < short/int.pem < short/root.pem"),
          "chains: while the intermediate is valid, the chain");
    CHECK(leaf && chains_n(&p, leaf, 1, 1735689600 /* 2025-01-01 */, 8, on_chain, &in2025,
                                  NULL) == 0,
          "chains: once it expired, none, though the leaf is still valid");
    dt_pool_free(&p);
    X509_free(xr);
    X509_free(xi);
    X509_free(xl);
    X509_NAME_free(rn);
    X509_NAME_free(in);
    X509_NAME_free(ln);
    EVP_PKEY_free(rk);
    EVP_PKEY_free(ik);
    EVP_PKEY_free(lk);
}

/* ---- the open-path check ------------------------------------------------------------ */

struct res {
    struct dt_policy p;
    struct dt_pool pool;
    struct dt_model m;
    size_t open;
};

/* Loads the policy (%1$s: the repository root), resolves it over the pools
 * and runs the check; diagnostics of the check alone are in U. */
static enum dt_err check(struct res *r, const char *fmt, const char *const *pools, size_t n)
{
    char text[4096];
    snprintf(text, sizeof(text), fmt, cwd);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(r, 0, sizeof(*r));
    const char *path = UNIT_WRITE_STR("policy.json", text);
    const char *paths[1] = {path};
    if (dt_policy_load(&r->p, paths, 1, &d) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
    dt_pool_init(&r->pool);
    for (size_t i = 0; i < n; i++)
        if (dt_pool_add(&r->pool, pools[i], NULL, &d, NULL, NULL) != DT_OK)
            exit(2);
    enum dt_err rc = dt_model_resolve(&r->p, n ? &r->pool : NULL, NULL, &r->m, NULL, &d, NULL);
    unit_diags_setup(&U, &d);
    r->open = 0;
    if (rc == DT_OK)
        rc = dt_paths_check(&r->m, &d, &r->open);
    return rc;
}

static void res_free(struct res *r)
{
    dt_model_free(&r->m);
    dt_pool_free(&r->pool);
    dt_policy_free(&r->p);
}

static void test_open_paths(void)
{
    const char *pools[] = {"testdata/pki", "testdata/pki-cross"};
    struct res r;

    /* The key with its cross-certificates found: nothing open. */
    enum dt_err rc = check(
        &r, "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"}]}",
        pools, 2);
    CHECKU(rc == DT_OK && r.open == 0 && U.warnings == 0,
           "baseline: a key distrust with its cross-certificates: no open path");
    res_free(&r);

    /* cross_signs false: the cross-certificates from Roots B and C keep
     * paths open; each is a warning that names the path and why. */
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
               "\"cross_signs\": false}]}",
               pools, 2);
    CHECKU(rc == DT_OK && r.open == 3 && U.warnings == 3,
           "cross_signs false: three open paths (Root B, Root C, Root A via root-c-xa) (%zu)",
           r.open);
    CHECKU(unit_has(&U, "an open path reaches the distrusted key of this entry: Test Root B "
                        "[140d2f6ab17e] > Test Intermediate 1 [da4dd5e6009c]") &&
               unit_has(&U, "\"cross_signs\" is false for this entry") &&
               unit_has(&U, "|/entries/0|"),
           "the warning names the path (every certificate by name and short SHA-256), the reason, at the entry");
    res_free(&r);

    /* An entry of its own for one cross-certificate closes that path. */
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
               "\"cross_signs\": false}, {\"certificate\": \"%1$s/testdata/pki/int-a1-xb.pem\", "
               "\"cross_signs\": false}]}",
               pools, 2);
    CHECKU(rc == DT_OK && r.open == 2 && !unit_has(&U, "Test Root B > "),
           "naming int-a1-xb closes the path through Root B (%zu left)", r.open);
    res_free(&r);

    /* Distrusted for a purpose the path check then follows. */
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
               "\"cross_signs\": false, \"purposes\": [\"email-protection\"], \"targets\": "
               "[\"nss\"]}]}",
               pools, 2);
    CHECKU(rc == DT_OK && r.open == 3 && unit_has(&U, " for e-mail protection"),
           "an e-mail distrust is checked for e-mail");
    res_free(&r);

    /* A key distrust that targets no NSS output is not checked. */
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
               "\"cross_signs\": false, \"targets\": [\"blob\"]}]}",
               pools, 2);
    CHECKU(rc == DT_OK && r.open == 0 && U.warnings == 0, "a blob-only entry: no path check");
    res_free(&r);

    /* The chain of a cross-certificate leaves the pool: possibly open. */
    const char *partial[] = {"testdata/pki/int-a1.pem", "testdata/pki/root-a.pem",
                             "testdata/pki-cross/int-a1-xc.pem"};
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
               "\"cross_signs\": false}]}",
               partial, 3);
    CHECKU(rc == DT_OK && r.open == 1 && unit_has(&U, "a possibly open path reaches") &&
               unit_has(&U, "its chains leave the pool"),
           "a certificate of the key whose issuer the pool lacks: a possibly open path");
    res_free(&r);

    /* A revocation of a CA certificate: a note that the key's other
     * certificates stay trusted, no open path. */
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
               "\"scope\": \"certificate\"}]}",
               pools, 2);
    CHECKU(rc == DT_OK && r.open == 0 && U.warnings == 0 && count_notes() == 1 &&
               unit_has(&U, "revokes this certificate alone") &&
               unit_has(&U, "2 other certificates of its subject and key stay trusted"),
           "a revocation: one note, no open path");
    res_free(&r);

    /* A distrust-after root reached through its cross-certificate. */
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/root-c.pem\", "
               "\"server_distrust_after\": \"2024-11-30T23:59:59Z\"}]}",
               pools, 2);
    CHECKU(rc == DT_OK && r.open == 1 && unit_has(&U, "distrust-after root's key") &&
               unit_has(&U, "the date does not apply"),
           "a dated root's key reached through root-c-xa: an open path (%zu)", r.open);
    res_free(&r);

    /* Without a pool there is nothing to walk. */
    rc = check(&r,
               "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
               "\"cross_signs\": false}]}",
               NULL, 0);
    CHECKU(rc == DT_OK && r.open == 0 && U.warnings == 0 && count_notes() == 0,
           "no pool: no check");
    res_free(&r);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    test_chains();
    test_issuer_validity();
    test_open_paths();
    return unit_done();
}
