/*
 * prune.c - which entries only distrust certificates that have expired.
 *
 * NSS removes distrust entries whose certificates have all expired (an
 * expired certificate fails validation anyway). An entry is "expired" when
 * every certificate known for it has a notAfter before the date: the
 * certificates it names, every pool certificate with its issuer and serial
 * (another certificate with the same issuer and serial would be just as
 * distrusted), for a subject+key entry every pool certificate of that
 * subject and key, and for a distrust-after entry the root itself. An entry
 * for which nothing is known (an issuer/serial pair without a certificate)
 * is "unknown": it cannot be pruned on evidence.
 */
#include "prune.h"

#include "nssname.h"
#include "time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum state { NONE, EXPIRED, LIVE };

struct acc {
    enum state st;
    int64_t latest; /* the latest notAfter seen */
    size_t certs;
};

static void see(struct acc *a, const struct dt_cert *c, int64_t before)
{
    if (!c)
        return;
    a->certs++;
    if (c->not_after > a->latest || a->certs == 1)
        a->latest = c->not_after;
    if (c->not_after >= before)
        a->st = LIVE;
    else if (a->st == NONE)
        a->st = EXPIRED;
}

/* The pool's certificates under key, but the one already counted. */
static void see_key(struct acc *a, const struct dt_pool *pool, const struct dt_dmap *map,
                    const uint8_t key[32], const struct dt_cert *seen, int64_t before)
{
    if (!pool)
        return;
    for (uint32_t it = dt_dmap_first(map, key); it != DT_DMAP_END;
         it = dt_dmap_next(map, it, key)) {
        const struct dt_cert *c = pool->v[dt_dmap_value(map, it)].cert;
        if (!seen || memcmp(c->sha256, seen->sha256, 32))
            see(a, c, before);
    }
}

static void fate_of(const struct acc *a, struct dt_prune_fate *f)
{
    f->state = a->st == LIVE ? DT_PRUNE_LIVE : a->st == EXPIRED ? DT_PRUNE_EXPIRED
                                                                : DT_PRUNE_UNKNOWN;
    f->latest = a->latest;
    f->certs = a->certs;
}

enum dt_err dt_prune_issuer_serial(const struct dt_pool *pool, struct dt_slice issuer,
                                   struct dt_slice serial, int64_t before, struct dt_prune_fate *f)
{
    struct acc a = {NONE, 0, 0};
    uint8_t key[32];
    memset(f, 0, sizeof(*f));
    enum dt_err rc = dt_idkey_issuer_serial(issuer, serial, key);
    if (rc != DT_OK)
        return rc;
    see_key(&a, pool, &pool->by_issuer_serial, key, NULL, before);
    fate_of(&a, f);
    return DT_OK;
}

enum dt_err dt_prune_subject_key(const struct dt_pool *pool, struct dt_slice subject,
                                 const uint8_t spki_sha256[32], int64_t before,
                                 struct dt_prune_fate *f)
{
    struct acc a = {NONE, 0, 0};
    uint8_t key[32];
    memset(f, 0, sizeof(*f));
    enum dt_err rc = dt_idkey_spki(subject, spki_sha256, key);
    if (rc != DT_OK)
        return rc;
    see_key(&a, pool, &pool->by_spki, key, NULL, before);
    fate_of(&a, f);
    return DT_OK;
}

struct rule_acc {
    const struct dt_rule *rule;
    struct acc a;
    size_t unknown_items; /* items with no certificate at all */
    size_t items;
};

static int cmp_rule(const void *x, const void *y)
{
    const struct rule_acc *a = x, *b = y;
    return (a->rule->ordinal > b->rule->ordinal) - (a->rule->ordinal < b->rule->ordinal);
}

static struct rule_acc *slot(struct rule_acc *v, size_t *n, const struct dt_rule *r)
{
    for (size_t i = *n; i > 0; i--) /* items of a rule are mostly adjacent */
        if (v[i - 1].rule == r)
            return &v[i - 1];
    v[*n].rule = r;
    return &v[(*n)++];
}

enum dt_err dt_prune_report(const struct dt_model *m, const struct dt_pool *pool, int64_t before,
                            dt_line_fn fn, void *ctx, struct dt_prune_stats *st)
{
    memset(st, 0, sizeof(*st));
    size_t cap = m->n_items + m->n_skeys + m->n_afters;
    struct rule_acc *v = dt_mem_calloc(cap ? cap : 1, sizeof(*v));
    if (!v)
        return DT_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        struct rule_acc *r = slot(v, &n, it->rule);
        struct acc one = {NONE, 0, 0};
        see(&one, it->cert, before);
        uint8_t key[32];
        enum dt_err krc = dt_idkey_issuer_serial(it->issuer, it->serial, key);
        if (krc != DT_OK) {
            free(v);
            return krc;
        }
        if (pool)
            see_key(&one, pool, &pool->by_issuer_serial, key, it->cert, before);
        r->items++;
        if (!one.certs) {
            r->unknown_items++;
            continue;
        }
        if (one.st == LIVE)
            r->a.st = LIVE;
        else if (r->a.st == NONE)
            r->a.st = EXPIRED;
        if (one.latest > r->a.latest || !r->a.certs)
            r->a.latest = one.latest;
        r->a.certs += one.certs;
    }
    for (size_t i = 0; i < m->n_skeys; i++) {
        const struct dt_subjkey *k = &m->skeys[i];
        struct rule_acc *r = slot(v, &n, k->rule);
        /* The pool's certificates of this subject (as a name) and SPKI, as
         * the resolver finds them (the pool indexes them so; the exact
         * bytes are no key of its). A pair of the rule that names the same
         * certificates as an earlier one (its subject encoded differently)
         * counts as a distrust, its certificates once. */
        uint8_t key[32], other[32];
        enum dt_err krc = dt_idkey_spki(k->subject, k->spki_sha256, key);
        bool again = false;
        for (size_t j = 0; j < i && !again && krc == DT_OK; j++) {
            if (m->skeys[j].rule != k->rule)
                continue;
            krc = dt_idkey_spki(m->skeys[j].subject, m->skeys[j].spki_sha256, other);
            again = krc == DT_OK && !memcmp(key, other, 32);
        }
        if (krc != DT_OK) {
            free(v);
            return krc;
        }
        struct acc one = {NONE, 0, 0};
        if (pool)
            see_key(&one, pool, &pool->by_spki, key, NULL, before);
        r->items++;
        if (!one.certs) {
            r->unknown_items++;
            continue;
        }
        r->a.st = one.st == LIVE || r->a.st == LIVE ? LIVE : EXPIRED;
        if (one.latest > r->a.latest || !r->a.certs)
            r->a.latest = one.latest;
        if (!again)
            r->a.certs += one.certs;
    }
    for (size_t i = 0; i < m->n_afters; i++) {
        struct rule_acc *r = slot(v, &n, m->afters[i].rule);
        r->items++;
        see(&r->a, m->afters[i].cert, before);
    }
    qsort(v, n, sizeof(*v), cmp_rule);
    char day[32];
    dt_time_format_rfc3339(before, day);
    for (size_t i = 0; i < n; i++) {
        const struct rule_acc *r = &v[i];
        const char *label = r->rule->label ? r->rule->label : "";
        char line[1024], latest[32];
        dt_time_format_rfc3339(r->a.latest, latest);
        if (r->a.st == LIVE) {
            st->live++;
            continue;
        }
        if (r->a.st == EXPIRED && !r->unknown_items) {
            st->expired++;
            char count[64];
            if (r->a.certs == 1)
                snprintf(count, sizeof(count), "its certificate");
            else
                snprintf(count, sizeof(count), "all %zu of its certificates", r->a.certs);
            snprintf(line, sizeof(line),
                     "expired: %s %s%s%s%s: %s expired before %s (the latest notAfter is %s)",
                     r->rule->file->name, r->rule->json_path, *label ? " \"" : "", label,
                     *label ? "\"" : "", count, day, latest);
        } else {
            st->unknown++;
            if (r->a.certs)
                snprintf(line, sizeof(line),
                         "unknown: %s %s%s%s%s: %zu of %zu distrusts have no known certificate "
                         "(the %zu known expired before %s); give --pool to decide",
                         r->rule->file->name, r->rule->json_path, *label ? " \"" : "", label,
                         *label ? "\"" : "", r->unknown_items, r->items, r->a.certs, day);
            else
                snprintf(line, sizeof(line),
                         "unknown: %s %s%s%s%s: no certificate is known for %s; give --pool to "
                         "decide",
                         r->rule->file->name, r->rule->json_path, *label ? " \"" : "", label,
                         *label ? "\"" : "",
                         r->items == 1 ? "its issuer and serial" : "any of its distrusts");
        }
        fn(line, ctx);
    }
    free(v);
    return DT_OK;
}
