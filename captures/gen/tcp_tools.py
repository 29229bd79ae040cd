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
"""
import argparse
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
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
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
    a = ap.parse_args()
    return probe(a) if a.cmd == "probe" else reset_after_hello(a)


if __name__ == "__main__":
    sys.exit(main())
