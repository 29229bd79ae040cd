#!/bin/sh
# captures/snap96.pcap: six real handshakes on loopback captured with
# tcpdump -s 96, so every data segment is cut after its first 30 bytes
# (issue 10, item 5). openssl s_server and s_client from Debian; ports
# 4501-4503. What each connection is, set up here (tests read it from
# captures/EXPECTED):
#   1 TLS 1.2, server accepts                        -> ok
#   2 TLS 1.3, server accepts                        -> ok
#   3 TLS 1.2, server requires a client cert, none   -> client-cert-missing
#   4 TLS 1.3, server requires a client cert, none   -> client-cert-missing
#   5 NULL-only client, server without NULL suites   -> null-cipher-rejected, but the
#     suites are past the snap length: only "the server refused the hello" is visible
#   6 TLS 1.2, client verifies against another root  -> cert-untrusted (unknown_ca)
# Run as root from the top of the tree: sh captures/gen/make-snap96.sh
set -eu
out=${1:-captures/snap96.pcap}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" -out "$tmp/c.pem" -days 3650 \
	-subj /CN=snap.test 2>/dev/null
timeout 14 tcpdump -i lo -s 96 -w "$out" -U 'tcp portrange 4501-4503' 2>/dev/null &
sleep 1
timeout 11 openssl s_server -accept 4501 -cert "$tmp/c.pem" -key "$tmp/k.pem" -quiet </dev/null >/dev/null 2>&1 &
timeout 11 openssl s_server -accept 4502 -cert "$tmp/c.pem" -key "$tmp/k.pem" -Verify 1 -quiet </dev/null >/dev/null 2>&1 &
timeout 11 openssl s_server -accept 4503 -cert "$tmp/c.pem" -key "$tmp/k.pem" -cipher AES128-SHA -tls1_2 -quiet </dev/null >/dev/null 2>&1 &
sleep 1
echo hello | timeout 3 openssl s_client -connect 127.0.0.1:4501 -tls1_2 -quiet >/dev/null 2>&1 || true
echo hello | timeout 3 openssl s_client -connect 127.0.0.1:4501 -tls1_3 -quiet >/dev/null 2>&1 || true
echo hello | timeout 3 openssl s_client -connect 127.0.0.1:4502 -tls1_2 -quiet >/dev/null 2>&1 || true
echo hello | timeout 3 openssl s_client -connect 127.0.0.1:4502 -tls1_3 -quiet >/dev/null 2>&1 || true
echo hello | timeout 3 openssl s_client -connect 127.0.0.1:4503 -cipher NULL-SHA256:@SECLEVEL=0 -tls1_2 >/dev/null 2>&1 || true
echo hello | timeout 3 openssl s_client -connect 127.0.0.1:4501 -tls1_2 -verify_return_error \
	-CAfile tests/pki/root.pem >/dev/null 2>&1 || true
wait
