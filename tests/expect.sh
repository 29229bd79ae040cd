#!/bin/sh
# Regression mode as analysts use it on sample-capture suites: every line of
# captures/EXPECTED must pass with --expect (exit 0), and a wrong expectation
# must fail (exit 1) naming the connection that differed.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
while read -r capture cats opts; do
	case "$capture" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	expect=$(echo "$cats" | tr ',' '\n' | sed 's/^/--expect /' | tr '\n' ' ')
	eval "set -- $opts $expect"
	(cd "$SRCDIR/captures" && "$TLSDIAG" "$@" "$capture") >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ]
	ok $? "$capture${opts:+ ($opts)}: --expect $cats (exit $rc)"
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/err"
done <"$SRCDIR/captures/EXPECTED"
[ "$n" -ge 20 ]
ok $? "captures/EXPECTED has a line per capture ($n)"

# A wrong expectation fails and says which connection differed.
(cd "$SRCDIR/captures" && "$TLSDIAG" --expect ok multi-connection.pcap) >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "connection #1 .* is tcp-refused, not one of the expected" "$tmp/err" &&
	grep -q "connection #2 .* is null-cipher-rejected" "$tmp/err" && ! grep -q "connection #3" "$tmp/err"
ok $? "--expect ok on multi-connection.pcap: exit 1, connections #1 and #2 named, #3 not"
"$TLSDIAG" --expect no-such-category "$SRCDIR/captures/tls13-ok.pcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "not a diagnosis category" "$tmp/err"
ok $? "--expect with an unknown category is a usage error"
done_testing
