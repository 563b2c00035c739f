# `distrust import certdata`: real NSS files round trip. Importing a file and
# building the policy again writes every distrust trust object of the file
# byte for byte (object text, comments aside), hashes included where the
# original had them, and every distrust-after date. A changed object must make
# the comparison fail (the check checks), and bad input is an error with its
# line.
. "$TOP/tests/e2e/lib.sh"
NSS="$TOP/testdata/nss"

# round_trip NAME WANT_TRUST WANT_DATES: import, build, compare.
round_trip() {
    f="$NSS/certdata-$1.txt"
    run "$DISTRUST" import certdata "$f" -o "$WORK/$1.json"
    expect_status "$1: import" 0
    run "$DISTRUST" build -q -o "$WORK/out-$1" "$WORK/$1.json"
    expect_status "$1: build the imported policy" 0
    distrust_objects "$f" >"$WORK/$1.orig"
    distrust_objects "$WORK/out-$1/certdata-distrust.txt" >"$WORK/$1.built"
    got=$(wc -l <"$WORK/$1.orig")
    [ "$got" -eq "$2" ] && ok "$1: the file has $2 distrust trust objects" ||
        not_ok "$1: the file has $2 distrust trust objects" "found $got"
    same "$1: every distrust trust object written again byte for byte" "$WORK/$1.orig" "$WORK/$1.built"
    after_dates "$f" | grep -v '"Izenpe.com"' >"$WORK/$1.dates"
    after_dates "$WORK/out-$1/certdata-distrust.txt" | grep -v '"Izenpe.com"' >"$WORK/$1.bdates"
    got=$(wc -l <"$WORK/$1.dates")
    [ "$got" -eq "$3" ] && ok "$1: $3 distrust-after values on certificate objects" ||
        not_ok "$1: $3 distrust-after values on certificate objects" "found $got"
    same "$1: every distrust-after date written again" "$WORK/$1.dates" "$WORK/$1.bdates"
}
round_trip 4a0b9ef4e195-2017-11-16-28distrust 28 0
round_trip 595de3712b53-2022-03-23-6distrust 6 8
round_trip NSS_3_87_1_RTM-debian12 1 11
round_trip 9c4ca56fd6d4-2025-06-08-1distrust 1 11
round_trip 2026 0 5

Y=4a0b9ef4e195-2017-11-16-28distrust
count "2017: 19 distrusts by certificate (hashed, certificate+trust)" "$WORK/$Y.json" '"nss_object":"certificate\+trust"' 19
count "2017: 9 by issuer and serial (hash-free trust objects)" "$WORK/$Y.json" '"issuer_der":.*"nss_object":"trust"' 9
got=$(ls "$WORK/$Y-certs" | grep -c '\.pem$')
[ "$got" -eq 19 ] && ok "2017: 19 PEM files in $Y-certs/" || not_ok "2017: 19 PEM files" "found $got"
has "the certificates' directory says where they came from" "$WORK/$Y-certs/manifest.json" '"imported_from": "certdata-4a0b9ef4e195'
has "labels are kept" "$WORK/$Y.json" '"label":"Distrust: O=Egypt Trust, OU=VeriSign Trust Network \(cert 1/3\)"'
has "comments become the entry's comment, with the source line" "$WORK/$Y.json" '"comment":"Distrust \\"Distrust a pb.com certificate.*line 80\)"'
has "CA certificates keep exactly what the file distrusted (scope certificate)" "$WORK/$Y.json" '"label":"Explicitly Distrust DigiNotar Root CA".*"scope":"certificate"'

# Izenpe: the date on the trust object is imported as the root's date.
has "2026: Izenpe's date on its trust object is imported" "$WORK/2026.json" '"label":"Izenpe.com".*"server_distrust_after":"2026-04-15T23:59:59Z"'
"$DISTRUST" import certdata "$NSS/certdata-2026.txt" -o "$WORK/izen.json" 2>"$WORK/izen.err" >/dev/null
has "2026: a note names the trust object's line" "$WORK/izen.err" 'certdata-2026.txt:3411: note: CKA_NSS_SERVER_DISTRUST_AFTER on the trust object'
count "2026: six roots with distrust-after dates" "$WORK/2026.json" '_distrust_after":' 6
has "2026: Izenpe's date is written on its certificate object" "$WORK/out-2026/certdata-distrust.txt" '^CKA_LABEL UTF8 "Izenpe.com"$'

# The check checks: one changed octet in one trust object is a difference.
sed 's/^CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_NOT_TRUSTED$/CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_MUST_VERIFY_TRUST/' \
    "$WORK/out-$Y/certdata-distrust.txt" | awk 'done || !/CKT_NSS_MUST_VERIFY_TRUST/ { print; next } { done = 1; print }' >"$WORK/mut.txt"
distrust_objects "$WORK/mut.txt" >"$WORK/mut.objs"
if cmp -s "$WORK/$Y.orig" "$WORK/mut.objs"; then not_ok "a changed trust value is caught by the comparison"; else ok "a changed trust value is caught by the comparison"; fi
# A partial distrust (some purposes) is imported with its purposes and a warning.
awk '/^CKA_LABEL UTF8 "Bogus Skype"$/ { s = 1 } s && /^CKA_TRUST_EMAIL_PROTECTION/ { $0 = "CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_MUST_VERIFY_TRUST"; s = 0 } 1' "$NSS/certdata-$Y.txt" >"$WORK/partial.txt"
run "$DISTRUST" import certdata "$WORK/partial.txt" -o "$WORK/partial.json"
expect_status "a partial distrust imports" 0
has "with its purposes" "$WORK/partial.json" '"label":"Bogus Skype".*"purposes":\["server-auth","code-signing"\]'
has "and a warning at its line" "$WORK/err" 'partial.txt:[0-9]+: warning: a distrust for some purposes only'
run "$DISTRUST" import --strict certdata "$WORK/partial.txt" -o "$WORK/partial2.json"
expect_status "--strict makes the warning an error" 3
[ ! -e "$WORK/partial2.json" ] && [ ! -e "$WORK/partial2-certs" ] && ok "--strict failure writes nothing" || not_ok "--strict failure writes nothing"

# Hashes without the certificate: imported by issuer and serial, with a warning.
awk 'function flush() { if (!(cls == "CKO_CERTIFICATE" && obj ~ /CKA_LABEL UTF8 "Bogus Skype"/)) printf "%s", obj; obj = "" }
     /^CKA_CLASS/ { flush(); cls = $3 }
     /^[ \t]*$/ { flush(); cls = "" }
     { obj = obj $0 "\n" }
     END { flush() }' "$NSS/certdata-$Y.txt" >"$WORK/nocert.txt"
run "$DISTRUST" import certdata "$WORK/nocert.txt" -o "$WORK/nocert.json"
expect_status "a hashed distrust without its certificate imports" 0
has "by issuer and serial" "$WORK/nocert.json" '"label":"Bogus Skype","issuer_der":.*"nss_object":"trust"'
has "with a warning that the hashes cannot be kept" "$WORK/err" 'nocert.txt:[0-9]+: warning: the trust object has certificate hashes but the file does not hold the certificate'
# Labels with \xHH escapes (older files) import as UTF-8 and build as UTF-8,
# the way current NSS files write them.
sed 's/^CKA_LABEL UTF8 "Bogus Skype"$/CKA_LABEL UTF8 "Bogus Sk\\xC3\\xBDpe"/' "$NSS/certdata-$Y.txt" >"$WORK/esc.txt"
run "$DISTRUST" import certdata "$WORK/esc.txt" -o "$WORK/esc.json"
expect_status "a label with \\x escapes imports" 0
has "as UTF-8 in the policy" "$WORK/esc.json" '"label":"Bogus Skýpe"'
run "$DISTRUST" build -q -o "$WORK/esc-out" "$WORK/esc.json"
has "and builds as a UTF-8 label" "$WORK/esc-out/certdata-distrust.txt" '^CKA_LABEL UTF8 "Bogus Skýpe"$'
# Bad input: errors with file:line, nothing written. Malformed files are the
# catalogue's (testdata/bad/, command import-certdata: 106-112, and
# 175-certdata-bad-utf8-escape, 176-certdata-unknown-attribute,
# 177-certdata-distrust-without-issuer); here, what is not a file's content.
run "$DISTRUST" import certdata "$WORK/missing.txt" -o "$WORK/m.json"
expect_status "a missing file is bad input" 1
run "$DISTRUST" import pem "$NSS/certdata-2026.txt" -o "$WORK/m.json"
expect_status "an unknown kind is a usage error" 2

# Determinism: the same file gives the same policy and certificates.
"$DISTRUST" import -q certdata "$NSS/certdata-$Y.txt" -o "$WORK/again/$Y.json" 2>/dev/null ||
    { mkdir -p "$WORK/again" && "$DISTRUST" import -q certdata "$NSS/certdata-$Y.txt" -o "$WORK/again/$Y.json"; }
same "importing twice gives the same policy" "$WORK/$Y.json" "$WORK/again/$Y.json"
if diff -r "$WORK/$Y-certs" "$WORK/again/$Y-certs" >/dev/null; then ok "and the same certificates"; else not_ok "and the same certificates"; fi
done_testing
