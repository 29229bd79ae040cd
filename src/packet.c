/*
 * IPv4 / IPv6 and TCP headers, read through the bounds-checked reader.
 * IPv6 extension headers are walked here (the translation for libnids only
 * copies what this file found), and a packet in a tunnel (6in4, IP in IP,
 * Teredo, GRE, ERSPAN, VXLAN, GENEVE: src/tunnel.c) is read in place of its
 * carrier, a few tunnels deep.
 */
#include <string.h>
#include "tlsdiag/packet.h"
#include "tlsdiag/rd.h"

#define PROTO_HOPOPT 0
#define PROTO_IPIP 4
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_IPV6 41
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_GRE 47
#define PROTO_DSTOPTS 60

/* What an IP header leaves for the next layer. */
struct l3 {
	uint8_t proto;
	size_t l4_wire;   /* bytes of the next layer on the wire */
	bool later_frag;  /* a fragment past the first: no next-layer header */
};

static enum td_err ipv4(struct td_pkt *p, struct td_rd *r, struct l3 *o)
{
	uint8_t vihl;
	uint16_t total, frag;
	const uint8_t *a;
	TD_TRY(td_rd_u8(r, &vihl));
	size_t hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < 20)
		return TD_E_FORMAT;
	TD_TRY(td_rd_skip(r, 1));
	TD_TRY(td_rd_u16(r, &total));
	TD_TRY(td_rd_skip(r, 2));
	TD_TRY(td_rd_u16(r, &frag));
	TD_TRY(td_rd_u8(r, &p->ttl));
	TD_TRY(td_rd_u8(r, &o->proto));
	TD_TRY(td_rd_skip(r, 2));
	TD_TRY(td_rd_bytes(r, 4, &a));
	memcpy(p->src, a, 4);
	TD_TRY(td_rd_bytes(r, 4, &a));
	memcpy(p->dst, a, 4);
	TD_TRY(td_rd_skip(r, hlen - 20));
	/* Segmentation offload: the stack had not filled in the length yet
	 * (Wireshark: "reported as 0, presumed TSO"). Take what was captured. */
	if (total == 0) {
		size_t have = td_rd_left(r) + hlen;
		total = have > 0xffff ? 0xffff : (uint16_t)have;
	}
	if (total < hlen)
		return TD_E_RANGE;
	p->ipver = 4;
	/* More-fragments or an offset: not a whole TCP segment; libnids
	 * reassembles fragments, the tracker counts only first fragments. */
	p->fragment = (frag & 0x3fff) != 0;
	o->later_frag = (frag & 0x1fff) != 0;
	o->l4_wire = total - hlen;
	return TD_E_OK;
}

/* Routing header in transit (segments left > 0): the address the packet is
 * finally for, which the answers come from. Types 0 (RFC 2460) and 2
 * (RFC 6275) list it last, a segment routing header (type 4, RFC 8754)
 * first. Other types keep the destination address as it is. */
static enum td_err routing_final(struct td_pkt *p, struct td_rd h, size_t n)
{
	uint8_t type, left;
	const uint8_t *a;
	TD_TRY(td_rd_skip(&h, 2)); /* next header, length: read by the walker */
	TD_TRY(td_rd_u8(&h, &type));
	TD_TRY(td_rd_u8(&h, &left));
	if (left == 0 || n < 24)
		return TD_E_OK;
	TD_TRY(td_rd_skip(&h, 4));
	if (type == 0 || type == 2) {
		size_t addrs = (n - 8) / 16;
		TD_TRY(td_rd_skip(&h, (addrs - 1) * 16));
	} else if (type != 4) {
		return TD_E_OK;
	}
	TD_TRY(td_rd_bytes(&h, 16, &a));
	memcpy(p->dst, a, 16);
	return TD_E_OK;
}

/* The fragment header (RFC 8200 4.5). A fragment whose fragmentable part
 * starts with anything but TCP is not followed: its offsets would count
 * bytes the IPv4 translation does not carry. */
static enum td_err fragment_header(struct td_pkt *p, struct td_rd *r, size_t *left, struct l3 *o)
{
	uint8_t next;
	uint16_t offm;
	if (*left < 8)
		return TD_E_RANGE;
	TD_TRY(td_rd_u8(r, &next));
	TD_TRY(td_rd_skip(r, 1));
	TD_TRY(td_rd_u16(r, &offm));
	TD_TRY(td_rd_u32(r, &p->frag_id));
	*left -= 8;
	o->proto = next;
	p->frag_off = (uint16_t)(offm >> 3);
	p->frag_more = (offm & 1) != 0;
	/* An atomic fragment (offset 0, no more) is a whole packet. */
	p->fragment = p->frag_off != 0 || p->frag_more;
	o->later_frag = p->frag_off != 0;
	if (p->fragment && next != PROTO_TCP)
		return TD_E_FORMAT;
	return TD_E_OK;
}

/* Walk hop-by-hop, routing, destination options and fragment headers. */
static enum td_err ipv6_ext(struct td_pkt *p, struct td_rd *r, size_t *left, struct l3 *o)
{
	/* At most one of each kind plus a second destination options header
	 * (RFC 8200 4.1); a longer chain is not a packet any stack sends. */
	for (int hops = 0; hops < 8; hops++) {
		if (o->proto == PROTO_FRAGMENT) {
			TD_TRY(fragment_header(p, r, left, o));
			if (o->later_frag)
				return TD_E_OK;
			continue;
		}
		if (o->proto != PROTO_HOPOPT && o->proto != PROTO_ROUTING && o->proto != PROTO_DSTOPTS)
			return TD_E_OK;
		uint8_t hdr_next, hdr_len;
		struct td_rd h = *r;
		TD_TRY(td_rd_u8(r, &hdr_next));
		TD_TRY(td_rd_u8(r, &hdr_len));
		size_t n = ((size_t)hdr_len + 1) * 8;
		if (n > *left)
			return TD_E_RANGE;
		TD_TRY(td_rd_skip(r, n - 2));
		if (o->proto == PROTO_ROUTING)
			TD_TRY(routing_final(p, td_rd_make(h.p, n), n));
		*left -= n;
		o->proto = hdr_next;
	}
	return TD_E_FORMAT;
}

static enum td_err ipv6(struct td_pkt *p, struct td_rd *r, struct l3 *o)
{
	uint16_t plen;
	const uint8_t *a;
	TD_TRY(td_rd_skip(r, 4));
	TD_TRY(td_rd_u16(r, &plen));
	TD_TRY(td_rd_u8(r, &o->proto));
	TD_TRY(td_rd_u8(r, &p->ttl));
	TD_TRY(td_rd_bytes(r, 16, &a));
	memcpy(p->src, a, 16);
	TD_TRY(td_rd_bytes(r, 16, &a));
	memcpy(p->dst, a, 16);
	p->ipver = 6;
	/* A payload length of 0 is a jumbogram (RFC 2675): over 64 KiB, more
	 * than an IPv4 packet for libnids can hold. */
	if (plen == 0)
		return TD_E_UNSUPPORTED;
	size_t left = plen;
	TD_TRY(ipv6_ext(p, r, &left, o));
	o->l4_wire = left;
	return TD_E_OK;
}

/* Is this next protocol one src/tunnel.c may peel? */
static bool carrier_proto(uint8_t proto)
{
	return proto == PROTO_IPIP || proto == PROTO_UDP || proto == PROTO_IPV6 || proto == PROTO_GRE;
}

/* The IP packet a carrier holds: *inner covers it. */
static enum td_err tunnel(struct td_pkt *p, struct td_rd *r, const struct l3 *o, struct td_rd *inner)
{
	size_t n = td_rd_left(r) < o->l4_wire ? td_rd_left(r) : o->l4_wire;
	const uint8_t *b, *ip;
	size_t iplen;
	if (o->later_frag || p->fragment)
		return TD_E_FORMAT; /* a fragmented carrier is not reassembled */
	TD_TRY(td_rd_bytes(r, n, &b));
	TD_TRY(td_tunnel_inner(o->proto, b, n, &p->encap, &ip, &iplen));
	*inner = td_rd_make(ip, iplen);
	return TD_E_OK;
}

/* The IP header(s): r is left at the TCP header, o says what follows. A
 * carrier is peeled and its inner packet read in its place, at most
 * TD_ENCAP_DEPTH times (a GRE in a VXLAN in an MPLS pseudowire is real;
 * deeper is a loop or an attack). */
static enum td_err ip_layer(struct td_pkt *p, struct td_rd *r, struct l3 *o)
{
	for (unsigned depth = 0;; depth++) {
		uint8_t v;
		TD_TRY(td_rd_peek_u8(r, 0, &v));
		if (v >> 4 == 6)
			TD_TRY(ipv6(p, r, o));
		else if (v >> 4 == 4)
			TD_TRY(ipv4(p, r, o));
		else
			return TD_E_FORMAT;
		if (!carrier_proto(o->proto))
			return TD_E_OK;
		if (depth == TD_ENCAP_DEPTH)
			return TD_E_FORMAT;
		struct td_rd inner;
		TD_TRY(tunnel(p, r, o, &inner));
		p->encap_depth = (uint8_t)(depth + 1);
		p->fragment = false;
		p->frag_id = 0;
		p->frag_off = 0;
		p->frag_more = false;
		memset(p->src, 0, sizeof(p->src)); /* an IPv4 inner packet fills 4 of 16 */
		memset(p->dst, 0, sizeof(p->dst));
		p->ip = inner.p;
		p->ip_len = td_rd_left(&inner);
		*r = inner;
		*o = (struct l3){ 0 };
	}
}

enum td_err td_pkt_decode(struct td_pkt *p, const uint8_t *ip, size_t iplen)
{
	struct td_rd r = td_rd_make(ip, iplen);
	struct l3 o = { 0 };
	p->ip = ip;
	p->ip_len = iplen;
	TD_TRY(ip_layer(p, &r, &o));
	if (o.proto != PROTO_TCP)
		return TD_E_FORMAT;
	p->l4 = r.p;
	p->l4_caplen = td_rd_left(&r);
	p->l4_wire_len = o.l4_wire;
	if (o.later_frag)
		return TD_E_UNSUPPORTED;
	size_t l4_wire = o.l4_wire;

	uint8_t off, flags;
	TD_TRY(td_rd_u16(&r, &p->sport));
	TD_TRY(td_rd_u16(&r, &p->dport));
	TD_TRY(td_rd_u32(&r, &p->seq));
	TD_TRY(td_rd_u32(&r, &p->ack));
	TD_TRY(td_rd_u8(&r, &off));
	TD_TRY(td_rd_u8(&r, &flags));
	size_t thlen = (size_t)(off >> 4) * 4;
	if (thlen < 20 || thlen > l4_wire)
		return TD_E_RANGE;
	p->flags = flags;
	/* A snapped capture may cut the TCP options: the flags still count. */
	if (td_rd_skip(&r, 6) != TD_E_OK || td_rd_skip(&r, thlen - 20) != TD_E_OK) {
		r.p = r.end;
		p->cut = true;
	}
	p->payload_wire_len = l4_wire - thlen;
	/* Ethernet padding may follow a short IP packet: count only what the
	 * IP header says is payload. */
	size_t have = td_rd_left(&r);
	p->payload_len = have < p->payload_wire_len ? have : p->payload_wire_len;
	p->cut |= p->payload_len < p->payload_wire_len;
	p->payload = r.p;
	return TD_E_OK;
}
