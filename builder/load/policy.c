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
    if (why == dt_mem_why_nomem) {
        L->j.rc = DT_ERR_NOMEM;
        goto out;
    }
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

/* ---- entry forms ------------------------------------------------------ */

/* The keys that decide an entry's form, as bits of a mask (form_keys[k]
 * names bit k). Where one of several keys selects a form, the first present
 * in this order is "the selecting key" that messages name. */
enum form_key {
    K_CERTIFICATE,
    K_ISSUER_CERTIFICATE,
    K_ISSUER_DER,
    K_SERIAL,
    K_SERIALS_FILE,
    K_INCIDENT_SERIALS,
    K_REVOKE_BY,
    K_CRL,
    K_SUBJECT_DER,
    K_SPKI_SHA256,
    K_SERVER_AFTER,
    K_EMAIL_AFTER,
    K_N
};
#define KB(k) (1u << (k))
#define K_ISSUER (KB(K_ISSUER_CERTIFICATE) | KB(K_ISSUER_DER))
#define K_SERIALS (KB(K_SERIAL) | KB(K_SERIALS_FILE))
#define K_AFTER (KB(K_SERVER_AFTER) | KB(K_EMAIL_AFTER))

static const char *const form_keys[K_N] = {
    "certificate",      "issuer_certificate", "issuer_der",  "serial",
    "serials_file",     "incident_serials",   "revoke_by",   "crl",
    "subject_der",      "spki_sha256",        "server_distrust_after",
    "email_distrust_after",
};

/* The first key of mask present in has, or NULL. */
static const char *first_key(unsigned has, unsigned mask)
{
    for (unsigned k = 0; k < K_N; k++)
        if (has & mask & KB(k))
            return form_keys[k];
    return NULL;
}

/* One check of a form on the keys of an entry. Either it excludes keys: an
 * error at the first of them present, when `with` is present too ("\"K\"
 * cannot be combined with \"W\" WHY", or text); or it needs one of some
 * keys: text, at the selecting key, when none is present. */
struct key_rule {
    unsigned excludes;
    unsigned with; /* 0: the selecting key */
    const char *why;
    unsigned needs;
    const char *text;
};

#define WHY_CERT "(a certificate entry takes issuer, serial and key from the certificate itself)"
#define WHY_INCIDENT                                                                          \
    "(an incident entry distrusts the serials its issuer did not revoke in time)"
#define WHY_ONE_ISSUER "(give the issuer one way)"

static const struct key_rule certificate_rules[] = {
    {.excludes = KB(K_ISSUER_CERTIFICATE), .why = WHY_CERT},
    {.excludes = KB(K_ISSUER_DER), .why = WHY_CERT},
    {.excludes = KB(K_SERIAL), .why = WHY_CERT},
    {.excludes = KB(K_SERIALS_FILE), .why = WHY_CERT},
    {.excludes = KB(K_SUBJECT_DER), .why = WHY_CERT},
    {.excludes = KB(K_SPKI_SHA256), .why = WHY_CERT},
    {0},
};

static const struct key_rule issuer_rules[] = {
    {.excludes = KB(K_ISSUER_DER), .with = KB(K_ISSUER_CERTIFICATE), .why = WHY_ONE_ISSUER},
    {.excludes = KB(K_SUBJECT_DER)},
    {.excludes = KB(K_SPKI_SHA256)},
    {.excludes = KB(K_SERIALS_FILE),
     .with = KB(K_SERIAL),
     .why = "(one entry per serial list; use two entries)"},
    {.needs = K_SERIALS, .text = "an issuer needs \"serial\" or \"serials_file\""},
    {0},
};

static const struct key_rule incident_rules[] = {
    {.excludes = KB(K_CERTIFICATE), .why = WHY_INCIDENT},
    {.excludes = KB(K_SERIAL), .why = WHY_INCIDENT},
    {.excludes = KB(K_SERIALS_FILE), .why = WHY_INCIDENT},
    {.excludes = KB(K_SUBJECT_DER), .why = WHY_INCIDENT},
    {.excludes = KB(K_SPKI_SHA256), .why = WHY_INCIDENT},
    {.excludes = KB(K_SERVER_AFTER), .why = WHY_INCIDENT},
    {.excludes = KB(K_EMAIL_AFTER), .why = WHY_INCIDENT},
    {.excludes = KB(K_ISSUER_DER), .with = KB(K_ISSUER_CERTIFICATE), .why = WHY_ONE_ISSUER},
    {.needs = K_ISSUER,
     .text = "an incident needs its issuer: \"issuer_certificate\" (to check its CRLs) or "
             "\"issuer_der\""},
    {.needs = KB(K_REVOKE_BY),
     .text = "an incident needs \"revoke_by\": the deadline (RFC 3339) by which the CA had to "
             "revoke"},
    {.excludes = KB(K_CRL),
     .with = KB(K_ISSUER_DER),
     .text = "checking a CRL's signature needs the issuer's certificate: give "
             "\"issuer_certificate\" instead of \"issuer_der\""},
    {0},
};

static const struct key_rule subject_key_rules[] = {
    {.needs = KB(K_SUBJECT_DER), .text = "\"subject_der\" and \"spki_sha256\" go together"},
    {.needs = KB(K_SPKI_SHA256), .text = "\"subject_der\" and \"spki_sha256\" go together"},
    {.excludes = K_SERIALS,
     .text = "a serial needs an issuer (issuer_certificate or issuer_der), not a subject"},
    {0},
};

static const struct key_rule no_rules[] = {{0}};

typedef void form_load_fn(struct loader *L, json_t *e, const char *path, struct dt_rule *r);
static form_load_fn load_certificate, load_issuer, load_incident_entry, load_subject_key;
static void incident_why(struct loader *L, struct dt_rule *r);

/* An entry form: the keys that select it, the checks on the keys beside
 * them, the rule it yields and how the keys every form may carry apply to
 * it. */
struct form {
    unsigned select;     /* one of these keys is present (0: any entry) */
    unsigned and_select; /* and, when not 0, one of these */
    unsigned unless;     /* and none of these */
    const struct key_rule *rules; /* in order, {0} last */
    const char *error; /* the form is an error: this, at the selecting key (at the entry
                        * when the row selects on no key) */
    bool stop;         /* nothing more about the entry can be judged */
    enum dt_rule_kind kind;
    unsigned targets;         /* the default "targets" */
    unsigned targets_refused; /* "targets" it cannot have, because of targets_why */
    const char *targets_why;
    bool names_cert;  /* names the certificate: an "nss_object" can carry it and its hashes */
    bool serial_list; /* names certificates by serial: never a key ("scope", anchors) */
    bool names_key;   /* names a subject and key: never one certificate ("scope") */
    form_load_fn *load; /* reads its own keys' values */
    void (*finish)(struct loader *L, struct dt_rule *r); /* after all else is read */
};

/* The forms of an entry (doc/policy.md "Entries"), tried in this order: the
 * first whose selection holds is the entry's. Adding a form is adding a row
 * (and a rule kind for resolve). */
static const struct form forms[] = {
    {
        /* A revocation deadline: the serials its issuer did not revoke by it. */
        .select = KB(K_INCIDENT_SERIALS),
        .rules = incident_rules,
        .kind = DT_RULE_INCIDENT,
        .targets = DT_TARGET_ONECRL | DT_TARGET_BLOB,
        .serial_list = true,
        .load = load_incident_entry,
        .finish = incident_why,
    },
    {
        /* An incident's keys without the incident. */
        .select = KB(K_REVOKE_BY) | KB(K_CRL),
        .rules = no_rules,
        .error = "\"revoke_by\" and \"crl\" belong to an incident entry (with "
                 "\"incident_serials\")",
        .stop = true,
    },
    {
        /* A distrust-after date: a partial distrust of a root, the leaves
         * issued after the date. */
        .select = KB(K_CERTIFICATE),
        .and_select = K_AFTER,
        .rules = certificate_rules,
        .kind = DT_RULE_DISTRUST_AFTER,
        .targets = DT_TARGET_NSS | DT_TARGET_P11KIT,
        .targets_refused = DT_TARGET_ONECRL | DT_TARGET_BLOB,
        .targets_why = "OneCRL records and the blob cannot express a distrust-after date; "
                       "use \"nss\" and \"p11-kit\"",
        .names_cert = true,
        .load = load_certificate,
    },
    {
        /* A certificate, given as a file. */
        .select = KB(K_CERTIFICATE),
        .rules = certificate_rules,
        .kind = DT_RULE_CERT,
        .targets = DT_TARGET_ALL,
        .names_cert = true,
        .load = load_certificate,
    },
    {
        /* An issuer and a list of serials. */
        .select = K_ISSUER,
        .and_select = KB(K_SERIALS_FILE),
        .unless = KB(K_SERIAL),
        .rules = issuer_rules,
        .kind = DT_RULE_SERIALS_FILE,
        .targets = DT_TARGET_BLOB,
        .serial_list = true,
        .load = load_issuer,
    },
    {
        /* An issuer and a serial. */
        .select = K_ISSUER,
        .rules = issuer_rules,
        .kind = DT_RULE_ISSUER_SERIAL,
        .targets = DT_TARGET_ALL,
        .load = load_issuer,
    },
    {
        /* A subject and a public key (OneCRL's second record type). */
        .select = KB(K_SUBJECT_DER) | KB(K_SPKI_SHA256),
        .rules = subject_key_rules,
        .kind = DT_RULE_SUBJECT_KEY,
        .targets = DT_TARGET_ONECRL | DT_TARGET_BLOB | DT_TARGET_P11KIT,
        .names_key = true,
        .load = load_subject_key,
    },
    {
        /* A serial without an issuer: an error, but the rest of the entry
         * is still checked (as a certificate entry's would be) so that one
         * run reports all of its problems. */
        .select = K_SERIALS,
        .rules = no_rules,
        .error = "a serial needs an issuer: add \"issuer_certificate\" or \"issuer_der\"",
        .kind = DT_RULE_CERT,
        .targets = DT_TARGET_ALL,
        .names_cert = true,
    },
    {
        /* None of the above. */
        .rules = no_rules,
        .error = "the entry names nothing to distrust: give \"certificate\", an issuer "
                 "(\"issuer_certificate\" or \"issuer_der\") with \"serial\" or "
                 "\"serials_file\", or \"subject_der\" with \"spki_sha256\"",
        .stop = true,
    },
};

/* The form of an entry whose form keys are has, and its selecting key
 * (NULL for the last row). */
static const struct form *form_of(unsigned has, const char **sel)
{
    const struct form *f = forms;
    for (; f < forms + DT_ARRAY_LEN(forms) - 1; f++)
        if ((has & f->select) && (!f->and_select || (has & f->and_select)) && !(has & f->unless))
            break;
    *sel = first_key(has, f->select);
    return f;
}

/* The generic check: the form's key rules, in order. */
static void check_form(struct loader *L, const char *path, const struct form *f, unsigned has,
                       const char *sel)
{
    if (f->error) {
        if (sel)
            lerrk(L, true, path, sel, "%s", f->error);
        else
            lerr(L, false, path, "%s", f->error);
    }
    for (const struct key_rule *k = f->rules; k->excludes || k->needs; k++) {
        if (k->needs) {
            if (!(has & k->needs))
                lerrk(L, true, path, sel, "%s", k->text);
            continue;
        }
        const char *with = k->with ? first_key(has, k->with) : sel;
        const char *key = first_key(has, k->excludes);
        if (!with || !key)
            continue;
        if (k->text)
            lerrk(L, true, path, key, "%s", k->text);
        else
            lerrk(L, true, path, key, "\"%s\" cannot be combined with \"%s\"%s%s", key, with,
                  k->why ? " " : "", k->why ? k->why : "");
    }
}

/* Reports key `other` as not combinable with `with` (a phrase). */
static void exclusive(struct loader *L, json_t *e, const char *path, const char *with,
                      const char *other, const char *why)
{
    if (!json_object_get(e, other))
        return;
    lerrk(L, true, path, other, "\"%s\" cannot be combined with \"%s\"%s%s", other, with,
          why ? " " : "", why ? why : "");
}

static void load_certificate(struct loader *L, json_t *e, const char *path, struct dt_rule *r)
{
    r->certificate = (char *)get_path(L, e, path, "certificate");
}

/* issuer_certificate (a file) or issuer_der (a Name). */
static void load_issuer(struct loader *L, json_t *e, const char *path, struct dt_rule *r)
{
    if (json_object_get(e, "issuer_certificate"))
        r->issuer_certificate = (char *)get_path(L, e, path, "issuer_certificate");
    else if (json_object_get(e, "issuer_der"))
        get_name_der(L, e, path, "issuer_der", &r->issuer_der);
}

static void load_incident_entry(struct loader *L, json_t *e, const char *path, struct dt_rule *r)
{
    load_issuer(L, e, path, r);
    r->serials_file = (char *)get_path(L, e, path, "incident_serials");
    bool frac;
    if (json_object_get(e, "revoke_by"))
        (void)get_rfc3339(L, e, path, "revoke_by", &r->revoke_by, &frac);
    get_crls(L, e, path, r);
}

static void load_subject_key(struct loader *L, json_t *e, const char *path, struct dt_rule *r)
{
    get_name_der(L, e, path, "subject_der", &r->subject_der);
    bool present;
    const char *h = get_str(L, e, path, "spki_sha256", &present);
    if (!h)
        return;
    struct dt_buf b;
    dt_buf_init(&b, 1024);
    const char *why = dt_b64_decode(h, strlen(h), false, &b);
    size_t hl = strlen(h);
    bool all_hex = hl == 64 && strspn(h, "0123456789abcdefABCDEF") == 64;
    if (why == dt_mem_why_nomem)
        L->j.rc = DT_ERR_NOMEM;
    else if (all_hex)
        lerrk(L, false, path, "spki_sha256",
              "\"spki_sha256\" is base64 (as OneCRL's pubKeyHash), not hex");
    else if (why)
        lerrk(L, false, path, "spki_sha256", "\"spki_sha256\": %s", why);
    else if (b.len != 32)
        lerrk(L, false, path, "spki_sha256",
              "\"spki_sha256\" must be the base64 of a 32-byte SHA-256 digest (got %zu bytes)",
              b.len);
    else
        memcpy(r->spki_sha256, b.data, 32);
    dt_buf_free(&b);
}

/* The provenance every overdue serial's records carry. */
static void incident_why(struct loader *L, struct dt_rule *r)
{
    char when[32], buf[DT_MAX_LABEL_BYTES + 96];
    dt_time_format_rfc3339(r->revoke_by, when);
    snprintf(buf, sizeof(buf), "%s%srevocation overdue since %s", r->why ? r->why : "",
             r->why ? "; " : "", when);
    r->why = dt_arena_strdup(&L->p->arena, buf);
    if (!r->why)
        L->j.rc = DT_ERR_NOMEM;
}

/* ---- the keys every form may carry ------------------------------------ */

/* "serial_format", "serial" and "serials_file": read wherever they stand
 * (outside a form that takes them they are already an error, but their
 * values are checked too). */
static void load_serials(struct loader *L, json_t *e, const char *path, struct dt_rule *r,
                         unsigned has)
{
    bool fmt_present, present;
    int fmt = get_enum(L, e, path, "serial_format", serial_format_names,
                       DT_ARRAY_LEN(serial_format_names), &fmt_present);
    if (fmt >= 0)
        r->serial_format = (enum dt_serial_format)fmt;
    if (fmt_present && !(has & (K_SERIALS | KB(K_INCIDENT_SERIALS))))
        lerrk(L, true, path, "serial_format",
              "\"serial_format\" applies only to \"serial\" and \"serials_file\"");
    if (has & KB(K_CERTIFICATE))
        return;
    if (has & KB(K_SERIAL)) {
        const char *s = get_str(L, e, path, "serial", &present);
        if (s) {
            struct dt_buf b;
            dt_buf_init(&b, DT_MAX_SERIAL_OCTETS * 2);
            size_t col;
            const char *warn;
            const char *why = dt_serials_decode(s, strlen(s), r->serial_format, &b, &col, &warn);
            struct dt_where w;
            if (why == dt_mem_why_nomem) {
                L->j.rc = DT_ERR_NOMEM;
                dt_buf_free(&b);
                return;
            }
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
    if (has & KB(K_SERIALS_FILE))
        r->serials_file = (char *)get_path(L, e, path, "serials_file");
}

/* "server_distrust_after" and "email_distrust_after": a root's certificate
 * object carries them, and they distrust only what was issued after. */
static void load_dates(struct loader *L, json_t *e, const char *path, struct dt_rule *r,
                       unsigned has)
{
    if (!(has & K_AFTER))
        return;
    r->has_server_after = get_date(L, e, path, "server_distrust_after", &r->server_after);
    r->has_email_after = get_date(L, e, path, "email_distrust_after", &r->email_after);
    if (!(has & KB(K_CERTIFICATE)))
        lerrk(L, true, path, first_key(has, K_AFTER),
              "a distrust-after date is set on a root's certificate object: give the root as "
              "\"certificate\"");
    const char *with = "a distrust-after date";
    exclusive(L, e, path, with, "purposes",
              "(an entry with a distrust-after date distrusts only leaves issued after it; write "
              "a second entry to distrust a purpose outright)");
    exclusive(L, e, path, with, "nss_object",
              "(the date is an attribute of the root's certificate object)");
    exclusive(L, e, path, with, "cross_signs", NULL);
    exclusive(L, e, path, with, "scope", "(a distrust-after date binds the root it is set on)");
    exclusive(L, e, path, with, "distrust_anchors", NULL);
}

/* "purposes" and "targets" (the form's default targets when not given). */
static void load_purposes_targets(struct loader *L, json_t *e, const char *path,
                                  const struct form *f, struct dt_rule *r)
{
    r->purposes = DT_PURPOSE_ALL;
    unsigned bits;
    if (get_bits(L, e, path, "purposes", purpose_names, 3, &bits))
        r->purposes = bits;
    r->targets = f->targets;
    if (get_bits(L, e, path, "targets", target_names, 4, &bits)) {
        r->targets = bits;
        r->targets_explicit = true;
        if (bits & f->targets_refused)
            lerrk(L, false, path, "targets", "%s", f->targets_why);
    }
    unsigned all_purpose = DT_TARGET_ONECRL | DT_TARGET_BLOB;
    if ((r->targets & all_purpose) && r->purposes != DT_PURPOSE_ALL &&
        !(f->targets_refused & all_purpose))
        lwarnk(L, false, path, "purposes",
               "OneCRL records and the blob revoke for every purpose; \"purposes\" limits "
               "only the NSS and p11-kit outputs");
}

/* "nss_object", "cross_signs", "scope", "distrust_anchors": how far a
 * distrust reaches and the shape of its NSS object. */
static void load_reach(struct loader *L, json_t *e, const char *path, const struct form *f,
                       struct dt_rule *r, unsigned has)
{
    bool present;
    int shape = get_enum(L, e, path, "nss_object", shape_names, 3, &present);
    if (shape >= 0) {
        r->shape = (enum dt_nss_shape)shape;
        r->shape_explicit = true;
        if (r->shape != DT_SHAPE_TRUST && !f->names_cert)
            lerrk(L, false, path, "nss_object",
                  "nss_object \"%s\" needs the certificate (for its hashes): use "
                  "\"certificate\" or nss_object \"trust\"",
                  shape_names[shape]);
        if (!(r->targets & DT_TARGET_NSS))
            lwarnk(L, false, path, "nss_object",
                   "nss_object has no effect: the entry does not target nss");
    }

    json_t *cs = json_object_get(e, "cross_signs");
    if (cs) {
        if (!json_is_boolean(cs)) {
            lerrk(L, false, path, "cross_signs", "\"cross_signs\" must be true or false");
        } else {
            r->cross_signs = json_is_true(cs);
            r->cross_signs_explicit = true;
            if (!(has & (KB(K_CERTIFICATE) | K_ISSUER)))
                lerrk(L, true, path, "cross_signs",
                      "\"cross_signs\" applies to certificate and issuer/serial entries (the "
                      "subject and key to look for come from the certificate)");
            else if ((has & KB(K_SERIALS_FILE)) && !(has & KB(K_CERTIFICATE)))
                lerrk(L, true, path, "cross_signs",
                      "\"cross_signs\" does not apply to a serial list");
        }
    }

    int scope = get_enum(L, e, path, "scope", scope_names, 2, &present);
    if (scope >= 0) {
        r->scope = (enum dt_scope)scope;
        r->scope_explicit = true;
        if (r->scope == DT_SCOPE_KEY && f->serial_list)
            lerrk(L, false, path, "scope",
                  "\"scope\": \"key\" needs a certificate, or an issuer and one serial: a "
                  "serial list names certificates, not keys");
        else if (r->scope == DT_SCOPE_CERT && f->names_key)
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
        else if (f->serial_list)
            lwarnk(L, false, path, "distrust_anchors",
                   "\"distrust_anchors\" has no effect on a serial list");
    }
}

/* label, bug, why, who, created, onecrl_enabled, relax_upstream. */
static void load_metadata(struct loader *L, json_t *e, const char *path, const struct form *f,
                          struct dt_rule *r)
{
    r->label = get_label(L, e, path);
    r->bug = get_text(L, e, path, "bug", true);
    if (!r->bug)
        r->bug = L->pf->incident.bug;
    r->why = get_text(L, e, path, "why", false);
    if (f->finish)
        f->finish(L, r);
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
        if (why)
            lerrk(L, false, path, "created", "\"created\": %s", why);
    }
}

/* ---- entries ---------------------------------------------------------- */

/* A new rule for the entry at path, or NULL: past DT_MAX_RULES (reported),
 * or out of memory (L->j.rc, never "too many"). */
static struct dt_rule *new_rule(struct loader *L, const char *path)
{
    struct dt_policy *p = L->p;
    if (p->n_rules >= DT_MAX_RULES) {
        lerr(L, false, path, "too many entries (the limit is %d across all policy files)",
             DT_MAX_RULES);
        return NULL;
    }
    if (dt_mem_grow((void **)&p->rules, &p->cap_rules, p->n_rules + 1, sizeof(*p->rules)) !=
        DT_OK) {
        L->j.rc = DT_ERR_NOMEM;
        return NULL;
    }
    struct dt_rule *r = &p->rules[p->n_rules++];
    memset(r, 0, sizeof(*r));
    r->ordinal = p->n_rules - 1;
    r->file = L->pf;
    return r;
}

/* One entry: its form (the table above) decides what it may and must hold;
 * then the keys any form may carry. Every problem is reported; an entry with
 * any error yields no rule. */
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

    struct dt_rule *r = new_rule(L, path);
    if (!r)
        return;
    r->json_path = dt_arena_strdup(&L->p->arena, path);
    if (!r->json_path) {
        L->j.rc = DT_ERR_NOMEM;
        return;
    }

    unsigned has = 0;
    for (unsigned k = 0; k < K_N; k++)
        if (json_object_get(e, form_keys[k]))
            has |= KB(k);
    const char *sel;
    const struct form *f = form_of(has, &sel);
    check_form(L, path, f, has, sel);
    if (f->stop) {
        L->p->n_rules--; /* nothing else about this entry can be judged */
        return;
    }
    r->kind = f->kind;
    if (f->load)
        f->load(L, e, path, r);
    load_serials(L, e, path, r, has);
    load_dates(L, e, path, r, has);
    load_purposes_targets(L, e, path, f, r);
    load_reach(L, e, path, f, r, has);
    load_metadata(L, e, path, f, r);
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
    if (json_object_get(root, "cases") && !json_object_get(root, "entries")) {
        /* `build --cases a.json b.json`: b.json landed among the policies. */
        lerr(L, true, "/cases",
             "a chain case file, not a policy (it has \"cases\" and no \"entries\"): give "
             "every case file its own --cases (--cases a.json --cases b.json), as --pool and "
             "--roots take one path each");
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
        enum dt_err drc = dt_digest_sha256(dt_slice_make(text.data, text.len), pf->sha256);
        if (drc != DT_OK) {
            dt_buf_free(&text);
            struct dt_place pl = dt_diag_place_file(inputs[i].path);
            rc = dt_digest_report(drc, d, &pl, "the outputs record every policy file's SHA-256");
            goto out;
        }
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
