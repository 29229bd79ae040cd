#!/bin/sh
# CI's sanitizer run: the whole test suite, and every capture of
# TLSDIAG_CORPUS, under AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer; any report fails a test. Built in a copy of the
# tree, since the source tree may already be configured (then a VPATH build
# is refused).
#   tests/ci-sanitize.sh        Environment: TLSDIAG_CORPUS (default
#   ../shared/corpus/pcaps beside the tree), SAN_BUILD_DIR (default /tmp/...).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
corpus=${TLSDIAG_CORPUS:-$src/../shared/corpus/pcaps}
dest=${SAN_BUILD_DIR:-$(mktemp -d /tmp/tlsdiag-san.XXXXXX)}
mkdir -p "$dest"
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
	tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$dest"
cd "$dest"
echo "ci-sanitize.sh: building with --enable-asan --enable-ubsan in $dest"
autoreconf -fi >/dev/null 2>&1
./configure -q --enable-asan --enable-ubsan --enable-werror
make -j2 >/dev/null
# Sanitizer reports go to stderr and end the process with an error status:
# every test that runs tlsdiag checks its status. The big hostile cases run
# at their smaller size here (ASan doubles the memory).
TLSDIAG_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87 \
TLSDIAG_HOSTILE_FULL=0 make -j2 check TLSDIAG_CORPUS="$corpus"
