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
expect_status "an NSS without the distrusts fails the script" 1
count "the six distrusted cases fail (the date case too: upstream carries no date)" "$WORK/out" '^not ok [0-9]+ - .* # expected distrusted, got trusted$' 6
has "the summary line" "$WORK/out" '^# 5 passed, 6 failed'
has "a date the module under test lacks is not credited, and the script says so" "$WORK/out" \
    '^#   distrust-after: the build dates the root, but the built-in roots module under test does not carry the date \(vfychain -vv shows none\): not applied$'
# p11-kit-trust.so as the module under test (Fedora's libnssckbi): its dates are never credited.
mkdir -p "$WORK/pdist"
cp "$WORK/b/distrust.p11-kit" "$WORK/pdist/"
TRUSTMOD=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so
run "$S" --ckbi "$TRUSTMOD" --ckbi-args "paths=$WORK/pdist"
expect_status "test-distrust.sh --ckbi p11-kit-trust.so: the nss-only e-mail distrust is not in distrust.p11-kit" 1
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
expect_status "the script fails" 1
has "on the intermediate's cases" "$WORK/out" '^not ok 3 - distrusted intermediate # expected distrusted, got trusted$'

# A case whose chain does not validate is INVALID, never passed.
cp -r "$WORK/b" "$WORK/inv"
cp "$WORK/inv/tests/case-011/anchors.txt" "$WORK/inv/tests/case-001/anchors.txt" # Root B: not its root
run "$WORK/inv/test-distrust.sh" --module "$MODULE"
expect_status "an invalid case fails the script" 1
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
expect_status "a missing module is a setup error" 2
run "$DISTRUST" build -o "$WORK/bad" --cases "$WORK/missing.json" "$C/basic/policy.json"
expect_status "a missing case file is bad input" 1
[ ! -e "$WORK/bad" ] && ok "nothing written" || not_ok "nothing written"
# Determinism.
"$DISTRUST" build -q -o "$WORK/b2" --cases "$C/basic/cases.json" "$C/basic/policy.json" 2>/dev/null
same "the script is reproducible" "$S" "$WORK/b2/test-distrust.sh"
same "and so is the manifest" "$WORK/b/manifest.json" "$WORK/b2/manifest.json"
done_testing
