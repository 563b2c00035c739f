# make install honours PREFIX and DESTDIR and installs a working tool: the
# installed binary builds and verifies with the installed PKCS#11 module
# (found under LIBDIR/pkcs11 without being told), the installed
# test-distrust.sh runs against it, distrust.pc describes the library, a
# program compiles against the installed header and library, and the man
# page covers every subcommand. The reader library's ABI (exports, headers,
# consumers of the installed tree) is tests/e2e/t_reader_abi.sh.
. "$TOP/tests/e2e/lib.sh"
R="$WORK/root"
# An ASan build installs ASan-built libraries: NSS's tools and a plain
# program then need the ASan runtime preloaded.
pre=
case "$DISTRUST" in */asan/*) pre="LD_PRELOAD=$(cc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0" ;; esac
if make_install PREFIX=/opt/dt DESTDIR="$R"; then
    ok "make install PREFIX=/opt/dt DESTDIR=..."
else
    not_ok "make install" "$(cat "$WORK/log")"
fi
I="$R/opt/dt"
for f in bin/distrust lib/libdistrust.a lib/libdistrust.so.1.0.0 lib/libdistrust.so.1 lib/libdistrust.so \
    include/distrust/blob.h include/distrust/openssl.h share/man/man1/distrust.1 \
    lib/pkcs11/libdistrust-pkcs11.so lib/pkgconfig/distrust.pc; do
    [ -e "$I/$f" ] && ok "installed $f" || not_ok "installed $f"
done
# The tool's internals and the 0.4 headers are not installed.
for f in lib/libdistrust-internal.a include/distrust.h include/distrust-openssl.h lib/libdistrust.so.0; do
    [ ! -e "$I/$f" ] && ok "not installed: $f" || not_ok "not installed: $f"
done
[ "$(readlink "$I/lib/libdistrust.so")" = libdistrust.so.1 ] && ok "libdistrust.so -> libdistrust.so.1" || not_ok "the .so symlink"
[ "$(readlink "$I/lib/libdistrust.so.1")" = libdistrust.so.1.0.0 ] && ok "libdistrust.so.1 -> libdistrust.so.1.0.0" ||
    not_ok "the .so.1 symlink"
soname=$(objdump -p "$I/lib/libdistrust.so.1" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libdistrust.so.1 ] && ok "soname libdistrust.so.1" || not_ok "soname" "$soname"
v=$("$I/bin/distrust" --version 2>&1)
case "$v" in "distrust "[0-9]*) ok "installed binary runs: $v" ;; *) not_ok "installed binary runs" "$v" ;; esac
run "$I/bin/distrust" help build
expect_status "distrust help build" 0
has "prints the command's options" "$WORK/out" '--cases'
[ ! -e "/opt/dt/bin/distrust" ] && ok "nothing written outside DESTDIR" || not_ok "nothing written outside DESTDIR"
# pkg-config.
if PKG_CONFIG_PATH="$I/lib/pkgconfig" pkg-config --modversion distrust >"$WORK/pc" 2>&1; then
    same_v=$(cat "$WORK/pc")
    [ "distrust $same_v" = "$v" ] && ok "distrust.pc: version $same_v" || not_ok "distrust.pc version" "$same_v vs $v"
else
    not_ok "pkg-config reads distrust.pc" "$(cat "$WORK/pc")"
fi
has "distrust.pc: the PKCS#11 module directory" "$I/lib/pkgconfig/distrust.pc" '^pkcs11dir=/opt/dt/lib/pkcs11$'
# A program built against the installed header and library (paths from the
# staging tree: pkg-config's prefix is /opt/dt).
cat >"$WORK/prog.c" <<'C'
#include <distrust/blob.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    struct dt_blob *b = NULL;
    char err[256] = "";
    if (argc < 2 || dt_blob_open_file(argv[1], NULL, &b, err, sizeof(err)) != DT_BLOB_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct dt_blob_info in = DT_BLOB_INFO_INIT;
    if (dt_blob_get_info(b, &in) != DT_BLOB_OK)
        return 1;
    printf("%llu serials\n", (unsigned long long)in.serials);
    dt_blob_close(b);
    return 0;
}
C
libs=$(PKG_CONFIG_PATH="$I/lib/pkgconfig" pkg-config --libs distrust | sed "s|-L/opt/dt/lib|-L$I/lib|")
if cc -o "$WORK/prog" "$WORK/prog.c" -I"$I/include" $libs -Wl,-rpath,"$I/lib" >"$WORK/cc.log" 2>&1; then
    ok "a program compiles and links against the installed library (pkg-config --libs)"
else
    not_ok "a program compiles and links against the installed library" "$(cat "$WORK/cc.log")"
fi
# The installed tool, end to end, with the installed module found on its own
# (PKCS11DIR relative to BINDIR: the staging tree's).
C="$TOP/testdata/chains"
run env -u DISTRUST_PKCS11 "$I/bin/distrust" build -q -o "$WORK/out-b" --cases "$C/basic/cases.json" "$C/basic/policy.json"
expect_status "the installed binary builds" 0
env $pre "$WORK/prog" "$WORK/out-b/revocations.blob" >"$WORK/prog.out" 2>&1
has "the program reads the build's blob with the installed library" "$WORK/prog.out" '^[0-9]+ serials$'
run env -u DISTRUST_PKCS11 "$I/bin/distrust" verify --build "$WORK/out-b" "$C/basic/cases.json"
expect_status "the installed binary verifies with the installed module" 0
has "13 cases" "$WORK/out" '^13 passed, 0 failed$'
run env $pre "$WORK/out-b/test-distrust.sh" --module "$I/lib/pkcs11/libdistrust-pkcs11.so"
expect_status "test-distrust.sh against the installed module" 0

# ---- the module path follows the install variables ----------------------------------- #
# The same build installed again with other PREFIX/LIBDIR: the path the tool
# looks for its module at is recompiled (never the DESTDIR).
C="$TOP/testdata/chains"
R2="$WORK/root2"
MA=/usr/lib/x86_64-linux-gnu
if make_install PREFIX=/usr LIBDIR=$MA DESTDIR="$R2"; then
    ok "make install PREFIX=/usr LIBDIR=$MA DESTDIR=... after an install with PREFIX=/opt/dt"
else
    not_ok "make install PREFIX=/usr LIBDIR=$MA" "$(cat "$WORK/log")"
fi
[ -e "$R2$MA/pkcs11/libdistrust-pkcs11.so" ] && ok "the module is installed in LIBDIR/pkcs11" ||
    not_ok "the module is installed in LIBDIR/pkcs11" "$(cd "$R2" && find . | head -30)"
has "distrust.pc: pkcs11dir under LIBDIR" "$R2$MA/pkgconfig/distrust.pc" "^pkcs11dir=$MA/pkcs11\$"
grep -c "$MA/pkcs11" "$R2/usr/bin/distrust" >"$WORK/g1"
grep -c "$R2" "$R2/usr/bin/distrust" >"$WORK/g2"
[ "$(cat "$WORK/g1")" -gt 0 ] && ok "the binary names $MA/pkcs11" || not_ok "the binary names $MA/pkcs11"
[ "$(cat "$WORK/g2")" -eq 0 ] && ok "the binary does not name the DESTDIR" || not_ok "the binary names the DESTDIR"
hasnt "the binary no longer names /opt/dt" "$R2/usr/bin/distrust" '/opt/dt/lib/pkcs11'
# Run from the staging tree, it finds the staged module (LIBDIR/pkcs11 relative to BINDIR).
run env -u DISTRUST_PKCS11 "$R2/usr/bin/distrust" verify --build "$WORK/out-b" "$C/basic/cases.json"
expect_status "the staged /usr binary verifies with the module it installed in $MA/pkcs11" 0
has "13 cases" "$WORK/out" '^13 passed, 0 failed$'
# Moved out of its tree, it looks at the configured PKCS11DIR: $MA/pkcs11.
mkdir -p "$WORK/moved"
cp "$R2/usr/bin/distrust" "$WORK/moved/distrust"
if [ -e "$MA/pkcs11/libdistrust-pkcs11.so" ]; then
    ok "# SKIP a libdistrust-pkcs11.so is installed in $MA/pkcs11 on this machine"
else
    run env -u DISTRUST_PKCS11 "$WORK/moved/distrust" verify --build "$WORK/out-b" "$C/basic/cases.json"
    expect_status "moved away, the /usr binary does not find a module" 1
    has "it says where it looked: $MA/pkcs11" "$WORK/err" "looked for .*$MA/pkcs11/libdistrust-pkcs11\\.so"
fi
# A third install into a real prefix (no DESTDIR), LIBDIR of its own: the
# moved binary finds the module at the absolute PKCS11DIR compiled in.
P3="$WORK/pfx"
if make_install PREFIX="$P3" LIBDIR="$P3/lib64"; then
    ok "make install PREFIX=\$WORK/pfx LIBDIR=\$WORK/pfx/lib64"
else
    not_ok "make install PREFIX=\$WORK/pfx LIBDIR=\$WORK/pfx/lib64" "$(cat "$WORK/log")"
fi
cp "$P3/bin/distrust" "$WORK/moved/distrust"
run env -u DISTRUST_PKCS11 "$WORK/moved/distrust" verify --build "$WORK/out-b" "$C/basic/cases.json"
expect_status "moved away, the binary finds its module in the configured PKCS11DIR (LIBDIR/pkcs11)" 0
has "13 cases" "$WORK/out" '^13 passed, 0 failed$'
rm -f "$P3/lib64/pkcs11/libdistrust-pkcs11.so"
run env -u DISTRUST_PKCS11 "$WORK/moved/distrust" verify --build "$WORK/out-b" "$C/basic/cases.json"
expect_status "without the installed module it stops" 1
has "naming the configured PKCS11DIR" "$WORK/err" "looked for .*$P3/lib64/pkcs11/libdistrust-pkcs11\\.so"
# Debian multiarch: PREFIX=/usr without LIBDIR installs the libraries in
# /usr/lib/<triplet> (dpkg-architecture, else the compiler's -print-multiarch).
tri=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || cc -print-multiarch 2>/dev/null)
if [ -z "$tri" ]; then
    ok "# SKIP no multiarch triplet on this machine (neither dpkg-architecture nor cc -print-multiarch)"
else
    R4="$WORK/root4"
    if make_install PREFIX=/usr DESTDIR="$R4"; then ok "make install PREFIX=/usr (no LIBDIR)"; else
        not_ok "make install PREFIX=/usr (no LIBDIR)" "$(cat "$WORK/log")"; fi
    for f in libdistrust.so.1 pkcs11/libdistrust-pkcs11.so pkgconfig/distrust.pc; do
        [ -e "$R4/usr/lib/$tri/$f" ] && ok "PREFIX=/usr: $f in /usr/lib/$tri" ||
            not_ok "PREFIX=/usr: $f in /usr/lib/$tri" "$(cd "$R4" && find . -name '*.so*' | head)"
    done
    grep -q "/usr/lib/$tri/pkcs11" "$R4/usr/bin/distrust" && ok "PREFIX=/usr: the binary names /usr/lib/$tri/pkcs11" ||
        not_ok "PREFIX=/usr: the binary names /usr/lib/$tri/pkcs11"
fi
# The man page covers every subcommand.
missing=
for c in $("$I/bin/distrust" --help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }'); do
    pat=$(printf '%s' "$c" | sed 's/-/\\\\-/g')
    grep -q "^\.B .*$pat" "$I/share/man/man1/distrust.1" || missing="$missing $c"
done
[ -z "$missing" ] && ok "the man page covers every subcommand" || not_ok "the man page lacks:$missing"
if make -s -C "$TOP" B="$WORK/build" uninstall PREFIX=/opt/dt DESTDIR="$R" >"$WORK/log" 2>&1 &&
    [ -z "$(find "$R" -type f -o -type l)" ]; then
    ok "make uninstall removes every file"
else
    not_ok "make uninstall removes every file" "$(find "$R" -type f -o -type l)"
fi
done_testing
