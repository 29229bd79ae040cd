#!/bin/sh
# Every supported link layer and tunnel gives the same analysis: a real
# Ethernet capture rewritten (tests/relink.py) into 802.1Q, QinQ, SLL, SLL2,
# raw IP, BSD NULL (both byte orders), OpenBSD loopback, PPP, PPPoE, NFLOG,
# MPLS (labels, an Ethernet pseudowire), GRE (plain, with key and
# sequence, Ethernet), ERSPAN I/II/III, VXLAN (IPv4 and IPv6 underlay),
# GENEVE, tunnels in tunnels, and pcapng must yield the same JSON flows.
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
	for kind in vlan qinq sll sll2 raw null null-be loop ipv4 ppp pppoe pppoe-dlt nflog mpls mpls-pw \
		gre gre-key gretap erspan1 erspan2 erspan3 vxlan vxlan6 geneve nested gre4; do
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
	# One tunnel more than tlsdiag opens: nothing is followed, nothing breaks.
	python3 "$SRCDIR/tests/relink.py" "$SRCDIR/captures/$cap" "$tmp/gre5.pcap" gre5
	n=$("$TLSDIAG" --json "$tmp/gre5.pcap" | grep -c '"type":"flow"')
	[ "$n" -eq 0 ]
	ok $? "$cap in 5 nested GRE tunnels: not opened ($n flows)"
done

# Real tunnels (captures/gen/make-tunnels.sh): the filter sees the carrier,
# the ports are the inner ones.
vx="$SRCDIR/captures/vxlan-underlay.pcap"
n=$("$TLSDIAG" --json -p 443,8443 -f 'udp port 4789' "$vx" | grep -c '"type":"flow"')
[ "$n" -eq 2 ]
ok $? "vxlan-underlay: -f 'udp port 4789' keeps both connections ($n)"
n=$("$TLSDIAG" --json -p 443,8443 -f tcp "$vx" | grep -c '"type":"flow"')
[ "$n" -eq 0 ]
ok $? "vxlan-underlay: -f tcp keeps none: no packet is TCP outside ($n)"
flows=$("$TLSDIAG" --json -p 8443 --only-ports "$vx" | grep '"type":"flow"')
[ "$(echo "$flows" | grep -c .)" -eq 1 ] && echo "$flows" | grep -q '"server":{"ip":"192.168.77.2","port":8443}'
ok $? "vxlan-underlay: -p 8443 --only-ports follows the inner 192.168.77.2:8443 connection alone"
"$TLSDIAG" --json "$SRCDIR/captures/nflog-loopback.pcap" | grep '"type":"flow"' | grep -q '"server":{"ip":"127.0.0.1","port":443}.*tunnel.test'
ok $? "nflog-loopback: the ok connection's SNI is read from the NFLOG payload"

# A link type no row decodes: one line naming the file, the type and what is read.
python3 - "$tmp/bt.pcap" <<'EOF'
import struct, sys
hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 187)  # DLT_BLUETOOTH_HCI_H4
pkt = b"\x01\x03\x0c\x00"
open(sys.argv[1], "wb").write(hdr + struct.pack("<IIII", 0, 0, len(pkt), len(pkt)) + pkt)
EOF
"$TLSDIAG" "$tmp/bt.pcap" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	grep -q "bt.pcap: unsupported link type BLUETOOTH_HCI_H4 (187); tlsdiag reads .*NFLOG" "$tmp/err"
ok $? "an unsupported link type: one line, exit $rc: $(cat "$tmp/err")"
done_testing
