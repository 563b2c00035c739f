/*
 * testscript.c - OUT/test-distrust.sh and OUT/tests/ (build --cases).
 *
 * The chain cases given to the build are copied into OUT/tests/ (one
 * directory per case: chain-NN.pem leaf first, anchor-NN.pem; a case whose
 * anchors are a certdata.txt root store gets the store's trusted roots that
 * issued its last certificate), with OUT/tests/cases.json so that `distrust
 * verify --build OUT OUT/tests/cases.json` replays them too. test-distrust.sh
 * is a self-contained POSIX sh script in the spirit of NSS's
 * tests/cert/cert.sh: per case, a fresh database; a baseline without the
 * distrust data that must validate (vfychain -pp, the anchors as -t); then
 * the same with the NSS under test (its built-in roots module: the
 * root-store deployment) or libdistrust-pkcs11.so serving the build's
 * certdata-distrust.txt (the overlay deployment). Distrust-after dates are
 * credited only to a built-in roots module that carries them (vfychain -vv
 * shows the root's dates), never to the overlay or p11-kit-trust.so.
 */
#include "testscript.h"

#include "pool.h"
#include "time.h"
#include "version.h"
#include "nssobj.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned purpose_of(enum dt_usage u)
{
    switch (u) {
    case DT_USAGE_EMAIL_SIGNER:
    case DT_USAGE_EMAIL_RECIPIENT:
        return DT_PURPOSE_EMAIL;
    case DT_USAGE_CODE_SIGNING:
        return DT_PURPOSE_CODE;
    default:
        return DT_PURPOSE_SERVER;
    }
}

/* Whether the build gives one of the case's anchors a distrust-after date
 * for its usage (the script then says that the date is not credited
 * where its client does not enforce it). */
static bool dated(const struct dt_model *m, const struct dt_case *k, struct dt_cert *const *anchors,
                  size_t n_anchors)
{
    bool email = k->usage == DT_USAGE_EMAIL_SIGNER || k->usage == DT_USAGE_EMAIL_RECIPIENT;
    if (k->usage == DT_USAGE_CODE_SIGNING || k->usage == DT_USAGE_CLIENT)
        return false;
    for (size_t i = 0; i < m->n_afters; i++) {
        const struct dt_after *a = &m->afters[i];
        if (!(a->rule->targets & DT_TARGET_NSS) || !(email ? a->has_email : a->has_server))
            continue;
        for (size_t j = 0; j < n_anchors; j++)
            if (!memcmp(anchors[j]->sha256, a->cert->sha256, 32))
                return true;
    }
    return false;
}

static const char script_head[] =
    "#!/bin/sh\n"
    "# test-distrust.sh - the chain cases of this build, replayed with NSS's\n"
    "# vfychain in the spirit of NSS's tests/cert/cert.sh.\n"
    "#\n"
    "# Usage: test-distrust.sh [--ckbi LIB [--ckbi-args ARGS] | --module LIB]\n"
    "#   --ckbi LIB       the NSS built-in roots module under test (the libnssckbi.so\n"
    "#                    built from a certdata.txt with this build merged in: the\n"
    "#                    root-store deployment); default: the system libnssckbi.so\n"
    "#                    (or p11-kit-trust.so, which p11-kit based systems use in\n"
    "#                    its place: the p11-kit deployment)\n"
    "#   --ckbi-args ARGS module parameters for it (modutil -string)\n"
    "#   --module LIB     libdistrust-pkcs11.so, serving this build's\n"
    "#                    certdata-distrust.txt in overlay mode (the overlay deployment)\n"
    "# Per case, in a fresh temporary database: a baseline with the case's anchors\n"
    "# (--module: served as built-in roots by a copy of the module, as distrust\n"
    "# verify serves them; --ckbi: vfychain -t) and no distrust data must validate\n"
    "# (else the case is INVALID: it would prove nothing); then the same with the\n"
    "# module loaded must give the expected verdict. NSS does not enforce\n"
    "# distrust-after dates; Firefox does, from its built-in roots module only: with\n"
    "# --ckbi (not p11-kit-trust.so) the script applies Firefox's rule to the date\n"
    "# the module under test carries for the root (vfychain -vv shows it), and\n"
    "# never otherwise. A case whose \"deployments\" leave out the mode's is skipped.\n"
    "# Prints TAP; exits 1 on any mismatch or invalid case, 2 on a usage or setup\n"
    "# error. Needs certutil, modutil and vfychain.\n"
    "set -u\n"
    "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
    "usage() { sed -n '5,24p' \"$0\" | sed 's/^# \\{0,1\\}//'; }\n"
    "mode=ckbi lib= args=\n"
    "while [ $# -gt 0 ]; do\n"
    "    case $1 in\n"
    "    --ckbi) [ $# -ge 2 ] || { usage >&2; exit 2; }; mode=ckbi lib=$2; shift 2 ;;\n"
    "    --ckbi-args) [ $# -ge 2 ] || { usage >&2; exit 2; }; args=$2; shift 2 ;;\n"
    "    --module) [ $# -ge 2 ] || { usage >&2; exit 2; }; mode=module lib=$2; shift 2 ;;\n"
    "    -h | --help) usage; exit 0 ;;\n"
    "    *) echo \"test-distrust.sh: unknown argument: $1\" >&2; usage >&2; exit 2 ;;\n"
    "    esac\n"
    "done\n"
    "for t in certutil modutil vfychain; do\n"
    "    command -v $t >/dev/null 2>&1 || { echo \"test-distrust.sh: $t not found (NSS tools)\" "
    ">&2; exit 2; }\n"
    "done\n"
    "if [ -z \"$lib\" ]; then\n"
    "    for f in /usr/lib/x86_64-linux-gnu/nss/libnssckbi.so "
    "/usr/lib/aarch64-linux-gnu/nss/libnssckbi.so \\\n"
    "        /usr/lib64/libnssckbi.so /usr/lib/libnssckbi.so /usr/lib/nss/libnssckbi.so \\\n"
    "        /usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so /usr/lib64/pkcs11/p11-kit-trust.so; "
    "do\n"
    "        [ -f \"$f\" ] && { lib=$f; break; }\n"
    "    done\n"
    "    [ -n \"$lib\" ] || { echo \"test-distrust.sh: no system libnssckbi.so: give --ckbi or "
    "--module\" >&2; exit 2; }\n"
    "fi\n"
    "[ -f \"$lib\" ] || { echo \"test-distrust.sh: $lib: no such file\" >&2; exit 2; }\n"
    "case $lib in /*) ;; *) lib=$(pwd)/$lib ;; esac\n"
    "# The deployment the mode models (distrust verify --deployments names them).\n"
    "deployment=overlay\n"
    "if [ $mode = ckbi ]; then\n"
    "    deployment=root-store real=$lib\n"
    "    [ -L \"$lib\" ] && real=$(readlink -f \"$lib\" 2>/dev/null || echo \"$lib\")\n"
    "    case $real in */p11-kit-trust.so) deployment=p11-kit ;; esac\n"
    "fi\n"
    "tmp=$(mktemp -d \"${TMPDIR:-/tmp}/test-distrust.XXXXXX\") || exit 2\n"
    "trap 'rm -rf \"$tmp\"' EXIT\n"
    "trap 'exit 2' HUP INT TERM\n"
    "newdb() { # DIR WITH ANCHORS: a database; the module under test when WITH is 1\n"
    "    mkdir \"$1\" && certutil -N --empty-password -d \"sql:$1\" >/dev/null 2>&1 || return 1\n"
    "    if [ $mode = module ]; then\n"
    "        # the anchors as built-in roots, served by a copy of the module (NSS loads\n"
    "        # one instance per library file), as distrust verify serves them\n"
    "        modutil -force -dbdir \"sql:$1\" -add anchors -libfile \"$tmp/anchors-module.so\" \\\n"
    "            -string \"certdata=\\\"$3\\\" mode=root-store\" >/dev/null 2>&1 || return 1\n"
    "    fi\n"
    "    [ \"$2\" = 1 ] || return 0\n"
    "    if [ $mode = module ]; then\n"
    "        modutil -force -dbdir \"sql:$1\" -add distrust -libfile \"$lib\" \\\n"
    "            -string \"certdata=\\\"$here/certdata-distrust.txt\\\"\" >/dev/null 2>&1\n"
    "    elif [ -n \"$args\" ]; then\n"
    "        modutil -force -dbdir \"sql:$1\" -add builtins -libfile \"$lib\" -string \"$args\" "
    ">/dev/null 2>&1\n"
    "    else\n"
    "        modutil -force -dbdir \"sql:$1\" -add builtins -libfile \"$lib\" >/dev/null 2>&1\n"
    "    fi\n"
    "}\n"
    "[ $mode = module ] && { cp \"$lib\" \"$tmp/anchors-module.so\" || exit 2; }\n"
    "# root_date KIND FILE: the KIND (Server, E-mail) distrust-after date that\n"
    "# vfychain -vv shows on the root of the chain it accepted (NSS reads it from\n"
    "# the built-in roots module), as YYYYMMDDHHMMSS; nothing when there is none.\n"
    "root_date() {\n"
    "    awk -v kind=\"$1\" 'BEGIN { split(\"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec\", m, "
    "\" \")\n"
    "            for (i = 1; i <= 12; i++) mon[m[i]] = i }\n"
    "        /^Certificate [0-9]+ Subject:/ { exit }\n"
    "        index($0, kind \" Distrust After: \") { sub(/.*Distrust After: /, \"\"); "
    "split($0, f, /[ :]+/)\n"
    "            printf \"%04d%02d%02d%02d%02d%02d\\n\", f[7], mon[f[2]], f[3], f[4], f[5], f[6]; "
    "exit }' \"$2\"\n"
    "}\n"
    "rfc3339() { echo \"$1\" | sed "
    "'s/\\(....\\)\\(..\\)\\(..\\)\\(..\\)\\(..\\)\\(..\\)/\\1-\\2-\\3T\\4:\\5:\\6Z/'; }\n"
    "n=0 bad=0 skipped=0\n"
    "# check NAME USAGE TIME EXPECT LEAF_NOTBEFORE DATED DIR DEPLOYMENTS: one case.\n"
    "# DATED: the build gives an anchor a distrust-after date for the usage (1 or 0);\n"
    "# DEPLOYMENTS: the case's, comma-separated, or - for every one.\n"
    "check() {\n"
    "    n=$((n + 1))\n"
    "    name=$1 use=$2 at=$3 want=$4 nb=$5 dated=$6 dir=$here/tests/$7 deps=$8\n"
    "    case \",$deps,\" in\n"
    "    ,-, | *,$deployment,*) ;;\n"
    "    *) echo \"ok $n - $name # SKIP not judged by the $deployment deployment (the case names "
    "$deps)\"\n"
    "       skipped=$((skipped + 1)); return ;;\n"
    "    esac\n"
    "    set -- -a # every certificate file is PEM (vfychain's -a holds for the rest)\n"
    "    [ -n \"$at\" ] && set -- \"$@\" -b \"$at\"\n"
    "    for c in \"$dir\"/chain-*.pem; do set -- \"$@\" \"$c\"; done # leaf first\n"
    "    # --ckbi: the anchors as vfychain -t (the NSS under test has its own roots)\n"
    "    if [ $mode = ckbi ]; then\n"
    "        for a in \"$dir\"/anchor-*.pem; do set -- \"$@\" -t \"$a\"; done\n"
    "    fi\n"
    "    if ! newdb \"$tmp/base$n\" 0 \"$dir/anchors.txt\"; then\n"
    "        echo \"not ok $n - $name # ERROR: cannot create an NSS database\"; bad=$((bad + 1)); "
    "return\n"
    "    fi\n"
    "    if ! vfychain -d \"sql:$tmp/base$n\" -pp -u \"$use\" \"$@\" >\"$tmp/out\" 2>&1; then\n"
    "        echo \"not ok $n - $name # INVALID: the chain does not validate without the distrust "
    "data\"\n"
    "        sed 's/^/#   /' \"$tmp/out\"; bad=$((bad + 1)); return\n"
    "    fi\n"
    "    if ! newdb \"$tmp/with$n\" 1 \"$dir/anchors.txt\"; then\n"
    "        echo \"not ok $n - $name # ERROR: modutil cannot load $lib\"; bad=$((bad + 1)); "
    "return\n"
    "    fi\n"
    "    note=\n"
    "    if vfychain -d \"sql:$tmp/with$n\" -pp -vv -u \"$use\" \"$@\" >\"$tmp/out\" 2>&1; then\n"
    "        got=trusted\n"
    "        kind=Server what=server\n"
    "        case $use in 4 | 5) kind=E-mail what=email ;; 0 | 6) kind= ;; esac\n"
    "        date=\n"
    "        [ -n \"$kind\" ] && date=$(root_date \"$kind\" \"$tmp/out\")\n"
    "        if [ $deployment = root-store ] && [ -n \"$date\" ]; then\n"
    "            # Firefox's rule, on the date the built-in roots module carries\n"
    "            if [ \"$nb\" -gt \"$date\" ]; then got=distrusted; rel=after; else rel=\"not "
    "after\"; fi\n"
    "            note=\"distrust-after: the built-in roots module under test gives the root a "
    "$what distrust-after date of $(rfc3339 \"$date\") (vfychain -vv); the leaf's notBefore "
    "$(rfc3339 \"$nb\") is $rel it: $got (Firefox's rule, which NSS does not enforce)\"\n"
    "        elif [ $deployment = root-store ] && [ \"$dated\" = 1 ]; then\n"
    "            note=\"distrust-after: the build dates the root, but the built-in roots module "
    "under test does not carry the date (vfychain -vv shows none): not applied\"\n"
    "        elif [ \"$dated\" = 1 ] || [ -n \"$date\" ]; then\n"
    "            if [ $deployment = overlay ]; then\n"
    "                note=\"distrust-after: the overlay module does not enforce distrust-after "
    "dates: Firefox reads them only from its built-in roots module. Not applied.\"\n"
    "            else\n"
    "                note=\"distrust-after: p11-kit-trust.so is not credited with distrust-after "
    "dates (where it replaces libnssckbi as the built-in roots, as on Fedora, they could apply). "
    "Not applied.\"\n"
    "            fi\n"
    "        fi\n"
    "    else\n"
    "        got=distrusted\n"
    "    fi\n"
    "    if [ \"$got\" = \"$want\" ]; then\n"
    "        echo \"ok $n - $name\"\n"
    "    else\n"
    "        echo \"not ok $n - $name # expected $want, got $got\"\n"
    "        # vfychain's lines, without -vv's dump of the root\n"
    "        grep -v -e '^    ' -e '^Root Certificate:' -e '^ *$' \"$tmp/out\" | sed 's/^/#   /'; "
    "bad=$((bad + 1))\n"
    "    fi\n"
    "    [ -z \"$note\" ] || echo \"#   $note\"\n"
    "    case $note in *'Not applied.') echo \"#     to make the date effective: merge the policy "
    "into the root store (distrust build --certdata UPSTREAM.txt), ship that certdata.txt as the "
    "built-in roots, and run this script with --ckbi on it\" ;; esac\n"
    "}\n";

enum dt_err dt_testscript_write(const struct dt_model *m, const struct dt_cases *cases,
                                const char *policy_sha256_hex, struct dt_testscript *ts,
                                struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_outlist o;
    dt_outdir_list_init(&o);
    struct dt_buf script, body, f, cj;
    dt_buf_init(&script, 0);
    dt_buf_init(&body, 0);
    dt_buf_init(&f, 0);
    dt_buf_init(&cj, 0);
    memset(ts, 0, sizeof(*ts));
    json_t *jcases = json_array();
    DT_ENSURE_MEM(jcases);
    for (size_t ci = 0; cases && ci < cases->n; ci++) {
        const struct dt_case *k = &cases->v[ci];
        char dir[32], name[96];
        snprintf(dir, sizeof(dir), "case-%03zu", ci + 1);
        json_t *jc = json_object(), *jchain = json_array(), *janch = json_array();
        DT_ENSURE_MEM(jc && jchain && janch);
        json_array_append_new(jcases, jc);
        json_object_set_new(jc, "name", json_string(k->name));
        json_object_set_new(jc, "chain", jchain);
        json_object_set_new(jc, "anchors", janch);
        for (size_t i = 0; i < k->n_chain; i++) {
            snprintf(name, sizeof(name), "tests/%s/chain-%02zu.pem", dir, i + 1);
            DT_TRY(dt_cert_pem(k->chain[i], &f));
            DT_TRY(dt_outdir_list_add(&o, name, &f));
            json_array_append_new(jchain, json_string(name + 6));
        }
        /* Anchors: the case's files, or the store's trusted roots that
         * issued the last certificate of the chain. */
        struct dt_cert **anchors = k->anchors;
        size_t n_anchors = k->n_anchors;
        struct dt_pool store;
        dt_pool_init(&store);
        struct dt_cert *found[16];
        if (k->anchors_certdata) {
            n_anchors = 0;
            anchors = found;
            rc = dt_pool_add(&store, k->anchors_certdata, NULL, d, NULL, NULL);
            const struct dt_cert *last = k->chain[k->n_chain - 1];
            for (size_t i = 0; rc == DT_OK && i < store.n && n_anchors < 16; i++) {
                struct dt_cert *c = store.v[i].cert;
                if ((store.v[i].trusted_for & purpose_of(k->usage)) &&
                    (!dt_slice_cmp(c->info.subject, last->info.issuer) ||
                     !memcmp(c->sha256, last->sha256, 32)))
                    found[n_anchors++] = c;
            }
            if (rc == DT_OK && !n_anchors) {
                struct dt_place pl = {k->file, 0, 0, k->json_path, NULL};
                dt_diag_report(d, DT_ERROR, &pl,
                          "no root of the store %s is trusted for %s and issued the chain's "
                          "last certificate: test-distrust.sh could not give the case its "
                          "anchors",
                          k->anchors_certdata, dt_cases_usage_name(k->usage));
                rc = DT_ERR_INPUT;
            }
        }
        for (size_t i = 0; rc == DT_OK && i < n_anchors; i++) {
            snprintf(name, sizeof(name), "tests/%s/anchor-%02zu.pem", dir, i + 1);
            rc = dt_cert_pem(anchors[i], &f);
            if (rc == DT_OK)
                rc = dt_outdir_list_add(&o, name, &f);
            if (rc == DT_OK)
                json_array_append_new(janch, json_string(name + 6));
        }
        if (rc == DT_OK) {
            snprintf(name, sizeof(name), "tests/%s/anchors.txt", dir);
            rc = dt_nssobj_anchors_file(&f, anchors, n_anchors, "distrust build --cases");
            if (rc == DT_OK)
                rc = dt_outdir_list_add(&o, name, &f);
        }
        bool has_date = rc == DT_OK && dated(m, k, anchors, n_anchors);
        dt_pool_free(&store);
        DT_TRY(rc);
        char at[32] = "", rfc[32];
        if (k->has_time) {
            dt_time_format_rfc3339(k->time, rfc);
            if (!dt_time_to_utctime(k->time, at)) {
                char jp[160];
                snprintf(jp, sizeof(jp), "%s/time", k->json_path);
                struct dt_place pl = {k->file, 0, 0, jp, NULL};
                rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                                  "\"time\": %s: vfychain -b takes a UTCTime (years 1950 to "
                                  "2049), so test-distrust.sh could not replay the case",
                                  rfc);
                goto out;
            }
            json_object_set_new(jc, "time", json_string(rfc));
        }
        json_object_set_new(jc, "usage", json_string(dt_cases_usage_name(k->usage)));
        json_object_set_new(jc, "expect",
                            json_string(k->expect_distrusted ? "distrusted" : "trusted"));
        char deps[64] = "-";
        if (k->deployments) {
            json_t *jd = json_array();
            DT_ENSURE_MEM(jd);
            json_object_set_new(jc, "deployments", jd);
            for (unsigned bit = 1; bit <= DT_DEPLOY_ALL; bit <<= 1)
                if (k->deployments & bit)
                    json_array_append_new(jd, json_string(dt_cases_deployment_name(bit)));
            dt_cases_deployments_text(k->deployments, deps, sizeof(deps));
            for (char *c = deps; *c; c++) /* "a, b" -> "a,b" */
                if (*c == ' ')
                    memmove(c, c + 1, strlen(c));
        }
        struct dt_civil nb;
        dt_time_epoch_to_civil(k->chain[0]->not_before, &nb);
        DT_TRY(dt_buf_puts(&body, "check "));
        DT_TRY(dt_buf_shell_word(&body, k->name));
        DT_TRY(dt_buf_printf(&body, " %d '%s' %s %04d%02d%02d%02d%02d%02d %d %s %s\n",
                             dt_cases_usage_vfychain(k->usage), at,
                             k->expect_distrusted ? "distrusted" : "trusted", nb.year, nb.month,
                             nb.day, nb.hour, nb.min, nb.sec, has_date ? 1 : 0, dir, deps));
        ts->cases++;
        ts->distrusted += k->expect_distrusted;
        ts->dated += has_date;
    }
    DT_TRY(dt_buf_printf(&script, "%s", script_head));
    DT_TRY(dt_buf_printf(&script,
                         "# Written by distrust %s from a policy with SHA-256\n# %s:\n"
                         "# %zu case%s (%zu expected distrusted).\n",
                         DT_VERSION, policy_sha256_hex, ts->cases, ts->cases == 1 ? "" : "s",
                         ts->distrusted));
    if (!ts->cases)
        DT_TRY(dt_buf_puts(&script, "echo \"1..0 # SKIP no chain cases: build with "
                                    "distrust build --cases CASEFILE\"\nexit 0\n"));
    DT_TRY(dt_buf_append(&script, body.data, body.len));
    DT_TRY(dt_buf_puts(&script, "echo \"1..$n\"\necho \"# $((n - bad - skipped)) passed, $bad "
                                "failed, $skipped skipped (mode $mode, the $deployment deployment: "
                                "$lib)\"\n[ $bad -eq 0 ]\n"));
    DT_TRY(dt_outdir_list_add(&o, "test-distrust.sh", &script));
    if (ts->cases) {
        json_t *root = json_pack("{s:s, s:o}", "comment",
                                 "The chain cases given to distrust build --cases, with their "
                                 "certificates beside them: distrust verify --build OUT "
                                 "OUT/tests/cases.json replays them, as test-distrust.sh does.",
                                 "cases", jcases);
        jcases = NULL;
        DT_ENSURE_MEM(root);
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(root);
        DT_ENSURE_MEM(text);
        rc = dt_buf_printf(&cj, "%s\n", text);
        free(text);
        DT_TRY(rc);
        DT_TRY(dt_outdir_list_add(&o, "tests/cases.json", &cj));
    }
    ts->out = o;
    dt_outdir_list_init(&o);
out:
    json_decref(jcases);
    dt_outdir_list_free(&o);
    dt_buf_free(&script);
    dt_buf_free(&body);
    dt_buf_free(&f);
    dt_buf_free(&cj);
    return rc;
}

void dt_testscript_free(struct dt_testscript *ts)
{
    dt_outdir_list_free(&ts->out);
    memset(ts, 0, sizeof(*ts));
}
