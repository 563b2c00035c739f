/*
 * path.c - file path helpers.
 */
#include "path.h"

#include "mem.h"

#include <string.h>

char *dt_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return dt_mem_strdup(rel);
    size_t a = strlen(dir), b = strlen(rel);
    char *p = dt_mem_alloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, rel, b + 1);
    return p;
}

char *dt_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return dt_mem_strdup(".");
    if (slash == path)
        return dt_mem_strdup("/");
    return dt_mem_strndup(path, (size_t)(slash - path));
}
