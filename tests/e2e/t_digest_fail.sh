# A digest OpenSSL cannot give is an error with its cause, never zeros: a
# certdata.txt object whose CKA_CERT_MD5_HASH is zeros is a distrust NSS
# silently ignores. The digests are made to fail for real, through
# OPENSSL_CONF:
#   - nomd5: a provider (tests/e2e/nomd5-provider.c, built here) that offers
#     everything OpenSSL's default provider does but MD5, as a FIPS provider
#     does; a build that needs no MD5 still works under it, byte for byte;
#   - base: only the "base" provider (no digest at all);
#   - fips: the default provider behind the default property "fips=yes",
#     which no algorithm of it has.
# Each failing build runs over a previous good build: it must exit 4 (an
# internal error, not bad input), name the digest, and leave OUT as it was.
. "$TOP/tests/e2e/lib.sh"

POL="$WORK/p/policy.json"
mkdir -p "$WORK/p" "$WORK/q" "$WORK/o"
cat >"$POL" <<JSON
{"version": 1, "entries": [{"certificate": "$PKI/int-a1.pem", "label": "Needs MD5",
                             "nss_object": "trust+hash"}]}
JSON
# No certificate: the outputs need SHA-256 only.
cat >"$WORK/q/policy.json" <<'JSON'
{"version": 1, "entries": [{"issuer_der": "MA0xCzAJBgNVBAMMAmhp", "serial": "01", "label": "Y"}]}
JSON
OUT="$WORK/o/out"

snapshot() {
    (cd "$OUT" && find . -type f -print | LC_ALL=C sort | while IFS= read -r p; do
        echo "$(sha256sum <"$p" | cut -d' ' -f1) $p"
    done) >"$1"
}

conf() { # conf NAME SECTIONS: an OPENSSL_CONF in $WORK/NAME.cnf
    name=$1
    shift
    printf 'openssl_conf = openssl_init\n[openssl_init]\n%s\n' "$*" >"$WORK/$name.cnf"
}
conf base "providers = provider_sect
[provider_sect]
base = base_sect
[base_sect]
activate = 1"
conf fips "providers = provider_sect
alg_section = alg_sect
[provider_sect]
default = default_sect
[default_sect]
activate = 1
[alg_sect]
default_properties = fips=yes"

# Baseline: without the configuration the build works and writes the MD5.
run "$DISTRUST" build -o "$OUT" "$POL"
expect_status "baseline: the certificate entry builds" 0
md5=$(openssl x509 -in "$PKI/int-a1.pem" -outform DER | openssl dgst -md5 -binary |
    od -An -to1 -v | tr -s ' \n' '\n\n' | grep . | sed 's/^/\\/' | tr -d '\n')
if grep -A1 '^CKA_CERT_MD5_HASH MULTILINE_OCTAL' "$OUT/certdata-distrust.txt" | grep -qxF -- "$md5"
then
    ok "baseline: the object carries the certificate's MD5 (CKA_CERT_MD5_HASH)"
else
    not_ok "baseline: the object carries the certificate's MD5 (CKA_CERT_MD5_HASH)" \
        "$(grep -A2 CKA_CERT_MD5_HASH "$OUT/certdata-distrust.txt")"
fi
snapshot "$WORK/before.snap"
cp -r "$OUT" "$WORK/baseline-out"

# fails NAME WANT-MESSAGE WANT-PLACE: a build under $WORK/NAME.cnf over OUT.
fails() {
    OPENSSL_CONF="$WORK/$1.cnf" run "$DISTRUST" build -o "$OUT" "$POL"
    expect_status "$1: the build fails as an internal error, not bad input" 4
    has "$1: the cause is named" "$WORK/err" "$2"
    has "$1: at its place" "$WORK/err" "$3"
    hasnt "$1: no misleading reason" "$WORK/err" "too long|not a certificate|corrupted"
    snapshot "$WORK/after.snap"
    same "$1: the previous OUT is left as it was" "$WORK/before.snap" "$WORK/after.snap"
    left=$(find "$WORK/o" -mindepth 1 -maxdepth 1 ! -name out | wc -l)
    if [ "$left" -eq 0 ]; then ok "$1: nothing is left beside OUT"; else
        not_ok "$1: nothing is left beside OUT" "$(ls -a "$WORK/o")"
    fi
}

# Built without sanitizers even for make asan: the openssl command below
# loads it too, and an instrumented binary loads a plain library fine.
if cc -shared -fPIC -o "$WORK/nomd5.so" "$TOP/tests/e2e/nomd5-provider.c" -lcrypto \
    >"$WORK/cc.log" 2>&1; then
    ok "the test provider without MD5 builds"
    conf nomd5 "providers = provider_sect
[provider_sect]
nomd5 = nomd5_sect
[nomd5_sect]
module = $WORK/nomd5.so
activate = 1"
    # The provider is what it says: MD5 fails, SHA-256 does not.
    if command -v openssl >/dev/null; then
        OPENSSL_CONF="$WORK/nomd5.cnf" run openssl dgst -md5 "$POL"
        expect_status "nomd5: openssl dgst -md5 fails" 1
        has "nomd5: for want of MD5" "$WORK/err" "unsupported.*MD5"
        openssl dgst -sha256 "$POL" >"$WORK/sha.plain"
        OPENSSL_CONF="$WORK/nomd5.cnf" run openssl dgst -sha256 "$POL"
        expect_status "nomd5: openssl dgst -sha256 works" 0
        same "nomd5: and gives the SHA-256 it gives without the provider" "$WORK/sha.plain" \
            "$WORK/out"
    fi
    want="certificate 1: MD5 is not available from OpenSSL \(a FIPS provider\?\): "
    fails nomd5 "${want}certdata.txt needs each certificate's MD5" "int-a1.pem:1: error:"
    has "nomd5: the CLI's last word names the cause too" "$WORK/err" \
        "error: internal error: MD5 is not available from OpenSSL"
    OPENSSL_CONF="$WORK/nomd5.cnf" run "$DISTRUST" lint "$POL"
    expect_status "nomd5: lint fails the same way" 4
    has "nomd5: lint names the cause" "$WORK/err" "MD5 is not available from OpenSSL"
    # A build that needs no MD5 works under the same configuration, and
    # writes what it writes without it.
    OPENSSL_CONF="$WORK/nomd5.cnf" run "$DISTRUST" build -o "$WORK/q/out" "$WORK/q/policy.json"
    expect_status "nomd5: a build without certificates works" 0
    run "$DISTRUST" build -o "$WORK/q/plain" "$WORK/q/policy.json"
    expect_status "baseline: the same build without the configuration" 0
    if diff -r "$WORK/q/out" "$WORK/q/plain" >"$WORK/diff.txt" 2>&1; then
        ok "nomd5: its outputs are byte for byte those of the plain build"
    else
        not_ok "nomd5: its outputs are byte for byte those of the plain build" \
            "$(head -20 "$WORK/diff.txt")"
    fi
else
    not_ok "the test provider without MD5 builds" "$(cat "$WORK/cc.log")"
fi

fails base "SHA-256 is not available from OpenSSL" \
    "policy.json: error: SHA-256 is not available .*: the outputs record every policy file's SHA-256"
fails fips "SHA-256 is not available from OpenSSL" "policy.json: error: SHA-256"

# The blob reader: a blob whose SHA-256 cannot be checked is an error (exit
# 4), never "corrupted" (exit 2) and never an answer.
BLOB="$WORK/baseline-out/revocations.blob"
run "$DISTRUST" query "$BLOB" --cert "$PKI/int-a1.pem"
expect_status "baseline: query finds the certificate in the blob" 0
OPENSSL_CONF="$WORK/base.cnf" run "$DISTRUST" query "$BLOB" --cert "$PKI/int-a1.pem"
expect_status "base: query fails as an internal error" 4
has "base: query names the cause" "$WORK/err" \
    "cannot check the blob's SHA-256: SHA-256 is not available from OpenSSL"
hasnt "base: query gives no answer" "$WORK/out" "listed"

done_testing
