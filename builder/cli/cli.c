/*
 * cli.c - diagnostics printing, progress, option parsing.
 */
#include "cli.h"

#include "diag.h"
#include "err.h"
#include "suggest.h"
#include "time.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *sev_name(enum dt_severity s)
{
    switch (s) {
    case DT_ERROR:
        return "error";
    case DT_WARNING:
        return "warning";
    default:
        return "note";
    }
}

void cli_progress_done(struct cli *cli)
{
    if (cli->progress_shown) {
        fputs("\r\033[K", stderr);
        cli->progress_shown = 0;
    }
}

void cli_diag(const struct dt_diag *dg, void *ctx)
{
    struct cli *cli = ctx;
    if (dg->severity == DT_NOTE && cli->quiet)
        return;
    cli_progress_done(cli);
    if (dg->file && dg->line && dg->col)
        fprintf(stderr, "%s:%u:%u: ", dg->file, dg->line, dg->col);
    else if (dg->file && dg->line)
        fprintf(stderr, "%s:%u: ", dg->file, dg->line);
    else if (dg->file)
        fprintf(stderr, "%s: ", dg->file);
    else
        fprintf(stderr, "%s: ", cli->prog);
    fprintf(stderr, "%s: ", sev_name(dg->severity));
    if (dg->json_path && dg->json_path[0])
        fprintf(stderr, "%s: ", dg->json_path);
    fprintf(stderr, "%s\n", dg->message);
    if (dg->source_line && dg->source_line[0] && dg->line) {
        fprintf(stderr, "%6u | %s\n", dg->line, dg->source_line);
        unsigned chars = 0;
        for (const unsigned char *p = (const unsigned char *)dg->source_line; *p; p++)
            chars += (*p & 0xc0) != 0x80;
        if (dg->col && dg->col <= chars + 1) {
            fputs("       | ", stderr);
            /* Walk characters (UTF-8 lead bytes) up to the column. */
            unsigned col = 1;
            for (const unsigned char *p = (const unsigned char *)dg->source_line;
                 *p && col < dg->col; p++) {
                if ((*p & 0xc0) == 0x80)
                    continue;
                fputc(*p == '\t' ? '\t' : ' ', stderr);
                col++;
            }
            fputs("^\n", stderr);
        }
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_progress(const char *phase, uint64_t done, uint64_t total, void *ctx)
{
    struct cli *cli = ctx;
    static double last;
    if (!cli->progress_tty || cli->quiet) /* a terminal only, and never under -q */
        return;
    double t = now_s();
    if (t - last < 0.2 && done != total)
        return;
    last = t;
    if (total)
        fprintf(stderr, "\r\033[K%s: %llu/%llu (%.0f%%)", phase, (unsigned long long)done,
                (unsigned long long)total, 100.0 * (double)done / (double)total);
    else
        fprintf(stderr, "\r\033[K%s: %llu", phase, (unsigned long long)done);
    cli->progress_shown = 1;
}

void cli_error(struct cli *cli, const char *fmt, ...)
{
    va_list ap;
    cli_progress_done(cli);
    fprintf(stderr, "%s: error: ", cli->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s%s%s: ", cli->prog, cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s %s%s--help' for more information.\n", cli->prog, cmd ? cmd : "",
            cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_exit_for(struct cli *cli, enum dt_err err)
{
    cli_progress_done(cli);
    if (err != DT_OK && cli->verbose && dt_err_trace()[0])
        fprintf(stderr, "%s: trace: %s (%s)\n", cli->prog, dt_err_trace(), dt_err_str(err));
    if (err == DT_ERR_NOMEM || err == DT_ERR_INTERNAL) {
        const char *cause = dt_err_cause();
        fprintf(stderr, "%s: error: %s%s%s\n", cli->prog, dt_err_str(err), cause ? ": " : "",
                cause ? cause : "");
    }
    return dt_err_exit_code(err);
}

void cli_print_help(const struct cli_cmd *cmd, const struct cli_opt *opts, size_t n_opts)
{
    printf("usage: distrust %s\n\n%s\n\noptions:\n", cmd->synopsis, cmd->summary);
    for (size_t i = 0; i < n_opts; i++) {
        char lhs[48];
        if (opts[i].short_name)
            snprintf(lhs, sizeof(lhs), "-%c, %s%s", opts[i].short_name, opts[i].long_name,
                     opts[i].takes_arg ? " ARG" : "");
        else
            snprintf(lhs, sizeof(lhs), "    %s%s", opts[i].long_name,
                     opts[i].takes_arg ? " ARG" : "");
        printf("  %-24s %s\n", lhs, opts[i].help);
    }
}

static int common_opt(struct cli *cli, const char *name)
{
    if (!strcmp(name, "--verbose")) {
        cli->verbose++;
        return 1;
    }
    if (!strcmp(name, "--quiet")) {
        cli->quiet = true;
        return 1;
    }
    if (!strcmp(name, "--strict")) {
        cli->strict = true;
        return 1;
    }
    return 0;
}

int cli_parse(struct cli *cli, const struct cli_cmd *cmd, const struct cli_opt *opts, size_t n_opts,
              int argc, char **argv, int (*on_opt)(void *ctx, size_t opt, const char *value),
              void *ctx, char ***pos, int *n_pos)
{
    *pos = calloc((size_t)argc + 1, sizeof(char *));
    *n_pos = 0;
    if (!*pos) {
        cli_error(cli, "out of memory");
        return -1;
    }
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            (*pos)[(*n_pos)++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
            only_pos = true;
            continue;
        }
        size_t found = n_opts;
        const char *value = NULL;
        if (a[1] == '-') {
            const char *eq = strchr(a, '=');
            size_t len = eq ? (size_t)(eq - a) : strlen(a);
            for (size_t k = 0; k < n_opts; k++)
                if (strlen(opts[k].long_name) == len && !strncmp(opts[k].long_name, a, len))
                    found = k;
            if (found < n_opts && eq) {
                if (!opts[found].takes_arg) {
                    cli_usage_error(cli, cmd->name, "option %.*s takes no value", (int)len, a);
                    return -1;
                }
                value = eq + 1;
            }
        } else {
            if (a[2] != '\0') {
                /* -oOUT */
                for (size_t k = 0; k < n_opts; k++)
                    if (opts[k].short_name == a[1] && opts[k].takes_arg) {
                        found = k;
                        value = a + 2;
                    }
            } else {
                for (size_t k = 0; k < n_opts; k++)
                    if (opts[k].short_name == a[1])
                        found = k;
            }
        }
        if (found == n_opts) {
            const char *names[64];
            size_t nn = 0;
            for (size_t k = 0; k < n_opts && nn < 64; k++)
                names[nn++] = opts[k].long_name;
            const char *s = a[1] == '-' ? dt_suggest(a, names, nn) : NULL;
            if (s)
                cli_usage_error(cli, cmd->name, "unknown option '%s'; did you mean '%s'?", a, s);
            else
                cli_usage_error(cli, cmd->name, "unknown option '%s'", a);
            return -1;
        }
        if (opts[found].takes_arg && !value) {
            if (i + 1 >= argc) {
                cli_usage_error(cli, cmd->name, "option %s needs a value", opts[found].long_name);
                return -1;
            }
            value = argv[++i];
        }
        if (!strcmp(opts[found].long_name, "--help")) {
            cli_print_help(cmd, opts, n_opts);
            return 1;
        }
        if (common_opt(cli, opts[found].long_name))
            continue;
        if (on_opt && on_opt(ctx, found, value) != 0)
            return -1;
    }
    return 0;
}

int cli_list_push(struct cli_list *l, const char *v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        const char **nv = realloc(l->v, cap * sizeof(*nv));
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return 0;
}

bool cli_parse_time(const char *s, int64_t *t)
{
    bool frac;
    if (!strcmp(s, "now")) {
        *t = (int64_t)time(NULL);
        return true;
    }
    if (s[0] == '@' && s[1]) { /* seconds since the epoch, as date(1) writes them */
        char *end;
        long long v = strtoll(s + 1, &end, 10);
        if (*end || v < 0)
            return false;
        *t = (int64_t)v;
        return true;
    }
    if (!dt_time_parse_rfc3339(s, t, &frac))
        return true;
    char buf[64];
    if (strlen(s) != 10)
        return false;
    snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
    return !dt_time_parse_rfc3339(buf, t, &frac);
}

enum dt_err cli_write_text(const char *path, const void *text, size_t len, const char *what,
                           struct dt_diags *d)
{
    FILE *f = path ? fopen(path, "w") : stdout;
    bool ok = f && fwrite(text, 1, len, f) == len;
    if (path && f)
        ok = fclose(f) == 0 && ok;
    else if (f)
        ok = fflush(f) == 0 && ok;
    if (ok)
        return DT_OK;
    struct dt_place pl = dt_diag_place_file(path ? path : "(stdout)");
    return dt_diag_fail(d, &pl, DT_ERR_IO, "cannot write %s", what);
}
