# The caps of the inputs other than policies (doc/policy.md, "Limits"): each
# cap hit is an error that names the cap, with a non-zero exit, and a file
# over its size cap is refused from its size (sparse files of hundreds of
# megabytes cost nothing here). Each cap also has a run just under it that
# passes, so the error is the cap's and not something else's.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
"$DISTRUST" build -q -o "$WORK/out" "$C/basic/policy.json" 2>/dev/null || not_ok "build basic"

# expect_run DESC WANT-EXIT FRAGMENT CMD...: runs CMD, checks exit and stderr.
expect_run() {
    desc=$1 want=$2 frag=$3
    shift 3
    "$@" >"$WORK/o" 2>"$WORK/e" </dev/null
    st=$?
    if [ "$st" -eq "$want" ] && grep -qF -- "$frag" "$WORK/e"; then
        ok "$desc (exit $st)"
    else
        not_ok "$desc (exit $st, wanted $want)" "stderr lacks: $frag" "$(head -c 600 "$WORK/e")"
    fi
}

# Case files: 4 MiB.
truncate -s $((4 * 1024 * 1024 + 1)) "$WORK/big-cases.json"
expect_run "a case file over 4 MiB is refused" 1 "larger than the 4194304-byte limit" \
    "$DISTRUST" verify --build "$WORK/out" "$WORK/big-cases.json"

# Chains: 16 certificates.
chain16=$(i=0; while [ $i -lt 14 ]; do printf '"%s", ' "$PKI/int-a1.pem"; i=$((i + 1)); done)
# (A chain of 18 is refused at its place: the catalogue's
# testdata/bad/174-case-chain-over-16.)
printf '{"cases": [{"name": "long", "chain": ["%s", %s"%s"], "anchors": ["%s"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"}]}\n' \
    "$PKI/leaf-a1.pem" "$chain16" "$PKI/int-a1.pem" "$PKI/root-a.pem" >"$WORK/chain16.json"
"$DISTRUST" verify --build "$WORK/out" "$WORK/chain16.json" >"$WORK/o" 2>&1
st=$?
if [ "$st" -eq 0 ] && grep -q '^1 passed, 0 failed$' "$WORK/o"; then ok "a chain of 16 certificates is verified (exit 0)"; else
    not_ok "a chain of 16 certificates (exit $st)" "$(tail -n 5 "$WORK/o")"; fi

# OneCRL dumps: 256 MiB.
truncate -s $((256 * 1024 * 1024 + 1)) "$WORK/big-dump.json"
expect_run "a OneCRL dump over 256 MiB is refused" 1 "larger than the 268435456-byte limit" \
    "$DISTRUST" import onecrl "$WORK/big-dump.json" -o "$WORK/p.json"
[ ! -e "$WORK/p.json" ] && ok "nothing written for the refused dump" || not_ok "a policy was written"

# certdata.txt: 64 MiB.
truncate -s $((64 * 1024 * 1024 + 1)) "$WORK/big-certdata.txt"
expect_run "a certdata.txt over 64 MiB is refused (import)" 1 "larger than the 67108864-byte limit" \
    "$DISTRUST" import certdata "$WORK/big-certdata.txt" -o "$WORK/p.json"
expect_run "a certdata.txt over 64 MiB is refused (build --certdata)" 1 "larger than the 67108864-byte limit" \
    "$DISTRUST" build --certdata "$WORK/big-certdata.txt" -o "$WORK/out2" "$C/basic/policy.json"

# Blob content: the decompression cap (1 GiB by default; the library takes
# a smaller one). A blob whose content would exceed it is the catalogue's
# testdata/bad/132-blob-decompression-bomb.

# The module: 16 certdata= files, values of at most 4,094 bytes.
if command -v modutil >/dev/null 2>&1; then
    ASAN_TOOLS=
    case "$DISTRUST" in
    */asan/*) ASAN_TOOLS="LD_PRELOAD=$(cc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0" ;;
    esac
    # fresh_db NAME: a database of its own per module (NSS loads one library once).
    fresh_db() { mkdir -p "$WORK/$1" && certutil -N --empty-password -d "sql:$WORK/$1" >/dev/null 2>&1; }
    fresh_db m17 && fresh_db m16 && fresh_db mlong
    p17=$(i=0; while [ $i -lt 17 ]; do printf 'certdata="%s" ' "$C/roots-certdata.txt"; i=$((i + 1)); done)
    p16=$(i=0; while [ $i -lt 16 ]; do printf 'certdata="%s" ' "$C/roots-certdata.txt"; i=$((i + 1)); done)
    expect_run "the module refuses a 17th certdata= file" 22 "more than 16 certdata= files" \
        env $ASAN_TOOLS modutil -force -dbdir "sql:$WORK/m17" -add m17 -libfile "$TOP/$B/libdistrust-pkcs11.so" -string "$p17"
    env $ASAN_TOOLS modutil -force -dbdir "sql:$WORK/m16" -add m16 -libfile "$TOP/$B/libdistrust-pkcs11.so" \
        -string "$p16" >"$WORK/o" 2>&1 </dev/null
    st=$?
    [ "$st" -eq 0 ] && ok "the module loads 16 certdata= files (exit 0)" || not_ok "16 certdata= files (exit $st)" "$(head -c 400 "$WORK/o")"
    long=$(head -c 4100 /dev/zero | tr '\0' 'a')
    expect_run "the module refuses a value over its cap instead of cutting a path" 22 "a value longer than the 4,094-byte cap" \
        env $ASAN_TOOLS modutil -force -dbdir "sql:$WORK/mlong" -add mlong -libfile "$TOP/$B/libdistrust-pkcs11.so" -string "certdata=/$long"
else
    not_ok "modutil is installed (libnss3-tools)"
fi
rm -f "$WORK/big-cases.json" "$WORK/big-dump.json" "$WORK/big-certdata.txt"
done_testing
