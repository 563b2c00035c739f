/*
 * main.c - `distrust` entry point: table-driven subcommand dispatch.
 */
#include "cli.h"

#include "suggest.h"
#include "version.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cli_cmd cli_cmds[] = {
    {"build", cmd_build, CLI_BUILD, "POLICY...", NULL,
     "Build the distrust outputs of POLICY (files or directories of *.json) into OUT,\n"
     "replacing OUT atomically: certdata-distrust.txt (NSS built-in distrust objects),\n"
     "onecrl.json (OneCRL records), revocations.blob, distrust.p11-kit, manifest.json\n"
     "and test-distrust.sh. With a certificate pool, the cross-certificates of every\n"
     "distrusted CA key are found and distrusted too."},
    {"lint", cmd_lint, CLI_LINT, "POLICY...", NULL,
     "Run every check of `distrust build` without writing anything; with a pool,\n"
     "report every path from a trust anchor (with --roots: a root of the store only)\n"
     "to a distrusted key that stays open."},
    {"verify", cmd_verify, CLI_VERIFY, "CASES...", NULL,
     "Replay the chain cases of CASES (JSON) under real NSS, each first without the\n"
     "build's distrust data (the baseline must validate), then once per deployment as\n"
     "its real client consumes the build: overlay (OUT/certdata-distrust.txt in\n"
     "libdistrust-pkcs11.so over the case's anchors; distrust-after dates are never\n"
     "credited), root-store (OUT/certdata.txt alone as the built-in roots, with the\n"
     "dates NSS reads from it), p11-kit (p11-kit-trust.so serving OUT/distrust.p11-kit\n"
     "and the anchors), openssl (OUT/revocations.blob). Chains of one configuration\n"
     "share an NSS worker process (a verdict that used another chain's certificate is\n"
     "redone alone); configurations never share one. Prints TAP and\n"
     "\"N passed, N failed\"; exit 0 when every check gives its expected verdict, 3 on a\n"
     "mismatch or an INVALID case, 1 on bad input."},
    {"impact", cmd_impact, CLI_IMPACT, "", NULL,
     "Measure a build's impact: build every chain of every corpus certificate through\n"
     "the pool to a trust anchor and count, per policy entry and in total, the\n"
     "certificates now distrusted on every path, those still valid through another\n"
     "path, those unaffected and those with no path at all. A table, or JSON."},
    {"import", cmd_import, CLI_IMPORT, "onecrl|certdata|ccadb FILE", NULL,
     "import onecrl: turn a OneCRL Remote Settings dump ({\"data\": [...]} or an array of\n"
     "records) into a policy: one entry per record (duplicates by DER bytes once),\n"
     "targets onecrl and blob, the details kept as label/bug/who/why/created,\n"
     "\"enabled\": false kept.\n"
     "import certdata: turn the distrusts of an NSS certdata.txt into a policy: every\n"
     "trust object with CKT_NSS_NOT_TRUSTED (its shape, label and comments kept) and\n"
     "every distrust-after date (on the certificate or the trust object); the\n"
     "certificates go into POLICY-certs/ beside the policy.\n"
     "import ccadb: turn the CCADB's revoked-intermediates report (CSV) into a policy:\n"
     "every row \"Ready to Add\" or \"Added to OneCRL\" becomes an issuer/serial entry\n"
     "from its certificate, scope certificate, targets onecrl and blob (\"Cert Expired\"\n"
     "rows left out with a note, other statuses with a warning); a row whose serial or\n"
     "fingerprint is not its certificate's is an error."},
    {"diff", cmd_diff, CLI_DIFF, "OLD_OUT NEW_OUT", NULL,
     "Release notes between two builds: the distrusts (NSS objects and OneCRL records)\n"
     "added, removed and changed, grouped by incident with bugs, names, purposes and\n"
     "targets; distrust-after dates; revocation blob keys per issuer; and a CHANGELOG\n"
     "snippet. Markdown, or JSON with --json. Exit 0 whether or not the builds differ."},
    {"deadlines", cmd_deadlines, CLI_DEADLINES, "POLICY...", NULL,
     "The report a root program posts on an incident's bug: for every incident entry\n"
     "(incident_serials, revoke_by, crl), the serials revoked on time, revoked late and\n"
     "not revoked, hours past the deadline, the CRLs checked (a stale one is flagged and\n"
     "is no evidence), when the unrevoked certificates expire (from --pool) and which\n"
     "distrust entries the next build adds. Judged at --date, else $SOURCE_DATE_EPOCH,\n"
     "else now: the time `distrust build` judges them at. Markdown, or JSON with --json."},
    {"emit-tests", cmd_emit, CLI_EMIT, "", NULL,
     "Write the chain cases of a build (made with --cases) as a scenario file for NSS's\n"
     "own tests/chains/chains.sh (OUT/scenarios/distrust.cfg, certificates in\n"
     "OUT/certs/ for tests/libpkix/certs/): per case a baseline database that must\n"
     "pass and one with the build's distrusts imported as not trusted."},
    {"query", cmd_query, CLI_QUERY, "BLOB", NULL,
     "Look certificates, issuer + serial pairs or subject + key pairs up in a revocation\n"
     "blob (OUT/revocations.blob). Exit 0 when something is listed, 1 when nothing is\n"
     "(as grep), 2 on a usage error or an unreadable or malformed input (a bad blob, any\n"
     "malformed batch line), 3 when --verify-key is given and the blob's signature is\n"
     "missing or does not verify."},
    {"reconcile", cmd_reconcile, CLI_RECONCILE, "", NULL,
     "OneCRL against the CCADB's revoked-intermediates report, as Mozilla's\n"
     "oneCRLDiffCCADB: a table of the report's rows by their \"OneCRL Status\" (Added to\n"
     "OneCRL, Cert Expired, Ready to Add) and whether OneCRL has them (by issuer + serial\n"
     "or subject + key), with the OneCRL records no row names; with --policy, what the\n"
     "policies send to OneCRL is a third row. With --pool and --certdata, every\n"
     "certificate of a revoked one's subject and key still trusted through a root of\n"
     "the store (a revocation a cross-certificate bypasses), and with --pool the\n"
     "OneCRL records whose certificates all expired. Markdown, or JSON with --json.\n"
     "Exit 0 when the table shows no inconsistency and no key revoked for a compromise\n"
     "stays trusted through another certificate, 3 when it does, 1 on bad input."},
    {"verify-signature", cmd_sig, CLI_SIG, "", "--build",
     "Check every signature of a build with a public key (P-256 or P-384): the\n"
     "Remote Settings p384ecdsa content signature of onecrl.json\n"
     "(onecrl.signature.json) and the signature of revocations.blob. Exit 0 when\n"
     "every one verifies, 3 when one does not or the build carries none, 1 when the\n"
     "key or a file cannot be read."},
};
const size_t cli_n_cmds = sizeof(cli_cmds) / sizeof(cli_cmds[0]);

/* What the command printed must have reached stdout: a full disk or a
 * closed pipe is an output that cannot be written (exit 1; query's error
 * code 2), never success. */
static int finish(struct cli *cli, const struct cli_cmd *cmd, int code)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return code;
    cli_error(cli, "%s: cannot write standard output: %s", cmd->name, strerror(errno));
    if (code == EXIT_INTERNAL || code == EXIT_USAGE)
        return code;
    return cmd->bit == CLI_QUERY ? EXIT_USAGE : EXIT_INPUT;
}

int main(int argc, char **argv)
{
    /* Output never depends on the locale: messages and files are C/UTF-8. */
    setlocale(LC_ALL, "C");
    struct cli cli;
    memset(&cli, 0, sizeof(cli));
    cli.prog = "distrust";
    cli.progress_tty = isatty(2);

    if (argc < 2) {
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "help") && argc >= 3) { /* distrust help COMMAND */
        for (size_t i = 0; i < cli_n_cmds; i++)
            if (!strcmp(cli_cmds[i].name, argv[2])) {
                char *args[2] = {(char *)"--help", NULL};
                return cli_cmds[i].run(&cli, 1, args);
            }
        fprintf(stderr, "distrust: help: unknown command '%s'\n", argv[2]);
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        cli_print_usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(name, "--man")) { /* hidden: make man */
        if (argc != 2) {
            fprintf(stderr, "usage: distrust --man <doc/distrust.1.in >doc/distrust.1\n");
            return EXIT_USAGE;
        }
        return cli_man(stdin, stdout);
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("distrust %s\n", DT_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, name))
            return finish(&cli, &cli_cmds[i], cli_cmds[i].run(&cli, argc - 2, argv + 2));
    const char *names[16];
    size_t n = 0;
    for (size_t i = 0; i < cli_n_cmds && n < 16; i++)
        names[n++] = cli_cmds[i].name;
    const char *s = dt_suggest(name, names, n);
    if (s)
        fprintf(stderr, "distrust: unknown command '%s'; did you mean '%s'?\n", name, s);
    else
        fprintf(stderr, "distrust: unknown command '%s'\n", name);
    cli_print_usage(stderr);
    return EXIT_USAGE;
}
