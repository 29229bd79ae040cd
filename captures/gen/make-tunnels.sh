#!/bin/sh
# Captures of tunnels and link types made by the kernel, not rewritten
# (issue 12, item 7). Real openssl s_server and s_client in network
# namespaces made here; no packet is edited. Needs root, iproute2 with
# the vxlan link type, nftables and tcpdump (Debian: iproute2 nftables
# tcpdump). What each connection is, set up here (tests read it from
# captures/EXPECTED):
#
# captures/vxlan-underlay.pcap: two namespaces joined by a veth pair (the
#   underlay, 10.77.0.1 and .2), a VXLAN device on each (VNI 42, UDP 4789,
#   overlay 192.168.77.1 and .2); tcpdump on the underlay veth, so every
#   TCP packet is in IPv4/UDP/VXLAN/Ethernet.
#     1 TLS 1.3 handshake with s_server on 192.168.77.2:443, a line of data -> ok
#     2 a connection to 192.168.77.2:8443 where nothing listens (RST)      -> tcp-refused
# captures/nflog-loopback.pcap: one namespace, an nftables rule logging
#   every TCP packet to or from port 443 on its output hook to NFLOG group
#   5, tcpdump -i nflog:5 (link type NFLOG: each packet in an NFULA_PAYLOAD
#   attribute, after the packet-header, timestamp, interface... attributes).
#     1 TLS 1.2 handshake with s_server on 127.0.0.1:443, a line of data   -> ok
#     2 a ClientHello with only NULL suites; s_server has none: it answers
#       handshake_failure                                                  -> null-cipher-rejected
#
# Run as root from the top of the tree: sh captures/gen/make-tunnels.sh
set -eu
outdir=${1:-captures}
tmp=$(mktemp -d)
a=tdtun-a-$$
b=tdtun-b-$$
cleanup() {
	ip netns del "$a" 2>/dev/null || true
	ip netns del "$b" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" -out "$tmp/c.pem" -days 3650 \
	-subj /CN=tunnel.test -addext subjectAltName=DNS:tunnel.test 2>/dev/null

# --- VXLAN over a veth underlay ---------------------------------------------
ip netns add "$a"
ip netns add "$b"
ip link add tdua type veth peer name tdub
ip link set tdua netns "$a"
ip link set tdub netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev tdua
ip -n "$b" addr add 10.77.0.2/24 dev tdub
for ns in "$a" "$b"; do
	ip -n "$ns" link set lo up
done
ip -n "$a" link set tdua up
ip -n "$b" link set tdub up
ip -n "$a" link add vx42 type vxlan id 42 local 10.77.0.1 remote 10.77.0.2 dstport 4789 dev tdua
ip -n "$b" link add vx42 type vxlan id 42 local 10.77.0.2 remote 10.77.0.1 dstport 4789 dev tdub
ip -n "$a" addr add 192.168.77.1/24 dev vx42
ip -n "$b" addr add 192.168.77.2/24 dev vx42
ip -n "$a" link set vx42 up
ip -n "$b" link set vx42 up

ip netns exec "$b" timeout 15 openssl s_server -accept 443 -cert "$tmp/c.pem" -key "$tmp/k.pem" \
	-tls1_3 -quiet </dev/null >/dev/null 2>&1 &
ip netns exec "$a" timeout 12 tcpdump -i tdua -w "$outdir/vxlan-underlay.pcap" -U 'udp port 4789' 2>/dev/null &
sleep 1.5
(echo hello; sleep 0.5) | ip netns exec "$a" timeout 5 openssl s_client -connect 192.168.77.2:443 \
	-servername tunnel.test -tls1_3 -quiet >/dev/null 2>&1 || true
ip netns exec "$a" timeout 5 openssl s_client -connect 192.168.77.2:8443 </dev/null >/dev/null 2>&1 || true
sleep 1
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
ip netns del "$a"
ip netns del "$b"

# --- NFLOG on loopback --------------------------------------------------------
ip netns add "$a"
ip -n "$a" link set lo up
ip netns exec "$a" nft -f - <<'NFT'
table inet tdlog {
	chain out {
		type filter hook output priority 0;
		tcp dport 443 log group 5
		tcp sport 443 log group 5
	}
}
NFT
ip netns exec "$a" timeout 15 openssl s_server -accept 443 -cert "$tmp/c.pem" -key "$tmp/k.pem" \
	-tls1_2 -quiet </dev/null >/dev/null 2>&1 &
ip netns exec "$a" timeout 12 tcpdump -i nflog:5 -w "$outdir/nflog-loopback.pcap" -U 2>/dev/null &
sleep 1.5
(echo hello; sleep 0.5) | ip netns exec "$a" timeout 5 openssl s_client -connect 127.0.0.1:443 \
	-servername tunnel.test -tls1_2 -quiet >/dev/null 2>&1 || true
ip netns exec "$a" timeout 5 openssl s_client -connect 127.0.0.1:443 -tls1_2 \
	-cipher 'NULL-SHA256:NULL-SHA:@SECLEVEL=0' </dev/null >/dev/null 2>&1 || true
sleep 1
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
