# Same inputs, same bytes: two builds of the fixture policies under a
# different time zone, locale, umask, working directory, argument order and
# directory-listing order give identical output files.
. "$TOP/tests/e2e/lib.sh"

# Two copies of the test data, files created in opposite orders so that the
# directory listing order differs.
mkdir -p "$WORK/a/testdata" "$WORK/b/x/y/testdata"
cp -r "$TOP/testdata/pki" "$WORK/a/testdata/pki"
cp -r "$TOP/testdata/pki" "$WORK/b/x/y/testdata/pki"
mkdir -p "$WORK/a/testdata/policies/fixture" "$WORK/b/x/y/testdata/policies/fixture"
src="$TOP/testdata/policies/fixture"
for f in $(ls "$src"); do cp -r "$src/$f" "$WORK/a/testdata/policies/fixture/"; done
for f in $(ls -r "$src"); do cp -r "$src/$f" "$WORK/b/x/y/testdata/policies/fixture/"; done

(cd "$WORK/a" && export TZ=UTC LC_ALL=C && umask 022 &&
    "$DISTRUST" build -q -o "$WORK/out1" testdata/policies/fixture) >"$WORK/log1" 2>&1
r1=$?
pdir="$WORK/b/x/y/testdata/policies/fixture"
(cd "$WORK/b/x" && export TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 && umask 077 &&
    "$DISTRUST" build -q -o ../../out2 \
        "$pdir/04-partial.json" y/testdata/policies/fixture/03-distrust-after.json \
        "$pdir/02-serials.json" "$pdir/01-intermediate.json") >"$WORK/log2" 2>&1
r2=$?
[ $r1 -eq 0 ] && ok "first build" || not_ok "first build" "$(cat "$WORK/log1")"
[ $r2 -eq 0 ] && ok "second build" || not_ok "second build" "$(cat "$WORK/log2")"
# Every output file, the blob included (the manifest lists each file's digest).
nfiles=0
for f in $(cd "$WORK/out1" && find . -type f | LC_ALL=C sort); do
    nfiles=$((nfiles + 1))
    same "$f identical across TZ, locale, umask, cwd and order" "$WORK/out1/$f" "$WORK/out2/$f"
done
if [ "$nfiles" -ge 6 ] && [ -f "$WORK/out1/revocations.blob" ] && [ -f "$WORK/out1/onecrl.json" ]; then
    ok "$nfiles output files compared, revocations.blob and onecrl.json among them"
else
    not_ok "the comparison covers every output" "$(ls -R "$WORK/out1")"
fi
if [ "$(ls "$WORK/out1")" = "$(ls "$WORK/out2")" ]; then ok "same file set"; else
    not_ok "same file set" "$(ls "$WORK/out1")" "$(ls "$WORK/out2")"
fi
# Signed builds too: the signatures are deterministic ECDSA (RFC 6979).
K="$TOP/testdata/keys/signer-p384.pem"
(cd "$WORK/a" && TZ=UTC "$DISTRUST" build -q --sign-key "$K" -o "$WORK/s1" testdata/policies/fixture) >"$WORK/logs1" 2>&1
(cd "$WORK/b/x" && TZ=Asia/Kolkata LC_ALL=C.UTF-8 && umask 077 && "$DISTRUST" build -q --sign-key "$K" -o ../../s2 \
    "$pdir/04-partial.json" y/testdata/policies/fixture/03-distrust-after.json \
    "$pdir/02-serials.json" "$pdir/01-intermediate.json") >"$WORK/logs2" 2>&1
if [ -f "$WORK/s1/onecrl.signature.json" ] && diff -r "$WORK/s1" "$WORK/s2" >/dev/null 2>&1 &&
    "$DISTRUST" verify-signature --key "$TOP/testdata/keys/signer-p384.pub.pem" "$WORK/s1" >/dev/null 2>&1; then
    ok "signed builds are identical too (onecrl.signature.json, the signed blob), and their signatures verify"
else
    not_ok "signed builds identical" "$(diff -r "$WORK/s1" "$WORK/s2" | head -n 5)" "$(cat "$WORK/logs1" "$WORK/logs2")"
fi
# A rebuild over the previous output is identical too.
(cd "$WORK/a" && "$DISTRUST" build -q -o "$WORK/out1" testdata/policies/fixture) >/dev/null 2>&1
same "rebuild over the previous output is identical" "$WORK/out1/certdata-distrust.txt" "$WORK/out2/certdata-distrust.txt"
# Changing one input byte changes the policy digest.
printf '\n' >>"$WORK/a/testdata/policies/fixture/serials/batch-1.txt"
(cd "$WORK/a" && "$DISTRUST" build -q -o "$WORK/out3" testdata/policies/fixture) >/dev/null 2>&1
d1=$(grep policy_sha256 "$WORK/out1/manifest.json")
d3=$(grep policy_sha256 "$WORK/out3/manifest.json")
if [ -n "$d1" ] && [ -n "$d3" ] && [ "$d1" != "$d3" ]; then ok "policy digest covers the serial list"; else
    not_ok "policy digest covers the serial list" "$d1" "$d3"
fi
done_testing
