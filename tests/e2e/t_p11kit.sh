# distrust.p11-kit, proven with the real component: Debian's p11-kit-trust.so
# loaded into an NSS database with modutil over a source directory holding
# the emitted file makes vfychain -pp fail every distrusted fixture chain and
# pass every control (each with a baseline over the anchors alone), and
# `trust list` over the same source lists the blocklisted certificates; and
# doc/p11-kit.md's Debian recipe (Debian's module configuration with
# x-init-reserved: paths=DIST:/etc/ssl/certs/ca-certificates.crt) serves both
# tokens, lists the distrusts beside the system's anchors, and an extracted
# bundle keeps the dated root without its date.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
P="$TOP/testdata/pki"
TRUSTMOD=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so
for t in vfychain modutil certutil trust; do
    command -v $t >/dev/null 2>&1 || { not_ok "$t is installed"; done_testing; exit 1; }
done
[ -f "$TRUSTMOD" ] || { not_ok "p11-kit-trust.so is installed (p11-kit-modules)"; done_testing; exit 1; }
# Only the measurement below loads a module of ours into NSS's tools: an
# ASan-built module needs the ASan runtime there (and only there: p11-kit's
# own tools run without it).
ours() { "$@"; }
case "$DISTRUST" in
*/asan/*)
    ours() { env LD_PRELOAD="$(cc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0 "$@"; } ;;
esac
MODULE=${DISTRUST_PKCS11:-$(dirname "$DISTRUST")/libdistrust-pkcs11.so}

run "$DISTRUST" build -o "$WORK/b" "$C/basic/policy.json"
expect_status "build" 0
K="$WORK/b/distrust.p11-kit"
[ -f "$K" ] && ok "OUT/distrust.p11-kit is written" || not_ok "OUT/distrust.p11-kit is written"
has "the manifest lists it" "$WORK/b/manifest.json" '"distrust.p11-kit": \{'
has "the manifest counts the issuer/serial-only objects" "$WORK/b/manifest.json" '"issuer_serial_only": 1'
has "the build says extract formats cannot carry them" "$WORK/err" 'distrust.p11-kit: 1 distrust by issuer and serial only .*no `trust extract` format can carry them'
count "a distrusted certificate object per known certificate" "$K" '^x-distrusted: true$' 2
has "an nss-trust object for the issuer/serial-only entry" "$K" '^class: nss-trust$'
has "its serial is the full DER INTEGER with the 00 pad" "$K" '^serial-number: "%02%05%00%80%00%00%01"$'
has "the distrust-after root carries its date" "$K" '^nss-server-distrust-after: "241130235959Z"$'
# The header says where the file goes as doc/p11-kit.md does.
has "the header: the first source path, the directory itself" "$K" '^# it in the FIRST source path of p11-kit.s trust module, in the directory itself,$'
has "Fedora/RHEL: /etc/pki/ca-trust/source/" "$K" '^#   Fedora/RHEL: /etc/pki/ca-trust/source/ \(read before$'
has "Debian: the module configuration" "$K" '^#     x-init-reserved: paths=DIR:/etc/ssl/certs/ca-certificates\.crt\)\.$'
has "doc/p11-kit.md gives the same Debian configuration" "$TOP/doc/p11-kit.md" 'x-init-reserved: paths=/etc/distrust/p11-kit:/etc/ssl/certs/ca-certificates\.crt'
has "and the same Fedora/RHEL directory" "$TOP/doc/p11-kit.md" '^cp OUT/distrust\.p11-kit /etc/pki/ca-trust/source/$'
hasnt "no second-source alternative in the header" "$K" 'or /usr/share/pki/ca-trust-source/'

# The proof. Anchors: the fixture roots in a source's anchors/ directory.
mkdir -p "$WORK/anchors/anchors" "$WORK/dist"
cp "$P/root-a.pem" "$P/root-b.pem" "$P/root-c.pem" "$P/root-utf8.pem" "$WORK/anchors/anchors/"
cp "$K" "$WORK/dist/"
nssdb() { # DIR PATHS: a database with p11-kit-trust.so over PATHS
    mkdir -p "$1"
    certutil -N --empty-password -d "sql:$1" >/dev/null 2>&1
    modutil -force -dbdir "sql:$1" -add p11-kit-trust -libfile "$TRUSTMOD" -string "paths=$2" >/dev/null 2>&1
}
nssdb "$WORK/base" "$WORK/anchors"
nssdb "$WORK/with" "$WORK/dist:$WORK/anchors"
vfy() { vfychain -d "sql:$1" -pp -u "$2" -b 250601000000Z -a "$P/$3.pem" -a "$P/$4.pem" >"$WORK/vfy.out" 2>&1; }
# NAME USAGE LEAF INTERMEDIATE EXPECT
while read -r name usage leaf inter expect; do
    if vfy "$WORK/base" "$usage" "$leaf" "$inter"; then
        if vfy "$WORK/with" "$usage" "$leaf" "$inter"; then got=trusted; else got=distrusted; fi
        [ "$got" = "$expect" ] && ok "p11-kit: $name: $got" || not_ok "p11-kit: $name: $got, wanted $expect" "$(cat "$WORK/vfy.out")"
    else
        not_ok "p11-kit: $name: INVALID, the baseline fails" "$(cat "$WORK/vfy.out")"
    fi
done <<EOF2
leaf-by-issuer-serial 1 leaf-a1-2 int-a1 distrusted
control-sibling-leaf 1 leaf-a1 int-a1 trusted
distrusted-intermediate 1 leaf-a2 int-a2 distrusted
distrusted-intermediate-negative-serial 1 leaf-neg int-a2 distrusted
distrusted-root-the-anchors-trust 1 leaf-utf8 int-utf8 distrusted
control-root-b-path 1 leaf-a1 int-a1-xb trusted
distrust-after-root-leaf-before 1 leaf-c-before int-c trusted
EOF2
# Why each distrusted chain fails: the classic engine names the error.
vfychain -d "sql:$WORK/with" -u 1 -b 250601000000Z -a "$P/leaf-a1-2.pem" -a "$P/int-a1.pem" >"$WORK/classic.out" 2>&1
has "the issuer/serial distrust is NSS's 'not trusted' (-8171)" "$WORK/classic.out" 'ERROR -8171'
# The check checks: without the intermediate's object, its chain passes.
awk 'BEGIN { RS = ""; ORS = "\n\n" } !/label: "Distrusted Test Intermediate 2 EC"/' "$K" >"$WORK/dist/distrust.p11-kit"
nssdb "$WORK/with2" "$WORK/dist:$WORK/anchors"
if vfy "$WORK/with2" 1 leaf-a2 int-a2; then ok "p11-kit: with that object removed, the intermediate's chain passes"; else
    not_ok "p11-kit: with that object removed, the intermediate's chain passes" "$(cat "$WORK/vfy.out")"; fi
cp "$K" "$WORK/dist/"

# Why nss-trust objects and not p11-kit's documented issuer/serial form (a
# certificate object without a value, x-distrusted): that form distrusts too,
# but NSS cannot shut down after using the empty certificate it exposes
# (NSS_Shutdown fails with SEC_ERROR_BUSY). Our form does not do that.
mkdir -p "$WORK/doc-form"
sed -e 's/^class: nss-trust$/class: certificate\ncertificate-type: x-509\nx-distrusted: true/' -e '/^trust-/d' \
    "$K" >"$WORK/doc-form/distrust.p11-kit"
nssdb "$WORK/docform" "$WORK/doc-form:$WORK/anchors"
if vfy "$WORK/docform" 1 leaf-a1-2 int-a1; then not_ok "the documented form distrusts the leaf too"; else ok "the documented form distrusts the leaf too"; fi
has "but NSS cannot shut down cleanly after it" "$WORK/vfy.out" 'NSS_Shutdown: SEC_ERROR_BUSY'
vfy "$WORK/with" 1 leaf-a1-2 int-a1
hasnt "with the nss-trust form it can" "$WORK/vfy.out" 'SEC_ERROR_BUSY'

# The configuration distrust verify's p11-kit deployment uses, measured
# against the others (doc/verify.md): p11-kit-trust.so alone, the distrust
# file's directory first in paths= and the anchors after it, as Fedora's
# single trust module serves /etc/pki/ca-trust/source before
# /usr/share/pki/ca-trust-source. Every p11-kit token and every root store
# has trust order 100, so when the anchors come first (another path order,
# one directory for both, or a root-store module loaded before p11-kit) the
# anchor's own trust object wins and a distrusted root stays trusted.
mkdir -p "$WORK/one/anchors"
cp "$P/root-a.pem" "$P/root-b.pem" "$P/root-c.pem" "$P/root-utf8.pem" "$WORK/one/anchors/"
cp "$K" "$WORK/one/"
printf '{"cases": [{"name": "x", "chain": ["%s"], "anchors": ["%s", "%s", "%s", "%s"], "expect": "trusted"}]}\n' \
    "$P/leaf-a1.pem" "$P/root-a.pem" "$P/root-b.pem" "$P/root-c.pem" "$P/root-utf8.pem" >"$WORK/anchors-case.json"
"$DISTRUST" verify --build "$WORK/b" --keep-work "$WORK/kw" "$WORK/anchors-case.json" >/dev/null 2>&1
AT="$WORK/kw/case-1/anchors.txt"
[ -f "$AT" ] && ok "the fixture roots as a root store (anchors.txt)" || not_ok "anchors.txt written by --keep-work"
cp "$MODULE" "$WORK/anchors-module.so"
addroots() { ours modutil -force -dbdir "sql:$1" -add anchors -libfile "$WORK/anchors-module.so" -string "certdata=\"$AT\" mode=root-store" >/dev/null 2>&1; }
addp11() { ours modutil -force -dbdir "sql:$1" -add p11-kit-trust -libfile "$TRUSTMOD" -string "paths=$2" >/dev/null 2>&1; }
mkdir -p "$WORK/c1" "$WORK/c2"
certutil -N --empty-password -d "sql:$WORK/c1" >/dev/null 2>&1 && addroots "$WORK/c1" && addp11 "$WORK/c1" "$WORK/dist"
certutil -N --empty-password -d "sql:$WORK/c2" >/dev/null 2>&1 && addp11 "$WORK/c2" "$WORK/dist" && addroots "$WORK/c2"
nssdb "$WORK/a2" "$WORK/anchors:$WORK/dist"
nssdb "$WORK/b1" "$WORK/one"
# CONFIG DB ROOT-DISTRUST-HOLDS
while read -r what db holds; do
    for eng in -pp ""; do
        if ours vfychain -d "sql:$WORK/$db" $eng -u 1 -b 250601000000Z -a "$P/leaf-utf8.pem" -a "$P/int-utf8.pem" >"$WORK/vfy.out" 2>&1; then
            got=no; else got=yes; fi
        e=${eng:-classic}
        [ "$got" = "$holds" ] && ok "measured: $what ($e): the root's distrust holds: $got" ||
            not_ok "measured: $what ($e): the root's distrust holds: $got, wanted $holds" "$(cat "$WORK/vfy.out")"
        # a control chain passes in every configuration (the baseline beside the negatives)
        if ours vfychain -d "sql:$WORK/$db" $eng -u 1 -b 250601000000Z -a "$P/leaf-a1.pem" -a "$P/int-a1.pem" >"$WORK/vfy.out" 2>&1; then
            ok "measured: $what ($e): a control chain passes"; else
            not_ok "measured: $what ($e): a control chain passes" "$(cat "$WORK/vfy.out")"; fi
        # and the intermediate's distrust holds in every configuration (no anchor conflict)
        if ours vfychain -d "sql:$WORK/$db" $eng -u 1 -b 250601000000Z -a "$P/leaf-a2.pem" -a "$P/int-a2.pem" >"$WORK/vfy.out" 2>&1; then
            not_ok "measured: $what ($e): the intermediate's distrust holds" "$(cat "$WORK/vfy.out")"; else
            ok "measured: $what ($e): the intermediate's distrust holds"; fi
    done
done <<EOF3
paths=DIST:ANCHORS,_the_configuration_verify_uses with yes
paths=ANCHORS:DIST a2 no
one_directory_for_both b1 no
root-store_module_loaded_before_p11-kit c1 no
p11-kit_loaded_before_a_root-store_module c2 yes
EOF3

# distrust verify's p11-kit deployment: every basic case through
# p11-kit-trust.so, each beside a p11-kit baseline over the anchors alone.
run "$DISTRUST" verify --build "$WORK/b" --deployments p11-kit --engine nss "$C/basic/cases.json"
expect_status "verify --deployments p11-kit: the nss-only e-mail distrust is not in distrust.p11-kit" 3
has "every other check holds" "$WORK/out" '^24 passed, 2 failed$'
count "the failures are the entry that targets nss only" "$WORK/out" '^not ok [0-9]+ - e-mail-only distrust: e-mail distrusted \[p11-kit/(pkix|classic)\]$' 2
has "and are explained" "$WORK/out" '^#   the entries above are in certdata-distrust\.txt, but p11-kit-trust\.so serving distrust\.p11-kit does not distrust the chain: an entry whose "targets" leave out p11-kit is not in distrust\.p11-kit$'
count "each check has a p11-kit baseline" "$WORK/out" '^#   p11-kit baseline \(p11-kit-trust\.so over the anchors alone\): NSS accepts the chain' 26
has "the distrusted root that the anchors trust fails through p11-kit" "$WORK/out" '^ok [0-9]+ - distrusted root that the anchors trust \[p11-kit/pkix\]$'
has "the leaf issued after Root C's date stays trusted" "$WORK/out" '^ok [0-9]+ - distrust-after: leaf issued after the date \[p11-kit/pkix\]$'
has "p11-kit is not credited with the date, and the report says so" "$WORK/out" \
    'but p11-kit-trust\.so loaded beside the anchors is not Firefox.s built-in roots module, so its dates are not credited \(where p11-kit-trust\.so replaces libnssckbi as the built-in roots, as on Fedora, they could apply; distrust verify does not model that\)\. Not applied\.$'
# The check checks: without the intermediate's object, its chains pass.
awk 'BEGIN { RS = ""; ORS = "\n\n" } !/label: "Distrusted Test Intermediate 2 EC"/' "$K" >"$WORK/k2" && cp "$K" "$WORK/k.orig" && cp "$WORK/k2" "$K"
run "$DISTRUST" verify --build "$WORK/b" --deployments p11-kit "$C/basic/cases.json"
expect_status "distrust.p11-kit without the intermediate's object fails verify" 3
has "its chain is trusted through p11-kit" "$WORK/out" '^not ok [0-9]+ - distrusted intermediate$'
cp "$WORK/k.orig" "$K"

# trust list over the same source (p11-kit reads user configuration only
# when not root: as root, run it as nobody).
H="$WORK/home"
mkdir -p "$H/.config/pkcs11/modules"
printf 'module: p11-kit-trust.so\ntrust-policy: yes\nx-init-reserved: paths=%s\n' "$WORK/dist" >"$H/.config/pkcs11/modules/p11-kit-trust.module"
chmod -R a+rX "$WORK"
chmod a+x "$(dirname "$WORK")" 2>/dev/null || true
if [ "$(id -u)" -eq 0 ]; then
    timeout 120 setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$H" trust list --filter=blocklist >"$WORK/list" 2>&1
else
    HOME="$H" timeout 120 trust list --filter=blocklist >"$WORK/list" 2>&1
fi
count "trust list shows the two blocklisted certificates" "$WORK/list" 'trust: distrusted' 2
has "the intermediate" "$WORK/list" 'label: Distrusted Test Intermediate 2 EC'
has "the root, its UTF-8 label decoded" "$WORK/list" 'label: Distrusted Test Kök root'
hasnt "not the issuer/serial-only object (no extract format carries it)" "$WORK/list" 'leaf2.example.test'

# The Debian recipe of doc/p11-kit.md: Debian's own module configuration with
# x-init-reserved naming the distrust directory first and the system bundle
# after it (here in the user's configuration, which p11-kit reads as it reads
# /etc/pkcs11/modules/, so that the test changes nothing in /etc).
DEBMOD=/usr/share/p11-kit/modules/p11-kit-trust.module
BUNDLE=/etc/ssl/certs/ca-certificates.crt
as_user() { # HOME CMD...: CMD as a user whose configuration p11-kit reads
    h=$1
    shift
    if [ "$(id -u)" -eq 0 ]; then
        timeout 120 setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$h" "$@"
    else
        HOME="$h" timeout 120 "$@"
    fi
}
if [ -f "$DEBMOD" ] && [ -f "$BUNDLE" ] && grep -q '^x-init-reserved:' "$DEBMOD"; then
    DH="$WORK/debhome"
    mkdir -p "$DH/.config/pkcs11/modules" "$WORK/plainhome"
    sed "s|^x-init-reserved:.*|x-init-reserved: paths=$WORK/dist:$BUNDLE|" "$DEBMOD" \
        >"$DH/.config/pkcs11/modules/p11-kit-trust.module"
    chmod -R a+rX "$WORK"
    as_user "$DH" p11-kit list-modules >"$WORK/mods" 2>&1
    count "Debian recipe: p11-kit serves two tokens" "$WORK/mods" '^ +token: ' 2
    has "the distrust directory first" "$WORK/mods" '^ +token: dist$'
    has "and Debian's bundle (System Trust)" "$WORK/mods" '^ +token: System Trust$'
    as_user "$DH" trust list --filter=blocklist >"$WORK/dlist" 2>&1
    count "trust list shows the two distrusted certificates" "$WORK/dlist" 'trust: distrusted' 2
    has "the root the build distrusts" "$WORK/dlist" 'label: Distrusted Test Kök root'
    as_user "$DH" trust list --filter=ca-anchors >"$WORK/alist" 2>&1
    n_anchors=$(grep -c 'trust: anchor' "$WORK/alist")
    [ "$n_anchors" -gt 50 ] && ok "the system's anchors are still served ($n_anchors)" ||
        not_ok "the system's anchors are still served" "$n_anchors anchors"
    # The baseline: Debian's configuration as shipped reads the bundle only.
    as_user "$WORK/plainhome" p11-kit list-modules >"$WORK/mods0" 2>&1
    count "as shipped: one token" "$WORK/mods0" '^ +token: ' 1
    as_user "$WORK/plainhome" trust list --filter=blocklist >"$WORK/dlist0" 2>&1
    hasnt "as shipped: none of the build's distrusts" "$WORK/dlist0" 'Distrusted Test'
    # An extracted bundle keeps Root C's certificate but not its date.
    mkdir -p "$WORK/x" && chmod 777 "$WORK/x"
    as_user "$DH" trust extract --format=openssl-bundle --filter=certificates "$WORK/x/openssl.pem" >"$WORK/x.log" 2>&1
    if [ -s "$WORK/x/openssl.pem" ]; then
        awk '/-----BEGIN TRUSTED CERTIFICATE-----/ { n++ } { print > (dir "/c" n ".pem") }' dir="$WORK/x" "$WORK/x/openssl.pem"
        rootc= inter=
        for f in "$WORK"/x/c[0-9]*.pem; do
            subj=$(openssl x509 -trustout -noout -subject -in "$f" 2>/dev/null)
            case $subj in *'Test Root C'*) rootc=$f ;; *'CN = Test Intermediate 2 EC'*) inter=$f ;; esac
        done
        # The format's one distrust, beside it: whole purposes rejected.
        if [ -n "$inter" ] && openssl x509 -trustout -text -noout -in "$inter" 2>&1 | grep -q '^ *Rejected Uses:$'; then
            ok "the bundle marks the distrusted intermediate's purposes rejected"
        else
            not_ok "the bundle marks the distrusted intermediate's purposes rejected" "${inter:-not in the bundle}"
        fi
        if [ -n "$rootc" ]; then
            ok "trust extract (openssl-bundle) holds Root C's certificate"
            openssl x509 -trustout -text -noout -in "$rootc" >"$WORK/rootc.txt" 2>&1
            hasnt "but not its distrust-after date (241130235959Z)" "$WORK/rootc.txt" '241130|Distrust After'
            has "nor any rejected purpose: it is an ordinary root there" "$WORK/rootc.txt" '^ *No Rejected Uses\.$'
        else
            not_ok "trust extract (openssl-bundle) holds Root C's certificate" "$(head -5 "$WORK/x.log")"
        fi
        hasnt "nor the issuer/serial-only distrust" "$WORK/x/openssl.pem" 'leaf2\.example\.test'
    else
        not_ok "trust extract --format=openssl-bundle" "$(cat "$WORK/x.log")"
    fi
else
    ok "# SKIP not Debian's p11-kit configuration ($DEBMOD, $BUNDLE)"
fi
done_testing
