/* Messages to stderr. */
#include <stdarg.h>
#include <stdatomic.h>
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

/* Atomic: the judging thread may call td_fatal while the reading thread
 * clears the hook at the end of the run. */
static void (*_Atomic fatal_hook)(void);

void td_fatal_hook(void (*fn)(void))
{
	atomic_store(&fatal_hook, fn);
}

void td_fatal(const char *fmt, ...)
{
	/* Once: a td_fatal under the hook does not recurse. */
	void (*hook)(void) = atomic_exchange(&fatal_hook, NULL);
	if (hook)
		hook();
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	/* Report output already written stays: stdout was flushed above. */
	exit(2);
}
