/* --max-memory: the heap in use against the cap (include/tlsdiag/memcap.h). */
#include <malloc.h>
#include "tlsdiag/memcap.h"

static size_t g_cap;
static unsigned g_calls;
static bool g_reached;

void td_memcap_set(size_t bytes)
{
	g_cap = bytes;
	g_calls = 0;
	g_reached = false;
}

size_t td_memcap_in_use(void)
{
	/* Small blocks from the arenas plus the large ones malloc mmap()ed:
	 * libnids, libpcap and OpenSSL allocate from the same heap. Under
	 * AddressSanitizer this is glibc's (nearly empty) heap, so the cap is
	 * not enforced there. */
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

bool td_memcap_reached(void)
{
	if (!g_cap)
		return false;
	if (g_calls++ % TD_MEMCAP_EVERY == 0)
		g_reached = td_memcap_in_use() >= g_cap;
	return g_reached;
}
