#!/bin/sh
# Compressed captures are read by content, as Wireshark reads them: gzip
# (one member or several) and zstd (one frame or several) copies of bundled
# captures, made here with Debian's gzip and zstd, named .pcap.gz, .zst or
# with no telling name at all, from a file or from stdin, give the reports
# of their originals. A cut or damaged compressed file gives one error line
# naming the file and the reason, and the connections before the damage
# exactly as a read of the original stopped at the same frame (-c) gives
# them. xz is recognised and refused in words.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is needed"
command -v gzip >/dev/null || skip_all "gzip is needed (Debian: apt-get install gzip)"
command -v zstd >/dev/null || skip_all "zstd is needed (Debian: apt-get install zstd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

flows() { # the flow objects without the file name
	"$TLSDIAG" --json "$@" | grep '"type":"flow"' | sed 's/"file":"[^"]*",//'
}
text() { # the text report, the file name and the wall-clock seconds made fixed
	"$TLSDIAG" "$@" | normalize | sed -E 's/\[[^]]*\]$/[F]/'
}
# Several captures one after the other (times shifted to follow each other):
# many connections, so that a cut in the middle leaves some whole.
python3 - "$tmp/big.pcap" "$SRCDIR"/captures/multi-connection.pcap "$SRCDIR"/captures/iphttps-null-ok.pcap \
	"$SRCDIR"/captures/resign-gateway.pcap "$SRCDIR"/captures/client-cert-ok-gnutls.pcap \
	"$SRCDIR"/captures/cert-chain-ok-nginx.pcap "$SRCDIR"/captures/iphttps-client-cert-empty.pcap <<'PY'
import struct, sys
out, t, recs, head = sys.argv[1], 1000000000, [], None
for path in sys.argv[2:]:
    d = open(path, "rb").read()
    assert d[:4] == b"\xd4\xc3\xb2\xa1"
    head = head or d[:24]
    pos, first = 24, None
    while pos + 16 <= len(d):
        sec, usec, incl, orig = struct.unpack_from("<IIII", d, pos)
        first = sec if first is None else first
        recs.append(struct.pack("<IIII", t + sec - first, usec, incl, orig) + d[pos + 16:pos + 16 + incl])
        pos += 16 + incl
    t += 100 + sec - first
open(out, "wb").write(head + b"".join(recs))
PY
# The whole records of a (partial) decompressed capture, as a plain capture
# (what a reader stopped by the damage has seen); prints how many.
records() { # OUT
	python3 -c '
import struct, sys
d = sys.stdin.buffer.read()
pos, n = 24, 0
while pos + 16 <= len(d):
    incl = struct.unpack_from("<I", d, pos + 8)[0]
    if pos + 16 + incl > len(d):
        break
    pos, n = pos + 16 + incl, n + 1
open(sys.argv[1], "wb").write(d[:pos])
print(n)' "$1"
}

for cap in "$tmp/big.pcap" "$SRCDIR/captures/iphttps-client-cert-empty.pcap" "$SRCDIR/captures/snap96.pcap"; do
	name=$(basename "$cap")
	flows "$cap" >"$tmp/want"
	text "$cap" >"$tmp/want.txt"
	[ -s "$tmp/want" ]
	ok $? "$name: the original has flows"
	gzip -9 -c "$cap" >"$tmp/c.pcap.gz"
	zstd -q -19 -c "$cap" >"$tmp/c.pcap.zst"
	cp "$tmp/c.pcap.gz" "$tmp/c-gz.pcap"    # a misleading name: content decides
	cp "$tmp/c.pcap.zst" "$tmp/capture"
	for f in c.pcap.gz c.pcap.zst c-gz.pcap capture; do
		flows "$tmp/$f" >"$tmp/got"
		cmp -s "$tmp/want" "$tmp/got"
		ok $? "$name as $f: same flows"
		text "$tmp/$f" >"$tmp/got.txt"
		cmp -s "$tmp/want.txt" "$tmp/got.txt"
		ok $? "$name as $f: same text report"
	done
	flows - <"$tmp/c.pcap.gz" >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got"
	ok $? "$name: gzip on stdin, same flows"
	cat "$tmp/c.pcap.zst" | flows - >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got"
	ok $? "$name: zstd through a pipe, same flows"
	cat "$cap" | flows - >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got"
	ok $? "$name: plain through a pipe (sniffed, then read), same flows"
	# Several gzip members and several zstd frames: the file cut in 3 parts,
	# each compressed alone, the parts concatenated.
	size=$(wc -c <"$cap")
	third=$((size / 3 + 1))
	rm -f "$tmp/part"*
	split -b "$third" "$cap" "$tmp/part"
	for p in "$tmp/part"*; do gzip -c "$p"; done >"$tmp/multi.gz"
	for p in "$tmp/part"*; do zstd -q -c "$p"; done >"$tmp/multi.zst"
	for f in multi.gz multi.zst; do
		flows "$tmp/$f" >"$tmp/got"
		cmp -s "$tmp/want" "$tmp/got"
		ok $? "$name as $f (3 members or frames): same flows"
	done
done

# Damage. Expected: the flows of what gzip -d / zstd -d themselves recover
# from the damaged file, to its last whole record, given as a plain capture;
# when the file was only cut, also those of the original read that far (-c).
check_damaged() { # FILE DECOMPRESSOR REASON WHAT
	n=$($2 <"$1" 2>/dev/null | records "$tmp/recovered.pcap")
	flows "$tmp/recovered.pcap" >"$tmp/want"
	case "$1" in *cut*|*nolen*)
		flows -c "$n" "$tmp/big.pcap" | cmp -s - "$tmp/want"
		ok $? "$4: what $2 recovers is the original's first $n frames";;
	esac
	"$TLSDIAG" "$1" 2>&1 >/dev/null | grep -q "after frame $n)\$"
	ok $? "$4: the error says after which frame ($n)"
	"$TLSDIAG" --json "$1" 2>"$tmp/err" | grep '"type":"flow"' | sed 's/"file":"[^"]*",//' >"$tmp/got"
	rc=$?
	cmp -s "$tmp/want" "$tmp/got" && [ -s "$tmp/got" ]
	ok $? "$4: the $(wc -l <"$tmp/got") connections in its first $n frames as in what $2 recovers"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^tlsdiag: $1: $3" "$tmp/err"
	ok $? "$4: one error line: $(cat "$tmp/err")"
	"$TLSDIAG" "$1" >/dev/null 2>&1
	[ $? -eq 2 ]
	ok $? "$4: exit status 2 (an input could not be read whole)"
}
gzip -c "$tmp/big.pcap" >"$tmp/big.gz"
size=$(wc -c <"$tmp/big.gz")
head -c $((size * 2 / 3)) "$tmp/big.gz" >"$tmp/cut.gz"
check_damaged "$tmp/cut.gz" "gzip -dc" "truncated gzip data: the file ends inside the compressed stream (after frame [0-9]*)$" \
	"a gzip file cut at 2/3"
head -c $((size - 4)) "$tmp/big.gz" >"$tmp/nolen.gz"
check_damaged "$tmp/nolen.gz" "gzip -dc" "truncated gzip data" "a gzip file missing its last 4 bytes (the length)"
cp "$tmp/big.gz" "$tmp/bad.gz"
printf '\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$tmp/bad.gz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
check_damaged "$tmp/bad.gz" "gzip -dc" "corrupt gzip data: " "a gzip file overwritten in the middle"
# zstd writes blocks of up to 128 KiB: frames of 16 KiB keep the damage local.
rm -f "$tmp/part"*
split -b 16384 "$tmp/big.pcap" "$tmp/part"
for p in "$tmp/part"*; do zstd -q -c "$p"; done >"$tmp/big.zst"
size=$(wc -c <"$tmp/big.zst")
head -c $((size * 2 / 3)) "$tmp/big.zst" >"$tmp/cut.zst"
check_damaged "$tmp/cut.zst" "zstd -dcq" "truncated zstd data: the file ends inside the compressed stream (after frame [0-9]*)$" \
	"a zstd file cut at 2/3"
cp "$tmp/big.zst" "$tmp/bad.zst"
printf '\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$tmp/bad.zst" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
check_damaged "$tmp/bad.zst" "zstd -dcq" "corrupt zstd data: " "a zstd file overwritten in the middle"

# A small gzip and zstd file cut at every 23rd length: each run ends with
# one error line and exit 2, or (a cut exactly after the last stream) 0/1.
gzip -c "$SRCDIR/captures/tls13-ok.pcap" >"$tmp/s.gz"
zstd -q -c "$SRCDIR/captures/tls13-ok.pcap" >"$tmp/s.zst"
bad=0
runs=0
for f in s.gz s.zst; do
	size=$(wc -c <"$tmp/$f")
	cut=1
	while [ "$cut" -lt "$size" ]; do
		head -c "$cut" "$tmp/$f" >"$tmp/cutn"
		"$TLSDIAG" "$tmp/cutn" >/dev/null 2>"$tmp/err"
		rc=$?
		runs=$((runs + 1))
		if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "cutn: truncated" "$tmp/err"; then
			bad=$((bad + 1))
			echo "# $f cut at $cut: exit $rc: $(head -c 300 "$tmp/err")"
		fi
		cut=$((cut + 23))
	done
done
[ "$bad" -eq 0 ]
ok $? "gzip and zstd cut at $runs lengths: each one error line \"truncated\", exit 2"

# What is not a capture, compressed or not.
check_refused() { # FILE REASON WHAT
	"$TLSDIAG" "$1" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^tlsdiag: $1: $2" "$tmp/err"
	ok $? "$3: exit $rc, $(cat "$tmp/err")"
}
gzip -c "$SRCDIR/README.md" >"$tmp/readme.gz"
check_refused "$tmp/readme.gz" "gzip-compressed, but not a pcap or pcapng capture" "a gzipped text file"
head -c 12 "$tmp/big.gz" >"$tmp/stub.gz"
check_refused "$tmp/stub.gz" "truncated gzip data" "12 bytes of a gzip file"
if command -v xz >/dev/null; then
	xz -c "$SRCDIR/captures/snap96.pcap" >"$tmp/c.xz"
	check_refused "$tmp/c.xz" "xz-compressed, which tlsdiag does not read (it reads gzip and zstd): unxz it first" \
		"an xz file"
fi
head -c 9 "$tmp/big.gz" | "$TLSDIAG" - >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "(stdin): truncated gzip data" "$tmp/err"
ok $? "9 bytes of gzip on stdin: $(cat "$tmp/err")"
done_testing
