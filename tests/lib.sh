# Shell TAP helpers for the script tests: plan at the end, one line per check.
# Sourced by tests/*.sh; TLSDIAG and SRCDIR come from the Makefile (or the caller).
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${TLSDIAG:=$SRCDIR/src/tlsdiag}"
tap_n=0
tap_failed=0

ok() { # ok CONDITION-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# The run-to-run varying parts of an output (wall-clock seconds) made fixed.
normalize() {
	sed -E -e 's/, [0-9]+\.[0-9]+ s\)/, N s)/' -e 's/"seconds":[0-9.]+/"seconds":0/'
}

# Does every line of a file parse as JSON?
json_lines_ok() {
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    json.loads(line)
' "$1"
}

skip() { # skip DESCRIPTION: one check that cannot run here
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP"
}
