/*
 * The chain cache (see include/tlsdiag/x509_cache.h): 64 sets of 4 ways,
 * found by a fast hash of the DER and confirmed by comparing the bytes, so a
 * lookup costs one pass over a few kilobytes instead of a decode.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <openssl/x509v3.h>
#include "tlsdiag/x509_cache.h"

#define SETS 64
#define WAYS 4
#define CA_LISTS 8  /* distinct CertificateRequest lists remembered */

struct td_x509_cache {
	struct td_chain_entry *slot[SETS][WAYS];
	struct td_ca_names *ca[CA_LISTS];
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
	free(e->der);
	free(e->der_len);
	free(e->x509);
	free(e->certs);
	free(e);
}

static void ca_free(struct td_ca_names *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		X509_NAME_free(l->names[i]);
	free(l->der);
	free(l);
}

void td_x509_cache_free(struct td_x509_cache *c)
{
	if (!c)
		return;
	for (size_t s = 0; s < SETS; s++)
		for (size_t w = 0; w < WAYS; w++)
			entry_free(c->slot[s][w]);
	for (size_t i = 0; i < CA_LISTS; i++)
		ca_free(c->ca[i]);
	free(c);
}

/* The key: a 64-bit hash over the purpose, then each certificate's length
 * and DER (the lengths keep two different splits of the same bytes apart).
 * Only a hint: an entry matches when the bytes themselves are equal, so a
 * collision costs a compare, never a wrong chain. Eight bytes a step: a
 * lookup is a few thousand cycles where SHA-256 was tens of thousands. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v * 0x9e3779b97f4a7c15ull;
	h = (h << 27 | h >> 37) * 0xc2b2ae3d27d4eb4full;
	return h;
}

static uint64_t der_hash(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = mix(h, v);
	}
	uint64_t tail = 0;
	if (n > i)
		memcpy(&tail, p + i, n - i);
	return mix(h, tail ^ (uint64_t)n << 56);
}

static uint64_t chain_key(const struct td_cert_chain *msg, int purpose)
{
	uint64_t h = mix(0x243f6a8885a308d3ull, (uint64_t)(unsigned)purpose);
	for (size_t i = 0; i < msg->kept; i++)
		h = der_hash(mix(h, msg->certs[i].len), msg->certs[i].data, msg->certs[i].len);
	return h;
}

static bool same_chain(const struct td_chain_entry *e, const struct td_cert_chain *msg, int purpose)
{
	if (e->purpose != purpose || e->n != msg->kept)
		return false;
	const uint8_t *p = e->der;
	for (size_t i = 0; i < msg->kept; i++) {
		if (e->der_len[i] != msg->certs[i].len ||
		    (e->der_len[i] && memcmp(p, msg->certs[i].data, msg->certs[i].len) != 0))
			return false;
		p += e->der_len[i];
	}
	return true;
}

/* The chain's bytes, kept to tell a hit from a collision. */
static bool keep_der(struct td_chain_entry *e, const struct td_cert_chain *msg)
{
	size_t total = 0;
	for (size_t i = 0; i < msg->kept; i++)
		total += msg->certs[i].len;
	e->der = malloc(total ? total : 1);
	e->der_len = calloc(msg->kept ? msg->kept : 1, sizeof(*e->der_len));
	if (!e->der || !e->der_len)
		return false;
	uint8_t *p = e->der;
	for (size_t i = 0; i < msg->kept; i++) {
		if (msg->certs[i].len)
			memcpy(p, msg->certs[i].data, msg->certs[i].len);
		e->der_len[i] = msg->certs[i].len;
		p += msg->certs[i].len;
	}
	return true;
}

/* Decode every certificate once and check the order (each issued and
 * signed by the next): the part of a chain's judgement time cannot change. */
static struct td_chain_entry *entry_build(const struct td_cert_chain *msg, int purpose, uint64_t key)
{
	struct td_chain_entry *e = calloc(1, sizeof(*e));
	size_t n = msg->kept;
	if (!e)
		return NULL;
	e->certs = calloc(n ? n : 1, sizeof(*e->certs));
	e->x509 = calloc(n ? n : 1, sizeof(*e->x509));
	e->stack = sk_X509_new_null();
	if (!e->certs || !e->x509 || !e->stack || !keep_der(e, msg)) {
		entry_free(e);
		return NULL;
	}
	e->key = key;
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
	*fresh = false;
	uint64_t key = chain_key(msg, purpose);
	struct td_chain_entry **set = c->slot[(key >> 58) % SETS];
	size_t victim = 0;
	c->clock++;
	for (size_t w = 0; w < WAYS; w++) {
		if (set[w] && set[w]->key == key && same_chain(set[w], msg, purpose)) {
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

static uint64_t ca_key(const struct td_cert_request *cr)
{
	uint64_t h = mix(0x13198a2e03707344ull, cr->kept_ca_names);
	for (size_t i = 0; i < cr->kept_ca_names; i++)
		h = der_hash(mix(h, cr->ca_names[i].len), cr->ca_names[i].data, cr->ca_names[i].len);
	return h;
}

static bool same_ca(const struct td_ca_names *l, const struct td_cert_request *cr)
{
	if (l->n != cr->kept_ca_names)
		return false;
	const uint8_t *p = l->der;
	for (size_t i = 0; i < l->n; i++) {
		if (l->der_len[i] != cr->ca_names[i].len ||
		    (l->der_len[i] && memcmp(p, cr->ca_names[i].data, l->der_len[i]) != 0))
			return false;
		p += l->der_len[i];
	}
	return true;
}

/* One name in RFC 2253 after the ones before, "; " between, while it fits. */
static void ca_text(struct td_ca_names *l, X509_NAME *name)
{
	char dn[TD_X509_NAME];
	BIO *b = BIO_new(BIO_s_mem());
	if (b && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
		int n = BIO_read(b, dn, sizeof(dn) - 1);
		dn[n > 0 ? n : 0] = '\0';
		size_t used = strlen(l->text);
		if (used + strlen(dn) + 3 < sizeof(l->text))
			snprintf(l->text + used, sizeof(l->text) - used, "%s%s", used ? "; " : "", dn);
	}
	BIO_free(b);
}

static struct td_ca_names *ca_build(const struct td_cert_request *cr, uint64_t key)
{
	struct td_ca_names *l = calloc(1, sizeof(*l));
	size_t total = 0;
	for (size_t i = 0; i < cr->kept_ca_names; i++)
		total += cr->ca_names[i].len;
	if (!l || !(l->der = malloc(total ? total : 1))) {
		free(l);
		return NULL;
	}
	l->key = key;
	l->n = cr->kept_ca_names;
	uint8_t *p = l->der;
	for (size_t i = 0; i < l->n; i++) {
		const unsigned char *q = cr->ca_names[i].data;
		l->der_len[i] = (uint32_t)cr->ca_names[i].len;
		if (l->der_len[i])
			memcpy(p, q, l->der_len[i]);
		p += l->der_len[i];
		l->names[i] = d2i_X509_NAME(NULL, &q, (long)cr->ca_names[i].len);
		if (l->names[i]) {
			l->parsed++;
			ca_text(l, l->names[i]);
		}
	}
	return l;
}

const struct td_ca_names *td_x509_cache_ca_names(struct td_x509_cache *c, const struct td_cert_request *cr)
{
	uint64_t key = ca_key(cr);
	size_t victim = 0;
	c->clock++;
	for (size_t i = 0; i < CA_LISTS; i++) {
		struct td_ca_names *l = c->ca[i];
		if (l && l->key == key && same_ca(l, cr)) {
			l->last_use = c->clock;
			return l;
		}
		if (!l || (c->ca[victim] && l->last_use < c->ca[victim]->last_use))
			victim = i;
	}
	struct td_ca_names *l = ca_build(cr, key);
	if (!l)
		return NULL;
	ca_free(c->ca[victim]);
	l->last_use = c->clock;
	c->ca[victim] = l;
	return l;
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
