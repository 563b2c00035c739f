/* Unit tests: policy.c (loading, validation, places). */
#include "policy.h"
#include "der.h"
#include "unit.h"
#include "hex.h"

static struct unit_diags U;

/* Loads one policy text; returns the rc, with diagnostics in U. */
static enum dt_err load_text(const char *text, struct dt_policy *p)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const char *path = UNIT_WRITE_STR("p.json", text);
    const char *paths[1] = {path};
    return dt_policy_load(p, paths, 1, &d);
}

static void expect_error(const char *text, const char *fragment, const char *what)
{
    struct dt_policy p;
    enum dt_err rc = load_text(text, &p);
    CHECK(rc == DT_ERR_INPUT && unit_has(&U, fragment), "%s", what);
    if (!(rc == DT_ERR_INPUT && unit_has(&U, fragment)))
        printf("#   rc=%d diags:\n%s", rc, U.text);
    dt_policy_free(&p);
}

static void test_valid(void)
{
    struct dt_policy p;
    enum dt_err rc = load_text(
        "{\"version\": 1, \"incident\": {\"id\": \"x\", \"bug\": 123},\n"
        " \"entries\": [\n"
        "  {\"certificate\": \"a.pem\", \"label\": \"A\"},\n"
        "  {\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\", \"serial\": \"00:8b\", \"purposes\": "
        "[\"server-auth\"]},\n"
        "  {\"issuer_certificate\": \"ca.pem\", \"serials_file\": \"s.txt\"},\n"
        "  {\"subject_der\": \"MA0xCzAJBgNVBAMMAmhp\", \"spki_sha256\": "
        "\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},\n"
        "  {\"certificate\": \"root.pem\", \"server_distrust_after\": \"2024-11-30T23:59:59Z\"}\n"
        " ]}\n",
        &p);
    CHECK(rc == DT_OK && p.n_rules == 5, "a policy with every entry form loads (rc=%d)", rc);
    if (rc != DT_OK)
        printf("%s", U.text);
    if (p.n_rules == 5) {
        CHECK(p.rules[0].kind == DT_RULE_CERT && p.rules[0].targets == DT_TARGET_ALL &&
                  p.rules[0].purposes == DT_PURPOSE_ALL && p.rules[0].shape == DT_SHAPE_TRUST,
              "certificate entry defaults: all targets, all purposes, shape trust");
        CHECK(!strcmp(p.rules[0].bug, "123"), "numeric incident bug inherited as text");
        CHECK(p.rules[1].kind == DT_RULE_ISSUER_SERIAL && p.rules[1].serial.n == 2 &&
                  p.rules[1].purposes == DT_PURPOSE_SERVER,
              "issuer_der + serial, purposes server-auth");
        CHECK(p.rules[2].kind == DT_RULE_SERIALS_FILE && p.rules[2].targets == DT_TARGET_BLOB,
              "serial batch defaults to the blob target");
        CHECK(p.rules[3].kind == DT_RULE_SUBJECT_KEY &&
                  p.rules[3].targets == (DT_TARGET_ONECRL | DT_TARGET_BLOB | DT_TARGET_P11KIT),
              "subject+key defaults to onecrl, blob, p11-kit");
        CHECK(p.rules[4].kind == DT_RULE_DISTRUST_AFTER && p.rules[4].has_server_after &&
                  p.rules[4].server_after == 1733011199 &&
                  p.rules[4].targets == (DT_TARGET_NSS | DT_TARGET_P11KIT),
              "distrust-after entry: date and targets");
        CHECK(strstr(p.rules[0].certificate, "a.pem") && p.rules[0].certificate[0] == '/',
              "paths are resolved relative to the policy file");
    }
    CHECK(U.errors == 0 && U.warnings == 1 && unit_has(&U, "OneCRL records and the blob revoke"),
          "only the purposes-with-onecrl warning");
    dt_policy_free(&p);
}

static void test_errors(void)
{
    expect_error("{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", \"lable\": \"x\"}]}",
                 "did you mean \"label\"", "misspelt key suggests the right one");
    expect_error("{\"version\": 2, \"entries\": []}", "unsupported policy version 2",
                 "version 2 refused");
    expect_error("{\"entries\": []}", "missing \"version\"", "missing version");
    expect_error("{\"version\": 1, \"entries\": [}", "invalid JSON", "syntax error");
    expect_error("{\"version\": 1, \"version\": 1, \"entries\": []}", "duplicate",
                 "duplicate key refused");
    expect_error("{\"version\": 1, \"entries\": [{\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\", "
                 "\"serial\": \"8b:ad\"}]}",
                 "high bit set", "unpadded serial with high bit refused under der");
    expect_error("{\"version\": 1, \"entries\": [{\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\"}]}",
                 "needs \"serial\" or \"serials_file\"", "issuer without serial");
    expect_error("{\"version\": 1, \"entries\": [{\"serial\": \"01\"}]}", "needs an issuer",
                 "serial without issuer");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", \"serial\": \"01\"}]}",
        "cannot be combined", "certificate with serial");
    expect_error("{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", "
                 "\"server_distrust_after\": \"2050-01-01T00:00:00Z\"}]}",
                 "1950 to 2049", "distrust-after in 2050 refused");
    expect_error("{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", "
                 "\"server_distrust_after\": \"2024-11-30T23:59:59.5Z\"}]}",
                 "fractional", "fractional seconds refused");
    expect_error("{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", "
                 "\"server_distrust_after\": \"2024-11-30T23:59:59\"}]}",
                 "time zone", "date without zone refused");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", "
        "\"server_distrust_after\": \"2024-11-30T23:59:59Z\", \"purposes\": [\"server-auth\"]}]}",
        "cannot be combined", "distrust-after with purposes refused");
    expect_error("{\"version\": 1, \"entries\": [{\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\", "
                 "\"serial\": \"01\", \"server_distrust_after\": \"2024-11-30T23:59:59Z\"}]}",
                 "give the root as \"certificate\"", "distrust-after needs a certificate");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", \"purposes\": [\"server\"]}]}",
        "did you mean \"server-auth\"", "bad purpose suggests");
    expect_error("{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", \"targets\": []}]}",
                 "is empty", "empty targets refused");
    expect_error("{\"version\": 1, \"entries\": [{\"subject_der\": \"MA0xCzAJBgNVBAMMAmhp\"}]}",
                 "go together", "subject without spki");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"subject_der\": \"MA0xCzAJBgNVBAMMAmhp\", "
        "\"spki_sha256\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}]}",
        "not hex", "hex spki hash refused with a hint");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"issuer_der\": \"not base64!\", \"serial\": \"01\"}]}",
        "base64", "issuer_der not base64");
    expect_error("{\"version\": 1, \"entries\": [{\"issuer_der\": \"AQID\", \"serial\": \"01\"}]}",
                 "not a DER Name", "issuer_der not a Name");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", \"label\": \"a \\\"b\\\"\"}]}",
        "certdata.txt labels cannot carry", "label with a quote refused");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", \"label\": \"cost $5\"}]}",
        "'$'", "label with $ refused");
    expect_error("{\"version\": 1, \"entries\": [{\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\", "
                 "\"serial\": \"01\", \"nss_object\": \"trust+hash\"}]}",
                 "needs the certificate", "hashed shape without certificate refused");
    expect_error(
        "{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", \"created\": \"yesterday\"}]}",
        "created", "bad created date");
    expect_error("{\"version\": 1, \"entries\": [{}]}", "names nothing to distrust", "empty entry");
    expect_error("{\"version\": 1, \"entries\": "
                 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
                 "deeper than", "nesting cap");
    expect_error("[1]", "one JSON object", "top level not an object");
}

static void test_places(void)
{
    struct dt_policy p;
    (void)load_text("{\n  \"version\": 1,\n  \"entries\": [\n    {\"certificate\": \"a.pem\",\n"
                    "     \"serial\": \"01\"}\n  ]\n}\n",
                    &p);
    CHECK(unit_has(&U, "|5|6|/entries/0/serial|"),
          "error place is the key's line and column (5:6)");
    if (!unit_has(&U, "|5|6|/entries/0/serial|"))
        printf("%s", U.text);
    dt_policy_free(&p);
    (void)load_text("{\"version\": 1, \"entries\": [{\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\", "
                    "\"serial\": \"00:0g\"}]}",
                    &p);
    CHECK(unit_has(&U, "|1|82|/entries/0/serial|"),
          "a bad hex digit is located inside the string (column 82)");
    if (!unit_has(&U, "|1|82|"))
        printf("%s", U.text);
    dt_policy_free(&p);
}

static void test_dir_order(void)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/pdir", unit_tmp());
    CHECK(mkdir(dir, 0755) == 0, "make a policy directory");
    const char *v = "{\"version\": 1, \"entries\": [{\"certificate\": \"%s.pem\"}]}";
    char text[256], name[64];
    const char *names[] = {"b", "a", "c"};
    for (int i = 0; i < 3; i++) {
        snprintf(text, sizeof(text), v, names[i]);
        snprintf(name, sizeof(name), "pdir/%s.json", names[i]);
        UNIT_WRITE_STR(name, text);
    }
    UNIT_WRITE_STR("pdir/.hidden.json", "not json");
    UNIT_WRITE_STR("pdir/notes.txt", "not json");
    struct dt_policy p;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const char *paths[] = {dir};
    enum dt_err rc = dt_policy_load(&p, paths, 1, &d);
    CHECK(rc == DT_OK && p.n_files == 3 && p.n_rules == 3, "directory: three *.json files");
    if (p.n_rules == 3)
        CHECK(strstr(p.rules[0].certificate, "a.pem") && strstr(p.rules[2].certificate, "c.pem"),
              "files are read in name order");
    dt_policy_free(&p);
}

/* relax_upstream: a boolean, kept on the rule; a warning where it can have
 * no effect (the entry does not target nss). */
static void test_relax_upstream(void)
{
    struct dt_policy p;
    enum dt_err rc = load_text("{\"version\": 1, \"entries\": [\n"
                               "  {\"certificate\": \"a.pem\", \"relax_upstream\": true},\n"
                               "  {\"certificate\": \"b.pem\", \"relax_upstream\": false},\n"
                               "  {\"certificate\": \"c.pem\"}\n"
                               "]}\n",
                               &p);
    CHECK(rc == DT_OK && p.n_rules == 3 && p.rules[0].relax_upstream &&
              !p.rules[1].relax_upstream && !p.rules[2].relax_upstream && U.warnings == 0,
          "relax_upstream: true is kept on the rule; false and absent are the default");
    dt_policy_free(&p);
    rc = load_text("{\"version\": 1, \"entries\": [\n"
                   "  {\"certificate\": \"a.pem\", \"targets\": [\"onecrl\"], "
                   "\"relax_upstream\": true}\n"
                   "]}\n",
                   &p);
    CHECK(rc == DT_OK && U.warnings == 1 &&
              unit_has(&U, "|/entries/0/relax_upstream|relax_upstream has no effect: the entry "
                           "does not target nss"),
          "relax_upstream on an entry that does not target nss: a warning");
    dt_policy_free(&p);
    expect_error("{\"version\": 1, \"entries\": [{\"certificate\": \"a.pem\", "
                 "\"relax_upstream\": 1}]}",
                 "\"relax_upstream\" must be true or false", "relax_upstream: 1 is refused");
}

/* A UTF-8 byte-order mark at the start is named; the same text without it
 * loads, and U+FEFF inside a string is just a character. */
static void test_bom(void)
{
    static const char body[] = "{\"version\": 1, \"entries\": [\n"
                               "  {\"certificate\": \"a.pem\", \"label\": \"A\xef\xbb\xbf\"}]}\n";
    struct dt_policy p;
    CHECK(load_text(body, &p) == DT_OK && U.errors == 0,
          "baseline: the policy loads, with U+FEFF inside a label");
    dt_policy_free(&p);
    char with[sizeof(body) + 3] = "\xef\xbb\xbf";
    memcpy(with + 3, body, sizeof(body));
    CHECK(load_text(with, &p) == DT_ERR_INPUT && U.errors == 1 &&
              unit_has(&U, "|1|1||the file starts with a UTF-8 byte-order mark (EF BB BF), which "
                           "JSON does not allow; save it without one"),
          "a leading byte-order mark is an error at 1:1 that names it");
    dt_policy_free(&p);
}

/* The entry forms (policy.c's form table): every row, and every check of
 * its keys, with the exact message at the exact place. Each case is one
 * entry; `want` lists the diagnostics it must give ("path|message", errors
 * first counted by n_errors); an entry without errors yields a rule of the
 * kind and default targets given. */
#define ISSUER_DER "\"issuer_der\": \"MA0xCzAJBgNVBAMMAmhp\""
#define SUBJECT_DER "\"subject_der\": \"MA0xCzAJBgNVBAMMAmhp\""
#define SPKI "\"spki_sha256\": \"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\""
#define WHY_CERT_T "(a certificate entry takes issuer, serial and key from the certificate itself)"
#define WHY_INC_T "(an incident entry distrusts the serials its issuer did not revoke in time)"
static void test_forms(void)
{
    static const struct {
        const char *entry;
        size_t n_errors;
        const char *want[3];
        enum dt_rule_kind kind;
        unsigned targets;
    } cases[] = {
        /* The rows, with their rule kinds and default targets. */
        {"{\"certificate\": \"a.pem\"}", 0, {NULL}, DT_RULE_CERT, DT_TARGET_ALL},
        {"{\"certificate\": \"a.pem\", \"email_distrust_after\": \"2024-01-01T00:00:00Z\"}", 0,
         {NULL}, DT_RULE_DISTRUST_AFTER, DT_TARGET_NSS | DT_TARGET_P11KIT},
        {"{" ISSUER_DER ", \"serial\": \"01\"}", 0, {NULL}, DT_RULE_ISSUER_SERIAL, DT_TARGET_ALL},
        {"{\"issuer_certificate\": \"ca.pem\", \"serials_file\": \"s.txt\"}", 0, {NULL},
         DT_RULE_SERIALS_FILE, DT_TARGET_BLOB},
        {"{" SUBJECT_DER ", " SPKI "}", 0, {NULL}, DT_RULE_SUBJECT_KEY,
         DT_TARGET_ONECRL | DT_TARGET_BLOB | DT_TARGET_P11KIT},
        {"{\"issuer_certificate\": \"ca.pem\", \"incident_serials\": \"i.txt\", "
         "\"revoke_by\": \"2024-01-01T00:00:00Z\", \"crl\": \"ca.crl\"}",
         0, {NULL}, DT_RULE_INCIDENT, DT_TARGET_ONECRL | DT_TARGET_BLOB},
        /* The keys each form excludes, at the excluded key. */
        {"{\"certificate\": \"a.pem\", " SPKI "}", 1,
         {"|/entries/0/spki_sha256|\"spki_sha256\" cannot be combined with \"certificate\" "
          WHY_CERT_T},
         DT_RULE_CERT, 0},
        {"{\"certificate\": \"a.pem\", \"serials_file\": \"s.txt\", "
         "\"server_distrust_after\": \"2024-01-01T00:00:00Z\"}",
         1,
         {"|/entries/0/serials_file|\"serials_file\" cannot be combined with \"certificate\" "
          WHY_CERT_T},
         DT_RULE_CERT, 0},
        {"{\"issuer_certificate\": \"ca.pem\", " ISSUER_DER ", \"serial\": \"01\"}", 1,
         {"|/entries/0/issuer_der|\"issuer_der\" cannot be combined with \"issuer_certificate\" "
          "(give the issuer one way)"},
         DT_RULE_CERT, 0},
        {"{" ISSUER_DER ", \"serial\": \"01\", " SUBJECT_DER "}", 1,
         {"|/entries/0/subject_der|\"subject_der\" cannot be combined with \"issuer_der\"\n"},
         DT_RULE_CERT, 0},
        {"{\"issuer_certificate\": \"ca.pem\", \"serial\": \"01\", \"serials_file\": \"s\"}", 1,
         {"|/entries/0/serials_file|\"serials_file\" cannot be combined with \"serial\" (one "
          "entry per serial list; use two entries)"},
         DT_RULE_CERT, 0},
        {"{\"issuer_certificate\": \"ca.pem\", \"incident_serials\": \"i.txt\", "
         "\"revoke_by\": \"2024-01-01T00:00:00Z\", \"serial\": \"01\"}",
         1, {"|/entries/0/serial|\"serial\" cannot be combined with \"incident_serials\" "
             WHY_INC_T},
         DT_RULE_CERT, 0},
        {"{\"issuer_certificate\": \"ca.pem\", \"incident_serials\": \"i.txt\", "
         "\"revoke_by\": \"2024-01-01T00:00:00Z\", \"email_distrust_after\": "
         "\"2024-01-01T00:00:00Z\"}",
         2,
         {"|/entries/0/email_distrust_after|\"email_distrust_after\" cannot be combined with "
          "\"incident_serials\" " WHY_INC_T,
          "|/entries/0/email_distrust_after|a distrust-after date is set on a root's "
          "certificate object: give the root as \"certificate\""},
         DT_RULE_CERT, 0},
        {"{" ISSUER_DER ", \"incident_serials\": \"i.txt\", "
         "\"revoke_by\": \"2024-01-01T00:00:00Z\", \"crl\": \"ca.crl\"}",
         1,
         {"|/entries/0/crl|checking a CRL's signature needs the issuer's certificate: give "
          "\"issuer_certificate\" instead of \"issuer_der\""},
         DT_RULE_CERT, 0},
        {"{" SUBJECT_DER ", " SPKI ", \"serials_file\": \"s.txt\", \"serial\": \"01\"}", 1,
         {"|/entries/0/serial|a serial needs an issuer (issuer_certificate or issuer_der), not a "
          "subject"},
         DT_RULE_CERT, 0},
        /* The keys each form needs, at the selecting key. */
        {"{\"issuer_certificate\": \"ca.pem\", " ISSUER_DER "}", 2,
         {"|/entries/0/issuer_der|\"issuer_der\" cannot be combined",
          "|/entries/0/issuer_certificate|an issuer needs \"serial\" or \"serials_file\""},
         DT_RULE_CERT, 0},
        {"{\"incident_serials\": \"i.txt\"}", 2,
         {"|/entries/0/incident_serials|an incident needs its issuer: \"issuer_certificate\" "
          "(to check its CRLs) or \"issuer_der\"",
          "|/entries/0/incident_serials|an incident needs \"revoke_by\": the deadline (RFC "
          "3339) by which the CA had to revoke"},
         DT_RULE_CERT, 0},
        {"{" SPKI "}", 1,
         {"|/entries/0/spki_sha256|\"subject_der\" and \"spki_sha256\" go together"},
         DT_RULE_CERT, 0},
        /* The rows that are errors. */
        {"{\"crl\": \"ca.crl\", \"label\": \"$\"}", 1,
         {"|/entries/0/crl|\"revoke_by\" and \"crl\" belong to an incident entry (with "
          "\"incident_serials\")"},
         DT_RULE_CERT, 0},
        {"{\"label\": \"$\"}", 1,
         {"|/entries/0|the entry names nothing to distrust: give \"certificate\""},
         DT_RULE_CERT, 0},
        /* A serial without an issuer: the rest of the entry is still judged. */
        {"{\"serials_file\": \"s.txt\", \"serial\": \"0g\", \"label\": \"$\"}", 3,
         {"|/entries/0/serial|a serial needs an issuer: add \"issuer_certificate\" or "
          "\"issuer_der\"",
          "|/entries/0/serial|serial \"0g\": not a hex digit",
          "|/entries/0/label|label contains '$'"},
         DT_RULE_CERT, 0},
        /* The form decides how the keys every entry may carry apply. */
        {"{\"certificate\": \"a.pem\", \"server_distrust_after\": \"2024-01-01T00:00:00Z\", "
         "\"targets\": [\"blob\"]}",
         1,
         {"|/entries/0/targets|OneCRL records and the blob cannot express a distrust-after "
          "date; use \"nss\" and \"p11-kit\""},
         DT_RULE_CERT, 0},
        {"{" ISSUER_DER ", \"serial\": \"01\", \"nss_object\": \"trust+hash\"}", 1,
         {"|/entries/0/nss_object|nss_object \"trust+hash\" needs the certificate (for its "
          "hashes)"},
         DT_RULE_CERT, 0},
        {"{\"certificate\": \"a.pem\", \"nss_object\": \"trust+hash\"}", 0, {NULL}, DT_RULE_CERT,
         DT_TARGET_ALL},
        {"{" ISSUER_DER ", \"serials_file\": \"s.txt\", \"scope\": \"key\"}", 1,
         {"|/entries/0/scope|\"scope\": \"key\" needs a certificate, or an issuer and one "
          "serial"},
         DT_RULE_CERT, 0},
        {"{" ISSUER_DER ", \"serial\": \"01\", \"scope\": \"key\"}", 0, {NULL},
         DT_RULE_ISSUER_SERIAL, DT_TARGET_ALL},
        {"{" SUBJECT_DER ", " SPKI ", \"scope\": \"certificate\"}", 1,
         {"|/entries/0/scope|a subject and key entry distrusts the key (every certificate of "
          "it)"},
         DT_RULE_CERT, 0},
        {"{" ISSUER_DER ", \"serial\": \"01\", \"serial_format\": \"integer\", \"label\": \"x\"}",
         0, {NULL}, DT_RULE_ISSUER_SERIAL, DT_TARGET_ALL},
        {"{" SUBJECT_DER ", " SPKI ", \"serial_format\": \"integer\"}", 1,
         {"|/entries/0/serial_format|\"serial_format\" applies only to \"serial\" and "
          "\"serials_file\""},
         DT_RULE_CERT, 0},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(cases); i++) {
        char text[1024];
        snprintf(text, sizeof(text), "{\"version\": 1, \"entries\": [%s]}", cases[i].entry);
        struct dt_policy p;
        enum dt_err rc = load_text(text, &p);
        bool ok = U.errors == cases[i].n_errors &&
                  rc == (cases[i].n_errors ? DT_ERR_INPUT : DT_OK);
        for (size_t k = 0; k < 3 && cases[i].want[k]; k++)
            ok = ok && unit_has(&U, cases[i].want[k]);
        if (!cases[i].n_errors)
            ok = ok && p.n_rules == 1 && p.rules[0].kind == cases[i].kind &&
                 p.rules[0].targets == cases[i].targets;
        else
            ok = ok && p.n_rules == 0;
        CHECK(ok, "form of %s: %zu error%s%s", cases[i].entry, cases[i].n_errors,
              cases[i].n_errors == 1 ? "" : "s", cases[i].n_errors ? "" : ", kind and targets");
        if (!ok)
            printf("#   rc=%d errors=%zu diags:\n%s", rc, U.errors, U.text);
        dt_policy_free(&p);
    }
}

int main(void)
{
    test_valid();
    test_bom();
    test_errors();
    test_places();
    test_dir_order();
    test_relax_upstream();
    test_forms();
    return unit_done();
}
