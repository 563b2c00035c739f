/*
 * cmd_emit.c - `distrust emit-tests --build OUT -o DIR`.
 */
#include "cli.h"

#include "nsschains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct emit_args {
    const char *build, *chains;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    struct emit_args *a = ctx;
    if (opt == OPT_BUILD)
        a->build = value;
    else if (opt == OPT_OUT)
        a->chains = value;
    return 0;
}

int cmd_emit(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("emit-tests");
    struct emit_args a = {NULL, NULL};
    char **pos = NULL;
    int n_pos = 0, code;
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    } else if (n_pos) {
        code = cli_usage_error(cli, "emit-tests", "unexpected argument %s", pos[0]);
    } else {
        struct dt_diags d;
        dt_diag_init(&d, cli_diag, cli);
        struct dt_emit_summary s;
        enum dt_err rc = dt_nsschains_write(a.build, a.chains, &s, &d);
        if (rc == DT_OK && !cli->quiet)
            printf("emit-tests: wrote %s: %zu case%s as chains.sh scenarios (each with a "
                   "baseline), %zu left out\n",
                   a.chains, s.cases, s.cases == 1 ? "" : "s", s.skipped);
        code = cli_exit_for(cli, rc);
    }
    free(pos);
    return code;
}
