/* Unit tests: name.c (RFC 5280 7.1 name comparison). The names are built
 * here with a small DER builder; every pair is also put to OpenSSL's
 * X509_NAME_cmp, the comparison its chain builder uses. */
#include "cert.h"
#include "der.h"
#include "unit.h"
#include "name.h"

#include <openssl/err.h>
#include <openssl/x509.h>

/* ---- a tiny DER Name builder ------------------------------------------------ */

static const uint8_t OID_CN[] = {0x06, 0x03, 0x55, 0x04, 0x03};
static const uint8_t OID_O[] = {0x06, 0x03, 0x55, 0x04, 0x0a};
static const uint8_t OID_OU[] = {0x06, 0x03, 0x55, 0x04, 0x0b};
static const uint8_t OID_C[] = {0x06, 0x03, 0x55, 0x04, 0x06};
static const uint8_t OID_EMAIL[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                    0xf7, 0x0d, 0x01, 0x09, 0x01};
static const uint8_t OID_DC[] = {0x06, 0x0a, 0x09, 0x92, 0x26, 0x89,
                                 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19};

#define UTF8 0x0c
#define NUMERIC 0x12
#define PRINTABLE 0x13
#define T61 0x14
#define IA5 0x16
#define VISIBLE 0x1a
#define UNIVERSAL 0x1c
#define BMP 0x1e

struct nb {
    struct dt_buf rdns; /* finished RDNs */
    struct dt_buf set;  /* attributes of the RDN being built */
    bool open;
};

static void must(enum dt_err rc)
{
    if (rc != DT_OK) {
        printf("# out of memory building a test name\n");
        exit(2);
    }
}

/* dt_name_equal as 1 or 0, and -1 when it fails (never taken for "no"). */
static int name_eq(struct dt_slice a, struct dt_slice b)
{
    bool equal;
    return dt_name_equal(a, b, &equal) != DT_OK ? -1 : equal;
}

static void put_len(struct dt_buf *b, size_t n)
{
    if (n < 0x80) {
        must(dt_buf_putc(b, (char)n));
    } else if (n < 0x100) {
        must(dt_buf_putc(b, (char)0x81));
        must(dt_buf_putc(b, (char)n));
    } else {
        must(dt_buf_putc(b, (char)0x82));
        must(dt_buf_putc(b, (char)(n >> 8)));
        must(dt_buf_putc(b, (char)n));
    }
}

static void put_tlv(struct dt_buf *b, uint8_t tag, const void *p, size_t n)
{
    must(dt_buf_putc(b, (char)tag));
    put_len(b, n);
    must(dt_buf_append(b, p, n));
}

static void nb_begin(struct nb *b)
{
    dt_buf_init(&b->rdns, 1 << 20);
    dt_buf_init(&b->set, 1 << 20);
    b->open = false;
}

static void nb_close_rdn(struct nb *b)
{
    if (b->open)
        put_tlv(&b->rdns, 0x31, b->set.data, b->set.len);
    dt_buf_reset(&b->set);
    b->open = false;
}

/* Starts a new RDN. */
static void nb_rdn(struct nb *b)
{
    nb_close_rdn(b);
    b->open = true;
}

/* Adds an attribute (oid: the OID TLV) to the current RDN. */
static void nb_ava(struct nb *b, const uint8_t *oid, size_t oid_len, uint8_t tag, const void *val,
                   size_t n)
{
    struct dt_buf a;
    dt_buf_init(&a, 1 << 20);
    must(dt_buf_append(&a, oid, oid_len));
    put_tlv(&a, tag, val, n);
    put_tlv(&b->set, 0x30, a.data, a.len);
    dt_buf_free(&a);
}

/* The finished Name (caller frees with dt_buf_free). */
static struct dt_buf nb_end(struct nb *b)
{
    nb_close_rdn(b);
    struct dt_buf out;
    dt_buf_init(&out, 1 << 20);
    put_tlv(&out, 0x30, b->rdns.data, b->rdns.len);
    dt_buf_free(&b->rdns);
    dt_buf_free(&b->set);
    return out;
}

/* ---- text encoders: UTF-8 source text to the other string types ------------ */

/* Decodes UTF-8 (the test's own literals: assumed valid). */
static size_t utf8_cps(const char *s, uint32_t *cp, size_t cap)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t n = 0;
    while (*p && n < cap) {
        uint32_t c = *p++;
        int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        if (more)
            c &= 0x3f >> more;
        while (more-- > 0)
            c = c << 6 | (*p++ & 0x3f);
        cp[n++] = c;
    }
    return n;
}

/* Encodes UTF-8 text s as the string type tag into out (BMP, UNIVERSAL, or
 * one octet per character for the 8-bit types). */
static size_t encode_as(uint8_t tag, const char *s, uint8_t *out)
{
    uint32_t cp[256];
    size_t n = utf8_cps(s, cp, 256), k = 0;
    if (tag == UTF8) {
        memcpy(out, s, strlen(s));
        return strlen(s);
    }
    for (size_t i = 0; i < n; i++) {
        if (tag == BMP) {
            out[k++] = (uint8_t)(cp[i] >> 8);
            out[k++] = (uint8_t)cp[i];
        } else if (tag == UNIVERSAL) {
            out[k++] = (uint8_t)(cp[i] >> 24);
            out[k++] = (uint8_t)(cp[i] >> 16);
            out[k++] = (uint8_t)(cp[i] >> 8);
            out[k++] = (uint8_t)cp[i];
        } else {
            out[k++] = (uint8_t)cp[i]; /* Latin-1 */
        }
    }
    return k;
}

/* ---- the names under test -------------------------------------------------- */

#define MAX_NAMES 128
static struct dt_buf names[MAX_NAMES];
static const char *labels[MAX_NAMES];
static size_t n_names;

static struct dt_slice S(size_t i) {
    return dt_slice_make(names[i].data, names[i].len);
}

static size_t
keep(struct dt_buf b, const char *label)
{
    if (n_names == MAX_NAMES) {
        printf("# too many test names\n");
        exit(2);
    }
    names[n_names] = b;
    labels[n_names] = label;
    return n_names++;
}

/* C=US, O=Example Org, CN=<cn as tag> */
static size_t std_name(uint8_t cn_tag, const char *cn, const char *label)
{
    struct nb b;
    uint8_t v[1024];
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, OID_C, sizeof(OID_C), PRINTABLE, "US", 2);
    nb_rdn(&b);
    nb_ava(&b, OID_O, sizeof(OID_O), PRINTABLE, "Example Org", 11);
    nb_rdn(&b);
    nb_ava(&b, OID_CN, sizeof(OID_CN), cn_tag, v, encode_as(cn_tag, cn, v));
    return keep(nb_end(&b), label);
}

/* One RDN, one attribute, given raw value bytes. */
static size_t one_ava(const uint8_t *oid, size_t oid_len, uint8_t tag, const void *val, size_t n,
                      const char *label)
{
    struct nb b;
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, oid, oid_len, tag, val, n);
    return keep(nb_end(&b), label);
}

/* OpenSSL's verdict: 1 equal, 0 different, -1 OpenSSL cannot parse one. */
static int openssl_equal(struct dt_slice a, struct dt_slice b)
{
    const unsigned char *pa = a.p, *pb = b.p;
    X509_NAME *xa = d2i_X509_NAME(NULL, &pa, (long)a.n);
    X509_NAME *xb = d2i_X509_NAME(NULL, &pb, (long)b.n);
    int r = -1;
    if (xa && xb && pa == a.p + a.n && pb == b.p + b.n)
        r = X509_NAME_cmp(xa, xb) == 0;
    X509_NAME_free(xa);
    X509_NAME_free(xb);
    ERR_clear_error();
    return r;
}

/* How a pair is expected to compare under OpenSSL: the same verdict as
 * ours, different where our comparison goes beyond OpenSSL's canonical form
 * (non-ASCII case, Unicode spaces, characters mapped to nothing), or not at
 * all where OpenSSL refuses to parse a name. */
enum ossl { OSSL_SAME, OSSL_DIFFERENT, OSSL_BEYOND, OSSL_UNPARSABLE };

static void expect_pair(size_t a, size_t b, bool equal, enum ossl o)
{
    int got = name_eq(S(a), S(b));
    CHECK(got == (int)equal, "%s %s %s", labels[a], equal ? "==" : "!=", labels[b]);
    CHECK(name_eq(S(b), S(a)) == got, "%s vs %s: symmetric", labels[b], labels[a]);
    uint8_t ia[32], ib[32];
    must(dt_name_id(S(a), ia));
    must(dt_name_id(S(b), ib));
    CHECK((memcmp(ia, ib, 32) == 0) == equal, "%s vs %s: dt_name_id agrees", labels[a], labels[b]);
    int os = openssl_equal(S(a), S(b));
    switch (o) {
    case OSSL_SAME:
        CHECK(os == (equal ? 1 : 0), "%s vs %s: OpenSSL's X509_NAME_cmp agrees (got %d)", labels[a],
              labels[b], os);
        break;
    case OSSL_DIFFERENT:
        CHECK(os == 0, "%s vs %s: OpenSSL's X509_NAME_cmp says different (got %d)", labels[a],
              labels[b], os);
        break;
    case OSSL_BEYOND:
        CHECK(equal && os == 0, "%s vs %s: equal beyond OpenSSL's canonical form (it says %d)",
              labels[a], labels[b], os);
        break;
    case OSSL_UNPARSABLE:
        CHECK(os == -1, "%s vs %s: OpenSSL refuses one of them (got %d)", labels[a], labels[b], os);
        break;
    }
}

static void test_string_types_case_space(void)
{
    size_t base = std_name(UTF8, "Example CA", "CN=UTF8 'Example CA'");
    size_t pr = std_name(PRINTABLE, "Example CA", "CN=Printable 'Example CA'");
    size_t upper = std_name(UTF8, "EXAMPLE ca", "CN=UTF8 'EXAMPLE ca'");
    size_t spaces = std_name(PRINTABLE, "  Example   CA  ", "CN=Printable '  Example   CA  '");
    size_t tab = std_name(UTF8, "Example\tCA", "CN=UTF8 'Example<TAB>CA'");
    size_t bmp = std_name(BMP, "Example CA", "CN=BMP 'Example CA'");
    size_t uni = std_name(UNIVERSAL, "exAMPLE Ca", "CN=Universal 'exAMPLE Ca'");
    size_t t61 = std_name(T61, "Example CA", "CN=T61 'Example CA'");
    size_t vis = std_name(VISIBLE, "Example CA", "CN=Visible 'Example CA'");
    size_t other = std_name(UTF8, "Example CB", "CN=UTF8 'Example CB'");
    size_t joined = std_name(UTF8, "ExampleCA", "CN=UTF8 'ExampleCA'");
    expect_pair(base, pr, true, OSSL_SAME);
    expect_pair(base, upper, true, OSSL_SAME);
    expect_pair(pr, spaces, true, OSSL_SAME);
    expect_pair(base, tab, true, OSSL_SAME);
    expect_pair(base, bmp, true, OSSL_SAME);
    expect_pair(upper, uni, true, OSSL_SAME);
    expect_pair(base, t61, true, OSSL_SAME);
    /* VisibleString is no DirectoryString: exact bytes (OpenSSL refuses it). */
    expect_pair(base, vis, false, OSSL_UNPARSABLE);
    size_t vis2 = std_name(VISIBLE, "Example CA", "CN=Visible 'Example CA' (copy)");
    expect_pair(vis, vis2, true, OSSL_UNPARSABLE);
    expect_pair(base, other, false, OSSL_DIFFERENT);
    expect_pair(base, joined, false, OSSL_DIFFERENT);
    expect_pair(bmp, other, false, OSSL_DIFFERENT);
}

static void test_non_ascii(void)
{
    /* T61String read as ISO-8859-1: octet E9 is e-acute. */
    size_t utf8 = std_name(UTF8, "Café Ünïon", "CN=UTF8 'Café Ünïon'");
    size_t t61 = std_name(T61, "Café Ünïon", "CN=T61 (Latin-1 E9) 'Café Ünïon'");
    size_t bmp = std_name(BMP, "Café Ünïon", "CN=BMP 'Café Ünïon'");
    size_t uni = std_name(UNIVERSAL, "Café Ünïon", "CN=Universal 'Café Ünïon'");
    size_t upper = std_name(UTF8, "CAFÉ ÜNÏON", "CN=UTF8 'CAFÉ ÜNÏON'");
    size_t nbsp = std_name(UTF8, "Café\xc2\xa0Ünïon", "CN=UTF8 'Café<NBSP>Ünïon'");
    size_t ideo =
        std_name(BMP, "Café\xe3\x80\x80\xe2\x80\x83Ünïon", "CN=BMP 'Café<U+3000><U+2003>Ünïon'");
    size_t shy = std_name(UTF8,
                          "Ca\xc2\xad"
                          "f\xe2\x80\x8b\xc3\xa9\xef\xbb\xbf Ün\xcd\x8fïon",
                          "CN=UTF8 'Ca<SHY>f<ZWSP>é<BOM> Ün<CGJ>ïon'");
    size_t vs = std_name(UTF8, "Caf\xef\xb8\x8f\xc3\xa9 \xe1\xa0\x8bÜnïon",
                         "CN=UTF8 'Caf<VS16>é <MVS1>Ünïon'");
    size_t other = std_name(UTF8, "Cafe Ünïon", "CN=UTF8 'Cafe Ünïon'");
    size_t decomposed = std_name(UTF8, "Cafe\xcc\x81 Ünïon", "CN=UTF8 'Cafe<U+0301> Ünïon'");
    expect_pair(utf8, t61, true, OSSL_SAME);
    expect_pair(utf8, bmp, true, OSSL_SAME);
    expect_pair(utf8, uni, true, OSSL_SAME);
    expect_pair(utf8, upper, true, OSSL_BEYOND);
    expect_pair(t61, upper, true, OSSL_BEYOND);
    expect_pair(utf8, nbsp, true, OSSL_BEYOND);
    expect_pair(utf8, ideo, true, OSSL_BEYOND);
    expect_pair(utf8, shy, true, OSSL_BEYOND);
    expect_pair(utf8, vs, true, OSSL_BEYOND);
    expect_pair(utf8, other, false, OSSL_DIFFERENT);
    /* No Unicode normalisation: the decomposed form is another string. */
    expect_pair(utf8, decomposed, false, OSSL_DIFFERENT);

    size_t greek = std_name(UTF8, "ΆΘΗΝΑ ΟΔΟΣ", "CN=UTF8 'ΆΘΗΝΑ ΟΔΟΣ'");
    size_t greek_l = std_name(BMP, "άθηνα οδος", "CN=BMP 'άθηνα οδος'");
    size_t greek_f = std_name(UTF8, "άθηνα οδοσ", "CN=UTF8 'άθηνα οδοσ' (medial sigma)");
    size_t cyr = std_name(UTF8, "ЁЛКА МОСКВА Ѣ", "CN=UTF8 'ЁЛКА МОСКВА Ѣ'");
    size_t cyr_l = std_name(UTF8, "ёлка москва ѣ", "CN=UTF8 'ёлка москва ѣ'");
    size_t latA = std_name(UTF8, "ŁÓDŹ ŒUVRE ŸĲ", "CN=UTF8 'ŁÓDŹ ŒUVRE ŸĲ'");
    size_t latA_l = std_name(UNIVERSAL, "łódź œuvre ÿĳ", "CN=Universal 'łódź œuvre ÿĳ'");
    size_t long_s = std_name(UTF8,
                             "Stra\xc5\xbf"
                             "se",
                             "CN=UTF8 'Straſse' (long s)");
    size_t sse = std_name(PRINTABLE, "STRASSE", "CN=Printable 'STRASSE'");
    size_t eszett = std_name(UTF8, "STRAßE", "CN=UTF8 'STRAßE'");
    size_t dotted = std_name(UTF8, "İSTANBUL", "CN=UTF8 'İSTANBUL' (dotted capital I)");
    size_t plain_i = std_name(UTF8, "istanbul", "CN=UTF8 'istanbul'");
    expect_pair(greek, greek_l, true, OSSL_BEYOND);
    expect_pair(greek, greek_f, true, OSSL_BEYOND);
    expect_pair(cyr, cyr_l, true, OSSL_BEYOND);
    expect_pair(latA, latA_l, true, OSSL_BEYOND);
    expect_pair(long_s, sse, true, OSSL_BEYOND);
    /* Full case folding is out of scope: ß is not "ss"; İ has no simple folding. */
    expect_pair(eszett, sse, false, OSSL_DIFFERENT);
    expect_pair(dotted, plain_i, false, OSSL_DIFFERENT);
}

static void test_structure(void)
{
    struct nb b;
    /* CN=a + O=b as one multi-valued RDN, in both orders. */
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, OID_C, sizeof(OID_C), PRINTABLE, "US", 2);
    nb_rdn(&b);
    nb_ava(&b, OID_CN, sizeof(OID_CN), UTF8, "Alpha", 5);
    nb_ava(&b, OID_O, sizeof(OID_O), PRINTABLE, "Beta", 4);
    size_t mv1 = keep(nb_end(&b), "C=US, CN=Alpha + O=Beta");
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, OID_C, sizeof(OID_C), UTF8, "us", 2);
    nb_rdn(&b);
    nb_ava(&b, OID_O, sizeof(OID_O), UTF8, "BETA", 4);
    nb_ava(&b, OID_CN, sizeof(OID_CN), PRINTABLE, "alpha", 5);
    size_t mv2 = keep(nb_end(&b), "C=us, O=BETA + CN=alpha");
    /* The same attributes as two RDNs: another name. */
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, OID_C, sizeof(OID_C), PRINTABLE, "US", 2);
    nb_rdn(&b);
    nb_ava(&b, OID_CN, sizeof(OID_CN), UTF8, "Alpha", 5);
    nb_rdn(&b);
    nb_ava(&b, OID_O, sizeof(OID_O), PRINTABLE, "Beta", 4);
    size_t split = keep(nb_end(&b), "C=US, CN=Alpha, O=Beta");
    /* A repeated value in one RDN is counted. */
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, OID_C, sizeof(OID_C), PRINTABLE, "US", 2);
    nb_rdn(&b);
    nb_ava(&b, OID_CN, sizeof(OID_CN), UTF8, "Alpha", 5);
    nb_ava(&b, OID_O, sizeof(OID_O), PRINTABLE, "Beta", 4);
    nb_ava(&b, OID_O, sizeof(OID_O), PRINTABLE, "Beta", 4);
    size_t twice = keep(nb_end(&b), "C=US, CN=Alpha + O=Beta + O=Beta");
    expect_pair(mv1, mv2, true, OSSL_SAME);
    expect_pair(mv1, split, false, OSSL_DIFFERENT);
    expect_pair(mv1, twice, false, OSSL_DIFFERENT);

    /* RDN order matters. */
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, OID_C, sizeof(OID_C), PRINTABLE, "US", 2);
    nb_rdn(&b);
    nb_ava(&b, OID_O, sizeof(OID_O), PRINTABLE, "Example Org", 11);
    size_t co = keep(nb_end(&b), "C=US, O=Example Org");
    nb_begin(&b);
    nb_rdn(&b);
    nb_ava(&b, OID_O, sizeof(OID_O), PRINTABLE, "Example Org", 11);
    nb_rdn(&b);
    nb_ava(&b, OID_C, sizeof(OID_C), PRINTABLE, "US", 2);
    size_t oc = keep(nb_end(&b), "O=Example Org, C=US");
    expect_pair(co, oc, false, OSSL_DIFFERENT);

    /* An extra RDN. */
    size_t full = std_name(PRINTABLE, "Example CA", "C=US, O=Example Org, CN=Example CA");
    expect_pair(co, full, false, OSSL_DIFFERENT);

    /* Attribute types by OID. */
    size_t cn = one_ava(OID_CN, sizeof(OID_CN), UTF8, "Example", 7, "CN=Example");
    size_t o = one_ava(OID_O, sizeof(OID_O), UTF8, "Example", 7, "O=Example");
    size_t ou = one_ava(OID_OU, sizeof(OID_OU), PRINTABLE, "EXAMPLE", 7, "OU=EXAMPLE");
    expect_pair(cn, o, false, OSSL_DIFFERENT);
    expect_pair(o, ou, false, OSSL_DIFFERENT);

    /* IA5String (emailAddress, domainComponent) as text. */
    size_t e1 = one_ava(OID_EMAIL, sizeof(OID_EMAIL), IA5, "Admin@Example.COM", 17,
                        "emailAddress=IA5 'Admin@Example.COM'");
    size_t e2 = one_ava(OID_EMAIL, sizeof(OID_EMAIL), UTF8, "admin@example.com", 17,
                        "emailAddress=UTF8 'admin@example.com'");
    size_t dc1 = one_ava(OID_DC, sizeof(OID_DC), IA5, "Example", 7, "DC=IA5 'Example'");
    size_t dc2 = one_ava(OID_DC, sizeof(OID_DC), IA5, "example", 7, "DC=IA5 'example'");
    expect_pair(e1, e2, true, OSSL_SAME);
    expect_pair(dc1, dc2, true, OSSL_SAME);

    /* NumericString is not compared as text: it equals only itself. */
    size_t num = one_ava(OID_CN, sizeof(OID_CN), NUMERIC, "123", 3, "CN=Numeric '123'");
    size_t num2 = one_ava(OID_CN, sizeof(OID_CN), NUMERIC, "123", 3, "CN=Numeric '123' (copy)");
    size_t pr123 = one_ava(OID_CN, sizeof(OID_CN), PRINTABLE, "123", 3, "CN=Printable '123'");
    expect_pair(num, num2, true, OSSL_SAME);
    expect_pair(num, pr123, false, OSSL_DIFFERENT);
    /* An OCTET STRING value: exact bytes. */
    size_t oct = one_ava(OID_CN, sizeof(OID_CN), 0x04, "abc", 3, "CN=OCTET STRING 'abc'");
    size_t ocu = one_ava(OID_CN, sizeof(OID_CN), 0x04, "ABC", 3, "CN=OCTET STRING 'ABC'");
    size_t u8abc = one_ava(OID_CN, sizeof(OID_CN), UTF8, "abc", 3, "CN=UTF8 'abc'");
    expect_pair(oct, ocu, false, OSSL_UNPARSABLE);
    expect_pair(oct, u8abc, false, OSSL_UNPARSABLE);

    /* Empty names, and a value of spaces only. */
    nb_begin(&b);
    size_t empty = keep(nb_end(&b), "the empty name");
    nb_begin(&b);
    size_t empty2 = keep(nb_end(&b), "the empty name (copy)");
    expect_pair(empty, empty2, true, OSSL_SAME);
    expect_pair(empty, cn, false, OSSL_DIFFERENT);
    size_t blank = one_ava(OID_CN, sizeof(OID_CN), PRINTABLE, "   ", 3, "CN=Printable '   '");
    size_t none = one_ava(OID_CN, sizeof(OID_CN), UTF8, "", 0, "CN=UTF8 ''");
    expect_pair(blank, none, true, OSSL_SAME);
}

static void test_undecodable(void)
{
    /* Invalid UTF-8 keeps its exact TLV: equal to the same bytes only. */
    size_t bad = one_ava(OID_CN, sizeof(OID_CN), UTF8, "Caf\xff", 4, "CN=UTF8 (invalid) 'Caf<FF>'");
    size_t bad2 =
        one_ava(OID_CN, sizeof(OID_CN), UTF8, "Caf\xff", 4, "CN=UTF8 (invalid) 'Caf<FF>' (copy)");
    size_t badu =
        one_ava(OID_CN, sizeof(OID_CN), UTF8, "CAF\xff", 4, "CN=UTF8 (invalid) 'CAF<FF>'");
    size_t lat = one_ava(OID_CN, sizeof(OID_CN), T61, "Caf\xff", 4, "CN=T61 'Caf<FF>' (ÿ)");
    size_t over =
        one_ava(OID_CN, sizeof(OID_CN), UTF8, "\xc0\xa0", 2, "CN=UTF8 (overlong space) C0 A0");
    size_t surr = one_ava(OID_CN, sizeof(OID_CN), UTF8, "\xed\xa0\x80", 3,
                          "CN=UTF8 (encoded surrogate) ED A0 80");
    size_t odd = one_ava(OID_CN, sizeof(OID_CN), BMP, "\x00\x41\x00", 3, "CN=BMP (odd length)");
    size_t odd2 =
        one_ava(OID_CN, sizeof(OID_CN), BMP, "\x00\x41\x00", 3, "CN=BMP (odd length) (copy)");
    size_t a = one_ava(OID_CN, sizeof(OID_CN), UTF8, "A", 1, "CN=UTF8 'A'");
    size_t sp = one_ava(OID_CN, sizeof(OID_CN), UTF8, " ", 1, "CN=UTF8 ' '");
    size_t bsur =
        one_ava(OID_CN, sizeof(OID_CN), BMP, "\xd8\x00\xdc\x00", 4, "CN=BMP (surrogate pair)");
    size_t ubig = one_ava(OID_CN, sizeof(OID_CN), UNIVERSAL, "\x00\x11\x00\x00", 4,
                          "CN=Universal (above U+10FFFF)");
    size_t ubig2 = one_ava(OID_CN, sizeof(OID_CN), UNIVERSAL, "\x00\x11\x00\x00", 4,
                           "CN=Universal (above U+10FFFF) (copy)");
    expect_pair(bad, bad2, true, OSSL_UNPARSABLE);
    expect_pair(bad, badu, false, OSSL_UNPARSABLE);
    expect_pair(bad, lat, false, OSSL_UNPARSABLE);
    expect_pair(odd, odd2, true, OSSL_UNPARSABLE);
    expect_pair(odd, a, false, OSSL_UNPARSABLE);
    expect_pair(over, sp, false, OSSL_UNPARSABLE);
    expect_pair(surr, bsur, false, OSSL_UNPARSABLE);
    expect_pair(ubig, ubig2, true, OSSL_UNPARSABLE);

    /* The name still canonicalises; the value stands as it was. */
    struct dt_buf c;
    dt_buf_init(&c, 1 << 20);
    CHECK(dt_name_canon(S(bad), &c) == DT_OK && memmem(c.data, c.len,
                                                       "\x0c\x04"
                                                       "Caf\xff",
                                                       6) != NULL,
          "invalid UTF-8: the name canonicalises with the value's exact TLV inside");
    dt_buf_free(&c);
}

static void test_malformed(void)
{
    size_t good = std_name(PRINTABLE, "Example CA", "C=US, O=Example Org, CN=Example CA (again)");
    struct dt_slice g = S(good);
    struct dt_buf c;
    dt_buf_init(&c, 1 << 20);

    /* Truncated: the last octet missing. */
    struct dt_buf t;
    dt_buf_init(&t, 1 << 20);
    must(dt_buf_append(&t, g.p, g.n - 1));
    size_t trunc = keep(t, "truncated name");
    /* Wrong outer tag: a SET where the SEQUENCE belongs. */
    dt_buf_init(&t, 1 << 20);
    must(dt_buf_append(&t, g.p, g.n));
    t.data[0] = 0x31;
    size_t outer = keep(t, "name with a SET for its outer SEQUENCE");
    /* Wrong inner tag: the first RDN a SEQUENCE instead of a SET. */
    dt_buf_init(&t, 1 << 20);
    must(dt_buf_append(&t, g.p, g.n));
    t.data[2] = 0x30;
    size_t inner = keep(t, "name with a SEQUENCE for an RDN");
    /* Trailing garbage after the Name. */
    dt_buf_init(&t, 1 << 20);
    must(dt_buf_append(&t, g.p, g.n));
    must(dt_buf_putc(&t, 0));
    size_t trail = keep(t, "name with a trailing octet");
    /* An attribute with no value. */
    static const uint8_t novalue[] = {0x30, 0x09, 0x31, 0x07, 0x30, 0x05,
                                      0x06, 0x03, 0x55, 0x04, 0x03};
    dt_buf_init(&t, 1 << 20);
    must(dt_buf_append(&t, novalue, sizeof(novalue)));
    size_t noval = keep(t, "attribute without a value");
    /* The upper-case twin of the truncated name, also truncated. */
    size_t up = std_name(PRINTABLE, "EXAMPLE CA", "C=US, O=Example Org, CN=EXAMPLE CA");
    dt_buf_init(&t, 1 << 20);
    must(dt_buf_append(&t, names[up].data, names[up].len - 1));
    size_t trunc_up = keep(t, "truncated upper-case name");

    size_t bad[] = {trunc, outer, inner, trail, noval, trunc_up};
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++) {
        dt_buf_reset(&c);
        must(dt_buf_putc(&c, 'x'));
        CHECK(dt_name_canon(S(bad[i]), &c) == DT_ERR_INPUT && c.len == 1,
              "%s: DT_ERR_INPUT, output left as it was", labels[bad[i]]);
        CHECK(1 == name_eq(S(bad[i]), S(bad[i])), "%s equals itself", labels[bad[i]]);
        struct dt_buf copy;
        dt_buf_init(&copy, 1 << 20);
        must(dt_buf_append(&copy, names[bad[i]].data, names[bad[i]].len));
        CHECK(1 == name_eq(S(bad[i]), dt_slice_make(copy.data, copy.len)),
              "%s equals a copy of its bytes", labels[bad[i]]);
        dt_buf_free(&copy);
        CHECK(0 == name_eq(S(bad[i]), g), "%s is not the well-formed name", labels[bad[i]]);
    }
    CHECK(0 == name_eq(S(trunc), S(trunc_up)),
          "two malformed names that differ in case only are compared as bytes: different");
    CHECK(dt_name_canon(dt_slice_make(NULL, 0), &c) == DT_ERR_INPUT, "no bytes: DT_ERR_INPUT");
    CHECK(1 == name_eq(dt_slice_make(NULL, 0), dt_slice_make("", 0)), "no bytes equals no bytes");
    dt_buf_free(&c);
}

/* The canonical form of a fixture name: what is promised of its shape. */
static void test_canonical_form(void)
{
    size_t a = std_name(BMP, "  My   CA ", "C=US, O=Example Org, CN=BMP '  My   CA '");
    struct dt_buf c;
    dt_buf_init(&c, 1 << 20);
    CHECK(dt_name_canon(S(a), &c) == DT_OK, "canonicalises");

    static const uint8_t want[] = {0x30, 0x33, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06,
                                   0x0c, 0x02, 'u',  's',  0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55,
                                   0x04, 0x0a, 0x0c, 0x0b, 'e',  'x',  'a',  'm',  'p',  'l',  'e',
                                   ' ',  'o',  'r',  'g',  0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x55,
                                   0x04, 0x03, 0x0c, 0x05, 'm',  'y',  ' ',  'c',  'a'};
    CHECK(c.len == sizeof(want) && memcmp(c.data, want, sizeof(want)) == 0,
          "the canonical form is the DER of the prepared UTF8String values");
    /* Appends: what was in out before stays. */
    size_t len1 = c.len;
    CHECK(dt_name_canon(S(a), &c) == DT_OK && c.len == 2 * len1 &&
              memcmp(c.data, c.data + len1, len1) == 0,
          "a second call appends the same bytes");
    /* A cap too small: DT_ERR_LIMIT, out unchanged. */
    struct dt_buf small;
    dt_buf_init(&small, 10);
    CHECK(dt_name_canon(S(a), &small) == DT_ERR_LIMIT && small.len == 0,
          "out's cap hit: DT_ERR_LIMIT, nothing appended");
    dt_buf_free(&small);
    dt_buf_free(&c);
}

/* Names of the fixture certificates: every issuer equals its issuer's
 * subject, by bytes and as names; different CAs differ. */
static void test_fixtures(void)
{
    static const char *const files[] = {"root-a",    "root-b", "root-utf8", "root-c", "int-a1",
                                        "int-a1-xb", "int-a2", "int-utf8",  "int-c",  "leaf-a1"};
    struct dt_certlist l[DT_ARRAY_LEN(files)];
    memset(l, 0, sizeof(l));
    for (size_t i = 0; i < DT_ARRAY_LEN(files); i++) {
        struct dt_diags d;
        struct unit_diags u;
        unit_diags_setup(&u, &d);
        char path[256];
        snprintf(path, sizeof(path), "testdata/pki/%s.der", files[i]);
        if (dt_cert_load_file(path, &l[i], &d, NULL) != DT_OK || l[i].n != 1) {
            printf("# cannot load %s: %s\n", path, u.text);
            exit(2);
        }
    }
    struct dt_slice sub[DT_ARRAY_LEN(files)], iss[DT_ARRAY_LEN(files)];
    for (size_t i = 0; i < DT_ARRAY_LEN(files); i++) {
        sub[i] = l[i].v[0]->info.subject;
        iss[i] = l[i].v[0]->info.issuer;
    }
    CHECK(1 == name_eq(iss[4], sub[0]), "int-a1's issuer is root-a's subject");
    CHECK(1 == name_eq(sub[4], sub[5]), "int-a1 and its cross-certificate share a subject");
    CHECK(1 == name_eq(iss[7], sub[2]), "int-utf8's issuer is root-utf8's subject (UTF-8)");
    size_t pairs = 0, agree = 0;
    for (size_t i = 0; i < DT_ARRAY_LEN(files); i++)
        for (size_t j = 0; j < DT_ARRAY_LEN(files); j++) {
            int eq_rc = name_eq(sub[i], sub[j]);
            must(eq_rc < 0 ? DT_ERR_NOMEM : DT_OK);
            bool eq = eq_rc == 1;
            bool bytes = dt_slice_eq(sub[i], sub[j]);
            pairs++;
            agree += eq == bytes && (openssl_equal(sub[i], sub[j]) == 1) == eq;
        }
    CHECK(agree == pairs,
          "fixture subjects: equal as names iff equal as bytes iff OpenSSL says "
          "so (%zu of %zu pairs)",
          agree, pairs);
    for (size_t i = 0; i < DT_ARRAY_LEN(files); i++)
        dt_cert_list_free(&l[i]);
}

/* dt_name_id and dt_name_canon agree with dt_name_equal on every pair of
 * every name built above, and OpenSSL-equal implies equal. */
static void test_all_pairs(void)
{
    uint8_t id[MAX_NAMES][32];
    struct dt_buf canon[MAX_NAMES];
    bool ok_canon[MAX_NAMES];
    for (size_t i = 0; i < n_names; i++) {
        must(dt_name_id(S(i), id[i]));
        dt_buf_init(&canon[i], 1 << 20);
        ok_canon[i] = dt_name_canon(S(i), &canon[i]) == DT_OK;
    }
    size_t pairs = 0, id_agree = 0, canon_agree = 0, ossl_implies = 0, equal_pairs = 0;
    for (size_t i = 0; i < n_names; i++)
        for (size_t j = 0; j < n_names; j++) {
            int eq_rc = name_eq(S(i), S(j));
            must(eq_rc < 0 ? DT_ERR_NOMEM : DT_OK);
            bool eq = eq_rc == 1;
            bool by_canon = dt_slice_eq(S(i), S(j)) ||
                            (ok_canon[i] && ok_canon[j] &&
                             dt_slice_eq(dt_slice_make(canon[i].data, canon[i].len),
                                         dt_slice_make(canon[j].data, canon[j].len)));
            pairs++;
            equal_pairs += eq && i != j;
            id_agree += (memcmp(id[i], id[j], 32) == 0) == eq;
            canon_agree += by_canon == eq;
            ossl_implies += openssl_equal(S(i), S(j)) != 1 || eq;
            if ((memcmp(id[i], id[j], 32) == 0) != eq)
                printf("#   id disagrees: %s / %s\n", labels[i], labels[j]);
        }
    CHECK(pairs > 1000 && equal_pairs > 50, "%zu pairs of %zu names, %zu of them equal", pairs,
          n_names, equal_pairs);
    CHECK(id_agree == pairs, "dt_name_id equal iff dt_name_equal on all %zu pairs", pairs);
    CHECK(canon_agree == pairs, "dt_name_canon forms equal iff dt_name_equal on all %zu pairs",
          pairs);
    CHECK(ossl_implies == pairs, "OpenSSL's X509_NAME_cmp equal implies equal on all %zu pairs",
          pairs);
    for (size_t i = 0; i < n_names; i++)
        dt_buf_free(&canon[i]);
}

int main(void)
{
    test_string_types_case_space();
    test_non_ascii();
    test_structure();
    test_undecodable();
    test_malformed();
    test_canonical_form();
    test_fixtures();
    test_all_pairs();
    for (size_t i = 0; i < n_names; i++)
        dt_buf_free(&names[i]);
    return unit_done();
}
