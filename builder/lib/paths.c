/*
 * paths.c - chains through a certificate pool.
 */
#include "paths.h"

#include "nssname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPEN_PER_KEY 10

struct walk {
    struct dt_pool *pool;
    int64_t at;
    size_t max, found;
    struct dt_chain cur;
    void (*fn)(const struct dt_chain *c, void *ctx);
    void *ctx;
    /* Optional: certificates that close a path (the path check). */
    const struct dt_dmap *closed;
    /* Non-anchors whose issuer has no certificate in the pool at all: the
     * pool cannot tell whether a path continues there. */
    size_t dead_ends;
    const struct dt_pool_entry *first_dead_end;
};

static bool valid_at(const struct dt_pool_entry *e, int64_t at)
{
    return at <= 0 || (e->cert->not_before <= at && at <= e->cert->not_after);
}

static bool is_closed(const struct walk *w, const struct dt_pool_entry *e)
{
    if (!w->closed)
        return false;
    if (e->distrusted_before & 1) /* a root store in the pool distrusts it already */
        return true;
    uint8_t k[32];
    dt_issuer_serial_key(e->cert->info.issuer, e->cert->info.serial, k);
    return dt_dmap_first(w->closed, k) != DT_DMAP_END;
}

static bool same_key(const struct dt_cert *a, const struct dt_cert *b)
{
    return !memcmp(a->spki_sha256, b->spki_sha256, 32) &&
           dt_slice_eq(a->info.subject, b->info.subject);
}

static void up(struct walk *w, struct dt_pool_entry *node)
{
    if (w->found >= w->max)
        return;
    w->cur.certs[w->cur.n++] = node;
    if (dt_pool_is_anchor(w->pool, node)) {
        w->found++;
        w->fn(&w->cur, w->ctx);
    } else if (w->cur.n <= DT_PATH_MAX_DEPTH) {
        uint8_t k[32];
        dt_subject_key(node->cert->info.issuer, k);
        uint32_t it = dt_dmap_first(&w->pool->by_subject, k);
        if (it == DT_DMAP_END && !w->dead_ends++)
            w->first_dead_end = node;
        for (; it != DT_DMAP_END; it = dt_dmap_next(&w->pool->by_subject, it, k)) {
            struct dt_pool_entry *p = &w->pool->v[dt_dmap_value(&w->pool->by_subject, it)];
            /* No key twice on a path (as mozilla::pkix): a cross-certificate
             * and its self-signed twin are one step, not a loop. */
            bool seen = false;
            for (size_t i = 0; i < w->cur.n; i++)
                seen |= same_key(w->cur.certs[i]->cert, p->cert);
            if (seen || !valid_at(p, w->at) || is_closed(w, p))
                continue;
            if (!dt_pool_signed_by(w->pool, node, p))
                continue;
            up(w, p);
        }
    }
    w->cur.n--;
}

size_t dt_paths_chains(struct dt_pool *pool, struct dt_pool_entry *start, int64_t at,
                       size_t max_chains, void (*fn)(const struct dt_chain *c, void *ctx),
                       void *ctx)
{
    struct walk w;
    memset(&w, 0, sizeof(w));
    w.pool = pool;
    w.at = at;
    w.max = max_chains;
    w.fn = fn;
    w.ctx = ctx;
    if (valid_at(start, at))
        up(&w, start);
    return w.found;
}

/* ---- the path check ----------------------------------------------------------- */

struct report {
    struct dt_diags *d;
    const struct dt_item *by; /* the entry that distrusts the key */
    size_t open;
};

static void serial_hex(struct dt_slice serial, char *out, size_t cap)
{
    out[0] = 0;
    for (size_t i = 0; i < serial.n && 3 * i + 3 < cap; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%02x", i ? ":" : "", serial.p[i]);
}

static const char *why_open(const struct dt_rule *rule)
{
    return rule->cross_signs_explicit && !rule->cross_signs
               ? "\"cross_signs\" is false for this entry"
               : "the pool has a certificate of this key that no entry names";
}

static void report_open(const struct dt_chain *c, void *ctx)
{
    struct report *r = ctx;
    r->open++;
    if (r->open > MAX_OPEN_PER_KEY)
        return;
    char path[1500] = "";
    for (size_t i = c->n; i-- > 0;) {
        char *n = dt_name_display(c->certs[i]->cert->info.subject);
        size_t len = strlen(path);
        snprintf(path + len, sizeof(path) - len, "%s%s", i + 1 < c->n ? " > " : "", n ? n : "?");
        free(n);
    }
    const struct dt_cert *last = c->certs[0]->cert;
    char *issuer = dt_name_text(last->info.issuer);
    char serial[200];
    serial_hex(last->info.serial, serial, sizeof(serial));
    const struct dt_rule *rule = r->by->rule;
    struct dt_where w;
    dt_policy_where(rule->file, &w, false, "%s", rule->json_path);
    dt_warn(r->d, &w.pl,
            "an open path reaches the distrusted key of this entry: %s; its last "
            "certificate (issuer \"%s\", serial %s, in %s) is not distrusted, so NSS can "
            "still build chains through it (%s)",
            path, issuer ? issuer : "?", serial, c->certs[0]->name, why_open(rule));
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
    char *issuer = dt_name_text(e->cert->info.issuer);
    char *missing = dt_name_text(dead_end->cert->info.issuer);
    char serial[200];
    serial_hex(e->cert->info.serial, serial, sizeof(serial));
    const struct dt_rule *rule = r->by->rule;
    struct dt_where w;
    dt_policy_where(rule->file, &w, false, "%s", rule->json_path);
    dt_warn(r->d, &w.pl,
            "a possibly open path reaches the distrusted key of this entry: the certificate "
            "with issuer \"%s\", serial %s (in %s) is not distrusted, and the pool has no "
            "certificate of \"%s\", so it cannot tell whether a trust anchor issues it; "
            "NSS can build chains through it wherever that issuer is trusted (%s)",
            issuer ? issuer : "?", serial, e->name, missing ? missing : "?", why_open(rule));
    free(issuer);
    free(missing);
}

size_t dt_paths_check(struct dt_model *m, struct dt_diags *d)
{
    struct dt_pool *pool = m->pool;
    if (!pool || !m->n_items)
        return 0;
    struct dt_dmap closed, keys;
    dt_dmap_init(&closed);
    dt_dmap_init(&keys);
    size_t total = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!(it->targets & DT_TARGET_NSS))
            continue;
        uint8_t k[32];
        dt_issuer_serial_key(it->issuer, it->serial, k);
        if (dt_dmap_add(&closed, k, (uint32_t)i) != DT_OK)
            goto out;
    }
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!(it->targets & DT_TARGET_NSS) || !it->cert || !it->cert->info.is_ca)
            continue;
        uint8_t key[32];
        dt_cert_key(it->cert, key);
        if (dt_dmap_first(&keys, key) != DT_DMAP_END)
            continue; /* this key was checked through another entry */
        if (dt_dmap_add(&keys, key, (uint32_t)i) != DT_OK)
            goto out;
        struct report r = {d, it, 0};
        for (uint32_t p = dt_dmap_first(&pool->by_key, key); p != DT_DMAP_END;
             p = dt_dmap_next(&pool->by_key, p, key)) {
            struct dt_pool_entry *e = &pool->v[dt_dmap_value(&pool->by_key, p)];
            uint8_t k[32];
            dt_issuer_serial_key(e->cert->info.issuer, e->cert->info.serial, k);
            if (dt_dmap_first(&closed, k) != DT_DMAP_END || (e->distrusted_before & 1))
                continue;
            struct walk w;
            memset(&w, 0, sizeof(w));
            w.pool = pool;
            w.max = 64;
            w.fn = report_open;
            w.ctx = &r;
            w.closed = &closed;
            size_t before = r.open;
            up(&w, e);
            if (r.open == before && w.dead_ends)
                report_unknown(&r, e, w.first_dead_end);
        }
        if (r.open > MAX_OPEN_PER_KEY) {
            struct dt_where wh;
            dt_policy_where(it->rule->file, &wh, false, "%s", it->rule->json_path);
            dt_warn(d, &wh.pl, "%zu more open paths reach this key", r.open - MAX_OPEN_PER_KEY);
        }
        total += r.open;
    }
out:
    dt_dmap_free(&closed);
    dt_dmap_free(&keys);
    return total;
}
