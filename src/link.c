/*
 * Link layers, as a table: each row peels its header and says which network
 * protocol follows. Adding a link type is adding a row. What an EtherType
 * announces (VLAN tags, MPLS label stacks, a PPPoE session, a whole
 * Ethernet frame) is walked by one loop, shared with the tunnels of
 * src/tunnel.c whose inner frames are named by EtherType too.
 */
#include <string.h>
#include <pcap/pcap.h>
#include "tlsdiag/packet.h"
#include "tlsdiag/rd.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define ETH_VLAN_OLD 0x9100
#define ETH_MPLS 0x8847
#define ETH_MPLS_MC 0x8848
#define ETH_PPPOE 0x8864
#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define NFULA_PAYLOAD 9
/* Headers one frame may stack (tags, labels, pseudowires, PPPoE): every one
 * consumes bytes, so the walk ends anyway; the bound keeps it short. */
#define MAX_HEADERS 16

/* Each decoder leaves r at what follows; *proto is an EtherType, or 0 when
 * the version nibble must tell. */
typedef enum td_err (*link_fn)(struct td_rd *r, uint16_t *proto);

/* The destination and source addresses, then the EtherType. */
static enum td_err link_ether(struct td_rd *r, uint16_t *proto)
{
	TD_TRY(td_rd_skip(r, 12));
	return td_rd_u16(r, proto);
}

static enum td_err link_sll(struct td_rd *r, uint16_t *proto)
{
	enum td_err e = td_rd_skip(r, 14);
	return e != TD_E_OK ? e : td_rd_u16(r, proto);
}

static enum td_err link_sll2(struct td_rd *r, uint16_t *proto)
{
	enum td_err e = td_rd_u16(r, proto);
	return e != TD_E_OK ? e : td_rd_skip(r, 18);
}

static enum td_err link_raw(struct td_rd *r, uint16_t *proto)
{
	*proto = 0;
	return TD_E_OK;
}

/* BSD loopback: an address family, in the capturing host's byte order
 * (DLT_NULL) or network order (DLT_LOOP). Any AF_INET6 value (10, 24, 28, 30)
 * and AF_INET (2) is accepted in either order. */
static enum td_err link_null(struct td_rd *r, uint16_t *proto)
{
	uint32_t af;
	enum td_err e = td_rd_u32(r, &af);
	if (e != TD_E_OK)
		return e;
	if (af > 0xffff)
		af = __builtin_bswap32(af);
	switch (af) {
	case 2: *proto = ETH_IPV4; return TD_E_OK;
	case 10: case 24: case 28: case 30: *proto = ETH_IPV6; return TD_E_OK;
	default: return TD_E_FORMAT;
	}
}

/* A PPP protocol number: IPv4 and IPv6 go on, LCP, IPCP, CHAP... do not.
 * An odd first byte is a protocol field compressed to one byte (RFC 1661
 * 6.5: protocol numbers have an even first byte and an odd second). */
static enum td_err ppp_protocol(struct td_rd *r, uint16_t *proto)
{
	uint16_t pp;
	uint8_t first;
	TD_TRY(td_rd_peek_u8(r, 0, &first));
	if (first & 1) {
		TD_TRY(td_rd_u8(r, &first));
		pp = first;
	} else {
		TD_TRY(td_rd_u16(r, &pp));
	}
	if (pp == PPP_IPV4)
		*proto = ETH_IPV4;
	else if (pp == PPP_IPV6)
		*proto = ETH_IPV6;
	else
		return TD_E_FORMAT;
	return TD_E_OK;
}

/* DLT_PPP: the HDLC address and control bytes (ff 03) when present, then
 * the protocol (RFC 1661, 1662). */
static enum td_err link_ppp(struct td_rd *r, uint16_t *proto)
{
	uint8_t a, c;
	if (td_rd_peek_u8(r, 0, &a) == TD_E_OK && td_rd_peek_u8(r, 1, &c) == TD_E_OK && a == 0xff &&
	    c == 0x03)
		TD_TRY(td_rd_skip(r, 2));
	return ppp_protocol(r, proto);
}

/* A PPPoE session frame (RFC 2516): version and type, code 0, session id,
 * length, then the PPP protocol. */
static enum td_err pppoe_session(struct td_rd *r, uint16_t *proto)
{
	uint8_t vt, code;
	TD_TRY(td_rd_u8(r, &vt));
	TD_TRY(td_rd_u8(r, &code));
	if (vt != 0x11 || code != 0)
		return TD_E_FORMAT;
	TD_TRY(td_rd_skip(r, 4));
	return ppp_protocol(r, proto);
}

/* An MPLS label stack (RFC 3032) to its bottom entry. MPLS does not say
 * what it carries: the first nibble does. 4 and 6 are IP; 0 is a
 * pseudowire control word (RFC 4385) before an Ethernet frame (RFC 4448). */
static enum td_err mpls(struct td_rd *r, uint16_t *proto)
{
	uint32_t entry;
	uint8_t first;
	do
		TD_TRY(td_rd_u32(r, &entry));
	while (!(entry & 0x100));
	TD_TRY(td_rd_peek_u8(r, 0, &first));
	switch (first >> 4) {
	case 4: *proto = ETH_IPV4; return TD_E_OK;
	case 6: *proto = ETH_IPV6; return TD_E_OK;
	case 0:
		*proto = TD_ETHERTYPE_ETHER;
		return td_rd_skip(r, 4);
	default:
		return TD_E_FORMAT;
	}
}

/* NFLOG (Linux netfilter log): family, version, resource id, then TLVs
 * whose length (header included) and type are in the capturing host's
 * order (libpcap already swapped them to ours); each is padded to 4 bytes.
 * The packet is the NFULA_PAYLOAD attribute, the bare network packet. */
static enum td_err link_nflog(struct td_rd *r, uint16_t *proto)
{
	uint8_t family;
	TD_TRY(td_rd_u8(r, &family));
	TD_TRY(td_rd_skip(r, 3));
	*proto = family == 2 ? ETH_IPV4 : family == 10 ? ETH_IPV6 : 0;
	while (!td_rd_done(r)) {
		const uint8_t *h;
		uint16_t len, type;
		TD_TRY(td_rd_bytes(r, 4, &h));
		memcpy(&len, h, 2);
		memcpy(&type, h + 2, 2);
		if (len < 4)
			return TD_E_FORMAT;
		size_t body = (size_t)len - 4;
		if (type == NFULA_PAYLOAD) {
			if (body > td_rd_left(r))
				return TD_E_SHORT;
			r->end = r->p + body;
			return TD_E_OK;
		}
		size_t padded = (body + 3) & ~(size_t)3;
		TD_TRY(td_rd_skip(r, padded < td_rd_left(r) ? padded : td_rd_left(r)));
	}
	return TD_E_FORMAT; /* no payload attribute: nothing to decode */
}

static const struct link_row {
	int dlt;
	const char *name;
	link_fn decode;
} link_table[] = {
	{ .dlt = DLT_NULL, .name = "BSD loopback (NULL)", .decode = link_null },
	{ .dlt = DLT_EN10MB, .name = "Ethernet", .decode = link_ether },
	{ .dlt = DLT_PPP, .name = "PPP", .decode = link_ppp },
	{ .dlt = DLT_RAW, .name = "raw IP", .decode = link_raw },
	{ .dlt = DLT_PPP_SERIAL, .name = "PPP in HDLC framing", .decode = link_ppp },
	{ .dlt = DLT_PPP_ETHER, .name = "PPPoE", .decode = pppoe_session },
	{ .dlt = DLT_LOOP, .name = "OpenBSD loopback", .decode = link_null },
	{ .dlt = DLT_LINUX_SLL, .name = "Linux cooked (SLL)", .decode = link_sll },
	{ .dlt = DLT_IPV4, .name = "raw IPv4", .decode = link_raw },
	{ .dlt = DLT_IPV6, .name = "raw IPv6", .decode = link_raw },
	{ .dlt = DLT_NFLOG, .name = "Linux netfilter log (NFLOG)", .decode = link_nflog },
	{ .dlt = DLT_LINUX_SLL2, .name = "Linux cooked v2 (SLL2)", .decode = link_sll2 },
};

static const struct link_row *link_find(int dlt)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(link_table); i++)
		if (link_table[i].dlt == dlt)
			return &link_table[i];
	return NULL;
}

bool td_link_supported(int dlt)
{
	return link_find(dlt) != NULL;
}

const char *td_link_name(int dlt)
{
	const struct link_row *row = link_find(dlt);
	if (row)
		return row->name;
	const char *n = pcap_datalink_val_to_name(dlt);
	return n ? n : "unknown";
}

size_t td_link_list(char *buf, size_t len)
{
	size_t at = 0;
	for (size_t i = 0; i < TD_ARRAY_LEN(link_table) && len; i++) {
		int n = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", link_table[i].name);
		if (n < 0 || (size_t)n >= len - at) {
			buf[at] = '\0'; /* a name whole or not at all */
			break;
		}
		at += (size_t)n;
	}
	return at;
}

/* From an EtherType to the IP packet: r is left at it. */
static enum td_err ethertype_walk(struct td_rd *r, uint16_t proto)
{
	for (int n = 0; n < MAX_HEADERS; n++) {
		switch (proto) {
		case 0: case ETH_IPV4: case ETH_IPV6:
			return TD_E_OK;
		case ETH_VLAN: case ETH_QINQ: case ETH_VLAN_OLD: /* 802.1Q, 802.1ad: skip the TCI */
			TD_TRY(td_rd_skip(r, 2));
			TD_TRY(td_rd_u16(r, &proto));
			break;
		case ETH_MPLS: case ETH_MPLS_MC:
			TD_TRY(mpls(r, &proto));
			break;
		case ETH_PPPOE:
			TD_TRY(pppoe_session(r, &proto));
			break;
		case TD_ETHERTYPE_ETHER:
			TD_TRY(link_ether(r, &proto));
			break;
		default:
			return TD_E_FORMAT; /* ARP, LLDP, PPPoE discovery... */
		}
	}
	return TD_E_FORMAT;
}

enum td_err td_link_ethertype(uint16_t ethertype, const uint8_t *b, size_t n, const uint8_t **ip,
			      size_t *iplen)
{
	struct td_rd r = td_rd_make(b, n);
	TD_TRY(ethertype_walk(&r, ethertype));
	*ip = r.p;
	*iplen = td_rd_left(&r);
	return TD_E_OK;
}

enum td_err td_link_decode(int dlt, const uint8_t *frame, size_t caplen, const uint8_t **ip,
			   size_t *iplen)
{
	const struct link_row *row = link_find(dlt);
	if (!row)
		return TD_E_UNSUPPORTED;
	struct td_rd r = td_rd_make(frame, caplen);
	uint16_t proto;
	TD_TRY(row->decode(&r, &proto));
	TD_TRY(ethertype_walk(&r, proto));
	*ip = r.p;
	*iplen = td_rd_left(&r);
	return TD_E_OK;
}
