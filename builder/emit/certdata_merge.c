/*
 * merge.c - upstream certdata.txt with a policy applied (build --certdata).
 *
 * The merge edits the upstream text, nothing else, and never loosens a
 * distrust upstream holds unless the entry says "relax_upstream": true.
 *
 * - A distrust of some purposes over upstream's trust object of the same
 *   issuer and serial sets those purposes' CKA_TRUST_* lines to
 *   CKT_NSS_NOT_TRUSTED (adding a missing one where nss-addbuiltin writes
 *   it); hashes, label, the other purposes, step-up and comments stay byte
 *   for byte. A purpose upstream distrusts and the entry does not list keeps
 *   its distrust (relax_upstream drops it, with a warning).
 * - A distrust of every purpose replaces upstream's trust object with the
 *   build's (as NSS ships its own distrusts) when that only adds to what
 *   upstream distrusts; when the build's object would cover less (hashed
 *   where upstream's is hash-free, or no client-auth where upstream
 *   distrusts it), upstream's object is edited in place instead. Hashes of
 *   another certificate with the same issuer and serial are never replaced
 *   nor kept for the entry's certificate: that is an error.
 * - An object that already distrusts what the entry says is left alone.
 * - A new distrust is appended, with its certificate object for the
 *   certificate+trust shape.
 * - A distrust-after date is set on the upstream certificate object of the
 *   named root (matched by DER): where upstream has none, or earlier than
 *   upstream's (a note); a later date than upstream's is an error unless the
 *   entry says relax_upstream (then a warning). A root upstream does not
 *   hold is an error.
 *
 * Every other byte stays as it was, so merging the result again changes
 * nothing.
 */
#include "certdata_merge.h"

#include "cdparse.h"
#include "certdata.h"
#include "common.h"
#include "der.h"
#include "dmap.h"
#include "nssname.h"
#include "policy.h"
#include "pool.h"
#include "time.h"
#include "version.h"
#include "nssobj.h"

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
    bool *relaxed; /* per rule ordinal: its relax_upstream loosened something */
    size_t n_rules;
};

static enum dt_err add_edit(struct merger *M, unsigned from, unsigned to, struct dt_buf *text)
{
    enum dt_err rc = dt_mem_grow((void **)&M->edits, &M->cap_edits, M->n_edits + 1, sizeof(*M->edits));
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
    /* At one line, insertions before it go first. */
    bool xi = x->to < x->from, yi = y->to < y->from;
    if (xi != yi)
        return xi ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static enum dt_err split_lines(struct merger *M)
{
    size_t n = 0;
    for (size_t i = 0; i < M->up.n; i++)
        n += M->up.p[i] == '\n';
    n += M->up.n && M->up.p[M->up.n - 1] != '\n';
    M->line_off = dt_mem_calloc(n + 2, sizeof(*M->line_off));
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

/* The issuer and serial key of an object into key; *has is false when it
 * has no issuer and serial. */
static enum dt_err key_of(const struct dt_cd_object *o, bool *has, uint8_t key[32])
{
    const struct dt_cd_attr *ia = dt_cdparse_get(o, CKA_ISSUER), *sa = dt_cdparse_get(o, CKA_SERIAL_NUMBER);
    struct dt_tlv t;
    *has = ia && sa && ia->kind == DT_CD_OCTAL && sa->kind == DT_CD_OCTAL &&
           !dt_der_read_one(dt_slice_make(sa->value, sa->len), DT_TAG_INTEGER, &t);
    return *has ? dt_idkey_issuer_serial(dt_slice_make(ia->value, ia->len), t.val, key) : DT_OK;
}

static enum dt_err index_upstream(struct merger *M)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < M->f.n_objs; i++) {
        const struct dt_cd_object *o = &M->f.objs[i];
        uint8_t key[32];
        bool has;
        if (o->klass == CKO_NSS_TRUST) {
            DT_TRY(key_of(o, &has, key));
            if (has && dt_dmap_first(&M->trust_by_key, key) == DT_DMAP_END)
                DT_TRY(dt_dmap_add(&M->trust_by_key, key, (uint32_t)i));
        } else if (o->klass == CKO_CERTIFICATE) {
            DT_TRY(key_of(o, &has, key));
            if (has && dt_dmap_first(&M->cert_by_key, key) == DT_DMAP_END)
                DT_TRY(dt_dmap_add(&M->cert_by_key, key, (uint32_t)i));
            const struct dt_cd_attr *v = dt_cdparse_get(o, CKA_VALUE);
            if (v && v->kind == DT_CD_OCTAL) {
                uint8_t h[32];
                DT_TRY(dt_digest_sha256(dt_slice_make(v->value, v->len), h));
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

/* The purposes a policy names, with their trust attributes, in the order
 * nss-addbuiltin writes them (CKA_TRUST_STEP_UP_APPROVED follows). */
static const struct {
    unsigned bit;
    unsigned long type;
    const char *name;
} purpose_attrs[3] = {
    {DT_PURPOSE_SERVER, CKA_TRUST_SERVER_AUTH, "CKA_TRUST_SERVER_AUTH"},
    {DT_PURPOSE_EMAIL, CKA_TRUST_EMAIL_PROTECTION, "CKA_TRUST_EMAIL_PROTECTION"},
    {DT_PURPOSE_CODE, CKA_TRUST_CODE_SIGNING, "CKA_TRUST_CODE_SIGNING"},
};

/* What an upstream trust object says. */
struct upstream_trust {
    const struct dt_cd_attr *attr[3]; /* purpose_attrs' attributes, or NULL */
    unsigned distrusted;              /* purposes it has CKT_NSS_NOT_TRUSTED for */
    const struct dt_cd_attr *sha1;    /* CKA_CERT_SHA1_HASH, or NULL (hash-free) */
    const struct dt_cd_attr *client;  /* CKA_TRUST_CLIENT_AUTH when CKT_NSS_NOT_TRUSTED */
};

static void read_upstream_trust(const struct dt_cd_object *t, struct upstream_trust *u)
{
    memset(u, 0, sizeof(*u));
    unsigned long v;
    for (int k = 0; k < 3; k++) {
        u->attr[k] = dt_cdparse_get(t, purpose_attrs[k].type);
        if (dt_cdparse_get_ulong(t, purpose_attrs[k].type, &v) && v == CKT_NSS_NOT_TRUSTED)
            u->distrusted |= purpose_attrs[k].bit;
    }
    u->sha1 = dt_cdparse_get(t, CKA_CERT_SHA1_HASH);
    if (dt_cdparse_get_ulong(t, CKA_TRUST_CLIENT_AUTH, &v) && v == CKT_NSS_NOT_TRUSTED)
        u->client = dt_cdparse_get(t, CKA_TRUST_CLIENT_AUTH);
}

/* "server-auth, code-signing" */
static void purposes_text(unsigned bits, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int k = 0; k < 3; k++)
        if (bits & purpose_attrs[k].bit) {
            int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "",
                             dt_policy_purpose_name(purpose_attrs[k].bit));
            if (w < 0 || (size_t)w >= cap - n)
                return;
            n += (size_t)w;
        }
}

/* Records that the rule's relax_upstream loosened something. */
static void relaxed_by(struct merger *M, const struct dt_rule *r)
{
    if (M->relaxed && r->ordinal < M->n_rules)
        M->relaxed[r->ordinal] = true;
}

/* The place of the entry's member key (relax_upstream, a date), for
 * messages about what the merge does to upstream. */
static void entry_where(const struct dt_rule *r, const char *key, struct dt_where *w)
{
    dt_policy_where(r->file, w, false, "%s/%s", r->json_path, key);
}

/* Edits upstream trust object t in place: the purposes in set become
 * CKT_NSS_NOT_TRUSTED (an absent attribute is added where nss-addbuiltin
 * writes it), the attributes of the purposes in drop are removed. Every
 * other line stays as it is. */
static enum dt_err edit_in_place(struct merger *M, const struct dt_cd_object *t,
                                 const struct upstream_trust *u, unsigned set, unsigned drop)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text;
    dt_buf_init(&text, 0);
    for (int k = 0; k < 3; k++) {
        const struct dt_cd_attr *a = u->attr[k];
        if (set & purpose_attrs[k].bit) {
            DT_TRY(
                dt_buf_printf(&text, "%s CK_TRUST CKT_NSS_NOT_TRUSTED\n", purpose_attrs[k].name));
            if (a) {
                DT_TRY(add_edit(M, a->line, a->end_line, &text));
                continue;
            }
            /* Before the first attribute that follows it in nss-addbuiltin's
             * order, else after the object. */
            unsigned at = 0;
            for (int j = k + 1; j <= 3; j++) {
                const struct dt_cd_attr *b =
                    j < 3 ? u->attr[j] : dt_cdparse_get(t, CKA_TRUST_STEP_UP_APPROVED);
                if (b && (!at || b->line < at))
                    at = b->line;
            }
            if (!at)
                at = t->last_line + 1;
            DT_TRY(add_edit(M, at, at - 1, &text));
        } else if ((drop & purpose_attrs[k].bit) && a) {
            DT_TRY(add_edit(M, a->line, a->end_line, &text)); /* empty: the line goes */
        }
    }
out:
    dt_buf_free(&text);
    return rc;
}

/* The build's object (trust_part, with its comment block, or cert_part +
 * trust_part when the certificate object is needed) replaces upstream's
 * trust object t and its comment block. */
static enum dt_err replace_object(struct merger *M, const struct dt_cd_object *t,
                                  struct dt_buf *cert_part, struct dt_buf *trust_part,
                                  bool *need_cert)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text;
    dt_buf_init(&text, 0);
    if (*need_cert) {
        drop_leading_newline(cert_part);
        DT_TRY(dt_buf_append(&text, cert_part->data, cert_part->len));
        M->st->cert_objects_added++;
        *need_cert = false;
    } else {
        drop_leading_newline(trust_part);
    }
    DT_TRY(dt_buf_append(&text, trust_part->data, trust_part->len));
    DT_TRY(add_edit(M, t->first_line, t->last_line, &text));
out:
    dt_buf_free(&text);
    return rc;
}

/* An entry of every purpose over upstream's trust object t. The build's
 * object replaces upstream's when that adds to upstream's distrust and
 * takes none of it away; when it would take some away (upstream's object is
 * hash-free, covering every certificate with this issuer and serial, and the
 * entry's is hashed; or upstream also distrusts client authentication),
 * upstream's object is edited in place instead, unless the entry says
 * relax_upstream. */
static enum dt_err merge_full(struct merger *M, const struct dt_item *it,
                              const struct dt_cd_object *t, const struct upstream_trust *u,
                              struct dt_buf *cert_part, struct dt_buf *trust_part, bool *need_cert)
{
    enum dt_err rc = DT_OK;
    const struct dt_rule *r = it->rule;
    bool build_hashed = it->shape != DT_SHAPE_TRUST;
    unsigned missing = DT_PURPOSE_ALL & ~u->distrusted;
    bool wider = !build_hashed && u->sha1;                     /* the build covers more */
    bool narrower = build_hashed && !u->sha1 && u->distrusted; /* ... or less */
    bool loses = narrower || u->client;
    struct dt_place up = {M->path, t->line, 0, NULL, NULL};
    if (!missing && !wider && !(r->relax_upstream && loses)) {
        M->st->unchanged++;
        if (narrower)
            dt_diag_note(M->d, &up,
                    "upstream's hash-free distrust object already covers every certificate "
                    "with this issuer and serial: kept (%s %s asks for a hashed object, which "
                    "would cover this certificate only; relax_upstream: true would write it)",
                    r->file->name, r->json_path);
        goto out;
    }
    if (loses && !r->relax_upstream) {
        /* Union: the entry's purposes distrusted, upstream's scope kept. */
        DT_TRY(edit_in_place(M, t, u, missing, 0));
        if (missing)
            M->st->edited++;
        else
            M->st->unchanged++;
        dt_diag_note(M->d, &up,
                "%s %s distrusts every purpose, but its object would lose %s: upstream's "
                "object %s (relax_upstream: true on the entry would replace it)",
                r->file->name, r->json_path,
                narrower ? "what upstream's hash-free object covers (every certificate with "
                           "this issuer and serial)"
                         : "upstream's CKA_TRUST_CLIENT_AUTH CKT_NSS_NOT_TRUSTED",
                missing ? "is edited in place instead" : "is kept");
        goto out;
    }
    DT_TRY(replace_object(M, t, cert_part, trust_part, need_cert));
    M->st->replaced++;
    dt_diag_note(M->d, &up, "the policy changes this trust object (%s %s): replaced", r->file->name,
            r->json_path);
    if (loses) {
        struct dt_where w;
        entry_where(r, "relax_upstream", &w);
        if (narrower)
            dt_diag_warn(M->d, &w.pl,
                    "relax_upstream: upstream's hash-free distrust object (%s:%u) covered "
                    "every certificate with this issuer and serial; the entry's hashed object "
                    "that replaces it covers only the entry's certificate",
                    M->path, t->line);
        if (u->client)
            dt_diag_warn(M->d, &w.pl,
                    "relax_upstream: upstream's distrust for client-auth (%s:%u, "
                    "CKA_TRUST_CLIENT_AUTH CKT_NSS_NOT_TRUSTED) is dropped with the object "
                    "the entry's replaces",
                    M->path, u->client->line);
        M->st->relaxed++;
        relaxed_by(M, r);
    }
out:
    return rc;
}

/* An entry of some purposes over upstream's trust object t: only the
 * CKA_TRUST_* lines of those purposes change. A purpose upstream distrusts
 * that the entry does not list keeps its distrust, unless the entry says
 * relax_upstream. */
static enum dt_err merge_partial(struct merger *M, const struct dt_item *it,
                                 const struct dt_cd_object *t, const struct upstream_trust *u)
{
    enum dt_err rc = DT_OK;
    const struct dt_rule *r = it->rule;
    unsigned missing = it->purposes & ~u->distrusted;
    unsigned extra = u->distrusted & ~it->purposes;
    unsigned drop = r->relax_upstream ? extra : 0;
    struct dt_place up = {M->path, t->line, 0, NULL, NULL};
    char names[96];
    if (missing || drop) {
        DT_TRY(edit_in_place(M, t, u, missing, drop));
        M->st->edited++;
        purposes_text(missing, names, sizeof(names));
        if (missing)
            dt_diag_note(M->d, &up,
                    "the policy (%s %s) distrusts this certificate for %s: those trust "
                    "attributes set to CKT_NSS_NOT_TRUSTED, the rest of the object kept",
                    r->file->name, r->json_path, names);
    } else {
        M->st->unchanged++;
    }
    if (drop) {
        struct dt_where w;
        entry_where(r, "relax_upstream", &w);
        purposes_text(it->purposes, names, sizeof(names));
        for (int k = 0; k < 3; k++)
            if (drop & purpose_attrs[k].bit)
                dt_diag_warn(M->d, &w.pl,
                        "relax_upstream: upstream's distrust of this certificate for %s "
                        "(%s:%u, %s CKT_NSS_NOT_TRUSTED) is dropped: the entry distrusts %s "
                        "only",
                        dt_policy_purpose_name(purpose_attrs[k].bit), M->path, u->attr[k]->line,
                        purpose_attrs[k].name, names);
        M->st->relaxed++;
        relaxed_by(M, r);
    } else if (extra) {
        purposes_text(extra, names, sizeof(names));
        dt_diag_note(M->d, &up,
                "upstream also distrusts this certificate for %s, which %s %s does not list: "
                "kept (relax_upstream: true on the entry would drop it)",
                names, r->file->name, r->json_path);
    }
out:
    return rc;
}

static void hex_prefix(const uint8_t *p, size_t n, char out[16])
{
    snprintf(out, 16, "%02X:%02X:%02X:%02X", n > 0 ? p[0] : 0, n > 1 ? p[1] : 0, n > 2 ? p[2] : 0,
             n > 3 ? p[3] : 0);
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
    DT_TRY(dt_idkey_issuer_serial(it->issuer, it->serial, key));
    const struct dt_cd_object *t = find(M, &M->trust_by_key, key);
    bool need_cert = it->shape == DT_SHAPE_CERT_TRUST && !find(M, &M->cert_by_key, key);
    if (!t) {
        if (need_cert) {
            DT_TRY(dt_buf_append(&M->tail, cert_part.data, cert_part.len));
            M->st->cert_objects_added++;
        }
        DT_TRY(dt_buf_append(&M->tail, trust_part.data, trust_part.len));
        M->st->added++;
        goto out;
    }
    DT_TRY(object_text(M, t, &have));
    if (have.len == obj.len && !memcmp(have.data, obj.data, obj.len)) {
        M->st->unchanged++;
        goto cert;
    }
    struct upstream_trust u;
    read_upstream_trust(t, &u);
    bool all = it->purposes == DT_PURPOSE_ALL;
    if (it->cert && u.sha1 &&
        (u.sha1->len != 20 || memcmp(u.sha1->value, it->cert->sha1, 20) != 0) &&
        !(all && it->shape == DT_SHAPE_TRUST)) {
        /* Upstream's object is for another certificate with this issuer and
         * serial: editing it would distrust that one, and hashes of the
         * entry's certificate would make NSS drop all trust of it. Only a
         * hash-free distrust of every purpose covers both. */
        char a[16], b[16];
        hex_prefix(u.sha1->value, u.sha1->len, a);
        hex_prefix(it->cert->sha1, 20, b);
        struct dt_where w;
        dt_policy_where(it->rule->file, &w, false, "%s", it->rule->json_path);
        dt_diag_report(M->d, DT_ERROR, &w.pl,
                  "upstream's trust object for this issuer and serial (%s:%u) carries the "
                  "hashes of another certificate (SHA-1 %s...) than the entry's (SHA-1 "
                  "%s...): editing it would distrust that certificate instead, and the "
                  "entry's hashes would make NSS drop all trust of it; a hash-free distrust "
                  "of every purpose (nss_object \"trust\") covers both",
                  M->path, t->line, a, b);
        goto out;
    }
    if (all)
        DT_TRY(merge_full(M, it, t, &u, &cert_part, &trust_part, &need_cert));
    else
        DT_TRY(merge_partial(M, it, t, &u));
cert:
    if (need_cert) {
        DT_TRY(dt_buf_append(&M->tail, cert_part.data, cert_part.len));
        M->st->cert_objects_added++;
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
                             const char *name, const char *what, const char *utc, int64_t t)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text;
    dt_buf_init(&text, 0);
    const struct dt_cd_attr *a = dt_cdparse_get(o, type);
    char comment[96], ct[32];
    if (utc) {
        dt_time_format_ctime(t, ct);
        snprintf(comment, sizeof(comment), "# For %s Distrust After: %s", what, ct);
    }
    if (a && !utc)
        goto out; /* present; not ours to change */
    DT_TRY(dt_nssobj_after_attr(&text, name, utc, utc ? comment : NULL));
    if (a) {
        unsigned from = a->line;
        struct dt_slice prev = line_text(M, a->line - 1);
        if (a->line > o->line + 1 && prev.n > 6 && !memcmp(prev.p, "# For ", 6))
            from--; /* its comment line goes too */
        DT_TRY(add_edit(M, from, a->end_line, &text));
    } else {
        DT_TRY(add_edit(M, o->last_line + 1, o->last_line, &text));
    }
out:
    dt_buf_free(&text);
    return rc;
}

/* The date a distrust-after attribute holds, as NSS reads it: exactly 13
 * bytes of UTCTime (anything else, CK_FALSE included, is no date). */
static bool upstream_date(const struct dt_cd_attr *a, int64_t *t)
{
    if (!a || a->kind != DT_CD_OCTAL || a->len != 13)
        return false;
    uint8_t tlv[15] = {0x17, 13};
    memcpy(tlv + 2, a->value, 13);
    return dt_der_time(dt_slice_make(tlv, sizeof(tlv)), t) == NULL;
}

/* One of a root's dates (k: 0 server, 1 email) against upstream's: set
 * where upstream has none, left alone when equal, moved earlier with a
 * note, moved later only with relax_upstream (else an error). */
static enum dt_err merge_date(struct merger *M, const struct dt_after *a,
                              const struct dt_cd_object *o, int k)
{
    static const unsigned long types[2] = {CKA_NSS_SERVER_DISTRUST_AFTER,
                                           CKA_NSS_EMAIL_DISTRUST_AFTER};
    static const char *const names[2] = {"CKA_NSS_SERVER_DISTRUST_AFTER",
                                         "CKA_NSS_EMAIL_DISTRUST_AFTER"};
    static const char *const whats[2] = {"Server", "Email"};
    static const char *const keys[2] = {"server_distrust_after", "email_distrust_after"};
    enum dt_err rc = DT_OK;
    bool has = k ? a->has_email : a->has_server;
    int64_t want = k ? a->email : a->server;
    const struct dt_rule *r = a->date_rule[k] ? a->date_rule[k] : a->rule;
    if (!has) {
        DT_TRY(set_after(M, o, types[k], names[k], whats[k], NULL, 0));
        goto out;
    }
    char utc[14], was_s[32], want_s[32];
    DT_ENSURE(dt_time_to_utctime(want, utc), DT_ERR_INTERNAL);
    const struct dt_cd_attr *ua = dt_cdparse_get(o, types[k]);
    int64_t was;
    if (!upstream_date(ua, &was)) {
        DT_TRY(set_after(M, o, types[k], names[k], whats[k], utc, want));
        M->st->afters_set++;
        goto out;
    }
    if (was == want) {
        M->st->afters_unchanged++;
        goto out;
    }
    dt_time_format_rfc3339(was, was_s);
    dt_time_format_rfc3339(want, want_s);
    struct dt_where w;
    entry_where(r, keys[k], &w);
    if (want < was) {
        struct dt_place up = {M->path, ua->line, 0, NULL, NULL};
        DT_TRY(set_after(M, o, types[k], names[k], whats[k], utc, want));
        M->st->afters_tightened++;
        dt_diag_note(M->d, &up,
                "the policy (%s %s) moves this root's %s earlier, from %s to %s: leaves "
                "issued in between are distrusted too",
                r->file->name, r->json_path, names[k], was_s, want_s);
    } else if (!r->relax_upstream) {
        dt_diag_report(M->d, DT_ERROR, &w.pl,
                  "%s %s is later than the %s upstream gives this root (%s, %s:%u): merging it "
                  "would trust again the leaves issued in between; a merge never relaxes an "
                  "upstream distrust unless the entry says \"relax_upstream\": true",
                  keys[k], want_s, names[k], was_s, M->path, ua->line);
    } else {
        DT_TRY(set_after(M, o, types[k], names[k], whats[k], utc, want));
        M->st->afters_relaxed++;
        relaxed_by(M, r);
        dt_diag_warn(M->d, &w.pl,
                "relax_upstream: %s %s replaces the earlier %s upstream gives this root (%s, "
                "%s:%u): leaves issued in between are trusted again",
                keys[k], want_s, names[k], was_s, M->path, ua->line);
    }
out:
    return rc;
}

static enum dt_err merge_after(struct merger *M, const struct dt_after *a)
{
    enum dt_err rc = DT_OK;
    uint8_t h[32];
    DT_TRY(dt_digest_sha256(dt_slice_make(a->cert->der, a->cert->der_len), h));
    const struct dt_cd_object *o = find(M, &M->cert_by_der, h);
    struct dt_where w;
    dt_policy_where(a->rule->file, &w, false, "%s", a->rule->json_path);
    if (!o) {
        char *n = dt_nssname_text(a->cert->info.subject);
        dt_diag_report(M->d, DT_ERROR, &w.pl,
                  "the root \"%s\" (SHA-256 of the certificate %02X%02X%02X...) is not in %s: a "
                  "distrust-after date is set on the upstream certificate object of the root, "
                  "matched by DER",
                  n ? n : "?", h[0], h[1], h[2], M->path);
        free(n);
        goto out;
    }
    DT_TRY(merge_date(M, a, o, 0));
    DT_TRY(merge_date(M, a, o, 1));
    bool ca_policy = false;
    if (!dt_cdparse_get_bool(o, CKA_NSS_MOZILLA_CA_POLICY, &ca_policy) || !ca_policy) {
        struct dt_place pl = {M->path, o->line, 0, NULL, NULL};
        dt_diag_warn(M->d, &pl,
                "the root a distrust-after date is set on (%s %s) has no "
                "CKA_NSS_MOZILLA_CA_POLICY CK_TRUE: Firefox applies the date only to roots "
                "that have it",
                a->rule->file->name, a->rule->json_path);
    }
out:
    return rc;
}

enum dt_err dt_certdata_merge(const struct dt_model *m, const struct dt_policy *p,
                              const char *policy_sha256_hex, const char *upstream_path,
                              struct dt_slice upstream, struct dt_buf *out,
                              struct dt_merge_stats *st, struct dt_diags *d)
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
    DT_TRY(dt_cdparse_mem(upstream_path, upstream, &M.f, d));
    if (!M.f.has_begindata) {
        struct dt_place pl = dt_diag_place_file(upstream_path);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                     "no BEGINDATA line: not an NSS certdata.txt to merge into");
        goto out;
    }
    DT_TRY(split_lines(&M));
    DT_TRY(index_upstream(&M));
    if (p && p->n_rules) {
        M.relaxed = dt_mem_calloc(p->n_rules, sizeof(*M.relaxed));
        DT_ENSURE_MEM(M.relaxed);
        M.n_rules = p->n_rules;
    }
    size_t n = 0;
    order = dt_model_items_in_policy_order(m, DT_TARGET_NSS, &n);
    DT_ENSURE_MEM(order);
    for (size_t i = 0; i < n; i++)
        DT_TRY(merge_item(&M, order[i]));
    for (size_t i = 0; i < m->n_afters; i++)
        if (m->afters[i].rule->targets & DT_TARGET_NSS)
            DT_TRY(merge_after(&M, &m->afters[i]));
    for (size_t i = 0; i < M.n_rules; i++) {
        const struct dt_rule *r = &p->rules[i];
        if (!r->relax_upstream || !(r->targets & DT_TARGET_NSS) ||
            (r->ordinal < M.n_rules && M.relaxed[r->ordinal]))
            continue;
        struct dt_where w;
        entry_where(r, "relax_upstream", &w);
        dt_diag_warn(d, &w.pl,
                "relax_upstream has no effect: this entry loosens no distrust that %s holds",
                upstream_path);
    }
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
    free(M.relaxed);
    free(M.line_off);
    free(order);
    dt_buf_free(&M.tail);
    dt_dmap_free(&M.trust_by_key);
    dt_dmap_free(&M.cert_by_key);
    dt_dmap_free(&M.cert_by_der);
    dt_cdparse_free(&M.f);
    return rc;
}
