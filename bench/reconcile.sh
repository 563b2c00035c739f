#!/bin/sh
# bench/reconcile.sh: `distrust reconcile` at the WebPKI's scale: the real
# OneCRL dump (1,895 records) against a revoked-intermediates report of every
# CCADB certificate of testdata/ccadb (10,229 rows, made here from the
# AllCertificatePEMsCSVFormat reports: the fingerprint and PEM cells as they
# are, the "OneCRL Status" cycling through the three values), first alone,
# then with the CCADB as the pool, then with NSS's root store too (the
# cross-certificate search). Three runs each: wall time and peak RSS.
#   sh bench/reconcile.sh            (after make)
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
D="$top/$B/distrust"
w=$(mktemp -d "${TMPDIR:-/tmp}/distrust-recbench.XXXXXX")
trap 'rm -rf "$w"' EXIT
{
    echo '"OneCRL Status","CA Owner/Certificate Name","SHA-256 Fingerprint","PEM Info"'
    awk '
        FNR == 1 { next } # each report'"'"'s header
        /^[0-9A-F]+,"-----BEGIN CERTIFICATE-----/ {
            split("Added to OneCRL|Cert Expired|Ready to Add", st, "|")
            n++
            fp = substr($0, 1, index($0, ",") - 1)
            rest = substr($0, index($0, ",") + 2)
            printf "\"%s\",\"row %d\",\"%s\",\"\047%s", st[n % 3 + 1], n, fp, rest
            if (rest ~ /-----END CERTIFICATE-----"/) { sub(/"$/, "", rest) }
            printf "\n"
            next
        }
        { line = $0; if (line ~ /-----END CERTIFICATE-----"$/) sub(/"$/, "\047\"", line); print line }
    ' testdata/ccadb/AllCertificatePEMsCSVFormat_*
} >"$w/report.csv"
rows=$(grep -c '^"\(Added to OneCRL\|Cert Expired\|Ready to Add\)",' "$w/report.csv")
echo "report: $rows rows, $(wc -c <"$w/report.csv") bytes"
run() { # NAME ARGS...
    name=$1
    shift
    for i in 1 2 3; do
        /usr/bin/time -f "%e %M" "$D" reconcile -q --onecrl testdata/onecrl/onecrl-2026-10.json \
            --ccadb "$w/report.csv" --date 2026-10-01 "$@" >/dev/null 2>"$w/t"
        tail -n 1 "$w/t"
    done | awk -v n="$name" '{ t = t sprintf(" %.2f s", $1); if ($2 > m) m = $2 }
        END { printf "%-28s%s, peak %d MiB\n", n, t, m / 1024 }'
}
run "report alone"
run "with --pool ccadb" --pool testdata/ccadb
run "with --pool and --certdata" --pool testdata/ccadb --certdata testdata/nss/certdata-2026.txt
