/*
 * test_options.c - the command line's one option table (builder/cli/
 * options.c): every row at its index, long names unique, a short letter for
 * one option only, every option with a concept, a help and a command, the
 * per-command texts and the required options within the commands that take
 * the option, the deprecated spellings never a current name of their
 * command; and the lookups of a command's argument name and help.
 */
#include "unit.h"

#include "../../builder/cli/options.c"

/* The commands (bits) whose spelling s is also a current option (long
 * name, or "-X" short letter) of: 0 when none. */
static unsigned current_for(const char *s)
{
    unsigned cmds = 0;
    for (size_t k = 0; k < OPT_COUNT; k++) {
        const struct cli_option *o = &cli_options[k];
        if (!strcmp(o->long_name, s) || (s[0] == '-' && s[1] != '-' && s[1] == o->short_name))
            cmds |= o->cmds;
    }
    return cmds;
}

/* Checks the table; returns the number of faults, each printed. */
static int faults(const struct cli_option *t, size_t n)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        const struct cli_option *o = &t[k];
        if ((size_t)o->id != k) {
            printf("#   row %zu has id %d\n", k, (int)o->id);
            bad++;
        }
        if (!o->long_name || strncmp(o->long_name, "--", 2) || !o->concept || !*o->concept ||
            !o->help || !*o->help || !o->cmds || (o->cmds & ~CLI_ALL) ||
            (o->required & ~o->cmds)) {
            printf("#   row %zu (%s): a name, concept, help or command missing\n", k,
                   o->long_name ? o->long_name : "?");
            bad++;
        }
        for (size_t i = 0; i < sizeof(o->per) / sizeof(o->per[0]) && o->per[i].cmds; i++)
            if (o->per[i].cmds & ~o->cmds) {
                printf("#   %s: a text for a command that does not take it\n", o->long_name);
                bad++;
            }
        for (size_t j = 0; j < k; j++) {
            if (!strcmp(t[j].long_name, o->long_name)) {
                printf("#   %s twice\n", o->long_name);
                bad++;
            }
            if (o->short_name && t[j].short_name == o->short_name) {
                printf("#   -%c is %s and %s\n", o->short_name, t[j].long_name, o->long_name);
                bad++;
            }
        }
    }
    return bad;
}

int main(void)
{
    CHECK(faults(cli_options, OPT_COUNT) == 0,
          "the table: rows at their index, every field, long names and short letters unique");

    /* The check sees the clashes 0.4.0 had (-k for two options, -b too). */
    static struct cli_option copy[OPT_COUNT];
    memcpy(copy, cli_options, sizeof(copy));
    copy[OPT_KEEP_WORK].short_name = 'k';
    copy[OPT_VERIFY_KEY].short_name = 'k';
    CHECK(faults(copy, OPT_COUNT) == 1, "a letter for two options is found");
    memcpy(copy, cli_options, sizeof(copy));
    copy[OPT_CERT].required = CLI_BUILD;
    CHECK(faults(copy, OPT_COUNT) == 1, "a command required to give an option it does not take");

    int clash = 0;
    for (size_t k = 0; k < cli_n_deprecated; k++) {
        const struct cli_deprecated *d = &cli_deprecated[k];
        if (current_for(d->spelling) & d->cmds) {
            printf("#   %s is deprecated and current for the same command\n", d->spelling);
            clash++;
        }
        if (!(cli_options[d->id].cmds & d->cmds)) {
            printf("#   %s stands for %s, which its command does not take\n", d->spelling,
                   cli_options[d->id].long_name);
            clash++;
        }
        for (size_t j = 0; j < k; j++)
            if (!strcmp(cli_deprecated[j].spelling, d->spelling) &&
                (cli_deprecated[j].cmds & d->cmds)) {
                printf("#   %s deprecated twice for one command\n", d->spelling);
                clash++;
            }
    }
    CHECK(clash == 0 && cli_n_deprecated >= 10,
          "deprecated spellings: never a current option of their command, each to an option it "
          "takes (%zu)",
          cli_n_deprecated);
    CHECK(current_for("--now") == 0 && current_for("--time") == 0 && current_for("--key") == 0 &&
              current_for("--nss-chains") == 0,
          "0.4.0's --now, --time, --key and --nss-chains are no current option");

    /* One name per concept. */
    CHECK((cli_options[OPT_DATE].cmds & (CLI_BUILD | CLI_LINT | CLI_IMPACT | CLI_DEADLINES)) ==
              (CLI_BUILD | CLI_LINT | CLI_IMPACT | CLI_DEADLINES),
          "--date for build, lint, impact and deadlines");
    CHECK(cli_options[OPT_STRICT].cmds == CLI_ALL && cli_options[OPT_QUIET].cmds == CLI_ALL &&
              cli_options[OPT_QUIET].short_name == 'q',
          "--strict and -q/--quiet on every command");
    CHECK((cli_options[OPT_OUT].cmds & CLI_EMIT) && (cli_options[OPT_BUILD].cmds & CLI_SIG) &&
              (cli_options[OPT_VERIFY_KEY].cmds == (CLI_QUERY | CLI_SIG)) &&
              cli_options[OPT_SIGN_KEY].cmds == CLI_BUILD,
          "emit-tests -o; verify-signature --build; --verify-key to check, --sign-key to sign");

    /* The lookups. */
    CHECK_STR(cli_option_arg(&cli_options[OPT_OUT], CLI_BUILD), "DIR", "-o for build: DIR");
    CHECK_STR(cli_option_arg(&cli_options[OPT_OUT], CLI_DIFF), "FILE", "-o for diff: FILE");
    CHECK_STR(cli_option_arg(&cli_options[OPT_POOL], CLI_BUILD), "PATH",
              "an option without a text of its own for a command: its own argument");
    CHECK(cli_option_help(&cli_options[OPT_DATE], CLI_LINT) == cli_options[OPT_DATE].help &&
              cli_option_help(&cli_options[OPT_DATE], CLI_BUILD) != cli_options[OPT_DATE].help,
          "the help: a command's own text, else the general one");
    return unit_done();
}
