/*
 * verify_nss.c - the child side of a verification: real NSS, fresh process.
 */
#include "verify_nss.h"

#include <cert.h>
#include <certdb.h>
#include <errno.h>
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
#include <unistd.h>

const char *dt_nss_error_hint(long code)
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

/* Quotes a value for an NSS module spec: '...' with no single quote inside. */
static bool spec_value(char *out, size_t cap, const char *fmt, const char *a, const char *b)
{
    int n = snprintf(out, cap, fmt, a, b);
    return n > 0 && (size_t)n < cap && !strchr(a, '\'') && (!b || !strchr(b, '\''));
}

static SECMODModule *load_module(const char *lib, const char *name, const char *certdata,
                                 bool root_store, struct dt_nss_outcome *o)
{
    char params[4200], spec[8800];
    if (strchr(certdata, '"') || strchr(lib, '"') ||
        !spec_value(params, sizeof(params), "certdata=\"%s\"%s", certdata,
                    root_store ? " mode=root-store" : "") ||
        snprintf(spec, sizeof(spec), "library=\"%s\" name=\"%s\" parameters='%s'", lib, name,
                 params) >= (int)sizeof(spec)) {
        snprintf(o->failure, sizeof(o->failure), "path unusable in an NSS module spec: %s",
                 certdata);
        return NULL;
    }
    SECMODModule *m = SECMOD_LoadUserModule(spec, NULL, PR_FALSE);
    if (!m || !m->loaded) {
        snprintf(o->failure, sizeof(o->failure),
                 "NSS could not load %s with certdata=%s (see the module's message above)", lib,
                 certdata);
        if (m)
            SECMOD_DestroyModule(m);
        return NULL;
    }
    return m;
}

static void record_path(CERTCertList *list, struct dt_nss_outcome *o)
{
    if (!list)
        return;
    for (CERTCertListNode *n = CERT_LIST_HEAD(list); !CERT_LIST_END(n, list);
         n = CERT_LIST_NEXT(n)) {
        if (o->n_path == DT_NSS_MAX_PATH)
            break;
        PK11_HashBuf(SEC_OID_SHA256, o->path_sha256[o->n_path++], n->cert->derCert.data,
                     (PRInt32)n->cert->derCert.len);
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
                PK11_HashBuf(SEC_OID_SHA256, e->sha256, n->cert->derCert.data,
                             (PRInt32)n->cert->derCert.len);
            }
        }
        if (n->cert)
            CERT_DestroyCertificate(n->cert);
    }
}

static void set_error(struct dt_nss_outcome *o, long code)
{
    o->error = code;
    const char *name = PR_ErrorToName((PRErrorCode)code);
    snprintf(o->error_name, sizeof(o->error_name), "%s", name ? name : "unknown error");
}

/* Everything NSS: runs in the child only. */
static void child(const struct dt_nss_job *job, struct dt_nss_outcome *o)
{
    SECMODModule *anchors = NULL, *overlay = NULL;
    CERTCertificate *certs[DT_NSS_MAX_PATH] = {NULL};
    size_t n_certs = 0;
    CERTCertList *list = NULL;
    CERTCertificate *anchor = NULL;
    PRTime when = (PRTime)job->time * PR_USEC_PER_SEC;

    char dbspec[4200];
    snprintf(dbspec, sizeof(dbspec), "sql:%s", job->db_dir);
    if (NSS_Initialize(dbspec, "", "", "", NSS_INIT_READONLY) != SECSuccess) {
        snprintf(o->failure, sizeof(o->failure), "NSS_Initialize(%.300s) failed: %s", dbspec,
                 PR_ErrorToName(PORT_GetError()));
        return;
    }
    anchors =
        load_module(job->rootstore_module, "distrust-anchors", job->anchors_certdata, true, o);
    if (!anchors)
        goto out;
    if (job->overlay_certdata) {
        overlay =
            load_module(job->overlay_module, "distrust-overlay", job->overlay_certdata, false, o);
        if (!overlay)
            goto out;
    }
    CERTCertDBHandle *db = CERT_GetDefaultCertDB();
    for (size_t i = 0; i < job->n_chain && i < DT_NSS_MAX_PATH; i++) {
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
        record_log(&log, o);
        if (log.arena)
            PORT_FreeArena(log.arena, PR_FALSE);
        list = outp[0].value.pointer.chain;
        anchor = outp[1].value.pointer.cert;
        record_path(list, o);
        if (anchor) {
            o->have_anchor = true;
            PK11_HashBuf(SEC_OID_SHA256, o->anchor_sha256, anchor->derCert.data,
                         (PRInt32)anchor->derCert.len);
        }
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
        record_log(&log, o);
        if (log.arena)
            PORT_FreeArena(log.arena, PR_FALSE);
        if (o->good) {
            /* The chain classic NSS picked, leaf to root. */
            list = CERT_GetCertChainFromCert(certs[0], when, classic_usage(job->usage));
            record_path(list, o);
            if (list && !CERT_LIST_EMPTY(list)) {
                CERTCertificate *last = CERT_LIST_TAIL(list)->cert;
                o->have_anchor = true;
                PK11_HashBuf(SEC_OID_SHA256, o->anchor_sha256, last->derCert.data,
                             (PRInt32)last->derCert.len);
            }
        }
    }
out:
    if (list)
        CERT_DestroyCertList(list);
    if (anchor)
        CERT_DestroyCertificate(anchor);
    for (size_t i = 0; i < n_certs; i++)
        CERT_DestroyCertificate(certs[i]);
    if (overlay) {
        SECMOD_UnloadUserModule(overlay);
        SECMOD_DestroyModule(overlay);
    }
    if (anchors) {
        SECMOD_UnloadUserModule(anchors);
        SECMOD_DestroyModule(anchors);
    }
    if (NSS_Shutdown() != SECSuccess)
        snprintf(o->shutdown, sizeof(o->shutdown), "NSS_Shutdown failed: %s",
                 PR_ErrorToName(PORT_GetError()));
}

enum dt_err dt_nss_make_db(const char *dir, char *failure, size_t cap)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(failure, cap, "fork: %s", strerror(errno));
        return DT_ERR_INTERNAL;
    }
    if (pid == 0) {
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

/* A verification in flight: its child and the pipe its outcome comes on. */
struct running {
    pid_t pid;
    int fd;
    bool started;
};

static void start(const struct dt_nss_job *job, struct dt_nss_outcome *out, struct running *r)
{
    memset(out, 0, sizeof(*out));
    r->started = false;
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(out->failure, sizeof(out->failure), "pipe: %s", strerror(errno));
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(out->failure, sizeof(out->failure), "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        struct dt_nss_outcome o;
        memset(&o, 0, sizeof(o));
        child(job, &o);
        const uint8_t *p = (const uint8_t *)&o;
        size_t left = sizeof(o);
        while (left) {
            ssize_t w = write(fds[1], p, left);
            if (w <= 0)
                _exit(3);
            p += w;
            left -= (size_t)w;
        }
        close(fds[1]);
        _exit(0); /* not exit(): the parent's atexit handlers are not ours to run */
    }
    close(fds[1]);
    r->pid = pid;
    r->fd = fds[0];
    r->started = true;
}

static enum dt_err finish(const struct dt_nss_job *job, struct dt_nss_outcome *out,
                          struct running *r)
{
    if (!r->started)
        return DT_ERR_INTERNAL;
    uint8_t *p = (uint8_t *)out;
    size_t got = 0;
    int timeout_ms = (job->timeout_s > 0 ? job->timeout_s : 120) * 1000;
    bool timed_out = false;
    while (got < sizeof(*out)) {
        struct pollfd pfd = {r->fd, POLLIN, 0};
        int n = poll(&pfd, 1, timeout_ms);
        if (n == 0) {
            timed_out = true;
            kill(r->pid, SIGKILL);
            break;
        }
        if (n < 0 && errno == EINTR)
            continue;
        ssize_t k = read(r->fd, p + got, sizeof(*out) - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(r->fd);
    int status = 0;
    while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
        ;
    r->started = false;
    if (got != sizeof(*out)) {
        memset(out, 0, sizeof(*out));
        if (timed_out)
            snprintf(out->failure, sizeof(out->failure), "the NSS process timed out");
        else if (WIFSIGNALED(status))
            snprintf(out->failure, sizeof(out->failure), "the NSS process died (signal %d)",
                     WTERMSIG(status));
        else
            snprintf(out->failure, sizeof(out->failure),
                     "the NSS process exited (status %d) without a result",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return DT_ERR_INTERNAL;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(out->failure, sizeof(out->failure),
                 "the NSS process failed after reporting (status %d%s)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                 WIFSIGNALED(status) ? ", signal" : "");
        return DT_ERR_INTERNAL;
    }
    return DT_OK;
}

enum dt_err dt_nss_verify(const struct dt_nss_job *job, struct dt_nss_outcome *out)
{
    return dt_nss_verify_many(job, out, 1, NULL);
}

enum dt_err dt_nss_verify_many(const struct dt_nss_job *jobs, struct dt_nss_outcome *outs,
                               size_t n, enum dt_err *each)
{
    struct running r[DT_NSS_MAX_PARALLEL];
    enum dt_err worst = DT_OK;
    if (n > DT_NSS_MAX_PARALLEL)
        return DT_ERR_INTERNAL;
    for (size_t i = 0; i < n; i++)
        start(&jobs[i], &outs[i], &r[i]);
    for (size_t i = 0; i < n; i++) {
        enum dt_err rc = finish(&jobs[i], &outs[i], &r[i]);
        if (each)
            each[i] = rc;
        if (rc != DT_OK)
            worst = rc;
    }
    return worst;
}
