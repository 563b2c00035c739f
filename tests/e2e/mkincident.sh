#!/bin/sh
# mkincident.sh DIR [N UNREVOKED]: a fixture CA for revocation deadlines,
# made with `openssl ca` (tests/e2e/t_incident.sh, the demo).
#
#   root.pem, ca.pem        Incident Root and Incident CA (RSA-2048), the CA's
#                           key in ca.key; ca-other.pem: another key with the
#                           same name (wrongly signed CRLs)
#   leaf1..6.pem            leaves issued by `openssl ca` in July 2024
#   serials.txt             the six serials: the incident (deadline
#                           2024-07-31T19:30:00Z)
#   crl-aug.pem             thisUpdate 2024-08-06, nextUpdate 2034: leaves 1, 2
#                           revoked on 2024-07-30 (on time), leaf 3 on
#                           2024-08-05 (late), leaf 4 on hold; 5 and 6 not
#   crl-sep.pem             thisUpdate 2024-09-11: also 5 and 6 (2024-09-10):
#                           the CA caught up
#   crl-stale.pem           as crl-aug.pem with nextUpdate 2024-08-10
#   crl-wrongkey.pem        crl-aug.pem's content signed by ca-other's key
#   crl-foreign.pem         a CRL of Incident Root
#   crl-aug.der             crl-aug.pem in DER
# With N and UNREVOKED (e.g. 80000 72): mass/serials.txt, N random 16-octet
# serials, and mass/crl.pem, on which all but UNREVOKED are revoked (two
# thirds on time, a third late).
set -eu
D=$1
mkdir -p "$D"
cd "$D"

conf() { # NAME DIR: an openssl ca configuration
    cat >"$1" <<EOF
[ca]
default_ca = CA_default
[CA_default]
dir = $2
database = $2/index.txt
new_certs_dir = $2/newcerts
serial = $2/serial
crlnumber = $2/crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
default_crl_days = 30
[policy_any]
organizationName = optional
commonName = supplied
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}
newdb() { # DIR
    mkdir -p "$1/newcerts"
    : >"$1/index.txt"
    echo 1000 >"$1/serial"
    echo 01 >"$1/crlnumber"
}
q() { "$@" >/dev/null 2>&1; }

export SAN=DNS:unused.test
# The root, and the incident CA under it.
newdb root
conf root.cnf "$PWD/root"
# (self-signed through openssl ca, which can date it: valid from 2020)
q openssl req -newkey rsa:2048 -nodes -keyout root.key -out root.csr -subj "/O=Distrust Test/CN=Incident Root"
q openssl ca -batch -selfsign -config root.cnf -extensions ca_ext -keyfile root.key -in root.csr -out root.pem \
    -startdate 200101000000Z -enddate 450101000000Z -notext
q openssl req -newkey rsa:2048 -nodes -keyout ca.key -out ca.csr -subj "/O=Distrust Test/CN=Incident CA"
q openssl ca -batch -config root.cnf -extensions ca_ext -cert root.pem -keyfile root.key -in ca.csr -out ca.pem \
    -startdate 240101000000Z -enddate 340101000000Z -notext
# Another key with the same name: a CRL it signs must be refused.
q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-other.key -out ca-other.pem -subj "/O=Distrust Test/CN=Incident CA" \
    -days 3650 -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# Six leaves, issued in July 2024.
newdb ca
conf ca.cnf "$PWD/ca"
i=1
while [ $i -le 6 ]; do
    SAN=DNS:leaf$i.incident.test
    export SAN
    q openssl req -newkey rsa:2048 -nodes -keyout leaf$i.key -out leaf$i.csr -subj "/CN=leaf$i.incident.test"
    q openssl ca -batch -config ca.cnf -extensions leaf_ext -cert ca.pem -keyfile ca.key -in leaf$i.csr \
        -out leaf$i.pem -startdate 240701000000Z -enddate 250701000000Z -notext
    i=$((i + 1))
done
for i in 1 2 3 4 5 6; do openssl x509 -in leaf$i.pem -noout -serial | cut -d= -f2; done >serials.txt

# revoke DB SERIAL WHEN [REASON]: marks a serial revoked in an index.txt.
revoke() {
    awk -v s="$2" -v w="$3" -v r="${4:-}" 'BEGIN { FS = OFS = "\t" }
        $4 == s { $1 = "R"; $3 = w (r == "" ? "" : "," r) } { print }' "$1/index.txt" >"$1/index.tmp"
    mv "$1/index.tmp" "$1/index.txt"
}
s() { sed -n "${1}p" serials.txt; }
gencrl() { # CONF KEY CERT OUT LAST NEXT
    q openssl ca -gencrl -config "$1" -keyfile "$2" -cert "$3" -out "$4" -crl_lastupdate "$5" -crl_nextupdate "$6"
}
cp ca/index.txt ca/index.orig
revoke ca "$(s 1)" 240730000000Z keyCompromise
revoke ca "$(s 2)" 240730120000Z superseded
revoke ca "$(s 3)" 240805000000Z keyCompromise
revoke ca "$(s 4)" 240730000000Z certificateHold,holdInstructionNone
gencrl ca.cnf ca.key ca.pem crl-aug.pem 240806000000Z 340813000000Z
openssl crl -in crl-aug.pem -outform DER -out crl-aug.der
gencrl ca.cnf ca.key ca.pem crl-stale.pem 240806000000Z 240810000000Z
gencrl ca.cnf ca-other.key ca-other.pem crl-wrongkey.pem 240806000000Z 340813000000Z
revoke ca "$(s 5)" 240910000000Z keyCompromise
revoke ca "$(s 6)" 240910000000Z cessationOfOperation
gencrl ca.cnf ca.key ca.pem crl-sep.pem 240911000000Z 340913000000Z
gencrl root.cnf root.key root.pem crl-foreign.pem 240806000000Z 340813000000Z

if [ $# -ge 3 ]; then
    n=$2 keep=$3
    mkdir -p mass
    newdb mass/db
    # N serials; every line of index.txt a revocation except the last UNREVOKED.
    awk -v n="$n" -v keep="$keep" -v idx=mass/db/index.txt 'BEGIN { srand(80000)
        for (i = 0; i < n; i++) {
            s = sprintf("%02X", 1 + int(rand() * 127))
            for (j = 1; j < 16; j++) s = s sprintf("%02X", int(rand() * 256))
            print s
            if (i < n - keep) {
                when = (i % 3 == 2) ? "240803000000Z" : "240729000000Z"
                printf "R\t250701000000Z\t%s,keyCompromise\t%s\tunknown\t/CN=mass%d\n", when, s, i > idx
            }
        } }' >mass/serials.txt
    conf mass.cnf "$PWD/mass/db"
    gencrl mass.cnf ca.key ca.pem mass/crl.pem 240806000000Z 340813000000Z
fi
