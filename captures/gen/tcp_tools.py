#!/usr/bin/env python3
"""Small TCP helpers for the capture generator (python3 stdlib only).

  tcp_tools.py probe DST_IP PORT [--bind IP] [--timeout S]
      One connect() attempt, then close. Used for the refused and the
      timed-out (SYN dropped) scenarios: the kernel retransmits the SYN by
      itself (1 s, 2 s, 4 s ...) until our timeout ends the attempt.

  tcp_tools.py reset-after-hello LISTEN_IP PORT [--timeout S]
      Accept one connection, read one complete TLS record (the ClientHello),
      then close with SO_LINGER {on, 0}: the kernel sends RST instead of FIN.
      This is what a middlebox/IPS or an ADC that dislikes the hello does.
      --ttl N: set IP_TTL to N on the accepted socket after the ClientHello
      has been read, so the RST leaves with TTL N while the SYN-ACK (sent
      by the kernel for the listening socket) and the ACK of the hello had
      the default 64: what a reset injected by a device on the path looks
      like from the client.

  tcp_tools.py banner LISTEN_IP PORT --text LINE [--timeout S]
      Accept one connection, send LINE + CRLF at once (as an SSH server does
      before the client says anything), read what the client sends for up to
      1 s, then close (FIN). A service that is not TLS listening on 443.

  tcp_tools.py http-status LISTEN_IP PORT --status N [--timeout S]
      A plain-HTTP backend (http.server from the standard library, HTTP/1.1,
      its own Server header): answers one request, whatever the method, with
      status N and http.server's HTML error page, then closes.
"""
import argparse
import http.server
import socket
import struct
import sys


def probe(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if a.bind:
        s.bind((a.bind, 0))
    s.settimeout(a.timeout)
    try:
        s.connect((a.dst, a.port))
        print("probe: connected", file=sys.stderr)
        rc = 0
    except ConnectionRefusedError:
        print("probe: connection refused", file=sys.stderr)
        rc = 1
    except socket.timeout:
        print("probe: timed out after %.1f s" % a.timeout, file=sys.stderr)
        rc = 2
    finally:
        s.close()   # a socket still in SYN-SENT closes silently (no RST on the wire)
    return rc


def recv_exact(c, n):
    buf = b""
    while len(buf) < n:
        chunk = c.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def reset_after_hello(a):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.listen, a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    try:
        c, peer = ls.accept()
    except socket.timeout:
        print("reset-after-hello: nobody came", file=sys.stderr)
        return 1
    finally:
        ls.close()
    c.settimeout(a.timeout)
    hdr = recv_exact(c, 5)
    body = b""
    if len(hdr) == 5:
        body = recv_exact(c, struct.unpack("!H", hdr[3:5])[0])
    print("reset-after-hello: read %d-byte record (type %d) from %s:%d, sending RST"
          % (len(hdr) + len(body), hdr[0] if hdr else -1, peer[0], peer[1]), file=sys.stderr)
    if a.ttl:
        c.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
        print("reset-after-hello: IP_TTL set to %d for the RST" % a.ttl, file=sys.stderr)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    return 0


def accept_one(a, what):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.listen, a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    try:
        c, peer = ls.accept()
    except socket.timeout:
        print("%s: nobody came" % what, file=sys.stderr)
        return None, None
    finally:
        ls.close()
    c.settimeout(a.timeout)
    return c, peer


def banner(a):
    c, peer = accept_one(a, "banner")
    if c is None:
        return 1
    c.sendall(a.text.encode("ascii") + b"\r\n")
    c.settimeout(1.0)
    got = b""
    try:
        while True:
            chunk = c.recv(4096)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        pass
    print("banner: sent %r to %s:%d, read %d bytes (first byte 0x%02x), closing"
          % (a.text, peer[0], peer[1], len(got), got[0] if got else 0), file=sys.stderr)
    c.close()
    return 0


def http_status(a):
    status = a.status

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self):
            self.send_error(status)

        do_GET = do_POST = do_HEAD = do_PUT = answer

        def log_message(self, fmt, *args):
            print("http-status: " + fmt % args, file=sys.stderr)

    http.server.HTTPServer.allow_reuse_address = True
    srv = http.server.HTTPServer((a.listen, a.port), Handler)
    srv.timeout = a.timeout
    srv.handle_request()   # one request (or the timeout), then exit
    srv.server_close()
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("probe")
    p.add_argument("dst")
    p.add_argument("port", type=int)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--timeout", type=float, default=3.0)
    r = sub.add_parser("reset-after-hello")
    r.add_argument("listen")
    r.add_argument("port", type=int)
    r.add_argument("--timeout", type=float, default=10.0)
    r.add_argument("--ttl", type=int, default=0, help="IP TTL of the RST (default: unchanged)")
    b = sub.add_parser("banner")
    b.add_argument("listen")
    b.add_argument("port", type=int)
    b.add_argument("--text", required=True)
    b.add_argument("--timeout", type=float, default=10.0)
    h = sub.add_parser("http-status")
    h.add_argument("listen")
    h.add_argument("port", type=int)
    h.add_argument("--status", type=int, required=True)
    h.add_argument("--timeout", type=float, default=10.0)
    a = ap.parse_args()
    return {"probe": probe, "reset-after-hello": reset_after_hello, "banner": banner,
            "http-status": http_status}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
