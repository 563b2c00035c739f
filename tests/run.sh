#!/bin/sh
# Runs every test: unit tests, end-to-end scripts, fuzz corpus replays.
# Each test program prints TAP-style "ok ..." / "not ok ..." lines; a program
# that exits non-zero without reporting a failure counts as one failure.
# A skip ("ok N - ... # SKIP reason", or a whole program's plan
# "1..0 # SKIP reason") is neither a pass nor a failure: skips are counted
# apart, each is echoed with its reason, and their number is printed on its
# own line just before the last line, "N passed, N failed".
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export B DISTRUST="$top/$B/distrust" TOP="$top"

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run_suite NAME CMD...: runs one test program and tallies its lines.
run_suite() {
    name=$1
    shift
    "$@" >"$log" 2>&1
    status=$?
    # TAP: a directive follows '#' after the description, SKIP in any case.
    sk=$(grep -Eic '^ok .*# *skip' "$log")
    p=$(($(grep -c '^ok ' "$log") - sk))
    f=$(grep -c '^not ok ' "$log")
    if grep -Eiq '^1\.\.0 *# *skip' "$log"; then
        sk=$((sk + 1))
    fi
    if [ "$sk" -gt 0 ]; then
        grep -Ei '^ok .*# *skip|^1\.\.0 *# *skip' "$log" | sed "s|^|[$name] |"
    fi
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
    skipped=$((skipped + sk))
    if [ "$sk" -gt 0 ]; then
        printf '%-32s %4d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$sk"
    else
        printf '%-32s %4d passed, %d failed\n' "$name" "$p" "$f"
    fi
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

echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
