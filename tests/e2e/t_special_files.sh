# No input may block or spin: every reader refuses anything but a regular
# file (a FIFO, /dev/zero, a directory) with an error that names the path and
# the place that named it (the policy's file:line:col and JSON path, or the
# command-line option), exit status 1 (2 for query, whose 1 means "not
# listed"), and nothing written: a failed build leaves OUT as it was, a
# failed import leaves the previous policy. FIFOs cannot be committed, so
# they are made here. Every command runs under `timeout 10`, so a regression
# fails (status 124) instead of hanging the suite, and every refusal sits
# beside a baseline run of the same command with a regular file.
. "$TOP/tests/e2e/lib.sh"
C="$TOP/testdata/chains"

D="$WORK/in"
mkdir -p "$D/pool" "$D/pool-special" "$D/adir" "$D/policydir"
FIFO="$D/fifo"
mkfifo "$FIFO" "$D/pool-special/zz-fifo.pem" "$D/policydir/fifo.json" || {
    not_ok "mkfifo works here"
    done_testing
    exit 1
}
cp "$PKI/int-a1.pem" "$D/cert.pem"
cp "$PKI/int-a1-xb.pem" "$D/pool/"
cp "$PKI/int-a1-xb.pem" "$D/pool-special/"
printf '01:02:03\n0a0b\n' >"$D/serials.txt"
cat >"$D/good.json" <<JSON
{"version": 1, "entries": [{"certificate": "cert.pem", "label": "Previous build"}]}
JSON
# Policies that name an input (the name on line 3, so the place is known).
policy_naming() { # FILE KEY VALUE [EXTRA-ENTRY-JSON]
    printf '{"version": 1,\n "entries": [\n  {"issuer_certificate": "%s", "%s": "%s"}\n ]}\n' \
        "$PKI/root-a.pem" "$2" "$3" >"$D/$1"
}
cat >"$D/cert-good.json" <<JSON
{"version": 1,
 "entries": [
  {"certificate": "cert.pem"}
 ]}
JSON
cat >"$D/cert-fifo.json" <<JSON
{"version": 1,
 "entries": [
  {"certificate": "fifo"}
 ]}
JSON
policy_naming serials-good.json serials_file serials.txt
policy_naming serials-fifo.json serials_file fifo
policy_naming serials-zero.json serials_file /dev/zero
policy_naming serials-dir.json serials_file adir
cat >"$D/pool-good.json" <<JSON
{"version": 1,
 "pool": ["pool"],
 "entries": [{"certificate": "cert.pem", "cross_signs": true}]}
JSON
cat >"$D/pool-fifo.json" <<JSON
{"version": 1,
 "pool": ["fifo"],
 "entries": [{"certificate": "cert.pem", "cross_signs": true}]}
JSON
cat >"$D/cases.json" <<JSON
{"cases": [{"name": "leaf-a1 through int-a1", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"],
            "anchors": ["$PKI/root-a.pem"], "usage": "server", "time": "2025-01-01T00:00:00Z",
            "expect": "distrusted"}]}
JSON

OUTDIR="$WORK/o"
OUT="$OUTDIR/out"
mkdir -p "$OUTDIR"
run timeout 10 "$DISTRUST" build -q -o "$OUT" "$D/good.json"
expect_status "the previous build" 0
BLOB="$OUT/revocations.blob"
issuer=$(sed -n 's/.*"issuerName": *"\([^"]*\)".*/\1/p' "$OUT/onecrl.json")
serial=$(sed -n 's/.*"serialNumber": *"\([^"]*\)".*/\1/p' "$OUT/onecrl.json")
printf 'is %s %s\n' "$issuer" "$serial" >"$D/batch.txt"

# snapshot FILE: every path under OUT and every file's digest.
snapshot() {
    (cd "$OUT" && find . -print | LC_ALL=C sort | while IFS= read -r p; do
        if [ -f "$p" ]; then echo "f $(sha256sum <"$p" | cut -d' ' -f1) $p"; else echo "- $p"; fi
    done) >"$1"
    ls -A "$OUTDIR" >>"$1"
}
snapshot "$WORK/before.snap"

# refused NAME STATUS PLACE MESSAGE CMD...: the command, run from $D under
# timeout 10, exits STATUS; stderr holds PLACE (fixed text: where the error
# is reported) and MESSAGE (an extended regular expression: the reason,
# with the path).
refused() {
    name=$1 want=$2 place=$3 msg=$4
    shift 4
    (cd "$D" && timeout 10 "$@" </dev/null >"$WORK/out" 2>"$WORK/err")
    st=$?
    if [ "$st" -eq 124 ]; then
        not_ok "$name: refused (exit $want)" "timed out after 10 s: the command blocked"
    else
        expect_status "$name: refused" "$want"
    fi
    if grep -qF -- "$place" "$WORK/err"; then ok "$name: reported at $place"; else
        not_ok "$name: reported at $place" "$(head -n 8 "$WORK/err")"
    fi
    has "$name: the message names it" "$WORK/err" "$msg"
}
# accepted NAME STATUS CMD...: the baseline, run the same way.
accepted() {
    name=$1 want=$2
    shift 2
    (cd "$D" && timeout 10 "$@" </dev/null >"$WORK/out" 2>"$WORK/err")
    st=$?
    expect_status "$name: baseline with a regular file" "$want"
}
# out_unchanged NAME: OUT and what is beside it as in the snapshot.
out_unchanged() {
    snapshot "$WORK/after.snap"
    if cmp -s "$WORK/before.snap" "$WORK/after.snap"; then ok "$1: the previous build is untouched"; else
        not_ok "$1: the previous build is untouched" "$(diff "$WORK/before.snap" "$WORK/after.snap" | head)"
    fi
}

FIFOMSG="it is a FIFO \(named pipe\), not a regular file"
NEW="$WORK/new"

# --- the policy itself ---------------------------------------------------------------
accepted "policy" 0 "$DISTRUST" build -q -o "$NEW" good.json
refused "policy is a FIFO" 1 "fifo: error:" "cannot read: $FIFOMSG" \
    "$DISTRUST" build -o "$OUT" fifo
out_unchanged "policy is a FIFO"
refused "policy is /dev/zero" 1 "/dev/zero: error:" "cannot read: it is a character device, not a regular file" \
    "$DISTRUST" build -o "$OUT" /dev/zero
out_unchanged "policy is /dev/zero"
accepted "lint" 0 "$DISTRUST" lint good.json
refused "lint of a FIFO" 1 "fifo: error:" "cannot read: $FIFOMSG" "$DISTRUST" lint fifo
refused "a FIFO *.json in a policy directory" 1 "policydir/fifo.json: error:" "cannot read: $FIFOMSG" \
    "$DISTRUST" build -o "$OUT" policydir
out_unchanged "a FIFO in a policy directory"

# --- files a policy names: the place is the policy's file:line:col and JSON path --------
accepted "certificate" 0 "$DISTRUST" build -q -o "$NEW" cert-good.json
refused "certificate is a FIFO" 1 "cert-fifo.json:3:19: error: /entries/0/certificate:" \
    "cannot read fifo: $FIFOMSG" "$DISTRUST" build -o "$OUT" cert-fifo.json
out_unchanged "certificate is a FIFO"
accepted "serials_file" 0 "$DISTRUST" build -q -o "$NEW" serials-good.json
refused "serials_file is a FIFO" 1 "serials-fifo.json:3:" "/entries/0/serials_file: cannot read fifo: $FIFOMSG" \
    "$DISTRUST" build -o "$OUT" serials-fifo.json
out_unchanged "serials_file is a FIFO"
refused "serials_file is /dev/zero" 1 "serials-zero.json:3:" \
    "/entries/0/serials_file: cannot read /dev/zero: it is a character device, not a regular file" \
    "$DISTRUST" build -o "$OUT" serials-zero.json
out_unchanged "serials_file is /dev/zero"
refused "serials_file is a directory" 1 "serials-dir.json:3:" "/entries/0/serials_file: cannot read adir: Is a directory" \
    "$DISTRUST" build -o "$OUT" serials-dir.json
out_unchanged "serials_file is a directory"
refused "lint: serials_file is a FIFO" 1 "serials-fifo.json:3:" "cannot read fifo: $FIFOMSG" \
    "$DISTRUST" lint serials-fifo.json
accepted "policy pool" 0 "$DISTRUST" build -q -o "$NEW" pool-good.json
refused "policy pool is a FIFO" 1 "pool-fifo.json:2:" "/pool/0: cannot read pool fifo: $(echo "$FIFOMSG" | sed 's/a regular file/a directory or a regular file/')" \
    "$DISTRUST" build -o "$OUT" pool-fifo.json
out_unchanged "policy pool is a FIFO"

# An incident's CRLs and serial list (a fixture CA made by mkincident.sh).
if sh "$TOP/tests/e2e/mkincident.sh" "$D/inc" >"$WORK/mk.log" 2>&1; then
    incident() { # FILE SERIALS CRL
        printf '{"version": 1,\n "entries": [\n  {"incident_serials": "%s", "issuer_certificate": "inc/ca.pem", "revoke_by": "2024-07-31T19:30:00Z", "crl": ["%s"]}\n ]}\n' \
            "$2" "$3" >"$D/$1"
    }
    incident incident-good.json inc/serials.txt inc/crl-sep.pem
    incident incident-crl-fifo.json inc/serials.txt fifo
    incident incident-serials-fifo.json fifo inc/crl-sep.pem
    accepted "incident" 0 "$DISTRUST" build -q --date 2024-10-01T00:00:00Z -o "$NEW" incident-good.json
    refused "an incident CRL is a FIFO" 1 "incident-crl-fifo.json:3:" \
        "/entries/0/crl/0: fifo cannot be read: $FIFOMSG" \
        "$DISTRUST" build --date 2024-10-01T00:00:00Z -o "$OUT" incident-crl-fifo.json
    out_unchanged "an incident CRL is a FIFO"
    refused "incident_serials is a FIFO" 1 "incident-serials-fifo.json:3:" \
        "/entries/0/incident_serials: cannot read fifo: $FIFOMSG" \
        "$DISTRUST" build --date 2024-10-01T00:00:00Z -o "$OUT" incident-serials-fifo.json
    out_unchanged "incident_serials is a FIFO"
else
    not_ok "mkincident.sh makes the incident fixture" "$(tail -n 5 "$WORK/mk.log")"
fi

# --- files the command line names: the place is the option, or the path ---------------
accepted "--certdata" 0 "$DISTRUST" build -q --certdata "$C/roots-certdata.txt" -o "$NEW" good.json
refused "--certdata is a FIFO" 1 "--certdata: error:" "cannot read fifo: $FIFOMSG" \
    "$DISTRUST" build --certdata fifo -o "$OUT" good.json
out_unchanged "--certdata is a FIFO"
refused "--certdata is /dev/zero" 1 "--certdata: error:" "cannot read /dev/zero: it is a character device" \
    "$DISTRUST" build --certdata /dev/zero -o "$OUT" good.json
out_unchanged "--certdata is /dev/zero"
refused "--certdata is a directory" 1 "--certdata: error:" "cannot read adir: Is a directory" \
    "$DISTRUST" build --certdata adir -o "$OUT" good.json
out_unchanged "--certdata is a directory"
accepted "--pool" 0 "$DISTRUST" build -q --pool pool -o "$NEW" good.json
refused "--pool is a FIFO" 1 "--pool: error:" "cannot read pool fifo: it is a FIFO \(named pipe\), not a directory or a regular file" \
    "$DISTRUST" build --pool fifo -o "$OUT" good.json
out_unchanged "--pool is a FIFO"
accepted "--cases" 0 "$DISTRUST" build -q --cases cases.json -o "$NEW" good.json
refused "--cases is a FIFO" 1 "--cases: error:" "cannot read fifo: $FIFOMSG" \
    "$DISTRUST" build --cases fifo -o "$OUT" good.json
out_unchanged "--cases is a FIFO"

# A FIFO found while walking a pool directory is skipped and counted, never opened.
(cd "$D" && timeout 10 "$DISTRUST" build --pool pool-special -o "$NEW" good.json </dev/null >"$WORK/out" 2>"$WORK/err")
st=$?
expect_status "a pool directory holding a FIFO is read" 0
has "the FIFO is counted as skipped" "$WORK/err" "1 special file \(FIFO, socket or device\) not read"
(cd "$D" && timeout 10 "$DISTRUST" build --pool pool -o "$NEW" good.json </dev/null >"$WORK/out" 2>"$WORK/err")
hasnt "baseline: no special file to count" "$WORK/err" "special file"

# verify: case files.
accepted "verify" 0 "$DISTRUST" verify --build "$OUT" cases.json
refused "verify: the case file is a FIFO" 1 "fifo: error:" "cannot read: $FIFOMSG" \
    "$DISTRUST" verify --build "$OUT" fifo
refused "verify: the case file is /dev/zero" 1 "/dev/zero: error:" "cannot read: it is a character device" \
    "$DISTRUST" verify --build "$OUT" /dev/zero

# query: the blob, --batch, --cert, --verify-key (errors exit 2).
accepted "query" 0 "$DISTRUST" query "$BLOB" --info
refused "query: the blob is a FIFO" 2 "fifo: error:" "cannot read fifo: $FIFOMSG" \
    "$DISTRUST" query fifo --info
refused "query: the blob is a directory" 2 "adir: error:" "cannot read adir: Is a directory" \
    "$DISTRUST" query adir --info
accepted "query --batch" 0 "$DISTRUST" query "$BLOB" --batch batch.txt
refused "query --batch is a FIFO" 2 "--batch: error:" "cannot read fifo: $FIFOMSG" \
    "$DISTRUST" query "$BLOB" --batch fifo
refused "query --batch is /dev/zero" 2 "--batch: error:" "cannot read /dev/zero: it is a character device" \
    "$DISTRUST" query "$BLOB" --batch /dev/zero
accepted "query --cert" 0 "$DISTRUST" query "$BLOB" --cert cert.pem
refused "query --cert is a FIFO" 2 "--cert: error:" "cannot read fifo: $FIFOMSG" \
    "$DISTRUST" query "$BLOB" --cert fifo

# import: the OneCRL dump and the certdata file (the previous policy stays).
PREV="$WORK/imported.json"
echo '{"version": 1, "entries": []}' >"$PREV"
sha256sum <"$PREV" >"$WORK/prev.sum"
prev_unchanged() {
    if sha256sum <"$PREV" | cmp -s - "$WORK/prev.sum" && [ "$(ls -A "$WORK" | grep -c '^imported')" -eq 1 ]; then
        ok "$1: the previous policy is untouched, nothing beside it"
    else
        not_ok "$1: the previous policy is untouched, nothing beside it" "$(ls -A "$WORK")"
    fi
}
accepted "import onecrl" 0 "$DISTRUST" import onecrl "$OUT/onecrl.json" -o "$WORK/new-onecrl.json"
refused "import onecrl: the dump is a FIFO" 1 "fifo: error:" "cannot read: $FIFOMSG" \
    "$DISTRUST" import onecrl fifo -o "$PREV"
prev_unchanged "import onecrl of a FIFO"
accepted "import certdata" 0 "$DISTRUST" import certdata "$C/roots-certdata.txt" -o "$WORK/new-certdata.json"
refused "import certdata: the file is a FIFO" 1 "fifo: error:" "cannot read: $FIFOMSG" \
    "$DISTRUST" import certdata fifo -o "$PREV"
prev_unchanged "import certdata of a FIFO"
refused "import certdata: the file is /dev/zero" 1 "/dev/zero: error:" "cannot read: it is a character device" \
    "$DISTRUST" import certdata /dev/zero -o "$PREV"
prev_unchanged "import certdata of /dev/zero"

done_testing
