# `distrust import ccadb`: the CCADB's revoked-intermediates report, made by
# mkrevoked.sh from real certificates of testdata/ccadb (three that the real
# OneCRL dump holds, as "Added to OneCRL"; three it does not, as "Ready to
# Add", one with a negative serial; two expired, as "Cert Expired"), becomes
# a policy that lints and builds into OneCRL records and blob entries for
# exactly the six certificates: their issuers and serials as openssl cuts
# them from the DER, the three "Added" ones the very keys of the real dump.
# With the whole CCADB set as a pool the build still distrusts those six
# certificates alone (scope certificate), where a key distrust of the same
# entries reaches another certificate of one of their keys. Re-import gives
# the same bytes (over the previous file too, whatever the row order); a row
# whose serial is not its certificate's fails with its row and leaves the
# previous policy; an import killed at random points leaves the previous
# policy or the new one, never anything else.
. "$TOP/tests/e2e/lib.sh"
D="$WORK/d"
P="$WORK/pems"
mkdir -p "$D" "$D/pol" "$D/c"
ccadb_pems "$P"
# nth YEAR I OUT: the I-th (from 0) certificate of the NotBeforeYear_YEAR report.
nth() {
    awk -v want="$2" '/BEGIN CERT/ { k++ } k == want + 1 { print } /END CERT/ && k == want + 1 { exit }' \
        "$P/AllCertificatePEMsCSVFormat_NotBeforeYear_$1.pem" >"$3"
}
nth 2003 7 "$D/c/added-tw.pem"      # Government Root CA (TW) sub-CA, serial with its 0x00 pad
nth 2008 4 "$D/c/added-swiss.pem"   # Swiss Post Platinum CA 2008 - G2, padded too
nth 1999 28 "$D/c/added-gs.pem"     # GlobalSign Primary Object Publishing CA (its key has another certificate)
nth 2020 12 "$D/c/ready-nl.pem"     # NETLOCK Trust EV CA 3
nth 2020 4 "$D/c/ready-dc.pem"      # DigiCert Secure Site ECC CN CA G3
nth 2003 13 "$D/c/ready-ecacc.pem"  # EC-ACC: a negative serial
nth 1998 11 "$D/c/expired-tc.pem"   # TC TrustCenter, expired 2011
nth 2015 0 "$D/c/expired-intel.pem" # Intel External Issuing CA 7A, expired 2021
for f in "$D"/c/*.pem; do openssl x509 -in "$f" -outform DER -out "${f%.pem}.der"; done
n_pem=$(ls "$D"/c/*.der | wc -l)
[ "$n_pem" -eq 8 ] && [ -s "$D/c/expired-intel.der" ] && ok "baseline: eight real certificates from testdata/ccadb" ||
    not_ok "baseline: eight real certificates" "found $n_pem"

cat >"$D/rows" <<ROWS
Added to OneCRL|$D/c/added-tw.pem|2023.05.02
Added to OneCRL|$D/c/added-swiss.pem
Added to OneCRL|$D/c/added-gs.pem|2019.11.30|(4) superseded
Ready to Add|$D/c/ready-nl.pem|2026.08.01|(5) cessationOfOperation|NETLOCK Ltd.|replaced by NETLOCK Trust EV CA 4
Ready to Add|$D/c/ready-dc.pem
Ready to Add|$D/c/ready-ecacc.pem|2025.02.28|(0) unspecified
Cert Expired|$D/c/expired-tc.pem
Cert Expired|$D/c/expired-intel.pem
ROWS
sh "$TOP/tests/e2e/mkrevoked.sh" "$D/report.csv" <"$D/rows"
has "the report has the 22 columns of PublicIntermediateCertsRevokedWithPEMCSV" "$D/report.csv" \
    '^"CA Owner","Revocation Status",.*"SHA-256 Fingerprint","Subject \+ SPKI SHA256",.*"Comments","PEM Info"$'
has "... dates as the report writes them" "$D/report.csv" '^"GlobalSign nv-sa","Revoked","\(4\) superseded","2019 Nov 30","Added to OneCRL","0400000000011E44A5E404"'

# keys DER...: "issuer-b64 serial-b64" of each certificate, cut by openssl
# (der-field.sh), padding and blanks dropped, sorted.
keys() {
    for f in "$@"; do
        printf '%s %s\n' "$(sh "$TOP/tests/e2e/der-field.sh" issuer "$f" b64)" "$(sh "$TOP/tests/e2e/der-field.sh" serial "$f" b64)"
    done | tr -d '=' | LC_ALL=C sort
}
# records FILE: the same of every issuerName/serialNumber record of a OneCRL
# JSON file (one key a line, as the build and the real dump write them).
records() {
    awk '/"issuerName":/ { split($0, q, "\""); i = q[4] } /"serialNumber":/ { split($0, q, "\""); s = q[4] }
         i != "" && s != "" { gsub(/[ =]/, "", i); gsub(/[ =]/, "", s); print i, s; i = ""; s = "" }' "$1" | LC_ALL=C sort
}
keys "$D"/c/added-*.der "$D"/c/ready-*.der >"$D/want.keys"
keys "$D"/c/added-*.der >"$D/added.keys"
keys "$D"/c/ready-*.der >"$D/ready.keys"
records "$TOP/testdata/onecrl/onecrl-2026-10.json" >"$D/dump.keys"
cnt=$(LC_ALL=C comm -12 "$D/added.keys" "$D/dump.keys" | wc -l)
[ "$cnt" -eq 3 ] && ok "baseline: the three \"Added to OneCRL\" certificates are in the real OneCRL dump" ||
    not_ok "baseline: the three Added certificates are in the real dump" "found $cnt"
cnt=$(LC_ALL=C comm -12 "$D/ready.keys" "$D/dump.keys" | wc -l)
[ "$cnt" -eq 0 ] && ok "baseline: the three \"Ready to Add\" ones are not" || not_ok "baseline: Ready to Add not in the dump" "found $cnt"

# 1. import
POL="$D/pol/revoked.json"
run "$DISTRUST" import ccadb "$D/report.csv" -o "$POL"
expect_status "import ccadb" 0
has "it says what it imported and what it left out" "$WORK/out" \
    "wrote .*revoked.json: 6 entries \(3 Added to OneCRL, 3 Ready to Add\); left out: 2 Cert Expired, 0 of other statuses, 0 duplicates"
has "each Cert Expired row is a note with its place, row and name" "$WORK/err" \
    'report.csv:[0-9]+: note: row 7: "Cert Expired": left out \(TC TrustCenter'
count "... two of them, nothing else on stderr" "$WORK/err" '.' 2
run "$DISTRUST" import -q ccadb "$D/report.csv" -o "$D/quiet.json"
[ "$st" -eq 0 ] && [ ! -s "$WORK/err" ] && [ ! -s "$WORK/out" ] && ok "-q: no notes, no summary" ||
    not_ok "-q: no notes, no summary" "$(cat "$WORK/err")"
count "six entries, each scope certificate, targets onecrl and blob" "$POL" \
    '^    \{"issuer_der":"[^"]+","serial":"[0-9a-f:]+",("serial_format":"der-negative",)?"scope":"certificate","targets":\["onecrl","blob"\]' 6
has "the owner, the reason, the revocation date and the certificate name are its metadata" "$POL" \
    '"label":"GlobalSign nv-sa/GlobalSign Primary Object Publishing CA","why":"revoked by GlobalSign nv-sa: \(4\) superseded","created":"2019-11-30","comment":"CCADB revoked-intermediates report: OneCRL Status \\"Added to OneCRL\\"'
has "the CCADB comments are kept" "$POL" '"why":"revoked by NETLOCK Ltd.: \(5\) cessationOfOperation","created":"2026-08-01","comment":"CCADB revoked-intermediates report: OneCRL Status \\"Ready to Add\\".*; CCADB comments: replaced by NETLOCK Trust EV CA 4"'
count "the negative serial is kept exactly" "$POL" '"serial":"ee:2b:3d:eb:[0-9a-f:]+","serial_format":"der-negative"' 1
hasnt "no certificate files, no key distrust" "$POL" '"certificate":|"cross_signs"|"scope":"key"'
run "$DISTRUST" lint "$POL"
expect_status "lint of the imported policy" 0
has "lint: six issuer/serial distrusts" "$WORK/out" "6 entries in 1 policy file, 6 issuer/serial distrusts"

# 2. build: OneCRL records and blob entries for exactly the six certificates
run "$DISTRUST" build -q --sequence 1 -o "$D/out" "$POL"
expect_status "build of the imported policy" 0
records "$D/out/onecrl.json" >"$D/got.keys"
same "onecrl.json: the six certificates' issuers and serials, as openssl cuts them from the DER" "$D/want.keys" "$D/got.keys"
LC_ALL=C comm -12 "$D/got.keys" "$D/dump.keys" >"$D/in-dump.keys"
same "... the three Added to OneCRL records are the real dump's own keys" "$D/added.keys" "$D/in-dump.keys"
nb=0
for f in "$D"/c/added-*.der "$D"/c/ready-*.der; do
    "$DISTRUST" query --cert "$f" "$D/out/revocations.blob" >/dev/null 2>&1 && nb=$((nb + 1))
done
[ "$nb" -eq 6 ] && ok "revocations.blob lists each of the six" || not_ok "revocations.blob lists each of the six" "listed: $nb"
"$DISTRUST" query --cert "$D/c/expired-tc.der" "$D/out/revocations.blob" >/dev/null 2>&1
qs=$?
"$DISTRUST" query --cert "$D/c/expired-intel.der" "$D/out/revocations.blob" >/dev/null 2>&1
qs2=$?
[ "$qs" -eq 1 ] && [ "$qs2" -eq 1 ] && ok "... and neither Cert Expired certificate (query exits 1)" ||
    not_ok "the Cert Expired certificates are not in the blob" "query exit $qs, $qs2"
has "the manifest counts six blob serials" "$D/out/manifest.json" '"blob_serials": 6,'

# 3. with the whole CCADB set as a pool: still those six alone
run "$DISTRUST" build -q --sequence 1 --pool "$TOP/testdata/ccadb" -o "$D/out-pool" "$POL"
expect_status "build with the CCADB reports as the pool" 0
records "$D/out-pool/onecrl.json" >"$D/pool.keys"
same "... the same six records: a revocation never reaches the key's other certificates" "$D/want.keys" "$D/pool.keys"
sed 's/"scope":"certificate"/"scope":"key"/' "$POL" >"$D/key.json"
"$DISTRUST" build -q --sequence 1 --pool "$TOP/testdata/ccadb" -o "$D/out-key" "$D/key.json" >/dev/null 2>&1
records "$D/out-key/onecrl.json" >"$D/key.keys"
nk=$(wc -l <"$D/key.keys")
[ "$nk" -gt 6 ] && ok "(the check checks: the same entries as key distrusts reach $nk certificates in that pool)" ||
    not_ok "a key distrust of the same entries reaches more certificates" "records: $nk"

# 4. idempotent: the same bytes again, over the previous file, whatever the row order
cp "$POL" "$D/first.json"
run "$DISTRUST" import -q ccadb "$D/report.csv" -o "$POL"
expect_status "import again over the previous policy" 0
same "... the same bytes" "$D/first.json" "$POL"
leftovers=$(ls -A "$D/pol" | grep -v '^revoked.json$' || true)
[ -z "$leftovers" ] && ok "... nothing left beside it" || not_ok "nothing left beside the policy" "$leftovers"
# the rows in reverse order (each record kept whole)
awk 'NR == 1 { print; next } /^"[^"]*","Revoked",/ { k++ } { rec[k] = rec[k] $0 "\n" } END { for (i = k; i >= 1; i--) printf "%s", rec[i] }' \
    "$D/report.csv" >"$D/reversed.csv"
cmp -s "$D/report.csv" "$D/reversed.csv" && not_ok "baseline: the reversed report differs"
"$DISTRUST" import -q ccadb "$D/reversed.csv" -o "$D/pol2.json" 2>/dev/null
sed 's/from reversed.csv/from report.csv/' "$D/pol2.json" >"$D/pol2n.json"
same "the rows in another order: the same entries, byte for byte" "$D/first.json" "$D/pol2n.json"
# the check checks: one status changed is another policy
sed 's/"Ready to Add"/"Added to OneCRL"/' "$D/report.csv" >"$D/changed.csv"
"$DISTRUST" import -q ccadb "$D/changed.csv" -o "$D/changed.json" 2>/dev/null
sed 's/from changed.csv/from report.csv/' "$D/changed.json" >"$D/changedn.json"
if cmp -s "$D/first.json" "$D/changedn.json"; then not_ok "a changed status changes the policy"; else ok "(the check checks: a changed status changes the policy)"; fi

# 5. a row whose serial is not its certificate's: an error with its row, the previous policy kept
line=$(grep -n '"0400000000011E44A5E404"' "$D/report.csv" | cut -d: -f1)
sed 's/"0400000000011E44A5E404"/"0400000000011E44A5E405"/' "$D/report.csv" >"$D/mismatch.csv"
run "$DISTRUST" import ccadb "$D/mismatch.csv" -o "$POL"
expect_status "a serial that is not the certificate's" 1
has "... an error at its line with its row, both serials named" "$WORK/err" \
    "mismatch.csv:$line: error: row 3: the Certificate Serial Number \(0400000000011E44A5E405\) is not the certificate's serial \(0400000000011E44A5E404, compared as integers\)"
same "... the previous policy is left as it was" "$D/first.json" "$POL"
leftovers=$(ls -A "$D/pol" | grep -v '^revoked.json$' || true)
[ -z "$leftovers" ] && ok "... nothing left beside it" || not_ok "nothing left beside the policy" "$leftovers"
# leading zeros and case do not matter
sed 's/"0400000000011E44A5E404"/"000400000000011e44a5e404"/' "$D/report.csv" >"$D/zeros.csv"
run "$DISTRUST" import -q ccadb "$D/zeros.csv" -o "$D/zeros.json"
expect_status "a serial with leading zeros, in lower case: the same integer" 0
# another status: a warning, left out; --strict makes it an error
sed 's/"Ready to Add"/"Not Revoked"/' "$D/report.csv" >"$D/other.csv"
run "$DISTRUST" import ccadb "$D/other.csv" -o "$D/other.json"
expect_status "rows of another status" 0
count "... a warning each, with its row" "$WORK/err" 'other.csv:[0-9]+: warning: row [456]: OneCRL Status "Not Revoked": left out' 3
count "... and left out" "$D/other.json" '"scope":"certificate"' 3
run "$DISTRUST" import --strict ccadb "$D/other.csv" -o "$D/strict.json"
[ "$st" -eq 3 ] && [ ! -e "$D/strict.json" ] && ok "... with --strict, a failed check (exit 3, as import onecrl) and nothing written" ||
    not_ok "--strict: exit 3, nothing written" "exit $st"

# 6. killed while replacing the previous policy: the previous one or the new one, nothing else
# The new report: the same rows, then 8,000 more Cert Expired rows (an import long enough to kill).
awk -v N=8000 'NR == 1 { print; next } { print } /^"[^"]*","Revoked",/ { k++ } k == 7 { rec = rec $0 "\n" }
    END { for (i = 0; i < N; i++) printf "%s", rec }' "$D/report.csv" >"$D/big.csv"
"$DISTRUST" import -q ccadb "$D/big.csv" -o "$D/pol/big.json" 2>/dev/null
"$DISTRUST" import -q ccadb "$D/reversed.csv" -o "$D/pol/old.json" 2>/dev/null
if cmp -s "$D/pol/big.json" "$D/pol/old.json" || [ ! -s "$D/pol/big.json" ]; then
    not_ok "baseline: the old and the new policy differ"
fi
t0=$(date +%s%N)
"$DISTRUST" import -q ccadb "$D/big.csv" -o "$D/timing.json" 2>/dev/null
t1=$(date +%s%N)
import_ms=$(((t1 - t0) / 1000000))
[ "$import_ms" -gt 0 ] 2>/dev/null || import_ms=300
TRIALS=${ATOMIC_TRIALS:-8}
old=0 new=0 bad=0 i=0
while [ "$i" -lt "$TRIALS" ]; do
    i=$((i + 1))
    rm -f "$D"/pol/imp.json*
    cp "$D/pol/old.json" "$D/pol/imp.json"
    ms=$(awk -v i="$i" -v n="$TRIALS" -v t="$import_ms" 'BEGIN { srand(i * 7919); printf "%d", (i - 1 + rand()) / n * t * 1.6 }')
    "$DISTRUST" import -q ccadb "$D/big.csv" -o "$D/pol/imp.json" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if cmp -s "$D/pol/imp.json" "$D/pol/old.json"; then
        old=$((old + 1))
    elif cmp -s "$D/pol/imp.json" "$D/pol/big.json"; then
        new=$((new + 1))
    else
        bad=$((bad + 1))
        not_ok "import killed after ${ms} ms: the policy is neither version" "$(head -c 300 "$D/pol/imp.json")"
    fi
done
if [ "$bad" -eq 0 ] && [ "$old" -ge 1 ]; then
    ok "import ccadb killed $TRIALS times over ${import_ms} ms: the previous policy $old times, the new one $new times, nothing else"
else
    not_ok "import ccadb under SIGKILL" "old $old, new $new, damaged $bad"
fi
# and not killed, it replaces it
"$DISTRUST" import -q ccadb "$D/big.csv" -o "$D/pol/imp.json" 2>/dev/null
same "an import that runs to its end replaces the previous policy" "$D/pol/big.json" "$D/pol/imp.json"
done_testing
