/*
 * build.c - the pipeline: load, resolve, emit, write OUT atomically.
 */
#include "build.h"

#include "caps.h"
#include "cert.h"
#include "certdata.h"
#include "manifest.h"
#include "certdata_merge.h"
#include "prune.h"
#include "p11kit.h"
#include "testscript.h"
#include "file.h"
#include "blob_write.h"
#include "onecrl.h"
#include "nssname.h"
#include "outdir.h"
#include "paths.h"
#include "policy.h"
#include "pool.h"
#include "model.h"
#include "item.h"
#include "ecdsa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUT_MAX ((size_t)2 << 30)

struct digest_line {
    char text[64 + 2 + 1024 + 2];
};

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(((const struct digest_line *)a)->text, ((const struct digest_line *)b)->text);
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* SHA-256 over the sorted lines "<sha256>  <name>\n" of every input: the
 * policy files (by stable name), the files they name (as written) and the
 * pool's files ("pool:" and their name under the pool). It depends on
 * contents and names only, not on order, paths or the clock. */
static enum dt_err policy_digest(const struct dt_policy *p, const struct dt_model *m,
                                 const struct dt_pool *pool, const struct dt_pool *roots,
                                 char out[65])
{
    enum dt_err rc = DT_OK;
    size_t n = p->n_files + m->n_inputs + pool->n_files + roots->n_files;
    struct digest_line *lines = dt_mem_calloc(n, sizeof(*lines));
    struct dt_buf all;
    dt_buf_init(&all, 0);
    DT_ENSURE_MEM(lines);
    for (size_t i = 0; i < p->n_files; i++) {
        char h[65];
        hex(p->files[i].sha256, 32, h);
        snprintf(lines[i].text, sizeof(lines[i].text), "%s  %s\n", h, p->files[i].name);
    }
    for (size_t i = 0; i < m->n_inputs; i++) {
        char h[65];
        hex(m->inputs[i].sha256, 32, h);
        snprintf(lines[p->n_files + i].text, sizeof(lines[0].text), "%s  %s\n", h,
                 m->inputs[i].name);
    }
    for (size_t i = 0; i < pool->n_files; i++) {
        char h[65];
        hex(pool->files[i].sha256, 32, h);
        snprintf(lines[p->n_files + m->n_inputs + i].text, sizeof(lines[0].text), "%s  pool:%s\n",
                 h, pool->files[i].name);
    }
    for (size_t i = 0; i < roots->n_files; i++) {
        char h[65];
        hex(roots->files[i].sha256, 32, h);
        snprintf(lines[p->n_files + m->n_inputs + pool->n_files + i].text, sizeof(lines[0].text),
                 "%s  roots:%s\n", h, roots->files[i].name);
    }
    qsort(lines, n, sizeof(*lines), cmp_lines);
    for (size_t i = 0; i < n; i++)
        DT_TRY(dt_buf_puts(&all, lines[i].text));
    uint8_t d[32];
    dt_digest_sha256(dt_slice_make(all.data, all.len), d);
    hex(d, 32, out);
out:
    free(lines);
    dt_buf_free(&all);
    return rc;
}

/* Reads the pools named on the command line and in the policy files; a
 * directory named twice is read once. */
static enum dt_err load_pools(const struct dt_build_opts *opts, const struct dt_policy *p,
                              struct dt_pool *pool, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    char **seen = NULL;
    size_t n_seen = 0, cap = 0;
    size_t total = opts->n_pools;
    /* A pool that holds the output directory must not read the previous
     * build back in. */
    if (opts->out_dir)
        DT_TRY(dt_pool_exclude(pool, opts->out_dir));
    for (size_t i = 0; i < p->n_files; i++)
        total += p->files[i].n_pools;
    for (size_t k = 0; k < total; k++) {
        const char *path, *name = NULL;
        struct stat st;
        if (k < opts->n_pools) {
            path = opts->pools[k];
            /* A pool is a directory or a regular file: anything else (a
             * FIFO, a device) is refused at the option, before any open. */
            if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
                struct dt_place opt = {"--pool", 0, 0, NULL, NULL};
                dt_diag_report(d, DT_ERROR, &opt,
                          "cannot read pool %s: it is %s, not a directory "
                          "or a regular file",
                          path, dt_file_kind(st.st_mode));
                rc = DT_ERR_INPUT;
                continue;
            }
        } else {
            size_t j = k - opts->n_pools, f = 0;
            while (j >= p->files[f].n_pools)
                j -= p->files[f++].n_pools;
            path = p->files[f].pools[j];
            name = p->files[f].pool_names[j];
            /* Named by a policy: errors go to its place there. */
            struct dt_where w;
            if (stat(path, &st) != 0) {
                int e = errno;
                dt_policy_where(&p->files[f], &w, false, "/pool/%zu", j);
                dt_diag_report(d, DT_ERROR, &w.pl, "cannot open pool %s: %s", name, strerror(e));
                rc = DT_ERR_INPUT;
                continue;
            }
            if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
                dt_policy_where(&p->files[f], &w, false, "/pool/%zu", j);
                dt_diag_report(d, DT_ERROR, &w.pl,
                          "cannot read pool %s: it is %s, not a directory or a regular file", name,
                          dt_file_kind(st.st_mode));
                rc = DT_ERR_INPUT;
                continue;
            }
        }
        char *real = realpath(path, NULL);
        bool dup = false;
        for (size_t i = 0; real && i < n_seen; i++)
            dup |= !strcmp(seen[i], real);
        if (dup) {
            free(real);
            continue;
        }
        if (real) {
            if (dt_mem_grow((void **)&seen, &cap, n_seen + 1, sizeof(*seen)) != DT_OK) {
                free(real);
                rc = DT_ERR_NOMEM;
                goto out;
            }
            seen[n_seen++] = real;
        }
        enum dt_err prc = dt_pool_add(pool, path, name, d, opts->progress, opts->progress_ctx);
        if (prc == DT_ERR_NOMEM || prc == DT_ERR_LIMIT) {
            rc = prc == DT_ERR_LIMIT ? DT_ERR_INPUT : prc;
            goto out;
        }
        if (prc != DT_OK)
            rc = DT_ERR_INPUT;
    }
    dt_pool_note(pool, d);
out:
    for (size_t i = 0; i < n_seen; i++)
        free(seen[i]);
    free(seen);
    return rc;
}

/* Reads the root stores (--roots, then the --certdata upstream file): their
 * certificates join the pool as its only trust anchors, so that expansion
 * knows which certificates a root store trusts. Without a pool and without
 * --roots, the upstream file alone makes no pool (a merge without a pool
 * looks for no cross-certificates), but its trust objects are still read
 * (store_trust()). */
static enum dt_err load_roots(const struct dt_build_opts *opts, struct dt_pool *roots,
                              struct dt_pool *upstream_roots, struct dt_pool *pool,
                              struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    if (opts->out_dir) {
        DT_TRY(dt_pool_exclude(roots, opts->out_dir));
        DT_TRY(dt_pool_exclude(upstream_roots, opts->out_dir));
    }
    for (size_t i = 0; i < opts->n_roots; i++) {
        enum dt_err r = dt_pool_add(roots, opts->roots[i], NULL, d, NULL, NULL);
        if (r == DT_ERR_NOMEM || r == DT_ERR_LIMIT) {
            rc = r == DT_ERR_LIMIT ? DT_ERR_INPUT : r;
            goto out;
        }
        if (r != DT_OK)
            rc = DT_ERR_INPUT;
    }
    if (rc != DT_OK)
        goto out;
    if (opts->n_roots && !roots->n) {
        rc = dt_diag_fail(d, NULL, DT_ERR_INPUT, "the root stores (--roots) hold no certificate");
        goto out;
    }
    DT_TRY(dt_pool_trust_file_anchors(roots));
    bool have_pool = pool->n || pool->n_files || opts->n_roots;
    if (opts->certdata_upstream) {
        enum dt_err r = dt_pool_add(upstream_roots, opts->certdata_upstream, NULL, d, NULL, NULL);
        if (r != DT_OK) {
            rc = r == DT_ERR_LIMIT ? DT_ERR_INPUT : r;
            goto out;
        }
    }
    if (roots->n)
        DT_TRY(dt_pool_set_roots(pool, roots));
    if (upstream_roots->n && have_pool)
        DT_TRY(dt_pool_set_roots(pool, upstream_roots));
out:
    return rc;
}

/* The trust object the build's root stores have for an issuer and serial:
 * the --certdata upstream file first (the store the outputs go with), then
 * --roots, then a certdata.txt in the pool. */
static const struct dt_pool_trust *store_trust(const struct dt_pool *const *stores, size_t n,
                                               struct dt_slice issuer, struct dt_slice serial,
                                               const struct dt_cert **cert)
{
    *cert = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct dt_pool_trust *t = dt_pool_trust_of(stores[i], issuer, serial);
        if (!t)
            continue;
        uint8_t k[32];
        dt_idkey_issuer_serial(issuer, serial, k);
        uint32_t at = dt_dmap_first(&stores[i]->by_issuer_serial, k);
        if (at != DT_DMAP_END)
            *cert = stores[i]->v[dt_dmap_value(&stores[i]->by_issuer_serial, at)].cert;
        return t;
    }
    return NULL;
}

/* A distrust limited to some purposes must not change another purpose's
 * verdict: when a root store of the build has a trust object for the
 * certificate, the item keeps it (the writers copy its other purposes'
 * values and write the hashes); when the build knows no root store and the
 * certificate may be a root, it cannot know what the store says, and warns
 * (an error with --strict). */
static void attach_store_trust(struct dt_model *m, const struct dt_pool *const *stores,
                               size_t n_stores, bool have_store, struct dt_diags *d)
{
    const struct dt_rule *warned = NULL;
    for (size_t i = 0; i < m->n_items; i++) {
        struct dt_item *it = &m->items[i];
        if (it->purposes == DT_PURPOSE_ALL || !(it->targets & (DT_TARGET_NSS | DT_TARGET_P11KIT)))
            continue;
        const struct dt_cert *store_cert;
        const struct dt_pool_trust *t =
            store_trust(stores, n_stores, it->issuer, it->serial, &store_cert);
        struct dt_where w;
        dt_policy_where(it->rule->file, &w, false, "%s/purposes", it->rule->json_path);
        bool others = false; /* the store sets a purpose the entry leaves alone */
        for (unsigned k = 0; t && k < 3; k++)
            others |= !(it->purposes & (1u << k)) && t->value[k];
        if (t && !others)
            continue; /* nothing of the store's to keep */
        if (t) {
            if (!it->cert && store_cert)
                it->cert = (struct dt_cert *)store_cert;
            if (!it->cert && !(t->has_sha1 && t->has_md5)) {
                dt_diag_warn(d, &w.pl,
                        "%s line %u has a trust object for this certificate, but the build has "
                        "neither the certificate nor its hashes: a hash-free object cannot carry "
                        "the store's other purposes, so NSS may drop them; give the certificate "
                        "(\"certificate\", or a pool that holds it)",
                        t->file, t->line);
                continue;
            }
            it->store = t;
            continue;
        }
        if (have_store || (it->cert && !it->cert->info.is_ca) || it->rule == warned)
            continue;
        warned = it->rule;
        dt_diag_warn(d, &w.pl,
                "a distrust limited to some purposes: the build knows no root store, so it "
                "cannot tell whether a store trusts this certificate for the other purposes; "
                "if one does, the object written (which leaves them out) would take that trust "
                "away wherever it outranks the store. Give the store (--certdata UPSTREAM.txt "
                "or --roots STORE) so that the object keeps its other purposes");
    }
}

/* `distrust build --explain`: one line per distrust and why it is there. */
static void explain(const struct dt_build_opts *opts, const struct dt_model *m)
{
    if (!opts->explain)
        return;
    char line[2048];
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        char *label = dt_item_label(it);
        char *issuer = dt_nssname_text(it->issuer);
        char serial[200] = "";
        for (size_t k = 0; k < it->serial.n && 3 * k + 3 < sizeof(serial); k++)
            snprintf(serial + strlen(serial), sizeof(serial) - strlen(serial), "%s%02x",
                     k ? ":" : "", it->serial.p[k]);
        char targets[64] = "";
        for (unsigned b = 1; b <= 8; b <<= 1)
            if (it->targets & b)
                snprintf(targets + strlen(targets), sizeof(targets) - strlen(targets), "%s%s",
                         targets[0] ? "," : "", dt_policy_target_name(b));
        char why[700];
        if (it->expanded) {
            char *via = it->via ? dt_nssname_common_name(it->via->info.subject) : NULL;
            bool anchor = it->from_pool->trusted_for & it->purposes;
            /* " (subject encoded differently)", when it was */
            const char *paren = strchr(dt_item_relation(it), '(');
            snprintf(why, sizeof(why), "%s %s; found in the pool (%s) %s%s%s%s%s",
                     it->rule->file->name, it->rule->json_path, it->from_pool->name,
                     it->name_twin ? "with the entry's issuer name, encoded differently, and "
                                     "serial"
                     : it->via     ? "with the same subject and key as "
                                   : "with the entry's subject and key",
                     it->name_twin ? "" : it->via ? (via ? via : "?") : "",
                     !it->name_twin && paren ? paren - 1 : "",
                     anchor ? "; a trust anchor of " : "",
                     anchor ? (it->from_pool->trusted_by ? it->from_pool->trusted_by : "a root store")
                            : "");
            free(via);
        } else {
            snprintf(why, sizeof(why), "%s %s%s", it->rule->file->name, it->rule->json_path,
                     it->line ? " (serial list)" : "");
        }
        snprintf(line, sizeof(line), "\"%s\": issuer \"%s\", serial %s [%s] <- %s",
                 label ? label : "?", issuer ? issuer : "?", serial, targets, why);
        opts->explain(line, opts->explain_ctx);
        free(label);
        free(issuer);
    }
    for (size_t i = 0; i < m->n_afters; i++) {
        char *n = dt_nssname_common_name(m->afters[i].cert->info.subject);
        snprintf(line, sizeof(line), "\"%s\": distrust-after date(s) on the root <- %s %s",
                 n ? n : "?", m->afters[i].rule->file->name, m->afters[i].rule->json_path);
        opts->explain(line, opts->explain_ctx);
        free(n);
    }
    for (size_t i = 0; i < m->n_skeys; i++) {
        char *n = dt_nssname_text(m->skeys[i].subject);
        snprintf(line, sizeof(line), "subject \"%s\" and key (SHA-256 of the SPKI) <- %s %s",
                 n ? n : "?", m->skeys[i].rule->file->name, m->skeys[i].rule->json_path);
        opts->explain(line, opts->explain_ctx);
        free(n);
    }
}

/* The manifest's record of what the pool added, in a stable order. */
static int cmp_exp(const void *a, const void *b)
{
    const struct dt_expansion *x = a, *y = b;
    int c = strcmp(x->entry, y->entry);
    return c ? c : memcmp(x->sha256, y->sha256, 32);
}

/* Counts of items per target; notes the targets this version cannot write. */
static void target_counts(const struct dt_model *m, uint64_t per[4])
{
    memset(per, 0, 4 * sizeof(uint64_t));
    for (size_t i = 0; i < m->n_items; i++)
        for (unsigned b = 0; b < 4; b++)
            if (m->items[i].targets & (1u << b))
                per[b]++;
    for (size_t i = 0; i < m->n_skeys; i++)
        for (unsigned b = 0; b < 4; b++)
            if (m->skeys[i].rule->targets & (1u << b))
                per[b]++;
    for (size_t i = 0; i < m->n_afters; i++)
        for (unsigned b = 0; b < 4; b++)
            if (m->afters[i].rule->targets & (1u << b))
                per[b]++;
}

/* NSS's built-in list is not a mass-revocation channel: more than
 * DT_MAX_NSS_LEAVES leaf distrusts (certificates that are not CAs, or
 * issuer/serial pairs without a certificate) targeting nss is an error at
 * the entry that contributes the most. */
static enum dt_err check_nss_leaves(const struct dt_model *m, const struct dt_policy *p,
                                    struct dt_diags *d)
{
    size_t total = 0;
    size_t *per = dt_mem_calloc(p->n_rules ? p->n_rules : 1, sizeof(*per));
    if (!per)
        return DT_ERR_NOMEM;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!(it->targets & DT_TARGET_NSS) || (it->cert && it->cert->info.is_ca))
            continue;
        total++;
        if (it->rule->ordinal < p->n_rules)
            per[it->rule->ordinal]++;
    }
    if (total <= DT_MAX_NSS_LEAVES) {
        free(per);
        return DT_OK;
    }
    size_t best = 0;
    for (size_t r = 1; r < p->n_rules; r++)
        if (per[r] > per[best])
            best = r;
    const struct dt_rule *br = &p->rules[best];
    struct dt_where w;
    dt_policy_where(br->file, &w, false, "%s", br->json_path);
    enum dt_err rc = dt_diag_fail(
        d, &w.pl, DT_ERR_INPUT,
        "%zu leaf distrusts target nss (this entry: %zu), more than %d: NSS's built-in list "
        "is not a mass-revocation channel (every process that loads NSS would carry them); "
        "target OneCRL and the blob instead (\"targets\": [\"onecrl\", \"blob\"]), as a "
        "serial list does by default",
        total, per[best], DT_MAX_NSS_LEAVES);
    free(per);
    return rc;
}

enum dt_err dt_build_run(const struct dt_build_opts *opts, struct dt_build_summary *summary)
{
    enum dt_err rc = DT_OK;
    struct dt_diags d;
    struct dt_policy policy;
    struct dt_model model;
    struct dt_pool pool, roots, upstream_roots, seen;
    struct dt_expansion *exp = NULL;
    char **exp_strings = NULL;
    size_t n_exp = 0;
    dt_pool_init(&pool);
    dt_pool_init(&roots);
    dt_pool_init(&upstream_roots);
    dt_pool_init(&seen);
    seen.kind = "chain cases";
    roots.kind = "root store";
    upstream_roots.kind = "root store";
    struct dt_buf certdata, manifest, onecrl, onecrl_sig, blob, upstream, merged, p11kit;
    struct dt_p11kit_stats kst;
    memset(&kst, 0, sizeof(kst));
    struct dt_testscript ts;
    memset(&ts, 0, sizeof(ts));
    struct dt_cases cases;
    dt_cases_init(&cases);
    struct dt_outfile *files = NULL;
    struct dt_merge_stats mst;
    memset(&mst, 0, sizeof(mst));
    struct dt_prune_stats pst;
    memset(&pst, 0, sizeof(pst));
    char up_hex[65] = "";
    json_t *incidents = NULL;
    bool have_policy = false, have_model = false;
    char digest[65] = "";
    struct dt_certdata_stats st;
    memset(&st, 0, sizeof(st));

    dt_err_trace_clear();
    dt_buf_init(&certdata, OUT_MAX);
    dt_buf_init(&manifest, OUT_MAX);
    dt_buf_init(&onecrl, OUT_MAX);
    dt_buf_init(&onecrl_sig, OUT_MAX);
    dt_buf_init(&blob, 0);
    dt_buf_init(&upstream, 0);
    dt_buf_init(&merged, 0);
    dt_buf_init(&p11kit, 0);
    if (!opts || !opts->diag) {
        rc = DT_ERR_USAGE;
        goto out;
    }
    dt_diag_init(&d, opts->diag, opts->diag_ctx);
    struct dt_progress progress = {opts->progress, opts->progress_ctx};

    if (opts->out_dir)
        DT_TRY(dt_outdir_check(opts->out_dir, &d));
    if (opts->certdata_upstream) {
        struct dt_place opt = {"--certdata", 0, 0, NULL, NULL};
        DT_TRY(dt_file_read(opts->certdata_upstream, DT_MAX_CERTDATA_BYTES, &upstream, &d, &opt));
    }
    enum dt_err crc =
        opts->n_cases ? dt_cases_load_named(&cases, opts->cases, opts->n_cases, true, "--cases", &d)
                      : DT_OK;
    if (crc != DT_OK && crc != DT_ERR_INPUT) {
        rc = crc;
        goto out;
    }

    enum dt_err prc = dt_policy_load(&policy, opts->policies, opts->n_policies, &d);
    have_policy = true;
    if (prc != DT_OK && prc != DT_ERR_INPUT) {
        rc = prc;
        goto out;
    }
    enum dt_err lrc = load_pools(opts, &policy, &pool, &d);
    if (lrc == DT_ERR_NOMEM) {
        rc = lrc;
        goto out;
    }
    enum dt_err rootrc = load_roots(opts, &roots, &upstream_roots, &pool, &d);
    if (rootrc == DT_ERR_NOMEM) {
        rc = rootrc;
        goto out;
    }
    if (rootrc != DT_OK && lrc == DT_OK)
        lrc = rootrc;
    /* The chain cases' certificates are searched for certificates an entry
     * names under an issuer encoded differently (resolve.c). */
    for (size_t i = 0; crc == DT_OK && i < cases.certs.n; i++) {
        const struct dt_cert *c = cases.certs.v[i];
        struct dt_pool_entry *e;
        DT_TRY(dt_pool_add_der(&seen, c->der, c->der_len, c->file ? c->file : "chain case",
                               c->file ? c->file : "chain case", &e));
        e->no_anchor = true;
    }
    /* Entries without errors are still resolved, so that one run reports
     * the problems of the files they name too. */
    enum dt_err rrc = dt_model_resolve(&policy, pool.n || pool.n_files ? &pool : NULL,
                                 seen.n ? &seen : NULL, &model,
                                 opts->has_date ? &opts->date : NULL, &d, &progress);
    have_model = true;
    if (prc != DT_OK || rrc != DT_OK || lrc != DT_OK || crc != DT_OK) {
        rc = prc != DT_OK ? prc : rrc != DT_OK ? rrc : lrc != DT_OK ? lrc : crc;
        goto out;
    }
    DT_TRY(check_nss_leaves(&model, &policy, &d));
    {
        const struct dt_pool *stores[3];
        size_t n_stores = 0;
        if (upstream_roots.n_trusts)
            stores[n_stores++] = &upstream_roots;
        if (roots.n_trusts)
            stores[n_stores++] = &roots;
        if (pool.n_trusts)
            stores[n_stores++] = &pool;
        attach_store_trust(&model, stores, n_stores, n_stores || roots.n, &d);
    }
    if (model.ca_without_pool)
        dt_diag_note(&d, NULL,
                "%zu CA certificate%s distrusted without a certificate pool: their "
                "cross-certificates were not looked for (give --pool, or \"pool\" in the "
                "policy)",
                model.ca_without_pool, model.ca_without_pool == 1 ? " is" : "s are");
    size_t open_paths = dt_paths_check(&model, &d);
    explain(opts, &model);
    if (opts->has_expired_before && opts->prune) {
        DT_TRY(dt_prune_report(&model, pool.n ? &pool : NULL, opts->expired_before, opts->prune,
                               opts->prune_ctx, &pst));
    }
    DT_TRY(policy_digest(&policy, &model, &pool, &roots, digest));
    DT_TRY(dt_certdata_write(&model, digest, &certdata, &st));
    if (opts->certdata_upstream) {
        enum dt_err mrc =
            dt_certdata_merge(&model, &policy, digest, opts->certdata_upstream,
                              dt_slice_make(upstream.data, upstream.len), &merged, &mst, &d);
        if (mrc != DT_OK && mrc != DT_ERR_INPUT) {
            rc = mrc;
            goto out;
        }
        uint8_t uh[32];
        dt_digest_sha256(dt_slice_make(upstream.data, upstream.len), uh);
        hex(uh, 32, up_hex);
        if (mrc == DT_OK)
            dt_diag_note(&d, NULL,
                    "certdata.txt: %zu distrust%s added, %zu replaced, %zu edited in place, %zu "
                    "already there (%zu relaxing upstream's distrust); distrust-after dates: "
                    "%zu set, %zu already set, %zu tightened, %zu relaxed",
                    mst.added, mst.added == 1 ? "" : "s", mst.replaced, mst.edited, mst.unchanged,
                    mst.relaxed, mst.afters_set, mst.afters_unchanged, mst.afters_tightened,
                    mst.afters_relaxed);
    } else if (opts->out_dir) {
        for (size_t i = 0; i < policy.n_rules; i++) {
            const struct dt_rule *r = &policy.rules[i];
            if (!r->relax_upstream || !(r->targets & DT_TARGET_NSS))
                continue;
            struct dt_where w;
            dt_policy_where(r->file, &w, false, "%s/relax_upstream", r->json_path);
            dt_diag_warn(&d, &w.pl,
                    "relax_upstream has no effect without --certdata: only the merge into an "
                    "upstream certdata.txt can relax a distrust it holds");
        }
    }

    uint64_t per[4];
    target_counts(&model, per);
    DT_TRY(dt_p11kit_write(&model, digest, &p11kit, &kst));
    if (kst.nss_trust)
        dt_diag_note(&d, NULL,
                "distrust.p11-kit: %zu distrust%s by issuer and serial only (nss-trust objects): "
                "NSS through p11-kit-trust.so honours them, but no `trust extract` format can "
                "carry them (they hold certificates only); give the certificates to carry them "
                "everywhere",
                kst.nss_trust, kst.nss_trust == 1 ? "" : "s");
    if (kst.subject_keys_left_out)
        dt_diag_note(&d, NULL,
                "distrust.p11-kit: %zu subject+key entr%s left out: p11-kit distrusts "
                "certificates by issuer and serial, so it needs the certificates (give --pool)",
                kst.subject_keys_left_out, kst.subject_keys_left_out == 1 ? "y" : "ies");
    if (!(per[0]))
        dt_diag_note(&d, NULL, "no entry targets NSS: certdata-distrust.txt holds no objects");

    int64_t when_ms = opts->has_date ? opts->date * 1000 : dt_onecrl_default_time(&model);
    size_t n_onecrl = 0;
    DT_TRY(dt_onecrl_write(&model, when_ms, &onecrl, &n_onecrl));
    int key_bits = opts->sign_key ? dt_ecdsa_private_key_bits(opts->sign_key) : 0;
    if (opts->sign_key && key_bits == 384) {
        enum dt_err src =
            dt_onecrl_sign(dt_slice_make(onecrl.data, onecrl.len), opts->sign_key, &onecrl_sig, &d);
        if (src != DT_OK) {
            rc = src;
            goto out;
        }
    } else if (opts->sign_key && key_bits == 256) {
        struct dt_place kp = dt_diag_place_file(opts->sign_key);
        dt_diag_note(&d, &kp,
                "a P-256 key signs revocations.blob only: onecrl.json stays unsigned (Remote "
                "Settings signs with P-384)");
    }
    struct dt_blob_write_opts bo = {opts->has_sequence ? opts->sequence
                                                       : (uint64_t)(when_ms / 1000),
                                    when_ms / 1000, opts->sign_key};
    struct dt_blob_write_stats bst;
    if (opts->progress && model.n_items > 100000)
        opts->progress("writing revocations.blob", 0, model.n_items, opts->progress_ctx);
    DT_TRY(dt_blob_write_model(&model, &bo, &blob, &bst, &d));
    DT_TRY(dt_testscript_write(&model, opts->n_cases ? &cases : NULL, digest, &ts, &d));
    files = dt_mem_calloc(8 + ts.out.n, sizeof(*files));
    DT_ENSURE_MEM(files);
    size_t n_files = 0;
    files[n_files++] = (struct dt_outfile){.name = "certdata-distrust.txt",
                                           .data = dt_slice_make(certdata.data, certdata.len)};
    if (opts->certdata_upstream)
        files[n_files++] = (struct dt_outfile){.name = "certdata.txt",
                                               .data = dt_slice_make(merged.data, merged.len)};
    files[n_files++] =
        (struct dt_outfile){.name = "onecrl.json", .data = dt_slice_make(onecrl.data, onecrl.len)};
    if (onecrl_sig.len)
        files[n_files++] =
            (struct dt_outfile){.name = "onecrl.signature.json",
                                .data = dt_slice_make(onecrl_sig.data, onecrl_sig.len)};
    files[n_files++] =
        (struct dt_outfile){.name = "revocations.blob", .data = dt_slice_make(blob.data, blob.len)};
    files[n_files++] = (struct dt_outfile){.name = "distrust.p11-kit",
                                           .data = dt_slice_make(p11kit.data, p11kit.len)};
    for (size_t i = 0; i < ts.out.n; i++) {
        files[n_files] = ts.out.files[i];
        files[n_files++].executable = !strcmp(ts.out.files[i].name, "test-distrust.sh");
    }
    files[n_files++] = (struct dt_outfile){.name = "manifest.json", .data = {NULL, 0}};
    struct dt_count counts[] = {
        {"policy_files", policy.n_files},
        {"entries", policy.n_rules},
        {"issuer_serial", model.n_items},
        {"subject_key", model.n_skeys},
        {"distrust_after_roots", model.n_afters},
        {"nss_trust_objects", st.trust_objects},
        {"nss_certificate_objects", st.cert_objects},
        {"onecrl_records", n_onecrl},
        {"blob_issuers", bst.issuers},
        {"blob_serials", bst.serials},
        {"blob_subject_keys", bst.subject_keys},
        {"targets.nss", per[0]},
        {"targets.onecrl", per[1]},
        {"targets.blob", per[2]},
        {"targets.p11-kit", per[3]},
        {"p11kit.certificates", kst.certificates},
        {"p11kit.issuer_serial_only", kst.nss_trust},
        {"p11kit.purpose_limited", kst.nss_trust_partial},
        {"p11kit.distrust_after_roots", kst.afters},
        {"p11kit.subject_key_left_out", kst.subject_keys_left_out},
        {"test_cases", ts.cases},
    };
    for (size_t i = 0; i < model.n_items; i++)
        n_exp += model.items[i].expanded;
    exp = dt_mem_calloc(n_exp, sizeof(*exp));
    exp_strings = dt_mem_calloc(2 * n_exp, sizeof(*exp_strings));
    DT_ENSURE_MEM(exp && exp_strings);
    for (size_t i = 0, k = 0; i < model.n_items; i++) {
        const struct dt_item *it = &model.items[i];
        if (!it->expanded)
            continue;
        char entry[256];
        snprintf(entry, sizeof(entry), "%s %s", it->rule->file->name, it->rule->json_path);
        exp_strings[2 * k] = dt_mem_strdup(entry);
        exp_strings[2 * k + 1] = dt_item_label(it);
        DT_ENSURE_MEM(exp_strings[2 * k] && exp_strings[2 * k + 1]);
        exp[k].entry = exp_strings[2 * k];
        exp[k].label = exp_strings[2 * k + 1];
        exp[k].pool_file = it->from_pool->name;
        memcpy(exp[k].sha256, it->cert->sha256, 32);
        exp[k].relation = dt_item_relation(it);
        if (it->via) {
            exp[k].has_via = true;
            memcpy(exp[k].via_sha256, it->via->sha256, 32);
        }
        if (it->from_pool->trusted_for & it->purposes)
            exp[k].anchor_of = it->from_pool->trusted_by ? it->from_pool->trusted_by : "a root store";
        k++;
    }
    if (n_exp > 1)
        qsort(exp, n_exp, sizeof(*exp), cmp_exp);
    struct dt_count more[] = {
        {"pool_certificates", pool.n},
        {"expanded", n_exp},
        {"open_paths", open_paths},
    };
    struct dt_count all[DT_ARRAY_LEN(counts) + DT_ARRAY_LEN(more)];
    memcpy(all, counts, sizeof(counts));
    memcpy(all + DT_ARRAY_LEN(counts), more, sizeof(more));
    size_t n_all = DT_ARRAY_LEN(counts) + (pool.n || pool.n_files ? DT_ARRAY_LEN(more) : 0);
    struct dt_count merge_counts[] = {
        {"certdata_merge.added", mst.added},
        {"certdata_merge.replaced", mst.replaced},
        {"certdata_merge.edited", mst.edited},
        {"certdata_merge.unchanged", mst.unchanged},
        {"certdata_merge.relaxed", mst.relaxed},
        {"certdata_merge.certificate_objects_added", mst.cert_objects_added},
        {"certdata_merge.distrust_after_set", mst.afters_set},
        {"certdata_merge.distrust_after_unchanged", mst.afters_unchanged},
        {"certdata_merge.distrust_after_tightened", mst.afters_tightened},
        {"certdata_merge.distrust_after_relaxed", mst.afters_relaxed},
    };
    struct dt_count all2[DT_ARRAY_LEN(counts) + DT_ARRAY_LEN(more) + DT_ARRAY_LEN(merge_counts)];
    memcpy(all2, all, n_all * sizeof(*all));
    if (opts->certdata_upstream) {
        memcpy(all2 + n_all, merge_counts, sizeof(merge_counts));
        n_all += DT_ARRAY_LEN(merge_counts);
    }
    const char *up_name = NULL;
    if (opts->certdata_upstream) {
        up_name = strrchr(opts->certdata_upstream, '/');
        up_name = up_name ? up_name + 1 : opts->certdata_upstream;
    }
    if (model.n_incidents) {
        incidents = json_array();
        DT_ENSURE_MEM(incidents);
        for (size_t i = 0; i < model.n_incidents; i++) {
            json_t *one = dt_incident_json(&model.incidents[i], false, NULL);
            DT_ENSURE_MEM(one);
            DT_ENSURE(json_array_append_new(incidents, one) == 0, DT_ERR_NOMEM);
        }
    }
    DT_TRY(dt_manifest_write(digest, files, n_files - 1, all2, n_all, exp, n_exp, up_name,
                             up_name ? up_hex : NULL, incidents, &manifest));
    if (summary) {
        summary->pool_certs = pool.n;
        summary->expanded = n_exp;
        summary->open_paths = open_paths;
    }
    files[n_files - 1].data = dt_slice_make(manifest.data, manifest.len);

    if (d.errors) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    if (opts->strict && d.warnings) {
        rc = DT_ERR_STRICT;
        goto out;
    }
    if (opts->out_dir)
        DT_TRY(dt_outdir_replace(opts->out_dir, files, n_files, &d));
out:
    json_decref(incidents);
    if (rc == DT_OK && opts && opts->diag && d.errors)
        rc = DT_ERR_INPUT; /* never succeed after reporting an error */
    if (summary) {
        size_t keep_pool = summary->pool_certs, keep_exp = summary->expanded,
               keep_open = summary->open_paths;
        memset(summary, 0, sizeof(*summary));
        summary->prune_expired = pst.expired;
        summary->prune_unknown = pst.unknown;
        summary->prune_live = pst.live;
        if (have_model) {
            summary->pool_certs = keep_pool;
            summary->expanded = keep_exp;
            summary->open_paths = keep_open;
        }
        if (opts && opts->diag) {
            summary->errors = d.errors;
            summary->warnings = d.warnings;
        }
        if (have_policy) {
            summary->policy_files = policy.n_files;
            summary->rules = policy.n_rules;
        }
        if (have_model)
            summary->items = model.n_items;
        summary->nss_trust_objects = st.trust_objects;
        summary->nss_cert_objects = st.cert_objects;
        summary->distrust_after = st.afters;
    }
    if (have_model)
        dt_model_free(&model);
    dt_pool_free(&pool);
    dt_pool_free(&roots);
    dt_pool_free(&upstream_roots);
    dt_pool_free(&seen);
    for (size_t i = 0; exp_strings && i < 2 * n_exp; i++)
        free(exp_strings[i]);
    free(exp_strings);
    free(exp);
    if (have_policy)
        dt_policy_free(&policy);
    dt_buf_free(&certdata);
    dt_buf_free(&manifest);
    dt_buf_free(&onecrl);
    dt_buf_free(&onecrl_sig);
    dt_buf_free(&blob);
    dt_buf_free(&upstream);
    dt_buf_free(&p11kit);
    dt_testscript_free(&ts);
    dt_cases_free(&cases);
    free(files);
    dt_buf_free(&merged);
    return rc;
}
