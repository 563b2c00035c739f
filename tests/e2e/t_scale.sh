# Mass revocation: serial lists of thousands of entries go to the blob by
# default; more than 5,000 leaf distrusts aimed at NSS's built-in list is an
# error that says where to send them instead.
. "$TOP/tests/e2e/lib.sh"
PKI="$TOP/testdata/pki"
awk 'BEGIN { for (i = 1; i <= 5001; i++) printf "%02x%06x\n", 1 + i % 100, i }' >"$WORK/s5001.txt"
head -n 5000 "$WORK/s5001.txt" >"$WORK/s5000.txt"
for k in 5000 5001; do
    printf '{"version": 1, "entries": [{"issuer_certificate": "%s/int-a1.pem", "serials_file": "s%s.txt", "targets": ["nss", "blob"]}]}\n' \
        "$PKI" $k >"$WORK/p$k.json"
done
printf '{"version": 1, "entries": [{"issuer_certificate": "%s/int-a1.pem", "serials_file": "s5001.txt"}]}\n' "$PKI" >"$WORK/pblob.json"
run "$DISTRUST" build -q -o "$WORK/o5000" "$WORK/p5000.json"
expect_status "5,000 leaf distrusts for NSS are accepted" 0
count "all in certdata-distrust.txt" "$WORK/o5000/certdata-distrust.txt" '^CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST$' 5000
run "$DISTRUST" build -q -o "$WORK/o5001" "$WORK/p5001.json"
expect_status "5,001 are refused" 1
has "at the entry, saying where to send them" "$WORK/err" 'p5001.json:1:[0-9]+: error: /entries/0: 5001 leaf distrusts target nss \(this entry: 5001\), more than 5000: .*target OneCRL and the blob instead'
[ ! -e "$WORK/o5001" ] && ok "nothing written" || not_ok "nothing written"
run "$DISTRUST" build -q -o "$WORK/oblob" "$WORK/pblob.json"
expect_status "the same serial list with its default targets (the blob)" 0
has "all 5,001 serials in the blob" "$WORK/oblob/manifest.json" '"blob_serials": 5001'
count "and no NSS object" "$WORK/oblob/certdata-distrust.txt" '^CKA_CLASS' 0
done_testing
