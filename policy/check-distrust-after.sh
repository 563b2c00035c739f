#!/bin/sh
# check-distrust-after.sh CURRENT_CERTDATA BUILT_CERTDATA
#
# For every distrust-after root in a certdata-distrust.txt written by
# `distrust build` (BUILT_CERTDATA: a CKO_CERTIFICATE object carrying
# CKA_NSS_SERVER_DISTRUST_AFTER or CKA_NSS_EMAIL_DISTRUST_AFTER as
# MULTILINE_OCTAL), finds the CKO_CERTIFICATE object of the same certificate
# (same CKA_ISSUER and CKA_SERIAL_NUMBER) in an NSS certdata.txt
# (CURRENT_CERTDATA) and compares, byte for byte:
#
#   - the CKA_NSS_SERVER_DISTRUST_AFTER attribute (its line, octal lines, END)
#   - the CKA_NSS_EMAIL_DISTRUST_AFTER attribute
#   - the "# For Server/Email Distrust After: ..." comment lines
#   - the whole object (all non-comment lines)
#
# Prints TAP, one "ok" / "not ok" line per comparison; a "not ok" is followed
# by "#   -" lines (only in CURRENT) and "#   +" lines (only in BUILT).
# Exit status: 0 if everything matches, 1 if anything differs or a root is not
# found in CURRENT, 2 on usage error. POSIX sh + awk.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 CURRENT_CERTDATA BUILT_CERTDATA" >&2
	exit 2
fi
for f in "$1" "$2"; do
	if [ ! -r "$f" ] || [ -d "$f" ]; then
		echo "$0: cannot read $f" >&2
		exit 2
	fi
done

LC_ALL=C
export LC_ALL

awk -v CUR="$1" -v BUILT="$2" '
# Objects run from a CKA_CLASS line to the next blank line. For each object
# keep: the non-comment text (OBJ), the text of the attributes we compare
# (ATTR[pfx, n, name]), the distrust-after comment lines (DCOM) and its key
# (CKA_ISSUER + CKA_SERIAL_NUMBER values).
function load(file, pfx,    line, n, in_obj, cur) {
	n = 0; in_obj = 0; cur = ""
	while ((getline line < file) > 0) {
		sub(/\r$/, "", line)
		if (line ~ /^CKA_CLASS /) {
			n++; in_obj = 1; cur = ""
			OBJ[pfx, n] = line "\n"; DCOM[pfx, n] = ""; DA[pfx, n] = 0
			CLS[pfx, n] = line; sub(/^CKA_CLASS CK_OBJECT_CLASS /, "", CLS[pfx, n])
			LBL[pfx, n] = ""
			continue
		}
		if (!in_obj) continue
		if (line ~ /^[ \t]*$/) { in_obj = 0; continue }
		if (line ~ /^#/) {
			if (line ~ /^# For (Server|Email) Distrust After: /) DCOM[pfx, n] = DCOM[pfx, n] line "\n"
			continue
		}
		OBJ[pfx, n] = OBJ[pfx, n] line "\n"
		if (line ~ /^CKA_/) {
			cur = line; sub(/ .*/, "", cur)
			ATTR[pfx, n, cur] = line "\n"
			if (line ~ /^CKA_LABEL UTF8 "/) {
				LBL[pfx, n] = line; sub(/^CKA_LABEL UTF8 "/, "", LBL[pfx, n]); sub(/"$/, "", LBL[pfx, n])
			}
			if (line ~ /^CKA_NSS_(SERVER|EMAIL)_DISTRUST_AFTER MULTILINE_OCTAL$/) DA[pfx, n] = 1
			continue
		}
		ATTR[pfx, n, cur] = ATTR[pfx, n, cur] line "\n"
	}
	close(file)
	return n
}
function key(pfx, n) {
	return ATTR[pfx, n, "CKA_ISSUER"] ATTR[pfx, n, "CKA_SERIAL_NUMBER"]
}
function show(text, p,    l, k, i) {
	k = split(text, l, "\n")
	for (i = 1; i <= k; i++) if (l[i] != "") print "#   " p " " l[i]
}
# Split an object into attribute blocks: a CKA_ line plus, for
# MULTILINE_OCTAL, its value lines up to and including END.
function blocks(obj, bl,    l, n, i, nb) {
	n = split(obj, l, "\n"); nb = 0
	for (i = 1; i <= n; i++) {
		if (l[i] == "") continue
		if (l[i] ~ /^CKA_/ || nb == 0) { nb++; bl[nb] = l[i]; continue }
		bl[nb] = bl[nb] "\n" l[i]
	}
	return nb
}
# Print the attribute blocks of a that are not in b (as a multiset), prefixed
# by p; a multi-line block is shown by its first line.
function onlyin(a, b, p,    ba, bb, na, nb, i, j, used, hit, out, first) {
	na = blocks(a, ba); nb = blocks(b, bb)
	for (j = 1; j <= nb; j++) used[j] = 0
	out = 0
	for (i = 1; i <= na; i++) {
		hit = 0
		for (j = 1; j <= nb; j++) if (!used[j] && bb[j] == ba[i]) { used[j] = 1; hit = 1; break }
		if (hit) continue
		first = ba[i]; sub(/\n.*/, "", first)
		if (ba[i] ~ /\n/) first = first " ... (value differs)"
		if (out < 12) print "#   " p " " first
		out++
	}
	if (out > 12) print "#   " p " ... (" out - 12 " more)"
	return out
}
function cmp(what, a, b, whole) {
	T++
	if (a == b) { print "ok " T " - " what; OK++; return }
	print "not ok " T " - " what
	if (!whole) { show(a, "-"); show(b, "+") }
	else if (onlyin(a, b, "-") + onlyin(b, a, "+") == 0) print "#   same attributes, in a different order"
	BAD++
}
BEGIN {
	nc = load(CUR, "c")
	nb = load(BUILT, "b")
	T = 0; OK = 0; BAD = 0; roots = 0
	for (i = 1; i <= nb; i++) {
		if (CLS["b", i] != "CKO_CERTIFICATE" || !DA["b", i]) continue
		roots++
		name = "\"" LBL["b", i] "\""
		k = key("b", i); j = 0
		for (c = 1; c <= nc; c++)
			if (CLS["c", c] == "CKO_CERTIFICATE" && key("c", c) == k) { j = c; break }
		if (!j) {
			T++; BAD++
			print "not ok " T " - " name ": no CKO_CERTIFICATE with this issuer and serial in CURRENT"
			continue
		}
		if (LBL["c", j] != LBL["b", i]) print "# note: CURRENT labels it \"" LBL["c", j] "\""
		cmp(name " CKA_NSS_SERVER_DISTRUST_AFTER", ATTR["c", j, "CKA_NSS_SERVER_DISTRUST_AFTER"], ATTR["b", i, "CKA_NSS_SERVER_DISTRUST_AFTER"])
		cmp(name " CKA_NSS_EMAIL_DISTRUST_AFTER", ATTR["c", j, "CKA_NSS_EMAIL_DISTRUST_AFTER"], ATTR["b", i, "CKA_NSS_EMAIL_DISTRUST_AFTER"])
		cmp(name " distrust-after comment lines", DCOM["c", j], DCOM["b", i])
		cmp(name " whole certificate object (non-comment lines)", OBJ["c", j], OBJ["b", i], 1)
	}
	if (roots == 0) { print "Bail out! no distrust-after root in " BUILT; exit 1 }
	print "1.." T
	print "# " roots " distrust-after root(s): " OK " comparisons identical, " BAD " differ"
	exit (BAD > 0)
}
'
