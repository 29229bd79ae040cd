/*
 * Decoding one certificate with OpenSSL into struct td_cert_info. Malformed
 * DER is a fact (parsed = false, error says why), never a crash; every
 * OpenSSL object is freed before returning.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "tlsdiag/x509.h"

/* A name as an RFC 2253 string, bounded. */
static void name_string(const X509_NAME *name, char *out, size_t outlen)
{
	BIO *b = BIO_new(BIO_s_mem());
	out[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
		int n = BIO_read(b, out, (int)outlen - 1);
		out[n > 0 ? n : 0] = '\0';
	}
	BIO_free(b);
}

/* Append s (n bytes) to a comma-separated list, dropping what does not fit. */
static void list_add(char *list, size_t listlen, const char *s, size_t n)
{
	size_t used = strlen(list);
	size_t need = n + (used ? 1 : 0);
	if (used + need >= listlen)
		return;
	if (used)
		list[used++] = ',';
	for (size_t i = 0; i < n; i++) /* names are IA5; keep them printable */
		list[used + i] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != ',') ? s[i] : '?';
	list[used + n] = '\0';
}

static void common_name(X509 *x, char *out, size_t outlen)
{
	X509_NAME *n = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	out[0] = '\0';
	if (i < 0)
		return;
	int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
	if (len > 0) {
		out[0] = '\0';
		list_add(out, outlen, (const char *)utf8, (size_t)len);
	}
	OPENSSL_free(utf8);
}

static void alt_names(X509 *x, struct td_cert_info *ci)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		if (g->type == GEN_DNS) {
			const ASN1_STRING *s = g->d.dNSName;
			list_add(ci->san_dns, sizeof(ci->san_dns), (const char *)ASN1_STRING_get0_data(s),
				 (size_t)ASN1_STRING_length(s));
			ci->n_san_dns++;
		} else if (g->type == GEN_IPADD) {
			const ASN1_OCTET_STRING *s = g->d.iPAddress;
			char buf[64];
			int len = ASN1_STRING_length(s);
			if ((len == 4 || len == 16) &&
			    inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof(buf)))
				list_add(ci->san_ip, sizeof(ci->san_ip), buf, strlen(buf));
			ci->n_san_ip++;
		}
	}
	GENERAL_NAMES_free(names);
}

static void uri_names(const GENERAL_NAMES *names, char *list, size_t listlen)
{
	for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		if (g->type == GEN_URI)
			list_add(list, listlen, (const char *)ASN1_STRING_get0_data(g->d.uniformResourceIdentifier),
				 (size_t)ASN1_STRING_length(g->d.uniformResourceIdentifier));
	}
}

static void urls(X509 *x, struct td_cert_info *ci)
{
	CRL_DIST_POINTS *dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	for (int i = 0; dps && i < sk_DIST_POINT_num(dps); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint && dp->distpoint->type == 0)
			uri_names(dp->distpoint->name.fullname, ci->crl_urls, sizeof(ci->crl_urls));
	}
	CRL_DIST_POINTS_free(dps);
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		const ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		if (ad->location->type == GEN_URI)
			list_add(ci->aia_urls, sizeof(ci->aia_urls),
				 (const char *)ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier),
				 (size_t)ASN1_STRING_length(ad->location->d.uniformResourceIdentifier));
	}
	AUTHORITY_INFO_ACCESS_free(aia);
}

static void key_usage(X509 *x, struct td_cert_info *ci)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	ci->has_eku = eku != NULL;
	for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); i++) {
		int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
		char oid[80];
		const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
		if (!sn) {
			OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, i), 1);
			sn = oid;
		}
		list_add(ci->eku, sizeof(ci->eku), sn, strlen(sn));
		ci->eku_server_auth |= nid == NID_server_auth || nid == NID_anyExtendedKeyUsage;
		ci->eku_client_auth |= nid == NID_client_auth || nid == NID_anyExtendedKeyUsage;
	}
	EXTENDED_KEY_USAGE_free(eku);
}

int64_t td_cert_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static void public_key(X509 *x, struct td_cert_info *ci)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (!k) {
		snprintf(ci->key_type, sizeof(ci->key_type), "unknown");
		return;
	}
	const char *name = EVP_PKEY_get0_type_name(k);
	snprintf(ci->key_type, sizeof(ci->key_type), "%s", name ? name : "unknown");
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC)
		snprintf(ci->key_type, sizeof(ci->key_type), "EC");
	ci->key_bits = (uint16_t)EVP_PKEY_get_bits(k);
}

static void identity(X509 *x, struct td_cert_info *ci)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (X509_digest(x, EVP_sha256(), md, &mdlen) && mdlen == 32)
		for (unsigned i = 0; i < 32; i++)
			snprintf(ci->sha256 + 2 * i, 3, "%02x", md[i]);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	snprintf(ci->serial, sizeof(ci->serial), "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
	const char *sig = OBJ_nid2ln(X509_get_signature_nid(x));
	snprintf(ci->sig_alg, sizeof(ci->sig_alg), "%s", sig ? sig : "unknown");
}

/* Division rounding down: one second past notAfter is day -1, not day 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* a - b, saturated at the int64_t range: a capture time far from the
 * certificate's dates (year 1 against 9999, INT64_MAX) must not overflow. */
static int64_t sub_sat(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

X509 *td_cert_parse(const uint8_t *der, size_t len, struct td_cert_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	const unsigned char *p = der;
	X509 *x = len <= 0x7fffffff ? d2i_X509(NULL, &p, (long)len) : NULL;
	if (!x) {
		snprintf(ci->error, sizeof(ci->error), "the DER does not parse as an X.509 certificate");
		return NULL;
	}
	if ((size_t)(p - der) != len)
		snprintf(ci->error, sizeof(ci->error), "%zu bytes after the certificate", len - (size_t)(p - der));
	ci->parsed = true;
	name_string(X509_get_subject_name(x), ci->subject, sizeof(ci->subject));
	name_string(X509_get_issuer_name(x), ci->issuer, sizeof(ci->issuer));
	common_name(x, ci->cn, sizeof(ci->cn));
	alt_names(x, ci);
	urls(x, ci);
	key_usage(x, ci);
	public_key(x, ci);
	identity(x, ci);
	ci->not_before = td_cert_time(X509_get0_notBefore(x));
	ci->not_after = td_cert_time(X509_get0_notAfter(x));
	ci->self_signed = X509_self_signed(x, 1) == 1;
	ci->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	return x;
}

void td_cert_judge_time(struct td_cert_info *ci, int64_t t)
{
	if (!ci->parsed)
		return;
	/* Judged at the capture's time: the same capture, the same verdict, any year. */
	ci->expired = t > ci->not_after;
	ci->not_yet_valid = t < ci->not_before;
	int64_t left = floor_div(sub_sat(ci->not_after, t), 86400);
	ci->days_left = left < INT32_MIN ? INT32_MIN : left > INT32_MAX ? INT32_MAX : (int32_t)left;
	int64_t age = floor_div(sub_sat(t, ci->not_before), 60);
	ci->minutes_since_issue = age < INT32_MIN ? INT32_MIN : age > INT32_MAX ? INT32_MAX : (int32_t)age;
}

void td_cert_decode(const uint8_t *der, size_t len, int64_t t, struct td_cert_info *ci)
{
	X509 *x = td_cert_parse(der, len, ci);
	td_cert_judge_time(ci, t);
	X509_free(x);
}

bool td_cert_name_matches_x509(X509 *x, const char *name, char *matched, size_t matchedlen)
{
	char *peer = NULL;
	bool ok = false;
	unsigned char ip[16];
	if (!x)
		return false;
	if (inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1) {
		ok = X509_check_ip_asc(x, name, 0) == 1;
		if (ok && matched)
			snprintf(matched, matchedlen, "%s", name);
	} else {
		/* RFC 6125: DNS SANs first, the CN only when there are none; a
		 * wildcard covers exactly one whole left-most label. */
		ok = X509_check_host(x, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, &peer) == 1;
		if (ok && matched)
			snprintf(matched, matchedlen, "%s", peer ? peer : name);
	}
	OPENSSL_free(peer);
	return ok;
}

bool td_cert_name_matches(const uint8_t *der, size_t len, const char *name, char *matched,
			  size_t matchedlen)
{
	const unsigned char *p = der;
	X509 *x = len <= 0x7fffffff ? d2i_X509(NULL, &p, (long)len) : NULL;
	bool ok = td_cert_name_matches_x509(x, name, matched, matchedlen);
	X509_free(x);
	return ok;
}
