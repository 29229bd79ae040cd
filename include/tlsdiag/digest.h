/*
 * Message digests through OpenSSL 3 EVP, each algorithm fetched once.
 * EVP_sha256() and friends make OpenSSL fetch the algorithm from its
 * provider (taking the provider's locks) on every digest; tlsdiag computes
 * several per connection (JA3, JA4, JA4S, uid, Community ID).
 */
#ifndef TLSDIAG_DIGEST_H
#define TLSDIAG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

enum td_md { TD_MD_MD5, TD_MD_SHA1, TD_MD_SHA256, TD_MD__COUNT };

/* The algorithm, fetched on first use; NULL when the provider has none
 * (MD5 under a FIPS provider). Kept for the whole run. */
const EVP_MD *td_md(enum td_md k);
/* One-shot digest of n bytes into out (EVP_MAX_MD_SIZE); false on failure. */
bool td_digest(enum td_md k, const void *p, size_t n, uint8_t *out, unsigned int *len);

#endif
