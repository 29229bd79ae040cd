/* Unit tests for src/names.c: table invariants, lookups, fallbacks, predicates. */
#include "tlsdiag/names.h"

#include <stdint.h>
#include <string.h>

#include "tap.h"

/* Table access defined in src/names.c; to move into names.h with it. */

static const char *const reg_names[TD_REG__COUNT] = {
	[TD_REG_VERSION] = "version",
	[TD_REG_CIPHER_SUITE] = "cipher_suite",
	[TD_REG_EXTENSION] = "extension",
	[TD_REG_GROUP] = "group",
	[TD_REG_SIGALG] = "sigalg",
	[TD_REG_ALERT] = "alert",
	[TD_REG_HANDSHAKE] = "handshake",
	[TD_REG_CONTENT_TYPE] = "content_type",
	[TD_REG_CERT_TYPE] = "cert_type",
	[TD_REG_EC_POINT_FORMAT] = "ec_point_format",
	[TD_REG_COMPRESSION] = "compression",
};

/* The 8-bit registries: their values must fit in a byte. */
static bool reg_is_narrow(enum td_registry reg)
{
	switch (reg) {
	case TD_REG_ALERT:
	case TD_REG_HANDSHAKE:
	case TD_REG_CONTENT_TYPE:
	case TD_REG_CERT_TYPE:
	case TD_REG_EC_POINT_FORMAT:
	case TD_REG_COMPRESSION:
		return true;
	default:
		return false;
	}
}

/* Spelled like a td_name_fmt() fallback ("0x1234", "GREASE(...)", "unknown_12")? */
static bool fallback_shaped(const char *name)
{
	const char *digits = NULL;

	if (strncmp(name, "GREASE", 6) == 0)
		return true;
	if (strncmp(name, "0x", 2) == 0)
		return strspn(name + 2, "0123456789abcdef") == strlen(name + 2);
	if (strncmp(name, "unknown_", 8) == 0)
		digits = name + 8;
	return digits != NULL && digits[0] != '\0' && strspn(digits, "0123456789") == strlen(digits);
}

/* Strictly ascending values: sorted and no duplicate value. */
static void check_sorted(enum td_registry reg)
{
	size_t n = td_name_count(reg), bad = 0;
	uint32_t prev = 0, v;

	for (size_t i = 0; i < n; i++) {
		if (!td_name_at(reg, i, &v, NULL) || (i > 0 && v <= prev)) {
			diag("  %s row %zu: 0x%04x after 0x%04x", reg_names[reg], i, (unsigned)v,
			     (unsigned)prev);
			bad++;
		}
		prev = v;
	}
	ok(n > 0 && bad == 0, "%s: %zu rows, sorted by value, no duplicate value", reg_names[reg], n);
}

/* Names present, unique, not spelled like a fallback, values in range. */
static void check_names(enum td_registry reg)
{
	size_t n = td_name_count(reg), bad = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t v = 0, w;
		const char *name = NULL, *other;

		if (!td_name_at(reg, i, &v, &name) || name == NULL || name[0] == '\0') {
			diag("  %s row %zu: no name", reg_names[reg], i);
			bad++;
			continue;
		}
		if (fallback_shaped(name) || (reg_is_narrow(reg) && v > 0xff) || v > 0xffff) {
			diag("  %s row %zu: bad row 0x%04x \"%s\"", reg_names[reg], i, (unsigned)v, name);
			bad++;
		}
		for (size_t j = i + 1; j < n; j++) {
			if (td_name_at(reg, j, &w, &other) && strcmp(name, other) == 0) {
				diag("  %s: \"%s\" twice (0x%04x, 0x%04x)", reg_names[reg], name, (unsigned)v,
				     (unsigned)w);
				bad++;
			}
		}
	}
	ok(bad == 0, "%s: names present, unique, not fallback-shaped", reg_names[reg]);
}

/* Every row is found by value and by name (reverse lookup). */
static void check_roundtrip(enum td_registry reg)
{
	size_t n = td_name_count(reg), bad = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t v = 0, back = 0xffffffffu;
		const char *name = NULL;

		(void)td_name_at(reg, i, &v, &name);
		if (td_name(reg, v) != name || !td_name_value(reg, name, &back) || back != v) {
			diag("  %s: row 0x%04x \"%s\" does not round-trip", reg_names[reg], (unsigned)v,
			     name ? name : "(null)");
			bad++;
		}
	}
	ok(bad == 0, "%s: every row found by value and by name", reg_names[reg]);
}

/* Every value, in the table or not (and past 16 bits), gets the name the
 * table gives it, or none: td_name looks values up through an index by
 * high and low byte, which must agree with the rows. */
static void check_every_value(enum td_registry reg)
{
	static const char *want[0x20000];
	size_t n = td_name_count(reg), bad = 0;

	memset(want, 0, sizeof(want));
	for (size_t i = 0; i < n; i++) {
		uint32_t v = 0;
		const char *name = NULL;
		(void)td_name_at(reg, i, &v, &name);
		want[v] = name;
	}
	for (uint32_t v = 0; v < 0x20000; v++) {
		if (td_name(reg, v) != want[v]) {
			if (bad++ < 5)
				diag("  %s: 0x%05x gives \"%s\", the table \"%s\"", reg_names[reg], (unsigned)v,
				     td_name(reg, v) ? td_name(reg, v) : "(none)", want[v] ? want[v] : "(none)");
		}
	}
	if (td_name(reg, 0xffffffffu) != NULL)
		bad++;
	ok(bad == 0, "%s: all 131,072 values and 0xffffffff looked up as the table says", reg_names[reg]);
}

static void test_tables(void)
{
	for (int r = 0; r < TD_REG__COUNT; r++) {
		check_sorted((enum td_registry)r);
		check_names((enum td_registry)r);
		check_roundtrip((enum td_registry)r);
		check_every_value((enum td_registry)r);
	}
	ok(td_name_count(TD_REG_CIPHER_SUITE) >= 350, "cipher suites: the whole IANA registry (%zu rows)",
	   td_name_count(TD_REG_CIPHER_SUITE));
	is_int(td_name_count(TD_REG__COUNT), 0, "no table for an out-of-range registry");
	ok(!td_name_at(TD_REG_ALERT, td_name_count(TD_REG_ALERT), NULL, NULL), "td_name_at past the end");
}

static void test_known(void)
{
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x0000), "TLS_NULL_WITH_NULL_NULL", "0x0000");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x0002), "TLS_RSA_WITH_NULL_SHA", "0x0002");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x003b), "TLS_RSA_WITH_NULL_SHA256", "0x003b");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x002f), "TLS_RSA_WITH_AES_128_CBC_SHA", "0x002f");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x00ff), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "0x00ff");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x1301), "TLS_AES_128_GCM_SHA256", "0x1301");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x5600), "TLS_FALLBACK_SCSV", "0x5600");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "0xc02f");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0xcca8), "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	       "0xcca8");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0xd005), "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", "0xd005");
	is_str(td_name(TD_REG_VERSION, 0x0002), "SSLv2", "version 0x0002");
	is_str(td_name(TD_REG_VERSION, 0x0303), "TLSv1.2", "version 0x0303");
	is_str(td_name(TD_REG_VERSION, 0x0304), "TLSv1.3", "version 0x0304");
	is_str(td_name(TD_REG_EXTENSION, 0), "server_name", "extension 0");
	is_str(td_name(TD_REG_EXTENSION, 16), "application_layer_protocol_negotiation", "extension 16");
	is_str(td_name(TD_REG_EXTENSION, 0x3374), "next_protocol_negotiation", "extension 0x3374");
	is_str(td_name(TD_REG_EXTENSION, 0x4469), "application_settings", "extension 0x4469");
	is_str(td_name(TD_REG_EXTENSION, 0xfe0d), "encrypted_client_hello", "extension 0xfe0d");
	is_str(td_name(TD_REG_EXTENSION, 0xff01), "renegotiation_info", "extension 0xff01");
	is_str(td_name(TD_REG_GROUP, 23), "secp256r1", "group 23");
	is_str(td_name(TD_REG_GROUP, 29), "x25519", "group 29");
	is_str(td_name(TD_REG_GROUP, 256), "ffdhe2048", "group 256");
	is_str(td_name(TD_REG_GROUP, 0x11ec), "X25519MLKEM768", "group 0x11ec");
	is_str(td_name(TD_REG_GROUP, 0x6399), "X25519Kyber768Draft00", "group 0x6399");
	is_str(td_name(TD_REG_SIGALG, 0x0101), "rsa_pkcs1_md5", "sigalg 0x0101");
	is_str(td_name(TD_REG_SIGALG, 0x0402), "dsa_sha256", "sigalg 0x0402");
	is_str(td_name(TD_REG_SIGALG, 0x0403), "ecdsa_secp256r1_sha256", "sigalg 0x0403");
	is_str(td_name(TD_REG_SIGALG, 0x0804), "rsa_pss_rsae_sha256", "sigalg 0x0804");
	is_str(td_name(TD_REG_SIGALG, 0x0807), "ed25519", "sigalg 0x0807");
	is_str(td_name(TD_REG_ALERT, 40), "handshake_failure", "alert 40");
	is_str(td_name(TD_REG_ALERT, 48), "unknown_ca", "alert 48");
	is_str(td_name(TD_REG_ALERT, 120), "no_application_protocol", "alert 120");
	is_str(td_name(TD_REG_HANDSHAKE, 1), "client_hello", "handshake 1");
	is_str(td_name(TD_REG_HANDSHAKE, 254), "message_hash", "handshake 254");
	is_str(td_name(TD_REG_CONTENT_TYPE, 23), "application_data", "content type 23");
	is_str(td_name(TD_REG_CONTENT_TYPE, 25), "tls12_cid", "content type 25");
	is_str(td_name(TD_REG_CERT_TYPE, 64), "ecdsa_sign", "cert type 64");
	is_str(td_name(TD_REG_EC_POINT_FORMAT, 0), "uncompressed", "ec point format 0");
	is_str(td_name(TD_REG_COMPRESSION, 1), "DEFLATE", "compression 1");
	is_str(td_name(TD_REG_COMPRESSION, 64), "LZS", "compression 64");
}

static void test_unknown(void)
{
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x0a0a), NULL, "GREASE suite has no name");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x0060), NULL, "reserved suite 0x0060 has no name");
	is_str(td_name(TD_REG_ALERT, 255), NULL, "alert 255 has no name");
	is_str(td_name(TD_REG_CIPHER_SUITE, 0x10002), NULL, "value beyond 16 bits has no name");
	is_str(td_name(TD_REG__COUNT, 0), NULL, "out-of-range registry has no names");
	is_str(td_name((enum td_registry)-1, 0), NULL, "negative registry has no names");
}

static void test_fmt(void)
{
	char buf[32];
	const char *s;

	s = td_name_fmt(TD_REG_CIPHER_SUITE, 0x0002, buf, sizeof buf);
	is_str(s, "TLS_RSA_WITH_NULL_SHA", "fmt: known name");
	ok(s != buf, "fmt: known name is the table's string, buf untouched");
	is_str(td_name_fmt(TD_REG_CIPHER_SUITE, 0x1234, buf, sizeof buf), "0x1234", "fmt: unknown suite");
	is_str(td_name_fmt(TD_REG_EXTENSION, 0x00ff, buf, sizeof buf), "0x00ff", "fmt: unknown extension");
	is_str(td_name_fmt(TD_REG_VERSION, 0x0a0a, buf, sizeof buf), "GREASE(0x0a0a)", "fmt: GREASE version");
	is_str(td_name_fmt(TD_REG_GROUP, 0xfafa, buf, sizeof buf), "GREASE(0xfafa)", "fmt: GREASE group");
	is_str(td_name_fmt(TD_REG_SIGALG, 0x1a1a, buf, sizeof buf), "GREASE(0x1a1a)", "fmt: GREASE sigalg");
	is_str(td_name_fmt(TD_REG_ALERT, 255, buf, sizeof buf), "unknown_255", "fmt: unknown alert");
	is_str(td_name_fmt(TD_REG_HANDSHAKE, 99, buf, sizeof buf), "unknown_99", "fmt: unknown handshake");
	is_str(td_name_fmt(TD_REG_CONTENT_TYPE, 0, buf, sizeof buf), "unknown_0", "fmt: unknown content type");
	is_str(td_name_fmt(TD_REG_CERT_TYPE, 7, buf, sizeof buf), "unknown_7", "fmt: unknown cert type");
	is_str(td_name_fmt(TD_REG_EC_POINT_FORMAT, 3, buf, sizeof buf), "unknown_3", "fmt: unknown ec format");
	is_str(td_name_fmt(TD_REG_COMPRESSION, 2, buf, sizeof buf), "unknown_2", "fmt: unknown compression");
	is_str(td_name_fmt(TD_REG_ALERT, 0x0a0a, buf, sizeof buf), "unknown_2570",
	       "fmt: no GREASE spelling in 8-bit registries");
	is_str(td_name_fmt(TD_REG_CIPHER_SUITE, 0x12345, buf, sizeof buf), "0x12345", "fmt: beyond 16 bits");
	is_str(td_name_fmt(TD_REG__COUNT, 7, buf, sizeof buf), "0x0007", "fmt: out-of-range registry");
	is_str(td_name_fmt(TD_REG_CIPHER_SUITE, 0x1234, buf, 0), "", "fmt: buflen 0 gives \"\"");
	is_str(td_name_fmt(TD_REG_CIPHER_SUITE, 0x1234, NULL, 8), "", "fmt: NULL buf gives \"\"");
	is_str(td_name_fmt(TD_REG_CIPHER_SUITE, 0x0002, NULL, 0), "TLS_RSA_WITH_NULL_SHA",
	       "fmt: known name needs no buf");
}

/* Every short buffer holds a NUL-terminated prefix of the full fallback. */
static void test_fmt_truncation(void)
{
	const char *full = "GREASE(0xcaca)";
	size_t bad = 0;

	for (size_t len = 1; len <= strlen(full) + 1; len++) {
		char buf[32];

		memset(buf, 'X', sizeof buf);
		(void)td_name_fmt(TD_REG_CIPHER_SUITE, 0xcaca, buf, len);
		size_t want = len - 1 < strlen(full) ? len - 1 : strlen(full);

		if (memchr(buf, '\0', len) == NULL || strlen(buf) != want ||
		    strncmp(buf, full, want) != 0 || buf[len] != 'X')
			bad++;
	}
	is_int(bad, 0, "fmt: every buflen from 1 to %zu keeps a terminated prefix, no overrun",
	       strlen(full) + 1);
}

static void test_reverse(void)
{
	uint32_t v = 0;

	ok(td_name_value(TD_REG_CIPHER_SUITE, "TLS_RSA_WITH_NULL_SHA", &v) && v == 0x0002,
	   "reverse: TLS_RSA_WITH_NULL_SHA = 0x0002");
	ok(td_name_value(TD_REG_CIPHER_SUITE, "TLS_RSA_WITH_NULL_SHA256", &v) && v == 0x003b,
	   "reverse: TLS_RSA_WITH_NULL_SHA256 = 0x003b");
	ok(td_name_value(TD_REG_ALERT, "handshake_failure", &v) && v == 40, "reverse: handshake_failure = 40");
	ok(td_name_value(TD_REG_VERSION, "TLSv1.0", &v) && v == 0x0301, "reverse: TLSv1.0 = 0x0301");
	ok(td_name_value(TD_REG_GROUP, "x25519", &v) && v == 29, "reverse: x25519 = 29");
	ok(td_name_value(TD_REG_ALERT, "unknown_ca", NULL), "reverse: value pointer may be NULL");
	ok(!td_name_value(TD_REG_ALERT, "Handshake_Failure", &v), "reverse: case-sensitive");
	ok(!td_name_value(TD_REG_ALERT, "handshake_failur", &v), "reverse: no prefix match");
	ok(!td_name_value(TD_REG_ALERT, "TLS_RSA_WITH_NULL_SHA", &v), "reverse: per registry");
	ok(!td_name_value(TD_REG_ALERT, NULL, &v), "reverse: NULL name");
	ok(!td_name_value(TD_REG__COUNT, "handshake_failure", &v), "reverse: out-of-range registry");
	ok(!td_name_value(TD_REG_CIPHER_SUITE, "0x0002", &v), "reverse: fallback spelling is not a name");
	ok(fallback_shaped("unknown_12") && fallback_shaped("0x00ff") && !fallback_shaped("unknown_ca"),
	   "fallback shape: unknown_12 and 0x00ff are, unknown_ca is not");
}

static void test_grease(void)
{
	static const uint16_t grease[16] = { 0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a,
					     0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba,
					     0xcaca, 0xdada, 0xeaea, 0xfafa };
	static const uint16_t not_grease[] = { 0x0000, 0x0a0b, 0x0b0a, 0x0a1a, 0x1a0a, 0x0aaa,
					       0xaa0a, 0x2a3a, 0xfafb, 0xfbfa, 0xffff, 0x1301,
					       0xeded, 0xeeee, 0xefef };
	size_t count = 0;

	for (size_t i = 0; i < 16; i++)
		ok(td_is_grease(grease[i]), "GREASE 0x%04x", grease[i]);
	for (size_t i = 0; i < sizeof not_grease / sizeof not_grease[0]; i++)
		ok(!td_is_grease(not_grease[i]), "not GREASE 0x%04x", not_grease[i]);
	for (uint32_t v = 0; v <= 0xffff; v++)
		count += td_is_grease((uint16_t)v);
	is_int(count, 16, "exactly 16 GREASE values in 16 bits");
}

static void test_suites(void)
{
	static const uint16_t null_yes[] = { 0x0000, 0x0001, 0x0002, 0x002c, 0x002d, 0x002e, 0x003b,
					     0x00b0, 0xc001, 0xc006, 0xc010, 0xc015, 0xc039, 0xc0b4 };
	static const uint16_t null_no[] = { 0x002f, 0x0035, 0x009c, 0x1301, 0xc02f, 0x00ff, 0x5600,
					    0x1234, 0x0a0a };
	static const uint16_t dhe_yes[] = { 0x0011, 0x0033, 0x0039, 0x009e, 0x00aa, 0xc0aa, 0xccaa };
	static const uint16_t dhe_no[] = { 0xc02f, 0xc013, 0xccac, 0x002f, 0x0034, 0x0030, 0x1301,
					   0x1234 };
	static const uint16_t anon_yes[] = { 0x0017, 0x0018, 0x0034, 0x00a6, 0xc015, 0xc019 };
	static const uint16_t anon_no[] = { 0x002f, 0x0033, 0xc02f, 0x0000, 0x1234 };
	size_t unnamed = 0;

	for (size_t i = 0; i < sizeof null_yes / sizeof null_yes[0]; i++)
		ok(td_suite_is_null(null_yes[i]), "NULL cipher 0x%04x", null_yes[i]);
	for (size_t i = 0; i < sizeof null_no / sizeof null_no[0]; i++)
		ok(!td_suite_is_null(null_no[i]), "not NULL cipher 0x%04x", null_no[i]);
	for (size_t i = 0; i < sizeof dhe_yes / sizeof dhe_yes[0]; i++)
		ok(td_suite_is_dhe(dhe_yes[i]), "DHE 0x%04x", dhe_yes[i]);
	for (size_t i = 0; i < sizeof dhe_no / sizeof dhe_no[0]; i++)
		ok(!td_suite_is_dhe(dhe_no[i]), "not DHE 0x%04x", dhe_no[i]);
	for (size_t i = 0; i < sizeof anon_yes / sizeof anon_yes[0]; i++)
		ok(td_suite_is_anon(anon_yes[i]), "anon 0x%04x", anon_yes[i]);
	for (size_t i = 0; i < sizeof anon_no / sizeof anon_no[0]; i++)
		ok(!td_suite_is_anon(anon_no[i]), "not anon 0x%04x", anon_no[i]);
	for (uint32_t v = 0; v <= 0xffff; v++) {
		uint16_t s = (uint16_t)v;

		if ((td_suite_is_null(s) || td_suite_is_dhe(s) || td_suite_is_anon(s)) &&
		    td_name(TD_REG_CIPHER_SUITE, s) == NULL)
			unnamed++;
	}
	is_int(unnamed, 0, "suite predicates are false for every unnamed value");
}

int main(void)
{
	test_tables();
	test_known();
	test_unknown();
	test_fmt();
	test_fmt_truncation();
	test_reverse();
	test_grease();
	test_suites();
	return done_testing();
}
