#!/bin/sh
# captures/midstream-late-start.pcap: tcpdump started after the clients
# connected, as an analyst on a jump box does while a client retries
# (issue 12, item 2). Real openssl s_server on loopback, ports 4521-4523;
# the clients are python3's ssl module, which lets a connection wait
# between connect() and the handshake. No packet is edited. What each
# connection is, set up here (tests read it from captures/EXPECTED):
#   1 4521 connect, wait 1.5 s, TLS 1.2 handshake, data both ways       -> ok
#          (the whole handshake is in the capture, only the SYNs are not)
#   2 4522 connect, wait 1.5 s, a NULL-only ClientHello; the server has
#          no NULL suites and answers handshake_failure                  -> null-cipher-rejected
#   3 4523 connect and handshake at once, wait, then data both ways and
#          a close while the capture runs                                -> incomplete (before-capture)
# Run as root from the top of the tree: sh captures/gen/make-midstream.sh
set -eu
out=${1:-captures/midstream-late-start.pcap}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" -out "$tmp/c.pem" -days 3650 \
	-subj /CN=late.test 2>/dev/null
for port in 4521 4522 4523; do
	timeout 12 openssl s_server -accept $port -cert "$tmp/c.pem" -key "$tmp/k.pem" -tls1_2 -quiet \
		</dev/null >/dev/null 2>&1 &
done
sleep 1
cat >"$tmp/client.py" <<'PY'
import socket, ssl, sys, threading, time

def session(port, ciphers, wait_before, wait_after):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if ciphers:
        ctx.set_ciphers(ciphers)
    time.sleep(wait_before)
    try:
        t = ctx.wrap_socket(s, server_hostname="late.test")
        time.sleep(wait_after)
        t.sendall(b"hello\n")
        time.sleep(0.3)
        t.close()
    except (ssl.SSLError, OSError):
        s.close()

threads = [threading.Thread(target=session, args=a) for a in
           [(4521, None, 1.5, 0), (4522, "NULL-SHA256:NULL-SHA:@SECLEVEL=0", 1.5, 0), (4523, None, 0, 1.5)]]
for t in threads:
    t.start()
for t in threads:
    t.join()
PY
timeout 8 python3 "$tmp/client.py" &
client=$!
sleep 0.7
timeout 5 tcpdump -i lo -w "$out" -U 'tcp portrange 4521-4523' 2>/dev/null &
wait $client || true
sleep 1
wait
