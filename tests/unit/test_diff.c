/* Unit tests: diff.c, release notes between two builds: distrusts added,
 * removed, changed (purposes, targets, label) and unchanged, grouped by
 * incident; distrust-after dates; blob keys per issuer; the CHANGELOG
 * snippet; JSON; no changes; the summary; the same output for the same
 * builds; directories that are not builds. Both builds are made here with
 * dt_build_run over the fixture PKI. */
#include "diff.h"
#include "build.h"
#include "unit.h"
#include "unit_json.h"

#include <jansson.h>

/* A string member, "" when absent (a failed check, never a crash). */
static struct unit_diags U;
static char CWD[400];

static void build(const char *name, const char *fmt, const char *out)
{
    char text[4096];
    snprintf(text, sizeof(text), fmt, CWD);
    const char *ps[1] = {UNIT_WRITE_STR(name, text)};
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    o.policies = ps;
    o.n_policies = 1;
    o.out_dir = out;
    o.has_date = 1;
    o.date = 1750000000;
    o.diag = unit_diag_fn;
    o.diag_ctx = &U;
    if (dt_build_run(&o, NULL) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
}

static char *diff(const char *a, const char *b, bool json, enum dt_err *rc,
                  struct dt_diff_summary *s)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_buf out;
    dt_buf_init(&out, 0);
    memset(s, 0xee, sizeof(*s));
    *rc = dt_diff_run(a, b, json, &out, s, &d);
    char *t = dt_buf_steal(&out, NULL);
    dt_buf_free(&out);
    return t;
}

#define OLD                                                                                        \
    "{\"version\": 1, \"incident\": {\"id\": \"INC\", \"bug\": \"100\"}, \"entries\": [\n"         \
    " {\"certificate\": \"%1$s/testdata/pki/leaf-a1.pem\", \"label\": \"Leaf A1\"},\n"             \
    " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", \"label\": \"Leaf A2\", \"purposes\": " \
    "[\"server-auth\"], \"targets\": [\"nss\"]},\n"                                                \
    " {\"certificate\": \"%1$s/testdata/pki/int-a2.pem\", \"label\": \"Int A2\", \"why\": "        \
    "\"superseded\"},\n"                                                                           \
    " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "             \
    "\"2024-11-30T23:59:59Z\"}]}"

static const char NEW_FMT[] =
    "{\"version\": 1, \"incident\": {\"id\": \"INC\", \"bug\": \"100\"}, \"entries\": [\n"
    " {\"certificate\": \"%1$s/testdata/pki/leaf-a1.pem\", \"label\": \"Leaf A1\"},\n"
    " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", \"label\": \"Leaf A2\", \"targets\": "
    "[\"nss\"]},\n"
    " {\"certificate\": \"%1$s/testdata/pki/leaf-ascii.pem\", \"label\": \"Leaf ASCII\"},\n"
    " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serials_file\": \"SERIALS\"},\n"
    " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
    "\"2024-06-30T23:59:59Z\"}]}";

int main(void)
{
    if (!getcwd(CWD, sizeof(CWD)))
        return 2;
    char a[600], b[600], a2[600];
    snprintf(a, sizeof(a), "%s/a", unit_tmp());
    snprintf(b, sizeof(b), "%s/b", unit_tmp());
    snprintf(a2, sizeof(a2), "%s/a2", unit_tmp());
    char serials[600], newp[4096];
    snprintf(serials, sizeof(serials), "%s", UNIT_WRITE_STR("batch.txt", "0a:01\n0a:02\n"));
    /* the serial list's path goes in as it is (no %-directive in it) */
    const char *at = strstr(NEW_FMT, "SERIALS");
    snprintf(newp, sizeof(newp), "%.*s%s%s", (int)(at - NEW_FMT), NEW_FMT, serials, at + 7);
    build("old.json", OLD, a);
    build("old.json", OLD, a2);
    build("new.json", newp, b);

    enum dt_err rc;
    struct dt_diff_summary s;
    char *md = diff(a, b, false, &rc, &s);
    CHECKU(rc == DT_OK && s.added == 1 && s.removed == 1 && s.changed == 1 && s.unchanged == 1 &&
               s.afters_changed == 1 && s.blob_added == 3 && s.blob_removed == 1,
           "summary: 1 added, 1 removed, 1 changed, 1 unchanged, a date changed, blob +3 -1 "
           "(%zu %zu %zu %zu %zu %zu %zu)",
           s.added, s.removed, s.changed, s.unchanged, s.afters_changed, s.blob_added,
           s.blob_removed);
    if (rc != DT_OK)
        return unit_done();
    CHECK(strstr(md, "# Distrust release notes\n\nFrom `") &&
              strstr(md, "| distrusts (NSS objects, OneCRL records) | 1 | 1 | 1 | 1 |\n"
                         "| distrust-after roots | 0 | 0 | 1 | 0 |\n"
                         "| revocations.blob keys | 3 | 1 | | |\n"),
          "the table of counts");
    CHECK(strstr(md, "\n## INC: 100\n"), "grouped by incident, with its bug");
    CHECK(strstr(md, "\nAdded (1):\n\n- **Leaf ASCII**: issuer `CN=Test Intermediate 1,O=Distrust "
                     "Test,C=US`, serial `53:45:52:49:41:4c:2d:34:32`; all purposes; NSS (issuer "
                     "and serial), OneCRL, blob\n"),
          "an added distrust: its key, purposes and targets");
    CHECK(strstr(md, "\nRemoved (1):\n\n- **Int A2**: ") && strstr(md, "Why: superseded\n"),
          "a removed one, with its why");
    CHECK(strstr(md, "\nChanged (1):\n\n- **Leaf A2**: ") &&
              strstr(md, "serial `30:03`. purposes: server-auth -> all purposes\n"),
          "a changed one: what changed");
    CHECK(strstr(md,
                 "## Distrust-after dates\n\n- **Test Root C (distrust-after)** (changed, INC): "
                 "TLS server certificates issued after 2024-06-30T23:59:59Z are distrusted\n"),
          "the changed date");
    CHECK(strstr(md, "## revocations.blob\n") &&
              strstr(md, "- `CN=Test Intermediate 1,O=Distrust Test,C=US`: 3 added, 0 removed\n") &&
              strstr(md, "- `CN=Test Root A,O=Distrust Test,C=US`: 0 added, 1 removed\n"),
          "blob keys per issuer");
    CHECK(strstr(md,
                 "## CHANGELOG snippet\n\n```markdown\n### Distrusted\n- INC: Leaf ASCII (100)\n\n"
                 "### No longer distrusted\n- INC: Int A2 (100)\n\n### Changed\n- INC: Leaf A2 "
                 "(100)\n\n### Distrust-after\n- Test Root C (distrust-after): date changed\n\n"
                 "### Revocation blob\n- 3 keys added, 1 removed\n```\n"),
          "the CHANGELOG snippet");
    char *again = diff(a, b, false, &rc, &s);
    CHECK(again && !strcmp(md, again), "the same builds: the same notes, byte for byte");
    free(again);
    free(md);

    /* The other way round. */
    md = diff(b, a, false, &rc, &s);
    CHECK(rc == DT_OK && s.added == 1 && s.removed == 1 && s.changed == 1 && s.blob_added == 1 &&
              s.blob_removed == 3 && md && strstr(md, "purposes: all purposes -> server-auth"),
          "reversed: added and removed swap, the change reversed");
    free(md);

    /* JSON. */
    md = diff(a, b, true, &rc, &s);
    json_error_t je;
    json_t *j = md ? json_loads(md, 0, &je) : NULL;
    json_t *ch = json_array_get(json_object_get(j, "changed"), 0);
    CHECK(rc == DT_OK && j && json_array_size(json_object_get(j, "added")) == 1 &&
              json_array_size(json_object_get(j, "removed")) == 1 && ch &&
              !strcmp(JSTR(ch, "changes"), "purposes: server-auth -> all purposes") &&
              json_integer_value(json_object_get(j, "unchanged")) == 1 &&
              json_array_size(json_object_get(j, "distrust_after")) == 1 &&
              json_array_size(json_object_get(j, "blob")) == 2,
          "JSON: the same changes as data");
    CHECK(j && !strcmp(JSTR(json_object_get(j, "old"), "dir"), a), "JSON: which builds");
    json_decref(j);
    free(md);

    /* Two builds of one policy. */
    md = diff(a, a2, false, &rc, &s);
    CHECK(rc == DT_OK && s.added + s.removed + s.changed == 0 && s.unchanged == 3 &&
              s.afters_changed == 0 && md && strstr(md, "\nNo changes.\n") &&
              strstr(md, "```markdown\nNo changes.\n```"),
          "the same policy twice: no changes, said twice");
    free(md);

    /* Builds without a blob key (every entry for NSS only): compared
     * without one (regression: bsearch over no keys, undefined behaviour
     * that UBSan stops at). */
    char n1[600], n2[600];
    snprintf(n1, sizeof(n1), "%s/nss1", unit_tmp());
    snprintf(n2, sizeof(n2), "%s/nss2", unit_tmp());
    build("nss1.json",
          "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/leaf-a1.pem\", "
          "\"targets\": [\"nss\"]}]}",
          n1);
    build("nss2.json",
          "{\"version\": 1, \"entries\": [{\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", "
          "\"targets\": [\"nss\"]}]}",
          n2);
    md = diff(n1, n2, false, &rc, &s);
    CHECK(rc == DT_OK && s.added == 1 && s.removed == 1 && s.blob_added == 0 &&
              s.blob_removed == 0 && md && strstr(md, "; all purposes; NSS (issuer and serial)\n"),
          "builds without blob keys: one added, one removed, for NSS only");
    free(md);

    /* Not builds. */
    char empty[600];
    snprintf(empty, sizeof(empty), "%s/empty", unit_tmp());
    mkdir(empty, 0755);
    md = diff(empty, b, false, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "cannot read the manifest") && (!md || !*md),
           "a directory without a manifest: an input error that asks whether it is a build");
    free(md);
    md = diff(empty, empty, false, &rc, &s);
    CHECK(rc == DT_ERR_INPUT && U.errors == 2, "both sides bad: both reported (%zu)", U.errors);
    free(md);
    /* A damaged blob is an error, never "no keys". */
    char blob[700];
    snprintf(blob, sizeof(blob), "%s/revocations.blob", a2);
    FILE *f = fopen(blob, "r+b");
    if (!f || fseek(f, 20, SEEK_SET) != 0 || fputc(0x5a, f) == EOF || fclose(f) != 0)
        return 2;
    md = diff(a, a2, false, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && unit_has(&U, "revocations.blob"),
           "a damaged revocations.blob: an input error at the file");
    free(md);
    /* A directory that is not there: its errno at it, no line or column
     * (regression: line:column 4294967295). */
    char gone[700];
    snprintf(gone, sizeof(gone), "%s/gone", unit_tmp());
    md = diff(a, gone, false, &rc, &s);
    CHECKU(rc == DT_ERR_INPUT && U.errors == 1 &&
               unit_has(&U, "|0|0||cannot read the build directory: No such file or directory"),
           "a missing directory: the errno text, no line or column");
    free(md);
    md = diff(a, a, false, &rc, &s);
    CHECKU(rc == DT_OK, "baseline: a build against itself");
    free(md);
    return unit_done();
}
