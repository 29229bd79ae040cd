/* Unit tests for include/tlsdiag/rd.h and src/rd.c: the bounds-checked
 * reader. Every read either succeeds and moves exactly as far as it read,
 * or fails and leaves the reader where it was. */
#include "tlsdiag/rd.h"

#include <stdint.h>
#include <string.h>

#include "tap.h"

static const uint8_t seq[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

/* The reader still covers exactly [buf + at, buf + len). */
static int rd_at(const struct td_rd *r, const uint8_t *buf, size_t at, size_t len)
{
	return r->p == buf + at && r->end == buf + len;
}

/* Integers of each width: exact length reads and leaves the reader done;
 * one byte short fails with TD_E_SHORT and moves nothing. */
static void test_integers_exact(void)
{
	struct td_rd r;
	uint8_t v8 = 0;
	uint16_t v16 = 0;
	uint32_t v32 = 0;

	r = td_rd_make(seq, 1);
	ok(td_rd_u8(&r, &v8) == TD_E_OK && v8 == 0x01 && td_rd_done(&r), "u8 from 1 byte");
	r = td_rd_make(seq, 2);
	ok(td_rd_u16(&r, &v16) == TD_E_OK && v16 == 0x0102 && td_rd_done(&r),
	   "u16 from 2 bytes is big-endian");
	r = td_rd_make(seq, 3);
	ok(td_rd_u24(&r, &v32) == TD_E_OK && v32 == 0x010203 && td_rd_done(&r),
	   "u24 from 3 bytes is big-endian");
	r = td_rd_make(seq, 4);
	ok(td_rd_u32(&r, &v32) == TD_E_OK && v32 == 0x01020304 && td_rd_done(&r),
	   "u32 from 4 bytes is big-endian");

	static const uint8_t high[] = { 0xff, 0xfe, 0xfd, 0xfc };
	r = td_rd_make(high, 4);
	ok(td_rd_u32(&r, &v32) == TD_E_OK && v32 == 0xfffefdfcu, "u32 with the top bit set");
	r = td_rd_make(high, 3);
	ok(td_rd_u24(&r, &v32) == TD_E_OK && v32 == 0xfffefdu, "u24 with the top bit set");
}

static void test_integers_one_short(void)
{
	struct td_rd r;
	uint8_t v8 = 0xaa;
	uint16_t v16 = 0xaaaa;
	uint32_t v32 = 0xaaaaaaaa;

	r = td_rd_make(seq, 0);
	ok(td_rd_u8(&r, &v8) == TD_E_SHORT && rd_at(&r, seq, 0, 0) && v8 == 0xaa,
	   "u8 from 0 bytes: SHORT, reader and value unchanged");
	r = td_rd_make(seq, 1);
	ok(td_rd_u16(&r, &v16) == TD_E_SHORT && rd_at(&r, seq, 0, 1) && v16 == 0xaaaa,
	   "u16 from 1 byte: SHORT, reader and value unchanged");
	r = td_rd_make(seq, 2);
	ok(td_rd_u24(&r, &v32) == TD_E_SHORT && rd_at(&r, seq, 0, 2) && v32 == 0xaaaaaaaa,
	   "u24 from 2 bytes: SHORT, reader and value unchanged");
	r = td_rd_make(seq, 3);
	ok(td_rd_u32(&r, &v32) == TD_E_SHORT && rd_at(&r, seq, 0, 3) && v32 == 0xaaaaaaaa,
	   "u32 from 3 bytes: SHORT, reader and value unchanged");
}

/* Successive reads walk the buffer in order. */
static void test_sequential_reads(void)
{
	struct td_rd r = td_rd_make(seq, sizeof(seq));
	uint8_t a = 0;
	uint16_t b = 0;
	uint32_t c = 0;
	int good = td_rd_u8(&r, &a) == TD_E_OK && td_rd_u16(&r, &b) == TD_E_OK &&
		   td_rd_u24(&r, &c) == TD_E_OK;
	ok(good && a == 0x01 && b == 0x0203 && c == 0x040506, "u8, u16, u24 in sequence");
	is_int(td_rd_left(&r), 2, "two bytes left after reading six");
	ok(td_rd_u32(&r, &c) == TD_E_SHORT && td_rd_left(&r) == 2,
	   "u32 with two left fails and leaves both");
}

static void test_bytes_and_skip(void)
{
	struct td_rd r = td_rd_make(seq, sizeof(seq));
	const uint8_t *v = NULL;

	ok(td_rd_bytes(&r, 3, &v) == TD_E_OK && v == seq && rd_at(&r, seq, 3, sizeof(seq)),
	   "bytes(3) borrows the first three bytes");
	ok(td_rd_bytes(&r, 0, &v) == TD_E_OK && v == seq + 3 && rd_at(&r, seq, 3, sizeof(seq)),
	   "bytes(0) succeeds and moves nothing");
	v = NULL;
	ok(td_rd_bytes(&r, 6, &v) == TD_E_SHORT && v == NULL && rd_at(&r, seq, 3, sizeof(seq)),
	   "bytes beyond the end: SHORT, reader unchanged, out untouched");
	ok(td_rd_bytes(&r, SIZE_MAX, &v) == TD_E_SHORT && rd_at(&r, seq, 3, sizeof(seq)),
	   "bytes(SIZE_MAX): SHORT, no pointer overflow");
	ok(td_rd_skip(&r, 6) == TD_E_SHORT && rd_at(&r, seq, 3, sizeof(seq)),
	   "skip beyond the end: SHORT, reader unchanged");
	ok(td_rd_skip(&r, SIZE_MAX) == TD_E_SHORT && rd_at(&r, seq, 3, sizeof(seq)),
	   "skip(SIZE_MAX): SHORT, reader unchanged");
	ok(td_rd_skip(&r, 5) == TD_E_OK && td_rd_done(&r), "skip exactly to the end");
	ok(td_rd_skip(&r, 0) == TD_E_OK && td_rd_bytes(&r, 0, &v) == TD_E_OK,
	   "zero-length skip and bytes at the end succeed");
	ok(td_rd_skip(&r, 1) == TD_E_SHORT && td_rd_done(&r), "skip(1) at the end: SHORT");
}

/* A vector with an n-byte length prefix. */
struct vec_case {
	const char *what;
	uint8_t buf[8];
	size_t len;
	unsigned lenbytes;
	size_t lo, hi;
	enum td_err want;
	size_t body_off, body_len; /* on success */
};

static const struct vec_case vec_cases[] = {
	{ "1-byte length, 2-byte body", { 0x02, 0xaa, 0xbb, 0xcc }, 4, 1, 0, 0xff, TD_E_OK, 1, 2 },
	{ "2-byte length, 3-byte body", { 0x00, 0x03, 1, 2, 3, 4 }, 6, 2, 0, 0xffff, TD_E_OK, 2, 3 },
	{ "3-byte length, 2-byte body", { 0x00, 0x00, 0x02, 9, 8 }, 5, 3, 0, 0xffffff, TD_E_OK, 3, 2 },
	{ "empty vector allowed by lo 0", { 0x00, 0x00 }, 2, 2, 0, 10, TD_E_OK, 2, 0 },
	{ "length exactly lo", { 0x02, 1, 2 }, 3, 1, 2, 4, TD_E_OK, 1, 2 },
	{ "length exactly hi", { 0x04, 1, 2, 3, 4 }, 5, 1, 2, 4, TD_E_OK, 1, 4 },
	{ "length below lo", { 0x01, 1, 2, 3 }, 4, 1, 2, 4, TD_E_RANGE, 0, 0 },
	{ "length above hi", { 0x05, 1, 2, 3, 4, 5 }, 6, 1, 2, 4, TD_E_RANGE, 0, 0 },
	{ "empty vector below lo 1", { 0x00, 0x00 }, 2, 2, 1, 10, TD_E_RANGE, 0, 0 },
	{ "1-byte length longer than the data", { 0x05, 1, 2 }, 3, 1, 0, 0xff, TD_E_SHORT, 0, 0 },
	{ "2-byte length longer than the data", { 0x01, 0x00, 1 }, 3, 2, 0, 0xffff, TD_E_SHORT, 0, 0 },
	{ "3-byte length longer than the data", { 0xff, 0xff, 0xff, 1 }, 4, 3, 0, 0xffffff, TD_E_SHORT, 0, 0 },
	{ "length prefix itself cut", { 0x00, 0x00 }, 2, 3, 0, 0xffffff, TD_E_SHORT, 0, 0 },
	{ "no bytes at all", { 0 }, 0, 2, 0, 0xffff, TD_E_SHORT, 0, 0 },
	{ "lenbytes 0 is rejected", { 0x01, 0xaa }, 2, 0, 0, 0xff, TD_E_RANGE, 0, 0 },
	{ "lenbytes 4 is rejected", { 0, 0, 0, 1, 0xaa }, 5, 4, 0, 0xff, TD_E_RANGE, 0, 0 },
};

static void test_vec_cases(void)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(vec_cases); i++) {
		const struct vec_case *c = &vec_cases[i];
		struct td_rd r = td_rd_make(c->buf, c->len);
		struct td_rd sub = { NULL, NULL };
		enum td_err e = td_rd_vec(&r, c->lenbytes, c->lo, c->hi, &sub);
		if (c->want == TD_E_OK)
			ok(e == TD_E_OK && sub.p == c->buf + c->body_off &&
				   td_rd_left(&sub) == c->body_len &&
				   r.p == c->buf + c->body_off + c->body_len && r.end == c->buf + c->len,
			   "vec: %s: sub covers the body, reader after it", c->what);
		else
			ok(e == c->want && rd_at(&r, c->buf, 0, c->len) && sub.p == NULL,
			   "vec: %s: %s, reader and sub unchanged", c->what, td_err_name(c->want));
		if (e != c->want)
			diag("  got %s", td_err_name(e));
	}
}

/* Vectors inside vectors: an outer <2-byte> list of <1-byte> strings. */
static void test_vec_nested(void)
{
	static const uint8_t buf[] = {
		0x00, 0x07,             /* outer length 7 */
		0x02, 'h', '2',         /* "h2" */
		0x03, 'a', 'b', 'c',    /* "abc" */
		0xee,                   /* after the outer vector */
	};
	struct td_rd r = td_rd_make(buf, sizeof(buf)), outer, s1, s2, s3;
	int good = td_rd_vec(&r, 2, 1, 0xffff, &outer) == TD_E_OK &&
		   td_rd_vec(&outer, 1, 1, 0xff, &s1) == TD_E_OK &&
		   td_rd_vec(&outer, 1, 1, 0xff, &s2) == TD_E_OK;
	ok(good && td_rd_left(&s1) == 2 && memcmp(s1.p, "h2", 2) == 0 && td_rd_left(&s2) == 3 &&
		   memcmp(s2.p, "abc", 3) == 0,
	   "nested: both inner strings read");
	ok(good && td_rd_done(&outer), "nested: outer vector consumed exactly");
	ok(td_rd_vec(&outer, 1, 0, 0xff, &s3) == TD_E_SHORT, "nested: reading past the outer vector fails");
	uint8_t after = 0;
	ok(td_rd_u8(&r, &after) == TD_E_OK && after == 0xee && td_rd_done(&r),
	   "nested: the parent reader continues after the outer vector");

	/* An inner length that fits the buffer but not the outer vector. */
	static const uint8_t leak[] = { 0x00, 0x02, 0x05, 'a', 'b', 'c', 'd', 'e' };
	struct td_rd r2 = td_rd_make(leak, sizeof(leak)), o2, in2;
	ok(td_rd_vec(&r2, 2, 0, 0xffff, &o2) == TD_E_OK &&
		   td_rd_vec(&o2, 1, 0, 0xff, &in2) == TD_E_SHORT && o2.p == leak + 2,
	   "nested: an inner vector cannot reach past its outer vector");
}

static void test_peek(void)
{
	struct td_rd r = td_rd_make(seq, 4);
	uint8_t v = 0;
	ok(td_rd_peek_u8(&r, 0, &v) == TD_E_OK && v == 0x01 && rd_at(&r, seq, 0, 4),
	   "peek at 0 reads without consuming");
	ok(td_rd_peek_u8(&r, 3, &v) == TD_E_OK && v == 0x04 && rd_at(&r, seq, 0, 4),
	   "peek at the last byte");
	v = 0x77;
	ok(td_rd_peek_u8(&r, 4, &v) == TD_E_SHORT && v == 0x77, "peek one past the end: SHORT");
	ok(td_rd_peek_u8(&r, SIZE_MAX, &v) == TD_E_SHORT && v == 0x77, "peek at SIZE_MAX: SHORT");
	ok(td_rd_skip(&r, 2) == TD_E_OK && td_rd_peek_u8(&r, 0, &v) == TD_E_OK && v == 0x03,
	   "peek is relative to the current position");
}

static void test_empty_reader(void)
{
	struct td_rd r = td_rd_make(seq, 0), sub;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	const uint8_t *b;
	ok(td_rd_done(&r) && td_rd_left(&r) == 0, "empty reader: done, nothing left");
	ok(td_rd_u8(&r, &v8) == TD_E_SHORT && td_rd_u16(&r, &v16) == TD_E_SHORT &&
		   td_rd_u24(&r, &v32) == TD_E_SHORT && td_rd_u32(&r, &v32) == TD_E_SHORT,
	   "empty reader: every integer read is SHORT");
	ok(td_rd_bytes(&r, 1, &b) == TD_E_SHORT && td_rd_skip(&r, 1) == TD_E_SHORT &&
		   td_rd_vec(&r, 1, 0, 0xff, &sub) == TD_E_SHORT && td_rd_peek_u8(&r, 0, &v8) == TD_E_SHORT,
	   "empty reader: bytes, skip, vec and peek are SHORT");
	ok(td_rd_bytes(&r, 0, &b) == TD_E_OK && td_rd_done(&r), "empty reader: bytes(0) succeeds");
}

int main(void)
{
	test_integers_exact();
	test_integers_one_short();
	test_sequential_reads();
	test_bytes_and_skip();
	test_vec_cases();
	test_vec_nested();
	test_peek();
	test_empty_reader();
	return done_testing();
}
