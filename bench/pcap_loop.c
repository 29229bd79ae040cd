/*
 * The benchmark's ceiling: a bare pcap_next_ex loop over the capture, doing
 * nothing with the packets. No analyzer reading the same file through
 * libpcap can be faster; tlsdiag's time is reported as a ratio of this.
 * usage: pcap_loop FILE ('-' reads stdin)
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long packets = 0, bytes = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: pcap_loop FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], ebuf);
	if (!p) {
		fprintf(stderr, "%s\n", ebuf);
		return 2;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		packets++;
		bytes += h->caplen;
	}
	pcap_close(p);
	printf("%llu packets, %llu bytes\n", packets, bytes);
	return 0;
}
