# The command line: one option table for every command. A short letter
# means one long name everywhere; --help and the man page list exactly the
# table's options, per command; the man page is current; the spellings of
# 0.4.0 still work with a deprecation warning and act as the new ones; the
# evaluation time is --date everywhere and SOURCE_DATE_EPOCH is read the
# same way by build and deadlines; -q keeps the results.
. "$TOP/tests/e2e/lib.sh"
D=$DISTRUST
CMDS="build lint verify impact import diff deadlines emit-tests query verify-signature reconcile"

# 1. --help of every command, as "COMMAND LONG" pairs and "LETTER LONG" pairs.
: >"$WORK/help-pairs"
: >"$WORK/letters"
for c in $CMDS; do
    if ! "$D" "$c" --help >"$WORK/help-$c" 2>&1; then not_ok "$c --help" "$(cat "$WORK/help-$c")"; fi
    grep -E '^  (-[a-zA-Z], |    )--[a-z0-9-]+' "$WORK/help-$c" |
        sed -E 's/^  (-[a-zA-Z], |    )(--[a-z0-9-]+).*/\2/' | sed "s/^/$c /" >>"$WORK/help-pairs"
    grep -oE '^  -[a-zA-Z], --[a-z0-9-]+' "$WORK/help-$c" | sed -E 's/^  -(.), /\1 /' >>"$WORK/letters"
done
LC_ALL=C sort -u "$WORK/help-pairs" -o "$WORK/help-pairs"
[ "$(wc -l <"$WORK/help-pairs")" -gt 60 ] && ok "--help of every command lists its options ($(wc -l <"$WORK/help-pairs") command/option pairs)" ||
    not_ok "--help pairs" "$(cat "$WORK/help-pairs")"

# clashes FILE: the letters of "LETTER LONG" lines that stand for two long names.
clashes() { LC_ALL=C sort -u "$1" | awk '{print $1}' | uniq -d; }
[ -z "$(clashes "$WORK/letters")" ] && ok "no short letter stands for two options ($(LC_ALL=C sort -u "$WORK/letters" | tr '\n' ' '))" ||
    not_ok "letters that clash" "$(clashes "$WORK/letters")"
# ... and the check sees a clash (0.4.0's -k was --keep-work and --verify-key).
{ cat "$WORK/letters"; echo "k --keep-work"; echo "k --verify-key"; } >"$WORK/letters-bad"
[ "$(clashes "$WORK/letters-bad")" = "k" ] && ok "the clash check finds 0.4.0's -k" || not_ok "clash check" "$(clashes "$WORK/letters-bad")"
for l in b c k q; do
    cnt=$(LC_ALL=C sort -u "$WORK/letters" | grep -c "^$l ")
    [ "$cnt" -le 1 ] || not_ok "-$l means $cnt things"
done
grep -q '^q --quiet$' "$WORK/letters" && grep -q '^b --build$' "$WORK/letters" && grep -q '^o --out$' "$WORK/letters" &&
    ok "-q is --quiet, -b is --build, -o is --out" || not_ok "letters" "$(LC_ALL=C sort -u "$WORK/letters")"

# 2. The man page is what `make man` makes from doc/distrust.1.in and the table.
"$D" --man <"$TOP/doc/distrust.1.in" >"$WORK/distrust.1"
same "doc/distrust.1 is current (make man)" "$TOP/doc/distrust.1" "$WORK/distrust.1"
grep -q '^\.TH DISTRUST 1 "" "distrust '"$("$D" --version | cut -d' ' -f2)"'"' "$WORK/distrust.1" &&
    ok "the man page carries the tool's version ($("$D" --version))" || not_ok "man page version" "$(head -n 4 "$WORK/distrust.1")"
for s in SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" "SEE ALSO"; do
    grep -q "^\.SH $s\$" "$WORK/distrust.1" || not_ok "man page section $s"
done
ok "the man page has SYNOPSIS, DESCRIPTION, OPTIONS, ENVIRONMENT, FILES, EXIT STATUS, SEE ALSO"
for v in SOURCE_DATE_EPOCH NO_COLOR OPENSSL_CONF DISTRUST_PKCS11 DISTRUST_P11KIT_TRUST; do
    grep -q "^\.B $v\$" "$WORK/distrust.1" || not_ok "ENVIRONMENT names $v"
done
ok "ENVIRONMENT names SOURCE_DATE_EPOCH, NO_COLOR, OPENSSL_CONF, DISTRUST_PKCS11, DISTRUST_P11KIT_TRUST"
for f in certdata-distrust.txt certdata.txt onecrl.json onecrl.signature.json revocations.blob distrust.p11-kit manifest.json test-distrust.sh; do
    grep -q "^\.I $(echo "$f" | sed 's/-/\\\\-/g')\$" "$WORK/distrust.1" || not_ok "FILES names $f"
done
ok "FILES names every output file of build"
# Every exit code of the table, 0 to 4, under EXIT STATUS.
sed -n '/^\.SH EXIT STATUS/,/^\.SH ENVIRONMENT/p' "$WORK/distrust.1" | grep -E '^\.B [0-4]$' | tr -d '.B \n' >"$WORK/codes"
[ "$(cat "$WORK/codes")" = "01234" ] && ok "EXIT STATUS lists codes 0 to 4" || not_ok "exit codes in the man page" "$(cat "$WORK/codes")"
# The man page names only documents that make install installs.
# (EXAMPLES aside: report.md there is a file the user writes.)
sed '/^\.SH EXAMPLES/,/^\.SH SEE ALSO/d' "$WORK/distrust.1" | grep -o '[a-z0-9-]*\\\?-\?[a-z0-9]*\.md' | tr -d '\\' | sort -u >"$WORK/docs"
missing=""
for d in $(cat "$WORK/docs"); do [ -f "$TOP/doc/$d" ] || missing="$missing $d"; done
[ -s "$WORK/docs" ] && [ -z "$missing" ] && ! grep -q 'doc/[a-z-]*\.md' "$WORK/distrust.1" &&
    grep -q '^DOCS := $(sort $(wildcard doc/\*.md))' "$TOP/Makefile" &&
    ok "the documents the man page names are installed (DOCDIR): $(tr '\n' ' ' <"$WORK/docs")" ||
    not_ok "documents named by the man page" "missing:$missing" "$(grep -n 'doc/' "$WORK/distrust.1" | head -3)"

# man_pairs PAGE: "COMMAND LONG" for every option of the OPTIONS section, by
# the commands its entry names ("every command": all of them).
man_pairs() {
    sed -n '/^\.SH OPTIONS/,/^\.PP/p' "$1" | sed 's/\\-/-/g; s/\\f[BIRP]//g' | awk -v cmds="$CMDS" '
        /^\.TP/ { want = 1; next }
        want == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^--/) { opt = $i; sub(/,$/, "", opt) } want = 2; next }
        want == 2 && /^\(/ {
            s = $0; sub(/^\(/, "", s); sub(/[;)].*/, "", s)
            if (s == "every command") { n = split(cmds, c, " "); for (i = 1; i <= n; i++) print c[i], opt }
            else { n = split(s, c, ", "); for (i = 1; i <= n; i++) print c[i], opt }
            want = 0
        }' | LC_ALL=C sort -u
}
man_pairs "$TOP/doc/distrust.1" >"$WORK/man-pairs"
same "the man page's OPTIONS list exactly the options --help lists, command by command" "$WORK/help-pairs" "$WORK/man-pairs"
# ... and the comparison sees an option missing from the page.
# (the .TP block whose tag is --explain left out)
awk '/^\.TP$/ { tp = 1; next } tp { tp = 0; skip = ($0 ~ /^\\fB\\-\\-explain\\fR$/); if (!skip) print ".TP" } /^\.(TP|PP|SH)/ { skip = 0 } !skip' "$TOP/doc/distrust.1" >"$WORK/bad.1"
man_pairs "$WORK/bad.1" >"$WORK/bad-pairs"
if ! cmp -s "$WORK/help-pairs" "$WORK/bad-pairs" && [ "$(comm -23 "$WORK/help-pairs" "$WORK/bad-pairs" | tr '\n' ' ')" = "build --explain lint --explain " ]; then
    ok "a page without --explain fails the comparison (build and lint miss it)"
else
    not_ok "the comparison sees a missing option" "$(comm -3 "$WORK/help-pairs" "$WORK/bad-pairs" | head)"
fi
# The global usage and `help COMMAND`.
"$D" --help >"$WORK/usage" && for c in $CMDS; do grep -q "^  distrust $c " "$WORK/usage" || not_ok "usage names $c"; done
grep -q '^  3  mismatch' "$WORK/usage" && ok "distrust --help lists every command and the exit codes" || not_ok "usage" "$(cat "$WORK/usage")"
"$D" help deadlines >"$WORK/h1" && cmp -s "$WORK/h1" "$WORK/help-deadlines" && ok "help deadlines = deadlines --help" ||
    not_ok "help COMMAND" "$(diff "$WORK/h1" "$WORK/help-deadlines" | head)"

# 3. Usage errors: exit 2 with a hint.
run "$D" build --pool
expect_status "an option without its value" 2
has "... names the option" "$WORK/err" "option --pool needs a value \(PATH\)"
run "$D" build -o "$WORK/x" -o "$WORK/y" "$PKI/../policies/fixture"
expect_status "a single-valued option given twice" 2
run "$D" deadlines --dat 2024-01-01 x.json
expect_status "an unknown option" 2
has "... with a suggestion" "$WORK/err" "unknown option '--dat'; did you mean '--date'\?"
run "$D" diff --explain a b
expect_status "an option of another command" 2
run "$D" emit-tests -b "$WORK/nope"
expect_status "emit-tests without -o" 2
has "... says what is missing" "$WORK/err" "missing -o DIR"

# 4. Deprecated spellings: a warning, then the new option's effect.
# depr DESC OLD_OUTPUT NEW_OUTPUT WARNING: the outputs are the same and
# stderr of the old run ($WORK/old.err) has the warning.
depr() {
    if cmp -s "$2" "$3" && grep -qF -- "warning: $4" "$WORK/old.err"; then ok "$1"; else
        not_ok "$1" "$(diff "$2" "$3" | head -5)" "$(cat "$WORK/old.err" | head -5)"
    fi
}
F="$WORK/ca"
if ! sh "$TOP/tests/e2e/mkincident.sh" "$F" >"$WORK/mk.log" 2>&1; then
    not_ok "fixture CA (openssl ca)" "$(tail -n 20 "$WORK/mk.log")"
fi
cat >"$F/aug.json" <<EOF
{"version": 1, "incident": {"id": "fixture-incident", "bug": "https://bugzilla.example/1"},
 "entries": [
  {"incident_serials": "serials.txt", "issuer_certificate": "ca.pem", "revoke_by": "2024-07-31T19:30:00Z",
   "crl": ["crl-aug.pem"], "label": "Incident CA mis-issuance", "why": "CPS violation"}
 ]}
EOF
"$D" deadlines --now 2024-09-01 --json "$F/aug.json" >"$WORK/old.out" 2>"$WORK/old.err"
"$D" deadlines --date 2024-09-01 --json "$F/aug.json" >"$WORK/new.out" 2>/dev/null
depr "deadlines --now is --date" "$WORK/old.out" "$WORK/new.out" "--now is deprecated, use --date"

# 5. One evaluation time: deadlines reads SOURCE_DATE_EPOCH as build does.
# summary OUT: "N serials overdue" of deadlines -o.
overdue() { sed -n 's/.*incident[s]*, \([0-9]*\) serials* overdue$/\1/p' "$1"; }
SOURCE_DATE_EPOCH=1722297600 "$D" deadlines -o "$WORK/dl-before.md" "$F/aug.json" >/dev/null 2>"$WORK/dl-before.err" # 2024-07-30
SOURCE_DATE_EPOCH=1725148800 "$D" deadlines -o "$WORK/dl-after.md" "$F/aug.json" >/dev/null 2>"$WORK/dl-after.err"   # 2024-09-01
SOURCE_DATE_EPOCH=1722297600 "$D" build -q -o "$WORK/b-before" "$F/aug.json" >/dev/null 2>&1
SOURCE_DATE_EPOCH=1725148800 "$D" build -q -o "$WORK/b-after" "$F/aug.json" >/dev/null 2>&1
nrec() { grep -c '"issuerName"' "$1/onecrl.json"; }
if [ "$(overdue "$WORK/dl-before.err")" = 0 ] && [ "$(nrec "$WORK/b-before")" = 0 ] &&
    [ "$(overdue "$WORK/dl-after.err")" = 3 ] && [ "$(nrec "$WORK/b-after")" = 3 ]; then
    ok "SOURCE_DATE_EPOCH: build and deadlines agree on what is overdue (0 on 2024-07-30, 3 on 2024-09-01)"
else
    not_ok "build and deadlines under SOURCE_DATE_EPOCH" "before: $(cat "$WORK/dl-before.err") / $(nrec "$WORK/b-before")" \
        "after: $(cat "$WORK/dl-after.err") / $(nrec "$WORK/b-after")"
fi
# ... which is not the default: without it, deadlines judges at now (past the deadline).
"$D" deadlines -o "$WORK/dl-now.md" "$F/aug.json" >/dev/null 2>"$WORK/dl-now.err"
[ "$(overdue "$WORK/dl-now.err")" = 3 ] && ok "without SOURCE_DATE_EPOCH or --date, deadlines judges at now" ||
    not_ok "deadlines at now" "$(cat "$WORK/dl-now.err")"
SOURCE_DATE_EPOCH=1725148800 "$D" deadlines --date 2024-07-30 -o "$WORK/dl-opt.md" "$F/aug.json" >/dev/null 2>"$WORK/dl-opt.err"
[ "$(overdue "$WORK/dl-opt.err")" = 0 ] && ok "--date wins over SOURCE_DATE_EPOCH" || not_ok "--date over SOURCE_DATE_EPOCH" "$(cat "$WORK/dl-opt.err")"
for c in deadlines build; do
    SOURCE_DATE_EPOCH=yesterday "$D" $c -o "$WORK/sde-bad-$c" "$F/aug.json" >/dev/null 2>"$WORK/sde.err"
    st=$?
    [ "$st" -eq 2 ] && grep -q 'SOURCE_DATE_EPOCH=yesterday: expected seconds since the epoch' "$WORK/sde.err" ||
        not_ok "$c: a bad SOURCE_DATE_EPOCH (exit $st)" "$(cat "$WORK/sde.err")"
done
ok "a SOURCE_DATE_EPOCH that is not a number: a usage error in build and deadlines alike"

# verify: a case without "time" is checked at --date, else SOURCE_DATE_EPOCH, else now.
"$D" build -q -o "$WORK/vb" "$TOP/testdata/chains/basic/policy.json" >/dev/null 2>&1
cat >"$WORK/notime.json" <<EOF
{"version": 1, "cases": [{"name": "sibling leaf, no time", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"],
  "anchors": ["$PKI/root-a.pem"], "expect": "trusted"}]}
EOF
run "$D" verify -b "$WORK/vb" "$WORK/notime.json"
v0=$st
run "$D" verify -b "$WORK/vb" --date 2020-01-01 "$WORK/notime.json"
v1=$st
grep -q 'time 2020-01-01T00:00:00Z' "$WORK/out"
v1t=$?
run env SOURCE_DATE_EPOCH=1577836800 "$D" verify -b "$WORK/vb" "$WORK/notime.json"
v2=$st
if [ "$v0" -eq 0 ] && [ "$v1" -eq 3 ] && [ "$v1t" -eq 0 ] && [ "$v2" -eq 3 ]; then
    ok "verify: a case without a time at --date or SOURCE_DATE_EPOCH (2020: the leaf is not yet valid, INVALID, exit 3; now: 0)"
else
    not_ok "verify --date (exit $v0, $v1, $v2)" "$(cat "$WORK/out" | head -20)"
fi

# impact: --time, -t, -c, --purpose server/email/code.
"$D" build -q -o "$WORK/basic" "$TOP/testdata/chains/basic/policy.json" >/dev/null 2>&1
X="$TOP/testdata/pki-cross"
I="impact -b $WORK/basic -p $PKI -p $X --list"
"$D" $I -c "$PKI/leaf-a1.pem" -c "$PKI/leaf-ascii.pem" --time 2023-06-01 --purpose email >"$WORK/old.out" 2>"$WORK/old.err"
"$D" $I --corpus "$PKI/leaf-a1.pem" --corpus "$PKI/leaf-ascii.pem" --date 2023-06-01 --purpose email-protection >"$WORK/new.out" 2>/dev/null
depr "impact --time is --date" "$WORK/old.out" "$WORK/new.out" "--time is deprecated, use --date"
depr "impact -c is --corpus" "$WORK/old.out" "$WORK/new.out" "-c is deprecated, use --corpus"
depr "impact --purpose email is email-protection" "$WORK/old.out" "$WORK/new.out" "--purpose email is deprecated, use --purpose email-protection"
"$D" $I -c "$PKI/leaf-ascii.pem" -t 2025-06-01 --purpose code >"$WORK/old.out" 2>"$WORK/old.err"
"$D" $I --corpus "$PKI/leaf-ascii.pem" --date 2025-06-01 --purpose code-signing >"$WORK/new.out" 2>/dev/null
depr "impact -t is --date, --purpose code is code-signing" "$WORK/old.out" "$WORK/new.out" "--purpose code is deprecated, use --purpose code-signing"
"$D" $I --corpus "$PKI/leaf-ascii.pem" --date 2025-06-01 --purpose email-protection >"$WORK/email.out" 2>/dev/null
! cmp -s "$WORK/new.out" "$WORK/email.out" && ok "... and the purpose matters (e-mail counts another distrust)" || not_ok "purpose has no effect"

# verify-signature: --key, -k, the positional OUT.
K="$TOP/testdata/keys"
"$D" build -q -o "$WORK/signed" --date 2026-11-01 --sign-key "$K/signer-p384.pem" "$TOP/testdata/chains/basic/policy.json" >/dev/null 2>&1
run "$D" verify-signature --key "$K/signer-p384.pub.pem" "$WORK/signed"
cp "$WORK/out" "$WORK/old.out"
cp "$WORK/err" "$WORK/old.err"
ost=$st
run "$D" verify-signature --build "$WORK/signed" --verify-key "$K/signer-p384.pub.pem"
[ "$ost" -eq 0 ] && [ "$st" -eq 0 ] && [ ! -s "$WORK/err" ] && depr "verify-signature --key is --verify-key" "$WORK/old.out" "$WORK/out" "--key is deprecated, use --verify-key" ||
    not_ok "verify-signature (exit $ost, $st)" "$(cat "$WORK/old.err" "$WORK/err")"
grep -qF 'warning: OUT as an argument is deprecated, use --build OUT' "$WORK/old.err" && ok "verify-signature OUT is --build OUT" || not_ok "positional OUT" "$(cat "$WORK/old.err")"
run "$D" verify-signature -k "$K/signer-p384.pub.pem" -b "$WORK/signed"
[ "$st" -eq 0 ] && grep -qF 'warning: -k is deprecated, use --verify-key' "$WORK/err" && ok "verify-signature -k is --verify-key" || not_ok "-k" "$(cat "$WORK/err")"
run "$D" verify-signature --verify-key "$K/signer-p384.pub.pem" -b "$WORK/signed" "$WORK/signed"
expect_status "--build and a positional OUT: a usage error" 2

# query: -c, -b, -k.
B="$WORK/signed/revocations.blob"
run "$D" query "$B" -c "$PKI/leaf-a1.pem" -k "$K/signer-p384.pub.pem"
ost=$st
cp "$WORK/out" "$WORK/old.out"
cp "$WORK/err" "$WORK/old.err"
run "$D" query "$B" --cert "$PKI/leaf-a1.pem" --verify-key "$K/signer-p384.pub.pem"
[ "$ost" -eq "$st" ] && depr "query -c is --cert" "$WORK/old.out" "$WORK/out" "-c is deprecated, use --cert" &&
    depr "query -k is --verify-key" "$WORK/old.out" "$WORK/out" "-k is deprecated, use --verify-key"
# -q: the answers are the result and stay; the exit status says it too.
run "$D" query -q "$B" --cert "$PKI/leaf-a1.pem"
qst=$st
cp "$WORK/out" "$WORK/q.out"
run "$D" query "$B" --cert "$PKI/leaf-a1.pem"
[ "$qst" -eq "$st" ] && [ -s "$WORK/q.out" ] && cmp -s "$WORK/q.out" "$WORK/out" &&
    ok "query -q prints the answers (what was asked), as without -q (exit $st)" || not_ok "query -q" "$(cat "$WORK/q.out")"

# emit-tests: -o, and --nss-chains for one release.
"$D" build -q -o "$WORK/wc" --cases "$TOP/testdata/chains/basic/cases.json" "$TOP/testdata/chains/basic/policy.json" >/dev/null 2>&1
run "$D" emit-tests -b "$WORK/wc" --nss-chains "$WORK/chains-old"
cp "$WORK/err" "$WORK/old.err"
run "$D" emit-tests -b "$WORK/wc" -o "$WORK/chains-new"
if [ "$st" -eq 0 ] && diff -r "$WORK/chains-old" "$WORK/chains-new" >/dev/null && grep -qF 'warning: --nss-chains is deprecated, use --out' "$WORK/old.err"; then
    ok "emit-tests -o DIR; --nss-chains is -o"
else
    not_ok "emit-tests -o (exit $st)" "$(cat "$WORK/old.err" "$WORK/err")"
fi

# verify -k is --keep-work.
run "$D" verify -k "$WORK/kw" -b "$WORK/nope" "$TOP/testdata/chains/basic/cases.json"
grep -qF 'warning: -k is deprecated, use --keep-work' "$WORK/err" && ok "verify -k is --keep-work" || not_ok "verify -k" "$(cat "$WORK/err")"

# The new spellings draw no warning.
"$D" deadlines --date 2024-09-01 -q "$F/aug.json" >/dev/null 2>"$WORK/new.err"
hasnt "the new spelling: no warning" "$WORK/new.err" "deprecated"

# 6. --strict on every command.
for c in $CMDS; do grep -q '^      --strict ' "$WORK/help-$c" || not_ok "$c has no --strict"; done
ok "every command takes --strict"
# deadlines warns about a stale CRL that is no evidence: with --strict, exit 3.
cat >"$F/stale.json" <<EOF
{"version": 1, "incident": {"id": "fixture-incident", "bug": "https://bugzilla.example/1"},
 "entries": [
  {"incident_serials": "serials.txt", "issuer_certificate": "ca.pem", "revoke_by": "2024-07-31T19:30:00Z",
   "crl": ["crl-aug.pem", "crl-stale.pem"], "label": "Incident CA mis-issuance", "why": "CPS violation"}
 ]}
EOF
run "$D" deadlines --date 2024-09-01 "$F/stale.json"
w=$(grep -c ': warning: ' "$WORK/err")
ost=$st
run "$D" deadlines --strict --date 2024-09-01 "$F/stale.json"
if [ "$w" -gt 0 ] && [ "$ost" -eq 0 ] && [ "$st" -eq 3 ] && grep -q 'warning.* and --strict' "$WORK/err"; then
    ok "deadlines --strict: its $w warning(s) fail the run (exit 3; 0 without)"
else
    not_ok "deadlines --strict (exit $ost, then $st; $w warnings)" "$(cat "$WORK/err")"
fi
run "$D" deadlines --strict --date 2024-09-01 "$F/aug.json"
expect_status "deadlines --strict without a warning" 0

done_testing
