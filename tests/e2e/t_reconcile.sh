# distrust reconcile end to end, on real data: the real OneCRL dump
# (testdata/onecrl/onecrl-2026-10.json, 1,895 records) against a
# revoked-intermediates report that tests/e2e/mkrevoked.sh writes for real
# certificates of the CCADB (testdata/ccadb), the statuses chosen here so
# that every cell of the table holds a known count: each count and a record
# of each cell, the exit status (0 for a consistent report beside 3 for one
# with ❌ cells), the policy's row, the JSON form, the real revocation a
# cross-certificate bypasses (QuoVadis Global SSL ICA G3: the revoked
# certificate is in OneCRL, another of its subject and key, issued by
# QuoVadis Root CA 2 G3, is valid until 2026-11-02) with --pool testdata/ccadb
# and --certdata testdata/nss/certdata-2026.txt beside its negatives (after
# that date; another reason than a compromise), and the expired records.
. "$TOP/tests/e2e/lib.sh"

D=$DISTRUST
ONECRL="$TOP/testdata/onecrl/onecrl-2026-10.json"
CERTDATA="$TOP/testdata/nss/certdata-2026.txt"
DATE=2026-10-01

# The certificates of the CCADB rows with these SHA-256 fingerprints, as PEM
# files $WORK/FP.pem (from the reports as they are, one pass); pem FP names one.
FPS="11E1A76D16E4055B2DC197A0546ADE54509A7BB612D8EB863997691EDEADB9E8
CAB9C12DBDE3AD5D2BC0201B54B18BE209CD5E146AAA085ABBDF241B096DFF47
3BDED8110E8F8C5637950F227422F76DC60545B31688357DE68F7E1912EC02F8
2FA315DC154C213DC0C16FD12FA021BA9974F0C9AE142E24BF3AED150A7CE6FC
8948D65A91A81B8D8D79D7603B42FBA68A690567F0456488339BF4D0937BDAF4
D8E0FEBC1DB2E38D00940F37D27D41344D993E734B99D5656D9778D4D8143624
2930BD09A07126BDC17288D4F2AD84645EC948607907A97B5ED0B0B05879EF69
2F1062F8BF84E7EB83A0F64C98D891FBE2C811B17FFAC0BCE1A6DC9C7C3DCBB7
1D4F0596FCA2611D09F84C78F2EA565EF2EAB9CFC272A1718BD336E6E0AE021A
A798A1C70E9B6D50EAA5724A26FAC7991848EDC61BF48D79816BCAFB66972128
92A9D9833FE1944DB366E8BFAE7A95B6480C2D6C6C2A1BE65D4236B608FCA1BB"
awk -v fps="$FPS" -v dir="$WORK" '
    BEGIN { n = split(fps, f, "\n"); for (i = 1; i <= n; i++) want[f[i]] = 1 }
    /^[0-9A-F]+,/ && index($0, ",") == 65 { fp = substr($0, 1, 64); out = (fp in want) ? dir "/" fp ".pem" : "" }
    out != "" {
        line = $0
        sub(/^[0-9A-F]*,"/, "", line)
        gsub(/["\047\r]/, "", line)
        print line >out
        if (line ~ /-----END CERTIFICATE-----/) { close(out); out = "" }
    }' "$TOP"/testdata/ccadb/AllCertificatePEMsCSVFormat_*
pem() {
    openssl x509 -in "$WORK/$1.pem" -noout 2>/dev/null || echo "no certificate $1 in testdata/ccadb" >&2
    echo "$WORK/$1.pem"
}

# In OneCRL (by issuer + serial): WoSign by UTN-DATACorp SGC; QuoVadis Global
# SSL ICA G3 (expired 2022-11-06); CA A8 (DST, expired 2020); CA Camerfirma
# Express Corporate Server. In OneCRL by subject + key: DigiNotar Root CA
# (DigiNotar's records are subject + pubKeyHash). Not in OneCRL: Certum CA;
# RSA's Secure Server CA and a Thawte Personal CA (expired); two of the
# Agence Nationale de Certification Electronique's CAs; a VeriSign Class 2 G3.
WOSIGN=$(pem 11E1A76D16E4055B2DC197A0546ADE54509A7BB612D8EB863997691EDEADB9E8)
QUOVADIS=$(pem CAB9C12DBDE3AD5D2BC0201B54B18BE209CD5E146AAA085ABBDF241B096DFF47)
DIGINOTAR=$(pem 3BDED8110E8F8C5637950F227422F76DC60545B31688357DE68F7E1912EC02F8)
CAA8=$(pem 2FA315DC154C213DC0C16FD12FA021BA9974F0C9AE142E24BF3AED150A7CE6FC)
CAMERFIRMA=$(pem 8948D65A91A81B8D8D79D7603B42FBA68A690567F0456488339BF4D0937BDAF4)
CERTUM=$(pem D8E0FEBC1DB2E38D00940F37D27D41344D993E734B99D5656D9778D4D8143624)
RSA=$(pem 2930BD09A07126BDC17288D4F2AD84645EC948607907A97B5ED0B0B05879EF69)
THAWTE=$(pem 2F1062F8BF84E7EB83A0F64C98D891FBE2C811B17FFAC0BCE1A6DC9C7C3DCBB7)
ANCE1=$(pem 1D4F0596FCA2611D09F84C78F2EA565EF2EAB9CFC272A1718BD336E6E0AE021A)
ANCE2=$(pem A798A1C70E9B6D50EAA5724A26FAC7991848EDC61BF48D79816BCAFB66972128)
VERISIGN=$(pem 92A9D9833FE1944DB366E8BFAE7A95B6480C2D6C6C2A1BE65D4236B608FCA1BB)
n_pems=$(cat "$WORK"/*.pem | grep -c 'BEGIN CERTIFICATE')
[ "$n_pems" -eq 11 ] && ok "11 real certificates extracted from testdata/ccadb by fingerprint" ||
    not_ok "certificates extracted" "$n_pems"

# The consistent report: every row in a ✅ cell.
sh "$TOP/tests/e2e/mkrevoked.sh" "$WORK/ok.csv" <<EOF
Added to OneCRL|$WOSIGN|2016.10.21|(4) superseded|WoSign CA Limited
Added to OneCRL|$QUOVADIS|2020.06.04|(4) superseded|QuoVadis
Added to OneCRL|$DIGINOTAR|2011.09.01|(2) cACompromise|DigiNotar
Cert Expired|$RSA
Cert Expired|$THAWTE
Ready to Add|$ANCE1
Ready to Add|$ANCE2
EOF
# The full report: plus one row in each ❌ cell.
cp "$WORK/ok.csv" "$WORK/full.csv"
sh "$TOP/tests/e2e/mkrevoked.sh" "$WORK/more.csv" <<EOF
Cert Expired|$CAA8
Ready to Add|$CAMERFIRMA
Added to OneCRL|$CERTUM
EOF
tail -n +2 "$WORK/more.csv" >>"$WORK/full.csv"

# 1. The consistent report: exit 0.
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/ok.csv" --date $DATE
expect_status "a report whose rows are all in ✅ cells" 0
has "... the table: 3 present and Added, 1,888 OneCRL records no row names" "$WORK/out" \
    '^\| Present in OneCRL \| ✅ 3 \| ❌ 0 \| ❌ 0 \| ℹ️ 1888 \|$'
has "... 2 absent and expired, 2 absent and Ready to Add" "$WORK/out" \
    '^\| Absent from OneCRL \| ❌ 0 \| ✅ 2 \| ✅ 2 \| — \|$'
has "... no inconsistency" "$WORK/out" '^Inconsistencies \(the ❌ cells\): 0\.$'
has "... the dump: 1,891 records, its 4 duplicate keys once" "$WORK/out" \
    '\(1891 records, duplicates left out\); report: .*ok\.csv \(7 rows\)'

# 2. The full report: every cell populated, exit 3.
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/full.csv" --date $DATE --rows 5
expect_status "a report with a row in each ❌ cell" 3
cp "$WORK/out" "$WORK/full.md"
has "the table's first row: 3 Added, 1 Cert Expired, 1 Ready to Add, 1,886 not in the report" \
    "$WORK/full.md" '^\| Present in OneCRL \| ✅ 3 \| ❌ 1 \| ❌ 1 \| ℹ️ 1886 \|$'
has "the table's last row: 1 Added, 2 Cert Expired, 2 Ready to Add" "$WORK/full.md" \
    '^\| Absent from OneCRL \| ❌ 1 \| ✅ 2 \| ✅ 2 \| — \|$'
has "3 inconsistencies" "$WORK/full.md" '^Inconsistencies \(the ❌ cells\): 3\.$'
has "stderr sums it up" "$WORK/err" '^reconcile: 10 rows, 1891 OneCRL records: 3 inconsistencies'
has "present, Added: WoSign by issuer + serial, with its name, line, issuer, serial, fingerprint" \
    "$WORK/full.md" '^- WoSign CA Limited/Certification Authority of WoSign \(report line [0-9]+, row 1\): issuer "UTN - DATACorp SGC" serial 130D5E7BD26AED0FC38A0DC0085E15E9, SHA-256 11E1A76D16E4055B2DC197A0546ADE54509A7BB612D8EB863997691EDEADB9E8; OneCRL /data/[0-9]+ by issuer-serial$'
has "present, Added: DigiNotar Root CA by subject + key" "$WORK/full.md" \
    '^- DigiNotar/DigiNotar Root CA \(report line [0-9]+, row 3\): .*SHA-256 3BDED8110E8F8C5637950F227422F76DC60545B31688357DE68F7E1912EC02F8; OneCRL /data/[0-9]+ by subject-key$'
has "present, Cert Expired: CA A8" "$WORK/full.md" '^## ❌ Present in OneCRL, Cert Expired: 1$'
has "... its record" "$WORK/full.md" '^- .*/CA A8 \(report line [0-9]+, row 8\): issuer ".*" serial .*, SHA-256 2FA315DC154C213DC0C16FD12FA021BA9974F0C9AE142E24BF3AED150A7CE6FC; OneCRL /data/[0-9]+ by issuer-serial$'
has "present, Ready to Add: Camerfirma" "$WORK/full.md" '^## ❌ Present in OneCRL, Ready to Add: 1$'
has "... its record" "$WORK/full.md" '^- .*CA Camerfirma Express Corporate Server \(report line [0-9]+, row 9\): .*SHA-256 8948D65A91A81B8D8D79D7603B42FBA68A690567F0456488339BF4D0937BDAF4; OneCRL /data/[0-9]+ by issuer-serial$'
has "absent, Added to OneCRL: Certum CA" "$WORK/full.md" '^## ❌ Absent from OneCRL, Added to OneCRL: 1$'
has "... its record, matched by nothing" "$WORK/full.md" '^- .*/Certum CA \(report line [0-9]+, row 10\): .*SHA-256 D8E0FEBC1DB2E38D00940F37D27D41344D993E734B99D5656D9778D4D8143624$'
has "absent, Cert Expired: RSA's Secure Server CA" "$WORK/full.md" '^- .*\(report line [0-9]+, row 4\): .*SHA-256 2930BD09A07126BDC17288D4F2AD84645EC948607907A97B5ED0B0B05879EF69$'
has "absent, Ready to Add: ANCE" "$WORK/full.md" '^- .*\(report line [0-9]+, row 6\): .*SHA-256 1D4F0596FCA2611D09F84C78F2EA565EF2EAB9CFC272A1718BD336E6E0AE021A$'
has "not in the report: under a note, not an alarm" "$WORK/full.md" \
    '^## ℹ️ Present in OneCRL, Absent from the report: 1886$'
has "... the note, and what they are: DigiNotar's 2 other subject + key records, 1,884 issuer + serial" \
    "$WORK/full.md" '^Note: the report lists revoked intermediates only.* Of these: 2 subject \+ key, 1884 issuer \+ serial \(give --pool'
has "... --rows 5: five records, then how many more" "$WORK/full.md" '^- \.\.\. and 1881 more$'
count "... a OneCRL record with its path, name, issuer and serial" "$WORK/full.md" \
    '^- OneCRL /data/[0-9]+( "[^"]*")?: issuer ".*" serial [0-9A-F]+$' 5

# 3. --policy: what the maintainer's policy sends to OneCRL.
cat >"$WORK/policy.json" <<EOF
{"version": 1, "entries": [
  {"certificate": "$ANCE1", "label": "ANCE, revoked", "targets": ["onecrl", "blob"]},
  {"certificate": "$CERTUM", "label": "Certum CA, revoked", "targets": ["onecrl"]},
  {"certificate": "$VERISIGN", "label": "VeriSign Class 2 G3", "targets": ["onecrl"]}]}
EOF
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/full.csv" --date $DATE --policy "$WORK/policy.json"
expect_status "--policy: two ❌ left (the policy adds Certum CA)" 3
has "the policy's row: Added and Ready to Add through it, one distrust no row names" "$WORK/out" \
    '^\| In the policy, not yet in OneCRL \| ✅ 1 \| ❌ 0 \| ✅ 1 \| ℹ️ 1 \|$'
has "... and the rows left absent" "$WORK/out" '^\| Absent from OneCRL \| ❌ 0 \| ✅ 2 \| ✅ 1 \| — \|$'
has "... 2 inconsistencies" "$WORK/out" '^Inconsistencies \(the ❌ cells\): 2\.$'
has "... the entry that holds it, and how it matched" "$WORK/out" \
    '^- .*/Certum CA \(report line [0-9]+, row 10\): .*; policy policy\.json /entries/1 by issuer-serial$'
has "... the policy's distrust no row names" "$WORK/out" \
    '^- policy policy\.json /entries/2 "VeriSign Class 2 G3": issuer '

# 4. JSON.
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/full.csv" --date $DATE --json
expect_status "--json: the same verdict" 3
if command -v jq >/dev/null 2>&1; then
    J="$WORK/out"
    counts=$(jq -r '[.cells.present_in_onecrl, .cells.absent_from_onecrl] | map([.added_to_onecrl.count, .cert_expired.count, .ready_to_add.count, .absent_from_report.count] | map(tostring) | join(" ")) | join(" | ")' "$J")
    [ "$counts" = "3 1 1 1886 | 1 2 2 0" ] && ok "JSON: every cell's count" || not_ok "JSON counts" "$counts"
    v=$(jq -r '[.cells.present_in_onecrl[].verdict, .cells.absent_from_onecrl[].verdict] | join(" ")' "$J")
    [ "$v" = "note ok inconsistent inconsistent n/a inconsistent ok ok" ] && ok "JSON: the verdicts (keys sorted)" ||
        not_ok "JSON verdicts" "$v"
    [ "$(jq '.cells.present_in_onecrl.absent_from_report.records | length' "$J")" = 1886 ] &&
        ok "JSON: every record listed (no --rows cap)" || not_ok "JSON lists everything"
    r=$(jq -r '.cells.present_in_onecrl.added_to_onecrl.records[] | select(.certificate.sha256 | startswith("3BDED811")) | [.name, .onecrl.match, .onecrl.json_path, (.onecrl.subject | length > 0 | tostring), .row, .reason] | map(tostring) | join("|")' "$J")
    case $r in
    "DigiNotar/DigiNotar Root CA|subject-key|/data/"*"|true|3|(2) cACompromise") ok "JSON: DigiNotar's row, matched by subject + key, its record's path and fields" ;;
    *) not_ok "JSON: a subject + key match" "$r" ;;
    esac
    r=$(jq -r '.cells.absent_from_onecrl.added_to_onecrl.records[0] | [.certificate.serial, .certificate.issuer_der[0:4], (.onecrl == null | tostring), .line] | map(tostring) | join("|")' "$J")
    s=$(openssl x509 -in "$CERTUM" -noout -serial | sed 's/serial=//')
    case $r in
    "$s|MD4x|true|"*) ok "JSON: Certum CA's serial (as openssl prints it), issuer DER, no OneCRL record, its line" ;;
    *) not_ok "JSON: the absent Added row" "$r (serial $s)" ;;
    esac
    [ "$(jq '.inconsistencies' "$J") $(jq '.bypasses.checked' "$J") $(jq '.prunable.checked' "$J")" = "3 false false" ] &&
        ok "JSON: 3 inconsistencies; no pool: bypasses and prunable records not checked" ||
        not_ok "JSON: inconsistencies and checks" "$(jq -c '[.inconsistencies, .bypasses.checked, .prunable.checked]' "$J")"
else
    ok "JSON: checked with jq # SKIP jq not installed"
fi

# 5. A revocation a cross-certificate bypasses, on the real WebPKI.
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/ok.csv" --date $DATE --pool "$TOP/testdata/ccadb" \
    --certdata "$CERTDATA" --json
expect_status "pool and root store: the bypass of a superseded certificate is told, not failed" 0
cp "$WORK/out" "$WORK/pool.json"
if command -v jq >/dev/null 2>&1; then
    r=$(jq -r '.bypasses.records[] | select(.revoked.sha256 | startswith("CAB9C12D")) | [.certificate.sha256, .certificate.issuer, .anchor.subject, .purpose, .chain_length, .compromise, .revoked.report_row] | map(tostring) | join("|")' "$WORK/pool.json")
    [ "$r" = "161EE5386329B28A27FF405736552A621D5A844A43811E3623E52EEFA0BA840A|QuoVadis Root CA 2 G3|QuoVadis Root CA 2 G3|server-auth|2|false|2" ] &&
        ok "QuoVadis Global SSL ICA G3: revoked (in OneCRL), bypassed by its re-issue under QuoVadis Root CA 2 G3 (NSS anchor), a chain of 2" ||
        not_ok "the QuoVadis bypass" "$r"
    nb=$(jq '.bypasses.count' "$WORK/pool.json")
    nr=$(jq '.bypasses.records | length' "$WORK/pool.json")
    nc=$(jq '.bypasses.compromise' "$WORK/pool.json")
    [ "$nb" = "$nr" ] && [ "$nb" -ge 1 ] && [ "$nc" = 0 ] &&
        ok "bypasses: $nb listed (the report's rows and OneCRL's records), none for a compromise" ||
        not_ok "bypass counts" "count $nb, records $nr, compromise $nc"
    # A key the root store trusts itself is no bypass: no record's key is an
    # anchor's (the revoked cross-certificates of roots are left out).
    jq -r '.bypasses.records[].certificate.sha256' "$WORK/pool.json" | sort >"$WORK/bypassing"
    jq -r '.bypasses.records[] | select(.anchor.sha256 == .certificate.sha256) | .certificate.sha256' "$WORK/pool.json" >"$WORK/self"
    [ ! -s "$WORK/self" ] && ok "no bypassing certificate is itself an anchor" ||
        not_ok "a root listed as its own bypass" "$(head -3 "$WORK/self")"
    # Prunable: the QuoVadis record (its certificate expired in 2022) is;
    # Camerfirma's (valid until 2034) is not.
    qv=$(jq -r '.cells.present_in_onecrl.added_to_onecrl.records[] | select(.certificate.sha256 | startswith("CAB9C12D")) | .onecrl.json_path' "$WORK/pool.json")
    np=$(jq '.prunable.count' "$WORK/pool.json")
    jq -r '.prunable.records[].onecrl.json_path' "$WORK/pool.json" >"$WORK/prunable"
    grep -qx "$qv" "$WORK/prunable" && ok "prunable: $np OneCRL records, QuoVadis's ($qv, expired 2022-11-06) among them" ||
        not_ok "QuoVadis's record prunable" "path '$qv', $np prunable"
    run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/full.csv" --date $DATE --pool "$TOP/testdata/ccadb" --json
    cf=$(jq -r '.cells.present_in_onecrl.ready_to_add.records[0].onecrl.json_path' "$WORK/out")
    jq -r '.prunable.records[].onecrl.json_path' "$WORK/out" >"$WORK/prunable2"
    k=$(jq -r '.cells.present_in_onecrl.absent_from_report.kinds | [.subject_key, .ca, .end_entity, .unknown] | map(tostring) | join(" ")' "$WORK/out")
    set -- $k
    [ "$#" = 4 ] && [ "$1" = 2 ] && [ $(($2 + $3 + $4)) = 1884 ] && [ "$2" -gt 0 ] && [ "$4" -gt 0 ] &&
        ok "with the pool, the records no row names: $1 subject + key, $2 CA and $3 end-entity certificates of the pool, $4 not in it" ||
        not_ok "kinds of the records no row names" "$k"
    [ -n "$cf" ] && ! grep -qx "$cf" "$WORK/prunable2" && [ "$(jq .prunable.count "$WORK/out")" = "$np" ] &&
        ok "... Camerfirma's ($cf, valid until 2034) is not; the count is the pool's, not the report's" ||
        not_ok "Camerfirma's record not prunable" "$cf"
else
    ok "the QuoVadis bypass, checked with jq # SKIP jq not installed"
fi
# The same in Markdown, and its negatives.
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/ok.csv" --date $DATE --pool "$TOP/testdata/ccadb" \
    --certdata "$CERTDATA"
has "stderr sums it up: the bypasses (none for a compromise) and the records to prune" "$WORK/err" \
    '^reconcile: 7 rows, 1891 OneCRL records: 0 inconsistencies, [0-9]+ revocations bypassed \(0 for a compromise\), 925 records to prune$'
has "Markdown: the QuoVadis bypass, its anchor and chain" "$WORK/out" \
    '^- revoked QuoVadis/QuoVadis Global SSL ICA G3 \(report line [0-9]+, reason "\(4\) superseded"\), bypassed by "QuoVadis Global SSL ICA G3" \(.*SHA-256 161EE5386329B28A27FF405736552A621D5A844A43811E3623E52EEFA0BA840A\), trusted for server-auth through "QuoVadis Root CA 2 G3" .*\(a chain of 2\)$'
sh "$TOP/tests/e2e/mkrevoked.sh" "$WORK/kc.csv" <<EOF
Added to OneCRL|$QUOVADIS|2020.06.04|(1) keyCompromise|QuoVadis
EOF
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/kc.csv" --date $DATE --pool "$TOP/testdata/ccadb" \
    --certdata "$CERTDATA"
expect_status "the same certificate revoked for keyCompromise: its key stays trusted, a failed check" 3
has "... marked ❌" "$WORK/out" '^- revoked ❌ QuoVadis/QuoVadis Global SSL ICA G3 \(report line [0-9]+, reason "\(1\) keyCompromise"\), bypassed by "QuoVadis Global SSL ICA G3"'
has "... counted" "$WORK/out" '^## Revocations a cross-certificate bypasses: [0-9]+ \(1 for a compromise ❌\)$'
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/kc.csv" --date 2026-12-01 --pool "$TOP/testdata/ccadb" \
    --certdata "$CERTDATA"
expect_status "after 2026-11-02 the re-issue has expired" 0
hasnt "... and bypasses nothing" "$WORK/out" 'QuoVadis Global SSL ICA G3" \(.*161EE5386329B28A'
# Without the root store, no anchor: nothing is looked for.
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/kc.csv" --date $DATE --pool "$TOP/testdata/ccadb"
expect_status "without --certdata, no bypass is looked for" 0
hasnt "... and none is listed" "$WORK/out" 'cross-certificate bypasses'

# 6. Usage.
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/ok.csv" --certdata "$CERTDATA"
expect_status "--certdata without --pool" 2
run "$D" reconcile --ccadb "$WORK/ok.csv"
expect_status "--onecrl is required" 2
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/ok.csv" --rows 0
expect_status "--rows 0" 2

# 7. A OneCRL Status the CCADB may add (none of the three): a warning at its
# place, the row left out and counted, the others judged; --strict fails.
awk '!done && sub(/"Added to OneCRL"/, "\"Added To Firefox\"") { done = 1 } 1' "$WORK/ok.csv" >"$WORK/other.csv"
line=$(awk 'NR > 1 && /Added To Firefox/ { print NR; exit }' "$WORK/other.csv")
run "$D" reconcile --onecrl "$ONECRL" --ccadb "$WORK/other.csv" --date $DATE
expect_status "another OneCRL Status: a warning, not an error" 0
has "... at file:line with its row" "$WORK/err" "other\.csv:$line: warning: row [0-9]+: OneCRL Status \"Added To Firefox\" is none of .*left out of the table"
has "... the table says one row was left out" "$WORK/out" '1 rows with another OneCRL Status left out \(warned\)'
has "... the other rows are judged: 2 present and Added" "$WORK/out" '^\| Present in OneCRL \| ✅ 2 \| ❌ 0 \| ❌ 0 \|'
run "$D" reconcile --strict --onecrl "$ONECRL" --ccadb "$WORK/other.csv" --date $DATE
expect_status "... and with --strict the warning fails the run" 3

done_testing
