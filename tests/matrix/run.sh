#!/bin/sh
# tests/matrix/run.sh [TLSDIAG]: the scenario matrix (issue 10, deliverable 3).
# Runs tlsdiag --json on every capture of tests/matrix/captures/ with the options of
# tests/matrix/scenarios.tsv and compares each connection with its expected diagnosis.
# Output: TAP (one line per scenario line, plan last) for the repo's TAP driver; the
# report (confusion table, wrong cells, wrong answers stated with confidence high) as
# TAP comments before it. Exit 0 only when every line passes.
# TLSDIAG: argument, else $TLSDIAG (set by make), else src/tlsdiag of this tree.
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
TLSDIAG=${1:-${TLSDIAG:-$SRCDIR/src/tlsdiag}}
case $TLSDIAG in /*) ;; *) TLSDIAG=$(pwd)/$TLSDIAG ;; esac
[ -x "$TLSDIAG" ] || { echo "1..0 # SKIP no tlsdiag at $TLSDIAG"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 missing"; exit 0; }
exec python3 "$SRCDIR/tests/matrix/run.py" "$TLSDIAG" "$SRCDIR"
