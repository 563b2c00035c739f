#!/bin/sh
# mkpki-cross.sh: adds more cross-certificates to the fixture PKI, in
# testdata/pki-cross/, re-using the keys of testdata/pki/ (run after
# scripts/mkpki.sh, which replaces those keys):
#
#   int-a1-xc  the subject and key of Test Intermediate 1, issued by Test Root C
#              (with int-a1 and int-a1-xb: one intermediate, three issuers)
#   root-c-xa  the subject and key of Test Root C, issued by Test Root A
#              (a root cross-signed by another root)
#
# Each is made from a request built from the original certificate itself
# (openssl x509 -x509toreq), so its subject DER is the original's byte for
# byte; the script checks subject and key, and the chains.
set -eu
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
pki="$top/testdata/pki"
out="$top/testdata/pki-cross"
work=$(mktemp -d)
stage=$(mktemp -d "$top/testdata/.pki-cross.XXXXXX")
trap 'rm -rf "$work" "$stage"' EXIT

cat >"$work/ca.cnf" <<'CNF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_anything
unique_subject = no
copy_extensions = none
string_mask = utf8only
utf8 = yes
[ policy_anything ]
countryName = optional
organizationName = optional
commonName = optional
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
mkdir -p "$work/newcerts"
: >"$work/index.txt"

# cross NAME ORIGINAL ISSUER SERIAL START END
cross() {
    name=$1 orig=$2 issuer=$3 serial=$4 start=$5 end=$6
    openssl x509 -x509toreq -in "$pki/$orig.pem" -signkey "$pki/$orig.key.pem" \
        -out "$work/$name.csr" 2>/dev/null
    echo "$serial" >"$work/serial"
    (cd "$work" && openssl ca -batch -config ca.cnf -notext -preserveDN -md sha256 \
        -cert "$pki/$issuer.pem" -keyfile "$pki/$issuer.key.pem" \
        -startdate "$start" -enddate "$end" -extensions v3_ca \
        -in "$name.csr" -out "$name.pem" >/dev/null 2>&1)
    openssl x509 -in "$work/$name.pem" -out "$stage/$name.pem"
    openssl x509 -in "$work/$name.pem" -outform DER -out "$stage/$name.der"
    a=$(openssl x509 -in "$pki/$orig.pem" -noout -pubkey -subject -nameopt RFC2253)
    b=$(openssl x509 -in "$stage/$name.pem" -noout -pubkey -subject -nameopt RFC2253)
    [ "$a" = "$b" ] || { echo "mkpki-cross: $name does not share subject and key with $orig" >&2; exit 1; }
    s1=$(sh "$top/tests/e2e/der-field.sh" subject "$pki/$orig.der")
    s2=$(sh "$top/tests/e2e/der-field.sh" subject "$stage/$name.der")
    [ "$s1" = "$s2" ] || { echo "mkpki-cross: $name subject DER differs from $orig" >&2; exit 1; }
    echo "mkpki-cross: $name = $orig's subject and key, issued by $issuer, serial $serial"
}

# Name the cross-certificates' own key files after their originals (shared keys).
cross int-a1-xc int-a1 root-c 1003 20210601000000Z 20390101000000Z
cross root-c-xa root-c root-a 0ca0 20200601000000Z 20440101000000Z

# Chains through the new paths (at 2025-06-01).
at=1748736000
openssl verify -attime $at -CAfile "$pki/root-c.pem" -untrusted "$stage/int-a1-xc.pem" "$pki/leaf-a1.pem" >/dev/null
cat "$pki/root-a.pem" >"$work/anchor-a.pem"
openssl verify -attime $at -CAfile "$work/anchor-a.pem" -untrusted "$stage/root-c-xa.pem" \
    -untrusted "$pki/int-c.pem" "$pki/leaf-c-before.pem" >/dev/null
cat >"$stage/README.md" <<'MD'
# Cross-certificates of the fixture PKI

Made by `scripts/mkpki-cross.sh` from `testdata/pki/` (run it after
`scripts/mkpki.sh`); the keys are those of the originals.

| file | subject and key of | issuer | serial | validity |
| --- | --- | --- | --- | --- |
| `int-a1-xc.pem` | `int-a1` (Test Intermediate 1) | `root-c` (Test Root C) | 10:03 | 2021-06-01 .. 2039-01-01 |
| `root-c-xa.pem` | `root-c` (Test Root C) | `root-a` (Test Root A) | 0c:a0 | 2020-06-01 .. 2044-01-01 |

With `testdata/pki/int-a1.pem` and `int-a1-xb.pem`, Test Intermediate 1 has three issuers
(Roots A, B and C); with `root-c-xa`, Test Root C's key is reachable from Root A too.
MD
rm -rf "$out"
mv "$stage" "$out"
trap 'rm -rf "$work"' EXIT
echo "mkpki-cross: wrote $out"
