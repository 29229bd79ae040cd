/*
 * The bounds-checked reader. This file and include/tlsdiag/rd.h (the
 * fixed-size reads, inline) are the only ones that do pointer arithmetic on
 * untrusted bytes: every length is compared with what is left before the
 * pointer moves, so no read can pass the end of its window.
 */
#include "tlsdiag/rd.h"

enum td_err td_rd_vec(struct td_rd *r, unsigned lenbytes, size_t lo, size_t hi, struct td_rd *sub)
{
	if (lenbytes < 1 || lenbytes > 3)
		return TD_E_RANGE;
	struct td_rd save = *r;
	uint32_t len;
	const uint8_t *body;
	enum td_err e = td_rd_uint(r, lenbytes, &len);
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
