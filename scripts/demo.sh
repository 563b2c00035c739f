#!/bin/sh
# demo.sh: builds the shipped real-world policies (policy/) and shows what
# comes out, then checks the output against independent oracles: NSS's own
# certdata.txt history and Debian's nss-addbuiltin.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
D=build/distrust
OUT=build/demo/out
mkdir -p build/demo

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "1. Lint the real-world policies (8 incidents, 2011-2024)"
run "$D" lint policy/

say "2. Build them: NSS distrust objects + manifest, written atomically"
run "$D" build -o "$OUT" policy/
ls -l "$OUT"

say "3. One object: the 2011 fraudulent addons.mozilla.org certificate"
awk '/^# Distrust "Bogus Mozilla Addons"/ { p = 1 } p { print } p && /STEP_UP/ { exit }' \
    "$OUT/certdata-distrust.txt"

say "4. The Entrust distrust-after date (leaves issued after 2024-11-30)"
grep -A3 '^# For Server Distrust After' "$OUT/certdata-distrust.txt"

say "5. manifest.json"
cat "$OUT/manifest.json"

say "6. Verdict: our objects vs what NSS shipped (certdata.txt of 2017-11-16)"
sh policy/check-against-nss-history.sh testdata/nss/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt \
    "$OUT/certdata-distrust.txt" | grep -v '# SKIP' | tail -n 8
sh policy/check-distrust-after.sh testdata/nss/certdata-2026.txt "$OUT/certdata-distrust.txt" | tail -n 2

say "7. Verdict: our objects vs Debian's nss-addbuiltin, for a fixture intermediate"
cat >build/demo/one.json <<JSON
{"version": 1, "entries": [{"certificate": "$top/testdata/pki/int-a1.der", "label": "Demo"}]}
JSON
"$D" build -q -o build/demo/one build/demo/one.json
nss-addbuiltin -D -n Demo -i testdata/pki/int-a1.der | grep -v -e '^#' -e '^$' >build/demo/ref.obj
grep -v -e '^#' -e '^$' build/demo/one/certdata-distrust.txt >build/demo/ours.obj
if cmp -s build/demo/ref.obj build/demo/ours.obj; then
    echo "ok - object text identical to nss-addbuiltin -D ($(wc -l <build/demo/ours.obj) lines)"
else
    echo "not ok - object text differs from nss-addbuiltin -D"
    diff build/demo/ref.obj build/demo/ours.obj || true
    exit 1
fi

say "8. A mistake the tool refuses: a serial typed without its 00 pad"
cat >build/demo/bad.json <<'JSON'
{"version": 1,
 "entries": [
   {"issuer_certificate": "../../testdata/pki/root-a.pem",
    "serial": "8b:ad:f0:0d:12:34"}
 ]}
JSON
(cd build/demo && ../distrust lint bad.json) || echo "(exit status $?: nothing would be written)"

say "9. Same inputs, same bytes"
sha256sum "$OUT/certdata-distrust.txt"
"$D" build -q -o build/demo/again policy/
sha256sum build/demo/again/certdata-distrust.txt
