# Shared helpers for end-to-end tests (sourced). Each check prints one TAP
# line; a test script ends with `done_testing`.
set -u
: "${DISTRUST:?run through tests/run.sh or set DISTRUST}"
: "${TOP:?}"
PKI="$TOP/testdata/pki"
n=0
nfail=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/distrust-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1))
    nfail=$((nfail + 1))
    echo "not ok $n - $1"
    shift
    for line in "$@"; do printf '#   %s\n' "$line"; done
}
# check DESC CMD...: ok when CMD succeeds.
check() {
    desc=$1
    shift
    if "$@" >"$WORK/.check.out" 2>&1; then ok "$desc"; else
        not_ok "$desc" "command failed: $*" "$(head -c 2000 "$WORK/.check.out")"
    fi
}
# same DESC FILE1 FILE2: ok when byte-identical, else a diff.
same() {
    if cmp -s "$2" "$3"; then ok "$1"; else
        not_ok "$1" "$(diff "$2" "$3" | head -20)"
    fi
}
done_testing() {
    echo "1..$n"
    [ "$nfail" -eq 0 ]
}
