"""Rewrite an Ethernet pcap into another link type or encapsulation, packet
by packet, so one real capture can show that every supported link layer
and tunnel gives the same analysis. Usage: relink.py IN OUT KIND, KIND one
of:

  vlan qinq sll sll2 raw null null-be loop ipv4   link types and tags
  ppp pppoe pppoe-dlt nflog                      PPP (DLT_PPP), a PPPoE
        session in Ethernet and alone (DLT_PPP_ETHER), Linux NFLOG (a
        packet-header TLV, an odd-length prefix TLV for the padding, the
        payload TLV, a timestamp TLV after it)
  mpls mpls-pw                                   a two-label MPLS stack
        before the IP packet; one label, a control word and the whole
        Ethernet frame (an Ethernet pseudowire)
  gre gre-key gretap erspan1 erspan2 erspan3     GRE in IPv4 198.51.100.1/2:
        the IP packet; with checksum, key and sequence; the Ethernet frame
        (0x6558); ERSPAN type I, II and III (with its platform subheader)
  vxlan vxlan6 geneve                            the Ethernet frame in UDP
        4789 over IPv4 or IPv6 (2001:db8:ffff::1/2), in UDP 6081 with one
        GENEVE option
  nested                                         VXLAN in GRE in an MPLS
        pseudowire
  gre4 gre5                                      the IP packet in 4 and 5
        nested GRE tunnels (tlsdiag opens 4 at most)

The TCP/IP packets are kept byte for byte (their TTLs too); only headers
are added. Python 3 standard library only; classic pcap, either byte
order."""
import struct
import sys

LINKTYPE = {"vlan": 1, "qinq": 1, "sll": 113, "sll2": 276, "raw": 101, "null": 0,
            "null-be": 0, "loop": 108, "ipv4": 228, "ppp": 9, "pppoe-dlt": 51, "nflog": 239}
MACS = bytes.fromhex("020000000002" "020000000001")
OUTER4 = (bytes([198, 51, 100, 1]), bytes([198, 51, 100, 2]))
OUTER6 = (bytes.fromhex("20010db8ffff0000000000000000" "0001"),
          bytes.fromhex("20010db8ffff0000000000000000" "0002"))
ENDIAN = ">"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def outer_ip(proto, payload, six=False):
    """An Ethernet frame with an outer IPv4 (or IPv6) header around payload."""
    if six:
        ip = struct.pack("!IHBB", 0x60000000, len(payload), proto, 64) + OUTER6[0] + OUTER6[1]
        return MACS + b"\x86\xdd" + ip + payload
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0,
                    OUTER4[0], OUTER4[1])
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return MACS + b"\x08\x00" + h + payload


def udp(dport, payload):
    return struct.pack("!HHHH", 49152, dport, 8 + len(payload), 0) + payload


def gre(kind, proto, payload):
    if kind == "gre-key":  # C, K, S: checksum and reserved, key, sequence
        return struct.pack("!HHHHII", 0xB000, proto, 0, 0, 0x1234, 7) + payload
    if kind in ("erspan2", "erspan3"):  # S: the sequence number
        return struct.pack("!HHI", 0x1000, proto, 7) + payload
    return struct.pack("!HH", 0, proto) + payload


def nflog(proto, ip):
    """family, version 0, resource id 5; TLVs in the file's byte order."""
    def tlv(t, v):
        pad = b"\0" * (-len(v) % 4)
        return struct.pack(ENDIAN + "HH", 4 + len(v), t) + v + pad
    fam = 2 if proto == 0x0800 else 10
    return (struct.pack("!BBH", fam, 0, 5) + tlv(1, struct.pack("!HBB", proto, 1, 0)) +
            tlv(10, b"tlsdiag") + tlv(9, ip) + tlv(3, b"\0" * 16))


def encap(frame, kind):
    ethertype, ip = frame[12:14], frame[14:]
    proto = struct.unpack("!H", ethertype)[0]
    if kind == "mpls":  # label 100, then label 200 bottom of stack
        return MACS + b"\x88\x47" + struct.pack("!II", 100 << 12 | 64, 200 << 12 | 0x100 | 64) + ip
    if kind == "mpls-pw":
        return MACS + b"\x88\x47" + struct.pack("!II", 300 << 12 | 0x100 | 64, 0) + frame
    if kind == "pppoe":
        ppp = b"\x00\x21" if proto == 0x0800 else b"\x00\x57"
        return MACS + b"\x88\x64" + struct.pack("!BBHH", 0x11, 0, 0x2a, len(ip) + 2) + ppp + ip
    if kind == "pppoe-dlt":
        ppp = b"\x00\x21" if proto == 0x0800 else b"\x00\x57"
        return struct.pack("!BBHH", 0x11, 0, 0x2a, len(ip) + 2) + ppp + ip
    if kind == "ppp":
        return b"\xff\x03" + (b"\x00\x21" if proto == 0x0800 else b"\x00\x57") + ip
    if kind == "nflog":
        return nflog(proto, ip)
    if kind in ("gre", "gre-key"):
        return outer_ip(47, gre(kind, proto, ip))
    if kind == "gretap":
        return outer_ip(47, gre(kind, 0x6558, frame))
    if kind == "erspan1":
        return outer_ip(47, gre(kind, 0x88BE, frame))
    if kind == "erspan2":  # version 1, VLAN 0, session 9, index 0
        return outer_ip(47, gre(kind, 0x88BE, struct.pack("!HHI", 0x1000, 9, 0) + frame))
    if kind == "erspan3":  # version 2, session 9, timestamp, SGT, HW id, O: the subheader
        hdr = struct.pack("!HHIHH", 0x2000, 9, 12345, 0, 0x0001) + struct.pack("!II", 0x0800_0000, 0)
        return outer_ip(47, gre(kind, 0x22EB, hdr + frame))
    if kind in ("vxlan", "vxlan6"):
        return outer_ip(17, udp(4789, struct.pack("!II", 0x08000000, 42 << 8) + frame), kind == "vxlan6")
    if kind == "geneve":  # one option: class 0x0103, type 0x80, 4 bytes of data
        opt = struct.pack("!HBB", 0x0103, 0x80, 1) + b"\xde\xad\xbe\xef"
        hdr = struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, 42 << 8) + opt
        return outer_ip(17, udp(6081, hdr + frame))
    if kind in ("gre4", "gre5"):
        for _ in range(int(kind[3])):
            frame = outer_ip(47, gre("gre", 0x6558, frame))
        return frame
    if kind == "nested":
        inner = outer_ip(47, gre(kind, 0x6558, encap(frame, "vxlan")))
        return encap(inner, "mpls-pw")
    return None


def relink(frame, kind):
    new = encap(frame, kind)
    if new is not None:
        return new
    ethertype, ip = frame[12:14], frame[14:]
    proto = struct.unpack("!H", ethertype)[0]
    if kind == "vlan":
        return frame[:12] + b"\x81\x00\x00\x64" + frame[12:]
    if kind == "qinq":
        return frame[:12] + b"\x88\xa8\x00\xc8\x81\x00\x00\x64" + frame[12:]
    if kind == "sll":  # packet type, ARPHRD, address length, address (8), protocol
        return struct.pack("!HHH8sH", 0, 1, 6, frame[6:12] + b"\0\0", proto) + ip
    if kind == "sll2":  # protocol, reserved, ifindex, ARPHRD, packet type, address length, address
        return struct.pack("!HHIHBB8s", proto, 0, 1, 1, 0, 6, frame[6:12] + b"\0\0") + ip
    if kind in ("raw", "ipv4"):
        return ip
    af = 2 if proto == 0x0800 else 10
    if kind == "null":
        return struct.pack("<I", af) + ip
    return struct.pack("!I", af if kind == "loop" else af) + ip


def main():
    src, dst, kind = sys.argv[1:4]
    data = open(src, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    global ENDIAN
    ENDIAN = endian
    hdr = bytearray(data[:24])
    struct.pack_into(endian + "I", hdr, 20, LINKTYPE.get(kind, 1))
    snap = struct.unpack_from(endian + "I", hdr, 16)[0]
    struct.pack_into(endian + "I", hdr, 16, min(snap + 256, 0x7fffffff))
    out = [bytes(hdr)]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack_from(endian + "IIII", data, off)
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        new = relink(frame, kind)
        out.append(struct.pack(endian + "IIII", sec, frac, len(new), orig - len(frame) + len(new)))
        out.append(new)
    open(dst, "wb").write(b"".join(out))


main()
