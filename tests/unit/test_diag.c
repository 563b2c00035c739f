/* Unit tests: diag.c (the diagnostics sink): counts per severity, the
 * place handed to the sink field by field, long messages cut, a sink
 * without a callback still counting. */
#include "diag.h"
#include "unit.h"

struct seen {
    int calls;
    struct dt_diag last;
    char file[64], path[64], src[64], msg[4096];
};

static void sink(const struct dt_diag *d, void *ctx)
{
    struct seen *s = ctx;
    s->calls++;
    s->last = *d;
    snprintf(s->file, sizeof(s->file), "%s", d->file ? d->file : "(null)");
    snprintf(s->path, sizeof(s->path), "%s", d->json_path ? d->json_path : "(null)");
    snprintf(s->src, sizeof(s->src), "%s", d->source_line ? d->source_line : "(null)");
    snprintf(s->msg, sizeof(s->msg), "%s", d->message);
}

int main(void)
{
    struct dt_diags d;
    struct seen s;
    memset(&s, 0, sizeof(s));
    dt_diag_init(&d, sink, &s);
    CHECK(d.errors == 0 && d.warnings == 0 && d.notes == 0 && d.fn == sink && d.ctx == &s,
          "init: no counts, the sink and its context");
    struct dt_place pl = {"p.json", 3, 14, "/entries/2", "  \"serial\": \"0g\""};
    CHECK(dt_diag_fail(&d, &pl, DT_ERR_LIMIT, "serial %s is %d", "0g", 7) == DT_ERR_LIMIT,
          "fail returns the code it was given");
    CHECK(d.errors == 1 && s.calls == 1 && s.last.severity == DT_ERROR &&
              !strcmp(s.file, "p.json") && s.last.line == 3 && s.last.col == 14 &&
              !strcmp(s.path, "/entries/2") && !strcmp(s.src, "  \"serial\": \"0g\"") &&
              !strcmp(s.msg, "serial 0g is 7"),
          "an error with every field of its place and its formatted message");
    dt_diag_warn(&d, NULL, "w");
    CHECK(d.warnings == 1 && d.errors == 1 && s.last.severity == DT_WARNING &&
              !strcmp(s.file, "(null)") && s.last.line == 0 && s.last.col == 0 &&
              !strcmp(s.path, "(null)") && !strcmp(s.src, "(null)"),
          "a warning without a place: every field empty");
    dt_diag_note(&d, &pl, "n");
    CHECK(d.notes == 1 && s.last.severity == DT_NOTE && s.calls == 3, "a note");
    dt_diag_report(&d, DT_ERROR, NULL, "%s", "r");
    CHECK(d.errors == 2 && s.calls == 4, "report counts as its severity says");
    struct dt_place f = dt_diag_place_file("only.txt");
    CHECK(!strcmp(f.file, "only.txt") && f.line == 0 && f.col == 0 && !f.json_path &&
              !f.source_line,
          "a place naming only a file");

    char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    dt_diag_report(&d, DT_WARNING, NULL, "%s!", big);
    CHECK(strlen(s.msg) == 2047 && s.msg[2046] == 'x', "a message over 2 KiB is cut to 2047 bytes");

    struct dt_diags quiet;
    dt_diag_init(&quiet, NULL, NULL);
    CHECK(dt_diag_fail(&quiet, NULL, DT_ERR_INPUT, "x") == DT_ERR_INPUT && quiet.errors == 1,
          "without a callback: counted, nothing called");
    dt_diag_warn(&quiet, NULL, "y");
    dt_diag_note(&quiet, NULL, "z");
    CHECK(quiet.warnings == 1 && quiet.notes == 1 && s.calls == 5,
          "and warnings and notes too (the other sink untouched)");
    return unit_done();
}
