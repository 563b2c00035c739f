# The OpenSSL enforcement survives the application's own verify callback, in
# a real TLS handshake on loopback: `openssl s_server` serves a fixture
# chain; a small client built against the INSTALLED library (pkg-config)
# sets SSL_VERIFY_PEER with its own pass-through callback and, with --blob,
# attaches the build's revocations.blob to its SSL_CTX's store.
#   - baseline: the chain whose leaf the blob lists, without the blob:
#     the handshake completes;
#   - the same chain with the blob: it fails with "certificate revoked", and
#     the client's callback saw the error (preverify_ok = 0, depth 0);
#     also with the callback set before the blob is attached;
#   - a chain whose intermediate the blob lists: revoked at depth 1;
#   - a control chain the blob does not list: completes with the blob;
#   - a callback that returns 1 for every error completes the handshake
#     after seeing the revocation: what distrust/openssl.h tells the caller
#     not to do.
# Ports: s_server binds 127.0.0.1:0 and prints the port the kernel chose.
# Nothing can hang: the server runs under timeout(1) and exits after one
# connection, the client has an alarm and socket timeouts.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP" || exit 1
BD="$TOP/${B:-build}"
SAN=""
case "$BD" in *asan*) SAN="-fsanitize=address,undefined" ;; esac
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$WORK"' EXIT

command -v openssl >/dev/null 2>&1 || { not_ok "the openssl command (Debian's openssl package) is installed"; done_testing; exit 1; }

# The installed library.
R="$WORK/root"
P=/opt/dttls
if make_install PREFIX="$P" DESTDIR="$R"; then
    ok "make install PREFIX=$P DESTDIR=..."
else
    not_ok "make install" "$(cat "$WORK/log")"
fi
I="$R$P"
export PKG_CONFIG_PATH="$I/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$R"

cat >"$WORK/tlsclient.c" <<'EOF'
/* tlsclient [--blob BLOB] [--cb-first] [--override] CA.pem PORT TIME
 * A TLS handshake with 127.0.0.1:PORT: SSL_VERIFY_PEER, the application's
 * own verify callback (pass-through; --override: returns 1 for every
 * error), the verification time set to TIME, and with --blob the blob
 * attached to the SSL_CTX's store (after the callback is set with
 * --cb-first, before it otherwise). Prints what the callback saw and the
 * outcome. Exit 0 handshake completed, 1 failed, 2 setup error. */
#define _POSIX_C_SOURCE 200809L
#include <distrust/openssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int override;

static int app_cb(int ok, X509_STORE_CTX *ctx)
{
    if (!ok) {
        int e = X509_STORE_CTX_get_error(ctx);
        printf("callback: preverify_ok=0 error=%d (%s) depth=%d\n", e,
               X509_verify_cert_error_string(e), X509_STORE_CTX_get_error_depth(ctx));
    }
    return override ? 1 : ok;
}

int main(int argc, char **argv)
{
    const char *blob_path = NULL;
    int cb_first = 0, i = 1;
    alarm(20);
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (!strcmp(argv[i], "--blob") && i + 1 < argc)
            blob_path = argv[++i];
        else if (!strcmp(argv[i], "--cb-first"))
            cb_first = 1;
        else if (!strcmp(argv[i], "--override"))
            override = 1;
        else
            return 2;
    }
    if (argc - i != 3)
        return 2;
    const char *ca = argv[i], *port = argv[i + 1];
    time_t when = (time_t)atoll(argv[i + 2]);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
        return 2;
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx), when);
    struct dt_blob *b = NULL;
    if (cb_first)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, app_cb);
    if (blob_path) {
        char err[256] = "";
        int rc = dt_blob_open_file(blob_path, NULL, &b, err, sizeof(err));
        if (rc == DT_BLOB_OK)
            rc = dt_blob_attach(SSL_CTX_get_cert_store(ctx), b);
        printf("blob: %s %s\n", dt_blob_strerror(rc), err);
        if (rc != DT_BLOB_OK)
            return 2;
    }
    if (!cb_first)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, app_cb);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {10, 0};
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        perror("connect");
        return 2;
    }
    SSL *s = SSL_new(ctx);
    if (!s || !SSL_set_fd(s, fd))
        return 2;
    int r = SSL_connect(s);
    long vr = SSL_get_verify_result(s);
    printf("handshake: %s (verify result: %s)\n", r == 1 ? "completed" : "failed",
           X509_verify_cert_error_string(vr));
    if (r == 1)
        SSL_shutdown(s);
    SSL_free(s);
    close(fd);
    SSL_CTX_free(ctx);
    dt_blob_close(b);
    return r == 1 ? 0 : 1;
}
EOF
flags=$(pkg-config --cflags --libs distrust)
if cc -std=c99 -Wall -Wextra -Werror $SAN -o "$WORK/tlsclient" "$WORK/tlsclient.c" $flags -lssl >"$WORK/cc.log" 2>&1; then
    ok "a TLS client builds against the installed library (pkg-config --cflags --libs distrust, and -lssl)"
else
    not_ok "a TLS client builds against the installed library" "$(cat "$WORK/cc.log")"
    done_testing
    exit 1
fi
export LD_LIBRARY_PATH="$I/lib"

# The build's blob: leaf-a1-2 by issuer + serial, int-a2 listed.
run "$DISTRUST" build -q -o "$WORK/fx" "$TOP/testdata/chains/basic/policy.json"
expect_status "build the fixture blob" 0
BLOB="$WORK/fx/revocations.blob"
T=1748736000 # 2025-06-01: every fixture certificate is valid then

# serve LEAF INTERMEDIATE: starts s_server for one connection; sets PORT.
serve() {
    : >"$WORK/server.out"
    timeout 60 openssl s_server -accept 127.0.0.1:0 -naccept 1 -www -cert "$PKI/$1.pem" \
        -key "$PKI/$1.key.pem" -cert_chain "$PKI/$2.pem" </dev/null >"$WORK/server.out" 2>&1 &
    SPID=$!
    PORT=""
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$WORK/server.out")
        [ -n "$PORT" ] && return 0
        kill -0 "$SPID" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}
# handshake DESC LEAF INTERMEDIATE CLIENT-OPTIONS...: one connection; the
# client's output in $WORK/out, its status in $st.
handshake() {
    desc=$1 leaf=$2 inter=$3
    shift 3
    if serve "$leaf" "$inter"; then
        run timeout 30 "$WORK/tlsclient" "$@" "$PKI/root-a.pem" "$PORT" "$T"
        cat "$WORK/err" >>"$WORK/out"
    else
        st=99
        echo "s_server did not start: $(cat "$WORK/server.out")" >"$WORK/out"
    fi
    kill "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=""
    echo "# $desc: $(tr '\n' '|' <"$WORK/out")"
}

handshake "baseline" leaf-a1-2 int-a1
expect_status "baseline: the chain whose leaf the blob lists, without the blob, completes the handshake" 0
has "... verified" "$WORK/out" '^handshake: completed \(verify result: ok\)$'

handshake "negative" leaf-a1-2 int-a1 --blob "$BLOB"
expect_status "with the blob and the client's own pass-through callback, the handshake fails" 1
has "... with \"certificate revoked\"" "$WORK/out" '^handshake: failed \(verify result: certificate revoked\)$'
has "... which the client's callback saw, at the leaf" "$WORK/out" '^callback: preverify_ok=0 error=23 \(certificate revoked\) depth=0$'

handshake "negative, callback first" leaf-a1-2 int-a1 --cb-first --blob "$BLOB"
expect_status "the same with the callback set before the blob is attached" 1
has "... certificate revoked" "$WORK/out" '^handshake: failed \(verify result: certificate revoked\)$'

handshake "intermediate" leaf-a2 int-a2 --blob "$BLOB"
expect_status "a chain whose intermediate the blob lists fails" 1
has "... revoked at depth 1" "$WORK/out" '^callback: preverify_ok=0 error=23 \(certificate revoked\) depth=1$'
handshake "intermediate baseline" leaf-a2 int-a2
expect_status "... and completes without the blob" 0

handshake "control" leaf-a1 int-a1 --blob "$BLOB"
expect_status "control: a chain the blob does not list completes with the blob attached" 0
has "... verified" "$WORK/out" '^handshake: completed \(verify result: ok\)$'
hasnt "... and the callback saw no error" "$WORK/out" '^callback:'

handshake "override" leaf-a1-2 int-a1 --override --blob "$BLOB"
expect_status "a callback that returns 1 for every error completes the handshake (documented: the caller must not)" 0
has "... after seeing the revocation" "$WORK/out" '^callback: preverify_ok=0 error=23 \(certificate revoked\) depth=0$'

done_testing
