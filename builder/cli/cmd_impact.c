/*
 * cmd_impact.c - `distrust impact --build OUT --pool PATH --corpus PATH`.
 */
#include "cli.h"

#include "impact.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    OPT_BUILD,
    OPT_POOL,
    OPT_ROOTS,
    OPT_CORPUS,
    OPT_PURPOSE,
    OPT_TIME,
    OPT_JSON,
    OPT_LIST,
    OPT_STRICT,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_HELP
};

static const struct cli_opt opts[] = {
    [OPT_BUILD] = {"--build", 'b', true, "the `distrust build` output directory (required)"},
    [OPT_POOL] = {"--pool", 'p', true,
                  "certificate pool the chains are built from: a directory, PEM bundle or "
                  "certdata.txt (repeatable)"},
    [OPT_ROOTS] = {"--roots", 'r', true,
                   "root store (certdata.txt or PEM, repeatable): only its certificates are "
                   "trust anchors (default: self-signed CA certificates of the pool and "
                   "certificates a certdata.txt in the pool trusts)"},
    [OPT_CORPUS] = {"--corpus", 'c', true,
                    "the certificates to count: a directory, PEM bundle or certdata.txt "
                    "(repeatable, required)"},
    [OPT_PURPOSE] = {"--purpose", 0, true, "server (default), email or code"},
    [OPT_TIME] = {"--time", 't', true,
                  "only chains valid at this time: RFC 3339, a date, or \"now\" (default: "
                  "validity is not checked)"},
    [OPT_JSON] =
        {"--json", 0, false,
         "print one JSON document instead of the table (with --list: a record per certificate)"},
    [OPT_LIST] = {"--list", 'l', false, "a line (JSON: a record) per corpus certificate"},
    [OPT_STRICT] = {"--strict", 0, false, "treat warnings as errors"},
    [OPT_VERBOSE] = {"--verbose", 'v', false, "show where in the library an error arose"},
    [OPT_QUIET] = {"--quiet", 'q', false, "hide notes"},
    [OPT_HELP] = {"--help", 'h', false, "show this help"},
};

struct args {
    const char *build, *purpose, *time;
    struct cli_list pools, roots, corpus;
    bool json, list;
};

static int on_opt(void *ctx, size_t opt, const char *value)
{
    struct args *a = ctx;
    switch (opt) {
    case OPT_BUILD:
        a->build = value;
        break;
    case OPT_POOL:
        return cli_list_push(&a->pools, value);
    case OPT_ROOTS:
        return cli_list_push(&a->roots, value);
    case OPT_CORPUS:
        return cli_list_push(&a->corpus, value);
    case OPT_PURPOSE:
        a->purpose = value;
        break;
    case OPT_TIME:
        a->time = value;
        break;
    case OPT_JSON:
        a->json = true;
        break;
    case OPT_LIST:
        a->list = true;
        break;
    default:
        break;
    }
    return 0;
}

static void print_line(const char *line, void *ctx)
{
    cli_progress_done(ctx);
    printf("%s\n", line);
}

int cmd_impact(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = NULL;
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, "impact"))
            cmd = &cli_cmds[i];
    struct args a;
    memset(&a, 0, sizeof(a));
    char **pos = NULL;
    int n_pos = 0, code;
    int r = cli_parse(cli, cmd, opts, DT_ARRAY_LEN_CLI(opts), argc, argv, on_opt, &a, &pos, &n_pos);
    struct dt_impact_opts o;
    memset(&o, 0, sizeof(o));
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
        goto out;
    }
    if (n_pos) {
        code = cli_usage_error(cli, "impact",
                               "unexpected argument %s (give the corpus with "
                               "--corpus)",
                               pos[0]);
        goto out;
    }
    if (!a.build) {
        code = cli_usage_error(cli, "impact", "missing --build OUT");
        goto out;
    }
    if (!a.corpus.n) {
        code = cli_usage_error(cli, "impact", "missing --corpus PATH");
        goto out;
    }
    o.purpose = DT_IMPACT_SERVER;
    if (a.purpose) {
        if (!strcmp(a.purpose, "server"))
            o.purpose = DT_IMPACT_SERVER;
        else if (!strcmp(a.purpose, "email"))
            o.purpose = DT_IMPACT_EMAIL;
        else if (!strcmp(a.purpose, "code"))
            o.purpose = DT_IMPACT_CODE;
        else {
            code = cli_usage_error(cli, "impact", "--purpose %s: expected server, email or code",
                                   a.purpose);
            goto out;
        }
    }
    if (a.time && !cli_parse_time(a.time, &o.at)) {
        code = cli_usage_error(cli, "impact",
                               "--time %s: expected \"now\", a date (2011-07-12) or an RFC 3339 "
                               "date-time (2011-07-12T00:00:00Z)",
                               a.time);
        goto out;
    }
    o.build_dir = a.build;
    o.pools = a.pools.v;
    o.n_pools = a.pools.n;
    o.roots = a.roots.v;
    o.n_roots = a.roots.n;
    o.corpus = a.corpus.v;
    o.n_corpus = a.corpus.n;
    o.json = a.json;
    o.list = a.list;
    o.strict = cli->strict;
    o.diag = cli_diag;
    o.diag_ctx = cli;
    o.progress = cli_progress;
    o.progress_ctx = cli;
    o.report = print_line;
    o.report_ctx = cli;
    struct dt_impact_summary s;
    enum dt_err rc = dt_impact_run(&o, &s);
    cli_progress_done(cli);
    if (rc == DT_ERR_STRICT)
        fprintf(stderr, "%s: error: %zu warning%s and --strict\n", cli->prog, s.warnings,
                s.warnings == 1 ? "" : "s");
    code = cli_exit_for(cli, rc);
out:
    free(a.pools.v);
    free(a.roots.v);
    free(a.corpus.v);
    free(pos);
    return code;
}
