/*
 * Counting the SYNs of the inputs before the analysis, to size libnids'
 * stream table (include/tlsdiag/presize.h). Only an upper bound is needed,
 * so anything that is not plainly "no SYN here" counts as one.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "tlsdiag/capture_decomp.h"
#include "tlsdiag/packet.h"
#include "tlsdiag/presize.h"

/* IPv6 and the tunnels (6in4, IP in IP, UDP, GRE): the decoder finds the
 * TCP header (the translation for libnids makes each a stream of its own). */
static bool may_open_stream_other(const uint8_t *ip, size_t len)
{
	struct td_pkt p = { 0 };
	enum td_err e = td_pkt_decode(&p, ip, len);
	if (e != TD_E_OK)
		return false; /* not TCP, or a later fragment: the first one was counted */
	if (p.fragment || p.cut)
		return true;
	return (p.flags & 0x02) && !(p.flags & 0x10) && !(p.flags & 0x04);
}

/* Could this IP packet make libnids open a stream? */
static bool may_open_stream(const uint8_t *ip, size_t len)
{
	if (len >= 20 && (ip[0] >> 4 == 6 || (ip[0] >> 4 == 4 && (ip[9] == 41 || ip[9] == 17 || ip[9] == 47 || ip[9] == 4))))
		return may_open_stream_other(ip, len);
	if (len < 20 || ip[0] >> 4 != 4 || ip[9] != 6)
		return false; /* not TCP */
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	unsigned frag = (unsigned)(ip[6] & 0x1f) << 8 | ip[7];
	bool more = (ip[6] & 0x20) != 0;
	if (frag != 0)
		return false; /* a later fragment: the first one was counted */
	if (more || len < ihl + 14)
		return true; /* reassembled later, or cut short: may hold a SYN */
	uint8_t flags = ip[ihl + 13];
	return (flags & 0x02) && !(flags & 0x10) && !(flags & 0x04);
}

/* SYNs in one file, counting stops at stop; stop when it cannot be read. */
static size_t count_file(const char *path, size_t stop)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	static char buf[1 << 18]; /* as in capture.c: few read(2)s */
	size_t n = 0;
	char err[256];
	struct td_decomp *d;
	FILE *fp = td_decomp_fopen(path, &d, err, sizeof(err)); /* gzip, zstd: read through */
	if (!fp)
		return stop; /* the analysis says why; the table is sized safe */
	setvbuf(fp, buf, _IOFBF, sizeof(buf));
	pcap_t *p = pcap_fopen_offline(fp, ebuf);
	if (!p) {
		fclose(fp);
		return stop;
	}
	int dlt = pcap_datalink(p), rc;
	while (n < stop && (rc = pcap_next_ex(p, &h, &data)) == 1) {
		const uint8_t *ip;
		size_t iplen;
		if (td_link_decode(dlt, data, h->caplen, &ip, &iplen) == TD_E_OK && may_open_stream(ip, iplen))
			n++;
	}
	if (n < stop && rc != PCAP_ERROR_BREAK)
		n = stop; /* a damaged file: what follows the damage is unknown */
	pcap_close(p);
	return n;
}

size_t td_presize_streams(const char *const *files, int n_files, size_t max)
{
	long long total = 0;
	struct stat st;
	for (int i = 0; i < n_files; i++) {
		if (strcmp(files[i], "-") == 0 || stat(files[i], &st) != 0 || !S_ISREG(st.st_mode))
			return max;
		total += st.st_size;
	}
	if (n_files <= 0 || total > TD_PRESIZE_MAX_BYTES)
		return max;
	size_t n = 0;
	for (int i = 0; i < n_files && n < max; i++)
		n += count_file(files[i], max - n);
	n = n < max ? n : max;
	return n < 16 ? 16 : n;
}
