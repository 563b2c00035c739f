/* Unit tests: the revocation blob. Round trips (small and Elias-Fano
 * groups, every entry found, non-members not), the real OneCRL dump, and
 * fail-closed reading: every truncation, every bit flip, bombs, versions,
 * signatures. */
#include "blob_write.h"
#include "der.h"
#include "file.h"
#include "unit.h"
#include "b64.h"

#include <distrust/blob.h>
#include <jansson.h>
#include <pthread.h>

static struct unit_diags U;

/* A deterministic generator (xorshift64*). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

/* A DER Name with one CN (printable). */
static size_t make_name(uint8_t *out, const char *cn)
{
    size_t n = strlen(cn);
    uint8_t *p = out;
    *p++ = 0x30;
    *p++ = (uint8_t)(n + 11);
    *p++ = 0x31;
    *p++ = (uint8_t)(n + 9);
    *p++ = 0x30;
    *p++ = (uint8_t)(n + 7);
    *p++ = 0x06;
    *p++ = 0x03;
    *p++ = 0x55;
    *p++ = 0x04;
    *p++ = 0x03;
    *p++ = 0x13;
    *p++ = (uint8_t)n;
    memcpy(p, cn, n);
    return (size_t)(p - out) + n;
}

static bool write_blob(const struct dt_blob_entry *s, size_t ns, const struct dt_blob_entry *k,
                       size_t nk, const char *key, struct dt_buf *out)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_blob_write_opts o = {42, 1790000000, key, NULL, NULL};
    dt_buf_init(out, 0);
    return dt_blob_write(s, ns, k, nk, &o, out, NULL, &d) == DT_OK;
}

static struct dt_blob *open_blob(const struct dt_buf *b, const char *key_pem, char *err, size_t cap)
{
    struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
    o.verify_key_pem = key_pem;
    struct dt_blob *bl = NULL;
    if (dt_blob_open(b->data, b->len, &o, &bl, err, cap) != DT_BLOB_OK)
        return NULL;
    return bl;
}

/* The blob's info (zeros when it cannot be read). */
static struct dt_blob_info info_of(const struct dt_blob *b)
{
    struct dt_blob_info in = DT_BLOB_INFO_INIT;
    if (dt_blob_get_info(b, &in) != DT_BLOB_OK)
        memset(&in, 0, sizeof(in));
    return in;
}

struct count {
    size_t serials, spki;
};

static int on_serial(const uint8_t *i, size_t in, const uint8_t *s, size_t sn, void *ctx)
{
    (void)i, (void)in, (void)s, (void)sn;
    ((struct count *)ctx)->serials++;
    return 0;
}

static int on_spki(const uint8_t *s, size_t n, const uint8_t *h, void *ctx)
{
    (void)s, (void)n, (void)h;
    ((struct count *)ctx)->spki++;
    return 0;
}

struct thr_arg {
    struct dt_blob *b;
    const struct dt_blob_entry *e;
    size_t n, found;
};

static void *thread_main(void *arg)
{
    struct thr_arg *a = arg;
    for (size_t r = 0; r < 1; r++)
        for (size_t i = 0; i < a->n; i++)
            a->found +=
                dt_blob_has_serial(a->b, a->e[i].a.p, a->e[i].a.n, a->e[i].b.p, a->e[i].b.n) == 1;
    return NULL;
}

static void test_round_trip(void)
{
    /* Three issuers: one with 5,000 random 16-octet serials (Elias-Fano),
     * one with 17 of mixed lengths (raw), one with the extremes. */
    enum { BIG = 5000, SMALL = 17 };
    static uint8_t names[3][64], ser[BIG + SMALL + 4][255];
    size_t nl[3];
    nl[0] = make_name(names[0], "Big Issuer");
    nl[1] = make_name(names[1], "Small Issuer");
    nl[2] = make_name(names[2], "Odd Issuer");
    struct dt_blob_entry e[BIG + SMALL + 6];
    size_t n = 0;
    for (int i = 0; i < BIG; i++, n++) {
        fill(ser[n], 16);
        e[n].a = dt_slice_make(names[0], nl[0]);
        e[n].b = dt_slice_make(ser[n], 16);
    }
    for (int i = 0; i < SMALL; i++, n++) {
        size_t len = 1 + (size_t)i % 20;
        fill(ser[n], len);
        e[n].a = dt_slice_make(names[1], nl[1]);
        e[n].b = dt_slice_make(ser[n], len);
    }
    memset(ser[n], 0, 1);
    e[n].a = dt_slice_make(names[2], nl[2]);
    e[n].b = dt_slice_make(ser[n], 1); /* the one-octet serial 00 */
    n++;
    memset(ser[n], 0xff, 255);
    e[n].a = dt_slice_make(names[2], nl[2]);
    e[n].b = dt_slice_make(ser[n], 255);
    n++;
    e[n] = e[3]; /* a duplicate: stored once */
    n++;
    size_t distinct = n - 1;
    uint8_t subj[64], hash[32];
    size_t sl = make_name(subj, "Key Holder");
    fill(hash, 32);
    struct dt_blob_entry k[1] = {{dt_slice_make(subj, sl), dt_slice_make(hash, 32)}};

    struct dt_buf b;
    CHECK(write_blob(e, n, k, 1, NULL, &b), "write a blob of %zu serials (%s)", n, U.text);
    char err[256] = "";
    struct dt_blob *bl = open_blob(&b, NULL, err, sizeof(err));
    CHECK(bl != NULL, "open it (%s)", err);
    if (!bl) {
        dt_buf_free(&b);
        return;
    }
    struct dt_blob_info in = info_of(bl);
    CHECK(in.issuers == 3 && in.serials == distinct && in.subject_keys == 1,
          "info: 3 issuers, %zu serials (duplicate once), 1 subject+key (got %zu, %zu, %zu)",
          distinct, in.issuers, in.serials, in.subject_keys);
    CHECK(in.ef_groups == 1 && in.sequence == 42 && in.created == 1790000000,
          "info: one Elias-Fano group, sequence and time kept");
    size_t found = 0;
    for (size_t i = 0; i < n; i++)
        found += dt_blob_has_serial(bl, e[i].a.p, e[i].a.n, e[i].b.p, e[i].b.n) == 1;
    CHECK(found == n, "every serial is listed (%zu of %zu)", found, n);
    size_t false_pos = 0;
    uint8_t probe[32];
    for (int i = 0; i < 100000; i++) {
        fill(probe, 16);
        false_pos += dt_blob_has_serial(bl, names[0], nl[0], probe, 16);
    }
    CHECK(false_pos == 0, "100,000 random non-members of the big issuer are not listed");
    uint8_t near[16];
    memcpy(near, ser[0], 16);
    near[15] ^= 1;
    CHECK(!dt_blob_has_serial(bl, names[0], nl[0], near, 16) ||
              dt_blob_has_serial(bl, names[0], nl[0], near, 16) ==
                  (int)(memcmp(near, ser[1], 16) == 0),
          "a neighbour of a member is not listed");
    CHECK(!dt_blob_has_serial(bl, names[0], nl[0], ser[0], 15),
          "a member's serial cut short is not listed (lengths are exact)");
    CHECK(!dt_blob_has_serial(bl, names[1], nl[1], ser[0], 16),
          "a member under another issuer is not listed");
    uint8_t tlv[20] = {0x02, 16};
    memcpy(tlv + 2, ser[7], 16);
    CHECK(dt_blob_has_serial_der(bl, names[0], nl[0], tlv, 18) == 1,
          "lookup by the DER INTEGER (02 len content)");
    CHECK(dt_blob_has_serial_der(bl, names[0], nl[0], tlv, 17) == DT_BLOB_ERR_ARG,
          "a malformed INTEGER is DT_BLOB_ERR_ARG, not \"not listed\"");
    CHECK(dt_blob_has_spki(bl, subj, sl, hash) == 1, "the subject+key entry is listed");
    hash[0] ^= 1;
    CHECK(dt_blob_has_spki(bl, subj, sl, hash) == 0, "another key of that subject is not");
    /* The batch interface agrees with single lookups, members and not. */
    enum { QN = 20000 };
    static struct dt_blob_query q[QN];
    static uint8_t qs[QN][16], got[QN];
    size_t agree = 0, members = 0;
    for (size_t i = 0; i < QN; i++) {
        const struct dt_blob_entry *m = &e[rnd() % n];
        memcpy(qs[i], m->b.p, m->b.n < 16 ? m->b.n : 16);
        if (i & 1)
            fill(qs[i], m->b.n < 16 ? m->b.n : 16);
        q[i] = (struct dt_blob_query){m->a.p, m->a.n, i & 1 ? qs[i] : m->b.p, m->b.n};
    }
    CHECK(dt_blob_lookup_many(bl, q, QN, got) == DT_BLOB_OK, "dt_blob_lookup_many answers");
    for (size_t i = 0; i < QN; i++) {
        int one =
            dt_blob_has_serial(bl, q[i].issuer, q[i].issuer_len, q[i].serial, q[i].serial_len);
        agree += got[i] == one;
        members += one;
    }
    CHECK(agree == QN && members >= QN / 2,
          "dt_blob_lookup_many agrees with one lookup at a time (%zu of %d, %zu members)", agree,
          QN, members);
    /* Reads from several threads at once. */
    struct thr_arg th[4];
    pthread_t tid[4];
    for (int t = 0; t < 4; t++) {
        th[t] = (struct thr_arg){bl, e, n, 0};
        pthread_create(&tid[t], NULL, thread_main, &th[t]);
    }
    size_t all = 0;
    for (int t = 0; t < 4; t++) {
        pthread_join(tid[t], NULL);
        all += th[t].found;
    }
    CHECK(all == 4 * n, "four threads find every serial at once (%zu of %zu)", all, 4 * n);
    struct count c = {0, 0};
    CHECK(dt_blob_iterate(bl, on_serial, on_spki, &c) == DT_BLOB_OK, "dt_blob_iterate walks");
    CHECK(c.serials == distinct && c.spki == 1, "iteration visits every entry once (%zu, %zu)",
          c.serials, c.spki);
    dt_blob_close(bl);

    /* Fail-closed: every truncation and every byte changed. */
    size_t bad_trunc = 0, bad_flip = 0;
    struct dt_buf small;
    CHECK(write_blob(e + BIG, n - BIG, k, 1, NULL, &small), "a small blob");
    for (size_t cut = 0; cut < small.len; cut++) {
        struct dt_blob *x = NULL;
        struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
        if (dt_blob_open(small.data, cut, &o, &x, err, sizeof(err)) == DT_BLOB_OK) {
            bad_trunc++;
            dt_blob_close(x);
        }
    }
    CHECK(bad_trunc == 0, "every truncation (%zu lengths) is refused (%zu opened)", small.len,
          bad_trunc);
    for (size_t i = 0; i < small.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            small.data[i] ^= (uint8_t)(1u << bit);
            struct dt_blob *x = NULL;
            struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
            if (dt_blob_open(small.data, small.len, &o, &x, err, sizeof(err)) == DT_BLOB_OK) {
                bad_flip++;
                dt_blob_close(x);
            }
            small.data[i] ^= (uint8_t)(1u << bit);
        }
    }
    CHECK(bad_flip == 0, "every single-bit change (%zu) is refused (%zu opened)", small.len * 8,
          bad_flip);
    /* Trailing bytes, an unknown version, a bomb. */
    CHECK(dt_buf_putc(&small, 0) == DT_OK, "append a byte");
    CHECK(!open_blob(&small, NULL, err, sizeof(err)) && strstr(err, "after the content"),
          "a byte after an unsigned blob is refused (%s)", err);
    small.len--;
    small.data[9] = 2;
    CHECK(!open_blob(&small, NULL, err, sizeof(err)) && strstr(err, "unknown format version 2"),
          "an unknown version is refused (%s)", err);
    small.data[9] = 1;
    struct dt_blob_open_opts tiny = DT_BLOB_OPEN_OPTS_INIT;
    tiny.max_content_bytes = 64;
    struct dt_blob *x = NULL;
    CHECK(dt_blob_open(small.data, small.len, &tiny, &x, err, sizeof(err)) == DT_BLOB_ERR_LIMIT &&
              strstr(err, "cap"),
          "content over the cap is refused before it is inflated (%s)", err);
    dt_buf_free(&small);
    dt_buf_free(&b);
}

static void test_signatures(void)
{
    uint8_t nm[64], s1[16];
    size_t nl = make_name(nm, "Signed Issuer");
    fill(s1, 16);
    struct dt_blob_entry e = {dt_slice_make(nm, nl), dt_slice_make(s1, 16)};
    struct dt_buf b;
    CHECK(write_blob(&e, 1, NULL, 0, "testdata/keys/signer-p384.pem", &b), "a P-384-signed blob");
    struct dt_buf pub, other, p256;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_file_read("testdata/keys/signer-p384.pub.pem", 1 << 16, &pub, &d, NULL) != DT_OK ||
        dt_file_read("testdata/keys/other-p384.pub.pem", 1 << 16, &other, &d, NULL) != DT_OK ||
        dt_buf_putc(&pub, 0) != DT_OK || dt_buf_putc(&other, 0) != DT_OK) {
        CHECK(false, "read the test keys");
        return;
    }
    char err[256] = "";
    struct dt_blob *bl = open_blob(&b, (const char *)pub.data, err, sizeof(err));
    struct dt_blob_info in = info_of(bl);
    CHECK(bl && in.signature_verified && in.signature_bits == 384 && in.key_id,
          "it opens with the signer's key, verified, with its key id (%s)", err);
    dt_blob_close(bl);
    CHECK(!open_blob(&b, (const char *)other.data, err, sizeof(err)) && strstr(err, "another key"),
          "another key is refused (%s)", err);
    struct dt_blob *x = NULL;
    struct dt_blob_open_opts ko = DT_BLOB_OPEN_OPTS_INIT;
    ko.verify_key_pem = (const char *)other.data;
    CHECK(dt_blob_open(b.data, b.len, &ko, &x, err, sizeof(err)) == DT_BLOB_ERR_SIGNATURE && !x,
          "... as DT_BLOB_ERR_SIGNATURE");
    ko.verify_key_pem = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n";
    CHECK(dt_blob_open(b.data, b.len, &ko, &x, err, sizeof(err)) == DT_BLOB_ERR_ARG && !x &&
              strstr(err, "verification key"),
          "a verification key that is not one is DT_BLOB_ERR_ARG (%s)", err);
    bl = open_blob(&b, NULL, err, sizeof(err));
    CHECK(bl != NULL, "without a required key it opens, unverified");
    in = info_of(bl);
    CHECK(bl && in.is_signed && !in.signature_verified, "... and says so");
    dt_blob_close(bl);
    b.data[b.len - 1] ^= 1;
    CHECK(!open_blob(&b, (const char *)pub.data, err, sizeof(err)) &&
              strstr(err, "does not verify"),
          "a changed signature byte is refused (%s)", err);
    b.data[b.len - 1] ^= 1;
    b.data[20] ^= 1; /* the sequence: covered by the signature and the digest */
    CHECK(!open_blob(&b, (const char *)pub.data, err, sizeof(err)), "a changed header is refused");
    b.data[20] ^= 1;
    struct dt_buf unsigned_b;
    CHECK(write_blob(&e, 1, NULL, 0, NULL, &unsigned_b), "an unsigned blob");
    CHECK(!open_blob(&unsigned_b, (const char *)pub.data, err, sizeof(err)) &&
              strstr(err, "not signed"),
          "an unsigned blob when a signature is required is refused (%s)", err);
    ko.verify_key_pem = (const char *)pub.data;
    CHECK(dt_blob_open(unsigned_b.data, unsigned_b.len, &ko, &x, err, sizeof(err)) ==
                  DT_BLOB_ERR_SIGNATURE &&
              !x,
          "... as DT_BLOB_ERR_SIGNATURE");
    CHECK(write_blob(&e, 1, NULL, 0, "testdata/keys/signer-p256.pem", &p256),
          "a P-256-signed blob");
    bl = open_blob(&p256, NULL, err, sizeof(err));
    in = info_of(bl);
    CHECK(bl && in.signature_bits == 256, "P-256 signatures are read");
    dt_blob_close(bl);
    dt_buf_free(&b);
    dt_buf_free(&unsigned_b);
    dt_buf_free(&p256);
    dt_buf_free(&pub);
    dt_buf_free(&other);
}

/* A callback that stops the walk after three serials. */
static int stop_after_three(const uint8_t *i, size_t in, const uint8_t *s, size_t sn, void *ctx)
{
    (void)i, (void)in, (void)s, (void)sn;
    return ++((struct count *)ctx)->serials == 3;
}

/* The public API's edges (include/distrust/blob.h): every bad call is an
 * error code, never "not listed"; each check beside a baseline that
 * answers. */
static void test_api_edges(void)
{
    uint8_t nm[64], other[64], s1[16], s2[16], subj[64], h[32];
    size_t nl = make_name(nm, "Edge Issuer"), ol = make_name(other, "Unlisted Issuer");
    size_t sl = make_name(subj, "Edge Subject");
    fill(s1, 16);
    fill(s2, 16);
    fill(h, 32);
    struct dt_blob_entry e[2] = {{dt_slice_make(nm, nl), dt_slice_make(s1, 16)},
                                 {dt_slice_make(nm, nl), dt_slice_make(s2, 16)}};
    struct dt_blob_entry k = {dt_slice_make(subj, sl), dt_slice_make(h, 32)};
    struct dt_buf b;
    CHECK(write_blob(e, 2, &k, 1, NULL, &b), "an edge-case blob");
    char err[256] = "";
    struct dt_blob *bl = open_blob(&b, NULL, err, sizeof(err));
    CHECK(bl != NULL, "it opens (%s)", err);
    if (!bl) {
        dt_buf_free(&b);
        return;
    }

    /* Lookups: the baseline, then each bad argument. */
    CHECK(dt_blob_has_serial(bl, nm, nl, s1, 16) == 1, "baseline: a member is listed");
    CHECK(dt_blob_has_serial(bl, other, ol, s1, 16) == 0, "baseline: another issuer is not");
    CHECK(dt_blob_has_serial(NULL, nm, nl, s1, 16) == DT_BLOB_ERR_ARG,
          "a NULL blob is DT_BLOB_ERR_ARG, not \"not listed\"");
    CHECK(dt_blob_has_serial(bl, NULL, nl, s1, 16) == DT_BLOB_ERR_ARG, "a NULL issuer");
    CHECK(dt_blob_has_serial(bl, nm, 0, s1, 16) == DT_BLOB_ERR_ARG, "an empty issuer");
    CHECK(dt_blob_has_serial(bl, nm, nl, NULL, 16) == DT_BLOB_ERR_ARG, "a NULL serial");
    CHECK(dt_blob_has_serial(bl, nm, nl, s1, 0) == DT_BLOB_ERR_ARG, "an empty serial");
    uint8_t long_serial[300] = {0};
    CHECK(dt_blob_has_serial(bl, nm, nl, long_serial, sizeof(long_serial)) == 0,
          "a serial longer than 255 octets is not listed (answered, not an error)");
    uint8_t tlv[18] = {0x02, 16};
    memcpy(tlv + 2, s2, 16);
    CHECK(dt_blob_has_serial_der(bl, nm, nl, tlv, 18) == 1, "baseline: by the INTEGER TLV");
    CHECK(dt_blob_has_serial_der(NULL, nm, nl, tlv, 18) == DT_BLOB_ERR_ARG,
          "by the TLV: a NULL blob");
    CHECK(dt_blob_has_serial_der(bl, nm, nl, NULL, 18) == DT_BLOB_ERR_ARG, "a NULL TLV");
    uint8_t not_int[18];
    memcpy(not_int, tlv, 18);
    not_int[0] = 0x04;
    CHECK(dt_blob_has_serial_der(bl, nm, nl, not_int, 18) == DT_BLOB_ERR_ARG,
          "an OCTET STRING is not an INTEGER");
    CHECK(dt_blob_has_spki(bl, subj, sl, h) == 1, "baseline: the subject + key is listed");
    CHECK(dt_blob_has_spki(NULL, subj, sl, h) == DT_BLOB_ERR_ARG, "subject + key: a NULL blob");
    CHECK(dt_blob_has_spki(bl, NULL, sl, h) == DT_BLOB_ERR_ARG, "a NULL subject");
    CHECK(dt_blob_has_spki(bl, subj, 0, h) == DT_BLOB_ERR_ARG, "an empty subject");
    CHECK(dt_blob_has_spki(bl, subj, sl, NULL) == DT_BLOB_ERR_ARG, "a NULL key hash");

    /* One issuer, many serials. */
    const struct dt_blob_issuer *is = (const struct dt_blob_issuer *)1;
    CHECK(dt_blob_find_issuer(bl, nm, nl, &is) == 1 && is, "find_issuer: found (1, a handle)");
    CHECK(is && dt_blob_issuer_has(is, s2, 16) == 1 && dt_blob_issuer_has(is, s1, 15) == 0,
          "issuer_has: a member 1, a shorter serial 0");
    CHECK(dt_blob_issuer_has(is, NULL, 16) == DT_BLOB_ERR_ARG &&
              dt_blob_issuer_has(is, s2, 0) == DT_BLOB_ERR_ARG,
          "issuer_has: a NULL or empty serial");
    CHECK(dt_blob_find_issuer(bl, other, ol, &is) == 0 && !is,
          "find_issuer: an issuer the blob does not list is 0 and a NULL handle");
    CHECK(dt_blob_issuer_has(is, s1, 16) == DT_BLOB_ERR_ARG,
          "issuer_has on that NULL handle is DT_BLOB_ERR_ARG, not \"not listed\"");
    is = (const struct dt_blob_issuer *)1;
    CHECK(dt_blob_find_issuer(NULL, nm, nl, &is) == DT_BLOB_ERR_ARG && !is,
          "find_issuer: a NULL blob (and the handle cleared)");
    CHECK(dt_blob_find_issuer(bl, nm, nl, NULL) == DT_BLOB_ERR_ARG, "find_issuer: NULL out");

    /* The batch. */
    struct dt_blob_query q[3] = {{nm, nl, s1, 16}, {other, ol, s1, 16}, {nm, nl, s2, 16}};
    uint8_t got[3] = {9, 9, 9};
    CHECK(dt_blob_lookup_many(bl, q, 3, got) == DT_BLOB_OK && got[0] == 1 && got[1] == 0 &&
              got[2] == 1,
          "lookup_many: baseline answers 1 0 1");
    CHECK(dt_blob_lookup_many(bl, NULL, 0, NULL) == DT_BLOB_OK, "lookup_many: no query is fine");
    CHECK(dt_blob_lookup_many(NULL, q, 3, got) == DT_BLOB_ERR_ARG, "lookup_many: a NULL blob");
    CHECK(dt_blob_lookup_many(NULL, NULL, 0, NULL) == DT_BLOB_ERR_ARG,
          "lookup_many: a NULL blob even with no query");
    CHECK(dt_blob_lookup_many(bl, NULL, 3, got) == DT_BLOB_ERR_ARG, "lookup_many: NULL queries");
    CHECK(dt_blob_lookup_many(bl, q, 3, NULL) == DT_BLOB_ERR_ARG, "lookup_many: NULL answers");
    q[2].serial = NULL;
    CHECK(dt_blob_lookup_many(bl, q, 3, got) == DT_BLOB_ERR_ARG,
          "lookup_many: one query with a NULL serial fails the batch");
    q[2].serial = s2;
    q[1].issuer_len = 0;
    CHECK(dt_blob_lookup_many(bl, q, 3, got) == DT_BLOB_ERR_ARG,
          "lookup_many: one query with an empty issuer fails the batch");
    q[1].issuer_len = ol;

    /* The walk. */
    struct count c = {0, 0};
    CHECK(dt_blob_iterate(bl, NULL, NULL, &c) == DT_BLOB_ERR_ARG, "iterate: no callback at all");
    CHECK(dt_blob_iterate(NULL, on_serial, on_spki, &c) == DT_BLOB_ERR_ARG, "iterate: NULL blob");
    CHECK(dt_blob_iterate(bl, NULL, on_spki, &c) == DT_BLOB_OK && c.serials == 0 && c.spki == 1,
          "iterate: one callback NULL skips its entries");
    struct dt_buf many;
    static uint8_t ms[10][16];
    struct dt_blob_entry me[10];
    for (int i = 0; i < 10; i++) {
        fill(ms[i], 16);
        me[i] = (struct dt_blob_entry){dt_slice_make(nm, nl), dt_slice_make(ms[i], 16)};
    }
    struct dt_blob *mb = NULL;
    if (write_blob(me, 10, NULL, 0, NULL, &many))
        mb = open_blob(&many, NULL, err, sizeof(err));
    c = (struct count){0, 0};
    CHECK(mb && dt_blob_iterate(mb, stop_after_three, NULL, &c) == DT_BLOB_OK && c.serials == 3,
          "iterate: a callback stops the walk after 3 of 10 (0 returned, %zu seen)", c.serials);
    dt_blob_close(mb);
    dt_buf_free(&many);

    /* Info: struct_size. */
    struct dt_blob_info in = DT_BLOB_INFO_INIT;
    CHECK(dt_blob_get_info(bl, &in) == DT_BLOB_OK && in.serials == 2 && in.subject_keys == 1 &&
              in.struct_size == sizeof(in) && in.digest && !in.key_id && !in.is_signed,
          "get_info: counts, the digest, no key id when unsigned");
    CHECK(dt_blob_get_info(NULL, &in) == DT_BLOB_ERR_ARG, "get_info: a NULL blob");
    CHECK(dt_blob_get_info(bl, NULL) == DT_BLOB_ERR_ARG, "get_info: a NULL info");
    struct dt_blob_info zero;
    memset(&zero, 0, sizeof(zero));
    CHECK(dt_blob_get_info(bl, &zero) == DT_BLOB_ERR_ARG, "get_info: struct_size 0 (not set)");
    zero.struct_size = offsetof(struct dt_blob_info, content_bytes);
    CHECK(dt_blob_get_info(bl, &zero) == DT_BLOB_ERR_ARG,
          "get_info: a struct_size under the DISTRUST_1.0 size");
    /* A caller built against a later header: its struct is longer; the
     * fields this library does not know come back zero. */
    struct {
        struct dt_blob_info v1;
        uint64_t later_field;
    } newer;
    memset(&newer, 0xff, sizeof(newer));
    newer.v1.struct_size = sizeof(newer);
    CHECK(dt_blob_get_info(bl, &newer.v1) == DT_BLOB_OK && newer.v1.serials == 2 &&
              newer.later_field == 0 && newer.v1.struct_size == sizeof(newer),
          "get_info: a longer struct is filled, the unknown tail zeroed");

    /* Open options: struct_size. */
    struct dt_blob *x = NULL;
    struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
    CHECK(dt_blob_open(b.data, b.len, &o, &x, err, sizeof(err)) == DT_BLOB_OK && x,
          "open: DT_BLOB_OPEN_OPTS_INIT (baseline)");
    dt_blob_close(x);
    o.struct_size = 0;
    CHECK(dt_blob_open(b.data, b.len, &o, &x, err, sizeof(err)) == DT_BLOB_ERR_ARG && !x &&
              strstr(err, "struct_size"),
          "open: struct_size not set is refused (%s)", err);
    struct {
        struct dt_blob_open_opts v1;
        uint64_t later_option;
    } later;
    memset(&later, 0, sizeof(later));
    later.v1.struct_size = sizeof(later);
    CHECK(dt_blob_open(b.data, b.len, &later.v1, &x, err, sizeof(err)) == DT_BLOB_OK && x,
          "open: a longer struct whose unknown options are zero is accepted");
    dt_blob_close(x);
    later.later_option = 1;
    CHECK(dt_blob_open(b.data, b.len, &later.v1, &x, err, sizeof(err)) == DT_BLOB_ERR_ARG && !x,
          "open: an option this library does not know is refused, not ignored (%s)", err);

    /* Open: bad calls. */
    CHECK(dt_blob_open(b.data, b.len, NULL, &x, NULL, 0) == DT_BLOB_OK && x,
          "open: NULL opts and no error buffer (baseline)");
    dt_blob_close(x);
    CHECK(dt_blob_open(b.data, b.len, NULL, NULL, err, sizeof(err)) == DT_BLOB_ERR_ARG,
          "open: NULL out");
    CHECK(dt_blob_open(NULL, 0, NULL, &x, err, sizeof(err)) == DT_BLOB_ERR_ARG && !x,
          "open: NULL data");
    CHECK(dt_blob_open(b.data, b.len, NULL, &x, NULL, 10) == DT_BLOB_ERR_ARG && !x,
          "open: a NULL error buffer with a capacity");
    CHECK(dt_blob_open(b.data, 50, NULL, &x, err, sizeof(err)) == DT_BLOB_ERR_FORMAT && !x &&
              strstr(err, "truncated"),
          "open: truncated is DT_BLOB_ERR_FORMAT (%s)", err);
    dt_blob_close(NULL);
    CHECK(true, "close: NULL is a no-op");

    /* From files. */
    char dir[] = "/tmp/dt-blob-test-XXXXXX", path[64], fifo[64];
    if (mkdtemp(dir)) {
        snprintf(path, sizeof(path), "%s/r.blob", dir);
        snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
        FILE *f = fopen(path, "wb");
        bool wrote = f && fwrite(b.data, 1, b.len, f) == b.len;
        if (f)
            fclose(f);
        CHECK(wrote && dt_blob_open_file(path, NULL, &x, err, sizeof(err)) == DT_BLOB_OK && x &&
                  dt_blob_has_serial(x, nm, nl, s1, 16) == 1,
              "open_file: a blob file (baseline) (%s)", err);
        dt_blob_close(x);
        CHECK(dt_blob_open_file(dir, NULL, &x, err, sizeof(err)) == DT_BLOB_ERR_IO && !x,
              "open_file: a directory is DT_BLOB_ERR_IO (%s)", err);
        snprintf(fifo, sizeof(fifo), "%s/none", dir);
        CHECK(dt_blob_open_file(fifo, NULL, &x, err, sizeof(err)) == DT_BLOB_ERR_IO && !x,
              "open_file: a missing file is DT_BLOB_ERR_IO (%s)", err);
        snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
        CHECK(mkfifo(fifo, 0600) == 0 &&
                  dt_blob_open_file(fifo, NULL, &x, err, sizeof(err)) == DT_BLOB_ERR_IO && !x,
              "open_file: a FIFO is refused without blocking (%s)", err);
        CHECK(dt_blob_open_file(NULL, NULL, &x, err, sizeof(err)) == DT_BLOB_ERR_ARG,
              "open_file: a NULL path");
        struct dt_blob_open_opts tiny = DT_BLOB_OPEN_OPTS_INIT;
        tiny.max_content_bytes = 1;
        CHECK(dt_blob_open_file(path, &tiny, &x, err, sizeof(err)) == DT_BLOB_ERR_LIMIT && !x,
              "open_file: over the cap is DT_BLOB_ERR_LIMIT (%s)", err);
        f = fopen(path, "wb");
        if (f) {
            fwrite(b.data, 1, b.len - 1, f);
            fclose(f);
        }
        CHECK(dt_blob_open_file(path, NULL, &x, err, sizeof(err)) == DT_BLOB_ERR_FORMAT && !x,
              "open_file: a truncated file is DT_BLOB_ERR_FORMAT (%s)", err);
        unlink(path);
        unlink(fifo);
        rmdir(dir);
    } else {
        CHECK(false, "a temporary directory");
    }

    /* The text of every code: distinct, never NULL. */
    static const int codes[] = {DT_BLOB_OK,        1,
                                DT_BLOB_ERR_ARG,   DT_BLOB_ERR_NOMEM,
                                DT_BLOB_ERR_IO,    DT_BLOB_ERR_FORMAT,
                                DT_BLOB_ERR_LIMIT, DT_BLOB_ERR_SIGNATURE,
                                DT_BLOB_ERR_CERT,  DT_BLOB_ERR_OPENSSL,
                                DT_BLOB_ERR_INTERNAL};
    size_t n_codes = sizeof(codes) / sizeof(codes[0]), distinct = 0;
    for (size_t i = 0; i < n_codes; i++) {
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup |= !strcmp(dt_blob_strerror(codes[i]), dt_blob_strerror(codes[j]));
        distinct += !dup && dt_blob_strerror(codes[i])[0];
    }
    CHECK(distinct == n_codes && !strcmp(dt_blob_strerror(-100), "unknown result code"),
          "strerror: a distinct text for each of the %zu codes, and for an unknown one", n_codes);
    dt_blob_close(bl);
    dt_buf_free(&b);
}

/* The real OneCRL dump: every record of it is listed. */
static void test_real(void)
{
    json_error_t je;
    json_t *doc = json_load_file("testdata/onecrl/onecrl-2026-10.json", 0, &je);
    json_t *data = json_object_get(doc, "data");
    size_t n = json_array_size(data);
    struct dt_blob_entry *s = calloc(n, sizeof(*s)), *k = calloc(n, sizeof(*k));
    struct dt_buf *bufs = calloc(2 * n, sizeof(*bufs));
    size_t ns = 0, nk = 0;
    for (size_t i = 0; s && k && bufs && i < n; i++) {
        json_t *r = json_array_get(data, i);
        bool is = json_object_get(r, "issuerName") != NULL;
        const char *f[2] = {is ? "issuerName" : "subject", is ? "serialNumber" : "pubKeyHash"};
        for (int j = 0; j < 2; j++) {
            const char *v = json_string_value(json_object_get(r, f[j]));
            dt_buf_init(&bufs[2 * i + j], 0);
            if (dt_b64_decode(v, strlen(v), true, &bufs[2 * i + j]))
                goto done;
        }
        struct dt_blob_entry *e = is ? &s[ns++] : &k[nk++];
        e->a = dt_slice_make(bufs[2 * i].data, bufs[2 * i].len);
        e->b = dt_slice_make(bufs[2 * i + 1].data, bufs[2 * i + 1].len);
    }
    struct dt_buf b;
    CHECK(write_blob(s, ns, k, nk, NULL, &b), "the real dump as a blob");
    printf("# real dump blob: %zu bytes\n", b.len);
    CHECK(b.len < 35194, "smaller than the naive packing + zlib (35,194 B): %zu", b.len);
    char err[256];
    struct dt_blob *bl = open_blob(&b, NULL, err, sizeof(err));
    CHECK(bl != NULL, "opens (%s)", bl ? "" : err);
    size_t listed = 0;
    for (size_t i = 0; bl && i < ns; i++)
        listed += dt_blob_has_serial(bl, s[i].a.p, s[i].a.n, s[i].b.p, s[i].b.n) == 1;
    for (size_t i = 0; bl && i < nk; i++)
        listed += dt_blob_has_spki(bl, k[i].a.p, k[i].a.n, k[i].b.p) == 1;
    CHECK(listed == n, "every one of the %zu records is listed (%zu)", n, listed);
    /* A million random non-members: random serials under real issuers. */
    size_t fp = 0;
    uint8_t probe[32];
    size_t tried = 0;
    for (int i = 0; bl && tried < 1000000 && i < 4000000; i++) {
        const struct dt_blob_entry *e = &s[rnd() % ns];
        if (e->b.n < 8) /* short serials: a random probe may be another member */
            continue;
        tried++;
        fill(probe, e->b.n);
        if (!memcmp(probe, e->b.p, e->b.n))
            continue;
        fp += dt_blob_has_serial(bl, e->a.p, e->a.n, probe, e->b.n);
    }
    CHECK(tried == 1000000 && fp == 0,
          "a million random non-members under real issuers are not listed (%zu)", fp);
    dt_blob_close(bl);
    dt_buf_free(&b);
done:
    for (size_t i = 0; bufs && i < 2 * n; i++)
        dt_buf_free(&bufs[i]);
    free(bufs);
    free(s);
    free(k);
    json_decref(doc);
}

/* Elias-Fano groups of every kind of length: short serials (fewer than 8
 * octets, where the fingerprint is all or most of the low bits), 8 to 15,
 * 16 to 32, and longer than the batch interface's key buffer; members, their
 * one-bit neighbours and random non-members, one at a time and in a batch. */
static void test_group_lengths(void)
{
    static const size_t lens[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 20, 31, 32, 33, 40, 64};
    enum { PER = 200, NL = sizeof(lens) / sizeof(lens[0]) };
    static uint8_t ser[NL * PER][64], names[64];
    static struct dt_blob_entry e[NL * PER];
    size_t nl = make_name(names, "Lengths Issuer"), n = 0;
    for (size_t k = 0; k < NL; k++)
        for (int i = 0; i < PER; i++, n++) {
            fill(ser[n], lens[k]);
            if (lens[k] == 1)
                ser[n][0] = (uint8_t)i; /* 200 distinct one-octet serials */
            e[n].a = dt_slice_make(names, nl);
            e[n].b = dt_slice_make(ser[n], lens[k]);
        }
    struct dt_buf b;
    CHECK(write_blob(e, n, NULL, 0, NULL, &b), "write %zu serials of %d lengths", n, (int)NL);
    char err[256] = "";
    struct dt_blob *bl = open_blob(&b, NULL, err, sizeof(err));
    CHECK(bl != NULL, "open it (%s)", err);
    if (!bl) {
        dt_buf_free(&b);
        return;
    }
    struct dt_blob_info in = info_of(bl);
    CHECK(in.ef_groups == NL - 1 && in.raw_groups == 1,
          "Elias-Fano for every length but one octet, whose 200 serials are all high part "
          "(%zu EF, %zu raw)",
          in.ef_groups, in.raw_groups);
    /* Queries: each member, the member with its last bit flipped, and a
     * random serial of the same length. */
    static struct dt_blob_query q[3 * NL * PER];
    static uint8_t qs[3 * NL * PER][64], got[3 * NL * PER];
    size_t nq = 0, single_ok = 0, members = 0, expect_members = 0;
    for (size_t i = 0; i < n; i++)
        for (int v = 0; v < 3; v++, nq++) {
            size_t len = e[i].b.n;
            memcpy(qs[nq], e[i].b.p, len);
            if (v == 1)
                qs[nq][len - 1] ^= 1;
            else if (v == 2)
                fill(qs[nq], len);
            q[nq] = (struct dt_blob_query){names, nl, qs[nq], len};
        }
    /* The truth, from the entries themselves. */
    for (size_t i = 0; i < nq; i++) {
        bool member = false;
        for (size_t j = 0; j < n && !member; j++)
            member = e[j].b.n == q[i].serial_len && !memcmp(e[j].b.p, q[i].serial, e[j].b.n);
        expect_members += member;
        int one = dt_blob_has_serial(bl, names, nl, q[i].serial, q[i].serial_len);
        single_ok += one == (int)member;
        got[i] = (uint8_t)member; /* compared with the batch below */
    }
    CHECK(single_ok == nq,
          "one at a time: every member listed, every other serial not (%zu of %zu)", single_ok, nq);
    static uint8_t many[3 * NL * PER];
    CHECK(dt_blob_lookup_many(bl, q, nq, many) == DT_BLOB_OK, "dt_blob_lookup_many answers");
    size_t agree = 0;
    for (size_t i = 0; i < nq; i++) {
        agree += many[i] == got[i];
        members += many[i];
    }
    CHECK(agree == nq && members == expect_members && members >= n,
          "dt_blob_lookup_many: the same answers (%zu of %zu; %zu members)", agree, nq, members);
    dt_blob_close(bl);
    dt_buf_free(&b);
}

/* Serials that share their leading octets (a CA's sequential or prefixed
 * serials) fall into few, long buckets: the long-bucket search, the
 * fingerprints past a bucket's own and the merged high parts must still
 * answer exactly, one at a time and in batches. */
static void test_clustered(void)
{
    static const size_t lens[] = {3, 9, 16, 20};
    enum { PER = 3000, NL = sizeof(lens) / sizeof(lens[0]) };
    static uint8_t ser[NL * PER][32], names[64];
    static struct dt_blob_entry e[NL * PER];
    size_t nl = make_name(names, "Clustered Issuer"), n = 0;
    for (size_t k = 0; k < NL; k++)
        for (int i = 0; i < PER; i++, n++) {
            size_t len = lens[k];
            memset(ser[n], 0, len);
            ser[n][0] = 0x41;
            /* runs of consecutive serials, and a few far apart */
            unsigned v = i < PER - 100 ? (unsigned)i * 3 : 0xA000u + (unsigned)i * 97;
            ser[n][len - 1] = (uint8_t)v;
            ser[n][len - 2] = (uint8_t)(v >> 8);
            if (i >= PER - 100 && len > 3)
                ser[n][1] = (uint8_t)(i * 7);
            e[n].a = dt_slice_make(names, nl);
            e[n].b = dt_slice_make(ser[n], len);
        }
    struct dt_buf b;
    CHECK(write_blob(e, n, NULL, 0, NULL, &b), "write %zu clustered serials", n);
    char err[256] = "";
    struct dt_blob *bl = open_blob(&b, NULL, err, sizeof(err));
    CHECK(bl != NULL, "open it (%s)", err);
    if (!bl) {
        dt_buf_free(&b);
        return;
    }
    struct dt_blob_info in = info_of(bl);
    CHECK(in.ef_groups == NL, "Elias-Fano for every length (%zu)", in.ef_groups);
    /* Queries: each member, its neighbours in the last octet (members or
     * gaps of a run), and one with a middle octet changed. */
    static struct dt_blob_query q[4 * NL * PER];
    static uint8_t qs[4 * NL * PER][32], want[4 * NL * PER], many[4 * NL * PER];
    size_t nq = 0;
    for (size_t i = 0; i < n; i++)
        for (int v = 0; v < 4; v++, nq++) {
            size_t len = e[i].b.n;
            memcpy(qs[nq], e[i].b.p, len);
            if (v == 1)
                qs[nq][len - 1]++;
            else if (v == 2)
                qs[nq][len - 1]--;
            else if (v == 3)
                qs[nq][len / 2] ^= 0x10;
            q[nq] = (struct dt_blob_query){names, nl, qs[nq], len};
        }
    size_t single_ok = 0, agree = 0, expect = 0;
    for (size_t i = 0; i < nq; i++) {
        bool member = false;
        for (size_t j = 0; j < n && !member; j++)
            member = e[j].b.n == q[i].serial_len && !memcmp(e[j].b.p, q[i].serial, e[j].b.n);
        want[i] = member;
        expect += member;
        single_ok += dt_blob_has_serial(bl, names, nl, q[i].serial, q[i].serial_len) == member;
    }
    CHECK(dt_blob_lookup_many(bl, q, nq, many) == DT_BLOB_OK, "dt_blob_lookup_many answers");
    for (size_t i = 0; i < nq; i++)
        agree += many[i] == want[i];
    CHECK(single_ok == nq && expect > n && expect < nq,
          "one at a time: exact on long buckets (%zu of %zu; %zu members)", single_ok, nq, expect);
    CHECK(agree == nq, "dt_blob_lookup_many: exact on long buckets (%zu of %zu)", agree, nq);
    dt_blob_close(bl);
    dt_buf_free(&b);
}

int main(void)
{
    test_round_trip();
    test_group_lengths();
    test_clustered();
    test_signatures();
    test_api_edges();
    test_real();
    return unit_done();
}
