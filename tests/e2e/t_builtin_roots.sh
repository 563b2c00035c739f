# The PKCS#11 module as a built-in roots module, proven with NSS's own tools:
# loaded without a parameters string (as NSS and Firefox load libnssckbi.so)
# it serves DISTRUST_CERTDATA, else distrust-certdata.txt beside itself
# whatever its file name, as a built-in root store; with neither it refuses,
# one line on stderr. Checked with the module copied as libnssckbi.so (1) into
# an NSS database directory, where NSS_Init loads it by itself as "Root
# Certs", and (2) into another directory, added with modutil without
# -string; vfychain -pp on the merged fixture store rejects the distrusted
# chain and accepts the control, each beside a baseline (the upstream store
# through DISTRUST_CERTDATA accepts the distrusted chain).
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"
P="$TOP/testdata/pki"
for t in vfychain modutil certutil; do
    command -v $t >/dev/null 2>&1 || { not_ok "$t is installed (libnss3-tools)"; done_testing; exit 1; }
done
# An ASan-built module needs the ASan runtime in NSS's tools.
nss() { "$@"; }
case "$DISTRUST" in
*/asan/*)
    nss() { env LD_PRELOAD="$(cc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0 "$@"; } ;;
esac
MODULE=${DISTRUST_PKCS11:-$(dirname "$DISTRUST")/libdistrust-pkcs11.so}
UP="$C/roots-certdata.txt"

run "$DISTRUST" build -o "$WORK/m" --certdata "$UP" "$C/basic/policy.json"
expect_status "build --certdata the fixture root store" 0
M="$WORK/m/certdata.txt"

newdb() { # DIR: an empty NSS database in DIR
    mkdir -p "$1" && certutil -N --empty-password -d "sql:$1" >/dev/null 2>&1
}
vfy() { # DB LEAF INTERMEDIATE: vfychain -pp's status (TLS server, 2025-06-01)
    nss vfychain -d "sql:$1" -pp -u 1 -b 250601000000Z -a "$2" -a "$3" >"$WORK/vfy.out" 2>"$WORK/vfy.err"
}
# vfy_good / vfy_distrusted DESC DB LEAF INT
vfy_good() {
    if vfy "$2" "$3" "$4"; then ok "$1"; else not_ok "$1" "$(cat "$WORK/vfy.out" "$WORK/vfy.err")"; fi
}
vfy_distrusted() {
    if vfy "$2" "$3" "$4"; then not_ok "$1" "$(cat "$WORK/vfy.out")"; else
        cat "$WORK/vfy.out" "$WORK/vfy.err" >"$WORK/vfy.all"
        has "$1" "$WORK/vfy.all" 'ERROR -8171|SEC_ERROR_UNTRUSTED_(CERT|ISSUER)'
    fi
}

# (1) libnssckbi.so in the database directory, the file beside it: NSS_Init
# loads it as "Root Certs" with no parameters, and nothing else is added.
D1="$WORK/db1"
newdb "$D1"
cp "$MODULE" "$D1/libnssckbi.so"
cp "$M" "$D1/distrust-certdata.txt"
nss modutil -list -dbdir "sql:$D1" >"$WORK/list" 2>&1
has "NSS loads libnssckbi.so from the database directory by itself" "$WORK/list" "library name: $D1/libnssckbi.so"
has "as a loaded module with our token" "$WORK/list" 'token: distrust root store'
nss certutil -L -h all -d "sql:$D1" >"$WORK/certs" 2>&1
count "certutil -L -h all lists the merged store's five roots from the token" "$WORK/certs" '^distrust root store:Test ' 5
has "with the distrusted root's trust flags" "$WORK/certs" '^distrust root store:Test Kök .* p,p,p$'
vfy_good "vfychain: the control chain is good" "$D1" "$P/leaf-a1.pem" "$P/int-a1.pem"
vfy_distrusted "vfychain: the distrusted intermediate's chain is bad, as distrusted" "$D1" "$P/leaf-a2.pem" "$P/int-a2.pem"
# DISTRUST_CERTDATA comes before the file beside: the upstream store accepts
# the chain the merged one rejects (the baseline of the check above).
export DISTRUST_CERTDATA="$UP"
vfy_good "DISTRUST_CERTDATA=upstream over the file beside: the same chain is good" "$D1" "$P/leaf-a2.pem" "$P/int-a2.pem"
unset DISTRUST_CERTDATA

# (2) A copy named libnssckbi.so elsewhere, added with modutil, no -string.
F="$WORK/ff"
D2="$WORK/db2"
mkdir -p "$F"
newdb "$D2"
cp "$MODULE" "$F/libnssckbi.so"
cp "$M" "$F/distrust-certdata.txt"
nss modutil -force -dbdir "sql:$D2" -add roots -libfile "$F/libnssckbi.so" >"$WORK/add" 2>&1
has "modutil -add without -string" "$WORK/add" 'Module "roots" added to database'
nss modutil -list -dbdir "sql:$D2" >"$WORK/list" 2>&1
has "the module is loaded, as a root store" "$WORK/list" 'token: distrust root store'
vfy_good "vfychain: the control chain is good" "$D2" "$P/leaf-a1.pem" "$P/int-a1.pem"
vfy_distrusted "vfychain: the distrusted chain is bad" "$D2" "$P/leaf-a2.pem" "$P/int-a2.pem"

# (3) DISTRUST_CERTDATA alone (nothing beside the module), two files.
rm "$F/distrust-certdata.txt"
export DISTRUST_CERTDATA="$M:$C/roots-certdata.txt"
nss certutil -L -h all -d "sql:$D2" >"$WORK/certs" 2>&1
count "DISTRUST_CERTDATA=A:B serves both files (each root twice)" "$WORK/certs" '^distrust root store:Test ' 10
export DISTRUST_CERTDATA="$M"
vfy_good "DISTRUST_CERTDATA=merged: the control chain is good" "$D2" "$P/leaf-a1.pem" "$P/int-a1.pem"
vfy_distrusted "DISTRUST_CERTDATA=merged: the distrusted chain is bad" "$D2" "$P/leaf-a2.pem" "$P/int-a2.pem"
export DISTRUST_CERTDATA="$WORK/nosuch.txt"
vfy "$D2" "$P/leaf-a1.pem" "$P/int-a1.pem"
has "DISTRUST_CERTDATA naming a missing file: the module says so" "$WORK/vfy.err" "^libdistrust-pkcs11: $WORK/nosuch.txt: error: cannot open"
unset DISTRUST_CERTDATA

# (4) Neither: the module refuses to start, and says why on stderr.
nss modutil -list -dbdir "sql:$D2" >"$WORK/list" 2>"$WORK/list.err"
has "modutil -list shows the module not loaded" "$WORK/list" 'status: Not loaded'
want="^libdistrust-pkcs11: error: loaded without parameters, and no certdata to serve: DISTRUST_CERTDATA is not set and there is no $F/distrust-certdata.txt beside $F/libnssckbi.so \\(give certdata=PATH, set DISTRUST_CERTDATA=PATH\\[:PATH...\\], or put the file there\\)$"
has "and the module's line names the rule" "$WORK/list.err" "$want"
hasnt "no other line on stderr" "$WORK/list.err" '^[^l]|^l[^i]'
if vfy "$D2" "$P/leaf-a1.pem" "$P/int-a1.pem"; then not_ok "vfychain: without a root store the control chain is not good"; else
    ok "vfychain: without a root store the control chain is not good"
fi
has "vfychain's stderr has the line too" "$WORK/vfy.err" "$want"
rm "$D1/distrust-certdata.txt"
nss certutil -L -h all -d "sql:$D1" >"$WORK/certs" 2>"$WORK/certs.err"
count "in the database directory: no roots listed" "$WORK/certs" '^distrust root store:' 0
has "and the line, naming the directory's file" "$WORK/certs.err" "there is no $D1/distrust-certdata.txt beside $D1/libnssckbi.so"

# (5) A parameters string keeps its meaning: neither the variable nor the
# file beside is read.
cp "$M" "$F/distrust-certdata.txt"
D3="$WORK/db3"
newdb "$D3"
nss modutil -force -dbdir "sql:$D3" -add overlay -libfile "$F/libnssckbi.so" -string "certdata=\"$UP\"" >/dev/null 2>&1
export DISTRUST_CERTDATA="$M"
vfy_good "-string certdata=upstream, the merged file beside and in DISTRUST_CERTDATA: upstream is served" "$D3" "$P/leaf-a2.pem" "$P/int-a2.pem"
unset DISTRUST_CERTDATA
nss modutil -list -dbdir "sql:$D3" >"$WORK/list" 2>&1
has "in overlay mode (the parameters' default)" "$WORK/list" 'token: distrust overlay'
done_testing
