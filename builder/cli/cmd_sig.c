/*
 * cmd_sig.c - `distrust verify-signature --build OUT --verify-key PUB.pem`:
 * exit 0 when every signature verifies, 3 when one does not or there is
 * none (a check that failed), 1 when an input cannot be read.
 */
#include "cli.h"
#include "sigcheck.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct args {
    const char *build, *key, *message;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    struct args *a = ctx;
    if (opt == OPT_BUILD)
        a->build = value;
    else if (opt == OPT_VERIFY_KEY)
        a->key = value;
    else if (opt == OPT_MESSAGE)
        a->message = value;
    return 0;
}

/* The result lines ("ok"/"not ok" per signature): printed under -q too
 * (they are what was asked). */
static void print_line(const char *line, void *ctx)
{
    (void)ctx;
    printf("%s\n", line);
}

int cmd_sig(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("verify-signature");
    struct args a = {NULL, NULL, NULL};
    char **pos = NULL;
    int n_pos = 0, code;
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    struct stat st;
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    } else if (!a.key && !a.message) {
        code = cli_usage_error(cli, "verify-signature", "missing --verify-key PUB.pem");
    } else if (n_pos) {
        code = cli_usage_error(cli, "verify-signature", "unexpected argument %s", pos[0]);
    } else if (stat(a.build, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error(cli, "%s: not a build directory", a.build);
        code = EXIT_INPUT;
    } else {
        struct dt_sigcheck_opts o;
        memset(&o, 0, sizeof(o));
        o.build_dir = a.build;
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
            /* A signature that fails, or none at all: a check that failed
             * (exit 3); an input that cannot be read stays 1. */
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
