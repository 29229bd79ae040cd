/*
 * Unit tests for the join keys of the JSON output: Community ID
 * (src/report_community_id.c), the connection uid and the ISO 8601 time
 * (src/report_uid.c), JA4S (src/fingerprint_ja4s.c), JA4X
 * (src/x509_ja4x.c) and the certificate records' dedup (report_json_cert.c).
 *
 * Community ID: the published test vectors of the specification
 * (corelight/community-id-spec, baseline/baseline_data: TCP
 * 128.232.110.120:34855 -> 66.35.250.204:80 is 1:LQU9qZlK+B5F3KDmev6m5PMibrg=
 * with seed 0 and 1:3V71V58M3Ksw/yuFALMcW0LAHvc= with seed 1, either way
 * round); the IPv6 value was computed with Python's hashlib from the spec's
 * definition. JA4S and JA4X expectations were computed independently in
 * Python (hashlib over the spec's strings; JA4X from a stdlib DER walk of
 * tests/pki/leaf.pem and inter.pem).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tlsdiag/fingerprint.h"
#include "tlsdiag/jsonw.h"
#include "tlsdiag/report.h"
#include "tlsdiag/report_ids.h"
#include "tlsdiag/x509.h"
#include "tap.h"

static struct td_ip ip(const char *s)
{
	struct td_ip a;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, a.addr) == 1)
		a.family = 4;
	else if (inet_pton(AF_INET6, s, a.addr) == 1)
		a.family = 6;
	return a;
}

static void community_id(void)
{
	char out[TD_COMMUNITY_ID_MAX];
	struct td_ip a = ip("128.232.110.120"), b = ip("66.35.250.204");
	td_community_id(&a, 34855, &b, 80, 6, 0, out);
	is_str(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "community id: spec vector, TCP, seed 0");
	td_community_id(&b, 80, &a, 34855, 6, 0, out);
	is_str(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "community id: the same the other way round");
	td_community_id(&a, 34855, &b, 80, 6, 1, out);
	is_str(out, "1:3V71V58M3Ksw/yuFALMcW0LAHvc=", "community id: spec vector, TCP, seed 1");
	struct td_ip c = ip("127.0.0.1"), d = ip("127.0.0.2");
	td_community_id(&c, 39411, &d, 443, 6, 0, out);
	is_str(out, "1:g4yU6bccYA0LDHKrhe43RGJDRH8=", "community id: loopback pair of the captures");
	/* Same address: the smaller port comes first. */
	td_community_id(&c, 443, &c, 39411, 6, 0, out);
	char again[TD_COMMUNITY_ID_MAX];
	td_community_id(&c, 39411, &c, 443, 6, 0, again);
	is_str(out, again, "community id: same address, ordered by port");
	struct td_ip e = ip("2001:db8::1"), f = ip("2001:db8::2");
	td_community_id(&f, 443, &e, 50000, 6, 0, out);
	is_str(out, "1:YXqXufkGr4i6TbJJYF83fvyDLZ8=", "community id: IPv6");
	td_community_id(&c, 1, &e, 2, 6, 0, out);
	is_str(out, "", "community id: mixed families give none");
}

static void uid(void)
{
	struct td_tcp_facts t;
	char u1[TD_UID_MAX], u2[TD_UID_MAX];
	memset(&t, 0, sizeof(t));
	t.client_ip = ip("127.0.0.1");
	t.server_ip = ip("127.0.0.2");
	t.client_port = 39411;
	t.server_port = 443;
	t.first_ts = 1795458909.808467;
	td_conn_uid(&t, u1);
	td_conn_uid(&t, u2);
	is_str(u1, u2, "uid: deterministic");
	is_int(strlen(u1), 18, "uid: C and 17 digits");
	ok(u1[0] == 'C' && strspn(u1 + 1, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 17,
	   "uid: base62 (%s)", u1);
	is_str(u1, "C1H6g3SJDRgNxTuGeU", "uid: the documented derivation");
	t.client_port = 39412;
	td_conn_uid(&t, u2);
	ok(strcmp(u1, u2) != 0, "uid: another port, another uid");
	t.client_port = 39411;
	t.first_ts += 0.000001;
	td_conn_uid(&t, u2);
	ok(strcmp(u1, u2) != 0, "uid: a microsecond later, another uid");
	t.first_ts = 9.3e18; /* hostile time stamps saturate, no UB */
	td_conn_uid(&t, u2);
	is_int(strlen(u2), 18, "uid: a time past 2^63 us");
}

/* What td_iso_time_us wrote with gmtime_r, strftime and printf. */
static void iso_reference(double t, char *buf, size_t len)
{
	int64_t us = (int64_t)llround(t * 1e6);
	int64_t sec = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	struct tm tm;
	time_t tt = (time_t)sec;
	char day[32];
	if (!gmtime_r(&tt, &tm) || !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, len, "%lld", (long long)sec);
	else
		snprintf(buf, len, "%s.%06lldZ", day, (long long)frac);
}

/* Random times of years 1 to 9999, with microseconds, and buffers cut short. */
static void iso_times_as_strftime(void)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	int bad = 0;
	for (int i = 0; i < 200000 && bad < 5; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double t = -62135596800.0 + (double)(x % 315537897600000000ull) / 1e6;
		char want[48], got[48];
		size_t len = i % 10 == 0 ? (size_t)(x >> 58) % 30 + 1 : sizeof(want);
		iso_reference(t, want, len);
		td_iso_time_us(t, got, len);
		if (strcmp(want, got) != 0 && bad++ < 5)
			diag("%.6f in %zu bytes: reference %s, td_iso_time_us %s", t, len, want, got);
	}
	ok(bad == 0, "iso times with microseconds, years 1 to 9999: as gmtime_r, strftime and printf");
}

static void iso_time(void)
{
	char b[48];
	td_iso_time_us(1795458909.808467, b, sizeof(b));
	is_str(b, "2026-11-23T18:35:09.808467Z", "iso time with microseconds");
	td_iso_time_us(0, b, sizeof(b));
	is_str(b, "1970-01-01T00:00:00.000000Z", "iso time: the epoch");
	td_iso_time_us(-0.5, b, sizeof(b));
	is_str(b, "1969-12-31T23:59:59.500000Z", "iso time: before 1970");
	td_iso_time_us(1.9999996, b, sizeof(b));
	is_str(b, "1970-01-01T00:00:02.000000Z", "iso time: rounding carries into the second");
	td_iso_time_us(9.3e18, b, sizeof(b));
	is_str(b, "9300000000000000000", "iso time: past year 9999, the seconds");
	iso_times_as_strftime();
}

static void ja4s(void)
{
	char out[TD_JA4_MAX];
	static const uint16_t e13[] = { 0x002b, 0x0033 };
	struct td_fp_server s13 = { .legacy_version = 0x0303, .selected_version = 0x0304, .suite = 0x1302,
				    .exts = e13, .n_exts = 2 };
	td_ja4s(&s13, out);
	is_str(out, "t130200_1302_a56c5b993250", "ja4s: TLS 1.3, no ALPN");
	static const uint16_t e12[] = { 0xff01, 0x0000, 0x000b, 0x0010 };
	struct td_fp_server s12 = { .legacy_version = 0x0303, .suite = 0xc030, .exts = e12, .n_exts = 4,
				    .alpn = "h2", .alpn_len = 2 };
	td_ja4s(&s12, out);
	is_str(out, "t1204h2_c030_7cc3d1d7f9b5", "ja4s: TLS 1.2, h2 (extensions in wire order)");
	static const uint16_t e11[] = { 0xff01, 0x0017, 0x0010 };
	struct td_fp_server s11 = { .legacy_version = 0x0303, .suite = 0xc02f, .exts = e11, .n_exts = 3,
				    .alpn = "http/1.1", .alpn_len = 8 };
	td_ja4s(&s11, out);
	is_str(out, "t1203h1_c02f_3a8a4dba2f3a", "ja4s: http/1.1 is h1");
	struct td_fp_server s10 = { .legacy_version = 0x0301, .suite = 0x002f };
	td_ja4s(&s10, out);
	is_str(out, "t100000_002f_000000000000", "ja4s: no extensions, as JA4's empty lists");
}

static X509 *load(const char *pki, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s.pem", pki, name);
	FILE *fp = fopen(path, "r");
	if (!fp) {
		diag("cannot open %s", path);
		return NULL;
	}
	X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	return x;
}

static void ja4x(void)
{
	char pki[4096], out[TD_JA4X_MAX];
	const char *src = getenv("SRCDIR");
	snprintf(pki, sizeof(pki), "%s/tests/pki", src ? src : ".");
	X509 *leaf = load(pki, "leaf"), *inter = load(pki, "inter");
	ok(leaf && td_ja4x(leaf, out), "ja4x: leaf");
	is_str(leaf ? out : NULL, "769119f9990f_7022c563de38_04758834cd6a", "ja4x: tests/pki/leaf.pem");
	ok(inter && td_ja4x(inter, out), "ja4x: intermediate");
	is_str(inter ? out : NULL, "769119f9990f_769119f9990f_2ccf3b3a5d18", "ja4x: tests/pki/inter.pem");
	X509_free(leaf);
	X509_free(inter);
}

static void cert_sha256(void)
{
	char out[65];
	uint8_t der[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct td_blob b = { der, sizeof(der) };
	ok(td_cert_sha256(NULL, &b, out), "sha256 of an undecoded DER");
	is_str(out, "1b65f68a522c858715f5dd951cd0402dc16691778814bf0759822b7a257421d0", "sha256 of the DER itself");
}

/* Lists written from joined strings: ALPN (","), CA names ("; "). */
static void split_lists(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct td_jsonw w;
	if (!f)
		exit(99);
	td_jw_init(&w, f);
	td_jw_obj_open(&w);
	td_jw_split(&w, "alpn", "h2,http/1.1", ",");
	td_jw_split(&w, "none", "", ",");
	td_jw_split(&w, "ca_names", "CN=A,O=B; CN=C", "; ");
	td_jw_obj_close(&w);
	td_jw_flush(&w);
	fclose(f);
	is_str(text, "{\"alpn\":[\"h2\",\"http/1.1\"],\"ca_names\":[\"CN=A,O=B\",\"CN=C\"]}",
	       "lists: split at their separator, empty ones left out");
	free(text);
}

int main(void)
{
	split_lists();
	community_id();
	uid();
	iso_time();
	ja4s();
	ja4x();
	cert_sha256();
	return done_testing();
}
