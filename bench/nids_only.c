/*
 * The benchmark's floor for reassembly: libnids alone reading the capture,
 * set up as tlsdiag sets it up (no checksum verification, no port-scan
 * detection), collecting both directions of every stream and dropping the
 * data. What tlsdiag spends beyond this is its own work.
 * usage: nids_only FILE [N_TCP_STREAMS]
 */
#include <nids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long streams, bytes;

static void on_tcp(struct tcp_stream *a, void **param)
{
	(void)param;
	if (a->nids_state == NIDS_JUST_EST) {
		a->client.collect++;
		a->server.collect++;
		streams++;
	} else if (a->nids_state == NIDS_DATA) {
		bytes += (unsigned long long)a->client.count_new + (unsigned long long)a->server.count_new;
	}
}

static void on_warning(int type, int err, struct ip *iph, void *data)
{
	(void)type;
	(void)err;
	(void)iph;
	(void)data;
}

int main(int argc, char **argv)
{
	static struct nids_chksum_ctl no_checksums = { .netaddr = 0, .mask = 0, .action = NIDS_DONT_CHKSUM };
	if (argc < 2) {
		fprintf(stderr, "usage: nids_only FILE [N_TCP_STREAMS]\n");
		return 2;
	}
	nids_params.filename = argv[1];
	nids_params.device = NULL;
	nids_params.pcap_filter = NULL;
	nids_params.n_tcp_streams = argc > 2 ? atoi(argv[2]) : 65536;
	nids_params.scan_num_hosts = 0;
	nids_params.syslog = on_warning;
	nids_params.tcp_workarounds = 1;
	nids_params.multiproc = 0;
	nids_register_chksum_ctl(&no_checksums, 1);
	if (!nids_init()) {
		fprintf(stderr, "libnids: %s\n", nids_errbuf);
		return 2;
	}
	void (*fn)(struct tcp_stream *, void **) = on_tcp;
	void *cb;
	memcpy(&cb, &fn, sizeof(cb)); /* POSIX: a function pointer fits a void * */
	nids_register_tcp(cb);
	nids_run();
	nids_exit();
	printf("%llu streams, %llu bytes reassembled\n", streams, bytes);
	return 0;
}
