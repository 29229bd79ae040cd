/*
 * Fuzz target: td_link_decode() (every link type of src/link.c: Ethernet
 * with VLAN tags, MPLS and PPPoE, SLL, SLL2, NULL, PPP, NFLOG...), then
 * td_pkt_decode() (IPv4/IPv6 headers, the IPv6 extension-header walker,
 * fragment and routing headers, the tunnels of src/tunnel.c: 6in4, IP in
 * IP, Teredo, GRE, ERSPAN, VXLAN, GENEVE, nested; TCP), then what the IPv6
 * path does with a decoded packet: a pair slot in a small table
 * (td_reasm_map_*) and the IPv4 packet for libnids (td_xlat_ipv4()), whose
 * fields are checked against the decoder's. An input whose first nibble is
 * 4 or 6 is one IP packet (raw IP); any other first byte picks a link type
 * from the table below (byte % its length) and the frame follows it. The
 * frame is copied to an exact-size heap block so that a read past it is a
 * read past the block.
 */
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/packet.h"
#include "tlsdiag/reasm_map.h"
#include "tlsdiag/reasm_xlat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[TD_XLAT_MAX];

/* Selector byte % 11: the seeds of make-seeds.sh use these indexes. */
static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_PPP, DLT_PPP_SERIAL,
	DLT_PPP_ETHER, DLT_NFLOG, DLT_RAW, DLT_IEEE802_11 /* unsupported: the error path */
};

/* The checks every decoded IPv6 packet must pass on its way to libnids. */
static void translate(struct td_reasm_map *m, const struct td_pkt *p)
{
	uint32_t slot = td_reasm_map_acquire(m, p->src, p->dst);
	uint8_t s4[4], d4[4], back[16];
	uint32_t bslot;
	if (!slot)
		return; /* full: the run would not follow it */
	if (!td_reasm_map_to4(m, slot, p->src, s4) || !td_reasm_map_to4(m, slot, p->dst, d4))
		abort();
	if (!td_reasm_map_to6(m, s4, back, &bslot) || bslot != slot || memcmp(back, p->src, 16))
		abort();
	size_t n = td_xlat_ipv4(p, s4, d4, out, sizeof(out));
	if (n) {
		size_t total = (size_t)out[2] << 8 | out[3];
		if (n < 20 || total != 20 + p->l4_wire_len || n > total || n - 20 > p->l4_caplen)
			abort();
	}
	/* Released at once on every other input: both paths of the FIFO. */
	if (p->sport & 1)
		td_reasm_map_release(m, slot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct td_reasm_map *m;
	if (!m && !(m = td_reasm_map_new(8)))
		abort();
	int dlt = DLT_RAW;
	if (size && data[0] >> 4 != 4 && data[0] >> 4 != 6) {
		dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
		data++;
		size--;
	}
	uint8_t *frame = malloc(size ? size : 1);
	if (!frame)
		abort();
	if (size)
		memcpy(frame, data, size);
	const uint8_t *ip;
	size_t iplen;
	enum td_err e = td_link_decode(dlt, frame, size, &ip, &iplen);
	if (e == TD_E_OK && (ip < frame || iplen > size || (size_t)(ip - frame) > size - iplen))
		abort(); /* the IP packet must lie inside the frame */
	if (e == TD_E_OK) {
		struct td_pkt p;
		memset(&p, 0, sizeof(p));
		e = td_pkt_decode(&p, ip, iplen);
		if (e == TD_E_OK && (p.payload_len > p.payload_wire_len || p.l4_caplen > iplen ||
				     p.encap_depth > TD_ENCAP_DEPTH))
			abort();
		if ((e == TD_E_OK || (e == TD_E_UNSUPPORTED && p.fragment)) && p.ipver == 6)
			translate(m, &p);
	}
	free(frame);
	return 0;
}
