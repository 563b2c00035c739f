# Purposes are exact: a distrust limited to some purposes never changes
# another purpose's verdict. Test Root A is a trust anchor of the fixture
# root store for every purpose; the policy distrusts it for TLS server
# authentication only. NSS takes each purpose from the highest-ranked token
# that sets it and discards a hash-free object holding anything but
# NOT_TRUSTED (NSS 3.87 also loses all trust when a hash-free and a hashed
# object meet, bug 1984165), so the object must carry the store's other
# purposes and the hashes. Proved for the overlay module, p11-kit and the
# merged root store, each beside the build that cannot know the store (the
# negative: the e-mail control fails there).
. "$TOP/tests/e2e/lib.sh"
STORE="$TOP/testdata/chains/roots-certdata.txt"
TRUSTMOD=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so

cat >"$WORK/p.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/root-a.pem", "purposes": ["server-auth"],
  "label": "Test Root A for TLS", "targets": ["nss", "p11-kit"]}]}
JSON
cat >"$WORK/cases.json" <<JSON
{"cases": [
  {"name": "TLS through Root A: distrusted", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"],
   "anchors": "$STORE", "usage": "server", "time": "2025-06-01T00:00:00Z", "expect": "distrusted"},
  {"name": "control: e-mail through Root A stays trusted", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"],
   "anchors": "$STORE", "usage": "email-signer", "time": "2025-06-01T00:00:00Z", "expect": "trusted"},
  {"name": "control: e-mail recipient through Root A stays trusted", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"],
   "anchors": "$STORE", "usage": "email-recipient", "time": "2025-06-01T00:00:00Z", "expect": "trusted"}]}
JSON

# The build that knows the store (--roots).
run "$DISTRUST" build -o "$WORK/b" --roots "$STORE" "$WORK/p.json"
expect_status "build with the root store" 0
hasnt "no warning about the store" "$WORK/err" "knows no root store"
awk '/^# Distrust/{f=1} f' "$WORK/b/certdata-distrust.txt" | grep -v '^#' | sed '/^$/d' >"$WORK/ours.obj"
has "the object keeps the store's e-mail trust" "$WORK/ours.obj" '^CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_TRUSTED_DELEGATOR$'
has "and its code-signing trust" "$WORK/ours.obj" '^CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_TRUSTED_DELEGATOR$'
has "and distrusts TLS" "$WORK/ours.obj" '^CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED$'
has "and carries the hashes" "$WORK/ours.obj" '^CKA_CERT_SHA1_HASH MULTILINE_OCTAL$'
has "the comments name the store's object" "$WORK/b/certdata-distrust.txt" \
    "^# Other purposes: as $STORE line [0-9]+ has them"
if command -v nss-addbuiltin >/dev/null 2>&1; then
    nss-addbuiltin -t "p,C,C" -c -n "Test Root A for TLS" -i "$PKI/root-a.der" | grep -v '^#' | sed '/^$/d' >"$WORK/ref.obj"
    same "the object is what nss-addbuiltin -t p,C,C -c writes" "$WORK/ref.obj" "$WORK/ours.obj"
else
    not_ok "nss-addbuiltin is installed (Debian libnss3-tools)"
fi
run "$DISTRUST" build -o "$WORK/b2" --certdata "$STORE" "$WORK/p.json"
expect_status "the --certdata store serves as well" 0
grep -v '^#' "$WORK/b/certdata-distrust.txt" >"$WORK/b.objs"
grep -v '^#' "$WORK/b2/certdata-distrust.txt" >"$WORK/b2.objs"
same "the same object from --certdata" "$WORK/b.objs" "$WORK/b2.objs"

# A PEM root store: its certificates are anchors for every purpose.
run "$DISTRUST" build -o "$WORK/b3" --roots "$PKI/root-a.pem" "$WORK/p.json"
expect_status "a PEM file as the root store" 0
grep -v '^#' "$WORK/b3/certdata-distrust.txt" >"$WORK/b3.objs"
same "the same object as with the certdata.txt store" "$WORK/b.objs" "$WORK/b3.objs"
has "the comment says why" "$WORK/b3/certdata-distrust.txt" \
    "^# Other purposes: as $PKI/root-a.pem has them, a trust anchor for every purpose"

# The build that cannot know: a warning (an error with --strict), and the
# object leaves the other purposes out.
run "$DISTRUST" build -o "$WORK/n" "$WORK/p.json"
expect_status "without a store the build warns" 0
has "and says what to do" "$WORK/err" \
    'warning: /entries/0/purposes: a distrust limited to some purposes: the build knows no root store.*Give the store \(--certdata UPSTREAM.txt or --roots STORE\)'
run "$DISTRUST" build --strict -o "$WORK/n2" "$WORK/p.json"
expect_status "--strict refuses it" 3
hasnt "the object without the store has no e-mail value" "$WORK/n/certdata-distrust.txt" 'CKA_TRUST_EMAIL_PROTECTION'

# 1. The overlay module (NSS, pkix and classic).
run "$DISTRUST" verify --build "$WORK/b" --engine nss "$WORK/cases.json"
expect_status "overlay: TLS distrusted, e-mail untouched" 0
has "six checks" "$WORK/out" "^6 passed, 0 failed$"
run "$DISTRUST" verify --build "$WORK/n" --engine nss "$WORK/cases.json"
expect_status "overlay without the store's values: the e-mail control fails (the check checks)" 3
has "the e-mail control is what failed" "$WORK/out" "^not ok 3 - control: e-mail through Root A stays trusted \[overlay/pkix\]"
has "and verify says what to do" "$WORK/out" "Build with the root store \(--roots STORE or --certdata UPSTREAM.txt\)"

# ... and distrust verify's p11-kit deployment (p11-kit-trust.so serving
# distrust.p11-kit before the anchors), beside the store-less negative.
run "$DISTRUST" verify --build "$WORK/b" --deployments overlay,p11-kit --engine nss "$WORK/cases.json"
expect_status "overlay and p11-kit deployments: TLS distrusted, e-mail untouched" 0
count "every control holds under p11-kit" "$WORK/out" "^ok [0-9]+ - control: .* \[p11-kit/(pkix|classic)\]$" 4
run "$DISTRUST" verify --build "$WORK/n" --deployments p11-kit "$WORK/cases.json"
expect_status "p11-kit without the store's values: the e-mail control fails" 3
has "the e-mail control is what failed" "$WORK/out" "^not ok 2 - control: e-mail through Root A stays trusted$"

# 2. The merged root store: the upstream object edited, not replaced.
run "$DISTRUST" build -o "$WORK/m" --certdata "$STORE" "$WORK/p.json"
expect_status "merge into the fixture root store" 0
run "$DISTRUST" verify --build "$WORK/m" --engine nss "$WORK/cases.json"
expect_status "overlay and merged root store agree: TLS distrusted, e-mail untouched" 0
count "the merged store is checked too (root-store deployment)" "$WORK/out" "^ok [0-9]+ - .* \[root-store/(pkix|classic)\]$" 6
# Root A's trust object (serial 01: CKA_SERIAL_NUMBER \002\001\001), one line.
certdata_objects "$WORK/m/certdata.txt" | grep 'CKO_NSS_TRUST' | grep -F '|CKA_SERIAL_NUMBER MULTILINE_OCTAL|\002\001\001|' |
    tr '|' '\n' >"$WORK/merged.obj"
count "one trust object for Root A in the merged file" "$WORK/merged.obj" '^CKA_CLASS ' 1
has "the merged object distrusts TLS" "$WORK/merged.obj" '^CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED$'
has "keeps e-mail" "$WORK/merged.obj" '^CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_TRUSTED_DELEGATOR$'
has "keeps the hashes" "$WORK/merged.obj" '^CKA_CERT_SHA1_HASH MULTILINE_OCTAL$'
run "$DISTRUST" build -o "$WORK/m2" --certdata "$WORK/m/certdata.txt" "$WORK/p.json"
expect_status "merge the merged file again" 0
same "merging again changes nothing" "$WORK/m/certdata.txt" "$WORK/m2/certdata.txt"

# 3. p11-kit: Debian's p11-kit-trust.so over the anchors and the file.
K="$WORK/b/distrust.p11-kit"
has "the nss-trust object keeps e-mail" "$K" '^trust-email-protection: nss-trusted-delegator$'
has "and carries the SHA-1" "$K" '^cert-sha1-hash: "%'
if [ -f "$TRUSTMOD" ] && command -v vfychain >/dev/null 2>&1; then
    mkdir -p "$WORK/src/anchors" "$WORK/dist" "$WORK/distn"
    cp "$PKI/root-a.pem" "$WORK/src/anchors/"
    cp "$K" "$WORK/dist/"
    cp "$WORK/n/distrust.p11-kit" "$WORK/distn/"
    nssdb() {
        mkdir -p "$1"
        certutil -N --empty-password -d "sql:$1" >/dev/null 2>&1
        modutil -force -dbdir "sql:$1" -add p11-kit-trust -libfile "$TRUSTMOD" -string "paths=$2" >/dev/null 2>&1
    }
    nssdb "$WORK/db-base" "$WORK/src"
    nssdb "$WORK/db-with" "$WORK/dist:$WORK/src"
    nssdb "$WORK/db-nostore" "$WORK/distn:$WORK/src"
    vfy() { vfychain -d "sql:$1" -pp -u "$2" -b 250601000000Z -a "$PKI/leaf-a1.pem" -a "$PKI/int-a1.pem" >"$WORK/vfy.out" 2>&1; }
    for u in 1 4 5; do
        if vfy "$WORK/db-base" $u; then ok "p11-kit baseline usage $u validates"; else not_ok "p11-kit baseline usage $u validates" "$(cat "$WORK/vfy.out")"; fi
    done
    if vfy "$WORK/db-with" 1; then not_ok "p11-kit: TLS distrusted" "$(cat "$WORK/vfy.out")"; else ok "p11-kit: TLS distrusted"; fi
    for u in 4 5; do
        if vfy "$WORK/db-with" $u; then ok "p11-kit: e-mail (usage $u) stays trusted"; else not_ok "p11-kit: e-mail (usage $u) stays trusted" "$(cat "$WORK/vfy.out")"; fi
    done
    if vfy "$WORK/db-nostore" 4; then not_ok "p11-kit without the store's values: the e-mail control fails (the check checks)"; else
        ok "p11-kit without the store's values: the e-mail control fails (the check checks)"; fi
else
    not_ok "p11-kit-trust.so and vfychain are installed"
fi

# A leaf distrusted for some purposes needs no store: no warning.
cat >"$WORK/leaf.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/leaf-ascii.pem", "purposes": ["email-protection"], "targets": ["nss"]}]}
JSON
run "$DISTRUST" build --strict --sequence 1 --date 2026-01-01 -o "$WORK/leaf" "$WORK/leaf.json"
expect_status "a purpose-limited leaf builds under --strict without a store" 0

done_testing
