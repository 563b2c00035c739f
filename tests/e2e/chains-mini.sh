# chains-mini.sh CFG CERTDIR: runs an NSS tests/chains scenario file the way
# chains.sh does (its format as tests/chains/chains.sh reads it: KEY VALUE
# lines, a blank line ends a block; "NICK:x" names CERTDIR/NICK.cert;
# import -> certutil -A -t TRUST; verify/cert/trust/at_time/usage/result ->
# vfychain -d DB -pp -vv [-b T] [-u N] CERTS [-t ANCHOR], pass = exit 0).
# Prints one line per verification and exits 1 on any unexpected result.
# Written for the tests of `distrust emit-tests`; NSS's chains.sh is not
# packaged by Debian.
set -u
cfg=$1 certs=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/chains-mini.XXXXXX")
trap 'rm -rf "$work"' EXIT
db= verify= trust= at= use= result= n=0 bad=0
file_of() { # NICK:ISSUER -> the certificate file chains.sh would use
    nick=${1%%:*}
    iss=${1#*:}
    iss=${iss%%:*}
    if [ "$iss" = x ]; then echo "$certs/$nick.cert"; else echo "$work/$nick$iss.der"; fi
}
run_verify() {
    n=$((n + 1))
    # shellcheck disable=SC2086
    if vfychain -d "sql:$db" -pp -vv $at $use $verify $trust >"$work/out" 2>&1; then got=pass; else got=fail; fi
    if [ "$got" = "$result" ]; then echo "ok $n - $(basename "$db") $got"; else
        echo "not ok $n - $(basename "$db"): $got, expected $result"
        sed 's/^/#   /' "$work/out" | head -n 12
        bad=$((bad + 1))
    fi
}
while IFS= read -r line || [ -n "$line" ]; do
    key=${line%% *}
    val=${line#* }
    [ "$key" = "$line" ] && val=
    case $key in
    '#'*) ;;
    scenario) ;;
    db)
        db=$work/${val}DB
        mkdir -p "$db" && certutil -N --empty-password -d "sql:$db" >/dev/null 2>&1 || exit 2
        ;;
    import)
        nick=${val%%:*}
        rest=${val#*:}
        tr=${rest#*:}
        certutil -A -d "sql:$db" -n "$nick" -t "$tr" -i "$(file_of "$val")" >/dev/null 2>&1 || {
            echo "not ok - import $val failed"; exit 2; }
        ;;
    verify) verify=$(file_of "$val") trust= at= use= result= ;;
    cert) verify="$verify $(file_of "$val")" ;;
    trust) case $val in *:*) trust="$trust -t $(file_of "$val")" ;; *) trust="$trust -t $val" ;; esac ;;
    at_time) at="-b $val" ;;
    usage) use="-u $val" ;;
    result) result=$val ;;
    '') if [ -n "$verify" ]; then run_verify; verify=; fi ;;
    *) echo "Configuration error: Unknown keyword $key"; exit 1 ;;
    esac
done <"$cfg"
echo "1..$n"
[ "$bad" -eq 0 ]
