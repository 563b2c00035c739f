/*
 * diag.c - diagnostics sink.
 */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>

#define MSG_MAX 2048

void dt_diag_init(struct dt_diags *d, dt_diag_fn fn, void *ctx)
{
    d->fn = fn;
    d->ctx = ctx;
    d->errors = d->warnings = d->notes = 0;
}

void dt_diag_vreport(struct dt_diags *d, enum dt_severity sev, const struct dt_place *pl,
                const char *fmt, va_list ap)
{
    char msg[MSG_MAX];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (sev == DT_ERROR)
        d->errors++;
    else if (sev == DT_WARNING)
        d->warnings++;
    else
        d->notes++;
    if (!d->fn)
        return;
    struct dt_diag diag = {sev, NULL, 0, 0, NULL, NULL, msg};
    if (pl) {
        diag.file = pl->file;
        diag.line = pl->line;
        diag.col = pl->col;
        diag.json_path = pl->json_path;
        diag.source_line = pl->source_line;
    }
    d->fn(&diag, d->ctx);
}

void dt_diag_report(struct dt_diags *d, enum dt_severity sev, const struct dt_place *pl, const char *fmt,
               ...)
{
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(d, sev, pl, fmt, ap);
    va_end(ap);
}

enum dt_err dt_diag_fail(struct dt_diags *d, const struct dt_place *pl, enum dt_err code,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(d, DT_ERROR, pl, fmt, ap);
    va_end(ap);
    return code;
}

void dt_diag_warn(struct dt_diags *d, const struct dt_place *pl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(d, DT_WARNING, pl, fmt, ap);
    va_end(ap);
}

void dt_diag_note(struct dt_diags *d, const struct dt_place *pl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(d, DT_NOTE, pl, fmt, ap);
    va_end(ap);
}
