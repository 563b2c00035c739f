# tier: slow
# distrust verify --engine firefox on the shipped real cases (policy/cases/):
# the SHA-1 chains of 2011-2015 come out INVALID with Firefox's reason, never
# passed or failed; the SHA-256 Entrust 2024 case replays. Three Firefox
# processes (about 10 s). Skipped whole when firefox-esr is not installed.
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
count "SHA-1 chains: INVALID, refused by Firefox (-8016)" "$R" \
    "^not ok [0-9]+ - .* # INVALID: Firefox [^ ]+ does not accept the chain in a fresh profile \(SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED, -8016\): Firefox refuses SHA-1 signatures" 34
count "already in Firefox's OneCRL: INVALID (-8180)" "$R" \
    "^not ok [0-9]+ - .* # INVALID: .*\(SEC_ERROR_REVOKED_CERTIFICATE, -8180\): Firefox's own OneCRL already revokes" 6
has "no SHA-1 case is a pass" "$R" '^2 passed, 40 failed$'
has "Entrust 2024 replays under the overlay" "$R" '^ok [0-9]+ - validg2.entrust.net issued before the Entrust distrust-after date \[firefox/overlay\]$'
has "and under OneCRL" "$R" '^ok [0-9]+ - validg2.entrust.net issued before the Entrust distrust-after date \[firefox/onecrl\]$'

done_testing
