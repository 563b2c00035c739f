/* Unit tests: deadlines.c, `distrust deadlines`: the incident report in
 * Markdown (deadline passed or not, counts per class, the CRLs and the
 * newest current one, the unrevoked with their expiry from a pool, the late
 * ones, row caps) and in JSON (every list), the summary, and the errors (no
 * incident entry, a bad policy). CRLs are made here and signed with the
 * fixture PKI's int-a1 key. */
#include "deadlines.h"
#include "unit_x509.h"
#include "unit_json.h"

#include <jansson.h>

/* A string member, "" when absent (a failed check, never a crash). */
static struct unit_diags U;
static char CWD[400];

static const int64_t DEADLINE = 1722454200; /* 2024-07-31T19:30:00Z */
static const int64_t DAY = 86400;

static char POLICY[600];

/* A policy of one incident over int-a1's serials, with the CRL at crl (NULL:
 * none) and the given targets text (NULL: default). */
static void write_policy(const char *list, const char *crl, const char *extra)
{
    char text[4096];
    snprintf(
        text, sizeof(text),
        "{\"version\": 1, \"entries\": [{\"incident_serials\": \"%s\", \"issuer_certificate\": "
        "\"%s/testdata/pki/int-a1.pem\", \"revoke_by\": \"2024-07-31T19:30:00Z\"%s%s%s, "
        "\"label\": \"Mis-issued batch\", \"bug\": \"https://bugs.example/1\"%s}]}",
        list, CWD, crl ? ", \"crl\": \"" : "", crl ? crl : "", crl ? "\"" : "", extra ? extra : "");
    snprintf(POLICY, sizeof(POLICY), "%s", UNIT_WRITE_STR("incident.json", text));
}

static char *report(int64_t now, bool json, size_t max_rows, bool pool, enum dt_err *rc,
                    struct dt_deadlines_summary *sum)
{
    struct dt_deadlines_opts o;
    memset(&o, 0, sizeof(o));
    const char *ps[1] = {POLICY}, *pools[1] = {"testdata/pki"};
    o.policies = ps;
    o.n_policies = 1;
    o.pools = pool ? pools : NULL;
    o.n_pools = pool ? 1 : 0;
    o.now = now;
    o.json = json;
    o.max_rows = max_rows;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_buf b;
    dt_buf_init(&b, 0);
    *rc = dt_deadlines_report(&o, &b, sum, &d);
    char *s = dt_buf_steal(&b, NULL);
    dt_buf_free(&b);
    return s;
}

int main(void)
{
    if (!getcwd(CWD, sizeof(CWD)))
        return 2;
    X509 *issuer = ux_x509_file("testdata/pki/int-a1.pem");
    EVP_PKEY *key = ux_key_file("testdata/pki/int-a1.key.pem");
    /* 01:02 (leaf-a1) on time, 0b:0b late (49 h), 00:80:00:00:01 (leaf-a1-2,
     * in the pool) and 0a:0a not revoked. */
    static const uint8_t s1[] = {0x01, 0x02}, s2[] = {0x0b, 0x0b};
    struct ux_revoked rv[] = {{s1, 2, DEADLINE - 3600, -1}, {s2, 2, DEADLINE + 49 * 3600, -1}};
    struct ux_crl_spec cs = {issuer, NULL, key,  DEADLINE + 3 * DAY, DEADLINE + 33 * DAY, rv,
                             2,      42,   false};
    char crl[600], list[600];
    snprintf(crl, sizeof(crl), "%s", ux_write_crl("batch.crl", &cs));
    snprintf(list, sizeof(list), "%s",
             UNIT_WRITE_STR("batch.txt", "01:02\n00:80:00:00:01\n0b:0b\n0a:0a\n"));
    write_policy(list, crl, NULL);

    enum dt_err rc;
    struct dt_deadlines_summary sum;
    int64_t now = DEADLINE + 4 * DAY;
    char *md = report(now, false, 0, true, &rc, &sum);
    CHECKU(rc == DT_OK && sum.incidents == 1 && sum.overdue == 2,
           "a report: one incident, two serials overdue");
    CHECK(md &&
              strstr(md, "# Revocation deadlines at 2024-08-04T19:30:00Z\n\n## Mis-issued batch\n\n"
                         "- Entry: incident.json /entries/0\n- Issuer: CN=Test Intermediate 1,"
                         "O=Distrust Test,C=US\n- Bug: https://bugs.example/1\n"
                         "- Deadline: 2024-07-31T19:30:00Z, **passed 96 hours ago** (4.0 days)\n"
                         "- Serials: 4 ("),
          "its head: the time, the entry, the issuer, the bug, how long ago the deadline passed");
    CHECK(md && strstr(md, "| revoked on time | 1 |\n| revoked late | 1 (the latest 49 hours after "
                           "the deadline) |\n| not revoked | 2 |\n"),
          "counts per class, the latest revocation's delay");
    CHECK(md &&
              strstr(md, "| 2A | 2024-08-03T19:30:00Z | 2024-09-02T19:30:00Z | 2 | current |\n") &&
              strstr(md, "Newest current CRL: ") && strstr(md, "batch.crl"),
          "the CRL: number, thisUpdate, nextUpdate, entries, status; the newest current one");
    CHECK(md && strstr(md, "### Not revoked (2): the next build distrusts them (OneCRL and the "
                           "blob)\n\nTheir certificates expire between 2034-01-01T00:00:00Z and "
                           "2034-01-01T00:00:00Z (1 of 2 found in the pool).\n"),
          "the unrevoked: what the next build does, their expiry from the pool");
    CHECK(md && strstr(md, "| 0080000001 | 2 | 2034-01-01T00:00:00Z |  |\n") &&
              strstr(md, "| 0a0a | 4 | unknown |  |\n"),
          "one row each: serial, line, expiry or unknown");
    CHECK(md && strstr(md, "### Revoked late (1)\n") &&
              strstr(md, "| 0b0b | 3 | 2024-08-02T20:30:00Z | 49 |\n"),
          "the late ones with their hours late");
    free(md);

    /* Row caps. */
    md = report(now, false, 1, true, &rc, &sum);
    CHECK(rc == DT_OK && md && strstr(md, "| … 1 more (--json lists all) | | | |\n") &&
              !strstr(md, "| 0a0a |"),
          "max_rows 1: one row, then how many more");
    free(md);

    /* Without the pool: expiry unknown. */
    md = report(now, false, 0, false, &rc, &sum);
    CHECK(rc == DT_OK && md &&
              strstr(md, "Their expiry is unknown: give the certificates with --pool."),
          "no pool: the expiry is unknown, and the report says how to give it");
    free(md);

    /* JSON: everything, with the pool's expiry. */
    md = report(now, true, 1, true, &rc, &sum);
    json_error_t je;
    json_t *j = md ? json_loads(md, 0, &je) : NULL;
    json_t *inc = json_array_get(json_object_get(j, "incidents"), 0);
    json_t *unrev = json_object_get(json_object_get(inc, "serials_by_class"), "not_revoked");
    CHECK(rc == DT_OK && j && !strcmp(JSTR(j, "evaluated_at"), "2024-08-04T19:30:00Z") &&
              json_array_size(json_object_get(j, "incidents")) == 1 && json_array_size(unrev) == 2,
          "JSON: the time, one incident, both unrevoked listed (max_rows does not apply)");
    bool exp = false;
    for (size_t i = 0; i < json_array_size(unrev); i++) {
        json_t *x = json_array_get(unrev, i);
        exp |= !strcmp(JSTR(x, "serial"), "0080000001") && json_object_get(x, "not_after") &&
               !strcmp(JSTR(x, "not_after"), "2034-01-01T00:00:00Z");
    }
    CHECK(exp, "JSON: the pool's notAfter of the unrevoked it holds");
    json_decref(j);
    free(md);

    /* Before the deadline. */
    md = report(DEADLINE - 10 * 3600, false, 0, true, &rc, &sum);
    CHECK(rc == DT_OK && sum.overdue == 0 && md &&
              strstr(md, "- Deadline: 2024-07-31T19:30:00Z, in 10 hours\n") &&
              strstr(md, "### Not revoked yet (4): no entry before the deadline") &&
              strstr(md, "**No current CRL**: nothing counts as revoked."),
          "before the deadline (the CRL not yet valid): hours left, nothing overdue, no current "
          "CRL");
    free(md);

    /* Every serial revoked. */
    char all[600];
    snprintf(all, sizeof(all), "%s", UNIT_WRITE_STR("all.txt", "01:02\n0b:0b\n"));
    write_policy(all, crl, NULL);
    md = report(now, false, 0, false, &rc, &sum);
    CHECK(rc == DT_OK && md &&
              strstr(md, "### Every serial is revoked: the next build adds no entry") &&
              sum.overdue == 0,
          "every serial revoked: no entry to add");
    free(md);

    /* No CRL, other targets. */
    write_policy(list, NULL, ", \"targets\": [\"blob\"]");
    md = report(now, false, 0, false, &rc, &sum);
    CHECK(rc == DT_OK && md && strstr(md, "No CRL given: every serial counts as not revoked.") &&
              strstr(md, "### Not revoked (4): the next build distrusts them (its targets)"),
          "no CRL: all not revoked; targets other than OneCRL and the blob said generically");
    free(md);

    /* Errors. */
    snprintf(POLICY, sizeof(POLICY), "%s",
             UNIT_WRITE_STR("plain.json", "{\"version\": 1, \"entries\": []}"));
    md = report(now, false, 0, false, &rc, &sum);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "the policies hold no incident entry") &&
               sum.incidents == 0,
           "a policy without incidents: an input error that says so");
    free(md);
    snprintf(POLICY, sizeof(POLICY), "%s", UNIT_WRITE_STR("bad.json", "{\"version\": 2}"));
    md = report(now, false, 0, false, &rc, &sum);
    CHECK(rc == DT_ERR_INPUT && U.errors >= 1 && (!md || !*md),
          "a bad policy: an input error, no report");
    free(md);
    struct dt_buf b;
    dt_buf_init(&b, 0);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    CHECK(dt_deadlines_report(NULL, &b, NULL, &d) == DT_ERR_USAGE, "no options: a usage error");
    dt_buf_free(&b);
    X509_free(issuer);
    EVP_PKEY_free(key);
    return unit_done();
}
