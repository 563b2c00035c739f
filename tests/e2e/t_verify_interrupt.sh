# distrust verify interrupted in its NSS phase (no Firefox needed): SIGTERM
# to distrust alone, or SIGINT to its process group as Ctrl-C sends it; its
# NSS worker processes are killed and reaped, its work directory removed,
# and it dies of the signal (128+N), reporting no check. Beside it, the same
# cases not interrupted: exit 0, TMPDIR left empty.
. "$TOP/tests/e2e/lib.sh"
run "$DISTRUST" build -o "$WORK/b" "$TOP/testdata/chains/basic/policy.json"
expect_status "build of the basic policy" 0
# cases N: N copies of one trusted chain
cases() {
    echo '{"cases": ['
    i=1
    while [ "$i" -le "$1" ]; do
        [ "$i" -gt 1 ] && echo ','
        echo "{\"name\": \"c$i\", \"chain\": [\"$PKI/leaf-a1.pem\", \"$PKI/int-a1.pem\"], \"anchors\": [\"$PKI/root-a.pem\"], \"time\": \"2025-06-01T00:00:00Z\", \"expect\": \"trusted\"}"
        i=$((i + 1))
    done
    echo ']}'
}
cases 20 >"$WORK/few.json"
cases 400 >"$WORK/many.json"

mkdir "$WORK/tmp-whole"
run env TMPDIR="$WORK/tmp-whole" "$DISTRUST" verify --build "$WORK/b" --fresh-processes --jobs 2 "$WORK/few.json"
expect_status "not interrupted: every case holds" 0
count "20 checks pass" "$WORK/out" '^ok [0-9]+ - c[0-9]+' 20
if [ -z "$(ls -A "$WORK/tmp-whole")" ]; then ok "a whole run leaves its TMPDIR empty"; else
    not_ok "a whole run leaves its TMPDIR empty" "$(ls -A "$WORK/tmp-whole")"; fi

# alive PID...: those of PID... still running (not zombies)
alive() { for p in "$@"; do case $(ps -o stat= -p "$p" 2>/dev/null) in Z* | '') ;; *) echo "$p" ;; esac; done; }
# interrupted SIG STATUS GROUP: SIG to distrust (GROUP "group": to its
# process group, as Ctrl-C) once its NSS workers run.
interrupted() {
    T="$WORK/tmp-$1"
    mkdir "$T"
    TMPDIR="$T" setsid env --default-signal=INT "$DISTRUST" verify --build "$WORK/b" --fresh-processes \
        --jobs 2 "$WORK/many.json" >"$WORK/int.out" 2>"$WORK/int.err" &
    pid=$!
    kids="" i=0
    while [ $i -lt 300 ] && [ -z "$kids" ] && kill -0 "$pid" 2>/dev/null; do
        kids=$(ps -o pid= --ppid "$pid" | tr -d ' ')
        [ -n "$kids" ] || { sleep 0.1; i=$((i + 1)); }
    done
    if [ -n "$kids" ]; then ok "$1: NSS workers were running when the signal came ($(echo $kids))"; else
        not_ok "$1: NSS workers were running when the signal came" "$(cat "$WORK/int.err")"; fi
    if [ "${3:-}" = group ]; then kill -"$1" "-$pid"; else kill -"$1" "$pid"; fi
    { wait "$pid"; st=$?; } 2>/dev/null
    expect_status "$1 to distrust${3:+ (its ${3:-})}: it dies of the signal" "$2"
    i=0
    while [ $i -lt 50 ] && [ -n "$(alive $kids)" ]; do sleep 0.1; i=$((i + 1)); done
    if [ -z "$(alive $kids)" ]; then ok "$1: no NSS worker is left"; else
        not_ok "$1: no NSS worker is left" "$(alive $kids)"; fi
    if [ -z "$(ls -A "$T")" ]; then ok "$1: TMPDIR is empty"; else not_ok "$1: TMPDIR is empty" "$(find "$T" | head)"; fi
    has "$1: one line says so" "$WORK/int.err" "^distrust: interrupted \\(SIG$1\\): .*temporary files removed$"
    count "$1: no check is reported, nor a count of passes" "$WORK/int.out" '^(ok|not ok|[0-9]+ passed)' 0
}
interrupted TERM 143
interrupted INT 130 group
done_testing
