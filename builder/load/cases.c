/*
 * cases.c - chain case loader.
 */
#include "cases.h"

#include "caps.h"
#include "dmap.h"
#include "file.h"
#include "suggest.h"
#include "time.h"
#include "path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const usage_names[] = {"server",          "client",       "email-signer",
                                          "email-recipient", "code-signing", "ssl-ca"};
/* The policy's purposes name usages too (one vocabulary): server-auth is
 * server, email-protection is email-signer; code-signing is both. */
static const char *const usage_spellings[] = {
    "server", "client", "email-signer", "email-recipient", "code-signing", "ssl-ca",
    "server-auth", "email-protection"};
static const enum dt_usage usage_of_spelling[] = {
    DT_USAGE_SERVER,       DT_USAGE_CLIENT,       DT_USAGE_EMAIL_SIGNER, DT_USAGE_EMAIL_RECIPIENT,
    DT_USAGE_CODE_SIGNING, DT_USAGE_SSL_CA,       DT_USAGE_SERVER,       DT_USAGE_EMAIL_SIGNER};
static const int usage_vfychain[] = {1, 0, 4, 5, 6, 3};
static const char *const expect_names[] = {"trusted", "distrusted"};
static const char *const top_keys[] = {"version", "cases", "comment"};
static const char *const case_keys[] = {"name", "chain",  "anchors",     "usage",
                                        "time", "expect", "deployments", "comment"};
static const char *const deployment_names[] = {"overlay", "root-store", "p11-kit", "openssl",
                                                     "onecrl"};

#define MAX_CASES 100000
#define MAX_CASE_FILE_BYTES ((size_t)4 << 20)
#define MAX_CHAIN 16

const char *dt_cases_usage_name(enum dt_usage u)
{
    return (unsigned)u < DT_ARRAY_LEN(usage_names) ? usage_names[u] : "?";
}

int dt_cases_usage_vfychain(enum dt_usage u)
{
    return (unsigned)u < DT_ARRAY_LEN(usage_vfychain) ? usage_vfychain[u] : 1;
}

const char *dt_cases_deployment_name(unsigned bit)
{
    for (size_t i = 0; i < DT_ARRAY_LEN(deployment_names); i++)
        if (bit == 1u << i)
            return deployment_names[i];
    return "?";
}

unsigned dt_cases_deployment_parse(const char *name, const char **suggest)
{
    if (suggest)
        *suggest = NULL;
    for (size_t i = 0; i < DT_ARRAY_LEN(deployment_names); i++)
        if (!strcmp(name, deployment_names[i]))
            return 1u << i;
    if (suggest)
        *suggest = dt_suggest(name, deployment_names, DT_ARRAY_LEN(deployment_names));
    return 0;
}

void dt_cases_deployments_text(unsigned bits, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < DT_ARRAY_LEN(deployment_names) && len < cap; i++)
        if (bits & (1u << i)) {
            int n = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", deployment_names[i]);
            if (n < 0)
                break;
            len += (size_t)n;
        }
}

struct cache_entry {
    char *path;
    size_t first, count;
    bool failed;
};

struct loader {
    struct dt_jctx j;
    struct dt_cases *c;
    struct cache_entry *cache;
    size_t n_cache, cap_cache;
    struct dt_dmap by_path; /* SHA-256 of a path -> its cache entry */
};

/* Diagnostics of a certificate file, placed in the case file: the place
 * (a scan of the JSON text) is looked up only when there is something to
 * say, not for every file of thousands of cases. */
struct lazy_place {
    struct loader *L;
    const char *path;
    bool found;
    struct dt_where w;
};

static void placed(const struct dt_diag *dg, void *ctx)
{
    struct lazy_place *lp = ctx;
    if (!lp->found) {
        dt_json_where(lp->L->j.display, lp->L->j.text, lp->L->j.len, &lp->w, false, lp->path, NULL);
        lp->found = true;
    }
    dt_diag_report(lp->L->j.d, dg->severity, &lp->w.pl, "%s", dg->message);
}

/* Loads (once) the certificates of a file named at path/key[index]. */
static bool load_file(struct loader *L, const char *file, const char *path, size_t *first,
                      size_t *count)
{
    uint8_t key[32];
    enum dt_err krc = dt_digest_sha256(dt_slice_make(file, strlen(file)), key);
    if (krc != DT_OK) {
        L->j.rc = krc;
        return false;
    }
    for (uint32_t it = dt_dmap_first(&L->by_path, key); it != DT_DMAP_END;
         it = dt_dmap_next(&L->by_path, it, key)) {
        const struct cache_entry *c = &L->cache[dt_dmap_value(&L->by_path, it)];
        if (c->path && !strcmp(c->path, file)) {
            *first = c->first;
            *count = c->count;
            return !c->failed;
        }
    }
    if (dt_mem_grow((void **)&L->cache, &L->cap_cache, L->n_cache + 1, sizeof(*L->cache)) != DT_OK ||
        dt_dmap_add(&L->by_path, key, (uint32_t)L->n_cache) != DT_OK) {
        L->j.rc = DT_ERR_NOMEM;
        return false;
    }
    struct cache_entry *e = &L->cache[L->n_cache++];
    e->path = dt_mem_strdup(file);
    e->first = L->c->certs.n;
    e->failed = false;
    struct lazy_place lp = {L, path, false, {{NULL, 0, 0, NULL, NULL}, "", ""}};
    struct dt_diags fwd;
    dt_diag_init(&fwd, placed, &lp);
    struct dt_place pl = {L->j.display, 0, 0, path, NULL};
    enum dt_err rc = e->path ? dt_cert_load_file(file, &L->c->certs, &fwd, &pl) : DT_ERR_NOMEM;
    e->count = L->c->certs.n - e->first;
    if (rc != DT_OK) {
        e->failed = true;
        if (rc == DT_ERR_NOMEM || rc == DT_ERR_INTERNAL)
            L->j.rc = rc; /* not the file's fault: the run stops */
        else
            dt_json_err(&L->j, false, path, NULL, "cannot use %s (see above)", file);
        return false;
    }
    *first = e->first;
    *count = e->count;
    return true;
}

/* A JSON array of certificate files into a list of certificates. */
static bool load_cert_array(struct loader *L, json_t *arr, const char *path, const char *key,
                            struct dt_cert ***out, size_t *n_out)
{
    char sub[160];
    snprintf(sub, sizeof(sub), "%s/%s", path, key);
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        dt_json_err(&L->j, false, sub, NULL, "\"%s\" must be a non-empty array of certificate files",
                key);
        return false;
    }
    size_t cap = 0, n = 0;
    struct dt_cert **v = NULL;
    bool ok = true;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char esub[200];
        snprintf(esub, sizeof(esub), "%s/%zu", sub, i);
        if (!json_is_string(e) || !json_string_length(e)) {
            dt_json_err(&L->j, false, esub, NULL, "each item of \"%s\" must be a file name", key);
            ok = false;
            continue;
        }
        char *file = dt_path_join(L->j.dir, json_string_value(e));
        size_t first, count;
        bool got = file && load_file(L, file, esub, &first, &count);
        free(file);
        if (!got) {
            ok = false;
            continue;
        }
        for (size_t k = 0; k < count; k++) {
            if (dt_mem_grow((void **)&v, &cap, n + 1, sizeof(*v)) != DT_OK) {
                L->j.rc = DT_ERR_NOMEM;
                free(v);
                return false;
            }
            v[n++] = L->c->certs.v[first + k];
        }
    }
    if (ok && strcmp(key, "chain") == 0 && n > MAX_CHAIN) {
        dt_json_err(&L->j, false, sub, NULL, "a chain of more than %d certificates", MAX_CHAIN);
        ok = false;
    }
    if (!ok) {
        free(v);
        return false;
    }
    /* Keep the array in the arena so that dt_cases_free has one owner. */
    *out = dt_arena_dup(&L->c->arena, v, n * sizeof(*v));
    free(v);
    *n_out = n;
    return *out != NULL;
}

/* "deployments": a non-empty array of deployment names, each once. */
static unsigned load_deployments(struct loader *L, json_t *e, const char *path)
{
    json_t *v = json_object_get(e, "deployments");
    if (!v)
        return 0;
    char sub[96], list[96];
    snprintf(sub, sizeof(sub), "%s/deployments", path);
    dt_json_names_list(deployment_names, DT_ARRAY_LEN(deployment_names), list, sizeof(list));
    if (!json_is_array(v) || !json_array_size(v)) {
        dt_json_err(&L->j, false, sub, NULL,
                "\"deployments\" must be a non-empty array of deployment names (%s); leave it "
                "out for every deployment the run checks",
                list);
        return 0;
    }
    unsigned bits = 0;
    size_t i;
    json_t *d;
    json_array_foreach(v, i, d)
    {
        char esub[128];
        snprintf(esub, sizeof(esub), "%s/%zu", sub, i);
        const char *name = json_string_value(d);
        const char *sug = NULL;
        unsigned bit = name ? dt_cases_deployment_parse(name, &sug) : 0;
        if (!name)
            dt_json_err(&L->j, false, esub, NULL, "each item of \"deployments\" must be a name (%s)",
                    list);
        else if (!bit && sug)
            dt_json_err(&L->j, false, esub, NULL,
                    "unknown deployment \"%s\"; did you mean \"%s\"? (one of %s)", name, sug, list);
        else if (!bit)
            dt_json_err(&L->j, false, esub, NULL, "unknown deployment \"%s\" (one of %s)", name, list);
        else if (bits & bit)
            dt_json_err(&L->j, false, esub, NULL, "deployment \"%s\" is listed twice", name);
        bits |= bit;
    }
    return bits;
}

static void load_case(struct loader *L, json_t *e, size_t index)
{
    char path[64];
    snprintf(path, sizeof(path), "/cases/%zu", index);
    if (!json_is_object(e)) {
        dt_json_err(&L->j, false, path, NULL, "each case must be a JSON object");
        return;
    }
    enum dt_err before = L->j.rc;
    L->j.rc = DT_OK;
    dt_json_check_keys(&L->j, e, path, case_keys, DT_ARRAY_LEN(case_keys), "a case");
    struct dt_case k;
    memset(&k, 0, sizeof(k));
    k.file = L->j.display;
    k.json_path = dt_arena_strdup(&L->c->arena, path);
    bool present;
    (void)dt_json_str(&L->j, e, path, "comment", &present);
    k.name = dt_json_text(&L->j, e, path, "name", false, DT_MAX_LABEL_BYTES);
    if (!k.name && !json_object_get(e, "name"))
        dt_json_err(&L->j, false, path, NULL, "missing \"name\"");
    else if (k.name && !*k.name)
        dt_json_err(&L->j, false, path, "name", "\"name\" is empty");

    json_t *chain = json_object_get(e, "chain");
    if (!chain)
        dt_json_err(&L->j, false, path, NULL, "missing \"chain\" (certificate files, leaf first)");
    else
        (void)load_cert_array(L, chain, path, "chain", &k.chain, &k.n_chain);

    json_t *anchors = json_object_get(e, "anchors");
    if (!anchors) {
        dt_json_err(&L->j, false, path, NULL,
                "missing \"anchors\" (certificate files, or a certdata.txt root store)");
    } else if (json_is_string(anchors)) {
        k.anchors_certdata = dt_json_path(&L->j, e, path, "anchors");
    } else {
        (void)load_cert_array(L, anchors, path, "anchors", &k.anchors, &k.n_anchors);
    }

    int u = dt_json_enum(&L->j, e, path, "usage", usage_spellings, DT_ARRAY_LEN(usage_spellings),
                         &present);
    k.usage = u >= 0 ? usage_of_spelling[u] : DT_USAGE_SERVER;
    const char *t = dt_json_str(&L->j, e, path, "time", &present);
    if (t) {
        bool frac;
        const char *why = dt_time_parse_rfc3339(t, &k.time, &frac);
        if (why)
            dt_json_err(&L->j, false, path, "time", "\"time\": %s", why);
        k.has_time = !why;
    }
    int x = dt_json_enum(&L->j, e, path, "expect", expect_names, 2, &present);
    if (!present)
        dt_json_err(&L->j, false, path, NULL, "missing \"expect\" (\"distrusted\" or \"trusted\")");
    k.expect_distrusted = x == 1;
    k.deployments = load_deployments(L, e, path);

    for (size_t i = 0; k.name && i < L->c->n; i++)
        if (!strcmp(L->c->v[i].name, k.name))
            dt_json_warn(&L->j, false, path, "name", "another case is also named \"%s\"", k.name);

    if (L->j.rc == DT_OK) {
        if (L->c->n >= MAX_CASES)
            dt_json_err(&L->j, false, path, NULL, "too many cases (the limit is %d)", MAX_CASES);
        else if (dt_mem_grow((void **)&L->c->v, &L->c->cap, L->c->n + 1, sizeof(*L->c->v)) != DT_OK)
            L->j.rc = DT_ERR_NOMEM; /* out of memory, not "too many cases" */
        else
            L->c->v[L->c->n++] = k;
    }
    if (before != DT_OK && L->j.rc == DT_OK)
        L->j.rc = before;
}

static void load_json(struct loader *L)
{
    json_t *root = dt_json_parse(&L->j, 16);
    if (!root)
        return;
    if (!json_is_object(root)) {
        dt_json_err(&L->j, false, "", NULL, "a case file must hold one JSON object");
        goto out;
    }
    dt_json_check_keys(&L->j, root, "", top_keys, DT_ARRAY_LEN(top_keys), "the case file");
    json_t *ver = json_object_get(root, "version");
    if (ver && (!json_is_integer(ver) || json_integer_value(ver) != 1))
        dt_json_err(&L->j, false, "/version", NULL, "\"version\" must be 1");
    json_t *cases = json_object_get(root, "cases");
    if (!cases) {
        dt_json_err(&L->j, false, "", NULL, "missing \"cases\" (an array of chain cases)");
    } else if (!json_is_array(cases)) {
        dt_json_err(&L->j, false, "/cases", NULL, "\"cases\" must be an array");
    } else {
        if (!json_array_size(cases))
            dt_json_warn(&L->j, false, "/cases", NULL, "the file has no cases");
        size_t i;
        json_t *e;
        json_array_foreach(cases, i, e)
        {
            load_case(L, e, i);
            if (L->j.rc == DT_ERR_NOMEM || L->j.rc == DT_ERR_INTERNAL)
                break;
        }
    }
out:
    json_decref(root);
}

static void loader_done(struct loader *L)
{
    for (size_t i = 0; i < L->n_cache; i++)
        free(L->cache[i].path);
    free(L->cache);
    dt_dmap_free(&L->by_path);
}

enum dt_err dt_cases_load_text(struct dt_cases *c, const char *display, const char *dir,
                               const char *text, size_t len, struct dt_diags *d)
{
    struct loader L;
    memset(&L, 0, sizeof(L));
    dt_dmap_init(&L.by_path);
    L.c = c;
    L.j.d = d;
    L.j.arena = &c->arena;
    L.j.display = dt_arena_strdup(&c->arena, display);
    L.j.dir = dt_arena_strdup(&c->arena, dir);
    L.j.text = text;
    L.j.len = len;
    if (!L.j.display || !L.j.dir)
        return DT_ERR_NOMEM;
    load_json(&L);
    loader_done(&L);
    return L.j.rc;
}

void dt_cases_init(struct dt_cases *c)
{
    memset(c, 0, sizeof(*c));
    dt_arena_init(&c->arena);
}

enum dt_err dt_cases_load(struct dt_cases *c, const char *const *paths, size_t n,
                          bool openssl_check, struct dt_diags *d)
{
    return dt_cases_load_named(c, paths, n, openssl_check, NULL, d);
}

enum dt_err dt_cases_load_named(struct dt_cases *c, const char *const *paths, size_t n,
                                bool openssl_check, const char *option, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_place opt = {option, 0, 0, NULL, NULL};
    dt_cases_init(c);
    c->certs.skip_openssl_check = !openssl_check;
    for (size_t i = 0; i < n; i++) {
        struct dt_buf text;
        enum dt_err frc =
            dt_file_read(paths[i], MAX_CASE_FILE_BYTES, &text, d, option ? &opt : NULL);
        if (frc != DT_OK) {
            if (frc == DT_ERR_NOMEM)
                return frc;
            rc = DT_ERR_INPUT;
            continue;
        }
        const char *t = dt_buf_cstr(&text);
        char *dir = dt_path_dirname(paths[i]);
        /* The text must outlive diagnostics only during loading. */
        enum dt_err lrc =
            t && dir ? dt_cases_load_text(c, paths[i], dir, t, text.len, d) : DT_ERR_NOMEM;
        free(dir);
        dt_buf_free(&text);
        if (lrc == DT_ERR_NOMEM || lrc == DT_ERR_INTERNAL)
            return lrc;
        if (lrc != DT_OK)
            rc = DT_ERR_INPUT;
    }
    return rc;
}

void dt_cases_free(struct dt_cases *c)
{
    if (!c)
        return;
    free(c->v);
    dt_cert_list_free(&c->certs);
    dt_arena_free(&c->arena);
    memset(c, 0, sizeof(*c));
}
