/* Unit tests: lines.c (the streaming line reader of serial lists): CR and
 * newline handling, the line cap and going on after it, line numbers, the
 * SHA-256 of the exact bytes, lines across read chunks, special files. */
#include "digest.h"
#include "file.h"
#include "unit.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Reads every line of text (named name) under max; "a|b|" into got. */
static enum dt_err read_all(const char *name, const char *text, size_t len, size_t max, char *got,
                            size_t cap, unsigned long *lines, struct unit_diags *u)
{
    struct dt_lines lr;
    struct dt_diags d;
    unit_diags_setup(u, &d);
    const char *p = unit_write(name, text, len);
    got[0] = '\0';
    enum dt_err rc = dt_lines_open(&lr, p, max, &d, NULL);
    if (rc != DT_OK)
        return rc;
    const char *s;
    size_t n;
    bool eof = false;
    while (!eof) {
        enum dt_err r = dt_lines_next(&lr, &s, &n, &eof, &d);
        if (r == DT_ERR_LIMIT) {
            rc = r;
            strncat(got, "<LIMIT>|", cap - strlen(got) - 1);
            continue;
        }
        if (r != DT_OK)
            return r;
        if (!eof) {
            strncat(got, s, cap - strlen(got) - 1);
            strncat(got, "|", cap - strlen(got) - 1);
        }
    }
    *lines = lr.lineno;
    dt_lines_close(&lr);
    return rc;
}

static void test_lines(void)
{
    const char *p = UNIT_WRITE_STR("lines.txt", "one\r\ntwo\n\nlast-no-newline");
    struct dt_lines lr;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    CHECK(dt_lines_open(&lr, p, 100, &d, NULL) == DT_OK, "open");
    const char *s;
    size_t n;
    bool eof;
    char got[200] = "";
    while (dt_lines_next(&lr, &s, &n, &eof, &d) == DT_OK && !eof) {
        strncat(got, s, sizeof(got) - strlen(got) - 1);
        strncat(got, "|", sizeof(got) - strlen(got) - 1);
    }
    CHECK_STR(got, "one|two||last-no-newline|", "CR stripped, empty line kept, last line read");
    CHECK(lr.lineno == 4, "four lines counted");
    uint8_t sha[32], want[32];
    CHECK(dt_lines_sha256(&lr, sha) == DT_OK, "dt_lines_sha256 succeeds");
    const char *raw = "one\r\ntwo\n\nlast-no-newline";
    CHECK(dt_digest_sha256(dt_slice_make(raw, strlen(raw)), want) == DT_OK, "dt_digest_sha256 succeeds");
    CHECK(!memcmp(sha, want, 32), "SHA-256 of the file's exact bytes");
    dt_lines_close(&lr);

    char longline[300];
    memset(longline, 'a', 250);
    strcpy(longline + 250, "\nok\n");
    p = UNIT_WRITE_STR("long.txt", longline);
    CHECK(dt_lines_open(&lr, p, 100, &d, NULL) == DT_OK, "open long");
    CHECK(dt_lines_next(&lr, &s, &n, &eof, &d) == DT_ERR_LIMIT && unit_has(&u, "100-byte limit"),
          "a line over the cap is refused with its line");
    CHECK(dt_lines_next(&lr, &s, &n, &eof, &d) == DT_OK && !strcmp(s, "ok") && lr.lineno == 2,
          "reading goes on after an over-long line");
    dt_lines_close(&lr);
}

static void test_edges(void)
{
    char got[512];
    unsigned long lines = 0;
    struct unit_diags u;
    CHECK(read_all("e.txt", "", 0, 10, got, sizeof(got), &lines, &u) == DT_OK && !got[0] &&
              lines == 0,
          "an empty file: no line");
    CHECK(read_all("e.txt", "\n", 1, 10, got, sizeof(got), &lines, &u) == DT_OK &&
              !strcmp(got, "|") && lines == 1,
          "a lone newline: one empty line");
    CHECK(read_all("e.txt", "a\r", 2, 10, got, sizeof(got), &lines, &u) == DT_OK &&
              !strcmp(got, "a|"),
          "a CR at the end of the file is cut too");
    CHECK(read_all("e.txt", "a\rb\n", 4, 10, got, sizeof(got), &lines, &u) == DT_OK &&
              !strcmp(got, "a\rb|"),
          "a CR inside a line is kept");
    CHECK(read_all("e.txt", "0123456789\n", 11, 10, got, sizeof(got), &lines, &u) == DT_OK &&
              !strcmp(got, "0123456789|"),
          "a line exactly at the cap is read");
    CHECK(read_all("e.txt", "0123456789\r\n", 12, 10, got, sizeof(got), &lines, &u) == DT_OK &&
              !strcmp(got, "0123456789|"),
          "its CR does not count against the cap");
    CHECK(read_all("e.txt", "0123456789A\n", 12, 10, got, sizeof(got), &lines, &u) ==
                  DT_ERR_LIMIT &&
              !strcmp(got, "<LIMIT>|") && unit_has(&u, "e.txt|1|11||line is longer"),
          "one byte over: LIMIT at line 1, column 11 (the first byte past the cap)");
    CHECK(read_all("e.txt", "0123456789\r\r\n", 13, 10, got, sizeof(got), &lines, &u) ==
              DT_ERR_LIMIT,
          "two CRs: only the last is cut, the line is over");
    CHECK(read_all("e.txt", "a\0b\n", 4, 10, got, sizeof(got), &lines, &u) == DT_OK &&
              !strcmp(got, "a|"),
          "a NUL is kept in the line (the caller sees n; C strings stop at it)");

    /* Lines across the 64 KiB read chunks, and one very long line. */
    size_t big = 200000;
    char *text = malloc(big);
    for (size_t i = 0; i < big; i++)
        text[i] = (char)('a' + i % 7);
    for (size_t i = 65530; i < big; i += 65536)
        text[i] = '\n'; /* a newline just before each chunk boundary */
    text[big - 1] = '\n';
    struct dt_lines lr;
    struct dt_diags d;
    unit_diags_setup(&u, &d);
    const char *p = unit_write("big.txt", text, big);
    size_t total = 0, nlines = 0;
    bool eof = false, okay = true;
    if (dt_lines_open(&lr, p, big, &d, NULL) != DT_OK)
        okay = false;
    while (okay && !eof) {
        const char *s;
        size_t n;
        if (dt_lines_next(&lr, &s, &n, &eof, &d) != DT_OK)
            okay = false;
        else if (!eof) {
            total += n + 1;
            nlines++;
            if (n && s[0] != text[total - n - 1])
                okay = false;
        }
    }
    CHECK(okay && total == big && nlines == 4 && lr.bytes == big && lr.size == big,
          "lines across chunk boundaries: every byte once (%zu of %zu, %zu lines)", total, big,
          nlines);
    dt_lines_close(&lr);
    CHECK(dt_lines_open(&lr, p, 1000, &d, NULL) == DT_OK, "open big again under a 1000-byte cap");
    const char *s;
    size_t n;
    enum dt_err r1 = dt_lines_next(&lr, &s, &n, &eof, &d);
    CHECK(r1 == DT_ERR_LIMIT && unit_has(&u, "1000-byte limit"),
          "a 65530-byte line over a 1000-byte cap is LIMIT");
    r1 = dt_lines_next(&lr, &s, &n, &eof, &d);
    CHECK(r1 == DT_ERR_LIMIT && lr.lineno == 2, "the next long line too, numbered 2");
    dt_lines_close(&lr);
    free(text);
}

/* Special files are refused by dt_lines_open at once (an alarm turns a
 * hang into a failure). */
static void test_special_files(void)
{
    alarm(20);
    char fifo[512], sock[512];
    snprintf(fifo, sizeof(fifo), "%s/l-fifo", unit_tmp());
    snprintf(sock, sizeof(sock), "%s/l-socket", unit_tmp());
    int sfd = unit_make_fifo_socket(fifo, sock);
    const char *regular = UNIT_WRITE_STR("regular.txt", "01\n02\n");
    static const struct {
        const char *what, *kind;
    } cases[] = {{"a FIFO", "it is a FIFO (named pipe), not a regular file"},
                 {"/dev/zero", "it is a character device, not a regular file"},
                 {"a socket", "it is a socket, not a regular file"},
                 {"a directory", "Is a directory"}};
    const char *paths[] = {fifo, "/dev/zero", sock, unit_tmp()};
    struct dt_diags d;
    struct unit_diags u;
    struct dt_lines lr;
    for (size_t i = 0; i < DT_ARRAY_LEN(cases); i++) {
        unit_diags_setup(&u, &d);
        struct dt_place ref = {"--option", 0, 0, NULL, NULL};
        CHECK(dt_lines_open(&lr, paths[i], 100, &d, &ref) == DT_ERR_INPUT && u.errors == 1 &&
                  unit_has(&u, cases[i].kind),
              "dt_lines_open refuses %s", cases[i].what);
    }
    unit_diags_setup(&u, &d);
    CHECK(dt_lines_open(&lr, regular, 100, &d, NULL) == DT_OK, "baseline: dt_lines_open reads a "
                                                               "regular file");
    dt_lines_close(&lr);
    unit_diags_setup(&u, &d);
    CHECK(dt_lines_open(&lr, "testdata/no-such.txt", 100, &d, NULL) == DT_ERR_INPUT &&
              unit_has(&u, "No such file") && lr.f == NULL && lr.chunk == NULL,
          "a missing file: refused, nothing left open");
    dt_lines_close(&lr);
    close(sfd);
    alarm(0);
}

int main(void)
{
    test_lines();
    test_edges();
    test_special_files();
    return unit_done();
}
