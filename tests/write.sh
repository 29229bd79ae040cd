#!/bin/sh
# -w FILE: the written pcapng holds exactly the packets of the connections
# not diagnosed ok (every connection with --write-all), byte for byte and
# with their timestamps, one comment per packet naming the connection; one
# interface per input and link type; --max-write-packets caps with the
# write-buffer cap; output errors are one line and exit 2. The file is read
# back by a small pcapng reader below (python3), so the counts are checked
# without tshark; tshark and capinfos, when installed, must read it too.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 >/dev/null || skip_all "python3 is needed to read the written pcapng"
cap="$SRCDIR/captures"
cd "$tmp" || exit 99

# pcapng.py FILE: checks every block's framing (type, both lengths, 32-bit
# padding, options ending in opt_endofopt), compares every packet with the
# frame its comment names (bytes, lengths, timestamp), and prints one line
# per interface ("idb LINKTYPE NAME") and per packet ("epb CONN CATEGORY
# FRAME"). Exit 1 with the reason on the first fault.
cat >pcapng.py <<'PY'
import re, struct, sys

def fail(why):
    sys.exit("pcapng.py: " + why)

def options(body):
    opts, off = [], 0
    while True:
        if len(body) - off < 4:
            fail("options do not end with opt_endofopt")
        code, n = struct.unpack_from("<HH", body, off)
        if code == 0:
            if n != 0 or off + 4 != len(body):
                fail("opt_endofopt is not the block's last 4 bytes")
            return opts
        padded = (n + 3) // 4 * 4
        value, pad = body[off + 4:off + 4 + n], body[off + 4 + n:off + 4 + padded]
        if len(value) != n or pad != b"\0" * (padded - n):
            fail("option %d: bad length or padding" % code)
        opts.append((code, value))
        off += 4 + padded

originals = {}
def original(name, frame):  # (ts_us, wirelen, bytes) of a classic pcap's frame
    if name not in originals:
        data, pkts = open(name, "rb").read(), []
        magic = data[:4]
        e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        off = 24
        while off + 16 <= len(data):
            sec, frac, incl, orig = struct.unpack_from(e + "IIII", data, off)
            us = sec * 1000000 + ((frac + 500) // 1000 if nano else frac)
            pkts.append((us, orig, data[off + 16:off + 16 + incl]))
            off += 16 + incl
        originals[name] = pkts
    return originals[name][frame - 1]

data = open(sys.argv[1], "rb").read()
off, ifaces, comment_re = 0, [], re.compile(r"tlsdiag #(\d+) (\S+)( \[0x[0-9a-f]+\])? frame (\d+) of (.+?)( \(.*\))?$")
while off < len(data):
    if len(data) - off < 12:
        fail("trailing bytes after the last block")
    btype, total = struct.unpack_from("<II", data, off)
    if total % 4 or total < 12 or off + total > len(data):
        fail("block at %d: bad total length %d" % (off, total))
    if struct.unpack_from("<I", data, off + total - 4)[0] != total:
        fail("block at %d: the trailing length differs" % off)
    body = data[off + 8:off + total - 4]
    if off == 0 and btype != 0x0A0D0D0A:
        fail("the file does not start with a section header")
    if btype == 0x0A0D0D0A:
        if struct.unpack_from("<IHHq", body) != (0x1A2B3C4D, 1, 0, -1):
            fail("section header fields")
        options(body[16:])
    elif btype == 1:
        linktype, _, snaplen = struct.unpack_from("<HHI", body)
        opts = dict(options(body[8:]))
        if snaplen != 262144 or opts.get(9) != b"\x06" or 2 not in opts:
            fail("interface %d: snaplen, if_tsresol or if_name" % len(ifaces))
        ifaces.append(opts[2].decode())
        print("idb", linktype, opts[2].decode())
    elif btype == 6:
        iface, hi, lo, caplen, wirelen = struct.unpack_from("<IIIII", body)
        padded = (caplen + 3) // 4 * 4
        pkt, pad = body[20:20 + caplen], body[20 + caplen:20 + padded]
        if iface >= len(ifaces) or len(pkt) != caplen or pad != b"\0" * (padded - caplen):
            fail("packet: interface, length or padding")
        opts = options(body[20 + padded:])
        if len(opts) != 1 or opts[0][0] != 1:
            fail("packet: one opt_comment expected")
        m = comment_re.match(opts[0][1].decode())
        if not m:
            fail("packet comment: %r" % opts[0][1])
        conn, cat, frame, name = m.group(1), m.group(2), int(m.group(4)), m.group(5)
        if name != ifaces[iface]:
            fail("packet comment names %s, its interface %s" % (name, ifaces[iface]))
        if original(name, frame) != ((hi << 32) | lo, wirelen, pkt):
            fail("packet of #%s: not frame %d of %s (bytes, length or time)" % (conn, frame, name))
        print("epb", conn, cat, frame)
    else:
        fail("unexpected block type %#x" % btype)
    off += total
PY

# want.py: from --json output, "CONN CATEGORY PACKETS" of each connection
# to write (all with --all), and the summary's written_ counts.
cat >want.py <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "flow" and (sys.argv[2:] == ["--all"] or o["diagnosis"]["category"] != "ok"):
        print(o["id"], o["diagnosis"]["category"], o["tcp"]["packets"])
    elif o["type"] == "summary":
        print("summary", o.get("written_connections"), o.get("written_packets"), o.get("write_failed"),
              " ".join(sorted(o["caps"])), file=sys.stderr)
PY
# "CONN CATEGORY PACKETS" from the file, to compare.
got() {
	python3 pcapng.py "$1" >listing && awk '$1 == "epb" { n[$2 " " $3]++ } END { for (k in n) print k, n[k] }' listing |
		sort -n
}

have_tshark=false
command -v tshark >/dev/null 2>&1 && command -v capinfos >/dev/null 2>&1 && have_tshark=true

for c in multi-connection.pcap tcp-timeout.pcap iphttps-null-rejected.pcap proxy-connect-denied.pcap \
	diag-tcp-reset-haproxy.pcap tls13-ok.pcap; do
	"$TLSDIAG" --json -w out.pcapng "$cap/$c" >json 2>err
	python3 want.py json 2>summary | sort -n >want
	got out.pcapng >have
	cmp -s want have
	ok $? "$c: -w holds exactly the failed connections, each with its tcp.packets packets, frames as captured ($(tr '\n' ';' <want))"
	n=$(wc -l <want) p=$(awk '{ s += $3 } END { print s + 0 }' want)
	grep -q "^summary $n $p False" summary
	ok $? "$c: the JSON summary says written_connections $n, written_packets $p"
	# The text report: the same counts, and every frame its block lists is written.
	"$TLSDIAG" -w out.pcapng "$cap/$c" >text 2>&1
	grep -q "^   written to out.pcapng: $n connection.*, $p packet" text
	ok $? "$c: the text summary says written to out.pcapng: $n connections, $p packets"
	awk '/^#[0-9]+ / { id = substr($1, 2) } /^ +[0-9]+ +[0-9.]+ (C->S|S->C) / { print id, $1 }' text | sort -u >frames
	awk '$1 == "epb" { print $2, $4 }' listing | sort -u >written
	missing=$(cut -d' ' -f1 want | while read -r id; do grep "^$id " frames; done | sort | comm -23 - written | wc -l)
	[ "$missing" -eq 0 ]
	ok $? "$c: every frame the text report lists for a written connection is in the file"
	if $have_tshark; then
		tshark -r out.pcapng >/dev/null 2>tshark.err && ! grep -v '^Running as user' tshark.err | grep -q .
		ok $? "$c: tshark reads the file without error"
		tshark -r out.pcapng -T fields -e frame.comment 2>/dev/null | sed -E 's/^tlsdiag #([0-9]+) ([^ ]+) .*frame ([0-9]+) .*/epb \1 \2 \3/' >tshark.out
		grep '^epb' listing | cmp -s - tshark.out
		ok $? "$c: tshark shows every packet's comment (connection, diagnosis, frame)"
	else
		skip "$c: tshark reads the file (no tshark)"
		skip "$c: tshark shows the comments (no tshark)"
	fi
done

# The comment in full: connection, category, Windows code, frame and file.
"$TLSDIAG" -w out.pcapng "$cap/iphttps-null-rejected.pcap" >/dev/null
grep -aq "tlsdiag #1 null-cipher-rejected \[0x80090326\] frame 6 of $cap/iphttps-null-rejected.pcap" out.pcapng
ok $? "a comment reads: tlsdiag #1 null-cipher-rejected [0x80090326] frame 6 of FILE"

# --write-all: every connection.
"$TLSDIAG" --json --write-all -w all.pcapng "$cap/multi-connection.pcap" "$cap/tls13-ok.pcap" >json
python3 want.py json --all 2>summary | sort -n >want
got all.pcapng >have
cmp -s want have && [ "$(wc -l <want)" -eq 4 ]
ok $? "--write-all writes every connection of both inputs ($(tr '\n' ';' <want))"

# Two link types (and two inputs): two interfaces, each named after its input.
python3 "$SRCDIR/tests/relink.py" "$cap/iphttps-null-rejected.pcap" raw.pcap raw
"$TLSDIAG" --json -w mixed.pcapng "$cap/multi-connection.pcap" raw.pcap >json
python3 want.py json 2>/dev/null | sort -n >want
got mixed.pcapng >have
cmp -s want have
ok $? "Ethernet and raw IP inputs: the failed connections of both are written"
grep '^idb' listing >idbs
[ "$(wc -l <idbs)" -eq 2 ] && grep -qx "idb 1 $cap/multi-connection.pcap" idbs && grep -qx "idb 101 raw.pcap" idbs
ok $? "two interface blocks: LINKTYPE_ETHERNET and LINKTYPE_RAW, named after the inputs ($(tr '\n' ';' <idbs))"
if $have_tshark; then
	capinfos mixed.pcapng >capinfos.out 2>&1 && grep -q "Number of interfaces in file: 2" capinfos.out
	ok $? "capinfos counts two interfaces"
else
	skip "capinfos counts two interfaces (no capinfos)"
fi

# --max-write-packets 3: at most 3 packets held at once; the cut connections
# reach the write-buffer cap, in their block, the summary and the comments.
"$TLSDIAG" -w cap.pcapng --max-write-packets 3 "$cap/multi-connection.pcap" >text
grep -q "note: cap reached.*write-buffer" text && grep -q "caps reached (connections):.*write-buffer" text
ok $? "--max-write-packets 3: write-buffer in the connections' notes and the summary's caps"
python3 pcapng.py cap.pcapng >listing
[ "$(grep -c '^epb' listing)" -le 6 ] && grep -aq "incomplete: write-buffer cap" cap.pcapng &&
	grep -q "^   written to cap.pcapng: 2 connections, 5 packets" text
ok $? "--max-write-packets 3: the file holds the 2 + 3 packets held, the cut ones say so"
"$TLSDIAG" --json -w cap.pcapng --max-write-packets 3 "$cap/multi-connection.pcap" >json
python3 want.py json >/dev/null 2>summary
grep -q "^summary 2 5 False write-buffer" summary && grep -q '"caps":\["write-buffer"\]' json
ok $? "--max-write-packets 3: JSON caps fact and summary caps name write-buffer"

# Output errors: one line naming the file and the reason, exit 2.
"$TLSDIAG" -w /nonexistent/x.pcapng "$cap/multi-connection.pcap" >out 2>err
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "^tlsdiag: /nonexistent/x.pcapng: cannot create: No such file" err &&
	! [ -s out ]
ok $? "an uncreatable -w path: one line naming it, nothing analyzed, exit 2 ($(cat err))"
if [ -w /dev/full ]; then
	"$TLSDIAG" -w /dev/full "$cap/multi-connection.pcap" >out 2>err
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "^tlsdiag: /dev/full: cannot write: No space left" err &&
		grep -q "^   written to /dev/full: .*(writing failed" out && grep -q "diagnosis: ok" out
	ok $? "a full disk: one line, the report still complete, exit 2 ($(cat err))"
else
	skip "a full disk (no /dev/full)"
fi
"$TLSDIAG" -w - "$cap/multi-connection.pcap" >out 2>err
[ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "^tlsdiag: -w -: " err && ! [ -s out ]
ok $? "-w - is refused: the report is on standard output ($(cat err))"
cp "$cap/multi-connection.pcap" in.pcap
ln -s in.pcap link.pcap
"$TLSDIAG" -w link.pcap in.pcap >out 2>err
[ $? -eq 2 ] && grep -q "is also an input" err && cmp -s in.pcap "$cap/multi-connection.pcap"
ok $? "-w naming an input (through a symlink) is refused and the input left whole"

# -G 1: a new file each second of capture time (the capture spans more
# than two), each one whole; -C 1 with a few KB: one file.
"$TLSDIAG" -w "rot-%s.pcapng" -G 1 --write-all "$cap/multi-connection.pcap" >out 2>err
n=0
for f in rot-*.pcapng; do
	[ -e "$f" ] || continue
	python3 -c 'import sys; d=open(sys.argv[1],"rb").read(4); sys.exit(d != b"\x0a\x0d\x0d\x0a")' "$f" && n=$((n + 1))
done
[ "$n" -ge 2 ] && ! [ -s err ]
ok $? "-G 1 with a strftime pattern: $n pcapng files, each with its section header"
"$TLSDIAG" -w rotc.pcapng -C 1 --write-all "$cap/multi-connection.pcap" >out 2>err
[ -s rotc.pcapng ] && ! [ -e rotc.pcapng1 ]
ok $? "-C 1: a small capture stays in one file"
"$TLSDIAG" -C 1 "$cap/multi-connection.pcap" >out 2>err
[ $? -eq 2 ] && grep -q -- "-C and -G need -w" err
ok $? "-C without -w is a usage error"

# Without -w nothing changes: no written_ keys.
"$TLSDIAG" --json "$cap/multi-connection.pcap" | tail -n 1 | grep -q written_
[ $? -ne 0 ]
ok $? "without -w the JSON summary has no written_ keys"
done_testing
