/*
 * cmd_sig.c - `distrust verify-signature --key KEY.pem OUT`.
 */
#include "cli.h"
#include "sigcheck.h"

#include <stdlib.h>
#include <string.h>

enum { OPT_KEY, OPT_MESSAGE, OPT_VERBOSE, OPT_QUIET, OPT_HELP };

static const struct cli_opt opts[] = {
    [OPT_KEY] = {"--key", 'k', true,
                 "the public key (PEM: a public key or a certificate) the signatures must "
                 "verify with (required)"},
    [OPT_MESSAGE] = {"--message", 0, true,
                     "write the exact bytes the onecrl.json signature covers to this file "
                     "(to sign them with another tool, or to check them)"},
    [OPT_VERBOSE] = {"--verbose", 'v', false, "show where in the library an error arose"},
    [OPT_QUIET] = {"--quiet", 'q', false, "print nothing but errors"},
    [OPT_HELP] = {"--help", 'h', false, "show this help"},
};

struct args {
    const char *key, *message;
};

static int on_opt(void *ctx, size_t opt, const char *value)
{
    struct args *a = ctx;
    if (opt == OPT_KEY)
        a->key = value;
    else if (opt == OPT_MESSAGE)
        a->message = value;
    return 0;
}

static void print_line(const char *line, void *ctx)
{
    struct cli *cli = ctx;
    if (!cli->quiet)
        printf("%s\n", line);
}

int cmd_sig(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = NULL;
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, "verify-signature"))
            cmd = &cli_cmds[i];
    struct args a = {NULL, NULL};
    char **pos = NULL;
    int n_pos = 0, code;
    int r = cli_parse(cli, cmd, opts, DT_ARRAY_LEN_CLI(opts), argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0)
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    else if (!a.key && !a.message)
        code = cli_usage_error(cli, "verify-signature", "missing --key KEY.pem");
    else if (n_pos != 1)
        code = cli_usage_error(cli, "verify-signature", "expected one build directory OUT");
    else {
        struct dt_sigcheck_opts o;
        memset(&o, 0, sizeof(o));
        o.build_dir = pos[0];
        o.key = a.key;
        o.message_out = a.message;
        o.diag = cli_diag;
        o.diag_ctx = cli;
        o.report = print_line;
        o.report_ctx = cli;
        struct dt_sigcheck_result res;
        enum dt_err rc = dt_sigcheck_run(&o, &res);
        code = cli_exit_for(cli, rc);
        if (rc == DT_OK && a.key) {
            /* A signature that fails, or none at all: a mismatch (exit 3). */
            if (!cli->quiet && res.checked)
                printf("%zu signature%s checked, %zu failed\n", res.checked,
                       res.checked == 1 ? "" : "s", res.failed);
            if (res.failed || res.missing)
                code = EXIT_MISMATCH;
        }
    }
    free(pos);
    return code;
}
