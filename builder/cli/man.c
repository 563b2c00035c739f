/*
 * man.c - the man page's generated parts (`distrust --man`, run by `make
 * man`): the synopsis, the options, the options of each command and the exit
 * status, from the tables --help reads too.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Writes s with roff's specials escaped ('-' as "\-", '\' as "\e", a leading
 * '.' or '\'' protected). */
static void roff(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '-')
            fputs("\\-", out);
        else if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '\n')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

static void synopsis(FILE *out)
{
    for (size_t i = 0; i < cli_n_cmds; i++) {
        const struct cli_cmd *c = &cli_cmds[i];
        fputs(".B distrust ", out);
        roff(out, c->name);
        fputc('\n', out);
        for (size_t k = 0; k < OPT_COUNT; k++) {
            const struct cli_option *o = &cli_options[k];
            if (!(o->cmds & c->bit) || k == OPT_HELP || k == OPT_VERBOSE || k == OPT_QUIET ||
                k == OPT_STRICT)
                continue;
            const char *arg = cli_option_arg(o, c->bit);
            bool req = o->required & c->bit;
            fputs(req ? ".B " : (arg ? ".RB [ " : ".RB [ "), out);
            roff(out, o->short_name && req ? (char[]){'-', o->short_name, 0} : o->long_name);
            if (arg) {
                fputs(req ? "\n.I " : "\n.IR ", out);
                roff(out, arg);
                if (!req)
                    fputs(" ]", out);
            } else {
                fputs(" ]", out);
            }
            if (o->repeatable)
                fputs("...", out);
            fputc('\n', out);
        }
        fputs(".RB [ \\-\\-strict ]\n.RB [ \\-q ]\n.RB [ \\-v ]\n", out);
        if (c->args[0]) {
            fputs(".I ", out);
            roff(out, c->args);
            fputc('\n', out);
        }
        fputs(".br\n", out);
    }
    fputs(".B distrust help\n.I COMMAND\n.br\n.B distrust\n.RB [ \\-h | \\-\\-help | "
          "\\-\\-version ]\n",
          out);
}

/* The commands of mask, by name: "build, lint". */
static void cmd_names(FILE *out, unsigned mask)
{
    bool first = true;
    if (mask == CLI_ALL) {
        fputs("every command", out);
        return;
    }
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (cli_cmds[i].bit & mask) {
            fputs(first ? "" : ", ", out);
            roff(out, cli_cmds[i].name);
            first = false;
        }
}

/* Option o's help text for the command at index i of cli_cmds, if o has
 * an earlier command with the same text: true. */
static bool said_before(const struct cli_option *o, size_t i)
{
    const char *h = cli_option_help(o, cli_cmds[i].bit);
    for (size_t j = 0; j < i; j++)
        if ((o->cmds & cli_cmds[j].bit) && cli_option_help(o, cli_cmds[j].bit) == h)
            return true;
    return false;
}

static void options(FILE *out)
{
    for (size_t k = 0; k < OPT_COUNT; k++) {
        const struct cli_option *o = &cli_options[k];
        /* The tag: one line. */
        fputs(".TP\n", out);
        if (o->short_name)
            fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
        fputs("\\fB", out);
        roff(out, o->long_name);
        fputs("\\fR", out);
        if (o->arg) {
            fputs(" \\fI", out);
            roff(out, o->arg);
            fputs("\\fR", out);
        }
        fputs("\n(", out);
        cmd_names(out, o->cmds);
        fputs(o->repeatable ? "; repeatable) " : ") ", out);
        roff(out, o->concept);
        fputs(".\n", out);
        /* What it does: one line per distinct text, with the commands it is
         * for when they differ. */
        bool one_text = true;
        for (size_t i = 0; i < cli_n_cmds; i++)
            if ((o->cmds & cli_cmds[i].bit) && cli_option_help(o, cli_cmds[i].bit) != o->help)
                one_text = false;
        for (size_t i = 0; i < cli_n_cmds; i++) {
            unsigned bit = cli_cmds[i].bit;
            if (!(o->cmds & bit) || said_before(o, i))
                continue;
            const char *h = cli_option_help(o, bit);
            fputs(".br\n", out);
            if (!one_text) {
                unsigned same = 0;
                for (size_t j = 0; j < cli_n_cmds; j++)
                    if ((o->cmds & cli_cmds[j].bit) && cli_option_help(o, cli_cmds[j].bit) == h)
                        same |= cli_cmds[j].bit;
                fputs("\\fB", out);
                cmd_names(out, same);
                fputs("\\fR", out);
                const char *arg = cli_option_arg(o, bit);
                if (arg && o->arg && strcmp(arg, o->arg) != 0) {
                    fputs(" \\fI", out);
                    roff(out, arg);
                    fputs("\\fR", out);
                }
                fputs(": ", out);
            }
            roff(out, h);
            fputs(".\n", out);
        }
    }
    fputs(".PP\nThe spellings of the previous release still work, with a warning on standard "
          "error, and go away in the next one:\n",
          out);
    for (size_t k = 0; k < cli_n_deprecated; k++) {
        const struct cli_deprecated *d = &cli_deprecated[k];
        fputs(".B ", out);
        roff(out, d->spelling);
        fputs("\n(", out);
        cmd_names(out, d->cmds);
        fputs(") is\n.BR ", out);
        roff(out, cli_options[d->id].long_name);
        fputs(k + 1 < cli_n_deprecated ? " ,\n" : " ;\n", out);
    }
    fputs(".B impact \\-\\-purpose\n.BR server ,\n.B email\nand\n.B code\nare\n"
          ".BR server\\-auth ,\n.B email\\-protection\nand\n.BR code\\-signing ;\n"
          ".B verify\\-signature\n.I OUT\nis\n.B verify\\-signature \\-\\-build\n.IR OUT .\n",
          out);
}

static void exit_status(FILE *out)
{
    for (size_t i = 0; i < cli_n_exit_table; i++) {
        fprintf(out, ".TP\n.B %d\n", cli_exit_table[i].code);
        roff(out, cli_exit_table[i].text);
        fputs(".\n", out);
    }
}

int cli_man(FILE *in, FILE *out)
{
    char line[4096];
    while (fgets(line, sizeof(line), in)) {
        if (!strcmp(line, "@SYNOPSIS@\n"))
            synopsis(out);
        else if (!strcmp(line, "@OPTIONS@\n"))
            options(out);
        else if (!strcmp(line, "@EXIT_STATUS@\n"))
            exit_status(out);
        else {
            char *v = strstr(line, "@VERSION@");
            if (v) {
                fwrite(line, 1, (size_t)(v - line), out);
                fputs(DT_VERSION, out);
                fputs(v + strlen("@VERSION@"), out);
            } else {
                fputs(line, out);
            }
        }
    }
    if (ferror(in) || fflush(out) != 0 || ferror(out)) {
        fprintf(stderr, "distrust: error: --man: cannot read the template or write the page\n");
        return EXIT_INPUT;
    }
    return EXIT_OK;
}
