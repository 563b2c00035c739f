/*
 * verify_plan.c - the planning of `distrust verify` (verify_plan.h),
 * factored out of verify.c so that it can be tested without NSS.
 */
#include "verify_plan.h"

#include <stdio.h>
#include <string.h>

void dt_verify_plan_select(unsigned engines, unsigned deployments, bool has_merged,
                           struct dt_verify_selection *out)
{
    memset(out, 0, sizeof(*out));
    if (!engines)
        engines = DT_VERIFY_PKIX;
    out->nss_engines = engines & (DT_VERIFY_PKIX | DT_VERIFY_CLASSIC);
    if (deployments) {
        out->selected = deployments & DT_DEPLOY_NSS_OPENSSL;
        if (engines & DT_VERIFY_OPENSSL)
            out->selected |= DT_DEPLOY_OPENSSL;
        if ((out->selected & DT_VERIFY_PLAN_NSS_DEPLOYS) && !out->nss_engines &&
            !(engines & DT_VERIFY_FIREFOX))
            out->nss_engines = DT_VERIFY_PKIX; /* NSS deployments asked for: the default engine */
        if (engines & DT_VERIFY_FIREFOX)
            out->firefox = deployments & DT_VERIFY_PLAN_FIREFOX_DEPLOYS;
    } else {
        out->selected = (out->nss_engines ? DT_DEPLOY_OVERLAY : 0) |
                        (out->nss_engines && has_merged ? DT_DEPLOY_ROOT_STORE : 0) |
                        (engines & DT_VERIFY_OPENSSL ? DT_DEPLOY_OPENSSL : 0);
        if (engines & DT_VERIFY_FIREFOX)
            out->firefox = DT_VERIFY_PLAN_FIREFOX_DEPLOYS;
    }
    if (!(out->selected & DT_VERIFY_PLAN_NSS_DEPLOYS))
        out->nss_engines = 0;
    if (!out->nss_engines)
        out->selected &= ~DT_VERIFY_PLAN_NSS_DEPLOYS;
    size_t nss = !!(out->selected & DT_DEPLOY_OVERLAY) + !!(out->selected & DT_DEPLOY_ROOT_STORE) +
                 !!(out->selected & DT_DEPLOY_P11KIT);
    size_t eng = !!(out->nss_engines & DT_VERIFY_PKIX) + !!(out->nss_engines & DT_VERIFY_CLASSIC);
    size_t others = nss * eng + !!(out->selected & DT_DEPLOY_OPENSSL);
    /* beside Firefox's checks (always tagged) the others are tagged too */
    out->several = others > 1 || (others && out->firefox);
}

void dt_verify_plan_case(const struct dt_verify_selection *sel, unsigned case_deployments,
                         bool from_upstream, bool has_p11kit, struct dt_verify_case_plan *p)
{
    unsigned want = case_deployments ? case_deployments : DT_DEPLOY_ALL;
    unsigned s = want & sel->selected;
    memset(p, 0, sizeof(*p));
    for (int e = 0; e < 2; e++)
        for (int j = 0; j < DT_VERIFY_N_JOB_ROLES; j++)
            p->job[e][j] = DT_VERIFY_NO_JOB;
    p->deps = s & (DT_DEPLOY_OVERLAY | DT_DEPLOY_OPENSSL);
    unsigned unable = 0;
    if ((s & DT_DEPLOY_ROOT_STORE) && !from_upstream)
        unable |= DT_DEPLOY_ROOT_STORE;
    if ((s & DT_DEPLOY_P11KIT) && !has_p11kit)
        unable |= DT_DEPLOY_P11KIT;
    p->deps |= s & (DT_DEPLOY_ROOT_STORE | DT_DEPLOY_P11KIT) & ~unable;
    p->missing = unable & case_deployments;
    p->skipped = unable & ~case_deployments;
}

int dt_verify_plan_engine_index(enum dt_engine e)
{
    return e == DT_ENGINE_PKIX ? 0 : 1;
}

enum dt_err dt_verify_plan_jobs(const struct dt_verify_plan_config *c, const struct dt_case *k,
                                enum dt_engine engine, const char *anchors,
                                struct dt_verify_case_plan *p, struct dt_nss_job **jobs,
                                size_t *n_jobs, size_t *cap_jobs)
{
    enum dt_err rc = DT_OK;
    const struct dt_nss_job base = {
        .db_dir = c->db_dir,
        .rootstore_module = c->rootstore_module,
        .anchors_certdata = anchors,
        .overlay_module = c->overlay_module,
        .chain = k->chain,
        .n_chain = k->n_chain,
        .usage = k->usage,
        .time = k->has_time ? k->time : c->now,
        .engine = engine,
    };
    size_t *J = p->job[dt_verify_plan_engine_index(engine)];
    DT_TRY(dt_mem_grow((void **)jobs, cap_jobs, *n_jobs + DT_VERIFY_N_JOB_ROLES, sizeof(**jobs)));
    struct dt_nss_job *v = *jobs;
    J[DT_VERIFY_JOB_BASE] = *n_jobs;
    v[(*n_jobs)++] = base;
    if (p->deps & DT_DEPLOY_OVERLAY) {
        struct dt_nss_job j = base;
        j.overlay_certdata = c->build_certdata;
        J[DT_VERIFY_JOB_OVERLAY] = *n_jobs;
        v[(*n_jobs)++] = j;
    }
    if (p->deps & DT_DEPLOY_ROOT_STORE) {
        struct dt_nss_job j = base;
        j.anchors_certdata = c->merged_certdata;
        J[DT_VERIFY_JOB_ROOT_STORE] = *n_jobs;
        v[(*n_jobs)++] = j;
    }
    if (p->deps & DT_DEPLOY_P11KIT) {
        struct dt_nss_job j = base;
        j.anchors_certdata = NULL;
        j.p11kit_module = c->p11kit_module;
        j.p11kit_paths = p->p11_base;
        J[DT_VERIFY_JOB_P11_BASE] = *n_jobs;
        v[(*n_jobs)++] = j;
        j.p11kit_paths = p->p11_with;
        J[DT_VERIFY_JOB_P11_WITH] = *n_jobs;
        v[(*n_jobs)++] = j;
    }
out:
    return rc;
}

size_t dt_verify_plan_checks(const struct dt_verify_selection *sel,
                             const struct dt_verify_case_plan *p,
                             struct dt_verify_check out[DT_VERIFY_MAX_CHECKS])
{
    static const unsigned order[] = {DT_DEPLOY_OVERLAY, DT_DEPLOY_ROOT_STORE, DT_DEPLOY_P11KIT};
    static const enum dt_engine engines[] = {DT_ENGINE_PKIX, DT_ENGINE_CLASSIC};
    static const unsigned bits[] = {DT_VERIFY_PKIX, DT_VERIFY_CLASSIC};
    size_t n = 0;
    if (!p->deps && !p->missing)
        return 0;
    for (size_t d = 0; d < DT_ARRAY_LEN(order); d++)
        for (size_t e = 0; e < DT_ARRAY_LEN(engines); e++) {
            if (!(sel->nss_engines & bits[e]))
                continue;
            if (p->deps & order[d])
                out[n++] = (struct dt_verify_check){DT_VERIFY_CHECK_NSS, order[d], engines[e]};
            else if (p->missing & order[d])
                out[n++] = (struct dt_verify_check){DT_VERIFY_CHECK_NOT_RUN, order[d], engines[e]};
        }
    if (p->deps & DT_DEPLOY_OPENSSL)
        out[n++] =
            (struct dt_verify_check){DT_VERIFY_CHECK_OPENSSL, DT_DEPLOY_OPENSSL, DT_ENGINE_PKIX};
    return n;
}

unsigned dt_verify_plan_unchecked(const struct dt_verify_selection *sel, unsigned case_deployments,
                                  const struct dt_verify_case_plan *p)
{
    if (case_deployments && !(case_deployments & sel->selected))
        return 0;
    return p->skipped & DT_DEPLOY_P11KIT ? DT_DEPLOY_P11KIT : DT_DEPLOY_ROOT_STORE;
}

void dt_verify_plan_tag(const struct dt_verify_selection *sel, unsigned dep, enum dt_engine e,
                        char *buf, size_t cap)
{
    if (!sel->several)
        buf[0] = '\0';
    else if (dep == DT_DEPLOY_OPENSSL)
        snprintf(buf, cap, " [openssl]");
    else
        snprintf(buf, cap, " [%s/%s]", dt_cases_deployment_name(dep),
                 e == DT_ENGINE_PKIX ? "pkix" : "classic");
}
