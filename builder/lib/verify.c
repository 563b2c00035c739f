/*
 * verify.c - `distrust verify`: replay chain cases under real NSS with and
 * without the build's distrust data, and explain every verdict.
 */
#include "buf.h"
#include "buildread.h"
#include "cases.h"
#include "cdparse.h"
#include "cert.h"
#include "certdata.h"
#include "io.h"
#include "nssname.h"
#include "timeutil.h"
#include "pool.h"
#include "verify_nss.h"
#include "verify_openssl.h"

#include <openssl/x509_vfy.h>

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
    bool several_engines;
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
    enum dt_err rc = dt_grow((void **)&R->known, &R->cap_known, R->n_known + 1, sizeof(*R->known));
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
        const struct dt_cd_attr *v = dt_cd_get(o, CKA_VALUE);
        struct dt_cert *c;
        const char *why;
        if (o->klass != CKO_CERTIFICATE || !v || dt_cert_from_der(v->value, v->len, &c, &why))
            continue; /* NSS would not use it either; nothing to name */
        DT_TRY(dt_certlist_push(&R->extra, c));
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
        dt_build_data_load_file(R->merged, &R->mb, &R->d) == DT_OK) {
        memcpy(R->upstream_sha256, b.data, 32);
        R->has_merged = true;
    }
    dt_buf_free(&b);
    json_decref(m);
}

static enum dt_err load_build(struct run *R)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_build_data_load(R->o->build_dir, &R->b, &R->d));
    for (size_t i = 0; i < R->b.certs.n; i++)
        DT_TRY(add_known(R, R->b.certs.v[i]));
    find_merged(R);
out:
    return rc;
}

/* Whether a case's root store is the upstream file of the build's merge. */
static bool from_upstream(struct run *R, const struct dt_case *k)
{
    if (!R->has_merged || !k->anchors_certdata)
        return false;
    if (R->upstream_seen && !strcmp(R->upstream_seen, k->anchors_certdata))
        return R->upstream_same;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    bool same = false;
    if (dt_file_read(k->anchors_certdata, (size_t)64 << 20, &b, &R->d, NULL) == DT_OK) {
        uint8_t h[32];
        dt_sha256(dt_slice_make(b.data, b.len), h);
        same = !memcmp(h, R->upstream_sha256, 32);
    }
    dt_buf_free(&b);
    R->upstream_seen = k->anchors_certdata;
    R->upstream_same = same;
    return same;
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
        char *n = c ? dt_name_display(c->info.subject) : NULL;
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", i ? " < " : "", n ? n : "(unknown certificate)");
        free(n);
    }
    if (o->have_anchor &&
        (o->n_path == 0 || memcmp(o->anchor_sha256, o->path_sha256[o->n_path - 1], 32))) {
        const struct dt_cert *c = known_cert(R, o->anchor_sha256);
        char *n = c ? dt_name_display(c->info.subject) : NULL;
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
    char *n = dt_name_display(c->info.subject);
    line(R, "#   %s \"%s\"%s%s%s on %s", what, e->label, e->source[0] ? " (" : "", e->source,
         e->source[0] ? ")" : "", n ? n : "?");
    free(n);
}

/* The entries that apply to the certificates of a case (chain, anchors)
 * and of the path NSS built. */
static size_t show_matches(struct run *R, const struct dt_case *k, const struct dt_nss_outcome *o)
{
    const struct dt_cert *certs[3 * DT_NSS_MAX_PATH + 1];
    size_t n = 0;
    for (size_t i = 0; i < k->n_chain && n < DT_NSS_MAX_PATH; i++)
        certs[n++] = k->chain[i];
    for (size_t i = 0; i < k->n_anchors && n < 2 * DT_NSS_MAX_PATH; i++)
        certs[n++] = k->anchors[i];
    for (size_t i = 0; i < o->n_path; i++) {
        const struct dt_cert *c = known_cert(R, o->path_sha256[i]);
        if (c)
            certs[n++] = c;
    }
    if (o->have_anchor) {
        const struct dt_cert *c = known_cert(R, o->anchor_sha256);
        if (c)
            certs[n++] = c;
    }
    size_t shown = 0;
    for (size_t a = 0; a < n; a++) {
        bool dup = false;
        for (size_t b = 0; b < a; b++)
            dup |= certs[b] == certs[a] || !memcmp(certs[b]->sha256, certs[a]->sha256, 32);
        if (dup)
            continue;
        for (size_t i = 0; i < R->b.n_entries; i++)
            if (exact(&R->b.entries[i], certs[a]) &&
                R->b.entries[i].trust[usage_slot(k->usage)] == CKT_NSS_NOT_TRUSTED) {
                entry_line(R, &R->b.entries[i], certs[a], "entry");
                shown++;
            }
    }
    return shown;
}

/* Why a case that should be distrusted is not: look at each certificate on
 * the path NSS accepted for entries that nearly apply. */
static void explain_miss(struct run *R, const struct dt_case *k, const struct dt_nss_outcome *o)
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
        for (size_t i = 0; i < R->b.n_entries; i++) {
            const struct dt_bentry *e = &R->b.entries[i];
            if (!dt_slice_eq(e->issuer, c->info.issuer))
                continue;
            if (exact(e, c)) {
                if (e->has_sha1 && memcmp(e->sha1, c->sha1, 20)) {
                    entry_line(R, e, c, "entry");
                    line(R, "#     its CKA_CERT_SHA1_HASH is not this certificate's SHA-1: NSS "
                            "drops all trust for the certificate instead of distrusting it, "
                            "which for an intermediate loses the distrust");
                    hints++;
                } else if (e->trust[usage_slot(k->usage)] != CKT_NSS_NOT_TRUSTED) {
                    entry_line(R, e, c, "entry");
                    line(R, "#     it does not distrust the %s usage", dt_usage_name(k->usage));
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
        bool covered = false;
        for (size_t i = 0; i < R->b.n_entries && !covered; i++)
            covered = exact(&R->b.entries[i], c);
        if (covered)
            continue;
        for (size_t q = 0; q < R->n_known; q++) {
            const struct dt_cert *d = R->known[q].cert;
            if (d == c || !dt_slice_eq(d->info.subject, c->info.subject) ||
                !dt_slice_eq(d->info.spki, c->info.spki))
                continue;
            for (size_t i = 0; i < R->b.n_entries; i++) {
                if (!exact(&R->b.entries[i], d))
                    continue;
                char *cn = dt_name_display(c->info.subject), *issuer = dt_name_text(c->info.issuer),
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
    if (!hints)
        line(R, "#   no entry of the build applies to any certificate on that path");
}

/* ---- distrust-after --------------------------------------------------------------- */

/* Applies a root's distrust-after date as Firefox does: a chain that ends
 * at the root is rejected when the leaf's notBefore is after the date. */
static bool distrust_after_in(struct run *R, const struct dt_build_data *b, const struct dt_case *k,
                              const uint8_t *anchor, bool report)
{
    if (!anchor)
        return false;
    for (size_t i = 0; i < b->n_afters; i++) {
        const struct dt_bafter *a = &b->afters[i];
        if (memcmp(a->cert->sha256, anchor, 32))
            continue;
        bool email = k->usage == DT_USAGE_EMAIL_SIGNER || k->usage == DT_USAGE_EMAIL_RECIPIENT;
        bool server = k->usage == DT_USAGE_SERVER || k->usage == DT_USAGE_SSL_CA;
        bool has = (server && a->has_server) || (email && a->has_email);
        if (!has)
            continue;
        int64_t date = server ? a->server : a->email;
        int64_t nb = k->chain[0]->not_before;
        char d1[32], d2[32];
        dt_time_format_rfc3339(date, d1);
        dt_time_format_rfc3339(nb, d2);
        bool hit = nb > date;
        if (report)
            line(R,
                 "#   distrust-after: \"%s\" has a %s distrust-after date of %s; the leaf's "
                 "notBefore %s is %s it: %s (the rule Firefox applies; distrust verify "
                 "applies it because NSS 3.87 does not)",
                 a->label, server ? "server" : "email", d1, d2, hit ? "after" : "not after",
                 hit ? "distrusted" : "still trusted");
        return hit;
    }
    return false;
}

static bool distrust_after_at(struct run *R, const struct dt_case *k, const uint8_t *anchor,
                              bool report)
{
    return distrust_after_in(R, &R->b, k, anchor, report);
}

static bool distrust_after(struct run *R, const struct dt_case *k, const struct dt_nss_outcome *o,
                           bool report)
{
    return distrust_after_at(R, k, o->have_anchor ? o->anchor_sha256 : NULL, report);
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

/* Writes the anchors root store (and, with keep_work, the chain and a
 * reproduce.sh) for case index ci into dir. */
static enum dt_err make_dir(struct run *R, const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return dt_fail(&R->d, NULL, DT_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
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
    DT_TRY(dt_grow((void **)&R->anchor_files, &R->cap_anchor_files, R->n_anchor_files + 1,
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

static enum dt_err prepare_case(struct run *R, const struct dt_case *k, size_t ci, char *dir,
                                size_t dircap, char *anchors, size_t acap, const char **stored)
{
    enum dt_err rc = DT_OK;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    snprintf(dir, dircap, "%s/case-%zu", R->work, ci + 1);
    if (k->anchors_certdata) {
        if (!realpath(k->anchors_certdata, anchors)) {
            struct dt_place pl = dt_place_file(k->file);
            rc = dt_fail(&R->d, &pl, DT_ERR_INPUT, "%s: anchors %s: %s", k->json_path,
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
        dt_sha256(dt_slice_make(b.data, b.len), sha);
        dt_buf_reset(&b);
        const struct anchor_file *same = NULL;
        for (size_t i = 0; i < R->n_anchor_files && !same; i++)
            if (R->anchor_files[i].written && !memcmp(R->anchor_files[i].sha256, sha, 32))
                same = &R->anchor_files[i];
        if (same) {
            snprintf(anchors, acap, "%s", same->path);
            *stored = same->path;
        } else {
            snprintf(anchors, acap, "%s/anchors.txt", dir);
            DT_TRY(make_dir(R, dir));
            DT_TRY(dt_certdata_anchors_file(&b, k->anchors, k->n_anchors, "distrust verify"));
            if (write_file(anchors, dt_slice_make(b.data, b.len)) != DT_OK) {
                rc = dt_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", anchors,
                             strerror(errno));
                goto out;
            }
            DT_TRY(add_anchor_file(R, anchors, true, sha, stored));
        }
    }
    if (!R->o->keep_work)
        goto out;
    DT_TRY(make_dir(R, dir));
    /* The chain as PEM files and a script that replays it with NSS's tools. */
    struct dt_buf sh;
    dt_buf_init(&sh, 0);
    for (size_t i = 0; i < k->n_chain; i++) {
        char p[2 * PATH_MAX];
        snprintf(p, sizeof(p), "%s/chain-%zu.pem", dir, i + 1);
        dt_buf_reset(&b);
        DT_TRY(dt_cert_pem(k->chain[i], &b));
        if (write_file(p, dt_slice_make(b.data, b.len)) != DT_OK) {
            rc = dt_fail(&R->d, NULL, DT_ERR_IO, "cannot write %s: %s", p, strerror(errno));
            goto out;
        }
    }
    char when[16];
    struct dt_civil c;
    dt_epoch_to_civil(k->has_time ? k->time : R->o->now, &c);
    snprintf(when, sizeof(when), "%02d%02d%02d%02d%02d%02dZ", c.year % 100, c.month, c.day, c.hour,
             c.min, c.sec);
    rc = dt_buf_printf(
        &sh,
        "#!/bin/sh\n"
        "# Replays case %zu (\"%s\") with NSS's own tools: an NSS database with the\n"
        "# anchors served in root-store mode and, unless the first argument is\n"
        "# \"baseline\", the build's certdata-distrust.txt in overlay mode.\n"
        "# Usage: reproduce.sh [baseline|with] [pkix|classic]\n"
        "set -eu\n"
        "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
        "MODULE=${DISTRUST_PKCS11:-%s}\n"
        "db=$(mktemp -d)\n"
        "trap 'rm -rf \"$db\"' EXIT\n"
        "certutil -N --empty-password -d \"sql:$db\"\n"
        "cp \"$MODULE\" \"$db/anchors-module.so\"\n"
        "modutil -force -dbdir \"sql:$db\" -add anchors -libfile \"$db/anchors-module.so\" "
        "-string 'certdata=\"%s\" mode=root-store' >/dev/null\n"
        "if [ \"${1:-with}\" != baseline ]; then\n"
        "    modutil -force -dbdir \"sql:$db\" -add distrust -libfile \"$MODULE\" "
        "-string 'certdata=\"%s\"' >/dev/null\n"
        "fi\n"
        "engine=-pp\n"
        "[ \"${2:-pkix}\" = classic ] && engine=\n"
        "# not exec: the EXIT trap must remove the database\n"
        "vfychain -d \"sql:$db\" $engine -u %d -b %s",
        ci + 1, k->name, R->o->module, anchors, R->b.path, dt_usage_vfychain(k->usage), when);
    for (size_t i = 0; rc == DT_OK && i < k->n_chain; i++)
        rc = dt_buf_printf(&sh, " -a \"$here/chain-%zu.pem\"", i + 1);
    if (rc == DT_OK)
        rc = dt_buf_puts(&sh, "\n");
    if (rc == DT_OK) {
        char p[2 * PATH_MAX];
        snprintf(p, sizeof(p), "%s/reproduce.sh", dir);
        rc = write_file(p, dt_slice_make(sh.data, sh.len));
        if (rc == DT_OK)
            chmod(p, 0755);
    }
    dt_buf_free(&sh);
out:
    dt_buf_free(&b);
    return rc;
}

static bool is_distrust_error(long code)
{
    return code == SEC_ERROR_UNTRUSTED_CERT || code == SEC_ERROR_UNTRUSTED_ISSUER;
}

static void outcome_line(struct run *R, const char *what, const struct dt_nss_outcome *o)
{
    char path[1024];
    path_text(R, o, path, sizeof(path));
    if (o->good) {
        line(R, "#   %s: NSS accepts the chain: %s", what, path[0] ? path : "(no path)");
    } else {
        const char *hint = dt_nss_error_hint(o->error);
        line(R, "#   %s: NSS rejects the chain: %s (%ld)%s%s", what, o->error_name, o->error,
             hint ? ": " : "", hint ? hint : "");
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
            char *n = c ? dt_name_display(c->info.subject) : NULL;
            const struct dt_bentry *hit = NULL;
            for (size_t e = 0; c && e < R->b.n_entries && !hit; e++)
                if (exact(&R->b.entries[e], c))
                    hit = &R->b.entries[e];
            line(R, "#     at depth %u, %s: %s%s%s%s", o->log[i].depth,
                 n ? n : "(an unknown certificate)", o->log[i].error_name, hit ? " (entry \"" : "",
                 hit ? hit->label : "", hit ? "\")" : "");
            free(n);
        }
    }
    if (o->shutdown[0])
        line(R, "#   note: %s", o->shutdown);
}

/* The NSS jobs of one check: the baseline, with the build, and (when the
 * case's root store is the merge's upstream) the merged certdata.txt alone.
 * anchors is the run's stored copy of the case's anchors path. Returns the
 * index of the first. */
static enum dt_err plan_check(struct run *R, const struct dt_case *k, enum dt_engine engine,
                              const char *anchors, size_t *first)
{
    struct dt_nss_job job = {R->db,
                             R->rootstore_module,
                             anchors,
                             R->o->module,
                             NULL,
                             k->chain,
                             k->n_chain,
                             k->usage,
                             k->has_time ? k->time : R->o->now,
                             engine,
                             0};
    bool with_merged = from_upstream(R, k);
    enum dt_err rc = dt_grow((void **)&R->jobs, &R->cap_jobs, R->n_jobs + 3, sizeof(*R->jobs));
    if (rc != DT_OK)
        return rc;
    *first = R->n_jobs;
    R->jobs[R->n_jobs++] = job;
    job.overlay_certdata = R->b.path;
    R->jobs[R->n_jobs++] = job;
    if (with_merged) {
        job.anchors_certdata = R->merged;
        job.overlay_certdata = NULL;
        R->jobs[R->n_jobs++] = job;
    }
    return DT_OK;
}

static void check(struct run *R, const struct dt_case *k, size_t ci, enum dt_engine engine,
                  size_t first)
{
    const char *tag = "";
    if (R->several_engines)
        tag = engine == DT_ENGINE_PKIX ? " [pkix]" : " [classic]";
    size_t no = ++R->test_no;
    R->sum->checks++;
    char when[32];
    dt_time_format_rfc3339(k->has_time ? k->time : R->o->now, when);
    bool with_merged = from_upstream(R, k);
    const struct dt_nss_outcome *outs = R->outs + first;
    enum dt_err each[3] = {R->each[first], R->each[first + 1],
                           with_merged ? R->each[first + 2] : DT_OK};
    const struct dt_nss_outcome base = outs[0], with = outs[1];
    enum dt_err rc = each[0];
    if (rc != DT_OK || !base.ran) {
        line(R, "not ok %zu - %s%s # ERROR: %s", no, k->name, tag,
             base.failure[0] ? base.failure : "the verification could not run");
        R->sum->failed++;
        R->sum->errors++;
        return;
    }
    if (!base.good) {
        const char *hint = dt_nss_error_hint(base.error);
        line(R,
             "not ok %zu - %s%s # INVALID: the chain does not validate without the "
             "distrust data (%s%s%s), so the case proves nothing",
             no, k->name, tag, base.error_name, hint ? ": " : "", hint ? hint : "");
        outcome_line(R, "baseline", &base);
        line(R, "#   case %s at %s, usage %s, time %s", k->file, k->json_path,
             dt_usage_name(k->usage), when);
        R->sum->failed++;
        R->sum->invalid++;
        return;
    }
    rc = each[1];
    if (rc != DT_OK || !with.ran) {
        line(R, "not ok %zu - %s%s # ERROR: %s", no, k->name, tag,
             with.failure[0] ? with.failure : "the verification could not run");
        R->sum->failed++;
        R->sum->errors++;
        return;
    }
    bool by_rule = with.good && distrust_after(R, k, &with, false);
    const char *verdict;
    if (!with.good)
        verdict = is_distrust_error(with.error) ? "distrusted" : "failed";
    else
        verdict = by_rule ? "distrusted" : "trusted";
    bool ok = k->expect_distrusted ? !strcmp(verdict, "distrusted") : !strcmp(verdict, "trusted");
    /* The merged certdata.txt, served alone as the root store, must give
     * the same verdict as upstream + the overlay. */
    static const struct dt_nss_outcome none;
    const struct dt_nss_outcome *mo = with_merged ? &outs[2] : &none, merged = *mo;
    const char *mverdict = NULL;
    if (with_merged) {
        rc = each[2];
        if (rc != DT_OK || !merged.ran)
            mverdict = "not run";
        else if (!merged.good)
            mverdict = is_distrust_error(merged.error) ? "distrusted" : "failed";
        else
            mverdict = distrust_after_in(R, &R->mb, k,
                                         merged.have_anchor ? merged.anchor_sha256 : NULL, false)
                           ? "distrusted"
                           : "trusted";
        ok = ok && !strcmp(mverdict, verdict);
        R->sum->merged_checks++;
    }
    line(R, "%s %zu - %s%s", ok ? "ok" : "not ok", no, k->name, tag);
    line(R, "#   expected %s, got %s (usage %s, time %s)",
         k->expect_distrusted ? "distrusted" : "trusted", verdict, dt_usage_name(k->usage), when);
    outcome_line(R, "baseline", &base);
    outcome_line(R, "with the build", &with);
    if (mverdict) {
        if (merged.ran)
            outcome_line(R, "with the merged certdata.txt", &merged);
        line(R, "#   the merged certdata.txt alone (root-store mode): %s%s", mverdict,
             strcmp(mverdict, verdict) ? ", which differs from upstream + the build" : "");
    }
    if (with.good)
        (void)distrust_after(R, k, &with, true);
    if (!with.good && !is_distrust_error(with.error))
        line(R, "#   the chain failed for another reason than distrust: the build or the "
                "case is wrong");
    size_t shown = show_matches(R, k, &base);
    if (!ok && k->expect_distrusted && with.good && !by_rule)
        explain_miss(R, k, &with);
    else if (!ok && !k->expect_distrusted && !shown && !with.good)
        line(R, "#   no entry of the build names a certificate of the chain; look at the "
                "anchors and the other certificates on the path");
    if (R->o->keep_work)
        line(R, "#   reproduce: %s/case-%zu/reproduce.sh [baseline] %s", R->work, ci + 1,
             engine == DT_ENGINE_PKIX ? "pkix" : "classic");
    if (ok)
        R->sum->passed++;
    else
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

static struct dt_pool *rootstore_of(struct run *R, const char *path)
{
    if (!path)
        return NULL;
    for (size_t i = 0; i < R->n_stores; i++)
        if (!strcmp(R->stores[i].path, path))
            return &R->stores[i].pool;
    if (dt_grow((void **)&R->stores, &R->cap_stores, R->n_stores + 1, sizeof(*R->stores)) != DT_OK)
        return NULL;
    struct rootstore *rs = &R->stores[R->n_stores];
    rs->path = path;
    dt_pool_init(&rs->pool);
    if (dt_pool_add(&rs->pool, path, NULL, &R->d, NULL, NULL) != DT_OK) {
        dt_pool_free(&rs->pool);
        return NULL;
    }
    rs->pool.explicit_anchors = true; /* the store's trust objects decide */
    R->n_stores++;
    return &rs->pool;
}

static void ossl_path(struct run *R, const struct dt_ossl_outcome *o, char *buf, size_t cap)
{
    buf[0] = 0;
    for (size_t i = 0; i < o->n_path; i++) {
        const struct dt_cert *c = known_cert(R, o->path_sha256[i]);
        char *n = c ? dt_name_display(c->info.subject) : NULL;
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", i ? " <- " : "", n ? n : "(an unknown certificate)");
        free(n);
    }
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
    const char *tag = R->several_engines ? " [openssl]" : "";
    size_t no = ++R->test_no;
    R->sum->checks++;
    int64_t when_t = k->has_time ? k->time : R->o->now;
    char when[32];
    dt_time_format_rfc3339(when_t, when);
    struct dt_pool *rs = rootstore_of(R, k->anchors_certdata);
    struct dt_ossl_outcome base, with;
    if (dt_ossl_verify(k, rs, when_t, NULL, &base) != DT_OK || !base.ran) {
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
    if (dt_ossl_verify(k, rs, when_t, R->blob, &with) != DT_OK || !with.ran) {
        line(R, "not ok %zu - %s%s # ERROR: %s", no, k->name, tag,
             with.failure[0] ? with.failure : "the verification could not run");
        R->sum->failed++;
        R->sum->errors++;
        return;
    }
    const uint8_t *anchor = with.good && with.n_path ? with.path_sha256[with.n_path - 1] : NULL;
    bool by_rule = with.good && distrust_after_at(R, k, anchor, false);
    const char *verdict = !with.good
                              ? (with.error == X509_V_ERR_CERT_REVOKED ? "distrusted" : "failed")
                          : by_rule ? "distrusted"
                                    : "trusted";
    bool ok = k->expect_distrusted ? !strcmp(verdict, "distrusted") : !strcmp(verdict, "trusted");
    line(R, "%s %zu - %s%s", ok ? "ok" : "not ok", no, k->name, tag);
    line(R, "#   expected %s, got %s (usage %s, time %s)",
         k->expect_distrusted ? "distrusted" : "trusted", verdict, dt_usage_name(k->usage), when);
    ossl_path(R, &base, path, sizeof(path));
    line(R, "#   baseline: OpenSSL accepts the chain: %s", path);
    ossl_path(R, &with, path, sizeof(path));
    if (with.good)
        line(R, "#   with the blob: OpenSSL accepts the chain: %s", path);
    else
        line(R, "#   with the blob: OpenSSL rejects the chain at depth %d: %s", with.error_depth,
             with.error_name);
    if (with.good && anchor)
        (void)distrust_after_at(R, k, anchor, true);
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
            char *n = dt_name_display(c->info.subject);
            line(R,
                 "#   the build distrusts %s for NSS (entry \"%s\"%s%s%s) but the blob does not "
                 "list it: the entry does not target the blob (or limits purposes, which the "
                 "blob cannot)",
                 n ? n : "?", e->label, e->source[0] ? ", " : "", e->source,
                 e->source[0] ? "" : "");
            free(n);
            said = true;
        }
        if (!said)
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

enum dt_err dt_verify_run(const struct dt_verify_opts *opts, struct dt_verify_summary *summary)
{
    enum dt_err rc = DT_OK;
    struct run R;
    struct dt_verify_summary dummy;
    memset(&R, 0, sizeof(R));
    dt_trace_clear();
    if (!summary)
        summary = &dummy;
    memset(summary, 0, sizeof(*summary));
    if (!opts || !opts->diag || !opts->report || !opts->build_dir || !opts->module)
        return DT_ERR_USAGE;
    R.o = opts;
    R.sum = summary;
    dt_diags_init(&R.d, opts->diag, opts->diag_ctx);
    unsigned engines = opts->engines ? opts->engines : DT_VERIFY_PKIX;
    R.several_engines = !!(engines & DT_VERIFY_PKIX) + !!(engines & DT_VERIFY_CLASSIC) +
                            !!(engines & DT_VERIFY_OPENSSL) >
                        1;

    if (access(opts->module, R_OK) != 0) {
        struct dt_place pl = dt_place_file(opts->module);
        rc =
            dt_fail(&R.d, &pl, DT_ERR_INPUT,
                    "the PKCS#11 module is not readable: %s (give --module PATH)", strerror(errno));
        goto out;
    }
    enum dt_err brc = load_build(&R);
    enum dt_err crc = dt_cases_load(&R.cases, opts->case_files, opts->n_case_files,
                                    (engines & DT_VERIFY_OPENSSL) != 0, &R.d);
    if (brc != DT_OK || crc != DT_OK) {
        rc = brc == DT_ERR_NOMEM || crc == DT_ERR_NOMEM ? DT_ERR_NOMEM : DT_ERR_INPUT;
        goto out;
    }
    if (engines & DT_VERIFY_OPENSSL) {
        char bp[PATH_MAX], err[512];
        snprintf(bp, sizeof(bp), "%s/revocations.blob", opts->build_dir);
        enum dt_err orc = dt_blob_open_file(bp, NULL, &R.blob, err, sizeof(err));
        if (orc != DT_OK) {
            struct dt_place pl = dt_place_file(bp);
            rc = dt_fail(&R.d, &pl, orc == DT_ERR_NOMEM ? orc : DT_ERR_INPUT,
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
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= R.cases.v[j].anchors_certdata && !strcmp(R.cases.v[j].anchors_certdata, rs);
        if (!rs || seen)
            continue;
        struct dt_cd_file f;
        if (dt_cd_parse_file(rs, &f, &R.d) != DT_OK) {
            dt_cd_file_free(&f);
            rc = DT_ERR_INPUT;
            goto out;
        }
        enum dt_err irc = index_certdata(&R, &f);
        dt_cd_file_free(&f);
        DT_TRY(irc);
    }

    if (opts->keep_work) {
        if (mkdir(opts->keep_work, 0755) != 0 && errno != EEXIST) {
            rc = dt_fail(&R.d, NULL, DT_ERR_IO, "cannot create %s: %s", opts->keep_work,
                         strerror(errno));
            goto out;
        }
        if (!realpath(opts->keep_work, R.work)) {
            rc = dt_fail(&R.d, NULL, DT_ERR_IO, "%s: %s", opts->keep_work, strerror(errno));
            goto out;
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(R.work, sizeof(R.work), "%s/distrust-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(R.work)) {
            rc = dt_fail(&R.d, NULL, DT_ERR_IO, "cannot create a work directory: %s",
                         strerror(errno));
            goto out;
        }
        R.work_is_temp = true;
    }
    /* A second copy of the module: NSS loads one instance per library file,
     * and the anchors need a root-store instance beside the overlay. */
    snprintf(R.rootstore_module, sizeof(R.rootstore_module), "%s/anchors-module.so", R.work);
    if (copy_file(&R.d, opts->module, R.rootstore_module) != DT_OK) {
        rc = dt_fail(&R.d, NULL, DT_ERR_IO, "cannot copy the module to %s", R.rootstore_module);
        goto out;
    }

    /* An NSS configuration directory with an empty database, as vfychain -d
     * uses: NSS_NoDB_Init (no directory at all) does not apply token trust
     * to temporary issuers in the classic engine. The workers open it with
     * NSS_INIT_NOCERTDB (see verify_nss.c). */
    snprintf(R.db, sizeof(R.db), "%s/nssdb", R.work);
    char why[300];
    if (mkdir(R.db, 0755) != 0 && errno != EEXIST) {
        rc = dt_fail(&R.d, NULL, DT_ERR_IO, "cannot create %s: %s", R.db, strerror(errno));
        goto out;
    }
    if (dt_nss_make_db(R.db, why, sizeof(why)) != DT_OK) {
        rc = dt_fail(&R.d, NULL, DT_ERR_INTERNAL, "%s", why);
        goto out;
    }

    /* Plan every NSS job, run them all (configurations share worker
     * processes, opts->jobs at a time), then report case by case. */
    size_t *first = calloc(2 * R.cases.n + 1, sizeof(*first));
    DT_ENSURE(first, DT_ERR_NOMEM);
    for (size_t ci = 0; ci < R.cases.n && rc == DT_OK; ci++) {
        const struct dt_case *k = &R.cases.v[ci];
        char dir[PATH_MAX + 32], anchors[PATH_MAX + 64];
        const char *stored = NULL;
        rc = prepare_case(&R, k, ci, dir, sizeof(dir), anchors, sizeof(anchors), &stored);
        if (rc == DT_OK && (engines & DT_VERIFY_PKIX))
            rc = plan_check(&R, k, DT_ENGINE_PKIX, stored, &first[2 * ci]);
        if (rc == DT_OK && (engines & DT_VERIFY_CLASSIC))
            rc = plan_check(&R, k, DT_ENGINE_CLASSIC, stored, &first[2 * ci + 1]);
    }
    if (rc == DT_OK && R.n_jobs) {
        R.outs = calloc(R.n_jobs, sizeof(*R.outs));
        R.each = calloc(R.n_jobs, sizeof(*R.each));
        if (!R.outs || !R.each)
            rc = DT_ERR_NOMEM;
    }
    if (rc == DT_OK && R.n_jobs) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        struct dt_nss_run_opts ro = {opts->jobs ? opts->jobs
                                     : cpus > 0 ? (size_t)(cpus < 64 ? cpus : 64)
                                                : 1,
                                     opts->fresh_processes != 0, nss_progress, &R};
        /* per-job failures are reported by check(); not having run at all is
         * an error of the run */
        if (dt_nss_run(R.jobs, R.outs, R.n_jobs, &ro, R.each, &R.stats) == DT_ERR_NOMEM)
            rc = DT_ERR_NOMEM;
    }
    for (size_t ci = 0; ci < R.cases.n && rc == DT_OK; ci++) {
        const struct dt_case *k = &R.cases.v[ci];
        if (engines & DT_VERIFY_PKIX)
            check(&R, k, ci, DT_ENGINE_PKIX, first[2 * ci]);
        if (engines & DT_VERIFY_CLASSIC)
            check(&R, k, ci, DT_ENGINE_CLASSIC, first[2 * ci + 1]);
        if (engines & DT_VERIFY_OPENSSL)
            check_openssl(&R, k);
    }
    free(first);
    DT_TRY(rc);
    if (R.n_jobs)
        line(&R,
             "# NSS: %zu verifications in %zu processes (%zu run again alone, %zu "
             "processes stopped early)",
             R.n_jobs, R.stats.processes, R.stats.rerun, R.stats.leaked);
    if (summary->errors)
        rc = DT_ERR_INTERNAL;
out:
    if (R.work_is_temp)
        dt_rm_tree(R.work);
    dt_build_data_free(&R.b);
    dt_build_data_free(&R.mb);
    dt_blob_close(R.blob);
    for (size_t i = 0; i < R.n_stores; i++)
        dt_pool_free(&R.stores[i].pool);
    free(R.stores);
    dt_cases_free(&R.cases);
    dt_certlist_free(&R.extra);
    free(R.known);
    for (size_t i = 0; i < R.n_anchor_files; i++)
        free(R.anchor_files[i].path);
    free(R.anchor_files);
    free(R.jobs);
    free(R.outs);
    free(R.each);
    return rc;
}
