/*
 * Fuzz target: the HTTP head reader (the CONNECT and the proxy's answer, the
 * POST /IPHTTPS inside a NULL-cipher session) and the first-line quoting.
 *
 * Input: byte 0 the chunk-size seed, byte 1 the output size given to
 * td_first_line (0 .. 255), then the bytes. The head is fed once whole and
 * once in pieces: both must end the same (complete, where the body starts,
 * the same request and response), and every string must be terminated
 * inside its field.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

static void check_req(const struct td_http_req *r)
{
	if (!TERMINATED(r->method) || !TERMINATED(r->uri) || !TERMINATED(r->host) ||
	    !TERMINATED(r->content_length) || !TERMINATED(r->user_agent))
		abort();
}

static void check_resp(const struct td_http_resp *r)
{
	if (!TERMINATED(r->status_line) || !TERMINATED(r->server) || !TERMINATED(r->content_length))
		abort();
	if (r->status > 999)
		abort();
}

/* Feed in pieces; returns the bytes the reader said it took. */
static size_t feed(struct td_http_acc *a, const uint8_t *p, size_t len, uint32_t seed, bool pieces)
{
	size_t taken = 0;
	while (len > 0) {
		size_t k = len;
		if (pieces) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % 64;
			if (k > len)
				k = len;
		}
		size_t t = td_http_acc_feed(a, p, k);
		if (t > k || a->len > sizeof(a->buf) || (a->complete && a->body_off > a->len))
			abort();
		if (!a->complete && t != k)
			abort(); /* all is taken until the head completes */
		taken += t;
		p += k;
		len -= k;
	}
	return taken;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return -1;
	uint32_t seed = data[0];
	size_t outlen = data[1];
	data += 2;
	size -= 2;

	static struct td_http_acc whole, cut;
	memset(&whole, 0, sizeof(whole));
	memset(&cut, 0, sizeof(cut));
	size_t tw = feed(&whole, data, size, seed, false);
	size_t tc = feed(&cut, data, size, seed, true);
	if (whole.complete != cut.complete || tw != tc)
		abort();
	if (whole.complete && (whole.body_off != cut.body_off || tw != whole.body_off))
		abort();
	if (!whole.complete && (whole.len != cut.len || tw != size))
		abort();

	struct td_http_req rw, rc;
	struct td_http_resp sw, sc;
	memset(&rw, 0, sizeof(rw));
	memset(&rc, 0, sizeof(rc));
	memset(&sw, 0, sizeof(sw));
	memset(&sc, 0, sizeof(sc));
	td_http_parse_request(&whole, &rw);
	td_http_parse_request(&cut, &rc);
	td_http_parse_response(&whole, &sw);
	td_http_parse_response(&cut, &sc);
	check_req(&rw);
	check_resp(&sw);
	if (memcmp(&rw, &rc, sizeof(rw)) != 0 || memcmp(&sw, &sc, sizeof(sw)) != 0)
		abort(); /* the same head read differently when it came in pieces */

	(void)td_http_looks_like_request(data, size);

	/* td_first_line into a heap block of exactly outlen bytes. */
	char *out = malloc(outlen ? outlen : 1);
	if (!out)
		abort();
	td_first_line(data, size, out, outlen);
	if (outlen && !memchr(out, '\0', outlen))
		abort();
	free(out);
	return 0;
}
