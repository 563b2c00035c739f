/*
 * cmd_diff.c - `distrust diff OLD_OUT NEW_OUT [--json] [-o FILE]`: release
 * notes between two builds.
 */
#include "cli.h"

#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct diff_args {
    bool json;
    const char *out;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    struct diff_args *a = ctx;
    if (opt == OPT_JSON)
        a->json = true;
    else if (opt == OPT_OUT)
        a->out = value;
    return 0;
}

int cmd_diff(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("diff");
    struct diff_args a = {false, NULL};
    char **pos = NULL;
    int n_pos = 0, code;
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    } else if (n_pos != 2) {
        code = cli_usage_error(cli, "diff", "expected OLD_OUT NEW_OUT (two build directories)");
    } else {
        struct dt_diags d;
        dt_diag_init(&d, cli_diag, cli);
        struct dt_buf out;
        dt_buf_init(&out, 0);
        struct dt_diff_summary s;
        enum dt_err rc = dt_diff_run(pos[0], pos[1], a.json, &out, &s, &d);
        if (rc == DT_OK)
            rc = cli_write_text(a.out, out.data, out.len, "the notes", &d);
        if (rc == DT_OK && a.out && !cli->quiet)
            fprintf(stderr,
                    "diff: wrote %s: %zu added, %zu removed, %zu changed, %zu unchanged; %zu "
                    "distrust-after change%s; blob %zu added, %zu removed\n",
                    a.out, s.added, s.removed, s.changed, s.unchanged, s.afters_changed,
                    s.afters_changed == 1 ? "" : "s", s.blob_added, s.blob_removed);
        dt_buf_free(&out);
        code = cli_exit_for(cli, rc);
    }
    free(pos);
    return code;
}
