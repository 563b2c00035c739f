/*
 * build.c - the pipeline: load, resolve, emit, write OUT atomically.
 */
#include "caps.h"
#include "cert.h"
#include "certdata.h"
#include "manifest.h"
#include "outdir.h"
#include "policy.h"
#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * policy files (by stable name) and the files they name (as written). It
 * depends on contents and names only, not on order, paths or the clock. */
static enum dt_err policy_digest(const struct dt_policy *p, const struct dt_model *m, char out[65])
{
    enum dt_err rc = DT_OK;
    size_t n = p->n_files + m->n_inputs;
    struct digest_line *lines = dt_calloc(n, sizeof(*lines));
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
    qsort(lines, n, sizeof(*lines), cmp_lines);
    for (size_t i = 0; i < n; i++)
        DT_TRY(dt_buf_puts(&all, lines[i].text));
    uint8_t d[32];
    dt_sha256(dt_slice_make(all.data, all.len), d);
    hex(d, 32, out);
out:
    free(lines);
    dt_buf_free(&all);
    return rc;
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

static void note_pending(struct dt_diags *d, const uint64_t per[4])
{
    char list[128] = "";
    uint64_t total = 0;
    for (unsigned b = 1; b < 4; b++) {
        if (!per[b])
            continue;
        char one[48];
        snprintf(one, sizeof(one), "%s%s (%llu)", list[0] ? ", " : "", dt_target_name(1u << b),
                 (unsigned long long)per[b]);
        strncat(list, one, sizeof(list) - strlen(list) - 1);
        total += per[b];
    }
    if (total)
        dt_note(d, NULL,
                "entries also target %s; this version writes the NSS output only "
                "(certdata-distrust.txt), so those targets are not written yet",
                list);
}

enum dt_err dt_build_run(const struct dt_build_opts *opts, struct dt_build_summary *summary)
{
    enum dt_err rc = DT_OK;
    struct dt_diags d;
    struct dt_policy policy;
    struct dt_model model;
    struct dt_buf certdata, manifest;
    bool have_policy = false, have_model = false;
    char digest[65] = "";
    struct dt_certdata_stats st;
    memset(&st, 0, sizeof(st));

    dt_trace_clear();
    dt_buf_init(&certdata, OUT_MAX);
    dt_buf_init(&manifest, OUT_MAX);
    if (!opts || !opts->diag) {
        rc = DT_ERR_USAGE;
        goto out;
    }
    dt_diags_init(&d, opts->diag, opts->diag_ctx);
    struct dt_progress progress = {opts->progress, opts->progress_ctx};

    if (opts->out_dir)
        DT_TRY(dt_outdir_check(opts->out_dir, &d));

    enum dt_err prc = dt_policy_load(&policy, opts->policies, opts->n_policies, &d);
    have_policy = true;
    if (prc != DT_OK && prc != DT_ERR_INPUT) {
        rc = prc;
        goto out;
    }
    /* Entries without errors are still resolved, so that one run reports
     * the problems of the files they name too. */
    enum dt_err rrc = dt_resolve(&policy, &model, &d, &progress);
    have_model = true;
    if (prc != DT_OK || rrc != DT_OK) {
        rc = prc != DT_OK ? prc : rrc;
        goto out;
    }
    DT_TRY(policy_digest(&policy, &model, digest));
    DT_TRY(dt_certdata_write(&model, digest, &certdata, &st));

    uint64_t per[4];
    target_counts(&model, per);
    note_pending(&d, per);
    if (!(per[0]))
        dt_warn(&d, NULL, "no entry targets NSS: certdata-distrust.txt holds no objects");

    struct dt_outfile files[2] = {
        {"certdata-distrust.txt", dt_slice_make(certdata.data, certdata.len)},
        {"manifest.json", {NULL, 0}},
    };
    struct dt_count counts[] = {
        {"policy_files", policy.n_files},
        {"entries", policy.n_rules},
        {"issuer_serial", model.n_items},
        {"subject_key", model.n_skeys},
        {"distrust_after_roots", model.n_afters},
        {"nss_trust_objects", st.trust_objects},
        {"nss_certificate_objects", st.cert_objects},
        {"targets.nss", per[0]},
        {"targets.onecrl", per[1]},
        {"targets.blob", per[2]},
        {"targets.p11-kit", per[3]},
    };
    DT_TRY(dt_manifest_write(digest, files, 1, counts, DT_ARRAY_LEN(counts), &manifest));
    files[1].data = dt_slice_make(manifest.data, manifest.len);

    if (d.errors) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    if (opts->strict && d.warnings) {
        rc = DT_ERR_STRICT;
        goto out;
    }
    if (opts->out_dir)
        DT_TRY(dt_outdir_replace(opts->out_dir, files, 2, &d));
out:
    if (rc == DT_OK && opts && opts->diag && d.errors)
        rc = DT_ERR_INPUT; /* never succeed after reporting an error */
    if (summary) {
        memset(summary, 0, sizeof(*summary));
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
    if (have_policy)
        dt_policy_free(&policy);
    dt_buf_free(&certdata);
    dt_buf_free(&manifest);
    return rc;
}
