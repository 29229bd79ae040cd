#!/bin/bash
# The live soak (make soak; also the last part of make bench): hundreds of
# thousands of connections replayed with tcpreplay through a veth pair
# between a network namespace and the host, `tlsdiag -i` capturing on the
# host's end, its RSS read from /proc/PID/status every second. Passes when
#   - RSS levels off: the last third of the samples taken during the replay
#     peaks at most SOAK_GROWTH % (default 5) above the middle third's peak;
#   - the verdicts are the file's: the replay is the benchmark capture (real
#     handshakes, bench/gen-capture.py) sent SOAK_LOOPS times, each loop with
#     new addresses (tcpreplay --unique-ip), so every category's count in
#     tlsdiag's summary must be SOAK_LOOPS times the count from reading the
#     file; off by at most 2 for each packet the kernel dropped (pcap_stats,
#     the summary's "capture:" line), as one lost packet changes at most one
#     connection's verdict.
# Root only (namespaces, veth, tcpreplay); skips with a message otherwise.
# Bounded: a watchdog for tlsdiag, timeout(1) for tcpreplay.
#
#   SOAK_SIZE=N     the capture's size in bytes (default 100 MiB: 14,871 connections)
#   SOAK_LOOPS=N    times it is sent (default 20: 297,420 connections)
#   SOAK_PPS=N      replay rate, packets per second (default 50000; "top" for --topspeed)
#   SOAK_GROWTH=P   allowed growth of the last third over the middle third, % (default 5)
#   SOAK_KEEP=DIR   keep the RSS samples and tlsdiag's output there
set -u
src=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BENCH_BIN:-$src/bench}
tlsdiag=${TLSDIAG:-$src/src/tlsdiag}
dir=${BENCH_DIR:-$bin/work}
size=${SOAK_SIZE:-$((100 << 20))}
loops=${SOAK_LOOPS:-20}
pps=${SOAK_PPS:-50000}
growth=${SOAK_GROWTH:-5}
seed=1

skip() { echo "soak: SKIP: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespace, veth pair, tcpreplay)"
command -v tcpreplay >/dev/null || skip "tcpreplay is not installed (apt-get install tcpreplay)"
command -v ip >/dev/null || skip "no ip command (iproute2)"
ns="tdsoak$$"
ip netns add "$ns" 2>/dev/null || skip "network namespaces unavailable"
hveth="tdsh$$"
sveth="tdss$$"
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	ip link del "$hveth" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	[ -n "${SOAK_KEEP:-}" ] && { mkdir -p "$SOAK_KEEP"; cp "$tmp"/* "$SOAK_KEEP"/; }
	rm -rf "$tmp"
}
trap cleanup EXIT
ip link add "$hveth" type veth peer name "$sveth" || skip "cannot create a veth pair"
ip link set "$sveth" netns "$ns"
ip link set "$hveth" up
ip netns exec "$ns" ip link set "$sveth" up
# No addresses: the replayed frames are for other MAC addresses, so the
# host's kernel drops them after the capture saw them, and answers nothing.

mkdir -p "$dir" || exit 2
cap="$dir/bench-$size-seed$seed.pcap"
if [ ! -s "$cap" ]; then
	echo "soak: generating $cap ..."
	python3 "$src/bench/gen-capture.py" "$src/bench/templates.pcap" --size "$size" --seed "$seed" --out "$cap" \
		2>"$cap.log" || { cat "$cap.log"; exit 2; }
fi

# The verdicts of the file itself, by category: what each loop must give.
"$tlsdiag" -qq "$cap" >"$tmp/file.out" 2>&1
awk '/^   [a-z-]+ +[0-9]+$/ {print $1, $2}' "$tmp/file.out" | sort >"$tmp/file.counts"
conns=$(awk '{n += $2} END {print n}' "$tmp/file.counts")
packets=$(awk '/^== / {gsub(/\(/, "", $7); print $7; exit}' "$tmp/file.out")
echo "soak: $cap: $conns connections, $packets packets; $loops loops ($((conns * loops)) connections, $((packets * loops)) packets)"

# tlsdiag on the host's end: only the summary (-qq), a status line every
# second, bounded by a watchdog (SIGTERM ends it with its summary).
if [ "$pps" = top ]; then rate=--topspeed; else rate="--pps=$pps"; fi
bound=$((packets * loops / (${pps/top/200000}) * 3 + 60))
# At nice -10: on a shared machine (this one has two cores) other jobs
# would otherwise take tlsdiag's turn, the ring fills and the kernel drops;
# connections that lost a packet wait out the timeouts and memory follows
# the machine's load, not the traffic.
nice -n -10 "$tlsdiag" -i "$hveth" -qq --stats 1 >"$tmp/out" 2>"$tmp/err" &
td=$!
pids="$pids $td"
(sleep "$bound"; kill -TERM "$td" 2>/dev/null) &
pids="$pids $!"
i=0
while [ ! -s "$tmp/err" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$td/status" 2>/dev/null; }
# VmRSS and RssAnon (the heap; VmRSS also counts the kernel's packet ring, mapped once).
rss2() { awk '/^VmRSS:/ {r = $2} /^RssAnon:/ {a = $2} END {print r, a}' "/proc/$td/status" 2>/dev/null; }
echo "soak: tlsdiag pid $td, RSS $(rss2 | sed 's/ / KiB, heap /') KiB before the replay; replay at $rate"

# RSS every second while tcpreplay runs: "seconds-since-start KiB".
t0=$(date +%s.%N)
ip netns exec "$ns" timeout "$bound" tcpreplay -i "$sveth" $rate -K --loop="$loops" --unique-ip "$cap" \
	>"$tmp/tcpreplay" 2>&1 &
tr=$!
pids="$pids $tr"
: >"$tmp/rss"
while kill -0 "$tr" 2>/dev/null; do
	echo "$(echo "$(date +%s.%N) - $t0" | bc) $(rss2)" >>"$tmp/rss"
	sleep 1
done
wait "$tr"
trc=$?
sleep 1
echo "$(echo "$(date +%s.%N) - $t0" | bc) $(rss)" >"$tmp/rss.after"
elapsed=$(awk 'END {printf "%.0f", $1}' "$tmp/rss")
# utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks).
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$td/stat")
kill -TERM "$td"
wait "$td"
tdrc=$?
[ $trc -eq 0 ] || { echo "soak: tcpreplay failed (exit $trc):"; cat "$tmp/tcpreplay"; exit 1; }
grep -E "Actual|Rated|Successful|Failed" "$tmp/tcpreplay" | sed 's/^ */soak: tcpreplay: /'

fail=0
# 1. RSS levels off.
read -r n mid last first peak < <(awk '{v[NR] = $2} END {
	a = int(NR / 3); b = int(2 * NR / 3)
	for (i = a + 1; i <= b; i++) if (v[i] > m) m = v[i]
	for (i = b + 1; i <= NR; i++) if (v[i] > l) l = v[i]
	for (i = 1; i <= NR; i++) if (v[i] > p) p = v[i]
	print NR, m, l, v[1], p }' "$tmp/rss")
awk -v m="$mid" -v l="$last" -v g="$growth" 'BEGIN { exit !(m > 0 && l <= m * (1 + g / 100)) }'
lev=$?
printf 'soak: RSS: %d samples over %s s; first %d KiB, peak %d KiB; middle third peak %d KiB, last third peak %d KiB (%+.1f %%, allowed +%s %%); 1 s after the replay %d KiB\n' \
	"$n" "$(awk 'END {printf "%.0f", $1}' "$tmp/rss")" "$first" "$peak" "$mid" "$last" \
	"$(awk -v m="$mid" -v l="$last" 'BEGIN {print (m > 0 ? (l - m) * 100 / m : 0)}')" "$growth" \
	"$(awk '{print $2}' "$tmp/rss.after")"
awk '{v[NR] = $3} END {a = int(NR / 3); b = int(2 * NR / 3)
	for (i = a + 1; i <= b; i++) if (v[i] > m) m = v[i]
	for (i = b + 1; i <= NR; i++) if (v[i] > l) l = v[i]
	printf "soak: heap (RssAnon): middle third peak %d KiB, last third peak %d KiB\n", m, l }' "$tmp/rss"
if [ $lev -eq 0 ] && [ "$n" -ge 6 ]; then echo "soak: ok: RSS levels off"
else echo "soak: FAIL: RSS grows (or too few samples)"; fail=1; fi

# 2. The file's verdicts SOAK_LOOPS times over. A packet the kernel dropped
# changes at most one connection's verdict (one count down, another up), so
# the counts may differ from the file's by 2 per dropped packet in all.
capline=$(grep '^   capture:' "$tmp/out")
echo "soak: tlsdiag (exit $tdrc): $(grep '^== ' "$tmp/out")"
echo "soak: tlsdiag: $capline; CPU ${cpu} s (user + system) for ${elapsed} s of replay"
echo "soak: last status line: $(grep 'packets' "$tmp/err" | tail -1)"
kdrop=$(echo "$capline" | sed -nE 's/.* ([0-9]+) dropped by the kernel.*/\1/p')
awk '/^   [a-z-]+ +[0-9]+$/ {print $1, $2}' "$tmp/out" | sort >"$tmp/live.counts"
awk -v k="$loops" '{print $1, $2 * k}' "$tmp/file.counts" >"$tmp/want.counts"
off=$(join -a1 -a2 -e0 -o 0,1.2,2.2 "$tmp/want.counts" "$tmp/live.counts" |
	awk '{d = $2 - $3; s += d < 0 ? -d : d} END {print s + 0}')
if [ -z "$kdrop" ]; then
	echo "soak: FAIL: no capture counters in the summary"
	fail=1
elif [ "$off" -le $((2 * kdrop)) ]; then
	echo "soak: ok: the verdicts are the file's $loops times over, $off counts off for $kdrop packets dropped by the kernel ($(awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}' "$tmp/live.counts"))"
else
	echo "soak: FAIL: the verdicts are $off counts off $loops times the file's, more than 2 x $kdrop dropped packets explain (want | live):"
	join -a1 -a2 -e0 -o 0,1.2,2.2 "$tmp/want.counts" "$tmp/live.counts"
	fail=1
fi
[ "${kdrop:-0}" -eq 0 ] || echo "soak: note: $kdrop of $((packets * loops)) packets dropped by the kernel (a busy machine: try a lower SOAK_PPS, now $pps)"
exit $fail
