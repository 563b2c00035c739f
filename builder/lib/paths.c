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
};

static bool valid_at(const struct dt_pool_entry *e, int64_t at)
{
    return at <= 0 || (e->cert->not_before <= at && at <= e->cert->not_after);
}

static bool is_closed(const struct walk *w, const struct dt_pool_entry *e)
{
    if (!w->closed)
        return false;
    uint8_t k[32];
    dt_issuer_serial_key(e->cert->info.issuer, e->cert->info.serial, k);
    return dt_dmap_first(w->closed, k) != DT_DMAP_END;
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
        for (uint32_t it = dt_dmap_first(&w->pool->by_subject, k); it != DT_DMAP_END;
             it = dt_dmap_next(&w->pool->by_subject, it, k)) {
            struct dt_pool_entry *p = &w->pool->v[dt_dmap_value(&w->pool->by_subject, it)];
            bool seen = false;
            for (size_t i = 0; i < w->cur.n; i++)
                seen |= w->cur.certs[i] == p;
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

static char *name_of(const struct dt_cert *c)
{
    char *cn = dt_name_common_name(c->info.subject);
    if (cn && *cn)
        return cn;
    free(cn);
    return dt_name_text(c->info.subject);
}

static void report_open(const struct dt_chain *c, void *ctx)
{
    struct report *r = ctx;
    r->open++;
    if (r->open > MAX_OPEN_PER_KEY)
        return;
    char path[1500] = "";
    for (size_t i = c->n; i-- > 0;) {
        char *n = name_of(c->certs[i]->cert);
        size_t len = strlen(path);
        snprintf(path + len, sizeof(path) - len, "%s%s", i + 1 < c->n ? " > " : "",
                 n ? n : "?");
        free(n);
    }
    const struct dt_cert *last = c->certs[0]->cert;
    char *issuer = dt_name_text(last->info.issuer);
    char serial[200] = "";
    for (size_t i = 0; i < last->info.serial.n && 3 * i + 3 < sizeof(serial); i++)
        snprintf(serial + strlen(serial), sizeof(serial) - strlen(serial), "%s%02x",
                 i ? ":" : "", last->info.serial.p[i]);
    const struct dt_rule *rule = r->by->rule;
    struct dt_where w;
    dt_policy_where(rule->file, &w, false, "%s", rule->json_path);
    const char *why = rule->cross_signs_explicit && !rule->cross_signs
                          ? "\"cross_signs\" is false for this entry"
                          : "the pool has a certificate of this key that no entry names";
    dt_warn(r->d, &w.pl,
            "an open path reaches the distrusted key of this entry: %s; its last "
            "certificate (issuer \"%s\", serial %s, in %s) is not distrusted, so NSS can "
            "still build chains through it (%s)",
            path, issuer ? issuer : "?", serial, c->certs[0]->name, why);
    free(issuer);
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
            if (dt_dmap_first(&closed, k) != DT_DMAP_END)
                continue;
            struct walk w;
            memset(&w, 0, sizeof(w));
            w.pool = pool;
            w.max = 64;
            w.fn = report_open;
            w.ctx = &r;
            w.closed = &closed;
            up(&w, e);
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
