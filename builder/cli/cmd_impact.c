/*
 * cmd_impact.c - `distrust impact --build OUT --pool PATH --corpus PATH`.
 */
#include "cli.h"

#include "impact.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct args {
    const char *build, *purpose, *time;
    struct cli_list pools, roots, corpus;
    bool json, list;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
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
    case OPT_DATE:
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
    const struct cli_cmd *cmd = cli_find_cmd("impact");
    struct args a;
    memset(&a, 0, sizeof(a));
    char **pos = NULL;
    int n_pos = 0, code;
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
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
    o.purpose = DT_IMPACT_SERVER;
    if (a.purpose) {
        /* The policy's names; 0.4.0's server, email and code for one more
         * release. */
        static const struct {
            const char *name, *old;
            unsigned purpose;
        } purposes[] = {{"server-auth", "server", DT_IMPACT_SERVER},
                        {"email-protection", "email", DT_IMPACT_EMAIL},
                        {"code-signing", "code", DT_IMPACT_CODE}};
        size_t k = 0;
        for (; k < DT_ARRAY_LEN_CLI(purposes); k++) {
            if (!strcmp(a.purpose, purposes[k].name))
                break;
            if (!strcmp(a.purpose, purposes[k].old)) {
                char old[64], now[64];
                snprintf(old, sizeof(old), "--purpose %s", purposes[k].old);
                snprintf(now, sizeof(now), "--purpose %s", purposes[k].name);
                cli_deprecated_note(cli, "impact", old, now);
                break;
            }
        }
        if (k == DT_ARRAY_LEN_CLI(purposes)) {
            code = cli_usage_error(cli, "impact",
                                   "--purpose %s: expected server-auth, email-protection or "
                                   "code-signing (the policy's purposes)",
                                   a.purpose);
            goto out;
        }
        o.purpose = purposes[k].purpose;
    }
    int has_time = cli_eval_time(cli, "impact", a.time, &o.at);
    if (has_time < 0) {
        code = EXIT_USAGE;
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
    cli->strict_in_task = true;
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
