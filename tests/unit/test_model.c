/* Unit tests: model.c, the resolver (dt_model_resolve): every rule kind
 * read into items, duplicates merged (and what is warned about), purposes
 * and targets united, scope and expansion through a pool, name twins, the
 * trust-anchor guard, distrust-after dates merged, incidents' overdue
 * serials, the order of items, and errors accumulated across rules.
 *
 * Policies are written into the scratch directory and name the fixture PKI
 * (testdata/pki, testdata/pki-cross) by absolute path; certificates whose
 * names must be encoded in a chosen way are made here with OpenSSL. */
#include "item.h"
#include "model.h"
#include "unit_x509.h"

#include <openssl/sha.h>

static struct unit_diags U;
static char cwd[400];

/* CHECK that shows the diagnostics when it fails. */
/* One resolution: the policy, its pool and the model, freed together. */
struct res {
    struct dt_policy p;
    struct dt_pool pool;
    bool has_pool;
    struct dt_model m;
    enum dt_err load_rc, rc;
};

/* Writes text as a policy, loads it, builds a pool of pools[0..n) (none
 * when n is 0) and resolves at *now. Diagnostics go to U. */
static enum dt_err resolve(struct res *r, const char *text, const char *const *pools, size_t n,
                           const int64_t *now)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(r, 0, sizeof(*r));
    const char *path = UNIT_WRITE_STR("policy.json", text);
    const char *paths[1] = {path};
    r->load_rc = dt_policy_load(&r->p, paths, 1, &d);
    if (r->load_rc != DT_OK) {
        printf("# policy did not load:\n%s", U.text);
        return r->rc = r->load_rc;
    }
    dt_pool_init(&r->pool);
    for (size_t i = 0; i < n; i++)
        if (dt_pool_add(&r->pool, pools[i], NULL, &d, NULL, NULL) != DT_OK) {
            printf("# pool %s did not load:\n%s", pools[i], U.text);
            exit(2);
        }
    r->has_pool = n > 0;
    r->rc = dt_model_resolve(&r->p, r->has_pool ? &r->pool : NULL, NULL, &r->m, now, &d, NULL);
    return r->rc;
}

static void res_free(struct res *r)
{
    dt_model_free(&r->m);
    dt_pool_free(&r->pool);
    if (r->load_rc == DT_OK)
        dt_policy_free(&r->p);
}

/* A policy text with %1$s replaced by the repository root. */
static const char *P(const char *fmt)
{
    static char buf[8192];
    snprintf(buf, sizeof(buf), fmt, cwd);
    return buf;
}

static const uint8_t SER_INT_A1[] = {0x00, 0x8b, 0xad, 0xf0, 0x0d, 0x12, 0x34};
static const uint8_t SER_LEAF_A1[] = {0x01, 0x02};

static bool serial_is(const struct dt_item *it, const uint8_t *s, size_t n)
{
    return it->serial.n == n && !memcmp(it->serial.p, s, n);
}

static const struct dt_item *find_serial(const struct dt_model *m, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < m->n_items; i++)
        if (serial_is(&m->items[i], s, n))
            return &m->items[i];
    return NULL;
}

static size_t count_sev(const char *sev)
{
    size_t n = 0;
    for (const char *p = U.text; (p = strstr(p, sev)) != NULL; p++)
        n += p == U.text || p[-1] == '\n';
    return n;
}

/* ---- rule kinds ------------------------------------------------------------------ */

static void test_certificate_rule(void)
{
    struct res r;
    enum dt_err rc = resolve(&r,
                             P("{\"version\": 1, \"entries\": [{\"certificate\": "
                               "\"%1$s/testdata/pki/bundle-leaves.pem\","
                               " \"label\": \"B\"}]}"),
                             NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 3 && U.errors == 0,
           "a bundle of three leaves: three items (rc %d, %zu)", rc, r.m.n_items);
    bool subs = true, certs = true;
    for (size_t i = 0; i < r.m.n_items; i++) {
        const struct dt_item *it = &r.m.items[i];
        subs &= it->sub_count == 3 && it->sub_index >= 1 && it->sub_index <= 3;
        certs &= it->cert && dt_slice_eq(it->issuer, it->cert->info.issuer) &&
                 dt_slice_eq(it->serial, it->cert->info.serial) && !it->expanded &&
                 !it->key_scope && it->purposes == DT_PURPOSE_ALL && it->targets == DT_TARGET_ALL &&
                 it->shape == DT_SHAPE_TRUST;
    }
    CHECKU(subs, "each item knows its position among the file's certificates");
    CHECKU(certs, "items key on the certificate's own issuer and serial; leaves: certificate "
                  "scope, every purpose, every target, the trust shape");
    CHECKU(r.m.n_inputs == 1 && strstr(r.m.inputs[0].name, "bundle-leaves.pem"),
           "the certificate file is an input of the build");
    if (r.m.n_inputs == 1) {
        FILE *f = fopen("testdata/pki/bundle-leaves.pem", "rb");
        static uint8_t data[1 << 16];
        size_t n = f ? fread(data, 1, sizeof(data), f) : 0;
        if (f)
            fclose(f);
        uint8_t sha[32];
        SHA256(data, n, sha);
        CHECKU(!memcmp(sha, r.m.inputs[0].sha256, 32), "the input's digest is the file's SHA-256");
    }
    CHECKU(r.m.ca_without_pool == 0, "leaves: no cross-signs to look for");
    res_free(&r);

    /* A CA certificate without a pool: its key's other certificates are
     * not looked for, and that is counted. */
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"certificate\": "
                   "\"%1$s/testdata/pki/int-a1.pem\"}]}"),
                 NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && r.m.items[0].key_scope && r.m.ca_without_pool == 1,
           "a CA certificate: key scope, and one CA entry without a pool (%zu)",
           r.m.ca_without_pool);
    res_free(&r);

    /* The same file named twice is read once (one input, its certificates
     * shared by both items). */
    rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/leaf-a1.pem\"},"
          " {\"certificate\": \"%1$s/testdata/pki/leaf-a1.pem\", \"purposes\": "
          "[\"server-auth\"]}]}"),
        NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.certs.n == 1 && r.m.n_inputs == 1 && r.m.n_items == 1,
           "a file named twice: read once (%zu certificates, %zu inputs)", r.m.certs.n,
           r.m.n_inputs);
    res_free(&r);

    /* A missing file, a file without certificates. */
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/nonexistent.pem\"}]}"),
                 NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && U.errors >= 1 && unit_has(&U, "nonexistent.pem") &&
               r.m.n_items == 0,
           "a missing certificate file is an error that names it");
    res_free(&r);
    const char *junk = UNIT_WRITE_STR("junk.pem", "not a certificate\n");
    char text[1024];
    snprintf(text, sizeof(text), "{\"version\": 1, \"entries\": [{\"certificate\": \"%s\"}]}",
             junk);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "the file is named here"),
           "a file without certificates: an error, and a note at the entry that named it");
    res_free(&r);

    /* A negative serial is used exactly, with a warning. */
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"certificate\": "
                   "\"%1$s/testdata/pki/leaf-neg.pem\"}]}"),
                 NULL, 0, NULL);
    static const uint8_t neg[] = {0xfb};
    CHECKU(rc == DT_OK && r.m.n_items == 1 && serial_is(&r.m.items[0], neg, 1) &&
               unit_has(&U, "is negative (RFC 5280 requires positive serials)"),
           "a negative serial: used exactly as it stands, and warned about");
    res_free(&r);
}

static void test_issuer_serial_rule(void)
{
    struct res r;
    enum dt_err rc = resolve(&r,
                             P("{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
                               "\"%1$s/testdata/pki/int-a1.pem\","
                               " \"serial\": \"01:02\"}]}"),
                             NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && serial_is(&r.m.items[0], SER_LEAF_A1, 2) &&
               !r.m.items[0].cert && !r.m.items[0].key_scope,
           "issuer_certificate + serial without a pool: one item, no certificate known");
    /* The issuer is int-a1's subject. */
    struct dt_certlist l = {0};
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (dt_cert_load_file("testdata/pki/int-a1.pem", &l, &d, NULL) != DT_OK)
        exit(2);
    CHECKU(r.m.n_items == 1 && dt_slice_eq(r.m.items[0].issuer, l.v[0]->info.subject),
           "the issuer is the issuer certificate's subject");
    res_free(&r);

    /* With a pool that holds the certificate: it is known. */
    const char *pools[] = {"testdata/pki"};
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
                   "\"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"01:02\"}]}"),
                 pools, 1, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && r.m.items[0].cert &&
               r.m.items[0].cert->not_before == 1704067200,
           "with a pool that holds it, the certificate is known (leaf-a1)");
    res_free(&r);

    /* issuer_der: the same Name given as base64. */
    char *b64 = ux_b64(l.v[0]->info.subject.p, l.v[0]->info.subject.n);
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"issuer_der\": \"%s\", \"serial\": \"0102\"}]}",
             b64);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 &&
               dt_slice_eq(r.m.items[0].issuer, l.v[0]->info.subject),
           "issuer_der: the same issuer bytes");
    CHECKU(r.m.n_inputs == 0, "issuer_der and serial read no file");
    res_free(&r);
    free(b64);
    dt_cert_list_free(&l);

    /* A leaf as the issuer: a warning (the usual mistake). */
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
                   "\"%1$s/testdata/pki/leaf-a1.pem\", \"serial\": \"01\"}]}"),
                 NULL, 0, NULL);
    CHECKU(rc == DT_OK && U.warnings == 1 && unit_has(&U, "is not a CA certificate"),
           "a leaf as issuer_certificate is warned about");
    res_free(&r);

    /* A bundle of several subjects cannot be one issuer; a bundle whose
     * certificates share the subject can (baseline). */
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
                   "\"%1$s/testdata/pki/chain-a1.pem\", \"serial\": \"01\"}]}"),
                 NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "holds certificates with different subjects"),
           "an issuer file of different subjects is an error");
    res_free(&r);
    char both[1 << 14];
    FILE *f1 = fopen("testdata/pki/int-a1.pem", "r"),
         *f2 = fopen("testdata/pki/int-a1-xb.pem", "r");
    size_t n1 = f1 ? fread(both, 1, sizeof(both) / 2, f1) : 0;
    size_t n2 = f2 ? fread(both + n1, 1, sizeof(both) / 2, f2) : 0;
    if (f1)
        fclose(f1);
    if (f2)
        fclose(f2);
    const char *same = unit_write("same-subject.pem", both, n1 + n2);
    snprintf(
        text, sizeof(text),
        "{\"version\": 1, \"entries\": [{\"issuer_certificate\": \"%s\", \"serial\": \"01\"}]}",
        same);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1, "baseline: an issuer file of one subject, twice");
    res_free(&r);

    /* "cross_signs": true on an issuer/serial the pool does not hold. */
    rc =
        resolve(&r,
                P("{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
                  "\"%1$s/testdata/pki/root-a.pem\", \"serial\": \"77\", \"cross_signs\": true}]}"),
                pools, 1, NULL);
    CHECKU(rc == DT_OK && unit_has(&U, "the pool holds no certificate with this issuer and serial"),
           "cross_signs on an issuer/serial the pool lacks: warned");
    res_free(&r);
    rc =
        resolve(&r,
                P("{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
                  "\"%1$s/testdata/pki/root-a.pem\", \"serial\": \"77\", \"cross_signs\": true}]}"),
                NULL, 0, NULL);
    CHECKU(rc == DT_OK && unit_has(&U, "no certificate pool was given"),
           "cross_signs on an issuer/serial without a pool: warned");
    res_free(&r);
}

static void test_serials_file_rule(void)
{
    struct res r;
    const char *list = UNIT_WRITE_STR("serials.txt", "# batch\n01:02\n\n00:80:00:00:01\n01:02\n");
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
             "\"%s/testdata/pki/int-a1.pem\", \"serials_file\": \"%s\", \"label\": \"Batch\"}]}",
             cwd, list);
    enum dt_err rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 2,
           "a serial list of three lines, one repeated: two items "
           "(rc %d, %zu)",
           rc, r.m.n_items);
    const struct dt_item *a = find_serial(&r.m, SER_LEAF_A1, 2);
    CHECKU(a && a->line == 2 && a->targets == DT_TARGET_BLOB,
           "an item keeps the first line of its serial; a batch targets the blob only");
    CHECKU(U.warnings == 1 && unit_has(&U, "serial repeats line 2; listed once") &&
               unit_has(&U, "serials.txt|5|"),
           "the repeat is one warning at its own line");
    CHECKU(r.m.n_inputs == 2, "the issuer certificate and the list are inputs (%zu)", r.m.n_inputs);
    res_free(&r);

    const char *empty = UNIT_WRITE_STR("empty.txt", "# nothing\n");
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
             "\"%s/testdata/pki/int-a1.pem\", \"serials_file\": \"%s\"}]}",
             cwd, empty);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 0 && unit_has(&U, "lists no serials"),
           "an empty serial list: no items, a warning");
    res_free(&r);

    const char *bad = UNIT_WRITE_STR("bad.txt", "01:02\nzz\n");
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
             "\"%s/testdata/pki/int-a1.pem\", \"serials_file\": \"%s\"}]}",
             cwd, bad);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "bad.txt|2|"),
           "a bad line of a serial list fails the build at its line");
    res_free(&r);

    /* More than 10 repeats: ten warnings, then a count. */
    char many[4096] = "";
    for (int i = 0; i < 14; i++)
        strcat(many, "0a:0b\n");
    const char *rep = UNIT_WRITE_STR("repeats.txt", many);
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
             "\"%s/testdata/pki/int-a1.pem\", \"serials_file\": \"%s\"}]}",
             cwd, rep);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && count_sev("warning|") == 11 &&
               unit_has(&U, "3 more duplicate issuer/serial pairs were merged"),
           "13 repeats: ten warnings and a count of the 3 more (%zu warnings)",
           count_sev("warning|"));
    res_free(&r);
}

static void test_subject_key_rule(void)
{
    struct dt_certlist l = {0};
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (dt_cert_load_file("testdata/pki/int-a1.pem", &l, &d, NULL) != DT_OK)
        exit(2);
    const struct dt_cert *c = l.v[0];
    char *subj = ux_b64(c->info.subject.p, c->info.subject.n);
    char *spki = ux_b64(c->spki_sha256, 32);
    char text[2048];
    struct res r;

    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"subject_der\": \"%s\", \"spki_sha256\": \"%s\"}]}",
             subj, spki);
    enum dt_err rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_skeys == 1 && r.m.n_items == 0 && !r.m.skeys[0].from_pool &&
               dt_slice_eq(r.m.skeys[0].subject, c->info.subject) &&
               !memcmp(r.m.skeys[0].spki_sha256, c->spki_sha256, 32),
           "subject + key without nss: one pair, no issuer/serial items");
    res_free(&r);

    /* Targeting nss needs the certificates: none without a pool. */
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"subject_der\": \"%s\", \"spki_sha256\": \"%s\", "
             "\"targets\": [\"nss\", \"onecrl\"]}]}",
             subj, spki);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "give a certificate pool"),
           "subject + key for nss without a pool is an error (never a silent drop)");
    res_free(&r);
    const char *empty_pool[] = {"testdata/pki-odd"};
    rc = resolve(&r, text, empty_pool, 1, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "the pool holds none"),
           "subject + key for nss with a pool that lacks the key is an error");
    res_free(&r);

    /* With the pool: every certificate of the key becomes an nss item. */
    const char *pools[] = {"testdata/pki", "testdata/pki-cross"};
    rc = resolve(&r, text, pools, 2, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 3 && r.m.n_expanded == 3,
           "subject + key for nss with the pool: int-a1, int-a1-xb, int-a1-xc (%zu items)",
           r.m.n_items);
    bool nss_only = true;
    for (size_t i = 0; i < r.m.n_items; i++)
        nss_only &= r.m.items[i].targets == DT_TARGET_NSS && r.m.items[i].expanded &&
                    r.m.items[i].key_scope && !r.m.items[i].via;
    CHECKU(nss_only, "each is an expanded nss item of the key, found through no certificate");
    CHECKU(r.m.n_skeys == 1,
           "the pair itself once: every certificate of the key has these "
           "bytes (%zu)",
           r.m.n_skeys);
    res_free(&r);
    free(subj);
    free(spki);
    dt_cert_list_free(&l);
}

/* ---- merging --------------------------------------------------------------------- */

static void test_merge(void)
{
    struct res r;
    /* The same certificate as PEM and DER, and its issuer + serial typed:
     * one item, the union of purposes and targets, warned about. */
    enum dt_err rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [\n"
          " {\"certificate\": \"%1$s/testdata/pki/leaf-a1.pem\", \"label\": \"First\", "
          "\"purposes\": [\"email-protection\"], \"targets\": [\"nss\"]},\n"
          " {\"certificate\": \"%1$s/testdata/pki/leaf-a1.der\", \"purposes\": [\"server-auth\"], "
          "\"targets\": [\"nss\", \"p11-kit\"]},\n"
          " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"01:02\", "
          "\"targets\": [\"onecrl\"]}\n"
          "]}"),
        NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1, "three entries of one issuer/serial: one item");
    const struct dt_item *it = r.m.n_items ? &r.m.items[0] : NULL;
    CHECKU(it && it->purposes == DT_PURPOSE_ALL, "purposes: the union (%u)", it ? it->purposes : 0);
    CHECKU(it && it->targets == (DT_TARGET_NSS | DT_TARGET_P11KIT | DT_TARGET_ONECRL),
           "targets: the union (%u)", it ? it->targets : 0);
    CHECKU(it && it->rule == &r.p.rules[0] && it->cert, "the first entry is the item's rule");
    CHECKU(count_sev("warning|") >= 2 && unit_has(&U, "is also distrusted by") &&
               unit_has(&U, "the union (server-auth, email-protection"),
           "duplicates and differing purposes are warned about");
    CHECKU(unit_has(&U, "|/entries/1|") && unit_has(&U, "|/entries/2|"),
           "each warning is at the later entry");
    res_free(&r);

    /* Explicit shapes: the same twice is fine, the explicit one is taken
     * over the default, two different ones are an error. */
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [\n"
                   " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"},\n"
                   " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"nss_object\": "
                   "\"certificate+trust\"}]}"),
                 NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && r.m.items[0].shape == DT_SHAPE_CERT_TRUST &&
               r.m.items[0].shape_explicit,
           "an explicit shape wins over the default one");
    res_free(&r);
    rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [\n"
          " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"nss_object\": \"trust\"},\n"
          " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"nss_object\": "
          "\"certificate+trust\"}]}"),
        NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "choose one"), "two explicit shapes: an error");
    res_free(&r);

    /* Two different certificates with one issuer and serial: the hash-free
     * object covers both (a warning); a hashed one cannot (an error). */
    FILE *f = fopen("testdata/pki/int-a1.der", "rb");
    static uint8_t der[1 << 14];
    size_t n = f ? fread(der, 1, sizeof(der), f) : 0;
    if (f)
        fclose(f);
    if (n < 100)
        exit(2);
    der[n - 1] ^= 0x01; /* another signature: another certificate, same issuer and serial */
    const char *other = unit_write("int-a1-other.der", (const char *)der, n);
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/int-a1.pem\"},"
             " {\"certificate\": \"%s\"}]}",
             cwd, other);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 &&
               unit_has(&U, "the hash-free trust object covers both"),
           "two certificates, one issuer/serial, trust shape: one item and a warning");
    res_free(&r);
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/int-a1.pem\", "
             "\"nss_object\": \"trust+hash\"}, {\"certificate\": \"%s\"}]}",
             cwd, other);
    rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "so use nss_object \"trust\""),
           "two certificates, one issuer/serial, a hashed shape: an error");
    res_free(&r);

    /* The scope and anchors flags are united too. */
    const char *pools[] = {"testdata/pki"};
    rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [\n"
          " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"scope\": \"certificate\"},\n"
          " {\"issuer_certificate\": \"%1$s/testdata/pki/root-a.pem\", \"serial\": "
          "\"00:8b:ad:f0:0d:12:34\"}]}"),
        pools, 1, NULL);
    const struct dt_item *ia = find_serial(&r.m, SER_INT_A1, sizeof(SER_INT_A1));
    CHECKU(rc == DT_OK && ia && ia->key_scope && ia->rule == &r.p.rules[0],
           "a revocation and a key distrust of one certificate: key scope wins, first rule kept");
    res_free(&r);
}

/* ---- scope and expansion ------------------------------------------------------------ */

static void test_expansion(void)
{
    const char *pools[] = {"testdata/pki", "testdata/pki-cross"};
    struct res r;
    enum dt_err rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
          "\"label\": \"Int\", \"purposes\": [\"server-auth\"], \"targets\": [\"nss\", "
          "\"p11-kit\"]}]}"),
        pools, 2, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 3 && r.m.n_expanded == 2,
           "a CA certificate with the pool: itself and its two cross-certificates (%zu, %zu)",
           r.m.n_items, r.m.n_expanded);
    size_t exp = 0;
    bool right = true;
    for (size_t i = 0; i < r.m.n_items; i++) {
        const struct dt_item *it = &r.m.items[i];
        if (!it->expanded)
            continue;
        exp++;
        const struct dt_item *named = find_serial(&r.m, SER_INT_A1, sizeof(SER_INT_A1));
        right &= named && named->cert && it->from_pool && it->via == named->cert &&
                 it->purposes == DT_PURPOSE_SERVER &&
                 it->targets == (DT_TARGET_NSS | DT_TARGET_P11KIT) && it->shape == DT_SHAPE_TRUST &&
                 !it->shape_explicit && it->key_scope && !it->name_twin &&
                 it->cert == it->from_pool->cert;
        right &= !strcmp(dt_item_relation(it), "same subject and key");
    }
    CHECKU(exp == 2 && right,
           "each found certificate: the entry's purposes and targets, the trust shape, found via "
           "the named certificate, same subject and key");
    CHECKU(find_serial(&r.m, (const uint8_t *)"\x10\x01", 2) &&
               find_serial(&r.m, (const uint8_t *)"\x10\x03", 2),
           "the cross-certificates from Root B (10:01) and Root C (10:03)");
    CHECKU(U.warnings == 0 && U.errors == 0, "no warning: the pool found them, nothing to merge");
    res_free(&r);

    /* "scope": "certificate" and "cross_signs": false: the named one alone. */
    rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
          "\"scope\": \"certificate\"}]}"),
        pools, 2, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && r.m.n_expanded == 0 && !r.m.items[0].key_scope,
           "scope certificate: no expansion");
    res_free(&r);
    rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", "
          "\"cross_signs\": false}]}"),
        pools, 2, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && r.m.n_expanded == 0 && r.m.items[0].key_scope,
           "cross_signs false: a key distrust without expansion");
    res_free(&r);

    /* An issuer/serial entry the pool knows as a CA certificate expands too. */
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
                   "\"%1$s/testdata/pki/root-a.pem\", \"serial\": \"00:8b:ad:f0:0d:12:34\"}]}"),
                 pools, 2, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 3 && r.m.n_expanded == 2,
           "an issuer/serial of a CA the pool holds: expanded through its certificate");
    res_free(&r);

    /* Expansion of one entry that another entry names: merged, the named
     * one first (not expanded), no warning. */
    rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"},"
          " {\"certificate\": \"%1$s/testdata/pki/int-a1-xb.pem\", \"label\": \"XB\"}]}"),
        pools, 2, NULL);
    const struct dt_item *xb = find_serial(&r.m, (const uint8_t *)"\x10\x01", 2);
    CHECKU(rc == DT_OK && r.m.n_items == 3 && xb && !xb->expanded && xb->rule == &r.p.rules[1] &&
               !unit_has(&U, "also distrusted"),
           "a found certificate another entry names: that entry's item, no duplicate warning");
    res_free(&r);
}

/* ---- the trust-anchor guard ----------------------------------------------------------- */

static void test_anchor_guard(void)
{
    /* Root C's key has a cross-certificate from Root A (root-c-xa); the
     * fixture root store trusts Root C for every purpose. */
    const char *pools[] = {"testdata/pki-cross", "testdata/chains/roots-certdata.txt"};
    struct res r;
    enum dt_err rc = resolve(&r,
                             P("{\"version\": 1, \"entries\": [{\"certificate\": "
                               "\"%1$s/testdata/pki-cross/root-c-xa.pem\"}]}"),
                             pools, 2, NULL);
    CHECKU(rc == DT_ERR_INPUT && U.errors == 1 && unit_has(&U, "reaches the trust anchor") &&
               unit_has(&U, "roots-certdata.txt") && unit_has(&U, "Test Root C"),
           "a key distrust that reaches a store's anchor is an error naming anchor and store");
    res_free(&r);
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"certificate\": "
                   "\"%1$s/testdata/pki-cross/root-c-xa.pem\", \"distrust_anchors\": true}]}"),
                 pools, 2, NULL);
    CHECKU(rc == DT_OK && U.errors == 0 && unit_has(&U, "as \"distrust_anchors\" allows") &&
               r.m.n_items == 2,
           "with distrust_anchors: a note, and the anchor distrusted");
    bool ok_flag = false;
    for (size_t i = 0; i < r.m.n_items; i++)
        ok_flag |= r.m.items[i].expanded && r.m.items[i].anchors_ok;
    CHECKU(ok_flag, "the expanded anchor carries anchors_ok");
    res_free(&r);
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"certificate\": "
                   "\"%1$s/testdata/pki-cross/root-c-xa.pem\", \"scope\": \"certificate\"}]}"),
                 pools, 2, NULL);
    CHECKU(rc == DT_OK && U.errors == 0 && r.m.n_items == 1,
           "baseline: the same certificate revoked alone reaches no anchor");
    res_free(&r);
    /* An entry for a purpose the store does not trust the anchor for: the
     * guard looks at the purposes the entry distrusts only. A store
     * trusting Root C for e-mail only is made here. */
    FILE *f = fopen("testdata/chains/roots-certdata.txt", "rb");
    static char store[1 << 16];
    size_t n = f ? fread(store, 1, sizeof(store) - 1, f) : 0;
    if (f)
        fclose(f);
    store[n] = 0;
    char *c = strstr(store, "CKA_LABEL UTF8 \"Test Root C (distrust-after)\"\n");
    c = c ? strstr(c + 1, "CKA_LABEL UTF8 \"Test Root C (distrust-after)\"\n") : NULL;
    c = c ? strstr(c, "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_TRUSTED_DELEGATOR") : NULL;
    if (!c)
        exit(2);
    char edited[1 << 16];
    size_t head = (size_t)(c - store);
    const char *repl = "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_MUST_VERIFY_TRUST";
    memcpy(edited, store, head);
    strcpy(edited + head, repl);
    strcat(edited, c + strlen("CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_TRUSTED_DELEGATOR"));
    char sdir[600];
    snprintf(sdir, sizeof(sdir), "%s/email-store", unit_tmp());
    mkdir(sdir, 0700);
    const char *sp = UNIT_WRITE_STR("email-store/certdata.txt", edited);
    const char *pools2[] = {"testdata/pki-cross", sp};
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"certificate\": "
                   "\"%1$s/testdata/pki-cross/root-c-xa.pem\", \"purposes\": [\"server-auth\"]}]}"),
                 pools2, 2, NULL);
    CHECKU(rc == DT_OK && U.errors == 0 && r.m.n_items == 2,
           "a store trusting Root C for e-mail only: a server-auth key distrust may reach it");
    res_free(&r);
    rc = resolve(&r,
                 P("{\"version\": 1, \"entries\": [{\"certificate\": "
                   "\"%1$s/testdata/pki-cross/root-c-xa.pem\", \"purposes\": "
                   "[\"email-protection\"]}]}"),
                 pools2, 2, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "trusts for email-protection"),
           "and an e-mail key distrust may not");
    res_free(&r);
}

/* ---- name twins ------------------------------------------------------------------------- */

static void test_name_twins(void)
{
    EVP_PKEY *ca = ux_key(), *leaf = ux_key();
    X509_NAME *printable = ux_name(V_ASN1_PRINTABLESTRING, "O", "Twin Test", "CN", "Twin CA", NULL);
    X509_NAME *utf8 = ux_name(V_ASN1_UTF8STRING, "O", "TWIN  test", "CN", "twin ca", NULL);
    X509_NAME *other = ux_name(V_ASN1_UTF8STRING, "O", "Twin Test", "CN", "Another CA", NULL);
    X509_NAME *subj = ux_name(V_ASN1_UTF8STRING, "CN", "twin.example.test", NULL);
    static const uint8_t ser[] = {0x2a, 0x2a};
    struct ux_cert_spec s = {subj, utf8, ser, 2, false, leaf, ca, 1704067200, 2019686400};
    X509 *twin = ux_cert(&s);
    s.issuer = other;
    X509 *stranger = ux_cert(&s);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/twins", unit_tmp());
    mkdir(dir, 0700);
    ux_write_pem("twins/twin.pem", twin);
    ux_write_pem("twins/stranger.pem", stranger);
    unsigned char *issuer_der;
    int len = ux_name_der(printable, &issuer_der);
    char *b64 = ux_b64(issuer_der, (size_t)len);
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"issuer_der\": \"%s\", \"serial\": \"2a:2a\", "
             "\"label\": \"Twin leaf\"}]}",
             b64);

    struct res r;
    enum dt_err rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 1 && r.m.n_name_twins == 0,
           "negative: without the certificate at hand, one item under the entry's bytes");
    res_free(&r);
    const char *pools[] = {dir};
    rc = resolve(&r, text, pools, 1, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 2 && r.m.n_name_twins == 1 && r.m.n_expanded == 1,
           "with the pool: the certificate under its own issuer bytes too (%zu items)",
           r.m.n_items);
    const struct dt_item *tw = NULL;
    for (size_t i = 0; i < r.m.n_items; i++)
        if (r.m.items[i].name_twin)
            tw = &r.m.items[i];
    CHECKU(tw && tw->expanded && !tw->key_scope && tw->shape == DT_SHAPE_TRUST && tw->cert &&
               dt_slice_eq(tw->issuer, tw->cert->info.issuer) && serial_is(tw, ser, 2) &&
               !strcmp(dt_item_relation(tw),
                       "same issuer name and serial (issuer encoded differently)"),
           "the twin: its own issuer bytes, the entry's serial, the trust shape, its relation");
    CHECKU(unit_has(&U, "note|") && unit_has(&U, "encoded differently") &&
               unit_has(&U, "UTF8String, UTF8String") && unit_has(&U, "twin.example.test"),
           "a note names the certificate and how its issuer is encoded");
    CHECKU(!unit_has(&U, "Another CA"), "a certificate of another issuer name is no twin");
    res_free(&r);

    free(b64);
    OPENSSL_free(issuer_der);
    X509_free(twin);
    X509_free(stranger);
    X509_NAME_free(printable);
    X509_NAME_free(utf8);
    X509_NAME_free(other);
    X509_NAME_free(subj);
    EVP_PKEY_free(ca);
    EVP_PKEY_free(leaf);
}

/* ---- distrust-after -------------------------------------------------------------------- */

static void test_distrust_after(void)
{
    struct res r;
    enum dt_err rc =
        resolve(&r,
                P("{\"version\": 1, \"entries\": [\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
                  "\"2024-11-30T23:59:59Z\"},\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.der\", \"email_distrust_after\": "
                  "\"2030-01-01T00:00:00+01:00\"}]}"),
                NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_afters == 1 && r.m.n_items == 0,
           "two date entries of one root: one root with dates, no items");
    const struct dt_after *a = r.m.n_afters ? &r.m.afters[0] : NULL;
    CHECKU(a && a->has_server && a->server == 1733011199 && a->has_email && a->email == 1893452400,
           "both dates kept (email converted to UTC)");
    CHECKU(a && a->date_rule[0] == &r.p.rules[0] && a->date_rule[1] == &r.p.rules[1] &&
               a->rule == &r.p.rules[0],
           "each date remembers the entry that gave it");
    CHECKU(U.warnings == 1 && unit_has(&U, "also set by"), "the second entry is warned about");
    res_free(&r);

    rc =
        resolve(&r,
                P("{\"version\": 1, \"entries\": [\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
                  "\"2024-11-30T23:59:59Z\"},\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
                  "\"2025-11-30T23:59:59Z\"}]}"),
                NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "already has a different distrust-after date"),
           "two different dates for one root: an error");
    res_free(&r);
    rc =
        resolve(&r,
                P("{\"version\": 1, \"entries\": [\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
                  "\"2024-11-30T23:59:59Z\"},\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
                  "\"2024-11-30T23:59:59Z\"}]}"),
                NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_afters == 1, "baseline: the same date twice merges");
    res_free(&r);

    /* A root also distrusted outright for the dated purpose: warned. */
    rc =
        resolve(&r,
                P("{\"version\": 1, \"entries\": [\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
                  "\"2024-11-30T23:59:59Z\"},\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"purposes\": "
                  "[\"server-auth\"]}]}"),
                NULL, 0, NULL);
    CHECKU(rc == DT_OK && unit_has(&U, "its distrust-after server date changes nothing"),
           "a dated root distrusted outright for the purpose: warned");
    res_free(&r);
    rc =
        resolve(&r,
                P("{\"version\": 1, \"entries\": [\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
                  "\"2024-11-30T23:59:59Z\"},\n"
                  " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"purposes\": "
                  "[\"email-protection\"]}]}"),
                NULL, 0, NULL);
    CHECKU(rc == DT_OK && !unit_has(&U, "changes nothing"),
           "baseline: distrusted outright for another purpose, no warning");
    res_free(&r);

    /* A date on a certificate that is not a self-signed CA: warned. */
    rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-c.pem\", "
          "\"server_distrust_after\": \"2024-11-30T23:59:59Z\"}]}"),
        NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_afters == 1 && unit_has(&U, "is not a self-signed CA certificate"),
           "a date on an intermediate: kept, with a warning");
    res_free(&r);
}

/* ---- incidents ------------------------------------------------------------------------- */

static void test_incident(void)
{
    X509 *issuer = ux_x509_file("testdata/pki/int-a1.pem");
    EVP_PKEY *key = ux_key_file("testdata/pki/int-a1.key.pem");
    static const uint8_t s1[] = {0x0a, 0x01}, s2[] = {0x0a, 0x02}, s3[] = {0x0a, 0x03};
    const int64_t deadline = 1722454200; /* 2024-07-31T19:30:00Z */
    struct ux_revoked rev[] = {{s1, 2, deadline - 3600, -1}, {s2, 2, deadline + 86400, -1}};
    struct ux_crl_spec cs = {issuer, NULL, key,  deadline + 2 * 86400, deadline + 30 * 86400, rev,
                             2,      7,    false};
    const char *crl = ux_write_crl("inc.crl", &cs);
    const char *list = UNIT_WRITE_STR("inc.txt", "0a:01\n0a:02\n0a:03\n");
    char text[2048];
    snprintf(
        text, sizeof(text),
        "{\"version\": 1, \"entries\": [{\"incident_serials\": \"%s\", \"issuer_certificate\": "
        "\"%s/testdata/pki/int-a1.pem\", \"revoke_by\": \"2024-07-31T19:30:00Z\", \"crl\": "
        "\"%s\", \"label\": \"Batch\"}]}",
        list, cwd, crl);
    struct res r;
    enum dt_err rc = resolve(&r, text, NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "give --date"),
           "an incident without the build's time is an error");
    res_free(&r);

    int64_t before = deadline - 3600;
    rc = resolve(&r, text, NULL, 0, &before);
    CHECKU(rc == DT_OK && r.m.n_incidents == 1 && r.m.n_items == 0 &&
               unit_has(&U, "not revoked yet, before the deadline"),
           "before the deadline: evaluated, no distrust yet");
    res_free(&r);

    int64_t after = deadline + 3 * 86400;
    rc = resolve(&r, text, NULL, 0, &after);
    CHECKU(rc == DT_OK && r.m.n_incidents == 1 && r.m.incidents[0].overdue,
           "after the deadline: overdue");
    CHECKU(r.m.n_items == 1 && serial_is(&r.m.items[0], s3, 2) && r.m.items[0].line == 3 &&
               r.m.items[0].targets == (DT_TARGET_ONECRL | DT_TARGET_BLOB),
           "only the unrevoked serial becomes an item, with its line, for OneCRL and the blob");
    CHECKU(unit_has(&U, "1 of 3 serials not revoked by 2024-07-31T19:30:00Z: distrusted (1 revoked "
                        "on time, 1 late)"),
           "a note counts the classes");
    CHECKU(r.m.n_inputs == 3, "inputs: issuer certificate, serial list, CRL (%zu)", r.m.n_inputs);
    res_free(&r);
    X509_free(issuer);
    EVP_PKEY_free(key);
}

/* ---- order and errors -------------------------------------------------------------------- */

static void test_order(void)
{
    struct res r;
    enum dt_err rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [\n"
          " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\"},\n"
          " {\"certificate\": \"%1$s/testdata/pki/bundle-leaves.pem\", \"targets\": [\"blob\"]},\n"
          " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"01\"},\n"
          " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": "
          "\"01:02:03\"}]}"),
        NULL, 0, NULL);
    CHECKU(rc == DT_OK && r.m.n_items == 6, "six items");
    bool sorted = true;
    for (size_t i = 1; i < r.m.n_items; i++)
        sorted &= dt_item_cmp(&r.m.items[i - 1], &r.m.items[i]) < 0;
    CHECKU(sorted, "items are sorted by issuer, then serial, and unique");
    size_t n = 0;
    const struct dt_item **v = dt_model_items_in_policy_order(&r.m, DT_TARGET_ALL, &n);
    bool order = v && n == 6;
    for (size_t i = 1; order && i < n; i++) {
        const struct dt_item *a = v[i - 1], *b = v[i];
        order &= a->rule->ordinal < b->rule->ordinal ||
                 (a->rule == b->rule && a->sub_index < b->sub_index);
    }
    CHECKU(order && v[0]->rule == &r.p.rules[0] && v[5]->rule == &r.p.rules[3],
           "policy order: rule, then position in the file");
    free(v);
    v = dt_model_items_in_policy_order(&r.m, DT_TARGET_NSS, &n);
    CHECKU(v && n == 3, "filtered by target: the bundle's blob-only items left out (%zu)", n);
    free(v);
    res_free(&r);

    /* An empty model still gives a list to free. */
    rc = resolve(&r, "{\"version\": 1, \"entries\": []}", NULL, 0, NULL);
    v = dt_model_items_in_policy_order(&r.m, DT_TARGET_ALL, &n);
    CHECKU(rc == DT_OK && v && n == 0, "an empty policy: no items, an empty list");
    free(v);
    res_free(&r);
}

static void test_errors_accumulate(void)
{
    struct res r;
    enum dt_err rc = resolve(
        &r,
        P("{\"version\": 1, \"entries\": [\n"
          " {\"certificate\": \"%1$s/missing-1.pem\"},\n"
          " {\"certificate\": \"%1$s/testdata/pki/leaf-a1.pem\"},\n"
          " {\"issuer_certificate\": \"%1$s/missing-2.pem\", \"serial\": \"01\"},\n"
          " {\"issuer_certificate\": \"%1$s/testdata/pki/chain-a1.pem\", \"serial\": \"01\"}]}"),
        NULL, 0, NULL);
    CHECKU(rc == DT_ERR_INPUT && U.errors == 3 && unit_has(&U, "missing-1.pem") &&
               unit_has(&U, "missing-2.pem") && unit_has(&U, "different subjects"),
           "three bad entries: all three reported in one run (%zu errors)", U.errors);
    CHECKU(unit_has(&U, "|/entries/0/certificate|") &&
               unit_has(&U, "|/entries/2/issuer_certificate|"),
           "each at its entry's key");
    res_free(&r);

    /* The model is freed safely twice, and when zeroed. */
    struct dt_model m;
    memset(&m, 0, sizeof(m));
    dt_model_free(&m);
    dt_model_free(NULL);
    CHECKU(m.n_items == 0, "dt_model_free of an empty model and of NULL");
}

/* Resolving twice gives the same items in the same order (determinism). */
static void test_deterministic(void)
{
    const char *pools[] = {"testdata/pki", "testdata/pki-cross"};
    const char *text =
        P("{\"version\": 1, \"entries\": [\n"
          " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"},\n"
          " {\"certificate\": \"%1$s/testdata/pki/bundle-leaves.pem\"},\n"
          " {\"issuer_certificate\": \"%1$s/testdata/pki/root-b.pem\", \"serial\": \"10:01\"}]}");
    char copy[8192];
    snprintf(copy, sizeof(copy), "%s", text);
    struct res a, b;
    enum dt_err ra = resolve(&a, copy, pools, 2, NULL);
    enum dt_err rb = resolve(&b, copy, pools, 2, NULL);
    bool same = ra == DT_OK && rb == DT_OK && a.m.n_items == b.m.n_items;
    for (size_t i = 0; same && i < a.m.n_items; i++)
        same = dt_item_cmp(&a.m.items[i], &b.m.items[i]) == 0 &&
               a.m.items[i].expanded == b.m.items[i].expanded &&
               a.m.items[i].rule->ordinal == b.m.items[i].rule->ordinal;
    CHECKU(same && a.m.n_items == 6, "two resolutions: the same six items in the same order");
    res_free(&a);
    res_free(&b);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    test_certificate_rule();
    test_issuer_serial_rule();
    test_serials_file_rule();
    test_subject_key_rule();
    test_merge();
    test_expansion();
    test_anchor_guard();
    test_name_twins();
    test_distrust_after();
    test_incident();
    test_order();
    test_errors_accumulate();
    test_deterministic();
    return unit_done();
}
