#!/usr/bin/env python3
"""onecrl_peer.py - the peer that make bench measures distrust build against:
a short, straightforward reference that reads the same serial lists and
writes the same records as a OneCRL onecrl.json (issuerName, serialNumber,
details, enabled, id, last_modified), then gzips it.

usage: onecrl_peer.py OUT.json.gz ISSUER_DER_FILE:SERIALS_FILE...
"""
import base64
import gzip
import hashlib
import json
import sys
import uuid


def main():
    out = sys.argv[1]
    records = []
    for arg in sys.argv[2:]:
        issuer_file, serials_file = arg.split(":", 1)
        with open(issuer_file, "rb") as f:
            issuer = f.read()
        issuer_b64 = base64.b64encode(issuer).decode()
        with open(serials_file) as f:
            for line in f:
                line = line.split("#", 1)[0].strip().replace(":", "")
                if not line:
                    continue
                serial = bytes.fromhex(line)
                key = hashlib.sha256(b"is" + issuer + serial).digest()
                records.append({
                    "details": {"bug": "", "created": "", "name": "", "who": "", "why": ""},
                    "enabled": True,
                    "id": str(uuid.UUID(bytes=key[:16])),
                    "issuerName": issuer_b64,
                    "last_modified": 1790000000000,
                    "serialNumber": base64.b64encode(serial).decode(),
                })
    records.sort(key=lambda r: r["id"])
    with gzip.open(out, "wt", compresslevel=6) as f:
        json.dump({"data": records}, f, sort_keys=True, separators=(",", ":"))
    print(len(records), "records")


if __name__ == "__main__":
    main()
