#!/usr/bin/env bash
# tests/matrix/gen.sh - the scenario matrix's captures, from real TLS peers on loopback
# (issue 10, deliverable 3).
#
# Usage: sudo tests/matrix/gen.sh [OUTDIR]     (default: tests/matrix/captures/, and
#                                               tests/matrix/scenarios.tsv is rewritten)
#        TD_KEEP_WORK=1 sudo -E tests/matrix/gen.sh   (keep the temp dir with the logs)
#
# How (the same approach as captures/gen/make-captures.sh, whose helpers in
# captures/gen/ are reused, not modified):
#   * a private network namespace (mx<PID>) with only loopback; two tcpdumps run on lo
#     for the whole run, one with -s 0 and one with -s 96 (--immediate-mode, big buffer);
#   * real servers (nginx, haproxy, gnutls-serv, openssl s_server, squid ssl-bump, the
#     HTTP.sys stand-in captures/gen/httpapi_standin.py) each on its own address 127.0.1.N:443 (gnutls-serv
#     binds the wildcard; clients still connect to its 127.0.1.N); one server at a time;
#   * real clients (openssl s_client, gnutls-cli, curl, mclient.py = python ssl with a
#     chosen behaviour, also the IP-HTTPS-like NULL-suite client), strictly one after the
#     other; every process under timeout(1);
#   * each client connection is one "cell": gen.sh writes a manifest line with the
#     destination, the EXPECTED diagnosis and acceptable alternatives, decided here from
#     the set-up (never from tlsdiag), flags and a description;
#   * pcaptool.py then cuts the two captures into one pcap per connection, derives the
#     capture-condition variants (snap 96, tiny segments, reordered/retransmitted,
#     capture stopped early) and writes scenarios.tsv.
# Certificates: the committed test PKI (tests/pki/), plus, minted here in the temp dir
# with fixed validity dates: an expired client certificate, a self-signed
# da.contoso.test, a leaf under a foreign root; and (like make-captures.sh) an
# interception leaf minted now by inspect-ca, valid since 2 minutes.
set -euo pipefail

MDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$MDIR/../.." && pwd)
GEN=$TOP/captures/gen
PY=${PYTHON:-python3}
export PYTHONDONTWRITEBYTECODE=1
DA=da.contoso.test
NULL_SUITES='NULL-SHA256:NULL-SHA:@SECLEVEL=0'
MIXED_SUITES='NULL-SHA256:NULL-SHA:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-GCM-SHA256:@SECLEVEL=0'
PROXY=127.0.0.4:3128
ORIGIN_IP=127.0.2.1
BACKEND_IP=127.0.2.2

log() { printf '[matrix-gen] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

###########################################################################
# Part 1: inside the namespace (gen.sh --inside WORK)
###########################################################################
if [ "${1:-}" = "--inside" ]; then
WORK=$2
P=$WORK/pki
L=$WORK/log
MAN=$WORK/manifest.tsv
: >"$MAN"
ip link set lo up
cleanup_inside() {
    local p
    for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup_inside EXIT

wait_listen() { # IP:PORT, or :PORT for any address
    local a
    for _ in $(seq 100); do
        for a in $(ss -Hltn | awk '{print $4}'); do
            case $1 in
            :*) [ "${a##*:}" = "${1#:}" ] && return 0 ;;
            *) [ "$a" = "$1" ] && return 0 ;;
            esac
        done
        sleep 0.05
    done
    die "nothing listening on $1"
}

# --- the two captures ---------------------------------------------------------
timeout 900 tcpdump -i lo --immediate-mode -U -B 65536 -s 0 -w "$WORK/full.pcap" tcp 2>"$L/tcpdump-full" &
TD1=$!
timeout 900 tcpdump -i lo --immediate-mode -U -B 65536 -s 96 -w "$WORK/snap.pcap" tcp 2>"$L/tcpdump-snap" &
TD2=$!
for _ in $(seq 50); do
    grep -q 'listening on' "$L/tcpdump-full" && grep -q 'listening on' "$L/tcpdump-snap" && break
    sleep 0.1
done

# --- servers --------------------------------------------------------------------
SERVER_PID=
IP=
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    sleep 0.2
}
NGX_N=0
# nginx IP CERTFILE KEYFILE PROTOCOLS CIPHERS [EXTRA DIRECTIVES]
nginx_srv() {
    local ip=$1 cert=$2 key=$3 protos=$4 ciphers=$5 extra=${6:-} d
    NGX_N=$((NGX_N + 1)); d=$WORK/nginx-$NGX_N; mkdir -p "$d"
    cat >"$d/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log info;
events { worker_connections 64; }
http {
    access_log $d/access.log;
    client_body_temp_path $d/body;
    proxy_temp_path $d/proxy;
    default_type text/plain;
    server {
        listen $ip:443 ssl;
        server_name $DA;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        ssl_protocols $protos;
        ssl_ciphers $ciphers;
$extra
        location / { return 200 "tlsdiag matrix page\n"; }
    }
}
EOF
    timeout 300 nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" >"$L/nginx-$NGX_N" 2>&1 &
    SERVER_PID=$!; IP=$ip
    wait_listen "$ip:443"
}
HAP_N=0
# haproxy IP CRT(chain+key) BINDOPTS [MODE]   (mode http: "return 200"; tcp: to $BACKEND_IP:443)
haproxy_srv() {
    local ip=$1 crt=$2 bindopts=$3 mode=${4:-http} d
    HAP_N=$((HAP_N + 1)); d=$WORK/haproxy-$HAP_N; mkdir -p "$d"
    {
        printf 'global\n    nbthread 1\n    log stdout format raw local0 info\n'
        printf 'defaults\n    log global\n    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\n'
        if [ "$mode" = http ]; then
            printf 'frontend fe\n    mode http\n    bind %s:443 ssl crt %s %s\n' "$ip" "$crt" "$bindopts"
            printf '    http-request return status 200 content-type text/plain string "tlsdiag matrix page\\n"\n'
        else
            printf 'frontend fe\n    mode tcp\n    bind %s:443\n    default_backend be\n' "$ip"
            printf 'backend be\n    mode tcp\n    server app %s:443\n' "$BACKEND_IP"
        fi
    } >"$d/haproxy.cfg"
    timeout 300 haproxy -db -f "$d/haproxy.cfg" >"$L/haproxy-$HAP_N" 2>&1 &
    SERVER_PID=$!; IP=$ip
    wait_listen "$ip:443"
}
# gnutls-serv IP PRIORITY CERTFILE KEYFILE [EXTRA]   (HTTP mode: answers GET with a page)
gnutls_srv() {
    local ip=$1 prio=$2 cert=$3 key=$4; shift 4
    timeout 300 gnutls-serv --port 443 --priority "$prio" --x509certfile "$cert" --x509keyfile "$key" "$@" \
        >"$L/gnutls-$ip" 2>&1 &
    SERVER_PID=$!; IP=$ip
    wait_listen ":443"
}
# s_server IP CERT KEY [EXTRA]   (-www: answers GET with its status page)
s_srv() {
    local ip=$1 cert=$2 key=$3 chain=(); shift 3
    # s_server sends only the first certificate of -cert; the rest goes in -cert_chain
    awk -v o="$WORK/s_srv-$ip" '/BEGIN CERT/{n++} {print > (o (n == 1 ? "-leaf.pem" : "-rest.pem"))}' "$cert"
    [ -s "$WORK/s_srv-$ip-rest.pem" ] && chain=(-cert_chain "$WORK/s_srv-$ip-rest.pem")
    cert=$WORK/s_srv-$ip-leaf.pem
    timeout 300 openssl s_server -accept "$ip:443" -www -cert "$cert" -key "$key" "${chain[@]}" "$@" \
        </dev/null >"$L/s_server-$ip" 2>&1 &
    SERVER_PID=$!; IP=$ip
    wait_listen "$ip:443"
}
# standin IP CERTCHAIN KEY [EXTRA]  (Microsoft-HTTPAPI/2.0 stand-in, TLS 1.2 at most)
standin_srv() {
    local ip=$1 cert=$2 key=$3; shift 3
    timeout 300 "$PY" "$MDIR/../../captures/gen/httpapi_standin.py" --listen "$ip" --port 443 --cert "$cert" --key "$key" \
        --count 1000 --accept-timeout 120 --io-timeout 3 "$@" >"$L/standin-$ip" 2>&1 &
    SERVER_PID=$!; IP=$ip
    wait_listen "$ip:443"
}

# --- clients ----------------------------------------------------------------------
GET10=$'GET / HTTP/1.0\r\nHost: da.contoso.test\r\n\r\n'
ver_s() { case $1 in 12) echo -tls1_2 ;; 13) echo -tls1_3 ;; 10) echo -tls1 ;; *) echo -no_ssl3 ;; esac; }
# s_client VER BEHAVIOUR [EXTRA]: alert = verify (root, name) and abort on failure;
# accept = no verification (s_client carries on whatever the certificate)
sclient() {
    local v=$1 b=$2 vo=(); shift 2
    [ "$b" = alert ] && vo=(-CAfile "$P/root.pem" -verify_return_error -verify_hostname "$DA")
    { printf '%s' "$GET10"; sleep 1; } | timeout 8 openssl s_client -bind 127.0.0.1:0 \
        -connect "$IP:443" -servername "$DA" "$(ver_s "$v")" -quiet -no_ign_eof "${vo[@]}" "$@"
}
gprio() { case $1 in 12) echo 'NORMAL:-VERS-ALL:+VERS-TLS1.2' ;; 13) echo 'NORMAL:-VERS-ALL:+VERS-TLS1.3' ;; esac; }
# gnutls-cli VER BEHAVIOUR [EXTRA]
gcli() {
    local v=$1 b=$2 vo=(--insecure); shift 2
    [ "$b" = alert ] && vo=(--x509cafile "$P/root.pem")
    { printf '%s' "$GET10"; sleep 1; } | timeout 8 gnutls-cli --port 443 --sni-hostname "$DA" \
        --verify-hostname "$DA" --priority "$(gprio "$v")" "${vo[@]}" "$@" "$IP"
}
# curl VER BEHAVIOUR [EXTRA]
curlc() {
    local v=$1 b=$2 vo=(-k) vv=(); shift 2
    [ "$b" = alert ] && vo=(--cacert "$P/root.pem")
    case $v in 12) vv=(--tlsv1.2 --tls-max 1.2) ;; 13) vv=(--tlsv1.3) ;; esac
    timeout 8 curl -sS -o /dev/null --max-time 6 --resolve "$DA:443:$IP" "${vv[@]}" "${vo[@]}" \
        "$@" "https://$DA/"
}
# mclient BEHAVIOUR VER [EXTRA]  (python; silent = close without alert)
pyc() {
    local b=$1 v=$2; shift 2
    timeout 10 "$PY" "$MDIR/mclient.py" --connect "$IP" --behaviour "$b" --tls "$v" \
        --cafile "$P/root.pem" "$@"
}
ver_p() { case $1 in 12) echo 1.2 ;; 13) echo 1.3 ;; *) echo any ;; esac; }

# cell NAME EXPECTED ALTS FLAGS TLSDIAG-OPTS DESCRIPTION -- COMMAND...
# One client connection to $DEST (default $IP:443); the manifest line first.
CELLS=0
cell() {
    local name=$1 exp=$2 alts=$3 flags=$4 opts=$5 desc=$6; shift 7
    local t0 t1
    CELLS=$((CELLS + 1))
    t0=$(date +%s.%N)
    { echo "## $name: $desc"; "$@"; echo "## exit $?"; } >>"$L/cells.log" 2>&1 || true
    t1=$(date +%s.%N)
    # the connection is the one to this destination whose SYN falls in [t0, t1]
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${DEST:-$IP:443}" "$exp" "$alts" "$flags" \
        "$opts" "$desc" "$t0" "$t1" >>"$MAN"
    sleep 0.15
}

# --- the server-certificate block ---------------------------------------------------
# value|chain file|key|expected category for a client that checks|alternatives|flags
CERTS=(
    "ok|$P/leaf-chain.pem|$P/leaf.key|ok||"
    "expired|$P/expired-chain.pem|$P/leaf-expired.key|cert-expired||cert"
    "notyet|$P/notyet-chain.pem|$P/leaf-notyet.key|cert-not-yet-valid||cert"
    "wrongname|$P/wrongname-chain.pem|$P/leaf-wrongname.key|cert-name-mismatch||cert"
    "selfsigned|$P/leaf-selfsigned.pem|$P/leaf-selfsigned.key|cert-untrusted||cert,noca"
    "appliance|$P/selfsigned-appliance.pem|$P/selfsigned-appliance.key|wrong-backend|cert-untrusted|cert,noca"
    "foreignroot|$P/foreign-chain.pem|$P/leaf-foreign.key|cert-untrusted||cert,noca"
    "nointer|$P/leaf.pem|$P/leaf.key|cert-untrusted||cert,noca"
    "inspected|$P/inspected-chain.pem|$P/leaf-inspected.key|tls-inspection||cert,noca"
)
CERT_DESC_ok="valid chain (leaf + Issuing CA) for da.contoso.test"
CERT_DESC_expired="leaf expired 2025-01-01"
CERT_DESC_notyet="leaf valid from 2030-01-01"
CERT_DESC_wrongname="leaf for www.fabrikam.test"
CERT_DESC_selfsigned="self-signed da.contoso.test leaf"
CERT_DESC_appliance="FortiGate appliance's own self-signed certificate (no SAN)"
CERT_DESC_foreignroot="da.contoso.test leaf under a root the client lacks (Other Root CA)"
CERT_DESC_nointer="leaf without the Issuing CA (missing intermediate)"
CERT_DESC_inspected="da.contoso.test re-signed by the Fortinet_CA_SSL inspection CA, minted 2 min ago"

start_srv_cert() { # SERVER IP CHAIN KEY
    local s=$1 ip=$2 chain=$3 key=$4
    case $s in
    nginx)   nginx_srv "$ip" "$chain" "$key" "TLSv1.2 TLSv1.3" "HIGH:!aNULL:!MD5" ;;
    haproxy) cat "$chain" "$key" >"$WORK/hap-$ip.pem"; haproxy_srv "$ip" "$WORK/hap-$ip.pem" "" ;;
    gnutls)  gnutls_srv "$ip" NORMAL "$chain" "$key" --disable-client-cert ;;
    s_server) s_srv "$ip" "$chain" "$key" ;;
    standin) standin_srv "$ip" "$chain" "$key" --ciphers "$MIXED_SUITES" ;;
    esac
}

TOOLS=(sclient gcli curlc)
n_ip=0
next_ip() { n_ip=$((n_ip + 1)); NIP=127.0.1.$n_ip; }

si=0
for srv in nginx haproxy gnutls s_server; do
    ci=0
    for c in "${CERTS[@]}"; do
        IFS='|' read -r val chain key exp alts cflags <<<"$c"
        dvar=CERT_DESC_$val; cdesc=${!dvar}
        next_ip; start_srv_cert "$srv" "$NIP" "$chain" "$key"
        k=$(( (si + ci) % 3 )); tool=${TOOLS[$k]}
        v1=$(( (si + ci) % 2 == 0 ? 12 : 13 )); v2=$(( v1 == 12 ? 13 : 12 ))
        f13() { [ "$1" = 13 ] && echo ",t13" || echo ""; }
        vflag=""; [ $(( ci % 3 )) = 0 ] && vflag=",v"
        cutflag=""; [ "$val" = ok ] || [ "$val" = wrongname ] && cutflag=",cut"
        # 1. a verifying client that sends an alert when it rejects
        cell "$srv-$val-$tool-tls$v1-alert" "$exp" "$alts" "$cflags$(f13 $v1)$vflag$cutflag" "" \
            "$srv, $cdesc; $tool TLS 1.${v1#1}, verifies against the test root and name (alert on failure), GET /" \
            -- "$tool" "$v1" alert
        # 2. the python client that drops the connection silently when it rejects
        cell "$srv-$val-py-tls$v2-silent" "$exp" "$alts" "$cflags$(f13 $v2)$vflag" "" \
            "$srv, $cdesc; python ssl TLS 1.${v2#1}, verifies, closes with a bare FIN (no alert) on failure, GET /" \
            -- pyc silent "$(ver_p $v2)"
        # 3. a client that accepts whatever certificate and carries on: ok, but for
        #    TLS inspection (the tunnel is broken by design; doc/diagnosis.md)
        acc=ok; acf=""; [ "$val" = inspected ] && { acc=tls-inspection; acf="cert,accepted"; }
        atool=${TOOLS[$(( (k + 1) % 3 ))]}
        cell "$srv-$val-$atool-tls$v2-accept" "$acc" "" "$acf$(f13 $v2)" "" \
            "$srv, $cdesc; $atool TLS 1.${v2#1} without certificate checks, GET / answered" \
            -- "$atool" "$v2" accept
        stop_server
        ci=$((ci + 1))
    done
    si=$((si + 1))
done

# --- the HTTP.sys stand-in with bad certificates: the IP-HTTPS-like client --------------
for c in "${CERTS[@]:1:4}"; do
    IFS='|' read -r val chain key exp alts cflags <<<"$c"
    dvar=CERT_DESC_$val; cdesc=${!dvar}
    next_ip; start_srv_cert standin "$NIP" "$chain" "$key"
    cell "standin-$val-iphttps-alert" "$exp" "$alts" "$cflags,v" "" \
        "HTTP.sys stand-in (NULL + AES suites), $cdesc; IP-HTTPS-like client (NULL-only offer) verifies, alert on failure" \
        -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
    cell "standin-$val-iphttps-silent" "$exp" "$alts" "$cflags" "" \
        "HTTP.sys stand-in, $cdesc; IP-HTTPS-like client (NULL + AES offer) verifies, silent close on failure" \
        -- pyc silent 1.2 --app iphttps --ciphers "$MIXED_SUITES"
    cell "standin-$val-iphttps-accept" ok "" "" "" \
        "HTTP.sys stand-in, $cdesc; IP-HTTPS-like client without checks: POST /IPHTTPS answered 200 by Microsoft-HTTPAPI/2.0, tunnel up" \
        -- pyc accept 1.2 --app iphttps --ciphers "$NULL_SUITES"
    stop_server
done

# --- IP-HTTPS: suites, the stand-in, the wrong backends -------------------------------
next_ip; standin_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key"   # NULL suites only (the default)
cell iphttps-standin-nullonly-ok ok "" "v,cut" "" \
    "HTTP.sys stand-in (NULL only); IP-HTTPS-like client, NULL-only offer: NULL-SHA256, POST /IPHTTPS 200, RS/RA" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
cell iphttps-standin-nullonly-mixed ok "" "v" "" \
    "HTTP.sys stand-in (NULL only); IP-HTTPS-like client offering NULL + AES: NULL chosen, tunnel up" \
    -- pyc alert 1.2 --app iphttps --ciphers "$MIXED_SUITES"
cell iphttps-standin-nullonly-sclient-mixed ok "" "" "" \
    "HTTP.sys stand-in (NULL only); s_client offering NULL + AES, GET / answered 400 by Microsoft-HTTPAPI/2.0 (TLS fine)" \
    -- sclient 12 alert -cipher "$MIXED_SUITES"
cell iphttps-standin-nullonly-curl handshake-failed "" "" "" \
    "HTTP.sys stand-in with only the NULL suites; curl offers none of them: the server's handshake_failure (no shared suite; not a NULL rejection, the reverse)" \
    -- curlc 12 alert
cell iphttps-standin-nullonly-gnutls handshake-failed "" "" "" \
    "HTTP.sys stand-in with only the NULL suites; gnutls-cli offers none: handshake_failure from the server" \
    -- gcli 12 alert
stop_server
next_ip; standin_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" --ciphers "$MIXED_SUITES"
cell iphttps-standin-mixed-curl ok "" "v" "" \
    "HTTP.sys stand-in (NULL + AES); curl TLS 1.2 picks AES-GCM, GET / answered (encrypted)" \
    -- curlc 12 alert
cell iphttps-standin-mixed-gnutls ok "" "" "" \
    "HTTP.sys stand-in (NULL + AES); gnutls-cli TLS 1.2 verifying, GET / answered (encrypted)" \
    -- gcli 12 alert
cell iphttps-standin-mixed-iphttps ok "" "cut" "" \
    "HTTP.sys stand-in (NULL + AES, server order NULL first); IP-HTTPS-like client NULL + AES: tunnel up" \
    -- pyc alert 1.2 --app iphttps --ciphers "$MIXED_SUITES"
cell iphttps-standin-tls13-only protocol-version "" "" "" \
    "HTTP.sys stand-in (TLS 1.2 at most); s_client TLS 1.3 only: protocol_version" \
    -- sclient 13 alert
stop_server
# the stand-in behind haproxy in TCP passthrough (the ADC does not terminate TLS)
standin_srv "$BACKEND_IP" "$P/leaf-chain.pem" "$P/leaf.key"
SAVE_PID=$SERVER_PID
next_ip; haproxy_srv "$NIP" - - tcp
HAP_PID=$SERVER_PID
cell iphttps-haproxy-passthrough-null ok "" "v" "" \
    "haproxy TCP passthrough to the HTTP.sys stand-in; IP-HTTPS-like client NULL-only: tunnel up" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
cell iphttps-haproxy-passthrough-mixed ok "" "" "" \
    "haproxy TCP passthrough to the HTTP.sys stand-in; IP-HTTPS-like client NULL + AES: tunnel up" \
    -- pyc alert 1.2 --app iphttps --ciphers "$MIXED_SUITES"
stop_server; SERVER_PID=$SAVE_PID; stop_server
# NULL-only offers to terminators without NULL suites
next_ip; nginx_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" "TLSv1.2 TLSv1.3" "HIGH:!aNULL:!MD5"
cell iphttps-nginx-nullonly null-cipher-rejected "" "v" "" \
    "nginx without NULL suites; IP-HTTPS-like client NULL-only: handshake_failure" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
cell iphttps-nginx-mixed wrong-backend "ok" "http" "" \
    "nginx (a web server, not HTTP.sys) picks AES for a NULL + AES offer; POST /IPHTTPS answered by nginx, encrypted: the answer is unreadable, so ok is acceptable" \
    -- pyc alert 1.2 --app iphttps --ciphers "$MIXED_SUITES"
stop_server
next_ip; nginx_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" "TLSv1.2" "NULL-SHA256:NULL-SHA:HIGH:@SECLEVEL=0"
cell iphttps-nginx-null-wrongbackend wrong-backend "" "v,http" "" \
    "nginx with NULL suites (a web server where HTTP.sys should be); POST /IPHTTPS answered in the clear by nginx with an error" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
stop_server
cat "$P/leaf-chain.pem" "$P/leaf.key" >"$WORK/hap-ok.pem"
next_ip; haproxy_srv "$NIP" "$WORK/hap-ok.pem" ""
cell iphttps-haproxy-nullonly null-cipher-rejected "" "" "" \
    "haproxy TLS termination without NULL suites; IP-HTTPS-like client NULL-only" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
cell iphttps-haproxy-sclient-nullonly null-cipher-rejected "" "" "" \
    "haproxy without NULL suites; s_client offering only NULL-SHA256/NULL-SHA" \
    -- sclient 12 alert -cipher "$NULL_SUITES"
stop_server
next_ip; gnutls_srv "$NIP" NORMAL "$P/leaf-chain.pem" "$P/leaf.key" --disable-client-cert
cell iphttps-gnutls-nullonly null-cipher-rejected "" "" "" \
    "gnutls-serv (NORMAL: no NULL); IP-HTTPS-like client NULL-only" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
stop_server
next_ip; s_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key"
cell iphttps-s_server-nullonly null-cipher-rejected "" "" "" \
    "s_server (default suites, no NULL); IP-HTTPS-like client NULL-only" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
stop_server

# --- client certificates (the server requires one from tlsdiag Client CA) -------------
CC_none=""
CC_right="$P/client.pem|$P/client.key"
CC_wrong="$P/client-foreign.pem|$P/client-foreign.key"
CC_expired="$P/client-expired.pem|$P/client-expired.key"
cc_args() { # TOOL CERTVALUE -> the options that present the certificate
    local t=$1 v="CC_$2" c k
    [ -n "${!v}" ] || return 0
    IFS='|' read -r c k <<<"${!v}"
    case $t in
    sclient) echo "-cert $c -key $k" ;;
    gcli) echo "--x509certfile $c --x509keyfile $k" ;;
    curlc) echo "--cert $c --key $k" ;;
    pyc) echo "--cert $c --key $k" ;;
    esac
}
cc_exp() { case $1 in none) echo client-cert-missing ;; right) echo ok ;; *) echo client-cert-untrusted-ca ;; esac; }
cc_alts() { case $1 in expired) echo handshake-failed ;; esac; }
cc_desc() { case $1 in none) echo "no client certificate" ;; right) echo "client certificate from the right CA" ;;
    wrong) echo "client certificate from another CA (Foreign Client CA)" ;; expired) echo "client certificate from the right CA, expired 2025-01-01" ;; esac; }
# cc_cells SERVERNAME VER TOOLS... : one cell per client-certificate value, the tools rotating
cc_cells() {
    local sname=$1 v=$2 extraflags=$3 extradesc=$4; shift 4
    local tools=("$@") i=0 val t args fl
    for val in none right wrong expired; do
        t=${tools[$((i % ${#tools[@]}))]}
        # GnuTLS's client sends no certificate that the server's CA list does not name
        [ "$t" = gcli ] && [ "$val" = wrong ] && t=sclient
        fl=$extraflags; [ "$v" = 13 ] && fl="$fl,t13"; [ $i = 0 ] && fl="$fl,v"
        read -r -a args <<<"$(cc_args "$t" "$val")"
        local alts; alts=$(cc_alts "$val")
        [ "$v" = 13 ] && [ "$val" != right ] && alts="${alts:+$alts,}handshake-failed"
        case $t in
        pyc) cell "cc-$sname-$val-py-tls$v" "$(cc_exp $val)" "$alts" "$fl" "" \
                "$sname requires a client certificate; $(cc_desc $val); python ssl TLS 1.${v#1} verifying the server$extradesc" \
                -- pyc alert "$(ver_p $v)" "${PYAPP[@]}" "${args[@]}" ;;
        *) cell "cc-$sname-$val-$t-tls$v" "$(cc_exp $val)" "$alts" "$fl" "" \
                "$sname requires a client certificate; $(cc_desc $val); $t TLS 1.${v#1} verifying the server$extradesc" \
                -- "$t" "$v" alert "${args[@]}" ;;
        esac
        i=$((i + 1))
    done
}
PYAPP=()
cat "$P/leaf-chain.pem" "$P/leaf.key" >"$WORK/hap-ok.pem"
next_ip; haproxy_srv "$NIP" "$WORK/hap-ok.pem" "verify required ca-file $P/client-ca.pem"
cc_cells haproxy 12 "" "" sclient curlc pyc gcli
cc_cells haproxy 13 "" "" curlc pyc sclient gcli
stop_server
next_ip; gnutls_srv "$NIP" NORMAL "$P/leaf-chain.pem" "$P/leaf.key" --require-client-cert --verify-client-cert \
    --x509cafile "$P/client-ca.pem"
cc_cells gnutls-serv 12 "" "" gcli sclient curlc pyc
cc_cells gnutls-serv 13 "" "" pyc gcli curlc sclient
stop_server
next_ip; s_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" -Verify 1 -verify_return_error -CAfile "$P/client-ca.pem"
cc_cells s_server 12 "" "" curlc gcli pyc sclient
cc_cells s_server 13 "" "" sclient pyc gcli curlc
stop_server
# nginx with optional verification refuses over HTTP (400); with NULL suites readable
next_ip; nginx_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" "TLSv1.2" "NULL-SHA256:NULL-SHA:HIGH:@SECLEVEL=0" \
    "        ssl_verify_client on;
        ssl_client_certificate $P/client-ca.pem;"
PYAPP=(--app http --ciphers "$NULL_SUITES")
cc_cells nginx-null 12 "http" " (NULL-only offer, GET /; nginx answers 200, or 400 in the clear)" pyc
PYAPP=()
stop_server
# the same nginx with AES only: the HTTP refusal is encrypted, an ok-looking session
next_ip; nginx_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" "TLSv1.2 TLSv1.3" "HIGH:!aNULL:!MD5" \
    "        ssl_verify_client on;
        ssl_client_certificate $P/client-ca.pem;"
for val in none wrong; do
    read -r -a args <<<"$(cc_args sclient "$val")"
    cell "cc-nginx-aes-$val-sclient-tls12" "$(cc_exp $val)" "ok" "http" "" \
        "nginx (AES) requires a client certificate; $(cc_desc $val); s_client TLS 1.2: handshake completes, the 400 is encrypted (undecidable: ok acceptable)" \
        -- sclient 12 alert "${args[@]}"
done
read -r -a args <<<"$(cc_args curlc right)"
cell "cc-nginx-aes-right-curl-tls13" ok "" "t13" "" \
    "nginx (AES) requires a client certificate; $(cc_desc right); curl TLS 1.3" -- curlc 13 alert "${args[@]}"
stop_server
# the HTTP.sys stand-in with preauthentication
next_ip; standin_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" --client-ca "$P/client-ca.pem"
PYAPP=(--app iphttps --ciphers "$NULL_SUITES")
cc_cells standin 12 "" " (IP-HTTPS-like, NULL-only)" pyc
PYAPP=()
stop_server

# --- TLS interception: squid ssl-bump (re-signs with inspect-ca) -------------------------
SQ=$WORK/squid-bump
mkdir -p "$SQ"
printf '%s %s\n' "$ORIGIN_IP" "$DA" >"$SQ/hosts"
cp "$P/inspect-ca.pem" "$P/inspect-ca.key" "$P/root.pem" "$SQ/"
/usr/lib/squid/security_file_certgen -c -s "$SQ/ssldb" -M 4MB >"$L/certgen" 2>&1
cat >"$SQ/squid.conf" <<EOT
http_port $PROXY ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=$SQ/inspect-ca.pem tls-key=$SQ/inspect-ca.key
sslcrtd_program /usr/lib/squid/security_file_certgen -s $SQ/ssldb -M 4MB
sslcrtd_children 1 startup=1 idle=1
tls_outgoing_options cafile=$SQ/root.pem
acl step1 at_step SslBump1
ssl_bump peek step1
ssl_bump bump all
visible_hostname proxy.contoso.test
cache_effective_user proxy
pid_filename $SQ/squid.pid
cache_log $SQ/cache.log
access_log stdio:$SQ/access.log
cache_store_log none
coredump_dir $SQ
netdb_filename none
pinger_enable off
cache deny all
cache_mem 8 MB
hosts_file $SQ/hosts
dns_nameservers 127.0.0.1
shutdown_lifetime 1 seconds
tcp_outgoing_address 127.0.0.4
acl SSL_ports port 443
acl CONNECT method CONNECT
http_access deny CONNECT !SSL_ports
http_access allow CONNECT
http_access deny all
EOT
chown -R proxy: "$SQ"
nginx_srv "$ORIGIN_IP" "$P/leaf-chain.pem" "$P/leaf.key" "TLSv1.2 TLSv1.3" "HIGH:!aNULL:!MD5"
ORIGIN_PID=$SERVER_PID
timeout 300 squid -N -f "$SQ/squid.conf" >"$L/squid" 2>&1 &
SERVER_PID=$!
wait_listen "$PROXY"
DEST=$PROXY
sq_desc="squid ssl-bump in front of nginx (valid chain); the client's leg through CONNECT"
cell squid-curl-tls12-alert tls-inspection "" "cert,v" "" "$sq_desc; curl TLS 1.2 trusting the test root rejects the re-signed chain" \
    -- curlc 12 alert --proxy "http://$PROXY"
cell squid-curl-tls13-alert tls-inspection "" "cert,t13" "" "$sq_desc; curl TLS 1.3 trusting the test root rejects" \
    -- curlc 13 alert --proxy "http://$PROXY"
cell squid-curl-tls12-accept tls-inspection "" "cert,accepted" "" "$sq_desc; curl -k TLS 1.2 carries on (GET answered through the interceptor)" \
    -- curlc 12 accept --proxy "http://$PROXY"
cell squid-sclient-tls12-alert tls-inspection "" "cert,cut" "" "$sq_desc; s_client -proxy TLS 1.2 verifying against the test root" \
    -- sclient 12 alert -proxy "$PROXY"
cell squid-sclient-tls12-trusts-inspect-ca tls-inspection "" "cert,accepted" "" "$sq_desc; s_client trusting inspect-ca (the interceptor's CA is deployed) carries on" \
    -- sclient 12 accept -proxy "$PROXY" -CAfile "$P/inspect-ca.pem" -verify_return_error
cell squid-iphttps-mixed-alert tls-inspection "" "cert,v" "" "$sq_desc; IP-HTTPS-like client NULL + AES, verifying: the interceptor picks AES and re-signs" \
    -- pyc alert 1.2 --proxy "$PROXY" --app iphttps --ciphers "$MIXED_SUITES"
cell squid-iphttps-mixed-silent tls-inspection "" "cert" "" "$sq_desc; IP-HTTPS-like client NULL + AES, closes silently on the re-signed chain" \
    -- pyc silent 1.2 --proxy "$PROXY" --app iphttps --ciphers "$MIXED_SUITES"
cell squid-iphttps-nullonly tls-inspection "null-cipher-rejected,handshake-failed" "" "" "$sq_desc; IP-HTTPS-like client NULL-only: the interceptor has no NULL suite (its certificate is never seen)" \
    -- pyc alert 1.2 --proxy "$PROXY" --app iphttps --ciphers "$NULL_SUITES"
cell squid-py-tls13-accept tls-inspection "" "cert,accepted,t13" "" "$sq_desc; python TLS 1.3 without checks carries on" \
    -- pyc accept 1.3 --proxy "$PROXY"
cell squid-py-tls12-alert tls-inspection "" "cert,noca" "" "$sq_desc; python TLS 1.2 verifying, alert (analyst with and without the CA)" \
    -- pyc alert 1.2 --proxy "$PROXY"
DEST=
stop_server
SERVER_PID=$ORIGIN_PID; stop_server

# --- protocol versions, TCP, non-TLS -------------------------------------------------
next_ip; nginx_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" "TLSv1.2" "HIGH:!aNULL:!MD5"
cell proto-nginx12-sclient-tls10 protocol-version "" "" "" "nginx TLS 1.2 only; s_client TLS 1.0 only (SECLEVEL 0)" \
    -- sclient 10 alert -cipher 'DEFAULT:@SECLEVEL=0'
cell proto-nginx12-curl-tls13 protocol-version "" "" "" "nginx TLS 1.2 only; curl TLS 1.3 only" -- curlc 13 alert
stop_server
cat "$P/leaf-chain.pem" "$P/leaf.key" >"$WORK/hap-ok.pem"
next_ip; haproxy_srv "$NIP" "$WORK/hap-ok.pem" "ssl-max-ver TLSv1.2"
cell proto-haproxy12-gnutls-tls13 protocol-version "" "" "" "haproxy ssl-max-ver TLSv1.2; gnutls-cli TLS 1.3 only" -- gcli 13 alert
stop_server
next_ip; s_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key" -tls1_3
cell proto-sserver13-py-tls12 protocol-version "" "" "" "s_server TLS 1.3 only; python TLS 1.2 only" -- pyc alert 1.2
stop_server
IP=127.0.4.1
cell tcp-refused-curl tcp-refused "" "" "" "nothing listens on 127.0.4.1:443; curl" -- curlc 12 alert
cell tcp-refused-py tcp-refused "" "" "" "nothing listens; the IP-HTTPS-like client" -- pyc alert 1.2 --app iphttps
timeout 15 "$PY" "$GEN/tcp_tools.py" reset-after-hello 127.0.4.2 443 --timeout 10 >"$L/reset" 2>&1 &
SERVER_PID=$!; IP=127.0.4.2; wait_listen 127.0.4.2:443
cell tcp-reset-after-hello-sclient tcp-reset "" "" "" "a middlebox reads the ClientHello and resets (SO_LINGER 0); s_client" -- sclient 12 alert
stop_server
nginx_srv_plain() {
    local ip=$1 d=$WORK/nginx-plain-$1; mkdir -p "$d"
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
    server { listen $ip:${2:-443}; location / { return 200 "plain http\n"; } }
}
EOF
    timeout 300 nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" >"$L/nginx-plain" 2>&1 &
    SERVER_PID=$!; IP=$ip
    wait_listen "$ip:${2:-443}"
}
next_ip; nginx_srv_plain "$NIP"
cell nontls-nginx-plain-sclient non-tls-responder "" "" "" "plain-HTTP nginx on 443; s_client's ClientHello answered by HTTP 400" -- sclient 12 alert
cell nontls-nginx-plain-iphttps non-tls-responder "" "" "" "plain-HTTP nginx on 443; the IP-HTTPS-like client" \
    -- pyc alert 1.2 --app iphttps --ciphers "$NULL_SUITES"
stop_server

# --- general healthy TLS on other ports (IMAPS/SMTPS-like) ---------------------------
s_srv_port() { # IP PORT
    timeout 300 openssl s_server -accept "$1:$2" -www -cert "$P/leaf.pem" -cert_chain "$P/inter.pem" -key "$P/leaf.key" \
        </dev/null >"$L/s_server-$1-$2" 2>&1 &
    SERVER_PID=$!; IP=$1; wait_listen "$1:$2"
}
s_srv_port 127.0.5.1 993
DEST=127.0.5.1:993
cell port993-sclient-ok ok "" "" "-p 993" "TLS on 993 (IMAPS-like), s_server; s_client verifying, GET answered" \
    -- bash -c "{ printf '$GET10'; sleep 1; } | timeout 8 openssl s_client -connect 127.0.5.1:993 -servername $DA -CAfile $P/root.pem -verify_return_error -quiet -no_ign_eof"
cell port993-gnutls-ok ok "" "" "-p 993" "TLS on 993, s_server; gnutls-cli verifying" \
    -- bash -c "{ printf '$GET10'; sleep 1; } | timeout 8 gnutls-cli --port 993 --sni-hostname $DA --verify-hostname $DA --x509cafile $P/root.pem 127.0.5.1"
cell port993-curl-ok ok "" "" "-p 993" "TLS on 993, s_server; curl https://da.contoso.test:993/ verifying" \
    -- curl -sS -o /dev/null --max-time 6 --resolve "$DA:993:127.0.5.1" --cacert "$P/root.pem" "https://$DA:993/"
stop_server
s_srv_port 127.0.5.2 465
DEST=127.0.5.2:465
cell port465-sclient-tls12-ok ok "" "" "-p 465" "TLS on 465 (SMTPS-like), s_server; s_client TLS 1.2" \
    -- bash -c "{ printf '$GET10'; sleep 1; } | timeout 8 openssl s_client -connect 127.0.5.2:465 -tls1_2 -servername $DA -CAfile $P/root.pem -verify_return_error -quiet -no_ign_eof"
cell port465-py-wrongport-default ok "" "onlyports" "" "TLS on 465 with the default ports (443 only): found by content from its ClientHello" \
    -- "$PY" "$MDIR/mclient.py" --connect 127.0.5.2 --port 465 --behaviour alert --cafile "$P/root.pem"
DEST=
stop_server

# --- noise: a client bound to source port 443 ------------------------------------------
nginx_srv_plain 127.0.3.1 80
PLAIN_PID=$SERVER_PID
nginx_srv 127.0.3.2 "$P/leaf-chain.pem" "$P/leaf.key" "TLSv1.2 TLSv1.3" "HIGH:!aNULL:!MD5"
NOISE_TLS=$SERVER_PID
DEST=127.0.3.1:80
cell noise-sport443-http-1 none "" "group=noise-sport443" "" \
    "source port 443 -> 127.0.3.1:80 plain HTTP (a client that happened to get port 443): not a TLS connection to analyse" \
    -- "$PY" "$MDIR/mclient.py" --connect 127.0.3.1 --port 80 --bport 443 --app plain
DEST=127.0.3.2:443; IP=127.0.3.2
cell noise-tls-ok-curl ok "" "group=noise-sport443" "" "nginx valid chain; curl TLS 1.3 GET / (next to the port-443 noise)" -- curlc 13 alert
cell noise-sport443-to-443-ok ok "" "group=noise-sport443" "" \
    "a client bound to source port 443 connecting to nginx:443 (both ports 443; the SYN says who is the client); python TLS 1.2 verifying" \
    -- pyc alert 1.2 --bport 443
DEST=127.0.3.1:80
cell noise-sport443-http-2 none "" "group=noise-sport443" "" "source port 443 -> port 80 plain HTTP again" \
    -- "$PY" "$MDIR/mclient.py" --connect 127.0.3.1 --port 80 --bind 127.0.0.9 --bport 443 --app plain
DEST=127.0.3.2:443
cell noise-tls-wrongname-sclient ok "" "group=noise-sport443" "" "nginx valid chain; s_client TLS 1.2 verifying, GET (next to the noise)" -- sclient 12 alert
DEST=
stop_server
SERVER_PID=$PLAIN_PID; stop_server

# --- replayed browser ClientHellos (from /work/shared/corpus/pcaps) --------------------
if [ -s "$WORK/hellos.txt" ]; then
    next_ip; s_srv "$NIP" "$P/leaf-chain.pem" "$P/leaf.key"
    while read -r hname hver hsni hhex; do
        fl=""; alts=""; [ "$hver" = 13 ] && { fl=t13; }
        # the hello asks for another name than the certificate's: a client closing
        # silently after it may well have judged the name
        [ "$hsni" != "$DA" ] && alts=cert-name-mismatch
        cell "replay-$hname" handshake-failed "$alts" "$fl" "" \
            "the ClientHello of $hname (SNI $hsni, TLS 1.${hver#1} offered) replayed to s_server (valid chain for da.contoso.test); the replayer cannot go on and closes (FIN, no alert) after the server's answer" \
            -- pyc accept any --raw-hello "$hhex" --linger 0.8
    done <"$WORK/hellos.txt"
    stop_server
fi

sleep 1
kill -INT "$TD1" "$TD2" 2>/dev/null || true
wait "$TD1" "$TD2" 2>/dev/null || true
cat "$L/tcpdump-full" "$L/tcpdump-snap" >&2
log "$CELLS cells run"
exit 0
fi

###########################################################################
# Part 2: host side
###########################################################################
[ "$(id -u)" = 0 ] || die "run as root (network namespace, tcpdump)"
for t in openssl nginx haproxy gnutls-serv gnutls-cli curl squid tcpdump tshark ip "$PY"; do
    command -v "$t" >/dev/null 2>&1 || die "$t missing"
done
OUTDIR=${1:-$MDIR/captures}
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
NS=mx$$
WORK=$(mktemp -d /tmp/mxgen.XXXXXX)
chmod 711 "$WORK"
mkdir -p "$WORK/log" "$WORK/pki"
host_cleanup() {
    local rc=$? p
    if ip netns list 2>/dev/null | grep -qw "$NS"; then
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
        sleep 0.5
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
        ip netns del "$NS" 2>/dev/null || true
    fi
    if [ "${TD_KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap host_cleanup EXIT
trap 'exit 130' INT TERM

# --- certificates ------------------------------------------------------------------
P=$WORK/pki
cp "$TOP"/tests/pki/*.pem "$TOP"/tests/pki/*.key "$P/"
DB=$WORK/ca; mkdir -p "$DB/newcerts"; : >"$DB/index.txt"; echo 2000 >"$DB/serial"
cat >"$DB/ca.cnf" <<EOF
[ ca ]
default_ca = mx
[ mx ]
dir = $DB
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = pol_any
unique_subject = no
copy_extensions = none
email_in_dn = no
preserve = yes
[ pol_any ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ ext_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ext_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$DA
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_selfsigned ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$DA
subjectKeyIdentifier = hash
[ ext_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:client1.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
# mint NAME SUBJECT ISSUER(self|NAME) START END EXT
mint() {
    local name=$1 subj=$2 issuer=$3 start=$4 end=$5 ext=$6 sign=()
    openssl req -config "$DB/ca.cnf" -new -newkey rsa:2048 -nodes -subj "$subj" \
        -keyout "$P/$name.key" -out "$DB/$name.csr" 2>/dev/null
    if [ "$issuer" = self ]; then
        sign=(-selfsign -keyfile "$P/$name.key")
    else
        sign=(-cert "$P/$issuer.pem" -keyfile "$P/$issuer.key")
    fi
    openssl ca -config "$DB/ca.cnf" -batch -notext -md sha256 "${sign[@]}" -extensions "$ext" \
        -startdate "$start" -enddate "$end" -in "$DB/$name.csr" -out "$P/$name.pem" 2>"$DB/$name.log" \
        || die "minting $name: $(cat "$DB/$name.log")"
}
mint client-expired "/CN=client1.contoso.test" client-ca 20240101000000Z 20250101000000Z ext_client
mint leaf-selfsigned "/CN=$DA" self 20250101000000Z 20350101000000Z ext_selfsigned
mint other-root "/O=Elsewhere/CN=Other Root CA" self 20240101000000Z 20440101000000Z ext_root
mint leaf-foreign "/CN=$DA" other-root 20250101000000Z 20350101000000Z ext_server
# the interception leaf, minted now (as make-captures.sh's mint_inspected_leaf)
mint leaf-inspected "/CN=$DA" inspect-ca "$(date -u -d '-2 minutes' +%Y%m%d%H%M%SZ)" \
    "$(date -u -d '-2 minutes +1 year' +%Y%m%d%H%M%SZ)" ext_server
cat "$P/leaf-expired.pem" "$P/inter.pem" >"$P/expired-chain.pem"
cat "$P/leaf-notyet.pem" "$P/inter.pem" >"$P/notyet-chain.pem"
cat "$P/leaf-wrongname.pem" "$P/inter.pem" >"$P/wrongname-chain.pem"
cat "$P/leaf-foreign.pem" "$P/other-root.pem" >"$P/foreign-chain.pem"
cat "$P/leaf-inspected.pem" "$P/inspect-ca.pem" >"$P/inspected-chain.pem"
chmod 755 "$P"; chmod 644 "$P"/*

# --- browser ClientHellos from the shared corpus (optional) -----------------------------
CORPUS=${TD_CORPUS:-/work/shared/corpus/pcaps}
: >"$WORK/hellos.txt"
if [ -d "$CORPUS" ]; then
    for f in zeek__chrome-34-google.pcap zeek__tls13draft23-chrome67.0.3368.0-canary.pcap \
             arkime__curl-enabled-tls13.pcap ja4__browsers-x509.pcapng zeek__tls13-ech.pcap; do
        [ -r "$CORPUS/$f" ] || continue
        timeout 20 tshark -r "$CORPUS/$f" -Y 'tls.handshake.type == 1' -T fields \
            -e tcp.payload -e tls.handshake.extensions.supported_version \
            -e tls.handshake.extensions_server_name 2>/dev/null | head -2 |
        "$PY" -c '
import sys
name = sys.argv[1]
for i, line in enumerate(sys.stdin):
    parts = line.rstrip("\n").split("\t")
    hexs = parts[0].replace(":", "")
    b = bytes.fromhex(hexs) if hexs else b""
    # a whole ClientHello record in one segment only
    if len(b) < 9 or b[0] != 22 or b[5] != 1 or int.from_bytes(b[3:5], "big") + 5 != len(b):
        continue
    ver = "13" if "0x0304" in (parts[1] if len(parts) > 1 else "") else "12"
    sni = (parts[2] if len(parts) > 2 else "") or "-"
    print("%s-%d %s %s %s" % (name, i + 1, ver, sni, hexs))
' "$(echo "${f%%.pcap*}" | sed 's/^[a-z0-9-]*__//; s/[^A-Za-z0-9.-]/-/g')" >>"$WORK/hellos.txt" || true
    done
    log "$(wc -l <"$WORK/hellos.txt") browser ClientHellos to replay"
fi

ip netns add "$NS"
log "namespace $NS; generating"
ip netns exec "$NS" bash "$MDIR/gen.sh" --inside "$WORK" &
wait $! || die "the run inside the namespace failed (TD_KEEP_WORK=1 keeps $WORK)"
grep -q '^0 packets dropped by kernel' "$WORK/log/tcpdump-full" || die "tcpdump dropped packets: $(cat "$WORK/log/tcpdump-full")"
grep -q '^0 packets dropped by kernel' "$WORK/log/tcpdump-snap" || die "tcpdump -s 96 dropped packets"
rm -f "$OUTDIR"/*.pcap
"$PY" "$MDIR/pcaptool.py" build "$WORK/full.pcap" "$WORK/snap.pcap" "$WORK/manifest.tsv" "$OUTDIR" \
    "$MDIR/scenarios.tsv"
cp "$WORK/log/cells.log" "$MDIR/gen-cells.log" 2>/dev/null || true
log "captures in $OUTDIR ($(du -sh "$OUTDIR" | cut -f1)); scenarios in $MDIR/scenarios.tsv"
