#!/bin/sh
# golden.sh [--update]: builds every policy set under testdata/policies/ and
# compares OUT with tests/e2e/golden/<set>/ byte for byte. --update rewrites
# the golden files (make golden); review the diff before committing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
DISTRUST=${DISTRUST:-$top/build/distrust}
update=0
[ "${1:-}" = --update ] && update=1
n=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
for set in testdata/policies/*/; do
    name=$(basename "$set")
    rm -rf "$tmp/out"
    if ! "$DISTRUST" build -q -o "$tmp/out" "$set" >"$tmp/log" 2>&1; then
        n=$((n + 1))
        fail=$((fail + 1))
        echo "not ok $n - $name: build failed"
        sed 's/^/#   /' "$tmp/log"
        continue
    fi
    if [ $update -eq 1 ]; then
        rm -rf "tests/e2e/golden/$name"
        mkdir -p "tests/e2e/golden/$name"
        cp "$tmp/out/"* "tests/e2e/golden/$name/"
        echo "updated tests/e2e/golden/$name"
        continue
    fi
    for f in "$tmp/out/"*; do
        n=$((n + 1))
        g="tests/e2e/golden/$name/$(basename "$f")"
        if [ -f "$g" ] && cmp -s "$f" "$g"; then
            echo "ok $n - $name/$(basename "$f") matches its golden file"
        else
            fail=$((fail + 1))
            echo "not ok $n - $name/$(basename "$f") differs from $g (make golden to update)"
            diff "$g" "$f" 2>&1 | head -20 | sed 's/^/#   /'
        fi
    done
    n=$((n + 1))
    if [ "$(ls "$tmp/out")" = "$(ls "tests/e2e/golden/$name" 2>/dev/null)" ]; then
        echo "ok $n - $name: same file set as the golden directory"
    else
        fail=$((fail + 1))
        echo "not ok $n - $name: file set differs from the golden directory"
    fi
done
[ $update -eq 1 ] || echo "1..$n"
[ $fail -eq 0 ]
