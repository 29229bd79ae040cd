#!/bin/sh
# CI's ThreadSanitizer run: the two threads of -j 2 (src/workq.c) must share
# nothing unguarded. A build with --enable-tsan runs tests/jobs.sh (every
# bundled capture in every output form, all of them in one run, a damaged
# input, 1,900 generated connections, the corpus): any report of a data race
# ends that tlsdiag with status 88, and the check comparing it with -j 1
# fails. Built in a copy of the tree, as tests/ci-sanitize.sh does.
#   tests/ci-tsan.sh        Environment: TLSDIAG_CORPUS (default
#   ../shared/corpus/pcaps beside the tree), TSAN_BUILD_DIR (default /tmp/...).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
corpus=${TLSDIAG_CORPUS:-$src/../shared/corpus/pcaps}
dest=${TSAN_BUILD_DIR:-$(mktemp -d /tmp/tlsdiag-tsan.XXXXXX)}
mkdir -p "$dest"
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
	tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$dest"
cd "$dest"
echo "ci-tsan.sh: building with --enable-tsan in $dest"
autoreconf -fi >/dev/null 2>&1
./configure -q --enable-tsan --enable-werror
make -j2 >/dev/null
# -j 1 runs too: one thread, nothing to report, the reference to compare with.
TSAN_OPTIONS=halt_on_error=1:exitcode=88 TLSDIAG_SANITIZED=1 TLSDIAG="$dest/src/tlsdiag" SRCDIR="$dest" \
	TLSDIAG_CORPUS="$corpus" sh tests/jobs.sh
