#!/usr/bin/env python3
"""The matrix's scripted TLS client (python3 stdlib only; OpenSSL through ssl).

One connection, with a chosen client behaviour towards the server's certificate:

  --behaviour accept   no verification at all: the handshake completes whatever the
                       certificate, then the application exchange runs (data both ways)
  --behaviour alert    verify against --cafile and --name; on failure OpenSSL's alert
                       (unknown_ca, certificate_expired, bad_certificate ...) is sent,
                       then the socket is closed
  --behaviour silent   verify as "alert", but on failure the pending alert is thrown
                       away and the socket is closed with a plain FIN (what Schannel-based
                       clients often do)

--app http      GET / (HTTP/1.1, Connection: close), read the answer
--app iphttps   POST /IPHTTPS with Content-Length 2^64-1 (as Windows sends it); on a
                200 one IPv6 Router Solicitation, read one packet back
--app plain     no TLS at all: a plain HTTP GET (the source-port-443 noise flows)
--app hello     no application data: close_notify right after the handshake
--proxy IP:PORT CONNECT NAME:443 HTTP/1.1 first (squid)
--raw-hello HEX send these bytes (a browser's ClientHello from a capture) over a plain
                socket, read what the server answers for --linger s, then close (FIN)

The handshake runs over a MemoryBIO so that the client decides what reaches the wire.
Every socket operation has a timeout; the process always ends by itself.
"""
import argparse
import os
import socket
import ssl
import sys
import time

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "captures", "gen")
sys.path.insert(0, GEN)
import ipv6_nd  # noqa: E402


def log(msg):
    print("mclient: " + msg, file=sys.stderr, flush=True)


class Conn:
    def __init__(self, sock, obj):
        self.sock, self.obj = sock, obj
        self.inc, self.out = obj_bios[0], obj_bios[1]

    def flush(self):
        data = self.out.read()
        if data:
            self.sock.sendall(data)

    def feed(self):
        data = self.sock.recv(65536)
        if not data:
            self.inc.write_eof()
            return False
        self.inc.write(data)
        return True

    def handshake(self):
        while True:
            try:
                self.obj.do_handshake()
                self.flush()
                return
            except ssl.SSLWantReadError:
                self.flush()
                if not self.feed():
                    raise ConnectionError("server closed during the handshake")

    def send(self, data):
        self.obj.write(data)
        self.flush()

    def recv(self):
        while True:
            try:
                return self.obj.read(65536)
            except ssl.SSLWantReadError:
                self.flush()
                if not self.feed():
                    return b""
            except ssl.SSLZeroReturnError:
                return b""

    def close_notify(self):
        try:
            self.obj.unwrap()
        except (ssl.SSLError, OSError):
            pass
        try:
            self.flush()
        except OSError:
            pass


obj_bios = None


def read_head(c, limit=16384):
    buf = b""
    while b"\r\n\r\n" not in buf and len(buf) < limit:
        chunk = c.recv()
        if not chunk:
            break
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    return head.decode("latin-1", "replace"), rest


def main():
    global obj_bios
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connect", required=True)
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--bport", type=int, default=0)
    ap.add_argument("--name", default="da.contoso.test")
    ap.add_argument("--no-sni", action="store_true")
    ap.add_argument("--tls", choices=["1.2", "1.3", "any"], default="any")
    ap.add_argument("--ciphers")
    ap.add_argument("--cafile")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--behaviour", choices=["accept", "alert", "silent"], default="accept")
    ap.add_argument("--app", choices=["http", "iphttps", "plain", "hello"], default="http")
    ap.add_argument("--proxy")
    ap.add_argument("--raw-hello")
    ap.add_argument("--linger", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=4.0)
    a = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.settimeout(a.timeout)
    sock.bind((a.bind, a.bport))
    dest = (a.connect, a.port)
    if a.proxy:
        h, p = a.proxy.rsplit(":", 1)
        dest = (h, int(p))
    sock.connect(dest)
    if a.proxy:
        t = "%s:%d" % (a.name, a.port)
        sock.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (t, t)).encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        log("proxy: %s" % buf.split(b"\r\n", 1)[0])
        if b" 200" not in buf.split(b"\r\n", 1)[0]:
            sock.close()
            return 3

    if a.app == "plain":
        sock.sendall(("GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % a.name).encode())
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass
        sock.close()
        return 0

    if a.raw_hello:
        sock.sendall(bytes.fromhex(a.raw_hello))
        end = time.time() + a.linger
        got = 0
        try:
            while time.time() < end:
                sock.settimeout(max(0.05, end - time.time()))
                d = sock.recv(65536)
                if not d:
                    break
                got += len(d)
        except OSError:
            pass
        log("raw hello: %d bytes back" % got)
        sock.close()
        return 0

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if a.tls == "1.2":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif a.tls == "1.3":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)
    if a.behaviour == "accept":
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        ctx.load_verify_locations(a.cafile)
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj_bios = (inc, out)
    obj = ctx.wrap_bio(inc, out, server_hostname=None if a.no_sni else a.name)
    c = Conn(sock, obj)
    try:
        c.handshake()
    except ssl.SSLCertVerificationError as e:
        if a.behaviour == "alert":
            try:
                c.flush()  # the alert OpenSSL queued
            except OSError:
                pass
            log("rejected the server with an alert: %s" % e.verify_message)
        else:
            log("rejected the server silently: %s" % e.verify_message)
        sock.shutdown(socket.SHUT_WR)
        try:
            sock.settimeout(0.5)
            while sock.recv(4096):
                pass
        except OSError:
            pass
        sock.close()
        return 4
    except (ssl.SSLError, OSError, ConnectionError) as e:
        try:
            c.flush()
        except OSError:
            pass
        log("handshake failed: %s" % e)
        sock.close()
        return 4
    log("TLS up: %s %s" % (obj.version(), obj.cipher()[0]))
    rc = 0
    try:
        if a.app == "http":
            c.send(("GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % a.name).encode())
            head, _ = read_head(c)
            log("answer: %s" % head.split("\r\n", 1)[0])
            while c.recv():
                pass
        elif a.app == "iphttps":
            c.send(("POST /IPHTTPS HTTP/1.1\r\nHost: %s\r\n"
                    "Content-Length: 18446744073709551615\r\n\r\n" % a.name).encode())
            head, rest = read_head(c)
            log("answer: %s" % head.split("\r\n", 1)[0])
            if " 200 " in head.split("\r\n", 1)[0] + " ":
                c.send(ipv6_nd.router_solicitation())
                buf = rest
                while len(buf) < 40:
                    d = c.recv()
                    if not d:
                        break
                    buf += d
                log("tunnel: %d bytes back" % len(buf))
    except (ssl.SSLError, OSError) as e:
        log("session error: %s" % e)
        rc = 5
    c.close_notify()
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.5)
        while sock.recv(4096):
            pass
    except OSError:
        pass
    sock.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
