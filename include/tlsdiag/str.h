/* Small string helpers the hot paths use instead of snprintf("%s"), whose
 * format parsing cost more than the copy on every connection. */
#ifndef TLSDIAG_STR_H
#define TLSDIAG_STR_H

#include <stddef.h>
#include <stdint.h>
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

/* The decimal digits of v into buf (at least 21 bytes); the length. */
size_t td_fmt_u64(char *buf, uint64_t v);

/* v as printf's "%.*f" with decimals (0 to 6) prints it, into buf[len]
 * (cut to fit and terminated, as snprintf); the length printf would give.
 * Digits are worked out without printf where that is exact (well inside a
 * double's precision and not near a rounding tie), else printf is asked. */
int td_fmt_fixed(char *buf, size_t len, double v, int decimals);

#endif
