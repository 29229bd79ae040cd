#!/bin/sh
# -j 2 (the judging on a thread of its own, src/workq.c) says exactly what
# -j 1 says, in the same order: every bundled capture alone and all of them
# in one run (the certificate history reads across connections), in text,
# JSON, --ladder, --explain, -q and --html; a damaged input between good ones,
# with standard error and output in one stream (a message waits for the
# reports before it); and a generated capture of some 1,900 interleaved
# connections that fills the hand-off queue many times over. The public
# corpus too, when TLSDIAG_CORPUS names it. Only the summary's elapsed time
# may differ.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap="$SRCDIR/captures"

# same OPTIONS... -- FILES...: do -j 1 and -j 2 write the same (stdout and
# stderr together, elapsed time normalized) and exit with the same status?
same() {
	opts=
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	# shellcheck disable=SC2086
	"$TLSDIAG" -j 1 $opts "$@" >"$tmp/one" 2>&1
	rc1=$?
	# shellcheck disable=SC2086
	"$TLSDIAG" -j 2 $opts "$@" >"$tmp/two" 2>&1
	rc2=$?
	[ "$rc1" = "$rc2" ] && normalize <"$tmp/one" >"$tmp/one.n" && normalize <"$tmp/two" >"$tmp/two.n" &&
		cmp -s "$tmp/one.n" "$tmp/two.n"
}

# Each bundled capture alone, in each output form: the differing ones named.
for form in "" "--json" "--ladder --explain" "-q --json"; do
	bad=
	n=0
	for f in "$cap"/*.pcap "$cap"/*.pcapng; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		same $form -- "$f" || bad="$bad $(basename "$f")"
	done
	[ -z "$bad" ]
	ok $? "each of the $n bundled captures alone, ${form:-text}: -j 2 writes what -j 1 writes${bad:+ (differ:$bad)}"
done

# All of them in one run: later connections' verdicts read the earlier
# ones' certificates (x509_history), so the order of judging matters.
all=$(ls "$cap"/*.pcap "$cap"/*.pcapng 2>/dev/null)
# shellcheck disable=SC2086
same -- $all
ok $? "all bundled captures in one run, text: the same"
# shellcheck disable=SC2086
same --json -- $all
ok $? "all bundled captures in one run, JSON: the same"
# shellcheck disable=SC2086
same --expect ok -- $all
ok $? "--expect ok: the same messages on stderr, each after the reports before it, and the same exit status"
# shellcheck disable=SC2086
"$TLSDIAG" -j 1 --html "$tmp/one.html" $all >/dev/null 2>&1
# shellcheck disable=SC2086
"$TLSDIAG" -j 2 --html "$tmp/two.html" $all >/dev/null 2>&1
normalize <"$tmp/one.html" | sed -E 's/[0-9]+\.[0-9]+ s/N s/g' >"$tmp/one.hn"
normalize <"$tmp/two.html" | sed -E 's/[0-9]+\.[0-9]+ s/N s/g' >"$tmp/two.hn"
[ -s "$tmp/one.hn" ] && cmp -s "$tmp/one.hn" "$tmp/two.hn"
ok $? "--html: the same page"

# A damaged input (cut in the middle of a packet) between two good ones:
# its one-line error comes after the reports of the connections before the
# damage, with both threads as with one.
head -c 2500 "$cap/multi-connection.pcap" >"$tmp/cut.pcap"
same -- "$cap/tls13-ok.pcap" "$tmp/cut.pcap" "$cap/tcp-refused.pcap"
ok $? "a cut file between two good ones, stderr and stdout together: the same, in the same order"
grep -q "cut.pcap" "$tmp/two"
ok $? "and the cut file is named in its error"
same -- "$cap/tls13-ok.pcap" "$tmp/no-such.pcap" "$cap/tcp-refused.pcap"
ok $? "a missing file between two good ones: the same"

# Many connections: the queue (256 slots, woken per 32) fills and wraps.
if command -v python3 >/dev/null 2>&1 &&
	python3 "$SRCDIR/bench/gen-capture.py" "$SRCDIR/bench/templates.pcap" --size 8000000 --seed 3 \
		--out "$tmp/many.pcap" >/dev/null 2>&1; then
	same -- "$tmp/many.pcap"
	ok $? "a generated capture of $(grep -c '^#' "$tmp/one") interleaved connections, text: the same"
	same --json -- "$tmp/many.pcap"
	ok $? "the same capture, JSON: the same"
	same -q -- "$tmp/many.pcap"
	ok $? "the same capture, -q: the same"
	# The report's reader goes away (| head): SIGPIPE ends tlsdiag at the
	# next write, whichever thread writes. Were it blocked in the judging
	# thread, tlsdiag would read the whole capture for nobody: the capture
	# is fed through stdin, and its writer must be cut short.
	for j in 1 2; do
		python3 -c '
import os, sys
data = open(sys.argv[1], "rb").read()
try:
    for i in range(0, len(data), 65536):
        sys.stdout.buffer.write(data[i:i + 65536])
    sys.stdout.buffer.flush()
    open(sys.argv[2], "w").write("all")
except BrokenPipeError:
    open(sys.argv[2], "w").write("cut")
    os._exit(0)
' "$tmp/many.pcap" "$tmp/fed$j" 2>/dev/null | { "$TLSDIAG" -j $j -; echo $? >"$tmp/rc$j"; } | head -1 >/dev/null
	done
	[ "$(cat "$tmp/rc1")" = 141 ] && [ "$(cat "$tmp/rc2")" = 141 ] &&
		[ "$(cat "$tmp/fed1")" = cut ] && [ "$(cat "$tmp/fed2")" = cut ]
	ok $? "| head -1: SIGPIPE ends tlsdiag before it has read its input, -j 1 and -j 2 alike (exit $(cat "$tmp/rc1"), $(cat "$tmp/rc2"); input $(cat "$tmp/fed1"), $(cat "$tmp/fed2"))"
else
	skip "no python3 or the generator failed: the many-connection capture"
fi

# libnids out of memory on the reading thread (tests/nids_nomem.c fails its
# allocations from the Nth on): tlsdiag exits 2 with its message, and what
# it reported before is what -j 1 reports, message after the reports. The
# judging thread's queue is judged first; it was lost, and written to under
# the exit's flush.
shim="$tmp/nids_nomem.so"
# A sanitizer's allocator cannot be preloaded over (ASan, TSan: CI's runs).
if [ -z "${TLSDIAG_SANITIZED:-}" ] && ! grep -qaE "__(tsan|asan)_init" "$TLSDIAG" && [ -s "$tmp/many.pcap" ] &&
	${CC:-cc} -O2 -shared -fPIC -o "$shim" "$SRCDIR/tests/nids_nomem.c" -ldl 2>/dev/null; then
	for at in 500 3000; do
		export NIDS_NOMEM_AT=$at LD_PRELOAD="$shim"
		same -- "$tmp/many.pcap"
		r=$?
		unset NIDS_NOMEM_AT LD_PRELOAD
		n=$(grep -c '^#' "$tmp/two")
		[ "$r" = 0 ] && [ "$rc1" = 2 ] && [ "$n" -gt 0 ] && grep -q "out of memory in libnids" "$tmp/one" &&
			grep -q "out of memory in libnids" "$tmp/two"
		ok $? "libnids out of memory at its allocation $at: the same $n reports and the message after them as with -j 1, exit $rc1 and $rc2 (2)"
	done
else
	skip "no compiler for the LD_PRELOAD shim, or a sanitized build: libnids out of memory"
fi

# On a terminal (stdout and stderr both, through script(1)): the progress
# line is drawn by the judging thread, between report blocks, so once the
# progress lines are taken out the report is -j 1's.
if command -v script >/dev/null 2>&1 && [ -s "$tmp/many.pcap" ]; then
	for j in 1 2; do
		script -qc "\"$TLSDIAG\" -j $j \"$tmp/many.pcap\"" /dev/null >"$tmp/tty$j" 2>&1
		# Each erase (CR, ESC [K) ends what was drawn before it on the line.
		sed -e 's/\r\x1b\[K/\n@@/g' "$tmp/tty$j" | tr -d '\r' | grep -v '^@@tlsdiag: ' | sed 's/^@@//' |
			grep -v '^$' | normalize >"$tmp/tty$j.n"
	done
	grep -q "% (" "$tmp/tty2" && [ -s "$tmp/tty2.n" ] && cmp -s "$tmp/tty1.n" "$tmp/tty2.n"
	ok $? "on a terminal: progress lines drawn, and the report between them is -j 1's"
else
	skip "no script(1): the terminal check"
fi

# The corpus: other people's captures, in JSON (every fact written).
if [ -n "${TLSDIAG_CORPUS:-}" ] && [ -d "$TLSDIAG_CORPUS" ]; then
	bad=
	n=0
	for f in "$TLSDIAG_CORPUS"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		same --json -- "$f" || bad="$bad $(basename "$f")"
	done
	[ -z "$bad" ]
	ok $? "each of the $n corpus captures, JSON: the same${bad:+ (differ:$bad)}"
else
	skip "TLSDIAG_CORPUS not set: the public corpus"
fi

# -j takes 1 or 2 and says so otherwise.
for bad in 0 3 x; do
	"$TLSDIAG" -j "$bad" "$cap/tls13-ok.pcap" >"$tmp/out" 2>&1
	rc=$?
	[ "$rc" = 2 ] && grep -q "bad -j (1 or 2" "$tmp/out"
	ok $? "-j $bad: refused (exit $rc), naming what it takes"
done
"$TLSDIAG" --jobs 1 "$cap/tls13-ok.pcap" | grep -q "diagnosis: ok"
ok $? "--jobs 1 is -j 1"

done_testing
