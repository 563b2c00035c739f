#!/bin/sh
# bench/firefox.sh: cases per second, Firefox's engine against NSS's (PKIX),
# on the same cases: the fixture chains and the shipped real cases. Firefox's
# time is start-up (one process per configuration) plus milliseconds per case;
# the report lines of `distrust verify` give both. Needs firefox-esr.
#   sh bench/firefox.sh            (after make)
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
D="$top/$B/distrust"
command -v firefox-esr >/dev/null 2>&1 || { echo "firefox-esr not installed: nothing to compare"; exit 0; }
w=$(mktemp -d "${TMPDIR:-/tmp}/distrust-ffbench.XXXXXX")
trap 'rm -rf "$w"' EXIT
"$D" build -q -o "$w/basic" testdata/chains/basic/policy.json 2>/dev/null
"$D" build -q -o "$w/real" policy 2>/dev/null
now() { date +%s.%N; }
bench() { # NAME OUT ENGINE CASES...
    name=$1 out=$2 eng=$3
    shift 3
    t0=$(now)
    "$D" verify --build "$out" --engine "$eng" "$@" >"$w/v.out" 2>&1
    t1=$(now)
    checks=$(grep -Ec '^(not )?ok [0-9]+ - ' "$w/v.out")
    awk -v n="$name" -v e="$eng" -v c="$checks" -v a="$t0" -v b="$t1" \
        'BEGIN { s = b - a; printf "%-8s %-8s %4d checks in %6.2f s: %8.1f checks/s\n", n, e, c, s, c / s }'
    grep '^# firefox .* started in' "$w/v.out" | sed 's/^/    /'
    # a running Firefox: verifications per second once started (start-up aside)
    awk '/^# firefox .* started in/ {
             for (i = 1; i < NF; i++) {
                 if ($i == "started" && $(i + 1) == "in") up += $(i + 2)
                 if ($(i + 1) == "verifications" && $(i + 2) == "in") { v += $i; ms += $(i + 3) }
             }
             n++
         }
         END { if (n) printf "    %d Firefox processes: %.1f s of start-up; once started, %d verifications in %.2f s: %.1f a second\n", n, up / 1000, v, ms / 1000, v / (ms / 1000) }' "$w/v.out"
}
for eng in pkix firefox; do
    bench basic "$w/basic" "$eng" testdata/chains/basic/cases.json
    bench real "$w/real" "$eng" policy/cases/*.json
done
