# Revoking a certificate is not distrusting its key, on real data:
# Firefox's OneCRL dump (1,895 records) imported as a policy and built with
# the CCADB's 10,229 CA certificates as the pool and NSS's current root store
# as the root store. A OneCRL record revokes one certificate; 0.4.0 expanded
# every revoked CA certificate to every certificate of its subject and key
# (455 more, 12 of them TLS trust anchors of the store; 476 once subjects and
# keys are compared as names and keys). The import now says
# "scope": "certificate", and an expansion that reaches a trust anchor is an
# error unless the policy says so.
. "$TOP/tests/e2e/lib.sh"
CC="$TOP/testdata/ccadb"
ROOTS="$TOP/testdata/nss/certdata-2026.txt"
DUMP="$TOP/testdata/onecrl/onecrl-2026-10.json"

# The PEMs of the CCADB reports (quoted CSV cells, wrapped at 65 columns).
ccadb_pems "$WORK/ccadb"
cat "$WORK"/ccadb/*.pem >"$WORK/all.pem"
count "the CCADB reports hold 10,229 certificates" "$WORK/all.pem" '^-----BEGIN CERTIFICATE-----$' 10229

run "$DISTRUST" import onecrl "$DUMP" -o "$WORK/onecrl.json"
expect_status "import the real OneCRL dump" 0
tr '{' '\n' <"$WORK/onecrl.json" >"$WORK/entries.txt"
count "every issuer/serial record is imported as a revocation of that certificate" \
    "$WORK/entries.txt" '"issuer_der":.*"scope":"certificate"' 1888
hasnt "no record distrusts a key by default" "$WORK/entries.txt" '"issuer_der":.*"scope":"key"'

# The import, built over the WebPKI: exactly the records, nothing more.
run "$DISTRUST" build -q -o "$WORK/b" --pool "$WORK/ccadb" --roots "$ROOTS" "$WORK/onecrl.json"
expect_status "build with the CCADB pool and NSS's root store" 0
has "the pool holds the 10,217 distinct certificates" "$WORK/b/manifest.json" '"pool_certificates": 10217,'
has "no certificate is added by expansion" "$WORK/b/manifest.json" '"expanded": 0,'
has "one issuer/serial key per record" "$WORK/b/manifest.json" '"issuer_serial": 1888,'
has "one OneCRL record per imported record" "$WORK/b/manifest.json" '"onecrl_records": 1891,'

# Baseline: the same policy read as 0.4.0 read it (no scope: a CA
# certificate's key and every certificate of it) reaches trust anchors of
# the store, and the build refuses it, naming each anchor.
sed 's/"scope":"certificate",//' "$WORK/onecrl.json" >"$WORK/onecrl-0.4.json"
run "$DISTRUST" build -q -o "$WORK/b-key" --pool "$WORK/ccadb" --roots "$ROOTS" "$WORK/onecrl-0.4.json"
expect_status "without the scope the expansion reaches trust anchors: refused" 1
if [ -e "$WORK/b-key" ]; then not_ok "nothing written on refusal"; else ok "nothing written on refusal"; fi
count "13 anchors of the store are named (12 for TLS, GlobalSign Root CA for e-mail)" "$WORK/err" \
    'error: .*reaches the trust anchor' 13
count "12 of them TLS server anchors" "$WORK/err" 'reaches the trust anchor .* trusts for server-auth' 12
for anchor in "ISRG Root X2" "DigiCert TLS RSA4096 Root G5" "DigiCert TLS ECC P384 Root G5" \
    "IdenTrust Commercial Root CA 1" "Certum Trusted Network CA" "Izenpe.com" \
    "ePKI Root Certification Authority"; do
    has "names $anchor" "$WORK/err" "reaches the trust anchor \"[^\"]*$anchor"
done
has "names the store and the path" "$WORK/err" \
    "which $ROOTS trusts for server-auth: the two share subject and key \(path: the named certificate -> same subject and key -> the anchor\)"
has "says how to say what the entry means" "$WORK/err" '"scope": "certificate" to distrust the named certificate alone'

# The same with --certdata: the upstream store is a root store of the build.
run "$DISTRUST" build -q -o "$WORK/b-up" --pool "$WORK/ccadb" --certdata "$ROOTS" "$WORK/onecrl-0.4.json"
expect_status "--certdata's upstream store is guarded the same way" 1
count "the same 13 anchors" "$WORK/err" 'error: .*reaches the trust anchor' 13

# Said explicitly, the key distrust goes through and every expansion is visible.
sed 's/"scope":"certificate",/"distrust_anchors":true,/' "$WORK/onecrl.json" >"$WORK/onecrl-anchors.json"
run "$DISTRUST" build --explain -o "$WORK/b-da" --pool "$WORK/ccadb" --roots "$ROOTS" "$WORK/onecrl-anchors.json"
expect_status "with distrust_anchors the key distrust is built" 0
# 0.4.0 found 455 (subject and SPKI compared as bytes); compared as a name
# and a key, 23 certificates of the same keys carry the subject in another
# encoding.
has "476 certificates are added by expansion" "$WORK/b-da/manifest.json" '"expanded": 476,'
count "23 of them with the subject encoded differently" "$WORK/b-da/manifest.json" \
    '"relation": "same subject and key \(subject encoded differently\)"' 23
count "the manifest marks the 13 anchors" "$WORK/b-da/manifest.json" '"trust_anchor_of": ' 13
count "--explain shows every expansion" "$WORK/out" "found in the pool \(" 476
count "--explain marks the anchors" "$WORK/out" "; a trust anchor of " 13
count "a note names each anchor distrusted" "$WORK/err" 'note: .*distrusts the trust anchor' 13

done_testing
