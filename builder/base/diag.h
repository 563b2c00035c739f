/*
 * diag.h - the diagnostics sink every library module reports through.
 *
 * A place says where a problem is: a file, a 1-based line and column, a JSON
 * pointer and the text of the offending line, each optional. The sink counts
 * errors and warnings; callers decide from the counts whether to go on.
 */
#ifndef DT_DIAG_H
#define DT_DIAG_H

#include "common.h"

#include <stdarg.h>

enum dt_severity {
    DT_NOTE = 0,
    DT_WARNING,
    DT_ERROR,
};

/* One diagnostic. All pointers are borrowed and valid only during the
 * callback. file may be NULL (no file involved); line/col are 1-based, 0 when
 * unknown; json_path is a JSON pointer ("/entries/3/serial") or NULL;
 * source_line is the text of the offending line (no newline) or NULL. */
struct dt_diag {
    enum dt_severity severity;
    const char *file;
    unsigned line;
    unsigned col;
    const char *json_path;
    const char *source_line;
    const char *message;
};

/* Diagnostics sink: called once per diagnostic, in order. */
typedef void (*dt_diag_fn)(const struct dt_diag *diag, void *ctx);

/* Progress callback for long steps: phase is a short static string, total is
 * 0 when unknown. Called at most a few times per second. */
typedef void (*dt_progress_fn)(const char *phase, uint64_t done, uint64_t total, void *ctx);

/* Receives one line of a report (the verifier's TAP, build --explain),
 * without a newline. */
typedef void (*dt_line_fn)(const char *line, void *ctx);

struct dt_diags {
    dt_diag_fn fn;
    void *ctx;
    size_t errors;
    size_t warnings;
    size_t notes;
};

struct dt_place {
    const char *file;
    unsigned line;
    unsigned col;
    const char *json_path;
    const char *source_line;
};

void dt_diag_init(struct dt_diags *d, dt_diag_fn fn, void *ctx);

/* Reports one diagnostic. pl may be NULL. */
void dt_diag_report(struct dt_diags *d, enum dt_severity sev, const struct dt_place *pl, const char *fmt,
               ...) DT_PRINTF(4, 5);
void dt_diag_vreport(struct dt_diags *d, enum dt_severity sev, const struct dt_place *pl,
                const char *fmt, va_list ap);

/* Shorthands that also return the error code to propagate. */
DT_MUST_USE enum dt_err dt_diag_fail(struct dt_diags *d, const struct dt_place *pl, enum dt_err code,
                                const char *fmt, ...) DT_PRINTF(4, 5);
void dt_diag_warn(struct dt_diags *d, const struct dt_place *pl, const char *fmt, ...) DT_PRINTF(3, 4);
void dt_diag_note(struct dt_diags *d, const struct dt_place *pl, const char *fmt, ...) DT_PRINTF(3, 4);

/* A place naming only a file. */
static inline struct dt_place dt_diag_place_file(const char *file)
{
    struct dt_place p = {file, 0, 0, NULL, NULL};
    return p;
}

#endif
