/*
 * paths.c - chains through a certificate pool.
 */
#include "paths.h"

#include "nssname.h"
#include "item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPEN_PER_KEY 10

struct walk {
    struct dt_pool *pool;
    unsigned purpose; /* DT_PURPOSE_* bit: anchors and distrusts for it */
    int64_t at;
    size_t max, found;
    size_t steps; /* certificates visited: the walk stops at DT_PATH_MAX_STEPS */
    bool exhausted;
    struct dt_chain cur;
    void (*fn)(const struct dt_chain *c, void *ctx);
    void *ctx;
    /* The path check: distrusts of the build (issuer + serial -> item) that
     * close a path when they cover the purpose. */
    const struct dt_dmap *closed;
    const struct dt_item *items;
    /* Non-anchors none of whose issuers is in the pool (no certificate with
     * the issuer's name whose key verifies the signature): the pool cannot
     * tell whether a path continues there. */
    size_t dead_ends;
    const struct dt_pool_entry *first_dead_end;
    enum dt_err rc; /* a failure (a digest) stops the walk */
};

static bool valid_at(const struct dt_pool_entry *e, int64_t at)
{
    return at <= 0 || (e->cert->not_before <= at && at <= e->cert->not_after);
}

/* Whether a distrust of the build closes paths through e; on a failure
 * (w->rc) it says true, and the walk stops. */
static bool is_closed(struct walk *w, const struct dt_pool_entry *e)
{
    if (!w->closed)
        return false;
    if (e->distrusted_before & w->purpose) /* a root store in the pool distrusts it already */
        return true;
    uint8_t k[32];
    w->rc = dt_idkey_issuer_serial(e->cert->info.issuer, e->cert->info.serial, k);
    if (w->rc != DT_OK)
        return true;
    for (uint32_t it = dt_dmap_first(w->closed, k); it != DT_DMAP_END;
         it = dt_dmap_next(w->closed, it, k))
        if (w->items[dt_dmap_value(w->closed, it)].purposes & w->purpose)
            return true;
    return false;
}

/* The same subject (as a name) and the same public key (as a key). */
static bool same_key(const struct dt_cert *a, const struct dt_cert *b)
{
    return !memcmp(a->pubkey_id, b->pubkey_id, 32) && !memcmp(a->subject_id, b->subject_id, 32);
}

static void up(struct walk *w, struct dt_pool_entry *node)
{
    if (w->found >= w->max || w->exhausted || w->rc != DT_OK)
        return;
    if (++w->steps > DT_PATH_MAX_STEPS) {
        w->exhausted = true;
        return;
    }
    w->cur.certs[w->cur.n++] = node;
    bool anchor;
    w->rc = dt_pool_is_anchor(w->pool, node, w->purpose, &anchor);
    if (w->rc != DT_OK) {
        w->cur.n--;
        return;
    }
    if (anchor) {
        w->found++;
        w->fn(&w->cur, w->ctx);
    } else if (w->cur.n <= DT_PATH_MAX_DEPTH) {
        /* Issuers are found by name, as OpenSSL and NSS with explicit
         * anchors find them: a subject encoded differently from node's
         * issuer field still issues it when its key verifies node. */
        const uint8_t *k = node->cert->issuer_id;
        bool issued = false; /* a certificate of the pool verifies node's signature */
        for (uint32_t it = dt_dmap_first(&w->pool->by_subject, k); it != DT_DMAP_END;
             it = dt_dmap_next(&w->pool->by_subject, it, k)) {
            struct dt_pool_entry *p = &w->pool->v[dt_dmap_value(&w->pool->by_subject, it)];
            bool signed_by;
            w->rc = dt_pool_signed_by(w->pool, node, p, &signed_by);
            if (w->rc != DT_OK)
                break;
            if (!signed_by)
                continue;
            issued = true;
            /* No key twice on a path (as mozilla::pkix): a cross-certificate
             * and its self-signed twin are one step, not a loop. */
            bool seen = false;
            for (size_t i = 0; i < w->cur.n; i++)
                seen |= same_key(w->cur.certs[i]->cert, p->cert);
            if (seen || !valid_at(p, w->at) || is_closed(w, p))
                continue;
            up(w, p);
            if (w->rc != DT_OK)
                break;
        }
        bool self_issued = !memcmp(node->cert->issuer_id, node->cert->subject_id, 32);
        if (!issued && !self_issued && !w->dead_ends++)
            w->first_dead_end = node;
    }
    w->cur.n--;
}

enum dt_err dt_paths_chains(struct dt_pool *pool, struct dt_pool_entry *start, unsigned purpose,
                            int64_t at, size_t max_chains,
                            void (*fn)(const struct dt_chain *c, void *ctx), void *ctx,
                            bool *exhausted, size_t *found)
{
    struct walk w;
    memset(&w, 0, sizeof(w));
    w.pool = pool;
    w.purpose = purpose;
    w.at = at;
    w.max = max_chains;
    w.fn = fn;
    w.ctx = ctx;
    if (valid_at(start, at))
        up(&w, start);
    if (exhausted)
        *exhausted = w.exhausted;
    *found = w.found;
    return w.rc;
}

/* ---- the path check ----------------------------------------------------------- */

struct report {
    struct dt_diags *d;
    const struct dt_rule *rule; /* the entry that distrusts the key */
    unsigned purpose;
    bool after; /* the key is a distrust-after root's */
    size_t open;
};

static void serial_hex(struct dt_slice serial, char *out, size_t cap)
{
    out[0] = 0;
    for (size_t i = 0; i < serial.n && 3 * i + 3 < cap; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%02x", i ? ":" : "", serial.p[i]);
}

static const char *purpose_text(unsigned purpose)
{
    return purpose == DT_PURPOSE_SERVER  ? "TLS server authentication"
           : purpose == DT_PURPOSE_EMAIL ? "e-mail protection"
                                         : "code signing";
}

static const char *why_open(const struct report *r)
{
    if (r->after)
        return "a distrust-after date binds the root as a trust anchor only: chains that "
               "reach its key through another certificate end at another anchor, where the "
               "date does not apply; distrust that certificate, or name it in an entry of its "
               "own";
    return r->rule->cross_signs_explicit && !r->rule->cross_signs
               ? "\"cross_signs\" is false for this entry"
               : "the pool has a certificate of this key that no entry names";
}

static void report_open(const struct dt_chain *c, void *ctx)
{
    struct report *r = ctx;
    r->open++;
    if (r->open > MAX_OPEN_PER_KEY)
        return;
    /* Every certificate by name and the first 6 bytes of its SHA-256: two
     * cross-certificates of one subject print apart. */
    char path[2000] = "";
    for (size_t i = c->n; i-- > 0;) {
        const uint8_t *h = c->certs[i]->cert->sha256;
        char *n = dt_nssname_display(c->certs[i]->cert->info.subject);
        size_t len = strlen(path);
        snprintf(path + len, sizeof(path) - len, "%s%s [%02x%02x%02x%02x%02x%02x]",
                 i + 1 < c->n ? " > " : "", n ? n : "?", h[0], h[1], h[2], h[3], h[4], h[5]);
        free(n);
    }
    const struct dt_cert *last = c->certs[0]->cert;
    char *issuer = dt_nssname_text(last->info.issuer);
    char serial[200];
    serial_hex(last->info.serial, serial, sizeof(serial));
    struct dt_where w;
    dt_policy_where(r->rule->file, &w, false, "%s", r->rule->json_path);
    dt_diag_warn(r->d, &w.pl,
            "an open path reaches the %s key of this entry%s%s: %s; its last certificate "
            "(issuer \"%s\", serial %s, in %s) is not distrusted%s%s, so NSS can still build "
            "chains through it (%s)",
            r->after ? "distrust-after root's" : "distrusted",
            r->purpose == DT_PURPOSE_SERVER ? "" : " for ",
            r->purpose == DT_PURPOSE_SERVER ? "" : purpose_text(r->purpose), path,
            issuer ? issuer : "?", serial, c->certs[0]->name,
            r->purpose == DT_PURPOSE_SERVER ? "" : " for ",
            r->purpose == DT_PURPOSE_SERVER ? "" : purpose_text(r->purpose), why_open(r));
    free(issuer);
}

/* A certificate of the key that is not distrusted and whose chain leaves the
 * pool: any trust store that holds the missing issuer has an open path. */
static void report_unknown(struct report *r, const struct dt_pool_entry *e,
                           const struct dt_pool_entry *dead_end)
{
    r->open++;
    if (r->open > MAX_OPEN_PER_KEY)
        return;
    char *issuer = dt_nssname_text(e->cert->info.issuer);
    char *missing = dt_nssname_text(dead_end->cert->info.issuer);
    char *where = dt_nssname_display(dead_end->cert->info.subject);
    char serial[200];
    serial_hex(e->cert->info.serial, serial, sizeof(serial));
    struct dt_where w;
    dt_policy_where(r->rule->file, &w, false, "%s", r->rule->json_path);
    dt_diag_warn(r->d, &w.pl,
            "a possibly open path reaches the %s key of this entry: the certificate with issuer "
            "\"%s\", serial %s (in %s) is not distrusted, and its chains leave the pool: no "
            "certificate of \"%s\" in the pool has the key that signed %s\"%s\", so the pool "
            "cannot tell whether a trust anchor issues it; NSS can build chains through it "
            "wherever that issuer is trusted (%s)",
            r->after ? "distrust-after root's" : "distrusted", issuer ? issuer : "?", serial,
            e->name, missing ? missing : "?", dead_end == e ? "it, " : "", where ? where : "?",
            why_open(r));
    free(issuer);
    free(missing);
    free(where);
}

/* Walks from every pool certificate of key (but skip, and those that are
 * closed) up to the anchors; reports what it finds at r's entry. */
static enum dt_err check_key(struct dt_pool *pool, const uint8_t key[32],
                             const struct dt_cert *skip, const struct dt_dmap *closed,
                             const struct dt_item *items, struct report *r)
{
    enum dt_err rc = DT_OK;
    bool exhausted = false;
    for (uint32_t p = dt_dmap_first(&pool->by_key, key); p != DT_DMAP_END;
         p = dt_dmap_next(&pool->by_key, p, key)) {
        struct dt_pool_entry *e = &pool->v[dt_dmap_value(&pool->by_key, p)];
        if (skip && !memcmp(e->cert->sha256, skip->sha256, 32))
            continue;
        struct walk w;
        memset(&w, 0, sizeof(w));
        w.pool = pool;
        w.purpose = r->purpose;
        w.max = 64;
        w.fn = report_open;
        w.ctx = r;
        w.closed = closed;
        w.items = items;
        bool closed_at_e = is_closed(&w, e);
        DT_TRY(w.rc);
        if (closed_at_e)
            continue;
        size_t before = r->open;
        up(&w, e);
        DT_TRY(w.rc);
        exhausted |= w.exhausted;
        if (r->open == before && w.dead_ends)
            report_unknown(r, e, w.first_dead_end);
    }
    struct dt_where wh;
    dt_policy_where(r->rule->file, &wh, false, "%s", r->rule->json_path);
    if (r->open > MAX_OPEN_PER_KEY)
        dt_diag_warn(r->d, &wh.pl, "%zu more open paths reach this key", r->open - MAX_OPEN_PER_KEY);
    if (exhausted)
        dt_diag_warn(r->d, &wh.pl,
                "the pool is too interconnected to follow every path to this key (the search "
                "stopped after %d certificates): some open paths may not be reported",
                DT_PATH_MAX_STEPS);
out:
    return rc;
}

/* The purpose a key is checked for: the first its entry distrusts. */
static unsigned check_purpose(unsigned purposes)
{
    return purposes & DT_PURPOSE_SERVER  ? DT_PURPOSE_SERVER
           : purposes & DT_PURPOSE_EMAIL ? DT_PURPOSE_EMAIL
                                         : DT_PURPOSE_CODE;
}

/* Revocations ("scope": "certificate") of CA certificates whose key has
 * other certificates in the pool that no entry distrusts: said once each (a
 * note, up to MAX_OPEN_PER_KEY of them, then a count), since those stay
 * trusted on purpose. */
static int cmp_item_key(const void *a, const void *b)
{
    return dt_item_cmp(a, b);
}

static enum dt_err note_revocations(struct dt_model *m, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    size_t noted = 0, more = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!it->cert || !it->cert->info.is_ca || it->key_scope || it->expanded)
            continue;
        uint8_t key[32];
        DT_TRY(dt_idkey_cert(it->cert, key));
        size_t others = 0;
        const struct dt_pool_entry *first = NULL;
        for (uint32_t p = dt_dmap_first(&m->pool->by_key, key); p != DT_DMAP_END;
             p = dt_dmap_next(&m->pool->by_key, p, key)) {
            const struct dt_pool_entry *e = &m->pool->v[dt_dmap_value(&m->pool->by_key, p)];
            if (!memcmp(e->cert->sha256, it->cert->sha256, 32))
                continue;
            struct dt_item probe;
            memset(&probe, 0, sizeof(probe));
            probe.issuer = e->cert->info.issuer;
            probe.serial = e->cert->info.serial;
            if (bsearch(&probe, m->items, m->n_items, sizeof(*m->items), cmp_item_key))
                continue; /* distrusted by an entry (for some target) */
            if (!others++)
                first = e;
        }
        if (!others)
            continue;
        if (noted >= MAX_OPEN_PER_KEY) {
            more++;
            continue;
        }
        noted++;
        char *issuer = dt_nssname_text(first->cert->info.issuer);
        struct dt_where w;
        dt_policy_where(it->rule->file, &w, false, "%s", it->rule->json_path);
        dt_diag_note(d, &w.pl,
                "revokes this certificate alone (\"scope\": \"certificate\"): %zu other "
                "certificate%s of its subject and key stay%s trusted (first: issued by \"%s\", in "
                "%s)",
                others, others == 1 ? "" : "s", others == 1 ? "s" : "", issuer ? issuer : "?",
                first->name);
        free(issuer);
    }
    if (more)
        dt_diag_note(d, NULL,
                "%zu more revocations leave other certificates of their subject and key trusted",
                more);
out:
    return rc;
}

enum dt_err dt_paths_check(struct dt_model *m, struct dt_diags *d, size_t *open_paths)
{
    enum dt_err rc = DT_OK;
    struct dt_pool *pool = m->pool;
    struct dt_dmap closed, keys;
    dt_dmap_init(&closed);
    dt_dmap_init(&keys);
    size_t total = 0;
    struct key_use {
        size_t item; /* the first entry that distrusts the key */
        unsigned purposes;
    } *uses = NULL;
    size_t n_uses = 0, cap_uses = 0;
    if (!pool || (!m->n_items && !m->n_afters))
        goto out;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!(it->targets & DT_TARGET_NSS))
            continue;
        uint8_t k[32];
        DT_TRY(dt_idkey_issuer_serial(it->issuer, it->serial, k));
        DT_TRY(dt_dmap_add(&closed, k, (uint32_t)i));
    }
    DT_TRY(note_revocations(m, d));
    /* Every distrusted CA key once, for the purposes its entries distrust
     * together (TLS server first). */
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        /* A revocation ("scope": "certificate") leaves the key's other
         * certificates trusted on purpose: no path to the key is open. */
        if (!(it->targets & DT_TARGET_NSS) || !it->cert || !it->cert->info.is_ca ||
            !it->key_scope)
            continue;
        uint8_t key[32];
        DT_TRY(dt_idkey_cert(it->cert, key));
        uint32_t at = dt_dmap_first(&keys, key);
        if (at != DT_DMAP_END) {
            uses[dt_dmap_value(&keys, at)].purposes |= it->purposes;
            continue;
        }
        DT_TRY(dt_mem_grow((void **)&uses, &cap_uses, n_uses + 1, sizeof(*uses)));
        DT_TRY(dt_dmap_add(&keys, key, (uint32_t)n_uses));
        uses[n_uses].item = i;
        uses[n_uses].purposes = it->purposes;
        n_uses++;
    }
    for (size_t u = 0; u < n_uses; u++) {
        const struct dt_item *it = &m->items[uses[u].item];
        uint8_t key[32];
        DT_TRY(dt_idkey_cert(it->cert, key));
        struct report r = {d, it->rule, check_purpose(uses[u].purposes), false, 0};
        DT_TRY(check_key(pool, key, NULL, &closed, m->items, &r));
        total += r.open;
    }
    /* Distrust-after roots: another certificate of the root's key (a
     * cross-certificate) leads to an anchor the date does not bind. */
    for (size_t i = 0; i < m->n_afters; i++) {
        const struct dt_after *a = &m->afters[i];
        if (!(a->rule->targets & DT_TARGET_NSS))
            continue;
        uint8_t key[32];
        DT_TRY(dt_idkey_cert(a->cert, key));
        struct report r = {d, a->rule, a->has_server ? DT_PURPOSE_SERVER : DT_PURPOSE_EMAIL, true,
                           0};
        DT_TRY(check_key(pool, key, a->cert, &closed, m->items, &r));
        total += r.open;
    }
out:
    *open_paths = total;
    free(uses);
    dt_dmap_free(&closed);
    dt_dmap_free(&keys);
    return rc;
}
