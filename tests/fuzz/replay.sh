#!/bin/sh
# replay.sh DRIVER CORPUS_DIR: feeds corpus files to a fuzz target's stdin
# driver; each file is one test (a crash or a sanitizer report fails).
#
# With DT_SLOW=1 (make check-slow, make asan) every file of the corpus is
# replayed. Without it (make check) a fixed seed sample is: every file with a
# hand-given name (the seeds written for the target) and one in
# DT_FUZZ_SAMPLE (default 4) of the files libFuzzer named by their SHA-1, in
# sorted order.
set -u
drv=$1
dir=$2
every=${DT_FUZZ_SAMPLE:-4}
case $every in '' | *[!0-9]* | 0) echo "not ok 1 - DT_FUZZ_SAMPLE wants a positive number, not '$every'"; exit 1 ;; esac
[ "${DT_SLOW:-0}" = 1 ] && every=1
n=0
if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
    echo "not ok 1 - no corpus in $dir"
    exit 1
fi
total=0
k=0
for f in "$dir"/*; do
    total=$((total + 1))
    case $(basename "$f") in
        [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]????????????????????????????????)
            k=$((k + 1))
            [ $(((k - 1) % every)) -eq 0 ] || continue
            ;;
    esac
    n=$((n + 1))
    if "$drv" <"$f" >/dev/null 2>"${TMPDIR:-/tmp}/replay.$$"; then
        echo "ok $n - $(basename "$f")"
    else
        echo "not ok $n - $(basename "$f")"
        head -n 20 "${TMPDIR:-/tmp}/replay.$$" | sed 's/^/#   /'
    fi
done
rm -f "${TMPDIR:-/tmp}/replay.$$"
if [ "$n" -lt "$total" ]; then
    echo "# seed sample: $n of the $total files of $dir (DT_SLOW=1 replays them all)"
fi
echo "1..$n"
