/* Small string helpers the hot paths use instead of snprintf("%s"), whose
 * format parsing cost more than the copy on every connection. */
#ifndef TLSDIAG_STR_H
#define TLSDIAG_STR_H

#include <stddef.h>
#include <string.h>

/* src into dst[size], cut to fit and always terminated (as snprintf "%s");
 * the length written. */
static inline size_t td_str_copy(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return 0;
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

#endif
