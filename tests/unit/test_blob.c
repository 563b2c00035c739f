/* Unit tests: the revocation blob. Round trips (small and Elias-Fano
 * groups, every entry found, non-members not), the real OneCRL dump, and
 * fail-closed reading: every truncation, every bit flip, bombs, versions,
 * signatures. */
#include "blob_write.h"
#include "der.h"
#include "file.h"
#include "distrust.h"
#include "unit.h"
#include "b64.h"

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
    struct dt_blob_write_opts o = {42, 1790000000, key};
    dt_buf_init(out, 0);
    return dt_blob_write(s, ns, k, nk, &o, out, NULL, &d) == DT_OK;
}

static struct dt_blob *open_blob(const struct dt_buf *b, const char *key_pem, char *err, size_t cap)
{
    struct dt_blob_open_opts o = {key_pem, 0};
    struct dt_blob *bl = NULL;
    if (dt_blob_open(b->data, b->len, &o, &bl, err, cap) != DT_OK)
        return NULL;
    return bl;
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
    struct dt_blob_info in;
    dt_blob_get_info(bl, &in);
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
    CHECK(dt_blob_has_serial_der(bl, names[0], nl[0], tlv, 17) == -1,
          "a malformed INTEGER is -1, not \"not listed\"");
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
    dt_blob_lookup_many(bl, q, QN, got);
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
    dt_blob_iterate(bl, on_serial, on_spki, &c);
    CHECK(c.serials == distinct && c.spki == 1, "iteration visits every entry once (%zu, %zu)",
          c.serials, c.spki);
    dt_blob_close(bl);

    /* Fail-closed: every truncation and every byte changed. */
    size_t bad_trunc = 0, bad_flip = 0;
    struct dt_buf small;
    CHECK(write_blob(e + BIG, n - BIG, k, 1, NULL, &small), "a small blob");
    for (size_t cut = 0; cut < small.len; cut++) {
        struct dt_blob *x = NULL;
        struct dt_blob_open_opts o = {NULL, 0};
        if (dt_blob_open(small.data, cut, &o, &x, err, sizeof(err)) == DT_OK) {
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
            struct dt_blob_open_opts o = {NULL, 0};
            if (dt_blob_open(small.data, small.len, &o, &x, err, sizeof(err)) == DT_OK) {
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
    struct dt_blob_open_opts tiny = {NULL, 64};
    struct dt_blob *x = NULL;
    CHECK(dt_blob_open(small.data, small.len, &tiny, &x, err, sizeof(err)) == DT_ERR_INPUT &&
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
    struct dt_blob_info in;
    if (bl)
        dt_blob_get_info(bl, &in);
    CHECK(bl && in.signature_verified && in.signature_bits == 384,
          "it opens with the signer's key, verified (%s)", err);
    dt_blob_close(bl);
    CHECK(!open_blob(&b, (const char *)other.data, err, sizeof(err)) && strstr(err, "another key"),
          "another key is refused (%s)", err);
    bl = open_blob(&b, NULL, err, sizeof(err));
    CHECK(bl != NULL, "without a required key it opens, unverified");
    if (bl)
        dt_blob_get_info(bl, &in);
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
    CHECK(write_blob(&e, 1, NULL, 0, "testdata/keys/signer-p256.pem", &p256),
          "a P-256-signed blob");
    bl = open_blob(&p256, NULL, err, sizeof(err));
    if (bl)
        dt_blob_get_info(bl, &in);
    CHECK(bl && in.signature_bits == 256, "P-256 signatures are read");
    dt_blob_close(bl);
    dt_buf_free(&b);
    dt_buf_free(&unsigned_b);
    dt_buf_free(&p256);
    dt_buf_free(&pub);
    dt_buf_free(&other);
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
    struct dt_blob_info in;
    dt_blob_get_info(bl, &in);
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
    dt_blob_lookup_many(bl, q, nq, many);
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
    struct dt_blob_info in;
    dt_blob_get_info(bl, &in);
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
    dt_blob_lookup_many(bl, q, nq, many);
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
    test_real();
    return unit_done();
}
