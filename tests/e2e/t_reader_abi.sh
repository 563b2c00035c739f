# The installed reader library's ABI (libdistrust.so.1, DISTRUST_1.0):
#   - it exports exactly the functions the version script lists and exactly
#     those the installed headers declare, every one with the version
#     DISTRUST_1.0 and marked DISTRUST_API (each kind of mismatch, made here,
#     is caught);
#   - it needs libcrypto and zlib only (no NSS, NSPR, jansson), and the
#     static libdistrust.a defines the same symbols and no other;
#   - the installed headers are self-contained, C99 and C++, and include
#     nothing of the tool;
#   - a consumer of both headers builds with `pkg-config --cflags --libs
#     distrust` alone against a DESTDIR install and runs against the
#     installed library: lookups, fail-closed edges, and X509_verify_cert
#     with the blob attached and the consumer's own verify callback.
# The TLS handshake proof is tests/e2e/t_reader_tls.sh.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP" || exit 1
BD="$TOP/${B:-build}"
SO="$BD/libdistrust.so.1.0.0"
MAP="$TOP/builder/reader/exports.map"
HDR="$TOP/include/distrust"
SAN=""
case "$BD" in *asan*) SAN="-fsanitize=address,undefined" ;; esac

# ---- the export list ---------------------------------------------------------------- #

# exported SO: the names a shared library defines for the dynamic linker.
exported() { nm -D --defined-only "$1" | awk 'NF == 3 && $2 != "A" { sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort -u; }
# unversioned SO: the exports without the version DISTRUST_1.0.
unversioned() { nm -D --defined-only "$1" | awk 'NF == 3 && $2 != "A" && $3 !~ /@@DISTRUST_1\.0$/ { print $3 }'; }
# scripted MAP: the names of the version script's global: list.
scripted() {
    cc -fpreprocessed -dD -E -P -x c "$1" 2>/dev/null |
        awk '/global:/ { g = 1; next } /local:/ { g = 0 } g' | tr -d ' \t;' | grep -v '^$' | LC_ALL=C sort -u
}
# declared DIR: every function the headers of DIR declare (comments aside).
declared() {
    for h in "$1"/*.h; do cc -fpreprocessed -dD -E -P -x c "$h" 2>/dev/null; done | tr '\n' ' ' |
        grep -oE '\bdt_[a-z0-9_]+\(' | tr -d '(' | LC_ALL=C sort -u
}
# marked DIR: the functions declared with DISTRUST_API.
marked() {
    for h in "$1"/*.h; do cc -fpreprocessed -dD -E -P -x c "$h" 2>/dev/null; done | tr '\n' ' ' |
        grep -oE 'DISTRUST_API[^(;]*\(' | grep -oE 'dt_[a-z0-9_]+\($' | tr -d '(' | LC_ALL=C sort -u
}
# abi_diff SO MAP DIR: every disagreement between the three, one per line.
abi_diff() {
    exported "$1" >"$WORK/.e"
    scripted "$2" >"$WORK/.s"
    declared "$3" >"$WORK/.d"
    marked "$3" >"$WORK/.m"
    LC_ALL=C comm -23 "$WORK/.e" "$WORK/.s" | sed 's/^/exported, not in the version script: /'
    LC_ALL=C comm -13 "$WORK/.e" "$WORK/.s" | sed 's/^/in the version script, not exported: /'
    LC_ALL=C comm -23 "$WORK/.e" "$WORK/.d" | sed 's/^/exported, not declared in a header: /'
    LC_ALL=C comm -13 "$WORK/.e" "$WORK/.d" | sed 's/^/declared in a header, not exported: /'
    LC_ALL=C comm -13 "$WORK/.m" "$WORK/.d" | sed 's/^/declared without DISTRUST_API: /'
    unversioned "$1" | sed 's/^/not versioned DISTRUST_1.0: /'
    [ -s "$WORK/.e" ] || echo "exports nothing"
}

[ -f "$SO" ] || { not_ok "the library is built: $SO"; done_testing; exit 1; }
d=$(abi_diff "$SO" "$MAP" "$HDR")
cp "$WORK/.e" "$WORK/exports"
if [ -z "$d" ]; then ok "libdistrust.so.1: exports = version script = header declarations ($(wc -l <"$WORK/.e") functions)"; else
    not_ok "libdistrust.so.1: exports = version script = header declarations" "$d"; fi
count "every export has the version DISTRUST_1.0" "$WORK/exports" '^dt_blob_' "$(nm -D --defined-only "$SO" | grep -c '@@DISTRUST_1\.0$')"
soname=$(readelf -d "$SO" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libdistrust.so.1 ] && ok "soname libdistrust.so.1" || not_ok "soname libdistrust.so.1" "$soname"
echo "# libdistrust.so.1.0.0: $(wc -l <"$WORK/exports") exported functions, $(wc -c <"$SO") bytes" \
    "($(strip -o "$WORK/stripped.so" "$SO" && wc -c <"$WORK/stripped.so") stripped)"

# The checks above catch each kind of mismatch.
cp "$MAP" "$WORK/extra.map"
sed -i 's/^\( *global:\)$/\1\n        dt_blob_never_built;/' "$WORK/extra.map"
abi_diff "$SO" "$WORK/extra.map" "$HDR" >"$WORK/caught"
has "caught: a name in the version script that is not exported" "$WORK/caught" '^in the version script, not exported: dt_blob_never_built$'
mkdir -p "$WORK/h1" "$WORK/h2"
cp "$HDR"/*.h "$WORK/h1/"
cp "$HDR"/*.h "$WORK/h2/"
printf 'DISTRUST_API int dt_blob_only_declared(void);\n' >>"$WORK/h1/blob.h"
abi_diff "$SO" "$MAP" "$WORK/h1" >"$WORK/caught"
has "caught: a function a header declares that is not exported" "$WORK/caught" '^declared in a header, not exported: dt_blob_only_declared$'
printf 'int dt_blob_unmarked(void);\n' >>"$WORK/h2/openssl.h"
abi_diff "$SO" "$MAP" "$WORK/h2" >"$WORK/caught"
has "caught: a function declared without DISTRUST_API" "$WORK/caught" '^declared without DISTRUST_API: dt_blob_unmarked$'
# Libraries that export one more function: listed in a version script but
# declared nowhere, then with no version script at all.
printf '__attribute__((visibility("default"))) int dt_blob_extra(void);\nint dt_blob_extra(void) { return 1; }\n' >"$WORK/extra.c"
cp "$MAP" "$WORK/extra2.map"
sed -i 's/^\( *global:\)$/\1\n        dt_blob_extra;/' "$WORK/extra2.map"
printf '{ global: dt_blob_extra; local: *; };\n' >"$WORK/plain.map"
if cc -fPIC -c -o "$WORK/extra.o" "$WORK/extra.c" &&
    cc -shared -o "$WORK/extra.so" "$WORK/extra.o" -Wl,--whole-archive "$BD/libdistrust.a" \
        -Wl,--no-whole-archive -Wl,--version-script="$WORK/extra2.map" -lcrypto -lz $SAN &&
    cc -shared -o "$WORK/plain.so" "$WORK/extra.o" -Wl,--whole-archive "$BD/libdistrust.a" \
        -Wl,--no-whole-archive -lcrypto -lz $SAN >"$WORK/cc.log" 2>&1; then
    abi_diff "$WORK/extra.so" "$WORK/extra2.map" "$HDR" >"$WORK/caught"
    has "caught: an export no header declares" "$WORK/caught" '^exported, not declared in a header: dt_blob_extra$'
    abi_diff "$WORK/plain.so" "$MAP" "$HDR" >"$WORK/caught"
    has "caught: an export the version script does not list" "$WORK/caught" '^exported, not in the version script: dt_blob_extra$'
    has "caught: exports without the version DISTRUST_1.0" "$WORK/caught" '^not versioned DISTRUST_1.0: dt_blob_open$'
else
    not_ok "libraries with one more export build" "$(cat "$WORK/cc.log")"
fi

# ---- what it links -------------------------------------------------------------------- #

readelf -d "$SO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -Ev '^lib(a|ub|l|t)san\.so' | LC_ALL=C sort >"$WORK/needed"
echo "# NEEDED: $(tr '\n' ' ' <"$WORK/needed")"
has "it needs libcrypto" "$WORK/needed" '^libcrypto\.so\.'
has "it needs zlib" "$WORK/needed" '^libz\.so\.'
grep -Ev '^(libcrypto\.so\.|libz\.so\.|libc\.so\.|ld-linux)' "$WORK/needed" >"$WORK/other"
[ ! -s "$WORK/other" ] && ok "it needs no other library than libcrypto, zlib and the C library" ||
    not_ok "it needs no other library than libcrypto, zlib and the C library" "$(cat "$WORK/other")"
ldd "$SO" >"$WORK/ldd" 2>&1
hasnt "ldd: no NSS, NSPR, jansson or libssl" "$WORK/ldd" 'libnss|libnspr|libplc|libplds|libsmime|libjansson|libssl'
nm -D --undefined-only "$SO" | awk '{ print $NF }' >"$WORK/undef"
hasnt "no undefined NSS, NSPR or jansson symbol" "$WORK/undef" '^(PK11_|CERT_|SEC_|SECITEM_|SECOID_|NSS_|PR_|PL_|PORT_|json_)'
nm -g --defined-only "$BD/libdistrust.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | LC_ALL=C sort -u >"$WORK/static"
if cmp -s "$WORK/static" "$WORK/exports"; then ok "libdistrust.a defines the same $(wc -l <"$WORK/static") symbols and no other"; else
    not_ok "libdistrust.a defines the same symbols and no other" "$(diff "$WORK/exports" "$WORK/static" | head -20)"; fi
nm -u "$BD/libdistrust.a" 2>/dev/null | awk '{ print $NF }' >"$WORK/sundef"
hasnt "libdistrust.a: no undefined NSS, NSPR or jansson symbol" "$WORK/sundef" '^(PK11_|CERT_|SEC_|SECITEM_|NSS_|PR_|PL_|PORT_|json_)'

# ---- the headers, then a consumer of the installed tree -------------------------------- #

R="$WORK/root"
P=/opt/dtabi
if make_install PREFIX="$P" DESTDIR="$R"; then
    ok "make install PREFIX=$P DESTDIR=..."
else
    not_ok "make install" "$(cat "$WORK/log")"
fi
I="$R$P"
for h in blob openssl; do
    printf '#include <distrust/%s.h>\nint main(void) { return 0; }\n' "$h" >"$WORK/only-$h.c"
    check "<distrust/$h.h> alone compiles as C99 (-pedantic -Werror)" \
        cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$I/include" -c -o "$WORK/only-$h.o" "$WORK/only-$h.c"
    cp "$WORK/only-$h.c" "$WORK/only-$h.cc"
    check "<distrust/$h.h> alone compiles as C++11 (-Werror)" \
        c++ -std=c++11 -Wall -Wextra -Werror -I"$I/include" -c -o "$WORK/only-$h.oo" "$WORK/only-$h.cc"
done
grep -h '^#include' "$I"/include/distrust/*.h | LC_ALL=C sort -u >"$WORK/incs"
bad=$(grep -Ev '^#include (<stddef\.h>|<stdint\.h>|"blob\.h"|<openssl/x509\.h>|<openssl/x509_vfy\.h>)$' "$WORK/incs")
[ -z "$bad" ] && ok "the installed headers include only the C library, each other and OpenSSL" ||
    not_ok "the installed headers include only the C library, each other and OpenSSL" "$bad"

PC="$I/lib/pkgconfig/distrust.pc"
has "distrust.pc: Requires libcrypto and zlib (not Requires.private)" "$PC" '^Requires: libcrypto zlib$'
hasnt "distrust.pc: no Requires.private, no NSS or jansson" "$PC" 'Requires\.private|^(Requires|Libs).*(nss|jansson)'
export PKG_CONFIG_PATH="$I/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$R"
flags=$(pkg-config --cflags --libs distrust 2>&1)
echo "# pkg-config --cflags --libs distrust: $flags"
case " $flags " in *" -lcrypto "*) ok "pkg-config --libs distrust names libcrypto" ;; *) not_ok "pkg-config --libs names libcrypto" "$flags" ;; esac
case " $flags " in *" -ldistrust "*) ok "... and -ldistrust" ;; *) not_ok "... and -ldistrust" "$flags" ;; esac
case " $flags " in *" -L$I/lib "*) ok "... in the installed tree" ;; *) not_ok "... in the installed tree" "$flags" ;; esac

# The blob of the fixture chains: leaf-a1-2 by issuer + serial, int-a2.
run "$DISTRUST" build -q -o "$WORK/fx" "$TOP/testdata/chains/basic/policy.json"
expect_status "build the fixture blob" 0
cat >"$WORK/consumer.c" <<'EOF'
/* consumer BLOB ROOT LISTED-LEAF CONTROL-LEAF INTERMEDIATE TIME */
#include <distrust/openssl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>

static X509 *pem(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!x) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    return x;
}

static int revoked_seen;

/* The consumer's own verify callback: it passes OpenSSL's verdict on. */
static int passthrough(int ok, X509_STORE_CTX *ctx)
{
    if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CERT_REVOKED)
        revoked_seen++;
    return ok;
}

static const char *verify(X509_STORE *st, X509 *leaf, X509 *inter, time_t t)
{
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    const char *v = "setup failed";
    if (untrusted && ctx && sk_X509_push(untrusted, inter) &&
        X509_STORE_CTX_init(ctx, st, leaf, untrusted)) {
        X509_STORE_CTX_set_time(ctx, 0, t);
        X509_STORE_CTX_set_verify_cb(ctx, passthrough);
        v = X509_verify_cert(ctx) == 1 ? "verified"
                                       : X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
    }
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 7)
        return 2;
    X509 *root = pem(argv[2]), *listed = pem(argv[3]), *control = pem(argv[4]), *inter = pem(argv[5]);
    time_t t = (time_t)atoll(argv[6]);
    struct dt_blob *b = NULL;
    struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
    char err[256] = "";
    int rc = dt_blob_open_file(argv[1], &o, &b, err, sizeof(err));
    printf("open: %d %s\n", rc, err);
    if (rc != DT_BLOB_OK)
        return 1;
    struct dt_blob_info in = DT_BLOB_INFO_INIT;
    rc = dt_blob_get_info(b, &in);
    printf("info: %d, format %u, %llu serials\n", rc, in.version, (unsigned long long)in.serials);
    printf("has_cert listed leaf: %d\n", dt_blob_has_cert(b, listed));
    printf("has_cert control leaf: %d\n", dt_blob_has_cert(b, control));
    rc = dt_blob_has_cert(NULL, listed);
    printf("has_cert with a NULL blob: %d (%s)\n", rc, dt_blob_strerror(rc));
    struct dt_blob *none = NULL;
    rc = dt_blob_open_file("/nonexistent/revocations.blob", NULL, &none, err, sizeof(err));
    printf("open a missing file: %d (%s)\n", rc, dt_blob_strerror(rc));
    X509_STORE *st = X509_STORE_new(), *plain = X509_STORE_new();
    if (!st || !plain || !X509_STORE_add_cert(st, root) || !X509_STORE_add_cert(plain, root))
        return 2;
    printf("baseline listed chain: %s\n", verify(plain, listed, inter, t));
    printf("attach: %d\n", dt_blob_attach(st, b));
    const char *v = verify(st, listed, inter, t);
    printf("listed chain: %s (callback saw a revocation: %d)\n", v, revoked_seen);
    printf("control chain: %s\n", verify(st, control, inter, t));
    X509_STORE_free(st);
    X509_STORE_free(plain);
    X509_free(root);
    X509_free(listed);
    X509_free(control);
    X509_free(inter);
    dt_blob_close(b);
    return 0;
}
EOF
cat >"$WORK/consumer.cc" <<'EOF'
#include <distrust/openssl.h>
#include <cstdio>
int main(int argc, char **argv)
{
    dt_blob *b = nullptr;
    dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
    char err[256] = "";
    int rc = argc == 2 ? dt_blob_open_file(argv[1], &o, &b, err, sizeof(err)) : DT_BLOB_ERR_ARG;
    dt_blob_info in = DT_BLOB_INFO_INIT;
    if (rc == DT_BLOB_OK)
        rc = dt_blob_get_info(b, &in);
    std::printf("c++: %s, %llu serials\n", dt_blob_strerror(rc), (unsigned long long)in.serials);
    dt_blob_close(b);
    return rc == DT_BLOB_OK ? 0 : 1;
}
EOF
# $SAN only matches an ASan build of the library; everything else comes
# from pkg-config.
if cc -std=c99 -Wall -Wextra -Werror $SAN -o "$WORK/consumer" "$WORK/consumer.c" $flags >"$WORK/cc.log" 2>&1; then
    ok "a consumer of both headers builds with \`pkg-config --cflags --libs distrust\` alone"
else
    not_ok "a consumer of both headers builds with pkg-config --cflags --libs distrust alone" "$(cat "$WORK/cc.log")"
fi
T=1748736000 # 2025-06-01
export LD_LIBRARY_PATH="$I/lib"
ldd "$WORK/consumer" >"$WORK/ldd" 2>&1
has "it loads the installed libdistrust.so.1" "$WORK/ldd" "libdistrust\\.so\\.1 => $I/lib/libdistrust\\.so\\.1 "
run "$WORK/consumer" "$WORK/fx/revocations.blob" "$PKI/root-a.pem" "$PKI/leaf-a1-2.pem" "$PKI/leaf-a1.pem" "$PKI/int-a1.pem" $T
expect_status "the consumer runs against the installed library" 0
has "it opens the blob" "$WORK/out" '^open: 0 $'
has "it reads the info (format 1, the fixture's serials)" "$WORK/out" '^info: 0, format 1, [1-9][0-9]* serials$'
has "the listed leaf is listed (1)" "$WORK/out" '^has_cert listed leaf: 1$'
has "the control leaf is not (0)" "$WORK/out" '^has_cert control leaf: 0$'
has "a NULL blob is an error, not \"not listed\"" "$WORK/out" '^has_cert with a NULL blob: -1 \(bad argument\)$'
has "a missing file is an error" "$WORK/out" '^open a missing file: -3 '
has "baseline: the listed chain verifies without the blob" "$WORK/out" '^baseline listed chain: verified$'
has "attach: 0" "$WORK/out" '^attach: 0$'
has "with the blob and the consumer's own callback: revoked, and the callback saw it" "$WORK/out" \
    '^listed chain: certificate revoked \(callback saw a revocation: 1\)$'
has "an unlisted chain verifies with the blob attached" "$WORK/out" '^control chain: verified$'
if c++ -std=c++11 -Wall -Wextra -Werror $SAN -o "$WORK/consumer-cc" "$WORK/consumer.cc" $flags >"$WORK/cc.log" 2>&1; then
    ok "a C++ consumer builds with pkg-config alone"
    run "$WORK/consumer-cc" "$WORK/fx/revocations.blob"
    expect_status "the C++ consumer runs" 0
    has "and reads the blob" "$WORK/out" '^c\+\+: 0: success \(for a lookup: not listed\), [1-9][0-9]* serials$'
else
    not_ok "a C++ consumer builds with pkg-config alone" "$(cat "$WORK/cc.log")"
fi
unset LD_LIBRARY_PATH
# Static: the installed libdistrust.a with libcrypto and zlib.
if cc -std=c99 $SAN -o "$WORK/consumer-static" "$WORK/consumer.c" $(pkg-config --cflags distrust) \
    "$I/lib/libdistrust.a" $(pkg-config --libs --static libcrypto zlib) >"$WORK/cc.log" 2>&1; then
    ok "the consumer links statically with the installed libdistrust.a"
    ldd "$WORK/consumer-static" >"$WORK/ldd" 2>&1
    hasnt "... and needs no libdistrust.so" "$WORK/ldd" 'libdistrust'
    run "$WORK/consumer-static" "$WORK/fx/revocations.blob" "$PKI/root-a.pem" "$PKI/leaf-a1-2.pem" "$PKI/leaf-a1.pem" "$PKI/int-a1.pem" $T
    expect_status "the static consumer runs" 0
    has "... with the same verdicts" "$WORK/out" '^listed chain: certificate revoked \(callback saw a revocation: 1\)$'
else
    not_ok "the consumer links statically with the installed libdistrust.a" "$(cat "$WORK/cc.log")"
fi

done_testing
