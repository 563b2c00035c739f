/*
 * blobfmt.c - what the blob's writer and reader share (blobfmt.h).
 */
#include "blobfmt.h"

#include "digest.h"

#include <string.h>

const uint8_t dt_blobfmt_magic[8] = {0x89, 'D', 'T', 'B', '\r', '\n', 0x1a, '\n'};

static enum dt_err put_len(struct dt_buf *b, size_t n)
{
    uint8_t t[6];
    size_t k = 0;
    if (n < 0x80) {
        t[k++] = (uint8_t)n;
    } else {
        int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
        t[k++] = (uint8_t)(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--)
            t[k++] = (uint8_t)(n >> (8 * i));
    }
    return dt_buf_append(b, t, k);
}

static size_t len_len(size_t n)
{
    return n < 0x80 ? 1 : n <= 0xff ? 2 : n <= 0xffff ? 3 : n <= 0xffffff ? 4 : 5;
}

/* DER of a parsed name (minimal lengths). */
enum dt_err dt_blobfmt_build_name(const struct dt_blobfmt_name *nm, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    size_t rdn_len[MAX_RDNS], total = 0;
    for (unsigned r = 0; r < nm->n_rdns; r++) {
        size_t set = 0;
        for (unsigned a = nm->rdn_start[r]; a < nm->rdn_start[r + 1]; a++) {
            const struct dt_blobfmt_ava *v = &nm->avas[a];
            size_t inner = 1 + len_len(v->oid.n) + v->oid.n + 1 + len_len(v->value.n) + v->value.n;
            set += 1 + len_len(inner) + inner;
        }
        rdn_len[r] = set;
        total += 1 + len_len(set) + set;
    }
    DT_TRY(dt_buf_putc(out, 0x30));
    DT_TRY(put_len(out, total));
    for (unsigned r = 0; r < nm->n_rdns; r++) {
        DT_TRY(dt_buf_putc(out, 0x31));
        DT_TRY(put_len(out, rdn_len[r]));
        for (unsigned a = nm->rdn_start[r]; a < nm->rdn_start[r + 1]; a++) {
            const struct dt_blobfmt_ava *v = &nm->avas[a];
            size_t inner = 1 + len_len(v->oid.n) + v->oid.n + 1 + len_len(v->value.n) + v->value.n;
            DT_TRY(dt_buf_putc(out, 0x30));
            DT_TRY(put_len(out, inner));
            DT_TRY(dt_buf_putc(out, 0x06));
            DT_TRY(put_len(out, v->oid.n));
            DT_TRY(dt_buf_append(out, v->oid.p, v->oid.n));
            DT_TRY(dt_buf_putc(out, (char)v->tag));
            DT_TRY(put_len(out, v->value.n));
            DT_TRY(dt_buf_append(out, v->value.p, v->value.n));
        }
    }
out:
    return rc;
}

/* The header's digest: SHA-256 over the header's first 64 bytes (every
 * field before the digest) and the body as stored (the compressed
 * sections): any change of any bit, even one inflate would not notice
 * (padding), is caught. */
enum dt_err dt_blobfmt_content_digest(const uint8_t *header, struct dt_slice content,
                                      uint8_t out[32])
{
    struct dt_slice parts[] = {dt_slice_make(header, 64), content};
    return dt_digest_sha256_parts(parts, 2, out);
}

/* The message a signature covers: the domain, the header, SHA-256(body). */
enum dt_err dt_blobfmt_sig_message(const uint8_t *header, struct dt_slice body, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    uint8_t h[32];
    DT_TRY(dt_digest_sha256(body, h));
    DT_TRY(dt_buf_append(out, DOMAIN, sizeof(DOMAIN))); /* with its NUL */
    DT_TRY(dt_buf_append(out, header, HEADER_LEN));
    DT_TRY(dt_buf_append(out, h, 32));
out:
    return rc;
}
