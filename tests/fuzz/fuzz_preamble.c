/*
 * Fuzz target: the plaintext before TLS (src/tls_preamble.c), both
 * directions, as src/conntrack.c drives it: each segment to
 * td_preamble_feed() until its direction turns TLS, the bytes it held and
 * the rest to the TLS stream, then every reader of the facts.
 *
 * Input: byte 0 the protocol (modulo TD_PRE__COUNT; 0 picks one by
 * td_preamble_command() on the first segment, as a flow found by content),
 * byte 1 flags (bit 0: read from partway (at the command); bit 1: also feed
 * every segment one byte at a time into a second preamble and require the
 * same tls.preamble facts), then segments: a control byte (bit 7 the
 * direction, bits 0-6 the length) and that many bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/tls.h"
#include "tlsdiag/tls_preamble.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct side {
	struct td_facts *f;
	struct td_preamble *p;
	struct td_tls_stream *tls;
};

static void feed(struct side *s, enum td_dir dir, const uint8_t *d, size_t n, uint64_t frame)
{
	if (td_preamble_state(s->p, dir) == TD_PRE_STOPPED)
		return;
	if (td_preamble_state(s->p, dir) == TD_PRE_PLAIN) {
		const uint8_t *held;
		size_t held_len;
		size_t used = td_preamble_feed(s->p, s->f, dir, d, n, frame, 1.0, &held, &held_len);
		if (used > n || held_len > 4096 || (held_len && !held))
			abort();
		if (td_preamble_state(s->p, dir) != TD_PRE_TLS) {
			if (held_len)
				abort(); /* bytes handed back, yet no TLS */
			return;
		}
		if (held_len)
			td_tls_feed(s->tls, s->f, dir, held, held_len, frame, 1.0);
		d += used;
		n -= used;
	}
	if (n)
		td_tls_feed(s->tls, s->f, dir, d, n, frame, 1.0);
}

static bool side_new(struct side *s, enum td_pre_proto proto, bool at_command)
{
	s->f = td_facts_new();
	if (!s->f || !td_facts_tls(s->f))
		abort();
	s->f->tcp.client_ip.family = s->f->tcp.server_ip.family = 4;
	s->f->tcp.server_port = 25;
	s->f->tcp.reassembled = true;
	s->p = td_preamble_new(proto, at_command);
	s->tls = td_tls_new(false, TD_TLS_HS_MAX_DEFAULT);
	return s->p && s->tls;
}

static void side_free(struct side *s)
{
	td_preamble_free(s->p);
	td_tls_free(s->tls);
	td_facts_free(s->f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum td_pre_proto proto = (enum td_pre_proto)(data[0] % TD_PRE__COUNT);
	bool at_command = data[1] & 1, bytewise = data[1] & 2;
	const uint8_t *in = data + 2, *end = data + size;
	if (proto == TD_PRE_NONE) {
		size_t n = in < end ? *in & 0x7f : 0;
		proto = td_preamble_command(in + 1, (size_t)(end - in) > n ? n : 0);
		if (proto == TD_PRE_NONE)
			proto = TD_PRE_SMTP;
	}
	struct side a, b;
	if (!side_new(&a, proto, at_command) || !side_new(&b, proto, at_command))
		abort();
	for (uint64_t frame = 1; in < end; frame++) {
		enum td_dir dir = (*in & 0x80) ? TD_DIR_S2C : TD_DIR_C2S;
		size_t n = *in++ & 0x7f;
		if (n > (size_t)(end - in))
			n = (size_t)(end - in);
		/* An exact-size copy: a read past the segment is a read past the heap block. */
		uint8_t *seg = malloc(n ? n : 1);
		if (!seg)
			abort();
		memcpy(seg, in, n);
		(void)td_preamble_command(seg, n);
		feed(&a, dir, seg, n, frame);
		/* An empty segment still lets buffered bytes be read under what
		 * the other direction changed meanwhile: the same in both. */
		if (bytewise && !n)
			feed(&b, dir, seg, 0, frame);
		for (size_t i = 0; bytewise && i < n; i++)
			feed(&b, dir, seg + i, 1, frame);
		free(seg);
		in += n;
	}
	/* Segmentation never changes what the preamble says. */
	if (bytewise && memcmp(&a.f->tls->preamble, &b.f->tls->preamble, sizeof(a.f->tls->preamble)) != 0)
		abort();
	(void)td_preamble_wanted(a.p);
	fuzz_finish(a.f, NULL, NULL);
	side_free(&a);
	side_free(&b);
	return 0;
}
