/*
 * verify_plan.h - the planning of `distrust verify` (verify.c runs it):
 * which deployments and NSS engines a run checks, which of them judge each
 * case and which cannot (a NOT RUN check when the case names the
 * deployment, "not checked" when no deployment judges the case), the NSS
 * jobs of a case under an engine (the baseline and one configuration per
 * judging deployment), and the checks of a case in report order.
 *
 * Pure functions of their arguments: they read no file and start no
 * process, so every planning decision is testable alone
 * (tests/unit/test_verify_plan.c). Which planned jobs share an NSS worker is
 * decided by dt_verify_nss_same_config() (verify_nss.h).
 */
#ifndef DT_VERIFY_PLAN_H
#define DT_VERIFY_PLAN_H

#include "verify.h"
#include "cases.h"
#include "verify_nss.h"

/* The deployments NSS serves (the others: OpenSSL). */
#define DT_VERIFY_PLAN_NSS_DEPLOYS (DT_DEPLOY_OVERLAY | DT_DEPLOY_ROOT_STORE | DT_DEPLOY_P11KIT)
/* The deployments Firefox has (verify_firefox.h). */
#define DT_VERIFY_PLAN_FIREFOX_DEPLOYS (DT_DEPLOY_OVERLAY | DT_DEPLOY_ROOT_STORE | DT_DEPLOY_ONECRL)

/* What a run checks. */
struct dt_verify_selection {
    unsigned selected;    /* DT_DEPLOY_* bits the run checks */
    unsigned nss_engines; /* DT_VERIFY_PKIX / DT_VERIFY_CLASSIC bits that run (0 when no NSS
                           * deployment is selected) */
    bool several;         /* more than one (deployment, engine) pair, or one beside Firefox:
                           * every TAP line is tagged */
    unsigned firefox;     /* the Firefox engine's configurations beside its baseline:
                           * DT_DEPLOY_OVERLAY, DT_DEPLOY_ROOT_STORE, DT_DEPLOY_ONECRL bits
                           * (0 without DT_VERIFY_FIREFOX); its TAP lines are always tagged */
};

/* The run's selection from dt_verify_opts's engines (DT_VERIFY_* bits, 0:
 * PKIX) and deployments (DT_DEPLOY_* bits, 0: the default: overlay for the
 * NSS engines, root-store too when the build has a merged certdata.txt,
 * openssl with DT_VERIFY_OPENSSL; overlay, root-store and onecrl for
 * Firefox). NSS deployments asked for without an NSS engine run under PKIX,
 * unless Firefox is among the engines (the deployments are then Firefox's);
 * DT_VERIFY_OPENSSL always adds the openssl deployment. */
void dt_verify_plan_select(unsigned engines, unsigned deployments, bool has_merged,
                           struct dt_verify_selection *out);

/* The NSS jobs of one case under one engine, by role. */
enum dt_verify_job_role {
    DT_VERIFY_JOB_BASE = 0,   /* the anchors alone (the baseline) */
    DT_VERIFY_JOB_OVERLAY,    /* the anchors + the build's certdata-distrust.txt in overlay mode */
    DT_VERIFY_JOB_ROOT_STORE, /* the merged certdata.txt alone as the built-in roots */
    DT_VERIFY_JOB_P11_BASE,   /* p11-kit-trust.so over the anchors alone */
    DT_VERIFY_JOB_P11_WITH,   /* p11-kit-trust.so over distrust.p11-kit and the anchors */
    DT_VERIFY_N_JOB_ROLES,
};
#define DT_VERIFY_NO_JOB ((size_t)-1)

/* What judges one case. */
struct dt_verify_case_plan {
    unsigned deps;    /* the deployments that judge it */
    unsigned missing; /* named by the case and selected, but unable to judge it: NOT RUN */
    unsigned skipped; /* selected (the case names none of them), but unable to judge it */
    /* [engine index: 0 PKIX, 1 classic][role]: the job's index, or DT_VERIFY_NO_JOB */
    size_t job[2][DT_VERIFY_N_JOB_ROLES];
    const char *p11_base, *p11_with; /* p11-kit's paths= values (the run's copies) */
};

/* Which selected deployments judge a case that names case_deployments (0:
 * every deployment). The root-store deployment judges only a case whose
 * anchors are the upstream file the build's certdata.txt was merged from
 * (from_upstream), p11-kit only when p11-kit-trust.so is at hand
 * (has_p11kit); overlay and openssl judge every case they are selected for.
 * Every job index is set to DT_VERIFY_NO_JOB. */
void dt_verify_plan_case(const struct dt_verify_selection *sel, unsigned case_deployments,
                         bool from_upstream, bool has_p11kit, struct dt_verify_case_plan *p);

/* Index of an engine in dt_verify_case_plan.job. */
int dt_verify_plan_engine_index(enum dt_engine e);

/* What the jobs of every case share. Strings are borrowed and must live as
 * long as the jobs. */
struct dt_verify_plan_config {
    const char *db_dir;           /* the empty NSS database */
    const char *rootstore_module; /* the copy of the module that serves the anchors */
    const char *overlay_module;   /* libdistrust-pkcs11.so */
    const char *build_certdata;   /* OUT/certdata-distrust.txt (the overlay's) */
    const char *merged_certdata;  /* OUT/certdata.txt (the root-store deployment's) */
    const char *p11kit_module;    /* p11-kit-trust.so */
    int64_t now;                  /* the time of cases without one */
};

/* Appends to (*jobs, *n_jobs, *cap_jobs: grown with dt_mem_grow) the NSS
 * jobs of case k under engine: the baseline over anchors (the run's stored
 * copy of the case's anchors root store), then one configuration per NSS
 * deployment of p->deps (two for p11-kit: its own baseline and with the
 * build), and records their indexes in p->job. DT_ERR_NOMEM only. */
DT_MUST_USE enum dt_err dt_verify_plan_jobs(const struct dt_verify_plan_config *c,
                                            const struct dt_case *k, enum dt_engine engine,
                                            const char *anchors, struct dt_verify_case_plan *p,
                                            struct dt_nss_job **jobs, size_t *n_jobs,
                                            size_t *cap_jobs);

/* One check of a case, in report order. */
enum dt_verify_check_kind {
    DT_VERIFY_CHECK_NSS = 0, /* a verdict of an NSS deployment under an engine */
    DT_VERIFY_CHECK_NOT_RUN, /* a deployment the case names cannot judge it: a failure */
    DT_VERIFY_CHECK_OPENSSL, /* the OpenSSL verdict */
};
struct dt_verify_check {
    enum dt_verify_check_kind kind;
    unsigned dep;
    enum dt_engine engine; /* DT_ENGINE_PKIX for OpenSSL */
};
#define DT_VERIFY_MAX_CHECKS 7 /* 3 NSS deployments x 2 engines + OpenSSL */

/* The checks of a case in report order: each NSS deployment (overlay,
 * root-store, p11-kit) under each selected engine (PKIX, classic), a
 * verdict when it judges the case and NOT RUN when the case names it but it
 * cannot; then OpenSSL. Returns how many (at most DT_VERIFY_MAX_CHECKS); 0
 * means the case is not checked (see dt_verify_plan_unchecked). */
size_t dt_verify_plan_checks(const struct dt_verify_selection *sel,
                             const struct dt_verify_case_plan *p,
                             struct dt_verify_check out[DT_VERIFY_MAX_CHECKS]);

/* Why a case with no check is not checked: its deployments are not among
 * the run's (0), or the run's p11-kit (DT_DEPLOY_P11KIT) or root-store
 * (DT_DEPLOY_ROOT_STORE) deployment cannot judge it. */
unsigned dt_verify_plan_unchecked(const struct dt_verify_selection *sel, unsigned case_deployments,
                                  const struct dt_verify_case_plan *p);

/* The tag of a check's TAP line when the run has several: " [openssl]",
 * " [overlay/pkix]"; "" otherwise. */
void dt_verify_plan_tag(const struct dt_verify_selection *sel, unsigned dep, enum dt_engine e,
                        char *buf, size_t cap);

#endif
