# Our certdata objects must match Debian's nss-addbuiltin (the reference
# emitter) byte for byte, for every fixture certificate and every shape:
#   nss_object "trust"             = nss-addbuiltin -D
#   nss_object "trust+hash"        = nss-addbuiltin -t p,p,p -c
#   nss_object "certificate+trust" = nss-addbuiltin -t p,p,p
# Object text (every non-comment line) must be identical; the comment lines
# addbuiltin writes must be identical too, except one documented deviation:
# addbuiltin prints an all-printable serial of more than 4 octets as text
# ("# Serial Number:SERIAL-42"), where we always print hex.
. "$TOP/tests/e2e/lib.sh"

if ! command -v nss-addbuiltin >/dev/null 2>&1; then
    not_ok "nss-addbuiltin is installed (Debian libnss3-tools)"
    done_testing
    exit 1
fi

LABEL='Distrust tëst – fixture'
# Lines we add to comment blocks (provenance) that addbuiltin does not write.
ours_filter() { grep -v -e '^# Source: ' -e '^# Incident: ' -e '^# Bug: ' -e '^# Why: ' -e '^# Purposes:'; }
# Drop the header comment block of certdata-distrust.txt (up to the first blank line).
body() { awk 'started { print; next } /^$/ { started = 1; print }' "$1"; }
objects() { grep -v -e '^#' -e '^$' -e '^    '; }
comments() { grep '^#'; }

build_one() { # build_one CERTFILE SHAPE [PURPOSES_JSON]
    purposes=${3:-}
    extra=""
    [ -n "$purposes" ] && extra=", \"purposes\": $purposes"
    cat >"$WORK/p.json" <<JSON
{"version": 1, "entries": [{"certificate": "$1", "label": "$LABEL", "nss_object": "$2"$extra}]}
JSON
    rm -rf "$WORK/out"
    "$DISTRUST" build -q -o "$WORK/out" "$WORK/p.json" >"$WORK/build.log" 2>&1
}

for der in "$PKI"/*.der; do
    name=$(basename "$der" .der)
    for shape in trust trust+hash certificate+trust; do
        case $shape in
        trust) flags="-D" ;;
        trust+hash) flags="-t p,p,p -c" ;;
        certificate+trust) flags="-t p,p,p" ;;
        esac
        # shellcheck disable=SC2086
        if ! nss-addbuiltin $flags -n "$LABEL" -i "$der" >"$WORK/ref.txt" 2>"$WORK/ref.err"; then
            not_ok "$name $shape: nss-addbuiltin ran" "$(cat "$WORK/ref.err")"
            continue
        fi
        if ! build_one "$der" "$shape"; then
            not_ok "$name $shape: distrust build" "$(cat "$WORK/build.log")"
            continue
        fi
        body "$WORK/out/certdata-distrust.txt" >"$WORK/ours.txt"
        objects <"$WORK/ref.txt" >"$WORK/ref.obj"
        objects <"$WORK/ours.txt" >"$WORK/ours.obj"
        same "$name $shape: object text matches nss-addbuiltin $flags" "$WORK/ref.obj" "$WORK/ours.obj"

        comments <"$WORK/ref.txt" >"$WORK/ref.com"
        comments <"$WORK/ours.txt" | ours_filter >"$WORK/ours.com"
        if [ "$name" = leaf-ascii ]; then
            # The documented deviation: the serial line only.
            if grep -qx '# Serial Number:SERIAL-42' "$WORK/ref.com" &&
                grep -qx '# Serial Number:53:45:52:49:41:4c:2d:34:32' "$WORK/ours.com"; then
                ok "$name $shape: printable serial printed as hex, not as text"
            else
                not_ok "$name $shape: printable serial printed as hex" "$(grep Serial "$WORK/ref.com" "$WORK/ours.com")"
            fi
            grep -v '^# Serial Number' "$WORK/ref.com" >"$WORK/ref.com2"
            grep -v '^# Serial Number' "$WORK/ours.com" >"$WORK/ours.com2"
            same "$name $shape: other comment lines match nss-addbuiltin" "$WORK/ref.com2" "$WORK/ours.com2"
        else
            same "$name $shape: comment lines match nss-addbuiltin" "$WORK/ref.com" "$WORK/ours.com"
        fi
    done
done

# PEM and DER input give the same objects (the header's policy digest
# differs, as the input files differ).
for name in int-a1 leaf-utf8 root-b; do
    build_one "$PKI/$name.der" certificate+trust && body "$WORK/out/certdata-distrust.txt" >"$WORK/der.txt"
    build_one "$PKI/$name.pem" certificate+trust && body "$WORK/out/certdata-distrust.txt" >"$WORK/pem.txt"
    same "$name: PEM and DER input give identical objects" "$WORK/der.txt" "$WORK/pem.txt"
done

# Issuer + serial (no certificate) gives -D's object for the same certificate.
for name in int-a1 leaf-a1-2 int-utf8 leaf-neg; do
    der="$PKI/$name.der"
    hex=$("$TOP/tests/e2e/der-field.sh" serial "$der")
    issuer_b64=$("$TOP/tests/e2e/der-field.sh" issuer "$der" b64)
    fmt=der
    [ "$name" = leaf-neg ] && fmt=der-negative
    cat >"$WORK/p.json" <<JSON
{"version": 1, "entries": [{"issuer_der": "$issuer_b64", "serial": "$hex", "serial_format": "$fmt", "label": "$LABEL"}]}
JSON
    rm -rf "$WORK/out"
    if ! "$DISTRUST" build -q -o "$WORK/out" "$WORK/p.json" >"$WORK/build.log" 2>&1; then
        not_ok "$name issuer+serial: distrust build" "$(cat "$WORK/build.log")"
        continue
    fi
    nss-addbuiltin -D -n "$LABEL" -i "$der" | objects >"$WORK/ref.obj"
    body "$WORK/out/certdata-distrust.txt" | objects >"$WORK/ours.obj"
    same "$name issuer_der+serial: object text matches nss-addbuiltin -D" "$WORK/ref.obj" "$WORK/ours.obj"
done

# A partial-purpose distrust leaves the other trust attributes out. NSS
# discards a hash-free trust object holding MUST_VERIFY_TRUST (what
# nss-addbuiltin -t p,, -c -h writes), so our object must be addbuiltin's
# minus exactly those lines.
for purposes in '["server-auth"]:p,,' '["email-protection"]:,p,' '["code-signing","server-auth"]:p,,p'; do
    json=${purposes%%:*}
    trust=${purposes#*:}
    build_one "$PKI/int-a1.der" trust "$json" || { not_ok "purposes $json: build" "$(cat "$WORK/build.log")"; continue; }
    nss-addbuiltin -t "$trust" -c -h -n "$LABEL" -i "$PKI/int-a1.der" | objects |
        grep -v 'CKT_NSS_MUST_VERIFY_TRUST' >"$WORK/ref.obj"
    body "$WORK/out/certdata-distrust.txt" | objects >"$WORK/ours.obj"
    same "purposes $json: addbuiltin -t $trust -c -h without its MUST_VERIFY lines" "$WORK/ref.obj" "$WORK/ours.obj"
    if grep -q MUST_VERIFY "$WORK/ours.obj"; then
        not_ok "purposes $json: no MUST_VERIFY_TRUST written"
    else
        ok "purposes $json: no MUST_VERIFY_TRUST written"
    fi
done

done_testing
