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

/* Text built piece by piece in a fixed buffer, left as snprintf leaves
 * it: cut to fit and always terminated (what does not fit is dropped).
 * The reports' lines are made of a few names and numbers each, and a
 * format string parsed per line cost more than the copying. */
struct td_sbuf {
	char *p;
	size_t len;                  /* the buffer's size */
	size_t n;                    /* bytes written, below len when len > 0 */
};
static inline void td_sb_init(struct td_sbuf *b, char *buf, size_t len)
{
	b->p = buf;
	b->len = len;
	b->n = 0;
	if (len)
		buf[0] = '\0';
}
static inline void td_sb_put(struct td_sbuf *b, const char *s, size_t n)
{
	if (b->n + 1 >= b->len)
		return;
	size_t room = b->len - 1 - b->n;
	if (n > room)
		n = room;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}
static inline void td_sb_s(struct td_sbuf *b, const char *s)
{
	td_sb_put(b, s, strlen(s));
}
/* v in decimal, as "%u" / "%llu". */
void td_sb_u(struct td_sbuf *b, uint64_t v);
/* An IPv4 address as inet_ntop writes it ("192.0.2.1"), into buf (at
 * least 16 bytes); the length. */
size_t td_fmt_ipv4(char *buf, const uint8_t a[4]);
/* The decimal digits of v into buf (at least 21 bytes); the length. */
size_t td_fmt_u64(char *buf, uint64_t v);

/* v as printf's "%.*f" with decimals (0 to 6) prints it, into buf[len]
 * (cut to fit and terminated, as snprintf); the length printf would give.
 * Digits are worked out without printf where that is exact (well inside a
 * double's precision and not near a rounding tie), else printf is asked. */
int td_fmt_fixed(char *buf, size_t len, double v, int decimals);

#endif
