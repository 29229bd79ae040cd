/* The status line (include/tlsdiag/status.h): one line, written whole with
 * a single fputs so that it never interleaves with another writer of stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/status.h"

struct buf {
	char s[1024];
	size_t n;
};

TD_PRINTF(2, 3) static void put(struct buf *b, const char *fmt, ...)
{
	if (b->n >= sizeof(b->s))
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		b->n += (size_t)k;
}

static void clock_part(struct buf *b, double now)
{
	time_t t = (time_t)now;
	struct tm tm;
	char hms[16] = "?";
	if (localtime_r(&t, &tm))
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	put(b, "tlsdiag: %s ", hms);
}

static void packets_part(struct buf *b, const struct td_run_summary *s)
{
	put(b, "packets %llu", (unsigned long long)s->packets);
	if (s->live)
		put(b, " (kernel drops %llu, interface drops %llu, cut %llu)", (unsigned long long)s->dropped,
		    (unsigned long long)s->ifdropped, (unsigned long long)s->packets_cut);
}

void td_status_print(FILE *out, const struct td_status *st)
{
	static struct buf b;
	const struct td_run_summary *s = st->sum;
	b.n = 0;
	clock_part(&b, st->now);
	packets_part(&b, s);
	put(&b, "; connections %zu held, %llu decided", st->ct.live, (unsigned long long)st->decided);
	if (st->ct.dropped_flows + st->ct.dropped_memory)
		put(&b, ", %llu not tracked", (unsigned long long)(st->ct.dropped_flows + st->ct.dropped_memory));
	for (size_t i = 0; i < s->n_categories; i++)
		put(&b, "%s %s %llu", i ? "," : ";", s->categories[i], (unsigned long long)s->category_counts[i]);
	put(&b, "; memory %.1f MiB\n", (double)st->memory / (1024.0 * 1024.0));
	if (b.n >= sizeof(b.s)) /* cut: still one line */
		memcpy(b.s + sizeof(b.s) - 5, "...\n", 5);
	fputs(b.s, out);
	fflush(out);
}
