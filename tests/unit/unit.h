/*
 * unit.h - a tiny TAP test harness for the unit tests (one file per module).
 *
 * CHECK(cond, fmt, ...) prints "ok N - description" or "not ok N - ..." with
 * the file and line. main() returns unit_done(), non-zero on any failure.
 * Tests run from the repository root (tests/run.sh does that).
 */
#ifndef DT_UNIT_H
#define DT_UNIT_H

#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...)                                                 \
    do {                                                                 \
        unit_n++;                                                        \
        bool unit_ok_ = (cond);                                          \
        printf("%s %d - ", unit_ok_ ? "ok" : "not ok", unit_n);          \
        printf(__VA_ARGS__);                                             \
        printf("\n");                                                    \
        if (!unit_ok_) {                                                 \
            unit_failed++;                                               \
            printf("#   %s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
        }                                                                \
    } while (0)

#define CHECK_STR(got, want, ...)                                                      \
    do {                                                                               \
        const char *unit_g_ = (got), *unit_w_ = (want);                                \
        CHECK(unit_g_ &&unit_w_ &&strcmp(unit_g_, unit_w_) == 0, __VA_ARGS__);         \
        if (!(unit_g_ && unit_w_ && strcmp(unit_g_, unit_w_) == 0))                    \
            printf("#   got  \"%s\"\n#   want \"%s\"\n", unit_g_ ? unit_g_ : "(null)", \
                   unit_w_ ? unit_w_ : "(null)");                                      \
    } while (0)

static inline int unit_done(void)
{
    printf("1..%d\n", unit_n);
    return unit_failed ? 1 : 0;
}

/* Collects diagnostics as text lines "severity|file|line|col|path|message". */
struct unit_diags {
    char text[65536];
    size_t len;
    size_t errors, warnings;
};

static inline void unit_diag_fn(const struct dt_diag *d, void *ctx)
{
    struct unit_diags *u = ctx;
    const char *sev = d->severity == DT_ERROR     ? "error"
                      : d->severity == DT_WARNING ? "warning"
                                                  : "note";
    if (d->severity == DT_ERROR)
        u->errors++;
    if (d->severity == DT_WARNING)
        u->warnings++;
    int n = snprintf(u->text + u->len, sizeof(u->text) - u->len, "%s|%s|%u|%u|%s|%s\n", sev,
                     d->file ? d->file : "", d->line, d->col, d->json_path ? d->json_path : "",
                     d->message);
    if (n > 0 && (size_t)n < sizeof(u->text) - u->len)
        u->len += (size_t)n;
}

static inline void unit_diags_setup(struct unit_diags *u, struct dt_diags *d)
{
    memset(u, 0, sizeof(*u));
    dt_diag_init(d, unit_diag_fn, u);
}

static inline bool unit_has(const struct unit_diags *u, const char *fragment)
{
    return strstr(u->text, fragment) != NULL;
}

/* Prints the collected diagnostics as TAP comments (after a failed CHECK). */
static inline void unit_dump_diags(const struct unit_diags *u)
{
    const char *p = u->text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        printf("#   | %.*s\n", n, p);
        p += n + (nl != NULL);
    }
}

/* A scratch directory removed at exit. */
static char unit_tmpdir[256];

static inline void unit_rm_tmp(void)
{
    if (unit_tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", unit_tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", unit_tmpdir);
    }
}

static inline const char *unit_tmp(void)
{
    if (!unit_tmpdir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(unit_tmpdir, sizeof(unit_tmpdir), "%s/dt-unit-XXXXXX", t ? t : "/tmp");
        if (!mkdtemp(unit_tmpdir)) {
            perror("mkdtemp");
            exit(2);
        }
        atexit(unit_rm_tmp);
    }
    return unit_tmpdir;
}

/* Writes text to a file in the scratch directory; returns its path (static
 * storage, one slot per call rotating through 8). */
static inline const char *unit_write(const char *name, const char *text, size_t len)
{
    static char paths[8][512];
    static int slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 512, "%s/%s", unit_tmp(), name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(p);
        exit(2);
    }
    return p;
}

#define UNIT_WRITE_STR(name, s) unit_write((name), (s), strlen(s))

/* CHECK, and on failure the diagnostics the code under test reported: for
 * tests that keep their sink in a file-scope `static struct unit_diags U`. */
#define CHECKU(cond, ...)            \
    do {                             \
        bool checku_ = (cond);       \
        CHECK(checku_, __VA_ARGS__); \
        if (!checku_)                \
            unit_dump_diags(&U);     \
    } while (0)

/* A FIFO at fifo and a bound UNIX socket at sock (both absolute paths in
 * the scratch directory): special files readers must refuse. Returns the
 * socket's descriptor; exits 2 when either cannot be made. */
static inline int unit_make_fifo_socket(const char *fifo, const char *sock)
{
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
    return sfd;
}

#endif
