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

struct printer {
    struct cli *cli;
    size_t failed; /* "not ok" lines: signatures that do not verify */
};

/* The result lines: printed under -q too (they are what was asked). */
static void print_line(const char *line, void *ctx)
{
    struct printer *p = ctx;
    if (!strncmp(line, "not ok", 6))
        p->failed++;
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
        struct printer pr = {cli, 0};
        struct dt_sigcheck_opts o;
        memset(&o, 0, sizeof(o));
        o.build_dir = a.build;
        o.key = a.key;
        o.message_out = a.message;
        o.diag = cli_diag;
        o.diag_ctx = cli;
        o.report = print_line;
        o.report_ctx = &pr;
        size_t n = 0;
        enum dt_err rc = dt_sigcheck_run(&o, &n);
        char sp[4096];
        snprintf(sp, sizeof(sp), "%s/onecrl.signature.json", a.build);
        bool none = n == 0 && a.key && stat(sp, &st) != 0;
        /* A signature that does not verify, or none to check, is a check
         * that failed (3); an input that cannot be read stays 1. */
        if (rc == DT_ERR_INPUT && (pr.failed || none)) {
            cli_progress_done(cli);
            code = EXIT_MISMATCH;
        } else {
            code = cli_exit_for(cli, rc);
        }
    }
    free(pos);
    return code;
}
