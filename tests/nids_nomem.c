/* LD_PRELOAD for tests/jobs.sh: from the Nth allocation libnids makes
 * (NIDS_NOMEM_AT=N) on, every one fails, as when memory runs out;
 * allocations by anything else are left alone. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);

static long fail_at = -1, count;

static int from_libnids(void *caller)
{
	Dl_info info;
	return dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libnids");
}

void *malloc(size_t n)
{
	if (fail_at < 0) {
		const char *e = getenv("NIDS_NOMEM_AT");
		fail_at = e ? atol(e) : 0;
	}
	if (fail_at > 0 && from_libnids(__builtin_return_address(0)) && ++count >= fail_at)
		return NULL;
	return __libc_malloc(n);
}
