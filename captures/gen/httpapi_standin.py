#!/usr/bin/env python3
"""A tiny stand-in for the Windows IP-HTTPS server (HTTP.sys, "Microsoft-HTTPAPI/2.0").

Python 3 standard library only. It is a real TLS server (OpenSSL through the
ssl module) that behaves like a DirectAccess server on the wire:

  - TLS 1.2 at most; by default only the two NULL-encryption suites that
    Windows 8+ IP-HTTPS clients offer (TLS_RSA_WITH_NULL_SHA256 0x003B,
    TLS_RSA_WITH_NULL_SHA 0x0002). OpenSSL 3 hides them below security level 0.
  - reads the HTTP request headers (POST /IPHTTPS, Content-Length 2^64-1),
  - answers "HTTP/1.1 200 OK" + "Server: Microsoft-HTTPAPI/2.0" + Date, with no
    Content-Length (the body is an endless stream of IPv6 packets),
  - then reads one IPv6 packet from the client (a Router Solicitation) and
    answers with one Router Advertisement, and closes with close_notify.

It serves --count connections one after the other and then exits. Every
socket operation has a timeout so that the process always ends by itself.
"""
import argparse
import email.utils
import os
import socket
import ssl
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipv6_nd  # noqa: E402

NULL_SUITES = "NULL-SHA256:NULL-SHA:@SECLEVEL=0"


def log(msg):
    print("standin: " + msg, file=sys.stderr, flush=True)


def read_headers(tls, limit=8192):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = tls.recv(4096)
        if not chunk:
            break
        buf += chunk
        if len(buf) > limit:
            break
    head, _, rest = buf.partition(b"\r\n\r\n")
    return head, rest


def read_exact(tls, n, have=b""):
    buf = have
    while len(buf) < n:
        chunk = tls.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def serve_one(ctx, lsock, io_timeout):
    conn, peer = lsock.accept()
    conn.settimeout(io_timeout)
    log("accepted %s:%d" % peer)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as e:
        # e.g. no shared cipher: OpenSSL already sent the fatal alert.
        log("handshake failed: %s" % e)
        conn.close()
        return
    log("handshake ok: %s %s" % (tls.version(), tls.cipher()[0]))
    try:
        head, rest = read_headers(tls)
        first = head.split(b"\r\n", 1)[0].decode("latin-1", "replace")
        log("request: %s" % first)
        if not first.startswith("POST "):
            tls.sendall(b"HTTP/1.1 400 Bad Request\r\nServer: Microsoft-HTTPAPI/2.0\r\n"
                        b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            date = email.utils.formatdate(usegmt=True)
            tls.sendall(("HTTP/1.1 200 OK\r\nServer: Microsoft-HTTPAPI/2.0\r\n"
                         "Date: %s\r\n\r\n" % date).encode("ascii"))
            # One IPv6 packet from the client: 40-byte header, payload length in bytes 4-5.
            hdr = read_exact(tls, 40, rest)
            if len(hdr) >= 40:
                plen = struct.unpack("!H", hdr[4:6])[0]
                pkt = read_exact(tls, 40 + plen, hdr)
                log("tunnel: got %d-byte IPv6 packet from client" % len(pkt))
                tls.sendall(ipv6_nd.router_advertisement())
        try:
            tls.unwrap()  # close_notify, and wait (bounded) for the client's
        except (ssl.SSLError, OSError) as e:
            log("shutdown: %s" % e)
    except (ssl.SSLError, OSError) as e:
        log("session error: %s" % e)
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", default="127.0.0.2")
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--ciphers", default=NULL_SUITES,
                    help="OpenSSL cipher list (default: the two NULL suites only)")
    ap.add_argument("--count", type=int, default=1, help="connections to serve, then exit")
    ap.add_argument("--accept-timeout", type=float, default=20.0)
    ap.add_argument("--io-timeout", type=float, default=5.0)
    ap.add_argument("--client-ca", help="require a client certificate issued by this CA")
    a = ap.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(a.ciphers)
    ctx.load_cert_chain(a.cert, a.key)
    if a.client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED  # a preauthenticating server
        ctx.load_verify_locations(a.client_ca)

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((a.listen, a.port))
    lsock.listen(4)
    lsock.settimeout(a.accept_timeout)
    log("listening on %s:%d ciphers=%s" % (a.listen, a.port, a.ciphers))
    try:
        for _ in range(a.count):
            serve_one(ctx, lsock, a.io_timeout)
    except socket.timeout:
        log("no connection within %.0f s, giving up" % a.accept_timeout)
        return 1
    finally:
        lsock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
