#!/bin/sh
# configure --with-user (tcpdump's option of that name): run as root, the
# program becomes that user without -Z; "-Z root" keeps root. Checked with
# tests/tlsdiag-defuser, the program built as --with-user=nobody builds it,
# on a capture only root can read: become nobody, and the read fails.
. "$(dirname "$0")/lib.sh"
DEFUSER=${DEFUSER:-$(dirname "$TLSDIAG")/../tests/tlsdiag-defuser}
[ "$(id -u)" -eq 0 ] || skip_all "not root: the default user applies to root only"
[ -x "$DEFUSER" ] || skip_all "no $DEFUSER (make check builds it)"
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$SRCDIR/captures/tls12-ok-nginx.pcap" "$tmp/c.pcap"
chmod 600 "$tmp/c.pcap"

"$DEFUSER" --help | tail -1 | grep -q "becomes nobody without -Z"
ok $? "--help says which user this build becomes"

"$DEFUSER" "$tmp/c.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "c.pcap: .*[Pp]ermission denied" "$tmp/err"
ok $? "as root without -Z: became nobody, the root-only capture is not readable (exit $rc: $(head -1 "$tmp/err"))"

"$DEFUSER" -Z root "$tmp/c.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && grep -q "^   ok  *1$" "$tmp/out"
ok $? "-Z root keeps root: the capture is read (exit $rc)"

"$TLSDIAG" "$tmp/c.pcap" >"$tmp/out" 2>"$tmp/err"
ok $? "the default build has no default user: root reads it"
done_testing
