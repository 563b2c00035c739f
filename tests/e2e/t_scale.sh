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
# 200,000 serials: the summary tells what each output holds, and progress
# (on a terminal only, never under -q) counts serials and blob entries, not
# bytes, and reaches 100 % in every phase.
awk 'BEGIN { for (i = 1; i <= 200000; i++) printf "%02x%08x\n", 1 + i % 100, i }' >"$WORK/s200k.txt"
printf '{"version": 1, "entries": [{"issuer_certificate": "%s/int-a1.pem", "serials_file": "s200k.txt"}]}\n' "$PKI" >"$WORK/p200k.json"
run "$DISTRUST" build --sequence 1 --date 2026-01-01 -o "$WORK/o200k" "$WORK/p200k.json"
expect_status "200,000 serials build" 0
has "the summary counts the blob's entries and size" "$WORK/out" "^  revocations.blob: 200000 issuer\\+serial entries under 1 issuer, 0 subject\\+key entries, [0-9]+ bytes; sequence 1, created 2026-01-01T00:00:00Z$"
has "and says certdata-distrust.txt holds nothing" "$WORK/out" "^  certdata-distrust.txt: 0 trust objects"
if grep -q "$(printf '\r')" "$WORK/err"; then not_ok "off a terminal: no progress" "$(od -c "$WORK/err" | head -3)"; else ok "off a terminal: no progress"; fi
if command -v script >/dev/null 2>&1; then
    script -qec "$DISTRUST build --sequence 1 --date 2026-01-01 -o '$WORK/o200t' '$WORK/p200k.json'" /dev/null >"$WORK/tty.raw" 2>&1
    tr '\r' '\n' <"$WORK/tty.raw" >"$WORK/tty"
    has "on a terminal: reading serials counts serials, up to all of them" "$WORK/tty" "reading serials: 200000/200000 \\(100%\\)"
    hasnt "never bytes (1.8 MB would be the total)" "$WORK/tty" "reading serials: [0-9]+/(1|2)[0-9]{6}"
    has "the blob phase reaches 100 %" "$WORK/tty" "writing revocations.blob: 200000/200000 \\(100%\\)"
    script -qec "$DISTRUST build -q --sequence 1 --date 2026-01-01 -o '$WORK/o200q' '$WORK/p200k.json'" /dev/null >"$WORK/ttyq.raw" 2>&1
    if [ -d "$WORK/o200q" ] && ! grep -q "$(printf '\r')" "$WORK/ttyq.raw"; then ok "-q on a terminal: no progress"; else
        not_ok "-q on a terminal: no progress" "$(od -c "$WORK/ttyq.raw" | head -5)"; fi
else
    ok "# SKIP no script(1) for a terminal"
fi

done_testing
