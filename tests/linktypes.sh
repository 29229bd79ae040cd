#!/bin/sh
# Every supported link layer gives the same analysis: a real Ethernet capture
# rewritten into 802.1Q, QinQ, SLL, SLL2, raw IP, BSD NULL (both byte
# orders), OpenBSD loopback and pcapng must yield the same JSON flows.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 >/dev/null || skip_all "python3 is needed to rewrite captures"
flows() { # the flow objects without the file name
	"$TLSDIAG" --json "$1" | grep '"type":"flow"' | sed 's/"file":"[^"]*",//'
}
for cap in iphttps-null-ok.pcap iphttps-client-cert-empty.pcap; do
	flows "$SRCDIR/captures/$cap" >"$tmp/want"
	[ -s "$tmp/want" ]
	ok $? "$cap: the Ethernet original has flows"
	for kind in vlan qinq sll sll2 raw null null-be loop ipv4; do
		python3 "$SRCDIR/tests/relink.py" "$SRCDIR/captures/$cap" "$tmp/$kind.pcap" "$kind"
		flows "$tmp/$kind.pcap" >"$tmp/got"
		cmp -s "$tmp/want" "$tmp/got"
		ok $? "$cap as $kind: same analysis"
	done
	if command -v editcap >/dev/null 2>&1; then
		editcap -F pcapng "$SRCDIR/captures/$cap" "$tmp/x.pcapng"
		flows "$tmp/x.pcapng" >"$tmp/got"
		cmp -s "$tmp/want" "$tmp/got"
		ok $? "$cap as pcapng: same analysis"
	fi
done
done_testing
