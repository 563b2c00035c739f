/*
 * x509name.c - DER Name comparison (RFC 5280 7.1 with part of RFC 4518).
 *
 * The canonical form is built in three layers of scratch buffers: the
 * prepared text of one value, the encodings of one RDN's attributes (sorted
 * before they are appended), and the RDNs of the name.
 */
#include "name.h"
#include "utf8.h"

#include "cert.h"
#include "der.h"

#include <stdlib.h>
#include <string.h>

/* Universal tags of the string types. */
#define TAG_UTF8 0x0c
#define TAG_PRINTABLE 0x13
#define TAG_T61 0x14
#define TAG_IA5 0x16
#define TAG_UNIVERSAL 0x1c
#define TAG_BMP 0x1e

/* Caps the scratch buffers: a Name is at most DT_MAX_NAME_BYTES (64 KiB),
 * and its canonical form at most about three times that. */
#define CANON_MAX ((size_t)1 << 20)

/* What one code point becomes before case folding. */
enum cp_class { CP_KEEP, CP_NOTHING, CP_SPACE };

static enum cp_class classify(uint32_t c)
{
    if (c == 0x20 || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
        c == 0x3000)
        return CP_SPACE;
    if (c <= 0x08 || (c >= 0x0e && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || c == 0xad ||
        c == 0x34f || c == 0x1806 || (c >= 0x180b && c <= 0x180d) || (c >= 0x200b && c <= 0x200d) ||
        (c >= 0x2060 && c <= 0x2063) || (c >= 0x206a && c <= 0x206f) ||
        (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffc))
        return CP_NOTHING;
    return CP_KEEP;
}

/* Unicode simple case folding in the ranges the header lists; every other
 * code point is returned as it is. */
static uint32_t fold(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 0x20 : c;
    if (c < 0x100) {
        if (c == 0xb5)
            return 0x3bc;
        if (c >= 0xc0 && c <= 0xde && c != 0xd7)
            return c + 0x20;
        return c;
    }
    if (c < 0x180) {
        if ((c <= 0x12f || (c >= 0x132 && c <= 0x137) || (c >= 0x14a && c <= 0x177)) && !(c & 1))
            return c + 1;
        if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) && (c & 1))
            return c + 1;
        if (c == 0x178)
            return 0xff;
        if (c == 0x17f)
            return 's';
        return c;
    }
    if (c >= 0x386 && c <= 0x3ab) {
        if (c == 0x386)
            return 0x3ac;
        if (c >= 0x388 && c <= 0x38a)
            return c + 0x25;
        if (c == 0x38c)
            return 0x3cc;
        if (c == 0x38e || c == 0x38f)
            return c + 0x3f;
        if (c >= 0x391 && c != 0x3a2)
            return c + 0x20;
        return c;
    }
    if (c == 0x3c2)
        return 0x3c3;
    if (c >= 0x400 && c <= 0x4ff) {
        if (c <= 0x40f)
            return c + 0x50;
        if (c <= 0x42f)
            return c + 0x20;
        if (((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) ||
             (c >= 0x4d0 && c <= 0x4ff)) &&
            !(c & 1))
            return c + 1;
        if (c == 0x4c0)
            return 0x4cf;
        if (c >= 0x4c1 && c <= 0x4ce && (c & 1))
            return c + 1;
        return c;
    }
    return c;
}

/* The prepared text of a value being built: spaces are held back until a
 * character follows them, so that leading and trailing spaces vanish and
 * inner runs become one. */
struct prep {
    struct dt_buf *out;
    bool started;       /* a character was written */
    bool pending_space; /* spaces seen since the last character */
};

static enum dt_err put_utf8(struct dt_buf *out, uint32_t c)
{
    uint8_t b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (uint8_t)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (uint8_t)(0xc0 | c >> 6);
        b[1] = (uint8_t)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (uint8_t)(0xe0 | c >> 12);
        b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
        b[2] = (uint8_t)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xf0 | c >> 18);
        b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
        b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
        b[3] = (uint8_t)(0x80 | (c & 0x3f));
        n = 4;
    }
    return dt_buf_append(out, b, n);
}

static enum dt_err prep_cp(struct prep *pr, uint32_t c)
{
    enum dt_err rc = DT_OK;
    switch (classify(c)) {
    case CP_NOTHING:
        break;
    case CP_SPACE:
        pr->pending_space = pr->started;
        break;
    case CP_KEEP:
        if (pr->pending_space)
            DT_TRY(dt_buf_putc(pr->out, ' '));
        pr->pending_space = false;
        pr->started = true;
        DT_TRY(put_utf8(pr->out, fold(c)));
        break;
    }
out:
    return rc;
}

/* Appends the prepared text of a text value to out. DT_ERR_INPUT when the
 * value is not a text type or does not decode (out is then unchanged). */
static enum dt_err prepare_text(struct dt_tlv v, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    size_t mark = out->len;
    struct prep pr = {out, false, false};
    struct dt_slice s = v.val;
    size_t i = 0;
    switch (v.tag) {
    case TAG_UTF8:
        while (i < s.n) {
            uint32_t c;
            DT_ENSURE(dt_utf8_next(s, &i, &c), DT_ERR_INPUT);
            DT_TRY(prep_cp(&pr, c));
        }
        break;
    case TAG_PRINTABLE:
    case TAG_T61:
    case TAG_IA5:
        for (; i < s.n; i++)
            DT_TRY(prep_cp(&pr, s.p[i]));
        break;
    case TAG_BMP:
        DT_ENSURE(s.n % 2 == 0, DT_ERR_INPUT);
        for (; i < s.n; i += 2) {
            uint32_t c = (uint32_t)s.p[i] << 8 | s.p[i + 1];
            DT_ENSURE(c < 0xd800 || c > 0xdfff, DT_ERR_INPUT);
            DT_TRY(prep_cp(&pr, c));
        }
        break;
    case TAG_UNIVERSAL:
        DT_ENSURE(s.n % 4 == 0, DT_ERR_INPUT);
        for (; i < s.n; i += 4) {
            uint32_t c = (uint32_t)s.p[i] << 24 | (uint32_t)s.p[i + 1] << 16 |
                         (uint32_t)s.p[i + 2] << 8 | s.p[i + 3];
            DT_ENSURE(c <= 0x10ffff && (c < 0xd800 || c > 0xdfff), DT_ERR_INPUT);
            DT_TRY(prep_cp(&pr, c));
        }
        break;
    default:
        rc = DT_ERR_INPUT;
        break;
    }
out:
    if (rc != DT_OK)
        out->len = mark;
    return rc;
}

/* Appends a DER tag and definite length. */
static enum dt_err put_header(struct dt_buf *out, uint8_t tag, size_t len)
{
    uint8_t h[6];
    size_t n = 0;
    h[n++] = tag;
    if (len < 0x80) {
        h[n++] = (uint8_t)len;
    } else if (len <= 0xff) {
        h[n++] = 0x81;
        h[n++] = (uint8_t)len;
    } else if (len <= 0xffff) {
        h[n++] = 0x82;
        h[n++] = (uint8_t)(len >> 8);
        h[n++] = (uint8_t)len;
    } else if (len <= 0xffffff) {
        h[n++] = 0x83;
        h[n++] = (uint8_t)(len >> 16);
        h[n++] = (uint8_t)(len >> 8);
        h[n++] = (uint8_t)len;
    } else {
        return DT_ERR_LIMIT;
    }
    return dt_buf_append(out, h, n);
}

/* Appends header + the bytes of body to out. */
static enum dt_err put_tlv(struct dt_buf *out, uint8_t tag, const struct dt_buf *body)
{
    enum dt_err rc = put_header(out, tag, body->len);
    if (rc == DT_OK && body->len)
        rc = dt_buf_append(out, body->data, body->len);
    return rc;
}

/* One attribute's encoding inside the RDN scratch buffer. */
struct span {
    const uint8_t *base; /* the scratch buffer's data, set before sorting */
    size_t off, len;
};

static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return dt_slice_cmp(dt_slice_make(x->base + x->off, x->len),
                        dt_slice_make(y->base + y->off, y->len));
}

enum dt_err dt_name_canon(struct dt_slice name, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    struct dt_buf rdns, avas, one, text;
    struct span *spans = NULL;
    size_t cap = 0;
    size_t mark = out->len;
    dt_buf_init(&rdns, CANON_MAX);
    dt_buf_init(&avas, CANON_MAX);
    dt_buf_init(&one, CANON_MAX);
    dt_buf_init(&text, CANON_MAX);

    DT_ENSURE(dt_der_check_name(name) == NULL, DT_ERR_INPUT);
    struct dt_tlv seq, set, atv, oid, val;
    /* dt_der_check_name vouched for the structure: the reads below cannot
     * fail, but are checked all the same. */
    DT_ENSURE(dt_der_read_one(name, DT_TAG_SEQUENCE, &seq) == NULL, DT_ERR_INPUT);
    struct dt_slice r = seq.val;
    while (r.n) {
        DT_ENSURE(dt_der_read(&r, &set) == NULL, DT_ERR_INPUT);
        dt_buf_reset(&avas);
        size_t n = 0;
        struct dt_slice a = set.val;
        while (a.n) {
            DT_ENSURE(dt_der_read(&a, &atv) == NULL, DT_ERR_INPUT);
            struct dt_slice f = atv.val;
            DT_ENSURE(dt_der_read(&f, &oid) == NULL && dt_der_read(&f, &val) == NULL, DT_ERR_INPUT);
            dt_buf_reset(&one);
            DT_TRY(dt_buf_append(&one, oid.all.p, oid.all.n));
            dt_buf_reset(&text);
            enum dt_err prc = prepare_text(val, &text);
            if (prc == DT_OK)
                DT_TRY(put_tlv(&one, TAG_UTF8, &text));
            else if (prc == DT_ERR_INPUT)
                DT_TRY(dt_buf_append(&one, val.all.p, val.all.n));
            else
                DT_TRY(prc);
            DT_TRY(dt_mem_grow((void **)&spans, &cap, n + 1, sizeof(*spans)));
            spans[n].off = avas.len;
            DT_TRY(put_tlv(&avas, DT_TAG_SEQUENCE, &one));
            spans[n].len = avas.len - spans[n].off;
            n++;
        }
        for (size_t i = 0; i < n; i++)
            spans[i].base = avas.data;
        if (n > 1)
            qsort(spans, n, sizeof(*spans), cmp_span);
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
            len += spans[i].len;
        DT_TRY(put_header(&rdns, DT_TAG_SET, len));
        for (size_t i = 0; i < n; i++)
            DT_TRY(dt_buf_append(&rdns, avas.data + spans[i].off, spans[i].len));
    }
    DT_TRY(put_tlv(out, DT_TAG_SEQUENCE, &rdns));
out:
    if (rc != DT_OK)
        out->len = mark;
    free(spans);
    dt_buf_free(&rdns);
    dt_buf_free(&avas);
    dt_buf_free(&one);
    dt_buf_free(&text);
    return rc;
}

enum dt_err dt_name_equal(struct dt_slice a, struct dt_slice b, bool *equal)
{
    enum dt_err rc = DT_OK;
    struct dt_buf ca, cb;
    dt_buf_init(&ca, CANON_MAX);
    dt_buf_init(&cb, CANON_MAX);
    *equal = dt_slice_eq(a, b);
    if (*equal)
        goto out;
    /* A name that does not canonicalise equals only its own bytes. */
    enum dt_err crc = dt_name_canon(a, &ca);
    if (crc == DT_ERR_INPUT)
        goto out;
    DT_TRY(crc);
    crc = dt_name_canon(b, &cb);
    if (crc == DT_ERR_INPUT)
        goto out;
    DT_TRY(crc);
    *equal = dt_slice_eq(dt_slice_make(ca.data, ca.len), dt_slice_make(cb.data, cb.len));
out:
    dt_buf_free(&ca);
    dt_buf_free(&cb);
    return rc;
}

/* The domain labels of dt_name_id: the same length, different bytes, so
 * that a canonical form and an exact encoding never hash the same input. */
static const char label_canon[] = "distrust name id v1: canonical \n";
static const char label_bytes[] = "distrust name id v1: exact DER \n";
_Static_assert(sizeof(label_canon) == sizeof(label_bytes), "labels of one length");

enum dt_err dt_name_id(struct dt_slice name, uint8_t out[32])
{
    enum dt_err rc = DT_OK;
    struct dt_buf b;
    dt_buf_init(&b, DT_BUF_DEFAULT_MAX);
    DT_TRY(dt_buf_append(&b, label_canon, sizeof(label_canon) - 1));
    enum dt_err crc = dt_name_canon(name, &b);
    if (crc == DT_ERR_INPUT) {
        /* Not one well-formed Name: the key of its exact bytes. */
        dt_buf_reset(&b);
        DT_TRY(dt_buf_append(&b, label_bytes, sizeof(label_bytes) - 1));
        DT_TRY(dt_buf_append(&b, name.p, name.n));
    } else {
        DT_TRY(crc);
    }
    DT_TRY(dt_digest_sha256(dt_slice_make(b.data, b.len), out));
out:
    dt_buf_free(&b);
    return rc;
}
