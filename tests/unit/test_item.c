/* Unit tests: item.c, the items of the model: trust values (the distrusted
 * purposes, a root store's values for the others, relax_upstream), the
 * hashes an object carries per shape, labels (the entry's, numbered in a
 * bundle, a serial list's serial, derived from names, found certificates'
 * "issued by"), the order of items and why an expanded item was found.
 * Items are put together by hand around fixture certificates. */
#include "item.h"
#include "unit.h"

#include <pkcs11.h>

static struct dt_cert *load(const char *name)
{
    struct dt_certlist l = {0};
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    char path[256];
    snprintf(path, sizeof(path), "testdata/pki/%s", name);
    if (dt_cert_load_file(path, &l, &d, NULL) != DT_OK || l.n < 1) {
        printf("# cannot load %s\n", path);
        exit(2);
    }
    struct dt_cert *c = l.v[0];
    for (size_t i = 1; i < l.n; i++)
        dt_cert_free(l.v[i]);
    free(l.v);
    return c;
}

static struct dt_item item_of(const struct dt_rule *r, struct dt_cert *c)
{
    struct dt_item it;
    memset(&it, 0, sizeof(it));
    it.rule = r;
    it.cert = c;
    if (c) {
        it.issuer = c->info.issuer;
        it.serial = c->info.serial;
    }
    it.purposes = DT_PURPOSE_ALL;
    it.targets = DT_TARGET_ALL;
    return it;
}

static bool vals(const struct dt_item *it, const char *a, const char *b, const char *c)
{
    const char *v[3] = {"x", "x", "x"};
    dt_item_trust_values(it, v);
    const char *w[3] = {a, b, c};
    for (int k = 0; k < 3; k++)
        if (!v[k] != !w[k] || (v[k] && strcmp(v[k], w[k]))) {
            printf("#   value %d: got %s, want %s\n", k, v[k] ? v[k] : "(none)",
                   w[k] ? w[k] : "(none)");
            return false;
        }
    return true;
}

static void test_trust_values(void)
{
    struct dt_rule r;
    memset(&r, 0, sizeof(r));
    struct dt_cert *c = load("int-a1.pem");
    struct dt_item it = item_of(&r, c);
    CHECK(vals(&it, "CKT_NSS_NOT_TRUSTED", "CKT_NSS_NOT_TRUSTED", "CKT_NSS_NOT_TRUSTED"),
          "every purpose distrusted: three NOT_TRUSTED values");
    it.purposes = DT_PURPOSE_SERVER;
    CHECK(vals(&it, "CKT_NSS_NOT_TRUSTED", NULL, NULL),
          "server-auth only, no root store: the other purposes left out");
    struct dt_pool_trust st;
    memset(&st, 0, sizeof(st));
    st.value[0] = CKT_NSS_TRUSTED_DELEGATOR;
    st.value[1] = CKT_NSS_TRUSTED_DELEGATOR;
    st.value[2] = 0;
    it.store = &st;
    CHECK(vals(&it, "CKT_NSS_NOT_TRUSTED", "CKT_NSS_TRUSTED_DELEGATOR", NULL),
          "with a root store's object: its values for the other purposes, absent ones left out");
    st.value[1] = CKT_NSS_NOT_TRUSTED;
    CHECK(vals(&it, "CKT_NSS_NOT_TRUSTED", "CKT_NSS_NOT_TRUSTED", NULL),
          "a store's own distrust of another purpose is kept");
    r.relax_upstream = true;
    CHECK(vals(&it, "CKT_NSS_NOT_TRUSTED", NULL, NULL),
          "relax_upstream: the store's distrust of another purpose is dropped");
    st.value[1] = CKT_NSS_MUST_VERIFY_TRUST;
    CHECK(vals(&it, "CKT_NSS_NOT_TRUSTED", "CKT_NSS_MUST_VERIFY_TRUST", NULL),
          "relax_upstream keeps the store's other values");
    dt_cert_free(c);
}

static void test_hashes(void)
{
    struct dt_rule r;
    memset(&r, 0, sizeof(r));
    struct dt_cert *c = load("int-a1.pem");
    struct dt_item it = item_of(&r, c);
    const uint8_t *sha1 = (const uint8_t *)"x", *md5 = (const uint8_t *)"x";
    dt_item_hashes(&it, &sha1, &md5);
    CHECK(!sha1 && !md5, "the trust shape without a store: hash-free");
    it.shape = DT_SHAPE_TRUST_HASH;
    dt_item_hashes(&it, &sha1, &md5);
    CHECK(sha1 == c->sha1 && md5 == c->md5, "trust+hash: the certificate's hashes");
    it.shape = DT_SHAPE_CERT_TRUST;
    dt_item_hashes(&it, &sha1, &md5);
    CHECK(sha1 == c->sha1 && md5 == c->md5, "certificate+trust: the certificate's hashes");

    struct dt_pool_trust st;
    memset(&st, 0, sizeof(st));
    memset(st.sha1, 0x11, 20);
    memset(st.md5, 0x22, 16);
    st.has_sha1 = st.has_md5 = true;
    it.shape = DT_SHAPE_TRUST;
    it.store = &st;
    dt_item_hashes(&it, &sha1, &md5);
    CHECK(sha1 == c->sha1 && md5 == c->md5,
          "a purpose-limited distrust of a stored certificate: the certificate's hashes");
    it.cert = NULL;
    dt_item_hashes(&it, &sha1, &md5);
    CHECK(sha1 == st.sha1 && md5 == st.md5, "without the certificate: the store object's hashes");
    st.has_md5 = false;
    dt_item_hashes(&it, &sha1, &md5);
    CHECK(!sha1 && !md5, "a store object with one hash only: hash-free (both or none)");
    dt_cert_free(c);
}

static void test_labels(void)
{
    struct dt_rule r;
    memset(&r, 0, sizeof(r));
    r.kind = DT_RULE_CERT;
    struct dt_cert *c = load("int-a1.pem"), *leaf = load("leaf-ascii.pem");
    struct dt_item it = item_of(&r, c);
    char *l = dt_item_label(&it);
    CHECK_STR(l, "Test Intermediate 1", "no label: the certificate's common name");
    free(l);
    r.label = "Evil CA";
    l = dt_item_label(&it);
    CHECK_STR(l, "Evil CA", "the entry's label");
    free(l);
    it.sub_index = 2;
    it.sub_count = 3;
    l = dt_item_label(&it);
    CHECK_STR(l, "Evil CA (cert 2/3)", "a bundle's certificates are numbered");
    free(l);
    it.sub_index = it.sub_count = 0;

    /* A serial list: the label and the serial. */
    r.kind = DT_RULE_SERIALS_FILE;
    struct dt_item s = item_of(&r, NULL);
    s.issuer = c->info.subject;
    s.serial = leaf->info.serial;
    s.line = 7;
    l = dt_item_label(&s);
    CHECK_STR(l, "Evil CA (serial 53:45:52:49:41:4c:2d:34:32)",
              "a serial-list item: the label and its serial in hex (never as text)");
    free(l);
    r.label = NULL;
    l = dt_item_label(&s);
    CHECK_STR(l, "Test Intermediate 1 serial 53:45:52:49:41:4c:2d:34:32",
              "no label, no certificate: the issuer's name and the serial");
    free(l);

    /* A found certificate: the entry's name and its issuer. */
    r.kind = DT_RULE_CERT;
    struct dt_cert *xb = load("int-a1-xb.pem");
    struct dt_item e = item_of(&r, xb);
    e.expanded = true;
    l = dt_item_label(&e);
    CHECK_STR(l, "Test Intermediate 1 (issued by Test Root B)",
              "an expanded item: its name and its issuer's");
    free(l);
    r.label = "Evil CA";
    l = dt_item_label(&e);
    CHECK_STR(l, "Evil CA (issued by Test Root B)", "with the entry's label");
    free(l);

    /* Characters a label cannot carry are replaced. */
    r.label = NULL;
    r.kind = DT_RULE_ISSUER_SERIAL;
    static const uint8_t bad_name[] = {0x30, 0x10, 0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x55,
                                       0x04, 0x03, 0x0c, 0x05, 'a',  '$',  'b',  '@',  'c'};
    struct dt_item b = item_of(&r, NULL);
    b.issuer = dt_slice_make(bad_name, sizeof(bad_name));
    b.serial = dt_slice_make((const uint8_t *)"\x01", 1);
    l = dt_item_label(&b);
    CHECK_STR(l, "a_b_c serial 01", "a derived label: '$' and '@' replaced");
    free(l);
    dt_cert_free(c);
    dt_cert_free(leaf);
    dt_cert_free(xb);
}

static void test_cmp(void)
{
    struct dt_item a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    static const uint8_t i1[] = {0x30, 0x01, 0x41}, i2[] = {0x30, 0x01, 0x42};
    static const uint8_t s1[] = {0x01}, s12[] = {0x01, 0x02}, s2[] = {0x02};
    a.issuer = b.issuer = dt_slice_make(i1, 3);
    a.serial = dt_slice_make(s1, 1);
    b.serial = dt_slice_make(s12, 2);
    CHECK(dt_item_cmp(&a, &b) < 0 && dt_item_cmp(&b, &a) > 0,
          "one issuer: a serial that is a prefix of another sorts first");
    b.serial = dt_slice_make(s2, 1);
    CHECK(dt_item_cmp(&a, &b) < 0, "one issuer: serials by bytes");
    b.serial = dt_slice_make(s1, 1);
    CHECK(dt_item_cmp(&a, &b) == 0, "the same issuer and serial compare equal");
    b.issuer = dt_slice_make(i2, 3);
    b.serial = dt_slice_make(s1, 1);
    a.serial = dt_slice_make(s2, 1);
    CHECK(dt_item_cmp(&a, &b) < 0, "the issuer decides before the serial");
}

static void test_relation(void)
{
    struct dt_rule r;
    memset(&r, 0, sizeof(r));
    struct dt_cert *c = load("int-a1.pem"), *xb = load("int-a1-xb.pem");
    struct dt_item it = item_of(&r, xb);
    it.expanded = true;
    it.via = c;
    CHECK_STR(dt_item_relation(&it), "same subject and key",
              "the same subject and key bytes as the named certificate");
    it.name_twin = true;
    CHECK_STR(dt_item_relation(&it), "same issuer name and serial (issuer encoded differently)",
              "a name twin");
    it.name_twin = false;
    /* A subject + key entry: compared with the entry's own bytes. */
    it.via = NULL;
    r.subject_der = c->info.subject;
    memcpy(r.spki_sha256, c->spki_sha256, 32);
    CHECK_STR(dt_item_relation(&it), "same subject and key", "the entry's subject and key bytes");
    r.spki_sha256[0] ^= 1;
    CHECK_STR(dt_item_relation(&it), "same subject and key (key encoded differently)",
              "another key encoding");
    r.subject_der = xb->info.issuer; /* other bytes */
    CHECK_STR(dt_item_relation(&it), "same subject and key (both encoded differently)",
              "both encoded differently");
    memcpy(r.spki_sha256, c->spki_sha256, 32);
    CHECK_STR(dt_item_relation(&it), "same subject and key (subject encoded differently)",
              "another subject encoding");
    it.cert = NULL;
    CHECK_STR(dt_item_relation(&it), "same subject and key", "no certificate: the plain relation");
    dt_cert_free(c);
    dt_cert_free(xb);
}

int main(void)
{
    test_trust_values();
    test_hashes();
    test_labels();
    test_cmp();
    test_relation();
    return unit_done();
}
