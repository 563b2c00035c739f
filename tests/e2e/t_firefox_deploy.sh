# tier: slow
# distrust verify --engine firefox, the deployments beyond the fixture's
# overlay and OneCRL checks (t_firefox.sh): a leaf by OneCRL only, and the
# root-store deployment (the module as Firefox's built-in roots module), each
# verdict beside NSS's. Five Firefox processes (about 20 s). Skipped whole
# when firefox-esr is not installed.
. "$TOP/tests/e2e/lib.sh"
firefox_or_skip
C="$TOP/testdata/chains"
# verdict NAME CONF WANT-REGEX: the detail lines of one check
verdict() {
    awk -v want="$1 [firefox/$2]" '/^(not )?ok [0-9]+ - / { on = 0; l = $0; sub(/^(not )?ok [0-9]+ - /, "", l); on = l == want }
        on' "$F" >"$WORK/one"
    if grep -Eq -- "$3" "$WORK/one"; then ok "$1 [$2]: $3"; else not_ok "$1 [$2]: $3" "$(cat "$WORK/one")"; fi
}
# A leaf by OneCRL only (targets onecrl): Firefox's OneCRL enforces it, the
# overlay module (which carries nothing for it) does not: the overlay check
# fails, and that failure is the proof that the OneCRL check is not vacuous.
cat >"$WORK/onecrl-only.json" <<EOF
{"version": 1, "incident": {"id": "ff-onecrl-only", "summary": "a leaf by OneCRL only"},
 "entries": [{"certificate": "$PKI/leaf-a1.pem", "targets": ["onecrl"], "label": "leaf1 by OneCRL"}]}
EOF
cat >"$WORK/onecrl-cases.json" <<EOF
{"cases": [
 {"name": "leaf by OneCRL only", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"], "anchors": ["$PKI/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "distrusted"},
 {"name": "control: its sibling", "chain": ["$PKI/leaf-a1-2.pem", "$PKI/int-a1.pem"], "anchors": ["$PKI/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"}
]}
EOF
run "$DISTRUST" build -q -o "$WORK/o" "$WORK/onecrl-only.json"
expect_status "a OneCRL-only build" 0
run "$DISTRUST" verify --build "$WORK/o" --engine firefox "$WORK/onecrl-cases.json"
cp "$WORK/out" "$WORK/o.out"
F="$WORK/o.out"
expect_status "the overlay and the root store cannot carry a OneCRL-only entry: the run fails" 3
verdict "leaf by OneCRL only" onecrl 'SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
verdict "leaf by OneCRL only" overlay 'expected distrusted, got trusted'
verdict "leaf by OneCRL only" overlay 'why: OUT/certdata-distrust.txt has no object for any certificate of the case'
verdict "leaf by OneCRL only" root-store 'why: OUT/certdata-distrust.txt has no object for any certificate of the case'
has "the overlay check of it fails" "$F" '^not ok [0-9]+ - leaf by OneCRL only \[firefox/overlay\]$'
has "the root-store check of it fails" "$F" '^not ok [0-9]+ - leaf by OneCRL only \[firefox/root-store\]$'
verdict "control: its sibling" onecrl 'expected trusted, got trusted'
has "exactly two checks fail" "$F" '^4 passed, 2 failed$'
has "the summary names what each deployment does not enforce" "$F" '^# firefox/overlay does not enforce 1 of the 1 distrusts the cases expect of it: "leaf by OneCRL only"'

# The root-store deployment: the module as Firefox's libnssckbi.so, serving
# the upstream root store (the baseline), then the build merged into it
# (OUT/certdata.txt): Firefox enforces the distrust-after date only from its
# built-in roots module. Each verdict beside NSS's (PKIX) on the same case.
run "$DISTRUST" build -q --certdata "$C/roots-certdata.txt" -o "$WORK/m" "$C/basic/policy.json"
expect_status "a build merged into the fixture root store" 0
rcase() { # NAME LEAF INTER EXPECT
    printf '{"name": "%s", "chain": ["%s", "%s"], "anchors": "%s", "time": "2025-06-01T00:00:00Z", "expect": "%s", "deployments": ["root-store"]}' \
        "$1" "$PKI/$2" "$PKI/$3" "$C/roots-certdata.txt" "$4"
}
{
    echo '{"cases": ['
    rcase "leaf before the distrust-after date" leaf-c-before.pem int-c.pem trusted; echo ,
    rcase "leaf after the distrust-after date" leaf-c-after.pem int-c.pem distrusted; echo ,
    rcase "distrusted intermediate" leaf-a2.pem int-a2.pem distrusted; echo ,
    rcase "distrusted leaf" leaf-a1-2.pem int-a1.pem distrusted; echo ,
    rcase "control" leaf-a1.pem int-a1.pem trusted
    echo ']}'
} >"$WORK/rs-cases.json"
run "$DISTRUST" verify --build "$WORK/m" --engine pkix,firefox --deployments root-store "$WORK/rs-cases.json"
cp "$WORK/out" "$WORK/rs.out"
S="$WORK/rs.out"
expect_status "root-store cases under NSS and Firefox" 0
has "all ten verdicts hold" "$S" '^10 passed, 0 failed$'
count "only the two root-store Firefox processes start" "$S" '^# firefox .* started in' 2
has "the built-in roots module is ours, with a token" "$S" '^# firefox root-store \(OUT/certdata.txt\): Firefox .* 5 verifications'
for nm in "leaf before the distrust-after date" "leaf after the distrust-after date" "distrusted intermediate" "distrusted leaf" control; do
    has "$nm: NSS and Firefox agree" "$S" "^ok [0-9]+ - $nm \\[firefox/root-store\\]\$"
done
F="$S"
verdict "leaf after the distrust-after date" root-store 'MOZILLA_PKIX_ERROR_ISSUER_NO_LONGER_TRUSTED \(-16367\)'
verdict "leaf before the distrust-after date" root-store "with OUT/certdata.txt as Firefox's built-in roots module: Firefox accepts"
verdict "distrusted intermediate" root-store 'SEC_ERROR_UNTRUSTED_ISSUER \(-8172\)'
verdict "distrusted leaf" root-store 'SEC_ERROR_UNTRUSTED_CERT \(-8171\)'

done_testing
