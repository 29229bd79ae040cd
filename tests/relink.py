"""Rewrite an Ethernet pcap into another link type, packet by packet, so one
real capture can show that every supported link layer gives the same
analysis. Usage: relink.py IN OUT KIND, KIND one of vlan, qinq, sll, sll2,
raw, null, null-be, loop, ipv4."""
import struct
import sys

LINKTYPE = {"vlan": 1, "qinq": 1, "sll": 113, "sll2": 276, "raw": 101, "null": 0,
            "null-be": 0, "loop": 108, "ipv4": 228}


def relink(frame, kind):
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
    hdr = bytearray(data[:24])
    struct.pack_into(endian + "I", hdr, 20, LINKTYPE[kind])
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
