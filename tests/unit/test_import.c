/* Unit tests: import.c, `distrust import`: a OneCRL Remote Settings dump
 * as a policy (dt_import_onecrl_mem): both record kinds, duplicates by DER
 * bytes, deletions, disabled records, details kept, every bad record
 * reported at its JSON path, dumps that are no dumps; the policy loads and
 * resolves to the same keys; dt_import_run: its options, strict mode,
 * nothing written on error, the output replaced as a whole, the certdata
 * kind's certificate directory. (The real dump's round trip through a build
 * is test_onecrl.c's.) */
#include "import.h"
#include "version.h"
#include "file.h"
#include "import.h"
#include "version.h"
#include "model.h"
#include "policy.h"
#include "unit.h"
#include "unit_json.h"

#include <sys/stat.h>

#include <jansson.h>

/* A string member, "" when absent (a failed check, never a crash). */
static struct unit_diags U;

/* A dump that starts with a UTF-8 byte-order mark: named at 1:1; the same
 * dump without it imports. */
static void test_bom(void)
{
    static const char dump[] =
        "{\"data\": [{\"issuerName\": \"MA0xCzAJBgNVBAMMAmhp\", \"serialNumber\": \"AQI=\", "
        "\"id\": \"a\", \"last_modified\": 1, \"enabled\": true, \"details\": {}}]}";
    char with[sizeof(dump) + 3] = "\xef\xbb\xbf";
    memcpy(with + 3, dump, sizeof(dump));
    struct dt_diags d;
    struct dt_buf pol;
    struct dt_import_summary s;
    unit_diags_setup(&U, &d);
    dt_buf_init(&pol, 1 << 20);
    CHECK(dt_import_onecrl_mem("dump.json", dt_slice_make(dump, strlen(dump)), &pol, &s, &d, NULL,
                               NULL) == DT_OK &&
              U.errors == 0 && pol.len > 0,
          "baseline: the dump imports");
    dt_buf_free(&pol);
    unit_diags_setup(&U, &d);
    dt_buf_init(&pol, 1 << 20);
    CHECK(dt_import_onecrl_mem("dump.json", dt_slice_make(with, strlen(with)), &pol, &s, &d, NULL,
                               NULL) == DT_ERR_INPUT &&
              unit_has(&U, "dump.json|1|1||the file starts with a UTF-8 byte-order mark"),
          "a dump with a byte-order mark: an error at 1:1 that names it");
    dt_buf_free(&pol);
}

static enum dt_err import_mem(const char *text, struct dt_buf *pol, struct dt_import_summary *s)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    dt_buf_init(pol, 0);
    return dt_import_onecrl_mem("dump.json", dt_slice_make(text, strlen(text)), pol, s, &d, NULL,
                                NULL);
}

/* CN=hi, and the issuer of the fixture's leaves (CN=Test Intermediate 1). */
#define NAME_HI "MA0xCzAJBgNVBAMMAmhp"
#define HASH "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

static void test_records(void)
{
    static const char dump[] =
        "{\"data\": [\n"
        " {\"issuerName\": \"" NAME_HI "\", \"serialNumber\": \"AQI=\", \"id\": \"r0\", "
        "\"enabled\": true, \"details\": {\"name\": \"Leaf one\", \"bug\": \"12\", \"who\": "
        "\"CA\", \"why\": \"key compromise\", \"created\": \"2024-01-02\"}},\n"
        " {\"subject\": \"" NAME_HI "\", \"pubKeyHash\": \"" HASH "\", \"id\": \"r1\", "
        "\"enabled\": false},\n"
        " {\"issuerName\": \"" NAME_HI "\", \"serialNumber\": \"AQI=\", \"id\": \"r2\"},\n"
        " {\"deleted\": true, \"id\": \"r3\"},\n"
        " {\"issuerName\": \"" NAME_HI
        "\", \"serialNumber\": \"gAE=\", \"id\": \"r4\", \"details\": "
        "{\"name\": \"a \\\"quoted\\\" name\", \"created\": \"yesterday\"}}\n"
        "]}";
    struct dt_buf pol;
    struct dt_import_summary s;
    enum dt_err rc = import_mem(dump, &pol, &s);
    CHECKU(rc == DT_OK && s.records == 3 && s.subject_key == 1 && s.disabled == 1 &&
               s.duplicates == 1 && s.tombstones == 1 && s.warnings == 1 && s.errors == 0,
           "five records: three kept (one subject+key, one disabled), a duplicate, a deletion");
    CHECKU(unit_has(&U, "dump.json|0|0|/data/2|the same issuer and serial as /data/0 (compared as "
                        "DER bytes): imported once"),
           "the duplicate is a warning at its path naming the first");
    const char *p = (const char *)pol.data;
    json_error_t je;
    json_t *j = json_loadb(p, pol.len, 0, &je);
    json_t *e = json_object_get(j, "entries");
    json_t *e0 = json_array_get(e, 0), *e1 = json_array_get(e, 1), *e2 = json_array_get(e, 2);
    json_t *targets = json_pack("[s, s]", "onecrl", "blob");
    CHECK(j && json_array_size(e) == 3 &&
              !strcmp(JSTR(j, "comment"),
                      "Imported by distrust " DT_VERSION " from dump.json: 3 records (1 "
                      "subject+key), 1 with \"enabled\": false, 1 duplicates and 1 deletions left "
                      "out"),
          "the policy: its comment counts what was imported and left out");
    CHECK(e0 && !strcmp(JSTR(e0, "issuer_der"), NAME_HI) && !strcmp(JSTR(e0, "serial"), "01:02") &&
              !strcmp(JSTR(e0, "scope"), "certificate") && !strcmp(JSTR(e0, "label"), "Leaf one") &&
              !strcmp(JSTR(e0, "bug"), "12") && !strcmp(JSTR(e0, "who"), "CA") &&
              !strcmp(JSTR(e0, "why"), "key compromise") &&
              !strcmp(JSTR(e0, "created"), "2024-01-02") &&
              !strcmp(JSTR(e0, "comment"), "OneCRL id r0") &&
              json_equal(json_object_get(e0, "targets"), targets),
          "an issuer/serial record: its key, a revocation of one certificate, its details, "
          "OneCRL and the blob");
    CHECK(e1 && !strcmp(JSTR(e1, "subject_der"), NAME_HI) &&
              !strcmp(JSTR(e1, "spki_sha256"), HASH) &&
              json_is_false(json_object_get(e1, "onecrl_enabled")),
          "a subject+key record, disabled: kept with \"onecrl_enabled\": false");
    CHECK(e2 && !strcmp(JSTR(e2, "serial"), "80:01") &&
              !strcmp(JSTR(e2, "serial_format"), "der-negative") && !json_object_get(e2, "label") &&
              !json_object_get(e2, "created") &&
              !strcmp(JSTR(e2, "comment"), "OneCRL name: a \"quoted\" name; OneCRL id r4"),
          "a serial with the high bit: kept exactly (der-negative); a name no label can carry "
          "and a bad date go into the comment");
    json_decref(targets);
    json_decref(j);

    /* The policy loads and resolves to the records' keys. */
    const char *pp = unit_write("imported.json", p, pol.len);
    struct dt_policy pl;
    struct dt_model m;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const char *paths[1] = {pp};
    bool ok = dt_policy_load(&pl, paths, 1, &d) == DT_OK &&
              dt_model_resolve(&pl, NULL, NULL, &m, NULL, &d, NULL) == DT_OK;
    CHECKU(ok && m.n_items == 2 && m.n_skeys == 1 && U.errors == 0,
           "the imported policy resolves: two issuer/serial keys, one subject+key");
    if (ok) {
        bool neg = false;
        for (size_t i = 0; i < m.n_items; i++)
            neg |= m.items[i].serial.n == 2 && m.items[i].serial.p[0] == 0x80 &&
                   m.items[i].serial.p[1] == 0x01;
        CHECK(neg, "the high-bit serial is the record's two octets, exactly");
        dt_model_free(&m);
        dt_policy_free(&pl);
    }
    struct dt_buf again;
    rc = import_mem(dump, &again, &s);
    CHECK(rc == DT_OK && again.len == pol.len && !memcmp(again.data, pol.data, pol.len),
          "the same dump: the same policy, byte for byte");
    dt_buf_free(&again);
    dt_buf_free(&pol);

    /* A bare array is a dump too. */
    rc = import_mem("[{\"issuerName\": \"" NAME_HI "\", \"serialNumber\": \"AQI=\"}]", &pol, &s);
    CHECK(rc == DT_OK && s.records == 1 && strstr((const char *)pol.data, "OneCRL id (none)"),
          "an array of records: imported (a record without id says so)");
    dt_buf_free(&pol);
}

static void test_bad(void)
{
    static const char dump[] =
        "{\"data\": [\n"
        " 7,\n"
        " {\"issuerName\": \"" NAME_HI "\", \"serialNumber\": \"AQI=\", \"subject\": \"" NAME_HI
        "\"},\n"
        " {\"id\": \"x\"},\n"
        " {\"issuerName\": \"" NAME_HI "\"},\n"
        " {\"issuerName\": \"" NAME_HI "\", \"serialNumber\": \"***\"},\n"
        " {\"issuerName\": \"AQI=\", \"serialNumber\": \"AQI=\"},\n"
        " {\"subject\": \"" NAME_HI "\", \"pubKeyHash\": \"AQI=\"},\n"
        " {\"issuerName\": \"" NAME_HI "\", \"serialNumber\": "
                                       "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                                       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},\n"
        " {\"issuerName\": \"" NAME_HI "\", \"serialNumber\": \"AQI=\"}\n"
        "]}";
    struct dt_buf pol;
    struct dt_import_summary s;
    enum dt_err rc = import_mem(dump, &pol, &s);
    CHECKU(rc == DT_ERR_INPUT && s.errors == 8 && s.records == 1,
           "eight bad records: eight errors in one run, the good one still counted (%zu)",
           s.errors);
    static const char *const want[] = {
        "|/data/0|a record must be an object",
        "|/data/1|a record has issuerName + serialNumber or subject + pubKeyHash, not both",
        "|/data/2|a record has issuerName + serialNumber or subject + pubKeyHash, and this one has "
        "neither",
        "|/data/3/serialNumber|missing \"serialNumber\"",
        "|/data/4/serialNumber|\"serialNumber\" is not base64",
        "|/data/5/issuerName|\"issuerName\" is not a DER Name",
        "|/data/6/pubKeyHash|\"pubKeyHash\" must be a SHA-256 (32 bytes), not 2",
        "|/data/7/serialNumber|\"serialNumber\" has 66 octets (64 at most)",
    };
    bool all = true;
    for (size_t i = 0; i < DT_ARRAY_LEN(want); i++)
        if (!unit_has(&U, want[i])) {
            printf("#   missing: %s\n", want[i]);
            all = false;
        }
    CHECKU(all, "each at its JSON path, saying what is wrong");
    dt_buf_free(&pol);

    rc = import_mem("{\"data\": []}", &pol, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "the dump holds no records"),
           "an empty dump: an error (a broken download, not \"nothing distrusted\")");
    dt_buf_free(&pol);
    rc = import_mem("{\"data\": [}", &pol, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "dump.json|1|11||not JSON: "),
           "not JSON: an error at its line and column");
    dt_buf_free(&pol);
    rc = import_mem("{\"records\": []}", &pol, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "expected a Remote Settings dump"),
           "JSON that is no dump: an error that says what is expected");
    dt_buf_free(&pol);
}

static enum dt_err run(const char *kind, const char *input, const char *output, bool strict,
                       struct dt_import_summary *s)
{
    struct dt_import_opts o;
    memset(&o, 0, sizeof(o));
    o.kind = kind;
    o.input = input;
    o.output = output;
    o.strict = strict;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    return dt_import_run(&o, s);
}

static void test_run(void)
{
    char out[700], dup[600], rundir[600];
    snprintf(rundir, sizeof(rundir), "%s/run", unit_tmp());
    mkdir(rundir, 0755);
    snprintf(out, sizeof(out), "%s/policy.json", rundir);
    snprintf(dup, sizeof(dup), "%s",
             UNIT_WRITE_STR("dup.json", "[{\"issuerName\": \"" NAME_HI "\", \"serialNumber\": "
                                        "\"AQI=\"}, {\"issuerName\": \"" NAME_HI "\", "
                                        "\"serialNumber\": \"AQI=\"}]"));
    struct dt_import_summary s;
    CHECKU(run("onecrl", dup, out, true, &s) == DT_ERR_STRICT && access(out, F_OK) != 0 &&
               s.warnings == 1,
           "strict with a duplicate: DT_ERR_STRICT, nothing written");
    CHECKU(run("onecrl", dup, out, false, &s) == DT_OK && access(out, F_OK) == 0 && s.records == 1,
           "without strict: written");
    struct dt_buf before;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_file_read(out, 1 << 20, &before, &d, NULL) != DT_OK)
        exit(2);
    const char *bad = UNIT_WRITE_STR("bad.json", "{\"data\": [7]}");
    CHECKU(run("onecrl", bad, out, false, &s) == DT_ERR_INPUT, "a bad dump: an input error");
    struct dt_buf after;
    unit_diags_setup(&U, &d);
    CHECK(dt_file_read(out, 1 << 20, &after, &d, NULL) == DT_OK && after.len == before.len &&
              !memcmp(after.data, before.data, before.len),
          "and the previous policy is left as it was");
    dt_buf_free(&before);
    dt_buf_free(&after);
    char missing[600];
    snprintf(missing, sizeof(missing), "%s/missing.json", unit_tmp());
    CHECKU(run("onecrl", missing, out, false, &s) != DT_OK && U.errors == 1 &&
               unit_has(&U, "missing.json"),
           "a missing input: an error naming it");
    char noplace[700];
    snprintf(noplace, sizeof(noplace), "%s/no/such/dir/p.json", unit_tmp());
    CHECKU(run("onecrl", dup, noplace, false, &s) == DT_ERR_IO && unit_has(&U, "cannot write"),
           "an output that cannot be written: an I/O error");

    /* The certdata kind: the policy and its certificates' directory. */
    char cpol[600];
    snprintf(cpol, sizeof(cpol), "%s/run-c", unit_tmp());
    mkdir(cpol, 0755);
    snprintf(cpol, sizeof(cpol), "%s/run-c/nss.json", unit_tmp());
    CHECKU(run("certdata", "testdata/nss/certdata-595de3712b53-2022-03-23-6distrust.txt", cpol,
               false, &s) == DT_OK &&
               access(cpol, F_OK) == 0 && s.records == 6 && s.certificates == 2 &&
               strstr(s.certs_dir, "/nss-certs"),
           "certdata: the policy, and nss-certs/ beside it (%s)", s.certs_dir);
    char man[4200];
    snprintf(man, sizeof(man), "%.4000s/manifest.json", s.certs_dir);
    struct dt_buf mb;
    unit_diags_setup(&U, &d);
    CHECK(dt_file_read(man, 1 << 20, &mb, &d, NULL) == DT_OK &&
              strstr((const char *)mb.data, "\"imported_from\": \"certdata-595de3712b53"),
          "whose manifest says where the certificates came from");
    dt_buf_free(&mb);

    /* The output: a hand-written policy is never replaced; an import among
     * other policy files is a warning (README once imported 1,891 OneCRL
     * entries into the shipped policy/). */
    char hand[600];
    snprintf(hand, sizeof(hand), "%s/run/hand.json", unit_tmp());
    const char *hand_text = "{\"version\": 1, \"entries\": []}\n";
    FILE *hf = fopen(hand, "w");
    if (!hf || fputs(hand_text, hf) < 0 || fclose(hf) != 0)
        exit(2);
    CHECKU(run("onecrl", dup, hand, false, &s) == DT_ERR_INPUT &&
               unit_has(&U, "refusing to replace this file: it is not a policy `distrust import` "
                            "wrote"),
           "a hand-written policy is not replaced");
    unit_diags_setup(&U, &d);
    CHECK(dt_file_read(hand, 1 << 20, &after, &d, NULL) == DT_OK && after.len == strlen(hand_text),
          "and is left as it was");
    dt_buf_free(&after);
    CHECKU(run("onecrl", dup, out, false, &s) == DT_OK &&
               unit_has(&U, "warning|") && unit_has(&U, "/run/policy.json|0|0||written beside 1 "
                                                        "other policy file in "),
           "its own earlier import is replaced, with a warning: hand.json is beside it");
    CHECKU(run("onecrl", dup, out, true, &s) == DT_ERR_STRICT, "which --strict makes an error");

    /* Options. */
    CHECK(run("crlset", dup, out, false, &s) == DT_ERR_USAGE, "an unknown kind: a usage error");
    CHECK(run("ccadb", dup, out, false, &s) == DT_ERR_INPUT &&
              unit_has(&U, "`distrust import onecrl "),
          "ccadb is a kind: a OneCRL dump given to it is an input error naming its importer");
    CHECK(run("onecrl", NULL, out, false, &s) == DT_ERR_USAGE, "no input: a usage error");
    CHECK(run("onecrl", dup, NULL, false, &s) == DT_ERR_USAGE, "no output: a usage error");
    CHECK(dt_import_run(NULL, &s) == DT_ERR_USAGE, "no options: a usage error");
}

/* An NSS certdata.txt given to import onecrl: one error at its BEGINDATA
 * line that names the right importer. */
static void test_other_format(void)
{
    struct dt_buf pol;
    struct dt_import_summary s;
    dt_buf_init(&pol, 0);
    const char *cd = "# This Source Code Form\n#\nBEGINDATA\nCKA_CLASS CK_OBJECT_CLASS "
                     "CKO_NSS_TRUST\n";
    CHECK(import_mem(cd, &pol, &s) == DT_ERR_INPUT && U.errors == 1 &&
              unit_has(&U, "error|dump.json|3|1||an NSS certdata.txt, not a OneCRL dump: import "
                           "it with `distrust import certdata dump.json`"),
          "a certdata.txt: one error at BEGINDATA naming import certdata");
    dt_buf_free(&pol);
    dt_buf_init(&pol, 0);
    CHECK(import_mem("{\"data\": [{\"issuerName\": \"" NAME_HI "\", \"serialNumber\": \"AQI=\"}]}",
                     &pol, &s) == DT_OK &&
              U.errors == 0,
          "baseline: an empty dump imports");
    dt_buf_free(&pol);
    CHECK(dt_import_is_json(dt_slice_make("\xef\xbb\xbf \n[", 6)) &&
              !dt_import_is_json(dt_slice_make("# [", 3)) && dt_import_certdata_line(dt_slice_make("a\nb\nCKA_CLASS x", 15)) == 3 &&
              dt_import_certdata_line(dt_slice_make("x CKA_CLASS", 11)) == 0,
          "the sniffers: JSON after a BOM and space; a certdata line at a line's start only");
}

int main(void)
{
    test_other_format();
    test_bom();
    test_records();
    test_bad();
    test_run();
    return unit_done();
}
