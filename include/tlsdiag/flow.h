/*
 * A tracked TCP connection and the connection tracker. The tracker sees
 * every packet before libnids: it records the TCP facts of every attempt to
 * an analyzed port (also those libnids never follows: unanswered, refused,
 * started before the capture, IPv6) and decides when a connection is over.
 * A flow has one owner, the tracker: created once, finished and freed in
 * one place, td_conntrack_finish(), for every end state.
 */
#ifndef TLSDIAG_FLOW_H
#define TLSDIAG_FLOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/facts.h"
#include "tlsdiag/packet.h"

struct td_tls_stream;
struct td_preamble;
struct td_pktlist;

/* What a connection may cost (--max-handshake, --max-certs, --max-bytes). */
struct td_limits {
	size_t hs_max;               /* largest handshake message kept */
	uint16_t max_certs;          /* certificates kept per chain */
	uint64_t max_bytes;          /* bytes read per direction */
	bool fingerprints;           /* JA3/JA4 wanted: the JSON report or a rule reads them */
};

struct td_flow {
	uint8_t ipver;
	uint8_t caddr[16], saddr[16];
	uint16_t cport, sport;
	uint32_t isn;                /* the client's initial sequence number */
	bool reasm_active;           /* libnids holds a stream for it */
	bool ignored;                /* a client on an analyzed source port: followed, not reported */
	bool reasm_done;             /* libnids closed, reset or dropped its stream */
	bool reasm_primed;           /* started before the capture: libnids was given a handshake */
	bool by_content;             /* on no analyzed port: found by its ClientHello or upgrade command */
	bool starttls_port;          /* on a STARTTLS port only (or a SOCKS request found by content):
				      * reported once its preamble asks for TLS */
	uint32_t v6_slot;            /* IPv6: its pair's slot in the synthetic IPv4 table, 0 none */
	bool collecting[2];          /* payload still wanted per direction */
	bool reported;               /* decided before its end: a tombstone that absorbs its late packets */
	double decided_ts;           /* when both directions had all the verdict needs, 0 before */
	const struct td_limits *lim;
	uint64_t fed[2];             /* bytes read per direction */
	struct td_seq_track {        /* one side's sequence space as captured (lost segments) */
		bool seen;           /* a segment of this side was seen */
		bool syn_only;       /* all it sent so far is its SYN */
		uint32_t cont;       /* captured without a gap up to here */
		uint32_t end;        /* the furthest any captured segment reaches */
		bool gap;            /* a segment began beyond cont: [gap_lo, gap_hi) not (yet) seen */
		uint32_t gap_lo, gap_hi;
		uint64_t gap_frame;  /* the segment after the gap */
		bool acked;          /* the peer acknowledged up to ack */
		uint32_t ack;        /* the peer's highest acknowledgment of this side */
		uint64_t beyond_frame; /* the peer's first ACK past end + 1, while it still is */
	} seq[2];
	bool seq_unknown;            /* fragments or a mid-stream start: not judged */
	bool seq_from_hello;         /* a mid-stream start at the client's ClientHello: judged from there */
	struct td_facts *facts;
	struct td_tls_stream *tls;
	struct td_preamble *pre;     /* the plaintext before TLS (STARTTLS, SOCKS), or NULL */
	uint8_t pre_proto;           /* its protocol by the port (enum td_pre_proto): made at the first payload */
	struct td_tls_snap *snap;    /* record heads of cut segments (snap length) */
	struct td_pktlist *pkts;     /* -w: packets held until the verdict; the finish callback's */
	struct td_flow *hnext;       /* hash chain */
	struct td_flow *prev, *next; /* all flows, oldest first */
	struct td_flow *aprev, *anext; /* all flows, least recently active first (the time rules) */
};

/* Which ports are analyzed: TLS ports and HTTP proxy ports. */
struct td_portset {
	uint8_t tls[65536 / 8];
	uint8_t proxy[65536 / 8];
	bool by_content;             /* also TLS on any other port, known by its ClientHello,
				      * and STARTTLS (src/tls_preamble.c) */
};
void td_portset_add(uint8_t *bits, uint16_t lo, uint16_t hi);
bool td_port_in(const uint8_t *bits, uint16_t port);

struct td_conntrack;

/* Called once per finished flow, which is freed right after it returns. */
typedef void (*td_finish_fn)(struct td_flow *flow, void *arg);

struct td_conntrack *td_conntrack_new(const struct td_portset *ports, size_t max_flows,
				      const struct td_limits *lim, td_finish_fn on_finish, void *arg);
/* Finishes every remaining flow, then frees the tracker. */
void td_conntrack_free(struct td_conntrack *ct);

/* A packet; returns its flow, or NULL when it is not analyzed. */
struct td_flow *td_conntrack_packet(struct td_conntrack *ct, const struct td_pkt *p,
				    const char *file);
/* After libnids saw the packet: finish the flow if it is over. */
void td_conntrack_settle(struct td_conntrack *ct, struct td_flow *flow);
/* Look a flow up by its IPv4 endpoints, either way round (for libnids). */
struct td_flow *td_conntrack_find4(struct td_conntrack *ct, const uint8_t a[4], uint16_t aport,
				   const uint8_t b[4], uint16_t bport);
/* The same by IPv6 endpoints (for libnids, after the synthetic IPv4
 * addresses were mapped back). */
struct td_flow *td_conntrack_find6(struct td_conntrack *ct, const uint8_t a[16], uint16_t aport,
				   const uint8_t b[16], uint16_t bport);
/* Finish every flow (end of input). */
void td_conntrack_flush(struct td_conntrack *ct);

/* The time rules (--handshake-timeout, --idle-timeout), in seconds; 0 off. */
struct td_timeouts {
	double handshake;            /* no packet this long, not decided: decided as stalled */
	double idle;                 /* no packet this long: a reported connection is forgotten */
	double grace;                /* decided this long ago and still open: reported now */
};
/* Apply the time rules at time now (capture time; live, the wall clock):
 * report what they decide and forget what is idle. Cost: one look at every
 * flow held, so call it about once a second. */
void td_conntrack_expire(struct td_conntrack *ct, double now, const struct td_timeouts *to);
/* Between two input files, the first ending at capture time from, the next
 * starting at to. When to is later, the time rules for the gap, in which
 * nothing was captured: a flow due before from is decided as usual, one
 * that fell due in the gap ends as open when the first file ended. */
void td_conntrack_next_file(struct td_conntrack *ct, double from, double to, const struct td_timeouts *tmo);

struct td_conntrack_stats {
	uint64_t flows;              /* connections seen */
	uint64_t dropped_flows;      /* not tracked: the flow cap was reached */
	uint64_t dropped_memory;     /* not tracked: --max-memory was reached */
	uint64_t stray_packets;      /* analyzed-port packets of no tracked flow */
	uint64_t ignored_flows;      /* clients whose source port is an analyzed one, to another port */
	uint64_t content_flows;      /* on no analyzed port, followed because they open with TLS */
	size_t live, peak;           /* flows held now / at most */
	uint64_t stalled;            /* decided by --handshake-timeout */
	uint64_t early;              /* reported before their TCP end (decided, or stalled) */
	uint64_t retired;            /* forgotten by --idle-timeout */
};
void td_conntrack_stats(const struct td_conntrack *ct, struct td_conntrack_stats *st);

/* Payload reassembled by libnids, in order, for one direction. */
/* bytes of one direction will never come (sent before the capture
 * started): counted (tcp.*_not_captured), and the TLS reader of that
 * direction looks for a record boundary. */
void td_flow_gap(struct td_flow *flow, enum td_dir dir, uint32_t bytes);
/* Before the verdict: a segment the peer acknowledged but the capture
 * does not have is a hole in that side (tcp.*_hole, tcp.*_hole_frame). */
void td_conntrack_holes(struct td_flow *flow);
void td_flow_data(struct td_flow *flow, enum td_dir dir, const uint8_t *data, size_t len,
		  uint64_t frame, double ts);

#endif
