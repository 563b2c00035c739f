# OUT/test-distrust.sh (build --cases): the packager's regression script,
# run against our module (overlay) and against a root-store build of the
# fixtures (the merged certdata.txt served as the built-in roots), and shown
# to fail when one distrust entry is removed from the build or when the NSS
# under test lacks the distrusts.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
MODULE=${DISTRUST_PKCS11:-$(dirname "$DISTRUST")/libdistrust-pkcs11.so}
case "$DISTRUST" in
*/asan/*)
    LD_PRELOAD=$(cc -print-file-name=libasan.so)
    export LD_PRELOAD ASAN_OPTIONS=detect_leaks=0
    ;;
esac
mkdir -p "$WORK/tmpd"
export TMPDIR="$WORK/tmpd"

run "$DISTRUST" build -o "$WORK/b" --cases "$C/basic/cases.json" "$C/basic/policy.json"
expect_status "build --cases" 0
S="$WORK/b/test-distrust.sh"
[ -x "$S" ] && ok "OUT/test-distrust.sh is written, executable" || not_ok "OUT/test-distrust.sh is executable"
check "it is POSIX sh (sh -n)" sh -n "$S"
[ -f "$WORK/b/tests/case-001/chain-01.pem" ] && [ -f "$WORK/b/tests/case-001/anchor-01.pem" ] &&
    ok "the chains and anchors are copied into OUT/tests/" || not_ok "the chains and anchors are copied"
has "the manifest lists them" "$WORK/b/manifest.json" '"tests/case-013/chain-02.pem": \{'
has "and counts the cases" "$WORK/b/manifest.json" '"test_cases": 13'
run "$DISTRUST" verify --build "$WORK/b" "$WORK/b/tests/cases.json"
has "distrust verify replays OUT/tests/cases.json" "$WORK/out" '^13 passed, 0 failed$'

run "$S" --module "$MODULE"
expect_status "test-distrust.sh --module libdistrust-pkcs11.so" 0
count "13 cases pass" "$WORK/out" '^ok [0-9]+ - ' 13
has "TAP plan" "$WORK/out" '^1\.\.13$'
# The overlay module does not enforce distrust-after dates: the leaf issued
# after Root C's date stays trusted, and the script says so, as distrust
# verify does.
has "the leaf issued after the date stays trusted under the overlay" "$WORK/out" '^ok 9 - distrust-after: leaf issued after the date$'
count "the overlay's dates are not credited, and the script says so" "$WORK/out" \
    '^#   distrust-after: the overlay module does not enforce distrust-after dates: Firefox reads them only from its built-in roots module\. Not applied\.$' 2
count "with what would make them effective" "$WORK/out" '^#     to make the date effective: merge the policy into the root store \(distrust build --certdata UPSTREAM\.txt\), ship that certdata\.txt as the built-in roots, and run this script with --ckbi on it$' 2
hasnt "no date is credited to the overlay" "$WORK/out" "Firefox's rule"
[ -z "$(ls -A "$WORK/tmpd")" ] && ok "it cleans up its temporary databases" || not_ok "it cleans up" "$(ls "$WORK/tmpd")"

# A root-store build: the merged certdata.txt served as the built-in roots.
run "$DISTRUST" build -o "$WORK/m" --certdata "$C/roots-certdata.txt" --cases "$C/merge/cases.json" "$C/basic/policy.json" "$C/merge/partial.json"
expect_status "build --certdata --cases" 0
run "$WORK/m/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$WORK/m/certdata.txt\" mode=root-store"
expect_status "test-distrust.sh --ckbi over the merged root store" 0
count "11 cases pass" "$WORK/out" '^ok [0-9]+ - ' 11
# Firefox's rule, applied to the date the module under test carries for the
# root (vfychain -vv shows it on the root of the chain NSS accepted).
has "the date the built-in roots carry is credited" "$WORK/out" \
    '^#   distrust-after: the built-in roots module under test gives the root a server distrust-after date of 2024-11-30T23:59:59Z \(vfychain -vv\); the leaf.s notBefore 2025-03-01T00:00:00Z is after it: distrusted \(Firefox.s rule, which NSS does not enforce\)$'
has "and the leaf issued before it stays trusted" "$WORK/out" \
    '^#   distrust-after: .* date of 2024-11-30T23:59:59Z \(vfychain -vv\); the leaf.s notBefore 2024-06-01T00:00:00Z is not after it: trusted '
# The overlay over the same cases: the case that names root-store only is
# skipped, visibly; the others pass.
run "$WORK/m/test-distrust.sh" --module "$MODULE"
expect_status "test-distrust.sh --module over the merge cases" 0
has "the root-store-only case is skipped, and says why" "$WORK/out" '^ok 8 - distrust-after set on the upstream root: leaf issued after the date # SKIP not judged by the overlay deployment \(the case names root-store\)$'
has "10 passed, 1 skipped" "$WORK/out" '^# 10 passed, 0 failed, 1 skipped \(mode module, the overlay deployment: '
has "OUT/tests/cases.json keeps the case's deployments" "$WORK/m/tests/cases.json" '"deployments": \[$'
# The check checks: the upstream store (without the distrusts) as the NSS
# under test fails every distrusted case and passes every control.
run "$WORK/m/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$C/roots-certdata.txt\" mode=root-store"
expect_status "an NSS without the distrusts fails the script" 3
count "the six distrusted cases fail (the date case too: upstream carries no date)" "$WORK/out" '^not ok [0-9]+ - .* # expected distrusted, got trusted$' 6
has "the summary line" "$WORK/out" '^# 5 passed, 6 failed'
has "a date the module under test lacks is not credited, and the script says so" "$WORK/out" \
    '^#   distrust-after: the build dates the root, but the built-in roots module under test does not carry the date \(vfychain -vv shows none\): not applied$'
# p11-kit-trust.so as the module under test (Fedora's libnssckbi): its dates are never credited.
mkdir -p "$WORK/pdist"
cp "$WORK/b/distrust.p11-kit" "$WORK/pdist/"
TRUSTMOD=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so
run "$S" --ckbi "$TRUSTMOD" --ckbi-args "paths=$WORK/pdist"
expect_status "test-distrust.sh --ckbi p11-kit-trust.so: the nss-only e-mail distrust is not in distrust.p11-kit" 3
has "it runs as the p11-kit deployment" "$WORK/out" '^# 12 passed, 1 failed, 0 skipped \(mode ckbi, the p11-kit deployment: '
has "the one failure is the entry that targets nss only" "$WORK/out" '^not ok 7 - e-mail-only distrust: e-mail distrusted # expected distrusted, got trusted$'
has "the leaf issued after the date stays trusted" "$WORK/out" '^ok 9 - distrust-after: leaf issued after the date$'
has "and the script says why" "$WORK/out" '^#   distrust-after: p11-kit-trust\.so is not credited with distrust-after dates \(where it replaces libnssckbi as the built-in roots, as on Fedora, they could apply\)\. Not applied\.$'

# One distrust entry removed from the build: its case fails.
sed -e '/"certificate": "..\/..\/pki\/int-a2.pem"/,/why/d' -e "s|\.\./\.\./pki/|$TOP/testdata/pki/|g" \
    "$C/basic/policy.json" >"$WORK/policy-minus.json"
count "the policy without it has one entry less" "$WORK/policy-minus.json" 'int-a2.pem' 0
run "$DISTRUST" build -o "$WORK/minus" --cases "$C/basic/cases.json" "$WORK/policy-minus.json"
expect_status "build without the intermediate's entry" 0
run "$WORK/minus/test-distrust.sh" --module "$MODULE"
expect_status "the script fails (a failing case: 3, as distrust verify)" 3
has "on the intermediate's cases" "$WORK/out" '^not ok 3 - distrusted intermediate # expected distrusted, got trusted$'

# A case whose chain does not validate is INVALID, never passed.
cp -r "$WORK/b" "$WORK/inv"
cp "$WORK/inv/tests/case-011/anchors.txt" "$WORK/inv/tests/case-001/anchors.txt" # Root B: not its root
run "$WORK/inv/test-distrust.sh" --module "$MODULE"
expect_status "an invalid case fails the script" 3
has "and is reported INVALID" "$WORK/out" '^not ok 1 - .* # INVALID: the chain does not validate without the distrust data$'

# No cases: a script that says so.
run "$DISTRUST" build -q -o "$WORK/none" "$C/basic/policy.json"
run "$WORK/none/test-distrust.sh" --module "$MODULE"
expect_status "without cases the script skips" 0
has "with a SKIP plan" "$WORK/out" '^1\.\.0 # SKIP no chain cases'
# Usage errors.
run "$S" --frobnicate
expect_status "an unknown argument is a usage error" 2
run "$S" --module "$WORK/no-such.so"
expect_status "a missing module is a setup error" 1
count "one error" "$WORK/err" . 1
has "naming the path" "$WORK/err" "^test-distrust\\.sh: setup: $WORK/no-such\\.so: no such file$"
run "$DISTRUST" build -o "$WORK/bad" --cases "$WORK/missing.json" "$C/basic/policy.json"
expect_status "a missing case file is bad input" 1
[ ! -e "$WORK/bad" ] && ok "nothing written" || not_ok "nothing written"

# A module NSS cannot load: one setup error before any case, exit 1 (not a
# failure per case).
run "$S" --module /etc/passwd
expect_status "--module /etc/passwd is one setup error" 1
count "one line on stderr" "$WORK/err" . 1
has "modutil's reason" "$WORK/err" '^test-distrust\.sh: setup: modutil cannot load /etc/passwd: .*invalid ELF header'
count "no case is run" "$WORK/out" '^(not )?ok ' 0
run "$S" --ckbi /etc/passwd
expect_status "--ckbi /etc/passwd too" 1
count "one line on stderr" "$WORK/err" . 1
# A build directory whose path holds quotes: the module's certdata= parameter is escaped.
cp -r "$WORK/b" "$WORK/q\"u'o"
run "$WORK/q\"u'o/test-distrust.sh" --module "$MODULE"
expect_status "a build directory named with \" and ' replays" 0
has "every case" "$WORK/out" '^# 13 passed, 0 failed'

# No argument: the system's libnssckbi.so, Debian's multiarch path first, and
# the script says which.
DEBCKBI=/usr/lib/x86_64-linux-gnu/libnssckbi.so
if [ -f "$DEBCKBI" ]; then
    run "$S"
    expect_status "no argument: the system's libnssckbi.so lacks the fixtures' distrusts" 3
    has "it says which module it uses" "$WORK/out" "^# no --ckbi or --module: the system's libnssckbi\\.so, $DEBCKBI\$"
    has "as the root-store deployment" "$WORK/out" "\\(mode ckbi, the root-store deployment: $DEBCKBI\\)\$"
    hasnt "every baseline holds" "$WORK/out" 'INVALID'
else
    ok "# SKIP no $DEBCKBI on this machine"
fi

# The shipped policy's cases (policy/cases/) as a packager runs them: the
# DigiNotar Cyber CA cross-certificates under GTE CyberTrust Global Root, a v1
# root without basicConstraints. vfychain -t alone does not make it a CA
# (-8156); the script imports it with the trust c,c,c.
P="$TOP/policy"
set --
for f in "$P"/cases/*.json; do set -- "$@" --cases "$f"; done
run "$DISTRUST" build -q -o "$WORK/pol" --certdata "$TOP/testdata/nss/certdata-NSS_3_87_1_RTM-debian12.txt" "$@" "$P"/*.json
expect_status "build the shipped policy merged into Debian 12's certdata.txt, with its cases" 0
count "the GTE cases import their anchor as a CA" "$WORK/pol/test-distrust.sh" "^check 'DigiNotar Cyber CA cross-signed by GTE \\([123]\\)' .* 01 01\$" 3
run "$WORK/pol/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$WORK/pol/certdata.txt\" mode=root-store"
expect_status "the merged root store passes every case" 0
has "21 cases" "$WORK/out" '^# 21 passed, 0 failed, 0 skipped \(mode ckbi, the root-store deployment: '
count "the three GTE cases among them" "$WORK/out" '^ok [0-9]+ - DigiNotar Cyber CA cross-signed by GTE' 3
run "$WORK/pol/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$TOP/testdata/nss/certdata-NSS_3_87_1_RTM-debian12.txt\" mode=root-store"
expect_status "Debian 12's own store (no DigiNotar or Comodo distrust) fails" 3
hasnt "but never a baseline" "$WORK/out" 'INVALID'
count "the GTE cases fail on the verdict" "$WORK/out" '^not ok [0-9]+ - DigiNotar Cyber CA cross-signed by GTE \([123]\) # expected distrusted, got trusted$' 3
if [ -f "$DEBCKBI" ]; then
    run "$WORK/pol/test-distrust.sh" --ckbi "$DEBCKBI"
    expect_status "so does Debian's libnssckbi.so" 3
    hasnt "with every baseline valid" "$WORK/out" 'INVALID'
    has "the Entrust boundary case passes" "$WORK/out" '^ok 21 - '
else
    ok "# SKIP no $DEBCKBI on this machine"
fi
# The check checks: without the import, the GTE baselines are INVALID (-8156).
sed "s/^\(check 'DigiNotar Cyber CA cross-signed by GTE .*\) 01 01\$/\1 - -/" "$WORK/pol/test-distrust.sh" >"$WORK/pol/noca.sh"
run sh "$WORK/pol/noca.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$WORK/pol/certdata.txt\" mode=root-store"
expect_status "without it" 3
count "the three GTE baselines are INVALID" "$WORK/out" '^not ok [0-9]+ - DigiNotar Cyber CA cross-signed by GTE .* # INVALID' 3
has "as vfychain says" "$WORK/out" '^#     ERROR -8156: Issuer certificate is invalid\.$'
# A build that distrusts the v1 root itself: the database's c,c,c would hide
# the module's distrust, so the anchor is a CA there only by the module's
# trust; a module that distrusts it passes, one with nothing for it is no verdict.
sed -n '/^ *{"name": "DigiNotar Cyber CA cross-signed by GTE/p' "$P/cases/2011-diginotar.json" | sed -e 's/},$/}/' -e "s|\"\.\./|\"$P/|g" |
    awk 'BEGIN { print "{\"version\": 1, \"cases\": [" } NR > 1 { print "," } { print } END { print "]}" }' \
    >"$WORK/v1cases.json"
printf '{"version": 1, "entries": [{"certificate": "%s", "why": "test: a v1 root distrusted"}]}\n' \
    "$P/chains/2011-diginotar/root_GTE_CyberTrust_Global_Root.pem" >"$WORK/v1policy.json"
run "$DISTRUST" build -q -o "$WORK/v1" --certdata "$TOP/testdata/nss/certdata-NSS_3_87_1_RTM-debian12.txt" \
    --cases "$WORK/v1cases.json" "$WORK/v1policy.json"
expect_status "build distrusting GTE CyberTrust Global Root" 0
count "its anchor is a CA in the baseline only" "$WORK/v1/test-distrust.sh" "^check .* 01 -\$" 3
run "$WORK/v1/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$WORK/v1/certdata.txt\" mode=root-store"
expect_status "the merged store distrusts the root: every case holds" 0
count "3 cases" "$WORK/out" '^ok [0-9]+ - DigiNotar Cyber CA cross-signed by GTE' 3
run "$WORK/v1/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$TOP/testdata/nss/certdata-NSS_3_87_1_RTM-debian12.txt\" mode=root-store"
expect_status "a store with nothing for the root gives no verdict (setup, exit 1)" 1
count "never a pass" "$WORK/out" '^not ok [0-9]+ - .* # ERROR: NSS does not take the anchor for a CA \(-8156: no basicConstraints\) and the module under test carries no trust for it: no verdict$' 3
# Determinism.
"$DISTRUST" build -q -o "$WORK/b2" --cases "$C/basic/cases.json" "$C/basic/policy.json" 2>/dev/null
same "the script is reproducible" "$S" "$WORK/b2/test-distrust.sh"
same "and so is the manifest" "$WORK/b/manifest.json" "$WORK/b2/manifest.json"
done_testing
