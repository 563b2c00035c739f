/* Unit tests: incident.c, revocation deadlines. Every serial of a list is
 * revoked on time, revoked late or not revoked, judged on the CRLs that are
 * current at the evaluation time (a hold, a stale or a not-yet-valid CRL is
 * no evidence); a CRL of another issuer, signed by another key, by an issuer
 * without cRLSign, a delta CRL, a missing or damaged file are errors; the
 * JSON report carries the counts, the CRLs and the lists. CRLs are made here
 * with OpenSSL and signed with the fixture PKI's keys. */
#include "incident.h"
#include "unit_x509.h"
#include "unit_json.h"

#include <jansson.h>

/* A string member, "" when absent (a failed check, never a crash). */
static struct unit_diags U;
static char cwd[400];

static const int64_t DEADLINE = 1722454200; /* 2024-07-31T19:30:00Z */
static const int64_t DAY = 86400;

static const uint8_t S1[] = {0x0a, 0x01}, S2[] = {0x0a, 0x02}, S3[] = {0x0a, 0x03},
                     S4[] = {0x0a, 0x04}, S5[] = {0x0a, 0x05}, S6[] = {0x0a, 0x06};

/* A policy with one incident entry of int-a1 over the list and the CRLs
 * (a JSON array text, or NULL for none); the rule and the issuer. */
struct fx {
    struct dt_policy p;
    struct dt_certlist issuer;
};

static void fx_load(struct fx *f, const char *list, const char *crls_json, const char *issuer)
{
    char text[4096];
    snprintf(
        text, sizeof(text),
        "{\"version\": 1, \"incident\": {\"bug\": \"123\"}, \"entries\": [{\"incident_serials\": "
        "\"%s\", \"issuer_certificate\": \"%s/testdata/pki/%s\", \"revoke_by\": "
        "\"2024-07-31T19:30:00Z\"%s%s, \"label\": \"Batch\"}]}",
        list, cwd, issuer, crls_json ? ", \"crl\": " : "", crls_json ? crls_json : "");
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const char *path = UNIT_WRITE_STR("policy.json", text);
    const char *paths[1] = {path};
    memset(f, 0, sizeof(*f));
    if (dt_policy_load(&f->p, paths, 1, &d) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
    char cp[600];
    snprintf(cp, sizeof(cp), "testdata/pki/%s", issuer);
    if (dt_cert_load_file(cp, &f->issuer, &d, NULL) != DT_OK)
        exit(2);
}

static void fx_free(struct fx *f)
{
    dt_policy_free(&f->p);
    dt_cert_list_free(&f->issuer);
}

static enum dt_err eval(struct fx *f, int64_t now, struct dt_incident_eval *e)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const struct dt_cert *c = f->issuer.v[0];
    return dt_incident_evaluate(&f->p.rules[0], c, c->info.subject, now, e, &d);
}

static const struct dt_inc_serial *ser(const struct dt_incident_eval *e, const uint8_t *s)
{
    for (size_t i = 0; i < e->n_serials; i++)
        if (e->serials[i].serial.n == 2 && !memcmp(e->serials[i].serial.p, s, 2))
            return &e->serials[i];
    return NULL;
}

static X509 *ISSUER;
static EVP_PKEY *KEY;

/* A current CRL of int-a1 (issued two days after the deadline, valid 30
 * days) with the given entries. */
static const char *crl_of(const char *name, const struct ux_revoked *rv, size_t n)
{
    struct ux_crl_spec s = {ISSUER, NULL, KEY,  DEADLINE + 2 * DAY, DEADLINE + 30 * DAY, rv,
                            n,      0x1f, false};
    return ux_write_crl(name, &s);
}

static void test_classes(void)
{
    /* S1 on time, S2 late, S3 on hold, S4 not listed, S5 revoked late on
     * one CRL and on time on another (the earliest decides), S6 only on a
     * stale CRL; S1 listed twice. */
    struct ux_revoked a[] = {{S1, 2, DEADLINE - 3600, -1},
                             {S2, 2, DEADLINE + 50 * 3600, 1},
                             {S3, 2, DEADLINE - 3600, 6},
                             {S5, 2, DEADLINE + DAY, -1}};
    struct ux_revoked b[] = {{S5, 2, DEADLINE - 60, -1}};
    struct ux_revoked old[] = {{S6, 2, DEADLINE - DAY, -1}};
    char c1[600], c2[600], c3[600];
    snprintf(c1, sizeof(c1), "%s", crl_of("a.crl", a, 4));
    snprintf(c2, sizeof(c2), "%s", crl_of("b.crl", b, 1));
    struct ux_crl_spec st = {ISSUER, NULL, KEY,  DEADLINE - 20 * DAY, DEADLINE - 10 * DAY, old,
                             1,      -1,   false};
    snprintf(c3, sizeof(c3), "%s", ux_write_crl("stale.crl", &st));
    char list[600];
    snprintf(list, sizeof(list), "%s",
             UNIT_WRITE_STR("list.txt", "0a:01\n0a:02\n0a:03\n0a:04\n0a:05\n0a:06\n0a:01\n"));
    char crls[2048];
    snprintf(crls, sizeof(crls), "[\"%s\", \"%s\", \"%s\"]", c1, c2, c3);
    struct fx f;
    fx_load(&f, list, crls, "int-a1.pem");
    struct dt_incident_eval e;
    int64_t now = DEADLINE + 3 * DAY;
    enum dt_err rc = eval(&f, now, &e);
    CHECKU(rc == DT_OK && e.n_serials == 6 && e.n_crls == 3 && e.overdue,
           "six serials (one repeat dropped), three CRLs, overdue (rc %d)", rc);
    CHECKU(unit_has(&U, "lists 1 serial more than once"), "the repeat is a warning");
    CHECKU(unit_has(&U, "stale.crl is stale at") && unit_has(&U, "not counted"),
           "the stale CRL is a warning");
    const struct dt_inc_serial *s1 = ser(&e, S1), *s2 = ser(&e, S2), *s3 = ser(&e, S3),
                               *s4 = ser(&e, S4), *s5 = ser(&e, S5), *s6 = ser(&e, S6);
    CHECK(s1 && s1->klass == DT_INC_ON_TIME && s1->revoked_at == DEADLINE - 3600 && s1->line == 1,
          "revoked before the deadline: on time, at its first line");
    CHECK(s2 && s2->klass == DT_INC_LATE && s2->revoked_at == DEADLINE + 50 * 3600,
          "revoked after it: late");
    CHECK(s3 && s3->klass == DT_INC_UNREVOKED && s3->on_hold,
          "listed with certificateHold: not revoked, on hold");
    CHECK(s4 && s4->klass == DT_INC_UNREVOKED && !s4->on_hold && !s4->on_stale,
          "not listed: not revoked");
    CHECK(s5 && s5->klass == DT_INC_ON_TIME && s5->revoked_at == DEADLINE - 60,
          "on two CRLs: the earliest revocation decides");
    CHECK(s6 && s6->klass == DT_INC_UNREVOKED && s6->on_stale, "only on a stale CRL: not revoked");
    CHECK(e.count[DT_INC_ON_TIME] == 2 && e.count[DT_INC_LATE] == 1 &&
              e.count[DT_INC_UNREVOKED] == 3 && e.on_hold == 1 && e.on_stale == 1,
          "counts per class, on hold, only on stale CRLs");
    CHECK(e.crls[0].has_next && e.crls[0].this_update == DEADLINE + 2 * DAY &&
              e.crls[0].entries == 4 && !strcmp(e.crls[0].number, "1F") && !e.crls[0].stale &&
              e.crls[2].stale && !e.crls[2].number[0],
          "each CRL: times, entries, cRLNumber in hex, status");

    /* The JSON report. */
    int64_t not_after[6] = {INT64_MIN, INT64_MIN, INT64_MIN, 2000000000, INT64_MIN, INT64_MIN};
    json_t *j = dt_incident_json(&e, true, not_after);
    json_t *counts = json_object_get(j, "counts");
    CHECK(j && json_integer_value(json_object_get(counts, "revoked_on_time")) == 2 &&
              json_integer_value(json_object_get(counts, "revoked_late")) == 1 &&
              json_integer_value(json_object_get(counts, "not_revoked")) == 3 &&
              json_integer_value(json_object_get(j, "distrusted")) == 3 &&
              json_integer_value(json_object_get(counts, "on_hold")) == 1 &&
              json_integer_value(json_object_get(counts, "only_on_stale_crls")) == 1,
          "JSON: the counts");
    CHECK(j && !strcmp(JSTR(j, "revoke_by"), "2024-07-31T19:30:00Z") &&
              json_is_true(json_object_get(j, "overdue")) && !strcmp(JSTR(j, "label"), "Batch") &&
              !strcmp(JSTR(j, "bug"), "123"),
          "JSON: deadline, overdue, label, the incident's bug");
    json_t *crl2 = json_array_get(json_object_get(j, "crls"), 2);
    CHECK(json_array_size(json_object_get(j, "crls")) == 3 &&
              !strcmp(JSTR(crl2, "status"), "stale") && !json_object_get(crl2, "crl_number") &&
              !strcmp(JSTR(json_array_get(json_object_get(j, "crls"), 0), "crl_number"), "1F"),
          "JSON: the CRLs with their status and number");
    json_t *lists = json_object_get(j, "serials_by_class");
    json_t *late = json_array_get(json_object_get(lists, "revoked_late"), 0);
    json_t *unrev = json_object_get(lists, "not_revoked");
    CHECK(late && !strcmp(JSTR(late, "serial"), "0a02") &&
              json_integer_value(json_object_get(late, "hours_late")) == 50,
          "JSON: a late serial with its hours late");
    bool hold = false, stale = false, exp = false;
    for (size_t i = 0; i < json_array_size(unrev); i++) {
        json_t *x = json_array_get(unrev, i);
        const char *h = JSTR(x, "serial");
        hold |= !strcmp(h, "0a03") && json_is_true(json_object_get(x, "on_hold"));
        stale |= !strcmp(h, "0a06") && json_is_true(json_object_get(x, "only_on_stale_crls"));
        exp |= !strcmp(h, "0a04") && json_object_get(x, "not_after") &&
               !strcmp(JSTR(x, "not_after"), "2033-05-18T03:33:20Z");
    }
    CHECK(json_array_size(unrev) == 3 && hold && stale && exp,
          "JSON: the unrevoked with on_hold, only_on_stale_crls, not_after");
    json_decref(j);
    j = dt_incident_json(&e, false, NULL);
    CHECK(j && !json_object_get(j, "serials_by_class") && json_object_get(j, "counts"),
          "JSON without lists: counts only");
    json_decref(j);
    dt_incident_eval_free(&e);

    /* Before the deadline: not overdue, nothing distrusted; at exactly the
     * deadline neither. */
    rc = eval(&f, DEADLINE, &e);
    CHECK(rc == DT_OK && !e.overdue, "at the deadline itself: not overdue");
    j = dt_incident_json(&e, false, NULL);
    CHECK(json_integer_value(json_object_get(j, "distrusted")) == 0 &&
              json_is_false(json_object_get(j, "overdue")),
          "JSON: not overdue, nothing distrusted");
    json_decref(j);
    CHECK(e.crls[0].not_yet && e.count[DT_INC_UNREVOKED] == 6,
          "the CRLs issued after the evaluation time are not yet valid: nothing counts");
    CHECKU(unit_has(&U, "is not yet valid at"), "a not-yet-valid CRL is a warning");
    dt_incident_eval_free(&e);
    fx_free(&f);
}

static void test_bad_crls(void)
{
    char list[600]; /* unit_write's storage rotates: keep a copy */
    snprintf(list, sizeof(list), "%s", UNIT_WRITE_STR("l.txt", "0a:01\n"));
    struct ux_revoked a[] = {{S1, 2, DEADLINE - 3600, -1}};
    struct fx f;
    struct dt_incident_eval e;
    char crls[1024];

    /* Baseline: a good CRL. */
    snprintf(crls, sizeof(crls), "\"%s\"", crl_of("good.crl", a, 1));
    fx_load(&f, list, crls, "int-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_OK && U.errors == 0 &&
               e.count[DT_INC_ON_TIME] == 1,
           "baseline: a CRL of the issuer, signed by its key");
    dt_incident_eval_free(&e);
    /* The issuer certificate is needed to check a CRL. */
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const struct dt_cert *c = f.issuer.v[0];
    CHECKU(dt_incident_evaluate(&f.p.rules[0], NULL, c->info.subject, DEADLINE + 3 * DAY, &e, &d) ==
                   DT_ERR_INPUT &&
               unit_has(&U, "needs the issuer's certificate") && e.rule == &f.p.rules[0] &&
               e.n_serials == 0,
           "a CRL without the issuer's certificate: an error, the evaluation emptied");
    dt_incident_eval_free(&e);
    fx_free(&f);

    /* Another issuer's CRL. */
    X509 *root = ux_x509_file("testdata/pki/root-a.pem");
    EVP_PKEY *root_key = ux_key_file("testdata/pki/root-a.key.pem");
    struct ux_crl_spec s = {root, NULL, root_key, DEADLINE + 2 * DAY, DEADLINE + 30 * DAY, a,
                            1,    -1,   false};
    snprintf(crls, sizeof(crls), "\"%s\"", ux_write_crl("other.crl", &s));
    fx_load(&f, list, crls, "int-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_ERR_INPUT &&
               unit_has(&U, "is a CRL of another issuer") && unit_has(&U, "|/entries/0/crl/0|"),
           "a CRL of another issuer: an error at the entry's crl");
    dt_incident_eval_free(&e);
    fx_free(&f);

    /* The issuer's name, signed by another key. */
    s.issuer = ISSUER;
    snprintf(crls, sizeof(crls), "\"%s\"", ux_write_crl("forged.crl", &s));
    fx_load(&f, list, crls, "int-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_ERR_INPUT &&
               unit_has(&U, "the CRL's signature does not verify"),
           "a CRL signed by another key: an error, never evidence");
    dt_incident_eval_free(&e);
    fx_free(&f);

    /* A delta CRL. */
    struct ux_crl_spec dl = {ISSUER, NULL, KEY, DEADLINE + 2 * DAY, DEADLINE + 30 * DAY, a,
                             1,      3,    true};
    snprintf(crls, sizeof(crls), "\"%s\"", ux_write_crl("delta.crl", &dl));
    fx_load(&f, list, crls, "int-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_ERR_INPUT && unit_has(&U, "is a delta CRL"),
           "a delta CRL: an error");
    dt_incident_eval_free(&e);
    fx_free(&f);

    /* An issuer whose key usage does not allow CRL signing (a leaf). */
    X509 *leaf = ux_x509_file("testdata/pki/leaf-a1.pem");
    EVP_PKEY *leaf_key = ux_key_file("testdata/pki/leaf-a1.key.pem");
    struct ux_crl_spec lf = {leaf, NULL, leaf_key, DEADLINE + 2 * DAY, DEADLINE + 30 * DAY, a,
                             1,    -1,   false};
    snprintf(crls, sizeof(crls), "\"%s\"", ux_write_crl("leaf.crl", &lf));
    fx_load(&f, list, crls, "leaf-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_ERR_INPUT && unit_has(&U, "no cRLSign"),
           "an issuer without cRLSign: an error");
    dt_incident_eval_free(&e);
    fx_free(&f);

    /* A missing file and a damaged one; both are reported in one run. */
    const char *damaged = UNIT_WRITE_STR("damaged.crl", "-----BEGIN X509 CRL-----\nAAAA\n"
                                                        "-----END X509 CRL-----\n");
    snprintf(crls, sizeof(crls), "[\"%s/missing.crl\", \"%s\"]", unit_tmp(), damaged);
    fx_load(&f, list, crls, "int-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_ERR_INPUT && U.errors == 2 &&
               unit_has(&U, "missing.crl") && unit_has(&U, "damaged.crl"),
           "a missing and a damaged CRL: two errors");
    dt_incident_eval_free(&e);
    fx_free(&f);

    /* No CRL: every serial counts as not revoked, and a note says so. */
    fx_load(&f, list, NULL, "int-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_OK && e.count[DT_INC_UNREVOKED] == 1 &&
               unit_has(&U, "every serial counts as not revoked"),
           "no CRL: all not revoked, with a note");
    dt_incident_eval_free(&e);
    fx_free(&f);

    /* An empty list is an error. */
    const char *empty = UNIT_WRITE_STR("empty.txt", "# none\n");
    fx_load(&f, empty, NULL, "int-a1.pem");
    CHECKU(eval(&f, DEADLINE + 3 * DAY, &e) == DT_ERR_INPUT &&
               unit_has(&U, "an incident without serials proves nothing"),
           "an empty serial list: an error");
    dt_incident_eval_free(&e);
    fx_free(&f);

    X509_free(root);
    X509_free(leaf);
    EVP_PKEY_free(root_key);
    EVP_PKEY_free(leaf_key);
}

static void test_helpers(void)
{
    static const uint8_t s[] = {0x00, 0xab, 0x0f};
    char hex[7];
    dt_incident_hex(dt_slice_make(s, 3), hex);
    CHECK_STR(hex, "00ab0f", "hex: lowercase, two digits an octet");
    dt_incident_hex(dt_slice_make(s, 0), hex);
    CHECK_STR(hex, "", "hex of nothing");
    CHECK_STR(dt_incident_class_name(DT_INC_ON_TIME), "revoked on time", "class names (on time)");
    CHECK_STR(dt_incident_class_name(DT_INC_LATE), "revoked late", "class names (late)");
    CHECK_STR(dt_incident_class_name(DT_INC_UNREVOKED), "not revoked", "class names (unrevoked)");
    dt_incident_eval_free(NULL);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    ISSUER = ux_x509_file("testdata/pki/int-a1.pem");
    KEY = ux_key_file("testdata/pki/int-a1.key.pem");
    test_classes();
    test_bad_crls();
    test_helpers();
    X509_free(ISSUER);
    EVP_PKEY_free(KEY);
    return unit_done();
}
