/*
 * Fuzz target: the whole pipeline from a capture in memory. The input is
 * written to a memfd and td_analyze() reads it as "/proc/self/fd/N", exactly
 * as it reads a file: libpcap (pcap and pcapng), the link layers, the
 * packet decoder, the connection tracker, libnids, the TLS reader, the
 * classifier and both reporters (stdout goes to /dev/null).
 *
 * Every port is analyzed (8080 and 3128 as proxy ports), so every TCP
 * connection of the input is followed; the output format and the handshake
 * cap come from the input's size (bit 0: JSON, bit 1: --max-handshake 1024)
 * so that the pcap itself stays an unmodified capture.
 *
 * libnids: td_analyze() calls nids_init() and nids_exit() once per input,
 * as it does once per run of tlsdiag. That works (nids_exit() frees the
 * stream table, the fragment tables and the packet callbacks, and
 * nids_init() starts from scratch), except for one thing: nids_exit() keeps
 * the list of TCP callbacks and the next nids_init() forgets it without
 * freeing it (init_procs() sets tcp_procs to 0). The node that
 * td_reasm_init() registered is then leaked, 16 bytes per input. Until
 * td_reasm_exit() unregisters its callback (nids_unregister_tcp()), this
 * target frees what is left on libnids' exported list after each run, so
 * LeakSanitizer stays on for everything else.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tlsdiag/analyze.h"
#include "tlsdiag/flow.h"
#include "tlsdiag/options.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libnids' callback list node (its util.h) and list head (exported, libnids.c). */
struct proc_node {
	void (*item)(void);
	struct proc_node *next;
};
extern struct proc_node *tcp_procs;

static int g_fd = -1;
static char g_path[64];
static char *g_files[1];
static struct td_options g_opts_json, g_opts_text;

static void options(struct td_options *o, bool json)
{
	memset(o, 0, sizeof(*o));
	/* The text run: every port analyzed. The JSON run: ports below 1024,
	 * the others found by content (src/conntrack.c by_content()). */
	td_portset_add(o->ports.tls, 1, json ? 1023 : 65535);
	o->ports.by_content = json;
	td_portset_add(o->ports.proxy, 8080, 8080);
	td_portset_add(o->ports.proxy, 3128, 3128);
	o->json = json;
	o->max_connections = 64; /* small: the eviction paths get exercised too */
	o->hs_max = 65536;
	o->max_certs = TD_DEFAULT_MAX_CERTS;
	o->max_bytes = TD_DEFAULT_MAX_BYTES;
	o->max_memory_mib = TD_DEFAULT_MAX_MEMORY_MIB;
	o->max_write_packets = TD_DEFAULT_MAX_WRITE_PACKETS;
	o->files = g_files;
	o->n_files = 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "w", stdout))
		abort();
	g_fd = memfd_create("fuzz-pcap", 0);
	if (g_fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(g_path, sizeof(g_path), "/proc/self/fd/%d", g_fd);
	g_files[0] = g_path;
	options(&g_opts_json, true);
	options(&g_opts_text, false);
	return 0;
}

static int analyze(const uint8_t *data, size_t size)
{
	if (ftruncate(g_fd, 0) != 0)
		abort();
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(g_fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	struct td_options *o = (size & 1) ? &g_opts_json : &g_opts_text;
	o->hs_max = (size & 2) ? 1024 : 65536;
	int rc = td_analyze(o);
	if (rc < 0 || rc > 2)
		abort();
	/* After nids_exit(): what td_reasm_exit() left registered (see above). */
	while (tcp_procs) {
		struct proc_node *next = tcp_procs->next;
		free(tcp_procs);
		tcp_procs = next;
	}
	return rc;
}

/* A capture of no packets must be read (exit status 0): when the options
 * are refused (a new option without its default here), every input would
 * stop at the same check and the target would fuzz nothing, silently. */
static void check_options(void)
{
	static const uint8_t empty_pcap[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
						0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	if (analyze(empty_pcap, sizeof(empty_pcap)) == 2) {
		fprintf(stderr, "fuzz_pcap: td_analyze() refuses an empty capture: check options()\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool checked;
	if (!checked) {
		checked = true;
		check_options();
	}
	(void)analyze(data, size);
	return 0;
}
