/*
 * Unit tests for src/x509.c and src/x509_judge.c, on the committed test PKI
 * (tests/pki, made by tests/pki/make-pki.sh) and on certificates built here
 * with the OpenSSL API.
 *
 * Every judgement is made at a time the test gives, never at the wall-clock
 * time: the same input gives the same verdict in any year. The expected
 * values are facts of the PKI (make-pki.sh: names, dates, extensions) or are
 * computed here with OpenSSL directly (fingerprints, serials, notAfter).
 *
 * The test finds tests/pki/ under $SRCDIR (set by `make check`), else ".".
 */
#include "tlsdiag/x509.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tlsdiag/facts.h"
#include "tlsdiag/x509_cache.h"
#include "tap.h"

/* --- Helpers ------------------------------------------------------------- */

static char pki[4096];      /* .../tests/pki */
static char root_pem[4200]; /* the trust anchor of the server chains */

struct der {
	uint8_t *p;
	size_t n;
};

static int64_t utc(int y, int mo, int d)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	return (int64_t)timegm(&tm);
}

static int64_t asn1_epoch(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	return (int64_t)timegm(&tm);
}

static X509 *load_cert(const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s.pem", pki, name);
	FILE *fp = fopen(path, "r");
	if (!fp) {
		diag("cannot open %s", path);
		return NULL;
	}
	X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (!x)
		diag("%s: no PEM certificate", path);
	return x;
}

static EVP_PKEY *load_key(const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s.key", pki, name);
	FILE *fp = fopen(path, "r");
	if (!fp) {
		diag("cannot open %s", path);
		return NULL;
	}
	EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (!k)
		diag("%s: no PEM private key", path);
	return k;
}

/* DER of a certificate in a malloc'd buffer of exactly its size (ASan sees any over-read). */
static struct der to_der(X509 *x)
{
	struct der d = { NULL, 0 };
	int n = x ? i2d_X509(x, NULL) : -1;
	if (n <= 0)
		return d;
	d.p = malloc((size_t)n);
	unsigned char *q = d.p;
	if (d.p && i2d_X509(x, &q) == n)
		d.n = (size_t)n;
	else {
		free(d.p);
		d.p = NULL;
	}
	return d;
}

static struct der load_der(const char *name)
{
	X509 *x = load_cert(name);
	struct der d = to_der(x);
	X509_free(x);
	return d;
}

static void der_free(struct der *d)
{
	free(d->p);
	d->p = NULL;
	d->n = 0;
}

/* SHA-256 of a certificate: lower-case hex, and as `openssl x509 -fingerprint -sha256` prints it. */
static void fingerprint(const struct der *d, char hex[65], char colons[96])
{
	const unsigned char *p = d->p;
	X509 *x = d2i_X509(NULL, &p, (long)d->n);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	hex[0] = colons[0] = '\0';
	if (x && X509_digest(x, EVP_sha256(), md, &mdlen) && mdlen == 32)
		for (unsigned i = 0; i < 32; i++) {
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
			snprintf(colons + 3 * i, 4, i < 31 ? "%02X:" : "%02X", md[i]);
		}
	X509_free(x);
}

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	if (!value)
		return true;
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	bool good = e && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return good;
}

/* A certificate made here: a fresh P-256 key, signed by issuer_key (or itself). */
struct mk {
	const char *cn;      /* NULL: no CN */
	const char *san;     /* subjectAltName in openssl.cnf syntax, or NULL */
	const char *crl;     /* crlDistributionPoints, or NULL */
	const char *aia;     /* authorityInfoAccess, or NULL */
	int64_t not_before, not_after;
	X509 *issuer;        /* NULL: self-issued */
	EVP_PKEY *issuer_key;
};

static struct der make_cert(const struct mk *m)
{
	static long serial = 0x7000;
	struct der d = { NULL, 0 };
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	bool good = key && x && X509_set_version(x, X509_VERSION_3) &&
		    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME *name = x ? X509_get_subject_name(x) : NULL;
	if (good && m->cn)
		good = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)m->cn, -1,
						  -1, 0) == 1;
	else if (good)
		good = X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"tlsdiag t_x509",
						  -1, -1, 0) == 1;
	good = good && X509_set_issuer_name(x, m->issuer ? X509_get_subject_name(m->issuer) : name) &&
	       ASN1_TIME_set(X509_getm_notBefore(x), (time_t)m->not_before) &&
	       ASN1_TIME_set(X509_getm_notAfter(x), (time_t)m->not_after) && X509_set_pubkey(x, key);
	if (good) {
		X509V3_CTX ctx;
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, m->issuer ? m->issuer : x, x, NULL, NULL, 0);
		good = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
		       add_ext(x, &ctx, NID_subject_alt_name, m->san) &&
		       add_ext(x, &ctx, NID_crl_distribution_points, m->crl) &&
		       add_ext(x, &ctx, NID_info_access, m->aia) &&
		       X509_sign(x, m->issuer_key ? m->issuer_key : key, EVP_sha256()) > 0;
	}
	if (good)
		d = to_der(x);
	else
		diag("make_cert(%s) failed", m->cn ? m->cn : "(no CN)");
	X509_free(x);
	EVP_PKEY_free(key);
	return d;
}

static struct td_x509_ctx *ctx_new(const struct td_x509_opts *o)
{
	char err[512] = "";
	struct td_x509_ctx *x = td_x509_new(o, err, sizeof(err));
	if (!x)
		diag("td_x509_new: %s", err);
	return x;
}

static struct td_x509_ctx *ctx_anchors(const char *ca_file)
{
	struct td_x509_opts o;
	memset(&o, 0, sizeof(o));
	o.ca_file = ca_file;
	return ctx_new(&o);
}

static void fill_chain(struct td_cert_chain *c, const struct der *const *certs, size_t n, int64_t ts)
{
	c->seen = true;
	c->frame = 7;
	c->ts = (double)ts;
	c->count = (uint16_t)n;
	c->empty = n == 0;
	if (n && !c->certs && !(c->certs = calloc(TD_CERTS_KEPT, sizeof(*c->certs))))
		exit(99);
	for (size_t i = 0; i < n && i < TD_CERTS_KEPT; i++)
		if (td_blob_set(&c->certs[i], certs[i]->p, certs[i]->n))
			c->kept = (uint16_t)(i + 1);
}

static struct td_facts *facts_new(void)
{
	struct td_facts *f = td_facts_new();
	if (!f || !td_facts_tls(f)) {
		fprintf(stderr, "out of memory\n");
		exit(99);
	}
	return f;
}

/* A server chain analyzed at ts with an SNI (may be NULL); free with td_facts_free. */
static struct td_facts *run_server(struct td_x509_ctx *x, const struct der *const *certs, size_t n, int64_t ts,
				   const char *sni)
{
	struct td_facts *f = facts_new();
	fill_chain(&f->tls->server_certs, certs, n, ts);
	if (sni)
		snprintf(f->tls->ch.sni, sizeof(f->tls->ch.sni), "%s", sni);
	if (x)
		td_x509_analyze(x, f);
	return f;
}

/* The server facts, or NULL (and a failed test) when there are none. */
static const struct td_chain_facts *server_of(const struct td_facts *f, const char *what)
{
	bool have = f->x509 && f->x509->server.n > 0 && f->x509->server.certs;
	if (!ok(have, "%s: server chain decoded", what))
		return NULL;
	return &f->x509->server;
}

/* --- The PKI, loaded once ------------------------------------------------ */

static struct der leaf, inter, root, leaf_multisan, leaf_wildcard, leaf_wrongname, leaf_expired, leaf_notyet,
	leaf_ecdsa, appliance, client_ca, client, client_foreign, client_noeku, foreign_ca;

static const struct {
	const char *name;
	struct der *der;
} pki_files[] = {
	{ "leaf", &leaf },
	{ "inter", &inter },
	{ "root", &root },
	{ "leaf-multisan", &leaf_multisan },
	{ "leaf-wildcard", &leaf_wildcard },
	{ "leaf-wrongname", &leaf_wrongname },
	{ "leaf-expired", &leaf_expired },
	{ "leaf-notyet", &leaf_notyet },
	{ "leaf-ecdsa", &leaf_ecdsa },
	{ "selfsigned-appliance", &appliance },
	{ "client-ca", &client_ca },
	{ "client", &client },
	{ "client-foreign", &client_foreign },
	{ "client-noeku", &client_noeku },
	{ "foreign-ca", &foreign_ca },
};

#define NPKI (sizeof(pki_files) / sizeof(pki_files[0]))

/* A time inside every PKI leaf's validity (2025-01-01 .. 2035-01-01), but leaf-expired/notyet. */
static int64_t T2026;

/* --- 1. Decoding ------------------------------------------------------------ */

static void test_decode(void)
{
	struct td_cert_info ci;
	char hex[65], colons[96];

	td_cert_decode(leaf.p, leaf.n, T2026, &ci);
	ok(ci.parsed, "leaf: parsed");
	is_str(ci.error, "", "leaf: no error");
	is_str(ci.subject, "CN=da.contoso.test", "leaf: subject RFC 2253");
	is_str(ci.issuer, "CN=tlsdiag Test Issuing CA,O=tlsdiag Test", "leaf: issuer RFC 2253");
	is_str(ci.cn, "da.contoso.test", "leaf: CN");
	is_str(ci.san_dns, "da.contoso.test", "leaf: DNS SAN");
	is_int(ci.n_san_dns, 1, "leaf: one DNS SAN");
	is_str(ci.san_ip, "", "leaf: no IP SAN");
	is_int(ci.n_san_ip, 0, "leaf: IP SAN count 0");
	is_str(ci.key_type, "RSA", "leaf: RSA key");
	is_int(ci.key_bits, 2048, "leaf: 2048 bits");
	is_str(ci.sig_alg, "sha256WithRSAEncryption", "leaf: signature algorithm");
	is_int(ci.not_before, utc(2025, 1, 1), "leaf: notBefore 2025-01-01");
	is_int(ci.not_after, utc(2035, 1, 1), "leaf: notAfter 2035-01-01");
	fingerprint(&leaf, hex, colons);
	is_str(ci.sha256, hex, "leaf: sha256 is X509_digest's");
	{
		/* the form `openssl x509 -noout -fingerprint -sha256` prints, without colons */
		char plain[65];
		size_t j = 0;
		for (size_t i = 0; colons[i] && j < 64; i++)
			if (colons[i] != ':')
				plain[j++] = colons[i];
		plain[j] = '\0';
		ok(j == 64 && strcasecmp(ci.sha256, plain) == 0, "leaf: sha256 = openssl -fingerprint -sha256 (%s)",
		   colons);
	}
	{
		const unsigned char *p = leaf.p;
		X509 *x = d2i_X509(NULL, &p, (long)leaf.n);
		BIGNUM *bn = x ? ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL) : NULL;
		char *h = bn ? BN_bn2hex(bn) : NULL;
		is_str(ci.serial, h ? h : "?", "leaf: serial in hex");
		OPENSSL_free(h);
		BN_free(bn);
		X509_free(x);
	}
	is_str(ci.eku, "serverAuth", "leaf: EKU serverAuth");
	ok(ci.has_eku && ci.eku_server_auth && !ci.eku_client_auth, "leaf: EKU flags");
	ok(!ci.self_signed, "leaf: not self-signed");
	ok(!ci.is_ca, "leaf: not a CA");
	ok(!ci.expired && !ci.not_yet_valid, "leaf: valid in 2026");

	td_cert_decode(root.p, root.n, T2026, &ci);
	ok(ci.parsed, "root: parsed");
	ok(ci.self_signed, "root: self-signed");
	ok(ci.is_ca, "root: CA");
	is_str(ci.subject, "CN=tlsdiag Test Root CA,O=tlsdiag Test", "root: subject");
	is_str(ci.subject, ci.issuer, "root: issuer = subject");
	ok(!ci.has_eku && ci.eku[0] == '\0', "root: no EKU");

	td_cert_decode(inter.p, inter.n, T2026, &ci);
	ok(ci.parsed && ci.is_ca && !ci.self_signed, "inter: CA, not self-signed");

	td_cert_decode(leaf_ecdsa.p, leaf_ecdsa.n, T2026, &ci);
	ok(ci.parsed, "leaf-ecdsa: parsed");
	is_str(ci.key_type, "EC", "leaf-ecdsa: EC key");
	is_int(ci.key_bits, 256, "leaf-ecdsa: 256 bits");
	is_str(ci.sig_alg, "sha256WithRSAEncryption", "leaf-ecdsa: signed by the RSA issuing CA");

	td_cert_decode(leaf_multisan.p, leaf_multisan.n, T2026, &ci);
	is_str(ci.san_dns, "vpn.contoso.test,da.contoso.test", "leaf-multisan: both DNS SANs in order");
	is_int(ci.n_san_dns, 2, "leaf-multisan: two DNS SANs");

	td_cert_decode(client.p, client.n, T2026, &ci);
	is_str(ci.eku, "clientAuth", "client: EKU clientAuth");
	ok(ci.eku_client_auth && !ci.eku_server_auth, "client: EKU flags");

	td_cert_decode(appliance.p, appliance.n, T2026, &ci);
	ok(ci.parsed && ci.self_signed && !ci.is_ca, "appliance: self-signed, not a CA");
	is_str(ci.san_dns, "", "appliance: no SAN");

	/* The PKI has no CRL or AIA URL: those are checked on a certificate made here. */
	td_cert_decode(leaf.p, leaf.n, T2026, &ci);
	ok(ci.crl_urls[0] == '\0' && ci.aia_urls[0] == '\0', "leaf: no CRL/AIA URL (the PKI has none)");
	struct mk m = { .cn = "urls.contoso.test",
			.san = "DNS:urls.contoso.test,IP:192.0.2.7",
			.crl = "URI:http://crl.contoso.test/issuing.crl,URI:ldap://dc.contoso.test/crl",
			.aia = "caIssuers;URI:http://pki.contoso.test/issuing.crt,OCSP;URI:http://ocsp.contoso.test",
			.not_before = utc(2025, 1, 1),
			.not_after = utc(2035, 1, 1) };
	struct der u = make_cert(&m);
	td_cert_decode(u.p, u.n, T2026, &ci);
	ok(ci.parsed, "made cert with URLs: parsed");
	is_str(ci.crl_urls, "http://crl.contoso.test/issuing.crl,ldap://dc.contoso.test/crl", "CRL URLs");
	is_str(ci.aia_urls, "http://pki.contoso.test/issuing.crt,http://ocsp.contoso.test", "AIA URLs");
	is_str(ci.san_ip, "192.0.2.7", "IP SAN");
	is_int(ci.n_san_ip, 1, "one IP SAN");
	ok(ci.self_signed, "made self-signed cert: self-signed");
	der_free(&u);
}

/* --- 2. Time judgement -------------------------------------------------- */

static void test_time(void)
{
	struct td_cert_info ci;
	const unsigned char *p = leaf_expired.p;
	X509 *x = d2i_X509(NULL, &p, (long)leaf_expired.n);
	int64_t nb = x ? asn1_epoch(X509_get0_notBefore(x)) : -1;
	int64_t na = x ? asn1_epoch(X509_get0_notAfter(x)) : -1;
	X509_free(x);
	ok(nb > 0 && na > nb, "leaf-expired: validity read with OpenSSL");
	if (na != utc(2025, 1, 1) || nb != utc(2024, 1, 1))
		diag("leaf-expired validity differs from make-pki.sh's: %lld .. %lld", (long long)nb, (long long)na);

	td_cert_decode(leaf_expired.p, leaf_expired.n, na - 1, &ci);
	is_int(ci.not_after, na, "leaf-expired: not_after as OpenSSL reads it");
	is_int(ci.not_before, nb, "leaf-expired: not_before as OpenSSL reads it");
	ok(!ci.expired && !ci.not_yet_valid, "notAfter - 1 s: not expired");
	is_int(ci.days_left, 0, "notAfter - 1 s: 0 days left");

	td_cert_decode(leaf_expired.p, leaf_expired.n, na, &ci);
	ok(!ci.expired, "at notAfter itself: still valid (OpenSSL's rule)");

	td_cert_decode(leaf_expired.p, leaf_expired.n, na + 1, &ci);
	ok(ci.expired && !ci.not_yet_valid, "notAfter + 1 s: expired");
	ok(ci.days_left <= 0, "notAfter + 1 s: days_left <= 0 (%d)", ci.days_left);
	/* x509.h and the fact table: "negative once expired" (rounded down, not toward zero) */
	is_int(ci.days_left, -1, "notAfter + 1 s: days_left -1 (negative once expired)");
	td_cert_decode(leaf_expired.p, leaf_expired.n, nb - 30, &ci);
	is_int(ci.minutes_since_issue, -1, "notBefore - 30 s: minutes_since_issue -1 (rounded down)");

	td_cert_decode(leaf_expired.p, leaf_expired.n, na + 2 * 86400, &ci);
	is_int(ci.days_left, -2, "notAfter + 2 days: days_left -2");
	td_cert_decode(leaf_expired.p, leaf_expired.n, na - 10 * 86400, &ci);
	is_int(ci.days_left, 10, "notAfter - 10 days: days_left 10");

	td_cert_decode(leaf_expired.p, leaf_expired.n, nb - 1, &ci);
	ok(ci.not_yet_valid && !ci.expired, "notBefore - 1 s: not yet valid");
	td_cert_decode(leaf_expired.p, leaf_expired.n, nb, &ci);
	ok(!ci.not_yet_valid && !ci.expired, "at notBefore: valid");

	td_cert_decode(leaf_expired.p, leaf_expired.n, nb + 600, &ci);
	is_int(ci.minutes_since_issue, 10, "notBefore + 600 s: 10 minutes since issue");
	td_cert_decode(leaf_expired.p, leaf_expired.n, nb + 659, &ci);
	is_int(ci.minutes_since_issue, 10, "notBefore + 659 s: still 10 minutes");

	/* A capture taken in 2026 gives the same verdicts whatever today's date is. */
	td_cert_decode(leaf_expired.p, leaf_expired.n, T2026, &ci);
	ok(ci.expired && !ci.not_yet_valid, "leaf-expired judged in 2026: expired");
	is_int(ci.days_left, (na - T2026) / 86400, "leaf-expired judged in 2026: days_left");
	td_cert_decode(leaf_notyet.p, leaf_notyet.n, T2026, &ci);
	ok(ci.not_yet_valid && !ci.expired, "leaf-notyet judged in 2026: not yet valid");
	td_cert_decode(leaf.p, leaf.n, utc(2024, 6, 1), &ci);
	ok(ci.not_yet_valid && !ci.expired, "leaf judged in 2024: not yet valid");
	td_cert_decode(leaf.p, leaf.n, utc(2040, 6, 1), &ci);
	ok(ci.expired && !ci.not_yet_valid, "leaf judged in 2040: expired");
	td_cert_decode(leaf.p, leaf.n, T2026, &ci);
	ok(!ci.expired && !ci.not_yet_valid, "leaf judged in 2026: valid");
}

/* Capture times far from the certificate's dates: a 1950-1960 certificate
 * judged at INT64_MAX, the PKI leaf (2025-2035) at INT64_MIN. The day and
 * minute counts saturate instead of overflowing not_after - t
 * (regress/fuzz_x509/cert-dates-before-1970). */
static void test_time_far(void)
{
	struct mk m = { .cn = "old.contoso.test", .not_before = utc(1950, 1, 1), .not_after = utc(1960, 1, 1) };
	struct der old = make_cert(&m);
	struct td_cert_info ci;
	if (!ok(old.n > 0, "a 1950-1960 certificate made"))
		return;
	td_cert_decode(old.p, old.n, utc(1959, 12, 31), &ci);
	is_int(ci.not_after, utc(1960, 1, 1), "1950-1960: notAfter before 1970 read as a negative time");
	is_int(ci.days_left, 1, "1950-1960 judged on 1959-12-31: 1 day left");
	td_cert_decode(old.p, old.n, INT64_MAX, &ci);
	ok(ci.expired && !ci.not_yet_valid, "1950-1960 judged at INT64_MAX: expired");
	is_int(ci.days_left, INT32_MIN, "1950-1960 judged at INT64_MAX: days_left saturates at INT32_MIN");
	is_int(ci.minutes_since_issue, INT32_MAX,
	       "1950-1960 judged at INT64_MAX: minutes_since_issue saturates at INT32_MAX");
	der_free(&old);

	td_cert_decode(leaf.p, leaf.n, INT64_MIN, &ci);
	ok(ci.not_yet_valid && !ci.expired, "leaf judged at INT64_MIN: not yet valid");
	is_int(ci.days_left, INT32_MAX, "leaf judged at INT64_MIN: days_left saturates at INT32_MAX");
	is_int(ci.minutes_since_issue, INT32_MIN, "leaf judged at INT64_MIN: minutes_since_issue saturates at INT32_MIN");
}

/* --- 3. Malformed DER ----------------------------------------------------- */

static uint32_t rng_state = 0x2545f491u;

static uint32_t rng(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

/* A decoded certificate's strings are terminated and bounded. */
static bool info_sane(const struct td_cert_info *ci)
{
	if (strnlen(ci->error, sizeof(ci->error)) >= sizeof(ci->error) ||
	    strnlen(ci->subject, sizeof(ci->subject)) >= sizeof(ci->subject) ||
	    strnlen(ci->issuer, sizeof(ci->issuer)) >= sizeof(ci->issuer) ||
	    strnlen(ci->cn, sizeof(ci->cn)) >= sizeof(ci->cn) ||
	    strnlen(ci->san_dns, sizeof(ci->san_dns)) >= sizeof(ci->san_dns) ||
	    strnlen(ci->san_ip, sizeof(ci->san_ip)) >= sizeof(ci->san_ip) ||
	    strnlen(ci->serial, sizeof(ci->serial)) >= sizeof(ci->serial) ||
	    strnlen(ci->key_type, sizeof(ci->key_type)) >= sizeof(ci->key_type) ||
	    strnlen(ci->sig_alg, sizeof(ci->sig_alg)) >= sizeof(ci->sig_alg) ||
	    strnlen(ci->sha256, sizeof(ci->sha256)) >= sizeof(ci->sha256) ||
	    strnlen(ci->eku, sizeof(ci->eku)) >= sizeof(ci->eku) ||
	    strnlen(ci->crl_urls, sizeof(ci->crl_urls)) >= sizeof(ci->crl_urls) ||
	    strnlen(ci->aia_urls, sizeof(ci->aia_urls)) >= sizeof(ci->aia_urls))
		return false;
	if (ci->parsed)
		return strlen(ci->sha256) == 64;
	return ci->error[0] != '\0' && ci->subject[0] == '\0';
}

static void test_malformed(void)
{
	struct td_cert_info ci;
	uint8_t *buf;
	char matched[TD_X509_NAME];

	buf = calloc(1, 1);
	td_cert_decode(buf, 0, T2026, &ci);
	ok(!ci.parsed && ci.error[0], "empty DER: not parsed, error \"%s\"", ci.error);
	ok(!td_cert_name_matches(buf, 0, "da.contoso.test", matched, sizeof(matched)), "empty DER: no name match");
	td_cert_decode(NULL, 0, T2026, &ci);
	ok(!ci.parsed && ci.error[0], "NULL, 0: not parsed");
	ok(!td_cert_name_matches(NULL, 0, "da.contoso.test", NULL, 0), "NULL, 0: no name match");
	buf[0] = 0x30;
	td_cert_decode(buf, 1, T2026, &ci);
	ok(!ci.parsed && ci.error[0], "1 byte (0x30): not parsed");
	free(buf);

	/* Random bytes, and random bytes behind a plausible SEQUENCE header. */
	size_t parsed = 0, insane = 0;
	for (int i = 0; i < 3000; i++) {
		size_t n = rng() % 600;
		buf = malloc(n ? n : 1);
		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)rng();
		if (i % 2 && n >= 4) {
			buf[0] = 0x30;
			buf[1] = 0x82;
			buf[2] = (uint8_t)((n - 4) >> 8);
			buf[3] = (uint8_t)(n - 4);
		}
		td_cert_decode(buf, n, T2026, &ci);
		parsed += ci.parsed;
		insane += !info_sane(&ci);
		(void)td_cert_name_matches(buf, n, "da.contoso.test", matched, sizeof(matched));
		free(buf);
	}
	is_int(parsed, 0, "3000 random buffers: none parses");
	is_int(insane, 0, "3000 random buffers: every result has an error and bounded strings");

	/* Every truncation of the leaf. */
	size_t bad = 0;
	for (size_t n = 0; n < leaf.n; n++) {
		buf = malloc(n ? n : 1);
		memcpy(buf, leaf.p, n);
		td_cert_decode(buf, n, T2026, &ci);
		if (ci.parsed || !ci.error[0] || !info_sane(&ci)) {
			if (!bad)
				diag("truncation to %zu bytes: parsed=%d error=\"%s\"", n, ci.parsed, ci.error);
			bad++;
		}
		if (td_cert_name_matches(buf, n, "da.contoso.test", matched, sizeof(matched)))
			bad++;
		free(buf);
	}
	is_int(bad, 0, "every truncation of the leaf (%zu): not parsed, with an error, no name match", leaf.n);

	/* Trailing bytes: parsed, with a note. */
	buf = malloc(leaf.n + 3);
	memcpy(buf, leaf.p, leaf.n);
	memset(buf + leaf.n, 0, 3);
	td_cert_decode(buf, leaf.n + 3, T2026, &ci);
	ok(ci.parsed, "leaf + 3 trailing bytes: parsed");
	ok(strstr(ci.error, "3 bytes after") != NULL, "leaf + 3 trailing bytes: noted (\"%s\")", ci.error);
	is_str(ci.cn, "da.contoso.test", "leaf + 3 trailing bytes: decoded all the same");
	free(buf);

	/* Every byte flipped (two ways), through decode, name match and the whole analysis. */
	struct td_x509_ctx *x = ctx_anchors(root_pem);
	size_t runs = 0, flip_parsed = 0, trusted = 0, analyzed = 0;
	insane = 0;
	for (int mode = 0; mode < 2 && x; mode++)
		for (size_t i = 0; i < leaf.n; i++) {
			struct der d = { malloc(leaf.n), leaf.n };
			memcpy(d.p, leaf.p, leaf.n);
			d.p[i] ^= mode ? 0x01 : 0xff;
			td_cert_decode(d.p, d.n, T2026, &ci);
			flip_parsed += ci.parsed;
			insane += !info_sane(&ci);
			(void)td_cert_name_matches(d.p, d.n, "da.contoso.test", matched, sizeof(matched));
			if (mode == 1) { /* the whole analysis too (slow: OpenSSL 3 key decoding), one mode */
				const struct der *chain[] = { &d, &inter };
				struct td_facts *f = run_server(x, chain, 2, T2026, "da.contoso.test");
				if (f->x509 && f->x509->server.n == 2 && f->x509->server.trusted) {
					if (!trusted)
						diag("leaf with byte %zu flipped is trusted", i);
					trusted++;
				}
				td_facts_free(f);
				analyzed++;
			}
			free(d.p);
			runs++;
		}
	is_int(runs, 2 * leaf.n, "every byte of the leaf flipped (xor 0xff, xor 0x01): %zu decodes, no crash", runs);
	is_int(analyzed, leaf.n, "every byte of the leaf flipped (xor 0x01) through td_x509_analyze: no crash");
	is_int(insane, 0, "flipped leaves: every result consistent and bounded");
	diag("%zu of %zu flipped leaves still parse", flip_parsed, runs);
	is_int(trusted, 0, "no flipped leaf verifies against the root");
	td_x509_free(x);
}

/* --- 4. RFC 6125 names ------------------------------------------------------ */

static void test_names(void)
{
	char m[TD_X509_NAME];

	m[0] = '\0';
	ok(td_cert_name_matches(leaf.p, leaf.n, "da.contoso.test", m, sizeof(m)), "leaf matches da.contoso.test");
	is_str(m, "da.contoso.test", "leaf: matched name returned");
	m[0] = '\0';
	ok(td_cert_name_matches(leaf.p, leaf.n, "DA.CONTOSO.TEST", m, sizeof(m)), "leaf matches DA.CONTOSO.TEST");
	is_str(m, "da.contoso.test", "leaf: matched name is the presented one");
	ok(td_cert_name_matches(leaf.p, leaf.n, "da.contoso.test", NULL, 0), "leaf matches with matched = NULL");
	ok(!td_cert_name_matches(leaf.p, leaf.n, "contoso.test", m, sizeof(m)), "leaf does not match contoso.test");
	ok(!td_cert_name_matches(leaf.p, leaf.n, "x.da.contoso.test", m, sizeof(m)),
	   "leaf does not match x.da.contoso.test");
	ok(!td_cert_name_matches(leaf.p, leaf.n, "", m, sizeof(m)), "leaf does not match an empty name");
	ok(!td_cert_name_matches(leaf.p, leaf.n, "192.0.2.7", m, sizeof(m)), "leaf does not match an IP");

	m[0] = '\0';
	ok(td_cert_name_matches(leaf_wildcard.p, leaf_wildcard.n, "a.contoso.test", m, sizeof(m)),
	   "*.contoso.test matches a.contoso.test");
	is_str(m, "*.contoso.test", "wildcard: matched name is the wildcard");
	ok(!td_cert_name_matches(leaf_wildcard.p, leaf_wildcard.n, "contoso.test", m, sizeof(m)),
	   "*.contoso.test does not match contoso.test");
	ok(!td_cert_name_matches(leaf_wildcard.p, leaf_wildcard.n, "a.b.contoso.test", m, sizeof(m)),
	   "*.contoso.test does not match a.b.contoso.test");

	ok(!td_cert_name_matches(leaf_wrongname.p, leaf_wrongname.n, "da.contoso.test", m, sizeof(m)),
	   "leaf-wrongname does not match da.contoso.test");
	ok(td_cert_name_matches(leaf_wrongname.p, leaf_wrongname.n, "www.fabrikam.test", m, sizeof(m)),
	   "leaf-wrongname matches its own name");

	ok(td_cert_name_matches(leaf_multisan.p, leaf_multisan.n, "vpn.contoso.test", m, sizeof(m)),
	   "leaf-multisan matches vpn.contoso.test");
	ok(td_cert_name_matches(leaf_multisan.p, leaf_multisan.n, "da.contoso.test", m, sizeof(m)),
	   "leaf-multisan matches da.contoso.test");

	/* CN fallback only without DNS SANs. */
	struct mk cn_only = { .cn = "cnonly.contoso.test", .not_before = utc(2025, 1, 1), .not_after = utc(2035, 1, 1) };
	struct mk cn_san = { .cn = "cn.contoso.test",
			     .san = "DNS:san.contoso.test",
			     .not_before = utc(2025, 1, 1),
			     .not_after = utc(2035, 1, 1) };
	struct mk ip = { .cn = "ip-host", .san = "IP:192.0.2.7", .not_before = utc(2025, 1, 1), .not_after = utc(2035, 1, 1) };
	struct der a = make_cert(&cn_only), b = make_cert(&cn_san), c = make_cert(&ip);
	m[0] = '\0';
	ok(td_cert_name_matches(a.p, a.n, "cnonly.contoso.test", m, sizeof(m)), "CN only, no SAN: the CN matches");
	is_str(m, "cnonly.contoso.test", "CN only: matched name is the CN");
	ok(!td_cert_name_matches(a.p, a.n, "other.contoso.test", m, sizeof(m)), "CN only: another name does not");
	ok(td_cert_name_matches(b.p, b.n, "san.contoso.test", m, sizeof(m)), "CN + DNS SAN: the SAN matches");
	ok(!td_cert_name_matches(b.p, b.n, "cn.contoso.test", m, sizeof(m)),
	   "CN + DNS SAN: no fallback to the CN");
	m[0] = '\0';
	ok(td_cert_name_matches(c.p, c.n, "192.0.2.7", m, sizeof(m)), "IP SAN matches 192.0.2.7");
	is_str(m, "192.0.2.7", "IP SAN: matched name");
	ok(!td_cert_name_matches(c.p, c.n, "192.0.2.8", m, sizeof(m)), "IP SAN does not match 192.0.2.8");

	/* The same through the analysis (CN fallback seen as name_matched + cn_matches). */
	struct td_x509_ctx *x = ctx_anchors(NULL);
	const struct der *ca[] = { &a }, *cb[] = { &b };
	struct td_facts *f = run_server(x, ca, 1, T2026, "cnonly.contoso.test");
	const struct td_chain_facts *s = server_of(f, "CN only");
	if (s)
		ok(s->name_matched && s->cn_matches, "analysis: CN-only certificate matches by its CN");
	td_facts_free(f);
	f = run_server(x, cb, 1, T2026, "cn.contoso.test");
	s = server_of(f, "CN + SAN");
	if (s)
		ok(!s->name_matched && s->cn_matches, "analysis: CN + SAN, name only in the CN: not matched");
	td_facts_free(f);
	td_x509_free(x);
	der_free(&a);
	der_free(&b);
	der_free(&c);
}

/* --- 5. The analysis of a connection ------------------------------------- */

/* The chain cache: one context sees the same chain at many times, in an
 * order that crosses the leaf's and the anchors' dates back and forth; every
 * verdict must be what a fresh context (nothing cached) says at that time. */
static void test_cache(void)
{
	const unsigned char *p = leaf_expired.p;
	X509 *lx = d2i_X509(NULL, &p, (long)leaf_expired.n);
	int64_t nb = lx ? asn1_epoch(X509_get0_notBefore(lx)) : 0, na = lx ? asn1_epoch(X509_get0_notAfter(lx)) : 0;
	X509_free(lx);
	const int64_t times[] = { nb + 10, na + 1, nb + 11, na - 1, na, nb, nb - 1, na + 86400, nb + 12, T2026,
				  na - 1, na + 2, na };
	const struct der *chain_[] = { &leaf_expired, &inter };
	struct td_x509_ctx *warm = ctx_anchors(root_pem);
	if (!ok(warm != NULL, "cache: a context with anchors"))
		return;
	size_t same = 0, n = sizeof(times) / sizeof(times[0]);
	for (size_t i = 0; i < n; i++) {
		struct td_x509_ctx *cold = ctx_anchors(root_pem);
		struct td_facts *a = run_server(warm, chain_, 2, times[i], "da.contoso.test");
		struct td_facts *b = run_server(cold, chain_, 2, times[i], "da.contoso.test");
		const struct td_chain_facts *x = a->x509 ? &a->x509->server : NULL;
		const struct td_chain_facts *y = b->x509 ? &b->x509->server : NULL;
		bool eq = x && y && x->n == y->n && x->trusted == y->trusted && x->verify_code == y->verify_code &&
			  x->verify_attempted == y->verify_attempted && x->certs[0].expired == y->certs[0].expired &&
			  x->certs[0].not_yet_valid == y->certs[0].not_yet_valid &&
			  x->certs[0].days_left == y->certs[0].days_left &&
			  x->certs[0].minutes_since_issue == y->certs[0].minutes_since_issue &&
			  memcmp(x->certs, y->certs, x->n * sizeof(*x->certs)) == 0;
		if (!eq)
			diag("cache: at %lld the cached verdict differs (code %d, fresh %d)", (long long)times[i],
			     x ? x->verify_code : -1, y ? y->verify_code : -1);
		same += eq;
		td_facts_free(a);
		td_facts_free(b);
		td_x509_free(cold);
	}
	is_int(same, n, "cache: the same verdicts as without a cache at %zu times across the dates", n);
	struct td_x509_cache_stats st;
	td_x509_stats(warm, &st);
	is_int(st.misses, 1, "cache: one distinct chain decoded once");
	is_int(st.hits, n - 1, "cache: every later connection a hit");
	ok(st.verify_hits > 0 && st.verify_misses > 1, "cache: verification reused within a window, redone across dates");
	td_x509_free(warm);
}

static void test_trust(void)
{
	struct td_x509_ctx *xa = ctx_anchors(root_pem), *xn = ctx_anchors(NULL);
	if (!ok(xa && xn, "contexts with and without anchors"))
		goto out;
	ok(td_x509_has_anchors(xa) && !td_x509_has_anchors(xn), "td_x509_has_anchors");

	const struct der *good[] = { &leaf, &inter };
	struct td_facts *f = run_server(xa, good, 2, T2026, "da.contoso.test");
	const struct td_chain_facts *s = server_of(f, "leaf + inter, anchors");
	if (s) {
		ok(s->seen, "leaf + inter: seen");
		is_int(s->n, 2, "leaf + inter: 2 certificates");
		is_int(s->unparsed, 0, "leaf + inter: all parse");
		ok(s->verify_attempted, "leaf + inter: verified");
		ok(s->trusted, "leaf + inter: trusted");
		is_int(s->verify_code, 0, "leaf + inter: code 0");
		is_str(s->verify_error, "X509_V_OK", "leaf + inter: X509_V_OK");
		ok(s->ordered, "leaf + inter: ordered");
		ok(s->certs[0].signed_by_next && !s->certs[1].signed_by_next, "leaf + inter: signed_by_next");
		ok(!s->ends_self_signed && !s->incomplete && !s->missing_intermediate, "leaf + inter: complete");
		ok(s->name_checked && s->name_matched, "leaf + inter: name matched");
		is_str(s->expected_name, "da.contoso.test", "leaf + inter: expected name from the SNI");
		is_str(s->name_source, "sni", "leaf + inter: name source sni");
		is_str(s->matched_name, "da.contoso.test", "leaf + inter: matched name");
		ok(s->cn_matches && !s->multi_san_not_subject, "leaf + inter: CN matches");
		ok(!s->resigned && !s->fresh_leaf && !s->device_self_signed && !s->ecdsa_leaf,
		   "leaf + inter: no interception indicator");
		is_str(s->inspection_product, "", "leaf + inter: no inspection product");
		ok(!s->expect_issuer_checked && !s->expect_fingerprint_checked, "leaf + inter: nothing pinned");
		ok(!f->x509->client.seen && !f->x509->client_auth.requested, "leaf + inter: no client side");
	}
	td_facts_free(f);

	/* leaf + inter + root: still trusted, ends self-signed */
	const struct der *full[] = { &leaf, &inter, &root };
	f = run_server(xa, full, 3, T2026, "da.contoso.test");
	s = server_of(f, "leaf + inter + root");
	if (s)
		ok(s->trusted && s->ordered && s->ends_self_signed && !s->incomplete,
		   "leaf + inter + root: trusted, ordered, ends self-signed");
	td_facts_free(f);

	f = run_server(xn, good, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf + inter, no anchors");
	if (s) {
		ok(!s->verify_attempted && !s->trusted, "no anchors: not verified");
		is_str(s->verify_error, "", "no anchors: no verify error");
		ok(!s->incomplete, "no anchors: not incomplete (ends at a CA)");
		ok(!s->missing_intermediate, "no anchors: no missing intermediate claimed");
		ok(s->ordered && s->name_matched, "no anchors: ordered, name matched");
		ok(!s->resigned, "no anchors: not re-signed");
	}
	td_facts_free(f);

	const struct der *alone[] = { &leaf };
	f = run_server(xa, alone, 1, T2026, "da.contoso.test");
	s = server_of(f, "leaf alone, anchors");
	if (s) {
		ok(s->verify_attempted && !s->trusted, "leaf alone: not trusted");
		ok(s->incomplete, "leaf alone: incomplete");
		ok(s->missing_intermediate, "leaf alone: missing intermediate");
		is_str(s->verify_error, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "leaf alone: verify error");
		ok(s->verify_reason[0] != '\0', "leaf alone: reason \"%s\"", s->verify_reason);
	}
	td_facts_free(f);

	f = run_server(xn, alone, 1, T2026, "da.contoso.test");
	s = server_of(f, "leaf alone, no anchors");
	if (s)
		ok(s->incomplete && !s->missing_intermediate, "leaf alone without anchors: incomplete, not 'missing'");
	td_facts_free(f);

	f = run_server(xa, good, 2, utc(2036, 1, 1), "da.contoso.test");
	s = server_of(f, "leaf + inter in 2036");
	if (s) {
		ok(!s->trusted, "leaf + inter in 2036: not trusted");
		is_str(s->verify_error, "X509_V_ERR_CERT_HAS_EXPIRED", "leaf + inter in 2036: expired");
		ok(s->certs[0].expired, "leaf + inter in 2036: leaf expired");
		ok(!s->certs[1].expired, "leaf + inter in 2036: inter not expired");
	}
	td_facts_free(f);

	const struct der *exp[] = { &leaf_expired, &inter };
	f = run_server(xa, exp, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf-expired + inter");
	if (s) {
		ok(s->certs[0].expired, "leaf-expired in 2026: leaf expired");
		ok(s->certs[0].days_left < 0, "leaf-expired in 2026: days_left < 0 (%d)", s->certs[0].days_left);
		is_str(s->verify_error, "X509_V_ERR_CERT_HAS_EXPIRED", "leaf-expired in 2026: verify error");
		ok(s->name_matched, "leaf-expired in 2026: the name still matches");
	}
	td_facts_free(f);

	const struct der *ny[] = { &leaf_notyet, &inter };
	f = run_server(xa, ny, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf-notyet + inter");
	if (s) {
		ok(s->certs[0].not_yet_valid && !s->certs[0].expired, "leaf-notyet in 2026: not yet valid");
		is_str(s->verify_error, "X509_V_ERR_CERT_NOT_YET_VALID", "leaf-notyet in 2026: verify error");
		ok(s->certs[0].minutes_since_issue < 0, "leaf-notyet in 2026: negative age");
		ok(!s->fresh_leaf, "leaf-notyet in 2026: not fresh");
	}
	td_facts_free(f);

	const struct der *rev[] = { &inter, &leaf };
	f = run_server(xa, rev, 2, T2026, "da.contoso.test");
	s = server_of(f, "inter, leaf");
	if (s) {
		ok(!s->ordered, "inter, leaf: not ordered");
		ok(!s->certs[0].signed_by_next, "inter, leaf: inter not signed by leaf");
		ok(!s->name_matched, "inter, leaf: the first certificate (inter) does not carry the name");
	}
	td_facts_free(f);

	/* Another anchor: the chain does not verify. */
	char other[4200];
	snprintf(other, sizeof(other), "%s/foreign-ca.pem", pki);
	struct td_x509_ctx *xo = ctx_anchors(other);
	f = run_server(xo, good, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf + inter, foreign anchor");
	if (s) {
		ok(s->verify_attempted && !s->trusted, "foreign anchor: not trusted");
		ok(!s->missing_intermediate, "foreign anchor: no missing intermediate (the chain ends at a CA)");
	}
	td_facts_free(f);
	td_x509_free(xo);
out:
	td_x509_free(xa);
	td_x509_free(xn);
}

static void test_names_analysis(void)
{
	struct td_x509_ctx *x = ctx_anchors(root_pem);
	if (!ok(x != NULL, "context for the name checks"))
		return;
	struct td_cert_info ci;
	td_cert_decode(leaf_multisan.p, leaf_multisan.n, T2026, &ci);
	const struct der *ms[] = { &leaf_multisan, &inter };
	struct td_facts *f = run_server(x, ms, 2, T2026, "da.contoso.test");
	const struct td_chain_facts *s = server_of(f, "leaf-multisan, da");
	if (s) {
		/* make-pki.sh: CN=da.contoso.test, SAN vpn.contoso.test + da.contoso.test */
		bool cn_is_da = strcmp(ci.cn, "da.contoso.test") == 0;
		ok(s->name_matched, "leaf-multisan, sni da: matched");
		is_int(s->cn_matches, cn_is_da, "leaf-multisan, sni da: cn_matches iff CN is da.contoso.test");
		is_int(s->multi_san_not_subject, !cn_is_da, "leaf-multisan, sni da: multi_san_not_subject");
		ok(s->trusted, "leaf-multisan: trusted");
	}
	td_facts_free(f);
	f = run_server(x, ms, 2, T2026, "vpn.contoso.test");
	s = server_of(f, "leaf-multisan, vpn");
	if (s) {
		ok(s->name_matched, "leaf-multisan, sni vpn: matched (SAN)");
		is_str(s->matched_name, "vpn.contoso.test", "leaf-multisan, sni vpn: matched name");
		ok(!s->cn_matches, "leaf-multisan, sni vpn: the CN does not cover it");
		ok(s->multi_san_not_subject, "leaf-multisan, sni vpn: multi_san_not_subject");
	}
	td_facts_free(f);

	/* The option wins over the SNI; the HTTP Host (port stripped) is the last resort. */
	struct td_x509_opts o;
	memset(&o, 0, sizeof(o));
	o.ca_file = root_pem;
	o.server_name = "vpn.contoso.test";
	struct td_x509_ctx *xs = ctx_new(&o);
	const struct der *good[] = { &leaf, &inter };
	f = run_server(xs, good, 2, T2026, "da.contoso.test");
	s = server_of(f, "--server-name");
	if (s) {
		is_str(s->name_source, "option", "--server-name: source option");
		is_str(s->expected_name, "vpn.contoso.test", "--server-name: expected name");
		ok(s->name_checked && !s->name_matched, "--server-name: leaf does not cover vpn.contoso.test");
	}
	td_facts_free(f);
	td_x509_free(xs);

	f = facts_new();
	fill_chain(&f->tls->server_certs, good, 2, T2026);
	snprintf(f->tls->http_req.host, sizeof(f->tls->http_req.host), "da.contoso.test:443");
	td_x509_analyze(x, f);
	s = server_of(f, "http host");
	if (s) {
		is_str(s->name_source, "http-host", "no SNI: name from the HTTP Host");
		is_str(s->expected_name, "da.contoso.test", "HTTP Host: port stripped");
		ok(s->name_matched, "HTTP Host: matched");
	}
	td_facts_free(f);

	f = run_server(x, good, 2, T2026, NULL);
	s = server_of(f, "no name");
	if (s)
		ok(!s->name_checked && !s->name_matched && s->expected_name[0] == '\0', "no name anywhere: not checked");
	td_facts_free(f);

	const struct der *wn[] = { &leaf_wrongname, &inter };
	f = run_server(x, wn, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf-wrongname");
	if (s) {
		ok(s->name_checked && !s->name_matched && !s->cn_matches, "leaf-wrongname: no match");
		ok(s->trusted, "leaf-wrongname: trusted all the same (names are separate from trust)");
		ok(!s->resigned && !s->device_self_signed, "leaf-wrongname: not re-signed, not a device cert");
	}
	td_facts_free(f);

	const struct der *wc[] = { &leaf_wildcard, &inter };
	f = run_server(x, wc, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf-wildcard");
	if (s) {
		ok(s->name_matched && s->cn_matches, "leaf-wildcard, da.contoso.test: SAN and CN cover it");
		is_str(s->matched_name, "*.contoso.test", "leaf-wildcard: matched name");
	}
	td_facts_free(f);

	const struct der *ap[] = { &appliance };
	f = run_server(x, ap, 1, T2026, "da.contoso.test");
	s = server_of(f, "appliance");
	if (s) {
		ok(s->certs[0].self_signed, "appliance: self-signed");
		ok(s->device_self_signed, "appliance: device_self_signed");
		ok(!s->name_matched, "appliance: name not matched");
		ok(!s->resigned, "appliance: not counted as re-signed");
		ok(!s->trusted && s->ends_self_signed, "appliance: untrusted, ends self-signed");
		ok(!s->incomplete, "appliance: not incomplete (self-signed)");
		is_str(s->verify_error, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT", "appliance: verify error");
	}
	td_facts_free(f);

	const struct der *ec[] = { &leaf_ecdsa, &inter };
	f = run_server(x, ec, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf-ecdsa");
	if (s) {
		ok(s->ecdsa_leaf, "leaf-ecdsa: ecdsa_leaf");
		ok(s->trusted && s->name_matched, "leaf-ecdsa: trusted, name matched");
	}
	td_facts_free(f);
	td_x509_free(x);
}

static void test_interception(void)
{
	X509 *ica = load_cert("inspect-ca");
	EVP_PKEY *ikey = load_key("inspect-ca");
	if (!ok(ica && ikey, "inspect-ca certificate and key"))
		goto out;
	struct mk m = { .cn = "da.contoso.test",
			.san = "DNS:da.contoso.test",
			.not_before = T2026 - 120,
			.not_after = T2026 + 365 * 86400,
			.issuer = ica,
			.issuer_key = ikey };
	struct der ins = make_cert(&m);
	const struct der *chain[] = { &ins };

	struct td_x509_opts o;
	memset(&o, 0, sizeof(o));
	struct td_x509_ctx *x = ctx_new(&o);
	struct td_facts *f = run_server(x, chain, 1, T2026, "da.contoso.test");
	const struct td_chain_facts *s = server_of(f, "inspected leaf");
	if (s) {
		ok(strstr(s->certs[0].issuer, "Fortinet_CA_SSL") != NULL, "inspected leaf: issuer %s", s->certs[0].issuer);
		is_str(s->inspection_product, "Fortinet", "inspected leaf: product Fortinet (built-in list)");
		ok(s->name_matched, "inspected leaf: name matched");
		ok(s->resigned, "inspected leaf: re-signed");
		is_int(s->certs[0].minutes_since_issue, 2, "inspected leaf: 2 minutes old");
		ok(s->fresh_leaf, "inspected leaf: fresh (default 30 minutes)");
		ok(!s->device_self_signed, "inspected leaf: not a device certificate");
		ok(s->ecdsa_leaf, "inspected leaf: EC key (made with P-256)");
	}
	td_facts_free(f);
	td_x509_free(x);

	/* with anchors: the issuer is unknown, and that alone is a re-signing sign */
	x = ctx_anchors(root_pem);
	f = run_server(x, chain, 1, T2026, "da.contoso.test");
	s = server_of(f, "inspected leaf, anchors");
	if (s) {
		ok(!s->trusted, "inspected leaf with anchors: untrusted");
		is_str(s->verify_error, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "inspected leaf: issuer unknown");
		ok(s->resigned, "inspected leaf with anchors: re-signed");
	}
	td_facts_free(f);
	td_x509_free(x);

	/* the analyst expected the real issuer */
	memset(&o, 0, sizeof(o));
	o.expect_issuer[0] = "tlsdiag Test Issuing CA";
	o.n_expect_issuer = 1;
	x = ctx_new(&o);
	f = run_server(x, chain, 1, T2026, "da.contoso.test");
	s = server_of(f, "inspected leaf, --expect-issuer");
	if (s) {
		ok(s->expect_issuer_checked, "--expect-issuer: checked");
		ok(!s->expect_issuer_ok, "--expect-issuer: the inspected leaf fails it");
		ok(s->resigned, "--expect-issuer: re-signed");
	}
	td_facts_free(f);
	const struct der *good[] = { &leaf, &inter };
	f = run_server(x, good, 2, T2026, "da.contoso.test");
	s = server_of(f, "leaf, --expect-issuer");
	if (s) {
		ok(s->expect_issuer_checked && s->expect_issuer_ok, "--expect-issuer: the real leaf passes");
		ok(!s->resigned, "--expect-issuer: the real leaf is not re-signed");
	}
	td_facts_free(f);
	td_x509_free(x);

	/* a shorter freshness window */
	memset(&o, 0, sizeof(o));
	o.fresh_minutes = 2;
	x = ctx_new(&o);
	f = run_server(x, chain, 1, T2026, "da.contoso.test");
	s = server_of(f, "inspected leaf, fresh 2");
	if (s)
		ok(!s->fresh_leaf, "fresh_minutes 2: a 2-minute-old leaf is not fresh");
	td_facts_free(f);
	td_x509_free(x);

	/* fingerprint pins */
	char hex[65], colons[96];
	fingerprint(&leaf, hex, colons);
	memset(&o, 0, sizeof(o));
	o.expect_fingerprint[0] = colons;
	o.n_expect_fingerprint = 1;
	x = ctx_new(&o);
	f = run_server(x, good, 2, T2026, "da.contoso.test");
	s = server_of(f, "--expect-fingerprint");
	if (s) {
		ok(s->expect_fingerprint_checked, "--expect-fingerprint: checked");
		ok(s->expect_fingerprint_ok, "--expect-fingerprint upper case with colons: ok");
		ok(!s->resigned, "--expect-fingerprint: not re-signed");
	}
	td_facts_free(f);
	f = run_server(x, chain, 1, T2026, "da.contoso.test");
	s = server_of(f, "--expect-fingerprint, inspected");
	if (s)
		ok(s->expect_fingerprint_checked && !s->expect_fingerprint_ok && s->resigned,
		   "--expect-fingerprint: the inspected leaf fails it, re-signed");
	td_facts_free(f);
	td_x509_free(x);

	memset(&o, 0, sizeof(o));
	o.expect_fingerprint[0] = hex;
	o.n_expect_fingerprint = 1;
	x = ctx_new(&o);
	f = run_server(x, good, 2, T2026, "da.contoso.test");
	s = server_of(f, "--expect-fingerprint lower");
	if (s)
		ok(s->expect_fingerprint_ok, "--expect-fingerprint lower case, no colons: ok");
	td_facts_free(f);
	td_x509_free(x);

	char shortfp[20];
	snprintf(shortfp, sizeof(shortfp), "%.16s", hex);
	memset(&o, 0, sizeof(o));
	o.expect_fingerprint[0] = shortfp;
	o.n_expect_fingerprint = 1;
	x = ctx_new(&o);
	f = run_server(x, good, 2, T2026, "da.contoso.test");
	s = server_of(f, "--expect-fingerprint prefix");
	if (s)
		ok(!s->expect_fingerprint_ok, "--expect-fingerprint: a prefix is not a match");
	td_facts_free(f);
	td_x509_free(x);

	der_free(&ins);
out:
	X509_free(ica);
	EVP_PKEY_free(ikey);
}

/* DER of a certificate's subject name, malloc'd. */
static struct der subject_der(const struct der *cert)
{
	struct der d = { NULL, 0 };
	const unsigned char *p = cert->p;
	X509 *x = d2i_X509(NULL, &p, (long)cert->n);
	int n = x ? i2d_X509_NAME(X509_get_subject_name(x), NULL) : -1;
	if (n > 0 && (d.p = malloc((size_t)n)) != NULL) {
		unsigned char *q = d.p;
		if (i2d_X509_NAME(X509_get_subject_name(x), &q) == n)
			d.n = (size_t)n;
	}
	X509_free(x);
	return d;
}

/* A connection where the server asked for a certificate listing names[], and the client sent chain[]. */
static struct td_facts *run_client(struct td_x509_ctx *x, const struct der *const *names, size_t nn,
				   const struct der *const *chain, size_t nc)
{
	struct td_facts *f = facts_new();
	struct td_tls_facts *t = f->tls;
	const struct der *server[] = { &leaf, &inter };
	fill_chain(&t->server_certs, server, 2, T2026);
	snprintf(t->ch.sni, sizeof(t->ch.sni), "da.contoso.test");
	t->cert_request.seen = true;
	t->cert_request.frame = 7;
	t->cert_request.n_ca_names = (uint16_t)nn;
	for (size_t i = 0; i < nn; i++)
		if (td_blob_set(&t->cert_request.ca_names[i], names[i]->p, names[i]->n))
			t->cert_request.kept_ca_names = (uint16_t)(i + 1);
	fill_chain(&t->client_certs, chain, nc, T2026);
	t->client_certs.frame = 9;
	td_x509_analyze(x, f);
	return f;
}

static void test_client_auth(void)
{
	struct td_x509_ctx *x = ctx_anchors(root_pem);
	struct der cca = subject_der(&client_ca), fca = subject_der(&foreign_ca);
	if (!ok(x && cca.n && fca.n, "client auth fixtures"))
		goto out;
	const struct der *names[] = { &cca };
	const struct der *c1[] = { &client };
	struct td_facts *f = run_client(x, names, 1, c1, 1);
	const struct td_client_auth_facts *a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "client: facts")) {
		ok(a->requested, "client: requested");
		is_int(a->ca_names_parsed, 1, "client: one CA name parsed");
		is_str(a->ca_names, "CN=tlsdiag Client CA,O=tlsdiag Test", "client: CA names RFC 2253");
		ok(a->issuer_listed, "client: issuer listed");
		ok(a->eku_allows_client_auth, "client: EKU allows client auth");
		ok(!a->sent_empty, "client: not empty");
		ok(f->x509->client.seen && f->x509->client.n == 1, "client: chain decoded");
		is_str(f->x509->client.certs[0].cn, "client1.contoso.test", "client: leaf CN");
		ok(f->x509->server.trusted, "client: server side analyzed too");
	}
	td_facts_free(f);

	const struct der *c2[] = { &client_foreign };
	f = run_client(x, names, 1, c2, 1);
	a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "client-foreign: facts")) {
		ok(!a->issuer_listed, "client-foreign: issuer not listed");
		ok(a->eku_allows_client_auth, "client-foreign: EKU allows client auth");
	}
	td_facts_free(f);

	/* two names listed: joined with "; " and the foreign client is now listed */
	const struct der *two[] = { &cca, &fca };
	f = run_client(x, two, 2, c2, 1);
	a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "two CA names: facts")) {
		is_int(a->ca_names_parsed, 2, "two CA names parsed");
		is_str(a->ca_names, "CN=tlsdiag Client CA,O=tlsdiag Test; CN=Foreign Client CA,O=Elsewhere",
		       "two CA names joined");
		ok(a->issuer_listed, "two CA names: client-foreign listed");
	}
	td_facts_free(f);

	/* the client's chain carries its CA: a listed CA inside the chain counts */
	const struct der *c4[] = { &client_foreign, &foreign_ca };
	const struct der *fnames[] = { &fca };
	f = run_client(x, fnames, 1, c4, 2);
	a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "client-foreign + CA: facts"))
		ok(a->issuer_listed && f->x509->client.ordered, "client-foreign + foreign-ca: listed, ordered");
	td_facts_free(f);

	const struct der *c3[] = { &client_noeku };
	f = run_client(x, names, 1, c3, 1);
	a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "client-noeku: facts")) {
		ok(a->issuer_listed, "client-noeku: issuer listed");
		ok(!a->eku_allows_client_auth, "client-noeku: EKU (serverAuth only) refuses client auth");
	}
	td_facts_free(f);

	/* a client certificate that does not parse: nothing is known about its EKU */
	struct der cut = { malloc(client.n / 2), client.n / 2 };
	memcpy(cut.p, client.p, cut.n);
	const struct der *c5[] = { &cut };
	f = run_client(x, names, 1, c5, 1);
	a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "unparsable client certificate: facts")) {
		ok(f->x509->client.n == 1 && f->x509->client.unparsed == 1, "unparsable client certificate: counted");
		ok(!a->issuer_listed, "unparsable client certificate: issuer not listed");
		ok(!a->eku_allows_client_auth, "unparsable client certificate: EKU not claimed to allow client auth");
	}
	td_facts_free(f);
	der_free(&cut);

	f = run_client(x, names, 1, NULL, 0);
	a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "empty client Certificate: facts")) {
		ok(a->sent_empty, "empty client Certificate: sent_empty");
		ok(!a->issuer_listed && !a->eku_allows_client_auth, "empty client Certificate: nothing else");
		ok(!f->x509->client.seen, "empty client Certificate: no client chain");
	}
	td_facts_free(f);

	/* requested, client never answered */
	f = facts_new();
	f->tls->cert_request.seen = true;
	td_x509_analyze(x, f);
	a = f->x509 ? &f->x509->client_auth : NULL;
	if (ok(a != NULL, "CertificateRequest only: facts"))
		ok(a->requested && !a->sent_empty && a->ca_names_parsed == 0 && !f->x509->server.seen,
		   "CertificateRequest only: requested, nothing else");
	td_facts_free(f);

	/* nothing certificate-related: no x509 facts */
	f = facts_new();
	td_x509_analyze(x, f);
	ok(f->x509 == NULL, "no certificates: f->x509 stays NULL");
	td_facts_free(f);

	/* every byte of the CA name flipped: no crash */
	size_t runs = 0;
	for (size_t i = 0; i < cca.n; i++) {
		struct der d = { malloc(cca.n), cca.n };
		memcpy(d.p, cca.p, cca.n);
		d.p[i] ^= 0xff;
		const struct der *nm[] = { &d };
		f = run_client(x, nm, 1, c1, 1);
		td_facts_free(f);
		free(d.p);
		runs++;
	}
	is_int(runs, cca.n, "every byte of a CA name flipped: no crash");
out:
	der_free(&cca);
	der_free(&fca);
	td_x509_free(x);
}

static bool write_file(char *tmpl, const char *text)
{
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return false;
	size_t n = strlen(text);
	bool good = write(fd, text, n) == (ssize_t)n;
	close(fd);
	return good;
}

static void test_options(void)
{
	char list[] = "/tmp/t_x509_list.XXXXXX";
	char err[512];
	struct td_x509_opts o;

	if (!ok(write_file(list, "Acme Inspect|tlsdiag Test Issuing\n"), "temp inspection list written"))
		return;
	memset(&o, 0, sizeof(o));
	o.inspection_list = list;
	struct td_x509_ctx *x = ctx_new(&o);
	const struct der *good[] = { &leaf, &inter };
	struct td_facts *f = run_server(x, good, 2, T2026, "da.contoso.test");
	const struct td_chain_facts *s = server_of(f, "--inspection-list");
	if (s) {
		is_str(s->inspection_product, "Acme Inspect", "--inspection-list: product from the file");
		ok(s->resigned, "--inspection-list: a listed issuer counts as re-signing");
	}
	td_facts_free(f);
	td_x509_free(x);

	/* The file replaces the built-in list: Fortinet is no longer known. */
	X509 *ica = load_cert("inspect-ca");
	struct der icad = to_der(ica);
	X509_free(ica);
	x = ctx_new(&o);
	const struct der *ic[] = { &icad };
	f = run_server(x, ic, 1, T2026, NULL);
	s = server_of(f, "--inspection-list, Fortinet");
	if (s)
		is_str(s->inspection_product, "", "--inspection-list replaces the built-in list");
	td_facts_free(f);
	td_x509_free(x);
	der_free(&icad);

	/* A missing list file */
	memset(&o, 0, sizeof(o));
	o.inspection_list = "/nonexistent/t_x509/inspection.txt";
	err[0] = '\0';
	x = td_x509_new(&o, err, sizeof(err));
	ok(x == NULL, "missing --inspection-list: td_x509_new fails");
	ok(strstr(err, "/nonexistent/t_x509/inspection.txt") != NULL, "missing --inspection-list: error names it (%s)",
	   err);
	td_x509_free(x);

	/* A bad --ca-file: missing, and not PEM */
	memset(&o, 0, sizeof(o));
	o.ca_file = "/nonexistent/t_x509/anchors.pem";
	err[0] = '\0';
	x = td_x509_new(&o, err, sizeof(err));
	ok(x == NULL, "missing --ca-file: td_x509_new fails");
	ok(strstr(err, "/nonexistent/t_x509/anchors.pem") != NULL, "missing --ca-file: error names it (%s)", err);
	td_x509_free(x);
	o.ca_file = list;
	err[0] = '\0';
	x = td_x509_new(&o, err, sizeof(err));
	ok(x == NULL, "--ca-file that is no PEM: td_x509_new fails");
	ok(strstr(err, list) != NULL, "--ca-file that is no PEM: error names it (%s)", err);
	td_x509_free(x);

	/* --dump-certs on something that is not a directory */
	memset(&o, 0, sizeof(o));
	o.dump_dir = list; /* a file, not a directory */
	err[0] = '\0';
	x = td_x509_new(&o, err, sizeof(err));
	ok(x == NULL && strstr(err, list) != NULL, "--dump-certs on a file: fails, naming it (%s)", err);
	td_x509_free(x);
	unlink(list);

	/* --dump-certs */
	char dir[] = "/tmp/t_x509_dump.XXXXXX";
	if (!ok(mkdtemp(dir) != NULL, "temp dump directory"))
		return;
	memset(&o, 0, sizeof(o));
	o.dump_dir = dir;
	x = ctx_new(&o);
	f = run_server(x, good, 2, T2026, "da.contoso.test");
	td_facts_free(f);
	td_x509_free(x);
	const struct der *want[] = { &leaf, &inter };
	for (size_t i = 0; i < 2; i++) {
		char hex[65], colons[96], path[4200];
		fingerprint(want[i], hex, colons);
		snprintf(path, sizeof(path), "%s/%s.pem", dir, hex);
		FILE *fp = fopen(path, "r");
		X509 *back = fp ? PEM_read_X509(fp, NULL, NULL, NULL) : NULL;
		if (fp)
			fclose(fp);
		struct der d = to_der(back);
		ok(back && d.n == want[i]->n && memcmp(d.p, want[i]->p, d.n) == 0,
		   "--dump-certs: %s.pem reads back as the same certificate", hex);
		X509_free(back);
		der_free(&d);
	}
	size_t files = 0;
	DIR *dp = opendir(dir);
	struct dirent *e;
	while (dp && (e = readdir(dp)) != NULL) {
		char path[4200];
		if (e->d_name[0] == '.')
			continue;
		files++;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	is_int(files, 2, "--dump-certs: one file per certificate");
	rmdir(dir);
}

int main(void)
{
	const char *srcdir = getenv("SRCDIR");
	snprintf(pki, sizeof(pki), "%s/tests/pki", srcdir && *srcdir ? srcdir : ".");
	snprintf(root_pem, sizeof(root_pem), "%s/root.pem", pki);
	T2026 = utc(2026, 6, 1);

	size_t loaded = 0;
	for (size_t i = 0; i < NPKI; i++) {
		*pki_files[i].der = load_der(pki_files[i].name);
		loaded += pki_files[i].der->n > 0;
	}
	if (ok(loaded == NPKI, "test PKI loaded from %s (%zu of %zu)", pki, loaded, NPKI)) {
		test_decode();
		test_time();
		test_time_far();
		test_malformed();
		test_names();
		test_trust();
		test_cache();
		test_names_analysis();
		test_interception();
		test_client_auth();
		test_options();
	}
	for (size_t i = 0; i < NPKI; i++)
		der_free(pki_files[i].der);
	return done_testing();
}
