/*
 * certdata.c - certdata.txt writer (see certdata.h for the shapes).
 */
#include "certdata.h"

#include "cdparse.h"
#include "nssname.h"
#include "time.h"

#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum dt_err dt_certdata_octal(struct dt_buf *out, struct dt_slice b)
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
        rc = dt_certdata_octal(out, b);
    if (rc == DT_OK)
        rc = dt_buf_puts(out, "END\n");
    return rc;
}

enum dt_err dt_certdata_serial_comment(struct dt_buf *out, struct dt_slice s)
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

static enum dt_err name_comment(struct dt_buf *out, const char *what, struct dt_slice der)
{
    char *text = dt_name_comment_text(der);
    if (!text)
        return DT_ERR_NOMEM;
    enum dt_err rc = dt_buf_printf(out, "# %s: %s\n", what, text);
    free(text);
    return rc;
}

/* The lines nss-addbuiltin's print_info() writes. */
static enum dt_err cert_info(struct dt_buf *out, const struct dt_cert *c)
{
    enum dt_err rc = DT_OK;
    char t[32];
    DT_TRY(name_comment(out, "Issuer", c->info.issuer));
    DT_TRY(dt_certdata_serial_comment(out, c->info.serial));
    DT_TRY(name_comment(out, "Subject", c->info.subject));
    dt_time_format_ctime(c->not_before, t);
    DT_TRY(dt_buf_printf(out, "# Not Valid Before: %s\n", t));
    dt_time_format_ctime(c->not_after, t);
    DT_TRY(dt_buf_printf(out, "# Not Valid After : %s\n", t));
    DT_TRY(fingerprint(out, "SHA-256", c->sha256, 32));
    DT_TRY(fingerprint(out, "SHA1", c->sha1, 20));
out:
    return rc;
}

enum dt_err dt_certdata_trust_object(struct dt_buf *out, const char *label,
                                     const struct dt_cert *hash_of, struct dt_slice issuer,
                                     struct dt_slice serial, unsigned purposes, const char *trust)
{
    const char *values[3];
    for (unsigned k = 0; k < 3; k++)
        values[k] = purposes & (1u << k) ? trust : NULL;
    return dt_certdata_trust_object_values(out, label, hash_of ? hash_of->sha1 : NULL,
                                           hash_of ? hash_of->md5 : NULL, issuer, serial, values,
                                           false);
}

void dt_certdata_item_values(const struct dt_item *it, const char *values[3])
{
    for (unsigned k = 0; k < 3; k++) {
        if (it->purposes & (1u << k))
            values[k] = "CKT_NSS_NOT_TRUSTED";
        else if (it->store && it->store->value[k] &&
                 !(it->rule->relax_upstream && it->store->value[k] == CKT_NSS_NOT_TRUSTED))
            values[k] = dt_cd_trust_name(it->store->value[k]);
        /* relax_upstream: the entry's purposes are what stays distrusted */
        else
            values[k] = NULL;
    }
}

void dt_certdata_item_hashes(const struct dt_item *it, const uint8_t **sha1, const uint8_t **md5)
{
    *sha1 = *md5 = NULL;
    if (it->cert && (it->shape != DT_SHAPE_TRUST || it->store)) {
        *sha1 = it->cert->sha1;
        *md5 = it->cert->md5;
    } else if (it->store && it->store->has_sha1 && it->store->has_md5) {
        *sha1 = it->store->sha1;
        *md5 = it->store->md5;
    }
}

enum dt_err dt_certdata_trust_object_values(struct dt_buf *out, const char *label,
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
    DT_TRY(dt_int_wrap(serial, &tlv));
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

enum dt_err dt_certdata_after_attr(struct dt_buf *out, const char *attr, const char *utc,
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

enum dt_err dt_certdata_cert_object(struct dt_buf *out, const char *label, const struct dt_cert *c,
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
    DT_TRY(dt_int_wrap(c->info.serial, &tlv));
    DT_TRY(octal_attr(out, "CKA_SERIAL_NUMBER", dt_slice_make(tlv.data, tlv.len)));
    DT_TRY(octal_attr(out, "CKA_VALUE", dt_slice_make(c->der, c->der_len)));
    if (ca_policy)
        DT_TRY(dt_buf_puts(out, "CKA_NSS_MOZILLA_CA_POLICY CK_BBOOL CK_TRUE\n"));
    DT_TRY(
        dt_certdata_after_attr(out, "CKA_NSS_SERVER_DISTRUST_AFTER", server_after, server_comment));
    DT_TRY(dt_certdata_after_attr(out, "CKA_NSS_EMAIL_DISTRUST_AFTER", email_after, email_comment));
out:
    dt_buf_free(&tlv);
    return rc;
}

enum dt_err dt_certdata_anchor(struct dt_buf *out, const char *label, const struct dt_cert *c)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_buf_printf(out, "\n#\n# Certificate \"%s\"\n#\n", label));
    DT_TRY(cert_info(out, c));
    DT_TRY(dt_certdata_cert_object(out, label, c, true, NULL, NULL, NULL, NULL));
    DT_TRY(dt_buf_printf(out, "\n# Trust for \"%s\"\n", label));
    DT_TRY(cert_info(out, c));
    DT_TRY(dt_certdata_trust_object(out, label, c, c->info.issuer, c->info.serial, DT_PURPOSE_ALL,
                                    "CKT_NSS_TRUSTED_DELEGATOR"));
out:
    return rc;
}

/* Labels go into CKA_LABEL UTF8 "..." unescaped, so characters that
 * certdata.perl or C would read specially are replaced. */
static void sanitize_label(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '$' || *p == '@')
            *p = '_';
}

static char *name_for_label(struct dt_slice name)
{
    char *cn = dt_name_common_name(name);
    if (cn && *cn)
        return cn;
    free(cn);
    return dt_name_text(name);
}

char *dt_item_label(const struct dt_item *it)
{
    const struct dt_rule *r = it->rule;
    struct dt_buf b;
    dt_buf_init(&b, 4096);
    bool ok = true;
    if (it->expanded) {
        /* A certificate the pool found: the entry's name, and its issuer. */
        char *n = r->label ? NULL : name_for_label(it->cert->info.subject);
        char *iss = name_for_label(it->cert->info.issuer);
        ok = (r->label || n) && iss && dt_buf_puts(&b, r->label ? r->label : n) == DT_OK &&
             dt_buf_printf(&b, " (issued by %s)", iss) == DT_OK;
        free(n);
        free(iss);
    } else if (r->label) {
        ok = dt_buf_puts(&b, r->label) == DT_OK;
        if (it->line && r->kind == DT_RULE_SERIALS_FILE) {
            ok = ok && dt_buf_puts(&b, " (serial ") == DT_OK &&
                 dt_hex_encode(it->serial, false, ':', &b) == DT_OK &&
                 dt_buf_putc(&b, ')') == DT_OK;
        } else if (it->sub_count > 1) {
            ok = ok && dt_buf_printf(&b, " (cert %u/%u)", it->sub_index, it->sub_count) == DT_OK;
        }
    } else if (it->cert) {
        char *n = name_for_label(it->cert->info.subject);
        ok = n && dt_buf_puts(&b, n) == DT_OK;
        free(n);
    } else {
        char *n = name_for_label(it->issuer);
        ok = n && dt_buf_puts(&b, n) == DT_OK && dt_buf_puts(&b, " serial ") == DT_OK &&
             dt_hex_encode(it->serial, false, ':', &b) == DT_OK;
        free(n);
    }
    char *s = ok ? dt_buf_steal(&b, NULL) : NULL;
    dt_buf_free(&b);
    if (s)
        sanitize_label(s);
    return s;
}

static char *after_label(const struct dt_after *a)
{
    if (a->rule->label) {
        struct dt_buf b;
        dt_buf_init(&b, 4096);
        char *s = NULL;
        if (dt_buf_puts(&b, a->rule->label) == DT_OK &&
            (a->sub_count <= 1 ||
             dt_buf_printf(&b, " (cert %u/%u)", a->sub_index, a->sub_count) == DT_OK))
            s = dt_buf_steal(&b, NULL);
        dt_buf_free(&b);
        if (s)
            sanitize_label(s);
        return s;
    }
    char *s = name_for_label(a->cert->info.subject);
    if (s)
        sanitize_label(s);
    return s;
}

/* Comment lines that say where an object came from. */
static enum dt_err provenance(struct dt_buf *out, const struct dt_rule *r, uint32_t line,
                              uint16_t sub_index, uint16_t sub_count, unsigned purposes,
                              const struct dt_item *expanded)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_buf_printf(out, "# Source: %s %s", r->file->name, r->json_path));
    if (expanded && expanded->name_twin)
        DT_TRY(dt_buf_printf(out, ", %s: %s", dt_item_relation(expanded),
                             expanded->from_pool->name));
    else if (expanded)
        DT_TRY(dt_buf_printf(out, ", %s in the pool: %s",
                             expanded->via ? dt_item_relation(expanded) : "the subject and key",
                             expanded->from_pool->name));
    else if (line)
        DT_TRY(dt_buf_printf(out, ", %s line %u", dt_rule_relpath(r, r->serials_file),
                             (unsigned)line));
    else if (sub_count > 1)
        DT_TRY(dt_buf_printf(out, ", certificate %u of %u", sub_index, sub_count));
    DT_TRY(dt_buf_putc(out, '\n'));
    if (r->file->incident.id)
        DT_TRY(dt_buf_printf(out, "# Incident: %s\n", r->file->incident.id));
    if (r->bug)
        DT_TRY(dt_buf_printf(out, "# Bug: %s\n", r->bug));
    if (expanded && expanded->name_twin)
        DT_TRY(dt_buf_puts(out, "# Why: the certificate this entry names, its issuer field "
                                "encoded differently (the same name under RFC 5280); NSS, "
                                "OneCRL and the blob match the exact issuer bytes\n"));
    else if (expanded) /* the entry's why is about the certificate it names */
        DT_TRY(dt_buf_puts(out, "# Why: another certificate of the CA key this entry "
                                "distrusts (a cross-certificate, the self-signed root or a "
                                "re-issue); NSS matches issuer and serial only\n"));
    else if (r->why)
        DT_TRY(dt_buf_printf(out, "# Why: %s\n", r->why));
    if (purposes != DT_PURPOSE_ALL) {
        DT_TRY(dt_buf_puts(out, "# Purposes:"));
        for (unsigned b = 1; b <= 4; b <<= 1)
            if (purposes & b)
                DT_TRY(dt_buf_printf(out, " %s", dt_purpose_name(b)));
        DT_TRY(dt_buf_putc(out, '\n'));
    }
out:
    return rc;
}

enum dt_err dt_certdata_item_text(const struct dt_item *it, struct dt_buf *cert_part,
                                  struct dt_buf *trust_part, struct dt_buf *trust_object)
{
    enum dt_err rc = DT_OK;
    char *label = dt_item_label(it);
    DT_ENSURE_MEM(label);
    const struct dt_cert *c = it->cert;
    if (it->shape == DT_SHAPE_CERT_TRUST) {
        DT_ENSURE_REF(c);
        DT_TRY(dt_buf_printf(cert_part, "\n#\n# Certificate \"%s\"\n#\n", label));
        DT_TRY(cert_info(cert_part, c));
        DT_TRY(provenance(cert_part, it->rule, it->line, it->sub_index, it->sub_count, it->purposes,
                          it->expanded ? it : NULL));
        DT_TRY(dt_certdata_cert_object(cert_part, label, c, false, NULL, NULL, NULL, NULL));
    }
    DT_TRY(dt_buf_printf(trust_part, "\n# Distrust \"%s\"\n", label));
    if (c) {
        DT_TRY(cert_info(trust_part, c));
    } else {
        DT_TRY(name_comment(trust_part, "Issuer", it->issuer));
        DT_TRY(dt_certdata_serial_comment(trust_part, it->serial));
    }
    DT_TRY(provenance(trust_part, it->rule, it->line, it->sub_index, it->sub_count, it->purposes,
                      it->expanded ? it : NULL));
    if (it->store)
        DT_TRY(it->store->line
                   ? dt_buf_printf(trust_part,
                                   "# Other purposes: as %s line %u has them (a purpose-limited "
                                   "distrust changes no other purpose)\n",
                                   it->store->file, it->store->line)
                   : dt_buf_printf(trust_part,
                                   "# Other purposes: as %s has them, a trust anchor for every "
                                   "purpose (a purpose-limited distrust changes no other "
                                   "purpose)\n",
                                   it->store->file));
    const char *values[3];
    const uint8_t *sha1, *md5;
    dt_certdata_item_values(it, values);
    dt_certdata_item_hashes(it, &sha1, &md5);
    size_t at = trust_part->len;
    DT_TRY(dt_certdata_trust_object_values(trust_part, label, sha1, md5, it->issuer, it->serial,
                                           values,
                                           it->store && it->store->has_step_up &&
                                               it->store->step_up));
    if (trust_object)
        DT_TRY(dt_buf_append(trust_object, trust_part->data + at, trust_part->len - at));
out:
    free(label);
    return rc;
}

static enum dt_err write_item(struct dt_buf *out, const struct dt_item *it,
                              struct dt_certdata_stats *st)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_certdata_item_text(it, out, out, NULL));
    st->cert_objects += it->shape == DT_SHAPE_CERT_TRUST;
    st->trust_objects++;
out:
    return rc;
}

static enum dt_err write_after(struct dt_buf *out, const struct dt_after *a,
                               struct dt_certdata_stats *st)
{
    enum dt_err rc = DT_OK;
    char *label = after_label(a);
    char su[14], eu[14], sc[80], ec[80], t[32];
    DT_ENSURE_MEM(label);
    if (a->has_server) {
        DT_ENSURE(dt_time_to_utctime(a->server, su), DT_ERR_INTERNAL);
        dt_time_format_ctime(a->server, t);
        snprintf(sc, sizeof(sc), "# For Server Distrust After: %s", t);
    }
    if (a->has_email) {
        DT_ENSURE(dt_time_to_utctime(a->email, eu), DT_ERR_INTERNAL);
        dt_time_format_ctime(a->email, t);
        snprintf(ec, sizeof(ec), "# For Email Distrust After: %s", t);
    }
    DT_TRY(dt_buf_printf(out, "\n#\n# Certificate \"%s\"\n#\n", label));
    DT_TRY(cert_info(out, a->cert));
    DT_TRY(provenance(out, a->rule, 0, a->sub_index, a->sub_count, DT_PURPOSE_ALL, NULL));
    DT_TRY(dt_certdata_cert_object(out, label, a->cert, true, a->has_server ? su : NULL,
                                   a->has_email ? eu : NULL, sc, ec));
    st->cert_objects++;
    st->afters++;
out:
    free(label);
    return rc;
}

static int cmp_after_origin(const void *a, const void *b)
{
    const struct dt_after *x = *(const struct dt_after *const *)a;
    const struct dt_after *y = *(const struct dt_after *const *)b;
    if (x->rule->ordinal != y->rule->ordinal)
        return x->rule->ordinal < y->rule->ordinal ? -1 : 1;
    return (x->sub_index > y->sub_index) - (x->sub_index < y->sub_index);
}

enum dt_err dt_certdata_write(const struct dt_model *m, const char *policy_sha256_hex,
                              struct dt_buf *out, struct dt_certdata_stats *st)
{
    enum dt_err rc = DT_OK;
    const struct dt_item **order = NULL;
    const struct dt_after **aorder = NULL;
    struct dt_buf body;
    dt_buf_init(&body, out->max);
    memset(st, 0, sizeof(*st));

    /* certdata-distrust.txt lists objects in policy order. */
    size_t n = 0;
    order = dt_items_in_policy_order(m, DT_TARGET_NSS, &n);
    DT_ENSURE_MEM(order);
    for (size_t i = 0; i < n; i++)
        DT_TRY(write_item(&body, order[i], st));

    aorder = dt_calloc(m->n_afters, sizeof(*aorder));
    DT_ENSURE_MEM(aorder);
    size_t na = 0;
    for (size_t i = 0; i < m->n_afters; i++)
        if (m->afters[i].rule->targets & DT_TARGET_NSS)
            aorder[na++] = &m->afters[i];
    if (na > 1)
        qsort(aorder, na, sizeof(*aorder), cmp_after_origin);
    if (na)
        DT_TRY(dt_buf_puts(
            &body,
            "\n#\n"
            "# Distrust-after dates. Each certificate object below is a built-in root\n"
            "# carrying CKA_NSS_SERVER_DISTRUST_AFTER / CKA_NSS_EMAIL_DISTRUST_AFTER: leaves\n"
            "# issued (notBefore) after the date stop being trusted through that root.\n"
            "# In a certdata.txt that already holds the root, set these two attributes on\n"
            "# its existing certificate object instead of appending a second copy.\n"
            "#\n"));
    for (size_t i = 0; i < na; i++)
        DT_TRY(write_after(&body, aorder[i], st));

    DT_TRY(dt_buf_printf(out,
                         "#\n"
                         "# certdata-distrust.txt: NSS built-in distrust objects written by\n"
                         "# distrust %s from a policy with SHA-256\n"
                         "# %s.\n"
                         "# %zu trust object%s, %zu certificate object%s, %zu "
                         "distrust-after root%s.\n"
                         "#\n"
                         "# Append the distrust objects to NSS's certdata.txt (after "
                         "BEGINDATA), or\n"
                         "# serve this file to NSS with libdistrust-pkcs11.so (doc/verify.md).\n"
                         "#\n",
                         DT_VERSION, policy_sha256_hex, st->trust_objects,
                         st->trust_objects == 1 ? "" : "s", st->cert_objects,
                         st->cert_objects == 1 ? "" : "s", st->afters, st->afters == 1 ? "" : "s"));
    DT_TRY(dt_buf_append(out, body.data, body.len));
out:
    free(order);
    free(aorder);
    dt_buf_free(&body);
    return rc;
}

enum dt_err dt_certdata_anchors_file(struct dt_buf *out, struct dt_cert *const *anchors, size_t n,
                                     const char *who)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_buf_printf(out,
                         "#\n# Trust anchors of one chain case, written by %s as\n"
                         "# nss-addbuiltin -t \"CT,C,C\" would.\n#\nBEGINDATA\n",
                         who));
    for (size_t i = 0; i < n; i++) {
        char *name = dt_name_display(anchors[i]->info.subject);
        char label[160];
        snprintf(label, sizeof(label), "Anchor %zu: %s", i + 1, name ? name : "?");
        free(name);
        for (char *p = label; *p; p++)
            if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
                *p = '_';
        DT_TRY(dt_certdata_anchor(out, label, anchors[i]));
    }
out:
    return rc;
}
