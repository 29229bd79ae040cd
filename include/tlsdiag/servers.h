/* The summary by server: connections counted per (server address and
 * port, SNI) and category, so that a large capture's answer fits a screen.
 * Bounded: beyond TD_MAX_SERVERS servers the rest are counted together. */
#ifndef TLSDIAG_SERVERS_H
#define TLSDIAG_SERVERS_H

#include <stdint.h>
#include <stdio.h>
#include "tlsdiag/facts.h"
#include "tlsdiag/report.h"

#define TD_MAX_SERVERS 64

struct td_server_row {
	char server[64];                         /* "203.0.113.7:443", "[2001:db8::1]:443" */
	char sni[TD_STR_NAME];                   /* the ClientHello's SNI, "" none */
	uint64_t total;
	uint64_t counts[TD_MAX_CATEGORIES];      /* by the summary's category index */
};

struct td_servers {
	struct td_server_row rows[TD_MAX_SERVERS];
	size_t n;
	uint64_t others;                         /* connections of servers beyond the table */
};

/* Count one connection; after td_summary_count counted its category. */
void td_servers_count(struct td_servers *t, const struct td_run_summary *s, const struct td_facts *f,
		      const char *category);
/* The text section, written only when there are two servers or more. */
void td_servers_text(FILE *out, const struct td_servers *t, const struct td_run_summary *s);

#endif
