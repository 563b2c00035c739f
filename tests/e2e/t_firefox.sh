# distrust verify --engine firefox: the fixture chain cases replayed by
# Firefox itself (firefox-esr, headless, driven over Marionette): a fresh
# profile for the baseline, the overlay module added to a profile with
# modutil, OneCRL's records loaded into cert_storage; one Firefox process per
# configuration. Skipped whole when firefox-esr is not installed
# (scripts/install-deps.sh --with-firefox installs it).
. "$TOP/tests/e2e/lib.sh"
firefox_or_skip
C="$TOP/testdata/chains"
run "$DISTRUST" build -o "$WORK/b" "$C/basic/policy.json"
expect_status "build of the basic policy" 0

mkdir "$WORK/tmp-whole"
run env TMPDIR="$WORK/tmp-whole" "$DISTRUST" verify --build "$WORK/b" --engine firefox "$C/basic/cases.json"
cp "$WORK/out" "$WORK/ff.out"
F="$WORK/ff.out"
# Two known disagreements (doc/verify.md, "The Firefox engine") make the run exit 3.
expect_status "the basic cases under Firefox" 3
if [ -z "$(ls -A "$WORK/tmp-whole")" ]; then ok "a whole run leaves its TMPDIR empty"; else
    not_ok "a whole run leaves its TMPDIR empty" "$(ls -A "$WORK/tmp-whole")"; fi
has "the version is Firefox's own" "$F" '^# firefox baseline: Firefox [0-9]+\.[0-9.]+(esr)? started in [0-9]+ ms'
count "one Firefox process per configuration" "$F" '^# firefox (baseline|overlay|onecrl|root-store [^:]*): .* started in' 5
count "the root store of the cases' anchors, with and without the build" "$F" "^# firefox root-store (baseline )?\(the cases' anchors" 2
# 11 cases under overlay; 10 under onecrl (the case after the date names
# overlay, p11-kit and openssl); 10 under the root store (not that one either)
count "21 checks: 11 cases x overlay, 10 x onecrl" "$F" '^(not )?ok [0-9]+ - .* \[firefox/(overlay|onecrl)\]$' 21
count "10 root-store checks: the cases' anchors as Firefox's built-in roots, the build merged" "$F" '^(not )?ok [0-9]+ - .* \[firefox/root-store\]$' 10
count "every overlay and onecrl check has its baseline in a fresh profile, accepted" "$F" '^#   baseline: Firefox accepts the chain' 21
count "every root-store check has its baseline, the anchors as built-in roots" "$F" "^#   baseline \(the case's anchors as Firefox's built-in roots module\): Firefox accepts the chain" 10
count "29 checks hold" "$F" '^ok [0-9]+ - ' 29
has "the summary says what each deployment enforces: root-store all" "$F" '^# firefox/root-store enforces every distrust the cases expect of it \(5\)$'
has "... and plainly what the overlay does not" "$F" '^# firefox/overlay does not enforce 1 of the 5 distrusts the cases expect of it: "distrusted root that the anchors trust"'
has "... and what OneCRL does not" "$F" '^# firefox/onecrl does not enforce 1 of the 5 distrusts the cases expect of it: "e-mail-only distrust: e-mail distrusted"'
# verdict NAME CONF WANT-REGEX: the detail lines of one check
verdict() {
    awk -v want="$1 [firefox/$2]" '/^(not )?ok [0-9]+ - / { on = 0; l = $0; sub(/^(not )?ok [0-9]+ - /, "", l); on = l == want }
        on' "$F" >"$WORK/one"
    if grep -Eq -- "$3" "$WORK/one"; then ok "$1 [$2]: $3"; else not_ok "$1 [$2]: $3" "$(cat "$WORK/one")"; fi
}
verdict "distrusted leaf (issuer + padded serial)" overlay 'rejects the chain: SEC_ERROR_UNTRUSTED_CERT \(-8171\)'
verdict "distrusted leaf (issuer + padded serial)" onecrl 'rejects the chain: SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
verdict "control: its sibling leaf" overlay 'with the overlay module in the profile: Firefox accepts'
verdict "control: its sibling leaf" onecrl "with OneCRL's records in cert_storage: Firefox accepts"
verdict "distrusted intermediate" overlay 'rejects the chain: SEC_ERROR_UNTRUSTED_ISSUER \(-8172\)'
verdict "distrusted intermediate" onecrl 'rejects the chain: SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
verdict "distrusted intermediate, negative-serial leaf" overlay 'SEC_ERROR_UNTRUSTED_ISSUER \(-8172\)'
verdict "distrusted root that the anchors trust" onecrl 'SEC_ERROR_REVOKED_CERTIFICATE \(-8180\)'
verdict "e-mail-only distrust: e-mail distrusted" overlay 'SEC_ERROR_UNTRUSTED_CERT \(-8171\)'
verdict "e-mail-only distrust: TLS server still trusted" overlay 'expected trusted, got trusted'
verdict "control: the Root B path" onecrl 'expected trusted, got trusted'
# The root store: a root the build distrusts is distrusted as a built-in
# root, where the profile's own trust record made the overlay fail.
verdict "distrusted root that the anchors trust" root-store 'as Firefox.s built-in roots module: Firefox rejects the chain: SEC_ERROR_UNTRUSTED_ISSUER \(-8172\)'
verdict "distrusted intermediate" root-store 'Firefox rejects the chain: SEC_ERROR_UNTRUSTED_ISSUER \(-8172\)'
verdict "e-mail-only distrust: TLS server still trusted" root-store 'expected trusted, got trusted'
verdict "distrust-after: leaf issued before the date" root-store 'expected trusted, got trusted'
# The two disagreements, each named: the anchor is trusted by the profile
# itself (its own trust record wins over the added module's distrust), and
# OneCRL carries no e-mail-only distrust.
has "a root trusted in the profile is not distrusted by the added module" "$F" \
    '^not ok [0-9]+ - distrusted root that the anchors trust \[firefox/overlay\]$'
has "OneCRL cannot carry an e-mail-only distrust" "$F" \
    '^not ok [0-9]+ - e-mail-only distrust: e-mail distrusted \[firefox/onecrl\]$'
verdict "distrusted root that the anchors trust" overlay '#   why: the build distrusts .*, an anchor of the case, which the profile itself trusts'
verdict "e-mail-only distrust: e-mail distrusted" onecrl '#   why: OUT/onecrl.json has no record for any certificate of the case'
count "only the two disagreements carry a why" "$F" '^#   why: ' 2
count "root-store anchors are said to be not checked" "$F" '^# firefox: not checked: .*its anchors are a root store' 2

# One process serves every case: a case's anchors leave with it. The same
# chain with another root as anchor, between two cases that trust Root A,
# has no path (-8179): no trust is carried from case to case.
cat >"$WORK/iso.json" <<EOF
{"cases": [
 {"name": "A", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"], "anchors": ["$PKI/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"},
 {"name": "B", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"], "anchors": ["$PKI/root-c.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"},
 {"name": "C", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"], "anchors": ["$PKI/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"}
]}
EOF
run "$DISTRUST" verify --build "$WORK/b" --engine firefox "$WORK/iso.json"
expect_status "isolation between cases" 3
count "A and C pass in every configuration" "$WORK/out" '^ok [0-9]+ - [AC] \[firefox/(overlay|onecrl|root-store)\]$' 6
count "B finds no path: Root A's trust left with case A" "$WORK/out" '^not ok [0-9]+ - B \[firefox/(overlay|onecrl)\] # INVALID: .*SEC_ERROR_UNKNOWN_ISSUER, -8179' 2
# The anchors root store serves every case's anchors at once: B's chain
# reaches Root A there, which is not B's anchor: INVALID, never a pass.
has "B through another case's anchor in the root store is INVALID" "$WORK/out" '^not ok [0-9]+ - B \[firefox/root-store\] # INVALID: the path Firefox built without the build ends at an anchor of another case'

# --deployments chooses Firefox's configurations: OneCRL alone starts two
# Firefox processes (its baseline and OneCRL), and a case that names only
# onecrl is judged by Firefox alone (no NSS "not checked" line for it).
cat >"$WORK/only.json" <<EOF
{"cases": [
 {"name": "leaf by OneCRL", "chain": ["$PKI/leaf-a1-2.pem", "$PKI/int-a1.pem"], "anchors": ["$PKI/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "distrusted", "deployments": ["onecrl"]},
 {"name": "control", "chain": ["$PKI/leaf-a1.pem", "$PKI/int-a1.pem"], "anchors": ["$PKI/root-a.pem"], "time": "2025-06-01T00:00:00Z", "expect": "trusted"}
]}
EOF
run "$DISTRUST" verify --build "$WORK/b" --engine firefox --deployments onecrl "$WORK/only.json"
expect_status "--deployments onecrl under Firefox" 0
count "two Firefox processes: the baseline and OneCRL" "$WORK/out" '^# firefox [a-z -]*: .* started in' 2
count "two onecrl checks, no other" "$WORK/out" '^ok [0-9]+ - .* \[firefox/onecrl\]$' 2
count "no other Firefox check" "$WORK/out" '\[firefox/(overlay|root-store)\]' 0
run "$DISTRUST" verify --build "$WORK/b" --engine all "$WORK/only.json"
expect_status "--engine all: the NSS engines and Firefox" 0
has "all has the NSS engines" "$WORK/out" '^ok [0-9]+ - control \[overlay/classic\]$'
has "all has Firefox" "$WORK/out" '^ok [0-9]+ - control \[firefox/root-store\]$'
has "the onecrl-only case is Firefox's" "$WORK/out" '^ok [0-9]+ - leaf by OneCRL \[firefox/onecrl\]$'
count "... and no NSS line calls it not checked" "$WORK/out" '^# not checked: "leaf by OneCRL"' 0
run "$DISTRUST" verify --build "$WORK/b" --engine pkix --deployments onecrl "$WORK/only.json"
expect_status "onecrl without Firefox checks nothing: an error, never a pass" 1

# Interrupted: Firefox runs in a process group of its own (so a Ctrl-C at
# the terminal does not reach it): distrust kills it on SIGINT, SIGTERM and
# SIGHUP, cleans up and dies of the signal. Each run has a TMPDIR of its own.
# live_procs DIR [PGID]: live (not zombie) processes whose command line
# names DIR, or in process group PGID.
live_procs() {
    ps -eo pid=,pgid=,stat=,args= | awk -v d="$1" -v g="${2:-none}" \
        '$3 !~ /^Z/ && $4 != "awk" && ($2 == g || index($0, d)) { print $1 }'
}
# interrupted SIG STATUS [SECOND]: a Firefox run in the background (SIGINT
# not ignored, as in a terminal), SIG sent to distrust once its first
# Firefox (starting) runs, or with SECOND its second (the first stopped).
interrupted() {
    T="$WORK/tmp-$1"
    mkdir "$T"
    TMPDIR="$T" env --default-signal=INT "$DISTRUST" verify --build "$WORK/b" --engine firefox \
        "$C/basic/cases.json" >"$WORK/int.out" 2>"$WORK/int.err" &
    pid=$!
    ff="" first="" i=0
    while [ $i -lt 300 ] && [ -z "$ff" ] && kill -0 "$pid" 2>/dev/null; do
        ff=$(ps -eo pid=,args= | awk -v d="-profile $T/" -v not="${first:-none}" \
            '/ --marionette / && index($0, d) && $2 != "awk" && $1 != not { print $1; exit }')
        if [ -n "$ff" ] && [ -n "${3:-}" ] && [ -z "$first" ]; then first=$ff ff=""; fi
        [ -n "$ff" ] || { sleep 0.1; i=$((i + 1)); }
    done
    pg=$(ps -o pgid= -p "${ff:-0}" 2>/dev/null | tr -d ' ')
    if [ -n "$ff" ] && [ "$pg" = "$ff" ]; then ok "$1: Firefox was running, leader of its own process group ($ff), when the signal came"
    else not_ok "$1: Firefox was running, leader of its own process group, when the signal came" "firefox: '$ff', its group '$pg'" "$(cat "$WORK/int.err")"; fi
    kill -"$1" "$pid"
    { wait "$pid"; st=$?; } 2>/dev/null
    expect_status "$1 to distrust: it dies of the signal" "$2"
    i=0
    while [ $i -lt 50 ] && [ -n "$(live_procs "$T/" "${pg:-none}")" ]; do sleep 0.1; i=$((i + 1)); done
    left=$(live_procs "$T/" "${pg:-none}")
    if [ -z "$left" ]; then ok "$1: within 5 s no process of Firefox's group or naming TMPDIR is left"; else
        not_ok "$1: within 5 s no process of Firefox's group or naming TMPDIR is left" \
            "$(for p in $left; do ps -o pid=,pgid=,stat=,args= -p "$p"; done)"
        for p in $left; do kill -KILL "$p" 2>/dev/null; done
    fi
    if [ -z "$(ls -A "$T")" ]; then ok "$1: TMPDIR is empty (work directory, profiles)"; else
        not_ok "$1: TMPDIR is empty (work directory, profiles)" "$(find "$T" | head)"; fi
    has "$1: one line says so" "$WORK/int.err" "^distrust: interrupted \\(SIG$1\\): Firefox and the NSS workers stopped, temporary files removed$"
    count "$1: no check is reported, nor a count of passes" "$WORK/int.out" '^(ok|not ok|[0-9]+ passed)' 0
}
interrupted TERM 143
interrupted INT 130 second
# SIGKILL cannot be caught: Firefox still goes with distrust (it has SIGKILL
# as its parent-death signal); the work directory stays, nothing removes it.
T="$WORK/tmp-KILL"
mkdir "$T"
TMPDIR="$T" "$DISTRUST" verify --build "$WORK/b" --engine firefox "$C/basic/cases.json" >"$WORK/int.out" 2>&1 &
pid=$!
i=0 ff=""
while [ $i -lt 300 ] && [ -z "$ff" ]; do
    ff=$(ps -eo pid=,args= | awk -v d="-profile $T/" '/ --marionette / && index($0, d) && $2 != "awk" { print $1; exit }')
    [ -n "$ff" ] || { sleep 0.1; i=$((i + 1)); }
done
kill -KILL "$pid"
{ wait "$pid"; st=$?; } 2>/dev/null
expect_status "KILL to distrust" 137
i=0
while [ $i -lt 50 ] && [ -n "$(live_procs "$T/" "${ff:-none}")" ]; do sleep 0.1; i=$((i + 1)); done
left=$(live_procs "$T/" "${ff:-none}")
if [ -n "$ff" ] && [ -z "$left" ]; then ok "KILL: Firefox ($ff) and its group die with distrust within 5 s"; else
    not_ok "KILL: Firefox ($ff) and its group die with distrust within 5 s" "$(for p in $left; do ps -o pid=,pgid=,stat=,args= -p "$p"; done)"
    for p in $left; do kill -KILL "$p" 2>/dev/null; done
fi
rm -rf "$T"
# SIGHUP ignored on entry (nohup) stays ignored: the run goes on.
T="$WORK/tmp-nohup"
mkdir "$T"
(trap '' HUP; TMPDIR="$T" exec "$DISTRUST" verify --build "$WORK/b" --engine firefox "$C/basic/cases.json" >"$WORK/int.out" 2>&1) &
pid=$!
i=0
while [ $i -lt 300 ] && [ -z "$(live_procs "$T/")" ]; do sleep 0.1; i=$((i + 1)); done
kill -HUP "$pid"
sleep 1
if kill -0 "$pid" 2>/dev/null && [ -n "$(live_procs "$T/")" ]; then ok "SIGHUP ignored on entry (nohup): the run and its Firefox go on"; else
    not_ok "SIGHUP ignored on entry (nohup): the run and its Firefox go on" "$(cat "$WORK/int.out")"; fi
kill -TERM "$pid"
{ wait "$pid"; st=$?; } 2>/dev/null
expect_status "then SIGTERM stops it" 143
i=0
while [ $i -lt 50 ] && [ -n "$(live_procs "$T/")$(ls -A "$T")" ]; do sleep 0.1; i=$((i + 1)); done
if [ -z "$(live_procs "$T/")$(ls -A "$T")" ]; then ok "and it cleans up"; else
    not_ok "and it cleans up" "$(ls -A "$T")"
    for p in $(live_procs "$T/"); do kill -KILL "$p" 2>/dev/null; done
fi

# Firefox not found: one clear line, nothing counted as passed.
mkdir "$WORK/nopath"
for t in env dirname; do ln -s "$(command -v $t)" "$WORK/nopath/$t" 2>/dev/null; done
run env PATH="$WORK/nopath" "$DISTRUST" verify --build "$WORK/b" --engine pkix,firefox "$C/basic/cases.json"
expect_status "without Firefox, the NSS verdicts decide" 0
count "the skip is one line" "$WORK/out" '^# firefox engine: skipped, Firefox not found \(give --firefox PATH\)' 1
count "no Firefox verdict without Firefox" "$WORK/out" '\[firefox/' 0
run env PATH="$WORK/nopath" "$DISTRUST" verify --build "$WORK/b" --engine all "$C/basic/cases.json"
expect_status "--engine all without Firefox: the NSS engines decide" 0
count "... Firefox's absence is one line" "$WORK/out" '^# firefox engine: skipped, Firefox not found' 1
has "... both NSS engines ran" "$WORK/out" '^ok [0-9]+ - control: its sibling leaf \[overlay/classic\]$'
count "... no Firefox verdict" "$WORK/out" '\[firefox/' 0
run env PATH="$WORK/nopath" "$DISTRUST" verify --build "$WORK/b" --engine firefox "$C/basic/cases.json"
expect_status "--engine firefox alone without Firefox checks nothing: an error, never a pass" 1
run "$DISTRUST" verify --build "$WORK/b" --engine firefox --firefox "$WORK/no-such-firefox" "$C/basic/cases.json"
expect_status "--firefox naming no executable" 1
has "it says which" "$WORK/err" 'no-such-firefox.*--firefox'
done_testing
