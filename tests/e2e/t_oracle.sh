# Oracle: NSS's own vfychain must give the same verdict as distrust verify
# for every check of every fixture and real case, under both engines
# (vfychain -pp and classic) and for every deployment that NSS runs: the
# reproduce.sh that --keep-work writes per case replays each one with
# certutil, modutil and vfychain (overlay: the anchors in root-store mode and
# the build's certdata-distrust.txt in overlay mode; root-store: the merged
# certdata.txt alone; p11-kit: Debian's p11-kit-trust.so over the anchors and
# distrust.p11-kit). Baselines and "with the build" runs are both replayed.
# distrust-after is Firefox's rule, not NSS's: for those cases the NSS
# verdicts are compared (vfychain accepts the chain and distrust verify
# reports that NSS did).
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
mkdir -p "$WORK/tmpd"
export TMPDIR="$WORK/tmpd" # reproduce.sh's databases, which must not be left behind
for t in vfychain modutil certutil; do
    command -v $t >/dev/null 2>&1 || { not_ok "$t is installed (libnss3-tools)"; done_testing; exit 1; }
done
TRUSTMOD=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so
[ -f "$TRUSTMOD" ] || { not_ok "p11-kit-trust.so is installed (p11-kit-modules)"; done_testing; exit 1; }
# An ASan-built module needs the ASan runtime in NSS's own tools.
case "$DISTRUST" in
*/asan/*)
    LD_PRELOAD=$(cc -print-file-name=libasan.so)
    export LD_PRELOAD ASAN_OPTIONS=detect_leaks=0
    ;;
esac
TAB=$(printf '\t')

# compare NAME "BUILD OPTIONS" "VERIFY OPTIONS" POLICY CASES...
compare() {
    name=$1 bopts=$2 vopts=$3 policy=$4
    shift 4
    # shellcheck disable=SC2086
    "$DISTRUST" build -q -o "$WORK/$name" $bopts "$policy" >/dev/null 2>&1 || { not_ok "$name: build"; return; }
    # shellcheck disable=SC2086
    "$DISTRUST" verify --build "$WORK/$name" --engine nss $vopts --keep-work "$WORK/kw-$name" "$@" \
        >"$WORK/$name.tap" 2>/dev/null
    # One line per check: SCRIPT ENGINE DEPLOYMENT BASELINE P11KIT-BASELINE WITH TITLE
    # (accepts/rejects, "-" when not run).
    awk -v OFS="$TAB" '
        function flush() { if (title != "") print script, eng, dep, base, pbase, with, title; title = "" }
        function said(s) { return s ~ /: NSS accepts/ ? "accepts" : "rejects" }
        /^(not )?ok [0-9]+ - / { flush(); title = $0; sub(/^(not )?ok [0-9]+ - /, "", title)
                                 script = "-"; eng = "-"; dep = "-"; base = "-"; pbase = "-"; with = "-" }
        /^#   baseline: NSS (accepts|rejects)/ { base = said($0) }
        /^#   p11-kit baseline \(.*\): NSS (accepts|rejects)/ { pbase = said($0) }
        /^#   with the build \(.*\): NSS (accepts|rejects)/ { with = said($0) }
        /^#   reproduce: / { script = $3; eng = $5; dep = $6 }
        END { flush() }' "$WORK/$name.tap" >"$WORK/$name.v"
    [ -s "$WORK/$name.v" ] || { not_ok "$name: verdicts parsed" "$(head "$WORK/$name.tap")"; return; }
    withs=0
    while IFS=$TAB read -r script eng dep base pbase with title; do
        if [ "$script" = "-" ]; then
            not_ok "$name: $title: no reproduce.sh line (the check did not run)"
            continue
        fi
        for run in baseline with; do
            ours=$base
            [ $run = baseline ] && [ "$dep" = p11-kit ] && ours=$pbase
            [ $run = with ] && ours=$with
            [ "$ours" = "-" ] && continue
            if sh "$script" $run "$eng" "$dep" >"$WORK/vfy.out" 2>&1; then theirs=accepts; else theirs=rejects; fi
            [ $run = with ] && withs=$((withs + 1))
            if [ "$ours" = "$theirs" ]; then
                ok "$name: $title, $run: vfychain $theirs too"
            else
                not_ok "$name: $title, $run: distrust verify says NSS $ours, vfychain $theirs" "$(head -n 8 "$WORK/vfy.out")"
            fi
        done
    done <"$WORK/$name.v"
    # The comparison is not idle: "with the build" runs were replayed.
    if [ "$withs" -gt 0 ]; then ok "$name: $withs runs with the build replayed"; else
        not_ok "$name: no run with the build was replayed" "$(head -n 20 "$WORK/$name.tap")"; fi
}

compare basic "" "" "$C/basic/policy.json" "$C/basic/cases.json"
compare cross "" "" "$C/cross-signed/policy.json" "$C/cross-signed/cases.json"
compare incomplete "" "" "$C/cross-signed-incomplete/policy.json" "$C/cross-signed/cases.json"
compare pool-intermediate "" "" "$C/pool-intermediate/policy.json" "$C/pool-intermediate/cases.json"
compare pool-intermediate-nx "" "" "$C/pool-intermediate/policy-no-cross.json" "$C/pool-intermediate/cases.json"
compare pool-root "" "" "$C/pool-root/policy.json" "$C/pool-root/cases.json"
compare diginotar-root "" "" "$C/diginotar-root/policy.json" "$C/diginotar-root/cases.json"
compare diginotar-root-nx "" "" "$C/diginotar-root/policy-no-cross.json" "$C/diginotar-root/cases.json"
compare real "" "" "$TOP/policy" "$TOP"/policy/cases/*.json
# The root-store deployment: the merged certdata.txt alone.
compare merge "--certdata $C/roots-certdata.txt" "" "$C/basic/policy.json" "$C/merge/cases.json"
count "merge: root-store checks replayed" "$WORK/merge.v" "${TAB}root-store${TAB}" 22
# The p11-kit deployment: Debian's p11-kit-trust.so.
compare p11kit-basic "" "--deployments p11-kit" "$C/basic/policy.json" "$C/basic/cases.json"
count "p11kit-basic: p11-kit checks replayed" "$WORK/p11kit-basic.v" "${TAB}p11-kit${TAB}" 26
compare p11kit-cross "" "--deployments p11-kit" "$C/cross-signed/policy.json" "$C/cross-signed/cases.json"
compare p11kit-merge "--certdata $C/roots-certdata.txt" "--deployments p11-kit" "$C/basic/policy.json" "$C/merge/cases.json"
[ -z "$(ls -A "$WORK/tmpd")" ] && ok "every reproduce.sh removed its database" ||
    not_ok "every reproduce.sh removed its database" "$(ls "$WORK/tmpd" | head -3)"
done_testing
