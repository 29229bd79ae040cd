/* -w file names (include/tlsdiag/rotate.h). -G periods are aligned to
 * multiples of SECONDS (-G 3600 turns over at the full hour), so that a
 * pattern such as fail-%Y%m%d-%H.pcapng names each period once. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "tlsdiag/rotate.h"

/* The pattern is the user's -w argument: a format that is not a literal
 * is the point here, so the warning is off for this one call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static size_t format_time(char *buf, size_t len, const char *pattern, const struct tm *tm)
{
	return strftime(buf, len, pattern, tm);
}
#pragma GCC diagnostic pop

static void make_name(struct td_rotate *r, double now)
{
	char base[sizeof(r->name) - 16]; /* room for the -C number */
	snprintf(base, sizeof(base), "%s", r->pattern);
	if (r->seconds) {
		time_t t = (time_t)now;
		struct tm tm;
		/* strftime's 0 is also an empty result: keep the pattern then. */
		if (!localtime_r(&t, &tm) || format_time(base, sizeof(base), r->pattern, &tm) == 0)
			snprintf(base, sizeof(base), "%s", r->pattern);
	}
	if (r->n)
		snprintf(r->name, sizeof(r->name), "%s%u", base, r->n); /* tcpdump: file, file1, file2 */
	else
		snprintf(r->name, sizeof(r->name), "%s", base);
}

static double period_end(const struct td_rotate *r, double now)
{
	return r->seconds ? (floor(now / r->seconds) + 1) * r->seconds : 0;
}

void td_rotate_init(struct td_rotate *r, const char *pattern, unsigned seconds, uint64_t bytes, double now)
{
	memset(r, 0, sizeof(*r));
	r->pattern = pattern;
	r->seconds = seconds;
	r->bytes = bytes;
	r->next = period_end(r, now);
	make_name(r, now);
}

const char *td_rotate_next(struct td_rotate *r, double now, bool by_size)
{
	if (by_size) {
		r->n++;
	} else {
		r->n = 0;
		r->next = period_end(r, now);
	}
	make_name(r, now);
	return r->name;
}

void td_rotate_align(struct td_rotate *r, double now)
{
	r->next = period_end(r, now);
}
