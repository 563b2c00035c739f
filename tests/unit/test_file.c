/* Unit tests: file.c (reading input files): special files refused at once
 * by every reader (an open that blocked would hang: an alarm turns a hang
 * into a failure), the size cap before and while reading, the messages at
 * the file or at the place that named it, BOM detection, tree removal. */
#include "file.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

static void test_special_files(void)
{
    alarm(20);
    char fifo[512], sock[512], dir[512];
    snprintf(fifo, sizeof(fifo), "%s/a-fifo", unit_tmp());
    snprintf(sock, sizeof(sock), "%s/a-socket", unit_tmp());
    snprintf(dir, sizeof(dir), "%s", unit_tmp());
    int sfd = unit_make_fifo_socket(fifo, sock);
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
        char msg[600];
        dt_file_open_failure(paths[i], err, &st, msg, sizeof(msg));
        CHECK(strstr(msg, paths[i]) && strstr(msg, cases[i].kind), "dt_file_open_failure: %s", msg);
    }
    close(sfd);
    alarm(0);
}

static void test_read(void)
{
    struct dt_diags d;
    struct unit_diags u;
    struct dt_buf b;
    const char *p = UNIT_WRITE_STR("ten.txt", "0123456789");
    unit_diags_setup(&u, &d);
    CHECK(dt_file_read(p, 10, &b, &d, NULL) == DT_OK && b.len == 10 && b.max == 10 &&
              !memcmp(b.data, "0123456789", 10),
          "a file exactly at the cap is read; out's cap is the file cap");
    dt_buf_free(&b);
    CHECK(dt_file_read(p, 9, &b, &d, NULL) == DT_ERR_LIMIT && u.errors == 1 &&
              unit_has(&u, "larger than the 9-byte limit for this kind of file (10 bytes)") &&
              b.data == NULL,
          "one byte over: LIMIT from its size, with both sizes, nothing kept");
    unit_diags_setup(&u, &d);
    struct dt_place ref = {"policy.json", 3, 7, "/entries/0/serials_file", NULL};
    CHECK(dt_file_read(p, 9, &b, &d, &ref) == DT_ERR_LIMIT &&
              unit_has(&u, "error|policy.json|3|7|/entries/0/serials_file|") && unit_has(&u, p),
          "the cap reported at the place that named the file, naming it");
    CHECK(dt_file_read(p, 0, &b, &d, NULL) == DT_OK && b.len == 10 && b.max == DT_BUF_DEFAULT_MAX,
          "max 0: no size check, the default buffer cap");
    dt_buf_free(&b);
    p = unit_write("empty.txt", "", 0);
    CHECK(dt_file_read(p, 10, &b, &d, NULL) == DT_OK && b.len == 0, "an empty file is read");
    dt_buf_free(&b);
    /* A file that grows past the cap while it is read (/proc files say 0
     * bytes): refused by the buffer's cap. */
    unit_diags_setup(&u, &d);
    CHECK(dt_file_read("/proc/self/status", 16, &b, &d, NULL) == DT_ERR_LIMIT &&
              unit_has(&u, "larger than the 16-byte limit") && b.data == NULL,
          "a file whose size says 0 but holds more: the cap while reading");
    unit_diags_setup(&u, &d);
    CHECK(dt_file_read("/proc/self/status", 1 << 20, &b, &d, NULL) == DT_OK && b.len > 16,
          "baseline: under a larger cap it is read");
    dt_buf_free(&b);

    unit_diags_setup(&u, &d);
    CHECK(
        dt_file_read("testdata/no/such/file", 10, &b, &d, NULL) == DT_ERR_INPUT &&
            unit_has(&u, "error|testdata/no/such/file|0|0||cannot open: No such file or directory"),
        "a missing file: \"cannot open: ...\" at the file");
    unit_diags_setup(&u, &d);
    struct dt_place opt = {"--cases", 0, 0, NULL, NULL};
    CHECK(dt_file_read("testdata/no/such/file", 10, &b, &d, &opt) == DT_ERR_INPUT &&
              unit_has(&u, "|--cases|0|0||cannot open testdata/no/such/file: No such file"),
          "a missing file named by an option: the path in the message");
    int fd;
    unit_diags_setup(&u, &d);
    CHECK(dt_file_open_input("testdata/no/such/file", &fd, NULL, &d, NULL) == DT_ERR_INPUT &&
              fd == -1 && u.errors == 1,
          "dt_file_open_input without a stat buffer reports and fails");
    CHECK(dt_file_open_input(p, &fd, NULL, &d, NULL) == DT_OK && fd >= 0 && u.errors == 1,
          "baseline: it opens a regular file without reporting");
    close(fd);
    char msg[64];
    dt_file_open_failure("/x", ENOENT, NULL, msg, sizeof(msg));
    CHECK_STR(msg, "cannot open /x: No such file or directory", "open failure text for an errno");
    dt_file_open_failure("/x", 0, NULL, msg, sizeof(msg));
    CHECK_STR(msg, "cannot read /x: it is something else, not a regular file",
              "open failure text without a stat");
    dt_file_open_failure("/a/very/long/path/name/that/does/not/fit", ENOENT, NULL, msg, 16);
    CHECK(strlen(msg) == 15, "open failure text cut to its buffer, terminated");
}

static void test_misc(void)
{
    CHECK(dt_file_starts_with_bom("\xef\xbb\xbf{", 4) && dt_file_starts_with_bom("\xef\xbb\xbf", 3),
          "a UTF-8 byte-order mark is seen");
    CHECK(!dt_file_starts_with_bom("\xef\xbb", 2) && !dt_file_starts_with_bom("\xef\xbb\xbe", 3) &&
              !dt_file_starts_with_bom("", 0),
          "two bytes of it, another third byte, nothing: no mark");
    CHECK(!strcmp(dt_file_kind(S_IFIFO), "a FIFO (named pipe)") &&
              !strcmp(dt_file_kind(S_IFBLK), "a block device") &&
              !strcmp(dt_file_kind(S_IFLNK), "a symbolic link") &&
              !strcmp(dt_file_kind(S_IFDIR), "a directory") &&
              !strcmp(dt_file_kind(S_IFREG), "something other than a regular file"),
          "dt_file_kind names each kind");
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    dt_file_report_error(&d, NULL, "f.txt", "write", EACCES);
    struct dt_place ref = {"p.json", 2, 3, "/x", NULL};
    dt_file_report_error(&d, &ref, "f.txt", "open", ENOENT);
    CHECK(unit_has(&u, "error|f.txt|0|0||cannot write: Permission denied") &&
              unit_has(&u, "error|p.json|2|3|/x|cannot open f.txt: No such file or directory") &&
              u.errors == 2,
          "report_error: at the file, or at the place with the path");

    /* rm_tree: a tree with a symbolic link out of it; the link goes, what it
     * points to stays. */
    char root[512], sub[600], f[700], outside[600], link[700];
    snprintf(root, sizeof(root), "%s/tree", unit_tmp());
    snprintf(sub, sizeof(sub), "%s/a/b", root);
    snprintf(f, sizeof(f), "%s/file", sub);
    snprintf(outside, sizeof(outside), "%s/keep.txt", unit_tmp());
    snprintf(link, sizeof(link), "%s/a/link", root);
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && echo x >'%s' && echo k >'%s' && ln -s '%s' '%s'",
             sub, f, outside, unit_tmp(), link);
    if (system(cmd) != 0)
        exit(2);
    struct stat st;
    dt_file_rm_tree(root);
    CHECK(lstat(root, &st) != 0 && errno == ENOENT && stat(outside, &st) == 0,
          "rm_tree removes the tree, not what a link in it points to");
    dt_file_rm_tree(root);
    CHECK(lstat(root, &st) != 0, "rm_tree of a missing path is a no-op");
    dt_file_rm_tree(outside);
    CHECK(stat(outside, &st) != 0, "rm_tree of a file removes the file");
}

int main(void)
{
    test_special_files();
    test_read();
    test_misc();
    return unit_done();
}
