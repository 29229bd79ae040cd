#!/usr/bin/env python3
"""A minimal IP-HTTPS client, optionally through an HTTP proxy (python3 stdlib only).

Used for the proxy scenarios because openssl s_client -proxy sends
"CONNECT host:port HTTP/1.0", while Windows (WinHTTP) sends HTTP/1.1 with a
Host header. Sequence, like a Windows 8+ DirectAccess client:

  [CONNECT da.contoso.test:443 HTTP/1.1 -> expect 2xx]
  TLS 1.2 handshake offering only the NULL suites, SNI, server cert verified
  POST /IPHTTPS, Content-Length 2^64-1  -> expect "HTTP/1.1 200"
  one IPv6 Router Solicitation -> read one IPv6 packet (Router Advertisement)
  close_notify, close

With --drain-refusal, a refused CONNECT's answer is read to its end (until the
proxy closes, or the timeout) before the client closes; without it the client
closes as soon as it has the response headers.

Exit status: 0 tunnel up, 3 proxy refused, 4 TLS failed, 5 HTTP failed.
Every socket operation has a timeout.
"""
import argparse
import os
import socket
import ssl
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipv6_nd  # noqa: E402

NULL_SUITES = "NULL-SHA256:NULL-SHA:@SECLEVEL=0"


def log(msg):
    print("iphttps-client: " + msg, file=sys.stderr, flush=True)


def read_http_head(sock, limit=16384):
    buf = b""
    while b"\r\n\r\n" not in buf and len(buf) < limit:
        chunk = sock.recv(4096)
        if not chunk:
            break
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    return head.decode("latin-1", "replace"), rest


def status_of(head):
    parts = head.split("\r\n", 1)[0].split(" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default="da.contoso.test", help="IP-HTTPS server name")
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--proxy", help="proxy as IP:PORT (CONNECT)")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--ciphers", default=NULL_SUITES)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--drain-refusal", action="store_true",
                    help="after a non-2xx CONNECT answer, read until the proxy closes")
    a = ap.parse_args()

    if a.proxy:
        host, port = a.proxy.rsplit(":", 1)
        dest = (host, int(port))
    else:
        dest = (a.server, a.port)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(a.timeout)
    sock.bind((a.bind, 0))
    sock.connect(dest)

    if a.proxy:
        target = "%s:%d" % (a.server, a.port)
        sock.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target, target)).encode())
        head, rest = read_http_head(sock)
        log("proxy answered: %s" % head.split("\r\n", 1)[0])
        if not 200 <= status_of(head) < 300:
            if a.drain_refusal:
                body = len(rest)
                try:
                    while True:
                        chunk = sock.recv(4096)
                        if not chunk:
                            break
                        body += len(chunk)
                except OSError as e:
                    log("reading the refusal: %s" % e)
                log("read %d bytes after the headers" % body)
            sock.close()
            return 3

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(a.ciphers)
    ctx.load_verify_locations(a.cafile)
    try:
        tls = ctx.wrap_socket(sock, server_hostname=a.server)
    except (ssl.SSLError, OSError) as e:
        log("TLS failed: %s" % e)
        sock.close()
        return 4
    log("TLS up: %s %s" % (tls.version(), tls.cipher()[0]))
    rc = 5
    try:
        tls.sendall(("POST /IPHTTPS HTTP/1.1\r\nHost: %s\r\n"
                     "Content-Length: 18446744073709551615\r\n\r\n" % a.server).encode())
        head, rest = read_http_head(tls)
        log("server answered: %s" % head.split("\r\n", 1)[0])
        if status_of(head) == 200:
            tls.sendall(ipv6_nd.router_solicitation())
            buf = rest
            while len(buf) < 40:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                buf += chunk
            if len(buf) >= 40:
                want = 40 + struct.unpack("!H", buf[4:6])[0]
                while len(buf) < want:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    buf += chunk
                log("tunnel: got %d-byte IPv6 packet from server" % len(buf))
                rc = 0
        tls.unwrap()
    except (ssl.SSLError, OSError) as e:
        log("session error: %s" % e)
    finally:
        sock.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
