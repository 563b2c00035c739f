/*
 * blobfmt.h - the revocation blob's format (doc/blob-format.md): the
 * constants, the bit and name encodings, and the digests that the writer
 * (emit/blob_write.c) and the reader (reader/blob.c) share. Keep the three
 * in step with the document.
 */
#ifndef DT_BLOBFMT_H
#define DT_BLOBFMT_H

#include "buf.h"

#include <string.h>

#define HEADER_LEN 104
#define N_SECTIONS 3
#define DEFAULT_MAX_CONTENT ((size_t)1 << 30)
#define EF_MIN 128 /* groups this large may use Elias-Fano */
#define MAX_SERIAL_LEN 255
#define DOMAIN "distrust revocation blob v1"

extern const uint8_t dt_blobfmt_magic[8];

enum { SEC_STRUCT, SEC_VALUES, SEC_SERIALS };
enum { ENC_RAW = 0, ENC_EF = 1 };

/* Word-wise bit access. Every buffer read here has at least 8 readable
 * bytes after its last bit (PAD): the reader pads what it allocates, the
 * writer and the lookups copy serials into padded buffers. */
#define PAD 16

struct dt_blobfmt_ava {
    struct dt_slice oid, value;
    uint8_t tag;
};

#define MAX_RDNS 32
#define MAX_AVAS 64

struct dt_blobfmt_name {
    struct dt_blobfmt_ava avas[MAX_AVAS];
    uint16_t rdn_start[MAX_RDNS + 1];
    unsigned n_rdns;
};

static inline int dt_blobfmt_cmp_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    return c ? c : (an > bn) - (an < bn);
}

static inline uint64_t dt_blobfmt_load_be64(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

/* n (1 to 56) bits at bit offset pos. */
static inline uint64_t dt_blobfmt_get_bits(const uint8_t *s, uint64_t pos, unsigned n)
{
    return (dt_blobfmt_load_be64(s + (pos >> 3)) << (pos & 7)) >> (64 - n);
}

/* ORs the n low bits of v into dst at bit offset pos. */
static inline void dt_blobfmt_or_bits(uint8_t *dst, uint64_t pos, uint64_t v, unsigned n)
{
    while (n) {
        unsigned off = (unsigned)(pos & 7), take = 8 - off < n ? 8 - off : n;
        unsigned bits = (unsigned)(v >> (n - take)) & ((1u << take) - 1);
        dst[pos >> 3] |= (uint8_t)(bits << (8 - off - take));
        pos += take;
        n -= take;
    }
}

static inline void dt_blobfmt_bits_put(uint8_t *dst, uint64_t pos, const uint8_t *src, uint64_t from, uint64_t n)
{
    while (n) {
        unsigned c = n < 56 ? (unsigned)n : 56;
        dt_blobfmt_or_bits(dst, pos, dt_blobfmt_get_bits(src, from, c), c);
        pos += c;
        from += c;
        n -= c;
    }
}

/* The top n (<= 56) bits of a padded big-endian byte string. */
static inline uint64_t dt_blobfmt_top_bits(const uint8_t *s, unsigned n)
{
    return n ? dt_blobfmt_get_bits(s, 0, n) : 0;
}

static inline unsigned dt_blobfmt_ceil_log2(uint64_t n)
{
    unsigned k = 0;
    while (k < 64 && ((uint64_t)1 << k) < n)
        k++;
    return k;
}

/* The DER of a parsed name (minimal lengths). */
DT_MUST_USE enum dt_err dt_blobfmt_build_name(const struct dt_blobfmt_name *nm, struct dt_buf *out);

/* The header's digest: SHA-256 over the header's first 64 bytes (every
 * field before the digest) and the body as stored (the compressed
 * sections): any change of any bit, even one inflate would not notice
 * (padding), is caught. */
DT_MUST_USE enum dt_err dt_blobfmt_content_digest(const uint8_t *header, struct dt_slice content,
                                                  uint8_t out[32]);

/* The message a signature covers: the domain, the header, SHA-256(body).
 * Both fail as dt_digest_sha256 does (the cause in dt_digest_why()), never
 * with a made-up digest. */
DT_MUST_USE enum dt_err dt_blobfmt_sig_message(const uint8_t *header, struct dt_slice body,
                                               struct dt_buf *out);

#endif
