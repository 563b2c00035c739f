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
    if (dg->severity == DT_WARNING)
        cli->warnings++;
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
    if (!cli->progress_tty || cli->quiet) /* -q: no progress either */
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

const struct cli_exit_row cli_exit_table[] = {
    {EXIT_OK, "success; for a command that checks (verify, lint, verify-signature), every check "
              "passed"},
    {EXIT_INPUT, "input or output: an input missing, unreadable or malformed (its file and line, "
                 "or its JSON path, named), an output that cannot be written, a module or "
                 "library named on the command line that cannot be found or loaded"},
    {EXIT_USAGE, "usage: the command line is wrong (an unknown option, a missing argument, "
                 "options that clash)"},
    {EXIT_MISMATCH, "mismatch: the tool ran and a check failed: a verify case with another "
                    "verdict, or INVALID; a warning under --strict; a bad or missing signature "
                    "(verify-signature, query --verify-key)"},
    {EXIT_INTERNAL, "internal: a bug, out of memory, or a cryptographic algorithm the library "
                    "cannot give (an OpenSSL provider without SHA-256 or MD5)"},
    {130, "interrupted (128 + the signal: 130 SIGINT, 143 SIGTERM, 129 SIGHUP): verify stopped "
          "Firefox and its NSS workers, removed its temporary files, reported no verdict and "
          "died of the signal"},
};
const size_t cli_n_exit_table = sizeof(cli_exit_table) / sizeof(cli_exit_table[0]);

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
    if (err == DT_OK && cli->strict && !cli->strict_in_task && cli->warnings) {
        fprintf(stderr, "%s: error: %zu warning%s and --strict\n", cli->prog, cli->warnings,
                cli->warnings == 1 ? "" : "s");
        return EXIT_MISMATCH;
    }
    return dt_err_exit_code(err);
}

const struct cli_cmd *cli_find_cmd(const char *name)
{
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, name))
            return &cli_cmds[i];
    return NULL;
}

/* "-o, --out DIR" or "    --date TIME" for cmd. */
static void opt_lhs(const struct cli_option *o, unsigned cmd, char *buf, size_t cap)
{
    const char *arg = cli_option_arg(o, cmd);
    if (o->short_name)
        snprintf(buf, cap, "-%c, %s%s%s", o->short_name, o->long_name, arg ? " " : "",
                 arg ? arg : "");
    else
        snprintf(buf, cap, "    %s%s%s", o->long_name, arg ? " " : "", arg ? arg : "");
}

/* "build -o DIR [OPTIONS] POLICY...": the required options spelled out. */
static void synopsis(const struct cli_cmd *cmd, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", cmd->name);
    for (size_t i = 0; i < OPT_COUNT; i++) {
        const struct cli_option *o = &cli_options[i];
        if (!(o->required & cmd->bit))
            continue;
        const char *arg = cli_option_arg(o, cmd->bit);
        size_t len = strlen(buf);
        if (o->short_name)
            snprintf(buf + len, cap - len, " -%c %s", o->short_name, arg ? arg : "");
        else
            snprintf(buf + len, cap - len, " %s %s", o->long_name, arg ? arg : "");
        if (o->repeatable) {
            len = strlen(buf);
            snprintf(buf + len, cap - len, "...");
        }
    }
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, " [OPTIONS]%s%s", cmd->args[0] ? " " : "", cmd->args);
}

/* Prints text wrapped at 79 columns, every line after the first indented
 * by indent columns (the first starts at column start). */
static void wrap(FILE *f, const char *text, size_t start, size_t indent)
{
    size_t col = start;
    const char *p = text;
    while (*p) {
        const char *w = p;
        while (*w && *w != ' ')
            w++;
        size_t wl = (size_t)(w - p);
        if (col > indent && col + 1 + wl > 79) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (p != text) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, wl, f);
        col += wl;
        p = *w ? w + 1 : w;
    }
    fputc('\n', f);
}

void cli_print_help(FILE *f, const struct cli_cmd *cmd)
{
    char syn[512];
    synopsis(cmd, syn, sizeof(syn));
    fprintf(f, "usage: distrust %s\n\n%s\n\noptions:\n", syn, cmd->summary);
    for (size_t i = 0; i < OPT_COUNT; i++) {
        const struct cli_option *o = &cli_options[i];
        if (!(o->cmds & cmd->bit))
            continue;
        char lhs[64];
        opt_lhs(o, cmd->bit, lhs, sizeof(lhs));
        size_t n = 29;
        if (strlen(lhs) > 26)
            fprintf(f, "  %s\n%29s", lhs, "");
        else
            fprintf(f, "  %-26s ", lhs);
        wrap(f, cli_option_help(o, cmd->bit), n, 29);
    }
}

void cli_print_usage(FILE *f)
{
    fprintf(f, "usage: distrust COMMAND [OPTIONS] ARGS...\n\ncommands:\n");
    for (size_t i = 0; i < cli_n_cmds; i++) {
        char syn[512];
        synopsis(&cli_cmds[i], syn, sizeof(syn));
        fprintf(f, "  distrust %s\n", syn);
    }
    fprintf(f, "\nRun 'distrust help COMMAND' (or 'distrust COMMAND --help') for a command's "
               "options,\n'man distrust' for all of them.\n\nexit status:\n");
    for (size_t i = 0; i < cli_n_exit_table; i++) {
        fprintf(f, "  %d  ", cli_exit_table[i].code);
        wrap(f, cli_exit_table[i].text, 5, 5);
    }
}

void cli_deprecated_note(struct cli *cli, const char *cmd, const char *old, const char *now)
{
    cli_progress_done(cli);
    fprintf(stderr, "%s %s: warning: %s is deprecated, use %s\n", cli->prog, cmd, old, now);
}

int cli_eval_time(struct cli *cli, const char *cmd, const char *value, int64_t *t)
{
    if (value) {
        if (!cli_parse_time(value, t)) {
            cli_usage_error(cli, cmd, "--date %s: expected RFC 3339, a date, @SECONDS or now",
                            value);
            return -1;
        }
        return 1;
    }
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde)
        return 0;
    char at[64];
    snprintf(at, sizeof(at), "@%s", sde);
    if (strlen(sde) > 20 || !cli_parse_time(at, t)) {
        cli_usage_error(cli, cmd, "SOURCE_DATE_EPOCH=%s: expected seconds since the epoch", sde);
        return -1;
    }
    return 1;
}

/* The option of cmd spelled a ("--out", "--out=X", "-o", "-oX"); its value
 * glued to it in *glued. OPT_COUNT when there is none. */
static enum cli_opt_id find_opt(const struct cli_cmd *cmd, const char *a, const char **glued,
                                const char **deprecated)
{
    *glued = NULL;
    *deprecated = NULL;
    if (a[1] == '-') {
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        for (size_t k = 0; k < OPT_COUNT; k++)
            if ((cli_options[k].cmds & cmd->bit) && strlen(cli_options[k].long_name) == len &&
                !strncmp(cli_options[k].long_name, a, len)) {
                *glued = eq ? eq + 1 : NULL;
                return (enum cli_opt_id)k;
            }
        for (size_t k = 0; k < cli_n_deprecated; k++)
            if ((cli_deprecated[k].cmds & cmd->bit) &&
                strlen(cli_deprecated[k].spelling) == len &&
                !strncmp(cli_deprecated[k].spelling, a, len)) {
                *glued = eq ? eq + 1 : NULL;
                *deprecated = cli_deprecated[k].spelling;
                return cli_deprecated[k].id;
            }
        return OPT_COUNT;
    }
    for (size_t k = 0; k < OPT_COUNT; k++)
        if ((cli_options[k].cmds & cmd->bit) && cli_options[k].short_name == a[1]) {
            if (a[2] && !cli_options[k].arg)
                return OPT_COUNT;
            *glued = a[2] ? a + 2 : NULL;
            return (enum cli_opt_id)k;
        }
    for (size_t k = 0; k < cli_n_deprecated; k++) {
        const char *sp = cli_deprecated[k].spelling;
        if ((cli_deprecated[k].cmds & cmd->bit) && sp[1] != '-' && sp[1] == a[1]) {
            if (a[2] && !cli_options[cli_deprecated[k].id].arg)
                return OPT_COUNT;
            *glued = a[2] ? a + 2 : NULL;
            *deprecated = sp;
            return cli_deprecated[k].id;
        }
    }
    return OPT_COUNT;
}

int cli_parse(struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv,
              int (*on_opt)(void *ctx, enum cli_opt_id opt, const char *value), void *ctx,
              char ***pos, int *n_pos)
{
    *pos = calloc((size_t)argc + 1, sizeof(char *));
    *n_pos = 0;
    if (!*pos) {
        cli_error(cli, "out of memory");
        return -1;
    }
    bool only_pos = false, seen[OPT_COUNT] = {false};
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
        const char *value, *old;
        enum cli_opt_id id = find_opt(cmd, a, &value, &old);
        if (id == OPT_COUNT) {
            const char *names[OPT_COUNT];
            size_t nn = 0;
            for (size_t k = 0; k < OPT_COUNT; k++)
                if (cli_options[k].cmds & cmd->bit)
                    names[nn++] = cli_options[k].long_name;
            const char *s = a[1] == '-' ? dt_suggest(a, names, nn) : NULL;
            if (s)
                cli_usage_error(cli, cmd->name, "unknown option '%s'; did you mean '%s'?", a, s);
            else
                cli_usage_error(cli, cmd->name, "unknown option '%s'", a);
            return -1;
        }
        const struct cli_option *o = &cli_options[id];
        if (old)
            cli_deprecated_note(cli, cmd->name, old, o->long_name);
        if (value && !o->arg) {
            cli_usage_error(cli, cmd->name, "option %s takes no value", o->long_name);
            return -1;
        }
        if (o->arg && !value) {
            if (i + 1 >= argc) {
                cli_usage_error(cli, cmd->name, "option %s needs a value (%s)", o->long_name,
                                cli_option_arg(o, cmd->bit));
                return -1;
            }
            value = argv[++i];
        }
        if (seen[id] && o->arg && !o->repeatable) {
            cli_usage_error(cli, cmd->name, "option %s given twice", o->long_name);
            return -1;
        }
        seen[id] = true;
        switch (id) {
        case OPT_HELP:
            cli_print_help(stdout, cmd);
            return 1;
        case OPT_VERBOSE:
            cli->verbose++;
            break;
        case OPT_QUIET:
            cli->quiet = true;
            break;
        case OPT_STRICT:
            cli->strict = true;
            break;
        default:
            if (on_opt && on_opt(ctx, id, value) != 0) {
                cli_error(cli, "out of memory");
                return -1;
            }
        }
    }
    for (size_t k = 0; k < OPT_COUNT && cmd->pos_alias && *n_pos == 1; k++)
        if (!strcmp(cli_options[k].long_name, cmd->pos_alias) && !seen[k]) {
            char old[64], now[64];
            snprintf(old, sizeof(old), "%s as an argument", cli_option_arg(&cli_options[k], cmd->bit));
            snprintf(now, sizeof(now), "%s %s", cli_options[k].long_name,
                     cli_option_arg(&cli_options[k], cmd->bit));
            cli_deprecated_note(cli, cmd->name, old, now);
            if (on_opt && on_opt(ctx, (enum cli_opt_id)k, (*pos)[0]) != 0) {
                cli_error(cli, "out of memory");
                return -1;
            }
            seen[k] = true;
            *n_pos = 0;
        }
    for (size_t k = 0; k < OPT_COUNT; k++)
        if ((cli_options[k].required & cmd->bit) && !seen[k]) {
            const struct cli_option *o = &cli_options[k];
            char lhs[64];
            if (o->short_name)
                snprintf(lhs, sizeof(lhs), "-%c %s", o->short_name, cli_option_arg(o, cmd->bit));
            else
                snprintf(lhs, sizeof(lhs), "%s %s", o->long_name, cli_option_arg(o, cmd->bit));
            cli_usage_error(cli, cmd->name, "missing %s", lhs);
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
