#!/bin/sh
# bench/scale.sh - mass revocation at 100k, 1M and 3M entries (make bench).
#
# Data (generated once into $B/bench/scale-N/, no downloads): 5 issuers with
# N/5 random Let's Encrypt-like 18-octet serials each (serial lists, which
# target the blob), plus 2,000 intermediates distrusted by issuer and serial
# under one root for NSS, OneCRL and the blob.
#
# Measured, each against a peer in the same run:
#   distrust build: wall time and peak RSS (bench/rusage.c), against
#     bench/onecrl_peer.py writing the same serial-list records as gzip'd
#     onecrl.json (skipped, with a note, when python3 is missing);
#   distrust query --batch on 1,000,000 queries (half members);
#   the blob against a real OpenSSL DER CRL (bench/crlbench.c): size, parse
#     or open time, lookups per second against X509_CRL_get0_by_serial.
# Targets (issue 8): 3M in <= 10 s and <= 1.5 GB; >= 5x the peer.
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
D="$top/$B/distrust"
RU="$top/$B/bench/rusage"
W="$top/$B/bench"
fail=0
issuers="int-a1 int-a2 int-c int-utf8 root-b"

gen() { # DIR N
    dir=$1 n=$2
    [ -f "$dir/policy.json" ] && return 0
    echo "generating $dir ($n serials + 2,000 intermediates; once)"
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    k=0
    printf '{"version": 1, "entries": [\n' >"$dir/policy.json.tmp"
    for i in $issuers; do
        k=$((k + 1))
        awk -v seed="$k$n" -v n=$((n / 5)) 'BEGIN { srand(seed)
            for (i = 0; i < n; i++) { s = sprintf("%02x", 1 + int(rand() * 127))
                for (j = 1; j < 18; j++) s = s sprintf("%02x", int(rand() * 256)); print s } }' >"$dir/s$k.txt"
        openssl x509 -in "$top/testdata/pki/$i.pem" -outform DER -out "$dir/$i.der"
        sh "$top/tests/e2e/der-field.sh" subject "$dir/$i.der" b64 >"$dir/$i.subject.b64"
        base64 -d "$dir/$i.subject.b64" >"$dir/$i.subject.der"
        printf '  {"issuer_der": "%s", "serials_file": "s%s.txt", "label": "Mass revocation %s"},\n' \
            "$(cat "$dir/$i.subject.b64")" "$k" "$k" >>"$dir/policy.json.tmp"
    done
    awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "%02x%014x\n", 1 + i % 120, i * 7919 }' >"$dir/inter.txt"
    printf '  {"issuer_certificate": "%s", "serials_file": "inter.txt", "label": "Intermediates", "targets": ["nss", "onecrl", "blob"]}\n]}\n' \
        "$top/testdata/pki/root-a.pem" >>"$dir/policy.json.tmp"
    mv "$dir/policy.json.tmp" "$dir/policy.json"
}

# kv FILE KEY: a value from rusage's output.
kv() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$1"; }

echo
echo "mass revocation (bench/scale.sh): build, peer, query --batch"
printf '%-10s %10s %12s %12s %10s %12s %s\n' entries build peak-RSS peer speedup blob/CRLSet verdict
for n in 100000 1000000 3000000; do
    dir="$W/scale-$n"
    gen "$dir" "$n" || { echo "generation failed"; exit 1; }
    rm -rf "$dir/out"
    if ! "$RU" "$dir/build.ru" "$D" build -q -o "$dir/out" "$dir/policy.json" >"$dir/build.out" 2>"$dir/build.err"; then
        echo "build of $n FAILED"; sed 's/^/#   /' "$dir/build.err" | tail -5; fail=1; continue
    fi
    t=$(kv "$dir/build.ru" wall_s)
    rss=$(kv "$dir/build.ru" peak_rss_kib)
    served=$(sed -n 's/.*"blob_serials": \([0-9]*\).*/\1/p' "$dir/out/manifest.json")
    peer=- speed=-
    if command -v python3 >/dev/null 2>&1; then
        set --
        k=0
        for i in $issuers; do k=$((k + 1)); set -- "$@" "$dir/$i.subject.der:$dir/s$k.txt"; done
        if "$RU" "$dir/peer.ru" python3 "$top/bench/onecrl_peer.py" "$dir/peer.json.gz" "$@" >"$dir/peer.out" 2>&1; then
            peer=$(kv "$dir/peer.ru" wall_s)
            speed=$(awk -v a="$peer" -v b="$t" 'BEGIN { printf "%.1fx", a / b }')
        fi
    fi
    # A Chrome CRLSet body of the same serials: per issuer a 32-byte SPKI hash
    # and a 4-byte count, per serial a length octet and the serial.
    crlset=$(cat "$dir"/s[0-9]*.txt "$dir/inter.txt" | awk '{ n += 1 + length($1) / 2 } END { print n + 6 * 36 }')
    blob=$(wc -c <"$dir/out/revocations.blob")
    ratio=$(awk -v a="$blob" -v b="$crlset" 'BEGIN { printf "%.3f", a / b }')
    verdict=ok
    [ "$served" = $((n + 2000)) ] || verdict="WRONG ($served serials in the blob)"
    if [ "$n" = 3000000 ]; then
        awk -v t="$t" 'BEGIN { exit !(t > 10) }' && verdict="MISSED (over 10 s)"
        [ "$rss" -gt 1572864 ] && verdict="MISSED (over 1.5 GB)"
        [ "$speed" != - ] && awk -v s="${speed%x}" 'BEGIN { exit !(s < 5) }' && verdict="MISSED (< 5x the peer)"
        awk -v r="$ratio" 'BEGIN { exit !(r > 0.85) }' && verdict="MISSED (blob > 0.85x the CRLSet body)"
    fi
    [ "$verdict" = ok ] || fail=1
    printf '%-10s %9ss %9s MiB %11ss %10s %12s %s\n' "$n" "$t" "$((rss / 1024))" "$peer" "$speed" "$ratio" "$verdict"
done
[ "$peer" = - ] && echo "(python3 is not installed: the peer was not run)"

# query --batch: 1,000,000 lines against the 3M blob, half members.
dir="$W/scale-3000000"
if [ ! -f "$dir/batch.txt" ]; then
    echo "generating $dir/batch.txt (1,000,000 queries; once)"
    iss=$(cat "$dir/int-a1.subject.b64")
    awk -v iss="$iss" -v seed=7 '
        function b64(hex,   out, i, n, v, bits, c, k) {
            out = ""; v = 0; bits = 0
            for (i = 1; i <= length(hex); i += 2) {
                v = v * 256 + h[substr(hex, i, 2)]; bits += 8
                while (bits >= 6) { bits -= 6; k = int(v / 2 ^ bits); out = out substr(a, k + 1, 1); v -= k * 2 ^ bits }
            }
            if (bits > 0) { k = int(v * 2 ^ (6 - bits)); out = out substr(a, k + 1, 1) }
            while (length(out) % 4) out = out "="
            return out
        }
        BEGIN { a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                for (i = 0; i < 256; i++) h[sprintf("%02x", i)] = i; srand(seed) }
        NR <= 500000 { print "is " iss " " b64($0)
            s = sprintf("%02x", 1 + int(rand() * 127)); for (j = 1; j < 18; j++) s = s sprintf("%02x", int(rand() * 256))
            print "is " iss " " b64(s) }' "$dir/s1.txt" >"$dir/batch.txt"
fi
"$RU" "$dir/query.ru" "$D" query "$dir/out/revocations.blob" --batch "$dir/batch.txt" >"$dir/query.out" 2>"$dir/query.err"
st=$?
t=$(kv "$dir/query.ru" wall_s)
listed=$(grep -c '^listed ' "$dir/query.out")
rate=$(awk -v t="$t" 'BEGIN { printf "%.0f", 1000000 / t }')
verdict=ok
[ "$st" -eq 0 ] && [ "$listed" -eq 500000 ] || { verdict="WRONG (exit $st, $listed listed)"; fail=1; }
echo "query --batch: 1,000,000 lines against the 3M blob in ${t}s (${rate} lines/s, open included); $listed listed: $verdict"

echo
echo "revocations.blob against a DER CRL made and read with OpenSSL (bench/crlbench.c)"
"$top/$B/bench/crlbench" 100000 1000000 || fail=1

# distrust verify against one vfychain process per chain, on distinct chains:
# a generated pool (bench/genpool.c: 20 roots, 400 intermediates each with a
# cross-certificate), a build distrusting intermediate 0 (and, through the
# pool, its cross-certificate), and NC cases, leaf j under intermediate
# j mod 400: one in 400 expected distrusted, the rest trusted. Twice: CAs
# with ECDSA P-256 keys, and with RSA-2048 keys (most of the Web PKI's
# intermediates; generating their keys takes about a minute, once).
# distrust verify runs two NSS verifications per case (baseline and with the
# build); the peer runs vfychain once per chain over a database prepared the
# same way (the anchors in root-store mode, the build as an overlay), on NV
# of the same chains. Throughput is cases per second against chains per
# second: the baseline verification is ours to pay.
NC=${VERIFY_CASES:-4000}
NV=${VFYCHAIN_RUNS:-100}
verify_bench() { # NAME [genpool options]
    V="$W/verify-$1"
    shift
    if [ ! -f "$V/cases.json" ]; then
        echo "generating $V ($NC chain cases; once)"
        rm -rf "$V" && mkdir -p "$V/c" || return 1
        "$top/$B/bench/genpool" "$V/pool" $((20 + 800 + NC)) "$@" >/dev/null || { echo "genpool failed"; return 1; }
        # intermediates.pem holds intermediate i then its cross-certificate.
        awk -v dir="$V/c" '/BEGIN CERT/ { n++ } { if (n % 2 == 1) print > (dir "/int" (n - 1) / 2 ".pem") }' \
            "$V/pool/intermediates.pem"
        awk -v dir="$V/c" '/BEGIN CERT/ { n++ } { print > (dir "/leaf" (n - 1) ".pem") } /END CERT/ { close(dir "/leaf" (n - 1) ".pem") }' \
            "$V/pool/leaves.pem"
        awk -v nc="$NC" 'BEGIN { print "{\"cases\": ["
            for (j = 0; j < nc; j++)
                printf "  {\"name\": \"leaf%d\", \"chain\": [\"c/leaf%d.pem\", \"c/int%d.pem\"], \"anchors\": [\"pool/roots.pem\"], \"time\": \"2025-06-01T00:00:00Z\", \"expect\": \"%s\"}%s\n", j, j, j % 400, j % 400 ? "trusted" : "distrusted", j < nc - 1 ? "," : ""
            print "]}" }' >"$V/cases.json.tmp" && mv "$V/cases.json.tmp" "$V/cases.json"
    fi
    rm -rf "$V/out" "$V/work" "$V/db"
    "$D" build -q --pool "$V/pool" -o "$V/out" "$V/pool/policy.json" 2>/dev/null || { echo "verify bench: build failed"; return 1; }
    "$RU" "$V/verify.ru" "$D" verify --build "$V/out" "$V/cases.json" >"$V/verify.out"
    vst=$?
    # The peer's database: the anchors file verify serves (kept from a
    # one-case run), in root-store mode, and the build as an overlay.
    printf '{"cases": [%s]}\n' "$(sed -n 2p "$V/cases.json" | sed 's/,$//')" >"$V/one.json"
    "$D" verify -q --build "$V/out" --keep-work "$V/work" "$V/one.json" >/dev/null
    mkdir -p "$V/db" && certutil -N --empty-password -d "sql:$V/db" >/dev/null 2>&1
    cp "$top/$B/libdistrust-pkcs11.so" "$V/anchors.so"
    modutil -force -dbdir "sql:$V/db" -add anchors -libfile "$V/anchors.so" -string "certdata=\"$V/work/case-1/anchors.txt\" mode=root-store" >/dev/null 2>&1
    modutil -force -dbdir "sql:$V/db" -add distrust -libfile "$top/$B/libdistrust-pkcs11.so" -string "certdata=\"$V/out/certdata-distrust.txt\"" >/dev/null 2>&1
    "$RU" "$V/vfy.ru" sh -c "j=1; while [ \$j -le $NV ]; do vfychain -d sql:$V/db -pp -u 1 -b 250601000000Z -a $V/c/leaf\$j.pem -a $V/c/int\$((j % 400)).pem >/dev/null 2>&1 || exit 1; j=\$((j + 1)); done"
    fst=$?
    tv=$(kv "$V/verify.ru" wall_s)
    tf=$(kv "$V/vfy.ru" wall_s)
    vrate=$(awk -v n="$NC" -v t="$tv" 'BEGIN { printf "%.0f", n / t }')
    frate=$(awk -v n="$NV" -v t="$tf" 'BEGIN { printf "%.0f", n / t }')
    ratio=$(awk -v a="$vrate" -v b="$frate" 'BEGIN { printf "%.1f", a / b }')
    verdict=ok
    [ "$vst" -eq 0 ] && [ "$fst" -eq 0 ] && grep -q "^$NC passed, 0 failed" "$V/verify.out" || verdict="WRONG (verify exit $vst, vfychain exit $fst)"
    awk -v r="$ratio" 'BEGIN { exit !(r < 20) }' && [ "$verdict" = ok ] && verdict="MISSED (< 20x a vfychain process per chain)"
    [ "$verdict" = ok ] || fail=1
    printf '%-10s %6s cases in %6ss = %5s cases/s;  vfychain: %4s chains in %5ss = %4s chains/s;  %5sx  %s\n' \
        "$(basename "$V" | sed 's/verify-//')" "$NC" "$tv" "$vrate" "$NV" "$tf" "$frate" "$ratio" "$verdict"
    sed -n 's/^# NSS: /           verify: /p' "$V/verify.out"
}
echo
echo "distrust verify (2 NSS verifications per case) against one vfychain process per chain"
verify_bench ecdsa || fail=1
verify_bench rsa --rsa || fail=1
exit $fail
