/*
 * serials.c - serial list reader.
 */
#include "serials.h"

#include "der.h"
#include "hex.h"

#include "caps.h"
#include "file.h"

#include <string.h>

#define MAX_ERRORS_PER_FILE 20
#define MAX_SAME_WARNINGS 5

struct warn_count {
    const char *text;
    size_t count;
};

/* A serial list's SHA-256 that OpenSSL could not compute (DT_ERR_INTERNAL
 * from the line reader) is an error at the file, with its cause; rc passes
 * through. */
static enum dt_err sha256_failed(struct dt_diags *d, const char *path, enum dt_err rc)
{
    if (rc == DT_ERR_INTERNAL) {
        struct dt_place pl = dt_diag_place_file(path);
        dt_diag_report(d, DT_ERROR, &pl, "%s: the outputs record every serial list's SHA-256",
                       dt_err_cause() ? dt_err_cause() : "OpenSSL cannot compute SHA-256");
    }
    return rc;
}

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

    DT_TRY(sha256_failed(d, path, dt_lines_open(&lr, path, DT_MAX_SERIAL_LINE, d, ref)));
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
        /* serials read so far (how many the file holds is not known) */
        if (progress && (lr.lineno & 0xffff) == 0)
            progress("reading serials", res->serials, 0, progress_ctx);
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
        DT_ENSURE(why != dt_mem_why_nomem, DT_ERR_NOMEM);
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
    DT_TRY(sha256_failed(d, path, dt_lines_sha256(&lr, res->sha256)));
    if (progress)
        progress("reading serials", res->serials, res->serials, progress_ctx);
out:
    if (opened)
        dt_lines_close(&lr);
    dt_buf_free(&serial);
    return rc;
}

/* The fix for dt_serials_err_high_bit, as a hint appended to the message. */
void dt_serials_pad_hint(const char *s, size_t n, char *out, size_t cap)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    bool colons = memchr(s, ':', n) != NULL;
    snprintf(out, cap,
             "; write \"%s%.*s\" (or set \"serial_format\": \"integer\" for serials "
             "printed as numbers, or \"der-negative\" if the certificate really carries a "
             "negative serial)",
             colons ? "00:" : "00", (int)(n < 200 ? n : 200), s);
}

/* The reason for a failed append to a buffer: the caps below are never hit
 * by a serial that passed the length check, so it is memory. */
static const char *append_failed(enum dt_err rc)
{
    return rc == DT_ERR_NOMEM ? dt_mem_why_nomem : "serial longer than 64 octets";
}

const char *dt_serials_decode(const char *s, size_t n, enum dt_serial_format fmt, struct dt_buf *out,
                             size_t *col, const char **warn)
{
    *warn = NULL;
    *col = 0;
    size_t lead = 0;
    while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    while (n > lead && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    s += lead;
    n -= lead;
    if (n == 0) {
        *col = lead + 1;
        return "empty serial";
    }
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        *col = lead + 1;
        return "write the serial as plain hex, without 0x";
    }
    size_t start = out->len;
    const char *why;
    size_t ndigits = 0;
    for (size_t i = 0; i < n; i++)
        ndigits += s[i] != ':';
    if (ndigits > 2 * DT_MAX_SERIAL_OCTETS + 2 ||
        (fmt != DT_SERIAL_INTEGER && ndigits > 2 * DT_MAX_SERIAL_OCTETS)) {
        *col = lead + 1;
        return "serial longer than 64 octets";
    }
    if (fmt == DT_SERIAL_INTEGER) {
        /* A non-negative integer in hex, any number of digits and leading
         * zeros; colons are ignored. */
        struct dt_buf digits;
        dt_buf_init(&digits, 4 * DT_MAX_SERIAL_OCTETS + 8);
        for (size_t i = 0; i < n; i++) {
            if (s[i] == ':')
                continue;
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
                  (s[i] >= 'A' && s[i] <= 'F'))) {
                dt_buf_free(&digits);
                *col = lead + i + 1;
                return "not a hex digit";
            }
            if (digits.len == 0 && s[i] == '0')
                continue;
            enum dt_err prc = dt_buf_putc(&digits, s[i]);
            if (prc != DT_OK) {
                dt_buf_free(&digits);
                *col = lead + 1;
                return append_failed(prc);
            }
        }
        /* Left-pad to whole octets, then add the sign octet if needed. */
        struct dt_buf padded;
        dt_buf_init(&padded, 4 * DT_MAX_SERIAL_OCTETS + 8);
        enum dt_err prc = DT_OK;
        if (digits.len == 0)
            prc = dt_buf_puts(&padded, "00");
        else if (digits.len % 2)
            prc = dt_buf_putc(&padded, '0');
        if (prc == DT_OK)
            prc = dt_buf_append(&padded, digits.data, digits.len);
        size_t c;
        why = prc == DT_OK ? dt_hex_decode((const char *)padded.data, padded.len, out, &c)
                           : append_failed(prc);
        dt_buf_free(&digits);
        dt_buf_free(&padded);
        if (why) {
            *col = lead + 1;
            return why;
        }
        if (out->data[start] & 0x80) {
            uint8_t zero = 0;
            enum dt_err zrc = dt_buf_append(out, &zero, 1);
            if (zrc != DT_OK) {
                *col = lead + 1;
                return append_failed(zrc);
            }
            memmove(out->data + start + 1, out->data + start, out->len - start - 1);
            out->data[start] = 0;
        }
    } else {
        size_t c;
        why = dt_hex_decode(s, n, out, &c);
        if (why) {
            *col = lead + c;
            return why;
        }
    }
    struct dt_slice v = dt_slice_make(out->data + start, out->len - start);
    *col = lead + 1;
    if (v.n > DT_MAX_SERIAL_OCTETS)
        return "serial longer than 64 octets";
    if (fmt == DT_SERIAL_DER && dt_der_int_is_negative(v))
        return dt_serials_err_high_bit;
    if (!dt_der_int_is_minimal(v))
        *warn = "serial is not a minimal DER INTEGER (a redundant leading 00 or ff "
                "octet); it is emitted exactly as typed, so it matches only a "
                "certificate that carries these exact bytes";
    else if (dt_der_int_is_negative(v))
        *warn = "serial is negative (RFC 5280 requires positive serials); it is emitted "
                "exactly as typed";
    else if (v.n > DT_WARN_SERIAL_OCTETS)
        *warn = "serial is longer than the 20 octets RFC 5280 allows; it is emitted "
                "exactly as typed";
    return NULL;
}

/* ---- typed serials (policy "serial", serials_file lines) ------------------ */

const char dt_serials_err_high_bit[] =
    "the first octet has its high bit set, so as DER INTEGER contents this is a "
    "negative number; a certificate whose serial is this positive number stores it "
    "with a 00 octet in front, and NSS would never match the entry as typed";

