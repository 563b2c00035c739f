/* Fuzz target: the blob reader. Half the inputs go in as they are (the
 * framing, the digest, inflate); the other half are decompressed sections
 * that the target wraps into a blob with a correct header, lengths and
 * digest, so that the section parsers (names, groups, Elias-Fano,
 * subject + key) get mutated data past the checksum. Whatever opens must
 * find, by lookup, every entry it lists by iteration. */
#include "fuzz_util.h"

#include <distrust/blob.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

struct ctx {
    const struct dt_blob *b;
};

static int on_serial(const uint8_t *i, size_t in, const uint8_t *s, size_t sn, void *vc)
{
    struct ctx *c = vc;
    if (dt_blob_has_serial(c->b, i, in, s, sn) != 1)
        __builtin_trap(); /* listed by iteration, not found by lookup */
    return 0;
}

static int on_spki(const uint8_t *s, size_t n, const uint8_t *h, void *vc)
{
    struct ctx *c = vc;
    if (dt_blob_has_spki(c->b, s, n, h) != 1)
        __builtin_trap();
    return 0;
}

static void try_open(const uint8_t *data, size_t size)
{
    struct dt_blob *b = NULL;
    struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
    o.max_content_bytes = (size_t)1 << 24;
    char err[256];
    int rc = dt_blob_open(data, size, &o, &b, err, sizeof(err));
    if (rc != DT_BLOB_OK) {
        if (b || rc >= 0 || !err[0])
            __builtin_trap(); /* a refusal is a negative code, a reason and no handle */
        return;
    }
    struct ctx c = {b};
    if (dt_blob_iterate(b, on_serial, on_spki, &c) != DT_BLOB_OK)
        __builtin_trap();
    uint8_t probe[32] = {0};
    if (dt_blob_has_serial(b, probe, 2, probe, 16) < 0)
        __builtin_trap(); /* a well-formed query is answered */
    dt_blob_close(b);
}

static size_t deflate_into(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    uLongf len = cap;
    if (compress2(out, &len, in, n, 6) != Z_OK)
        return 0;
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    if (!(data[0] & 1)) {
        try_open(data + 1, size - 1);
        return 0;
    }
    /* data: mode, issuers (u8), serials (u16), subject keys (u8), len0 (u16),
     * len1 (u16), then section 0, section 1, and the rest as section 2. */
    size_t n_iss = data[1], n_ser = (size_t)data[2] << 8 | data[3], n_sk = data[4];
    size_t l0 = (size_t)data[5] << 8 | data[6], l1 = (size_t)data[7] << 8;
    if (size < 9)
        return 0;
    l1 |= data[8];
    const uint8_t *p = data + 9;
    size_t rest = size - 9;
    if (l0 > rest || l1 > rest - l0)
        return 0;
    const uint8_t *sec[3] = {p, p + l0, p + l0 + l1};
    size_t len[3] = {l0, l1, rest - l0 - l1};
    size_t cap = 104 + 3 * (8 + compressBound(size) + 64);
    uint8_t *blob = calloc(1, cap);
    if (!blob)
        return 0;
    size_t at = 104;
    for (int i = 0; i < 3; i++) {
        size_t c = deflate_into(sec[i], len[i], blob + at + 8, cap - at - 8);
        put_be(blob + at, len[i], 4);
        put_be(blob + at + 4, c, 4);
        at += 8 + c;
    }
    static const uint8_t magic[8] = {0x89, 'D', 'T', 'B', '\r', '\n', 0x1a, '\n'};
    memcpy(blob, magic, 8);
    put_be(blob + 8, 1, 2);
    put_be(blob + 12, 104, 4);
    put_be(blob + 32, n_iss, 4);
    put_be(blob + 36, n_ser, 8);
    put_be(blob + 44, n_sk, 4);
    put_be(blob + 48, len[0] + len[1] + len[2], 8);
    put_be(blob + 56, at - 104, 8);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    unsigned dn = 0;
    if (m && EVP_DigestInit_ex(m, EVP_sha256(), NULL) && EVP_DigestUpdate(m, blob, 64) &&
        EVP_DigestUpdate(m, blob + 104, at - 104) && EVP_DigestFinal_ex(m, blob + 64, &dn))
        try_open(blob, at);
    EVP_MD_CTX_free(m);
    free(blob);
    return 0;
}
