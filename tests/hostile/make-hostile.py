#!/usr/bin/env python3
"""Write tlsdiag's hostile captures: classic pcap, Ethernet, IPv4, TCP to port 443.

    make-hostile.py OUTDIR [NAME ...]     default: every file below (full size)
    make-hostile.py --list                the names
    make-hostile.py --expect NAME         what tlsdiag must find in NAME (JSON): the JA3 and
                                          JA4 of its hello, its certificate count...

Every conversation has a real 3-way handshake (MSS and window scale options),
correct sequence and acknowledgement numbers, IP and TCP checksums, and ACKs
that keep each side inside the other's window, so libnids follows it. The TLS
bytes are built field by field (record, handshake, client_hello, ...); the
certificates are tests/pki/leaf.pem. The output is the same on every run
(fixed timestamps, addresses, sequence numbers and "random" bytes).

python3 standard library only. See tests/hostile/README.md for what each file
exercises and the behaviour tests/hostile.sh asserts.
"""
import base64
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))

T0 = 1795460000  # 2026-11-23: inside the validity of tests/pki/leaf.pem
SERVER_IP = bytes([192, 0, 2, 10])
CLIENT_IP = bytes([198, 51, 100, 7])
MAC_C = bytes.fromhex("020000000001")
MAC_S = bytes.fromhex("020000000002")
ETH_C2S = MAC_S + MAC_C + b"\x08\x00"
ETH_S2C = MAC_C + MAC_S + b"\x08\x00"

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
SYN_OPTS = b"\x02\x04\x05\xb4" + b"\x01" + b"\x03\x03\x07"  # MSS 1460, NOP, wscale 7
MSS = 1460


# ---------------------------------------------------------------- pcap, IP, TCP

class Pcap:
    """A classic pcap file (microseconds, little-endian), written through a buffer."""

    def __init__(self, path, snaplen=262144, linktype=1):
        self.f = open(path, "wb")
        self.buf = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))

    def add(self, ts_us, frame, wirelen=None):
        self.buf += struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, len(frame),
                                len(frame) if wirelen is None else wirelen)
        self.buf += frame
        if len(self.buf) >= 1 << 22:
            self.flush()

    def flush(self):
        self.f.write(self.buf)
        self.buf = bytearray()

    def close(self):
        self.flush()
        self.f.close()


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def csum(data):
    if len(data) % 2:
        data += b"\0"
    return ~fold(sum(struct.unpack("!%dH" % (len(data) // 2), data))) & 0xFFFF


def ip_tcp(src, dst, sport, dport, seq, ack, flags, win, payload=b"", opts=b"", ipid=0, ttl=64):
    """An IPv4 packet carrying one TCP segment, both checksums right."""
    thl = 20 + len(opts)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      (thl // 4) << 4, flags, win, 0, 0) + opts
    pseudo = src + dst + struct.pack("!BBH", 0, 6, thl + len(payload))
    c = csum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + thl + len(payload), ipid & 0xFFFF, 0x4000,
                      ttl, 6, 0, src, dst)
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    return iph + tcp + payload


class Conn:
    """One TCP connection: client CLIENT_IP:cport (or cip) -> SERVER_IP:443."""

    def __init__(self, pcap, cport, cip=CLIENT_IP, t_us=T0 * 1000000, cisn=0x10000000,
                 sisn=0x70000000):
        self.w = pcap
        self.cip, self.cport = cip, cport
        self.sip, self.sport = SERVER_IP, 443
        self.t = t_us
        self.seq = {True: cisn, False: sisn}  # next sequence number to send, per side
        self.ipid = {True: 1, False: 1}

    def tick(self, us):
        self.t += us

    def pkt(self, from_client, flags, payload=b"", seq=None, opts=b"", win=65535, dt=50):
        self.tick(dt)
        s = self.seq[from_client] if seq is None else seq
        ack = self.seq[not from_client] if flags & ACK else 0
        if from_client:
            frame = ETH_C2S + ip_tcp(self.cip, self.sip, self.cport, self.sport, s, ack, flags, win,
                                     payload, opts, self.ipid[True], 128)
        else:
            frame = ETH_S2C + ip_tcp(self.sip, self.cip, self.sport, self.cport, s, ack, flags, win,
                                     payload, opts, self.ipid[False], 64)
        self.ipid[from_client] += 1
        self.w.add(self.t, frame)
        if seq is None:
            self.seq[from_client] = s + len(payload) + (1 if flags & (SYN | FIN) else 0)

    def handshake(self):
        self.pkt(True, SYN, opts=SYN_OPTS, win=64240)
        self.pkt(False, SYN | ACK, opts=SYN_OPTS, win=65160, dt=300)
        self.pkt(True, ACK)

    def send(self, from_client, data, ack_every=32):
        """data in MSS segments; the peer ACKs every ack_every segments and at the end."""
        n = 0
        for off in range(0, len(data), MSS):
            self.pkt(from_client, PSH | ACK, data[off:off + MSS], dt=20)
            n += 1
            if n % ack_every == 0:
                self.pkt(not from_client, ACK, dt=20)
        self.pkt(not from_client, ACK)

    def close(self, client_first=True):
        self.pkt(client_first, FIN | ACK, dt=1000)
        self.pkt(not client_first, FIN | ACK)
        self.pkt(client_first, ACK)


# ---------------------------------------------------------------- TLS, byte-exact

def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def vec24(b):
    return u24(len(b)) + b


def pseudo_random(label, n):
    """n deterministic bytes."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s:%d" % (label.encode(), i)).digest()
        i += 1
    return bytes(out[:n])


def record(ctype, version, body, length=None):
    """A TLS record; length overrides the header's length field (hostile)."""
    return u8(ctype) + u16(version) + u16(len(body) if length is None else length) + body


def records(ctype, version, data, frag=16384):
    """data cut into records of at most frag bytes."""
    return b"".join(record(ctype, version, data[i:i + frag]) for i in range(0, len(data), frag))


def handshake(htype, body, length=None):
    return u8(htype) + u24(len(body) if length is None else length) + body


def ext(etype, body=b""):
    return u16(etype) + vec16(body)


def ext_sni(name):
    return ext(0, vec16(u8(0) + vec16(name.encode())))


SIGALGS = (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601)
GROUPS = (0x001D, 0x0017, 0x0018)  # x25519, secp256r1, secp384r1
EXT_GROUPS = ext(10, vec16(b"".join(u16(g) for g in GROUPS)))
EXT_POINTS = ext(11, vec8(u8(0)))
EXT_SIGALGS = ext(13, vec16(b"".join(u16(a) for a in SIGALGS)))
EXT_EMS = ext(23)
EXT_RENEG = ext(0xFF01, vec8(b""))
SUITES = (0xC02F, 0xC030, 0xC02B, 0xC02C, 0x009E, 0x009C, 0x003C, 0x002F, 0x00FF)


def client_hello(suites=SUITES, exts=None, sni="da.contoso.test", version=0x0303, label="ch"):
    if exts is None:
        exts = [ext_sni(sni), EXT_GROUPS, EXT_POINTS, EXT_SIGALGS, EXT_EMS]
    body = (u16(version) + pseudo_random(label, 32) + vec8(b"") +
            vec16(b"".join(u16(s) for s in suites)) + vec8(u8(0)) + vec16(b"".join(exts)))
    return handshake(1, body)


def server_hello(suite=0xC02F, exts=(EXT_RENEG, EXT_EMS), version=0x0303, label="sh"):
    body = (u16(version) + pseudo_random(label, 32) + vec8(pseudo_random(label + "sid", 32)) +
            u16(suite) + u8(0) + vec16(b"".join(exts)))
    return handshake(2, body)


def certificate(ders):
    return handshake(11, vec24(b"".join(vec24(d) for d in ders)))


def server_key_exchange(label="ske"):
    params = u8(3) + u16(0x001D) + vec8(pseudo_random(label + "pub", 32))
    return handshake(12, params + u16(0x0804) + vec16(pseudo_random(label + "sig", 256)))


SERVER_HELLO_DONE = handshake(14, b"")


def client_key_exchange(label="cke"):
    return handshake(16, vec8(pseudo_random(label, 32)))


def alert(level, desc, version=0x0303):
    return record(21, version, u8(level) + u8(desc))


CCS = record(20, 0x0303, b"\x01")


def encrypted(ctype, n, label):
    """A record whose body stands for ciphertext (AES-GCM: 8 nonce + data + 16 tag)."""
    return record(ctype, 0x0303, pseudo_random(label, n))


def leaf_der():
    with open(os.path.join(SRCDIR, "tests", "pki", "leaf.pem")) as f:
        pem = f.read()
    b64 = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(b64.split()))


def server_flight(ders=None, cert_msg=None):
    """ServerHello, Certificate, ServerKeyExchange, ServerHelloDone in one record each."""
    cert = cert_msg if cert_msg is not None else certificate(ders or [leaf_der()])
    return (record(22, 0x0303, server_hello()) + records(22, 0x0303, cert) +
            record(22, 0x0303, server_key_exchange()) + record(22, 0x0303, SERVER_HELLO_DONE))


def client_finish(label="c"):
    return (record(22, 0x0303, client_key_exchange(label + "cke")) + CCS +
            encrypted(22, 40, label + "fin"))


def server_finish(label="s"):
    return CCS + encrypted(22, 40, label + "fin")


def complete_session(c, label):
    """After the server's first flight: the rest of a TLS 1.2 handshake, one request and answer."""
    c.send(True, client_finish(label + "c"))
    c.send(False, server_finish(label + "s"))
    c.send(True, encrypted(23, 24 + 120, label + "req"))
    c.send(False, encrypted(23, 24 + 800, label + "resp"))
    c.send(True, encrypted(21, 26, label + "cn"))  # close_notify
    c.close()


# ---------------------------------------------------------------- the files

def records_len0(path):
    """Zero-length records. #1: a handshake record before the ClientHello (RFC 5246 6.2.1
    forbids it), then from the server an alert record (forbidden too) and a real alert.
    #2: a zero-length ChangeCipherSpec (not the single byte 1) before the real one, then a
    zero-length application_data record after the handshake (allowed)."""
    w = Pcap(path)
    c = Conn(w, 50001)
    c.handshake()
    c.send(True, record(22, 0x0301, b"") + record(22, 0x0301, client_hello(label="len0")))
    c.send(False, server_flight())
    c.send(True, client_finish("len0c"))
    c.send(False, record(21, 0x0303, b"") + alert(2, 10))  # empty alert, then unexpected_message
    c.close(client_first=False)

    c = Conn(w, 50007, t_us=(T0 + 10) * 1000000)
    c.handshake()
    c.send(True, record(22, 0x0301, client_hello(label="len0b")))
    c.send(False, server_flight())
    c.send(True, record(22, 0x0303, client_key_exchange("len0bcke")) + record(20, 0x0303, b"") +
           CCS + encrypted(22, 40, "len0bfin"))
    c.send(False, server_finish("len0bs"))
    c.send(True, encrypted(23, 24 + 120, "len0breq") + record(23, 0x0303, b""))
    c.send(False, encrypted(23, 24 + 800, "len0bresp"))
    c.close()
    w.close()


def record_too_long(path, length, from_client):
    """One record whose header says `length` (above 2^14+2048), with that many bytes following."""
    w = Pcap(path)
    c = Conn(w, 50002 if from_client else 50003)
    c.handshake()
    if from_client:
        # A real ClientHello padded (extension 21) to fill the oversized record exactly.
        base = client_hello(label="big")
        pad = length - len(base) - 4  # the padding extension's header
        exts = [ext_sni("da.contoso.test"), EXT_GROUPS, EXT_POINTS, EXT_SIGALGS, EXT_EMS,
                ext(21, bytes(pad))]
        ch = client_hello(exts=exts, label="big")
        assert len(ch) == length, (len(ch), length)
        c.send(True, record(22, 0x0301, ch))
        c.send(False, alert(2, 22))  # record_overflow
        c.close(client_first=False)
    else:
        c.send(True, record(22, 0x0301, client_hello(label="big")))
        flight = record(22, 0x0303, server_hello())[5:] + certificate([leaf_der()])
        body = flight + pseudo_random("bigpad", length - len(flight))
        c.send(False, record(22, 0x0303, body))
        c.send(True, alert(2, 22))
        c.close()
    w.close()


def hs_len_max(path):
    """A Certificate message of 2^24-1 bytes: the leaf 16 times (as many as tlsdiag keeps),
    then 4 190 811 one-byte "certificates", 4 190 827 entries in all; then the rest of the
    server's flight. Sent whole: 1025 records, 11 500 segments."""
    w = Pcap(path)
    c = Conn(w, 50004)
    c.handshake()
    c.send(True, record(22, 0x0301, client_hello(label="hsmax")))
    total = (1 << 24) - 1
    entries = vec24(leaf_der()) * 16
    tiny, left = divmod(total - 3 - len(entries), 4)
    # One-byte entries fill the list; a longer last one takes up what 4 does not divide.
    body = vec24(entries + vec24(b"\x30") * (tiny - 1) + vec24(b"\x30" * (1 + left)))
    msg = handshake(11, body)
    assert len(msg) == 4 + total
    flight = (record(22, 0x0303, server_hello()) + records(22, 0x0303, msg) +
              record(22, 0x0303, server_key_exchange()) + record(22, 0x0303, SERVER_HELLO_DONE))
    c.send(False, flight)
    c.send(True, alert(2, 42))  # bad_certificate
    c.close()
    w.close()


def many_extensions(count=10000):
    """The ClientHello extensions: the usual five, then empty unassigned types from 0x2000."""
    exts = [ext_sni("da.contoso.test"), EXT_GROUPS, EXT_POINTS, EXT_SIGALGS, EXT_EMS]
    types = [0, 10, 11, 13, 23]
    t = 0x2000
    while len(exts) < count:
        if (t & 0x0F0F) != 0x0A0A:  # no GREASE values
            exts.append(ext(t))
            types.append(t)
        t += 1
    return exts, types


def ch_many_extensions(path, count=10000):
    """A ClientHello with `count` extensions, 40 048 bytes of them, in three records; then a
    whole TLS 1.2 handshake and one request and answer."""
    w = Pcap(path)
    c = Conn(w, 50005)
    c.handshake()
    ch = client_hello(exts=many_extensions(count)[0], label="manyext")
    c.send(True, records(22, 0x0301, ch))
    c.send(False, server_flight())
    complete_session(c, "manyext")
    w.close()


def is_grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def ja3_ja4(suites, ext_types, groups, formats, sigalgs, version=0x0303, alpn="00"):
    """JA3 (MD5 hex) and JA4 of a ClientHello, from the whole lists (GREASE left out)."""
    s = [v for v in suites if not is_grease(v)]
    e = [v for v in ext_types if not is_grease(v)]
    g = [v for v in groups if not is_grease(v)]
    ja3 = "%d,%s,%s,%s,%s" % (version, "-".join(map(str, s)), "-".join(map(str, e)),
                              "-".join(map(str, g)), "-".join(map(str, formats)))
    vcode = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10"}.get(version, "00")
    a = "t%s%s%02d%02d%s" % (vcode, "d" if 0 in e else "i", min(len(s), 99), min(len(e), 99), alpn)
    b = hashlib.sha256(",".join("%04x" % v for v in sorted(s)).encode()).hexdigest()[:12]
    c_in = ",".join("%04x" % v for v in sorted(v for v in e if v not in (0, 0x10)))
    sa = [v for v in sigalgs if not is_grease(v)]
    if sa:
        c_in += "_" + ",".join("%04x" % v for v in sa)
    c = hashlib.sha256(c_in.encode()).hexdigest()[:12]
    return hashlib.md5(ja3.encode()).hexdigest(), "%s_%s_%s" % (a, b, c)


def expect(name):
    """What tlsdiag must find in a file, computed here from how it was built."""
    der = leaf_der()
    if name == "ch-10000-extensions.pcap":
        ja3, ja4 = ja3_ja4(SUITES, many_extensions()[1], GROUPS, [0], SIGALGS)
        return {"extensions": 10000, "ja3_hash": ja3, "ja4": ja4}
    if name == "cert-chain-1000.pcap":
        return {"certificates": 1000, "message_length": 3 + 1000 * (3 + len(der))}
    if name == "hs-len-16777215.pcap":
        return {"certificates": 16 + ((1 << 24) - 1 - 3 - 16 * (3 + len(der))) // 4,
                "message_length": (1 << 24) - 1}
    if name == "normal-hello":
        ja3, ja4 = ja3_ja4(SUITES, [0, 10, 11, 13, 23], GROUPS, [0], SIGALGS)
        return {"ja3_hash": ja3, "ja4": ja4}
    return {}


def cert_chain(path, count=1000):
    """A server Certificate with `count` certificates (the leaf, repeated)."""
    w = Pcap(path)
    c = Conn(w, 50006)
    c.handshake()
    c.send(True, record(22, 0x0301, client_hello(label="chain")))
    c.send(False, server_flight(ders=[leaf_der()] * count))
    complete_session(c, "chain")
    w.close()


def sni_hellos():
    """Two ClientHello records of equal length whose SNIs differ ("first" / "other")."""
    a = record(22, 0x0301, client_hello(sni="first.contoso.test", label="ovl"))
    b = record(22, 0x0301, client_hello(sni="other.contoso.test", label="ovl"))
    assert len(a) == len(b)
    return a, b


def overlap_different_data(path):
    """#1: segment B overlaps the end of A with different bytes (the SNI), in order.
    #2: the same two segments, B (later sequence numbers) captured first."""
    w = Pcap(path)
    a, b = sni_hellos()
    cut, start = 100, 60  # A = a[0:100]; B = b[60:]: bytes 60..99 differ (the SNI is there)
    assert a[:start] == b[:start] and a[start:cut] != b[start:cut]
    for n, b_first in ((0, False), (1, True)):
        c = Conn(w, 50010 + n, t_us=(T0 + 10 * n) * 1000000)
        c.handshake()
        isn = c.seq[True]
        segs = [(isn, a[:cut]), (isn + start, b[start:])]
        if b_first:
            segs.reverse()
        for seq, data in segs:
            c.pkt(True, PSH | ACK, data, seq=seq)
        c.seq[True] = isn + len(a)
        c.pkt(False, ACK)
        c.send(False, server_flight())
        complete_session(c, "ovl%d" % n)
    w.close()


def retrans_different_data(path):
    """The ClientHello segment, then a retransmission (same sequence numbers) with another SNI."""
    w = Pcap(path)
    a, b = sni_hellos()
    c = Conn(w, 50020)
    c.handshake()
    isn = c.seq[True]
    c.pkt(True, PSH | ACK, a, seq=isn)
    c.pkt(True, PSH | ACK, b, seq=isn, dt=200000)  # RTO: retransmitted, different bytes
    c.seq[True] = isn + len(a)
    c.pkt(False, ACK)
    c.send(False, server_flight())
    complete_session(c, "retrans")
    w.close()


def synflood(path, count):
    """count SYNs from distinct source addresses and ports; nothing answers."""
    w = Pcap(path)
    tmpl = bytearray(ETH_C2S + ip_tcp(bytes(4), SERVER_IP, 0, 443, 0, 0, SYN, 64240,
                                      opts=b"\x02\x04\x05\xb4", ipid=0, ttl=128))
    # Checksums over the template with zero source address, port, sequence number and IP ID;
    # each packet adds its own words (one's complement sums are order-free).
    e = 14
    struct.pack_into("!H", tmpl, e + 10, 0)
    struct.pack_into("!H", tmpl, e + 36, 0)
    ip_base = sum(struct.unpack("!10H", bytes(tmpl[e:e + 20])))
    tcp_len = len(tmpl) - e - 20
    tcp_base = (sum(struct.unpack("!%dH" % (tcp_len // 2), bytes(tmpl[e + 20:]))) +
                sum(struct.unpack("!2H", SERVER_IP)) + 6 + tcp_len)
    rec = struct.Struct("<IIII")
    buf = w.buf
    flen = len(tmpl)
    for i in range(count):
        a = 0x0A000000 + 1 + (i >> 10)          # 10.0.0.1, 10.0.0.2, ...: 1024 ports each
        port = 1024 + (i & 1023) * 61           # spread over 1024..63427
        seq = (i * 2654435761) & 0xFFFFFFFF
        ipid = i & 0xFFFF
        ah, al = a >> 16, a & 0xFFFF
        struct.pack_into("!H", tmpl, e + 4, ipid)
        struct.pack_into("!I", tmpl, e + 12, a)
        struct.pack_into("!H", tmpl, e + 10, ~fold(ip_base + ipid + ah + al) & 0xFFFF)
        struct.pack_into("!H", tmpl, e + 20, port)
        struct.pack_into("!I", tmpl, e + 24, seq)
        s = tcp_base + ah + al + port + (seq >> 16) + (seq & 0xFFFF)
        struct.pack_into("!H", tmpl, e + 36, ~fold(s) & 0xFFFF)
        ts = T0 * 1000000 + i  # one SYN per microsecond
        buf += rec.pack(ts // 1000000, ts % 1000000, flen, flen)
        buf += tmpl
        if len(buf) >= 1 << 22:
            w.f.write(buf)
            buf.clear()
    w.close()


def conns_one_byte(path, count):
    """count connections: every 3-way handshake first, then one byte from each client, then
    nothing (no ACK, no FIN): all of them open at once at the end of the capture."""
    w = Pcap(path)
    conns = []
    for i in range(count):
        cip = bytes([10, 1 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF])
        c = Conn(w, 40000 + (i % 20000), cip=cip, t_us=T0 * 1000000 + 100 * i,
                 cisn=(i * 2654435761) & 0xFFFFFFFF, sisn=(i * 40503 + 7) & 0xFFFFFFFF)
        c.handshake()
        conns.append(c)
    t = conns[-1].t
    for c in conns:
        t += 10
        c.t = t
        c.pkt(True, PSH | ACK, b"\x16", dt=0)  # the first byte of a TLS record
    w.close()


def snap64(path, src=None):
    """A real capture with every packet cut at 64 bytes (caplen 64, len unchanged)."""
    src = src or os.path.join(SRCDIR, "captures", "iphttps-null-ok.pcap")
    with open(src, "rb") as f:
        data = f.read()
    magic, vmaj, vmin, zone, sig, snaplen, link = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4 and link == 1, "expected a little-endian Ethernet pcap"
    out = bytearray(struct.pack("<IHHiIII", magic, vmaj, vmin, zone, sig, 64, link))
    off = 24
    while off < len(data):
        sec, usec, caplen, wirelen = struct.unpack("<IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + caplen]
        out += struct.pack("<IIII", sec, usec, min(caplen, 64), wirelen) + pkt[:64]
        off += 16 + caplen
    with open(path, "wb") as f:
        f.write(out)


FILES = {
    "records-len0.pcap": records_len0,
    "record-len-18433.pcap": lambda p: record_too_long(p, (1 << 14) + 2049, True),
    "record-len-65535.pcap": lambda p: record_too_long(p, 65535, False),
    "hs-len-16777215.pcap": hs_len_max,
    "ch-10000-extensions.pcap": ch_many_extensions,
    "cert-chain-1000.pcap": cert_chain,
    "overlap-different-data.pcap": overlap_different_data,
    "retrans-different-data.pcap": retrans_different_data,
    "synflood-1m.pcap": lambda p: synflood(p, 1000000),
    "conns-100k-one-byte.pcap": lambda p: conns_one_byte(p, 100000),
    "snap64.pcap": snap64,
    # The smaller versions tests/hostile.sh always runs.
    "synflood-100k.pcap": lambda p: synflood(p, 100000),
    "conns-20k-one-byte.pcap": lambda p: conns_one_byte(p, 20000),
}


def main(argv):
    if len(argv) >= 2 and argv[1] == "--list":
        print("\n".join(FILES))
        return 0
    if len(argv) == 3 and argv[1] == "--expect":
        import json
        print(json.dumps(expect(argv[2]), sort_keys=True))
        return 0
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    outdir = argv[1]
    names = argv[2:] or list(FILES)
    unknown = [n for n in names if n not in FILES]
    if unknown:
        sys.stderr.write("make-hostile.py: unknown file(s): %s (see --list)\n" % " ".join(unknown))
        return 2
    os.makedirs(outdir, exist_ok=True)
    for n in names:
        FILES[n](os.path.join(outdir, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
