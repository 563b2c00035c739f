/*
 * cmd_verify.c - `distrust verify --build OUT CASES...`.
 */
#include "cli.h"

#include "cases.h"
#include "verify.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct args {
    const char *build, *engine, *deployments, *module, *p11kit, *keep, *jobs, *date;
    bool fresh;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *value)
{
    struct args *a = ctx;
    if (opt == OPT_BUILD)
        a->build = value;
    else if (opt == OPT_ENGINE)
        a->engine = value;
    else if (opt == OPT_DEPLOYMENTS)
        a->deployments = value;
    else if (opt == OPT_MODULE)
        a->module = value;
    else if (opt == OPT_P11KIT_TRUST)
        a->p11kit = value;
    else if (opt == OPT_KEEP_WORK)
        a->keep = value;
    else if (opt == OPT_JOBS)
        a->jobs = value;
    else if (opt == OPT_FRESH_PROCESSES)
        a->fresh = true;
    else if (opt == OPT_DATE)
        a->date = value;
    return 0;
}

struct printer {
    struct cli *cli;
};

static void print_line(const char *line, void *ctx)
{
    struct printer *p = ctx;
    if (p->cli->quiet && line[0] == '#')
        return;
    cli_progress_done(p->cli);
    printf("%s\n", line);
    fflush(stdout);
}

/* The module next to the binary (build tree) or where make install puts it. */
static const char *default_module(char *buf, size_t cap)
{
    const char *env = getenv("DISTRUST_PKCS11");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    snprintf(buf, cap, "%s/libdistrust-pkcs11.so", exe);
    if (access(buf, R_OK) == 0)
        return buf;
    /* Installed: PKCS11DIR (default LIBDIR/pkcs11) beside ../lib, or the
     * directory the build was configured for. */
    static const char *const rel[] = {"../lib/pkcs11", "../lib"};
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        snprintf(buf, cap, "%s/%s/libdistrust-pkcs11.so", exe, rel[i]);
        if (access(buf, R_OK) == 0)
            return buf;
    }
#ifdef DT_PKCS11DIR
    snprintf(buf, cap, "%s/libdistrust-pkcs11.so", DT_PKCS11DIR);
    if (access(buf, R_OK) == 0)
        return buf;
#endif
    return NULL;
}

/* A PKCS#11 module the run is to load (lib, named by what): one that is
 * missing, cannot be loaded or is no PKCS#11 module is one error, exit 1,
 * before any check runs (not a failure of every check, exit 4). */
static bool module_loads(struct cli *cli, const char *what, const char *lib)
{
    if (access(lib, R_OK) != 0) {
        cli_error(cli, "%s %s: cannot read it: %s", what, lib, strerror(errno));
        return false;
    }
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        cli_error(cli, "%s %s: cannot be loaded: %s", what, lib, why ? why : "dlopen failed");
        return false;
    }
    bool pkcs11 = dlsym(h, "C_GetFunctionList") != NULL;
    dlclose(h);
    if (!pkcs11)
        cli_error(cli, "%s %s: not a PKCS#11 module (no C_GetFunctionList)", what, lib);
    return pkcs11;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("verify");
    struct args a = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false};
    char **pos = NULL;
    int n_pos = 0;
    int code;
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
        goto out;
    }
    if (n_pos == 0) {
        code = cli_usage_error(cli, "verify", "missing CASES (chain case files)");
        goto out;
    }
    unsigned engines = DT_VERIFY_PKIX;
    if (a.engine) {
        engines = 0;
        char list[128];
        snprintf(list, sizeof(list), "%s", a.engine);
        for (char *save = NULL, *e = strtok_r(list, ",", &save); e;
             e = strtok_r(NULL, ",", &save)) {
            if (!strcmp(e, "pkix"))
                engines |= DT_VERIFY_PKIX;
            else if (!strcmp(e, "classic"))
                engines |= DT_VERIFY_CLASSIC;
            else if (!strcmp(e, "all"))
                engines |= DT_VERIFY_PKIX | DT_VERIFY_CLASSIC;
            else if (!strcmp(e, "openssl"))
                engines |= DT_VERIFY_OPENSSL;
            else {
                code = cli_usage_error(cli, "verify",
                                       "--engine %s: expected pkix, classic, all (the two NSS "
                                       "engines) or openssl, or a comma list of them",
                                       a.engine);
                goto out;
            }
        }
        if (!engines) {
            code = cli_usage_error(cli, "verify", "--engine: no engine given");
            goto out;
        }
    }
    unsigned deployments = 0;
    if (a.deployments) {
        char list[128];
        if (strlen(a.deployments) >= sizeof(list)) {
            code = cli_usage_error(cli, "verify", "--deployments: the list is too long");
            goto out;
        }
        snprintf(list, sizeof(list), "%s", a.deployments);
        for (char *save = NULL, *d = strtok_r(list, ",", &save); d;
             d = strtok_r(NULL, ",", &save)) {
            const char *sug = NULL;
            unsigned bit = !strcmp(d, "all") ? DT_DEPLOY_ALL : dt_cases_deployment_parse(d, &sug);
            if (!bit) {
                code = cli_usage_error(cli, "verify",
                                       "--deployments: unknown deployment \"%s\"%s%s%s "
                                       "(overlay, root-store, p11-kit, openssl or all, or a "
                                       "comma list of them)",
                                       d, sug ? "; did you mean \"" : "", sug ? sug : "",
                                       sug ? "\"?" : "");
                goto out;
            }
            deployments |= bit;
        }
        if (!deployments) {
            code = cli_usage_error(cli, "verify", "--deployments: no deployment given");
            goto out;
        }
    }
    unsigned jobs = 0;
    if (a.jobs) {
        char *end = NULL;
        unsigned long v = strtoul(a.jobs, &end, 10);
        if (!*a.jobs || *end || a.jobs[0] == '-' || v < 1 || v > 256) {
            code = cli_usage_error(cli, "verify", "--jobs %s: expected a number from 1 to 256",
                                   a.jobs);
            goto out;
        }
        jobs = (unsigned)v;
    }
    char modbuf[PATH_MAX + 64];
    const char *module = a.module ? a.module : default_module(modbuf, sizeof(modbuf));
    if (!module) {
        cli_error(cli, "cannot find libdistrust-pkcs11.so beside the distrust binary; give "
                       "--module PATH or set DISTRUST_PKCS11");
        code = EXIT_INPUT;
        goto out;
    }
    if (!module_loads(cli, a.module ? "--module" : "the PKCS#11 module", module)) {
        code = EXIT_INPUT;
        goto out;
    }
    const char *p11kit = a.p11kit;
    if (!p11kit && getenv("DISTRUST_P11KIT_TRUST") && *getenv("DISTRUST_P11KIT_TRUST"))
        p11kit = getenv("DISTRUST_P11KIT_TRUST");
    /* Named and there, it must load; not there, the p11-kit deployment is
     * not checked and the report says so. */
    if (p11kit && access(p11kit, F_OK) == 0 && !module_loads(cli, "--p11-kit-trust", p11kit)) {
        code = EXIT_INPUT;
        goto out;
    }
    struct printer pr = {cli};
    struct dt_verify_opts o;
    memset(&o, 0, sizeof(o));
    o.build_dir = a.build;
    o.case_files = (const char *const *)pos;
    o.n_case_files = (size_t)n_pos;
    o.engines = engines;
    o.deployments = deployments;
    o.p11kit_module = p11kit;
    o.module = module;
    o.keep_work = a.keep;
    int given = cli_eval_time(cli, "verify", a.date, &o.now);
    if (given < 0) {
        code = EXIT_USAGE;
        goto out;
    }
    if (!given)
        o.now = (int64_t)time(NULL);
    o.strict = cli->strict;
    cli->strict_in_task = true;
    o.jobs = jobs;
    o.fresh_processes = a.fresh;
    o.progress = cli_progress;
    o.progress_ctx = cli;
    o.diag = cli_diag;
    o.diag_ctx = cli;
    o.report = print_line;
    o.report_ctx = &pr;
    struct dt_verify_summary s;
    enum dt_err rc = dt_verify_run(&o, &s);
    if (rc == DT_OK || rc == DT_ERR_INTERNAL) {
        printf("1..%zu\n%zu passed, %zu failed\n", s.checks, s.passed, s.failed);
        fflush(stdout);
    }
    if (rc == DT_ERR_INTERNAL && s.errors) {
        fprintf(stderr, "%s: %zu check%s could not run\n", cli->prog, s.errors,
                s.errors == 1 ? "" : "s");
        code = EXIT_INTERNAL;
    } else if (rc != DT_OK) {
        code = cli_exit_for(cli, rc);
    } else {
        code = s.failed ? EXIT_MISMATCH : EXIT_OK;
    }
out:
    free(pos);
    return code;
}
