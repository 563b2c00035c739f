/*
 * deadlines.c - `distrust deadlines`: the incident report (deadlines.h).
 */
#include "deadlines.h"

#include "incident.h"
#include "nssname.h"
#include "pool.h"
#include "model.h"
#include "time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *when(int64_t t, char buf[32])
{
    dt_time_format_rfc3339(t, buf);
    return buf;
}

/* The notAfter of each serial's certificate when the pool holds it, into
 * *out (caller frees). */
static enum dt_err expiries(const struct dt_incident_eval *e, const struct dt_pool *pool,
                            int64_t **out)
{
    enum dt_err rc = DT_OK;
    int64_t *na = malloc((e->n_serials ? e->n_serials : 1) * sizeof(*na));
    DT_ENSURE_MEM(na);
    for (size_t i = 0; i < e->n_serials; i++) {
        na[i] = INT64_MIN;
        if (!pool)
            continue;
        uint8_t key[32];
        DT_TRY(dt_idkey_issuer_serial(e->issuer, e->serials[i].serial, key));
        for (uint32_t it = dt_dmap_first(&pool->by_issuer_serial, key); it != DT_DMAP_END;
             it = dt_dmap_next(&pool->by_issuer_serial, it, key)) {
            const struct dt_cert *c = pool->v[dt_dmap_value(&pool->by_issuer_serial, it)].cert;
            if (dt_slice_eq(c->info.issuer, e->issuer) &&
                dt_slice_eq(c->info.serial, e->serials[i].serial))
                na[i] = c->not_after;
        }
    }
    *out = na;
    na = NULL;
out:
    free(na);
    return rc;
}

static enum dt_err markdown(const struct dt_incident_eval *e, const int64_t *na, size_t max_rows,
                            struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    const struct dt_rule *r = e->rule;
    char t1[32], t2[32];
    char *issuer = dt_nssname_text(e->issuer);
    DT_ENSURE_MEM(issuer);
    DT_TRY(dt_buf_printf(out, "## %s\n\n", r->label ? r->label : "Incident"));
    DT_TRY(
        dt_buf_printf(out, "- Entry: %s %s\n- Issuer: %s\n", r->file->name, r->json_path, issuer));
    if (r->bug)
        DT_TRY(dt_buf_printf(out, "- Bug: %s\n", r->bug));
    int64_t past = e->now - e->deadline;
    if (e->overdue)
        DT_TRY(dt_buf_printf(out, "- Deadline: %s, **passed %lld hours ago** (%.1f days)\n",
                             when(e->deadline, t1), (long long)(past / 3600),
                             (double)past / 86400.0));
    else
        DT_TRY(dt_buf_printf(out, "- Deadline: %s, in %lld hours\n", when(e->deadline, t1),
                             (long long)(-past / 3600)));
    DT_TRY(dt_buf_printf(out, "- Serials: %zu (%s)\n\n", e->n_serials,
                         dt_policy_relpath(r, r->serials_file)));

    /* Counts. */
    int64_t worst = 0;
    for (size_t i = 0; i < e->n_serials; i++)
        if (e->serials[i].klass == DT_INC_LATE && e->serials[i].revoked_at - e->deadline > worst)
            worst = e->serials[i].revoked_at - e->deadline;
    DT_TRY(dt_buf_puts(out, "| class | serials |\n| --- | --- |\n"));
    DT_TRY(dt_buf_printf(out, "| revoked on time | %zu |\n", e->count[DT_INC_ON_TIME]));
    DT_TRY(dt_buf_printf(out, "| revoked late | %zu", e->count[DT_INC_LATE]));
    if (e->count[DT_INC_LATE])
        DT_TRY(dt_buf_printf(out, " (the latest %lld hours after the deadline)",
                             (long long)(worst / 3600)));
    DT_TRY(dt_buf_printf(out, " |\n| not revoked | %zu", e->count[DT_INC_UNREVOKED]));
    if (e->on_hold || e->on_stale)
        DT_TRY(dt_buf_printf(out, " (%zu on hold, %zu only on CRLs that are not current)",
                             e->on_hold, e->on_stale));
    DT_TRY(dt_buf_puts(out, " |\n\n"));

    /* CRLs. */
    if (!e->n_crls) {
        DT_TRY(dt_buf_puts(out, "No CRL given: every serial counts as not revoked.\n\n"));
    } else {
        DT_TRY(dt_buf_puts(out, "| CRL | number | thisUpdate | nextUpdate | entries | status |\n"
                                "| --- | --- | --- | --- | --- | --- |\n"));
        const struct dt_crl_info *newest = NULL;
        for (size_t i = 0; i < e->n_crls; i++) {
            const struct dt_crl_info *c = &e->crls[i];
            DT_TRY(dt_buf_printf(out, "| %s | %s | %s | %s | %zu | %s |\n", c->path,
                                 c->number[0] ? c->number : "-", when(c->this_update, t1),
                                 c->has_next ? when(c->next_update, t2) : "-", c->entries,
                                 c->not_yet ? "not yet valid: not counted"
                                 : c->stale ? "**stale: not counted**"
                                            : "current"));
            if (!c->stale && !c->not_yet && (!newest || c->this_update > newest->this_update))
                newest = c;
        }
        if (newest)
            DT_TRY(dt_buf_printf(out, "\nNewest current CRL: %s, thisUpdate %s, nextUpdate %s.\n\n",
                                 newest->path, when(newest->this_update, t1),
                                 newest->has_next ? when(newest->next_update, t2) : "none"));
        else
            DT_TRY(dt_buf_puts(out, "\n**No current CRL**: nothing counts as revoked.\n\n"));
    }

    /* The unrevoked: what the next build adds, and when they expire. */
    size_t un = e->count[DT_INC_UNREVOKED], known = 0;
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t i = 0; i < e->n_serials; i++)
        if (e->serials[i].klass == DT_INC_UNREVOKED && na[i] != INT64_MIN) {
            known++;
            first = na[i] < first ? na[i] : first;
            last = na[i] > last ? na[i] : last;
        }
    if (un) {
        if (e->overdue)
            DT_TRY(dt_buf_printf(
                out, "### Not revoked (%zu): the next build distrusts them (%s)\n\n", un,
                (r->targets & (DT_TARGET_ONECRL | DT_TARGET_BLOB)) ==
                        (DT_TARGET_ONECRL | DT_TARGET_BLOB)
                    ? "OneCRL and the blob"
                    : "its targets"));
        else
            DT_TRY(dt_buf_printf(out,
                                 "### Not revoked yet (%zu): no entry before the deadline; the "
                                 "first build after it distrusts those still unrevoked\n\n",
                                 un));
        if (known)
            DT_TRY(dt_buf_printf(out,
                                 "Their certificates expire between %s and %s (%zu of %zu found "
                                 "in the pool).\n\n",
                                 when(first, t1), when(last, t2), known, un));
        else
            DT_TRY(dt_buf_puts(out, "Their expiry is unknown: give the certificates with "
                                    "--pool.\n\n"));
        DT_TRY(dt_buf_puts(out, "| serial | line | expires | note |\n| --- | --- | --- | --- |\n"));
        size_t shown = 0;
        for (size_t i = 0; i < e->n_serials && shown < max_rows; i++) {
            const struct dt_inc_serial *s = &e->serials[i];
            if (s->klass != DT_INC_UNREVOKED)
                continue;
            char hex[2 * 255 + 1];
            dt_incident_hex(s->serial, hex);
            DT_TRY(dt_buf_printf(out, "| %s | %u | %s | %s |\n", hex, s->line,
                                 na[i] != INT64_MIN ? when(na[i], t1) : "unknown",
                                 s->on_hold    ? "on hold (certificateHold)"
                                 : s->on_stale ? "revoked only on a CRL that is not current"
                                               : ""));
            shown++;
        }
        if (un > shown)
            DT_TRY(dt_buf_printf(out, "| … %zu more (--json lists all) | | | |\n", un - shown));
        DT_TRY(dt_buf_puts(out, "\n"));
    } else {
        DT_TRY(dt_buf_puts(out, "### Every serial is revoked: the next build adds no entry\n\n"));
    }
    if (e->count[DT_INC_LATE]) {
        DT_TRY(dt_buf_printf(out,
                             "### Revoked late (%zu)\n\n| serial | line | revoked | hours "
                             "late |\n| --- | --- | --- | --- |\n",
                             e->count[DT_INC_LATE]));
        size_t shown = 0;
        for (size_t i = 0; i < e->n_serials && shown < max_rows; i++) {
            const struct dt_inc_serial *s = &e->serials[i];
            if (s->klass != DT_INC_LATE)
                continue;
            char hex[2 * 255 + 1];
            dt_incident_hex(s->serial, hex);
            DT_TRY(dt_buf_printf(out, "| %s | %u | %s | %lld |\n", hex, s->line,
                                 when(s->revoked_at, t1),
                                 (long long)((s->revoked_at - e->deadline) / 3600)));
            shown++;
        }
        if (e->count[DT_INC_LATE] > shown)
            DT_TRY(dt_buf_printf(out, "| … %zu more (--json lists all) | | | |\n",
                                 e->count[DT_INC_LATE] - shown));
        DT_TRY(dt_buf_puts(out, "\n"));
    }
out:
    free(issuer);
    return rc;
}

enum dt_err dt_deadlines_report(const struct dt_deadlines_opts *o, struct dt_buf *out,
                                struct dt_deadlines_summary *sum, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_policy policy;
    struct dt_pool pool;
    struct dt_model model;
    bool have_policy = false, have_model = false;
    json_t *doc = NULL;
    char *text = NULL;
    struct dt_deadlines_summary local;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof(*sum));
    dt_pool_init(&pool);
    if (!o || !out || !d)
        return DT_ERR_USAGE;
    enum dt_err prc = dt_policy_load(&policy, o->policies, o->n_policies, d);
    have_policy = true;
    if (prc != DT_OK)
        DT_TRY(prc);
    for (size_t i = 0; i < o->n_pools; i++)
        DT_TRY(dt_pool_add(&pool, o->pools[i], NULL, d, NULL, NULL));
    for (size_t f = 0; f < policy.n_files; f++)
        for (size_t i = 0; i < policy.files[f].n_pools; i++)
            DT_TRY(dt_pool_add(&pool, policy.files[f].pools[i], policy.files[f].pool_names[i], d,
                               NULL, NULL));
    enum dt_err rrc = dt_model_resolve(&policy, pool.n ? &pool : NULL, NULL, &model, &o->now, d, NULL);
    have_model = true;
    DT_TRY(rrc);
    if (!model.n_incidents) {
        rc = dt_diag_fail(d, NULL, DT_ERR_INPUT,
                     "the policies hold no incident entry (\"incident_serials\" with "
                     "\"revoke_by\"): nothing to report");
        goto out;
    }
    sum->incidents = model.n_incidents;
    size_t max_rows = o->max_rows ? o->max_rows : 50;
    char t[32];
    if (o->json) {
        json_t *arr = json_array();
        doc = json_pack("{s:s, s:o}", "evaluated_at", when(o->now, t), "incidents",
                        arr ? arr : json_null());
        DT_ENSURE_MEM(doc && arr);
    } else {
        DT_TRY(dt_buf_printf(out, "# Revocation deadlines at %s\n\n", when(o->now, t)));
    }
    for (size_t i = 0; i < model.n_incidents; i++) {
        const struct dt_incident_eval *e = &model.incidents[i];
        if (e->overdue)
            sum->overdue += e->count[DT_INC_UNREVOKED];
        int64_t *na;
        DT_TRY(expiries(e, pool.n ? &pool : NULL, &na));
        if (o->json) {
            json_t *one = dt_incident_json(e, true, na);
            free(na);
            DT_ENSURE_MEM(one);
            DT_ENSURE(json_array_append_new(json_object_get(doc, "incidents"), one) == 0,
                      DT_ERR_NOMEM);
        } else {
            rc = markdown(e, na, max_rows, out);
            free(na);
            DT_TRY(rc);
        }
    }
    if (o->json) {
        text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
        DT_ENSURE_MEM(text);
        DT_TRY(dt_buf_puts(out, text));
        DT_TRY(dt_buf_putc(out, '\n'));
    }
out:
    free(text);
    json_decref(doc);
    if (have_model)
        dt_model_free(&model);
    if (have_policy)
        dt_policy_free(&policy);
    dt_pool_free(&pool);
    return rc;
}
