# Shared helpers for end-to-end tests (sourced). Each check prints one TAP
# line; a test script ends with `done_testing`.
set -u
: "${DISTRUST:?run through tests/run.sh or set DISTRUST}"
: "${TOP:?}"
PKI="$TOP/testdata/pki"
n=0
nfail=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/distrust-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1))
    nfail=$((nfail + 1))
    echo "not ok $n - $1"
    shift
    for line in "$@"; do printf '#   %s\n' "$line"; done
}
# check DESC CMD...: ok when CMD succeeds.
check() {
    desc=$1
    shift
    if "$@" >"$WORK/.check.out" 2>&1; then ok "$desc"; else
        not_ok "$desc" "command failed: $*" "$(head -c 2000 "$WORK/.check.out")"
    fi
}
# same DESC FILE1 FILE2: ok when byte-identical, else a diff.
same() {
    if cmp -s "$2" "$3"; then ok "$1"; else
        not_ok "$1" "$(diff "$2" "$3" | head -20)"
    fi
}
# run CMD...: runs CMD with stdout in $WORK/out, stderr in $WORK/err, status in $st.
run() { "$@" >"$WORK/out" 2>"$WORK/err"; st=$?; }
# expect_status DESC WANT: the status of the last run.
expect_status() {
    if [ "$st" -eq "$2" ]; then ok "$1 (exit $st)"; else
        not_ok "$1 (exit $st, wanted $2)" "$(tail -n 30 "$WORK/out")" "$(tail -n 30 "$WORK/err")"
    fi
}
# has DESC FILE PATTERN / hasnt DESC FILE PATTERN: a line of FILE matches (grep -E), or none.
has() {
    if grep -Eq -- "$3" "$2"; then ok "$1"; else not_ok "$1" "no line matching: $3" "$(head -n 30 "$2")"; fi
}
hasnt() {
    if grep -Eq -- "$3" "$2"; then not_ok "$1" "unexpected: $(grep -E -- "$3" "$2" | head -3)"; else ok "$1"; fi
}
# count DESC FILE PATTERN N: exactly N lines of FILE match.
count() {
    got=$(grep -Ec -- "$3" "$2")
    if [ "$got" -eq "$4" ]; then ok "$1"; else not_ok "$1" "$got lines match $3, wanted $4"; fi
}
done_testing() {
    echo "1..$n"
    [ "$nfail" -eq 0 ]
}
# distrust_objects FILE: the distrust trust objects of a certdata.txt (those
# holding CKT_NSS_NOT_TRUSTED), one per line, attribute lines joined by '|',
# comment lines left out, sorted: two files' lists compare with cmp.
distrust_objects() {
    awk '
    function flush() { if (obj ~ /CKO_NSS_TRUST/ && obj ~ /CKT_NSS_NOT_TRUSTED/) print obj; obj = "" }
    /^CKA_CLASS / { flush(); inobj = 1 }
    /^[ \t\r]*$/ { flush(); inobj = 0; next }
    /^#/ { next }
    inobj { sub(/\r$/, ""); obj = obj (obj == "" ? "" : "|") $0 }
    END { flush() }' "$1" | LC_ALL=C sort
}
# after_dates FILE: "LABEL|ATTRIBUTE|OCTAL" for every distrust-after value set
# on a certificate object, sorted.
after_dates() {
    awk '
    /^CKA_CLASS / { cls = $3 }
    /^CKA_LABEL / { label = $0; sub(/^CKA_LABEL UTF8 /, "", label) }
    /^CKA_NSS_(SERVER|EMAIL)_DISTRUST_AFTER MULTILINE_OCTAL/ { attr = $1; getline v; if (cls == "CKO_CERTIFICATE") print label "|" attr "|" v }' "$1" | LC_ALL=C sort
}
# certdata_objects FILE: every object of a certdata.txt (attribute lines
# joined by '|', comment lines left out), one per line, sorted.
certdata_objects() {
    awk '
    function flush() { if (obj != "") print obj; obj = "" }
    /^CKA_CLASS / { flush(); inobj = 1 }
    /^[ \t\r]*$/ { flush(); inobj = 0; next }
    /^#/ { next }
    inobj { sub(/\r$/, ""); obj = obj (obj == "" ? "" : "|") $0 }
    END { flush() }' "$1" | LC_ALL=C sort
}
# make_install VAR=VALUE...: `make install VAR=VALUE...` from a private copy
# of the build ($WORK/build, objects keeping their times). The install
# variables are compiled into the tool (the module directory), so other
# values than the build's recompile and relink it: in the copy, not in $B,
# which other suites are running. Output in $WORK/log; the status is make's.
make_install() {
    case "$B" in /*) src=$B ;; *) src=$TOP/$B ;; esac
    if [ ! -d "$WORK/build" ]; then
        mkdir -p "$WORK/build" &&
            (cd "$src" && cp -a obj gen distrust libdistrust-internal.a libdistrust.a reader-static.o \
                libdistrust.so* libdistrust-pkcs11.so "$WORK/build/") || return 1
    fi
    # An ASan build recompiles with its own flags (the Makefile's asan target).
    case "$B" in
    */asan*)
        make -s -C "$TOP" B="$WORK/build" OPT=-O1 \
            SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
            install "$@" >"$WORK/log" 2>&1 ;;
    *) make -s -C "$TOP" B="$WORK/build" install "$@" >"$WORK/log" 2>&1 ;;
    esac
}

# ccadb_pems OUTDIR: the PEMs of the CCADB reports in testdata/ccadb/ (quoted
# CSV cells, wrapped at 65 columns) as one PEM file per report in OUTDIR.
ccadb_pems() {
    mkdir -p "$1"
    for f in "$TOP"/testdata/ccadb/AllCertificatePEMsCSVFormat_*; do
        awk '
        /-----BEGIN CERTIFICATE-----/ { sub(/^.*-----BEGIN CERTIFICATE-----/, "-----BEGIN CERTIFICATE-----"); inpem = 1 }
        inpem {
            line = $0
            gsub(/[\047"\r]/, "", line)
            if (line ~ /-----END CERTIFICATE-----/) {
                sub(/-----END CERTIFICATE-----.*/, "-----END CERTIFICATE-----", line); print line; inpem = 0
            } else print line
        }' "$f" >"$1/$(basename "$f").pem"
    done
}

# firefox_or_skip: ends the suite as skipped whole when firefox-esr is not
# installed; under ASan, points the engine at the regular build's module (an
# ASan-built module cannot be loaded by Firefox or modutil: no ASan runtime
# in them, and Firefox does not start with it preloaded).
firefox_or_skip() {
    if ! command -v firefox-esr >/dev/null 2>&1; then
        echo "1..0 # SKIP firefox-esr not installed"
        exit 0
    fi
    case "$DISTRUST" in
    */asan/*)
        if [ -f "$TOP/build/libdistrust-pkcs11.so" ]; then
            DISTRUST_PKCS11="$TOP/build/libdistrust-pkcs11.so"
            export DISTRUST_PKCS11
        else
            echo "1..0 # SKIP an ASan-built module cannot be loaded by Firefox, and build/ has no other (make first)"
            exit 0
        fi
        ;;
    esac
}
