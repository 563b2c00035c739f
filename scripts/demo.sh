#!/bin/sh
# demo.sh: builds the shipped real-world policies (policy/), shows what comes
# out, replays the shipped chain cases under real NSS with the build and
# prints a verdict table, then checks the output against independent
# oracles: NSS's own certdata.txt history and Debian's nss-addbuiltin.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
D=build/distrust
OUT=build/demo/out
mkdir -p build/demo
# A release's date and sequence (doc/blob-format.md): the demo's outputs are
# dated 2026-11-01 and are release 1, so that no build warns it has neither.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1793491200}
export SOURCE_DATE_EPOCH

. scripts/say.sh
run() { printf '$ %s\n' "$*"; "$@"; }

say "1. Lint the real-world policies (8 incidents, 2011-2024)"
run "$D" lint policy/

say "2. Build them: NSS distrust objects + manifest, written atomically"
run "$D" build --sequence 1 -o "$OUT" policy/
ls -l "$OUT"

say "3. One object: the 2011 fraudulent addons.mozilla.org certificate"
awk '/^# Distrust "Bogus Mozilla Addons"/ { p = 1 } p { print } p && /STEP_UP/ { exit }' \
    "$OUT/certdata-distrust.txt"

say "4. The Entrust distrust-after date (leaves issued after 2024-11-30)"
grep -A3 '^# For Server Distrust After' "$OUT/certdata-distrust.txt"

say "5. manifest.json"
cat "$OUT/manifest.json"

say "6. Verdicts: the shipped chain cases replayed under real NSS (distrust verify)"
echo "Each case runs per engine in worker processes: without the build (the"
echo "baseline must validate), then as the overlay deployment (certdata-distrust.txt"
echo "served by libdistrust-pkcs11.so over the case's anchors; distrust-after dates"
echo "are not enforced there, as in Firefox). PKIX = CERT_PKIXVerifyCert (vfychain"
echo "-pp), classic = CERT_VerifyCertificate."
"$D" verify --build "$OUT" --engine nss policy/cases/*.json >build/demo/verify.tap 2>build/demo/verify.err &&
    vstatus=0 || vstatus=$?
awk '/^(not )?ok [0-9]+ - / {
         ok = $1 == "ok"; line = $0
         sub(/^(not )?ok [0-9]+ - /, "", line)
         eng = line ~ /classic\]$/ ? "classic" : "pkix"
         sub(/ \[([a-z-]+\/)?(pkix|classic)\]$/, "", line)
         name = line; cur = eng; status[name, eng] = ok ? "ok" : "FAIL"
         if (!(name in seen)) { seen[name] = 1; order[++n] = name }
     }
     /^#   expected / { split($0, w, " "); want[name] = w[3]; sub(/,$/, "", want[name]); got[name, cur] = w[5] }
     END {
         printf "%-72s %-12s %-12s %s\n", "case", "expected", "pkix", "classic"
         for (i = 1; i <= n; i++) {
             nm = order[i]
             printf "%-72.72s %-12s %-12s %s\n", nm, want[nm], got[nm, "pkix"] " " status[nm, "pkix"],
                    got[nm, "classic"] " " status[nm, "classic"]
         }
     }' build/demo/verify.tap
tail -n 1 build/demo/verify.tap
[ "$vstatus" -eq 0 ] || { echo "distrust verify exited $vstatus"; cat build/demo/verify.err; exit 1; }

say "7. The fixture PKI: a leaf, an intermediate, a root, purposes, distrust-after"
"$D" build --sequence 1 -q -o build/demo/basic testdata/chains/basic/policy.json
"$D" verify --build build/demo/basic --engine nss testdata/chains/basic/cases.json |
    grep -E '^(not )?ok|passed'

say "7a. The same cases in Firefox itself (distrust verify --engine firefox)"
if command -v firefox-esr >/dev/null 2>&1 || command -v firefox >/dev/null 2>&1; then
    echo "Firefox runs headless, driven over Marionette: a fresh profile (the baseline), the"
    echo "overlay module added to a profile, OneCRL's records in cert_storage, and the"
    echo "module as Firefox's built-in roots (the cases' anchors, the build merged)."
    echo "Two checks fail, each with its reason: a root the profile itself trusts keeps"
    echo "its trust under the overlay, and OneCRL cannot carry an e-mail-only distrust."
    "$D" verify --build build/demo/basic --engine firefox testdata/chains/basic/cases.json \
        >build/demo/firefox.tap 2>&1 && fstatus=0 || fstatus=$?
    grep -E '^(not )?ok|^# firefox/|^# firefox baseline|passed' build/demo/firefox.tap | cut -c1-160
    [ "$fstatus" -eq 3 ] || { echo "distrust verify --engine firefox exited $fstatus"; exit 1; }
else
    echo "Firefox is not installed (sh scripts/install-deps.sh --with-firefox installs"
    echo "firefox-esr): distrust verify --engine firefox would say so in one line and skip."
fi

say "7b. Distrust-after: where the date takes effect"
echo "Firefox enforces a root's distrust-after date only from its built-in roots"
echo "module. Merged into the root store (build --certdata), the root-store deployment"
echo "(the merged certdata.txt alone) distrusts the leaf issued after Root C's date;"
echo "the overlay leaves it trusted, and says so."
"$D" build --sequence 1 -q -o build/demo/merged --certdata testdata/chains/roots-certdata.txt testdata/chains/basic/policy.json
"$D" verify --build build/demo/merged testdata/chains/merge/cases.json |
    grep -E '^(not )?ok .*(the date|Root B)|^#   distrust-after: .*after it|passed'

say "8. The fixture PKI: a forgotten cross-certificate is caught"
echo "Test Intermediate 1's key is certified twice: by Root A and, cross-signed, by"
echo "Root B. This policy (cross-signed-incomplete/) distrusts only the Root A"
echo "certificate. The cases say both paths must fail, so verify MUST report two"
echo "failures here: the two chains through the forgotten Root B cross-certificate"
echo "(\"a cross-certificate the build misses\"), and exit 3. Those two 'not ok'"
echo "lines are the tool doing its job, not a broken demo."
"$D" build --sequence 1 -q -o build/demo/cross testdata/chains/cross-signed-incomplete/policy.json
"$D" verify --build build/demo/cross testdata/chains/cross-signed/cases.json >build/demo/cross.tap 2>&1 &&
    xstatus=0 || xstatus=$?
grep -E '^(not )?ok|misses|passed' build/demo/cross.tap
if [ "$xstatus" -eq 3 ] && grep -q '^2 passed, 2 failed$' build/demo/cross.tap &&
    [ "$(grep -c 'a cross-certificate the build misses' build/demo/cross.tap)" -eq 2 ]; then
    echo "as expected: the 2 failures are the Root B paths the incomplete build leaves open (exit 3)"
else
    echo "UNEXPECTED: wanted exactly the 2 Root B paths to fail with exit 3 (got exit $xstatus)"
    exit 1
fi
echo "The complete policy (cross-signed/: the cross-certificate too) passes every case:"
"$D" build --sequence 1 -q -o build/demo/cross-ok testdata/chains/cross-signed/policy.json
"$D" verify --build build/demo/cross-ok testdata/chains/cross-signed/cases.json | tail -n 1

say "9. Cross-signs found in a pool: DigiNotar Root CA, named once, three paths"
echo "The policy names only the self-signed DigiNotar Root CA; its pool is the incident"
echo "directory, which also holds Entrust's two cross-certificates of the same key."
run "$D" build --sequence 1 --explain -o build/demo/dn testdata/chains/diginotar-root/policy.json
"$D" verify --build build/demo/dn --engine nss testdata/chains/diginotar-root/cases.json | grep -E '^(not )?ok|passed'
echo "The same policy with cross_signs off: lint names the paths it leaves open."
"$D" lint testdata/chains/diginotar-root/policy-no-cross.json 2>&1 | grep -E 'open path' | cut -c1-220 || true
echo "Impact of each build on the fraudulent *.google.com (2011-07-12):"
for b in dn dnx; do
    [ "$b" = dnx ] && "$D" build --sequence 1 -q -o build/demo/dnx testdata/chains/diginotar-root/policy-no-cross.json 2>/dev/null
    "$D" impact -b build/demo/$b -p policy/certs/2011-diginotar -p policy/chains/2011-diginotar \
        --corpus policy/chains/2011-diginotar/leaf_fraudulent_star.google.com_path1.chain.pem \
        --date 2011-07-12 --list | grep '^[a-z].*google'
done

say "9b. Revoking a certificate is not distrusting its key"
echo "Test Root C is a trust anchor of the fixture root store and is cross-signed by"
echo "Test Root A (the same subject and key). A CA certificate without a scope means"
echo "its key: the build finds Root C itself, and refuses to distrust an anchor unasked."
printf '{"version": 1, "entries": [{"certificate": "%s"}]}\n' "$top/testdata/pki-cross/root-c-xa.pem" >build/demo/key.json
"$D" build --sequence 1 -q -o build/demo/key --pool testdata/pki-cross --roots testdata/chains/roots-certdata.txt \
    build/demo/key.json 2>&1 | cut -c1-300 || echo "(exit status $?: nothing written)"
echo "Said as a revocation (\"scope\": \"certificate\", what import onecrl writes), it is built:"
printf '{"version": 1, "entries": [{"certificate": "%s", "scope": "certificate"}]}\n' \
    "$top/testdata/pki-cross/root-c-xa.pem" >build/demo/revoke.json
run "$D" build --sequence 1 -o build/demo/revoke --pool testdata/pki-cross --roots testdata/chains/roots-certdata.txt \
    build/demo/revoke.json

say "10. OneCRL and the revocation blob: Firefox's real OneCRL dump, round trip"
run "$D" import onecrl testdata/onecrl/onecrl-2026-10.json -o build/demo/onecrl-policy.json 2>/dev/null
echo "(two real serials draw warnings: one of 21 octets, one negative; both are kept exactly)"
run "$D" build --sequence 1 -q --date 2026-11-01 --sign-key testdata/keys/signer-p384.pem -o build/demo/onecrl \
    build/demo/onecrl-policy.json 2>/dev/null
ls -l build/demo/onecrl
run "$D" verify-signature --verify-key testdata/keys/signer-p384.pub.pem --build build/demo/onecrl
run "$D" query build/demo/onecrl/revocations.blob --info --verify-key testdata/keys/signer-p384.pub.pem
echo "The shipped policies' blob, asked about the fraudulent *.google.com chain (2011):"
"$D" query "$OUT/revocations.blob" --cert policy/chains/2011-diginotar/leaf_fraudulent_star.google.com_path1.chain.pem || true
echo "The shipped chain cases under OpenSSL with that blob (X509_verify_cert + dt_blob_attach):"
"$D" verify --build "$OUT" --engine openssl policy/cases/*.json | tail -n 1

say "10b. The release workflow: NSS's certdata.txt in, a merged certdata.txt and release notes out"
echo "Import the 28 distrusts of NSS's 2017 certdata.txt, build them again, compare:"
mkdir -p build/demo/imported
run "$D" import certdata testdata/nss/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt -o build/demo/imported/nss2017.json
"$D" build --sequence 1 -q -o build/demo/nss2017 build/demo/imported/nss2017.json 2>/dev/null
objs() { # the distrust trust objects of a certdata.txt, comments aside, sorted
    awk '/^CKA_CLASS /{ if (o ~ /NOT_TRUSTED/) print o; o = "" } /^#/ { next }
         /^$/ { if (o ~ /NOT_TRUSTED/) print o; o = ""; next } { o = o $0 "|" }
         END { if (o ~ /NOT_TRUSTED/) print o }' "$1" | LC_ALL=C sort
}
objs testdata/nss/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt >build/demo/nss2017.orig
objs build/demo/nss2017/certdata-distrust.txt >build/demo/nss2017.built
if cmp -s build/demo/nss2017.orig build/demo/nss2017.built; then
    echo "ok - all $(wc -l <build/demo/nss2017.built) distrust trust objects rebuilt byte for byte"
else
    echo "not ok - the rebuilt trust objects differ"
    exit 1
fi
echo "Merge the shipped policies into the current NSS certdata.txt (and again: idempotent):"
"$D" build --sequence 1 -o build/demo/merged --certdata testdata/nss/certdata-2026.txt policy/ 2>&1 | grep -e 'certdata.txt:' -e '^build' || true
"$D" build --sequence 1 -q -o build/demo/merged2 --certdata build/demo/merged/certdata.txt policy/ 2>/dev/null
cmp -s build/demo/merged/certdata.txt build/demo/merged2/certdata.txt && echo "ok - merging the result again changes nothing"
echo "Pruning candidates in the imported 2017 distrusts:"
"$D" lint -q --expired-before 2026-11-22 --pool policy/certs build/demo/imported/nss2017.json 2>/dev/null | tail -n 1
echo "The next release: the shipped policies, its blob's sequence following the 2017 build's:"
run "$D" build -q --previous build/demo/nss2017 -o build/demo/next policy/
echo "Release notes from the 2017 distrusts to the next release (head):"
"$D" diff build/demo/nss2017 build/demo/next | sed -n '1,10p'

say "10c. For packagers: the p11-kit blocklist and the regression script"
"$D" build --sequence 1 -q -o build/demo/pkg --cases policy/cases/2011-comodo.json --cases policy/cases/2011-diginotar.json \
    --cases policy/cases/2015-cnnic.json --cases policy/cases/2024-entrust.json policy/ 2>/dev/null
echo "distrust.p11-kit (for a p11-kit trust source): $(grep -c '^x-distrusted: true$' build/demo/pkg/distrust.p11-kit) distrusted certificates, $(grep -c '^class: nss-trust$' build/demo/pkg/distrust.p11-kit) issuer/serial-only nss-trust objects"
echo "OUT/test-distrust.sh against libdistrust-pkcs11.so, every real chain case (tail):"
build/demo/pkg/test-distrust.sh --module build/libdistrust-pkcs11.so | tail -n 4

say "10d. Revocation deadlines: a CA that did not revoke in time (fixture CA made with openssl ca)"
rm -rf build/demo/incident
sh tests/e2e/mkincident.sh build/demo/incident >/dev/null 2>&1
cat >build/demo/incident/policy.json <<'JSON'
{"version": 1, "incident": {"id": "demo-incident", "bug": "https://bugzilla.example/1"},
 "entries": [{"incident_serials": "serials.txt", "issuer_certificate": "ca.pem",
   "revoke_by": "2024-07-31T19:30:00Z", "crl": ["crl-aug.pem"], "label": "Incident CA mis-issuance"}]}
JSON
"$D" deadlines -q --date 2024-09-01 --pool build/demo/incident/ca/newcerts build/demo/incident/policy.json |
    sed -n '3,16p'
run "$D" build --sequence 1 -q -o build/demo/incident/out --date 2024-09-01 build/demo/incident/policy.json
for i in 1 3 5; do "$D" query build/demo/incident/out/revocations.blob --cert build/demo/incident/leaf$i.pem || true; done

say "10e. The WebPKI as the pool: the CCADB's reports, as downloaded"
echo "testdata/ccadb holds the CCADB's AllCertificatePEMsCSVFormat reports (10,229 rows)."
echo "As the pool, with NSS's root store: who else certifies DigiCert Global Root G2's key?"
mkdir -p build/demo/ccadb
awk '/^# Certificate "DigiCert Global Root G2"$/ { f = 1 } f && /^CKA_VALUE MULTILINE_OCTAL/ { v = 1; next } v && /^END/ { exit } v { print }' \
    testdata/nss/certdata-2026.txt | tr -d '\n' | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g' | xargs -0 printf '%b' >build/demo/ccadb/g2.der
echo '{"version": 1, "entries": [{"certificate": "g2.der", "label": "DigiCert Global Root G2", "server_distrust_after": "2026-04-15T00:00:00Z"}]}' \
    >build/demo/ccadb/g2.json
"$D" lint --pool testdata/ccadb build/demo/ccadb/g2.json 2>&1 | tail -n 1 | cut -c1-200
"$D" lint --pool testdata/ccadb --roots testdata/nss/certdata-2026.txt build/demo/ccadb/g2.json 2>&1 | tail -n 1 | cut -c1-200
echo "A revoked-intermediates report (PublicIntermediateCertsRevokedWithPEMCSV's columns) for"
echo "three real CCADB intermediates (tests/e2e/mkrevoked.sh), imported, then reconciled"
echo "with Firefox's real OneCRL dump:"
awk -v dir=build/demo/ccadb '
    BEGIN { name["11E1A76D16E4055B2DC197A0546ADE54509A7BB612D8EB863997691EDEADB9E8"] = "wosign"
            name["1D4F0596FCA2611D09F84C78F2EA565EF2EAB9CFC272A1718BD336E6E0AE021A"] = "ance"
            name["D8E0FEBC1DB2E38D00940F37D27D41344D993E734B99D5656D9778D4D8143624"] = "certum" }
    /^[0-9A-F]+,/ && index($0, ",") == 65 { fp = substr($0, 1, 64); out = (fp in name) ? dir "/" name[fp] ".pem" : "" }
    out != "" { line = $0; sub(/^[0-9A-F]*,"/, "", line); gsub(/["\047\r]/, "", line); print line >out
        if (line ~ /-----END CERTIFICATE-----/) { close(out); out = "" } }' testdata/ccadb/AllCertificatePEMsCSVFormat_*
sh tests/e2e/mkrevoked.sh build/demo/ccadb/revoked.csv <<ROWS
Added to OneCRL|build/demo/ccadb/wosign.pem|2016.10.21|(4) superseded|WoSign CA Limited
Ready to Add|build/demo/ccadb/ance.pem
Added to OneCRL|build/demo/ccadb/certum.pem
ROWS
rm -rf build/demo/ccadb/policy && mkdir -p build/demo/ccadb/policy
run "$D" import ccadb build/demo/ccadb/revoked.csv -o build/demo/ccadb/policy/revoked.json
"$D" reconcile -q --onecrl testdata/onecrl/onecrl-2026-10.json --ccadb build/demo/ccadb/revoked.csv \
    --date 2026-10-01 --rows 2 >build/demo/ccadb/reconcile.md && rstatus=0 || rstatus=$?
sed -n '5,9p' build/demo/ccadb/reconcile.md | cut -c1-200
echo "(exit status $rstatus: the Certum row says Added to OneCRL, and OneCRL has no such record;"
echo " the ANCE row is Ready to Add, the work queue)"
[ "$rstatus" -eq 3 ] || { echo "UNEXPECTED: reconcile exited $rstatus, wanted 3"; exit 1; }
echo "With the imported policy as the third state (what the next release sends to OneCRL):"
"$D" reconcile -q --onecrl testdata/onecrl/onecrl-2026-10.json --ccadb build/demo/ccadb/revoked.csv \
    --policy build/demo/ccadb/policy --date 2026-10-01 --rows 2 >build/demo/ccadb/reconcile2.md &&
    rstatus=0 || rstatus=$?
sed -n '5,10p' build/demo/ccadb/reconcile2.md | cut -c1-200
echo "(exit status $rstatus)"
[ "$rstatus" -eq 0 ] || { echo "UNEXPECTED: reconcile with the policy exited $rstatus, wanted 0"; exit 1; }

say "11. Verdict: our objects vs what NSS shipped (certdata.txt of 2017-11-16)"
sh policy/check-against-nss-history.sh testdata/nss/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt \
    "$OUT/certdata-distrust.txt" | grep -v '# SKIP' | tail -n 8
sh policy/check-distrust-after.sh testdata/nss/certdata-2026.txt "$OUT/certdata-distrust.txt" | tail -n 2

say "12. Verdict: our objects vs Debian's nss-addbuiltin, for a fixture intermediate"
cat >build/demo/one.json <<JSON
{"version": 1, "entries": [{"certificate": "$top/testdata/pki/int-a1.der", "label": "Demo"}]}
JSON
"$D" build --sequence 1 -q -o build/demo/one build/demo/one.json
nss-addbuiltin -D -n Demo -i testdata/pki/int-a1.der | grep -v -e '^#' -e '^$' >build/demo/ref.obj
grep -v -e '^#' -e '^$' build/demo/one/certdata-distrust.txt >build/demo/ours.obj
if cmp -s build/demo/ref.obj build/demo/ours.obj; then
    echo "ok - object text identical to nss-addbuiltin -D ($(wc -l <build/demo/ours.obj) lines)"
else
    echo "not ok - object text differs from nss-addbuiltin -D"
    diff build/demo/ref.obj build/demo/ours.obj || true
    exit 1
fi

say "13. A mistake the tool refuses: a serial typed without its 00 pad"
cat >build/demo/bad.json <<'JSON'
{"version": 1,
 "entries": [
   {"issuer_certificate": "../../testdata/pki/root-a.pem",
    "serial": "8b:ad:f0:0d:12:34"}
 ]}
JSON
(cd build/demo && ../distrust lint bad.json) || echo "(exit status $?: nothing would be written)"

say "14. Same inputs, same bytes"
sha256sum "$OUT/certdata-distrust.txt"
"$D" build --sequence 1 -q -o build/demo/again policy/
sha256sum build/demo/again/certdata-distrust.txt
