/*
 * The connection tracker: a hash table of flows keyed by their endpoints,
 * fed every packet of an analyzed port before libnids sees it. It owns the
 * flows: it creates them, fills their TCP facts, and finishes them (hands
 * them to the report, then frees them) in td_conntrack_finish() alone.
 */
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/flow.h"
#include "tlsdiag/memcap.h"
#include "tlsdiag/tls.h"
#include "tlsdiag/tls_preamble.h"

/* The table starts small and doubles whenever the flows held outnumber its
 * buckets: a capture of a few hundred concurrent connections keeps its
 * buckets in a few pages of cache instead of spreading them over a 2 MiB
 * array (a TLB and cache miss on most packets; see doc/performance.md). */
#define MIN_BUCKETS (1u << 10)
#define MAX_BUCKETS (1u << 24)

struct td_conntrack {
	const struct td_portset *ports;
	size_t max_flows;
	const struct td_limits *lim;
	td_finish_fn on_finish;
	void *arg;
	size_t content_live;         /* flows held that were found by content */
	struct td_flow **table;
	uint32_t mask;               /* buckets - 1, a power of two less one */
	struct td_flow *oldest, *newest;
	struct td_flow *idlest, *busiest; /* the activity list: least recently active first */
	uint32_t next_id;
	double last_ts;              /* the newest packet of the input file so far */
	struct td_conntrack_stats st;
};

void td_portset_add(uint8_t *bits, uint16_t lo, uint16_t hi)
{
	for (uint32_t p = lo; p <= hi; p++)
		bits[p >> 3] |= (uint8_t)(1u << (p & 7));
}

bool td_port_in(const uint8_t *bits, uint16_t port)
{
	return bits[port >> 3] & (1u << (port & 7));
}

struct td_conntrack *td_conntrack_new(const struct td_portset *ports, size_t max_flows,
				      const struct td_limits *lim, td_finish_fn on_finish, void *arg)
{
	struct td_conntrack *ct = calloc(1, sizeof(*ct));
	if (!ct)
		return NULL;
	ct->table = calloc(MIN_BUCKETS, sizeof(*ct->table));
	ct->mask = MIN_BUCKETS - 1;
	if (!ct->table) {
		free(ct);
		return NULL;
	}
	ct->ports = ports;
	ct->max_flows = max_flows;
	ct->lim = lim;
	ct->on_finish = on_finish;
	ct->arg = arg;
	return ct;
}

/* A 64-bit word mixed (a multiply, then its high bits folded down). */
static uint64_t mix64(uint64_t x)
{
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ x >> 29;
}

/* One endpoint's address and port, each part mixed before the next joins
 * (a plain XOR of an IPv6 address's words let addresses differing alike
 * in two words share one bucket). */
static uint64_t endpoint_mix(uint8_t ipver, const uint8_t *addr, uint16_t port)
{
	uint64_t hi = 0, lo;
	if (ipver == 6) {
		memcpy(&hi, addr, 8);
		memcpy(&lo, addr + 8, 8);
	} else {
		uint32_t v4;
		memcpy(&v4, addr, 4);
		lo = v4;
	}
	return mix64(mix64(mix64(hi) ^ lo) ^ port);
}

/* The two endpoints' mixes added, so both directions hash alike without
 * ordering the endpoints first; a second multiply spreads the sum. (This
 * replaced byte-wise FNV-1a: a packet's hash was 16 dependent multiplies.) */
static uint32_t hash_key(uint8_t ipver, const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
	uint64_t h = (endpoint_mix(ipver, a, ap) + endpoint_mix(ipver, b, bp)) * 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h >> 32);
}

static uint32_t flow_hash(const struct td_flow *f)
{
	return hash_key(f->ipver, f->caddr, f->cport, f->saddr, f->sport);
}

/* Twice the buckets, every flow held moved over (they are all on the
 * creation list). Without the memory for it the table stays as it is:
 * longer chains, the same answers. */
static void grow(struct td_conntrack *ct)
{
	uint32_t n = (ct->mask + 1) * 2;
	if (n > MAX_BUCKETS)
		return;
	struct td_flow **t = calloc(n, sizeof(*t));
	if (!t)
		return;
	for (struct td_flow *f = ct->oldest; f; f = f->next) {
		uint32_t h = flow_hash(f) & (n - 1);
		f->hnext = t[h];
		t[h] = f;
	}
	free(ct->table);
	ct->table = t;
	ct->mask = n - 1;
}

/* Does the flow have these endpoints; *dir says which way the packet goes. */
static bool flow_matches(const struct td_flow *f, uint8_t ipver, const uint8_t *src, uint16_t sport,
			 const uint8_t *dst, uint16_t dport, enum td_dir *dir)
{
	size_t alen = ipver == 6 ? 16 : 4;
	if (f->ipver != ipver)
		return false;
	if (f->cport == sport && f->sport == dport && !memcmp(f->caddr, src, alen) &&
	    !memcmp(f->saddr, dst, alen)) {
		*dir = TD_DIR_C2S;
		return true;
	}
	if (f->cport == dport && f->sport == sport && !memcmp(f->caddr, dst, alen) &&
	    !memcmp(f->saddr, src, alen)) {
		*dir = TD_DIR_S2C;
		return true;
	}
	return false;
}

static struct td_flow *lookup(struct td_conntrack *ct, uint8_t ipver, const uint8_t *src,
			      uint16_t sport, const uint8_t *dst, uint16_t dport, enum td_dir *dir)
{
	uint32_t h = hash_key(ipver, src, sport, dst, dport) & ct->mask;
	for (struct td_flow *f = ct->table[h]; f; f = f->hnext)
		if (flow_matches(f, ipver, src, sport, dst, dport, dir))
			return f;
	return NULL;
}

struct td_flow *td_conntrack_find4(struct td_conntrack *ct, const uint8_t a[4], uint16_t aport,
				   const uint8_t b[4], uint16_t bport)
{
	enum td_dir dir;
	return lookup(ct, 4, a, aport, b, bport, &dir);
}

struct td_flow *td_conntrack_find6(struct td_conntrack *ct, const uint8_t a[16], uint16_t aport,
				   const uint8_t b[16], uint16_t bport)
{
	enum td_dir dir;
	return lookup(ct, 6, a, aport, b, bport, &dir);
}

static void activity_unlink(struct td_conntrack *ct, struct td_flow *f)
{
	if (f->aprev)
		f->aprev->anext = f->anext;
	else
		ct->idlest = f->anext;
	if (f->anext)
		f->anext->aprev = f->aprev;
	else
		ct->busiest = f->aprev;
	f->aprev = f->anext = NULL;
}

static void activity_append(struct td_conntrack *ct, struct td_flow *f)
{
	f->aprev = ct->busiest;
	if (ct->busiest)
		ct->busiest->anext = f;
	else
		ct->idlest = f;
	ct->busiest = f;
}

/* A packet of f: it goes to the busy end (a few pointer writes). */
static void activity_touch(struct td_conntrack *ct, struct td_flow *f)
{
	if (ct->busiest == f)
		return;
	activity_unlink(ct, f);
	activity_append(ct, f);
}

static void unlink_flow(struct td_conntrack *ct, struct td_flow *f)
{
	activity_unlink(ct, f);
	uint32_t h = flow_hash(f) & ct->mask;
	for (struct td_flow **pp = &ct->table[h]; *pp; pp = &(*pp)->hnext) {
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	}
	if (f->prev)
		f->prev->next = f->next;
	else
		ct->oldest = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		ct->newest = f->prev;
	ct->st.live--;
}

/* On a STARTTLS port, plain traffic (no upgrade asked for) is no
 * connection of ours: it is followed, never reported. */
static bool quiet(const struct td_flow *f)
{
	return f->starttls_port && !(f->pre && td_preamble_wanted(f->pre));
}

/* The one place a flow ends: report it, then free it. */
static void td_conntrack_finish(struct td_conntrack *ct, struct td_flow *f)
{
	unlink_flow(ct, f);
	if (f->by_content || f->starttls_port)
		ct->content_live--;
	if (!f->ignored && !f->reported && !quiet(f))
		ct->on_finish(f, ct->arg);
	td_preamble_free(f->pre);
	td_tls_free(f->tls);
	td_tls_snap_free(f->snap);
	td_facts_free(f->facts);
	free(f);
}

static struct td_flow *create(struct td_conntrack *ct, const struct td_pkt *p, bool client_is_src,
			      const char *file)
{
	if (ct->st.live >= ct->max_flows) {
		ct->st.dropped_flows++;
		return NULL;
	}
	if (td_memcap_reached()) {
		ct->st.dropped_memory++;
		return NULL;
	}
	struct td_flow *f = calloc(1, sizeof(*f));
	if (!f || !(f->facts = td_facts_new())) {
		free(f);
		ct->st.dropped_flows++;
		return NULL;
	}
	size_t alen = p->ipver == 6 ? 16 : 4;
	f->ipver = p->ipver;
	memcpy(f->caddr, client_is_src ? p->src : p->dst, alen);
	memcpy(f->saddr, client_is_src ? p->dst : p->src, alen);
	f->cport = client_is_src ? p->sport : p->dport;
	f->sport = client_is_src ? p->dport : p->sport;
	f->collecting[0] = f->collecting[1] = true;
	f->lim = ct->lim;

	struct td_facts *fa = f->facts;
	fa->id = ++ct->next_id;
	fa->max_certs = ct->lim->max_certs;
	fa->skip_fingerprints = !ct->lim->fingerprints;
	strncpy(fa->file, file ? file : "", sizeof(fa->file) - 1);
	fa->on_proxy_port = td_port_in(ct->ports->proxy, f->sport);
	/* Its preamble's buffers are made at the first payload: a SYN flood
	 * to port 25 costs what one to port 443 does. */
	if (ct->ports->by_content && !fa->on_proxy_port)
		f->pre_proto = (uint8_t)td_preamble_port(f->sport);
	fa->tcp.client_ip.family = fa->tcp.server_ip.family = p->ipver;
	memcpy(fa->tcp.client_ip.addr, f->caddr, alen);
	memcpy(fa->tcp.server_ip.addr, f->saddr, alen);
	fa->tcp.client_port = f->cport;
	fa->tcp.server_port = f->sport;
	fa->tcp.first_frame = p->frame;
	fa->tcp.first_ts = p->ts;

	uint32_t h = flow_hash(f) & ct->mask;
	f->hnext = ct->table[h];
	ct->table[h] = f;
	f->prev = ct->newest;
	if (ct->newest)
		ct->newest->next = f;
	else
		ct->oldest = f;
	ct->newest = f;
	activity_append(ct, f);
	ct->st.flows++;
	if (++ct->st.live > ct->st.peak)
		ct->st.peak = ct->st.live;
	if (ct->st.live > (size_t)ct->mask + 1)
		grow(ct);
	return f;
}

static bool flow_over(const struct td_flow *f)
{
	const struct td_tcp_facts *t = &f->facts->tcp;
	return t->rst_frame || (t->fin_frame_client && t->fin_frame_server);
}

static void on_syn(struct td_flow *f, const struct td_pkt *p)
{
	struct td_tcp_facts *t = &f->facts->tcp;
	if (t->syn_count++ == 0) {
		f->isn = p->seq;
		t->syn_frame = p->frame;
		t->syn_ts = p->ts;
	}
	t->syn_last_ts = p->ts;
}

static void on_rst(struct td_flow *f, const struct td_pkt *p, enum td_dir dir)
{
	struct td_tcp_facts *t = &f->facts->tcp;
	if (t->rst_frame)
		return;
	t->rst_frame = p->frame;
	t->rst_ts = p->ts;
	t->rst_ttl = p->ttl;
	t->reset_by = dir == TD_DIR_C2S ? TD_WHO_CLIENT : TD_WHO_SERVER;
	t->rst_before_data = t->bytes[0] == 0 && t->bytes[1] == 0;
	/* The answer to the SYN: the server's first packet, and the client
	 * sent nothing but SYNs. A client that sent more got a SYN-ACK (the
	 * capture lost it): that reset is no refusal. */
	t->rst_answers_syn = dir == TD_DIR_S2C && !t->synack_frame && t->syn_count > 0 &&
			     t->packets_dir[TD_DIR_C2S] == t->syn_count && t->packets_dir[TD_DIR_S2C] == 1;
}

static void on_fin(struct td_flow *f, const struct td_pkt *p, enum td_dir dir)
{
	struct td_tcp_facts *t = &f->facts->tcp;
	uint64_t *frame = dir == TD_DIR_C2S ? &t->fin_frame_client : &t->fin_frame_server;
	if (*frame)
		return;
	*frame = p->frame;
	*(dir == TD_DIR_C2S ? &t->fin_ts_client : &t->fin_ts_server) = p->ts;
	uint8_t who = dir == TD_DIR_C2S ? TD_WHO_CLIENT : TD_WHO_SERVER;
	t->fin_by |= who;
	if (!t->first_fin_by)
		t->first_fin_by = who;
}

/* Lost segments, as Wireshark finds them ("previous segment not captured",
 * "ACKed segment that wasn't captured"), judged at the end so that a
 * segment captured after its ACK (two taps merged, multi-queue NICs) or
 * after a later one (reordering) is no loss: per side, how far its
 * segments reach without a gap, the first gap, and how far the peer
 * acknowledged. Further than this past what was seen is another
 * connection's number (a stale ACK answering a SYN), not a loss. */
#define SEQ_PLAUSIBLE (1u << 24)

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static void track_data(struct td_seq_track *s, const struct td_pkt *p)
{
	bool syn = p->flags & TD_TCP_SYN;
	uint32_t end = p->seq + (uint32_t)p->payload_wire_len + syn + !!(p->flags & TD_TCP_FIN);
	if (!s->seen) {
		s->seen = true;
		s->syn_only = syn;
		s->cont = s->end = end;
	} else if (!syn) {
		s->syn_only = false;
	}
	if (!seq_after(p->seq, s->cont)) {
		if (seq_after(end, s->cont))
			s->cont = end;
	} else if (!s->gap && p->seq - s->cont > 1 && p->seq - s->cont < SEQ_PLAUSIBLE) {
		/* (a gap of one is a lost FIN: no data) */
		s->gap = true;
		s->gap_lo = s->cont;
		s->gap_hi = p->seq;
		/* Where it first showed: an ACK past the capture may have come first. */
		s->gap_frame = s->beyond_frame ? s->beyond_frame : p->frame;
	}
	if (s->gap && !seq_after(p->seq, s->gap_lo) && seq_after(end, s->gap_lo)) {
		if (!seq_after(s->gap_hi, end)) {
			s->gap = false; /* the segment came after all */
			s->cont = seq_after(s->end, end) ? s->end : end;
		} else {
			s->gap_lo = end; /* its first part came: the rest may still come */
		}
	}
	if (seq_after(end, s->end))
		s->end = end;
	if (s->beyond_frame && !seq_after(s->ack, s->end + 1))
		s->beyond_frame = 0;
}

static void track_ack(struct td_seq_track *s, const struct td_pkt *p)
{
	if (!s->seen || s->syn_only || (p->flags & TD_TCP_SYN) || p->ack - s->end > SEQ_PLAUSIBLE)
		return;
	if (!s->acked || seq_after(p->ack, s->ack)) {
		s->acked = true;
		s->ack = p->ack;
	}
	/* One past what was seen is a lost FIN only: no data is missing. */
	if (!s->beyond_frame && seq_after(s->ack, s->end + 1))
		s->beyond_frame = p->frame;
}

/* A connection followed from the client's first data (TLS by content, an
 * upgrade command on a STARTTLS port) has not seen the server's side yet,
 * but the client's ACK says where the server's next byte is. The server
 * was waiting for that data (TLS and the STARTTLS protocols speak in turn),
 * so what it sends next starts there: a first segment beyond it follows a
 * loss (the lost "220 Ready to start TLS"). */
static bool start_from_ack(const struct td_flow *f, const struct td_pkt *p, enum td_dir dir)
{
	const struct td_seq_track *server = &f->seq[TD_DIR_S2C];
	return dir == TD_DIR_C2S && (p->flags & TD_TCP_ACK) && !server->seen &&
	       (f->by_content || f->starttls_port || f->seq_from_hello) && !f->facts->tcp.syn_count &&
	       !f->facts->tcp.synack_frame;
}

static bool opens_with_client_hello(const uint8_t *d, size_t n);

static void track_seq(struct td_flow *f, const struct td_pkt *p, enum td_dir dir)
{
	/* A fragment's TCP length is the reassembled packet's, which only
	 * libnids sees; a mid-stream start's first ACKs answer data sent
	 * before the capture. Neither is judged, but for a mid-stream start
	 * whose first packet is the client's ClientHello: the server has sent
	 * nothing yet in TLS, so nothing of its can be in flight, and the
	 * connection is judged from there (the SYN lost, not the start). */
	if (f->facts->tcp.midstream && !f->seq[0].seen && !f->seq[1].seen && !f->seq_unknown)
		f->seq_from_hello = dir == TD_DIR_C2S && opens_with_client_hello(p->payload, p->payload_len);
	if (p->fragment || (f->facts->tcp.midstream && !f->seq_from_hello))
		f->seq_unknown = true;
	if ((p->flags & TD_TCP_RST) || f->seq_unknown)
		return;
	if (start_from_ack(f, p, dir)) {
		struct td_seq_track *server = &f->seq[TD_DIR_S2C];
		server->seen = true;
		server->cont = server->end = p->ack;
	}
	track_data(&f->seq[dir], p);
	if (p->flags & TD_TCP_ACK)
		track_ack(&f->seq[dir == TD_DIR_C2S ? TD_DIR_S2C : TD_DIR_C2S], p);
}

void td_conntrack_holes(struct td_flow *f)
{
	for (int d = 0; d < 2 && !f->seq_unknown; d++) {
		const struct td_seq_track *s = &f->seq[d];
		uint64_t frame = 0;
		/* A gap still open at the end: bytes the side sent (a later
		 * segment of its starts past them) that the capture never had,
		 * whether the peer acknowledged them (the capture lost them) or
		 * not (the network did, and nothing filled them in). */
		if (s->gap)
			frame = s->gap_frame;
		else if (s->beyond_frame)
			frame = s->beyond_frame; /* the peer got more than the capture holds */
		if (frame) {
			f->facts->tcp.hole[d] = true;
			f->facts->tcp.hole_frame[d] = frame;
		}
	}
}

static void update(struct td_flow *f, const struct td_pkt *p, enum td_dir dir)
{
	struct td_tcp_facts *t = &f->facts->tcp;
	t->last_frame = p->frame;
	t->last_ts = p->ts;
	t->packets++;
	t->packets_dir[dir]++;
	if (p->cut)
		t->snapped_packets++;
	if ((p->flags & (TD_TCP_SYN | TD_TCP_ACK)) == TD_TCP_SYN && dir == TD_DIR_C2S)
		on_syn(f, p);
	if ((p->flags & (TD_TCP_SYN | TD_TCP_ACK)) == (TD_TCP_SYN | TD_TCP_ACK) && dir == TD_DIR_S2C &&
	    !t->synack_frame) {
		t->synack_frame = p->frame;
		t->synack_ts = p->ts;
		t->synack_ttl = p->ttl;
	}
	if (p->payload_wire_len && !(p->flags & TD_TCP_RST)) {
		t->bytes[dir] += p->payload_wire_len;
		if (!t->first_data_frame[dir])
			t->first_data_frame[dir] = p->frame;
	}
	if (p->flags & TD_TCP_RST)
		on_rst(f, p, dir);
	if (p->flags & TD_TCP_FIN)
		on_fin(f, p, dir);
	track_seq(f, p, dir);
}

/* Is a SYN on a known tuple a new connection (port reuse) rather than a retransmission? */
static bool new_connection(const struct td_flow *f, const struct td_pkt *p, enum td_dir dir)
{
	bool syn = (p->flags & (TD_TCP_SYN | TD_TCP_ACK)) == TD_TCP_SYN;
	if (!syn || dir != TD_DIR_C2S)
		return false;
	return flow_over(f) || (f->facts->tcp.syn_count > 0 && p->seq != f->isn);
}

/* The first payload of a connection whose SYN was not seen: does it look
 * like a client's opening (a TLS ClientHello, an SSLv2 hello, an HTTP
 * request line)? Roles come from the wire, not from port numbers. */
static bool looks_like_client_opening(const struct td_pkt *p)
{
	static const char *const methods[] = { "GET ", "POST ", "HEAD ", "PUT ", "CONNECT ", "OPTIONS " };
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	if (n >= 6 && d[0] == 0x16 && d[1] == 3 && d[5] == 1)
		return true;
	if (n >= 3 && (d[0] & 0x80) && d[2] == 1)
		return true;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (n >= strlen(methods[i]) && memcmp(d, methods[i], strlen(methods[i])) == 0)
			return true;
	return false;
}

/* The first client bytes of a connection on no analyzed port: a TLS
 * handshake record holding a ClientHello (version 3.x), or an SSLv2-format
 * CLIENT-HELLO (2-byte header, type 1, version 2 or 3.x). Six bytes decide;
 * nothing else on such a port is ever followed. */
static bool opens_with_client_hello(const uint8_t *d, size_t n)
{
	if (n >= 6 && d[0] == 0x16 && d[1] == 3 && d[2] <= 4 && d[5] == 1)
		return true;
	return n >= 5 && (d[0] & 0x80) && d[2] == 1 && ((d[3] == 0 && d[4] == 2) || (d[3] == 3 && d[4] <= 4));
}

/* A SYN to a STARTTLS port (25, 143, 389 ...): followed from the start,
 * quietly until its preamble asks for TLS (src/tls_preamble.c). */
static struct td_flow *starttls_syn(struct td_conntrack *ct, const struct td_pkt *p, const char *file)
{
	struct td_flow *f = create(ct, p, true, file);
	if (!f)
		return NULL;
	f->starttls_port = true;
	ct->content_live++;
	return f;
}

/* A payload to or from a STARTTLS port of a connection whose SYN was not
 * seen: followed from there (started before the capture), quietly too. */
static struct td_flow *starttls_midstream(struct td_conntrack *ct, const struct td_pkt *p, const char *file)
{
	bool to = td_preamble_port(p->dport) != TD_PRE_NONE;
	if (!to && td_preamble_port(p->sport) == TD_PRE_NONE)
		return NULL;
	struct td_flow *f = create(ct, p, to, file);
	if (!f)
		return NULL;
	f->starttls_port = true;
	f->facts->tcp.midstream = true;
	ct->content_live++;
	return f;
}

/* TLS by content: a packet on no analyzed port is looked up only while
 * some flow was found that way, and gets a flow of its own only when it
 * carries a ClientHello or an upgrade command (STARTTLS, SSLRequest ...),
 * or is a SYN to a STARTTLS port. The cost for other traffic is a test of
 * its first bytes (and length) per data packet, no allocation. */
static struct td_flow *by_content(struct td_conntrack *ct, const struct td_pkt *p, const char *file)
{
	enum td_dir dir;
	struct td_flow *f = ct->content_live ? lookup(ct, p->ipver, p->src, p->sport, p->dst, p->dport, &dir) : NULL;
	if (f)
		return f;
	if ((p->flags & (TD_TCP_SYN | TD_TCP_ACK)) == TD_TCP_SYN && td_preamble_port(p->dport) != TD_PRE_NONE)
		return starttls_syn(ct, p, file);
	if (!p->payload_len || (p->flags & (TD_TCP_SYN | TD_TCP_RST)) || !(p->flags & TD_TCP_ACK))
		return NULL;
	enum td_pre_proto cmd = TD_PRE_NONE;
	if (!opens_with_client_hello(p->payload, p->payload_len) &&
	    (cmd = td_preamble_command(p->payload, p->payload_len)) == TD_PRE_NONE)
		return starttls_midstream(ct, p, file);
	if (!(f = create(ct, p, true, file)))
		return NULL;
	if (cmd != TD_PRE_NONE) {
		/* From the command on: the port's own guess, if any, gives way. */
		td_preamble_free(f->pre);
		if (!(f->pre = td_preamble_new(cmd, true)))
			f->ignored = true;
		/* A SOCKS request's bytes are less telling than a STARTTLS line:
		 * reported once refused, or once TLS goes through the tunnel. */
		f->starttls_port = cmd == TD_PRE_SOCKS;
	}
	f->by_content = true;
	f->facts->tcp.by_content = true;
	ct->content_live++;
	ct->st.content_flows++;
	return f;
}

/* A flow for a packet that has none: from a SYN to an analyzed port, or
 * (started before the capture) from its first payload. A client whose
 * source port happens to be an analyzed one, talking to a port that is
 * not, gets a flow that is followed quietly and never reported. */
static struct td_flow *new_flow(struct td_conntrack *ct, const struct td_pkt *p, bool to_server,
				const char *file)
{
	bool syn = (p->flags & (TD_TCP_SYN | TD_TCP_ACK)) == TD_TCP_SYN;
	struct td_flow *f = NULL;
	if (syn) {
		f = create(ct, p, true, file);
		if (f && !to_server) {
			f->ignored = true;
			ct->st.ignored_flows++;
		}
	} else if (p->payload_wire_len && !(p->flags & (TD_TCP_SYN | TD_TCP_RST))) {
		bool src_is_client = to_server;
		bool reversed = false;
		if (looks_like_client_opening(p)) {
			reversed = !to_server;
			src_is_client = true;
		}
		f = create(ct, p, src_is_client, file);
		if (f) {
			f->facts->tcp.midstream = true;
			if (reversed) {
				f->ignored = true;
				ct->st.ignored_flows++;
			}
		}
	} else {
		ct->st.stray_packets++;
	}
	return f;
}

static enum td_dir dir_of(const struct td_flow *f, const struct td_pkt *p)
{
	bool from_client = p->sport == f->cport && !memcmp(p->src, f->caddr, p->ipver == 6 ? 16 : 4);
	return from_client ? TD_DIR_C2S : TD_DIR_S2C;
}

struct td_flow *td_conntrack_packet(struct td_conntrack *ct, const struct td_pkt *p, const char *file)
{
	if (p->ts > ct->last_ts)
		ct->last_ts = p->ts;
	bool to_server = td_port_in(ct->ports->tls, p->dport) || td_port_in(ct->ports->proxy, p->dport);
	bool from_server = td_port_in(ct->ports->tls, p->sport) || td_port_in(ct->ports->proxy, p->sport);
	enum td_dir dir = TD_DIR_C2S;
	struct td_flow *f;
	if (!to_server && !from_server) {
		if (!ct->ports->by_content || !(f = by_content(ct, p, file)))
			return NULL;
		dir = dir_of(f, p);
	} else {
		f = lookup(ct, p->ipver, p->src, p->sport, p->dst, p->dport, &dir);
		if (f && new_connection(f, p, dir) && !f->reasm_active) {
			td_conntrack_finish(ct, f);
			f = NULL;
		}
		if (!f) {
			if (!(f = new_flow(ct, p, to_server, file)))
				return NULL;
			dir = dir_of(f, p);
		}
	}
	update(f, p, dir);
	activity_touch(ct, f);
	if (p->cut && p->payload_wire_len && !f->snap)
		f->snap = td_tls_snap_new();
	if (f->snap && !f->ignored)
		td_tls_snap_segment(f->snap, f->facts, dir, p);
	if (f->ignored || f->reported) {
		/* Counted, never analyzed (again): it ends when TCP says so. */
		if (flow_over(f))
			td_conntrack_finish(ct, f);
		return NULL;
	}
	return f;
}

void td_conntrack_settle(struct td_conntrack *ct, struct td_flow *f)
{
	if (f && !f->reasm_active && flow_over(f))
		td_conntrack_finish(ct, f);
}

/* End of input: what is still open was open when the capture stopped. */
void td_conntrack_flush(struct td_conntrack *ct)
{
	while (ct->oldest) {
		ct->oldest->facts->open_at_end = true;
		ct->oldest->facts->capture_end_ts = ct->last_ts;
		td_conntrack_finish(ct, ct->oldest);
	}
}

void td_conntrack_free(struct td_conntrack *ct)
{
	if (!ct)
		return;
	td_conntrack_flush(ct);
	free(ct->table);
	free(ct);
}

void td_conntrack_stats(const struct td_conntrack *ct, struct td_conntrack_stats *st)
{
	*st = ct->st;
}

static bool decided(const struct td_flow *f);

static void stop_collecting(struct td_flow *f, enum td_dir dir, enum td_cap cap)
{
	td_facts_cap(f->facts, cap);
	f->collecting[dir] = false;
}

/* The TLS reader, made on first use; a direction whose start is missing
 * looks for a record boundary first. */
static struct td_tls_stream *flow_tls(struct td_flow *f)
{
	if (f->tls || !(f->tls = td_tls_new(f->facts->on_proxy_port, f->lim->hs_max)))
		return f->tls;
	if (f->facts->tcp.midstream)
		td_tls_set_midstream(f->tls);
	for (int d = 0; d < 2; d++)
		if (f->facts->tcp.not_captured[d])
			td_tls_set_resync(f->tls, (enum td_dir)d);
	return f->tls;
}

void td_flow_gap(struct td_flow *f, enum td_dir dir, uint32_t bytes)
{
	f->facts->tcp.not_captured[dir] += bytes;
	/* Without a reader yet, flow_tls() sees the count when it makes one;
	 * a preamble read from partway through finds its own footing. */
	if (f->tls && !f->pre)
		td_tls_set_resync(f->tls, dir);
}

static void tls_data(struct td_flow *f, enum td_dir dir, const uint8_t *data, size_t len, uint64_t frame,
		     double ts);

/* The plaintext before TLS. False when nothing is left for the TLS
 * stream; bytes the preamble held that turned out to be TLS go to it
 * first. A direction the preamble stopped is not read further, and plain
 * traffic on a STARTTLS port is let go altogether. */
static bool preamble(struct td_flow *f, enum td_dir dir, const uint8_t **data, size_t *len, uint64_t frame,
		     double ts)
{
	const uint8_t *held;
	size_t held_len;
	size_t used = td_preamble_feed(f->pre, f->facts, dir, *data, *len, frame, ts, &held, &held_len);
	enum td_pre_state st = td_preamble_state(f->pre, dir);
	if (st == TD_PRE_STOPPED) {
		f->collecting[dir] = false;
		if (quiet(f) && td_preamble_state(f->pre, !dir) == TD_PRE_STOPPED)
			f->collecting[!dir] = false;
		return false;
	}
	if (held_len)
		tls_data(f, dir, held, held_len, frame, ts);
	*data += used;
	*len -= used;
	return *len > 0 && f->collecting[dir];
}

void td_flow_data(struct td_flow *f, enum td_dir dir, const uint8_t *data, size_t len,
		  uint64_t frame, double ts)
{
	if (!f->collecting[dir])
		return;
	/* The caps on what one direction may cost: the heap, and its bytes. */
	if (td_memcap_reached()) {
		stop_collecting(f, dir, TD_CAP_MEMORY);
		return;
	}
	if (len > f->lim->max_bytes - f->fed[dir])
		len = (size_t)(f->lim->max_bytes - f->fed[dir]);
	f->fed[dir] += len;
	/* On an analyzed port, a connection that opens like a STARTTLS one (a
	 * greeting, EHLO, an upgrade command: a port given with -p) has its
	 * preamble read too. */
	enum td_pre_proto open;
	bool partial = f->facts->tcp.midstream || f->by_content;
	if (!f->pre && !f->tls && f->pre_proto)
		f->pre = td_preamble_new((enum td_pre_proto)f->pre_proto, partial);
	else if (!f->pre && !f->tls && !f->facts->on_proxy_port &&
		 (open = td_preamble_opening(dir, data, len)) != TD_PRE_NONE)
		f->pre = td_preamble_new(open, partial || (dir == TD_DIR_C2S && td_preamble_command(data, len) != TD_PRE_NONE));
	if (f->pre && td_preamble_state(f->pre, dir) != TD_PRE_TLS && !preamble(f, dir, &data, &len, frame, ts)) {
		if (!f->decided_ts && decided(f))
			f->decided_ts = ts;
		return;
	}
	tls_data(f, dir, data, len, frame, ts);
}

static void tls_data(struct td_flow *f, enum td_dir dir, const uint8_t *data, size_t len, uint64_t frame,
		     double ts)
{
	if (!flow_tls(f))
		return;
	td_tls_feed(f->tls, f->facts, dir, data, len, frame, ts);
	if (td_tls_dir_done(f->tls, f->facts, dir))
		f->collecting[dir] = false;
	else if (f->fed[dir] == f->lim->max_bytes)
		stop_collecting(f, dir, TD_CAP_BYTES);
	if (!f->decided_ts && decided(f))
		f->decided_ts = ts;
}

/* Has the handshake an outcome the rest of the connection will not change?
 * Both Finished seen (what follows within the grace, a client's alert
 * after its name check, still counts), or both directions read to the end
 * the verdict needs (with NULL encryption: the HTTP heads too, so that
 * case waits for them). */
static bool decided(const struct td_flow *f)
{
	const struct td_tls_facts *t = f->facts->tls;
	if (!f->collecting[0] && !f->collecting[1])
		return true;
	return t && !t->null_plaintext && t->dir[TD_DIR_C2S].finished_seen && t->dir[TD_DIR_S2C].finished_seen;
}

/* Report a flow now, before TCP ends it, and keep it as a tombstone: its
 * late packets must not start a connection of their own ("started before
 * the capture"). What the verdict no longer needs is freed at once. */
static void report_early(struct td_conntrack *ct, struct td_flow *f)
{
	if (quiet(f))
		f->ignored = true;
	else
		ct->on_finish(f, ct->arg);
	f->reported = true;
	f->reasm_active = false; /* the finish callback had libnids forget it */
	f->collecting[0] = f->collecting[1] = false;
	td_preamble_free(f->pre);
	f->pre = NULL;
	td_tls_free(f->tls);
	f->tls = NULL;
	td_tls_snap_free(f->snap);
	f->snap = NULL;
	ct->st.early++;
}

/* No answer to the SYN yet: clients retransmit it for a while (Windows
 * waits 3, 6 then 12 s; Linux doubles from 1 s up to 32 s), so waiting
 * less than that would cut one attempt in two. */
#define SYN_PATIENCE 35.0

static double handshake_limit(const struct td_flow *f, double handshake)
{
	const struct td_tcp_facts *t = &f->facts->tcp;
	bool syn_phase = t->syn_count && !t->synack_frame && !t->bytes[0] && !t->bytes[1];
	return syn_phase && handshake < SYN_PATIENCE ? SYN_PATIENCE : handshake;
}

/* Decided by time, at the moment the rule fired (the flow's last packet
 * plus the limit), not at the sweep that noticed it: a sweep may come much
 * later (a sparse file, the next input file), and a file and a live run of
 * the same traffic must say the same "no packet for N s". When that moment
 * falls after `seen` (the end of an input file followed by a later one),
 * what came in between was not captured: the flow ends as open when its
 * file ended, as it would have with that file alone. */
static void stall(struct td_conntrack *ct, struct td_flow *f, double now, double limit, double seen)
{
	double at = f->facts->tcp.last_ts + limit;
	if (at > now)
		at = now;
	f->facts->open_at_end = true;
	if (at > seen) {
		f->facts->capture_end_ts = seen;
	} else {
		f->facts->stalled = true;
		f->facts->capture_end_ts = at;
		ct->st.stalled++;
	}
	report_early(ct, f);
}

/* A reported connection silent this long is forgotten even before
 * --idle-timeout: its verdict is out, and late packets after such a silence
 * are rare (a SYN is retransmitted for 35 s at most). Tombstones are most
 * of the flows a long run holds, so this keeps the tracker small. */
#define TOMBSTONE_KEEP 60.0

static double tombstone_keep(const struct td_timeouts *to)
{
	return to->idle < TOMBSTONE_KEEP ? to->idle : TOMBSTONE_KEEP;
}

static void expire_one(struct td_conntrack *ct, struct td_flow *f, double now, double seen,
		       const struct td_timeouts *to)
{
	double idle = now - f->facts->tcp.last_ts;
	if (f->ignored || f->reported) {
		if (to->idle > 0 && idle >= (f->reported ? tombstone_keep(to) : to->idle)) {
			ct->st.retired++;
			td_conntrack_finish(ct, f);
		}
		return;
	}
	double hs = to->handshake > 0 ? handshake_limit(f, to->handshake) : 0;
	if (f->decided_ts && to->grace > 0 && now - f->decided_ts >= to->grace)
		report_early(ct, f);
	else if (!f->decided_ts && hs > 0 && idle >= hs)
		stall(ct, f, now, hs, seen);
	else if (to->idle > 0 && idle >= to->idle)
		stall(ct, f, now, to->idle, seen); /* decided long ago without grace: idle all the same */
}

/* The shortest idle time any rule acts on: flows less idle than this are
 * left alone. */
static double least_idle(const struct td_timeouts *to)
{
	double m = to->handshake > 0 ? to->handshake : 0;
	if (to->idle > 0 && (m == 0 || to->idle < m))
		m = to->idle;
	return m;
}

static void sweep(struct td_conntrack *ct, double now, double seen, const struct td_timeouts *to)
{
	struct td_flow *next;
	if (to->grace > 0) {
		/* Decided flows are due by their decision's time, not their
		 * activity: every flow is looked at (live: a few times a second
		 * of real time, whatever the packet rate). */
		for (struct td_flow *f = ct->oldest; f; f = next) {
			next = f->next; /* f may be freed */
			expire_one(ct, f, now, seen, to);
		}
		return;
	}
	/* Only the idle end of the activity list: the walk stops at the first
	 * flow that no rule can touch yet. */
	double m = least_idle(to);
	if (m <= 0)
		return;
	for (struct td_flow *f = ct->idlest; f && now - f->facts->tcp.last_ts >= m; f = next) {
		next = f->anext;
		expire_one(ct, f, now, seen, to);
	}
}

void td_conntrack_expire(struct td_conntrack *ct, double now, const struct td_timeouts *to)
{
	sweep(ct, now, now, to);
}

void td_conntrack_next_file(struct td_conntrack *ct, double from, double to, const struct td_timeouts *tmo)
{
	if (to > from) {
		sweep(ct, from, from, tmo); /* what was due before the first file ended */
		sweep(ct, to, from, tmo);   /* what fell due unseen, in the gap */
	}
	/* The end of the capture, for what is open at the end of input, is
	 * the end of the last file, even when an earlier one ran later. */
	ct->last_ts = to;
}
