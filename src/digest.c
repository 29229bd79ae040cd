/* Digests with the algorithms fetched once (include/tlsdiag/digest.h). */
#include "tlsdiag/digest.h"

const EVP_MD *td_md(enum td_md k)
{
	static const char *const names[TD_MD__COUNT] = { "MD5", "SHA1", "SHA256" };
	static EVP_MD *md[TD_MD__COUNT];
	static bool tried[TD_MD__COUNT];
	if (k >= TD_MD__COUNT)
		return NULL;
	if (!tried[k]) {
		tried[k] = true;
		md[k] = EVP_MD_fetch(NULL, names[k], NULL);
	}
	return md[k];
}

bool td_digest(enum td_md k, const void *p, size_t n, uint8_t *out, unsigned int *len)
{
	const EVP_MD *md = td_md(k);
	return md && EVP_Digest(p, n, out, len, md, NULL) == 1;
}
