/*
 * verify_nss.c - the child side of a verification: real NSS, fresh process.
 */
#include "verify_nss.h"

#include "interrupt.h"

#include "cert.h"
#include "time.h"

#include <cert.h>
#include <certdb.h>
#include <errno.h>
#include <limits.h>
#include <nss.h>
#include <pk11pub.h>
#include <poll.h>
#include <prerror.h>
#include <secerr.h>
#include <secmod.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *dt_verify_nss_error_hint(long code)
{
    switch (code) {
    case SEC_ERROR_UNTRUSTED_CERT:
        return "the certificate is marked as not trusted";
    case SEC_ERROR_UNTRUSTED_ISSUER:
        return "an issuer is marked as not trusted";
    case SEC_ERROR_UNKNOWN_ISSUER:
        return "no path to a trust anchor";
    case SEC_ERROR_EXPIRED_CERTIFICATE:
        return "a certificate is expired (or not yet valid) at the case's time";
    case SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE:
        return "an issuer is expired at the case's time";
    case SEC_ERROR_INADEQUATE_CERT_TYPE:
    case SEC_ERROR_INADEQUATE_KEY_USAGE:
        return "the certificate is not valid for this usage";
    case SEC_ERROR_BAD_SIGNATURE:
        return "a signature does not verify";
    case SEC_ERROR_REVOKED_CERTIFICATE:
        return "a certificate is revoked";
    case SEC_ERROR_INVALID_ARGS:
        return "NSS refused the verification's arguments";
    default:
        return NULL;
    }
}

static SECCertificateUsage cert_usage(enum dt_usage u)
{
    switch (u) {
    case DT_USAGE_CLIENT:
        return certificateUsageSSLClient;
    case DT_USAGE_EMAIL_SIGNER:
        return certificateUsageEmailSigner;
    case DT_USAGE_EMAIL_RECIPIENT:
        return certificateUsageEmailRecipient;
    case DT_USAGE_CODE_SIGNING:
        return certificateUsageObjectSigner;
    case DT_USAGE_SSL_CA:
        return certificateUsageSSLCA;
    case DT_USAGE_SERVER:
    default:
        return certificateUsageSSLServer;
    }
}

static SECCertUsage classic_usage(enum dt_usage u)
{
    switch (u) {
    case DT_USAGE_CLIENT:
        return certUsageSSLClient;
    case DT_USAGE_EMAIL_SIGNER:
        return certUsageEmailSigner;
    case DT_USAGE_EMAIL_RECIPIENT:
        return certUsageEmailRecipient;
    case DT_USAGE_CODE_SIGNING:
        return certUsageObjectSigner;
    case DT_USAGE_SSL_CA:
        return certUsageSSLCA;
    case DT_USAGE_SERVER:
    default:
        return certUsageSSLServer;
    }
}

/* Appends s to out (holding *len bytes) with a backslash before each
 * backslash and double quote: a value inside double quotes, as both NSS's
 * module spec parser and libdistrust-pkcs11.so's parameter parser read it
 * (each removes one level). False when out is full. */
static bool spec_quoted(char *out, size_t cap, size_t *len, const char *s)
{
    if (*len + 1 >= cap)
        return false;
    out[(*len)++] = '"';
    for (; *s; s++) {
        if (*len + 3 >= cap)
            return false;
        if (*s == '"' || *s == '\\')
            out[(*len)++] = '\\';
        out[(*len)++] = *s;
    }
    out[(*len)++] = '"';
    out[*len] = '\0';
    return true;
}

static bool spec_raw(char *out, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > cap)
        return false;
    memcpy(out + *len, s, n + 1);
    *len += n;
    return true;
}

/* The spec NSS's SECMOD_LoadUserModule takes: library="LIB" name="NAME"
 * parameters="PARAMS", every value escaped. */
static bool module_spec(char *spec, size_t cap, const char *lib, const char *name,
                        const char *params)
{
    size_t n = 0;
    spec[0] = '\0';
    return spec_raw(spec, cap, &n, "library=") && spec_quoted(spec, cap, &n, lib) &&
           spec_raw(spec, cap, &n, " name=") && spec_quoted(spec, cap, &n, name) &&
           spec_raw(spec, cap, &n, " parameters=") && spec_quoted(spec, cap, &n, params);
}

/* Why NSS did not load a module: NSS's error for it, with its name. */
static void load_failure(struct dt_nss_outcome *o, const char *shown, const char *what)
{
    PRErrorCode e = PORT_GetError();
    const char *name = e ? PR_ErrorToName(e) : NULL;
    const char *text = e ? PR_ErrorToString(e, PR_LANGUAGE_I_DEFAULT) : NULL;
    snprintf(o->failure, sizeof(o->failure),
             "NSS could not load the PKCS#11 module %.150s with %.150s (NSS's last error: "
             "%.40s%s%.60s%s; a message the module printed itself, if any, is on stderr)",
             shown, what, name ? name : "none", text && *text ? " (" : "",
             text && *text ? text : "", text && *text ? ")" : "");
}

/* p11-kit-trust.so with paths=PATHS; p11-kit splits its parameters at
 * white space, so the paths must have none (nor quotes). */
static SECMODModule *load_p11kit(const char *lib, const char *paths, struct dt_nss_outcome *o)
{
    char spec[8800], params[4200];
    if (strpbrk(paths, " \t\n\"'\\") ||
        snprintf(params, sizeof(params), "paths=%s", paths) >= (int)sizeof(params) ||
        !module_spec(spec, sizeof(spec), lib, "p11-kit-trust", params)) {
        snprintf(o->failure, sizeof(o->failure),
                 "path unusable as p11-kit's paths= parameter (white space, quotes or "
                 "backslashes; set TMPDIR to a plain directory): %.300s",
                 paths);
        return NULL;
    }
    SECMODModule *m = SECMOD_LoadUserModule(spec, NULL, PR_FALSE);
    if (!m || !m->loaded) {
        char what[4300];
        snprintf(what, sizeof(what), "paths=%.4000s", paths);
        load_failure(o, lib, what);
        if (m)
            SECMOD_DestroyModule(m);
        return NULL;
    }
    return m;
}

/* libdistrust-pkcs11.so (lib, shown to the user as shown: the module it is a
 * copy of) serving certdata. */
static SECMODModule *load_module(const char *lib, const char *shown, const char *name,
                                 const char *certdata, bool root_store,
                                 struct dt_nss_outcome *o)
{
    char params[4200], spec[8800];
    size_t n = 0;
    params[0] = '\0';
    if (!spec_raw(params, sizeof(params), &n, "certdata=") ||
        !spec_quoted(params, sizeof(params), &n, certdata) ||
        (root_store && !spec_raw(params, sizeof(params), &n, " mode=root-store")) ||
        !module_spec(spec, sizeof(spec), lib, name, params)) {
        snprintf(o->failure, sizeof(o->failure), "path too long for an NSS module spec: %.400s",
                 certdata);
        return NULL;
    }
    SECMODModule *m = SECMOD_LoadUserModule(spec, NULL, PR_FALSE);
    if (!m || !m->loaded) {
        char what[4300];
        snprintf(what, sizeof(what), "certdata=%.4000s%s", certdata,
                 root_store ? " (root-store mode)" : "");
        load_failure(o, shown, what);
        if (m)
            SECMOD_DestroyModule(m);
        return NULL;
    }
    return m;
}

/* The SHA-256 that names a certificate in the report (OpenSSL's, one call:
 * PK11_HashBuf would open a session on NSS's internal token every time).
 * When it cannot be had, the outcome is void (not run), with the cause. */
static void cert_sha256(struct dt_nss_outcome *o, const unsigned char *der, unsigned len,
                        uint8_t out[32])
{
    enum dt_err rc = dt_digest_sha256(dt_slice_make(der, len), out);
    if (rc != DT_OK && o->ran) {
        o->ran = false;
        snprintf(o->failure, sizeof(o->failure), "%s: the report names certificates by their "
                 "SHA-256", dt_digest_why() ? dt_digest_why() : dt_err_str(rc));
    }
}

static void record_path(CERTCertList *list, struct dt_nss_outcome *o)
{
    if (!list)
        return;
    for (CERTCertListNode *n = CERT_LIST_HEAD(list); !CERT_LIST_END(n, list);
         n = CERT_LIST_NEXT(n)) {
        if (o->n_path == DT_NSS_MAX_PATH)
            break;
        cert_sha256(o, n->cert->derCert.data, n->cert->derCert.len, o->path_sha256[o->n_path++]);
    }
}

static void record_log(CERTVerifyLog *log, struct dt_nss_outcome *o)
{
    for (CERTVerifyLogNode *n = log->head; n; n = n->next) {
        if (o->n_log < DT_ARRAY_LEN(o->log)) {
            __typeof__(o->log[0]) *e = &o->log[o->n_log++];
            e->depth = n->depth;
            e->error = n->error;
            const char *name = PR_ErrorToName(n->error);
            snprintf(e->error_name, sizeof(e->error_name), "%s", name ? name : "?");
            if (n->cert) {
                e->have_cert = true;
                cert_sha256(o, n->cert->derCert.data, n->cert->derCert.len, e->sha256);
            }
        }
        if (n->cert)
            CERT_DestroyCertificate(n->cert);
    }
}

/* A distrust-after value as NSS keeps it: the 13 bytes of a UTCTime
 * (YYMMDDHHMMSSZ), no tag. */
static bool after_date(const SECItem *it, int64_t *t)
{
    if (!it || it->len != 13 || !it->data || it->data[12] != 'Z')
        return false;
    int v[6];
    for (int i = 0; i < 6; i++) {
        unsigned char a = it->data[2 * i], b = it->data[2 * i + 1];
        if (a < '0' || a > '9' || b < '0' || b > '9')
            return false;
        v[i] = (a - '0') * 10 + (b - '0');
    }
    struct dt_civil c = {v[0] < 50 ? 2000 + v[0] : 1900 + v[0], v[1], v[2], v[3], v[4], v[5]};
    if (!dt_time_civil_valid(&c))
        return false;
    *t = dt_time_civil_to_epoch(&c);
    return true;
}

static void record_anchor(const CERTCertificate *a, struct dt_nss_outcome *o)
{
    o->have_anchor = true;
    cert_sha256(o, a->derCert.data, a->derCert.len, o->anchor_sha256);
    if (a->distrust) {
        o->anchor_server_after =
            after_date(&a->distrust->serverDistrustAfter, &o->anchor_server_date);
        o->anchor_email_after = after_date(&a->distrust->emailDistrustAfter, &o->anchor_email_date);
    }
}

static void set_error(struct dt_nss_outcome *o, long code)
{
    o->error = code;
    const char *name = PR_ErrorToName((PRErrorCode)code);
    snprintf(o->error_name, sizeof(o->error_name), "%s", name ? name : "unknown error");
}

/* An NSS instance in a worker: initialised once, with the job's modules. */
struct nss_state {
    SECMODModule *p11kit, *anchors, *overlay;
    CERTCertDBHandle *db;
    bool up;
};

/* Everything NSS runs in a worker process only. */
static bool setup(const struct dt_nss_job *job, struct nss_state *st, struct dt_nss_outcome *o)
{
    memset(st, 0, sizeof(*st));
    char dbspec[4200];
    snprintf(dbspec, sizeof(dbspec), "sql:%s", job->db_dir);
    /* The directory's (empty) databases stay closed: NSS_INIT_NOCERTDB
     * gives the internal token a volatile certificate store, so lookups do
     * not become SQLite queries with file locks (a third of a worker's time).
     * The verdicts are vfychain -d's on every fixture (tests/e2e/t_oracle). */
    if (NSS_Initialize(dbspec, "", "", "", NSS_INIT_READONLY | NSS_INIT_NOCERTDB) != SECSuccess) {
        snprintf(o->failure, sizeof(o->failure), "NSS_Initialize(%.300s) failed: %s", dbspec,
                 PR_ErrorToName(PORT_GetError()));
        return false;
    }
    st->up = true;
    if (job->p11kit_module) {
        st->p11kit = load_p11kit(job->p11kit_module, job->p11kit_paths, o);
        if (!st->p11kit)
            return false;
    }
    if (job->anchors_certdata) {
        st->anchors =
            load_module(job->rootstore_module, job->overlay_module, "distrust-anchors", job->anchors_certdata, true, o);
        if (!st->anchors)
            return false;
    }
    if (job->overlay_certdata) {
        st->overlay =
            load_module(job->overlay_module, job->overlay_module, "distrust-overlay", job->overlay_certdata, false, o);
        if (!st->overlay)
            return false;
    }
    st->db = CERT_GetDefaultCertDB();
    return true;
}

static void teardown(struct nss_state *st, char *shutdown, size_t cap)
{
    if (st->overlay) {
        SECMOD_UnloadUserModule(st->overlay);
        SECMOD_DestroyModule(st->overlay);
    }
    if (st->anchors) {
        SECMOD_UnloadUserModule(st->anchors);
        SECMOD_DestroyModule(st->anchors);
    }
    if (st->p11kit) {
        SECMOD_UnloadUserModule(st->p11kit);
        SECMOD_DestroyModule(st->p11kit);
    }
    if (st->up && NSS_Shutdown() != SECSuccess)
        snprintf(shutdown, cap, "NSS_Shutdown failed: %s", PR_ErrorToName(PORT_GetError()));
    memset(st, 0, sizeof(*st));
}

/* Whether NSS finds a certificate with these DER bytes (a token's or a
 * temporary one). */
static bool findable(CERTCertDBHandle *db, const struct dt_cert *c)
{
    SECItem der = {siBuffer, c->der, (unsigned)c->der_len};
    CERTCertificate *f = CERT_FindCertByDERCert(db, &der);
    if (f)
        CERT_DestroyCertificate(f);
    return f != NULL;
}

/* A certificate NSS used that is neither on a token nor one of this job's
 * chain: a temporary certificate of an earlier job in the same process. */
static bool foreign(const struct dt_nss_job *job, const CERTCertificate *c)
{
    if (!c || c->slot || c->isperm)
        return false;
    for (size_t i = 0; i < job->n_chain; i++)
        if (c->derCert.len == job->chain[i]->der_len &&
            !memcmp(c->derCert.data, job->chain[i]->der, c->derCert.len))
            return false;
    return true;
}

static bool list_foreign(const struct dt_nss_job *job, CERTCertList *list)
{
    if (!list)
        return false;
    for (CERTCertListNode *n = CERT_LIST_HEAD(list); !CERT_LIST_END(n, list); n = CERT_LIST_NEXT(n))
        if (foreign(job, n->cert))
            return true;
    return false;
}

static bool log_foreign(const struct dt_nss_job *job, const CERTVerifyLog *log)
{
    for (const CERTVerifyLogNode *n = log->head; n; n = n->next)
        if (foreign(job, n->cert))
            return true;
    return false;
}

/* One chain under the instance's configuration. The chain's certificates
 * are temporary and destroyed afterwards; with several jobs per process,
 * o->foreign says that NSS used a leftover certificate of another job (the
 * verdict is void) and o->leaked that one of this job's certificates is
 * still known to NSS after it (the process must not go on). */
static void verify_one(struct nss_state *st, const struct dt_nss_job *job, struct dt_nss_outcome *o)
{
    CERTCertificate *certs[DT_NSS_MAX_PATH] = {NULL};
    bool known_before[DT_NSS_MAX_PATH] = {false};
    size_t n_certs = 0, n_chain = job->n_chain < DT_NSS_MAX_PATH ? job->n_chain : DT_NSS_MAX_PATH;
    CERTCertList *list = NULL;
    CERTCertificate *anchor = NULL;
    PRTime when = (PRTime)job->time * PR_USEC_PER_SEC;
    CERTCertDBHandle *db = st->db;
    bool watch = job->engine != DT_ENGINE_PKIX; /* see the end */
    for (size_t i = 0; watch && i < n_chain; i++)
        known_before[i] = findable(db, job->chain[i]);
    for (size_t i = 0; i < n_chain; i++) {
        SECItem der = {siBuffer, job->chain[i]->der, (unsigned)job->chain[i]->der_len};
        certs[i] = CERT_NewTempCertificate(db, &der, NULL, PR_FALSE, PR_TRUE);
        if (!certs[i]) {
            snprintf(o->failure, sizeof(o->failure), "NSS cannot decode chain certificate %zu: %s",
                     i + 1, PR_ErrorToName(PORT_GetError()));
            goto out;
        }
        n_certs++;
    }
    o->ran = true;
    if (job->engine == DT_ENGINE_PKIX) {
        PRUint64 leaf_flags[2] = {CERT_REV_M_DO_NOT_TEST_USING_THIS_METHOD,
                                  CERT_REV_M_DO_NOT_TEST_USING_THIS_METHOD};
        PRUint64 chain_flags[2] = {CERT_REV_M_DO_NOT_TEST_USING_THIS_METHOD,
                                   CERT_REV_M_DO_NOT_TEST_USING_THIS_METHOD};
        CERTRevocationFlags rev;
        memset(&rev, 0, sizeof(rev));
        rev.leafTests.number_of_defined_methods = 2;
        rev.leafTests.cert_rev_flags_per_method = leaf_flags;
        rev.leafTests.cert_rev_method_independent_flags = CERT_REV_MI_NO_OVERALL_INFO_REQUIREMENT;
        rev.chainTests.number_of_defined_methods = 2;
        rev.chainTests.cert_rev_flags_per_method = chain_flags;
        rev.chainTests.cert_rev_method_independent_flags = CERT_REV_MI_NO_OVERALL_INFO_REQUIREMENT;
        CERTValInParam in[3];
        in[0].type = cert_pi_date;
        in[0].value.scalar.time = when;
        in[1].type = cert_pi_revocationFlags;
        in[1].value.pointer.revocation = &rev;
        in[2].type = cert_pi_end;
        CERTVerifyLog log;
        memset(&log, 0, sizeof(log));
        log.arena = PORT_NewArena(512);
        CERTValOutParam outp[4];
        memset(outp, 0, sizeof(outp));
        outp[0].type = cert_po_certList;
        outp[1].type = cert_po_trustAnchor;
        outp[2].type = log.arena ? cert_po_errorLog : cert_po_end;
        outp[2].value.pointer.log = &log;
        outp[3].type = cert_po_end;
        SECStatus s = CERT_PKIXVerifyCert(certs[0], cert_usage(job->usage), in, outp, NULL);
        o->good = s == SECSuccess;
        if (!o->good)
            set_error(o, PORT_GetError());
        o->foreign |= log_foreign(job, &log);
        record_log(&log, o);
        if (log.arena)
            PORT_FreeArena(log.arena, PR_FALSE);
        list = outp[0].value.pointer.chain;
        anchor = outp[1].value.pointer.cert;
        o->foreign |= list_foreign(job, list) || foreign(job, anchor);
        record_path(list, o);
        if (anchor)
            record_anchor(anchor, o);
    } else {
        CERTVerifyLog log;
        memset(&log, 0, sizeof(log));
        log.arena = PORT_NewArena(512);
        SECStatus s = CERT_VerifyCertificate(db, certs[0], PR_TRUE, cert_usage(job->usage), when,
                                             NULL, log.arena ? &log : NULL, NULL);
        /* With a log, the classic engine records errors and may still
         * return SECSuccess: like vfychain, any logged error fails it. */
        o->good = s == SECSuccess && log.count == 0;
        if (s != SECSuccess)
            set_error(o, PORT_GetError());
        else if (log.head)
            set_error(o, log.head->error);
        o->foreign |= log_foreign(job, &log);
        record_log(&log, o);
        if (log.arena)
            PORT_FreeArena(log.arena, PR_FALSE);
        if (o->good) {
            /* The chain classic NSS picked, leaf to root. */
            list = CERT_GetCertChainFromCert(certs[0], when, classic_usage(job->usage));
            o->foreign |= list_foreign(job, list);
            record_path(list, o);
            if (list && !CERT_LIST_EMPTY(list))
                record_anchor(CERT_LIST_TAIL(list)->cert, o);
        }
    }
out:
    if (list)
        CERT_DestroyCertList(list);
    if (anchor)
        CERT_DestroyCertificate(anchor);
    for (size_t i = 0; i < n_certs; i++)
        CERT_DestroyCertificate(certs[i]);
    /* libpkix keeps the certificates it found in process-wide caches (by
     * subject, and whole chains, for an hour): after a PKIX job they stay
     * known, by design, and a later job that picks one up shows it in its
     * path or verify log (o->foreign). The classic engine keeps nothing: a
     * certificate still known after it is unexpected, and ends the worker. */
    if (watch)
        for (size_t i = 0; i < n_chain; i++)
            if (!known_before[i] && findable(db, job->chain[i]))
                o->leaked = true;
}

enum dt_err dt_verify_nss_make_db(const char *dir, char *failure, size_t cap)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(failure, cap, "fork: %s", strerror(errno));
        return DT_ERR_INTERNAL;
    }
    if (pid == 0) {
        dt_interrupt_child();
        char spec[4200];
        snprintf(spec, sizeof(spec), "sql:%s", dir);
        int ok = NSS_InitReadWrite(spec) == SECSuccess;
        if (ok && NSS_Shutdown() != SECSuccess)
            ok = 0;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(failure, cap, "cannot create an NSS database in %s", dir);
        return DT_ERR_IO;
    }
    return DT_OK;
}

/* ---- workers and their scheduling (parent side) ------------------------------------ */

/* What a worker writes per job, in its list's order, then a trailer. */
struct record {
    uint32_t index;   /* position in the worker's list */
    uint32_t trailer; /* 1: no job; o.shutdown says how NSS_Shutdown went */
    struct dt_nss_outcome o;
};

static bool write_all(int fd, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* The worker: one NSS instance for a list of jobs of one configuration.
 * It stops after a job that leaked (the parent runs the rest elsewhere). */
static void worker_main(const struct dt_nss_job *jobs, size_t *idx, size_t n, int fd, bool own)
{
    static struct record r; /* large: not on the stack */
    struct nss_state st;
    memset(&r, 0, sizeof(r));
    if (!setup(&jobs[idx[0]], &st, &r.o)) {
        /* Every job of this configuration fails the same way. */
        for (size_t i = 0; i < n; i++) {
            r.index = (uint32_t)i;
            if (!write_all(fd, &r, sizeof(r)))
                _exit(3);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            memset(&r, 0, sizeof(r));
            r.index = (uint32_t)i;
            verify_one(&st, &jobs[idx[i]], &r.o);
            if (!write_all(fd, &r, sizeof(r)))
                _exit(3);
            if (r.o.leaked)
                break;
        }
    }
    if (own)
        free(idx);
    memset(&r, 0, sizeof(r));
    r.trailer = 1;
    teardown(&st, r.o.shutdown, sizeof(r.o.shutdown));
    if (!write_all(fd, &r, sizeof(r)))
        _exit(3);
    _exit(0); /* not exit(): the parent's atexit handlers are not ours to run */
}

/* A list of jobs for one worker: a slice of the configuration-sorted order. */
struct unit {
    const size_t *idx;
    size_t n;
};

struct worker {
    pid_t pid;
    int fd;
    struct unit u;
    size_t next;  /* the first job without a result */
    size_t got;   /* bytes of rec read so far */
    bool trailer; /* the trailer arrived */
    bool stopped; /* the worker stopped after a leak */
    long long deadline_ms;
    struct record rec[8]; /* several records a read: fewer wakeups of the parent */
};

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int timeout_of(const struct dt_nss_job *j)
{
    return (j->timeout_s > 0 ? j->timeout_s : 120) * 1000;
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

/* Jobs sort by configuration (then by their position): the jobs a worker
 * may share differ only in chain, usage and time. */
static int cmp_config(const struct dt_nss_job *a, const struct dt_nss_job *b)
{
    int c;
    if ((c = strcmp(a->db_dir, b->db_dir)) ||
        (c = strcmp(a->rootstore_module, b->rootstore_module)) ||
        (c = strcmp(str_or_empty(a->anchors_certdata), str_or_empty(b->anchors_certdata))) ||
        (c = strcmp(str_or_empty(a->p11kit_module), str_or_empty(b->p11kit_module))) ||
        (c = strcmp(str_or_empty(a->p11kit_paths), str_or_empty(b->p11kit_paths))) ||
        (c = strcmp(str_or_empty(a->overlay_module), str_or_empty(b->overlay_module))) ||
        (c = strcmp(str_or_empty(a->overlay_certdata), str_or_empty(b->overlay_certdata))))
        return c;
    if (!a->overlay_certdata != !b->overlay_certdata)
        return a->overlay_certdata ? 1 : -1;
    return (int)a->engine - (int)b->engine;
}

bool dt_verify_nss_same_config(const struct dt_nss_job *a, const struct dt_nss_job *b)
{
    return cmp_config(a, b) == 0;
}

static int cmp_order(const void *x, const void *y, void *ctx)
{
    const struct dt_nss_job *jobs = ctx;
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = cmp_config(&jobs[a], &jobs[b]);
    return c ? c : (a > b) - (a < b);
}

/* The scheduler's own memory, which a worker gives back before it starts
 * (its job list copied), so that nothing of it is left unaccounted for in the
 * worker. */
struct sched {
    size_t *order;
    struct unit *queue;
    struct worker *w;
    size_t running;
    struct pollfd *pfd;
    enum dt_err *own;
};

static void sched_free(struct sched *S)
{
    free(S->order);
    free(S->queue);
    free(S->w);
    free(S->pfd);
    free(S->own);
    memset(S, 0, sizeof(*S));
}

static bool spawn(const struct dt_nss_job *jobs, struct sched *S, struct unit u,
                  struct dt_nss_outcome *outs, enum dt_err *each)
{
    struct worker *w = &S->w[S->running];
    memset(w, 0, sizeof(*w));
    w->u = u;
    int fds[2];
    const char *why = NULL;
    if (pipe(fds) != 0) {
        why = "pipe";
    } else {
        fflush(NULL);
        w->pid = fork();
        if (w->pid < 0) {
            why = "fork";
            close(fds[0]);
            close(fds[1]);
        }
    }
    if (why) {
        for (size_t i = 0; i < u.n; i++) {
            memset(&outs[u.idx[i]], 0, sizeof(outs[0]));
            snprintf(outs[u.idx[i]].failure, sizeof(outs[0].failure), "%s: %s", why,
                     strerror(errno));
            each[u.idx[i]] = DT_ERR_INTERNAL;
        }
        return false;
    }
    if (w->pid == 0) {
        dt_interrupt_child(); /* a worker dies of SIGINT (Ctrl-C: its group) as before */
        close(fds[0]);
        for (size_t i = 0; i < S->running; i++)
            close(S->w[i].fd);
        size_t *mine = malloc(u.n * sizeof(*mine));
        if (mine) {
            memcpy(mine, u.idx, u.n * sizeof(*mine));
            sched_free(S);
        }
        worker_main(jobs, mine ? mine : (size_t *)(uintptr_t)u.idx, u.n, fds[1], mine != NULL);
    }
    close(fds[1]);
    w->fd = fds[0];
    w->deadline_ms = now_ms() + timeout_of(&jobs[u.idx[0]]);
    return true;
}

/* A job the worker did not report, or whose process failed after it: why. */
static void fail_job(struct dt_nss_outcome *o, enum dt_err *e, const char *why)
{
    memset(o, 0, sizeof(*o));
    snprintf(o->failure, sizeof(o->failure), "%s", why);
    *e = DT_ERR_INTERNAL;
}

enum dt_err dt_verify_nss_run(const struct dt_nss_job *jobs, struct dt_nss_outcome *outs, size_t n,
                       const struct dt_nss_run_opts *ro, enum dt_err *each,
                       struct dt_nss_run_stats *stats)
{
    static const struct dt_nss_run_opts defaults = {0, false, NULL, NULL};
    struct dt_nss_run_stats st = {0, 0, 0};
    enum dt_err rc = DT_OK;
    if (!ro)
        ro = &defaults;
    size_t procs = ro->procs ? ro->procs : 1;
    struct sched S;
    memset(&S, 0, sizeof(S));
    S.order = malloc((n ? n : 1) * sizeof(*S.order));
    /* n units at first; each requeue settles a job first (a rerun alone, or
     * the rest after a job that was reported or failed): at most 3n */
    S.queue = malloc((3 * n + 1) * sizeof(*S.queue));
    S.w = calloc(procs, sizeof(*S.w));
    S.pfd = calloc(procs, sizeof(*S.pfd));
    S.own = each ? NULL : malloc((n ? n : 1) * sizeof(*S.own));
    if (!S.order || !S.queue || !S.w || !S.pfd || (!each && !S.own)) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    if (!each)
        each = S.own;
    size_t *order = S.order;
    struct unit *queue = S.queue;
    struct worker *w = S.w;
    struct pollfd *pfd = S.pfd;
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        each[i] = DT_OK;
        memset(&outs[i], 0, sizeof(outs[i]));
    }
    qsort_r(order, n, sizeof(*order), cmp_order, (void *)(uintptr_t)jobs);
    /* Units: each configuration's jobs in up to procs slices (one job per
     * process with ro->fresh). */
    size_t qh = 0, qt = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && dt_verify_nss_same_config(&jobs[order[a]], &jobs[order[b]]))
            b++;
        size_t g = b - a, slices = ro->fresh ? g : (g < procs ? g : procs);
        for (size_t s = 0, at = a; s < slices; s++) {
            size_t len = g / slices + (s < g % slices);
            queue[qt++] = (struct unit){order + at, len};
            at += len;
        }
        a = b;
    }
    size_t done = 0;
    while (qh < qt || S.running) {
        if (dt_interrupt_signal()) {
            /* interrupted: no worker outlives the run, no result is kept */
            for (size_t i = 0; i < S.running; i++)
                kill(w[i].pid, SIGKILL);
            for (size_t i = 0; i < S.running; i++) {
                int status;
                close(w[i].fd);
                while (waitpid(w[i].pid, &status, 0) < 0 && errno == EINTR)
                    ;
            }
            S.running = 0;
            rc = DT_ERR_INTERRUPTED;
            break;
        }
        while (S.running < procs && qh < qt) {
            struct unit u = queue[qh++];
            if (spawn(jobs, &S, u, outs, each)) {
                S.running++;
                st.processes++;
            } else {
                done += u.n;
                rc = DT_ERR_INTERNAL;
            }
        }
        if (!S.running)
            break;
        long long now = now_ms(), wait = INT_MAX;
        for (size_t i = 0; i < S.running; i++) {
            pfd[i] = (struct pollfd){w[i].fd, POLLIN, 0};
            if (w[i].deadline_ms - now < wait)
                wait = w[i].deadline_ms - now;
        }
        int pr = poll(pfd, S.running, wait > 0 ? (int)wait : 0);
        if (pr < 0 && errno != EINTR) {
            rc = DT_ERR_INTERNAL;
            break;
        }
        now = now_ms();
        for (size_t i = 0; i < S.running;) {
            struct worker *x = &w[i];
            bool ended = false, timed_out = false;
            if (pfd[i].revents) {
                ssize_t k = read(x->fd, (uint8_t *)x->rec + x->got, sizeof(x->rec) - x->got);
                if (k < 0 && errno == EINTR)
                    k = 0;
                else if (k <= 0)
                    ended = true;
                else
                    x->got += (size_t)k;
            } else if (now >= x->deadline_ms) {
                timed_out = true;
                kill(x->pid, SIGKILL);
                ended = true;
            }
            size_t whole = ended ? 0 : x->got / sizeof(x->rec[0]);
            for (size_t r = 0; r < whole && !ended; r++) {
                const struct record *rec = &x->rec[r];
                if (rec->trailer) {
                    x->trailer = true;
                    /* NSS_Shutdown concerns the process: its last job carries it */
                    if (rec->o.shutdown[0] && x->next)
                        memcpy(outs[x->u.idx[x->next - 1]].shutdown, rec->o.shutdown,
                               sizeof(rec->o.shutdown));
                } else if (rec->index != x->next || x->next >= x->u.n) {
                    kill(x->pid, SIGKILL);
                    ended = true; /* out of step: what it says cannot be trusted */
                } else {
                    size_t j = x->u.idx[x->next++];
                    if (rec->o.foreign && x->u.n > 1) {
                        /* NSS used another job's certificate: run it alone */
                        queue[qt++] = (struct unit){&x->u.idx[x->next - 1], 1};
                        st.rerun++;
                    } else {
                        outs[j] = rec->o;
                        outs[j].foreign = false;
                        done++;
                    }
                    if (rec->o.leaked) {
                        x->stopped = true;
                        st.leaked++;
                    }
                    x->deadline_ms =
                        now + (x->next < x->u.n ? timeout_of(&jobs[x->u.idx[x->next]]) : 120000);
                    if (ro->progress)
                        ro->progress(done, n, ro->progress_ctx);
                }
            }
            if (whole && !ended) {
                size_t used = whole * sizeof(x->rec[0]);
                memmove(x->rec, (uint8_t *)x->rec + used, x->got - used);
                x->got -= used;
            }
            if (!ended) {
                i++;
                continue;
            }
            close(x->fd);
            int status = 0;
            while (waitpid(x->pid, &status, 0) < 0 && errno == EINTR)
                ;
            bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0 && x->trailer;
            if (x->next < x->u.n && !x->stopped) {
                /* It died (or hung) on job next: that job fails, the rest run elsewhere. */
                size_t j = x->u.idx[x->next++];
                char why[96];
                if (timed_out)
                    snprintf(why, sizeof(why), "the NSS process timed out");
                else if (WIFSIGNALED(status))
                    snprintf(why, sizeof(why), "the NSS process died (signal %d)",
                             WTERMSIG(status));
                else
                    snprintf(why, sizeof(why),
                             "the NSS process exited (status %d) without a result",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
                fail_job(&outs[j], &each[j], why);
                done++;
                rc = DT_ERR_INTERNAL;
            } else if (!clean && x->next) {
                size_t j = x->u.idx[x->next - 1];
                char why[96];
                snprintf(why, sizeof(why), "the NSS process failed after reporting (status %d%s)",
                         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                         WIFSIGNALED(status) ? ", signal" : "");
                fail_job(&outs[j], &each[j], why);
                rc = DT_ERR_INTERNAL;
            }
            if (x->next < x->u.n)
                queue[qt++] = (struct unit){x->u.idx + x->next, x->u.n - x->next};
            w[i] = w[--S.running];
            pfd[i] = pfd[S.running];
        }
    }
out:
    if (stats)
        *stats = st;
    sched_free(&S);
    return rc;
}

enum dt_err dt_verify_nss_verify(const struct dt_nss_job *job, struct dt_nss_outcome *out)
{
    return dt_verify_nss_run(job, out, 1, NULL, NULL, NULL);
}
