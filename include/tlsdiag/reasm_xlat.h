/*
 * An IPv6 TCP segment (or fragment) rewritten as the IPv4 packet libnids
 * is fed for it: a 20-byte header with the pair's synthetic addresses
 * (include/tlsdiag/reasm_map.h), the hop limit as TTL, an IPv6 fragment
 * header's offset, more-fragments flag and identification (folded to 16
 * bits) as IPv4's, so libnids' own defragmenter reassembles IPv6 fragments
 * too; then the TCP header and payload as captured. Extension headers are
 * left out: libnids would not read them.
 */
#ifndef TLSDIAG_REASM_XLAT_H
#define TLSDIAG_REASM_XLAT_H

#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/packet.h"

/* The largest packet built: an IPv4 packet is at most 64 KiB. */
#define TD_XLAT_MAX 65535u

/* Build into out (cap bytes) the IPv4 packet for p from src4 to dst4;
 * its length, or 0 when it does not fit (an IPv4 total length is 16 bits). */
size_t td_xlat_ipv4(const struct td_pkt *p, const uint8_t src4[4], const uint8_t dst4[4], uint8_t *out,
		    size_t cap);

#endif
