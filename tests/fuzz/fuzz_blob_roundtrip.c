/* Fuzz target: the blob writer and reader together, decode(encode(x)) == x.
 * The input becomes a set of entries (issuer + serial, subject + SPKI hash)
 * under a few issuer names built from it; the blob written from them must
 * open, list by iteration exactly the distinct entries given (no more, no
 * fewer), find each of them by lookup, and find a changed serial exactly
 * when that serial is itself one of the entries. Serial lengths, shared
 * prefixes and group sizes come from the input, so raw and Elias-Fano
 * groups, long buckets and one-serial issuers are all reached. */
#include "blob_write.h"
#include "buf.h"
#include "diag.h"
#include "fuzz_util.h"

#include <distrust/blob.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 1024
#define MAX_ISSUERS 8

/* A DER Name: SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String v } } }. */
static size_t make_name(uint8_t *out, const uint8_t *v, size_t vn)
{
    size_t at = 0;
    out[at++] = 0x30;
    out[at++] = (uint8_t)(vn + 11);
    out[at++] = 0x31;
    out[at++] = (uint8_t)(vn + 9);
    out[at++] = 0x30;
    out[at++] = (uint8_t)(vn + 7);
    static const uint8_t cn[] = {0x06, 0x03, 0x55, 0x04, 0x03};
    memcpy(out + at, cn, sizeof(cn));
    at += sizeof(cn);
    out[at++] = 0x0c;
    out[at++] = (uint8_t)vn;
    memcpy(out + at, v, vn);
    return at + vn;
}

struct ent {
    unsigned issuer; /* index into the names */
    uint8_t len;
    uint8_t b[64];
};

struct iter {
    const struct ent *e;
    size_t n;
    uint8_t (*names)[32];
    const size_t *name_len;
    size_t seen_serials, seen_skeys;
    int is_skey;
};

static int in_set(const struct ent *e, size_t n, unsigned issuer, const uint8_t *b, size_t len,
                  int skey)
{
    for (size_t i = 0; i < n; i++)
        if ((e[i].issuer >= MAX_ISSUERS) == skey && e[i].issuer % MAX_ISSUERS == issuer &&
            e[i].len == len && !memcmp(e[i].b, b, len))
            return 1;
    return 0;
}

static int name_index(const struct iter *it, const uint8_t *der, size_t n)
{
    for (int k = 0; k < MAX_ISSUERS; k++)
        if (it->name_len[k] == n && !memcmp(it->names[k], der, n))
            return k;
    return -1;
}

static int on_serial(const uint8_t *i, size_t in, const uint8_t *s, size_t sn, void *ctx)
{
    struct iter *it = ctx;
    int k = name_index(it, i, in);
    if (k < 0 || !in_set(it->e, it->n, (unsigned)k, s, sn, 0))
        __builtin_trap(); /* listed, but never given */
    it->seen_serials++;
    return 0;
}

static int on_spki(const uint8_t *s, size_t n, const uint8_t *h, void *ctx)
{
    struct iter *it = ctx;
    int k = name_index(it, s, n);
    if (k < 0 || !in_set(it->e, it->n, (unsigned)k, h, 32, 1))
        __builtin_trap();
    it->seen_skeys++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_rd r = {data, size};
    static uint8_t names[MAX_ISSUERS][32];
    static size_t name_len[MAX_ISSUERS];
    unsigned n_names = 1 + fuzz_byte(&r) % MAX_ISSUERS;
    for (unsigned k = 0; k < MAX_ISSUERS; k++) {
        uint8_t v[8] = {'i', (uint8_t)('0' + k)};
        size_t vn = 2;
        if (k < n_names) {
            vn = 1 + fuzz_byte(&r) % 8;
            for (size_t j = 0; j < vn; j++)
                v[j] = (uint8_t)(0x41 + fuzz_byte(&r) % 26); /* printable: a valid UTF8String */
            v[0] = (uint8_t)('a' + k);                       /* distinct names */
        }
        name_len[k] = make_name(names[k], v, vn);
    }
    static struct ent e[MAX_ENTRIES];
    size_t n = 0;
    /* Entries: a kind/issuer byte, a length byte, then either fresh bytes or
     * a copy of the previous entry's with its last octets changed (shared
     * prefixes, sequential serials). */
    while (r.n >= 2 && n < MAX_ENTRIES) {
        unsigned kb = fuzz_byte(&r), lb = fuzz_byte(&r);
        struct ent *x = &e[n];
        int skey = kb & 0x80;
        x->issuer = (kb % n_names) + (skey ? MAX_ISSUERS : 0);
        x->len = skey ? 32 : (uint8_t)(1 + lb % 40);
        if ((lb & 0x80) && n && e[n - 1].len == x->len) {
            memcpy(x->b, e[n - 1].b, x->len);
            x->b[x->len - 1] = (uint8_t)(x->b[x->len - 1] + 1 + (lb & 3));
        } else {
            for (size_t j = 0; j < x->len; j++)
                x->b[j] = (uint8_t)fuzz_byte(&r);
        }
        n++;
    }
    /* The writer's inputs; duplicates are allowed (the blob is a set). */
    struct dt_blob_entry *ser = calloc(n + 1, sizeof(*ser)), *sk = calloc(n + 1, sizeof(*sk));
    size_t ns = 0, nk = 0;
    for (size_t i = 0; ser && sk && i < n; i++) {
        unsigned k = e[i].issuer % MAX_ISSUERS;
        struct dt_blob_entry be = {dt_slice_make(names[k], name_len[k]),
                                   dt_slice_make(e[i].b, e[i].len)};
        if (e[i].issuer >= MAX_ISSUERS)
            sk[nk++] = be;
        else
            ser[ns++] = be;
    }
    struct dt_diags d;
    dt_diag_init(&d, fuzz_diag, NULL);
    struct dt_blob_write_opts o = {7, 1700000000, NULL, NULL, NULL};
    struct dt_buf out;
    dt_buf_init(&out, 0);
    if (!ser || !sk || dt_blob_write(ser, ns, sk, nk, &o, &out, NULL, &d) != DT_OK)
        goto done; /* refused input (a serial the writer rejects): reported, not written */
    struct dt_blob *b = NULL;
    char err[256];
    if (dt_blob_open(out.data, out.len, NULL, &b, err, sizeof(err)) != DT_BLOB_OK)
        __builtin_trap(); /* what we wrote does not open */
    /* Every entry is found; a changed serial exactly when it is an entry. */
    for (size_t i = 0; i < n; i++) {
        unsigned k = e[i].issuer % MAX_ISSUERS;
        if (e[i].issuer >= MAX_ISSUERS) {
            if (dt_blob_has_spki(b, names[k], name_len[k], e[i].b) != 1)
                __builtin_trap();
            continue;
        }
        if (dt_blob_has_serial(b, names[k], name_len[k], e[i].b, e[i].len) != 1)
            __builtin_trap();
        uint8_t c[64];
        memcpy(c, e[i].b, e[i].len);
        c[e[i].len - 1] ^= 1;
        int want = in_set(e, n, k, c, e[i].len, 0);
        if (dt_blob_has_serial(b, names[k], name_len[k], c, e[i].len) != want)
            __builtin_trap();
    }
    /* Iteration lists each distinct entry once: count the distinct ones. */
    size_t distinct_s = 0, distinct_k = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = e[j].issuer == e[i].issuer && e[j].len == e[i].len &&
                   !memcmp(e[j].b, e[i].b, e[i].len);
        if (!seen) {
            if (e[i].issuer >= MAX_ISSUERS)
                distinct_k++;
            else
                distinct_s++;
        }
    }
    struct iter it = {e, n, names, name_len, 0, 0, 0};
    if (dt_blob_iterate(b, on_serial, on_spki, &it) != DT_BLOB_OK || it.seen_serials != distinct_s ||
        it.seen_skeys != distinct_k)
        __builtin_trap();
    dt_blob_close(b);
done:
    dt_buf_free(&out);
    free(ser);
    free(sk);
    return 0;
}
