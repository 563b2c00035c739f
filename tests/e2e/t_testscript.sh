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
has "the distrust-after case says why it counts as distrusted" "$WORK/out" '^ok 9 - distrust-after: leaf issued after the date # NSS accepts it; .*Firefox'"'"'s rule'
[ -z "$(ls -A "$WORK/tmpd")" ] && ok "it cleans up its temporary databases" || not_ok "it cleans up" "$(ls "$WORK/tmpd")"

# A root-store build: the merged certdata.txt served as the built-in roots.
run "$DISTRUST" build -o "$WORK/m" --certdata "$C/roots-certdata.txt" --cases "$C/merge/cases.json" "$C/basic/policy.json" "$C/merge/partial.json"
expect_status "build --certdata --cases" 0
run "$WORK/m/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$WORK/m/certdata.txt\" mode=root-store"
expect_status "test-distrust.sh --ckbi over the merged root store" 0
count "11 cases pass" "$WORK/out" '^ok [0-9]+ - ' 11
# The check checks: the upstream store (without the distrusts) as the NSS
# under test fails every distrusted case and passes every control.
run "$WORK/m/test-distrust.sh" --ckbi "$MODULE" --ckbi-args "certdata=\"$C/roots-certdata.txt\" mode=root-store"
expect_status "an NSS without the distrusts fails the script" 1
count "the five distrusted cases fail" "$WORK/out" '^not ok [0-9]+ - .* # expected distrusted, got trusted$' 5
has "the summary line" "$WORK/out" '^# 6 passed, 5 failed'

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
