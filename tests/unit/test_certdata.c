/* Unit tests: certdata.c, certdata-distrust.txt. The text written is read
 * back with the certdata.txt parser (cdparse), so every check is on the
 * objects NSS would load, not on strings: the three nss_object shapes
 * (trust, trust+hash, certificate+trust), the serial as its DER INTEGER
 * (0x00 pad included), the hashes of the certificate, a purpose-limited
 * distrust without a root store (the other purposes left out) and with one
 * (the store's values kept, hashes carried), distrust-after roots, policy
 * order, the header's counts against the stats, and the same bytes from the
 * same model. The byte-for-byte comparison with nss-addbuiltin itself is
 * tests/e2e/t_addbuiltin.sh. */
#include "certdata.h"
#include "cdparse.h"
#include "digest.h"
#include "pool.h"
#include "unit.h"
#include "unit_cert.h"
#include "version.h"

#include <pkcs11.h>

static struct unit_diags U;
static char cwd[400];

struct res {
    struct dt_policy p;
    struct dt_pool pool;
    struct dt_model m;
};

/* Resolves the policy fmt (its %1$s is the repository), with the root
 * store pool_file as the pool when it is not NULL. */
static void resolve(struct res *r, const char *pool_file, const char *fmt)
{
    char text[4096];
    snprintf(text, sizeof(text), fmt, cwd);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(r, 0, sizeof(*r));
    const char *paths[1] = {UNIT_WRITE_STR("cd.json", text)};
    dt_pool_init(&r->pool);
    if (dt_policy_load(&r->p, paths, 1, &d) != DT_OK ||
        (pool_file && dt_pool_add(&r->pool, pool_file, NULL, &d, NULL, NULL) != DT_OK) ||
        dt_model_resolve(&r->p, pool_file ? &r->pool : NULL, NULL, &r->m, NULL, &d, NULL) !=
            DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
}

static void res_free(struct res *r)
{
    dt_model_free(&r->m);
    dt_pool_free(&r->pool);
    dt_policy_free(&r->p);
}

static char *emit(const struct res *r, struct dt_certdata_stats *st)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    char *s = NULL;
    if (dt_certdata_write(&r->m, "feed", &b, st) == DT_OK)
        s = dt_buf_steal(&b, NULL);
    dt_buf_free(&b);
    return s;
}

/* The objects of s, parsed; false when the text does not parse. */
static bool parse(const char *s, struct dt_cd_file *f)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(f, 0, sizeof(*f));
    if (!s ||
        dt_cdparse_mem("certdata-distrust.txt", dt_slice_make(s, strlen(s)), f, &d) != DT_OK) {
        unit_dump_diags(&U);
        return false;
    }
    return true;
}

/* The index-th object of class klass whose comment holds marker, or NULL. */
static const struct dt_cd_object *find(const struct dt_cd_file *f, unsigned long klass,
                                       const char *marker)
{
    for (size_t i = 0; i < f->n_objs; i++)
        if (f->objs[i].klass == klass && f->objs[i].comment && strstr(f->objs[i].comment, marker))
            return &f->objs[i];
    return NULL;
}

#define cert_of(path, l) unit_cert_of(&U, path, l)
#define trust_is unit_trust_is

static bool has(const struct dt_cd_object *o, unsigned long type)
{
    return o && dt_cdparse_get(o, type) != NULL;
}

static bool attr_is(const struct dt_cd_object *o, unsigned long type, const void *want, size_t n)
{
    const struct dt_cd_attr *a = o ? dt_cdparse_get(o, type) : NULL;
    return a && a->len == n && !memcmp(a->value, want, n);
}

static size_t count_class(const struct dt_cd_file *f, unsigned long klass)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_objs; i++)
        n += f->objs[i].klass == klass;
    return n;
}

static void test_shapes(void)
{
    struct res r;
    resolve(&r, NULL,
            "{\"version\": 1, \"incident\": {\"id\": \"INC-7\"}, \"entries\": [\n"
            " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"label\": \"Int A1\"},\n"
            " {\"certificate\": \"%1$s/testdata/pki/int-a2.pem\", \"nss_object\": "
            "\"trust+hash\"},\n"
            " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", \"nss_object\": "
            "\"certificate+trust\"},\n"
            " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"0080\"},\n"
            " {\"certificate\": \"%1$s/testdata/pki/int-c.pem\", \"purposes\": [\"server-auth\"], "
            "\"targets\": [\"nss\"]},\n"
            " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
            "\"2024-11-30T23:59:59Z\"}]}");
    struct dt_certdata_stats st;
    char *s = emit(&r, &st);
    CHECK(s != NULL, "written");
    CHECK(st.trust_objects == 5 && st.cert_objects == 2 && st.afters == 1,
          "stats: 5 trust objects, 2 certificate objects (certificate+trust, the dated root), "
          "1 distrust-after root (got %zu, %zu, %zu)",
          st.trust_objects, st.cert_objects, st.afters);
    CHECK(s && strstr(s, "# certdata-distrust.txt: NSS built-in distrust objects written by\n"
                         "# distrust " DT_VERSION " from a policy with SHA-256\n# feed.\n"
                         "# 5 trust objects, 2 certificate objects, 1 distrust-after root.\n"),
          "the header: tool, the policy's digest, the counts (plural and singular)");
    struct dt_cd_file f;
    bool ok = parse(s, &f);
    CHECK(ok, "the written text parses as certdata.txt");
    if (!ok) {
        free(s);
        res_free(&r);
        return;
    }
    CHECK(count_class(&f, CKO_NSS_TRUST) == st.trust_objects &&
              count_class(&f, CKO_CERTIFICATE) == st.cert_objects,
          "the objects in the text are the objects counted");

    /* trust (the default): issuer and serial, every purpose NOT_TRUSTED, no
     * hashes; the serial is the DER INTEGER with its 0x00 pad. */
    const struct dt_cd_object *o = find(&f, CKO_NSS_TRUST, "/entries/0\n");
    static const uint8_t serial_a1[] = {0x02, 0x07, 0x00, 0x8b, 0xad, 0xf0, 0x0d, 0x12, 0x34};
    struct dt_certlist la1, la2, ll2;
    const struct dt_cert *a1 = cert_of("testdata/pki/int-a1.pem", &la1);
    CHECK(a1, "baseline: int-a1 loads");
    CHECK(o && attr_is(o, CKA_SERIAL_NUMBER, serial_a1, sizeof(serial_a1)),
          "trust: the serial 8BADF00D1234 as 02 07 00 8B..., the pad NSS needs");
    CHECK(o && a1 && attr_is(o, CKA_ISSUER, a1->info.issuer.p, a1->info.issuer.n),
          "trust: the issuer's exact bytes");
    CHECK(trust_is(o, CKA_TRUST_SERVER_AUTH, CKT_NSS_NOT_TRUSTED) &&
              trust_is(o, CKA_TRUST_EMAIL_PROTECTION, CKT_NSS_NOT_TRUSTED) &&
              trust_is(o, CKA_TRUST_CODE_SIGNING, CKT_NSS_NOT_TRUSTED),
          "trust: every purpose NOT_TRUSTED");
    CHECK(o && !has(o, CKA_CERT_SHA1_HASH) && !has(o, CKA_CERT_MD5_HASH),
          "trust: no hashes (nss-addbuiltin -D)");
    CHECK(o && attr_is(o, CKA_LABEL, "Int A1", 6), "trust: the entry's label");
    CHECK(o && strstr(o->comment, "# Incident: INC-7\n"), "trust: the incident in the comment");

    /* trust+hash: the certificate's SHA-1 and MD5. */
    o = find(&f, CKO_NSS_TRUST, "/entries/1\n");
    const struct dt_cert *a2 = cert_of("testdata/pki/int-a2.pem", &la2);
    uint8_t sha1[20], md5[16];
    bool have_a2 = a2 && dt_digest_sha1(dt_slice_make(a2->der, a2->der_len), sha1) == DT_OK &&
                   dt_digest_md5(dt_slice_make(a2->der, a2->der_len), md5) == DT_OK;
    CHECK(have_a2, "baseline: int-a2 loads and its digests compute");
    CHECK(o && have_a2 && attr_is(o, CKA_CERT_SHA1_HASH, sha1, 20) &&
              attr_is(o, CKA_CERT_MD5_HASH, md5, 16),
          "trust+hash: the certificate's SHA-1 and MD5");
    CHECK(count_class(&f, CKO_CERTIFICATE) == 2 && !find(&f, CKO_CERTIFICATE, "/entries/1\n"),
          "trust+hash: no certificate object");

    /* certificate+trust: the certificate object first, then its trust. */
    const struct dt_cd_object *co = find(&f, CKO_CERTIFICATE, "/entries/2\n");
    o = find(&f, CKO_NSS_TRUST, "/entries/2\n");
    const struct dt_cert *l2 = cert_of("testdata/pki/leaf-a2.pem", &ll2);
    CHECK(co && o && co < o, "certificate+trust: a certificate object, then the trust object");
    CHECK(co && l2 && attr_is(co, CKA_VALUE, l2->der, l2->der_len) &&
              attr_is(co, CKA_SUBJECT, l2->info.subject.p, l2->info.subject.n),
          "certificate+trust: the certificate's DER and subject");
    CHECK(o && has(o, CKA_CERT_SHA1_HASH) && has(o, CKA_CERT_MD5_HASH),
          "certificate+trust: the trust object carries the hashes");

    /* An issuer and a serial alone: the serial's INTEGER, padded. */
    o = find(&f, CKO_NSS_TRUST, "/entries/3\n");
    static const uint8_t serial_80[] = {0x02, 0x02, 0x00, 0x80};
    CHECK(o && attr_is(o, CKA_SERIAL_NUMBER, serial_80, sizeof(serial_80)) &&
              !has(o, CKA_CERT_SHA1_HASH),
          "issuer and serial 80: 02 02 00 80, hash-free");

    /* Purpose-limited, no root store: the distrusted purpose only. */
    o = find(&f, CKO_NSS_TRUST, "/entries/4\n");
    CHECK(trust_is(o, CKA_TRUST_SERVER_AUTH, CKT_NSS_NOT_TRUSTED) &&
              !has(o, CKA_TRUST_EMAIL_PROTECTION) && !has(o, CKA_TRUST_CODE_SIGNING) &&
              !has(o, CKA_CERT_SHA1_HASH),
          "server-auth only, no store: server NOT_TRUSTED, the other purposes left out");
    CHECK(o && strstr(o->comment, "# Purposes: server"),
          "server-auth only: the comment names the purposes");

    /* A distrust-after root: its certificate with the date, no trust. */
    co = find(&f, CKO_CERTIFICATE, "/entries/5\n");
    CHECK(co && attr_is(co, CKA_NSS_SERVER_DISTRUST_AFTER, "241130235959Z", 13),
          "distrust-after: the server date as a UTCTime");
    bool email = true;
    CHECK(co && dt_cdparse_get_bool(co, CKA_NSS_EMAIL_DISTRUST_AFTER, &email) && !email,
          "distrust-after: no e-mail date is CK_FALSE");
    CHECK(!find(&f, CKO_NSS_TRUST, "/entries/5\n"), "distrust-after: no trust object");

    /* Policy order, and the same bytes again. */
    const char *e[6];
    bool order = true;
    for (int i = 0; i < 6; i++) {
        char m[32];
        snprintf(m, sizeof(m), "/entries/%d\n", i);
        e[i] = strstr(s, m);
        order = order && e[i] && (i == 0 || e[i - 1] < e[i]);
    }
    CHECK(order, "objects in policy order");
    struct dt_certdata_stats st2;
    char *again = emit(&r, &st2);
    CHECK(again && !strcmp(s, again), "the same model: the same bytes");
    free(again);

    dt_cdparse_free(&f);
    dt_cert_list_free(&la1);
    dt_cert_list_free(&la2);
    dt_cert_list_free(&ll2);
    free(s);
    res_free(&r);
}

/* A purpose-limited distrust of a root the build's root store trusts: the
 * object keeps the store's values for the other purposes and carries the
 * hashes (NSS takes each purpose from the highest-ranked token). The build
 * (tasks/build.c) gives the item the store's trust record; here it is
 * given by hand from the store read as a pool, and the same item without
 * it is the baseline. */
static void test_store(void)
{
    struct res r;
    char store[600];
    snprintf(store, sizeof(store), "%s/testdata/chains/roots-certdata.txt", cwd);
    resolve(&r, store,
            "{\"version\": 1, \"entries\": [\n"
            " {\"certificate\": \"%1$s/testdata/pki/root-a.pem\", \"purposes\": "
            "[\"server-auth\"]}]}");
    struct dt_certdata_stats st;
    char *base = emit(&r, &st);
    struct dt_cd_file f;
    bool ok = parse(base, &f);
    const struct dt_cd_object *o = ok ? find(&f, CKO_NSS_TRUST, "/entries/0\n") : NULL;
    CHECK(trust_is(o, CKA_TRUST_SERVER_AUTH, CKT_NSS_NOT_TRUSTED) &&
              !has(o, CKA_TRUST_EMAIL_PROTECTION) && !has(o, CKA_CERT_SHA1_HASH),
          "baseline, the item without the store's record: server only, hash-free");
    if (ok)
        dt_cdparse_free(&f);
    free(base);

    const struct dt_pool_trust *t = NULL;
    struct dt_item *it = r.m.n_items == 1 ? &r.m.items[0] : NULL;
    CHECK(it && dt_pool_trust_of(&r.pool, it->issuer, it->serial, &t) == DT_OK && t,
          "the store has a trust object for Root A");
    if (it)
        it->store = t;
    char *s = emit(&r, &st);
    ok = parse(s, &f);
    CHECK(ok && st.trust_objects == 1, "a purpose-limited root distrust with a store: written");
    o = ok ? find(&f, CKO_NSS_TRUST, "/entries/0\n") : NULL;
    CHECK(trust_is(o, CKA_TRUST_SERVER_AUTH, CKT_NSS_NOT_TRUSTED),
          "with the store: server NOT_TRUSTED");
    CHECK(trust_is(o, CKA_TRUST_EMAIL_PROTECTION, CKT_NSS_TRUSTED_DELEGATOR) &&
              trust_is(o, CKA_TRUST_CODE_SIGNING, CKT_NSS_TRUSTED_DELEGATOR),
          "with the store: e-mail and code signing as the store has them (TRUSTED_DELEGATOR)");
    CHECK(o && has(o, CKA_CERT_SHA1_HASH) && has(o, CKA_CERT_MD5_HASH),
          "with the store: the hashes (NSS discards a hash-free object that trusts)");
    CHECK(o && strstr(o->comment, "# Other purposes: as ") &&
              strstr(o->comment, "roots-certdata.txt line "),
          "with the store: the comment says where the other purposes come from");
    if (ok)
        dt_cdparse_free(&f);
    free(s);
    res_free(&r);
}

/* dt_certdata_item_text's trust_object: the attribute lines of the trust
 * object alone, the same as the full text's. */
static void test_item_text(void)
{
    struct res r;
    resolve(&r, NULL,
            "{\"version\": 1, \"entries\": [\n"
            " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", \"nss_object\": "
            "\"certificate+trust\"}]}");
    CHECK(r.m.n_items == 1, "one item");
    struct dt_buf cert, trust, obj;
    dt_buf_init(&cert, 0);
    dt_buf_init(&trust, 0);
    dt_buf_init(&obj, 0);
    bool ok = r.m.n_items == 1 &&
              dt_certdata_item_text(&r.m.items[0], &cert, &trust, &obj) == DT_OK &&
              dt_buf_putc(&cert, 0) == DT_OK && dt_buf_putc(&trust, 0) == DT_OK &&
              dt_buf_putc(&obj, 0) == DT_OK;
    CHECK(ok, "the item's text is written");
    const char *c = ok ? (const char *)cert.data : "", *t = ok ? (const char *)trust.data : "",
               *b = ok ? (const char *)obj.data : "";
    CHECK(ok && !strncmp(c, "\n#\n# Certificate \"", 18) &&
              strstr(c, "CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\n") &&
              !strstr(c, "CKO_NSS_TRUST"),
          "cert_part: the certificate object with its comment block");
    CHECK(ok && !strncmp(t, "\n# Distrust \"", 13) &&
              strstr(t, "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\n"),
          "trust_part: the trust object with its comment block");
    CHECK(ok && !strncmp(b, "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\n", 40) && !strchr(b, '#') &&
              strstr(t, b),
          "trust_object: the attribute lines alone, as in trust_part");
    dt_buf_free(&cert);
    dt_buf_free(&trust);
    dt_buf_free(&obj);
    res_free(&r);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    test_shapes();
    test_store();
    test_item_text();
    return unit_done();
}
