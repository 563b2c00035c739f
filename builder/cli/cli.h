/*
 * cli.h - shared pieces of the command-line tool: the only code that
 * touches stdout, stderr and exit codes.
 */
#ifndef DT_CLI_H
#define DT_CLI_H

#include "common.h"
#include "diag.h"
#include "version.h"

#include <stdbool.h>
#include <stdio.h>

#define EXIT_OK 0
#define EXIT_INPUT 1
#define EXIT_USAGE 2
#define EXIT_MISMATCH 3
#define EXIT_INTERNAL 4

#define DT_ARRAY_LEN_CLI(a) (sizeof(a) / sizeof((a)[0]))

struct cli {
    const char *prog;
    int verbose;
    bool quiet; /* hide notes */
    bool strict;
    bool progress_tty;
    int progress_shown;
};

/* One subcommand. */
struct cli_cmd {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *synopsis;
    const char *summary;
};

/* Diagnostics sink that prints "file:line:col: severity: message" with the
 * offending line and a caret. ctx is a struct cli. */
void cli_diag(const struct dt_diag *diag, void *ctx);
/* Progress on a terminal only (stderr, cli->progress_tty), never with
 * cli->quiet; ctx is a struct cli. */
void cli_progress(const char *phase, uint64_t done, uint64_t total, void *ctx);
/* Clears a progress line if one is shown. */
void cli_progress_done(struct cli *cli);

void cli_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports a usage error and returns EXIT_USAGE. */
int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Maps a library error to an exit code, printing the trace with -v. */
int cli_exit_for(struct cli *cli, enum dt_err err);

/* Writes text into path (stdout when NULL); an error (DT_ERR_IO) names it
 * and says what could not be written. */
struct dt_diags;
enum dt_err cli_write_text(const char *path, const void *text, size_t len, const char *what,
                           struct dt_diags *d);

/* Option table for a subcommand. */
struct cli_opt {
    const char *long_name; /* "--out" */
    char short_name;       /* 'o' or 0 */
    bool takes_arg;
    const char *help;
};

/* Parses argv (after the subcommand name). Calls on_opt(index into opts,
 * value or NULL) for every option and collects positionals into pos[].
 * Handles -v, -q, --strict, -h/--help itself when listed in opts.
 * Returns -1 on a usage error (already reported), 1 after --help, 0 ok. */
int cli_parse(struct cli *cli, const struct cli_cmd *cmd, const struct cli_opt *opts, size_t n_opts,
              int argc, char **argv, int (*on_opt)(void *ctx, size_t opt, const char *value),
              void *ctx, char ***pos, int *n_pos);

/* A growable list of option values (repeatable options). */
struct cli_list {
    const char **v;
    size_t n, cap;
};
/* Appends v; -1 when out of memory. Free l->v with free(). */
int cli_list_push(struct cli_list *l, const char *v);

void cli_print_help(const struct cli_cmd *cmd, const struct cli_opt *opts, size_t n_opts);

/* "now", "@SECONDS", an RFC 3339 date-time or a date (its midnight, UTC). */
bool cli_parse_time(const char *s, int64_t *t);

int cmd_build(struct cli *cli, int argc, char **argv);
int cmd_lint(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_impact(struct cli *cli, int argc, char **argv);
int cmd_sig(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_query(struct cli *cli, int argc, char **argv);
int cmd_diff(struct cli *cli, int argc, char **argv);
int cmd_deadlines(struct cli *cli, int argc, char **argv);
int cmd_emit(struct cli *cli, int argc, char **argv);

extern const struct cli_cmd cli_cmds[];
extern const size_t cli_n_cmds;

#endif
