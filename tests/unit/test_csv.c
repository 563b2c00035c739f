/* Unit tests: csv.c, the RFC 4180 reader of the CCADB's reports: bare and
 * quoted fields, "" in a quoted field, line breaks inside quotes, CRLF, a
 * BOM, empty fields and lines, a trailing comma, the line numbers; and each
 * error at its line: a quote never closed, text after a closing quote, a
 * quote in a bare field, a NUL byte, a field over its cap. */
#include "csv.h"
#include "unit.h"

static struct unit_diags U;

/* Reads text, writes each record as "line-end_line:f1|f2|...;" into out. */
static enum dt_err read_all(const char *text, size_t n, char *out, size_t cap)
{
    struct dt_csv c;
    struct dt_csv_record r;
    struct dt_diags d;
    bool eof = false;
    enum dt_err rc = DT_OK;
    size_t len = 0;
    out[0] = '\0';
    unit_diags_setup(&U, &d);
    dt_csv_init(&c, "t.csv", dt_slice_make(text, n));
    for (;;) {
        rc = dt_csv_next(&c, &r, &eof, &d);
        if (rc != DT_OK || eof)
            break;
        len += (size_t)snprintf(out + len, cap - len, "%u-%u:", r.line, r.end_line);
        for (size_t i = 0; i < r.n; i++) {
            struct dt_slice f = dt_csv_field(&r, i);
            len += (size_t)snprintf(out + len, cap - len, "%s%.*s", i ? "|" : "", (int)f.n,
                                    (const char *)f.p);
        }
        len += (size_t)snprintf(out + len, cap - len, ";");
    }
    dt_csv_free(&c);
    return rc;
}

#define READS(text, want, what)                                                           \
    do {                                                                                  \
        char got[4096];                                                                   \
        enum dt_err rc_ = read_all(text, sizeof(text) - 1, got, sizeof(got));            \
        CHECK(rc_ == DT_OK && !strcmp(got, want), what);                                  \
        if (rc_ != DT_OK || strcmp(got, want))                                            \
            printf("#   got %s (rc %d), wanted %s\n", got, (int)rc_, want);               \
    } while (0)

#define FAILS(text, fragment, what)                                                        \
    do {                                                                                   \
        char got[4096];                                                                    \
        enum dt_err rc_ = read_all(text, sizeof(text) - 1, got, sizeof(got));             \
        CHECK(rc_ == DT_ERR_INPUT && unit_has(&U, fragment), what);                        \
        if (rc_ != DT_ERR_INPUT || !unit_has(&U, fragment))                                \
            unit_dump_diags(&U);                                                           \
    } while (0)

int main(void)
{
    READS("a,b\n1,2\n", "1-1:a|b;2-2:1|2;", "bare fields, LF records");
    READS("a,b\r\n1,2\r\n", "1-1:a|b;2-2:1|2;", "CRLF records");
    READS("a,b\n1,2", "1-1:a|b;2-2:1|2;", "no newline at the end");
    READS("\xef\xbb\xbf" "a,b\n", "1-1:a|b;", "a BOM before the header is skipped");
    READS("\"a,b\",\"say \"\"hi\"\"\"\n", "1-1:a,b|say \"hi\";", "quoted: a comma, and \"\" is one quote");
    READS("x,\"-----BEGIN\nAAA\nBBB\n-----END\"\ny,z\n", "1-4:x|-----BEGIN\nAAA\nBBB\n-----END;5-5:y|z;",
          "a quoted field spans lines; the next record's line counts them");
    READS("a,,c\n,\n", "1-1:a||c;2-2:|;", "empty fields");
    READS("a,b,\n", "1-1:a|b|;", "a trailing comma is an empty last field");
    READS("a,b,", "1-1:a|b|;", "a trailing comma at the very end too");
    READS("a\n\nb\n", "1-1:a;2-2:;3-3:b;", "an empty line is a record of one empty field");
    READS("\"\"\n", "1-1:;", "an empty quoted field");
    READS("\"a\r\nb\"\r\n", "1-2:a\r\nb;", "CRLF inside quotes is kept");
    READS("", "", "an empty text has no record");

    FAILS("a,b\n1,\"2\n3\n", "|t.csv|2|", "a quote never closed: at the line it opens on");
    FAILS("a,b\n1,\"2\n3\n", "never closed", "... and said so");
    FAILS("a,\"b\"c\n", "text after the closing", "text after a closing quote");
    FAILS("a,b\nx,y\"z\n", "|t.csv|2|", "a quote inside a bare field, at its line");
    FAILS("a,b\nx,y\"z\n", "not quoted", "... and said so");
    FAILS("a,b\x00,c\n", "NUL byte", "a NUL byte in a bare field");
    FAILS("\"a\x00\"\n", "NUL byte", "a NUL byte in a quoted field");

    /* the field cap: one field just under it, one just over */
    size_t big = DT_MAX_CSV_FIELD_BYTES;
    char *t = malloc(big + 16);
    CHECK(t != NULL, "baseline: memory for the cap tests");
    if (t) {
        memset(t, 'x', big);
        memcpy(t + big, ",y\n", 3);
        struct dt_csv c;
        struct dt_csv_record r;
        struct dt_diags d;
        bool eof = false;
        unit_diags_setup(&U, &d);
        dt_csv_init(&c, "big.csv", dt_slice_make(t, big + 3));
        CHECK(dt_csv_next(&c, &r, &eof, &d) == DT_OK && r.n == 2 &&
                  dt_csv_field(&r, 0).n == big,
              "a field of exactly 1 MiB is read");
        dt_csv_free(&c);
        memset(t, 'x', big + 1);
        memcpy(t + big + 1, ",y\n", 3);
        unit_diags_setup(&U, &d);
        dt_csv_init(&c, "big.csv", dt_slice_make(t, big + 4));
        CHECK(dt_csv_next(&c, &r, &eof, &d) == DT_ERR_INPUT && unit_has(&U, "1 MiB"),
              "a field of 1 MiB + 1 is an error naming the cap");
        dt_csv_free(&c);
        free(t);
    }
    char many[DT_MAX_CSV_FIELDS * 2 + 8];
    size_t k = 0;
    for (int i = 0; i <= DT_MAX_CSV_FIELDS; i++) {
        many[k++] = 'a';
        many[k++] = ',';
    }
    many[k - 1] = '\n';
    {
        struct dt_csv c;
        struct dt_csv_record r;
        struct dt_diags d;
        bool eof = false;
        unit_diags_setup(&U, &d);
        dt_csv_init(&c, "many.csv", dt_slice_make(many, k));
        CHECK(dt_csv_next(&c, &r, &eof, &d) == DT_ERR_INPUT && unit_has(&U, "512 fields"),
              "513 fields in a record: an error naming the cap");
        dt_csv_free(&c);
        unit_diags_setup(&U, &d);
        dt_csv_init(&c, "many.csv", dt_slice_make(many + 2, k - 2));
        CHECK(dt_csv_next(&c, &r, &eof, &d) == DT_OK && r.n == DT_MAX_CSV_FIELDS,
              "512 fields are read");
        dt_csv_free(&c);
    }
    return unit_done();
}
