/* Unit tests: path.c (joining and directory parts). */
#include "path.h"
#include "unit.h"

static void join(const char *dir, const char *rel, const char *want)
{
    char *p = dt_path_join(dir, rel);
    CHECK(p && !strcmp(p, want), "join(%s, %s) = %s (%s)", dir ? dir : "NULL", rel, want,
          p ? p : "NULL");
    free(p);
}

static void dirname_of(const char *path, const char *want)
{
    char *p = dt_path_dirname(path);
    CHECK(p && !strcmp(p, want), "dirname(%s) = %s (%s)", path, want, p ? p : "NULL");
    free(p);
}

int main(void)
{
    join("policy", "serials/a.txt", "policy/serials/a.txt");
    join("policy/", "a.txt", "policy/a.txt");
    join("/abs/dir", "/etc/x", "/etc/x");
    join(".", "a.txt", "a.txt");
    join("", "a.txt", "a.txt");
    join(NULL, "a.txt", "a.txt");
    join("/", "a", "/a");
    join("d", "", "d/");
    join("d", "../x", "d/../x");
    dirname_of("a/b/c.json", "a/b");
    dirname_of("c.json", ".");
    dirname_of("/c.json", "/");
    dirname_of("a/", "a");
    dirname_of("", ".");
    dirname_of("/", "/");
    return unit_done();
}
