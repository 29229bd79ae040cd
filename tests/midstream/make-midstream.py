#!/usr/bin/env python3
"""Mid-stream variants of a capture: as if tcpdump had started late.

  make-midstream.py IN OUT [--from-payload] [--start N] [--trim BYTES]

--from-payload  drop every packet of a connection before its first payload
                (the SYN, SYN-ACK and ACK): the whole handshake stays visible,
                so tlsdiag must give the original's verdict.
--start N       drop frames 1..N-1 (whatever they were).
--trim BYTES    cut BYTES off the front of the first kept payload segment
                (its sequence number moves on, its IP length shrinks), so the
                capture starts inside a TLS record.

Classic pcap, Ethernet (linktype 1), IPv4 or IPv6 (no extension headers) and TCP:
what captures/ holds.
Checksums are left as they are (tlsdiag does not verify them, and loopback
captures carry partial ones anyway).
"""
import argparse
import os
import struct


def expected_options(srcdir):
    """{capture name: its tlsdiag options} from captures/EXPECTED, paths made absolute."""
    opts = {}
    for line in open(os.path.join(srcdir, 'captures/EXPECTED')):
        parts = line.split()
        if parts and not line.startswith('#'):
            opts.setdefault(parts[0], [o.replace('../tests', os.path.join(srcdir, 'tests')) for o in parts[2:]])
    return opts


def packets(data):
    off = 24
    while off + 16 <= len(data):
        ts, us, cl, ol = struct.unpack('<IIII', data[off:off + 16])
        yield [ts, us, bytearray(data[off + 16:off + 16 + cl]), ol]
        off += 16 + cl


def tcp_of(frame):
    """(ip offset, tcp offset, payload offset, key) of an Ethernet/IPv4 or IPv6/TCP frame
    (no IPv6 extension headers), else None."""
    ip = 14
    if len(frame) >= 34 and frame[12:14] == b'\x08\x00' and frame[ip + 9] == 6:
        tcp = ip + (frame[ip] & 0x0f) * 4
        src, dst = bytes(frame[ip + 12:ip + 16]), bytes(frame[ip + 16:ip + 20])
    elif len(frame) >= 74 and frame[12:14] == b'\x86\xdd' and frame[ip + 6] == 6:
        tcp = ip + 40
        src, dst = bytes(frame[ip + 8:ip + 24]), bytes(frame[ip + 24:ip + 40])
    else:
        return None
    doff = (frame[tcp + 12] >> 4) * 4
    a = (src, bytes(frame[tcp:tcp + 2]))
    b = (dst, bytes(frame[tcp + 2:tcp + 4]))
    return ip, tcp, tcp + doff, tuple(sorted([a, b]))


def trim(p, n):
    frame = p[2]
    ip, tcp, pay, _ = tcp_of(frame)
    n = min(n, len(frame) - pay)
    seq = struct.unpack('!I', frame[tcp + 4:tcp + 8])[0]
    frame[tcp + 4:tcp + 8] = struct.pack('!I', (seq + n) & 0xffffffff)
    at = ip + 2 if frame[12:14] == b'\x08\x00' else ip + 4  # IPv4 total / IPv6 payload length
    total = struct.unpack('!H', frame[at:at + 2])[0]
    frame[at:at + 2] = struct.pack('!H', total - n)
    del frame[pay:pay + n]
    p[3] -= n


def variant(data, from_payload=False, start=1, trim_bytes=0):
    """The capture `data` (bytes) as if tcpdump had started late."""
    out = [data[:24]]
    started = set()
    trimmed = trim_bytes == 0
    for i, p in enumerate(packets(data), 1):
        if i < start:
            continue
        t = tcp_of(p[2])
        if t and from_payload and t[3] not in started:
            if len(p[2]) <= t[2]:
                continue
            started.add(t[3])
        if t and not trimmed and len(p[2]) > t[2]:
            trim(p, trim_bytes)
            trimmed = True
        out.append(struct.pack('<IIII', p[0], p[1], len(p[2]), p[3]) + bytes(p[2]))
    return b''.join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('inp')
    ap.add_argument('out')
    ap.add_argument('--from-payload', action='store_true')
    ap.add_argument('--start', type=int, default=1)
    ap.add_argument('--trim', type=int, default=0)
    a = ap.parse_args()
    data = open(a.inp, 'rb').read()
    open(a.out, 'wb').write(variant(data, a.from_payload, a.start, a.trim))


if __name__ == '__main__':
    main()
