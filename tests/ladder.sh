#!/bin/sh
# --ladder (issue 14): golden ladders (tests/ladder/LIST; UPDATE=1 rewrites
# tests/ladder/expected: read every changed line before committing), every
# bundled capture's ladders within 79 columns in Unicode and ASCII with one
# decisive step each, colour only when asked or on a terminal, and the
# option errors.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
exp="$SRCDIR/tests/ladder/expected"

# The ladders of an output: from "  ladder #" to the blank line after it.
ladders() {
	awk '/^  ladder #/ { on = 1 } on { print } on && /^$/ { on = 0 }'
}

while read -r name capture opts; do
	case "$name" in ''|'#'*) continue ;; esac
	eval "set -- $opts"
	(cd "$SRCDIR/captures" && "$TLSDIAG" "$@" "$capture") 2>&1 | ladders >"$tmp/$name.txt"
	[ -n "$UPDATE" ] && cp "$tmp/$name.txt" "$exp/$name.txt"
	diff -u "$exp/$name.txt" "$tmp/$name.txt" >"$tmp/diff" 2>&1 && [ -s "$tmp/$name.txt" ]
	ok $? "ladder $name"
	sed 's/^/# /' "$tmp/diff" | head -30
done <"$SRCDIR/tests/ladder/LIST"

for mode in "" --ascii; do
	for f in "$SRCDIR"/captures/*.pcap; do
		"$TLSDIAG" --ladder $mode "$f" 2>/dev/null | ladders
	done >"$tmp/all$mode.txt"
	python3 - "$tmp/all$mode.txt" "$mode" >"$tmp/bad" <<'PY'
import sys
mark = ">" if sys.argv[2] else "\u00bb"
n = marks = 0
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if line.startswith("  ladder #"):
        if n and marks != 1:
            print("ladder %d: %d decisive steps" % (n, marks))
        n, marks = n + 1, 0
    if len(line) > 79:
        print("line %d: %d columns" % (i, len(line)))
    if line.startswith(mark + " "):
        marks += 1
    if sys.argv[2] and any(ord(c) > 126 for c in line):
        print("line %d: not ASCII" % i)
if n and marks != 1:
    print("ladder %d: %d decisive steps" % (n, marks))
if n < 60:
    print("only %d ladders" % n)
PY
	[ ! -s "$tmp/bad" ]
	ok $? "every bundled capture's ladders${mode:+ ($mode)}: 79 columns at most, one decisive step each"
	sed 's/^/# /' "$tmp/bad" | head -10
done

esc=$(printf '\033')
"$TLSDIAG" --ladder "$SRCDIR/captures/iphttps-null-rejected.pcap" | grep -q "$esc"
[ $? -ne 0 ]
ok $? "--color=auto into a pipe: no escape sequences"
"$TLSDIAG" --ladder --color=always "$SRCDIR/captures/iphttps-null-rejected.pcap" | grep -q "$esc\[1;31m"
ok $? "--color=always: the decisive step in red"
"$TLSDIAG" --ladder --color=always "$SRCDIR/captures/tls13-ok.pcap" | grep -q "$esc\[1;32m"
ok $? "--color=always: an ok connection's decisive step in green"
"$TLSDIAG" --ladder --color=sometimes "$SRCDIR/captures/tls13-ok.pcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "bad --color" "$tmp/err"
ok $? "--color=sometimes: a usage error"
"$TLSDIAG" --ladder --json "$SRCDIR/captures/tls13-ok.pcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--ladder" "$tmp/err"
ok $? "--ladder with --json: a usage error"
done_testing
