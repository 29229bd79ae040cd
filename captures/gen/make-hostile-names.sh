#!/bin/sh
# captures/hostile-names.pcap: a capture whose names are markup, for the
# HTML report's escaping test (tests/html.sh, issue 14). Real peers on the
# loopback of a private network namespace (nothing leaves it, and no other
# capture on the host sees it), bounded by timeout:
#   1 127.0.0.1 -> 127.0.0.2:443  openssl s_client -tls1_2 -servername '<script>...'
#     to openssl s_server whose self-signed certificate's subject is
#     CN=<script>alert(1)</script>, O=<img src=x onerror=alert(3)>; the client
#     trusts nothing, so it ends the handshake: unknown_ca
#   2 127.0.0.1 -> 127.0.0.4:3128  a CONNECT through a stand-in proxy (python3)
#     whose Host header, status line and Server header are markup; the
#     proxy refuses (403)
# Run from the top of the tree as root:  sh captures/gen/make-hostile-names.sh
set -eu
out=${1:-captures/hostile-names.pcap}
top=$(pwd)
ns=tdpic$$
work=$(mktemp -d)
cleanup() {
	ip netns pids "$ns" 2>/dev/null | while read -r p; do kill "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
in_ns() { ip netns exec "$ns" "$@"; }

ip netns add "$ns"
in_ns ip link set lo up
in_ns ip addr add 127.0.0.2/8 dev lo 2>/dev/null || true

openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout "$work/key.pem" -out "$work/cert.pem" \
	-subj '/CN=<script>alert(1)<\/script>/O=<img src=x onerror=alert(3)>' 2>/dev/null

cat >"$work/proxy.py" <<'PY'
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.4", 3128))
s.listen(1)
c, _ = s.accept()
c.recv(4096)
c.sendall(b"HTTP/1.1 403 <script>alert(5)</script>\r\nServer: <b onmouseover=alert(6)>x</b>\r\n"
          b"Content-Length: 0\r\nConnection: close\r\n\r\n")
c.close()
PY
cat >"$work/client.py" <<'PY'
import socket
c = socket.create_connection(("127.0.0.4", 3128))
c.sendall(b"CONNECT x<script>alert(7)</script>:443 HTTP/1.1\r\n"
          b"Host: \"><script>alert(8)</script>:443\r\n\r\n")
c.recv(4096)
c.close()
PY

in_ns timeout 20 tcpdump -i lo -s 0 -U -w "$work/cap.pcap" 'tcp port 443 or tcp port 3128' 2>/dev/null &
dump=$! # timeout(1), which passes a SIGINT on to tcpdump
sleep 1
in_ns timeout 10 openssl s_server -accept 127.0.0.2:443 -cert "$work/cert.pem" -key "$work/key.pem" \
	-quiet </dev/null >/dev/null 2>&1 &
in_ns timeout 10 python3 "$work/proxy.py" &
sleep 1
echo | in_ns timeout 5 openssl s_client -connect 127.0.0.2:443 -tls1_2 -verify_return_error \
	-servername '<script>alert(2)</script>' >/dev/null 2>&1 || true
in_ns timeout 5 python3 "$work/client.py" || true
sleep 1
kill -INT "$dump" 2>/dev/null || true
wait 2>/dev/null || true
cp "$work/cap.pcap" "$top/$out"
echo "wrote $out"
