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
