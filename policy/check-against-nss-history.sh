#!/bin/sh
# check-against-nss-history.sh HISTORY_CERTDATA BUILT_CERTDATA
#
# Compares every object of a certdata-distrust.txt written by `distrust build`
# (BUILT_CERTDATA) with the object of the same class and CKA_LABEL in a
# certdata.txt that NSS shipped (HISTORY_CERTDATA). Objects are compared on
# their non-comment lines only (the nss-addbuiltin style comment blocks differ
# by design). Prints TAP: one "ok" / "not ok" line per built object:
#
#   ok N - CLASS "label"                     identical, byte for byte
#   ok N - CLASS "label" ... defaults        identical once the two lines
#                                            CKA_NSS_{SERVER,EMAIL}_DISTRUST_AFTER
#                                            CK_BBOOL CK_FALSE are set aside: Debian's
#                                            nss-addbuiltin (our reference) writes
#                                            them on every certificate object, NSS's
#                                            older certdata.txt objects predate them
#   not ok N - CLASS "label"                 HISTORY has that label, text differs
#                                            (followed by "#   -/+" diff lines:
#                                            "-" only in HISTORY, "+" only in BUILT)
#   ok N - CLASS "label" # SKIP ...          no object of that class and label in
#                                            HISTORY, or a distrust-after root
#                                            (see check-distrust-after.sh)
#
# Exit status: 0 if no object differs, 1 if any differs, 2 on usage error.
# POSIX sh + awk; no reference to any fixed path: the caller passes both files.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 HISTORY_CERTDATA BUILT_CERTDATA" >&2
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

awk -v HIST="$1" -v BUILT="$2" '
# Split a certdata file into objects: an object starts at a CKA_CLASS line and
# ends at the next blank line (or the next CKA_CLASS line, or end of file).
# Comment lines are dropped; every other line is kept verbatim.
function load(file, pfx,    line, n, in_obj, k, m) {
	n = 0; in_obj = 0
	while ((getline line < file) > 0) {
		sub(/\r$/, "", line)
		if (line ~ /^CKA_CLASS /) {
			n++; in_obj = 1
			OBJ[pfx, n] = line "\n"; NL[pfx, n] = 1
			CLS[pfx, n] = line; sub(/^CKA_CLASS CK_OBJECT_CLASS /, "", CLS[pfx, n])
			LBL[pfx, n] = ""; DA[pfx, n] = 0
			continue
		}
		if (!in_obj) continue
		if (line ~ /^[ \t]*$/) { in_obj = 0; continue }
		if (line ~ /^#/) continue
		OBJ[pfx, n] = OBJ[pfx, n] line "\n"; NL[pfx, n]++
		if (line ~ /^CKA_LABEL UTF8 "/) {
			k = line; sub(/^CKA_LABEL UTF8 "/, "", k); sub(/"$/, "", k)
			LBL[pfx, n] = k
		}
		if (line ~ /^CKA_NSS_(SERVER|EMAIL)_DISTRUST_AFTER MULTILINE_OCTAL$/) DA[pfx, n] = 1
	}
	close(file)
	return n
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
BEGIN {
	nh = load(HIST, "h")
	nb = load(BUILT, "b")
	if (nb == 0) { print "Bail out! no objects in " BUILT; exit 2 }
	for (i = 1; i <= nh; i++) {
		key = CLS["h", i] SUBSEP LBL["h", i]
		HC[key]++; HI[key, HC[key]] = i
	}
	ok = 0; bad = 0; skip = 0
	for (i = 1; i <= nb; i++) {
		cls = CLS["b", i]; lbl = LBL["b", i]
		name = cls " \"" lbl "\""
		if (DA["b", i]) {
			print "ok " i " - " name " # SKIP distrust-after root: compare it with check-distrust-after.sh"
			skip++; continue
		}
		key = cls SUBSEP lbl
		if (!(key in HC)) {
			print "ok " i " - " name " # SKIP no " cls " labelled \"" lbl "\" in HISTORY"
			skip++; continue
		}
		match_j = 0
		for (c = 1; c <= HC[key]; c++) if (OBJ["h", HI[key, c]] == OBJ["b", i]) { match_j = HI[key, c]; break }
		if (match_j) {
			print "ok " i " - " name " identical (" NL["b", i] " lines)"
			ok++; continue
		}
		stripped = OBJ["b", i]
		gsub(/CKA_NSS_SERVER_DISTRUST_AFTER CK_BBOOL CK_FALSE\n/, "", stripped)
		gsub(/CKA_NSS_EMAIL_DISTRUST_AFTER CK_BBOOL CK_FALSE\n/, "", stripped)
		for (c = 1; c <= HC[key]; c++) if (stripped != OBJ["b", i] && OBJ["h", HI[key, c]] == stripped) { match_j = HI[key, c]; break }
		if (match_j) {
			print "ok " i " - " name " identical except the two CK_FALSE distrust-after defaults nss-addbuiltin writes"
			ok++; defaults++; continue
		}
		bad++
		j = HI[key, 1]
		print "not ok " i " - " name " differs from HISTORY (" HC[key] " object(s) with that label; diff against the first)"
		if (onlyin(OBJ["h", j], OBJ["b", i], "-") + onlyin(OBJ["b", i], OBJ["h", j], "+") == 0)
			print "#   same attributes, in a different order"
	}
	print "1.." nb
	print "# " nb " built objects: " ok " identical (" defaults + 0 " of them apart from the distrust-after defaults), " bad " differ, " skip " skipped"
	exit (bad > 0)
}
'
