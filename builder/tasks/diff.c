/*
 * diff.c - `distrust diff OLD_OUT NEW_OUT`: release notes between two builds.
 *
 * Each side is read from its output directory, not from policies: the
 * distrust objects of certdata-distrust.txt (label, purposes, shape and the
 * Incident/Bug/Why comments), the records of onecrl.json, the keys of
 * revocations.blob and the distrust-after roots. A distrust is one key
 * (issuer + serial, or subject + key hash) across the targets; it is added,
 * removed or changed (targets, purposes, NSS shape, label, OneCRL enabled).
 * Blob keys are summed per issuer, as mass revocations are too many to
 * list. The result is Markdown grouped by incident, ready for an
 * announcement, with a CHANGELOG snippet, or JSON for tools.
 */
#include "diff.h"

#include "arena.h"
#include "blob_write.h"
#include "builddir.h"
#include "common.h"
#include "der.h"
#include "dmap.h"
#include "file.h"
#include "nssname.h"
#include "policy.h"
#include "pool.h"
#include "time.h"

#include <distrust/blob.h>
#include "hex.h"
#include "b64.h"

#include <errno.h>
#include <jansson.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <unistd.h>
#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One distrust of a build (NSS object and/or OneCRL record). */
struct dent {
    bool spk; /* subject + key, else issuer + serial */
    struct dt_slice a, b;
    uint8_t key[32]; /* key_of(spk, a, b) */
    bool nss, onecrl, blob;
    bool hashed;          /* NSS trust object with hashes */
    bool onecrl_disabled; /* "enabled": false */
    unsigned purposes;    /* NSS: the CKT_NSS_NOT_TRUSTED purposes */
    const char *label, *incident, *bug, *why;
};

struct dafter {
    uint8_t sha256[32];
    const char *label, *incident, *bug;
    bool has_server, has_email;
    int64_t server, email;
};

/* A blob key: the issuer/serial (or subject/key) digest and its issuer. */
struct bkey {
    uint8_t key[32];
    uint32_t issuer; /* index into side.issuers */
};

struct side {
    const char *dir;
    char policy_sha256[80], tool[80];
    bool has_release; /* the manifest's "release": the blob's sequence and date */
    unsigned long long sequence;
    char created[40];
    struct dt_build_data bd;
    bool have_bd;
    struct dent *v;
    size_t n, cap;
    struct dt_dmap map;
    struct dafter *af;
    size_t n_af, cap_af;
    struct bkey *bk;
    size_t n_bk, cap_bk;
    struct dt_slice *issuers; /* distinct blob issuer names (arena copies) */
    size_t n_issuers, cap_issuers;
    struct dt_arena ar;
    struct dt_diags *d;
    bool have_onecrl, have_blob;
    json_t *incidents; /* the manifest's revocation deadlines, or NULL */
    bool nomem; /* a copy below failed: load_side fails */
};

static const char *adup(struct side *S, const char *s)
{
    if (!s || !*s)
        return NULL;
    const char *c = dt_arena_strdup(&S->ar, s);
    S->nomem |= !c;
    return c;
}

static struct dt_slice adup_bytes(struct side *S, const uint8_t *p, size_t n)
{
    uint8_t *c = dt_arena_alloc(&S->ar, n ? n : 1);
    S->nomem |= !c;
    if (c && n)
        memcpy(c, p, n);
    return dt_slice_make(c, c ? n : 0);
}

static enum dt_err key_of(bool spk, struct dt_slice a, struct dt_slice b, uint8_t key[32])
{
    enum dt_err rc = spk ? dt_idkey_exact(a, b.p, key) : dt_idkey_issuer_serial(a, b, key);
    key[0] ^= (uint8_t)spk;
    return rc;
}

/* The entry for a key into *out, created when absent. */
static enum dt_err entry(struct side *S, bool spk, struct dt_slice a, struct dt_slice b,
                         struct dent **out)
{
    enum dt_err rc = DT_OK;
    uint8_t key[32];
    DT_TRY(key_of(spk, a, b, key));
    uint32_t it = dt_dmap_first(&S->map, key);
    if (it != DT_DMAP_END) {
        *out = &S->v[dt_dmap_value(&S->map, it)];
        goto out;
    }
    DT_TRY(dt_mem_grow((void **)&S->v, &S->cap, S->n + 1, sizeof(*S->v)));
    DT_TRY(dt_dmap_add(&S->map, key, (uint32_t)S->n));
    struct dent *e = &S->v[S->n++];
    memset(e, 0, sizeof(*e));
    e->spk = spk;
    e->a = adup_bytes(S, a.p, a.n);
    e->b = adup_bytes(S, b.p, b.n);
    memcpy(e->key, key, 32);
    *out = e;
out:
    return rc;
}

static enum dt_err read_nss(struct side *S)
{
    enum dt_err rc = DT_OK;
    DT_TRY(dt_builddir_load(S->dir, &S->bd, S->d));
    S->have_bd = true;
    static const unsigned bits[3] = {DT_PURPOSE_SERVER, DT_PURPOSE_EMAIL, DT_PURPOSE_CODE};
    for (size_t i = 0; i < S->bd.n_entries; i++) {
        const struct dt_bentry *b = &S->bd.entries[i];
        unsigned purposes = 0;
        for (int k = 0; k < 3; k++)
            if (b->trust[k] == CKT_NSS_NOT_TRUSTED)
                purposes |= bits[k];
        if (!purposes)
            continue;
        struct dent *e;
        DT_TRY(entry(S, false, b->issuer, b->serial, &e));
        char f[512];
        e->nss = true;
        e->purposes = purposes;
        e->hashed = b->has_sha1;
        e->label = adup(S, b->label);
        dt_builddir_comment_field(b->comment, "Incident", f, sizeof(f));
        e->incident = adup(S, f);
        dt_builddir_comment_field(b->comment, "Bug", f, sizeof(f));
        e->bug = adup(S, f);
        dt_builddir_comment_field(b->comment, "Why", f, sizeof(f));
        e->why = adup(S, f);
    }
    for (size_t i = 0; i < S->bd.n_afters; i++) {
        const struct dt_bafter *b = &S->bd.afters[i];
        DT_TRY(dt_mem_grow((void **)&S->af, &S->cap_af, S->n_af + 1, sizeof(*S->af)));
        struct dafter *a = &S->af[S->n_af++];
        memset(a, 0, sizeof(*a));
        memcpy(a->sha256, b->cert->sha256, 32);
        a->label = adup(S, b->label);
        char f[512];
        dt_builddir_comment_field(b->comment, "Incident", f, sizeof(f));
        a->incident = adup(S, f);
        dt_builddir_comment_field(b->comment, "Bug", f, sizeof(f));
        a->bug = adup(S, f);
        a->has_server = b->has_server;
        a->has_email = b->has_email;
        a->server = b->server;
        a->email = b->email;
    }
out:
    return rc;
}

/* A record's base64 field into out; *ok is false when it is absent or not
 * base64. Fails only when memory runs out. */
static enum dt_err b64_field(json_t *rec, const char *k, struct dt_buf *out, bool *ok)
{
    const char *s = json_string_value(json_object_get(rec, k));
    dt_buf_reset(out);
    const char *why = s ? dt_b64_decode(s, strlen(s), true, out) : "absent";
    *ok = !why;
    return why == dt_mem_why_nomem ? DT_ERR_NOMEM : DT_OK;
}

static enum dt_err read_onecrl(struct side *S)
{
    enum dt_err rc = DT_OK;
    char path[4096];
    snprintf(path, sizeof(path), "%s/onecrl.json", S->dir);
    struct dt_buf a, b;
    dt_buf_init(&a, 0);
    dt_buf_init(&b, 0);
    json_error_t je;
    json_t *doc = NULL;
    if (access(path, R_OK) != 0) {
        struct dt_place pl = dt_diag_place_file(path);
        dt_diag_note(S->d, &pl, "no onecrl.json (a build before 0.4): OneCRL not compared");
        goto out;
    }
    doc = json_load_file(path, 0, &je);
    json_t *data = json_object_get(doc, "data");
    if (!json_is_array(data)) {
        struct dt_place pl = {path, (unsigned)je.line, (unsigned)je.column, NULL, NULL};
        rc = dt_diag_fail(S->d, &pl, DT_ERR_INPUT, "not a onecrl.json (%s)",
                     doc ? "no \"data\" array" : je.text);
        goto out;
    }
    S->have_onecrl = true;
    for (size_t i = 0; i < json_array_size(data); i++) {
        json_t *r = json_array_get(data, i);
        bool spk = json_object_get(r, "subject") != NULL;
        bool a_ok, b_ok;
        DT_TRY(b64_field(r, spk ? "subject" : "issuerName", &a, &a_ok));
        DT_TRY(b64_field(r, spk ? "pubKeyHash" : "serialNumber", &b, &b_ok));
        if (!a_ok || !b_ok || (spk && b.len != 32)) {
            char jp[64];
            snprintf(jp, sizeof(jp), "/data/%zu", i);
            struct dt_place pl = {path, 0, 0, jp, NULL};
            rc = dt_diag_fail(S->d, &pl, DT_ERR_INPUT, "a record without its base64 key fields");
            goto out;
        }
        struct dent *e;
        DT_TRY(entry(S, spk, dt_slice_make(a.data, a.len), dt_slice_make(b.data, b.len), &e));
        e->onecrl = true;
        e->onecrl_disabled = json_is_false(json_object_get(r, "enabled"));
        json_t *det = json_object_get(r, "details");
        if (!e->label)
            e->label = adup(S, json_string_value(json_object_get(det, "name")));
        if (!e->bug)
            e->bug = adup(S, json_string_value(json_object_get(det, "bug")));
        if (!e->why)
            e->why = adup(S, json_string_value(json_object_get(det, "why")));
    }
out:
    json_decref(doc);
    dt_buf_free(&a);
    dt_buf_free(&b);
    return rc;
}

struct blob_ctx {
    struct side *S;
    enum dt_err rc;
};

static uint32_t issuer_index(struct side *S, const uint8_t *p, size_t n)
{
    /* Blobs list serials issuer by issuer: the last one is nearly always it. */
    for (size_t i = S->n_issuers; i > 0 && i + 8 > S->n_issuers; i--)
        if (S->issuers[i - 1].n == n && !memcmp(S->issuers[i - 1].p, p, n))
            return (uint32_t)(i - 1);
    for (size_t i = 0; i < S->n_issuers; i++)
        if (S->issuers[i].n == n && !memcmp(S->issuers[i].p, p, n))
            return (uint32_t)i;
    if (dt_mem_grow((void **)&S->issuers, &S->cap_issuers, S->n_issuers + 1, sizeof(*S->issuers)) !=
        DT_OK)
        return UINT32_MAX;
    S->issuers[S->n_issuers] = adup_bytes(S, p, n);
    return (uint32_t)S->n_issuers++;
}

static int on_serial(const uint8_t *issuer, size_t il, const uint8_t *serial, size_t sl, void *vc)
{
    struct blob_ctx *c = vc;
    struct side *S = c->S;
    uint32_t ix = issuer_index(S, issuer, il);
    if (ix == UINT32_MAX ||
        dt_mem_grow((void **)&S->bk, &S->cap_bk, S->n_bk + 1, sizeof(*S->bk)) != DT_OK) {
        c->rc = DT_ERR_NOMEM;
        return 1;
    }
    struct bkey *k = &S->bk[S->n_bk++];
    c->rc = key_of(false, dt_slice_make(issuer, il), dt_slice_make(serial, sl), k->key);
    k->issuer = ix;
    return c->rc != DT_OK;
}

static int on_spki(const uint8_t *subject, size_t n, const uint8_t h[32], void *vc)
{
    struct blob_ctx *c = vc;
    struct side *S = c->S;
    uint32_t ix = issuer_index(S, subject, n);
    if (ix == UINT32_MAX ||
        dt_mem_grow((void **)&S->bk, &S->cap_bk, S->n_bk + 1, sizeof(*S->bk)) != DT_OK) {
        c->rc = DT_ERR_NOMEM;
        return 1;
    }
    struct bkey *k = &S->bk[S->n_bk++];
    c->rc = key_of(true, dt_slice_make(subject, n), dt_slice_make(h, 32), k->key);
    k->issuer = ix;
    return c->rc != DT_OK;
}

static int cmp_bkey(const void *x, const void *y)
{
    return memcmp(((const struct bkey *)x)->key, ((const struct bkey *)y)->key, 32);
}

static enum dt_err read_blob(struct side *S)
{
    enum dt_err rc = DT_OK;
    char path[4096], err[512];
    snprintf(path, sizeof(path), "%s/revocations.blob", S->dir);
    if (access(path, R_OK) != 0) {
        struct dt_place pl = dt_diag_place_file(path);
        dt_diag_note(S->d, &pl, "no revocations.blob (a build before 0.4): the blob not compared");
        return DT_OK;
    }
    struct dt_blob *b = NULL;
    int orc = dt_blob_open_file(path, NULL, &b, err, sizeof(err));
    if (orc != DT_BLOB_OK) {
        struct dt_place pl = dt_diag_place_file(path);
        return dt_diag_fail(S->d, &pl, orc == DT_BLOB_ERR_NOMEM ? DT_ERR_NOMEM : DT_ERR_INPUT,
                            "%s", err);
    }
    S->have_blob = true;
    struct blob_ctx c = {S, DT_OK};
    int irc = dt_blob_iterate(b, on_serial, on_spki, &c);
    dt_blob_close(b);
    DT_ENSURE(irc == DT_BLOB_OK, DT_ERR_INTERNAL);
    DT_TRY(c.rc);
    if (S->n_bk > 1)
        qsort(S->bk, S->n_bk, sizeof(*S->bk), cmp_bkey);
    for (size_t i = 0; i < S->n; i++) {
        struct bkey k;
        memcpy(k.key, S->v[i].key, 32);
        /* a blob without keys: S->bk is NULL, never given to bsearch */
        S->v[i].blob = S->n_bk && bsearch(&k, S->bk, S->n_bk, sizeof(*S->bk), cmp_bkey);
    }
out:
    return rc;
}

static enum dt_err read_manifest(struct side *S)
{
    char path[4096];
    struct stat st;
    /* A directory that is not there, or is no directory: its errno, at it. */
    int e = stat(S->dir, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
    if (e) {
        struct dt_place dp = dt_diag_place_file(S->dir);
        return dt_diag_fail(S->d, &dp, DT_ERR_INPUT,
                            "cannot read the build directory: %s (give two `distrust build` "
                            "output directories)",
                            strerror(e));
    }
    snprintf(path, sizeof(path), "%s/manifest.json", S->dir);
    if (access(path, R_OK) != 0) {
        e = errno;
        struct dt_place fp = dt_diag_place_file(path);
        return dt_diag_fail(S->d, &fp, DT_ERR_INPUT,
                            "cannot read the manifest: %s: is %s a `distrust build` output "
                            "directory?",
                            strerror(e), S->dir);
    }
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (!m) {
        /* jansson gives -1 for a line or column it does not know */
        struct dt_place pl = {path, je.line > 0 ? (unsigned)je.line : 0,
                              je.line > 0 && je.column > 0 ? (unsigned)je.column : 0, NULL, NULL};
        return dt_diag_fail(S->d, &pl, DT_ERR_INPUT,
                       "cannot read the manifest (%s): is %s a `distrust build` output "
                       "directory?",
                       je.text, S->dir);
    }
    const char *p = json_string_value(json_object_get(m, "policy_sha256"));
    const char *t = json_string_value(json_object_get(m, "tool"));
    snprintf(S->policy_sha256, sizeof(S->policy_sha256), "%s", p ? p : "?");
    snprintf(S->tool, sizeof(S->tool), "%s", t ? t : "?");
    json_t *rel = json_object_get(m, "release");
    json_t *seq = json_object_get(rel, "sequence");
    const char *cr = json_string_value(json_object_get(rel, "created"));
    if (json_is_integer(seq) && json_integer_value(seq) >= 0 && cr) {
        S->has_release = true;
        S->sequence = (unsigned long long)json_integer_value(seq);
        snprintf(S->created, sizeof(S->created), "%s", cr);
    }
    S->incidents = json_incref(json_object_get(m, "incidents"));
    json_decref(m);
    return DT_OK;
}

static enum dt_err load_side(struct side *S, const char *dir, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    memset(S, 0, sizeof(*S));
    S->dir = dir;
    S->d = d;
    dt_arena_init(&S->ar);
    dt_dmap_init(&S->map);
    DT_TRY(read_manifest(S));
    DT_TRY(read_nss(S));
    DT_TRY(read_onecrl(S));
    DT_TRY(read_blob(S));
    DT_ENSURE(!S->nomem, DT_ERR_NOMEM);
out:
    return rc;
}

static void free_side(struct side *S)
{
    if (S->have_bd)
        dt_builddir_free(&S->bd);
    free(S->v);
    free(S->af);
    free(S->bk);
    free(S->issuers);
    dt_dmap_free(&S->map);
    dt_arena_free(&S->ar);
    json_decref(S->incidents);
}

static char *name_of(struct dt_slice der);

/* Why an entry of a revocation deadline left the build: the new build
 * judged the same issuer's incident and found it revoked on a current CRL,
 * or no longer has the incident. NULL for other entries. */
static const char *removal_reason(const struct side *N, const struct dent *e, char *buf, size_t cap)
{
    if (e->spk || !e->why || !strstr(e->why, "revocation overdue since"))
        return NULL;
    char *issuer = name_of(e->a);
    size_t i;
    json_t *inc;
    const char *out = NULL;
    json_array_foreach(N->incidents, i, inc)
    {
        const char *is = json_string_value(json_object_get(inc, "issuer"));
        if (!issuer || !is || strcmp(is, issuer))
            continue;
        const char *at = json_string_value(json_object_get(inc, "evaluated_at"));
        const char *newest = NULL, *file = NULL;
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(inc, "crls"), k, c)
        {
            const char *st = json_string_value(json_object_get(c, "status"));
            const char *tu = json_string_value(json_object_get(c, "this_update"));
            if (st && !strcmp(st, "current") && tu && (!newest || strcmp(tu, newest) > 0)) {
                newest = tu;
                file = json_string_value(json_object_get(c, "file"));
            }
        }
        snprintf(buf, cap,
                 "no longer overdue: a current CRL of the issuer lists it as revoked (newest: "
                 "%s, thisUpdate %s; judged at %s)",
                 file ? file : "?", newest ? newest : "?", at ? at : "?");
        out = buf;
        break;
    }
    if (!out) {
        snprintf(buf, cap, "its incident entry is no longer in the policy");
        out = buf;
    }
    free(issuer);
    return out;
}

/* ---- comparing ---------------------------------------------------------------- */

enum change { ADDED, REMOVED, CHANGED };

struct item {
    enum change what;
    const struct dent *e; /* new side (old for REMOVED) */
    const struct dent *o; /* old side for CHANGED */
    char changes[512];
};

static const char *group_of(const struct dent *e)
{
    return e->incident ? e->incident : "";
}

static int cmp_item(const void *x, const void *y)
{
    const struct item *a = x, *b = y;
    int c = strcmp(group_of(a->e), group_of(b->e));
    if (c)
        return c;
    if (a->what != b->what)
        return a->what < b->what ? -1 : 1;
    c = strcmp(a->e->label ? a->e->label : "", b->e->label ? b->e->label : "");
    if (c)
        return c;
    c = dt_slice_cmp(a->e->a, b->e->a);
    return c ? c : dt_slice_cmp(a->e->b, b->e->b);
}

static void targets_text(const struct dent *e, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s%s%s%s", e->nss ? "NSS" : "",
             e->nss ? (e->hashed ? " (with hashes)" : " (issuer and serial)") : "",
             e->nss && (e->onecrl || e->blob) ? ", " : "",
             e->onecrl ? (e->onecrl_disabled ? "OneCRL (disabled)" : "OneCRL") : "",
             e->onecrl && e->blob ? ", " : "", e->blob ? "blob" : "");
}

static void purposes_text(unsigned p, char *buf, size_t cap)
{
    if (p == DT_PURPOSE_ALL || !p) {
        snprintf(buf, cap, "all purposes");
        return;
    }
    buf[0] = '\0';
    for (unsigned b = 1; b <= 4; b <<= 1)
        if (p & b) {
            size_t n = strlen(buf);
            snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", dt_policy_purpose_name(b));
        }
}

static void add_change(char *buf, size_t cap, const char *fmt, ...) DT_PRINTF(3, 4);
static void add_change(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n && n + 2 < cap) {
        snprintf(buf + n, cap - n, "; ");
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

/* What changed between two records of one key ("" when nothing did). */
static void compare(const struct dent *o, const struct dent *n, char *buf, size_t cap)
{
    buf[0] = '\0';
    static const char *names[3] = {"NSS", "OneCRL", "the blob"};
    bool was[3] = {o->nss, o->onecrl, o->blob}, is[3] = {n->nss, n->onecrl, n->blob};
    for (int k = 0; k < 3; k++)
        if (was[k] != is[k])
            add_change(buf, cap, "%s %s", is[k] ? "now in" : "no longer in", names[k]);
    if (o->nss && n->nss && o->purposes != n->purposes) {
        char a[96], b[96];
        purposes_text(o->purposes, a, sizeof(a));
        purposes_text(n->purposes, b, sizeof(b));
        add_change(buf, cap, "purposes: %s -> %s", a, b);
    }
    if (o->nss && n->nss && o->hashed != n->hashed)
        add_change(buf, cap, "NSS object: %s -> %s", o->hashed ? "with hashes" : "without hashes",
                   n->hashed ? "with hashes" : "without hashes");
    if (o->onecrl && n->onecrl && o->onecrl_disabled != n->onecrl_disabled)
        add_change(buf, cap, "OneCRL record %s", n->onecrl_disabled ? "disabled" : "enabled");
    if (o->label && n->label && strcmp(o->label, n->label))
        add_change(buf, cap, "label: \"%s\" -> \"%s\"", o->label, n->label);
}

struct afitem {
    enum change what;
    const struct dafter *a, *o;
};

struct blobsum {
    struct dt_slice issuer;
    size_t added, removed;
};

struct result {
    struct item *items;
    size_t n_items;
    size_t unchanged;
    struct afitem *af;
    size_t n_af, af_unchanged;
    struct blobsum *bs;
    size_t n_bs;
    size_t blob_added, blob_removed;
};

/* The other side's record of e's key, or NULL. */
static const struct dent *find_dent(const struct side *S, const struct dent *e)
{
    uint32_t it = dt_dmap_first(&S->map, e->key);
    return it == DT_DMAP_END ? NULL : &S->v[dt_dmap_value(&S->map, it)];
}

static struct blobsum *bsum(struct result *R, struct dt_slice issuer, size_t *cap)
{
    for (size_t i = 0; i < R->n_bs; i++)
        if (!dt_slice_cmp(R->bs[i].issuer, issuer))
            return &R->bs[i];
    if (dt_mem_grow((void **)&R->bs, cap, R->n_bs + 1, sizeof(*R->bs)) != DT_OK)
        return NULL;
    R->bs[R->n_bs] = (struct blobsum){issuer, 0, 0};
    return &R->bs[R->n_bs++];
}

static int cmp_bs(const void *x, const void *y)
{
    return dt_slice_cmp(((const struct blobsum *)x)->issuer, ((const struct blobsum *)y)->issuer);
}

static enum dt_err compute(const struct side *O, const struct side *N, struct result *R)
{
    enum dt_err rc = DT_OK;
    size_t cap = 0;
    memset(R, 0, sizeof(*R));
    for (size_t i = 0; i < N->n; i++) {
        const struct dent *o = find_dent(O, &N->v[i]);
        char ch[512];
        if (o)
            compare(o, &N->v[i], ch, sizeof(ch));
        if (o && !ch[0]) {
            R->unchanged++;
            continue;
        }
        DT_TRY(dt_mem_grow((void **)&R->items, &cap, R->n_items + 1, sizeof(*R->items)));
        struct item *it = &R->items[R->n_items++];
        it->what = o ? CHANGED : ADDED;
        it->e = &N->v[i];
        it->o = o;
        snprintf(it->changes, sizeof(it->changes), "%s", o ? ch : "");
    }
    for (size_t i = 0; i < O->n; i++) {
        if (find_dent(N, &O->v[i]))
            continue;
        DT_TRY(dt_mem_grow((void **)&R->items, &cap, R->n_items + 1, sizeof(*R->items)));
        struct item *it = &R->items[R->n_items++];
        memset(it, 0, sizeof(*it));
        it->what = REMOVED;
        it->e = &O->v[i];
    }
    if (R->n_items > 1)
        qsort(R->items, R->n_items, sizeof(*R->items), cmp_item);
    /* Distrust-after roots, by certificate. */
    size_t acap = 0;
    for (size_t i = 0; i < N->n_af; i++) {
        const struct dafter *a = &N->af[i], *o = NULL;
        for (size_t j = 0; j < O->n_af && !o; j++)
            if (!memcmp(O->af[j].sha256, a->sha256, 32))
                o = &O->af[j];
        bool same = o && o->has_server == a->has_server && o->has_email == a->has_email &&
                    (!a->has_server || o->server == a->server) &&
                    (!a->has_email || o->email == a->email);
        if (same) {
            R->af_unchanged++;
            continue;
        }
        DT_TRY(dt_mem_grow((void **)&R->af, &acap, R->n_af + 1, sizeof(*R->af)));
        R->af[R->n_af++] = (struct afitem){o ? CHANGED : ADDED, a, o};
    }
    for (size_t j = 0; j < O->n_af; j++) {
        bool found = false;
        for (size_t i = 0; i < N->n_af && !found; i++)
            found = !memcmp(O->af[j].sha256, N->af[i].sha256, 32);
        if (!found) {
            DT_TRY(dt_mem_grow((void **)&R->af, &acap, R->n_af + 1, sizeof(*R->af)));
            R->af[R->n_af++] = (struct afitem){REMOVED, &O->af[j], NULL};
        }
    }
    /* Blob keys: a merge of the two sorted lists, summed per issuer. */
    size_t i = 0, j = 0, bcap = 0;
    while (i < O->n_bk || j < N->n_bk) {
        int c = i == O->n_bk ? 1 : j == N->n_bk ? -1 : memcmp(O->bk[i].key, N->bk[j].key, 32);
        if (!c) {
            i++, j++;
            continue;
        }
        struct blobsum *s = c < 0 ? bsum(R, O->issuers[O->bk[i].issuer], &bcap)
                                  : bsum(R, N->issuers[N->bk[j].issuer], &bcap);
        DT_ENSURE_MEM(s);
        if (c < 0) {
            s->removed++;
            R->blob_removed++;
            i++;
        } else {
            s->added++;
            R->blob_added++;
            j++;
        }
    }
    if (R->n_bs > 1)
        qsort(R->bs, R->n_bs, sizeof(*R->bs), cmp_bs);
out:
    return rc;
}

/* ---- writing ------------------------------------------------------------------ */

static char *name_of(struct dt_slice der)
{
    char *n = dt_nssname_text(der);
    return n ? n : dt_mem_strdup("?");
}

static enum dt_err key_text(struct dt_buf *out, const struct dent *e)
{
    enum dt_err rc = DT_OK;
    char *n = name_of(e->a);
    DT_ENSURE_MEM(n);
    if (e->spk) {
        rc = dt_buf_printf(out, "subject `%s`, key SHA-256 ", n);
        if (rc == DT_OK)
            rc = dt_b64_encode(e->b, out);
    } else {
        rc = dt_buf_printf(out, "issuer `%s`, serial `", n);
        if (rc == DT_OK)
            rc = dt_hex_encode(e->b, false, ':', out);
        if (rc == DT_OK)
            rc = dt_buf_putc(out, '`');
    }
    free(n);
out:
    return rc;
}

static const char *label_or(const struct dent *e)
{
    return e->label ? e->label : "(no label)";
}

static enum dt_err md_item(struct dt_buf *out, const struct item *it, const struct side *N)
{
    enum dt_err rc = DT_OK;
    const struct dent *e = it->e;
    char t[160], p[96];
    DT_TRY(dt_buf_printf(out, "- **%s**: ", label_or(e)));
    DT_TRY(key_text(out, e));
    if (it->what == CHANGED) {
        DT_TRY(dt_buf_printf(out, ". %s", it->changes));
    } else {
        targets_text(e, t, sizeof(t));
        purposes_text(e->nss ? e->purposes : DT_PURPOSE_ALL, p, sizeof(p));
        DT_TRY(dt_buf_printf(out, "; %s; %s", p, t));
    }
    if (e->why && it->what != CHANGED)
        DT_TRY(dt_buf_printf(out, ". Why: %s", e->why));
    char reason[400];
    if (it->what == REMOVED && removal_reason(N, e, reason, sizeof(reason)))
        DT_TRY(dt_buf_printf(out, ". Removed: %s", reason));
    DT_TRY(dt_buf_puts(out, "\n"));
out:
    return rc;
}

/* The bug most entries of a group [i, j) name (the incident's, usually). */
static const char *group_bug(const struct result *R, size_t i, size_t j)
{
    const char *best = NULL;
    size_t best_n = 0;
    for (size_t a = i; a < j; a++) {
        const char *b = R->items[a].e->bug;
        if (!b)
            continue;
        size_t n = 0;
        for (size_t c = i; c < j; c++)
            n += R->items[c].e->bug && !strcmp(R->items[c].e->bug, b);
        if (n > best_n) {
            best = b;
            best_n = n;
        }
    }
    return best;
}

static const char *what_name(enum change w)
{
    return w == ADDED ? "Added" : w == REMOVED ? "Removed" : "Changed";
}

static enum dt_err write_md(struct dt_buf *out, const struct side *O, const struct side *N,
                            const struct result *R)
{
    enum dt_err rc = DT_OK;
    size_t count[3] = {0, 0, 0}, afc[3] = {0, 0, 0};
    for (size_t i = 0; i < R->n_items; i++)
        count[R->items[i].what]++;
    for (size_t i = 0; i < R->n_af; i++)
        afc[R->af[i].what]++;
    DT_TRY(dt_buf_printf(out,
                         "# Distrust release notes\n\n"
                         "From `%s` (policy `%.12s`, %s) to `%s` (policy `%.12s`, %s).\n\n"
                         "| | added | removed | changed | unchanged |\n"
                         "| --- | ---: | ---: | ---: | ---: |\n"
                         "| distrusts (NSS objects, OneCRL records) | %zu | %zu | %zu | %zu |\n"
                         "| distrust-after roots | %zu | %zu | %zu | %zu |\n"
                         "| revocations.blob keys | %zu | %zu | | |\n",
                         O->dir, O->policy_sha256, O->tool, N->dir, N->policy_sha256, N->tool,
                         count[ADDED], count[REMOVED], count[CHANGED], R->unchanged, afc[ADDED],
                         afc[REMOVED], afc[CHANGED], R->af_unchanged, R->blob_added,
                         R->blob_removed));
    if (O->has_release && N->has_release)
        DT_TRY(dt_buf_printf(out, "\nRelease: revocations.blob sequence %llu to %llu, dated %s to %s.\n",
                             O->sequence, N->sequence, O->created, N->created));
    if (!R->n_items && !R->n_af && !R->blob_added && !R->blob_removed)
        DT_TRY(dt_buf_puts(out, "\nNo changes.\n"));
    for (size_t i = 0; i < R->n_items;) {
        const char *g = group_of(R->items[i].e);
        size_t j = i;
        while (j < R->n_items && !strcmp(group_of(R->items[j].e), g))
            j++;
        const char *bug = group_bug(R, i, j);
        DT_TRY(dt_buf_printf(out, "\n## %s%s%s\n", *g ? g : "Without an incident", bug ? ": " : "",
                             bug ? bug : ""));
        for (size_t k = i; k < j;) {
            enum change w = R->items[k].what;
            size_t m = k;
            while (m < j && R->items[m].what == w)
                m++;
            DT_TRY(dt_buf_printf(out, "\n%s (%zu):\n\n", what_name(w), m - k));
            for (; k < m; k++)
                DT_TRY(md_item(out, &R->items[k], N));
        }
        i = j;
    }
    if (R->n_af) {
        DT_TRY(dt_buf_puts(out, "\n## Distrust-after dates\n\n"));
        for (size_t i = 0; i < R->n_af; i++) {
            const struct afitem *a = &R->af[i];
            char s[32] = "", e[32] = "";
            if (a->a->has_server)
                dt_time_format_rfc3339(a->a->server, s);
            if (a->a->has_email)
                dt_time_format_rfc3339(a->a->email, e);
            DT_TRY(dt_buf_printf(out, "- **%s** (%s%s%s): ", a->a->label ? a->a->label : "?",
                                 a->what == ADDED     ? "new"
                                 : a->what == REMOVED ? "removed"
                                                      : "changed",
                                 a->a->incident ? ", " : "", a->a->incident ? a->a->incident : ""));
            if (s[0])
                DT_TRY(dt_buf_printf(out, "TLS server certificates issued after %s%s", s,
                                     e[0] ? "; " : ""));
            if (e[0])
                DT_TRY(dt_buf_printf(out, "e-mail certificates issued after %s", e));
            DT_TRY(
                dt_buf_puts(out, a->what == REMOVED ? " were distrusted\n" : " are distrusted\n"));
        }
    }
    if (R->n_bs) {
        DT_TRY(dt_buf_puts(out, "\n## revocations.blob\n\nKeys added and removed per issuer "
                                "(the distrusts above included):\n\n"));
        for (size_t i = 0; i < R->n_bs; i++) {
            char *n = name_of(R->bs[i].issuer);
            DT_ENSURE_MEM(n);
            rc = dt_buf_printf(out, "- `%s`: %zu added, %zu removed\n", n, R->bs[i].added,
                               R->bs[i].removed);
            free(n);
            DT_TRY(rc);
        }
    }
    /* The CHANGELOG snippet: Keep a Changelog sections, one line per
     * incident. */
    DT_TRY(dt_buf_puts(out, "\n## CHANGELOG snippet\n\n```markdown\n"));
    static const char *sections[3] = {"### Distrusted", "### No longer distrusted", "### Changed"};
    bool any = false;
    for (int w = 0; w < 3; w++) {
        bool header = false;
        for (size_t i = 0; i < R->n_items;) {
            const char *g = group_of(R->items[i].e);
            size_t j = i, n = 0;
            while (j < R->n_items && !strcmp(group_of(R->items[j].e), g))
                j++;
            const char *bug = group_bug(R, i, j);
            struct dt_buf names;
            dt_buf_init(&names, 0);
            for (size_t k = i; k < j; k++) {
                if (R->items[k].what != (enum change)w)
                    continue;
                if (n < 5)
                    rc = dt_buf_printf(&names, "%s%s", n ? ", " : "", label_or(R->items[k].e));
                n++;
            }
            if (rc == DT_OK && n > 5)
                rc = dt_buf_printf(&names, " and %zu more", n - 5);
            if (rc == DT_OK && n && !header) {
                rc = dt_buf_printf(out, "%s%s\n", any ? "\n" : "", sections[w]);
                header = any = true;
            }
            if (rc == DT_OK && n)
                rc = dt_buf_printf(out, "- %s: %.*s%s%s%s\n", *g ? g : "other", (int)names.len,
                                   (const char *)names.data, bug ? " (" : "", bug ? bug : "",
                                   bug ? ")" : "");
            dt_buf_free(&names);
            DT_TRY(rc);
            i = j;
        }
    }
    if (R->n_af) {
        DT_TRY(dt_buf_printf(out, "%s### Distrust-after\n", any ? "\n" : ""));
        any = true;
        for (size_t i = 0; i < R->n_af; i++)
            DT_TRY(dt_buf_printf(out, "- %s: %s\n", R->af[i].a->label ? R->af[i].a->label : "?",
                                 R->af[i].what == ADDED     ? "date set"
                                 : R->af[i].what == REMOVED ? "date removed"
                                                            : "date changed"));
    }
    if (R->blob_added || R->blob_removed) {
        DT_TRY(dt_buf_printf(out, "%s### Revocation blob\n- %zu keys added, %zu removed\n",
                             any ? "\n" : "", R->blob_added, R->blob_removed));
        any = true;
    }
    if (!any)
        DT_TRY(dt_buf_puts(out, "No changes.\n"));
    DT_TRY(dt_buf_puts(out, "```\n"));
out:
    return rc;
}

static json_t *jentry(const struct dent *e)
{
    json_t *j = json_object();
    if (!j)
        return NULL;
    struct dt_buf a, b;
    dt_buf_init(&a, 0);
    dt_buf_init(&b, 0);
    bool ok = dt_b64_encode(e->a, &a) == DT_OK &&
              (e->spk ? dt_b64_encode(e->b, &b) : dt_hex_encode(e->b, false, ':', &b)) == DT_OK;
    char *n = name_of(e->a);
    ok = ok && n;
    if (ok) {
        json_object_set_new(j, "label", e->label ? json_string(e->label) : json_null());
        json_object_set_new(j, "incident", e->incident ? json_string(e->incident) : json_null());
        json_object_set_new(j, "bug", e->bug ? json_string(e->bug) : json_null());
        json_object_set_new(j, e->spk ? "subject" : "issuer", json_string(n));
        json_object_set_new(j, e->spk ? "subject_der" : "issuer_der",
                            json_stringn((const char *)a.data, a.len));
        json_object_set_new(j, e->spk ? "spki_sha256" : "serial",
                            json_stringn((const char *)b.data, b.len));
        json_t *t = json_array(), *p = json_array();
        if (e->nss)
            json_array_append_new(t, json_string("nss"));
        if (e->onecrl)
            json_array_append_new(t, json_string("onecrl"));
        if (e->blob)
            json_array_append_new(t, json_string("blob"));
        json_object_set_new(j, "targets", t);
        unsigned pp = e->nss ? e->purposes : DT_PURPOSE_ALL;
        for (unsigned bit = 1; bit <= 4; bit <<= 1)
            if (pp & bit)
                json_array_append_new(p, json_string(dt_policy_purpose_name(bit)));
        json_object_set_new(j, "purposes", p);
        if (e->nss)
            json_object_set_new(j, "nss_hashes", json_boolean(e->hashed));
        if (e->onecrl)
            json_object_set_new(j, "onecrl_enabled", json_boolean(!e->onecrl_disabled));
        if (e->why)
            json_object_set_new(j, "why", json_string(e->why));
    }
    free(n);
    dt_buf_free(&a);
    dt_buf_free(&b);
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static enum dt_err write_json(struct dt_buf *out, const struct side *O, const struct side *N,
                              const struct result *R)
{
    enum dt_err rc = DT_OK;
    json_t *root = json_object(), *lists[3] = {json_array(), json_array(), json_array()};
    json_t *af = json_array(), *bl = json_array();
    DT_ENSURE_MEM(root && lists[0] && lists[1] && lists[2] && af && bl);
    json_object_set_new(root, "old",
                        json_pack("{s:s, s:s, s:s}", "dir", O->dir, "policy_sha256",
                                  O->policy_sha256, "tool", O->tool));
    json_object_set_new(root, "new",
                        json_pack("{s:s, s:s, s:s}", "dir", N->dir, "policy_sha256",
                                  N->policy_sha256, "tool", N->tool));
    const struct side *sides[2] = {O, N};
    for (int i = 0; i < 2; i++) {
        json_t *o = json_object_get(root, i ? "new" : "old");
        if (o && sides[i]->has_release)
            json_object_set_new(o, "release",
                                json_pack("{s:I, s:s}", "sequence",
                                          (json_int_t)sides[i]->sequence, "created",
                                          sides[i]->created));
    }
    for (size_t i = 0; i < R->n_items; i++) {
        json_t *e = jentry(R->items[i].e);
        DT_ENSURE_MEM(e);
        if (R->items[i].what == CHANGED)
            json_object_set_new(e, "changes", json_string(R->items[i].changes));
        char reason[400];
        if (R->items[i].what == REMOVED && removal_reason(N, R->items[i].e, reason, sizeof(reason)))
            json_object_set_new(e, "removal_reason", json_string(reason));
        json_array_append_new(lists[R->items[i].what], e);
    }
    json_object_set_new(root, "added", lists[0]);
    json_object_set_new(root, "removed", lists[1]);
    json_object_set_new(root, "changed", lists[2]);
    lists[0] = lists[1] = lists[2] = NULL;
    for (size_t i = 0; i < R->n_af; i++) {
        const struct dafter *a = R->af[i].a;
        char s[32], e[32], h[65];
        for (int k = 0; k < 32; k++)
            snprintf(h + 2 * k, 3, "%02x", a->sha256[k]);
        json_t *x = json_pack("{s:s, s:s, s:s}", "change",
                              R->af[i].what == ADDED     ? "added"
                              : R->af[i].what == REMOVED ? "removed"
                                                         : "changed",
                              "label", a->label ? a->label : "?", "certificate_sha256", h);
        DT_ENSURE_MEM(x);
        if (a->has_server) {
            dt_time_format_rfc3339(a->server, s);
            json_object_set_new(x, "server_distrust_after", json_string(s));
        }
        if (a->has_email) {
            dt_time_format_rfc3339(a->email, e);
            json_object_set_new(x, "email_distrust_after", json_string(e));
        }
        json_array_append_new(af, x);
    }
    json_object_set_new(root, "distrust_after", af);
    af = NULL;
    for (size_t i = 0; i < R->n_bs; i++) {
        char *n = name_of(R->bs[i].issuer);
        DT_ENSURE_MEM(n);
        json_array_append_new(bl, json_pack("{s:s, s:I, s:I}", "issuer", n, "added",
                                            (json_int_t)R->bs[i].added, "removed",
                                            (json_int_t)R->bs[i].removed));
        free(n);
    }
    json_object_set_new(root, "blob", bl);
    bl = NULL;
    json_object_set_new(root, "unchanged", json_integer((json_int_t)R->unchanged));
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    DT_ENSURE_MEM(text);
    rc = dt_buf_printf(out, "%s\n", text);
    free(text);
out:
    json_decref(root);
    for (int k = 0; k < 3; k++)
        json_decref(lists[k]);
    json_decref(af);
    json_decref(bl);
    return rc;
}

enum dt_err dt_diff_run(const char *old_dir, const char *new_dir, bool as_json, struct dt_buf *out,
                        struct dt_diff_summary *sum, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct side O, N;
    struct result R;
    memset(&R, 0, sizeof(R));
    enum dt_err orc = load_side(&O, old_dir, d);
    enum dt_err nrc = load_side(&N, new_dir, d);
    DT_TRY(orc);
    DT_TRY(nrc);
    DT_TRY(compute(&O, &N, &R));
    /* A client keeps the blob with the greatest sequence: a new release
     * whose blob changed must have a greater one. */
    if (O.has_release && N.has_release &&
        (N.sequence < O.sequence ||
         (N.sequence == O.sequence && (R.blob_added || R.blob_removed)))) {
        char mp[4200];
        snprintf(mp, sizeof(mp), "%s/manifest.json", new_dir);
        struct dt_place pl = dt_diag_place_file(mp);
        dt_diag_warn(d, &pl,
                     "the new build's revocations.blob sequence, %llu, is not greater than the "
                     "old build's, %llu: a client that keeps the newest blob keeps the old one "
                     "(build the new release with --previous %s)",
                     N.sequence, O.sequence, old_dir);
    }
    if (as_json)
        DT_TRY(write_json(out, &O, &N, &R));
    else
        DT_TRY(write_md(out, &O, &N, &R));
    if (sum) {
        memset(sum, 0, sizeof(*sum));
        for (size_t i = 0; i < R.n_items; i++) {
            if (R.items[i].what == ADDED)
                sum->added++;
            else if (R.items[i].what == REMOVED)
                sum->removed++;
            else
                sum->changed++;
        }
        sum->unchanged = R.unchanged;
        sum->afters_changed = R.n_af;
        sum->blob_added = R.blob_added;
        sum->blob_removed = R.blob_removed;
    }
out:
    free(R.items);
    free(R.af);
    free(R.bs);
    free_side(&O);
    free_side(&N);
    return rc;
}
