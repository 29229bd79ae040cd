/*
 * JA4X (FoxIO JA4+ specification, BSD-3): how a certificate was built, not
 * what it says. Three sections joined by "_", each the first 12 hex digits
 * of the SHA-256 of a list of OIDs, every OID as the lowercase hex of its
 * encoded value (2.5.4.3 is "550403") joined by ",": the issuer's RDN
 * attribute types in order, the subject's, the extensions' in order. An
 * empty list is "000000000000", as JA4's empty lists (fingerprint.c).
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include "tlsdiag/x509.h"

static const char hex_digits[] = "0123456789abcdef";

struct oid_list {
	EVP_MD_CTX *md;
	size_t n;
	bool failed;
};

static void add_oid(struct oid_list *l, const ASN1_OBJECT *o)
{
	const unsigned char *p = OBJ_get0_data(o);
	size_t len = OBJ_length(o);
	char hex[2 * 64];
	if (l->n && EVP_DigestUpdate(l->md, ",", 1) != 1)
		l->failed = true;
	l->n++;
	while (len > 0) {
		size_t chunk = len < 64 ? len : 64;
		for (size_t i = 0; i < chunk; i++) {
			hex[2 * i] = hex_digits[p[i] >> 4];
			hex[2 * i + 1] = hex_digits[p[i] & 0xf];
		}
		if (EVP_DigestUpdate(l->md, hex, 2 * chunk) != 1)
			l->failed = true;
		p += chunk;
		len -= chunk;
	}
}

/* The 12 hex digits of a list into out (12 bytes, no NUL). */
static bool finish(struct oid_list *l, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	if (EVP_DigestFinal_ex(l->md, d, &dlen) != 1 || dlen < 6 || l->failed)
		return false;
	if (l->n == 0)
		memset(out, '0', 12);
	else
		for (int i = 0; i < 12; i++)
			out[i] = hex_digits[(i % 2 == 0 ? d[i / 2] >> 4 : d[i / 2]) & 0xf];
	return true;
}

static bool name_section(const X509_NAME *name, EVP_MD_CTX *md, char *out)
{
	struct oid_list l = { .md = md };
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		return false;
	for (int i = 0; i < X509_NAME_entry_count(name); i++)
		add_oid(&l, X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name, i)));
	return finish(&l, out);
}

bool td_ja4x(X509 *x, char ja4x[TD_JA4X_MAX])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = false;
	ja4x[0] = '\0';
	if (!md)
		return false;
	if (!name_section(X509_get_issuer_name(x), md, ja4x) ||
	    !name_section(X509_get_subject_name(x), md, ja4x + 13))
		goto out;
	struct oid_list l = { .md = md };
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	for (int i = 0; i < X509_get_ext_count(x); i++)
		add_oid(&l, X509_EXTENSION_get_object(X509_get_ext(x, i)));
	if (!finish(&l, ja4x + 26))
		goto out;
	ja4x[12] = ja4x[25] = '_';
	ja4x[38] = '\0';
	ok = true;
out:
	if (!ok)
		ja4x[0] = '\0';
	EVP_MD_CTX_free(md);
	return ok;
}
