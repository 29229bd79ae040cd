#!/bin/sh
# captures/starttls-*.pcap: STARTTLS upgrades between real peers on loopback
# (issue 12). The server is captures/gen/starttls_server.py (Python ssl with
# the tests/pki chain), the client `openssl s_client -starttls PROTO`.
# Ports are not analyzed by default: the TLS part is found by content.
#   starttls-smtp.pcap  2525 EHLO, STARTTLS, 220, TLS handshake, data      -> ok
#   starttls-imap.pcap  1143 CAPABILITY, STARTTLS, OK, TLS handshake, data  -> ok
#   starttls-pop3.pcap  1110 CAPA, STLS, +OK, TLS handshake, data           -> ok
#   starttls-smtp-refused.pcap 2526 STARTTLS answered 454; the server closes.
#       Expected before the run: no TLS at all. Seen: openssl s_client
#       ignores the 454 and sends its ClientHello anyway, which the closed
#       socket answers with a reset, so tlsdiag finds it by content and says
#       tcp-reset. Right verdict once the preamble is parsed (issue 12 part
#       4, not done): the server refused STARTTLS. Not in captures/EXPECTED.
# On the protocols' own ports, followed from the SYN (expected before the run):
#   starttls-nntp.pcap   119  CAPABILITIES, STARTTLS, 382, TLS                   -> ok
#   starttls-irc.pcap    6667 STARTTLS, 670, TLS                                 -> ok
#   starttls-xmpp.pcap   5222 stream, features, <starttls/>, <proceed/>, TLS    -> ok
#   starttls-xmpp-refused.pcap 5222 <starttls/> answered <failure/>              -> starttls-refused
#   starttls-mysql.pcap  3306 greeting with CLIENT_SSL, SSL request, TLS         -> ok
# Run from the top of the tree as root (tcpdump on lo), bounded by timeout:
#   sh captures/gen/make-starttls.sh [NAME ...]   (NAME: only those captures)
set -eu
only="$*"
one() { # name proto port [--refuse]
	[ -z "$only" ] || case " $only " in *" $1 "*) ;; *) return 0 ;; esac
	out=captures/$1.pcap
	timeout 10 tcpdump -i lo -s 0 -w "$out" -U "tcp port $3" 2>/dev/null &
	dump=$!
	sleep 1
	timeout 8 python3 captures/gen/starttls_server.py "$2" "$3" ${4:-} &
	sleep 0.5
	echo hello | timeout 4 openssl s_client -connect "127.0.0.1:$3" -starttls "$2" \
		-servername mail.contoso.test -CAfile tests/pki/root.pem -quiet >/dev/null 2>&1 || true
	wait $! 2>/dev/null || true
	sleep 1
	kill "$dump" 2>/dev/null || true
	wait "$dump" 2>/dev/null || true
}
one starttls-smtp smtp 2525
one starttls-imap imap 1143
one starttls-pop3 pop3 1110
one starttls-smtp-refused smtp 2526 --refuse
one starttls-nntp nntp 119
one starttls-irc irc 6667
one starttls-xmpp xmpp 5222
one starttls-xmpp-refused xmpp 5222 --refuse
one starttls-mysql mysql 3306
