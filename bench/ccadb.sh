#!/bin/sh
# bench/ccadb.sh (run by make bench): the CCADB's reports as the pool, read
# as they are published (testdata/ccadb: 33 AllCertificatePEMsCSVFormat
# reports, 10,229 rows, 10,217 distinct certificates), issue 19's scale
# targets: the pool loads in about a second; lint --pool, build --pool and
# impact over it stay under 2 s and 100 MB each. Every run's answer is
# checked (the 16 cross-certificates of six roots NSS trusts); the same runs
# over the PEMs cut out of the reports by hand are measured beside them (no
# budget: the comparison). Each figure is the best of three runs (wall time,
# and the peak RSS of that run).
#
#   pool     distrust lint --pool CCADB of a one-entry policy (DigiCert
#            Global Root G2): reading and indexing the pool; budget 1.2 s
#   lint     distrust lint --pool CCADB --roots NSS of the six roots: 16
#            certificates of their subjects and keys found, paths checked
#   build    distrust build --pool CCADB of the six roots: outputs written
#   impact   distrust impact of that build, the CCADB as the pool and NSS's
#            store as the roots, on the 618 certificates of the 2024 report
#   impact-all  the same on every certificate of the CCADB as the corpus
#            (10,217 chain searches: a measurement, no budget)
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
D="$top/$B/distrust"
R="$top/$B/bench/rusage"
W="$top/$B/bench/ccadb"
CC="$top/testdata/ccadb"
NSS="$top/testdata/nss/certdata-2026.txt"
Y=AllCertificatePEMsCSVFormat_NotBeforeYear_2024
[ -x "$R" ] || make --no-print-directory B="$B" "$B/bench/rusage" >/dev/null || exit 1
rm -rf "$W"
mkdir -p "$W"
fail=0
BUDGET_POOL=1.2
BUDGET=2
BUDGET_MB=100

over() { awk -v t="$1" -v m="$2" 'BEGIN { exit !(t > m) }'; }

# The policies: the six roots as NSS ships them.
nss_der() {
    awk -v name="# Certificate \"$1\"" '$0 == name { f = 1 } f && /^CKA_VALUE MULTILINE_OCTAL/ { v = 1; next } v && /^END/ { exit } v { print }' "$NSS" |
        tr -d '\n' | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g' | xargs -0 printf '%b' >"$2" 2>/dev/null
}
i=0
entries=""
for r in "ISRG Root X1" "GTS Root R1" "GTS Root R4" "USERTrust RSA Certification Authority" \
    "DigiCert Global Root G2" "Entrust Root Certification Authority - G2"; do
    nss_der "$r" "$W/r$i.der"
    entries="$entries${entries:+, }{\"certificate\": \"r$i.der\", \"label\": \"$r\"}"
    i=$((i + 1))
done
echo "{\"version\": 1, \"entries\": [$entries]}" >"$W/six.json"
echo "{\"version\": 1, \"entries\": [{\"certificate\": \"r4.der\", \"label\": \"DigiCert Global Root G2\"}]}" >"$W/g2.json"

# The PEM route (the comparison): the PEMs cut out of the reports.
mkdir -p "$W/pems"
for f in "$CC"/AllCertificatePEMsCSVFormat_*; do
    awk '/-----BEGIN CERTIFICATE-----/ { sub(/^.*-----BEGIN/, "-----BEGIN"); p = 1 }
        p { l = $0; gsub(/[\047"\r]/, "", l); if (l ~ /-----END CERTIFICATE-----/) { sub(/-----END CERTIFICATE-----.*/, "-----END CERTIFICATE-----", l); print l; p = 0 } else print l }' \
        "$f" >"$W/pems/$(basename "$f").pem"
done
cat "$CC"/* "$W"/pems/* >/dev/null # warm the page cache

# measure NAME BUDGET|- CHECK-FILE EXPECT-REGEX CMD...: the best of three runs.
measure() {
    name=$1 budget=$2 check=$3 expect=$4
    shift 4
    best="" rss="" st=0
    for k in 1 2 3; do
        rm -rf "$W/out-$name"
        "$R" "$W/ru" "$@" >"$W/$name.out" 2>"$W/$name.err"
        st=$?
        [ "$st" -eq 0 ] || break
        t=$(sed 's/^wall_s=\([0-9.]*\) .*/\1/' "$W/ru")
        m=$(sed 's/.*peak_rss_kib=\([0-9]*\).*/\1/' "$W/ru")
        if [ -z "$best" ] || over "$best" "$t"; then best=$t rss=$m; fi
    done
    [ "$check" = - ] && check="$W/$name.out"
    verdict=ok
    if [ "$st" -ne 0 ]; then
        verdict="FAILED (exit $st)"
    elif ! grep -Eq -- "$expect" "$check"; then
        verdict="FAILED (wrong answer: no line matching $expect)"
    elif [ "$budget" != - ] && { over "$best" "$budget" || over "$((rss / 1024))" "$BUDGET_MB"; }; then
        verdict="FAILED (over budget)"
    fi
    [ "$budget" = - ] && [ "$verdict" = ok ] && verdict="measured"
    [ "$verdict" = ok ] || [ "$verdict" = measured ] || fail=1
    if [ "$budget" = - ]; then say="no budget"; else say="budget $budget s, $BUDGET_MB MB"; fi
    printf '%-16s %6ss %5s MB  %-22s %s\n' "$name" "$best" "$((rss / 1024))" "$say" "$verdict"
    if [ "$verdict" != ok ] && [ "$verdict" != measured ]; then
        sed 's/^/#   /' "$W/$name.out" | tail -n 5
        sed 's/^/#   /' "$W/$name.err" | tail -n 5
    fi
}

echo
echo "CCADB reports as the pool (issue 19): $(ls "$CC"/AllCertificatePEMsCSVFormat_* | wc -l) reports, $(cat "$CC"/* | wc -c) bytes"
for route in csv pem; do
    if [ "$route" = csv ]; then P=$CC C=$CC/$Y b=; else P=$W/pems C=$W/pems/$Y.pem b=-; fi
    s=${route}
    measure "pool-$s" "${b:-$BUDGET_POOL}" - "pool of 10217 certificates" \
        "$D" lint --pool "$P" "$W/g2.json"
    measure "lint-$s" "${b:-$BUDGET}" - "pool of 10217 certificates: 16 distrusts found there" \
        "$D" lint --pool "$P" --roots "$NSS" "$W/six.json"
    measure "build-$s" "${b:-$BUDGET}" "$W/out-build-$s/manifest.json" '"expanded": 16,' \
        "$D" build -q --date 2026-09-01T00:00:00Z --sequence 1 -o "$W/out-build-$s" --pool "$P" "$W/six.json"
    cp -r "$W/out-build-$s" "$W/build-$s"
    measure "impact-$s" "${b:-$BUDGET}" - "^[0-9]+ corpus certificates: [1-9][0-9]* distrusted on every path" \
        "$D" impact --build "$W/build-$s" --pool "$P" --corpus "$C" --roots "$NSS"
    measure "impact-all-$s" - - "^10217 corpus certificates: [1-9][0-9]* distrusted on every path" \
        "$D" impact --build "$W/build-$s" --pool "$P" --corpus "$P" --roots "$NSS"
done
# The two routes give the same answers (the first line names the build).
for n in impact impact-all; do
    tail -n +2 "$W/$n-csv.out" >"$W/$n-csv.table"
    tail -n +2 "$W/$n-pem.out" >"$W/$n-pem.table"
    if [ -s "$W/$n-csv.table" ] && cmp -s "$W/$n-csv.table" "$W/$n-pem.table"; then echo "$n: the same table from the reports and from the PEMs"; else
        echo "$n: FAILED (the reports and the PEMs disagree)"
        diff "$W/$n-pem.table" "$W/$n-csv.table" | head -5
        fail=1
    fi
done
if [ "$fail" -ne 0 ]; then
    echo "ccadb: FAILED (a target missed or a wrong answer; see above)"
    exit 1
fi
echo "ccadb: every target met"
