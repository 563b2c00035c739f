/*
 * serials.c - serial list reader.
 */
#include "serials.h"

#include "caps.h"
#include "file.h"

#include <string.h>

#define MAX_ERRORS_PER_FILE 20
#define MAX_SAME_WARNINGS 5

struct warn_count {
    const char *text;
    size_t count;
};

enum dt_err dt_serials_read(const char *path, enum dt_serial_format fmt, struct dt_diags *d,
                            const struct dt_place *ref, dt_serial_fn fn, void *ctx,
                            dt_progress_fn progress, void *progress_ctx,
                            struct dt_serials_result *res)
{
    enum dt_err rc = DT_OK;
    struct dt_lines lr;
    struct dt_buf serial;
    struct warn_count warns[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
    bool opened = false;
    memset(res, 0, sizeof(*res));
    dt_buf_init(&serial, DT_MAX_SERIAL_OCTETS + 8);

    DT_TRY(dt_lines_open(&lr, path, DT_MAX_SERIAL_LINE, d, ref));
    opened = true;
    for (;;) {
        const char *s;
        size_t n;
        bool eof;
        rc = dt_lines_next(&lr, &s, &n, &eof, d);
        if (rc == DT_ERR_LIMIT) {
            rc = DT_OK;
            if (++res->errors >= MAX_ERRORS_PER_FILE)
                break;
            continue;
        }
        DT_TRY(rc);
        if (eof)
            break;
        if (progress && (lr.lineno & 0xffff) == 0)
            progress("reading serials", lr.bytes, lr.size, progress_ctx);
        if (lr.lineno == 1 && dt_file_starts_with_bom(s, n)) {
            struct dt_place pl = {path, 1, 1, NULL, s};
            dt_diag_report(d, DT_ERROR, &pl, "%s", DT_BOM_LINES_MESSAGE);
            res->errors++;
            continue;
        }
        /* A comment runs from '#' to the end of the line. */
        const char *hash = memchr(s, '#', n);
        size_t len = hash ? (size_t)(hash - s) : n;
        size_t k = 0;
        while (k < len && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k == len)
            continue;
        dt_buf_reset(&serial);
        size_t col;
        const char *warn;
        const char *why = dt_serials_decode(s, len, fmt, &serial, &col, &warn);
        struct dt_place pl = {path, (unsigned)lr.lineno, (unsigned)col, NULL, s};
        if (why) {
            char hint[320] = "";
            if (why == dt_serials_err_high_bit)
                dt_serials_pad_hint(s, len, hint, sizeof(hint));
            dt_diag_report(d, DT_ERROR, &pl, "%s%s", why, hint);
            if (++res->errors >= MAX_ERRORS_PER_FILE) {
                struct dt_place fp = dt_diag_place_file(path);
                dt_diag_note(d, &fp, "stopped after %d errors in this file", MAX_ERRORS_PER_FILE);
                break;
            }
            continue;
        }
        if (warn) {
            size_t slot = 0;
            while (slot < 4 && warns[slot].text && warns[slot].text != warn)
                slot++;
            if (slot < 4) {
                warns[slot].text = warn;
                if (warns[slot].count++ < MAX_SAME_WARNINGS)
                    dt_diag_report(d, DT_WARNING, &pl, "%s", warn);
            }
        }
        if (res->errors)
            continue; /* keep checking, stop delivering */
        DT_TRY(fn(ctx, dt_slice_make(serial.data, serial.len), lr.lineno));
        res->serials++;
    }
    for (size_t i = 0; i < 4; i++) {
        if (warns[i].count > MAX_SAME_WARNINGS) {
            struct dt_place fp = dt_diag_place_file(path);
            dt_diag_warn(d, &fp, "%zu more serials in this file with the warning \"%.60s...\"",
                    warns[i].count - MAX_SAME_WARNINGS, warns[i].text);
        }
    }
    if (res->errors) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    dt_lines_sha256(&lr, res->sha256);
    if (progress)
        progress("reading serials", lr.bytes, lr.size, progress_ctx);
out:
    if (opened)
        dt_lines_close(&lr);
    dt_buf_free(&serial);
    return rc;
}
