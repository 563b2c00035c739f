/*
 * cmd_build.c - `distrust build` and `distrust lint`.
 */
#include "cli.h"

#include "build.h"
#include "time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct build_args {
    const char *out;
    struct cli_list pools, roots, cases;
    bool explain;
    const char *date, *sign_key, *certdata, *expired_before, *sequence, *previous;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    struct build_args *a = ctx;
    switch (opt) {
    case OPT_OUT:
        a->out = value;
        break;
    case OPT_EXPLAIN:
        a->explain = true;
        break;
    case OPT_POOL:
        return cli_list_push(&a->pools, value);
    case OPT_ROOTS:
        return cli_list_push(&a->roots, value);
    case OPT_DATE:
        a->date = value;
        break;
    case OPT_SEQUENCE:
        a->sequence = value;
        break;
    case OPT_PREVIOUS:
        a->previous = value;
        break;
    case OPT_SIGN_KEY:
        a->sign_key = value;
        break;
    case OPT_CASES:
        return cli_list_push(&a->cases, value);
    case OPT_CERTDATA:
        a->certdata = value;
        break;
    case OPT_EXPIRED_BEFORE:
        a->expired_before = value;
        break;
    default:
        break;
    }
    return 0;
}

static void print_explain(const char *line, void *ctx)
{
    struct cli *cli = ctx;
    cli_progress_done(cli);
    printf("%s\n", line);
}

static int run(struct cli *cli, const struct cli_cmd *cmd, const struct build_args *a, char **pos,
               int n_pos)
{
    struct dt_build_opts o;
    memset(&o, 0, sizeof(o));
    o.policies = (const char *const *)pos;
    o.n_policies = (size_t)n_pos;
    o.out_dir = a->out;
    o.strict = cli->strict;
    cli->strict_in_task = true;
    o.diag = cli_diag;
    o.diag_ctx = cli;
    o.progress = cli_progress;
    o.progress_ctx = cli;
    o.pools = a->pools.v;
    o.n_pools = a->pools.n;
    o.roots = a->roots.v;
    o.n_roots = a->roots.n;
    o.sign_key = a->sign_key;
    o.certdata_upstream = a->certdata;
    o.cases = a->cases.v;
    o.n_cases = a->cases.n;
    int has_date = cli_eval_time(cli, cmd->name, a->date, &o.date);
    if (has_date < 0)
        return EXIT_USAGE;
    o.has_date = has_date;
    if (has_date && !a->date)
        o.date_from = "SOURCE_DATE_EPOCH";
    if (a->sequence) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(a->sequence, &end, 10);
        if (a->sequence[0] < '0' || a->sequence[0] > '9' || *end || errno || v < 1 ||
            v > DT_SEQUENCE_MAX)
            return cli_usage_error(cli, cmd->name,
                                   "--sequence %s: expected a whole number from 1 to "
                                   "9007199254740991 (2^53-1)",
                                   a->sequence);
        o.has_sequence = 1;
        o.sequence = (uint64_t)v;
    }
    o.previous_dir = a->previous;
    if (a->explain) {
        o.explain = print_explain;
        o.explain_ctx = cli;
    }
    if (a->expired_before) {
        if (!cli_parse_time(a->expired_before, &o.expired_before))
            return cli_usage_error(cli, cmd->name,
                                   "--expired-before %s: expected RFC 3339, a date, @SECONDS or "
                                   "now",
                                   a->expired_before);
        o.has_expired_before = 1;
        o.prune = print_explain;
        o.prune_ctx = cli;
    }
    struct dt_build_summary s;
    enum dt_err rc = dt_build_run(&o, &s);
    cli_progress_done(cli);
    const char *out = a->out;
    if (rc == DT_ERR_STRICT)
        fprintf(stderr, "%s: error: %zu warning%s and --strict: %s\n", cli->prog, s.warnings,
                s.warnings == 1 ? "" : "s", out ? "nothing written" : "lint failed");
    else if (rc != DT_OK && s.errors)
        fprintf(stderr, "%s: %zu error%s%s\n", cli->prog, s.errors, s.errors == 1 ? "" : "s",
                out ? "; nothing written" : "");
    if (rc == DT_OK && !cli->quiet) {
        char pool[160] = "";
        if (s.pool_certs)
            snprintf(pool, sizeof(pool),
                     "; pool of %zu certificate%s: %zu distrust%s found there, %zu open path%s",
                     s.pool_certs, s.pool_certs == 1 ? "" : "s", s.expanded,
                     s.expanded == 1 ? "" : "s", s.open_paths, s.open_paths == 1 ? "" : "s");
        if (out) {
            char when[32];
            dt_time_format_rfc3339(s.created, when);
            printf("%s: wrote %s from %zu entr%s in %zu policy file%s%s\n", cmd->name, out,
                   s.rules, s.rules == 1 ? "y" : "ies", s.policy_files,
                   s.policy_files == 1 ? "" : "s", pool);
            printf("  certdata-distrust.txt: %zu trust object%s, %zu certificate object%s "
                   "(%zu distrust-after root%s)\n",
                   s.nss_trust_objects, s.nss_trust_objects == 1 ? "" : "s", s.nss_cert_objects,
                   s.nss_cert_objects == 1 ? "" : "s", s.distrust_after,
                   s.distrust_after == 1 ? "" : "s");
            printf("  onecrl.json: %zu record%s\n", s.onecrl_records,
                   s.onecrl_records == 1 ? "" : "s");
            printf("  revocations.blob: %zu issuer+serial entr%s under %zu issuer%s, %zu "
                   "subject+key entr%s, %zu bytes; sequence %llu, created %s\n",
                   s.blob_serials, s.blob_serials == 1 ? "y" : "ies", s.blob_issuers,
                   s.blob_issuers == 1 ? "" : "s", s.blob_subject_keys,
                   s.blob_subject_keys == 1 ? "y" : "ies", s.blob_bytes,
                   (unsigned long long)s.sequence, when);
            printf("  distrust.p11-kit: %zu object%s\n", s.p11kit_objects,
                   s.p11kit_objects == 1 ? "" : "s");
            printf("  test-distrust.sh: %zu chain case%s\n", s.test_cases,
                   s.test_cases == 1 ? "" : "s");
            if (s.pool_skipped)
                printf("  the pool: %zu file%s without certificates skipped (keys, requests, "
                       "other files)\n",
                       s.pool_skipped, s.pool_skipped == 1 ? "" : "s");
        }
        else
            printf("%s: ok: %zu entr%s in %zu policy file%s, %zu issuer/serial distrust%s, "
                   "%zu warning%s%s\n",
                   cmd->name, s.rules, s.rules == 1 ? "y" : "ies", s.policy_files,
                   s.policy_files == 1 ? "" : "s", s.items, s.items == 1 ? "" : "s", s.warnings,
                   s.warnings == 1 ? "" : "s", pool);
    }
    if (rc == DT_OK && a->expired_before) /* the answer to the question asked: even with -q */
        printf("%s: %zu entr%s only distrust certificates that expired before %s "
               "(candidates for removal); %zu entr%s with no known certificate; %zu still "
               "valid\n",
               cmd->name, s.prune_expired, s.prune_expired == 1 ? "y" : "ies", a->expired_before,
               s.prune_unknown, s.prune_unknown == 1 ? "y" : "ies", s.prune_live);
    return cli_exit_for(cli, rc);
}

static int build_or_lint(struct cli *cli, const char *name, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd(name);
    struct build_args a;
    memset(&a, 0, sizeof(a));
    char **pos = NULL;
    int n_pos = 0;
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    int code;
    if (r != 0)
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    else if (n_pos == 0)
        code = cli_usage_error(cli, name, "missing POLICY (a file or a directory of *.json)");
    else
        code = run(cli, cmd, &a, pos, n_pos);
    free(pos);
    free(a.pools.v);
    free(a.roots.v);
    free(a.cases.v);
    return code;
}

int cmd_build(struct cli *cli, int argc, char **argv)
{
    return build_or_lint(cli, "build", argc, argv);
}

int cmd_lint(struct cli *cli, int argc, char **argv)
{
    return build_or_lint(cli, "lint", argc, argv);
}
