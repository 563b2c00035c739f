/* Fuzz target: DER Name comparison (x509name.c). The input is one name,
 * optionally followed by a second one. Checked:
 * - a name equals itself and a copy of its bytes, with the same id;
 * - the canonical form is a fixed point: canonicalising it again gives the
 *   same bytes (when it is small enough to be a Name), and it equals the
 *   name it came from;
 * - a re-encoding of the name (each text value in another string type,
 *   ASCII case flipped, spaces added, the values of each RDN in reverse
 *   order) is equal, with the same id and canonical form; and OpenSSL's
 *   X509_NAME_cmp, when it parses the name, finds the two equal as well;
 * - for the two names: ids are equal iff dt_name_equal says so, and
 *   whenever OpenSSL's X509_NAME_cmp finds them equal so does
 *   dt_name_equal (when both are names this module canonicalises). */
#include "caps.h"
#include "der.h"
#include "fuzz_util.h"
#include "name.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_OR_TRAP(c)      \
    do {                      \
        if (!(c))             \
            __builtin_trap(); \
    } while (0)

static bool canon(struct dt_slice s, struct dt_buf *out)
{
    dt_buf_init(out, (size_t)1 << 22);
    return dt_name_canon(s, out) == DT_OK;
}

static bool same_id(struct dt_slice a, struct dt_slice b)
{
    uint8_t x[32], y[32];
    CHECK_OR_TRAP(dt_name_id(a, x) == DT_OK && dt_name_id(b, y) == DT_OK);
    return memcmp(x, y, 32) == 0;
}

/* dt_name_equal, which must not fail on a name under the caps. */
static bool name_eq(struct dt_slice a, struct dt_slice b)
{
    bool equal;
    CHECK_OR_TRAP(dt_name_equal(a, b, &equal) == DT_OK);
    return equal;
}

/* 1 equal, 0 different, -1 OpenSSL does not parse one of them. */
static int openssl_equal(struct dt_slice a, struct dt_slice b)
{
    const unsigned char *pa = a.p, *pb = b.p;
    X509_NAME *xa = a.n <= 0x7fffffff ? d2i_X509_NAME(NULL, &pa, (long)a.n) : NULL;
    X509_NAME *xb = b.n <= 0x7fffffff ? d2i_X509_NAME(NULL, &pb, (long)b.n) : NULL;
    int r = -1;
    if (xa && xb && pa == a.p + a.n && pb == b.p + b.n)
        r = X509_NAME_cmp(xa, xb) == 0;
    X509_NAME_free(xa);
    X509_NAME_free(xb);
    ERR_clear_error();
    return r;
}

/* ---- the re-encoder (its own decoder: a second opinion on the module's) ---- */

static bool put_header(struct dt_buf *b, uint8_t tag, size_t len)
{
    uint8_t h[6];
    size_t n = 0;
    h[n++] = tag;
    if (len < 0x80) {
        h[n++] = (uint8_t)len;
    } else if (len < 0x100) {
        h[n++] = 0x81;
        h[n++] = (uint8_t)len;
    } else if (len < 0x10000) {
        h[n++] = 0x82;
        h[n++] = (uint8_t)(len >> 8);
        h[n++] = (uint8_t)len;
    } else if (len < 0x1000000) {
        h[n++] = 0x83;
        h[n++] = (uint8_t)(len >> 16);
        h[n++] = (uint8_t)(len >> 8);
        h[n++] = (uint8_t)len;
    } else {
        return false;
    }
    return dt_buf_append(b, h, n) == DT_OK;
}

/* Decodes a text value into cp[] (capacity: v.n code points); false when it
 * is not one the module compares as text. */
static bool decode(struct dt_tlv v, uint32_t *cp, size_t *n)
{
    const uint8_t *p = v.val.p;
    size_t len = v.val.n, k = 0;
    switch (v.tag) {
    case 0x13: /* PrintableString, T61String, IA5String: ISO-8859-1 */
    case 0x14:
    case 0x16:
        for (size_t i = 0; i < len; i++)
            cp[k++] = p[i];
        break;
    case 0x1e: /* BMPString */
        if (len % 2)
            return false;
        for (size_t i = 0; i < len; i += 2) {
            uint32_t c = (uint32_t)p[i] << 8 | p[i + 1];
            if (c >= 0xd800 && c <= 0xdfff)
                return false;
            cp[k++] = c;
        }
        break;
    case 0x1c: /* UniversalString */
        if (len % 4)
            return false;
        for (size_t i = 0; i < len; i += 4) {
            uint32_t c = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 |
                         p[i + 3];
            if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return false;
            cp[k++] = c;
        }
        break;
    case 0x0c: /* UTF8String, strict */
        for (size_t i = 0; i < len;) {
            uint32_t c = p[i];
            size_t more = c < 0x80                 ? 0
                          : c >= 0xc2 && c <= 0xdf ? 1
                          : c >= 0xe0 && c <= 0xef ? 2
                          : c >= 0xf0 && c <= 0xf4 ? 3
                                                   : 9;
            if (more == 9 || len - i <= more)
                return false;
            if (more)
                c &= 0x3fu >> more;
            for (size_t j = 1; j <= more; j++) {
                if ((p[i + j] & 0xc0) != 0x80)
                    return false;
                c = c << 6 | (p[i + j] & 0x3f);
            }
            static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
            if (c < min[more] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return false;
            cp[k++] = c;
            i += more + 1;
        }
        break;
    default:
        return false;
    }
    *n = k;
    return true;
}

/* Appends code point c in the string type tag. */
static bool put_cp(struct dt_buf *t, uint8_t tag, uint32_t c)
{
    uint8_t o[4];
    size_t k = 0;
    if (tag == 0x0c && c < 0x80) {
        o[k++] = (uint8_t)c;
    } else if (tag == 0x0c && c < 0x800) {
        o[k++] = (uint8_t)(0xc0 | c >> 6);
        o[k++] = (uint8_t)(0x80 | (c & 0x3f));
    } else if (tag == 0x0c && c < 0x10000) {
        o[k++] = (uint8_t)(0xe0 | c >> 12);
        o[k++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
        o[k++] = (uint8_t)(0x80 | (c & 0x3f));
    } else if (tag == 0x0c) {
        o[k++] = (uint8_t)(0xf0 | c >> 18);
        o[k++] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
        o[k++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
        o[k++] = (uint8_t)(0x80 | (c & 0x3f));
    } else if (tag == 0x1c) {
        o[k++] = (uint8_t)(c >> 24);
        o[k++] = (uint8_t)(c >> 16);
        o[k++] = (uint8_t)(c >> 8);
        o[k++] = (uint8_t)c;
    } else if (tag == 0x1e) {
        o[k++] = (uint8_t)(c >> 8);
        o[k++] = (uint8_t)c;
    } else {
        o[k++] = (uint8_t)c;
    }
    return dt_buf_append(t, o, k) == DT_OK;
}

/* Appends cp[0..n) as a TLV of a string type chosen by sel among those that
 * hold every code point: a leading space when lead, the first space
 * doubled when dbl, ASCII letters' case flipped by the bits of flips. */
static bool encode(const uint32_t *cp, size_t n, unsigned sel, unsigned flips, bool lead, bool dbl,
                   struct dt_buf *b)
{
    uint32_t max = 0;
    for (size_t i = 0; i < n; i++)
        max = cp[i] > max ? cp[i] : max;
    static const uint8_t types[] = {0x0c, 0x1c, 0x1e, 0x14, 0x13, 0x16};
    size_t choices = max > 0xffff ? 2 : max > 0xff ? 3 : 6;
    uint8_t tag = types[sel % choices];
    struct dt_buf t;
    dt_buf_init(&t, (size_t)1 << 22);
    bool ok = !lead || put_cp(&t, tag, ' ');
    for (size_t i = 0; ok && i < n; i++) {
        uint32_t c = cp[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            if (flips & 1)
                c ^= 0x20;
            flips = flips >> 1 | (flips & 1) << 15;
        }
        ok = put_cp(&t, tag, c);
        if (ok && c == ' ' && dbl) {
            ok = put_cp(&t, tag, ' ');
            dbl = false;
        }
    }
    ok = ok && put_header(b, tag, t.len) && dt_buf_append(b, t.data, t.len) == DT_OK;
    dt_buf_free(&t);
    return ok;
}

/* y: x re-encoded as described above, with choices drawn from seed. */
static bool reencode(struct dt_slice x, unsigned seed, struct dt_buf *y)
{
    struct dt_tlv seq, set, atv, oid, val;
    struct dt_buf rdns, sets, ava;
    dt_buf_init(&rdns, (size_t)1 << 22);
    dt_buf_init(&sets, (size_t)1 << 22);
    dt_buf_init(&ava, (size_t)1 << 22);
    struct dt_slice *avs = NULL;
    uint32_t *cp = NULL;
    bool ok = dt_der_check_name(x) == NULL && !dt_der_read_one(x, DT_TAG_SEQUENCE, &seq);
    cp = ok ? malloc((x.n + 1) * sizeof(*cp)) : NULL;
    avs = ok ? malloc((x.n / 5 + 1) * sizeof(*avs)) : NULL;
    ok = ok && cp && avs;
    struct dt_slice r = ok ? seq.val : dt_slice_make(NULL, 0);
    unsigned k = 0;
    while (ok && r.n) {
        ok = !dt_der_read(&r, &set);
        size_t n = 0;
        struct dt_slice a = set.val;
        while (ok && a.n) {
            ok = !dt_der_read(&a, &atv);
            avs[n++] = atv.val;
        }
        dt_buf_reset(&sets);
        /* The values of an RDN in reverse order. */
        for (size_t i = n; ok && i-- > 0;) {
            struct dt_slice f = avs[i];
            ok = !dt_der_read(&f, &oid) && !dt_der_read(&f, &val);
            dt_buf_reset(&ava);
            ok = ok && dt_buf_append(&ava, oid.all.p, oid.all.n) == DT_OK;
            size_t ncp;
            unsigned s = seed >> (k++ % 8 * 4);
            if (ok && decode(val, cp, &ncp))
                ok = encode(cp, ncp, s, seed ^ (s << 3), s & 1, s & 2, &ava);
            else
                ok = ok && dt_buf_append(&ava, val.all.p, val.all.n) == DT_OK;
            ok = ok && put_header(&sets, DT_TAG_SEQUENCE, ava.len) &&
                 dt_buf_append(&sets, ava.data, ava.len) == DT_OK;
        }
        ok = ok && put_header(&rdns, DT_TAG_SET, sets.len) &&
             dt_buf_append(&rdns, sets.data, sets.len) == DT_OK;
    }
    dt_buf_init(y, (size_t)1 << 22);
    ok = ok && put_header(y, DT_TAG_SEQUENCE, rdns.len) &&
         dt_buf_append(y, rdns.data, rdns.len) == DT_OK;
    free(cp);
    free(avs);
    dt_buf_free(&rdns);
    dt_buf_free(&sets);
    dt_buf_free(&ava);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dt_slice in = dt_slice_make(data, size);

    /* A name equals itself and a copy of itself. */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct dt_slice cin = dt_slice_make(copy, size);
    CHECK_OR_TRAP(name_eq(in, in) && name_eq(in, cin) && same_id(in, cin));

    /* The canonical form is a fixed point. */
    struct dt_buf c1, c2;
    bool ok1 = canon(in, &c1);
    CHECK_OR_TRAP(ok1 == (dt_der_check_name(in) == NULL));
    if (ok1 && c1.len <= DT_MAX_NAME_BYTES) {
        struct dt_slice s1 = dt_slice_make(c1.data, c1.len);
        CHECK_OR_TRAP(canon(s1, &c2));
        CHECK_OR_TRAP(dt_slice_eq(s1, dt_slice_make(c2.data, c2.len)));
        CHECK_OR_TRAP(name_eq(in, s1) && same_id(in, s1));
        dt_buf_free(&c2);
    }

    /* A re-encoding is the same name, to us and to OpenSSL. */
    if (ok1) {
        unsigned seed = size ? data[size - 1] * 0x01010101u ^ (unsigned)size : 0;
        struct dt_buf y;
        if (reencode(in, seed, &y) && y.len <= DT_MAX_NAME_BYTES) {
            struct dt_slice ys = dt_slice_make(y.data, y.len);
            CHECK_OR_TRAP(name_eq(in, ys) && name_eq(ys, in) && same_id(in, ys));
            CHECK_OR_TRAP(canon(ys, &c2));
            CHECK_OR_TRAP(
                dt_slice_eq(dt_slice_make(c1.data, c1.len), dt_slice_make(c2.data, c2.len)));
            dt_buf_free(&c2);
            if (openssl_equal(in, in) == 1)
                CHECK_OR_TRAP(openssl_equal(in, ys) == 1);
        }
        dt_buf_free(&y);
    }
    dt_buf_free(&c1);

    /* Two names: the first TLV and what follows it. */
    struct dt_slice rest = in;
    struct dt_tlv first;
    if (!dt_der_read(&rest, &first) && rest.n) {
        struct dt_slice a = first.all, b = rest;
        bool eq = name_eq(a, b);
        CHECK_OR_TRAP(eq == name_eq(b, a));
        CHECK_OR_TRAP(eq == same_id(a, b));
        if (dt_der_check_name(a) == NULL && dt_der_check_name(b) == NULL &&
            openssl_equal(a, b) == 1)
            CHECK_OR_TRAP(eq);
    }
    free(copy);
    return 0;
}
