/*
 * import_certdata.c - `distrust import certdata FILE -o POLICY.json`: the
 * distrusts of an NSS certdata.txt become a policy.
 *
 * Every trust object that marks a purpose CKT_NSS_NOT_TRUSTED becomes an
 * entry: a certificate entry when the file holds the certificate (its
 * object matched by issuer and serial), else an issuer/serial entry; the
 * NSS object shape is kept ("certificate+trust" when the trust object has
 * hashes, "trust" without), so that building the policy writes the same
 * trust objects again. Every distrust-after date becomes a distrust-after
 * entry for its root, whether it sits on the certificate object (the normal
 * place) or on the trust object (Izenpe.com in NSS 3.11x). Labels are kept;
 * the comment blocks go into each entry's "comment". The certificates are
 * written as PEM files into a directory beside the policy.
 */
#include "buf.h"
#include "cdparse.h"
#include "cert.h"
#include "common.h"
#include "der.h"
#include "diag.h"
#include "dmap.h"
#include "import.h"
#include "file.h"
#include "policy.h"
#include "pool.h"
#include "time.h"
#include "version.h"
#include "hex.h"
#include "b64.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A certificate object of the file. */
struct cobj {
    const struct dt_cd_object *o;
    struct dt_cert *cert; /* NULL when CKA_VALUE does not parse */
    char *file;           /* PEM file name, once an entry needs it */
    bool has_after[2];    /* server, email dates found (object or trust) */
    int64_t after[2];
    bool after_from_trust[2];
};

struct cimp {
    const char *input;
    struct dt_diags *d;
    struct dt_cd_file f;
    struct cobj *certs;
    size_t n_certs;
    struct dt_dmap by_key; /* issuer + serial -> certs index */
    struct dt_buf entries; /* JSON lines */
    size_t n_entries;
    char **names; /* PEM file names given so far */
    size_t n_names;
    struct dt_outlist pems; /* the certificates' PEM files */
    struct dt_import_summary *s;
    const char *dir_name; /* the certificates' directory, relative to the policy */
};

static void place(const struct cimp *I, unsigned line, struct dt_place *pl)
{
    memset(pl, 0, sizeof(*pl));
    pl->file = I->input;
    pl->line = line;
}

static const struct dt_cd_attr *octal(const struct dt_cd_object *o, unsigned long type)
{
    const struct dt_cd_attr *a = dt_cdparse_get(o, type);
    return a && a->kind == DT_CD_OCTAL ? a : NULL;
}

/* The serial contents of a CKA_SERIAL_NUMBER (a DER INTEGER). */
static bool serial_of(const struct dt_cd_attr *a, struct dt_slice *content)
{
    struct dt_tlv t;
    if (!a || dt_der_read_one(dt_slice_make(a->value, a->len), DT_TAG_INTEGER, &t))
        return false;
    *content = t.val;
    return t.val.n > 0;
}

/* A distrust-after value: 13-byte UTCTime (what NSS reads) or 15-byte
 * GeneralizedTime (what nss-addbuiltin writes after 2049; NSS ignores it). */
static const char *after_value(const struct dt_cd_attr *a, int64_t *t)
{
    if (a->len != 13 && a->len != 15)
        return "it is neither a 13-byte UTCTime nor a 15-byte GeneralizedTime";
    uint8_t tlv[17] = {a->len == 13 ? 0x17 : 0x18, (uint8_t)a->len};
    memcpy(tlv + 2, a->value, a->len);
    if (dt_der_time(dt_slice_make(tlv, a->len + 2), t))
        return "it is not a valid time";
    return NULL;
}

/* Reads the distrust-after attributes of an object into c. */
static void read_afters(struct cimp *I, const struct dt_cd_object *o, struct cobj *c,
                        bool from_trust)
{
    static const unsigned long types[2] = {CKA_NSS_SERVER_DISTRUST_AFTER,
                                           CKA_NSS_EMAIL_DISTRUST_AFTER};
    for (int k = 0; k < 2; k++) {
        const struct dt_cd_attr *a = octal(o, types[k]);
        if (!a)
            continue;
        struct dt_place pl;
        place(I, a->line, &pl);
        int64_t t;
        const char *why = after_value(a, &t);
        if (why) {
            dt_diag_report(I->d, DT_WARNING, &pl, "%s: %s, and NSS ignores it: not imported",
                      dt_cdparse_attr_name(types[k]), why);
            continue;
        }
        if (!c) {
            dt_diag_report(I->d, DT_WARNING, &pl,
                      "a distrust-after date for a certificate this file does not hold: a "
                      "policy names the root by its certificate, so it is not imported");
            continue;
        }
        if (c->has_after[k] && c->after[k] != t) {
            dt_diag_report(I->d, DT_WARNING, &pl,
                      "%s differs from the one on the certificate object (line %u): the "
                      "certificate's is kept, as NSS reads it there",
                      dt_cdparse_attr_name(types[k]), c->o->line);
            continue;
        }
        if (!c->has_after[k]) {
            c->has_after[k] = true;
            c->after[k] = t;
            c->after_from_trust[k] = from_trust;
            if (from_trust)
                dt_diag_report(I->d, DT_NOTE, &pl,
                          "%s on the trust object, not the certificate object (line %u): "
                          "imported as the root's date, which a build writes on the "
                          "certificate object, where NSS and Firefox read it",
                          dt_cdparse_attr_name(types[k]), c->o->line);
        }
    }
}

/* A file name for a certificate: its label (or subject) in lower case,
 * letters, digits and dashes, unique in the directory. */
static enum dt_err pem_name(struct cimp *I, const char *label, char **out)
{
    char base[64];
    size_t n = 0;
    bool dash = false;
    for (const unsigned char *p = (const unsigned char *)label; *p && n < 48; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
            base[n++] = (char)*p;
            dash = false;
        } else if (*p >= 'A' && *p <= 'Z') {
            base[n++] = (char)(*p - 'A' + 'a');
            dash = false;
        } else if (n && !dash) {
            base[n++] = '-';
            dash = true;
        }
    }
    while (n && base[n - 1] == '-')
        n--;
    if (!n)
        n = (size_t)snprintf(base, sizeof(base), "certificate");
    base[n] = '\0';
    char name[80];
    for (unsigned k = 1;; k++) {
        if (k == 1)
            snprintf(name, sizeof(name), "%s.pem", base);
        else
            snprintf(name, sizeof(name), "%s-%u.pem", base, k);
        bool taken = false;
        for (size_t i = 0; i < I->n_names && !taken; i++)
            taken = !strcmp(I->names[i], name);
        if (!taken)
            break;
    }
    char **v = realloc(I->names, (I->n_names + 1) * sizeof(*v));
    if (!v)
        return DT_ERR_NOMEM;
    I->names = v;
    v[I->n_names] = dt_mem_strdup(name);
    if (!v[I->n_names])
        return DT_ERR_NOMEM;
    *out = v[I->n_names++];
    return DT_OK;
}

/* The certificate's PEM file, written once. */
static enum dt_err cert_file(struct cimp *I, struct cobj *c, const char *label)
{
    enum dt_err rc = DT_OK;
    if (c->file)
        return DT_OK;
    struct dt_buf pem;
    dt_buf_init(&pem, 0);
    DT_TRY(pem_name(I, label, &c->file));
    DT_TRY(dt_cert_pem(c->cert, &pem));
    DT_TRY(dt_outdir_list_add(&I->pems, c->file, &pem));
out:
    dt_buf_free(&pem);
    return rc;
}

/* "Distrust \"X\"\nIssuer: ..." from the comment lines before an object. */
static char *comment_text(const struct cimp *I, const struct dt_cd_object *o)
{
    struct dt_buf b;
    dt_buf_init(&b, 1 << 16);
    bool ok = true;
    const char *s = o->comment;
    while (s && *s && ok) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        size_t k = 0;
        while (k < n && (s[k] == '#' || s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k < n)
            ok = (b.len ? dt_buf_putc(&b, '\n') : DT_OK) == DT_OK &&
                 dt_buf_append(&b, s + k, n - k) == DT_OK;
        s = e ? e + 1 : s + n;
    }
    const char *slash = strrchr(I->input, '/');
    ok = ok && dt_buf_printf(&b, "%s(%s line %u)", b.len ? "\n" : "", slash ? slash + 1 : I->input,
                             o->line) == DT_OK;
    char *r = ok ? dt_buf_steal(&b, NULL) : NULL;
    dt_buf_free(&b);
    return r;
}

/* Text a policy label may hold (policy.c's rules); anything else becomes '_'. */
static char *label_of(struct cimp *I, const struct dt_cd_object *o)
{
    const struct dt_cd_attr *a = dt_cdparse_get(o, CKA_LABEL);
    if (!a || !a->len)
        return NULL;
    char *s = dt_mem_calloc(1, a->len + 1);
    if (!s)
        return NULL;
    memcpy(s, a->value, a->len);
    bool changed = false;
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '$' || *p == '@') {
            *p = '_';
            changed = true;
        }
    if (changed || strlen(s) != a->len) {
        struct dt_place pl;
        place(I, a->line, &pl);
        dt_diag_report(I->d, DT_WARNING, &pl,
                  "the label holds characters a policy label cannot ('\"', '\\', '$', '@', "
                  "control characters): imported as \"%s\"",
                  s);
    }
    return s;
}

static enum dt_err add_entry(struct cimp *I, json_t *e)
{
    char *line = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!line)
        return DT_ERR_NOMEM;
    enum dt_err rc = dt_buf_printf(&I->entries, "%s    %s", I->n_entries ? ",\n" : "", line);
    free(line);
    I->n_entries += rc == DT_OK;
    return rc;
}

static enum dt_err set_str(json_t *e, const char *k, const char *v)
{
    return v && json_object_set_new(e, k, json_string(v)) ? DT_ERR_NOMEM : DT_OK;
}

/* One distrust trust object. */
static enum dt_err trust_entry(struct cimp *I, const struct dt_cd_object *o)
{
    enum dt_err rc = DT_OK;
    static const unsigned long types[3] = {CKA_TRUST_SERVER_AUTH, CKA_TRUST_EMAIL_PROTECTION,
                                           CKA_TRUST_CODE_SIGNING};
    static const unsigned bits[3] = {DT_PURPOSE_SERVER, DT_PURPOSE_EMAIL, DT_PURPOSE_CODE};
    unsigned purposes = 0, other = 0;
    for (int k = 0; k < 3; k++) {
        unsigned long v;
        if (!dt_cdparse_get_ulong(o, types[k], &v))
            continue;
        if (v == CKT_NSS_NOT_TRUSTED)
            purposes |= bits[k];
        else
            other |= bits[k];
    }
    if (!purposes)
        return DT_OK;
    json_t *e = NULL;
    char *label = NULL, *comment = NULL;
    struct dt_buf hex;
    dt_buf_init(&hex, 0);
    struct dt_place pl;
    place(I, o->line, &pl);
    const struct dt_cd_attr *ia = octal(o, CKA_ISSUER), *sa = octal(o, CKA_SERIAL_NUMBER);
    struct dt_slice serial;
    if (!ia || dt_der_check_name(dt_slice_make(ia->value, ia->len)) || !serial_of(sa, &serial)) {
        dt_diag_report(I->d, DT_ERROR, &pl,
                  "a distrust trust object needs CKA_ISSUER (a DER Name) and CKA_SERIAL_NUMBER "
                  "(a DER INTEGER)");
        goto out;
    }
    if (other) {
        dt_diag_report(I->d, DT_WARNING, &pl,
                  "a distrust for some purposes only, with other trust values for the rest: "
                  "a build writes the distrusted purposes only");
    }
    bool step_up = false;
    if (dt_cdparse_get_bool(o, CKA_TRUST_STEP_UP_APPROVED, &step_up) && step_up)
        dt_diag_report(I->d, DT_WARNING, &pl,
                  "CKA_TRUST_STEP_UP_APPROVED is CK_TRUE on a distrust: a build writes CK_FALSE");
    const struct dt_cd_attr *sha1 = octal(o, CKA_CERT_SHA1_HASH);
    uint8_t key[32];
    struct dt_slice issuer = dt_slice_make(ia->value, ia->len);
    DT_TRY(dt_idkey_issuer_serial(issuer, serial, key));
    uint32_t at = dt_dmap_first(&I->by_key, key);
    struct cobj *c = at != DT_DMAP_END ? &I->certs[dt_dmap_value(&I->by_key, at)] : NULL;
    if (c && !c->cert)
        c = NULL;
    label = label_of(I, o);
    comment = comment_text(I, o);
    DT_ENSURE_MEM(comment);
    e = json_object();
    DT_ENSURE_MEM(e);
    DT_TRY(set_str(e, "label", label));
    const char *shape = "trust";
    if (c) {
        DT_TRY(cert_file(I, c, label ? label : "certificate"));
        char rel[512];
        snprintf(rel, sizeof(rel), "%s/%s", I->dir_name, c->file);
        DT_TRY(set_str(e, "certificate", rel));
        if (sha1) {
            shape = "certificate+trust";
            if (sha1->len != 20 || memcmp(sha1->value, c->cert->sha1, 20)) {
                struct dt_place hp;
                place(I, sha1->line, &hp);
                dt_diag_report(I->d, DT_WARNING, &hp,
                          "CKA_CERT_SHA1_HASH is not the SHA-1 of the certificate at line %u "
                          "(NSS ignores such a trust object): a build writes the right one",
                          c->o->line);
            }
        }
        /* NSS lists each distrusted certificate: the import distrusts what
         * it lists, never the other certificates of a key. */
        if (c->cert->info.is_ca)
            DT_ENSURE_MEM(!json_object_set_new(e, "scope", json_string("certificate")));
        I->s->certificates++;
    } else {
        if (sha1)
            dt_diag_report(I->d, DT_WARNING, &pl,
                      "the trust object has certificate hashes but the file does not hold the "
                      "certificate: imported as an issuer/serial distrust without hashes");
        struct dt_buf b64;
        dt_buf_init(&b64, 0);
        rc = dt_b64_encode(issuer, &b64);
        if (rc == DT_OK &&
            json_object_set_new(e, "issuer_der", json_stringn((const char *)b64.data, b64.len)))
            rc = DT_ERR_NOMEM;
        dt_buf_free(&b64);
        DT_TRY(rc);
        DT_TRY(dt_hex_encode(serial, false, ':', &hex));
        DT_ENSURE_MEM(
            !json_object_set_new(e, "serial", json_stringn((const char *)hex.data, hex.len)));
        if (serial.p[0] >= 0x80)
            DT_ENSURE_MEM(!json_object_set_new(e, "serial_format", json_string("der-negative")));
        I->s->issuer_serial++;
    }
    DT_ENSURE_MEM(!json_object_set_new(e, "nss_object", json_string(shape)));
    if (purposes != DT_PURPOSE_ALL) {
        json_t *a = json_array();
        DT_ENSURE_MEM(a && !json_object_set_new(e, "purposes", a));
        for (int k = 0; k < 3; k++)
            if (purposes & bits[k])
                DT_ENSURE_MEM(!json_array_append_new(a, json_string(dt_policy_purpose_name(bits[k]))));
    }
    DT_TRY(set_str(e, "comment", comment));
    DT_TRY(add_entry(I, e));
    I->s->records++;
out:
    json_decref(e);
    free(label);
    free(comment);
    dt_buf_free(&hex);
    return rc;
}

/* One root with distrust-after dates. */
static enum dt_err after_entry(struct cimp *I, struct cobj *c)
{
    enum dt_err rc = DT_OK;
    static const char *keys[2] = {"server_distrust_after", "email_distrust_after"};
    char *label = label_of(I, c->o), *comment = comment_text(I, c->o);
    json_t *e = json_object();
    DT_ENSURE_MEM(e && comment);
    DT_TRY(set_str(e, "label", label));
    DT_TRY(cert_file(I, c, label ? label : "root"));
    char rel[512];
    snprintf(rel, sizeof(rel), "%s/%s", I->dir_name, c->file);
    DT_TRY(set_str(e, "certificate", rel));
    for (int k = 0; k < 2; k++) {
        if (!c->has_after[k])
            continue;
        char t[32];
        dt_time_format_rfc3339(c->after[k], t);
        DT_TRY(set_str(e, keys[k], t));
    }
    DT_TRY(set_str(e, "comment", comment));
    DT_TRY(add_entry(I, e));
    I->s->distrust_after++;
out:
    json_decref(e);
    free(label);
    free(comment);
    return rc;
}

static enum dt_err collect_certs(struct cimp *I)
{
    enum dt_err rc = DT_OK;
    I->certs = dt_mem_calloc(I->f.n_objs ? I->f.n_objs : 1, sizeof(*I->certs));
    DT_ENSURE_MEM(I->certs);
    for (size_t i = 0; i < I->f.n_objs; i++) {
        const struct dt_cd_object *o = &I->f.objs[i];
        if (o->klass != CKO_CERTIFICATE)
            continue;
        struct cobj *c = &I->certs[I->n_certs];
        c->o = o;
        const struct dt_cd_attr *v = octal(o, CKA_VALUE);
        struct dt_place pl;
        place(I, o->line, &pl);
        const char *why = "no CKA_VALUE";
        if (v) {
            enum dt_err crc = dt_cert_from_der(v->value, v->len, &c->cert, &why);
            if (crc == DT_ERR_INTERNAL) /* a digest OpenSSL cannot give: not the object's fault */
                rc = dt_diag_fail(I->d, &pl, crc, "%s", why);
            if (crc != DT_ERR_INPUT && crc != DT_ERR_LIMIT)
                DT_TRY(crc);
            if (crc != DT_OK)
                c->cert = NULL;
        }
        if (!c->cert) {
            dt_diag_report(I->d, DT_WARNING, &pl,
                      "a certificate object whose value is not a "
                      "certificate (%s): its distrusts are imported by "
                      "issuer and serial",
                      why);
            continue;
        }
        uint8_t key[32];
        DT_TRY(dt_idkey_issuer_serial(c->cert->info.issuer, c->cert->info.serial, key));
        if (dt_dmap_first(&I->by_key, key) == DT_DMAP_END)
            DT_TRY(dt_dmap_add(&I->by_key, key, (uint32_t)I->n_certs));
        I->n_certs++;
        read_afters(I, o, c, false);
    }
out:
    return rc;
}

static void free_cimp(struct cimp *I)
{
    for (size_t i = 0; i < I->n_certs; i++)
        dt_cert_free(I->certs[i].cert);
    free(I->certs);
    for (size_t i = 0; i < I->n_names; i++)
        free(I->names[i]);
    free(I->names);
    dt_outdir_list_free(&I->pems);
    dt_dmap_free(&I->by_key);
    dt_buf_free(&I->entries);
    dt_cdparse_free(&I->f);
}

enum dt_err dt_import_certdata_mem(const char *input, struct dt_slice text, const char *dir_name,
                                   struct dt_buf *policy, struct dt_outlist *pems,
                                   struct dt_import_summary *s, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct cimp I;
    memset(&I, 0, sizeof(I));
    I.input = input;
    I.d = d;
    I.s = s;
    I.dir_name = dir_name;
    dt_outdir_list_init(pems);
    dt_outdir_list_init(&I.pems);
    dt_dmap_init(&I.by_key);
    dt_buf_init(&I.entries, 0);
    size_t errors0 = d->errors;
    if (dt_import_is_json(text)) {
        /* A OneCRL dump given to the wrong importer: one error, not 50
         * certdata parse errors. */
        struct dt_place pl = {input, 1, 1, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "JSON, not an NSS certdata.txt%s: import it with `distrust import "
                          "onecrl %s`",
                          memmem(text.p, text.n, "\"issuerName\"", 12) ||
                                  memmem(text.p, text.n, "\"data\"", 6)
                              ? " (a OneCRL dump)"
                              : "",
                          input);
        goto out;
    }
    DT_TRY(dt_cdparse_mem(input, text, &I.f, d));
    if (!I.f.has_begindata) {
        /* Not a damaged file read as "nothing distrusted". */
        struct dt_place pl = dt_diag_place_file(input);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "no BEGINDATA line: not an NSS certdata.txt");
        goto out;
    }
    DT_TRY(collect_certs(&I));
    /* Trust objects: distrusts, and dates placed on them. */
    for (size_t i = 0; i < I.f.n_objs; i++) {
        const struct dt_cd_object *o = &I.f.objs[i];
        if (o->klass != CKO_NSS_TRUST)
            continue;
        DT_TRY(trust_entry(&I, o));
        struct dt_slice serial;
        const struct dt_cd_attr *ia = octal(o, CKA_ISSUER);
        if (!ia || !serial_of(octal(o, CKA_SERIAL_NUMBER), &serial))
            continue;
        if (!octal(o, CKA_NSS_SERVER_DISTRUST_AFTER) && !octal(o, CKA_NSS_EMAIL_DISTRUST_AFTER))
            continue;
        uint8_t key[32];
        DT_TRY(dt_idkey_issuer_serial(dt_slice_make(ia->value, ia->len), serial, key));
        uint32_t at = dt_dmap_first(&I.by_key, key);
        read_afters(&I, o, at != DT_DMAP_END ? &I.certs[dt_dmap_value(&I.by_key, at)] : NULL, true);
    }
    for (size_t i = 0; i < I.n_certs; i++)
        if (I.certs[i].has_after[0] || I.certs[i].has_after[1])
            DT_TRY(after_entry(&I, &I.certs[i]));
    if (d->errors > errors0) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    const char *slash = strrchr(input, '/');
    char base[256];
    snprintf(base, sizeof(base), "%s", slash ? slash + 1 : input);
    for (char *c = base; *c; c++)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
            *c = '_';
    DT_TRY(dt_buf_printf(policy,
                         "{\n  \"version\": 1,\n  \"comment\": \"Imported by distrust %s from %s: "
                         "%zu distrusts (%zu by certificate, %zu by issuer and serial), %zu "
                         "roots with distrust-after dates\",\n"
                         "  \"incident\": {\"id\": \"certdata\", \"summary\": \"The distrusts "
                         "of %s\"},\n  \"entries\": [\n",
                         DT_VERSION, base, s->records, s->certificates, s->issuer_serial,
                         s->distrust_after, base));
    DT_TRY(dt_buf_append(policy, I.entries.data, I.entries.len));
    DT_TRY(dt_buf_puts(policy, "\n  ]\n}\n"));
    *pems = I.pems;
    dt_outdir_list_init(&I.pems);
out:
    free_cimp(&I);
    return rc;
}
