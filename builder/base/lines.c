/*
 * lines.c - the streaming line reader (serial lists), with a running
 * SHA-256 of the bytes read. Kept apart from io.c so that code without
 * OpenSSL (the PKCS#11 module) can use io.c.
 */
#include "file.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINES_CHUNK ((size_t)1 << 16)

/* The running SHA-256 failed: the cause for dt_err_cause(). */
static enum dt_err sha256_failed(void)
{
    dt_err_cause_set("SHA-256 is not available from OpenSSL (check the providers it loads: "
                     "OPENSSL_CONF)");
    return DT_ERR_INTERNAL;
}

enum dt_err dt_lines_open(struct dt_lines *lr, const char *path, size_t max_line,
                          struct dt_diags *d, const struct dt_place *ref)
{
    memset(lr, 0, sizeof(*lr));
    lr->path = path;
    lr->max_line = max_line;
    dt_buf_init(&lr->line, max_line + 8);
    int fd;
    struct stat st;
    if (dt_file_open_input(path, &fd, &st, d, ref) != DT_OK) {
        dt_lines_close(lr);
        return DT_ERR_INPUT;
    }
    lr->size = (uint64_t)st.st_size;
    lr->f = fdopen(fd, "rb");
    if (!lr->f) {
        close(fd);
        dt_lines_close(lr);
        return DT_ERR_NOMEM;
    }
    lr->chunk = dt_mem_alloc(LINES_CHUNK);
    lr->sha = EVP_MD_CTX_new();
    if (!lr->chunk || !lr->sha) {
        dt_lines_close(lr);
        return DT_ERR_NOMEM;
    }
    if (!EVP_DigestInit_ex(lr->sha, EVP_sha256(), NULL)) {
        dt_lines_close(lr);
        return sha256_failed();
    }
    return DT_OK;
}

enum dt_err dt_lines_next(struct dt_lines *lr, const char **s, size_t *n, bool *eof,
                          struct dt_diags *d)
{
    dt_buf_reset(&lr->line);
    *eof = false;
    bool any = false;
    bool too_long = false;
    for (;;) {
        if (lr->chunk_pos == lr->chunk_len) {
            lr->chunk_len = fread(lr->chunk, 1, LINES_CHUNK, lr->f);
            lr->chunk_pos = 0;
            if (lr->chunk_len == 0) {
                if (ferror(lr->f)) {
                    struct dt_place pl = dt_diag_place_file(lr->path);
                    dt_diag_report(d, DT_ERROR, &pl, "cannot read: %s", strerror(errno ? errno : EIO));
                    return DT_ERR_INPUT;
                }
                break;
            }
            if (!lr->sha_failed && !EVP_DigestUpdate(lr->sha, lr->chunk, lr->chunk_len))
                lr->sha_failed = true; /* said by dt_lines_sha256 */
        }
        const uint8_t *start = lr->chunk + lr->chunk_pos;
        size_t avail = lr->chunk_len - lr->chunk_pos;
        const uint8_t *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        any = true;
        /* Keep up to max_line + 1 bytes: a CR before the newline does not
         * count against the cap, and the excess is kept for the echo. */
        size_t room = lr->max_line + 1 > lr->line.len ? lr->max_line + 1 - lr->line.len : 0;
        size_t keep = take < room ? take : room;
        if (keep && dt_buf_append(&lr->line, start, keep) != DT_OK)
            return DT_ERR_NOMEM;
        if (take > keep)
            too_long = true;
        lr->chunk_pos += take + (nl ? 1 : 0);
        lr->bytes += take + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (!any) {
        *eof = true;
        *s = "";
        *n = 0;
        return DT_OK;
    }
    lr->lineno++;
    if (!too_long && lr->line.len && lr->line.data[lr->line.len - 1] == '\r')
        lr->line.len--;
    if (too_long || lr->line.len > lr->max_line) {
        /* Echo the start of the line; the column is the first byte past the cap. */
        char echo[100];
        size_t k = lr->line.len < 80 ? lr->line.len : 80;
        memcpy(echo, lr->line.data, k);
        memcpy(echo + k, "...", 4);
        for (size_t i = 0; i < k; i++)
            if (echo[i] == '\0')
                echo[i] = ' ';
        struct dt_place pl = {lr->path, (unsigned)lr->lineno, (unsigned)lr->max_line + 1, NULL,
                              echo};
        dt_diag_report(d, DT_ERROR, &pl, "line is longer than the %zu-byte limit", lr->max_line);
        return DT_ERR_LIMIT;
    }
    const char *str = dt_buf_cstr(&lr->line);
    if (!str)
        return DT_ERR_NOMEM;
    *s = str;
    *n = lr->line.len;
    return DT_OK;
}

enum dt_err dt_lines_sha256(struct dt_lines *lr, uint8_t out[32])
{
    unsigned int len = 0;
    uint8_t d[EVP_MAX_MD_SIZE];
    if (!lr->sha || lr->sha_failed || !EVP_DigestFinal_ex(lr->sha, d, &len) || len != 32)
        return sha256_failed();
    memcpy(out, d, 32);
    return DT_OK;
}

void dt_lines_close(struct dt_lines *lr)
{
    if (lr->f)
        fclose(lr->f);
    lr->f = NULL;
    EVP_MD_CTX_free(lr->sha);
    lr->sha = NULL;
    free(lr->chunk);
    lr->chunk = NULL;
    dt_buf_free(&lr->line);
}
