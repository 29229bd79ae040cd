/*
 * TCP reassembly with libnids. This module is the only one that includes
 * <nids.h>: it hands libnids bare IP packets through a DLT_RAW descriptor
 * (the capture module peels every link layer), turns libnids' callbacks into
 * td_flow_data() calls on the tracker's flows, and counts libnids' warnings.
 */
#ifndef TLSDIAG_REASM_H
#define TLSDIAG_REASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/flow.h"
#include "tlsdiag/packet.h"
#include "tlsdiag/reasm_map.h"

#define TD_REASM_WARN_KINDS 10

struct td_reasm_stats {
	uint64_t warnings;                        /* all libnids warnings */
	uint64_t by_kind[TD_REASM_WARN_KINDS];    /* indexed by libnids' warning number */
	uint64_t streams;                         /* streams libnids established */
	uint64_t evicted;                         /* streams dropped because the table was full */
};

/* Start libnids with a stream table of max_streams entries; false and a
 * message in err when it cannot start. */
bool td_reasm_init(struct td_conntrack *ct, int max_streams, char *err, size_t errlen);
/* One IPv4 packet of a tracked flow (flow may be NULL for fragments). */
void td_reasm_packet(struct td_flow *flow, const struct td_pkt *p);
/* A connection whose SYN the capture missed: before its first packet p,
 * hand libnids the 3-way handshake that p's sequence and acknowledgment
 * numbers imply, so the stream is followed from p on. IPv6 flows
 * too, on their synthetic pair. Once per flow; false when p cannot tell
 * (no ACK flag). */
bool td_reasm_midstream(struct td_flow *f, const struct td_pkt *p);
/* The first payload p of one direction of such a connection (mid-stream or
 * found by content), before libnids gets it: when it starts beyond where
 * libnids waits, the bytes between were sent before the capture started
 * (a sender's data in flight past the other side's last ACK) and will never
 * come. libnids is told to go on from p, and the flow that those bytes are
 * missing (td_flow_gap). */
void td_reasm_skip_unseen(struct td_flow *f, const struct td_pkt *p);
/* IPv6 (include/tlsdiag/reasm_map.h): a table of at most max_pairs
 * synthetic IPv4 pairs, after td_reasm_init(); false when out of memory. */
bool td_reasm_init6(size_t max_pairs);
/* One IPv6 packet of a tracked flow (NULL for a later fragment), given to
 * libnids translated to its pair's synthetic IPv4 addresses. */
void td_reasm_packet6(struct td_flow *flow, const struct td_pkt *p);
/* The flow is finished: its pair slot has one user less. */
void td_reasm_flow_end(struct td_flow *flow);
void td_reasm_map_counts(struct td_reasm_map_stats *st);
/* Tell libnids the input is over: it delivers what it holds, then closes. */
void td_reasm_exit(void);
void td_reasm_stats(struct td_reasm_stats *st);
const char *td_reasm_warning_name(size_t kind);
/* Bytes libnids allocates up front for a stream table of n entries. */
size_t td_reasm_table_bytes(int n);

#endif
