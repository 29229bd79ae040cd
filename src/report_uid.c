/*
 * The connection uid and the record time stamp of the JSON output: both
 * follow from the capture alone, so two runs over the same capture write
 * the same uid for the same connection (Zeek's uids are random per run).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include "tlsdiag/digest.h"
#include "tlsdiag/report_ids.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/str.h"

/* A time in whole microseconds, saturated (a hostile capture's 2^63 s). */
static int64_t micros(double t)
{
	if (!(t == t))
		return 0;
	if (t >= 9.2e12)
		return INT64_MAX;
	if (t <= -9.2e12)
		return INT64_MIN;
	return (int64_t)llround(t * 1e6);
}

static size_t put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	return (size_t)bytes;
}

void td_conn_uid(const struct td_tcp_facts *t, char out[TD_UID_MAX])
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint8_t buf[1 + 16 + 16 + 2 + 2 + 8];
	size_t n = 0, alen = t->client_ip.family == 6 ? 16 : 4;
	buf[n++] = t->client_ip.family;
	memcpy(buf + n, t->client_ip.addr, alen);
	n += alen;
	memcpy(buf + n, t->server_ip.addr, alen);
	n += alen;
	n += put_be(buf + n, t->client_port, 2);
	n += put_be(buf + n, t->server_port, 2);
	n += put_be(buf + n, (uint64_t)micros(t->first_ts), 8);
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!td_digest(TD_MD_SHA256, buf, n, md, &mdlen) || mdlen < 12)
		memset(md, 0, 12);
	/* The first 12 bytes as a big-endian number in 17 base62 digits
	 * (62^17 > 2^96), most significant first: long division. */
	out[0] = 'C';
	for (int d = 17; d >= 1; d--) {
		unsigned rem = 0;
		for (int i = 0; i < 12; i++) {
			unsigned cur = rem * 256 + md[i];
			md[i] = (uint8_t)(cur / 62);
			rem = cur % 62;
		}
		out[d] = digits[rem];
	}
	out[18] = '\0';
}

void td_iso_time_us(double t, char *buf, size_t len)
{
	/* Years 1 to 9999: -62135596800 .. 253402300799 seconds. */
	if (!(t >= -62135596800.0 && t < 253402300800.0)) {
		snprintf(buf, len, "%.0f", t == t ? t : 0.0);
		return;
	}
	int64_t us = micros(t);
	int64_t s = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		s--;
	}
	/* The seconds as td_iso_time writes them, then the microseconds
	 * before its 'Z' (no strftime or printf: one per JSON record). */
	char day[40];
	td_iso_time(s, day, sizeof(day));
	size_t n = strlen(day);
	if (n == 0 || day[n - 1] != 'Z' || n + 7 >= sizeof(day)) {
		td_str_copy(buf, len, day);
		return;
	}
	day[n - 1] = '.';
	for (int i = 5; i >= 0; i--, frac /= 10)
		day[n + (size_t)i] = (char)('0' + frac % 10);
	day[n + 6] = 'Z';
	day[n + 7] = '\0';
	td_str_copy(buf, len, day);
}
