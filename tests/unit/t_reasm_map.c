/* Unit tests for src/reasm_map.c (IPv6 pairs -> synthetic IPv4 pairs) and
 * src/reasm_xlat.c (the IPv4 packet libnids is fed): collision-free slots,
 * both directions one pair, the bound, reuse oldest-released first, refusal
 * when full, mapping back, and the translated header. */
#include "tlsdiag/reasm_map.h"
#include "tlsdiag/reasm_xlat.h"

#include <stdio.h>
#include <string.h>

#include "tap.h"

static void addr(uint8_t a[16], unsigned n)
{
	static const uint8_t pre[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	memset(a, 0, 16);
	memcpy(a, pre, 4);
	a[12] = (uint8_t)(n >> 24);
	a[13] = (uint8_t)(n >> 16);
	a[14] = (uint8_t)(n >> 8);
	a[15] = (uint8_t)n;
}

static void test_pairs(void)
{
	struct td_reasm_map *m = td_reasm_map_new(1000);
	uint8_t a[16], b[16], c[16], v4a[4], v4b[4], v4c[4], back[16];
	addr(a, 1);
	addr(b, 2);
	addr(c, 3);
	uint32_t s1 = td_reasm_map_acquire(m, a, b);
	ok(s1 == 1, "first pair: slot 1 (%u)", s1);
	ok(td_reasm_map_acquire(m, b, a) == s1, "the reverse direction is the same pair");
	uint32_t s2 = td_reasm_map_acquire(m, a, c);
	ok(s2 == 2, "a pair sharing one address: a slot of its own (%u)", s2);
	ok(td_reasm_map_to4(m, s1, a, v4a) && td_reasm_map_to4(m, s1, b, v4b), "both addresses of slot 1 map");
	ok(!memcmp(v4a, (uint8_t[]){ 240, 0, 0, 0 }, 4) && !memcmp(v4b, (uint8_t[]){ 240, 0, 0, 1 }, 4),
	   "slot 1 is 240.0.0.0 / 240.0.0.1 (%u.%u.%u.%u, %u.%u.%u.%u)", v4a[0], v4a[1], v4a[2], v4a[3], v4b[0],
	   v4b[1], v4b[2], v4b[3]);
	ok(!td_reasm_map_to4(m, s1, c, v4c), "an address not of the pair does not map in its slot");
	ok(td_reasm_map_to4(m, s2, a, v4c) && memcmp(v4c, v4a, 4) != 0,
	   "the same IPv6 address in two pairs: two IPv4 addresses (no collision)");
	uint32_t slot = 0;
	ok(td_reasm_map_to6(m, v4b, back, &slot) && !memcmp(back, b, 16) && slot == s1, "240.0.0.1 maps back to b, slot 1");
	ok(!td_reasm_map_to6(m, (uint8_t[]){ 240, 0, 0, 9 }, back, &slot), "an address of no slot maps back to nothing");
	ok(!td_reasm_map_to6(m, (uint8_t[]){ 10, 0, 0, 0 }, back, &slot), "a real IPv4 address is not synthetic");
	ok(td_reasm_map_synthetic(v4a) && !td_reasm_map_synthetic((uint8_t[]){ 239, 255, 255, 255 }),
	   "240.0.0.0/4 is the synthetic range, 239.255.255.255 is not");
	/* A connection to itself: one address. */
	uint32_t s3 = td_reasm_map_acquire(m, c, c);
	ok(td_reasm_map_to4(m, s3, c, v4c) && v4c[3] % 2 == 0, "::x to ::x: one (even) IPv4 address");
	ok(!td_reasm_map_to6(m, (uint8_t[]){ 240, 0, 0, (uint8_t)(v4c[3] + 1) }, back, &slot),
	   "its odd address maps back to nothing");
	ok(td_reasm_map_find(m, b, a) == s1 && td_reasm_map_find(m, b, c) == 0, "find: mapped pairs only");
	td_reasm_map_free(m);
}

/* 1000 distinct pairs: 2000 distinct IPv4 addresses, all in the range. */
static void test_no_collisions(void)
{
	struct td_reasm_map *m = td_reasm_map_new(1000);
	static uint8_t seen[1u << 16];
	memset(seen, 0, sizeof(seen));
	bool fine = true;
	for (unsigned i = 0; i < 1000; i++) {
		uint8_t a[16], b[16], v[4];
		addr(a, i);
		addr(b, 100000 + i * 7);
		uint32_t s = td_reasm_map_acquire(m, a, b);
		for (int k = 0; k < 2 && s; k++) {
			if (!td_reasm_map_to4(m, s, k ? b : a, v) || !td_reasm_map_synthetic(v) || v[1] || seen[v[2] << 8 | v[3]]++)
				fine = false;
		}
		fine &= s != 0;
	}
	ok(fine, "1000 pairs: 2000 distinct synthetic addresses");
	struct td_reasm_map_stats st;
	td_reasm_map_stats(m, &st);
	is_int((long long)st.in_use, 1000, "1000 slots in use");
	td_reasm_map_free(m);
}

static void test_bound_and_reuse(void)
{
	struct td_reasm_map *m = td_reasm_map_new(3);
	uint8_t a[16], p[6][16];
	addr(a, 1);
	for (unsigned i = 0; i < 6; i++)
		addr(p[i], 10 + i);
	uint32_t s0 = td_reasm_map_acquire(m, a, p[0]);
	uint32_t s1 = td_reasm_map_acquire(m, a, p[1]);
	uint32_t s2 = td_reasm_map_acquire(m, a, p[2]);
	ok(s0 && s1 && s2, "3 pairs in a table of 3");
	ok(td_reasm_map_acquire(m, a, p[3]) == 0, "a 4th pair while all 3 have users: refused (0), not mixed");
	ok(td_reasm_map_acquire(m, p[1], a) == s1, "a known pair still gets its slot when full");
	td_reasm_map_release(m, s1); /* s1 has a user left */
	ok(td_reasm_map_acquire(m, a, p[3]) == 0, "a slot with a user left is not taken");
	td_reasm_map_release(m, s1);
	td_reasm_map_release(m, s2);
	td_reasm_map_release(m, s0);
	/* Released in the order s1, s2, s0: reused in that order. */
	uint32_t n3 = td_reasm_map_acquire(m, a, p[3]);
	ok(n3 == s1, "full: the slot released longest ago is taken (%u, want %u)", n3, s1);
	ok(td_reasm_map_find(m, a, p[1]) == 0, "its old pair is no longer mapped");
	uint8_t v4[4], back[16];
	uint32_t slot;
	ok(td_reasm_map_to4(m, n3, p[3], v4) && td_reasm_map_to6(m, v4, back, &slot) && !memcmp(back, p[3], 16),
	   "the taken slot maps the new pair both ways");
	ok(td_reasm_map_acquire(m, a, p[0]) == s0, "a released pair not yet taken keeps its slot");
	uint32_t n4 = td_reasm_map_acquire(m, a, p[4]);
	ok(n4 == s2, "next reuse: the next released (%u, want %u)", n4, s2);
	ok(td_reasm_map_acquire(m, a, p[5]) == 0, "all 3 in use again: refused");
	struct td_reasm_map_stats st;
	td_reasm_map_stats(m, &st);
	ok(st.assigned == 3 && st.in_use == 3 && st.peak == 3 && st.reused == 2 && st.refused == 3,
	   "stats: 3 assigned, 3 in use, peak 3, 2 reused, 3 refused (%zu %zu %zu %llu %llu)", st.assigned, st.in_use,
	   st.peak, (unsigned long long)st.reused, (unsigned long long)st.refused);
	td_reasm_map_release(m, 0);
	td_reasm_map_release(m, 99);
	ok(1, "releasing slot 0 or an unknown slot is harmless");
	td_reasm_map_free(m);
	ok(td_reasm_map_new(0) == NULL && td_reasm_map_new((size_t)TD_REASM_MAP_LIMIT + 1) == NULL,
	   "a table of 0 or over 2^27-1 slots is refused");
	m = td_reasm_map_new(TD_REASM_MAP_LIMIT);
	ok(m != NULL, "the largest table starts empty (it grows as pairs come)");
	td_reasm_map_free(m);
}

/* The last slot's addresses stay below 255.255.255.255. */
static void test_top_of_range(void)
{
	ok(TD_REASM_MAP_LIMIT == (1u << 27) - 1, "2^27-1 slots");
	uint32_t last = 0xf0000000u + 2 * (TD_REASM_MAP_LIMIT - 1) + 1;
	ok(last == 0xfffffffdu, "the last slot's odd address is 255.255.255.253");
}

static void test_xlat(void)
{
	uint8_t tcp[40] = { 0x01, 0xbb, 0xc3, 0x50 };
	struct td_pkt p = { .ttl = 57, .l4 = tcp, .l4_caplen = sizeof(tcp), .l4_wire_len = sizeof(tcp) };
	uint8_t out[100];
	const uint8_t s4[4] = { 240, 0, 0, 2 }, d4[4] = { 240, 0, 0, 3 };
	size_t n = td_xlat_ipv4(&p, s4, d4, out, sizeof(out));
	is_int((long long)n, 60, "a 40-byte segment: a 60-byte IPv4 packet");
	ok(out[0] == 0x45 && out[2] == 0 && out[3] == 60 && out[8] == 57 && out[9] == 6, "header: v4, ihl 5, total 60, ttl 57, TCP");
	ok(!memcmp(out + 12, s4, 4) && !memcmp(out + 16, d4, 4) && !memcmp(out + 20, tcp, 40), "addresses and segment");
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)out[i] << 8 | out[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	is_int(sum, 0xffff, "the header checksum is right");
	ok(out[6] == 0 && out[7] == 0, "not a fragment: no offset, no MF");
	p.fragment = true;
	p.frag_off = 64;
	p.frag_more = true;
	p.frag_id = 0x00010002;
	n = td_xlat_ipv4(&p, s4, d4, out, sizeof(out));
	ok(n == 60 && out[6] == 0x20 && out[7] == 64 && out[4] == 0 && out[5] == 3,
	   "a fragment: offset 64 (x8), MF, id folded to 16 bits (0x%02x%02x)", out[4], out[5]);
	/* Snapped: the wire length stays, the copy is what was captured. */
	p.fragment = false;
	p.l4_caplen = 30;
	p.l4_wire_len = 1400;
	n = td_xlat_ipv4(&p, s4, d4, out, sizeof(out));
	ok(n == 50 && (out[2] << 8 | out[3]) == 1420, "snapped: 50 bytes built, total length 1420 (the wire's)");
	p.l4_wire_len = 65535 - 20 + 1;
	ok(td_xlat_ipv4(&p, s4, d4, out, sizeof(out)) == 0, "over 64 KiB as IPv4: not built");
	p.l4_wire_len = 40;
	p.l4_caplen = 40;
	ok(td_xlat_ipv4(&p, s4, d4, out, 59) == 0, "an output buffer too small: not built");
}

int main(void)
{
	test_pairs();
	test_no_collisions();
	test_bound_and_reuse();
	test_top_of_range();
	test_xlat();
	return done_testing();
}
