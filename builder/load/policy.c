/*
 * policy.c - policy language v1: load, validate, produce rules.
 *
 * Every problem is reported with its place (file:line:col and the JSON
 * pointer) and loading goes on, so one run shows all errors of a policy.
 */
#include "policy.h"

#include "der.h"
#include "file.h"
#include "json.h"
#include "caps.h"
#include "suggest.h"
#include "time.h"
#include "cert.h"
#include "hex.h"
#include "b64.h"
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- names ------------------------------------------------------------ */

static const char *const purpose_names[] = {"server-auth", "email-protection", "code-signing"};
static const char *const target_names[] = {"nss", "onecrl", "blob", "p11-kit"};
static const char *const shape_names[] = {"trust", "trust+hash", "certificate+trust"};
static const char *const scope_names[] = {"certificate", "key"};
static const char *const serial_format_names[] = {"der", "integer", "der-negative"};

const char *dt_policy_purpose_name(unsigned bit)
{
    for (unsigned i = 0; i < 3; i++)
        if (bit == 1u << i)
            return purpose_names[i];
    return "?";
}

const char *dt_policy_target_name(unsigned bit)
{
    for (unsigned i = 0; i < 4; i++)
        if (bit == 1u << i)
            return target_names[i];
    return "?";
}

const char *dt_policy_shape_name(enum dt_nss_shape s)
{
    return (unsigned)s < 3 ? shape_names[s] : "?";
}

const char *dt_policy_scope_name(enum dt_scope s)
{
    return (unsigned)s < 2 ? scope_names[s] : "?";
}

enum dt_scope dt_policy_rule_scope(const struct dt_rule *r, bool is_ca)
{
    if (r->scope_explicit)
        return r->scope;
    if (r->cross_signs_explicit && r->cross_signs)
        return DT_SCOPE_KEY;
    switch (r->kind) {
    case DT_RULE_SUBJECT_KEY:
        return DT_SCOPE_KEY;
    case DT_RULE_CERT:
    case DT_RULE_ISSUER_SERIAL:
        return is_ca ? DT_SCOPE_KEY : DT_SCOPE_CERT;
    default:
        return DT_SCOPE_CERT;
    }
}

static const char *const top_keys[] = {"version", "incident", "entries", "pool", "comment"};
static const char *const incident_keys[] = {"id", "bug", "summary", "comment"};
static const char *const entry_keys[] = {
    "certificate",
    "issuer_certificate",
    "issuer_der",
    "serial",
    "serials_file",
    "incident_serials",
    "revoke_by",
    "crl",
    "serial_format",
    "subject_der",
    "spki_sha256",
    "cross_signs",
    "scope",
    "distrust_anchors",
    "server_distrust_after",
    "email_distrust_after",
    "purposes",
    "targets",
    "nss_object",
    "label",
    "bug",
    "why",
    "who",
    "created",
    "onecrl_enabled",
    "relax_upstream",
    "comment",
};

/* ---- places ----------------------------------------------------------- */

void dt_policy_where(const struct dt_policy_file *pf, struct dt_where *w, bool at_key,
                     const char *fmt, ...)
{
    char path[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    dt_json_where(pf->display, pf->text, pf->text_len, w, at_key, path, NULL);
}

/* ---- loader state ----------------------------------------------------- */

struct loader {
    struct dt_jctx j; /* the file being read; j.rc is DT_ERR_INPUT after any error */
    struct dt_policy *p;
    struct dt_policy_file *pf;
};

/* Errors and warnings at a JSON pointer (lerr), or at a member of the object
 * at that pointer (lerrk). */
#define lerr(L, at_key, path, ...) dt_json_err(&(L)->j, at_key, path, NULL, __VA_ARGS__)
#define lerrk(L, at_key, path, key, ...) dt_json_err(&(L)->j, at_key, path, key, __VA_ARGS__)
#define lwarn(L, at_key, path, ...) dt_json_warn(&(L)->j, at_key, path, NULL, __VA_ARGS__)
#define lwarnk(L, at_key, path, key, ...) dt_json_warn(&(L)->j, at_key, path, key, __VA_ARGS__)
#define check_keys(L, obj, path, keys, n, what) dt_json_check_keys(&(L)->j, obj, path, keys, n, what)
#define get_str(L, obj, path, key, present) dt_json_str(&(L)->j, obj, path, key, present)
#define get_enum(L, obj, path, key, names, n, present) \
    dt_json_enum(&(L)->j, obj, path, key, names, n, present)
#define get_path(L, obj, path, key) dt_json_path(&(L)->j, obj, path, key)

/* Free text: label, bug, why, created, summary. */
static const char *get_text(struct loader *L, json_t *obj, const char *path, const char *key,
                            bool allow_int)
{
    return dt_json_text(&L->j, obj, path, key, allow_int, DT_MAX_LABEL_BYTES);
}

/* Labels end up in certdata.txt as CKA_LABEL UTF8 "...", which NSS's
 * certdata.perl evaluates as a Perl string and pastes into C. */
static const char *get_label(struct loader *L, json_t *obj, const char *path)
{
    const char *s = get_text(L, obj, path, "label", false);
    if (!s)
        return NULL;
    if (!*s) {
        lerrk(L, false, path, "label", "\"label\" is empty");
        return NULL;
    }
    const char *bad = strpbrk(s, "\"\\$@");
    if (bad) {
        lerrk(L, false, path, "label",
              "label contains '%c', which certdata.txt labels cannot carry (NSS's "
              "certdata.perl reads labels as Perl strings: no '\"', '\\', '$' or '@')",
              *bad);
        return NULL;
    }
    if (s[0] == ' ' || s[strlen(s) - 1] == ' ')
        lwarnk(L, false, path, "label", "label starts or ends with a space");
    return s;
}

/* Reads a JSON array of names into a bit set. */
static bool get_bits(struct loader *L, json_t *obj, const char *path, const char *key,
                     const char *const *names, size_t nnames, unsigned *bits)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return false;
    char sub[192];
    snprintf(sub, sizeof(sub), "%s/%s", path, key);
    if (!json_is_array(v)) {
        lerr(L, false, sub, "\"%s\" must be an array of strings", key);
        return false;
    }
    if (json_array_size(v) == 0) {
        lerr(L, false, sub, "\"%s\" is empty (leave it out for the default)", key);
        return false;
    }
    unsigned out = 0;
    size_t i;
    json_t *e;
    bool ok = true;
    json_array_foreach(v, i, e)
    {
        char esub[224];
        snprintf(esub, sizeof(esub), "%s/%zu", sub, i);
        if (!json_is_string(e)) {
            lerr(L, false, esub, "\"%s\" items must be strings", key);
            ok = false;
            continue;
        }
        const char *name = json_string_value(e);
        size_t k;
        for (k = 0; k < nnames; k++)
            if (strcmp(name, names[k]) == 0)
                break;
        if (k == nnames) {
            const char *s = dt_suggest(name, names, nnames);
            char list[160];
            dt_json_names_list(names, nnames, list, sizeof(list));
            if (s)
                lerr(L, false, esub, "unknown %s \"%s\"; did you mean \"%s\"? (one of %s)", key,
                     name, s, list);
            else
                lerr(L, false, esub, "unknown %s \"%s\" (one of %s)", key, name, list);
            ok = false;
            continue;
        }
        if (out & (1u << k))
            lwarn(L, false, esub, "\"%s\" is listed twice in \"%s\"", name, key);
        out |= 1u << k;
    }
    *bits = out;
    return ok;
}

/* Base64 DER Name: issuer_der or subject_der. */
static bool get_name_der(struct loader *L, json_t *obj, const char *path, const char *key,
                         struct dt_slice *out)
{
    bool present;
    const char *s = get_str(L, obj, path, key, &present);
    if (!s)
        return false;
    struct dt_buf b;
    dt_buf_init(&b, DT_MAX_NAME_BYTES * 2);
    bool ok = false;
    const char *why = dt_b64_decode(s, strlen(s), false, &b);
    if (why) {
        lerrk(L, false, path, key, "\"%s\" must be the base64 of a DER Name: %s", key, why);
        goto out;
    }
    if (b.len == 0) {
        lerrk(L, false, path, key, "\"%s\" is empty", key);
        goto out;
    }
    struct dt_slice sl = dt_slice_make(b.data, b.len);
    why = dt_der_check_name(sl);
    if (why) {
        struct dt_certinfo ci;
        if (!dt_der_parse_cert(sl, &ci))
            lerrk(L, false, path, key,
                  "\"%s\" holds a whole certificate, not a Name; use \"%s\" with a "
                  "certificate file instead",
                  key, strcmp(key, "issuer_der") == 0 ? "issuer_certificate" : "certificate");
        else
            lerrk(L, false, path, key, "\"%s\": %s", key, why);
        goto out;
    }
    if (b.len == 2)
        lwarnk(L, false, path, key, "\"%s\" is the empty Name", key);
    void *copy = dt_arena_dup(&L->p->arena, b.data, b.len);
    if (!copy) {
        L->j.rc = DT_ERR_NOMEM;
        goto out;
    }
    *out = dt_slice_make(copy, b.len);
    ok = true;
out:
    dt_buf_free(&b);
    return ok;
}

static bool get_rfc3339(struct loader *L, json_t *obj, const char *path, const char *key,
                        int64_t *t, bool *frac);

static bool get_date(struct loader *L, json_t *obj, const char *path, const char *key, int64_t *t)
{
    bool frac;
    if (!get_rfc3339(L, obj, path, key, t, &frac))
        return false;
    if (frac) {
        lerrk(L, false, path, key,
              "\"%s\": NSS stores the date as a UTCTime, which has no fractional seconds", key);
        return false;
    }
    char utc[14];
    if (!dt_time_to_utctime(*t, utc)) {
        lerrk(L, false, path, key,
              "\"%s\": NSS stores distrust-after dates as a 13-byte UTCTime, which can only "
              "express 1950 to 2049 (NSS ignores the 15-byte form nss-addbuiltin writes "
              "for later dates)",
              key);
        return false;
    }
    return true;
}

/* An RFC 3339 date-time member (an incident's deadline takes any year and
 * fractional seconds; a distrust-after date checks more, above). */
static bool get_rfc3339(struct loader *L, json_t *obj, const char *path, const char *key,
                        int64_t *t, bool *frac)
{
    bool present;
    const char *s = get_str(L, obj, path, key, &present);
    if (!s)
        return false;
    const char *why = dt_time_parse_rfc3339(s, t, frac);
    if (why) {
        lerrk(L, false, path, key, "\"%s\": %s", key, why);
        return false;
    }
    return true;
}

/* "crl": one path or an array of paths. */
static void get_crls(struct loader *L, json_t *e, const char *path, struct dt_rule *r)
{
    json_t *v = json_object_get(e, "crl");
    if (!v)
        return;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if ((!json_is_array(v) && !json_is_string(v)) || !n) {
        lerrk(L, false, path, "crl",
              "\"crl\" is a CRL file or a non-empty array of CRL files (DER or PEM)");
        return;
    }
    r->crls = dt_arena_alloc(&L->p->arena, n * sizeof(*r->crls));
    if (!r->crls) {
        L->j.rc = DT_ERR_NOMEM;
        return;
    }
    if (!json_is_array(v)) {
        r->crls[0] = (char *)get_path(L, e, path, "crl");
        r->n_crls = r->crls[0] ? 1 : 0;
        return;
    }
    char sub[200];
    snprintf(sub, sizeof(sub), "%s/crl", path);
    for (size_t i = 0; i < n; i++) {
        char k[24];
        snprintf(k, sizeof(k), "%zu", i);
        json_t *one = json_object();
        if (!one) {
            L->j.rc = DT_ERR_NOMEM;
            return;
        }
        json_object_set(one, k, json_array_get(v, i));
        const char *p = get_path(L, one, sub, k);
        json_decref(one);
        if (p)
            r->crls[r->n_crls++] = (char *)p;
    }
}

/* ---- entries ---------------------------------------------------------- */

static struct dt_rule *new_rule(struct loader *L)
{
    struct dt_policy *p = L->p;
    if (p->n_rules >= DT_MAX_RULES)
        return NULL;
    if (dt_mem_grow((void **)&p->rules, &p->cap_rules, p->n_rules + 1, sizeof(*p->rules)) != DT_OK)
        return NULL;
    struct dt_rule *r = &p->rules[p->n_rules++];
    memset(r, 0, sizeof(*r));
    r->ordinal = p->n_rules - 1;
    r->file = L->pf;
    return r;
}

/* Reports key `other` as not combinable with `with`. */
static bool exclusive(struct loader *L, json_t *e, const char *path, const char *with,
                      const char *other, const char *why)
{
    if (!json_object_get(e, other))
        return true;
    lerrk(L, true, path, other, "\"%s\" cannot be combined with \"%s\"%s%s", other, with,
          why ? " " : "", why ? why : "");
    return false;
}

static void load_entry(struct loader *L, json_t *e, size_t index)
{
    char path[64];
    snprintf(path, sizeof(path), "/entries/%zu", index);
    if (!json_is_object(e)) {
        lerr(L, false, path, "each entry must be a JSON object");
        return;
    }
    size_t errors_before = L->j.d->errors;
    check_keys(L, e, path, entry_keys, DT_ARRAY_LEN(entry_keys), "an entry");
    bool present;
    (void)get_str(L, e, path, "comment", &present);

    struct dt_rule *r = new_rule(L);
    if (!r) {
        lerr(L, false, path, "too many entries (the limit is %d across all policy files)",
             DT_MAX_RULES);
        return;
    }
    r->json_path = dt_arena_strdup(&L->p->arena, path);
    if (!r->json_path)
        L->j.rc = DT_ERR_NOMEM;
    if (!r->json_path)
        return;

    bool has_cert = json_object_get(e, "certificate") != NULL;
    bool has_icert = json_object_get(e, "issuer_certificate") != NULL;
    bool has_ider = json_object_get(e, "issuer_der") != NULL;
    bool has_serial = json_object_get(e, "serial") != NULL;
    bool has_sfile = json_object_get(e, "serials_file") != NULL;
    bool has_incident = json_object_get(e, "incident_serials") != NULL;
    bool has_subj = json_object_get(e, "subject_der") != NULL;
    bool has_spki = json_object_get(e, "spki_sha256") != NULL;
    bool has_after = json_object_get(e, "server_distrust_after") != NULL ||
                     json_object_get(e, "email_distrust_after") != NULL;

    /* Which form is this entry? */
    if (has_incident) {
        static const char *const others[] = {"certificate",         "serial",
                                             "serials_file",        "subject_der",
                                             "spki_sha256",         "server_distrust_after",
                                             "email_distrust_after"};
        for (size_t i = 0; i < DT_ARRAY_LEN(others); i++)
            exclusive(L, e, path, "incident_serials", others[i],
                      "(an incident entry distrusts the serials its issuer did not revoke "
                      "in time)");
        if (has_icert && has_ider)
            exclusive(L, e, path, "issuer_certificate", "issuer_der", "(give the issuer one way)");
        if (!has_icert && !has_ider)
            lerrk(L, true, path, "incident_serials",
                  "an incident needs its issuer: \"issuer_certificate\" (to check its CRLs) "
                  "or \"issuer_der\"");
        r->kind = DT_RULE_INCIDENT;
        if (has_icert)
            r->issuer_certificate = (char *)get_path(L, e, path, "issuer_certificate");
        else if (has_ider)
            get_name_der(L, e, path, "issuer_der", &r->issuer_der);
        r->serials_file = (char *)get_path(L, e, path, "incident_serials");
        bool frac;
        if (!json_object_get(e, "revoke_by"))
            lerrk(L, true, path, "incident_serials",
                  "an incident needs \"revoke_by\": the deadline (RFC 3339) by which the CA "
                  "had to revoke");
        else
            (void)get_rfc3339(L, e, path, "revoke_by", &r->revoke_by, &frac);
        get_crls(L, e, path, r);
        if (has_ider && json_object_get(e, "crl"))
            lerrk(L, true, path, "crl",
                  "checking a CRL's signature needs the issuer's certificate: give "
                  "\"issuer_certificate\" instead of \"issuer_der\"");
    } else if (json_object_get(e, "revoke_by") || json_object_get(e, "crl")) {
        lerrk(L, true, path, json_object_get(e, "revoke_by") ? "revoke_by" : "crl",
              "\"revoke_by\" and \"crl\" belong to an incident entry (with "
              "\"incident_serials\")");
        L->p->n_rules--;
        return;
    } else if (has_cert) {
        static const char *const others[] = {"issuer_certificate", "issuer_der",  "serial",
                                             "serials_file",       "subject_der", "spki_sha256"};
        for (size_t i = 0; i < DT_ARRAY_LEN(others); i++)
            exclusive(L, e, path, "certificate", others[i],
                      "(a certificate entry takes issuer, serial and key from the "
                      "certificate itself)");
        r->kind = has_after ? DT_RULE_DISTRUST_AFTER : DT_RULE_CERT;
        r->certificate = (char *)get_path(L, e, path, "certificate");
    } else if (has_icert || has_ider) {
        if (has_icert && has_ider)
            exclusive(L, e, path, "issuer_certificate", "issuer_der", "(give the issuer one way)");
        exclusive(L, e, path, has_icert ? "issuer_certificate" : "issuer_der", "subject_der", NULL);
        exclusive(L, e, path, has_icert ? "issuer_certificate" : "issuer_der", "spki_sha256", NULL);
        if (has_serial && has_sfile)
            exclusive(L, e, path, "serial", "serials_file",
                      "(one entry per serial list; use two entries)");
        if (!has_serial && !has_sfile) {
            lerrk(L, true, path, has_icert ? "issuer_certificate" : "issuer_der",
                  "an issuer needs \"serial\" or \"serials_file\"");
        }
        r->kind = has_sfile && !has_serial ? DT_RULE_SERIALS_FILE : DT_RULE_ISSUER_SERIAL;
        if (has_icert)
            r->issuer_certificate = (char *)get_path(L, e, path, "issuer_certificate");
        else
            get_name_der(L, e, path, "issuer_der", &r->issuer_der);
    } else if (has_subj || has_spki) {
        if (!has_subj || !has_spki) {
            lerrk(L, true, path, has_subj ? "subject_der" : "spki_sha256",
                  "\"subject_der\" and \"spki_sha256\" go together");
        }
        if (has_serial || has_sfile) {
            lerrk(L, true, path, has_serial ? "serial" : "serials_file",
                  "a serial needs an issuer (issuer_certificate or issuer_der), not a subject");
        }
        r->kind = DT_RULE_SUBJECT_KEY;
        get_name_der(L, e, path, "subject_der", &r->subject_der);
        bool p2;
        const char *h = get_str(L, e, path, "spki_sha256", &p2);
        if (h) {
            struct dt_buf b;
            dt_buf_init(&b, 1024);
            const char *why = dt_b64_decode(h, strlen(h), false, &b);
            size_t hl = strlen(h);
            bool all_hex = hl == 64 && strspn(h, "0123456789abcdefABCDEF") == 64;
            if (all_hex)
                lerrk(L, false, path, "spki_sha256",
                      "\"spki_sha256\" is base64 (as OneCRL's pubKeyHash), not hex");
            else if (why)
                lerrk(L, false, path, "spki_sha256", "\"spki_sha256\": %s", why);
            else if (b.len != 32)
                lerrk(L, false, path, "spki_sha256",
                      "\"spki_sha256\" must be the base64 of a 32-byte SHA-256 digest (got "
                      "%zu bytes)",
                      b.len);
            else
                memcpy(r->spki_sha256, b.data, 32);
            dt_buf_free(&b);
        }
    } else if (has_serial || has_sfile) {
        lerrk(L, true, path, has_serial ? "serial" : "serials_file",
              "a serial needs an issuer: add \"issuer_certificate\" or \"issuer_der\"");
    } else {
        lerr(L, false, path,
             "the entry names nothing to distrust: give \"certificate\", an issuer "
             "(\"issuer_certificate\" or \"issuer_der\") with \"serial\" or "
             "\"serials_file\", or \"subject_der\" with \"spki_sha256\"");
        L->p->n_rules--; /* nothing else about this entry can be judged */
        return;
    }

    /* Serial and its format. */
    bool fmt_present;
    int fmt = get_enum(L, e, path, "serial_format", serial_format_names,
                       DT_ARRAY_LEN(serial_format_names), &fmt_present);
    if (fmt >= 0)
        r->serial_format = (enum dt_serial_format)fmt;
    if (fmt_present && !has_serial && !has_sfile && !has_incident) {
        lerrk(L, true, path, "serial_format",
              "\"serial_format\" applies only to \"serial\" and \"serials_file\"");
    }
    if (has_serial && !has_cert) {
        const char *s = get_str(L, e, path, "serial", &present);
        if (s) {
            struct dt_buf b;
            dt_buf_init(&b, DT_MAX_SERIAL_OCTETS * 2);
            size_t col;
            const char *warn;
            const char *why = dt_serials_decode(s, strlen(s), r->serial_format, &b, &col, &warn);
            struct dt_where w;
            if (why || warn) { /* finding the place scans the text: only when needed */
                dt_policy_where(L->pf, &w, false, "%s/serial", path);
                if (w.pl.col)
                    w.pl.col += (unsigned)col; /* past the opening quote */
            }
            if (why) {
                char hint[320] = "";
                if (why == dt_serials_err_high_bit)
                    dt_serials_pad_hint(s, strlen(s), hint, sizeof(hint));
                dt_diag_report(L->j.d, DT_ERROR, &w.pl, "serial \"%s\": %s%s", s, why, hint);
                L->j.rc = DT_ERR_INPUT;
            } else {
                if (warn)
                    dt_diag_report(L->j.d, DT_WARNING, &w.pl, "serial \"%s\": %s", s, warn);
                void *copy = dt_arena_dup(&L->p->arena, b.data, b.len);
                if (copy)
                    r->serial = dt_slice_make(copy, b.len);
                else
                    L->j.rc = DT_ERR_NOMEM;
            }
            dt_buf_free(&b);
        }
    }
    if (has_sfile && !has_cert)
        r->serials_file = (char *)get_path(L, e, path, "serials_file");

    /* Distrust-after. */
    if (has_after) {
        r->has_server_after = get_date(L, e, path, "server_distrust_after", &r->server_after);
        r->has_email_after = get_date(L, e, path, "email_distrust_after", &r->email_after);
        if (!has_cert) {
            lerrk(L, true, path,
                  json_object_get(e, "server_distrust_after") ? "server_distrust_after"
                                                              : "email_distrust_after",
                  "a distrust-after date is set on a root's certificate object: give the "
                  "root as \"certificate\"");
        }
        exclusive(L, e, path, "a distrust-after date", "purposes",
                  "(an entry with a distrust-after date distrusts only leaves issued after "
                  "it; write a second entry to distrust a purpose outright)");
        exclusive(L, e, path, "a distrust-after date", "nss_object",
                  "(the date is an attribute of the root's certificate object)");
        exclusive(L, e, path, "a distrust-after date", "cross_signs", NULL);
        exclusive(L, e, path, "a distrust-after date", "scope",
                  "(a distrust-after date binds the root it is set on)");
        exclusive(L, e, path, "a distrust-after date", "distrust_anchors", NULL);
    }

    /* Purposes and targets. */
    r->purposes = DT_PURPOSE_ALL;
    unsigned bits;
    if (get_bits(L, e, path, "purposes", purpose_names, 3, &bits))
        r->purposes = bits;
    switch (r->kind) {
    case DT_RULE_CERT:
    case DT_RULE_ISSUER_SERIAL:
        r->targets = DT_TARGET_ALL;
        break;
    case DT_RULE_SUBJECT_KEY:
        r->targets = DT_TARGET_ONECRL | DT_TARGET_BLOB | DT_TARGET_P11KIT;
        break;
    case DT_RULE_SERIALS_FILE:
        r->targets = DT_TARGET_BLOB;
        break;
    case DT_RULE_INCIDENT:
        r->targets = DT_TARGET_ONECRL | DT_TARGET_BLOB;
        break;
    case DT_RULE_DISTRUST_AFTER:
        r->targets = DT_TARGET_NSS | DT_TARGET_P11KIT;
        break;
    }
    if (get_bits(L, e, path, "targets", target_names, 4, &bits)) {
        r->targets = bits;
        r->targets_explicit = true;
        if (r->kind == DT_RULE_DISTRUST_AFTER && (bits & (DT_TARGET_ONECRL | DT_TARGET_BLOB)))
            lerrk(L, false, path, "targets",
                  "OneCRL records and the blob cannot express a distrust-after date; use "
                  "\"nss\" and \"p11-kit\"");
    }
    if ((r->targets & (DT_TARGET_ONECRL | DT_TARGET_BLOB)) && r->purposes != DT_PURPOSE_ALL &&
        r->kind != DT_RULE_DISTRUST_AFTER) {
        lwarnk(L, false, path, "purposes",
               "OneCRL records and the blob revoke for every purpose; \"purposes\" limits "
               "only the NSS and p11-kit outputs");
    }

    /* NSS shape. */
    int shape = get_enum(L, e, path, "nss_object", shape_names, 3, &present);
    if (shape >= 0) {
        r->shape = (enum dt_nss_shape)shape;
        r->shape_explicit = true;
        if (r->shape != DT_SHAPE_TRUST && r->kind != DT_RULE_CERT &&
            r->kind != DT_RULE_DISTRUST_AFTER)
            lerrk(L, false, path, "nss_object",
                  "nss_object \"%s\" needs the certificate (for its hashes): use "
                  "\"certificate\" or nss_object \"trust\"",
                  shape_names[shape]);
        if (!(r->targets & DT_TARGET_NSS))
            lwarnk(L, false, path, "nss_object",
                   "nss_object has no effect: the entry does not target nss");
    }

    /* Cross-signs. */
    json_t *cs = json_object_get(e, "cross_signs");
    if (cs) {
        if (!json_is_boolean(cs)) {
            lerrk(L, false, path, "cross_signs", "\"cross_signs\" must be true or false");
        } else {
            r->cross_signs = json_is_true(cs);
            r->cross_signs_explicit = true;
            if (!has_cert && !has_icert && !has_ider)
                lerrk(L, true, path, "cross_signs",
                      "\"cross_signs\" applies to certificate and issuer/serial entries (the "
                      "subject and key to look for come from the certificate)");
            else if (has_sfile && !has_cert)
                lerrk(L, true, path, "cross_signs",
                      "\"cross_signs\" does not apply to a serial list");
        }
    }

    /* Scope: one certificate, or the key. */
    int scope = get_enum(L, e, path, "scope", scope_names, 2, &present);
    if (scope >= 0) {
        r->scope = (enum dt_scope)scope;
        r->scope_explicit = true;
        if (r->scope == DT_SCOPE_KEY &&
            (r->kind == DT_RULE_SERIALS_FILE || r->kind == DT_RULE_INCIDENT))
            lerrk(L, false, path, "scope",
                  "\"scope\": \"key\" needs a certificate, or an issuer and one serial: a "
                  "serial list names certificates, not keys");
        else if (r->scope == DT_SCOPE_CERT && r->kind == DT_RULE_SUBJECT_KEY)
            lerrk(L, false, path, "scope",
                  "a subject and key entry distrusts the key (every certificate of it); "
                  "\"scope\": \"certificate\" cannot apply: name the certificate instead");
        else if (r->scope == DT_SCOPE_CERT && r->cross_signs_explicit && r->cross_signs)
            lerrk(L, false, path, "cross_signs",
                  "\"cross_signs\": true looks for the other certificates of the key, but "
                  "\"scope\": \"certificate\" distrusts this certificate alone: drop one");
    }
    json_t *da = json_object_get(e, "distrust_anchors");
    if (da) {
        if (!json_is_boolean(da))
            lerrk(L, false, path, "distrust_anchors",
                  "\"distrust_anchors\" must be true or false");
        else
            r->distrust_anchors = json_is_true(da);
        if (r->scope_explicit && r->scope == DT_SCOPE_CERT)
            lwarnk(L, false, path, "distrust_anchors",
                   "\"distrust_anchors\" has no effect: \"scope\": \"certificate\" never "
                   "reaches another certificate");
        else if (r->kind == DT_RULE_SERIALS_FILE || r->kind == DT_RULE_INCIDENT)
            lwarnk(L, false, path, "distrust_anchors",
                   "\"distrust_anchors\" has no effect on a serial list");
    }

    /* Metadata. */
    r->label = get_label(L, e, path);
    r->bug = get_text(L, e, path, "bug", true);
    if (!r->bug)
        r->bug = L->pf->incident.bug;
    r->why = get_text(L, e, path, "why", false);
    if (r->kind == DT_RULE_INCIDENT) {
        /* The provenance every overdue serial's records carry. */
        char when[32], buf[DT_MAX_LABEL_BYTES + 96];
        dt_time_format_rfc3339(r->revoke_by, when);
        snprintf(buf, sizeof(buf), "%s%srevocation overdue since %s", r->why ? r->why : "",
                 r->why ? "; " : "", when);
        r->why = dt_arena_strdup(&L->p->arena, buf);
        if (!r->why)
            L->j.rc = DT_ERR_NOMEM;
    }
    r->who = get_text(L, e, path, "who", false);
    r->created = get_text(L, e, path, "created", false);
    json_t *en = json_object_get(e, "onecrl_enabled");
    if (en) {
        if (!json_is_boolean(en))
            lerrk(L, false, path, "onecrl_enabled", "\"onecrl_enabled\" must be true or false");
        else
            r->onecrl_disabled = json_is_false(en);
        if (!(r->targets & DT_TARGET_ONECRL))
            lwarnk(L, false, path, "onecrl_enabled",
                   "onecrl_enabled has no effect: the entry does not target onecrl");
    }
    json_t *ru = json_object_get(e, "relax_upstream");
    if (ru) {
        if (!json_is_boolean(ru))
            lerrk(L, false, path, "relax_upstream", "\"relax_upstream\" must be true or false");
        else
            r->relax_upstream = json_is_true(ru);
        if (r->relax_upstream && !(r->targets & DT_TARGET_NSS))
            lwarnk(L, false, path, "relax_upstream",
                   "relax_upstream has no effect: the entry does not target nss (only the "
                   "merge into an upstream certdata.txt, build --certdata, can relax a "
                   "distrust)");
    }
    if (r->created) {
        const char *why = dt_time_parse_date_or_datetime(r->created);
        if (why) {
            lerrk(L, false, path, "created", "\"created\": %s", why);
        }
    }
    if (L->j.d->errors != errors_before) {
        /* Keep the rule count honest for "N entries" messages but never
         * resolve an entry that had errors. */
        L->p->n_rules--;
    }
}

/* "pool": certificate pools (directories or files) relative to the policy. */
static void load_pool(struct loader *L, json_t *pool)
{
    if (!pool)
        return;
    if (!json_is_array(pool) || json_array_size(pool) == 0) {
        lerr(L, false, "/pool", "\"pool\" must be a non-empty array of directories or files");
        return;
    }
    size_t n = json_array_size(pool);
    const char **v = dt_arena_alloc(&L->p->arena, n * sizeof(*v));
    const char **names = dt_arena_alloc(&L->p->arena, n * sizeof(*names));
    if (!v || !names) {
        L->j.rc = DT_ERR_NOMEM;
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(pool, i, e)
    {
        char sub[32];
        snprintf(sub, sizeof(sub), "/pool/%zu", i);
        if (!json_is_string(e) || !json_string_length(e)) {
            lerr(L, false, sub, "each item of \"pool\" must be a path");
            return;
        }
        char *joined = dt_path_join(L->pf->dir, json_string_value(e));
        v[i] = joined ? dt_arena_strdup(&L->p->arena, joined) : NULL;
        names[i] = dt_arena_strdup(&L->p->arena, json_string_value(e));
        free(joined);
        if (!v[i] || !names[i]) {
            L->j.rc = DT_ERR_NOMEM;
            return;
        }
    }
    L->pf->pools = v;
    L->pf->pool_names = names;
    L->pf->n_pools = n;
}

static void load_incident(struct loader *L, json_t *inc)
{
    if (!inc)
        return;
    if (!json_is_object(inc)) {
        lerr(L, false, "/incident", "\"incident\" must be an object");
        return;
    }
    check_keys(L, inc, "/incident", incident_keys, DT_ARRAY_LEN(incident_keys), "the incident");
    bool present;
    (void)get_str(L, inc, "/incident", "comment", &present);
    const char *id = get_text(L, inc, "/incident", "id", false);
    if (id && !*id)
        lerr(L, false, "/incident/id", "\"id\" is empty");
    L->pf->incident.id = id;
    L->pf->incident.bug = get_text(L, inc, "/incident", "bug", true);
    L->pf->incident.summary = get_text(L, inc, "/incident", "summary", false);
}

static void load_file_json(struct loader *L)
{
    json_t *root = dt_json_parse(&L->j, DT_MAX_JSON_DEPTH);
    if (!root)
        return;
    if (!json_is_object(root)) {
        lerr(L, false, "", "a policy file must hold one JSON object");
        goto out;
    }
    check_keys(L, root, "", top_keys, DT_ARRAY_LEN(top_keys), "the policy");
    bool present;
    (void)get_str(L, root, "", "comment", &present);
    json_t *ver = json_object_get(root, "version");
    if (!ver)
        lerr(L, false, "", "missing \"version\": 1");
    else if (!json_is_integer(ver))
        lerr(L, false, "/version", "\"version\" must be the number 1");
    else if (json_integer_value(ver) != 1)
        lerr(L, false, "/version", "unsupported policy version %lld (this tool reads version 1)",
             (long long)json_integer_value(ver));
    load_incident(L, json_object_get(root, "incident"));
    load_pool(L, json_object_get(root, "pool"));
    json_t *entries = json_object_get(root, "entries");
    if (!entries) {
        lerr(L, false, "", "missing \"entries\" (an array of distrust entries)");
    } else if (!json_is_array(entries)) {
        lerr(L, false, "/entries", "\"entries\" must be an array");
    } else {
        if (json_array_size(entries) == 0)
            lwarn(L, false, "/entries", "the policy has no entries");
        size_t i;
        json_t *e;
        json_array_foreach(entries, i, e)
        {
            load_entry(L, e, i);
            if (L->j.rc == DT_ERR_NOMEM)
                break;
        }
    }
out:
    json_decref(root);
}

/* ---- files and directories ------------------------------------------- */

struct input {
    char *path;
    char *name; /* stable name: relative to the argument */
};

static int cmp_input(const void *a, const void *b)
{
    const struct input *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->path, y->path);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static enum dt_err push_input(struct input **v, size_t *n, size_t *cap, const char *path,
                              const char *name)
{
    enum dt_err rc = dt_mem_grow((void **)v, cap, *n + 1, sizeof(**v));
    if (rc != DT_OK)
        return rc;
    (*v)[*n].path = dt_mem_strdup(path);
    (*v)[*n].name = dt_mem_strdup(name);
    if (!(*v)[*n].path || !(*v)[*n].name) {
        free((*v)[*n].path);
        free((*v)[*n].name);
        return DT_ERR_NOMEM;
    }
    (*n)++;
    return DT_OK;
}

static enum dt_err collect_inputs(const char *const *paths, size_t n, struct input **out,
                                  size_t *nout, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    size_t cap = 0;
    *out = NULL;
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        struct dt_place pl = dt_diag_place_file(paths[i]);
        if (stat(paths[i], &st) != 0) {
            dt_diag_report(d, DT_ERROR, &pl, "cannot open policy: %s", strerror(errno));
            rc = DT_ERR_INPUT;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            const char *base = strrchr(paths[i], '/');
            DT_TRY(push_input(out, nout, &cap, paths[i], base ? base + 1 : paths[i]));
            continue;
        }
        DIR *dir = opendir(paths[i]);
        if (!dir) {
            dt_diag_report(d, DT_ERROR, &pl, "cannot read policy directory: %s", strerror(errno));
            rc = DT_ERR_INPUT;
            continue;
        }
        size_t before = *nout;
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            if (de->d_name[0] == '.' || !ends_with(de->d_name, ".json"))
                continue;
            char *full = dt_path_join(paths[i], de->d_name);
            if (!full) {
                closedir(dir);
                rc = DT_ERR_NOMEM;
                goto out;
            }
            enum dt_err prc = push_input(out, nout, &cap, full, de->d_name);
            free(full);
            if (prc != DT_OK) {
                closedir(dir);
                rc = prc;
                goto out;
            }
        }
        closedir(dir);
        if (*nout == before) {
            dt_diag_report(d, DT_ERROR, &pl, "no *.json policy files in this directory");
            rc = DT_ERR_INPUT;
        }
    }
    if (*nout)
        qsort(*out, *nout, sizeof(**out), cmp_input);
out:
    return rc;
}

enum dt_err dt_policy_load(struct dt_policy *p, const char *const *paths, size_t n,
                           struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct input *inputs = NULL;
    size_t n_inputs = 0;

    memset(p, 0, sizeof(*p));
    dt_arena_init(&p->arena);
    if (n == 0) {
        rc = dt_diag_fail(d, NULL, DT_ERR_USAGE, "no policy given");
        goto out;
    }
    enum dt_err crc = collect_inputs(paths, n, &inputs, &n_inputs, d);
    if (crc == DT_ERR_NOMEM) {
        rc = crc;
        goto out;
    }
    if (n_inputs > DT_MAX_POLICY_FILES) {
        rc = dt_diag_fail(d, NULL, DT_ERR_LIMIT, "more than %d policy files", DT_MAX_POLICY_FILES);
        goto out;
    }
    p->files = dt_mem_calloc(n_inputs, sizeof(*p->files));
    DT_ENSURE_MEM(p->files);
    struct loader L;
    memset(&L, 0, sizeof(L));
    L.j.d = d;
    L.j.arena = &p->arena;
    L.j.rc = crc;
    L.p = p;
    for (size_t i = 0; i < n_inputs; i++) {
        /* The same file named twice (a file and its directory) loads once. */
        bool dup = false;
        for (size_t j = 0; j < i; j++) {
            struct stat a, b;
            if (stat(inputs[i].path, &a) == 0 && stat(inputs[j].path, &b) == 0 &&
                a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                dup = true;
        }
        if (dup) {
            struct dt_place pl = dt_diag_place_file(inputs[i].path);
            dt_diag_warn(d, &pl, "policy file given twice; read once");
            continue;
        }
        struct dt_policy_file *pf = &p->files[p->n_files];
        struct dt_buf text;
        enum dt_err frc = dt_file_read(inputs[i].path, DT_MAX_POLICY_BYTES, &text, d, NULL);
        if (frc == DT_ERR_NOMEM) {
            rc = frc;
            goto out;
        }
        if (frc != DT_OK) {
            L.j.rc = DT_ERR_INPUT;
            continue;
        }
        p->n_files++;
        pf->path = dt_arena_strdup(&p->arena, inputs[i].path);
        pf->display = pf->path;
        char *dir = dt_path_dirname(inputs[i].path);
        pf->dir = dir ? dt_arena_strdup(&p->arena, dir) : NULL;
        free(dir);
        pf->name = dt_arena_strdup(&p->arena, inputs[i].name);
        for (size_t j = 0; pf->name && j + 1 < p->n_files; j++) {
            if (strcmp(p->files[j].name, pf->name))
                continue;
            struct dt_place pl = dt_diag_place_file(inputs[i].path);
            dt_diag_report(d, DT_ERROR, &pl,
                      "another policy file of this build has the same name (%s): the outputs "
                      "name every entry by its file's name, so rename one",
                      p->files[j].path);
            L.j.rc = DT_ERR_INPUT;
        }
        dt_digest_sha256(dt_slice_make(text.data, text.len), pf->sha256);
        pf->text_len = text.len;
        const char *t = dt_buf_cstr(&text);
        pf->text = t ? dt_arena_dup(&p->arena, t, text.len + 1) : NULL;
        dt_buf_free(&text);
        DT_ENSURE(pf->path && pf->name && pf->dir && pf->text, DT_ERR_NOMEM);
        L.pf = pf;
        L.j.display = pf->display;
        L.j.dir = pf->dir;
        L.j.text = pf->text;
        L.j.len = pf->text_len;
        load_file_json(&L);
        if (L.j.rc == DT_ERR_NOMEM) {
            rc = L.j.rc;
            goto out;
        }
    }
    rc = L.j.rc;
out:
    for (size_t i = 0; i < n_inputs; i++) {
        free(inputs[i].path);
        free(inputs[i].name);
    }
    free(inputs);
    return rc;
}

void dt_policy_free(struct dt_policy *p)
{
    if (!p)
        return;
    free(p->files);
    free(p->rules);
    dt_arena_free(&p->arena);
    memset(p, 0, sizeof(*p));
}

const char *dt_policy_relpath(const struct dt_rule *r, const char *path)
{
    const char *dir = r->file->dir;
    size_t k = strlen(dir);
    if (strcmp(dir, ".") != 0 && strncmp(path, dir, k) == 0 && path[k] == '/')
        return path + k + 1;
    return path;
}
