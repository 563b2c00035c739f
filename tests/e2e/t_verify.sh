# distrust verify on the fixture chain cases (testdata/chains/), under both
# engines: every case holds for a correct build, and builds that NSS would
# silently ignore (a forgotten cross-certificate, a wrong SHA-1, a serial
# without its 00 pad) are caught (exit 3), each beside a passing baseline.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"

build() { "$DISTRUST" build -q -o "$WORK/$1" "$2" >"$WORK/build.log" 2>&1 || not_ok "build $2" "$(cat "$WORK/build.log")"; }
# shift_verify OUT CASES...: verify under both engines; $st, $WORK/v.out, $WORK/v.err
shift_verify() { out=$1; shift; "$DISTRUST" verify --build "$WORK/$out" --engine all "$@" >"$WORK/v.out" 2>"$WORK/v.err"; st=$?; }
expect_status() { # DESC WANT
    if [ "$st" -eq "$2" ]; then ok "$1 (exit $st)"; else
        not_ok "$1 (exit $st, wanted $2)" "$(tail -n 30 "$WORK/v.out")" "$(cat "$WORK/v.err")"
    fi
}
has() { # DESC PATTERN (grep -E on the report)
    if grep -Eq -- "$2" "$WORK/v.out"; then ok "$1"; else not_ok "$1" "no line matching: $2" "$(head -n 40 "$WORK/v.out")"; fi
}

build basic "$C/basic/policy.json"
shift_verify basic "$C/basic/cases.json"
expect_status "basic: every case holds under pkix and classic" 0
has "basic: 26 checks passed" '^26 passed, 0 failed$'
has "basic: the distrusted root is reported with its entry" 'entry "Distrusted Test Kök root"'
has "basic: the distrust-after rule is applied and labelled" 'distrust-after: .* is after it: distrusted \(the rule Firefox applies'

build cross "$C/cross-signed/policy.json"
shift_verify cross "$C/cross-signed/cases.json"
expect_status "cross-signed key distrusted with its cross-certificate: both paths fail" 0
has "cross-signed: 8 checks passed" '^8 passed, 0 failed$'

build incomplete "$C/cross-signed-incomplete/policy.json"
shift_verify incomplete "$C/cross-signed/cases.json"
expect_status "a build missing the cross-certificate is caught" 3
has "the path via Root B is reported" '^not ok 3 - cross-signed key via Root B \[pkix\]$'
has "PKIX backtracks to Root B when both paths are offered" '^not ok 5 - cross-signed key, both paths offered \[pkix\]$'
has "the missing cross-certificate is named" 'a cross-certificate the build misses'
has "the Root A path still fails" '^ok 1 - cross-signed key via Root A \[pkix\]$'

# A wrong SHA-1: first the baseline with the hash right, then one octet off.
cat >"$WORK/hash.json" <<JSON
{"version": 1, "entries": [
  {"certificate": "$TOP/testdata/pki/int-a1.pem", "nss_object": "trust+hash", "label": "Hashed Test Intermediate 1"},
  {"certificate": "$TOP/testdata/pki/int-a1-xb.pem", "nss_object": "trust+hash", "label": "Hashed cross-certificate"}]}
JSON
build hash "$WORK/hash.json"
shift_verify hash "$C/cross-signed/cases.json"
expect_status "trust+hash entries with the right SHA-1 work" 0
awk '/^CKA_CERT_SHA1_HASH/ && !done { print; getline; sub(/^\\[0-7][0-7][0-7]/, "\\000"); done = 1 } { print }' \
    "$WORK/hash/certdata-distrust.txt" >"$WORK/h.txt" && mv "$WORK/h.txt" "$WORK/hash/certdata-distrust.txt"
shift_verify hash "$C/cross-signed/cases.json"
expect_status "a wrong SHA-1 (one octet) is caught" 3
has "the wrong hash is explained" 'CKA_CERT_SHA1_HASH is not this certificate'"'"'s SHA-1'
if grep -q 'does not match its SHA-256 in the manifest' "$WORK/v.err"; then ok "the edit after the build is reported"; else
    not_ok "the edit after the build is reported" "$(cat "$WORK/v.err")"; fi
"$DISTRUST" verify --strict --build "$WORK/hash" "$C/cross-signed/cases.json" >/dev/null 2>&1
st=$?
expect_status "with --strict the edited build is refused" 1

# A serial without its 00 pad: NSS never matches it.
build pad "$C/cross-signed/policy.json"
shift_verify pad "$C/cross-signed/cases.json"
expect_status "baseline for the pad mutation" 0
sed 's/^\\002\\007\\000\\213\\255\\360\\015\\022\\064$/\\002\\006\\213\\255\\360\\015\\022\\064/' \
    "$WORK/pad/certdata-distrust.txt" >"$WORK/p.txt"
if cmp -s "$WORK/p.txt" "$WORK/pad/certdata-distrust.txt"; then not_ok "pad mutation applied"; else ok "pad mutation applied"; fi
mv "$WORK/p.txt" "$WORK/pad/certdata-distrust.txt"
shift_verify pad "$C/cross-signed/cases.json"
expect_status "an unpadded serial is caught" 3
has "the missing pad is explained" 'missing or extra 00 pad'

# A case whose baseline already fails is INVALID, never passed.
cat >"$WORK/invalid.json" <<JSON
{"cases": [{"name": "expired chain", "chain": ["$TOP/testdata/pki/leaf-a1.pem", "$TOP/testdata/pki/int-a1.pem"],
            "anchors": ["$TOP/testdata/pki/root-a.pem"], "time": "2050-01-01T00:00:00Z", "expect": "distrusted"},
           {"name": "unrelated anchor", "chain": ["$TOP/testdata/pki/leaf-a1.pem", "$TOP/testdata/pki/int-a1.pem"],
            "anchors": ["$TOP/testdata/pki/root-c.pem"], "time": "2025-06-01T00:00:00Z", "expect": "distrusted"}]}
JSON
shift_verify cross "$WORK/invalid.json"
expect_status "INVALID cases fail the run" 3
has "an expired chain is INVALID" '^not ok 1 - expired chain \[pkix\] # INVALID: .*SEC_ERROR_EXPIRED_CERTIFICATE'
has "a chain to an untrusted anchor is INVALID" '^not ok 3 - unrelated anchor \[pkix\] # INVALID: .*SEC_ERROR_UNKNOWN_ISSUER'

# Bad input: exit 1 with the place.
printf '{"cases": [{"name": "x", "chain": ["%s"], "anchors": ["%s"], "expect": "distrustd"}]}\n' \
    "$TOP/testdata/pki/leaf-a1.pem" "$TOP/testdata/pki/root-a.pem" >"$WORK/bad.json"
shift_verify cross "$WORK/bad.json"
expect_status "a bad case file is bad input" 1
if grep -q 'bad.json:1:.*/cases/0/expect: unknown expect "distrustd"; did you mean "distrusted"' "$WORK/v.err"; then
    ok "the bad value is located and a fix suggested"; else not_ok "bad value located" "$(cat "$WORK/v.err")"; fi
"$DISTRUST" verify --build "$WORK/nonexistent" "$C/basic/cases.json" >/dev/null 2>"$WORK/v.err"
st=$?
expect_status "a missing build directory is bad input" 1
"$DISTRUST" verify "$C/basic/cases.json" >/dev/null 2>&1
st=$?
expect_status "no --build: usage" 2

# The real incidents (policy/ and policy/cases/): every case under both engines.
"$DISTRUST" build -q -o "$WORK/real" "$TOP/policy" >"$WORK/build.log" 2>&1 || not_ok "build policy/" "$(cat "$WORK/build.log")"
shift_verify real "$TOP"/policy/cases/*.json
expect_status "real incidents: Comodo, DigiNotar, CNNIC leaves and intermediates, Entrust distrust-after" 0
has "real incidents: 42 checks passed" '^42 passed, 0 failed$'
has "kuix.de, the tenth Comodo leaf, is distrusted under PKIX" '^ok 19 - Comodo trial certificate kuix.de .*\[pkix\]$'

# --keep-work writes a reproduce.sh per case.
"$DISTRUST" verify --build "$WORK/basic" --keep-work "$WORK/kw" "$C/basic/cases.json" >/dev/null 2>&1
[ -x "$WORK/kw/case-1/reproduce.sh" ] && [ -f "$WORK/kw/case-1/anchors.txt" ] && [ -f "$WORK/kw/case-1/chain-2.pem" ] &&
    ok "--keep-work: anchors, chain and reproduce.sh" || not_ok "--keep-work files" "$(ls -R "$WORK/kw" | head)"
done_testing
