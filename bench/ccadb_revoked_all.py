#!/usr/bin/env python3
"""bench/ccadb_revoked_all.py PEMDIR ONECRL_DUMP OUT.csv

A revoked-intermediates report (PublicIntermediateCertsRevokedWithPEMCSV's
22 columns, dates as the report writes them, "2024 Jan 15") of every CA
certificate of the CCADB set that is not self-signed: "Added to OneCRL" when
the real OneCRL dump holds its issuer and serial, else "Cert Expired" when
it expired before 2026, else "Ready to Add". PEMDIR holds the PEMs of
testdata/ccadb (tests/e2e/lib.sh's ccadb_pems). For measuring `distrust
import ccadb` at the scale of the whole set (doc/ccadb.md); not run by
`make bench`. Needs python3-cryptography (not a dependency of the build).
"""
import base64
import csv
import glob
import hashlib
import json
import re
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

COLS = ["CA Owner", "Revocation Status", "RFC 5280 Revocation Reason Code", "Date of Revocation",
        "OneCRL Status", "Certificate Serial Number", "CA Owner/Certificate Name",
        "Certificate Issuer Common Name", "Certificate Issuer Organization",
        "Certificate Subject Common Name", "Certificate Subject Organization",
        "SHA-256 Fingerprint", "Subject + SPKI SHA256", "Valid From [GMT]", "Valid To [GMT]",
        "Public Key Algorithm", "Signature Hash Algorithm", "CRL URL(s)", "Alternate CRL",
        "OCSP URL(s)", "Comments", "PEM Info"]


def serial_octets(n):
    size = (n.bit_length() + 8) // 8 if n >= 0 else ((-n - 1).bit_length() + 8) // 8
    return n.to_bytes(size, "big", signed=True)


def attr(name, oid):
    v = name.get_attributes_for_oid(oid)
    return v[0].value if v else ""


def main():
    pemdir, dump, out = sys.argv[1:4]
    keys = set()
    for r in json.load(open(dump))["data"]:
        if "issuerName" in r:
            try:
                keys.add((base64.b64decode(r["issuerName"].strip() + "=="),
                          base64.b64decode(r["serialNumber"].strip() + "==")))
            except ValueError:
                pass
    seen = set()
    with open(out, "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(COLS)
        for path in sorted(glob.glob(pemdir + "/*.pem")):
            text = open(path).read()
            for m in re.finditer(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                                 text, re.S):
                pem = m.group(0)
                try:
                    c = x509.load_pem_x509_certificate(pem.encode())
                except ValueError:
                    continue
                fp = hashlib.sha256(c.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
                if fp in seen or c.issuer == c.subject:
                    continue
                seen.add(fp)
                if (c.issuer.public_bytes(), serial_octets(c.serial_number)) in keys:
                    status = "Added to OneCRL"
                elif c.not_valid_after_utc.year < 2026:
                    status = "Cert Expired"
                else:
                    status = "Ready to Add"
                n = c.serial_number
                serial = "-%X" % -n if n < 0 else "%X" % n
                io, ic = attr(c.issuer, NameOID.ORGANIZATION_NAME), attr(c.issuer, NameOID.COMMON_NAME)
                so, sc = attr(c.subject, NameOID.ORGANIZATION_NAME), attr(c.subject, NameOID.COMMON_NAME)
                w.writerow([io, "Revoked", "(1) keyCompromise", "2024 Jan 15", status, serial,
                            io + "/" + sc, ic, io, sc, so, fp, "",
                            c.not_valid_before_utc.strftime("%Y %b %d"),
                            c.not_valid_after_utc.strftime("%Y %b %d"), "", "", "", "", "", "",
                            "'" + pem + "'"])


if __name__ == "__main__":
    main()
