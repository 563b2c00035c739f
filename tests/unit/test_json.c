/* Unit tests: json.c (JSON input files with located diagnostics): parsing
 * with every refusal at its place, the place of a path (and of a missing
 * member: its parent), and the typed member readers with their errors. */
#include "json.h"
#include "unit.h"

static struct unit_diags U;
static struct dt_diags D;
static struct dt_arena A;

static void ctx(struct dt_jctx *j, const char *text)
{
    unit_diags_setup(&U, &D);
    memset(j, 0, sizeof(*j));
    j->display = "p.json";
    j->dir = "pol";
    j->text = text;
    j->len = strlen(text);
    j->d = &D;
    j->arena = &A;
}

static void test_parse(void)
{
    struct dt_jctx j;
    ctx(&j, "{\"a\": [1, {\"b\": true}]}");
    json_t *r = dt_json_parse(&j, 4);
    CHECK(r && j.rc == DT_OK && U.errors == 0, "baseline: a text within the depth parses");
    json_decref(r);
    static const struct {
        const char *text, *want;
        int depth;
    } bad[] = {
        {"", "error|p.json|1|1||the file is empty (expected one JSON object)", 4},
        {" \n\t ", "the file is empty", 4},
        {"\xef\xbb\xbf{}", "error|p.json|1|1||the file starts with a UTF-8 byte-order mark", 4},
        {"{\"a\": [[[[1]]]]}",
         "error|p.json|1|9|/a/0/0|JSON nested deeper than the limit of 3 levels", 3},
        {"{\"a\": 1,}", "error|p.json|1|9||invalid JSON:", 4},
        {"{\"a\": 1,\n \"b\": tru}", "error|p.json|2|9|/b|invalid JSON: invalid token near 'tru'",
         4},
        {"{\"k\": 1, \"k\": 2}", "error|p.json|1|10|/k|duplicate key: a key may appear once", 4},
        {"{\"k\": \"\\u0000\"}", "\\u0000 (NUL) is not allowed in strings", 4},
        {"{\"x\": 1} 2", "invalid JSON: end of file expected", 4},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++) {
        ctx(&j, bad[i].text);
        r = dt_json_parse(&j, bad[i].depth);
        CHECK(!r && j.rc == DT_ERR_INPUT && U.errors == 1 && unit_has(&U, bad[i].want),
              "refused: %s", bad[i].want);
        if (!unit_has(&U, bad[i].want))
            printf("#   got: %s", U.text);
        json_decref(r);
    }
    static const char nul[] = "{\"a\":\n 1\0}";
    ctx(&j, "");
    j.text = nul;
    j.len = sizeof(nul) - 1;
    r = dt_json_parse(&j, 4);
    CHECK(!r && unit_has(&U, "error|p.json|2|3|/a|the file contains a NUL byte"),
          "a NUL byte: at its line and column");
}

static void test_where(void)
{
    const char *t = "{\n  \"entries\": [\n    {\"serial\": \"0g\", \"label\": \"x\"}\n  ]\n}";
    struct dt_where w;
    dt_json_where("p.json", t, strlen(t), &w, false, "/entries/0", "serial");
    CHECK(w.pl.line == 3 && w.pl.col == 16 && !strcmp(w.path, "/entries/0/serial") &&
              !strcmp(w.pl.json_path, "/entries/0/serial") &&
              !strcmp(w.pl.source_line, "    {\"serial\": \"0g\", \"label\": \"x\"}") &&
              !strcmp(w.pl.file, "p.json"),
          "a value: its line, column, path and line text");
    dt_json_where("p.json", t, strlen(t), &w, true, "/entries/0", "serial");
    CHECK(w.pl.line == 3 && w.pl.col == 6, "at_key: the key's column");
    dt_json_where("p.json", t, strlen(t), &w, false, "/entries/0", "missing");
    CHECK(w.pl.line == 3 && w.pl.col == 5 && !strcmp(w.path, "/entries/0/missing"),
          "a missing member: its parent's place, its own path");
    dt_json_where("p.json", t, strlen(t), &w, false, "/nothing/deeper/still", NULL);
    CHECK(w.pl.line == 1 && w.pl.col == 1 && !strcmp(w.path, "/nothing/deeper/still"),
          "nothing of the path: the root");
    dt_json_where("p.json", "", 0, &w, false, "/a", NULL);
    CHECK(w.pl.line == 1 && w.pl.col == 1 && w.pl.source_line == NULL,
          "an empty text: 1:1, no line text");
    char longline[700];
    memset(longline, ' ', sizeof(longline));
    memcpy(longline, "{\"a\": 1", 7);
    longline[698] = '}';
    longline[699] = '\0';
    dt_json_where("p.json", longline, strlen(longline), &w, false, "/a", NULL);
    CHECK(strlen(w.pl.source_line) == 511, "a long line's text is cut to 511 bytes");
}

static void test_members(void)
{
    dt_arena_init(&A);
    struct dt_jctx j;
    const char *t =
        "{\"s\": \"v\", \"n\": 42, \"e\": \"\", \"c\": \"a\\u0007b\", \"c1\": \"a\\u0085b\", "
        "\"p\": \"sub/f.txt\", \"abs\": \"/etc/x\", \"usage\": \"sever\", \"x\": \"zzz\"}";
    ctx(&j, t);
    json_t *o = dt_json_parse(&j, 4);
    bool present = false;
    CHECK(o && !strcmp(dt_json_str(&j, o, "", "s", &present), "v") && present, "str: a string");
    CHECK(dt_json_str(&j, o, "", "none", &present) == NULL && !present && j.rc == DT_OK,
          "str: absent is no error");
    CHECK(dt_json_str(&j, o, "", "n", &present) == NULL && present && j.rc == DT_ERR_INPUT &&
              unit_has(&U, "|/n|\"n\" must be a string"),
          "str: another type is an error at the member");
    ctx(&j, t);
    CHECK(!strcmp(dt_json_text(&j, o, "", "n", true, 10), "42") && j.rc == DT_OK,
          "text: a number when allowed, as text");
    CHECK(dt_json_text(&j, o, "", "n", false, 10) == NULL &&
              unit_has(&U, "\"n\" must be a string\n"),
          "text: a number when not allowed");
    CHECK(dt_json_text(&j, o, "", "s", false, 0) == NULL &&
              unit_has(&U, "\"s\" is longer than the 0-byte limit"),
          "text: over its cap");
    CHECK(dt_json_text(&j, o, "", "s", false, 1) &&
              dt_json_text(&j, o, "", "none", false, 1) == NULL,
          "text: exactly at its cap; absent is NULL");
    CHECK(dt_json_text(&j, o, "", "c", false, 10) == NULL &&
              unit_has(&U, "\"c\" contains a control character (byte 0x07)"),
          "text: a C0 control");
    CHECK(dt_json_text(&j, o, "", "c1", false, 10) == NULL &&
              unit_has(&U, "\"c1\" contains a control character (U+0085)"),
          "text: a C1 control (UTF-8 C2 85)");
    static const char *const usages[] = {"server", "client"};
    ctx(&j, t);
    CHECK(dt_json_enum(&j, o, "/e0", "usage", usages, 2, &present) == -1 && present &&
              unit_has(&U, "|/e0/usage|unknown usage \"sever\"; did you mean \"server\"? (one of "
                           "\"server\", \"client\")"),
          "enum: a misspelling with a suggestion and the names");
    CHECK(dt_json_enum(&j, o, "", "x", usages, 2, &present) == -1 &&
              unit_has(&U, "unknown x \"zzz\" (one of \"server\", \"client\")"),
          "enum: no suggestion");
    static const char *const vs[] = {"q", "v"};
    CHECK(dt_json_enum(&j, o, "", "s", vs, 2, &present) == 1, "enum: the index of a name");
    CHECK(dt_json_enum(&j, o, "", "none", vs, 2, &present) == -1 && !present, "enum: absent");
    ctx(&j, t);
    CHECK(!strcmp(dt_json_path(&j, o, "", "p"), "pol/sub/f.txt") && j.rc == DT_OK,
          "path: joined to the file's directory");
    CHECK(!strcmp(dt_json_path(&j, o, "", "abs"), "/etc/x"), "path: an absolute path as it is");
    CHECK(dt_json_path(&j, o, "", "e") == NULL && unit_has(&U, "|/e|\"e\" is empty"),
          "path: empty is an error");
    CHECK(dt_json_path(&j, o, "", "none") == NULL, "path: absent");

    ctx(&j, t);
    static const char *const keys[] = {"s", "n", "e", "c", "c1", "p", "abs", "usage"};
    dt_json_check_keys(&j, o, "", keys, DT_ARRAY_LEN(keys), "the test object");
    CHECK(U.errors == 1 && unit_has(&U, "error|p.json|1|") &&
              unit_has(&U, "|/x|unknown key \"x\" in the test object; did you mean \"s\"?"),
          "check_keys: the unknown key at its key");
    ctx(&j, t);
    static const char *const keys2[] = {"s", "n", "e", "c", "c1", "p", "abs", "usages", "x"};
    dt_json_check_keys(&j, o, "", keys2, DT_ARRAY_LEN(keys2), "it");
    CHECK(U.errors == 1 && unit_has(&U, "unknown key \"usage\" in it; did you mean \"usages\"?"),
          "check_keys: with a suggestion");
    json_decref(o);

    ctx(&j, "{}");
    dt_json_warn(&j, false, "", "k", "w %d", 1);
    CHECK(j.rc == DT_OK && U.warnings == 1 && unit_has(&U, "|/k|w 1"), "a warning leaves rc alone");
    dt_json_err(&j, true, "", NULL, "e");
    CHECK(j.rc == DT_ERR_INPUT && U.errors == 1, "an error sets DT_ERR_INPUT");
    j.rc = DT_ERR_NOMEM;
    dt_json_err(&j, true, "", NULL, "e2");
    CHECK(j.rc == DT_ERR_NOMEM, "and does not hide an earlier DT_ERR_NOMEM");

    char list[16];
    static const char *const names[] = {"overlay", "root-store", "p11-kit"};
    dt_json_names_list(names, 3, list, sizeof(list));
    CHECK(strlen(list) == 15 && !strncmp(list, "\"overlay\", \"roo", 15),
          "names_list cut to its buffer (%s)", list);
    char all[64];
    dt_json_names_list(names, 0, all, sizeof(all));
    CHECK_STR(all, "", "no names, empty");
    dt_arena_free(&A);
}

int main(void)
{
    test_parse();
    test_where();
    test_members();
    return unit_done();
}
