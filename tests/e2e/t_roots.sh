# --roots wherever anchors matter: with a root store, only its roots start
# the open paths lint reports (without one, every self-signed CA
# certificate of the pool does); a path names every certificate on it by
# name and short SHA-256, so different cross-certificates of one subject
# print apart. The fixture PKI first, then the real CCADB set with NSS's
# store (DigiCert Global Root G2 with a distrust-after date).
. "$TOP/tests/e2e/lib.sh"
D=$DISTRUST
POL="$TOP/testdata/chains/pool-intermediate/policy-no-cross.json"
paths() { grep -o "reaches the [a-z' -]*key of this entry: [^;]*;" "$1" | sed 's/^reaches the .*key of this entry: //'; }

# 1. The fixture: three open paths, from Root A (through Root C's
# cross-certificate), Root B and Root C.
run "$D" lint "$POL"
paths "$WORK/err" >"$WORK/all"
count "without --roots: three open paths, one per self-signed root" "$WORK/all" '.' 3
run "$D" lint --roots "$PKI/root-a.pem" "$POL"
paths "$WORK/err" >"$WORK/a"
if [ "$st" -eq 0 ] && [ "$(cat "$WORK/a")" = "Test Root A [05760b3d13fc] > Test Root C (distrust-after) [0b84aa00fb23] > Test Intermediate 1 [80b365e052c2];" ]; then
    ok "--roots root-a.pem: only the path from Root A, every certificate by name and digest"
else
    not_ok "--roots root-a.pem (exit $st)" "$(cat "$WORK/a")"
fi
run "$D" lint --roots "$PKI/root-b.pem" "$POL"
paths "$WORK/err" >"$WORK/b"
[ "$(cat "$WORK/b")" = "Test Root B [140d2f6ab17e] > Test Intermediate 1 [da4dd5e6009c];" ] &&
    ok "--roots root-b.pem: only the path from Root B" || not_ok "--roots root-b.pem" "$(cat "$WORK/b")"
run "$D" lint --strict --roots "$PKI/root-b.pem" "$POL"
expect_status "--strict: the open path from the store's root fails the lint" 3
# The two certificates of Root C (self-signed, and cross-signed by Root A) print apart.
grep -q 'Test Root C (distrust-after) \[71086b92d78c\] > ' "$WORK/all" && grep -q 'Test Root C (distrust-after) \[0b84aa00fb23\] > ' "$WORK/all" &&
    ok "Root C self-signed and Root C cross-signed by Root A print apart" || not_ok "Root C's certificates" "$(cat "$WORK/all")"
# A store of no root of the pool: no anchor, no path.
run "$D" lint --roots "$PKI/root-d.pem" "$POL"
paths "$WORK/err" >"$WORK/d"
[ "$st" -eq 0 ] && [ ! -s "$WORK/d" ] && ok "--roots of another root: no path starts anywhere else" || not_ok "--roots root-d.pem (exit $st)" "$(cat "$WORK/d")"

# 2. The CCADB pool (every root program's CAs) and NSS's current store.
ccadb_pems "$WORK/ccadb"
NSS="$TOP/testdata/nss/certdata-2026.txt"
# DigiCert Global Root G2 as NSS ships it.
awk '/^# Certificate "DigiCert Global Root G2"$/ { f = 1 } f && /^CKA_VALUE MULTILINE_OCTAL/ { v = 1; next } v && /^END/ { exit } v { print }' "$NSS" |
    tr -d '\n' | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g' | xargs -0 printf '%b' >"$WORK/g2.der" 2>/dev/null
if openssl x509 -inform DER -in "$WORK/g2.der" -noout -subject 2>/dev/null | grep -q 'CN = DigiCert Global Root G2'; then
    ok "DigiCert Global Root G2 from NSS's certdata.txt"
else
    not_ok "DigiCert Global Root G2 from certdata.txt" "$(od -c "$WORK/g2.der" | head -3)"
fi
cat >"$WORK/g2.json" <<EOF
{"version": 1, "entries": [{"certificate": "g2.der", "label": "DigiCert Global Root G2", "server_distrust_after": "2026-04-15T00:00:00Z"}]}
EOF
run "$D" lint --pool "$WORK/ccadb" "$WORK/g2.json"
paths "$WORK/err" >"$WORK/cc-all"
more=$(sed -n 's/.*warning: \/entries\/0: \([0-9]*\) more open paths reach this key$/\1/p' "$WORK/err")
if [ "$st" -eq 0 ] && [ "$(wc -l <"$WORK/cc-all")" -eq 10 ] && [ "${more:-0}" -gt 0 ]; then
    ok "CCADB without --roots: $((10 + more)) open paths (10 printed), from roots of every program"
else
    not_ok "CCADB without --roots (exit $st)" "$(head -c 1500 "$WORK/err")"
fi
grep -q '^VeriSign Class 3 Public Primary Certification Authority - G3 \[' "$WORK/cc-all" &&
    ok "... some from roots NSS does not trust (VeriSign Class 3 G3)" || not_ok "VeriSign path" "$(cat "$WORK/cc-all")"
grep -o '^Baltimore CyberTrust Root \[16af57a9f676\] > DigiCert High Assurance EV Root CA \[[0-9a-f]*\]' "$WORK/cc-all" | sort -u >"$WORK/balt"
[ "$(wc -l <"$WORK/balt")" -eq 3 ] && ok "three Baltimore cross-certificates print as three different lines" ||
    not_ok "Baltimore cross-certificates" "$(cat "$WORK/balt")"
run "$D" lint --pool "$WORK/ccadb" --roots "$NSS" "$WORK/g2.json"
paths "$WORK/err" >"$WORK/cc-nss"
if [ "$st" -eq 0 ] && [ ! -s "$WORK/cc-nss" ] && ! grep -q 'more open paths' "$WORK/err" &&
    grep -q '0 open paths' "$WORK/out"; then
    ok "CCADB with --roots NSS's store: no open path (no root NSS trusts for TLS reaches G2's key another way)"
else
    not_ok "CCADB with --roots (exit $st)" "$(head -c 1500 "$WORK/err")"
fi

done_testing
