/*
 * io.c - capped file reading and path helpers.
 */
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void dt_file_report_error(struct dt_diags *d, const struct dt_place *ref, const char *path,
                  const char *what, int err)
{
    struct dt_place pl = ref ? *ref : dt_diag_place_file(path);
    if (ref)
        dt_diag_report(d, DT_ERROR, &pl, "cannot %s %s: %s", what, path, strerror(err));
    else
        dt_diag_report(d, DT_ERROR, &pl, "cannot %s: %s", what, strerror(err));
}

bool dt_file_starts_with_bom(const void *p, size_t n)
{
    return n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0;
}

enum dt_err dt_file_open_regular(const char *path, int *fd, struct stat *st, int *err)
{
    struct stat local;
    struct stat *s = st ? st : &local;
    *fd = -1;
    *err = 0;
    int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (f < 0) {
        *err = errno;
        /* A socket cannot be opened at all (ENXIO): say what it is. */
        if (*err == ENXIO && stat(path, s) == 0 && !S_ISREG(s->st_mode))
            *err = S_ISDIR(s->st_mode) ? EISDIR : 0;
        return DT_ERR_INPUT;
    }
    if (fstat(f, s) != 0) {
        *err = errno;
        close(f);
        return DT_ERR_INPUT;
    }
    if (!S_ISREG(s->st_mode)) {
        *err = S_ISDIR(s->st_mode) ? EISDIR : 0;
        close(f);
        return DT_ERR_INPUT;
    }
    int fl = fcntl(f, F_GETFL);
    if (fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        *err = errno;
        close(f);
        return DT_ERR_INPUT;
    }
    *fd = f;
    return DT_OK;
}

const char *dt_file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "something other than a regular file";
}

const char *dt_file_open_failure(const char *path, int err, const struct stat *st, char *buf, size_t cap)
{
    if (err == 0)
        snprintf(buf, cap, "cannot read %s: it is %s, not a regular file", path,
                 st ? dt_file_kind(st->st_mode) : "something else");
    else if (err == EISDIR)
        snprintf(buf, cap, "cannot read %s: %s", path, strerror(err));
    else
        snprintf(buf, cap, "cannot open %s: %s", path, strerror(err));
    return buf;
}

enum dt_err dt_file_open_input(const char *path, int *fd, struct stat *st, struct dt_diags *d,
                          const struct dt_place *ref)
{
    struct stat local;
    struct stat *s = st ? st : &local;
    int err;
    enum dt_err rc = dt_file_open_regular(path, fd, s, &err);
    if (rc == DT_OK)
        return DT_OK;
    if (err) {
        dt_file_report_error(d, ref, path, err == EISDIR ? "read" : "open", err);
    } else {
        struct dt_place pl = ref ? *ref : dt_diag_place_file(path);
        if (ref)
            dt_diag_report(d, DT_ERROR, &pl, "cannot read %s: it is %s, not a regular file", path,
                      dt_file_kind(s->st_mode));
        else
            dt_diag_report(d, DT_ERROR, &pl, "cannot read: it is %s, not a regular file",
                      dt_file_kind(s->st_mode));
    }
    return rc;
}

enum dt_err dt_file_read(const char *path, size_t max, struct dt_buf *out, struct dt_diags *d,
                         const struct dt_place *ref)
{
    enum dt_err rc = DT_OK;
    int fd = -1;
    struct stat st;
    dt_buf_init(out, max);

    DT_TRY(dt_file_open_input(path, &fd, &st, d, ref));
    if (max && (uint64_t)st.st_size > max) {
        /* Refused before reading: a huge (or sparse) file costs nothing. */
        struct dt_place pl = ref ? *ref : dt_diag_place_file(path);
        dt_diag_report(d, DT_ERROR, &pl,
                  "%s is larger than the %zu-byte limit for this kind of file (%lld bytes)", path,
                  max, (long long)st.st_size);
        rc = DT_ERR_LIMIT;
        goto out;
    }
    for (;;) {
        uint8_t chunk[65536];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            dt_file_report_error(d, ref, path, "read", errno);
            rc = DT_ERR_INPUT;
            goto out;
        }
        if (n == 0)
            break;
        rc = dt_buf_append(out, chunk, (size_t)n);
        if (rc == DT_ERR_LIMIT) {
            struct dt_place pl = ref ? *ref : dt_diag_place_file(path);
            dt_diag_report(d, DT_ERROR, &pl,
                      "%s is larger than the %zu-byte limit for this kind of file", path, max);
            goto out;
        }
        DT_TRY(rc);
    }
out:
    if (fd >= 0)
        close(fd);
    if (rc != DT_OK)
        dt_buf_free(out);
    return rc;
}

/* Removes a directory tree (best effort; used on our own temporaries). */
void dt_file_rm_tree(const char *path)
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
                dt_file_rm_tree(child);
                free(child);
            }
            closedir(dir);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}
