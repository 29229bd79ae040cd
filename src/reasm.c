/*
 * libnids glue: the only file that includes <nids.h>.
 *
 * We own libpcap. libnids gets a DLT_RAW descriptor made with
 * pcap_open_dead() and every packet as a bare IP packet through
 * nids_pcap_handler(), so every link type looks the same to it. What bites
 * is handled here: checksums are not verified (client-side
 * captures carry offloaded, wrong checksums), port-scan detection is off,
 * warnings are counted instead of going to syslog, and no_mem never returns.
 */
#include <nids.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include "tlsdiag/reasm.h"
#include "tlsdiag/reasm_map.h"
#include "tlsdiag/reasm_xlat.h"
#include "tlsdiag/diag.h"
#include "tlsdiag/flow.h"

static struct td_conntrack *g_ct;
static pcap_t *g_dead;
static struct td_reasm_stats g_st;
static uint64_t g_frame;
static double g_ts;
/* The tracker's flow of the packet libnids is reading now (IPv4), or NULL. */
static struct td_flow *g_pkt_flow;
static struct td_reasm_map *g_map; /* IPv6 pairs -> synthetic IPv4 pairs */

static const char *const warn_names[TD_REASM_WARN_KINDS] = {
	[NIDS_WARN_UNDEFINED] = "undefined",
	[NIDS_WARN_IP_OVERSIZED] = "ip-oversized",
	[NIDS_WARN_IP_INVLIST] = "ip-invalid-list",
	[NIDS_WARN_IP_OVERLAP] = "ip-overlap",
	[NIDS_WARN_IP_HDR] = "ip-header",
	[NIDS_WARN_IP_SRR] = "ip-source-route",
	[NIDS_WARN_TCP_TOOMUCH] = "tcp-table-full",
	[NIDS_WARN_TCP_HDR] = "tcp-header",
	[NIDS_WARN_TCP_BIGQUEUE] = "tcp-big-queue",
	[NIDS_WARN_TCP_BADFLAGS] = "tcp-bad-flags",
};

const char *td_reasm_warning_name(size_t kind)
{
	return kind < TD_REASM_WARN_KINDS && warn_names[kind] ? warn_names[kind] : "unknown";
}

/* libnids calls this instead of syslog(3). */
static void on_warning(int type, int errnum, struct ip *iph, void *data)
{
	(void)type;
	(void)iph;
	(void)data;
	g_st.warnings++;
	if (errnum >= 0 && errnum < TD_REASM_WARN_KINDS)
		g_st.by_kind[errnum]++;
	if (errnum == NIDS_WARN_TCP_TOOMUCH)
		g_st.evicted++;
}

/* libnids cannot go on after a failed allocation: this must not return. */
static void on_no_mem(char *where)
{
	td_fatal("out of memory in libnids (%s)", where ? where : "?");
}

/* A stream on synthetic addresses is an IPv6 connection: the flow of the
 * real addresses, and only if it still owns that pair's slot (a slot taken
 * back for another pair must not reach the new pair's flow). */
static struct td_flow *flow_of6(const uint8_t s[4], uint16_t sp, const uint8_t d[4], uint16_t dp)
{
	uint8_t s6[16], d6[16];
	uint32_t slot, dslot;
	if (!g_map || !td_reasm_map_to6(g_map, s, s6, &slot) || !td_reasm_map_to6(g_map, d, d6, &dslot) ||
	    slot != dslot)
		return NULL;
	struct td_flow *f = td_conntrack_find6(g_ct, s6, sp, d6, dp);
	return f && f->v6_slot == slot ? f : NULL;
}

/* Is a the stream of the packet being handed to libnids? Most calls are
 * about that packet: its flow is known and need not be looked up. */
static bool is_pkt_flow(const struct tcp_stream *a)
{
	const struct td_flow *f = g_pkt_flow;
	return f && f->ipver == 4 && f->cport == a->addr.source && f->sport == a->addr.dest &&
	       !memcmp(f->caddr, &a->addr.saddr, 4) && !memcmp(f->saddr, &a->addr.daddr, 4);
}

static struct td_flow *flow_of(const struct tcp_stream *a)
{
	uint8_t s[4], d[4];
	if (is_pkt_flow(a))
		return g_pkt_flow;
	memcpy(s, &a->addr.saddr, 4);
	memcpy(d, &a->addr.daddr, 4);
	if (td_reasm_map_synthetic(s))
		return flow_of6(s, a->addr.source, d, a->addr.dest);
	return td_conntrack_find4(g_ct, s, a->addr.source, d, a->addr.dest);
}

/* half_stream "server" holds what the client sent, "client" what the server sent. */
static void deliver(struct td_flow *f, struct tcp_stream *a)
{
	if (a->server.count_new > 0)
		td_flow_data(f, TD_DIR_C2S, (const uint8_t *)a->server.data, (size_t)a->server.count_new,
			     g_frame, g_ts);
	if (a->client.count_new > 0)
		td_flow_data(f, TD_DIR_S2C, (const uint8_t *)a->client.data, (size_t)a->client.count_new,
			     g_frame, g_ts);
	/* Once the flow has what it needs, libnids may stop buffering. */
	if (!f->collecting[TD_DIR_C2S])
		a->server.collect = 0;
	if (!f->collecting[TD_DIR_S2C])
		a->client.collect = 0;
}

static void on_tcp(struct tcp_stream *a, void **param)
{
	(void)param;
	/* Looked up on every call rather than cached in a->user: a flow the
	 * tracker has finished must never be reached through libnids. */
	struct td_flow *f = flow_of(a);
	if (!f)
		return;
	switch (a->nids_state) {
	case NIDS_JUST_EST:
		a->client.collect++;
		a->server.collect++;
		f->reasm_active = true;
		f->facts->tcp.reassembled = true;
		g_st.streams++;
		break;
	case NIDS_DATA:
		deliver(f, a);
		break;
	default: /* NIDS_CLOSE, NIDS_RESET, NIDS_TIMED_OUT, NIDS_EXITING */
		if (a->nids_state == NIDS_EXITING)
			deliver(f, a);
		f->reasm_active = false;
		f->reasm_done = true;
		break;
	}
}

size_t td_reasm_table_bytes(int n)
{
	/* tcp_init(): a bucket array of n pointers and a pool of 3n/4+1 streams. */
	return (size_t)n * sizeof(void *) + ((size_t)n * 3 / 4 + 1) * sizeof(struct tcp_stream);
}

bool td_reasm_init(struct td_conntrack *ct, int max_streams, char *err, size_t errlen)
{
	static struct nids_chksum_ctl no_checksums = { .netaddr = 0, .mask = 0,
						       .action = NIDS_DONT_CHKSUM };
	g_ct = ct;
	memset(&g_st, 0, sizeof(g_st));
	g_dead = pcap_open_dead(DLT_RAW, 262144);
	if (!g_dead) {
		snprintf(err, errlen, "pcap_open_dead failed");
		return false;
	}
	nids_params.pcap_desc = g_dead;
	nids_params.filename = NULL;
	nids_params.device = NULL;
	nids_params.pcap_filter = NULL;
	/* libnids keeps at most 3/4 of its table as live streams. */
	nids_params.n_tcp_streams = max_streams / 3 * 4 + 4;
	nids_params.scan_num_hosts = 0;
	nids_params.syslog = on_warning;
	nids_params.no_mem = on_no_mem;
	nids_params.tcp_workarounds = 1;
	nids_params.multiproc = 0;
	nids_register_chksum_ctl(&no_checksums, 1);
	if (!nids_init()) {
		snprintf(err, errlen, "libnids: %s", nids_errbuf);
		pcap_close(g_dead);
		g_dead = NULL;
		return false;
	}
	/* libnids declares the parameter as a data pointer; POSIX lets a function
	 * pointer travel through void *. */
	void (*fn)(struct tcp_stream *, void **) = on_tcp;
	void *cb;
	memcpy(&cb, &fn, sizeof(cb));
	nids_register_tcp(cb);
	return true;
}

void td_reasm_packet(struct td_flow *f, const struct td_pkt *p)
{
	struct pcap_pkthdr h;
	g_pkt_flow = f;
	h.ts.tv_sec = (time_t)p->ts;
	h.ts.tv_usec = (suseconds_t)((p->ts - (double)h.ts.tv_sec) * 1e6);
	h.caplen = h.len = (bpf_u_int32)p->ip_len;
	g_frame = p->frame;
	g_ts = p->ts;
	nids_pcap_handler(NULL, &h, (u_char *)(uintptr_t)p->ip);
	g_pkt_flow = NULL;
}

bool td_reasm_init6(size_t max_pairs)
{
	td_reasm_map_free(g_map);
	g_map = td_reasm_map_new(max_pairs < TD_REASM_MAP_LIMIT ? max_pairs : TD_REASM_MAP_LIMIT);
	return g_map != NULL;
}

/* The flow's pair slot, taken on its first packet; 0 (and the flow marked)
 * when the table is full. A later fragment has no flow: its pair must be
 * mapped already, by the fragment that carried the TCP header. */
static uint32_t slot_for(struct td_flow *f, const struct td_pkt *p)
{
	if (!f)
		return td_reasm_map_find(g_map, p->src, p->dst);
	if (!f->v6_slot && !(f->v6_slot = td_reasm_map_acquire(g_map, p->src, p->dst)))
		f->facts->tcp.ipv6_table_full = true;
	return f->v6_slot;
}

void td_reasm_packet6(struct td_flow *f, const struct td_pkt *p)
{
	static uint8_t buf[TD_XLAT_MAX];
	if (!g_map)
		return;
	uint32_t slot = slot_for(f, p);
	struct td_pkt q = *p;
	if (!slot || !td_reasm_map_to4(g_map, slot, p->src, q.src) || !td_reasm_map_to4(g_map, slot, p->dst, q.dst))
		return;
	if (!(q.ip_len = td_xlat_ipv4(p, q.src, q.dst, buf, sizeof(buf))))
		return;
	q.ip = buf;
	q.ipver = 4;
	td_reasm_packet(f, &q);
}

/* libnids' stream for a flow, through its synthetic pair for IPv6. */
static struct tcp_stream *stream_of(const struct td_flow *f)
{
	struct tuple4 t = { .source = f->cport, .dest = f->sport };
	uint8_t c4[4], s4[4];
	if (f->ipver == 6) {
		if (!g_map || !f->v6_slot || !td_reasm_map_to4(g_map, f->v6_slot, f->caddr, c4) ||
		    !td_reasm_map_to4(g_map, f->v6_slot, f->saddr, s4))
			return NULL;
	} else {
		memcpy(c4, f->caddr, 4);
		memcpy(s4, f->saddr, 4);
	}
	memcpy(&t.saddr, c4, 4);
	memcpy(&t.daddr, s4, 4);
	return nids_find_tcp_stream(&t);
}

/* A flow finished while libnids still follows it (decided before its TCP
 * end): libnids forgets it too, so its buffers go now and its late
 * segments are not reassembled for nobody. */
static void forget_stream(const struct td_flow *f)
{
	struct tcp_stream *a = stream_of(f);
	if (a)
		nids_free_tcp_stream(a);
}

void td_reasm_flow_end(struct td_flow *f)
{
	if (f->reasm_active && g_dead)
		forget_stream(f);
	if (g_map)
		td_reasm_map_release(g_map, f->v6_slot);
	f->v6_slot = 0;
}

void td_reasm_map_counts(struct td_reasm_map_stats *st)
{
	if (g_map)
		td_reasm_map_stats(g_map, st);
	else
		memset(st, 0, sizeof(*st));
}

/* One synthetic IPv4/TCP segment without payload: a 20-byte IP header and
 * a TCP header with, on a SYN, the window-scale option at its largest. The
 * real segments' windows are then read as large enough (libnids drops data
 * outside the window it computed), and no timestamp option means no PAWS
 * check against timestamps libnids never saw. */
static void inject(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport, uint32_t seq,
		   uint32_t ack, uint8_t flags)
{
	uint8_t pkt[20 + 24] = { 0 };
	bool syn = flags & 0x02;
	size_t tcp_len = syn ? 24 : 20;
	uint16_t total = (uint16_t)(20 + tcp_len);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(total >> 8);
	pkt[3] = (uint8_t)total;
	pkt[8] = 64;
	pkt[9] = 6;
	memcpy(pkt + 12, src, 4);
	memcpy(pkt + 16, dst, 4);
	uint8_t *t = pkt + 20;
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = (uint8_t)((tcp_len / 4) << 4);
	t[13] = flags;
	t[14] = t[15] = 0xff;
	if (syn) {
		t[20] = 1;  /* NOP */
		t[21] = 3;  /* window scale */
		t[22] = 3;
		t[23] = 14;
	}
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)g_ts;
	h.ts.tv_usec = (suseconds_t)((g_ts - (double)h.ts.tv_sec) * 1e6);
	h.caplen = h.len = total;
	nids_pcap_handler(NULL, &h, pkt);
}

bool td_reasm_midstream(struct td_flow *f, const struct td_pkt *p)
{
	if (f->reasm_primed || !(p->flags & TD_TCP_ACK))
		return false;
	/* libnids sees an IPv6 flow on its synthetic IPv4 pair. */
	uint8_t c4[4], s4[4];
	if (p->ipver == 6) {
		uint32_t slot = g_map ? slot_for(f, p) : 0;
		if (!slot || !td_reasm_map_to4(g_map, slot, f->caddr, c4) || !td_reasm_map_to4(g_map, slot, f->saddr, s4))
			return false;
	} else {
		memcpy(c4, f->caddr, 4);
		memcpy(s4, f->saddr, 4);
	}
	f->reasm_primed = true;
	bool c2s = p->sport == f->cport && memcmp(p->src, f->caddr, p->ipver == 6 ? 16 : 4) == 0;
	/* The segment's own sequence number is where its sender's data goes on;
	 * its acknowledgment, where the other side's does. */
	uint32_t cnext = c2s ? p->seq : p->ack, snext = c2s ? p->ack : p->seq;
	g_frame = p->frame;
	g_ts = p->ts;
	inject(c4, f->cport, s4, f->sport, cnext - 1, 0, 0x02);
	inject(s4, f->sport, c4, f->cport, snext - 1, cnext, 0x12);
	inject(c4, f->cport, s4, f->sport, cnext, snext, 0x10);
	return true;
}

/* Further than this past where libnids waits is not a gap but a sequence
 * number from another connection or a corrupt segment. */
#define GAP_MAX (1u << 24)

void td_reasm_skip_unseen(struct td_flow *f, const struct td_pkt *p)
{
	/* Found by content, the connection is followed from its ClientHello:
	 * nothing of the server's can be in flight before it. */
	if (!f->reasm_primed || f->by_content || !p->payload_len || !(p->flags & TD_TCP_ACK))
		return;
	struct tcp_stream *a = stream_of(f);
	if (!a || a->nids_state != NIDS_DATA)
		return;
	bool c2s = p->sport == f->cport && memcmp(p->src, f->caddr, p->ipver == 6 ? 16 : 4) == 0;
	/* libnids keeps what the client sent in a->server, and the sender's
	 * half holds the sequence number its data starts at. */
	struct half_stream *snd = c2s ? &a->client : &a->server, *rcv = c2s ? &a->server : &a->client;
	if (rcv->count || rcv->urg_count || rcv->list)
		return; /* data of this direction already delivered or queued: a real gap, libnids waits */
	uint32_t gap = p->seq - snd->first_data_seq;
	if (gap == 0 || gap > GAP_MAX)
		return;
	snd->first_data_seq = p->seq;
	td_flow_gap(f, c2s ? TD_DIR_C2S : TD_DIR_S2C, gap);
}

void td_reasm_exit(void)
{
	if (!g_dead)
		return;
	nids_exit();
	pcap_close(g_dead);
	g_dead = NULL;
	nids_params.pcap_desc = NULL;
	/* After nids_exit(): its last callbacks still map streams back. */
	td_reasm_map_free(g_map);
	g_map = NULL;
}

void td_reasm_stats(struct td_reasm_stats *st)
{
	*st = g_st;
}
