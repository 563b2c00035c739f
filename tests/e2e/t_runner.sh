# The test runner (tests/run.sh) over a tree of made-up suites: suites run
# concurrently (two that wait for each other finish under -j2, and do not
# under -j1), each with its own TMPDIR, removed after it; lines come in name
# order whatever order the suites finish in, each with its time; skips are
# echoed with their reasons; a suite that exits non-zero without a "not ok"
# line is one failure; the last two lines are "N skipped" and "N passed,
# N failed"; the tiers (fast, --slow, --all) and the fuzz seed sample; a
# suite that overruns DT_SUITE_TIMEOUT and an interrupted run are ended with
# what they started.
. "$TOP/tests/e2e/lib.sh"
F="$WORK/fake"
REC="$WORK/rec"
mkdir -p "$F/tests/e2e" "$F/tests/fuzz/corpus/x" "$F/build/tests" "$F/build/fuzz-stdin" "$REC"
cp "$TOP/tests/run.sh" "$F/tests/run.sh"
cp "$TOP/tests/fuzz/replay.sh" "$F/tests/fuzz/replay.sh"
export REC

# t_a: a pass and a skip; waits (up to 3 s) for t_b to start, so that both
# meet only if they run at the same time; t_b also waits for t_a, and stays
# until t_a has seen it; a t_b that ran and ended before t_a is no meeting.
cat >"$F/tests/e2e/t_a.sh" <<'EOF'
echo "$TMPDIR" >"$REC/a.tmpdir"
[ -d "$TMPDIR" ] && touch "$TMPDIR/leftover"
touch "$REC/a.started"
i=0
while [ ! -e "$REC/b.started" ] && [ "$i" -lt 15 ]; do sleep 0.2; i=$((i + 1)); done
# met: t_b has started and not finished (under -j1 it may have run before)
if [ -e "$REC/b.started" ] && [ ! -e "$REC/b.done" ]; then
    touch "$REC/a.met"
    echo "ok 1 - met b"
else
    echo "ok 1 - alone"
fi
echo "ok 2 - thing # SKIP no thing here"
EOF
cat >"$F/tests/e2e/t_b.sh" <<'EOF'
echo "$TMPDIR" >"$REC/b.tmpdir"
touch "$REC/b.started"
i=0
while [ ! -e "$REC/a.started" ] && [ "$i" -lt 15 ]; do sleep 0.2; i=$((i + 1)); done
# running beside t_a: stay until t_a has seen this suite running
i=0
while [ -e "$REC/a.started" ] && [ ! -e "$REC/a.met" ] && [ "$i" -lt 15 ]; do sleep 0.2; i=$((i + 1)); done
touch "$REC/b.done"
echo "1..0 # SKIP whole suite skipped"
EOF
printf 'echo "ok 1 - before the crash"\nexit 3\n' >"$F/tests/e2e/t_c.sh"
printf 'echo "ok 1 - one"\necho "not ok 2 - broken"\necho "#   why it broke"\nexit 1\n' >"$F/tests/e2e/t_d.sh"
printf '# tier: slow\necho "ok 1 - slow suite"\n' >"$F/tests/e2e/t_e.sh"
printf '# tier: split\necho "ok 1 - fast part"\n[ "${DT_SLOW:-0}" = 1 ] && echo "ok 2 - slow part"\nexit 0\n' >"$F/tests/e2e/t_f.sh"
# t_hang: started alone, then the run is interrupted.
cat >"$F/tests/e2e/t_hang.sh" <<'EOF'
[ -n "${HANG:-}" ] || { echo "ok 1 - not hanging"; exit 0; }
sleep 300 &
echo $! >"$REC/hang.pid"
wait
EOF
printf '#!/bin/sh\necho "$TMPDIR" >"$REC/u.tmpdir"\necho "ok 1 - unit"\n' >"$F/build/tests/test_u"
printf '#!/bin/sh\nif grep -q crash; then exit 1; fi\nexit 0\n' >"$F/build/fuzz-stdin/fuzz_x"
chmod +x "$F/build/tests/test_u" "$F/build/fuzz-stdin/fuzz_x"
for i in 1 2 3 4 5 6 7 8; do
    echo "input $i" >"$F/tests/fuzz/corpus/x/$(echo "$i" | sha1sum | cut -d' ' -f1)"
done
echo seed >"$F/tests/fuzz/corpus/x/seed.txt"

# alive PID: PID runs (a zombie no parent reaped has ended).
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    case $(ps -o stat= -p "$1" 2>/dev/null) in Z* | '') return 1 ;; esac
}
runner() { # runner ARGS...: the fake tree's run, output in $WORK/out, status $st
    (cd "$F" && B=build sh tests/run.sh "$@") >"$WORK/out" 2>"$WORK/err"
    st=$?
}

# ---- the fast tier, two jobs -------------------------------------------------------- #
runner -j 2
expect_status "a run with failures exits non-zero" 1
grep -E '^[a-z0-9-]+/[a-z0-9_]+ +[0-9]+ passed' "$WORK/out" | cut -d' ' -f1 >"$WORK/order"
printf '%s\n' unit/test_u e2e/t_a e2e/t_b e2e/t_c e2e/t_d e2e/t_f e2e/t_hang fuzz-corpus/fuzz_x >"$WORK/want"
same "the suites are listed in name order (unit, e2e, fuzz), the slow one left out" "$WORK/want" "$WORK/order"
has "t_a met t_b: two suites ran at once" "$F/build/test-logs/e2e_t_a.log" '^ok 1 - met b$'
has "each suite line has its time" "$WORK/out" '^e2e/t_a +1 passed, 0 failed, 1 skipped \([0-9]+\.[0-9] s\)$'
has "a skip is echoed with its reason" "$WORK/out" '^\[e2e/t_a\] ok 2 - thing # SKIP no thing here$'
has "a skipped suite is echoed with its reason" "$WORK/out" '^\[e2e/t_b\] 1\.\.0 # SKIP whole suite skipped$'
has "a suite that exits non-zero without 'not ok' is one failure" "$WORK/out" '^not ok - e2e/t_c exited with status 3$'
has "... counted on its line" "$WORK/out" '^e2e/t_c +1 passed, 1 failed'
has "a failure is shown with its comment" "$WORK/out" '^\[e2e/t_d\] #   why it broke$'
has "... and where the suite's log is" "$WORK/out" '^\[e2e/t_d\] log: build/test-logs/e2e_t_d.log$'
has "the split suite runs its fast part only" "$F/build/test-logs/e2e_t_f.log" '^ok 1 - fast part$'
hasnt "... not its slow part" "$F/build/test-logs/e2e_t_f.log" 'slow part'
has "the fuzz corpus replays its seed sample" "$F/build/test-logs/fuzz-corpus_fuzz_x.log" '^# seed sample: 3 of the 9 files'
has "the slowest suites are listed" "$WORK/out" '^slowest suites \(wall time, CPU time\):$'
count "... at most ten" "$WORK/out" '^ +[0-9]+\.[0-9] s +[0-9]+\.[0-9] s  [a-z0-9-]+/' 8
has "the summary gives the run's wall time, the suites' wall and CPU time" "$WORK/out" \
    '^8 suites \(fast tier\), 2 jobs: [0-9]+\.[0-9] s of wall time; the suites took [0-9]+\.[0-9] s of wall time and [0-9]+\.[0-9] s of CPU time$'
tail -n 2 "$WORK/out" >"$WORK/last"
printf '2 skipped\n9 passed, 2 failed\n' >"$WORK/want"
same "the last two lines: skips, then passes and failures" "$WORK/want" "$WORK/last"
a=$(cat "$REC/a.tmpdir") b=$(cat "$REC/b.tmpdir") u=$(cat "$REC/u.tmpdir")
if [ -n "$a" ] && [ "$a" != "$b" ] && [ "$a" != "$u" ] && [ "$b" != "$u" ] && [ "$a" != "${TMPDIR:-/tmp}" ]; then
    ok "each suite has its own TMPDIR"
else
    not_ok "each suite has its own TMPDIR" "a=$a b=$b u=$u"
fi
[ ! -e "$a" ] && ok "a suite's TMPDIR is removed after it" || not_ok "a suite's TMPDIR is removed after it" "$(ls -la "$a")"
[ -s "$F/build/test-times" ] && ok "the times are kept for the next run's order" || not_ok "build/test-times"

# ---- one job: the two waiting suites do not meet (the check above can fail) ------- #
rm -f "$REC"/*
runner -j1 t_a t_b
has "under -j1, t_a ran alone" "$F/build/test-logs/e2e_t_a.log" '^ok 1 - alone$'
has "a pattern keeps the suites it names" "$WORK/out" '^2 suites \(fast tier\)'
expect_status "t_a and t_b pass" 0

# ---- DT_TMPDIR places the suites' temporary directories ------------------------------ #
mkdir -p "$WORK/troot"
(cd "$F" && DT_TMPDIR="$WORK/troot" B=build sh tests/run.sh unit/test_u) >"$WORK/out" 2>"$WORK/err"
case $(cat "$REC/u.tmpdir") in
"$WORK/troot/distrust-run."*) ok "DT_TMPDIR holds the suites' TMPDIRs" ;;
*) not_ok "DT_TMPDIR holds the suites' TMPDIRs" "$(cat "$REC/u.tmpdir")" ;;
esac
has "the run says where they were" "$WORK/out" "^temporary directories in $WORK/troot, logs in build/test-logs/\$"
[ -z "$(ls -A "$WORK/troot")" ] && ok "and leaves nothing there" || not_ok "and leaves nothing there" "$(ls -A "$WORK/troot")"

# ---- the slow tier and --all -------------------------------------------------------- #
runner --slow
expect_status "the slow tier passes" 0
grep -E '^[a-z0-9-]+/[a-z0-9_]+ +[0-9]+ passed' "$WORK/out" | cut -d' ' -f1 >"$WORK/order"
printf '%s\n' e2e/t_e e2e/t_f fuzz-corpus/fuzz_x >"$WORK/want"
same "the slow tier: the slow and split suites and the full corpora" "$WORK/want" "$WORK/order"
has "the split suite's slow part runs" "$F/build/test-logs/e2e_t_f.log" '^ok 2 - slow part$'
has "the full corpus is replayed" "$WORK/out" '^fuzz-corpus/fuzz_x +9 passed'
runner --all t_e t_f t_hang
has "--all runs the fast and the slow suites" "$WORK/out" '^3 suites \(all tier\)'

# ---- a crashing corpus file fails its replay ---------------------------------------- #
echo crash >"$F/tests/fuzz/corpus/x/crash.txt"
runner fuzz_x
expect_status "a corpus file the driver fails on" 1
has "... is a failure named by its file" "$WORK/out" '^\[fuzz-corpus/fuzz_x\] not ok [0-9]+ - crash.txt$'
rm "$F/tests/fuzz/corpus/x/crash.txt"

# ---- bad job counts ----------------------------------------------------------------- #
runner -j 0
expect_status "-j 0 is a usage error" 2
has "... saying what it wants" "$WORK/err" '-j wants a number of jobs'
(cd "$F" && DT_JOBS=many B=build sh tests/run.sh) >"$WORK/out" 2>"$WORK/err"
st=$?
expect_status "DT_JOBS=many is a usage error" 2

# ---- a misspelt tier is refused, not run as fast -------------------------------------- #
printf '# tier: slo\necho "ok 1 - z"\n' >"$F/tests/e2e/t_z.sh"
runner t_z
expect_status "a suite whose tier is misspelt" 2
has "... is named with the tiers there are" "$WORK/err" "t_z.sh: '# tier: slo' is none of fast, slow, split"
rm "$F/tests/e2e/t_z.sh"

# ---- a suite that overruns DT_SUITE_TIMEOUT ------------------------------------------ #
rm -f "$REC"/*
(cd "$F" && HANG=1 DT_SUITE_TIMEOUT=2 B=build sh tests/run.sh t_hang) >"$WORK/out" 2>"$WORK/err"
st=$?
expect_status "a suite that overruns its time" 1
has "... fails, saying so" "$WORK/out" '^not ok - e2e/t_hang timed out after 2 s \(DT_SUITE_TIMEOUT\)$'
hp=$(cat "$REC/hang.pid" 2>/dev/null)
if [ -n "$hp" ] && ! alive "$hp"; then ok "... and what it started is ended"; else
    not_ok "... and what it started is ended"
    [ -n "$hp" ] && kill "$hp" 2>/dev/null
fi
runner -j1 t_f
hasnt "a suite within its time does not time out" "$WORK/out" 'timed out'

# ---- an interrupted run ends its suites and what they started ----------------------- #
rm -f "$REC"/*
(cd "$F" && HANG=1 B=build exec sh tests/run.sh t_hang) >"$WORK/out" 2>"$WORK/err" &
rpid=$!
i=0
while [ ! -s "$REC/hang.pid" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
hp=$(cat "$REC/hang.pid" 2>/dev/null)
if [ -n "$hp" ] && alive "$hp"; then ok "the suite's child runs"; else not_ok "the suite's child runs"; fi
kill -TERM "$rpid"
wait "$rpid"
st=$?
expect_status "the interrupted run" 130
i=0
while [ -n "$hp" ] && alive "$hp" && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -n "$hp" ] && ! alive "$hp"; then ok "the suite's child is ended with the run"; else
    not_ok "the suite's child is ended with the run"
    [ -n "$hp" ] && kill "$hp" 2>/dev/null
fi
has "it says the run was interrupted" "$WORK/err" 'interrupted; logs in build/test-logs'
done_testing
