# Names are compared as names, keys as keys; what is written keys on each
# certificate's exact bytes. A PKI made here with OpenSSL's own writers:
#   Equiv Root (self-signed, P-256)
#   Equiv Intermediate, one key, four subjects that are the same name:
#     i1 PrintableString "Equiv Test"/"Equiv Intermediate" (string_mask nombstr)
#     i2 UTF8String "EQUIV  test"/"equiv intermediate" (case, inner spaces)
#     i3 BMPString, i4 T61String (string_mask MASK:0x800, MASK:0x4)
#   x1..x4: leaves with serial 2a:2a issued with each of i1..i4 as the CA
#     certificate, so their issuer fields are i1..i4's subject bytes
#   Equiv EC Intermediate: j1 with its P-256 key uncompressed, j2 the same
#     subject and key with the point compressed (openssl ec -conv_form)
#   y: a leaf issued through j2
# Point 1: an issuer/serial entry naming (i1, 2a:2a) must reach x2..x4 when
# the pool or the chain cases hold them. Point 2: a key distrust of i1 must
# reach i2..i4, of j1 must reach j2; subject + SPKI-hash entries are written
# for every SPKI encoding found. Each is shown failing without the
# certificate at hand (the negative) and holding with it, under NSS and
# OpenSSL with the blob.
. "$TOP/tests/e2e/lib.sh"
command -v openssl >/dev/null 2>&1 || { not_ok "openssl is installed"; done_testing; exit 1; }

K="$WORK/pki"
if sh "$TOP/tests/e2e/mkequiv.sh" "$K" >"$WORK/mkpki.log" 2>&1; then ok "the test PKI is made"; else
    not_ok "the test PKI is made" "$(tail -5 "$WORK/mkpki.log")"; done_testing; exit 1; fi

# The PKI is what it claims to be (checked with OpenSSL's own parser).
for i in 1 2 3 4; do openssl x509 -in "$K/i$i.pem" -noout -subject -nameopt multiline,show_type; done >"$WORK/types"
has "i1's name is PrintableString" "$WORK/types" "commonName *= PRINTABLESTRING:Equiv Intermediate"
has "i2's is UTF8String with other case and spaces" "$WORK/types" "organizationName *= UTF8STRING:EQUIV  test"
has "i3's is BMPString" "$WORK/types" "commonName *= BMPSTRING:Equiv Intermediate"
has "i4's is T61String" "$WORK/types" "commonName *= T61STRING:Equiv Intermediate"
for i in 2 3 4; do
    if openssl verify -CAfile "$K/root.pem" -untrusted "$K/i1.pem" "$K/x$i.pem" >/dev/null 2>&1; then
        ok "OpenSSL chains x$i (issuer encoded as i$i's subject) through i1"
    else not_ok "OpenSSL chains x$i (issuer encoded as i$i's subject) through i1"; fi
done
openssl x509 -in "$K/j2.pem" -noout -pubkey | openssl asn1parse | grep -q 'l=  34 prim: BIT STRING' &&
    ok "j2's key is the compressed point" || not_ok "j2's key is the compressed point"

# ---- Point 1: the same certificate under an issuer encoded differently ----
mkdir -p "$WORK/pool1"
cp "$K/x1.pem" "$K/x2.pem" "$K/x3.pem" "$K/x4.pem" "$WORK/pool1/"
cat >"$WORK/p1.json" <<JSON
{"version": 1, "entries": [{"issuer_certificate": "$K/i1.pem", "serial": "2a:2a", "label": "Leaf 2A2A"}]}
JSON
run "$DISTRUST" build -q -o "$WORK/n1" "$WORK/p1.json"
expect_status "negative: without the certificates at hand" 0
count "one trust object, under i1's bytes only" "$WORK/n1/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 1
run "$DISTRUST" query "$WORK/n1/revocations.blob" --cert "$K/x2.pem"
expect_status "negative: the blob does not list x2 (its issuer bytes differ)" 1

run "$DISTRUST" build --explain -o "$WORK/b1" --pool "$WORK/pool1" "$WORK/p1.json"
expect_status "with the pool" 0
count "four trust objects: i1's bytes and the three other encodings" "$WORK/b1/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 4
count "a note names each one found" "$WORK/err" "note: /entries/0: \"leaf.equiv.test\" \(in pool1/x[234].pem\) has this entry's serial 2a:2a and an issuer field that is the entry's issuer as a name but encoded differently" 3
has "and says how it is encoded" "$WORK/err" "BMPString"
count "the manifest says why" "$WORK/b1/manifest.json" '"relation": "same issuer name and serial \(issuer encoded differently\)"' 3
count "--explain says so" "$WORK/out" "with the entry's issuer name, encoded differently, and serial" 3
count "so do the certdata comments" "$WORK/b1/certdata-distrust.txt" '^# Source: p1.json /entries/0, same issuer name and serial \(issuer encoded differently\): pool1/x[234].pem$' 3
count "with the reason" "$WORK/b1/certdata-distrust.txt" '^# Why: the certificate this entry names, its issuer field encoded differently' 3
for i in 2 3 4; do
    run "$DISTRUST" query "$WORK/b1/revocations.blob" --cert "$K/x$i.pem"
    expect_status "the blob lists x$i under its own issuer bytes" 0
done
# OneCRL carries each issuer's own bytes.
for i in 2 3 4; do
    b64=$(sh "$TOP/tests/e2e/der-field.sh" issuer "$K/x$i.der" b64)
    has "onecrl.json has x$i's issuer bytes" "$WORK/b1/onecrl.json" "\"issuerName\": \"$b64\""
done
run "$DISTRUST" lint --pool "$WORK/pool1" "$WORK/p1.json"
expect_status "lint" 0
count "lint names them" "$WORK/err" "encoded differently \(\"CN=" 3

# The chain cases are searched too.
cat >"$WORK/cases1.json" <<JSON
{"cases": [
  {"name": "x2 (issuer field in i2's encoding) through i2", "chain": ["$K/x2.pem", "$K/i2.pem"],
   "anchors": ["$K/root.pem"], "expect": "distrusted"},
  {"name": "x3 (BMPString issuer) through i3", "chain": ["$K/x3.pem", "$K/i3.pem"],
   "anchors": ["$K/root.pem"], "expect": "distrusted"},
  {"name": "x1 (i1's own encoding) through i1", "chain": ["$K/x1.pem", "$K/i1.pem"],
   "anchors": ["$K/root.pem"], "expect": "distrusted"}]}
JSON
run "$DISTRUST" build -o "$WORK/c1" --cases "$WORK/cases1.json" "$WORK/p1.json"
expect_status "with the chain cases instead of a pool" 0
count "the cases' x2 and x3 are found" "$WORK/c1/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 3

# Under NSS and under OpenSSL with the blob.
run "$DISTRUST" verify --build "$WORK/n1" --engine pkix,openssl "$WORK/cases1.json"
expect_status "negative: without the certificates the distrust misses x2 and x3" 3
hasnt "no case is INVALID (the baselines hold)" "$WORK/out" "INVALID"
count "NSS and OpenSSL accept x2 and x3" "$WORK/out" "^#   expected distrusted, got trusted" 4
has "the miss is x2 under NSS" "$WORK/out" "^not ok 1 - x2 \(issuer field in i2's encoding\) through i2 \[overlay/pkix\]$"
has "and under OpenSSL with the blob" "$WORK/out" "^not ok 2 - x2 \(issuer field in i2's encoding\) through i2 \[openssl\]$"
has "x1 is distrusted without the pool" "$WORK/out" "^ok 5 - x1 \(i1's own encoding\) through i1 \[overlay/pkix\]$"
count "NSS's miss is explained as the issuer encoded differently" "$WORK/out" \
    "^#     leaf.equiv.test has its serial, and an issuer field that is its issuer as a name but encoded differently" 2
count "so is OpenSSL's" "$WORK/out" \
    "^#   leaf.equiv.test has the serial of entry \"Leaf 2A2A\" and an issuer field that is the entry's issuer as a name but encoded differently" 2
hasnt "never as a missing cross-certificate" "$WORK/out" "a cross-certificate the build misses"
run "$DISTRUST" verify --build "$WORK/b1" --engine pkix,openssl "$WORK/cases1.json"
expect_status "with the pool: every encoding distrusted under NSS and OpenSSL" 0
has "six checks" "$WORK/out" "^6 passed, 0 failed$"

# A serial list and an incident list reach the twins the same way.
printf '2a:2a\n' >"$WORK/serials.txt"
cat >"$WORK/p1s.json" <<JSON
{"version": 1, "entries": [{"issuer_certificate": "$K/i1.pem", "serials_file": "serials.txt"}]}
JSON
run "$DISTRUST" build -q -o "$WORK/b1s" --pool "$WORK/pool1" "$WORK/p1s.json"
expect_status "a serial list with the pool" 0
run "$DISTRUST" query "$WORK/b1s/revocations.blob" --cert "$K/x4.pem"
expect_status "the blob lists x4 (T61String issuer) from the serial list" 0

# ---- Point 2: the same key under another encoding --------------------------
mkdir -p "$WORK/pool2"
cp "$K/i2.pem" "$K/i3.pem" "$K/i4.pem" "$K/j2.pem" "$K/root.pem" "$WORK/pool2/"
cat >"$WORK/p2.json" <<JSON
{"version": 1, "entries": [
  {"certificate": "$K/i1.pem", "label": "Equiv Intermediate"},
  {"certificate": "$K/j1.pem", "label": "Equiv EC Intermediate"}]}
JSON
cat >"$WORK/cases2.json" <<JSON
{"cases": [
  {"name": "x2 through i2 (the re-encoded subject)", "chain": ["$K/x2.pem", "$K/i2.pem"],
   "anchors": ["$K/root.pem"], "expect": "distrusted"}]}
JSON
# NSS 3.87 cannot use a compressed EC point (the chain through j2 fails its
# baseline with SEC_ERROR_BAD_SIGNATURE): that path exists for OpenSSL only.
cat >"$WORK/cases2o.json" <<JSON
{"cases": [
  {"name": "y through j2 (the compressed key)", "chain": ["$K/y.pem", "$K/j2.pem"],
   "anchors": ["$K/root.pem"], "expect": "distrusted"}]}
JSON
run "$DISTRUST" verify --build "$WORK/n1" --engine pkix "$WORK/cases2o.json"
expect_status "NSS cannot chain through the compressed key (INVALID baseline)" 3
has "it says why" "$WORK/out" "INVALID: the chain does not validate without the distrust data \(SEC_ERROR_BAD_SIGNATURE"
run "$DISTRUST" build -q -o "$WORK/n2" "$WORK/p2.json"
expect_status "negative: the key distrusts without a pool" 0
run "$DISTRUST" verify --build "$WORK/n2" --engine pkix,openssl "$WORK/cases2.json"
expect_status "negative: leaves through i2 pass under NSS and OpenSSL" 3
hasnt "no case is INVALID (the baselines hold)" "$WORK/out" "INVALID"
count "both checks miss" "$WORK/out" "^#   expected distrusted, got trusted" 2
run "$DISTRUST" verify --build "$WORK/n2" --engine openssl "$WORK/cases2o.json"
expect_status "negative: OpenSSL with the blob accepts leaves through j2" 3
count "the check misses" "$WORK/out" "^#   expected distrusted, got trusted" 1

run "$DISTRUST" build --explain -o "$WORK/b2" --pool "$WORK/pool2" "$WORK/p2.json"
expect_status "with the pool" 0
count "six trust objects: i1..i4 and j1, j2" "$WORK/b2/certdata-distrust.txt" "^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$" 6
count "three with the subject encoded differently" "$WORK/b2/manifest.json" '"relation": "same subject and key \(subject encoded differently\)"' 3
count "one with the key encoded differently" "$WORK/b2/manifest.json" '"relation": "same subject and key \(key encoded differently\)"' 1
has "--explain says which" "$WORK/out" "with the same subject and key as Equiv EC Intermediate \(key encoded differently\)"
has "so do the certdata comments" "$WORK/b2/certdata-distrust.txt" '^# Source: p2.json /entries/1, same subject and key \(key encoded differently\) in the pool: pool2/j2.pem$'
run "$DISTRUST" verify --build "$WORK/b2" --engine pkix,openssl "$WORK/cases2.json"
expect_status "with the pool: leaves through i2 fail under NSS and OpenSSL" 0
run "$DISTRUST" verify --build "$WORK/b2" --engine openssl "$WORK/cases2o.json"
expect_status "with the pool: leaves through j2 fail under OpenSSL with the blob" 0
run "$DISTRUST" lint --strict --pool "$WORK/pool2" "$WORK/p2.json"
expect_status "lint --strict: no open path" 0
has "0 open paths" "$WORK/out" ", 0 open paths$"
# The open-path check sees the re-encodings when they are listed by hand.
cat >"$WORK/p2p.json" <<JSON
{"version": 1, "entries": [{"certificate": "$K/j1.pem", "scope": "key", "cross_signs": false}]}
JSON
run "$DISTRUST" lint --pool "$WORK/pool2" "$WORK/p2p.json"
expect_status "lint of a key listed by hand" 0
has "names the open path through the compressed-key certificate" "$WORK/err" \
    "an open path reaches the distrusted key of this entry: Equiv Root \[[0-9a-f]{12}\] > Equiv EC Intermediate \[[0-9a-f]{12}\]; its last certificate \(issuer \"CN=Equiv Root,O=Equiv Test,C=DE\", serial 30:02"

# Subject + SPKI hash: a record for every SPKI encoding of the key.
SUBJ=$(sh "$TOP/tests/e2e/der-field.sh" subject "$K/j1.der" b64)
SPKI1=$(openssl x509 -in "$K/j1.pem" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64)
SPKI2=$(sh "$TOP/tests/e2e/der-field.sh" spki "$K/j2.der" b64 | base64 -d | openssl dgst -sha256 -binary | base64)
SPKI1X=$(sh "$TOP/tests/e2e/der-field.sh" spki "$K/j1.der" b64 | base64 -d | openssl dgst -sha256 -binary | base64)
[ "$SPKI1" = "$SPKI1X" ] && ok "der-field.sh spki agrees with openssl pkey" || not_ok "der-field.sh spki agrees with openssl pkey"
[ "$SPKI1" != "$SPKI2" ] && ok "the two encodings hash differently" || not_ok "the two encodings hash differently"
cat >"$WORK/p3.json" <<JSON
{"version": 1, "entries": [{"subject_der": "$SUBJ", "spki_sha256": "$SPKI1", "label": "Equiv EC key"}]}
JSON
run "$DISTRUST" build -q -o "$WORK/n3" "$WORK/p3.json"
expect_status "negative: subject+key without a pool" 0
count "one record" "$WORK/n3/onecrl.json" '"pubKeyHash": ' 1
run "$DISTRUST" query "$WORK/n3/revocations.blob" --cert "$K/j2.pem"
expect_status "negative: the blob misses j2's compressed key" 1
run "$DISTRUST" build -q -o "$WORK/b3" --pool "$WORK/pool2" --pool "$K/j1.pem" "$WORK/p3.json"
expect_status "with the pool" 0
count "a record per SPKI encoding" "$WORK/b3/onecrl.json" '"pubKeyHash": ' 2
if grep -Fq "\"pubKeyHash\": \"$SPKI2\"" "$WORK/b3/onecrl.json"; then ok "the compressed encoding's hash"; else
    not_ok "the compressed encoding's hash" "$SPKI2 not in onecrl.json"; fi
run "$DISTRUST" query "$WORK/b3/revocations.blob" --cert "$K/j2.pem"
expect_status "the blob lists j2 by subject and key" 0

done_testing
