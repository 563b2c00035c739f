/*
 * io.c - capped file reading and path helpers.
 */
#include "io.h"

#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void dt_report_io(struct dt_diags *d, const struct dt_place *ref, const char *path,
                  const char *what, int err)
{
    struct dt_place pl = ref ? *ref : dt_place_file(path);
    if (ref)
        dt_report(d, DT_ERROR, &pl, "cannot %s %s: %s", what, path, strerror(err));
    else
        dt_report(d, DT_ERROR, &pl, "cannot %s: %s", what, strerror(err));
}

enum dt_err dt_file_read(const char *path, size_t max, struct dt_buf *out, struct dt_diags *d,
                         const struct dt_place *ref)
{
    enum dt_err rc = DT_OK;
    FILE *f = NULL;
    dt_buf_init(out, max);

    f = fopen(path, "rb");
    if (!f) {
        dt_report_io(d, ref, path, "open", errno);
        rc = DT_ERR_INPUT;
        goto out;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        dt_report_io(d, ref, path, "read", EISDIR);
        rc = DT_ERR_INPUT;
        goto out;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && max && (uint64_t)st.st_size > max) {
        /* Refused before reading: a huge (or sparse) file costs nothing. */
        struct dt_place pl = ref ? *ref : dt_place_file(path);
        dt_report(d, DT_ERROR, &pl,
                  "%s is larger than the %zu-byte limit for this kind of file (%lld bytes)", path,
                  max, (long long)st.st_size);
        rc = DT_ERR_LIMIT;
        goto out;
    }
    for (;;) {
        uint8_t chunk[65536];
        size_t n = fread(chunk, 1, sizeof(chunk), f);
        if (n > 0) {
            rc = dt_buf_append(out, chunk, n);
            if (rc == DT_ERR_LIMIT) {
                struct dt_place pl = ref ? *ref : dt_place_file(path);
                dt_report(d, DT_ERROR, &pl,
                          "%s is larger than the %zu-byte limit for this kind of file", path, max);
                goto out;
            }
            DT_TRY(rc);
        }
        if (n < sizeof(chunk)) {
            if (ferror(f)) {
                dt_report_io(d, ref, path, "read", errno ? errno : EIO);
                rc = DT_ERR_INPUT;
                goto out;
            }
            break;
        }
    }
out:
    if (f)
        fclose(f);
    if (rc != DT_OK)
        dt_buf_free(out);
    return rc;
}

char *dt_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return dt_strdup(rel);
    size_t a = strlen(dir), b = strlen(rel);
    char *p = dt_malloc(a + b + 2);
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
        return dt_strdup(".");
    if (slash == path)
        return dt_strdup("/");
    return dt_strndup(path, (size_t)(slash - path));
}

/* Removes a directory tree (best effort; used on our own temporaries). */
void dt_rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (dir) {
            struct dirent *de;
            while ((de = readdir(dir)) != NULL) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                    continue;
                size_t n = strlen(path) + strlen(de->d_name) + 2;
                char *child = malloc(n);
                if (!child)
                    continue;
                snprintf(child, n, "%s/%s", path, de->d_name);
                dt_rm_tree(child);
                free(child);
            }
            closedir(dir);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}
