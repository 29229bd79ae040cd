#!/bin/sh
# Live capture (-i) on the loopback interface: a real TLS handshake between
# openssl s_server and s_client on 127.0.0.1, seen by tlsdiag as it happens,
# reported when SIGINT ends the capture. Needs root (or capture rights) and
# the openssl command; skipped otherwise.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null 2>&1 || skip_all "no openssl command"
[ "$(id -u)" -eq 0 ] || skip_all "live capture needs root"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; rm -rf "$tmp"' EXIT
port=$((40000 + $$ % 20000))
pki="$SRCDIR/tests/pki"

# Wait (at most 10 s) until CONDITION holds: a loaded machine (make -j2
# check, a fuzzer beside it) can take seconds to start a program.
wait_for() {
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.1
	done
}
packet_sockets() { wc -l </proc/net/packet; }
before=$(packet_sockets)
timeout 30 "$TLSDIAG" -i lo -p "$port-$((port + 1))" >"$tmp/out" 2>"$tmp/err" &
tdpid=$!
pids="$tdpid"
# tlsdiag captures once its packet socket exists.
wait_for '[ "$(packet_sockets)" -gt "$before" ]' || echo "# tlsdiag's packet socket did not appear"
timeout 20 openssl s_server -accept "127.0.0.1:$port" -cert "$pki/leaf.pem" -key "$pki/leaf.key" \
	-cert_chain "$pki/inter.pem" -naccept 1 -quiet >/dev/null 2>&1 &
pids="$pids $!"
if command -v ss >/dev/null 2>&1; then
	wait_for 'ss -Htln "sport = :$port" | grep -q .' || echo "# s_server did not listen"
else
	sleep 2
fi
(echo hello; sleep 1) | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername da.contoso.test \
	-CAfile "$pki/root.pem" -quiet >/dev/null 2>&1
# A refused connection too: nothing listens on port+1.
timeout 3 openssl s_client -connect "127.0.0.1:$((port + 1))" </dev/null >/dev/null 2>&1
sleep 1
kill -INT "$tdpid"
wait "$tdpid"
rc=$?
[ $rc -eq 1 ]
ok $? "tlsdiag -i lo stops on SIGINT and reports; a refused connection makes the status 1 (exit $rc)"
grep -q "diagnosis: ok" "$tmp/out" && grep -q "SNI da.contoso.test" "$tmp/out"
ok $? "the live TLS handshake is reported as ok, with its SNI"
grep -q "diagnosis: tcp-refused" "$tmp/out"
ok $? "the refused connection is reported"
grep -q "^== [0-9]* connection" "$tmp/out"
ok $? "the summary ends the live report"
sed 's/^/# /' "$tmp/err"
"$TLSDIAG" -i no-such-interface-x >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "no-such-interface-x" "$tmp/err"
ok $? "an unknown interface: one line naming it, exit 2 ($(cat "$tmp/err"))"
done_testing
