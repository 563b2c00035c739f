# Oracle: NSS's own vfychain, over an NSS database into which modutil loads
# libdistrust-pkcs11.so (the anchors in root-store mode, the build's
# certdata-distrust.txt in overlay mode), must give the same verdict as
# distrust verify for every fixture case, baseline and with the build, under
# both engines (vfychain -pp and classic). distrust-after is Firefox's rule,
# not NSS's: for those cases the NSS verdicts are compared (vfychain accepts
# the chain and distrust verify reports that NSS did).
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
mkdir -p "$WORK/tmpd"
export TMPDIR="$WORK/tmpd" # reproduce.sh's databases, which must not be left behind
for t in vfychain modutil certutil; do
    command -v $t >/dev/null 2>&1 || { not_ok "$t is installed (libnss3-tools)"; done_testing; exit 1; }
done
# An ASan-built module needs the ASan runtime in NSS's own tools.
case "$DISTRUST" in
*/asan/*)
    LD_PRELOAD=$(cc -print-file-name=libasan.so)
    export LD_PRELOAD ASAN_OPTIONS=detect_leaks=0
    ;;
esac

compare() { # NAME POLICY CASES...
    name=$1
    policy=$2
    shift 2
    "$DISTRUST" build -q -o "$WORK/$name" "$policy" >/dev/null 2>&1 || { not_ok "$name: build"; return; }
    "$DISTRUST" verify --build "$WORK/$name" --engine all --keep-work "$WORK/kw-$name" "$@" \
        >"$WORK/$name.tap" 2>/dev/null
    # One line per check: N ENGINE BASELINE WITH (accepts/rejects, "-" when not run).
    awk '/^(not )?ok [0-9]+ - / {
             if (n) print n, eng, base, with
             n = ($1 == "ok") ? $2 : $3; eng = ($0 ~ /\[classic\]/) ? "classic" : "pkix"
             base = "-"; with = "-" }
         /^#   baseline: NSS / { base = $4 }
         /^#   with the build: NSS / { with = $6 }
         END { if (n) print n, eng, base, with }' "$WORK/$name.tap" >"$WORK/$name.v"
    [ -s "$WORK/$name.v" ] || { not_ok "$name: verdicts parsed" "$(head "$WORK/$name.tap")"; return; }
    while read -r num eng base with; do
        case_no=$(((num + 1) / 2))
        script="$WORK/kw-$name/case-$case_no/reproduce.sh"
        title=$(grep -E "^(not )?ok $num - " "$WORK/$name.tap" | sed 's/^\(not \)\{0,1\}ok [0-9]* - //')
        for run in baseline with; do
            ours=$base
            [ $run = with ] && ours=$with
            [ "$ours" = "-" ] && continue
            if sh "$script" $run $eng >"$WORK/vfy.out" 2>&1; then theirs=accepts; else theirs=rejects; fi
            if [ "$ours" = "$theirs" ]; then
                ok "$name: $title, $run: vfychain $theirs too"
            else
                not_ok "$name: $title, $run: distrust verify says NSS $ours, vfychain $theirs" "$(head -n 8 "$WORK/vfy.out")"
            fi
        done
    done <"$WORK/$name.v"
}

compare basic "$C/basic/policy.json" "$C/basic/cases.json"
compare cross "$C/cross-signed/policy.json" "$C/cross-signed/cases.json"
compare incomplete "$C/cross-signed-incomplete/policy.json" "$C/cross-signed/cases.json"
compare pool-intermediate "$C/pool-intermediate/policy.json" "$C/pool-intermediate/cases.json"
compare pool-intermediate-nx "$C/pool-intermediate/policy-no-cross.json" "$C/pool-intermediate/cases.json"
compare pool-root "$C/pool-root/policy.json" "$C/pool-root/cases.json"
compare diginotar-root "$C/diginotar-root/policy.json" "$C/diginotar-root/cases.json"
compare diginotar-root-nx "$C/diginotar-root/policy-no-cross.json" "$C/diginotar-root/cases.json"
compare real "$TOP/policy" "$TOP"/policy/cases/*.json
[ -z "$(ls -A "$WORK/tmpd")" ] && ok "every reproduce.sh removed its database" ||
    not_ok "every reproduce.sh removed its database" "$(ls "$WORK/tmpd" | head -3)"
done_testing
