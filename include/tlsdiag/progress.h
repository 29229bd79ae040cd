/* The progress line for file input on a terminal (stderr): bytes read of
 * the total, connections, rate, time left; rewritten in place. */
#ifndef TLSDIAG_PROGRESS_H
#define TLSDIAG_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct td_progress {
	FILE *out;        /* a terminal, or NULL: off */
	double t0, last;  /* this file's start, the last redraw (monotonic seconds) */
	uint64_t start;   /* bytes already read at t0 */
	bool shown;       /* a line is on the screen */
	bool compressed;  /* the file is compressed: bytes, rate and time left are its compressed ones */
};

/* On only when out is a terminal and not turned off. */
void td_progress_init(struct td_progress *p, FILE *out, bool off);
/* Redraw at most twice a second: name, pos of size bytes, connections. */
void td_progress_update(struct td_progress *p, const char *name, uint64_t pos, uint64_t size,
			uint64_t connections, double now);
/* Erase the line (before a report block, at the end). */
void td_progress_clear(struct td_progress *p);

#endif
