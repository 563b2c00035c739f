# The source tree is laid out by layer (builder/<layer>/), and the includes
# keep to it. Rules, checked on every #include "..." of every file:
#   - layers, lowest first: base, x509, reader, load, model, emit | verify,
#     tasks, cli; a file includes headers of its own layer or lower ones;
#   - reader/ (the installed library) includes base/, x509/ and reader/ only,
#     and no jansson or NSS header;
#   - emit and verify stand side by side: verify never includes emit, emit
#     never includes verify;
#   - an emitter never includes another emitter: emit/X*.c includes emit/
#     headers of its own family only (certdata_merge and certdata are one
#     family), and the output-directory helpers (outdir.h) and the manifest
#     (manifest.h) that every emitter may write with;
#   - pkcs11/ (the module NSS loads) includes base/ and load/cdparse.h only.
# Each file is one check, so a violation names its file and include.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP" || exit 1

rank() {
    case $1 in
    base) echo 0 ;; x509) echo 1 ;; reader) echo 2 ;; load) echo 3 ;; model) echo 4 ;;
    emit | verify) echo 5 ;; tasks) echo 6 ;; cli) echo 7 ;; *) echo 99 ;;
    esac
}
# layer_of ROOT HEADER: the layer a header lives in ("" when it is none of ours).
layer_of() {
    for l in base x509 reader load model emit verify tasks cli pkcs11; do
        [ -f "$1/builder/$l/$2" ] && { echo "$l"; return; }
    done
    echo ""
}
family() { basename "$1" | sed 's/\.[ch]$//; s/_.*//'; }

# violations ROOT FILE: the includes of ROOT/FILE that break a rule, or "".
violations() {
    root=$1
    f=$2
    l=$(echo "$f" | cut -d/ -f2)
    bad=""
    for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$root/$f"); do
        hl=$(layer_of "$root" "$h")
        [ -n "$hl" ] || continue # unit.h, a public header, ...
        [ "$hl" = "$l" ] && [ "$l" != emit ] && continue
        case $l in
        pkcs11)
            [ "$hl" = base ] || [ "$h" = cdparse.h ] || bad="$bad $h($hl)" ;;
        reader)
            [ "$hl" = base ] || [ "$hl" = x509 ] || bad="$bad $h($hl)" ;;
        emit)
            if [ "$hl" = emit ]; then
                [ "$(family "$h")" = "$(family "$f")" ] || [ "$h" = outdir.h ] ||
                    [ "$h" = manifest.h ] || bad="$bad $h(another emitter)"
            elif [ "$hl" = verify ]; then
                bad="$bad $h(verify)"
            elif [ "$(rank "$hl")" -ge "$(rank "$l")" ]; then
                bad="$bad $h($hl)"
            fi ;;
        verify)
            if [ "$hl" = emit ]; then bad="$bad $h(emit)"
            elif [ "$(rank "$hl")" -ge "$(rank "$l")" ]; then bad="$bad $h($hl)"; fi ;;
        *)
            [ "$(rank "$hl")" -lt "$(rank "$l")" ] || bad="$bad $h($hl)" ;;
        esac
    done
    if [ "$l" = reader ] || [ "$l" = base ]; then
        for sys in jansson.h nss.h cert.h pk11pub.h secitem.h prtypes.h; do
            grep -q "^#include <$sys>" "$root/$f" && bad="$bad <$sys>"
        done
    fi
    echo "$bad"
}

files=$(find builder -name '*.[ch]' | LC_ALL=C sort)
[ -n "$files" ] || { not_ok "builder/ holds sources"; done_testing; exit 1; }
for f in $files; do
    bad=$(violations . "$f")
    if [ -z "$bad" ]; then ok "$f keeps to its layer"; else not_ok "$f keeps to its layer" "includes:$bad"; fi
done

# The check checks: each kind of violation, in a tree made here, is caught.
R="$WORK/tree"
mkdir -p "$R/builder/base" "$R/builder/model" "$R/builder/reader" "$R/builder/emit" \
    "$R/builder/verify" "$R/builder/load"
for h in base/buf.h model/model.h load/policy.h emit/certdata.h emit/p11kit.h emit/outdir.h \
    verify/verify_nss.h; do : >"$R/builder/$h"; done
caught() { # DESC FILE CONTENT
    printf '%s\n' "$3" >"$R/$2"
    if [ -n "$(violations "$R" "$2")" ]; then ok "caught: $1"; else not_ok "caught: $1"; fi
    rm -f "$R/$2"
}
caught "base including model" builder/base/x.c '#include "model.h"'
caught "reader including load" builder/reader/x.c '#include "policy.h"'
caught "reader including jansson" builder/reader/x.c '#include <jansson.h>'
caught "an emitter including another" builder/emit/p11kit.c '#include "certdata.h"'
caught "verify including emit" builder/verify/x.c '#include "certdata.h"'
caught "emit including verify" builder/emit/x.c '#include "verify_nss.h"'
printf '#include "buf.h"\n#include "outdir.h"\n#include "model.h"\n' >"$R/builder/emit/certdata_x.c"
if [ -z "$(violations "$R" builder/emit/certdata_x.c)" ]; then ok "allowed: an emitter with base, outdir.h and model"; else
    not_ok "allowed: an emitter with base, outdir.h and model" "$(violations "$R" builder/emit/certdata_x.c)"; fi

done_testing
