/* Unit tests: verify_firefox.c without a Firefox: finding it, the usages it
 * has, and a start that fails visibly. (The engine itself is exercised by
 * tests/e2e/t_firefox.sh when firefox-esr is installed.) */
#include "verify_firefox.h"
#include "file.h"
#include "unit.h"

#include <dirent.h>
#include <limits.h>

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
    dt_file_rm_tree(dir);
    dt_firefox_stop(NULL);
    CHECK(true, "dt_firefox_stop(NULL) is a no-op");
    return unit_done();
}
