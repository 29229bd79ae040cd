#!/bin/sh
# Cross-check (or regenerate) the cipher suite table of src/names.c against
# two independent copies of the IANA names on this machine: OpenSSL's
# "ciphers -stdname" and Wireshark's value strings ("tshark -G values").
#
#   gen-names-check.sh [NAMES_C]         check; TAP on stdout, exit 1 on a mismatch
#   gen-names-check.sh --generate        print the table rows, as checked in
#
# A tool that is not installed is a skip, not a failure. The table was made
# with --generate once (tshark 4.0 and the two AEGIS rows that it lacks) and
# is plain C from then on; this script only guards it against typos and
# drift.
set -u

here=$(dirname "$0")
names_c=${1:-${srcdir:-${SRCDIR:-$here/../..}}/src/names.c}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# The named ranges of the IANA TLS Cipher Suites registry (tls-parameters-4);
# everything else there is reserved, unassigned, GREASE or private use.
iana_ranges='0000-001b 001e-0046 0067-006d 0084-00c7 00ff-00ff 1301-1307 5600-5600
c001-c0b5 c100-c106 cca8-ccae d001-d003 d005-d005'

# "code name" lines, code as 4 lowercase hex digits, from Wireshark.
tshark_suites() {
	tshark -G values 2>/dev/null |
		awk -F '\t' '$1 == "V" && $2 == "tls.handshake.ciphersuite" { printf "%04x %s\n", $3, $4 }'
}

generate() {
	command -v tshark >/dev/null 2>&1 || { echo "tshark is needed to generate" >&2; exit 1; }
	{
		tshark_suites
		# Registered after Wireshark 4.0 was released.
		echo "1306 TLS_AEGIS_256_SHA512"
		echo "1307 TLS_AEGIS_128L_SHA256"
	} | awk -v ranges="$iana_ranges" '
		BEGIN {
			n = split(ranges, r, /[ \n]+/)
			for (i = 1; i <= n; i++) { split(r[i], ab, "-"); lo[i] = ab[1]; hi[i] = ab[2] }
		}
		{
			for (i = 1; i <= n; i++)
				if ($1 >= lo[i] && $1 <= hi[i]) { print; next }
		}' | sort -u | awk '{ printf "\t{ 0x%s, \"%s\" },\n", $1, $2 }'
}

# "code name" lines of the cipher_suites[] table in names_c.
table_suites() {
	awk '/^static const struct name_row cipher_suites\[\] = \{/ { on = 1; next }
	     on && /^\};/ { exit }
	     on && match($0, /\{ 0x[0-9a-f]+, "[^"]+" \}/) {
		row = substr($0, RSTART, RLENGTH)
		gsub(/[{},"]/, " ", row)
		split(row, f, " ")
		printf "%s %s\n", substr(f[1], 3), f[2]
	     }' "$names_c"
}

# Lines of $1 ("code name") whose code is in $2 with another name.
disagree() {
	awk 'NR == FNR { want[$1] = $2; next } ($1 in want) && want[$1] != $2 {
		printf "#   0x%s: table %s, %s %s\n", $1, want[$1], tool, $2 }' tool="$3" "$1" "$2"
}

check() {
	n=0 failed=0
	echo "1..3"
	table_suites >"$tmp/table"
	rows=$(wc -l <"$tmp/table")
	n=$((n + 1))
	if [ "$rows" -ge 350 ]; then
		echo "ok $n - $names_c: $rows cipher suite rows"
	else
		echo "not ok $n - $names_c: only $rows cipher suite rows (table not found?)"
		failed=1
	fi

	n=$((n + 1))
	if command -v openssl >/dev/null 2>&1; then
		openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' 2>/dev/null |
			awk '{ c = $1; gsub(/0x|,/, "", c); print tolower(c), $3 }' >"$tmp/openssl"
		# Every suite OpenSSL knows is in the table, under the same name.
		missing=$(awk 'NR == FNR { have[$1] = 1; next } !($1 in have) { print "#   missing 0x" $1 " " $2 }' \
			"$tmp/table" "$tmp/openssl")
		bad=$(disagree "$tmp/table" "$tmp/openssl" openssl)
		if [ -z "$missing$bad" ]; then
			echo "ok $n - OpenSSL's $(wc -l <"$tmp/openssl") IANA names agree"
		else
			echo "not ok $n - OpenSSL's IANA names disagree"
			printf '%s\n%s\n' "$missing" "$bad" | sed '/^$/d'
			failed=1
		fi
	else
		echo "ok $n # SKIP openssl not installed"
	fi

	n=$((n + 1))
	if command -v tshark >/dev/null 2>&1; then
		tshark_suites >"$tmp/tshark"
		bad=$(disagree "$tmp/table" "$tmp/tshark" tshark)
		if [ -s "$tmp/tshark" ] && [ -z "$bad" ]; then
			echo "ok $n - Wireshark's names agree for every code point it knows"
		else
			echo "not ok $n - Wireshark's names disagree (or tshark -G values gave nothing)"
			[ -n "$bad" ] && printf '%s\n' "$bad"
			failed=1
		fi
	else
		echo "ok $n # SKIP tshark not installed"
	fi
	return "$failed"
}

case ${1:-} in
--generate) generate ;;
-h | --help) sed -n '2,12p' "$0" ;;
*) check ;;
esac
