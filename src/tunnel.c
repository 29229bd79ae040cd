/*
 * Tunnels an IP packet carries, read through the bounds-checked reader:
 * IPv4 in IP (protocol 4), IPv6 in IP (41: 6in4), Teredo (UDP 3544), GRE
 * (47: plain, with checksum, key and sequence number, transparent Ethernet
 * bridging), ERSPAN types I, II and III in GRE (port mirroring), VXLAN
 * (UDP 4789) and GENEVE (UDP 6081). What a tunnel holds is either an IP
 * packet or a frame named by an EtherType, walked by src/link.c as the
 * outermost frame is; src/packet.c loops over the layers and bounds them.
 */
#include "tlsdiag/packet.h"
#include "tlsdiag/rd.h"

#define PROTO_IPIP 4
#define PROTO_UDP 17
#define PROTO_IPV6 41
#define PROTO_GRE 47
#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_ERSPAN_2 0x88be /* also type I, told apart by the sequence bit */
#define ETH_ERSPAN_3 0x22eb
#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define VXLAN_PORT 4789
#define GENEVE_PORT 6081

/* The Teredo header (RFC 4380 5.1.1): an authentication indicator, then an
 * origin indication, each optional, then the IPv6 packet. */
static enum td_err teredo(struct td_rd *r)
{
	uint8_t b0, b1;
	if (td_rd_peek_u8(r, 0, &b0) == TD_E_OK && td_rd_peek_u8(r, 1, &b1) == TD_E_OK &&
	    b0 == 0 && b1 == 1) {
		uint8_t id_len, auth_len;
		TD_TRY(td_rd_skip(r, 2));
		TD_TRY(td_rd_u8(r, &id_len));
		TD_TRY(td_rd_u8(r, &auth_len));
		TD_TRY(td_rd_skip(r, (size_t)id_len + auth_len + 8 + 1)); /* ids, nonce, confirmation */
	}
	if (td_rd_peek_u8(r, 0, &b0) == TD_E_OK && td_rd_peek_u8(r, 1, &b1) == TD_E_OK &&
	    b0 == 0 && b1 == 0)
		TD_TRY(td_rd_skip(r, 8)); /* port and address of the origin */
	return TD_E_OK;
}

/* VXLAN (RFC 7348): flags with the I bit (a valid VNI), reserved, the VNI,
 * reserved; an Ethernet frame follows. */
static enum td_err vxlan(struct td_rd *r, uint16_t *ethertype)
{
	uint8_t flags;
	TD_TRY(td_rd_u8(r, &flags));
	if (!(flags & 0x08))
		return TD_E_FORMAT;
	TD_TRY(td_rd_skip(r, 7));
	*ethertype = TD_ETHERTYPE_ETHER;
	return TD_E_OK;
}

/* GENEVE (RFC 8926): version 0, options length in 4-byte words, flags,
 * the protocol (an EtherType: 0x6558 for Ethernet), VNI, then options. */
static enum td_err geneve(struct td_rd *r, uint16_t *ethertype)
{
	uint8_t vo;
	TD_TRY(td_rd_u8(r, &vo));
	if (vo >> 6 != 0)
		return TD_E_FORMAT;
	TD_TRY(td_rd_skip(r, 1));
	TD_TRY(td_rd_u16(r, ethertype));
	TD_TRY(td_rd_skip(r, 4));
	return td_rd_skip(r, (size_t)(vo & 0x3f) * 4);
}

/* UDP: Teredo on either port, VXLAN and GENEVE by destination port (their
 * source ports are flow hashes). */
static enum td_err udp(struct td_rd *r, uint16_t *ethertype, uint8_t *encap)
{
	uint16_t sport, dport;
	TD_TRY(td_rd_u16(r, &sport));
	TD_TRY(td_rd_u16(r, &dport));
	TD_TRY(td_rd_skip(r, 4));
	if (sport == TD_TEREDO_PORT || dport == TD_TEREDO_PORT) {
		*encap = TD_ENCAP_TEREDO;
		*ethertype = ETH_IPV6;
		return teredo(r);
	}
	if (dport == VXLAN_PORT) {
		*encap = TD_ENCAP_VXLAN;
		return vxlan(r, ethertype);
	}
	if (dport == GENEVE_PORT) {
		*encap = TD_ENCAP_GENEVE;
		return geneve(r, ethertype);
	}
	return TD_E_FORMAT;
}

/* ERSPAN type II (8 bytes, version 1) and type III (12 bytes, version 2,
 * and an 8-byte platform subheader when its O bit is set). Type III may
 * mirror an IP packet without its Ethernet header (frame type 2). */
static enum td_err erspan(struct td_rd *r, bool type3, uint16_t *ethertype)
{
	uint8_t ver, b10, b11;
	TD_TRY(td_rd_peek_u8(r, 0, &ver));
	if (ver >> 4 != (type3 ? 2 : 1))
		return TD_E_FORMAT;
	*ethertype = TD_ETHERTYPE_ETHER;
	if (!type3)
		return td_rd_skip(r, 8);
	TD_TRY(td_rd_peek_u8(r, 10, &b10));
	TD_TRY(td_rd_peek_u8(r, 11, &b11));
	TD_TRY(td_rd_skip(r, 12));
	unsigned frame_type = (b10 >> 2) & 0x1f;
	if (frame_type == 2)
		*ethertype = 0;
	else if (frame_type != 0)
		return TD_E_FORMAT;
	return (b11 & 1) ? td_rd_skip(r, 8) : TD_E_OK;
}

/* GRE version 0 (RFC 2784, 2890): flags, protocol, then the checksum
 * word, key and sequence number when flagged. Source routing (RFC 1701's
 * R bit) and version 1 (PPTP) are not followed. */
static enum td_err gre(struct td_rd *r, uint16_t *ethertype, uint8_t *encap)
{
	uint16_t flags;
	TD_TRY(td_rd_u16(r, &flags));
	TD_TRY(td_rd_u16(r, ethertype));
	if ((flags & 0x0007) != 0 || (flags & GRE_R))
		return TD_E_FORMAT;
	size_t opt = ((flags & GRE_C) ? 4 : 0) + ((flags & GRE_K) ? 4 : 0) + ((flags & GRE_S) ? 4 : 0);
	TD_TRY(td_rd_skip(r, opt));
	*encap = TD_ENCAP_GRE;
	if (*ethertype == ETH_ERSPAN_2 || *ethertype == ETH_ERSPAN_3) {
		*encap = TD_ENCAP_ERSPAN;
		/* Type I has no header and no sequence number (Wireshark's test). */
		if (*ethertype == ETH_ERSPAN_2 && !(flags & GRE_S)) {
			*ethertype = TD_ETHERTYPE_ETHER;
			return TD_E_OK;
		}
		return erspan(r, *ethertype == ETH_ERSPAN_3, ethertype);
	}
	return TD_E_OK;
}

enum td_err td_tunnel_inner(uint8_t ipproto, const uint8_t *b, size_t n, uint8_t *encap,
			    const uint8_t **ip, size_t *iplen)
{
	struct td_rd r = td_rd_make(b, n);
	uint16_t ethertype;
	switch (ipproto) {
	case PROTO_IPIP:
		*encap = TD_ENCAP_IPIP;
		ethertype = ETH_IPV4;
		break;
	case PROTO_IPV6:
		*encap = TD_ENCAP_6IN4;
		ethertype = ETH_IPV6;
		break;
	case PROTO_UDP:
		TD_TRY(udp(&r, &ethertype, encap));
		break;
	case PROTO_GRE:
		TD_TRY(gre(&r, &ethertype, encap));
		break;
	default:
		return TD_E_FORMAT;
	}
	TD_TRY(td_link_ethertype(ethertype, r.p, td_rd_left(&r), ip, iplen));
	/* A carrier that names IPv4 or IPv6 carries that, not the other. */
	uint8_t v;
	struct td_rd in = td_rd_make(*ip, *iplen);
	TD_TRY(td_rd_peek_u8(&in, 0, &v));
	if ((ethertype == ETH_IPV4 && v >> 4 != 4) || (ethertype == ETH_IPV6 && v >> 4 != 6))
		return TD_E_FORMAT;
	return TD_E_OK;
}
