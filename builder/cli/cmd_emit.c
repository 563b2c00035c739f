/*
 * cmd_emit.c - `distrust emit-tests --build OUT --nss-chains DIR`.
 */
#include "cli.h"

#include "nsschains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_BUILD, OPT_NSS_CHAINS, OPT_VERBOSE, OPT_QUIET, OPT_HELP };

static const struct cli_opt opts[] = {
    [OPT_BUILD] = {"--build", 'b', true, "the build output directory (made with --cases)"},
    [OPT_NSS_CHAINS] = {"--nss-chains", 0, true,
                        "write scenarios/distrust.cfg and certs/*.cert for NSS's "
                        "tests/chains/chains.sh here (replaced atomically)"},
    [OPT_VERBOSE] = {"--verbose", 'v', false, "show where in the library an error arose"},
    [OPT_QUIET] = {"--quiet", 'q', false, "hide the summary"},
    [OPT_HELP] = {"--help", 'h', false, "show this help"},
};

struct emit_args {
    const char *build, *chains;
};

static int on_opt(void *ctx, size_t opt, const char *value)
{
    struct emit_args *a = ctx;
    if (opt == OPT_BUILD)
        a->build = value;
    else if (opt == OPT_NSS_CHAINS)
        a->chains = value;
    return 0;
}

int cmd_emit(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = NULL;
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, "emit-tests"))
            cmd = &cli_cmds[i];
    struct emit_args a = {NULL, NULL};
    char **pos = NULL;
    int n_pos = 0, code;
    int r = cli_parse(cli, cmd, opts, DT_ARRAY_LEN_CLI(opts), argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    } else if (n_pos) {
        code = cli_usage_error(cli, "emit-tests", "unexpected argument %s", pos[0]);
    } else if (!a.build || !a.chains) {
        code = cli_usage_error(cli, "emit-tests", "needs --build OUT and --nss-chains DIR");
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
