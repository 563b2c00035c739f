/*
 * serials.h - serial lists (serials_file): one serial per line, '#'
 * comments, blank lines skipped. Streams the file, so lists of millions of
 * serials never sit in memory as text.
 */
#ifndef DT_SERIALS_H
#define DT_SERIALS_H

#include "policy.h"

/* Called for every serial, in file order. The serial is borrowed until the
 * callback returns. A non-DT_OK return stops reading and is returned. */
typedef enum dt_err (*dt_serial_fn)(void *ctx, struct dt_slice serial, unsigned long line);

struct dt_serials_result {
    size_t serials;     /* passed to the callback */
    size_t errors;      /* bad lines reported */
    uint8_t sha256[32]; /* of the file's bytes, when it was read to the end */
};

/* Reads path (named at ref) under fmt. Every bad line is reported at
 * file:line:column with the line echoed, up to 20; the same warning is shown
 * 5 times, then counted. Returns DT_ERR_INPUT if any line was bad. */
DT_MUST_USE enum dt_err dt_serials_read(const char *path, enum dt_serial_format fmt,
                                        struct dt_diags *d, const struct dt_place *ref,
                                        dt_serial_fn fn, void *ctx, dt_progress_fn progress,
                                        void *progress_ctx, struct dt_serials_result *res);

#endif
