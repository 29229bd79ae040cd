/*
 * The chain cache (see include/tlsdiag/x509_cache.h): 64 sets of 4 ways,
 * keyed by SHA-256 so a lookup costs one hash of a few kilobytes instead of
 * a decode. SHA-256 makes two different chains with one key a non-event.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include "tlsdiag/x509_cache.h"

#define SETS 64
#define WAYS 4

struct td_x509_cache {
	struct td_chain_entry *slot[SETS][WAYS];
	EVP_MD *sha256;              /* fetched once: an implicit fetch per digest takes the provider locks */
	EVP_MD_CTX *md;
	uint64_t clock;
	struct td_x509_cache_stats st;
};

struct td_x509_cache *td_x509_cache_new(void)
{
	struct td_x509_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	return c;
}

static void entry_free(struct td_chain_entry *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->x509 && i < e->n; i++)
		X509_free(e->x509[i]);
	sk_X509_free(e->stack);
	free(e->x509);
	free(e->certs);
	free(e);
}

void td_x509_cache_free(struct td_x509_cache *c)
{
	if (!c)
		return;
	for (size_t s = 0; s < SETS; s++)
		for (size_t w = 0; w < WAYS; w++)
			entry_free(c->slot[s][w]);
	EVP_MD_CTX_free(c->md);
	EVP_MD_free(c->sha256);
	free(c);
}

/* SHA-256 over the purpose, then each certificate's length and DER (the
 * lengths keep two different splits of the same bytes apart). */
static bool chain_key(struct td_x509_cache *c, const struct td_cert_chain *msg, int purpose, uint8_t key[32])
{
	uint8_t head[8];
	unsigned int len = 0;
	/* Fetched on the first chain: a capture without certificates does not
	 * pay for loading OpenSSL's provider. */
	if (!c->sha256 && !(c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)))
		return false;
	if (!c->md && !(c->md = EVP_MD_CTX_new()))
		return false;
	if (EVP_DigestInit_ex(c->md, c->sha256, NULL) != 1)
		return false;
	memcpy(head, &purpose, sizeof(purpose));
	EVP_DigestUpdate(c->md, head, sizeof(purpose));
	for (size_t i = 0; i < msg->kept; i++) {
		uint64_t n = msg->certs[i].len;
		memcpy(head, &n, sizeof(n));
		EVP_DigestUpdate(c->md, head, sizeof(n));
		EVP_DigestUpdate(c->md, msg->certs[i].data, msg->certs[i].len);
	}
	return EVP_DigestFinal_ex(c->md, key, &len) == 1 && len == 32;
}

/* Decode every certificate once and check the order (each issued and
 * signed by the next): the part of a chain's judgement time cannot change. */
static struct td_chain_entry *entry_build(const struct td_cert_chain *msg, int purpose, const uint8_t key[32])
{
	struct td_chain_entry *e = calloc(1, sizeof(*e));
	size_t n = msg->kept;
	if (!e)
		return NULL;
	e->certs = calloc(n ? n : 1, sizeof(*e->certs));
	e->x509 = calloc(n ? n : 1, sizeof(*e->x509));
	e->stack = sk_X509_new_null();
	if (!e->certs || !e->x509 || !e->stack) {
		entry_free(e);
		return NULL;
	}
	memcpy(e->key, key, 32);
	e->purpose = purpose;
	e->n = (uint16_t)n;
	for (size_t i = 0; i < n; i++) {
		e->x509[i] = td_cert_parse(msg->certs[i].data, msg->certs[i].len, &e->certs[i]);
		if (!e->x509[i] || sk_X509_push(e->stack, e->x509[i]) <= 0)
			e->unparsed++;
	}
	e->ordered = n > 0 && e->unparsed == 0;
	for (size_t i = 0; i + 1 < n; i++) {
		X509 *a = e->x509[i], *b = e->x509[i + 1];
		bool issued = a && b && X509_check_issued(b, a) == X509_V_OK && X509_verify(a, X509_get0_pubkey(b)) == 1;
		e->certs[i].signed_by_next = issued;
		e->ordered &= issued;
	}
	return e;
}

struct td_chain_entry *td_x509_cache_get(struct td_x509_cache *c, const struct td_cert_chain *msg,
					 int purpose, bool *fresh)
{
	uint8_t key[32];
	*fresh = false;
	if (!chain_key(c, msg, purpose, key))
		return NULL;
	struct td_chain_entry **set = c->slot[key[0] % SETS];
	size_t victim = 0;
	c->clock++;
	for (size_t w = 0; w < WAYS; w++) {
		if (set[w] && memcmp(set[w]->key, key, 32) == 0) {
			set[w]->last_use = c->clock;
			c->st.hits++;
			return set[w];
		}
		if (!set[w] || (set[victim] && set[w]->last_use < set[victim]->last_use))
			victim = w;
	}
	struct td_chain_entry *e = entry_build(msg, purpose, key);
	if (!e)
		return NULL;
	c->st.misses++;
	if (set[victim]) {
		c->st.evictions++;
		entry_free(set[victim]);
	}
	e->last_use = c->clock;
	set[victim] = e;
	*fresh = true;
	return e;
}

void td_x509_cache_count_verify(struct td_x509_cache *c, bool reused)
{
	if (reused)
		c->st.verify_hits++;
	else
		c->st.verify_misses++;
}

void td_x509_cache_stats(const struct td_x509_cache *c, struct td_x509_cache_stats *st)
{
	*st = c->st;
}
