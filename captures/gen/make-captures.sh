#!/usr/bin/env bash
# make-captures.sh - produce tlsdiag's test captures with real TLS peers on loopback.
#
# Usage: sudo captures/gen/make-captures.sh [OUTDIR]      (default OUTDIR: captures/)
#        TD_SCENARIOS="cert" sudo -E captures/gen/make-captures.sh [OUTDIR]
#                          (a subset: scenario names, file names, or the groups
#                           base / cert / diag / all; only that subset's files are copied)
#        captures/gen/make-captures.sh --verify [DIR]     (check existing captures only)
#
# What it does, and why:
#   * Every peer is a real program from a Debian package (openssl s_server/s_client,
#     gnutls-serv, nginx, squid, haproxy) or a small python3-stdlib helper in this
#     directory, so the bytes on the wire are what real TLS stacks send, not
#     hand-made records.
#   * All traffic stays on the loopback interface of a private network namespace
#     (tdgen<PID>) that this script creates and deletes: nothing can leave the host,
#     and the captures contain nothing but our own connections.
#   * Addresses make the direction obvious: client 127.0.0.1, TLS server
#     127.0.0.2:443, black-holed server 127.0.0.3:443, HTTP proxy 127.0.0.4:3128.
#     (gnutls-serv cannot choose its address and listens on 0.0.0.0/:: port 443;
#     in the namespace that is loopback only, and clients still connect to 127.0.0.2.)
#   * Every process runs under timeout(1); the script ends by itself and kills what
#     it started (by PID) on any exit.
#   * The base scenarios use a throwaway PKI generated per run in a temp dir. The
#     certificate scenarios (group "cert") and the diagnosis scenarios (group
#     "diag", files diag-*) use the committed test PKI in tests/pki/
#     (made by tests/pki/make-pki.sh), so their certificates verify against
#     tests/pki/root.pem; only the interception leaf is minted at capture time.
#     Captures are written to the temp dir, checked with tshark, and only the .pcap
#     files of the scenarios that ran are copied to OUTDIR. Re-running replaces
#     those (new keys, new timestamps, same shapes) and leaves every other file alone.
#   * TCP checksums: on Linux loopback the kernel leaves TCP checksums partial
#     (CHECKSUM_PARTIAL), so every TCP checksum in these captures is "incorrect",
#     exactly like offloaded outgoing packets in a real client-side capture. This
#     cannot be switched off on lo; readers must not validate checksums.
set -euo pipefail

GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${PYTHON:-python3}
# The helpers import each other; keep captures/gen/ free of __pycache__.
export PYTHONDONTWRITEBYTECODE=1

# Addresses and names used by all scenarios.
CLIENT_IP=127.0.0.1
SERVER_IP=127.0.0.2
BLACKHOLE_IP=127.0.0.3
PROXY_IP=127.0.0.4
PROXY_PORT=3128
DA_NAME=da.contoso.test

# What Windows 8+ IP-HTTPS clients offer (RFC 5246 A.5: 0x003B, 0x0002).
# OpenSSL 3 only enables them at security level 0.
NULL_SUITES='NULL-SHA256:NULL-SHA:@SECLEVEL=0'

# The IP-HTTPS request as Windows sends it ([MS-IPHTTPS], nmap ip-https-discover):
# an endless body announced by Content-Length 2^64-1.
IPHTTPS_POST=$'POST /IPHTTPS HTTP/1.1\r\nHost: da.contoso.test\r\nContent-Length: 18446744073709551615\r\n\r\n'

log() { printf '[make-captures] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

###########################################################################
# Part 1: runs in the namespace (re-invoked as: make-captures.sh --inside WORK)
###########################################################################

TCPDUMP_PID=
CUR_PCAP=

# Kill only what this shell started (its own job PIDs).
inside_cleanup() {
    local p
    for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}

# start_capture NAME [FILTER [BUFFER_KIB]]: start tcpdump on lo and wait until it
# is listening.
# --immediate-mode: without it, packets still in the kernel ring buffer when
# tcpdump gets SIGINT are lost (seen: "22 received by filter, 0 captured").
# BUFFER_KIB (tcpdump -B): in immediate mode each ring slot holds a whole
# loopback-sized frame, so the default 2 MiB ring has room for a few dozen
# packets only; a peer that writes many tiny segments at once (tinyproxy's
# error page) overflows it ("36 packets dropped by kernel"). Without it,
# tcpdump's default, as for every capture made before this option.
start_capture() {
    local name=$1 filter=${2:-tcp} buf=()
    [ -n "${3:-}" ] && buf=(-B "$3")
    CUR_PCAP=$WORK/pcap/$name.pcap
    : >"$WORK/log/$name.tcpdump"
    timeout 120 tcpdump -i lo --immediate-mode -U -s 0 "${buf[@]}" -Z root -w "$CUR_PCAP" "$filter" \
        2>"$WORK/log/$name.tcpdump" &
    TCPDUMP_PID=$!
    for _ in $(seq 50); do
        grep -q 'listening on' "$WORK/log/$name.tcpdump" && return 0
        sleep 0.1
    done
    die "tcpdump did not start for $name: $(cat "$WORK/log/$name.tcpdump")"
}

# stop_capture: let the last packets (FIN/ACK) arrive, then SIGINT tcpdump so it
# writes a complete file.
stop_capture() {
    sleep 1
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=
    log "  $(basename "$CUR_PCAP"): $(grep 'packets captured' "$WORK/log/$(basename "$CUR_PCAP" .pcap).tcpdump")"
}

# wait_listen IP PORT: poll the socket table (ss) rather than connecting, so the
# readiness check itself leaves no connection in the capture.
wait_listen() {
    local ip=$1 port=$2
    for _ in $(seq 100); do
        ss -Hltn "( sport = :$port )" | grep -qF "$ip:$port" && return 0
        sleep 0.1
    done
    die "nothing listening on $ip:$port"
}

# wait_pid PID [GRACE]: give a server GRACE seconds (default 3) to end by itself
# after its client is done, then stop it (TERM via its timeout(1) wrapper).
# s_server, for one, lingers after a failed handshake until its stdin closes.
wait_pid() {
    local pid=$1 grace=${2:-3}
    for _ in $(seq $((grace * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || true
}

# openssl s_client, bound to the client address (an array, so timeout(1) can run it).
S_CLIENT=(openssl s_client -bind "$CLIENT_IP:0")

# The IP-HTTPS client's stdin: the POST, then (after the 200 arrived) one
# IPv6 Router Solicitation as tunnel payload, then keep stdin open a while.
iphttps_client_input() {
    printf '%s' "$IPHTTPS_POST"
    sleep "${1:-1}"
    "$PY" "$GEN_DIR/ipv6_nd.py" rs
    sleep "${2:-3}"
}

# The stand-in Microsoft-HTTPAPI/2.0 server (TLS 1.2, NULL suites by default).
start_standin() {
    local logname=$1; shift
    timeout 30 "$PY" "$GEN_DIR/httpapi_standin.py" --listen "$SERVER_IP" --port 443 \
        --cert "$PKI/server.pem" --key "$PKI/server.key" "$@" \
        >"$WORK/log/$logname.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
}

# --- 1 ------------------------------------------------------------------
# Success: Windows-like NULL-only offer, server picks NULL-SHA256 (0x003B); the
# HTTP request, the HTTP.sys 200 and the first IPv6 packets are readable.
scenario_iphttps_null_ok() {
    local n=iphttps-null-ok
    start_capture $n
    start_standin $n --count 1
    iphttps_client_input 1 3 | timeout 15 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" \
        -servername "$DA_NAME" -tls1_2 -cipher "$NULL_SUITES" -quiet \
        >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- 2 ------------------------------------------------------------------
# The server has no NULL suite enabled (e.g. SSTP co-located, ADC without NULL):
# no shared cipher -> fatal handshake_failure(40) right after the ClientHello.
scenario_iphttps_null_rejected() {
    local n=iphttps-null-rejected
    start_capture $n
    # s_server closes the connection when its stdin hits EOF, so keep stdin open.
    sleep 10 | timeout 15 openssl s_server -accept "$SERVER_IP:443" -naccept 1 \
        -cert "$PKI/server.pem" -key "$PKI/server.key" \
        >"$WORK/log/$n.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -cipher "$NULL_SUITES" </dev/null >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# s_server as an IP-HTTPS server with preauthentication (client certificates):
# NULL suites, TLS 1.2, CertificateRequest naming "tlsdiag Client CA" (from -CAfile).
# $2 is a function whose output becomes s_server's stdin: s_server sends what it
# reads there, and closes the connection when it hits EOF.
start_preauth_server() {
    local logname=$1 feeder=$2
    "$feeder" | timeout 20 openssl s_server -accept "$SERVER_IP:443" -naccept 1 -tls1_2 \
        -cipher "$NULL_SUITES" -cert "$PKI/server.pem" -key "$PKI/server.key" \
        -Verify 1 -verify_return_error -CAfile "$PKI/clientca.pem" \
        >"$WORK/log/$logname.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
}

# Keeps a server's stdin open (and silent) for the duration of a scenario.
hold_stdin() { sleep 10; }

# --- 3 ------------------------------------------------------------------
# Preauthentication required, client has no certificate: it answers the
# CertificateRequest with an empty Certificate; the server aborts
# (TLS 1.2 OpenSSL: handshake_failure(40), "peer did not return a certificate").
scenario_iphttps_client_cert_empty() {
    local n=iphttps-client-cert-empty
    start_capture $n
    start_preauth_server $n hold_stdin
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -cipher "$NULL_SUITES" </dev/null >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- 4 ------------------------------------------------------------------
# Preauthentication with a certificate from the client CA: handshake completes
# (NULL suite, so the client Certificate and the HTTP exchange are readable).
# s_server sends whatever arrives on its stdin, so the 200 and the Router
# Advertisement are fed with delays that put them after the client's POST / RS.
# The client ends with close_notify when its stdin closes (-no_ign_eof).
preauth_answer() {
    sleep 2
    printf 'HTTP/1.1 200 OK\r\nServer: Microsoft-HTTPAPI/2.0\r\nDate: %s\r\n\r\n' \
        "$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')"
    sleep 1.5
    "$PY" "$GEN_DIR/ipv6_nd.py" ra
    sleep 8
}
scenario_iphttps_client_cert_ok() {
    local n=iphttps-client-cert-ok
    start_capture $n
    start_preauth_server $n preauth_answer
    iphttps_client_input 2.5 2.5 | timeout 15 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" \
        -servername "$DA_NAME" -tls1_2 -cipher "$NULL_SUITES" \
        -cert "$PKI/client.pem" -key "$PKI/client.key" -quiet -no_ign_eof -nocommands \
        >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- 5 ------------------------------------------------------------------
# Server presents an expired certificate (2024-01-01 .. 2025-01-01); a verifying
# client aborts with certificate_expired(45) after the server's flight.
scenario_tls12_expired_server_cert() {
    local n=tls12-expired-server-cert
    start_capture $n
    sleep 10 | timeout 15 openssl s_server -accept "$SERVER_IP:443" -naccept 1 -tls1_2 \
        -cert "$PKI/expired.pem" -key "$PKI/expired.key" \
        >"$WORK/log/$n.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -CAfile "$PKI/root.pem" -verify_return_error -verify_hostname "$DA_NAME" \
        </dev/null >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- 6 ------------------------------------------------------------------
# TLS 1.3 success with a valid certificate, one line of data each way, then the
# client closes with close_notify and the server answers with its own.
scenario_tls13_ok() {
    local n=tls13-ok
    start_capture $n
    { sleep 1.5; printf 'hello from the server\n'; sleep 8; } | \
        timeout 15 openssl s_server -accept "$SERVER_IP:443" -naccept 1 -tls1_3 \
        -cert "$PKI/server.pem" -key "$PKI/server.key" \
        >"$WORK/log/$n.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
    { printf 'hello from the client\n'; sleep 2.5; } | timeout 10 "${S_CLIENT[@]}" \
        -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_3 \
        -CAfile "$PKI/root.pem" -verify_return_error -verify_hostname "$DA_NAME" \
        -quiet -no_ign_eof -nocommands >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- 7 ------------------------------------------------------------------
# Nothing listens on 127.0.0.2:443: SYN answered by RST/ACK (one attempt).
scenario_tcp_refused() {
    local n=tcp-refused
    start_capture $n
    timeout 5 "$PY" "$GEN_DIR/tcp_tools.py" probe "$SERVER_IP" 443 --bind "$CLIENT_IP" \
        --timeout 3 >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
}

# --- 8 ------------------------------------------------------------------
# A firewall silently drops SYNs to 127.0.0.3:443 (nftables input hook; tcpdump
# sees loopback packets on the way out, before the drop). The kernel retransmits
# the SYN after 1, 3 and 7 s; the client gives up at 7.5 s: 1 SYN + 3 retransmissions.
scenario_tcp_timeout() {
    local n=tcp-timeout
    nft -f - <<EOF
table inet tdgen {
    chain input {
        type filter hook input priority 0; policy accept;
        ip daddr $BLACKHOLE_IP tcp dport 443 drop
    }
}
EOF
    start_capture $n
    timeout 12 "$PY" "$GEN_DIR/tcp_tools.py" probe "$BLACKHOLE_IP" 443 --bind "$CLIENT_IP" \
        --timeout 7.5 >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    nft delete table inet tdgen
}

# squid with a minimal config in the temp dir. $1 = allow|deny for CONNECT to
# da.contoso.test:443. Squid drops privileges to the Debian "proxy" user, so its
# run dir belongs to proxy. The hosts file maps da.contoso.test to the server;
# no DNS server is needed (and none is reachable in the namespace).
start_squid() {
    local mode=$1 logname=$2 d=$WORK/squid-$1
    mkdir -p "$d"
    printf '%s %s\n' "$SERVER_IP" "$DA_NAME" >"$d/hosts"
    cat >"$d/squid.conf" <<EOF
http_port $PROXY_IP:$PROXY_PORT
visible_hostname proxy.contoso.test
cache_effective_user proxy
pid_filename $d/squid.pid
cache_log $d/cache.log
access_log stdio:$d/access.log
cache_store_log none
coredump_dir $d
netdb_filename none
pinger_enable off
cache deny all
cache_mem 8 MB
hosts_file $d/hosts
dns_nameservers 127.0.0.1
shutdown_lifetime 1 seconds
# the proxy leg to the server leaves from the proxy's own address
tcp_outgoing_address $PROXY_IP
acl SSL_ports port 443
acl CONNECT method CONNECT
acl da_server dstdomain $DA_NAME
http_access deny CONNECT !SSL_ports
http_access $mode CONNECT da_server
http_access deny all
EOF
    chown -R proxy: "$d"
    timeout 40 squid -N -f "$d/squid.conf" >"$WORK/log/$logname.proxy" 2>&1 &
    PROXY_PID=$!
    wait_listen "$PROXY_IP" "$PROXY_PORT"
}

stop_squid() {
    kill -TERM "$PROXY_PID" 2>/dev/null || true
    wait "$PROXY_PID" || true
    cat "$WORK/squid-$1/access.log" >>"$WORK/log/$2.proxy" 2>/dev/null || true
}

# --- 9 ------------------------------------------------------------------
# IP-HTTPS through an HTTP proxy: "CONNECT da.contoso.test:443 HTTP/1.1" -> 200,
# then the NULL-suite TLS handshake and the IP-HTTPS exchange inside the tunnel.
# Client: iphttps_client.py (python ssl = OpenSSL), because s_client -proxy
# sends CONNECT as HTTP/1.0 while Windows sends HTTP/1.1 with Host.
# Only the client's leg (client <-> proxy:3128) is captured, as a client-side
# capture would be; the proxy's own leg to 127.0.0.2:443 is not in the file.
scenario_proxy_connect_ok() {
    local n=proxy-connect-ok
    start_squid allow $n
    start_capture $n "tcp port $PROXY_PORT"
    start_standin $n --count 1
    timeout 15 "$PY" "$GEN_DIR/iphttps_client.py" --proxy "$PROXY_IP:$PROXY_PORT" \
        --server "$DA_NAME" --bind "$CLIENT_IP" --cafile "$PKI/root.pem" \
        >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
    stop_squid allow $n
}

# --- 10 -----------------------------------------------------------------
# The proxy refuses the CONNECT (squid http_access deny): "HTTP/1.1 403 Forbidden"
# with squid's error page, no TLS at all.
scenario_proxy_connect_denied() {
    local n=proxy-connect-denied
    start_squid deny $n
    start_capture $n "tcp port $PROXY_PORT"
    timeout 15 "$PY" "$GEN_DIR/iphttps_client.py" --proxy "$PROXY_IP:$PROXY_PORT" \
        --server "$DA_NAME" --bind "$CLIENT_IP" --cafile "$PKI/root.pem" \
        >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    stop_squid deny $n
}

# nginx in the foreground, single process, everything in the temp dir.
# $1 = name, $2 = server block body.
start_nginx() {
    local name=$1 body=$2 d=$WORK/nginx-$1
    mkdir -p "$d"
    cat >"$d/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log info;
events { worker_connections 16; }
http {
    access_log $d/access.log;
    client_body_temp_path $d/body;
    proxy_temp_path $d/proxy;
    default_type text/plain;
    server {
$body
    }
}
EOF
    timeout 30 nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" \
        >"$WORK/log/$name.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
}

stop_nginx() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" || true
    cat "$WORK/nginx-$1/error.log" "$WORK/nginx-$1/access.log" >>"$WORK/log/$1.server" 2>/dev/null || true
}

# --- 11 -----------------------------------------------------------------
# Something that is not TLS on port 443 (plain-HTTP nginx, a captive portal, a
# wrong port mapping): the ClientHello is answered by "HTTP/1.1 400 Bad Request".
scenario_non_tls_responder() {
    local n=non-tls-responder
    start_nginx $n "        listen $SERVER_IP:443;
        server_name $DA_NAME;
        location / { return 200 \"plain http\\n\"; }"
    start_capture $n
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -cipher "$NULL_SUITES" </dev/null >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    stop_nginx $n
}

# --- 12 -----------------------------------------------------------------
# The peer accepts, reads the ClientHello and resets (SO_LINGER 0): what an IPS
# or a filtering middlebox does.
scenario_tcp_reset_after_hello() {
    local n=tcp-reset-after-hello
    start_capture $n
    timeout 15 "$PY" "$GEN_DIR/tcp_tools.py" reset-after-hello "$SERVER_IP" 443 \
        --timeout 10 >"$WORK/log/$n.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -cipher "$NULL_SUITES" </dev/null >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- 13 -----------------------------------------------------------------
# An ordinary HTTPS server: nginx, TLS 1.2 only, ECDHE-RSA-AES128-GCM-SHA256,
# valid certificate; GET / with Connection: close; nginx answers and closes
# with close_notify.
scenario_tls12_ok_nginx() {
    local n=tls12-ok-nginx
    start_nginx $n "        listen $SERVER_IP:443 ssl;
        server_name $DA_NAME;
        ssl_certificate $PKI/server.pem;
        ssl_certificate_key $PKI/server.key;
        ssl_protocols TLSv1.2;
        ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;
        location / { return 200 \"tlsdiag test page\\n\"; }"
    start_capture $n
    { printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$DA_NAME"; sleep 3; } | \
        timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -CAfile "$PKI/root.pem" -verify_return_error -verify_hostname "$DA_NAME" -quiet \
        >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    stop_nginx $n
}

# --- 14 -----------------------------------------------------------------
# A client retrying against one DA server whose NULL suites are disabled:
#   conn 1: server not up yet -> RST (refused)
#   conn 2: NULL-only offer (Windows 8+) -> handshake_failure(40)
#   conn 3: mixed offer (NULL first, then AES-GCM) -> server picks
#           ECDHE-RSA-AES128-GCM-SHA256, IP-HTTPS works but is encrypted (opaque).
scenario_multi_connection() {
    local n=multi-connection
    start_capture $n
    timeout 5 "$PY" "$GEN_DIR/tcp_tools.py" probe "$SERVER_IP" 443 --bind "$CLIENT_IP" \
        --timeout 3 >"$WORK/log/$n.client" 2>&1 || true
    sleep 1
    start_standin $n --count 2 \
        --ciphers 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256'
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -cipher "$NULL_SUITES" </dev/null >>"$WORK/log/$n.client" 2>&1 || true
    sleep 1
    iphttps_client_input 1 3 | timeout 15 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" \
        -servername "$DA_NAME" -tls1_2 \
        -cipher 'NULL-SHA256:NULL-SHA:ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:@SECLEVEL=0' \
        -quiet >>"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

###########################################################################
# Certificate scenarios (group "cert"). They use the committed test PKI in
# tests/pki/ (copied to $TPKI = WORK/tpki), not the per-run throwaway PKI, so
# every certificate in these captures chains up to tests/pki/root.pem (or to
# client-ca.pem / foreign-ca.pem / inspect-ca.pem). Servers speak TLS 1.2 so
# the Certificate messages are readable in the capture.
###########################################################################

# chain_of LEAF [CA]: write $TPKI/LEAF.pem followed by $TPKI/CA.pem (default:
# the Issuing CA) to $TPKI/LEAF-with-CA.pem and print that path.
chain_of() {
    local leaf=$1 ca=${2:-inter} out
    out=$TPKI/$leaf-with-$ca.pem
    cat "$TPKI/$leaf.pem" "$TPKI/$ca.pem" >"$out"
    printf '%s\n' "$out"
}

# wait_listen_port PORT: like wait_listen, for servers that bind the wildcard
# address (gnutls-serv has no option to choose the address; it listens on
# 0.0.0.0 and ::, which inside the namespace means loopback only).
wait_listen_port() {
    local port=$1
    for _ in $(seq 100); do
        ss -Hltn "( sport = :$port )" | grep -q . && return 0
        sleep 0.1
    done
    die "nothing listening on port $port"
}

# gnutls-serv in echo mode on port 443, TLS 1.2 only. It serves until stopped
# (wait_pid stops it once the client is done). $1 = log name, rest = options
# (certificate, key, client-certificate options).
start_gnutls() {
    local logname=$1; shift
    timeout 30 gnutls-serv --port 443 --echo --priority 'NORMAL:-VERS-TLS1.3' "$@" \
        >"$WORK/log/$logname.server" 2>&1 &
    SERVER_PID=$!
    wait_listen_port 443
}

# openssl s_server on 127.0.0.2:443 for one connection; $2 is a function whose
# output becomes its stdin (hold_stdin, or server_line for a reply).
start_s_server() {
    local logname=$1 feeder=$2; shift 2
    "$feeder" | timeout 20 openssl s_server -accept "$SERVER_IP:443" -naccept 1 "$@" \
        >"$WORK/log/$logname.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
}
server_line() { sleep 1.5; printf 'hello from the server\n'; sleep 8; }

# A verifying s_client (trust anchor $2, default the test root) that completes
# the handshake, sends one line, reads what comes back, and closes with
# close_notify when its stdin ends. $1 = log name, rest = extra options.
client_line() {
    local logname=$1 cafile=$2; shift 2
    { printf 'hello from the client\n'; sleep 2.5; } | timeout 10 "${S_CLIENT[@]}" \
        -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -CAfile "$cafile" -verify_return_error -verify_hostname "$DA_NAME" \
        -quiet -no_ign_eof -nocommands "$@" >"$WORK/log/$logname.client" 2>&1 || true
}
# A verifying s_client that is expected to abort the handshake (stdin empty).
client_abort() {
    local logname=$1 cafile=$2; shift 2
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -CAfile "$cafile" -verify_return_error -verify_hostname "$DA_NAME" "$@" \
        </dev/null >"$WORK/log/$logname.client" 2>&1 || true
}

# mint_inspected_leaf: what a TLS-inspecting firewall does for each new
# connection: a fresh key and a certificate for the requested name, signed by
# its inspection CA, valid from a couple of minutes ago (notBefore = now - 2
# min, notAfter = notBefore + 1 year). Written to $TPKI/leaf-inspected.{pem,key}.
mint_inspected_leaf() {
    local d=$WORK/inspect-db nb na
    mkdir -p "$d/newcerts"
    : >"$d/index.txt"
    openssl rand -hex 8 >"$d/serial"
    cat >"$d/ca.cnf" <<EOT
[ ca ]
default_ca = insp
[ insp ]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = pol_any
unique_subject = no
copy_extensions = none
[ pol_any ]
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = $DA_NAME
[ ext_inspected ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$DA_NAME
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOT
    nb=$(date -u -d '-2 minutes' +%Y%m%d%H%M%SZ)
    na=$(date -u -d '-2 minutes +1 year' +%Y%m%d%H%M%SZ)
    openssl req -config "$d/ca.cnf" -new -newkey rsa:2048 -sha256 -nodes \
        -keyout "$TPKI/leaf-inspected.key" -out "$d/leaf-inspected.csr" 2>/dev/null
    openssl ca -config "$d/ca.cnf" -batch -notext -md sha256 \
        -cert "$TPKI/inspect-ca.pem" -keyfile "$TPKI/inspect-ca.key" \
        -extensions ext_inspected -startdate "$nb" -enddate "$na" \
        -in "$d/leaf-inspected.csr" -out "$TPKI/leaf-inspected.pem" 2>"$d/ca.log" \
        || die "minting the inspected leaf failed: $(cat "$d/ca.log")"
    log "  minted leaf-inspected.pem: notBefore $nb, notAfter $na"
}

# --- cert 1 -------------------------------------------------------------
# A correct server: gnutls-serv sends leaf + Issuing CA; the client trusts only
# the root, builds the chain, checks the name; one line echoed; close_notify.
scenario_cert_chain_ok_gnutls() {
    local n=cert-chain-ok-gnutls
    start_capture $n
    start_gnutls $n --disable-client-cert \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    client_line $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID" 1
    stop_capture
}

# nginx, TLS 1.2, $2 = certificate file (with or without the intermediate).
start_nginx_tls12() {
    local n=$1 cert=$2
    start_nginx "$n" "        listen $SERVER_IP:443 ssl;
        server_name $DA_NAME;
        ssl_certificate $cert;
        ssl_certificate_key $TPKI/leaf.key;
        ssl_protocols TLSv1.2;
        location / { return 200 \"tlsdiag test page\\n\"; }"
}

# --- cert 2 -------------------------------------------------------------
# The same correct chain from nginx (TLS 1.2, default nginx ciphers); GET /
# with Connection: close.
scenario_cert_chain_ok_nginx() {
    local n=cert-chain-ok-nginx
    start_nginx_tls12 $n "$TPKI/leaf-chain.pem"
    start_capture $n
    { printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$DA_NAME"; sleep 3; } | \
        timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -CAfile "$TPKI/root.pem" -verify_return_error -verify_hostname "$DA_NAME" -quiet \
        >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    stop_nginx $n
}

# --- cert 3 -------------------------------------------------------------
# nginx configured with the leaf only (no intermediate): a client that trusts
# only the root cannot build the chain -> unknown_ca(48).
scenario_cert_missing_intermediate() {
    local n=cert-missing-intermediate
    start_nginx_tls12 $n "$TPKI/leaf.pem"
    start_capture $n
    client_abort $n "$TPKI/root.pem"
    stop_capture
    stop_nginx $n
}

# --- cert 4 -------------------------------------------------------------
# gnutls-serv presents a valid chain for www.fabrikam.test; the client asked
# for da.contoso.test and checks the name.
scenario_cert_wrong_name() {
    local n=cert-wrong-name
    start_capture $n
    start_gnutls $n --disable-client-cert \
        --x509certfile "$(chain_of leaf-wrongname)" --x509keyfile "$TPKI/leaf-wrongname.key"
    client_abort $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID" 1
    stop_capture
}

# --- cert 5 -------------------------------------------------------------
# The leaf is valid only from 2030-01-01 (+ Issuing CA in the chain).
scenario_cert_not_yet_valid() {
    local n=cert-not-yet-valid
    start_capture $n
    start_s_server $n hold_stdin -tls1_2 -cert "$TPKI/leaf-notyet.pem" \
        -key "$TPKI/leaf-notyet.key" -cert_chain "$TPKI/inter.pem"
    client_abort $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- cert 6 -------------------------------------------------------------
# The firewall itself answers on 443 with its self-signed device certificate
# (FortiGate style, no SAN), whatever name the client asked for.
scenario_cert_self_signed_appliance() {
    local n=cert-self-signed-appliance
    start_capture $n
    start_s_server $n hold_stdin -tls1_2 -cert "$TPKI/selfsigned-appliance.pem" \
        -key "$TPKI/selfsigned-appliance.key"
    client_abort $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- cert 7 -------------------------------------------------------------
# TLS inspection: the "server" is an interceptor presenting a leaf for
# da.contoso.test minted seconds ago by its own CA (Fortinet_CA_SSL style),
# plus that CA. The client trusts only the corporate root -> alert.
scenario_cert_inspected() {
    local n=cert-inspected
    mint_inspected_leaf
    start_capture $n
    start_s_server $n hold_stdin -tls1_2 -cert "$TPKI/leaf-inspected.pem" \
        -key "$TPKI/leaf-inspected.key" -cert_chain "$TPKI/inspect-ca.pem"
    client_abort $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- cert 7b ------------------------------------------------------------
# The same interception, but the client also trusts the inspection CA (it was
# pushed to the machine's trust store): the handshake completes.
scenario_cert_inspected_trusted() {
    local n=cert-inspected-trusted
    mint_inspected_leaf
    cat "$TPKI/root.pem" "$TPKI/inspect-ca.pem" >"$TPKI/trust-root-and-inspect.pem"
    start_capture $n
    start_s_server $n server_line -tls1_2 -cert "$TPKI/leaf-inspected.pem" \
        -key "$TPKI/leaf-inspected.key" -cert_chain "$TPKI/inspect-ca.pem"
    client_line $n "$TPKI/trust-root-and-inspect.pem"
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- cert 7c ------------------------------------------------------------
# Real re-signing by squid ssl-bump: CONNECT through squid (127.0.0.4:3128),
# squid peeks at the ClientHello, connects to the origin (gnutls-serv with the
# real leaf + Issuing CA, verified by squid against the test root), then bumps:
# it answers the client with a certificate it generated and signed with
# inspect-ca. The client (iphttps_client.py, CONNECT HTTP/1.1, TLS 1.2, offer
# NULL + ECDHE-RSA-AES-GCM) trusts only the test root -> alert.
# Only the client <-> proxy leg is captured.
start_squid_bump() {
    local logname=$1 d=$WORK/squid-bump
    mkdir -p "$d"
    printf '%s %s\n' "$SERVER_IP" "$DA_NAME" >"$d/hosts"
    cp "$TPKI/inspect-ca.pem" "$TPKI/inspect-ca.key" "$TPKI/root.pem" "$d/"
    /usr/lib/squid/security_file_certgen -c -s "$d/ssldb" -M 4MB >"$d/certgen-init.log" 2>&1 \
        || die "security_file_certgen -c failed: $(cat "$d/certgen-init.log")"
    cat >"$d/squid.conf" <<EOT
http_port $PROXY_IP:$PROXY_PORT ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=$d/inspect-ca.pem tls-key=$d/inspect-ca.key
sslcrtd_program /usr/lib/squid/security_file_certgen -s $d/ssldb -M 4MB
sslcrtd_children 1 startup=1 idle=1
tls_outgoing_options cafile=$d/root.pem
acl step1 at_step SslBump1
ssl_bump peek step1
ssl_bump bump all
visible_hostname proxy.contoso.test
cache_effective_user proxy
pid_filename $d/squid.pid
cache_log $d/cache.log
access_log stdio:$d/access.log
cache_store_log none
coredump_dir $d
netdb_filename none
pinger_enable off
cache deny all
cache_mem 8 MB
hosts_file $d/hosts
dns_nameservers 127.0.0.1
shutdown_lifetime 1 seconds
tcp_outgoing_address $PROXY_IP
acl SSL_ports port 443
acl CONNECT method CONNECT
acl da_server dstdomain $DA_NAME
http_access deny CONNECT !SSL_ports
http_access allow CONNECT da_server
http_access deny all
EOT
    chown -R proxy: "$d"
    timeout 40 squid -N -f "$d/squid.conf" >"$WORK/log/$logname.proxy" 2>&1 &
    PROXY_PID=$!
    wait_listen "$PROXY_IP" "$PROXY_PORT"
}
scenario_cert_inspected_squid() {
    local n=cert-inspected-squid
    start_squid_bump $n
    start_gnutls $n --disable-client-cert \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    start_capture $n "tcp port $PROXY_PORT"
    timeout 15 "$PY" "$GEN_DIR/iphttps_client.py" --proxy "$PROXY_IP:$PROXY_PORT" \
        --server "$DA_NAME" --bind "$CLIENT_IP" --cafile "$TPKI/root.pem" \
        --ciphers 'NULL-SHA256:NULL-SHA:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' \
        >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    wait_pid "$SERVER_PID" 0
    kill -TERM "$PROXY_PID" 2>/dev/null || true
    wait "$PROXY_PID" || true
    local d=$WORK/squid-bump f
    cat "$d/cache.log" "$d/access.log" >>"$WORK/log/$n.proxy" 2>/dev/null || true
    # The certificate squid generated, for the log (its validity is mimicked
    # from the origin certificate).
    for f in "$d"/ssldb/certs/*.pem; do
        [ -e "$f" ] && openssl x509 -in "$f" -noout -subject -issuer -dates >>"$WORK/log/$n.proxy" 2>&1
    done
    return 0
}

# --- cert 8 -------------------------------------------------------------
# IP-HTTPS server with preauthentication against the test client CA (NULL
# suites, TLS 1.2, leaf + Issuing CA, CertificateRequest naming "tlsdiag Client
# CA"). The client presents a certificate from another CA ("Foreign Client
# CA"): the server cannot verify it and aborts after the client's flight.
scenario_client_cert_foreign_ca() {
    local n=client-cert-foreign-ca
    start_capture $n
    start_s_server $n hold_stdin -tls1_2 -cipher "$NULL_SUITES" \
        -cert "$TPKI/leaf.pem" -key "$TPKI/leaf.key" -cert_chain "$TPKI/inter.pem" \
        -Verify 1 -verify_return_error -CAfile "$TPKI/client-ca.pem"
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -cipher "$NULL_SUITES" -CAfile "$TPKI/root.pem" -verify_return_error \
        -verify_hostname "$DA_NAME" \
        -cert "$TPKI/client-foreign.pem" -key "$TPKI/client-foreign.key" \
        </dev/null >"$WORK/log/$n.client" 2>&1 || true
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- cert 9 -------------------------------------------------------------
# gnutls-serv requires and verifies a client certificate from the client CA
# (TLS 1.2, default GnuTLS suites); the client presents client.pem.
scenario_client_cert_ok_gnutls() {
    local n=client-cert-ok-gnutls
    start_capture $n
    start_gnutls $n --require-client-cert --verify-client-cert \
        --x509cafile "$TPKI/client-ca.pem" \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    client_line $n "$TPKI/root.pem" -cert "$TPKI/client.pem" -key "$TPKI/client.key"
    wait_pid "$SERVER_PID" 1
    stop_capture
}

# --- cert 10 ------------------------------------------------------------
# ECDSA server certificate. Both sides enable the NULL suites first (server
# preference order), but NULL-SHA256/NULL-SHA are RSA-only suites, so with an
# ECDSA certificate the server has to pick ECDHE-ECDSA-AES128-GCM-SHA256.
scenario_ecdsa_server_cert() {
    local n=ecdsa-server-cert
    start_capture $n
    start_s_server $n server_line -tls1_2 -serverpref \
        -cipher 'NULL-SHA256:NULL-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:@SECLEVEL=0' \
        -cert "$TPKI/leaf-ecdsa.pem" -key "$TPKI/leaf-ecdsa.key" -cert_chain "$TPKI/inter.pem"
    client_line $n "$TPKI/root.pem" \
        -cipher 'NULL-SHA256:NULL-SHA:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0'
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- cert 11 ------------------------------------------------------------
# Multi-SAN leaf (SAN vpn.contoso.test, da.contoso.test) + Issuing CA: valid
# for the name, the handshake completes (DirectAccess guidance discourages it).
scenario_multisan_cert() {
    local n=multisan-cert
    start_capture $n
    start_s_server $n server_line -tls1_2 -cert "$TPKI/leaf-multisan.pem" \
        -key "$TPKI/leaf-multisan.key" -cert_chain "$TPKI/inter.pem"
    client_line $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID"
    stop_capture
}

###########################################################################
# Diagnosis scenarios (group "diag"): every tlsdiag category from more than
# one server implementation (nginx, haproxy, gnutls-serv, openssl s_server,
# python helpers). They use the committed test PKI (tests/pki/, in $TPKI), like
# the certificate scenarios. File names start with "diag-".
###########################################################################

# The Windows 8+ IP-HTTPS client: s_client, TLS 1.2, the two NULL suites only,
# SNI da.contoso.test, verifying the server against the test root. $1 = log
# name; stdin is the caller's.
null_client() {
    local logname=$1; shift
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        -cipher "$NULL_SUITES" -CAfile "$TPKI/root.pem" -verify_return_error \
        -verify_hostname "$DA_NAME" "$@" >"$WORK/log/$logname.client" 2>&1 || true
}

# haproxy 2.6 in the foreground (-db), one thread, config in the temp dir.
# $1 = name, $2 = frontend/backend sections. The certificate file haproxy
# loads holds the chain and the key ($TPKI/leaf-chain-key.pem).
start_haproxy() {
    local name=$1 body=$2 d=$WORK/haproxy-$1
    mkdir -p "$d"
    [ -e "$TPKI/leaf-chain-key.pem" ] || cat "$TPKI/leaf-chain.pem" "$TPKI/leaf.key" >"$TPKI/leaf-chain-key.pem"
    cat >"$d/haproxy.cfg" <<EOF
global
    nbthread 1
    log stdout format raw local0 info
defaults
    log global
    timeout connect 2s
    timeout client 5s
    timeout server 5s
$body
EOF
    timeout 30 haproxy -db -f "$d/haproxy.cfg" >"$WORK/log/$name.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
}
stop_haproxy() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" || true
}

# gnutls-serv (echo mode, port 443) with the priority string $2.
start_gnutls_prio() {
    local logname=$1 prio=$2; shift 2
    timeout 30 gnutls-serv --port 443 --echo --priority "$prio" "$@" \
        >"$WORK/log/$logname.server" 2>&1 &
    SERVER_PID=$!
    wait_listen_port 443
}
# GnuTLS with the two NULL suites (RSA key transport) and TLS 1.2 at most.
GNUTLS_NULL='NORMAL:+NULL:+RSA:-VERS-TLS1.3'

# nginx server block: TLS on 127.0.0.2:443 with leaf + Issuing CA; $1 = extra
# directives (protocols, ciphers, client certificates, locations).
nginx_tls_block() {
    printf '        listen %s:443 ssl;\n        server_name %s;\n' "$SERVER_IP" "$DA_NAME"
    printf '        ssl_certificate %s;\n        ssl_certificate_key %s;\n' \
        "${NGINX_CERT:-$TPKI/leaf-chain.pem}" "${NGINX_KEY:-$TPKI/leaf.key}"
    printf '%s\n' "$1"
}

# --- diag 1: null-cipher-rejected --------------------------------------------
# NULL-only ClientHello to a TLS terminator without NULL suites.
scenario_diag_null_rejected_nginx() {
    local n=diag-null-rejected-nginx
    start_nginx $n "$(nginx_tls_block '        ssl_protocols TLSv1.2;
        location / { return 200 "tlsdiag test page\n"; }')"
    start_capture $n
    null_client $n </dev/null
    stop_capture
    stop_nginx $n
}
scenario_diag_null_rejected_haproxy() {
    local n=diag-null-rejected-haproxy
    start_haproxy $n "frontend fe
    mode tcp
    bind $SERVER_IP:443 ssl crt $TPKI/leaf-chain-key.pem
    default_backend be
backend be
    mode tcp
    server app 127.0.0.5:443"
    start_capture $n
    null_client $n </dev/null
    stop_capture
    stop_haproxy
}
scenario_diag_null_rejected_gnutls() {
    local n=diag-null-rejected-gnutls
    start_capture $n
    start_gnutls_prio $n 'NORMAL:-VERS-TLS1.3' --disable-client-cert \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    null_client $n </dev/null
    wait_pid "$SERVER_PID" 1
    stop_capture
}

# --- diag 2: client-cert-missing ---------------------------------------------
# NULL suites and a required client certificate from tlsdiag Client CA; the
# client has none (answers the CertificateRequest with an empty Certificate).
haproxy_preauth() {
    start_haproxy "$1" "frontend fe
    mode tcp
    bind $SERVER_IP:443 ssl crt $TPKI/leaf-chain-key.pem ciphers $NULL_SUITES ssl-max-ver TLSv1.2 verify required ca-file $TPKI/client-ca.pem
    default_backend be
backend be
    mode tcp
    server app 127.0.0.5:443"
}
scenario_diag_client_cert_missing_haproxy() {
    local n=diag-client-cert-missing-haproxy
    haproxy_preauth $n
    start_capture $n
    null_client $n </dev/null
    stop_capture
    stop_haproxy
}
scenario_diag_client_cert_missing_gnutls() {
    local n=diag-client-cert-missing-gnutls
    start_capture $n
    start_gnutls_prio $n "$GNUTLS_NULL" --require-client-cert --verify-client-cert \
        --x509cafile "$TPKI/client-ca.pem" \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    null_client $n </dev/null
    wait_pid "$SERVER_PID" 1
    stop_capture
}
# nginx "ssl_verify_client on" does not fail the handshake (its verify callback
# accepts anything); it answers the HTTP request with 400 instead. With the
# IP-HTTPS POST (Content-Length 2^64-1) the 400 is for the Content-Length,
# which nginx checks first.
nginx_preauth() {
    start_nginx "$1" "$(nginx_tls_block "        ssl_protocols TLSv1.2;
        ssl_ciphers $NULL_SUITES;
        ssl_verify_client on;
        ssl_client_certificate $TPKI/client-ca.pem;
        location / { return 200 \"tlsdiag test page\\n\"; }")"
}
scenario_diag_client_cert_missing_nginx() {
    local n=diag-client-cert-missing-nginx
    nginx_preauth $n
    start_capture $n
    iphttps_client_input 1 2 | null_client $n -quiet || true
    stop_capture
    stop_nginx $n
}

# --- diag 3: client-cert-untrusted-ca ----------------------------------------
# The same servers; the client presents client-foreign.pem (Foreign Client CA).
FOREIGN_CERT=()
foreign_cert() { FOREIGN_CERT=(-cert "$TPKI/client-foreign.pem" -key "$TPKI/client-foreign.key"); }
scenario_diag_client_cert_foreign_haproxy() {
    local n=diag-client-cert-foreign-haproxy
    foreign_cert
    haproxy_preauth $n
    start_capture $n
    null_client $n "${FOREIGN_CERT[@]}" </dev/null
    stop_capture
    stop_haproxy
}
scenario_diag_client_cert_foreign_gnutls() {
    local n=diag-client-cert-foreign-gnutls
    foreign_cert
    start_capture $n
    start_gnutls_prio $n "$GNUTLS_NULL" --require-client-cert --verify-client-cert \
        --x509cafile "$TPKI/client-ca.pem" \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    null_client $n "${FOREIGN_CERT[@]}" </dev/null
    wait_pid "$SERVER_PID" 1
    stop_capture
}
scenario_diag_client_cert_foreign_nginx() {
    local n=diag-client-cert-foreign-nginx
    foreign_cert
    nginx_preauth $n
    start_capture $n
    iphttps_client_input 1 2 | null_client $n -quiet "${FOREIGN_CERT[@]}" || true
    stop_capture
    stop_nginx $n
}

# --- diag 4: protocol-version ------------------------------------------------
# (a) TLS 1.3-only servers, NULL-only TLS 1.2 client: the server answers the
# ClientHello with protocol_version(70).
scenario_diag_protocol_version_nginx_tls13() {
    local n=diag-protocol-version-nginx-tls13
    start_nginx $n "$(nginx_tls_block '        ssl_protocols TLSv1.3;
        location / { return 200 "tlsdiag test page\n"; }')"
    start_capture $n
    null_client $n </dev/null
    stop_capture
    stop_nginx $n
}
scenario_diag_protocol_version_haproxy_tls13() {
    local n=diag-protocol-version-haproxy-tls13
    start_haproxy $n "frontend fe
    mode tcp
    bind $SERVER_IP:443 ssl crt $TPKI/leaf-chain-key.pem ssl-min-ver TLSv1.3
    default_backend be
backend be
    mode tcp
    server app 127.0.0.5:443"
    start_capture $n
    null_client $n </dev/null
    stop_capture
    stop_haproxy
}
# (b) A Windows 7-like client (TLS 1.0 only, ordinary suites) and a server that
# allows TLS 1.2 and 1.3 only: protocol_version(70) from the server. OpenSSL 3
# needs security level 0 for TLS 1.0 on the client.
scenario_diag_protocol_version_nginx_tls10_client() {
    local n=diag-protocol-version-nginx-tls10-client
    start_nginx $n "$(nginx_tls_block '        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 200 "tlsdiag test page\n"; }')"
    start_capture $n
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1 \
        -cipher 'DEFAULT:@SECLEVEL=0' -CAfile "$TPKI/root.pem" -verify_return_error \
        </dev/null >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    stop_nginx $n
}
# (c) TLS 1.0-only servers (NULL-SHA is a TLS 1.0 suite; NULL-SHA256 is not):
# the server answers with a TLS 1.0 ServerHello and the TLS 1.2-only client
# refuses it with protocol_version(70).
scenario_diag_protocol_version_s_server_tls10() {
    local n=diag-protocol-version-s-server-tls10
    start_capture $n
    start_s_server $n hold_stdin -tls1 -cipher 'NULL-SHA:@SECLEVEL=0' \
        -cert "$TPKI/leaf.pem" -key "$TPKI/leaf.key" -cert_chain "$TPKI/inter.pem"
    null_client $n </dev/null
    wait_pid "$SERVER_PID"
    stop_capture
}
scenario_diag_protocol_version_gnutls_tls10() {
    local n=diag-protocol-version-gnutls-tls10
    start_capture $n
    start_gnutls_prio $n 'NORMAL:+NULL:+RSA:-VERS-ALL:+VERS-TLS1.0' --disable-client-cert \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    null_client $n </dev/null
    wait_pid "$SERVER_PID" 1
    stop_capture
}

# --- diag 5: wrong-backend-http ----------------------------------------------
# The NULL handshake completes, POST /IPHTTPS is readable, and the answer is
# not "200" from Microsoft-HTTPAPI/2.0.
# (a) nginx itself: it refuses Content-Length 2^64-1 with 400 before any
# location applies (error log: client sent invalid "Content-Length" header).
scenario_diag_wrong_backend_http_nginx() {
    local n=diag-wrong-backend-http-nginx
    start_nginx $n "$(nginx_tls_block "        ssl_protocols TLSv1.2;
        ssl_ciphers $NULL_SUITES;
        location / { return 404; }")"
    start_capture $n
    iphttps_client_input 1 2 | null_client $n -quiet || true
    stop_capture
    stop_nginx $n
}
# (b) haproxy terminates NULL TLS (mode http) in front of a plain-HTTP web
# server (python http.server on 127.0.0.5:80) that answers 404. Filter
# "tcp port 443": only the client <-> haproxy leg is recorded.
scenario_diag_wrong_backend_http_haproxy() {
    local n=diag-wrong-backend-http-haproxy
    timeout 20 "$PY" "$GEN_DIR/tcp_tools.py" http-status 127.0.0.5 80 --status 404 \
        --timeout 15 >"$WORK/log/$n.backend" 2>&1 &
    local backend_pid=$!
    wait_listen 127.0.0.5 80
    start_haproxy $n "frontend fe
    mode http
    option httplog
    bind $SERVER_IP:443 ssl crt $TPKI/leaf-chain-key.pem ciphers $NULL_SUITES ssl-max-ver TLSv1.2
    default_backend web
backend web
    mode http
    server web1 127.0.0.5:80"
    start_capture $n "tcp port 443"
    iphttps_client_input 1 2 | null_client $n -quiet || true
    stop_capture
    stop_haproxy
    wait_pid "$backend_pid" 1
}

# --- diag 6: tcp-reset -------------------------------------------------------
# An ordinary TLS 1.2 offer (s_client defaults, no NULL), reset by the server
# side right after the ClientHello.
plain_client_abort() {
    timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" -tls1_2 \
        </dev/null >"$WORK/log/$1.client" 2>&1 || true
}
# (a) haproxy as an L4 filter: waits for the ClientHello, rejects it;
# "option nolinger" makes it close with a reset.
scenario_diag_tcp_reset_haproxy() {
    local n=diag-tcp-reset-haproxy
    start_haproxy $n "frontend fe
    mode tcp
    option tcplog
    option nolinger
    bind $SERVER_IP:443
    tcp-request inspect-delay 2s
    tcp-request content reject if { req.ssl_hello_type 1 }
    default_backend be
backend be
    mode tcp
    server app 127.0.0.5:443"
    start_capture $n
    plain_client_abort $n
    stop_capture
    stop_haproxy
}
# (b) tcp_tools.py reset-after-hello (SO_LINGER 0 after reading the hello).
# (c) The same, with IP_TTL 50 set on the socket after the hello: the RST has
# TTL 50, the SYN-ACK and the ACK of the hello had 64 (an injected reset).
scenario_diag_tcp_reset_linger() {
    local n=diag-tcp-reset-linger
    start_capture $n
    timeout 15 "$PY" "$GEN_DIR/tcp_tools.py" reset-after-hello "$SERVER_IP" 443 \
        --timeout 10 >"$WORK/log/$n.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
    plain_client_abort $n
    wait_pid "$SERVER_PID"
    stop_capture
}
scenario_diag_tcp_reset_ttl() {
    local n=diag-tcp-reset-ttl
    start_capture $n
    timeout 15 "$PY" "$GEN_DIR/tcp_tools.py" reset-after-hello "$SERVER_IP" 443 \
        --timeout 10 --ttl 50 >"$WORK/log/$n.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
    plain_client_abort $n
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- diag 7: TLS 1.3 encrypted endings ----------------------------------------
# s_client -tls1_3 verifying against the test root; its stdin stays open 2 s
# so that it does not close by itself after its Finished.
tls13_client() {
    local logname=$1; shift
    sleep 2 | timeout 10 "${S_CLIENT[@]}" -connect "$SERVER_IP:443" -servername "$DA_NAME" \
        -tls1_3 -CAfile "$TPKI/root.pem" -verify_return_error -verify_hostname "$DA_NAME" "$@" \
        >"$WORK/log/$logname.client" 2>&1 || true
}
# (a) Client certificate required, the client has none: its flight (empty
# Certificate + Finished, encrypted) is answered by one encrypted alert.
scenario_diag_tls13_client_cert_missing_s_server() {
    local n=diag-tls13-client-cert-missing-s-server
    start_capture $n
    start_s_server $n hold_stdin -tls1_3 -Verify 1 -verify_return_error \
        -CAfile "$TPKI/client-ca.pem" \
        -cert "$TPKI/leaf.pem" -key "$TPKI/leaf.key" -cert_chain "$TPKI/inter.pem"
    tls13_client $n
    wait_pid "$SERVER_PID"
    stop_capture
}
scenario_diag_tls13_client_cert_missing_gnutls() {
    local n=diag-tls13-client-cert-missing-gnutls
    start_capture $n
    start_gnutls_prio $n 'NORMAL' --require-client-cert --verify-client-cert \
        --x509cafile "$TPKI/client-ca.pem" \
        --x509certfile "$TPKI/leaf-chain.pem" --x509keyfile "$TPKI/leaf.key"
    tls13_client $n
    wait_pid "$SERVER_PID" 1
    stop_capture
}
# (b) The server sends its leaf without the Issuing CA; the client, trusting
# only the root, cannot build the chain and stops after the server's flight.
scenario_diag_tls13_untrusted_server_s_server() {
    local n=diag-tls13-untrusted-server-s-server
    start_capture $n
    start_s_server $n hold_stdin -tls1_3 -cert "$TPKI/leaf.pem" -key "$TPKI/leaf.key"
    tls13_client $n
    wait_pid "$SERVER_PID"
    stop_capture
}
scenario_diag_tls13_untrusted_server_nginx() {
    local n=diag-tls13-untrusted-server-nginx
    start_nginx $n "$(NGINX_CERT=$TPKI/leaf.pem nginx_tls_block '        ssl_protocols TLSv1.3;
        location / { return 200 "tlsdiag test page\n"; }')"
    start_capture $n
    tls13_client $n
    stop_capture
    stop_nginx $n
}
scenario_diag_tls13_untrusted_server_gnutls() {
    local n=diag-tls13-untrusted-server-gnutls
    start_capture $n
    start_gnutls_prio $n 'NORMAL' --disable-client-cert \
        --x509certfile "$TPKI/leaf.pem" --x509keyfile "$TPKI/leaf.key"
    tls13_client $n
    wait_pid "$SERVER_PID" 1
    stop_capture
}

# --- diag 8: cert-expired, 8b: cert-not-yet-valid ---------------------------
# A leaf out of its dates + Issuing CA, TLS 1.2, served by nginx or gnutls-serv
# to the aborting client: leaf-expired.pem (2024-01-01 .. 2025-01-01),
# leaf-notyet.pem (2030-01-01 .. 2031-01-01; cert-not-yet-valid.pcap is the
# s_server one). OpenSSL's client answers a not-yet-valid leaf with
# bad_certificate(42).
cert_dates_nginx() { # NAME LEAF
    local n=$1 leaf=$2
    start_nginx $n "$(NGINX_CERT=$(chain_of $leaf) NGINX_KEY=$TPKI/$leaf.key \
        nginx_tls_block '        ssl_protocols TLSv1.2;
        location / { return 200 "tlsdiag test page\n"; }')"
    start_capture $n
    client_abort $n "$TPKI/root.pem"
    stop_capture
    stop_nginx $n
}
cert_dates_gnutls() { # NAME LEAF
    local n=$1 leaf=$2
    start_capture $n
    start_gnutls $n --disable-client-cert \
        --x509certfile "$(chain_of $leaf)" --x509keyfile "$TPKI/$leaf.key"
    client_abort $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID" 1
    stop_capture
}
scenario_diag_cert_expired_nginx() { cert_dates_nginx diag-cert-expired-nginx leaf-expired; }
scenario_diag_cert_expired_gnutls() { cert_dates_gnutls diag-cert-expired-gnutls leaf-expired; }
scenario_diag_cert_not_yet_valid_nginx() { cert_dates_nginx diag-cert-not-yet-valid-nginx leaf-notyet; }
scenario_diag_cert_not_yet_valid_gnutls() { cert_dates_gnutls diag-cert-not-yet-valid-gnutls leaf-notyet; }

# --- diag 9: wrong-backend (device certificate) ------------------------------
scenario_diag_appliance_nginx() {
    local n=diag-appliance-nginx
    start_nginx $n "$(NGINX_CERT=$TPKI/selfsigned-appliance.pem \
        NGINX_KEY=$TPKI/selfsigned-appliance.key nginx_tls_block '        ssl_protocols TLSv1.2;
        location / { return 200 "tlsdiag test page\n"; }')"
    start_capture $n
    client_abort $n "$TPKI/root.pem"
    stop_capture
    stop_nginx $n
}
scenario_diag_appliance_gnutls() {
    local n=diag-appliance-gnutls
    start_capture $n
    start_gnutls $n --disable-client-cert --x509certfile "$TPKI/selfsigned-appliance.pem" \
        --x509keyfile "$TPKI/selfsigned-appliance.key"
    client_abort $n "$TPKI/root.pem"
    wait_pid "$SERVER_PID" 1
    stop_capture
}

# --- diag 10: non-tls-responder ----------------------------------------------
# (a) haproxy in mode http without "ssl" on 443: the ClientHello is parsed as
# HTTP and answered with haproxy's own 400.
scenario_diag_non_tls_haproxy() {
    local n=diag-non-tls-haproxy
    start_haproxy $n "frontend fe
    mode http
    option httplog
    bind $SERVER_IP:443
    default_backend web
backend web
    mode http
    server web1 127.0.0.5:80"
    start_capture $n
    null_client $n </dev/null
    stop_capture
    stop_haproxy
}
# (b) An SSH-style service on 443: the banner comes first, before the client
# says anything; the ClientHello follows, then the server closes.
scenario_diag_non_tls_ssh_banner() {
    local n=diag-non-tls-ssh-banner
    start_capture $n
    timeout 15 "$PY" "$GEN_DIR/tcp_tools.py" banner "$SERVER_IP" 443 \
        --text 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' --timeout 10 \
        >"$WORK/log/$n.server" 2>&1 &
    SERVER_PID=$!
    wait_listen "$SERVER_IP" 443
    null_client $n </dev/null
    wait_pid "$SERVER_PID"
    stop_capture
}

# --- diag 11: proxy-connect-failed -------------------------------------------
# tinyproxy (Debian package tinyproxy) in the foreground (-d) on the proxy
# address, config in the temp dir, logging to stderr. "ConnectPort 563" is the
# only port CONNECT may reach, so CONNECT da.contoso.test:443 is refused by
# tinyproxy itself ("HTTP/1.1 403 Access violation", log: "Refused CONNECT
# method on port 443") before it resolves the name or connects anywhere. It
# drops root for nobody:nogroup once it listens.
# tinyproxy writes its headers, then its HTML page in many small writes, and
# closes. A client that closes as soon as it has the headers (as in
# proxy-connect-denied) races those writes: FIN then RST, or RST at once, or
# the whole page, from run to run. With --drain-refusal the client reads the
# answer until tinyproxy closes, so the ending is always the same.
start_tinyproxy() {
    local logname=$1 d=$WORK/tinyproxy
    mkdir -p "$d"
    cat >"$d/tinyproxy.conf" <<EOF
User nobody
Group nogroup
Listen $PROXY_IP
Port $PROXY_PORT
Timeout 5
MaxClients 4
DefaultErrorFile "/usr/share/tinyproxy/default.html"
LogLevel Info
Allow $CLIENT_IP
ViaProxyName "tinyproxy"
ConnectPort 563
EOF
    timeout 30 tinyproxy -d -c "$d/tinyproxy.conf" >"$WORK/log/$logname.proxy" 2>&1 &
    PROXY_PID=$!
    wait_listen "$PROXY_IP" "$PROXY_PORT"
}
scenario_diag_proxy_connect_denied_tinyproxy() {
    local n=diag-proxy-connect-denied-tinyproxy
    start_tinyproxy $n
    start_capture $n "tcp port $PROXY_PORT" 65536
    timeout 15 "$PY" "$GEN_DIR/iphttps_client.py" --proxy "$PROXY_IP:$PROXY_PORT" \
        --server "$DA_NAME" --bind "$CLIENT_IP" --cafile "$TPKI/root.pem" --drain-refusal \
        >"$WORK/log/$n.client" 2>&1 || true
    stop_capture
    kill -TERM "$PROXY_PID" 2>/dev/null || true
    wait "$PROXY_PID" || true
}

# Scenario groups. TD_SCENARIOS may name scenarios and these groups:
#   base  the 14 original captures (per-run throwaway PKI)
#   cert  the certificate captures (committed test PKI, tests/pki/)
#   diag  the diagnosis captures (diag-*: every tlsdiag category from several
#         server implementations; committed test PKI)
#   all   all three (the default)
BASE_SCENARIOS=(
    iphttps_null_ok iphttps_null_rejected iphttps_client_cert_empty
    iphttps_client_cert_ok tls12_expired_server_cert tls13_ok tcp_refused
    tcp_timeout proxy_connect_ok proxy_connect_denied non_tls_responder
    tcp_reset_after_hello tls12_ok_nginx multi_connection
)
CERT_SCENARIOS=(
    cert_chain_ok_gnutls cert_chain_ok_nginx cert_missing_intermediate
    cert_wrong_name cert_not_yet_valid cert_self_signed_appliance
    cert_inspected cert_inspected_trusted cert_inspected_squid
    client_cert_foreign_ca client_cert_ok_gnutls ecdsa_server_cert multisan_cert
)
DIAG_SCENARIOS=(
    diag_null_rejected_nginx diag_null_rejected_haproxy diag_null_rejected_gnutls
    diag_client_cert_missing_haproxy diag_client_cert_missing_gnutls
    diag_client_cert_missing_nginx
    diag_client_cert_foreign_haproxy diag_client_cert_foreign_gnutls
    diag_client_cert_foreign_nginx
    diag_protocol_version_nginx_tls13 diag_protocol_version_haproxy_tls13
    diag_protocol_version_nginx_tls10_client diag_protocol_version_s_server_tls10
    diag_protocol_version_gnutls_tls10
    diag_wrong_backend_http_nginx diag_wrong_backend_http_haproxy
    diag_tcp_reset_haproxy diag_tcp_reset_linger diag_tcp_reset_ttl
    diag_tls13_client_cert_missing_s_server diag_tls13_client_cert_missing_gnutls
    diag_tls13_untrusted_server_s_server diag_tls13_untrusted_server_nginx
    diag_tls13_untrusted_server_gnutls
    diag_cert_expired_nginx diag_cert_expired_gnutls
    diag_cert_not_yet_valid_nginx diag_cert_not_yet_valid_gnutls
    diag_appliance_nginx diag_appliance_gnutls
    diag_non_tls_haproxy diag_non_tls_ssh_banner
    diag_proxy_connect_denied_tinyproxy
)
ALL_SCENARIOS=("${BASE_SCENARIOS[@]}" "${CERT_SCENARIOS[@]}" "${DIAG_SCENARIOS[@]}")

run_inside() {
    WORK=$1
    PKI=$WORK/pki
    TPKI=$WORK/tpki
    trap inside_cleanup EXIT
    ip link set lo up
    # Linux >= 6.5 retransmits the first SYNs at a linear 1 s interval
    # (tcp_syn_linear_timeouts, default 4). Use the classic exponential backoff
    # (1, 2, 4 s) so the timeout capture looks like any other TCP stack's.
    # Namespace-local setting: the host is not touched.
    if [ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ]; then
        sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
    fi
    local s
    for s in "${SCENARIOS[@]}"; do
        log "scenario ${s//_/-}"
        "scenario_$s"
    done
}

###########################################################################
# Part 2: runs on the host (tool check, PKI, namespace, verification, copy)
###########################################################################

# check_tools: every command we need, and the Debian package that provides it.
check_tools() {
    local missing=() t pkg
    while read -r t pkg; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t (apt-get install $pkg)")
    done <<'EOF'
openssl openssl
tcpdump tcpdump
tshark tshark
python3 python3
nginx nginx-light
squid squid-openssl
ip iproute2
ss iproute2
nft nftables
timeout coreutils
sysctl procps
gnutls-serv gnutls-bin
EOF
    if [ ${#missing[@]} -gt 0 ]; then
        log "missing tools:"
        printf '  %s\n' "${missing[@]}" >&2
        exit 1
    fi
    "$PY" -c 'import ssl' 2>/dev/null || die "python3 has no ssl module (apt-get install python3)"
    id proxy >/dev/null 2>&1 || die "user 'proxy' missing (comes with squid-common)"
    openssl ciphers "$NULL_SUITES" >/dev/null 2>&1 \
        || die "this OpenSSL has no NULL-SHA256/NULL-SHA cipher suites"
    [ "$(id -u)" = 0 ] || die "must run as root (network namespace, tcpdump): sudo $0"
}

# make_pki DIR: throwaway PKI, RSA 2048 / SHA-256, issued with 'openssl ca'
# because OpenSSL 3.0 x509/req cannot set an arbitrary notBefore (needed for
# the expired certificate).
make_pki() {
    local d=$1
    mkdir -p "$d/newcerts"
    : >"$d/index.txt"
    echo 1000 >"$d/serial"
    cat >"$d/pki.cnf" <<EOF
[ ca ]
default_ca = tdca
[ tdca ]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = pol_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ pol_any ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ ext_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ext_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$DA_NAME
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:client01.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    local cnf=$d/pki.cnf now_m1d
    now_m1d=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    local in2y
    in2y=$(date -u -d '+2 years' +%Y%m%d%H%M%SZ)

    # Two self-signed roots: the server's issuer and the preauthentication CA.
    openssl req -config "$cnf" -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 \
        -subj '/O=tlsdiag/CN=tlsdiag Test Root CA' -extensions ext_ca \
        -keyout "$d/root.key" -out "$d/root.pem" 2>/dev/null
    openssl req -config "$cnf" -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 \
        -subj '/O=tlsdiag/CN=tlsdiag Client CA' -extensions ext_ca \
        -keyout "$d/clientca.key" -out "$d/clientca.pem" 2>/dev/null

    # leaf NAME SUBJECT ISSUER EXT START END
    leaf() {
        openssl req -config "$cnf" -new -newkey rsa:2048 -sha256 -nodes -subj "$2" \
            -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
        openssl ca -config "$cnf" -batch -notext -md sha256 -cert "$d/$3.pem" \
            -keyfile "$d/$3.key" -extensions "$4" -startdate "$5" -enddate "$6" \
            -in "$d/$1.csr" -out "$d/$1.pem" 2>"$d/$1.ca.log" \
            || die "openssl ca failed for $1: $(cat "$d/$1.ca.log")"
    }
    leaf server  "/O=tlsdiag/CN=$DA_NAME" root ext_server "$now_m1d" "$in2y"
    leaf expired "/O=tlsdiag/CN=$DA_NAME" root ext_server 20240101000000Z 20250101000000Z
    leaf client  "/O=tlsdiag/CN=client01.contoso.test" clientca ext_client "$now_m1d" "$in2y"
    log "PKI ready in $d"
}

###########################################################################
# Part 3: verification with tshark (host side, after the namespace is gone)
###########################################################################

# (-d tcp.port==3128,http is one tshark argument: decode port 3128 as HTTP)
# shellcheck disable=SC2054
TSHARK=(tshark -n -o tcp.desegment_tcp_streams:TRUE -d tcp.port==3128,http)

# summary FILE: one line per frame: number, endpoints, TCP flags, then only
# what is present: TLS content types (ct), handshake types (hs), alert, cipher
# suite (cs), HTTP method / status.
summary() {
    "${TSHARK[@]}" -r "$1" -T fields -E separator='|' \
        -e frame.number -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -e tcp.flags.str \
        -e tcp.len -e tls.record.content_type -e tls.handshake.type -e tls.alert_message.desc \
        -e tls.handshake.ciphersuite -e http.request.method -e http.response.code \
        -e tls.record.opaque_type 2>/dev/null \
    | awk -F'|' '{
        # TLS 1.3 protected records: the dissector names the outer type opaque_type
        if ($8 == "" && $14 != "") $8 = $14
        line = sprintf("%4s %s:%s > %s:%s %s len=%s", $1, $2, $3, $4, $5, $6, $7)
        split("ct hs alert cs http http", tag, " ")
        for (i = 8; i <= 13; i++) if ($i != "") line = line " " tag[i-7] "=" $i
        print line }'
}

# app_bytes: hex from "tshark -e tls.app_data" on stdin -> raw bytes on stdout.
app_bytes() {
    "$PY" -c 'import sys, binascii
sys.stdout.buffer.write(b"".join(binascii.unhexlify(h) for h in sys.stdin.read().replace(":", "").replace(",", " ").split()))'
}

VERIFY_FAIL=0
# expect FILE 'display filter' [MIN [MAX]]: count frames matching the filter.
expect() {
    local f=$1 filter=$2 min=${3:-1} max=${4:-999999} c
    c=$("${TSHARK[@]}" -r "$f" -Y "$filter" 2>/dev/null | wc -l)
    if [ "$c" -lt "$min" ] || [ "$c" -gt "$max" ]; then
        log "  FAIL $(basename "$f"): '$filter' matched $c frames (want $min..$max)"
        VERIFY_FAIL=1
    fi
}
# expect_plain FILE STRING: STRING occurs in the TLS application data (only
# possible with a NULL suite) - checked on the raw record payload bytes.
expect_plain() {
    local f=$1 s=$2
    if ! "${TSHARK[@]}" -r "$f" -Y tls.app_data -T fields -e tls.app_data 2>/dev/null \
        | app_bytes | grep -aqF -- "$s"; then
        log "  FAIL $(basename "$f"): '$s' not found in TLS application data"
        VERIFY_FAIL=1
    fi
}
expect_no_plain() {
    local f=$1 s=$2
    if "${TSHARK[@]}" -r "$f" -Y tls.app_data -T fields -e tls.app_data 2>/dev/null \
        | app_bytes | grep -aqF -- "$s"; then
        log "  FAIL $(basename "$f"): '$s' unexpectedly readable"
        VERIFY_FAIL=1
    fi
}

# x509 names are UTF8String (openssl ca) or PrintableString; match either.
dn_is() { printf '(x509sat.uTF8String == "%s" || x509sat.printableString == "%s")' "$1" "$1"; }

# expect_fresh_leaf FILE: the first certificate of the first Certificate
# message has a notBefore between 0 and 10 minutes before that frame (a leaf
# minted on the fly by an interceptor).
expect_fresh_leaf() {
    local f=$1 line t nb d
    line=$("${TSHARK[@]}" -r "$f" -Y 'tls.handshake.type == 11' -T fields \
        -e frame.time_epoch -e x509af.utcTime 2>/dev/null | head -1)
    t=${line%%$'\t'*}
    t=${t%.*}
    nb=${line#*$'\t'}
    nb=${nb%%,*}
    nb=$(date -u -d "${nb% (UTC)}" +%s 2>/dev/null || echo 0)
    d=$((t - nb))
    if [ "$d" -lt 0 ] || [ "$d" -gt 600 ]; then
        log "  FAIL $(basename "$f"): leaf notBefore is $d s before the Certificate frame (want 0..600)"
        VERIFY_FAIL=1
    fi
}

verify_one() {
    local f=$1 n
    n=$(basename "$f" .pcap)
    case $n in
    iphttps-null-ok)
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.ciphersuite == 0x003b'
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect_plain "$f" 'POST /IPHTTPS HTTP/1.1'
        expect_plain "$f" 'Content-Length: 18446744073709551615'
        expect_plain "$f" 'Server: Microsoft-HTTPAPI/2.0' ;;
    iphttps-null-rejected)
        expect "$f" 'tls.handshake.type == 1' 1 1
        expect "$f" 'tls.handshake.type == 2' 0 0
        expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 40' 1 1 ;;
    iphttps-client-cert-empty)
        expect "$f" 'tls.handshake.type == 13' 1 1
        expect "$f" 'x509sat.printableString == "tlsdiag Client CA" || x509sat.uTF8String == "tlsdiag Client CA"' 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.handshake.type == 11 && tls.handshake.certificates_length == 0' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 40' 1 1 ;;
    iphttps-client-cert-ok)
        expect "$f" 'tls.handshake.type == 13' 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.handshake.type == 11 && tls.handshake.certificates_length > 0' 1 1
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect_plain "$f" 'POST /IPHTTPS'
        expect_plain "$f" 'HTTP/1.1 200 OK' ;;
    tls12-expired-server-cert)
        expect "$f" 'tls.handshake.type == 11' 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 45' 1 1 ;;
    tls13-ok)
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" 'tls.record.opaque_type == 23' 6 ;;
    tcp-refused)
        expect "$f" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 1 1
        expect "$f" 'tcp.flags.reset == 1 && tcp.flags.ack == 1 && ip.src == 127.0.0.2' 1 1 ;;
    tcp-timeout)
        expect "$f" 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.dst == 127.0.0.3' 3 5
        expect "$f" '!(tcp.flags.syn == 1 && tcp.flags.ack == 0)' 0 0 ;;
    proxy-connect-ok)
        expect "$f" 'http.request.method == "CONNECT"' 1 1
        expect "$f" 'http.response.code == 200' 1 1
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect_plain "$f" 'POST /IPHTTPS'
        expect_plain "$f" 'Server: Microsoft-HTTPAPI/2.0' ;;
    proxy-connect-denied)
        expect "$f" 'http.request.method == "CONNECT"' 1 1
        expect "$f" 'http.response.code == 403' 1 1
        expect "$f" 'tls' 0 0 ;;
    non-tls-responder)
        expect "$f" 'tls.handshake.type == 1' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tcp.payload contains "HTTP/1.1 400"' 1 ;;
    tcp-reset-after-hello)
        expect "$f" 'tls.handshake.type == 1' 1 1
        expect "$f" 'tcp.flags.reset == 1 && ip.src == 127.0.0.2' 1
        expect "$f" 'ip.src == 127.0.0.2 && tls' 0 0 ;;
    tls12-ok-nginx)
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xc02f' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" 'tls.app_data' 2 ;;
    multi-connection)
        expect "$f" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 3 3
        expect "$f" 'tcp.flags.reset == 1 && tcp.stream == 0' 1
        expect "$f" 'tls.alert_message.desc == 40' 1 1
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xc02f' 1 1
        expect_no_plain "$f" 'POST /IPHTTPS' ;;
    # --- certificate captures (committed test PKI) ---
    cert-chain-ok-gnutls|cert-chain-ok-nginx)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" "$(dn_is 'tlsdiag Test Issuing CA') && x509ce.dNSName == \"da.contoso.test\"" 1 1
        expect "$f" 'tls.handshake.type == 13' 0 0
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" 'tls.app_data' 2 ;;
    cert-missing-intermediate)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 1' 1 1
        expect "$f" "$(dn_is 'tlsdiag Test Issuing CA')" 1 1
        expect "$f" 'tls.handshake.type == 16' 0 0
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 48' 1 1 ;;
    cert-wrong-name)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" 'x509ce.dNSName == "www.fabrikam.test"' 1 1
        expect "$f" 'x509ce.dNSName == "da.contoso.test"' 0 0
        expect "$f" 'tls.handshake.extensions_server_name == "da.contoso.test"' 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 42' 1 1 ;;
    cert-not-yet-valid)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" 'x509af.utcTime contains "2030-01-01"' 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 42' 1 1 ;;
    cert-self-signed-appliance)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 1' 1 1
        expect "$f" "$(dn_is FG100F3G19000000) && $(dn_is FortiGate)" 1 1
        expect "$f" 'x509ce.dNSName' 0 0
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 48' 1 1 ;;
    cert-inspected)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" "$(dn_is Fortinet_CA_SSL) && x509ce.dNSName == \"da.contoso.test\"" 1 1
        expect_fresh_leaf "$f"
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 48' 1 1 ;;
    cert-inspected-trusted)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" "$(dn_is Fortinet_CA_SSL) && x509ce.dNSName == \"da.contoso.test\"" 1 1
        expect_fresh_leaf "$f"
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" 'tls.app_data' 2 ;;
    cert-inspected-squid)
        expect "$f" 'http.request.method == "CONNECT"' 1 1
        expect "$f" 'http.response.code == 200' 1 1
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite != 0x003b && tls.handshake.ciphersuite != 0x0002' 1 1
        expect "$f" 'ip.src == 127.0.0.4 && tls.handshake.type == 11 && count(tls.handshake.certificate) >= 2' 1 1
        expect "$f" "$(dn_is Fortinet_CA_SSL) && x509ce.dNSName == \"da.contoso.test\"" 1 1
        expect "$f" "$(dn_is 'tlsdiag Test Issuing CA')" 0 0
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 48' 1 1 ;;
    client-cert-foreign-ca)
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect "$f" "tls.handshake.type == 13 && $(dn_is 'tlsdiag Client CA')" 1 1
        expect "$f" "ip.src == 127.0.0.1 && tls.handshake.type == 11 && $(dn_is 'Foreign Client CA')" 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 48' 1 1 ;;
    client-cert-ok-gnutls)
        expect "$f" "tls.handshake.type == 13 && $(dn_is 'tlsdiag Client CA')" 1 1
        expect "$f" "ip.src == 127.0.0.1 && tls.handshake.type == 11 && tls.handshake.certificates_length > 0 && $(dn_is 'tlsdiag Client CA')" 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.handshake.type == 15' 1 1
        expect "$f" 'tls.handshake.type == 4' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" 'tls.app_data' 2 ;;
    ecdsa-server-cert)
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.ciphersuite == 0x003b && tls.handshake.ciphersuite == 0xc02b' 1 1
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xc02b' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && x509af.algorithm.id == 1.2.840.10045.2.1' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" 'tls.app_data' 2 ;;
    multisan-cert)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" 'x509ce.dNSName == "vpn.contoso.test" && x509ce.dNSName == "da.contoso.test"' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" 'tls.app_data' 2 ;;
    # --- diagnosis captures (group diag, committed test PKI) ---
    diag-null-rejected-nginx|diag-null-rejected-haproxy|diag-null-rejected-gnutls)
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.ciphersuite == 0x003b && tls.handshake.ciphersuite == 0x0002 && !(tls.handshake.ciphersuite == 0xc030)' 1 1
        expect "$f" 'tls.handshake.type == 2' 0 0
        expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 40' 1 1 ;;
    diag-client-cert-missing-haproxy|diag-client-cert-missing-gnutls)
        # OpenSSL-based servers take the client's first NULL suite (NULL-SHA256);
        # GnuTLS takes its own preference, NULL-SHA (0x0002)
        expect "$f" "tls.handshake.type == 2 && tls.handshake.ciphersuite == $(case $n in *gnutls) echo 0x0002 ;; *) echo 0x003b ;; esac)" 1 1
        expect "$f" "tls.handshake.type == 13 && $(dn_is 'tlsdiag Client CA')" 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.handshake.type == 11 && tls.handshake.certificates_length == 0' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 4' 0 0
        case $n in
        *haproxy) expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 40' 1 1 ;;
        *gnutls)  expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 50' 1 1 ;;
        esac ;;
    diag-client-cert-foreign-haproxy|diag-client-cert-foreign-gnutls)
        expect "$f" "tls.handshake.type == 2 && tls.handshake.ciphersuite == $(case $n in *gnutls) echo 0x0002 ;; *) echo 0x003b ;; esac)" 1 1
        expect "$f" "tls.handshake.type == 13 && $(dn_is 'tlsdiag Client CA')" 1 1
        expect "$f" "ip.src == 127.0.0.1 && tls.handshake.type == 11 && $(dn_is 'Foreign Client CA')" 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 4' 0 0
        case $n in
        *haproxy) expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 48' 1 1 ;;
        *gnutls)  expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 49' 1 1 ;;
        esac ;;
    diag-client-cert-missing-nginx|diag-client-cert-foreign-nginx)
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect "$f" "tls.handshake.type == 13 && $(dn_is 'tlsdiag Client CA')" 1 1
        case $n in
        *missing*) expect "$f" 'ip.src == 127.0.0.1 && tls.handshake.type == 11 && tls.handshake.certificates_length == 0' 1 1 ;;
        *foreign*) expect "$f" "ip.src == 127.0.0.1 && tls.handshake.type == 11 && $(dn_is 'Foreign Client CA')" 1 1 ;;
        esac
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 4' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect_plain "$f" 'POST /IPHTTPS HTTP/1.1'
        expect_plain "$f" 'HTTP/1.1 400 Bad Request'
        expect_plain "$f" 'Server: nginx/1.22.1' ;;
    diag-protocol-version-nginx-tls13|diag-protocol-version-haproxy-tls13)
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.ciphersuite == 0x003b && !tls.handshake.extensions.supported_version' 1 1
        expect "$f" 'tls.handshake.type == 2' 0 0
        expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 70' 1 1 ;;
    diag-protocol-version-nginx-tls10-client)
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.version == 0x0301 && !tls.handshake.extensions.supported_version' 1 1
        expect "$f" 'tls.handshake.type == 2' 0 0
        expect "$f" 'ip.src == 127.0.0.2 && tls.alert_message.desc == 70' 1 1 ;;
    diag-protocol-version-s-server-tls10|diag-protocol-version-gnutls-tls10)
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.version == 0x0303 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.version == 0x0301 && tls.handshake.ciphersuite == 0x0002' 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 70' 1 1
        expect "$f" 'tls.handshake.type == 16' 0 0 ;;
    diag-wrong-backend-http-nginx|diag-wrong-backend-http-haproxy)
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x003b' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 4' 1 1
        expect "$f" 'tls.alert_message.desc && tls.alert_message.desc != 0' 0 0
        expect "$f" '!(tcp.port == 443)' 0 0
        expect_plain "$f" 'POST /IPHTTPS HTTP/1.1'
        expect_no_plain "$f" 'Microsoft-HTTPAPI'
        case $n in
        *nginx)   expect_plain "$f" 'HTTP/1.1 400 Bad Request'
                  expect_plain "$f" 'Server: nginx/1.22.1' ;;
        *haproxy) expect_plain "$f" 'HTTP/1.1 404 Not Found'
                  expect_plain "$f" 'server: BaseHTTP/' ;;
        esac ;;
    diag-tcp-reset-haproxy|diag-tcp-reset-linger|diag-tcp-reset-ttl)
        expect "$f" 'tls.handshake.type == 1 && tls.handshake.ciphersuite == 0xc030 && !(tls.handshake.ciphersuite == 0x003b)' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls' 0 0
        # haproxy (nolinger) sends FIN then RST; its timing against the client's
        # reaction varies, and a second RST may answer the client's FIN
        expect "$f" 'tcp.flags.reset == 1 && ip.src == 127.0.0.2' 1 "$(case $n in *haproxy) echo 2 ;; *) echo 1 ;; esac)"
        expect "$f" 'tcp.flags.syn == 1 && tcp.flags.ack == 1 && ip.ttl == 64' 1 1
        case $n in
        *ttl) expect "$f" 'tcp.flags.reset == 1 && ip.src == 127.0.0.2 && ip.ttl == 50' 1 1
              expect "$f" 'ip.src == 127.0.0.2 && ip.ttl != 50 && ip.ttl != 64' 0 0 ;;
        *)    expect "$f" 'ip.ttl != 64' 0 0 ;;
        esac ;;
    diag-tls13-client-cert-missing-s-server|diag-tls13-client-cert-missing-gnutls)
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304' 1 1
        expect "$f" 'tls.alert_message' 0 0
        # the client's flight: empty Certificate + Finished, two encrypted records
        expect "$f" 'ip.src == 127.0.0.1 && tls.record.opaque_type == 23' 1 2
        # the server's answer: one 19-byte encrypted record (an alert), no data
        expect "$f" 'ip.src == 127.0.0.2 && tls.record.opaque_type == 23 && tls.record.length == 19' 1 1 ;;
    diag-tls13-untrusted-server-s-server|diag-tls13-untrusted-server-nginx|diag-tls13-untrusted-server-gnutls)
        expect "$f" 'tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304' 1 1
        # OpenSSL's client sends this alert before it has handshake keys: in plaintext
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 48' 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.record.opaque_type == 23' 0 0 ;;
    diag-cert-expired-nginx|diag-cert-expired-gnutls)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" 'x509af.utcTime contains "2025-01-01 00:00:00"' 1 1
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 45' 1 1 ;;
    diag-cert-not-yet-valid-nginx|diag-cert-not-yet-valid-gnutls)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 2' 1 1
        expect "$f" 'x509af.utcTime contains "2030-01-01 00:00:00"' 1 1
        expect "$f" 'tls.handshake.type == 16' 0 0
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 42' 1 1 ;;
    diag-appliance-nginx|diag-appliance-gnutls)
        expect "$f" 'ip.src == 127.0.0.2 && tls.handshake.type == 11 && count(tls.handshake.certificate) == 1' 1 1
        expect "$f" "$(dn_is FG100F3G19000000) && $(dn_is FortiGate)" 1 1
        expect "$f" 'x509ce.dNSName' 0 0
        expect "$f" 'ip.src == 127.0.0.1 && tls.alert_message.desc == 48' 1 1 ;;
    diag-non-tls-haproxy)
        expect "$f" 'tls.handshake.type == 1' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tcp.payload contains "HTTP/1.1 400 Bad request"' 1
        expect "$f" 'ip.src == 127.0.0.2 && tls' 0 0 ;;
    diag-non-tls-ssh-banner)
        expect "$f" 'tls.handshake.type == 1' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tcp.payload contains "SSH-2.0-OpenSSH_9.2p1"' 1 1
        expect "$f" 'ip.src == 127.0.0.2 && tls' 0 0 ;;
    diag-proxy-connect-denied-tinyproxy)
        expect "$f" 'http.request.method == "CONNECT" && http.request.uri == "da.contoso.test:443"' 1 1
        # the whole answer (headers, then the page in many small segments,
        # the last one with tinyproxy's FIN), read by the client before it closes
        expect "$f" 'ip.src == 127.0.0.4 && http.response.code == 403 && http.server == "tinyproxy/1.11.1"' 1 1
        # (the page, reassembled: how tinyproxy's writes fall into segments varies)
        expect "$f" 'http.response.code == 403 && http.file_data contains "not allowed with the port you tried to use"' 1 1
        expect "$f" 'http.response.code == 403 && http.file_data contains "</html>"' 1 1
        expect "$f" 'tcp.flags.fin == 1' 2 2
        expect "$f" 'tcp.flags.reset == 1' 0 0
        # no segment missing from the capture (see start_capture's BUFFER_KIB)
        expect "$f" 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' 0 0
        expect "$f" '!(tcp.port == 3128)' 0 0
        expect "$f" 'tls' 0 0 ;;
    *) log "  (no checks for $n)" ;;
    esac
}

###########################################################################
# main
###########################################################################

if [ "${1:-}" = "--inside" ]; then
    # Scenario list comes from the environment (set by the host side).
    read -r -a SCENARIOS <<<"${TD_SCENARIOS:-${ALL_SCENARIOS[*]}}"
    run_inside "$2"
    exit 0
fi

# --verify [DIR]: only check existing captures (default: captures/) and print the
# frame summaries; needs tshark and python3, not root.
if [ "${1:-}" = "--verify" ]; then
    dir=${2:-$GEN_DIR/..}
    for f in "$dir"/*.pcap; do verify_one "$f"; done
    for f in "$dir"/*.pcap; do
        printf '\n== %s (%s frames)\n' "$(basename "$f")" "$("${TSHARK[@]}" -r "$f" 2>/dev/null | wc -l)"
        summary "$f"
    done
    [ "$VERIFY_FAIL" = 0 ] || die "some captures do not show what they should"
    log "all captures in $dir pass their checks"
    exit 0
fi

OUTDIR=${1:-$GEN_DIR/..}
# Optional: TD_SCENARIOS="tls13_ok tcp_refused" to regenerate a subset; the
# groups "base", "cert", "diag" and "all" expand to their scenarios, and a capture's
# file name (cert-wrong-name) works as well as its function name.
expand_scenarios() {
    local w out=() s known
    for w in ${TD_SCENARIOS:-all}; do
        w=${w%.pcap}
        w=${w//-/_}
        case $w in
        all)  out+=("${ALL_SCENARIOS[@]}") ;;
        base) out+=("${BASE_SCENARIOS[@]}") ;;
        cert) out+=("${CERT_SCENARIOS[@]}") ;;
        diag) out+=("${DIAG_SCENARIOS[@]}") ;;
        *)
            known=0
            for s in "${ALL_SCENARIOS[@]}"; do [ "$s" = "$w" ] && known=1; done
            [ "$known" = 1 ] || die "unknown scenario '$w' (known: ${ALL_SCENARIOS[*]}; groups: base cert diag all)"
            out+=("$w") ;;
        esac
    done
    # keep the first occurrence of each, in order
    local seen=" " r=()
    for s in "${out[@]}"; do
        case $seen in *" $s "*) ;; *) r+=("$s"); seen="$seen$s " ;; esac
    done
    printf '%s\n' "${r[*]}"
}
TD_SCENARIOS=$(expand_scenarios) || exit 1
export TD_SCENARIOS

# in_run NAME: is scenario NAME part of this run?
in_run() { case " $TD_SCENARIOS " in *" $1 "*) return 0 ;; esac; return 1; }

check_tools
# The certificate scenarios need the committed test PKI (tests/pki/make-pki.sh).
TESTPKI=$(cd "$GEN_DIR/../.." && pwd)/tests/pki
NEED_TESTPKI=0
for s in "${CERT_SCENARIOS[@]}" "${DIAG_SCENARIOS[@]}"; do in_run "$s" && NEED_TESTPKI=1; done
if [ "$NEED_TESTPKI" = 1 ]; then
    for f in root inter leaf leaf-chain leaf-wrongname leaf-notyet leaf-multisan leaf-ecdsa \
             leaf-expired selfsigned-appliance inspect-ca client-ca client client-foreign; do
        [ -r "$TESTPKI/$f.pem" ] || die "test PKI incomplete: $TESTPKI/$f.pem missing (run tests/pki/make-pki.sh)"
    done
fi
# haproxy is needed only by some diag scenarios.
for s in "${DIAG_SCENARIOS[@]}"; do
    case $s in *haproxy*)
        in_run "$s" && { command -v haproxy >/dev/null 2>&1 \
            || die "haproxy missing (apt-get install haproxy), needed by ${s//_/-}"; } ;;
    esac
done
# tinyproxy is needed only by diag-proxy-connect-denied-tinyproxy.
if in_run diag_proxy_connect_denied_tinyproxy; then
    command -v tinyproxy >/dev/null 2>&1 \
        || die "tinyproxy missing (apt-get install tinyproxy), needed by diag-proxy-connect-denied-tinyproxy"
fi
if in_run cert_inspected_squid; then
    [ -x /usr/lib/squid/security_file_certgen ] \
        || die "/usr/lib/squid/security_file_certgen missing (apt-get install squid-openssl)"
fi
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

NS=tdgen$$
WORK=$(mktemp -d /tmp/tdgen.XXXXXX)
# squid runs as user proxy and must traverse into WORK/squid-*.
chmod 711 "$WORK"
mkdir -p "$WORK/pcap" "$WORK/log"

host_cleanup() {
    local rc=$? p
    if ip netns list 2>/dev/null | grep -qw "$NS"; then
        # Anything still alive in our namespace was started by this script.
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
        sleep 0.5
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
        ip netns del "$NS" 2>/dev/null || true
    fi
    if [ "${TD_KEEP_WORK:-0}" = 1 ]; then
        log "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap host_cleanup EXIT
trap 'exit 130' INT TERM

make_pki "$WORK/pki"
if [ "$NEED_TESTPKI" = 1 ]; then
    # A copy, readable by squid's user (proxy); leaf-inspected is minted there.
    mkdir -p "$WORK/tpki"
    cp "$TESTPKI"/*.pem "$TESTPKI"/*.key "$WORK/tpki/"
    chmod 755 "$WORK/tpki"
    chmod 644 "$WORK/tpki"/*
fi

ip netns add "$NS"
log "namespace $NS created; running scenarios: $TD_SCENARIOS"
# Run in the background and wait, so that a TERM/INT to this script runs the
# cleanup at once (bash defers traps while a foreground child runs).
ip netns exec "$NS" bash "$GEN_DIR/make-captures.sh" --inside "$WORK" &
wait $! || die "scenario run failed (see messages above)"

# The files this run made: exactly one per selected scenario, nothing else.
RUN_PCAPS=()
for s in $TD_SCENARIOS; do
    f=$WORK/pcap/${s//_/-}.pcap
    if [ -s "$f" ]; then RUN_PCAPS+=("$f"); else log "  FAIL: no capture for $s"; VERIFY_FAIL=1; fi
done

log "verifying captures with tshark"
for f in "${RUN_PCAPS[@]}"; do
    verify_one "$f"
done
for f in "${RUN_PCAPS[@]}"; do
    printf '\n== %s (%s frames)\n' "$(basename "$f")" "$("${TSHARK[@]}" -r "$f" 2>/dev/null | wc -l)"
    summary "$f"
done
if [ "$VERIFY_FAIL" != 0 ]; then
    TD_KEEP_WORK=1
    die "some captures do not show what they should; nothing copied (logs in $WORK/log)"
fi
# Copy only this run's captures: a subset run never touches the other files.
cp "${RUN_PCAPS[@]}" "$OUTDIR"/
log "copied ${#RUN_PCAPS[@]} captures to $OUTDIR: $(for f in "${RUN_PCAPS[@]}"; do basename "$f"; done | tr '\n' ' ')"
# The two throwaway CA certificates (public parts only, no keys) go along, so
# that tests can verify the chains in the base captures. Only when every base
# scenario ran: otherwise the new roots would not match the base captures that
# were not regenerated. (The cert captures chain to the committed tests/pki/.)
ALL_BASE=1
for s in "${BASE_SCENARIOS[@]}"; do in_run "$s" || ALL_BASE=0; done
if [ "$ALL_BASE" = 1 ]; then
    mkdir -p "$OUTDIR/pki"
    cp "$WORK/pki/root.pem" "$OUTDIR/pki/tlsdiag-test-root-ca.pem"
    cp "$WORK/pki/clientca.pem" "$OUTDIR/pki/tlsdiag-client-ca.pem"
    log "copied the CA certificates to $OUTDIR/pki/"
fi
