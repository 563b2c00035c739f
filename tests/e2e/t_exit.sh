# One exit-code table for every command (the man page's EXIT STATUS):
# 0 success; 1 input or output (an input missing or malformed, an output
# that cannot be written, a module that cannot be found or loaded); 2 usage;
# 3 a check that failed (verify, --strict warnings, a bad or missing
# signature); 4 internal (here: a digest the OpenSSL providers cannot give).
# One case or more per class, each beside a run that succeeds.
. "$TOP/tests/e2e/lib.sh"
D=$DISTRUST
C="$TOP/testdata/chains"
K="$TOP/testdata/keys"
POL="$C/basic/policy.json"

# 0: success.
run "$D" build -q -o "$WORK/a" --date 2026-11-01 --sign-key "$K/signer-p384.pem" --cases "$C/basic/cases.json" "$POL"
expect_status "0: build" 0
run "$D" verify-signature -b "$WORK/a" --verify-key "$K/signer-p384.pub.pem"
expect_status "0: verify-signature with the signer's key" 0
run "$D" lint --strict "$POL"
expect_status "0: lint --strict of a clean policy" 0
run "$D" diff "$WORK/a" "$WORK/a"
expect_status "0: diff" 0

# 1: an input missing, unreadable or malformed.
run "$D" build -o "$WORK/x" "$WORK/no-such-policy.json"
expect_status "1: a policy that is not there" 1
printf '{"version": 1, "entries": [}\n' >"$WORK/bad.json"
run "$D" lint "$WORK/bad.json"
expect_status "1: a policy that does not parse" 1
has "... at its place" "$WORK/err" "bad.json:1:[0-9]+: error"
run "$D" verify-signature -b "$WORK/no-such-build" --verify-key "$K/signer-p384.pub.pem"
expect_status "1: verify-signature of a build that is not there" 1

# 1: an output that cannot be written (was 4 in 0.4.0).
run "$D" diff "$WORK/a" "$WORK/a" -o "$WORK/no-such-dir/notes.md"
expect_status "1: diff -o into a directory that is not there" 1
has "... names the file" "$WORK/err" "no-such-dir/notes.md: error: cannot write the notes"
run "$D" build -o /etc/passwd/out "$POL"
expect_status "1: build -o under a regular file" 1
run "$D" verify-signature -b "$WORK/a" --message "$WORK/no-such-dir/msg"
expect_status "1: verify-signature --message into a directory that is not there" 1
if [ -w /dev/full ]; then
    run sh -c '"$1" diff "$2" "$2" >/dev/full' sh "$D" "$WORK/a"
    expect_status "1: diff to a full stdout" 1
    has "... says so" "$WORK/err" "cannot write"
    run sh -c '"$1" lint "$2" >/dev/full' sh "$D" "$POL"
    expect_status "1: lint's summary to a full stdout" 1
    has "... says so" "$WORK/err" "lint: cannot write standard output"
    run sh -c '"$1" query "$2" --info >/dev/full' sh "$D" "$WORK/a/revocations.blob"
    expect_status "query --info to a full stdout: query's error code" 2
fi

# 1: a module that cannot be found, or loaded (was 4: every check "could not run").
run "$D" verify -b "$WORK/a" --module "$WORK/no-such.so" "$C/basic/cases.json"
expect_status "1: verify --module that is not there" 1
run "$D" verify -b "$WORK/a" --module /etc/passwd "$C/basic/cases.json"
expect_status "1: verify --module that is no library" 1
has "... one error that names it" "$WORK/err" "^/etc/passwd: error: cannot load the PKCS#11 module: /etc/passwd: invalid ELF header"
count "... and no check runs" "$WORK/out" "^(not )?ok " 0
Z=$(for l in /lib/x86_64-linux-gnu/libz.so.1 /usr/lib/x86_64-linux-gnu/libz.so.1 /lib64/libz.so.1 /usr/lib64/libz.so.1; do [ -f "$l" ] && echo "$l" && break; done)
if [ -n "$Z" ]; then
    run "$D" verify -b "$WORK/a" --module "$Z" "$C/basic/cases.json"
    expect_status "1: verify --module that is a library but no PKCS#11 module" 1
    has "... says so" "$WORK/err" "not a PKCS#11 module"
fi
run env DISTRUST_PKCS11=/etc/passwd "$D" verify -b "$WORK/a" "$C/basic/cases.json"
expect_status "1: DISTRUST_PKCS11 that cannot be loaded" 1
run "$D" verify -b "$WORK/a" --deployments overlay,p11-kit --p11-kit-trust /etc/passwd "$C/basic/cases.json"
expect_status "1: --p11-kit-trust that cannot be loaded" 1
run "$D" verify -b "$WORK/a" "$C/basic/cases.json"
expect_status "0: the same verify with the built module" 0

# 2: usage.
run "$D" build --no-such-option "$POL"
expect_status "2: an unknown option" 2
run "$D" build "$POL"
expect_status "2: build without -o" 2
run "$D" verify-signature -b "$WORK/a"
expect_status "2: verify-signature without a key" 2
run "$D" frobnicate
expect_status "2: an unknown command" 2
run "$D" impact -b "$WORK/a" --corpus "$PKI/leaf-a1.pem" --purpose server-authentication
expect_status "2: a purpose that is not one" 2

# 3: the tool ran and a check failed.
run "$D" verify-signature -b "$WORK/a" --verify-key "$K/other-p384.pub.pem"
expect_status "3: verify-signature with another key (was 1)" 3
has "... the result line says it" "$WORK/out" "^not ok onecrl.json"
run "$D" build -q -o "$WORK/unsigned" --date 2026-11-01 "$POL"
run "$D" verify-signature -b "$WORK/unsigned" --verify-key "$K/signer-p384.pub.pem"
expect_status "3: verify-signature of a build without a signature (was 1)" 3
run "$D" query "$WORK/unsigned/revocations.blob" --info --verify-key "$K/signer-p384.pub.pem"
expect_status "3: query --verify-key of an unsigned blob (was 2)" 3
run "$D" query "$WORK/a/revocations.blob" --info --verify-key "$K/other-p384.pub.pem"
expect_status "3: query --verify-key with another key (was 2)" 3
run "$D" query "$WORK/a/revocations.blob" --info --verify-key "$K/signer-p384.pub.pem"
expect_status "0: ... and with the signer's key" 0
# lint --strict: a warning (a distrust of a root without a pool: an open path cannot be ruled out).
cat >"$WORK/warn.json" <<EOF
{"version": 1, "entries": [{"certificate": "$PKI/int-a1.pem", "label": "I1", "cross_signs": true}]}
EOF
run "$D" lint "$WORK/warn.json"
lst=$st
run "$D" lint --strict "$WORK/warn.json"
if [ "$lst" -eq 0 ] && grep -q ': warning: ' "$WORK/err" && [ "$st" -eq 3 ]; then
    ok "3: lint --strict with a warning (0 without --strict; was 1)"
else
    not_ok "3: lint --strict (exit $lst, then $st)" "$(cat "$WORK/err")"
fi
# A case whose expectation is flipped, beside the certificates it names
# (../../pki/ relative to the case file).
mkdir -p "$WORK/t/chains/basic"
ln -s "$TOP/testdata/pki" "$WORK/t/pki"
cp "$C/roots-certdata.txt" "$WORK/t/chains/" 2>/dev/null
sed '0,/"expect": "distrusted"/s//"expect": "trusted"/' "$C/basic/cases.json" >"$WORK/t/chains/basic/cases.json"
run "$D" verify -b "$WORK/a" "$WORK/t/chains/basic/cases.json"
expect_status "3: verify with a case whose expectation does not hold" 3
count "... one check fails" "$WORK/out" "^not ok " 1

# 4: internal: a digest the OpenSSL providers cannot give (only the base provider).
printf 'openssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n[provider_sect]\nbase = base_sect\n[base_sect]\nactivate = 1\n' >"$WORK/base.cnf"
run env OPENSSL_CONF="$WORK/base.cnf" "$D" build -o "$WORK/b4" "$POL"
expect_status "4: build when OpenSSL cannot give SHA-256" 4
run "$D" build -o "$WORK/b4" "$POL"
expect_status "0: ... and without that configuration" 0

done_testing
