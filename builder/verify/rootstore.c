/*
 * rootstore.c - trust anchors as a built-in root store, a build merged in
 * (rootstore.h).
 */
#include "rootstore.h"

#include "cdparse.h"
#include "der.h"
#include "mem.h"
#include "nssname.h"
#include "nssobj.h"

#include <pkcs11.h>
#include <pkcs11n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRUSTED "CKT_NSS_TRUSTED_DELEGATOR"

static bool attr_is(const struct dt_cd_object *o, unsigned long type, struct dt_slice want)
{
    const struct dt_cd_attr *a = dt_cdparse_get(o, type);
    return a && a->kind == DT_CD_OCTAL && a->len == want.n && !memcmp(a->value, want.p, want.n);
}

/* A distrust-after value of a certificate object: its 13-byte UTCTime as a
 * string (buf), or NULL for CK_FALSE or none. */
static const char *after_of(const struct dt_cd_object *o, unsigned long type, char buf[14])
{
    const struct dt_cd_attr *a = o ? dt_cdparse_get(o, type) : NULL;
    if (!a || a->kind != DT_CD_OCTAL || a->len != 13)
        return NULL;
    memcpy(buf, a->value, 13);
    buf[13] = '\0';
    return buf;
}

/* Whether trust object o is about certificate c: the same issuer and serial,
 * and (when it is hashed) the same SHA-1. */
static bool trust_of(const struct dt_cd_object *o, const struct dt_cert *c, struct dt_slice serial)
{
    if (o->klass != CKO_NSS_TRUST || !attr_is(o, CKA_ISSUER, c->info.issuer) ||
        !attr_is(o, CKA_SERIAL_NUMBER, serial))
        return false;
    const struct dt_cd_attr *h = dt_cdparse_get(o, CKA_CERT_SHA1_HASH);
    return !h || (h->len == 20 && !memcmp(h->value, c->sha1, 20));
}

static const char *trust_value(const struct dt_cd_object *o, unsigned long type)
{
    unsigned long v;
    return o && dt_cdparse_get_ulong(o, type, &v) ? dt_cdparse_trust_name(v) : TRUSTED;
}

/* One anchor: its certificate object (with the build's dates, if any) and a
 * trust object trusting it for every purpose the build's trust object (if
 * any) does not name. */
static enum dt_err write_anchor(struct dt_buf *out, const char *label, const struct dt_cert *c,
                                const struct dt_cd_object *cert, const struct dt_cd_object *trust)
{
    enum dt_err rc = DT_OK;
    char sa[14], ea[14];
    bool step_up = false;
    DT_TRY(dt_buf_printf(out, "\n#\n# Certificate \"%s\"%s\n#\n", label,
                         cert || trust ? " (with the build's object merged in)" : ""));
    DT_TRY(dt_nssobj_cert_info(out, c));
    DT_TRY(dt_nssobj_cert(out, label, c, true, after_of(cert, CKA_NSS_SERVER_DISTRUST_AFTER, sa),
                          after_of(cert, CKA_NSS_EMAIL_DISTRUST_AFTER, ea), NULL, NULL));
    DT_TRY(dt_buf_printf(out, "\n# Trust for \"%s\"\n", label));
    DT_TRY(dt_nssobj_cert_info(out, c));
    const char *const values[3] = {trust_value(trust, CKA_TRUST_SERVER_AUTH),
                                   trust_value(trust, CKA_TRUST_EMAIL_PROTECTION),
                                   trust_value(trust, CKA_TRUST_CODE_SIGNING)};
    if (trust)
        (void)dt_cdparse_get_bool(trust, CKA_TRUST_STEP_UP_APPROVED, &step_up);
    DT_TRY(dt_nssobj_trust_values(out, label, c->sha1, c->md5, c->info.issuer, c->info.serial,
                                  values, step_up));
    unsigned long v;
    if (trust && dt_cdparse_get_ulong(trust, CKA_TRUST_CLIENT_AUTH, &v))
        DT_TRY(dt_buf_printf(out, "CKA_TRUST_CLIENT_AUTH CK_TRUST %s\n", dt_cdparse_trust_name(v)));
out:
    return rc;
}

enum dt_err dt_rootstore_of_anchors(struct dt_buf *out, struct dt_cert *const *anchors, size_t n,
                                    const char *build_path, struct dt_slice build, const char *who,
                                    struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_cd_file f = {0};
    bool *used = NULL;
    size_t *line_at = NULL, n_lines = 0;
    struct dt_buf serial;
    dt_buf_init(&serial, 1024);
    if (build.p) {
        DT_TRY(dt_cdparse_mem(build_path, build, &f, d));
        used = calloc(f.n_objs + 1, sizeof(*used));
        line_at = calloc(build.n + 2, sizeof(*line_at)); /* line_at[i]: offset of line i + 1 */
        DT_ENSURE(used && line_at, DT_ERR_NOMEM);
        line_at[n_lines++] = 0;
        for (size_t i = 0; i < build.n; i++)
            if (build.p[i] == '\n')
                line_at[n_lines++] = i + 1;
        line_at[n_lines] = build.n;
    }
    DT_TRY(dt_buf_printf(out,
                         "#\n# Trust anchors of chain cases as a built-in root store, written by "
                         "%s as\n# nss-addbuiltin -t \"CT,C,C\" would%s.\n#\nBEGINDATA\n",
                         who, build.p ? ", with a build's certdata-distrust.txt merged in" : ""));
    for (size_t i = 0; i < n; i++) {
        const struct dt_cert *c = anchors[i];
        const struct dt_cd_object *cert = NULL, *trust = NULL;
        dt_buf_reset(&serial);
        DT_TRY(dt_der_int_wrap(c->info.serial, &serial));
        for (size_t j = 0; j < f.n_objs; j++) {
            const struct dt_cd_object *o = &f.objs[j];
            if (!cert && o->klass == CKO_CERTIFICATE &&
                attr_is(o, CKA_VALUE, dt_slice_make(c->der, c->der_len))) {
                cert = o;
                used[j] = true;
            } else if (!trust && trust_of(o, c, dt_slice_make(serial.data, serial.len))) {
                trust = o;
                used[j] = true;
            }
        }
        char *name = dt_nssname_display(c->info.subject);
        char label[160];
        snprintf(label, sizeof(label), "Anchor %zu: %s", i + 1, name ? name : "?");
        free(name);
        dt_nssobj_label_clean(label);
        DT_TRY(write_anchor(out, label, c, cert, trust));
    }
    /* the build's other objects, as written (with the comments before them) */
    for (size_t j = 0; j < f.n_objs; j++) {
        const struct dt_cd_object *o = &f.objs[j];
        if (used[j] || !o->first_line || o->last_line < o->first_line || o->last_line > n_lines)
            continue;
        size_t from = line_at[o->first_line - 1], to = line_at[o->last_line];
        DT_TRY(dt_buf_puts(out, "\n"));
        DT_TRY(dt_buf_append(out, build.p + from, to - from));
        if (to == build.n && (!to || build.p[to - 1] != '\n'))
            DT_TRY(dt_buf_puts(out, "\n"));
    }
out:
    dt_buf_free(&serial);
    free(line_at);
    free(used);
    if (build.p)
        dt_cdparse_free(&f);
    return rc;
}
