/* Digests with the algorithms fetched once (include/tlsdiag/digest.h). */
#include <pthread.h>
#include "tlsdiag/digest.h"

static EVP_MD *fetched[TD_MD__COUNT];

static void fetch_all(void)
{
	static const char *const names[TD_MD__COUNT] = { "MD5", "SHA1", "SHA256" };
	for (int k = 0; k < TD_MD__COUNT; k++)
		fetched[k] = EVP_MD_fetch(NULL, names[k], NULL);
}

/* Fetched once for both threads: a second thread must never see the
 * algorithm half set up (the JSON's JA4 went missing that way). */
const EVP_MD *td_md(enum td_md k)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (k >= TD_MD__COUNT)
		return NULL;
	pthread_once(&once, fetch_all);
	return fetched[k];
}

bool td_digest(enum td_md k, const void *p, size_t n, uint8_t *out, unsigned int *len)
{
	const EVP_MD *md = td_md(k);
	return md && EVP_Digest(p, n, out, len, md, NULL) == 1;
}
