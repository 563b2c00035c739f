#!/bin/sh
# mkequiv.sh DIR: a PKI for the name- and key-equivalence tests, made with
# OpenSSL's own writers (see tests/e2e/t_equivalence.sh for what each
# certificate is). Keys are fresh on every run; names, serials and
# extensions are fixed.
set -eu
K=$1
mkdir -p "$K"
cd "$K"
cnf() { # FILE STRING_MASK
    printf '[ req ]\ndistinguished_name = dn\nprompt = no\nstring_mask = %s\n[ dn ]\n' "$2" >"$1"
}
cat >"$K/ext.cnf" <<'EOF'
[ ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:leaf.equiv.test
EOF
cnf "$K/utf8.cnf" utf8only
cnf "$K/nomb.cnf" nombstr
cnf "$K/bmp.cnf" MASK:0x800
cnf "$K/t61.cnf" MASK:0x4
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
sign() { # CSR CA CAKEY SERIAL EXT OUT [extra]
    openssl x509 -req -in "$1" -CA "$2" -CAkey "$3" -set_serial "$4" -days 3650 \
        -extfile ext.cnf -extensions "$5" -out "$6" ${7:-} 2>/dev/null
}
key root.key
openssl req -x509 -new -key root.key -subj "/C=DE/O=Equiv Test/CN=Equiv Root" -days 7300 \
    -set_serial 1 -config utf8.cnf -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign -out root.pem
key int.key
openssl req -new -key int.key -subj "/C=DE/O=Equiv Test/CN=Equiv Intermediate" -config nomb.cnf -out i1.csr
openssl req -new -key int.key -subj "/C=DE/O=EQUIV  test/CN=equiv intermediate" -config utf8.cnf -out i2.csr
openssl req -new -key int.key -subj "/C=DE/O=Equiv Test/CN=Equiv Intermediate" -config bmp.cnf -out i3.csr
openssl req -new -key int.key -subj "/C=DE/O=Equiv Test/CN=Equiv Intermediate" -config t61.cnf -out i4.csr
key leaf.key
openssl req -new -key leaf.key -subj "/CN=leaf.equiv.test" -config utf8.cnf -out leaf.csr
for i in 1 2 3 4; do
    sign i$i.csr root.pem root.key 0x100$i ca i$i.pem
    sign leaf.csr i$i.pem int.key 0x2a2a leaf x$i.pem
done
key j.key
openssl ec -in j.key -pubout -conv_form compressed -out jc.pub 2>/dev/null
openssl req -new -key j.key -subj "/C=DE/O=Equiv Test/CN=Equiv EC Intermediate" -config utf8.cnf -out j.csr
sign j.csr root.pem root.key 0x3001 ca j1.pem
sign j.csr root.pem root.key 0x3002 ca j2.pem "-force_pubkey jc.pub"
sign leaf.csr j2.pem j.key 0x4001 leaf y.pem
for f in root i1 i2 i3 i4 x1 x2 x3 x4 j1 j2 y; do openssl x509 -in $f.pem -outform DER -out $f.der; done

