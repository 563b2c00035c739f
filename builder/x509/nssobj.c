/*
 * nssobj.c - NSS certdata.txt objects as text, exactly as nss-addbuiltin
 * (NSS cmd/addbuiltin) writes them: attributes, order, MULTILINE_OCTAL layout
 * (16 octets a line) and comment lines.
 */
#include "nssobj.h"

#include "nssname.h"
#include "purpose.h"
#include "hex.h"
#include "time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum dt_err dt_nssobj_octal(struct dt_buf *out, struct dt_slice b)
{
    enum dt_err rc = dt_buf_reserve(out, b.n * 4 + b.n / 16 + 2);
    if (rc != DT_OK)
        return rc;
    for (size_t i = 0; i < b.n; i++) {
        if (i && (i & 15) == 0)
            out->data[out->len++] = '\n';
        uint8_t v = b.p[i];
        out->data[out->len++] = '\\';
        out->data[out->len++] = (uint8_t)('0' + (v >> 6));
        out->data[out->len++] = (uint8_t)('0' + ((v >> 3) & 7));
        out->data[out->len++] = (uint8_t)('0' + (v & 7));
    }
    out->data[out->len++] = '\n';
    return DT_OK;
}

static enum dt_err octal_attr(struct dt_buf *out, const char *attr, struct dt_slice b)
{
    enum dt_err rc = dt_buf_printf(out, "%s MULTILINE_OCTAL\n", attr);
    if (rc == DT_OK)
        rc = dt_nssobj_octal(out, b);
    if (rc == DT_OK)
        rc = dt_buf_puts(out, "END\n");
    return rc;
}

enum dt_err dt_nssobj_serial_comment(struct dt_buf *out, struct dt_slice s)
{
    enum dt_err rc = DT_OK;
    if (s.n == 0)
        return dt_buf_puts(out, "# Serial Number: (null)\n");
    if (s.n > 4) {
        DT_TRY(dt_buf_puts(out, "# Serial Number:"));
        DT_TRY(dt_hex_encode(s, false, ':', out));
        DT_TRY(dt_buf_putc(out, '\n'));
        goto out;
    }
    /* Up to four octets: a signed number, like DER_GetInteger. */
    uint32_t u = (s.p[0] & 0x80) ? 0xffffffffu : 0;
    for (size_t i = 0; i < s.n; i++)
        u = (u << 8) | s.p[i];
    int32_t v = (int32_t)u;
    DT_TRY(dt_buf_printf(out, "# Serial Number: %d (0x%x)\n", (int)v, (unsigned)u));
out:
    return rc;
}

static enum dt_err fingerprint(struct dt_buf *out, const char *name, const uint8_t *d, size_t n)
{
    enum dt_err rc = dt_buf_printf(out, "# Fingerprint (%s): ", name);
    if (rc == DT_OK)
        rc = dt_hex_encode(dt_slice_make(d, n), true, ':', out);
    if (rc == DT_OK)
        rc = dt_buf_putc(out, '\n');
    return rc;
}

enum dt_err dt_nssobj_name_comment(struct dt_buf *out, const char *what, struct dt_slice der)
{
    char *text = dt_nssname_comment(der);
    if (!text)
        return DT_ERR_NOMEM;
    enum dt_err rc = dt_buf_printf(out, "# %s: %s\n", what, text);
    free(text);
    return rc;
}

/* The lines nss-addbuiltin's print_info() writes. */
enum dt_err dt_nssobj_cert_info(struct dt_buf *out, const struct dt_cert *c)
{
    enum dt_err rc = DT_OK;
    char t[32];
    DT_TRY(dt_nssobj_name_comment(out, "Issuer", c->info.issuer));
    DT_TRY(dt_nssobj_serial_comment(out, c->info.serial));
    DT_TRY(dt_nssobj_name_comment(out, "Subject", c->info.subject));
    dt_time_format_ctime(c->not_before, t);
    DT_TRY(dt_buf_printf(out, "# Not Valid Before: %s\n", t));
    dt_time_format_ctime(c->not_after, t);
    DT_TRY(dt_buf_printf(out, "# Not Valid After : %s\n", t));
    DT_TRY(fingerprint(out, "SHA-256", c->sha256, 32));
    DT_TRY(fingerprint(out, "SHA1", c->sha1, 20));
out:
    return rc;
}

enum dt_err dt_nssobj_trust(struct dt_buf *out, const char *label,
                                     const struct dt_cert *hash_of, struct dt_slice issuer,
                                     struct dt_slice serial, unsigned purposes, const char *trust)
{
    const char *values[3];
    for (unsigned k = 0; k < 3; k++)
        values[k] = purposes & (1u << k) ? trust : NULL;
    return dt_nssobj_trust_values(out, label, hash_of ? hash_of->sha1 : NULL,
                                           hash_of ? hash_of->md5 : NULL, issuer, serial, values,
                                           false);
}

enum dt_err dt_nssobj_trust_values(struct dt_buf *out, const char *label,
                                            const uint8_t *sha1, const uint8_t *md5,
                                            struct dt_slice issuer, struct dt_slice serial,
                                            const char *const values[3], bool step_up)
{
    enum dt_err rc = DT_OK;
    struct dt_buf tlv;
    dt_buf_init(&tlv, 1024);
    DT_TRY(dt_buf_printf(out,
                         "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\n"
                         "CKA_TOKEN CK_BBOOL CK_TRUE\n"
                         "CKA_PRIVATE CK_BBOOL CK_FALSE\n"
                         "CKA_MODIFIABLE CK_BBOOL CK_FALSE\n"
                         "CKA_LABEL UTF8 \"%s\"\n",
                         label));
    if (sha1 && md5) {
        DT_TRY(octal_attr(out, "CKA_CERT_SHA1_HASH", dt_slice_make(sha1, 20)));
        DT_TRY(octal_attr(out, "CKA_CERT_MD5_HASH", dt_slice_make(md5, 16)));
    }
    DT_TRY(octal_attr(out, "CKA_ISSUER", issuer));
    DT_TRY(dt_der_int_wrap(serial, &tlv));
    DT_TRY(octal_attr(out, "CKA_SERIAL_NUMBER", dt_slice_make(tlv.data, tlv.len)));
    static const char *const attrs[3] = {"CKA_TRUST_SERVER_AUTH", "CKA_TRUST_EMAIL_PROTECTION",
                                         "CKA_TRUST_CODE_SIGNING"};
    for (unsigned k = 0; k < 3; k++)
        if (values[k])
            DT_TRY(dt_buf_printf(out, "%s CK_TRUST %s\n", attrs[k], values[k]));
    DT_TRY(dt_buf_printf(out, "CKA_TRUST_STEP_UP_APPROVED CK_BBOOL %s\n",
                         step_up ? "CK_TRUE" : "CK_FALSE"));
out:
    dt_buf_free(&tlv);
    return rc;
}

enum dt_err dt_nssobj_after_attr(struct dt_buf *out, const char *attr, const char *utc,
                                   const char *comment)
{
    enum dt_err rc = DT_OK;
    if (!utc)
        return dt_buf_printf(out, "%s CK_BBOOL CK_FALSE\n", attr);
    if (comment)
        DT_TRY(dt_buf_printf(out, "%s\n", comment));
    DT_TRY(octal_attr(out, attr, dt_slice_make(utc, 13)));
out:
    return rc;
}

enum dt_err dt_nssobj_cert(struct dt_buf *out, const char *label, const struct dt_cert *c,
                                    bool ca_policy, const char *server_after,
                                    const char *email_after, const char *server_comment,
                                    const char *email_comment)
{
    enum dt_err rc = DT_OK;
    struct dt_buf tlv;
    dt_buf_init(&tlv, 1024);
    DT_TRY(dt_buf_printf(out,
                         "CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\n"
                         "CKA_TOKEN CK_BBOOL CK_TRUE\n"
                         "CKA_PRIVATE CK_BBOOL CK_FALSE\n"
                         "CKA_MODIFIABLE CK_BBOOL CK_FALSE\n"
                         "CKA_LABEL UTF8 \"%s\"\n"
                         "CKA_CERTIFICATE_TYPE CK_CERTIFICATE_TYPE CKC_X_509\n",
                         label));
    DT_TRY(octal_attr(out, "CKA_SUBJECT", c->info.subject));
    DT_TRY(dt_buf_puts(out, "CKA_ID UTF8 \"0\"\n"));
    DT_TRY(octal_attr(out, "CKA_ISSUER", c->info.issuer));
    DT_TRY(dt_der_int_wrap(c->info.serial, &tlv));
    DT_TRY(octal_attr(out, "CKA_SERIAL_NUMBER", dt_slice_make(tlv.data, tlv.len)));
    DT_TRY(octal_attr(out, "CKA_VALUE", dt_slice_make(c->der, c->der_len)));
    if (ca_policy)
        DT_TRY(dt_buf_puts(out, "CKA_NSS_MOZILLA_CA_POLICY CK_BBOOL CK_TRUE\n"));
    DT_TRY(
        dt_nssobj_after_attr(out, "CKA_NSS_SERVER_DISTRUST_AFTER", server_after, server_comment));
    DT_TRY(dt_nssobj_after_attr(out, "CKA_NSS_EMAIL_DISTRUST_AFTER", email_after, email_comment));
out:
    dt_buf_free(&tlv);
    return rc;
}

enum dt_err dt_nssobj_anchor(struct dt_buf *out, const char *label, const struct dt_cert *c)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_buf_printf(out, "\n#\n# Certificate \"%s\"\n#\n", label));
    DT_TRY(dt_nssobj_cert_info(out, c));
    DT_TRY(dt_nssobj_cert(out, label, c, true, NULL, NULL, NULL, NULL));
    DT_TRY(dt_buf_printf(out, "\n# Trust for \"%s\"\n", label));
    DT_TRY(dt_nssobj_cert_info(out, c));
    DT_TRY(dt_nssobj_trust(out, label, c, c->info.issuer, c->info.serial, DT_PURPOSE_ALL,
                                    "CKT_NSS_TRUSTED_DELEGATOR"));
out:
    return rc;
}

/* Labels go into CKA_LABEL UTF8 "..." unescaped, so characters that
 * certdata.perl or C would read specially are replaced. */
void dt_nssobj_label_clean(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '$' || *p == '@')
            *p = '_';
}

char *dt_nssobj_label_of_name(struct dt_slice name)
{
    char *cn = dt_nssname_common_name(name);
    if (cn && *cn)
        return cn;
    free(cn);
    return dt_nssname_text(name);
}

enum dt_err dt_nssobj_anchors_file(struct dt_buf *out, struct dt_cert *const *anchors, size_t n,
                                     const char *who)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_buf_printf(out,
                         "#\n# Trust anchors of one chain case, written by %s as\n"
                         "# nss-addbuiltin -t \"CT,C,C\" would.\n#\nBEGINDATA\n",
                         who));
    for (size_t i = 0; i < n; i++) {
        char *name = dt_nssname_display(anchors[i]->info.subject);
        char label[160];
        snprintf(label, sizeof(label), "Anchor %zu: %s", i + 1, name ? name : "?");
        free(name);
        for (char *p = label; *p; p++)
            if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
                *p = '_';
        DT_TRY(dt_nssobj_anchor(out, label, anchors[i]));
    }
out:
    return rc;
}
