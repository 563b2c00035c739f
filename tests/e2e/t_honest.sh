# Honest outputs (issue 17): mistakes a user makes get one clear error that
# says what to do, and what is documented as skipped is skipped.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
R="--sequence 1 --date 2026-01-01"

# build --cases a.json b.json: b.json is no policy; say to repeat --cases.
run "$DISTRUST" build $R -o "$WORK/c2" --cases "$C/basic/cases.json" "$C/cross-signed/cases.json" "$C/basic/policy.json"
expect_status "build --cases a.json b.json POLICY" 1
has "b.json is named as a case file, with the fix" "$WORK/err" "cross-signed/cases.json:[0-9]+:[0-9]+: error: /cases: a chain case file, not a policy .*give every case file its own --cases \\(--cases a.json --cases b.json\\)"
count "and it is the only error" "$WORK/err" "error:" 1
run "$DISTRUST" build $R -o "$WORK/c2" --cases "$C/basic/cases.json" --cases "$C/cross-signed/cases.json" "$C/basic/policy.json"
expect_status "baseline: one --cases per file" 0
has "both files' cases are kept" "$WORK/out" "test-distrust.sh: [0-9]+ chain cases"

# A certificate request in a pool directory is skipped and counted, as
# doc/pool.md says; named as the pool itself it is an error.
mkdir -p "$WORK/pool"
cp "$PKI/int-a1.pem" "$WORK/pool/"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/k.pem" -subj /CN=x \
    -out "$WORK/pool/req.csr" 2>/dev/null
openssl req -in "$WORK/pool/req.csr" -outform DER -out "$WORK/pool/req-der.csr"
run "$DISTRUST" build $R -o "$WORK/p1" --pool "$WORK/pool" "$C/basic/policy.json"
expect_status "a pool directory with a PEM and a DER CSR builds" 0
has "the note counts the skipped files" "$WORK/err" "note: the certificate pool: [0-9]+ certificates?; 2 files held none and were skipped"
has "and so does the summary" "$WORK/out" "^  the pool: 2 files without certificates skipped"
run "$DISTRUST" build $R -o "$WORK/p2" --pool "$WORK/pool/req.csr" "$C/basic/policy.json"
expect_status "a CSR named as the pool is an error" 1
has "at the file" "$WORK/err" "req.csr: error: no CERTIFICATE block in this PEM file"

# diff with a directory that is not there: the path and errno, no bogus
# line:column.
"$DISTRUST" build -q $R -o "$WORK/d1" "$C/basic/policy.json" 2>/dev/null
run "$DISTRUST" diff "$WORK/d1" "$WORK/nonexistent"
expect_status "diff OUT /nonexistent" 1
has "names the path and the errno" "$WORK/err" "^$WORK/nonexistent: error: cannot read the build directory: No such file or directory"
hasnt "no line:column 4294967295" "$WORK/err" "4294967295"
run "$DISTRUST" diff "$WORK/d1" "$WORK"
expect_status "diff OUT a directory without a manifest" 1
has "says the manifest is missing" "$WORK/err" "manifest.json: error: cannot read the manifest: No such file or directory: is .* a \`distrust build\` output directory\\?"
run "$DISTRUST" diff "$WORK/d1" "$WORK/d1"
expect_status "baseline: diff of a build with itself" 0

# import the other format: one error naming the right importer.
run "$DISTRUST" import certdata "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$WORK/i1.json"
expect_status "import certdata given a OneCRL dump" 1
count "one error" "$WORK/err" "error:" 1
has "that says to import onecrl" "$WORK/err" "onecrl-2026-10.json:1:1: error: JSON, not an NSS certdata.txt \\(a OneCRL dump\\): import it with \`distrust import onecrl "
run "$DISTRUST" import onecrl "$TOP/testdata/nss/certdata-2026.txt" -o "$WORK/i2.json"
expect_status "import onecrl given a certdata.txt" 1
has "one error at BEGINDATA that says to import certdata" "$WORK/err" "certdata-2026.txt:[0-9]+:1: error: an NSS certdata.txt, not a OneCRL dump: import it with \`distrust import certdata "
[ ! -e "$WORK/i1.json" ] && [ ! -e "$WORK/i2.json" ] && ok "nothing written" || not_ok "nothing written"

# query a blob that is not there: errno and a hint.
run "$DISTRUST" query "$WORK/none.blob" --info
expect_status "query a missing blob" 2
has "the errno text" "$WORK/err" "none.blob: error: cannot open .*none.blob: No such file or directory"
has "and where blobs come from" "$WORK/err" "hint: a blob is written by \`distrust build -o OUT POLICY...\` as OUT/revocations.blob"
run "$DISTRUST" query "$WORK/d1" --info
expect_status "query a build directory" 2
has "hints at its blob" "$WORK/err" "hint: a build directory: query its blob, .*/d1/revocations.blob"
run "$DISTRUST" query "$WORK/d1/revocations.blob" --info
expect_status "baseline: its blob" 0

# make demo's headings (scripts/say.sh): bold on a terminal only, never
# with NO_COLOR, never into a pipe or a log.
esc=$(printf '\033')
sh -c ". '$TOP/scripts/say.sh'; say heading" >"$WORK/say.pipe"
has "off a terminal: the heading" "$WORK/say.pipe" "^== heading$"
hasnt "without escapes" "$WORK/say.pipe" "$esc"
if command -v script >/dev/null 2>&1; then
    script -qec "sh -c \". '$TOP/scripts/say.sh'; say heading\"" /dev/null >"$WORK/say.tty" 2>&1
    has "on a terminal: bold" "$WORK/say.tty" "$esc\\[1m== heading$esc\\[0m"
    script -qec "env NO_COLOR=1 sh -c \". '$TOP/scripts/say.sh'; say heading\"" /dev/null >"$WORK/say.nc" 2>&1
    has "with NO_COLOR on a terminal: the heading" "$WORK/say.nc" "== heading"
    hasnt "without escapes" "$WORK/say.nc" "$esc"
else
    ok "# SKIP no script(1) for a terminal"
fi

# README's `import onecrl ... -o policy/onecrl.json`: a warning that
# `build policy/` takes the 1,891 entries in; a shipped policy file is never
# replaced.
cp -r "$TOP/policy" "$WORK/shipped"
run "$DISTRUST" import onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$WORK/shipped/onecrl.json"
expect_status "import into a policy directory" 0
has "warns that a build of that directory takes the entries in" "$WORK/err" "shipped/onecrl.json: warning: written beside 8 other policy files in .*shipped/: \`distrust build .*shipped/\` will take in every entry imported here"
run "$DISTRUST" import --strict onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$WORK/shipped/onecrl2.json"
expect_status "which --strict refuses (a failed check)" 3
cp "$WORK/shipped/2011-comodo.json" "$WORK/comodo.orig"
run "$DISTRUST" import onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$WORK/shipped/2011-comodo.json"
expect_status "import over a hand-written policy" 1
has "is refused" "$WORK/err" "2011-comodo.json: error: refusing to replace this file: it is not a policy \`distrust import\` wrote"
same "which is left as it was" "$WORK/comodo.orig" "$WORK/shipped/2011-comodo.json"
mkdir -p "$WORK/apart"
run "$DISTRUST" import onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$WORK/apart/onecrl.json"
expect_status "baseline: into a directory of its own" 0
hasnt "without that warning" "$WORK/err" "written beside"

done_testing
