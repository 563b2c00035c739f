#!/bin/sh
# make bench: performance targets, each checked against a wall-clock budget
# and against the answer it must give (a fast wrong answer fails too).
# The synthetic pools are generated once into $B/bench (see genpool.c) and
# reused; delete that directory to regenerate them.
#
#   pool-bundle  100,000 certificates in PEM bundles: distrust lint --pool
#   pool-files   100,000 certificates, one file each:  distrust lint --pool
#   build        distrust build --pool over the bundle pool
#   impact       distrust impact of that build on 99,180 leaves
# then bench/scale.sh (mass revocation), bench/ccadb.sh (the CCADB's reports
# as the pool) and bench/firefox.sh.
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

# The whole output also becomes bench/RESULTS.md (date, machine, commands and
# every figure with its verdict): the run re-invokes itself under tee.
if [ -z "${DT_BENCH_INNER:-}" ]; then
    mkdir -p "$top/$B/bench"
    log="$top/$B/bench/output.txt"
    rm -f "$top/$B/bench/status"
    DT_BENCH_INNER=1 sh "$0" "$@" 2>&1 | tee "$log"
    st=$(cat "$top/$B/bench/status" 2>/dev/null || echo 1)
    {
        echo "# Benchmark results"
        echo
        echo "Written by \`make bench\` (\`bench/run.sh\`, then \`bench/scale.sh\`) on"
        echo "$(date -u +%Y-%m-%d) at $(date -u +%H:%M) UTC; exit status $st."
        echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
        echo "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr); NSS $(pkg-config --modversion nss 2>/dev/null), $(openssl version 2>/dev/null | cut -d' ' -f1-2)."
        echo "What each figure means, and how they moved: NOTES.md and README.md here."
        echo
        echo '```'
        cat "$log"
        echo '```'
    } >"$top/bench/RESULTS.md"
    exit "$st"
fi
echo 1 >"$top/$B/bench/status"
D="$top/$B/distrust"
G="$top/$B/bench/genpool"
W="$top/$B/bench"
N=100000
LEAVES=$((N - 20 - 800)) # genpool: 20 roots, 400 intermediates + 400 cross-certificates

# Budgets in seconds (bench/README.md says why these).
BUDGET_POOL_BUNDLE=5
BUDGET_POOL_FILES=10
BUDGET_BUILD=5
BUDGET_IMPACT=30

fail=0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
over() { awk -v t="$1" -v m="$2" 'BEGIN { exit !(t > m) }'; }

gen() { # DIR [--files]
    if [ ! -f "$1/policy.json" ]; then
        echo "generating $1 ($N certificates; once)"
        rm -rf "$1"
        "$G" "$1" "$N" ${2:-} || { echo "genpool failed"; exit 1; }
    fi
}

# bench NAME BUDGET EXPECT-REGEX CMD...: times CMD, checks its stdout.
bench() {
    name=$1 budget=$2 expect=$3
    shift 3
    t0=$(now)
    "$@" >"$W/$name.out" 2>"$W/$name.err"
    st=$?
    t1=$(now)
    t=$(secs "$t0" "$t1")
    verdict=ok
    if [ "$st" -ne 0 ]; then
        verdict="FAILED (exit $st)"
    elif ! grep -Eq -- "$expect" "$W/$name.out"; then
        verdict="FAILED (wrong answer: no line matching $expect)"
    elif over "$t" "$budget"; then
        verdict="FAILED (over budget)"
    fi
    [ "$verdict" = ok ] || fail=1
    printf '%-12s %8ss  budget %4ss  %s\n' "$name" "$t" "$budget" "$verdict"
    if [ "$verdict" != ok ]; then
        sed 's/^/#   /' "$W/$name.out" | tail -n 5
        sed 's/^/#   /' "$W/$name.err" | tail -n 5
    fi
}

mkdir -p "$W"
gen "$W/pool-bundle"
gen "$W/pool-files" --files
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"

# The budgets are for the tool, not the disk: the page cache is warmed first.
# (Cold, 100,000 small files take about 13 s to read here; see README.md.)
find "$W/pool-bundle" "$W/pool-files" -type f -exec cat {} + >/dev/null

P="$W/pool-bundle"
bench pool-bundle "$BUDGET_POOL_BUNDLE" "pool of $N certificates: 1 distrust found there, 0 open paths" \
    "$D" lint --pool "$P" "$P/policy.json"
bench pool-files "$BUDGET_POOL_FILES" "pool of $N certificates: 1 distrust found there, 0 open paths" \
    "$D" lint --pool "$W/pool-files" "$W/pool-files/policy.json"
rm -rf "$W/out"
bench build "$BUDGET_BUILD" "2 trust objects" \
    "$D" build -o "$W/out" --pool "$P" "$P/policy.json"
# Intermediate 0 issues every 400th leaf: ceil(LEAVES / 400) of them lose every chain.
cut=$(((LEAVES + 399) / 400))
bench impact "$BUDGET_IMPACT" "^$LEAVES corpus certificates: $cut distrusted on every path, 0 distrusted on some paths but valid through another, $((LEAVES - cut)) unaffected, 0 with no path" \
    "$D" impact -b "$W/out" -p "$P/roots.pem" -p "$P/intermediates.pem" -c "$P/leaves.pem"

# The revocation blob: size against the bound and the other formats, opening
# time, lookups per second (blobbench.c prints each target's verdict).
echo
t0=$(now)
if "$top/$B/bench/blobbench" "$top/testdata/onecrl/onecrl-2026-10.json" 100000 1000000 3000000; then
    echo "blob: every target met ($(secs "$t0" "$(now)")s)"
else
    echo "blob: a target MISSED (see above)"
    fail=1
fi

# Mass revocation: build, peer, query --batch, the CRL comparison.
B="$B" sh "$top/bench/scale.sh" || fail=1

# The CCADB's reports as the pool (issue 19): load, lint, build, impact.
B="$B" sh "$top/bench/ccadb.sh" || fail=1

# Firefox's engine against NSS's (PKIX) on the same cases: a measurement, no
# target (Firefox pays a start-up per configuration); says so without
# firefox-esr.
echo
B="$B" sh "$top/bench/firefox.sh" || echo "firefox: the comparison could not run (see above)"

if [ "$fail" -ne 0 ]; then
    echo "bench: FAILED (a target missed or a wrong answer; see above)"
    echo 1 >"$top/$B/bench/status"
    exit 1
fi
echo "bench: every target met"
echo 0 >"$top/$B/bench/status"
