#!/bin/sh
# captures/ipv6-loopback.pcap: real peers over IPv6 (issue 12). openssl
# s_server -6 on [::1]:4531 with the tests/pki chain, s_client to [::1]:
#   1 4531 TLS 1.2, the client trusts tests/pki/root.pem, sends data   -> ok
#   2 4532 TLS 1.3 server; the client offers TLS 1.2 at most           -> protocol-version
#   3 4533 nothing listens: the SYN is answered by a reset              -> tcp-refused
# Run from the top of the tree as root (tcpdump on lo), bounded by timeout:
#   sh captures/gen/make-ipv6-loopback.sh
set -eu
out=${1:-captures/ipv6-loopback.pcap}
pki=tests/pki
timeout 15 tcpdump -i lo -s 0 -w "$out" -U 'ip6 and tcp portrange 4531-4533' 2>/dev/null &
sleep 1
timeout 10 openssl s_server -6 -accept '[::1]:4531' -cert "$pki/leaf.pem" -cert_chain "$pki/inter.pem" \
	-key "$pki/leaf.key" -tls1_2 -quiet </dev/null >/dev/null 2>&1 &
timeout 10 openssl s_server -6 -accept '[::1]:4532' -cert "$pki/leaf.pem" -cert_chain "$pki/inter.pem" \
	-key "$pki/leaf.key" -tls1_3 -quiet </dev/null >/dev/null 2>&1 &
sleep 1
echo hello | timeout 3 openssl s_client -6 -connect '[::1]:4531' -servername da.contoso.test \
	-CAfile "$pki/root.pem" -quiet >/dev/null 2>&1 || true
echo hello | timeout 3 openssl s_client -6 -connect '[::1]:4532' -servername da.contoso.test \
	-tls1_2 -quiet >/dev/null 2>&1 || true
echo hello | timeout 3 openssl s_client -6 -connect '[::1]:4533' -quiet >/dev/null 2>&1 || true
wait
