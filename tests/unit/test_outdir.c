/* Unit tests: outdir.c, the output directory replaced atomically: what may
 * be replaced (nothing, an empty directory, a previous build) and what not
 * (a file, a symbolic link, a directory that is not a build), files in
 * subdirectories with their modes, a failed write leaving OUT as it was and
 * nothing behind, leftovers of killed builds swept, and the output list. */
#include "outdir.h"
#include "file.h"
#include "unit.h"

#include <dirent.h>
#include <sys/time.h>
#include <time.h>

static struct unit_diags U;

static char *path_in(const char *rel)
{
    static char buf[4][700];
    static int slot;
    char *p = buf[slot++ % 4];
    snprintf(p, 700, "%s/%s", unit_tmp(), rel);
    return p;
}

static char *slurp(const char *path)
{
    struct dt_buf b;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (dt_file_read(path, 1 << 20, &b, &d, NULL) != DT_OK)
        return NULL;
    return dt_buf_steal(&b, NULL);
}

static enum dt_err replace(const char *out, const struct dt_outfile *f, size_t n)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    return dt_outdir_replace(out, f, n, &d);
}

static enum dt_err check(const char *out)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    return dt_outdir_check(out, &d);
}

/* Entries of the scratch directory whose names start with prefix. */
static size_t count_prefix(const char *prefix)
{
    DIR *dir = opendir(unit_tmp());
    size_t n = 0;
    struct dirent *de;
    while (dir && (de = readdir(dir)) != NULL)
        n += !strncmp(de->d_name, prefix, strlen(prefix));
    if (dir)
        closedir(dir);
    return n;
}

static void test_check(void)
{
    CHECK(check(path_in("absent")) == DT_OK, "an absent OUT may be created");
    mkdir(path_in("empty"), 0755);
    CHECK(check(path_in("empty")) == DT_OK, "an empty directory may be replaced");
    mkdir(path_in("build"), 0755);
    UNIT_WRITE_STR("build/manifest.json", "{}\n");
    UNIT_WRITE_STR("build/x.txt", "x");
    CHECK(check(path_in("build")) == DT_OK, "a previous build (manifest.json) may be replaced");
    mkdir(path_in("thesis"), 0755);
    UNIT_WRITE_STR("thesis/thesis.tex", "keep");
    CHECKU(check(path_in("thesis")) == DT_ERR_INPUT && unit_has(&U, "refusing to replace") &&
               unit_has(&U, "thesis|"),
           "a non-empty directory without manifest.json: refused, at its path");
    UNIT_WRITE_STR("afile", "x");
    CHECKU(check(path_in("afile")) == DT_ERR_INPUT && unit_has(&U, "is not a directory"),
           "a file: refused");
    if (symlink(path_in("build"), path_in("link")) != 0)
        exit(2);
    CHECKU(check(path_in("link")) == DT_ERR_INPUT && unit_has(&U, "symbolic link"),
           "a symbolic link to a build: refused");
    CHECKU(check(path_in("afile/sub")) == DT_ERR_IO && unit_has(&U, "cannot inspect"),
           "a path that cannot be inspected (under a file): an I/O error");
}

static void test_replace(void)
{
    char out[700];
    snprintf(out, sizeof(out), "%s", path_in("out"));
    struct dt_outfile files[3] = {
        {.name = "a.txt", .data = {(const uint8_t *)"alpha\n", 6}},
        {.name = "tests/sub/b.txt", .data = {(const uint8_t *)"beta", 4}},
        {.name = "run.sh", .data = {(const uint8_t *)"#!/bin/sh\n", 10}, .executable = true},
    };
    mode_t um = umask(022);
    CHECKU(replace(out, files, 3) == DT_OK, "a new OUT is written");
    char p[800];
    snprintf(p, sizeof(p), "%s/tests/sub/b.txt", out);
    char *b = slurp(p);
    CHECK(b && !strcmp(b, "beta"), "a file in subdirectories made for it");
    free(b);
    struct stat st;
    snprintf(p, sizeof(p), "%s/run.sh", out);
    bool x = stat(p, &st) == 0 && (st.st_mode & 0777) == 0755;
    snprintf(p, sizeof(p), "%s/a.txt", out);
    bool r = stat(p, &st) == 0 && (st.st_mode & 0777) == 0644;
    CHECK(x && r, "modes: 0777 and 0666 under the umask (0755, 0644)");
    bool dm = stat(out, &st) == 0 && (st.st_mode & 0777) == 0755;
    CHECK(dm, "the directory: 0777 under the umask");
    umask(um);

    /* Replaced: the old files are gone, the new ones there. */
    UNIT_WRITE_STR("out/manifest.json", "{}\n");
    struct dt_outfile next[1] = {{.name = "c.txt", .data = {(const uint8_t *)"gamma", 5}}};
    CHECKU(replace(out, next, 1) == DT_OK, "a previous build is replaced");
    snprintf(p, sizeof(p), "%s/a.txt", out);
    bool gone = access(p, F_OK) != 0;
    snprintf(p, sizeof(p), "%s/c.txt", out);
    b = slurp(p);
    CHECK(gone && b && !strcmp(b, "gamma"), "old files gone, new ones in place");
    free(b);
    CHECK(count_prefix(".out.") == 0, "no temporary directory left beside it");

    /* Trailing slashes name the same directory. */
    char slashed[720];
    snprintf(slashed, sizeof(slashed), "%s//", out);
    UNIT_WRITE_STR("out/manifest.json", "{}\n");
    CHECKU(replace(slashed, files, 1) == DT_OK && count_prefix(".out.") == 0,
           "OUT with trailing slashes");
    snprintf(p, sizeof(p), "%s/a.txt", out);
    CHECK(access(p, F_OK) == 0, "written into OUT itself");

    /* A write that fails: OUT stays as it was, nothing left behind. */
    UNIT_WRITE_STR("out/manifest.json", "{\"previous\": true}\n");
    struct dt_outfile bad[2] = {{.name = "f", .data = {(const uint8_t *)"x", 1}},
                                {.name = "f/g", .data = {(const uint8_t *)"y", 1}}};
    CHECKU(replace(out, bad, 2) == DT_ERR_IO && unit_has(&U, "cannot write f/g"),
           "a file that cannot be written (under a file): an I/O error naming it");
    snprintf(p, sizeof(p), "%s/manifest.json", out);
    b = slurp(p);
    CHECK(b && strstr(b, "previous") && count_prefix(".out.") == 0,
          "and OUT is the previous build, no temporary directory left");
    free(b);
    struct dt_outfile twice[2] = {{.name = "same", .data = {(const uint8_t *)"1", 1}},
                                  {.name = "same", .data = {(const uint8_t *)"2", 1}}};
    CHECKU(replace(out, twice, 2) == DT_ERR_IO && unit_has(&U, "cannot write same"),
           "a name given twice: an error, never one silently overwritten");

    /* Not replaced: a directory that is not a build. */
    char thesis[700];
    snprintf(thesis, sizeof(thesis), "%s", path_in("thesis"));
    CHECKU(replace(thesis, next, 1) == DT_ERR_INPUT && unit_has(&U, "refusing to replace"),
           "a directory that is not a build is never replaced");
    snprintf(p, sizeof(p), "%s/thesis.tex", thesis);
    b = slurp(p);
    CHECK(b && !strcmp(b, "keep"), "and keeps its files");
    free(b);

    /* Zero files: an empty OUT with nothing else (a valid, empty build). */
    char empty_out[700];
    snprintf(empty_out, sizeof(empty_out), "%s", path_in("out-empty"));
    CHECKU(replace(empty_out, NULL, 0) == DT_OK, "no files: an empty directory");
    struct stat es;
    CHECK(stat(empty_out, &es) == 0 && S_ISDIR(es.st_mode), "OUT exists");
}

/* Leftovers of a killed build older than a minute are removed (a note),
 * recent ones are left for the build that may still own them. */
static void test_sweep(void)
{
    char old_tmp[700], new_tmp[700], out[700];
    snprintf(old_tmp, sizeof(old_tmp), "%s", path_in(".swept.tmp-AAAAAA"));
    snprintf(new_tmp, sizeof(new_tmp), "%s", path_in(".swept.old-BBBBBB"));
    snprintf(out, sizeof(out), "%s", path_in("swept"));
    mkdir(old_tmp, 0755);
    mkdir(new_tmp, 0755);
    UNIT_WRITE_STR(".swept.tmp-AAAAAA/x", "left over");
    struct timeval tv[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};
    if (utimes(old_tmp, tv) != 0)
        exit(2);
    struct dt_outfile f[1] = {{.name = "a", .data = {(const uint8_t *)"a", 1}}};
    CHECKU(replace(out, f, 1) == DT_OK && unit_has(&U, "note|") &&
               unit_has(&U, "removed what an interrupted build left"),
           "an hour-old temporary directory is swept, with a note");
    CHECK(access(old_tmp, F_OK) != 0, "it is gone");
    CHECK(access(new_tmp, F_OK) == 0, "a recent one is left alone");
    rmdir(new_tmp);
}

static void test_list(void)
{
    struct dt_outlist l;
    dt_outdir_list_init(&l);
    bool ok = true;
    for (int i = 0; i < 40 && ok; i++) {
        char name[32];
        snprintf(name, sizeof(name), "f%02d", i);
        struct dt_buf b;
        dt_buf_init(&b, 0);
        ok = dt_buf_printf(&b, "content %d", i) == DT_OK &&
             dt_outdir_list_add(&l, name, &b) == DT_OK && b.len == 0 && b.data == NULL;
    }
    CHECK(ok && l.n == 40, "40 files added (growing past the first 16); each buffer emptied");
    CHECK(!strcmp(l.files[33].name, "f33") && l.files[33].data.n == 10 &&
              !memcmp(l.files[33].data.p, "content 33", 10) &&
              l.files[33].data.p == l.bufs[33].data,
          "each file's data is its moved buffer");
    char src[] = "copied";
    CHECK(dt_outdir_list_add_copy(&l, "copy", dt_slice_make(src, 6)) == DT_OK &&
              l.files[40].data.p != (const uint8_t *)src &&
              !memcmp(l.files[40].data.p, "copied", 6),
          "add_copy: a copy of the bytes");
    dt_outdir_list_free(&l);
    CHECK(l.n == 0 && l.files == NULL, "freed and emptied");
    dt_outdir_list_free(&l);
}

int main(void)
{
    test_check();
    test_replace();
    test_sweep();
    test_list();
    return unit_done();
}
