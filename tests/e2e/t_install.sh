# make install honours PREFIX and DESTDIR and installs a working tool.
. "$TOP/tests/e2e/lib.sh"
if make -s -C "$TOP" B="$B" install PREFIX=/opt/dt DESTDIR="$WORK/root" >"$WORK/log" 2>&1; then
    ok "make install PREFIX=/opt/dt DESTDIR=..."
else
    not_ok "make install" "$(cat "$WORK/log")"
fi
for f in bin/distrust lib/libdistrust.a lib/libdistrust.so.0 lib/libdistrust.so include/distrust.h include/distrust-openssl.h share/man/man1/distrust.1; do
    [ -f "$WORK/root/opt/dt/$f" ] && ok "installed $f" || not_ok "installed $f"
done
v=$("$WORK/root/opt/dt/bin/distrust" --version 2>&1)
case "$v" in "distrust "[0-9]*) ok "installed binary runs: $v" ;; *) not_ok "installed binary runs" "$v" ;; esac
[ ! -e "/opt/dt/bin/distrust" ] && ok "nothing written outside DESTDIR" || not_ok "nothing written outside DESTDIR"
done_testing
