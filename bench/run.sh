#!/bin/bash
# The benchmark (make bench): generate the capture once (deterministic: seed
# and size), then time every reader on that same file, several runs each,
# and report the median and spread of wall time, throughput (MB/s,
# packets/s, connections/s), peak RSS, and each median as a multiple of the
# bare pcap_next_ex loop. Not part of make check; CI does not run it.
#
#   BENCH_QUICK=1    100 MiB capture instead of 1 GiB
#   BENCH_SIZE=N     any size in bytes (overrides the two above)
#   BENCH_SEED=N     generator seed (default 1)
#   BENCH_RUNS=N     runs per program, in rounds (default 3)
#   BENCH_TOOLS=...  which rows (default: all: pcap_loop nids_only text json text-j1
#                    json-j1 tshark ssldump; text and json use tlsdiag's default -j,
#                    2 threads on 2 CPUs, the -j1 rows one thread)
#   BENCH_SCALE=1    also the scale series: 100 MiB, 1 GiB, 4 GiB streamed through stdin
#   BENCH_DIR=DIR    where the capture is kept (default bench/work in the build tree)
#   BENCH_BEFORE=BIN another tlsdiag build (the one before a change): rows
#                    "text-before" and "json-before", and both builds' reports
#                    compared (identical but for the summary's elapsed time)
#   TLSDIAG_ARGS=... extra tlsdiag options for the text and json rows
set -u
src=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BENCH_BIN:-$src/bench}
tlsdiag=${TLSDIAG:-$src/src/tlsdiag}
dir=${BENCH_DIR:-$bin/work}
seed=${BENCH_SEED:-1}
runs=${BENCH_RUNS:-3}
if [ -n "${BENCH_SIZE:-}" ]; then size=$BENCH_SIZE
elif [ "${BENCH_QUICK:-0}" = 1 ]; then size=$((100 << 20))
else size=$((1 << 30)); fi
tools=${BENCH_TOOLS:-pcap_loop nids_only text json text-j1 json-j1 tshark ssldump}
[ -z "${BENCH_BEFORE:-}" ] || tools="$tools text-before json-before"
mkdir -p "$dir" || exit 2

# The capture for (seed, size), generated once and kept: its connection count beside it.
capture() { # size -> path
	local f="$dir/bench-$1-seed$seed.pcap"
	if [ ! -s "$f" ] || [ ! -s "$f.conns" ]; then
		echo "generating $f ..." >&2
		python3 "$src/bench/gen-capture.py" "$src/bench/templates.pcap" --size "$1" --seed "$seed" \
			--out "$f" 2>"$f.log" || { cat "$f.log" >&2; exit 2; }
		awk '{print $1}' "$f.log" > "$f.conns"
	fi
	echo "$f"
}

# One timed run: "seconds maxrss_kib" on stdout; the program's output to /dev/null.
timed() {
	local t
	t=$(mktemp)
	/usr/bin/time -f "%e %M" -o "$t" "$@" >/dev/null 2>/dev/null
	local rc=$?
	tail -1 "$t" # after "Command exited with non-zero status N"
	rm -f "$t"
	return $rc
}

command_of() { # row file -> the command
	case $1 in
	pcap_loop) echo "$bin/pcap_loop $2" ;;
	nids_only) echo "$bin/nids_only $2" ;;
	text) echo "$tlsdiag ${TLSDIAG_ARGS:-} $2" ;;
	json) echo "$tlsdiag --json ${TLSDIAG_ARGS:-} $2" ;;
	text-j1) echo "$tlsdiag -j 1 ${TLSDIAG_ARGS:-} $2" ;;
	json-j1) echo "$tlsdiag -j 1 --json ${TLSDIAG_ARGS:-} $2" ;;
	text-before) echo "$BENCH_BEFORE ${TLSDIAG_ARGS:-} $2" ;;
	json-before) echo "$BENCH_BEFORE --json ${TLSDIAG_ARGS:-} $2" ;;
	tshark) command -v tshark >/dev/null && echo "tshark -n -r $2 -Y tls.handshake.type -T fields -e frame.number" ;;
	ssldump) command -v ssldump >/dev/null && echo "ssldump -n -r $2" ;;
	esac
}

# Median, min and max of the numbers on stdin.
stats() { sort -g | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; print m, v[1], v[NR]}'; }

file=$(capture "$size")
bytes=$(stat -c %s "$file")
conns=$(cat "$file.conns")
packets=$("$bin/pcap_loop" "$file" | awk '{print $1}')
echo "capture: $file"
echo "  $bytes bytes, $packets packets, $conns connections (seed $seed); $runs runs each; $(nproc) cores"
echo "  tlsdiag: $tlsdiag ($("$tlsdiag" --version 2>/dev/null | head -1); tree at $(cd "$src" && git rev-parse --short HEAD 2>/dev/null))"
printf '%-10s %9s %15s %8s %9s %11s %9s %9s %8s\n' program median "min..max" MB/s kpkt/s conn/s "RSS MiB" "x bare" exit
# The runs go in rounds, each round every row once: on a virtual machine
# whose speed drifts over minutes, a row run five times in a row measured
# the drift (text -j 1 2.3 s alone, 3.8 s in a slow stretch); in rounds the
# drift falls on every row alike.
rows=
for row in $tools; do
	cmd=$(command_of "$row" "$file") || true
	[ -n "$cmd" ] || continue
	rows="$rows $row"
	: > "$dir/times.$row"; : > "$dir/rss.$row"; echo 0 > "$dir/rc.$row"
done
for _ in $(seq "$runs"); do
	for row in $rows; do
		cmd=$(command_of "$row" "$file")
		# shellcheck disable=SC2086
		out=$(timed $cmd) || echo $? > "$dir/rc.$row"
		echo "$out" | awk '{print $1}' >> "$dir/times.$row"
		echo "$out" | awk '{print $2}' >> "$dir/rss.$row"
	done
done
base=
for row in $tools; do
	case " $rows " in
	*" $row "*) ;;
	*) printf '%-10s (not installed)\n' "$row"; continue ;;
	esac
	read -r med lo hi < <(stats < "$dir/times.$row")
	read -r rss _ _ < <(stats < "$dir/rss.$row")
	rc=$(cat "$dir/rc.$row")
	rm -f "$dir/times.$row" "$dir/rss.$row" "$dir/rc.$row"
	[ -n "$base" ] || base=$med
	awk -v r="$row" -v m="$med" -v lo="$lo" -v hi="$hi" -v b="$bytes" -v p="$packets" -v c="$conns" \
	    -v rss="$rss" -v base="$base" -v rc="$rc" 'BEGIN {
		if (m <= 0) m = 0.005
		printf "%-10s %8.2fs %6.2f..%-7.2f %8.1f %9.1f %11.0f %9.1f %8.1f %8s\n", r, m, lo, hi,
			b / 1048576 / m, p / 1000 / m, c / m, rss / 1024, m / (base > 0 ? base : 0.005), rc }'
done

# Two reports of the same file compared: every line but the summary's first
# (elapsed time) and JSON's summary record (the same).
compare_reports() { # label "command a" "command b"
	local a b
	a=$(mktemp) b=$(mktemp)
	# shellcheck disable=SC2086
	$2 2>/dev/null | grep -v -e '^== ' -e '"type":"summary"' > "$a"
	# shellcheck disable=SC2086
	$3 2>/dev/null | grep -v -e '^== ' -e '"type":"summary"' > "$b"
	if cmp -s "$a" "$b"; then
		echo "  reports $1: identical ($(wc -l < "$a") lines)"
	else
		echo "  reports $1: DIFFER:"
		diff "$b" "$a" | head -20
		bench_differ=1
	fi
	rm -f "$a" "$b"
}
bench_differ=0
# The threads change nothing but the time.
compare_reports "text, -j 1 and the default" "$tlsdiag -j 1 $file" "$tlsdiag $file"
compare_reports "JSON, -j 1 and the default" "$tlsdiag -j 1 --json $file" "$tlsdiag --json $file"
# The same verdicts as the build before.
if [ -n "${BENCH_BEFORE:-}" ]; then
	compare_reports "text, against $BENCH_BEFORE" "$BENCH_BEFORE $file" "$tlsdiag $file"
	compare_reports "JSON, against $BENCH_BEFORE" "$BENCH_BEFORE --json $file" "$tlsdiag --json $file"
fi

[ "${BENCH_SCALE:-0}" = 1 ] || exit "$bench_differ"
# Scale series: the 100 MiB capture repeated (distinct connections per copy)
# and streamed through tlsdiag's stdin; nothing of the 1 and 4 GiB is stored.
small=$(capture $((100 << 20)))
sbytes=$(stat -c %s "$small")
echo
echo "scale series: $small repeated into tlsdiag - (text, output to /dev/null)"
printf '%-8s %12s %9s %10s %9s\n' copies bytes seconds "s per GiB" "RSS MiB"
for copies in 1 10 40; do
	t=$(mktemp)
	"$bin/pcap_repeat" "$small" "$copies" | /usr/bin/time -f "%e %M" -o "$t" "$tlsdiag" ${TLSDIAG_ARGS:-} - >/dev/null 2>&1
	read -r s m < <(tail -1 "$t")
	rm -f "$t"
	awk -v k="$copies" -v b="$sbytes" -v s="$s" -v m="$m" 'BEGIN {
		printf "%-8d %12.0f %9.2f %10.2f %9.1f\n", k, k * b, s, s / (k * b / 1073741824), m / 1024 }'
done
exit "$bench_differ"
