/* The progress line (include/tlsdiag/progress.h). Drawn with a carriage
 * return and erased with "clear to end of line", so it never stays in the
 * way of the report when both go to the same terminal. */
#include <stdio.h>
#include <unistd.h>
#include "tlsdiag/progress.h"

#define REDRAW_EVERY 0.5

void td_progress_init(struct td_progress *p, FILE *out, bool off)
{
	*p = (struct td_progress){ .out = (!off && out && isatty(fileno(out))) ? out : NULL };
}

static double mib(uint64_t n)
{
	return (double)n / (1024.0 * 1024.0);
}

void td_progress_update(struct td_progress *p, const char *name, uint64_t pos, uint64_t size,
			uint64_t connections, double now)
{
	if (!p->out || now - p->last < REDRAW_EVERY)
		return;
	if (!p->t0 || pos < p->start) { /* a new file */
		p->t0 = now;
		p->start = pos;
	}
	p->last = now;
	double rate = now > p->t0 ? (double)(pos - p->start) / (now - p->t0) : 0;
	fprintf(p->out, "\r\033[Ktlsdiag: %s: %.0f%% (%.1f of %.1f MiB%s), %llu connections, %.1f MiB/s",
		name, size ? 100.0 * (double)pos / (double)size : 0.0, mib(pos), mib(size),
		p->compressed ? " compressed" : "",
		(unsigned long long)connections, mib((uint64_t)rate));
	if (rate > 0 && size > pos)
		fprintf(p->out, ", %.0f s left", (double)(size - pos) / rate);
	fflush(p->out);
	p->shown = true;
}

void td_progress_clear(struct td_progress *p)
{
	if (!p->out || !p->shown)
		return;
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->shown = false;
}
