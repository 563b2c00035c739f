/*
 * incident.h - revocation deadlines (policy "incident_serials" entries): the
 * serials a CA had to revoke by a deadline, checked against the CRLs it
 * published. Each CRL is read with OpenSSL and must be signed by the
 * incident's issuer certificate (a foreign, wrongly signed or damaged CRL
 * is an error, never "all revoked"); a CRL counts as evidence only while it
 * is current at the evaluation time (thisUpdate <= now <= nextUpdate).
 * Every serial is then revoked on time, revoked late, or not revoked; after
 * the deadline the not revoked ones become distrust entries.
 */
#ifndef DT_INCIDENT_H
#define DT_INCIDENT_H

#include "cert.h"
#include "diag.h"
#include "policy.h"

#include <jansson.h>

enum dt_inc_class {
    DT_INC_ON_TIME = 0, /* on a current CRL, revoked at or before the deadline */
    DT_INC_LATE,        /* on a current CRL, revoked after the deadline */
    DT_INC_UNREVOKED,   /* on no current CRL (or on hold, or only on a stale one) */
};

struct dt_crl_info {
    const char *path; /* as the policy wrote it */
    uint8_t sha256[32];
    int64_t this_update, next_update;
    bool has_next;
    char number[48]; /* the cRLNumber in hex, "" when absent */
    size_t entries;  /* revoked entries listed */
    bool stale;      /* nextUpdate before the evaluation time */
    bool not_yet;    /* thisUpdate after the evaluation time */
};

struct dt_inc_serial {
    struct dt_slice serial; /* INTEGER contents */
    uint32_t line;          /* in the serial list */
    uint8_t klass;          /* enum dt_inc_class */
    bool on_stale;          /* listed only on a CRL that is not current */
    bool on_hold;           /* listed with reason certificateHold */
    int64_t revoked_at;     /* revocationDate, when revoked */
};

struct dt_incident_eval {
    const struct dt_rule *rule;
    struct dt_slice issuer; /* DER Name */
    int64_t deadline, now;
    bool overdue; /* now is after the deadline */
    struct dt_crl_info *crls;
    size_t n_crls;
    struct dt_inc_serial *serials; /* in list order, duplicates once */
    size_t n_serials, cap_serials;
    size_t count[3]; /* per class */
    size_t on_stale, on_hold;
    uint8_t list_sha256[32]; /* the serial list's bytes */
    struct dt_arena arena;
};

/* Evaluates rule r (kind DT_RULE_INCIDENT) at now. issuer_cert is the
 * incident's issuer certificate (NULL with issuer_der, which allows no
 * CRL); issuer is its DER Name. Problems are reported at the rule's place;
 * DT_ERR_INPUT if any. Free with dt_incident_eval_free(). */
DT_MUST_USE enum dt_err dt_incident_evaluate(const struct dt_rule *r,
                                             const struct dt_cert *issuer_cert,
                                             struct dt_slice issuer, int64_t now,
                                             struct dt_incident_eval *out, struct dt_diags *d);
void dt_incident_eval_free(struct dt_incident_eval *e);

/* A serial in lowercase hex into out (2 * n + 1 bytes). */
void dt_incident_hex(struct dt_slice s, char *out);

/* "revoked on time" etc. */
const char *dt_incident_class_name(enum dt_inc_class c);

/* The incident as JSON: entry, label, issuer, deadline, evaluation time,
 * counts per class, the CRLs (file, digest, thisUpdate, nextUpdate, number,
 * entries, status). With lists, also the serials of each class (hex, with
 * their list line and revocation time) and, for the unrevoked, their
 * certificates' notAfter when known (not_after may be NULL or hold
 * INT64_MIN for unknown, per serial). NULL when out of memory. */
json_t *dt_incident_json(const struct dt_incident_eval *e, bool with_lists,
                         const int64_t *not_after);

#endif
