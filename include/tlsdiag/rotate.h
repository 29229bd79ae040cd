/* -w names for rotating output (-G SECONDS with a strftime pattern, -C MB
 * with a number after the name), as tcpdump names them. */
#ifndef TLSDIAG_ROTATE_H
#define TLSDIAG_ROTATE_H

#include <stdbool.h>
#include <stdint.h>

struct td_rotate {
	const char *pattern;   /* -w's argument */
	unsigned seconds;      /* -G, 0: none */
	uint64_t bytes;        /* -C in bytes, 0: none */
	double next;           /* -G: when the next file begins (0: never) */
	unsigned n;            /* -C: files begun in this -G period */
	char name[4096];       /* the current file's name */
};

/* The first name, at time now (seconds since the epoch). */
void td_rotate_init(struct td_rotate *r, const char *pattern, unsigned seconds, uint64_t bytes, double now);
/* -G with files: the first period is the first packet's, not the clock's
 * (the first file keeps its name, from the start of the run). */
void td_rotate_align(struct td_rotate *r, double now);
/* The name of the next file: a new -G period (by_size false) restarts the
 * count, a full file (-C) adds one to it. */
const char *td_rotate_next(struct td_rotate *r, double now, bool by_size);

#endif
