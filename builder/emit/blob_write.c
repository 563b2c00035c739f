/*
 * blob_write.c - the revocation blob's writer (doc/blob-format.md; the
 * reader is reader/blob.c, what both share reader/blobfmt.c).
 */
#include "blob_write.h"

#include "blobfmt.h"
#include "der.h"
#include "digest.h"
#include "ecdsa.h"
#include "file.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static enum dt_err put_varint(struct dt_buf *b, uint64_t v)
{
    uint8_t t[10];
    size_t n = 0;
    do {
        t[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            t[n] |= 0x80;
        n++;
    } while (v);
    return dt_buf_append(b, t, n);
}

static bool read_tlv(struct dt_slice *in, unsigned tag, struct dt_slice *val)
{
    struct dt_tlv t;
    if (dt_der_read(in, &t) || (tag && t.tag != tag))
        return false;
    *val = t.val;
    return true;
}

/* Parses a DER Name into RDNs of AVAs; false for anything the structured
 * encoding cannot reproduce byte for byte (it is then stored raw). */
static bool parse_name(struct dt_slice der, struct dt_blobfmt_name *nm)
{
    struct dt_slice all = der, seq;
    nm->n_rdns = 0;
    unsigned na = 0;
    if (!read_tlv(&all, 0x30, &seq) || all.n)
        return false;
    while (seq.n) {
        struct dt_slice set;
        if (nm->n_rdns >= MAX_RDNS || !read_tlv(&seq, 0x31, &set) || !set.n)
            return false;
        nm->rdn_start[nm->n_rdns++] = (uint16_t)na;
        while (set.n) {
            struct dt_slice av, oid;
            struct dt_tlv val;
            if (na >= MAX_AVAS || !read_tlv(&set, 0x30, &av) || !read_tlv(&av, 0x06, &oid) ||
                dt_der_read(&av, &val) || av.n || val.tag > 0xfe || (val.tag & 0x1f) == 0x1f)
                return false;
            nm->avas[na].oid = oid;
            nm->avas[na].tag = (uint8_t)val.tag;
            nm->avas[na].value = val.val;
            na++;
        }
    }
    nm->rdn_start[nm->n_rdns] = (uint16_t)na;
    return true;
}

static bool rdn_equal(const struct dt_blobfmt_name *a, unsigned ra, const struct dt_blobfmt_name *b, unsigned rb)
{
    unsigned na = a->rdn_start[ra + 1] - a->rdn_start[ra];
    if (na != (unsigned)(b->rdn_start[rb + 1] - b->rdn_start[rb]))
        return false;
    for (unsigned i = 0; i < na; i++) {
        const struct dt_blobfmt_ava *x = &a->avas[a->rdn_start[ra] + i], *y = &b->avas[b->rdn_start[rb] + i];
        if (x->tag != y->tag || !dt_slice_eq(x->oid, y->oid) || !dt_slice_eq(x->value, y->value))
            return false;
    }
    return true;
}

/* ---- writer -------------------------------------------------------------------------- */

struct wissuer {
    struct dt_slice der;
    struct dt_blobfmt_name *nm;     /* NULL: stored raw */
    size_t first, count; /* its serials in the sorted array */
    uint32_t id;         /* its index among the distinct issuers, as interned */
};

struct wser {
    uint32_t issuer; /* index into the issuer array (sorted order) */
    struct dt_slice serial;
    uint64_t pfx; /* the first 8 octets, big-endian, zero-padded: a cheap first comparison */
};

/* Issuer order: by RDNs (OID, value), which puts similar names side by side
 * for zlib; raw names after the structured ones, by bytes. */
static int cmp_issuer(const void *x, const void *y)
{
    const struct wissuer *a = x, *b = y;
    if (!a->nm || !b->nm)
        return a->nm ? -1 : b->nm ? 1 : dt_blobfmt_cmp_bytes(a->der.p, a->der.n, b->der.p, b->der.n);
    unsigned na = a->nm->rdn_start[a->nm->n_rdns], nb = b->nm->rdn_start[b->nm->n_rdns];
    for (unsigned i = 0; i < na && i < nb; i++) {
        const struct dt_blobfmt_ava *p = &a->nm->avas[i], *q = &b->nm->avas[i];
        int c = dt_blobfmt_cmp_bytes(p->oid.p, p->oid.n, q->oid.p, q->oid.n);
        if (!c)
            c = dt_blobfmt_cmp_bytes(p->value.p, p->value.n, q->value.p, q->value.n);
        if (!c)
            c = (int)p->tag - (int)q->tag;
        if (c)
            return c;
    }
    if (na != nb)
        return na < nb ? -1 : 1;
    return dt_blobfmt_cmp_bytes(a->der.p, a->der.n, b->der.p, b->der.n);
}

static int cmp_wser(const void *x, const void *y)
{
    const struct wser *a = x, *b = y;
    if (a->issuer != b->issuer)
        return a->issuer < b->issuer ? -1 : 1;
    if (a->serial.n != b->serial.n)
        return a->serial.n < b->serial.n ? -1 : 1;
    if (a->pfx != b->pfx)
        return a->pfx < b->pfx ? -1 : 1;
    return memcmp(a->serial.p, b->serial.p, a->serial.n);
}

static int cmp_skey(const void *x, const void *y)
{
    const struct dt_blob_entry *a = x, *b = y;
    int c = dt_blobfmt_cmp_bytes(a->a.p, a->a.n, b->a.p, b->a.n);
    return c ? c : memcmp(a->b.p, b->b.p, 32);
}

static enum dt_err write_names(struct wissuer *iss, size_t n, struct dt_buf *st,
                               struct dt_buf *vals)
{
    enum dt_err rc = DT_OK;
    struct dt_slice *oids = NULL;
    size_t n_oids = 0, cap_oids = 0;
    const struct dt_blobfmt_name *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct dt_blobfmt_name *nm = iss[i].nm;
        if (!nm) {
            DT_TRY(dt_buf_putc(st, 1)); /* raw */
            DT_TRY(put_varint(st, iss[i].der.n));
            DT_TRY(dt_buf_append(vals, iss[i].der.p, iss[i].der.n));
            prev = NULL;
            continue;
        }
        unsigned k = 0;
        while (prev && k < nm->n_rdns && k < prev->n_rdns && rdn_equal(nm, k, prev, k))
            k++;
        DT_TRY(dt_buf_putc(st, 0)); /* structured */
        DT_TRY(put_varint(st, k));
        DT_TRY(put_varint(st, nm->n_rdns - k));
        for (unsigned r = k; r < nm->n_rdns; r++) {
            DT_TRY(put_varint(st, nm->rdn_start[r + 1] - nm->rdn_start[r]));
            for (unsigned a = nm->rdn_start[r]; a < nm->rdn_start[r + 1]; a++) {
                const struct dt_blobfmt_ava *v = &nm->avas[a];
                size_t ref = 0;
                for (size_t o = 0; o < n_oids && !ref; o++)
                    if (dt_slice_eq(oids[o], v->oid))
                        ref = o + 1;
                DT_TRY(put_varint(st, ref));
                if (!ref) {
                    DT_TRY(put_varint(st, v->oid.n));
                    DT_TRY(dt_buf_append(st, v->oid.p, v->oid.n));
                    DT_TRY(dt_mem_grow((void **)&oids, &cap_oids, n_oids + 1, sizeof(*oids)));
                    oids[n_oids++] = v->oid;
                }
                DT_TRY(dt_buf_putc(st, (char)v->tag));
                DT_TRY(put_varint(st, v->value.n));
                DT_TRY(dt_buf_append(vals, v->value.p, v->value.n));
            }
        }
        prev = nm;
    }
out:
    free(oids);
    return rc;
}

/* One group of serials (same issuer, same length L, sorted, distinct). */
/* o's progress, when set: base entries were encoded before this group, of
 * total. */
static enum dt_err write_group(const struct wser *s, size_t n, size_t L, struct dt_buf *groups,
                               struct dt_buf *serials, struct dt_blob_write_stats *stt,
                               const struct dt_blob_write_opts *o, size_t base, size_t total)
{
    enum dt_err rc = DT_OK;
    uint8_t *lowb = NULL, *upb = NULL;
    DT_TRY(put_varint(groups, L));
    DT_TRY(put_varint(groups, n));
    /* The encoding follows from the count and the length alone: Elias-Fano
     * for EF_MIN serials or more when some bits are left for the low part,
     * raw otherwise. */
    uint64_t bits = 8 * (uint64_t)L;
    unsigned hb = dt_blobfmt_ceil_log2(n); /* high bits */
    bool ef = n >= EF_MIN && hb < bits;
    uint64_t l = ef ? bits - hb : 0;
    if (!ef) {
        /* Column by column: the first octets of all, then the second ...,
         * which zlib compresses better than row by row. */
        for (size_t c = 0; c < L; c++)
            for (size_t i = 0; i < n; i++)
                DT_TRY(dt_buf_putc(serials, (char)s[i].serial.p[c]));
        stt->raw_groups++;
        goto out;
    }
    uint8_t key[MAX_SERIAL_LEN + PAD];
    memset(key, 0, sizeof(key));
    memcpy(key, s[n - 1].serial.p, L);
    uint64_t up_bits = n + dt_blobfmt_top_bits(key, hb) + 1;
    size_t low_bytes = (size_t)((n * l + 7) / 8), up_bytes = (size_t)((up_bits + 7) / 8);
    lowb = dt_mem_calloc(low_bytes + PAD, 1);
    upb = dt_mem_calloc(up_bytes ? up_bytes : 1, 1);
    DT_ENSURE_MEM(lowb && upb);
    for (size_t i = 0; i < n; i++) {
        memcpy(key, s[i].serial.p, L);
        uint64_t high = dt_blobfmt_top_bits(key, hb);
        uint64_t pos = high + i;
        upb[pos >> 3] |= (uint8_t)(0x80u >> (pos & 7));
        dt_blobfmt_bits_put(lowb, i * l, key, hb, l);
        if (o->progress && i && (i & 0xffff) == 0)
            o->progress("writing revocations.blob", base + i, total, o->progress_ctx);
    }
    DT_TRY(put_varint(serials, up_bits));
    DT_TRY(dt_buf_append(serials, lowb, low_bytes));
    DT_TRY(dt_buf_append(serials, upb, up_bytes));
    stt->ef_groups++;
out:
    free(lowb);
    free(upb);
    return rc;
}

static enum dt_err deflate_section(struct dt_slice in, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    uLongf cap = compressBound((uLong)in.n);
    uint8_t *tmp = dt_mem_calloc(cap ? cap : 1, 1);
    DT_ENSURE_MEM(tmp);
    z_stream z;
    memset(&z, 0, sizeof(z));
    DT_ENSURE(deflateInit2(&z, 9, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) == Z_OK, DT_ERR_NOMEM);
    z.next_in = (Bytef *)(uintptr_t)in.p;
    z.avail_in = (uInt)in.n;
    z.next_out = tmp;
    z.avail_out = (uInt)cap;
    int zr = deflate(&z, Z_FINISH);
    size_t produced = cap - z.avail_out;
    deflateEnd(&z);
    DT_ENSURE(zr == Z_STREAM_END, DT_ERR_INTERNAL);
    uint8_t h[8];
    put_be(h, in.n, 4);
    put_be(h + 4, produced, 4);
    DT_TRY(dt_buf_append(out, h, 8));
    DT_TRY(dt_buf_append(out, tmp, produced));
out:
    free(tmp);
    return rc;
}

enum dt_err dt_blob_write(const struct dt_blob_entry *serials, size_t n_serials,
                          const struct dt_blob_entry *skeys_in, size_t n_skeys,
                          const struct dt_blob_write_opts *o, struct dt_buf *out,
                          struct dt_blob_write_stats *st, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_blob_write_stats local;
    struct dt_blob_write_stats *stt = st ? st : &local;
    memset(stt, 0, sizeof(*stt));
    struct dt_slice *inames = NULL;
    struct wissuer *iss = NULL;
    struct wser *ws = NULL;
    struct dt_blob_entry *sk = NULL;
    struct dt_blobfmt_name *names = NULL;
    uint32_t *rank = NULL, *sid = NULL;
    struct dt_buf sec[N_SECTIONS], body, content;
    for (int i = 0; i < N_SECTIONS; i++)
        dt_buf_init(&sec[i], 0);
    dt_buf_init(&body, 0);
    dt_buf_init(&content, 0);
    EVP_PKEY *key = NULL;
    uint8_t *sig = NULL;

    /* Distinct issuers: interned, then sorted. */
    for (size_t i = 0; i < n_serials; i++)
        if (!serials[i].b.n || serials[i].b.n > MAX_SERIAL_LEN) {
            rc = dt_diag_fail(d, NULL, DT_ERR_INPUT,
                         "a serial of %zu octets cannot go into the blob (1 to %d)", serials[i].b.n,
                         MAX_SERIAL_LEN);
            goto out;
        }
    inames = dt_mem_calloc(n_serials ? n_serials : 1, sizeof(*inames));
    sid = dt_mem_calloc(n_serials ? n_serials : 1, sizeof(*sid));
    DT_ENSURE_MEM(inames && sid);
    size_t n_iss = 0;
    DT_TRY(dt_slice_intern(serials, n_serials, sizeof(*serials), offsetof(struct dt_blob_entry, a),
                            sid, inames, &n_iss, NULL));
    /* The reader takes DER Names only (doc/blob-format.md): a blob it would
     * refuse is never written. */
    for (size_t i = 0; i < n_iss; i++) {
        const char *why = dt_der_check_name(inames[i]);
        if (why) {
            rc = dt_diag_fail(d, NULL, DT_ERR_INPUT,
                              "an issuer of %zu octets that is not a DER Name (%s) cannot go "
                              "into the blob",
                              inames[i].n, why);
            goto out;
        }
    }
    iss = dt_mem_calloc(n_iss ? n_iss : 1, sizeof(*iss));
    names = dt_mem_calloc(n_iss ? n_iss : 1, sizeof(*names));
    DT_ENSURE_MEM(iss && names);
    for (size_t i = 0; i < n_iss; i++) {
        iss[i].der = inames[i];
        iss[i].id = (uint32_t)i;
        if (parse_name(inames[i], &names[i])) {
            struct dt_buf again;
            dt_buf_init(&again, 0);
            DT_TRY(dt_blobfmt_build_name(&names[i], &again));
            if (dt_slice_eq(dt_slice_make(again.data, again.len), inames[i]))
                iss[i].nm = &names[i];
            dt_buf_free(&again);
        }
    }
    if (n_iss > 1)
        qsort(iss, n_iss, sizeof(*iss), cmp_issuer);
    /* rank[k]: the blob index of distinct issuer k. */
    rank = dt_mem_calloc(n_iss ? n_iss : 1, sizeof(*rank));
    DT_ENSURE_MEM(rank);
    for (size_t i = 0; i < n_iss; i++)
        rank[iss[i].id] = (uint32_t)i;
    ws = dt_mem_calloc(n_serials ? n_serials : 1, sizeof(*ws));
    DT_ENSURE_MEM(ws);
    for (size_t i = 0; i < n_serials; i++) {
        ws[i].issuer = rank[sid[i]];
        ws[i].serial = serials[i].b;
        ws[i].pfx = dt_slice_prefix64(serials[i].b);
    }
    if (n_serials > 1)
        qsort(ws, n_serials, sizeof(*ws), cmp_wser);
    size_t n_ser = 0;
    for (size_t i = 0; i < n_serials; i++)
        if (!n_ser || cmp_wser(&ws[n_ser - 1], &ws[i]))
            ws[n_ser++] = ws[i];

    DT_TRY(write_names(iss, n_iss, &sec[SEC_STRUCT], &sec[SEC_VALUES]));
    size_t at = 0;
    for (size_t i = 0; i < n_iss; i++) {
        size_t end = at;
        while (end < n_ser && ws[end].issuer == i)
            end++;
        size_t n_groups = 0;
        for (size_t g = at; g < end; g++)
            n_groups += g == at || ws[g].serial.n != ws[g - 1].serial.n;
        DT_TRY(put_varint(&sec[SEC_STRUCT], n_groups));
        for (size_t g = at; g < end;) {
            size_t ge = g;
            while (ge < end && ws[ge].serial.n == ws[g].serial.n)
                ge++;
            DT_TRY(write_group(ws + g, ge - g, ws[g].serial.n, &sec[SEC_STRUCT], &sec[SEC_SERIALS],
                               stt, o, g, n_ser));
            /* every 64 Ki entries, and at the end */
            if (o->progress && (ge >> 16) != (g >> 16))
                o->progress("writing revocations.blob", ge, n_ser, o->progress_ctx);
            g = ge;
        }
        at = end;
    }

    /* Subject + key entries, sorted, distinct. */
    sk = dt_mem_calloc(n_skeys ? n_skeys : 1, sizeof(*sk));
    DT_ENSURE_MEM(sk);
    if (n_skeys)
        memcpy(sk, skeys_in, n_skeys * sizeof(*sk));
    if (n_skeys > 1)
        qsort(sk, n_skeys, sizeof(*sk), cmp_skey);
    size_t n_sk = 0;
    for (size_t i = 0; i < n_skeys; i++) {
        DT_ENSURE(sk[i].b.n == 32, DT_ERR_INTERNAL);
        if (!n_sk || cmp_skey(&sk[n_sk - 1], &sk[i]))
            sk[n_sk++] = sk[i];
    }
    for (size_t i = 0; i < n_sk; i++) {
        DT_TRY(put_varint(&sec[SEC_STRUCT], sk[i].a.n));
        DT_TRY(dt_buf_append(&sec[SEC_STRUCT], sk[i].a.p, sk[i].a.n));
        DT_TRY(dt_buf_append(&sec[SEC_STRUCT], sk[i].b.p, 32));
    }

    if (o->progress)
        o->progress("writing revocations.blob", n_ser, n_ser, o->progress_ctx);
    for (int i = 0; i < N_SECTIONS; i++) {
        DT_TRY(dt_buf_append(&content, sec[i].data, sec[i].len));
        DT_TRY(deflate_section(dt_slice_make(sec[i].data, sec[i].len), &body));
    }

    int bits = 0;
    if (o->sign_key) {
        struct dt_buf kt;
        struct dt_place opt = {"--sign-key", 0, 0, NULL, NULL};
        DT_TRY(dt_file_read(o->sign_key, (size_t)1 << 20, &kt, d, &opt));
        key = dt_ecdsa_pem_key((const char *)kt.data, kt.len, true);
        dt_buf_free(&kt);
        bits = dt_ecdsa_bits(key);
        if (!bits) {
            struct dt_place pl = dt_diag_place_file(o->sign_key);
            rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                         "the blob signing key must be an ECDSA P-256 or P-384 private key (PEM)");
            goto out;
        }
    }
    uint8_t header[HEADER_LEN];
    memset(header, 0, sizeof(header));
    memcpy(header, dt_blobfmt_magic, 8);
    put_be(header + 8, 1, 2);
    put_be(header + 10, bits ? 1 : 0, 2);
    put_be(header + 12, HEADER_LEN, 4);
    put_be(header + 16, o->sequence, 8);
    put_be(header + 24, (uint64_t)o->created, 8);
    put_be(header + 32, n_iss, 4);
    put_be(header + 36, n_ser, 8);
    put_be(header + 44, n_sk, 4);
    put_be(header + 48, content.len, 8);
    put_be(header + 56, body.len, 8);
    DT_TRY(dt_blobfmt_content_digest(header, dt_slice_make(body.data, body.len), header + 64));
    DT_TRY(dt_buf_append(out, header, HEADER_LEN));
    DT_TRY(dt_buf_append(out, body.data, body.len));
    if (bits) {
        struct dt_buf msg;
        dt_buf_init(&msg, 0);
        rc = dt_blobfmt_sig_message(header, dt_slice_make(body.data, body.len), &msg);
        size_t slen = 0;
        /* deterministic (RFC 6979): the same inputs, the same signed blob */
        if (rc == DT_OK)
            rc = dt_ecdsa_sign_rfc6979(key, bits, msg.data, msg.len, &sig, &slen);
        dt_buf_free(&msg);
        DT_TRY(rc);
        DT_ENSURE(slen < 0x10000, DT_ERR_INTERNAL);
        uint8_t t[36];
        t[0] = bits == 384 ? 2 : 1;
        t[1] = 0;
        put_be(t + 2, slen, 2);
        DT_TRY(dt_buf_append(out, t, 4));
        DT_TRY(dt_ecdsa_key_id(key, t));
        DT_TRY(dt_buf_append(out, t, 32));
        DT_TRY(dt_buf_append(out, sig, slen));
    }
    stt->issuers = n_iss;
    stt->serials = n_ser;
    stt->subject_keys = n_sk;
    stt->bytes = out->len;
out:
    ERR_clear_error();
    OPENSSL_free(sig);
    EVP_PKEY_free(key);
    for (int i = 0; i < N_SECTIONS; i++)
        dt_buf_free(&sec[i]);
    dt_buf_free(&body);
    dt_buf_free(&content);
    free(inames);
    free(iss);
    free(names);
    free(rank);
    free(sid);
    free(ws);
    free(sk);
    return rc;
}

enum dt_err dt_blob_write_model(const struct dt_model *m, const struct dt_blob_write_opts *o,
                                struct dt_buf *out, struct dt_blob_write_stats *st,
                                struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_blob_entry *ser = dt_mem_calloc(m->n_items ? m->n_items : 1, sizeof(*ser));
    struct dt_blob_entry *sk = dt_mem_calloc(m->n_skeys ? m->n_skeys : 1, sizeof(*sk));
    DT_ENSURE_MEM(ser && sk);
    size_t ns = 0, nk = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        if (!(m->items[i].targets & DT_TARGET_BLOB))
            continue;
        ser[ns].a = m->items[i].issuer;
        ser[ns].b = m->items[i].serial;
        ns++;
    }
    for (size_t i = 0; i < m->n_skeys; i++) {
        if (!(m->skeys[i].rule->targets & DT_TARGET_BLOB))
            continue;
        sk[nk].a = m->skeys[i].subject;
        sk[nk].b = dt_slice_make(m->skeys[i].spki_sha256, 32);
        nk++;
    }
    rc = dt_blob_write(ser, ns, sk, nk, o, out, st, d);
out:
    free(ser);
    free(sk);
    return rc;
}

