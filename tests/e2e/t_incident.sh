# Revocation deadlines (policy "incident_serials"): a fixture CA made with
# `openssl ca` (tests/e2e/mkincident.sh) issued six leaves; by the deadline
# 2024-07-31T19:30Z it revoked two on time, one late and put one on hold,
# and two not at all; a later CRL revokes the last two. The build reads the
# CRLs with OpenSSL, checks their signatures, and distrusts (OneCRL and the
# blob) exactly the serials no current CRL lists as revoked once the
# deadline has passed; a CRL of another key or issuer is an error, a stale
# one is not evidence. Then 80,000 serials of which 72 stay unrevoked, and a
# chain case proving an overdue leaf fails under the blob-enforcing OpenSSL
# engine while its revoked-on-time sibling passes.
. "$TOP/tests/e2e/lib.sh"
F="$WORK/ca"
if ! sh "$TOP/tests/e2e/mkincident.sh" "$F" 80000 72 >"$WORK/mk.log" 2>&1; then
    not_ok "fixture CA (openssl ca)" "$(tail -n 20 "$WORK/mk.log")"
    done_testing
    exit 1
fi
ok "fixture CA: 6 leaves and 6 CRLs made with openssl ca; 80,000 serials with a CRL of 79,928"

policy() { # NAME CRL...: an incident policy in $F/NAME.json
    pname=$1
    shift
    crls=""
    for c in "$@"; do crls="$crls${crls:+, }\"$c\""; done
    cat >"$F/$pname.json" <<EOF
{"version": 1, "incident": {"id": "fixture-incident", "bug": "https://bugzilla.example/1"},
 "entries": [
  {"incident_serials": "serials.txt", "issuer_certificate": "ca.pem", "revoke_by": "2024-07-31T19:30:00Z",
   "crl": [$crls], "label": "Incident CA mis-issuance", "why": "CPS violation"}
 ]}
EOF
}
# build NAME DATE: builds $F/NAME.json into $WORK/NAME at DATE; $st, $WORK/b.err
build() { "$DISTRUST" build -q -o "$WORK/$1" --date "$2" "$F/$1.json" >/dev/null 2>"$WORK/b.err"; st=$?; }
# listed OUT LEAF: whether the blob lists the leaf (query's exit: 0 listed, 1 not)
listed() { "$DISTRUST" query "$WORK/$1/revocations.blob" --cert "$F/$2.pem" >/dev/null 2>&1; }
# the set of leaves the blob of OUT lists, as "1 2 3"
listed_set() {
    out=$1 set=""
    for i in 1 2 3 4 5 6; do listed "$out" leaf$i && set="$set${set:+ }$i"; done
    echo "$set"
}

# After the deadline, the August CRL: leaves 4 (on hold), 5 and 6 are overdue.
policy aug crl-aug.pem
build aug 2024-09-01T00:00:00Z
got=$(listed_set aug)
if [ "$st" -eq 0 ] && [ "$got" = "4 5 6" ]; then ok "after the deadline: leaves 4 (on hold), 5, 6 distrusted in the blob; 1, 2 (on time) and 3 (late) not"; else
    not_ok "overdue serials (exit $st, listed: $got)" "$(cat "$WORK/b.err")"; fi
nrec=$(grep -c '"issuerName"' "$WORK/aug/onecrl.json")
w=$(grep -c '"why": "CPS violation; revocation overdue since 2024-07-31T19:30:00Z"' "$WORK/aug/onecrl.json")
[ "$nrec" -eq 3 ] && [ "$w" -eq 3 ] && ok "onecrl.json: 3 records, each with the provenance \"revocation overdue since 2024-07-31T19:30:00Z\"" ||
    not_ok "onecrl records ($nrec, $w with the provenance)" "$(head -c 600 "$WORK/aug/onecrl.json")"
"$DISTRUST" build -o "$WORK/aug-v" --date 2024-09-01T00:00:00Z "$F/aug.json" >/dev/null 2>"$WORK/b.err"
grep -q '3 of 6 serials not revoked by 2024-07-31T19:30:00Z: distrusted (2 revoked on time, 1 late)' "$WORK/b.err" &&
    ok "the build says how many were revoked on time, late and not" || not_ok "build note" "$(cat "$WORK/b.err")"
tr -d ' \n' <"$WORK/aug/manifest.json" >"$WORK/m.txt"
grep -q '"counts":{"not_revoked":3,"on_hold":1,"only_on_stale_crls":0,"revoked_late":1,"revoked_on_time":2}' "$WORK/m.txt" &&
    grep -q '"status":"current"' "$WORK/m.txt" && grep -q '"distrusted":3' "$WORK/m.txt" &&
    ok "manifest.json records the incident: counts per class and the CRL checked" ||
    not_ok "manifest incidents" "$(grep -o '"incidents".*' "$WORK/m.txt" | head -c 800)"

# The same CRL in DER.
policy der crl-aug.der
build der 2024-09-01T00:00:00Z
[ "$st" -eq 0 ] && [ "$(listed_set der)" = "4 5 6" ] && ok "a DER CRL gives the same verdicts" || not_ok "DER CRL (exit $st)" "$(cat "$WORK/b.err")"

# Before the deadline nothing is overdue (the August CRL is not even out yet).
build aug 2024-07-31T12:00:00Z
[ "$st" -eq 0 ] && [ -z "$(listed_set aug)" ] && ! grep -q issuerName "$WORK/aug/onecrl.json" &&
    ok "before the deadline: no distrust entries" || not_ok "before the deadline (exit $st)" "$(cat "$WORK/b.err")"

# Re-run after the CA caught up: the September CRL revokes 5 and 6.
policy sep crl-aug.pem crl-sep.pem
build sep 2024-09-20T00:00:00Z
[ "$st" -eq 0 ] && [ "$(listed_set sep)" = "4" ] &&
    ok "after the CA caught up: only the leaf on hold stays distrusted (5 and 6 dropped)" ||
    not_ok "re-run after catch-up (exit $st, listed: $(listed_set sep))" "$(cat "$WORK/b.err")"

# distrust diff shows the two dropped serials as removed, with the reason.
build aug 2024-09-01T00:00:00Z
"$DISTRUST" diff "$WORK/aug" "$WORK/sep" >"$WORK/diff.md" 2>&1
nrm=$(grep -c 'Removed: no longer overdue: a current CRL of the issuer lists it as revoked (newest: crl-sep.pem, thisUpdate 2024-09-11T00:00:00Z; judged at 2024-09-20T00:00:00Z)' "$WORK/diff.md")
if [ "$nrm" -eq 2 ] && grep -q '| distrusts (NSS objects, OneCRL records) | 0 | 2 | 0 | 1 |' "$WORK/diff.md"; then
    ok "diff: the two serials the CA caught up on are removed, with the CRL that shows it"
else
    not_ok "diff after catch-up ($nrm reasons)" "$(head -n 30 "$WORK/diff.md")"
fi
"$DISTRUST" diff --json "$WORK/aug" "$WORK/sep" >"$WORK/diff.json" 2>&1
[ "$(grep -c '"removal_reason": "no longer overdue' "$WORK/diff.json")" -eq 2 ] &&
    ok "diff --json: removal_reason on both" || not_ok "diff --json removal_reason" "$(head -c 800 "$WORK/diff.json")"

# distrust deadlines: the report for the bug.
"$DISTRUST" deadlines -q --date 2024-09-01T00:00:00Z --pool "$F/ca/newcerts" "$F/aug.json" >"$WORK/dl.md" 2>"$WORK/dl.err"
st=$?
if [ "$st" -eq 0 ] && grep -q '^- Deadline: 2024-07-31T19:30:00Z, \*\*passed 748 hours ago\*\* (31.2 days)$' "$WORK/dl.md" &&
    grep -q '^| revoked on time | 2 |$' "$WORK/dl.md" &&
    grep -q '^| revoked late | 1 (the latest 100 hours after the deadline) |$' "$WORK/dl.md" &&
    grep -q '^| not revoked | 3 (1 on hold, 0 only on CRLs that are not current) |$' "$WORK/dl.md" &&
    grep -q '^| crl-aug.pem | 01 | 2024-08-06T00:00:00Z | 2034-08-13T00:00:00Z | 4 | current |$' "$WORK/dl.md" &&
    grep -q '^### Not revoked (3): the next build distrusts them (OneCRL and the blob)$' "$WORK/dl.md" &&
    grep -q 'expire between 2025-07-01T00:00:00Z and 2025-07-01T00:00:00Z (3 of 3 found in the pool)' "$WORK/dl.md" &&
    grep -q '^| 1003 | 4 | 2025-07-01T00:00:00Z | on hold (certificateHold) |$' "$WORK/dl.md" &&
    grep -q '^| 1002 | 3 | 2024-08-05T00:00:00Z | 100 |$' "$WORK/dl.md"; then
    ok "deadlines: classes, hours past and late, the CRL, expiry from the pool, the entries the next build adds"
else
    not_ok "deadlines Markdown (exit $st)" "$(cat "$WORK/dl.md" "$WORK/dl.err" | head -n 40)"
fi
# A stale CRL is flagged and counts for nothing; before the deadline nothing is added.
policy both crl-aug.pem crl-stale.pem
"$DISTRUST" deadlines -q --date 2024-09-01T00:00:00Z --json "$F/both.json" >"$WORK/dl.json" 2>/dev/null
tr -d ' \n' <"$WORK/dl.json" >"$WORK/dl.txt"
grep -q '"status":"stale"' "$WORK/dl.txt" && grep -q '"status":"current"' "$WORK/dl.txt" &&
    grep -q '"not_revoked":\[{"line":4,"on_hold":true,"only_on_stale_crls":true,"serial":"1003"}' "$WORK/dl.txt" &&
    grep -q '"revoked_late":\[{"hours_late":100,"line":3,"revoked_at":"2024-08-05T00:00:00Z","serial":"1002"}\]' "$WORK/dl.txt" &&
    ok "deadlines --json: the stale CRL flagged, every list in full" || not_ok "deadlines JSON" "$(head -c 1500 "$WORK/dl.json")"
"$DISTRUST" deadlines -q --date 2024-07-30T00:00:00Z "$F/aug.json" >"$WORK/dl2.md" 2>&1
grep -q 'Deadline: 2024-07-31T19:30:00Z, in 43 hours' "$WORK/dl2.md" && grep -q '^| crl-aug.pem | .*| not yet valid: not counted |$' "$WORK/dl2.md" &&
    grep -q 'Not revoked yet (6): no entry before the deadline' "$WORK/dl2.md" &&
    ok "deadlines before the deadline: hours left, nothing added yet, the future CRL not counted" ||
    not_ok "deadlines before the deadline" "$(cat "$WORK/dl2.md" | head -n 30)"
"$DISTRUST" deadlines -q --date 2024-09-01 "$TOP/testdata/chains/basic/policy.json" >/dev/null 2>"$WORK/dl.err"
st=$?
[ "$st" -eq 1 ] && grep -q 'the policies hold no incident entry' "$WORK/dl.err" && ok "deadlines on a policy without incidents: exit 1" ||
    not_ok "no incidents (exit $st)" "$(cat "$WORK/dl.err")"

# Wrongly signed, foreign: errors, nothing written.
for bad in wrongkey foreign; do
    policy "$bad" "crl-$bad.pem"
    build "$bad" 2024-09-01T00:00:00Z
    case $bad in
    wrongkey) frag="the CRL's signature does not verify with the issuer certificate's key" ;;
    foreign) frag="is a CRL of another issuer" ;;
    esac
    if [ "$st" -eq 1 ] && grep -q "$frag" "$WORK/b.err" && grep -q '/entries/0/crl/0' "$WORK/b.err" && [ ! -e "$WORK/$bad" ]; then
        ok "a $bad CRL is an error at its place, nothing written (exit 1)"
    else
        not_ok "$bad CRL (exit $st)" "$(cat "$WORK/b.err")"
    fi
done

# A stale CRL does not count: with only the expired one, every serial is overdue.
policy stale crl-stale.pem
build stale 2024-09-01T00:00:00Z
[ "$st" -eq 0 ] && [ "$(listed_set stale)" = "1 2 3 4 5 6" ] && grep -q 'is stale at 2024-09-01T00:00:00Z' "$WORK/b.err" &&
    ok "a stale CRL is not evidence: all six distrusted, with a warning" ||
    not_ok "stale CRL (exit $st, listed: $(listed_set stale))" "$(cat "$WORK/b.err")"

# No build time: an error, not the wall clock.
"$DISTRUST" build -q -o "$WORK/nodate" "$F/aug.json" >/dev/null 2>"$WORK/b.err"
st=$?
[ "$st" -eq 1 ] && grep -q 'an incident is judged at the build.s time: give --date' "$WORK/b.err" &&
    ok "without --date or SOURCE_DATE_EPOCH an incident is an error" || not_ok "no date (exit $st)" "$(cat "$WORK/b.err")"
SOURCE_DATE_EPOCH=1725148800 "$DISTRUST" build -q -o "$WORK/sde" "$F/aug.json" >/dev/null 2>&1 &&
    [ "$(listed_set sde)" = "4 5 6" ] && ok "SOURCE_DATE_EPOCH sets the time (2024-09-01)" || not_ok "SOURCE_DATE_EPOCH"

# The mass scenario: 80,000 serials, 72 never revoked.
cat >"$F/mass.json" <<EOF
{"version": 1, "entries": [
  {"incident_serials": "mass/serials.txt", "issuer_certificate": "ca.pem", "revoke_by": "2024-07-31T19:30:00Z",
   "crl": "mass/crl.pem", "label": "80,000 mis-issued certificates"}]}
EOF
build mass 2024-09-01T00:00:00Z
tr -d ' \n' <"$WORK/mass/manifest.json" >"$WORK/m.txt"
if [ "$st" -eq 0 ] && grep -q '"not_revoked":72' "$WORK/m.txt" && grep -q '"blob_serials":72' "$WORK/m.txt" &&
    grep -q '"revoked_late":26642' "$WORK/m.txt" && grep -q '"revoked_on_time":53286' "$WORK/m.txt"; then
    ok "80,000 serials: 53,286 revoked on time, 26,642 late, 72 not: 72 distrusted"
else
    not_ok "mass scenario (exit $st)" "$(cat "$WORK/b.err")" "$(grep -o '"counts":{[^}]*}' "$WORK/m.txt" | head -3)"
fi
# Exactly the last 72 serials of the list are in the blob: query them all.
tail -n 72 "$F/mass/serials.txt" >"$WORK/unrevoked.txt"
head -n 100 "$F/mass/serials.txt" >"$WORK/revoked.txt"
openssl x509 -in "$F/ca.pem" -outform DER -out "$WORK/ca.der"
ib=$(sh "$TOP/tests/e2e/der-field.sh" subject "$WORK/ca.der" b64 2>/dev/null)
if [ -n "$ib" ]; then
    awk -v i="$ib" '{ s = $1; cmd = "printf %s " s " | xxd -r -p | base64 -w0"; cmd | getline b; close(cmd); print "is " i " " b }' \
        "$WORK/unrevoked.txt" >"$WORK/q1.txt"
    awk -v i="$ib" '{ s = $1; cmd = "printf %s " s " | xxd -r -p | base64 -w0"; cmd | getline b; close(cmd); print "is " i " " b }' \
        "$WORK/revoked.txt" >"$WORK/q2.txt"
    l1=$("$DISTRUST" query "$WORK/mass/revocations.blob" --batch "$WORK/q1.txt" 2>/dev/null | grep -c '^listed ')
    l2=$("$DISTRUST" query "$WORK/mass/revocations.blob" --batch "$WORK/q2.txt" 2>/dev/null | grep -c '^listed ')
    [ "$l1" -eq 72 ] && [ "$l2" -eq 0 ] && ok "the blob lists the 72 unrevoked serials and none of 100 revoked ones" ||
        not_ok "mass blob lookups: $l1 of 72 unrevoked listed, $l2 of 100 revoked listed"
else
    not_ok "issuer name for the batch queries"
fi

# verify --engine openssl: the overdue leaf 5 fails through the blob, leaf 1
# (revoked on time: no entry needed) passes, each after a passing baseline.
cat >"$F/cases.json" <<EOF
{"cases": [
 {"name": "overdue leaf5", "chain": ["leaf5.pem", "ca.pem"], "anchors": ["root.pem"], "time": "2024-09-01T00:00:00Z", "expect": "distrusted"},
 {"name": "leaf1 revoked on time (the CRL's business, not ours)", "chain": ["leaf1.pem", "ca.pem"], "anchors": ["root.pem"], "time": "2024-09-01T00:00:00Z", "expect": "trusted"}
]}
EOF
build aug 2024-09-01T00:00:00Z
"$DISTRUST" verify --build "$WORK/aug" --engine openssl "$F/cases.json" >"$WORK/v.out" 2>&1
st=$?
if [ "$st" -eq 0 ] && grep -q '^ok 1 - overdue leaf5' "$WORK/v.out" && grep -q '^ok 2 - leaf1' "$WORK/v.out" &&
    grep -q '^2 passed, 0 failed$' "$WORK/v.out"; then
    ok "verify --engine openssl: the overdue leaf fails through the blob, the on-time one passes"
else
    not_ok "verify through the OpenSSL engine (exit $st)" "$(head -n 30 "$WORK/v.out")"
fi
done_testing
