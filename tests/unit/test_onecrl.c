/* Unit tests: canonical JSON, OneCRL records, and the round trip of the
 * real Firefox OneCRL dump (import, build, every key byte for byte). */
#include "der.h"
#include "build.h"
#include "import.h"
#include "onecrl.h"
#include "unit.h"
#include "b64.h"

#include <jansson.h>

static struct unit_diags U;

static char *canon(const char *json_text)
{
    json_error_t e;
    json_t *v = json_loads(json_text, JSON_DECODE_ANY, &e);
    if (!v)
        return NULL;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    char *s = NULL;
    if (dt_onecrl_canonical_json(v, &b) == DT_OK && dt_buf_putc(&b, '\0') == DT_OK)
        s = dt_buf_steal(&b, NULL);
    dt_buf_free(&b);
    json_decref(v);
    return s;
}

static void test_canonical(void)
{
    static const struct {
        const char *in, *want, *what;
    } cases[] = {
        {"{\"b\": 1, \"a\": [true, false, null], \"c\": {\"z\": \"\", \"y\": -5}}",
         "{\"a\":[true,false,null],\"b\":1,\"c\":{\"y\":-5,\"z\":\"\"}}",
         "keys sorted at every level, no whitespace"},
        {"\"K\\u00f6k \\u20ac \\ud83d\\ude00\"", "\"K\\u00f6k \\u20ac \\ud83d\\ude00\"",
         "non-ASCII as lowercase \\uXXXX, surrogate pairs above U+FFFF"},
        {"\"q\\\" b\\\\ \\/ \\b\\f\\n\\r\\t \\u0001 \\u001f\"",
         "\"q\\\" b\\\\ / \\b\\f\\n\\r\\t \\u0001 \\u001f\"",
         "JSON.stringify escapes: short forms, \\u00xx for other controls, / as is"},
        {"[]", "[]", "an empty array"},
        {"{}", "{}", "an empty object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = canon(cases[i].in);
        CHECK_STR(got, cases[i].want, "canonical JSON: %s", cases[i].what);
        free(got);
    }
    char *r = canon("1.5");
    CHECK(r == NULL, "canonical JSON: a real number is refused (records hold none)");
    free(r);
}

/* The key bytes of a record: "is" or "spk", then both fields decoded. */
static bool record_key(json_t *rec, struct dt_buf *key)
{
    bool is = json_object_get(rec, "issuerName") != NULL;
    const char *k[2] = {is ? "issuerName" : "subject", is ? "serialNumber" : "pubKeyHash"};
    if (dt_buf_puts(key, is ? "is" : "spk") != DT_OK)
        return false;
    for (int i = 0; i < 2; i++) {
        const char *s = json_string_value(json_object_get(rec, k[i]));
        if (!s)
            return false;
        struct dt_buf b;
        dt_buf_init(&b, 0);
        size_t n = strlen(s);
        while (n && s[n - 1] == ' ')
            n--;
        const char *why = dt_b64_decode(s, n, true, &b);
        bool ok = !why && dt_buf_printf(key, "|%zu|", b.len) == DT_OK &&
                  dt_buf_append(key, b.data, b.len) == DT_OK;
        dt_buf_free(&b);
        if (!ok)
            return false;
    }
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    const struct dt_buf *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The sorted, de-duplicated key bytes of every record of a dump. */
static size_t keys_of(const char *path, struct dt_buf **out, size_t *n_disabled)
{
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    json_t *data = doc ? json_object_get(doc, "data") : NULL;
    size_t n = json_array_size(data), k = 0;
    struct dt_buf *v = calloc(n ? n : 1, sizeof(*v));
    *n_disabled = 0;
    for (size_t i = 0; v && i < n; i++) {
        json_t *rec = json_array_get(data, i);
        dt_buf_init(&v[k], 0);
        if (record_key(rec, &v[k]))
            k++;
        else
            dt_buf_free(&v[k]);
        *n_disabled += json_is_false(json_object_get(rec, "enabled"));
    }
    qsort(v, k, sizeof(*v), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u && !cmp_str(&v[u - 1], &v[i])) {
            dt_buf_free(&v[i]);
            continue;
        }
        v[u++] = v[i];
    }
    json_decref(doc);
    *out = v;
    return u;
}

static void test_round_trip(void)
{
    char pol[600], out[600], of[700];
    snprintf(pol, sizeof(pol), "%s/imported.json", unit_tmp());
    snprintf(out, sizeof(out), "%s/out", unit_tmp());
    snprintf(of, sizeof(of), "%s/onecrl.json", out);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_import_opts io;
    memset(&io, 0, sizeof(io));
    io.kind = "onecrl";
    io.input = "testdata/onecrl/onecrl-2026-10.json";
    io.output = pol;
    io.diag = unit_diag_fn;
    io.diag_ctx = &U;
    struct dt_import_summary is;
    CHECK(dt_import_run(&io, &is) == DT_OK, "import of the real dump (%s)", U.text);
    CHECK(is.records == 1891 && is.duplicates == 4 && is.disabled == 645 && is.subject_key == 3,
          "1,895 records: 1,891 kept (3 subject+key, 645 disabled), 4 duplicates (got %zu, %zu, "
          "%zu, %zu)",
          is.records, is.duplicates, is.disabled, is.subject_key);
    CHECK(U.warnings == 4 && unit_has(&U, "compared as DER bytes"),
          "each duplicate is a warning naming the first");

    unit_diags_setup(&U, &d);
    struct dt_build_opts bo;
    memset(&bo, 0, sizeof(bo));
    const char *ps[1] = {pol};
    bo.policies = ps;
    bo.n_policies = 1;
    bo.out_dir = out;
    bo.diag = unit_diag_fn;
    bo.diag_ctx = &U;
    bo.has_date = 1;
    bo.date = 1791573428;
    struct dt_build_summary bs;
    CHECK(dt_build_run(&bo, &bs) == DT_OK && U.errors == 0, "the imported policy builds (%s)",
          U.text);

    struct dt_buf *want = NULL, *got = NULL;
    size_t wd = 0, gd = 0;
    size_t nw = keys_of(io.input, &want, &wd);
    size_t ng = keys_of(of, &got, &gd);
    CHECK(nw == 1891, "the dump holds 1,891 distinct keys (got %zu)", nw);
    CHECK(ng == nw, "onecrl.json holds as many records (%zu)", ng);
    size_t same = 0;
    for (size_t i = 0; i < nw && i < ng; i++)
        same += !cmp_str(&want[i], &got[i]);
    CHECK(same == nw, "every record's key bytes equal the original's (%zu of %zu)", same, nw);
    CHECK(gd == 645, "\"enabled\": false is kept on 645 records (got %zu)", gd);
    for (size_t i = 0; i < nw; i++)
        dt_buf_free(&want[i]);
    for (size_t i = 0; i < ng; i++)
        dt_buf_free(&got[i]);
    free(want);
    free(got);

    /* Details survive: the first record of the dump. */
    json_error_t e;
    json_t *doc = json_load_file(of, 0, &e);
    json_t *data = json_object_get(doc, "data");
    bool found = false;
    size_t i;
    json_t *rec;
    json_array_foreach(data, i, rec)
    {
        if (!strcmp(json_string_value(json_object_get(rec, "serialNumber")) ?: "",
                    "LO0aXgKAW7xd34o67KqYWg=="))
            found = !strcmp(
                json_string_value(json_object_get(json_object_get(rec, "details"), "bug")) ?: "",
                "2078851");
    }
    CHECK(found, "a record keeps its details (bug 2078851)");
    CHECK(json_integer_value(json_object_get(doc, "timestamp")) == 1791573428000LL,
          "last_modified and timestamp come from the date, in milliseconds");
    json_decref(doc);
}

int main(void)
{
    test_canonical();
    test_round_trip();
    return unit_done();
}
