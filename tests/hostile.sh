#!/bin/sh
# Hostile captures (tests/hostile/README.md), written at test time by
# tests/hostile/make-hostile.py into a temp dir: impossible record and message
# lengths, 10 000 extensions, 1000 certificates, overlapping and retransmitted
# segments with different data, a SYN flood, 100 000 connections open at once,
# a capture cut at 64 bytes a packet, and every truncation of a real capture.
# Each has one exact behaviour -- a fact in the output, a counted cap, or a
# one-line error -- asserted here for the text report and --json, under
# `timeout`, with the peak RSS measured (/usr/bin/time -f %M, else
# tests/hostile/peakrss.py).
#
# The SYN flood has 1 000 000 SYNs and 100 000 connections are open at once:
# 60-80 s in all on 2 cores, peak RSS up to 2 GiB. TLSDIAG_HOSTILE_FULL=0 runs
# 100 000 SYNs and 20 000 connections instead (about 40 s).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
command -v timeout >/dev/null 2>&1 || skip_all "timeout (coreutils) is needed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
H="$SRCDIR/tests/hostile"
full=${TLSDIAG_HOSTILE_FULL:-1}
MiB=1024
# Under ASan the memory bounds are measured on one thread (-j 1): ASan keeps
# an allocator cache and a quarantine per thread, which the second thread
# doubles; the unsanitized run measures the default two threads.
if [ -n "${TLSDIAG_SANITIZED:-}" ]; then one_thread="-j 1"; else one_thread=""; fi

# run LIMIT NAME ARGS...: tlsdiag ARGS >$tmp/NAME.out 2>$tmp/NAME.err, under
# `timeout LIMIT`; sets rc, rss (peak KiB, empty when unknown) and secs.
run() {
	r_limit=$1 r_name=$2
	shift 2
	t0=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		timeout "$r_limit" /usr/bin/time -f %M -o "$tmp/$r_name.rss" "$TLSDIAG" $one_thread "$@" \
			>"$tmp/$r_name.out" 2>"$tmp/$r_name.err"
	else
		timeout "$r_limit" python3 "$H/peakrss.py" "$tmp/$r_name.rss" "$TLSDIAG" $one_thread "$@" \
			>"$tmp/$r_name.out" 2>"$tmp/$r_name.err"
	fi
	rc=$?
	secs=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	rss=$(tail -n 1 "$tmp/$r_name.rss" 2>/dev/null | grep -E '^[0-9]+$')
	echo "# $r_name: exit $rc, $secs s, peak RSS ${rss:-?} KiB"
}

# run_digest LIMIT NAME ARGS...: run for a text report too big to keep (a
# million connections: 250 MB): $tmp/NAME.out holds the number of connection
# blocks ("blocks N") and the summary lines.
run_digest() {
	r_limit=$1 r_name=$2
	shift 2
	t0=$(date +%s.%N)
	{
		if [ -x /usr/bin/time ]; then
			timeout "$r_limit" /usr/bin/time -f %M -o "$tmp/$r_name.rss" "$TLSDIAG" $one_thread "$@" 2>"$tmp/$r_name.err"
		else
			timeout "$r_limit" python3 "$H/peakrss.py" "$tmp/$r_name.rss" "$TLSDIAG" $one_thread "$@" 2>"$tmp/$r_name.err"
		fi
		echo $? >"$tmp/$r_name.rc"
	} | awk '/^#[0-9]+ / { n++ } /^== / { s = 1 } s { print } END { print "blocks " n + 0 }' >"$tmp/$r_name.out"
	rc=$(cat "$tmp/$r_name.rc")
	secs=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	rss=$(tail -n 1 "$tmp/$r_name.rss" 2>/dev/null | grep -E '^[0-9]+$')
	echo "# $r_name: exit $rc, $secs s, peak RSS ${rss:-?} KiB"
}

# both NAME RC FILE [OPTIONS...]: the text report and --json of one file: both
# exit RC within 120 s, nothing on stderr, JSON Lines with the summary last,
# the text's "== N connections" summary. Leaves $tmp/NAME.json.out.
both() {
	name=$1 want=$2 file=$3
	shift 3
	run 120 "$name.txt" "$@" "$file"
	trc=$rc
	run 120 "$name.json" --json "$@" "$file"
	[ "$trc" -eq "$want" ] && [ "$rc" -eq "$want" ] && [ ! -s "$tmp/$name.txt.err" ] &&
		[ ! -s "$tmp/$name.json.err" ] && grep -q '^== [0-9]* connection' "$tmp/$name.txt.out" &&
		python3 "$H/jsonl.py" "$tmp/$name.json.out"
	ok $? "$name: text and --json exit $want, nothing on stderr, JSON Lines with the summary last"
}

# js NAME DESCRIPTION EXPR...: Python expressions over NAME's --json output (tests/hostile/jsonl.py).
js() {
	name=$1 desc=$2
	shift 2
	python3 "$H/jsonl.py" "$tmp/$name.json.out" "$@"
	ok $? "$desc"
}

# rss_below NAME KIB DESCRIPTION: the peak RSS of the last run; skipped when unknown.
rss_below() {
	if [ -z "$rss" ]; then
		tap_n=$((tap_n + 1))
		echo "ok $tap_n - $1: peak RSS # SKIP not measured"
		return
	fi
	[ "$rss" -lt "$2" ]
	ok $? "$1: peak RSS $((rss / MiB)) MiB < $(($2 / MiB)) MiB ($3)"
}

expect() { # expect FILE KEY: what make-hostile.py says tlsdiag must find
	python3 "$H/make-hostile.py" --expect "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)['$2'])"
}

h="$tmp/h"
if [ "$full" = 1 ]; then
	syn=synflood-1m.pcap nsyn=1000000 conns=conns-100k-one-byte.pcap nconn=100000
	syn_all_bound=2200 conn_bound=1100 conn_now="1947 MiB" conn_fixed="532 MiB"
else
	syn=synflood-100k.pcap nsyn=100000 conns=conns-20k-one-byte.pcap nconn=20000
	syn_all_bound=180 conn_bound=280 conn_now="418 MiB" conn_fixed="135 MiB"
	# 100 000 half-open connections: 154 MiB, and 243 under ASan.
	[ -z "${TLSDIAG_SANITIZED:-}" ] || syn_all_bound=340
fi
files="records-len0.pcap record-len-18433.pcap record-len-65535.pcap hs-len-16777215.pcap
ch-10000-extensions.pcap cert-chain-1000.pcap overlap-different-data.pcap
retrans-different-data.pcap snap64.pcap synflood-100k.pcap $syn $conns"
# shellcheck disable=SC2086
python3 "$H/make-hostile.py" "$h" $files
ok $? "make-hostile.py writes the hostile set"
python3 "$H/make-hostile.py" "$tmp/again" records-len0.pcap overlap-different-data.pcap snap64.pcap &&
	cmp -s "$h/records-len0.pcap" "$tmp/again/records-len0.pcap" &&
	cmp -s "$h/overlap-different-data.pcap" "$tmp/again/overlap-different-data.pcap" &&
	cmp -s "$h/snap64.pcap" "$tmp/again/snap64.pcap"
ok $? "make-hostile.py is deterministic"

# ---- records of length 0 (RFC 5246 6.2.1: not for handshake, alert, CCS)
both len0 1 "$h/records-len0.pcap"
js len0 "len0 #1: a zero-length handshake record is a parse error, the ClientHello after it is read" \
	'n == 2' 'g(flow(1), "tls.client.parse_error").startswith("zero-length handshake record:")' \
	'g(flow(1), "tls.client.parse_error_frame") == 4' \
	'g(flow(1), "tls.client_hello.sni") == "da.contoso.test"'
js len0 "len0 #1: a zero-length alert record is a parse error, the alert after it is read" \
	'g(flow(1), "tls.server.parse_error").startswith("alert record shorter than 2 bytes:")' \
	'g(flow(1), "tls.alert.server.description") == "unexpected_message"' \
	'g(flow(1), "tls.server.alerts") == 1'
js len0 "len0 #2: a zero-length application_data record is allowed: counted, no parse error" \
	'g(flow(2), "tls.handshake_complete") is True' 'g(flow(2), "tls.client.app_records") == 2' \
	'g(flow(2), "tls.server.parse_error") is None' 'g(flow(2), "tls.client.records") == 7'
js len0 "len0 #2: a zero-length ChangeCipherSpec (not the byte 1) is a parse error" \
	'"ChangeCipherSpec" in g(flow(2), "tls.client.parse_error", "")' \
	'g(flow(2), "tls.client.parse_error_frame") == 22'
grep -q 'malformed: zero-length handshake record' "$tmp/len0.txt.out" &&
	grep -q 'malformed: alert record shorter than 2 bytes' "$tmp/len0.txt.out"
ok $? "len0: the text report lists both malformations where they happened"

# ---- record lengths above 2^14+2048 (RFC 5246 6.2.3): fatal for the direction
both rec18433 1 "$h/record-len-18433.pcap"
js rec18433 "record of 2^14+2049 bytes from the client: tls.client.parse_error names the record length, reading stops" \
	'n == 1' 'g(flow(1), "tls.client.parse_error").startswith("record length above 2^14+2048:")' \
	'g(flow(1), "tls.client.parse_error_frame") == 4' 'g(flow(1), "tls.client.records") == 0' \
	'g(flow(1), "tls.client_hello") is None' 'g(flow(1), "caps") is None' \
	'g(flow(1), "tls.alert.server.description") == "record_overflow"'
grep -q '^ *4 .*C->S  malformed: record length above 2^14+2048' "$tmp/rec18433.txt.out"
ok $? "record of 2^14+2049 bytes: the text report lists the malformation at frame 4"
both rec65535 1 "$h/record-len-65535.pcap"
js rec65535 "record of 65535 bytes from the server: tls.server.parse_error, the client's side still read" \
	'g(flow(1), "tls.server.parse_error").startswith("record length above 2^14+2048:")' \
	'g(flow(1), "tls.server.records") == 0' 'g(flow(1), "tls.server_hello") is None' \
	'g(flow(1), "tls.client_hello.sni") == "da.contoso.test"' \
	'g(flow(1), "tls.alert.client.description") == "record_overflow"' 'g(flow(1), "stage") == "client-hello"'

# ---- a handshake message of 2^24-1 bytes: over --max-handshake, named and skipped
hsn=$(expect hs-len-16777215.pcap certificates)
both hsmax 1 "$h/hs-len-16777215.pcap"
js hsmax "2^24-1 byte Certificate: cap handshake-message-size, skipped, the messages after it read" \
	'flow(1)["caps"] == ["handshake-message-size"]' 'g(flow(1), "tls.server_certificate") is None' \
	'g(flow(1), "tls.server_hello_done.frame") > 11000' \
	'g(flow(1), "tls.server.parse_error") is None' 'g(flow(1), "tls.server.records") == 1028'
rss_below hsmax.json $((80 * MiB)) "skipping keeps nothing of the 16 MiB message; measured 36 MiB"
grep -q 'S->C  Certificate, 16777215 bytes' "$tmp/hsmax.txt.out" &&
	! grep -q 'Certificate (0 certificates)' "$tmp/hsmax.txt.out"
ok $? "2^24-1 byte Certificate: the text report names it with its length, not as 0 certificates"
both hsmaxkept 1 "$h/hs-len-16777215.pcap" --max-handshake 16777215
js hsmaxkept "--max-handshake 16777215: the message is read, 16 certificates kept, cap certificates-per-chain" \
	'flow(1)["caps"] == ["certificates-per-chain"]' \
	'len(g(flow(1), "x509.server.chain")) == 16' 'g(flow(1), "tls.server.parse_error") is None'
js hsmaxkept "--max-handshake 16777215: tls.server_certificate.count is exact ($hsn)" \
	"g(flow(1), 'tls.server_certificate.count') == $hsn"
rss_below hsmaxkept.json $((110 * MiB)) "one 16 MiB message buffered; measured 52 MiB"

# ---- 10 000 extensions: 64 kept (cap list-length), fingerprints over all of them
ja3=$(expect ch-10000-extensions.pcap ja3_hash)
ja4=$(expect ch-10000-extensions.pcap ja4)
both ext10k 0 "$h/ch-10000-extensions.pcap"
js ext10k "10 000 extensions: 64 listed, caps list-length, the handshake followed to the end" \
	'flow(1)["caps"] == ["list-length"]' 'len(g(flow(1), "tls.client_hello.extensions")) == 64' \
	'g(flow(1), "tls.client_hello.sni") == "da.contoso.test"' \
	'g(flow(1), "diagnosis.category") == "ok"' 'g(flow(1), "tls.client_hello.ja3")'
js ext10k "10 000 extensions: JA3 $ja3 and JA4 $ja4, over every extension" \
	"g(flow(1), 'tls.client_hello.ja3') == '$ja3'" "g(flow(1), 'tls.client_hello.ja4') == '$ja4'"
grep -q 'note: cap reached (.*): list-length$' "$tmp/ext10k.txt.out" &&
	grep -q '^   caps reached (connections): list-length 1$' "$tmp/ext10k.txt.out"
ok $? "10 000 extensions: the text report names the cap, the summary counts it"
js ext10k "10 000 extensions: the JSON summary counts the cap" 'summary["caps"] == {"list-length": 1}'

# ---- a chain of 1000 certificates
certlen=$(expect cert-chain-1000.pcap message_length)
both chain 0 "$h/cert-chain-1000.pcap"
js chain "1000 certificates (a $certlen-byte message): default --max-handshake skips it, cap handshake-message-size" \
	'flow(1)["caps"] == ["handshake-message-size"]' 'g(flow(1), "tls.server_certificate") is None' \
	'g(flow(1), "tls.handshake_complete") is True'
grep -q "S->C  Certificate, $certlen bytes" "$tmp/chain.txt.out" &&
	! grep -q 'Certificate (0 certificates)' "$tmp/chain.txt.out"
ok $? "1000 certificates: the text report names the skipped message with its length"
both chainkept 0 "$h/cert-chain-1000.pcap" --max-handshake 1048576
js chainkept "1000 certificates with --max-handshake 1048576: count 1000, 16 kept, cap certificates-per-chain" \
	'g(flow(1), "tls.server_certificate.count") == 1000' 'flow(1)["caps"] == ["certificates-per-chain"]' \
	'len(g(flow(1), "x509.server.chain")) == 16' 'g(flow(1), "x509.server.count") == 16'
grep -q 'S->C  Certificate (1000 certificates)' "$tmp/chainkept.txt.out"
ok $? "1000 certificates kept: the text report says 1000 certificates"
both chain200 0 "$h/cert-chain-1000.pcap" --max-handshake 1048576 --max-certs 200
js chain200 "--max-certs 200: 200 certificates kept and decoded, the count still 1000" \
	'g(flow(1), "tls.server_certificate.count") == 1000' 'flow(1)["caps"] == ["certificates-per-chain"]' \
	'len(g(flow(1), "x509.server.chain")) == 200' 'summary["caps"] == {"certificates-per-chain": 1}'
both chain1 0 "$h/cert-chain-1000.pcap" --max-handshake 1048576 --max-certs 1
js chain1 "--max-certs 1: only the leaf is kept" 'len(g(flow(1), "x509.server.chain")) == 1'
# --max-bytes: the 873 003-byte Certificate is more than a direction may be read.
both bytes64k 1 "$h/cert-chain-1000.pcap" --max-handshake 1048576 --max-bytes 65536
js bytes64k "--max-bytes 65536: the server's direction stops at 64 KiB, cap bytes-per-direction" \
	'"bytes-per-direction" in flow(1)["caps"]' 'g(flow(1), "tls.server_certificate") is None' \
	'g(flow(1), "tls.handshake_complete") is not True' 'summary["caps"]["bytes-per-direction"] == 1'
grep -q 'note: cap reached (.*): bytes-per-direction' "$tmp/bytes64k.txt.out"
ok $? "--max-bytes: the text report names the cap"

# ---- different data for the same sequence numbers: libnids keeps the bytes
# that first complete the in-order stream; later copies of them are dropped.
# The client carried on (data both ways), so the SNI the certificate does not
# cover is a finding and the diagnosis ok: exit 0.
both overlap 0 "$h/overlap-different-data.pcap"
js overlap "overlap, in order: the first segment's bytes are kept (SNI first.contoso.test, not other.)" \
	'n == 2' 'g(flow(1), "tls.client_hello.sni") == "first.contoso.test"' \
	'g(flow(1), "tls.handshake_complete") is True' 'g(flow(1), "tls.client.parse_error") is None'
js overlap "overlap, later segment captured first: it waits out of order, the segment that fills the hole wins the overlap" \
	'g(flow(2), "tls.client_hello.sni") == "first.contoso.test"' \
	'g(flow(2), "tls.handshake_complete") is True' 'summary["libnids"]["warnings"] == 0'
both retrans 0 "$h/retrans-different-data.pcap"
js retrans "retransmission with different data: the first copy is kept (SNI first.contoso.test)" \
	'g(flow(1), "tls.client_hello.sni") == "first.contoso.test"' \
	'g(flow(1), "tls.handshake_complete") is True' 'g(flow(1), "tls.client.parse_error") is None'

# ---- every packet cut at 64 bytes
run 60 orig.json --json "$SRCDIR/captures/iphttps-null-ok.pcap"
both snap64 1 "$h/snap64.pcap"
js snap64 "snap64: the connection is reported from its TCP facts (lengths from the IP headers), no TLS facts" \
	'n == 1' 'g(flow(1), "tcp.syn_frame") == 1' 'g(flow(1), "tcp.synack_frame") == 2' \
	'g(flow(1), "tcp.fin_by") == "both"' 'g(flow(1), "tcp.bytes_client") == 718' \
	'g(flow(1), "tcp.bytes_server") == 1508' 'g(flow(1), "tcp.reassembled") is False' \
	'g(flow(1), "tls.seen") in (None, False)' 'g(flow(1), "diagnosis.category") == "incomplete"'
js snap64 "snap64: the payload is said to be cut by the snap length" \
	'"snap" in g(flow(1), "tcp.not_reassembled_why", "")'
grep -q 'payload not followed: .*snap' "$tmp/snap64.txt.out"
ok $? "snap64: the text report says the snap length cut the payload"

# ---- SYN flood: each tracked half-open connection is reported; one SYN each
# and the capture ends within seconds, so it is not a timeout but a capture
# that ended before an answer could come (incomplete, rule
# syn-unanswered-at-end); those over --max-connections are counted as not tracked.
both syn 1 "$h/$syn"
js syn "$nsyn SYNs, default --max-connections 100000: 100 000 reported, $((nsyn - 100000)) counted as not tracked" \
	'n == 100000' 'summary["connections"] == 100000' \
	"summary['connections_not_tracked'] == $nsyn - 100000" "summary['packets'] == $nsyn" \
	'summary["peak_connections"] == 100000' 'summary["categories"] == {"incomplete": 100000}' \
	'tally["stage"] == {"syn-sent": 100000}' 'tally["tcp.syn_count"] == {1: 100000}'
# 136 MiB measured on 2026-12-07 (111 before the IPv6 pair, mid-stream and
# per-side packet fields), 154 MiB on the 2026-12-08 machine with the same
# build; ASan's shadow memory and quarantine double it (255, and 305 on
# 2026-12-08 for ad8936a and later alike: the runtime's share differs between
# machines, so its bound leaves room; CI failed at 56 MiB for syn10k below).
if [ -n "${TLSDIAG_SANITIZED:-}" ]; then syn_bound=400; else syn_bound=180; fi
rss_below syn.json $((syn_bound * MiB)) "100 000 half-open connections held; measured 136-154 MiB, 305 MiB under ASan"
run_digest 600 syn-all --max-connections $nsyn "$h/$syn"
[ "$rc" -eq 1 ] && [ ! -s "$tmp/syn-all.err" ] && grep -qx "blocks $nsyn" "$tmp/syn-all.out" &&
	grep -q "^== $nsyn connections in 1 file ($nsyn packets" "$tmp/syn-all.out" &&
	grep -q 'connections not tracked: 0$' "$tmp/syn-all.out"
ok $? "$nsyn SYNs, --max-connections $nsyn: all $nsyn reported, none untracked"
rss_below syn-all $((syn_all_bound * MiB)) "about 1.5 KB a half-open connection; measured 1467 MiB for 1 000 000, 243 MiB for 100 000 under ASan"
both syn10k 1 "$h/synflood-100k.pcap" --max-connections 10000
js syn10k "100 000 SYNs, --max-connections 10000: 10 000 reported, 90 000 counted as not tracked" \
	'n == 10000' 'summary["connections"] == 10000' 'summary["connections_not_tracked"] == 90000' \
	'summary["packets"] == 100000'
grep -q 'connections not tracked: 90000$' "$tmp/syn10k.txt.out"
ok $? "100 000 SYNs, --max-connections 10000: the text summary says 90000 not tracked"
# Under ASan (tests/ci-sanitize.sh) the same run peaks at 60 MiB on
# 2026-12-08 (45 on an earlier machine; ad8936a measures the same here):
# its shadow memory and quarantine, not tlsdiag's, so each build has its bound;
# both stay far below the 100 000 connections' (syn.json above).
if [ -n "${TLSDIAG_SANITIZED:-}" ]; then syn10k_bound=100; else syn10k_bound=56; fi
rss_below syn10k.json $((syn10k_bound * MiB)) "measured 23 MiB, 60 MiB under ASan"
# --max-memory: past the cap new connections are counted, not tracked. The heap
# is measured with mallinfo2(), which sees glibc's heap, not AddressSanitizer's.
if [ -n "${TLSDIAG_SANITIZED:-}" ]; then
	skip "--max-memory 64 (the cap is not enforced under AddressSanitizer)"
else
	both mem64 1 "$h/$syn" --max-memory 64
	js mem64 "$nsyn SYNs, --max-memory 64: some tracked, the rest counted as not tracked (memory)" \
		'0 < n < 100000' "summary['connections'] + summary['connections_not_tracked'] == $nsyn" \
		'summary["connections_not_tracked_memory"] > 0'
	rss_below mem64.json $((110 * MiB)) "64 MiB of heap, then nothing new"
	grep -q 'connections not tracked because --max-memory was reached: [1-9]' "$tmp/mem64.txt.out"
	ok $? "--max-memory: the text summary says how many were not tracked"
	# libnids' stream table for a million connections is more than 64 MiB by itself.
	"$TLSDIAG" --max-connections 1000000 --max-memory 64 "$h/records-len0.pcap" >"$tmp/memlow.out" 2>"$tmp/memlow.err"
	[ $? -eq 2 ] && [ "$(wc -l <"$tmp/memlow.err")" -eq 1 ] && grep -q 'max-memory 64 MiB is less than' "$tmp/memlow.err"
	ok $? "--max-memory below what --max-connections takes up front: one line, exit 2 ($(cat "$tmp/memlow.err"))"
fi

# ---- connections established at once, one byte each, then nothing
both conn 1 "$h/$conns"
js conn "$nconn open connections with one byte each: every one reported, followed, incomplete" \
	"n == $nconn" "summary['connections'] == $nconn" 'summary["connections_not_tracked"] == 0' \
	"summary['libnids']['streams'] == $nconn" 'summary["libnids"]["evicted"] == 0' \
	"tally['tcp.reassembled'] == {True: $nconn}" "tally['tcp.bytes_client'] == {1: $nconn}" \
	"tally['diagnosis.category'] == {'incomplete': $nconn}"
rss_below conn.json $((conn_bound * MiB)) "with the TLS facts allocated once 3 bytes decide the protocol: $conn_fixed"

# ---- every truncation of a real capture
python3 "$H/truncate.py" "$TLSDIAG" "$SRCDIR/captures/iphttps-null-ok.pcap" "$tmp" >"$tmp/trunc.out" 2>&1
tr_rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok 0 "truncation: ${line#ok }" ;;
	"not ok "*) ok 1 "truncation: ${line#not ok }" ;;
	*) echo "$line" ;;
	esac
done <"$tmp/trunc.out"
ok $tr_rc "truncation: the driver ran to its end"

done_testing
