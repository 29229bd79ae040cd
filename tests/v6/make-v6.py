#!/usr/bin/env python3
"""IPv6 variants of an Ethernet IPv4 capture, for tests/v6.sh.

    make-v6.py MODE IN.pcap OUT.pcap

Every IPv4 TCP packet becomes an IPv6 one: each IPv4 address gets a fixed
IPv6 address in the order it first appears (2001:db8::1, 2001:db8::2, ...),
the TTL becomes the hop limit, and the TCP segment is kept byte for byte
(TCP checksum recomputed over the IPv6 pseudo-header when the segment was
captured whole; tlsdiag verifies no checksum either way). Other packets are
copied as they are, and the file's snap length grows by 64 bytes. MODE:

    plain    the IPv6 packet alone
    hbh      a hop-by-hop options header (PadN) before TCP
    dstopt   a destination options header (PadN) before TCP
    routing  hop-by-hop, then a type 0 routing header with 0 segments left
    frag     segments over 600 bytes cut into IPv6 fragments of 512 bytes
             (the first carrying the TCP header); a snapped packet is not cut
    6in4     the IPv6 packet inside IPv4 protocol 41 (192.0.2.N outside)
    teredo   the IPv6 packet inside UDP to/from port 3544 (192.0.2.N outside),
             with an origin indication on every other packet
    mapped   IPv4-mapped addresses (::ffff:a.b.c.d) instead of 2001:db8::N

Python 3 standard library only; classic pcap, either byte order.
"""
import struct
import sys

MODES = ("plain", "hbh", "dstopt", "routing", "frag", "6in4", "teredo", "mapped")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_with_checksum(seg, src6, dst6, whole):
    """The TCP segment with its checksum for the IPv6 pseudo-header."""
    if not whole or len(seg) < 20:
        return seg
    seg = seg[:16] + b"\0\0" + seg[18:]
    pseudo = src6 + dst6 + struct.pack("!I3xB", len(seg), 6)
    return seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]


def ipv6_header(plen, nxt, hops, src6, dst6):
    return struct.pack("!IHBB", 0x60000000, plen, nxt, hops) + src6 + dst6


def ipv4_header(total, proto, ttl, src4, dst4, ident=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, 0, ttl, proto, 0, src4, dst4)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


PADN8 = bytes([1, 4, 0, 0, 0, 0])  # with next header and length: 8 bytes


class Rewriter:
    def __init__(self, mode):
        self.mode = mode
        self.addrs = {}
        self.frag_id = 0x10000
        self.count = 0

    def v6(self, a4):
        if self.mode == "mapped":
            return b"\0" * 10 + b"\xff\xff" + a4
        if a4 not in self.addrs:
            self.addrs[a4] = len(self.addrs) + 1
        n = self.addrs[a4]
        return bytes.fromhex("20010db8") + b"\0" * 10 + struct.pack("!H", n)

    def outer4(self, a4):
        self.v6(a4)
        return bytes([192, 0, 2, self.addrs.get(a4, 1)])

    def ext(self):
        """Extension headers before TCP: (bytes, first next-header value)."""
        if self.mode == "hbh":
            return bytes([6, 0]) + PADN8, 0
        if self.mode == "dstopt":
            return bytes([6, 0]) + PADN8, 60
        if self.mode == "routing":
            # hop-by-hop -> routing type 0, segments left 0, no addresses -> TCP
            return bytes([43, 0]) + PADN8 + bytes([6, 0, 0, 0, 0, 0, 0, 0]), 0
        return b"", 6

    def packets(self, ip4, wire_extra):
        """IPv6 packets (captured bytes, wire bytes beyond them) for one IPv4 TCP packet."""
        ihl = (ip4[0] & 15) * 4
        total = struct.unpack("!H", ip4[2:4])[0]
        ttl, src4, dst4 = ip4[8], ip4[12:16], ip4[16:20]
        seg_wire = total - ihl
        seg = ip4[ihl:total]
        whole = len(seg) == seg_wire and wire_extra == 0
        src6, dst6 = self.v6(src4), self.v6(dst4)
        seg = tcp_with_checksum(seg, src6, dst6, whole)
        missing = seg_wire - len(seg)
        if self.mode == "frag" and whole and seg_wire > 600:
            return [(p, 0) for p in self.fragments(seg, ttl, src6, dst6)]
        ext, nxt = self.ext()
        pkt = ipv6_header(len(ext) + seg_wire, nxt, ttl, src6, dst6) + ext + seg
        if self.mode == "6in4":
            pkt = ipv4_header(20 + len(pkt) + missing, 41, 64, self.outer4(src4), self.outer4(dst4)) + pkt
        elif self.mode == "teredo":
            pkt = self.teredo(pkt, missing, src4, dst4)
        return [(pkt, missing)]

    def fragments(self, seg, ttl, src6, dst6):
        self.frag_id += 1
        out = []
        for off in range(0, len(seg), 512):
            piece = seg[off:off + 512]
            more = 1 if off + 512 < len(seg) else 0
            fh = struct.pack("!BBHI", 6, 0, (off // 8) << 3 | more, self.frag_id)
            out.append(ipv6_header(8 + len(piece), 44, ttl, src6, dst6) + fh + piece)
        return out

    def teredo(self, pkt, missing, src4, dst4):
        self.count += 1
        first = self.addrs.get(src4) == 1
        sport, dport = (40000, 3544) if first else (3544, 40000)
        origin = b""
        if not first and self.count % 2:
            origin = b"\0\0" + struct.pack("!H", 40000 ^ 0xFFFF) + bytes(b ^ 0xFF for b in self.outer4(dst4))
        body = origin + pkt
        udp = struct.pack("!HHHH", sport, dport, 8 + len(body) + missing, 0)
        total = 20 + len(udp) + len(body) + missing
        return ipv4_header(total, 17, 64, self.outer4(src4), self.outer4(dst4)) + udp + body


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in MODES:
        sys.exit("usage: make-v6.py {%s} IN.pcap OUT.pcap" % "|".join(MODES))
    mode, src, dst = sys.argv[1:]
    data = open(src, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("%s: not a classic pcap file" % src)
    if struct.unpack(e + "I", data[20:24])[0] != 1:
        sys.exit("%s: not Ethernet" % src)
    rw = Rewriter(mode)
    # The snap length grows by what the IPv6 headers add (at most 64 bytes
    # here): libpcap cuts a packet to it, and the variant must keep the TCP
    # bytes the original kept (captures/snap96.pcap).
    snap = struct.unpack(e + "I", data[16:20])[0]
    out = [data[:16] + struct.pack(e + "I", min(snap + 64, 262144)) + data[20:24]]
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + "IIII", data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        pkts = [(frame, orig - incl)]
        if len(frame) >= 34 and frame[12:14] == b"\x08\x00" and frame[23] == 6 \
                and struct.unpack("!H", frame[20:22])[0] & 0x3FFF == 0:
            eth = frame[:12]
            # IPv6 proper, or IPv4 outside for the tunnels.
            etype = b"\x08\x00" if mode in ("6in4", "teredo") else b"\x86\xdd"
            pkts = [(eth + etype + p, extra) for p, extra in rw.packets(frame[14:], orig - incl)]
        for p, extra in pkts:
            out.append(struct.pack(e + "IIII", sec, frac, len(p), len(p) + extra) + p)
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
