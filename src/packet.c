/* IPv4 / IPv6 and TCP headers, read through the bounds-checked reader. */
#include <string.h>
#include "tlsdiag/packet.h"
#include "tlsdiag/rd.h"

#define PROTO_TCP 6

static enum td_err ipv4(struct td_pkt *p, struct td_rd *r, size_t *l4_wire)
{
	uint8_t vihl, proto;
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
	TD_TRY(td_rd_u8(r, &proto));
	TD_TRY(td_rd_skip(r, 2));
	TD_TRY(td_rd_bytes(r, 4, &a));
	memcpy(p->src, a, 4);
	TD_TRY(td_rd_bytes(r, 4, &a));
	memcpy(p->dst, a, 4);
	TD_TRY(td_rd_skip(r, hlen - 20));
	if (proto != PROTO_TCP)
		return TD_E_FORMAT;
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
	*l4_wire = total - hlen;
	return (frag & 0x1fff) ? TD_E_UNSUPPORTED : TD_E_OK;
}

static enum td_err ipv6(struct td_pkt *p, struct td_rd *r, size_t *l4_wire)
{
	uint16_t plen;
	uint8_t next;
	const uint8_t *a;
	TD_TRY(td_rd_skip(r, 4));
	TD_TRY(td_rd_u16(r, &plen));
	TD_TRY(td_rd_u8(r, &next));
	TD_TRY(td_rd_u8(r, &p->ttl));
	TD_TRY(td_rd_bytes(r, 16, &a));
	memcpy(p->src, a, 16);
	TD_TRY(td_rd_bytes(r, 16, &a));
	memcpy(p->dst, a, 16);
	/* Walk the usual extension headers (hop-by-hop, routing, destination). */
	size_t left = plen;
	while (next == 0 || next == 43 || next == 60) {
		uint8_t hdr_next, hdr_len;
		TD_TRY(td_rd_u8(r, &hdr_next));
		TD_TRY(td_rd_u8(r, &hdr_len));
		size_t n = ((size_t)hdr_len + 1) * 8;
		if (n > left)
			return TD_E_RANGE;
		TD_TRY(td_rd_skip(r, n - 2));
		left -= n;
		next = hdr_next;
	}
	if (next != PROTO_TCP)
		return TD_E_FORMAT;
	p->ipver = 6;
	*l4_wire = left;
	return TD_E_OK;
}

enum td_err td_pkt_decode(struct td_pkt *p, const uint8_t *ip, size_t iplen)
{
	struct td_rd r = td_rd_make(ip, iplen);
	uint8_t v;
	size_t l4_wire = 0;
	p->ip = ip;
	p->ip_len = iplen;
	TD_TRY(td_rd_peek_u8(&r, 0, &v));
	if (v >> 4 == 4)
		TD_TRY(ipv4(p, &r, &l4_wire));
	else if (v >> 4 == 6)
		TD_TRY(ipv6(p, &r, &l4_wire));
	else
		return TD_E_FORMAT;

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
