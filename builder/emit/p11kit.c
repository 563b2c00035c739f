/*
 * p11kit.c - distrust.p11-kit: the build as p11-kit trust source objects
 * (p11-kit's persist format, doc/internal/persist-format.txt).
 *
 *  - A distrust of every purpose whose certificate is known: the certificate
 *    with "x-distrusted: true" and its PEM block. p11-kit derives a hashed
 *    nss-trust object from it, and its extract formats carry it as a
 *    blocklisted certificate.
 *  - Any other issuer/serial distrust (no certificate, or some purposes
 *    only): an nss-trust object with the issuer (raw DER Name) and the
 *    serial number (the full DER INTEGER, 00 pad kept), hashless, with
 *    nss-not-trusted for the distrusted purposes. NSS honours it; p11-kit's
 *    extract formats cannot carry it (they hold certificates only).
 *  - A root with distrust-after dates: its certificate with
 *    nss-mozilla-ca-policy and nss-server-distrust-after /
 *    nss-email-distrust-after, and no trust assertion of its own.
 *
 * Never a plain certificate beside its own nss-trust object: p11-kit would
 * derive a second, hashed trust object and NSS would use the first.
 */
#include "p11kit.h"

#include "der.h"
#include "nssname.h"
#include "time.h"
#include "version.h"
#include "item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A quoted, percent-encoded binary value. */
static enum dt_err pct(struct dt_buf *out, struct dt_slice b)
{
    enum dt_err rc = dt_buf_putc(out, '"');
    for (size_t i = 0; rc == DT_OK && i < b.n; i++)
        rc = dt_buf_printf(out, "%%%02X", b.p[i]);
    if (rc == DT_OK)
        rc = dt_buf_puts(out, "\"\n");
    return rc;
}

/* A label: quoted, with '"', '\', '%' and anything outside printable
 * ASCII percent-encoded. */
static enum dt_err label_line(struct dt_buf *out, const char *label)
{
    enum dt_err rc = dt_buf_puts(out, "label: \"");
    for (const unsigned char *p = (const unsigned char *)label; rc == DT_OK && *p; p++) {
        if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '%')
            rc = dt_buf_printf(out, "%%%02X", *p);
        else
            rc = dt_buf_putc(out, (char)*p);
    }
    if (rc == DT_OK)
        rc = dt_buf_puts(out, "\"\n");
    return rc;
}

/* p11-kit's name of a CKT_NSS_* trust value (common/constants.c), or NULL. */
static const char *p11kit_trust_name(const char *ckt)
{
    static const char *const map[][2] = {
        {"CKT_NSS_TRUSTED", "nss-trusted"},
        {"CKT_NSS_TRUSTED_DELEGATOR", "nss-trusted-delegator"},
        {"CKT_NSS_MUST_VERIFY_TRUST", "nss-must-verify-trust"},
        {"CKT_NSS_NOT_TRUSTED", "nss-not-trusted"},
        {"CKT_NSS_TRUST_UNKNOWN", "nss-trust-unknown"},
        {"CKT_NSS_VALID_DELEGATOR", "nss-valid-delegator"},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(map); i++)
        if (!strcmp(map[i][0], ckt))
            return map[i][1];
    return NULL;
}

static enum dt_err comment_lines(struct dt_buf *out, const struct dt_rule *r, const char *what)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_buf_printf(out, "\n# %s\n# Source: %s %s\n", what, r->file->name, r->json_path));
    if (r->file->incident.id)
        DT_TRY(dt_buf_printf(out, "# Incident: %s\n", r->file->incident.id));
    if (r->bug)
        DT_TRY(dt_buf_printf(out, "# Bug: %s\n", r->bug));
out:
    return rc;
}

static enum dt_err write_item(struct dt_buf *out, const struct dt_item *it,
                              struct dt_p11kit_stats *st)
{
    enum dt_err rc = DT_OK;
    char *label = dt_item_label(it);
    struct dt_buf tlv;
    dt_buf_init(&tlv, 0);
    DT_ENSURE_MEM(label);
    if (it->cert && it->purposes == DT_PURPOSE_ALL) {
        DT_TRY(comment_lines(out, it->rule, "Distrusted certificate"));
        DT_TRY(dt_buf_puts(out, "[p11-kit-object-v1]\nclass: certificate\n"));
        DT_TRY(label_line(out, label));
        DT_TRY(dt_buf_puts(out, "x-distrusted: true\n"));
        DT_TRY(dt_cert_pem(it->cert, out));
        st->certificates++;
        goto out;
    }
    DT_TRY(comment_lines(out, it->rule,
                         it->cert ? "Distrusted for some purposes (nss-trust, by issuer and serial)"
                                  : "Distrusted by issuer and serial (nss-trust)"));
    if (it->store)
        DT_TRY(it->store->line ? dt_buf_printf(out, "# Other purposes: as %s line %u has them\n",
                                               it->store->file, it->store->line)
                               : dt_buf_printf(out, "# Other purposes: as %s has them\n",
                                               it->store->file));
    DT_TRY(dt_buf_puts(out, "[p11-kit-object-v1]\nclass: nss-trust\n"));
    DT_TRY(label_line(out, label));
    DT_TRY(dt_buf_puts(out, "issuer: "));
    DT_TRY(pct(out, it->issuer));
    DT_TRY(dt_der_int_wrap(it->serial, &tlv));
    DT_TRY(dt_buf_puts(out, "serial-number: "));
    DT_TRY(pct(out, dt_slice_make(tlv.data, tlv.len)));
    /* The same values and hashes as the certdata object: a purpose-limited
     * distrust keeps the root store's other purposes (certdata.h). */
    const char *values[3];
    const uint8_t *sha1, *md5;
    dt_item_trust_values(it, values);
    dt_item_hashes(it, &sha1, &md5);
    if (sha1 && md5) {
        DT_TRY(dt_buf_puts(out, "cert-sha1-hash: "));
        DT_TRY(pct(out, dt_slice_make(sha1, 20)));
        DT_TRY(dt_buf_puts(out, "cert-md5-hash: "));
        DT_TRY(pct(out, dt_slice_make(md5, 16)));
    }
    static const char *const attrs[3] = {"trust-server-auth", "trust-email-protection",
                                         "trust-code-signing"};
    for (unsigned k = 0; k < 3; k++) {
        if (!values[k])
            continue;
        const char *v = p11kit_trust_name(values[k]);
        DT_ENSURE(v, DT_ERR_INTERNAL);
        DT_TRY(dt_buf_printf(out, "%s: %s\n", attrs[k], v));
    }
    DT_TRY(dt_buf_printf(out, "trust-step-up-approved: %s\n",
                         it->store && it->store->has_step_up && it->store->step_up ? "true"
                                                                                    : "false"));
    if (it->cert)
        st->nss_trust_partial++;
    else
        st->nss_trust++;
out:
    free(label);
    dt_buf_free(&tlv);
    return rc;
}

static enum dt_err write_after(struct dt_buf *out, const struct dt_after *a,
                               struct dt_p11kit_stats *st)
{
    enum dt_err rc = DT_OK;
    char *label = dt_nssname_common_name(a->cert->info.subject);
    DT_TRY(comment_lines(out, a->rule, "Distrust-after dates of a root"));
    DT_TRY(dt_buf_puts(out, "[p11-kit-object-v1]\nclass: certificate\n"));
    DT_TRY(label_line(out, a->rule->label ? a->rule->label : label ? label : "root"));
    DT_TRY(dt_buf_puts(out, "nss-mozilla-ca-policy: true\n"));
    static const char *names[2] = {"nss-server-distrust-after", "nss-email-distrust-after"};
    bool has[2] = {a->has_server, a->has_email};
    int64_t t[2] = {a->server, a->email};
    for (int k = 0; k < 2; k++) {
        if (!has[k]) {
            DT_TRY(dt_buf_printf(out, "%s: false\n", names[k]));
            continue;
        }
        char utc[14];
        DT_ENSURE(dt_time_to_utctime(t[k], utc), DT_ERR_INTERNAL);
        DT_TRY(dt_buf_printf(out, "%s: \"%s\"\n", names[k], utc));
    }
    DT_TRY(dt_cert_pem(a->cert, out));
    st->afters++;
out:
    free(label);
    return rc;
}

enum dt_err dt_p11kit_write(const struct dt_model *m, const char *policy_sha256_hex,
                            struct dt_buf *out, struct dt_p11kit_stats *st)
{
    enum dt_err rc = DT_OK;
    memset(st, 0, sizeof(*st));
    struct dt_buf body;
    dt_buf_init(&body, 0);
    size_t n = 0;
    const struct dt_item **order = dt_model_items_in_policy_order(m, DT_TARGET_P11KIT, &n);
    DT_ENSURE_MEM(order);
    for (size_t i = 0; i < n; i++)
        DT_TRY(write_item(&body, order[i], st));
    for (size_t i = 0; i < m->n_afters; i++)
        if (m->afters[i].rule->targets & DT_TARGET_P11KIT)
            DT_TRY(write_after(&body, &m->afters[i], st));
    for (size_t i = 0; i < m->n_skeys; i++)
        if (m->skeys[i].rule->targets & DT_TARGET_P11KIT)
            st->subject_keys_left_out++;
    DT_TRY(dt_buf_printf(
        out,
        "# distrust.p11-kit: written by distrust %s from a policy with SHA-256\n"
        "# %s.\n"
        "# %zu distrusted certificate%s, %zu nss-trust object%s (issuer and serial), %zu "
        "root%s with distrust-after dates.\n"
        "#\n"
        "# A p11-kit trust source file (distrust's doc/p11-kit.md, \"Installing it\"): put\n"
        "# it in the FIRST source path of p11-kit's trust module, in the directory itself,\n"
        "# not in its blocklist/ subdirectory (whose files distrust every certificate they\n"
        "# hold, the distrust-after roots below included).\n"
        "#   Fedora/RHEL: /etc/pki/ca-trust/source/ (read before\n"
        "#     /usr/share/pki/ca-trust-source/), then update-ca-trust.\n"
        "#   Debian: the trust module reads only /etc/ssl/certs/ca-certificates.crt; put\n"
        "#     the file in a directory of its own, DIR, and name it first in\n"
        "#     /etc/pkcs11/modules/p11-kit-trust.module (a copy of\n"
        "#     /usr/share/p11-kit/modules/p11-kit-trust.module with\n"
        "#     x-init-reserved: paths=DIR:/etc/ssl/certs/ca-certificates.crt).\n"
        "# The nss-trust objects reach NSS only through p11-kit-trust.so. Extracted\n"
        "# bundles (trust extract, update-ca-trust extract) hold certificates only: they\n"
        "# lose the nss-trust objects and every distrust-after date (and Debian's\n"
        "# update-ca-certificates does not read this file at all).\n",
        DT_VERSION, policy_sha256_hex, st->certificates, st->certificates == 1 ? "" : "s",
        st->nss_trust + st->nss_trust_partial,
        st->nss_trust + st->nss_trust_partial == 1 ? "" : "s", st->afters,
        st->afters == 1 ? "" : "s"));
    DT_TRY(dt_buf_append(out, body.data, body.len));
out:
    free(order);
    dt_buf_free(&body);
    return rc;
}
