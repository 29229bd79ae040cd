#!/usr/bin/env python3
"""Generate the benchmark capture: the template connections (real OpenSSL
handshakes recorded on loopback by record-templates.sh) multiplied into
distinct, interleaved connections, deterministically (same seed and size,
same bytes).

Each copy gets its own client address and port (the server is always
192.0.2.10:443, tlsdiag's default port), segments larger than an Ethernet
MSS are split into 1448-byte segments (loopback's 64 KiB MTU is not what a
real capture holds), and the IP and TCP checksums are made right for the new
addresses: tlsdiag tells libnids not to check them (src/reasm.c), but other
tools compared in the benchmark may. Half of the bytes are bulk data (the
templates carrying more than 64 KiB of payload), the rest handshakes.

usage: gen-capture.py TEMPLATES.pcap [--size BYTES] [--seed N] [--out FILE|-]
"""
import argparse
import random
import struct
import sys

MSS = 1448
SERVER_IP = bytes([192, 0, 2, 10])
SERVER_PORT = 443
ETH_C2S = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
ETH_S2C = b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00"


def read_pcap(path):
    """(ts, ip packet) of every IPv4 packet of a classic pcap (Ethernet or Linux SLL)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    else:
        e = ">"
    nano = struct.unpack(e + "I", data[:4])[0] == 0xA1B23C4D
    dlt = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    out = []
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ts = sec + frac / (1e9 if nano else 1e6)
        if dlt == 1 and pkt[12:14] == b"\x08\x00":
            out.append((ts, pkt[14:]))
        elif dlt == 113 and pkt[14:16] == b"\x08\x00":
            out.append((ts, pkt[16:]))
        elif dlt in (12, 101):
            out.append((ts, pkt))
    return out


def csum_words(b):
    if len(b) % 2:
        b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


class Seg:
    """One TCP segment of a template, ready to be stamped with new endpoints.
    partial: the TCP checksum's sum over everything but addresses and ports."""
    __slots__ = ("dt", "c2s", "ip_head", "tcp_rest", "payload", "partial")

    def __init__(self, dt, c2s, ip, tcp_hdr, payload):
        self.dt, self.c2s = dt, c2s
        self.ip_head = ip  # first 20 bytes, rebuilt per copy
        self.tcp_rest = tcp_hdr[4:16] + b"\0\0" + tcp_hdr[18:]  # after ports, checksum zeroed
        self.payload = payload
        tcp_len = len(tcp_hdr) + len(payload)
        self.partial = csum_words(self.tcp_rest) + csum_words(payload) + 6 + tcp_len


def split(ts, ip):
    """The template packet as one or more MSS-sized segments."""
    ihl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    tcp = ip[ihl:tot]
    thl = (tcp[12] >> 4) * 4
    hdr, payload = tcp[:thl], tcp[thl:]
    if len(payload) <= MSS:
        return [(hdr, payload)]
    seq = struct.unpack("!I", hdr[4:8])[0]
    flags = hdr[13]
    out = []
    for o in range(0, len(payload), MSS):
        last = o + MSS >= len(payload)
        f = flags if last else flags & ~0x09  # FIN and PSH on the last piece only
        h = bytearray(hdr)
        h[4:8] = struct.pack("!I", (seq + o) & 0xFFFFFFFF)
        h[13] = f
        out.append((bytes(h), payload[o:o + MSS]))
    return out


def templates(path):
    """The template connections: lists of Seg, in capture order, by 4-tuple."""
    conns, order = {}, []
    for ts, ip in read_pcap(path):
        if ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        src, dst = ip[12:16], ip[16:20]
        sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
        flags = ip[ihl + 13]
        a, b = (src, sport), (dst, dport)
        key = (a, b) if a <= b else (b, a)
        if key not in conns:
            if not (flags & 0x02) or (flags & 0x10):  # must start with a SYN
                continue
            conns[key] = {"client": a, "t0": ts, "segs": []}
            order.append(key)
        c = conns[key]
        c2s = a == c["client"]
        for hdr, payload in split(ts, ip):
            c["segs"].append(Seg(ts - c["t0"], c2s, ip[:20], hdr, payload))
    return [conns[k]["segs"] for k in order], min(c["t0"] for c in conns.values())


def size_of(segs):
    return sum(16 + 14 + 20 + len(s.tcp_rest) + 4 + len(s.payload) for s in segs)


def client_of(i):
    """A distinct client address and port for copy i (16M addresses)."""
    n = i + 1
    return bytes([10, (n >> 16) & 255, (n >> 8) & 255, n & 255]), 1024 + (i * 7919) % 60000


def packet(seg, cip, cport, ident):
    src, dst = (cip, SERVER_IP) if seg.c2s else (SERVER_IP, cip)
    sport, dport = (cport, SERVER_PORT) if seg.c2s else (SERVER_PORT, cport)
    tcp_len = 4 + len(seg.tcp_rest) + len(seg.payload)
    s = seg.partial + csum_words(src) + csum_words(dst) + sport + dport
    ck = (~fold(s)) & 0xFFFF
    tcp = struct.pack("!HH", sport, dport) + seg.tcp_rest[:12] + struct.pack("!H", ck) + seg.tcp_rest[14:]
    iph = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + tcp_len, ident & 0xFFFF, 0x4000, 64, 6, 0,
                                src, dst))
    iph[10:12] = struct.pack("!H", (~fold(csum_words(bytes(iph)))) & 0xFFFF)
    return (ETH_C2S if seg.c2s else ETH_S2C) + bytes(iph) + tcp + seg.payload


def generate(tpls, t0, size, seed, out, concurrency):
    rng = random.Random(seed)
    bulk = [t for t in tpls if sum(len(s.payload) for s in t) > 65536]
    hs = [t for t in tpls if t not in bulk]
    sb = sum(size_of(t) for t in bulk) / max(1, len(bulk))
    sh = sum(size_of(t) for t in hs) / max(1, len(hs))
    p_bulk = sh / (sb + sh) if bulk and hs else (1.0 if bulk else 0.0)
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    written, started, clock = 24, 0, 0.0
    active = []  # [segs, next index, client ip, client port]
    buf = []

    def start():
        nonlocal started
        pool = bulk if rng.random() < p_bulk else hs
        cip, cport = client_of(started)
        active.append([rng.choice(pool), 0, cip, cport])
        started += 1

    while True:
        while len(active) < concurrency and written < size:
            start()
        if not active:
            break
        k = rng.randrange(len(active))
        c = active[k]
        seg = c[0][c[1]]
        c[1] += 1
        if c[1] == len(c[0]):
            active[k] = active[-1]
            active.pop()
        clock += 0.000004 + rng.random() * 0.000004
        ts = t0 + clock
        sec = int(ts)
        pkt = packet(seg, c[2], c[3], c[1])
        buf.append(struct.pack("<IIII", sec, int((ts - sec) * 1e6), len(pkt), len(pkt)))
        buf.append(pkt)
        written += 16 + len(pkt)
        if len(buf) >= 4096:
            out.write(b"".join(buf))
            buf.clear()
    out.write(b"".join(buf))
    return started


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("templates")
    ap.add_argument("--size", type=int, default=1 << 30, help="bytes (default 1 GiB)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--concurrency", type=int, default=256, help="connections open at once")
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    tpls, t0 = templates(a.templates)
    if not tpls:
        sys.exit("no TCP connection starting with a SYN in " + a.templates)
    out = sys.stdout.buffer if a.out == "-" else open(a.out, "wb")
    try:
        n = generate(tpls, t0, a.size, a.seed, out, a.concurrency)
    except BrokenPipeError:
        sys.exit(0)
    out.flush()
    print("%d connections from %d templates" % (n, len(tpls)), file=sys.stderr)


if __name__ == "__main__":
    main()
