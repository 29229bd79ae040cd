/* Unit tests for src/tls_sslv2.c: an SSLv2 session from CLIENT-HELLO to
 * data (cipher kinds by name, the certificate kept, the chosen kind, the
 * Finished messages inferred), a resumed one, an ERROR, and truncation
 * sweeps of SERVER-HELLO and CLIENT-MASTER-KEY: a cut message claims
 * nothing and is a parse error. */
#include "tlsdiag/tls_sslv2.h"

#include <stdlib.h>
#include <string.h>

#include "tlsdiag/tls.h"
#include "tap.h"

/* CLIENT-HELLO body: type 1, version 2, 2 kinds, no session id, 16-byte challenge. */
static const uint8_t client_hello[] = { 1, 0, 2, 0, 6, 0, 0, 0, 16, 0x07, 0x00, 0xc0, 0x01, 0x00, 0x80,
					'c', 'h', 'a', 'l', 'l', 'e', 'n', 'g', 'e', '-', '1', '6', 'b', 'y', 't', 'e' };
/* SERVER-HELLO: no hit, X.509, version 2, a 4-byte "certificate", one kind, 16-byte connection id. */
static const uint8_t server_hello[] = { 4, 0, 1, 0, 2, 0, 4, 0, 3, 0, 16, 0x30, 0x02, 0x05, 0x00, 0x01, 0x00, 0x80,
					'c', 'o', 'n', 'n', 'e', 'c', 't', 'i', 'o', 'n', '-', 'i', 'd', '1', '6', 'b' };
/* CLIENT-MASTER-KEY: RC4-128, 0 clear, 4 encrypted key bytes, no key arg. */
static const uint8_t master_key[] = { 2, 0x01, 0x00, 0x80, 0, 0, 0, 4, 0, 0, 0xde, 0xad, 0xbe, 0xef };
static const uint8_t sealed[24] = { 0x42 };

static struct td_facts *facts(void)
{
	struct td_facts *f = td_facts_new();
	if (!f || !td_facts_tls(f))
		abort();
	f->max_certs = 4;
	return f;
}

static void feed(struct td_facts *f, enum td_dir dir, const uint8_t *b, size_t n, uint64_t frame)
{
	uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees a read past it */
	if (!copy)
		abort();
	memcpy(copy, b, n);
	td_sslv2_record(f, dir, copy, n, frame, 1.0);
	free(copy);
}

static void test_session(void)
{
	struct td_facts *f = facts();
	ok(td_tls_parse_sslv2_hello(f, client_hello, sizeof(client_hello), 4, 1.0) == TD_E_OK, "CLIENT-HELLO parses");
	is_str(f->tls->sslv2.client_ciphers, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5, SSL_CK_RC4_128_WITH_MD5",
	       "the client's cipher kinds by name");
	feed(f, TD_DIR_S2C, server_hello, sizeof(server_hello), 6);
	ok(f->tls->sslv2_server_hello_frame == 6 && !f->tls->sslv2.session_id_hit, "SERVER-HELLO read, no session hit");
	is_str(f->tls->sslv2.server_ciphers, "SSL_CK_RC4_128_WITH_MD5", "the server's cipher kinds");
	ok(f->tls->server_certs.seen && f->tls->server_certs.kept == 1 && f->tls->server_certs.certs[0].len == 4,
	   "its certificate kept as the server's chain");
	feed(f, TD_DIR_C2S, master_key, sizeof(master_key), 8);
	ok(f->tls->sslv2.master_key_frame == 8, "CLIENT-MASTER-KEY read");
	is_str(f->tls->sslv2.cipher, "SSL_CK_RC4_128_WITH_MD5", "the chosen kind");
	feed(f, TD_DIR_S2C, sealed, sizeof(sealed), 9);  /* SERVER-VERIFY */
	feed(f, TD_DIR_C2S, sealed, sizeof(sealed), 10); /* CLIENT-FINISHED */
	ok(f->tls->dir[TD_DIR_C2S].finished_seen && !f->tls->dir[TD_DIR_S2C].finished_seen,
	   "the client's first encrypted record is its Finished; the server's first is not");
	feed(f, TD_DIR_S2C, sealed, sizeof(sealed), 11); /* SERVER-FINISHED */
	feed(f, TD_DIR_C2S, sealed, sizeof(sealed), 12);
	ok(f->tls->dir[TD_DIR_S2C].finished_seen && f->tls->dir[TD_DIR_S2C].finished_frame == 11,
	   "the server's second encrypted record is its Finished");
	ok(f->tls->dir[TD_DIR_C2S].app_records == 1 && f->tls->dir[TD_DIR_C2S].app_bytes == sizeof(sealed),
	   "then application data");
	ok(!f->tls->dir[0].parse_error && !f->tls->dir[1].parse_error, "no parse error");
	td_facts_free(f);

	/* Resumed: keys from the SERVER-HELLO on, no CLIENT-MASTER-KEY. */
	f = facts();
	uint8_t hit[sizeof(server_hello)];
	memcpy(hit, server_hello, sizeof(hit));
	hit[1] = 1;
	feed(f, TD_DIR_S2C, hit, sizeof(hit), 6);
	feed(f, TD_DIR_C2S, sealed, sizeof(sealed), 7);
	ok(f->tls->sslv2.session_id_hit && f->tls->dir[TD_DIR_C2S].finished_seen, "resumed: the client's next record is sealed");
	td_facts_free(f);

	/* An ERROR in the clear. */
	f = facts();
	static const uint8_t error[] = { 0, 0, 1 };
	feed(f, TD_DIR_S2C, error, sizeof(error), 6);
	ok(f->tls->sslv2.error_frame == 6 && f->tls->sslv2.error_code == 1 && f->tls->sslv2.error_by == TD_WHO_SERVER,
	   "ERROR: frame, code and sender");
	is_str(td_sslv2_error_name(1), "NO-CIPHER-ERROR", "ERROR 1 is NO-CIPHER-ERROR");
	td_facts_free(f);
}

static void test_truncation(void)
{
	bool quiet = true, flagged = true;
	for (size_t n = 0; n < sizeof(server_hello); n++) {
		struct td_facts *f = facts();
		feed(f, TD_DIR_S2C, server_hello, n, 6);
		quiet = quiet && !f->tls->server_certs.seen && !f->tls->sslv2.server_ciphers[0];
		flagged = flagged && (n == 0 || f->tls->dir[TD_DIR_S2C].parse_error);
		td_facts_free(f);
	}
	ok(quiet, "SERVER-HELLO cut short: no certificate, no cipher kinds");
	ok(flagged, "SERVER-HELLO cut short: a parse error");
	quiet = flagged = true;
	for (size_t n = 0; n < sizeof(master_key); n++) {
		struct td_facts *f = facts();
		feed(f, TD_DIR_S2C, server_hello, sizeof(server_hello), 6);
		feed(f, TD_DIR_C2S, master_key, n, 8);
		quiet = quiet && !f->tls->sslv2.master_key_frame;
		flagged = flagged && (n == 0 || f->tls->dir[TD_DIR_C2S].parse_error);
		td_facts_free(f);
	}
	ok(quiet, "CLIENT-MASTER-KEY cut short: no keys, so later records are not taken as sealed");
	ok(flagged, "CLIENT-MASTER-KEY cut short: a parse error");
}

int main(void)
{
	test_session();
	test_truncation();
	return done_testing();
}
