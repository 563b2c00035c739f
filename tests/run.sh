#!/bin/sh
# Runs every test: unit tests, end-to-end scripts, fuzz corpus replays.
# Each test program prints TAP-style "ok ..." / "not ok ..." lines; a program
# that exits non-zero without reporting a failure counts as one failure.
# The last line is "N passed, N failed".
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export B DISTRUST="$top/$B/distrust" TOP="$top"

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run_suite NAME CMD...: runs one test program and tallies its lines.
run_suite() {
    name=$1
    shift
    "$@" >"$log" 2>&1
    status=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name exited with status $status"
        tail -n 20 "$log" | sed 's/^/#   /'
    fi
    if [ "$f" -gt 0 ]; then
        grep -A8 '^not ok ' "$log" | grep -v '^ok ' | sed "s|^|[$name] |"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    printf '%-32s %4d passed, %d failed\n' "$name" "$p" "$f"
}

for t in "$B"/tests/test_*; do
    [ -x "$t" ] || continue
    run_suite "unit/$(basename "$t")" "$t"
done

for t in tests/e2e/t_*.sh; do
    [ -f "$t" ] || continue
    run_suite "e2e/$(basename "$t" .sh)" sh "$t"
done

# Fuzz corpora replay through the stdin drivers.
for f in "$B"/fuzz-stdin/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    run_suite "fuzz-corpus/$name" sh tests/fuzz/replay.sh "$f" "tests/fuzz/corpus/${name#fuzz_}"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
