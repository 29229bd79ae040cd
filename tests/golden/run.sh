#!/bin/sh
# Golden tests, tcpdump TESTLIST style: each line of TESTLIST names a test,
# a capture in captures/ and options; the text and JSON outputs must equal
# expected/NAME.txt and expected/NAME.json. UPDATE=1 rewrites the expected
# files: read every changed one (git diff) before committing it.
. "$(dirname "$0")/../lib.sh"
list="$SRCDIR/tests/golden/TESTLIST"
exp="$SRCDIR/tests/golden/expected"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

while read -r name capture opts; do
	case "$name" in ''|'#'*) continue ;; esac
	for mode in txt json; do
		flag=""
		[ "$mode" = json ] && flag=--json
		# Run from captures/ so file names in the output do not depend on the
		# checkout; options are shell words (quotes allowed).
		eval "set -- $flag $opts"
		# Text: stderr too (errors, --explain); JSON: stdout alone must be JSON Lines.
		if [ "$mode" = txt ]; then
			(cd "$SRCDIR/captures" && "$TLSDIAG" "$@" "$capture") 2>&1 | normalize >"$tmp/$name.$mode"
		else
			(cd "$SRCDIR/captures" && "$TLSDIAG" "$@" "$capture") 2>/dev/null | normalize >"$tmp/$name.$mode"
		fi
		if [ -n "$UPDATE" ]; then
			cp "$tmp/$name.$mode" "$exp/$name.$mode"
		fi
		if diff -u "$exp/$name.$mode" "$tmp/$name.$mode" >"$tmp/diff" 2>&1; then
			ok 0 "$name ($mode)"
		else
			ok 1 "$name ($mode)"
			sed 's/^/# /' "$tmp/diff" | head -40
		fi
	done
	json_lines_ok "$tmp/$name.json"
	ok $? "$name: every JSON line parses"
done <"$list"
done_testing
