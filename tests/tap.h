/* A small TAP producer for unit tests: plan, ok, is_int, is_str, diag. */
#ifndef TLSDIAG_TAP_H
#define TLSDIAG_TAP_H

#include <stdio.h>
#include <string.h>
#include <stdarg.h>

static int tap_n, tap_failed;

static inline void tap_vdiag(const char *fmt, va_list ap)
{
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
}

__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

#define is_int(got, want, ...)                                                            \
	do {                                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);                   \
		if (!ok(g_ == w_, __VA_ARGS__))                                            \
			diag("  got %lld, want %lld (%s:%d)", g_, w_, __FILE__, __LINE__); \
	} while (0)

#define is_str(got, want, ...)                                                              \
	do {                                                                                 \
		const char *g_ = (got), *w_ = (want);                                        \
		int same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                     \
		if (!ok(same_, __VA_ARGS__))                                                 \
			diag("  got \"%s\", want \"%s\" (%s:%d)", g_ ? g_ : "(null)",        \
			     w_ ? w_ : "(null)", __FILE__, __LINE__);                        \
	} while (0)

/* Print the plan at the end (TAP allows a trailing plan) and return the exit status. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
