# `distrust lint --expired-before DATE`: the entries whose certificates all
# expired before the date, the candidates NSS removes in clean-up releases;
# entries with no known certificate are listed apart (never pruned blind).
. "$TOP/tests/e2e/lib.sh"
NSS="$TOP/testdata/nss"
C="$TOP/testdata/chains"
Y=4a0b9ef4e195-2017-11-16-28distrust
"$DISTRUST" import -q certdata "$NSS/certdata-$Y.txt" -o "$WORK/p2017.json" 2>/dev/null

run "$DISTRUST" lint -q --expired-before 2026-11-22 "$WORK/p2017.json"
expect_status "lint --expired-before on the 2017 distrusts" 0
count "19 certificate entries expired (DigiNotar Root CA in March 2025)" "$WORK/out" '^expired: ' 19
count "9 issuer/serial entries have no known certificate" "$WORK/out" '^unknown: .*no certificate is known for its issuer and serial; give --pool to decide$' 9
has "each line names the entry, its label, and the latest notAfter" "$WORK/out" '^expired: p2017.json /entries/15 "Explicitly Distrust DigiNotar Root CA": its certificate expired before 2026-11-22T00:00:00Z \(the latest notAfter is 2025-03-31T18:19:22Z\)$'
has "the summary" "$WORK/out" '^lint: 19 entries only distrust certificates that expired before 2026-11-22 \(candidates for removal\); 9 entries with no known certificate; 0 still valid$'
# The date decides: before DigiNotar Root CA expired it is still valid.
run "$DISTRUST" lint -q --expired-before 2025-01-01 "$WORK/p2017.json"
has "on 2025-01-01 one of them is still valid" "$WORK/out" '^lint: 18 entries .*; 9 entries with no known certificate; 1 still valid$'
hasnt "and is not listed" "$WORK/out" 'DigiNotar Root CA"'
# A pool supplies the certificates of issuer/serial entries.
run "$DISTRUST" lint -q --expired-before 2026-11-22 --pool "$TOP/policy/certs" "$WORK/p2017.json"
has "with the incidents' certificates as a pool, the TURKTRUST entries are known and expired" "$WORK/out" '^expired: p2017.json /entries/26 "TURKTRUST Mis-issued Intermediate CA 2"'
has "22 expired, 6 still unknown" "$WORK/out" '^lint: 22 entries .*; 6 entries with no known certificate; 0 still valid$'
# Fixture: every certificate is valid in 2026; the issuer/serial entry is
# unknown without a pool and valid with one.
run "$DISTRUST" lint -q --expired-before 2026-11-22 "$C/basic/policy.json"
has "fixture: nothing expired, one unknown" "$WORK/out" '^lint: 0 entries .*; 1 entry with no known certificate; 4 still valid$'
run "$DISTRUST" lint -q --expired-before 2026-11-22 --pool "$TOP/testdata/pki" "$C/basic/policy.json"
has "fixture with the pool: all five still valid" "$WORK/out" '^lint: 0 entries .*; 0 entries with no known certificate; 5 still valid$'
run "$DISTRUST" lint -q --expired-before 2099-01-01 --pool "$TOP/testdata/pki" "$C/basic/policy.json"
has "fixture in 2099: all five expired" "$WORK/out" '^lint: 5 entries .*; 0 entries with no known certificate; 0 still valid$'
run "$DISTRUST" lint --expired-before soon "$C/basic/policy.json"
expect_status "a bad date is a usage error" 2
done_testing
