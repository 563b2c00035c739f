# "scope": revoking a certificate is not distrusting its key. A revocation
# distrusts the certificate alone; a key distrust reaches every certificate
# of the subject and key, and an expansion never reaches a trust anchor of a
# root store of the build unless the policy says so. Proved on the fixture
# PKI: Test Root C is self-signed (an anchor of the fixture root store) and
# cross-signed by Test Root A (pki-cross/root-c-xa.pem, the same subject and
# key); the cross-certificate is what gets revoked.
. "$TOP/tests/e2e/lib.sh"
X="$TOP/testdata/pki-cross"
STORE="$TOP/testdata/chains/roots-certdata.txt"

policy() { # policy FILE EXTRA-KEYS [MORE-ENTRIES]
    cat >"$1" <<JSON
{"version": 1, "entries": [
  {"certificate": "$X/root-c-xa.pem", "label": "Test Root C by Root A"$2}${3:-}]}
JSON
}
cat >"$WORK/cases.json" <<JSON
{"cases": [
  {"name": "Root C through its cross-certificate by Root A",
   "chain": ["$PKI/leaf-c-before.pem", "$PKI/int-c.pem", "$X/root-c-xa.pem"],
   "anchors": ["$PKI/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "distrusted"},
  {"name": "control: Root C, the anchor, stays trusted",
   "chain": ["$PKI/leaf-c-before.pem", "$PKI/int-c.pem"],
   "anchors": "$STORE", "time": "2025-06-01T00:00:00Z", "expect": "trusted"}]}
JSON

# A CA certificate without a scope distrusts its key: the pool finds Root C
# itself, which the root store trusts. Refused, naming the anchor and store.
policy "$WORK/key.json" ""
run "$DISTRUST" build -q -o "$WORK/key" --pool "$X" --roots "$STORE" "$WORK/key.json"
expect_status "a key distrust that reaches a trust anchor is refused" 1
has "the anchor, its store and the path are named" "$WORK/err" \
    "error: /entries/0: distrusting the key of \"Test Root C \(distrust-after\)\" \(issuer \"CN=Test Root A,O=Distrust Test,C=US\", serial 0c:a0, .*\) reaches the trust anchor \"Test Root C \(distrust-after\)\" \(issuer \"CN=Test Root C \(distrust-after\),O=Distrust Test,C=US\", serial 0c, .*\), which $STORE trusts for server-auth, email-protection, code-signing"
if [ -e "$WORK/key" ]; then not_ok "nothing written"; else ok "nothing written"; fi
run "$DISTRUST" lint --pool "$X" --roots "$STORE" "$WORK/key.json"
expect_status "lint refuses it too" 1
# A certdata.txt in the pool is a root store as well; so is --certdata.
run "$DISTRUST" build -q -o "$WORK/key2" --pool "$X" --pool "$STORE" "$WORK/key.json"
expect_status "a root store in the pool guards the same way" 1
run "$DISTRUST" build -q -o "$WORK/key3" --pool "$X" --certdata "$STORE" "$WORK/key.json"
expect_status "the --certdata upstream store guards the same way" 1
has "and names it" "$WORK/err" "which $STORE trusts for"
# Baseline: with no root store there is no anchor to protect; the key
# distrust reaches Root C (the 0.4.0 behaviour, unchanged).
run "$DISTRUST" build -q -o "$WORK/nostore" --pool "$X" --pool "$PKI" "$WORK/key.json"
expect_status "without a root store the key distrust builds" 0
count "and distrusts both certificates of the key" "$WORK/nostore/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 2

# "scope": "certificate": the cross-certificate alone.
policy "$WORK/cert.json" ', "scope": "certificate"'
run "$DISTRUST" build -o "$WORK/cert" --pool "$X" --roots "$STORE" "$WORK/cert.json"
expect_status "a revocation builds" 0
count "one trust object: the revoked certificate" "$WORK/cert/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 1
has "nothing expanded" "$WORK/cert/manifest.json" '"expanded": 0,'
has "a note says the key's other certificate stays trusted" "$WORK/err" \
    'note: /entries/0: revokes this certificate alone \("scope": "certificate"\): 1 other certificate of its subject and key stays trusted \(first: issued by "CN=Test Root C \(distrust-after\),O=Distrust Test,C=US"'
run "$DISTRUST" lint --strict --pool "$X" --roots "$STORE" "$WORK/cert.json"
expect_status "lint --strict: a revocation leaves no open path" 0
has "0 open paths" "$WORK/out" ", 0 open paths$"
run "$DISTRUST" verify --build "$WORK/cert" "$WORK/cases.json"
expect_status "NSS: the path through the revoked cross-certificate fails, Root C stays trusted" 0
has "two checks" "$WORK/out" "^2 passed, 0 failed$"

# Said explicitly: the key everywhere, the anchor included.
policy "$WORK/anchors.json" ', "distrust_anchors": true'
run "$DISTRUST" build --explain -o "$WORK/anchors" --pool "$X" --roots "$STORE" "$WORK/anchors.json"
expect_status "\"distrust_anchors\": true builds" 0
count "two trust objects" "$WORK/anchors/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 2
has "a note names the anchor distrusted" "$WORK/err" \
    "note: /entries/0/distrust_anchors: distrusts the trust anchor \"Test Root C \(distrust-after\)\""
has "--explain marks it" "$WORK/out" "; a trust anchor of $STORE$"
has "the manifest marks it" "$WORK/anchors/manifest.json" "\"trust_anchor_of\": \"$STORE\""
has "the manifest says why it was found" "$WORK/anchors/manifest.json" '"relation": "same subject and key"'
has "and from which certificate" "$WORK/anchors/manifest.json" '"via_sha256": "[0-9a-f]{64}"'
run "$DISTRUST" verify --build "$WORK/anchors" "$WORK/cases.json"
expect_status "NSS: now Root C itself is distrusted (the control fails as it should)" 3
has "the anchor case is the one that changed" "$WORK/out" "^not ok 2 - control: Root C, the anchor, stays trusted"

# An entry that names the anchor makes the expansion harmless.
policy "$WORK/named.json" "" ",
  {\"certificate\": \"$PKI/root-c.pem\", \"label\": \"Test Root C\"}"
run "$DISTRUST" build -q -o "$WORK/named" --pool "$X" --roots "$STORE" "$WORK/named.json"
expect_status "the anchor named by an entry of its own: builds" 0

# "scope": "key" with "cross_signs": false: the key, its certificates listed
# by hand; the open-path check still watches it.
policy "$WORK/pinned.json" ', "scope": "key", "cross_signs": false'
run "$DISTRUST" lint --pool "$X" --pool "$PKI" "$WORK/pinned.json"
expect_status "a key distrust listed by hand lints" 0
has "and the path to Root C is open" "$WORK/err" "an open path reaches the distrusted key of this entry"

# "distrust_anchors" where nothing can reach an anchor: a warning.
policy "$WORK/noeffect.json" ', "scope": "certificate", "distrust_anchors": true'
run "$DISTRUST" lint --strict "$WORK/noeffect.json"
expect_status "distrust_anchors on a revocation: --strict refuses the no-op" 3
has "and says why" "$WORK/err" '"distrust_anchors" has no effect: "scope": "certificate" never reaches another certificate'

done_testing
