#!/bin/sh
# Runs the tests: unit tests, end-to-end scripts, fuzz corpus replays.
#
#   sh tests/run.sh [-j N] [--slow | --all] [PATTERN...]
#
# Suites run concurrently, -j N at a time (default: DT_JOBS, else the number
# of cores), each with its output in its own log ($B/test-logs/NAME.log,
# kept after the run) and its own temporary directory (TMPDIR: under
# DT_TMPDIR, else /dev/shm, else TMPDIR or /tmp; removed after the suite).
# A suite still running after DT_SUITE_TIMEOUT seconds (default 1200) is
# ended and fails. The suites' lines are printed in a stable order (unit,
# e2e, then fuzz-corpus, each sorted by name) with each suite's wall time,
# whatever order they finish in; the slowest suites are listed at the end
# with their wall and CPU times, then the run's.
#
# Tiers. By default the fast tier runs (make check): every suite but those
# whose script says "# tier: slow" on a line of its own, with DT_SLOW unset,
# so a suite marked "# tier: split" runs its fast part only, and the fuzz
# corpora replay their seed sample (tests/fuzz/replay.sh). --slow runs the
# slow tier (make check-slow): the "slow" suites, the "split" suites with
# DT_SLOW=1 and the full fuzz corpora. --all runs every suite once with
# DT_SLOW=1. A PATTERN keeps the suites whose name contains it (a shell glob:
# `sh tests/run.sh t_blob unit/test_der`).
#
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

usage() {
    echo "usage: sh tests/run.sh [-j N] [--slow | --all] [PATTERN...]" >&2
    exit 2
}
jobs=${DT_JOBS:-}
tier=fast
while [ $# -gt 0 ]; do
    case $1 in
        -j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
        -j*) jobs=${1#-j}; shift ;;
        --slow) tier=slow; shift ;;
        --all) tier=all; shift ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
if [ -z "$jobs" ]; then
    jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || echo 1)
fi
case $jobs in '' | *[!0-9]* | 0) echo "tests/run.sh: -j wants a number of jobs, not '$jobs'" >&2; exit 2 ;; esac
# A suite still running after DT_SUITE_TIMEOUT seconds (0: never) is ended
# with all it started, and is a failure.
limit=${DT_SUITE_TIMEOUT:-1200}
case $limit in '' | *[!0-9]*) echo "tests/run.sh: DT_SUITE_TIMEOUT wants seconds, not '$limit'" >&2; exit 2 ;; esac
case $tier in
    fast) unset DT_SLOW ;;
    *) DT_SLOW=1; export DT_SLOW ;;
esac

# Where the suites' temporary directories go: DT_TMPDIR if set, else
# /dev/shm when it is a tmpfs with 2 GB free (NSS's databases call fdatasync
# thousands of times a suite: on a disk that other suites are writing to,
# each waits for their data, and t_oracle alone went from 12 s to 40 s), else
# TMPDIR or /tmp.
tmproot=${DT_TMPDIR:-}
if [ -z "$tmproot" ]; then
    tmproot=${TMPDIR:-/tmp}
    if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
        [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -ge 2097152 ] 2>/dev/null; then
        tmproot=/dev/shm
    fi
fi
R=$(mktemp -d "$tmproot/distrust-run.XXXXXX") || exit 1
# searchable by all: t_p11kit runs `trust list` as nobody inside its TMPDIR
chmod 711 "$R"
LOGS="$B/test-logs"
TIMES="$B/test-times"
mkdir -p "$LOGS" || exit 1

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# cpu_ms FILE: the user + system time, in ms, of the shell's finished
# children that `times >FILE` wrote (the builtin, run in the shell itself:
# in a command substitution it would count a subshell's children, none).
cpu_ms() {
    awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
        printf "%.0f\n", t * 1000 }' "$1"
}
start_ms=$(now_ms)

# tier_of FILE: what an e2e script's "# tier: ..." line says (fast if none).
tier_of() {
    t=$(sed -n 's/^# tier: *\([a-z]*\).*/\1/p' "$1" | head -n 1)
    echo "${t:-fast}"
}
# wanted NAME: the name matches one of the patterns (all do without any).
wanted() {
    [ "$PATTERNS_N" -eq 0 ] && return 0
    set -f
    for p in $PATTERNS; do
        # shellcheck disable=SC2254
        case $1 in *$p*) set +f; return 0 ;; esac
    done
    set +f
    return 1
}
PATTERNS="$*"
PATTERNS_N=$#

# The suite list, in display order: INDEX NAME KIND PATH.
n=0
add() { # add NAME KIND PATH
    wanted "$1" || return 0
    echo "$n $1 $2 $3" >>"$R/suites"
    n=$((n + 1))
}
: >"$R/suites"
if [ "$tier" != slow ]; then
    for t in "$B"/tests/test_*; do
        [ -x "$t" ] || continue
        add "unit/$(basename "$t")" unit "$t"
    done
fi
for t in tests/e2e/t_*.sh; do
    [ -f "$t" ] || continue
    tt=$(tier_of "$t")
    case $tt in
        fast | slow | split) ;;
        *) echo "tests/run.sh: $t: '# tier: $tt' is none of fast, slow, split" >&2; rm -rf "$R"; exit 2 ;;
    esac
    case $tier:$tt in
        fast:slow | slow:fast) continue ;;
    esac
    add "e2e/$(basename "$t" .sh)" e2e "$t"
done
# Fuzz corpora replay through the stdin drivers.
for f in "$B"/fuzz-stdin/fuzz_*; do
    [ -x "$f" ] || continue
    add "fuzz-corpus/$(basename "$f")" fuzz "$f"
done
if [ "$n" -eq 0 ]; then
    echo "tests/run.sh: no suite to run (tier $tier${PATTERNS:+, patterns $PATTERNS})" >&2
    rm -rf "$R"
    exit 1
fi

# The order suites start in: the longest first by the previous run's times
# ($TIMES: NAME MS), so the last to start are short ones; unknown suites
# (new, or never run) first of all, in display order.
awk -v times="$TIMES" '
    BEGIN { while ((getline l < times) > 0) { split(l, f, " "); ms[f[1]] = f[2] } }
    { t = ($2 in ms) ? ms[$2] : 1e12; printf "%.0f %s\n", t, $1 }' "$R/suites" |
    sort -k1,1nr -k2,2n | cut -d' ' -f2 >"$R/order"

# run_one INDEX: runs one suite into its log; writes its report (the lines to
# print) to $R/report.INDEX, then its tally "PASSED FAILED SKIPPED MS CPU_MS" to
# $R/res.INDEX (last: its presence says the suite is done).
run_one() {
    i=$1
    set -- $(sed -n "$((i + 1))p" "$R/suites")
    name=$2 kind=$3 path=$4
    log="$LOGS/$(echo "$name" | tr / _).log"
    tmp="$R/tmp.$i"
    mkdir "$tmp"
    case $kind in
        unit) set -- "$path" ;;
        e2e) set -- sh "$path" ;;
        fuzz) b=$(basename "$path"); set -- sh tests/fuzz/replay.sh "$path" "tests/fuzz/corpus/${b#fuzz_}" ;;
    esac
    t0=$(now_ms)
    times >"$R/times.$i"
    c0=$(cpu_ms "$R/times.$i")
    # its own session: an interrupted run ends the suite and all it started;
    # timeout ends them all too (its process group) after $limit seconds
    TMPDIR="$tmp" setsid timeout -k 10 "$limit" "$@" >"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$R/pgid.$i"
    wait "$pid"
    status=$?
    rm -f "$R/pgid.$i"
    ms=$(($(now_ms) - t0))
    times >"$R/times.$i"
    cpu=$(($(cpu_ms "$R/times.$i") - c0))
    # (what a suite left unreadable or unwritable too)
    chmod -R u+rwX "$tmp" 2>/dev/null
    rm -rf "$tmp"
    {
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
        if [ "$limit" != 0 ] && { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; } &&
            [ "$ms" -ge $((limit * 1000)) ]; then
            f=$((f + 1))
            echo "not ok - $name timed out after $limit s (DT_SUITE_TIMEOUT)"
            tail -n 20 "$log" | sed 's/^/#   /'
        elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
            f=1
            echo "not ok - $name exited with status $status"
            tail -n 20 "$log" | sed 's/^/#   /'
        fi
        if [ "$f" -gt 0 ]; then
            grep -A8 '^not ok ' "$log" | grep -v '^ok ' | sed "s|^|[$name] |"
            echo "[$name] log: $log"
        fi
        sec=$(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }')
        if [ "$sk" -gt 0 ]; then
            printf '%-32s %4d passed, %d failed, %d skipped (%s s)\n' "$name" "$p" "$f" "$sk" "$sec"
        else
            printf '%-32s %4d passed, %d failed (%s s)\n' "$name" "$p" "$f" "$sec"
        fi
    } >"$R/report.$i"
    echo "$p $f $sk $ms $cpu" >"$R/res.$i.new"
    mv "$R/res.$i.new" "$R/res.$i"
}

# worker: takes the next suite nobody has claimed (mkdir is the lock) until
# none is left or the run is interrupted.
worker() {
    while read -r i; do
        [ -e "$R/abort" ] && break
        mkdir "$R/claim.$i" 2>/dev/null || continue
        run_one "$i"
    done <"$R/order"
}

workers=
stop() {
    : >"$R/abort"
    for g in "$R"/pgid.*; do
        [ -f "$g" ] && kill -TERM "-$(cat "$g")" 2>/dev/null
    done
    for w in $workers; do kill -TERM "$w" 2>/dev/null; done
    wait 2>/dev/null
    for g in "$R"/pgid.*; do
        [ -f "$g" ] && kill -KILL "-$(cat "$g")" 2>/dev/null
    done
    echo "tests/run.sh: interrupted; logs in $LOGS" >&2
    rm -rf "$R"
    exit 130
}
trap stop INT TERM HUP

[ "$jobs" -gt "$n" ] && jobs=$n
w=0
while [ "$w" -lt "$jobs" ]; do
    worker &
    workers="$workers $!"
    w=$((w + 1))
done

# status: on a terminal (stderr), a line saying how many suites are done and
# which run, rewritten in place while the next suite to print is awaited.
status() {
    ls "$R" | awk -v n="$n" -v s="$R/suites" '
        BEGIN { while ((getline l < s) > 0) { split(l, f, " "); name[f[1]] = f[2] } }
        /^res\.[0-9]+$/ { done[substr($0, 5)] = 1; d++ }
        /^claim\.[0-9]+$/ { c[substr($0, 7)] = 1 }
        END { r = ""; for (i in c) if (!(i in done)) r = r " " name[i]
              printf "\r\033[K[%d/%d done] running:%s", d, n, r }' >&2
}
tty=0
[ -t 2 ] && tty=1
# Print the suites in display order as each completes.
passed=0
failed=0
skipped=0
sum_ms=0
sum_cpu=0
i=0
while [ "$i" -lt "$n" ]; do
    while [ ! -e "$R/res.$i" ]; do
        alive=0
        for w in $workers; do kill -0 "$w" 2>/dev/null && alive=1; done
        if [ "$alive" -eq 0 ] && [ ! -e "$R/res.$i" ]; then
            name=$(sed -n "$((i + 1))p" "$R/suites" | cut -d' ' -f2)
            printf 'not ok - %s was never run (its worker ended)\n' "$name" >"$R/report.$i"
            echo "0 1 0 0 0" >"$R/res.$i"
            break
        fi
        [ "$tty" -eq 1 ] && status
        sleep 0.2
    done
    [ "$tty" -eq 1 ] && printf '\r\033[K' >&2
    cat "$R/report.$i"
    read -r p f sk ms cpu <"$R/res.$i"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + sk))
    sum_ms=$((sum_ms + ms))
    sum_cpu=$((sum_cpu + cpu))
    i=$((i + 1))
done
wait
trap - INT TERM HUP
wall_ms=$(($(now_ms) - start_ms))

# The times, for the next run's order and for the slowest-suites list.
i=0
: >"$R/times"
: >"$R/slowest"
while [ "$i" -lt "$n" ]; do
    name=$(sed -n "$((i + 1))p" "$R/suites" | cut -d' ' -f2)
    read -r p f sk ms cpu <"$R/res.$i"
    echo "$name $ms" >>"$R/times"
    echo "$name $ms $cpu" >>"$R/slowest"
    i=$((i + 1))
done
{
    [ -f "$TIMES" ] && awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen)' "$R/times" "$TIMES"
    cat "$R/times"
} | LC_ALL=C sort >"$TIMES.new" && mv "$TIMES.new" "$TIMES"

echo "slowest suites (wall time, CPU time):"
sort -k2,2nr "$R/slowest" | head -n 10 |
    awk '{ printf "  %7.1f s %7.1f s  %s\n", $2 / 1000, $3 / 1000, $1 }'
# The suites' CPU time over the cores is about the wall time the run needs
# on an idle machine (the longest suite aside): on a shared one the wall
# time grows, the CPU time does not.
awk -v s="$sum_ms" -v c="$sum_cpu" -v w="$wall_ms" -v j="$jobs" -v n="$n" -v t="$tier" 'BEGIN {
    printf "%d suite%s (%s tier), %d job%s: %.1f s of wall time; the suites took %.1f s of wall time and %.1f s of CPU time\n",
        n, n == 1 ? "" : "s", t, j, j == 1 ? "" : "s", w / 1000, s / 1000, c / 1000 }'
echo "temporary directories in $tmproot, logs in $LOGS/"
rm -rf "$R"
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
