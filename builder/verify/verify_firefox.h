/*
 * verify_firefox.h - chain verification by Firefox itself: a firefox-esr
 * started headless with --marionette in a fresh profile of its own, driven
 * over Marionette (marionette.h) in the chrome context, where
 * nsIX509CertDB.asyncVerifyCertAtTime runs Firefox's own verifier
 * (mozilla::pkix) on a chain at the case's time. One process per
 * configuration (the baseline, the overlay module added to the profile,
 * OneCRL's records in cert_storage) serves every case of that
 * configuration.
 */
#ifndef DT_VERIFY_FIREFOX_H
#define DT_VERIFY_FIREFOX_H

#include "cases.h"
#include "common.h"

#define DT_FIREFOX_MAX_PATH 12

/* Finds Firefox: given (the --firefox option) when not NULL, else
 * firefox-esr, then firefox, on PATH. Writes the path into out (cap bytes).
 * false when there is none (why, cap: what was looked for). */
bool dt_firefox_find(const char *given, char *out, size_t cap, char *why, size_t why_cap);

/* One Firefox configuration. Strings are borrowed for the call. */
struct dt_firefox_config {
    const char *binary;         /* the Firefox executable */
    const char *work_dir;       /* an existing directory; the profile is made in it */
    const char *overlay_module; /* NULL, or libdistrust-pkcs11.so, added to the profile's
                                 * module database with modutil, serving */
    const char *overlay_certdata; /* this certdata.txt (its "certdata=" parameter) */
    const char *onecrl_json;      /* NULL, or a OneCRL {"data": [...]} file whose records
                                   * are loaded into cert_storage */
    const char *builtin_module;   /* NULL, or libdistrust-pkcs11.so, loaded as Firefox's
                                   * built-in roots module: Firefox runs from a directory of
                                   * its own (links to its files, a copy of its executable)
                                   * where the module is libnssckbi.so, serving */
    const char *builtin_certdata; /* this certdata.txt (DISTRUST_CERTDATA, the module's rule
                                   * when it is loaded without parameters) */
};

struct dt_firefox;

/* Starts Firefox in a fresh profile under cfg->work_dir and opens a
 * Marionette session in the chrome context. *out: caller stops it with
 * dt_firefox_stop. DT_ERR_IO with why (cap bytes) when Firefox cannot be
 * started or driven, DT_ERR_NOMEM, DT_ERR_INTERRUPTED when a signal was
 * caught (interrupt.h; Firefox is then stopped and its profile gone). */
DT_MUST_USE enum dt_err dt_firefox_start(const struct dt_firefox_config *cfg,
                                         struct dt_firefox **out, char *why, size_t cap);

/* "Firefox 153.8.0esr": the running Firefox's name and version. Borrowed,
 * valid until dt_firefox_stop. */
const char *dt_firefox_version(const struct dt_firefox *ff);

/* How many OneCRL records Firefox itself ships (in force in every
 * profile: dt_firefox_start waits until cert_storage holds them). */
size_t dt_firefox_bundled_onecrl(const struct dt_firefox *ff);

/* How long the start took, in milliseconds (to the open session). */
double dt_firefox_startup_ms(const struct dt_firefox *ff);

struct dt_firefox_outcome {
    bool ran;
    bool good;
    int error;            /* Firefox's PR error code (0: verified) */
    char error_name[96];  /* its name, "SEC_ERROR_UNTRUSTED_ISSUER" */
    size_t n_path;        /* the chain Firefox built, leaf first (verified only) */
    uint8_t path_sha256[DT_FIREFOX_MAX_PATH][32];
    double ms;            /* the verification alone, as Firefox timed it */
    char failure[256];    /* why it did not run */
};

/* Whether Firefox has a verification usage for u (it has none for code
 * signing). */
bool dt_firefox_usage_supported(enum dt_usage u);

/* Verifies case k at time t (seconds): the chain's other certificates are
 * added to the profile untrusted and its anchors trusted ("C,C,C"; not when
 * a built-in roots module serves them: cfg->builtin_module), the leaf
 * verified with asyncVerifyCertAtTime (local only: no OCSP), then every
 * certificate added is deleted again. DT_OK with o->ran false when the
 * verification could not run (o->failure); DT_ERR_IO when the connection
 * to Firefox is lost, DT_ERR_NOMEM, DT_ERR_INTERRUPTED when a signal was
 * caught (interrupt.h). */
DT_MUST_USE enum dt_err dt_firefox_verify(struct dt_firefox *ff, const struct dt_case *k,
                                          int64_t t, struct dt_firefox_outcome *o);

/* Quits Firefox (Marionette:Quit, then SIGKILL after 10 s; SIGKILL at once
 * when the run is interrupted, dt_interrupt_signal), kills what is left of
 * its process group, waits for it and removes its profile. NULL is a
 * no-op. */
void dt_firefox_stop(struct dt_firefox *ff);

/* SIGKILL to the process group of every Firefox started by
 * dt_firefox_start and not yet stopped (its content processes with it);
 * how many. Async-signal-safe: for a SIGINT/SIGTERM/SIGHUP handler
 * (interrupt.h), after which dt_firefox_start, dt_firefox_verify and
 * dt_firefox_stop return at once (DT_ERR_INTERRUPTED) and the caller still
 * stops every Firefox (reaping it, removing its profile). */
size_t dt_firefox_kill_all(void);

#endif
