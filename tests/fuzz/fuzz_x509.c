/*
 * Fuzz target: certificate decoding (td_cert_decode, RFC 6125 name matching)
 * and the chain judgement and reports of a connection whose server sent it.
 * OpenSSL does the ASN.1; what is fuzzed is tlsdiag's use of it: names,
 * SANs, URLs, key and signature facts into fixed buffers, times, reports.
 *
 * Input: byte 0 the name length n (0-63), n bytes of name (the SNI and the
 * name checked), then the DER.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/x509.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return -1;
	size_t n = data[0] & 63;
	if (size < 1 + n)
		return -1;
	char name[64];
	memcpy(name, data + 1, n);
	name[n] = '\0';
	const uint8_t *der = data + 1 + n;
	size_t len = size - 1 - n;

	static struct td_cert_info ci;
	static const int64_t times[] = { 0, 1700000000, -62135596800LL, INT64_MAX };
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		td_cert_decode(der, len, times[i], &ci);
		if (!TERMINATED(ci.error) || !TERMINATED(ci.subject) || !TERMINATED(ci.issuer) ||
		    !TERMINATED(ci.cn) || !TERMINATED(ci.san_dns) || !TERMINATED(ci.san_ip) ||
		    !TERMINATED(ci.serial) || !TERMINATED(ci.key_type) || !TERMINATED(ci.sig_alg) ||
		    !TERMINATED(ci.sha256) || !TERMINATED(ci.eku) || !TERMINATED(ci.crl_urls) ||
		    !TERMINATED(ci.aia_urls))
			abort();
	}
	char matched[256];
	(void)td_cert_name_matches(der, len, name, matched, sizeof(matched));
	(void)td_cert_name_matches(der, len, name, NULL, 0);

	/* The same certificate as a server's one-certificate chain. */
	struct td_facts *f = td_facts_new();
	struct td_tls_facts *t = f ? td_facts_tls(f) : NULL;
	if (!t)
		abort();
	f->tcp.client_ip.family = f->tcp.server_ip.family = 4;
	f->tcp.server_port = 443;
	f->tcp.reassembled = true;
	f->tcp.first_ts = 1700000000.5;
	t->ch.seen = true;
	t->ch.frame = 4;
	t->ch.ts = 1700000000.5;
	memcpy(t->ch.sni, name, n + 1);
	t->sh.seen = true;
	t->sh.frame = 5;
	t->sh.ts = 1700000000.6;
	t->server_certs.seen = true;
	t->server_certs.frame = 5;
	t->server_certs.ts = 1700000000.6;
	t->server_certs.count = 1;
	t->server_certs.certs = calloc(1, sizeof(*t->server_certs.certs));
	if (!t->server_certs.certs || !td_blob_set(&t->server_certs.certs[0], der, len))
		abort();
	t->server_certs.kept = 1;
	fuzz_finish(f, NULL, NULL);
	td_facts_free(f);
	return 0;
}
