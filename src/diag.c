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

void td_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	/* Report output already written stays: stdout was flushed above. */
	exit(2);
}
