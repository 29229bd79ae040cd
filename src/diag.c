/* Messages to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "tlsdiag/diag.h"

static void vsay(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("tlsdiag: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void td_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

static void (*fatal_hook)(void);

void td_fatal_hook(void (*fn)(void))
{
	fatal_hook = fn;
}

void td_fatal(const char *fmt, ...)
{
	void (*hook)(void) = fatal_hook;
	fatal_hook = NULL; /* once: a td_fatal under the hook does not recurse */
	if (hook)
		hook();
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	/* Report output already written stays: stdout was flushed above. */
	exit(2);
}
