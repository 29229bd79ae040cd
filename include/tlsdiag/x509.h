/*
 * Certificates, with OpenSSL only (no hand-written ASN.1): every DER the TLS
 * reader kept is decoded into plain facts, judged at the capture's time
 * (never wall-clock time), verified against the trust anchors the analyst
 * gives, matched against the expected server name (RFC 6125), and compared
 * with what the server asked for (CertificateRequest) and what the analyst
 * pinned. Interception and wrong-server indicators are facts too.
 */
#ifndef TLSDIAG_X509_H
#define TLSDIAG_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>
#include "tlsdiag/facts.h"

#define TD_X509_NAME 256
#define TD_X509_LIST 512

/* One decoded certificate. */
struct td_cert_info {
	bool parsed;                 /* false: the DER does not parse (error says why) */
	char error[96];
	char subject[TD_X509_NAME];  /* RFC 2253 */
	char issuer[TD_X509_NAME];
	char cn[128];
	char san_dns[TD_X509_LIST];  /* comma-separated */
	char san_ip[128];
	uint16_t n_san_dns, n_san_ip;
	char serial[80];             /* hex */
	int64_t not_before, not_after; /* seconds since the epoch */
	char key_type[16];           /* RSA, EC, DSA, ED25519 ... */
	uint16_t key_bits;
	char sig_alg[48];
	char sha256[65];
	bool self_signed;            /* subject = issuer and its own key verifies it */
	bool is_ca;                  /* basicConstraints CA */
	char eku[128];               /* comma-separated short names */
	bool has_eku, eku_server_auth, eku_client_auth;
	char crl_urls[TD_X509_LIST];
	char aia_urls[TD_X509_LIST];
	/* judged at the time of the packet that carried it */
	bool expired, not_yet_valid;
	int32_t days_left;           /* until notAfter; negative once expired */
	int32_t minutes_since_issue; /* capture time - notBefore */
	bool signed_by_next;         /* the next certificate in the message issued it */
};

/* The chain one side sent, and what was concluded about it. */
struct td_chain_facts {
	bool seen;
	uint16_t n;                  /* decoded (= kept) certificates */
	struct td_cert_info *certs;  /* n entries, leaf first */
	uint16_t unparsed;           /* certificates that do not parse */
	bool ordered;                /* each certificate issued by the next */
	bool ends_self_signed;       /* the last one is a self-signed root */
	bool incomplete;             /* the last one is no CA: its issuer was not sent */
	bool missing_intermediate;   /* incomplete, and no anchor issued it (needs anchors) */
	/* trust (only with anchors) */
	bool verify_attempted;
	bool trusted;
	int verify_code;             /* X509_V_* */
	bool chain_untrusted;        /* verification failed for trust (issuer, root, signature), not time or name */
	char verify_error[64];       /* X509_V_ERR_* name */
	char verify_reason[128];     /* OpenSSL's sentence */
	/* name */
	char expected_name[TD_X509_NAME];
	char name_source[16];        /* "option", "sni", "http-host" */
	bool name_checked, name_matched;
	char matched_name[TD_X509_NAME];
	bool cn_matches;             /* the subject CN itself covers the name */
	bool multi_san_not_subject;  /* several SANs and the name only in SAN: DirectAccess refuses */
	/* the analyst's expectations */
	bool expect_issuer_checked, expect_issuer_ok;
	bool expect_fingerprint_checked, expect_fingerprint_ok;
	/* interception and wrong-server indicators */
	char inspection_product[64]; /* an issuer in the inspection list */
	bool resigned;               /* names cover the request but the issuer is not the expected one */
	bool fresh_leaf;             /* valid from minutes before the capture: minted on the fly */
	char inspection_wording[24]; /* a word of inspection in an issuer or the leaf's subject */
	bool device_self_signed;     /* self-signed and not covering the requested name */
	bool ecdsa_leaf;             /* EC key: no NULL suites (RSA key transport only) */
	/* across the run's connections (src/x509_history.c) */
	char earlier_issuer[TD_X509_NAME]; /* an earlier connection to this name: another issuer */
	bool client_cert_dropped;    /* earlier TLS 1.2 connections to this name had a CertificateRequest */
	uint16_t issuer_sites;       /* unrelated sites this leaf's issuer signed for, so far */
	bool only_issuer;            /* every server leaf so far came from this issuer */
	/* the signs of re-signing, together */
	uint8_t n_inspection_signals;
	char inspection_signals[320]; /* what they are, in words, "; "-separated */
};

/* The client's certificate against the server's CertificateRequest. */
struct td_client_auth_facts {
	bool requested;
	char ca_names[1024];         /* the DNs the server listed, "; "-separated, RFC 2253 */
	uint16_t ca_names_parsed;
	bool sent_empty;
	bool issuer_listed;          /* the client's issuer, or a CA of its chain, is listed */
	bool eku_allows_client_auth; /* no EKU, or clientAuth / anyExtendedKeyUsage */
};

struct td_x509_facts {
	struct td_chain_facts server, client;
	struct td_client_auth_facts client_auth;
};

struct td_x509_ctx;

struct td_x509_opts {
	const char *ca_file, *ca_path;
	bool system_ca;
	const char *server_name;
	const char *expect_issuer[8];
	size_t n_expect_issuer;
	const char *expect_fingerprint[8];
	size_t n_expect_fingerprint;
	const char *inspection_list;  /* file of issuer patterns; NULL: the built-in list */
	const char *dump_dir;         /* --dump-certs */
	uint32_t fresh_minutes;       /* a leaf younger than this at capture time is "fresh" */
};

/* NULL with a one-line reason in err when the anchors or lists cannot be read. */
struct td_x509_ctx *td_x509_new(const struct td_x509_opts *o, char *err, size_t errlen);
void td_x509_free(struct td_x509_ctx *x);
bool td_x509_has_anchors(const struct td_x509_ctx *x);
struct td_x509_cache_stats;
/* How often the chain cache (src/x509_cache.c) spared a decode or a verification. */
void td_x509_stats(const struct td_x509_ctx *x, struct td_x509_cache_stats *st);

/* Decode and judge everything certificate-related of one connection;
 * sets f->x509 (NULL when there was nothing to decode). */
void td_x509_analyze(struct td_x509_ctx *x, struct td_facts *f);
void td_x509_facts_free(struct td_x509_facts *xf);

/* Decode one DER certificate, judging validity at time t (exposed for tests). */
void td_cert_decode(const uint8_t *der, size_t len, int64_t t, struct td_cert_info *ci);
/* The two halves of td_cert_decode, so a decoded certificate can be judged
 * again at another connection's time without decoding it again: parse fills
 * everything but the time verdicts and returns the certificate (NULL when it
 * does not parse; the caller frees it); judge_time sets expired,
 * not_yet_valid, days_left and minutes_since_issue for time t. */
X509 *td_cert_parse(const uint8_t *der, size_t len, struct td_cert_info *ci);
void td_cert_judge_time(struct td_cert_info *ci, int64_t t);
/* An ASN.1 time in seconds since the epoch (0 when it cannot be read). */
int64_t td_cert_time(const ASN1_TIME *t);
/* RFC 6125 check of a host name (or IP) against a DER certificate; the
 * presented identifier that matched goes to matched (may be NULL). */
bool td_cert_name_matches(const uint8_t *der, size_t len, const char *name, char *matched,
			  size_t matchedlen);
/* The same for a certificate already parsed (NULL: no match). */
bool td_cert_name_matches_x509(X509 *x, const char *name, char *matched, size_t matchedlen);


/* JA4X of a parsed certificate ("a373a9f83c6b_2bab15409345_7bf9a7bf7029",
 * src/x509_ja4x.c); false and "" when hashing fails. */
#define TD_JA4X_MAX 39
bool td_ja4x(X509 *x, char ja4x[TD_JA4X_MAX]);

#endif
