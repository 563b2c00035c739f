/* Unit tests: der.c (TLV walking, certificate fields, names, times,
 * INTEGER helpers) on hand-made DER and the fixture PKI. */
#include "cert.h"
#include "der.h"
#include "file.h"
#include "unit.h"

static struct dt_cert *load(const char *name)
{
    struct dt_certlist l = {0};
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    char path[256];
    snprintf(path, sizeof(path), "testdata/pki/%s", name);
    if (dt_cert_load_file(path, &l, &d, NULL) != DT_OK || l.n != 1) {
        printf("# cannot load %s: %s\n", path, u.text);
        exit(2);
    }
    struct dt_cert *c = l.v[0];
    free(l.v);
    return c;
}

static void test_tlv(void)
{
    static const uint8_t short_int[] = {0x02, 0x01, 0x05};
    static const uint8_t long_len[] = {0x04, 0x81, 0x02, 0xaa, 0xbb};
    static const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
    static const uint8_t truncated[] = {0x30, 0x05, 0x02, 0x01};
    static const uint8_t high_tag[] = {0x9f, 0x81, 0x01, 0x01, 0x00};
    struct dt_tlv t;
    struct dt_slice s = dt_slice_make(short_int, sizeof(short_int));
    CHECK(dt_der_read(&s, &t) == NULL && t.tag == 0x02 && t.val.n == 1 && t.val.p[0] == 5 &&
              s.n == 0,
          "short-form INTEGER is read and consumed");
    s = dt_slice_make(long_len, sizeof(long_len));
    CHECK(dt_der_read(&s, &t) == NULL && t.val.n == 2 && t.all.n == 5,
          "long-form length 0x81 is read");
    s = dt_slice_make(indefinite, sizeof(indefinite));
    CHECK(dt_der_read(&s, &t) != NULL, "BER indefinite length is refused");
    s = dt_slice_make(truncated, sizeof(truncated));
    CHECK(dt_der_read(&s, &t) != NULL, "a length past the end is refused");
    s = dt_slice_make(high_tag, sizeof(high_tag));
    CHECK(dt_der_read(&s, &t) == NULL && t.val.n == 1, "high-tag-number form is skipped right");
    CHECK(dt_der_read_one(dt_slice_make(short_int, 2), 0x02, &t) != NULL,
          "read_one refuses a truncated value");
    CHECK(dt_der_read_one(dt_slice_make(long_len, 5), 0x02, &t) != NULL,
          "read_one refuses the wrong tag");
}

/* The fields dt_der_parse_cert reads (through dt_cert_load_file); what
 * cert.c computes from them is tested in test_cert.c. */
static void test_cert_fields(void)
{
    struct dt_cert *root = load("root-a.der");
    struct dt_cert *i1 = load("int-a1.der");
    struct dt_cert *i1x = load("int-a1-xb.der");
    struct dt_cert *leaf = load("leaf-a1.pem");
    struct dt_cert *neg = load("leaf-neg.der");
    static const uint8_t i1_serial[] = {0x00, 0x8b, 0xad, 0xf0, 0x0d, 0x12, 0x34};
    CHECK(dt_slice_eq(i1->info.serial, dt_slice_make(i1_serial, sizeof(i1_serial))),
          "int-a1 serial contents keep the 00 pad");
    CHECK(dt_slice_eq(i1->info.issuer, root->info.subject),
          "int-a1 issuer bytes equal root-a subject bytes");
    CHECK(dt_slice_eq(i1->info.subject, i1x->info.subject) &&
              dt_slice_eq(i1->info.spki, i1x->info.spki),
          "cross-certificate shares subject and key");
    CHECK(!dt_slice_eq(i1->info.issuer, i1x->info.issuer), "cross-certificate has another issuer");
    CHECK(root->info.is_ca && i1->info.is_ca && !leaf->info.is_ca, "basicConstraints cA read");
    CHECK(root->info.version == 3, "v3 certificate");
    CHECK(neg->info.serial.n == 1 && neg->info.serial.p[0] == 0xfb,
          "negative serial -5 kept as the single octet fb");
    dt_cert_free(root);
    dt_cert_free(i1);
    dt_cert_free(i1x);
    dt_cert_free(leaf);
    dt_cert_free(neg);
}

static void test_cert_mutations(void)
{
    struct dt_cert *c = load("leaf-a1.der");
    struct dt_certinfo ci;
    uint8_t *copy = malloc(c->der_len + 1);
    memcpy(copy, c->der, c->der_len);
    CHECK(dt_der_parse_cert(dt_slice_make(copy, c->der_len), &ci) == NULL, "intact parses");
    copy[c->der_len] = 0;
    CHECK(dt_der_parse_cert(dt_slice_make(copy, c->der_len + 1), &ci) != NULL,
          "a trailing byte after the certificate is refused");
    CHECK(dt_der_parse_cert(dt_slice_make(copy, c->der_len - 1), &ci) != NULL,
          "a truncated certificate is refused");
    size_t bad = 0;
    for (size_t i = 0; i < c->der_len; i++) {
        copy[i] ^= 0xff;
        const char *why = dt_der_parse_cert(dt_slice_make(copy, c->der_len), &ci);
        copy[i] ^= 0xff;
        bad += why != NULL;
    }
    CHECK(bad > 20, "flipping header bytes is detected (%zu of %zu flips refused)", bad,
          c->der_len);
    free(copy);
    dt_cert_free(c);
}

static void test_names(void)
{
    static const uint8_t good[] = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
                                   0x55, 0x04, 0x03, 0x0c, 0x02, 'h',  'i'};
    static const uint8_t empty[] = {0x30, 0x00};
    static const uint8_t empty_rdn[] = {0x30, 0x02, 0x31, 0x00};
    static const uint8_t no_oid[] = {0x30, 0x08, 0x31, 0x06, 0x30, 0x04, 0x0c, 0x02, 'h', 'i'};
    CHECK(dt_der_check_name(dt_slice_make(good, sizeof(good))) == NULL, "CN=hi is a Name");
    CHECK(dt_der_check_name(dt_slice_make(empty, sizeof(empty))) == NULL,
          "the empty Name is a Name");
    CHECK(dt_der_check_name(dt_slice_make(empty_rdn, sizeof(empty_rdn))) != NULL,
          "an empty RDN is refused");
    CHECK(dt_der_check_name(dt_slice_make(no_oid, sizeof(no_oid))) != NULL,
          "an attribute without OID is refused");
    CHECK(dt_der_check_name(dt_slice_make(good, sizeof(good) - 1)) != NULL,
          "a truncated Name is refused");
}

static const char *time_of(const char *tlv_text, unsigned tag, int64_t *t)
{
    uint8_t buf[64];
    size_t n = strlen(tlv_text);
    buf[0] = (uint8_t)tag;
    buf[1] = (uint8_t)n;
    memcpy(buf + 2, tlv_text, n);
    return dt_der_time(dt_slice_make(buf, n + 2), t);
}

static void test_times(void)
{
    int64_t t = 0;
    CHECK(time_of("241130235959Z", 0x17, &t) == NULL && t == 1733011199, "UTCTime 241130235959Z");
    CHECK(time_of("500101000000Z", 0x17, &t) == NULL && t == -631152000, "UTCTime 50 is 1950");
    CHECK(time_of("491231235959Z", 0x17, &t) == NULL && t == 2524607999, "UTCTime 49 is 2049");
    CHECK(time_of("20500101000000Z", 0x18, &t) == NULL && t == 2524608000, "GeneralizedTime 2050");
    CHECK(time_of("2411302359Z", 0x17, &t) == NULL && t == 1733011140, "UTCTime without seconds");
    CHECK(time_of("241130235959+0100", 0x17, &t) == NULL && t == 1733011199 - 3600,
          "UTCTime with an offset");
    CHECK(time_of("241130235959", 0x17, &t) != NULL, "UTCTime without a zone is refused");
    CHECK(time_of("241131235959Z", 0x17, &t) != NULL, "November 31 is refused");
    CHECK(time_of("20240229000000.123Z", 0x18, &t) == NULL && t == 1709164800,
          "GeneralizedTime with fraction, leap day");
}

static void test_ints(void)
{
    static const uint8_t pad[] = {0x00, 0x8b};
    static const uint8_t nonmin[] = {0x00, 0x0b};
    static const uint8_t nonmin_neg[] = {0xff, 0x8b};
    static const uint8_t neg[] = {0x8b};
    CHECK(dt_der_int_is_minimal(dt_slice_make(pad, 2)) && !dt_der_int_is_negative(dt_slice_make(pad, 2)),
          "00 8b is minimal and positive");
    CHECK(!dt_der_int_is_minimal(dt_slice_make(nonmin, 2)), "00 0b is not minimal");
    CHECK(!dt_der_int_is_minimal(dt_slice_make(nonmin_neg, 2)), "ff 8b is not minimal");
    CHECK(dt_der_int_is_negative(dt_slice_make(neg, 1)), "8b is negative");
    struct dt_buf b;
    dt_buf_init(&b, 0);
    CHECK(dt_der_int_wrap(dt_slice_make(pad, 2), &b) == DT_OK && b.len == 4 && b.data[0] == 2 &&
              b.data[1] == 2 && b.data[2] == 0,
          "wrap gives 02 02 00 8b");
    uint8_t big[200] = {1};
    dt_buf_reset(&b);
    CHECK(dt_der_int_wrap(dt_slice_make(big, 200), &b) == DT_OK && b.len == 203 && b.data[1] == 0x81 &&
              b.data[2] == 200,
          "wrap of 200 octets uses the 0x81 long form");
    dt_buf_free(&b);
}

int main(void)
{
    test_tlv();
    test_cert_fields();
    test_cert_mutations();
    test_names();
    test_times();
    test_ints();
    return unit_done();
}
