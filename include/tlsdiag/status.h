/* --stats and SIGUSR1: one status line for stderr while a run goes on. */
#ifndef TLSDIAG_STATUS_H
#define TLSDIAG_STATUS_H

#include <stddef.h>
#include <stdio.h>
#include "tlsdiag/flow.h"
#include "tlsdiag/report.h"

/* What the line says; every count so far in the run. */
struct td_status {
	double now;                        /* wall clock, seconds since the epoch */
	const struct td_run_summary *sum;  /* packets, capture counters, categories */
	struct td_conntrack_stats ct;      /* connections held (open, or reported and not yet over) */
	uint64_t decided;                  /* connections reported */
	size_t memory;                     /* heap in use, bytes */
};

/* "tlsdiag: HH:MM:SS packets ...; connections ...; CATEGORY N ...; memory M MiB\n" */
void td_status_print(FILE *out, const struct td_status *st);

#endif
