/*
 * verify_nss.h - one chain verification under real NSS, in a fresh process.
 *
 * NSS and libpkix cache trust inside a process (on the CERTCertificate, in
 * the PKIX chain cache, in the modules' sessions), so every configuration
 * runs in a child of its own: fork, NSS_NoDB_Init, load the PKCS#11 modules,
 * make the chain temporary certificates, verify, report through a pipe,
 * shut NSS down, exit. The parent never initialises NSS.
 */
#ifndef DT_VERIFY_NSS_H
#define DT_VERIFY_NSS_H

#include "cases.h"

enum dt_engine {
    DT_ENGINE_PKIX = 1,    /* CERT_PKIXVerifyCert (vfychain -pp) */
    DT_ENGINE_CLASSIC = 2, /* CERT_VerifyCertificate (vfychain without -p) */
};

struct dt_nss_job {
    const char *db_dir;           /* an empty NSS database (dt_nss_make_db), opened read-only */
    const char *rootstore_module; /* a copy of libdistrust-pkcs11.so for the anchors */
    const char *anchors_certdata; /* served in root-store mode */
    const char *overlay_module;   /* libdistrust-pkcs11.so */
    const char *overlay_certdata; /* served in overlay mode; NULL for the baseline */
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
    size_t n_log; /* NSS's verify log: where the chain failed */
    struct {
        unsigned depth;
        long error;
        char error_name[48];
        bool have_cert;
        uint8_t sha256[32];
    } log[16];
    char failure[512];  /* why the run could not happen (module load, NSS init, crash) */
    char shutdown[128]; /* non-empty when NSS_Shutdown failed (references leaked) */
};

/* Runs the job in a child process and fills out. Returns DT_OK when the
 * child reported back (out->ran says whether NSS got to verify); an internal
 * error when the child could not be started or died (out->failure says why). */
DT_MUST_USE enum dt_err dt_nss_verify(const struct dt_nss_job *job, struct dt_nss_outcome *out);

/* Up to DT_NSS_MAX_PARALLEL independent verifications at once, each in its
 * own fresh process (the configurations never share a process, so NSS's
 * caches cannot leak between them); each[i] (may be NULL) gets each one's
 * status, the return value the last failure. */
#define DT_NSS_MAX_PARALLEL 8
DT_MUST_USE enum dt_err dt_nss_verify_many(const struct dt_nss_job *jobs,
                                           struct dt_nss_outcome *outs, size_t n,
                                           enum dt_err *each);

/* Creates an empty NSS database (cert9.db, key4.db) in dir, from a child
 * process. The verifications open it read-only, as vfychain -d does. */
DT_MUST_USE enum dt_err dt_nss_make_db(const char *dir, char *failure, size_t cap);

/* NSS's name for an error code ("SEC_ERROR_UNTRUSTED_ISSUER"), computed in
 * the child; this table covers the codes the verifier reasons about. */
const char *dt_nss_error_hint(long code);

#endif
