#!/bin/sh
# Run fuzz targets, each for SECONDS, on a copy of its seeds:
#   run-fuzz.sh SECONDS WORKDIR TARGET...
# WORKDIR/seeds/NAME (make-seeds.sh) is copied to WORKDIR/NAME/corpus, which
# libFuzzer then grows; its log is WORKDIR/NAME/fuzz.log and a crash, leak,
# timeout or out-of-memory input is saved as WORKDIR/NAME/crash-* (leak-*,
# timeout-*, oom-*). Exit status 1 when any target found one.
# Extra libFuzzer flags for every target: FUZZ_FLAGS="-jobs=2 ..." in the environment.
set -u
secs=${1:?usage: run-fuzz.sh SECONDS WORKDIR TARGET...}
work=${2:?usage: run-fuzz.sh SECONDS WORKDIR TARGET...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
failed=0
passed=0
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for t in "$@"; do
	name=$(basename "$t")
	dir=$work/$name
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	if [ -d "$work/seeds/$name" ]; then
		cp -R "$work/seeds/$name"/. "$dir/corpus/"
	fi
	extra=""
	[ -f "$here/$name.dict" ] && extra="-dict=$here/$name.dict"
	# fuzz_pcap: tlsdiag says why each broken capture is refused on stderr.
	[ "$name" = fuzz_pcap ] && extra="$extra -close_fd_mask=2"
	# fuzz_http: past the 4096-byte head cap (libFuzzer's default limit is 4096).
	[ "$name" = fuzz_http ] && extra="$extra -max_len=10000"
	seeds=$(ls "$dir/corpus" | wc -l)
	echo "== $name: $secs s, $seeds seeds"
	# shellcheck disable=SC2086
	timeout $((secs + 300)) "$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$dir/" $extra ${FUZZ_FLAGS:-} "$dir/corpus" >"$dir/fuzz.log" 2>&1
	rc=$?
	found=$(ls "$dir" | grep -E '^(crash|leak|timeout|oom)-' || true)
	stats=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "$dir/fuzz.log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
	echo "   $stats"
	echo "   executions: ${execs:-?}, corpus now $(ls "$dir/corpus" | wc -l) inputs, exit $rc"
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		failed=$((failed + 1))
		echo "   FAILED: $found"
		grep -E 'ERROR|SUMMARY|runtime error|abort|Test unit written|fuzz_tls:' "$dir/fuzz.log" | head -20 | sed 's/^/   /'
		echo "   (full log: $dir/fuzz.log; rerun: $t $dir/<artifact>)"
	else
		passed=$((passed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
