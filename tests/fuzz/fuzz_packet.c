/*
 * Fuzz target: td_pkt_decode() (IPv4/IPv6 headers, the IPv6 extension-header
 * walker, fragment and routing headers, 6in4 and Teredo carriers, TCP),
 * then what the IPv6 path does with a decoded packet: a pair slot in a
 * small table (td_reasm_map_*) and the IPv4 packet for libnids
 * (td_xlat_ipv4()), whose fields are checked against the decoder's. The
 * input is one IP packet, copied to an exact-size heap block so that a
 * read past it is a read past the block.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/packet.h"
#include "tlsdiag/reasm_map.h"
#include "tlsdiag/reasm_xlat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[TD_XLAT_MAX];

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
	uint8_t *ip = malloc(size ? size : 1);
	if (!ip)
		abort();
	if (size)
		memcpy(ip, data, size);
	struct td_pkt p;
	memset(&p, 0, sizeof(p));
	enum td_err e = td_pkt_decode(&p, ip, size);
	if (e == TD_E_OK && (p.payload_len > p.payload_wire_len || p.l4_caplen > size))
		abort();
	if ((e == TD_E_OK || (e == TD_E_UNSUPPORTED && p.fragment)) && p.ipver == 6)
		translate(m, &p);
	free(ip);
	return 0;
}
