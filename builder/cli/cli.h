/*
 * cli.h - shared pieces of the command-line tool: the only code that
 * touches stdout, stderr and exit codes.
 */
#ifndef DT_CLI_H
#define DT_CLI_H

#include "common.h"
#include "diag.h"
#include "options.h"
#include "version.h"

#include <stdbool.h>
#include <stdio.h>

/* The exit codes, one table for every command (the man page's EXIT STATUS,
 * printed from cli_exit_table): */
#define EXIT_OK 0       /* success; for a check, every check passed */
#define EXIT_INPUT 1    /* an input missing, unreadable or malformed, an output
                         * that cannot be written, a module the user named that
                         * cannot be found or loaded */
#define EXIT_USAGE 2    /* the command line is wrong */
#define EXIT_MISMATCH 3 /* the tool ran and a check failed (verify, --strict
                         * warnings, a bad or missing signature) */
#define EXIT_INTERNAL 4 /* a bug, out of memory, or the crypto library cannot
                         * give a required algorithm */

struct cli_exit_row {
    int code;
    const char *text;
};
extern const struct cli_exit_row cli_exit_table[];
extern const size_t cli_n_exit_table;

#define DT_ARRAY_LEN_CLI(a) (sizeof(a) / sizeof((a)[0]))

struct cli {
    const char *prog;
    int verbose;
    bool quiet; /* hide notes */
    bool strict;
    bool progress_tty;
    int progress_shown;
    size_t warnings;      /* warnings cli_diag printed */
    bool strict_in_task;  /* the task applies --strict itself (DT_ERR_STRICT);
                           * otherwise cli_exit_for does, from warnings */
};

/* One subcommand. */
struct cli_cmd {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    unsigned bit;     /* CLI_BUILD ...: the options of cli_options it takes */
    const char *args; /* its positional arguments, "POLICY..." */
    const char *pos_alias; /* an option a lone positional argument stood for in
                            * 0.4.0 ("--build"), accepted with a warning */
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
/* Maps a library error to an exit code (cli_exit_table), printing the
 * trace with -v; DT_OK after warnings under --strict is EXIT_MISMATCH, said
 * on stderr. */
int cli_exit_for(struct cli *cli, enum dt_err err);

/* Writes text into path (stdout when NULL); an error (DT_ERR_IO) names it
 * and says what could not be written. */
struct dt_diags;
enum dt_err cli_write_text(const char *path, const void *text, size_t len, const char *what,
                           struct dt_diags *d);

/* Parses argv (after the subcommand name) with the options of
 * cli_options that cmd takes (and the deprecated spellings of
 * cli_deprecated, with a warning). Calls on_opt(ctx, option, value or NULL)
 * for every option but -v, -q, --strict and --help, which it handles, and
 * collects positionals into pos[] (caller frees with free()). Checks that
 * the options cmd requires are given.
 * Returns -1 on a usage error (already reported), 1 after --help, 0 ok. */
int cli_parse(struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv,
              int (*on_opt)(void *ctx, enum cli_opt_id opt, const char *value), void *ctx,
              char ***pos, int *n_pos);

/* The command named name (borrowed), or NULL. */
const struct cli_cmd *cli_find_cmd(const char *name);

/* "distrust CMD: warning: OLD is deprecated, use NEW" on stderr. */
void cli_deprecated_note(struct cli *cli, const char *cmd, const char *old, const char *now);

/* The time a command evaluates at: --date (value, when not NULL), else
 * $SOURCE_DATE_EPOCH, the same for every command. Returns 1 with *t set
 * when either gives one, 0 when neither does, -1 after a usage error. */
int cli_eval_time(struct cli *cli, const char *cmd, const char *value, int64_t *t);

/* A growable list of option values (repeatable options). */
struct cli_list {
    const char **v;
    size_t n, cap;
};
/* Appends v; -1 when out of memory. Free l->v with free(). */
int cli_list_push(struct cli_list *l, const char *v);

/* The help of a command (its usage line, summary and options), from
 * cli_options; and the global usage. */
void cli_print_help(FILE *f, const struct cli_cmd *cmd);
void cli_print_usage(FILE *f);
/* Copies the man page template in to out, replacing @VERSION@ and the
 * lines @SYNOPSIS@, @OPTIONS@, @COMMAND_OPTIONS@ and @EXIT_STATUS@ with what
 * cli_options, cli_cmds and cli_exit_table say. Returns an exit code. */
int cli_man(FILE *in, FILE *out);

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
int cmd_reconcile(struct cli *cli, int argc, char **argv);

extern const struct cli_cmd cli_cmds[];
extern const size_t cli_n_cmds;

#endif
