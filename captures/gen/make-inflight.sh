#!/bin/sh
# captures/inflight-server-side.pcap: captured on the server's side of a
# slow link (200 ms one way, captures/gen/delayline.py; MTU 1000), so the
# server's whole flight is on the wire before the client's first ACK of it
# comes back. tests/midstream.sh starts this capture late, at the client's
# first ACK after the flight: the flight's later segments were sent before
# that start and never come, which libnids alone would wait for forever
# (issue 12, item 2). Real openssl s_server and s_client in two network
# namespaces; no packet is edited. Set up here:
#   1 TLS 1.2: the server asks for a client certificate (its four CA names
#     make the flight several segments), the client sends none, the server
#     carries on (-verify, not -Verify); two lines 50 ms apart, each
#     echoed reversed (s_server -rev): the second line reaches the server
#     after it answered the first, with an ACK that lags that answer -> ok
#   2 TLS 1.3, the same                                          -> ok
# Run as root from the top of the tree: sh captures/gen/make-inflight.sh
set -eu
out=${1:-captures/inflight-server-side.pcap}
P=$(pwd)/tests/pki
tmp=$(mktemp -d)
cleanup() {
	kill "$line" 2>/dev/null || true
	ip netns del tdinf-c 2>/dev/null || true
	ip netns del tdinf-s 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add tdinf-c
ip netns add tdinf-s
python3 captures/gen/delayline.py tdinf0 tdinf1 0.2 0 25 >"$tmp/line" &
line=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q ready "$tmp/line" 2>/dev/null && break; sleep 0.2; done
ip link set tdinf0 netns tdinf-c
ip link set tdinf1 netns tdinf-s
ip -n tdinf-c addr add 192.0.2.10/24 dev tdinf0
ip -n tdinf-s addr add 192.0.2.1/24 dev tdinf1
ip -n tdinf-c link set tdinf0 mtu 1000 up
ip -n tdinf-s link set tdinf1 mtu 1000 up
ip -n tdinf-c link set lo up
ip -n tdinf-s link set lo up
cat "$P/leaf-chain.pem" "$P/root.pem" >"$tmp/chain.pem"
cat "$P/root.pem" "$P/client-ca.pem" "$P/foreign-ca.pem" "$P/inspect-ca.pem" >"$tmp/cas.pem"
ip netns exec tdinf-s timeout 20 openssl s_server -accept 443 -cert "$tmp/chain.pem" -key "$P/leaf.key" \
	-verify 1 -CAfile "$tmp/cas.pem" -rev -quiet </dev/null >/dev/null 2>&1 &
sleep 0.5
ip netns exec tdinf-s timeout 15 tcpdump -i tdinf1 -w "$out" -U 'tcp port 443' 2>/dev/null &
sleep 1
for v in -tls1_2 -tls1_3; do
	{ sleep 1; printf 'line one\n'; sleep 0.05; printf 'line two\n'; sleep 1; } |
		ip netns exec tdinf-c timeout 6 openssl s_client -connect 192.0.2.1:443 $v -servername da.contoso.test \
			-CAfile "$P/root.pem" -quiet >/dev/null 2>&1 || true
done
sleep 1
ip netns exec tdinf-s pkill -f "tcpdump -i tdinf1" || true
wait 2>/dev/null || true
