# onecrl.json, its content signature and `distrust import onecrl`.
# The signature is checked by OpenSSL's command line (an independent
# verifier) over the message the tool says it signed, and that message is
# compared with tests/e2e/onecrl/basic.message, made for this fixture by an
# independent canonical-JSON implementation (Python's json + sorted keys +
# \uXXXX escapes) when the test was written.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
K="$TOP/testdata/keys"


# The records.
run "$DISTRUST" build -q -o "$WORK/b" --date 2026-11-01 "$C/basic/policy.json"
expect_status "build writes onecrl.json" 0
O="$WORK/b/onecrl.json"
count "one record per onecrl-targeted issuer/serial (3 of the 5 entries)" "$O" '"issuerName": ' 3
has "the serial keeps its 00 pad (00:80:00:00:01)" "$O" '"serialNumber": "AIAAAAE="'
has "the issuer is the DER Name in base64" "$O" '"issuerName": "MEMxCzAJBgNVBAYTAlVTMRYwFAYDVQQKDA1EaXN0cnVzdCBUZXN0MRwwGgYDVQQDDBNUZXN0IEludGVybWVkaWF0ZSAx"'
has "last_modified comes from --date, in milliseconds" "$O" '"last_modified": 1793491200000'
has "the details carry the entry's why" "$O" '"why": "a leaf, by issuer and padded serial"'
has "ids are UUIDs (version 8)" "$O" '"id": "[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"'
has "the manifest lists onecrl.json" "$WORK/b/manifest.json" '"onecrl.json": \{'
run "$DISTRUST" build -q -o "$WORK/b2" --date 2026-11-01 "$C/basic/policy.json"
same "onecrl.json is byte-for-byte reproducible" "$O" "$WORK/b2/onecrl.json"
SOURCE_DATE_EPOCH=1793491200 "$DISTRUST" build -q -o "$WORK/b3" "$C/basic/policy.json" 2>/dev/null
same "SOURCE_DATE_EPOCH gives the same timestamp as --date" "$O" "$WORK/b3/onecrl.json"
run "$DISTRUST" build -q -o "$WORK/b4" --date yesterday "$C/basic/policy.json"
expect_status "a bad --date is a usage error" 2

# Subject + key records, enabled: false, who.
SUBJ=$(sh "$TOP/tests/e2e/der-field.sh" subject "$PKI/int-a2.der" b64)
cat >"$WORK/sk.json" <<JSON
{"version": 1, "entries": [
  {"subject_der": "$SUBJ", "spki_sha256": "OSjTNe6m1XEZlg4BQwMPEs/hSXghlLhzxjwLIg00uwI=", "label": "Key of Intermediate 2",
   "who": "root program", "created": "2026-10-02", "onecrl_enabled": false},
  {"issuer_certificate": "$PKI/root-a.pem", "serial": "20:02", "targets": ["nss"]}]}
JSON
run "$DISTRUST" build -q -o "$WORK/sk" "$WORK/sk.json"
expect_status "a subject+key entry" 0
has "becomes a subject + pubKeyHash record" "$WORK/sk/onecrl.json" '"pubKeyHash": "OSjTNe6m1XEZlg4BQwMPEs/hSXghlLhzxjwLIg00uwI="'
has "with its enabled flag" "$WORK/sk/onecrl.json" '"enabled": false'
has "and who" "$WORK/sk/onecrl.json" '"who": "root program"'
has "without --date, last_modified is the newest created (2026-10-02)" "$WORK/sk/onecrl.json" '"timestamp": 1790899200000'
count "an entry that targets nss only has no record" "$WORK/sk/onecrl.json" '"issuerName"' 0

# The content signature.
run "$DISTRUST" build -q -o "$WORK/s" --date 2026-11-01 --sign-key "$K/signer-p384.pem" "$C/basic/policy.json"
expect_status "build --sign-key" 0
has "onecrl.signature.json says p384ecdsa" "$WORK/s/onecrl.signature.json" '"mode": "p384ecdsa"'
has "the manifest lists the signature" "$WORK/s/manifest.json" '"onecrl.signature.json"'
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/s"
expect_status "verify-signature with the signer's key" 0
cp "$WORK/out" "$WORK/s.vs"
has "says it verifies" "$WORK/out" '^ok onecrl.json: p384ecdsa content signature verifies'
run "$DISTRUST" verify-signature --verify-key "$K/other-p384.pub.pem" --build "$WORK/s"
expect_status "verify-signature with another key: a failed check" 3
run "$DISTRUST" verify-signature --message "$WORK/msg" --build "$WORK/s"
expect_status "--message writes the signed bytes" 0
same "the signed message is the independently computed canonical JSON" "$TOP/tests/e2e/onecrl/basic.message" "$WORK/msg"
# OpenSSL checks the signature: raw r || s (base64url) to DER, then dgst -verify.
sig=$(sed -n 's/.*"signature": "\([^"]*\)".*/\1/p' "$WORK/s/onecrl.signature.json" | tr '_-' '/+')
while [ $((${#sig} % 4)) -ne 0 ]; do sig="$sig="; done
hex=$(printf '%s' "$sig" | base64 -d | od -An -v -tx1 | tr -d ' \n')
if [ ${#hex} -eq 192 ]; then ok "the signature is 96 bytes (P-384 r || s)"; else not_ok "the signature is 96 bytes" "${#hex} hex digits"; fi
printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "$(echo "$hex" | cut -c1-96)" "$(echo "$hex" | cut -c97-192)" >"$WORK/sig.cnf"
openssl asn1parse -genconf "$WORK/sig.cnf" -out "$WORK/sig.der" -noout >/dev/null 2>&1
check "openssl dgst -sha384 -verify accepts the signature over the message" \
    openssl dgst -sha384 -verify "$K/signer-p384.pub.pem" -signature "$WORK/sig.der" "$WORK/msg"
if openssl dgst -sha384 -verify "$K/other-p384.pub.pem" -signature "$WORK/sig.der" "$WORK/msg" >/dev/null 2>&1; then
    not_ok "openssl rejects it under another key"; else ok "openssl rejects it under another key"; fi

# Tampering: one record, the timestamp, the signature.
cp -r "$WORK/s" "$WORK/t1"
sed -i '0,/"enabled": true/s//"enabled": false/' "$WORK/t1/onecrl.json"
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/t1"
expect_status "a record changed after signing: a failed check" 3
has "is reported" "$WORK/err" "does not verify"
cp -r "$WORK/s" "$WORK/t2"
sed -i 's/"timestamp": 1793491200000/"timestamp": 1793491200001/' "$WORK/t2/onecrl.json"
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/t2"
expect_status "the timestamp changed after signing: a failed check" 3
cp -r "$WORK/s" "$WORK/t3"
"$DISTRUST" build -q -o "$WORK/s-other" --date 2026-11-02 --sign-key "$K/signer-p384.pem" "$C/basic/policy.json" 2>/dev/null
cp "$WORK/s-other/onecrl.signature.json" "$WORK/t3/"
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/t3"
expect_status "a valid signature of other content (another date): a failed check" 3
cp -r "$WORK/s" "$WORK/t4"
sed -i 's/"signature": "\(.\{10\}\)[^"]*"/"signature": "\1"/' "$WORK/t4/onecrl.signature.json"
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/t4"
expect_status "a truncated signature: a failed check" 3
has "is reported as such" "$WORK/err" "not 96 bytes"
run "$DISTRUST" build -o "$WORK/p256" --sign-key "$K/signer-p256.pem" "$C/basic/policy.json"
expect_status "a P-256 key signs the blob only" 0
has "and says onecrl.json stays unsigned" "$WORK/err" "a P-256 key signs revocations.blob only: onecrl.json stays unsigned"
if [ -e "$WORK/p256/onecrl.signature.json" ]; then not_ok "no onecrl signature with a P-256 key"; else ok "no onecrl signature with a P-256 key"; fi
printf 'not a key\n' >"$WORK/notakey.pem"
run "$DISTRUST" build -q -o "$WORK/nokey" --sign-key "$WORK/notakey.pem" "$C/basic/policy.json"
expect_status "a signing key that is not an ECDSA key" 1
has "is named" "$WORK/err" "notakey.pem: error: the blob signing key must be an ECDSA P-256 or P-384 private key"
if [ -e "$WORK/nokey" ]; then not_ok "nothing written with a bad key"; else ok "nothing written with a bad key"; fi
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/b"
expect_status "a build without a signature: a failed check" 3
has "says so" "$WORK/err" "no signature to check"

# Every signature a build carries is checked: the blob's too, P-256 or P-384.
has "the signer's key checks the blob's signature too" "$WORK/s.vs" '^ok revocations.blob: ECDSA P-384 signature verifies with'
run "$DISTRUST" build -q -o "$WORK/v256" --sequence 1 --date 2026-11-01 --sign-key "$K/signer-p256.pem" "$C/basic/policy.json"
expect_status "a build signed with a P-256 key" 0
run "$DISTRUST" verify-signature --verify-key "$K/signer-p256.pub.pem" --build "$WORK/v256"
expect_status "verify-signature with the P-256 public key" 0
has "checks the blob's signature (regression: 'no signature to check')" "$WORK/out" '^ok revocations.blob: ECDSA P-256 signature verifies with .*signer-p256.pub.pem$'
has "and counts it" "$WORK/out" '^1 signature checked, 0 failed$'
run "$DISTRUST" verify-signature --verify-key "$K/other-p256.pub.pem" --build "$WORK/v256"
expect_status "another P-256 key: a failed check" 3
has "not ok, and why" "$WORK/err" "revocations.blob: error: the ECDSA P-256 signature does not verify with .*other-p256.pub.pem: the blob is signed by another key"
cp -r "$WORK/s" "$WORK/t5"
printf '\001' | dd of="$WORK/t5/revocations.blob" bs=1 seek=120 conv=notrunc 2>/dev/null
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/t5"
expect_status "a P-384 build whose blob changed after signing" 3
has "onecrl.json still verifies" "$WORK/out" '^ok onecrl.json'
has "the blob does not" "$WORK/out" '^not ok revocations.blob'
cp -r "$WORK/s" "$WORK/t6"
rm "$WORK/t6/onecrl.signature.json"
sed -i '0,/"enabled": true/s//"enabled": false/' "$WORK/t6/onecrl.json"
run "$DISTRUST" verify-signature --verify-key "$K/signer-p384.pub.pem" --build "$WORK/t6"
expect_status "onecrl.json changed and its signature removed, the P-384 blob intact" 3
has "the missing signature is not ok" "$WORK/out" '^not ok onecrl.json: unsigned$'
run "$DISTRUST" verify-signature --verify-key "$K/README.md" --build "$WORK/v256"
expect_status "a key file that is no key: bad input" 1

# import onecrl: the real dump.
D="$TOP/testdata/onecrl/onecrl-2026-10.json"
run "$DISTRUST" import onecrl "$D" -o "$WORK/imp.json"
expect_status "import of the real dump (1,895 records)" 0
has "1,891 entries, 3 subject+key, 645 disabled, 4 duplicates" "$WORK/out" "wrote .*: 1891 entries \(3 subject\+key, 645 with \"enabled\": false\); 4 duplicates and 0 deletions left out"
count "each duplicate is a warning with its place" "$WORK/err" "warning: /data/[0-9]+: the same issuer and serial as /data/[0-9]+" 4
run "$DISTRUST" lint "$WORK/imp.json"
expect_status "the imported policy lints" 0
run "$DISTRUST" import --strict onecrl "$D" -o "$WORK/imp2.json"
expect_status "import --strict with duplicates" 3
if [ -e "$WORK/imp2.json" ]; then not_ok "--strict writes nothing"; else ok "--strict writes nothing"; fi
run "$DISTRUST" build -q -o "$WORK/ri" --date 2026-11-01 "$WORK/imp.json"
expect_status "the imported policy builds" 0
count "1,891 records come out" "$WORK/ri/onecrl.json" '"id": ' 1891

# import: bad dumps, each an error with its JSON path, nothing written, are
# the catalogue's (testdata/bad/, command import-onecrl): a record of both
# kinds 171, an issuerName not base64 172 or not a Name 124, a short
# pubKeyHash 126, a missing serialNumber 122, not JSON 121, no "data" 173
# (and 123, 125, 127, 128, 169).
# Quirks of real dumps are accepted: a bare array, trailing spaces, no padding, tombstones.
printf '[{"issuerName": "MAA= ", "serialNumber": "AQ", "details": {"bug": 123}}, {"id": "x", "deleted": true}]' >"$WORK/q.json"
run "$DISTRUST" import onecrl "$WORK/q.json" -o "$WORK/q-out.json"
expect_status "a bare array with a trailing space, unpadded base64 and a tombstone" 0
has "the tombstone is left out" "$WORK/out" "1 entries .* 0 duplicates and 1 deletions left out"
has "a numeric bug is kept as text" "$WORK/q-out.json" '"bug":"123"'
has "the serial is read exactly" "$WORK/q-out.json" '"serial":"01"'

# A name that cannot be a label (a quote) goes into the comment, cut at 1000
# bytes: never in the middle of a UTF-8 character (the comment must stay
# text; it made the import fail as "out of memory").
e2=$(printf '\303\251')
long=$(i=0; while [ $i -lt 600 ]; do printf '%s' "$e2"; i=$((i + 1)); done)
printf '{"data": [{"issuerName": "MAwxCjAIBgNVBAMMAUE=", "serialNumber": "AQ==", "details": {"name": "\\"%s"}}]}\n' "$long" >"$WORK/longname.json"
mkdir -p "$WORK/ln"
run "$DISTRUST" import onecrl "$WORK/longname.json" -o "$WORK/ln/p.json"
expect_status "a long non-label name with multi-byte characters is imported" 0
has "... into the comment, cut at a character boundary" "$WORK/ln/p.json" '"comment":"OneCRL name: \\"'
# The policy gets the mode a plain create gives under the umask (the
# temporary file's 0600 used to stay).
rm -f "$WORK/ln/p.json"
(umask 022 && "$DISTRUST" import -q onecrl "$WORK/longname.json" -o "$WORK/ln/p.json")
[ "$(stat -c %a "$WORK/ln/p.json")" = 644 ] && ok "an imported policy is 0644 under umask 022" ||
    not_ok "an imported policy's mode" "$(stat -c %a "$WORK/ln/p.json")"
done_testing
