/*
 * The bounds-checked reader: every untrusted byte is read through it.
 * A reader is a window [p, end). Functions compare what is left with what
 * is wanted before touching memory and never form p + n first. On error the
 * reader is left unchanged.
 */
#ifndef TLSDIAG_RD_H
#define TLSDIAG_RD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/err.h"

/* Return the error of a fallible reader call, if any. */
#define TD_TRY(expr)                           \
	do {                                   \
		enum td_err e_ = (expr);       \
		if (e_ != TD_E_OK)             \
			return e_;             \
	} while (0)

struct td_rd {
	const uint8_t *p;
	const uint8_t *end;
};

/* buf must hold len bytes; never NULL, not even with len 0 (NULL + 0 is
 * undefined in C): a record known by its header alone has no reader. */
static inline struct td_rd td_rd_make(const uint8_t *buf, size_t len)
{
	struct td_rd r = { buf, buf + len };
	return r;
}
static inline size_t td_rd_left(const struct td_rd *r) { return (size_t)(r->end - r->p); }
static inline bool td_rd_done(const struct td_rd *r) { return r->p == r->end; }

/*
 * The fixed-size reads are defined here, inline: every header field of
 * every packet and record goes through them (some 20 calls a packet), and
 * a call cost more than the check and the load. src/rd.c has the rest.
 */

/* Borrow n bytes: *v points into the buffer, valid as long as it is. */
TD_MUST_USE static inline enum td_err td_rd_bytes(struct td_rd *r, size_t n, const uint8_t **v)
{
	if (td_rd_left(r) < n)
		return TD_E_SHORT;
	*v = r->p;
	r->p += n;
	return TD_E_OK;
}

TD_MUST_USE static inline enum td_err td_rd_skip(struct td_rd *r, size_t n)
{
	const uint8_t *unused;
	return td_rd_bytes(r, n, &unused);
}

/* A big-endian unsigned integer of n (1..4) bytes. With n a constant, as
 * in the four below, the loop unrolls into plain loads. */
TD_MUST_USE static inline enum td_err td_rd_uint(struct td_rd *r, size_t n, uint32_t *v)
{
	const uint8_t *b;
	TD_TRY(td_rd_bytes(r, n, &b));
	uint32_t x = 0;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | b[i];
	*v = x;
	return TD_E_OK;
}

TD_MUST_USE static inline enum td_err td_rd_u8(struct td_rd *r, uint8_t *v)
{
	uint32_t x;
	TD_TRY(td_rd_uint(r, 1, &x));
	*v = (uint8_t)x;
	return TD_E_OK;
}

TD_MUST_USE static inline enum td_err td_rd_u16(struct td_rd *r, uint16_t *v)
{
	uint32_t x;
	TD_TRY(td_rd_uint(r, 2, &x));
	*v = (uint16_t)x;
	return TD_E_OK;
}

TD_MUST_USE static inline enum td_err td_rd_u24(struct td_rd *r, uint32_t *v)
{
	return td_rd_uint(r, 3, v);
}

TD_MUST_USE static inline enum td_err td_rd_u32(struct td_rd *r, uint32_t *v)
{
	return td_rd_uint(r, 4, v);
}

/* A TLS vector <lo..hi> with a lenbytes-byte (1, 2 or 3) length prefix:
 * *sub covers exactly its body, and the length must lie in [lo, hi]. */
TD_MUST_USE enum td_err td_rd_vec(struct td_rd *r, unsigned lenbytes, size_t lo, size_t hi,
				  struct td_rd *sub);
/* Peek without consuming. */
TD_MUST_USE static inline enum td_err td_rd_peek_u8(const struct td_rd *r, size_t at, uint8_t *v)
{
	if (td_rd_left(r) <= at)
		return TD_E_SHORT;
	*v = r->p[at];
	return TD_E_OK;
}

#endif
