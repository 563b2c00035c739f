/*
 * verify_nss.h - one chain verification under real NSS, in a fresh process.
 *
 * NSS and libpkix cache trust inside a process (on the CERTCertificate, in
 * the PKIX chain cache, in the modules' sessions), so every configuration
 * runs in children of its own: fork, NSS_Initialize, load the PKCS#11
 * modules, then per chain make its temporary certificates, verify, destroy
 * them and report through a pipe; shut NSS down, exit. The parent never
 * initialises NSS.
 */
#ifndef DT_VERIFY_NSS_H
#define DT_VERIFY_NSS_H

#include "cases.h"

enum dt_engine {
    DT_ENGINE_PKIX = 1,    /* CERT_PKIXVerifyCert (vfychain -pp) */
    DT_ENGINE_CLASSIC = 2, /* CERT_VerifyCertificate (vfychain without -p) */
};

struct dt_nss_job {
    const char *db_dir;           /* an empty NSS database (dt_verify_nss_make_db), opened read-only */
    const char *rootstore_module; /* a copy of libdistrust-pkcs11.so for the anchors */
    const char *anchors_certdata; /* served in root-store mode; NULL: no such module */
    const char *overlay_module;   /* libdistrust-pkcs11.so */
    const char *overlay_certdata; /* served in overlay mode; NULL for the baseline */
    const char *p11kit_module;    /* p11-kit-trust.so, loaded first when set, */
    const char *p11kit_paths;     /* with its paths= parameter ("DIST:ANCHORS") */
    struct dt_cert *const *chain; /* leaf first */
    size_t n_chain;
    enum dt_usage usage;
    int64_t time;
    enum dt_engine engine;
    int timeout_s; /* 0: 120 seconds */
};

#define DT_NSS_MAX_PATH 12

struct dt_nss_outcome {
    bool ran;   /* NSS was set up and the verification ran */
    bool good;  /* SECSuccess */
    long error; /* PORT_GetError() on failure */
    char error_name[64];
    size_t n_path; /* the chain NSS built or accepted, leaf first */
    uint8_t path_sha256[DT_NSS_MAX_PATH][32];
    bool have_anchor;
    uint8_t anchor_sha256[32];
    /* The distrust-after dates NSS read for the anchor (cert->distrust:
     * only from a read-only token with a root list, as nssckbi) */
    bool anchor_server_after, anchor_email_after;
    int64_t anchor_server_date, anchor_email_date;
    size_t n_log; /* NSS's verify log: where the chain failed */
    struct {
        unsigned depth;
        long error;
        char error_name[48];
        bool have_cert;
        uint8_t sha256[32];
    } log[16];
    bool foreign;       /* NSS used a certificate another job of the process left
                         * (the scheduler reruns the job alone; never set in a result) */
    bool leaked;        /* a certificate of this job stayed known to NSS after it:
                         * its process took no further job */
    char failure[512];  /* why the run could not happen (module load, NSS init, crash) */
    char shutdown[128]; /* non-empty when NSS_Shutdown failed (references leaked) */
};

/* Runs the job in a fresh child process and fills out. Returns DT_OK when
 * the child reported back (out->ran says whether NSS got to verify); an
 * internal error when the child could not be started or died (out->failure
 * says why). */
DT_MUST_USE enum dt_err dt_verify_nss_verify(const struct dt_nss_job *job, struct dt_nss_outcome *out);

struct dt_nss_run_opts {
    size_t procs; /* worker processes at once (0: 1) */
    bool fresh;   /* every job in a process of its own (as one vfychain per chain) */
    void (*progress)(size_t done, size_t total, void *ctx); /* NULL, or after each result */
    void *progress_ctx;
};

struct dt_nss_run_stats {
    size_t processes; /* worker processes started */
    size_t rerun;     /* jobs run again alone: NSS used another job's certificate */
    size_t leaked;    /* workers stopped early: a job's certificate stayed in NSS */
};

/* Whether two jobs have one configuration (database, modules, certdata
 * files, p11-kit paths, engine): dt_verify_nss_run gives such jobs a shared
 * worker; they may differ only in chain, usage and time. */
bool dt_verify_nss_same_config(const struct dt_nss_job *a, const struct dt_nss_job *b);

/* Runs many jobs in worker processes, procs at a time. Jobs that share a
 * configuration (database, modules, certdata files, engine) share a worker,
 * which initialises NSS and loads the modules once and verifies its jobs
 * one after another, each chain's temporary certificates destroyed before
 * the next. Isolation is checked, not assumed: a job whose path or verify
 * log holds a temporary certificate of another job is run again in a
 * process of its own, and a worker after which a job's certificate is still
 * known to NSS takes no further job (the rest go to a new worker). Different
 * configurations never share a process (NSS caches trust per process).
 * outs[i] and each[i] (each may be NULL) receive job i's outcome and status;
 * the return value is the last failure. A signal caught (interrupt.h) kills
 * and reaps every worker: DT_ERR_INTERRUPTED, the outcomes not to be used. */
DT_MUST_USE enum dt_err dt_verify_nss_run(const struct dt_nss_job *jobs, struct dt_nss_outcome *outs,
                                   size_t n, const struct dt_nss_run_opts *opts, enum dt_err *each,
                                   struct dt_nss_run_stats *stats);

/* Creates an empty NSS database (cert9.db, key4.db) in dir, from a child
 * process. The verifications open it read-only, as vfychain -d does. */
DT_MUST_USE enum dt_err dt_verify_nss_make_db(const char *dir, char *failure, size_t cap);

/* NSS's name for an error code ("SEC_ERROR_UNTRUSTED_ISSUER"), computed in
 * the child; this table covers the codes the verifier reasons about. */
const char *dt_verify_nss_error_hint(long code);

#endif
