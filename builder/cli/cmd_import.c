/*
 * cmd_import.c - `distrust import onecrl|certdata|ccadb FILE -o POLICY.json`.
 */
#include "cli.h"

#include "import.h"

#include <stdlib.h>
#include <string.h>

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    if (opt == OPT_OUT)
        *(const char **)ctx = value;
    return 0;
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("import");
    const char *out = NULL;
    char **pos = NULL;
    int n_pos = 0, code;
    int r =
        cli_parse(cli, cmd, argc, argv, on_opt, &out, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
    } else if (n_pos != 2) {
        code = cli_usage_error(cli, "import",
                               "expected KIND FILE (import onecrl onecrl.json, import certdata "
                               "certdata.txt, import ccadb REPORT.csv)");
    } else if (strcmp(pos[0], "onecrl") != 0 && strcmp(pos[0], "certdata") != 0 &&
               strcmp(pos[0], "ccadb") != 0) {
        code = cli_usage_error(cli, "import", "%s: the kinds are onecrl, certdata and ccadb",
                               pos[0]);
    } else {
        struct dt_import_opts o;
        memset(&o, 0, sizeof(o));
        o.kind = pos[0];
        o.input = pos[1];
        o.output = out;
        o.strict = cli->strict;
        cli->strict_in_task = true;
        o.diag = cli_diag;
        o.diag_ctx = cli;
        o.progress = cli_progress;
        o.progress_ctx = cli;
        struct dt_import_summary s;
        enum dt_err rc = dt_import_run(&o, &s);
        cli_progress_done(cli);
        if (rc == DT_OK && !cli->quiet && !strcmp(pos[0], "ccadb"))
            printf("import: wrote %s: %zu entries (%zu Added to OneCRL, %zu Ready to Add); "
                   "left out: %zu Cert Expired, %zu of other statuses, %zu duplicates\n",
                   out, s.records, s.added, s.ready, s.expired, s.other, s.duplicates);
        else if (rc == DT_OK && !cli->quiet && !strcmp(pos[0], "certdata"))
            printf("import: wrote %s: %zu distrusts (%zu by certificate, %zu by issuer and "
                   "serial) and %zu roots with distrust-after dates; certificates in %s\n",
                   out, s.records, s.certificates, s.issuer_serial, s.distrust_after,
                   s.certs_dir);
        else if (rc == DT_OK && !cli->quiet)
            printf("import: wrote %s: %zu entries (%zu subject+key, %zu with \"enabled\": false); "
                   "%zu duplicates and %zu deletions left out\n",
                   out, s.records, s.subject_key, s.disabled, s.duplicates, s.tombstones);
        else if (rc == DT_ERR_STRICT)
            fprintf(stderr, "%s: error: %zu warning%s and --strict: nothing written\n", cli->prog,
                    s.warnings, s.warnings == 1 ? "" : "s");
        else if (rc != DT_OK && s.errors)
            fprintf(stderr, "%s: %zu error%s; nothing written\n", cli->prog, s.errors,
                    s.errors == 1 ? "" : "s");
        code = cli_exit_for(cli, rc);
    }
    free(pos);
    return code;
}
