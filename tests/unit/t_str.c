/* The reports' number and text formatting against libc: td_fmt_fixed must
 * print exactly what "%.*f" prints, for every value it is given, the text
 * builder what snprintf makes of the same pieces, td_fmt_ipv4 what
 * inet_ntop writes. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../tap.h"
#include <time.h>
#include <arpa/inet.h>
#include "tlsdiag/factdesc.h"
#include "tlsdiag/str.h"

/* xorshift64*: reproducible values without the libc generator's state. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static int same_as_printf(double v, int decimals)
{
	char want[512], got[512];
	int wn = snprintf(want, sizeof(want), "%.*f", decimals, v);
	int gn = td_fmt_fixed(got, sizeof(got), v, decimals);
	if (wn == gn && strcmp(want, got) == 0)
		return 1;
	diag("%.17g with %d decimals: printf \"%s\", td_fmt_fixed \"%s\"", v, decimals, want, got);
	return 0;
}

/* Capture-like values: epoch seconds with microseconds and their
 * differences, as the reports print them. */
static void timestamps(void)
{
	int bad = 0;
	for (int i = 0; i < 200000 && bad < 5; i++) {
		double a = 1.7e9 + (double)(next() % 100000000) / 1e6;
		double b = a + (double)(next() % 3600000000ull) / 1e6;
		bad += !same_as_printf(b - a, 6);
		bad += !same_as_printf(b - a, 3);
		bad += !same_as_printf(a, 6);
		bad += !same_as_printf(-b, (int)(next() % 7));
	}
	ok(bad == 0, "epoch times with microseconds and their differences: as printf");
}

/* Any double: random bit patterns (NaN, infinities, huge, tiny, negative). */
static void any_bits(void)
{
	int bad = 0;
	for (int i = 0; i < 200000 && bad < 5; i++) {
		uint64_t bits = next();
		double v;
		memcpy(&v, &bits, sizeof(v));
		bad += !same_as_printf(v, (int)(next() % 8));
	}
	ok(bad == 0, "random bit patterns, 0 to 7 decimals: as printf");
	bad = 0;
	for (int i = 0; i < 200000 && bad < 5; i++) {
		double v = ldexp((double)(next() >> 11), -(int)(next() % 64)); /* 0 .. 2^53 */
		bad += !same_as_printf(v, (int)(next() % 7));
	}
	ok(bad == 0, "random values below 2^53, every scale: as printf");
}

/* Values on and next to rounding ties, where shortcuts go wrong. */
static void ties(void)
{
	static const double v[] = { 0.5, 1.5, 2.5, 0.0000005, 0.0000015, 0.1234565, 2.675, 1.0000005,
				    -0.5, -0.0000004, -0.0, 0.0, 999999.9999995, 1e11 + 0.5, 1e12, 0.9999996, 9007199254740991.0, 9007199254740992.0, 4503599627370496.5, 1700000000.1234565, 4503599627370495.5 };
	int bad = 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (int d = 0; d <= 6; d++) {
			bad += !same_as_printf(v[i], d);
			bad += !same_as_printf(nextafter(v[i], INFINITY), d);
			bad += !same_as_printf(nextafter(v[i], -INFINITY), d);
		}
	ok(bad == 0, "ties and their neighbours: as printf");
}

static void cut_to_fit(void)
{
	char buf[5];
	int n = td_fmt_fixed(buf, sizeof(buf), 123.456789, 6);
	is_int(n, 10, "the length printf would give");
	is_str(buf, "123.", "cut to fit, terminated");
	char u[24];
	is_int((int)td_fmt_u64(u, UINT64_MAX), 20, "u64 max: 20 digits");
	is_str(u, "18446744073709551615", "u64 max");
	td_fmt_u64(u, 0);
	is_str(u, "0", "zero");
}

/* td_iso_time against gmtime_r and strftime, across its fast range's
 * edges and at random. */
static bool iso_as_libc(int64_t t)
{
	char want[64] = "", got[64];
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || !strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(want, sizeof(want), "%lld", (long long)t);
	td_iso_time(t, got, sizeof(got));
	if (strcmp(want, got) == 0)
		return true;
	diag("%lld: libc %s, td_iso_time %s", (long long)t, want, got);
	return false;
}

static void iso_times(void)
{
	static const int64_t edge[] = { 0, -1, 59, 86399, 86400, 951782400, 951868800, 4107542400,
					253402300799LL, 253402300800LL, -62135596800LL, 1709164800 };
	int bad = 0;
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		bad += !iso_as_libc(edge[i]);
	for (int i = 0; i < 300000 && bad < 5; i++)
		bad += !iso_as_libc((int64_t)(next() % 253402300800ull));
	ok(bad == 0, "ISO times 1970 to 9999 (leap days and years included): as gmtime_r and strftime");
}

/* Every octet value at every place, against inet_ntop. */
static void ipv4_as_inet_ntop(void)
{
	int bad = 0;
	for (int place = 0; place < 4; place++)
		for (int v = 0; v < 256; v++) {
			uint8_t a[4] = { 10, 0, 200, 7 };
			char want[INET_ADDRSTRLEN], got[16];
			a[place] = (uint8_t)v;
			inet_ntop(AF_INET, a, want, sizeof(want));
			size_t n = td_fmt_ipv4(got, a);
			if (strcmp(want, got) != 0 || n != strlen(want)) {
				if (bad++ < 5)
					diag("inet_ntop %s, td_fmt_ipv4 %s", want, got);
			}
		}
	ok(bad == 0, "IPv4 addresses: as inet_ntop");
}

/* The text builder against snprintf of the same pieces, in buffers of
 * every size from 0 to past the text: the same bytes, cut and terminated
 * alike, and nothing written past the buffer. */
static void builder_as_snprintf(void)
{
	int bad = 0;
	for (int round = 0; round < 2000; round++) {
		char s1[40], s2[40];
		uint64_t u = next() >> (next() % 64);
		size_t l1 = next() % sizeof(s1), l2 = next() % sizeof(s2);
		for (size_t i = 0; i < l1; i++)
			s1[i] = (char)('a' + next() % 26);
		s1[l1] = '\0';
		for (size_t i = 0; i < l2; i++)
			s2[i] = (char)('A' + next() % 26);
		s2[l2] = '\0';
		for (size_t len = 0; len < 100; len++) {
			char want[128], got[128];
			memset(want, '#', sizeof(want));
			memset(got, '#', sizeof(got));
			snprintf(want, len, "%s, %llu%s", s1, (unsigned long long)u, s2);
			struct td_sbuf b;
			td_sb_init(&b, got, len);
			td_sb_s(&b, s1);
			td_sb_put(&b, ", ", 2);
			td_sb_u(&b, u);
			td_sb_s(&b, s2);
			if (memcmp(want, got, sizeof(want)) != 0 || (len && b.n != strlen(got)))
				bad++;
		}
	}
	ok(bad == 0, "text builder: as snprintf, in buffers of every size");
}

int main(void)
{
	ipv4_as_inet_ntop();
	builder_as_snprintf();
	iso_times();
	timestamps();
	any_bits();
	ties();
	cut_to_fit();
	return done_testing();
}
