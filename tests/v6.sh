#!/bin/sh
# IPv6 end to end: every line of captures/EXPECTED, rewritten to IPv6 by
# tests/v6/make-v6.py (plain, with extension headers, fragmented, in 6in4,
# in Teredo, with IPv4-mapped addresses), must give the same diagnosis
# categories and the same "reassembled" as the IPv4 original, and show the
# IPv6 addresses; -w writes the IPv6 packets as captured; --filter sees them.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make_v6="$SRCDIR/tests/v6/make-v6.py"

# One line per connection: its category and whether libnids followed it.
verdicts() { # FILE OPTIONS...
	f=$1
	shift
	(cd "$SRCDIR/captures" && "$TLSDIAG" --json "$@" "$f") 2>/dev/null |
		sed -n 's/.*"reassembled":\([a-z]*\).*"diagnosis":{"category":"\([^"]*\)".*/\2 \1/p'
}

# make-v6.py rewrites Ethernet frames of IPv4 TCP: a capture without any
# (TCP in a tunnel, another link type) has no IPv6 variant to compare.
rewritable() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
if d[20:24] != b"\x01\0\0\0":
    sys.exit(1)
pos = 24
while pos + 16 <= len(d):
    incl = struct.unpack_from("<I", d, pos + 8)[0]
    f = d[pos + 16:pos + 16 + incl]
    pos += 16 + incl
    if len(f) > 34 and f[12:14] == b"\x08\x00" and f[23] == 6:
        sys.exit(0)
sys.exit(1)
PY
}

modes="plain hbh dstopt routing frag 6in4 teredo mapped"
seen=""
while read -r capture cats opts; do
	case "$capture" in ''|'#'*) continue ;; esac
	key="$capture $opts"
	case "$seen" in *"|$key|"*) continue ;; esac
	seen="$seen|$key|"
	if ! rewritable "$SRCDIR/captures/$capture"; then
		ok 0 "$capture as IPv6 # SKIP no Ethernet IPv4 TCP frame to rewrite (a tunnel or another link type)"
		continue
	fi
	eval "set -- $opts"
	verdicts "$capture" "$@" >"$tmp/v4"
	for m in $modes; do
		v6="$tmp/${capture%.pcap}-$m.pcap"
		[ -f "$v6" ] || python3 "$make_v6" "$m" "$SRCDIR/captures/$capture" "$v6" || echo "make-v6 failed" >"$tmp/v6"
		verdicts "$v6" "$@" >"$tmp/v6"
		[ -s "$tmp/v4" ] && cmp -s "$tmp/v4" "$tmp/v6"
		ok $? "$capture${opts:+ ($opts)} as IPv6 ($m): same categories as IPv4 ($(tr '\n' ' ' <"$tmp/v6"))"
		[ $? -eq 0 ] || diff "$tmp/v4" "$tmp/v6" | sed 's/^/# /'
	done
done <"$SRCDIR/captures/EXPECTED"

mc="$tmp/multi-connection-plain.pcap"
# The real addresses everywhere the user looks: text and JSON.
"$TLSDIAG" "$mc" >"$tmp/text" 2>&1
grep -q '^#2 \[2001:db8::1\]:[0-9]* -> \[2001:db8::2\]:443' "$tmp/text" && ! grep -q '240\.' "$tmp/text" &&
	! grep -q 'not followed' "$tmp/text"
ok $? "text report: [2001:db8::1] -> [2001:db8::2], no synthetic address, every payload followed"
"$TLSDIAG" --json "$mc" >"$tmp/json"
json_lines_ok "$tmp/json" && grep -q '"client":{"ip":"2001:db8::1"' "$tmp/json" &&
	grep -q '"server":{"ip":"2001:db8::2","port":443}' "$tmp/json" && ! grep -q '"240\.' "$tmp/json"
ok $? "JSON: client.ip 2001:db8::1, server.ip 2001:db8::2, valid JSON Lines"
"$TLSDIAG" --json "$tmp/multi-connection-mapped.pcap" | grep -q '"client":{"ip":"::ffff:127\.0\.0\.1"'
ok $? "IPv4-mapped addresses are shown as such (::ffff:127.0.0.1), kept apart from IPv4"

# -w: the packets written are the IPv6 ones as captured, as many as for
# the IPv4 original (a later fragment, without a TCP header, is not written:
# as for IPv4), and read back the same.
"$TLSDIAG" --write-all -w "$tmp/out-v4.pcapng" "$SRCDIR/captures/multi-connection.pcap" >/dev/null
n_v4=$(tshark -r "$tmp/out-v4.pcapng" 2>/dev/null | wc -l)
for m in plain frag 6in4 teredo; do
	"$TLSDIAG" --write-all -w "$tmp/out-$m.pcapng" "$tmp/multi-connection-$m.pcap" >/dev/null
	verdicts "$tmp/out-$m.pcapng" >"$tmp/back"
	verdicts "$tmp/multi-connection-$m.pcap" >"$tmp/orig"
	n_out=$(tshark -r "$tmp/out-$m.pcapng" 2>/dev/null | wc -l)
	# frag: the later fragments are not written, so the file read back
	# lacks their bytes (a limit, doc/tlsdiag.1): only the count is checked.
	{ [ "$m" = frag ] || cmp -s "$tmp/back" "$tmp/orig"; } && [ "$n_out" -eq "$n_v4" ]
	ok $? "-w --write-all on the $m variant: $n_out packets written (IPv4: $n_v4)$([ "$m" = frag ] || echo ', same verdicts read back')"
done
if command -v tshark >/dev/null 2>&1; then
	tshark -r "$tmp/out-frag.pcapng" -T fields -e ipv6.src 2>/dev/null | grep -q '^2001:db8::2$' &&
		! tshark -r "$tmp/out-frag.pcapng" -T fields -e ip.src 2>/dev/null | grep -q .
	ok $? "-w on the frag variant: IPv6 packets (fragments as fragments), no IPv4"
fi

# --filter is BPF on the packets as captured: IPv6 addresses match.
n=$("$TLSDIAG" --json --filter 'ip6 host 2001:db8::2 and tcp port 443' "$mc" | grep -c '"type":"flow"')
[ "$n" -eq 3 ]
ok $? "--filter 'ip6 host 2001:db8::2 and tcp port 443': the 3 connections ($n)"
n=$("$TLSDIAG" --json --filter 'ip' "$mc" | grep -c '"type":"flow"')
[ "$n" -eq 0 ]
ok $? "--filter ip: no IPv6 connection ($n)"
n=$("$TLSDIAG" --json --filter 'ip proto 41' "$tmp/multi-connection-6in4.pcap" | grep -c '"type":"flow"')
[ "$n" -eq 3 ]
ok $? "--filter 'ip proto 41' keeps the 6in4 connections ($n): the filter sees the carrier"

# The same connections over IPv4 and IPv6 in one run stay apart.
"$TLSDIAG" --json "$SRCDIR/captures/multi-connection.pcap" "$mc" >"$tmp/both"
[ "$(grep -c '"reassembled":true' "$tmp/both")" -eq 4 ] &&
	[ "$(grep -c '"diagnosis":{"category":"ok"' "$tmp/both")" -eq 2 ]
ok $? "IPv4 and IPv6 captures of the same connections in one run: 6 connections, each followed apart"

# Tunnels are followed only to the analyzed port: the inner TCP port decides.
n=$("$TLSDIAG" --json -p 8443 --only-ports "$tmp/multi-connection-teredo.pcap" | grep -c '"type":"flow"')
[ "$n" -eq 0 ]
ok $? "Teredo: -p 8443 --only-ports finds none of the inner port-443 connections ($n)"
done_testing
