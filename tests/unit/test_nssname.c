/* Unit tests: nssname.c (names as NSS prints them, through
 * CERT_NameToAscii): the comment form, UTF-8 text, common names, the
 * display name, and what is printed for names NSS cannot decode. */
#include "nssname.h"
#include "unit.h"

/* A DER Name of RDNs, each one AVA {oid 2.5.4.x, tag, value}; x 0 ends. */
struct ava {
    uint8_t attr, tag;
    const char *value;
};

static size_t name_of(const struct ava *a, size_t n, uint8_t *out)
{
    uint8_t body[512];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t vl = strlen(a[i].value);
        body[k++] = 0x31;
        body[k++] = (uint8_t)(vl + 9);
        body[k++] = 0x30;
        body[k++] = (uint8_t)(vl + 7);
        body[k++] = 0x06;
        body[k++] = 0x03;
        body[k++] = 0x55;
        body[k++] = 0x04;
        body[k++] = a[i].attr;
        body[k++] = a[i].tag;
        body[k++] = (uint8_t)vl;
        memcpy(body + k, a[i].value, vl);
        k += vl;
    }
    out[0] = 0x30;
    out[1] = (uint8_t)k;
    memcpy(out + 2, body, k);
    return k + 2;
}

static void test_printing(void)
{
    static const uint8_t name[] = {0x30, 0x1c, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04,
                                   0x06, 0x13, 0x02, 'T',  'R',  0x31, 0x0d, 0x30, 0x0b, 0x06,
                                   0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 0xc3, 0x96, 'z',  'l'};
    char *c = dt_nssname_comment(dt_slice_make(name, sizeof(name)));
    char *t = dt_nssname_text(dt_slice_make(name, sizeof(name)));
    char *cn = dt_nssname_common_name(dt_slice_make(name, sizeof(name)));
    CHECK_STR(c, "CN=..zl,C=TR", "comment text: most specific first, non-ASCII as dots");
    CHECK_STR(t, "CN=\xc3\x96zl,C=TR", "UTF-8 text");
    CHECK_STR(cn, "\xc3\x96zl", "common name");
    free(c);
    free(t);
    free(cn);
    static const uint8_t empty[] = {0x30, 0x00};
    c = dt_nssname_comment(dt_slice_make(empty, 2));
    CHECK_STR(c, "(empty)", "empty name");
    free(c);
    cn = dt_nssname_common_name(dt_slice_make(empty, 2));
    CHECK(cn == NULL, "no common name");
    static const uint8_t junk[] = {0x04, 0x01, 0x00};
    c = dt_nssname_comment(dt_slice_make(junk, 3));
    CHECK_STR(c, "!Invalid AVA!", "undecodable name");
    free(c);

    t = dt_nssname_text(dt_slice_make(junk, 3));
    CHECK(t == NULL, "undecodable name: no text (NULL, not a placeholder)");
    c = dt_nssname_comment(dt_slice_make(NULL, 0));
    CHECK_STR(c, "!Invalid AVA!", "zero bytes: undecodable");
    free(c);
    t = dt_nssname_text(dt_slice_make(empty, 2));
    CHECK_STR(t, "(empty)", "the empty name's text");
    free(t);
    static const uint8_t trailing[] = {0x30, 0x00, 0x00};
    c = dt_nssname_comment(dt_slice_make(trailing, 3));
    CHECK_STR(c, "!Invalid AVA!", "a byte after the Name: undecodable");
    free(c);
}

static void test_names(void)
{
    uint8_t der[600];
    struct ava two_cn[] = {
        {6, 0x13, "US"}, {3, 0x0c, "Outer"}, {10, 0x0c, "Org"}, {3, 0x0c, "Inner"}};
    size_t n = name_of(two_cn, 4, der);
    char *cn = dt_nssname_common_name(dt_slice_make(der, n));
    CHECK_STR(cn, "Inner", "two common names: the most specific (the last RDN)");
    free(cn);
    char *t = dt_nssname_text(dt_slice_make(der, n));
    CHECK_STR(t, "CN=Inner,O=Org,CN=Outer,C=US", "every RDN, most specific first");
    free(t);

    struct ava special[] = {{3, 0x0c, "a,b+c\"d"}};
    n = name_of(special, 1, der);
    t = dt_nssname_text(dt_slice_make(der, n));
    CHECK(t && !strcmp(t, "CN=\"a,b+c\\\"d\""), "a value with , + and \" is quoted (%s)",
          t ? t : "NULL");
    free(t);
    char *c = dt_nssname_comment(dt_slice_make(der, n));
    CHECK(c && !strcmp(c, "CN=\"a,b+c\\\"d\""), "the comment form quotes the same way (%s)",
          c ? c : "NULL");
    free(c);

    struct ava ctl[] = {{3, 0x0c,
                         "a\x01\x7f"
                         "b"}};
    n = name_of(ctl, 1, der);
    c = dt_nssname_comment(dt_slice_make(der, n));
    CHECK_STR(c, "CN=a\\01\\7fb", "control characters: NSS escapes them as \\hh (no dots)");
    free(c);

    struct ava no_cn[] = {{6, 0x13, "DE"}, {10, 0x0c, "Only Org"}};
    n = name_of(no_cn, 2, der);
    CHECK(dt_nssname_common_name(dt_slice_make(der, n)) == NULL, "no CN: no common name");
    char *d = dt_nssname_display(dt_slice_make(der, n));
    CHECK_STR(d, "O=Only Org,C=DE", "display without a CN: the whole subject");
    free(d);
    n = name_of(two_cn, 4, der);
    d = dt_nssname_display(dt_slice_make(der, n));
    CHECK_STR(d, "Inner", "display with a CN: the CN");
    free(d);
    struct ava empty_cn[] = {{10, 0x0c, "Org"}, {3, 0x0c, ""}};
    n = name_of(empty_cn, 2, der);
    d = dt_nssname_display(dt_slice_make(der, n));
    CHECK(d && strstr(d, "O=Org"), "display with an empty CN: the subject (%s)", d ? d : "NULL");
    free(d);
    static const uint8_t junk[] = {0x30, 0x03, 0x31, 0x01, 0x00};
    d = dt_nssname_display(dt_slice_make(junk, sizeof(junk)));
    CHECK(d == NULL, "display of an undecodable name: NULL");
}

int main(void)
{
    test_printing();
    test_names();
    return unit_done();
}
