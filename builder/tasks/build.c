/*
 * build.c - the pipeline: load, resolve, emit, write OUT atomically.
 *
 * dt_build_run is a list of named stages over one struct build: each stage
 * reads what the stages before it left there and adds its own part. Bad
 * input found while loading is reported and remembered (input_rc), and the
 * entries without errors are still resolved, so that one run reports every
 * problem; the run stops after resolve when any was found. Nothing is
 * written unless every stage succeeded.
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
#include "builddir.h"
#include "time.h"

#include <distrust/blob.h>
#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUT_MAX ((size_t)2 << 30)

/* Everything one build holds, stage to stage. */
struct build {
    const struct dt_build_opts *opts;
    struct dt_diags d;
    struct dt_progress progress;

    /* The inputs. input_rc is DT_ERR_INPUT once loading reported bad input
     * (the run goes on to resolve, then stops). */
    enum dt_err input_rc;
    struct dt_buf upstream; /* --certdata, as read */
    struct dt_cases cases;  /* --cases */
    bool cases_ok;          /* they loaded without errors */
    struct dt_policy policy;
    bool have_policy;
    struct dt_pool pool;           /* --pool and each policy's "pool" */
    struct dt_pool roots;          /* --roots */
    struct dt_pool upstream_roots; /* the --certdata file as a root store */
    struct dt_pool seen;           /* the chain cases' certificates */

    /* The model, and what the checks found. */
    struct dt_model model;
    bool have_model;
    size_t open_paths;

    /* The outputs, in the order OUT lists them. */
    char digest[65]; /* policy_sha256: every input, by name and content */
    struct dt_buf certdata;
    struct dt_certdata_stats st;
    struct dt_buf merged; /* certdata.txt, with --certdata */
    struct dt_merge_stats mst;
    char upstream_sha256[65];
    struct dt_buf onecrl, onecrl_sig;
    size_t n_onecrl;
    struct dt_buf blob;
    struct dt_blob_write_stats bst;
    struct dt_buf p11kit;
    struct dt_p11kit_stats kst;
    uint64_t per_target[4]; /* items per target bit */
    struct dt_testscript ts;
    struct dt_buf manifest;
    struct dt_outfile *files;
    size_t n_files;
    struct dt_expansion *exp; /* the manifest's record of what the pool added */
    char **exp_strings;
    size_t n_exp;
    json_t *incidents;
    struct dt_prune_stats pst;

    /* The release (stage_release): the previous one's sequence and time
     * (--previous), and this one's. */
    bool have_prev;
    uint64_t prev_sequence;
    int64_t prev_created;
    bool released;
    struct dt_manifest_release release;
    bool counted; /* the manifest's counts are made: the summary reports them */
};

static void hex(const uint8_t *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ---- helpers of the stages ---------------------------------------------------- */

struct digest_line {
    char text[64 + 2 + 1024 + 2];
};

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(((const struct digest_line *)a)->text, ((const struct digest_line *)b)->text);
}

/* One line "<sha256>  <prefix><name>\n". */
static void digest_line(struct digest_line *l, const uint8_t sha256[32], const char *prefix,
                        const char *name)
{
    char h[65];
    hex(sha256, 32, h);
    snprintf(l->text, sizeof(l->text), "%s  %s%s\n", h, prefix, name);
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
    size_t n = p->n_files + m->n_inputs + pool->n_files + roots->n_files, at = 0;
    struct digest_line *lines = dt_mem_calloc(n, sizeof(*lines));
    struct dt_buf all;
    dt_buf_init(&all, 0);
    DT_ENSURE_MEM(lines);
    for (size_t i = 0; i < p->n_files; i++)
        digest_line(&lines[at++], p->files[i].sha256, "", p->files[i].name);
    for (size_t i = 0; i < m->n_inputs; i++)
        digest_line(&lines[at++], m->inputs[i].sha256, "", m->inputs[i].name);
    for (size_t i = 0; i < pool->n_files; i++)
        digest_line(&lines[at++], pool->files[i].sha256, "pool:", pool->files[i].name);
    for (size_t i = 0; i < roots->n_files; i++)
        digest_line(&lines[at++], roots->files[i].sha256, "roots:", roots->files[i].name);
    qsort(lines, n, sizeof(*lines), cmp_lines);
    for (size_t i = 0; i < n; i++)
        DT_TRY(dt_buf_puts(&all, lines[i].text));
    uint8_t d[32];
    DT_TRY(dt_digest_sha256(dt_slice_make(all.data, all.len), d));
    hex(d, 32, out);
out:
    free(lines);
    dt_buf_free(&all);
    return rc;
}

/* The verdict on what dt_pool_add said (its problems reported there): bad
 * input, and a cap (DT_ERR_LIMIT) that stopped one reading, are bad input
 * of the run, which goes on unless *stop; memory or a digest stops the
 * run with that code. */
static enum dt_err pool_add_verdict(enum dt_err prc, bool *stop)
{
    *stop = prc != DT_OK && prc != DT_ERR_INPUT;
    if (prc == DT_ERR_LIMIT || prc == DT_ERR_INPUT)
        return DT_ERR_INPUT;
    return prc;
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
        bool stop;
        enum dt_err v = pool_add_verdict(
            dt_pool_add(pool, path, name, d, opts->progress, opts->progress_ctx), &stop);
        if (v != DT_OK)
            rc = v;
        if (stop)
            goto out;
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
    bool stop;
    if (opts->out_dir) {
        DT_TRY(dt_pool_exclude(roots, opts->out_dir));
        DT_TRY(dt_pool_exclude(upstream_roots, opts->out_dir));
    }
    for (size_t i = 0; i < opts->n_roots; i++) {
        enum dt_err v =
            pool_add_verdict(dt_pool_add(roots, opts->roots[i], NULL, d, NULL, NULL), &stop);
        if (v != DT_OK)
            rc = v;
        if (stop)
            goto out;
    }
    if (rc != DT_OK)
        goto out;
    if (opts->n_roots && !roots->n) {
        rc = dt_diag_fail(d, NULL, DT_ERR_INPUT, "the root stores (--roots) hold no certificate");
        goto out;
    }
    DT_TRY(dt_pool_trust_file_anchors(roots));
    bool have_pool = pool->n || pool->n_files || opts->n_roots;
    if (opts->certdata_upstream)
        DT_TRY(pool_add_verdict(
            dt_pool_add(upstream_roots, opts->certdata_upstream, NULL, d, NULL, NULL), &stop));
    if (roots->n)
        DT_TRY(dt_pool_set_roots(pool, roots));
    if (upstream_roots->n && have_pool)
        DT_TRY(dt_pool_set_roots(pool, upstream_roots));
out:
    return rc;
}

/* The trust object the build's root stores have for an issuer and serial
 * (*t, NULL for none) and the store's certificate of it (*cert, when the
 * store has it): the --certdata upstream file first (the store the outputs
 * go with), then --roots, then a certdata.txt in the pool. */
static enum dt_err store_trust(const struct dt_pool *const *stores, size_t n,
                               struct dt_slice issuer, struct dt_slice serial,
                               const struct dt_pool_trust **t, const struct dt_cert **cert)
{
    enum dt_err rc = DT_OK;
    *t = NULL;
    *cert = NULL;
    for (size_t i = 0; i < n && !*t; i++) {
        DT_TRY(dt_pool_trust_of(stores[i], issuer, serial, t));
        if (!*t)
            continue;
        uint8_t k[32];
        DT_TRY(dt_idkey_issuer_serial(issuer, serial, k));
        uint32_t at = dt_dmap_first(&stores[i]->by_issuer_serial, k);
        if (at != DT_DMAP_END)
            *cert = stores[i]->v[dt_dmap_value(&stores[i]->by_issuer_serial, at)].cert;
    }
out:
    return rc;
}

/* A distrust limited to some purposes must not change another purpose's
 * verdict: when a root store of the build has a trust object for the
 * certificate, the item keeps it (the writers copy its other purposes'
 * values and write the hashes); when the build knows no root store and the
 * certificate may be a root, it cannot know what the store says, and warns
 * (an error with --strict). */
static enum dt_err attach_store_trust(struct dt_model *m, const struct dt_pool *const *stores,
                                      size_t n_stores, bool have_store, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    const struct dt_rule *warned = NULL;
    for (size_t i = 0; i < m->n_items; i++) {
        struct dt_item *it = &m->items[i];
        if (it->purposes == DT_PURPOSE_ALL || !(it->targets & (DT_TARGET_NSS | DT_TARGET_P11KIT)))
            continue;
        const struct dt_cert *store_cert;
        const struct dt_pool_trust *t;
        DT_TRY(store_trust(stores, n_stores, it->issuer, it->serial, &t, &store_cert));
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
out:
    return rc;
}

/* `distrust build --explain`: one line per distrust and why it is there. */
static enum dt_err explain(const struct dt_build_opts *opts, const struct dt_model *m)
{
    enum dt_err rc = DT_OK;
    char line[2048];
    char *label = NULL, *issuer = NULL, *name = NULL;
    if (!opts->explain)
        goto out;
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        label = dt_item_label(it); /* as the writers: NULL is out of memory */
        DT_ENSURE_MEM(label);
        issuer = dt_nssname_text(it->issuer); /* NULL: NSS cannot print it */
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
        snprintf(line, sizeof(line), "\"%s\": issuer \"%s\", serial %s [%s] <- %s", label,
                 issuer ? issuer : "?", serial, targets, why);
        opts->explain(line, opts->explain_ctx);
        free(label);
        free(issuer);
        label = issuer = NULL;
    }
    for (size_t i = 0; i < m->n_afters; i++) {
        name = dt_nssname_common_name(m->afters[i].cert->info.subject);
        snprintf(line, sizeof(line), "\"%s\": distrust-after date(s) on the root <- %s %s",
                 name ? name : "?", m->afters[i].rule->file->name, m->afters[i].rule->json_path);
        opts->explain(line, opts->explain_ctx);
        free(name);
        name = NULL;
    }
    for (size_t i = 0; i < m->n_skeys; i++) {
        name = dt_nssname_text(m->skeys[i].subject);
        snprintf(line, sizeof(line), "subject \"%s\" and key (SHA-256 of the SPKI) <- %s %s",
                 name ? name : "?", m->skeys[i].rule->file->name, m->skeys[i].rule->json_path);
        opts->explain(line, opts->explain_ctx);
        free(name);
        name = NULL;
    }
out:
    free(label);
    free(issuer);
    free(name);
    return rc;
}

/* The manifest's record of what the pool added, in a stable order. */
static int cmp_exp(const void *a, const void *b)
{
    const struct dt_expansion *x = a, *y = b;
    int c = strcmp(x->entry, y->entry);
    return c ? c : memcmp(x->sha256, y->sha256, 32);
}

/* Adds the target bits of one distrust to the counts per target. */
static void count_targets(unsigned targets, uint64_t per[4])
{
    for (unsigned b = 0; b < 4; b++)
        if (targets & (1u << b))
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

/* ---- the stages ----------------------------------------------------------------- */

/* Records bad input a stage found (reported already) and goes on: a later
 * stage stops the run. Anything else stops it now. */
static enum dt_err go_on(struct build *b, enum dt_err rc)
{
    if (rc == DT_ERR_INPUT) {
        if (b->input_rc == DT_OK)
            b->input_rc = rc;
        return DT_OK;
    }
    return rc;
}

/* The previous release (--previous DIR): the sequence and time in
 * DIR/manifest.json's "release", or, for a build made before the manifest
 * recorded them, in DIR/revocations.blob's header. */
static enum dt_err read_previous(struct build *b)
{
    enum dt_err rc = DT_OK;
    const char *dir = b->opts->previous_dir;
    struct dt_place opt = {"--previous", 0, 0, NULL, NULL};
    char path[4096];
    struct dt_buf text;
    dt_buf_init(&text, 0);
    json_t *root = NULL;
    struct dt_blob *blob = NULL;
    struct stat st;
    bool there = stat(dir, &st) == 0;
    if (!there || !S_ISDIR(st.st_mode)) {
        rc = dt_diag_fail(&b->d, &opt, DT_ERR_INPUT,
                          "%s: %s: give the previous release's build directory (its "
                          "manifest.json holds the sequence number this one follows)",
                          dir, there ? strerror(ENOTDIR) : strerror(errno));
        goto out;
    }
    snprintf(path, sizeof(path), "%s/manifest.json", dir);
    DT_TRY(dt_file_read(path, DT_MAX_MANIFEST_BYTES, &text, &b->d, NULL));
    json_error_t je;
    root = json_loadb((const char *)text.data, text.len, 0, &je);
    if (!root) {
        struct dt_place pl = {path, (unsigned)(je.line > 0 ? je.line : 0),
                              (unsigned)(je.column > 0 ? je.column : 0), NULL, NULL};
        rc = dt_diag_fail(&b->d, &pl, DT_ERR_INPUT, "%s", je.text);
        goto out;
    }
    json_t *rel = json_object_get(root, "release");
    if (rel) {
        json_t *seq = json_object_get(rel, "sequence");
        json_t *cr = json_object_get(rel, "created");
        int64_t t = 0;
        bool frac;
        if (!json_is_integer(seq) || json_integer_value(seq) < 0 ||
            (uint64_t)json_integer_value(seq) > DT_SEQUENCE_MAX || !json_is_string(cr) ||
            dt_time_parse_rfc3339(json_string_value(cr), &t, &frac)) {
            struct dt_place pl = {path, 0, 0, "/release", NULL};
            rc = dt_diag_fail(&b->d, &pl, DT_ERR_INPUT,
                              "expected {\"sequence\": a number from 0 to 2^53-1, \"created\": "
                              "an RFC 3339 time}");
            goto out;
        }
        b->prev_sequence = (uint64_t)json_integer_value(seq);
        b->prev_created = t;
        b->have_prev = true;
        goto out;
    }
    /* A manifest from before "release": the blob's header says it. */
    snprintf(path, sizeof(path), "%s/revocations.blob", dir);
    char err[256];
    int brc = dt_blob_open_file(path, NULL, &blob, err, sizeof(err));
    if (brc == DT_BLOB_ERR_NOMEM) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    struct dt_blob_info info = DT_BLOB_INFO_INIT;
    if (brc != DT_BLOB_OK || dt_blob_get_info(blob, &info) != DT_BLOB_OK) {
        struct dt_place pl = dt_diag_place_file(path);
        rc = dt_diag_fail(&b->d, &pl, DT_ERR_INPUT,
                          "%s/manifest.json has no \"release\" and this blob cannot say the "
                          "previous sequence either: %s",
                          dir, brc != DT_BLOB_OK ? err : "no header");
        goto out;
    }
    b->prev_sequence = info.sequence;
    b->prev_created = info.created;
    b->have_prev = true;
out:
    dt_blob_close(blob);
    json_decref(root);
    dt_buf_free(&text);
    return rc;
}

/* Release: the outputs' time (--date or SOURCE_DATE_EPOCH, else the newest
 * "created" of the policy's entries, else 1970-01-01 and a warning) and the
 * blob's sequence number (--sequence, else --previous's + 1, else the time
 * in seconds and a warning: a client that keeps the newest blob needs the
 * sequence to grow from release to release, and only the maintainer knows
 * the last one). Nothing here reads the clock: same inputs, same bytes. */
static enum dt_err stage_release(struct build *b)
{
    enum dt_err rc = DT_OK;
    const struct dt_build_opts *o = b->opts;
    struct dt_manifest_release *r = &b->release;
    int64_t ms = o->has_date ? o->date * 1000 : dt_onecrl_default_time(&b->model);
    r->created = ms / 1000;
    r->created_from = o->has_date ? (o->date_from ? o->date_from : "--date")
                      : ms       ? "newest created"
                                 : "none";
    char when[32], prev_when[32];
    dt_time_format_rfc3339(r->created, when);
    if (!o->out_dir) { /* lint: nothing is released, nothing to warn of */
        r->sequence = (uint64_t)(r->created > 0 ? r->created : 0);
        r->sequence_from = "date";
        b->released = true;
        goto out;
    }
    if (!ms && !o->has_date)
        dt_diag_warn(&b->d, NULL,
                     "no date for the outputs (--date T or SOURCE_DATE_EPOCH, and no onecrl "
                     "entry has a \"created\"): revocations.blob's created and onecrl.json's "
                     "last_modified are %s",
                     when);
    if (o->has_sequence) {
        DT_ENSURE(o->sequence >= 1 && o->sequence <= DT_SEQUENCE_MAX, DT_ERR_USAGE);
        if (b->have_prev && o->sequence <= b->prev_sequence) {
            struct dt_place opt = {"--sequence", 0, 0, NULL, NULL};
            rc = dt_diag_fail(&b->d, &opt, DT_ERR_INPUT,
                              "%llu is not greater than the previous release's sequence %llu "
                              "(%s): a client that keeps the newest blob would keep the old "
                              "one; give a greater --sequence, or leave it out to use %llu",
                              (unsigned long long)o->sequence,
                              (unsigned long long)b->prev_sequence, o->previous_dir,
                              (unsigned long long)b->prev_sequence + 1);
            goto out;
        }
        r->sequence = o->sequence;
        r->sequence_from = "--sequence";
    } else if (b->have_prev) {
        if (b->prev_sequence >= DT_SEQUENCE_MAX) {
            struct dt_place opt = {"--previous", 0, 0, NULL, NULL};
            rc = dt_diag_fail(&b->d, &opt, DT_ERR_INPUT,
                              "the previous release's sequence %llu is the largest there is",
                              (unsigned long long)b->prev_sequence);
            goto out;
        }
        r->sequence = b->prev_sequence + 1;
        r->sequence_from = "--previous";
    } else {
        r->sequence = (uint64_t)(r->created > 0 ? r->created : 0);
        r->sequence_from = "date";
        dt_diag_warn(&b->d, NULL,
                     "no sequence number for revocations.blob (--sequence N, or --previous "
                     "LAST_OUT for the previous release's + 1): it is the date in seconds, "
                     "%llu (%s); a client that keeps the newest blob needs every release's "
                     "sequence to be greater than the last one's",
                     (unsigned long long)r->sequence, when);
    }
    if (b->have_prev && r->created < b->prev_created) {
        dt_time_format_rfc3339(b->prev_created, prev_when);
        dt_diag_warn(&b->d, NULL,
                     "this release's date, %s (%s), is older than the previous release's, "
                     "%s (%s)",
                     when, r->created_from, prev_when, o->previous_dir);
    }
    b->released = true;
out:
    return rc;
}

/* Load inputs: checks that OUT can be replaced, reads the --certdata
 * upstream file (both fatal at once), the chain cases and the policy (bad
 * input in either is recorded and the run goes on). */
static enum dt_err stage_load_inputs(struct build *b)
{
    enum dt_err rc = DT_OK;
    const struct dt_build_opts *o = b->opts;
    if (o->out_dir)
        DT_TRY(dt_outdir_check(o->out_dir, &b->d));
    if (o->certdata_upstream) {
        struct dt_place opt = {"--certdata", 0, 0, NULL, NULL};
        DT_TRY(dt_file_read(o->certdata_upstream, DT_MAX_CERTDATA_BYTES, &b->upstream, &b->d,
                            &opt));
    }
    enum dt_err crc = o->n_cases ? dt_cases_load_named(&b->cases, o->cases, o->n_cases, true,
                                                       "--cases", &b->d)
                                 : DT_OK;
    b->cases_ok = crc == DT_OK;
    DT_TRY(go_on(b, crc));
    if (o->out_dir && o->previous_dir)
        DT_TRY(go_on(b, read_previous(b)));
    enum dt_err prc = dt_policy_load(&b->policy, o->policies, o->n_policies, &b->d);
    b->have_policy = true;
    DT_TRY(go_on(b, prc));
out:
    return rc;
}

/* Load pools and root stores: the pools (--pool, the policies' "pool"),
 * the root stores (--roots, --certdata) and, when the cases loaded, their
 * certificates (searched for names encoded differently, never anchors).
 * Bad input is recorded and the run goes on. */
static enum dt_err stage_load_pools(struct build *b)
{
    enum dt_err rc = DT_OK;
    DT_TRY(go_on(b, load_pools(b->opts, &b->policy, &b->pool, &b->d)));
    DT_TRY(go_on(b, load_roots(b->opts, &b->roots, &b->upstream_roots, &b->pool, &b->d)));
    for (size_t i = 0; b->cases_ok && i < b->cases.certs.n; i++) {
        const struct dt_cert *c = b->cases.certs.v[i];
        const char *name = c->file ? c->file : "chain case";
        struct dt_pool_entry *e;
        DT_TRY(dt_pool_add_der(&b->seen, c->der, c->der_len, name, name, &e));
        e->no_anchor = true;
    }
out:
    return rc;
}

/* Resolve: the policy's entries into the model (items, subject keys,
 * distrust-after roots, incidents), expanded through the pool. Entries
 * without errors are resolved even after bad input elsewhere, so that one
 * run reports the problems of the files they name too; then the run stops
 * when any input was bad. */
static enum dt_err stage_resolve(struct build *b)
{
    enum dt_err rc = DT_OK;
    bool pool = b->pool.n || b->pool.n_files;
    enum dt_err rrc =
        dt_model_resolve(&b->policy, pool ? &b->pool : NULL, b->seen.n ? &b->seen : NULL,
                         &b->model, b->opts->has_date ? &b->opts->date : NULL, &b->d,
                         &b->progress);
    b->have_model = true;
    DT_TRY(go_on(b, rrc));
    DT_TRY(b->input_rc);
out:
    return rc;
}

/* Checks: the NSS leaf cap (an error), the root stores' trust objects kept
 * by purpose-limited distrusts, CA certificates distrusted without a pool
 * (a note) and the pool's open paths to distrusted keys (warnings). */
static enum dt_err stage_checks(struct build *b)
{
    enum dt_err rc = DT_OK;
    DT_TRY(check_nss_leaves(&b->model, &b->policy, &b->d));
    const struct dt_pool *stores[3];
    size_t n_stores = 0;
    if (b->upstream_roots.n_trusts)
        stores[n_stores++] = &b->upstream_roots;
    if (b->roots.n_trusts)
        stores[n_stores++] = &b->roots;
    if (b->pool.n_trusts)
        stores[n_stores++] = &b->pool;
    DT_TRY(attach_store_trust(&b->model, stores, n_stores, n_stores || b->roots.n, &b->d));
    size_t n = b->model.ca_without_pool;
    if (n)
        dt_diag_note(&b->d, NULL,
                "%zu CA certificate%s distrusted without a certificate pool: their "
                "cross-certificates were not looked for (give --pool, or \"pool\" in the "
                "policy)",
                n, n == 1 ? " is" : "s are");
    DT_TRY(dt_paths_check(&b->model, &b->d, &b->open_paths));
out:
    return rc;
}

/* Explain and prune: --explain's line per distrust, and with
 * --expired-before the entries whose certificates all expired. */
static enum dt_err stage_explain(struct build *b)
{
    enum dt_err rc = DT_OK;
    const struct dt_build_opts *o = b->opts;
    DT_TRY(explain(o, &b->model));
    if (o->has_expired_before && o->prune)
        DT_TRY(dt_prune_report(&b->model, b->pool.n ? &b->pool : NULL, o->expired_before,
                               o->prune, o->prune_ctx, &b->pst));
out:
    return rc;
}

/* Emit certdata: the policy digest every output names, and
 * certdata-distrust.txt. */
static enum dt_err stage_certdata(struct build *b)
{
    enum dt_err rc = DT_OK;
    DT_TRY(policy_digest(&b->policy, &b->model, &b->pool, &b->roots, b->digest));
    DT_TRY(dt_certdata_write(&b->model, b->digest, &b->certdata, &b->st));
out:
    return rc;
}

/* Merge: with --certdata, the upstream certdata.txt with the policy merged
 * in (bad input in it is recorded, and its counts noted when it merged);
 * without, a warning for each relax_upstream that has nothing to relax. */
static enum dt_err stage_merge(struct build *b)
{
    enum dt_err rc = DT_OK;
    const struct dt_build_opts *o = b->opts;
    if (!o->certdata_upstream) {
        for (size_t i = 0; o->out_dir && i < b->policy.n_rules; i++) {
            const struct dt_rule *r = &b->policy.rules[i];
            if (!r->relax_upstream || !(r->targets & DT_TARGET_NSS))
                continue;
            struct dt_where w;
            dt_policy_where(r->file, &w, false, "%s/relax_upstream", r->json_path);
            dt_diag_warn(&b->d, &w.pl,
                    "relax_upstream has no effect without --certdata: only the merge into an "
                    "upstream certdata.txt can relax a distrust it holds");
        }
        goto out;
    }
    struct dt_slice up = dt_slice_make(b->upstream.data, b->upstream.len);
    enum dt_err mrc = dt_certdata_merge(&b->model, &b->policy, b->digest, o->certdata_upstream,
                                        up, &b->merged, &b->mst, &b->d);
    DT_TRY(go_on(b, mrc));
    uint8_t uh[32];
    struct dt_place opt = {"--certdata", 0, 0, NULL, NULL};
    DT_TRY(dt_digest_report(dt_digest_sha256(up, uh), &b->d, &opt,
                            "the manifest records the upstream certdata.txt's SHA-256"));
    hex(uh, 32, b->upstream_sha256);
    const struct dt_merge_stats *s = &b->mst;
    if (mrc == DT_OK)
        dt_diag_note(&b->d, NULL,
                "certdata.txt: %zu distrust%s added, %zu replaced, %zu edited in place, %zu "
                "already there (%zu relaxing upstream's distrust); distrust-after dates: "
                "%zu set, %zu already set, %zu tightened, %zu relaxed",
                s->added, s->added == 1 ? "" : "s", s->replaced, s->edited, s->unchanged,
                s->relaxed, s->afters_set, s->afters_unchanged, s->afters_tightened,
                s->afters_relaxed);
out:
    return rc;
}

/* p11-kit: distrust.p11-kit, and the notes on what it cannot carry (and on
 * a build that targets no NSS at all). */
static enum dt_err stage_p11kit(struct build *b)
{
    enum dt_err rc = DT_OK;
    const struct dt_model *m = &b->model;
    for (size_t i = 0; i < m->n_items; i++)
        count_targets(m->items[i].targets, b->per_target);
    for (size_t i = 0; i < m->n_skeys; i++)
        count_targets(m->skeys[i].rule->targets, b->per_target);
    for (size_t i = 0; i < m->n_afters; i++)
        count_targets(m->afters[i].rule->targets, b->per_target);
    DT_TRY(dt_p11kit_write(m, b->digest, &b->p11kit, &b->kst));
    const struct dt_p11kit_stats *k = &b->kst;
    if (k->nss_trust)
        dt_diag_note(&b->d, NULL,
                "distrust.p11-kit: %zu distrust%s by issuer and serial only (nss-trust objects): "
                "NSS through p11-kit-trust.so honours them, but no `trust extract` format can "
                "carry them (they hold certificates only); give the certificates to carry them "
                "everywhere",
                k->nss_trust, k->nss_trust == 1 ? "" : "s");
    if (k->subject_keys_left_out)
        dt_diag_note(&b->d, NULL,
                "distrust.p11-kit: %zu subject+key entr%s left out: p11-kit distrusts "
                "certificates by issuer and serial, so it needs the certificates (give --pool)",
                k->subject_keys_left_out, k->subject_keys_left_out == 1 ? "y" : "ies");
    if (!b->per_target[0])
        dt_diag_note(&b->d, NULL, "no entry targets NSS: certdata-distrust.txt holds no objects");
out:
    return rc;
}

/* OneCRL and its signature: onecrl.json and, with a P-384 --sign-key,
 * onecrl.signature.json (a P-256 key signs the blob only: a note). */
static enum dt_err stage_onecrl(struct build *b)
{
    enum dt_err rc = DT_OK;
    const char *key = b->opts->sign_key;
    DT_TRY(dt_onecrl_write(&b->model, b->release.created * 1000, &b->onecrl, &b->n_onecrl));
    int key_bits = key ? dt_ecdsa_private_key_bits(key) : 0;
    if (key_bits == 384) {
        DT_TRY(dt_onecrl_sign(dt_slice_make(b->onecrl.data, b->onecrl.len), key, &b->onecrl_sig,
                              &b->d));
    } else if (key_bits == 256) {
        struct dt_place kp = dt_diag_place_file(key);
        dt_diag_note(&b->d, &kp,
                "a P-256 key signs revocations.blob only: onecrl.json stays unsigned (Remote "
                "Settings signs with P-384)");
    }
out:
    return rc;
}

/* Blob: revocations.blob (signed with --sign-key). */
static enum dt_err stage_blob(struct build *b)
{
    const struct dt_build_opts *o = b->opts;
    struct dt_blob_write_opts bo = {b->release.sequence, b->release.created, o->sign_key, NULL,
                                    NULL};
    if (o->progress && b->model.n_items > 100000) {
        bo.progress = o->progress;
        bo.progress_ctx = o->progress_ctx;
        o->progress("writing revocations.blob", 0, b->model.n_items, o->progress_ctx);
    }
    return dt_blob_write_model(&b->model, &bo, &b->blob, &b->bst, &b->d);
}

/* Test script: test-distrust.sh and, with --cases, the cases under tests/. */
static enum dt_err stage_testscript(struct build *b)
{
    return dt_testscript_write(&b->model, b->opts->n_cases ? &b->cases : NULL, b->digest, &b->ts,
                               &b->d);
}

/* Adds one output file (borrowed data). */
static void add_file(struct build *b, const char *name, const struct dt_buf *data)
{
    b->files[b->n_files++] = (struct dt_outfile){
        .name = name, .data = data ? dt_slice_make(data->data, data->len) : dt_slice_make(NULL, 0)};
}

/* The manifest's "expanded": every distrust the pool added, sorted. */
static enum dt_err expansions(struct build *b)
{
    enum dt_err rc = DT_OK;
    const struct dt_model *m = &b->model;
    for (size_t i = 0; i < m->n_items; i++)
        b->n_exp += m->items[i].expanded;
    b->exp = dt_mem_calloc(b->n_exp, sizeof(*b->exp));
    b->exp_strings = dt_mem_calloc(2 * b->n_exp, sizeof(*b->exp_strings));
    DT_ENSURE_MEM(b->exp && b->exp_strings);
    for (size_t i = 0, k = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if (!it->expanded)
            continue;
        char entry[256];
        snprintf(entry, sizeof(entry), "%s %s", it->rule->file->name, it->rule->json_path);
        b->exp_strings[2 * k] = dt_mem_strdup(entry);
        b->exp_strings[2 * k + 1] = dt_item_label(it);
        DT_ENSURE_MEM(b->exp_strings[2 * k] && b->exp_strings[2 * k + 1]);
        struct dt_expansion *x = &b->exp[k++];
        x->entry = b->exp_strings[2 * k - 2];
        x->label = b->exp_strings[2 * k - 1];
        x->pool_file = it->from_pool->name;
        memcpy(x->sha256, it->cert->sha256, 32);
        x->relation = dt_item_relation(it);
        if (it->via) {
            x->has_via = true;
            memcpy(x->via_sha256, it->via->sha256, 32);
        }
        if (it->from_pool->trusted_for & it->purposes)
            x->anchor_of = it->from_pool->trusted_by ? it->from_pool->trusted_by : "a root store";
    }
    if (b->n_exp > 1)
        qsort(b->exp, b->n_exp, sizeof(*b->exp), cmp_exp);
out:
    return rc;
}

/* Manifest: the list of OUT's files (manifest.json last), the counts, the
 * pool's expansions, the upstream file and the revocation deadlines, and
 * manifest.json itself over all the others. */
static enum dt_err stage_manifest(struct build *b)
{
    enum dt_err rc = DT_OK;
    const struct dt_build_opts *o = b->opts;
    const struct dt_model *m = &b->model;
    b->files = dt_mem_calloc(8 + b->ts.out.n, sizeof(*b->files));
    DT_ENSURE_MEM(b->files);
    add_file(b, "certdata-distrust.txt", &b->certdata);
    if (o->certdata_upstream)
        add_file(b, "certdata.txt", &b->merged);
    add_file(b, "onecrl.json", &b->onecrl);
    if (b->onecrl_sig.len)
        add_file(b, "onecrl.signature.json", &b->onecrl_sig);
    add_file(b, "revocations.blob", &b->blob);
    add_file(b, "distrust.p11-kit", &b->p11kit);
    for (size_t i = 0; i < b->ts.out.n; i++) {
        b->files[b->n_files] = b->ts.out.files[i];
        b->files[b->n_files++].executable = !strcmp(b->ts.out.files[i].name, "test-distrust.sh");
    }
    add_file(b, "manifest.json", NULL); /* its data once it is written */

    DT_TRY(expansions(b));
    const uint64_t *per = b->per_target;
    const struct dt_merge_stats *s = &b->mst;
    const struct dt_p11kit_stats *k = &b->kst;
    struct dt_count counts[] = {
        {"policy_files", b->policy.n_files},
        {"entries", b->policy.n_rules},
        {"issuer_serial", m->n_items},
        {"subject_key", m->n_skeys},
        {"distrust_after_roots", m->n_afters},
        {"nss_trust_objects", b->st.trust_objects},
        {"nss_certificate_objects", b->st.cert_objects},
        {"onecrl_records", b->n_onecrl},
        {"blob_issuers", b->bst.issuers},
        {"blob_serials", b->bst.serials},
        {"blob_subject_keys", b->bst.subject_keys},
        {"targets.nss", per[0]},
        {"targets.onecrl", per[1]},
        {"targets.blob", per[2]},
        {"targets.p11-kit", per[3]},
        {"p11kit.certificates", k->certificates},
        {"p11kit.issuer_serial_only", k->nss_trust},
        {"p11kit.purpose_limited", k->nss_trust_partial},
        {"p11kit.distrust_after_roots", k->afters},
        {"p11kit.subject_key_left_out", k->subject_keys_left_out},
        {"test_cases", b->ts.cases},
        /* with a pool: */
        {"pool_certificates", b->pool.n},
        {"expanded", b->n_exp},
        {"open_paths", b->open_paths},
        /* with --certdata: */
        {"certdata_merge.added", s->added},
        {"certdata_merge.replaced", s->replaced},
        {"certdata_merge.edited", s->edited},
        {"certdata_merge.unchanged", s->unchanged},
        {"certdata_merge.relaxed", s->relaxed},
        {"certdata_merge.certificate_objects_added", s->cert_objects_added},
        {"certdata_merge.distrust_after_set", s->afters_set},
        {"certdata_merge.distrust_after_unchanged", s->afters_unchanged},
        {"certdata_merge.distrust_after_tightened", s->afters_tightened},
        {"certdata_merge.distrust_after_relaxed", s->afters_relaxed},
    };
    enum { N_ALWAYS = 21, N_POOL = 3, N_MERGE = 10 };
    _Static_assert(N_ALWAYS + N_POOL + N_MERGE == DT_ARRAY_LEN(counts), "the counts' groups");
    struct dt_count kept[DT_ARRAY_LEN(counts)];
    size_t n_kept = 0;
    for (size_t i = 0; i < DT_ARRAY_LEN(counts); i++) {
        bool pool_count = i >= N_ALWAYS && i < N_ALWAYS + N_POOL;
        bool merge_count = i >= N_ALWAYS + N_POOL;
        if ((pool_count && !b->pool.n && !b->pool.n_files) ||
            (merge_count && !o->certdata_upstream))
            continue;
        kept[n_kept++] = counts[i];
    }
    const char *up_name = NULL;
    if (o->certdata_upstream) {
        up_name = strrchr(o->certdata_upstream, '/');
        up_name = up_name ? up_name + 1 : o->certdata_upstream;
    }
    if (m->n_incidents) {
        b->incidents = json_array();
        DT_ENSURE_MEM(b->incidents);
        for (size_t i = 0; i < m->n_incidents; i++) {
            json_t *one = dt_incident_json(&m->incidents[i], false, NULL);
            DT_ENSURE_MEM(one);
            DT_ENSURE(json_array_append_new(b->incidents, one) == 0, DT_ERR_NOMEM);
        }
    }
    DT_TRY(dt_manifest_write(b->digest, b->files, b->n_files - 1, kept, n_kept, b->exp, b->n_exp,
                             up_name, up_name ? b->upstream_sha256 : NULL, b->incidents,
                             &b->release, &b->manifest));
    b->files[b->n_files - 1].data = dt_slice_make(b->manifest.data, b->manifest.len);
    b->counted = true;
out:
    return rc;
}

/* Write OUT: nothing after any error (or, with --strict, any warning);
 * else OUT is replaced atomically by the files, when there is an OUT. */
static enum dt_err stage_write_out(struct build *b)
{
    enum dt_err rc = DT_OK;
    DT_ENSURE(!b->d.errors && b->input_rc == DT_OK, DT_ERR_INPUT);
    DT_ENSURE(!(b->opts->strict && b->d.warnings), DT_ERR_STRICT);
    if (b->opts->out_dir)
        DT_TRY(dt_outdir_replace(b->opts->out_dir, b->files, b->n_files, &b->d));
out:
    return rc;
}

/* The summary of the build so far (every field zero that no stage
 * reached). */
static void summarise(const struct build *b, struct dt_build_summary *summary)
{
    memset(summary, 0, sizeof(*summary));
    summary->prune_expired = b->pst.expired;
    summary->prune_unknown = b->pst.unknown;
    summary->prune_live = b->pst.live;
    if (b->opts && b->opts->diag) {
        summary->errors = b->d.errors;
        summary->warnings = b->d.warnings;
    }
    if (b->have_policy) {
        summary->policy_files = b->policy.n_files;
        summary->rules = b->policy.n_rules;
    }
    if (b->have_model)
        summary->items = b->model.n_items;
    if (b->counted) {
        summary->pool_certs = b->pool.n;
        summary->expanded = b->n_exp;
        summary->open_paths = b->open_paths;
    }
    summary->nss_trust_objects = b->st.trust_objects;
    summary->nss_cert_objects = b->st.cert_objects;
    summary->distrust_after = b->st.afters;
    summary->onecrl_records = b->n_onecrl;
    summary->blob_issuers = b->bst.issuers;
    summary->blob_serials = b->bst.serials;
    summary->blob_subject_keys = b->bst.subject_keys;
    summary->blob_bytes = b->blob.len;
    summary->p11kit_objects = b->kst.certificates + b->kst.nss_trust + b->kst.nss_trust_partial;
    summary->test_cases = b->ts.cases;
    summary->pool_skipped = b->pool.skipped_files;
    if (b->released) {
        summary->sequence = b->release.sequence;
        summary->created = b->release.created;
    }
}

static void build_init(struct build *b, const struct dt_build_opts *opts)
{
    memset(b, 0, sizeof(*b));
    b->opts = opts;
    dt_pool_init(&b->pool);
    dt_pool_init(&b->roots);
    dt_pool_init(&b->upstream_roots);
    dt_pool_init(&b->seen);
    b->seen.kind = "chain cases";
    b->roots.kind = "root store";
    b->upstream_roots.kind = "root store";
    dt_cases_init(&b->cases);
    dt_buf_init(&b->upstream, 0);
    dt_buf_init(&b->certdata, OUT_MAX);
    dt_buf_init(&b->merged, 0);
    dt_buf_init(&b->onecrl, OUT_MAX);
    dt_buf_init(&b->onecrl_sig, OUT_MAX);
    dt_buf_init(&b->blob, 0);
    dt_buf_init(&b->p11kit, 0);
    dt_buf_init(&b->manifest, OUT_MAX);
}

static void build_free(struct build *b)
{
    json_decref(b->incidents);
    if (b->have_model)
        dt_model_free(&b->model);
    dt_pool_free(&b->pool);
    dt_pool_free(&b->roots);
    dt_pool_free(&b->upstream_roots);
    dt_pool_free(&b->seen);
    for (size_t i = 0; b->exp_strings && i < 2 * b->n_exp; i++)
        free(b->exp_strings[i]);
    free(b->exp_strings);
    free(b->exp);
    if (b->have_policy)
        dt_policy_free(&b->policy);
    dt_buf_free(&b->upstream);
    dt_buf_free(&b->certdata);
    dt_buf_free(&b->merged);
    dt_buf_free(&b->onecrl);
    dt_buf_free(&b->onecrl_sig);
    dt_buf_free(&b->blob);
    dt_buf_free(&b->p11kit);
    dt_buf_free(&b->manifest);
    dt_testscript_free(&b->ts);
    dt_cases_free(&b->cases);
    free(b->files);
}

enum dt_err dt_build_run(const struct dt_build_opts *opts, struct dt_build_summary *summary)
{
    enum dt_err rc = DT_OK;
    struct build b;
    dt_err_trace_clear();
    build_init(&b, opts);
    DT_ENSURE(opts && opts->diag, DT_ERR_USAGE);
    dt_diag_init(&b.d, opts->diag, opts->diag_ctx);
    b.progress = (struct dt_progress){opts->progress, opts->progress_ctx};

    DT_TRY(stage_load_inputs(&b));
    DT_TRY(stage_load_pools(&b));
    DT_TRY(stage_resolve(&b));
    DT_TRY(stage_checks(&b));
    DT_TRY(stage_explain(&b));
    DT_TRY(stage_release(&b));
    DT_TRY(stage_certdata(&b));
    DT_TRY(stage_merge(&b));
    DT_TRY(stage_p11kit(&b));
    DT_TRY(stage_onecrl(&b));
    DT_TRY(stage_blob(&b));
    DT_TRY(stage_testscript(&b));
    DT_TRY(stage_manifest(&b));
    DT_TRY(stage_write_out(&b));
out:
    if (rc == DT_OK && b.d.errors)
        rc = DT_ERR_INPUT; /* never succeed after reporting an error */
    if (summary)
        summarise(&b, summary);
    build_free(&b);
    return rc;
}
