# distrust verify's worker processes: chains of one configuration share an
# NSS process. The verdicts must be those of one process per verification
# (--fresh-processes) on every fixture suite, and a chain that could only
# validate with another case's leftover certificate (libpkix caches the
# certificates it found for an hour) must still be INVALID: the verdict is
# redone alone, and the report counts it.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
P="$TOP/testdata/pki"

build() { "$DISTRUST" build -q -o "$WORK/$1" "$2" >"$WORK/build.log" 2>&1 || not_ok "build $2" "$(cat "$WORK/build.log")"; }
# same_as_fresh NAME OUT CASES...: default workers against --fresh-processes.
same_as_fresh() {
    name=$1 out=$2
    shift 2
    # shellcheck disable=SC2086
    "$DISTRUST" verify --build "$WORK/$out" --engine nss ${VOPTS:-} "$@" >"$WORK/shared.out" 2>&1
    s1=$?
    # shellcheck disable=SC2086
    "$DISTRUST" verify --build "$WORK/$out" --engine nss ${VOPTS:-} --fresh-processes "$@" >"$WORK/fresh.out" 2>&1
    s2=$?
    grep -v '^# NSS: ' "$WORK/shared.out" >"$WORK/shared.cmp"
    grep -v '^# NSS: ' "$WORK/fresh.out" >"$WORK/fresh.cmp"
    checks=$(sed -n 's/^\([0-9]*\) passed, .*/\1/p' "$WORK/fresh.out")
    if [ "$s1" -eq "$s2" ] && [ "${checks:-0}" -gt 0 ] && cmp -s "$WORK/shared.cmp" "$WORK/fresh.cmp"; then
        ok "$name: the same report as one process per verification ($checks checks passed, exit $s1)"
    else
        not_ok "$name: shared workers differ from fresh processes (exit $s1 vs $s2)" \
            "$(diff "$WORK/fresh.cmp" "$WORK/shared.cmp" | head -n 20)"
    fi
    # the fresh run used one process per verification
    n_ver=$(sed -n 's/^# NSS: \([0-9]*\) verifications in \([0-9]*\) processes.*/\1 \2/p' "$WORK/fresh.out")
    set -- $n_ver
    if [ "$#" -eq 2 ] && [ "$1" -eq "$2" ]; then ok "$name: --fresh-processes: $1 verifications in $2 processes"; else
        not_ok "$name: --fresh-processes process count" "$(grep '^# NSS' "$WORK/fresh.out")"; fi
}

build basic "$C/basic/policy.json"
same_as_fresh basic basic "$C/basic/cases.json"
build cross "$C/cross-signed/policy.json"
same_as_fresh cross-signed cross "$C/cross-signed/cases.json"
build incomplete "$C/cross-signed-incomplete/policy.json"
same_as_fresh "cross-signed, incomplete build (mismatches)" incomplete "$C/cross-signed/cases.json"
"$DISTRUST" build -q -o "$WORK/real" "$TOP/policy" >"$WORK/build.log" 2>&1 || not_ok "build policy/" "$(cat "$WORK/build.log")"
same_as_fresh "real incidents" real "$TOP"/policy/cases/*.json

# Shared workers: fewer processes than verifications on the real incidents.
set -- $(sed -n 's/^# NSS: \([0-9]*\) verifications in \([0-9]*\) processes.*/\1 \2/p' "$WORK/shared.out")
if [ "$#" -eq 2 ] && [ "$2" -lt "$1" ]; then ok "real incidents: $1 verifications in $2 worker processes"; else
    not_ok "workers are shared" "$(grep '^# NSS' "$WORK/shared.out")"; fi

# Every NSS deployment: the root-store deployment of a merged build, and p11-kit.
"$DISTRUST" build -q -o "$WORK/merged" --certdata "$C/roots-certdata.txt" "$C/basic/policy.json" >"$WORK/build.log" 2>&1 ||
    not_ok "build --certdata" "$(cat "$WORK/build.log")"
same_as_fresh "merged build (overlay and root-store)" merged "$C/merge/cases.json"
VOPTS="--deployments overlay,p11-kit" same_as_fresh "overlay and p11-kit" basic "$C/basic/cases.json"

# Contamination: case 1 offers leaf + intermediate; cases 2 and 3 offer a
# leaf of the same intermediate without it (the same leaf, and its
# sibling). Alone, they cannot validate: INVALID. In one worker after case
# 1, libpkix finds the cached intermediate; the path shows it, and the
# verdict is redone in a process of its own.
cat >"$WORK/contam.json" <<JSON
{"cases": [
 {"name": "complete chain", "chain": ["$P/leaf-a1.pem", "$P/int-a1.pem"], "anchors": ["$P/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"},
 {"name": "same leaf, no intermediate", "chain": ["$P/leaf-a1.pem"], "anchors": ["$P/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"},
 {"name": "sibling leaf, no intermediate", "chain": ["$P/leaf-a1-2.pem"], "anchors": ["$P/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"}
]}
JSON
for mode in "--jobs 1" "--fresh-processes"; do
    "$DISTRUST" verify --build "$WORK/basic" --engine nss $mode "$WORK/contam.json" >"$WORK/c.out" 2>&1
    st=$?
    if [ "$st" -eq 3 ] && grep -q '^ok 1 - complete chain \[overlay/pkix\]$' "$WORK/c.out" &&
        grep -q '^not ok 3 - same leaf, no intermediate \[overlay/pkix\] # INVALID: .*SEC_ERROR_UNKNOWN_ISSUER' "$WORK/c.out" &&
        grep -q '^not ok 5 - sibling leaf, no intermediate \[overlay/pkix\] # INVALID: .*SEC_ERROR_UNKNOWN_ISSUER' "$WORK/c.out" &&
        grep -q '^not ok 6 - sibling leaf, no intermediate \[overlay/classic\] # INVALID' "$WORK/c.out"; then
        ok "$mode: chains without their intermediate stay INVALID after a case that had it (exit 3)"
    else
        not_ok "$mode: contamination changed a verdict (exit $st)" "$(grep -v '^#   ' "$WORK/c.out")"
    fi
done
"$DISTRUST" verify --build "$WORK/basic" --engine pkix --jobs 1 "$WORK/contam.json" >"$WORK/c.out" 2>&1
rerun=$(sed -n 's/^# NSS: .*(\([0-9]*\) run again alone.*/\1/p' "$WORK/c.out")
if [ "${rerun:-0}" -ge 1 ]; then
    ok "the leftover intermediate was seen and $rerun verdict(s) redone alone (the check is not idle)"
else
    not_ok "no verdict was redone: NSS did not reuse the cached intermediate, or it went unseen" "$(grep '^# NSS' "$WORK/c.out")"
fi

# --jobs: bad values are usage errors.
for bad in 0 257 x -1 ""; do
    "$DISTRUST" verify --build "$WORK/basic" --jobs "$bad" "$C/basic/cases.json" >/dev/null 2>"$WORK/j.err"
    st=$?
    if [ "$st" -eq 2 ] && grep -q -- "--jobs" "$WORK/j.err"; then ok "--jobs '$bad' is a usage error (exit 2)"; else
        not_ok "--jobs '$bad' (exit $st)" "$(cat "$WORK/j.err")"; fi
done
"$DISTRUST" verify --build "$WORK/basic" --jobs 3 "$C/basic/cases.json" >"$WORK/j.out" 2>&1
st=$?
if [ "$st" -eq 0 ] && grep -q '^13 passed, 0 failed$' "$WORK/j.out"; then ok "--jobs 3: 13 passed"; else
    not_ok "--jobs 3 (exit $st)" "$(tail -n 5 "$WORK/j.out")"; fi
done_testing
