/* Command-line options: parsed once in main, read-only afterwards. */
#ifndef TLSDIAG_OPTIONS_H
#define TLSDIAG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/flow.h"
#include "tlsdiag/x509.h"

#define TD_DEFAULT_MAX_CONNECTIONS 100000
#define TD_DEFAULT_MAX_CERTS 16             /* certificates kept per chain */
#define TD_DEFAULT_MAX_BYTES (64u << 20)    /* bytes read per direction */
#define TD_DEFAULT_MAX_MEMORY_MIB 4096      /* heap in use before new work is refused */
#define TD_DEFAULT_MAX_WRITE_PACKETS 100000 /* packets held for -w at once */
#define TD_DEFAULT_HS_TIMEOUT 10            /* s without a packet: a handshake is decided */
#define TD_DEFAULT_IDLE_TIMEOUT 300         /* s without a packet: a connection is retired */

struct td_options {
	const char *filter;
	struct td_portset ports;
	bool json;
	size_t max_connections;  /* concurrent connections libnids and the tracker hold */
	bool max_connections_given; /* on the command line: libnids' table is then that big */
	size_t hs_max;           /* largest handshake message kept */
	size_t max_certs;        /* certificates kept per chain */
	uint64_t max_bytes;      /* bytes read per direction of a connection */
	size_t max_memory_mib;   /* heap in use beyond which new work is refused */
	const char *write_file;  /* -w: the packets of failed connections go there */
	bool write_all;          /* --write-all: of every analyzed connection */
	size_t rotate_mb;        /* -C: a new -w file after this many MB, 0: never */
	unsigned rotate_seconds; /* -G: a new -w file every this many seconds, 0: never */
	size_t max_write_packets;/* packets held for -w at once */
	const char *iface;       /* live capture */
	uint64_t count;          /* stop after this many packets, all inputs (0: no limit) */
	bool list_interfaces;    /* -D */
	int snaplen;             /* -s: live, bytes kept per packet (0: the default) */
	bool snaplen_given;
	bool no_promisc;         /* --no-promisc */
	const char *drop_user;   /* -Z USER */
	unsigned stats_interval; /* --stats SECONDS, 0: none */
	bool line_buffered;      /* -l */
	unsigned jobs;           /* -j N: threads for files (1: one; 0: two when there are two CPUs) */
	unsigned quiet;          /* -q: 1 failures only, 2 (-qq) the summary only */
	bool no_progress;        /* --no-progress */
	unsigned hs_timeout;     /* --handshake-timeout SECONDS, 0: none */
	unsigned idle_timeout;   /* --idle-timeout SECONDS, 0: none */
	char *read_files[64];     /* -r, before the file arguments */
	size_t n_read_files;
	char filter_buf[4096];   /* -i: the filter words after the options, joined */
	struct td_x509_opts x509;
	const char *rule_files[16];  /* --rules, in order: added after the defaults */
	size_t n_rule_files;
	bool no_default_rules;
	bool list_rules;
	bool explain;
	bool iphttps;            /* --iphttps: every connection is IP-HTTPS */
	bool ladder;             /* --ladder: a ladder diagram under each text block */
	bool ascii;              /* --ascii: the ladder in ASCII */
	int color;               /* --color: enum td_color (report_ladder.h) */
	const char *html_file;   /* --html: the self-contained HTML report */
	const char *expect[32];      /* --expect: regression mode */
	size_t n_expect;
	char **files;
	int n_files;
};

enum td_parse_result { TD_OPTS_RUN, TD_OPTS_EXIT_OK, TD_OPTS_USAGE };

/* Parse argv; prints help/version itself, and usage errors on stderr. */
enum td_parse_result td_options_parse(int argc, char **argv, struct td_options *o);
/* "443,8443,10000-10010" into the set; false on a malformed list. */
bool td_ports_parse(const char *list, uint8_t *bits);

#endif
