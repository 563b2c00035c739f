#!/bin/sh
# campaign.sh SECONDS TARGET...: runs each libFuzzer target (make fuzz builds
# them, ASan + UBSan) for SECONDS from its seed corpus, JOBS at a time
# (default 1), at low priority. New inputs go to build/fuzz/corpus-TARGET/
# (the seed corpus in tests/fuzz/corpus/ is not touched; copy an input there
# by hand when it adds coverage or reproduces a fixed bug). Crashes land in
# build/fuzz/crash-TARGET/. A summary line per target (executions, corpus,
# coverage, crashes) is printed and kept in build/fuzz/campaign.txt.
set -u
secs=$1
shift
JOBS=${JOBS:-1}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=build/fuzz
mkdir -p "$out"

run_one() { # TARGET
    t=$1
    name=${t#fuzz_}
    bin=$out/$t
    [ -x "$bin" ] || { echo "$t: not built (make fuzz)"; return 1; }
    mkdir -p "$out/corpus-$name" "$out/crash-$name"
    log=$out/campaign-$name.log
    start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    nice -n 19 "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$out/crash-$name/" "$out/corpus-$name" "tests/fuzz/corpus/$name" \
        >"$log" 2>&1
    st=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    corp=$(ls "$out/corpus-$name" | wc -l)
    crashes=$(ls "$out/crash-$name" | wc -l)
    line="$t: $secs s from $start, exit $st, ${execs:-?} executions, coverage ${cov:-?} edges, $corp new corpus inputs, $crashes crash files"
    echo "$line"
    echo "$line" >>"$out/campaign.txt"
}

running=0
for t in "$@"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait
        running=0
    fi
done
wait
