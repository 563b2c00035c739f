/* Unit tests: verify_firefox.c without a Firefox: finding it, the usages it
 * has, a start that fails visibly, and a start interrupted by a signal (the
 * registry of running Firefoxes that the handler kills). (The engine itself
 * is exercised by tests/e2e/t_firefox.sh when firefox-esr is installed.) */
#include "verify_firefox.h"
#include "file.h"
#include "interrupt.h"
#include "unit.h"

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t hook_killed = -1;

/* The run's hook: what dt_firefox_kill_all found in the handler. */
static void hook(int sig)
{
    (void)sig;
    hook_killed = (sig_atomic_t)dt_firefox_kill_all();
}

/* Whether pid is gone or a zombie (dead, not yet reaped by init). */
static bool dead(long pid)
{
    char p[64], buf[512];
    snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
    FILE *f = fopen(p, "r");
    if (!f)
        return true;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *close_paren = strrchr(buf, ')');
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void touch_exec(const char *path, const char *body)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(body, f);
        fclose(f);
    }
    chmod(path, 0755);
}

int main(void)
{
    char dir[PATH_MAX - 64];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/distrust-unit-ff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char path[PATH_MAX], got[PATH_MAX], why[512], saved[4096];
    CHECK(mkdtemp(dir) != NULL, "a temporary directory");
    const char *old = getenv("PATH");
    snprintf(saved, sizeof(saved), "%s", old ? old : "");

    snprintf(path, sizeof(path), "%s/nothing-here", dir);
    CHECK(!dt_firefox_find(path, got, sizeof(got), why, sizeof(why)) && strstr(why, "nothing-here"),
          "--firefox naming no file (%s)", why);

    setenv("PATH", dir, 1);
    CHECK(!dt_firefox_find(NULL, got, sizeof(got), why, sizeof(why)) &&
              strstr(why, "neither firefox-esr nor firefox"),
          "none on PATH (%s)", why);
    snprintf(path, sizeof(path), "%s/firefox", dir);
    touch_exec(path, "#!/bin/sh\nexit 1\n");
    CHECK(dt_firefox_find(NULL, got, sizeof(got), why, sizeof(why)) && !strcmp(got, path),
          "firefox on PATH (%s)", got);
    snprintf(path, sizeof(path), "%s/firefox-esr", dir);
    touch_exec(path, "#!/bin/sh\necho 'Error: no DISPLAY, or whatever it says'\nexit 1\n");
    CHECK(dt_firefox_find(NULL, got, sizeof(got), why, sizeof(why)) && !strcmp(got, path),
          "firefox-esr first (%s)", got);
    CHECK(dt_firefox_find(path, got, sizeof(got), why, sizeof(why)) && !strcmp(got, path),
          "--firefox given");
    setenv("PATH", saved, 1);

    CHECK(dt_firefox_usage_supported(DT_USAGE_SERVER) &&
              dt_firefox_usage_supported(DT_USAGE_EMAIL_SIGNER) &&
              !dt_firefox_usage_supported(DT_USAGE_CODE_SIGNING),
          "Firefox verifies TLS and e-mail usages, not code signing");

    /* A "Firefox" that exits at once: a clear failure, no process left. */
    struct dt_firefox *ff = NULL;
    struct dt_firefox_config cfg = {path, dir, NULL, NULL, NULL, NULL, NULL};
    enum dt_err rc = dt_firefox_start(&cfg, &ff, why, sizeof(why));
    CHECK(rc == DT_ERR_IO && !ff && strstr(why, "exited before it listened for Marionette"),
          "a Firefox that exits at once (%s)", why);
    CHECK(strstr(why, "its last output: Error: no DISPLAY, or whatever it says") != NULL,
          "the message carries what it said (its log goes with its profile)");
    /* Its profile went with it: only the two fake executables are left. */
    size_t left = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        left += e->d_name[0] != '.';
    if (d)
        closedir(d);
    CHECK(left == 2, "the profile is removed (%zu entries left, want 2)", left);
    CHECK(dt_firefox_kill_all() == 0, "no Firefox is left registered");

    /* A "Firefox" that never listens, with a process of its own (as its
     * content processes): SIGTERM while dt_firefox_start waits for it. The
     * handler finds it registered and kills its group; the start returns
     * DT_ERR_INTERRUPTED at once, reaped, its profile removed. */
    snprintf(path, sizeof(path), "%s/stuck-firefox", dir);
    touch_exec(path, "#!/bin/sh\nsleep 300 &\necho $$ $! >\"$(dirname \"$5\")/pids.tmp\"\n"
                     "mv \"$(dirname \"$5\")/pids.tmp\" \"$(dirname \"$5\")/pids\"\nwait\n");
    char pids[PATH_MAX];
    snprintf(pids, sizeof(pids), "%s/pids", dir);
    CHECK(dt_interrupt_install(hook) == DT_OK, "the run's handlers installed");
    pid_t sender = fork();
    if (sender == 0) {
        dt_interrupt_child();
        for (int i = 0; i < 500 && access(pids, F_OK) != 0; i++)
            usleep(20000);
        usleep(200000);
        kill(getppid(), SIGTERM);
        _exit(0);
    }
    cfg.binary = path;
    double t0 = now_s();
    rc = dt_firefox_start(&cfg, &ff, why, sizeof(why));
    double took = now_s() - t0;
    int st;
    waitpid(sender, &st, 0);
    CHECK(rc == DT_ERR_INTERRUPTED && !ff && !strcmp(why, "interrupted"),
          "SIGTERM during the wait for Marionette: DT_ERR_INTERRUPTED (%s)", why);
    CHECK(took < 10, "at once, not after the 90 s start timeout (%.1f s)", took);
    CHECK(hook_killed == 1, "the handler found the one Firefox registered (%d)", (int)hook_killed);
    CHECK(dt_interrupt_restore() == SIGTERM, "SIGTERM recorded");
    long fpid = 0, cpid = 0;
    FILE *pf = fopen(pids, "r");
    if (pf) {
        if (fscanf(pf, "%ld %ld", &fpid, &cpid) != 2)
            fpid = cpid = 0;
        fclose(pf);
    }
    CHECK(fpid > 0 && cpid > 0, "the fake Firefox said its pid and its child's (%ld, %ld)", fpid,
          cpid);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; i++) {
        gone = fpid > 0 && cpid > 0 && dead(fpid) && dead(cpid);
        if (!gone)
            usleep(20000);
    }
    CHECK(gone, "it and the process in its group are dead");
    CHECK(dt_firefox_kill_all() == 0, "stopped, it is no longer registered");
    left = 0;
    d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        left += !strncmp(e->d_name, "firefox-", 8) && strcmp(e->d_name, "firefox-esr");
    if (d)
        closedir(d);
    CHECK(left == 0, "its profile is removed (%zu left)", left);
    dt_file_rm_tree(dir);
    dt_firefox_stop(NULL);
    CHECK(true, "dt_firefox_stop(NULL) is a no-op");
    return unit_done();
}
