#!/bin/sh
# captures/resign-gateway.pcap: a middlebox whose re-signing shows only
# across connections (issue 10, item 6). Its CA has a neutral name (no
# product, no "inspection" wording) and its leaves are weeks old, so no
# single chain says "interception"; what gives it away is that the name
# da.contoso.test had a certificate from another issuer a moment before,
# and that the real server asked for a client certificate and the gateway
# does not. Real openssl s_server / s_client on loopback, ports 4511-4516.
# What each connection is, set up here (tests read it from captures/EXPECTED):
#   1 4511 the real server (tests/pki leaf + Issuing CA), asks for a
#          client certificate; the client sends tests/pki/client.pem, data    -> ok
#   2 4512 the gateway for da.contoso.test: "CN=Contoso Web Gateway" issued
#          the leaf 40 days ago; no CertificateRequest; the client carries on -> tls-inspection
#   3-6 4513-4516 the gateway for four unrelated names, the client carries on -> ok
#          (one issuer for many sites, but the run had another issuer: one sign only)
# Run from the top of the tree (faketime backdates the gateway's leaves):
#   sh captures/gen/make-resign.sh
set -eu
out=${1:-captures/resign-gateway.pcap}
pki=tests/pki
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -keyout gw-ca.key -out gw-ca.pem -days 3650 \
	-subj "/O=Contoso/CN=Contoso Web Gateway" 2>/dev/null
n=0
for name in da.contoso.test www.fabrikam.test mail.tailspin.test news.example shop.wingtip.test; do
	n=$((n + 1))
	openssl req -newkey rsa:2048 -nodes -keyout "gw$n.key" -out "gw$n.csr" -subj "/CN=$name" 2>/dev/null
	printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$name" >"gw$n.ext"
	faketime -f -40d openssl x509 -req -in "gw$n.csr" -CA gw-ca.pem -CAkey gw-ca.key -CAcreateserial \
		-days 365 -extfile "gw$n.ext" -out "gw$n.pem" 2>/dev/null
done
cd - >/dev/null
timeout 20 tcpdump -i lo -w "$out" -U 'tcp portrange 4511-4516' 2>/dev/null &
sleep 1
timeout 16 openssl s_server -accept 4511 -cert "$pki/leaf.pem" -cert_chain "$pki/inter.pem" -key "$pki/leaf.key" -verify 1 \
	-CAfile "$pki/client-ca.pem" -tls1_2 -quiet </dev/null >/dev/null 2>&1 &
port=4512
for n in 1 2 3 4 5; do
	timeout 16 openssl s_server -accept $port -cert "$tmp/gw$n.pem" -cert_chain "$tmp/gw-ca.pem" -key "$tmp/gw$n.key" -tls1_2 \
		-quiet </dev/null >/dev/null 2>&1 &
	port=$((port + 1))
done
sleep 1
hello() { # PORT NAME [s_client options]
	p=$1 name=$2
	shift 2
	echo hello | timeout 3 openssl s_client -connect "127.0.0.1:$p" -servername "$name" -quiet "$@" \
		>/dev/null 2>&1 || true
}
hello 4511 da.contoso.test -cert "$pki/client.pem" -key "$pki/client.key"
hello 4512 da.contoso.test
hello 4513 www.fabrikam.test
hello 4514 mail.tailspin.test
hello 4515 news.example
hello 4516 shop.wingtip.test
wait
