/*
 * impact.c - `distrust impact`: what a build does to a corpus of
 * certificates. Every chain of every corpus certificate through the pool up
 * to a trust anchor is built (signatures checked); a chain is cut when the
 * build distrusts one of its certificates for the purpose (issuer + serial,
 * as NSS matches) or its anchor has a distrust-after date before the
 * certificate's notBefore. A certificate is "distrusted" when every chain is
 * cut, keeps "another path" when only some are, is "unaffected" when none
 * is, and has "no path" when the pool holds no chain for it before the
 * change (chains through certificates a root store of the pool already
 * distrusts are not chains before the change).
 */
#include "impact.h"

#include "builddir.h"
#include "common.h"
#include "dmap.h"
#include "nssname.h"
#include "paths.h"
#include "pool.h"
#include "time.h"
#include "version.h"

#include <jansson.h>
#include <pkcs11.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAINS 256

/* The policy's names for the purposes (doc/policy.md), in output too. */
static const char *const purpose_names[] = {"server-auth", "email-protection", "code-signing"};

/* Distrust objects of the build, grouped by the policy entry they came from. */
struct group {
    char key[160]; /* "policy.json /entries/3" (or the label when there is no source) */
    const char *label;
    bool label_named; /* the label of the certificate the entry names, not of one
                       * found in the pool */
    size_t objects;
    size_t distrusted, other_path;
    uint32_t stamp; /* last corpus certificate that hit it */
};

struct cert_result {
    size_t chains, cut, before;
};

struct impact {
    const struct dt_impact_opts *o;
    struct dt_diags d;
    struct dt_build_data b;
    struct dt_pool pool, corpus, roots;
    struct group *groups;
    size_t n_groups, cap_groups;
    struct dt_dmap distrusts; /* issuer+serial key -> group */
    uint32_t *after_group;    /* per build distrust-after root: its group */
    uint32_t *starts;         /* per corpus certificate: its entry in the pool */
    /* the certificate being looked at */
    uint32_t stamp;
    uint32_t *hits;
    size_t n_hits, cap_hits;
    struct cert_result cur;
    struct dt_impact_summary *sum;
    json_t *jcerts;
    enum dt_err err;
};

static void out_line(struct impact *I, const char *fmt, ...) DT_PRINTF(2, 3);
static void out_line(struct impact *I, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    I->o->report(buf, I->o->report_ctx);
}

static enum dt_err group_for(struct impact *I, const char *source, const char *label, uint32_t *out)
{
    /* The entry: "<policy file> /entries/<n>", the start of the source
     * (which goes on with where the pool found a certificate). */
    char key[160];
    const char *at = strstr(source, " /entries/");
    if (at) {
        size_t n = (size_t)(at - source) + 10;
        while (source[n] >= '0' && source[n] <= '9')
            n++;
        snprintf(key, sizeof(key), "%.*s", (int)n, source);
    } else if (*source) {
        snprintf(key, sizeof(key), "%s", source);
    } else {
        snprintf(key, sizeof(key), "\"%s\"", label);
    }
    bool named = !strstr(source, " in the pool: ");
    for (size_t i = 0; i < I->n_groups; i++) {
        struct group *g = &I->groups[i];
        if (!strcmp(g->key, key)) {
            if (named && !g->label_named) {
                g->label = label;
                g->label_named = true;
            }
            *out = (uint32_t)i;
            return DT_OK;
        }
    }
    enum dt_err rc =
        dt_mem_grow((void **)&I->groups, &I->cap_groups, I->n_groups + 1, sizeof(*I->groups));
    if (rc != DT_OK)
        return rc;
    struct group *g = &I->groups[I->n_groups];
    memset(g, 0, sizeof(*g));
    memcpy(g->key, key, sizeof(key));
    g->label = label;
    g->label_named = named;
    *out = (uint32_t)I->n_groups++;
    return DT_OK;
}

/* The distrusts of the build for the purpose, and its distrust-after roots. */
static enum dt_err index_build(struct impact *I)
{
    enum dt_err rc = DT_OK;
    int slot = I->o->purpose;
    for (size_t i = 0; i < I->b.n_entries; i++) {
        const struct dt_bentry *e = &I->b.entries[i];
        if (e->trust[slot] != CKT_NSS_NOT_TRUSTED || !e->issuer.n || !e->serial.n)
            continue;
        uint32_t g;
        DT_TRY(group_for(I, e->source, e->label, &g));
        I->groups[g].objects++;
        uint8_t k[32];
        DT_TRY(dt_idkey_issuer_serial(e->issuer, e->serial, k));
        DT_TRY(dt_dmap_add(&I->distrusts, k, g));
    }
    if (I->b.n_afters) {
        I->after_group = calloc(I->b.n_afters, sizeof(*I->after_group));
        DT_ENSURE_MEM(I->after_group);
    }
    for (size_t i = 0; i < I->b.n_afters; i++) {
        const struct dt_bafter *a = &I->b.afters[i];
        bool has = slot == 0 ? a->has_server : slot == 1 ? a->has_email : false;
        I->after_group[i] = UINT32_MAX;
        if (!has)
            continue;
        DT_TRY(group_for(I, a->source, a->label, &I->after_group[i]));
        I->groups[I->after_group[i]].objects++;
    }
out:
    return rc;
}

static void hit(struct impact *I, uint32_t g)
{
    if (I->groups[g].stamp == I->stamp)
        return;
    I->groups[g].stamp = I->stamp;
    if (dt_mem_grow((void **)&I->hits, &I->cap_hits, I->n_hits + 1, sizeof(*I->hits)) != DT_OK) {
        I->err = DT_ERR_NOMEM;
        return;
    }
    I->hits[I->n_hits++] = g;
}

static void on_chain(const struct dt_chain *c, void *ctx)
{
    struct impact *I = ctx;
    unsigned bit = 1u << I->o->purpose;
    for (size_t i = 0; i < c->n; i++) {
        if (c->certs[i]->distrusted_before & bit) {
            I->cur.before++;
            return;
        }
    }
    bool cut = false;
    for (size_t i = 0; i < c->n; i++) {
        const struct dt_cert *x = c->certs[i]->cert;
        uint8_t k[32];
        enum dt_err krc = dt_idkey_issuer_serial(x->info.issuer, x->info.serial, k);
        if (krc != DT_OK) {
            I->err = krc;
            return;
        }
        for (uint32_t it = dt_dmap_first(&I->distrusts, k); it != DT_DMAP_END;
             it = dt_dmap_next(&I->distrusts, it, k)) {
            cut = true;
            hit(I, dt_dmap_value(&I->distrusts, it));
        }
    }
    const struct dt_cert *anchor = c->certs[c->n - 1]->cert;
    for (size_t i = 0; i < I->b.n_afters; i++) {
        const struct dt_bafter *a = &I->b.afters[i];
        if (I->after_group[i] == UINT32_MAX || memcmp(a->cert->sha256, anchor->sha256, 32))
            continue;
        int64_t date = I->o->purpose == 0 ? a->server : a->email;
        if (c->certs[0]->cert->not_before > date) {
            cut = true;
            hit(I, I->after_group[i]);
        }
    }
    I->cur.chains++;
    if (cut)
        I->cur.cut++;
}

static const char *const class_names[] = {"distrusted", "other_path", "unaffected", "no_path"};
enum { C_DISTRUSTED, C_OTHER, C_UNAFFECTED, C_NO_PATH };

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static enum dt_err record_cert(struct impact *I, const struct dt_pool_entry *ce, int cls,
                               bool truncated)
{
    enum dt_err rc = DT_OK;
    if (I->n_hits > 1) /* entries in policy order */
        qsort(I->hits, I->n_hits, sizeof(*I->hits), cmp_u32);
    char *name = dt_nssname_display(ce->cert->info.subject);
    if (I->o->list && !I->o->json) {
        char by[600] = "";
        for (size_t i = 0; i < I->n_hits; i++)
            snprintf(by + strlen(by), sizeof(by) - strlen(by), "%s%s", i ? ", " : "; by ",
                     I->groups[I->hits[i]].key);
        out_line(I, "%-11s %s#%u \"%s\": %zu of %zu chain%s cut%s%s",
                 cls == C_OTHER     ? "other path"
                 : cls == C_NO_PATH ? "no path"
                                    : class_names[cls],
                 ce->name, ce->cert->index, name ? name : "?", I->cur.cut, I->cur.chains,
                 I->cur.chains == 1 ? "" : "s", by, truncated ? " (chains capped)" : "");
    }
    if (I->jcerts) {
        char sha[65];
        for (int i = 0; i < 32; i++)
            snprintf(sha + 2 * i, 3, "%02x", ce->cert->sha256[i]);
        json_t *hits = json_array();
        DT_ENSURE_MEM(hits);
        for (size_t i = 0; i < I->n_hits; i++)
            json_array_append_new(hits, json_string(I->groups[I->hits[i]].key));
        json_t *o =
            json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:b, s:o}", "file", ce->name, "index",
                      (json_int_t)ce->cert->index, "subject", name ? name : "?", "sha256", sha,
                      "class", class_names[cls], "chains", (json_int_t)I->cur.chains, "cut",
                      (json_int_t)I->cur.cut, "chains_capped", truncated, "entries", hits);
        DT_ENSURE_MEM(o && json_array_append_new(I->jcerts, o) == 0);
    }
out:
    free(name);
    return rc;
}

static enum dt_err classify(struct impact *I, struct dt_pool_entry *ce, struct dt_pool_entry *start)
{
    enum dt_err rc = DT_OK;
    I->stamp++;
    I->n_hits = 0;
    memset(&I->cur, 0, sizeof(I->cur));
    bool exhausted = false;
    size_t found = 0;
    enum dt_err wrc = dt_paths_chains(&I->pool, start, 1u << I->o->purpose, I->o->at, MAX_CHAINS,
                                      on_chain, I, &exhausted, &found);
    if (!start->cert->info.is_ca)
        dt_pool_release(start); /* a leaf is asked once: no need to keep it parsed */
    DT_TRY(wrc);
    DT_TRY(I->err);
    bool truncated = found >= MAX_CHAINS || exhausted;
    int cls;
    if (I->cur.chains == 0)
        cls = C_NO_PATH;
    else if (I->cur.cut == I->cur.chains)
        cls = C_DISTRUSTED;
    else if (I->cur.cut)
        cls = C_OTHER;
    else
        cls = C_UNAFFECTED;
    struct dt_impact_summary *s = I->sum;
    size_t *counts[] = {&s->distrusted, &s->other_path, &s->unaffected, &s->no_path};
    (*counts[cls])++;
    if (truncated)
        s->capped++;
    for (size_t i = 0; i < I->n_hits; i++) {
        struct group *g = &I->groups[I->hits[i]];
        if (cls == C_DISTRUSTED)
            g->distrusted++;
        else if (cls == C_OTHER)
            g->other_path++;
    }
    DT_TRY(record_cert(I, ce, cls, truncated));
out:
    return rc;
}

static enum dt_err load_all(struct impact *I, const char *const *paths, size_t n,
                            struct dt_pool *into)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < n; i++) {
        enum dt_err prc =
            dt_pool_add(into, paths[i], NULL, &I->d, I->o->progress, I->o->progress_ctx);
        if (prc == DT_ERR_NOMEM || prc == DT_ERR_INTERNAL)
            return prc; /* memory, a digest: not the file's fault */
        if (prc != DT_OK)
            rc = DT_ERR_INPUT;
    }
    return rc;
}

/* With root stores, their certificates (certdata.txt: those trusted for a
 * purpose, for that purpose) are the only anchors. Without, the
 * certificates a certdata.txt in the pool trusts, self-signed CA
 * certificates no certdata.txt speaks of, and the build's distrust-after
 * roots are. */
static enum dt_err set_anchors(struct impact *I)
{
    enum dt_err rc = DT_OK;
    if (I->o->n_roots)
        DT_TRY(dt_pool_set_roots(&I->pool, &I->roots));
    for (size_t i = 0; i < I->b.certs.n; i++) {
        const struct dt_cert *c = I->b.certs.v[i];
        struct dt_pool_entry *e;
        DT_TRY(
            dt_pool_add_der(&I->pool, c->der, c->der_len, I->b.path, "certdata-distrust.txt", &e));
        for (size_t j = 0; j < I->b.n_afters && !I->pool.explicit_anchors; j++)
            if (I->b.afters[j].cert == c)
                e->trusted_for |= DT_PURPOSE_ALL;
    }
out:
    return rc;
}

/* Corpus certificates with a path that an entry cuts no chain of. */
static size_t untouched(const struct impact *I, const struct group *g)
{
    const struct dt_impact_summary *s = I->sum;
    return s->corpus - s->no_path - g->distrusted - g->other_path;
}

static void print_table(struct impact *I)
{
    const struct dt_impact_summary *s = I->sum;
    out_line(I, "%10s %10s %10s  %s", "DISTRUSTED", "OTHER PATH", "UNAFFECTED", "ENTRY");
    for (size_t i = 0; i < I->n_groups; i++) {
        const struct group *g = &I->groups[i];
        out_line(I, "%10zu %10zu %10zu  %s \"%s\" (%zu distrust%s)", g->distrusted, g->other_path,
                 untouched(I, g), g->key, g->label, g->objects, g->objects == 1 ? "" : "s");
    }
    out_line(I, "%10zu %10zu %10zu  total", s->distrusted, s->other_path, s->unaffected);
    out_line(I,
             "%zu corpus certificate%s: %zu distrusted on every path, %zu distrusted on some "
             "paths but valid through another, %zu unaffected, %zu with no path to a trust "
             "anchor in the pool",
             s->corpus, s->corpus == 1 ? "" : "s", s->distrusted, s->other_path, s->unaffected,
             s->no_path);
}

static enum dt_err print_json(struct impact *I)
{
    enum dt_err rc = DT_OK;
    const struct dt_impact_summary *s = I->sum;
    char when[32] = "";
    if (I->o->at > 0)
        dt_time_format_rfc3339(I->o->at, when);
    json_t *groups = json_array();
    DT_ENSURE_MEM(groups);
    for (size_t i = 0; i < I->n_groups; i++) {
        const struct group *g = &I->groups[i];
        json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "entry", g->key, "label", g->label,
                              "distrusts", (json_int_t)g->objects, "distrusted",
                              (json_int_t)g->distrusted, "other_path", (json_int_t)g->other_path,
                              "unaffected", (json_int_t)untouched(I, g));
        if (!o || json_array_append_new(groups, o) != 0) {
            json_decref(groups);
            rc = DT_ERR_NOMEM;
            goto out;
        }
    }
    json_t *doc =
        json_pack("{s:s, s:s, s:o, s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I, s:I}, s:o}", "tool",
                  "distrust " DT_VERSION, "purpose", purpose_names[I->o->purpose], "time",
                  I->o->at > 0 ? json_string(when) : json_null(), "inputs", "pool_certificates",
                  (json_int_t)s->pool_certs, "trust_anchors", (json_int_t)s->anchors, "distrusts",
                  (json_int_t)s->distrusts, "totals", "corpus", (json_int_t)s->corpus, "distrusted",
                  (json_int_t)s->distrusted, "other_path", (json_int_t)s->other_path, "unaffected",
                  (json_int_t)s->unaffected, "no_path", (json_int_t)s->no_path, "entries", groups);
    if (doc && I->jcerts && json_object_set(doc, "certificates", I->jcerts) != 0) {
        json_decref(doc);
        doc = NULL;
    }
    DT_ENSURE_MEM(doc);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    DT_ENSURE_MEM(text);
    I->o->report(text, I->o->report_ctx);
    free(text);
out:
    return rc;
}

enum dt_err dt_impact_run(const struct dt_impact_opts *opts, struct dt_impact_summary *summary)
{
    enum dt_err rc = DT_OK;
    struct dt_impact_summary local;
    struct impact I;
    memset(&I, 0, sizeof(I));
    I.sum = summary ? summary : &local;
    memset(I.sum, 0, sizeof(*I.sum));
    dt_pool_init(&I.pool);
    dt_pool_init(&I.corpus);
    dt_pool_init(&I.roots);
    dt_dmap_init(&I.distrusts);
    dt_err_trace_clear();
    if (!opts || !opts->diag || !opts->report || !opts->build_dir || opts->purpose < 0 ||
        opts->purpose > 2) {
        rc = DT_ERR_USAGE;
        goto out;
    }
    I.o = opts;
    dt_diag_init(&I.d, opts->diag, opts->diag_ctx);

    I.corpus.kind = "corpus";
    I.roots.kind = "root store";
    enum dt_err brc = dt_builddir_load(opts->build_dir, &I.b, &I.d);
    /* The build's own directory is never part of the pool or the corpus:
     * its distrusts would count as in place before the change. */
    DT_TRY(dt_pool_exclude(&I.pool, opts->build_dir));
    DT_TRY(dt_pool_exclude(&I.corpus, opts->build_dir));
    DT_TRY(dt_pool_exclude(&I.roots, opts->build_dir));
    enum dt_err prc = load_all(&I, opts->pools, opts->n_pools, &I.pool);
    enum dt_err rrc = load_all(&I, opts->roots, opts->n_roots, &I.roots);
    enum dt_err crc = load_all(&I, opts->corpus, opts->n_corpus, &I.corpus);
    if (brc != DT_OK || prc != DT_OK || rrc != DT_OK || crc != DT_OK) {
        rc =
            brc == DT_ERR_NOMEM || prc == DT_ERR_NOMEM || rrc == DT_ERR_NOMEM || crc == DT_ERR_NOMEM
                ? DT_ERR_NOMEM
                : DT_ERR_INPUT;
        goto out;
    }
    dt_pool_note(&I.pool, &I.d);
    dt_pool_note(&I.corpus, &I.d);
    if (I.d.errors) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    if (opts->n_roots && !I.roots.n) {
        rc = dt_diag_fail(&I.d, NULL, DT_ERR_INPUT, "the root stores hold no certificate");
        goto out;
    }
    if (!I.corpus.n) {
        rc = dt_diag_fail(&I.d, NULL, DT_ERR_INPUT, "the corpus holds no certificate");
        goto out;
    }
    DT_TRY(set_anchors(&I));
    /* The corpus joins the pool before any chain is built, so that a CA
     * certificate of the corpus is an issuer for every other one, whatever
     * the order. */
    size_t pool_only = I.pool.n; /* the pool without the corpus, for the report */
    I.starts = calloc(I.corpus.n, sizeof(*I.starts));
    DT_ENSURE_MEM(I.starts);
    for (size_t i = 0; i < I.corpus.n; i++) {
        const struct dt_pool_entry *ce = &I.corpus.v[i];
        struct dt_pool_entry *e;
        size_t before = I.pool.n;
        DT_TRY(dt_pool_add_der(&I.pool, ce->cert->der, ce->cert->der_len, ce->file, ce->name, &e));
        if (I.pool.n > before)
            e->no_anchor = true; /* an issuer, never an anchor */
        I.starts[i] = (uint32_t)(e - I.pool.v);
    }
    DT_TRY(index_build(&I));
    I.sum->pool_certs = pool_only;
    for (size_t i = 0; i < I.pool.n; i++) {
        bool anchor;
        DT_TRY(dt_pool_is_anchor(&I.pool, &I.pool.v[i], 1u << opts->purpose, &anchor));
        I.sum->anchors += anchor;
    }
    for (size_t i = 0; i < I.n_groups; i++)
        I.sum->distrusts += I.groups[i].objects;
    I.sum->entries = I.n_groups;
    I.sum->corpus = I.corpus.n;
    if (!I.sum->anchors)
        dt_diag_warn(&I.d, NULL,
                "the pool holds no trust anchor: every corpus certificate has no "
                "path (give a root store with --roots, or put roots in the pool)");
    if (!I.sum->distrusts)
        dt_diag_warn(&I.d, NULL, "the build distrusts nothing for the %s purpose",
                purpose_names[opts->purpose]);
    if (opts->strict && I.d.warnings) {
        rc = DT_ERR_STRICT;
        goto out;
    }

    if (opts->json && opts->list) {
        I.jcerts = json_array();
        DT_ENSURE_MEM(I.jcerts);
    }
    if (!opts->json) {
        char when[40] = "validity not checked";
        if (opts->at > 0) {
            memcpy(when, "time ", 5);
            dt_time_format_rfc3339(opts->at, when + 5);
        }
        out_line(&I,
                 "impact of %s (%zu distrust%s, %zu entr%s) on %zu corpus certificate%s; pool "
                 "of %zu certificate%s with %zu trust anchor%s; purpose %s; %s",
                 opts->build_dir, I.sum->distrusts, I.sum->distrusts == 1 ? "" : "s", I.n_groups,
                 I.n_groups == 1 ? "y" : "ies", I.corpus.n, I.corpus.n == 1 ? "" : "s",
                 I.sum->pool_certs, I.sum->pool_certs == 1 ? "" : "s", I.sum->anchors,
                 I.sum->anchors == 1 ? "" : "s", purpose_names[opts->purpose], when);
    }
    for (size_t i = 0; i < I.corpus.n; i++) {
        DT_TRY(classify(&I, &I.corpus.v[i], &I.pool.v[I.starts[i]]));
        if (opts->progress && (i & 1023) == 1023)
            opts->progress("building chains", i + 1, I.corpus.n, opts->progress_ctx);
    }
    if (opts->progress)
        opts->progress("building chains", I.corpus.n, I.corpus.n, opts->progress_ctx);
    if (I.sum->capped)
        dt_diag_note(&I.d, NULL,
                "%zu corpus certificate%s more than %d chains through the pool; only the "
                "first %d were looked at",
                I.sum->capped, I.sum->capped == 1 ? " has" : "s have", MAX_CHAINS, MAX_CHAINS);
    if (opts->json)
        DT_TRY(print_json(&I));
    else
        print_table(&I);
out:
    I.sum->errors = I.d.errors;
    I.sum->warnings = I.d.warnings;
    json_decref(I.jcerts);
    free(I.groups);
    free(I.hits);
    free(I.after_group);
    free(I.starts);
    dt_dmap_free(&I.distrusts);
    dt_pool_free(&I.pool);
    dt_pool_free(&I.corpus);
    dt_pool_free(&I.roots);
    dt_builddir_free(&I.b);
    return rc;
}
