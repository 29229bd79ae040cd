/*
 * One captured packet, decoded: the link layer is peeled off (Ethernet with
 * VLAN/QinQ tags, MPLS and PPPoE; Linux SLL/SLL2, raw IP, BSD NULL/loopback,
 * PPP, NFLOG), tunnels are opened (src/tunnel.c) and the IPv4/IPv6 and TCP
 * headers are read through the bounds-checked reader.
 */
#ifndef TLSDIAG_PACKET_H
#define TLSDIAG_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/err.h"

#define TD_TCP_FIN 0x01
#define TD_TCP_SYN 0x02
#define TD_TCP_RST 0x04
#define TD_TCP_PSH 0x08
#define TD_TCP_ACK 0x10

struct td_pkt {
	uint64_t frame;          /* 1-based, per file */
	double ts;               /* seconds since the epoch */
	uint32_t file_index;
	const uint8_t *ip;       /* the IP packet as captured */
	size_t ip_len;
	uint8_t ipver;           /* 4 or 6 */
	uint8_t ttl;             /* IPv4 TTL / IPv6 hop limit */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t seq, ack;
	const uint8_t *payload;  /* captured payload bytes */
	size_t payload_len;
	size_t payload_wire_len; /* payload length from the IP header (more when snapped) */
	bool fragment;           /* an IPv4 or IPv6 fragment: libnids reassembles it */
	bool cut;                /* captured short of its IP length (snap length) */
	/* The TCP header (a later fragment: the fragment's data) as captured,
	 * and its length on the wire: what the IPv6 translation copies. */
	const uint8_t *l4;
	size_t l4_caplen;
	size_t l4_wire_len;
	/* IPv6 fragment header, when fragment is set on an IPv6 packet. */
	uint32_t frag_id;
	uint16_t frag_off;       /* in 8-byte units, as in IPv4 */
	bool frag_more;
	uint8_t encap;           /* the innermost tunnel it came in: TD_ENCAP_*, 0 directly */
	uint8_t encap_depth;     /* tunnels peeled (at most TD_ENCAP_DEPTH) */
};

/* Tunnels: IP protocol numbers where one says it all, else above 200. */
#define TD_ENCAP_IPIP 4
#define TD_ENCAP_TEREDO 17
#define TD_ENCAP_6IN4 41
#define TD_ENCAP_GRE 47
#define TD_ENCAP_ERSPAN 201
#define TD_ENCAP_VXLAN 202
#define TD_ENCAP_GENEVE 203
#define TD_ENCAP_DEPTH 4
#define TD_TEREDO_PORT 3544
/* The EtherType of transparent Ethernet bridging (GRE): a whole Ethernet
 * frame follows. Also what VXLAN, ERSPAN and an MPLS pseudowire carry. */
#define TD_ETHERTYPE_ETHER 0x6558

/* Is this libpcap link type one tlsdiag decodes? Its name for messages. */
bool td_link_supported(int dlt);
const char *td_link_name(int dlt);

/* The names of the link types decoded, comma-separated, for an error
 * message: the length written (cut at a name when buf is short). */
size_t td_link_list(char *buf, size_t len);

/* Peel the link layer: ip and iplen cover the IP packet. TD_E_FORMAT when the
 * frame is not IP (ARP, LLDP...), TD_E_SHORT when cut before the IP header. */
TD_MUST_USE enum td_err td_link_decode(int dlt, const uint8_t *frame, size_t caplen,
				       const uint8_t **ip, size_t *iplen);
/* The same from an EtherType on (0: the version nibble tells): VLAN tags,
 * MPLS labels, a PPPoE session, TD_ETHERTYPE_ETHER for a whole Ethernet
 * frame; what a tunnel holds is walked with it. */
TD_MUST_USE enum td_err td_link_ethertype(uint16_t ethertype, const uint8_t *b, size_t n,
					  const uint8_t **ip, size_t *iplen);

/* The packet a tunnel holds (src/tunnel.c): ipproto is the carrier's next
 * protocol (4, 17, 41, 47), b and n the bytes of its payload. *ip covers
 * the inner IP packet and *encap says which tunnel; TD_E_FORMAT when the
 * payload is no tunnel tlsdiag opens (UDP to another port, GRE version 1,
 * a frame that is not IP). */
TD_MUST_USE enum td_err td_tunnel_inner(uint8_t ipproto, const uint8_t *b, size_t n, uint8_t *encap,
					const uint8_t **ip, size_t *iplen);

/* Decode IP and TCP headers; TD_E_FORMAT when not TCP. IPv6 extension
 * headers (hop-by-hop, routing, destination options, fragment) are walked;
 * a routing header in transit gives the final destination as dst. A
 * packet in a tunnel (6in4, IP in IP, Teredo, GRE, ERSPAN, VXLAN, GENEVE,
 * up to TD_ENCAP_DEPTH nested) is decoded instead of its carrier: ip,
 * ip_len, addresses and hop limit are then the inner packet's, encap says
 * which tunnel. A fragmented carrier is not followed. A later
 * fragment (offset > 0) is TD_E_UNSUPPORTED with the IP fields filled in. */
TD_MUST_USE enum td_err td_pkt_decode(struct td_pkt *p, const uint8_t *ip, size_t iplen);

#endif
