/*
 * incident.c - revocation deadlines: incident serials against the CRLs of
 * their issuer (incident.h).
 */
#include "incident.h"

#include "der.h"
#include "file.h"
#include "nssname.h"
#include "crl.h"
#include "serials.h"
#include "time.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *dt_incident_class_name(enum dt_inc_class c)
{
    switch (c) {
    case DT_INC_ON_TIME:
        return "revoked on time";
    case DT_INC_LATE:
        return "revoked late";
    case DT_INC_UNREVOKED:
    default:
        return "not revoked";
    }
}

/* Reports at the rule's key (JSON pointer below the entry). */
static void at_rule(struct dt_diags *d, enum dt_severity sev, const struct dt_rule *r,
                    const char *key, const char *fmt, ...) DT_PRINTF(5, 6);
static void at_rule(struct dt_diags *d, enum dt_severity sev, const struct dt_rule *r,
                    const char *key, const char *fmt, ...)
{
    struct dt_where w;
    dt_policy_where(r->file, &w, false, "%s/%s", r->json_path, key);
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(d, sev, &w.pl, fmt, ap);
    va_end(ap);
}

/* One revocation a CRL lists. */
struct rev {
    struct dt_slice serial; /* in the arena */
    int64_t at;
    bool hold;  /* certificateHold / removeFromCRL: suspended, not revoked */
    bool stale; /* from a CRL that is not current */
};

static int cmp_rev(const void *x, const void *y)
{
    const struct rev *a = x, *b = y;
    if (a->serial.n != b->serial.n)
        return a->serial.n < b->serial.n ? -1 : 1;
    return memcmp(a->serial.p, b->serial.p, a->serial.n);
}

struct revs {
    struct rev *v;
    size_t n, cap;
};

/* Checks one CRL against the issuer, records it, adds its revocations. */
static enum dt_err take_crl(struct dt_incident_eval *e, const struct dt_rule *r, size_t ci,
                            X509_CRL *crl, X509 *issuer, struct revs *rv, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_crl_info *info = &e->crls[ci];
    char key[32];
    snprintf(key, sizeof(key), "crl/%zu", ci);
    const char *path = r->crls[ci];
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) {
        char name[256];
        X509_NAME_oneline(X509_CRL_get_issuer(crl), name, sizeof(name));
        at_rule(d, DT_ERROR, r, key,
                "%s is a CRL of another issuer (%s), not of the incident's issuer: it says "
                "nothing about these serials",
                path, name);
        return DT_ERR_INPUT;
    }
    EVP_PKEY *pk = X509_get0_pubkey(issuer);
    int v = pk ? X509_CRL_verify(crl, pk) : -1;
    ERR_clear_error();
    if (v != 1) {
        at_rule(d, DT_ERROR, r, key,
                "%s: the CRL's signature does not verify with the issuer certificate's key "
                "(signed by another key, or damaged); it is not evidence of revocation",
                path);
        return DT_ERR_INPUT;
    }
    uint32_t ku = X509_get_key_usage(issuer);
    if (ku != UINT32_MAX && !(ku & KU_CRL_SIGN)) {
        at_rule(d, DT_ERROR, r, key,
                "%s: the issuer certificate's key usage does not allow signing CRLs (no "
                "cRLSign)",
                path);
        return DT_ERR_INPUT;
    }
    int crit = 0;
    ASN1_INTEGER *delta = X509_CRL_get_ext_d2i(crl, NID_delta_crl, &crit, NULL);
    if (delta) {
        ASN1_INTEGER_free(delta);
        at_rule(d, DT_ERROR, r, key, "%s is a delta CRL; give the full CRLs the CA publishes",
                path);
        return DT_ERR_INPUT;
    }
    if (!dt_crl_time(X509_CRL_get0_lastUpdate(crl), &info->this_update)) {
        at_rule(d, DT_ERROR, r, key, "%s: a CRL without a readable thisUpdate", path);
        return DT_ERR_INPUT;
    }
    info->has_next = dt_crl_time(X509_CRL_get0_nextUpdate(crl), &info->next_update);
    ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
    if (num) {
        BIGNUM *bn = ASN1_INTEGER_to_BN(num, NULL);
        char *hex = bn ? BN_bn2hex(bn) : NULL;
        snprintf(info->number, sizeof(info->number), "%s", hex ? hex : "");
        OPENSSL_free(hex);
        BN_free(bn);
        ASN1_INTEGER_free(num);
    }
    info->not_yet = info->this_update > e->now;
    info->stale = info->has_next && info->next_update < e->now;
    bool current = !info->not_yet && !info->stale;
    STACK_OF(X509_REVOKED) *list = X509_CRL_get_REVOKED(crl);
    int n = list ? sk_X509_REVOKED_num(list) : 0;
    info->entries = (size_t)n;
    DT_TRY(dt_mem_grow((void **)&rv->v, &rv->cap, rv->n + (size_t)n, sizeof(*rv->v)));
    for (int i = 0; i < n; i++) {
        X509_REVOKED *x = sk_X509_REVOKED_value(list, i);
        uint8_t buf[80];
        struct dt_slice s;
        if (!dt_crl_serial(X509_REVOKED_get0_serialNumber(x), buf, sizeof(buf), &s))
            continue; /* a serial too long for any list: cannot match */
        struct rev re;
        memset(&re, 0, sizeof(re));
        void *copy = dt_arena_dup(&e->arena, s.p, s.n);
        DT_ENSURE_MEM(copy);
        re.serial = dt_slice_make(copy, s.n);
        if (!dt_crl_time(X509_REVOKED_get0_revocationDate(x), &re.at)) {
            at_rule(d, DT_ERROR, r, key, "%s: entry %d has no readable revocationDate", path,
                    i + 1);
            rc = DT_ERR_INPUT;
            goto out;
        }
        ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(x, NID_crl_reason, &crit, NULL);
        if (reason) {
            long rsn = ASN1_ENUMERATED_get(reason);
            re.hold = rsn == 6 || rsn == 8; /* certificateHold, removeFromCRL */
            ASN1_ENUMERATED_free(reason);
        }
        re.stale = !current;
        rv->v[rv->n++] = re;
    }
out:
    return rc;
}

/* A serial listed twice counts once (the first line); the list keeps its
 * order. */
static int cmp_serial_idx(const void *x, const void *y, void *ctx)
{
    const struct dt_inc_serial *v = ctx;
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    const struct dt_slice *sa = &v[a].serial, *sb = &v[b].serial;
    if (sa->n != sb->n)
        return sa->n < sb->n ? -1 : 1;
    int c = memcmp(sa->p, sb->p, sa->n);
    return c ? c : (a > b) - (a < b);
}

static enum dt_err drop_duplicates(struct dt_incident_eval *e, const struct dt_rule *r,
                                   struct dt_diags *d)
{
    size_t n = e->n_serials, dups = 0;
    size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
    uint8_t *drop = calloc(n ? n : 1, 1);
    if (!idx || !drop) {
        free(idx);
        free(drop);
        return DT_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    qsort_r(idx, n, sizeof(*idx), cmp_serial_idx, e->serials);
    for (size_t i = 1; i < n; i++)
        if (dt_slice_eq(e->serials[idx[i]].serial, e->serials[idx[i - 1]].serial)) {
            drop[idx[i]] = 1;
            dups++;
        }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!drop[i])
            e->serials[kept++] = e->serials[i];
    e->n_serials = kept;
    if (dups)
        at_rule(d, DT_WARNING, r, "incident_serials", "%s lists %zu serial%s more than once",
                r->serials_file, dups, dups == 1 ? "" : "s");
    free(idx);
    free(drop);
    return DT_OK;
}

static enum dt_err on_serial(void *ctx, struct dt_slice serial, unsigned long line)
{
    struct dt_incident_eval *e = ctx;
    void *copy = dt_arena_dup(&e->arena, serial.p, serial.n);
    if (!copy || dt_mem_grow((void **)&e->serials, &e->cap_serials, e->n_serials + 1,
                         sizeof(*e->serials)) != DT_OK)
        return DT_ERR_NOMEM;
    struct dt_inc_serial *s = &e->serials[e->n_serials++];
    memset(s, 0, sizeof(*s));
    s->serial = dt_slice_make(copy, serial.n);
    s->line = (uint32_t)line;
    return DT_OK;
}

enum dt_err dt_incident_evaluate(const struct dt_rule *r, const struct dt_cert *issuer_cert,
                                 struct dt_slice issuer, int64_t now, struct dt_incident_eval *e,
                                 struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    memset(e, 0, sizeof(*e));
    dt_arena_init(&e->arena);
    e->rule = r;
    e->issuer = issuer;
    e->deadline = r->revoke_by;
    e->now = now;
    e->overdue = now > r->revoke_by;
    X509 *x = NULL;
    STACK_OF(X509_CRL) *crls = NULL;
    struct revs rv = {NULL, 0, 0};
    bool bad = false;

    /* The serial list. */
    struct dt_where w;
    dt_policy_where(r->file, &w, false, "%s/incident_serials", r->json_path);
    struct dt_serials_result res;
    DT_TRY(dt_serials_read(r->serials_file, r->serial_format, d, &w.pl, on_serial, e, NULL, NULL,
                           &res));
    memcpy(e->list_sha256, res.sha256, 32);
    if (!e->n_serials) {
        at_rule(d, DT_ERROR, r, "incident_serials",
                "%s lists no serials: an incident without serials proves nothing", r->serials_file);
        rc = DT_ERR_INPUT;
        goto out;
    }

    /* The CRLs. */
    if (r->n_crls) {
        if (!issuer_cert) {
            at_rule(d, DT_ERROR, r, "crl",
                    "checking a CRL's signature needs the issuer's certificate: give "
                    "\"issuer_certificate\" instead of \"issuer_der\"");
            rc = DT_ERR_INPUT;
            goto out;
        }
        const unsigned char *p = issuer_cert->der;
        x = d2i_X509(NULL, &p, (long)issuer_cert->der_len);
        ERR_clear_error();
        if (!x) {
            at_rule(d, DT_ERROR, r, "issuer_certificate",
                    "OpenSSL cannot read the issuer certificate, so no CRL can be checked");
            rc = DT_ERR_INPUT;
            goto out;
        }
    }
    e->crls = calloc(r->n_crls + 1, sizeof(*e->crls));
    DT_ENSURE_MEM(e->crls);
    e->n_crls = r->n_crls;
    for (size_t ci = 0; ci < r->n_crls; ci++) {
        struct dt_crl_info *info = &e->crls[ci];
        info->path = dt_policy_relpath(r, r->crls[ci]);
        crls = sk_X509_CRL_new_null();
        DT_ENSURE_MEM(crls);
        struct dt_buf raw;
        dt_buf_init(&raw, DT_MAX_CRL_BYTES);
        const char *why = NULL;
        char key[32], whybuf[160];
        snprintf(key, sizeof(key), "crl/%zu", ci);
        enum dt_err frc = dt_crl_read_file(r->crls[ci], crls, &raw, &why, whybuf, sizeof(whybuf));
        enum dt_err drc =
            frc == DT_OK ? dt_digest_sha256(dt_slice_make(raw.data, raw.len), info->sha256) : DT_OK;
        dt_buf_free(&raw);
        if (drc != DT_OK) {
            if (drc == DT_ERR_INTERNAL)
                at_rule(d, DT_ERROR, r, key, "%s: %s: the outputs record every CRL's SHA-256",
                        r->crls[ci], dt_digest_why());
            rc = drc;
            goto out;
        }
        if (frc == DT_ERR_NOMEM) {
            rc = frc;
            goto out;
        }
        if (frc != DT_OK) {
            at_rule(d, DT_ERROR, r, key, "%s %s", r->crls[ci], why);
            bad = true;
        }
        for (int k = 0; frc == DT_OK && k < sk_X509_CRL_num(crls); k++) {
            enum dt_err crc = take_crl(e, r, ci, sk_X509_CRL_value(crls, k), x, &rv, d);
            if (crc == DT_ERR_NOMEM) {
                rc = crc;
                goto out;
            }
            bad |= crc != DT_OK;
        }
        sk_X509_CRL_pop_free(crls, X509_CRL_free);
        crls = NULL;
        if (!bad && (info->stale || info->not_yet)) {
            char t1[32], t2[32];
            dt_time_format_rfc3339(info->not_yet ? info->this_update : info->next_update, t1);
            dt_time_format_rfc3339(now, t2);
            at_rule(d, DT_WARNING, r, key,
                    "%s is %s at %s (%s %s): its revocations are not counted", r->crls[ci],
                    info->not_yet ? "not yet valid" : "stale", t2,
                    info->not_yet ? "thisUpdate" : "nextUpdate", t1);
        }
    }
    if (bad) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    if (!r->n_crls)
        at_rule(d, DT_NOTE, r, "incident_serials",
                "no \"crl\": every serial counts as not revoked");

    DT_TRY(drop_duplicates(e, r, d));
    /* Classify: the earliest current revocation of each serial decides. */
    if (rv.n > 1) /* no CRL, or none with entries: rv.v is NULL, never passed to qsort */
        qsort(rv.v, rv.n, sizeof(*rv.v), cmp_rev);
    for (size_t i = 0; i < e->n_serials; i++) {
        struct dt_inc_serial *s = &e->serials[i];
        struct rev key = {s->serial, 0, false, false};
        struct rev *hit = rv.n ? bsearch(&key, rv.v, rv.n, sizeof(*rv.v), cmp_rev) : NULL;
        s->klass = DT_INC_UNREVOKED;
        if (hit) {
            /* every entry of this serial: the first and its neighbours */
            struct rev *lo = hit, *hi = hit;
            while (lo > rv.v && !cmp_rev(lo - 1, &key))
                lo--;
            while (hi + 1 < rv.v + rv.n && !cmp_rev(hi + 1, &key))
                hi++;
            bool found = false;
            for (struct rev *q = lo; q <= hi; q++) {
                if (q->stale) {
                    s->on_stale = true;
                    continue;
                }
                if (q->hold) {
                    s->on_hold = true;
                    continue;
                }
                if (!found || q->at < s->revoked_at)
                    s->revoked_at = q->at;
                found = true;
            }
            if (found) {
                s->on_stale = s->on_hold = false;
                s->klass = s->revoked_at <= e->deadline ? DT_INC_ON_TIME : DT_INC_LATE;
            }
        }
    }
    for (size_t i = 0; i < e->n_serials; i++) {
        e->count[e->serials[i].klass]++;
        e->on_stale += e->serials[i].klass == DT_INC_UNREVOKED && e->serials[i].on_stale;
        e->on_hold += e->serials[i].klass == DT_INC_UNREVOKED && e->serials[i].on_hold;
    }
out:
    if (crls)
        sk_X509_CRL_pop_free(crls, X509_CRL_free);
    X509_free(x);
    free(rv.v);
    if (rc != DT_OK) {
        dt_incident_eval_free(e);
        e->rule = r;
    }
    return rc;
}

void dt_incident_eval_free(struct dt_incident_eval *e)
{
    if (!e)
        return;
    free(e->crls);
    free(e->serials);
    dt_arena_free(&e->arena);
    memset(e, 0, sizeof(*e));
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *time_json(int64_t t)
{
    char buf[32];
    dt_time_format_rfc3339(t, buf);
    return json_string(buf);
}

void dt_incident_hex(struct dt_slice s, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < s.n; i++) {
        out[2 * i] = digits[s.p[i] >> 4];
        out[2 * i + 1] = digits[s.p[i] & 15];
    }
    out[2 * s.n] = '\0';
}

static json_t *crl_json(const struct dt_crl_info *c)
{
    char hex[65];
    dt_incident_hex(dt_slice_make(c->sha256, 32), hex);
    json_t *o =
        json_pack("{s:s, s:s, s:o, s:I, s:s}", "file", c->path, "sha256", hex, "this_update",
                  time_json(c->this_update), "entries", (json_int_t)c->entries, "status",
                  c->not_yet ? "not yet valid"
                  : c->stale ? "stale"
                             : "current");
    if (o && c->has_next)
        json_object_set_new(o, "next_update", time_json(c->next_update));
    if (o && c->number[0])
        json_object_set_new(o, "crl_number", json_string(c->number));
    return o;
}

json_t *dt_incident_json(const struct dt_incident_eval *e, bool with_lists,
                         const int64_t *not_after)
{
    const struct dt_rule *r = e->rule;
    char entry[320];
    snprintf(entry, sizeof(entry), "%s %s", r->file->name, r->json_path);
    char *issuer = dt_nssname_text(e->issuer);
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:o, s:b, s:s, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I}", "entry", entry,
        "issuer", issuer ? issuer : "?", "revoke_by", time_json(e->deadline), "evaluated_at",
        time_json(e->now), "overdue", e->overdue, "serial_list",
        dt_policy_relpath(r, r->serials_file), "serials", (json_int_t)e->n_serials, "counts",
        "revoked_on_time", (json_int_t)e->count[DT_INC_ON_TIME], "revoked_late",
        (json_int_t)e->count[DT_INC_LATE], "not_revoked", (json_int_t)e->count[DT_INC_UNREVOKED],
        "on_hold", (json_int_t)e->on_hold, "only_on_stale_crls", (json_int_t)e->on_stale,
        "distrusted", (json_int_t)(e->overdue ? e->count[DT_INC_UNREVOKED] : 0));
    free(issuer);
    if (!o)
        return NULL;
    if (r->label)
        json_object_set_new(o, "label", json_string(r->label));
    if (r->bug)
        json_object_set_new(o, "bug", json_string(r->bug));
    json_t *crls = json_array();
    for (size_t i = 0; crls && i < e->n_crls; i++)
        json_array_append_new(crls, crl_json(&e->crls[i]));
    json_object_set_new(o, "crls", crls ? crls : json_null());
    if (!with_lists)
        return o;
    static const char *const keys[3] = {"revoked_on_time", "revoked_late", "not_revoked"};
    json_t *lists = json_object();
    for (int k = 0; lists && k < 3; k++) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < e->n_serials; i++) {
            const struct dt_inc_serial *s = &e->serials[i];
            if (s->klass != k)
                continue;
            char hex[2 * 255 + 1];
            dt_incident_hex(s->serial, hex);
            json_t *x = json_pack("{s:s, s:I}", "serial", hex, "line", (json_int_t)s->line);
            if (!x)
                continue;
            if (k != DT_INC_UNREVOKED) {
                json_object_set_new(x, "revoked_at", time_json(s->revoked_at));
                if (s->revoked_at > e->deadline)
                    json_object_set_new(x, "hours_late",
                                        json_integer((s->revoked_at - e->deadline) / 3600));
            } else {
                if (s->on_hold)
                    json_object_set_new(x, "on_hold", json_true());
                if (s->on_stale)
                    json_object_set_new(x, "only_on_stale_crls", json_true());
                if (not_after && not_after[i] != INT64_MIN)
                    json_object_set_new(x, "not_after", time_json(not_after[i]));
            }
            json_array_append_new(arr, x);
        }
        json_object_set_new(lists, keys[k], arr ? arr : json_null());
    }
    json_object_set_new(o, "serials_by_class", lists ? lists : json_null());
    return o;
}
