/*
 * One captured packet, decoded: the link layer is peeled off (Ethernet with
 * VLAN/QinQ tags, Linux SLL/SLL2, raw IP, BSD NULL/loopback) and the IPv4/
 * IPv6 and TCP headers are read through the bounds-checked reader.
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
	bool fragment;           /* an IPv4 fragment: libnids reassembles it */
	bool cut;                /* captured short of its IP length (snap length) */
};

/* Is this libpcap link type one tlsdiag decodes? Its name for messages. */
bool td_link_supported(int dlt);
const char *td_link_name(int dlt);

/* Peel the link layer: ip and iplen cover the IP packet. TD_E_FORMAT when the
 * frame is not IP (ARP, LLDP...), TD_E_SHORT when cut before the IP header. */
TD_MUST_USE enum td_err td_link_decode(int dlt, const uint8_t *frame, size_t caplen,
				       const uint8_t **ip, size_t *iplen);

/* Decode IP and TCP headers; TD_E_FORMAT when not TCP. */
TD_MUST_USE enum td_err td_pkt_decode(struct td_pkt *p, const uint8_t *ip, size_t iplen);

#endif
