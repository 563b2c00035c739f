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

/* Whether the build distrusts c for the case's usage in NSS (a trust object
 * for its issuer and serial): the script must then leave NSS's view of it to
 * the module under test. */
static bool distrusted_anchor(const struct dt_model *m, const struct dt_case *k,
                              const struct dt_cert *c)
{
    unsigned p = purpose_of(k->usage);
    for (size_t i = 0; i < m->n_items; i++) {
        const struct dt_item *it = &m->items[i];
        if ((it->targets & DT_TARGET_NSS) && (it->purposes & p) &&
            !dt_slice_cmp(it->issuer, c->info.issuer) && !dt_slice_cmp(it->serial, c->info.serial))
            return true;
    }
    return false;
}

/* The anchors NSS does not take for a CA on their own (no basicConstraints
 * cA, as a v1 root): "01,03" into ca_base, those the build does not distrust
 * into ca_with, "-" for none. */
static void ca_lists(const struct dt_model *m, const struct dt_case *k,
                     struct dt_cert *const *anchors, size_t n_anchors, char *ca_base,
                     char *ca_with, size_t cap)
{
    size_t nb = 0, nw = 0;
    ca_base[0] = ca_with[0] = '\0';
    for (size_t i = 0; i < n_anchors && i < 99; i++) {
        if (anchors[i]->info.has_basic_constraints && anchors[i]->info.is_ca)
            continue;
        if (nb + 4 < cap)
            nb += (size_t)snprintf(ca_base + nb, cap - nb, "%s%02zu", nb ? "," : "", i + 1);
        if (!distrusted_anchor(m, k, anchors[i]) && nw + 4 < cap)
            nw += (size_t)snprintf(ca_with + nw, cap - nw, "%s%02zu", nw ? "," : "", i + 1);
    }
    if (!nb)
        snprintf(ca_base, cap, "-");
    if (!nw)
        snprintf(ca_with, cap, "-");
}

static const char script_head[] =
    "#!/bin/sh\n"
    "# test-distrust.sh - the chain cases of this build, replayed with NSS's\n"
    "# vfychain in the spirit of NSS's tests/cert/cert.sh.\n"
    "#\n"
    "# Usage: test-distrust.sh [--ckbi LIB [--ckbi-args ARGS] | --module LIB]\n"
    "#   --ckbi LIB       the NSS built-in roots module under test (the libnssckbi.so\n"
    "#                    built from a certdata.txt with this build merged in: the\n"
    "#                    root-store deployment; p11-kit-trust.so, or a libnssckbi.so\n"
    "#                    that links to it as on Fedora, is the p11-kit deployment)\n"
    "#   --ckbi-args ARGS module parameters for it (modutil -string)\n"
    "#   --module LIB     libdistrust-pkcs11.so, serving this build's\n"
    "#                    certdata-distrust.txt in overlay mode (the overlay deployment)\n"
    "#   neither          --ckbi on the system's libnssckbi.so: /usr/lib/TRIPLET/\n"
    "#                    (Debian multiarch, TRIPLET from dpkg-architecture or uname -m),\n"
    "#                    /usr/lib64/, /usr/lib/ or their nss/ directories; only when\n"
    "#                    there is none, p11-kit-trust.so. The first line says which.\n"
    "# Per case, in a fresh temporary database: a baseline with the case's anchors\n"
    "# (--module: served as built-in roots by a copy of the module, as distrust\n"
    "# verify serves them; --ckbi: vfychain -t) and no distrust data must validate\n"
    "# (else the case is INVALID: it would prove nothing); then the same with the\n"
    "# module loaded must give the expected verdict. With --ckbi an anchor without\n"
    "# basicConstraints (a v1 root) is also imported into the database with the\n"
    "# trust c,c,c (a CA, not an anchor: NSS does not take a certificate without\n"
    "# basicConstraints for a CA unless its trust says so, and vfychain -t gives\n"
    "# none); the anchor is still only the -t one. NSS does not enforce\n"
    "# distrust-after dates; Firefox does, from its built-in roots module only: with\n"
    "# --ckbi (not p11-kit-trust.so) the script applies Firefox's rule to the date\n"
    "# the module under test carries for the root (vfychain -vv shows it), and\n"
    "# never otherwise. A case whose \"deployments\" leave out the mode's is skipped.\n"
    "# Prints TAP. Exit status: 0 every case holds; 1 setup: an NSS tool, the module\n"
    "# or the system's libnssckbi.so missing, a module modutil cannot load, a\n"
    "# database that cannot be created (one error, before any case); 2 usage; 3 a\n"
    "# case failed (a mismatch, or INVALID). Needs certutil, modutil and vfychain.\n"
    "set -u\n"
    "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
    "usage() { sed -n '/^# Usage:/,/^# case failed/p' \"$0\" | sed 's/^# \\{0,1\\}//'; }\n"
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
    "setup_error() { echo \"test-distrust.sh: setup: $*\" >&2; exit 1; }\n"
    "for t in certutil modutil vfychain; do\n"
    "    command -v $t >/dev/null 2>&1 || setup_error \"$t not found (NSS's tools: Debian's libns"
    "s3-tools)\"\n"
    "done\n"
    "if [ -z \"$lib\" ]; then\n"
    "    tri=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null) || tri=\n"
    "    [ -n \"$tri\" ] || tri=$(uname -m)-linux-gnu\n"
    "    for f in /usr/lib/$tri/libnssckbi.so /usr/lib/$tri/nss/libnssckbi.so /usr/lib64/libnssck"
    "bi.so \\\n"
    "        /usr/lib64/nss/libnssckbi.so /usr/lib/libnssckbi.so /usr/lib/nss/libnssckbi.so \\\n"
    "        /usr/lib/$tri/pkcs11/p11-kit-trust.so /usr/lib64/pkcs11/p11-kit-trust.so \\\n"
    "        /usr/lib/pkcs11/p11-kit-trust.so; do\n"
    "        [ -f \"$f\" ] && { lib=$f; break; }\n"
    "    done\n"
    "    [ -n \"$lib\" ] || setup_error \"no libnssckbi.so (nor p11-kit-trust.so) in /usr/lib/$tr"
    "i, /usr/lib64 or /usr/lib: give --ckbi LIB or --module LIB\"\n"
    "    echo \"# no --ckbi or --module: the system's $(basename \"$lib\"), $lib\"\n"
    "fi\n"
    "[ -f \"$lib\" ] || setup_error \"$lib: no such file\"\n"
    "case $lib in /*) ;; *) lib=$(pwd)/$lib ;; esac\n"
    "# The deployment the mode models (distrust verify --deployments names them).\n"
    "deployment=overlay\n"
    "if [ $mode = ckbi ]; then\n"
    "    deployment=root-store real=$lib\n"
    "    [ -L \"$lib\" ] && real=$(readlink -f \"$lib\" 2>/dev/null || echo \"$lib\")\n"
    "    case $real in */p11-kit-trust.so) deployment=p11-kit ;; esac\n"
    "fi\n"
    "tmp=$(mktemp -d \"${TMPDIR:-/tmp}/test-distrust.XXXXXX\") || setup_error \"cannot create a t"
    "emporary directory in ${TMPDIR:-/tmp}\"\n"
    "trap 'rm -rf \"$tmp\"' EXIT\n"
    "trap 'exit 1' HUP INT TERM\n"
    "# A value inside the double quotes of a module parameter: \\ and \" escaped.\n"
    "q() { printf '%s' \"$1\" | sed 's/[\\\\\"]/\\\\&/g'; }\n"
    "# add_under_test DIR: the module under test into the database DIR.\n"
    "add_under_test() {\n"
    "    if [ $mode = module ]; then\n"
    "        modutil -force -dbdir \"sql:$1\" -add distrust -libfile \"$lib\" \\\n"
    "            -string \"certdata=\\\"$(q \"$here/certdata-distrust.txt\")\\\"\"\n"
    "    elif [ -n \"$args\" ]; then\n"
    "        modutil -force -dbdir \"sql:$1\" -add builtins -libfile \"$lib\" -string \"$args\"\n"
    "    else\n"
    "        modutil -force -dbdir \"sql:$1\" -add builtins -libfile \"$lib\"\n"
    "    fi\n"
    "}\n"
    "[ $mode = module ] && { cp \"$lib\" \"$tmp/anchors-module.so\" || setup_error \"cannot copy "
    "$lib into $tmp\"; }\n"
    "# The setup, tried once before any case: a database, the module under test in it.\n"
    "mkdir \"$tmp/probe\" && certutil -N --empty-password -d \"sql:$tmp/probe\" >\"$tmp/probe.out"
    "\" 2>&1 ||\n"
    "    setup_error \"certutil cannot create an NSS database in $tmp: $(cat \"$tmp/probe.out\")"
    "\"\n"
    "add_under_test \"$tmp/probe\" >\"$tmp/probe.out\" 2>&1 ||\n"
    "    setup_error \"modutil cannot load $lib: $(grep -v '^$' \"$tmp/probe.out\" | tail -n 3)\""
    "\n"
    "# newdb DIR WITH ANCHORS CA DIR: a database; the module under test when WITH\n"
    "# is 1; CA: the anchors (numbers, comma-separated, or -) of the case's DIR to\n"
    "# import with the trust c,c,c (--ckbi: a CA, not an anchor).\n"
    "newdb() {\n"
    "    mkdir \"$1\" && certutil -N --empty-password -d \"sql:$1\" >/dev/null 2>&1 || return 1\n"
    "    if [ $mode = module ]; then\n"
    "        # the anchors as built-in roots, served by a copy of the module (NSS loads\n"
    "        # one instance per library file), as distrust verify serves them\n"
    "        modutil -force -dbdir \"sql:$1\" -add anchors -libfile \"$tmp/anchors-module.so\" \\"
    "\n"
    "            -string \"certdata=\\\"$(q \"$3\")\\\" mode=root-store\" >/dev/null 2>&1 || retu"
    "rn 1\n"
    "    elif [ \"$4\" != - ]; then\n"
    "        for i in $(echo \"$4\" | tr , ' '); do\n"
    "            certutil -A -d \"sql:$1\" -n \"anchor-$i\" -t c,c,c -a -i \"$5/anchor-$i.pem\" >"
    "/dev/null 2>&1 || return 1\n"
    "        done\n"
    "    fi\n"
    "    [ \"$2\" = 1 ] || return 0\n"
    "    add_under_test \"$1\" >/dev/null 2>&1\n"
    "}\n"
    "# root_date KIND FILE: the KIND (Server, E-mail) distrust-after date that\n"
    "# vfychain -vv shows on the root of the chain it accepted (NSS reads it from\n"
    "# the built-in roots module), as YYYYMMDDHHMMSS; nothing when there is none.\n"
    "root_date() {\n"
    "    awk -v kind=\"$1\" 'BEGIN { split(\"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec\", m"
    ", \" \")\n"
    "            for (i = 1; i <= 12; i++) mon[m[i]] = i }\n"
    "        /^Certificate [0-9]+ Subject:/ { exit }\n"
    "        index($0, kind \" Distrust After: \") { sub(/.*Distrust After: /, \"\"); split($0, f"
    ", /[ :]+/)\n"
    "            printf \"%04d%02d%02d%02d%02d%02d\\n\", f[7], mon[f[2]], f[3], f[4], f[5], f[6];"
    " exit }' \"$2\"\n"
    "}\n"
    "rfc3339() { echo \"$1\" | sed 's/\\(....\\)\\(..\\)\\(..\\)\\(..\\)\\(..\\)\\(..\\)/\\1-\\2-"
    "\\3T\\4:\\5:\\6Z/'; }\n"
    "n=0 bad=0 err=0 skipped=0\n"
    "# check NAME USAGE TIME EXPECT LEAF_NOTBEFORE DATED DIR DEPLOYMENTS CA_BASE CA_WITH:\n"
    "# one case. DATED: the build gives an anchor a distrust-after date for the usage\n"
    "# (1 or 0); DEPLOYMENTS: the case's, comma-separated, or - for every one;\n"
    "# CA_BASE, CA_WITH: the anchors without basicConstraints (numbers, or -) that\n"
    "# --ckbi imports as CAs into the baseline and into the database with the module\n"
    "# under test (not there when the build distrusts them: the database's trust\n"
    "# would hide the module's).\n"
    "check() {\n"
    "    n=$((n + 1))\n"
    "    name=$1 use=$2 at=$3 want=$4 nb=$5 dated=$6 dir=$here/tests/$7 deps=$8 cab=$9 caw=${10}"
    "\n"
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
    "    if ! newdb \"$tmp/base$n\" 0 \"$dir/anchors.txt\" \"$cab\" \"$dir\"; then\n"
    "        echo \"not ok $n - $name # ERROR: cannot create an NSS database in $tmp\"\n"
    "        bad=$((bad + 1)) err=$((err + 1)); return\n"
    "    fi\n"
    "    if ! vfychain -d \"sql:$tmp/base$n\" -pp -u \"$use\" \"$@\" >\"$tmp/out\" 2>&1; then\n"
    "        echo \"not ok $n - $name # INVALID: the chain does not validate without the distrust"
    " data\"\n"
    "        sed 's/^/#   /' \"$tmp/out\"; bad=$((bad + 1)); return\n"
    "    fi\n"
    "    if ! newdb \"$tmp/with$n\" 1 \"$dir/anchors.txt\" \"$caw\" \"$dir\"; then\n"
    "        echo \"not ok $n - $name # ERROR: modutil cannot load $lib\"\n"
    "        bad=$((bad + 1)) err=$((err + 1)); return\n"
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
    "            if [ \"$nb\" -gt \"$date\" ]; then got=distrusted; rel=after; else rel=\"not aft"
    "er\"; fi\n"
    "            note=\"distrust-after: the built-in roots module under test gives the root a $wh"
    "at distrust-after date of $(rfc3339 \"$date\") (vfychain -vv); the leaf's notBefore $(rfc333"
    "9 \"$nb\") is $rel it: $got (Firefox's rule, which NSS does not enforce)\"\n"
    "        elif [ $deployment = root-store ] && [ \"$dated\" = 1 ]; then\n"
    "            note=\"distrust-after: the build dates the root, but the built-in roots module u"
    "nder test does not carry the date (vfychain -vv shows none): not applied\"\n"
    "        elif [ \"$dated\" = 1 ] || [ -n \"$date\" ]; then\n"
    "            if [ $deployment = overlay ]; then\n"
    "                note=\"distrust-after: the overlay module does not enforce distrust-after da"
    "tes: Firefox reads them only from its built-in roots module. Not applied.\"\n"
    "            else\n"
    "                note=\"distrust-after: p11-kit-trust.so is not credited with distrust-after "
    "dates (where it replaces libnssckbi as the built-in roots, as on Fedora, they could apply). "
    "Not applied.\"\n"
    "            fi\n"
    "        fi\n"
    "    else\n"
    "        got=distrusted\n"
    "        # An anchor left out of CA_WITH is a CA only by the module's trust: NSS\n"
    "        # says it is not one (-8156) both when the module distrusts it and when\n"
    "        # the module has nothing for it. NSS's classic check of the anchor alone\n"
    "        # tells them apart: -8171 (marked as not trusted) is the module's distrust.\n"
    "        if [ \"$cab\" != \"$caw\" ] && grep -q 'ERROR -8156:' \"$tmp/out\"; then\n"
    "            marked=0\n"
    "            for i in $(echo \"$cab\" | tr , ' '); do\n"
    "                case \",$caw,\" in *\",$i,\"*) continue ;; esac\n"
    "                vfychain -d \"sql:$tmp/with$n\" -p -u \"$use\" -a ${at:+-b \"$at\"} \"$dir/a"
    "nchor-$i.pem\" >\"$tmp/probe.out\" 2>&1\n"
    "                grep -q 'ERROR -8171:' \"$tmp/probe.out\" && marked=1\n"
    "            done\n"
    "            if [ $marked = 0 ]; then\n"
    "                echo \"not ok $n - $name # ERROR: NSS does not take the anchor for a CA (-81"
    "56: no basicConstraints) and the module under test carries no trust for it: no verdict\"\n"
    "                bad=$((bad + 1)) err=$((err + 1)); return\n"
    "            fi\n"
    "        fi\n"
    "    fi\n"
    "    if [ \"$got\" = \"$want\" ]; then\n"
    "        echo \"ok $n - $name\"\n"
    "    else\n"
    "        echo \"not ok $n - $name # expected $want, got $got\"\n"
    "        # vfychain's lines, without -vv's dump of the root\n"
    "        grep -v -e '^    ' -e '^Root Certificate:' -e '^ *$' \"$tmp/out\" | sed 's/^/#   /';"
    " bad=$((bad + 1))\n"
    "    fi\n"
    "    [ -z \"$note\" ] || echo \"#   $note\"\n"
    "    case $note in *'Not applied.') echo \"#     to make the date effective: merge the policy"
    " into the root store (distrust build --certdata UPSTREAM.txt), ship that certdata.txt as the"
    " built-in roots, and run this script with --ckbi on it\" ;; esac\n"
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
        char ca_base[64], ca_with[64];
        ca_lists(m, k, anchors, n_anchors, ca_base, ca_with, sizeof(ca_base));
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
        DT_TRY(dt_buf_printf(&body, " %d '%s' %s %04d%02d%02d%02d%02d%02d %d %s %s %s %s\n",
                             dt_cases_usage_vfychain(k->usage), at,
                             k->expect_distrusted ? "distrusted" : "trusted", nb.year, nb.month,
                             nb.day, nb.hour, nb.min, nb.sec, has_date ? 1 : 0, dir, deps,
                             ca_base, ca_with));
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
                                "$lib)\"\n[ $err -eq 0 ] || exit 1\n[ $bad -eq 0 ] || exit 3\n"));
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
