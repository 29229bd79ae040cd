/*
 * libnids follows TCP over IPv4 only. Each IPv6 address pair of a run gets
 * a synthetic IPv4 address pair from 240.0.0.0/4 (reserved, never routed:
 * RFC 1112 4, RFC 6890), and libnids is fed the packets translated to it
 * (src/reasm_xlat.c). Nothing the user sees carries the synthetic
 * addresses: the tracker keys flows by the real IPv6 ones and libnids'
 * streams are mapped back here.
 *
 * The table is per run and bounded. Slot i (1-based) owns the two
 * addresses 240.0.0.0 + 2(i-1) and + 2(i-1) + 1, so two pairs can never
 * share an address. A slot counts its users (the tracked flows of the
 * pair); one with none stays mapped, and is taken again for a new pair
 * only when the table is full, the one released longest ago first, so
 * that a stream libnids still holds is the least likely to meet a new
 * pair. When every slot is in use the new pair gets none: its flow is
 * reported as not followed rather than mixed with another.
 */
#ifndef TLSDIAG_REASM_MAP_H
#define TLSDIAG_REASM_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/attr.h"

/* 2^27 slots would reach 255.255.255.255 (broadcast): one fewer. */
#define TD_REASM_MAP_LIMIT ((1u << 27) - 1)

struct td_reasm_map;

struct td_reasm_map_stats {
	size_t in_use;    /* slots with users now */
	size_t assigned;  /* slots given a pair (the table's size) */
	size_t peak;      /* slots with users at most */
	uint64_t reused;  /* slots taken back from an older pair */
	uint64_t refused; /* pairs that got no slot: the table was full */
};

/* A table of at most max_pairs slots (1..TD_REASM_MAP_LIMIT); it grows as
 * pairs come. NULL when out of memory. */
struct td_reasm_map *td_reasm_map_new(size_t max_pairs);
void td_reasm_map_free(struct td_reasm_map *m);
/* The slot of the pair (either way round), made if new, with one user more;
 * 0 when the table is full (or out of memory). */
TD_MUST_USE uint32_t td_reasm_map_acquire(struct td_reasm_map *m, const uint8_t a[16], const uint8_t b[16]);
/* One user less (slot 0 is ignored). */
void td_reasm_map_release(struct td_reasm_map *m, uint32_t slot);
/* The slot of a pair already mapped, 0 if none; no user is counted. */
uint32_t td_reasm_map_find(const struct td_reasm_map *m, const uint8_t a[16], const uint8_t b[16]);
/* The synthetic IPv4 address of addr in its slot; false when addr is not
 * one of the slot's pair. */
TD_MUST_USE bool td_reasm_map_to4(const struct td_reasm_map *m, uint32_t slot, const uint8_t addr[16],
				  uint8_t v4[4]);
/* Back: the IPv6 address a synthetic IPv4 address stands for, and its
 * slot; false when v4 is no address of a mapped slot. */
TD_MUST_USE bool td_reasm_map_to6(const struct td_reasm_map *m, const uint8_t v4[4], uint8_t v6[16],
				  uint32_t *slot);
void td_reasm_map_stats(const struct td_reasm_map *m, struct td_reasm_map_stats *st);

/* Is this IPv4 address in the range the table hands out? */
static inline bool td_reasm_map_synthetic(const uint8_t v4[4])
{
	return (v4[0] & 0xf0) == 0xf0;
}

#endif
