/* Unit tests: cases.c (chain case files): every field read, certificate
 * files loaded once, bundles, anchors as files or a certdata.txt store;
 * every refusal at its place; the names of usages and deployments; files
 * named by an option, and the size cap. */
#include "cases.h"
#include "unit.h"

static struct unit_diags U;

static enum dt_err load(struct dt_cases *c, const char *text)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    dt_cases_init(c);
    return dt_cases_load_text(c, "c.json", "testdata/pki", text, strlen(text), &d);
}

static void test_valid(void)
{
    struct dt_cases c;
    const char *t =
        "{\"version\": 1, \"comment\": \"x\", \"cases\": [\n"
        " {\"name\": \"one\", \"chain\": [\"leaf-a1.pem\", \"int-a1.pem\"], \"anchors\": "
        "[\"root-a.pem\"],\n  \"usage\": \"email-signer\", \"time\": \"2025-06-01T00:00:00Z\", "
        "\"expect\": \"distrusted\", \"deployments\": [\"openssl\", \"overlay\"], \"comment\": "
        "\"c\"},\n"
        " {\"name\": \"two\", \"chain\": [\"chain-a1.pem\"], \"anchors\": "
        "\"../chains/roots-certdata.txt\", "
        "\"expect\": \"trusted\"},\n"
        " {\"name\": \"three\", \"chain\": [\"int-a1.pem\"], \"anchors\": [\"root-a.pem\"], "
        "\"expect\": "
        "\"trusted\"}]}";
    CHECK(load(&c, t) == DT_OK && U.errors == 0 && U.warnings == 0 && c.n == 3,
          "baseline: three cases, no diagnostics");
    /* The policy's purposes are usages too. */
    struct dt_cases p;
    CHECK(load(&p, "{\"version\": 1, \"cases\": [\n"
                   " {\"name\": \"a\", \"chain\": [\"int-a1.pem\"], \"anchors\": [\"root-a.pem\"], "
                   "\"usage\": \"server-auth\", \"expect\": \"trusted\"},\n"
                   " {\"name\": \"b\", \"chain\": [\"int-a1.pem\"], \"anchors\": [\"root-a.pem\"], "
                   "\"usage\": \"email-protection\", \"expect\": \"trusted\"},\n"
                   " {\"name\": \"c\", \"chain\": [\"int-a1.pem\"], \"anchors\": [\"root-a.pem\"], "
                   "\"usage\": \"code-signing\", \"expect\": \"trusted\"}]}") == DT_OK &&
              p.n == 3 && p.v[0].usage == DT_USAGE_SERVER &&
              p.v[1].usage == DT_USAGE_EMAIL_SIGNER && p.v[2].usage == DT_USAGE_CODE_SIGNING,
          "the policy's purposes as usages: server-auth is server, email-protection "
          "email-signer, code-signing code-signing");
    dt_cases_free(&p);
    if (c.n == 3) {
        const struct dt_case *k = &c.v[0];
        CHECK(!strcmp(k->name, "one") && !strcmp(k->file, "c.json") &&
                  !strcmp(k->json_path, "/cases/0"),
              "name, file and JSON path");
        CHECK(k->n_chain == 2 && k->n_anchors == 1 && !k->anchors_certdata &&
                  k->chain[0]->info.is_ca == false && k->chain[1]->info.is_ca,
              "a chain of two, leaf first, one anchor");
        CHECK(k->usage == DT_USAGE_EMAIL_SIGNER && k->has_time && k->time == 1748736000 &&
                  k->expect_distrusted,
              "usage, time, expect");
        CHECK(k->deployments == (DT_DEPLOY_OPENSSL | DT_DEPLOY_OVERLAY), "the deployments named");
        k = &c.v[1];
        CHECK(k->n_chain == 2 && k->n_anchors == 0 && k->anchors_certdata &&
                  !strcmp(k->anchors_certdata, "testdata/pki/../chains/roots-certdata.txt"),
              "a bundle file as the chain (2 certificates); anchors as a certdata.txt, joined to "
              "the case file's directory");
        CHECK(k->usage == DT_USAGE_SERVER && !k->has_time && !k->expect_distrusted &&
                  k->deployments == 0,
              "defaults: server, no time (now), every deployment");
        CHECK(c.v[2].chain[0] == c.v[0].chain[1] && c.v[2].anchors[0] == c.v[0].anchors[0],
              "a file named twice is loaded once (the same certificate)");
        CHECK(c.certs.n == 5, "five certificates owned by the set, each file read once (%zu)",
              c.certs.n);
    }
    dt_cases_free(&c);
    CHECK(c.v == NULL && c.n == 0 && c.certs.n == 0, "free empties the set");
    dt_cases_free(NULL);

    /* Two files into one set. */
    dt_cases_init(&c);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const char *a = "{\"cases\": [{\"name\": \"a\", \"chain\": [\"leaf-a1.pem\"], \"anchors\": "
                    "[\"root-a.pem\"], \"expect\": \"trusted\"}]}";
    CHECK(dt_cases_load_text(&c, "a.json", "testdata/pki", a, strlen(a), &d) == DT_OK &&
              dt_cases_load_text(&c, "b.json", "testdata/pki", a, strlen(a), &d) == DT_OK &&
              c.n == 2 && !strcmp(c.v[1].file, "b.json") && U.warnings == 1 &&
              unit_has(&U, "warning|b.json|1|21|/cases/0/name|another case is also named \"a\""),
          "two files add up; a name used twice is a warning at the second");
    dt_cases_free(&c);
    CHECK(load(&c, "{\"cases\": []}") == DT_OK && U.warnings == 1 &&
              unit_has(&U, "the file has no cases"),
          "no cases: a warning, not an error");
    dt_cases_free(&c);
}

static void bad(const char *text, const char *fragment, const char *what)
{
    struct dt_cases c;
    enum dt_err rc = load(&c, text);
    CHECK(rc == DT_ERR_INPUT && U.errors >= 1 && unit_has(&U, fragment), "%s", what);
    if (!unit_has(&U, fragment))
        printf("#   wanted: %s\n#   got: %s", fragment, U.text);
    dt_cases_free(&c);
}

#define CASE(fields) "{\"cases\": [{" fields "}]}"
#define GOOD "\"name\": \"x\", \"chain\": [\"leaf-a1.pem\"], \"anchors\": [\"root-a.pem\"]"

static void test_errors(void)
{
    bad("[]", "error|c.json|1|1||a case file must hold one JSON object", "not an object");
    bad("{\"cases\": [], \"cases\": []}", "duplicate key", "a duplicate key");
    bad("", "the file is empty", "an empty file");
    bad("{\"casess\": []}", "unknown key \"casess\" in the case file; did you mean \"cases\"?",
        "a misspelt top-level key, with a suggestion");
    bad("{\"version\": 2, \"cases\": []}", "|/version|\"version\" must be 1", "version 2");
    bad("{}", "missing \"cases\"", "no cases member");
    bad("{\"cases\": {}}", "|/cases|\"cases\" must be an array", "cases not an array");
    bad("{\"cases\": [5]}", "|/cases/0|each case must be a JSON object", "a case that is a number");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"usgae\": \"server\""),
        "unknown key \"usgae\" in a case; did you mean \"usage\"?", "a misspelt case key");
    bad(CASE(
            "\"chain\": [\"leaf-a1.pem\"], \"anchors\": [\"root-a.pem\"], \"expect\": \"trusted\""),
        "|/cases/0|missing \"name\"", "no name");
    bad(CASE("\"name\": \"\", \"chain\": [\"leaf-a1.pem\"], \"anchors\": [\"root-a.pem\"], "
             "\"expect\": \"trusted\""),
        "|/cases/0/name|\"name\" is empty", "an empty name");
    bad(CASE("\"name\": \"a\\u0001\", \"chain\": [\"leaf-a1.pem\"], \"anchors\": [\"root-a.pem\"], "
             "\"expect\": \"trusted\""),
        "contains a control character (byte 0x01)", "a control character in the name");
    bad(CASE("\"name\": \"x\", \"anchors\": [\"root-a.pem\"], \"expect\": \"trusted\""),
        "missing \"chain\"", "no chain");
    bad(CASE("\"name\": \"x\", \"chain\": [], \"anchors\": [\"root-a.pem\"], \"expect\": "
             "\"trusted\""),
        "|/cases/0/chain|\"chain\" must be a non-empty array of certificate files",
        "an empty chain");
    bad(CASE("\"name\": \"x\", \"chain\": \"leaf-a1.pem\", \"anchors\": [\"root-a.pem\"], "
             "\"expect\": \"trusted\""),
        "\"chain\" must be a non-empty array", "a chain that is a string");
    bad(CASE("\"name\": \"x\", \"chain\": [3], \"anchors\": [\"root-a.pem\"], \"expect\": "
             "\"trusted\""),
        "|/cases/0/chain/0|each item of \"chain\" must be a file name",
        "a chain item that is a number");
    bad(CASE("\"name\": \"x\", \"chain\": [\"\"], \"anchors\": [\"root-a.pem\"], \"expect\": "
             "\"trusted\""),
        "each item of \"chain\" must be a file name", "an empty file name");
    bad(CASE("\"name\": \"x\", \"chain\": [\"nope.pem\"], \"anchors\": [\"root-a.pem\"], "
             "\"expect\": \"trusted\""),
        "|/cases/0/chain/0|cannot open testdata/pki/nope.pem", "a missing chain file, at its item");
    bad(CASE("\"name\": \"x\", \"chain\": [\"README.md\"], \"anchors\": [\"root-a.pem\"], "
             "\"expect\": \"trusted\""),
        "|/cases/0/chain/0|cannot use testdata/pki/README.md (see above)",
        "a chain file that holds no certificate");
    bad(CASE("\"name\": \"x\", \"chain\": [\"leaf-a1.pem\"], \"expect\": \"trusted\""),
        "missing \"anchors\"", "no anchors");
    bad(CASE("\"name\": \"x\", \"chain\": [\"leaf-a1.pem\"], \"anchors\": \"\", \"expect\": "
             "\"trusted\""),
        "|/cases/0/anchors|\"anchors\" is empty", "an empty anchors store name");
    bad(CASE("\"name\": \"x\", \"chain\": [\"leaf-a1.pem\"], \"anchors\": 7, \"expect\": "
             "\"trusted\""),
        "\"anchors\" must be a non-empty array", "anchors that are a number");
    bad(CASE(GOOD ", \"usage\": \"sever\", \"expect\": \"trusted\""),
        "unknown usage \"sever\"; did you mean \"server\"?", "a misspelt usage");
    bad(CASE(GOOD ", \"usage\": 1, \"expect\": \"trusted\""), "\"usage\" must be a string",
        "a usage that is a number");
    bad(CASE(GOOD ", \"time\": \"2025-06-01\", \"expect\": \"trusted\""),
        "|/cases/0/time|\"time\": expected an RFC 3339 date-time", "a date without a time");
    bad(CASE(GOOD), "missing \"expect\"", "no expect");
    bad(CASE(GOOD ", \"expect\": \"distrustd\""),
        "unknown expect \"distrustd\"; did you mean \"distrusted\"?", "a misspelt expect");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"deployments\": []"),
        "\"deployments\" must be a non-empty array of deployment names", "empty deployments");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"deployments\": \"overlay\""),
        "\"deployments\" must be a non-empty array", "deployments as a string");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"deployments\": [\"rootstore\"]"),
        "|/cases/0/deployments/0|unknown deployment \"rootstore\"; did you mean \"root-store\"?",
        "a misspelt deployment");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"deployments\": [\"zzz\"]"),
        "unknown deployment \"zzz\" (one of \"overlay\", \"root-store\", \"p11-kit\", \"openssl\", \"onecrl\")",
        "an unknown deployment, the names listed");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"deployments\": [\"overlay\", \"overlay\"]"),
        "|/cases/0/deployments/1|deployment \"overlay\" is listed twice", "a deployment twice");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"deployments\": [1]"),
        "each item of \"deployments\" must be a name", "a deployment that is a number");
    bad(CASE(GOOD ", \"expect\": \"trusted\", \"comment\": 5"), "\"comment\" must be a string",
        "a comment that is not text");
    /* One bad case does not hide the next one's errors, nor keep its good
     * neighbours from being counted. */
    struct dt_cases c;
    CHECK(load(&c,
               "{\"cases\": [{" GOOD ", \"expect\": \"x\"}, {" GOOD ", \"expect\": \"trusted\"}, "
               "{\"name\": \"y\"}]}") == DT_ERR_INPUT &&
              U.errors == 4 && c.n == 1 && unit_has(&U, "|/cases/2|missing \"chain\"") &&
              unit_has(&U, "|/cases/2|missing \"anchors\""),
          "every case is checked: 4 errors in cases 0 and 2, case 1 kept");
    dt_cases_free(&c);
    /* A chain of 16 is the most; 17 is refused. */
    char buf[4096];
    strcpy(buf, "{\"cases\": [{\"name\": \"x\", \"anchors\": [\"root-a.pem\"], \"expect\": "
                "\"trusted\", \"chain\": [\"leaf-a1.pem\"");
    for (int i = 0; i < 15; i++)
        strcat(buf, ", \"int-a1.pem\"");
    strcat(buf, "]}]}");
    CHECK(load(&c, buf) == DT_OK && c.n == 1 && c.v[0].n_chain == 16, "a chain of 16 certificates");
    dt_cases_free(&c);
    buf[strlen(buf) - 4] = '\0';
    strcat(buf, ", \"int-a1.pem\"]}]}");
    CHECK(load(&c, buf) == DT_ERR_INPUT && unit_has(&U, "a chain of more than 16 certificates"),
          "a chain of 17: refused");
    dt_cases_free(&c);
    strcpy(buf, "{\"cases\": [{\"name\": \"x\", \"anchors\": [\"root-a.pem\"], \"expect\": "
                "\"trusted\", \"chain\": [\"bundle-leaves.pem\", \"bundle-leaves.pem\", "
                "\"bundle-leaves.pem\", \"bundle-leaves.pem\", \"bundle-leaves.pem\", "
                "\"bundle-leaves.pem\"]}]}");
    CHECK(load(&c, buf) == DT_ERR_INPUT && unit_has(&U, "a chain of more than 16"),
          "the cap counts certificates, not files (6 bundles of 3)");
    dt_cases_free(&c);
}

static void test_names(void)
{
    CHECK(!strcmp(dt_cases_usage_name(DT_USAGE_CODE_SIGNING), "code-signing") &&
              !strcmp(dt_cases_usage_name((enum dt_usage)42), "?"),
          "usage names; \"?\" out of range");
    CHECK(dt_cases_usage_vfychain(DT_USAGE_SERVER) == 1 &&
              dt_cases_usage_vfychain(DT_USAGE_EMAIL_RECIPIENT) == 5 &&
              dt_cases_usage_vfychain(DT_USAGE_SSL_CA) == 3 &&
              dt_cases_usage_vfychain((enum dt_usage)42) == 1,
          "vfychain -u numbers (server out of range)");
    const char *sug = "x";
    CHECK(dt_cases_deployment_parse("p11-kit", &sug) == DT_DEPLOY_P11KIT && sug == NULL,
          "parse a deployment name");
    CHECK(dt_cases_deployment_parse("p11kit", &sug) == 0 && sug && !strcmp(sug, "p11-kit"),
          "a misspelling: 0 and a suggestion");
    CHECK(dt_cases_deployment_parse("zzz", NULL) == 0, "suggest may be NULL");
    CHECK(!strcmp(dt_cases_deployment_name(DT_DEPLOY_ROOT_STORE), "root-store") &&
              !strcmp(dt_cases_deployment_name(DT_DEPLOY_OVERLAY | DT_DEPLOY_OPENSSL), "?") &&
              !strcmp(dt_cases_deployment_name(0), "?"),
          "the name of one bit; \"?\" for several or none");
    char out[64];
    dt_cases_deployments_text(DT_DEPLOY_OPENSSL | DT_DEPLOY_OVERLAY | DT_DEPLOY_P11KIT, out,
                              sizeof(out));
    CHECK_STR(out, "overlay, p11-kit, openssl", "the bits as text, in a fixed order");
    dt_cases_deployments_text(0, out, sizeof(out));
    CHECK_STR(out, "", "no bits, no text");
    dt_cases_deployments_text(DT_DEPLOY_OVERLAY | DT_DEPLOY_ROOT_STORE, out, 12);
    CHECK(strlen(out) < 12 && !strncmp(out, "overlay, ro", 11), "cut to its buffer (%s)", out);
}

static void test_files(void)
{
    struct dt_cases c;
    struct dt_diags d;
    const char *paths[] = {"testdata/chains/basic/cases.json", "testdata/no-such-cases.json"};
    unit_diags_setup(&U, &d);
    CHECK(dt_cases_load(&c, paths, 1, true, &d) == DT_OK && c.n > 0 && U.errors == 0,
          "baseline: the basic fixture's cases (%zu)", c.n);
    dt_cases_free(&c);
    unit_diags_setup(&U, &d);
    CHECK(dt_cases_load_named(&c, paths, 2, false, "--cases", &d) == DT_ERR_INPUT && c.n > 0 &&
              unit_has(&U, "error|--cases|0|0||cannot open testdata/no-such-cases.json"),
          "a missing file named by --cases: reported at the option, the other file still read");
    dt_cases_free(&c);
    char big[512];
    snprintf(big, sizeof(big), "%s/big.json", unit_tmp());
    FILE *f = fopen(big, "wb");
    if (!f || ftruncate(fileno(f), (4 << 20) + 1) != 0 || fclose(f) != 0)
        exit(2);
    const char *bp[] = {big};
    unit_diags_setup(&U, &d);
    CHECK(dt_cases_load(&c, bp, 1, false, &d) == DT_ERR_INPUT &&
              unit_has(&U, "larger than the 4194304-byte limit"),
          "a case file over 4 MiB: refused from its size");
    dt_cases_free(&c);
}

int main(void)
{
    test_valid();
    test_errors();
    test_names();
    test_files();
    return unit_done();
}
