#!/bin/sh
# Every capture of TLSDIAG_CORPUS (CI: ../shared/corpus/pcaps) is analyzed
# without a crash, with valid JSON Lines, and with JA3/JA4/JA3S/cipher values
# equal to the other tools' reference answers where the corpus gives them.
. "$(dirname "$0")/lib.sh"
[ -n "$TLSDIAG_CORPUS" ] || skip_all "TLSDIAG_CORPUS is not set"
[ -d "$TLSDIAG_CORPUS" ] || skip_all "TLSDIAG_CORPUS=$TLSDIAG_CORPUS is not a directory"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$TLSDIAG_CORPUS"/*; do
	base=$(basename "$f")
	timeout 60 "$TLSDIAG" --json -p 1-65535 "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -le 2 ]
	ok $? "$base: exit status $rc (no crash)"
	json_lines_ok "$tmp/out" 2>/dev/null
	ok $? "$base: JSON Lines parse"
	tail -n 1 "$tmp/out" | grep -q '"type":"summary"'
	ok $? "$base: summary object last"
done
manifest="$TLSDIAG_CORPUS/../MANIFEST.tsv"
if [ -f "$manifest" ]; then
	python3 "$SRCDIR/tests/corpus_compare.py" "$TLSDIAG" "$TLSDIAG_CORPUS" "$manifest" >"$tmp/cmp"
	rc=$?
	cat "$tmp/cmp" | sed 's/^/# /'
	ok $rc "fingerprints and ciphers agree with the corpus reference answers"
fi
done_testing
