/*
 * blobbench.c - size and speed of revocations.blob (make bench).
 *
 * usage: blobbench ONECRL.json N...
 *   ONECRL.json  the real OneCRL dump: its blob against the yardsticks
 *   N            a batch of N random serials (16 to 20 octets, positive,
 *                minimal) under 10 issuers: the blob against the
 *                information-theoretic bound, a Chrome CRLSet body, gzip'd
 *                onecrl.json and a DER CRL; opening time; lookups per second.
 * Prints a table and exits 1 when a target is missed.
 *
 * usage: blobbench --speed N...
 *   only the speed figures of random batches (for profiling: no yardsticks)
 */
#include "blob_write.h"
#include "der.h"
#include "b64.h"

#include <distrust/blob.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define ISSUERS 10

static int failed;
static bool speed_only;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

static void verdict(const char *what, bool ok)
{
    printf("  %-62s %s\n", what, ok ? "ok" : "MISSED");
    if (!ok)
        failed = 1;
}

static size_t gz(const void *p, size_t n)
{
    uLongf cap = compressBound((uLong)n);
    uint8_t *out = malloc(cap);
    if (!out || compress2(out, &cap, p, (uLong)n, 9) != Z_OK)
        cap = 0;
    free(out);
    return cap + 12; /* gzip's header and trailer over zlib's */
}

static size_t der_len(size_t n)
{
    return 1 + (n < 0x80 ? 1 : n <= 0xff ? 2 : n <= 0xffff ? 3 : n <= 0xffffff ? 4 : 5) + n;
}

/* ---- the real dump ---------------------------------------------------------------- */

static void real_dump(const char *path)
{
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    json_t *data = json_object_get(doc, "data");
    size_t n = json_array_size(data), ns = 0, nk = 0;
    struct dt_blob_entry *s = calloc(n, sizeof(*s)), *k = calloc(n, sizeof(*k));
    struct dt_buf *b = calloc(2 * n, sizeof(*b));
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(data, i);
        bool is = json_object_get(r, "issuerName") != NULL;
        const char *f[2] = {is ? "issuerName" : "subject", is ? "serialNumber" : "pubKeyHash"};
        for (int j = 0; j < 2; j++) {
            const char *v = json_string_value(json_object_get(r, f[j]));
            dt_buf_init(&b[2 * i + j], 0);
            if (!v || dt_b64_decode(v, strlen(v), true, &b[2 * i + j])) {
                fprintf(stderr, "blobbench: %s: bad record %zu\n", path, i);
                exit(2);
            }
        }
        struct dt_blob_entry *x = is ? &s[ns++] : &k[nk++];
        x->a = dt_slice_make(b[2 * i].data, b[2 * i].len);
        x->b = dt_slice_make(b[2 * i + 1].data, b[2 * i + 1].len);
    }
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    struct dt_blob_write_opts o = {1, 0, NULL, NULL, NULL};
    struct dt_buf out;
    dt_buf_init(&out, 0);
    struct dt_blob_write_stats st;
    if (dt_blob_write(s, ns, k, nk, &o, &out, &st, &d) != DT_OK) {
        fprintf(stderr, "blobbench: writing the real dump failed\n");
        exit(2);
    }
    size_t json_gz = 0;
    {
        char *text = json_dumps(doc, JSON_COMPACT);
        json_gz = text ? gz(text, strlen(text)) : 0;
        free(text);
    }
    printf("real OneCRL dump (%s): %zu records, %zu issuers\n", path, n, st.issuers);
    printf("  %-40s %10zu B\n", "revocations.blob", out.len);
    printf("  %-40s %10d B\n", "naive packed binary + zlib (DESIGN.md)", 35194);
    printf("  %-40s %10zu B\n", "onecrl.json, gzip -9", json_gz);
    verdict("smaller than the naive packing + zlib (35,194 B)", out.len < 35194);
    printf("  %-62s %s (%zu B, %.1f KiB)\n", "under 30 KB (a should, not a must)",
           out.len <= 30000 ? "yes" : "no", out.len, (double)out.len / 1024);
    dt_buf_free(&out);
    for (size_t i = 0; i < 2 * n; i++)
        dt_buf_free(&b[i]);
    free(b);
    free(s);
    free(k);
    json_decref(doc);
}

/* ---- random batches --------------------------------------------------------------- */

static int cmp_entry(const void *x, const void *y)
{
    const struct dt_blob_entry *a = x, *b = y;
    int c = a->a.p == b->a.p ? 0 : a->a.p < b->a.p ? -1 : 1;
    if (!c)
        c = (a->b.n > b->b.n) - (a->b.n < b->b.n);
    return c ? c : memcmp(a->b.p, b->b.p, a->b.n);
}

static void batch(size_t n)
{
    static uint8_t names[ISSUERS][64];
    size_t nl[ISSUERS];
    for (int i = 0; i < ISSUERS; i++) {
        char cn[32];
        int m = snprintf(cn, sizeof(cn), "Mass Revocation CA %02d", i);
        uint8_t *p = names[i];
        *p++ = 0x30, *p++ = (uint8_t)(m + 11), *p++ = 0x31, *p++ = (uint8_t)(m + 9);
        *p++ = 0x30, *p++ = (uint8_t)(m + 7), *p++ = 0x06, *p++ = 0x03, *p++ = 0x55;
        *p++ = 0x04, *p++ = 0x03, *p++ = 0x0c, *p++ = (uint8_t)m;
        memcpy(p, cn, (size_t)m);
        nl[i] = (size_t)(p - names[i]) + (size_t)m;
    }
    uint8_t *store = malloc(n * 20);
    struct dt_blob_entry *e = calloc(n, sizeof(*e));
    if (!store || !e) {
        fprintf(stderr, "blobbench: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 16 + rnd() % 5;
        uint8_t *s = store + i * 20;
        for (size_t j = 0; j < len; j++)
            s[j] = (uint8_t)rnd();
        s[0] = (uint8_t)(1 + s[0] % 0x7f); /* positive and minimal: 01..7f */
        int iss = (int)(rnd() % ISSUERS);
        e[i].a = dt_slice_make(names[iss], nl[iss]);
        e[i].b = dt_slice_make(s, len);
    }
    /* Distinct, for the bound (random 128-bit collisions do not happen, but
     * count exactly). */
    qsort(e, n, sizeof(*e), cmp_entry);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || cmp_entry(&e[u - 1], &e[i]))
            e[u++] = e[i];
    n = u;
    /* The bound: sum over (issuer, length) of log2 C(2^(8L), n) = n 8L - log2 n! (+ a
     * correction of n^2 / 2^(8L), nil here). */
    double bound_bits = 0;
    size_t crlset = 0, crl = 0, json_bytes = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && e[j].a.p == e[i].a.p && e[j].b.n == e[i].b.n)
            j++;
        double g = (double)(j - i);
        bound_bits += g * 8.0 * (double)e[i].b.n - lgamma(g + 1) / log(2.0);
        i = j;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && e[j].a.p == e[i].a.p)
            j++;
        crlset += 32 + 4; /* parent SPKI hash, count */
        size_t list = 0;
        for (size_t k = i; k < j; k++) {
            crlset += 1 + e[k].b.n;
            /* CRL entry: SEQUENCE { INTEGER serial, UTCTime date } */
            list += der_len(der_len(e[k].b.n) + 15);
        }
        /* per-issuer CRL: TBS (version, sigalg, issuer, dates, list) + sigalg + 256-byte sig */
        size_t tbs = 3 + 12 + e[i].a.n + 15 + 15 + der_len(list);
        crl += der_len(der_len(tbs) + 12 + 260);
        i = j;
    }
    /* onecrl.json for the batch: the real record shape, gzip -9. */
    if (!speed_only) {
        struct dt_buf js;
        dt_buf_init(&js, 0);
        bool ok = dt_buf_puts(&js, "{\"data\":[") == DT_OK;
        struct dt_buf b64i, b64s;
        for (size_t i = 0; i < n; i++) {
            dt_buf_init(&b64i, 0);
            dt_buf_init(&b64s, 0);
            ok &= dt_b64_encode(e[i].a, &b64i) == DT_OK;
            ok &= dt_b64_encode(e[i].b, &b64s) == DT_OK;
            ok &= dt_buf_printf(&js,
                                "%s{\"details\":{\"bug\":\"\",\"created\":\"\",\"name\":\"\","
                                "\"who\":\"\",\"why\":\"\"},\"enabled\":true,\"id\":\"%08llx-"
                                "%04x-8%03x-%04x-%012llx\",\"issuerName\":\"%.*s\",\"last_"
                                "modified\":1790000000000,\"serialNumber\":\"%.*s\"}",
                                i ? "," : "", (unsigned long long)(rnd() & 0xffffffffULL),
                                (unsigned)(rnd() & 0xffff), (unsigned)(rnd() & 0xfff),
                                (unsigned)(0x8000 | (rnd() & 0x3fff)),
                                (unsigned long long)(rnd() & 0xffffffffffffULL), (int)b64i.len,
                                (const char *)b64i.data, (int)b64s.len,
                                (const char *)b64s.data) == DT_OK;
            dt_buf_free(&b64i);
            dt_buf_free(&b64s);
        }
        ok &= dt_buf_puts(&js, "]}") == DT_OK;
        if (!ok) {
            fprintf(stderr, "blobbench: out of memory\n");
            exit(2);
        }
        json_bytes = gz(js.data, js.len);
        dt_buf_free(&js);
    }

    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    struct dt_blob_write_opts o = {1, 0, NULL, NULL, NULL};
    struct dt_buf out;
    dt_buf_init(&out, 0);
    double t0 = now();
    if (dt_blob_write(e, n, NULL, 0, &o, &out, NULL, &d) != DT_OK) {
        fprintf(stderr, "blobbench: writing failed\n");
        exit(2);
    }
    double t_write = now() - t0;
    /* Opening: the best of five. */
    double t_open = 1e9;
    struct dt_blob *bl = NULL;
    char err[256];
    for (int r = 0; r < 5; r++) {
        if (bl)
            dt_blob_close(bl);
        t0 = now();
        if (dt_blob_open(out.data, out.len, NULL, &bl, err, sizeof(err)) != DT_BLOB_OK) {
            fprintf(stderr, "blobbench: %s\n", err);
            exit(2);
        }
        double t = now() - t0;
        t_open = t < t_open ? t : t_open;
    }
    /* Lookups: half members, half random non-members, in random order. */
    enum { Q = 4000000 };
    struct dt_blob_entry *q = malloc(Q * sizeof(*q));
    uint8_t *qs = malloc((size_t)Q * 20);
    /* Every query's serial in one sequential array (a member's is copied), so
     * that the loop's own reads do not add cache misses to the blob's. */
    for (size_t i = 0; i < Q; i++) {
        const struct dt_blob_entry *m = &e[rnd() % n];
        uint8_t *s = qs + i * 20;
        if (i & 1)
            memcpy(s, m->b.p, m->b.n);
        else
            for (size_t j = 0; j < m->b.n; j++)
                s[j] = (uint8_t)rnd();
        q[i].a = m->a;
        q[i].b = dt_slice_make(s, m->b.n);
    }
    size_t hits = 0;
    t0 = now();
    for (size_t i = 0; i < Q; i++)
        hits += dt_blob_has_serial(bl, q[i].a.p, q[i].a.n, q[i].b.p, q[i].b.n) == 1;
    double rate = Q / (now() - t0);
    /* The same, non-members only (most lookups of a client) and members only. */
    size_t hn = 0;
    t0 = now();
    for (size_t i = 0; i < Q; i += 2)
        hn += dt_blob_has_serial(bl, q[i].a.p, q[i].a.n, q[i].b.p, q[i].b.n) == 1;
    double rate_non = (Q / 2) / (now() - t0);
    t0 = now();
    for (size_t i = 1; i < Q; i += 2)
        hn += dt_blob_has_serial(bl, q[i].a.p, q[i].a.n, q[i].b.p, q[i].b.n) == 1;
    double rate_mem = (Q / 2) / (now() - t0);
    /* The batch interface (distrust query --batch uses it). */
    struct dt_blob_query *bq = malloc(Q * sizeof(*bq));
    uint8_t *res = malloc(Q);
    for (size_t i = 0; bq && i < Q; i++)
        bq[i] = (struct dt_blob_query){q[i].a.p, q[i].a.n, q[i].b.p, q[i].b.n};
    t0 = now();
    int many_rc = bq && res ? dt_blob_lookup_many(bl, bq, Q, res) : DT_BLOB_ERR_NOMEM;
    double rate_many = Q / (now() - t0);
    if (many_rc != DT_BLOB_OK) {
        fprintf(stderr, "blobbench: dt_blob_lookup_many: %s\n", dt_blob_strerror(many_rc));
        exit(2);
    }
    size_t hits_many = 0;
    for (size_t i = 0; res && i < Q; i++)
        hits_many += res[i] && (i & 1);
    free(bq);
    free(res);
    const struct dt_blob_issuer *first = NULL;
    if (dt_blob_find_issuer(bl, names[0], nl[0], &first) != 1) {
        fprintf(stderr, "blobbench: the first issuer is not in the blob\n");
        exit(2);
    }
    size_t hits2 = 0, asked2 = 0;
    struct dt_blob_entry *q0 = malloc(Q * sizeof(*q0));
    for (size_t i = 0; q0 && i < Q; i++)
        if (q[i].a.p == names[0])
            q0[asked2++] = q[i];
    t0 = now();
    for (size_t i = 0; i < asked2; i++)
        hits2 += dt_blob_issuer_has(first, q0[i].b.p, q0[i].b.n) == 1;
    double rate2 = asked2 / (now() - t0);
    free(q0);
    double bound = bound_bits / 8;
    printf("random batch: %zu serials (16-20 octets) under %d issuers\n", n, ISSUERS);
    printf("  %-40s %12zu B  %.3fx the bound\n", "revocations.blob", out.len,
           (double)out.len / bound);
    printf("  %-40s %12.0f B\n", "information-theoretic bound", bound);
    printf("  %-40s %12zu B\n", "Chrome CRLSet body", crlset);
    printf("  %-40s %12zu B\n", "onecrl.json, gzip -9", json_bytes);
    printf("  %-40s %12zu B\n", "DER CRLs (one per issuer, RSA-2048)", crl);
    printf("  %-40s %12.1f ms\n", "write", t_write * 1000);
    printf("  %-40s %12.1f ms\n", "open (best of 5)", t_open * 1000);
    printf("  %-40s %12.2f M/s (%zu of %d listed)\n", "lookups, issuer + serial", rate / 1e6, hits,
           Q);
    printf("  %-40s %12.2f M/s\n", "lookups, batch interface", rate_many / 1e6);
    printf("  %-40s %12.2f M/s\n", "lookups, non-members only", rate_non / 1e6);
    printf("  %-40s %12.2f M/s\n", "lookups, members only", rate_mem / 1e6);
    printf("  %-40s %12.2f M/s\n", "lookups, issuer found once", rate2 / 1e6);
    verdict("within 1.10x of the information-theoretic bound", out.len <= 1.10 * bound);
    if (!speed_only)
        verdict("smaller than a CRLSet body, gzip'd onecrl.json and DER CRLs",
                out.len < crlset && out.len < json_bytes && out.len < crl);
    verdict("every member found", hits == Q / 2 && hn == Q / 2 && hits_many == Q / 2 &&
                                      hits2 * 2 >= asked2 - asked2 / 10);
    if (n >= 3000000)
        verdict("opening a 3M-entry blob takes 300 ms or less", t_open <= 0.300);
    verdict("10 M lookups/s or more on one core (batch interface, half members)",
            rate_many >= 10e6);
    dt_blob_close(bl);
    dt_buf_free(&out);
    free(q);
    free(qs);
    free(e);
    free(store);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: blobbench ONECRL.json N...\n"
                        "       blobbench --speed N...\n");
        return 2;
    }
    speed_only = !strcmp(argv[1], "--speed");
    if (!speed_only)
        real_dump(argv[1]);
    for (int i = 2; i < argc; i++)
        batch((size_t)strtoull(argv[i], NULL, 10));
    return failed;
}
