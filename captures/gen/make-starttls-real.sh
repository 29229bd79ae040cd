#!/bin/sh
# captures/starttls-{ftp,ldap,postgres}*.pcap and socks{4,5}*.pcap: the
# plaintext before TLS between real servers and real clients on loopback
# (issue 12 part 4), on the protocols' own ports, so tlsdiag follows them
# from the SYN (a STARTTLS port) rather than by content.
#   starttls-ftp-vsftpd.pcap           21   vsftpd ssl_enable=YES, s_client -starttls ftp      -> ok
#   starttls-ftp-refused-vsftpd.pcap   21   vsftpd ssl_enable=NO: AUTH TLS answered 530       -> starttls-refused
#   starttls-ldap-slapd.pcap           389  slapd with TLSCertificateFile, ldapsearch -ZZ      -> ok
#   starttls-ldap-refused-slapd.pcap   389  slapd without a certificate: a refusing resultCode -> starttls-refused
#       (expected 52 unavailable; slapd 2.5 says 2 protocolError "unsupported extended operation")
#   starttls-postgres.pcap             5432 postgres ssl=on, psql sslmode=require (SSLRequest) -> ok
#   starttls-postgres-refused.pcap     5432 postgres ssl=off: the SSLRequest answered N       -> starttls-refused
# (The first LDAP and PostgreSQL runs used openssl s_client, whose "hello" after the
# handshake is no LDAP or PostgreSQL: the servers closed on it. Real clients now.)
#   socks5-dante.pcap                  1080 curl --socks5 through danted to openssl s_server  -> ok
#   socks4-dante.pcap                  1080 curl --socks4, the same                           -> ok
#   socks5-refused-dante.pcap          1080 danted's ruleset blocks the target port: reply 2  -> proxy-connect-failed
# Expected verdicts written from the setup above, before the first run.
# Needs (Debian): vsftpd slapd postgresql dante-server curl openssl tcpdump.
# Run from the top of the tree as root; every server and client is bounded
# by timeout:  sh captures/gen/make-starttls-real.sh [NAME ...]
set -eu
top=$(pwd)
W=$(mktemp -d /tmp/tlsdiag-starttls.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
cp tests/pki/leaf-chain.pem tests/pki/leaf.key tests/pki/root.pem "$W/"
want() { [ $# -eq 0 ] || [ -z "$ONLY" ] || case " $ONLY " in *" $1 "*) true ;; *) false ;; esac; }
ONLY="$*"

dump_start() { # name filter
	timeout 20 tcpdump -i lo -s 0 -w "$top/captures/$1.pcap" -U "$2" 2>/dev/null &
	dump=$!
	sleep 1
}
dump_stop() {
	sleep 1
	kill "$dump" 2>/dev/null || true
	wait "$dump" 2>/dev/null || true
}
client() { # proto port
	echo hello | timeout 5 openssl s_client -connect "127.0.0.1:$2" -starttls "$1" \
		-servername da.contoso.test -CAfile "$W/root.pem" -quiet >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- FTP: vsftpd
ftp() { # name ssl(YES|NO)
	want "$1" || return 0
	mkdir -p "$W/empty"
	cat > "$W/vsftpd.conf" <<EOF
listen=YES
listen_address=127.0.0.1
listen_port=21
background=NO
anonymous_enable=YES
local_enable=NO
anon_root=$W/empty
secure_chroot_dir=$W/empty
seccomp_sandbox=NO
ssl_enable=$2
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
rsa_cert_file=$W/leaf-chain.pem
rsa_private_key_file=$W/leaf.key
EOF
	dump_start "$1" "tcp port 21"
	timeout 10 vsftpd "$W/vsftpd.conf" &
	srv=$!
	sleep 1
	client ftp 21
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	dump_stop
}

# ---------------------------------------------------------------- LDAP: slapd
ldap() { # name with-tls(yes|no)
	want "$1" || return 0
	rm -rf "$W/ldapdb"
	mkdir -p "$W/ldapdb"
	{
		echo "include /etc/ldap/schema/core.schema"
		echo "pidfile $W/slapd.pid"
		echo "modulepath /usr/lib/ldap"
		echo "moduleload back_mdb"
		if [ "$2" = yes ]; then
			echo "TLSCertificateFile $W/leaf-chain.pem"
			echo "TLSCertificateKeyFile $W/leaf.key"
		fi
		echo "database mdb"
		echo "suffix \"dc=contoso,dc=test\""
		echo "directory $W/ldapdb"
	} > "$W/slapd.conf"
	dump_start "$1" "tcp port 389"
	timeout 10 slapd -d 0 -f "$W/slapd.conf" -h ldap://127.0.0.1:389/ 2>/dev/null &
	srv=$!
	sleep 1.5
	# A real LDAP client: StartTLS required (-ZZ), then a root DSE search.
	# The certificate names da.contoso.test, not 127.0.0.1: "allow" goes on.
	LDAPTLS_CACERT="$W/root.pem" LDAPTLS_REQCERT=allow timeout 5 ldapsearch -x -ZZ \
		-H ldap://127.0.0.1:389/ -b "" -s base namingContexts >/dev/null 2>&1 || true
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	dump_stop
}

# ---------------------------------------------------------------- PostgreSQL
postgres_run() { # name ssl(on|off)
	want "$1" || return 0
	if [ ! -d "$W/pg/data" ]; then
		mkdir -p "$W/pg"
		cp "$W/leaf-chain.pem" "$W/leaf.key" "$W/pg/"
		chown -R postgres "$W/pg"
		chmod 600 "$W/pg/leaf.key"
		su postgres -s /bin/sh -c "timeout 60 initdb -D $W/pg/data -A trust" >/dev/null
	fi
	su postgres -s /bin/sh -c "timeout 20 pg_ctl -D $W/pg/data -w -t 15 -l $W/pg/log \
		-o '-p 5432 -k $W/pg -c listen_addresses=127.0.0.1 -c ssl=$2 \
		-c ssl_cert_file=$W/pg/leaf-chain.pem -c ssl_key_file=$W/pg/leaf.key' start" >/dev/null
	dump_start "$1" "tcp port 5432"
	# A real PostgreSQL client that insists on TLS (sslmode=require).
	timeout 5 psql "host=127.0.0.1 port=5432 user=postgres dbname=postgres sslmode=require" \
		-c "select 1" >/dev/null 2>&1 || true
	dump_stop
	su postgres -s /bin/sh -c "timeout 20 pg_ctl -D $W/pg/data -w -t 15 -m fast stop" >/dev/null
}

# ---------------------------------------------------------------- SOCKS: danted
socks() { # name curl-option target-port
	want "$1" || return 0
	cat > "$W/danted.conf" <<EOF
logoutput: stderr
internal: 127.0.0.1 port = 1080
external: 127.0.0.1
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks block { from: 0.0.0.0/0 to: 127.0.0.1/32 port = 4434 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
EOF
	# -cert takes the leaf alone: the intermediate goes with -cert_chain (the
	# first run without it gave cert-untrusted, rightly: curl sent unknown_ca).
	timeout 12 openssl s_server -accept 127.0.0.1:4433 -cert "$W/leaf-chain.pem" -cert_chain "$W/leaf-chain.pem" \
		-key "$W/leaf.key" \
		-www -quiet >/dev/null 2>&1 &
	tls=$!
	dump_start "$1" "tcp port 1080"
	timeout 10 danted -f "$W/danted.conf" >/dev/null 2>&1 &
	srv=$!
	sleep 1
	timeout 5 curl -s -o /dev/null "$2" 127.0.0.1:1080 --cacert "$W/root.pem" \
		--resolve "da.contoso.test:$3:127.0.0.1" "https://da.contoso.test:$3/" || true
	kill "$srv" "$tls" 2>/dev/null || true
	wait "$srv" "$tls" 2>/dev/null || true
	dump_stop
}

ftp starttls-ftp-vsftpd YES
ftp starttls-ftp-refused-vsftpd NO
ldap starttls-ldap-slapd yes
ldap starttls-ldap-refused-slapd no
postgres_run starttls-postgres on
postgres_run starttls-postgres-refused off
socks socks5-dante --socks5 4433
socks socks4-dante --socks4 4433
socks socks5-refused-dante --socks5 4434
