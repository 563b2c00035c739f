/*
 * policy.h - the distrust policy language v1 (doc/policy.md is the
 * reference): loading, validation, and the rules it yields.
 *
 * Loading checks everything that can be checked without opening the files an
 * entry names (certificates, serial lists); resolve.c does the rest.
 */
#ifndef DT_POLICY_H
#define DT_POLICY_H

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "purpose.h"
#include "serials.h"

enum dt_target {
    DT_TARGET_NSS = 1,
    DT_TARGET_ONECRL = 2,
    DT_TARGET_BLOB = 4,
    DT_TARGET_P11KIT = 8,
    DT_TARGET_ALL = 15,
};

/* The NSS object shape of a full distrust (nss_object). */
enum dt_nss_shape {
    DT_SHAPE_TRUST = 0,  /* "trust": hash-free trust object (nss-addbuiltin -D) */
    DT_SHAPE_TRUST_HASH, /* "trust+hash": trust object with hashes (-t p,p,p -c) */
    DT_SHAPE_CERT_TRUST, /* "certificate+trust": both objects (-t p,p,p) */
};

/* What an entry distrusts (scope): one certificate (a revocation: OneCRL
 * records, CRL entries, a superseded cross-certificate), or a key (an
 * incident such as DigiNotar: every certificate of the subject and key). */
enum dt_scope {
    DT_SCOPE_CERT = 0, /* "certificate": the certificate alone */
    DT_SCOPE_KEY,      /* "key": the subject and key, every certificate of it */
};

enum dt_rule_kind {
    DT_RULE_CERT,           /* certificate: distrust these certificates */
    DT_RULE_ISSUER_SERIAL,  /* issuer + serial */
    DT_RULE_SERIALS_FILE,   /* issuer + serials_file */
    DT_RULE_SUBJECT_KEY,    /* subject_der + spki_sha256 */
    DT_RULE_DISTRUST_AFTER, /* certificate + *_distrust_after only */
    DT_RULE_INCIDENT,       /* issuer + incident_serials + revoke_by (+ crl) */
};

struct dt_incident {
    const char *id; /* may be NULL */
    const char *bug;
    const char *summary;
};

struct dt_policy_file {
    char *path;    /* as opened */
    char *display; /* the path as given, for messages */
    char *name;    /* stable name for outputs and digests (relative to the argument) */
    char *dir;     /* directory entry paths are relative to */
    char *text;    /* the JSON text, NUL-terminated, kept for diagnostics */
    size_t text_len;
    uint8_t sha256[32];
    struct dt_incident incident;
    const char **pools;      /* "pool": resolved paths */
    const char **pool_names; /* the same, as written */
    size_t n_pools;
};

struct dt_rule {
    enum dt_rule_kind kind;
    size_t ordinal; /* position across all files, for stable order */
    const struct dt_policy_file *file;
    char *json_path; /* "/entries/3" */

    char *certificate; /* resolved paths (relative to the policy) */
    char *issuer_certificate;
    char *serials_file; /* serials_file, or incident_serials */
    int64_t revoke_by;  /* incidents: the revocation deadline */
    char **crls;        /* incidents: CRL files (resolved paths) */
    size_t n_crls;
    struct dt_slice issuer_der; /* decoded issuer_der */
    struct dt_slice serial;     /* decoded serial contents */
    struct dt_slice subject_der;
    uint8_t spki_sha256[32];
    enum dt_serial_format serial_format;

    bool has_server_after, has_email_after;
    int64_t server_after, email_after;

    unsigned purposes;
    unsigned targets;
    bool targets_explicit;
    enum dt_nss_shape shape;
    bool shape_explicit;
    bool cross_signs;
    bool cross_signs_explicit;
    enum dt_scope scope;    /* resolved: see dt_policy_rule_scope() for the default */
    bool scope_explicit;    /* "scope" (or its older spelling, "cross_signs") given */
    bool distrust_anchors;  /* "distrust_anchors": true: expansion may reach a trust
                             * anchor of a root store of the build */

    const char *label; /* NULL when not given */
    const char *bug;   /* entry bug, else the incident's */
    const char *why;
    const char *who; /* OneCRL details.who */
    const char *created;
    bool onecrl_disabled; /* "onecrl_enabled": false (the record's "enabled"; Firefox
                           * enforces it either way) */
    bool relax_upstream;  /* "relax_upstream": true: the merge into an upstream
                           * certdata.txt may loosen a distrust upstream holds */
};

struct dt_policy {
    struct dt_policy_file *files;
    size_t n_files;
    struct dt_rule *rules;
    size_t n_rules;
    size_t cap_rules;
    struct dt_arena arena;
};

/* Loads every policy (files or directories of *.json, read in name order)
 * into p (initialised here; free with dt_policy_free()). All problems are
 * reported; returns DT_ERR_INPUT if any error was found. */
DT_MUST_USE enum dt_err dt_policy_load(struct dt_policy *p, const char *const *paths, size_t n,
                                       struct dt_diags *d);
void dt_policy_free(struct dt_policy *p);

/* Fills w with the place of the JSON pointer (printf-style) in pf; at_key
 * points at the member name instead of its value. */
void dt_policy_where(const struct dt_policy_file *pf, struct dt_where *w, bool at_key,
                     const char *fmt, ...) DT_PRINTF(4, 5);


/* The scope of a rule for a certificate it names or found (c may be NULL):
 * "scope" when given; else "key" for a CA certificate named by a
 * certificate entry or found for an issuer/serial entry, and for
 * subject+key entries; "certificate" otherwise. */
enum dt_scope dt_policy_rule_scope(const struct dt_rule *r, bool is_ca);
const char *dt_policy_scope_name(enum dt_scope s);

/* Names for messages. */
const char *dt_policy_purpose_name(unsigned bit);
const char *dt_policy_target_name(unsigned bit);
const char *dt_policy_shape_name(enum dt_nss_shape s);

/* A path the rule named, as the policy wrote it (relative to the policy's
 * directory). Borrowed from path. */
const char *dt_policy_relpath(const struct dt_rule *r, const char *path);

#endif
