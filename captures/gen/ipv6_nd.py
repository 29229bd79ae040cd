#!/usr/bin/env python3
"""Build the first IPv6 packets an IP-HTTPS tunnel carries (python3 stdlib only).

After "HTTP/1.1 200 OK" the IP-HTTPS body is raw IPv6 packets back to back.
The first ones are Neighbor Discovery: the client sends a Router Solicitation,
the DirectAccess server answers with a Router Advertisement carrying the
client's /64 prefix. ICMPv6 is exempt from DA IPsec, so with a NULL cipher
suite these packets are readable in the capture. We build real packets with
correct ICMPv6 checksums so that a parser can check IPv6 payload lengths.

Usage: ipv6_nd.py rs|ra   (writes the packet bytes to stdout)
"""
import ipaddress
import struct
import sys

CLIENT_LL = ipaddress.IPv6Address("fe80::5efe:7f00:1")   # arbitrary link-local
SERVER_LL = ipaddress.IPv6Address("fe80::1")
ALL_ROUTERS = ipaddress.IPv6Address("ff02::2")
ALL_NODES = ipaddress.IPv6Address("ff02::1")
PREFIX = ipaddress.IPv6Address("2001:db8:1:1000::")    # documentation prefix

ICMPV6 = 58


def _csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _ipv6(src, dst, icmp_wo_csum: bytes) -> bytes:
    # ICMPv6 checksum covers the IPv6 pseudo-header (RFC 8200 8.1).
    pseudo = src.packed + dst.packed + struct.pack("!I3xB", len(icmp_wo_csum), ICMPV6)
    c = _csum(pseudo + icmp_wo_csum)
    icmp = icmp_wo_csum[:2] + struct.pack("!H", c) + icmp_wo_csum[4:]
    hdr = struct.pack("!IHBB", 6 << 28, len(icmp), ICMPV6, 255) + src.packed + dst.packed
    return hdr + icmp


def router_solicitation() -> bytes:
    # type 133, code 0, checksum, reserved (RFC 4861 4.1); no options: 48 bytes total
    return _ipv6(CLIENT_LL, ALL_ROUTERS, struct.pack("!BBHI", 133, 0, 0, 0))


def router_advertisement() -> bytes:
    # type 134: cur hop limit 64, M/O flags 0, router lifetime 1800 s (RFC 4861 4.2)
    ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    # Prefix Information option (type 3, length 4 x 8 bytes): /64, L+A flags
    pio = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + PREFIX.packed
    return _ipv6(SERVER_LL, ALL_NODES, ra + pio)


def main() -> int:
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "rs":
        pkt = router_solicitation()
    elif what == "ra":
        pkt = router_advertisement()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        sys.stdout.buffer.write(pkt)
        sys.stdout.flush()
    except BrokenPipeError:   # the TLS client already went away
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
