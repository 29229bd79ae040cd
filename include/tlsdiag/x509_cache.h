/*
 * Decoded certificate chains, remembered by their DER. A
 * capture holds many connections and few distinct chains: decoding a
 * certificate (d2i_X509 and OpenSSL 3's key decoders) and checking each
 * signature of the chain is most of the cost of a connection, so each
 * distinct chain is decoded and ordered once. What depends on the
 * connection's time (validity, trust at that time) is not stored here as a
 * verdict: the certificate's dates are, and the caller judges them again.
 * The cache is bounded (set-associative, least recently used way evicted).
 */
#ifndef TLSDIAG_X509_CACHE_H
#define TLSDIAG_X509_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/x509.h>
#include "tlsdiag/facts.h"
#include "tlsdiag/x509.h"

/* One distinct chain (the kept certificates of one Certificate message). */
struct td_chain_entry {
	uint64_t key;                /* hash of the purpose and every DER (x509_cache.c) */
	uint8_t *der;                /* every DER, one after the other: a hit is the same bytes */
	uint32_t *der_len;           /* n */
	int purpose;                 /* X509_PURPOSE_*: part of the key (verification differs) */
	uint16_t n;                  /* certificates */
	uint16_t unparsed;
	bool ordered;
	struct td_cert_info *certs;  /* n; the time verdicts are not set */
	X509 **x509;                 /* n; NULL where the DER does not parse */
	STACK_OF(X509) *stack;       /* the parsed ones in order, for X509_verify_cert */
	/* The last verification, valid for every time that compares with every
	 * certificate date the verification could have looked at exactly as
	 * verified_at does: for t with lo < t < hi, or t == verified_at. */
	bool verified;
	int64_t verified_at, lo, hi;
	bool trusted;
	int verify_code;
	/* The first inspection-list product among the issuers (x509_judge.c),
	 * once the list has been searched. */
	bool inspection_searched;
	char inspection_product[64];
	/* A word of inspection in an issuer or the leaf's subject (x509_judge.c), once looked for. */
	bool wording_searched;
	char inspection_wording[24];
	/* The last name checked against the leaf (x509_judge.c): most
	 * connections with a chain ask for the name the one before did. */
	char name_asked[TD_X509_NAME];
	bool name_ok;
	char name_matched[TD_X509_NAME];
	uint64_t last_use;
};

/* The CA names of a CertificateRequest, decoded: a server sends the same
 * list to every client, and decoding and printing it was a twentieth of a
 * run. */
struct td_ca_names {
	uint64_t key;
	uint8_t *der;                /* every name's DER, one after the other */
	uint32_t der_len[TD_MAX_CA_NAMES];
	uint16_t n;                  /* names kept in the message */
	uint16_t parsed;             /* of them, the ones that decode */
	X509_NAME *names[TD_MAX_CA_NAMES]; /* NULL where one does not decode */
	char text[1024];             /* RFC 2253, "; "-separated */
	uint64_t last_use;
};

struct td_x509_cache_stats {
	uint64_t hits, misses, evictions;
	uint64_t verify_hits, verify_misses;
};

struct td_x509_cache;

struct td_x509_cache *td_x509_cache_new(void);
void td_x509_cache_free(struct td_x509_cache *c);
/* The entry for the chain, decoded now if it is not remembered (*fresh is
 * then true: the caller does what is done once per distinct chain). NULL
 * only when memory is short. Valid until the next call. */
struct td_chain_entry *td_x509_cache_get(struct td_x509_cache *c, const struct td_cert_chain *msg,
					 int purpose, bool *fresh);
/* The decoded names of the request (valid until the next call); NULL only
 * when memory is short. */
const struct td_ca_names *td_x509_cache_ca_names(struct td_x509_cache *c, const struct td_cert_request *cr);
/* A verification done (verify_misses) or reused (verify_hits). */
void td_x509_cache_count_verify(struct td_x509_cache *c, bool reused);
void td_x509_cache_stats(const struct td_x509_cache *c, struct td_x509_cache_stats *st);

#endif
