#!/bin/sh
# valgrind memcheck over a few real captures: no invalid read or write, no use
# of uninitialised memory, no definite or indirect leak (libnids, libpcap and
# OpenSSL keep some memory reachable until exit: that is not a leak). Each run
# covers a different path: certificates verified against anchors, a client
# certificate, the proxy CONNECT, TLS 1.3, a refused connection, several
# files in one run, a rule file, --explain, certificates dumped.
# Skipped when valgrind is missing, and under the sanitizer build (ASan and
# valgrind cannot share a process).
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind not installed (Debian: apt-get install valgrind)"
[ -z "${TLSDIAG_SANITIZED:-}" ] || skip_all "the sanitizer build runs under ASan, not valgrind"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap="$SRCDIR/captures"
cat >"$tmp/site.rules" <<'RULES'
rule site-small-rsa {
  kind finding
  category weak-protocol
  when x509.server.leaf.key_bits < 4096 and x509.server.leaf.key_type == "RSA"
  summary "RSA key under 4096 bits (${x509.server.leaf.key_bits})"
}
RULES
mkdir "$tmp/certs"

# memcheck NAME ARGS...: tlsdiag under memcheck; exit status 99 means a
# report. Anything valgrind says starts with ==PID==.
memcheck() {
	name=$1
	shift
	timeout 300 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --track-origins=yes "$TLSDIAG" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	[ "$rc" -le 2 ] && ! grep -q '^==[0-9]*==' "$tmp/$name.err" &&
		{ grep -q '^== [0-9]* connection' "$tmp/$name.out" || tail -n 1 "$tmp/$name.out" | grep -q '"type":"summary"'; }
	ok $? "memcheck $name: no error, no leak, the report printed (exit $rc)"
	[ "$rc" -le 2 ] || sed 's/^/# /' "$tmp/$name.err" | head -40
}

memcheck chain-verified --ca-file "$SRCDIR/tests/pki/root.pem" "$cap/cert-chain-ok-nginx.pcap"
memcheck client-cert --json --ca-file "$SRCDIR/tests/pki/root.pem" "$cap/client-cert-foreign-ca.pcap"
memcheck proxy-null-ok --json "$cap/proxy-connect-ok.pcap"
memcheck tls13-and-refused "$cap/tls13-ok.pcap" "$cap/tcp-refused.pcap" "$cap/tcp-timeout.pcap"
memcheck multi-rules-explain --explain --rules "$tmp/site.rules" "$cap/multi-connection.pcap" \
	"$cap/iphttps-client-cert-empty.pcap"
memcheck inspected-dump --dump-certs "$tmp/certs" "$cap/cert-inspected-squid.pcap"
memcheck caps --max-certs 1 --max-handshake 1024 "$cap/cert-chain-ok-gnutls.pcap"
# A capture cut inside a packet, and a file that is no capture: errors, and
# everything before the damage reported.
size=$(wc -c <"$cap/iphttps-client-cert-ok.pcap")
head -c $((size - 7)) "$cap/iphttps-client-cert-ok.pcap" >"$tmp/cut.pcap"
memcheck bad-inputs --json "$tmp/cut.pcap" "$SRCDIR/tests/pki/leaf.pem" "$cap/iphttps-null-ok.pcap"
done_testing
