# `distrust emit-tests --nss-chains DIR`: the build's chain cases as a
# scenario file for NSS's tests/chains/chains.sh, run here by chains-mini.sh
# (the same file format and vfychain calls). Every case's baseline passes and
# every expectation holds; a build without one distrust entry fails.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
mkdir -p "$WORK/tmpd"
export TMPDIR="$WORK/tmpd"
"$DISTRUST" build -q -o "$WORK/b" --cases "$C/basic/cases.json" "$C/basic/policy.json" 2>/dev/null
run "$DISTRUST" emit-tests --build "$WORK/b" --nss-chains "$WORK/chains"
expect_status "emit-tests" 0
has "it says how many cases it wrote" "$WORK/out" 'emit-tests: wrote .*: 13 cases as chains.sh scenarios \(each with a baseline\), 0 left out'
S="$WORK/chains/scenarios/distrust.cfg"
has "a scenario" "$S" '^scenario distrust$'
count "a baseline database per case" "$S" '^db Distrust[0-9]+Base$' 13
has "distrusted certificates imported as not trusted" "$S" '^import Distrust3C2:x:p,p,p$'
has "a purpose-limited distrust keeps its purposes" "$S" '^import Distrust7C1:x:,p,$'
# A case distrusted only by a distrust-after date (the root-store case of
# the merge suite; its anchors are copied into OUT/tests/ as files) is left
# out: NSS does not enforce the date, so chains.sh cannot check it.
"$DISTRUST" build -q -o "$WORK/m" --certdata "$C/roots-certdata.txt" --cases "$C/merge/cases.json" "$C/basic/policy.json" 2>/dev/null
run "$DISTRUST" emit-tests --build "$WORK/m" --nss-chains "$WORK/chains-m"
expect_status "emit-tests of the merge cases" 0
has "the distrust-after-only case is left out, with the reason" "$WORK/chains-m/scenarios/distrust.cfg" '^# case 8 \(distrust-after set on the upstream root: leaf issued after the date\): distrusted by a distrust-after date, which NSS does not enforce; left out$'
[ -f "$WORK/chains/certs/Distrust1C1.cert" ] && ok "certificates as libpkix/certs/NICK.cert (DER)" || not_ok "certificates written"
run sh "$TOP/tests/e2e/chains-mini.sh" "$S" "$WORK/chains/certs"
expect_status "the scenarios run as chains.sh runs them" 0
count "26 verifications hold (13 baselines, 13 cases)" "$WORK/out" '^ok [0-9]+ - ' 26
# The check checks: the build without the intermediate's entry.
sed -e '/"certificate": "..\/..\/pki\/int-a2.pem"/,/why/d' -e "s|\.\./\.\./pki/|$TOP/testdata/pki/|g" \
    "$C/basic/policy.json" >"$WORK/minus.json"
"$DISTRUST" build -q -o "$WORK/minus" --cases "$C/basic/cases.json" "$WORK/minus.json" 2>/dev/null
"$DISTRUST" emit-tests -q --build "$WORK/minus" --nss-chains "$WORK/chains-minus" 2>/dev/null
run sh "$TOP/tests/e2e/chains-mini.sh" "$WORK/chains-minus/scenarios/distrust.cfg" "$WORK/chains-minus/certs"
expect_status "without the intermediate's entry, its cases fail" 1
has "the distrusted intermediate's case" "$WORK/out" '^not ok [0-9]+ - Distrust3DB: pass, expected fail$'
# Errors.
"$DISTRUST" build -q -o "$WORK/nocases" "$C/basic/policy.json" 2>/dev/null
run "$DISTRUST" emit-tests --build "$WORK/nocases" --nss-chains "$WORK/c2"
expect_status "a build without cases is bad input" 1
has "and says how to make one" "$WORK/err" 'the build has no chain cases: build it with --cases CASEFILE'
run "$DISTRUST" emit-tests --build "$WORK/b"
expect_status "--nss-chains is required" 2
run "$DISTRUST" emit-tests --build "$WORK/b" --nss-chains "$WORK/chains"
expect_status "the directory is replaced on a second run" 0
done_testing
