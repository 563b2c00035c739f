/*
 * item.c - the items of the model: their order, labels, why they were found
 * and the trust values every NSS-side writer gives their objects.
 */
#include "item.h"

#include "cdparse.h"
#include "hex.h"
#include "nssname.h"
#include "nssobj.h"

#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dt_item_trust_values(const struct dt_item *it, const char *values[3])
{
    for (unsigned k = 0; k < 3; k++) {
        if (it->purposes & (1u << k))
            values[k] = "CKT_NSS_NOT_TRUSTED";
        else if (it->store && it->store->value[k] &&
                 !(it->rule->relax_upstream && it->store->value[k] == CKT_NSS_NOT_TRUSTED))
            values[k] = dt_cdparse_trust_name(it->store->value[k]);
        /* relax_upstream: the entry's purposes are what stays distrusted */
        else
            values[k] = NULL;
    }
}

void dt_item_hashes(const struct dt_item *it, const uint8_t **sha1, const uint8_t **md5)
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

char *dt_item_label(const struct dt_item *it)
{
    const struct dt_rule *r = it->rule;
    struct dt_buf b;
    dt_buf_init(&b, 4096);
    bool ok = true;
    if (it->expanded) {
        /* A certificate the pool found: the entry's name, and its issuer. */
        char *n = r->label ? NULL : dt_nssobj_label_of_name(it->cert->info.subject);
        char *iss = dt_nssobj_label_of_name(it->cert->info.issuer);
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
        char *n = dt_nssobj_label_of_name(it->cert->info.subject);
        ok = n && dt_buf_puts(&b, n) == DT_OK;
        free(n);
    } else {
        char *n = dt_nssobj_label_of_name(it->issuer);
        ok = n && dt_buf_puts(&b, n) == DT_OK && dt_buf_puts(&b, " serial ") == DT_OK &&
             dt_hex_encode(it->serial, false, ':', &b) == DT_OK;
        free(n);
    }
    char *s = ok ? dt_buf_steal(&b, NULL) : NULL;
    dt_buf_free(&b);
    if (s)
        dt_nssobj_label_clean(s);
    return s;
}

int dt_item_cmp(const struct dt_item *a, const struct dt_item *b)
{
    int c = dt_slice_cmp(a->issuer, b->issuer);
    return c ? c : dt_slice_cmp(a->serial, b->serial);
}

const char *dt_item_relation(const struct dt_item *it)
{
    if (it->name_twin)
        return "same issuer name and serial (issuer encoded differently)";
    const struct dt_cert *c = it->cert;
    struct dt_slice subject = it->via ? it->via->info.subject : it->rule->subject_der;
    const uint8_t *spki = it->via ? it->via->spki_sha256 : it->rule->spki_sha256;
    if (!c)
        return "same subject and key";
    bool subj = !dt_slice_eq(c->info.subject, subject);
    bool key = memcmp(c->spki_sha256, spki, 32) != 0;
    return subj && key ? "same subject and key (both encoded differently)"
           : subj      ? "same subject and key (subject encoded differently)"
           : key       ? "same subject and key (key encoded differently)"
                       : "same subject and key";
}
