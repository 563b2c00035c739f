/*
 * options.h - the one option table of the command line (as curl's tool
 * keeps one): every option once, with its long name, its short letter (a
 * letter means one thing everywhere), its argument, the concept it names,
 * its help and the commands that take it. The parser, `--help` and the man
 * page (`distrust --man`) all read it; the old spellings of the previous
 * release are a second table, accepted with a deprecation warning.
 */
#ifndef DT_CLI_OPTIONS_H
#define DT_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* The commands, one bit each (struct cli_cmd's bit). */
#define CLI_BUILD (1u << 0)
#define CLI_LINT (1u << 1)
#define CLI_VERIFY (1u << 2)
#define CLI_IMPACT (1u << 3)
#define CLI_IMPORT (1u << 4)
#define CLI_DIFF (1u << 5)
#define CLI_DEADLINES (1u << 6)
#define CLI_EMIT (1u << 7)
#define CLI_QUERY (1u << 8)
#define CLI_SIG (1u << 9)
#define CLI_RECONCILE (1u << 10)
#define CLI_ALL 0x7ffu

/* Every option, by the concept it names. */
enum cli_opt_id {
    OPT_OUT,
    OPT_BUILD,
    OPT_POOL,
    OPT_ROOTS,
    OPT_DATE,
    OPT_EXPIRED_BEFORE,
    OPT_EXPLAIN,
    OPT_SIGN_KEY,
    OPT_SEQUENCE,
    OPT_PREVIOUS,
    OPT_VERIFY_KEY,
    OPT_CERTDATA,
    OPT_ONECRL,
    OPT_CCADB,
    OPT_POLICY,
    OPT_CASES,
    OPT_CORPUS,
    OPT_PURPOSE,
    OPT_JSON,
    OPT_LIST,
    OPT_ROWS,
    OPT_ENGINE,
    OPT_DEPLOYMENTS,
    OPT_MODULE,
    OPT_P11KIT_TRUST,
    OPT_FIREFOX,
    OPT_KEEP_WORK,
    OPT_JOBS,
    OPT_FRESH_PROCESSES,
    OPT_CERT,
    OPT_ISSUER_DER,
    OPT_SERIAL,
    OPT_SUBJECT_DER,
    OPT_SPKI_SHA256,
    OPT_BATCH,
    OPT_INFO,
    OPT_MESSAGE,
    OPT_STRICT,
    OPT_QUIET,
    OPT_VERBOSE,
    OPT_HELP,
    OPT_COUNT
};

/* What an option says for some of its commands when the general text is
 * not precise enough (-o is a directory for build, a file for diff). */
struct cli_opt_for {
    unsigned cmds; /* 0 ends the list */
    const char *arg;  /* NULL: the option's own */
    const char *help;
};

struct cli_option {
    enum cli_opt_id id;
    const char *long_name; /* "--out" */
    char short_name;       /* 'o', or 0 */
    const char *arg;       /* "PATH", or NULL for a flag */
    unsigned cmds;         /* the commands that take it */
    unsigned required;     /* the commands that need it */
    bool repeatable;
    const char *concept; /* one line: what the name means, for every command */
    const char *help;    /* the general help */
    struct cli_opt_for per[4];
};

/* A spelling of the previous release, still accepted by cmds: a warning
 * "--now is deprecated, use --date" on stderr, then it acts as `id`. */
struct cli_deprecated {
    const char *spelling; /* "--now" or "-k" */
    unsigned cmds;
    enum cli_opt_id id;
};

/* The table, indexed by enum cli_opt_id. */
extern const struct cli_option cli_options[OPT_COUNT];
extern const struct cli_deprecated cli_deprecated[];
extern const size_t cli_n_deprecated;

/* The argument name and help of option o for the command with bit cmd
 * (borrowed, static). */
const char *cli_option_arg(const struct cli_option *o, unsigned cmd);
const char *cli_option_help(const struct cli_option *o, unsigned cmd);

#endif
