/* Unit tests: impact.c, `distrust impact`: what a build does to a corpus:
 * distrusted on every chain, on some (another path stays), unaffected, no
 * path; per entry and in total; distrusted by issuer and serial anywhere on
 * a chain, by a distrust-after date of the anchor for the purpose only,
 * per purpose; the table, the list and JSON; validity at a time; warnings
 * (no anchor, nothing distrusted) and strict; errors. Builds of
 * testdata/chains/basic, a pool of testdata/pki. */
#include "build.h"
#include "impact.h"
#include "unit.h"
#include "unit_json.h"

#include <jansson.h>

/* A string member, "" when absent (a failed check, never a crash). */
static struct unit_diags U;
static char CWD[400];
static char OUT[1 << 16];
static size_t OUT_LEN;

static void on_line(const char *line, void *ctx)
{
    (void)ctx;
    int n = snprintf(OUT + OUT_LEN, sizeof(OUT) - OUT_LEN, "%s\n", line);
    if (n > 0 && (size_t)n < sizeof(OUT) - OUT_LEN)
        OUT_LEN += (size_t)n;
}

static void build(const char *policy_fmt, const char *out)
{
    char text[4096];
    snprintf(text, sizeof(text), policy_fmt, CWD);
    const char *ps[1] = {UNIT_WRITE_STR("impact.json", text)};
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    o.policies = ps;
    o.n_policies = 1;
    o.out_dir = out;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    if (dt_build_run(&o, NULL) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
}

struct q {
    const char *build;
    const char *pools[2];
    size_t n_pools;
    const char *corpus[12];
    size_t n_corpus;
    int purpose, json, list, strict;
    int64_t at;
};

static enum dt_err impact(const struct q *q, struct dt_impact_summary *s)
{
    struct dt_impact_opts o;
    memset(&o, 0, sizeof(o));
    o.build_dir = q->build;
    o.pools = q->pools;
    o.n_pools = q->n_pools;
    o.corpus = q->corpus;
    o.n_corpus = q->n_corpus;
    o.purpose = q->purpose;
    o.json = q->json;
    o.list = q->list;
    o.strict = q->strict;
    o.at = q->at;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    o.report = on_line;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    OUT_LEN = 0;
    OUT[0] = 0;
    return dt_impact_run(&o, s);
}

#define POLICY                                                                                     \
    "{\"version\": 1, \"entries\": [\n"                                                            \
    " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"00:80:00:00:01\", " \
    "\"label\": \"Leaf 2\"},\n"                                                                    \
    " {\"certificate\": \"%1$s/testdata/pki/int-a2.pem\", \"label\": \"Int A2\"},\n"               \
    " {\"certificate\": \"%1$s/testdata/pki/leaf-ascii.pem\", \"purposes\": "                      \
    "[\"email-protection\"], \"targets\": [\"nss\"], \"label\": \"ASCII mail\"},\n"                \
    " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "             \
    "\"2024-11-30T23:59:59Z\", \"label\": \"Root C date\"},\n"                                     \
    " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"scope\": \"certificate\", "            \
    "\"purposes\": [\"code-signing\"], \"targets\": [\"nss\"], \"label\": \"Int A1 code\"}]}"

int main(void)
{
    if (!getcwd(CWD, sizeof(CWD)))
        return 2;
    char b[600];
    snprintf(b, sizeof(b), "%s/build", unit_tmp());
    build(POLICY, b);
    struct q q = {b,
                  {"testdata/pki"},
                  1,
                  {"testdata/pki/leaf-a1.pem", "testdata/pki/leaf-a1-2.pem",
                   "testdata/pki/leaf-a2.pem", "testdata/pki/leaf-neg.pem",
                   "testdata/pki/leaf-c-after.pem", "testdata/pki/leaf-c-before.pem",
                   "testdata/pki/leaf-ascii.pem", "testdata/pki-odd/sigalg-mismatch.pem"},
                  8,
                  0,
                  0,
                  1,
                  0,
                  0};
    struct dt_impact_summary s;
    enum dt_err rc = impact(&q, &s);
    /* Server: leaf-a1-2, leaf-a2, leaf-neg, leaf-c-after distrusted;
     * leaf-a1 (two paths, none cut), leaf-c-before, leaf-ascii unaffected;
     * sigalg-mismatch: its root is not in the pool. */
    CHECKU(rc == DT_OK && s.corpus == 8 && s.distrusted == 4 && s.other_path == 0 &&
               s.unaffected == 3 && s.no_path == 1,
           "server: 4 distrusted, 3 unaffected, 1 without a path (%zu %zu %zu %zu)", s.distrusted,
           s.other_path, s.unaffected, s.no_path);
    CHECK(s.entries == 3 && s.distrusts == 3,
          "three entries concern the server purpose, one object each (%zu, %zu)", s.entries,
          s.distrusts);
    CHECK(strstr(OUT, "distrusted  leaf-c-after.pem#1 \"after.example.test\": 1 of 1 chain cut; "
                      "by impact.json /entries/3\n") &&
              strstr(OUT, "unaffected  leaf-c-before.pem#1 \"before.example.test\": 0 of 1 "
                          "chain cut\n"),
          "the date cuts the leaf issued after it, not the one issued before");
    CHECK(strstr(OUT, "distrusted  leaf-neg.pem#1 ") &&
              strstr(OUT, "by impact.json /entries/1\n") &&
              strstr(OUT, "no path     sigalg-mismatch.pem#1 "),
          "the list: one line per corpus certificate with its class and the entries that cut it");
    CHECK(strstr(OUT, "         2          0          5  impact.json /entries/1 \"Int A2\" (1 "
                      "distrust)\n") &&
              strstr(OUT, "         4          0          3  total\n") &&
              strstr(OUT, "8 corpus certificates: 4 distrusted on every path, 0 distrusted on some "
                          "paths but valid through another, 3 unaffected, 1 with no path"),
          "the table: per entry and in total");

    /* E-mail: the ASCII leaf's e-mail distrust; the server date does not apply. */
    q.purpose = DT_IMPACT_EMAIL;
    q.list = 0;
    rc = impact(&q, &s);
    CHECKU(rc == DT_OK && s.distrusted == 4 && s.unaffected == 3,
           "e-mail: leaf-a1-2, leaf-a2, leaf-neg, leaf-ascii (%zu)", s.distrusted);
    CHECK(!strstr(OUT, "Root C date"), "the server date is no e-mail entry");

    /* Code signing: int-a1 revoked alone; leaf-a1 keeps its path through
     * int-a1-xb (Root B). */
    q.purpose = DT_IMPACT_CODE;
    q.list = 1;
    rc = impact(&q, &s);
    CHECKU(rc == DT_OK && s.other_path == 2 && s.distrusted == 3 &&
               strstr(OUT, "other path  leaf-a1.pem#1 \"leaf1.example.test\": 1 of 2 chains cut; "
                           "by impact.json /entries/4\n"),
           "code signing: int-a1 revoked alone, leaf-a1 valid through the cross-certificate; the "
           "date is no code-signing entry");

    /* JSON. */
    q.purpose = DT_IMPACT_SERVER;
    q.json = 1;
    rc = impact(&q, &s);
    json_error_t je;
    json_t *j = json_loads(OUT, 0, &je);
    json_t *tot = json_object_get(j, "totals");
    CHECK(rc == DT_OK && j && !strcmp(JSTR(j, "purpose"), "server-auth") &&
              json_integer_value(json_object_get(tot, "distrusted")) == 4 &&
              json_integer_value(json_object_get(tot, "no_path")) == 1 &&
              json_array_size(json_object_get(j, "entries")) == 3 &&
              json_array_size(json_object_get(j, "certificates")) == 8 &&
              json_is_null(json_object_get(j, "time")),
          "JSON: purpose, totals, entries, every certificate (with list), no time");
    json_decref(j);
    q.json = 0;

    /* At a time before the leaves: no path for any. */
    q.at = 1609459200; /* 2021-01-01 */
    rc = impact(&q, &s);
    CHECK(rc == DT_OK && s.no_path == 8 && strstr(OUT, "time 2021-01-01T00:00:00Z"),
          "at a time before the leaves were issued: no path for any");
    q.at = 0;

    /* Warnings: a pool without anchors (the build's distrust-after roots are
     * anchors too: a build without one here); strict makes it an error. */
    char b2[600];
    snprintf(b2, sizeof(b2), "%s/build2", unit_tmp());
    build("{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a2.pem\", "
          "\"purposes\": [\"server-auth\"], \"targets\": [\"nss\"]}]}",
          b2);
    q.build = b2;
    q.pools[0] = "testdata/pki/int-a1.pem";
    rc = impact(&q, &s);
    CHECKU(rc == DT_OK && s.anchors == 0 && unit_has(&U, "the pool holds no trust anchor") &&
               s.no_path == 8,
           "a pool without anchors: a warning, no path for any");
    q.strict = 1;
    rc = impact(&q, &s);
    CHECK(rc == DT_ERR_STRICT && OUT_LEN == 0, "strict: DT_ERR_STRICT before any output");
    q.strict = 0;
    q.pools[0] = "testdata/pki";
    q.purpose = DT_IMPACT_CODE;
    rc = impact(&q, &s);
    CHECKU(rc == DT_OK && unit_has(&U, "the build distrusts nothing for the code-signing purpose"),
           "a build that distrusts nothing for the purpose: a warning");
    q.purpose = DT_IMPACT_SERVER;
    q.build = b;

    /* Errors. */
    char empty[600];
    snprintf(empty, sizeof(empty), "%s/empty", unit_tmp());
    mkdir(empty, 0755);
    q.corpus[0] = empty;
    q.n_corpus = 1;
    rc = impact(&q, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "the corpus holds no certificate"),
           "an empty corpus: an input error");
    q.corpus[0] = "testdata/pki/leaf-a1.pem";
    q.build = empty;
    rc = impact(&q, &s);
    CHECK(rc == DT_ERR_INPUT && U.errors >= 1, "a directory that is not a build: an input error");
    q.build = b;
    q.purpose = 3;
    CHECK(impact(&q, &s) == DT_ERR_USAGE, "an unknown purpose: a usage error");
    CHECK(dt_impact_run(NULL, &s) == DT_ERR_USAGE, "no options: a usage error");
    return unit_done();
}
