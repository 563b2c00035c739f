/*
 * reconcile.c - `distrust reconcile`: OneCRL against the CCADB's
 * revoked-intermediates report (reconcile.h, doc/reconcile.md).
 *
 * Matching is by exact DER bytes, as Firefox's cert_storage looks OneCRL
 * up: a report row's certificate is in OneCRL when a record has its issuer
 * and serial (issuerName + serialNumber) or its subject and the SHA-256 of
 * its SPKI (subject + pubKeyHash). A policy entry sends a certificate to
 * OneCRL when it has the onecrl target and names it the same two ways.
 */
#include "reconcile.h"
#include "utf8.h"
#include "onecrl_rec.h"

#include "b64.h"
#include "caps.h"
#include "ccadb.h"
#include "cert.h"
#include "der.h"
#include "dmap.h"
#include "file.h"
#include "idkey.h"
#include "model.h"
#include "nssname.h"
#include "paths.h"
#include "policy.h"
#include "pool.h"
#include "prune.h"
#include "purpose.h"
#include "time.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum match { M_NONE, M_ISSUER_SERIAL, M_SUBJECT_KEY };

#define MAX_CHAINS 64 /* chains looked at per certificate and purpose */

/* A OneCRL record. */
struct rec {
    bool is;       /* issuerName + serialNumber, else subject + pubKeyHash */
    struct dt_buf a; /* the issuer or the subject (DER) */
    struct dt_buf b; /* the serial's contents or the SPKI SHA-256 */
    size_t index;  /* its place: /data/index */
    char *name;    /* details.name, or NULL */
    char *id;      /* id, or NULL */
    bool matched;  /* a report row names it */
};

/* A report row. */
struct row {
    size_t index;   /* 1-based data row */
    unsigned line;  /* where it starts */
    enum dt_rec_status status;
    char *name;     /* "CA Owner/Certificate Name", else the subject's name */
    char *owner;    /* "CA Owner" */
    char *reason;   /* "RFC 5280 Revocation Reason Code" */
    bool compromise; /* the reason is keyCompromise or cACompromise */
    struct dt_cert *cert; /* owned */
    enum dt_rec_where where;
    int rec;        /* the OneCRL record, or -1 */
    enum match how; /* how it or the policy entry matched */
    const struct dt_rule *rule; /* the policy entry that sends it to OneCRL, or NULL */
};

/* A policy distrust aimed at OneCRL (an item or a subject + key pair). */
struct pol {
    const struct dt_rule *rule;
    bool is;
    struct dt_slice a, b; /* issuer + serial, or subject + SPKI hash (32 bytes) */
    const struct dt_cert *cert;
    bool used; /* in OneCRL, or named by a row */
};

/* A revocation a cross-certificate bypasses. */
struct bypass {
    int row;  /* the revoked certificate's row, or -1 */
    int rec;  /* else its OneCRL record */
    const struct dt_pool_entry *revoked, *other, *anchor;
    size_t depth;
    const char *purpose;
};

struct prunable {
    size_t rec;
    struct dt_prune_fate fate;
};

struct R {
    const struct dt_reconcile_opts *o;
    struct dt_diags *d;
    struct rec *recs;
    size_t n_recs;
    struct row *rows;
    size_t n_rows, cap_rows;
    struct pol *pols;
    size_t n_pols;
    struct dt_dmap rec_is, rec_sk, pol_is, pol_sk;
    struct dt_pool pool, roots;
    bool have_pool;
    struct dt_policy policy;
    struct dt_model model;
    bool have_policy, have_model;
    struct bypass *bys;
    size_t n_bys, cap_bys;
    struct prunable *prs;
    size_t n_prs;
    struct dt_reconcile_summary *s;
    /* the chain walk's state */
    bool clean_found;
    const struct dt_pool_entry *clean_anchor;
    size_t clean_depth;
};

static const char *const where_key[DT_REC_N_WHERE] = {"present_in_onecrl", "in_policy_only",
                                                       "absent_from_onecrl"};
static const char *const where_text[DT_REC_N_WHERE] = {
    "Present in OneCRL", "In the policy, not yet in OneCRL", "Absent from OneCRL"};
static const char *const status_key[DT_REC_N_STATUS] = {"added_to_onecrl", "cert_expired",
                                                         "ready_to_add", "absent_from_report"};
static const char *const status_text[DT_REC_N_STATUS] = {"Added to OneCRL", "Cert Expired",
                                                          "Ready to Add",
                                                          "Absent from the report"};
static const char *const verdict_key[] = {"ok", "inconsistent", "note", "n/a"};
static const char *const verdict_mark[] = {"✅", "❌", "ℹ️", "—"};
static const char *const match_key[] = {NULL, "issuer-serial", "subject-key"};

enum dt_rec_verdict dt_reconcile_verdict(enum dt_rec_where w, enum dt_rec_status s)
{
    static const enum dt_rec_verdict v[DT_REC_N_WHERE][DT_REC_N_STATUS] = {
        /* Added, Expired, Ready, no row */
        {DT_REC_OK, DT_REC_INCONSISTENT, DT_REC_INCONSISTENT, DT_REC_NOTE},
        {DT_REC_OK, DT_REC_INCONSISTENT, DT_REC_OK, DT_REC_NOTE},
        {DT_REC_INCONSISTENT, DT_REC_OK, DT_REC_OK, DT_REC_NA},
    };
    return v[w][s];
}

/* ---- the OneCRL dump ---- */

static char *dup_string(json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v)) {
        char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        return strdup(num);
    }
    return NULL;
}

static enum dt_err one_record(struct R *R, json_t *j, size_t i)
{
    enum dt_err rc = DT_OK;
    struct rec *r = &R->recs[R->n_recs];
    struct dt_onecrl_rec or;
    dt_onecrl_rec_init(&or);
    memset(r, 0, sizeof(*r));
    dt_buf_init(&r->a, 0);
    dt_buf_init(&r->b, 0);
    bool keep = false, good = false;
    DT_TRY(dt_onecrl_rec_read(j, i, R->o->onecrl, &or, &good, R->d));
    if (!good || or.deleted)
        goto out;
    bool is = or.by_issuer;
    dt_buf_free(&r->a);
    dt_buf_free(&r->b);
    r->a = or.a; /* taken */
    r->b = or.b;
    dt_buf_init(&or.a, 0);
    dt_buf_init(&or.b, 0);
    uint8_t key[32];
    if (is)
        DT_TRY(dt_idkey_issuer_serial(dt_slice_make(r->a.data, r->a.len),
                                      dt_slice_make(r->b.data, r->b.len), key));
    else
        DT_TRY(dt_idkey_exact(dt_slice_make(r->a.data, r->a.len), r->b.data, key));
    struct dt_dmap *map = is ? &R->rec_is : &R->rec_sk;
    if (dt_dmap_first(map, key) != DT_DMAP_END) {
        R->s->duplicates++; /* real dumps hold a few: the first one stands */
        goto out;
    }
    DT_TRY(dt_dmap_add(map, key, (uint32_t)R->n_recs));
    r->is = is;
    r->index = i;
    json_t *details = json_object_get(j, "details");
    r->name = details ? dup_string(json_object_get(details, "name")) : NULL;
    r->id = dup_string(json_object_get(j, "id"));
    keep = true;
    R->n_recs++;
out:
    if (!keep) {
        dt_buf_free(&r->a);
        dt_buf_free(&r->b);
    }
    dt_onecrl_rec_free(&or);
    return rc;
}

static enum dt_err read_onecrl(struct R *R)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text;
    dt_buf_init(&text, 0);
    json_t *doc = NULL;
    size_t errors0 = R->d->errors;
    struct dt_place pl = dt_diag_place_file(R->o->onecrl);
    DT_TRY(dt_file_read(R->o->onecrl, DT_MAX_ONECRL_BYTES, &text, R->d, NULL));
    json_error_t jerr;
    doc = json_loadb((const char *)text.data, text.len, 0, &jerr);
    if (!doc) {
        struct dt_place at = {R->o->onecrl, (unsigned)jerr.line, (unsigned)jerr.column, NULL,
                              NULL};
        rc = dt_diag_fail(R->d, &at, DT_ERR_INPUT, "not JSON: %s", jerr.text);
        goto out;
    }
    json_t *data = json_is_array(doc) ? doc : json_object_get(doc, "data");
    if (!json_is_array(data)) {
        rc = dt_diag_fail(R->d, &pl, DT_ERR_INPUT,
                          "expected a OneCRL Remote Settings dump: {\"data\": [records]} or an "
                          "array of records");
        goto out;
    }
    if (!json_array_size(data)) {
        rc = dt_diag_fail(R->d, &pl, DT_ERR_INPUT,
                          "the dump holds no records (a real OneCRL dump is never empty: a "
                          "broken download?)");
        goto out;
    }
    R->recs = dt_mem_calloc(json_array_size(data), sizeof(*R->recs));
    DT_ENSURE_MEM(R->recs);
    for (size_t i = 0; i < json_array_size(data); i++)
        DT_TRY(one_record(R, json_array_get(data, i), i));
    if (R->d->errors > errors0)
        rc = DT_ERR_INPUT;
    R->s->records = R->n_recs;
out:
    json_decref(doc);
    dt_buf_free(&text);
    return rc;
}

/* ---- the report ---- */

static char *slice_dup(struct dt_slice s)
{
    char *r = malloc(s.n + 1);
    if (r) {
        if (s.n)
            memcpy(r, s.p, s.n);
        r[s.n] = '\0';
    }
    return r;
}

static enum dt_err read_report(struct R *R)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text;
    dt_buf_init(&text, 0);
    struct dt_ccadb r;
    bool open = false, eof = false;
    struct dt_ccadb_row row;
    memset(&row, 0, sizeof(row));
    const char *path = R->o->ccadb;
    DT_TRY(dt_file_read(path, DT_MAX_POOL_FILE_BYTES, &text, R->d, NULL));
    DT_TRY(dt_ccadb_open(&r, path, dt_slice_make(text.data, text.len), R->d));
    open = true;
    int c_status = dt_ccadb_column(&r, "OneCRL Status");
    int c_name = dt_ccadb_column(&r, "CA Owner/Certificate Name");
    int c_owner = dt_ccadb_column(&r, "CA Owner");
    int c_reason = dt_ccadb_column(&r, "RFC 5280 Revocation Reason Code");
    if (c_status < 0) {
        struct dt_place pl = {path, r.header_line, 0, NULL, NULL};
        rc = dt_diag_fail(R->d, &pl, DT_ERR_INPUT,
                          "no \"OneCRL Status\" column: reconcile reads the revoked-"
                          "intermediates report (PublicIntermediateCertsRevokedWithPEMCSV)");
        goto out;
    }
    for (;;) {
        DT_TRY(dt_ccadb_next(&r, &row, &eof, R->d));
        if (eof)
            break;
        struct dt_slice st = dt_ccadb_get(&row, c_status);
        enum dt_rec_status status = DT_REC_N_STATUS;
        for (int k = 0; k < DT_REC_NO_ROW; k++)
            if (st.n == strlen(status_text[k]) && !strncasecmp((const char *)st.p,
                                                               status_text[k], st.n))
                status = (enum dt_rec_status)k;
        if (status == DT_REC_N_STATUS) {
            /* a status the CCADB may add: said, left out, counted (as import
             * ccadb does); --strict makes it fail */
            struct dt_place pl = {path, row.line, 0, NULL, NULL};
            dt_diag_warn(R->d, &pl,
                         "row %zu: OneCRL Status \"%.*s\" is none of \"Added to OneCRL\", "
                         "\"Cert Expired\", \"Ready to Add\": the row is left out of the table",
                         row.index, (int)(st.n > 80 ? 80 : st.n), (const char *)st.p);
            R->s->other_status++;
            continue;
        }
        if (R->n_rows == R->cap_rows) {
            size_t cap = R->cap_rows ? 2 * R->cap_rows : 256;
            struct row *v = realloc(R->rows, cap * sizeof(*v));
            DT_ENSURE_MEM(v);
            R->rows = v;
            R->cap_rows = cap;
        }
        struct row *w = &R->rows[R->n_rows];
        memset(w, 0, sizeof(*w));
        w->index = row.index;
        w->line = row.line;
        w->status = status;
        w->rec = -1;
        struct dt_slice nm = dt_ccadb_get(&row, c_name);
        w->name = nm.n ? slice_dup(nm) : dt_nssname_display(row.cert->info.subject);
        w->owner = slice_dup(dt_ccadb_get(&row, c_owner));
        w->reason = slice_dup(dt_ccadb_get(&row, c_reason));
        w->compromise = w->reason && (strcasestr(w->reason, "keyCompromise") ||
                                      strcasestr(w->reason, "cACompromise"));
        w->cert = row.cert;
        row.cert = NULL;
        R->n_rows++;
        DT_ENSURE_MEM(w->name && w->owner && w->reason);
    }
    if (!R->n_rows) {
        struct dt_place pl = {path, r.header_line, 0, NULL, NULL};
        if (R->s->other_status)
            rc = dt_diag_fail(R->d, &pl, DT_ERR_INPUT,
                              "no row is \"Added to OneCRL\", \"Cert Expired\" or \"Ready to "
                              "Add\" (%zu row%s of other OneCRL Statuses left out): nothing to "
                              "reconcile",
                              R->s->other_status, R->s->other_status == 1 ? "" : "s");
        else
            rc = dt_diag_fail(R->d, &pl, DT_ERR_INPUT,
                              "a report without a row: nothing to reconcile");
        goto out;
    }
    R->s->rows = R->n_rows;
out:
    dt_ccadb_row_free(&row);
    if (open)
        dt_ccadb_close(&r);
    dt_buf_free(&text);
    return rc;
}

/* ---- the pool, the root store and the policies ---- */

static enum dt_err load_pool(struct R *R)
{
    enum dt_err rc = DT_OK;
    const struct dt_reconcile_opts *o = R->o;
    bool bad = false;
    for (size_t i = 0; i < o->n_pools; i++) {
        enum dt_err prc = dt_pool_add(&R->pool, o->pools[i], NULL, R->d, o->progress,
                                      o->progress_ctx);
        if (prc == DT_ERR_NOMEM || prc == DT_ERR_INTERNAL)
            DT_TRY(prc);
        bad |= prc != DT_OK;
    }
    if (o->certdata) {
        enum dt_err prc = dt_pool_add(&R->roots, o->certdata, NULL, R->d, NULL, NULL);
        if (prc == DT_ERR_NOMEM || prc == DT_ERR_INTERNAL)
            DT_TRY(prc);
        bad |= prc != DT_OK;
    }
    DT_ENSURE(!bad, DT_ERR_INPUT);
    if (o->certdata && !R->roots.n) {
        rc = dt_diag_fail(R->d, NULL, DT_ERR_INPUT,
                          "%s: the root store holds no certificate", o->certdata);
        goto out;
    }
    /* A PEM or DER root store: every certificate a trust anchor. */
    DT_TRY(dt_pool_trust_file_anchors(&R->roots));
    R->have_pool = o->n_pools > 0;
    if (!R->have_pool)
        goto out;
    /* The report's certificates join the pool: they are what is revoked. */
    for (size_t i = 0; i < R->n_rows; i++) {
        struct dt_pool_entry *e;
        const struct dt_cert *c = R->rows[i].cert;
        DT_TRY(dt_pool_add_der(&R->pool, c->der, c->der_len, o->ccadb, o->ccadb, &e));
    }
    if (o->certdata)
        DT_TRY(dt_pool_set_roots(&R->pool, &R->roots));
out:
    return rc;
}

static enum dt_err add_pol(struct R *R, const struct dt_rule *rule, bool is, struct dt_slice a,
                           struct dt_slice b, const struct dt_cert *cert)
{
    enum dt_err rc = DT_OK;
    uint8_t key[32];
    if (is)
        DT_TRY(dt_idkey_issuer_serial(a, b, key));
    else
        DT_TRY(dt_idkey_exact(a, b.p, key));
    struct dt_dmap *map = is ? &R->pol_is : &R->pol_sk;
    if (dt_dmap_first(map, key) != DT_DMAP_END)
        goto out;
    DT_TRY(dt_dmap_add(map, key, (uint32_t)R->n_pols));
    struct pol *p = &R->pols[R->n_pols++];
    p->rule = rule;
    p->is = is;
    p->a = a;
    p->b = b;
    p->cert = cert;
    /* Already in OneCRL: nothing left to do for it. */
    p->used = dt_dmap_first(is ? &R->rec_is : &R->rec_sk, key) != DT_DMAP_END;
out:
    return rc;
}

static enum dt_err load_policies(struct R *R)
{
    enum dt_err rc = DT_OK;
    const struct dt_reconcile_opts *o = R->o;
    if (!o->n_policies)
        goto out;
    enum dt_err prc = dt_policy_load(&R->policy, o->policies, o->n_policies, R->d);
    R->have_policy = true;
    DT_TRY(prc);
    int64_t now = o->date;
    enum dt_err mrc = dt_model_resolve(&R->policy, R->have_pool ? &R->pool : NULL, NULL,
                                       &R->model, &now, R->d, NULL);
    R->have_model = true;
    DT_TRY(mrc);
    R->pols = dt_mem_calloc(R->model.n_items + R->model.n_skeys + 1, sizeof(*R->pols));
    DT_ENSURE_MEM(R->pols);
    for (size_t i = 0; i < R->model.n_items; i++) {
        const struct dt_item *it = &R->model.items[i];
        if (it->targets & DT_TARGET_ONECRL)
            DT_TRY(add_pol(R, it->rule, true, it->issuer, it->serial, it->cert));
    }
    for (size_t i = 0; i < R->model.n_skeys; i++) {
        const struct dt_subjkey *k = &R->model.skeys[i];
        if (k->rule->targets & DT_TARGET_ONECRL)
            DT_TRY(add_pol(R, k->rule, false, k->subject, dt_slice_make(k->spki_sha256, 32),
                           NULL));
    }
    R->s->policy_items = R->n_pols;
out:
    return rc;
}

/* ---- the table ---- */

/* The first entry of map under the certificate's issuer + serial, else its
 * subject + SPKI hash; DT_DMAP_END when neither. */
static enum dt_err find(const struct dt_cert *c, const struct dt_dmap *is,
                        const struct dt_dmap *sk, uint32_t *at, enum match *how)
{
    enum dt_err rc = DT_OK;
    uint8_t key[32];
    *at = DT_DMAP_END;
    *how = M_NONE;
    DT_TRY(dt_idkey_issuer_serial(c->info.issuer, c->info.serial, key));
    uint32_t it = dt_dmap_first(is, key);
    if (it != DT_DMAP_END) {
        *at = dt_dmap_value(is, it);
        *how = M_ISSUER_SERIAL;
        goto out;
    }
    DT_TRY(dt_idkey_exact(c->info.subject, c->spki_sha256, key));
    it = dt_dmap_first(sk, key);
    if (it != DT_DMAP_END) {
        *at = dt_dmap_value(sk, it);
        *how = M_SUBJECT_KEY;
    }
out:
    return rc;
}

static enum dt_err classify(struct R *R)
{
    enum dt_err rc = DT_OK;
    struct dt_reconcile_summary *s = R->s;
    for (size_t i = 0; i < R->n_rows; i++) {
        struct row *w = &R->rows[i];
        uint32_t at;
        DT_TRY(find(w->cert, &R->rec_is, &R->rec_sk, &at, &w->how));
        if (at != DT_DMAP_END) {
            w->where = DT_REC_IN_ONECRL;
            w->rec = (int)at;
            R->recs[at].matched = true;
        } else {
            w->where = DT_REC_NOT_ONECRL;
        }
        enum match phow;
        DT_TRY(find(w->cert, &R->pol_is, &R->pol_sk, &at, &phow));
        if (at != DT_DMAP_END) {
            w->rule = R->pols[at].rule;
            R->pols[at].used = true;
            if (w->where == DT_REC_NOT_ONECRL) {
                w->where = DT_REC_IN_POLICY;
                w->how = phow;
            }
        }
        s->cells[w->where][w->status]++;
    }
    for (size_t i = 0; i < R->n_recs; i++) {
        const struct rec *r = &R->recs[i];
        if (r->matched)
            continue;
        s->cells[DT_REC_IN_ONECRL][DT_REC_NO_ROW]++;
        if (!r->is) {
            s->no_row_subject_key++;
            continue;
        }
        int kind = 0; /* 0 unknown, 1 CA, 2 end entity */
        uint8_t key[32];
        DT_TRY(dt_idkey_issuer_serial(dt_slice_make(r->a.data, r->a.len),
                                      dt_slice_make(r->b.data, r->b.len), key));
        uint32_t it = R->have_pool ? dt_dmap_first(&R->pool.by_issuer_serial, key) : DT_DMAP_END;
        if (it != DT_DMAP_END)
            kind = R->pool.v[dt_dmap_value(&R->pool.by_issuer_serial, it)].cert->info.is_ca ? 1 : 2;
        (*(kind == 1 ? &s->no_row_ca : kind == 2 ? &s->no_row_leaf : &s->no_row_unknown))++;
    }
    for (size_t i = 0; i < R->n_pols; i++)
        if (!R->pols[i].used)
            s->cells[DT_REC_IN_POLICY][DT_REC_NO_ROW]++;
    for (int w = 0; w < DT_REC_N_WHERE; w++)
        for (int c = 0; c < DT_REC_N_STATUS; c++)
            if (dt_reconcile_verdict((enum dt_rec_where)w, (enum dt_rec_status)c) ==
                DT_REC_INCONSISTENT)
                s->inconsistencies += s->cells[w][c];
out:
    return rc;
}

/* ---- cross-certificates ---- */

/* Whether OneCRL (or a policy entry bound for it) revokes this certificate. */
static enum dt_err revoked(struct R *R, const struct dt_cert *c, bool *yes)
{
    enum dt_err rc = DT_OK;
    uint32_t at;
    enum match how;
    DT_TRY(find(c, &R->rec_is, &R->rec_sk, &at, &how));
    *yes = at != DT_DMAP_END;
    if (!*yes) {
        DT_TRY(find(c, &R->pol_is, &R->pol_sk, &at, &how));
        *yes = at != DT_DMAP_END;
    }
out:
    return rc;
}

/* A chain counts when none of its certificates is revoked. */
static void on_chain(const struct dt_chain *c, void *ctx)
{
    struct R *R = ctx;
    if (R->clean_found)
        return;
    for (size_t i = 0; i < c->n; i++) {
        bool yes = false;
        if (revoked(R, c->certs[i]->cert, &yes) != DT_OK || yes)
            return;
    }
    R->clean_found = true;
    R->clean_anchor = c->certs[c->n - 1];
    R->clean_depth = c->n;
}

static enum dt_err add_bypass(struct R *R, int row, int rec, const struct dt_pool_entry *revoked_e,
                              const struct dt_pool_entry *other, const char *purpose)
{
    /* One certificate in two rows (or a row and a record): listed once. */
    for (size_t i = 0; i < R->n_bys; i++) {
        struct bypass *b = &R->bys[i];
        if (b->revoked != revoked_e || b->other != other)
            continue;
        /* ... by its row that gives a compromise, if one does */
        if (row >= 0 && R->rows[row].compromise && (b->row < 0 || !R->rows[b->row].compromise)) {
            b->row = row;
            b->rec = rec;
            R->s->compromised++;
        }
        return DT_OK;
    }
    if (R->n_bys == R->cap_bys) {
        size_t cap = R->cap_bys ? 2 * R->cap_bys : 16;
        struct bypass *v = realloc(R->bys, cap * sizeof(*v));
        if (!v)
            return DT_ERR_NOMEM;
        R->bys = v;
        R->cap_bys = cap;
    }
    struct bypass *b = &R->bys[R->n_bys++];
    b->row = row;
    b->rec = rec;
    b->revoked = revoked_e;
    b->other = other;
    b->anchor = R->clean_anchor;
    b->depth = R->clean_depth;
    b->purpose = purpose;
    if (row >= 0 && R->rows[row].compromise)
        R->s->compromised++;
    return DT_OK;
}

/* Every other pool certificate of revoked_e's subject and key, unexpired
 * at the date, not revoked itself, with a clean chain to an anchor of the
 * root store. */
static enum dt_err bypasses_of(struct R *R, struct dt_pool_entry *revoked_e, int row, int rec)
{
    enum dt_err rc = DT_OK;
    uint8_t key[32];
    DT_TRY(dt_idkey_cert(revoked_e->cert, key));
    /* A key the root store trusts in its own right (a root whose old
     * cross-certificate was revoked) is no bypass: revoking a certificate
     * never meant distrusting its key. */
    for (uint32_t it = dt_dmap_first(&R->pool.by_key, key); it != DT_DMAP_END;
         it = dt_dmap_next(&R->pool.by_key, it, key)) {
        struct dt_pool_entry *e = &R->pool.v[dt_dmap_value(&R->pool.by_key, it)];
        bool server = false, email = false;
        DT_TRY(dt_pool_is_anchor(&R->pool, e, DT_PURPOSE_SERVER, &server));
        DT_TRY(dt_pool_is_anchor(&R->pool, e, DT_PURPOSE_EMAIL, &email));
        if (server || email)
            goto out;
    }
    for (uint32_t it = dt_dmap_first(&R->pool.by_key, key); it != DT_DMAP_END;
         it = dt_dmap_next(&R->pool.by_key, it, key)) {
        struct dt_pool_entry *e = &R->pool.v[dt_dmap_value(&R->pool.by_key, it)];
        if (e == revoked_e || e->cert->not_after < R->o->date ||
            e->cert->not_before > R->o->date)
            continue;
        bool yes;
        DT_TRY(revoked(R, e->cert, &yes));
        if (yes)
            continue;
        static const struct {
            unsigned bit;
            const char *name;
        } purposes[] = {{DT_PURPOSE_SERVER, "server-auth"}, {DT_PURPOSE_EMAIL, "email-protection"}};
        bool capped = false;
        for (size_t k = 0; k < DT_ARRAY_LEN(purposes); k++) {
            R->clean_found = false;
            bool exhausted = false;
            size_t found = 0;
            DT_TRY(dt_paths_chains(&R->pool, e, purposes[k].bit, R->o->date, MAX_CHAINS, on_chain,
                                   R, &exhausted, &found));
            if (R->clean_found) {
                DT_TRY(add_bypass(R, row, rec, revoked_e, e, purposes[k].name));
                capped = false;
                break;
            }
            capped |= exhausted || found >= MAX_CHAINS;
        }
        if (capped) { /* no clean chain among those looked at: not "no bypass" */
            char *subj = dt_nssname_display(e->cert->info.subject);
            char path[48];
            struct dt_place pl = {R->o->ccadb, row >= 0 ? R->rows[row].line : 0, 0, NULL, NULL};
            if (row < 0) {
                snprintf(path, sizeof(path), "/data/%zu", R->recs[rec].index);
                pl.file = R->o->onecrl;
                pl.json_path = path;
            }
            char rowtxt[32] = "";
            if (row >= 0)
                snprintf(rowtxt, sizeof(rowtxt), "row %zu: ", R->rows[row].index);
            dt_diag_warn(R->d, &pl,
                         "%sthe chain search from \"%s\" (%s) stopped at its cap (%d chains, "
                         "each through a revoked certificate): a bypass may be missed",
                         rowtxt, subj ? subj : "?", e->name ? e->name : "?", MAX_CHAINS);
            free(subj);
        }
    }
out:
    return rc;
}

static enum dt_err find_bypasses(struct R *R)
{
    enum dt_err rc = DT_OK;
    /* The revoked certificates: the report's rows, and OneCRL's issuer +
     * serial records whose certificate the pool has. */
    for (size_t i = 0; i < R->n_rows; i++) {
        struct dt_pool_entry *e = dt_pool_find(&R->pool, R->rows[i].cert->sha256);
        if (e)
            DT_TRY(bypasses_of(R, e, (int)i, -1));
    }
    for (size_t i = 0; i < R->n_recs; i++) {
        const struct rec *r = &R->recs[i];
        if (!r->is || r->matched)
            continue;
        uint8_t key[32];
        DT_TRY(dt_idkey_issuer_serial(dt_slice_make(r->a.data, r->a.len),
                                      dt_slice_make(r->b.data, r->b.len), key));
        for (uint32_t it = dt_dmap_first(&R->pool.by_issuer_serial, key); it != DT_DMAP_END;
             it = dt_dmap_next(&R->pool.by_issuer_serial, it, key))
            DT_TRY(bypasses_of(R, &R->pool.v[dt_dmap_value(&R->pool.by_issuer_serial, it)], -1,
                               (int)i));
    }
    R->s->bypasses = R->n_bys;
    R->s->paths_checked = true;
out:
    return rc;
}

static enum dt_err find_prunable(struct R *R)
{
    enum dt_err rc = DT_OK;
    R->prs = dt_mem_calloc(R->n_recs + 1, sizeof(*R->prs));
    DT_ENSURE_MEM(R->prs);
    for (size_t i = 0; i < R->n_recs; i++) {
        const struct rec *r = &R->recs[i];
        struct dt_prune_fate f;
        if (r->is)
            DT_TRY(dt_prune_issuer_serial(&R->pool, dt_slice_make(r->a.data, r->a.len),
                                          dt_slice_make(r->b.data, r->b.len), R->o->date, &f));
        else
            DT_TRY(dt_prune_subject_key(&R->pool, dt_slice_make(r->a.data, r->a.len), r->b.data,
                                        R->o->date, &f));
        if (f.state == DT_PRUNE_EXPIRED) {
            R->prs[R->n_prs].rec = i;
            R->prs[R->n_prs++].fate = f;
        }
    }
    R->s->prunable = R->n_prs;
    R->s->prune_checked = true;
out:
    return rc;
}

/* ---- the output ---- */

static char *hex_upper(const uint8_t *p, size_t n)
{
    char *r = malloc(2 * n + 1);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++)
        snprintf(r + 2 * i, 3, "%02X", p[i]);
    r[2 * n] = '\0';
    return r;
}

static char *b64_of(struct dt_slice s)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    if (dt_b64_encode(s, &b) != DT_OK || dt_buf_putc(&b, '\0') != DT_OK) {
        dt_buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

static char *day_of(int64_t t, char buf[32])
{
    dt_time_format_rfc3339(t, buf);
    return buf;
}

/* A JSON string of s, whose bytes (a report's cells, file names) need not be
 * UTF-8: each byte that is not part of a valid UTF-8 character becomes
 * U+FFFD. NULL: out of memory. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    if (j || !s)
        return j;
    size_t n = strlen(s), o = 0;
    char *t = malloc(3 * n + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp;
        if (dt_utf8_next(dt_slice_make(s, n), &at, &cp)) {
            memcpy(t + o, s + i, at - i);
            o += at - i;
            i = at;
        } else {
            memcpy(t + o, "\xef\xbf\xbd", 3); /* U+FFFD for a bad byte */
            o += 3;
            i++;
        }
    }
    t[o] = '\0';
    j = json_string(t);
    free(t);
    return j;
}

/* Sets key to a string taken from s (freed here); NULL s: out of memory. */
static bool set_str(json_t *o, const char *key, char *s)
{
    bool ok = s && !json_object_set_new(o, key, jstr(s));
    free(s);
    return ok;
}

static json_t *rec_ref(const struct R *R, size_t i, enum match how)
{
    const struct rec *r = &R->recs[i];
    json_t *o = json_object();
    if (!o)
        return NULL;
    bool ok = !json_object_set_new(o, "index", json_integer((json_int_t)r->index));
    char path[48];
    snprintf(path, sizeof(path), "/data/%zu", r->index);
    ok = ok && !json_object_set_new(o, "json_path", json_string(path));
    ok = ok && !json_object_set_new(o, "id", r->id ? json_string(r->id) : json_null());
    ok = ok && !json_object_set_new(o, "name", r->name ? json_string(r->name) : json_null());
    if (how)
        ok = ok && !json_object_set_new(o, "match", json_string(match_key[how]));
    ok = ok && set_str(o, r->is ? "issuerName" : "subject",
                       b64_of(dt_slice_make(r->a.data, r->a.len)));
    ok = ok && set_str(o, r->is ? "serialNumber" : "pubKeyHash",
                       b64_of(dt_slice_make(r->b.data, r->b.len)));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *rule_ref(const struct dt_rule *rule, enum match how)
{
    json_t *o = json_pack("{s:o, s:s}", "file", jstr(rule->file->name), "json_path",
                          rule->json_path);
    if (o && rule->label && json_object_set_new(o, "label", json_string(rule->label))) {
        json_decref(o);
        return NULL;
    }
    if (o && how && json_object_set_new(o, "match", json_string(match_key[how]))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *cert_json(const struct dt_cert *c)
{
    json_t *o = json_object();
    char t[32];
    bool ok = o && set_str(o, "sha256", hex_upper(c->sha256, 32)) &&
              set_str(o, "subject", dt_nssname_display(c->info.subject)) &&
              set_str(o, "issuer", dt_nssname_display(c->info.issuer)) &&
              set_str(o, "issuer_der", b64_of(c->info.issuer)) &&
              set_str(o, "serial", hex_upper(c->info.serial.p, c->info.serial.n)) &&
              set_str(o, "serial_b64", b64_of(c->info.serial)) &&
              set_str(o, "subject_der", b64_of(c->info.subject)) &&
              set_str(o, "spki_sha256", b64_of(dt_slice_make(c->spki_sha256, 32))) &&
              !json_object_set_new(o, "not_after", json_string(day_of(c->not_after, t)));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *row_json(const struct R *R, const struct row *w)
{
    json_t *o = json_object();
    bool ok = o && !json_object_set_new(o, "name", jstr(w->name)) &&
              !json_object_set_new(o, "ca_owner", jstr(w->owner)) &&
              !json_object_set_new(o, "reason", jstr(w->reason)) &&
              !json_object_set_new(o, "row", json_integer((json_int_t)w->index)) &&
              !json_object_set_new(o, "line", json_integer(w->line)) &&
              !json_object_set_new(o, "certificate", cert_json(w->cert));
    if (ok)
        ok = !json_object_set_new(o, "onecrl", w->rec >= 0 ? rec_ref(R, (size_t)w->rec, w->how)
                                                           : json_null());
    if (ok)
        ok = !json_object_set_new(
            o, "policy",
            w->rule ? rule_ref(w->rule, w->where == DT_REC_IN_POLICY ? w->how : M_NONE)
                    : json_null());
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *pool_cert_json(const struct dt_pool_entry *e)
{
    json_t *o = cert_json(e->cert);
    if (o && (json_object_set_new(o, "pool_name", jstr(e->name ? e->name : "")))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *pol_json(const struct pol *p)
{
    json_t *o = json_object();
    bool ok = o && !json_object_set_new(o, "policy", rule_ref(p->rule, M_NONE));
    ok = ok && set_str(o, p->is ? "issuer_der" : "subject_der", b64_of(p->a));
    ok = ok && set_str(o, p->is ? "serial_b64" : "spki_sha256", b64_of(p->b));
    if (ok && p->cert)
        ok = !json_object_set_new(o, "certificate", cert_json(p->cert));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static enum dt_err cell_records(const struct R *R, int w, int c, json_t *arr)
{
    enum dt_err rc = DT_OK;
    if (c != DT_REC_NO_ROW) {
        for (size_t i = 0; i < R->n_rows; i++)
            if ((int)R->rows[i].where == w && (int)R->rows[i].status == c) {
                json_t *j = row_json(R, &R->rows[i]);
                DT_ENSURE_MEM(j && !json_array_append_new(arr, j));
            }
    } else if (w == DT_REC_IN_ONECRL) {
        for (size_t i = 0; i < R->n_recs; i++)
            if (!R->recs[i].matched) {
                json_t *j = json_object(), *r = rec_ref(R, i, M_NONE);
                DT_ENSURE_MEM(j && r && !json_object_set_new(j, "onecrl", r) &&
                              !json_array_append_new(arr, j));
            }
    } else if (w == DT_REC_IN_POLICY) {
        for (size_t i = 0; i < R->n_pols; i++)
            if (!R->pols[i].used) {
                json_t *j = pol_json(&R->pols[i]);
                DT_ENSURE_MEM(j && !json_array_append_new(arr, j));
            }
    }
out:
    return rc;
}

static json_t *bypass_json(const struct R *R, const struct bypass *b)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    json_t *rv = pool_cert_json(b->revoked);
    ok = ok && rv && !json_object_set_new(o, "revoked", rv);
    if (ok && b->row >= 0) {
        ok = !json_object_set_new(rv, "report_row",
                                  json_integer((json_int_t)R->rows[b->row].index)) &&
             !json_object_set_new(rv, "report_line", json_integer(R->rows[b->row].line)) &&
             !json_object_set_new(rv, "name", jstr(R->rows[b->row].name)) &&
             !json_object_set_new(rv, "reason", jstr(R->rows[b->row].reason));
        if (ok && R->rows[b->row].rec >= 0)
            ok = !json_object_set_new(rv, "onecrl",
                                      rec_ref(R, (size_t)R->rows[b->row].rec, R->rows[b->row].how));
    } else if (ok) {
        ok = !json_object_set_new(rv, "onecrl", rec_ref(R, (size_t)b->rec, M_ISSUER_SERIAL));
    }
    ok = ok && !json_object_set_new(o, "certificate", pool_cert_json(b->other));
    ok = ok && !json_object_set_new(o, "anchor", pool_cert_json(b->anchor));
    ok = ok && !json_object_set_new(o, "chain_length", json_integer((json_int_t)b->depth));
    ok = ok && !json_object_set_new(o, "purpose", json_string(b->purpose));
    ok = ok && !json_object_set_new(o, "compromise",
                                    json_boolean(b->row >= 0 && R->rows[b->row].compromise));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static enum dt_err write_json(const struct R *R, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    char t[32];
    char *text = NULL;
    const struct dt_reconcile_summary *s = R->s;
    json_t *doc = json_object(), *cells = json_object(), *pols = json_array();
    DT_ENSURE_MEM(doc && cells && pols);
    for (size_t i = 0; i < R->o->n_policies; i++)
        DT_ENSURE_MEM(!json_array_append_new(pols, jstr(R->o->policies[i])));
    json_t *in = json_pack("{s:o, s:I, s:I, s:o, s:I, s:I, s:o}", "onecrl", jstr(R->o->onecrl),
                           "records", (json_int_t)s->records, "duplicates",
                           (json_int_t)s->duplicates, "report", jstr(R->o->ccadb), "rows",
                           (json_int_t)s->rows, "rows_other_status",
                           (json_int_t)s->other_status, "policies", pols);
    pols = NULL;
    DT_ENSURE_MEM(in && !json_object_set_new(doc, "inputs", in));
    DT_ENSURE_MEM(!json_object_set_new(doc, "date", json_string(day_of(R->o->date, t))));
    for (int w = 0; w < DT_REC_N_WHERE; w++) {
        if (w == DT_REC_IN_POLICY && !R->o->n_policies)
            continue;
        json_t *row = json_object();
        DT_ENSURE_MEM(row && !json_object_set_new(cells, where_key[w], row));
        for (int c = 0; c < DT_REC_N_STATUS; c++) {
            enum dt_rec_verdict v =
                dt_reconcile_verdict((enum dt_rec_where)w, (enum dt_rec_status)c);
            json_t *arr = json_array();
            json_t *cell = arr ? json_pack("{s:s, s:I, s:o}", "verdict", verdict_key[v], "count",
                                           (json_int_t)s->cells[w][c], "records", arr)
                               : NULL;
            DT_ENSURE_MEM(cell && !json_object_set_new(row, status_key[c], cell));
            DT_TRY(cell_records(R, w, c, arr));
            if (w == DT_REC_IN_ONECRL && c == DT_REC_NO_ROW) {
                json_t *k = json_pack("{s:I, s:I, s:I, s:I}", "subject_key",
                                      (json_int_t)s->no_row_subject_key, "ca",
                                      (json_int_t)s->no_row_ca, "end_entity",
                                      (json_int_t)s->no_row_leaf, "unknown",
                                      (json_int_t)s->no_row_unknown);
                DT_ENSURE_MEM(k && !json_object_set_new(cell, "kinds", k));
            }
        }
    }
    DT_ENSURE_MEM(!json_object_set_new(doc, "cells", cells));
    cells = NULL;
    DT_ENSURE_MEM(!json_object_set_new(doc, "inconsistencies",
                                       json_integer((json_int_t)s->inconsistencies)));
    json_t *bys = json_array();
    DT_ENSURE_MEM(bys && !json_object_set_new(doc, "bypasses",
                                              json_pack("{s:b, s:I, s:I, s:o}", "checked",
                                                        s->paths_checked, "count",
                                                        (json_int_t)s->bypasses, "compromise",
                                                        (json_int_t)s->compromised, "records",
                                                        bys)));
    for (size_t i = 0; i < R->n_bys; i++) {
        json_t *j = bypass_json(R, &R->bys[i]);
        DT_ENSURE_MEM(j && !json_array_append_new(bys, j));
    }
    json_t *prs = json_array();
    DT_ENSURE_MEM(prs && !json_object_set_new(doc, "prunable",
                                              json_pack("{s:b, s:I, s:o}", "checked",
                                                        s->prune_checked, "count",
                                                        (json_int_t)s->prunable, "records", prs)));
    for (size_t i = 0; i < R->n_prs; i++) {
        json_t *j = json_object(), *r = rec_ref(R, R->prs[i].rec, M_NONE);
        DT_ENSURE_MEM(j && r && !json_object_set_new(j, "onecrl", r));
        DT_ENSURE_MEM(!json_array_append_new(prs, j));
        DT_ENSURE_MEM(!json_object_set_new(j, "certificates",
                                           json_integer((json_int_t)R->prs[i].fate.certs)));
        DT_ENSURE_MEM(!json_object_set_new(j, "latest_not_after",
                                           json_string(day_of(R->prs[i].fate.latest, t))));
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    DT_ENSURE_MEM(text);
    DT_TRY(dt_buf_puts(out, text));
    DT_TRY(dt_buf_putc(out, '\n'));
out:
    free(text);
    json_decref(doc);
    json_decref(cells);
    json_decref(pols);
    return rc;
}

/* Markdown: one line per record of a cell. */
static enum dt_err md_cert(struct dt_buf *out, const struct dt_cert *c)
{
    enum dt_err rc = DT_OK;
    char *iss = dt_nssname_display(c->info.issuer), *ser = hex_upper(c->info.serial.p,
                                                                      c->info.serial.n),
         *fp = hex_upper(c->sha256, 32);
    DT_ENSURE_MEM(iss && ser && fp);
    DT_TRY(dt_buf_printf(out, "issuer \"%s\" serial %s, SHA-256 %s", iss, ser, fp));
out:
    free(iss);
    free(ser);
    free(fp);
    return rc;
}

static enum dt_err md_rec(struct dt_buf *out, const struct rec *r)
{
    enum dt_err rc = DT_OK;
    char *a = b64_of(dt_slice_make(r->a.data, r->a.len)), *b = b64_of(dt_slice_make(r->b.data,
                                                                                    r->b.len));
    char *shown = r->is ? dt_nssname_display(dt_slice_make(r->a.data, r->a.len)) : NULL;
    DT_ENSURE_MEM(a && b && (!r->is || shown));
    bool named = r->name && *r->name;
    DT_TRY(dt_buf_printf(out, "OneCRL /data/%zu%s%s%s", r->index, named ? " \"" : "",
                         named ? r->name : "", named ? "\"" : ""));
    if (r->is) {
        DT_TRY(dt_buf_printf(out, ": issuer \"%s\" serial ", shown));
        for (size_t i = 0; i < r->b.len; i++)
            DT_TRY(dt_buf_printf(out, "%02X", r->b.data[i]));
    }
    else
        DT_TRY(dt_buf_printf(out, ": subject %s pubKeyHash %s", a, b));
out:
    free(a);
    free(b);
    free(shown);
    return rc;
}

static enum dt_err md_cell(const struct R *R, int w, int c, size_t max, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    size_t shown = 0, total = R->s->cells[w][c];
    enum dt_rec_verdict v = dt_reconcile_verdict((enum dt_rec_where)w, (enum dt_rec_status)c);
    if (!total || v == DT_REC_NA)
        goto out;
    DT_TRY(dt_buf_printf(out, "\n## %s %s, %s: %zu\n\n", verdict_mark[v], where_text[w],
                         status_text[c], total));
    if (w == DT_REC_IN_ONECRL && c == DT_REC_NO_ROW) {
        const struct dt_reconcile_summary *s = R->s;
        DT_TRY(dt_buf_puts(out, "Note: the report lists revoked intermediates only; OneCRL also "
                                "holds leaves, subject + key records and certificates the "
                                "CCADB has no row for. Told, not counted as an "
                                "inconsistency. "));
        if (R->have_pool)
            DT_TRY(dt_buf_printf(out,
                                 "Of these: %zu subject + key, %zu CA certificates and %zu "
                                 "end-entity certificates of the pool, %zu not in the "
                                 "pool.\n\n",
                                 s->no_row_subject_key, s->no_row_ca, s->no_row_leaf,
                                 s->no_row_unknown));
        else
            DT_TRY(dt_buf_printf(out,
                                 "Of these: %zu subject + key, %zu issuer + serial (give --pool "
                                 "to tell CA certificates from end-entity ones).\n\n",
                                 s->no_row_subject_key, s->no_row_unknown));
    }
    if (c != DT_REC_NO_ROW) {
        for (size_t i = 0; i < R->n_rows && shown < max; i++) {
            const struct row *r = &R->rows[i];
            if ((int)r->where != w || (int)r->status != c)
                continue;
            shown++;
            DT_TRY(dt_buf_printf(out, "- %s (report line %u, row %zu): ", r->name, r->line,
                                 r->index));
            DT_TRY(md_cert(out, r->cert));
            if (r->rec >= 0)
                DT_TRY(dt_buf_printf(out, "; OneCRL /data/%zu by %s", R->recs[r->rec].index,
                                     match_key[r->how]));
            if (r->rule)
                DT_TRY(dt_buf_printf(out, "; policy %s %s%s%s", r->rule->file->name,
                                     r->rule->json_path,
                                     w == DT_REC_IN_POLICY ? " by " : "",
                                     w == DT_REC_IN_POLICY ? match_key[r->how] : ""));
            DT_TRY(dt_buf_putc(out, '\n'));
        }
    } else if (w == DT_REC_IN_ONECRL) {
        for (size_t i = 0; i < R->n_recs && shown < max; i++) {
            if (R->recs[i].matched)
                continue;
            shown++;
            DT_TRY(dt_buf_puts(out, "- "));
            DT_TRY(md_rec(out, &R->recs[i]));
            DT_TRY(dt_buf_putc(out, '\n'));
        }
    } else {
        for (size_t i = 0; i < R->n_pols && shown < max; i++) {
            const struct pol *p = &R->pols[i];
            if (p->used)
                continue;
            shown++;
            DT_TRY(dt_buf_printf(out, "- policy %s %s%s%s%s", p->rule->file->name,
                                 p->rule->json_path, p->rule->label ? " \"" : "",
                                 p->rule->label ? p->rule->label : "",
                                 p->rule->label ? "\"" : ""));
            if (p->cert) {
                DT_TRY(dt_buf_puts(out, ": "));
                DT_TRY(md_cert(out, p->cert));
            }
            DT_TRY(dt_buf_putc(out, '\n'));
        }
    }
    if (total > shown)
        DT_TRY(dt_buf_printf(out, "- ... and %zu more\n", total - shown));
out:
    return rc;
}

static enum dt_err md_entry(struct dt_buf *out, const struct dt_pool_entry *e)
{
    enum dt_err rc = DT_OK;
    char *subj = dt_nssname_display(e->cert->info.subject);
    DT_ENSURE_MEM(subj);
    DT_TRY(dt_buf_printf(out, "\"%s\" (%s; ", subj, e->name ? e->name : "?"));
    DT_TRY(md_cert(out, e->cert));
    DT_TRY(dt_buf_putc(out, ')'));
out:
    free(subj);
    return rc;
}

static enum dt_err write_markdown(const struct R *R, struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    const struct dt_reconcile_summary *s = R->s;
    size_t max = R->o->max_rows ? R->o->max_rows : 50;
    char t[32];
    DT_TRY(dt_buf_printf(out, "# OneCRL and the CCADB at %s\n\n", day_of(R->o->date, t)));
    DT_TRY(dt_buf_printf(out,
                         "OneCRL: %s (%zu records%s); report: %s (%zu rows)", R->o->onecrl,
                         s->records, s->duplicates ? ", duplicates left out" : "", R->o->ccadb,
                         s->rows));
    if (s->other_status)
        DT_TRY(dt_buf_printf(out, "; %zu rows with another OneCRL Status left out (warned)",
                             s->other_status));
    if (R->o->n_policies)
        DT_TRY(dt_buf_printf(out, "; policies: %zu distrusts aimed at OneCRL", s->policy_items));
    DT_TRY(dt_buf_puts(out, ".\n\n|  | Added to OneCRL | Cert Expired | Ready to Add | Absent "
                            "from the report |\n| :-- | :-: | :-: | :-: | :-: |\n"));
    for (int w = 0; w < DT_REC_N_WHERE; w++) {
        if (w == DT_REC_IN_POLICY && !R->o->n_policies)
            continue;
        DT_TRY(dt_buf_printf(out, "| %s |", where_text[w]));
        for (int c = 0; c < DT_REC_N_STATUS; c++) {
            enum dt_rec_verdict v =
                dt_reconcile_verdict((enum dt_rec_where)w, (enum dt_rec_status)c);
            if (v == DT_REC_NA)
                DT_TRY(dt_buf_puts(out, " — |"));
            else
                DT_TRY(dt_buf_printf(out, " %s %zu |", verdict_mark[v], s->cells[w][c]));
        }
        DT_TRY(dt_buf_putc(out, '\n'));
    }
    DT_TRY(dt_buf_printf(out, "\nInconsistencies (the ❌ cells): %zu.\n", s->inconsistencies));
    for (int w = 0; w < DT_REC_N_WHERE; w++)
        for (int c = 0; c < DT_REC_N_STATUS; c++)
            DT_TRY(md_cell(R, w, c, max, out));
    if (s->paths_checked) {
        DT_TRY(dt_buf_printf(out,
                             "\n## Revocations a cross-certificate bypasses: %zu (%zu for a "
                             "compromise ❌)\n\n"
                             "Certificates of a revoked certificate's subject and key, valid at "
                             "%s, not revoked themselves, with a chain to a trust anchor of %s "
                             "on which nothing is revoked. A re-issue that supersedes a "
                             "revoked certificate is routine; a key revoked for keyCompromise "
                             "or cACompromise that another certificate keeps trusted is not "
                             "(❌: it counts as an inconsistency).\n\n",
                             s->bypasses, s->compromised, t, R->o->certdata));
        for (size_t i = 0; i < R->n_bys && i < max; i++) {
            const struct bypass *b = &R->bys[i];
            DT_TRY(dt_buf_puts(out, "- revoked "));
            if (b->row >= 0)
                DT_TRY(dt_buf_printf(out, "%s%s (report line %u, reason \"%s\")",
                                     R->rows[b->row].compromise ? "❌ " : "",
                                     R->rows[b->row].name, R->rows[b->row].line,
                                     R->rows[b->row].reason));
            else
                DT_TRY(md_rec(out, &R->recs[b->rec]));
            DT_TRY(dt_buf_puts(out, ", bypassed by "));
            DT_TRY(md_entry(out, b->other));
            DT_TRY(dt_buf_printf(out, ", trusted for %s through ", b->purpose));
            DT_TRY(md_entry(out, b->anchor));
            DT_TRY(dt_buf_printf(out, " (a chain of %zu)\n", b->depth));
        }
        if (R->n_bys > max)
            DT_TRY(dt_buf_printf(out, "- ... and %zu more\n", R->n_bys - max));
    }
    if (s->prune_checked) {
        DT_TRY(dt_buf_printf(out,
                             "\n## Expired OneCRL records that could be pruned: %zu\n\n"
                             "Every certificate the pool has for the record expired before "
                             "%s.\n\n",
                             s->prunable, t));
        for (size_t i = 0; i < R->n_prs && i < max; i++) {
            char l[32];
            DT_TRY(dt_buf_puts(out, "- "));
            DT_TRY(md_rec(out, &R->recs[R->prs[i].rec]));
            DT_TRY(dt_buf_printf(out, ": %zu certificate%s, the latest notAfter %s\n",
                                 R->prs[i].fate.certs, R->prs[i].fate.certs == 1 ? "" : "s",
                                 day_of(R->prs[i].fate.latest, l)));
        }
        if (R->n_prs > max)
            DT_TRY(dt_buf_printf(out, "- ... and %zu more\n", R->n_prs - max));
    }
out:
    return rc;
}

enum dt_err dt_reconcile_run(const struct dt_reconcile_opts *o, struct dt_buf *out,
                             struct dt_reconcile_summary *summary, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_reconcile_summary local;
    if (!summary)
        summary = &local;
    memset(summary, 0, sizeof(*summary));
    if (!o || !o->onecrl || !o->ccadb || !out || !d || (o->certdata && !o->n_pools))
        return DT_ERR_USAGE;
    struct R R;
    memset(&R, 0, sizeof(R));
    R.o = o;
    R.d = d;
    R.s = summary;
    dt_dmap_init(&R.rec_is);
    dt_dmap_init(&R.rec_sk);
    dt_dmap_init(&R.pol_is);
    dt_dmap_init(&R.pol_sk);
    dt_pool_init(&R.pool);
    dt_pool_init(&R.roots);
    R.roots.kind = "root store";
    /* Both inputs are read and every problem in them reported before
     * giving up. */
    enum dt_err r1 = read_onecrl(&R);
    enum dt_err r2 = read_report(&R);
    if (r1 == DT_ERR_NOMEM || r1 == DT_ERR_INTERNAL)
        DT_TRY(r1);
    DT_TRY(r2);
    DT_TRY(r1);
    DT_TRY(load_pool(&R));
    DT_TRY(load_policies(&R));
    DT_TRY(classify(&R));
    if (R.have_pool && o->certdata)
        DT_TRY(find_bypasses(&R));
    if (R.have_pool)
        DT_TRY(find_prunable(&R));
    if (o->json)
        DT_TRY(write_json(&R, out));
    else
        DT_TRY(write_markdown(&R, out));
out:
    for (size_t i = 0; i < R.n_recs; i++) {
        dt_buf_free(&R.recs[i].a);
        dt_buf_free(&R.recs[i].b);
        free(R.recs[i].name);
        free(R.recs[i].id);
    }
    free(R.recs);
    for (size_t i = 0; i < R.n_rows; i++) {
        free(R.rows[i].name);
        free(R.rows[i].owner);
        free(R.rows[i].reason);
        dt_cert_free(R.rows[i].cert);
    }
    free(R.rows);
    free(R.pols);
    free(R.bys);
    free(R.prs);
    dt_dmap_free(&R.rec_is);
    dt_dmap_free(&R.rec_sk);
    dt_dmap_free(&R.pol_is);
    dt_dmap_free(&R.pol_sk);
    if (R.have_model)
        dt_model_free(&R.model);
    if (R.have_policy)
        dt_policy_free(&R.policy);
    dt_pool_free(&R.pool);
    dt_pool_free(&R.roots);
    return rc;
}
