/*
 * merge.c - upstream certdata.txt with a policy applied (build --certdata).
 *
 * The merge edits the upstream text, nothing else: a distrust whose trust
 * object upstream already has (same issuer and serial) is left alone when
 * the object is the same attribute for attribute, replaced (with its comment
 * block) when the policy changes it; a new one is appended, with its
 * certificate object for the certificate+trust shape; a distrust-after date
 * is set on the upstream certificate object of the named root (matched by
 * DER), and a root that upstream does not hold is an error. Every other
 * byte stays as it was, so merging the result again changes nothing.
 */
#include "merge.h"

#include "cdparse.h"
#include "certdata.h"
#include "common.h"
#include "dmap.h"
#include "nssname.h"
#include "policy.h"
#include "pool.h"
#include "timeutil.h"

#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines [from, to] (1-based, inclusive) of upstream become text; to ==
 * from - 1 inserts before line from (from == n_lines + 1: at the end). */
struct edit {
    unsigned from, to;
    unsigned seq; /* order of insertions at one place */
    struct dt_buf text;
};

struct merger {
    const char *path;
    struct dt_slice up;
    size_t *line_off; /* line k (1-based) starts at line_off[k - 1]; [n] = end */
    unsigned n_lines;
    struct dt_cd_file f;
    struct dt_dmap trust_by_key, cert_by_key, cert_by_der;
    struct edit *edits;
    size_t n_edits, cap_edits;
    struct dt_buf tail; /* appended objects */
    struct dt_diags *d;
    struct dt_merge_stats *st;
};

static enum dt_err add_edit(struct merger *M, unsigned from, unsigned to, struct dt_buf *text)
{
    enum dt_err rc = dt_grow((void **)&M->edits, &M->cap_edits, M->n_edits + 1, sizeof(*M->edits));
    if (rc != DT_OK)
        return rc;
    struct edit *e = &M->edits[M->n_edits];
    e->from = from;
    e->to = to;
    e->seq = (unsigned)M->n_edits;
    e->text = *text; /* ownership moves */
    dt_buf_init(text, 0);
    M->n_edits++;
    return DT_OK;
}

static int cmp_edit(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static enum dt_err split_lines(struct merger *M)
{
    size_t n = 0;
    for (size_t i = 0; i < M->up.n; i++)
        n += M->up.p[i] == '\n';
    n += M->up.n && M->up.p[M->up.n - 1] != '\n';
    M->line_off = dt_calloc(n + 2, sizeof(*M->line_off));
    if (!M->line_off)
        return DT_ERR_NOMEM;
    size_t k = 0;
    M->line_off[k++] = 0;
    for (size_t i = 0; i < M->up.n; i++)
        if (M->up.p[i] == '\n' && i + 1 < M->up.n)
            M->line_off[k++] = i + 1;
    M->n_lines = M->up.n ? (unsigned)k : 0;
    M->line_off[M->n_lines] = M->up.n;
    return DT_OK;
}

static struct dt_slice line_text(const struct merger *M, unsigned k)
{
    size_t a = M->line_off[k - 1], b = M->line_off[k];
    while (b > a && (M->up.p[b - 1] == '\n' || M->up.p[b - 1] == '\r'))
        b--;
    return dt_slice_make(M->up.p + a, b - a);
}

/* An object's attribute lines (comment lines inside it left out), one
 * "\n"-terminated line each, as the writer produces them. */
static enum dt_err object_text(const struct merger *M, const struct dt_cd_object *o,
                               struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    for (unsigned k = o->line; k <= o->last_line; k++) {
        struct dt_slice l = line_text(M, k);
        size_t lead = 0;
        while (lead < l.n && (l.p[lead] == ' ' || l.p[lead] == '\t'))
            lead++;
        if (lead == l.n || l.p[lead] == '#')
            continue;
        DT_TRY(dt_buf_append(out, l.p, l.n));
        DT_TRY(dt_buf_putc(out, '\n'));
    }
out:
    return rc;
}

static bool key_of(const struct dt_cd_object *o, uint8_t key[32])
{
    const struct dt_cd_attr *ia = dt_cd_get(o, CKA_ISSUER), *sa = dt_cd_get(o, CKA_SERIAL_NUMBER);
    struct dt_tlv t;
    if (!ia || !sa || ia->kind != DT_CD_OCTAL || sa->kind != DT_CD_OCTAL ||
        dt_der_read_one(dt_slice_make(sa->value, sa->len), DT_TAG_INTEGER, &t))
        return false;
    dt_issuer_serial_key(dt_slice_make(ia->value, ia->len), t.val, key);
    return true;
}

static enum dt_err index_upstream(struct merger *M)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < M->f.n_objs; i++) {
        const struct dt_cd_object *o = &M->f.objs[i];
        uint8_t key[32];
        if (o->klass == CKO_NSS_TRUST && key_of(o, key)) {
            if (dt_dmap_first(&M->trust_by_key, key) == DT_DMAP_END)
                DT_TRY(dt_dmap_add(&M->trust_by_key, key, (uint32_t)i));
        } else if (o->klass == CKO_CERTIFICATE) {
            if (key_of(o, key) && dt_dmap_first(&M->cert_by_key, key) == DT_DMAP_END)
                DT_TRY(dt_dmap_add(&M->cert_by_key, key, (uint32_t)i));
            const struct dt_cd_attr *v = dt_cd_get(o, CKA_VALUE);
            if (v && v->kind == DT_CD_OCTAL) {
                uint8_t h[32];
                dt_sha256(dt_slice_make(v->value, v->len), h);
                if (dt_dmap_first(&M->cert_by_der, h) == DT_DMAP_END)
                    DT_TRY(dt_dmap_add(&M->cert_by_der, h, (uint32_t)i));
            }
        }
    }
out:
    return rc;
}

static const struct dt_cd_object *find(const struct merger *M, const struct dt_dmap *m,
                                       const uint8_t key[32])
{
    uint32_t at = dt_dmap_first(m, key);
    return at == DT_DMAP_END ? NULL : &M->f.objs[dt_dmap_value(m, at)];
}

/* Drops the blank line every part starts with (the upstream blank line
 * before a replaced block stays). */
static void drop_leading_newline(struct dt_buf *b)
{
    if (b->len && b->data[0] == '\n') {
        memmove(b->data, b->data + 1, b->len - 1);
        b->len--;
    }
}

static enum dt_err merge_item(struct merger *M, const struct dt_item *it)
{
    enum dt_err rc = DT_OK;
    struct dt_buf cert_part, trust_part, obj, have;
    dt_buf_init(&cert_part, 0);
    dt_buf_init(&trust_part, 0);
    dt_buf_init(&obj, 0);
    dt_buf_init(&have, 0);
    DT_TRY(dt_certdata_item_text(it, &cert_part, &trust_part, &obj));
    uint8_t key[32];
    dt_issuer_serial_key(it->issuer, it->serial, key);
    const struct dt_cd_object *t = find(M, &M->trust_by_key, key);
    bool need_cert = it->shape == DT_SHAPE_CERT_TRUST && !find(M, &M->cert_by_key, key);
    if (t) {
        DT_TRY(object_text(M, t, &have));
        if (have.len == obj.len && !memcmp(have.data, obj.data, obj.len)) {
            M->st->unchanged++;
        } else {
            /* The policy changes this entry: the object and its comment
             * block make way for the build's. */
            struct dt_buf text;
            dt_buf_init(&text, 0);
            if (need_cert) {
                drop_leading_newline(&cert_part);
                rc = dt_buf_append(&text, cert_part.data, cert_part.len);
                M->st->cert_objects_added++;
                need_cert = false;
            } else {
                drop_leading_newline(&trust_part);
            }
            if (rc == DT_OK)
                rc = dt_buf_append(&text, trust_part.data, trust_part.len);
            if (rc == DT_OK)
                rc = add_edit(M, t->first_line, t->last_line, &text);
            dt_buf_free(&text);
            DT_TRY(rc);
            M->st->replaced++;
            struct dt_place pl = {M->path, t->line, 0, NULL, NULL};
            dt_note(M->d, &pl, "the policy changes this trust object (%s %s): replaced",
                    it->rule->file->name, it->rule->json_path);
        }
        if (need_cert) {
            DT_TRY(dt_buf_append(&M->tail, cert_part.data, cert_part.len));
            M->st->cert_objects_added++;
        }
    } else {
        if (need_cert) {
            DT_TRY(dt_buf_append(&M->tail, cert_part.data, cert_part.len));
            M->st->cert_objects_added++;
        }
        DT_TRY(dt_buf_append(&M->tail, trust_part.data, trust_part.len));
        M->st->added++;
    }
out:
    dt_buf_free(&cert_part);
    dt_buf_free(&trust_part);
    dt_buf_free(&obj);
    dt_buf_free(&have);
    return rc;
}

/* Sets one distrust-after attribute of an upstream certificate object:
 * utc is the 13-byte value, or NULL to make sure the attribute exists
 * (CK_FALSE when absent: NSS reads a date only when both are there). */
static enum dt_err set_after(struct merger *M, const struct dt_cd_object *o, unsigned long type,
                             const char *name, const char *what, const char *utc, int64_t t,
                             bool *changed)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text;
    dt_buf_init(&text, 0);
    const struct dt_cd_attr *a = dt_cd_get(o, type);
    char comment[96], ct[32];
    if (utc) {
        dt_time_format_ctime(t, ct);
        snprintf(comment, sizeof(comment), "# For %s Distrust After: %s", what, ct);
    }
    if (a && !utc)
        goto out; /* present; not ours to change */
    if (a && a->kind == DT_CD_OCTAL && a->len == 13 && !memcmp(a->value, utc, 13))
        goto out; /* already set */
    DT_TRY(dt_certdata_after_attr(&text, name, utc, utc ? comment : NULL));
    if (a) {
        unsigned from = a->line;
        struct dt_slice prev = line_text(M, a->line - 1);
        if (a->line > o->line + 1 && prev.n > 6 && !memcmp(prev.p, "# For ", 6))
            from--; /* its comment line goes too */
        DT_TRY(add_edit(M, from, a->end_line, &text));
    } else {
        DT_TRY(add_edit(M, o->last_line + 1, o->last_line, &text));
    }
    *changed = true;
out:
    dt_buf_free(&text);
    return rc;
}

static enum dt_err merge_after(struct merger *M, const struct dt_after *a)
{
    enum dt_err rc = DT_OK;
    uint8_t h[32];
    dt_sha256(dt_slice_make(a->cert->der, a->cert->der_len), h);
    const struct dt_cd_object *o = find(M, &M->cert_by_der, h);
    struct dt_where w;
    dt_policy_where(a->rule->file, &w, false, "%s", a->rule->json_path);
    if (!o) {
        char *n = dt_name_text(a->cert->info.subject);
        dt_report(M->d, DT_ERROR, &w.pl,
                  "the root \"%s\" (SHA-256 of the certificate %02X%02X%02X...) is not in %s: a "
                  "distrust-after date is set on the upstream certificate object of the root, "
                  "matched by DER",
                  n ? n : "?", h[0], h[1], h[2], M->path);
        free(n);
        goto out;
    }
    char su[14], eu[14];
    if (a->has_server)
        DT_ENSURE(dt_time_to_utctime(a->server, su), DT_ERR_INTERNAL);
    if (a->has_email)
        DT_ENSURE(dt_time_to_utctime(a->email, eu), DT_ERR_INTERNAL);
    bool changed = false;
    DT_TRY(set_after(M, o, CKA_NSS_SERVER_DISTRUST_AFTER, "CKA_NSS_SERVER_DISTRUST_AFTER", "Server",
                     a->has_server ? su : NULL, a->server, &changed));
    DT_TRY(set_after(M, o, CKA_NSS_EMAIL_DISTRUST_AFTER, "CKA_NSS_EMAIL_DISTRUST_AFTER", "Email",
                     a->has_email ? eu : NULL, a->email, &changed));
    if (changed)
        M->st->afters_set++;
    else
        M->st->afters_unchanged++;
    bool ca_policy = false;
    if (!dt_cd_get_bool(o, CKA_NSS_MOZILLA_CA_POLICY, &ca_policy) || !ca_policy) {
        struct dt_place pl = {M->path, o->line, 0, NULL, NULL};
        dt_warn(M->d, &pl,
                "the root a distrust-after date is set on (%s %s) has no "
                "CKA_NSS_MOZILLA_CA_POLICY CK_TRUE: Firefox applies the date only to roots "
                "that have it",
                a->rule->file->name, a->rule->json_path);
    }
out:
    return rc;
}

enum dt_err dt_certdata_merge(const struct dt_model *m, const char *policy_sha256_hex,
                              const char *upstream_path, struct dt_slice upstream,
                              struct dt_buf *out, struct dt_merge_stats *st, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct merger M;
    memset(&M, 0, sizeof(M));
    memset(st, 0, sizeof(*st));
    M.path = upstream_path;
    M.up = upstream;
    M.d = d;
    M.st = st;
    dt_dmap_init(&M.trust_by_key);
    dt_dmap_init(&M.cert_by_key);
    dt_dmap_init(&M.cert_by_der);
    dt_buf_init(&M.tail, 0);
    const struct dt_item **order = NULL;
    size_t errors0 = d->errors;
    DT_TRY(dt_cd_parse(upstream_path, upstream, &M.f, d));
    if (!M.f.has_begindata) {
        struct dt_place pl = dt_place_file(upstream_path);
        rc = dt_fail(d, &pl, DT_ERR_INPUT,
                     "no BEGINDATA line: not an NSS certdata.txt to merge into");
        goto out;
    }
    DT_TRY(split_lines(&M));
    DT_TRY(index_upstream(&M));
    size_t n = 0;
    order = dt_items_in_policy_order(m, DT_TARGET_NSS, &n);
    DT_ENSURE_MEM(order);
    for (size_t i = 0; i < n; i++)
        DT_TRY(merge_item(&M, order[i]));
    for (size_t i = 0; i < m->n_afters; i++)
        if (m->afters[i].rule->targets & DT_TARGET_NSS)
            DT_TRY(merge_after(&M, &m->afters[i]));
    if (d->errors > errors0) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    /* Apply the edits in line order. */
    if (M.n_edits > 1)
        qsort(M.edits, M.n_edits, sizeof(*M.edits), cmp_edit);
    unsigned next = 1; /* the first upstream line not yet copied */
    for (size_t i = 0; i < M.n_edits; i++) {
        const struct edit *e = &M.edits[i];
        DT_ENSURE(e->from >= next, DT_ERR_INTERNAL); /* edits never overlap */
        DT_TRY(dt_buf_append(out, M.up.p + M.line_off[next - 1],
                             M.line_off[e->from - 1] - M.line_off[next - 1]));
        if (out->len && out->data[out->len - 1] != '\n') /* upstream's last line had none */
            DT_TRY(dt_buf_putc(out, '\n'));
        DT_TRY(dt_buf_append(out, e->text.data, e->text.len));
        next = e->to + 1;
    }
    DT_TRY(dt_buf_append(out, M.up.p + M.line_off[next - 1], M.up.n - M.line_off[next - 1]));
    if (M.tail.len) {
        if (out->len && out->data[out->len - 1] != '\n')
            DT_TRY(dt_buf_putc(out, '\n'));
        DT_TRY(dt_buf_printf(out,
                             "\n#\n# Distrust objects added by distrust %s from a policy with "
                             "SHA-256\n# %s.\n#\n",
                             DT_VERSION, policy_sha256_hex));
        DT_TRY(dt_buf_append(out, M.tail.data, M.tail.len));
    }
out:
    for (size_t i = 0; i < M.n_edits; i++)
        dt_buf_free(&M.edits[i].text);
    free(M.edits);
    free(M.line_off);
    free(order);
    dt_buf_free(&M.tail);
    dt_dmap_free(&M.trust_by_key);
    dt_dmap_free(&M.cert_by_key);
    dt_dmap_free(&M.cert_by_der);
    dt_cd_file_free(&M.f);
    return rc;
}
