/* Number formatting for the reports' hot paths (include/tlsdiag/str.h). */
#include <math.h>
#include <stdio.h>
#include "tlsdiag/str.h"

size_t td_fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(buf, tmp + i, sizeof(tmp) - i);
	buf[sizeof(tmp) - i] = '\0';
	return sizeof(tmp) - i;
}

void td_sb_u(struct td_sbuf *b, uint64_t v)
{
	char tmp[24];
	td_sb_put(b, tmp, td_fmt_u64(tmp, v));
}

size_t td_fmt_ipv4(char *buf, const uint8_t a[4])
{
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		if (i)
			buf[n++] = '.';
		unsigned v = a[i];
		if (v >= 100)
			buf[n++] = (char)('0' + v / 100);
		if (v >= 10)
			buf[n++] = (char)('0' + v / 10 % 10);
		buf[n++] = (char)('0' + v % 10);
	}
	buf[n] = '\0';
	return n;
}

int td_fmt_fixed(char *buf, size_t len, double v, int decimals)
{
	static const double scale[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
	double a = fabs(v);
	/* Below 2^53 the whole part is exact in a uint64_t and so is the
	 * fraction a - whole (both are doubles of a's grid); the fraction
	 * scaled by at most 1e6 is off by less than 1e-9, so a rounding can
	 * only differ from printf's (which rounds the exact binary value)
	 * within that distance of a tie: those go to printf, as do NaN,
	 * infinities and larger values. */
	if (decimals < 0 || decimals > 6 || !(a < 9007199254740992.0))
		return snprintf(buf, len, "%.*f", decimals, v);
	uint64_t whole = (uint64_t)a, p = (uint64_t)scale[decimals];
	double y = (a - (double)whole) * scale[decimals];
	uint64_t q = (uint64_t)y;
	double fr = y - (double)q;
	if (fr > 0.5 - 1e-6 && fr < 0.5 + 1e-6)
		return snprintf(buf, len, "%.*f", decimals, v);
	q += fr > 0.5;
	if (q == p) { /* 0.9999996 with 6 decimals: the carry into the whole part */
		whole++;
		q = 0;
	}
	char tmp[40];
	size_t n = 0;
	if (signbit(v))
		tmp[n++] = '-'; /* printf's "-0.000000" for a negative that rounds to zero */
	n += td_fmt_u64(tmp + n, whole);
	if (decimals > 0) {
		tmp[n++] = '.';
		for (int i = decimals - 1; i >= 0; i--, q /= 10)
			tmp[n + (size_t)i] = (char)('0' + q % 10);
		n += (size_t)decimals;
	}
	tmp[n] = '\0';
	td_str_copy(buf, len, tmp);
	return (int)n;
}
