/* The reports' number formatting against printf: td_fmt_fixed must print
 * exactly what "%.*f" prints, for every value it is given. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../tap.h"
#include <time.h>
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

int main(void)
{
	iso_times();
	timestamps();
	any_bits();
	ties();
	cut_to_fit();
	return done_testing();
}
