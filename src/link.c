/*
 * Link layers, as a table: each row peels its header and says which network
 * protocol follows. Adding a link type is adding a row.
 */
#include <pcap/pcap.h>
#include "tlsdiag/packet.h"
#include "tlsdiag/rd.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd

/* Each decoder leaves r at the network header; *proto is an EtherType, or 0
 * when the version nibble must tell. */
typedef enum td_err (*link_fn)(struct td_rd *r, uint16_t *proto);

static enum td_err link_ether(struct td_rd *r, uint16_t *proto)
{
	enum td_err e = td_rd_skip(r, 12);
	if (e != TD_E_OK)
		return e;
	for (;;) {
		if ((e = td_rd_u16(r, proto)) != TD_E_OK)
			return e;
		/* 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag: skip the TCI. */
		if (*proto != 0x8100 && *proto != 0x88a8 && *proto != 0x9100)
			return TD_E_OK;
		if ((e = td_rd_skip(r, 2)) != TD_E_OK)
			return e;
	}
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

static const struct link_row {
	int dlt;
	const char *name;
	link_fn decode;
} link_table[] = {
	{ .dlt = DLT_NULL, .name = "BSD loopback (NULL)", .decode = link_null },
	{ .dlt = DLT_EN10MB, .name = "Ethernet", .decode = link_ether },
	{ .dlt = DLT_RAW, .name = "raw IP", .decode = link_raw },
	{ .dlt = DLT_LOOP, .name = "OpenBSD loopback", .decode = link_null },
	{ .dlt = DLT_LINUX_SLL, .name = "Linux cooked (SLL)", .decode = link_sll },
	{ .dlt = DLT_IPV4, .name = "raw IPv4", .decode = link_raw },
	{ .dlt = DLT_IPV6, .name = "raw IPv6", .decode = link_raw },
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

enum td_err td_link_decode(int dlt, const uint8_t *frame, size_t caplen, const uint8_t **ip,
			   size_t *iplen)
{
	const struct link_row *row = link_find(dlt);
	if (!row)
		return TD_E_UNSUPPORTED;
	struct td_rd r = td_rd_make(frame, caplen);
	uint16_t proto;
	enum td_err e = row->decode(&r, &proto);
	if (e != TD_E_OK)
		return e;
	if (proto != 0 && proto != ETH_IPV4 && proto != ETH_IPV6)
		return TD_E_FORMAT;
	*ip = r.p;
	*iplen = td_rd_left(&r);
	return TD_E_OK;
}
