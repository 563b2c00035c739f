# tier: slow
# Issue 18's synthetic PKI in Firefox itself, each form of distrust in every
# deployment Firefox has, beside NSS (PKIX) where NSS judges the same thing:
#   an intermediate by its certificate      (int-a2:  leaf-a2)
#   an intermediate by issuer and serial    (int-d:   leaf-d, issuer root-d, serial 0d01)
#   a leaf by OneCRL only                   (leaf-a1, targets onecrl)
#   a root's server distrust-after date     (root-c:  leaf-c-before, leaf-c-after)
#   controls                                (leaf-a1-2, leaf-c-before)
# Part 1: the cases name the deployments that carry each distrust, and every
# verdict holds (exit 0). Part 2: the same distrusts expected everywhere: the
# run fails exactly where a deployment does not enforce one, and the report
# says so plainly. Part 3: the upstream root store (build --certdata) under
# Firefox's root store and NSS's, verdict by verdict. Skipped whole without
# firefox-esr.
. "$TOP/tests/e2e/lib.sh"
firefox_or_skip
C="$TOP/testdata/chains"
cat >"$WORK/policy.json" <<EOF
{"version": 1, "incident": {"id": "ff-cover", "summary": "every form, in Firefox"},
 "entries": [
  {"certificate": "$PKI/int-a2.pem", "label": "Int A2 by certificate"},
  {"issuer_certificate": "$PKI/root-d.pem", "serial": "0d:01", "label": "Int D by issuer and serial"},
  {"certificate": "$PKI/leaf-a1.pem", "targets": ["onecrl"], "label": "Leaf A1 by OneCRL only"},
  {"certificate": "$PKI/root-c.pem", "server_distrust_after": "2024-11-30T23:59:59Z", "label": "Root C dated"}
 ]}
EOF
run "$DISTRUST" build -q -o "$WORK/b" "$WORK/policy.json"
expect_status "the build of every form" 0
# kase NAME LEAF INTER ROOT EXPECT [DEPLOYMENTS]
kase() {
    printf '{"name": "%s", "chain": ["%s", "%s"], "anchors": %s, "time": "2025-06-01T00:00:00Z", "expect": "%s"%s}' \
        "$1" "$PKI/$2" "$PKI/$3" "$4" "$5" "${6:+, \"deployments\": $6}"
}
a() { printf '["%s"]' "$PKI/$1"; }
{
    echo '{"cases": ['
    kase "intermediate by certificate" leaf-a2.pem int-a2.pem "$(a root-a.pem)" distrusted; echo ,
    kase "intermediate by issuer and serial" leaf-d.pem int-d.pem "$(a root-d.pem)" distrusted; echo ,
    kase "leaf by OneCRL only" leaf-a1.pem int-a1.pem "$(a root-a.pem)" distrusted '["onecrl"]'; echo ,
    kase "leaf by OneCRL only, elsewhere" leaf-a1.pem int-a1.pem "$(a root-a.pem)" trusted '["overlay", "root-store"]'; echo ,
    kase "leaf after the distrust-after date" leaf-c-after.pem int-c.pem "$(a root-c.pem)" distrusted '["root-store"]'; echo ,
    kase "leaf after the date, elsewhere" leaf-c-after.pem int-c.pem "$(a root-c.pem)" trusted '["overlay", "onecrl"]'; echo ,
    kase "control: leaf before the date" leaf-c-before.pem int-c.pem "$(a root-c.pem)" trusted; echo ,
    kase "control: the OneCRL leaf's sibling" leaf-a1-2.pem int-a1.pem "$(a root-a.pem)" trusted
    echo ']}'
} >"$WORK/cases.json"
run "$DISTRUST" verify --build "$WORK/b" --engine pkix,firefox "$WORK/cases.json"
cp "$WORK/out" "$WORK/p1.out"
F="$WORK/p1.out"
expect_status "part 1: every verdict holds where the cases say the distrust is carried" 0
# verdict NAME TAG WANT-REGEX: the detail lines of one check
verdict() {
    awk -v want="$1 [$2]" '/^(not )?ok [0-9]+ - / { on = 0; l = $0; sub(/^(not )?ok [0-9]+ - /, "", l); on = l == want }
        on' "$F" >"$WORK/one"
    if grep -Eq -- "$3" "$WORK/one"; then ok "$1 [$2]: $3"; else not_ok "$1 [$2]: $3" "$(cat "$WORK/one")"; fi
}
# firefox/root-store is the cases' anchors as Firefox's built-in roots, with
# the build merged; firefox/overlay the module in a profile; firefox/onecrl
# OUT/onecrl.json in cert_storage.
for d in root-store overlay; do
    verdict "intermediate by certificate" firefox/$d 'Firefox rejects the chain: SEC_ERROR_UNTRUSTED_ISSUER \(-8172\)'
    verdict "intermediate by issuer and serial" firefox/$d 'Firefox rejects the chain: SEC_ERROR_UNTRUSTED_ISSUER \(-8172\)'
    verdict "leaf by OneCRL only, elsewhere" firefox/$d 'expected trusted, got trusted'
    verdict "control: leaf before the date" firefox/$d 'expected trusted, got trusted'
    verdict "control: the OneCRL leaf's sibling" firefox/$d 'expected trusted, got trusted'
done
verdict "intermediate by certificate" firefox/onecrl 'Firefox rejects the chain: SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
verdict "intermediate by issuer and serial" firefox/onecrl 'Firefox rejects the chain: SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
verdict "leaf by OneCRL only" firefox/onecrl 'Firefox rejects the chain: SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
verdict "control: leaf before the date" firefox/onecrl 'expected trusted, got trusted'
verdict "control: the OneCRL leaf's sibling" firefox/onecrl 'expected trusted, got trusted'
verdict "leaf after the distrust-after date" firefox/root-store 'Firefox rejects the chain: MOZILLA_PKIX_ERROR_ISSUER_NO_LONGER_TRUSTED \(-16367\)'
verdict "leaf after the distrust-after date" firefox/root-store "distrust-after: Firefox's built-in root \"Root C dated\" carries a server distrust-after date of 2024-11-30T23:59:59Z \(the build's\); the leaf's notBefore 2025-03-01T00:00:00Z is after it: Firefox enforces the date"
verdict "control: leaf before the date" firefox/root-store "notBefore 2024-06-01T00:00:00Z is not after it: Firefox keeps trusting the chain"
verdict "leaf after the date, elsewhere" firefox/overlay 'but the overlay module does not enforce distrust-after dates'
verdict "leaf after the date, elsewhere" firefox/onecrl 'but OneCRL carries no distrust-after dates'
count "no Firefox check is INVALID" "$F" '\[firefox/[a-z-]*\] # INVALID' 0
count "18 Firefox checks" "$F" '^ok [0-9]+ - .* \[firefox/(root-store|overlay|onecrl)\]$' 18
# NSS (PKIX) beside Firefox: its overlay judges the same cases the same way.
verdict "intermediate by certificate" overlay/pkix 'expected distrusted, got distrusted'
verdict "intermediate by issuer and serial" overlay/pkix 'expected distrusted, got distrusted'
has "Firefox and NSS agree on every overlay verdict" "$F" '^# firefox vs NSS \(pkix\), overlay: 6 of 6 verdicts agree$'
count "the OneCRL and root-store only cases are Firefox's: NSS does not call them unchecked" "$F" '^# not checked:' 0
has "the run's verdicts: 18 Firefox, 6 NSS" "$F" '^24 passed, 0 failed$'

# Part 2: expected distrusted everywhere. Each failure is where the
# deployment does not enforce that distrust, and the report says why.
sed -e 's/, "deployments": \[[^]]*\]//' -e 's/"leaf by OneCRL only, elsewhere\(.*\)"trusted"/"leaf by OneCRL only, elsewhere\1"distrusted"/' \
    -e 's/"leaf after the date, elsewhere\(.*\)"trusted"/"leaf after the date, elsewhere\1"distrusted"/' "$WORK/cases.json" >"$WORK/strict.json"
run "$DISTRUST" verify --build "$WORK/b" --engine firefox "$WORK/strict.json"
cp "$WORK/out" "$WORK/p2.out"
F="$WORK/p2.out"
expect_status "part 2: a distrust expected where it is not carried fails the run" 3
for nm in "leaf by OneCRL only" "leaf by OneCRL only, elsewhere"; do
    for d in root-store overlay; do
        verdict "$nm" firefox/$d 'why: OUT/certdata-distrust.txt has no object for any certificate of the case'
    done
    verdict "$nm" firefox/onecrl 'SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
done
for nm in "leaf after the distrust-after date" "leaf after the date, elsewhere"; do
    verdict "$nm" firefox/overlay 'but the overlay module does not enforce distrust-after dates: Firefox reads them only from its built-in roots module. Not applied.'
    verdict "$nm" firefox/onecrl 'but OneCRL carries no distrust-after dates'
    verdict "$nm" firefox/root-store 'MOZILLA_PKIX_ERROR_ISSUER_NO_LONGER_TRUSTED \(-16367\)'
done
count "8 checks fail: 2 leaves x (root-store, overlay) for OneCRL, 2 x (overlay, onecrl) for the date" "$F" '^not ok ' 8
has "the summary: what the root store does not enforce" "$F" '^# firefox/root-store does not enforce 2 of the 6 distrusts the cases expect of it: "leaf by OneCRL only", "leaf by OneCRL only, elsewhere"'
has "the summary: what the overlay does not enforce" "$F" '^# firefox/overlay does not enforce 4 of the 6 distrusts'
has "the summary: what OneCRL does not enforce" "$F" '^# firefox/onecrl does not enforce 2 of the 6 distrusts the cases expect of it: "leaf after the distrust-after date", "leaf after the date, elsewhere"'

# Part 3: the upstream root store. The same policy merged into the fixture
# root store (build --certdata) and served as the built-in roots, to NSS and
# to Firefox: their verdicts agree case by case.
run "$DISTRUST" build -q --certdata "$C/roots-certdata.txt" -o "$WORK/m" "$WORK/policy.json"
expect_status "the build merged into the fixture root store" 0
sed -e "s|\"anchors\": \[[^]]*\]|\"anchors\": \"$C/roots-certdata.txt\"|" "$WORK/cases.json" >"$WORK/up.json"
run "$DISTRUST" verify --build "$WORK/m" --engine pkix,firefox --deployments root-store "$WORK/up.json"
cp "$WORK/out" "$WORK/p3.out"
F="$WORK/p3.out"
expect_status "part 3: the upstream root store under NSS and Firefox" 0
for nm in "intermediate by certificate" "intermediate by issuer and serial" "leaf after the distrust-after date"; do
    verdict "$nm" root-store/pkix 'expected distrusted, got distrusted'
    verdict "$nm" firefox/root-store 'expected distrusted, got distrusted'
done
verdict "leaf after the distrust-after date" firefox/root-store "carries a server distrust-after date of 2024-11-30T23:59:59Z \(OUT/certdata.txt\).*Firefox enforces the date"
has "Firefox and NSS agree on every root-store verdict" "$F" '^# firefox vs NSS \(pkix\), root-store: 6 of 6 verdicts agree$'
has "12 verdicts" "$F" '^12 passed, 0 failed$'
done_testing
