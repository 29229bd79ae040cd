/*
 * The bounds-checked reader. This file and include/tlsdiag/rd.h (the
 * fixed-size reads, inline) are the only ones that do pointer arithmetic on
 * untrusted bytes: every length is compared with what is left before the
 * pointer moves, so no read can pass the end of its window.
 */
#include "tlsdiag/rd.h"

/* Big-endian unsigned integer of n (1..3) bytes. */
static enum td_err rd_len(struct td_rd *r, size_t n, uint32_t *v)
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

enum td_err td_rd_vec(struct td_rd *r, unsigned lenbytes, size_t lo, size_t hi, struct td_rd *sub)
{
	if (lenbytes < 1 || lenbytes > 3)
		return TD_E_RANGE;
	struct td_rd save = *r;
	uint32_t len;
	const uint8_t *body;
	enum td_err e = rd_len(r, lenbytes, &len);
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
