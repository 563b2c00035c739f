/*
 * verify_firefox.c - chain cases under Firefox (verify_firefox.h).
 */
#include "verify_firefox.h"

#include "file.h"
#include "b64.h"
#include "buf.h"
#include "cert.h"
#include "interrupt.h"
#include "marionette.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FF_START_TIMEOUT_MS 90000 /* Firefox's start, to its Marionette port */
#define FF_CMD_TIMEOUT_MS 60000   /* one command */

/* The process groups of the Firefoxes running now (0: a free slot), for
 * dt_firefox_kill_all in a signal handler: each slot is written whole
 * (sig_atomic_t holds a pid_t here), set once the child exists and cleared
 * before it is reaped (a pid reused later is never signalled). */
#define FF_LIVE_MAX 8
static volatile sig_atomic_t live[FF_LIVE_MAX];

static void live_add(pid_t pg)
{
    for (size_t i = 0; i < FF_LIVE_MAX; i++)
        if (!live[i]) {
            live[i] = (sig_atomic_t)pg;
            return;
        }
    /* all taken: the check points (dt_firefox_start's wait, dt_firefox_stop)
     * still stop it, only later */
}

static void live_remove(pid_t pg)
{
    for (size_t i = 0; i < FF_LIVE_MAX; i++)
        if (live[i] == (sig_atomic_t)pg)
            live[i] = 0;
}

size_t dt_firefox_kill_all(void)
{
    size_t n = 0;
    int saved = errno;
    for (size_t i = 0; i < FF_LIVE_MAX; i++) {
        pid_t pg = (pid_t)live[i];
        if (pg > 0) {
            kill(-pg, SIGKILL); /* Firefox and its content processes */
            kill(pg, SIGKILL);  /* in case it has not made its group yet */
            n++;
        }
    }
    errno = saved;
    return n;
}

struct dt_firefox {
    pid_t pid;
    char profile[PATH_MAX];
    char gre[PATH_MAX]; /* Firefox's directory of links, for a built-in roots module */
    struct dt_marionette *mn;
    char version[96];
    double startup_ms;
    size_t bundled;
};

/* The prefs of every profile: no update, telemetry, first-run page, remote
 * settings or OCSP traffic; CT off (the test roots have no SCTs); Marionette
 * on a port of Firefox's choosing, which it writes to MarionetteActivePort. */
static const char user_js[] =
    "user_pref(\"marionette.port\", 0);\n"
    "user_pref(\"security.pki.certificate_transparency.mode\", 0);\n"
    "user_pref(\"security.OCSP.enabled\", 0);\n"
    "user_pref(\"security.pki.crlite_mode\", 0);\n"
    "user_pref(\"security.remote_settings.crlite_filters.enabled\", false);\n"
    "user_pref(\"services.settings.server\", \"http://127.0.0.1:1/\");\n"
    "user_pref(\"app.update.disabledForTesting\", true);\n"
    "user_pref(\"app.update.auto\", false);\n"
    "user_pref(\"browser.shell.checkDefaultBrowser\", false);\n"
    "user_pref(\"browser.startup.page\", 0);\n"
    "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");\n"
    "user_pref(\"startup.homepage_welcome_url\", \"about:blank\");\n"
    "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);\n"
    "user_pref(\"datareporting.healthreport.uploadEnabled\", false);\n"
    "user_pref(\"toolkit.telemetry.reportingpolicy.firstRun\", false);\n"
    "user_pref(\"toolkit.telemetry.enabled\", false);\n"
    "user_pref(\"browser.safebrowsing.update.enabled\", false);\n"
    "user_pref(\"browser.safebrowsing.malware.enabled\", false);\n"
    "user_pref(\"browser.safebrowsing.phishing.enabled\", false);\n"
    "user_pref(\"extensions.update.enabled\", false);\n"
    "user_pref(\"network.captive-portal-service.enabled\", false);\n"
    "user_pref(\"network.connectivity-service.enabled\", false);\n";

/* The session's first script: the version; Firefox's own OneCRL (the
 * records it ships, which it loads into cert_storage asynchronously at
 * start-up: a verification in the first seconds may or may not see them, so
 * they are loaded here, and the run waits for cert_storage to hold them);
 * then the records of argument 0 (the build's) on top. */
static const char init_js[] =
    "const records = arguments[0], resolve = arguments[arguments.length - 1];\n"
    "const { AppConstants } = ChromeUtils.importESModule("
    "\"resource://gre/modules/AppConstants.sys.mjs\");\n"
    "const { RemoteSecuritySettings } = ChromeUtils.importESModule("
    "\"resource://gre/modules/psm/RemoteSecuritySettings.sys.mjs\");\n"
    "const version = Services.appinfo.name + ' ' + AppConstants.MOZ_APP_VERSION_DISPLAY;\n"
    "const cs = Cc['@mozilla.org/security/certstorage;1'].getService(Ci.nsICertStorage);\n"
    "const state = r => r.issuerName !== undefined\n"
    "  ? { state: Ci.nsICertStorage.STATE_ENFORCE, issuer: r.issuerName, serial: r.serialNumber,\n"
    "      QueryInterface: ChromeUtils.generateQI(['nsIIssuerAndSerialRevocationState']) }\n"
    "  : { state: Ci.nsICertStorage.STATE_ENFORCE, subject: r.subject, pubKey: r.pubKeyHash,\n"
    "      QueryInterface: ChromeUtils.generateQI(['nsISubjectAndPubKeyRevocationState']) };\n"
    "const set = list => new Promise(ok => list.length ? cs.setRevocations(list.map(state),\n"
    "  { done(rv) { ok(rv === undefined ? 0 : rv); } }) : ok(0));\n"
    "(async () => {\n"
    "  const bundled = await RemoteSecuritySettings.init().OneCRLBlocklistClient.get();\n"
    "  const brv = await set(bundled);\n"
    "  const rv = brv || await set(records);\n"
    "  const mods = [];\n"
    "  const mdb = Cc['@mozilla.org/security/pkcs11moduledb;1'].getService(Ci.nsIPKCS11ModuleDB);\n"
    "  for (const m of await mdb.listModules())\n"
    "    mods.push((m.libName || '') + '|' + (m.slots || []).map(t => t.tokenName || '').join(','));\n"
    "  resolve({ version, rv, bundled: bundled.length, loaded: records.length, mods });\n"
    "})().catch(e => resolve({ version, failure: String(e) }));\n";

/* One case: arguments chain (base64 DER, leaf first), anchors, usage
 * (nsIX509CertDB.verifyUsage*), time (seconds). */
static const char verify_js[] =
    "const [chain, anchors, usage, time] = arguments, resolve = arguments[arguments.length - 1];\n"
    "const db = Cc['@mozilla.org/security/x509certdb;1'].getService(Ci.nsIX509CertDB);\n"
    "const nss = Cc['@mozilla.org/nss_errors_service;1'].getService(Ci.nsINSSErrorsService);\n"
    "const added = [], temps = [];\n"
    "const cleanup = () => { for (const c of added) { try { db.deleteCertificate(c); } catch (e) {} } };\n"
    "try {\n"
    "  for (const c of chain.slice(1)) temps.push(db.constructX509FromBase64(c));\n"
    "  for (const a of anchors) added.push(db.addCertFromBase64(a, 'C,C,C'));\n"
    "} catch (e) { cleanup(); resolve({ failure: 'cannot add a certificate: ' + e }); return; }\n"
    "let leaf;\n"
    "try { leaf = db.constructX509FromBase64(chain[0]); }\n"
    "catch (e) { cleanup(); resolve({ failure: 'Firefox cannot parse the leaf: ' + e }); return; }\n"
    "const t0 = ChromeUtils.now();\n"
    "db.asyncVerifyCertAtTime(leaf, usage, Ci.nsIX509CertDB.FLAG_LOCAL_ONLY, null, time, [], {\n"
    "  verifyCertFinished(code, built) {\n"
    "    const ms = ChromeUtils.now() - t0;\n"
    "    let name = '';\n"
    "    if (code) { try { name = nss.getErrorName(nss.getXPCOMFromNSSError(code)); } catch (e) {} }\n"
    "    const path = (built || []).map(c => c.sha256Fingerprint);\n"
    "    cleanup(); temps.length = 0;\n"
    "    resolve({ code, name, ms, path });\n"
    "  }\n"
    "});\n";

/* The last line Firefox wrote (its log goes with its profile). */
static void log_tail(const char *path, char *out, size_t cap)
{
    char buf[4096];
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fseek(f, 0, SEEK_END) == 0) {
        long end = ftell(f);
        if (end > (long)sizeof(buf) - 1)
            fseek(f, end - (long)sizeof(buf) + 1, SEEK_SET);
        else
            rewind(f);
    }
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = 0;
    const char *last = strrchr(buf, '\n');
    last = last ? last + 1 : buf;
    size_t len = strlen(last);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, last, len);
    out[len] = 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool dt_firefox_find(const char *given, char *out, size_t cap, char *why, size_t why_cap)
{
    static const char *const names[] = {"firefox-esr", "firefox"};
    if (given) {
        bool ok = access(given, X_OK) == 0 && snprintf(out, cap, "%s", given) < (int)cap;
        if (!ok)
            snprintf(why, why_cap, "%s: %s", given, strerror(errno ? errno : ENOENT));
        return ok;
    }
    const char *path = getenv("PATH");
    for (size_t n = 0; n < DT_ARRAY_LEN(names); n++) {
        for (const char *p = path; p && *p;) {
            const char *e = strchr(p, ':');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (len && snprintf(out, cap, "%.*s/%s", (int)len, p, names[n]) < (int)cap &&
                access(out, X_OK) == 0)
                return true;
            p = e ? e + 1 : NULL;
        }
    }
    snprintf(why, why_cap, "neither firefox-esr nor firefox is on PATH");
    return false;
}

/* Runs argv, its output into log; true when it exits 0. */
static bool run_tool(char *const argv[], const char *log, char *why, size_t cap)
{
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, cap, "fork: %s", strerror(errno));
        return false;
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return true;
    snprintf(why, cap, "%s %s (its output: %s)", argv[0],
             WIFEXITED(st) && WEXITSTATUS(st) == 127 ? "cannot be run" : "failed", log);
    return false;
}

static enum dt_err write_text(const char *path, const char *text, char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0) {
        snprintf(why, cap, "cannot write %s: %s", path, strerror(errno));
        rc = DT_ERR_IO;
    }
    if (f && fclose(f) != 0 && rc == DT_OK) {
        snprintf(why, cap, "cannot write %s: %s", path, strerror(errno));
        rc = DT_ERR_IO;
    }
    return rc;
}

/* The profile's module database with the overlay module added, as a user
 * would add it: certutil -N, then modutil -add with its parameters. */
static enum dt_err add_overlay(const struct dt_firefox_config *cfg, const char *profile,
                               char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    char db[PATH_MAX + 8], log[PATH_MAX + 16], params[PATH_MAX + 16];
    snprintf(db, sizeof(db), "sql:%s", profile);
    snprintf(log, sizeof(log), "%s/nss-tools.log", profile);
    if (strpbrk(cfg->overlay_certdata, "\"\\") ||
        snprintf(params, sizeof(params), "certdata=\"%s\"", cfg->overlay_certdata) >=
            (int)sizeof(params)) {
        snprintf(why, cap, "%s: unusable as the module's certdata= parameter",
                 cfg->overlay_certdata);
        rc = DT_ERR_IO;
        goto out;
    }
    char *mk[] = {"certutil", "-N", "-d", db, "--empty-password", NULL};
    char *add[] = {"modutil", "-dbdir", db, "-add", "distrust", "-libfile",
                   (char *)cfg->overlay_module, "-string", params, "-force", NULL};
    if (!run_tool(mk, log, why, cap) || !run_tool(add, log, why, cap))
        rc = DT_ERR_IO;
out:
    return rc;
}

/* OneCRL's records for init_js, read from the build's onecrl.json. */
static enum dt_err onecrl_records(const char *path, json_t **out, char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    json_error_t je;
    *out = NULL;
    if (!path) {
        *out = json_array();
        rc = *out ? DT_OK : DT_ERR_NOMEM;
        goto out;
    }
    json_t *root = json_load_file(path, 0, &je);
    json_t *data = json_object_get(root, "data");
    if (!json_is_array(data)) {
        snprintf(why, cap, "%s: %s", path, root ? "no \"data\" array" : je.text);
        json_decref(root);
        rc = DT_ERR_IO;
        goto out;
    }
    *out = json_incref(data);
    json_decref(root);
out:
    return rc;
}

static enum dt_err copy_exec(const char *from, const char *to, char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (in < 0 || out < 0) {
        snprintf(why, cap, "cannot copy %s to %s: %s", from, to, strerror(errno));
        rc = DT_ERR_IO;
        goto out;
    }
    for (;;) {
        ssize_t r = read(in, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, cap, "cannot read %s: %s", from, strerror(errno));
            rc = DT_ERR_IO;
            goto out;
        }
        if (r == 0)
            break;
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(out, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                snprintf(why, cap, "cannot write %s: %s", to, strerror(errno));
                rc = DT_ERR_IO;
                goto out;
            }
            off += w;
        }
    }
out:
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0 && rc == DT_OK) {
        snprintf(why, cap, "cannot write %s: %s", to, strerror(errno));
        rc = DT_ERR_IO;
    }
    return rc;
}

/* Firefox's directory as ff->gre: a link to every file of the installed
 * one but its executable (a copy: Firefox takes its directory from
 * /proc/self/exe) and libnssckbi.so (the module). The installed Firefox is
 * never touched. *exe: the copy's path (cap bytes). */
static enum dt_err make_gre(struct dt_firefox *ff, const struct dt_firefox_config *cfg, char *exe,
                            size_t exe_cap, char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    char real[PATH_MAX], dir[PATH_MAX], from[PATH_MAX + 260], to[PATH_MAX + 260];
    DIR *d = NULL;
    if (!realpath(cfg->binary, real)) {
        snprintf(why, cap, "%s: %s", cfg->binary, strerror(errno));
        rc = DT_ERR_IO;
        goto out;
    }
    snprintf(dir, sizeof(dir), "%s", real);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : real;
    if (!slash) {
        snprintf(why, cap, "%s: not an absolute path", real);
        rc = DT_ERR_IO;
        goto out;
    }
    *slash = 0;
    if (snprintf(ff->gre, sizeof(ff->gre), "%s/firefox-dir-XXXXXX", cfg->work_dir) >=
            (int)sizeof(ff->gre) ||
        !mkdtemp(ff->gre)) {
        snprintf(why, cap, "cannot make a directory in %s: %s", cfg->work_dir, strerror(errno));
        ff->gre[0] = 0;
        rc = DT_ERR_IO;
        goto out;
    }
    d = opendir(dir);
    if (!d) {
        snprintf(why, cap, "%s: %s", dir, strerror(errno));
        rc = DT_ERR_IO;
        goto out;
    }
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strcmp(e->d_name, "libnssckbi.so"))
            continue;
        snprintf(from, sizeof(from), "%s/%s", dir, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", ff->gre, e->d_name);
        if (!strcmp(e->d_name, base))
            DT_TRY(copy_exec(from, to, why, cap));
        else if (symlink(from, to) != 0) {
            snprintf(why, cap, "cannot link %s: %s", to, strerror(errno));
            rc = DT_ERR_IO;
            goto out;
        }
    }
    snprintf(to, sizeof(to), "%s/libnssckbi.so", ff->gre);
    DT_TRY(copy_exec(cfg->builtin_module, to, why, cap));
    if (snprintf(exe, exe_cap, "%s/%s", ff->gre, base) >= (int)exe_cap) {
        snprintf(why, cap, "%s: path too long", ff->gre);
        rc = DT_ERR_IO;
    }
out:
    if (d)
        closedir(d);
    return rc;
}

enum dt_err dt_firefox_start(const struct dt_firefox_config *cfg, struct dt_firefox **out,
                             char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    json_t *res = NULL, *records = NULL;
    char path[PATH_MAX + 32];
    int64_t t0 = now_ms();
    struct dt_firefox *ff = calloc(1, sizeof(*ff));
    *out = NULL;
    if (!ff) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    ff->pid = -1;
    if (snprintf(ff->profile, sizeof(ff->profile), "%s/firefox-XXXXXX", cfg->work_dir) >=
            (int)sizeof(ff->profile) ||
        !mkdtemp(ff->profile)) {
        snprintf(why, cap, "cannot make a profile in %s: %s", cfg->work_dir, strerror(errno));
        ff->profile[0] = 0;
        rc = DT_ERR_IO;
        goto out;
    }
    snprintf(path, sizeof(path), "%s/user.js", ff->profile);
    DT_TRY(write_text(path, user_js, why, cap));
    if (cfg->overlay_module)
        DT_TRY(add_overlay(cfg, ff->profile, why, cap));
    DT_TRY(onecrl_records(cfg->onecrl_json, &records, why, cap));
    char exe[PATH_MAX + 300];
    snprintf(exe, sizeof(exe), "%s", cfg->binary);
    if (cfg->builtin_module)
        DT_TRY(make_gre(ff, cfg, exe, sizeof(exe), why, cap));
    /* Firefox's temporary files (it makes $TMPDIR/firefox-esr/ at start)
     * inside the profile: gone with it, even when Firefox is killed */
    char ftmp[PATH_MAX + 32];
    snprintf(ftmp, sizeof(ftmp), "%s/tmp", ff->profile);
    if (mkdir(ftmp, 0700) != 0) {
        snprintf(why, cap, "cannot make %s: %s", ftmp, strerror(errno));
        rc = DT_ERR_IO;
        goto out;
    }
    snprintf(path, sizeof(path), "%s/firefox.log", ff->profile);
    DT_ENSURE(!dt_interrupt_signal(), DT_ERR_INTERRUPTED);
    pid_t parent = getpid();
    ff->pid = fork();
    if (ff->pid < 0) {
        snprintf(why, cap, "fork: %s", strerror(errno));
        rc = DT_ERR_IO;
        goto out;
    }
    if (ff->pid == 0) {
        dt_interrupt_child();
        /* distrust killed by a signal it cannot catch (SIGKILL): Firefox goes
         * with it (its content processes follow it by themselves) */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(127);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (nul >= 0)
            dup2(nul, 0);
        setenv("MOZ_HEADLESS", "1", 1);
        setenv("TMPDIR", ftmp, 1);
        if (cfg->builtin_certdata)
            setenv("DISTRUST_CERTDATA", cfg->builtin_certdata, 1);
        setpgid(0, 0); /* its content processes go with it */
        char *argv[] = {exe, "--headless", "--marionette",
                        "--remote-allow-system-access", "-profile", ff->profile,
                        "--no-remote", NULL};
        execv(exe, argv);
        _exit(127);
    }
    /* Its group made here too (whichever of the two runs first), so that it
     * can be killed as a group at once; then known to the signal handler. */
    setpgid(ff->pid, ff->pid);
    live_add(ff->pid);
    /* Its Marionette port, once it listens. */
    char portfile[PATH_MAX + 32];
    snprintf(portfile, sizeof(portfile), "%s/MarionetteActivePort", ff->profile);
    int port = 0;
    for (;;) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            if (fscanf(f, "%d", &port) != 1)
                port = 0;
            fclose(f);
        }
        if (port > 0)
            break;
        DT_ENSURE(!dt_interrupt_signal(), DT_ERR_INTERRUPTED);
        siginfo_t si;
        memset(&si, 0, sizeof(si));
        if (waitid(P_PID, (id_t)ff->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            si.si_pid == ff->pid) {
            int st;
            live_remove(ff->pid); /* before it is reaped: its pid may be reused */
            while (waitpid(ff->pid, &st, 0) < 0 && errno == EINTR)
                ;
            ff->pid = -1;
            char tail[160];
            log_tail(path, tail, sizeof(tail));
            snprintf(why, cap, "%s exited before it listened for Marionette (its last output: %s)",
                     cfg->binary, tail[0] ? tail : "none");
            rc = DT_ERR_IO;
            goto out;
        }
        if (now_ms() - t0 > FF_START_TIMEOUT_MS) {
            char tail[160];
            log_tail(path, tail, sizeof(tail));
            snprintf(why, cap, "%s did not listen for Marionette within %d s (its last output: %s)",
                     cfg->binary, FF_START_TIMEOUT_MS / 1000, tail[0] ? tail : "none");
            rc = DT_ERR_IO;
            goto out;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    DT_TRY(dt_marionette_connect(port, FF_CMD_TIMEOUT_MS, &ff->mn, why, cap));
    DT_TRY(dt_marionette_command(ff->mn, "WebDriver:NewSession", NULL, FF_CMD_TIMEOUT_MS, &res,
                                 why, cap));
    json_decref(res);
    res = NULL;
    DT_TRY(dt_marionette_command(ff->mn, "Marionette:SetContext",
                                 json_pack("{s:s}", "value", "chrome"), FF_CMD_TIMEOUT_MS, &res,
                                 why, cap));
    json_decref(res);
    res = NULL;
    json_t *params = json_pack("{s:s, s:[O], s:i}", "script", init_js, "args", records,
                               "scriptTimeout", FF_CMD_TIMEOUT_MS);
    DT_TRY(dt_marionette_command(ff->mn, "WebDriver:ExecuteAsyncScript", params,
                                 FF_CMD_TIMEOUT_MS, &res, why, cap));
    json_t *v = json_object_get(res, "value");
    const char *ver = json_string_value(json_object_get(v, "version"));
    if (!ver) {
        snprintf(why, cap, "Firefox did not say its version");
        rc = DT_ERR_IO;
        goto out;
    }
    const char *jsf = json_string_value(json_object_get(v, "failure"));
    if (jsf) {
        snprintf(why, cap, "the session's first script (OneCRL into cert_storage, the "
                 "modules) failed: %s", jsf);
        rc = DT_ERR_IO;
        goto out;
    }
    ff->bundled = (size_t)json_integer_value(json_object_get(v, "bundled"));
    json_int_t lrc = json_integer_value(json_object_get(v, "rv"));
    if (lrc != 0) {
        snprintf(why, cap, "cert_storage refused OneCRL's records: nsresult 0x%08llx",
                 (unsigned long long)(uint32_t)lrc);
        rc = DT_ERR_IO;
        goto out;
    }
    if (cfg->builtin_module) {
        /* the module must be Firefox's built-in roots module, with a token */
        char want[PATH_MAX + 32];
        snprintf(want, sizeof(want), "%s/libnssckbi.so|", ff->gre);
        bool found = false;
        json_t *mods = json_object_get(v, "mods");
        for (size_t i = 0; i < json_array_size(mods) && !found; i++) {
            const char *m = json_string_value(json_array_get(mods, i));
            found = m && !strncmp(m, want, strlen(want)) && m[strlen(want)];
        }
        if (!found) {
            char tail[160];
            log_tail(path, tail, sizeof(tail));
            snprintf(why, cap, "Firefox did not load the module as its built-in roots module "
                     "(no token from libnssckbi.so; its last output: %s)", tail[0] ? tail : "none");
            rc = DT_ERR_IO;
            goto out;
        }
    }
    snprintf(ff->version, sizeof(ff->version), "%s", ver);
    ff->startup_ms = (double)(now_ms() - t0);
    DT_ENSURE(!dt_interrupt_signal(), DT_ERR_INTERRUPTED);
    *out = ff;
    ff = NULL;
out:
    if (rc != DT_OK && rc != DT_ERR_NOMEM && dt_interrupt_signal()) {
        rc = DT_ERR_INTERRUPTED; /* whatever failed, a signal stopped it */
        snprintf(why, cap, "interrupted");
    }
    json_decref(res);
    json_decref(records);
    dt_firefox_stop(ff);
    return rc;
}

const char *dt_firefox_version(const struct dt_firefox *ff)
{
    return ff->version;
}

size_t dt_firefox_bundled_onecrl(const struct dt_firefox *ff)
{
    return ff->bundled;
}

double dt_firefox_startup_ms(const struct dt_firefox *ff)
{
    return ff->startup_ms;
}

bool dt_firefox_usage_supported(enum dt_usage u)
{
    return u != DT_USAGE_CODE_SIGNING;
}

/* nsIX509CertDB.verifyUsage* (Firefox 153). */
static int usage_of(enum dt_usage u)
{
    switch (u) {
    case DT_USAGE_SERVER:
        return 1;
    case DT_USAGE_SSL_CA:
        return 2;
    case DT_USAGE_CLIENT:
        return 3;
    case DT_USAGE_EMAIL_SIGNER:
        return 5;
    case DT_USAGE_EMAIL_RECIPIENT:
        return 6;
    case DT_USAGE_CODE_SIGNING:
    default:
        return 0;
    }
}

/* Names of the codes Firefox's verifier gives, for when
 * nsINSSErrorsService has none. */
static const struct {
    int code;
    const char *name;
} known_errors[] = {
    {-8016, "SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED"},
    {-8101, "SEC_ERROR_INADEQUATE_CERT_TYPE"},
    {-8102, "SEC_ERROR_INADEQUATE_KEY_USAGE"},
    {-8156, "SEC_ERROR_CA_CERT_INVALID"},
    {-8162, "SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE"},
    {-8171, "SEC_ERROR_UNTRUSTED_CERT"},
    {-8172, "SEC_ERROR_UNTRUSTED_ISSUER"},
    {-8179, "SEC_ERROR_UNKNOWN_ISSUER"},
    {-8180, "SEC_ERROR_REVOKED_CERTIFICATE"},
    {-8181, "SEC_ERROR_EXPIRED_CERTIFICATE"},
    {-8182, "SEC_ERROR_BAD_SIGNATURE"},
    {-16367, "MOZILLA_PKIX_ERROR_ISSUER_NO_LONGER_TRUSTED"},
};

static void error_name(int code, const char *given, char *out, size_t cap)
{
    if (given && *given) {
        snprintf(out, cap, "%s", given);
        return;
    }
    for (size_t i = 0; i < DT_ARRAY_LEN(known_errors); i++)
        if (known_errors[i].code == code) {
            snprintf(out, cap, "%s", known_errors[i].name);
            return;
        }
    snprintf(out, cap, "error %d", code);
}

static enum dt_err b64_array(struct dt_cert *const *v, size_t n, size_t from, json_t **out)
{
    enum dt_err rc = DT_OK;
    struct dt_buf b;
    dt_buf_init(&b, 1u << 20);
    *out = json_array();
    if (!*out) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    for (size_t i = from; i < n; i++) {
        dt_buf_reset(&b);
        DT_TRY(dt_b64_encode(dt_slice_make(v[i]->der, v[i]->der_len), &b));
        if (json_array_append_new(*out, json_stringn((const char *)b.data, b.len)) != 0) {
            rc = DT_ERR_NOMEM;
            goto out;
        }
    }
out:
    dt_buf_free(&b);
    if (rc != DT_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* "AB:CD:..." into 32 bytes. */
static bool fingerprint(const char *s, uint8_t out[32])
{
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        if (!s || sscanf(s + 3 * i, "%2x", &v) != 1 || (i < 31 && s[3 * i + 2] != ':'))
            return false;
        out[i] = (uint8_t)v;
    }
    return true;
}

enum dt_err dt_firefox_verify(struct dt_firefox *ff, const struct dt_case *k, int64_t t,
                              struct dt_firefox_outcome *o)
{
    enum dt_err rc = DT_OK;
    json_t *chain = NULL, *anchors = NULL, *res = NULL;
    memset(o, 0, sizeof(*o));
    DT_ENSURE(!dt_interrupt_signal(), DT_ERR_INTERRUPTED);
    int usage = usage_of(k->usage);
    if (!usage) {
        snprintf(o->failure, sizeof(o->failure), "Firefox has no %s usage",
                 dt_cases_usage_name(k->usage));
        goto out;
    }
    DT_TRY(b64_array(k->chain, k->n_chain, 0, &chain));
    /* under a built-in roots module the anchors are its roots: a trust
     * record of the profile's own would outrank the module's objects */
    DT_TRY(b64_array(k->anchors, ff->gre[0] ? 0 : k->n_anchors, 0, &anchors));
    json_t *params = json_pack("{s:s, s:[O, O, i, I], s:i}", "script", verify_js, "args", chain,
                               anchors, usage, (json_int_t)t, "scriptTimeout", FF_CMD_TIMEOUT_MS);
    rc = dt_marionette_command(ff->mn, "WebDriver:ExecuteAsyncScript", params, FF_CMD_TIMEOUT_MS,
                               &res, o->failure, sizeof(o->failure));
    if (rc != DT_OK) {
        if (rc != DT_ERR_NOMEM)
            rc = dt_interrupt_signal() ? DT_ERR_INTERRUPTED /* Firefox killed by the handler */
                                       : DT_OK; /* o->ran false: the check reports it */
        goto out;
    }
    json_t *v = json_object_get(res, "value");
    const char *failure = json_string_value(json_object_get(v, "failure"));
    if (failure || !json_is_integer(json_object_get(v, "code"))) {
        snprintf(o->failure, sizeof(o->failure), "%s",
                 failure ? failure : "Firefox gave no verification result");
        goto out;
    }
    o->ran = true;
    o->error = (int)json_integer_value(json_object_get(v, "code"));
    o->good = o->error == 0;
    o->ms = json_number_value(json_object_get(v, "ms"));
    if (o->good)
        snprintf(o->error_name, sizeof(o->error_name), "ok");
    else
        error_name(o->error, json_string_value(json_object_get(v, "name")), o->error_name,
                   sizeof(o->error_name));
    json_t *path = json_object_get(v, "path");
    for (size_t i = 0; i < json_array_size(path) && o->n_path < DT_FIREFOX_MAX_PATH; i++)
        if (fingerprint(json_string_value(json_array_get(path, i)), o->path_sha256[o->n_path]))
            o->n_path++;
out:
    json_decref(chain);
    json_decref(anchors);
    json_decref(res);
    return rc;
}

void dt_firefox_stop(struct dt_firefox *ff)
{
    if (!ff)
        return;
    if (ff->mn && ff->pid > 0 && !dt_interrupt_signal()) {
        json_t *res = NULL;
        char why[256];
        if (dt_marionette_command(ff->mn, "Marionette:Quit",
                                  json_pack("{s:[s]}", "flags", "eForceQuit"), 10000, &res, why,
                                  sizeof(why)) == DT_OK)
            json_decref(res);
    }
    dt_marionette_free(ff->mn);
    if (ff->pid > 0) {
        /* Until it exits (not reaped yet: WNOWAIT keeps its pid and group
         * ours), 10 s after Quit, or at once when a signal interrupts the run. */
        int64_t t0 = now_ms();
        for (;;) {
            siginfo_t si;
            memset(&si, 0, sizeof(si));
            int w = waitid(P_PID, (id_t)ff->pid, &si, WEXITED | WNOHANG | WNOWAIT);
            if ((w == 0 && si.si_pid == ff->pid) || (w < 0 && errno != EINTR))
                break;
            if (dt_interrupt_signal() || now_ms() - t0 > 10000)
                break;
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(-ff->pid, SIGKILL); /* any content process left in its group */
        kill(ff->pid, SIGKILL);
        live_remove(ff->pid);
        int st;
        while (waitpid(ff->pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    if (ff->profile[0])
        dt_file_rm_tree(ff->profile);
    if (ff->gre[0])
        dt_file_rm_tree(ff->gre);
    free(ff);
}
