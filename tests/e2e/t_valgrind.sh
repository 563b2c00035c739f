# The CLI paths are valgrind-clean: no invalid reads or writes, no use of
# uninitialised memory, no definite leaks, for a full build, a build that
# fails, lint, and usage errors. (Skipped in the ASan build, which checks
# the same things its own way.) About three minutes: the slow tier only
# (make check-slow).
# tier: slow
. "$TOP/tests/e2e/lib.sh"
case "$DISTRUST" in */asan/*) echo "1..0 # SKIP valgrind does not run an ASan build (make asan checks the same)"; exit 0 ;; esac
if ! command -v valgrind >/dev/null 2>&1; then
    not_ok "valgrind is installed (scripts/install-deps.sh)"
    done_testing
    exit 1
fi
vg() { # vg DESC EXPECTED_EXIT ARGS...
    desc=$1
    want=$2
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --track-origins=yes "$DISTRUST" "$@" >"$WORK/vg.out" 2>"$WORK/vg.err"
    st=$?
    if [ $st -eq "$want" ]; then ok "$desc (exit $st under valgrind)"; else
        not_ok "$desc (exit $st, wanted $want)" "$(grep -v '^distrust' "$WORK/vg.err" | head -30)"
    fi
}
vg "build of the fixture policies" 0 build -q -o "$WORK/out" "$TOP/testdata/policies/fixture"
"$DISTRUST" build -q -o "$WORK/vbuild" "$TOP/testdata/chains/cross-signed/policy.json"
vg "rebuild over the previous output" 0 build -q -o "$WORK/out" "$TOP/testdata/policies/fixture"
vg "build of the real-world policies" 0 build -q -o "$WORK/out2" "$TOP/policy"
for c in 75-several-errors-all-reported 67-der-truncated 94-serials-more-than-20-errors 59-conflicting-nss-object; do
    if [ -f "$TOP/testdata/bad/$c/policy.json" ]; then
        cd "$TOP/testdata/bad/$c" && vg "bad input $c" 1 lint policy.json
    else
        not_ok "bad input $c exists"
    fi
done
cd "$TOP" || exit 1
vg "verify of the fixture chains (both engines, NSS children)" 0 verify --engine nss \
    --build "$WORK/vbuild" "$TOP/testdata/chains/cross-signed/cases.json"
if command -v firefox-esr >/dev/null 2>&1; then
    # Firefox itself runs outside valgrind (not traced: a child process); the
    # basic cases exit 3 under Firefox (its two explained disagreements)
    "$DISTRUST" build -q -o "$WORK/fbuild" "$TOP/testdata/chains/basic/policy.json"
    vg "verify with the Firefox engine (Marionette, the anchors root store, the comparison)" 3 \
        verify --engine all --build "$WORK/fbuild" "$TOP/testdata/chains/basic/cases.json"
else
    ok "verify with the Firefox engine # SKIP firefox-esr not installed"
fi
# The CCADB's reports: as the pool, a revoked-intermediates report imported
# and reconciled (with the pool and NSS's root store: the bypass search)
printf 'Ready to Add|%s\nAdded to OneCRL|%s\n' "$TOP/testdata/pki/int-a1.pem" "$TOP/testdata/pki/int-a2.pem" |
    sh "$TOP/tests/e2e/mkrevoked.sh" "$WORK/revoked.csv"
vg "lint with the CCADB's reports as the pool" 0 lint -q --pool "$TOP/testdata/ccadb" "$TOP/policy/2024-entrust.json"
vg "import ccadb" 0 import -q ccadb "$WORK/revoked.csv" -o "$WORK/ccadb-policy.json"
vg "reconcile with a policy, the CCADB pool and NSS's root store" 3 reconcile -q \
    --onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" --ccadb "$WORK/revoked.csv" \
    --pool "$TOP/testdata/ccadb" --certdata "$TOP/testdata/nss/certdata-2026.txt" --date 2026-10-01
vg "build with a pool and --explain (expansion, open-path check)" 0 build -q --explain \
    -o "$WORK/pool" "$TOP/testdata/chains/pool-intermediate/policy.json"
vg "lint with open paths" 0 lint -q "$TOP/testdata/chains/pool-root/policy-no-cross.json"
vg "impact, table and JSON" 0 impact -b "$WORK/pool" -p "$TOP/testdata/pki" -p "$TOP/testdata/pki-cross" \
    -c "$TOP/testdata/pki" --list
vg "impact --json --list with --roots" 0 impact -b "$WORK/pool" -p "$TOP/testdata/pki" \
    -p "$TOP/testdata/pki-cross" --roots "$TOP/testdata/chains/roots-certdata.txt" \
    -c "$TOP/testdata/pki/bundle-leaves.pem" --json --list
vg "impact of a missing build" 1 impact -b "$WORK/none" -c "$TOP/testdata/pki"
cd "$TOP/testdata/bad/103-pool-broken-certificate" && vg "a broken pool" 1 lint policy.json
cd "$TOP" || exit 1
vg "build with a signed onecrl.json" 0 build -q --date 2026-11-01 \
    --sign-key "$TOP/testdata/keys/signer-p384.pem" -o "$WORK/signed" "$TOP/testdata/chains/basic/policy.json"
vg "verify-signature" 0 verify-signature --verify-key "$TOP/testdata/keys/signer-p384.pub.pem" --build "$WORK/signed"
vg "verify-signature with another key: a failed check" 3 verify-signature --verify-key "$TOP/testdata/keys/other-p384.pub.pem" --build "$WORK/signed"
vg "verify-signature with 0.4.0's spellings (deprecated)" 0 verify-signature --key "$TOP/testdata/keys/signer-p384.pub.pem" "$WORK/signed"
vg "verify --module that cannot be loaded" 1 verify --build "$WORK/signed" --module /etc/passwd "$TOP/testdata/chains/basic/cases.json"
vg "build --help" 0 build --help
"$DISTRUST" build -q --sequence 1 --date 2026-11-01 --sign-key "$TOP/testdata/keys/signer-p256.pem" \
    -o "$WORK/signed256" "$TOP/testdata/chains/basic/policy.json" 2>/dev/null
vg "verify-signature of a P-256 build (the blob's signature)" 0 verify-signature \
    --verify-key "$TOP/testdata/keys/signer-p256.pub.pem" --build "$WORK/signed256"
vg "build --previous (the release's sequence)" 0 build -q --previous "$WORK/signed256" \
    --date 2026-11-02 -o "$WORK/next" "$TOP/testdata/chains/basic/policy.json"
vg "import onecrl of the real dump" 0 import -q onecrl "$TOP/testdata/onecrl/onecrl-2026-10.json" -o "$WORK/imp.json"
vg "query --info --cert --batch" 0 query "$WORK/signed/revocations.blob" --info \
    --verify-key "$TOP/testdata/keys/signer-p384.pub.pem" --cert "$TOP/testdata/pki/chain-a2.pem"
printf 'is MAA= AQ==\n' >"$WORK/batch.txt"
vg "query --batch (nothing listed)" 1 query "$WORK/signed/revocations.blob" --batch "$WORK/batch.txt"
printf 'truncated' >"$WORK/bad.blob"
vg "query of a bad blob" 2 query "$WORK/bad.blob" --info
vg "verify --engine openssl" 0 verify --engine openssl --build "$WORK/vbuild" \
    "$TOP/testdata/chains/cross-signed/cases.json"
N="$TOP/testdata/nss"
vg "import certdata of the 2017 file" 0 import -q certdata "$N/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt" -o "$WORK/p2017.json"
vg "import certdata of the current file (dates on a trust object)" 0 import -q certdata "$N/certdata-2026.txt" -o "$WORK/now.json"
vg "build --certdata (merge into the current file)" 0 build -q --certdata "$N/certdata-2026.txt" -o "$WORK/merged" "$WORK/p2017.json"
vg "build --certdata with a root upstream lacks" 1 build -q --certdata "$N/certdata-2026.txt" -o "$WORK/m2" "$TOP/testdata/chains/basic/policy.json"
vg "build --certdata of the fixture store (replace, edit a purpose, set a date)" 0 build -q --certdata "$TOP/testdata/chains/roots-certdata.txt" -o "$WORK/m3" "$TOP/testdata/chains/basic/policy.json" "$TOP/testdata/chains/merge/partial.json"
vg "verify against a merged certdata.txt" 0 verify --build "$WORK/m3" "$TOP/testdata/chains/merge/cases.json"
for relax in "" ', "relax_upstream": true'; do
    printf '{"version": 1, "entries": [{"certificate": "%s", "server_distrust_after": "2030-01-01T00:00:00Z"%s}]}\n' \
        "$TOP/policy/certs/2024-entrust/root_Entrust_Root_CA_G2.pem" "$relax" >"$WORK/g2${relax:+-relax}.json"
done
vg "build --certdata refusing a later distrust-after date" 1 build -q --certdata "$N/certdata-2026.txt" -o "$WORK/m4" "$WORK/g2.json"
vg "build --certdata relaxing it (relax_upstream)" 0 build -q --certdata "$N/certdata-2026.txt" -o "$WORK/m5" "$WORK/g2-relax.json"
P="$TOP/testdata/pki"
cat >"$WORK/two.json" <<JSON
{"cases": [
 {"name": "root store anchors", "chain": ["$P/leaf-a2.pem", "$P/int-a2.pem"], "anchors": "$TOP/testdata/chains/roots-certdata.txt",
  "time": "2025-06-01T00:00:00Z", "expect": "distrusted"},
 {"name": "file anchors", "chain": ["$P/leaf-c-after.pem", "$P/int-c.pem"], "anchors": ["$P/root-c.pem"],
  "time": "2025-06-01T00:00:00Z", "expect": "trusted", "deployments": ["overlay", "p11-kit", "openssl"]}]}
JSON
vg "verify --deployments all (overlay, root-store, p11-kit, openssl), keep-work" 0 verify --deployments all \
    --keep-work "$WORK/kw" --build "$WORK/m3" "$WORK/two.json"
vg "build --cases (tests/ and test-distrust.sh)" 0 build -q --cases "$TOP/testdata/chains/basic/cases.json" -o "$WORK/ts" "$TOP/testdata/chains/basic/policy.json"
vg "lint --expired-before" 0 lint -q --expired-before 2026-11-22 --pool "$TOP/policy/certs" "$WORK/p2017.json"
vg "diff, Markdown" 0 diff "$WORK/out2" "$WORK/merged"
vg "diff --json" 0 diff --json "$WORK/merged" "$WORK/out2"
vg "diff of a missing build" 1 diff "$WORK/out2" "$WORK/none"
# Revocation deadlines: the fixture CA, a build, the report, a bad CRL.
if sh "$TOP/tests/e2e/mkincident.sh" "$WORK/inc" >/dev/null 2>&1; then
    cat >"$WORK/inc/p.json" <<JSON
{"version": 1, "entries": [{"incident_serials": "serials.txt", "issuer_certificate": "ca.pem",
  "revoke_by": "2024-07-31T19:30:00Z", "crl": ["crl-aug.pem", "crl-stale.pem"], "label": "Incident"}]}
JSON
    sed 's/crl-stale.pem/crl-wrongkey.pem/' "$WORK/inc/p.json" >"$WORK/inc/bad.json"
    vg "build with an incident (CRLs read with OpenSSL)" 0 build -q --date 2024-09-01 -o "$WORK/inc/out" "$WORK/inc/p.json"
    vg "build with a wrongly signed CRL" 1 build -q --date 2024-09-01 -o "$WORK/inc/out2" "$WORK/inc/bad.json"
    vg "deadlines, Markdown with a pool" 0 deadlines -q --now 2024-09-01 --pool "$WORK/inc/ca/newcerts" "$WORK/inc/p.json"
    vg "deadlines --json" 0 deadlines -q --now 2024-09-01 --json "$WORK/inc/p.json"
    vg "verify --jobs 1 (shared NSS workers)" 0 verify --jobs 1 --engine nss --build "$WORK/vbuild" "$TOP/testdata/chains/cross-signed/cases.json"
else
    not_ok "fixture CA for the incident paths"
fi
# Scope, anchors, purposes with a store, names and keys compared as such.
X="$TOP/testdata/pki-cross"
STORE="$TOP/testdata/chains/roots-certdata.txt"
printf '{"version": 1, "entries": [{"certificate": "%s"%s}]}\n' "$X/root-c-xa.pem" "" >"$WORK/key.json"
printf '{"version": 1, "entries": [{"certificate": "%s"%s}]}\n' "$X/root-c-xa.pem" ', "distrust_anchors": true' >"$WORK/anch.json"
vg "a key distrust reaching a trust anchor (refused)" 1 build -q --pool "$X" --roots "$STORE" -o "$WORK/s1" "$WORK/key.json"
vg "distrust_anchors with --explain" 0 build -q --explain --pool "$X" --roots "$STORE" -o "$WORK/s2" "$WORK/anch.json"
printf '{"version": 1, "entries": [{"certificate": "%s", "purposes": ["server-auth"]}]}\n' "$TOP/testdata/pki/root-a.pem" >"$WORK/purp.json"
vg "a purpose-limited distrust keeping the store's other purposes" 0 build -q --roots "$STORE" -o "$WORK/s3" "$WORK/purp.json"
if sh "$TOP/tests/e2e/mkequiv.sh" "$WORK/eq" >/dev/null 2>&1; then
    mkdir -p "$WORK/eqpool"
    cp "$WORK/eq/x2.pem" "$WORK/eq/x3.pem" "$WORK/eq/i2.pem" "$WORK/eq/j2.pem" "$WORK/eqpool/"
    printf '{"version": 1, "entries": [{"issuer_certificate": "%s", "serial": "2a:2a"}, {"certificate": "%s"}, {"certificate": "%s"}]}\n' \
        "$WORK/eq/i1.pem" "$WORK/eq/i1.pem" "$WORK/eq/j1.pem" >"$WORK/twin.json"
    vg "name twins and key re-encodings found in the pool" 0 build -q --explain --pool "$WORK/eqpool" -o "$WORK/s4" "$WORK/twin.json"
    grep -q 'encoded differently' "$WORK/s4/manifest.json" && ok "and the valgrind run found them" ||
        not_ok "and the valgrind run found them"
else
    not_ok "mkequiv.sh makes the equivalence PKI"
fi
vg "usage error" 2 build
vg "help" 0 build --help
done_testing
