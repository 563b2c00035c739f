#!/bin/sh
# replay.sh DRIVER CORPUS_DIR: feeds every corpus file to a fuzz target's
# stdin driver; each file is one test (a crash or a sanitizer report fails).
set -u
drv=$1
dir=$2
n=0
if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
    echo "not ok 1 - no corpus in $dir"
    exit 1
fi
for f in "$dir"/*; do
    n=$((n + 1))
    if "$drv" <"$f" >/dev/null 2>"${TMPDIR:-/tmp}/replay.$$"; then
        echo "ok $n - $(basename "$f")"
    else
        echo "not ok $n - $(basename "$f")"
        head -n 20 "${TMPDIR:-/tmp}/replay.$$" | sed 's/^/#   /'
    fi
done
rm -f "${TMPDIR:-/tmp}/replay.$$"
