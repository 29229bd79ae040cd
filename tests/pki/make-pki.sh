#!/usr/bin/env bash
# make-pki.sh - (re)create tlsdiag's committed test PKI in tests/pki/.
#
# Usage: tests/pki/make-pki.sh [OUTDIR]        (default OUTDIR: the directory of this script)
#
# Needs only bash and the openssl CLI (written for OpenSSL 3.0). Every private key
# written here is a THROWAWAY TEST KEY, committed on purpose; never use one for anything
# but tlsdiag's tests.
#
# Deterministic: the names, serial numbers, validity dates and extensions are the same on
# every run (the serials come from a fixed issuing order). Only the keys, and so the
# signatures and key identifiers, change from run to run.
#
# Every certificate, self-signed ones included, is issued with 'openssl ca' (with
# -selfsign for the roots), because OpenSSL 3.0's 'req -x509' and 'x509 -req' cannot set
# an arbitrary notBefore. RSA 2048 and SHA-256 everywhere, except leaf-ecdsa (P-256 key,
# still signed by the RSA issuing CA with sha256WithRSAEncryption).
#
# The interception leaf (leaf-inspected) is NOT made here: captures/gen/make-captures.sh
# mints it at capture time with inspect-ca, with notBefore = capture time minus 2 minutes,
# as a TLS-inspecting firewall does (see mint_inspected_leaf there).
set -euo pipefail

OUT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

command -v openssl >/dev/null || { echo "make-pki.sh: openssl not found (apt-get install openssl)" >&2; exit 1; }

# The CA database (index, serial, copies of issued certs) lives in a temp dir and is thrown
# away: only the PEM files below go to OUT.
DB=$(mktemp -d /tmp/tdpki.XXXXXX)
trap 'rm -rf "$DB"' EXIT
mkdir -p "$DB/newcerts"
: >"$DB/index.txt"
echo 1000 >"$DB/serial"

CNF=$DB/pki.cnf
cat >"$CNF" <<EOF
[ ca ]
default_ca = tdca
[ tdca ]
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
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused

# --- CAs ---------------------------------------------------------------
[ ext_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ext_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# The interception CA of a TLS-inspecting firewall (FortiGate "Fortinet_CA_SSL" style).
[ ext_inspect_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash

# --- server leaves (digitalSignature + keyEncipherment: RSA key transport, needed by the
# --- NULL suites IP-HTTPS uses) ----------------------------------------
[ ext_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:da.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_leaf_multisan ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:vpn.contoso.test, DNS:da.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_leaf_wildcard ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_leaf_wrongname ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.fabrikam.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# ECDSA key: no keyEncipherment (an EC key cannot do RSA key transport).
[ ext_leaf_ecdsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:da.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# Self-signed device certificate of a firewall (FortiGate factory-certificate style): no SAN.
[ ext_appliance ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash

# --- client certificates -----------------------------------------------
[ ext_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:client1.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_client_noeku ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:client1.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

die() { echo "make-pki.sh: $*" >&2; exit 1; }

# newkey NAME [rsa|ec]: key + CSR (the CSR subject is set again by 'openssl ca -subj').
newkey() {
    local name=$1 kind=${2:-rsa}
    if [ "$kind" = ec ]; then
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
            -pkeyopt ec_param_enc:named_curve -out "$OUT/$name.key" 2>/dev/null
    else
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/$name.key" 2>/dev/null
    fi
    openssl req -config "$CNF" -new -sha256 -key "$OUT/$name.key" -out "$DB/$name.csr"
}

# issue NAME SUBJECT ISSUER EXT START END [rsa|ec]
#   ISSUER "self" makes a self-signed certificate (openssl ca -selfsign).
issue() {
    local name=$1 subj=$2 issuer=$3 ext=$4 start=$5 end=$6 kind=${7:-rsa}
    local signer=(-cert "$OUT/$issuer.pem" -keyfile "$OUT/$issuer.key")
    newkey "$name" "$kind"
    [ "$issuer" = self ] && signer=(-selfsign -keyfile "$OUT/$name.key")
    openssl ca -config "$CNF" -batch -notext -md sha256 "${signer[@]}" -subj "$subj" \
        -extensions "$ext" -startdate "$start" -enddate "$end" \
        -in "$DB/$name.csr" -out "$OUT/$name.pem" 2>"$DB/$name.log" \
        || die "openssl ca failed for $name: $(cat "$DB/$name.log")"
}

# --- Test Root CA and Issuing CA ---------------------------------------
issue root  "/O=tlsdiag Test/CN=tlsdiag Test Root CA"    self ext_root  20240101000000Z 20440101000000Z
issue inter "/O=tlsdiag Test/CN=tlsdiag Test Issuing CA" root ext_inter 20240101000000Z 20390101000000Z

# --- server leaves, all by the Issuing CA ------------------------------
DA="/CN=da.contoso.test"
issue leaf           "$DA"                 inter ext_leaf           20250101000000Z 20350101000000Z
issue leaf-multisan  "$DA"                 inter ext_leaf_multisan  20250101000000Z 20350101000000Z
issue leaf-wildcard  "/CN=*.contoso.test"  inter ext_leaf_wildcard  20250101000000Z 20350101000000Z
issue leaf-wrongname "/CN=www.fabrikam.test" inter ext_leaf_wrongname 20250101000000Z 20350101000000Z
issue leaf-expired   "$DA"                 inter ext_leaf           20240101000000Z 20250101000000Z
issue leaf-notyet    "$DA"                 inter ext_leaf           20300101000000Z 20310101000000Z
issue leaf-ecdsa     "$DA"                 inter ext_leaf_ecdsa     20250101000000Z 20350101000000Z ec

# What a correctly configured server sends: leaf, then the Issuing CA (never the root).
cat "$OUT/leaf.pem" "$OUT/inter.pem" >"$OUT/leaf-chain.pem"

# --- the firewall's own certificates -----------------------------------
issue selfsigned-appliance "/O=Fortinet Ltd./OU=FortiGate/CN=FG100F3G19000000" self ext_appliance \
    20250101000000Z 20350101000000Z
issue inspect-ca "/O=Fortinet Ltd./OU=FortiGate/CN=Fortinet_CA_SSL" self ext_inspect_ca \
    20240101000000Z 20340101000000Z

# --- client certificates (IP-HTTPS preauthentication) -------------------
issue client-ca      "/O=tlsdiag Test/CN=tlsdiag Client CA" self      ext_root         20240101000000Z 20440101000000Z
issue client         "/CN=client1.contoso.test"             client-ca ext_client       20250101000000Z 20350101000000Z
issue client-noeku   "/CN=client1.contoso.test"             client-ca ext_client_noeku 20250101000000Z 20350101000000Z
issue foreign-ca     "/O=Elsewhere/CN=Foreign Client CA"    self      ext_root         20240101000000Z 20440101000000Z
issue client-foreign "/CN=client1.contoso.test"             foreign-ca ext_client      20250101000000Z 20350101000000Z

# Keys are world-readable on purpose (test keys; servers run as other users, e.g. squid).
chmod 644 "$OUT"/*.key "$OUT"/*.pem

# Self-check: each certificate verifies against its own anchor (dates not checked here:
# leaf-expired and leaf-notyet are outside their validity on purpose).
v() { openssl verify -no_check_time "$@" >/dev/null || die "self-check failed: $*"; }
for c in leaf leaf-multisan leaf-wildcard leaf-wrongname leaf-expired leaf-notyet leaf-ecdsa; do
    v -CAfile "$OUT/root.pem" -untrusted "$OUT/inter.pem" -purpose sslserver "$OUT/$c.pem"
done
v -CAfile "$OUT/root.pem" -untrusted "$OUT/inter.pem" "$OUT/leaf-chain.pem"
v -CAfile "$OUT/client-ca.pem" -purpose sslclient "$OUT/client.pem"
v -CAfile "$OUT/foreign-ca.pem" -purpose sslclient "$OUT/client-foreign.pem"
v -CAfile "$OUT/selfsigned-appliance.pem" "$OUT/selfsigned-appliance.pem"
echo "make-pki.sh: test PKI written to $OUT" >&2
