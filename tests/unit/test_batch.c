/* Unit tests: batch.c (query batch files: "is <issuerName> <serialNumber>",
 * "spk <subject> <pubKeyHash>"): every line form, every error with its
 * line, column and echo, the report cap, and the callback contract. */
#include "b64.h"
#include "batch.h"
#include "unit.h"

/* CN=hi, and the same Name as base64. */
static const uint8_t NAME[] = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
                               0x55, 0x04, 0x03, 0x0c, 0x02, 'h',  'i'};
static char name64[64], hash64[64], hash31[64], hash33[64];

static struct unit_diags U;
static char got[8192];
static int stop_at; /* the callback fails on this query (1-based), 0 never */

static enum dt_err collect(void *ctx, const struct dt_batch_query *q)
{
    size_t *calls = ctx;
    ++*calls;
    size_t n = strlen(got);
    snprintf(got + n, sizeof(got) - n, "%lu:%s:%zu:%zu:[%.*s]|", q->line,
             q->kind == DT_BATCH_ISSUER_SERIAL ? "is" : "spk", q->name.n, q->value.n,
             (int)q->text.n, (const char *)q->text.p);
    if (stop_at && (int)*calls == stop_at)
        return DT_ERR_IO;
    return DT_OK;
}

/* The echo of the last diagnostic (unit.h's sink leaves it out). */
static char echo[512];

static void echo_fn(const struct dt_diag *dg, void *ctx)
{
    (void)ctx;
    snprintf(echo, sizeof(echo), "%s", dg->source_line ? dg->source_line : "(none)");
}

static enum dt_err parse(const char *text, size_t len, struct dt_batch_result *r)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    got[0] = '\0';
    size_t calls = 0;
    return dt_batch_parse("b.txt", dt_slice_make(text, len), collect, &calls, &d, r);
}

static enum dt_err parse_str(const char *text, struct dt_batch_result *r)
{
    return parse(text, strlen(text), r);
}

static void b64_of(const void *p, size_t n, char *out, size_t cap)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    if (dt_b64_encode(dt_slice_make(p, n), &b) != DT_OK || b.len >= cap)
        exit(2);
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    dt_buf_free(&b);
}

/* One line through dt_batch_parse_line: its reason (NULL) and column. */
static const char *line_why(const char *s, size_t *col, enum dt_batch_kind *kind, size_t *nn,
                            size_t *vn)
{
    struct dt_buf a, b;
    dt_buf_init(&a, 0);
    dt_buf_init(&b, 0);
    enum dt_batch_kind k = (enum dt_batch_kind)99;
    const char *why = dt_batch_parse_line(s, strlen(s), &k, &a, &b, col);
    if (kind)
        *kind = k;
    if (nn)
        *nn = a.len;
    if (vn)
        *vn = b.len;
    dt_buf_free(&a);
    dt_buf_free(&b);
    return why;
}

static void test_lines(void)
{
    char l[512];
    size_t col = 99, nn = 0, vn = 0;
    enum dt_batch_kind k;
    snprintf(l, sizeof(l), "is %s AQID", name64);
    CHECK(line_why(l, &col, &k, &nn, &vn) == NULL && k == DT_BATCH_ISSUER_SERIAL &&
              nn == sizeof(NAME) && vn == 3 && col == 0,
          "baseline: an is line gives the Name and the serial's 3 octets (col 0)");
    snprintf(l, sizeof(l), "spk %s %s", name64, hash64);
    CHECK(line_why(l, &col, &k, &nn, &vn) == NULL && k == DT_BATCH_SUBJECT_KEY && vn == 32,
          "baseline: an spk line gives the Name and the 32-byte hash");
    snprintf(l, sizeof(l), "is %s AQI \t\r", name64);
    CHECK(line_why(l, &col, NULL, NULL, &vn) == NULL && vn == 2,
          "unpadded base64 and trailing blanks and CR are accepted");
    CHECK(line_why(l, NULL, NULL, NULL, NULL) == NULL, "col may be NULL");

    /* col: a column, or END (one past the end of the line), SEP (the
     * space before the last field), LAST (the last field). */
    enum { END = -1, SEP = -2, LAST = -3 };
    static const struct {
        const char *fmt; /* %s: the base64 Name */
        const char *why;
        int col;
    } bad[] = {
        {"", "expected \"is <issuerName>", 1},
        {"   \t", "expected \"is <issuerName>", 1},
        {"is", "expected \"is <issuerName>", 1},
        {"IS %s AQ==", "must start with \"is \" or \"spk \"", 1},
        {"spkx %s AQ==", "must start with \"is \" or \"spk \"", 1},
        {"isx %s AQ==", "must start with \"is \" or \"spk \"", 1},
        {"is %s", "exactly two base64 fields", END},
        {"is %s AQ== AQ==", "exactly two base64 fields", SEP},
        {"is  %s AQ==", "exactly two base64 fields", SEP},
        {"is %s!! AQ==", "the issuerName is not base64", 4},
        {"spk %s!! AQ==", "the subject is not base64", 5},
        {"is %s AQ=x", "the serialNumber is not base64", LAST},
        {"spk %s ####", "the pubKeyHash is not base64", LAST},
        {"is AQID%.0s AQ==", "the issuerName is not a DER Name", 4},
        {"spk AQID%.0s AQ==", "the subject is not a DER Name", 5},
        {"spk %s AQ==", "the pubKeyHash is not 32 bytes", LAST},
        /* "the serialNumber is empty" cannot be reached: a field is not
         * empty, and the only base64 that decodes to nothing is white
         * space, which the end of a line loses. */
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++) {
        snprintf(l, sizeof(l), bad[i].fmt, name64);
        size_t sep = (size_t)(strrchr(l, ' ') ? strrchr(l, ' ') - l : 0);
        size_t want = bad[i].col == END    ? strlen(l) + 1
                      : bad[i].col == SEP  ? sep + 1
                      : bad[i].col == LAST ? sep + 2
                                           : (size_t)bad[i].col;
        const char *why = line_why(l, &col, NULL, NULL, NULL);
        CHECK(why && strstr(why, bad[i].why) && col == want,
              "\"%.40s\": %s at column %zu (got %s, %zu)", l, bad[i].why, want,
              why ? why : "no error", col);
    }
    snprintf(l, sizeof(l), "spk %s %s", name64, hash31);
    CHECK(line_why(l, &col, NULL, NULL, NULL) != NULL, "a 31-byte pubKeyHash is refused");
    snprintf(l, sizeof(l), "spk %s %s", name64, hash33);
    CHECK(line_why(l, &col, NULL, NULL, NULL) != NULL, "a 33-byte pubKeyHash is refused");
}

static void test_file(void)
{
    struct dt_batch_result r;
    char t[2048];
    int k =
        snprintf(t, sizeof(t),
                 "# a comment\n\nis %s AQID\r\n\r\nspk %s %s  \n#is garbage\nis %s AA==", name64,
                 name64, hash64, name64);
    CHECK(parse(t, (size_t)k, &r) == DT_OK && r.queries == 3 && r.errors == 0 && r.lines == 7 &&
              U.errors == 0,
          "comments, empty and CR-only lines skipped; the last line needs no newline");
    char want[1024];
    snprintf(want, sizeof(want),
             "3:is:15:3:[is %s AQID]|5:spk:15:32:[spk %s %s]|7:is:15:1:[is %s AA==]|", name64,
             name64, hash64, name64);
    CHECK_STR(got, want, "each query with its line, kind, sizes and text (trailing blanks cut)");

    CHECK(parse_str("", &r) == DT_OK && r.queries == 0 && r.lines == 0, "an empty text: no query");
    CHECK(parse_str("\n\n# only comments\n", &r) == DT_OK && r.queries == 0 && r.lines == 3,
          "only comments and blank lines: no query, no error");

    /* Errors: at file:line:col, the line echoed; the good lines still go to
     * the callback, and the result is DT_ERR_INPUT. */
    k = snprintf(t, sizeof(t), "is %s AQ==\nis not-base64!! AQ==\nspk onlyone\nis %s AQ==\n",
                 name64, name64);
    CHECK(parse(t, (size_t)k, &r) == DT_ERR_INPUT && r.errors == 2 && r.queries == 2 &&
              U.errors == 2,
          "two malformed lines: DT_ERR_INPUT, two errors, the two good lines passed on");
    CHECK(unit_has(&U, "error|b.txt|2|4||the issuerName is not base64"),
          "the first error at b.txt:2:4");
    CHECK(unit_has(&U, "error|b.txt|3|12||expected exactly two base64 fields after the kind"),
          "the second error at b.txt:3:12 (the end of the line)");

    /* The echo: the line as written, controls as spaces, long lines cut. */
    struct dt_diags d;
    dt_diag_init(&d, echo_fn, NULL);
    static const char nul_line[] = "is A\0B\x01 AQ==  \r\n";
    echo[0] = '\0';
    CHECK(dt_batch_parse("b.txt", dt_slice_make(nul_line, sizeof(nul_line) - 1), NULL, NULL, &d,
                         &r) == DT_ERR_INPUT,
          "a NUL byte in a field is refused");
    CHECK_STR(echo, "is A B  AQ==", "the echo: NUL and controls as spaces, the ignored end cut");
    char line[600];
    memset(line, 'A', sizeof(line));
    memcpy(line, "is ", 3);
    line[599] = '\n';
    echo[0] = '\0';
    CHECK(dt_batch_parse("b.txt", dt_slice_make(line, sizeof(line)), NULL, NULL, &d, &r) ==
                  DT_ERR_INPUT &&
              strlen(echo) == 163 && !strcmp(echo + 160, "...") && !memcmp(echo, "is AAA", 6),
          "a long malformed line is echoed cut to 160 bytes and \"...\" (%zu)", strlen(echo));

    /* More than 20 malformed lines: 20 reported, the rest counted. */
    struct dt_buf many;
    dt_buf_init(&many, 0);
    for (int i = 0; i < 25; i++)
        if (dt_buf_puts(&many, "bogus line\n") != DT_OK)
            exit(2);
    CHECK(parse((const char *)many.data, many.len, &r) == DT_ERR_INPUT && r.errors == 25 &&
              U.errors == DT_BATCH_MAX_REPORTED &&
              unit_has(&U, "note|b.txt|0|0||5 more malformed lines"),
          "25 malformed lines: 20 errors reported, then a note with the 5 others");
    dt_buf_reset(&many);
    for (int i = 0; i < DT_BATCH_MAX_REPORTED; i++)
        if (dt_buf_puts(&many, "bogus line\n") != DT_OK)
            exit(2);
    CHECK(parse((const char *)many.data, many.len, &r) == DT_ERR_INPUT && r.errors == 20 &&
              U.errors == 20 && !unit_has(&U, "more malformed"),
          "exactly 20 malformed lines: all reported, no note");
    dt_buf_free(&many);

    /* The callback's error stops the parse and is returned. */
    k = snprintf(t, sizeof(t), "is %s AQ==\nis %s Ag==\nis %s Aw==\n", name64, name64, name64);
    stop_at = 2;
    CHECK(parse(t, (size_t)k, &r) == DT_ERR_IO && r.queries == 2 && !strstr(got, "3:is"),
          "a callback error stops at that query and is returned");
    stop_at = 0;
    CHECK(parse(t, (size_t)k, &r) == DT_OK && r.queries == 3, "baseline: without it, all three");
    unit_diags_setup(&U, &d);
    CHECK(dt_batch_parse("b.txt", dt_slice_make(t, (size_t)k), NULL, NULL, &d, NULL) == DT_OK,
          "no callback and no result: a check only");
}

int main(void)
{
    uint8_t h[33];
    for (int i = 0; i < 33; i++)
        h[i] = (uint8_t)(i * 7 + 1);
    b64_of(NAME, sizeof(NAME), name64, sizeof(name64));
    b64_of(h, 32, hash64, sizeof(hash64));
    b64_of(h, 31, hash31, sizeof(hash31));
    b64_of(h, 33, hash33, sizeof(hash33));
    test_lines();
    test_file();
    return unit_done();
}
