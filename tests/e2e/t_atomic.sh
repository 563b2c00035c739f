# Atomic output under SIGKILL: `distrust build` and `distrust import` are
# killed at random points while replacing a previous release, and what is
# left must always be either the previous complete release or the new one,
# byte for byte, with every file's digest as its manifest lists it; never a
# mixture, never a missing or half-written file.
#
# ATOMIC_TRIALS sets the number of kills per command: by default 8 in make
# check (the fewest for which the kills must land on both sides of the
# switch) and 50 with DT_SLOW=1 (make check-slow).
# tier: split
. "$TOP/tests/e2e/lib.sh"
if [ "${DT_SLOW:-0}" = 1 ]; then TRIALS=${ATOMIC_TRIALS:-50}; else TRIALS=${ATOMIC_TRIALS:-8}; fi
D="$WORK/d"
mkdir -p "$D"

# Release A: one intermediate; release B: 300,000 serials and two
# intermediates (a build of about half a second, so kills land in every step).
awk 'BEGIN { srand(7); for (i = 0; i < 300000; i++) { s = sprintf("%02x", 1 + int(rand() * 127))
    for (j = 1; j < 18; j++) s = s sprintf("%02x", int(rand() * 256)); print s } }' >"$D/s.txt"
printf '{"version": 1, "entries": [{"certificate": "%s", "label": "Previous"}]}\n' "$PKI/int-a2.pem" >"$D/a.json"
printf '{"version": 1, "entries": [{"issuer_certificate": "%s", "serials_file": "s.txt", "label": "Mass"},
 {"certificate": "%s", "label": "Int", "targets": ["nss", "onecrl", "blob"]}]}\n' \
    "$PKI/int-a1.pem" "$PKI/int-a2.pem" >"$D/b.json"

# snap DIR FILE: every path and every file's SHA-256 under DIR.
snap() {
    (cd "$1" && find . -print | LC_ALL=C sort | while IFS= read -r p; do
        if [ -f "$p" ]; then echo "f $(sha256sum <"$p" | cut -d' ' -f1) $p"; else echo "d $p"; fi
    done) >"$2"
}
# manifest_ok DIR: every file the manifest lists has its digest, and the
# manifest lists every file there is.
manifest_ok() {
    [ -f "$1/manifest.json" ] || return 1
    awk '/"files": \{/ { in_files = 1; next }
         in_files && /^    "[^"]+": \{/ { split($0, q, "\""); name = q[2] }
         in_files && /"sha256": "[0-9a-f]+"/ { split($0, q, "\""); print q[4] "  " name }
         in_files && /^  \}/ { in_files = 0 }' "$1/manifest.json" >"$WORK/listed"
    [ -s "$WORK/listed" ] || return 1
    (cd "$1" && sha256sum -c --quiet "$WORK/listed" >/dev/null 2>&1) || return 1
    n_listed=$(wc -l <"$WORK/listed")
    n_files=$(cd "$1" && find . -type f ! -name manifest.json | wc -l)
    [ "$n_listed" -eq "$n_files" ]
}

"$DISTRUST" build -q -o "$D/ref-a" "$D/a.json" 2>/dev/null || not_ok "build release A"
"$DISTRUST" build -q -o "$D/ref-b" "$D/b.json" 2>/dev/null || not_ok "build release B"
snap "$D/ref-a" "$WORK/a.snap"
snap "$D/ref-b" "$WORK/b.snap"
if manifest_ok "$D/ref-a" && manifest_ok "$D/ref-b" && ! cmp -s "$WORK/a.snap" "$WORK/b.snap"; then
    ok "releases A and B are complete and differ (the manifest check works on both)"
else
    not_ok "reference releases" "$(cat "$WORK/a.snap" "$WORK/b.snap" | head)"
fi
# The check itself catches a damaged release.
cp -a "$D/ref-b" "$D/damaged"
printf 'x' >>"$D/damaged/onecrl.json"
if manifest_ok "$D/damaged"; then not_ok "manifest_ok catches a changed file"; else ok "manifest_ok catches a changed file"; fi

# How long a build of B takes here: the kills are spread over it.
t0=$(date +%s%N)
"$DISTRUST" build -q -o "$D/timing" "$D/b.json" 2>/dev/null
t1=$(date +%s%N)
build_ms=$(((t1 - t0) / 1000000))
[ "$build_ms" -gt 0 ] 2>/dev/null || build_ms=500
# build_trial MS: a build of B over release A, killed after MS ms; counts
# what OUT holds then in old / new / bad.
build_trial() {
    rm -rf "$D/out" "$D"/.out.* 2>/dev/null
    cp -a "$D/ref-a" "$D/out"
    "$DISTRUST" build -q -o "$D/out" "$D/b.json" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ -d "$D/out" ]; then snap "$D/out" "$WORK/now.snap"; else echo missing >"$WORK/now.snap"; fi
    if cmp -s "$WORK/now.snap" "$WORK/a.snap" && manifest_ok "$D/out"; then
        old=$((old + 1))
    elif cmp -s "$WORK/now.snap" "$WORK/b.snap" && manifest_ok "$D/out"; then
        new=$((new + 1))
    else
        bad=$((bad + 1))
        not_ok "build killed after $1 ms: OUT is neither release" "$(diff "$WORK/a.snap" "$WORK/now.snap" | head -n 8)"
    fi
}
old=0 new=0 bad=0 i=0
while [ "$i" -lt "$TRIALS" ]; do
    i=$((i + 1))
    # a delay from 0 to twice the build's duration, spread over the trials (the
    # switch comes at the very end: half the kills land before it, half after,
    # unless a killed build runs twice as slow as the timed one)
    build_trial "$(awk -v i="$i" -v n="$TRIALS" -v t="$build_ms" 'BEGIN { srand(i * 7919); printf "%d", (i - 1 + rand()) / n * t * 2 }')"
done
# The machine's load may change between the timing and the trials (other
# suites run beside this one): when every kill landed on one side, more
# trials go where the other side must be (at once; then ever later), so that
# both sides are always tried. Each extra trial is checked as the others.
extra=0
while [ "$bad" -eq 0 ] && [ "$extra" -lt 6 ] && { [ "$old" -eq 0 ] || [ "$new" -eq 0 ]; }; do
    extra=$((extra + 1))
    if [ "$old" -eq 0 ]; then build_trial 0; else build_trial $((build_ms * (2 + 2 * extra))); fi
done
if [ "$bad" -eq 0 ]; then
    ok "build killed $((TRIALS + extra)) times (0 to 2x its ${build_ms} ms, $extra more where the other side of the switch must be): OUT held the previous release $old times, the new one $new times, nothing else"
else
    not_ok "build under SIGKILL: $bad of $((TRIALS + extra)) left OUT damaged"
fi
# The kills must have landed on both sides of the switch, or the test
# proved little: with 12 or more trials spread over the build, both occur.
if [ "$TRIALS" -ge 8 ]; then
    if [ "$old" -ge 1 ] && [ "$new" -ge 1 ]; then ok "kills landed before and after the switch ($old, $new)"; else
        not_ok "kills landed on one side of the switch only ($old before, $new after)"; fi
fi
# A later build over what a kill left behind succeeds.
if "$DISTRUST" build -q -o "$D/out" "$D/b.json" >/dev/null 2>&1 && snap "$D/out" "$WORK/now.snap" && cmp -s "$WORK/now.snap" "$WORK/b.snap"; then
    ok "a build after the kills writes release B"
else
    not_ok "a build after the kills writes release B"
fi

# Leftovers of killed builds are swept by the next build: an old unlocked
# temporary directory goes; a fresh one (a build that may be starting) and
# one a live build holds locked stay.
rm -rf "$D"/.out.*
mkdir -p "$D/.out.tmp-dead1" "$D/.out.old-dead2" "$D/.out.tmp-fresh" "$D/.out.tmp-held"
echo partial >"$D/.out.tmp-dead1/onecrl.json"
touch -d '5 minutes ago' "$D/.out.tmp-dead1" "$D/.out.old-dead2" "$D/.out.tmp-held"
flock "$D/.out.tmp-held" sleep 30 &
holder=$!
sleep 0.2
touch -d '5 minutes ago' "$D/.out.tmp-held"
"$DISTRUST" build -o "$D/out" "$D/a.json" >/dev/null 2>"$WORK/sweep.err"
left=$(cd "$D" && ls -d .out.* 2>/dev/null | tr '\n' ' ')
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
if [ "$left" = ".out.tmp-fresh .out.tmp-held " ] && grep -q 'removed what an interrupted build left beside the output' "$WORK/sweep.err"; then
    ok "the next build removes what killed builds left (old and unlocked), keeps a fresh one and a locked one"
else
    not_ok "sweeping leftovers (left: $left)" "$(cat "$WORK/sweep.err")"
fi
rm -rf "$D"/.out.*

# import onecrl -o: killed while replacing a previous policy file. The
# previous file is an earlier import (of the fixture build's onecrl.json:
# import replaces only a file an import wrote), and the kills are spread
# over the whole time an import takes, so that both outcomes are seen.
"$DISTRUST" build -q -o "$D/small" "$TOP/testdata/chains/basic/policy.json" >/dev/null 2>&1
"$DISTRUST" import onecrl "$D/small/onecrl.json" -o "$D/prev.json" >/dev/null 2>&1 ||
    not_ok "import of an earlier, smaller dump"
t0=$(date +%s%N)
"$DISTRUST" import onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$D/full.json" >/dev/null 2>&1 ||
    not_ok "import of the real dump"
span=$(( ($(date +%s%N) - t0) / 1000000 * 12 / 10 + 5 )) # ms, and a fifth more
cp "$D/prev.json" "$D/imp.json"
"$DISTRUST" import onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$D/imp.json" >/dev/null 2>&1 &&
    cmp -s "$D/imp.json" "$D/full.json" && ok "baseline: an import left alone replaces the earlier import" ||
    not_ok "baseline: an import over the earlier one" "$(head -c 300 "$D/imp.json")"
cmp -s "$D/prev.json" "$D/full.json" && not_ok "the two versions differ (else a kill proves nothing)"
old=0 new=0 bad=0 i=0
while [ "$i" -lt "$TRIALS" ]; do
    i=$((i + 1))
    rm -f "$D"/imp.json* "$D"/.imp.json* 2>/dev/null
    cp "$D/prev.json" "$D/imp.json"
    ms=$(awk -v i="$i" -v n="$TRIALS" -v s="$span" 'BEGIN { srand(i * 104729); printf "%d", (i - 1 + rand()) / n * s }')
    "$DISTRUST" import onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$D/imp.json" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if cmp -s "$D/imp.json" "$D/prev.json"; then
        old=$((old + 1))
    elif cmp -s "$D/imp.json" "$D/full.json"; then
        new=$((new + 1))
    else
        bad=$((bad + 1))
        not_ok "import killed after ${ms} ms: the policy is neither version" "$(head -c 200 "$D/imp.json")"
    fi
done
if [ "$bad" -eq 0 ] && [ "$old" -gt 0 ] && [ "$new" -gt 0 ]; then
    ok "import onecrl killed $TRIALS times over ${span} ms: the policy was the previous one $old times, the new one $new times, nothing else"
elif [ "$bad" -eq 0 ]; then
    not_ok "import under SIGKILL: both outcomes must be seen (previous $old, new $new of $TRIALS kills over ${span} ms)"
else
    not_ok "import under SIGKILL: $bad of $TRIALS left the policy damaged"
fi
done_testing
