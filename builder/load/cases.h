/*
 * cases.h - chain case files: which chains to replay, against which trust
 * anchors, for which usage and time, and what the verdict must be.
 *
 *   { "cases": [ {"name": "fraudulent login.live.com",
 *                 "chain": ["leaf.pem", "inter.pem"],   files, leaf first
 *                 "anchors": ["root.pem"],             or "roots/certdata.txt"
 *                 "usage": "server",                   default server
 *                 "time": "2011-03-17T00:00:00Z",      default: now
 *                 "expect": "distrusted",              or "trusted"
 *                 "deployments": ["overlay"]} ] }      default: every one the run checks
 *
 * Paths are relative to the case file. A chain file may hold several
 * certificates (a PEM bundle, leaf first).
 */
#ifndef DT_CASES_H
#define DT_CASES_H

#include "cert.h"
#include "json.h"

/* Deployments: the real client a verdict models (verify.h, doc/verify.md).
 * Each is credited only with the effects its client has. Named here, the
 * lowest layer that reads them (a case's "deployments"). */
#define DT_DEPLOY_OVERLAY                                    \
    1u /* NSS + libdistrust-pkcs11.so (overlay mode) serving \
        * OUT/certdata-distrust.txt over the case's anchors: \
        * trust objects, never distrust-after dates */
#define DT_DEPLOY_ROOT_STORE                               \
    2u /* OUT/certdata.txt (build --certdata) alone as the \
        * built-in roots: trust objects and its dates */
#define DT_DEPLOY_P11KIT                                      \
    4u /* NSS + p11-kit-trust.so serving OUT/distrust.p11-kit \
        * and the case's anchors: trust objects, never dates */
#define DT_DEPLOY_OPENSSL                                 \
    8u /* X509_verify_cert with OUT/revocations.blob: the \
        * blob's entries, never dates */
#define DT_DEPLOY_ONECRL                                   \
    16u /* Firefox with OUT/onecrl.json's records in its   \
         * cert_storage (the Firefox engine alone judges it) */
#define DT_DEPLOY_ALL 31u
/* The deployments NSS or OpenSSL judge (the others: Firefox alone). */
#define DT_DEPLOY_NSS_OPENSSL 15u

enum dt_usage {
    DT_USAGE_SERVER = 0,
    DT_USAGE_CLIENT,
    DT_USAGE_EMAIL_SIGNER,
    DT_USAGE_EMAIL_RECIPIENT,
    DT_USAGE_CODE_SIGNING,
    DT_USAGE_SSL_CA,
};

struct dt_case {
    const char *name;
    const char *file;       /* the case file, as given */
    const char *json_path;  /* "/cases/3" */
    struct dt_cert **chain; /* borrowed from dt_cases.certs; leaf first */
    size_t n_chain;
    struct dt_cert **anchors; /* anchor certificates, or */
    size_t n_anchors;
    const char *anchors_certdata; /* a certdata.txt root store (absolute path) */
    enum dt_usage usage;
    bool has_time;
    int64_t time;
    bool expect_distrusted;
    unsigned deployments; /* DT_DEPLOY_* bits named by "deployments"; 0: not given
                           * (every deployment the run checks judges the case) */
};

struct dt_cases {
    struct dt_case *v;
    size_t n, cap;
    struct dt_certlist certs; /* owns every certificate */
    struct dt_arena arena;
};

/* Initialises an empty set (dt_cases_load does this itself). */
void dt_cases_init(struct dt_cases *c);

/* Loads case files (all problems reported at file:line:col and JSON
 * pointer). Returns DT_ERR_INPUT if any error was found. openssl_check:
 * warn about certificates OpenSSL does not parse (costly: about 0.1 ms a
 * certificate; verify asks only when the OpenSSL engine runs, since NSS
 * decodes every certificate itself). */
DT_MUST_USE enum dt_err dt_cases_load(struct dt_cases *c, const char *const *paths, size_t n,
                                      bool openssl_check, struct dt_diags *d);
/* dt_cases_load for files named by a command-line option (e.g. "--cases"):
 * a file that cannot be opened is reported at the option. */
DT_MUST_USE enum dt_err dt_cases_load_named(struct dt_cases *c, const char *const *paths, size_t n,
                                            bool openssl_check, const char *option,
                                            struct dt_diags *d);
/* Adds one case file from memory to an initialised set (fuzzing, tests):
 * dir resolves its paths. */
DT_MUST_USE enum dt_err dt_cases_load_text(struct dt_cases *c, const char *display, const char *dir,
                                           const char *text, size_t len, struct dt_diags *d);
void dt_cases_free(struct dt_cases *c);

const char *dt_cases_usage_name(enum dt_usage u);
/* The name of one DT_DEPLOY_* bit ("overlay", "root-store", "p11-kit",
 * "openssl"), or "?". */
const char *dt_cases_deployment_name(unsigned bit);
/* The DT_DEPLOY_* bit a name stands for, or 0; *suggest (may be NULL) gets
 * the closest name for a misspelling, or NULL. */
unsigned dt_cases_deployment_parse(const char *name, const char **suggest);
/* "overlay, root-store" for the bits set, in a fixed order. */
void dt_cases_deployments_text(unsigned bits, char *out, size_t cap);
/* vfychain's -u number for a usage. */
int dt_cases_usage_vfychain(enum dt_usage u);

#endif
