/*
 * serials.h - serial lists (serials_file): one serial per line, '#'
 * comments, blank lines skipped. Streams the file, so lists of millions of
 * serials never sit in memory as text.
 */
#ifndef DT_SERIALS_H
#define DT_SERIALS_H

#include "buf.h"
#include "diag.h"

/* How a typed serial is read (serial_format). */
enum dt_serial_format {
    DT_SERIAL_DER = 0,      /* DER INTEGER contents; a first octet >= 0x80 is refused */
    DT_SERIAL_INTEGER,      /* the positive integer in hex, as openssl x509 -serial prints it */
    DT_SERIAL_DER_NEGATIVE, /* DER contents exactly, negative serials allowed */
};


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

void dt_serials_pad_hint(const char *s, size_t n, char *out, size_t cap);

/* Decodes a typed serial (hex, colons optional) under a serial_format.
 * Returns NULL on success with the contents in out, else a reason and the
 * 1-based column (dt_mem_why_nomem when memory ran out: not a reason about
 * the serial). *warn gets a warning text (or NULL) for non-minimal,
 * negative or over-20-octet serials, which are still accepted. */
const char *dt_serials_decode(const char *s, size_t n, enum dt_serial_format fmt, struct dt_buf *out,
                             size_t *col, const char **warn);

/* The reason dt_serials_decode gives for an unpadded high-bit serial, and
 * the hint that says how to write it instead (into out). */
extern const char dt_serials_err_high_bit[];

#endif
