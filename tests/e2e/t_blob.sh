# revocations.blob and `distrust query`: the real OneCRL dump through
# import, build and query (every record listed, random non-members not),
# certificates and chains, batches, signatures, fail-closed reading, and
# an OpenSSL client built against the installed library.
. "$TOP/tests/e2e/lib.sh"
BUILD=${B:-build}
C="$TOP/testdata/chains"
K="$TOP/testdata/keys"
D="$TOP/testdata/onecrl/onecrl-2026-10.json"

# The real dump.
run "$DISTRUST" import onecrl "$D" -o "$WORK/imp.json"
expect_status "import the real dump" 0
run "$DISTRUST" build -q -o "$WORK/r" --date 2026-11-01 --sign-key "$K/signer-p384.pem" "$WORK/imp.json"
expect_status "build it, signed" 0
BL="$WORK/r/revocations.blob"
size=$(wc -c <"$BL")
if [ "$size" -lt 35194 ]; then ok "the blob ($size B) is smaller than naive packing + zlib (35,194 B)"; else
    not_ok "the blob is smaller than naive packing + zlib" "$size bytes"; fi
run "$DISTRUST" query "$BL" --info
expect_status "--info" 0
has "the counts" "$WORK/out" "^issuer\\+serial entries: 1888$"
has "the subject+key entries" "$WORK/out" "^subject\\+key entries: 3$"
has "the signature, not checked" "$WORK/out" "^signature: ECDSA P-384, key [0-9a-f]{64}, not checked"
run "$DISTRUST" query "$BL" --info --verify-key "$K/signer-p384.pub.pem"
expect_status "--verify-key with the signer's key" 0
has "verified" "$WORK/out" "^signature: ECDSA P-384, key [0-9a-f]{64}, verified$"
run "$DISTRUST" query "$BL" --info --verify-key "$K/other-p384.pub.pem"
expect_status "--verify-key with another key: a check that failed" 3
has "says so" "$WORK/err" "signed by another key"

# Every record of the dump as a batch line: all listed.
awk 'BEGIN { RS = "},"; }
     { i = s = sub_ = h = "" }
     match($0, /"issuerName": *"[^"]*"/) { i = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", i); sub(/ *"$/, "", i) }
     match($0, /"serialNumber": *"[^"]*"/) { s = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", s); sub(/ *"$/, "", s) }
     match($0, /"subject": *"[^"]*"/) { sub_ = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", sub_); sub(/ *"$/, "", sub_) }
     match($0, /"pubKeyHash": *"[^"]*"/) { h = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", h); sub(/ *"$/, "", h) }
     i != "" && s != "" { print "is " i " " s }
     sub_ != "" && h != "" { print "spk " sub_ " " h }' "$D" >"$WORK/all.txt"
count "the batch holds every record of the dump" "$WORK/all.txt" "^(is|spk) " 1895
run "$DISTRUST" query "$BL" --batch "$WORK/all.txt"
expect_status "query of all 1,895 records (duplicates included)" 0
count "every one is listed" "$WORK/out" "^listed " 1895
count "none is not listed" "$WORK/out" "^not-listed " 0
# The same records with three 00 octets put before each serial (another
# serial: lengths are exact): none listed.
awk '$1 == "is" { print $1 " " $2 " AAAA" $3 }' "$WORK/all.txt" >"$WORK/changed.txt"
run "$DISTRUST" query "$BL" --batch "$WORK/changed.txt"
expect_status "the 1,892 issuer/serial records, each serial with 00 00 00 before it" 1
count "none is listed" "$WORK/out" "^listed " 0
count "all are answered" "$WORK/out" "^not-listed " 1892

# A malformed batch line: nothing is answered, not even the well-formed
# lines around it, which are answered without it. (Its exit status and its
# message at batch.txt:4:4 are the catalogue's case
# testdata/bad/170-batch-field-not-base64.)
CAT="$TOP/testdata/bad/170-batch-field-not-base64"
run "$DISTRUST" query "$CAT/revocations.blob" --batch "$CAT/batch.txt"
count "a malformed batch line: nothing is answered" "$WORK/out" "listed" 0
grep -v '^is not-base64' "$CAT/batch.txt" >"$WORK/good.txt"
run "$DISTRUST" query "$CAT/revocations.blob" --batch "$WORK/good.txt"
count "without it, its five other lines are answered" "$WORK/out" "listed" 5

# Certificates: the fixture build.
run "$DISTRUST" build -q -o "$WORK/f" "$C/basic/policy.json"
F="$WORK/f/revocations.blob"
run "$DISTRUST" query "$F" --cert "$PKI/leaf-a1-2.pem"
expect_status "a leaf distrusted by issuer + serial" 0
has "is listed" "$WORK/out" '^listed .*leaf-a1-2.pem#1 "leaf2.example.test" \(issuer \+ serial\)$'
run "$DISTRUST" query "$F" --cert "$PKI/leaf-a1.pem"
expect_status "a leaf nobody distrusts" 1
run "$DISTRUST" query "$F" --cert "$PKI/chain-a2.pem"
expect_status "a chain file: its intermediate is listed" 0
has "the leaf line" "$WORK/out" '^not-listed .*chain-a2.pem#1 "control.example.test"$'
has "the intermediate line" "$WORK/out" '^listed .*chain-a2.pem#2 "Test Intermediate 2 EC"'
run "$DISTRUST" query "$F" --cert "$PKI/leaf-ascii.pem"
expect_status "an entry that targets nss only is not in the blob" 1
I=$(sh "$TOP/tests/e2e/der-field.sh" issuer "$PKI/leaf-a1-2.der" b64)
run "$DISTRUST" query "$F" --issuer-der "$I" --serial 00:80:00:00:01
expect_status "--issuer-der + --serial" 0
run "$DISTRUST" query "$F" --issuer-der "$I" --serial 80:00:00:01
expect_status "the same serial without its 00 pad is another serial" 1
run "$DISTRUST" query "$F" --issuer-der "$I"
expect_status "--issuer-der without --serial" 2

# Fail-closed reading: a truncated header 129 or body 134, a changed byte in
# the body 133, an unknown version 131, bad magic 130, an unsigned blob when
# a signature is required 135, a decompression bomb 132 are the catalogue's
# (testdata/bad/, command query).

# Reproducible bytes.
run "$DISTRUST" build -q -o "$WORK/r2" --date 2026-11-01 "$WORK/imp.json"
run "$DISTRUST" build -q -o "$WORK/r3" --date 2026-11-01 "$WORK/imp.json"
same "the unsigned blob is byte-for-byte reproducible" "$WORK/r2/revocations.blob" "$WORK/r3/revocations.blob"

# An OpenSSL client against the library: X509_verify_cert with the blob.
cat >"$WORK/client.c" <<'EOF'
#include <distrust/openssl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
/* client BLOB ANCHOR.pem CHAIN.pem TIME: 0 verified, 1 rejected (prints why), 2 error */
int main(int argc, char **argv)
{
    struct dt_blob *b = NULL;
    char err[256];
    if (argc != 5 || dt_blob_open_file(argv[1], NULL, &b, err, sizeof(err)) != DT_BLOB_OK) {
        fprintf(stderr, "open: %s\n", err);
        return 2;
    }
    X509_STORE *st = X509_STORE_new();
    FILE *f = fopen(argv[2], "r");
    X509 *a = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    STACK_OF(X509) *chain = sk_X509_new_null();
    f = fopen(argv[3], "r");
    X509 *x, *leaf = NULL;
    while (f && (x = PEM_read_X509(f, NULL, NULL, NULL)))
        leaf ? (void)sk_X509_push(chain, x) : (void)(leaf = x);
    if (f)
        fclose(f);
    if (!a || !leaf || !X509_STORE_add_cert(st, a) || dt_blob_attach(st, b) != DT_BLOB_OK)
        return 2;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, st, leaf, chain);
    X509_STORE_CTX_set_time(ctx, 0, (time_t)atoll(argv[4]));
    int ok = X509_verify_cert(ctx);
    printf("%s: %s\n", ok == 1 ? "verified" : "rejected",
           X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    X509_free(a);
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    dt_blob_close(b);
    return ok == 1 ? 0 : 1;
}
EOF
sed -i 's/#include <string.h>/#include <stdlib.h>\n#include <string.h>/' "$WORK/client.c"
SAN=""
case "$BUILD" in *asan*) SAN="-fsanitize=address,undefined" ;; esac
if cc $SAN -o "$WORK/client" "$WORK/client.c" -I"$TOP/include" -L"$TOP/$BUILD" -ldistrust -lcrypto >"$WORK/cc.log" 2>&1; then
    ok "an OpenSSL client compiles against distrust/openssl.h and libdistrust.so"
    export LD_LIBRARY_PATH="$TOP/$BUILD"
    T=1748736000 # 2025-06-01
    cat "$PKI/leaf-a1.pem" "$PKI/int-a1.pem" >"$WORK/c1.pem"
    cat "$PKI/leaf-a2.pem" "$PKI/int-a2.pem" >"$WORK/c2.pem"
    run "$WORK/client" "$F" "$PKI/root-a.pem" "$WORK/c1.pem" $T
    expect_status "baseline: a chain the blob does not touch verifies" 0
    run "$WORK/client" "$F" "$PKI/root-a.pem" "$WORK/c2.pem" $T
    expect_status "a chain through the listed intermediate is rejected" 1
    has "as revoked" "$WORK/out" "rejected: certificate revoked"
    run "$WORK/client" "$WORK/r2/revocations.blob" "$PKI/root-a.pem" "$WORK/c2.pem" $T
    expect_status "the same chain against a blob that does not list it verifies" 0
else
    not_ok "an OpenSSL client compiles against distrust/openssl.h and libdistrust.so" "$(cat "$WORK/cc.log")"
fi

# The release: a sequence from --sequence or --previous, the date from
# --date or SOURCE_DATE_EPOCH, recorded in the manifest and shown by --info;
# without them a warning, and --strict refuses.
run "$DISTRUST" build -o "$WORK/s0" "$TOP/policy"
expect_status "a build without a sequence or a date is written" 0
has "with a warning for the sequence" "$WORK/err" "warning: no sequence number for revocations.blob \\(--sequence N, or --previous LAST_OUT"
has "and one for the date" "$WORK/err" "warning: no date for the outputs"
has "the summary tells the blob's entries, size, sequence and date" "$WORK/out" "^  revocations.blob: 38 issuer\\+serial entries under 21 issuers, 0 subject\\+key entries, [0-9]+ bytes; sequence 0, created 1970-01-01T00:00:00Z$"
run "$DISTRUST" build --strict -o "$WORK/s0s" "$TOP/policy"
expect_status "--strict refuses a build without a sequence (a failed check)" 3
run env SOURCE_DATE_EPOCH=1764547200 "$DISTRUST" build --sequence 41 -o "$WORK/s1" "$TOP/policy"
expect_status "--sequence 41 with SOURCE_DATE_EPOCH" 0
hasnt "no warning" "$WORK/err" "warning:"
has "the manifest records the sequence" "$WORK/s1/manifest.json" '"sequence": 41,'
has "and the date and its source" "$WORK/s1/manifest.json" '"created_from": "SOURCE_DATE_EPOCH"'
has "onecrl.json's last_modified is that date" "$WORK/s1/onecrl.json" '"last_modified": 1764547200000'
run "$DISTRUST" query "$WORK/s1/revocations.blob" --info
has "--info shows the sequence" "$WORK/out" "^sequence: 41$"
has "and the date" "$WORK/out" "^created: 2025-12-01T00:00:00Z$"
run "$DISTRUST" build --previous "$WORK/s1" --date 2025-12-02 -o "$WORK/s2" "$TOP/policy"
expect_status "--previous" 0
run "$DISTRUST" query "$WORK/s2/revocations.blob" --info
has "gives the previous sequence + 1" "$WORK/out" "^sequence: 42$"
run "$DISTRUST" build --previous "$WORK/s2" --sequence 42 --date 2025-12-03 -o "$WORK/s3" "$TOP/policy"
expect_status "a --sequence not greater than --previous's is refused" 1
has "at --sequence, naming both" "$WORK/err" "^--sequence: error: 42 is not greater than the previous release's sequence 42"
[ ! -e "$WORK/s3" ] && ok "nothing is written" || not_ok "nothing is written"
run "$DISTRUST" build --previous "$WORK/s2" --sequence 43 --date 2025-12-03 -o "$WORK/s3" "$TOP/policy"
expect_status "baseline: --sequence 43 after 42" 0
# A previous build whose manifest predates "release": the blob's header.
cp -r "$WORK/s3" "$WORK/old"
sed -i '/"release"/,/},/d' "$WORK/old/manifest.json"
hasnt "(the old manifest has no release)" "$WORK/old/manifest.json" '"release"'
run "$DISTRUST" build --previous "$WORK/old" --date 2025-12-04 -o "$WORK/s4" "$TOP/policy"
expect_status "--previous with an older manifest" 0
run "$DISTRUST" query "$WORK/s4/revocations.blob" --info
has "reads the sequence from its blob" "$WORK/out" "^sequence: 44$"
run "$DISTRUST" build --sequence 0 -o "$WORK/s5" "$TOP/policy"
expect_status "--sequence 0 is a usage error" 2
run "$DISTRUST" build --previous "$WORK/nope" -o "$WORK/s5" "$TOP/policy"
expect_status "--previous naming nothing" 1
has "says so with the errno text" "$WORK/err" "^--previous: error: .*/nope: No such file or directory"

done_testing
