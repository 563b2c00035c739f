/* Unit tests: reconcile.c, `distrust reconcile`: the consistency table of
 * OneCRL against a revoked-intermediates report (every cell, issuer +
 * serial and subject + key matches, the policy's row), Markdown caps, JSON,
 * the bypass of a revocation by a cross-certificate (fixture PKI: int-a1 and
 * its cross-certificates int-a1-xb by Root B, int-a1-xc by Root C) beside
 * its negative (the cross-certificate revoked too), the prunable records,
 * and bad inputs with their place. */
#include "reconcile.h"
#include "cert.h"
#include "file.h"
#include "unit_x509.h"
#include "unit_json.h"

#include <jansson.h>

static struct unit_diags U;
static char CWD[400];

static struct dt_cert *load(const char *name)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/testdata/%s.der", CWD, name);
    struct dt_buf b;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_file_read(path, 1 << 20, &b, &d, NULL) != DT_OK)
        ux_die(path);
    struct dt_cert *c = NULL;
    const char *why = NULL;
    if (dt_cert_from_der(b.data, b.len, &c, &why) != DT_OK)
        ux_die(path);
    dt_buf_free(&b);
    return c;
}

static char *pem_of(const char *name)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/testdata/%s.pem", CWD, name);
    struct dt_buf b;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_file_read(path, 1 << 20, &b, &d, NULL) != DT_OK || dt_buf_putc(&b, '\0') != DT_OK)
        ux_die(path);
    /* no trailing newline inside the quotes */
    while (b.len > 1 && (b.data[b.len - 2] == '\n'))
        b.data[--b.len - 1] = '\0';
    return (char *)b.data;
}

/* A OneCRL record by issuer + serial or by subject + key. */
static void rec_is(struct dt_buf *o, const struct dt_cert *c, const char *name)
{
    char *a = ux_b64(c->info.issuer.p, c->info.issuer.n),
         *b = ux_b64(c->info.serial.p, c->info.serial.n);
    if (dt_buf_printf(o, "%s{\"issuerName\": \"%s\", \"serialNumber\": \"%s\", \"id\": \"id-%s\", "
                         "\"details\": {\"name\": \"%s\"}, \"enabled\": false}",
                      o->len > 10 ? ", " : "", a, b, name, name) != DT_OK)
        ux_die("printf");
    free(a);
    free(b);
}

static void rec_sk(struct dt_buf *o, const struct dt_cert *c, const char *name)
{
    char *a = ux_b64(c->info.subject.p, c->info.subject.n), *b = ux_b64(c->spki_sha256, 32);
    if (dt_buf_printf(o, "%s{\"subject\": \"%s\", \"pubKeyHash\": \"%s\", \"id\": \"id-%s\", "
                         "\"details\": {\"name\": \"%s\"}}",
                      o->len > 10 ? ", " : "", a, b, name, name) != DT_OK)
        ux_die("printf");
    free(a);
    free(b);
}

static void row(struct dt_buf *o, const char *status, const char *name, const char *reason,
                bool bad_fp)
{
    struct dt_cert *c = load(name);
    char *pem = pem_of(name);
    char fp[65];
    for (int i = 0; i < 32; i++)
        snprintf(fp + 2 * i, 3, "%02X", c->sha256[i] ^ (bad_fp && i == 0 ? 1 : 0));
    if (dt_buf_printf(o, "\"Test Owner\",\"%s\",\"%s\",\"Test Owner/%s\",\"%s\",\"'%s'\"\n",
                      reason, status, name, fp, pem) != DT_OK)
        ux_die("printf");
    free(pem);
    dt_cert_free(c);
}

static const char HEADER[] = "\"CA Owner\",\"RFC 5280 Revocation Reason Code\",\"OneCRL Status\","
                             "\"CA Owner/Certificate Name\",\"SHA-256 Fingerprint\",\"PEM Info\"\n";

struct run {
    const char *onecrl, *ccadb, *certdata;
    const char *pools[2];
    size_t n_pools;
    const char *policy;
    bool json;
    size_t max_rows;
    int64_t date;
};

static char *go(const struct run *r, enum dt_err *rc, struct dt_reconcile_summary *s)
{
    struct dt_reconcile_opts o;
    memset(&o, 0, sizeof(o));
    o.onecrl = r->onecrl;
    o.ccadb = r->ccadb;
    o.certdata = r->certdata;
    o.pools = r->pools;
    o.n_pools = r->n_pools;
    const char *pols[1] = {r->policy};
    o.policies = pols;
    o.n_policies = r->policy ? 1 : 0;
    o.json = r->json;
    o.max_rows = r->max_rows;
    o.date = r->date ? r->date : 1767225600; /* 2026-01-01 */
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_buf b;
    dt_buf_init(&b, 0);
    *rc = dt_reconcile_run(&o, &b, s, &d);
    char *t = dt_buf_steal(&b, NULL);
    dt_buf_free(&b);
    return t;
}

int main(void)
{
    if (!getcwd(CWD, sizeof(CWD)))
        return 2;
    struct dt_cert *a1 = load("pki/int-a1"), *a2 = load("pki/int-a2"), *leaf = load("pki/leaf-a1"),
                   *xb = load("pki/int-a1-xb"), *d1 = load("pki/int-d");

    /* The verdicts: oneCRLDiffCCADB's, the policy's row, the note. */
    CHECK(dt_reconcile_verdict(DT_REC_IN_ONECRL, DT_REC_ADDED) == DT_REC_OK &&
              dt_reconcile_verdict(DT_REC_IN_ONECRL, DT_REC_EXPIRED) == DT_REC_INCONSISTENT &&
              dt_reconcile_verdict(DT_REC_IN_ONECRL, DT_REC_READY) == DT_REC_INCONSISTENT &&
              dt_reconcile_verdict(DT_REC_IN_ONECRL, DT_REC_NO_ROW) == DT_REC_NOTE &&
              dt_reconcile_verdict(DT_REC_NOT_ONECRL, DT_REC_ADDED) == DT_REC_INCONSISTENT &&
              dt_reconcile_verdict(DT_REC_NOT_ONECRL, DT_REC_EXPIRED) == DT_REC_OK &&
              dt_reconcile_verdict(DT_REC_NOT_ONECRL, DT_REC_READY) == DT_REC_OK &&
              dt_reconcile_verdict(DT_REC_NOT_ONECRL, DT_REC_NO_ROW) == DT_REC_NA &&
              dt_reconcile_verdict(DT_REC_IN_POLICY, DT_REC_READY) == DT_REC_OK &&
              dt_reconcile_verdict(DT_REC_IN_POLICY, DT_REC_EXPIRED) == DT_REC_INCONSISTENT,
          "the verdicts of the cells");

    /* OneCRL: int-a1 by issuer + serial, int-a2 by subject + key, leaf-a1
     * (no row), and int-a1 again (a duplicate). */
    struct dt_buf j;
    dt_buf_init(&j, 0);
    if (dt_buf_puts(&j, "{\"data\": [") != DT_OK)
        return 2;
    rec_is(&j, a1, "Test Intermediate 1");
    rec_sk(&j, a2, "Test Intermediate 2");
    rec_is(&j, leaf, "a leaf");
    rec_is(&j, a1, "again");
    if (dt_buf_puts(&j, "]}") != DT_OK)
        return 2;
    char onecrl[600];
    snprintf(onecrl, sizeof(onecrl), "%s", unit_write("onecrl.json", (char *)j.data, j.len));

    /* The report: int-a1 Added (✅), int-a2 Ready (❌, by subject + key),
     * int-c Added (❌, absent), int-d Expired (✅), int-utf8 Ready (✅). */
    struct dt_buf c;
    dt_buf_init(&c, 0);
    if (dt_buf_puts(&c, HEADER) != DT_OK)
        return 2;
    row(&c, "Added to OneCRL", "pki/int-a1", "(1) keyCompromise", false);
    row(&c, "Ready to Add", "pki/int-a2", "(4) superseded", false);
    row(&c, "Added to OneCRL", "pki/int-c", "", false);
    row(&c, "Cert Expired", "pki/int-d", "", false);
    row(&c, "Ready to Add", "pki/int-utf8", "", false);
    char csv[600];
    snprintf(csv, sizeof(csv), "%s", unit_write("revoked.csv", (char *)c.data, c.len));

    struct run r = {onecrl, csv, NULL, {NULL, NULL}, 0, NULL, false, 0, 0};
    enum dt_err rc;
    struct dt_reconcile_summary s;
    char *md = go(&r, &rc, &s);
    CHECKU(rc == DT_OK && s.rows == 5 && s.records == 3 && s.duplicates == 1,
           "read: 5 rows, 3 records (the duplicate once)");
    CHECK(s.cells[DT_REC_IN_ONECRL][DT_REC_ADDED] == 1 &&
              s.cells[DT_REC_IN_ONECRL][DT_REC_READY] == 1 &&
              s.cells[DT_REC_IN_ONECRL][DT_REC_EXPIRED] == 0 &&
              s.cells[DT_REC_IN_ONECRL][DT_REC_NO_ROW] == 1 &&
              s.cells[DT_REC_NOT_ONECRL][DT_REC_ADDED] == 1 &&
              s.cells[DT_REC_NOT_ONECRL][DT_REC_EXPIRED] == 1 &&
              s.cells[DT_REC_NOT_ONECRL][DT_REC_READY] == 1 && s.inconsistencies == 2,
          "every cell's count; two inconsistencies (the ❌ cells)");
    CHECK(md && strstr(md, "| Present in OneCRL | ✅ 1 | ❌ 0 | ❌ 1 | ℹ️ 1 |\n") &&
              strstr(md, "| Absent from OneCRL | ❌ 1 | ✅ 1 | ✅ 1 | — |\n") &&
              !strstr(md, "In the policy"),
          "Markdown: the table (no policy row without --policy)");
    CHECK(md && strstr(md, "## ❌ Present in OneCRL, Ready to Add: 1\n\n- Test Owner/pki/int-a2 "
                           "(report line 23, row 2): issuer \"Test Root A\" serial ") &&
              strstr(md, "; OneCRL /data/1 by subject-key\n"),
          "a record: name, line, row, issuer, serial; matched by subject + key");
    CHECK(md && strstr(md, "- Test Owner/pki/int-a1 (report line 2, row 1)") &&
              strstr(md, "; OneCRL /data/0 by issuer-serial\n"),
          "... and by issuer + serial");
    CHECK(md && strstr(md, "## ℹ️ Present in OneCRL, Absent from the report: 1\n\nNote: the "
                           "report lists revoked intermediates only") &&
              strstr(md, "- OneCRL /data/2 \"a leaf\": issuer \"Test Intermediate 1\" "
                         "serial 0102\n"),
          "the OneCRL record no row names, under a note");
    CHECK(md && strstr(md, "Of these: 0 subject + key, 1 issuer + serial (give --pool") &&
              s.no_row_subject_key == 0 && s.no_row_unknown == 1,
          "... which says what it is (without a pool: issuer + serial, kind unknown)");
    CHECK(md && !strstr(md, "cross-certificate bypasses") && !strstr(md, "pruned"),
          "no pool: neither the bypasses nor the prunable records");
    free(md);

    /* Caps. */
    r.max_rows = 1;
    dt_buf_reset(&c);
    if (dt_buf_puts(&c, HEADER) != DT_OK)
        return 2;
    row(&c, "Cert Expired", "pki/int-d", "", false);
    row(&c, "Cert Expired", "pki/int-c", "", false);
    row(&c, "Cert Expired", "pki/int-utf8", "", false);
    char csv2[600];
    snprintf(csv2, sizeof(csv2), "%s", unit_write("expired.csv", (char *)c.data, c.len));
    r.ccadb = csv2;
    md = go(&r, &rc, &s);
    CHECK(rc == DT_OK && s.inconsistencies == 0 && md &&
              strstr(md, "## ✅ Absent from OneCRL, Cert Expired: 3\n\n- Test Owner/pki/int-d") &&
              strstr(md, "- ... and 2 more\n") && !strstr(md, "pki/int-utf8 (report"),
          "max_rows 1: one record per cell, then how many more; no inconsistency");
    free(md);
    r.ccadb = csv;
    r.max_rows = 0;

    /* JSON. */
    r.json = true;
    md = go(&r, &rc, &s);
    json_error_t je;
    json_t *doc = md ? json_loads(md, 0, &je) : NULL;
    json_t *cells = json_object_get(doc, "cells");
    json_t *ready = json_object_get(json_object_get(cells, "present_in_onecrl"), "ready_to_add");
    json_t *r0 = json_array_get(json_object_get(ready, "records"), 0);
    json_t *oc = json_object_get(r0, "onecrl");
    CHECK(rc == DT_OK && doc && !strcmp(JSTR(ready, "verdict"), "inconsistent") &&
              json_integer_value(json_object_get(ready, "count")) == 1 &&
              !strcmp(JSTR(r0, "name"), "Test Owner/pki/int-a2") &&
              json_integer_value(json_object_get(r0, "line")) == 23 &&
              !strcmp(JSTR(oc, "match"), "subject-key") && !strcmp(JSTR(oc, "json_path"), "/data/1") &&
              !strcmp(JSTR(oc, "id"), "id-Test Intermediate 2"),
          "JSON: a cell's verdict, count and record, with the OneCRL record and how it matched");
    json_t *cert = json_object_get(r0, "certificate");
    char *want_fp = NULL;
    {
        static char hex[65];
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02X", a2->sha256[i]);
        want_fp = hex;
    }
    CHECK(!strcmp(JSTR(cert, "sha256"), want_fp) && !strcmp(JSTR(cert, "issuer"), "Test Root A") &&
              json_object_get(cert, "issuer_der") && json_object_get(cert, "serial"),
          "JSON: the certificate's fingerprint, issuer and serial");
    {
        /* a report's cells are bytes: one that is not UTF-8 (Latin-1, say)
         * still gives a JSON report, never "out of memory" */
        struct dt_buf c8;
        dt_buf_init(&c8, 0);
        if (dt_buf_puts(&c8, HEADER) != DT_OK)
            return 2;
        row(&c8, "Added to OneCRL", "pki/int-a1", "(1) keyCompromise", false);
        dt_buf_putc(&c8, '\0') == DT_OK ? (void)0 : ux_die("putc");
        char *o8 = strstr((char *)c8.data, "\"Test Owner\"");
        if (!o8)
            return 2;
        memcpy(o8 + 1, "T\xe9s\xe9", 4); /* "Test Owner" -> "T\xe9s\xe9 Owner" */
        char csv8[600];
        snprintf(csv8, sizeof(csv8), "%s", unit_write("latin1.csv", (char *)c8.data, c8.len - 1));
        struct run r8 = r;
        r8.ccadb = csv8;
        char *j8 = go(&r8, &rc, &s);
        json_t *d8 = j8 ? json_loads(j8, 0, &je) : NULL;
        json_t *a8 = json_object_get(json_object_get(json_object_get(d8, "cells"),
                                                     "present_in_onecrl"), "added_to_onecrl");
        json_t *w8 = json_array_get(json_object_get(a8, "records"), 0);
        CHECKU(rc == DT_OK && d8 && JSTR(w8, "ca_owner") && !strncmp(JSTR(w8, "ca_owner"), "T", 1) &&
                   strstr(JSTR(w8, "ca_owner"), " Owner"),
               "JSON: a cell that is not UTF-8 is written (its bad bytes replaced)");
        /* ... and a file name that is not UTF-8 (Linux names are bytes) */
        char lat[600];
        snprintf(lat, sizeof(lat), "%s", unit_write("d\xfcmp.json", (char *)j.data, j.len));
        r8 = r;
        r8.onecrl = lat;
        char *j9 = go(&r8, &rc, &s);
        json_t *d9 = j9 ? json_loads(j9, 0, &je) : NULL;
        const char *in9 = JSTR(json_object_get(d9, "inputs"), "onecrl");
        CHECKU(rc == DT_OK && d9 && in9 && strstr(in9, "d\xef\xbf\xbdmp.json"),
               "JSON: an input's file name that is not UTF-8 is written (U+FFFD for its bad byte)");
        json_decref(d9);
        free(j9);
        json_decref(d8);
        free(j8);
        dt_buf_free(&c8);
    }
    CHECK(json_integer_value(json_object_get(doc, "inconsistencies")) == 2 &&
              !json_object_get(cells, "in_policy_only") &&
              !strcmp(JSTR(json_object_get(json_object_get(cells, "absent_from_onecrl"),
                                           "absent_from_report"),
                           "verdict"),
                      "n/a") &&
              json_is_false(json_object_get(json_object_get(doc, "bypasses"), "checked")),
          "JSON: the inconsistencies, no policy row, the n/a cell, bypasses not checked");
    json_decref(doc);
    free(md);
    r.json = false;

    /* A policy: int-utf8 (Ready to Add) and int-c (Added) go to OneCRL
     * through it; leaf-a2 has no row. */
    char pol[2000];
    snprintf(pol, sizeof(pol),
             "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/int-utf8.pem\", "
             "\"targets\": [\"onecrl\"]}, {\"certificate\": \"%s/testdata/pki/int-c.pem\", "
             "\"targets\": [\"onecrl\", \"blob\"]}, {\"certificate\": "
             "\"%s/testdata/pki/leaf-a2.pem\", \"label\": \"Leaf A2\"}, {\"certificate\": "
             "\"%s/testdata/pki/int-d.pem\", \"targets\": [\"nss\"]}]}",
             CWD, CWD, CWD, CWD);
    char polpath[600];
    snprintf(polpath, sizeof(polpath), "%s", UNIT_WRITE_STR("policy.json", pol));
    r.policy = polpath;
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_OK && s.policy_items == 3 && s.cells[DT_REC_IN_POLICY][DT_REC_READY] == 1 &&
               s.cells[DT_REC_IN_POLICY][DT_REC_ADDED] == 1 &&
               s.cells[DT_REC_IN_POLICY][DT_REC_NO_ROW] == 1 &&
               s.cells[DT_REC_NOT_ONECRL][DT_REC_ADDED] == 0 &&
               s.cells[DT_REC_NOT_ONECRL][DT_REC_READY] == 0 &&
               s.cells[DT_REC_NOT_ONECRL][DT_REC_EXPIRED] == 1 && s.inconsistencies == 1,
           "--policy: its OneCRL distrusts are the middle row (an nss-only entry is not); "
           "Added through the policy is no longer an inconsistency");
    CHECK(md && strstr(md, "| In the policy, not yet in OneCRL | ✅ 1 | ❌ 0 | ✅ 1 | ℹ️ 1 |\n") &&
              strstr(md, "; policy policy.json /entries/0 by issuer-serial\n") &&
              strstr(md, "- policy policy.json /entries/2 \"Leaf A2\": issuer "),
          "Markdown: the policy's row, its entry and how it matched, its distrust no row names");
    free(md);
    r.policy = NULL;

    /* The bypass: int-a1 revoked for keyCompromise; its cross-certificate
     * int-a1-xb (Root B) is not; the root store is Root B. */
    char pool1[600], pool2[600], store[600];
    snprintf(pool1, sizeof(pool1), "%s/testdata/pki", CWD);
    snprintf(pool2, sizeof(pool2), "%s/testdata/pki-cross", CWD);
    snprintf(store, sizeof(store), "%s/testdata/pki/root-b.pem", CWD);
    r.pools[0] = pool1;
    r.pools[1] = pool2;
    r.n_pools = 2;
    r.certdata = store;
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_OK && s.paths_checked && s.bypasses == 1 && s.compromised == 1,
           "a cross-certificate bypasses a revocation for a key compromise");
    CHECK(s.no_row_leaf == 1 && s.no_row_ca == 0 && s.no_row_unknown == 0 && md &&
              strstr(md, "Of these: 0 subject + key, 0 CA certificates and 1 end-entity "
                         "certificates of the pool, 0 not in the pool."),
          "with the pool, the record no row names is an end-entity certificate (leaf-a1)");
    CHECK(md && strstr(md, "## Revocations a cross-certificate bypasses: 1 (1 for a compromise "
                           "❌)\n") &&
              strstr(md, "- revoked ❌ Test Owner/pki/int-a1 (report line 2, reason "
                         "\"(1) keyCompromise\"), bypassed by \"Test Intermediate 1\" (") &&
              strstr(md, "; issuer \"Test Root B\" serial 1001, SHA-256 ") &&
              strstr(md, "trusted for server-auth through \"Test Root B\"") &&
              strstr(md, " (a chain of 2)\n"),
          "Markdown: the revoked row, the cross-certificate, the anchor, the chain");
    free(md);
    /* One certificate in two rows: one bypass, counted for a compromise
     * when either row gives one. */
    {
        struct dt_buf two;
        dt_buf_init(&two, 0);
        if (dt_buf_puts(&two, HEADER) != DT_OK)
            return 2;
        row(&two, "Added to OneCRL", "pki/int-a1", "(4) superseded", false);
        row(&two, "Added to OneCRL", "pki/int-a1", "(1) keyCompromise", false);
        r.ccadb = unit_write("twice.csv", (char *)two.data, two.len);
        md = go(&r, &rc, &s);
        CHECKU(rc == DT_OK && s.rows == 2 && s.bypasses == 1 && s.compromised == 1 && md &&
                   strstr(md, "- revoked ❌ Test Owner/pki/int-a1 (report line 23, reason "
                              "\"(1) keyCompromise\")"),
               "a certificate in two rows: its bypass once, by the row that gives a compromise");
        free(md);
        r.ccadb = csv;
        dt_buf_free(&two);
    }
    /* Root C is no anchor: int-a1-xc (Root C) is no bypass; with Root A in
     * the store too, it is (through root-c-xa). */
    char store2[600];
    {
        struct dt_buf both;
        struct dt_diags d;
        unit_diags_setup(&U, &d);
        char p[600];
        snprintf(p, sizeof(p), "%s/testdata/pki/root-a.pem", CWD);
        if (dt_file_read(p, 1 << 20, &both, &d, NULL) != DT_OK)
            return 2;
        snprintf(store2, sizeof(store2), "%s", unit_write("root-a.pem", (char *)both.data,
                                                          both.len));
        dt_buf_free(&both);
    }
    r.certdata = store2;
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_OK && s.bypasses == 1 && md &&
               strstr(md, "issuer \"Test Root C (distrust-after)\" serial 1003") &&
               strstr(md, "through \"Test Root A\"") && strstr(md, "(a chain of 3)") &&
               !strstr(md, "serial 1001"),
           "Root A as the store: int-a1-xc bypasses through root-c-xa (a chain of 3), and "
           "int-a1-xb (Root B) does not");
    free(md);
    r.certdata = store;
    /* The negative: OneCRL revokes int-a1-xb too. */
    j.len -= 2;
    rec_is(&j, xb, "the cross-certificate");
    if (dt_buf_puts(&j, "]}") != DT_OK)
        return 2;
    char onecrl2[600];
    snprintf(onecrl2, sizeof(onecrl2), "%s", unit_write("onecrl2.json", (char *)j.data, j.len));
    r.onecrl = onecrl2;
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_OK && s.paths_checked && s.bypasses == 0 && s.compromised == 0 && md &&
               strstr(md, "## Revocations a cross-certificate bypasses: 0 (0 for a compromise"),
           "the cross-certificate revoked too: no bypass");
    free(md);
    /* ... and after it expired (2039-01-01 for int-a1-xc, int-a1-xb?): the
     * date decides. */
    r.onecrl = onecrl;
    r.date = 4102444800; /* 2100-01-01 */
    md = go(&r, &rc, &s);
    CHECK(rc == DT_OK && s.bypasses == 0, "at 2100 every cross-certificate expired: no bypass");
    CHECK(s.prune_checked && s.prunable == 3 && md &&
              strstr(md, "## Expired OneCRL records that could be pruned: 3\n"),
          "at 2100 every OneCRL record's certificate expired: all three could be pruned");
    free(md);
    r.date = 0;
    md = go(&r, &rc, &s);
    CHECK(rc == DT_OK && s.prune_checked && s.prunable == 0,
          "in 2026 none could (the baseline)");
    free(md);
    r.certdata = NULL;
    r.n_pools = 0;

    /* Bad inputs, with their place. */
    r.ccadb = UNIT_WRITE_STR("nostatus.csv", "\"SHA-256 Fingerprint\",\"PEM Info\"\n");
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && !md[0] && unit_has(&U, "nostatus.csv|1|0||no \"OneCRL Status\" column"),
           "a report without the OneCRL Status column: file:line");
    free(md);
    dt_buf_reset(&c);
    if (dt_buf_puts(&c, HEADER) != DT_OK)
        return 2;
    row(&c, "Added to OneCRL", "pki/int-a1", "", false);
    row(&c, "Maybe Later", "pki/int-a2", "", false);
    r.ccadb = unit_write("status.csv", (char *)c.data, c.len);
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_OK && U.warnings == 1 &&
               unit_has(&U, "status.csv|23|0||row 2: OneCRL Status \"Maybe Later\" is none "
                            "of") && unit_has(&U, "left out of the table"),
           "an unknown status: a warning at file:line and row, the row left out");
    CHECKU(s.rows == 1 && s.other_status == 1 &&
               strstr(md, "1 rows with another OneCRL Status left out (warned)"),
           "... the other row judged, and the table says one was left out");
    free(md);
    dt_buf_reset(&c);
    if (dt_buf_puts(&c, HEADER) != DT_OK)
        return 2;
    row(&c, "Added to OneCRL", "pki/int-a1", "", true);
    r.ccadb = unit_write("fp.csv", (char *)c.data, c.len);
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "fp.csv|2|0||row 1: the SHA-256 Fingerprint"),
           "a fingerprint that is not the certificate's: file:line and row");
    free(md);
    r.ccadb = csv;
    r.onecrl = UNIT_WRITE_STR("bad.json", "{\"data\": [{\"issuerName\": \"MA==\", "
                                          "\"serialNumber\": \"AQ==\"}, {\"subject\": \"%%\"}]}");
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "bad.json|0|0|/data/0/issuerName|\"issuerName\" is not a DER Name") &&
               unit_has(&U, "bad.json|0|0|/data/1/subject|\"subject\" is not base64") &&
               unit_has(&U, "bad.json|0|0|/data/1/pubKeyHash|missing"),
           "bad OneCRL records: every one at its JSON path");
    free(md);
    {
        /* rows, each of another OneCRL Status: warned, and the error says so
         * (the report has rows: not "a report without a row") */
        struct dt_buf oth;
        dt_buf_init(&oth, 0);
        if (dt_buf_puts(&oth, HEADER) != DT_OK)
            return 2;
        row(&oth, "Pending", "pki/int-a1", "", false);
        row(&oth, "", "pki/int-c", "", false);
        const char *saved = r.ccadb, *saved_o = r.onecrl;
        r.ccadb = unit_write("others.csv", (char *)oth.data, oth.len);
        r.onecrl = onecrl;
        md = go(&r, &rc, &s);
        CHECKU(rc == DT_ERR_INPUT && s.other_status == 2 && unit_has(&U, "OneCRL Status \"Pending\"") &&
                   !unit_has(&U, "without a row") &&
                   unit_has(&U, "2 rows of other OneCRL Statuses left out"),
               "every row of another status: an error that counts them, not 'without a row'");
        free(md);
        r.ccadb = saved;
        r.onecrl = saved_o;
        dt_buf_free(&oth);
    }
    r.onecrl = UNIT_WRITE_STR("empty.json", "{\"data\": []}");
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "empty.json|0|0||the dump holds no records"),
           "an empty dump is an error, never a clean table");
    free(md);
    r.onecrl = UNIT_WRITE_STR("notjson.json", "{\"data\": [\n");
    md = go(&r, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "notjson.json|2|"),
           "not JSON: file:line:col");
    free(md);
    r.onecrl = onecrl;
    r.certdata = store;
    md = go(&r, &rc, &s);
    CHECK(rc == DT_ERR_USAGE, "--certdata without a pool: a usage error");
    free(md);

    /* The chain search's cap: a revoked certificate (Revoked Twice CA, for
     * keyCompromise) whose re-issue chains to Root A through n
     * cross-certificates of its issuer, all revoked. Beyond the cap (64
     * chains) the search cannot say there is no bypass: a warning, never a
     * silent "no bypass"; under it, none. */
    for (int n = 3; n <= 70; n += 67) {
        char kp[600], rp[600];
        snprintf(kp, sizeof(kp), "%s/testdata/pki/root-a.key.pem", CWD);
        snprintf(rp, sizeof(rp), "%s/testdata/pki/root-a.pem", CWD);
        EVP_PKEY *rk = ux_key_file(kp), *ik = ux_key(), *yk = ux_key();
        X509 *root = ux_x509_file(rp);
        X509_NAME *iname = ux_name(V_ASN1_UTF8STRING, "CN", "Many Crosses CA", NULL);
        X509_NAME *yname = ux_name(V_ASN1_UTF8STRING, "CN", "Revoked Twice CA", NULL);
        X509_NAME *rname = X509_get_subject_name(root);
        struct dt_buf pool, dump, rep;
        dt_buf_init(&pool, 0);
        dt_buf_init(&dump, 0);
        dt_buf_init(&rep, 0);
        if (dt_buf_puts(&dump, "{\"data\": [") != DT_OK || dt_buf_puts(&rep, HEADER) != DT_OK)
            return 2;
        int64_t nb = 1577836800, na = 2051222400; /* 2020 to 2035 */
        for (int k = 0; k <= n + 1; k++) {
            uint8_t ser[2] = {(uint8_t)(k <= n ? 0x10 : 0x20), (uint8_t)(k + 1)};
            struct ux_cert_spec sp = {iname, rname, ser, 2, true, ik, rk, nb, na};
            if (k == n) /* the re-issue: Revoked Twice CA under Many Crosses CA */
                sp = (struct ux_cert_spec){yname, iname, ser, 2, true, yk, ik, nb, na};
            else if (k == n + 1) /* the revoked one, under Root A */
                sp = (struct ux_cert_spec){yname, rname, ser, 2, true, yk, rk, nb, na};
            X509 *x = ux_cert(&sp);
            unsigned char *der = NULL;
            int len = i2d_X509(x, &der);
            struct dt_cert *dc = NULL;
            const char *why = NULL;
            if (len <= 0 || dt_cert_from_der(der, (size_t)len, &dc, &why) != DT_OK)
                ux_die("cert");
            BIO *b = BIO_new(BIO_s_mem());
            if (!b || !PEM_write_bio_X509(b, x))
                ux_die("PEM");
            char *pp;
            long pn = BIO_get_mem_data(b, &pp);
            while (pn > 0 && pp[pn - 1] == '\n')
                pn--;
            if (k < n || k == n + 1)
                rec_is(&dump, dc, k < n ? "a cross-certificate" : "the revoked one");
            if (k <= n) {
                if (dt_buf_append(&pool, pp, (size_t)pn) != DT_OK || dt_buf_puts(&pool, "\n") != DT_OK)
                    return 2;
            } else {
                char fp[65];
                for (int i = 0; i < 32; i++)
                    snprintf(fp + 2 * i, 3, "%02X", dc->sha256[i]);
                if (dt_buf_printf(&rep, "\"Test Owner\",\"(1) keyCompromise\",\"Added to OneCRL\","
                                        "\"Revoked Twice CA\",\"%s\",\"'%.*s'\"\n",
                                  fp, (int)pn, pp) != DT_OK)
                    return 2;
            }
            BIO_free(b);
            OPENSSL_free(der);
            dt_cert_free(dc);
            X509_free(x);
        }
        if (dt_buf_puts(&dump, "]}") != DT_OK)
            return 2;
        char pp2[600], dp[600], cp[600];
        snprintf(pp2, sizeof(pp2), "%s", unit_write("crosses.pem", (char *)pool.data, pool.len));
        snprintf(dp, sizeof(dp), "%s", unit_write("crosses.json", (char *)dump.data, dump.len));
        snprintf(cp, sizeof(cp), "%s", unit_write("crosses.csv", (char *)rep.data, rep.len));
        struct run rc8 = {dp, cp, rp, {pp2, NULL}, 1, NULL, false, 0, 0};
        char *m8 = go(&rc8, &rc, &s);
        bool warned = unit_has(&U, "chain search") && unit_has(&U, "a bypass may be missed");
        if (n > 64)
            CHECKU(rc == DT_OK && s.paths_checked && s.bypasses == 0 && warned &&
                       unit_has(&U, "crosses.csv|2|") && unit_has(&U, "row 1: "),
                   "70 revoked cross-certificates: the chain search's cap is a warning at the row");
        else
            CHECKU(rc == DT_OK && s.paths_checked && s.bypasses == 0 && !warned,
                   "baseline: 3 revoked cross-certificates, no bypass and no warning");
        free(m8);
        dt_buf_free(&pool);
        dt_buf_free(&dump);
        dt_buf_free(&rep);
        X509_NAME_free(iname);
        X509_NAME_free(yname);
        X509_free(root);
        EVP_PKEY_free(rk);
        EVP_PKEY_free(ik);
        EVP_PKEY_free(yk);
    }

    dt_buf_free(&j);
    dt_buf_free(&c);
    dt_cert_free(a1);
    dt_cert_free(a2);
    dt_cert_free(leaf);
    dt_cert_free(xb);
    dt_cert_free(d1);
    return unit_done();
}
