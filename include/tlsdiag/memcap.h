/*
 * --max-memory: the heap in use, checked cheaply. Every module that would
 * grow with the input (new connections, payload, packets held for -w) asks
 * before it grows; once the cap is reached it stops taking new work and
 * says so (a cap in the connection's output, a count in the summary).
 */
#ifndef TLSDIAG_MEMCAP_H
#define TLSDIAG_MEMCAP_H

#include <stdbool.h>
#include <stddef.h>

/* The cap in bytes; 0 turns it off. */
void td_memcap_set(size_t bytes);
/* True while the heap in use is at or above the cap. The heap is measured
 * (mallinfo2) on one call in TD_MEMCAP_EVERY, or less often while the
 * headroom is large (memcap.c), and when asked to; else the last answer is
 * given: the measure costs a walk of malloc's bins. */
bool td_memcap_reached(void);
/* The heap in use now, in bytes (0 when malloc cannot tell). */
size_t td_memcap_in_use(void);

#define TD_MEMCAP_EVERY 64

#endif
