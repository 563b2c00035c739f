/*
 * pool.c - certificate pools.
 */
#include "pool.h"

#include "ccadb.h"

#include "idkey.h"

#include "caps.h"
#include "cdparse.h"
#include "der.h"
#include "file.h"
#include "policy.h"
#include "name.h"
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 16

void dt_pool_init(struct dt_pool *p)
{
    memset(p, 0, sizeof(*p));
    dt_dmap_init(&p->by_sha256);
    dt_dmap_init(&p->by_key);
    dt_dmap_init(&p->by_spki);
    dt_dmap_init(&p->by_issuer_serial);
    dt_dmap_init(&p->by_name_serial);
    dt_dmap_init(&p->by_subject);
    dt_dmap_init(&p->sig_cache);
    dt_dmap_init(&p->trust_by_is);
    p->kind = "pool";
    dt_arena_init(&p->arena);
}

void dt_pool_free(struct dt_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        X509_free(p->v[i].x509);
        EVP_PKEY_free(p->v[i].pkey);
    }
    free(p->v);
    dt_cert_list_free(&p->certs);
    dt_dmap_free(&p->by_sha256);
    dt_dmap_free(&p->by_key);
    dt_dmap_free(&p->by_spki);
    dt_dmap_free(&p->by_issuer_serial);
    dt_dmap_free(&p->by_name_serial);
    dt_dmap_free(&p->by_subject);
    dt_dmap_free(&p->sig_cache);
    dt_dmap_free(&p->trust_by_is);
    free(p->trusts);
    for (size_t i = 0; i < p->n_excluded; i++)
        free(p->excluded[i]);
    free(p->excluded);
    free(p->files);
    dt_arena_free(&p->arena);
    memset(p, 0, sizeof(*p));
}

struct dt_pool_entry *dt_pool_find(struct dt_pool *p, const uint8_t sha256[32])
{
    uint32_t it = dt_dmap_first(&p->by_sha256, sha256);
    return it == DT_DMAP_END ? NULL : &p->v[dt_dmap_value(&p->by_sha256, it)];
}

/* Adds a certificate (ownership moves to the pool) unless it is known. */
static enum dt_err add_cert(struct dt_pool *p, struct dt_cert *c, const char *file,
                            const char *name, struct dt_pool_entry **out)
{
    enum dt_err rc = DT_OK;
    struct dt_pool_entry *known = dt_pool_find(p, c->sha256);
    if (known) {
        p->duplicates++;
        dt_cert_free(c);
        *out = known;
        return DT_OK;
    }
    DT_TRY(dt_cert_list_push(&p->certs, c));
    rc = dt_mem_grow((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v));
    if (rc != DT_OK) {
        p->certs.n--; /* the list keeps owning nothing it cannot index */
        dt_cert_free(c);
        goto out;
    }
    uint32_t idx = (uint32_t)p->n;
    struct dt_pool_entry *e = &p->v[p->n++];
    memset(e, 0, sizeof(*e));
    e->cert = c;
    e->file = file;
    e->name = name;
    e->self_signed = -1;
    uint8_t k[32];
    DT_TRY(dt_dmap_add(&p->by_sha256, c->sha256, idx));
    DT_TRY(dt_idkey_cert(c, k));
    DT_TRY(dt_dmap_add(&p->by_key, k, idx));
    DT_TRY(dt_idkey_pair(c->subject_id, 32, c->spki_sha256, 32, k)); /* dt_idkey_spki, id known */
    DT_TRY(dt_dmap_add(&p->by_spki, k, idx));
    DT_TRY(dt_idkey_name_serial(c->issuer_id, c->info.serial, k));
    DT_TRY(dt_dmap_add(&p->by_name_serial, k, idx));
    DT_TRY(dt_idkey_issuer_serial(c->info.issuer, c->info.serial, k));
    DT_TRY(dt_dmap_add(&p->by_issuer_serial, k, idx));
    /* Trust objects read before the certificate (another file) apply too. */
    for (uint32_t it = dt_dmap_first(&p->trust_by_is, k); it != DT_DMAP_END;
         it = dt_dmap_next(&p->trust_by_is, it, k)) {
        const struct dt_pool_trust *t = &p->trusts[dt_dmap_value(&p->trust_by_is, it)];
        e->trusted_for |= t->trusted_for;
        e->distrusted_before |= t->distrusted;
        e->store_says = true;
        if (t->trusted_for && !e->trusted_by)
            e->trusted_by = t->file;
    }
    DT_TRY(dt_dmap_add(&p->by_subject, c->subject_id, idx));
    *out = e;
out:
    return rc;
}

enum dt_err dt_pool_add_der(struct dt_pool *p, const uint8_t *der, size_t len, const char *file,
                            const char *name, struct dt_pool_entry **out)
{
    struct dt_cert *c;
    const char *why;
    enum dt_err rc = dt_cert_from_der(der, len, &c, &why);
    if (rc != DT_OK)
        return rc;
    const char *f = dt_arena_strdup(&p->arena, file);
    const char *n = dt_arena_strdup(&p->arena, name);
    c->file = dt_mem_strdup(file);
    if (!f || !n || !c->file) {
        dt_cert_free(c);
        return DT_ERR_NOMEM;
    }
    return add_cert(p, c, f, n, out);
}

static struct x509_st *x509_of(struct dt_pool_entry *e)
{
    if (!e->x509_tried) {
        e->x509_tried = true;
        const unsigned char *q = e->cert->der;
        e->x509 = d2i_X509(NULL, &q, (long)e->cert->der_len);
        ERR_clear_error();
    }
    return e->x509;
}

/* ---- signatures ----------------------------------------------------------------- */

enum { MD_SHA1, MD_SHA224, MD_SHA256, MD_SHA384, MD_SHA512, MD_N };
static EVP_MD *mds[MD_N];
static pthread_once_t mds_once = PTHREAD_ONCE_INIT;

static void fetch_mds(void)
{
    static const char *const names[MD_N] = {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"};
    for (int i = 0; i < MD_N; i++)
        mds[i] = EVP_MD_fetch(NULL, names[i], NULL);
    ERR_clear_error();
}

/* The signature algorithms verified here directly (DER OID contents), by
 * digest and key type; anything else goes to X509_verify(). */
static const struct sigalg {
    uint8_t oid[9];
    uint8_t len;
    int md;  /* MD_*, or -1: none (Ed25519) */
    int key; /* EVP_PKEY_* */
} sigalgs[] = {
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05}, 9, MD_SHA1, EVP_PKEY_RSA},
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e}, 9, MD_SHA224, EVP_PKEY_RSA},
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b}, 9, MD_SHA256, EVP_PKEY_RSA},
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c}, 9, MD_SHA384, EVP_PKEY_RSA},
    {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d}, 9, MD_SHA512, EVP_PKEY_RSA},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01}, 7, MD_SHA1, EVP_PKEY_EC},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}, 8, MD_SHA256, EVP_PKEY_EC},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03}, 8, MD_SHA384, EVP_PKEY_EC},
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04}, 8, MD_SHA512, EVP_PKEY_EC},
    {{0x2b, 0x65, 0x70}, 3, -1, EVP_PKEY_ED25519},
};

static EVP_PKEY *pkey_of(struct dt_pool_entry *e)
{
    if (!e->pkey_tried) {
        e->pkey_tried = true;
        const unsigned char *q = e->cert->info.spki.p;
        e->pkey = d2i_PUBKEY(NULL, &q, (long)e->cert->info.spki.n);
        ERR_clear_error();
    }
    return e->pkey;
}

/* 1 verified, 0 not, -1 not an algorithm handled here, -2 out of memory.
 * The outer Certificate SEQUENCE was checked by the DER walker when it was
 * read. */
static int fast_verify(struct dt_pool_entry *child, struct dt_pool_entry *parent)
{
    struct dt_tlv outer, tbs, alg, oid, sig;
    struct dt_slice all = dt_slice_make(child->cert->der, child->cert->der_len), in;
    if (dt_der_read_one(all, DT_TAG_SEQUENCE, &outer))
        return -1;
    in = outer.val;
    if (dt_der_read(&in, &tbs) || dt_der_read(&in, &alg) || dt_der_read(&in, &sig) || in.n ||
        alg.tag != DT_TAG_SEQUENCE || sig.tag != 0x03 || sig.val.n < 2 || sig.val.p[0] != 0)
        return -1;
    /* The TBSCertificate's signature field must be the same
     * AlgorithmIdentifier (RFC 5280 4.1.1.2; OpenSSL and NSS check it). */
    struct dt_slice t = tbs.val;
    struct dt_tlv field;
    if (dt_der_read(&t, &field))
        return -1;
    if (field.tag == 0xa0 && dt_der_read(&t, &field)) /* [0] version, then serial */
        return -1;
    if (dt_der_read(&t, &field)) /* signature */
        return -1;
    if (!dt_slice_eq(field.all, alg.all))
        return 0;
    struct dt_slice a = alg.val;
    if (dt_der_read(&a, &oid) || oid.tag != 0x06)
        return -1;
    const struct sigalg *sa = NULL;
    for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]) && !sa; i++)
        if (oid.val.n == sigalgs[i].len && !memcmp(oid.val.p, sigalgs[i].oid, oid.val.n))
            sa = &sigalgs[i];
    if (!sa)
        return -1;
    pthread_once(&mds_once, fetch_mds);
    const EVP_MD *md = sa->md >= 0 ? mds[sa->md] : NULL;
    if (sa->md >= 0 && !md)
        return -1;
    EVP_PKEY *key = pkey_of(parent);
    if (!key)
        return -1;
    if (EVP_PKEY_get_base_id(key) != sa->key)
        return 0; /* a signature algorithm for another kind of key */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return -2;
    int ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
             EVP_DigestVerify(ctx, sig.val.p + 1, sig.val.n - 1, tbs.all.p, tbs.all.n) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

enum dt_err dt_pool_signed_by(struct dt_pool *p, struct dt_pool_entry *child,
                              struct dt_pool_entry *parent, bool *signed_by)
{
    enum dt_err rc = DT_OK;
    *signed_by = false;
    if (!dt_slice_eq(child->cert->info.issuer, parent->cert->info.subject))
        goto out;
    /* A signature depends on the child and the parent's key only: a
     * cross-certificate and its twin share the answer, and chains through
     * the same intermediates ask the same questions again and again. */
    uint8_t k[32];
    DT_TRY(dt_idkey_pair(child->cert->sha256, 32, parent->cert->spki_sha256, 32, k));
    uint32_t it = dt_dmap_first(&p->sig_cache, k);
    if (it != DT_DMAP_END) {
        *signed_by = dt_dmap_value(&p->sig_cache, it) != 0;
        goto out;
    }
    int ok = fast_verify(child, parent);
    DT_ENSURE(ok != -2, DT_ERR_NOMEM);
    X509 *c = ok < 0 ? x509_of(child) : NULL, *key_of = ok < 0 ? x509_of(parent) : NULL;
    if (c && key_of) {
        EVP_PKEY *key = X509_get0_pubkey(key_of);
        ok = key ? X509_verify(c, key) : 0;
        ERR_clear_error();
    }
    enum dt_err crc = dt_dmap_add(&p->sig_cache, k, ok == 1);
    (void)crc; /* without memory for the cache the answer is still right */
    *signed_by = ok == 1;
out:
    return rc;
}

void dt_pool_release(struct dt_pool_entry *e)
{
    X509_free(e->x509);
    e->x509 = NULL;
    e->x509_tried = false;
    EVP_PKEY_free(e->pkey);
    e->pkey = NULL;
    e->pkey_tried = false;
}

enum dt_err dt_pool_is_anchor(struct dt_pool *p, struct dt_pool_entry *e, unsigned purpose,
                              bool *anchor)
{
    enum dt_err rc = DT_OK;
    *anchor = false;
    if (e->no_anchor)
        goto out;
    *anchor = e->trusted_for & purpose;
    if (*anchor || p->explicit_anchors || e->store_says)
        goto out;
    if (e->self_signed < 0) {
        bool self = false;
        if (e->cert->info.is_ca && dt_slice_eq(e->cert->info.issuer, e->cert->info.subject))
            DT_TRY(dt_pool_signed_by(p, e, e, &self));
        e->self_signed = self;
    }
    *anchor = e->self_signed == 1;
out:
    return rc;
}

static enum dt_err add_trust(struct dt_pool *p, const uint8_t k[32],
                             const struct dt_pool_trust *t);

enum dt_err dt_pool_trust_file_anchors(struct dt_pool *roots)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < roots->n; i++) {
        const struct dt_pool_entry *e = &roots->v[i];
        if (e->from_certdata)
            continue;
        struct dt_pool_trust rec;
        memset(&rec, 0, sizeof(rec));
        rec.trusted_for = DT_PURPOSE_ALL;
        for (int k = 0; k < 3; k++)
            rec.value[k] = CKT_NSS_TRUSTED_DELEGATOR;
        rec.has_step_up = true;
        rec.has_sha1 = rec.has_md5 = true;
        memcpy(rec.sha1, e->cert->sha1, 20);
        memcpy(rec.md5, e->cert->md5, 16);
        rec.file = e->file;
        rec.line = 0;
        uint8_t k[32];
        DT_TRY(dt_idkey_issuer_serial(e->cert->info.issuer, e->cert->info.serial, k));
        DT_TRY(add_trust(roots, k, &rec));
    }
out:
    return rc;
}

enum dt_err dt_pool_trust_of(const struct dt_pool *p, struct dt_slice issuer,
                             struct dt_slice serial, const struct dt_pool_trust **out)
{
    enum dt_err rc = DT_OK;
    *out = NULL;
    if (!p || !p->n_trusts)
        goto out;
    uint8_t k[32];
    DT_TRY(dt_idkey_issuer_serial(issuer, serial, k));
    uint32_t it = dt_dmap_first(&p->trust_by_is, k);
    if (it != DT_DMAP_END)
        *out = &p->trusts[dt_dmap_value(&p->trust_by_is, it)];
out:
    return rc;
}

enum dt_err dt_pool_set_roots(struct dt_pool *p, const struct dt_pool *roots)
{
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < p->n && !p->explicit_anchors; i++) {
        p->v[i].trusted_for = 0;
        p->v[i].trusted_by = NULL;
    }
    for (size_t i = 0; i < roots->n; i++) {
        const struct dt_pool_entry *r = &roots->v[i];
        struct dt_pool_entry *e;
        DT_TRY(dt_pool_add_der(p, r->cert->der, r->cert->der_len, r->file, r->name, &e));
        uint8_t t = r->from_certdata ? r->trusted_for : DT_PURPOSE_ALL;
        e->trusted_for |= t;
        e->distrusted_before |= r->distrusted_before;
        e->store_says = true;
        if (t && !e->trusted_by) {
            e->trusted_by = dt_arena_strdup(
                &p->arena, r->from_certdata && r->trusted_by ? r->trusted_by : r->file);
            DT_ENSURE_MEM(e->trusted_by);
        }
    }
    p->explicit_anchors = true;
out:
    return rc;
}

enum dt_err dt_pool_exclude(struct dt_pool *p, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return DT_OK; /* nothing there yet: nothing to walk into */
    enum dt_err rc =
        dt_mem_grow((void **)&p->excluded, &p->cap_excluded, p->n_excluded + 1, sizeof(*p->excluded));
    if (rc != DT_OK) {
        free(real);
        return rc;
    }
    p->excluded[p->n_excluded++] = real;
    return DT_OK;
}

/* ---- reading ----------------------------------------------------------------- */

struct quiet {
    struct dt_diags *real;
    char first[512];
    size_t errors;
};

static void quiet_fn(const struct dt_diag *dg, void *ctx)
{
    struct quiet *q = ctx;
    if (dg->severity == DT_ERROR && !q->errors++)
        snprintf(q->first, sizeof(q->first), "%s", dg->message);
}

static enum dt_err add_file_record(struct dt_pool *p, const char *name, struct dt_slice data)
{
    enum dt_err rc = dt_mem_grow((void **)&p->files, &p->cap_files, p->n_files + 1, sizeof(*p->files));
    if (rc != DT_OK)
        return rc;
    p->files[p->n_files].name = name;
    rc = dt_digest_sha256(data, p->files[p->n_files].sha256);
    if (rc != DT_OK)
        return rc;
    p->n_files++;
    return DT_OK;
}

/* Records a trust object's word on issuer + serial, for the certificates
 * read so far and for those read later. */
static enum dt_err add_trust(struct dt_pool *p, const uint8_t k[32],
                             const struct dt_pool_trust *t)
{
    enum dt_err rc = DT_OK;
    uint8_t trusted = t->trusted_for, distrusted = t->distrusted;
    const char *file = t->file;
    DT_TRY(dt_mem_grow((void **)&p->trusts, &p->cap_trusts, p->n_trusts + 1, sizeof(*p->trusts)));
    p->trusts[p->n_trusts] = *t;
    DT_TRY(dt_dmap_add(&p->trust_by_is, k, (uint32_t)p->n_trusts));
    p->n_trusts++;
    for (uint32_t it = dt_dmap_first(&p->by_issuer_serial, k); it != DT_DMAP_END;
         it = dt_dmap_next(&p->by_issuer_serial, it, k)) {
        struct dt_pool_entry *e = &p->v[dt_dmap_value(&p->by_issuer_serial, it)];
        e->trusted_for |= trusted;
        e->distrusted_before |= distrusted;
        e->store_says = true;
        if (trusted && !e->trusted_by)
            e->trusted_by = file;
    }
out:
    return rc;
}

static enum dt_err add_certdata(struct dt_pool *p, const char *file, const char *name,
                                struct dt_slice data, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    bool bad = false;
    unsigned index = 0;
    struct dt_cd_file f;
    DT_TRY(dt_cdparse_mem(file, data, &f, d));
    for (size_t i = 0; i < f.n_objs; i++) {
        const struct dt_cd_object *o = &f.objs[i];
        const struct dt_cd_attr *v = dt_cdparse_get(o, CKA_VALUE);
        if (o->klass != CKO_CERTIFICATE || !v)
            continue;
        index++;
        struct dt_cert *c;
        const char *why;
        enum dt_err crc = dt_cert_from_der(v->value, v->len, &c, &why);
        if (crc == DT_ERR_INPUT || crc == DT_ERR_LIMIT || crc == DT_ERR_INTERNAL) {
            struct dt_place pl = {file, o->line, 0, NULL, NULL};
            dt_diag_report(d, DT_ERROR, &pl, "certificate object: %s", why);
            bad = true;
            DT_ENSURE(crc != DT_ERR_INTERNAL, crc); /* a digest: every certificate would fail */
            continue;
        }
        DT_TRY(crc);
        c->file = dt_mem_strdup(file);
        c->index = index;
        c->line = o->line;
        struct dt_pool_entry *e;
        DT_TRY(add_cert(p, c, file, name, &e));
        e->from_certdata = true;
    }
    /* Trust objects: which purposes a certificate is an anchor for, and
     * which it is distrusted for already (any other value: neither, but
     * the store has spoken). */
    for (size_t i = 0; i < f.n_objs; i++) {
        const struct dt_cd_object *o = &f.objs[i];
        if (o->klass != CKO_NSS_TRUST)
            continue;
        static const unsigned long attrs[3] = {CKA_TRUST_SERVER_AUTH, CKA_TRUST_EMAIL_PROTECTION,
                                               CKA_TRUST_CODE_SIGNING};
        struct dt_pool_trust rec;
        memset(&rec, 0, sizeof(rec));
        for (int j = 0; j < 3; j++) {
            unsigned long t = 0;
            if (dt_cdparse_get_ulong(o, attrs[j], &t))
                rec.value[j] = t;
            if (t == CKT_NSS_TRUSTED_DELEGATOR)
                rec.trusted_for |= (uint8_t)(1u << j);
            else if (t == CKT_NSS_NOT_TRUSTED)
                rec.distrusted |= (uint8_t)(1u << j);
        }
        rec.has_step_up = dt_cdparse_get(o, CKA_TRUST_STEP_UP_APPROVED) != NULL;
        (void)dt_cdparse_get_bool(o, CKA_TRUST_STEP_UP_APPROVED, &rec.step_up);
        const struct dt_cd_attr *h1 = dt_cdparse_get(o, CKA_CERT_SHA1_HASH);
        const struct dt_cd_attr *h5 = dt_cdparse_get(o, CKA_CERT_MD5_HASH);
        if (h1 && h1->len == 20) {
            rec.has_sha1 = true;
            memcpy(rec.sha1, h1->value, 20);
        }
        if (h5 && h5->len == 16) {
            rec.has_md5 = true;
            memcpy(rec.md5, h5->value, 16);
        }
        rec.file = file;
        rec.line = o->line;
        const struct dt_cd_attr *is = dt_cdparse_get(o, CKA_ISSUER);
        const struct dt_cd_attr *sn = dt_cdparse_get(o, CKA_SERIAL_NUMBER);
        struct dt_tlv tlv;
        if (!is || !sn || dt_der_read_one(dt_slice_make(sn->value, sn->len), DT_TAG_INTEGER, &tlv))
            continue;
        uint8_t k[32];
        DT_TRY(dt_idkey_issuer_serial(dt_slice_make(is->value, is->len), tlv.val, k));
        DT_TRY(add_trust(p, k, &rec));
    }
    if (bad)
        rc = DT_ERR_INPUT;
out:
    dt_cdparse_free(&f);
    return rc;
}

/* A certdata.txt file: its first line that is neither blank nor a comment
 * is BEGINDATA or an attribute (CKA_...). */
static bool is_certdata(struct dt_slice s)
{
    size_t i = 0;
    while (i < s.n) {
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\r' || s.p[i] == '\n'))
            i++;
        if (i < s.n && s.p[i] == '#') {
            while (i < s.n && s.p[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    size_t left = s.n - i;
    return (left >= 9 && !memcmp(s.p + i, "BEGINDATA", 9)) ||
           (left >= 4 && !memcmp(s.p + i, "CKA_", 4));
}

/* A file's certificates: a CCADB report (ccadb.h: the CCADB's CSV reports as
 * they are published), else PEM or DER. */
static enum dt_err load_certs(const char *file, struct dt_slice s, struct dt_certlist *l,
                              struct dt_diags *d)
{
    return dt_ccadb_sniff(s) ? dt_ccadb_load_certs(file, s, l, d)
                             : dt_cert_load_mem(file, s, l, d, NULL);
}

/* One file: certdata.txt, a CCADB report, PEM or DER. in_dir: a file found
 * by walking a directory, which may hold other things than certificates (a
 * README, a CSV table without a PEM column: skipped). */
static enum dt_err add_one(struct dt_pool *p, const char *file, const char *name, bool in_dir,
                           struct dt_diags *d, dt_progress_fn progress, void *pctx)
{
    enum dt_err rc = DT_OK;
    struct dt_buf data;
    DT_TRY(dt_file_read(file, DT_MAX_POOL_FILE_BYTES, &data, d, NULL));
    struct dt_slice s = dt_slice_make(data.data, data.len);
    const char *fcopy = dt_arena_strdup(&p->arena, file);
    const char *ncopy = dt_arena_strdup(&p->arena, name);
    DT_ENSURE_MEM(fcopy && ncopy);
    if (s.n == 0) {
        if (in_dir) {
            p->skipped_files++;
            goto out;
        }
        struct dt_place pl = dt_diag_place_file(file);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "empty file: no certificate in this %s file", p->kind);
        goto out;
    }
    if (is_certdata(s)) {
        DT_TRY(add_file_record(p, ncopy, s));
        rc = add_certdata(p, fcopy, ncopy, s, d);
        goto out;
    }
    /* Certificates, quietly first: a file in a directory that turns out
     * not to hold any is skipped, not an error. */
    struct quiet q = {d, "", 0};
    struct dt_diags qd;
    dt_diag_init(&qd, quiet_fn, &q);
    struct dt_certlist l = {0};
    l.max_per_file = DT_MAX_POOL_CERTS_PER_FILE;
    l.skip_openssl_check = true;
    enum dt_err lrc = load_certs(fcopy, s, &l, &qd);
    /* The whole label: "-----BEGIN CERTIFICATE REQUEST-----" (a CSR) is
     * no certificate, and a directory's CSR is skipped like its keys. */
    bool cert_file = memmem(s.p, s.n, "-----BEGIN CERTIFICATE-----", 27) ||
                     memmem(s.p, s.n, "-----BEGIN TRUSTED CERTIFICATE-----", 35) ||
                     memmem(s.p, s.n, "-----BEGIN X509 CERTIFICATE-----", 32);
    if (lrc != DT_OK) {
        dt_cert_list_free(&l);
        if (lrc == DT_ERR_NOMEM) {
            rc = lrc;
            goto out;
        }
        /* A digest OpenSSL cannot give is never "not a certificate". */
        if (in_dir && !cert_file && lrc != DT_ERR_INTERNAL) {
            p->skipped_files++;
            goto out;
        }
        /* Report the problems for real. A CSV table given by name that is
         * no CCADB report (no PEM column) is said to be that. */
        bool table = !cert_file && dt_ccadb_is_table(s);
        struct dt_certlist l2 = {0};
        l2.max_per_file = DT_MAX_POOL_CERTS_PER_FILE;
        l2.skip_openssl_check = true;
        rc = table ? dt_ccadb_load_certs(fcopy, s, &l2, d) : load_certs(fcopy, s, &l2, d);
        dt_cert_list_free(&l2);
        if (rc == DT_OK)
            rc = DT_ERR_INPUT;
        goto out;
    }
    DT_TRY(add_file_record(p, ncopy, s));
    for (size_t i = 0; i < l.n; i++) {
        struct dt_pool_entry *e;
        enum dt_err arc = add_cert(p, l.v[i], fcopy, ncopy, &e);
        l.v[i] = NULL;
        if (progress && (p->n & 8191) == 0)
            progress("reading the certificate pool", p->n, 0, pctx);
        if (arc != DT_OK) {
            for (size_t j = i + 1; j < l.n; j++)
                dt_cert_free(l.v[j]);
            free(l.v);
            rc = arc;
            goto out;
        }
    }
    free(l.v);
out:
    dt_buf_free(&data);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_excluded(const struct dt_pool *p, const char *dir)
{
    if (!p->n_excluded)
        return false;
    char *real = realpath(dir, NULL);
    bool hit = false;
    for (size_t i = 0; real && i < p->n_excluded && !hit; i++)
        hit = !strcmp(real, p->excluded[i]);
    free(real);
    return hit;
}

void dt_pool_note(const struct dt_pool *p, struct dt_diags *d)
{
    if (!p->skipped_files && !p->skipped_links && !p->excluded_dirs && !p->skipped_special)
        return;
    char links[96] = "", special[128] = "", excl[128] = "";
    if (p->skipped_links)
        snprintf(links, sizeof(links), "; %zu link%s to directories, or dangling, not followed",
                 p->skipped_links, p->skipped_links == 1 ? "" : "s");
    if (p->skipped_special)
        snprintf(special, sizeof(special), "; %zu special file%s (FIFO, socket or device) not read",
                 p->skipped_special, p->skipped_special == 1 ? "" : "s");
    if (p->excluded_dirs)
        snprintf(excl, sizeof(excl), "; the build's output directory left out");
    dt_diag_note(d, NULL,
            "the certificate %s: %zu certificate%s; %zu file%s held none and %s skipped%s%s%s",
            p->kind, p->n, p->n == 1 ? "" : "s", p->skipped_files, p->skipped_files == 1 ? "" : "s",
            p->skipped_files == 1 ? "was" : "were", links, special, excl);
}

static enum dt_err walk(struct dt_pool *p, const char *dir, const char *name, int depth,
                        struct dt_diags *d, dt_progress_fn progress, void *pctx)
{
    enum dt_err rc = DT_OK;
    char **names = NULL;
    size_t n = 0, cap = 0;
    if (depth > MAX_DEPTH) {
        struct dt_place pl = dt_diag_place_file(dir);
        return dt_diag_fail(d, &pl, DT_ERR_LIMIT, "%s directories nested deeper than %d", p->kind,
                       MAX_DEPTH);
    }
    DIR *dh = opendir(dir);
    if (!dh) {
        struct dt_place pl = dt_diag_place_file(dir);
        return dt_diag_fail(d, &pl, DT_ERR_INPUT, "cannot read %s directory: %s", p->kind,
                       strerror(errno));
    }
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (dt_mem_grow((void **)&names, &cap, n + 1, sizeof(*names)) != DT_OK ||
            !(names[n] = dt_mem_strdup(de->d_name))) {
            rc = DT_ERR_NOMEM;
            break;
        }
        n++;
    }
    closedir(dh);
    if (rc != DT_OK)
        goto out;
    /* Name order: the pool, and everything derived from it, is the same
     * whatever order the file system lists entries in. */
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *full = dt_path_join(dir, names[i]);
        char *sub = dt_path_join(name, names[i]);
        DT_ENSURE_MEM(full && sub);
        struct stat st, lst;
        enum dt_err frc = DT_OK;
        bool link = lstat(full, &lst) == 0 && S_ISLNK(lst.st_mode);
        if (stat(full, &st) != 0) {
            if (link)
                p->skipped_links++; /* dangling */
            else
                p->skipped_files++;
        } else if (S_ISDIR(st.st_mode)) {
            if (link)
                p->skipped_links++; /* never follow directory links: no loops */
            else if (is_excluded(p, full))
                p->excluded_dirs++;
            else
                frc = walk(p, full, sub, depth + 1, d, progress, pctx);
        } else if (S_ISREG(st.st_mode)) {
            frc = add_one(p, full, sub, true, d, progress, pctx);
            if (progress && (p->n_files & 255) == 0)
                progress("reading the certificate pool", p->n, 0, pctx);
        } else {
            /* A FIFO, socket or device: opening or reading it could block
             * or never end, and it holds no certificate file. */
            p->skipped_special++;
        }
        free(full);
        free(sub);
        if (frc != DT_OK && frc != DT_ERR_INPUT) {
            rc = frc; /* a cap, memory, a digest: the walk stops */
            goto out;
        }
        if (frc != DT_OK)
            rc = DT_ERR_INPUT;
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

enum dt_err dt_pool_add(struct dt_pool *p, const char *path, const char *name_root,
                        struct dt_diags *d, dt_progress_fn progress, void *progress_ctx)
{
    struct stat st;
    struct dt_place pl = dt_diag_place_file(path);
    if (stat(path, &st) != 0)
        return dt_diag_fail(d, &pl, DT_ERR_INPUT, "cannot open %s: %s", p->kind, strerror(errno));
    if (S_ISDIR(st.st_mode) && is_excluded(p, path)) {
        p->excluded_dirs++;
        return DT_OK;
    }
    char *trimmed = dt_mem_strdup(path);
    if (!trimmed)
        return DT_ERR_NOMEM;
    size_t len = strlen(trimmed);
    while (len > 1 && trimmed[len - 1] == '/')
        trimmed[--len] = '\0';
    const char *base = strrchr(trimmed, '/');
    base = base ? base + 1 : trimmed;
    const char *name = name_root ? name_root : base;
    enum dt_err rc = S_ISDIR(st.st_mode)
                         ? walk(p, trimmed, name, 0, d, progress, progress_ctx)
                         : add_one(p, trimmed, name, false, d, progress, progress_ctx);
    free(trimmed);
    if (progress)
        progress("reading the certificate pool", p->n, p->n, progress_ctx);
    return rc;
}
