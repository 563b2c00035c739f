/* Unit tests: manifest.c, OUT/manifest.json: the tool and policy digest,
 * every file's SHA-256 and size, counts (nested one level by a '.'), the
 * merge's upstream, the expanded distrusts, the incidents (borrowed), in
 * sorted keys with a final newline; bad counts are a caller's bug
 * (DT_ERR_INTERNAL, never "out of memory"); a full buffer is DT_ERR_LIMIT. */
#include "manifest.h"
#include "version.h"
#include "unit.h"
#include "unit_json.h"

#include <jansson.h>

/* A string member, "" when absent (a failed check, never a crash). */
/* The moved checks (from test_misc.c). */
static void test_basics(void)
{
    struct dt_outfile files[1] = {{.name = "a.txt", .data = {(const uint8_t *)"abc", 3}}};
    struct dt_count counts[] = {{"x", 1}, {"group.y", 2}, {"group.z", 3}};
    struct dt_buf b;
    dt_buf_init(&b, 0);
    CHECK(dt_manifest_write("00ff", files, 1, counts, 3, NULL, 0, NULL, NULL, NULL, NULL, &b) == DT_OK,
          "manifest written");
    const char *m = dt_buf_cstr(&b);
    CHECK(strstr(
              m,
              "\"sha256\": \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"") &&
              strstr(m, "\"bytes\": 3"),
          "file digest and size");
    CHECK(strstr(m, "\"group\": {\n      \"y\": 2,\n      \"z\": 3\n    }"), "nested counts");
    CHECK(m[b.len - 1] == '\n' && m[0] == '{', "one JSON object and a final newline");
    dt_buf_free(&b);
}

static json_t *write_json(const struct dt_outfile *files, size_t n, const struct dt_count *counts,
                          size_t n_counts, const struct dt_expansion *exp, size_t n_exp,
                          const char *up, const char *up_sha, json_t *incidents, char **text)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    json_t *j = NULL;
    if (dt_manifest_write("ab12", files, n, counts, n_counts, exp, n_exp, up, up_sha, incidents, NULL,
                          &b) == DT_OK) {
        json_error_t e;
        j = json_loadb((const char *)b.data, b.len, 0, &e);
        if (text)
            *text = dt_buf_steal(&b, NULL);
    }
    dt_buf_free(&b);
    return j;
}

static void test_contents(void)
{
    struct dt_outfile files[2] = {{.name = "z.txt", .data = {(const uint8_t *)"", 0}},
                                  {.name = "dir/b.bin", .data = {(const uint8_t *)"\x00\x01", 2}}};
    char *text = NULL;
    json_t *j = write_json(files, 2, NULL, 0, NULL, 0, NULL, NULL, NULL, &text);
    CHECK(j && !strcmp(JSTR(j, "tool"), "distrust " DT_VERSION) &&
              !strcmp(JSTR(j, "policy_sha256"), "ab12"),
          "the tool and its version, the policy digest");
    json_t *fz = json_object_get(json_object_get(j, "files"), "z.txt");
    CHECK(fz && json_integer_value(json_object_get(fz, "bytes")) == 0 &&
              !strcmp(JSTR(fz, "sha256"),
                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
          "an empty file: size 0, the SHA-256 of nothing");
    CHECK(json_object_get(json_object_get(j, "files"), "dir/b.bin") != NULL,
          "a file in a subdirectory under its relative name");
    CHECK(!json_object_get(j, "certdata_upstream") && !json_object_get(j, "expanded") &&
              !json_object_get(j, "incidents") &&
              json_object_size(json_object_get(j, "counts")) == 0,
          "nothing else unless given");
    /* Sorted keys: counts, files, policy_sha256, tool. */
    const char *c = text ? strstr(text, "\"counts\"") : NULL,
               *f = text ? strstr(text, "\"files\"") : NULL,
               *p = text ? strstr(text, "\"policy_sha256\"") : NULL,
               *t = text ? strstr(text, "\"tool\"") : NULL;
    CHECK(c && f && p && t && c < f && f < p && p < t, "keys sorted");
    CHECK(text && strstr(text, "\"dir/b.bin\"") < strstr(text, "\"z.txt\""), "file names sorted");
    char *again = NULL;
    json_t *j2 = write_json(files, 2, NULL, 0, NULL, 0, NULL, NULL, NULL, &again);
    CHECK(text && again && !strcmp(text, again), "the same input: the same bytes");
    json_decref(j);
    json_decref(j2);
    free(text);
    free(again);

    /* The merge's upstream file. */
    j = write_json(NULL, 0, NULL, 0, NULL, 0, "certdata.txt", "0011", NULL, NULL);
    json_t *u = json_object_get(j, "certdata_upstream");
    CHECK(u && !strcmp(JSTR(u, "file"), "certdata.txt") && !strcmp(JSTR(u, "sha256"), "0011"),
          "certdata_upstream: the file and its digest");
    json_decref(j);

    /* Expanded distrusts. */
    struct dt_expansion e[2];
    memset(e, 0, sizeof(e));
    e[0].entry = "p.json /entries/0";
    e[0].label = "L (issued by R)";
    e[0].pool_file = "pool/x.pem";
    memset(e[0].sha256, 0xab, 32);
    e[1] = e[0];
    e[1].relation = "same issuer name and serial (issuer encoded differently)";
    e[1].has_via = true;
    memset(e[1].via_sha256, 0x01, 32);
    e[1].anchor_of = "certdata.txt";
    e[1].label = "K\xc3\xb6k"; /* UTF-8: written as \u escapes */
    j = write_json(NULL, 0, NULL, 0, e, 2, NULL, NULL, NULL, &text);
    json_t *x0 = json_array_get(json_object_get(j, "expanded"), 0);
    json_t *x1 = json_array_get(json_object_get(j, "expanded"), 1);
    CHECK(x0 && !strcmp(JSTR(x0, "relation"), "same subject and key") &&
              !json_object_get(x0, "via_sha256") && !json_object_get(x0, "trust_anchor_of") &&
              !strncmp(JSTR(x0, "certificate_sha256"), "abab", 4),
          "an expansion: its relation by default, no via, no anchor");
    CHECK(x1 && !strncmp(JSTR(x1, "via_sha256"), "0101", 4) &&
              !strcmp(JSTR(x1, "trust_anchor_of"), "certdata.txt") &&
              !strcmp(JSTR(x1, "label"), "K\xc3\xb6k"),
          "with via, the anchor's store, its relation and label");
    CHECK(text && strstr(text, "K\\u00F6k"), "non-ASCII text as \\u escapes (ASCII output)");
    json_decref(j);
    free(text);

    /* Incidents are borrowed: the caller's reference stays. */
    json_t *inc = json_pack("[{s:s}]", "entry", "p.json /entries/1");
    j = write_json(NULL, 0, NULL, 0, NULL, 0, NULL, NULL, inc, NULL);
    CHECK(j && json_equal(json_object_get(j, "incidents"), inc) && inc->refcount == 1,
          "incidents written, the caller's reference untouched");
    json_decref(inc);
    json_decref(j);
}

static void test_errors(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    struct dt_count clash[] = {{"x", 1}, {"x.y", 2}};
    CHECK(dt_manifest_write("00", NULL, 0, clash, 2, NULL, 0, NULL, NULL, NULL, NULL, &b) ==
              DT_ERR_INTERNAL,
          "a count that is also a group: an internal error (regression: was out of memory)");
    struct dt_count clash2[] = {{"x.y", 2}, {"x", 1}};
    CHECK(dt_manifest_write("00", NULL, 0, clash2, 2, NULL, 0, NULL, NULL, NULL, NULL, &b) ==
              DT_ERR_INTERNAL,
          "a group that is then a count: an internal error (regression: was silently replaced)");
    struct dt_count twice[] = {{"a.b", 1}, {"a.b", 2}};
    CHECK(dt_manifest_write("00", NULL, 0, twice, 2, NULL, 0, NULL, NULL, NULL, NULL, &b) ==
              DT_ERR_INTERNAL,
          "a count given twice: an internal error, never a lost count");
    char longname[100];
    memset(longname, 'g', 70);
    strcpy(longname + 70, ".n");
    struct dt_count lg[] = {{longname, 1}};
    CHECK(dt_manifest_write("00", NULL, 0, lg, 1, NULL, 0, NULL, NULL, NULL, NULL, &b) == DT_ERR_INTERNAL,
          "a group name of 64 bytes or more: an internal error");
    CHECK(b.len == 0, "nothing written on error");
    struct dt_count ok[] = {{"a.b", 1}, {"a.c", 2}, {"b", 3}};
    CHECK(dt_manifest_write("00", NULL, 0, ok, 3, NULL, 0, NULL, NULL, NULL, NULL, &b) == DT_OK,
          "baseline: distinct names and groups");
    dt_buf_free(&b);
    dt_buf_init(&b, 16);
    CHECK(dt_manifest_write("00", NULL, 0, ok, 3, NULL, 0, NULL, NULL, NULL, NULL, &b) == DT_ERR_LIMIT,
          "a buffer too small for the text: DT_ERR_LIMIT");
    dt_buf_free(&b);
}

/* "release": the sequence and the time, and where each came from. */
static void test_release(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    struct dt_manifest_release r = {7, "--previous", 1764547200, "--date"};
    CHECK(dt_manifest_write("00", NULL, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, &r, &b) == DT_OK,
          "a release written");
    json_t *j = json_loadb((const char *)b.data, b.len, 0, NULL);
    json_t *rel = json_object_get(j, "release");
    CHECK(json_integer_value(json_object_get(rel, "sequence")) == 7 &&
              !strcmp(json_string_value(json_object_get(rel, "sequence_from")), "--previous") &&
              !strcmp(json_string_value(json_object_get(rel, "created")),
                      "2025-12-01T00:00:00Z") &&
              !strcmp(json_string_value(json_object_get(rel, "created_from")), "--date"),
          "release: sequence, sequence_from, created (RFC 3339), created_from");
    json_decref(j);
    dt_buf_free(&b);
    dt_buf_init(&b, 0);
    CHECK(dt_manifest_write("00", NULL, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, &b) == DT_OK &&
              !memmem(b.data, b.len, "release", 7),
          "no release given: none written");
    dt_buf_free(&b);
    dt_buf_init(&b, 0);
    r.sequence = (uint64_t)1 << 53;
    CHECK(dt_manifest_write("00", NULL, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, &r, &b) ==
              DT_ERR_INTERNAL,
          "a sequence a JSON number cannot hold exactly: an internal error");
    dt_buf_free(&b);
}

int main(void)
{
    test_release();
    test_basics();
    test_contents();
    test_errors();
    return unit_done();
}
