/*
 * The "type":"certificate" records of the JSON output: each distinct
 * certificate once per run, keyed by the SHA-256 of its DER, written just
 * before the first flow record whose chain names it (doc/json.md). What is
 * judged per connection (validity at its time, its place in a chain) stays
 * in the flow record; this record holds what the certificate itself says.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "tlsdiag/digest.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/jsonw.h"
#include "tlsdiag/report.h"
#include "tlsdiag/report_ids.h"
#include "tlsdiag/x509.h"

static const char hex_digits[] = "0123456789abcdef";

/* The fingerprints written so far: open addressing, 32-byte keys. */
static struct {
	uint8_t (*keys)[32];
	size_t cap, n;
	uint64_t written;
} seen;

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex_digits[d[i] >> 4];
		out[2 * i + 1] = hex_digits[d[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool td_cert_sha256(const struct td_cert_info *ci, const struct td_blob *der, char out[65])
{
	if (ci && strlen(ci->sha256) == 64) {
		memcpy(out, ci->sha256, 65);
		return true;
	}
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	out[0] = '\0';
	if (!der || !der->data || !td_digest(TD_MD_SHA256, der->data, der->len, md, &mdlen) || mdlen != 32)
		return false;
	hex(md, 32, out);
	return true;
}

static size_t slot(const uint8_t key[32], size_t cap)
{
	uint64_t h;
	memcpy(&h, key, sizeof(h)); /* a SHA-256: already uniform */
	return (size_t)h & (cap - 1);
}

static bool grow(void)
{
	size_t cap = seen.cap ? seen.cap * 2 : 256;
	uint8_t (*keys)[32] = calloc(cap, 32);
	static const uint8_t zero[32];
	if (!keys)
		return false;
	for (size_t i = 0; i < seen.cap; i++) {
		if (!memcmp(seen.keys[i], zero, 32))
			continue;
		size_t s = slot(seen.keys[i], cap);
		while (memcmp(keys[s], zero, 32))
			s = (s + 1) & (cap - 1);
		memcpy(keys[s], seen.keys[i], 32);
	}
	free(seen.keys);
	seen.keys = keys;
	seen.cap = cap;
	return true;
}

/* True the first time a fingerprint is given (it is then remembered); also
 * true when memory is short, so a certificate is written twice rather than
 * never. The all-zero key stands for an empty slot and is never remembered. */
static bool first_time(const char sha256[65])
{
	static const uint8_t zero[32];
	uint8_t key[32];
	for (int i = 0; i < 32; i++) {
		int a = unhex(sha256[2 * i]), b = unhex(sha256[2 * i + 1]);
		if (a < 0 || b < 0)
			return true;
		key[i] = (uint8_t)(a << 4 | b);
	}
	if (!memcmp(key, zero, 32))
		return true;
	if ((seen.n + 1) * 2 > seen.cap && !grow())
		return true;
	size_t s = slot(key, seen.cap);
	while (memcmp(seen.keys[s], zero, 32)) {
		if (!memcmp(seen.keys[s], key, 32))
			return false;
		s = (s + 1) & (seen.cap - 1);
	}
	memcpy(seen.keys[s], key, 32);
	seen.n++;
	return true;
}

static void kv_str(struct td_jsonw *w, const char *k, const char *v)
{
	if (!v[0])
		return;
	td_jw_key(w, k);
	td_jw_str(w, v);
}

static void kv_bool(struct td_jsonw *w, const char *k, bool v)
{
	td_jw_key(w, k);
	td_jw_bool(w, v);
}

void td_jw_split(struct td_jsonw *w, const char *k, const char *list, const char *sep)
{
	size_t seplen = strlen(sep);
	if (!list[0])
		return;
	td_jw_key(w, k);
	td_jw_arr_open(w);
	for (const char *p = list;;) {
		const char *e = strstr(p, sep);
		td_jw_strn(w, p, e ? (size_t)(e - p) : strlen(p));
		if (!e)
			break;
		p = e + seplen;
	}
	td_jw_arr_close(w);
}

static void record(FILE *out, const struct td_cert_info *c, const struct td_blob *der, double ts,
		   const char sha256[65])
{
	struct td_jsonw w;
	char t[48], sha1[41] = "";
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (der && der->data && td_digest(TD_MD_SHA1, der->data, der->len, md, &mdlen) && mdlen == 20)
		hex(md, 20, sha1);
	td_jw_init(&w, out);
	td_jw_obj_open(&w);
	kv_str(&w, "type", "certificate");
	td_iso_time_us(ts, t, sizeof(t));
	kv_str(&w, "ts", t);
	kv_str(&w, "sha256", sha256);
	kv_str(&w, "sha1", sha1);
	kv_bool(&w, "parsed", c->parsed);
	kv_str(&w, "error", c->error);
	if (c->parsed) {
		kv_str(&w, "subject", c->subject);
		kv_str(&w, "issuer", c->issuer);
		kv_str(&w, "cn", c->cn);
		td_jw_split(&w, "san_dns", c->san_dns, ",");
		td_jw_split(&w, "san_ip", c->san_ip, ",");
		kv_str(&w, "serial", c->serial);
		td_iso_time(c->not_before, t, sizeof(t));
		kv_str(&w, "not_before", t);
		td_iso_time(c->not_after, t, sizeof(t));
		kv_str(&w, "not_after", t);
		kv_str(&w, "key_type", c->key_type);
		td_jw_key(&w, "key_bits");
		td_jw_u64(&w, c->key_bits);
		kv_str(&w, "signature_algorithm", c->sig_alg);
		kv_bool(&w, "self_signed", c->self_signed);
		kv_bool(&w, "ca", c->is_ca);
		td_jw_split(&w, "eku", c->eku, ",");
		td_jw_split(&w, "crl_urls", c->crl_urls, ",");
		td_jw_split(&w, "aia_urls", c->aia_urls, ",");
		const unsigned char *p = der ? der->data : NULL;
		X509 *x = p && der->len <= 0x7fffffff ? d2i_X509(NULL, &p, (long)der->len) : NULL;
		char ja4x[TD_JA4X_MAX];
		if (x && td_ja4x(x, ja4x))
			kv_str(&w, "ja4x", ja4x);
		X509_free(x);
	}
	td_jw_obj_close(&w);
	td_jw_newline(&w);
}

static void chain_records(FILE *out, const struct td_chain_facts *c, const struct td_cert_chain *msg)
{
	for (size_t i = 0; c->seen && i < c->n; i++) {
		const struct td_blob *der = msg && i < msg->kept ? &msg->certs[i] : NULL;
		char sha256[65];
		if (!td_cert_sha256(&c->certs[i], der, sha256) || !first_time(sha256))
			continue;
		record(out, &c->certs[i], der, msg ? msg->ts : 0, sha256);
		seen.written++;
	}
}

void td_report_json_certs(FILE *out, const struct td_facts *f)
{
	if (!f->x509)
		return;
	chain_records(out, &f->x509->server, f->tls ? &f->tls->server_certs : NULL);
	chain_records(out, &f->x509->client, f->tls ? &f->tls->client_certs : NULL);
}

uint64_t td_report_json_certs_written(void)
{
	return seen.written;
}

void td_report_json_certs_reset(void)
{
	free(seen.keys);
	memset(&seen, 0, sizeof(seen));
}
