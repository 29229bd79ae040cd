/*
 * Fuzz target: the TLS stream reader (records, handshake reassembly, alerts,
 * NULL-cipher plaintext, SSLv2 hello, non-TLS detection, the proxy CONNECT)
 * fed both directions of one connection in arbitrary chunks, then every
 * reader of the facts (fact table, classifier, JSON and text reports).
 *
 * Input layout (tests/fuzz/make-seeds.sh writes it from real captures):
 *   byte 0   flags: bit 0 proxy port; bits 1-2 hs_max (65536, 1024, 4096, 16384);
 *            bit 3 stop a direction once td_tls_dir_done() says so (as the
 *            tracker does); bit 4 also check that the facts do not depend on
 *            how segments are cut (see below); bits 5-7 split level s: each
 *            segment is fed whole (s = 0) or in pieces of 1 .. 2^(2s-1) bytes.
 *   byte 1   bits 0-6 seed of the piece sizes; bit 7 the connection started
 *            before the capture (td_tls_set_midstream: find a record boundary).
 *   byte 2   K, the number of segments in the script (0: one C2S segment).
 *   K x 2    the script, big-endian: bit 15 direction (1 = server to client),
 *            bits 0-14 segment length (0 = all that is left).
 *   rest     the bytes; the script is applied in a loop until they run out.
 *
 * The chunking check (bit 4) feeds the same segments once cut into pieces
 * and once whole, both with one frame number, and requires the same JSON:
 * the order of bytes across directions is kept, only TCP segmentation
 * differs, and segmentation must never change what tlsdiag says.
 * FUZZ_TLS_NO_CHUNK_CHECK=1 in the environment turns the check off.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/tls.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct script {
	bool proxy;
	bool midstream;
	size_t hs_max;
	bool stop_when_done;
	bool chunk_check;
	unsigned split;
	uint32_t seed;
	const uint8_t *cmds;
	size_t n_cmds;
	const uint8_t *data;
	size_t len;
};

static bool parse_script(const uint8_t *in, size_t size, struct script *s)
{
	static const size_t hs_max[4] = { 0, 1024, 4096, 16384 };
	if (size < 3)
		return false;
	memset(s, 0, sizeof(*s));
	s->proxy = in[0] & 1;
	s->hs_max = hs_max[(in[0] >> 1) & 3];
	s->stop_when_done = in[0] & 8;
	s->chunk_check = in[0] & 16;
	s->split = in[0] >> 5;
	s->seed = 0x9e3779b9u ^ (in[1] & 0x7f);
	s->midstream = in[1] & 0x80;
	s->n_cmds = in[2];
	size_t need = 3 + 2 * s->n_cmds;
	if (size < need)
		return false;
	s->cmds = in + 3;
	s->data = in + need;
	s->len = size - need;
	return true;
}

static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

struct run_opts {
	bool split;          /* cut segments into pieces */
	bool stop_when_done; /* stop feeding a direction once it is decided */
	bool one_frame;      /* every piece is frame 1 at time 1.0 */
};

/* Feed the whole script to a fresh stream; returns the facts. */
static struct td_facts *run(const struct script *s, const struct run_opts *o)
{
	struct td_facts *f = td_facts_new();
	struct td_tls_stream *st = td_tls_new(s->proxy, s->hs_max);
	if (!f || !st)
		abort();
	if (s->midstream)
		td_tls_set_midstream(st);
	f->id = 1;
	f->on_proxy_port = s->proxy;
	f->tcp.client_ip.family = f->tcp.server_ip.family = 4;
	f->tcp.client_port = 49152;
	f->tcp.server_port = s->proxy ? 8080 : 443;
	f->tcp.reassembled = true;
	uint32_t rng = s->seed;
	uint64_t frame = 3;
	double ts = 1000.0;
	bool collecting[2] = { true, true };
	size_t off = 0, cmd = 0;
	while (off < s->len) {
		enum td_dir dir = TD_DIR_C2S;
		size_t seg = s->len - off;
		if (s->n_cmds) {
			const uint8_t *c = s->cmds + 2 * (cmd++ % s->n_cmds);
			size_t want = (size_t)(c[0] & 0x7f) << 8 | c[1];
			dir = (c[0] & 0x80) ? TD_DIR_S2C : TD_DIR_C2S;
			if (want && want < seg)
				seg = want;
		}
		const uint8_t *p = s->data + off;
		off += seg;
		f->tcp.bytes[dir] += seg;
		f->tcp.packets++;
		while (seg > 0) {
			size_t piece = seg;
			if (o->split && s->split) {
				size_t max = (size_t)1 << (2 * s->split - 1);
				piece = 1 + xorshift(&rng) % max;
				if (piece > seg)
					piece = seg;
			}
			uint64_t fr = o->one_frame ? 1 : frame++;
			double t = o->one_frame ? 1.0 : (ts += 0.001);
			if (collecting[dir]) {
				td_tls_feed(st, f, dir, p, piece, fr, t);
				if (td_tls_dir_done(st, f, dir) && o->stop_when_done)
					collecting[dir] = false;
			}
			p += piece;
			seg -= piece;
		}
	}
	f->tcp.last_frame = frame;
	td_tls_free(st);
	return f;
}

static char *render_json(struct td_facts *f, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);
	if (!m)
		abort();
	fuzz_finish(f, m, NULL);
	fclose(m);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int no_check = -1;
	struct script s;
	if (no_check < 0) {
		const char *e = getenv("FUZZ_TLS_NO_CHUNK_CHECK");
		no_check = e && *e && strcmp(e, "0") != 0;
	}
	if (!parse_script(data, size, &s))
		return -1; /* not an input: keep it out of the corpus */

	/* As the pipeline runs it: pieces, frame numbers, the tracker's stop. */
	struct run_opts o = { .split = true, .stop_when_done = s.stop_when_done };
	struct td_facts *f = run(&s, &o);
	fuzz_finish(f, NULL, NULL);
	td_facts_free(f);

	if (!s.chunk_check || no_check || s.split == 0)
		return 0;
	struct run_opts cut = { .split = true, .one_frame = true };
	struct run_opts whole = { .split = false, .one_frame = true };
	struct td_facts *a = run(&s, &cut), *b = run(&s, &whole);
	size_t alen, blen;
	char *ja = render_json(a, &alen), *jb = render_json(b, &blen);
	if (alen != blen || memcmp(ja, jb, alen) != 0) {
		fprintf(stderr, "fuzz_tls: the facts depend on how the segments are cut\n"
				"--- cut into pieces:\n%s--- whole segments:\n%s", ja, jb);
		abort();
	}
	free(ja);
	free(jb);
	td_facts_free(a);
	td_facts_free(b);
	return 0;
}
