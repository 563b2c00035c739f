/* Unit tests: serials.c (serial list files, typed serials). */
#include "der.h"
#include "serials.h"
#include "unit.h"
#include "hex.h"

static struct unit_diags U;
static char got[4096];

static enum dt_err collect(void *ctx, struct dt_slice s, unsigned long line)
{
    (void)ctx;
    struct dt_buf b;
    dt_buf_init(&b, 0);
    if (dt_hex_encode(s, false, 0, &b) != DT_OK)
        return DT_ERR_NOMEM;
    size_t n = strlen(got);
    snprintf(got + n, sizeof(got) - n, "%lu:%s,", line, dt_buf_cstr(&b));
    dt_buf_free(&b);
    return DT_OK;
}

static enum dt_err run(const char *text, enum dt_serial_format fmt, struct dt_serials_result *r)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    got[0] = '\0';
    const char *p = UNIT_WRITE_STR("serials.txt", text);
    return dt_serials_read(p, fmt, &d, NULL, collect, NULL, NULL, NULL, r);
}

/* Typed serials (dt_serials_decode) under each serial_format; moved from
 * test_policy.c. */
static void test_serial_decode(void)
{
    static const struct {
        const char *in;
        enum dt_serial_format fmt;
        const char *out_hex; /* NULL = error */
        bool warn;
    } cases[] = {
        {"00:8b:ad", DT_SERIAL_DER, "008bad", false},
        {"008BAD", DT_SERIAL_DER, "008bad", false},
        {"  0102  ", DT_SERIAL_DER, "0102", false},
        {"8bad", DT_SERIAL_DER, NULL, false},
        {"8bad", DT_SERIAL_INTEGER, "008bad", false},
        {"8bad", DT_SERIAL_DER_NEGATIVE, "8bad", true},
        {"0000000102", DT_SERIAL_INTEGER, "0102", false},
        {"0", DT_SERIAL_INTEGER, "00", false},
        {"abc", DT_SERIAL_INTEGER, "0abc", false},
        {"abc", DT_SERIAL_DER, NULL, false},
        {"00:0b", DT_SERIAL_DER, "000b", true},
        {"", DT_SERIAL_DER, NULL, false},
        {"0x01", DT_SERIAL_DER, NULL, false},
        {"01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15", DT_SERIAL_DER,
         "0102030405060708090a0b0c0d0e0f101112131415", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dt_buf b, h;
        dt_buf_init(&b, 0);
        dt_buf_init(&h, 0);
        size_t col;
        const char *warn;
        const char *why =
            dt_serials_decode(cases[i].in, strlen(cases[i].in), cases[i].fmt, &b, &col, &warn);
        bool ok;
        if (!cases[i].out_hex) {
            ok = why != NULL;
        } else {
            ok = why == NULL &&
                 dt_hex_encode(dt_slice_make(b.data, b.len), false, 0, &h) == DT_OK &&
                 !strcmp(dt_buf_cstr(&h), cases[i].out_hex) && (warn != NULL) == cases[i].warn;
        }
        CHECK(ok, "serial \"%s\" format %d -> %s%s", cases[i].in, cases[i].fmt,
              cases[i].out_hex ? cases[i].out_hex : "error", cases[i].warn ? " (warning)" : "");
        dt_buf_free(&b);
        dt_buf_free(&h);
    }
    char big[200];
    memset(big, 'a', 130);
    big[130] = '\0';
    struct dt_buf b;
    dt_buf_init(&b, 0);
    size_t col;
    const char *warn;
    CHECK(dt_serials_decode(big, 130, DT_SERIAL_DER_NEGATIVE, &b, &col, &warn) != NULL,
          "65 octets refused");
    dt_buf_free(&b);
}

int main(void)
{
    test_serial_decode();
    struct dt_serials_result r;
    enum dt_err rc =
        run("# batch 1\n00:8b:ad\n\n  0102   # trailing comment\r\n7f\n", DT_SERIAL_DER, &r);
    CHECK(rc == DT_OK && r.serials == 3, "three serials, comments and blanks skipped");
    CHECK_STR(got, "2:008bad,4:0102,5:7f,", "serials with their line numbers");
    rc = run("01\n0g\n8b\n02\n", DT_SERIAL_DER, &r);
    CHECK(rc == DT_ERR_INPUT && r.errors == 2, "two bad lines reported");
    CHECK(unit_has(&U, "|2|2||not a hex digit") &&
              unit_has(&U, "|3|1||the first octet has its high bit set"),
          "bad lines located by line and column");
    CHECK_STR(got, "1:01,", "nothing delivered after the first bad line");
    rc = run("8b\nff01\n", DT_SERIAL_INTEGER, &r);
    CHECK(rc == DT_OK && !strcmp(got, "1:008b,2:00ff01,"), "integer format adds the pad");
    char many[4096] = "";
    for (int i = 0; i < 30; i++)
        strcat(many, "zz\n");
    rc = run(many, DT_SERIAL_DER, &r);
    CHECK(rc == DT_ERR_INPUT && r.errors == 20 && unit_has(&U, "stopped after 20 errors"),
          "error listing stops at 20");
    char warns[4096] = "";
    for (int i = 0; i < 9; i++)
        strcat(warns, "00:01\n");
    rc = run(warns, DT_SERIAL_DER, &r);
    CHECK(rc == DT_OK && U.warnings == 6 && unit_has(&U, "4 more serials"),
          "the same warning shown 5 times, then counted");
    rc = run("", DT_SERIAL_DER, &r);
    CHECK(rc == DT_OK && r.serials == 0, "empty file: no serials, no error");
    rc = run("# batch\n01\n02\n", DT_SERIAL_DER, &r);
    CHECK(rc == DT_OK && r.serials == 2, "baseline: a list without a byte-order mark");
    rc = run("\xef\xbb\xbf# batch\n01\n02\n", DT_SERIAL_DER, &r);
    CHECK(rc == DT_ERR_INPUT && r.errors == 1 && !got[0] &&
              unit_has(&U, "|1|1||the file starts with a UTF-8 byte-order mark (EF BB BF), which "
                           "a serial list does not allow; save it without one"),
          "a leading byte-order mark is an error at 1:1 that names it, nothing delivered");
    rc = run("\xef\xbb\xbf"
             "01\n",
             DT_SERIAL_DER, &r);
    CHECK(rc == DT_ERR_INPUT && r.errors == 1 && !unit_has(&U, "hex"),
          "a byte-order mark before a serial: the mark is named, not a bad hex digit");
    return unit_done();
}
