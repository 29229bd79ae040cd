/* IPv6 -> IPv4 for libnids (include/tlsdiag/reasm_xlat.h). */
#include <string.h>
#include "tlsdiag/reasm_xlat.h"

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* The IPv4 header checksum (RFC 791): libnids is told to skip the TCP
 * checksum, but nothing is lost by a header that is right. */
static uint16_t header_checksum(const uint8_t h[20])
{
	uint32_t sum = 0;
	for (size_t i = 0; i < 20; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t td_xlat_ipv4(const struct td_pkt *p, const uint8_t src4[4], const uint8_t dst4[4], uint8_t *out,
		    size_t cap)
{
	size_t copy = p->l4_caplen < p->l4_wire_len ? p->l4_caplen : p->l4_wire_len;
	if (p->l4_wire_len > 0xffff - 20 || cap < 20 + copy)
		return 0;
	uint8_t *h = out;
	h[0] = 0x45;
	h[1] = 0;
	/* The wire length, as the IPv6 header gave it: a snapped packet stays
	 * snapped for libnids, as it is in IPv4. */
	put16(h + 2, (uint16_t)(20 + p->l4_wire_len));
	uint16_t id = 0, frag = 0;
	if (p->fragment) {
		id = (uint16_t)(p->frag_id ^ (p->frag_id >> 16));
		frag = (uint16_t)((p->frag_off & 0x1fff) | (p->frag_more ? 0x2000 : 0));
	}
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = p->ttl;
	h[9] = 6;
	put16(h + 10, 0);
	memcpy(h + 12, src4, 4);
	memcpy(h + 16, dst4, 4);
	put16(h + 10, header_checksum(h));
	if (copy)
		memcpy(h + 20, p->l4, copy);
	return 20 + copy;
}
