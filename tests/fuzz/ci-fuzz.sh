#!/bin/sh
# CI's fuzz run: build the libFuzzer targets in a copy of the tree (the source
# tree may be configured already, and then a VPATH build is refused) and run
# each for FUZZ_SECONDS (default 60) on seeds from captures/ and the corpus.
# Exit status non-zero when a target crashes, leaks, hangs or the build fails.
#   tests/fuzz/ci-fuzz.sh            (from anywhere)
# Environment: FUZZ_SECONDS, TLSDIAG_CORPUS (default ../shared/corpus/pcaps
# beside the tree), FUZZ_BUILD_DIR (default: a new directory under /tmp, kept
# for the logs: FUZZ_BUILD_DIR/tests/fuzz/work/TARGET/fuzz.log and crash-*).
# Needs clang and libclang-rt-14-dev (and tshark for the connection seeds);
# under CI=true, run as root, missing ones are installed with apt-get.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-60}
corpus=${TLSDIAG_CORPUS:-$src/../shared/corpus/pcaps}
dest=${FUZZ_BUILD_DIR:-$(mktemp -d /tmp/tlsdiag-fuzz.XXXXXX)}

need=""
command -v clang >/dev/null 2>&1 || need="$need clang"
[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] ||
	need="$need libclang-rt-14-dev"
command -v tshark >/dev/null 2>&1 || need="$need tshark"
if [ -n "$need" ]; then
	if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
		echo "ci-fuzz.sh: installing$need"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $need >/dev/null
	else
		echo "ci-fuzz.sh: missing:$need (Debian: apt-get install$need)" >&2
		case "$need" in *clang*) exit 1 ;; esac
	fi
fi

echo "ci-fuzz.sh: building in $dest"
mkdir -p "$dest"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	# Tracked and new files, not what the build or configure made.
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$dest"
else
	(cd "$src" && tar --exclude=./tests/fuzz/work -cf - .) | tar -xf - -C "$dest"
	(cd "$dest" && { [ ! -f Makefile ] || make distclean >/dev/null 2>&1 || true; })
fi
cd "$dest"
autoreconf -fi >autoreconf.log 2>&1 || { cat autoreconf.log; exit 1; }
CC=clang ./configure --enable-fuzz >configure.log 2>&1 || { tail -20 configure.log; exit 1; }
make -j2 >build.log 2>&1 || { tail -40 build.log; exit 1; }
# A fixed seed: CI replays the same mutations every run, so it gates on
# regressions, not on the luck of one minute; exploring new inputs is the
# job of the long local runs (tests/fuzz/README.md). FUZZ_FLAGS overrides.
FUZZ_FLAGS=${FUZZ_FLAGS:--seed=20261202} make fuzz FUZZ_SECONDS="$secs" TLSDIAG_CORPUS="$corpus"
