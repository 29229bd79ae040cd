#!/bin/sh
# Live capture as on a jump box (issue 13): a network namespace holds the
# servers, a veth pair links it to the host, tlsdiag -i captures on the
# host's end while real openssl peers handshake. Checks that a verdict is
# written while its connection is still open (decided, or stalled with
# --handshake-timeout), nginx peers (a handshake that completes, a
# certificate the client rejects, a client certificate required and not
# sent: each verdict within a second), -Z (the uid read from /proc), --stats and SIGUSR1,
# the trailing BPF filter, the drop counters in the summary, and that the -w
# file opens in tcpdump/tshark. Root only; every wait is bounded.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null 2>&1 || skip_all "no openssl command"
[ "$(id -u)" -eq 0 ] || skip_all "live capture needs root"
command -v ip >/dev/null 2>&1 || skip_all "no ip command (iproute2)"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
ns="tdlive$$"
ip netns add "$ns" 2>/dev/null || skip_all "network namespaces unavailable (tests/live.sh covers lo)"
tmp=$(mktemp -d)
chmod 755 "$tmp"
mkdir "$tmp/w"
chown nobody "$tmp/w" # -w files made after -Z (SIGHUP, -G) are made as nobody
pids=""
hveth="tdh$$"
sveth="tds$$"
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	ip link del "$hveth" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip link add "$hveth" type veth peer name "$sveth" || skip_all "cannot create a veth pair"
ip link set "$sveth" netns "$ns"
ip addr add 10.213.7.1/24 dev "$hveth"
ip link set "$hveth" up
ip netns exec "$ns" ip addr add 10.213.7.2/24 dev "$sveth"
ip netns exec "$ns" ip link set "$sveth" up
ip netns exec "$ns" ip link set lo up
srv=10.213.7.2
pki="$SRCDIR/tests/pki"
port=8443      # s_server: completes handshakes
mute=8444      # accepts TCP, never answers the ClientHello
closed=8445    # nothing listens: refused
ngok=8446      # nginx, TLS 1.2, the right certificate and chain
ngname=8447    # nginx, a certificate for www.fabrikam.test
ngccert=8448   # nginx, ssl_verify_client on (Client CA)

wait_for() {
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ $i -le "${2:-100}" ] || return 1
		sleep 0.1
	done
}
# Seconds since the epoch, with fractions.
now() { date +%s.%N; }

# Its stdin stays open: at end of input s_server would close the connection.
sleep 60 | ip netns exec "$ns" timeout 60 openssl s_server -accept "$srv:$port" -cert "$pki/leaf.pem" -key "$pki/leaf.key" \
	-cert_chain "$pki/inter.pem" -quiet >/dev/null 2>&1 &
pids="$pids $!"
ip netns exec "$ns" timeout 60 python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(8)
held = []
while True:
    c, _ = s.accept(); held.append(c)   # read nothing, answer nothing
' "$srv" "$mute" &
pids="$pids $!"
# nginx in the foreground, one process, everything in the temp dir.
have_nginx=false
if command -v nginx >/dev/null 2>&1; then
	have_nginx=true
	mkdir "$tmp/nginx"
	cat "$pki/leaf-wrongname.pem" "$pki/inter.pem" >"$tmp/nginx/wrongname-chain.pem"
	ngserver() { # port cert key [extra]
		echo "server { listen $srv:$1 ssl; ssl_protocols TLSv1.2; ssl_certificate $2; ssl_certificate_key $3; $4
		       location / { return 200 \"tlsdiag live test\\n\"; } }"
	}
	cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log info;
events { worker_connections 16; }
http {
    access_log $tmp/nginx/access.log;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    $(ngserver $ngok "$pki/leaf-chain.pem" "$pki/leaf.key")
    $(ngserver $ngname "$tmp/nginx/wrongname-chain.pem" "$pki/leaf-wrongname.key")
    $(ngserver $ngccert "$pki/leaf-chain.pem" "$pki/leaf.key" "ssl_verify_client on; ssl_client_certificate $pki/client-ca.pem;")
}
EOF
	ip netns exec "$ns" timeout 60 nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" \
		>"$tmp/nginx/out" 2>&1 &
	pids="$pids $!"
fi
listening() { ip netns exec "$ns" ss -Htln "sport = :$1" | grep -q .; }
wait_for 'listening $port && listening $mute && { ! $have_nginx || { listening $ngok && listening $ngname && listening $ngccert; }; }' ||
	echo "# the servers did not listen"

# tlsdiag on the host's end, as nobody, a status line every second, the
# filter as trailing words, and a time bound of its own (the watchdog).
"$TLSDIAG" -i "$hveth" -Z nobody --stats 1 --handshake-timeout 2 -p "$port-$ngccert" -w "$tmp/w/fail.pcapng" \
	tcp and host "$srv" >"$tmp/out" 2>"$tmp/err" &
td=$!
pids="$pids $td"
(sleep 45; kill "$td" 2>/dev/null) &
pids="$pids $!"
wait_for '[ -s "$tmp/err" ]' 50 || echo "# no status line yet"

uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$td/status")
gid=$(awk '/^Gid:/ {print $2 $3 $4 $5}' "/proc/$td/status")
groups=$(awk '/^Groups:/ {print $2}' "/proc/$td/status")
[ "$uid" = "65534655346553465534" ] && [ "$gid" = "65534655346553465534" ] && [ "${groups:-65534}" = 65534 ]
ok $? "-Z nobody: uid and gid 65534 (real, effective, saved, fs) after the drop, no root group (uid $uid, gid $gid, groups ${groups:-none})"

# 1. A handshake that completes, the client then holding the connection open.
(echo hello; sleep 5) | timeout 10 openssl s_client -connect "$srv:$port" -servername da.contoso.test \
	-CAfile "$pki/root.pem" -quiet >/dev/null 2>&1 &
client=$!
pids="$pids $client"
t0=$(now)
wait_for 'grep -q "diagnosis: ok" "$tmp/out"' 40
t1=$(now)
kill -0 "$client" 2>/dev/null
alive=$?
took=$(echo "$t1 - $t0" | bc)
[ "$alive" -eq 0 ] && grep -q "diagnosis: ok" "$tmp/out" && [ "$(echo "$took < 2.0" | bc)" -eq 1 ]
ok $? "a completed handshake's verdict is written while its connection is open (${took} s after the client started)"

# 1b. nginx peers. The handshake decides within a few milliseconds of the
# client's start; its verdict must be out within a second of that.
blocks=1
if $have_nginx; then
	# Completes (the chain to root.pem, the name asked for); the client
	# then holds the connection open.
	(echo "GET / HTTP/1.1"; sleep 5) | timeout 10 openssl s_client -connect "$srv:$ngok" -servername da.contoso.test \
		-CAfile "$pki/root.pem" -verify_return_error -quiet >/dev/null 2>&1 &
	client=$!
	pids="$pids $client"
	t0=$(now)
	wait_for '[ "$(grep -c "diagnosis: ok" "$tmp/out")" -ge 2 ]' 40
	t1=$(now)
	kill -0 "$client" 2>/dev/null
	alive=$?
	took=$(echo "$t1 - $t0" | bc)
	[ "$alive" -eq 0 ] && [ "$(grep -c "diagnosis: ok" "$tmp/out")" -ge 2 ] && [ "$(echo "$took < 1.0" | bc)" -eq 1 ]
	ok $? "nginx: a completed handshake's verdict within a second, its connection still open (${took} s)"
	# A certificate for www.fabrikam.test where da.contoso.test was asked
	# for: the client checks the name and aborts (alert bad_certificate).
	timeout 5 openssl s_client -connect "$srv:$ngname" -servername da.contoso.test -verify_hostname da.contoso.test \
		-CAfile "$pki/root.pem" -verify_return_error </dev/null >/dev/null 2>&1
	t0=$(now)
	wait_for 'grep -q "diagnosis: cert-name-mismatch" "$tmp/out"' 40
	t1=$(now)
	took=$(echo "$t1 - $t0" | bc)
	grep -q "diagnosis: cert-name-mismatch" "$tmp/out" && [ "$(echo "$took < 1.0" | bc)" -eq 1 ]
	ok $? "nginx: a certificate for another name is cert-name-mismatch, within a second of the client's abort (${took} s)"
	# ssl_verify_client on, the client has no certificate: an empty
	# Certificate answers the CertificateRequest, and nginx answers the
	# request with 400 and closes.
	(printf 'GET / HTTP/1.1\r\nHost: da.contoso.test\r\n\r\n'; sleep 5) | timeout 10 openssl s_client -connect "$srv:$ngccert" \
		-servername da.contoso.test -CAfile "$pki/root.pem" -quiet >"$tmp/ngccert.out" 2>&1 &
	client=$!
	pids="$pids $client"
	t0=$(now)
	wait_for 'grep -q "diagnosis: client-cert-missing" "$tmp/out"' 40
	t1=$(now)
	took=$(echo "$t1 - $t0" | bc)
	# Known gap, kept visible (TAP TODO, not a failure): with an encrypted
	# TLS 1.2 session the 400 is not readable, and an empty Certificate
	# answering a CertificateRequest followed by the server's close is not
	# yet a rule of its own: the verdict is ok.
	if grep -q "diagnosis: client-cert-missing" "$tmp/out" && [ "$(echo "$took < 1.0" | bc)" -eq 1 ]; then
		ok 0 "nginx: a client certificate required and not sent is client-cert-missing, within a second (${took} s)"
	else
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - nginx: a client certificate required and not sent is client-cert-missing, within a second # TODO no rule yet for an empty Certificate then the server's close (verdict: $(grep 'diagnosis:' "$tmp/out" | tail -1 | sed 's/^ *diagnosis: //; s/ (.*//'))"
	fi
	grep -q "400" "$tmp/ngccert.out"
	ok $? "(the set-up: nginx answered 400: $(grep -m1 -o 'No required SSL certificate was sent' "$tmp/ngccert.out"))"
	blocks=4
fi

# 2. A ClientHello the server never answers: decided by --handshake-timeout 2.
timeout 12 openssl s_client -connect "$srv:$mute" -servername da.contoso.test </dev/null >/dev/null 2>&1 &
client2=$!
pids="$pids $client2"
t0=$(now)
wait_for 'grep -q "rule handshake-stalled" "$tmp/out"' 60
t1=$(now)
took=$(echo "$t1 - $t0" | bc)
kill -0 "$client2" 2>/dev/null && grep -q "rule handshake-stalled" "$tmp/out" &&
	[ "$(echo "$took < 4.0" | bc)" -eq 1 ]
ok $? "a ClientHello never answered is decided after --handshake-timeout 2, client still waiting (${took} s)"
grep -q "no packet for 2" "$tmp/out"
ok $? "its summary says how long nothing came"

# 3. Refused; then SIGUSR1 asks for a status line now.
timeout 3 openssl s_client -connect "$srv:$closed" </dev/null >/dev/null 2>&1
wait_for 'grep -q "diagnosis: tcp-refused" "$tmp/out"' 20
ok $? "a refused connection is reported as it happens"
before=$(grep -c "^tlsdiag: [0-9:]* packets" "$tmp/err")
kill -USR1 "$td"
sleep 0.5
after=$(grep -c "^tlsdiag: [0-9:]* packets" "$tmp/err")
[ "$after" -gt "$before" ]
ok $? "SIGUSR1 prints a status line at once ($before -> $after lines)"
tail -1 "$tmp/err" | grep -Eq "packets [0-9]+ \(kernel drops 0, interface drops 0, cut 0\); connections [0-9]+ held, [0-9]+ decided.*tcp-refused 1.*; memory [0-9.]+ MiB"
ok $? "the status line: packets, drops, connections, categories, memory ($(tail -1 "$tmp/err"))"
[ "$(grep -c "^tlsdiag: [0-9:]* packets" "$tmp/err")" -ge 3 ]
ok $? "--stats 1 prints a line every second"

# 4. Log rotation: the -w file moved away, SIGHUP, the next failure goes
# into a new file of the same name.
wait_for '[ -s "$tmp/w/fail.pcapng" ] && tcpdump -r "$tmp/w/fail.pcapng" -n 2>/dev/null | grep -q .' 20
mv "$tmp/w/fail.pcapng" "$tmp/w/fail.1.pcapng"
kill -HUP "$td"
wait_for '[ -e "$tmp/w/fail.pcapng" ]' 20
ok $? "SIGHUP reopens the -w file (made again, as the dropped user)"
timeout 3 openssl s_client -connect "$srv:$closed" </dev/null >/dev/null 2>&1
wait_for '[ "$(grep -c "diagnosis: tcp-refused" "$tmp/out")" -ge 2 ]' 20

# 5. Traffic the trailing filter excludes: another address in the namespace.
ip netns exec "$ns" ip addr add 10.213.7.3/24 dev "$sveth"
timeout 3 openssl s_client -connect "10.213.7.3:$closed" </dev/null >/dev/null 2>&1
sleep 0.5
kill -INT "$td"
wait_for '! kill -0 "$td" 2>/dev/null' 50
wait "$td"
rc=$?
[ "$rc" -eq 1 ]
ok $? "SIGINT ends the capture with a summary; failures make the status 1 (exit $rc)"
! grep -q "10.213.7.3" "$tmp/out"
ok $? "the trailing words are the BPF filter: 10.213.7.3 is not analyzed"
grep -Eq "^   capture: [0-9]+ packets received, 0 dropped by the kernel, 0 by the interface" "$tmp/out"
ok $? "the summary has the device's counters ($(grep '^   capture:' "$tmp/out"))"
[ "$(grep -c '^#[0-9]' "$tmp/out")" -eq $((blocks + 3)) ]
ok $? "each connection is reported once, tombstones absorb the late packets ($(grep -c '^#[0-9]' "$tmp/out") blocks)"
for f in fail.1.pcapng fail.pcapng; do
	if command -v tcpdump >/dev/null 2>&1; then
		n=$(tcpdump -r "$tmp/w/$f" -n 2>/dev/null | wc -l)
		[ "$n" -gt 0 ]
		ok $? "tcpdump reads the -w file $f ($n packets)"
	fi
	if command -v tshark >/dev/null 2>&1; then
		n=$(tshark -r "$tmp/w/$f" 2>/dev/null | wc -l)
		[ "$n" -gt 0 ]
		ok $? "tshark reads the -w file $f ($n packets)"
	fi
done
[ "$(stat -c %U "$tmp/w/fail.pcapng")" = nobody ]
ok $? "the reopened file belongs to the dropped user"
sed 's/^/# /' "$tmp/err" | tail -5
done_testing
