/*
 * cmd_build.c - `distrust build` and `distrust lint`.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_OUT, OPT_STRICT, OPT_VERBOSE, OPT_QUIET, OPT_HELP };

static const struct cli_opt build_opts[] = {
    [OPT_OUT] = {"--out", 'o', true, "output directory, replaced atomically (required)"},
    [OPT_STRICT] = {"--strict", 0, false, "treat warnings as errors"},
    [OPT_VERBOSE] = {"--verbose", 'v', false, "show where in the library an error arose"},
    [OPT_QUIET] = {"--quiet", 'q', false, "hide notes and the summary"},
    [OPT_HELP] = {"--help", 'h', false, "show this help"},
};

static const struct cli_opt lint_opts[] = {
    {"--strict", 0, false, "treat warnings as errors (exit 1)"},
    {"--verbose", 'v', false, "show where in the library an error arose"},
    {"--quiet", 'q', false, "hide notes and the summary"},
    {"--help", 'h', false, "show this help"},
};

struct build_args {
    const char *out;
};

static int on_build_opt(void *ctx, size_t opt, const char *value)
{
    struct build_args *a = ctx;
    if (opt == OPT_OUT)
        a->out = value;
    return 0;
}

static int run(struct cli *cli, const struct cli_cmd *cmd, const char *out, char **pos, int n_pos)
{
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    o.policies = (const char *const *)pos;
    o.n_policies = (size_t)n_pos;
    o.out_dir = out;
    o.strict = cli->strict;
    o.diag = cli_diag;
    o.diag_ctx = cli;
    o.progress = cli_progress;
    o.progress_ctx = cli;
    struct dt_build_summary s;
    enum dt_err rc = dt_build_run(&o, &s);
    cli_progress_done(cli);
    if (rc == DT_ERR_STRICT)
        fprintf(stderr, "%s: error: %zu warning%s and --strict: %s\n", cli->prog, s.warnings,
                s.warnings == 1 ? "" : "s", out ? "nothing written" : "lint failed");
    else if (rc != DT_OK && s.errors)
        fprintf(stderr, "%s: %zu error%s%s\n", cli->prog, s.errors, s.errors == 1 ? "" : "s",
                out ? "; nothing written" : "");
    if (rc == DT_OK && !cli->quiet) {
        if (out)
            printf("%s: wrote %s: %zu trust object%s, %zu certificate object%s "
                   "(%zu distrust-after root%s) from %zu entr%s in %zu policy file%s\n",
                   cmd->name, out, s.nss_trust_objects, s.nss_trust_objects == 1 ? "" : "s",
                   s.nss_cert_objects, s.nss_cert_objects == 1 ? "" : "s", s.distrust_after,
                   s.distrust_after == 1 ? "" : "s", s.rules, s.rules == 1 ? "y" : "ies",
                   s.policy_files, s.policy_files == 1 ? "" : "s");
        else
            printf("%s: ok: %zu entr%s in %zu policy file%s, %zu issuer/serial distrust%s, "
                   "%zu warning%s\n",
                   cmd->name, s.rules, s.rules == 1 ? "y" : "ies", s.policy_files,
                   s.policy_files == 1 ? "" : "s", s.items, s.items == 1 ? "" : "s", s.warnings,
                   s.warnings == 1 ? "" : "s");
    }
    return cli_exit_for(cli, rc);
}

static const struct cli_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, name))
            return &cli_cmds[i];
    return NULL;
}

int cmd_build(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = find_cmd("build");
    struct build_args a = {NULL};
    char **pos = NULL;
    int n_pos = 0;
    int r = cli_parse(cli, cmd, build_opts, DT_ARRAY_LEN_CLI(build_opts), argc, argv, on_build_opt,
                      &a, &pos, &n_pos);
    int code;
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    } else if (!a.out) {
        code = cli_usage_error(cli, "build", "missing -o OUT");
    } else if (n_pos == 0) {
        code = cli_usage_error(cli, "build", "missing POLICY (a file or a directory of *.json)");
    } else {
        code = run(cli, cmd, a.out, pos, n_pos);
    }
    free(pos);
    return code;
}

int cmd_lint(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = find_cmd("lint");
    char **pos = NULL;
    int n_pos = 0;
    int r = cli_parse(cli, cmd, lint_opts, DT_ARRAY_LEN_CLI(lint_opts), argc, argv, NULL, NULL,
                      &pos, &n_pos);
    int code;
    if (r != 0)
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    else if (n_pos == 0)
        code = cli_usage_error(cli, "lint", "missing POLICY (a file or a directory of *.json)");
    else
        code = run(cli, cmd, NULL, pos, n_pos);
    free(pos);
    return code;
}
