# `distrust build --certdata UPSTREAM.txt`: OUT/certdata.txt is upstream with
# the policy merged in. Checked on the fixture root store (every object but
# the three the policy changes is untouched; a server-auth distrust of a root
# changes one line of its trust object, and the root stays trusted for
# e-mail; the result verifies under NSS as the overlay does, through distrust
# verify and through vfychain directly) and on NSS's real files (2017
# distrusts into the current file, the current file's own dates, the shipped
# policies into Debian 12's file). A merge never relaxes upstream's distrust
# (a later distrust-after date, a purpose upstream distrusts) unless the
# entry says relax_upstream. Merging the result again never changes a byte.
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

POLICIES="$C/basic/policy.json $C/merge/partial.json"
run "$DISTRUST" build -o "$WORK/m" --certdata "$UP" $POLICIES
expect_status "build --certdata the fixture root store" 0
M="$WORK/m/certdata.txt"
[ -f "$M" ] && ok "OUT/certdata.txt is written" || not_ok "OUT/certdata.txt is written"
has "the summary counts what changed" "$WORK/err" "certdata.txt: 3 distrusts added, 1 replaced, 1 edited in place, 0 already there \\(0 relaxing upstream's distrust\\); distrust-after dates: 1 set, 0 already set, 0 tightened, 0 relaxed"
has "a note names the upstream trust object the policy replaces" "$WORK/err" 'roots-certdata.txt:[0-9]+: note: the policy changes this trust object \(policy.json /entries/2\): replaced'
has "a note names the trust object the policy edits, and the purpose" "$WORK/err" 'roots-certdata.txt:[0-9]+: note: the policy \(partial.json /entries/0\) distrusts this certificate for server-auth: those trust attributes set to CKT_NSS_NOT_TRUSTED'
has "the manifest lists certdata.txt" "$WORK/m/manifest.json" '"certdata.txt": \{'
has "and the upstream file with its SHA-256" "$WORK/m/manifest.json" "\"sha256\": \"$(sha256sum "$UP" | cut -c1-64)\""
merge_counts() { # OUT: counts.certdata_merge of OUT/manifest.json, "key=value" a line
    sed -n '/"certdata_merge": {/,/}/s/^ *"\([a-z_]*\)": \([0-9]*\),*$/\1=\2/p' "$1/manifest.json"
}
merge_counts "$WORK/m" >"$WORK/m.counts"
printf '%s\n' added=3 certificate_objects_added=0 distrust_after_relaxed=0 distrust_after_set=1 \
    distrust_after_tightened=0 distrust_after_unchanged=0 edited=1 relaxed=0 replaced=1 unchanged=0 >"$WORK/m.counts.want"
same "and the merge counts, the same as the summary's" "$WORK/m.counts.want" "$WORK/m.counts"
# Nothing else touched: of upstream's objects only the Kök root's trust
# object (replaced), Root C's certificate object (its date) and Root D's
# trust object (its server-auth line) are gone.
certdata_objects "$UP" >"$WORK/up.objs"
certdata_objects "$M" >"$WORK/m.objs"
LC_ALL=C comm -23 "$WORK/up.objs" "$WORK/m.objs" >"$WORK/gone"
count "exactly three upstream objects changed" "$WORK/gone" '' 3
has "one is the Kök root's trust object" "$WORK/gone" 'CKO_NSS_TRUST\|.*CKA_LABEL UTF8 "Test Kök'
has "one Root C's certificate object" "$WORK/gone" 'CKO_CERTIFICATE\|.*CKA_LABEL UTF8 "Test Root C'
has "one Root D's trust object" "$WORK/gone" 'CKO_NSS_TRUST\|.*CKA_LABEL UTF8 "Test Root D'
LC_ALL=C comm -13 "$WORK/up.objs" "$WORK/m.objs" >"$WORK/new"
count "and six objects are new (3 distrusts, 1 replacement, Root C with its date, Root D edited)" "$WORK/new" '' 6
has "Root C carries the date" "$M" '^# For Server Distrust After: Sat Nov 30 23:59:59 2024$'
head -n 330 "$UP" >"$WORK/up.head"
head -n 330 "$M" >"$WORK/m.head"
same "upstream's text before the first edit is byte for byte the same" "$WORK/up.head" "$WORK/m.head"
# The purpose-limited distrust of Root D: its trust block (comments,
# label, hashes, the other purposes, step-up) is upstream's with one line
# changed.
trust_block() { # FILE LABEL: the comment block and trust object of LABEL
    awk -v h="# Trust for \"$2\"" '$0 == h { s = 1 } s && /^$/ { exit } s' "$1"
}
trust_block "$UP" "Test Root D (server-auth distrust)" |
    sed 's/^CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_TRUSTED_DELEGATOR$/CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED/' >"$WORK/d.want"
trust_block "$M" "Test Root D (server-auth distrust)" >"$WORK/d.got"
count "Root D's trust block is there" "$WORK/d.got" '^CKA_CERT_SHA1_HASH MULTILINE_OCTAL$' 1
same "Root D's trust block: upstream's, with CKA_TRUST_SERVER_AUTH set to CKT_NSS_NOT_TRUSTED" "$WORK/d.want" "$WORK/d.got"
has "its e-mail trust stays" "$WORK/d.got" '^CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_TRUSTED_DELEGATOR$'
has "its code-signing trust stays" "$WORK/d.got" '^CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_TRUSTED_DELEGATOR$'
# Idempotent.
run "$DISTRUST" build -o "$WORK/m2" --certdata "$M" $POLICIES
expect_status "merge the result again" 0
same "merging again changes nothing" "$M" "$WORK/m2/certdata.txt"
has "and says so" "$WORK/err" "certdata.txt: 0 distrusts added, 0 replaced, 0 edited in place, 5 already there \\(0 relaxing upstream's distrust\\); distrust-after dates: 0 set, 1 already set, 0 tightened, 0 relaxed"
# An upstream trust object without the purpose's attribute: it is added
# where nss-addbuiltin writes it, before CKA_TRUST_EMAIL_PROTECTION.
awk '/^# Trust for "Test Root D/ { s = 1 } s && /^CKA_TRUST_SERVER_AUTH / { next } 1' "$UP" >"$WORK/up-nosa.txt"
run "$DISTRUST" build -o "$WORK/nosa" --certdata "$WORK/up-nosa.txt" $POLICIES
expect_status "merge into an upstream whose Root D trust object lacks CKA_TRUST_SERVER_AUTH" 0
trust_block "$WORK/nosa/certdata.txt" "Test Root D (server-auth distrust)" >"$WORK/d.got"
same "the attribute is added in its place, the rest unchanged" "$WORK/d.want" "$WORK/d.got"
run "$DISTRUST" build -q -o "$WORK/nosa2" --certdata "$WORK/nosa/certdata.txt" $POLICIES
same "merging again changes nothing" "$WORK/nosa/certdata.txt" "$WORK/nosa2/certdata.txt"

# distrust verify checks every case under two deployments: the overlay
# (certdata-distrust.txt over the upstream store) and root-store (the merged
# file alone as the built-in roots, the default when OUT has one).
run "$DISTRUST" verify --build "$WORK/m" "$C/merge/cases.json"
expect_status "distrust verify passes with the merged certdata.txt" 0
count "every case is checked against the merged file alone" "$WORK/out" '^ok [0-9]+ - .* \[root-store/pkix\]$' 11
count "and all but the root-store-only case under the overlay" "$WORK/out" '^ok [0-9]+ - .* \[overlay/pkix\]$' 10
has "21 passed" "$WORK/out" '^21 passed, 0 failed$'
for dep in overlay root-store; do
    has "Root D's e-mail control holds ($dep)" "$WORK/out" "^ok [0-9]+ - server-auth distrust of a root upstream trusts: e-mail still trusted \\[$dep/pkix\\]$"
    has "Root D's TLS server chain is distrusted ($dep)" "$WORK/out" "^ok [0-9]+ - server-auth distrust of a root upstream trusts: TLS server distrusted \\[$dep/pkix\\]$"
done
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
vfy() { # STORE LEAF INTERMEDIATE [USAGE]: vfychain -pp exit status (usage 1, TLS server)
    db=$(mktemp -d "$WORK/db.XXXXXX")
    certutil -N --empty-password -d "sql:$db" >/dev/null 2>&1
    cp "$MODULE" "$db/m.so"
    modutil -force -dbdir "sql:$db" -add store -libfile "$db/m.so" -string "certdata=\"$1\" mode=root-store" >/dev/null 2>&1
    vfychain -d "sql:$db" -pp -u "${4:-1}" -b 250601000000Z -a "$2" -a "$3" >"$WORK/vfy.out" 2>&1
}
P="$TOP/testdata/pki"
if vfy "$UP" "$P/leaf-a2.pem" "$P/int-a2.pem"; then ok "vfychain: upstream accepts the Intermediate 2 chain (baseline)"; else not_ok "vfychain: upstream accepts the Intermediate 2 chain" "$(cat "$WORK/vfy.out")"; fi
if vfy "$M" "$P/leaf-a2.pem" "$P/int-a2.pem"; then not_ok "vfychain: the merged file rejects it" "$(cat "$WORK/vfy.out")"; else
    has "vfychain: the merged file rejects it as distrusted" "$WORK/vfy.out" 'SEC_ERROR_UNTRUSTED_(CERT|ISSUER)|-817[12]'
fi
if vfy "$M" "$P/leaf-a1.pem" "$P/int-a1.pem"; then ok "vfychain: the merged file accepts the control chain"; else not_ok "vfychain: the merged file accepts the control chain" "$(cat "$WORK/vfy.out")"; fi
# Root D, distrusted for TLS server only: the e-mail control, with vfychain
# on the merged file (an oracle beside merge/cases.json, where distrust
# verify checks the same control under upstream + the overlay and the
# merged file).
for u in "1 TLS server" "4 e-mail signer"; do
    if vfy "$UP" "$P/leaf-d.pem" "$P/int-d.pem" "${u%% *}"; then ok "vfychain: upstream accepts the Root D chain as ${u#* } (baseline)"; else not_ok "vfychain: upstream accepts the Root D chain as ${u#* }" "$(cat "$WORK/vfy.out")"; fi
done
if vfy "$M" "$P/leaf-d.pem" "$P/int-d.pem" 1; then not_ok "vfychain: the merged file rejects the Root D chain for TLS server" "$(cat "$WORK/vfy.out")"; else
    has "vfychain: the merged file rejects the Root D chain for TLS server as distrusted" "$WORK/vfy.out" 'SEC_ERROR_UNTRUSTED_(CERT|ISSUER)|-817[12]'
fi
if vfy "$M" "$P/leaf-d.pem" "$P/int-d.pem" 4; then ok "vfychain: the merged file still accepts it as an e-mail signer"; else not_ok "vfychain: the merged file still accepts it as an e-mail signer" "$(cat "$WORK/vfy.out")"; fi
if vfy "$WORK/nosa/certdata.txt" "$P/leaf-d.pem" "$P/int-d.pem" 4; then ok "vfychain: so does the file the attribute was added to"; else not_ok "vfychain: so does the file the attribute was added to" "$(cat "$WORK/vfy.out")"; fi
if vfy "$WORK/nosa/certdata.txt" "$P/leaf-d.pem" "$P/int-d.pem" 1; then not_ok "vfychain: which rejects it for TLS server" "$(cat "$WORK/vfy.out")"; else ok "vfychain: which rejects it for TLS server"; fi

# Upstream distrusts Root D for every purpose; the policy's server-auth
# entry keeps every NOT_TRUSTED line: a merge never relaxes a distrust.
cat >"$WORK/d-full.json" <<JSON
{"version": 1, "entries": [{"certificate": "$P/root-d.pem", "targets": ["nss"], "label": "Distrusted Test Root D"}]}
JSON
run "$DISTRUST" build -o "$WORK/dfull" --certdata "$UP" "$WORK/d-full.json"
expect_status "an upstream that distrusts Root D for every purpose" 0
UPF="$WORK/dfull/certdata.txt"
run "$DISTRUST" build --sequence 1 --date 2026-01-01 -o "$WORK/dpart" --certdata "$UPF" "$C/merge/partial.json"
expect_status "the server-auth entry merged into it" 0
same "keeps upstream byte for byte" "$UPF" "$WORK/dpart/certdata.txt"
has "counted as already there" "$WORK/err" "0 distrusts added, 0 replaced, 0 edited in place, 1 already there"
has "with a note that upstream distrusts more" "$WORK/err" 'note: upstream also distrusts this certificate for email-protection, code-signing, which partial.json /entries/0 does not list: kept \(relax_upstream: true on the entry would drop it\)'
hasnt "and no warning" "$WORK/err" 'warning:'
count "Root D's three NOT_TRUSTED lines are there" "$WORK/dpart/certdata.txt" 'CKT_NSS_NOT_TRUSTED$' 3
if vfy "$WORK/dpart/certdata.txt" "$P/leaf-d.pem" "$P/int-d.pem" 4; then not_ok "vfychain: the Root D chain stays distrusted as an e-mail signer" "$(cat "$WORK/vfy.out")"; else
    has "vfychain: the Root D chain stays distrusted as an e-mail signer" "$WORK/vfy.out" 'SEC_ERROR_UNTRUSTED_(CERT|ISSUER)|-817[12]'
fi
# relax_upstream on the entry drops the other purposes' lines, as warnings,
# and --strict refuses it.
sed -e 's/"targets": \["nss"\],/"targets": ["nss"], "relax_upstream": true,/' -e "s|\"../../pki/|\"$P/|" "$C/merge/partial.json" >"$WORK/partial-relax.json"
run "$DISTRUST" build -o "$WORK/drelax" --certdata "$UPF" "$WORK/partial-relax.json"
expect_status "with relax_upstream" 0
count "a warning for each relaxed purpose, naming upstream's line" "$WORK/err" "partial-relax.json:[0-9]+:[0-9]+: warning: /entries/0/relax_upstream: relax_upstream: upstream's distrust of this certificate for (email-protection|code-signing) \\(.*dfull/certdata.txt:[0-9]+, CKA_TRUST_(EMAIL_PROTECTION|CODE_SIGNING) CKT_NSS_NOT_TRUSTED\\) is dropped: the entry distrusts server-auth only" 2
has "counted as relaxing" "$WORK/err" "1 edited in place, 0 already there \\(1 relaxing upstream's distrust\\)"
merge_counts "$WORK/drelax" >"$WORK/drelax.counts"
has "in the manifest too" "$WORK/drelax.counts" '^relaxed=1$'
has "as one object edited" "$WORK/drelax.counts" '^edited=1$'
diff "$UPF" "$WORK/drelax/certdata.txt" >"$WORK/drelax.diff"
count "exactly two lines go" "$WORK/drelax.diff" '^<' 2
count "and none comes" "$WORK/drelax.diff" '^>' 0
has "Root D's e-mail distrust" "$WORK/drelax.diff" '^< CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_NOT_TRUSTED$'
has "and its code-signing distrust" "$WORK/drelax.diff" '^< CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_NOT_TRUSTED$'
run "$DISTRUST" build -o "$WORK/drelax2" --certdata "$WORK/drelax/certdata.txt" "$WORK/partial-relax.json"
same "merging again changes nothing" "$WORK/drelax/certdata.txt" "$WORK/drelax2/certdata.txt"
has "and relax_upstream then has no effect" "$WORK/err" 'warning: /entries/0/relax_upstream: relax_upstream has no effect'
run "$DISTRUST" build --strict -o "$WORK/drelax3" --certdata "$UPF" "$WORK/partial-relax.json"
expect_status "--strict refuses the relaxation" 3
[ ! -e "$WORK/drelax3" ] && ok "nothing is written" || not_ok "nothing is written"
run "$DISTRUST" build -o "$WORK/drelax4" "$WORK/partial-relax.json"
expect_status "relax_upstream without --certdata" 0
has "has no effect: a warning" "$WORK/err" 'warning: /entries/0/relax_upstream: relax_upstream has no effect without --certdata'

# A root the upstream file does not hold: an error at the entry, nothing written.
run "$DISTRUST" build -o "$WORK/absent" --certdata "$NSS/certdata-2026.txt" "$C/basic/policy.json"
expect_status "a distrust-after root missing from upstream is bad input" 1
has "the error names the entry and the root" "$WORK/err" 'policy.json:[0-9]+:[0-9]+: error: /entries/4: the root "CN=Test Root C.*is not in .*certdata-2026.txt'
[ ! -e "$WORK/absent" ] && ok "nothing is written" || not_ok "nothing is written"
# Malformed upstream files are the catalogue's (testdata/bad/, command
# build-certdata): 112-upstream-certdata-truncated, 178-upstream-no-begindata.

# Real files. The 2017 distrusts into the current file: 28 added.
Y=4a0b9ef4e195-2017-11-16-28distrust
"$DISTRUST" import -q certdata "$NSS/certdata-$Y.txt" -o "$WORK/p2017.json" 2>/dev/null
run "$DISTRUST" build -o "$WORK/r1" --certdata "$NSS/certdata-2026.txt" "$WORK/p2017.json"
expect_status "2017's distrusts merged into the current file" 0
has "28 added, with 19 certificate objects" "$WORK/err" 'certdata.txt: 28 distrusts added, 0 replaced, 0 edited in place, 0 already there'
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
has "five already set, Izenpe's set on its certificate object" "$WORK/err" 'distrust-after dates: 1 set, 5 already set, 0 tightened, 0 relaxed$'
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
has "one root's date set" "$WORK/err" 'distrust-after dates: 1 set, 0 already set, 0 tightened, 0 relaxed$'
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
run "$DISTRUST" verify --build "$WORK/r3" --engine nss "$WORK/entrust-cases.json"
expect_status "the Entrust case under the merged Debian 12 root store" 0
count "checked under both engines" "$WORK/out" '^ok [0-9]+ - validg2\.entrust\.net .* \[root-store/(pkix|classic)\]$' 2
count "NSS reads the Entrust date from the merged file; the leaf predates it" "$WORK/out" \
    '^#   distrust-after: the built-in root "Entrust Root Certification Authority - G2" carries a server distrust-after date of 2024-11-30T23:59:59Z \(NSS reads it from the merged certdata\.txt\); the leaf.s notBefore 2024-06-28T21:42:14Z is not after it: still trusted ' 2

# A policy that narrows an existing upstream distrust (Bogus Skype, every
# purpose in 2017's file, server-auth only in the policy) keeps it.
sed 's/"label":"Bogus Skype",\("certificate":"[^"]*"\),"nss_object":"certificate+trust"/"label":"Bogus Skype",\1,"nss_object":"certificate+trust","purposes":["server-auth"]/' \
    "$WORK/p2017.json" >"$WORK/p2017-changed.json"
cp -r "$WORK/p2017-certs" "$WORK/p2017-changed-certs" 2>/dev/null
run "$DISTRUST" build -o "$WORK/r4" --certdata "$NSS/certdata-$Y.txt" "$WORK/p2017-changed.json"
expect_status "a policy that narrows an upstream distrust" 0
has "leaves every object as it was" "$WORK/err" "0 distrusts added, 0 replaced, 0 edited in place, 28 already there \\(0 relaxing upstream's distrust\\)"
same "the merged file is upstream byte for byte" "$NSS/certdata-$Y.txt" "$WORK/r4/certdata.txt"
has "the overlay object keeps the e-mail distrust upstream has" "$WORK/r4/certdata-distrust.txt" \
    '^# Other purposes: as .*certdata-4a0b9ef4e195-2017-11-16-28distrust.txt line [0-9]+ has them'
awk '/^# Distrust "Bogus Skype"/ { f = 1 } f && /^CKA_TRUST_STEP_UP/ { exit } f' "$WORK/r4/certdata-distrust.txt" >"$WORK/r4.skype"
has "with NOT_TRUSTED for e-mail" "$WORK/r4.skype" '^CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_NOT_TRUSTED$'
# With relax_upstream the entry's purposes are what stays distrusted.
sed 's/"purposes":\["server-auth"\]/"purposes":["server-auth"],"relax_upstream":true/' "$WORK/p2017-changed.json" >"$WORK/p2017-relax.json"
cp -r "$WORK/p2017-certs" "$WORK/p2017-relax-certs" 2>/dev/null
run "$DISTRUST" build -o "$WORK/r5" --certdata "$NSS/certdata-$Y.txt" "$WORK/p2017-relax.json"
expect_status "the same with relax_upstream" 0
has "one object edited, relaxing upstream's distrust" "$WORK/err" "0 distrusts added, 0 replaced, 1 edited in place, 27 already there \\(1 relaxing upstream's distrust\\)"
line=$(awk '/^CKA_LABEL UTF8 "Bogus Skype"$/ { n++ } n == 2 && /^CKA_TRUST_EMAIL_PROTECTION / { print NR; exit }' "$NSS/certdata-$Y.txt")
has "a warning names upstream's e-mail line and the entry" "$WORK/err" "p2017-relax.json:[0-9]+:[0-9]+: warning: /entries/10/relax_upstream: relax_upstream: upstream's distrust of this certificate for email-protection \\(.*certdata-$Y.txt:$line, CKA_TRUST_EMAIL_PROTECTION CKT_NSS_NOT_TRUSTED\\) is dropped"
has "another its code-signing line" "$WORK/err" "warning: /entries/10/relax_upstream: relax_upstream: upstream's distrust of this certificate for code-signing \\(.*certdata-$Y.txt:$((line + 1)), CKA_TRUST_CODE_SIGNING CKT_NSS_NOT_TRUSTED\\) is dropped"
diff "$NSS/certdata-$Y.txt" "$WORK/r5/certdata.txt" >"$WORK/r5.diff"
count "two lines go" "$WORK/r5.diff" '^< CKA_TRUST_(EMAIL_PROTECTION|CODE_SIGNING) CK_TRUST CKT_NSS_NOT_TRUSTED$' 2
count "nothing else changes" "$WORK/r5.diff" '^[<>]' 2
awk '/^# Distrust "Bogus Skype"/ { f = 1 } f && /^CKA_TRUST_STEP_UP/ { exit } f' "$WORK/r5/certdata-distrust.txt" >"$WORK/r5.skype"
hasnt "the overlay object drops them too (relax_upstream)" "$WORK/r5.skype" '^CKA_TRUST_(EMAIL_PROTECTION|CODE_SIGNING) '
run "$DISTRUST" build --strict -o "$WORK/r6" --certdata "$NSS/certdata-$Y.txt" "$WORK/p2017-relax.json"
expect_status "--strict refuses it" 3

# Distrust-after dates against the current file's (Entrust Root CA - G2
# carries 241130235959Z): a later date would trust again five years of
# leaves.
G2="$TOP/policy/certs/2024-entrust/root_Entrust_Root_CA_G2.pem"
g2_line=$(awk '/^CKA_LABEL UTF8 "Entrust Root Certification Authority - G2"$/ { s = 1 } s && /^CKA_NSS_SERVER_DISTRUST_AFTER / { print NR; exit }' "$NSS/certdata-2026.txt")
g2_policy() { # NAME DATE [EXTRA]: a policy giving Entrust G2 that server date
    printf '{"version": 1, "entries": [{"certificate": "%s", "server_distrust_after": "%s"%s}]}\n' "$G2" "$2" "${3:-}" >"$WORK/$1.json"
}
g2_policy g2-2030 2030-01-01T00:00:00Z
run "$DISTRUST" build -o "$WORK/g1" --certdata "$NSS/certdata-2026.txt" "$WORK/g2-2030.json"
expect_status "a later date than upstream's is refused" 1
has "the error names the entry, both dates and upstream's line" "$WORK/err" "g2-2030.json:1:[0-9]+: error: /entries/0/server_distrust_after: server_distrust_after 2030-01-01T00:00:00Z is later than the CKA_NSS_SERVER_DISTRUST_AFTER upstream gives this root \\(2024-11-30T23:59:59Z, .*certdata-2026.txt:$g2_line\\)"
has "and the way out" "$WORK/err" 'unless the entry says "relax_upstream": true'
[ ! -e "$WORK/g1" ] && ok "nothing is written" || not_ok "nothing is written"
g2_policy g2-2030-relax 2030-01-01T00:00:00Z ', "relax_upstream": true'
run "$DISTRUST" build -o "$WORK/g2" --certdata "$NSS/certdata-2026.txt" "$WORK/g2-2030-relax.json"
expect_status "with relax_upstream it is applied" 0
has "as a warning naming upstream's line" "$WORK/err" "g2-2030-relax.json:1:[0-9]+: warning: /entries/0/server_distrust_after: relax_upstream: server_distrust_after 2030-01-01T00:00:00Z replaces the earlier CKA_NSS_SERVER_DISTRUST_AFTER upstream gives this root \\(2024-11-30T23:59:59Z, .*certdata-2026.txt:$g2_line\\)"
has "counted as relaxed" "$WORK/err" 'distrust-after dates: 0 set, 0 already set, 0 tightened, 1 relaxed$'
merge_counts "$WORK/g2" >"$WORK/g2.counts"
has "in the manifest too" "$WORK/g2.counts" '^distrust_after_relaxed=1$'
after_dates "$WORK/g2/certdata.txt" >"$WORK/g2.dates"
has "Entrust G2 carries 300101000000Z" "$WORK/g2.dates" '^"Entrust Root Certification Authority - G2"\|CKA_NSS_SERVER_DISTRUST_AFTER\|\\063\\060\\060\\061\\060\\061\\060\\060\\060\\060\\060\\060\\132$'
diff "$NSS/certdata-2026.txt" "$WORK/g2/certdata.txt" >"$WORK/g2.diff"
count "only its date and comment lines change" "$WORK/g2.diff" '^[<>]' 4
run "$DISTRUST" build -o "$WORK/g2b" --certdata "$WORK/g2/certdata.txt" "$WORK/g2-2030-relax.json"
same "merging again changes nothing" "$WORK/g2/certdata.txt" "$WORK/g2b/certdata.txt"
has "counted as already set" "$WORK/err" 'distrust-after dates: 0 set, 1 already set, 0 tightened, 0 relaxed$'
run "$DISTRUST" build --strict -o "$WORK/g3" --certdata "$NSS/certdata-2026.txt" "$WORK/g2-2030-relax.json"
expect_status "--strict refuses the relaxation" 3
[ ! -e "$WORK/g3" ] && ok "nothing is written" || not_ok "nothing is written"
g2_policy g2-early 2024-06-30T23:59:59Z
run "$DISTRUST" build --strict --sequence 1 --date 2026-01-01 -o "$WORK/g4" --certdata "$NSS/certdata-2026.txt" "$WORK/g2-early.json"
expect_status "an earlier date is a tightening: applied, even under --strict" 0
has "with a note at upstream's line" "$WORK/err" "certdata-2026.txt:$g2_line: note: the policy \\(g2-early.json /entries/0\\) moves this root's CKA_NSS_SERVER_DISTRUST_AFTER earlier, from 2024-11-30T23:59:59Z to 2024-06-30T23:59:59Z"
has "counted as tightened" "$WORK/err" 'distrust-after dates: 0 set, 0 already set, 1 tightened, 0 relaxed$'
merge_counts "$WORK/g4" >"$WORK/g4.counts"
has "in the manifest too" "$WORK/g4.counts" '^distrust_after_tightened=1$'
after_dates "$WORK/g4/certdata.txt" >"$WORK/g4.dates"
has "Entrust G2 carries 240630235959Z" "$WORK/g4.dates" '^"Entrust Root Certification Authority - G2"\|CKA_NSS_SERVER_DISTRUST_AFTER\|\\062\\064\\060\\066\\063\\060\\062\\063\\065\\071\\065\\071\\132$'
has "and its comment says so" "$WORK/g4/certdata.txt" '^# For Server Distrust After: Sun Jun 30 23:59:59 2024$'
run "$DISTRUST" build -o "$WORK/g4b" --certdata "$WORK/g4/certdata.txt" "$WORK/g2-early.json"
same "merging again changes nothing" "$WORK/g4/certdata.txt" "$WORK/g4b/certdata.txt"
g2_policy g2-same 2024-11-30T23:59:59Z
run "$DISTRUST" build -o "$WORK/g5" --certdata "$NSS/certdata-2026.txt" "$WORK/g2-same.json"
expect_status "upstream's own date" 0
has "is counted as already set, not as set" "$WORK/err" 'distrust-after dates: 0 set, 1 already set, 0 tightened, 0 relaxed$'
same "and changes nothing" "$NSS/certdata-2026.txt" "$WORK/g5/certdata.txt"
done_testing
