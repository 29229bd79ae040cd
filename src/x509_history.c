/*
 * What the run's earlier connections showed: which issuer signed the leaf
 * for each name, how many unrelated sites each issuer signed for, and
 * which names asked for a client certificate. A middlebox that re-signs
 * gives itself away across connections even when one chain alone looks
 * plausible: the certificate for a name changes issuer, one issuer signs
 * for every site the client visits, a server that asked for a client
 * certificate stops asking (doc/diagnosis.md, "TLS inspection").
 *
 * Connections are noted in the order they finish, so a signal shows from
 * the second connection that reveals it on. The tables are bounded: once
 * full, new names and issuers are not remembered (counted in `full`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/x509_history.h"

#define KEY_LEN 128
#define NAMES 4096   /* distinct server names remembered */
#define ISSUERS 512  /* distinct leaf issuers remembered */
#define SITES 8      /* sites counted per issuer (enough to pass the threshold) */

struct name_slot {
	char name[KEY_LEN];
	char issuer[TD_X509_NAME];
	bool asked_client_cert;      /* a TLS 1.2 handshake to it carried a CertificateRequest */
};

struct issuer_slot {
	char issuer[TD_X509_NAME];
	char sites[SITES][KEY_LEN];
	uint16_t n_sites;
};

struct td_x509_history {
	struct name_slot *names;
	struct issuer_slot *issuers;
	size_t n_names, n_issuers;
	size_t leaves;               /* server leaves noted */
	size_t full;                 /* names or issuers not remembered: tables full */
};

struct td_x509_history *td_x509_history_new(void)
{
	struct td_x509_history *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->names = calloc(NAMES, sizeof(*h->names));
	h->issuers = calloc(ISSUERS, sizeof(*h->issuers));
	if (!h->names || !h->issuers) {
		td_x509_history_free(h);
		return NULL;
	}
	return h;
}

void td_x509_history_free(struct td_x509_history *h)
{
	if (!h)
		return;
	free(h->names);
	free(h->issuers);
	free(h);
}

/* FNV-1a: a table index, not a security boundary. */
static size_t hash(const char *s)
{
	uint64_t v = 1469598103934665603ULL;
	for (; *s; s++)
		v = (v ^ (uint8_t)*s) * 1099511628211ULL;
	return (size_t)v;
}

/* The slot of key in an open-addressing table (linear probing); NULL when
 * it is absent and the table too full to add it (kept under 3/4). */
static void *slot(void *table, size_t count, size_t size, size_t *used, const char *key, bool *fresh)
{
	*fresh = false;
	for (size_t i = hash(key) % count, tries = 0; tries < count; i = (i + 1) % count, tries++) {
		char *s = (char *)table + i * size; /* each slot starts with its key */
		if (!s[0]) {
			if (*used >= count / 4 * 3)
				return NULL;
			size_t n = strnlen(key, KEY_LEN - 1);
			memcpy(s, key, n);
			s[n] = '\0';
			(*used)++;
			*fresh = true;
			return s;
		}
		if (strncmp(s, key, KEY_LEN - 1) == 0)
			return s;
	}
	return NULL;
}

/* The last two labels of a host name ("www.contoso.com" -> "contoso.com"):
 * names under one domain are related (a CDN, one organisation's hosts).
 * Public suffixes of two labels (co.uk) make this coarse, never wrong in
 * the direction that matters: it can only undercount unrelated sites. */
static const char *site_of(const char *name)
{
	const char *last = strrchr(name, '.');
	if (!last)
		return name;
	const char *p = last;
	while (p > name && p[-1] != '.')
		p--;
	return p;
}

static void count_site(struct issuer_slot *is, const char *site)
{
	for (uint16_t i = 0; i < is->n_sites; i++)
		if (strncmp(is->sites[i], site, KEY_LEN - 1) == 0)
			return;
	if (is->n_sites < SITES) {
		size_t n = strnlen(site, KEY_LEN - 1);
		memcpy(is->sites[is->n_sites], site, n);
		is->sites[is->n_sites++][n] = '\0';
	}
}

void td_x509_history_note(struct td_x509_history *h, const char *name, bool tls12, bool asked_client_cert,
			  struct td_chain_facts *c)
{
	if (!h || !c->n || !c->certs[0].parsed || !name[0])
		return;
	const char *issuer = c->certs[0].issuer;
	bool fresh;
	struct name_slot *ns = slot(h->names, NAMES, sizeof(*h->names), &h->n_names, name, &fresh);
	if (ns && !fresh) {
		if (strcmp(ns->issuer, issuer) != 0)
			snprintf(c->earlier_issuer, sizeof(c->earlier_issuer), "%s", ns->issuer);
		c->client_cert_dropped = tls12 && ns->asked_client_cert && !asked_client_cert;
	}
	/* The first issuer seen for a name stays: an interceptor that answers
	 * some connections is flagged on each one that differs. */
	if (ns && fresh)
		snprintf(ns->issuer, sizeof(ns->issuer), "%s", issuer);
	if (ns && tls12 && asked_client_cert)
		ns->asked_client_cert = true;
	struct issuer_slot *is = slot(h->issuers, ISSUERS, sizeof(*h->issuers), &h->n_issuers, issuer, &fresh);
	if (!ns || !is)
		h->full++;
	h->leaves++;
	if (!is)
		return;
	count_site(is, site_of(name));
	c->issuer_sites = is->n_sites;
	/* Every leaf so far came from this one issuer. */
	c->only_issuer = h->n_issuers == 1 && !h->full;
}
