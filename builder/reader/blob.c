/*
 * blob.c - the revocation blob's fail-closed reader: the public API of
 * include/distrust/blob.h (libdistrust.so.1). The byte layout is documented
 * in doc/blob-format.md; keep it, this reader and the writer
 * (emit/blob_write.c) in step.
 *
 * Inside, functions return enum dt_err as everywhere in the tool; the
 * exported functions (at the end) check their arguments and turn an
 * internal failure into a public DT_BLOB_ERR_* code.
 */
#include <distrust/blob.h>

#include "blobfmt.h"
#include "common.h"
#include "der.h"
#include "digest.h"
#include "ecdsa.h"
#include "file.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>


/* ---- little helpers ---------------------------------------------------------------- */

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* A bounded reader over a section. */
struct rd {
    const uint8_t *p, *end;
    bool bad;
};

static uint64_t get_varint(struct rd *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            r->bad = true;
            return 0;
        }
        uint8_t c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            if (shift && !c) /* not minimal: a trailing zero group */
                r->bad = true;
            return v;
        }
    }
    r->bad = true;
    return 0;
}

static const uint8_t *get_bytes(struct rd *r, uint64_t n)
{
    if (r->bad || n > (uint64_t)(r->end - r->p)) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *q = r->p;
    r->p += n;
    return q;
}

/* Bits, most significant first. */
static inline unsigned bit_at(const uint8_t *s, uint64_t i)
{
    return (s[i >> 3] >> (7 - (i & 7))) & 1u;
}


/* Compares n bits of a at bit offset ao with n bits of b at bit offset bo. */
static int bits_cmp(const uint8_t *a, uint64_t ao, const uint8_t *b, uint64_t bo, uint64_t n)
{
    while (n) {
        unsigned c = n < 56 ? (unsigned)n : 56;
        uint64_t x = dt_blobfmt_get_bits(a, ao, c), y = dt_blobfmt_get_bits(b, bo, c);
        if (x != y)
            return x < y ? -1 : 1;
        ao += c;
        bo += c;
        n -= c;
    }
    return 0;
}

/* ---- DER names: a structured encoding that zlib compresses well -------------------- */


/* ---- reader -------------------------------------------------------------------------- */

/* Large lookup tables in transparent huge pages where the kernel offers
 * them: a lookup touches two random places of tables that can be larger
 * than the last-level cache, and with 4 KiB pages each also misses the TLB. */
static void *big_calloc(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    if (n < 4 * huge)
        return dt_mem_calloc(n ? n : 1, 1);
    size_t sz = (n + huge - 1) & ~(huge - 1);
    void *p = aligned_alloc(huge, sz);
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, sz, MADV_HUGEPAGE);
#endif
    memset(p, 0, sz);
    return p;
}

#define BUCKET_FPS 4
#ifndef BUCKET_SHIFT
#define BUCKET_SHIFT 1
#endif
/* Buckets of 2^BUCKET_SHIFT high parts: one to two serials each. */
static unsigned bucket_shift(unsigned hb)
{
    return hb < BUCKET_SHIFT ? hb : BUCKET_SHIFT;
}
struct bucket {
    uint32_t start;
    uint8_t fp[BUCKET_FPS];
};

struct rgroup {
    uint8_t len;
    uint8_t enc;
    uint32_t count;
    /* raw: count * len bytes; EF: */
    const uint8_t *data; /* raw serials, or the low bits */
    uint64_t l;          /* EF: low bits per serial */
    unsigned hb;         /* EF: high bits (8 * len - l) */
    uint64_t max_high;
    /* EF: the upper bitmap (in the content, padded), decoded at open into
     * buckets (the serials with high part h are [bk[h].start,
     * bk[h + 1].start)) and a one-byte fingerprint per serial (the first 8
     * low bits). A bucket also carries the fingerprints of its first
     * BUCKET_FPS serials (a bucket holds one serial on average): a lookup
     * reads one bucket, and touches the low bits only on a likely match. */
    const uint8_t *up;
    uint64_t up_bits;
    struct bucket *bk;
    uint8_t *fp;
    unsigned bs;  /* a bucket covers 2^bs high parts */
    unsigned fpb; /* fingerprint bits: min(8, bs + l), from bit hb - bs on */
};

struct dt_blob_issuer {
    const uint8_t *der;
    size_t der_len;
    uint64_t hash; /* hash_bytes(der) */
    struct rgroup *groups;
    uint32_t n_groups;
};

struct skey {
    const uint8_t *subject;
    size_t n;
    const uint8_t *hash;
};

struct dt_blob {
    struct dt_blob_info info; /* key_id and digest point into the two below */
    uint8_t key_id[32];
    uint8_t digest[32];
    uint8_t *content; /* decompressed sections */
    uint8_t *names;   /* rebuilt issuer DER names */
    struct dt_blob_issuer *issuers;
    size_t n_issuers;
    uint32_t *table; /* open addressing: issuer index + 1, 0 empty */
    size_t table_mask;
    struct rgroup *groups;
    size_t n_groups;
    struct bucket *bks; /* every EF group's buckets */
    uint8_t *fps;       /* every EF group's fingerprints */
    uint8_t *rows;      /* every raw group's serials, row by row */
    struct skey *skeys;
    size_t n_skeys;
};

/* Issuer names are hashed 8 bytes at a time (a lookup hashes one). */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        h = (h ^ v) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    uint64_t v = 0;
    memcpy(&v, p, n);
    h = (h ^ v) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

/* Why an open failed: the public code and the English reason (the first
 * failure recorded wins). */
struct why {
    char *msg;
    size_t cap;
    int code; /* DT_BLOB_ERR_*; 0 until a failure is recorded */
};

static void fail(struct why *w, int code, const char *fmt, ...) DT_PRINTF(3, 4);
static void fail(struct why *w, int code, const char *fmt, ...)
{
    if (w->code)
        return;
    w->code = code;
    if (!w->msg || !w->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, w->cap, fmt, ap);
    va_end(ap);
}

/* The public code of an internal result: the failure recorded, or one
 * named after rc (with its reason) when none was. */
static int public_code(enum dt_err rc, struct why *w)
{
    if (rc == DT_OK)
        return DT_BLOB_OK;
    if (!w->code) {
        switch (rc) {
        case DT_ERR_NOMEM:
            fail(w, DT_BLOB_ERR_NOMEM, "out of memory");
            break;
        case DT_ERR_LIMIT:
            fail(w, DT_BLOB_ERR_LIMIT, "a size limit was exceeded");
            break;
        case DT_ERR_IO:
            fail(w, DT_BLOB_ERR_IO, "input/output error");
            break;
        case DT_ERR_INPUT:
            fail(w, DT_BLOB_ERR_FORMAT, "not a valid blob");
            break;
        case DT_ERR_USAGE:
            fail(w, DT_BLOB_ERR_ARG, "a bad argument");
            break;
        default:
            fail(w, DT_BLOB_ERR_INTERNAL, "internal error (%s)", dt_err_str(rc));
            break;
        }
    }
    return w->code;
}

#define BAD_AS(code, ...)             \
    do {                              \
        fail(w, (code), __VA_ARGS__); \
        rc = DT_ERR_INPUT;            \
        goto out;                     \
    } while (0)
#define BAD(...) BAD_AS(DT_BLOB_ERR_FORMAT, __VA_ARGS__)

static bool inflate_exact(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK)
        return false;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)in_len;
    z.next_out = out;
    z.avail_out = (uInt)out_len;
    int r = inflate(&z, Z_FINISH);
    bool ok = r == Z_STREAM_END && z.avail_in == 0 && z.avail_out == 0;
    inflateEnd(&z);
    return ok;
}

/* Reads the structured names into DER. */
static enum dt_err read_names(struct dt_blob *b, struct rd *sp, struct dt_slice vals,
                              struct why *w)
{
    enum dt_err rc = DT_OK;
    struct rd s = *sp, v = {vals.p, vals.p + vals.n, false};
    struct dt_buf all;
    dt_buf_init(&all, 0);
    struct dt_slice *oids = NULL;
    size_t n_oids = 0, cap_oids = 0;
    size_t *offs = dt_mem_calloc(b->n_issuers + 1, sizeof(*offs));
    struct dt_blobfmt_name *prev = dt_mem_calloc(1, sizeof(*prev)), *cur = dt_mem_calloc(1, sizeof(*cur));
    DT_ENSURE_MEM(offs && prev && cur);
    bool have_prev = false;
    for (size_t i = 0; i < b->n_issuers; i++) {
        offs[i] = all.len;
        const uint8_t *kind = get_bytes(&s, 1);
        if (!kind || *kind > 1)
            BAD("issuer %zu: bad name record", i);
        if (*kind == 1) {
            uint64_t n = get_varint(&s);
            const uint8_t *p = get_bytes(&v, n);
            if (!p || dt_der_check_name(dt_slice_make(p, n)))
                BAD("issuer %zu: not a DER Name", i);
            DT_TRY(dt_buf_append(&all, p, n));
            have_prev = false;
            continue;
        }
        uint64_t k = get_varint(&s), fresh = get_varint(&s);
        if (s.bad || k > (have_prev ? prev->n_rdns : 0) || k + fresh > MAX_RDNS)
            BAD("issuer %zu: bad name structure", i);
        /* The shared RDNs are the previous name's. */
        unsigned na = 0;
        cur->n_rdns = 0;
        for (unsigned r = 0; r < k; r++) {
            cur->rdn_start[cur->n_rdns++] = (uint16_t)na;
            for (unsigned a = prev->rdn_start[r]; a < prev->rdn_start[r + 1]; a++)
                cur->avas[na++] = prev->avas[a];
        }
        for (uint64_t r = 0; r < fresh; r++) {
            uint64_t n_avas = get_varint(&s);
            if (s.bad || !n_avas || na + n_avas > MAX_AVAS)
                BAD("issuer %zu: bad name structure", i);
            cur->rdn_start[cur->n_rdns++] = (uint16_t)na;
            for (uint64_t a = 0; a < n_avas; a++) {
                uint64_t ref = get_varint(&s);
                struct dt_blobfmt_ava *x = &cur->avas[na++];
                if (!ref) {
                    uint64_t on = get_varint(&s);
                    const uint8_t *op = get_bytes(&s, on);
                    if (!op || !on)
                        BAD("issuer %zu: bad attribute type", i);
                    DT_TRY(dt_mem_grow((void **)&oids, &cap_oids, n_oids + 1, sizeof(*oids)));
                    oids[n_oids++] = dt_slice_make(op, on);
                    x->oid = oids[n_oids - 1];
                } else if (ref > n_oids) {
                    BAD("issuer %zu: bad attribute type reference", i);
                } else {
                    x->oid = oids[ref - 1];
                }
                const uint8_t *tag = get_bytes(&s, 1);
                uint64_t vn = get_varint(&s);
                const uint8_t *vp = get_bytes(&v, vn);
                if (!tag || !vp || *tag == 0xff || (*tag & 0x1f) == 0x1f)
                    BAD("issuer %zu: bad attribute value", i);
                x->tag = *tag;
                x->value = dt_slice_make(vp, vn);
            }
        }
        cur->rdn_start[cur->n_rdns] = (uint16_t)na;
        DT_TRY(dt_blobfmt_build_name(cur, &all));
        struct dt_blobfmt_name *t = prev;
        prev = cur;
        cur = t;
        have_prev = true;
    }
    offs[b->n_issuers] = all.len;
    if (s.bad || v.bad || v.p != v.end)
        BAD("the issuer names do not end where the header says");
    *sp = s;
    b->names = (uint8_t *)dt_buf_steal(&all, NULL);
    for (size_t i = 0; i < b->n_issuers; i++) {
        b->issuers[i].der = b->names + offs[i];
        b->issuers[i].der_len = offs[i + 1] - offs[i];
    }
out:
    dt_buf_free(&all);
    free(oids);
    free(offs);
    free(prev);
    free(cur);
    return rc;
}

static enum dt_err read_groups(struct dt_blob *b, struct rd *gp, struct dt_slice ss,
                               struct why *w)
{
    enum dt_err rc = DT_OK;
    struct rd g = *gp, s = {ss.p, ss.p + ss.n, false};
    size_t cap = 0, total = 0, bk_needed = 0, fps_needed = 0, raw_bytes = 0;
    /* First pass: the groups and their data; start arrays sized. */
    for (size_t i = 0; i < b->n_issuers; i++) {
        uint64_t ng = get_varint(&g);
        if (g.bad || !ng || ng > MAX_SERIAL_LEN)
            BAD("issuer %zu: bad serial groups", i);
        b->issuers[i].n_groups = (uint32_t)ng;
        size_t first = b->n_groups;
        unsigned prev_len = 0;
        for (uint64_t k = 0; k < ng; k++) {
            uint64_t len = get_varint(&g), count = get_varint(&g);
            if (g.bad || len <= prev_len || len > MAX_SERIAL_LEN || !count ||
                count > b->info.serials)
                BAD("issuer %zu: bad serial group %llu", i, (unsigned long long)k);
            unsigned hb = dt_blobfmt_ceil_log2(count);
            uint8_t enc = count >= EF_MIN && hb < 8 * len ? ENC_EF : ENC_RAW;
            prev_len = (unsigned)len;
            DT_TRY(dt_mem_grow((void **)&b->groups, &cap, b->n_groups + 1, sizeof(*b->groups)));
            struct rgroup *gr = &b->groups[b->n_groups++];
            memset(gr, 0, sizeof(*gr));
            gr->len = (uint8_t)len;
            gr->enc = enc;
            gr->count = (uint32_t)count;
            total += count;
            if (total > b->info.serials)
                BAD("more serials than the header says");
            if (enc == ENC_RAW) {
                gr->data = get_bytes(&s, count * len); /* column by column; rows below */
                if (!gr->data)
                    BAD("issuer %zu: serial data runs past its section", i);
                raw_bytes += count * len;
                continue;
            }
            uint64_t l = 8 * len - hb;
            if (hb > 40)
                BAD("issuer %zu: a serial group too large", i);
            uint64_t up_bits = get_varint(&s);
            uint64_t low_bytes = (count * l + 7) / 8;
            gr->l = l;
            gr->hb = hb;
            gr->data = get_bytes(&s, low_bytes);
            const uint8_t *up = get_bytes(&s, (up_bits + 7) / 8);
            if (!gr->data || !up || up_bits < count || up_bits - count > ((uint64_t)1 << hb))
                BAD("issuer %zu: Elias-Fano data runs past its section", i);
            gr->max_high = up_bits - count - 1;
            gr->up = up;
            gr->up_bits = up_bits;
            bk_needed += (gr->max_high >> bucket_shift(hb)) + 2;
            fps_needed += count;
        }
        b->issuers[i].groups = (struct rgroup *)(uintptr_t)first; /* fixed below */
    }
    if (g.bad || s.bad || s.p != s.end || total != b->info.serials)
        BAD("the serial sections do not end where the header says");
    *gp = g;
    for (size_t i = 0; i < b->n_issuers; i++)
        b->issuers[i].groups = b->groups + (uintptr_t)b->issuers[i].groups;
    /* Raw groups row by row, for binary search, and their order. */
    b->rows = dt_mem_calloc(raw_bytes + PAD, 1);
    DT_ENSURE_MEM(b->rows);
    size_t row_at = 0;
    for (size_t k = 0; k < b->n_groups; k++) {
        struct rgroup *gr = &b->groups[k];
        if (gr->enc != ENC_RAW)
            continue;
        uint8_t *rows = b->rows + row_at;
        for (size_t c = 0; c < gr->len; c++)
            for (size_t j = 0; j < gr->count; j++)
                rows[j * gr->len + c] = gr->data[c * gr->count + j];
        gr->data = rows;
        row_at += (size_t)gr->count * gr->len;
        for (uint32_t j = 1; j < gr->count; j++)
            if (memcmp(rows + (j - 1) * gr->len, rows + j * gr->len, gr->len) >= 0)
                BAD("serials not in strictly ascending order");
    }
    /* Second pass: the bucket bounds of the Elias-Fano groups, and their order. */
    b->bks = big_calloc((bk_needed + 1) * sizeof(*b->bks));
    b->fps = dt_mem_calloc(fps_needed + 1, 1);
    DT_ENSURE_MEM(b->bks && b->fps);
    size_t bk_used = 0, fp_used = 0;
    for (size_t k = 0; k < b->n_groups; k++) {
        struct rgroup *gr = &b->groups[k];
        if (gr->enc != ENC_EF)
            continue;
        gr->bk = b->bks + bk_used;
        gr->bs = bucket_shift(gr->hb);
        bk_used += (gr->max_high >> gr->bs) + 2;
        gr->fp = b->fps + fp_used;
        fp_used += gr->count;
        gr->fpb = gr->l + gr->bs < 8 ? (unsigned)gr->l + gr->bs : 8;
        const uint64_t in_bucket = ((uint64_t)1 << gr->bs) - 1;
        /* One pass over the upper bitmap: count, directory, order. */
        uint64_t zeros = 0, ones = 0, prev = UINT64_MAX; /* prev: the previous serial in a bucket */
        for (uint64_t pos = 0; pos < gr->up_bits; pos++) {
            if (!bit_at(gr->up, pos)) {
                if (zeros > gr->max_high)
                    BAD("bad Elias-Fano upper bits");
                if (!(++zeros & in_bucket))
                    gr->bk[zeros >> gr->bs].start = (uint32_t)ones;
                prev = UINT64_MAX;
                continue;
            }
            if (ones >= gr->count)
                BAD("bad Elias-Fano upper bits");
            if (prev != UINT64_MAX &&
                bits_cmp(gr->data, prev * gr->l, gr->data, ones * gr->l, gr->l) >= 0)
                BAD("serials not in strictly ascending order");
            unsigned lowb = gr->fpb - gr->bs;
            gr->fp[ones] =
                (uint8_t)((zeros & in_bucket) << lowb | dt_blobfmt_get_bits(gr->data, ones * gr->l, lowb));
            struct bucket *bk = &gr->bk[zeros >> gr->bs];
            if (ones - bk->start < BUCKET_FPS)
                bk->fp[ones - bk->start] = gr->fp[ones];
            prev = ones++;
        }
        if (ones != gr->count || zeros != gr->max_high + 1 || bit_at(gr->up, gr->up_bits - 1))
            BAD("bad Elias-Fano upper bits");
        gr->bk[(gr->max_high >> gr->bs) + 1].start = (uint32_t)ones;
        for (uint64_t pad = gr->up_bits; pad < ((gr->up_bits + 7) & ~(uint64_t)7); pad++)
            if (bit_at(gr->up, pad))
                BAD("bad Elias-Fano padding");
    }
out:
    return rc;
}

static enum dt_err check_signature(struct dt_blob *b, const uint8_t *data, size_t len,
                                   size_t body_end, const struct dt_blob_open_opts *o,
                                   struct why *w)
{
    enum dt_err rc = DT_OK;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *ctx = NULL;
    struct dt_buf msg;
    dt_buf_init(&msg, 0);
    if (!b->info.is_signed) {
        if (len != body_end)
            BAD("%zu bytes after the content of an unsigned blob", len - body_end);
        if (o && o->verify_key_pem)
            BAD_AS(DT_BLOB_ERR_SIGNATURE, "the blob is not signed, and a signature is required");
        goto out;
    }
    if (len - body_end < 36)
        BAD("the signature is cut short");
    const uint8_t *t = data + body_end;
    size_t slen = (size_t)get_be(t + 2, 2);
    if ((t[0] != 1 && t[0] != 2) || t[1] || len - body_end != 36 + slen)
        BAD("a malformed signature block");
    b->info.signature_bits = t[0] == 2 ? 384 : 256;
    memcpy(b->key_id, t + 4, 32);
    b->info.key_id = b->key_id;
    if (!o || !o->verify_key_pem)
        goto out;
    key = dt_ecdsa_pem_key(o->verify_key_pem, strlen(o->verify_key_pem), false);
    int bits = dt_ecdsa_bits(key);
    if (!bits)
        BAD_AS(DT_BLOB_ERR_ARG,
               "the verification key is not an ECDSA P-256 or P-384 public key (PEM)");
    uint8_t id[32];
    rc = dt_ecdsa_key_id(key, id);
    if (rc == DT_OK && (memcmp(id, b->key_id, 32) || bits != b->info.signature_bits))
        BAD_AS(DT_BLOB_ERR_SIGNATURE, "the blob is signed by another key");
    if (rc == DT_OK)
        rc = dt_blobfmt_sig_message(data, dt_slice_make(data + HEADER_LEN, body_end - HEADER_LEN),
                                    &msg);
    if (rc != DT_OK) {
        fail(w, rc == DT_ERR_NOMEM ? DT_BLOB_ERR_NOMEM : DT_BLOB_ERR_OPENSSL,
             "cannot check the signature: %s", dt_digest_why() ? dt_digest_why() : dt_err_str(rc));
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    if (!ctx ||
        EVP_DigestVerifyInit(ctx, NULL, bits == 384 ? EVP_sha384() : EVP_sha256(), NULL, key) !=
            1 ||
        EVP_DigestVerify(ctx, t + 36, slen, msg.data, msg.len) != 1)
        BAD_AS(DT_BLOB_ERR_SIGNATURE, "the signature does not verify");
    b->info.signature_verified = 1;
out:
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    dt_buf_free(&msg);
    return rc;
}

void dt_blob_close(struct dt_blob *b)
{
    if (!b)
        return;
    free(b->content);
    free(b->names);
    free(b->issuers);
    free(b->table);
    free(b->groups);
    free(b->bks);
    free(b->fps);
    free(b->rows);
    free(b->skeys);
    free(b);
}

/* dt_blob_open without the argument checks; *outp is set on success. */
static enum dt_err open_blob(const uint8_t *data, size_t len, const struct dt_blob_open_opts *o,
                             struct dt_blob **outp, struct why *w)
{
    enum dt_err rc = DT_OK;
    struct dt_blob *b = dt_mem_calloc(1, sizeof(*b));
    if (!b)
        return DT_ERR_NOMEM;
    b->info.struct_size = sizeof(b->info);
    size_t max = o && o->max_content_bytes ? o->max_content_bytes : DEFAULT_MAX_CONTENT;
    if (!data || len < HEADER_LEN)
        BAD("truncated: %zu bytes, the header alone is %d", len, HEADER_LEN);
    if (memcmp(data, dt_blobfmt_magic, 8))
        BAD("not a distrust revocation blob (bad magic)");
    unsigned version = (unsigned)get_be(data + 8, 2);
    if (version != 1)
        BAD("unknown format version %u (this reader knows 1)", version);
    uint64_t flags = get_be(data + 10, 2), hlen = get_be(data + 12, 4);
    if (flags & ~(uint64_t)1 || hlen != HEADER_LEN)
        BAD("unknown header flags or length");
    for (int i = 96; i < HEADER_LEN; i++)
        if (data[i])
            BAD("reserved header bytes are not zero");
    b->info.version = version;
    b->info.sequence = get_be(data + 16, 8);
    b->info.created = (int64_t)get_be(data + 24, 8);
    b->info.issuers = (size_t)get_be(data + 32, 4);
    b->info.serials = (size_t)get_be(data + 36, 8);
    b->info.subject_keys = (size_t)get_be(data + 44, 4);
    uint64_t clen = get_be(data + 48, 8), blen = get_be(data + 56, 8);
    memcpy(b->digest, data + 64, 32);
    b->info.digest = b->digest;
    b->info.is_signed = (int)(flags & 1);
    b->info.file_bytes = len;
    if (clen > max)
        BAD_AS(DT_BLOB_ERR_LIMIT,
               "the content would be %llu bytes, over the %zu-byte cap (a decompression bomb?)",
            (unsigned long long)clen, max);
    if (blen > len - HEADER_LEN)
        BAD("truncated: the body needs %llu bytes, %zu are there", (unsigned long long)blen,
            len - HEADER_LEN);
    if (b->info.serials > clen || b->info.issuers > clen || b->info.subject_keys > clen)
        BAD("counts larger than the content");
    size_t body_end = HEADER_LEN + (size_t)blen;
    DT_TRY(check_signature(b, data, len, body_end, o, w));
    uint8_t h[32];
    rc = dt_blobfmt_content_digest(data, dt_slice_make(data + HEADER_LEN, (size_t)blen), h);
    if (rc != DT_OK) {
        fail(w, rc == DT_ERR_NOMEM ? DT_BLOB_ERR_NOMEM : DT_BLOB_ERR_OPENSSL,
             "cannot check the blob's SHA-256: %s",
             dt_digest_why() ? dt_digest_why() : dt_err_str(rc));
        goto out;
    }
    if (memcmp(h, b->digest, 32))
        BAD("the header and body do not match their SHA-256 (corrupted)");

    /* Sections: inflate each into the content buffer, exactly. */
    b->content = big_calloc((size_t)clen + PAD);
    if (!b->content)
        BAD_AS(DT_BLOB_ERR_NOMEM, "out of memory for %llu bytes of content",
               (unsigned long long)clen);
    struct dt_slice sec[N_SECTIONS];
    size_t pos = HEADER_LEN, cpos = 0;
    for (int i = 0; i < N_SECTIONS; i++) {
        if (body_end - pos < 8)
            BAD("truncated: section %d", i);
        uint64_t un = get_be(data + pos, 4), cn = get_be(data + pos + 4, 4);
        pos += 8;
        if (cn > body_end - pos || un > clen - cpos)
            BAD("section %d runs past the blob", i);
        if (!inflate_exact(data + pos, (size_t)cn, b->content + cpos, (size_t)un))
            BAD("section %d does not decompress to its %llu bytes (corrupted)", i,
                (unsigned long long)un);
        sec[i] = dt_slice_make(b->content + cpos, (size_t)un);
        pos += (size_t)cn;
        cpos += (size_t)un;
    }
    if (pos != body_end || cpos != clen)
        BAD("the sections do not fill the body");

    b->info.content_bytes = (size_t)clen;

    b->n_issuers = b->info.issuers;
    b->issuers = dt_mem_calloc(b->n_issuers ? b->n_issuers : 1, sizeof(*b->issuers));
    if (!b->issuers)
        BAD_AS(DT_BLOB_ERR_NOMEM, "out of memory");
    struct rd r = {sec[SEC_STRUCT].p, sec[SEC_STRUCT].p + sec[SEC_STRUCT].n, false};
    DT_TRY(read_names(b, &r, sec[SEC_VALUES], w));
    DT_TRY(read_groups(b, &r, sec[SEC_SERIALS], w));
    for (size_t k = 0; k < b->n_groups; k++) {
        b->info.ef_groups += b->groups[k].enc == ENC_EF;
        b->info.raw_groups += b->groups[k].enc == ENC_RAW;
    }
    /* The issuer table; a name twice is corruption. */
    size_t tsize = 16;
    while (tsize < 2 * b->n_issuers)
        tsize <<= 1;
    b->table = dt_mem_calloc(tsize, sizeof(*b->table));
    if (!b->table)
        BAD_AS(DT_BLOB_ERR_NOMEM, "out of memory");
    b->table_mask = tsize - 1;
    for (size_t i = 0; i < b->n_issuers; i++) {
        struct dt_blob_issuer *is = &b->issuers[i];
        is->hash = hash_bytes(is->der, is->der_len);
        size_t slot = (size_t)is->hash & b->table_mask;
        while (b->table[slot]) {
            const struct dt_blob_issuer *o2 = &b->issuers[b->table[slot] - 1];
            if (!dt_blobfmt_cmp_bytes(o2->der, o2->der_len, is->der, is->der_len))
                BAD("issuer %zu is listed twice", i);
            slot = (slot + 1) & b->table_mask;
        }
        b->table[slot] = (uint32_t)(i + 1);
    }
    /* Subject + key entries: the rest of the structure section. */
    b->n_skeys = b->info.subject_keys;
    b->skeys = dt_mem_calloc(b->n_skeys ? b->n_skeys : 1, sizeof(*b->skeys));
    if (!b->skeys)
        BAD_AS(DT_BLOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < b->n_skeys; i++) {
        uint64_t n = get_varint(&r);
        const uint8_t *sp = get_bytes(&r, n), *hp = get_bytes(&r, 32);
        if (!sp || !hp || dt_der_check_name(dt_slice_make(sp, n)))
            BAD("subject + key entry %zu is malformed", i);
        b->skeys[i] = (struct skey){sp, n, hp};
        if (i) {
            const struct skey *p = &b->skeys[i - 1];
            int c = dt_blobfmt_cmp_bytes(p->subject, p->n, sp, n);
            if (c > 0 || (!c && memcmp(p->hash, hp, 32) >= 0))
                BAD("subject + key entries not in strictly ascending order");
        }
    }
    if (r.bad || r.p != r.end)
        BAD("the subject + key section does not end where the header says");
    *outp = b;
    b = NULL;
out:
    dt_blob_close(b);
    return rc;
}

/* dt_blob_open_file without the argument checks. */
static enum dt_err open_file(const char *path, const struct dt_blob_open_opts *o,
                             struct dt_blob **out, struct why *w)
{
    /* Only a regular file: a FIFO or a device would block or never end. */
    int fd, oerr;
    struct stat st;
    if (dt_file_open_regular(path, &fd, &st, &oerr) != DT_OK) {
        char why[512];
        fail(w, DT_BLOB_ERR_IO, "%s", dt_file_open_failure(path, oerr, &st, why, sizeof(why)));
        return DT_ERR_IO;
    }
    struct dt_buf b;
    dt_buf_init(&b, 0);
    uint8_t chunk[65536];
    enum dt_err rc = DT_OK;
    size_t max = o->max_content_bytes ? o->max_content_bytes : DEFAULT_MAX_CONTENT;
    size_t cap = max > SIZE_MAX - 4096 ? SIZE_MAX : max + 4096;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail(w, DT_BLOB_ERR_IO, "cannot read %s: %s", path, strerror(errno));
            rc = DT_ERR_IO;
            break;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > cap) {
            fail(w, DT_BLOB_ERR_LIMIT, "%s is larger than any blob this reader accepts", path);
            rc = DT_ERR_LIMIT;
            break;
        }
        if ((rc = dt_buf_append(&b, chunk, (size_t)n)) != DT_OK)
            break;
    }
    close(fd);
    if (rc == DT_OK)
        rc = open_blob(b.data, b.len, o, out, w);
    dt_buf_free(&b);
    return rc;
}

/* Equality of two byte strings, inline: an issuer name is compared on
 * every lookup, and a library call costs more than the comparison. */
static inline bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint64_t x, y, diff = 0;
    for (; n >= 8; n -= 8, a += 8, b += 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        diff |= x ^ y;
    }
    for (; n; n--)
        diff |= (uint64_t)(*a++ ^ *b++);
    return !diff;
}

/* The issuer of these DER bytes, or NULL when the blob lists none of its
 * serials. */
static const struct dt_blob_issuer *find_issuer(const struct dt_blob *b, const uint8_t *der,
                                                size_t len)
{
    uint64_t h = hash_bytes(der, len);
    size_t slot = (size_t)h & b->table_mask;
    while (b->table[slot]) {
        const struct dt_blob_issuer *is = &b->issuers[b->table[slot] - 1];
        if (is->hash == h && is->der_len == len && same_bytes(is->der, der, len))
            return is;
        slot = (slot + 1) & b->table_mask;
    }
    return NULL;
}

/* Copies a serial into a padded key buffer (PAD zero bytes after it) with
 * fixed-size moves: a lookup's serial is 8 to 32 octets nearly always, and
 * the generic copy of a variable length costs more than the rest of a
 * cached lookup. */
static inline void load_key(uint8_t *key, const uint8_t *s, size_t len)
{
    if (len >= 16 && len <= 32) {
        memcpy(key, s, 16);
        memcpy(key + len - 16, s + len - 16, 16);
    } else if (len >= 8 && len < 16) {
        memcpy(key, s, 8);
        memcpy(key + len - 8, s + len - 8, 8);
    } else {
        memcpy(key, s, len);
    }
    memset(key + len, 0, PAD);
}

/* 64 bits at bit offset pos (the buffer is padded). */
static inline uint64_t bits64(const uint8_t *s, uint64_t pos)
{
    const uint8_t *p = s + (pos >> 3);
    unsigned sh = (unsigned)(pos & 7);
    uint64_t v = dt_blobfmt_load_be64(p) << sh;
    return sh ? v | (uint64_t)p[8] >> (8 - sh) : v;
}

/* Whether serial j's low bits equal the key's, a word at a time. */
static inline bool low_equal(const struct rgroup *g, uint64_t j, const uint8_t *key)
{
    uint64_t a = j * g->l, b = g->hb, n = g->l;
    for (; n >= 64; n -= 64, a += 64, b += 64)
        if (bits64(g->data, a) != bits64(key, b))
            return false;
    return !n || !((bits64(g->data, a) ^ bits64(key, b)) >> (64 - n));
}

/* The key's fingerprint in group g. */
static inline unsigned key_fp(const struct rgroup *g, const uint8_t *key)
{
    return (unsigned)dt_blobfmt_get_bits(key, g->hb - g->bs, g->fpb);
}

/* A bucket of serials that share their high part (a CA's sequential or
 * prefixed serials) can be long: binary search, by the high part's bits
 * the bucket spans (the top of the fingerprint), then by the low bits. */
#define LARGE_BUCKET 16
static int large_bucket_has(const struct rgroup *g, uint64_t lo, uint64_t hi, const uint8_t *key,
                            unsigned kfp)
{
    unsigned lowb = g->fpb - g->bs, ksub = kfp >> lowb;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        unsigned sub = (unsigned)g->fp[mid] >> lowb;
        int c =
            sub != ksub ? (sub < ksub ? -1 : 1) : bits_cmp(g->data, mid * g->l, key, g->hb, g->l);
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Whether bucket bk holds the key. A bucket is sorted by the low bits, so
 * by fingerprint (their first bits): only equal fingerprints are compared,
 * and a greater one ends the search. */
static inline int bucket_has(const struct rgroup *g, const struct bucket *bk, const uint8_t *key)
{
    uint64_t j = bk[0].start, end = bk[1].start;
    unsigned kfp = key_fp(g, key);
    if (end - j > LARGE_BUCKET)
        return large_bucket_has(g, j, end, key, kfp);
    for (unsigned k = 0; j < end; j++, k++) {
        unsigned f = k < BUCKET_FPS ? bk->fp[k] : g->fp[j];
        if (f > kfp)
            break;
        if (f == kfp && low_equal(g, j, key))
            return 1;
    }
    return 0;
}

static int group_has(const struct rgroup *g, const uint8_t *s)
{
    if (g->enc == ENC_RAW) {
        size_t lo = 0, hi = g->count;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = memcmp(g->data + mid * g->len, s, g->len);
            if (!c)
                return 1;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return 0;
    }
    uint8_t key[MAX_SERIAL_LEN + PAD];
    load_key(key, s, g->len);
    uint64_t high = dt_blobfmt_top_bits(key, g->hb);
    if (high > g->max_high)
        return 0;
    return bucket_has(g, &g->bk[high >> g->bs], key);
}

static int issuer_has(const struct dt_blob_issuer *is, const uint8_t *serial, size_t len)
{
    for (uint32_t k = 0; k < is->n_groups; k++)
        if (is->groups[k].len == len)
            return group_has(&is->groups[k], serial);
    return 0;
}

static int has_serial(const struct dt_blob *b, const uint8_t *issuer, size_t issuer_len,
                      const uint8_t *serial, size_t serial_len)
{
    const struct dt_blob_issuer *is = find_issuer(b, issuer, issuer_len);
    return is ? issuer_has(is, serial, serial_len) : 0;
}

/* Many lookups at once: in windows of WINDOW queries, the first pass
 * resolves issuer and group and prefetches the bucket bounds, the second
 * reads them and prefetches the bucket's fingerprints and low bits, the
 * third decides; the memory latencies of the windows in flight overlap
 * instead of adding up. */
#define WINDOW 16
#define STAGES 3

struct pending {
    const struct rgroup *g;
    const struct bucket *bk;
    uint64_t high;
    uint8_t key[32 + PAD]; /* longer serials are decided in stage 1 */
};

static const struct rgroup *group_of(const struct dt_blob_issuer *is, size_t len)
{
    for (uint32_t k = 0; is && k < is->n_groups; k++)
        if (is->groups[k].len == len)
            return &is->groups[k];
    return NULL;
}

/* The last issuer a batch resolved: consecutive queries of one issuer (a
 * serial list, a CRL) skip the hash table. */
struct issuer_memo {
    const uint8_t *der;
    size_t len;
    const struct dt_blob_issuer *is;
};

static const struct dt_blob_issuer *find_issuer_memo(const struct dt_blob *b, const uint8_t *der,
                                                     size_t len, struct issuer_memo *mo)
{
    if (mo->der && len == mo->len && (der == mo->der || same_bytes(der, mo->der, len)))
        return mo->is;
    const struct dt_blob_issuer *is = find_issuer(b, der, len);
    mo->der = der;
    mo->len = len;
    mo->is = is;
    return is;
}

/* Stage 1: issuer, group, high part; prefetch the bucket bounds. Returns
 * whether a query of the window is malformed (a NULL pointer or a zero
 * length: answered 0 here, the batch fails). */
static bool stage1(const struct dt_blob *b, const struct dt_blob_query *q, size_t m,
                   struct pending *p, uint8_t *listed, struct issuer_memo *mo)
{
    bool bad = false;
    for (size_t i = 0; i < m; i++) {
        const struct dt_blob_query *x = &q[i];
        bool ok = x->serial && x->serial_len && x->issuer && x->issuer_len;
        bad |= !ok;
        const struct rgroup *g =
            ok && x->serial_len <= MAX_SERIAL_LEN
                ? group_of(find_issuer_memo(b, x->issuer, x->issuer_len, mo), x->serial_len)
                : NULL;
        p[i].g = NULL;
        listed[i] = 0;
        if (!g)
            continue;
        if (g->enc == ENC_RAW || g->len > 32) {
            listed[i] = (uint8_t)group_has(g, x->serial);
            continue;
        }
        load_key(p[i].key, x->serial, g->len);
        p[i].high = dt_blobfmt_top_bits(p[i].key, g->hb);
        if (p[i].high > g->max_high)
            continue;
        p[i].g = g;
        __builtin_prefetch(&g->bk[p[i].high >> g->bs]);
    }
    return bad;
}

/* Stage 2: the bucket. A key whose fingerprint is not among the bucket's
 * is decided here (most non-members); otherwise prefetch the low bits of
 * the first candidate (and the fingerprints past the bucket's own). */
static void stage2(size_t m, struct pending *p)
{
    for (size_t i = 0; i < m; i++) {
        const struct rgroup *g = p[i].g;
        if (!g)
            continue;
        const struct bucket *bk = &g->bk[p[i].high >> g->bs];
        uint64_t j = bk[0].start, size = bk[1].start - j;
        unsigned kfp = key_fp(g, p[i].key), k = 0;
        while (k < size && k < BUCKET_FPS && bk->fp[k] < kfp)
            k++;
        if (k == size || (k < BUCKET_FPS && bk->fp[k] != kfp)) {
            p[i].g = NULL;
            continue;
        }
        p[i].bk = bk;
        if (k == BUCKET_FPS)
            __builtin_prefetch(g->fp + j + k);
        uint64_t at = (j + k) * g->l;
        __builtin_prefetch(g->data + (at >> 3));
        __builtin_prefetch(g->data + ((at + g->l - 1) >> 3));
    }
}

/* Stage 3: the answer. */
static void stage3(size_t m, const struct pending *p, uint8_t *listed)
{
    for (size_t i = 0; i < m; i++) {
        const struct rgroup *g = p[i].g;
        if (!g)
            continue;
        listed[i] = (uint8_t)bucket_has(g, p[i].bk, p[i].key);
    }
}

/* dt_blob_lookup_many without the argument checks: false when a query is
 * malformed. */
static bool lookup_many(const struct dt_blob *b, const struct dt_blob_query *q, size_t n,
                        uint8_t *listed)
{
    /* STAGES windows in flight, each a stage further than the next, so the
     * prefetches of each stage have a window's worth of work to arrive in. */
    static const size_t W = WINDOW;
    struct pending p[STAGES][WINDOW];
    struct issuer_memo memo = {NULL, 0, NULL};
    bool bad = false;
    size_t windows = (n + W - 1) / W;
    for (size_t k = 0; k < windows + STAGES - 1; k++) {
        for (size_t s = 0; s < STAGES; s++) {
            if (k < s || k - s >= windows)
                continue;
            size_t w = k - s, base = w * W, m = n - base < W ? n - base : W;
            struct pending *pw = p[w % STAGES];
            if (s == 0)
                bad |= stage1(b, q + base, m, pw, listed + base, &memo);
            else if (s == 1)
                stage2(m, pw);
            else
                stage3(m, pw, listed + base);
        }
    }
    return !bad;
}

static int has_spki(const struct dt_blob *b, const uint8_t *subject, size_t n,
                    const uint8_t spki_sha256[32])
{
    size_t lo = 0, hi = b->n_skeys;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct skey *k = &b->skeys[mid];
        int c = dt_blobfmt_cmp_bytes(k->subject, k->n, subject, n);
        if (!c)
            c = memcmp(k->hash, spki_sha256, 32);
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The walk of dt_blob_iterate: 0, or the value a callback stopped it with. */
static int iterate(const struct dt_blob *b, dt_blob_serial_fn on_serial, dt_blob_spki_fn on_spki,
                   void *ctx)
{
    uint8_t s[MAX_SERIAL_LEN + PAD];
    for (size_t i = 0; on_serial && i < b->n_issuers; i++) {
        const struct dt_blob_issuer *is = &b->issuers[i];
        for (uint32_t k = 0; k < is->n_groups; k++) {
            const struct rgroup *g = &is->groups[k];
            uint64_t walk_pos = 0, walk_high = 0;
            for (uint32_t j = 0; j < g->count; j++) {
                if (g->enc == ENC_RAW) {
                    memcpy(s, g->data + (size_t)j * g->len, g->len);
                } else {
                    memset(s, 0, g->len);
                    /* high: the zeros before the j-th one of the bitmap */
                    while (bit_at(g->up, walk_pos) == 0) {
                        walk_pos++;
                        walk_high++;
                    }
                    walk_pos++;
                    for (unsigned bit = 0; bit < g->hb; bit++)
                        if ((walk_high >> (g->hb - 1 - bit)) & 1)
                            s[bit >> 3] |= (uint8_t)(0x80u >> (bit & 7));
                    dt_blobfmt_bits_put(s, g->hb, g->data, (uint64_t)j * g->l, g->l);
                }
                int r = on_serial(is->der, is->der_len, s, g->len, ctx);
                if (r)
                    return r;
            }
        }
    }
    for (size_t i = 0; on_spki && i < b->n_skeys; i++) {
        int r = on_spki(b->skeys[i].subject, b->skeys[i].n, b->skeys[i].hash, ctx);
        if (r)
            return r;
    }
    return 0;
}

/* ---- the public API (include/distrust/blob.h) -------------------------------------- */

/* The sizes of the public structs in DISTRUST_1.0: the least struct_size a
 * caller may give. They never change; a struct grows only at its end. */
#define OPEN_OPTS_V1_SIZE (offsetof(struct dt_blob_open_opts, max_content_bytes) + sizeof(size_t))
#define INFO_V1_SIZE (offsetof(struct dt_blob_info, content_bytes) + sizeof(uint64_t))
/* A struct_size larger than this is a bad call, not a struct from the future. */
#define MAX_STRUCT_SIZE 4096

/* The caller's options as this library's struct: NULL is the defaults; a
 * struct_size under the DISTRUST_1.0 size, or one from a later header whose
 * options this library does not know (non-zero bytes past its struct), is
 * DT_BLOB_ERR_ARG: an option must never be silently ignored. */
static int read_open_opts(const struct dt_blob_open_opts *in, struct dt_blob_open_opts *o,
                          struct why *w)
{
    memset(o, 0, sizeof(*o));
    o->struct_size = sizeof(*o);
    if (!in)
        return DT_BLOB_OK;
    if (in->struct_size < OPEN_OPTS_V1_SIZE || in->struct_size > MAX_STRUCT_SIZE) {
        fail(w, DT_BLOB_ERR_ARG, "dt_blob_open_opts.struct_size is %zu (set it to sizeof)",
             in->struct_size);
        return w->code;
    }
    size_t n = in->struct_size < sizeof(*o) ? in->struct_size : sizeof(*o);
    memcpy(o, in, n);
    for (size_t i = sizeof(*o); i < in->struct_size; i++)
        if (((const unsigned char *)in)[i]) {
            fail(w, DT_BLOB_ERR_ARG, "dt_blob_open_opts: an option this library does not know");
            return w->code;
        }
    o->struct_size = sizeof(*o);
    return DT_BLOB_OK;
}

const char *dt_blob_strerror(int rc)
{
    switch (rc) {
    case DT_BLOB_OK:
        return "0: success (for a lookup: not listed)";
    case 1:
        return "1: listed";
    case DT_BLOB_ERR_ARG:
        return "bad argument";
    case DT_BLOB_ERR_NOMEM:
        return "out of memory";
    case DT_BLOB_ERR_IO:
        return "the file cannot be read";
    case DT_BLOB_ERR_FORMAT:
        return "not a valid revocation blob";
    case DT_BLOB_ERR_LIMIT:
        return "over the size limit";
    case DT_BLOB_ERR_SIGNATURE:
        return "no valid signature by the required key";
    case DT_BLOB_ERR_CERT:
        return "a certificate that cannot be read";
    case DT_BLOB_ERR_OPENSSL:
        return "an OpenSSL call failed";
    case DT_BLOB_ERR_INTERNAL:
        return "internal error";
    default:
        return "unknown result code";
    }
}

int dt_blob_open(const void *data, size_t len, const struct dt_blob_open_opts *opts,
                 struct dt_blob **out, char *err, size_t err_cap)
{
    struct why w = {err, err_cap, 0};
    struct dt_blob_open_opts o;
    if (err && err_cap)
        err[0] = 0;
    if (out)
        *out = NULL;
    if (!out || (!err && err_cap)) {
        fail(&w, DT_BLOB_ERR_ARG, "dt_blob_open: out is NULL, or err is NULL with err_cap");
        return w.code;
    }
    if (!data) {
        fail(&w, DT_BLOB_ERR_ARG, "dt_blob_open: data is NULL");
        return w.code;
    }
    if (read_open_opts(opts, &o, &w) != DT_BLOB_OK)
        return w.code;
    return public_code(open_blob(data, len, &o, out, &w), &w);
}

int dt_blob_open_file(const char *path, const struct dt_blob_open_opts *opts,
                      struct dt_blob **out, char *err, size_t err_cap)
{
    struct why w = {err, err_cap, 0};
    struct dt_blob_open_opts o;
    if (err && err_cap)
        err[0] = 0;
    if (out)
        *out = NULL;
    if (!out || !path || (!err && err_cap)) {
        fail(&w, DT_BLOB_ERR_ARG,
             "dt_blob_open_file: path or out is NULL, or err is NULL with err_cap");
        return w.code;
    }
    if (read_open_opts(opts, &o, &w) != DT_BLOB_OK)
        return w.code;
    return public_code(open_file(path, &o, out, &w), &w);
}

int dt_blob_get_info(const struct dt_blob *b, struct dt_blob_info *info)
{
    if (!b || !info || info->struct_size < INFO_V1_SIZE || info->struct_size > MAX_STRUCT_SIZE)
        return DT_BLOB_ERR_ARG;
    size_t want = info->struct_size, n = want < sizeof(b->info) ? want : sizeof(b->info);
    memcpy(info, &b->info, n);
    if (want > n)
        memset((unsigned char *)info + n, 0, want - n);
    info->struct_size = want;
    return DT_BLOB_OK;
}

int dt_blob_has_serial(const struct dt_blob *b, const uint8_t *issuer, size_t issuer_len,
                       const uint8_t *serial, size_t serial_len)
{
    if (!b || !issuer || !issuer_len || !serial || !serial_len)
        return DT_BLOB_ERR_ARG;
    return has_serial(b, issuer, issuer_len, serial, serial_len);
}

int dt_blob_has_serial_der(const struct dt_blob *b, const uint8_t *issuer, size_t issuer_len,
                           const uint8_t *tlv, size_t tlv_len)
{
    struct dt_tlv t;
    if (!b || !issuer || !issuer_len || !tlv ||
        dt_der_read_one(dt_slice_make(tlv, tlv_len), DT_TAG_INTEGER, &t) || !t.val.n)
        return DT_BLOB_ERR_ARG;
    return has_serial(b, issuer, issuer_len, t.val.p, t.val.n);
}

int dt_blob_has_spki(const struct dt_blob *b, const uint8_t *subject, size_t subject_len,
                     const uint8_t spki_sha256[32])
{
    if (!b || !subject || !subject_len || !spki_sha256)
        return DT_BLOB_ERR_ARG;
    return has_spki(b, subject, subject_len, spki_sha256);
}

int dt_blob_find_issuer(const struct dt_blob *b, const uint8_t *der, size_t len,
                        const struct dt_blob_issuer **issuer)
{
    if (issuer)
        *issuer = NULL;
    if (!b || !der || !len || !issuer)
        return DT_BLOB_ERR_ARG;
    *issuer = find_issuer(b, der, len);
    return *issuer != NULL;
}

int dt_blob_issuer_has(const struct dt_blob_issuer *issuer, const uint8_t *serial,
                       size_t serial_len)
{
    if (!issuer || !serial || !serial_len)
        return DT_BLOB_ERR_ARG;
    return issuer_has(issuer, serial, serial_len);
}

int dt_blob_lookup_many(const struct dt_blob *b, const struct dt_blob_query *q, size_t n,
                        uint8_t *listed)
{
    if (!b || (n && (!q || !listed)))
        return DT_BLOB_ERR_ARG;
    return lookup_many(b, q, n, listed) ? DT_BLOB_OK : DT_BLOB_ERR_ARG;
}

int dt_blob_iterate(const struct dt_blob *b, dt_blob_serial_fn on_serial, dt_blob_spki_fn on_spki,
                    void *ctx)
{
    if (!b || (!on_serial && !on_spki))
        return DT_BLOB_ERR_ARG;
    (void)iterate(b, on_serial, on_spki, ctx);
    return DT_BLOB_OK;
}
