# The real-world policies in policy/ reproduce what NSS shipped: every trust
# object NSS had for these incidents in its 2017 certdata.txt, byte for byte,
# and the Entrust distrust-after date as the current certdata.txt encodes it.
# A mutated history file must make the same check fail (the check checks).
. "$TOP/tests/e2e/lib.sh"
H2017="$TOP/testdata/nss/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt"
HNOW="$TOP/testdata/nss/certdata-2026.txt"

check "build policy/ (lint --strict clean)" "$DISTRUST" lint --strict -q "$TOP/policy"
check "build policy/" "$DISTRUST" build -q -o "$WORK/out" "$TOP/policy"

sh "$TOP/policy/check-against-nss-history.sh" "$H2017" "$WORK/out/certdata-distrust.txt" >"$WORK/h.tap"
st=$?
matched=$(grep '^ok ' "$WORK/h.tap" | grep -vc '# SKIP')
trust=$(grep '^ok ' "$WORK/h.tap" | grep -v '# SKIP' | grep -c 'CKO_NSS_TRUST.*identical (')
if [ $st -eq 0 ] && ! grep -q '^not ok' "$WORK/h.tap"; then ok "no object differs from NSS 2017"; else
    not_ok "no object differs from NSS 2017" "$(grep -A5 '^not ok' "$WORK/h.tap" | head -20)"
fi
[ "$matched" -ge 35 ] && ok "35 objects compared with NSS 2017 ($matched)" || not_ok "35 objects compared with NSS 2017" "only $matched"
[ "$trust" -ge 19 ] && ok "19 trust objects byte for byte ($trust)" || not_ok "19 trust objects byte for byte" "only $trust"

sh "$TOP/policy/check-distrust-after.sh" "$HNOW" "$WORK/out/certdata-distrust.txt" >"$WORK/d.tap"
st=$?
n_ok=$(grep -c '^ok ' "$WORK/d.tap")
if [ $st -eq 0 ] && [ "$n_ok" -ge 4 ] && ! grep -q '^not ok' "$WORK/d.tap"; then
    ok "Entrust distrust-after matches the current certdata.txt ($n_ok comparisons)"
else
    not_ok "Entrust distrust-after matches the current certdata.txt" "$(cat "$WORK/d.tap")"
fi

# Baselines that must fail: one octal digit changed in NSS's "Bogus GMail"
# trust object, and the Entrust date moved by one second.
awk '/^CKA_LABEL UTF8 "Bogus GMail"/ { g = 1 } g && /^CKA_SERIAL_NUMBER/ { s = 1; print; next }
     s { sub(/\\0/, "\\1"); s = 0; g = 0 } { print }' "$H2017" >"$WORK/h-mutated.txt"
if cmp -s "$H2017" "$WORK/h-mutated.txt"; then not_ok "mutation applied"; else ok "mutation applied"; fi
if sh "$TOP/policy/check-against-nss-history.sh" "$WORK/h-mutated.txt" "$WORK/out/certdata-distrust.txt" >"$WORK/m.tap"; then
    not_ok "a one-digit change in NSS's object is detected"
else
    grep -q '^not ok .*Bogus GMail' "$WORK/m.tap" && ok "a one-digit change in NSS's object is detected" ||
        not_ok "the change is reported on Bogus GMail" "$(grep '^not ok' "$WORK/m.tap")"
fi
sed 's/\\062\\064\\061\\061\\063\\060\\062\\063\\065\\071\\065\\071\\132/\\062\\064\\061\\061\\063\\060\\062\\063\\065\\071\\065\\070\\132/' "$HNOW" >"$WORK/now-mutated.txt"
if sh "$TOP/policy/check-distrust-after.sh" "$WORK/now-mutated.txt" "$WORK/out/certdata-distrust.txt" >/dev/null 2>&1; then
    not_ok "a one-second change of the date is detected"
else
    ok "a one-second change of the date is detected"
fi
done_testing
