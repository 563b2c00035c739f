# The bad-input catalogue: every case in testdata/bad/NN-name/ is a
# malformed input that must be rejected. Its `expect` file says how, one item
# a line:
#   command KIND ARGS the command to run (default: build and lint of the
#                     case's policy.json), from inside the case directory:
#                       import-certdata FILE  distrust import certdata FILE -o P
#                       import-onecrl FILE    distrust import onecrl FILE -o P
#                       import-ccadb FILE     distrust import ccadb FILE -o P
#                         (over a previous P: unchanged, nothing left beside it)
#                       build-certdata FILE   distrust build --certdata FILE of a
#                         good policy over a previous build (OUT unchanged)
#                       build-pool FILE       distrust build --pool FILE of a good
#                         policy over a previous build (OUT unchanged), then
#                         distrust lint --pool FILE of it
#                       verify CASES          distrust verify --build (a good build)
#                       query ARGS...         distrust query ARGS...
#                       reconcile ARGS...     distrust reconcile ARGS...
#                       module PARAMS-FILE    modutil -add of libdistrust-pkcs11.so
#                         with the file's parameters (@DIR@: the case directory)
#   exit N            the exit status (1: bad input)
#   message FRAGMENT  text that must appear in stderr (several allowed)
#   place FRAGMENT    where the problem is, as stderr must name it: e.g.
#                     policy.json:7:18, /entries/0/serial, serials.txt:3:5
# For every case, `distrust build -o OUT policy.json` runs from inside the
# case directory (so diagnostics name policy.json) over a previous good build
# in OUT: it must exit as expected, print every fragment, leave OUT
# byte-for-byte as it was and leave no temporary directory beside it.
# `distrust lint policy.json` must exit the same way and print the same
# fragments.
. "$TOP/tests/e2e/lib.sh"

BAD="$TOP/testdata/bad"
OUTDIR="$WORK/o"
OUT="$OUTDIR/out"

# The previous build: one fixture certificate, distrusted outright.
mkdir -p "$WORK/good"
cat >"$WORK/good/policy.json" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1.pem", "label": "Previous build"}]}
JSON

# snapshot FILE: every path under OUT (type, name) and every file's digest.
snapshot() {
    (cd "$OUT" && find . -print | LC_ALL=C sort | while IFS= read -r p; do
        if [ -d "$p" ]; then echo "d $p"
        elif [ -f "$p" ]; then echo "f $(sha256sum <"$p" | cut -d' ' -f1) $p"
        else echo "? $p"; fi
    done) >"$1"
}

# show FILE: the start of a captured stream, for a failure's diagnostics.
show() { head -c 1500 "$1" | head -n 12; }

# check_run NAME WHAT: exit status, messages and places of the last run,
# captured in $WORK/rc and $WORK/stderr.
check_run() {
    name=$1
    what=$2
    rc=$(cat "$WORK/rc")
    if [ "$rc" = "$want_exit" ]; then
        ok "$name: $what exits $want_exit"
    else
        extra=""
        [ "$rc" -gt 128 ] 2>/dev/null && extra=" (killed by signal $((rc - 128)))"
        not_ok "$name: $what exits $want_exit" "exit status $rc$extra; stderr:" "$(show "$WORK/stderr")"
    fi
    for kind in message place; do
        while IFS= read -r frag; do
            if grep -qF -- "$frag" "$WORK/stderr"; then
                ok "$name: $what $kind: $frag"
            else
                not_ok "$name: $what $kind: $frag" "stderr lacks: $frag" "stderr:" "$(show "$WORK/stderr")"
            fi
        done <"$WORK/$kind.want"
    done
}

# out_unchanged NAME WHAT: OUT as in before.snap, nothing new beside it.
out_unchanged() {
    if [ -d "$OUT" ]; then
        snapshot "$WORK/after.snap"
        if cmp -s "$WORK/before.snap" "$WORK/after.snap"; then
            ok "$1: $2 leaves the previous output unchanged"
        else
            not_ok "$1: $2 leaves the previous output unchanged" \
                "$(diff "$WORK/before.snap" "$WORK/after.snap" | head -20)"
        fi
    else
        not_ok "$1: $2 leaves the previous output unchanged" "$OUT is gone"
    fi
    ls -A "$OUTDIR" >"$WORK/after.ls"
    if cmp -s "$WORK/before.ls" "$WORK/after.ls"; then
        ok "$1: $2 leaves nothing beside the output"
    else
        not_ok "$1: $2 leaves nothing beside the output" \
            "beside OUT before: $(tr '\n' ' ' <"$WORK/before.ls")" \
            "beside OUT after: $(tr '\n' ' ' <"$WORK/after.ls")"
    fi
}

# run_command NAME DIR "KIND ARGS...": a case of another format than a policy.
run_command() {
    name=$1 dir=$2
    set -- $3
    kind=$1
    shift
    rm -rf "$OUTDIR"
    mkdir -p "$OUTDIR"
    if ! "$DISTRUST" build -q -o "$OUT" "$WORK/good/policy.json" </dev/null >"$WORK/stdout" 2>"$WORK/stderr"; then
        not_ok "$name: previous good build" "$(show "$WORK/stderr")"
        return
    fi
    case $kind in
    import-certdata | import-onecrl | import-ccadb)
        # The previous import in OUTDIR/policy.json stays as it was.
        rm -rf "$OUT"
        echo '{"version": 1, "entries": []}' >"$OUTDIR/policy.json"
        (cd "$OUTDIR" && find . | LC_ALL=C sort >"$WORK/before.ls" && sha256sum policy.json >"$WORK/before.snap")
        (cd "$dir" && "$DISTRUST" import "${kind#import-}" "$@" -o "$OUTDIR/policy.json" </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
        echo $? >"$WORK/rc"
        check_run "$name" "import ${kind#import-}"
        (cd "$OUTDIR" && find . | LC_ALL=C sort >"$WORK/after.ls" && sha256sum policy.json >"$WORK/after.snap")
        if cmp -s "$WORK/before.snap" "$WORK/after.snap" && cmp -s "$WORK/before.ls" "$WORK/after.ls"; then
            ok "$name: import leaves the previous policy unchanged and nothing beside it"
        else
            not_ok "$name: import leaves the previous policy unchanged and nothing beside it" \
                "$(diff "$WORK/before.ls" "$WORK/after.ls")"
        fi
        ;;
    build-certdata)
        snapshot "$WORK/before.snap"
        ls -A "$OUTDIR" >"$WORK/before.ls"
        (cd "$dir" && "$DISTRUST" build --certdata "$1" -o "$OUT" "$WORK/good/policy.json" </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
        echo $? >"$WORK/rc"
        check_run "$name" "build --certdata"
        out_unchanged "$name" "build --certdata"
        ;;
    build-pool)
        snapshot "$WORK/before.snap"
        ls -A "$OUTDIR" >"$WORK/before.ls"
        (cd "$dir" && "$DISTRUST" build --pool "$1" -o "$OUT" "$WORK/good/policy.json" </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
        echo $? >"$WORK/rc"
        check_run "$name" "build --pool"
        out_unchanged "$name" "build --pool"
        (cd "$dir" && "$DISTRUST" lint --pool "$1" "$WORK/good/policy.json" </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
        echo $? >"$WORK/rc"
        check_run "$name" "lint --pool"
        ;;
    verify)
        (cd "$dir" && "$DISTRUST" verify --build "$OUT" "$@" </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
        echo $? >"$WORK/rc"
        check_run "$name" verify
        ;;
    query)
        (cd "$dir" && "$DISTRUST" query "$@" </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
        echo $? >"$WORK/rc"
        check_run "$name" query
        ;;
    reconcile)
        (cd "$dir" && "$DISTRUST" reconcile "$@" </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
        echo $? >"$WORK/rc"
        check_run "$name" reconcile
        [ -s "$WORK/stdout" ] && not_ok "$name: reconcile printed no table on bad input" \
            "$(show "$WORK/stdout")"
        ;;
    module)
        rm -rf "$WORK/mdb" && mkdir -p "$WORK/mdb"
        certutil -N --empty-password -d "sql:$WORK/mdb" >/dev/null 2>&1
        params=$(sed "s|@DIR@|$dir|g" "$dir/$1")
        env $ASAN_TOOLS modutil -force -dbdir "sql:$WORK/mdb" -add bad -libfile "$MODULE" \
            -string "$params" </dev/null >"$WORK/stdout" 2>"$WORK/stderr"
        echo $? >"$WORK/rc"
        cat "$WORK/stdout" >>"$WORK/stderr"
        check_run "$name" "modutil -add with these parameters"
        ;;
    *)
        not_ok "$name: unknown command kind $kind"
        ;;
    esac
}

MODULE="$TOP/$B/libdistrust-pkcs11.so"
# An ASan-built module needs the ASan runtime in NSS's own tools.
ASAN_TOOLS=
case "$DISTRUST" in
*/asan/*) ASAN_TOOLS="LD_PRELOAD=$(cc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0" ;;
esac
ncases=0
kinds=""
for dir in "$BAD"/*/; do
    dir=${dir%/}
    name=$(basename "$dir")
    [ -f "$dir/expect" ] || { not_ok "$name: has an expect file"; continue; }
    ncases=$((ncases + 1))

    want_exit=""
    command=""
    : >"$WORK/message.want"
    : >"$WORK/place.want"
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
        "exit "*) want_exit=${line#exit } ;;
        "command "*) command=${line#command } ;;
        "message "*) printf '%s\n' "${line#message }" >>"$WORK/message.want" ;;
        "place "*) printf '%s\n' "${line#place }" >>"$WORK/place.want" ;;
        "" | "#"*) ;;
        *) not_ok "$name: expect line is command, exit, message or place" "got: $line" ;;
        esac
    done <"$dir/expect"
    if [ -z "$want_exit" ]; then
        not_ok "$name: expect names the exit status"
        continue
    fi

    if [ -n "$command" ]; then
        kinds="$kinds ${command%% *}"
        run_command "$name" "$dir" "$command"
        continue
    fi
    [ -f "$dir/policy.json" ] || { not_ok "$name: has a policy.json"; continue; }
    kinds="$kinds policy"

    # (1) A previous good build in OUT.
    rm -rf "$OUTDIR"
    mkdir -p "$OUTDIR"
    if ! "$DISTRUST" build -q -o "$OUT" "$WORK/good/policy.json" </dev/null >"$WORK/stdout" 2>"$WORK/stderr"; then
        not_ok "$name: previous good build" "$(show "$WORK/stderr")"
        continue
    fi
    snapshot "$WORK/before.snap"
    ls -A "$OUTDIR" >"$WORK/before.ls"

    # (2) The bad build, from inside the case directory.
    (cd "$dir" && "$DISTRUST" build -o "$OUT" policy.json </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
    echo $? >"$WORK/rc"

    # (3) Exit status, messages, places; OUT untouched; no temporary left.
    check_run "$name" build
    out_unchanged "$name" build

    # (4) lint: the same verdict.
    (cd "$dir" && "$DISTRUST" lint policy.json </dev/null >"$WORK/stdout" 2>"$WORK/stderr")
    echo $? >"$WORK/rc"
    check_run "$name" lint
done

if [ "$ncases" -ge 40 ]; then
    ok "catalogue holds $ncases cases (at least 40)"
else
    not_ok "catalogue holds at least 40 cases" "found $ncases"
fi
# Every format has cases of its own.
for k in policy import-certdata build-certdata build-pool import-onecrl import-ccadb verify query module reconcile; do
    c=$(printf '%s\n' $kinds | grep -c "^$k\$")
    if [ "$c" -ge 1 ]; then ok "catalogue: $c case(s) of kind $k"; else not_ok "catalogue: no case of kind $k"; fi
done

done_testing
