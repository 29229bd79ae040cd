/*
 * The bounds-checked reader. This is the only file that does pointer
 * arithmetic on untrusted bytes: every length is compared with what is left
 * before the pointer moves, so no read can pass the end of its window.
 */
#include "tlsdiag/rd.h"

enum td_err td_rd_bytes(struct td_rd *r, size_t n, const uint8_t **v)
{
	if (td_rd_left(r) < n)
		return TD_E_SHORT;
	*v = r->p;
	r->p += n;
	return TD_E_OK;
}

enum td_err td_rd_skip(struct td_rd *r, size_t n)
{
	const uint8_t *unused;
	return td_rd_bytes(r, n, &unused);
}

/* Big-endian unsigned integer of n (1..4) bytes. */
static enum td_err rd_uint(struct td_rd *r, size_t n, uint32_t *v)
{
	const uint8_t *b;
	enum td_err e = td_rd_bytes(r, n, &b);
	if (e != TD_E_OK)
		return e;
	uint32_t x = 0;
	for (size_t i = 0; i < n; i++)
		x = (x << 8) | b[i];
	*v = x;
	return TD_E_OK;
}

enum td_err td_rd_u8(struct td_rd *r, uint8_t *v)
{
	uint32_t x;
	enum td_err e = rd_uint(r, 1, &x);
	if (e == TD_E_OK)
		*v = (uint8_t)x;
	return e;
}

enum td_err td_rd_u16(struct td_rd *r, uint16_t *v)
{
	uint32_t x;
	enum td_err e = rd_uint(r, 2, &x);
	if (e == TD_E_OK)
		*v = (uint16_t)x;
	return e;
}

enum td_err td_rd_u24(struct td_rd *r, uint32_t *v)
{
	return rd_uint(r, 3, v);
}

enum td_err td_rd_u32(struct td_rd *r, uint32_t *v)
{
	return rd_uint(r, 4, v);
}

enum td_err td_rd_vec(struct td_rd *r, unsigned lenbytes, size_t lo, size_t hi, struct td_rd *sub)
{
	if (lenbytes < 1 || lenbytes > 3)
		return TD_E_RANGE;
	struct td_rd save = *r;
	uint32_t len;
	const uint8_t *body;
	enum td_err e = rd_uint(r, lenbytes, &len);
	if (e == TD_E_OK && (len < lo || len > hi))
		e = TD_E_RANGE;
	if (e == TD_E_OK)
		e = td_rd_bytes(r, len, &body);
	if (e != TD_E_OK) {
		*r = save;
		return e;
	}
	*sub = td_rd_make(body, len);
	return TD_E_OK;
}

enum td_err td_rd_peek_u8(const struct td_rd *r, size_t at, uint8_t *v)
{
	if (td_rd_left(r) <= at)
		return TD_E_SHORT;
	*v = r->p[at];
	return TD_E_OK;
}
