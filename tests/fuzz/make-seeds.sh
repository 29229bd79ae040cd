#!/bin/sh
# Build the seed corpora of the fuzz targets (nothing here is committed):
#   make-seeds.sh SRCDIR OUTDIR
# OUTDIR/fuzz_pcap   captures/*.pcap and the public corpus (TLSDIAG_CORPUS, or
#                    SRCDIR/../shared/corpus/pcaps when it exists), up to 256 KiB each
# OUTDIR/fuzz_tls    each TCP connection of those captures (tshark's follow,tcp,raw)
#                    behind fuzz_tls's control header (see fuzz_tls.c), a few
#                    connections per capture
# OUTDIR/fuzz_sslv2  SSLv2 ClientHello bodies found there, and a made-up one
# OUTDIR/fuzz_http   HTTP heads: CONNECT, 407, 200, POST /IPHTTPS, HTTP.sys answers,
#                    and the heads found on proxy ports
# OUTDIR/fuzz_preamble the connections of those captures to a STARTTLS or SOCKS port
#                    (the port names the protocol) behind fuzz_preamble's header, and
#                    made-up RDP and SOCKS exchanges
# OUTDIR/fuzz_x509   the certificates of the TLS <= 1.2 Certificate messages found there
# OUTDIR/fuzz_packet the IP packets (Ethernet header cut off) of the IPv6 variants
#                    tests/v6/make-v6.py makes of a few captures (extension headers,
#                    fragments, 6in4, Teredo, IPv4-mapped), and the frames, behind
#                    fuzz_packet.c's link-type byte, of the link-layer and tunnel
#                    variants tests/relink.py makes (MPLS, PPPoE, NFLOG, GRE,
#                    ERSPAN, VXLAN, GENEVE, nested); all those variants also join
#                    OUTDIR/fuzz_pcap, with gzip and zstd copies of two captures
# OUTDIR/fuzz_rules  rules/iphttps.rules, the ```rules examples of doc/rules.md and the
#                    rule files tests/cli.sh writes, each also one byte longer (the other
#                    parity: with and without the built-in rules, see fuzz_rules.c)
# Every target also gets the committed tests/fuzz/seeds/TARGET/* and the
# crash reproducers tests/fuzz/regress/TARGET/* (so they are rerun every time).
# Without tshark the connection seeds are skipped (the others are still made).
set -eu
src=${1:?usage: make-seeds.sh SRCDIR OUTDIR}
out=${2:?usage: make-seeds.sh SRCDIR OUTDIR}
corpus=${TLSDIAG_CORPUS:-$src/../shared/corpus/pcaps}
rm -rf "$out"
mkdir -p "$out/fuzz_pcap" "$out/fuzz_tls" "$out/fuzz_sslv2" "$out/fuzz_http" "$out/fuzz_x509" "$out/fuzz_rules" "$out/fuzz_snap" "$out/fuzz_packet" "$out/fuzz_preamble"

for t in fuzz_pcap fuzz_tls fuzz_sslv2 fuzz_http fuzz_x509 fuzz_rules fuzz_snap fuzz_packet fuzz_preamble; do
	for d in "$src/tests/fuzz/seeds/$t" "$src/tests/fuzz/regress/$t"; do
		[ -d "$d" ] && find "$d" -maxdepth 1 -type f ! -name '*.md' -exec cp {} "$out/$t/" \;
	done
done

pcaps=$(mktemp)
trap 'rm -f "$pcaps"' EXIT
ls "$src"/captures/*.pcap >"$pcaps" 2>/dev/null || true
if [ -d "$corpus" ]; then
	find "$corpus" -maxdepth 1 -type f -size -257k | sort >>"$pcaps"
fi

# IPv6 variants (tests/v6/make-v6.py): whole captures for fuzz_pcap, their
# IP packets for fuzz_packet (a classic pcap of Ethernet frames: 24-byte
# file header, 16-byte record headers, 14-byte Ethernet header).
for c in multi-connection snap96 tcp-reset-after-hello proxy-connect-ok; do
	[ -f "$src/captures/$c.pcap" ] || continue
	for m in plain hbh dstopt routing frag 6in4 teredo mapped; do
		python3 "$src/tests/v6/make-v6.py" "$m" "$src/captures/$c.pcap" "$out/fuzz_pcap/v6-$m-$c.pcap" || continue
		python3 - "$out/fuzz_pcap/v6-$m-$c.pcap" "$out/fuzz_packet/$m-$c" <<'EOF2'
import struct, sys
d = open(sys.argv[1], "rb").read()
pos, n = 24, 0
while pos + 16 <= len(d):
    incl = struct.unpack("<I", d[pos + 8:pos + 12])[0]
    frame = d[pos + 16:pos + 16 + incl]
    pos += 16 + incl
    n += 1
    if len(frame) > 14 and n <= 24:
        open("%s-%02d" % (sys.argv[2], n), "wb").write(frame[14:])
EOF2
	done
done

# Link-layer and tunnel variants (tests/relink.py): whole captures for
# fuzz_pcap, their frames behind the link-type byte for fuzz_packet (the
# index into fuzz_packet.c's table: 0 Ethernet, 5 PPP, 7 PPPoE, 8 NFLOG).
for c in multi-connection tcp-reset-after-hello; do
	[ -f "$src/captures/$c.pcap" ] || continue
	for k in vlan:0 mpls:0 mpls-pw:0 pppoe:0 gre-key:0 gretap:0 erspan1:0 erspan2:0 erspan3:0 \
		vxlan:0 vxlan6:0 geneve:0 nested:0 gre4:0 ppp:5 pppoe-dlt:7 nflog:8 sll:1 sll2:2 null:3; do
		kind=${k%%:*}
		python3 "$src/tests/relink.py" "$src/captures/$c.pcap" "$out/fuzz_pcap/link-$kind-$c.pcap" "$kind" || continue
		python3 - "$out/fuzz_pcap/link-$kind-$c.pcap" "$out/fuzz_packet/link-$kind-$c" "${k##*:}" <<'EOF2'
import struct, sys
d = open(sys.argv[1], "rb").read()
sel = bytes([int(sys.argv[3])])
pos, n = 24, 0
while pos + 16 <= len(d):
    incl = struct.unpack("<I", d[pos + 8:pos + 12])[0]
    frame = d[pos + 16:pos + 16 + incl]
    pos += 16 + incl
    n += 1
    if n <= 12:
        open("%s-%02d" % (sys.argv[2], n), "wb").write(sel + frame)
EOF2
	done
done

# Compressed captures (gzip, zstd, several members): the decompressing
# reader of src/capture_decomp.c under fuzz_pcap.
for c in multi-connection tls13-ok; do
	[ -f "$src/captures/$c.pcap" ] || continue
	command -v gzip >/dev/null 2>&1 && gzip -c "$src/captures/$c.pcap" >"$out/fuzz_pcap/gz-$c.pcap.gz"
	command -v zstd >/dev/null 2>&1 && zstd -q -c "$src/captures/$c.pcap" >"$out/fuzz_pcap/zst-$c.pcap.zst"
	if command -v gzip >/dev/null 2>&1; then
		head -c 2000 "$src/captures/$c.pcap" | gzip -c >"$out/fuzz_pcap/gz2-$c.pcap.gz"
		tail -c +2001 "$src/captures/$c.pcap" | gzip -c >>"$out/fuzz_pcap/gz2-$c.pcap.gz"
	fi
done

have_tshark=1
command -v tshark >/dev/null 2>&1 || have_tshark=0
[ "$have_tshark" = 1 ] || echo "make-seeds.sh: tshark not found: no connection seeds for fuzz_tls (Debian: apt-get install tshark)" >&2

python3 - "$out" "$pcaps" "$have_tshark" <<'EOF'
import hashlib, os, shutil, subprocess, sys

out, listfile, have_tshark = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
pcaps = [l.strip() for l in open(listfile) if l.strip()]
PROXY = {8080, 3128}
SERVERS = {443, 8443, 8080, 3128}
MAX_STREAMS = 6          # connections taken per capture
MAX_SEGS = 255           # script entries of fuzz_tls
MAX_STREAM_BYTES = 65536

def write(target, name, data):
    path = os.path.join(out, target, name)
    with open(path, "wb") as f:
        f.write(data)

def tls_seed(segs, proxy, variant):
    """fuzz_tls input: flags, seed, K, script, bytes (see fuzz_tls.c)."""
    script, data = [], b""
    for d, chunk in segs:
        while chunk and len(script) < MAX_SEGS:
            piece, chunk = chunk[:0x7fff], chunk[0x7fff:]
            script.append((0x8000 if d else 0) | len(piece))
            data += piece
        if len(script) >= MAX_SEGS or len(data) >= MAX_STREAM_BYTES:
            break
    if not script:
        return None
    flags = (1 if proxy else 0) | (variant << 5) | (16 if variant else 0) | (8 if variant % 2 else 0)
    head = bytes([flags, (variant * 37) & 0xff, len(script)])
    return head + b"".join(s.to_bytes(2, "big") for s in script) + data

def certificates(stream):
    """DER certificates of the plaintext Certificate messages of one direction."""
    hs, off = b"", 0
    while off + 5 <= len(stream):
        ctype, n = stream[off], int.from_bytes(stream[off + 3:off + 5], "big")
        if stream[off + 1] != 3:
            break
        if ctype == 22:
            hs += stream[off + 5:off + 5 + n]
        elif ctype == 20:
            break                                   # keys change: the rest is encrypted
        off += 5 + n
    certs, off = [], 0
    while off + 4 <= len(hs):
        t, n = hs[off], int.from_bytes(hs[off + 1:off + 4], "big")
        body = hs[off + 4:off + 4 + n]
        off += 4 + n
        if t != 11 or len(body) < 3:
            continue
        p = 3
        while p + 3 <= len(body):
            m = int.from_bytes(body[p:p + 3], "big")
            certs.append(body[p + 3:p + 3 + m])
            p += 3 + m
    return certs

def follow(pcap, streams):
    args = ["tshark", "-r", pcap, "-q"]
    for s in streams:
        args += ["-z", "follow,tcp,raw,%d" % s]
    try:
        txt = subprocess.run(args, capture_output=True, text=True, timeout=120).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    conns, cur = [], None
    for line in txt.splitlines():
        if line.startswith("Follow:"):
            cur = {"nodes": [], "segs": []}
            conns.append(cur)
        elif cur is None:
            continue
        elif line.startswith("Node "):
            port = line.rsplit(":", 1)[-1]
            cur["nodes"].append(int(port) if port.isdigit() else 0)
        elif line.startswith("====") or line.startswith("Filter:"):
            continue
        elif line.strip():
            d = 1 if line.startswith("\t") else 0
            try:
                cur["segs"].append((d, bytes.fromhex(line.strip())))
            except ValueError:
                pass
    return conns

n_tls = n_v2 = n_http = n_x509 = n_pre = 0
# enum td_pre_proto (include/tlsdiag/tls_preamble.h) by port, as td_preamble_port();
# the ports of captures/gen/make-starttls.sh found by content count as theirs.
PREAMBLE_PORTS = {21: 4, 24: 1, 25: 1, 110: 3, 119: 5, 143: 2, 389: 8, 433: 5, 587: 1, 1080: 13, 3306: 11,
                  3389: 12, 5222: 9, 5269: 9, 5432: 10, 6667: 6, 2525: 1, 2526: 1, 1143: 2, 1110: 3}


def preamble_seed(proto, flags, segs):
    """fuzz_preamble's input: protocol, flags, then segments of at most 127 bytes."""
    out = bytearray([proto, flags])
    for d, x in segs:
        for i in range(0, len(x), 127):
            piece = x[i:i + 127]
            out += bytes([(0x80 if d else 0) | len(piece)]) + piece
            if len(out) > 8192:
                return bytes(out)
    return bytes(out)
seen_certs = set()
for pcap in pcaps:
    base = os.path.basename(pcap)
    shutil.copy(pcap, os.path.join(out, "fuzz_pcap", base))
    if not have_tshark:
        continue
    try:
        r = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.stream", "-Y", "tcp.len>0"],
                           capture_output=True, text=True, timeout=120)
    except (subprocess.SubprocessError, OSError):
        continue
    streams = sorted({int(x) for x in r.stdout.split() if x.isdigit()})[:MAX_STREAMS]
    if not streams:
        continue
    for i, c in enumerate(follow(pcap, streams)):
        if len(c["nodes"]) != 2 or not c["segs"]:
            continue
        a, b = c["nodes"]
        segs = c["segs"]
        if a in SERVERS and b not in SERVERS:      # node 0 is the server: swap
            segs = [(1 - d, x) for d, x in segs]
            a, b = b, a
        proxy = b in PROXY
        tag = "%s-%d" % (base, i)
        variant = int(hashlib.sha1(tag.encode()).hexdigest(), 16) % 8
        for v in sorted({0, variant}):
            s = tls_seed(segs, proxy, v)
            if s:
                write("fuzz_tls", "%s-v%d" % (tag, v), s)
                n_tls += 1
        if b in PREAMBLE_PORTS or a in PREAMBLE_PORTS:
            pre = PREAMBLE_PORTS.get(b, PREAMBLE_PORTS.get(a))
            write("fuzz_preamble", tag, preamble_seed(pre, 2, segs))
            n_pre += 1
        c2s = b"".join(x for d, x in segs if d == 0)
        s2c = b"".join(x for d, x in segs if d == 1)
        if len(c2s) > 3 and c2s[0] & 0x80 and c2s[2] == 1:
            n = ((c2s[0] & 0x7f) << 8) | c2s[1]
            write("fuzz_sslv2", tag, c2s[2:2 + n])
            n_v2 += 1
        for data in (c2s, s2c):
            for der in certificates(data):
                h = hashlib.sha1(der).hexdigest()
                if der and h not in seen_certs and len(seen_certs) < 200:
                    seen_certs.add(h)
                    name = b"da.contoso.test"
                    write("fuzz_x509", h[:16], bytes([len(name)]) + name + der)
                    n_x509 += 1
        for d, data in ((0, c2s), (1, s2c)):
            if data[:5] == b"HTTP/" or data.split(b" ", 1)[0] in (b"CONNECT", b"GET", b"POST"):
                end = data.find(b"\r\n\r\n")
                head = data[:end + 4] if end >= 0 else data[:4096]
                write("fuzz_http", "%s-%d" % (tag, d), bytes([len(head) & 0xff, 160]) + head)
                n_http += 1

# Made-up seeds: the heads tlsdiag must read, one SSLv2 hello, one TLS hello.
heads = {
    "connect": b"CONNECT da.contoso.test:443 HTTP/1.1\r\nHost: da.contoso.test:443\r\nUser-Agent: MSIPHTTPS\r\n\r\n",
    "407": b"HTTP/1.1 407 Proxy Authentication Required\r\nServer: squid/5.7\r\nProxy-Authenticate: Basic realm=\"x\"\r\nContent-Length: 12\r\n\r\naccess denied",
    "200-established": b"HTTP/1.1 200 Connection established\r\n\r\n",
    "post-iphttps": b"POST /IPHTTPS HTTP/1.1\r\nHost: da.contoso.test\r\nContent-Length: 18446744073709551615\r\n\r\n",
    "httpsys-200": b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\n",
    "sstp": b"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: vpn.example\r\nContent-Length: 18446744073709551615\r\n\r\n",
    "lf-only": b"HTTP/1.0 503 Service Unavailable\nServer: x\n\nbody",
}
for name, h in heads.items():
    write("fuzz_http", "made-" + name, bytes([7, 40]) + h)

# SSLv2 CLIENT-HELLO body: msg 1, version 3.1, 3 suites (9 bytes), no session, 16-byte challenge.
v2 = bytes([1, 3, 1, 0, 9, 0, 0, 0, 16]) + bytes.fromhex("000002" "00003b" "010080") + bytes(range(16))
write("fuzz_sslv2", "made-v2hello", v2)
write("fuzz_tls", "made-v2hello", bytes([0, 0, 1, 0, 0, 0x80 | (len(v2) >> 8), len(v2) & 0xff]) + v2)

# RDP (MS-RDPBCGR 2.2.1.1/2.2.1.2): a Connection Request with a cookie and
# RDP_NEG_REQ (TLS | CredSSP), the Confirm with RDP_NEG_RSP (CredSSP) or
# RDP_NEG_FAILURE; SOCKS5 with user/password and a domain target, SOCKS4a.
cr = b"\xe0\x00\x00\x00\x00\x00" + b"Cookie: mstshash=tlsdiag\r\n" + b"\x01\x00\x08\x00\x03\x00\x00\x00"
cr = b"\x03\x00" + (4 + 1 + len(cr)).to_bytes(2, "big") + bytes([len(cr)]) + cr
cc = b"\xd0\x00\x00\x12\x34\x00" + b"\x02\x00\x08\x00\x02\x00\x00\x00"
cc = b"\x03\x00" + (4 + 1 + len(cc)).to_bytes(2, "big") + bytes([len(cc)]) + cc
fail = b"\xd0\x00\x00\x12\x34\x00" + b"\x03\x00\x08\x00\x05\x00\x00\x00"
fail = b"\x03\x00" + (4 + 1 + len(fail)).to_bytes(2, "big") + bytes([len(fail)]) + fail
hello = bytes.fromhex("16030100050100000100")
write("fuzz_preamble", "made-rdp-ok", preamble_seed(12, 2, [(0, cr), (1, cc), (0, hello)]))
write("fuzz_preamble", "made-rdp-failure", preamble_seed(12, 3, [(0, cr), (1, fail)]))
s5 = [(0, b"\x05\x02\x00\x02"), (1, b"\x05\x02"), (0, b"\x01\x04user\x04pass"), (1, b"\x01\x00"),
      (0, b"\x05\x01\x00\x03\x0fda.contoso.test\x01\xbb"), (1, b"\x05\x00\x00\x01\x7f\x00\x00\x01\x10\x00"),
      (0, hello)]
write("fuzz_preamble", "made-socks5-auth", preamble_seed(13, 2, s5))
s4a = [(0, b"\x04\x01\x01\xbb\x00\x00\x00\x01user\x00da.contoso.test\x00"), (1, b"\x00\x5b\x00\x00\x00\x00\x00\x00")]
write("fuzz_preamble", "made-socks4a-rejected", preamble_seed(13, 2, s4a))
write("fuzz_preamble", "made-pg-by-command", preamble_seed(0, 3, [(0, b"\x00\x00\x00\x08\x04\xd2\x16\x2f"), (1, b"S"), (0, hello)]))

print("make-seeds.sh: %d pcap, %d tls, %d sslv2, %d http, %d x509, %d preamble seeds"
      % (len(pcaps), n_tls, n_v2, n_http, n_x509, n_pre))
EOF

# Rule files: the defaults, the documented examples, the ones the CLI test writes.
python3 - "$src" "$out/fuzz_rules" <<'EOF'
import re, sys

src, out = sys.argv[1], sys.argv[2]
seeds = {"iphttps.rules": open(src + "/rules/iphttps.rules", "rb").read()}
doc = open(src + "/doc/rules.md").read()
for i, block in enumerate(re.findall(r"```rules\n(.*?)```", doc, re.S)):
    seeds["doc-rules-%d" % i] = block.encode()
cli = open(src + "/tests/cli.sh").read()
for i, block in enumerate(re.findall(r"<<'RULES'\n(.*?)^RULES$", cli, re.S | re.M)):
    seeds["cli-heredoc-%d" % i] = block.encode()
for i, fmt in enumerate(re.findall(r"printf '(rule [^']*)'", cli)):
    seeds["cli-printf-%d" % i] = fmt.encode().decode("unicode_escape").encode()
for name, text in seeds.items():
    for suffix, data in (("", text), ("-p", text + b"\n")):
        with open("%s/%s%s" % (out, name, suffix), "wb") as f:
            f.write(data)
print("make-seeds.sh: %d rules seeds" % (2 * len(seeds)))
EOF
