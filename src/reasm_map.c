/*
 * The IPv6 -> synthetic IPv4 pair table (include/tlsdiag/reasm_map.h).
 * Slots live in one array that doubles as pairs come, chained from a fixed
 * set of hash buckets by index; slots without users wait in a FIFO, oldest
 * released first, for the day the table is full.
 */
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/reasm_map.h"

#define MAP_BUCKETS (1u << 12)
#define BASE 0xf0000000u /* 240.0.0.0 */

struct slot {
	uint8_t lo[16], hi[16]; /* the pair, lower address first */
	uint32_t users;
	uint32_t hnext;         /* hash chain, slot numbers, 0 ends */
	uint32_t fprev, fnext;  /* the free FIFO, while users == 0 */
};

struct td_reasm_map {
	struct slot *s;         /* s[0] is slot 1 */
	size_t n, alloc, max;
	uint32_t buckets[MAP_BUCKETS];
	uint32_t free_head, free_tail;
	struct td_reasm_map_stats st;
};

struct td_reasm_map *td_reasm_map_new(size_t max_pairs)
{
	if (max_pairs < 1 || max_pairs > TD_REASM_MAP_LIMIT)
		return NULL;
	struct td_reasm_map *m = calloc(1, sizeof(*m));
	if (m)
		m->max = max_pairs;
	return m;
}

void td_reasm_map_free(struct td_reasm_map *m)
{
	if (!m)
		return;
	free(m->s);
	free(m);
}

/* The pair in a fixed order, so both directions are one key. */
static void order(const uint8_t *a, const uint8_t *b, const uint8_t **lo, const uint8_t **hi)
{
	bool swap = memcmp(a, b, 16) > 0;
	*lo = swap ? b : a;
	*hi = swap ? a : b;
}

/* FNV-1a over the ordered pair. */
static uint32_t bucket_of(const uint8_t *lo, const uint8_t *hi)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < 16; i++)
		h = (h ^ lo[i]) * 16777619u;
	for (size_t i = 0; i < 16; i++)
		h = (h ^ hi[i]) * 16777619u;
	return h & (MAP_BUCKETS - 1);
}

static struct slot *at(const struct td_reasm_map *m, uint32_t slot)
{
	return slot >= 1 && slot <= m->n ? &m->s[slot - 1] : NULL;
}

uint32_t td_reasm_map_find(const struct td_reasm_map *m, const uint8_t a[16], const uint8_t b[16])
{
	const uint8_t *lo, *hi;
	order(a, b, &lo, &hi);
	for (uint32_t i = m->buckets[bucket_of(lo, hi)]; i; i = m->s[i - 1].hnext)
		if (!memcmp(m->s[i - 1].lo, lo, 16) && !memcmp(m->s[i - 1].hi, hi, 16))
			return i;
	return 0;
}

static void free_unlink(struct td_reasm_map *m, uint32_t i)
{
	struct slot *s = at(m, i);
	if (s->fprev)
		at(m, s->fprev)->fnext = s->fnext;
	else
		m->free_head = s->fnext;
	if (s->fnext)
		at(m, s->fnext)->fprev = s->fprev;
	else
		m->free_tail = s->fprev;
	s->fprev = s->fnext = 0;
}

static void free_append(struct td_reasm_map *m, uint32_t i)
{
	struct slot *s = at(m, i);
	s->fprev = m->free_tail;
	s->fnext = 0;
	if (m->free_tail)
		at(m, m->free_tail)->fnext = i;
	else
		m->free_head = i;
	m->free_tail = i;
}

static void unhash(struct td_reasm_map *m, uint32_t i)
{
	struct slot *s = at(m, i);
	for (uint32_t *pp = &m->buckets[bucket_of(s->lo, s->hi)]; *pp; pp = &at(m, *pp)->hnext) {
		if (*pp == i) {
			*pp = s->hnext;
			break;
		}
	}
	s->hnext = 0;
}

/* A slot for a new pair: a fresh one while the table may grow, else the
 * one released longest ago; 0 when every slot has users. */
static uint32_t take_slot(struct td_reasm_map *m)
{
	if (m->n < m->max) {
		if (m->n == m->alloc) {
			size_t want = m->alloc ? m->alloc * 2 : 64;
			want = want < m->max ? want : m->max;
			struct slot *s = realloc(m->s, want * sizeof(*s));
			if (!s)
				return 0;
			m->s = s;
			m->alloc = want;
		}
		memset(&m->s[m->n], 0, sizeof(m->s[0]));
		m->st.assigned = ++m->n;
		return (uint32_t)m->n;
	}
	uint32_t i = m->free_head;
	if (!i)
		return 0;
	free_unlink(m, i);
	unhash(m, i);
	m->st.reused++;
	return i;
}

uint32_t td_reasm_map_acquire(struct td_reasm_map *m, const uint8_t a[16], const uint8_t b[16])
{
	uint32_t i = td_reasm_map_find(m, a, b);
	if (!i) {
		if (!(i = take_slot(m))) {
			m->st.refused++;
			return 0;
		}
		struct slot *s = at(m, i);
		const uint8_t *lo, *hi;
		order(a, b, &lo, &hi);
		memcpy(s->lo, lo, 16);
		memcpy(s->hi, hi, 16);
		uint32_t h = bucket_of(lo, hi);
		s->hnext = m->buckets[h];
		m->buckets[h] = i;
	} else if (at(m, i)->users == 0) {
		free_unlink(m, i);
	}
	if (at(m, i)->users++ == 0 && ++m->st.in_use > m->st.peak)
		m->st.peak = m->st.in_use;
	return i;
}

void td_reasm_map_release(struct td_reasm_map *m, uint32_t slot)
{
	struct slot *s = at(m, slot);
	if (!s || s->users == 0)
		return;
	if (--s->users == 0) {
		m->st.in_use--;
		free_append(m, slot);
	}
}

static void put_v4(uint32_t a, uint8_t v4[4])
{
	v4[0] = (uint8_t)(a >> 24);
	v4[1] = (uint8_t)(a >> 16);
	v4[2] = (uint8_t)(a >> 8);
	v4[3] = (uint8_t)a;
}

bool td_reasm_map_to4(const struct td_reasm_map *m, uint32_t slot, const uint8_t addr[16], uint8_t v4[4])
{
	const struct slot *s = at(m, slot);
	if (!s)
		return false;
	uint32_t even = BASE + 2 * (slot - 1);
	/* A connection to itself (::1 to ::1) has one address: one IPv4
	 * address too, as 127.0.0.1 to 127.0.0.1 would. */
	if (!memcmp(addr, s->lo, 16))
		put_v4(even, v4);
	else if (!memcmp(addr, s->hi, 16))
		put_v4(even + 1, v4);
	else
		return false;
	return true;
}

bool td_reasm_map_to6(const struct td_reasm_map *m, const uint8_t v4[4], uint8_t v6[16], uint32_t *slot)
{
	uint32_t a = (uint32_t)v4[0] << 24 | (uint32_t)v4[1] << 16 | (uint32_t)v4[2] << 8 | v4[3];
	if (!td_reasm_map_synthetic(v4))
		return false;
	uint32_t i = (a - BASE) / 2 + 1;
	const struct slot *s = at(m, i);
	if (!s)
		return false;
	bool hi = (a - BASE) & 1;
	if (hi && !memcmp(s->lo, s->hi, 16))
		return false; /* a connection to itself hands out only the even address */
	memcpy(v6, hi ? s->hi : s->lo, 16);
	*slot = i;
	return true;
}

void td_reasm_map_stats(const struct td_reasm_map *m, struct td_reasm_map_stats *st)
{
	*st = m->st;
}
