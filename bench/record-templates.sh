#!/bin/bash
# Record the benchmark's template connections: real OpenSSL handshakes over
# loopback (openssl s_server / s_client, tcpdump on lo), one pcap. The
# generator (gen-capture.py) multiplies them into a large capture; recording
# once keeps the benchmark's input reproducible (same templates, same seed,
# same bytes). Needs root (tcpdump on lo). Usage: record-templates.sh OUT.pcap
set -eu
out=$(realpath -m "${1:?usage: record-templates.sh OUT.pcap}")
src=$(cd "$(dirname "$0")/.." && pwd)
pki=$src/tests/pki
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=${BENCH_TEMPLATE_PORT:-44330}
cd "$work"
mkdir www
# Bulk data: a 512 KiB body served by s_server -WWW (server to client) and
# a 256 KiB upload the client writes (client to server).
head -c 524288 /dev/zero | tr '\0' 'x' > www/bulk.bin
echo hello > www/small.txt
head -c 262144 /dev/zero | tr '\0' 'u' > upload.bin

tcpdump -i lo -U -s 0 -w "$out" "tcp port $port" 2>tcpdump.log &
tdpid=$!
sleep 1

server() { # extra s_server options...
	(cd www && exec openssl s_server -quiet -accept "127.0.0.1:$port" -naccept 1 \
		-cert "$pki/leaf.pem" -key "$pki/leaf.key" -cert_chain "$pki/inter.pem" "$@") \
		>/dev/null 2>&1 &
	spid=$!
	for _ in $(seq 50); do
		ss -ltn 2>/dev/null | grep -q ":$port " && return 0
		sleep 0.1
	done
}
client() { # stdin file, s_client options...
	local in=$1; shift
	timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername da.contoso.test -quiet "$@" \
		<"$in" >/dev/null 2>&1 || true
	wait "$spid" 2>/dev/null || true
	sleep 0.2
}
printf 'GET /small.txt HTTP/1.0\r\n\r\n' > get-small
printf 'GET /bulk.bin HTTP/1.0\r\n\r\n' > get-bulk

# 1, 2: plain handshakes, a small response.
server -WWW; client get-small -tls1_2
server -WWW; client get-small -tls1_3
# 3, 4: bulk data from the server.
server -WWW; client get-bulk -tls1_2 -ign_eof
server -WWW; client get-bulk -tls1_3 -ign_eof
# 5: bulk data from the client (s_server echoes nothing; -rev would).
server; client upload.bin -tls1_2
# 6: client certificate requested and sent (TLS 1.2).
server -WWW -verify 1 -CAfile "$pki/client-ca.pem"
client get-small -tls1_2 -cert "$pki/client.pem" -key "$pki/client.key"
# 7: client certificate required, none sent: the server's alert (TLS 1.2).
server -WWW -Verify 1 -CAfile "$pki/client-ca.pem"; client get-small -tls1_2
# 8: the same in TLS 1.3 (certificate_required).
server -WWW -Verify 1 -CAfile "$pki/client-ca.pem"; client get-small -tls1_3
# 9: version mismatch: protocol_version alert.
server -WWW -tls1_3; client get-small -tls1_2
sleep 1
kill "$tdpid" 2>/dev/null || { cat tcpdump.log >&2; exit 1; }; wait "$tdpid" 2>/dev/null || true
echo "recorded $(tcpdump -r "$out" 2>/dev/null | wc -l) packets into $out" >&2
