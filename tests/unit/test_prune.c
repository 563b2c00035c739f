/* Unit tests: prune.c, `distrust lint --expired-before`: an entry is
 * expired when every certificate known for it (named, in the pool under
 * its issuer and serial or its subject and key, the dated root) expired
 * before the date; live when one is valid then; unknown when a distrust has
 * no known certificate. One line per expired or unknown entry, in policy
 * order; counts. Over the fixture PKI (leaves expire in 2034, intermediates
 * in 2039 and 2040, roots in 2045). */
#include "prune.h"
#include "unit_x509.h"

static struct unit_diags U;
static char CWD[400];
static char LINES[16384];

static void on_line(const char *line, void *ctx)
{
    (void)ctx;
    strncat(LINES, line, sizeof(LINES) - strlen(LINES) - 2);
    strcat(LINES, "\n");
}

struct fx {
    struct dt_policy p;
    struct dt_pool pool;
    struct dt_model m;
    bool has_pool;
};

static void fx_load(struct fx *f, const char *fmt, bool with_pool)
{
    char text[4096];
    snprintf(text, sizeof(text), fmt, CWD);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(f, 0, sizeof(*f));
    dt_pool_init(&f->pool);
    f->has_pool = with_pool;
    const char *paths[1] = {UNIT_WRITE_STR("prune.json", text)};
    if (dt_policy_load(&f->p, paths, 1, &d) != DT_OK ||
        (with_pool &&
         (dt_pool_add(&f->pool, "testdata/pki", NULL, &d, NULL, NULL) != DT_OK ||
          dt_pool_add(&f->pool, "testdata/pki-cross", NULL, &d, NULL, NULL) != DT_OK)) ||
        dt_model_resolve(&f->p, with_pool ? &f->pool : NULL, NULL, &f->m, NULL, &d, NULL) !=
            DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
}

static void fx_free(struct fx *f)
{
    dt_model_free(&f->m);
    dt_pool_free(&f->pool);
    dt_policy_free(&f->p);
}

static enum dt_err prune(struct fx *f, int64_t before, struct dt_prune_stats *st)
{
    LINES[0] = 0;
    return dt_prune_report(&f->m, f->has_pool ? &f->pool : NULL, before, on_line, NULL, st);
}

static const int64_t Y2035 = 2051222400, Y2041 = 2240611200, Y2046 = 2398377600;

#define POLICY                                                                             \
    "{\"version\": 1, \"entries\": [\n"                                                    \
    " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", \"label\": \"Leaf\"},\n"        \
    " {\"certificate\": \"%1$s/testdata/pki/bundle-leaves.pem\"},\n"                       \
    " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"cross_signs\": false},\n"      \
    " {\"issuer_certificate\": \"%1$s/testdata/pki/int-c.pem\", \"serial\": \"0c:0b\"},\n" \
    " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"77\"},\n"   \
    " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "     \
    "\"2024-11-30T23:59:59Z\"}]}"

int main(void)
{
    if (!getcwd(CWD, sizeof(CWD)))
        return 2;
    struct fx f;
    struct dt_prune_stats st;

    /* Without a pool, at 2035. */
    fx_load(&f, POLICY, false);
    CHECK(prune(&f, Y2035, &st) == DT_OK && st.expired == 2 && st.live == 2 && st.unknown == 2,
          "2035, no pool: two expired, two live, two unknown (%zu, %zu, %zu)", st.expired, st.live,
          st.unknown);
    CHECK(strstr(LINES, "expired: prune.json /entries/0 \"Leaf\": its certificate expired before "
                        "2035-01-01T00:00:00Z (the latest notAfter is 2034-01-01T00:00:00Z)\n"),
          "one certificate: its label, the date, the latest notAfter");
    CHECK(
        strstr(LINES, "expired: prune.json /entries/1: all 3 of its certificates expired before "),
        "a bundle: all of its certificates");
    CHECK(strstr(LINES, "unknown: prune.json /entries/3: no certificate is known for its issuer "
                        "and serial; give --pool to decide\n") &&
              strstr(LINES, "unknown: prune.json /entries/4:"),
          "an issuer/serial with no certificate at hand: unknown, with what would decide it");
    CHECK(!strstr(LINES, "/entries/2") && !strstr(LINES, "/entries/5"),
          "the live entries (an intermediate, a dated root) have no line");
    const char *e0 = strstr(LINES, "/entries/0"), *e1 = strstr(LINES, "/entries/1"),
               *e3 = strstr(LINES, "/entries/3");
    CHECK(e0 && e1 && e3 && e0 < e1 && e1 < e3, "lines in policy order");
    fx_free(&f);

    /* With the pool: the issuer/serial leaf-a1 is known. */
    fx_load(&f, POLICY, true);
    CHECK(prune(&f, Y2035, &st) == DT_OK && st.expired == 3 && st.unknown == 1 && st.live == 2,
          "2035 with the pool: the pool's leaf-c-before decides entry 3 (%zu, %zu, %zu)",
          st.expired, st.unknown, st.live);
    CHECK(strstr(LINES, "expired: prune.json /entries/3: its certificate expired"),
          "expired by the pool's certificate");
    fx_free(&f);

    /* 2041: the intermediate too; 2046: the dated root. */
    fx_load(&f, POLICY, true);
    CHECK(prune(&f, Y2041, &st) == DT_OK && st.expired == 4 && st.live == 1,
          "2041: the intermediate (2040) expired too, the root (2045) not");
    CHECK(prune(&f, Y2046, &st) == DT_OK && st.expired == 5 && st.live == 0 && st.unknown == 1 &&
              strstr(LINES, "expired: prune.json /entries/5: its certificate expired before "
                            "2046-01-01T00:00:00Z (the latest notAfter is 2045-01-01T00:00:00Z)"),
          "2046: the dated root expired too");
    CHECK(prune(&f, 0, &st) == DT_OK && st.expired == 0 && st.live == 5 && st.unknown == 1,
          "at the epoch nothing has expired");
    fx_free(&f);

    /* A key distrust: every certificate of the key must have expired
     * (int-a1 2040, its cross-certificates 2039). */
    fx_load(&f,
            "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"}]}",
            true);
    CHECK(prune(&f, 2208988800 /* 2040-01-01T00:00:00Z */, &st) == DT_OK && st.live == 1 &&
              st.expired == 0,
          "a key at int-a1's notAfter exactly: still live (notAfter is inclusive)");
    CHECK(prune(&f, Y2041, &st) == DT_OK && st.expired == 1 &&
              strstr(LINES, "all 3 of its certificates expired") &&
              strstr(LINES, "(the latest notAfter is 2040-01-01T00:00:00Z)"),
          "2041: all three certificates of the key, the latest notAfter int-a1's");
    fx_free(&f);

    /* A serial list: one serial known, one not. */
    char list[600], text[2048];
    snprintf(list, sizeof(list), "%s", UNIT_WRITE_STR("serials.txt", "01:02\n77\n"));
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"issuer_certificate\": "
             "\"%%1$s/testdata/pki/int-a1.pem\", \"serials_file\": \"%s\", \"label\": \"Batch\"}]}",
             list);
    fx_load(&f, text, true);
    CHECK(prune(&f, Y2035, &st) == DT_OK && st.unknown == 1 &&
              strstr(LINES, "unknown: prune.json /entries/0 \"Batch\": 1 of 2 distrusts have no "
                            "known certificate (the 1 known expired before 2035-01-01T00:00:00Z)"),
          "part known, part not: unknown, with the counts");
    fx_free(&f);

    /* Subject + key: every pool certificate of that subject and key. */
    struct dt_certlist l = {0};
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_cert_load_file("testdata/pki/int-a1.pem", &l, &d, NULL) != DT_OK)
        return 2;
    char *subj = ux_b64(l.v[0]->info.subject.p, l.v[0]->info.subject.n);
    char *spki = ux_b64(l.v[0]->spki_sha256, 32);
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [{\"subject_der\": \"%s\", \"spki_sha256\": \"%s\"}, "
             "{\"subject_der\": \"%s\", \"spki_sha256\": "
             "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}]}",
             subj, spki, subj);
    fx_load(&f, text, true);
    enum dt_err prc = prune(&f, Y2041, &st);
    CHECK(prc == DT_OK && st.expired == 1 && st.unknown == 1 &&
              strstr(LINES, "expired: prune.json /entries/0: all 3 of its certificates expired") &&
              strstr(LINES, "unknown: prune.json /entries/1: no certificate is known"),
          "subject + key: the key's three pool certificates decide; another key: unknown "
          "(regression: always unknown, the pool was searched by exact bytes it is not "
          "indexed by)");
    CHECK(prune(&f, Y2035, &st) == DT_OK && st.live == 1, "and while one of them is valid, live");
    fx_free(&f);
    free(subj);
    free(spki);
    dt_cert_list_free(&l);
    return unit_done();
}
