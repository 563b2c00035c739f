/*
 * certdata.c - certdata.txt writer (see certdata.h for the shapes).
 */
#include "certdata.h"

#include "item.h"
#include "nssobj.h"

#include "cdparse.h"
#include "nssname.h"
#include "time.h"
#include "version.h"
#include "hex.h"

#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
            dt_nssobj_label_clean(s);
        return s;
    }
    char *s = dt_nssobj_label_of_name(a->cert->info.subject);
    if (s)
        dt_nssobj_label_clean(s);
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
        DT_TRY(dt_buf_printf(out, ", %s line %u", dt_policy_relpath(r, r->serials_file),
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
                DT_TRY(dt_buf_printf(out, " %s", dt_policy_purpose_name(b)));
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
        DT_TRY(dt_nssobj_cert_info(cert_part, c));
        DT_TRY(provenance(cert_part, it->rule, it->line, it->sub_index, it->sub_count, it->purposes,
                          it->expanded ? it : NULL));
        DT_TRY(dt_nssobj_cert(cert_part, label, c, false, NULL, NULL, NULL, NULL));
    }
    DT_TRY(dt_buf_printf(trust_part, "\n# Distrust \"%s\"\n", label));
    if (c) {
        DT_TRY(dt_nssobj_cert_info(trust_part, c));
    } else {
        DT_TRY(dt_nssobj_name_comment(trust_part, "Issuer", it->issuer));
        DT_TRY(dt_nssobj_serial_comment(trust_part, it->serial));
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
    dt_item_trust_values(it, values);
    dt_item_hashes(it, &sha1, &md5);
    size_t at = trust_part->len;
    DT_TRY(dt_nssobj_trust_values(trust_part, label, sha1, md5, it->issuer, it->serial,
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
    DT_TRY(dt_nssobj_cert_info(out, a->cert));
    DT_TRY(provenance(out, a->rule, 0, a->sub_index, a->sub_count, DT_PURPOSE_ALL, NULL));
    DT_TRY(dt_nssobj_cert(out, label, a->cert, true, a->has_server ? su : NULL,
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
    order = dt_model_items_in_policy_order(m, DT_TARGET_NSS, &n);
    DT_ENSURE_MEM(order);
    for (size_t i = 0; i < n; i++)
        DT_TRY(write_item(&body, order[i], st));

    aorder = dt_mem_calloc(m->n_afters, sizeof(*aorder));
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

