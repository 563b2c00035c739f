# distrust verify --engine openssl: the chain cases under OpenSSL's
# X509_verify_cert with OUT/revocations.blob enforced by dt_blob_attach
# (distrust/openssl.h: the store's revocation check). Its verdicts must equal NSS's (PKIX) on
# every case, except where the report says why they differ: a distrust
# the blob cannot carry (purposes, an nss-only entry), or a case with
# several paths, where OpenSSL does not backtrack.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"

verify() { # OUT CASES...: both engines; TAP in $WORK/out
    out=$1
    shift
    run "$DISTRUST" verify --build "$WORK/$out" --engine pkix,openssl "$@"
}
# same_verdicts DESC ALLOWED-REGEX: every case's [pkix] and [openssl] lines agree,
# except the cases whose names match ALLOWED-REGEX (each must then differ).
same_verdicts() {
    awk -v allowed="$2" '
        /^(not )?ok [0-9]+ - / {
            st = $1 == "ok"; line = $0; sub(/^(not )?ok [0-9]+ - /, "", line)
            eng = line ~ /\[openssl\]$/ ? "o" : "p"; sub(/ \[(overlay\/pkix|openssl)\]$/, "", line)
            v[line, eng] = st; names[line] = 1 }
        END { bad = 0
            for (n in names) {
                differ = v[n, "p"] != v[n, "o"]
                if (allowed != "" && n ~ allowed) { if (!differ) { print "expected a difference: " n; bad = 1 } }
                else if (differ) { print "differs: " n; bad = 1 } }
            exit bad }' "$WORK/out" >"$WORK/diff.txt"
    if [ $? -eq 0 ]; then ok "$1"; else not_ok "$1" "$(cat "$WORK/diff.txt")"; fi
}

"$DISTRUST" build -q -o "$WORK/basic" "$C/basic/policy.json" 2>/dev/null
verify basic "$C/basic/cases.json"
expect_status "basic under pkix and openssl: the e-mail-only distrust is not in the blob" 3
has "13 cases x 2 engines: one OpenSSL miss" "$WORK/out" "^25 passed, 1 failed$"
has "the miss is explained" "$WORK/out" "the build distrusts ascii-serial.example.test for NSS .* but the blob does not list it"
has "OpenSSL reports the revoked intermediate" "$WORK/out" "^#   with the blob: OpenSSL rejects the chain at certificate 2 of 3, Test Intermediate 2 EC: certificate revoked$"
# The blob carries no distrust-after dates and OpenSSL has no such rule: the
# leaf issued after Root C's date stays trusted, and the report says so.
has "OpenSSL does not apply the distrust-after date" "$WORK/out" "^ok [0-9]+ - distrust-after: leaf issued after the date \\[openssl\\]$"
has "and says why" "$WORK/out" "^#   distrust-after: the build gives \"Test Root C \\(distrust-after\\)\" a server distrust-after date of 2024-11-30T23:59:59Z \\(the leaf's notBefore 2025-03-01T00:00:00Z is after it\\), but the blob carries no distrust-after dates, and OpenSSL has no such rule\\. Not applied\\.$"
same_verdicts "basic: NSS and OpenSSL agree but on the purpose-limited distrust" "^e-mail-only distrust: e-mail distrusted$"

for s in cross-signed pool-intermediate pool-root diginotar-root; do
    "$DISTRUST" build -q -o "$WORK/$s" "$C/$s/policy.json" 2>/dev/null
    verify "$s" "$C/$s/cases.json"
    expect_status "$s: every case holds under OpenSSL too" 0
    same_verdicts "$s: NSS and OpenSSL agree on every case" ""
done

# A build that forgets the cross-certificate: NSS backtracks to the Root B
# path when both are offered; OpenSSL takes the first path it builds.
"$DISTRUST" build -q -o "$WORK/inc" "$C/cross-signed-incomplete/policy.json" 2>/dev/null
verify inc "$C/cross-signed/cases.json"
expect_status "the incomplete build is caught" 3
has "the Root B path is caught by OpenSSL" "$WORK/out" "^not ok [0-9]+ - cross-signed key via Root B \\[openssl\\]$"
has "and explained" "$WORK/out" "no certificate of the path OpenSSL built is in the blob"
has "the both-paths case says OpenSSL does not backtrack" "$WORK/out" "OpenSSL does not backtrack"
same_verdicts "incomplete build: NSS and OpenSSL agree but where both paths are offered" "^cross-signed key, both paths offered$"

# The real incidents.
"$DISTRUST" build -q -o "$WORK/real" "$TOP/policy" 2>/dev/null
run "$DISTRUST" verify --build "$WORK/real" --engine openssl "$TOP"/policy/cases/*.json
expect_status "the real cases under OpenSSL" 0
has "21 cases" "$WORK/out" "^21 passed, 0 failed$"

# Engine lists and errors.
run "$DISTRUST" verify --build "$WORK/basic" --engine nsss "$C/basic/cases.json"
expect_status "an unknown engine" 2
rm "$WORK/basic/revocations.blob"
run "$DISTRUST" verify --build "$WORK/basic" --engine openssl "$C/basic/cases.json"
expect_status "no blob in the build" 1
has "says the engine needs it" "$WORK/err" "the OpenSSL engine needs the build's blob"

done_testing
