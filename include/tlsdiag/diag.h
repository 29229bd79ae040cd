/* Messages to stderr for the user: never used for report output. */
#ifndef TLSDIAG_DIAG_H
#define TLSDIAG_DIAG_H

#include "tlsdiag/attr.h"

/* "tlsdiag: <message>" on stderr. */
TD_PRINTF(1, 2) void td_error(const char *fmt, ...);
/* The one way out besides main's return: for libnids' no_mem, which must
 * not return. Prints the message and exits with status 2. */
TD_PRINTF(1, 2) TD_NORETURN void td_fatal(const char *fmt, ...);
/* Run once by td_fatal before its message (NULL: none): the judging
 * thread's owner lets what it queued be reported, and stops it writing,
 * before stdout is flushed and the process exits under it. */
void td_fatal_hook(void (*fn)(void));

#endif
