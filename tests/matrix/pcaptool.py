#!/usr/bin/env python3
"""Split the matrix run's two loopback captures into one small pcap per connection,
derive the capture-condition variants, and write scenarios.tsv (python3 stdlib only).

  pcaptool.py build FULL.pcap SNAP96.pcap MANIFEST OUTDIR TSV

FULL.pcap is tcpdump -s 0 on lo for the whole run, SNAP96.pcap a second tcpdump -s 96
running at the same time. MANIFEST (written by gen.sh, one line per client connection,
in the order the connections were made) says for each connection: the cell name, the
destination it connected to (IP:PORT), the expected category and the acceptable
alternatives decided from the cell's set-up, flags, a description, and the times the
client started and ended. A connection belongs to the cell with its destination whose
time window holds its SYN; connections that no cell claims (squid's leg to the origin, haproxy's to its backend) are
not kept.

Variants, per flags (the expectation of each is derived here from the cell's, by the
rules in README.md):
  NAME.pcap          the connection as captured
  NAME.s96.pcap      the same connection from the tcpdump -s 96 capture   (every cell)
  NAME.tiny.pcap     every TCP payload re-cut into 16-byte segments        (flag v)
  NAME.reord.pcap    payloads re-cut into 100-byte segments, pieces of one segment
                     swapped pairwise, every 3rd piece retransmitted, one
                     overlapping retransmission per burst                  (flag v)
  NAME.cutch.pcap    capture stopped right after the ClientHello           (flag cut)
  NAME.cutsh.pcap    capture stopped right after the server's first data   (flag cut)
Cells with flag group=G go (whole only) into one capture G.pcap together.
Sequence numbers of the re-cut segments follow the bytes; IP and TCP checksums are
recomputed for every packet written anew.
"""
import struct
import sys

CERTDEP = ["cert-untrusted", "cert-expired", "cert-not-yet-valid", "cert-name-mismatch",
           "wrong-backend", "tls-inspection"]


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    else:
        e = ">"
    nsec = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    _, _, _, _, snap, link = struct.unpack(e + "HHiIII", data[4:24])
    off, pkts = 24, []
    while off + 16 <= len(data):
        ts, tsu, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if nsec:
            tsu //= 1000
        pkts.append([ts, tsu, data[off:off + incl], orig])
        off += incl
    return link, snap, pkts


def write_pcap(path, link, snap, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snap, link))
        for ts, tsu, frame, orig in pkts:
            f.write(struct.pack("<IIII", ts, tsu, len(frame), orig))
            f.write(frame)


def l2len(link):
    return {1: 14, 113: 16, 276: 20, 0: 4, 101: 0}[link]


def parse(link, frame):
    """(src, sport, dst, dport, seq, ack, flags, payload_off, payload_len, ip_off) or None"""
    o = l2len(link)
    if len(frame) < o + 20 or frame[o] >> 4 != 4 or frame[o + 9] != 6:
        return None
    ihl = (frame[o] & 15) * 4
    tot = struct.unpack("!H", frame[o + 2:o + 4])[0]
    t = o + ihl
    if len(frame) < t + 14:
        return None
    sport, dport, seq, ack = struct.unpack("!HHII", frame[t:t + 12])
    doff = (frame[t + 12] >> 4) * 4
    flags = frame[t + 13]
    src = "%d.%d.%d.%d" % tuple(frame[o + 12:o + 16])
    dst = "%d.%d.%d.%d" % tuple(frame[o + 16:o + 20])
    return (src, sport, dst, dport, seq, ack, flags, t + doff, tot - ihl - doff, o)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def rebuild(link, frame, seq, payload, flags):
    """the same packet with another sequence number, payload and flags"""
    o = l2len(link)
    ihl = (frame[o] & 15) * 4
    t = o + ihl
    doff = (frame[t + 12] >> 4) * 4
    ip = bytearray(frame[o:t])
    tcp = bytearray(frame[t:t + doff])
    struct.pack_into("!H", ip, 2, ihl + doff + len(payload))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, csum(bytes(ip)))
    struct.pack_into("!I", tcp, 4, seq)
    tcp[13] = flags
    struct.pack_into("!H", tcp, 16, 0)
    pseudo = bytes(ip[12:20]) + struct.pack("!BBH", 0, 6, doff + len(payload))
    struct.pack_into("!H", tcp, 16, csum(pseudo + bytes(tcp) + payload))
    return frame[:o] + bytes(ip) + bytes(tcp) + payload


def connections(link, pkts):
    """list of connections in the order of their first SYN: dict(client, server, pkts)"""
    conns, cur = [], {}
    for p in pkts:
        h = parse(link, p[2])
        if not h:
            continue
        src, sport, dst, dport, seq, ack, flags = h[:7]
        a, b = (src, sport), (dst, dport)
        key = frozenset((a, b))
        syn, ackf = flags & 2, flags & 16
        if syn and not ackf:
            c = cur.get(key)
            if c is None or c["isn"] != seq:
                c = {"client": a, "server": b, "isn": seq, "pkts": []}
                cur[key] = c
                conns.append(c)
        c = cur.get(key)
        if c is not None:
            c["pkts"].append(p)
    return conns


def resegment(link, pkts, size, reorder=False):
    out = []
    for p in pkts:
        h = parse(link, p[2])
        plen = h[8]
        flags = h[6]
        if plen <= size or flags & 2:
            out.append(p)
            continue
        payload = p[2][h[7]:h[7] + plen]
        pieces = []
        for i in range(0, plen, size):
            last = i + size >= plen
            fl = flags if last else flags & ~0x09  # FIN and PSH on the last piece only
            pieces.append((h[4] + i, payload[i:i + size], fl))
        burst = list(pieces)
        if reorder:
            for i in range(0, len(burst) - 1, 2):
                if (i // 2) % 2 == 0:
                    burst[i], burst[i + 1] = burst[i + 1], burst[i]
            extra = [pieces[i] for i in range(1, len(pieces), 3)]
            if len(pieces) >= 3:
                s0, d0, _ = pieces[0]
                _, d1, f1 = pieces[1]
                extra.append((s0, d0 + d1, f1 & ~0x01))
            # a retransmission never carries the FIN (that stays on the last piece)
            burst += [(s, d, f & ~0x01) for s, d, f in extra]
            # keep the FIN piece last in the burst
            fin = [x for x in burst if x[2] & 1]
            burst = [x for x in burst if not x[2] & 1] + fin
        for k, (s, d, fl) in enumerate(burst):
            fr = rebuild(link, p[2], s & 0xFFFFFFFF, d, fl)
            us = p[1] + k
            out.append([p[0] + us // 1000000, us % 1000000, fr, len(fr)])
    return out


def cut_after(link, conn, side):
    """the packets up to and including the first one with payload from side"""
    out = []
    for p in conn["pkts"]:
        out.append(p)
        h = parse(link, p[2])
        if h[8] > 0 and (h[0], h[1]) == conn[side]:
            return out
    return None


def ep(e):
    return "%s:%d" % e


def main():
    if len(sys.argv) != 7 or sys.argv[1] != "build":
        sys.exit(__doc__)
    full, snap, manifest, outdir, tsv = sys.argv[2:]
    link, _, pk = read_pcap(full)
    slink, ssnap, spk = read_pcap(snap)
    conns = connections(link, pk)
    sconns = {(ep(c["client"]), ep(c["server"]), c["isn"]): c for c in connections(slink, spk)}
    cells = []
    for line in open(manifest):
        if not line.strip() or line.startswith("#"):
            continue
        name, dest, exp, alts, flags, opts, desc, t0, t1 = line.rstrip("\n").split("\t")
        cells.append(dict(name=name, dest=dest, exp=exp, alts=[x for x in alts.split(",") if x],
                          flags=set(x for x in flags.split(",") if x), opts=opts, desc=desc,
                          t0=float(t0), t1=float(t1)))
    for c in conns:
        ts = c["pkts"][0][0] + c["pkts"][0][1] / 1e6
        for cell in cells:
            if cell["dest"] == ep(c["server"]) and cell["t0"] <= ts <= cell["t1"]:
                if "conn" in cell:
                    print("pcaptool: %s made more than one connection; the first is kept" %
                          cell["name"], file=sys.stderr)
                else:
                    cell["conn"] = c
                break
    missing = [c["name"] for c in cells if "conn" not in c]
    if missing:
        print("pcaptool: no connection for: " + " ".join(missing), file=sys.stderr)
    rows, groups = [], {}
    for cell in cells:
        c = cell.get("conn")
        if c is None:
            continue
        sel = "%s>%s" % (ep(c["client"]), ep(c["server"]))
        exp, alts, fl, name = cell["exp"], list(cell["alts"]), cell["flags"], cell["name"]
        if "t13" in fl and "cert" in fl:
            # TLS 1.3 encrypts the server's Certificate: any certificate problem, or a
            # generic failure, is what the capture can show; a client that carried on
            # past an interceptor looks like any healthy session
            alts += CERTDEP + ["handshake-failed"]
            if "accepted" in fl:
                alts += ["ok"]
        ca = "--ca-file tests/pki/root.pem"
        opts = (cell["opts"] + " " + ca).strip()

        def row(cap, e, al, o, d):
            al = [x for x in dict.fromkeys(al) if x != e]
            rows.append((cap, sel, e, ",".join(al) or "-", o or "-", d))

        grp = [f[6:] for f in fl if f.startswith("group=")]
        if grp:
            groups.setdefault(grp[0], []).extend(c["pkts"])
            row(grp[0] + ".pcap", exp, alts, opts, cell["desc"])
            continue
        write_pcap("%s/%s.pcap" % (outdir, name), link, 262144, c["pkts"])
        row(name + ".pcap", exp, alts, opts, cell["desc"])
        if "noca" in fl:
            al = list(alts)
            if exp == "cert-untrusted":
                al += ["handshake-failed"]
            row(name + ".pcap", exp, al, cell["opts"], cell["desc"] + " [analyst without the CA]")
        if "onlyports" in fl:
            # the same capture with TLS by content turned off: not on port 443, not reported
            row(name + ".pcap", "none", [], ("-p 443 --only-ports " + ca),
                cell["desc"] + " [-p 443 --only-ports: not analyzed]")
        sc = sconns.get((ep(c["client"]), ep(c["server"]), c["isn"]))
        if sc is not None:
            write_pcap("%s/%s.s96.pcap" % (outdir, name), slink, ssnap, sc["pkts"])
            al = list(alts)
            if "cert" in fl:
                al += CERTDEP + ["handshake-failed"]
                if "accepted" in fl:
                    al += ["ok"]
            if exp in ("null-cipher-rejected", "protocol-version", "client-cert-missing",
                       "client-cert-untrusted-ca", "wrong-backend"):
                al += ["handshake-failed"]
            if "http" in fl:
                al += ["ok"]
            row(name + ".s96.pcap", exp, al, opts,
                cell["desc"] + " [tcpdump -s 96: certificates, suites and HTTP past the cut]")
        else:
            print("pcaptool: %s not in the snap capture" % name, file=sys.stderr)
        if "v" in fl:
            write_pcap("%s/%s.tiny.pcap" % (outdir, name), link, 262144,
                       resegment(link, c["pkts"], 16))
            row(name + ".tiny.pcap", exp, alts, opts, cell["desc"] + " [re-cut into 16-byte segments]")
            write_pcap("%s/%s.reord.pcap" % (outdir, name), link, 262144,
                       resegment(link, c["pkts"], 100, reorder=True))
            row(name + ".reord.pcap", exp, alts, opts,
                cell["desc"] + " [100-byte segments, reordered, retransmitted, overlapping]")
        if "cut" in fl:
            for tag, side, what in (("cutch", "client", "right after the ClientHello"),
                                    ("cutsh", "server", "right after the server's first data")):
                pk2 = cut_after(link, c, side)
                if pk2 is None:
                    continue
                write_pcap("%s/%s.%s.pcap" % (outdir, name, tag), link, 262144, pk2)
                row("%s.%s.pcap" % (name, tag), "incomplete", [], opts,
                    cell["desc"] + " [capture stopped %s]" % what)
    for g, pkts in groups.items():
        pkts.sort(key=lambda p: (p[0], p[1]))
        write_pcap("%s/%s.pcap" % (outdir, g), link, 262144, pkts)
    with open(tsv, "w") as f:
        f.write("# tests/matrix/scenarios.tsv: written by tests/matrix/gen.sh (pcaptool.py) from the\n"
                "# cells' set-up in gen.sh, never from tlsdiag's output. One line per connection and\n"
                "# tlsdiag run. Columns (tab-separated): capture (in tests/matrix/captures/),\n"
                "# connection (client>server as set up), expected category, acceptable alternatives\n"
                "# (comma-separated, - for none; 'none' as expected: tlsdiag must not report it),\n"
                "# tlsdiag options (paths from the top of the tree, - for none), description.\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("pcaptool: %d connections in the manifest, %d assigned, %d scenario lines" %
          (len(cells), len(cells) - len(missing), len(rows)), file=sys.stderr)


if __name__ == "__main__":
    main()
