# Certificate pools: cross-certificate expansion, the open-path check of
# `distrust lint --pool`, and both proved under real NSS. Every scenario is
# verified twice: the build with cross_signs on must make every path fail
# (exit 0), and the same policy with cross_signs off must leave a path open
# that the verifier catches (exit 3) and lint names.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
X="$TOP/testdata/pki-cross"


# scenario NAME CHECKS OPEN: the build verifies; without cross_signs it does not,
# and lint reports OPEN open paths.
scenario() {
    s=$1
    run "$DISTRUST" build -q -o "$WORK/$s" "$C/$s/policy.json"
    expect_status "$s: build with the pool" 0
    run "$DISTRUST" verify --build "$WORK/$s" --engine nss "$C/$s/cases.json"
    expect_status "$s: every path fails, every control passes, pkix and classic" 0
    has "$s: $2 checks" "$WORK/out" "^$2 passed, 0 failed$"
    run "$DISTRUST" lint --strict "$C/$s/policy.json"
    expect_status "$s: lint --strict is clean with cross_signs on" 0
    has "$s: lint counts no open path" "$WORK/out" ", 0 open paths$"

    run "$DISTRUST" build -q -o "$WORK/$s-nx" "$C/$s/policy-no-cross.json"
    expect_status "$s: build with cross_signs off" 0
    run "$DISTRUST" verify --build "$WORK/$s-nx" --engine nss "$C/$s/cases.json"
    expect_status "$s: with cross_signs off the verifier catches the open path" 3
    has "$s: the miss is explained as a cross-certificate" "$WORK/out" "a cross-certificate the build misses|not distrusted"
    run "$DISTRUST" lint "$C/$s/policy-no-cross.json"
    expect_status "$s: lint warns (exit 0 without --strict)" 0
    count "$s: lint reports $3 open paths" "$WORK/err" "warning: /entries/0: an open path reaches the distrusted key" "$3"
    has "$s: lint says why the path is open" "$WORK/err" '"cross_signs" is false for this entry'
    run "$DISTRUST" lint --strict "$C/$s/policy-no-cross.json"
    expect_status "$s: lint --strict fails on an open path" 3
}

scenario pool-intermediate 12 3
has "pool-intermediate: the Root B path is named" "$WORK/err" "open path reaches the distrusted key of this entry: Test Root B \[140d2f6ab17e\] > Test Intermediate 1 \[da4dd5e6009c\]; its last certificate \(issuer \"CN=Test Root B,O=Distrust Test,C=DE\", serial 10:01"
has "pool-intermediate: the path through Root C's cross-certificate is named" "$WORK/err" "Test Root A \[[0-9a-f]{12}\] > Test Root C \(distrust-after\) \[[0-9a-f]{12}\] > Test Intermediate 1"
# Two certificates of one subject (Root C self-signed, and cross-signed by
# Root A) print apart: every certificate of a path by name and short SHA-256.
has "pool-intermediate: Root C's cross-certificate by Root A is named by its digest" "$WORK/err" "Test Root A \[05760b3d13fc\] > Test Root C \(distrust-after\) \[0b84aa00fb23\] > Test Intermediate 1 \[80b365e052c2\];"
has "pool-intermediate: ... and the self-signed Root C by its own" "$WORK/err" "reaches the distrusted key of this entry: Test Root C \(distrust-after\) \[71086b92d78c\] > Test Intermediate 1 \[80b365e052c2\];"
scenario pool-root 6 1
has "pool-root: the Root A path is named" "$WORK/err" "open path reaches the distrusted key of this entry: Test Root A \[[0-9a-f]{12}\] > Test Root C \(distrust-after\) \[[0-9a-f]{12}\]; its last certificate \(issuer \"CN=Test Root A,O=Distrust Test,C=US\", serial 0c:a0"
scenario diginotar-root 6 2
has "DigiNotar: the Entrust path is named" "$WORK/err" "Entrust.net Secure Server Certification Authority \[[0-9a-f]{12}\] > DigiNotar Root CA \[[0-9a-f]{12}\]; its last certificate"

# What the build says about what it found.
B="$WORK/pool-intermediate"
count "three trust objects: the named certificate and two found in the pool" "$B/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 3
has "the provenance of a found certificate is in the certdata comments" "$B/certdata-distrust.txt" \
    "^# Source: policy.json /entries/0, same subject and key in the pool: \.\./\.\./pki-cross/int-a1-xc\.der$"
has "a found certificate is labelled by its issuer" "$B/certdata-distrust.txt" \
    '^CKA_LABEL UTF8 "Distrusted Test Intermediate 1 \(issued by Test Root B\)"$'
has "the manifest lists what the pool added" "$B/manifest.json" '"pool_file": "\.\./\.\./pki-cross/int-a1-xc\.der"'
has "the manifest counts it" "$B/manifest.json" '"expanded": 2,'
has "the manifest counts the pool" "$B/manifest.json" '"pool_certificates": 22,'
run "$DISTRUST" build --explain -o "$WORK/ex" "$C/pool-intermediate/policy.json"
expect_status "build --explain" 0
count "--explain prints one line per distrust" "$WORK/out" "<- policy.json /entries/0" 3
has "--explain says where a found certificate came from" "$WORK/out" \
    "serial 10:03 .*<- policy.json /entries/0; found in the pool \(\.\./\.\./pki-cross/int-a1-xc\.der\) with the same subject and key as Test Intermediate 1$"
has "the summary counts the pool" "$WORK/out" "pool of 22 certificates: 2 distrusts found there, 0 open paths$"

# --pool on the command line does what the policy's "pool" does.
cat >"$WORK/nopool.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1.pem", "label": "Test Intermediate 1"}]}
JSON
run "$DISTRUST" build -o "$WORK/np" "$WORK/nopool.json"
expect_status "a CA entry without a pool builds" 0
count "without a pool only the named certificate is distrusted" "$WORK/np/certdata-distrust.txt" "CKO_NSS_TRUST$" 1
has "and a note says the cross-certificates were not looked for" "$WORK/err" "1 CA certificate is distrusted without a certificate pool"
run "$DISTRUST" build -q -o "$WORK/cp" --pool "$PKI" --pool "$X" "$WORK/nopool.json"
expect_status "--pool PATH (twice)" 0
count "--pool finds both cross-certificates" "$WORK/cp/certdata-distrust.txt" "CKO_NSS_TRUST$" 3
run "$DISTRUST" verify --build "$WORK/cp" "$C/pool-intermediate/cases.json"
expect_status "the --pool build fails every path under NSS" 0
run "$DISTRUST" build -q -o "$WORK/cp2" --pool "$X" --pool "$PKI" --pool "$PKI/" "$WORK/nopool.json"
expect_status "pools in another order, one given twice" 0
objects() { grep -v '^#' "$1"; }
objects "$WORK/cp/certdata-distrust.txt" >"$WORK/o1"
objects "$WORK/cp2/certdata-distrust.txt" >"$WORK/o2"
same "the same objects whatever the pool order" "$WORK/o1" "$WORK/o2"

# "cross_signs": true without a pool is a warning; --strict refuses it.
cat >"$WORK/xs.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1.pem", "cross_signs": true}]}
JSON
run "$DISTRUST" lint --strict "$WORK/xs.json"
expect_status "cross_signs true and no pool: lint --strict fails" 3
has "and says why" "$WORK/err" '"cross_signs": no certificate pool was given'

# A cross-certificate that appears after the policy was written.
cat >"$WORK/pinned.json" <<JSON
{"version": 1, "entries": [
  {"certificate": "$PKI/int-a1.pem", "cross_signs": false},
  {"certificate": "$PKI/int-a1-xb.pem", "cross_signs": false}]}
JSON
run "$DISTRUST" lint --strict --pool "$PKI" "$WORK/pinned.json"
expect_status "every known path closed by hand: lint --strict is clean" 0
run "$DISTRUST" lint --strict --pool "$PKI" --pool "$X" "$WORK/pinned.json"
expect_status "a new cross-certificate in the pool: lint --strict fails" 3
count "both paths through the new cross-certificate are named" "$WORK/err" "an open path reaches the distrusted key .*serial 10:03" 2

# A cross-certificate whose issuer is not in the pool: a possibly open path.
run "$DISTRUST" lint --pool "$X" "$WORK/pinned.json"
expect_status "lint with a pool that lacks the cross-certificate's issuer chain" 0
has "the cross-certificate is reported as a possibly open path" "$WORK/err" \
    'a possibly open path reaches the distrusted key of this entry: the certificate with issuer "CN=Test Root C \(distrust-after\),O=Distrust Test,C=US", serial 10:03'

# subject_der + spki_sha256 for NSS: expanded through the pool, an error without.
subj_b64=$(sh "$TOP/tests/e2e/der-field.sh" subject "$PKI/int-a1.der" b64)
spki_b64=$(openssl x509 -in "$PKI/int-a1.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -binary | base64)
cat >"$WORK/sk.json" <<JSON
{"version": 1, "entries": [{"subject_der": "$subj_b64", "spki_sha256": "$spki_b64",
  "targets": ["nss", "onecrl"], "label": "Test Intermediate 1 key"}]}
JSON
run "$DISTRUST" build -q -o "$WORK/sk" --pool "$PKI" --pool "$X" "$WORK/sk.json"
expect_status "subject+key for NSS with a pool" 0
count "every certificate of the key becomes an issuer/serial distrust" "$WORK/sk/certdata-distrust.txt" "CKO_NSS_TRUST$" 3
has "its provenance says subject and key" "$WORK/sk/certdata-distrust.txt" "^# Source: sk.json /entries/0, the subject and key in the pool: "
run "$DISTRUST" verify --build "$WORK/sk" "$C/pool-intermediate/cases.json"
expect_status "the subject+key build fails every path under NSS" 0
run "$DISTRUST" build -q -o "$WORK/sk2" "$WORK/sk.json"
expect_status "subject+key for NSS without a pool is an error" 1
has "the error names the entry" "$WORK/err" "sk.json.*/entries/0"
if [ -e "$WORK/sk2" ]; then not_ok "nothing is written on that error"; else ok "nothing is written on that error"; fi
run "$DISTRUST" build -q -o "$WORK/sk3" --pool "$TOP/testdata/pki-cross/README.md" --pool "$PKI/root-b.pem" "$WORK/sk.json"
expect_status "subject+key for NSS with a pool that lacks the key is an error" 1

# Pools made of certdata.txt files: their certificate objects count.
cat >"$WORK/cd.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1-xb.pem", "nss_object": "certificate+trust", "cross_signs": false},
  {"certificate": "$X/int-a1-xc.pem", "nss_object": "certificate+trust", "cross_signs": false}]}
JSON
run "$DISTRUST" build -q -o "$WORK/cd" "$WORK/cd.json"
expect_status "a certdata.txt with two certificate objects" 0
run "$DISTRUST" build -q -o "$WORK/cdp" --pool "$WORK/cd/certdata-distrust.txt" "$WORK/nopool.json"
expect_status "a certdata.txt as the pool" 0
count "its certificate objects are the cross-certificates found" "$WORK/cdp/certdata-distrust.txt" "CKO_NSS_TRUST$" 3

# Bad pools: a clear error with the place, and nothing written.
run "$DISTRUST" build -q -o "$WORK/bad1" --pool "$WORK/no-such-dir" "$WORK/nopool.json"
expect_status "a pool that does not exist" 1
has "is named" "$WORK/err" "no-such-dir: error: cannot open pool"
mkdir -p "$WORK/badpool"
cp "$PKI/root-a.pem" "$WORK/badpool/"
printf -- '-----BEGIN CERTIFICATE-----\nMIIB!!!not base64\n-----END CERTIFICATE-----\n' >"$WORK/badpool/broken.pem"
run "$DISTRUST" build -q -o "$WORK/bad2" --pool "$WORK/badpool" "$WORK/nopool.json"
expect_status "a broken PEM file in a pool directory" 1
has "is reported at its file" "$WORK/err" "badpool/broken.pem"
if [ -e "$WORK/bad1" ] || [ -e "$WORK/bad2" ]; then not_ok "bad pools write nothing"; else ok "bad pools write nothing"; fi
printf 'CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\nCKA_VALUE MULTILINE_OCTAL\n\\060\\003\nEND\n' >"$WORK/badcd.txt"
run "$DISTRUST" build -q -o "$WORK/bad3" --pool "$WORK/badcd.txt" "$WORK/nopool.json"
expect_status "a certdata.txt pool with a certificate that does not parse" 1
has "is reported at file:line" "$WORK/err" "badcd.txt:1: error: certificate object"

# Determinism: the same pool in a copy with other file names gives the same objects.
mkdir -p "$WORK/pcopy"
i=0
for f in "$PKI"/*.pem "$X"/*.der; do i=$((i + 1)); cp "$f" "$WORK/pcopy/z$((1000 - i))-$(basename "$f")"; done
run "$DISTRUST" build -q -o "$WORK/cp3" --pool "$WORK/pcopy" "$WORK/nopool.json"
expect_status "the pool copied under other names" 0
objects "$WORK/cp3/certdata-distrust.txt" >"$WORK/o3"
same "the same objects whatever the pool's file names" "$WORK/o1" "$WORK/o3"
run "$DISTRUST" build -q -o "$WORK/pi2" "$C/pool-intermediate/policy.json"
same "a pool build is byte-for-byte reproducible" "$WORK/pool-intermediate/certdata-distrust.txt" "$WORK/pi2/certdata-distrust.txt"

# Purposes: int-a1-xb distrusted for e-mail only leaves the Root B path open for TLS.
cat >"$WORK/purp.json" <<JSON
{"version": 1, "entries": [
  {"certificate": "$PKI/int-a1.pem", "cross_signs": false},
  {"certificate": "$PKI/int-a1-xb.pem", "cross_signs": false, "purposes": ["email-protection"]},
  {"certificate": "$X/int-a1-xc.pem", "cross_signs": false}]}
JSON
run "$DISTRUST" lint --pool "$PKI" --pool "$X" "$WORK/purp.json"
count "an e-mail-only distrust does not close a TLS path" "$WORK/err" "an open path reaches the distrusted key of this entry: Test Root B \[[0-9a-f]{12}\] > Test Intermediate 1" 1
count "... and the closed paths are not reported" "$WORK/err" "an open path reaches" 1

# Anchors per purpose: a root store that trusts Root B for e-mail only makes
# no TLS path through it, whatever the pool order; a self-signed Root B in the
# pool does not override the store's word.
awk '/^CKA_CLASS/ { b = 0 } /^CKA_LABEL UTF8 "Test Root B"/ { b = 1 }
     b && /CKA_TRUST_SERVER_AUTH/ { sub(/CKT_NSS_TRUSTED_DELEGATOR/, "CKT_NSS_MUST_VERIFY_TRUST") } { print }' \
    "$C/roots-certdata.txt" >"$WORK/roots-b-email.txt"
cat >"$WORK/one.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1.pem", "cross_signs": false}]}
JSON
run "$DISTRUST" lint --pool "$WORK/roots-b-email.txt" --pool "$PKI" --pool "$X" "$WORK/one.json"
count "a root trusted for e-mail only is no TLS anchor" "$WORK/err" "an open path reaches" 2
hasnt "... so the path through Root B is not reported" "$WORK/err" "Test Root B \[[0-9a-f]{12}\] > Test Intermediate 1"
run "$DISTRUST" lint --pool "$PKI" --pool "$X" --pool "$WORK/roots-b-email.txt" "$WORK/one.json"
count "the same with the root store read last" "$WORK/err" "an open path reaches" 2

# A distrust in a root store of the pool closes a path, whatever the order.
cat >"$WORK/xb.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1-xb.pem", "cross_signs": false}]}
JSON
"$DISTRUST" build -q -o "$WORK/xbstore" "$WORK/xb.json" 2>/dev/null
run "$DISTRUST" lint --pool "$WORK/xbstore/certdata-distrust.txt" --pool "$PKI" --pool "$X" "$WORK/one.json"
count "a trust-only distrust read before its certificate closes the path" "$WORK/err" "an open path reaches" 2
run "$DISTRUST" lint --pool "$PKI" --pool "$X" --pool "$WORK/xbstore/certdata-distrust.txt" "$WORK/one.json"
count "... and read after it" "$WORK/err" "an open path reaches" 2

# A distrust-after root cross-signed by another root: leaves issued after the
# date still chain to Root A through the cross-certificate.
run "$DISTRUST" lint --pool "$PKI" --pool "$X" "$C/basic/policy.json"
has "a distrust-after root's cross-certificate is an open path" "$WORK/err" \
    "an open path reaches the distrust-after root's key of this entry: Test Root A \[[0-9a-f]{12}\] > Test Root C \(distrust-after\) \[[0-9a-f]{12}\]; its last certificate \(issuer \"CN=Test Root A,O=Distrust Test,C=US\", serial 0c:a0"
has "... and says why" "$WORK/err" "a distrust-after date binds the root as a trust anchor only"

# A certificate of the key whose issuer's name is in the pool with another key.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/fake.key" \
    -subj "/C=DE/O=Distrust Test/CN=Test Root B" -days 3650 -out "$WORK/fake-root-b.pem" -utf8 >/dev/null 2>&1
openssl x509 -in "$WORK/fake-root-b.pem" -outform DER -out "$WORK/fake-root-b.der"
if [ "$(sh "$TOP/tests/e2e/der-field.sh" subject "$WORK/fake-root-b.der")" = \
    "$(sh "$TOP/tests/e2e/der-field.sh" subject "$PKI/root-b.der")" ]; then
    ok "precondition: a new key under Root B's exact subject"
    mkdir -p "$WORK/fakepool"
    cp "$WORK/fake-root-b.pem" "$PKI/int-a1-xb.pem" "$WORK/fakepool/"
    run "$DISTRUST" lint --pool "$WORK/fakepool" "$WORK/one.json"
    has "a same-name issuer with another key does not hide a possibly open path" "$WORK/err" \
        'a possibly open path reaches the distrusted key of this entry: the certificate with issuer "CN=Test Root B,O=Distrust Test,C=DE", serial 10:01'
else
    not_ok "precondition: a new key under Root B's exact subject"
fi

# A pool that holds the output directory does not read the previous build.
mkdir -p "$WORK/pe"
cp "$PKI/int-a1.pem" "$PKI/int-a1-xb.pem" "$PKI/root-a.pem" "$PKI/root-b.pem" "$WORK/pe/"
cat >"$WORK/pe/p.json" <<JSON
{"version": 1, "entries": [{"certificate": "int-a1.pem"}]}
JSON
"$DISTRUST" build -q -o "$WORK/pe/out" --pool "$WORK/pe" "$WORK/pe/p.json" 2>/dev/null
cp "$WORK/pe/out/certdata-distrust.txt" "$WORK/pe1.txt"
run "$DISTRUST" build -o "$WORK/pe/out" --pool "$WORK/pe" "$WORK/pe/p.json"
expect_status "a build whose pool holds its output directory" 0
same "... gives the same bytes the second time" "$WORK/pe1.txt" "$WORK/pe/out/certdata-distrust.txt"
has "... and says the output directory was left out" "$WORK/err" "the build's output directory left out"

# Text that mentions certdata attributes is not a certdata.txt.
mkdir -p "$WORK/prose"
cp "$PKI/root-a.pem" "$PKI/int-a1-xb.pem" "$WORK/prose/"
printf 'Notes\nCKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST is how NSS says it.\n' >"$WORK/prose/README.md"
{ printf '# bundle of CKA_CLASS CK_OBJECT_CLASS objects, as PEM\n'; cat "$PKI/int-a1-xb.pem"; } >"$WORK/prose/commented.pem"
run "$DISTRUST" build -q -o "$WORK/prose-out" --pool "$WORK/prose" "$WORK/nopool.json"
expect_status "a README and a commented PEM bundle that mention certdata words" 0
count "... the bundle's certificate is found" "$WORK/prose-out/certdata-distrust.txt" "CKO_NSS_TRUST$" 2
: >"$WORK/prose/empty.pem"
run "$DISTRUST" build -q -o "$WORK/prose-out" --pool "$WORK/prose" "$WORK/nopool.json"
expect_status "an empty file in a pool directory is skipped" 0
run "$DISTRUST" build -q -o "$WORK/prose-out2" --pool "$WORK/prose/empty.pem" "$WORK/nopool.json"
expect_status "an empty file named as the pool is an error" 1

# Two policy files with the same name: the outputs could not tell their entries apart.
mkdir -p "$WORK/A" "$WORK/B"
cp "$WORK/nopool.json" "$WORK/A/policy.json"
cp "$WORK/nopool.json" "$WORK/B/policy.json"
run "$DISTRUST" build -q -o "$WORK/ab" "$WORK/A/policy.json" "$WORK/B/policy.json"
expect_status "two policy files with the same name" 1
has "... are refused, naming both" "$WORK/err" "B/policy.json: error: another policy file of this build has the same name \(.*A/policy.json\)"

done_testing
