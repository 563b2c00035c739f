/*
 * cmd_deadlines.c - `distrust deadlines [--date T] [--pool PATH]... [--json]
 * [-o FILE] POLICY...`: the revocation-deadline report of the incident
 * entries, judged at --date, else $SOURCE_DATE_EPOCH, else now (as build).
 */
#include "cli.h"

#include "deadlines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct args {
    const char *now, *out, *rows;
    bool json;
    struct cli_list pools;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    struct args *a = ctx;
    if (opt == OPT_DATE)
        a->now = value;
    else if (opt == OPT_POOL)
        return cli_list_push(&a->pools, value);
    else if (opt == OPT_JSON)
        a->json = true;
    else if (opt == OPT_ROWS)
        a->rows = value;
    else if (opt == OPT_OUT)
        a->out = value;
    return 0;
}

int cmd_deadlines(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("deadlines");
    struct args a;
    memset(&a, 0, sizeof(a));
    char **pos = NULL;
    int n_pos = 0, code;
    struct dt_deadlines_opts o;
    memset(&o, 0, sizeof(o));
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
        goto out;
    }
    if (n_pos == 0) {
        code = cli_usage_error(cli, "deadlines", "missing POLICY (files or directories)");
        goto out;
    }
    int given = cli_eval_time(cli, "deadlines", a.now, &o.now);
    if (given < 0) {
        code = EXIT_USAGE;
        goto out;
    }
    if (!given)
        o.now = (int64_t)time(NULL);
    if (a.rows) {
        char *end = NULL;
        unsigned long v = strtoul(a.rows, &end, 10);
        if (!*a.rows || *end || a.rows[0] == '-' || v < 1 || v > 1000000) {
            code = cli_usage_error(cli, "deadlines", "--rows %s: expected a number from 1", a.rows);
            goto out;
        }
        o.max_rows = v;
    }
    o.policies = (const char *const *)pos;
    o.n_policies = (size_t)n_pos;
    o.pools = a.pools.v;
    o.n_pools = a.pools.n;
    o.json = a.json;
    struct dt_diags d;
    dt_diag_init(&d, cli_diag, cli);
    struct dt_buf text;
    dt_buf_init(&text, 0);
    struct dt_deadlines_summary s;
    enum dt_err rc = dt_deadlines_report(&o, &text, &s, &d);
    if (rc == DT_OK)
        rc = cli_write_text(a.out, text.data, text.len, "the report", &d);
    if (rc == DT_OK && a.out && !cli->quiet)
        fprintf(stderr, "deadlines: wrote %s: %zu incident%s, %zu serial%s overdue\n", a.out,
                s.incidents, s.incidents == 1 ? "" : "s", s.overdue, s.overdue == 1 ? "" : "s");
    dt_buf_free(&text);
    code = cli_exit_for(cli, rc);
out:
    free(a.pools.v);
    free(pos);
    return code;
}
