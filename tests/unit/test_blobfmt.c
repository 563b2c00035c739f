/* Unit tests: blobfmt.c/h (what the blob's writer and reader share): the
 * DER of a parsed name with minimal lengths, the content digest and the
 * signed message as doc/blob-format.md defines them, the bit helpers.
 * Kept small: the reader is being reworked (issue 16, point 1). */
#include "blobfmt.h"
#include "digest.h"
#include "unit.h"

#include <openssl/evp.h>

static const uint8_t CN[] = {0x55, 0x04, 0x03}, O[] = {0x55, 0x04, 0x0a};

static void test_name(void)
{
    struct dt_blobfmt_name nm;
    memset(&nm, 0, sizeof(nm));
    /* CN=hi, then one RDN with two AVAs: O=x + CN=y. */
    nm.avas[0] = (struct dt_blobfmt_ava){dt_slice_make(CN, 3), dt_slice_make("hi", 2), 0x0c};
    nm.avas[1] = (struct dt_blobfmt_ava){dt_slice_make(O, 3), dt_slice_make("x", 1), 0x13};
    nm.avas[2] = (struct dt_blobfmt_ava){dt_slice_make(CN, 3), dt_slice_make("y", 1), 0x0c};
    nm.n_rdns = 2;
    nm.rdn_start[0] = 0;
    nm.rdn_start[1] = 1;
    nm.rdn_start[2] = 3;
    static const uint8_t want[] = {0x30, 0x23, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04,
                                   0x03, 0x0c, 0x02, 'h',  'i',  0x31, 0x14, 0x30, 0x08, 0x06,
                                   0x03, 0x55, 0x04, 0x0a, 0x13, 0x01, 'x',  0x30, 0x08, 0x06,
                                   0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 'y'};
    struct dt_buf b;
    dt_buf_init(&b, 0);
    CHECK(dt_blobfmt_build_name(&nm, &b) == DT_OK && b.len == sizeof(want) &&
              !memcmp(b.data, want, sizeof(want)),
          "a name of two RDNs (one multi-valued): its DER, AVAs in the order given");
    /* Long values: 0x81 and 0x82 length forms, minimal. */
    static uint8_t big[300];
    memset(big, 'a', sizeof(big));
    nm.avas[0].value = dt_slice_make(big, 200);
    nm.n_rdns = 1;
    nm.rdn_start[1] = 1;
    dt_buf_reset(&b);
    CHECK(dt_blobfmt_build_name(&nm, &b) == DT_OK && b.data[0] == 0x30 && b.data[1] == 0x81 &&
              b.data[2] == 214 && b.data[3] == 0x31 && b.data[4] == 0x81 && b.data[5] == 211 &&
              b.len == 217 && b.data[b.len - 202] == 0x81 && b.data[b.len - 201] == 200,
          "a 200-byte value: one-octet long lengths (81 c8), the outer ones too");
    nm.avas[0].value = dt_slice_make(big, 300);
    dt_buf_reset(&b);
    CHECK(dt_blobfmt_build_name(&nm, &b) == DT_OK && b.data[1] == 0x82 && b.data[2] == 0x01 &&
              b.data[3] == 0x3d && b.len == 4 + 317,
          "a 300-byte value: two-octet lengths (82 01 3d for the name)");
    nm.n_rdns = 0;
    dt_buf_reset(&b);
    CHECK(dt_blobfmt_build_name(&nm, &b) == DT_OK && b.len == 2 && b.data[0] == 0x30 &&
              b.data[1] == 0,
          "no RDNs: the empty Name 30 00");
    dt_buf_free(&b);
    dt_buf_init(&b, 1);
    CHECK(dt_blobfmt_build_name(&nm, &b) == DT_ERR_LIMIT, "past out's cap: LIMIT");
    dt_buf_free(&b);
}

static void test_digests(void)
{
    uint8_t header[HEADER_LEN];
    for (int i = 0; i < HEADER_LEN; i++)
        header[i] = (uint8_t)i;
    static const uint8_t body[] = "the compressed sections";
    uint8_t got[32], want[32], all[64 + sizeof(body)];
    memcpy(all, header, 64);
    memcpy(all + 64, body, sizeof(body));
    CHECK(dt_blobfmt_content_digest(header, dt_slice_make(body, sizeof(body)), got) == DT_OK, "dt_blobfmt_content_digest succeeds");
    CHECK(dt_digest_sha256(dt_slice_make(all, sizeof(all)), want) == DT_OK, "dt_digest_sha256 succeeds");
    CHECK(!memcmp(got, want, 32),
          "content digest: SHA-256 of the header's first 64 bytes and the body");
    header[70] ^= 1;
    CHECK(dt_blobfmt_content_digest(header, dt_slice_make(body, sizeof(body)), got) == DT_OK, "dt_blobfmt_content_digest succeeds");
    CHECK(!memcmp(got, want, 32), "bytes 64.. of the header (the digest's own place) do not count");
    header[63] ^= 1;
    CHECK(dt_blobfmt_content_digest(header, dt_slice_make(body, sizeof(body)), got) == DT_OK, "dt_blobfmt_content_digest succeeds");
    CHECK(memcmp(got, want, 32), "byte 63 does");
    header[63] ^= 1;
    header[70] ^= 1;

    struct dt_buf m;
    dt_buf_init(&m, 0);
    CHECK(dt_blobfmt_sig_message(header, dt_slice_make(body, sizeof(body)), &m) == DT_OK &&
              m.len == sizeof(DOMAIN) + HEADER_LEN + 32 &&
              !memcmp(m.data, DOMAIN, sizeof(DOMAIN)) && m.data[sizeof(DOMAIN) - 1] == 0 &&
              !memcmp(m.data + sizeof(DOMAIN), header, HEADER_LEN),
          "signed message: the domain with its NUL, the whole header, ...");
    CHECK(dt_digest_sha256(dt_slice_make(body, sizeof(body)), want) == DT_OK, "dt_digest_sha256 succeeds");
    CHECK(!memcmp(m.data + sizeof(DOMAIN) + HEADER_LEN, want, 32), "... and SHA-256(body)");
    dt_buf_free(&m);
    dt_buf_init(&m, 100);
    CHECK(dt_blobfmt_sig_message(header, dt_slice_make(body, sizeof(body)), &m) == DT_ERR_LIMIT,
          "past out's cap: LIMIT");
    dt_buf_free(&m);
    CHECK(dt_blobfmt_magic[0] == 0x89 && !memcmp(dt_blobfmt_magic + 1, "DTB\r\n\x1a\n", 7),
          "the magic: 89 'DTB' CR LF 1A LF");
}

static void test_bits(void)
{
    uint8_t buf[32 + PAD];
    memset(buf, 0, sizeof(buf));
    dt_blobfmt_or_bits(buf, 3, 0x5, 3);      /* 101 at bit 3 */
    dt_blobfmt_or_bits(buf, 6, 0x3ffff, 18); /* across three bytes */
    dt_blobfmt_or_bits(buf, 60, 0xabcdef12345ULL, 44);
    CHECK(dt_blobfmt_get_bits(buf, 3, 3) == 0x5 && dt_blobfmt_get_bits(buf, 6, 18) == 0x3ffff &&
              dt_blobfmt_get_bits(buf, 60, 44) == 0xabcdef12345ULL,
          "or_bits then get_bits: the values back, at odd offsets and widths");
    CHECK(buf[0] == 0x17 && dt_blobfmt_get_bits(buf, 0, 3) == 0,
          "big-endian bit order (the first bit is the top of byte 0)");
    uint8_t src[16 + PAD], dst[16 + PAD];
    memset(src, 0, sizeof(src));
    memset(dst, 0, sizeof(dst));
    for (int i = 0; i < 16; i++)
        src[i] = (uint8_t)(i * 17 + 3);
    dt_blobfmt_bits_put(dst, 5, src, 0, 120);
    bool same = true;
    for (unsigned i = 0; i < 120; i += 8)
        same = same && dt_blobfmt_get_bits(dst, 5 + i, 8) == dt_blobfmt_get_bits(src, i, 8);
    CHECK(same, "bits_put copies 120 bits to another offset (in pieces of 56)");
    CHECK(dt_blobfmt_top_bits(src, 0) == 0 && dt_blobfmt_top_bits(src, 8) == 3 &&
              dt_blobfmt_top_bits(src, 12) == (3u << 4 | 20u >> 4),
          "top_bits: 0 bits are 0; the leading bits of a string");
    CHECK(dt_blobfmt_ceil_log2(0) == 0 && dt_blobfmt_ceil_log2(1) == 0 &&
              dt_blobfmt_ceil_log2(2) == 1 && dt_blobfmt_ceil_log2(3) == 2 &&
              dt_blobfmt_ceil_log2(1024) == 10 && dt_blobfmt_ceil_log2(1025) == 11 &&
              dt_blobfmt_ceil_log2(UINT64_MAX) == 64,
          "ceil_log2 at its edges");
    CHECK(dt_blobfmt_cmp_bytes((const uint8_t *)"ab", 2, (const uint8_t *)"abc", 3) < 0 &&
              dt_blobfmt_cmp_bytes((const uint8_t *)"b", 1, (const uint8_t *)"abc", 3) > 0 &&
              dt_blobfmt_cmp_bytes(NULL, 0, NULL, 0) == 0,
          "cmp_bytes: shorter first on a prefix, bytes first otherwise, empty equal");
    static const uint8_t be[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(dt_blobfmt_load_be64(be) == 0x0102030405060708ULL, "load_be64");
}

int main(void)
{
    test_name();
    test_digests();
    test_bits();
    return unit_done();
}
