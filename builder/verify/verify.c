/*
 * verify.c - `distrust verify`: replay chain cases under real NSS with and
 * without the build's distrust data, and explain every verdict.
 */
#include "verify.h"

#include "buf.h"
#include "caps.h"
#include "builddir.h"
#include "cases.h"
#include "cdparse.h"
#include "cert.h"
#include "file.h"
#include "nssname.h"
#include "time.h"
#include "pool.h"
#include "verify_nss.h"
#include "name.h"
#include "verify_openssl.h"
#include "verify_firefox.h"
#include "b64.h"
#include "digest.h"
#include "verify_plan.h"
#include "hex.h"
#include "nssobj.h"
#include "rootstore.h"
#include "interrupt.h"

#include <openssl/x509_vfy.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pkcs11.h>
#include <secerr.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A certificate the report can name. */
struct known {
    uint8_t sha256[32];
    const struct dt_cert *cert;
};

struct run {
    const struct dt_verify_opts *o;
    struct dt_diags d;
    struct dt_build_data b;
    struct dt_blob *blob; /* OUT/revocations.blob, for the OpenSSL engine */
    struct rootstore {
        const char *path;
        struct dt_pool pool;
    } * stores;
    size_t n_stores, cap_stores;
    struct dt_cases cases;
    struct dt_certlist extra; /* certificates from root stores and the build */
    struct known *known;
    size_t n_known, cap_known;
    char work[PATH_MAX];
    char rootstore_module[PATH_MAX + 32];
    char db[PATH_MAX + 32];
    bool work_is_temp;
    size_t test_no;
    struct dt_verify_summary *sum;
    struct dt_verify_selection sel; /* the deployments and NSS engines the run checks */
    /* The p11-kit deployment: p11-kit-trust.so, the build's distrust.p11-kit
     * copied into a directory of its own, and one anchors directory per set
     * of anchors (their PEM files under anchors/). */
    bool has_p11kit;
    char p11kit[PATH_MAX];
    char p11kit_why[PATH_MAX + 160]; /* why it cannot run, when it cannot */
    char p11kit_dist[PATH_MAX + 32];
    struct p11kit_dir {
        uint8_t sha256[32]; /* of the anchors' digests */
        char *base;         /* "DIR", owned */
        char *with;         /* "DIST:DIR", owned */
    } * p11kit_dirs;
    size_t n_p11kit_dirs, cap_p11kit_dirs;
    /* OUT/certdata.txt (build --certdata) and the SHA-256 of the upstream
     * file it was merged from: a case whose root store is that file is also
     * checked against the merged file alone. */
    bool has_merged;
    char merged[PATH_MAX + 32];
    struct dt_build_data mb;   /* its objects: the dates the merged file carries */
    const char *upstream_seen; /* the last root store compared with the upstream (cases
                                * name few stores: read and hash each once in a row) */
    bool upstream_same;
    uint8_t upstream_sha256[32];
    /* Anchor files: written ones by content (cases with the same anchors
     * share a file, so their chains can share an NSS process) and the root
     * stores cases name, by path. */
    struct anchor_file {
        bool written;       /* written for cases; sha256 is the content's */
        uint8_t sha256[32]; /* of the content */
        char *path;         /* owned; jobs point to it */
    } * anchor_files;
    size_t n_anchor_files, cap_anchor_files;
    /* The NSS jobs of every check, planned before any runs. */
    struct dt_nss_job *jobs;
    size_t n_jobs, cap_jobs;
    struct dt_nss_outcome *outs;
    enum dt_err *each;
    struct dt_nss_run_stats stats;
    /* The Firefox engine: the executable (bin[0] 0: not found or not asked
     * for) and what judges each case (ff_prepare). */
    char ff_bin[PATH_MAX];
    struct ff_plan *ffp;
    /* The NSS verdict of every (case, NSS deployment) under PKIX (else
     * classic), for the comparison with Firefox: 'T' trusted, 'D'
     * distrusted, 'F' failed otherwise, 'I' INVALID, 0 none. */
    char *nssv;
};

static void line(struct run *R, const char *fmt, ...) DT_PRINTF(2, 3);
static void line(struct run *R, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    R->o->report(buf, R->o->report_ctx);
}

/* ---- the build ------------------------------------------------------------- */

static enum dt_err add_known(struct run *R, const struct dt_cert *c)
{
    for (size_t i = 0; i < R->n_known; i++)
        if (!memcmp(R->known[i].sha256, c->sha256, 32))
            return DT_OK;
    enum dt_err rc = dt_mem_grow((void **)&R->known, &R->cap_known, R->n_known + 1, sizeof(*R->known));
    if (rc != DT_OK)
        return rc;
    memcpy(R->known[R->n_known].sha256, c->sha256, 32);
    R->known[R->n_known].cert = c;
    R->n_known++;
    return DT_OK;
}

/* The certificates of a root store become nameable. */
static enum dt_err index_certdata(struct run *R, const struct dt_cd_file *f)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < f->n_objs; i++) {
        const struct dt_cd_object *o = &f->objs[i];
        const struct dt_cd_attr *v = dt_cdparse_get(o, CKA_VALUE);
        struct dt_cert *c;
        const char *why;
        if (o->klass != CKO_CERTIFICATE || !v || dt_cert_from_der(v->value, v->len, &c, &why))
            continue; /* NSS would not use it either; nothing to name */
        DT_TRY(dt_cert_list_push(&R->extra, c));
        DT_TRY(add_known(R, c));
    }
out:
    return rc;
}

/* The merged certdata.txt of a build made with --certdata, if any. */
static void find_merged(struct run *R)
{
    char man[PATH_MAX + 32];
    snprintf(R->merged, sizeof(R->merged), "%s/certdata.txt", R->o->build_dir);
    snprintf(man, sizeof(man), "%s/manifest.json", R->o->build_dir);
    if (access(R->merged, R_OK) != 0)
        return;
    json_t *m = json_load_file(man, 0, NULL);
    const char *h =
        json_string_value(json_object_get(json_object_get(m, "certdata_upstream"), "sha256"));
    struct dt_buf b;
    dt_buf_init(&b, 64);
    size_t col;
    if (h && strlen(h) == 64 && !dt_hex_decode(h, 64, &b, &col) && b.len == 32 &&
        dt_builddir_load_file(R->merged, &R->mb, &R->d) == DT_OK) {
        memcpy(R->upstream_sha256, b.data, 32);
        R->has_merged = true;
    }
    dt_buf_free(&b);
    json_decref(m);
}

static enum dt_err load_build(struct run *R)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_builddir_load(R->o->build_dir, &R->b, &R->d));
    for (size_t i = 0; i < R->b.certs.n; i++)
        DT_TRY(add_known(R, R->b.certs.v[i]));
    find_merged(R);
out:
    return rc;
}

/* Whether a case's root store is the upstream file of the build's merge,
 * into *same. Fails when its SHA-256 cannot be computed. */
static enum dt_err from_upstream(struct run *R, const struct dt_case *k, bool *same)
{
    enum dt_err rc = DT_OK;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    *same = false;
    if (!R->has_merged || !k->anchors_certdata)
        goto out;
    if (R->upstream_seen && !strcmp(R->upstream_seen, k->anchors_certdata)) {
        *same = R->upstream_same;
        goto out;
    }
    if (dt_file_read(k->anchors_certdata, (size_t)64 << 20, &b, &R->d, NULL) == DT_OK) {
        uint8_t h[32];
        struct dt_place pl = dt_diag_place_file(k->anchors_certdata);
        DT_TRY(dt_digest_report(dt_digest_sha256(dt_slice_make(b.data, b.len), h), &R->d, &pl,
                                "a root store is known by its SHA-256"));
        *same = !memcmp(h, R->upstream_sha256, 32);
    }
    R->upstream_seen = k->anchors_certdata;
    R->upstream_same = *same;
out:
    dt_buf_free(&b);
    return rc;
}

/* ---- naming ------------------------------------------------------------------ */

static const struct dt_cert *known_cert(struct run *R, const uint8_t sha[32])
{
    for (size_t i = 0; i < R->n_known; i++)
        if (!memcmp(R->known[i].sha256, sha, 32))
            return R->known[i].cert;
    return NULL;
}

static void path_text(struct run *R, const struct dt_nss_outcome *o, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < o->n_path; i++) {
        const struct dt_cert *c = known_cert(R, o->path_sha256[i]);
        char *n = c ? dt_nssname_display(c->info.subject) : NULL;
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", i ? " < " : "", n ? n : "(unknown certificate)");
        free(n);
    }
    if (o->have_anchor &&
        (o->n_path == 0 || memcmp(o->anchor_sha256, o->path_sha256[o->n_path - 1], 32))) {
        const struct dt_cert *c = known_cert(R, o->anchor_sha256);
        char *n = c ? dt_nssname_display(c->info.subject) : NULL;
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s (anchor)", o->n_path ? " < " : "",
                 n ? n : "(unknown)");
        free(n);
    }
}

static void hex_of(struct dt_slice s, char *buf, size_t cap)
{
    struct dt_buf b;
    dt_buf_init(&b, cap - 1);
    const char *t = dt_hex_encode(s, false, ':', &b) == DT_OK ? dt_buf_cstr(&b) : NULL;
    snprintf(buf, cap, "%s", t ? t : "(too long)");
    dt_buf_free(&b);
}

/* ---- matching entries ---------------------------------------------------------- */

static int usage_slot(enum dt_usage u)
{
    switch (u) {
    case DT_USAGE_EMAIL_SIGNER:
    case DT_USAGE_EMAIL_RECIPIENT:
        return 1;
    case DT_USAGE_CODE_SIGNING:
        return 2;
    default:
        return 0;
    }
}

static bool exact(const struct dt_bentry *e, const struct dt_cert *c)
{
    return dt_slice_eq(e->issuer, c->info.issuer) && dt_slice_eq(e->serial, c->info.serial) &&
           e->serial.p != e->serial_tlv.p;
}

/* Serial contents equal once a leading 00 octet is added or dropped. */
static bool pad_only(struct dt_slice a, struct dt_slice b)
{
    if (a.n == b.n + 1 && a.p[0] == 0 && !memcmp(a.p + 1, b.p, b.n))
        return true;
    return b.n == a.n + 1 && b.p[0] == 0 && !memcmp(b.p + 1, a.p, a.n);
}

static void entry_line(struct run *R, const struct dt_bentry *e, const struct dt_cert *c,
                       const char *what)
{
    char *n = dt_nssname_display(c->info.subject);
    line(R, "#   %s \"%s\"%s%s%s on %s", what, e->label, e->source[0] ? " (" : "", e->source,
         e->source[0] ? ")" : "", n ? n : "?");
    free(n);
}

/* The certificates a check involves, each once: the case's chain and
 * anchors, and the path, anchor and logged certificates of each outcome. */
struct certset {
    const struct dt_cert *v[2 * DT_NSS_MAX_PATH + 2 * (DT_NSS_MAX_PATH + 1 + 16)];
    size_t n;
};

static void certset_add(struct certset *s, const struct dt_cert *c)
{
    if (!c || s->n == DT_ARRAY_LEN(s->v))
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == c || !memcmp(s->v[i]->sha256, c->sha256, 32))
            return;
    s->v[s->n++] = c;
}

static void certset_outcome(struct run *R, struct certset *s, const struct dt_nss_outcome *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n_path; i++)
        certset_add(s, known_cert(R, o->path_sha256[i]));
    if (o->have_anchor)
        certset_add(s, known_cert(R, o->anchor_sha256));
    for (size_t i = 0; i < o->n_log; i++)
        if (o->log[i].have_cert)
            certset_add(s, known_cert(R, o->log[i].sha256));
}

static void certset_of(struct run *R, const struct dt_case *k, const struct dt_nss_outcome *base,
                       const struct dt_nss_outcome *with, struct certset *s)
{
    s->n = 0;
    for (size_t i = 0; i < k->n_chain && i < DT_NSS_MAX_PATH; i++)
        certset_add(s, k->chain[i]);
    for (size_t i = 0; i < k->n_anchors && i < DT_NSS_MAX_PATH; i++)
        certset_add(s, k->anchors[i]);
    certset_outcome(R, s, base);
    certset_outcome(R, s, with);
}

/* The entries that distrust, for the case's usage, a certificate of the
 * case (chain, anchors) or of the paths NSS built and logged. */
/* Whether a and b are the same name (RFC 5280), for an explanation: when
 * they cannot be compared (memory), that is said and counted as a check
 * that could not run, never taken for "not the same". */
static bool names_equal(struct run *R, struct dt_slice a, struct dt_slice b)
{
    bool equal = false;
    enum dt_err rc = dt_name_equal(a, b, &equal);
    if (rc != DT_OK) {
        line(R, "#   ERROR: cannot compare two names: %s", dt_err_str(rc));
        R->sum->errors++;
    }
    return equal;
}

static size_t show_matches(struct run *R, const struct dt_case *k,
                           const struct dt_nss_outcome *base, const struct dt_nss_outcome *with)
{
    struct certset s;
    certset_of(R, k, base, with, &s);
    size_t shown = 0;
    for (size_t a = 0; a < s.n; a++)
        for (size_t i = 0; i < R->b.n_entries; i++)
            if (exact(&R->b.entries[i], s.v[a]) &&
                R->b.entries[i].trust[usage_slot(k->usage)] == CKT_NSS_NOT_TRUSTED) {
                entry_line(R, &R->b.entries[i], s.v[a], "entry");
                shown++;
            }
    return shown;
}

/* Why a case that should be distrusted is not: look at each certificate on
 * the path NSS accepted for entries that nearly apply. */
static void explain_miss(struct run *R, const struct dt_case *k, const struct dt_nss_outcome *o,
                         bool explained, size_t shown, unsigned dep)
{
    size_t hints = 0;
    const struct dt_cert *path[DT_NSS_MAX_PATH + 1];
    size_t n = 0;
    for (size_t i = 0; i < o->n_path; i++) {
        const struct dt_cert *c = known_cert(R, o->path_sha256[i]);
        if (c)
            path[n++] = c;
    }
    if (o->have_anchor) {
        const struct dt_cert *c = known_cert(R, o->anchor_sha256);
        if (c && (n == 0 || path[n - 1] != c))
            path[n++] = c;
    }
    if (n == 0)
        for (size_t i = 0; i < k->n_chain && n < DT_NSS_MAX_PATH; i++)
            path[n++] = k->chain[i];
    for (size_t p = 0; p < n; p++) {
        const struct dt_cert *c = path[p];
        bool twin = false; /* explained as an issuer encoded differently */
        for (size_t i = 0; i < R->b.n_entries; i++) {
            const struct dt_bentry *e = &R->b.entries[i];
            if (!dt_slice_eq(e->issuer, c->info.issuer)) {
                /* The entry's issuer and serial, the issuer encoded
                 * differently: the same certificate to OpenSSL, another
                 * one to NSS's byte-exact lookup. */
                if (dt_slice_eq(e->serial, c->info.serial) &&
                    names_equal(R, e->issuer, c->info.issuer)) {
                    char *cn = dt_nssname_display(c->info.subject);
                    char *issuer = dt_nssname_text(c->info.issuer);
                    entry_line(R, e, c, "entry");
                    line(R,
                         "#     %s has its serial, and an issuer field that is its issuer as a "
                         "name but encoded differently (\"%s\"): NSS, OneCRL and the blob "
                         "match the exact issuer bytes, so the entry misses it. Build with a "
                         "pool or chain cases that hold this certificate (--pool, --cases): "
                         "the build then distrusts it under its own issuer bytes",
                         cn ? cn : "?", issuer ? issuer : "?");
                    free(cn);
                    free(issuer);
                    hints++;
                    twin = true;
                }
                continue;
            }
            if (exact(e, c)) {
                if (e->has_sha1 && memcmp(e->sha1, c->sha1, 20)) {
                    entry_line(R, e, c, "entry");
                    line(R, "#     its CKA_CERT_SHA1_HASH is not this certificate's SHA-1: NSS "
                            "drops all trust for the certificate instead of distrusting it, "
                            "which for an intermediate loses the distrust");
                    hints++;
                } else if (e->trust[usage_slot(k->usage)] != CKT_NSS_NOT_TRUSTED) {
                    entry_line(R, e, c, "entry");
                    line(R, "#     it does not distrust the %s usage", dt_cases_usage_name(k->usage));
                    hints++;
                }
                continue;
            }
            char want[200], got[200];
            if (pad_only(e->serial, c->info.serial) ||
                (e->serial.p == e->serial_tlv.p && dt_slice_eq(e->serial, c->info.serial))) {
                hex_of(e->serial_tlv, got, sizeof(got));
                hex_of(c->info.serial, want, sizeof(want));
                entry_line(R, e, c, "entry");
                line(R,
                     "#     its CKA_SERIAL_NUMBER is %s but the certificate's DER serial "
                     "is 02:..:%s: NSS compares bytes and never matches it (a missing or "
                     "extra 00 pad, or a serial without its INTEGER tag)",
                     got, want);
                hints++;
            }
        }
        /* A certificate with the same subject and key as a distrusted one. */
        bool covered = twin;
        for (size_t i = 0; i < R->b.n_entries && !covered; i++)
            covered = exact(&R->b.entries[i], c);
        if (covered)
            continue;
        for (size_t q = 0; q < R->n_known; q++) {
            const struct dt_cert *d = R->known[q].cert;
            /* The same subject as a name and the same key as a key. */
            if (d == c || memcmp(d->subject_id, c->subject_id, 32) ||
                memcmp(d->pubkey_id, c->pubkey_id, 32))
                continue;
            for (size_t i = 0; i < R->b.n_entries; i++) {
                if (!exact(&R->b.entries[i], d))
                    continue;
                char *cn = dt_nssname_display(c->info.subject), *issuer = dt_nssname_text(c->info.issuer),
                     ser[200];
                hex_of(c->info.serial, ser, sizeof(ser));
                line(R,
                     "#   the path went through %s issued by \"%s\" (serial %s), which "
                     "shares subject and key with a certificate entry \"%s\" distrusts, "
                     "but has no entry itself: a cross-certificate the build misses",
                     cn ? cn : "?", issuer ? issuer : "?", ser, R->b.entries[i].label);
                free(cn);
                free(issuer);
                hints++;
                break;
            }
        }
    }
    if (hints || explained)
        return;
    if (shown && dep == DT_DEPLOY_P11KIT)
        line(R, "#   the entries above are in certdata-distrust.txt, but p11-kit-trust.so serving "
                "distrust.p11-kit does not distrust the chain: an entry whose \"targets\" leave "
                "out p11-kit is not in distrust.p11-kit");
    else if (shown)
        line(R,
             "#   NSS accepts the chain although the entries above distrust a certificate of "
             "the case for the %s usage: look at the path NSS took",
             dt_cases_usage_name(k->usage));
    else
        line(R, "#   no entry of the build applies to any certificate on that path");
}

/* ---- deployments ------------------------------------------------------------------ */

/* Why a deployment cannot judge a case. */
static const char *why_not(const struct run *R, unsigned dep)
{
    if (dep == DT_DEPLOY_P11KIT)
        return R->p11kit_why;
    if (!R->has_merged)
        return "the build has no merged certdata.txt (distrust build --certdata UPSTREAM.txt)";
    return "the case's anchors are not the upstream root store OUT/certdata.txt was merged "
           "from (give that certdata.txt as the case's anchors)";
}

/* What judges case k: the root-store deployment only a case anchored at the
 * merge's upstream file (read only when that deployment is asked for). */
static enum dt_err case_plan(struct run *R, const struct dt_case *k,
                             struct dt_verify_case_plan *p)
{
    enum dt_err rc = DT_OK;
    unsigned want = k->deployments ? k->deployments : DT_DEPLOY_ALL;
    bool up = false;
    if (want & R->sel.selected & DT_DEPLOY_ROOT_STORE)
        DT_TRY(from_upstream(R, k, &up));
    dt_verify_plan_case(&R->sel, k->deployments, up, R->has_p11kit, p);
out:
    return rc;
}

/* ---- distrust-after --------------------------------------------------------------- */

/* A distrust-after date of a case's anchor for the case's usage: the server
 * date for server and ssl-ca, the e-mail date for the e-mail usages (client
 * and code signing have none). */
struct date_rule {
    const char *label; /* of the root's object; NULL: not from a file */
    bool server;
    int64_t date;
    bool after; /* the leaf's notBefore is after it: Firefox's rule distrusts */
};

static bool usage_dated(enum dt_usage u, bool *server)
{
    *server = u == DT_USAGE_SERVER || u == DT_USAGE_SSL_CA;
    return *server || u == DT_USAGE_EMAIL_SIGNER || u == DT_USAGE_EMAIL_RECIPIENT;
}

/* The date a certdata.txt (the build's, or the merged one) gives the anchor. */
static bool date_in(const struct dt_build_data *b, const struct dt_case *k, const uint8_t *anchor,
                    struct date_rule *r)
{
    bool server;
    if (!anchor || !usage_dated(k->usage, &server))
        return false;
    for (size_t i = 0; i < b->n_afters; i++) {
        const struct dt_bafter *a = &b->afters[i];
        if (memcmp(a->cert->sha256, anchor, 32) || !(server ? a->has_server : a->has_email))
            continue;
        r->label = a->label;
        r->server = server;
        r->date = server ? a->server : a->email;
        r->after = k->chain[0]->not_before > r->date;
        return true;
    }
    return false;
}

/* The date NSS itself read for the anchor of a verification. */
static bool date_read(const struct dt_case *k, const struct dt_nss_outcome *o, struct date_rule *r)
{
    bool server;
    if (!o->have_anchor || !usage_dated(k->usage, &server) ||
        !(server ? o->anchor_server_after : o->anchor_email_after))
        return false;
    r->label = NULL;
    r->server = server;
    r->date = server ? o->anchor_server_date : o->anchor_email_date;
    r->after = k->chain[0]->not_before > r->date;
    return true;
}

/* The root's name for a date line: its object's label, else its subject. */
static void date_root(struct run *R, const struct date_rule *r, const uint8_t *anchor, char *buf,
                      size_t cap)
{
    const struct dt_cert *c = r->label ? NULL : known_cert(R, anchor);
    char *n = c ? dt_nssname_display(c->info.subject) : NULL;
    snprintf(buf, cap, "%s", r->label ? r->label : n ? n : "the anchor");
    free(n);
}

/* A date that a deployment's client does not enforce: said plainly, with
 * what would make it effective. */
static void date_not_credited(struct run *R, const struct dt_case *k, const struct date_rule *r,
                              const uint8_t *anchor, unsigned dep)
{
    char root[256], d1[32], d2[32];
    date_root(R, r, anchor, root, sizeof(root));
    dt_time_format_rfc3339(r->date, d1);
    dt_time_format_rfc3339(k->chain[0]->not_before, d2);
    const char *why =
        dep == DT_DEPLOY_OVERLAY
            ? "the overlay module does not enforce distrust-after dates: Firefox reads them "
              "only from its built-in roots module"
        : dep == DT_DEPLOY_P11KIT
            ? "p11-kit-trust.so loaded beside the anchors is not Firefox's built-in roots "
              "module, so its dates are not credited (where p11-kit-trust.so replaces "
              "libnssckbi as the built-in roots, as on Fedora, they could apply; distrust "
              "verify does not model that)"
        : dep == DT_DEPLOY_ONECRL
            ? "OneCRL carries no distrust-after dates: Firefox reads them only from its "
              "built-in roots module"
            : "the blob carries no distrust-after dates, and OpenSSL has no such rule";
    line(R,
         "#   distrust-after: the build gives \"%s\" a %s distrust-after date of %s (the leaf's "
         "notBefore %s is %s it), but %s. Not applied.",
         root, r->server ? "server" : "email", d1, d2, r->after ? "after" : "not after", why);
    line(R, "#     to make the date effective: merge the policy into the root store (distrust "
            "build --certdata UPSTREAM.txt), ship that certdata.txt as the built-in roots, and "
            "verify with the upstream root store as the case's anchors, so that the root-store "
            "deployment is checked");
}

/* The root-store deployment: the date NSS read off the built-in root
 * (Firefox's rule applied to it), or the merged file's date NSS did not read. */
static void date_root_store(struct run *R, const struct dt_case *k, const struct dt_nss_outcome *o,
                            const struct date_rule *read)
{
    const uint8_t *anchor = o->have_anchor ? o->anchor_sha256 : NULL;
    struct date_rule in_file;
    bool filed = date_in(&R->mb, k, anchor, &in_file);
    char root[256], d1[32], d2[32];
    if (read) {
        struct date_rule r = *read;
        r.label = filed ? in_file.label : NULL;
        date_root(R, &r, anchor, root, sizeof(root));
        dt_time_format_rfc3339(r.date, d1);
        dt_time_format_rfc3339(k->chain[0]->not_before, d2);
        line(R,
             "#   distrust-after: the built-in root \"%s\" carries a %s distrust-after date of "
             "%s (NSS reads it from the merged certdata.txt); the leaf's notBefore %s is %s "
             "it: %s (the rule Firefox applies to its built-in roots; distrust verify applies "
             "it because NSS 3.87 does not)",
             root, r.server ? "server" : "email", d1, d2, r.after ? "after" : "not after",
             r.after ? "distrusted" : "still trusted");
    } else if (filed) {
        date_root(R, &in_file, anchor, root, sizeof(root));
        dt_time_format_rfc3339(in_file.date, d1);
        line(R,
             "#   distrust-after: the merged certdata.txt gives \"%s\" a %s distrust-after date "
             "of %s, but NSS does not read it from the built-in root (it needs both dates on "
             "the certificate object, one a 13-byte UTCTime): not applied",
             root, in_file.server ? "server" : "email", d1);
    }
}

/* ---- cases ----------------------------------------------------------------------- */

static enum dt_err write_file(const char *path, struct dt_slice data)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return DT_ERR_IO;
    size_t off = 0;
    while (off < data.n) {
        ssize_t w = write(fd, data.p + off, data.n - off);
        if (w <= 0) {
            close(fd);
            return DT_ERR_IO;
        }
        off += (size_t)w;
    }
    return close(fd) == 0 ? DT_OK : DT_ERR_IO;
}

static enum dt_err copy_file(struct dt_diags *d, const char *from, const char *to)
{
    struct dt_buf b;
    enum dt_err rc = dt_file_read(from, (size_t)256 << 20, &b, d, NULL);
    if (rc != DT_OK)
        return rc;
    rc = write_file(to, dt_slice_make(b.data, b.len));
    dt_buf_free(&b);
    if (rc == DT_OK)
        chmod(to, 0755);
    return rc;
}

static enum dt_err make_dir(struct run *R, const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    return DT_OK;
}

/* Records an anchors file jobs can point to (once per path); *stored gets
 * the recorded copy of the path, which lives as long as the run. */
static enum dt_err add_anchor_file(struct run *R, const char *path, bool written,
                                   const uint8_t sha[32], const char **stored)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < R->n_anchor_files; i++)
        if (!strcmp(R->anchor_files[i].path, path)) {
            *stored = R->anchor_files[i].path;
            goto out;
        }
    DT_TRY(dt_mem_grow((void **)&R->anchor_files, &R->cap_anchor_files, R->n_anchor_files + 1,
                   sizeof(*R->anchor_files)));
    struct anchor_file *af = &R->anchor_files[R->n_anchor_files];
    memset(af, 0, sizeof(*af));
    af->written = written;
    if (sha)
        memcpy(af->sha256, sha, 32);
    af->path = strdup(path);
    DT_ENSURE(af->path, DT_ERR_NOMEM);
    R->n_anchor_files++;
    *stored = af->path;
out:
    return rc;
}

static enum dt_err rootstore_of(struct run *R, const char *path, struct dt_pool **out);

/* The p11-kit deployment's anchors for a case: its anchor files, or the
 * roots its certdata.txt root store trusts for the case's usage, as PEM
 * files in DIR/anchors/ (p11-kit's anchors source). Cases with the same
 * anchors share DIR. Sets p->p11_base ("DIR") and p->p11_with ("DIST:DIR"). */
static enum dt_err p11kit_anchors(struct run *R, const struct dt_case *k, struct dt_verify_case_plan *p)
{
    enum dt_err rc = DT_OK;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    const struct dt_cert **certs = NULL;
    size_t n = 0;
    if (k->anchors_certdata) {
        struct dt_pool *pool;
        DT_TRY(rootstore_of(R, k->anchors_certdata, &pool));
        certs = calloc(pool->n + 1, sizeof(*certs));
        DT_ENSURE(certs, DT_ERR_NOMEM);
        for (size_t i = 0; i < pool->n; i++) {
            bool anchor;
            DT_TRY(dt_pool_is_anchor(pool, &pool->v[i], 1u << usage_slot(k->usage), &anchor));
            if (anchor)
                certs[n++] = pool->v[i].cert;
        }
    } else {
        certs = calloc(k->n_anchors + 1, sizeof(*certs));
        DT_ENSURE(certs, DT_ERR_NOMEM);
        for (size_t i = 0; i < k->n_anchors; i++)
            certs[n++] = k->anchors[i];
    }
    for (size_t i = 0; i < n; i++)
        DT_TRY(dt_buf_append(&b, certs[i]->sha256, 32));
    uint8_t sha[32];
    DT_TRY(dt_digest_sha256(dt_slice_make(b.data, b.len), sha));
    for (size_t i = 0; i < R->n_p11kit_dirs; i++)
        if (!memcmp(R->p11kit_dirs[i].sha256, sha, 32)) {
            p->p11_base = R->p11kit_dirs[i].base;
            p->p11_with = R->p11kit_dirs[i].with;
            goto out;
        }
    DT_TRY(dt_mem_grow((void **)&R->p11kit_dirs, &R->cap_p11kit_dirs, R->n_p11kit_dirs + 1,
                   sizeof(*R->p11kit_dirs)));
    struct p11kit_dir *pd = &R->p11kit_dirs[R->n_p11kit_dirs];
    memset(pd, 0, sizeof(*pd));
    memcpy(pd->sha256, sha, 32);
    char dir[PATH_MAX + 64], sub[PATH_MAX + 96], pem[PATH_MAX + 128];
    snprintf(dir, sizeof(dir), "%s/p11kit-anchors-%zu", R->work, R->n_p11kit_dirs + 1);
    snprintf(sub, sizeof(sub), "%s/anchors", dir);
    DT_TRY(make_dir(R, dir));
    DT_TRY(make_dir(R, sub));
    for (size_t i = 0; i < n; i++) {
        dt_buf_reset(&b);
        DT_TRY(dt_cert_pem(certs[i], &b));
        snprintf(pem, sizeof(pem), "%s/anchor-%02zu.pem", sub, i + 1);
        if (write_file(pem, dt_slice_make(b.data, b.len)) != DT_OK) {
            rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", pem, strerror(errno));
            goto out;
        }
    }
    pd->base = strdup(dir);
    size_t wl = strlen(R->p11kit_dist) + strlen(dir) + 2;
    pd->with = malloc(wl);
    R->n_p11kit_dirs++; /* owns what it got, even on failure */
    DT_ENSURE(pd->base && pd->with, DT_ERR_NOMEM);
    snprintf(pd->with, wl, "%s:%s", R->p11kit_dist, dir);
    p->p11_base = pd->base;
    p->p11_with = pd->with;
out:
    free(certs);
    dt_buf_free(&b);
    return rc;
}

/* case-N/reproduce.sh: the case's checks replayed with NSS's own tools,
 * one deployment at a time. */
static enum dt_err write_reproduce(struct run *R, const struct dt_case *k, size_t ci,
                                   const struct dt_verify_case_plan *p, const char *dir, const char *anchors)
{
    enum dt_err rc = DT_OK;
    struct dt_buf sh;
    dt_buf_init(&sh, 0);
    char when[16], deps[64];
    struct dt_civil c;
    dt_time_epoch_to_civil(k->has_time ? k->time : R->o->now, &c);
    snprintf(when, sizeof(when), "%02d%02d%02d%02d%02d%02dZ", c.year % 100, c.month, c.day, c.hour,
             c.min, c.sec);
    dt_cases_deployments_text(p->deps & DT_VERIFY_PLAN_NSS_DEPLOYS, deps, sizeof(deps));
    DT_TRY(dt_buf_printf(
        &sh,
        "#!/bin/sh\n"
        "# Replays case %zu (\"%s\") with NSS's own tools: certutil, modutil, vfychain.\n"
        "# Usage: reproduce.sh [baseline|with] [pkix|classic] [DEPLOYMENT]\n"
        "# DEPLOYMENT (default overlay) is one of this case's: %s.\n"
        "#   overlay     the anchors served in root-store mode by a copy of\n"
        "#               libdistrust-pkcs11.so; \"with\" adds the build's\n"
        "#               certdata-distrust.txt in overlay mode\n"
        "#   root-store  baseline: the upstream root store alone; \"with\": the merged\n"
        "#               certdata.txt alone (root-store mode)\n"
        "#   p11-kit     p11-kit-trust.so over the anchors (paths=ANCHORS); \"with\":\n"
        "#               paths=DIST:ANCHORS, DIST holding the build's distrust.p11-kit\n"
        "set -eu\n"
        "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
        "MODULE=${DISTRUST_PKCS11:-",
        ci + 1, k->name, deps));
    DT_TRY(dt_buf_shell_word(&sh, R->o->module));
    DT_TRY(dt_buf_puts(&sh, "}\n"));
    if (p->deps & DT_DEPLOY_P11KIT) {
        DT_TRY(dt_buf_puts(&sh, "P11KIT=${DISTRUST_P11KIT_TRUST:-"));
        DT_TRY(dt_buf_shell_word(&sh, R->p11kit));
        DT_TRY(dt_buf_puts(&sh, "}\n"));
    }
    DT_TRY(dt_buf_puts(
        &sh, "# a value inside the double quotes of a module parameter: \\ and \" escaped\n"
             "q() { printf '%s' \"$1\" | sed 's/[\\\\\"]/\\\\&/g'; }\n"
             "run=${1:-with} engine=${2:-pkix} deployment=${3:-overlay}\n"
             "case $run in baseline | with) ;; *) echo \"reproduce.sh: $run: expected baseline "
             "or with\" >&2; exit 2 ;; esac\n"
             "case $engine in pkix) flag=-pp ;; classic) flag= ;; *) echo \"reproduce.sh: "
             "$engine: expected pkix or classic\" >&2; exit 2 ;; esac\n"
             "db=$(mktemp -d)\n"
             "trap 'rm -rf \"$db\"' EXIT\n"
             "certutil -N --empty-password -d \"sql:$db\"\n"
             "case $deployment in\n"));
    if (p->deps & DT_DEPLOY_OVERLAY) {
        DT_TRY(dt_buf_puts(&sh, "overlay)\n    anchors="));
        DT_TRY(dt_buf_shell_word(&sh, anchors));
        DT_TRY(dt_buf_puts(&sh, " build="));
        DT_TRY(dt_buf_shell_word(&sh, R->b.path));
        DT_TRY(dt_buf_puts(
            &sh, "\n    cp \"$MODULE\" \"$db/anchors-module.so\"\n"
                 "    modutil -force -dbdir \"sql:$db\" -add anchors -libfile "
                 "\"$db/anchors-module.so\" "
                 "-string \"certdata=\\\"$(q \"$anchors\")\\\" mode=root-store\" >/dev/null\n"
                 "    if [ \"$run\" = with ]; then\n"
                 "        modutil -force -dbdir \"sql:$db\" -add distrust -libfile \"$MODULE\" "
                 "-string \"certdata=\\\"$(q \"$build\")\\\"\" >/dev/null\n"
                 "    fi\n    ;;\n"));
    }
    if (p->deps & DT_DEPLOY_ROOT_STORE) {
        DT_TRY(dt_buf_puts(&sh, "root-store)\n    store="));
        DT_TRY(dt_buf_shell_word(&sh, anchors));
        DT_TRY(dt_buf_puts(&sh, "\n    [ \"$run\" = with ] && store="));
        DT_TRY(dt_buf_shell_word(&sh, R->merged));
        DT_TRY(dt_buf_puts(
            &sh,
            "\n    cp \"$MODULE\" \"$db/store-module.so\"\n"
            "    modutil -force -dbdir \"sql:$db\" -add store -libfile \"$db/store-module.so\" "
            "-string \"certdata=\\\"$(q \"$store\")\\\" mode=root-store\" >/dev/null\n    ;;\n"));
    }
    if (p->deps & DT_DEPLOY_P11KIT) {
        DT_TRY(dt_buf_puts(&sh, "p11-kit)\n    paths="));
        DT_TRY(dt_buf_shell_word(&sh, p->p11_base));
        DT_TRY(dt_buf_puts(&sh, "\n    [ \"$run\" = with ] && paths="));
        DT_TRY(dt_buf_shell_word(&sh, p->p11_with));
        DT_TRY(dt_buf_puts(&sh,
                           "\n    modutil -force -dbdir \"sql:$db\" -add p11-kit-trust -libfile "
                           "\"$P11KIT\" -string \"paths=$paths\" >/dev/null\n    ;;\n"));
    }
    DT_TRY(dt_buf_printf(&sh,
                         "*)\n    echo \"reproduce.sh: $deployment: not a deployment of this case "
                         "(%s)\" >&2\n    exit 2\n    ;;\nesac\n"
                         "# not exec: the EXIT trap must remove the database\n"
                         "vfychain -d \"sql:$db\" $flag -u %d -b %s",
                         deps, dt_cases_usage_vfychain(k->usage), when));
    for (size_t i = 0; i < k->n_chain; i++)
        DT_TRY(dt_buf_printf(&sh, " -a \"$here/chain-%zu.pem\"", i + 1));
    DT_TRY(dt_buf_puts(&sh, "\n"));
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/reproduce.sh", dir);
    if (write_file(path, dt_slice_make(sh.data, sh.len)) != DT_OK) {
        rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    chmod(path, 0755);
out:
    dt_buf_free(&sh);
    return rc;
}

/* Writes what the NSS jobs of case index ci need: its anchors root store
 * (*stored: the run's copy of its path) and, for the p11-kit deployment, its
 * p11-kit anchors; with keep_work, the chain and a reproduce.sh. */
static enum dt_err prepare_case(struct run *R, const struct dt_case *k, size_t ci, struct dt_verify_case_plan *p,
                                const char **stored)
{
    enum dt_err rc = DT_OK;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    char dir[PATH_MAX + 32], anchors[PATH_MAX + 64];
    snprintf(dir, sizeof(dir), "%s/case-%zu", R->work, ci + 1);
    if (k->anchors_certdata) {
        if (!realpath(k->anchors_certdata, anchors)) {
            struct dt_place pl = dt_diag_place_file(k->file);
            rc = dt_diag_fail(&R->d, &pl, DT_ERR_INPUT, "%s: anchors %s: %s", k->json_path,
                         k->anchors_certdata, strerror(errno));
            goto out;
        }
        DT_TRY(add_anchor_file(R, anchors, false, NULL, stored));
    } else {
        /* The file is a function of the anchors: key it by their digests. */
        DT_TRY(dt_buf_reserve(&b, 32 * k->n_anchors));
        for (size_t i = 0; i < k->n_anchors; i++)
            DT_TRY(dt_buf_append(&b, k->anchors[i]->sha256, 32));
        uint8_t sha[32];
        DT_TRY(dt_digest_sha256(dt_slice_make(b.data, b.len), sha));
        dt_buf_reset(&b);
        const struct anchor_file *same = NULL;
        for (size_t i = 0; i < R->n_anchor_files && !same; i++)
            if (R->anchor_files[i].written && !memcmp(R->anchor_files[i].sha256, sha, 32))
                same = &R->anchor_files[i];
        if (same) {
            snprintf(anchors, sizeof(anchors), "%s", same->path);
            *stored = same->path;
        } else {
            snprintf(anchors, sizeof(anchors), "%s/anchors.txt", dir);
            DT_TRY(make_dir(R, dir));
            DT_TRY(dt_nssobj_anchors_file(&b, k->anchors, k->n_anchors, "distrust verify"));
            if (write_file(anchors, dt_slice_make(b.data, b.len)) != DT_OK) {
                rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", anchors,
                             strerror(errno));
                goto out;
            }
            DT_TRY(add_anchor_file(R, anchors, true, sha, stored));
        }
    }
    if (p->deps & DT_DEPLOY_P11KIT)
        DT_TRY(p11kit_anchors(R, k, p));
    if (!R->o->keep_work)
        goto out;
    DT_TRY(make_dir(R, dir));
    for (size_t i = 0; i < k->n_chain; i++) {
        char f[2 * PATH_MAX];
        snprintf(f, sizeof(f), "%s/chain-%zu.pem", dir, i + 1);
        dt_buf_reset(&b);
        DT_TRY(dt_cert_pem(k->chain[i], &b));
        if (write_file(f, dt_slice_make(b.data, b.len)) != DT_OK) {
            rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", f, strerror(errno));
            goto out;
        }
    }
    DT_TRY(write_reproduce(R, k, ci, p, dir, anchors));
out:
    dt_buf_free(&b);
    return rc;
}

static bool is_distrust_error(long code)
{
    return code == SEC_ERROR_UNTRUSTED_CERT || code == SEC_ERROR_UNTRUSTED_ISSUER;
}

/* ---- positions on a path ---------------------------------------------------------- */

/* A path NSS built, leaf first, its anchor last (once). */
struct refpath {
    const uint8_t *sha[DT_NSS_MAX_PATH + 1];
    size_t n;
};

static void ref_of(const struct dt_nss_outcome *o, struct refpath *r)
{
    r->n = 0;
    for (size_t i = 0; i < o->n_path; i++)
        r->sha[r->n++] = o->path_sha256[i];
    if (o->have_anchor && (r->n == 0 || memcmp(r->sha[r->n - 1], o->anchor_sha256, 32)))
        r->sha[r->n++] = o->anchor_sha256;
}

/* Where a certificate sits: "certificate 2 of 3", "certificate 1 of 3 (the
 * leaf)", "certificate 3 of 3 (the anchor)", counted on the path NSS built
 * (or, when it built none, on the baseline's path); NSS's verify-log depth
 * (0-based in the classic engine, not in libpkix) only as a last resort. */
static void position(const struct refpath *r, bool anchored, const uint8_t *sha, bool have,
                     unsigned depth, char *buf, size_t cap)
{
    for (size_t i = 0; have && i < r->n; i++) {
        if (memcmp(r->sha[i], sha, 32))
            continue;
        snprintf(buf, cap, "certificate %zu of %zu%s", i + 1, r->n,
                 i == 0                      ? " (the leaf)"
                 : i + 1 == r->n && anchored ? " (the anchor)"
                                             : "");
        return;
    }
    snprintf(buf, cap, "a certificate off the path (NSS's verify-log depth %u)", depth);
}

/* One outcome: the path NSS accepted, or its error and, for each
 * certificate it logged, where it sits on the path and the entry that
 * applies to it. ref: the outcome whose path counts positions when this
 * one has none (the baseline). */
static void outcome_line(struct run *R, const char *what, const struct dt_nss_outcome *o,
                         const struct dt_nss_outcome *ref)
{
    char path[1024];
    path_text(R, o, path, sizeof(path));
    if (o->good) {
        line(R, "#   %s: NSS accepts the chain: %s", what, path[0] ? path : "(no path)");
    } else {
        const char *hint = dt_verify_nss_error_hint(o->error);
        line(R, "#   %s: NSS rejects the chain: %s (%ld)%s%s", what, o->error_name, o->error,
             hint ? ": " : "", hint ? hint : "");
        struct refpath rp;
        const struct dt_nss_outcome *counted = o->n_path || !ref ? o : ref;
        ref_of(counted, &rp);
        /* Where NSS stopped: each logged certificate, and the entry that
         * applies to it. Duplicates (NSS logs some errors twice) are shown once. */
        for (size_t i = 0; i < o->n_log; i++) {
            bool dup = false;
            for (size_t j = 0; j < i; j++)
                dup |= o->log[j].depth == o->log[i].depth && o->log[j].error == o->log[i].error &&
                       o->log[j].have_cert == o->log[i].have_cert &&
                       !memcmp(o->log[j].sha256, o->log[i].sha256, 32);
            if (dup)
                continue;
            const struct dt_cert *c = o->log[i].have_cert ? known_cert(R, o->log[i].sha256) : NULL;
            char *n = c ? dt_nssname_display(c->info.subject) : NULL, where[96];
            position(&rp, counted->have_anchor, o->log[i].sha256, o->log[i].have_cert,
                     o->log[i].depth, where, sizeof(where));
            const struct dt_bentry *hit = NULL;
            for (size_t e = 0; c && e < R->b.n_entries && !hit; e++)
                if (exact(&R->b.entries[e], c))
                    hit = &R->b.entries[e];
            line(R, "#     at %s, %s: %s%s%s%s", where, n ? n : "(an unknown certificate)",
                 o->log[i].error_name, hit ? " (entry \"" : "", hit ? hit->label : "",
                 hit ? "\")" : "");
            free(n);
        }
    }
    if (o->shutdown[0])
        line(R, "#   note: %s", o->shutdown);
}

/* Why a chain expected trusted was rejected: every entry that names a
 * certificate of the case or of the paths NSS built and logged. Entries
 * that distrust the usage were listed already (show_matches); the others
 * are explained here, and only when there is none at all does the report
 * say that no entry names such a certificate. */
static void explain_rejection(struct run *R, const struct dt_case *k,
                              const struct dt_nss_outcome *base, const struct dt_nss_outcome *with,
                              unsigned dep, size_t shown)
{
    struct certset s;
    certset_of(R, k, base, with, &s);
    size_t named = shown;
    const char *use = dt_cases_usage_name(k->usage);
    for (size_t a = 0; a < s.n; a++) {
        const struct dt_cert *c = s.v[a];
        bool logged = false, anchor = false;
        for (size_t i = 0; i < with->n_log; i++)
            logged |= with->log[i].have_cert && !memcmp(with->log[i].sha256, c->sha256, 32);
        for (size_t i = 0; i < k->n_anchors; i++)
            anchor |= k->anchors[i] == c;
        anchor |= base->have_anchor && !memcmp(base->anchor_sha256, c->sha256, 32);
        for (size_t i = 0; i < R->b.n_entries; i++) {
            const struct dt_bentry *e = &R->b.entries[i];
            unsigned long t = e->trust[usage_slot(k->usage)];
            if (!exact(e, c) || t == CKT_NSS_NOT_TRUSTED)
                continue;
            named++;
            entry_line(R, e, c, "entry");
            line(R, "#     it does not distrust the %s usage%s", use,
                 logged ? ", yet NSS rejected the chain at that certificate" : "");
            if (e->has_sha1 && memcmp(e->sha1, c->sha1, 20))
                line(R, "#     its CKA_CERT_SHA1_HASH is not this certificate's SHA-1: NSS drops "
                        "all trust for the certificate, and an anchor without trust ends every "
                        "path through it");
            else if (logged && anchor && dep == DT_DEPLOY_OVERLAY && t == 0)
                line(R,
                     "#     it leaves the %s purpose unset, and NSS 3.87 merges trust per "
                     "purpose (nssTrust_Create): a later token of higher precedence replaces "
                     "a purpose's trust even with \"unset\", so with the overlay (trust order "
                     "50) loaded after the anchors (100) the anchor has no %s trust left. "
                     "Build with the root store (--roots STORE or --certdata UPSTREAM.txt): "
                     "the object then keeps the store's other purposes and the hashes",
                     use, use);
        }
    }
    if (!named)
        line(R, "#   no entry of the build names a certificate of the chain, its anchors or "
                "the paths NSS built; look at the anchors and the other certificates on the "
                "path");
}

/* ---- NSS checks ------------------------------------------------------------------- */

/* Plans the NSS jobs of a case under one engine (verify_plan.h). anchors:
 * the run's stored copy of the case's anchors path. */
static enum dt_err plan_jobs(struct run *R, const struct dt_case *k, enum dt_engine engine,
                             const char *anchors, struct dt_verify_case_plan *p)
{
    const struct dt_verify_plan_config c = {
        .db_dir = R->db,
        .rootstore_module = R->rootstore_module,
        .overlay_module = R->o->module,
        .build_certdata = R->b.path,
        .merged_certdata = R->merged,
        .p11kit_module = R->p11kit,
        .now = R->o->now,
    };
    return dt_verify_plan_jobs(&c, k, engine, anchors, p, &R->jobs, &R->n_jobs, &R->cap_jobs);
}

/* An outcome that could not be had: the check is an error. */
static bool not_run(struct run *R, size_t job, size_t no, const struct dt_case *k, const char *tag)
{
    const struct dt_nss_outcome *o = &R->outs[job];
    if (R->each[job] == DT_OK && o->ran)
        return false;
    line(R, "not ok %zu - %s%s # ERROR: %s", no, k->name, tag,
         o->failure[0] ? o->failure : "the verification could not run");
    R->sum->failed++;
    R->sum->errors++;
    return true;
}

static const char *with_what(unsigned dep)
{
    switch (dep) {
    case DT_DEPLOY_ROOT_STORE:
        return "with the build (root-store: the merged certdata.txt alone)";
    case DT_DEPLOY_P11KIT:
        return "with the build (p11-kit: distrust.p11-kit before the anchors in p11-kit-trust.so)";
    default:
        return "with the build (overlay)";
    }
}

/* The root-store deployment accepted a chain the build distrusts: the
 * build's entries for certificates on the path that the merged
 * certdata.txt does not carry. Returns how many it named. */
static size_t merged_lost(struct run *R, const struct dt_case *k, const struct dt_nss_outcome *o)
{
    struct certset s;
    s.n = 0;
    certset_outcome(R, &s, o);
    size_t lost = 0;
    int slot = usage_slot(k->usage);
    for (size_t a = 0; a < s.n; a++)
        for (size_t i = 0; i < R->b.n_entries; i++) {
            const struct dt_bentry *e = &R->b.entries[i];
            if (!exact(e, s.v[a]) || e->trust[slot] != CKT_NSS_NOT_TRUSTED)
                continue;
            bool kept = false;
            for (size_t j = 0; j < R->mb.n_entries && !kept; j++)
                kept = exact(&R->mb.entries[j], s.v[a]) &&
                       R->mb.entries[j].trust[slot] == CKT_NSS_NOT_TRUSTED;
            if (kept)
                continue;
            char *n = dt_nssname_display(s.v[a]->info.subject);
            line(R,
                 "#   the merged certdata.txt does not distrust %s for the %s usage, though the "
                 "build's entry \"%s\" does: the merge lost it (compare OUT/certdata.txt with "
                 "OUT/certdata-distrust.txt)",
                 n ? n : "?", dt_cases_usage_name(k->usage), e->label);
            free(n);
            lost++;
        }
    return lost;
}

/* With keep_work: how to replay a check with vfychain. */
static void reproduce_line(struct run *R, size_t ci, enum dt_engine engine, unsigned dep)
{
    if (R->o->keep_work)
        line(R, "#   reproduce: %s/case-%zu/reproduce.sh [baseline|with] %s %s", R->work, ci + 1,
             engine == DT_ENGINE_PKIX ? "pkix" : "classic", dt_cases_deployment_name(dep));
}

/* One (case, deployment, engine) check under NSS. */
/* Index of an NSS deployment bit (overlay 0, root-store 1, p11-kit 2). */
static size_t dep_index(unsigned dep)
{
    return dep == DT_DEPLOY_OVERLAY ? 0 : dep == DT_DEPLOY_ROOT_STORE ? 1 : 2;
}

/* Records an NSS verdict for the comparison with Firefox: PKIX's, else
 * classic's when PKIX does not run. */
static void nss_note(struct run *R, size_t ci, unsigned dep, enum dt_engine engine, char v)
{
    bool pkix = R->sel.nss_engines & DT_VERIFY_PKIX;
    if (R->nssv && (engine == DT_ENGINE_PKIX) == pkix)
        R->nssv[ci * 3 + dep_index(dep)] = v;
}

static void check_nss(struct run *R, const struct dt_case *k, size_t ci, unsigned dep,
                      enum dt_engine engine, const struct dt_verify_case_plan *p)
{
    char tag[48];
    dt_verify_plan_tag(&R->sel, dep, engine, tag, sizeof(tag));
    size_t no = ++R->test_no;
    R->sum->checks++;
    char when[32];
    dt_time_format_rfc3339(k->has_time ? k->time : R->o->now, when);
    const size_t *J = p->job[dt_verify_plan_engine_index(engine)];
    if (not_run(R, J[DT_VERIFY_JOB_BASE], no, k, tag))
        return;
    const struct dt_nss_outcome *base = &R->outs[J[DT_VERIFY_JOB_BASE]], *pbase = NULL;
    if (!base->good) {
        const char *hint = dt_verify_nss_error_hint(base->error);
        line(R,
             "not ok %zu - %s%s # INVALID: the chain does not validate without the "
             "distrust data (%s%s%s), so the case proves nothing",
             no, k->name, tag, base->error_name, hint ? ": " : "", hint ? hint : "");
        outcome_line(R, "baseline", base, NULL);
        line(R, "#   case %s at %s, usage %s, time %s", k->file, k->json_path,
             dt_cases_usage_name(k->usage), when);
        reproduce_line(R, ci, engine, dep);
        R->sum->failed++;
        R->sum->invalid++;
        nss_note(R, ci, dep, engine, 'I');
        return;
    }
    /* The baseline's anchors are served as built-in roots: a date they carry
     * themselves (a real root store's) is one Firefox enforces without the
     * build, so a chain it distrusts proves nothing either. */
    struct date_rule bd;
    if (date_read(k, base, &bd) && bd.after) {
        char root[256], d1[32], d2[32];
        date_root(R, &bd, base->anchor_sha256, root, sizeof(root));
        dt_time_format_rfc3339(bd.date, d1);
        dt_time_format_rfc3339(k->chain[0]->not_before, d2);
        line(R,
             "not ok %zu - %s%s # INVALID: the chain is distrusted without the distrust data: "
             "the anchors' own built-in root \"%s\" carries a %s distrust-after date of %s and "
             "the leaf's notBefore %s is after it (Firefox's rule), so the case proves nothing",
             no, k->name, tag, root, bd.server ? "server" : "email", d1, d2);
        outcome_line(R, "baseline", base, NULL);
        reproduce_line(R, ci, engine, dep);
        R->sum->failed++;
        R->sum->invalid++;
        nss_note(R, ci, dep, engine, 'I');
        return;
    }
    if (dep == DT_DEPLOY_P11KIT) {
        if (not_run(R, J[DT_VERIFY_JOB_P11_BASE], no, k, tag))
            return;
        pbase = &R->outs[J[DT_VERIFY_JOB_P11_BASE]];
        if (!pbase->good) {
            line(R,
                 "not ok %zu - %s%s # INVALID: p11-kit-trust.so serving the anchors alone does "
                 "not validate the chain (%s), so the case proves nothing for p11-kit",
                 no, k->name, tag, pbase->error_name);
            outcome_line(R, "p11-kit baseline (p11-kit-trust.so over the anchors alone)", pbase,
                         base);
            reproduce_line(R, ci, engine, dep);
            R->sum->failed++;
            R->sum->invalid++;
            nss_note(R, ci, dep, engine, 'I');
            return;
        }
    }
    size_t wj = J[dep == DT_DEPLOY_ROOT_STORE ? DT_VERIFY_JOB_ROOT_STORE
                  : dep == DT_DEPLOY_P11KIT   ? DT_VERIFY_JOB_P11_WITH
                                              : DT_VERIFY_JOB_OVERLAY];
    if (not_run(R, wj, no, k, tag))
        return;
    const struct dt_nss_outcome *with = &R->outs[wj];
    const uint8_t *anchor = with->have_anchor ? with->anchor_sha256 : NULL;
    struct date_rule dr;
    bool dated = false, credited = false;
    if (with->good && dep == DT_DEPLOY_ROOT_STORE) {
        dated = date_read(k, with, &dr); /* the date NSS read off the built-in root */
        credited = dated && dr.after;
    } else if (with->good) {
        dated = date_in(&R->b, k, anchor, &dr); /* a date this deployment does not enforce */
    }
    const char *verdict = !with->good ? (is_distrust_error(with->error) ? "distrusted" : "failed")
                          : credited  ? "distrusted"
                                      : "trusted";
    bool ok = !strcmp(verdict, k->expect_distrusted ? "distrusted" : "trusted");
    nss_note(R, ci, dep, engine, verdict[0] == 't' ? 'T' : verdict[0] == 'd' ? 'D' : 'F');
    if (dep == DT_DEPLOY_ROOT_STORE)
        R->sum->merged_checks++;
    line(R, "%s %zu - %s%s", ok ? "ok" : "not ok", no, k->name, tag);
    line(R, "#   expected %s, got %s (usage %s, time %s)",
         k->expect_distrusted ? "distrusted" : "trusted", verdict, dt_cases_usage_name(k->usage), when);
    outcome_line(R, "baseline", base, NULL);
    if (pbase)
        outcome_line(R, "p11-kit baseline (p11-kit-trust.so over the anchors alone)", pbase, base);
    outcome_line(R, with_what(dep), with, base);
    if (with->good && dep == DT_DEPLOY_ROOT_STORE)
        date_root_store(R, k, with, dated ? &dr : NULL);
    else if (dated)
        date_not_credited(R, k, &dr, anchor, dep);
    if (!with->good && !is_distrust_error(with->error))
        line(R, "#   the chain failed for another reason than distrust: the build or the "
                "case is wrong");
    size_t shown = show_matches(R, k, base, with);
    if (!ok && k->expect_distrusted && with->good) {
        size_t lost = dep == DT_DEPLOY_ROOT_STORE ? merged_lost(R, k, with) : 0;
        explain_miss(R, k, with, (dated && dr.after && !credited) || lost, shown, dep);
    } else if (!ok && !k->expect_distrusted && !with->good)
        explain_rejection(R, k, base, with, dep, shown);
    reproduce_line(R, ci, engine, dep);
    if (ok)
        R->sum->passed++;
    else
        R->sum->failed++;
}

/* A deployment the case names that cannot judge it in this run. */
static void check_missing(struct run *R, const struct dt_case *k, unsigned dep,
                          enum dt_engine engine)
{
    char tag[48];
    dt_verify_plan_tag(&R->sel, dep, engine, tag, sizeof(tag));
    size_t no = ++R->test_no;
    R->sum->checks++;
    line(R,
         "not ok %zu - %s%s # NOT RUN: the case names the %s deployment, which cannot judge it: %s",
         no, k->name, tag, dt_cases_deployment_name(dep), why_not(R, dep));
    R->sum->failed++;
}

/* ---- run ----------------------------------------------------------------------------- */

static void nss_progress(size_t done, size_t total, void *ctx)
{
    const struct run *R = ctx;
    if (R->o->progress)
        R->o->progress("verifying", done, total, R->o->progress_ctx);
}

/* ---- the OpenSSL engine ---------------------------------------------------------- */

/* The root store read from path into *out (NULL for no path). Its
 * problems are reported; DT_ERR_INPUT when it cannot be used, and memory or
 * a digest as they are (never taken for a store that is not there). */
static enum dt_err rootstore_of(struct run *R, const char *path, struct dt_pool **out)
{
    enum dt_err rc = DT_OK;
    *out = NULL;
    if (!path)
        goto out;
    for (size_t i = 0; i < R->n_stores; i++)
        if (!strcmp(R->stores[i].path, path)) {
            *out = &R->stores[i].pool;
            goto out;
        }
    DT_TRY(dt_mem_grow((void **)&R->stores, &R->cap_stores, R->n_stores + 1, sizeof(*R->stores)));
    struct rootstore *rs = &R->stores[R->n_stores];
    rs->path = path;
    dt_pool_init(&rs->pool);
    rc = dt_pool_add(&rs->pool, path, NULL, &R->d, NULL, NULL);
    if (rc != DT_OK) {
        dt_pool_free(&rs->pool);
        if (rc == DT_ERR_LIMIT)
            rc = DT_ERR_INPUT;
        goto out;
    }
    rs->pool.explicit_anchors = true; /* the store's trust objects decide */
    R->n_stores++;
    *out = &rs->pool;
out:
    return rc;
}

/* A path an engine built (leaf first, by SHA-256) as the subjects' names,
 * "leaf <- issuer <- ...". */
static void path_names(struct run *R, const uint8_t (*path)[32], size_t n_path, char *buf,
                       size_t cap)
{
    buf[0] = 0;
    for (size_t i = 0; i < n_path; i++) {
        const struct dt_cert *c = known_cert(R, path[i]);
        char *n = c ? dt_nssname_display(c->info.subject) : NULL;
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", i ? " <- " : "", n ? n : "(an unknown certificate)");
        free(n);
    }
}

static void ossl_path(struct run *R, const struct dt_ossl_outcome *o, char *buf, size_t cap)
{
    path_names(R, (const uint8_t(*)[32])o->path_sha256, o->n_path, buf, cap);
}

/* Whether the blob lists a certificate, and the build entry that covers it
 * for NSS (to say why the blob and NSS differ). */
static const struct dt_bentry *nss_entry_of(struct run *R, const struct dt_cert *c)
{
    for (size_t e = 0; e < R->b.n_entries; e++)
        if (exact(&R->b.entries[e], c))
            return &R->b.entries[e];
    return NULL;
}

static void check_openssl(struct run *R, const struct dt_case *k)
{
    char tag[48];
    dt_verify_plan_tag(&R->sel, DT_DEPLOY_OPENSSL, DT_ENGINE_PKIX, tag, sizeof(tag));
    size_t no = ++R->test_no;
    R->sum->checks++;
    int64_t when_t = k->has_time ? k->time : R->o->now;
    char when[32];
    dt_time_format_rfc3339(when_t, when);
    struct dt_pool *rs;
    enum dt_err src = rootstore_of(R, k->anchors_certdata, &rs);
    struct dt_ossl_outcome base, with;
    if (src != DT_OK) {
        line(R, "not ok %zu - %s%s # ERROR: cannot read the root store %s: %s", no, k->name, tag,
             k->anchors_certdata,
             src == DT_ERR_INTERNAL && dt_err_cause() ? dt_err_cause() : dt_err_str(src));
        R->sum->failed++;
        R->sum->errors++;
        return;
    }
    if (dt_verify_openssl_run(k, rs, when_t, NULL, &base) != DT_OK || !base.ran) {
        line(R, "not ok %zu - %s%s # ERROR: %s", no, k->name, tag,
             base.failure[0] ? base.failure : "the verification could not run");
        R->sum->failed++;
        R->sum->errors++;
        return;
    }
    char path[1024];
    if (!base.good) {
        line(R,
             "not ok %zu - %s%s # INVALID: OpenSSL does not accept the chain without the "
             "blob (%s), so the case proves nothing",
             no, k->name, tag, base.error_name);
        R->sum->failed++;
        R->sum->invalid++;
        return;
    }
    if (dt_verify_openssl_run(k, rs, when_t, R->blob, &with) != DT_OK || !with.ran) {
        line(R, "not ok %zu - %s%s # ERROR: %s", no, k->name, tag,
             with.failure[0] ? with.failure : "the verification could not run");
        R->sum->failed++;
        R->sum->errors++;
        return;
    }
    const uint8_t *anchor = with.good && with.n_path ? with.path_sha256[with.n_path - 1] : NULL;
    struct date_rule dr;
    bool dated = with.good && date_in(&R->b, k, anchor, &dr);
    const char *verdict =
        !with.good ? (with.error == X509_V_ERR_CERT_REVOKED ? "distrusted" : "failed") : "trusted";
    bool ok = k->expect_distrusted ? !strcmp(verdict, "distrusted") : !strcmp(verdict, "trusted");
    line(R, "%s %zu - %s%s", ok ? "ok" : "not ok", no, k->name, tag);
    line(R, "#   expected %s, got %s (usage %s, time %s)",
         k->expect_distrusted ? "distrusted" : "trusted", verdict, dt_cases_usage_name(k->usage), when);
    ossl_path(R, &base, path, sizeof(path));
    line(R, "#   baseline: OpenSSL accepts the chain: %s", path);
    ossl_path(R, &with, path, sizeof(path));
    if (with.good) {
        line(R, "#   with the blob: OpenSSL accepts the chain: %s", path);
    } else {
        /* OpenSSL's error depth counts from 0 at the leaf of the chain it built. */
        const struct dt_cert *c = with.error_depth >= 0 && (size_t)with.error_depth < with.n_path
                                      ? known_cert(R, with.path_sha256[with.error_depth])
                                      : NULL;
        char *n = c ? dt_nssname_display(c->info.subject) : NULL;
        if (with.error_depth >= 0 && (size_t)with.error_depth < with.n_path)
            line(R,
                 "#   with the blob: OpenSSL rejects the chain at certificate %d of %zu%s, %s: %s",
                 with.error_depth + 1, with.n_path,
                 with.error_depth == 0                         ? " (the leaf)"
                 : (size_t)with.error_depth + 1 == with.n_path ? " (the anchor)"
                                                               : "",
                 n ? n : "(an unknown certificate)", with.error_name);
        else
            line(R, "#   with the blob: OpenSSL rejects the chain: %s", with.error_name);
        free(n);
    }
    if (dated)
        date_not_credited(R, k, &dr, anchor, DT_DEPLOY_OPENSSL);
    bool several_paths = k->n_anchors > 1;
    for (size_t i = 1; i < k->n_chain && !several_paths; i++)
        for (size_t j = i + 1; j < k->n_chain; j++)
            several_paths |= dt_slice_eq(k->chain[i]->info.subject, k->chain[j]->info.subject);
    if (several_paths && !with.good)
        line(R, "#   the case offers more than one path: OpenSSL does not backtrack, so its "
                "verdict covers the first path it built; NSS's PKIX engine tries the others");
    if (ok)
        goto done;
    /* Why OpenSSL and the expectation differ. */
    if (k->expect_distrusted && with.good) {
        bool said = false;
        for (size_t i = 0; i < with.n_path; i++) {
            const struct dt_cert *c = known_cert(R, with.path_sha256[i]);
            const struct dt_bentry *e = c ? nss_entry_of(R, c) : NULL;
            if (!e)
                continue;
            char *n = dt_nssname_display(c->info.subject);
            line(R,
                 "#   the build distrusts %s for NSS (entry \"%s\"%s%s%s) but the blob does not "
                 "list it: the entry does not target the blob (or limits purposes, which the "
                 "blob cannot)",
                 n ? n : "?", e->label, e->source[0] ? ", " : "", e->source,
                 e->source[0] ? "" : "");
            free(n);
            said = true;
        }
        /* The entry's issuer and serial with the issuer encoded differently:
         * OpenSSL chains it, the blob matches the exact bytes. */
        for (size_t i = 0; i < with.n_path && !said; i++) {
            const struct dt_cert *c = known_cert(R, with.path_sha256[i]);
            for (size_t j = 0; c && j < R->b.n_entries && !said; j++) {
                const struct dt_bentry *e = &R->b.entries[j];
                if (dt_slice_eq(e->issuer, c->info.issuer) ||
                    !dt_slice_eq(e->serial, c->info.serial) ||
                    !names_equal(R, e->issuer, c->info.issuer))
                    continue;
                char *n = dt_nssname_display(c->info.subject);
                line(R,
                     "#   %s has the serial of entry \"%s\" and an issuer field that is the "
                     "entry's issuer as a name but encoded differently: OpenSSL chains it, the "
                     "blob matches the exact issuer bytes and misses it. Build with a pool or "
                     "chain cases that hold it (--pool, --cases): the build then lists it under "
                     "its own issuer bytes",
                     n ? n : "?", e->label);
                free(n);
                said = true;
            }
        }
        if (!said && !(dated && dr.after))
            line(R, "#   no certificate of the path OpenSSL built is in the blob: the path "
                    "reaches the distrusted key another way (a cross-certificate the build "
                    "misses?)");
    } else if (!k->expect_distrusted && !with.good && with.error == X509_V_ERR_CERT_REVOKED) {
        line(R, "#   OpenSSL does not backtrack: the path it built holds a certificate the "
                "blob lists, and it stops there, where NSS looks for another path");
    }
done:
    if (ok)
        R->sum->passed++;
    else
        R->sum->failed++;
}

/* ---- the run ------------------------------------------------------------------------ */

static const char *const p11kit_paths[] = {
    "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so",
    "/usr/lib/aarch64-linux-gnu/pkcs11/p11-kit-trust.so",
    "/usr/lib64/pkcs11/p11-kit-trust.so",
    "/usr/lib/pkcs11/p11-kit-trust.so",
};

/* Which deployments the run checks, with which NSS engines
 * (dt_verify_plan_select), and whether p11-kit-trust.so is at hand for the
 * p11-kit deployment. */
static enum dt_err select_deployments(struct run *R)
{
    enum dt_err rc = DT_OK;
    const struct dt_verify_opts *o = R->o;
    dt_verify_plan_select(o->engines, o->deployments, R->has_merged, &R->sel);
    if (!(R->sel.selected & DT_DEPLOY_P11KIT))
        goto out;
    /* Not found is not an error: the deployment is not checked, the report
     * says so, and a case that names it fails. */
    if (o->p11kit_module) {
        if (access(o->p11kit_module, R_OK) == 0) {
            snprintf(R->p11kit, sizeof(R->p11kit), "%s", o->p11kit_module);
            R->has_p11kit = true;
        } else {
            snprintf(R->p11kit_why, sizeof(R->p11kit_why),
                     "p11-kit-trust.so not found: %.3000s: %s", o->p11kit_module, strerror(errno));
        }
        goto out;
    }
    for (size_t i = 0; i < DT_ARRAY_LEN(p11kit_paths) && !R->has_p11kit; i++)
        if (access(p11kit_paths[i], R_OK) == 0) {
            snprintf(R->p11kit, sizeof(R->p11kit), "%s", p11kit_paths[i]);
            R->has_p11kit = true;
        }
    if (!R->has_p11kit)
        snprintf(R->p11kit_why, sizeof(R->p11kit_why),
                 "p11-kit-trust.so not found (looked in %s and 3 other system paths; give "
                 "--p11-kit-trust PATH, Debian's p11-kit-modules installs it)",
                 p11kit_paths[0]);
out:
    return rc;
}

/* The p11-kit deployment's copy of OUT/distrust.p11-kit, in a directory of
 * its own (p11-kit serves each path as a token). */
static enum dt_err p11kit_dist(struct run *R)
{
    enum dt_err rc = DT_OK;
    char from[PATH_MAX + 32], to[PATH_MAX + 64];
    snprintf(from, sizeof(from), "%s/distrust.p11-kit", R->o->build_dir);
    snprintf(R->p11kit_dist, sizeof(R->p11kit_dist), "%s/p11kit-dist", R->work);
    snprintf(to, sizeof(to), "%s/distrust.p11-kit", R->p11kit_dist);
    if (access(from, R_OK) != 0) {
        struct dt_place pl = dt_diag_place_file(from);
        rc = dt_diag_fail(&R->d, &pl, DT_ERR_INPUT,
                     "the p11-kit deployment needs the build's "
                     "distrust.p11-kit: %s",
                     strerror(errno));
        goto out;
    }
    DT_TRY(make_dir(R, R->p11kit_dist));
    if (copy_file(&R->d, from, to) != DT_OK) {
        rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot copy %s to %s", from, to);
        goto out;
    }
    chmod(to, 0644);
out:
    return rc;
}

/* Reports a case no selected deployment judges. */
static void not_checked(struct run *R, const struct dt_case *k, const struct dt_verify_case_plan *p)
{
    char named[64], run[64];
    dt_cases_deployments_text(k->deployments, named, sizeof(named));
    dt_cases_deployments_text(R->sel.selected, run, sizeof(run));
    unsigned why = dt_verify_plan_unchecked(&R->sel, k->deployments, p);
    if (!why)
        line(R, "# not checked: \"%s\" (%s %s): its deployments (%s) are not among this run's (%s)",
             k->name, k->file, k->json_path, named, run[0] ? run : "none");
    else
        line(R, "# not checked: \"%s\" (%s %s): no deployment of this run can judge it (%s: %s)",
             k->name, k->file, k->json_path,
             dt_cases_deployment_name(why), why_not(R, why));
    R->sum->not_checked++;
}

/* ---- the Firefox engine ---------------------------------------------------------- */

/* Firefox's configurations, one Firefox process each serving every case of
 * it: a fresh profile (the baseline of overlay and onecrl), the overlay
 * module added to the profile, OneCRL's records in cert_storage; the module
 * as Firefox's built-in roots module serving the upstream root store (a
 * baseline) or OUT/certdata.txt, or serving the cases' anchors (a baseline)
 * or the anchors with the build merged in (rootstore.h). */
enum { FF_BASE = 0, FF_OVERLAY, FF_ONECRL, FF_RSU_BASE, FF_RSU, FF_RSA_BASE, FF_RSA, FF_N };
static const char *const ff_name[FF_N] = {"baseline",
                                          "overlay",
                                          "onecrl",
                                          "root-store baseline (the upstream root store)",
                                          "root-store (OUT/certdata.txt)",
                                          "root-store baseline (the cases' anchors)",
                                          "root-store (the cases' anchors, the build merged)"};
static const char *const ff_tag[FF_N] = {"",           "overlay",    "onecrl",    "root-store",
                                         "root-store", "root-store", "root-store"};
static const char *const ff_with[FF_N] = {
    "",
    "with the overlay module in the profile",
    "with OneCRL's records in cert_storage",
    "",
    "with OUT/certdata.txt as Firefox's built-in roots module",
    "",
    ("with the case's anchors and OUT/certdata-distrust.txt merged as Firefox's built-in roots "
     "module")};
static const char *const ff_base_what[FF_N] = {
    "", "", "", "", " (the case's root store as Firefox's built-in roots module)", "",
    " (the case's anchors as Firefox's built-in roots module)"};

/* Firefox's deployments, in report order. */
static const unsigned ff_deps[3] = {DT_DEPLOY_ROOT_STORE, DT_DEPLOY_OVERLAY, DT_DEPLOY_ONECRL};

/* What judges one case under Firefox. */
struct ff_plan {
    unsigned deps;          /* Firefox's deployments that judge it */
    int rs;                 /* its root-store configuration: FF_RSU, FF_RSA (0: none) */
    const char *not_run[3]; /* by ff_deps: named by the case and selected, but unable: why */
    const char *skip_why;   /* selected, not named, unable: why */
    const char *rs_why;     /* why the root store cannot judge it (its anchors a root store) */
};

/* Which of Firefox's selected deployments judge case k. The root store:
 * OUT/certdata.txt for a case anchored at the upstream file it was merged
 * from, the anchors with the build merged for a case anchored at
 * certificates; overlay and onecrl: a case anchored at certificates (a root
 * store is something Firefox takes only as its built-in roots). */
static enum dt_err ff_plan_case(struct run *R, const struct dt_case *k, struct ff_plan *p)
{
    enum dt_err rc = DT_OK;
    unsigned want = k->deployments ? k->deployments : DT_DEPLOY_ALL;
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < DT_ARRAY_LEN(ff_deps); i++) {
        unsigned dep = ff_deps[i];
        const char *why = NULL;
        if (!(want & R->sel.firefox & dep))
            continue;
        if (!dt_firefox_usage_supported(k->usage)) {
            why = "Firefox verifies no code-signing usage";
        } else if (dep == DT_DEPLOY_ROOT_STORE && k->anchors_certdata) {
            bool up = false;
            if (R->has_merged)
                DT_TRY(from_upstream(R, k, &up));
            if (up)
                p->rs = FF_RSU;
            else
                why = p->rs_why = why_not(R, DT_DEPLOY_ROOT_STORE);
        } else if (dep == DT_DEPLOY_ROOT_STORE) {
            p->rs = FF_RSA;
        } else if (k->anchors_certdata) {
            why = "its anchors are a root store, which Firefox takes only as its built-in roots "
                  "(the root-store deployment)";
        }
        if (!why)
            p->deps |= dep;
        else if (k->deployments & dep)
            p->not_run[i] = why;
        else
            p->skip_why = why;
    }
out:
    return rc;
}

/* Whether Firefox checks case ci (a verdict or a NOT RUN). */
static bool ff_checks(const struct run *R, size_t ci)
{
    const struct ff_plan *p = R->ffp ? &R->ffp[ci] : NULL;
    return p && (p->deps || p->not_run[0] || p->not_run[1] || p->not_run[2]);
}

/* Whether configuration conf serves case p. */
static bool ff_serves(const struct ff_plan *p, int conf)
{
    switch (conf) {
    case FF_BASE:
        return p->deps & (DT_DEPLOY_OVERLAY | DT_DEPLOY_ONECRL);
    case FF_OVERLAY:
        return p->deps & DT_DEPLOY_OVERLAY;
    case FF_ONECRL:
        return p->deps & DT_DEPLOY_ONECRL;
    case FF_RSU_BASE:
    case FF_RSU:
        return (p->deps & DT_DEPLOY_ROOT_STORE) && p->rs == FF_RSU;
    default:
        return (p->deps & DT_DEPLOY_ROOT_STORE) && p->rs == FF_RSA;
    }
}

/* Finds Firefox and plans which cases it judges, before any report: a case
 * Firefox judges is no "not checked" case of the other engines. */
static enum dt_err ff_prepare(struct run *R)
{
    enum dt_err rc = DT_OK;
    char why[200];
    R->ff_bin[0] = '\0';
    if (!(R->o->engines & DT_VERIFY_FIREFOX))
        goto out;
    if (!dt_firefox_find(R->o->firefox, R->ff_bin, sizeof(R->ff_bin), why, sizeof(why))) {
        R->ff_bin[0] = '\0';
        if (R->o->firefox) {
            struct dt_place pl = dt_diag_place_file(R->o->firefox);
            rc = dt_diag_fail(&R->d, &pl, DT_ERR_INPUT,
                              "--firefox: not an executable Firefox: %s", strerror(ENOENT));
            goto out;
        }
        line(R, "# firefox engine: skipped, Firefox not found (give --firefox PATH): %s", why);
        R->sum->skipped_engines++;
        goto out;
    }
    if (!R->sel.firefox) {
        line(R, "# firefox engine: no deployment of Firefox's among --deployments (it has "
                "overlay, root-store and onecrl)");
        goto out;
    }
    R->ffp = calloc(R->cases.n + 1, sizeof(*R->ffp));
    R->nssv = calloc(R->cases.n * 3 + 1, 1);
    DT_ENSURE(R->ffp && R->nssv, DT_ERR_NOMEM);
    for (size_t ci = 0; ci < R->cases.n; ci++)
        DT_TRY(ff_plan_case(R, &R->cases.v[ci], &R->ffp[ci]));
out:
    return rc;
}

/* The root stores of the cases anchored at certificates: every distinct
 * anchor of them as a built-in root (the baseline), and the same with the
 * build's certdata-distrust.txt merged in (rootstore.h). */
static enum dt_err ff_anchor_stores(struct run *R, const char *build_certdata, char *base_path,
                                    char *with_path, size_t cap)
{
    enum dt_err rc = DT_OK;
    struct dt_cert **v = NULL;
    size_t n = 0, total = 0;
    struct dt_buf text, b;
    dt_buf_init(&text, DT_MAX_CERTDATA_BYTES);
    dt_buf_init(&b, (size_t)1 << 31);
    for (size_t ci = 0; ci < R->cases.n; ci++)
        total += R->cases.v[ci].n_anchors;
    v = calloc(total + 1, sizeof(*v));
    DT_ENSURE(v, DT_ERR_NOMEM);
    for (size_t ci = 0; ci < R->cases.n; ci++) {
        const struct dt_case *k = &R->cases.v[ci];
        if (!ff_serves(&R->ffp[ci], FF_RSA))
            continue;
        for (size_t a = 0; a < k->n_anchors; a++) {
            size_t j = 0;
            while (j < n && memcmp(v[j]->sha256, k->anchors[a]->sha256, 32))
                j++;
            if (j == n)
                v[n++] = k->anchors[a];
        }
    }
    snprintf(base_path, cap, "%s/firefox-anchors.txt", R->work);
    snprintf(with_path, cap, "%s/firefox-anchors-merged.txt", R->work);
    DT_TRY(dt_rootstore_of_anchors(&b, v, n, NULL, dt_slice_make(NULL, 0), "distrust verify",
                                   &R->d));
    if (write_file(base_path, dt_slice_make(b.data, b.len)) != DT_OK) {
        rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", base_path,
                          strerror(errno));
        goto out;
    }
    DT_TRY(dt_file_read(build_certdata, DT_MAX_CERTDATA_BYTES, &text, &R->d, NULL));
    dt_buf_reset(&b);
    DT_TRY(dt_rootstore_of_anchors(&b, v, n, build_certdata, dt_slice_make(text.data, text.len),
                                   "distrust verify", &R->d));
    if (write_file(with_path, dt_slice_make(b.data, b.len)) != DT_OK) {
        rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", with_path,
                          strerror(errno));
        goto out;
    }
out:
    dt_buf_free(&text);
    dt_buf_free(&b);
    free(v);
    return rc;
}

static void ff_path(struct run *R, const struct dt_firefox_outcome *o, char *buf, size_t cap)
{
    path_names(R, (const uint8_t(*)[32])o->path_sha256, o->n_path, buf, cap);
}

/* Whether the path Firefox built for case k ends at one of the case's own
 * anchors. The anchors root store serves the anchors of every case at once:
 * a path to another case's anchor says nothing about this case. */
static bool ff_at_own_anchor(const struct dt_case *k, const struct dt_firefox_outcome *o)
{
    for (size_t i = 0; o->n_path && i < k->n_anchors; i++)
        if (!memcmp(k->anchors[i]->sha256, o->path_sha256[o->n_path - 1], 32))
            return true;
    return false;
}

/* b64 of bytes equals the record's string s. */
static bool ff_b64_is(struct dt_slice bytes, const char *s)
{
    struct dt_buf b;
    dt_buf_init(&b, 1u << 16);
    bool same = s && dt_b64_encode(bytes, &b) == DT_OK && b.len == strlen(s) &&
                !memcmp(b.data, s, b.len);
    dt_buf_free(&b);
    return same;
}

/* Whether OUT/onecrl.json (its "data") has a record for certificate c, by
 * issuer and serial or by subject and key. */
static bool ff_in_onecrl(json_t *data, const struct dt_cert *c)
{
    uint8_t h[32];
    bool have_h = dt_digest_sha256(c->info.spki, h) == DT_OK;
    for (size_t i = 0; i < json_array_size(data); i++) {
        json_t *r = json_array_get(data, i);
        const char *is = json_string_value(json_object_get(r, "issuerName"));
        const char *sn = json_string_value(json_object_get(r, "serialNumber"));
        const char *su = json_string_value(json_object_get(r, "subject"));
        const char *pk = json_string_value(json_object_get(r, "pubKeyHash"));
        if (is && sn && ff_b64_is(c->info.issuer, is) && ff_b64_is(c->info.serial, sn))
            return true;
        if (su && pk && have_h && ff_b64_is(c->info.subject, su) &&
            ff_b64_is(dt_slice_make(h, 32), pk))
            return true;
    }
    return false;
}

/* Why a Firefox check that expected a distrust saw the chain accepted, when
 * the reason is known: said plainly, as what the deployment does not
 * enforce. */
static const char *ff_explain(struct run *R, const struct dt_case *k, int conf, json_t *onecrl,
                              bool dated)
{
    if (dated) /* the distrust-after line said it */
        return "Firefox does not enforce a distrust-after date there";
    if (conf != FF_ONECRL) {
        bool has = false;
        for (size_t i = 0; i < k->n_chain && !has; i++)
            has = nss_entry_of(R, k->chain[i]) != NULL;
        for (size_t i = 0; i < k->n_anchors && !has; i++)
            has = nss_entry_of(R, k->anchors[i]) != NULL;
        if (!has) {
            line(R, "#   why: OUT/certdata-distrust.txt has no object for any certificate of the "
                    "case (an entry whose targets leave out nss is not in it)");
            return "OUT/certdata-distrust.txt has no object for the case";
        }
    }
    if (conf == FF_OVERLAY) {
        for (size_t i = 0; i < k->n_anchors; i++) {
            if (!nss_entry_of(R, k->anchors[i]))
                continue;
            char *n = dt_nssname_display(k->anchors[i]->info.subject);
            line(R, "#   why: the build distrusts %s, an anchor of the case, which the profile "
                    "itself trusts (added with trust C,C,C): Firefox keeps a profile's own trust "
                    "record over an added module's distrust; a built-in root is distrusted "
                    "through the root-store deployment",
                 n ? n : "(a certificate)");
            free(n);
            return "the profile's own trust record of the anchor outranks the added module's "
                   "distrust";
        }
        line(R, "#   why: not known: the overlay module serves the build, and Firefox accepts "
                "the chain");
        return "not known";
    } else if (conf == FF_ONECRL) {
        bool listed = false;
        for (size_t i = 0; i < k->n_chain && !listed; i++)
            listed = ff_in_onecrl(onecrl, k->chain[i]);
        for (size_t i = 0; i < k->n_anchors && !listed; i++)
            listed = ff_in_onecrl(onecrl, k->anchors[i]);
        if (!listed) {
            line(R, "#   why: OUT/onecrl.json has no record for any certificate of the case "
                    "(OneCRL has no purposes: an entry limited to some purposes, or without the "
                    "onecrl target, is not in it)");
            return "OUT/onecrl.json has no record for the case";
        }
        line(R, "#   why: not known: OUT/onecrl.json lists a certificate of the case, and "
                "Firefox accepts the chain");
        return "not known";
    }
    line(R, "#   why: not known: Firefox accepts the chain from its built-in roots module "
            "with the build in it");
    return "not known";
}

/* A distrust-after date the built-in root of a root-store check carries
 * (the build's, or the merged file's), and what Firefox made of it. */
static bool ff_date_builtin(struct run *R, const struct dt_case *k, int conf,
                            const struct dt_firefox_outcome *base,
                            const struct dt_firefox_outcome *with)
{
    struct date_rule dr;
    const uint8_t *anchor = base->n_path ? base->path_sha256[base->n_path - 1] : NULL;
    if (!date_in(conf == FF_RSU ? &R->mb : &R->b, k, anchor, &dr))
        return false;
    char root[256], d1[32], d2[32];
    date_root(R, &dr, anchor, root, sizeof(root));
    dt_time_format_rfc3339(dr.date, d1);
    dt_time_format_rfc3339(k->chain[0]->not_before, d2);
    line(R,
         "#   distrust-after: Firefox's built-in root \"%s\" carries a %s distrust-after date of "
         "%s (%s); the leaf's notBefore %s is %s it: %s",
         root, dr.server ? "server" : "email", d1,
         conf == FF_RSU ? "OUT/certdata.txt" : "the build's", d2, dr.after ? "after" : "not after",
         !dr.after && with->good   ? "Firefox keeps trusting the chain"
         : dr.after && !with->good ? "Firefox enforces the date"
         : dr.after                ? "yet Firefox accepts the chain (not known why)"
                                   : "Firefox rejects the chain for another reason");
    return dr.after;
}

/* A Firefox verdict, for the comparison with NSS's: 'T', 'D', 'I' INVALID,
 * 'E' not run (0: none), and why, when it is known. */
struct ff_verdict {
    char v;
    const char *why;
};

/* What each Firefox deployment enforced of the distrusts the cases expect. */
struct ff_tally {
    size_t expected, enforced;
    struct dt_buf missed; /* the names of the others, quoted, comma-separated */
};

static void ff_check(struct run *R, const struct dt_case *k, int conf,
                     const struct dt_firefox_outcome *base, const struct dt_firefox_outcome *with,
                     const char *version, json_t *onecrl, struct ff_tally *t,
                     struct ff_verdict *fv)
{
    size_t no = ++R->test_no;
    R->sum->checks++;
    int64_t when_t = k->has_time ? k->time : R->o->now;
    char when[32], path[1024];
    dt_time_format_rfc3339(when_t, when);
    if (!base->ran || !with->ran) {
        const struct dt_firefox_outcome *f = !base->ran ? base : with;
        line(R, "not ok %zu - %s [firefox/%s] # ERROR: %s", no, k->name, ff_tag[conf],
             f->failure[0] ? f->failure : "the verification could not run");
        R->sum->failed++;
        R->sum->errors++;
        *fv = (struct ff_verdict){'E', "the verification could not run"};
        return;
    }
    if (!base->good) {
        line(R,
             "not ok %zu - %s [firefox/%s] # INVALID: %s does not accept the chain in a fresh "
             "profile%s (%s, %d)%s, so the case proves nothing",
             no, k->name, ff_tag[conf], version, ff_base_what[conf], base->error_name,
             base->error,
             base->error == -8180 ? ": Firefox's own OneCRL already revokes a certificate of it"
             : base->error == -8016 ? ": Firefox refuses SHA-1 signatures" : "");
        R->sum->failed++;
        R->sum->invalid++;
        *fv = (struct ff_verdict){
            'I', base->error == -8180   ? "Firefox's own OneCRL already revokes a certificate of it"
                 : base->error == -8016 ? "Firefox refuses SHA-1 signatures"
                                        : "Firefox does not accept the chain without the build"};
        return;
    }
    if (conf == FF_RSA && (!ff_at_own_anchor(k, base) || (with->good && !ff_at_own_anchor(k, with)))) {
        const struct dt_firefox_outcome *o = !ff_at_own_anchor(k, base) ? base : with;
        ff_path(R, o, path, sizeof(path));
        line(R,
             "not ok %zu - %s [firefox/%s] # INVALID: the path Firefox built %s ends at an anchor "
             "of another case (the anchors root store serves every case's anchors): %s; the "
             "check proves nothing",
             no, k->name, ff_tag[conf], o == base ? "without the build" : "with the build", path);
        R->sum->failed++;
        R->sum->invalid++;
        *fv = (struct ff_verdict){'I', "the path ends at another case's anchor"};
        return;
    }
    const char *verdict = with->good ? "trusted" : "distrusted";
    bool ok = k->expect_distrusted == !with->good;
    line(R, "%s %zu - %s [firefox/%s]", ok ? "ok" : "not ok", no, k->name, ff_tag[conf]);
    line(R, "#   expected %s, got %s (%s, usage %s, time %s)",
         k->expect_distrusted ? "distrusted" : "trusted", verdict, version,
         dt_cases_usage_name(k->usage), when);
    ff_path(R, base, path, sizeof(path));
    line(R, "#   baseline%s: Firefox accepts the chain: %s", ff_base_what[conf], path);
    bool dated = false;
    if (with->good) {
        ff_path(R, with, path, sizeof(path));
        line(R, "#   %s: Firefox accepts the chain: %s", ff_with[conf], path);
    } else {
        line(R, "#   %s: Firefox rejects the chain: %s (%d)", ff_with[conf], with->error_name,
             with->error);
    }
    struct date_rule dr;
    const uint8_t *anchor = with->n_path ? with->path_sha256[with->n_path - 1] : NULL;
    if (conf == FF_RSU || conf == FF_RSA) {
        dated = ff_date_builtin(R, k, conf, base, with);
    } else if (with->good && date_in(&R->b, k, anchor, &dr)) {
        date_not_credited(R, k, &dr, anchor,
                          conf == FF_OVERLAY ? DT_DEPLOY_OVERLAY : DT_DEPLOY_ONECRL);
        dated = dr.after;
    }
    *fv = (struct ff_verdict){with->good ? 'T' : 'D', NULL};
    if (with->good && k->expect_distrusted)
        fv->why = ff_explain(R, k, conf, onecrl, dated);
    else if (with->good && dated)
        fv->why = "Firefox does not enforce a distrust-after date there";
    if (k->expect_distrusted) {
        t->expected++;
        t->enforced += !with->good;
        if (with->good && dt_buf_printf(&t->missed, "%s\"%s\"", t->missed.len ? ", " : "",
                                        k->name) != DT_OK)
            t->missed.len = 0; /* the names are lost (out of memory), the counts stay */
    }
    if (ok)
        R->sum->passed++;
    else
        R->sum->failed++;
}

/* A deployment the case names that Firefox cannot judge it under. */
static void ff_not_run(struct run *R, const struct dt_case *k, unsigned dep, const char *why)
{
    size_t no = ++R->test_no;
    R->sum->checks++;
    R->sum->failed++;
    line(R, "not ok %zu - %s [firefox/%s] # NOT RUN: %s", no, k->name,
         dt_cases_deployment_name(dep), why);
}

static const char *ff_verdict_name(char v)
{
    return v == 'T' ? "trusted" : v == 'D' ? "distrusted" : v == 'I' ? "INVALID"
         : v == 'F' ? "failed" : "not run";
}

/* Firefox beside NSS, case by case, for the deployments both have
 * (overlay; root-store where NSS judges it): how many verdicts agree, and
 * each disagreement with its reason when it is known. */
static void ff_compare(struct run *R, const struct ff_verdict *fvs)
{
    static const unsigned both[2] = {DT_DEPLOY_OVERLAY, DT_DEPLOY_ROOT_STORE};
    const char *engine = R->sel.nss_engines & DT_VERIFY_PKIX ? "pkix" : "classic";
    for (size_t d = 0; d < DT_ARRAY_LEN(both); d++) {
        size_t fi = both[d] == DT_DEPLOY_ROOT_STORE ? 0 : 1; /* index in ff_deps */
        size_t agree = 0, differ = 0;
        for (size_t ci = 0; ci < R->cases.n; ci++) {
            char n = R->nssv[ci * 3 + dep_index(both[d])], f = fvs[ci * 3 + fi].v;
            if (n && f)
                n == f ? agree++ : differ++;
        }
        if (!agree && !differ)
            continue;
        line(R, "# firefox vs NSS (%s), %s: %zu of %zu verdicts agree%s", engine,
             dt_cases_deployment_name(both[d]), agree, agree + differ, differ ? ":" : "");
        for (size_t ci = 0; ci < R->cases.n; ci++) {
            char n = R->nssv[ci * 3 + dep_index(both[d])], f = fvs[ci * 3 + fi].v;
            if (!n || !f || n == f)
                continue;
            const char *why = fvs[ci * 3 + fi].why;
            line(R, "#   \"%s\": NSS %s, Firefox %s (%s)", R->cases.v[ci].name,
                 ff_verdict_name(n), ff_verdict_name(f),
                 why ? why : "not known: the checks of both say what each saw");
        }
    }
}

/* Every case Firefox judges, in one Firefox process per configuration,
 * then, case by case, one check per Firefox deployment that judges it, and
 * what each deployment enforced. */
static enum dt_err run_firefox(struct run *R)
{
    enum dt_err rc = DT_OK;
    char why[200], version[96] = "Firefox";
    char module[PATH_MAX], certdata[PATH_MAX + 32], onecrl[PATH_MAX + 32], merged[PATH_MAX + 32];
    char anchors[PATH_MAX + 32] = "", anchors_merged[PATH_MAX + 32] = "";
    struct dt_firefox_outcome *out = NULL;
    struct dt_firefox *ff = NULL;
    json_t *onecrl_root = NULL, *onecrl_data = NULL;
    struct ff_verdict *fvs = NULL; /* [case][ff_deps index] */
    struct ff_tally tally[3];
    bool need[FF_N] = {false};
    const char *upstream = NULL;
    for (size_t i = 0; i < 3; i++) {
        tally[i].expected = tally[i].enforced = 0;
        dt_buf_init(&tally[i].missed, 1u << 20);
    }
    if (!R->ff_bin[0] || !R->ffp)
        goto out;
    if (!realpath(R->o->module, module)) {
        rc = dt_diag_fail(&R->d, NULL, DT_ERR_IO, "%s: %s", R->o->module, strerror(errno));
        goto out;
    }
    char *abs = realpath(R->o->build_dir, NULL);
    const char *dir = abs ? abs : R->o->build_dir;
    snprintf(certdata, sizeof(certdata), "%s/certdata-distrust.txt", dir);
    snprintf(onecrl, sizeof(onecrl), "%s/onecrl.json", dir);
    snprintf(merged, sizeof(merged), "%s/certdata.txt", dir);
    free(abs);
    onecrl_root = json_load_file(onecrl, 0, NULL);
    onecrl_data = json_object_get(onecrl_root, "data"); /* NULL: no record explains anything */
    for (size_t ci = 0; ci < R->cases.n; ci++)
        for (int conf = 0; conf < FF_N; conf++)
            if (ff_serves(&R->ffp[ci], conf)) {
                need[conf] = true;
                if (conf == FF_RSU_BASE && !upstream)
                    upstream = R->cases.v[ci].anchors_certdata;
            }
    if (need[FF_RSA])
        DT_TRY(ff_anchor_stores(R, certdata, anchors, anchors_merged, sizeof(anchors)));
    out = calloc(R->cases.n * FF_N + 1, sizeof(*out));
    fvs = calloc(R->cases.n * 3 + 1, sizeof(*fvs));
    DT_ENSURE(out && fvs, DT_ERR_NOMEM);
    for (int conf = 0; conf < FF_N; conf++) {
        if (!need[conf]) /* no Firefox is started for no case */
            continue;
        bool builtin = conf >= FF_RSU_BASE;
        const char *served = conf == FF_RSU_BASE ? upstream
                             : conf == FF_RSU    ? merged
                             : conf == FF_RSA_BASE ? anchors
                                                   : anchors_merged;
        struct dt_firefox_config cfg = {R->ff_bin,
                                        R->work,
                                        conf == FF_OVERLAY ? module : NULL,
                                        certdata,
                                        conf == FF_ONECRL ? onecrl : NULL,
                                        builtin ? module : NULL,
                                        builtin ? served : NULL};
        enum dt_err src = dt_firefox_start(&cfg, &ff, why, sizeof(why));
        if (src == DT_ERR_NOMEM || src == DT_ERR_INTERRUPTED) {
            rc = src;
            goto out;
        }
        if (src != DT_OK) {
            for (size_t ci = 0; ci < R->cases.n; ci++)
                snprintf(out[ci * FF_N + conf].failure, sizeof(out->failure),
                         "Firefox (%s) cannot run: %s", ff_name[conf], why);
            line(R, "# firefox %s: cannot start: %s", ff_name[conf], why);
            continue;
        }
        snprintf(version, sizeof(version), "%s", dt_firefox_version(ff));
        double ms = 0;
        size_t n = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (size_t ci = 0; ci < R->cases.n; ci++) {
            const struct dt_case *k = &R->cases.v[ci];
            if (!ff_serves(&R->ffp[ci], conf))
                continue;
            struct dt_firefox_outcome *o = &out[ci * FF_N + conf];
            DT_TRY(dt_firefox_verify(ff, k, k->has_time ? k->time : R->o->now, o));
            ms += o->ms;
            n++;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double wall = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        line(R,
             "# firefox %s: %s started in %.0f ms (its own OneCRL: %zu records in force); %zu "
             "verifications in %.1f ms (%.1f ms of them in Firefox's verifier)",
             ff_name[conf], version, dt_firefox_startup_ms(ff), dt_firefox_bundled_onecrl(ff), n,
             wall, ms);
        dt_firefox_stop(ff);
        ff = NULL;
    }
    for (size_t ci = 0; ci < R->cases.n; ci++) {
        const struct dt_case *k = &R->cases.v[ci];
        const struct ff_plan *p = &R->ffp[ci];
        if (!ff_checks(R, ci)) {
            char named[64];
            dt_cases_deployments_text(k->deployments, named, sizeof(named));
            if (p->rs_why)
                line(R, "# firefox: not checked: \"%s\" (%s %s): its anchors are a root store, "
                        "which Firefox takes only as its built-in roots (the root-store "
                        "deployment), and that cannot judge it: %s",
                     k->name, k->file, k->json_path, p->rs_why);
            else if (p->skip_why)
                line(R, "# firefox: not checked: \"%s\" (%s %s): %s", k->name, k->file,
                     k->json_path, p->skip_why);
            else if (k->deployments)
                line(R, "# firefox: not checked: \"%s\" (%s %s): its deployments (%s) are none "
                        "of this run's Firefox deployments",
                     k->name, k->file, k->json_path, named);
            if (!R->sel.selected)
                R->sum->not_checked++;
            continue;
        }
        for (size_t i = 0; i < DT_ARRAY_LEN(ff_deps); i++) {
            unsigned dep = ff_deps[i];
            if (p->not_run[i]) {
                ff_not_run(R, k, dep, p->not_run[i]);
                continue;
            }
            if (!(p->deps & dep))
                continue;
            int conf = dep == DT_DEPLOY_ROOT_STORE ? p->rs
                       : dep == DT_DEPLOY_OVERLAY  ? FF_OVERLAY
                                                   : FF_ONECRL;
            int base = dep == DT_DEPLOY_ROOT_STORE ? p->rs - 1 : FF_BASE;
            ff_check(R, k, conf, &out[ci * FF_N + base], &out[ci * FF_N + conf], version,
                     onecrl_data, &tally[i], &fvs[ci * 3 + i]);
        }
    }
    for (size_t i = 0; i < DT_ARRAY_LEN(ff_deps); i++) {
        const struct ff_tally *t = &tally[i];
        if (!t->expected)
            continue;
        if (t->enforced == t->expected)
            line(R, "# firefox/%s enforces every distrust the cases expect of it (%zu)",
                 dt_cases_deployment_name(ff_deps[i]), t->expected);
        else
            line(R, "# firefox/%s does not enforce %zu of the %zu distrusts the cases expect of "
                    "it: %.*s (each check says why)",
                 dt_cases_deployment_name(ff_deps[i]), t->expected - t->enforced, t->expected,
                 (int)(t->missed.len < 2000 ? t->missed.len : 2000), (const char *)t->missed.data);
    }
    ff_compare(R, fvs);
out:
    free(fvs);
    for (size_t i = 0; i < 3; i++)
        dt_buf_free(&tally[i].missed);
    json_decref(onecrl_root);
    dt_firefox_stop(ff);
    free(out);
    return rc;
}

/* The checks of one case, in a fixed order (dt_verify_plan_checks): each
 * NSS deployment under each engine, then OpenSSL; then what was selected but
 * cannot judge it. */
static void report_case(struct run *R, const struct dt_case *k, size_t ci,
                        const struct dt_verify_case_plan *p)
{
    struct dt_verify_check checks[DT_VERIFY_MAX_CHECKS];
    size_t n = dt_verify_plan_checks(&R->sel, p, checks);
    if (!n) {
        if (!ff_checks(R, ci)) /* else Firefox judges it */
            not_checked(R, k, p);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct dt_verify_check *c = &checks[i];
        if (c->kind == DT_VERIFY_CHECK_NSS)
            check_nss(R, k, ci, c->dep, c->engine, p);
        else if (c->kind == DT_VERIFY_CHECK_NOT_RUN)
            check_missing(R, k, c->dep, c->engine);
        else
            check_openssl(R, k);
    }
}

/* The cases a selected deployment could not judge (and that did not name
 * it: those failed), counted once per deployment. */
static void report_skipped(struct run *R, const struct dt_verify_case_plan *plans)
{
    static const unsigned order[] = {DT_DEPLOY_ROOT_STORE, DT_DEPLOY_P11KIT};
    for (size_t d = 0; d < DT_ARRAY_LEN(order); d++) {
        size_t n = 0;
        for (size_t ci = 0; ci < R->cases.n; ci++)
            n += (plans[ci].skipped & order[d]) != 0;
        if (n)
            line(R, "# %s did not judge %zu of %zu case%s: %s", dt_cases_deployment_name(order[d]), n,
                 R->cases.n, R->cases.n == 1 ? "" : "s", why_not(R, order[d]));
    }
}

/* The module, loaded once here as NSS would load it (dlopen, RTLD_NOW) and
 * unloaded: a file that is no shared library, or one whose dependencies are
 * missing, is the user's input error, said once with the loader's reason,
 * rather than a failure of every check in the workers. */
static enum dt_err probe_module(struct run *R, const char *module)
{
    enum dt_err rc = DT_OK;
    char path[PATH_MAX + 3];
    snprintf(path, sizeof(path), "%s%s", strchr(module, '/') ? "" : "./", module);
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    struct dt_place pl = dt_diag_place_file(module);
    if (!h) {
        const char *why = dlerror();
        rc = dt_diag_fail(&R->d, &pl, DT_ERR_INPUT,
                          "cannot load the PKCS#11 module: %s (give --module PATH to "
                          "libdistrust-pkcs11.so)",
                          why ? why : "the dynamic loader gave no reason");
        goto out;
    }
    if (!dlsym(h, "C_GetFunctionList"))
        rc = dt_diag_fail(&R->d, &pl, DT_ERR_INPUT,
                          "not a PKCS#11 module: it has no C_GetFunctionList (give --module PATH "
                          "to libdistrust-pkcs11.so)");
    dlclose(h);
out:
    return rc;
}

/* The handler's hook (interrupt.h): every Firefox dies at once, with its
 * content processes; the run stops at its next check point and cleans up. */
static void on_signal(int sig)
{
    (void)sig;
    (void)dt_firefox_kill_all();
}

enum dt_err dt_verify_run(const struct dt_verify_opts *opts, struct dt_verify_summary *summary)
{
    enum dt_err rc = DT_OK;
    struct run R;
    struct dt_verify_summary dummy;
    struct dt_verify_case_plan *plans = NULL;
    bool catching = false;
    memset(&R, 0, sizeof(R));
    dt_err_trace_clear();
    if (!summary)
        summary = &dummy;
    memset(summary, 0, sizeof(*summary));
    if (!opts || !opts->diag || !opts->report || !opts->build_dir || !opts->module)
        return DT_ERR_USAGE;
    R.o = opts;
    R.sum = summary;
    dt_diag_init(&R.d, opts->diag, opts->diag_ctx);
    /* SIGINT, SIGTERM, SIGHUP: Firefox and the NSS workers stopped, the
     * work directory removed, then DT_ERR_INTERRUPTED (summary->interrupted) */
    DT_TRY(dt_interrupt_install(on_signal));
    catching = true;

    if (access(opts->module, R_OK) != 0) {
        struct dt_place pl = dt_diag_place_file(opts->module);
        rc =
            dt_diag_fail(&R.d, &pl, DT_ERR_INPUT,
                    "the PKCS#11 module is not readable: %s (give --module PATH)", strerror(errno));
        goto out;
    }
    DT_TRY(probe_module(&R, opts->module));
    enum dt_err brc = load_build(&R);
    enum dt_err src = select_deployments(&R);
    enum dt_err crc = dt_cases_load(&R.cases, opts->case_files, opts->n_case_files,
                                    (R.sel.selected & DT_DEPLOY_OPENSSL) != 0, &R.d);
    if (brc != DT_OK || crc != DT_OK || src != DT_OK) {
        rc = brc == DT_ERR_NOMEM || crc == DT_ERR_NOMEM ? DT_ERR_NOMEM : DT_ERR_INPUT;
        goto out;
    }
    if (R.sel.selected & DT_DEPLOY_OPENSSL) {
        char bp[PATH_MAX], err[512];
        snprintf(bp, sizeof(bp), "%s/revocations.blob", opts->build_dir);
        int orc = dt_blob_open_file(bp, NULL, &R.blob, err, sizeof(err));
        if (orc != DT_BLOB_OK) {
            struct dt_place pl = dt_diag_place_file(bp);
            rc = dt_diag_fail(&R.d, &pl, orc == DT_BLOB_ERR_NOMEM ? DT_ERR_NOMEM : DT_ERR_INPUT,
                         "the OpenSSL engine needs the build's blob: %s", err);
            goto out;
        }
    }
    if (opts->strict && R.d.warnings) {
        rc = DT_ERR_STRICT;
        goto out;
    }
    for (size_t i = 0; i < R.cases.certs.n; i++)
        DT_TRY(add_known(&R, R.cases.certs.v[i]));
    /* Root stores named by cases: their certificates become nameable. */
    for (size_t i = 0; i < R.cases.n; i++) {
        const char *rs = R.cases.v[i].anchors_certdata;
        if (!rs)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = R.cases.v[j].anchors_certdata && !strcmp(R.cases.v[j].anchors_certdata, rs);
        if (seen)
            continue;
        struct dt_cd_file f;
        if (dt_cdparse_file(rs, &f, &R.d) != DT_OK) {
            dt_cdparse_free(&f);
            rc = DT_ERR_INPUT;
            goto out;
        }
        enum dt_err irc = index_certdata(&R, &f);
        dt_cdparse_free(&f);
        DT_TRY(irc);
    }

    if (opts->keep_work) {
        if (mkdir(opts->keep_work, 0755) != 0 && errno != EEXIST) {
            rc = dt_diag_fail(&R.d, NULL, DT_ERR_IO, "cannot create %s: %s", opts->keep_work,
                         strerror(errno));
            goto out;
        }
        if (!realpath(opts->keep_work, R.work)) {
            rc = dt_diag_fail(&R.d, NULL, DT_ERR_IO, "%s: %s", opts->keep_work, strerror(errno));
            goto out;
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(R.work, sizeof(R.work), "%s/distrust-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(R.work)) {
            rc = dt_diag_fail(&R.d, NULL, DT_ERR_IO, "cannot create a work directory: %s",
                         strerror(errno));
            goto out;
        }
        R.work_is_temp = true;
    }
    /* A second copy of the module: NSS loads one instance per library file,
     * and the anchors need a root-store instance beside the overlay. */
    snprintf(R.rootstore_module, sizeof(R.rootstore_module), "%s/anchors-module.so", R.work);
    if (copy_file(&R.d, opts->module, R.rootstore_module) != DT_OK) {
        rc = dt_diag_fail(&R.d, NULL, DT_ERR_IO, "cannot copy the module to %s", R.rootstore_module);
        goto out;
    }
    if (R.has_p11kit)
        DT_TRY(p11kit_dist(&R));

    /* An NSS configuration directory with an empty database, as vfychain -d
     * uses: NSS_NoDB_Init (no directory at all) does not apply token trust
     * to temporary issuers in the classic engine. The workers open it with
     * NSS_INIT_NOCERTDB (see verify_nss.c). */
    snprintf(R.db, sizeof(R.db), "%s/nssdb", R.work);
    char why[300];
    if (mkdir(R.db, 0755) != 0 && errno != EEXIST) {
        rc = dt_diag_fail(&R.d, NULL, DT_ERR_IO, "cannot create %s: %s", R.db, strerror(errno));
        goto out;
    }
    if (dt_verify_nss_make_db(R.db, why, sizeof(why)) != DT_OK) {
        rc = dt_diag_fail(&R.d, NULL, DT_ERR_INTERNAL, "%s", why);
        goto out;
    }

    /* What the run checks, said first when it is less than was asked. */
    if ((R.sel.selected & DT_DEPLOY_ROOT_STORE) && !R.has_merged)
        line(&R, "# root-store: not checked: %s", why_not(&R, DT_DEPLOY_ROOT_STORE));
    if ((R.sel.selected & DT_DEPLOY_P11KIT) && !R.has_p11kit)
        line(&R, "# p11-kit: not checked: %s", R.p11kit_why);

    /* Plan every NSS job, run them all (configurations share worker
     * processes, opts->jobs at a time), then report case by case. */
    plans = calloc(R.cases.n + 1, sizeof(*plans));
    DT_ENSURE(plans, DT_ERR_NOMEM);
    for (size_t ci = 0; ci < R.cases.n; ci++) {
        const struct dt_case *k = &R.cases.v[ci];
        struct dt_verify_case_plan *p = &plans[ci];
        DT_TRY(case_plan(&R, k, p));
        if (!(p->deps & DT_VERIFY_PLAN_NSS_DEPLOYS))
            continue;
        const char *stored = NULL;
        DT_TRY(prepare_case(&R, k, ci, p, &stored));
        if (R.sel.nss_engines & DT_VERIFY_PKIX)
            DT_TRY(plan_jobs(&R, k, DT_ENGINE_PKIX, stored, p));
        if (R.sel.nss_engines & DT_VERIFY_CLASSIC)
            DT_TRY(plan_jobs(&R, k, DT_ENGINE_CLASSIC, stored, p));
    }
    if (R.n_jobs) {
        R.outs = calloc(R.n_jobs, sizeof(*R.outs));
        R.each = calloc(R.n_jobs, sizeof(*R.each));
        DT_ENSURE(R.outs && R.each, DT_ERR_NOMEM);
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        struct dt_nss_run_opts ro = {opts->jobs ? opts->jobs
                                     : cpus > 0 ? (size_t)(cpus < 64 ? cpus : 64)
                                                : 1,
                                     opts->fresh_processes != 0, nss_progress, &R};
        /* per-job failures are reported by the checks; not having run at all
         * is an error of the run */
        enum dt_err nrc = dt_verify_nss_run(R.jobs, R.outs, R.n_jobs, &ro, R.each, &R.stats);
        if (nrc == DT_ERR_NOMEM || nrc == DT_ERR_INTERRUPTED)
            rc = nrc;
        DT_TRY(rc);
    }
    DT_ENSURE(!dt_interrupt_signal(), DT_ERR_INTERRUPTED); /* no verdict of a stopped run */
    DT_TRY(ff_prepare(&R));
    /* --engine firefox alone selects no NSS or OpenSSL deployment */
    for (size_t ci = 0; R.sel.selected && ci < R.cases.n && !dt_interrupt_signal(); ci++)
        report_case(&R, &R.cases.v[ci], ci, &plans[ci]);
    report_skipped(&R, plans);
    DT_TRY(run_firefox(&R));
    if (R.n_jobs)
        line(&R,
             "# NSS: %zu verifications in %zu processes (%zu run again alone, %zu "
             "processes stopped early)",
             R.n_jobs, R.stats.processes, R.stats.rerun, R.stats.leaked);
    if (!summary->checks && R.cases.n) {
        rc = dt_diag_fail(&R.d, NULL, DT_ERR_INPUT,
                     "nothing was checked: no deployment of this run judges any case (see "
                     "--deployments and the cases' \"deployments\")");
        goto out;
    }
    if (summary->errors)
        rc = DT_ERR_INTERNAL;
out:
    free(plans);
    free(R.ffp);
    free(R.nssv);
    if (R.work_is_temp)
        dt_file_rm_tree(R.work);
    dt_builddir_free(&R.b);
    dt_builddir_free(&R.mb);
    dt_blob_close(R.blob);
    for (size_t i = 0; i < R.n_stores; i++)
        dt_pool_free(&R.stores[i].pool);
    free(R.stores);
    dt_cases_free(&R.cases);
    dt_cert_list_free(&R.extra);
    free(R.known);
    for (size_t i = 0; i < R.n_anchor_files; i++)
        free(R.anchor_files[i].path);
    free(R.anchor_files);
    for (size_t i = 0; i < R.n_p11kit_dirs; i++) {
        free(R.p11kit_dirs[i].base);
        free(R.p11kit_dirs[i].with);
    }
    free(R.p11kit_dirs);
    free(R.jobs);
    free(R.outs);
    free(R.each);
    if (catching) {
        summary->interrupted = dt_interrupt_restore();
        if (summary->interrupted)
            rc = DT_ERR_INTERRUPTED;
    }
    return rc;
}
