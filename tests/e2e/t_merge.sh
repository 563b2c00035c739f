# `distrust build --certdata UPSTREAM.txt`: OUT/certdata.txt is upstream with
# the policy merged in. Checked on the fixture root store (every object but
# the two the policy changes is untouched; the result verifies under NSS as
# the overlay does, through distrust verify and through vfychain directly)
# and on NSS's real files (2017 distrusts into the current file, the current
# file's own dates, the shipped policies into Debian 12's file). Merging the
# result again never changes a byte.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
NSS="$TOP/testdata/nss"
UP="$C/roots-certdata.txt"
case "$DISTRUST" in
*/asan/*)
    LD_PRELOAD=$(cc -print-file-name=libasan.so)
    export LD_PRELOAD ASAN_OPTIONS=detect_leaks=0
    ;;
esac
MODULE=${DISTRUST_PKCS11:-$(dirname "$DISTRUST")/libdistrust-pkcs11.so}

run "$DISTRUST" build -o "$WORK/m" --certdata "$UP" "$C/basic/policy.json"
expect_status "build --certdata the fixture root store" 0
M="$WORK/m/certdata.txt"
[ -f "$M" ] && ok "OUT/certdata.txt is written" || not_ok "OUT/certdata.txt is written"
has "the summary counts what changed" "$WORK/err" 'certdata.txt: 3 distrusts added, 1 replaced, 0 already there; distrust-after dates set on 1 root'
has "a note names the upstream trust object the policy replaces" "$WORK/err" 'roots-certdata.txt:[0-9]+: note: the policy changes this trust object \(policy.json /entries/2\): replaced'
has "the manifest lists certdata.txt" "$WORK/m/manifest.json" '"certdata.txt": \{'
has "and the upstream file with its SHA-256" "$WORK/m/manifest.json" "\"sha256\": \"$(sha256sum "$UP" | cut -c1-64)\""
has "and the merge counts" "$WORK/m/manifest.json" '"replaced": 1'
# Nothing else touched: of upstream's objects only the Kök root's trust
# object (replaced) and Root C's certificate object (its date) are gone.
certdata_objects "$UP" >"$WORK/up.objs"
certdata_objects "$M" >"$WORK/m.objs"
LC_ALL=C comm -23 "$WORK/up.objs" "$WORK/m.objs" >"$WORK/gone"
count "exactly two upstream objects changed" "$WORK/gone" '' 2
has "one is the Kök root's trust object" "$WORK/gone" 'CKO_NSS_TRUST\|.*CKA_LABEL UTF8 "Test Kök'
has "the other Root C's certificate object" "$WORK/gone" 'CKO_CERTIFICATE\|.*CKA_LABEL UTF8 "Test Root C'
LC_ALL=C comm -13 "$WORK/up.objs" "$WORK/m.objs" >"$WORK/new"
count "and six objects are new (4 distrusts, 1 replacement, Root C with its date)" "$WORK/new" '' 5
has "Root C carries the date" "$M" '^# For Server Distrust After: Sat Nov 30 23:59:59 2024$'
head -n 330 "$UP" >"$WORK/up.head"
head -n 330 "$M" >"$WORK/m.head"
same "upstream's text before the first edit is byte for byte the same" "$WORK/up.head" "$WORK/m.head"
# Idempotent.
run "$DISTRUST" build -q -o "$WORK/m2" --certdata "$M" "$C/basic/policy.json"
expect_status "merge the result again" 0
same "merging again changes nothing" "$M" "$WORK/m2/certdata.txt"

# distrust verify checks every case under two deployments: the overlay
# (certdata-distrust.txt over the upstream store) and root-store (the merged
# file alone as the built-in roots, the default when OUT has one).
run "$DISTRUST" verify --build "$WORK/m" "$C/merge/cases.json"
expect_status "distrust verify passes with the merged certdata.txt" 0
count "every case is checked against the merged file alone" "$WORK/out" '^ok [0-9]+ - .* \[root-store/pkix\]$' 9
count "and all but the root-store-only case under the overlay" "$WORK/out" '^ok [0-9]+ - .* \[overlay/pkix\]$' 8
has "17 passed" "$WORK/out" '^17 passed, 0 failed$'
# Distrust-after: only the root-store deployment enforces it, with the date
# NSS reads off the merged built-in root; the overlay never does, and says so.
has "the root-store deployment distrusts the leaf issued after the date" "$WORK/out" \
    '^ok [0-9]+ - distrust-after set on the upstream root: leaf issued after the date \[root-store/pkix\]$'
has "with the date NSS reads from the merged file" "$WORK/out" \
    '^#   distrust-after: the built-in root "Test Root C \(distrust-after\)" carries a server distrust-after date of 2024-11-30T23:59:59Z \(NSS reads it from the merged certdata\.txt\); the leaf.s notBefore 2025-03-01T00:00:00Z is after it: distrusted \(the rule Firefox applies to its built-in roots; distrust verify applies it because NSS 3\.87 does not\)$'
hasnt "the case names root-store only: no overlay check of it" "$WORK/out" 'leaf issued after the date \[overlay/'
has "the overlay does not credit the date of the leaf issued before it either" "$WORK/out" \
    '^#   distrust-after: the build gives "Test Root C \(distrust-after\)" a server distrust-after date of 2024-11-30T23:59:59Z \(the leaf.s notBefore 2024-06-01T00:00:00Z is not after it\), but the overlay module does not enforce distrust-after dates'
# The check checks: under the overlay, the case that names root-store only
# is not checked (and the report says so); asked to judge it, the overlay
# leaves the chain trusted.
run "$DISTRUST" verify --build "$WORK/m" --deployments overlay "$C/merge/cases.json"
expect_status "--deployments overlay" 0
has "the root-store-only case is not checked, visibly" "$WORK/out" '^# not checked: "distrust-after set on the upstream root: leaf issued after the date" .*: its deployments \(root-store\) are not among this run.s \(overlay\)$'
sed -e 's/"deployments": \["root-store"\]/"deployments": ["overlay"]/' -e "s|\"\\.\\./\\.\\./pki/|\"$TOP/testdata/pki/|g" \
    -e "s|\"\\.\\./roots-certdata\\.txt\"|\"$C/roots-certdata.txt\"|g" "$C/merge/cases.json" >"$WORK/overlay-cases.json"
run "$DISTRUST" verify --build "$WORK/m" "$WORK/overlay-cases.json"
expect_status "the date case judged by the overlay fails" 3
has "trusted, as Firefox would leave it with an overlay module" "$WORK/out" \
    '^not ok [0-9]+ - distrust-after set on the upstream root: leaf issued after the date \[overlay/pkix\]$'
has "the explanation says what would make the date effective" "$WORK/out" '^#     to make the date effective: merge the policy into the root store'
# A root store that itself dates a root (the merged file as a case's
# anchors): Firefox distrusts the leaf issued after the date without the
# build, so that case is INVALID; the leaf issued before it stays a case.
cat >"$WORK/dated-store.json" <<JSON
{"cases": [
 {"name": "after the store's own date", "chain": ["$TOP/testdata/pki/leaf-c-after.pem", "$TOP/testdata/pki/int-c.pem"],
  "anchors": "$M", "time": "2025-06-01T00:00:00Z", "expect": "distrusted"},
 {"name": "before the store's own date", "chain": ["$TOP/testdata/pki/leaf-c-before.pem", "$TOP/testdata/pki/int-c.pem"],
  "anchors": "$M", "time": "2025-06-01T00:00:00Z", "expect": "trusted"}]}
JSON
run "$DISTRUST" verify --build "$WORK/m" "$WORK/dated-store.json"
expect_status "a chain the anchors' own date distrusts is INVALID" 3
has "and says why" "$WORK/out" '^not ok 1 - after the store.s own date \[overlay/pkix\] # INVALID: the chain is distrusted without the distrust data: the anchors. own built-in root "Test Root C \(distrust-after\)" carries a server distrust-after date of 2024-11-30T23:59:59Z and the leaf.s notBefore 2025-03-01T00:00:00Z is after it'
has "the leaf issued before the date is checked" "$WORK/out" '^ok 2 - before the store.s own date \[overlay/pkix\]$'

# The check checks: the merged file without the intermediate's distrust
# fails the root-store deployment (the overlay still passes).
awk '/^CKA_LABEL UTF8 "Distrusted Test Intermediate 2 EC"$/ { s = 1 }
     s && /CKT_NSS_NOT_TRUSTED/ { sub(/CKT_NSS_NOT_TRUSTED/, "CKT_NSS_MUST_VERIFY_TRUST") }
     /^$/ { s = 0 } 1' "$M" >"$WORK/tampered" && cp "$WORK/tampered" "$M"
run "$DISTRUST" verify --build "$WORK/m" "$C/merge/cases.json"
expect_status "a merged file that lost a distrust fails distrust verify" 3
has "the root-store check fails" "$WORK/out" '^not ok [0-9]+ - distrusted intermediate \[root-store/pkix\]$'
has "and says the merge lost the entry" "$WORK/out" \
    '^#   the merged certdata.txt does not distrust Test Intermediate 2 EC for the server usage, though the build.s entry "Distrusted Test Intermediate 2 EC" does: the merge lost it'
has "the overlay check of the same case still passes" "$WORK/out" '^ok [0-9]+ - distrusted intermediate \[overlay/pkix\]$'
cp "$WORK/m2/certdata.txt" "$M"

# vfychain, an independent verifier: the merged file loaded by our module in
# root-store mode, as the only root store.
vfy() { # STORE LEAF INTERMEDIATE: vfychain -pp exit status
    db=$(mktemp -d "$WORK/db.XXXXXX")
    certutil -N --empty-password -d "sql:$db" >/dev/null 2>&1
    cp "$MODULE" "$db/m.so"
    modutil -force -dbdir "sql:$db" -add store -libfile "$db/m.so" -string "certdata=\"$1\" mode=root-store" >/dev/null 2>&1
    vfychain -d "sql:$db" -pp -u 1 -b 250601000000Z -a "$2" -a "$3" >"$WORK/vfy.out" 2>&1
}
P="$TOP/testdata/pki"
if vfy "$UP" "$P/leaf-a2.pem" "$P/int-a2.pem"; then ok "vfychain: upstream accepts the Intermediate 2 chain (baseline)"; else not_ok "vfychain: upstream accepts the Intermediate 2 chain" "$(cat "$WORK/vfy.out")"; fi
if vfy "$M" "$P/leaf-a2.pem" "$P/int-a2.pem"; then not_ok "vfychain: the merged file rejects it" "$(cat "$WORK/vfy.out")"; else
    has "vfychain: the merged file rejects it as distrusted" "$WORK/vfy.out" 'SEC_ERROR_UNTRUSTED_(CERT|ISSUER)|-817[12]'
fi
if vfy "$M" "$P/leaf-a1.pem" "$P/int-a1.pem"; then ok "vfychain: the merged file accepts the control chain"; else not_ok "vfychain: the merged file accepts the control chain" "$(cat "$WORK/vfy.out")"; fi

# A root the upstream file does not hold: an error at the entry, nothing written.
run "$DISTRUST" build -o "$WORK/absent" --certdata "$NSS/certdata-2026.txt" "$C/basic/policy.json"
expect_status "a distrust-after root missing from upstream is bad input" 1
has "the error names the entry and the root" "$WORK/err" 'policy.json:[0-9]+:[0-9]+: error: /entries/4: the root "CN=Test Root C.*is not in .*certdata-2026.txt'
[ ! -e "$WORK/absent" ] && ok "nothing is written" || not_ok "nothing is written"
printf 'CKA_CLASS CK_OBJECT_CLASS CKO_NSS_BUILTIN_ROOT_LIST\n' >"$WORK/nobegin.txt"
run "$DISTRUST" build -o "$WORK/nb" --certdata "$WORK/nobegin.txt" "$C/basic/policy.json"
expect_status "an upstream file without BEGINDATA is bad input" 1
has "and says so" "$WORK/err" 'nobegin.txt: error: no BEGINDATA line'
printf 'BEGINDATA\nCKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\nCKA_VALUE MULTILINE_OCTAL\n\\060\n' >"$WORK/trunc.txt"
run "$DISTRUST" build -o "$WORK/tr" --certdata "$WORK/trunc.txt" "$C/basic/policy.json"
expect_status "a malformed upstream file is bad input" 1
has "reported at its line" "$WORK/err" 'trunc.txt:3:[0-9]+: error: MULTILINE_OCTAL value without its END line'

# Real files. The 2017 distrusts into the current file: 28 added.
Y=4a0b9ef4e195-2017-11-16-28distrust
"$DISTRUST" import -q certdata "$NSS/certdata-$Y.txt" -o "$WORK/p2017.json" 2>/dev/null
run "$DISTRUST" build -o "$WORK/r1" --certdata "$NSS/certdata-2026.txt" "$WORK/p2017.json"
expect_status "2017's distrusts merged into the current file" 0
has "28 added, with 19 certificate objects" "$WORK/err" 'certdata.txt: 28 distrusts added, 0 replaced, 0 already there'
has "the manifest counts 19 certificate objects added" "$WORK/r1/manifest.json" '"certificate_objects_added": 19'
distrust_objects "$NSS/certdata-$Y.txt" >"$WORK/y.objs"
distrust_objects "$WORK/r1/certdata.txt" >"$WORK/r1.objs"
same "the merged file holds 2017's 28 distrust objects byte for byte" "$WORK/y.objs" "$WORK/r1.objs"
certdata_objects "$NSS/certdata-2026.txt" >"$WORK/now.objs"
certdata_objects "$WORK/r1/certdata.txt" >"$WORK/r1.all"
LC_ALL=C comm -23 "$WORK/now.objs" "$WORK/r1.all" >"$WORK/r1.gone"
count "no object of the current file changed" "$WORK/r1.gone" '' 0
run "$DISTRUST" build -q -o "$WORK/r1b" --certdata "$WORK/r1/certdata.txt" "$WORK/p2017.json"
same "merging again changes nothing" "$WORK/r1/certdata.txt" "$WORK/r1b/certdata.txt"
run "$DISTRUST" build -q -o "$WORK/r0" --certdata "$NSS/certdata-$Y.txt" "$WORK/p2017.json"
same "2017's own distrusts merged into the 2017 file change nothing" "$NSS/certdata-$Y.txt" "$WORK/r0/certdata.txt"

# The current file's six dates survive import and re-merge; Izenpe's moves
# onto its certificate object too.
"$DISTRUST" import -q certdata "$NSS/certdata-2026.txt" -o "$WORK/now.json" 2>/dev/null
run "$DISTRUST" build -o "$WORK/r2" --certdata "$NSS/certdata-2026.txt" "$WORK/now.json"
expect_status "the current file's dates merged back into it" 0
has "five already set, Izenpe's set on its certificate object" "$WORK/err" 'distrust-after dates set on 1 root \(5 already set\)'
after_dates "$WORK/r2/certdata.txt" >"$WORK/r2.dates"
count "six roots carry their dates on the certificate object" "$WORK/r2.dates" 'SERVER_DISTRUST_AFTER' 6
has "Izenpe.com among them" "$WORK/r2.dates" '^"Izenpe.com"\|CKA_NSS_SERVER_DISTRUST_AFTER\|\\062\\066\\060\\064\\061\\065\\062\\063\\065\\071\\065\\071\\132$'
after_dates "$NSS/certdata-2026.txt" >"$WORK/now.dates"
LC_ALL=C comm -23 "$WORK/now.dates" "$WORK/r2.dates" >"$WORK/lost"
count "no date was lost" "$WORK/lost" '' 0
run "$DISTRUST" build -q -o "$WORK/r2b" --certdata "$WORK/r2/certdata.txt" "$WORK/now.json"
same "merging again changes nothing" "$WORK/r2/certdata.txt" "$WORK/r2b/certdata.txt"

# The shipped Entrust policy into Debian 12's file: the date is set on the
# root Debian ships (NSS 3.87 had no distrust-after for it yet).
run "$DISTRUST" build -o "$WORK/r3" --certdata "$NSS/certdata-NSS_3_87_1_RTM-debian12.txt" "$TOP/policy/2024-entrust.json"
expect_status "the Entrust distrust-after merged into Debian 12's certdata.txt" 0
has "one root's date set" "$WORK/err" 'distrust-after dates set on 1 root \(0 already set\)'
after_dates "$WORK/r3/certdata.txt" >"$WORK/r3.dates"
has "Entrust Root Certification Authority - G2 carries 241130235959Z" "$WORK/r3.dates" '^"Entrust Root Certification Authority - G2"\|CKA_NSS_SERVER_DISTRUST_AFTER\|\\062\\064\\061\\061\\063\\060\\062\\063\\065\\071\\065\\071\\132$'
certdata_objects "$NSS/certdata-NSS_3_87_1_RTM-debian12.txt" >"$WORK/deb.all"
certdata_objects "$WORK/r3/certdata.txt" >"$WORK/r3.all"
LC_ALL=C comm -23 "$WORK/deb.all" "$WORK/r3.all" >"$WORK/r3.gone"
count "only that root's certificate object changed" "$WORK/r3.gone" 'CKA_LABEL UTF8 "Entrust Root Certification Authority - G2"' 1
count "and nothing else" "$WORK/r3.gone" '' 1

# The real Entrust date, merged into Debian 12's file: the root-store
# deployment reads it off the built-in root and leaves validg2.entrust.net
# (issued 2024-06-28, before the date) trusted at 2024-12-15.
cat >"$WORK/entrust-cases.json" <<JSON
{"cases": [{"name": "validg2.entrust.net under Debian 12's roots with the Entrust date",
  "chain": ["$TOP/policy/chains/2024-entrust/leaf_validg2.entrust.net.chain.pem"],
  "anchors": "$NSS/certdata-NSS_3_87_1_RTM-debian12.txt", "time": "2024-12-15T00:00:00Z",
  "expect": "trusted", "deployments": ["root-store"]}]}
JSON
run "$DISTRUST" verify --build "$WORK/r3" --engine all "$WORK/entrust-cases.json"
expect_status "the Entrust case under the merged Debian 12 root store" 0
count "checked under both engines" "$WORK/out" '^ok [0-9]+ - validg2\.entrust\.net .* \[root-store/(pkix|classic)\]$' 2
count "NSS reads the Entrust date from the merged file; the leaf predates it" "$WORK/out" \
    '^#   distrust-after: the built-in root "Entrust Root Certification Authority - G2" carries a server distrust-after date of 2024-11-30T23:59:59Z \(NSS reads it from the merged certdata\.txt\); the leaf.s notBefore 2024-06-28T21:42:14Z is not after it: still trusted ' 2

# A policy that changes an existing upstream distrust replaces it.
sed 's/"label":"Bogus Skype",\("certificate":"[^"]*"\),"nss_object":"certificate+trust"/"label":"Bogus Skype",\1,"nss_object":"certificate+trust","purposes":["server-auth"]/' \
    "$WORK/p2017.json" >"$WORK/p2017-changed.json"
cp -r "$WORK/p2017-certs" "$WORK/p2017-changed-certs" 2>/dev/null
run "$DISTRUST" build -o "$WORK/r4" --certdata "$NSS/certdata-$Y.txt" "$WORK/p2017-changed.json"
expect_status "a policy that narrows an upstream distrust" 0
has "replaces that one object" "$WORK/err" '0 distrusts added, 1 replaced, 27 already there'
certdata_objects "$NSS/certdata-$Y.txt" >"$WORK/y.all"
certdata_objects "$WORK/r4/certdata.txt" >"$WORK/r4.all"
LC_ALL=C comm -23 "$WORK/y.all" "$WORK/r4.all" >"$WORK/r4.gone"
count "one upstream object changed" "$WORK/r4.gone" '' 1
has "the Bogus Skype distrust now names the server purpose only" "$WORK/r4/certdata.txt" '^# Purposes: server-auth$'
done_testing
