/*
 * resolve.c - rules to model: read what the rules name, check it, merge
 * duplicates, sort.
 */
#include "model.h"

#include "caps.h"
#include "file.h"
#include "nssname.h"
#include "serials.h"
#include "time.h"
#include "name.h"
#include "hex.h"
#include "item.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dt_cached_file {
    char *path;
    size_t first, count;
    bool failed;
};

/* Individual duplicate-key warnings before a summary. */
#define MAX_DUP_WARNINGS 10

/* Policy order: rule, serial-list line, certificate position, then key. */
static int cmp_origin(const void *a, const void *b)
{
    const struct dt_item *x = *(const struct dt_item *const *)a;
    const struct dt_item *y = *(const struct dt_item *const *)b;
    if (x->rule->ordinal != y->rule->ordinal)
        return x->rule->ordinal < y->rule->ordinal ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->sub_index != y->sub_index)
        return x->sub_index < y->sub_index ? -1 : 1;
    return dt_item_cmp(x, y);
}

const struct dt_item **dt_model_items_in_policy_order(const struct dt_model *m, unsigned targets,
                                                size_t *n)
{
    const struct dt_item **v = dt_mem_calloc(m->n_items ? m->n_items : 1, sizeof(*v));
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < m->n_items; i++)
        if (m->items[i].targets & targets)
            v[(*n)++] = &m->items[i];
    if (*n > 1)
        qsort(v, *n, sizeof(*v), cmp_origin);
    return v;
}

void dt_model_free(struct dt_model *m)
{
    if (!m)
        return;
    free(m->items);
    free(m->afters);
    free(m->skeys);
    for (size_t i = 0; i < m->n_inputs; i++)
        free(m->inputs[i].name);
    free(m->inputs);
    for (size_t i = 0; i < m->n_incidents; i++)
        dt_incident_eval_free(&m->incidents[i]);
    free(m->incidents);
    for (size_t i = 0; i < m->n_files; i++)
        free(m->files[i].path);
    free(m->files);
    dt_cert_list_free(&m->certs);
    dt_arena_free(&m->arena);
    memset(m, 0, sizeof(*m));
}

static void rule_where(const struct dt_rule *r, const char *key, struct dt_where *w)
{
    if (key)
        dt_policy_where(r->file, w, false, "%s/%s", r->json_path, key);
    else
        dt_policy_where(r->file, w, false, "%s", r->json_path);
}

/* Reports at a rule's key (or the rule itself when key is NULL). */
static void rule_report(struct dt_diags *d, enum dt_severity sev, const struct dt_rule *r,
                        const char *key, const char *fmt, ...) DT_PRINTF(5, 6);
static void rule_report(struct dt_diags *d, enum dt_severity sev, const struct dt_rule *r,
                        const char *key, const char *fmt, ...)
{
    struct dt_where w;
    rule_where(r, key, &w);
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(d, sev, &w.pl, fmt, ap);
    va_end(ap);
}

/* "2011-comodo.json /entries/3", plus the serial-file line or certificate
 * position when there is one. buf must hold 256 bytes. */
static const char *origin(const struct dt_item *it, char *buf, size_t cap)
{
    const struct dt_rule *r = it->rule;
    int n = snprintf(buf, cap, "%s at %s", r->file->display, r->json_path);
    if (n < 0 || (size_t)n >= cap)
        return buf;
    if (it->line)
        snprintf(buf + n, cap - (size_t)n, " (%s line %u)", dt_policy_relpath(r, r->serials_file),
                 it->line);
    else if (it->sub_count > 1)
        snprintf(buf + n, cap - (size_t)n, " (certificate %u of %u)", it->sub_index, it->sub_count);
    return buf;
}

static enum dt_err add_input(struct dt_model *m, const char *name, const uint8_t sha[32])
{
    for (size_t i = 0; i < m->n_inputs; i++)
        if (strcmp(m->inputs[i].name, name) == 0 && !memcmp(m->inputs[i].sha256, sha, 32))
            return DT_OK;
    enum dt_err rc =
        dt_mem_grow((void **)&m->inputs, &m->cap_inputs, m->n_inputs + 1, sizeof(*m->inputs));
    if (rc != DT_OK)
        return rc;
    m->inputs[m->n_inputs].name = dt_mem_strdup(name);
    if (!m->inputs[m->n_inputs].name)
        return DT_ERR_NOMEM;
    memcpy(m->inputs[m->n_inputs].sha256, sha, 32);
    m->n_inputs++;
    return DT_OK;
}

/* Loads (once) the certificates of a file named by rule key `key`. */
static enum dt_err load_certs(struct dt_model *m, const struct dt_rule *r, const char *key,
                              const char *path, struct dt_diags *d, size_t *first, size_t *count)
{
    enum dt_err rc = DT_OK;
    struct dt_buf data;
    dt_buf_init(&data, 1);
    for (size_t i = 0; i < m->n_files; i++) {
        if (strcmp(m->files[i].path, path) == 0) {
            *first = m->files[i].first;
            *count = m->files[i].count;
            return m->files[i].failed ? DT_ERR_INPUT : DT_OK;
        }
    }
    DT_TRY(dt_mem_grow((void **)&m->files, &m->cap_files, m->n_files + 1, sizeof(*m->files)));
    struct dt_cached_file *cf = &m->files[m->n_files];
    cf->path = dt_mem_strdup(path);
    DT_ENSURE_MEM(cf->path);
    m->n_files++;
    cf->first = m->certs.n;
    cf->count = 0;
    cf->failed = false;

    struct dt_where w;
    rule_where(r, key, &w);
    rc = dt_file_read(path, DT_MAX_CERT_FILE_BYTES, &data, d, &w.pl);
    if (rc == DT_OK) {
        uint8_t sha[32];
        DT_TRY(dt_digest_report(dt_digest_sha256(dt_slice_make(data.data, data.len), sha), d,
                                &w.pl, "the outputs record every input file's SHA-256"));
        DT_TRY(add_input(m, dt_policy_relpath(r, path), sha));
        rc = dt_cert_load_mem(path, dt_slice_make(data.data, data.len), &m->certs, d, &w.pl);
        if (rc == DT_ERR_INPUT || rc == DT_ERR_LIMIT)
            dt_diag_report(d, DT_NOTE, &w.pl, "the file is named here");
    }
    if (rc != DT_OK) {
        cf->failed = true;
        if (rc == DT_ERR_LIMIT)
            rc = DT_ERR_INPUT;
        goto out;
    }
    cf->count = m->certs.n - cf->first;
    *first = cf->first;
    *count = cf->count;
out:
    dt_buf_free(&data);
    return rc;
}

static enum dt_err push_item(struct dt_model *m, const struct dt_item *it)
{
    enum dt_err rc = dt_mem_grow((void **)&m->items, &m->cap_items, m->n_items + 1, sizeof(*m->items));
    if (rc == DT_OK)
        m->items[m->n_items++] = *it;
    return rc;
}

static struct dt_item item_for(const struct dt_rule *r)
{
    struct dt_item it;
    memset(&it, 0, sizeof(it));
    it.rule = r;
    it.purposes = (uint8_t)r->purposes;
    it.targets = (uint8_t)r->targets;
    it.shape = (uint8_t)r->shape;
    it.shape_explicit = r->shape_explicit;
    return it;
}

/* Warnings about a certificate's serial (it is still used exactly). */
static void lint_cert_serial(const struct dt_rule *r, const char *key, const struct dt_cert *c,
                             struct dt_diags *d)
{
    struct dt_slice s = c->info.serial;
    const char *what = NULL;
    if (!dt_der_int_is_minimal(s))
        what = "is not a minimal DER INTEGER; it is used exactly as it stands";
    else if (dt_der_int_is_negative(s))
        what = "is negative (RFC 5280 requires positive serials); it is used exactly as "
               "it stands";
    else if (s.n > DT_WARN_SERIAL_OCTETS)
        what = "is longer than the 20 octets RFC 5280 allows; it is used exactly as it "
               "stands";
    if (!what)
        return;
    rule_report(d, DT_WARNING, r, key, "certificate %u of %s: serial number %s", c->index, c->file,
                what);
}

/* Whether a rule's cross-signs are looked for: only when it distrusts the
 * key (dt_policy_rule_scope), and then unless "cross_signs" is false (the
 * certificates of the key are listed by hand). */
static bool cross_signs_on(const struct dt_rule *r, const struct dt_cert *c)
{
    if (dt_policy_rule_scope(r, c && c->info.is_ca) != DT_SCOPE_KEY)
        return false;
    return r->cross_signs_explicit ? r->cross_signs : true;
}

static bool key_scope_of(const struct dt_rule *r, const struct dt_cert *c)
{
    return dt_policy_rule_scope(r, c && c->info.is_ca) == DT_SCOPE_KEY;
}

/* Adds an item for every pool certificate with key (subject + key digest)
 * other than `via` itself. */
static enum dt_err expand_key(struct dt_model *m, const struct dt_rule *r, const uint8_t key[32],
                              const struct dt_cert *via, unsigned targets, size_t *added)
{
    enum dt_err rc = DT_OK;
    struct dt_pool *pool = m->pool;
    *added = 0;
    if (!pool)
        return DT_OK;
    for (uint32_t i = dt_dmap_first(&pool->by_key, key); i != DT_DMAP_END;
         i = dt_dmap_next(&pool->by_key, i, key)) {
        struct dt_pool_entry *e = &pool->v[dt_dmap_value(&pool->by_key, i)];
        if (via && !memcmp(e->cert->sha256, via->sha256, 32))
            continue;
        struct dt_item it = item_for(r);
        it.cert = e->cert;
        it.issuer = e->cert->info.issuer;
        it.serial = e->cert->info.serial;
        it.targets = (uint8_t)targets;
        it.expanded = true;
        it.key_scope = true;
        it.anchors_ok = r->distrust_anchors;
        /* nss_object describes the certificate the entry names; a found
         * certificate needs only its trust object (the default shape). */
        it.shape = DT_SHAPE_TRUST;
        it.shape_explicit = false;
        it.from_pool = e;
        it.via = via;
        DT_TRY(push_item(m, &it));
        (*added)++;
        m->n_expanded++;
    }
out:
    return rc;
}

/* Expands the cross-signs of one named certificate, when they are on. */
static enum dt_err expand_cert(struct dt_model *m, const struct dt_rule *r, const struct dt_cert *c)
{
    size_t added;
    if (!cross_signs_on(r, c))
        return DT_OK;
    if (!m->pool) {
        m->ca_without_pool++;
        return DT_OK;
    }
    uint8_t key[32];
    enum dt_err rc = dt_idkey_cert(c, key);
    return rc != DT_OK ? rc : expand_key(m, r, key, c, r->targets, &added);
}

static enum dt_err resolve_cert_rule(struct dt_model *m, const struct dt_rule *r,
                                     struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    size_t first = 0, count = 0;
    DT_TRY(load_certs(m, r, "certificate", r->certificate, d, &first, &count));
    if (count > 0xffff) {
        rule_report(d, DT_ERROR, r, "certificate", "too many certificates in one entry");
        rc = DT_ERR_INPUT;
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        struct dt_cert *c = m->certs.v[first + i];
        lint_cert_serial(r, "certificate", c, d);
        if (r->kind == DT_RULE_DISTRUST_AFTER) {
            if (!dt_slice_eq(c->info.issuer, c->info.subject) || !c->info.is_ca) {
                rule_report(d, DT_WARNING, r, "certificate",
                            "certificate %u of %s is not a self-signed CA certificate; NSS and "
                            "Firefox apply distrust-after dates only to built-in roots",
                            c->index, c->file);
            }
            DT_TRY(
                dt_mem_grow((void **)&m->afters, &m->cap_afters, m->n_afters + 1, sizeof(*m->afters)));
            struct dt_after *a = &m->afters[m->n_afters++];
            memset(a, 0, sizeof(*a));
            a->rule = r;
            a->cert = c;
            a->has_server = r->has_server_after;
            a->server = r->server_after;
            a->has_email = r->has_email_after;
            a->email = r->email_after;
            a->date_rule[0] = r->has_server_after ? r : NULL;
            a->date_rule[1] = r->has_email_after ? r : NULL;
            a->sub_index = (uint16_t)(i + 1);
            a->sub_count = (uint16_t)count;
            continue;
        }
        struct dt_item it = item_for(r);
        it.cert = c;
        it.issuer = c->info.issuer;
        it.serial = c->info.serial;
        it.sub_index = (uint16_t)(i + 1);
        it.sub_count = (uint16_t)count;
        it.key_scope = key_scope_of(r, c);
        DT_TRY(push_item(m, &it));
        DT_TRY(expand_cert(m, r, c));
    }
    if (r->cross_signs_explicit && r->cross_signs && !m->pool)
        rule_report(d, DT_WARNING, r, "cross_signs",
                    "\"cross_signs\": no certificate pool was given (--pool, or \"pool\" in "
                    "the policy), so the cross-certificates of this key cannot be found; only "
                    "the certificates in %s are distrusted",
                    r->certificate);
out:
    return rc;
}

/* The issuer Name of an issuer/serial rule. */
/* The rule's issuer Name, and its certificate when the rule names one
 * (cert may be NULL). */
static enum dt_err rule_issuer_cert(struct dt_model *m, const struct dt_rule *r, struct dt_diags *d,
                                    struct dt_slice *issuer, const struct dt_cert **cert)
{
    enum dt_err rc = DT_OK;
    if (cert)
        *cert = NULL;
    if (!r->issuer_certificate) {
        *issuer = r->issuer_der;
        return DT_OK;
    }
    size_t first = 0, count = 0;
    DT_TRY(load_certs(m, r, "issuer_certificate", r->issuer_certificate, d, &first, &count));
    struct dt_cert *c = m->certs.v[first];
    for (size_t i = 1; i < count; i++) {
        if (!dt_slice_eq(m->certs.v[first + i]->info.subject, c->info.subject)) {
            rule_report(d, DT_ERROR, r, "issuer_certificate",
                        "%s holds certificates with different subjects; the issuer must be "
                        "one certificate (or several with the same subject)",
                        r->issuer_certificate);
            rc = DT_ERR_INPUT;
            goto out;
        }
    }
    if (!c->info.is_ca) {
        rule_report(d, DT_WARNING, r, "issuer_certificate",
                    "%s is not a CA certificate (basicConstraints cA is not set): is it the "
                    "issuer, or the certificate to distrust? \"issuer_certificate\" names the "
                    "CA whose subject is the issuer",
                    r->issuer_certificate);
    }
    *issuer = c->info.subject;
    if (cert)
        *cert = c;
out:
    return rc;
}

static enum dt_err rule_issuer(struct dt_model *m, const struct dt_rule *r, struct dt_diags *d,
                               struct dt_slice *issuer)
{
    return rule_issuer_cert(m, r, d, issuer, NULL);
}

static enum dt_err resolve_serial_rule(struct dt_model *m, const struct dt_rule *r,
                                       struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_item it = item_for(r);
    DT_TRY(rule_issuer(m, r, d, &it.issuer));
    it.serial = r->serial;
    /* A pool that holds the certificate makes it known: its details go in
     * the comments, and its cross-signs can be found. */
    if (m->pool) {
        uint8_t k[32];
        DT_TRY(dt_idkey_issuer_serial(it.issuer, it.serial, k));
        uint32_t at = dt_dmap_first(&m->pool->by_issuer_serial, k);
        if (at != DT_DMAP_END)
            it.cert = m->pool->v[dt_dmap_value(&m->pool->by_issuer_serial, at)].cert;
    }
    it.key_scope = it.cert && key_scope_of(r, it.cert);
    DT_TRY(push_item(m, &it));
    if (it.cert)
        DT_TRY(expand_cert(m, r, it.cert));
    else if (r->cross_signs_explicit && r->cross_signs)
        rule_report(d, DT_WARNING, r, "cross_signs",
                    "\"cross_signs\": %s, so its subject and key are unknown and its "
                    "cross-certificates cannot be found",
                    m->pool ? "the pool holds no certificate with this issuer and serial"
                            : "no certificate pool was given");
out:
    return rc;
}

struct serial_sink {
    struct dt_model *m;
    struct dt_item proto;
    struct dt_diags *d;
    const char *path;
};

static enum dt_err add_serial(void *ctx, struct dt_slice serial, unsigned long line)
{
    struct serial_sink *k = ctx;
    if (k->m->n_items + 1 > DT_MAX_SERIALS) {
        struct dt_place pl = {k->path, (unsigned)line, 0, NULL, NULL};
        return dt_diag_fail(k->d, &pl, DT_ERR_LIMIT, "more than %d serials in one build",
                       DT_MAX_SERIALS);
    }
    struct dt_item it = k->proto;
    void *bytes = dt_arena_dup(&k->m->arena, serial.p, serial.n);
    if (!bytes)
        return DT_ERR_NOMEM;
    it.serial = dt_slice_make(bytes, serial.n);
    it.line = (uint32_t)line;
    return push_item(k->m, &it);
}

static enum dt_err resolve_serials_file(struct dt_model *m, const struct dt_rule *r,
                                        struct dt_diags *d, const struct dt_progress *prog)
{
    enum dt_err rc = DT_OK;
    struct serial_sink sink = {m, item_for(r), d, r->serials_file};
    struct dt_serials_result res;
    DT_TRY(rule_issuer(m, r, d, &sink.proto.issuer));
    struct dt_where w;
    rule_where(r, "serials_file", &w);
    DT_TRY(dt_serials_read(r->serials_file, r->serial_format, d, &w.pl, add_serial, &sink,
                           prog ? prog->fn : NULL, prog ? prog->ctx : NULL, &res));
    DT_TRY(add_input(m, dt_policy_relpath(r, r->serials_file), res.sha256));
    if (!res.serials)
        dt_diag_warn(d, &w.pl, "%s lists no serials", r->serials_file);
out:
    return rc;
}

/* An incident: the serials its issuer did not revoke by the deadline, on
 * the CRLs given, become distrust entries once the deadline has passed. */
static enum dt_err resolve_incident(struct dt_model *m, const struct dt_rule *r, const int64_t *now,
                                    struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    if (!now) {
        rule_report(d, DT_ERROR, r, "revoke_by",
                    "an incident is judged at the build's time: give --date (a date, or now) "
                    "or SOURCE_DATE_EPOCH");
        return DT_ERR_INPUT;
    }
    struct dt_slice issuer;
    const struct dt_cert *ic;
    DT_TRY(rule_issuer_cert(m, r, d, &issuer, &ic));
    DT_TRY(dt_mem_grow((void **)&m->incidents, &m->cap_incidents, m->n_incidents + 1,
                   sizeof(*m->incidents)));
    struct dt_incident_eval *e = &m->incidents[m->n_incidents];
    DT_TRY(dt_incident_evaluate(r, ic, issuer, *now, e, d));
    m->n_incidents++;
    DT_TRY(add_input(m, dt_policy_relpath(r, r->serials_file), e->list_sha256));
    for (size_t i = 0; i < e->n_crls; i++)
        DT_TRY(add_input(m, e->crls[i].path, e->crls[i].sha256));
    char when[32];
    dt_time_format_rfc3339(e->deadline, when);
    if (!e->overdue) {
        if (e->count[DT_INC_UNREVOKED])
            rule_report(d, DT_NOTE, r, "revoke_by",
                        "%zu of %zu serials not revoked yet, before the deadline %s: no "
                        "distrust entries yet",
                        e->count[DT_INC_UNREVOKED], e->n_serials, when);
        goto out;
    }
    struct dt_item it = item_for(r);
    it.issuer = issuer;
    for (size_t i = 0; i < e->n_serials; i++) {
        const struct dt_inc_serial *s = &e->serials[i];
        if (s->klass != DT_INC_UNREVOKED)
            continue;
        void *bytes = dt_arena_dup(&m->arena, s->serial.p, s->serial.n);
        DT_ENSURE_MEM(bytes);
        it.serial = dt_slice_make(bytes, s->serial.n);
        it.line = s->line;
        DT_TRY(push_item(m, &it));
    }
    if (e->count[DT_INC_UNREVOKED])
        rule_report(d, DT_NOTE, r, "incident_serials",
                    "%zu of %zu serials not revoked by %s: distrusted (%zu revoked on time, %zu "
                    "late)",
                    e->count[DT_INC_UNREVOKED], e->n_serials, when, e->count[DT_INC_ON_TIME],
                    e->count[DT_INC_LATE]);
out:
    return rc;
}

static enum dt_err push_skey(struct dt_model *m, const struct dt_rule *r, struct dt_slice subject,
                             const uint8_t spki_sha256[32], const struct dt_pool_entry *from)
{
    for (size_t i = 0; i < m->n_skeys; i++)
        if (m->skeys[i].rule == r && dt_slice_eq(m->skeys[i].subject, subject) &&
            !memcmp(m->skeys[i].spki_sha256, spki_sha256, 32))
            return DT_OK; /* this rule has this pair already */
    enum dt_err rc = dt_mem_grow((void **)&m->skeys, &m->cap_skeys, m->n_skeys + 1, sizeof(*m->skeys));
    if (rc != DT_OK)
        return rc;
    struct dt_subjkey *k = &m->skeys[m->n_skeys++];
    k->rule = r;
    k->subject = subject;
    memcpy(k->spki_sha256, spki_sha256, 32);
    k->from_pool = from;
    return DT_OK;
}

/* A subject + SPKI-hash entry names a key through one encoding of it. The
 * pool certificates of that subject (as a name) and that SPKI hash give the
 * key; every certificate of the subject and key, whatever the encoding of
 * either, is that key too: each of their (subject, SPKI hash) pairs becomes
 * an entry of its own for OneCRL, the blob and p11-kit (they match the
 * exact bytes), and, for NSS, each certificate an issuer/serial distrust. */
static enum dt_err resolve_subjkey_rule(struct dt_model *m, const struct dt_rule *r,
                                        struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    uint8_t (*keys)[32] = NULL;
    size_t n_keys = 0, cap_keys = 0, added = 0;
    DT_TRY(push_skey(m, r, r->subject_der, r->spki_sha256, NULL));
    if (m->pool) {
        uint8_t sk[32];
        DT_TRY(dt_idkey_spki(r->subject_der, r->spki_sha256, sk));
        for (uint32_t i = dt_dmap_first(&m->pool->by_spki, sk); i != DT_DMAP_END;
             i = dt_dmap_next(&m->pool->by_spki, i, sk)) {
            uint8_t key[32];
            DT_TRY(dt_idkey_cert(m->pool->v[dt_dmap_value(&m->pool->by_spki, i)].cert, key));
            bool known = false;
            for (size_t k = 0; k < n_keys && !known; k++)
                known = !memcmp(keys[k], key, 32);
            if (known)
                continue;
            DT_TRY(dt_mem_grow((void **)&keys, &cap_keys, n_keys + 1, sizeof(*keys)));
            memcpy(keys[n_keys++], key, 32);
        }
    }
    for (size_t k = 0; k < n_keys && (r->targets & ~DT_TARGET_NSS); k++) {
        for (uint32_t i = dt_dmap_first(&m->pool->by_key, keys[k]); i != DT_DMAP_END;
             i = dt_dmap_next(&m->pool->by_key, i, keys[k])) {
            const struct dt_pool_entry *e = &m->pool->v[dt_dmap_value(&m->pool->by_key, i)];
            DT_TRY(push_skey(m, r, e->cert->info.subject, e->cert->spki_sha256, e));
        }
    }
    if (!(r->targets & DT_TARGET_NSS))
        goto out;
    /* NSS trust objects are keyed by issuer and serial: the entry reaches
     * NSS through every pool certificate of this subject and key. */
    for (size_t k = 0; k < n_keys; k++) {
        size_t one = 0;
        DT_TRY(expand_key(m, r, keys[k], NULL, DT_TARGET_NSS, &one));
        added += one;
    }
    if (!added) {
        rule_report(d, DT_ERROR, r, "targets",
                    "NSS trust objects are keyed by issuer and serial, so a subject+key entry "
                    "reaches NSS only through the certificates of that subject and key; %s",
                    m->pool ? "the pool holds none: add them to the pool, or drop \"nss\""
                            : "give a certificate pool (--pool, or \"pool\" in the policy) "
                              "that holds them, or drop \"nss\"");
        rc = DT_ERR_INPUT;
    }
out:
    free(keys);
    return rc;
}

/* ---- merging ----------------------------------------------------------- */

static int cmp_items(const void *a, const void *b)
{
    const struct dt_item *x = a, *y = b;
    int c = dt_item_cmp(x, y);
    if (c)
        return c;
    if (x->expanded != y->expanded)
        return x->expanded ? 1 : -1; /* what a rule names comes first */
    if (x->rule->ordinal != y->rule->ordinal)
        return x->rule->ordinal < y->rule->ordinal ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->sub_index > y->sub_index) - (x->sub_index < y->sub_index);
}

static void describe_key(const struct dt_item *it, char *buf, size_t cap)
{
    char *name = dt_nssname_text(it->issuer);
    struct dt_buf hex;
    dt_buf_init(&hex, 1024);
    const char *h = NULL;
    if (dt_hex_encode(it->serial, false, ':', &hex) == DT_OK)
        h = dt_buf_cstr(&hex);
    snprintf(buf, cap, "issuer \"%s\", serial %s", name ? name : "?", h ? h : "?");
    free(name);
    dt_buf_free(&hex);
}

static void purposes_text(unsigned bits, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (unsigned b = 1; b <= 4; b <<= 1) {
        if (!(bits & b))
            continue;
        if (buf[0])
            strncat(buf, ", ", cap - strlen(buf) - 1);
        strncat(buf, dt_policy_purpose_name(b), cap - strlen(buf) - 1);
    }
}

/* Sorting millions of items: a small key per item (the issuer's rank among
 * the distinct issuers, the first 8 serial octets) is sorted instead of the
 * items themselves, and the full comparison runs only on ties. */
struct sort_key {
    uint32_t rank;
    uint32_t idx;
    uint64_t pfx;
};

static const struct dt_item *sort_items_base; /* qsort has no context argument */

static int cmp_sort_key(const void *a, const void *b)
{
    const struct sort_key *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->pfx != y->pfx)
        return x->pfx < y->pfx ? -1 : 1;
    return cmp_items(&sort_items_base[x->idx], &sort_items_base[y->idx]);
}

static enum dt_err sort_items(struct dt_model *m)
{
    enum dt_err rc = DT_OK;
    size_t n = m->n_items;
    struct sort_key *keys = dt_mem_calloc(n, sizeof(*keys));
    uint32_t *id = dt_mem_calloc(n, sizeof(*id)), *rank = dt_mem_calloc(n, sizeof(*rank));
    struct dt_slice *distinct = dt_mem_calloc(n, sizeof(*distinct));
    struct dt_item *sorted = NULL;
    DT_ENSURE_MEM(keys && id && rank && distinct);
    size_t nd;
    DT_TRY(dt_slice_intern(m->items, n, sizeof(*m->items), offsetof(struct dt_item, issuer), id,
                            distinct, &nd, rank));
    for (size_t i = 0; i < n; i++)
        keys[i] =
            (struct sort_key){rank[id[i]], (uint32_t)i, dt_slice_prefix64(m->items[i].serial)};
    sort_items_base = m->items;
    qsort(keys, n, sizeof(*keys), cmp_sort_key);
    sort_items_base = NULL;
    sorted = dt_mem_calloc(m->cap_items ? m->cap_items : n, sizeof(*sorted));
    DT_ENSURE_MEM(sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = m->items[keys[i].idx];
    free(m->items);
    m->items = sorted;
    sorted = NULL;
out:
    free(keys);
    free(id);
    free(rank);
    free(distinct);
    free(sorted);
    return rc;
}

static enum dt_err merge_items(struct dt_model *m, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    size_t dup_warned = 0, dup_more = 0;
    if (m->n_items > 1 && (rc = sort_items(m)) != DT_OK)
        return rc;
    size_t out = 0;
    for (size_t i = 0; i < m->n_items;) {
        size_t j = i + 1;
        while (j < m->n_items && dt_item_cmp(&m->items[i], &m->items[j]) == 0)
            j++;
        struct dt_item merged = m->items[i];
        for (size_t k = i + 1; k < j; k++) {
            struct dt_item *o = &m->items[k];
            char key[512], a[256], b[256];
            describe_key(&merged, key, sizeof(key));
            origin(&merged, a, sizeof(a));
            origin(o, b, sizeof(b));
            struct dt_where w;
            rule_where(o->rule, NULL, &w);
            if (o->expanded) {
                /* The pool found a certificate another entry (or another
                 * expansion) already covers: nothing to warn about. */
            } else if (o->line && o->rule == merged.rule) {
                struct dt_place pl = {o->rule->serials_file, o->line, 0, NULL, NULL};
                if (dup_warned < MAX_DUP_WARNINGS) {
                    dt_diag_warn(d, &pl, "serial repeats line %u; listed once", merged.line);
                    dup_warned++;
                } else {
                    dup_more++;
                }
            } else if (dup_warned < MAX_DUP_WARNINGS) {
                dt_diag_warn(d, &w.pl, "%s is also distrusted by %s; one entry is written", key, a);
                dup_warned++;
            } else {
                dup_more++;
            }
            if (o->shape_explicit && merged.shape_explicit && o->shape != merged.shape) {
                rc = dt_diag_fail(d, &w.pl, DT_ERR_INPUT,
                             "%s: nss_object \"%s\" here but \"%s\" in %s; NSS reads one "
                             "trust object per issuer and serial, so choose one",
                             key, dt_policy_shape_name((enum dt_nss_shape)o->shape),
                             dt_policy_shape_name((enum dt_nss_shape)merged.shape), a);
            } else if (o->shape_explicit && !merged.shape_explicit) {
                merged.shape = o->shape;
                merged.shape_explicit = true;
            }
            if (o->purposes != merged.purposes && !o->expanded) {
                char pa[64], pb[64], pu[64];
                purposes_text(merged.purposes, pa, sizeof(pa));
                purposes_text(o->purposes, pb, sizeof(pb));
                purposes_text(merged.purposes | o->purposes, pu, sizeof(pu));
                dt_diag_warn(d, &w.pl,
                        "%s: purposes (%s) here but (%s) in %s; the union (%s) is "
                        "distrusted",
                        key, pb, pa, a, pu);
            }
            merged.purposes |= o->purposes;
            merged.targets |= o->targets;
            merged.key_scope |= o->key_scope;
            merged.anchors_ok |= o->anchors_ok;
            if (o->cert && !merged.cert) {
                merged.cert = o->cert;
            } else if (o->cert && merged.cert &&
                       memcmp(o->cert->sha256, merged.cert->sha256, 32) != 0) {
                if (merged.shape != DT_SHAPE_TRUST || o->shape != DT_SHAPE_TRUST)
                    rc = dt_diag_fail(d, &w.pl, DT_ERR_INPUT,
                                 "%s: two different certificates (%s and %s) share this "
                                 "issuer and serial; a trust object with hashes covers only "
                                 "one of them and makes NSS drop all trust for the other, "
                                 "so use nss_object \"trust\"",
                                 key, b, a);
                else
                    dt_diag_warn(d, &w.pl,
                            "%s: two different certificates (%s and %s) share this issuer "
                            "and serial; the hash-free trust object covers both",
                            key, b, a);
            }
            (void)b;
        }
        if (merged.shape != DT_SHAPE_TRUST && !merged.cert) {
            char a[256];
            rule_report(d, DT_ERROR, merged.rule, NULL, "%s: hashed shape without a certificate",
                        origin(&merged, a, sizeof(a)));
            rc = DT_ERR_INTERNAL;
        }
        m->items[out++] = merged;
        i = j;
    }
    m->n_items = out;
    if (dup_more)
        dt_diag_warn(d, NULL, "%zu more duplicate issuer/serial pairs were merged", dup_more);
    return rc;
}

static int cmp_item_keys(const void *a, const void *b)
{
    return dt_item_cmp(a, b);
}

static int cmp_afters(const void *a, const void *b)
{
    const struct dt_after *x = a, *y = b;
    int c = dt_slice_cmp(x->cert->info.issuer, y->cert->info.issuer);
    if (!c)
        c = dt_slice_cmp(x->cert->info.serial, y->cert->info.serial);
    if (!c && x->rule->ordinal != y->rule->ordinal)
        c = x->rule->ordinal < y->rule->ordinal ? -1 : 1;
    return c;
}

static enum dt_err merge_afters(struct dt_model *m, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    if (m->n_afters > 1)
        qsort(m->afters, m->n_afters, sizeof(*m->afters), cmp_afters);
    size_t out = 0;
    for (size_t i = 0; i < m->n_afters; i++) {
        struct dt_after *a = &m->afters[i];
        if (out && dt_slice_eq(m->afters[out - 1].cert->info.issuer, a->cert->info.issuer) &&
            dt_slice_eq(m->afters[out - 1].cert->info.serial, a->cert->info.serial)) {
            struct dt_after *p = &m->afters[out - 1];
            struct dt_where w;
            rule_where(a->rule, NULL, &w);
            bool clash = (a->has_server && p->has_server && a->server != p->server) ||
                         (a->has_email && p->has_email && a->email != p->email);
            if (clash) {
                rc = dt_diag_fail(d, &w.pl, DT_ERR_INPUT,
                             "this root already has a different distrust-after date from "
                             "%s at %s",
                             p->rule->file->display, p->rule->json_path);
                continue;
            }
            dt_diag_warn(d, &w.pl, "distrust-after dates for this root are also set by %s at %s",
                    p->rule->file->display, p->rule->json_path);
            if (a->has_server) {
                p->has_server = true;
                p->server = a->server;
                if (!p->date_rule[0])
                    p->date_rule[0] = a->rule;
            }
            if (a->has_email) {
                p->has_email = true;
                p->email = a->email;
                if (!p->date_rule[1])
                    p->date_rule[1] = a->rule;
            }
            continue;
        }
        m->afters[out++] = *a;
    }
    m->n_afters = out;

    /* A root that is also distrusted outright gains nothing from a date. */
    for (size_t i = 0; i < m->n_afters; i++) {
        struct dt_item key;
        memset(&key, 0, sizeof(key));
        key.issuer = m->afters[i].cert->info.issuer;
        key.serial = m->afters[i].cert->info.serial;
        struct dt_item *hit =
            m->n_items ? bsearch(&key, m->items, m->n_items, sizeof(*m->items), cmp_item_keys)
                       : NULL;
        if (!hit || !(hit->targets & DT_TARGET_NSS))
            continue;
        const struct dt_after *a = &m->afters[i];
        const char *which = NULL;
        if (a->has_server && (hit->purposes & DT_PURPOSE_SERVER))
            which = a->has_email && (hit->purposes & DT_PURPOSE_EMAIL) ? "dates change"
                                                                       : "server date changes";
        else if (a->has_email && (hit->purposes & DT_PURPOSE_EMAIL))
            which = "email date changes";
        if (which) {
            rule_report(d, DT_WARNING, a->rule, NULL,
                        "this root is also distrusted outright by %s at %s for the same purpose; "
                        "its distrust-after %s nothing",
                        hit->rule->file->display, hit->rule->json_path, which);
        }
    }
    return rc;
}

/* ---- expansion never reaches a trust anchor unasked ----------------------- */

static void cert_brief(const struct dt_cert *c, char *buf, size_t cap)
{
    char *name = dt_nssname_display(c->info.subject);
    char *issuer = dt_nssname_text(c->info.issuer);
    struct dt_buf hex;
    dt_buf_init(&hex, 1024);
    const char *h = dt_hex_encode(c->info.serial, false, ':', &hex) == DT_OK ? dt_buf_cstr(&hex)
                                                                              : "?";
    snprintf(buf, cap, "\"%s\" (issuer \"%s\", serial %s, SHA-256 %02X%02X%02X%02X...)",
             name ? name : "?", issuer ? issuer : "?", h ? h : "?", c->sha256[0], c->sha256[1],
             c->sha256[2], c->sha256[3]);
    free(name);
    free(issuer);
    dt_buf_free(&hex);
}

/* A certificate found through a key (the other certificates of a distrusted
 * subject and key) that a root store of the build trusts as an anchor for a
 * purpose the entry distrusts is an error, unless an entry names it or
 * allows it ("distrust_anchors"): revoking one certificate must never take
 * a trust anchor of the store with it. */
static enum dt_err check_anchor_reach(struct dt_model *m, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!it->expanded || !it->from_pool || it->name_twin)
            continue; /* a name twin is the certificate the entry names */
        unsigned hit = it->from_pool->trusted_for & it->purposes;
        if (!hit)
            continue;
        char anchor[700], via[700], purposes[64];
        cert_brief(it->cert, anchor, sizeof(anchor));
        purposes_text(hit, purposes, sizeof(purposes));
        if (it->via)
            cert_brief(it->via, via, sizeof(via));
        else
            snprintf(via, sizeof(via), "the entry's subject and key");
        const char *store = it->from_pool->trusted_by ? it->from_pool->trusted_by : "a root store";
        if (it->anchors_ok) {
            rule_report(d, DT_NOTE, it->rule, "distrust_anchors",
                        "distrusts the trust anchor %s of %s (%s), which shares subject and key "
                        "with %s, as \"distrust_anchors\" allows",
                        anchor, store, purposes, via);
            continue;
        }
        rule_report(d, DT_ERROR, it->rule, NULL,
                    "distrusting the key of %s reaches the trust anchor %s, which %s trusts for "
                    "%s: the two share subject and key (path: %s -> same subject and key -> "
                    "the anchor). Revoking a certificate is not distrusting its key: give "
                    "\"scope\": \"certificate\" to distrust the named certificate alone; to "
                    "distrust the key everywhere, name the anchor in an entry of its own or set "
                    "\"distrust_anchors\": true",
                    via, anchor, store, purposes, it->via ? "the named certificate" : "the entry");
        rc = DT_ERR_INPUT;
    }
    return rc;
}

/* ---- the same certificate under an issuer encoded differently ------------ */

/* Certificates of a pool whose serial an item names and whose issuer is
 * the item's issuer as a name (RFC 5280 7.1) but encoded differently (a
 * UTF8String for a PrintableString, other case or spaces): OpenSSL (and
 * NSS with explicit anchors) chains them to the same CA, but NSS's trust
 * lookup, OneCRL and the blob match the exact issuer bytes, so each becomes
 * an item under its own bytes. Appends them to *out. */
static enum dt_err name_twins_in(struct dt_model *m, const struct dt_pool *src,
                                 const struct dt_slice *issuers, const struct dt_dmap *by_id,
                                 struct dt_item **out, size_t *n_out, size_t *cap_out)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < src->n; i++) {
        const struct dt_pool_entry *e = &src->v[i];
        const struct dt_cert *c = e->cert;
        for (uint32_t at = dt_dmap_first(by_id, c->issuer_id); at != DT_DMAP_END;
             at = dt_dmap_next(by_id, at, c->issuer_id)) {
            struct dt_slice iss = issuers[dt_dmap_value(by_id, at)];
            bool equal;
            if (dt_slice_eq(iss, c->info.issuer))
                continue;
            DT_TRY(dt_name_equal(iss, c->info.issuer, &equal));
            if (!equal)
                continue;
            struct dt_item probe;
            memset(&probe, 0, sizeof(probe));
            probe.issuer = iss;
            probe.serial = c->info.serial;
            const struct dt_item *orig =
                bsearch(&probe, m->items, m->n_items, sizeof(*m->items), cmp_item_keys);
            if (!orig)
                continue;
            probe.issuer = c->info.issuer;
            if (bsearch(&probe, m->items, m->n_items, sizeof(*m->items), cmp_item_keys))
                continue; /* an entry has it already */
            bool dup = false;
            for (size_t k = 0; k < *n_out && !dup; k++)
                dup = dt_item_cmp(&(*out)[k], &probe) == 0;
            if (dup)
                continue;
            DT_TRY(dt_mem_grow((void **)out, cap_out, *n_out + 1, sizeof(**out)));
            struct dt_item tw = *orig;
            tw.cert = (struct dt_cert *)c; /* borrowed from the pool, as expansions are */
            tw.issuer = c->info.issuer;
            tw.serial = c->info.serial;
            tw.expanded = true;
            tw.name_twin = true;
            tw.key_scope = false;
            tw.shape = DT_SHAPE_TRUST;
            tw.shape_explicit = false;
            tw.from_pool = e;
            tw.via = orig->cert;
            tw.store = NULL;
            (*out)[(*n_out)++] = tw;
        }
    }
out:
    return rc;
}

/* The string types of a Name's values, in order ("PrintableString,
 * UTF8String, ..."), for messages about names encoded differently. */
static void name_types(struct dt_slice name, char *buf, size_t cap)
{
    buf[0] = '\0';
    struct dt_tlv seq, set, ava, oid, val;
    if (dt_der_read_one(name, DT_TAG_SEQUENCE, &seq))
        return;
    struct dt_slice rdns = seq.val;
    while (rdns.n && !dt_der_read(&rdns, &set)) {
        struct dt_slice avas = set.val;
        while (avas.n && !dt_der_read(&avas, &ava)) {
            struct dt_slice in = ava.val;
            if (dt_der_read(&in, &oid) || dt_der_read(&in, &val))
                return;
            const char *t = val.tag == 0x13   ? "PrintableString"
                            : val.tag == 0x0c ? "UTF8String"
                            : val.tag == 0x14 ? "T61String"
                            : val.tag == 0x1e ? "BMPString"
                            : val.tag == 0x1c ? "UniversalString"
                            : val.tag == 0x16 ? "IA5String"
                                              : "other";
            size_t len = strlen(buf);
            snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", t);
        }
    }
}

/* Finds the name twins of every item in the pool and the certificates the
 * build saw, adds them and merges again; each is a note at its entry. */
static enum dt_err add_name_twins(struct dt_model *m, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_slice *issuers = NULL;
    size_t n_iss = 0;
    struct dt_dmap by_id;
    dt_dmap_init(&by_id);
    struct dt_item *tw = NULL;
    size_t n_tw = 0, cap_tw = 0;
    if ((!m->pool || !m->pool->n) && (!m->seen || !m->seen->n))
        goto out;
    /* The items' distinct issuers (items are sorted by issuer). */
    issuers = dt_mem_calloc(m->n_items ? m->n_items : 1, sizeof(*issuers));
    DT_ENSURE_MEM(issuers);
    for (size_t i = 0; i < m->n_items; i++) {
        if (n_iss && dt_slice_eq(issuers[n_iss - 1], m->items[i].issuer))
            continue;
        issuers[n_iss] = m->items[i].issuer;
        uint8_t id[32];
        DT_TRY(dt_name_id(issuers[n_iss], id));
        DT_TRY(dt_dmap_add(&by_id, id, (uint32_t)n_iss));
        n_iss++;
    }
    if (m->pool)
        DT_TRY(name_twins_in(m, m->pool, issuers, &by_id, &tw, &n_tw, &cap_tw));
    if (m->seen)
        DT_TRY(name_twins_in(m, m->seen, issuers, &by_id, &tw, &n_tw, &cap_tw));
    for (size_t i = 0; i < n_tw; i++) {
        const struct dt_item *t = &tw[i];
        if (i < MAX_DUP_WARNINGS) {
            char *issuer = dt_nssname_text(t->issuer);
            char *name = dt_nssname_display(t->cert->info.subject);
            struct dt_buf hex;
            dt_buf_init(&hex, 1024);
            const char *h = dt_hex_encode(t->serial, false, ':', &hex) == DT_OK
                                ? dt_buf_cstr(&hex)
                                : NULL;
            char types[160], ours[160];
            name_types(t->issuer, types, sizeof(types));
            name_types(t->via ? t->via->info.subject : t->issuer, ours, sizeof(ours));
            rule_report(d, DT_NOTE, t->rule, NULL,
                        "\"%s\" (in %s) has this entry's serial %s and an issuer field that is "
                        "the entry's issuer as a name but encoded differently (\"%s\": %s%s%s): "
                        "OpenSSL chains it to the same CA, while NSS, OneCRL and the blob match "
                        "the exact issuer bytes, so it is distrusted under its own issuer bytes "
                        "too",
                        name ? name : "?", t->from_pool->name, h ? h : "?",
                        issuer ? issuer : "?", types, t->via ? "; the entry's: " : "",
                        t->via ? ours : "");
            free(issuer);
            free(name);
            dt_buf_free(&hex);
        }
        DT_TRY(push_item(m, t));
    }
    if (n_tw > MAX_DUP_WARNINGS)
        dt_diag_note(d, NULL, "%zu more certificates distrusted under an issuer encoded differently",
                n_tw - MAX_DUP_WARNINGS);
    m->n_name_twins = n_tw;
    m->n_expanded += n_tw;
    if (n_tw)
        DT_TRY(merge_items(m, d));
out:
    free(issuers);
    free(tw);
    dt_dmap_free(&by_id);
    return rc;
}

enum dt_err dt_model_resolve(const struct dt_policy *p, struct dt_pool *pool, const struct dt_pool *seen,
                       struct dt_model *m, const int64_t *now, struct dt_diags *d,
                       const struct dt_progress *progress)
{
    enum dt_err rc = DT_OK;
    bool failed = false;
    memset(m, 0, sizeof(*m));
    dt_arena_init(&m->arena);
    m->pool = pool;
    m->seen = seen;

    for (size_t i = 0; i < p->n_rules; i++) {
        const struct dt_rule *r = &p->rules[i];
        enum dt_err rrc = DT_OK;
        switch (r->kind) {
        case DT_RULE_CERT:
        case DT_RULE_DISTRUST_AFTER:
            rrc = resolve_cert_rule(m, r, d);
            break;
        case DT_RULE_ISSUER_SERIAL:
            rrc = resolve_serial_rule(m, r, d);
            break;
        case DT_RULE_SERIALS_FILE:
            rrc = resolve_serials_file(m, r, d, progress);
            break;
        case DT_RULE_SUBJECT_KEY:
            rrc = resolve_subjkey_rule(m, r, d);
            break;
        case DT_RULE_INCIDENT:
            rrc = resolve_incident(m, r, now, d);
            break;
        }
        if (rrc == DT_ERR_INPUT) {
            failed = true;
            continue;
        }
        if (rrc == DT_ERR_LIMIT) {
            rc = DT_ERR_INPUT;
            goto out;
        }
        DT_TRY(rrc);
    }
    if (failed) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    if (progress && progress->fn && m->n_items > 100000)
        progress->fn("sorting", 0, m->n_items, progress->ctx);
    DT_TRY(merge_items(m, d));
    if (progress && progress->fn && m->n_items > 100000)
        progress->fn("sorting", m->n_items, m->n_items, progress->ctx);
    DT_TRY(add_name_twins(m, d));
    DT_TRY(merge_afters(m, d));
    DT_TRY(check_anchor_reach(m, d));
out:
    return rc;
}
