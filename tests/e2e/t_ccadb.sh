# The CCADB's reports as they are published (testdata/ccadb: the
# AllCertificatePEMsCSVFormat reports by notBefore year, 10,229 rows, 10,217
# distinct certificates; quoted PEM cells wrapped at 65 columns) read as
# --pool, --corpus and --roots with no preprocessing. The positive baseline
# is the route before issue 19: the PEMs cut out of the CSVs by hand
# (lib.sh's ccadb_pems). Read straight from the CSVs, the pool finds the
# same 16 cross-certificates of ISRG Root X1, GTS Root R1 and R4, USERTrust
# RSA, DigiCert Global Root G2 and Entrust Root G2, and impact gives the
# same answer; a report of another layout (the revoked-intermediates
# report's "PEM Info", single quotes) is a root store; a damaged report is an
# error at file:line with its row, and nothing is written.
. "$TOP/tests/e2e/lib.sh"
CC="$TOP/testdata/ccadb"
NSS="$TOP/testdata/nss/certdata-2026.txt"
D=$DISTRUST
STAMP="--date 2026-09-01T00:00:00Z --sequence 1"

# nss_der NAME OUT: the certificate NAME as NSS's certdata.txt ships it.
nss_der() {
    awk -v name="# Certificate \"$1\"" '$0 == name { f = 1 } f && /^CKA_VALUE MULTILINE_OCTAL/ { v = 1; next } v && /^END/ { exit } v { print }' "$NSS" |
        tr -d '\n' | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g' | xargs -0 printf '%b' >"$2" 2>/dev/null
}

# The six roots, from NSS's store, as a policy that distrusts each one's key.
i=0
entries=""
: >"$WORK/roots.pem"
for r in "ISRG Root X1" "GTS Root R1" "GTS Root R4" "USERTrust RSA Certification Authority" \
    "DigiCert Global Root G2" "Entrust Root Certification Authority - G2"; do
    nss_der "$r" "$WORK/r$i.der"
    if openssl x509 -inform DER -in "$WORK/r$i.der" -noout -subject -nameopt RFC2253 2>/dev/null | grep -q "CN=$r,"; then
        ok "$r from NSS's certdata.txt"
    else
        not_ok "$r from NSS's certdata.txt" "$(od -c "$WORK/r$i.der" | head -3)"
    fi
    openssl x509 -inform DER -in "$WORK/r$i.der" >>"$WORK/roots.pem"
    printf 'Added to OneCRL|%s\n' "$WORK/r$i.der" >>"$WORK/roots.rows"
    entries="$entries${entries:+, }{\"certificate\": \"r$i.der\", \"label\": \"$r\"}"
    i=$((i + 1))
done
echo "{\"version\": 1, \"entries\": [$entries]}" >"$WORK/six.json"

# expanded MANIFEST: the SHA-256 of every certificate the pool added, sorted.
expanded() {
    tr ',{}' '\n\n\n' <"$1" | sed -n 's/^ *"certificate_sha256": "\([0-9a-f]*\)".*/\1/p' | LC_ALL=C sort
}

# 1. Baseline: the PEMs cut out of the CSVs by hand.
ccadb_pems "$WORK/pems"
run "$D" build -q $STAMP -o "$WORK/b-pem" --pool "$WORK/pems" "$WORK/six.json"
expect_status "baseline: build over the PEMs cut out of the reports" 0
has "baseline: 16 cross-certificates found" "$WORK/b-pem/manifest.json" '"expanded": 16,'
expanded "$WORK/b-pem/manifest.json" >"$WORK/pem.list"

# Without a pool nothing is found: the 16 come from the pool.
run "$D" build -q $STAMP -o "$WORK/b-none" "$WORK/six.json"
expect_status "without a pool" 0
has "without a pool no cross-certificate is found" "$WORK/b-none/manifest.json" '"issuer_serial": 6,'

# 2. The reports as they are: the same 16.
run "$D" build -q $STAMP -o "$WORK/b-csv" --pool "$CC" "$WORK/six.json"
expect_status "build --pool testdata/ccadb (the CSVs, no preprocessing)" 0
has "the pool holds the 10,217 distinct certificates" "$WORK/b-csv/manifest.json" '"pool_certificates": 10217,'
has "16 cross-certificates found" "$WORK/b-csv/manifest.json" '"expanded": 16,'
has "... 22 issuer/serial distrusts in all" "$WORK/b-csv/manifest.json" '"issuer_serial": 22,'
expanded "$WORK/b-csv/manifest.json" >"$WORK/csv.list"
if [ "$(wc -l <"$WORK/csv.list")" -eq 16 ] && cmp -s "$WORK/pem.list" "$WORK/csv.list"; then
    ok "the same 16 certificates as from the PEMs"
else
    not_ok "the same 16 certificates as from the PEMs" "$(diff "$WORK/pem.list" "$WORK/csv.list")"
fi
has "the pool file is the report itself, not a PEM" "$WORK/b-csv/manifest.json" \
    '"pool_file": "ccadb/AllCertificatePEMsCSVFormat_NotBeforeYear_2021"'
for want in "0 1 ISRG Root X1 (issued by DST Root CA X3)" \
    "1 2 GTS Root R1 (issued by GlobalSign Root CA)" \
    "2 2 GTS Root R4 (issued by GlobalSign Root CA)" \
    "3 2 USERTrust RSA Certification Authority (issued by AAA Certificate Services)" \
    "4 7 DigiCert Global Root G2 (issued by DigiCert High Assurance EV Root CA)" \
    "5 2 Entrust Root Certification Authority - G2 (issued by Entrust Root Certification Authority)"; do
    e=${want%% *}
    rest=${want#* }
    k=${rest%% *}
    label=${rest#* }
    got=$(grep -c "\"entry\": \"six.json /entries/$e\"" "$WORK/b-csv/manifest.json")
    if [ "$got" -eq "$k" ] && grep -qF "\"label\": \"$label\"" "$WORK/b-csv/manifest.json"; then
        ok "entry $e: $k certificate(s) of its subject and key, among them $label"
    else
        not_ok "entry $e: $k certificate(s), among them $label" "found $got"
    fi
done

run "$D" lint --pool "$CC" "$WORK/six.json"
expect_status "lint --pool testdata/ccadb" 0
has "lint: the pool of 10,217" "$WORK/out" '22 issuer/serial distrusts.*pool of 10217 certificates: 16 distrusts found there'

# 3. impact: the CCADB as the pool and a report as the corpus, NSS's store
# as the roots, the same answer both ways.
Y=AllCertificatePEMsCSVFormat_NotBeforeYear_2024
run "$D" impact --build "$WORK/b-csv" --pool "$WORK/pems" --corpus "$WORK/pems/$Y.pem" --roots "$NSS"
expect_status "baseline: impact over the PEMs" 0
sed 's/\.pem\b//g' "$WORK/out" >"$WORK/impact-pem.txt"
has "baseline: the 2024 certificates distrusted" "$WORK/out" '^ *[1-9][0-9]* +[0-9]+ +[0-9]+ +total$'
run "$D" impact --build "$WORK/b-csv" --pool "$CC" --corpus "$CC/$Y" --roots "$NSS"
expect_status "impact --pool and --corpus the reports" 0
if cmp -s "$WORK/impact-pem.txt" "$WORK/out"; then ok "impact: the same table as over the PEMs"; else
    not_ok "impact: the same table as over the PEMs" "$(diff "$WORK/impact-pem.txt" "$WORK/out" | head -20)"
fi
has "impact: NSS's anchors" "$WORK/out" 'with 1[0-9][0-9] trust anchors'

# 4. --roots a CCADB report of another layout (the revoked-intermediates
# report: "PEM Info" in single quotes): its every certificate an anchor, as
# in a PEM bundle.
sh "$TOP/tests/e2e/mkrevoked.sh" "$WORK/roots.csv" <"$WORK/roots.rows"
has "the roots report has a PEM Info column" "$WORK/roots.csv" '"PEM Info"$'
run "$D" impact --build "$WORK/b-csv" --pool "$CC" --corpus "$CC/$Y" --roots "$WORK/roots.pem"
expect_status "baseline: --roots the six roots as PEM" 0
cp "$WORK/out" "$WORK/impact-roots-pem.txt"
has "baseline: 6 anchors" "$WORK/out" 'with 6 trust anchors'
run "$D" impact --build "$WORK/b-csv" --pool "$CC" --corpus "$CC/$Y" --roots "$WORK/roots.csv"
expect_status "--roots the six roots as a CCADB report" 0
if cmp -s "$WORK/impact-roots-pem.txt" "$WORK/out"; then ok "--roots report.csv: the same answer as the PEM bundle"; else
    not_ok "--roots report.csv: the same answer as the PEM bundle" "$(diff "$WORK/impact-roots-pem.txt" "$WORK/out" | head -20)"
fi
run "$D" lint --pool "$CC" --roots "$WORK/roots.csv" "$WORK/six.json"
expect_status "lint --roots report.csv" 0

# 5. A directory that mixes reports, a PEM file, a README and a CSV table
# without a PEM column (skipped, like the README); that table given by name
# is an error.
mkdir -p "$WORK/mix"
cp "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_1996" "$WORK/mix/1996.csv"
cp "$WORK/pems/AllCertificatePEMsCSVFormat_NotBeforeYear_1997.pem" "$WORK/mix/"
cp "$WORK/roots.csv" "$WORK/mix/"
echo "CCADB reports" >"$WORK/mix/README"
printf 'CA Owner,Country\nExample CA,US\n' >"$WORK/mix/owners.csv"
n96=$(grep -c 'BEGIN CERTIFICATE' "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_1996")
n97=$(grep -c 'BEGIN CERTIFICATE' "$WORK/mix/AllCertificatePEMsCSVFormat_NotBeforeYear_1997.pem")
run "$D" lint --pool "$WORK/mix" "$WORK/six.json"
expect_status "lint --pool a mixed directory" 0
has "every certificate of the reports and the PEM file" "$WORK/out" "pool of $((n96 + n97 + 6)) certificates"
has "the README and the table are skipped" "$WORK/err" '2 files held none and were skipped'
run "$D" impact --build "$WORK/b-csv" --pool "$CC" --corpus "$WORK/mix" --roots "$WORK/roots.csv"
expect_status "impact --corpus the mixed directory, --roots a report" 0
has "... every certificate of it counted" "$WORK/out" "on $((n96 + n97 + 6)) corpus certificates; pool of 10217 certificates with 6 trust anchors"
run "$D" lint --pool "$WORK/mix/owners.csv" "$WORK/six.json"
expect_status "a CSV table without a PEM column given by name" 1
has "... is said to be no CCADB report, at its header" "$WORK/err" \
    'owners.csv:1: error: not a CCADB report: the first row names no PEM column .*its columns: "CA Owner", "Country"'

# A header and no row, its line not even ended: said so, at the header.
printf 'SHA-256 Fingerprint,PEM Info' >"$WORK/header-only.csv"
run "$D" lint --pool "$WORK/header-only.csv" "$WORK/six.json"
expect_status "a report of a header alone" 1
has "... is a report without a row" "$WORK/err" 'header-only.csv:1: error: a CCADB report without a row'

# 6. Errors with their row; nothing written.
# Row 3 of the 1996 report (line 30) with another certificate's fingerprint.
sed '30s/^2F/3F/' "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_1996" >"$WORK/bad-fp.csv"
run "$D" impact --build "$WORK/b-csv" --pool "$CC" --corpus "$WORK/bad-fp.csv" --roots "$NSS"
expect_status "impact --corpus a report with a wrong fingerprint" 1
has "... at file:line with its row" "$WORK/err" 'bad-fp.csv:30: error: row 3: the SHA-256 Fingerprint column \(3F1062F8.*\) is not the certificate.s \(2F1062F8'
if [ -s "$WORK/out" ]; then not_ok "... and no table" "$(head -5 "$WORK/out")"; else ok "... and no table"; fi
(cd "$WORK/b-csv" && find . -type f -exec sha256sum {} + | LC_ALL=C sort) >"$WORK/before.sum"
run "$D" build -q $STAMP -o "$WORK/b-csv" --pool "$CC" --roots "$WORK/bad-fp.csv" "$WORK/six.json"
expect_status "build --roots a report with a wrong fingerprint" 1
has "... at file:line with its row" "$WORK/err" 'bad-fp.csv:30: error: row 3: '
(cd "$WORK/b-csv" && find . -type f -exec sha256sum {} + | LC_ALL=C sort) >"$WORK/after.sum"
if cmp -s "$WORK/before.sum" "$WORK/after.sum"; then ok "... the previous build untouched"; else
    not_ok "... the previous build untouched" "$(diff "$WORK/before.sum" "$WORK/after.sum" | head)"
fi
ls -A "$WORK" | grep -v '^b-csv$' | grep '^b-csv' >"$WORK/beside" || true
if [ -s "$WORK/beside" ]; then not_ok "... nothing left beside it" "$(cat "$WORK/beside")"; else ok "... nothing left beside it"; fi
run "$D" build -q $STAMP -o "$WORK/b-new" --pool "$WORK/bad-fp.csv" "$WORK/six.json"
expect_status "build --pool a report with a wrong fingerprint" 1
if [ -e "$WORK/b-new" ]; then not_ok "... writes no output"; else ok "... writes no output"; fi

# A PEM cell over the 1 MiB field cap (row 2, from line 16).
{
    cat "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_1994"
    printf '%s,"' 5C1A57ADA2C0EDB1D0A6A8E1F2B1A3C1D2E3F40516273849506172839405A6B7
    head -c 1100000 /dev/zero | tr '\0' 'A'
    printf '"\n'
} >"$WORK/big.csv"
run "$D" lint --pool "$WORK/big.csv" "$WORK/six.json"
expect_status "a PEM cell over the field cap" 1
has "... at its line with its row" "$WORK/err" 'big.csv:16: error: row 2: a CSV field is longer than 1 MiB \(the cap\)'

done_testing
