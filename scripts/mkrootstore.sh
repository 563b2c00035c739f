#!/bin/sh
# mkrootstore.sh: writes testdata/chains/roots-certdata.txt, a certdata.txt
# root store holding the fixture roots as trust anchors, exactly as NSS's
# nss-addbuiltin -t "CT,C,C" writes built-in roots, behind a
# CKO_NSS_BUILTIN_ROOT_LIST object. Chain cases name it as "anchors" to test
# the verifier with a root store (as if it were NSS's built-ins).
# Run after scripts/mkpki.sh. Needs nss-addbuiltin (Debian libnss3-tools).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
pki="$top/testdata/pki"
out="$top/testdata/chains/roots-certdata.txt"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
    echo "#"
    echo "# A certdata.txt root store for the chain cases: the fixture roots as trust"
    echo "# anchors, written by nss-addbuiltin -t \"CT,C,C\". Made by scripts/mkrootstore.sh."
    echo "#"
    echo "BEGINDATA"
    echo "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_BUILTIN_ROOT_LIST"
    echo "CKA_TOKEN CK_BBOOL CK_TRUE"
    echo "CKA_PRIVATE CK_BBOOL CK_FALSE"
    echo "CKA_MODIFIABLE CK_BBOOL CK_FALSE"
    echo "CKA_LABEL UTF8 \"Distrust Test Roots\""
    for r in root-a root-b root-c root-utf8 root-d; do
        cn=$(openssl x509 -in "$pki/$r.pem" -noout -subject -nameopt multiline,-esc_msb,utf8 |
            sed -n 's/^ *commonName *= //p')
        nss-addbuiltin -t "CT,C,C" -n "$cn" -i "$pki/$r.der"
    done
} >"$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "mkrootstore: wrote $out"
