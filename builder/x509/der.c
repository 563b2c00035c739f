/*
 * der.c - DER walking and certificate field extraction.
 */
#include "der.h"

#include "time.h"

#include <string.h>

const char *dt_der_read(struct dt_slice *in, struct dt_tlv *out)
{
    const uint8_t *p = in->p;
    size_t n = in->n;
    size_t i = 0;

    if (n < 2)
        return "truncated DER (no room for a tag and a length)";
    out->tag = p[i++];
    if ((out->tag & 0x1f) == 0x1f) {
        /* High tag number: base-128 continuation octets. */
        size_t k = 0;
        for (;;) {
            if (i >= n)
                return "truncated DER tag";
            uint8_t b = p[i++];
            if (++k > 4)
                return "DER tag number too large";
            if (!(b & 0x80))
                break;
        }
    }
    if (i >= n)
        return "truncated DER length";
    size_t len;
    uint8_t l0 = p[i++];
    if (l0 < 0x80) {
        len = l0;
    } else if (l0 == 0x80) {
        return "indefinite length (BER) is not DER";
    } else {
        size_t k = l0 & 0x7f;
        if (k > 4)
            return "DER length field too long";
        if (n - i < k)
            return "truncated DER length";
        len = 0;
        for (size_t j = 0; j < k; j++)
            len = (len << 8) | p[i++];
    }
    if (len > n - i)
        return "DER length runs past the end of the data";
    out->all = dt_slice_make(p, i + len);
    out->val = dt_slice_make(p + i, len);
    in->p += i + len;
    in->n -= i + len;
    return NULL;
}

const char *dt_der_read_one(struct dt_slice in, unsigned tag, struct dt_tlv *out)
{
    const char *why = dt_der_read(&in, out);
    if (why)
        return why;
    if (out->tag != tag)
        return "unexpected DER tag";
    if (in.n != 0)
        return "trailing bytes after the DER value";
    return NULL;
}

static const char *expect(struct dt_slice *in, unsigned tag, struct dt_tlv *out, const char *what)
{
    const char *why = dt_der_read(in, out);
    if (why)
        return why;
    if (out->tag != tag)
        return what;
    return NULL;
}

static const uint8_t oid_basic_constraints[] = {0x55, 0x1d, 0x13};

static const char *parse_extensions(struct dt_slice exts, struct dt_certinfo *ci)
{
    struct dt_tlv seq, ext, f;
    const char *why = dt_der_read_one(exts, DT_TAG_SEQUENCE, &seq);
    if (why)
        return "malformed extensions";
    struct dt_slice it = seq.val;
    while (it.n) {
        if (expect(&it, DT_TAG_SEQUENCE, &ext, "malformed extension"))
            return "malformed extension";
        struct dt_slice e = ext.val;
        if (expect(&e, DT_TAG_OID, &f, "malformed extension OID"))
            return "malformed extension OID";
        struct dt_slice oid = f.val;
        if (expect(&e, DT_TAG_BOOLEAN, &f, "x") == NULL) {
            if (expect(&e, DT_TAG_OCTETSTRING, &f, "x"))
                return "malformed extension value";
        } else {
            /* No critical flag: re-read from the start after the OID. */
            e = ext.val;
            if (dt_der_read(&e, &f) || dt_der_read(&e, &f) || f.tag != DT_TAG_OCTETSTRING)
                return "malformed extension value";
        }
        if (e.n)
            return "trailing bytes in an extension";
        if (dt_slice_eq(oid, dt_slice_make(oid_basic_constraints, sizeof(oid_basic_constraints)))) {
            struct dt_tlv bc, b;
            if (dt_der_read_one(f.val, DT_TAG_SEQUENCE, &bc))
                return "malformed basicConstraints";
            ci->has_basic_constraints = true;
            struct dt_slice bi = bc.val;
            if (bi.n && bi.p[0] == DT_TAG_BOOLEAN) {
                if (dt_der_read(&bi, &b) || b.val.n != 1)
                    return "malformed basicConstraints";
                ci->is_ca = b.val.p[0] != 0;
            }
        }
    }
    return NULL;
}

const char *dt_der_parse_cert(struct dt_slice der, struct dt_certinfo *ci)
{
    struct dt_tlv cert, tbs, t;
    const char *why;

    memset(ci, 0, sizeof(*ci));
    struct dt_slice whole = der;
    if ((why = dt_der_read(&whole, &cert)))
        return why;
    if (cert.tag != DT_TAG_SEQUENCE)
        return "not a certificate (expected a DER SEQUENCE)";
    if (whole.n)
        return "trailing bytes after the certificate";
    struct dt_slice c = cert.val;
    if ((why = expect(&c, DT_TAG_SEQUENCE, &tbs, "not a certificate (no TBSCertificate)")))
        return why;
    if ((why = expect(&c, DT_TAG_SEQUENCE, &t, "not a certificate (no signature algorithm)")))
        return why;
    if ((why = expect(&c, DT_TAG_BITSTRING, &t, "not a certificate (no signature)")))
        return why;
    if (c.n)
        return "trailing bytes inside the certificate";
    ci->tbs = tbs.all;

    struct dt_slice b = tbs.val;
    ci->version = 1;
    if (b.n && b.p[0] == 0xa0) {
        struct dt_tlv v, vi;
        if (dt_der_read(&b, &v) || dt_der_read_one(v.val, DT_TAG_INTEGER, &vi) || vi.val.n != 1 ||
            vi.val.p[0] > 2)
            return "malformed certificate version";
        ci->version = vi.val.p[0] + 1u;
    }
    if ((why = expect(&b, DT_TAG_INTEGER, &t, "malformed certificate (no serial number)")))
        return why;
    if (t.val.n == 0)
        return "certificate serial number is empty";
    ci->serial = t.val;
    if ((why = expect(&b, DT_TAG_SEQUENCE, &t, "malformed certificate (no signature algorithm)")))
        return why;
    if ((why = expect(&b, DT_TAG_SEQUENCE, &t, "malformed certificate (no issuer name)")))
        return why;
    ci->issuer = t.all;
    if (dt_der_check_name(ci->issuer))
        return "malformed issuer name";
    struct dt_tlv validity, tm;
    if ((why = expect(&b, DT_TAG_SEQUENCE, &validity, "malformed certificate (no validity)")))
        return why;
    struct dt_slice v = validity.val;
    if (dt_der_read(&v, &tm) || (tm.tag != DT_TAG_UTCTIME && tm.tag != DT_TAG_GENTIME))
        return "malformed notBefore time";
    ci->not_before = tm.all;
    if (dt_der_read(&v, &tm) || (tm.tag != DT_TAG_UTCTIME && tm.tag != DT_TAG_GENTIME) || v.n)
        return "malformed notAfter time";
    ci->not_after = tm.all;
    if ((why = expect(&b, DT_TAG_SEQUENCE, &t, "malformed certificate (no subject name)")))
        return why;
    ci->subject = t.all;
    if (dt_der_check_name(ci->subject))
        return "malformed subject name";
    if ((why = expect(&b, DT_TAG_SEQUENCE, &t, "malformed certificate (no public key)")))
        return why;
    ci->spki = t.all;
    while (b.n) {
        if ((why = dt_der_read(&b, &t)))
            return why;
        if (t.tag == 0xa3) {
            if ((why = parse_extensions(t.val, ci)))
                return why;
        } else if (t.tag != 0x81 && t.tag != 0xa1 && t.tag != 0x82 && t.tag != 0xa2) {
            return "unexpected field in TBSCertificate";
        }
    }
    return NULL;
}

const char *dt_der_check_name(struct dt_slice name)
{
    struct dt_tlv seq, set, atv, f;
    if (name.n > 65535)
        return "name too long";
    if (dt_der_read_one(name, DT_TAG_SEQUENCE, &seq))
        return "not a DER Name (expected one SEQUENCE)";
    struct dt_slice rdns = seq.val;
    while (rdns.n) {
        if (dt_der_read(&rdns, &set) || set.tag != DT_TAG_SET)
            return "not a DER Name (expected a SET of attributes)";
        struct dt_slice atvs = set.val;
        if (!atvs.n)
            return "not a DER Name (empty relative distinguished name)";
        while (atvs.n) {
            if (dt_der_read(&atvs, &atv) || atv.tag != DT_TAG_SEQUENCE)
                return "not a DER Name (expected an attribute SEQUENCE)";
            struct dt_slice a = atv.val;
            if (dt_der_read(&a, &f) || f.tag != DT_TAG_OID || !f.val.n)
                return "not a DER Name (attribute without an OID)";
            if (dt_der_read(&a, &f) || a.n)
                return "not a DER Name (malformed attribute value)";
        }
    }
    return NULL;
}

static bool two(const uint8_t *p, int *v)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return false;
    *v = (p[0] - '0') * 10 + (p[1] - '0');
    return true;
}

const char *dt_der_time(struct dt_slice tlv, int64_t *t)
{
    struct dt_tlv tm;
    if (dt_der_read(&tlv, &tm) || (tm.tag != DT_TAG_UTCTIME && tm.tag != DT_TAG_GENTIME))
        return "not a time";
    const uint8_t *p = tm.val.p;
    size_t n = tm.val.n, i = 0;
    struct dt_civil c = {0, 0, 0, 0, 0, 0};
    int hi, lo;
    if (tm.tag == DT_TAG_UTCTIME) {
        if (n < 11 || !two(p, &lo))
            return "malformed UTCTime";
        c.year = lo < 50 ? 2000 + lo : 1900 + lo;
        i = 2;
    } else {
        if (n < 13 || !two(p, &hi) || !two(p + 2, &lo))
            return "malformed GeneralizedTime";
        c.year = hi * 100 + lo;
        i = 4;
    }
    if (!two(p + i, &c.month) || !two(p + i + 2, &c.day) || !two(p + i + 4, &c.hour) ||
        !two(p + i + 6, &c.min))
        return "malformed time";
    i += 8;
    if (i + 2 <= n && p[i] >= '0' && p[i] <= '9') {
        if (!two(p + i, &c.sec))
            return "malformed time";
        i += 2;
    }
    if (tm.tag == DT_TAG_GENTIME && i < n && (p[i] == '.' || p[i] == ',')) {
        i++;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    }
    int off = 0;
    if (i < n && p[i] == 'Z') {
        i++;
    } else if (i + 5 <= n && (p[i] == '+' || p[i] == '-')) {
        int oh, om;
        if (!two(p + i + 1, &oh) || !two(p + i + 3, &om))
            return "malformed time zone";
        off = (oh * 60 + om) * 60 * (p[i] == '-' ? -1 : 1);
        i += 5;
    } else {
        return "time without a zone";
    }
    if (i != n || !dt_time_civil_valid(&c))
        return "malformed time";
    *t = dt_time_civil_to_epoch(&c) - off;
    return NULL;
}

bool dt_der_int_is_negative(struct dt_slice content)
{
    return content.n > 0 && (content.p[0] & 0x80);
}

bool dt_der_int_is_minimal(struct dt_slice c)
{
    if (c.n < 2)
        return c.n == 1;
    if (c.p[0] == 0x00 && !(c.p[1] & 0x80))
        return false;
    if (c.p[0] == 0xff && (c.p[1] & 0x80))
        return false;
    return true;
}

enum dt_err dt_der_int_wrap(struct dt_slice content, struct dt_buf *out)
{
    uint8_t hdr[6];
    size_t h = 0;
    hdr[h++] = DT_TAG_INTEGER;
    if (content.n < 0x80) {
        hdr[h++] = (uint8_t)content.n;
    } else if (content.n <= 0xff) {
        hdr[h++] = 0x81;
        hdr[h++] = (uint8_t)content.n;
    } else if (content.n <= 0xffff) {
        hdr[h++] = 0x82;
        hdr[h++] = (uint8_t)(content.n >> 8);
        hdr[h++] = (uint8_t)content.n;
    } else {
        return DT_ERR_LIMIT;
    }
    enum dt_err rc = dt_buf_append(out, hdr, h);
    if (rc == DT_OK)
        rc = dt_buf_append(out, content.p, content.n);
    return rc;
}

