/*
 * Fuzz target: the SSLv2-compatible ClientHello (the record body after its
 * 2-byte header), the same bytes as the records of an SSLv2 session
 * (td_sslv2_record), then every reader of the facts. The stream target reaches
 * this parser too, but only through a record header and the detection; here
 * every input is a body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "tlsdiag/tls.h"
#include "tlsdiag/tls_sslv2.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct td_facts *f = td_facts_new();
	if (!f)
		abort();
	f->tcp.client_ip.family = f->tcp.server_ip.family = 4;
	f->tcp.server_port = 443;
	f->tcp.reassembled = true;
	/* td_tls_feed() makes the payload facts before any parser runs; the
	 * exposed parsers expect them (they dereference f->tls). */
	if (!td_facts_tls(f))
		abort();
	/* An exact-size copy: a read past the body is a read past the heap block. */
	uint8_t *body = malloc(size ? size : 1);
	if (!body)
		abort();
	memcpy(body, data, size);
	enum td_err e = td_tls_parse_sslv2_hello(f, body, size, 4, 1.0);
	if (e == TD_E_OK && (!f->tls || !f->tls->ch.seen || !f->tls->ch.sslv2))
		abort(); /* accepted, yet no ClientHello recorded */
	/* The same bytes as the SSLv2 session's next records (src/tls_sslv2.c):
	 * the server's (a SERVER-HELLO or an ERROR), then the client's (a
	 * CLIENT-MASTER-KEY), then both again, encrypted by then or not. */
	td_sslv2_record(f, TD_DIR_S2C, body, size, 5, 1.1);
	td_sslv2_record(f, TD_DIR_C2S, body, size, 6, 1.2);
	td_sslv2_record(f, TD_DIR_S2C, body, size, 7, 1.3);
	td_sslv2_record(f, TD_DIR_C2S, body, size, 8, 1.4);
	free(body);
	fuzz_finish(f, NULL, NULL);
	td_facts_free(f);
	return 0;
}
