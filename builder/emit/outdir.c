/*
 * outdir.c - atomic output directory replacement.
 */
#include "outdir.h"

#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool dir_is_empty(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return false;
    struct dirent *de;
    bool empty = true;
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            empty = false;
            break;
        }
    }
    closedir(dir);
    return empty;
}

enum dt_err dt_outdir_check(const char *out, struct dt_diags *d)
{
    struct stat st;
    struct dt_place pl = dt_diag_place_file(out);
    if (lstat(out, &st) != 0) {
        if (errno == ENOENT)
            return DT_OK;
        return dt_diag_fail(d, &pl, DT_ERR_IO, "cannot inspect the output directory: %s",
                       strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return dt_diag_fail(d, &pl, DT_ERR_INPUT,
                       "the output directory is a symbolic link; give the real path");
    if (!S_ISDIR(st.st_mode))
        return dt_diag_fail(d, &pl, DT_ERR_INPUT, "the output path exists and is not a directory");
    size_t n = strlen(out) + 16;
    char *manifest = malloc(n);
    if (!manifest)
        return DT_ERR_NOMEM;
    snprintf(manifest, n, "%s/manifest.json", out);
    bool ok = access(manifest, F_OK) == 0 || dir_is_empty(out);
    free(manifest);
    if (!ok)
        return dt_diag_fail(d, &pl, DT_ERR_INPUT,
                       "refusing to replace this directory: it is not empty and has no "
                       "manifest.json, so it is not the output of a previous build");
    return DT_OK;
}

static enum dt_err write_all(int fd, struct dt_slice data)
{
    size_t off = 0;
    while (off < data.n) {
        ssize_t w = write(fd, data.p + off, data.n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return DT_ERR_IO;
        }
        off += (size_t)w;
    }
    return DT_OK;
}

static enum dt_err fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return DT_ERR_IO;
    int r = fsync(fd);
    close(fd);
    return r == 0 ? DT_OK : DT_ERR_IO;
}

/* Creates the parent directories of name inside root. */
static enum dt_err make_parents(const char *root, const char *name, mode_t mode)
{
    const char *p = name;
    while ((p = strchr(p, '/')) != NULL) {
        size_t n = strlen(root) + (size_t)(p - name) + 2;
        char *dir = malloc(n);
        if (!dir)
            return DT_ERR_NOMEM;
        snprintf(dir, n, "%s/%.*s", root, (int)(p - name), name);
        int r = mkdir(dir, mode);
        int e = errno;
        free(dir);
        if (r != 0 && e != EEXIST)
            return DT_ERR_IO;
        p++;
    }
    return DT_OK;
}

/* Leftovers of builds killed before they could clean up: temporary and
 * previous-release directories beside OUT that no live build holds (each
 * build keeps an exclusive lock on its own for as long as it runs) and that
 * are more than a minute old (a build between creating its directory and
 * locking it is never touched). */
static void sweep_leftovers(const char *parent, const char *base, struct dt_diags *d)
{
    DIR *dir = opendir(parent);
    if (!dir)
        return;
    char tmp_prefix[300], old_prefix[300];
    snprintf(tmp_prefix, sizeof(tmp_prefix), ".%s.tmp-", base);
    snprintf(old_prefix, sizeof(old_prefix), ".%s.old-", base);
    size_t tl = strlen(tmp_prefix), ol = strlen(old_prefix);
    struct dirent *de;
    time_t now = time(NULL);
    while ((de = readdir(dir)) != NULL) {
        if (strncmp(de->d_name, tmp_prefix, tl) && strncmp(de->d_name, old_prefix, ol))
            continue;
        size_t pn = strlen(parent) + strlen(de->d_name) + 2;
        char *path = malloc(pn);
        if (!path)
            break;
        snprintf(path, pn, "%s/%s", parent, de->d_name);
        struct stat st;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) == 0 && now - st.st_mtime > 60 &&
            flock(fd, LOCK_EX | LOCK_NB) == 0) {
            dt_file_rm_tree(path);
            struct dt_place pl = dt_diag_place_file(path);
            dt_diag_note(d, &pl, "removed what an interrupted build left beside the output");
        }
        if (fd >= 0)
            close(fd);
        free(path);
    }
    closedir(dir);
}

/* Holds an exclusive lock on a directory for as long as fd is open. */
static int lock_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

enum dt_err dt_outdir_replace(const char *out_arg, const struct dt_outfile *files, size_t n,
                              struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    char *out = NULL, *tmp = NULL, *parent = NULL, *old = NULL;
    bool tmp_made = false;
    int tmp_lock = -1, old_lock = -1;
    struct dt_place pl = dt_diag_place_file(out_arg);

    out = dt_mem_strdup(out_arg);
    DT_ENSURE_MEM(out);
    size_t len = strlen(out);
    while (len > 1 && out[len - 1] == '/')
        out[--len] = '\0';
    DT_TRY(dt_outdir_check(out, d));

    const char *slash = strrchr(out, '/');
    parent = slash ? (slash == out ? dt_mem_strdup("/") : dt_mem_strndup(out, (size_t)(slash - out)))
                   : dt_mem_strdup(".");
    DT_ENSURE_MEM(parent);
    const char *base = slash ? slash + 1 : out;
    size_t tn = strlen(parent) + strlen(base) + 32;
    tmp = malloc(tn);
    DT_ENSURE_MEM(tmp);
    snprintf(tmp, tn, "%s/.%s.tmp-XXXXXX", parent, base);
    sweep_leftovers(parent, base, d);
    if (!mkdtemp(tmp)) {
        rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot create a temporary directory beside it: %s",
                     strerror(errno));
        goto out;
    }
    tmp_made = true;
    tmp_lock = lock_dir(tmp);
    mode_t um = umask(0);
    umask(um);
    mode_t dmode = 0777 & ~um;
    if (chmod(tmp, dmode) != 0) {
        rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot set permissions: %s", strerror(errno));
        goto out;
    }

    for (size_t i = 0; i < n; i++) {
        size_t fnl = strlen(tmp) + strlen(files[i].name) + 2;
        char *fn = malloc(fnl);
        DT_ENSURE_MEM(fn);
        snprintf(fn, fnl, "%s/%s", tmp, files[i].name);
        enum dt_err frc = make_parents(tmp, files[i].name, dmode);
        int fd = frc == DT_OK ? open(fn, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                                     files[i].executable ? 0777 : 0666)
                              : -1;
        if (fd < 0 || write_all(fd, files[i].data) != DT_OK || fsync(fd) != 0) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            free(fn);
            rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot write %s: %s", files[i].name, strerror(e));
            goto out;
        }
        if (close(fd) != 0) {
            int e = errno;
            free(fn);
            rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot write %s: %s", files[i].name, strerror(e));
            goto out;
        }
        free(fn);
    }
    if (fsync_path(tmp) != DT_OK) {
        rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot sync the new output: %s", strerror(errno));
        goto out;
    }

    struct stat st;
    if (lstat(out, &st) == 0) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
            /* tmp now holds the previous build. */
            dt_file_rm_tree(tmp);
            tmp_made = false;
        } else if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) {
            /* No atomic exchange on this file system: two renames. */
            size_t on = strlen(parent) + strlen(base) + 32;
            old = malloc(on);
            DT_ENSURE_MEM(old);
            snprintf(old, on, "%s/.%s.old-XXXXXX", parent, base);
            if (!mkdtemp(old) || (old_lock = lock_dir(old), rename(out, old) != 0)) {
                rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot move the previous output aside: %s",
                             strerror(errno));
                goto out;
            }
            if (rename(tmp, out) != 0) {
                int e = errno;
                (void)rename(old, out);
                rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot move the new output in place: %s",
                             strerror(e));
                goto out;
            }
            tmp_made = false;
            dt_file_rm_tree(old);
        } else {
            rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot replace the output directory: %s",
                         strerror(errno));
            goto out;
        }
    } else {
        if (rename(tmp, out) != 0) {
            rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot move the new output in place: %s",
                         strerror(errno));
            goto out;
        }
        tmp_made = false;
    }
    (void)fsync_path(parent);
out:
    if (tmp_made)
        dt_file_rm_tree(tmp);
    if (tmp_lock >= 0)
        close(tmp_lock);
    if (old_lock >= 0)
        close(old_lock);
    free(out);
    free(tmp);
    free(parent);
    free(old);
    return rc;
}

void dt_outdir_list_init(struct dt_outlist *l)
{
    memset(l, 0, sizeof(*l));
}

enum dt_err dt_outdir_list_add(struct dt_outlist *l, const char *name, struct dt_buf *data)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct dt_outfile *f = realloc(l->files, cap * sizeof(*f));
        if (!f)
            return DT_ERR_NOMEM;
        l->files = f;
        struct dt_buf *b = realloc(l->bufs, cap * sizeof(*b));
        if (!b)
            return DT_ERR_NOMEM;
        l->bufs = b;
        l->cap = cap;
    }
    memset(&l->files[l->n], 0, sizeof(l->files[l->n]));
    l->files[l->n].name = dt_mem_strdup(name);
    if (!l->files[l->n].name)
        return DT_ERR_NOMEM;
    l->bufs[l->n] = *data; /* ownership moves; the bytes do not */
    l->files[l->n].data = dt_slice_make(data->data, data->len);
    dt_buf_init(data, 0);
    l->n++;
    return DT_OK;
}

enum dt_err dt_outdir_list_add_copy(struct dt_outlist *l, const char *name, struct dt_slice data)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    enum dt_err rc = dt_buf_append(&b, data.p, data.n);
    if (rc == DT_OK)
        rc = dt_outdir_list_add(l, name, &b);
    dt_buf_free(&b);
    return rc;
}

void dt_outdir_list_free(struct dt_outlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->files[i].name);
        dt_buf_free(&l->bufs[i]);
    }
    free(l->files);
    free(l->bufs);
    memset(l, 0, sizeof(*l));
}
