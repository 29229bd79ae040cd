/* -Z USER: give up root once the capture device is open, as tcpdump does,
 * so that no packet is ever parsed with root's rights. */
#ifndef TLSDIAG_PRIVDROP_H
#define TLSDIAG_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include "tlsdiag/attr.h"

/* Become USER (a name or a numeric uid): its supplementary groups, its
 * primary group, then its uid, and check that root cannot be regained.
 * False with a one-line reason in err when any step fails: the caller must
 * not go on. */
TD_MUST_USE bool td_privdrop(const char *user, char *err, size_t errlen);

#endif
