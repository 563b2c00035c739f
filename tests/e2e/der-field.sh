#!/bin/sh
# der-field.sh serial|issuer|subject|spki FILE.der [hex|b64]: prints a field of
# a DER certificate as lowercase hex (or base64), cut from the DER by offsets
# that `openssl asn1parse` reports (an oracle independent of our DER walker):
# serial = the INTEGER contents octets, issuer/subject = the whole Name TLV,
# spki = the whole SubjectPublicKeyInfo TLV, exactly as encoded.
set -eu
field=$1
der=$2
fmt=${3:-hex}
# TBSCertificate children at depth 2: [0] version (optional), serial,
# signature alg, issuer, validity, subject, ...
openssl asn1parse -inform DER -in "$der" >"${TMPDIR:-/tmp}/dfield.$$" 2>/dev/null
awk -v want="$field" '
    /^ *[0-9]+:d=2 / {
        split($0, a, ":"); off = a[1] + 0
        match($0, /hl= *[0-9]+/); hl = substr($0, RSTART + 3, RLENGTH - 3) + 0
        match($0, / l= *[0-9]+/); l = substr($0, RSTART + 3, RLENGTH - 3) + 0
        if ($0 ~ /cont \[ 0 \]/) next
        i++
        if ((want == "serial" && i == 1) ) { print off + hl, l; exit }
        if ((want == "issuer" && i == 3) || (want == "subject" && i == 5) || (want == "spki" && i == 6)) { print off, hl + l; exit }
    }' "${TMPDIR:-/tmp}/dfield.$$" >"${TMPDIR:-/tmp}/dfield.$$.r"
rm -f "${TMPDIR:-/tmp}/dfield.$$"
read -r skip count <"${TMPDIR:-/tmp}/dfield.$$.r"
rm -f "${TMPDIR:-/tmp}/dfield.$$.r"
if [ "$fmt" = b64 ]; then
    dd if="$der" bs=1 skip="$skip" count="$count" 2>/dev/null | base64 -w0
else
    dd if="$der" bs=1 skip="$skip" count="$count" 2>/dev/null | od -An -v -tx1 | tr -d ' \n'
fi
echo
