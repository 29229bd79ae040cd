/* --max-memory: the heap in use against the cap (include/tlsdiag/memcap.h). */
#include <malloc.h>
#include "tlsdiag/memcap.h"

static size_t g_cap;
static size_t g_until_check; /* calls before the heap is measured again */
static bool g_reached;

void td_memcap_set(size_t bytes)
{
	g_cap = bytes;
	g_until_check = 0;
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
	if (g_until_check > 0) {
		g_until_check--;
		return g_reached;
	}
	size_t used = td_memcap_in_use();
	g_reached = used >= g_cap;
	/* A call grows the heap by one packet's payload or one connection at
	 * most (under 64 KiB): far below the cap, the next measure can wait
	 * until that much growth could have used the headroom. */
	size_t far = g_reached ? 0 : (g_cap - used) >> 16;
	g_until_check = far > TD_MEMCAP_EVERY ? far : TD_MEMCAP_EVERY;
	return g_reached;
}
