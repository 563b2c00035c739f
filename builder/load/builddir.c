/*
 * buildread.c - reading a build output directory back.
 */
#include "builddir.h"

#include "caps.h"
#include "der.h"
#include "digest.h"
#include "file.h"

#include <errno.h>
#include <jansson.h>
#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dt_builddir_comment_field(const char *comment, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    char tag[64];
    snprintf(tag, sizeof(tag), "# %s: ", name);
    const char *s = comment;
    while (s && (s = strstr(s, tag)) != NULL && s != comment && s[-1] != '\n')
        s += strlen(tag); /* only at the start of a line */
    if (!s)
        return;
    s += strlen(tag);
    size_t n = strcspn(s, "\n");
    snprintf(out, cap, "%.*s", (int)n, s);
}

void dt_builddir_source_of(const char *comment, char *out, size_t cap)
{
    dt_builddir_comment_field(comment, "Source", out, cap);
}

static bool utctime13(const uint8_t *v, size_t n, int64_t *t)
{
    uint8_t tlv[16];
    if (n != 13)
        return false;
    tlv[0] = DT_TAG_UTCTIME;
    tlv[1] = 13;
    memcpy(tlv + 2, v, 13);
    return dt_der_time(dt_slice_make(tlv, 15), t) == NULL;
}

static bool integer_contents(struct dt_slice tlv, struct dt_slice *c)
{
    struct dt_tlv t;
    if (dt_der_read_one(tlv, DT_TAG_INTEGER, &t))
        return false;
    *c = t.val;
    return true;
}

/* The manifest says what the build wrote; warn when the text read is not
 * what it wrote. manifest is NULL when there is no readable manifest. Fails
 * only when the text's SHA-256 cannot be computed. */
static enum dt_err check_manifest(const char *mpath, struct dt_slice text,
                                  const struct dt_slice *manifest, struct dt_diags *d)
{
    uint8_t sum[32];
    char hex[65];
    enum dt_err rc = dt_digest_sha256(text, sum);
    if (rc != DT_OK)
        return rc;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
    json_error_t jerr;
    json_t *m = manifest ? json_loadb((const char *)manifest->p, manifest->n, 0, &jerr) : NULL;
    const char *want =
        m ? json_string_value(json_object_get(
                json_object_get(json_object_get(m, "files"), "certdata-distrust.txt"), "sha256"))
          : NULL;
    struct dt_place pl = dt_diag_place_file(mpath);
    if (!m)
        dt_diag_warn(d, &pl,
                "no readable manifest.json: the files are not checked against the "
                "build that wrote them");
    else if (!want || strcmp(want, hex) != 0)
        dt_diag_warn(d, &pl,
                "certdata-distrust.txt does not match its SHA-256 in the manifest: it "
                "was changed after the build; using the file as it is now");
    json_decref(m);
    return DT_OK;
}

static enum dt_err read_trust(struct dt_build_data *b, const struct dt_cd_object *o)
{
    struct dt_bentry e;
    memset(&e, 0, sizeof(e));
    const struct dt_cd_attr *a;
    e.label = (a = dt_cdparse_get(o, CKA_LABEL)) ? (const char *)a->value : "(no label)";
    dt_builddir_source_of(o->comment, e.source, sizeof(e.source));
    e.comment = o->comment;
    if ((a = dt_cdparse_get(o, CKA_ISSUER)))
        e.issuer = dt_slice_make(a->value, a->len);
    if ((a = dt_cdparse_get(o, CKA_SERIAL_NUMBER))) {
        e.serial_tlv = dt_slice_make(a->value, a->len);
        if (!integer_contents(e.serial_tlv, &e.serial))
            e.serial = e.serial_tlv; /* a raw serial: NSS matches it only raw */
    }
    if ((a = dt_cdparse_get(o, CKA_CERT_SHA1_HASH)) && a->len == 20) {
        e.has_sha1 = true;
        memcpy(e.sha1, a->value, 20);
    }
    (void)dt_cdparse_get_ulong(o, CKA_TRUST_SERVER_AUTH, &e.trust[0]);
    (void)dt_cdparse_get_ulong(o, CKA_TRUST_EMAIL_PROTECTION, &e.trust[1]);
    (void)dt_cdparse_get_ulong(o, CKA_TRUST_CODE_SIGNING, &e.trust[2]);
    enum dt_err rc =
        dt_mem_grow((void **)&b->entries, &b->cap_entries, b->n_entries + 1, sizeof(*b->entries));
    if (rc == DT_OK)
        b->entries[b->n_entries++] = e;
    return rc;
}

static enum dt_err read_cert(struct dt_build_data *b, const struct dt_cd_object *o)
{
    enum dt_err rc = DT_OK;
    const struct dt_cd_attr *v = dt_cdparse_get(o, CKA_VALUE);
    struct dt_cert *c;
    const char *why;
    if (!v)
        return DT_OK;
    rc = dt_cert_from_der(v->value, v->len, &c, &why);
    if (rc == DT_ERR_INPUT || rc == DT_ERR_LIMIT)
        return DT_OK; /* NSS would not use it either */
    DT_TRY(rc);
    DT_TRY(dt_cert_list_push(&b->certs, c));
    const struct dt_cd_attr *sa = dt_cdparse_get(o, CKA_NSS_SERVER_DISTRUST_AFTER);
    const struct dt_cd_attr *ea = dt_cdparse_get(o, CKA_NSS_EMAIL_DISTRUST_AFTER);
    struct dt_bafter a;
    memset(&a, 0, sizeof(a));
    a.has_server = sa && sa->kind == DT_CD_OCTAL && utctime13(sa->value, sa->len, &a.server);
    a.has_email = ea && ea->kind == DT_CD_OCTAL && utctime13(ea->value, ea->len, &a.email);
    if (!a.has_server && !a.has_email)
        return DT_OK;
    const struct dt_cd_attr *lab = dt_cdparse_get(o, CKA_LABEL);
    a.label = lab ? (const char *)lab->value : "?";
    dt_builddir_source_of(o->comment, a.source, sizeof(a.source));
    a.comment = o->comment;
    a.cert = c;
    DT_TRY(dt_mem_grow((void **)&b->afters, &b->cap_afters, b->n_afters + 1, sizeof(*b->afters)));
    b->afters[b->n_afters++] = a;
out:
    return rc;
}

static enum dt_err read_objects(struct dt_build_data *b);

/* Parses the text of b->path, checks it against the manifest (when mpath is
 * not NULL) and reads its objects. */
static enum dt_err load_text(struct dt_build_data *b, struct dt_slice text, const char *mpath,
                             const struct dt_slice *manifest, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_cdparse_mem(b->path, text, &b->cd, d));
    if (mpath)
        DT_TRY(check_manifest(mpath, text, manifest, d));
    DT_TRY(read_objects(b));
out:
    return rc;
}

enum dt_err dt_builddir_load(const char *dir, struct dt_build_data *b, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text, manifest;
    struct dt_diags quiet;
    bool have_manifest;
    memset(b, 0, sizeof(*b));
    dt_buf_init(&text, 0);
    dt_buf_init(&manifest, 0);
    char path[PATH_MAX], mpath[PATH_MAX];
    snprintf(path, sizeof(path), "%s/certdata-distrust.txt", dir);
    snprintf(mpath, sizeof(mpath), "%s/manifest.json", dir);
    if (!realpath(path, b->path)) {
        struct dt_place pl = dt_diag_place_file(path);
        return dt_diag_fail(d, &pl, DT_ERR_INPUT,
                       "cannot use the build: %s (is %s a `distrust build` output directory?)",
                       strerror(errno), dir);
    }
    /* One read: the bytes checked against the manifest are the bytes parsed. */
    DT_TRY(dt_file_read(b->path, DT_MAX_CERTDATA_BYTES, &text, d, NULL));
    dt_diag_init(&quiet, NULL, NULL);
    have_manifest = dt_file_read(mpath, DT_MAX_MANIFEST_BYTES, &manifest, &quiet, NULL) == DT_OK;
    struct dt_slice m = dt_slice_make(manifest.data, manifest.len);
    DT_TRY(load_text(b, dt_slice_make(text.data, text.len), mpath, have_manifest ? &m : NULL, d));
out:
    dt_buf_free(&text);
    dt_buf_free(&manifest);
    return rc;
}

enum dt_err dt_builddir_load_mem(const char *display, struct dt_slice certdata,
                                 const char *manifest_display, const struct dt_slice *manifest,
                                 struct dt_build_data *b, struct dt_diags *d)
{
    memset(b, 0, sizeof(*b));
    snprintf(b->path, sizeof(b->path), "%s", display);
    return load_text(b, certdata, manifest_display, manifest, d);
}

enum dt_err dt_builddir_load_file(const char *file, struct dt_build_data *b, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    memset(b, 0, sizeof(*b));
    snprintf(b->path, sizeof(b->path), "%s", file);
    DT_TRY(dt_cdparse_file(b->path, &b->cd, d));
    DT_TRY(read_objects(b));
out:
    return rc;
}

static enum dt_err read_objects(struct dt_build_data *b)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < b->cd.n_objs; i++) {
        const struct dt_cd_object *o = &b->cd.objs[i];
        if (o->klass == CKO_NSS_TRUST)
            DT_TRY(read_trust(b, o));
        else if (o->klass == CKO_CERTIFICATE)
            DT_TRY(read_cert(b, o));
    }
out:
    return rc;
}

void dt_builddir_free(struct dt_build_data *b)
{
    dt_cdparse_free(&b->cd);
    free(b->entries);
    free(b->afters);
    dt_cert_list_free(&b->certs);
    memset(b, 0, sizeof(*b));
}
