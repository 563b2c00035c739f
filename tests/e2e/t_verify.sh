# distrust verify on the fixture chain cases (testdata/chains/), under both
# engines: every case holds for a correct build, and builds that NSS would
# silently ignore (a forgotten cross-certificate, a wrong SHA-1, a serial
# without its 00 pad) are caught (exit 3), each beside a passing baseline.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"

build() { "$DISTRUST" build -q -o "$WORK/$1" "$2" >"$WORK/build.log" 2>&1 || not_ok "build $2" "$(cat "$WORK/build.log")"; }
# shift_verify OUT CASES...: verify under both engines; $st, $WORK/v.out, $WORK/v.err
shift_verify() { out=$1; shift; "$DISTRUST" verify --build "$WORK/$out" --engine nss "$@" >"$WORK/v.out" 2>"$WORK/v.err"; st=$?; }
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
has "basic: the overlay does not credit the distrust-after date, and says so" '^#   distrust-after: the build gives "Test Root C \(distrust-after\)" a server distrust-after date of 2024-11-30T23:59:59Z \(the leaf.s notBefore 2025-03-01T00:00:00Z is after it\), but the overlay module does not enforce distrust-after dates: Firefox reads them only from its built-in roots module\. Not applied\.$'
has "basic: and what would make the date effective" '^#     to make the date effective: merge the policy into the root store \(distrust build --certdata UPSTREAM\.txt\), ship that certdata\.txt as the built-in roots, and verify with the upstream root store as the case.s anchors, so that the root-store deployment is checked$'
has "basic: the leaf issued after the date stays trusted under the overlay" '^ok 17 - distrust-after: leaf issued after the date \[overlay/pkix\]$'

build cross "$C/cross-signed/policy.json"
shift_verify cross "$C/cross-signed/cases.json"
expect_status "cross-signed key distrusted with its cross-certificate: both paths fail" 0
has "cross-signed: 8 checks passed" '^8 passed, 0 failed$'

build incomplete "$C/cross-signed-incomplete/policy.json"
shift_verify incomplete "$C/cross-signed/cases.json"
expect_status "a build missing the cross-certificate is caught" 3
has "the path via Root B is reported" '^not ok 3 - cross-signed key via Root B \[overlay/pkix\]$'
has "PKIX backtracks to Root B when both paths are offered" '^not ok 5 - cross-signed key, both paths offered \[overlay/pkix\]$'
has "the missing cross-certificate is named" 'a cross-certificate the build misses'
has "the Root A path still fails" '^ok 1 - cross-signed key via Root A \[overlay/pkix\]$'

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
expect_status "with --strict the edited build is refused" 3

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
has "an expired chain is INVALID" '^not ok 1 - expired chain \[overlay/pkix\] # INVALID: .*SEC_ERROR_EXPIRED_CERTIFICATE'
has "a chain to an untrusted anchor is INVALID" '^not ok 3 - unrelated anchor \[overlay/pkix\] # INVALID: .*SEC_ERROR_UNKNOWN_ISSUER'

# Bad input: exit 1 with the place. (A malformed case file, located with
# a fix suggested, is the catalogue's testdata/bad/179-case-expect-misspelt.)
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
has "kuix.de, the tenth Comodo leaf, is distrusted under PKIX" '^ok 19 - Comodo trial certificate kuix.de .*\[overlay/pkix\]$'

# A case with certificate-file anchors after one whose anchors are a
# certdata.txt root store (verify used to strcmp a NULL path here: exit 139).
P="$TOP/testdata/pki"
cat >"$WORK/order.json" <<JSON
{"cases": [
 {"name": "root-store anchors first", "chain": ["$P/leaf-a2.pem", "$P/int-a2.pem"], "anchors": "$C/roots-certdata.txt",
  "time": "2025-06-01T00:00:00Z", "expect": "distrusted"},
 {"name": "file anchors after it", "chain": ["$P/leaf-a1.pem", "$P/int-a1.pem"], "anchors": ["$P/root-a.pem"],
  "time": "2025-06-01T00:00:00Z", "expect": "trusted"}]}
JSON
shift_verify basic "$WORK/order.json"
expect_status "file anchors after a certdata.txt root store" 0
has "both cases are checked under both engines" '^4 passed, 0 failed$'

# A purpose-limited distrust of the anchor: the overlay leaves the server
# purpose unset, and NSS (the overlay loaded after the anchors, trust order
# 50 over 100) takes the anchor's server trust away. The report names the
# entry, says why, and never claims that no entry names a certificate; the
# rejected certificate's place is counted the same way under both engines
# (libpkix logs it at depth 3, the classic engine at depth 2).
cat >"$WORK/email-root.json" <<JSON
{"version": 1, "entries": [
  {"certificate": "$P/root-a.pem", "purposes": ["email-protection"], "targets": ["nss"], "label": "E-mail distrust of Root A"}]}
JSON
cat >"$WORK/email-root-cases.json" <<JSON
{"cases": [{"name": "control under Root A", "chain": ["$P/leaf-a1.pem", "$P/int-a1.pem"], "anchors": ["$P/root-a.pem"],
            "time": "2025-06-01T00:00:00Z", "expect": "trusted"}]}
JSON
build email-root "$WORK/email-root.json"
shift_verify email-root "$WORK/email-root-cases.json"
expect_status "the anchor lost its server trust to a purpose-limited entry" 3
cat >"$WORK/want.txt" <<'EOF2'
not ok 1 - control under Root A [overlay/pkix]
#   expected trusted, got distrusted (usage server, time 2025-06-01T00:00:00Z)
#   baseline: NSS accepts the chain: leaf1.example.test < Test Intermediate 1 < Test Root A (anchor)
#   with the build (overlay): NSS rejects the chain: SEC_ERROR_UNTRUSTED_ISSUER (-8172): an issuer is marked as not trusted
#     at certificate 3 of 3 (the anchor), Test Root A: SEC_ERROR_UNTRUSTED_ISSUER (entry "E-mail distrust of Root A")
#   entry "E-mail distrust of Root A" (email-root.json /entries/0) on Test Root A
#     it does not distrust the server usage, yet NSS rejected the chain at that certificate
#     it leaves the server purpose unset, and NSS 3.87 merges trust per purpose (nssTrust_Create): a later token of higher precedence replaces a purpose's trust even with "unset", so with the overlay (trust order 50) loaded after the anchors (100) the anchor has no server trust left. Build with the root store (--roots STORE or --certdata UPSTREAM.txt): the object then keeps the store's other purposes and the hashes
not ok 2 - control under Root A [overlay/classic]
#   expected trusted, got distrusted (usage server, time 2025-06-01T00:00:00Z)
#   baseline: NSS accepts the chain: leaf1.example.test < Test Intermediate 1 < Test Root A
#   with the build (overlay): NSS rejects the chain: SEC_ERROR_UNTRUSTED_ISSUER (-8172): an issuer is marked as not trusted
#     at certificate 3 of 3 (the anchor), Test Root A: SEC_ERROR_UNTRUSTED_ISSUER (entry "E-mail distrust of Root A")
#   entry "E-mail distrust of Root A" (email-root.json /entries/0) on Test Root A
#     it does not distrust the server usage, yet NSS rejected the chain at that certificate
#     it leaves the server purpose unset, and NSS 3.87 merges trust per purpose (nssTrust_Create): a later token of higher precedence replaces a purpose's trust even with "unset", so with the overlay (trust order 50) loaded after the anchors (100) the anchor has no server trust left. Build with the root store (--roots STORE or --certdata UPSTREAM.txt): the object then keeps the store's other purposes and the hashes
1..2
0 passed, 2 failed
EOF2
grep -v '^# NSS: ' "$WORK/v.out" >"$WORK/got.txt"
same "the explanation, line for line" "$WORK/want.txt" "$WORK/got.txt"
if grep -q 'no entry of the build names' "$WORK/v.out"; then not_ok "no false 'no entry' line"; else ok "no false 'no entry' line"; fi
# Positions on a longer path: the intermediate is certificate 2 of 3 under both engines.
shift_verify basic "$C/basic/cases.json"
count "the distrusted intermediate is certificate 2 of 3 (pkix and classic, two cases)" "$WORK/v.out" \
    '^#     at certificate 2 of 3, Test Intermediate 2 EC: SEC_ERROR_UNTRUSTED_(CERT|ISSUER) \(entry "Distrusted Test Intermediate 2 EC"\)$' 6
count "the distrusted leaf is certificate 1 of 3 (the leaf)" "$WORK/v.out" \
    '^#     at certificate 1 of 3 \(the leaf\), leaf2\.example\.test: ' 1
hasnt_v() { if grep -Eq -- "$2" "$WORK/v.out"; then not_ok "$1" "$(grep -E -- "$2" "$WORK/v.out" | head -3)"; else ok "$1"; fi; }
hasnt_v "no raw NSS depth is printed" 'at depth [0-9]'

# "deployments" in a case file: validated like the other keys.
bad_case() { # NAME JSON-VALUE MESSAGE-REGEX
    printf '{"cases": [{"name": "x", "chain": ["%s"], "anchors": ["%s"], "expect": "trusted", "deployments": %s}]}\n' \
        "$P/leaf-a1.pem" "$P/root-a.pem" "$2" >"$WORK/dep.json"
    shift_verify basic "$WORK/dep.json"
    if [ "$st" -eq 1 ] && grep -Eq -- "$3" "$WORK/v.err"; then ok "deployments: $1 (exit 1)"; else
        not_ok "deployments: $1 (exit $st)" "$(cat "$WORK/v.err")"; fi
}
bad_case "a misspelt name gets a suggestion" '["overlai"]' 'dep.json:1:[0-9]+: error: /cases/0/deployments/0: unknown deployment "overlai"; did you mean "overlay"\? \(one of "overlay", "root-store", "p11-kit", "openssl", "onecrl"\)'
bad_case "a name listed twice" '["overlay", "overlay"]' '/cases/0/deployments/1: deployment "overlay" is listed twice'
bad_case "an empty list" '[]' '/cases/0/deployments: "deployments" must be a non-empty array'
bad_case "not a list" '"overlay"' '/cases/0/deployments: "deployments" must be a non-empty array'
bad_case "not a name" '[3]' '/cases/0/deployments/0: each item of "deployments" must be a name'

# --deployments: names checked; what the run cannot check is said, never passed.
"$DISTRUST" verify --build "$WORK/basic" --deployments overlay,rootstore "$C/basic/cases.json" >/dev/null 2>"$WORK/v.err"
st=$?
expect_status "an unknown --deployments name is a usage error" 2
if grep -q 'unknown deployment "rootstore"; did you mean "root-store"?' "$WORK/v.err"; then ok "with a suggestion"; else
    not_ok "with a suggestion" "$(cat "$WORK/v.err")"; fi
cat >"$WORK/rs.json" <<JSON
{"cases": [
 {"name": "judged by root-store only", "chain": ["$P/leaf-a2.pem", "$P/int-a2.pem"], "anchors": "$C/roots-certdata.txt",
  "time": "2025-06-01T00:00:00Z", "expect": "distrusted", "deployments": ["root-store"]},
 {"name": "judged by every deployment", "chain": ["$P/leaf-a1.pem", "$P/int-a1.pem"], "anchors": ["$P/root-a.pem"],
  "time": "2025-06-01T00:00:00Z", "expect": "trusted"}]}
JSON
# The build has no merged certdata.txt: a case that names root-store fails, saying why.
"$DISTRUST" verify --build "$WORK/basic" "$WORK/rs.json" >"$WORK/v.out" 2>"$WORK/v.err"
st=$?
expect_status "the default run (overlay) leaves the root-store case out" 0
has "and says so" '^# not checked: "judged by root-store only" \(.*rs\.json /cases/0\): its deployments \(root-store\) are not among this run.s \(overlay\)$'
has "the other case is checked" '^ok 1 - judged by every deployment$'
"$DISTRUST" verify --build "$WORK/basic" --deployments overlay,root-store "$WORK/rs.json" >"$WORK/v.out" 2>"$WORK/v.err"
st=$?
expect_status "root-store asked for, but the build has no merged certdata.txt" 3
has "the run says root-store cannot be checked" '^# root-store: not checked: the build has no merged certdata\.txt \(distrust build --certdata UPSTREAM\.txt\)$'
has "the case that names it is not ok, not passed" '^not ok 1 - judged by root-store only \[root-store/pkix\] # NOT RUN: the case names the root-store deployment, which cannot judge it: the build has no merged certdata\.txt'
has "the other case passes under the overlay" '^ok 2 - judged by every deployment \[overlay/pkix\]$'
has "1 passed, 1 failed" '^1 passed, 1 failed$'
printf '{"cases": [{"name": "root-store only", "chain": ["%s", "%s"], "anchors": ["%s"], "time": "2025-06-01T00:00:00Z", "expect": "trusted", "deployments": ["root-store"]}]}\n' \
    "$P/leaf-a1.pem" "$P/int-a1.pem" "$P/root-a.pem" >"$WORK/none.json"
"$DISTRUST" verify --build "$WORK/basic" "$WORK/none.json" >"$WORK/v.out" 2>"$WORK/v.err"
st=$?
expect_status "a run that checks nothing is an error, never a pass" 1
if grep -q 'nothing was checked: no deployment of this run judges any case' "$WORK/v.err"; then ok "it says nothing was checked"; else
    not_ok "it says nothing was checked" "$(cat "$WORK/v.err")"; fi
# p11-kit-trust.so not found: a clear note, never a pass.
"$DISTRUST" verify --build "$WORK/basic" --deployments overlay,p11-kit --p11-kit-trust "$WORK/no-such.so" "$WORK/rs.json" >"$WORK/v.out" 2>"$WORK/v.err"
st=$?
expect_status "p11-kit-trust.so not found: the overlay still runs" 0
has "the report says p11-kit was not checked" "^# p11-kit: not checked: p11-kit-trust\.so not found: $WORK/no-such\.so: No such file or directory$"
has "and how many cases it did not judge" '^# p11-kit did not judge 1 of 2 cases: p11-kit-trust\.so not found'
has "the case that names only root-store is left out, visibly" '^# not checked: "judged by root-store only"'
sed -e 's/"deployments": \["root-store"\]/"deployments": ["p11-kit"]/' -e 's/judged by root-store only/judged by p11-kit only/' "$WORK/rs.json" >"$WORK/p11.json"
DISTRUST_P11KIT_TRUST="$WORK/no-such.so" "$DISTRUST" verify --build "$WORK/basic" --deployments p11-kit "$WORK/p11.json" >"$WORK/v.out" 2>"$WORK/v.err"
st=$?
expect_status "a case that names p11-kit, without p11-kit-trust.so, fails" 3
has "NOT RUN, with the reason" '^not ok 1 - judged by p11-kit only # NOT RUN: the case names the p11-kit deployment, which cannot judge it: p11-kit-trust\.so not found'

# --keep-work writes a reproduce.sh per case.
"$DISTRUST" verify --build "$WORK/basic" --keep-work "$WORK/kw" "$C/basic/cases.json" >/dev/null 2>&1
[ -x "$WORK/kw/case-1/reproduce.sh" ] && [ -f "$WORK/kw/case-1/anchors.txt" ] && [ -f "$WORK/kw/case-1/chain-2.pem" ] &&
    ok "--keep-work: anchors, chain and reproduce.sh" || not_ok "--keep-work files" "$(ls -R "$WORK/kw" | head)"

# A module that cannot be loaded: one input error naming the path the user
# gave and the loader's reason (exit 1), no check run, no temporary file named.
"$DISTRUST" verify --build "$WORK/basic" --module /etc/passwd "$C/basic/cases.json" >"$WORK/v.out" 2>"$WORK/v.err"
st=$?
expect_status "--module /etc/passwd is an input error" 1
if grep -qx '/etc/passwd: error: cannot load the PKCS#11 module: /etc/passwd: invalid ELF header (give --module PATH to libdistrust-pkcs11.so)' "$WORK/v.err"; then
    ok "it names the path and the loader's reason"; else not_ok "it names the path and the loader's reason" "$(cat "$WORK/v.err")"; fi
if grep -q 'distrust-verify-\|anchors-module\|message above' "$WORK/v.err" "$WORK/v.out"; then
    not_ok "no temporary file, no 'message above'" "$(cat "$WORK/v.err" "$WORK/v.out")"; else ok "no temporary file, no 'message above'"; fi
[ ! -s "$WORK/v.out" ] && ok "no check is run" || not_ok "no check is run" "$(head -3 "$WORK/v.out")"
libz=$(ls /usr/lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libz.so.1 /usr/lib64/libz.so.1 2>/dev/null | head -n 1)
if [ -n "$libz" ]; then
    "$DISTRUST" verify --build "$WORK/basic" --module "$libz" "$C/basic/cases.json" >"$WORK/v.out" 2>"$WORK/v.err"
    st=$?
    expect_status "a shared library that is no PKCS#11 module" 1
    if grep -q "^$libz: error: not a PKCS#11 module: it has no C_GetFunctionList" "$WORK/v.err"; then
        ok "says so"; else not_ok "says so" "$(cat "$WORK/v.err")"; fi
else
    ok "# SKIP no libz.so.1 found"
fi
# A module that loads but that NSS cannot initialise: each check says so with
# the module's path as given and NSS's error, not the temporary copy.
printf 'unsigned long C_GetFunctionList(void **p) { (void)p; return 5; }\n' >"$WORK/badinit.c"
if cc -shared -fPIC -o "$WORK/badinit.so" "$WORK/badinit.c" 2>"$WORK/cc.log"; then
    "$DISTRUST" verify --build "$WORK/basic" --module "$WORK/badinit.so" "$C/basic/cases.json" >"$WORK/v.out" 2>"$WORK/v.err"
    st=$?
    expect_status "a module whose C_GetFunctionList fails: the checks cannot run" 4
    has "each names the module as given and NSS's error" "^not ok 1 - .* # ERROR: NSS could not load the PKCS#11 module $WORK/badinit\\.so with certdata=.* \\(NSS's last error: [A-Z_]+"
    if grep -q 'anchors-module\|message above' "$WORK/v.out"; then not_ok "not the temporary copy" "$(head -2 "$WORK/v.out")"; else ok "not the temporary copy"; fi
else
    not_ok "cc builds a stub module" "$(cat "$WORK/cc.log")"
fi
# A build directory whose path holds ', " or \: NSS module specs are escaped.
for q in "o'q" 'o"q' 'o\q'; do
    cp -r "$WORK/basic" "$WORK/$q"
    "$DISTRUST" verify --build "$WORK/$q" "$C/basic/cases.json" >"$WORK/v.out" 2>"$WORK/v.err"
    st=$?
    expect_status "verify --build .../$q" 0
    has "every check of .../$q passes" '^13 passed, 0 failed$'
done
# and the reproduce.sh of such a build runs (its module parameters escaped too;
# NSS's tools loading an ASan-built module need the ASan runtime preloaded)
pre=
case "$DISTRUST" in */asan/*) pre="LD_PRELOAD=$(cc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0" ;; esac
"$DISTRUST" verify --build "$WORK/o\"q" --keep-work "$WORK/kwq" "$C/basic/cases.json" >/dev/null 2>&1
if env $pre sh "$WORK/kwq/case-1/reproduce.sh" baseline pkix >"$WORK/r.out" 2>&1 && grep -q 'Chain is good' "$WORK/r.out"; then
    ok "reproduce.sh of a build under .../o\"q: the baseline validates"; else
    not_ok "reproduce.sh of a build under .../o\"q" "$(cat "$WORK/r.out")"; fi
if env $pre sh "$WORK/kwq/case-1/reproduce.sh" with pkix >"$WORK/r.out" 2>&1; then
    not_ok "and with the build's distrust the leaf is rejected" "$(cat "$WORK/r.out")"; else
    grep -q 'Chain is bad' "$WORK/r.out" && ok "and with the build's distrust the leaf is rejected" || not_ok "and with the build's distrust the leaf is rejected" "$(cat "$WORK/r.out")"
fi
done_testing
