#!/bin/sh
# The command line as a user meets it: help, exit statuses, and one clear
# line on stderr for each kind of bad input while the good inputs are still
# analyzed. Captures with known content come from captures/.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap="$SRCDIR/captures"
okcap="$cap/tls13-ok.pcap"
badcap="$cap/iphttps-null-rejected.pcap"

"$TLSDIAG" --help >"$tmp/out" 2>&1
ok $? "--help exits 0"
grep -q "Exit status" "$tmp/out"
ok $? "--help documents the exit status"
"$TLSDIAG" --version | grep -q "^tlsdiag [0-9]"
ok $? "--version prints the version"

"$TLSDIAG" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "no capture file" "$tmp/err"
ok $? "no file: usage error, exit 2"
"$TLSDIAG" -p 0 "$okcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "bad port list" "$tmp/err"
ok $? "-p 0 is a usage error"
"$TLSDIAG" -p 443-80 "$okcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ]
ok $? "a reversed port range is a usage error"
"$TLSDIAG" --bogus "$okcap" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "an unknown option exits 2"

"$TLSDIAG" "$okcap" >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q "diagnosis: ok" "$tmp/out"
ok $? "a successful TLS 1.3 handshake: exit 0, diagnosis ok"
"$TLSDIAG" "$badcap" >/dev/null 2>&1
[ $? -eq 1 ]
ok $? "a failed handshake: exit 1"

# Bad inputs: one line naming the file and the reason; the good file is still
# analyzed and the summary printed; exit 2.
check_bad() { # name file expected-reason-regex
	"$TLSDIAG" "$2" "$okcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^tlsdiag: $2: " "$tmp/err" &&
		grep -Eq "$3" "$tmp/err" && grep -q "diagnosis: ok" "$tmp/out" && grep -q "^== " "$tmp/out"
	ok $? "$1: one clear line, the other file still analyzed, exit 2 ($(cat "$tmp/err"))"
}
check_bad "missing file" "$tmp/nonexistent.pcap" "No such file"
mkdir "$tmp/dir.pcap"
check_bad "directory" "$tmp/dir.pcap" "is a directory"
: >"$tmp/empty.pcap"
check_bad "empty file" "$tmp/empty.pcap" "empty file"
printf 'this is not a capture file at all\n' >"$tmp/text.pcap"
check_bad "not a capture" "$tmp/text.pcap" "format|magic"
# A pcap header with link type 147 (USER0), which tlsdiag does not decode.
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\223\000\000\000' >"$tmp/user0.pcap"
check_bad "unsupported link type" "$tmp/user0.pcap" "unsupported link type"
# A capture cut in the middle of a packet: what came before is still reported.
size=$(wc -c <"$badcap")
head -c $((size - 10)) "$badcap" >"$tmp/cut.pcap"
"$TLSDIAG" "$tmp/cut.pcap" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "truncated" "$tmp/err" && grep -q "ClientHello" "$tmp/out"
ok $? "a capture cut mid-packet: error line, the connection before the cut still reported"
# Permission denied: as root, run tlsdiag as nobody (setpriv, util-linux).
cp "$okcap" "$tmp/noperm.pcap" && chmod 000 "$tmp/noperm.pcap"
cp "$okcap" "$tmp/okcap.pcap" && chmod 644 "$tmp/okcap.pcap"
chmod 755 "$tmp"
if [ "$(id -u)" -ne 0 ]; then
	check_bad "unreadable file" "$tmp/noperm.pcap" "denied"
elif command -v setpriv >/dev/null 2>&1 && setpriv --reuid=65534 --regid=65534 --clear-groups "$TLSDIAG" -V >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TLSDIAG" "$tmp/noperm.pcap" "$tmp/okcap.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(cat "$tmp/err")" = "tlsdiag: $tmp/noperm.pcap: Permission denied" ] &&
		grep -q "diagnosis: ok" "$tmp/out" && grep -q "^== " "$tmp/out"
	ok $? "unreadable file (run as nobody): one clear line, the other file still analyzed, exit 2 ($(cat "$tmp/err"))"
else
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - unreadable file # SKIP cannot run as another user here"
fi
"$TLSDIAG" -f "tcp and and" "$okcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "bad filter" "$tmp/err"
ok $? "a BPF syntax error is reported"

# stdin, several files, filters and ports.
"$TLSDIAG" - <"$okcap" >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q "diagnosis: ok" "$tmp/out"
ok $? "'-' reads the capture from stdin"
"$TLSDIAG" "$okcap" "$badcap" >"$tmp/out" 2>&1
grep -q "^#1 " "$tmp/out" && grep -q "^#2 " "$tmp/out" && grep -q "^== 2 connections in 2 files" "$tmp/out"
ok $? "connections are numbered across files"
"$TLSDIAG" -f "tcp port 1" "$okcap" >"$tmp/out" 2>&1
grep -q "^== 0 connections" "$tmp/out"
ok $? "-f filters packets before analysis"
"$TLSDIAG" -p 8443 --only-ports "$okcap" >"$tmp/out" 2>&1
grep -q "^== 0 connections" "$tmp/out"
ok $? "-p with --only-ports selects the analyzed ports"
"$TLSDIAG" -p 8443 "$okcap" >"$tmp/out" 2>&1
grep -q "^== 1 connection" "$tmp/out" && grep -q "TLS found by content (port 443 not analyzed)" "$tmp/out"
ok $? "-p without --only-ports: TLS on another port is found by its ClientHello"
"$TLSDIAG" -p 8443 --json "$okcap" | grep -q '"by_content":true'
ok $? "--json: tcp.by_content on a connection found by content"
"$TLSDIAG" --json "$okcap" "$badcap" >"$tmp/out" 2>&1
json_lines_ok "$tmp/out" && [ "$(grep -c '"type":"flow"' "$tmp/out")" -eq 2 ] &&
	tail -n 1 "$tmp/out" | grep -q '"type":"summary"'
ok $? "--json: one flow object per connection, the summary last"
"$TLSDIAG" --json "$tmp/nonexistent.pcap" >"$tmp/out" 2>/dev/null
tail -n 1 "$tmp/out" | grep -q '"files_failed":1'
ok $? "--json: the summary is printed also when no input could be read"
# Rule files: add, override, errors, listing.
cat >"$tmp/site.rules" <<'RULES'
# Our firewall refuses with a reset: say it in our words.
rule tcp-refused {
  kind diagnosis
  category tcp-refused
  windows 0x274d
  when tcp.rst_answers_syn
  summary "Refused by the edge firewall (reset TTL ${tcp.rst_ttl})"
  remedy "Open TCP 443 to the DirectAccess server on the edge firewall."
}
rule site-weak-rsa {
  kind finding
  category weak-protocol
  when x509.server.leaf.key_bits < 4096 and x509.server.leaf.key_type == "RSA"
  summary "RSA key under 4096 bits (${x509.server.leaf.key_bits})"
}
RULES
# A rule file past the 8 MiB cap is refused, not cut (comment lines only).
python3 -c 'import sys; sys.stdout.write(("# " + "x" * 77 + "\n") * 110000)' >"$tmp/huge.rules"
"$TLSDIAG" --rules "$tmp/huge.rules" "$okcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "huge.rules: a rule file is at most 8388607 bytes" "$tmp/err"
ok $? "a rule file over 8 MiB: refused with one line, not silently cut ($(cat "$tmp/err"))"
"$TLSDIAG" --rules "$tmp/site.rules" "$cap/tcp-refused.pcap" >"$tmp/out" 2>&1
grep -q "Refused by the edge firewall (reset TTL 64)" "$tmp/out" && grep -q "rule tcp-refused" "$tmp/out"
ok $? "--rules: a rule with a default rule's id replaces it"
"$TLSDIAG" --rules "$tmp/site.rules" --list-rules >"$tmp/out"
[ "$(grep -c . "$tmp/out")" -eq "$(($("$TLSDIAG" --list-rules | grep -c .) + 1))" ] && [ "$(grep -c '^tcp-refused ' "$tmp/out")" -eq 1 ] &&
	tail -n 1 "$tmp/out" | grep -q "^site-weak-rsa " && grep -q "^tcp-refused .*site.rules:2" "$tmp/out" &&
	[ "$(grep -n '^tcp-refused ' "$tmp/out" | cut -d: -f1)" = "$("$TLSDIAG" --list-rules | grep -n '^tcp-refused ' | cut -d: -f1)" ]
ok $? "--list-rules: the replaced rule keeps its place, the new one comes last"
"$TLSDIAG" --rules "$tmp/site.rules" "$cap/cert-chain-ok-gnutls.pcap" | grep -q "finding: weak-protocol: RSA key under 4096 bits (2048)"
ok $? "--rules: an added finding rule is applied"
# The text report computes no fingerprints unless a rule reads them: one
# that does sees the value the JSON report gives.
ja3=$("$TLSDIAG" --json "$okcap" | sed -n 's/.*"ja3":"\([0-9a-f]*\)".*/\1/p' | head -n 1)
printf 'rule site-known-client {\n  kind finding\n  category no-preauth\n  when tls.client_hello.ja3_hash == "%s"\n  summary "known client ${tls.client_hello.ja4}"\n}\n' "$ja3" >"$tmp/ja3.rules"
"$TLSDIAG" --rules "$tmp/ja3.rules" "$okcap" >"$tmp/out" 2>&1
[ -n "$ja3" ] && grep -q "finding: no-preauth: known client t1" "$tmp/out"
ok $? "--rules: a rule on the JA3 hash matches in the text report too ($ja3)"
"$TLSDIAG" --no-default-rules --rules "$tmp/site.rules" "$okcap" >"$tmp/out" 2>&1
grep -q "diagnosis: incomplete (confidence low, circumstance)" "$tmp/out" && grep -q "No diagnosis rule matched" "$tmp/out"
ok $? "--no-default-rules: only the given rules; no match gives incomplete"
printf 'rule broken {\n  kind diagnosis\n  when tls.server.hello\n}\n' >"$tmp/broken.rules"
"$TLSDIAG" --rules "$tmp/broken.rules" "$okcap" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ! [ -s "$tmp/out" ] &&
	grep -q "broken.rules:3:8: unknown fact 'tls.server.hello'" "$tmp/err"
ok $? "a rule file error: FILE:LINE:COLUMN and the reason, nothing analyzed, exit 2 ($(cat "$tmp/err"))"
"$TLSDIAG" --rules "$tmp/nope.rules" "$okcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "nope.rules: No such file" "$tmp/err"
ok $? "a missing rule file is an error"
"$TLSDIAG" --explain "$badcap" >"$tmp/out"
grep -q "diagnosis null-cipher-rejected" "$tmp/out" && grep -q "=> MATCH" "$tmp/out" &&
	grep -q "tls.client_hello.null_suites is 2 -> true" "$tmp/out"
ok $? "--explain shows each rule, each test with the fact's value, and the match"
"$TLSDIAG" --json --explain "$badcap" 2>/dev/null >"$tmp/out"
json_lines_ok "$tmp/out"
ok $? "--json --explain: the explanation goes to stderr, stdout stays JSON Lines"
# tcpdump conventions (issue 13).
mc="$cap/multi-connection.pcap"
"$TLSDIAG" -q "$mc" "$cap/tcp-refused.pcap" >"$tmp/out" 2>&1
[ "$(grep -c '^#[0-9]' "$tmp/out")" -eq 3 ] && ! grep -q "diagnosis: ok" "$tmp/out" && grep -q "^== 4 connections" "$tmp/out"
ok $? "-q: only the connections not diagnosed ok, the summary counts them all"
"$TLSDIAG" -qq "$mc" >"$tmp/out" 2>&1
! grep -q '^#[0-9]' "$tmp/out" && grep -q "^== 3 connections" "$tmp/out"
ok $? "-qq: only the summary"
"$TLSDIAG" -r "$mc" -r "$cap/tcp-refused.pcap" >"$tmp/a" 2>&1
"$TLSDIAG" "$mc" "$cap/tcp-refused.pcap" >"$tmp/b" 2>&1
diff "$tmp/a" "$tmp/b" | grep -v " s)$" | grep -q '^[<>]'
[ $? -ne 0 ]
ok $? "-r FILE is a file argument"
"$TLSDIAG" -c 12 "$mc" "$mc" >"$tmp/out" 2>&1
grep -q "(12 packets" "$tmp/out"
ok $? "-c counts across all inputs ($(grep '^==' "$tmp/out"))"
"$TLSDIAG" -i lo -f "tcp" port 443 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "with -f or after the options, not both" "$tmp/out"
ok $? "-i with -f and a trailing filter: refused"
"$TLSDIAG" -i lo -r "$mc" >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "either -i INTERFACE or capture files" "$tmp/out"
ok $? "-i with -r: refused"
"$TLSDIAG" -D >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q "^[0-9]*\.lo " "$tmp/out" || [ "$(id -u)" -ne 0 ]
ok $? "-D lists the interfaces, lo among them"
"$TLSDIAG" --handshake-timeout x "$mc" >"$tmp/out" 2>&1
[ $? -eq 2 ]
ok $? "--handshake-timeout needs a number of seconds"
if command -v script >/dev/null 2>&1; then
	big="$tmp/big.pcap"
	python3 - "$mc" "$big" <<'BIG'
import sys
d = open(sys.argv[1], "rb").read()
hdr, body = d[:24], d[24:]
open(sys.argv[2], "wb").write(hdr + body * 400)
BIG
	script -qc "\"$TLSDIAG\" -qq \"$big\"" /dev/null >"$tmp/out" 2>&1
	grep -q "tlsdiag: .*big.pcap: [0-9]*% (" "$tmp/out"
	ok $? "on a terminal, a progress line for file input"
	script -qc "\"$TLSDIAG\" -qq --no-progress \"$big\"" /dev/null >"$tmp/out" 2>&1
	! grep -q "% (" "$tmp/out"
	ok $? "--no-progress: none"
	"$TLSDIAG" -qq "$big" >"$tmp/out" 2>"$tmp/err"
	! grep -q "% (" "$tmp/err"
	ok $? "stderr not a terminal: no progress line"
fi
# The JSON summary's by-server counts: resign-gateway.pcap has one
# connection to each of the ports 4511-4516 (captures/README.md), and the
# text summary's "by server" section says the same.
"$TLSDIAG" --json -p 4511-4516 --ca-file "$SRCDIR/tests/pki/root.pem" "$cap/resign-gateway.pcap" | tail -n 1 >"$tmp/sum.json"
"$TLSDIAG" -p 4511-4516 --ca-file "$SRCDIR/tests/pki/root.pem" "$cap/resign-gateway.pcap" >"$tmp/sum.txt"
python3 - "$tmp/sum.json" "$tmp/sum.txt" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
ports = sorted(int(s["server"].rsplit(":", 1)[1]) for s in j["servers"])
assert ports == list(range(4511, 4517)), ports
assert all(s["connections"] == 1 and sum(s["categories"].values()) == 1 for s in j["servers"]), j["servers"]
for s in j["servers"]:
    line = "%s SNI %s: 1 (%s 1)" % (s["server"], s["sni"], next(iter(s["categories"])))
    assert line in text, line
PY
ok $? "--json: the summary's servers, one per port 4511-4516, as the text summary's by-server lines"
done_testing
