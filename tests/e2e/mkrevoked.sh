#!/bin/sh
# tests/e2e/mkrevoked.sh OUT.csv < ROWS
#
# Writes a CCADB revoked-intermediates report (the column layout of
# PublicIntermediateCertsRevokedWithPEMCSV) for real certificates: every
# column a certificate gives (serial, names, fingerprints, validity, key and
# signature algorithms, PEM) is read from the certificate with the openssl
# CLI; the columns a CA discloses (owner, status, reason, date, OneCRL
# status, comments) come from the row. Used by the tests of `distrust import
# ccadb` and `distrust reconcile`; the statuses are the test's choice.
#
# ROWS: one line per certificate, fields separated by '|':
#   ONECRL_STATUS|PEM_FILE[|REVOCATION_DATE[|REASON[|CA_OWNER[|COMMENTS]]]]
# ONECRL_STATUS is the cell as the CCADB writes it ("Added to OneCRL",
# "Ready to Add", "Cert Expired", ...); REVOCATION_DATE is YYYY.MM.DD
# (default 2024.01.15), written as the report writes dates, anything else
# written as it is (a test's bad date); REASON the RFC 5280 reason cell
# (default "(1) keyCompromise"); CA_OWNER defaults to the issuer's O.
# Dates are written as the CCADB's report writes them ("2020 Jun 09": the
# Date of Revocation and Valid From/To cells of the real report, as in
# mozilla/OneCRL-Tools' ccadb2OneCRL test data), the serial as uppercase hex
# without separators, fingerprints as uppercase hex, and the PEM in single
# quotes inside a quoted cell.
set -eu
out=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkrevoked.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
q() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
# field of a one-line RFC 2253 name: the value of KEY (CN, O), or empty
name_field() { # NAME KEY
    printf '%s\n' "$1" | tr ',' '\n' | sed -n "s/^ *$2 *= *//p" | head -n 1
}
date_of() { # "Jan  1 00:00:00 2021 GMT" -> 2021 Jan 01
    LC_ALL=C date -u -d "$1" '+%Y %b %d'
}
# rdate_of YYYY.MM.DD -> "YYYY Mon DD"; anything else as it is
rdate_of() {
    case $1 in
    [0-9][0-9][0-9][0-9].[0-1][0-9].[0-3][0-9]) date_of "$(echo "$1" | tr . -)" ;;
    *) printf '%s\n' "$1" ;;
    esac
}
{
    printf '%s\n' '"CA Owner","Revocation Status","RFC 5280 Revocation Reason Code","Date of Revocation","OneCRL Status","Certificate Serial Number","CA Owner/Certificate Name","Certificate Issuer Common Name","Certificate Issuer Organization","Certificate Subject Common Name","Certificate Subject Organization","SHA-256 Fingerprint","Subject + SPKI SHA256","Valid From [GMT]","Valid To [GMT]","Public Key Algorithm","Signature Hash Algorithm","CRL URL(s)","Alternate CRL","OCSP URL(s)","Comments","PEM Info"'
    while IFS='|' read -r status pem rdate reason owner comments; do
        [ -n "$status" ] || continue
        openssl x509 -in "$pem" -out "$tmp/c.pem" 2>/dev/null || openssl x509 -inform DER -in "$pem" -out "$tmp/c.pem"
        openssl x509 -in "$tmp/c.pem" -outform DER -out "$tmp/c.der"
        subj=$(openssl x509 -in "$tmp/c.pem" -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//')
        iss=$(openssl x509 -in "$tmp/c.pem" -noout -issuer -nameopt RFC2253,-esc_msb | sed 's/^issuer=//')
        serial=$(openssl x509 -in "$tmp/c.pem" -noout -serial | sed 's/^serial=//')
        fp=$(openssl x509 -in "$tmp/c.pem" -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g')
        nb=$(openssl x509 -in "$tmp/c.pem" -noout -startdate | sed 's/^notBefore=//')
        na=$(openssl x509 -in "$tmp/c.pem" -noout -enddate | sed 's/^notAfter=//')
        # Subject + SPKI SHA256: the SHA-256 of the subject's DER then the SPKI's DER
        openssl x509 -in "$tmp/c.pem" -noout -pubkey | openssl pkey -pubin -outform DER -out "$tmp/spki.der"
        openssl asn1parse -in "$tmp/c.der" -inform DER >"$tmp/asn" 2>/dev/null
        # the subject: the 6th element of TBSCertificate (after [0] version,
        # serial, signature, issuer, validity), its header and contents
        set -- $(awk -F: '/d=2/ { n++; if (n == 6) { o = $1; gsub(/ /, "", o); h = $0; sub(/.*hl=/, "", h); sub(/ .*/, "", h)
                 l = $0; sub(/.* l= */, "", l); sub(/ .*/, "", l); print o, h + l; exit } }' "$tmp/asn")
        dd if="$tmp/c.der" of="$tmp/subj-full.der" bs=1 skip="$1" count="$2" 2>/dev/null
        spkisha=$(cat "$tmp/subj-full.der" "$tmp/spki.der" | openssl dgst -sha256 -r | cut -d' ' -f1 | tr 'a-f' 'A-F')
        algo=$(openssl x509 -in "$tmp/c.pem" -noout -text | sed -n 's/^ *Public Key Algorithm: //p' | head -n 1)
        bits=$(openssl x509 -in "$tmp/c.pem" -noout -text | sed -n 's/^ *Public-Key: (\([0-9]*\) bit)/\1/p' | head -n 1)
        sig=$(openssl x509 -in "$tmp/c.pem" -noout -text | sed -n 's/^ *Signature Algorithm: //p' | head -n 1)
        pemtext=$(cat "$tmp/c.pem")
        icn=$(name_field "$iss" CN) io=$(name_field "$iss" O)
        scn=$(name_field "$subj" CN) so=$(name_field "$subj" O)
        owner=${owner:-$io}
        [ -n "$owner" ] || owner=$icn
        printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' \
            "$(q "$owner")" '"Revoked"' "$(q "${reason:-(1) keyCompromise}")" "$(q "$(rdate_of "${rdate:-2024.01.15}")")" \
            "$(q "$status")" "$(q "$serial")" "$(q "$owner/${scn:-$so}")" "$(q "$icn")" "$(q "$io")" \
            "$(q "$scn")" "$(q "$so")" "$(q "$fp")" "$(q "$spkisha")" "$(q "$(date_of "$nb")")" \
            "$(q "$(date_of "$na")")" "$(q "$algo ${bits:+$bits bits}")" "$(q "$sig")" '"http://crl.example.test/ca.crl"' \
            '""' '"http://ocsp.example.test"' "$(q "${comments:-}")" "$(q "'$pemtext'")"
    done
} >"$out.tmp"
mv "$out.tmp" "$out"
