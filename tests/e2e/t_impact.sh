# distrust impact against hand-counted fixtures.
#
# The pool is testdata/pki + testdata/pki-cross. Its trust anchors are the
# four self-signed roots A, B, C and Kök. Test Intermediate 1's key is
# certified by Root A (int-a1), Root B (int-a1-xb) and Root C (int-a1-xc);
# Root C's key is self-signed and certified by Root A (root-c-xa). So, by
# hand, with no key twice on a path:
#   leaf-a1, leaf-a1-2, leaf-ascii (under Intermediate 1): 4 chains each
#     A>I1, B>I1xb, C>I1xc, A>Cxa>I1xc
#   leaf-a2, leaf-neg (under Intermediate 2 EC, Root A): 1 chain each
#   leaf-c-after, leaf-c-before (under Intermediate C): 2 chains each
#     C>IC, A>Cxa>IC
#   leaf-utf8 (under the Kök root): 1 chain
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
X="$TOP/testdata/pki-cross"
CORPUS="--corpus $PKI/leaf-a1.pem --corpus $PKI/leaf-a1-2.pem --corpus $PKI/leaf-ascii.pem --corpus $PKI/leaf-a2.pem
 --corpus $PKI/leaf-neg.pem --corpus $PKI/leaf-c-after.pem --corpus $PKI/leaf-c-before.pem --corpus $PKI/leaf-utf8.pem"

line() { # DESC EXACT-LINE (in $WORK/out)
    if grep -Fxq -- "$2" "$WORK/out"; then ok "$1"; else
        not_ok "$1" "no line: $2" "$(cat "$WORK/out")"
    fi
}
build() { "$DISTRUST" build -q -o "$WORK/$1" "$2" >"$WORK/build.log" 2>&1 || not_ok "build $2" "$(cat "$WORK/build.log")"; }
# impact BUILD [OPTIONS]: the table with a line per certificate
impact() { b=$1; shift; run "$DISTRUST" impact -b "$WORK/$b" -p "$PKI" -p "$X" $CORPUS --list "$@"; }

# 1. Intermediate 1 with its two cross-certificates found in the pool: every
#    chain of its three leaves is cut; nothing else is touched.
build pi "$C/pool-intermediate/policy.json"
impact pi
expect_status "pool-intermediate: impact runs" 0
line "pool-intermediate: leaf-a1 loses all 4 chains" \
    'distrusted  leaf-a1.pem#1 "leaf1.example.test": 4 of 4 chains cut; by policy.json /entries/0'
line "pool-intermediate: Root C's leaves keep both chains" \
    'unaffected  leaf-c-before.pem#1 "before.example.test": 0 of 2 chains cut'
line "pool-intermediate: per entry 3 distrusted, 0 with another path, 5 untouched" \
    '         3          0          5  policy.json /entries/0 "Distrusted Test Intermediate 1" (3 distrusts)'
line "pool-intermediate: the total row" '         3          0          5  total'
line "pool-intermediate: totals 3 / 0 / 5 / 0" \
    '8 corpus certificates: 3 distrusted on every path, 0 distrusted on some paths but valid through another, 5 unaffected, 0 with no path to a trust anchor in the pool'

# 2. The same without cross_signs: one chain of four is cut, three stay.
build pinx "$C/pool-intermediate/policy-no-cross.json"
impact pinx
line "no cross-signs: leaf-a1 keeps 3 of 4 chains" \
    'other path  leaf-a1.pem#1 "leaf1.example.test": 1 of 4 chains cut; by policy-no-cross.json /entries/0'
line "no cross-signs: totals 0 / 3 / 5 / 0" \
    '8 corpus certificates: 0 distrusted on every path, 3 distrusted on some paths but valid through another, 5 unaffected, 0 with no path to a trust anchor in the pool'

# A root store in the pool that distrusts int-a1-xb already: B>I1xb was no
# chain before the change either, so 1 of 3 is cut.
cat >"$WORK/xb.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1-xb.pem", "cross_signs": false}]}
JSON
build xb "$WORK/xb.json"
run "$DISTRUST" impact -b "$WORK/pinx" -p "$PKI" -p "$X" -p "$WORK/xb/certdata-distrust.txt" $CORPUS --list
line "a distrust already in the pool's certdata.txt is no chain before the change" \
    'other path  leaf-a1.pem#1 "leaf1.example.test": 1 of 3 chains cut; by policy-no-cross.json /entries/0'

# 3. Root C with its cross-certificate: Intermediate C's leaves lose both
#    chains; Intermediate 1's leaves lose C>I1xc and A>Cxa>I1xc, keep 2.
build pr "$C/pool-root/policy.json"
impact pr
line "pool-root: leaf-a1 loses 2 of 4" \
    'other path  leaf-a1.pem#1 "leaf1.example.test": 2 of 4 chains cut; by policy.json /entries/0'
line "pool-root: leaf-c-after loses both" \
    'distrusted  leaf-c-after.pem#1 "after.example.test": 2 of 2 chains cut; by policy.json /entries/0'
line "pool-root: per entry 2 / 3" \
    '         2          3          3  policy.json /entries/0 "Distrusted Test Root C" (2 distrusts)'
line "pool-root: totals 2 / 3 / 3 / 0" \
    '8 corpus certificates: 2 distrusted on every path, 3 distrusted on some paths but valid through another, 3 unaffected, 0 with no path to a trust anchor in the pool'

# 4. The basic fixture: a leaf by issuer/serial (leaf-a1-2), Intermediate 2
#    (leaf-a2, leaf-neg), the Kök root (leaf-utf8), an e-mail-only distrust
#    (leaf-ascii) and Root C's distrust-after 2024-11-30: leaf-c-after
#    (notBefore 2025-03-01) loses C>IC but keeps A>Cxa>IC (the date binds
#    Root C as an anchor only); leaf-c-before (2024-06-01) loses nothing.
build basic "$C/basic/policy.json"
impact basic
line "basic: issuer/serial of a leaf" \
    '         1          0          7  policy.json /entries/0 "Distrusted leaf2.example.test" (1 distrust)'
line "basic: the intermediate" \
    '         2          0          6  policy.json /entries/1 "Distrusted Test Intermediate 2 EC" (1 distrust)'
line "basic: distrust-after cuts the chain to Root C only" \
    'other path  leaf-c-after.pem#1 "after.example.test": 1 of 2 chains cut; by policy.json /entries/4'
line "basic: a certificate issued before the date is unaffected" \
    'unaffected  leaf-c-before.pem#1 "before.example.test": 0 of 2 chains cut'
line "basic: the e-mail-only distrust does not count for TLS" \
    'unaffected  leaf-ascii.pem#1 "ascii-serial.example.test": 0 of 4 chains cut'
line "basic: totals 4 / 1 / 3 / 0" \
    '8 corpus certificates: 4 distrusted on every path, 1 distrusted on some paths but valid through another, 3 unaffected, 0 with no path to a trust anchor in the pool'
impact basic --purpose email-protection
line "basic, e-mail: the e-mail-only distrust counts" \
    '         1          0          7  policy.json /entries/3 "E-mail distrust of ascii-serial.example.test" (1 distrust)'
line "basic, e-mail: distrust-after for TLS only does not" \
    'unaffected  leaf-c-after.pem#1 "after.example.test": 0 of 2 chains cut'
line "basic, e-mail: totals 5 / 0 / 3 / 0" \
    '8 corpus certificates: 5 distrusted on every path, 0 distrusted on some paths but valid through another, 3 unaffected, 0 with no path to a trust anchor in the pool'

# 5. A root store of Root A alone: B, C and Kök are no anchors any more.
impact basic --roots "$PKI/root-a.pem"
line "--roots: one anchor" \
    "impact of $WORK/basic (4 distrusts, 4 entries) on 8 corpus certificates; pool of 22 certificates with 1 trust anchor; purpose server-auth; validity not checked"
line "--roots: leaf-a1 has A>I1 and A>Cxa>I1xc (C in the middle is no anchor)" \
    'unaffected  leaf-a1.pem#1 "leaf1.example.test": 0 of 2 chains cut'
line "--roots: leaf-utf8 has no path" \
    'no path     leaf-utf8.pem#1 "sunucu.örnek.test": 0 of 0 chains cut'
line "--roots: leaf-c-after keeps its only chain A>Cxa>IC (Root C's date binds it as an anchor only)" \
    'unaffected  leaf-c-after.pem#1 "after.example.test": 0 of 1 chain cut'
# The root store as certdata.txt: only its trusted certificate is an anchor.
# Root B's trust object made "must verify" (no anchor) in a copy of the store.
awk '/^CKA_CLASS/ { b = 0 } /^CKA_LABEL UTF8 "Test Root B"/ { b = 1 }
     b && /CKT_NSS_TRUSTED_DELEGATOR/ { sub(/CKT_NSS_TRUSTED_DELEGATOR/, "CKT_NSS_MUST_VERIFY_TRUST") } { print }' \
    "$C/roots-certdata.txt" >"$WORK/roots.txt"
run "$DISTRUST" impact -b "$WORK/basic" -p "$PKI" -p "$X" $CORPUS --list --roots "$WORK/roots.txt"
expect_status "--roots with a certdata.txt" 0
line "a certdata.txt root store: its four trusted roots are the anchors" \
    "impact of $WORK/basic (4 distrusts, 4 entries) on 8 corpus certificates; pool of 22 certificates with 4 trust anchors; purpose server-auth; validity not checked"
line "... so leaf-a1 has A>I1, C>I1xc and A>Cxa>I1xc, not B>I1xb" \
    'unaffected  leaf-a1.pem#1 "leaf1.example.test": 0 of 3 chains cut'

# The corpus's CA certificates are issuers too, whatever their order: the leaf
# comes before its intermediate, and only Root A is in the pool.
run "$DISTRUST" impact -b "$WORK/basic" -p "$PKI/root-a.pem" --corpus "$PKI/leaf-a2.pem" --corpus "$PKI/int-a2.pem" --list
line "a corpus intermediate serves the corpus leaf listed before it" \
    'distrusted  leaf-a2.pem#1 "control.example.test": 1 of 1 chain cut; by policy.json /entries/1'
line "... and the pool (Root A, and the build's distrust-after Root C) is reported without the corpus" \
    "impact of $WORK/basic (4 distrusts, 4 entries) on 2 corpus certificates; pool of 2 certificates with 2 trust anchors; purpose server-auth; validity not checked"

# 6. --date: before the leaves were issued there is no chain at all.
impact basic --date 2023-06-01
line "--date: no path before the leaves existed" \
    '8 corpus certificates: 0 distrusted on every path, 0 distrusted on some paths but valid through another, 0 unaffected, 8 with no path to a trust anchor in the pool'
impact basic --date 2025-06-01T00:00:00Z
line "--date inside every validity: the same as without" \
    '8 corpus certificates: 4 distrusted on every path, 1 distrusted on some paths but valid through another, 3 unaffected, 0 with no path to a trust anchor in the pool'

# 7. JSON: the same numbers.
run "$DISTRUST" impact -b "$WORK/pr" -p "$PKI" -p "$X" $CORPUS --json
expect_status "--json" 0
tr -d ' \n' <"$WORK/out" >"$WORK/flat"
if grep -q '"totals":{"corpus":8,"distrusted":2,"other_path":3,"unaffected":3,"no_path":0}' "$WORK/flat"; then
    ok "--json totals"; else not_ok "--json totals" "$(head -c 600 "$WORK/flat")"; fi
if grep -q '"entry":"policy.json/entries/0","label":"DistrustedTestRootC","distrusts":2,"distrusted":2,"other_path":3,"unaffected":3' "$WORK/flat"; then
    ok "--json per entry"; else not_ok "--json per entry" "$(head -c 900 "$WORK/flat")"; fi
if grep -q '"certificates"' "$WORK/flat"; then not_ok "--json without --list has no per-certificate records"; else
    ok "--json without --list has no per-certificate records"; fi
run "$DISTRUST" impact -b "$WORK/pr" -p "$PKI" -p "$X" $CORPUS --json --list
tr -d ' \n' <"$WORK/out" >"$WORK/flat"
if grep -q '"file":"leaf-c-after.pem","index":1,"subject":"after.example.test","sha256":"[0-9a-f]*","class":"distrusted","chains":2,"cut":2' "$WORK/flat"; then
    ok "--json --list: a record per certificate"; else not_ok "--json --list: a record per certificate" "$(head -c 900 "$WORK/flat")"; fi

# 8. The real DigiNotar incident: the fraudulent *.google.com had three paths
#    on 2011-07-12 (the self-signed DigiNotar Root CA and its two Entrust
#    cross-certificates); the shipped policy cuts all three.
D="$TOP/policy"
build dn "$D/2011-diginotar.json"
run "$DISTRUST" impact -b "$WORK/dn" -p "$D/certs/2011-diginotar" -p "$D/chains/2011-diginotar" \
    --corpus "$D/chains/2011-diginotar/leaf_fraudulent_star.google.com_path1.chain.pem" --date 2011-07-12 --list
expect_status "DigiNotar impact" 0
if grep -Eq '^distrusted  leaf_fraudulent_star\.google\.com_path1\.chain\.pem#1 "\*\.google\.com": 3 of 3 chains cut' "$WORK/out"; then
    ok "DigiNotar: *.google.com loses all three chains"; else not_ok "DigiNotar: *.google.com loses all three chains" "$(cat "$WORK/out")"; fi
build dnx "$C/diginotar-root/policy-no-cross.json"
run "$DISTRUST" impact -b "$WORK/dnx" -p "$D/certs/2011-diginotar" -p "$D/chains/2011-diginotar" \
    --corpus "$D/chains/2011-diginotar/leaf_fraudulent_star.google.com_path1.chain.pem" --date 2011-07-12 --list
if grep -Eq '^other path  leaf_fraudulent_star\.google\.com_path1\.chain\.pem#1 "\*\.google\.com": 1 of 3 chains cut' "$WORK/out"; then
    ok "DigiNotar without cross-signs: two Entrust paths stay"; else not_ok "DigiNotar without cross-signs: two Entrust paths stay" "$(cat "$WORK/out")"; fi

# 9. Bad input: clear errors and exit codes.
run "$DISTRUST" impact -b "$WORK/nope" -p "$PKI" $CORPUS
expect_status "a missing build directory" 1
if grep -q "cannot use the build" "$WORK/err"; then ok "is explained"; else not_ok "is explained" "$(cat "$WORK/err")"; fi
run "$DISTRUST" impact -b "$WORK/basic" -p "$PKI"
expect_status "no --corpus" 2
run "$DISTRUST" impact -b "$WORK/basic" -p "$PKI" --corpus "$TOP/testdata/pki/README.md"
expect_status "a corpus file that holds no certificate" 1
run "$DISTRUST" impact -b "$WORK/basic" -p "$PKI" --corpus "$PKI/leaf-a1.pem" --purpose web
expect_status "an unknown purpose" 2
run "$DISTRUST" impact -b "$WORK/basic" -p "$PKI" --corpus "$PKI/leaf-a1.pem" --date yesterday
expect_status "a bad time" 2
run "$DISTRUST" impact -b "$WORK/pi" --corpus "$PKI/leaf-a1.pem"
expect_status "no pool and no anchor: a warning, not a failure" 0
if grep -q "holds no trust anchor" "$WORK/err"; then ok "the missing anchors are reported"; else not_ok "the missing anchors are reported" "$(cat "$WORK/err")"; fi
run "$DISTRUST" impact --strict -b "$WORK/pi" --corpus "$PKI/leaf-a1.pem"
expect_status "... and with --strict a failed check" 3
printf 'garbage\n' >"$WORK/basic/certdata-distrust.txt"
run "$DISTRUST" impact -b "$WORK/basic" -p "$PKI" --corpus "$PKI/leaf-a1.pem"
expect_status "a build whose certdata-distrust.txt does not parse" 1
if grep -q "certdata-distrust.txt:1" "$WORK/err"; then ok "is reported at file:line"; else not_ok "is reported at file:line" "$(cat "$WORK/err")"; fi

# A self-signed CA certificate in the corpus is an issuer, not a trust anchor.
build basic2 "$C/basic/policy.json"
run "$DISTRUST" impact -b "$WORK/basic2" -p "$PKI/root-a.pem" -p "$PKI/int-a1.pem" \
    --corpus "$PKI/leaf-a1.pem" --corpus "$PKI/int-a1-xb.pem" --corpus "$PKI/root-b.pem" --list
line "a corpus root is no anchor: leaf-a1 has only A>I1" \
    'unaffected  leaf-a1.pem#1 "leaf1.example.test": 0 of 1 chain cut'
line "... and the corpus root itself has no path" \
    'no path     root-b.pem#1 "Test Root B": 0 of 0 chains cut'

# Entries are told apart by file and index, even with a comma in the name.
cp "$C/pool-intermediate/policy-no-cross.json" "$WORK/inc,2024.json"
sed -i "s#\.\./\.\./pki/#$PKI/#g; s#\.\./\.\./pki-cross#$X#g" "$WORK/inc,2024.json"
cat >"$WORK/two.json" <<JSON
{"version": 1, "entries": [
  {"certificate": "$PKI/int-a1.pem", "cross_signs": false, "label": "One"},
  {"certificate": "$PKI/int-a2.pem", "label": "Two"}]}
JSON
cp "$WORK/two.json" "$WORK/x,y.json"
build comma "$WORK/x,y.json"
run "$DISTRUST" impact -b "$WORK/comma" -p "$PKI" -p "$X" $CORPUS
line "an entry of a file with a comma in its name" \
    '         0          3          5  x,y.json /entries/0 "One" (1 distrust)'
line "... is not merged with the next" \
    '         2          0          6  x,y.json /entries/1 "Two" (1 distrust)'

# A pool or corpus that holds the build directory: it is left out.
mkdir -p "$WORK/pe"
cp "$PKI/root-a.pem" "$PKI/int-a1.pem" "$PKI/leaf-a1.pem" "$WORK/pe/"
build pe/out "$C/pool-intermediate/policy-no-cross.json"
run "$DISTRUST" impact -b "$WORK/pe/out" -p "$WORK/pe" --corpus "$WORK/pe" --list
line "the build's own directory is not read as pool or corpus" \
    'distrusted  pe/leaf-a1.pem#1 "leaf1.example.test": 1 of 1 chain cut; by policy-no-cross.json /entries/0'

# A certdata.txt corpus whose certificate object does not parse: exit 1.
printf 'CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\nCKA_VALUE MULTILINE_OCTAL\n\\060\\003\nEND\n' >"$WORK/badcorpus.txt"
run "$DISTRUST" impact -b "$WORK/basic2" -p "$PKI" --corpus "$WORK/badcorpus.txt" --corpus "$PKI/leaf-a1.pem"
expect_status "a corpus certificate object that does not parse" 1
if grep -q "badcorpus.txt:1: error: certificate object" "$WORK/err"; then ok "is reported at file:line"; else
    not_ok "is reported at file:line" "$(cat "$WORK/err")"; fi
run "$DISTRUST" impact -b "$WORK/basic2" -p "$PKI" --corpus "$WORK/nothere"
expect_status "a missing corpus" 1
if grep -q "nothere: error: cannot open corpus" "$WORK/err"; then ok "is called a corpus"; else
    not_ok "is called a corpus" "$(cat "$WORK/err")"; fi

done_testing
