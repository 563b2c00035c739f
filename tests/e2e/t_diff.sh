# `distrust diff OLD_OUT NEW_OUT`: release notes between two builds, read
# from the output directories alone. Every kind of change (added, removed,
# changed purposes, OneCRL enabled, distrust-after dates, a blob-only serial
# batch) shows up, identical builds say "No changes", and bad input is an
# error.
. "$TOP/tests/e2e/lib.sh"
P="$TOP/policy"
PKI="$TOP/testdata/pki"

"$DISTRUST" build -q -o "$WORK/old" "$P/2011-comodo.json" 2>/dev/null
"$DISTRUST" build -q -o "$WORK/new" "$P/2011-comodo.json" "$P/2011-diginotar.json" "$P/2024-entrust.json" 2>/dev/null
run "$DISTRUST" diff "$WORK/old" "$WORK/new"
expect_status "diff two builds" 0
has "a summary table" "$WORK/out" '^\| distrusts \(NSS objects, OneCRL records\) \| 18 \| 0 \| 0 \| 10 \|$'
has "distrust-after roots counted" "$WORK/out" '^\| distrust-after roots \| 1 \| 0 \| 0 \| 0 \|$'
has "grouped by incident, with its bug" "$WORK/out" '^## 2011-diginotar: https://bugzilla.mozilla.org/show_bug.cgi\?id=[0-9]+$'
has "each distrust with its name, issuer, serial, purposes and targets" "$WORK/out" '^- \*\*Explicitly Distrust DigiNotar Root CA\*\*: issuer `E=info@diginotar.nl,CN=DigiNotar Root CA,O=DigiNotar,C=NL`, serial `0f:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff`; all purposes; NSS \(with hashes\), OneCRL, blob\. Why: '
count "18 added" "$WORK/out" '^- \*\*.*; all purposes; NSS' 18
has "the distrust-after date" "$WORK/out" '^- \*\*Entrust Root Certification Authority - G2\*\* \(new, 2024-entrust\): TLS server certificates issued after 2024-11-30T23:59:59Z are distrusted$'
has "a CHANGELOG snippet" "$WORK/out" '^### Distrusted$'
has "one line per incident" "$WORK/out" '^- 2011-diginotar: .* and 13 more \('
hasnt "the unchanged Comodo entries are not listed" "$WORK/out" 'Bogus'
run "$DISTRUST" diff "$WORK/new" "$WORK/old"
has "the other way round: removed" "$WORK/out" '^\| distrusts \(NSS objects, OneCRL records\) \| 0 \| 18 \| 0 \| 10 \|$'
has "in the snippet as no longer distrusted" "$WORK/out" '^### No longer distrusted$'
run "$DISTRUST" diff "$WORK/new" "$WORK/new"
expect_status "a build against itself" 0
has "says no changes" "$WORK/out" '^No changes\.$'
has "and counts everything unchanged" "$WORK/out" '^\| distrusts \(NSS objects, OneCRL records\) \| 0 \| 0 \| 0 \| 28 \|$'

# Changes to one entry: purposes narrowed, OneCRL record disabled, a label.
cat >"$WORK/a.json" <<JSON
{"version": 1, "incident": {"id": "fixture", "bug": "https://bugs.example/1"},
 "entries": [
  {"certificate": "$PKI/int-a2.pem", "label": "Test Intermediate 2"},
  {"issuer_certificate": "$PKI/int-a1.pem", "serial": "00:80:00:00:01", "label": "Leaf 2"},
  {"certificate": "$PKI/leaf-ascii.pem", "label": "Leaf ASCII", "targets": ["onecrl"]}]}
JSON
cat >"$WORK/b.json" <<JSON
{"version": 1, "incident": {"id": "fixture", "bug": "https://bugs.example/1"},
 "entries": [
  {"certificate": "$PKI/int-a2.pem", "label": "Test Intermediate 2", "purposes": ["server-auth"]},
  {"issuer_certificate": "$PKI/int-a1.pem", "serial": "00:80:00:00:01", "label": "Leaf 2 renamed"},
  {"certificate": "$PKI/leaf-ascii.pem", "label": "Leaf ASCII", "targets": ["onecrl"], "onecrl_enabled": false},
  {"issuer_certificate": "$PKI/int-a1.pem", "serials_file": "serials.txt", "label": "Batch"}]}
JSON
i=1
while [ $i -le 300 ]; do printf '%06x\n' $((i * 7919 + 65536)); i=$((i + 1)); done >"$WORK/serials.txt"
"$DISTRUST" build -q -o "$WORK/fa" "$WORK/a.json" 2>/dev/null
"$DISTRUST" build -q -o "$WORK/fb" "$WORK/b.json" 2>/dev/null
run "$DISTRUST" diff "$WORK/fa" "$WORK/fb"
expect_status "diff of changed entries" 0
has "narrowed purposes" "$WORK/out" '^- \*\*Test Intermediate 2\*\*: .*\. purposes: all purposes -> server-auth$'
has "a disabled OneCRL record" "$WORK/out" '^- \*\*Leaf ASCII\*\*: .*\. OneCRL record disabled$'
has "a new label" "$WORK/out" '^- \*\*Leaf 2 renamed\*\*: .*label: "Leaf 2" -> "Leaf 2 renamed"$'
has "grouped under the incident with its bug" "$WORK/out" '^## fixture: https://bugs.example/1$'
has "the serial batch (blob only) is summed per issuer" "$WORK/out" '^- `CN=Test Intermediate 1,O=Distrust Test,C=US`: 300 added, 0 removed$'
has "and counted in the table" "$WORK/out" '^\| revocations.blob keys \| 300 \| 0 \| \| \|$'
has "and in the snippet" "$WORK/out" '^- 300 keys added, 0 removed$'
run "$DISTRUST" diff --json "$WORK/fa" "$WORK/fb"
expect_status "--json" 0
has "JSON: the changed entries with what changed" "$WORK/out" '"changes": "purposes: all purposes -> server-auth"'
has "JSON: the blob per issuer" "$WORK/out" '"added": 300'
has "JSON: each entry's targets" "$WORK/out" '"targets": \['
if command -v python3 >/dev/null 2>&1; then
    if python3 -c 'import json, sys; d = json.load(sys.stdin); assert len(d["changed"]) == 3 and d["blob"][0]["added"] == 300' <"$WORK/out" 2>"$WORK/py.err"; then
        ok "JSON: parses, with 3 changed entries and the batch in the blob list (python3 json)"
    else
        not_ok "JSON: parses (python3 json)" "$(cat "$WORK/py.err")"
    fi
else
    ok "JSON: parse check # SKIP python3 is not installed"
fi
run "$DISTRUST" diff -o "$WORK/notes.md" "$WORK/fa" "$WORK/fb"
expect_status "-o writes the notes into a file" 0
has "the file holds them" "$WORK/notes.md" '^# Distrust release notes$'
has "and a summary goes to stderr" "$WORK/err" '^diff: wrote .*notes.md: 0 added, 0 removed, 3 changed'
run "$DISTRUST" diff "$WORK/fa" "$WORK/fb"
cp "$WORK/out" "$WORK/d1"
run "$DISTRUST" diff "$WORK/fa" "$WORK/fb"
same "the notes are deterministic" "$WORK/d1" "$WORK/out"

# Bad input.
run "$DISTRUST" diff "$WORK/fa" "$WORK/nowhere"
expect_status "a missing build directory is bad input" 1
has "named in the error, with its errno (regression: line:column 4294967295)" "$WORK/err" 'nowhere: error: cannot read the build directory: No such file or directory'
run "$DISTRUST" diff "$WORK/fa"
expect_status "one directory is a usage error" 2
mkdir -p "$WORK/broken" && cp -r "$WORK/fa/." "$WORK/broken/" && printf 'not a blob' >"$WORK/broken/revocations.blob"
run "$DISTRUST" diff "$WORK/fa" "$WORK/broken"
expect_status "a corrupt blob is bad input, never an empty set" 1
# The release: both builds' sequences in the notes; a new blob that does not
# get a greater sequence is a warning.
"$DISTRUST" build -q --sequence 5 --date 2026-01-01 -o "$WORK/r5" "$TOP/testdata/chains/basic/policy.json" 2>/dev/null
"$DISTRUST" build -q --previous "$WORK/r5" --date 2026-02-01 -o "$WORK/r6" "$TOP/policy" 2>/dev/null
run "$DISTRUST" diff "$WORK/r5" "$WORK/r6"
expect_status "diff of two releases" 0
has "the notes say both sequences and dates" "$WORK/out" '^Release: revocations.blob sequence 5 to 6, dated 2026-01-01T00:00:00Z to 2026-02-01T00:00:00Z\.$'
hasnt "no warning when the sequence grows" "$WORK/err" "warning:"
run "$DISTRUST" diff "$WORK/r6" "$WORK/r5"
expect_status "diff the other way" 0
has "warns that the new blob's sequence is not greater" "$WORK/err" "r5/manifest.json: warning: the new build's revocations.blob sequence, 5, is not greater than the old build's, 6"
run "$DISTRUST" diff --json "$WORK/r5" "$WORK/r6"
has "JSON has the release too" "$WORK/out" '"release": \{"created": "2026-02-01T00:00:00Z", "sequence": 6\}|"sequence": 6'

done_testing
