# tier: slow
# distrust verify --engine firefox on the shipped real cases (policy/cases/):
# the SHA-1 chains of 2011-2015 come out INVALID with Firefox's reason, never
# passed or failed; the SHA-256 Entrust 2024 case replays. Five Firefox
# processes (about 12 s). Skipped whole when firefox-esr is not installed.
. "$TOP/tests/e2e/lib.sh"
firefox_or_skip
# The shipped real cases: the SHA-1 chains of 2011-2015 have no Firefox
# baseline (-8016, refused outright), the DigiNotar cross-signs and CNNIC's
# MCSHOLDING intermediate are already revoked by Firefox's own OneCRL (-8180),
# the SHA-256 Entrust 2024 case replays.
"$DISTRUST" build -q -o "$WORK/real" "$TOP/policy" 2>/dev/null
run "$DISTRUST" verify --build "$WORK/real" --engine firefox "$TOP"/policy/cases/*.json
cp "$WORK/out" "$WORK/real.out"
R="$WORK/real.out"
expect_status "the real cases under Firefox: INVALID ones fail the run" 3
has "Firefox's own OneCRL is in force in every profile" "$R" '^# firefox baseline: .*\(its own OneCRL: [1-9][0-9]* records in force\)'
# 21 cases x 3 deployments (overlay, onecrl, and the root store of the
# cases' anchors with the build merged)
count "SHA-1 chains: INVALID, refused by Firefox (-8016), under every deployment" "$R" \
    "^not ok [0-9]+ - .* # INVALID: Firefox [^ ]+ does not accept the chain in a fresh profile( \(the case's anchors as Firefox's built-in roots module\))? \(SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED, -8016\): Firefox refuses SHA-1 signatures" 51
count "already in Firefox's OneCRL: INVALID (-8180)" "$R" \
    "^not ok [0-9]+ - .* # INVALID: .*\(SEC_ERROR_REVOKED_CERTIFICATE, -8180\): Firefox's own OneCRL already revokes" 9
has "no SHA-1 case is a pass" "$R" '^3 passed, 60 failed$'
for d in overlay onecrl root-store; do
    has "Entrust 2024 replays under $d" "$R" "^ok [0-9]+ - validg2.entrust.net issued before the Entrust distrust-after date \\[firefox/$d\\]\$"
done
has "Entrust 2024's date is served by Firefox's built-in roots, the leaf before it" "$R" \
    '^#   distrust-after: Firefox.s built-in root "Entrust Root Certification Authority - G2" carries a server distrust-after date of 2024-11-30T23:59:59Z \(the build.s\); the leaf.s notBefore 2024-06-28T21:42:14Z is not after it: Firefox keeps trusting the chain$'
has "under the overlay the report says plainly that the date is not enforced" "$R" \
    '^#   distrust-after: the build gives "Entrust Root Certification Authority - G2" .*but the overlay module does not enforce distrust-after dates'

done_testing
