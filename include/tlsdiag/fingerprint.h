/*
 * TLS client/server fingerprints computed from parsed hello fields:
 * JA3 / JA3S (salesforce spec, MD5 via OpenSSL EVP) and JA4 (FoxIO JA4
 * specification, BSD-3 licensed; truncated SHA-256 via OpenSSL EVP), and
 * JA4S (src/fingerprint_ja4s.c).
 * GREASE values are removed as each specification says.
 */
#ifndef TLSDIAG_FINGERPRINT_H
#define TLSDIAG_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct td_fp_client {
	uint16_t legacy_version;          /* ClientHello.legacy_version (0x0002 for SSLv2 hello) */
	const uint16_t *suites;   size_t n_suites;   /* in wire order, GREASE included */
	const uint16_t *exts;     size_t n_exts;     /* extension types in wire order */
	const uint16_t *groups;   size_t n_groups;   /* supported_groups */
	const uint8_t *ec_formats; size_t n_ec_formats;
	const uint16_t *sigalgs;  size_t n_sigalgs;  /* signature_algorithms, wire order */
	const uint16_t *versions; size_t n_versions; /* supported_versions, wire order */
	const char *alpn_first;   /* first ALPN protocol, NULL when none */
	size_t alpn_first_len;
	bool sni_present;         /* server_name extension present */
	bool quic;                /* always false for tlsdiag (TCP only) */
};

struct td_fp_server {
	uint16_t legacy_version;  /* ServerHello.legacy_version */
	uint16_t suite;
	const uint16_t *exts; size_t n_exts;
	uint16_t selected_version; /* supported_versions value, 0 when absent */
	const char *alpn;          /* selected ALPN, NULL when none */
	size_t alpn_len;
};

#define TD_JA3_STR_MAX 2048   /* longer strings are cut; the hash covers the full string */
#define TD_JA4_MAX 64
#define TD_JA4R_MAX 2048

/* JA3 string (e.g. "771,4865-4866,0-23,29-23,0") and its MD5 hex (33 bytes). */
void td_ja3(const struct td_fp_client *c, char *str, size_t strlen_max, char md5hex[33]);
void td_ja3s(const struct td_fp_server *s, char *str, size_t strlen_max, char md5hex[33]);
/* JA4 ("t13d1516h2_8daaf6152771_b186095e22b6") and JA4_r (raw, unhashed). */
void td_ja4(const struct td_fp_client *c, char ja4[TD_JA4_MAX], char *ja4_r, size_t ja4_r_max);

/* JA4S ("t130200_1301_234ea6891581", src/fingerprint_ja4s.c): version from
 * selected_version (else legacy_version), the extensions in wire order
 * (the first TD_MAX_JA4S_EXTS), the chosen ALPN; "" when hashing fails. */
#define TD_MAX_JA4S_EXTS 64
void td_ja4s(const struct td_fp_server *s, char ja4s[TD_JA4_MAX]);

#endif
