/* Unit tests: timeutil, suggest, jsonpos, buf, arena, io (line reader,
 * refusing special files), nssname, manifest. */
#include "arena.h"
#include "buf.h"
#include "file.h"
#include "jsonpos.h"
#include "manifest.h"
#include "nssname.h"
#include "suggest.h"
#include "time.h"
#include "cert.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

static void test_time(void)
{
    char buf[32];
    dt_time_format_ctime(1733011199, buf);
    CHECK_STR(buf, "Sat Nov 30 23:59:59 2024", "ctime form (addbuiltin -d sample)");
    dt_time_format_ctime(0, buf);
    CHECK_STR(buf, "Thu Jan 01 00:00:00 1970", "epoch");
    dt_time_format_ctime(-631152000, buf);
    CHECK_STR(buf, "Sun Jan 01 00:00:00 1950", "before the epoch");
    dt_time_format_rfc3339(951782400, buf);
    CHECK_STR(buf, "2000-02-29T00:00:00Z", "leap day 2000");
    int64_t t;
    bool frac;
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59Z", &t, &frac) == NULL && t == 1733011199,
          "parse Z");
    CHECK(dt_time_parse_rfc3339("2024-12-01t00:59:59+01:00", &t, &frac) == NULL && t == 1733011199,
          "parse offset, lower-case t");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59.25Z", &t, &frac) == NULL && frac,
          "fraction noticed");
    CHECK(dt_time_parse_rfc3339("2023-02-29T00:00:00Z", &t, &frac) != NULL, "no Feb 29 2023");
    CHECK(dt_time_parse_rfc3339("2024-11-30 23:59:59Z", &t, &frac) != NULL, "space refused");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:60Z", &t, &frac) != NULL, "leap second");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59Zjunk", &t, &frac) != NULL, "junk after");
    CHECK(dt_time_parse_date_or_datetime("2024-02-29") == NULL, "plain date");
    CHECK(dt_time_parse_date_or_datetime("2024-13-01") != NULL, "month 13");
    char utc[14];
    CHECK(dt_time_to_utctime(1733011199, utc) && !strcmp(utc, "241130235959Z"), "UTCTime");
    CHECK(!dt_time_to_utctime(2524608000, utc), "2050 not expressible");
    CHECK(dt_time_to_utctime(2524607999, utc) && !strcmp(utc, "491231235959Z"), "2049 ok");
    CHECK(!dt_time_to_utctime(-631152001, utc), "1949 not expressible");
    /* Round trip over a range of days. */
    bool all = true;
    for (int64_t day = -30000; day < 60000; day += 37) {
        struct dt_civil c;
        dt_time_epoch_to_civil(day * 86400 + 3723, &c);
        if (dt_time_civil_to_epoch(&c) != day * 86400 + 3723 || !dt_time_civil_valid(&c))
            all = false;
    }
    CHECK(all, "civil <-> epoch round trip 1888..2134");
}

static void test_suggest(void)
{
    const char *keys[] = {"certificate", "serial", "serials_file", "label", "purposes"};
    CHECK_STR(dt_suggest("serail", keys, 5), "serial", "transposition");
    CHECK_STR(dt_suggest("Label", keys, 5), "label", "case");
    CHECK_STR(dt_suggest("serials-file", keys, 5), "serials_file", "dash vs underscore");
    CHECK_STR(dt_suggest("purpose", keys, 5), "purposes", "missing letter");
    CHECK(dt_suggest("zzzzzz", keys, 5) == NULL, "nothing close");
}

static void test_jsonpos(void)
{
    const char *t = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c~d/e\": 2,\n  \"é\": 3\n}";
    struct dt_jsonpos p;
    CHECK(dt_jsonpos_find(t, strlen(t), "/a/1/b", false, &p) && p.line == 2 && p.col == 18,
          "nested value position (2:18)");
    CHECK(dt_jsonpos_find(t, strlen(t), "/a/1/b", true, &p) && p.line == 2 && p.col == 13,
          "key position (2:13)");
    CHECK(dt_jsonpos_find(t, strlen(t), "/c~0d~1e", false, &p) && p.line == 3,
          "JSON pointer escapes");
    CHECK(!dt_jsonpos_find(t, strlen(t), "/a/2", false, &p), "missing index");
    CHECK(!dt_jsonpos_find(t, strlen(t), "/zz", false, &p), "missing key");
    CHECK(dt_jsonpos_find(t, strlen(t), "", false, &p) && p.line == 1 && p.col == 1, "root");
    const char *u = "{\"k\\\"q\": 1, \"k\": \"v}\"}";
    CHECK(dt_jsonpos_find(u, strlen(u), "/k", false, &p) && p.col == 18,
          "escaped quotes and braces inside strings are skipped");
}

static void test_buf(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 10);
    CHECK(dt_buf_puts(&b, "0123456789") == DT_OK, "fill to the cap");
    CHECK(dt_buf_putc(&b, 'x') == DT_ERR_LIMIT && b.len == 10, "past the cap: LIMIT, unchanged");
    CHECK_STR(dt_buf_cstr(&b), "0123456789", "contents intact");
    dt_buf_free(&b);
    dt_buf_free(NULL);
    dt_buf_init(&b, 0);
    CHECK(dt_buf_printf(&b, "%d-%s", 42, "x") == DT_OK && !strcmp(dt_buf_cstr(&b), "42-x"),
          "printf");
    dt_buf_free(&b);
    struct dt_arena a;
    dt_arena_init(&a);
    bool ok = true;
    for (int i = 0; i < 20000; i++) {
        char *s = dt_arena_strdup(&a, "arena string");
        if (!s || strcmp(s, "arena string") || ((uintptr_t)s & 7))
            ok = false;
    }
    void *big = dt_arena_alloc(&a, 1 << 20);
    CHECK(ok && big, "arena: many aligned small strings and one large block");
    dt_arena_free(&a);
    dt_arena_free(NULL);
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
    const char *raw = "one\r\ntwo\n\nlast-no-newline";
    CHECK(dt_lines_sha256(&lr, sha) == DT_OK &&
              dt_digest_sha256(dt_slice_make(raw, strlen(raw)), want) == DT_OK &&
              !memcmp(sha, want, 32),
          "SHA-256 of the file's exact bytes");
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

/* Special files are refused at once, by every reader in io.c: an open that
 * blocked would hang here, so an alarm turns a hang into a failure. */
static void test_special_files(void)
{
    alarm(20);
    char fifo[512], sock[512], dir[512];
    snprintf(fifo, sizeof(fifo), "%s/a-fifo", unit_tmp());
    snprintf(sock, sizeof(sock), "%s/a-socket", unit_tmp());
    snprintf(dir, sizeof(dir), "%s", unit_tmp());
    if (mkfifo(fifo, 0600) != 0) {
        perror("mkfifo");
        exit(2);
    }
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(sock) >= sizeof(sa.sun_path)) {
        printf("# scratch path too long for a socket: %s\n", sock);
        exit(2);
    }
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    if (sfd < 0 || bind(sfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("socket");
        exit(2);
    }
    const char *regular = UNIT_WRITE_STR("regular.txt", "01\n02\n");

    struct dt_diags d;
    struct unit_diags u;
    struct dt_buf b;
    struct stat st;
    int fd, err;
    unit_diags_setup(&u, &d);
    CHECK(dt_file_read(regular, 100, &b, &d, NULL) == DT_OK && b.len == 6 && u.errors == 0,
          "baseline: a regular file is read");
    dt_buf_free(&b);
    CHECK(dt_file_open_regular(regular, &fd, &st, &err) == DT_OK && fd >= 0 &&
              !(fcntl(fd, F_GETFL) & O_NONBLOCK),
          "dt_file_open_regular: a regular file, O_NONBLOCK cleared");
    if (fd >= 0)
        close(fd);

    static const struct {
        const char *what, *kind;
        int err;
    } cases[] = {{"a FIFO", "it is a FIFO (named pipe), not a regular file", 0},
                 {"/dev/zero", "it is a character device, not a regular file", 0},
                 {"a socket", "it is a socket, not a regular file", 0},
                 {"a directory", "Is a directory", EISDIR}};
    const char *paths[] = {fifo, "/dev/zero", sock, dir};
    for (size_t i = 0; i < DT_ARRAY_LEN(cases); i++) {
        CHECK(dt_file_open_regular(paths[i], &fd, &st, &err) == DT_ERR_INPUT && fd == -1 &&
                  err == cases[i].err,
              "dt_file_open_regular refuses %s (err %d)", cases[i].what, err);
        unit_diags_setup(&u, &d);
        CHECK(dt_file_read(paths[i], 100, &b, &d, NULL) == DT_ERR_INPUT && u.errors == 1 &&
                  unit_has(&u, cases[i].kind) && unit_has(&u, paths[i]),
              "dt_file_read refuses %s, at the file", cases[i].what);
        unit_diags_setup(&u, &d);
        struct dt_place ref = {"--option", 0, 0, NULL, NULL};
        CHECK(dt_file_read(paths[i], 100, &b, &d, &ref) == DT_ERR_INPUT &&
                  unit_has(&u, "|--option|") && unit_has(&u, paths[i]) &&
                  unit_has(&u, cases[i].kind),
              "dt_file_read refuses %s, at the place that named it", cases[i].what);
        unit_diags_setup(&u, &d);
        struct dt_lines lr;
        CHECK(dt_lines_open(&lr, paths[i], 100, &d, &ref) == DT_ERR_INPUT && u.errors == 1 &&
                  unit_has(&u, cases[i].kind),
              "dt_lines_open refuses %s", cases[i].what);
        char msg[600];
        dt_file_open_failure(paths[i], err, &st, msg, sizeof(msg));
        CHECK(strstr(msg, paths[i]) && strstr(msg, cases[i].kind), "dt_file_open_failure: %s", msg);
    }
    struct dt_lines lr;
    unit_diags_setup(&u, &d);
    CHECK(dt_lines_open(&lr, regular, 100, &d, NULL) == DT_OK, "baseline: dt_lines_open reads a "
                                                               "regular file");
    dt_lines_close(&lr);
    close(sfd);
    alarm(0);
}

static void test_nssname(void)
{
    static const uint8_t name[] = {0x30, 0x1c, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04,
                                   0x06, 0x13, 0x02, 'T',  'R',  0x31, 0x0d, 0x30, 0x0b, 0x06,
                                   0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 0xc3, 0x96, 'z',  'l'};
    char *c = dt_nssname_comment(dt_slice_make(name, sizeof(name)));
    char *t = dt_nssname_text(dt_slice_make(name, sizeof(name)));
    char *cn = dt_nssname_common_name(dt_slice_make(name, sizeof(name)));
    CHECK_STR(c, "CN=..zl,C=TR", "comment text: most specific first, non-ASCII as dots");
    CHECK_STR(t, "CN=\xc3\x96zl,C=TR", "UTF-8 text");
    CHECK_STR(cn, "\xc3\x96zl", "common name");
    free(c);
    free(t);
    free(cn);
    static const uint8_t empty[] = {0x30, 0x00};
    c = dt_nssname_comment(dt_slice_make(empty, 2));
    CHECK_STR(c, "(empty)", "empty name");
    free(c);
    cn = dt_nssname_common_name(dt_slice_make(empty, 2));
    CHECK(cn == NULL, "no common name");
    static const uint8_t junk[] = {0x04, 0x01, 0x00};
    c = dt_nssname_comment(dt_slice_make(junk, 3));
    CHECK_STR(c, "!Invalid AVA!", "undecodable name");
    free(c);
}

static void test_manifest(void)
{
    struct dt_outfile files[1] = {{.name = "a.txt", .data = {(const uint8_t *)"abc", 3}}};
    struct dt_count counts[] = {{"x", 1}, {"group.y", 2}, {"group.z", 3}};
    struct dt_buf b;
    dt_buf_init(&b, 0);
    CHECK(dt_manifest_write("00ff", files, 1, counts, 3, NULL, 0, NULL, NULL, NULL, &b) == DT_OK,
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

int main(void)
{
    test_time();
    test_suggest();
    test_jsonpos();
    test_buf();
    test_lines();
    test_special_files();
    test_nssname();
    test_manifest();
    return unit_done();
}
