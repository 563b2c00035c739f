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

enum {
    OPT_OUT,
    OPT_POOL,
    OPT_ROOTS,
    OPT_EXPLAIN,
    OPT_DATE,
    OPT_SIGN_KEY,
    OPT_SEQUENCE,
    OPT_PREVIOUS,
    OPT_CERTDATA,
    OPT_CASES,
    OPT_STRICT,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_HELP
};

static const struct cli_opt build_opts[] = {
    [OPT_OUT] = {"--out", 'o', true, "output directory, replaced atomically (required)"},
    [OPT_POOL] = {"--pool", 'p', true,
                  "certificate pool: a directory, PEM bundle or certdata.txt (repeatable)"},
    [OPT_ROOTS] = {"--roots", 'r', true,
                   "root store (certdata.txt or PEM, repeatable): its certificates join the "
                   "pool and are its only trust anchors; expansion never reaches one unless "
                   "the policy says so (the --certdata file is a root store too)"},
    [OPT_EXPLAIN] = {"--explain", 0, false, "print every distrust and why it is there"},
    [OPT_DATE] = {"--date", 0, true,
                  "timestamp of the outputs (revocations.blob created, onecrl.json "
                  "last_modified, manifest.json release) and the time incident deadlines and "
                  "CRLs are judged at: RFC 3339, a date, @SECONDS or now (default: "
                  "$SOURCE_DATE_EPOCH, else the newest \"created\" of the entries, else "
                  "1970-01-01 and a warning)"},
    [OPT_SIGN_KEY] = {"--sign-key", 0, true,
                      "ECDSA P-384 private key (PEM) that signs onecrl.json "
                      "(onecrl.signature.json)"},
    [OPT_SEQUENCE] = {"--sequence", 0, true,
                      "the revocations.blob sequence number, 1 to 2^53-1: greater than the "
                      "previous release's (clients keep the blob with the greatest)"},
    [OPT_PREVIOUS] = {"--previous", 0, true,
                      "the previous release's build directory: this release's sequence is its "
                      "manifest's + 1 (a --sequence must be greater). Without --sequence or "
                      "--previous the sequence is the date in seconds, with a warning"},
    [OPT_CERTDATA] = {"--certdata", 0, true,
                      "upstream NSS certdata.txt: also write OUT/certdata.txt, it with the "
                      "policy merged in"},
    [OPT_CASES] = {"--cases", 0, true,
                   "chain case file (repeatable): copied with its certificates into OUT/tests/, "
                   "replayed by OUT/test-distrust.sh"},
    [OPT_STRICT] = {"--strict", 0, false, "treat warnings as errors"},
    [OPT_VERBOSE] = {"--verbose", 'v', false, "show where in the library an error arose"},
    [OPT_QUIET] = {"--quiet", 'q', false, "hide notes and the summary"},
    [OPT_HELP] = {"--help", 'h', false, "show this help"},
};

/* lint takes the same options but --out. */
static const struct cli_opt lint_opts[] = {
    {"--pool", 'p', true,
     "certificate pool: a directory, PEM bundle or certdata.txt (repeatable); also reports "
     "open paths to distrusted keys"},
    {"--roots", 'r', true,
     "root store (certdata.txt or PEM, repeatable): its certificates join the pool and are "
     "its only trust anchors"},
    {"--explain", 0, false, "print every distrust and why it is there"},
    {"--date", 0, true,
     "the time incident deadlines and CRLs are judged at: RFC 3339, a date, @SECONDS or now "
     "(default: $SOURCE_DATE_EPOCH)"},
    {"--expired-before", 0, true,
     "list the entries whose certificates all expired before this date (RFC 3339, a date, "
     "@SECONDS or now): candidates for removal"},
    {"--strict", 0, false, "treat warnings as errors (exit 1)"},
    {"--verbose", 'v', false, "show where in the library an error arose"},
    {"--quiet", 'q', false, "hide notes and the summary"},
    {"--help", 'h', false, "show this help"},
};

struct build_args {
    const struct cli_opt *opts;
    const char *out;
    struct cli_list pools, roots, cases;
    bool explain;
    const char *date, *sign_key, *certdata, *expired_before, *sequence, *previous;
};

static int on_opt(void *ctx, size_t opt, const char *value)
{
    struct build_args *a = ctx;
    const char *name = a->opts[opt].long_name;
    if (!strcmp(name, "--out")) {
        a->out = value;
    } else if (!strcmp(name, "--explain")) {
        a->explain = true;
    } else if (!strcmp(name, "--pool")) {
        return cli_list_push(&a->pools, value);
    } else if (!strcmp(name, "--roots")) {
        return cli_list_push(&a->roots, value);
    } else if (!strcmp(name, "--date")) {
        a->date = value;
    } else if (!strcmp(name, "--sequence")) {
        a->sequence = value;
    } else if (!strcmp(name, "--previous")) {
        a->previous = value;
    } else if (!strcmp(name, "--sign-key")) {
        a->sign_key = value;
    } else if (!strcmp(name, "--cases")) {
        return cli_list_push(&a->cases, value);
    } else if (!strcmp(name, "--certdata")) {
        a->certdata = value;
    } else if (!strcmp(name, "--expired-before")) {
        a->expired_before = value;
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
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (a->date) {
        if (!cli_parse_time(a->date, &o.date))
            return cli_usage_error(
                cli, cmd->name, "--date %s: expected RFC 3339, a date, @SECONDS or now", a->date);
        o.has_date = 1;
    } else if (sde && *sde) {
        char at[64];
        snprintf(at, sizeof(at), "@%s", sde);
        if (!cli_parse_time(at, &o.date))
            return cli_usage_error(cli, cmd->name,
                                   "SOURCE_DATE_EPOCH=%s: expected seconds since the epoch", sde);
        o.has_date = 1;
        o.date_from = "SOURCE_DATE_EPOCH";
    }
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

static const struct cli_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, name))
            return &cli_cmds[i];
    return NULL;
}

static int build_or_lint(struct cli *cli, const char *name, const struct cli_opt *opts,
                         size_t n_opts, int argc, char **argv)
{
    const struct cli_cmd *cmd = find_cmd(name);
    struct build_args a;
    memset(&a, 0, sizeof(a));
    a.opts = opts;
    char **pos = NULL;
    int n_pos = 0;
    int r = cli_parse(cli, cmd, opts, n_opts, argc, argv, on_opt, &a, &pos, &n_pos);
    int code;
    bool is_build = !strcmp(name, "build");
    if (r != 0)
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    else if (is_build && !a.out)
        code = cli_usage_error(cli, name, "missing -o OUT");
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
    return build_or_lint(cli, "build", build_opts, DT_ARRAY_LEN_CLI(build_opts), argc, argv);
}

int cmd_lint(struct cli *cli, int argc, char **argv)
{
    return build_or_lint(cli, "lint", lint_opts, DT_ARRAY_LEN_CLI(lint_opts), argc, argv);
}
