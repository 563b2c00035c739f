/*
 * resolve.h - from policy rules to the one in-memory model every emitter
 * reads: distrust items keyed by DER issuer + DER serial contents (and
 * subject + SPKI hash), deduplicated and sorted.
 */
#ifndef DT_RESOLVE_H
#define DT_RESOLVE_H

#include "cert.h"
#include "incident.h"
#include "policy.h"
#include "pool.h"

/* One issuer/serial distrust. */
struct dt_item {
    const struct dt_rule *rule; /* the rule it came from (the first, after merging) */
    struct dt_cert *cert;       /* the certificate when known; owned by the model */
    struct dt_slice issuer;     /* DER Name */
    struct dt_slice serial;     /* INTEGER contents, exactly as in the certificate */
    uint32_t line;              /* serials_file line, 0 otherwise */
    uint16_t sub_index;         /* 1-based position among the rule's certificates */
    uint16_t sub_count;         /* number of certificates the rule named */
    uint8_t purposes;
    uint8_t targets;
    uint8_t shape; /* enum dt_nss_shape */
    bool shape_explicit;
    bool key_scope;                        /* the entry distrusts the key, not just this
                                            * certificate: the open-path check covers it */
    bool anchors_ok;                       /* an entry that found it allows trust anchors
                                            * ("distrust_anchors") */
    bool expanded;                         /* found in the pool, not named by the rule */
    bool name_twin;                        /* expanded: the same issuer (as a name) and
                                            * serial as an entry, the issuer encoded
                                            * differently (else: the same subject and key) */
    const struct dt_pool_entry *from_pool; /* where, when expanded */
    /* A distrust limited to some purposes of a certificate a root store of
     * the build has a trust object for: that object (its other purposes'
     * values and its hashes are kept by every writer), or NULL. */
    const struct dt_pool_trust *store;
    const struct dt_cert *via;             /* the certificate whose key it shares */
};

/* A root whose certificate object carries distrust-after dates. */
struct dt_after {
    const struct dt_rule *rule;
    struct dt_cert *cert;
    bool has_server, has_email;
    int64_t server, email;
    const struct dt_rule *date_rule[2]; /* the entry that gave the server [0] and the
                                         * email [1] date (rule, unless another entry
                                         * of the same root gave it) */
    uint16_t sub_index, sub_count;
};

/* A subject + public-key distrust (OneCRL's second record type). */
struct dt_subjkey {
    const struct dt_rule *rule;
    struct dt_slice subject;
    uint8_t spki_sha256[32];
    /* Found, not named: another encoding of the entry's subject or key, in
     * this pool certificate (NULL for the entry's own pair). */
    const struct dt_pool_entry *from_pool;
};

/* A file the build read besides the policy files, for the policy digest. */
struct dt_input {
    char *name; /* as the policy wrote it, relative to the policy's directory */
    uint8_t sha256[32];
};

struct dt_cached_file; /* certificate file cache entry (resolve.c) */

struct dt_model {
    struct dt_pool *pool;   /* borrowed: expanded items point into it */
    const struct dt_pool *seen; /* borrowed, may be NULL: other certificates the build saw
                                 * (the chain cases), searched for name-equal issuers */
    size_t n_name_twins;        /* items added for name-equal issuers */
    size_t n_expanded;      /* items added from the pool */
    size_t ca_without_pool; /* CA entries whose cross-signs no pool could show */
    struct dt_item *items;
    size_t n_items, cap_items;
    struct dt_after *afters;
    size_t n_afters, cap_afters;
    struct dt_subjkey *skeys;
    size_t n_skeys, cap_skeys;
    struct dt_input *inputs;
    size_t n_inputs, cap_inputs;
    struct dt_incident_eval *incidents; /* one per incident rule, in policy order */
    size_t n_incidents, cap_incidents;
    struct dt_certlist certs; /* owns every certificate */
    struct dt_cached_file *files;
    size_t n_files, cap_files;
    struct dt_arena arena;
};

struct dt_progress {
    dt_progress_fn fn;
    void *ctx;
};

/* Resolves every rule of p into m (initialised here; free with
 * dt_model_free()): reads certificates and serial lists, checks them,
 * merges duplicates and sorts. now (NULL when the build has no time) is
 * when incident deadlines are judged; an incident without it is an error.
 * Returns DT_ERR_INPUT after reporting all problems if any error was found. */
DT_MUST_USE enum dt_err dt_model_resolve(const struct dt_policy *p, struct dt_pool *pool,
                                   const struct dt_pool *seen, struct dt_model *m,
                                   const int64_t *now, struct dt_diags *d,
                                   const struct dt_progress *progress);

void dt_model_free(struct dt_model *m);

/* The items that have any of targets (DT_TARGET_* bits), in policy order
 * (rule, serial-list line, certificate position): the order the emitters
 * write them in. *n gets the count; NULL when out of memory; free(). */
const struct dt_item **dt_model_items_in_policy_order(const struct dt_model *m, unsigned targets,
                                                size_t *n);

#endif
