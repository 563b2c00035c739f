/*
 * cmd_reconcile.c - `distrust reconcile --onecrl DUMP --ccadb REPORT.csv
 * [--certdata FILE] [--pool PATH]... [--policy POLICY]... [--json]`: OneCRL
 * against the CCADB's revoked-intermediates report (doc/reconcile.md).
 * Exit 0 when the table shows no inconsistency and no key revoked for a
 * compromise stays trusted through another certificate, 3 when it does.
 */
#include "cli.h"

#include "reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct args {
    const char *onecrl, *ccadb, *certdata, *date, *out, *rows;
    struct cli_list pools, policies;
    bool json;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    struct args *a = ctx;
    switch (opt) {
    case OPT_ONECRL:
        a->onecrl = value;
        break;
    case OPT_CCADB:
        a->ccadb = value;
        break;
    case OPT_CERTDATA:
        a->certdata = value;
        break;
    case OPT_POOL:
        return cli_list_push(&a->pools, value);
    case OPT_POLICY:
        return cli_list_push(&a->policies, value);
    case OPT_DATE:
        a->date = value;
        break;
    case OPT_JSON:
        a->json = true;
        break;
    case OPT_ROWS:
        a->rows = value;
        break;
    case OPT_OUT:
        a->out = value;
        break;
    default:
        break;
    }
    return 0;
}

int cmd_reconcile(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("reconcile");
    struct args a;
    memset(&a, 0, sizeof(a));
    char **pos = NULL;
    int n_pos = 0, code;
    struct dt_reconcile_opts o;
    memset(&o, 0, sizeof(o));
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
        goto out;
    }
    if (n_pos) {
        code = cli_usage_error(cli, "reconcile",
                               "unexpected argument %s (give the inputs with --onecrl, --ccadb, "
                               "--pool, --policy)",
                               pos[0]);
        goto out;
    }
    if (a.certdata && !a.pools.n) {
        code = cli_usage_error(cli, "reconcile",
                               "--certdata needs --pool: the cross-certificates are looked for "
                               "in a pool (the CCADB's AllCertificatePEMsCSVFormat reports, say)");
        goto out;
    }
    int given = cli_eval_time(cli, "reconcile", a.date, &o.date);
    if (given < 0) {
        code = EXIT_USAGE;
        goto out;
    }
    if (!given)
        o.date = (int64_t)time(NULL);
    if (a.rows) {
        char *end = NULL;
        unsigned long v = strtoul(a.rows, &end, 10);
        if (!*a.rows || *end || a.rows[0] == '-' || v < 1 || v > 1000000) {
            code = cli_usage_error(cli, "reconcile", "--rows %s: expected a number from 1",
                                   a.rows);
            goto out;
        }
        o.max_rows = v;
    }
    o.onecrl = a.onecrl;
    o.ccadb = a.ccadb;
    o.certdata = a.certdata;
    o.pools = a.pools.v;
    o.n_pools = a.pools.n;
    o.policies = a.policies.v;
    o.n_policies = a.policies.n;
    o.json = a.json;
    o.progress = cli_progress;
    o.progress_ctx = cli;
    struct dt_diags d;
    dt_diag_init(&d, cli_diag, cli);
    struct dt_buf text;
    dt_buf_init(&text, 0);
    struct dt_reconcile_summary s;
    enum dt_err rc = dt_reconcile_run(&o, &text, &s, &d);
    cli_progress_done(cli);
    if (rc == DT_OK)
        rc = cli_write_text(a.out, text.data, text.len, "the report", &d);
    dt_buf_free(&text);
    code = cli_exit_for(cli, rc);
    if (rc == DT_OK && !cli->quiet) {
        fprintf(stderr, "reconcile: %zu row%s, %zu OneCRL record%s: %zu inconsistenc%s", s.rows,
                s.rows == 1 ? "" : "s", s.records, s.records == 1 ? "" : "s", s.inconsistencies,
                s.inconsistencies == 1 ? "y" : "ies");
        if (s.paths_checked)
            fprintf(stderr, ", %zu revocation%s bypassed (%zu for a compromise)", s.bypasses,
                    s.bypasses == 1 ? "" : "s", s.compromised);
        if (s.prune_checked)
            fprintf(stderr, ", %zu record%s to prune", s.prunable, s.prunable == 1 ? "" : "s");
        fputc('\n', stderr);
    }
    if (code == EXIT_OK && (s.inconsistencies || s.compromised))
        code = EXIT_MISMATCH;
out:
    free(a.pools.v);
    free(a.policies.v);
    free(pos);
    return code;
}
