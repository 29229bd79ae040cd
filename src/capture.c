/*
 * libpcap input: files (pcap and pcapng; '-' is stdin) and live interfaces.
 * The link type is checked before the first packet so an unsupported one is
 * one clear error, and a damaged file stops with its reason after every
 * packet before the damage has been handed on.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <pcap/pcap.h>
#include "tlsdiag/capture.h"

static pcap_t *volatile g_live;

static void on_signal(int sig)
{
	(void)sig;
	if (g_live)
		pcap_breakloop(g_live);
}

static bool set_filter(pcap_t *p, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (!expr || !*expr)
		return true;
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "bad filter \"%s\": %s", expr, pcap_geterr(p));
		return false;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(p));
		return false;
	}
	return true;
}

static bool check_link(pcap_t *p, char *err, size_t errlen)
{
	int dlt = pcap_datalink(p);
	if (td_link_supported(dlt))
		return true;
	snprintf(err, errlen, "unsupported link type %s (%d)", td_link_name(dlt), dlt);
	return false;
}

static bool loop(pcap_t *p, const struct td_capture_opts *o, bool nano, char *err, size_t errlen)
{
	int dlt = pcap_datalink(p);
	uint64_t frame = 0;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) >= 0) {
		if (rc == 0)
			continue; /* live timeout */
		double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / (nano ? 1e9 : 1e6);
		o->on_packet(o->arg, dlt, ++frame, ts, data, h->caplen, h->len);
		if (o->max_packets && frame >= o->max_packets)
			return true;
	}
	if (rc == PCAP_ERROR) {
		snprintf(err, errlen, "%s (after frame %llu)", pcap_geterr(p), (unsigned long long)frame);
		return false;
	}
	return true; /* PCAP_ERROR_BREAK: end of file, or interrupted */
}

/* libpcap reads a capture through stdio, a packet header and a packet at a
 * time: with stdio's 4 KiB buffer that is a read(2) every few packets.
 * glibc ignores the size unless it is given the buffer: one for the files
 * (read one at a time, each closed after), one for stdin (never closed: it
 * may be read again, '-' given twice). */
static void big_buffer(FILE *fp)
{
	static char file_buf[1 << 18], stdin_buf[1 << 18];
	static bool stdin_set;
	if (fp != stdin) {
		setvbuf(fp, file_buf, _IOFBF, sizeof(file_buf));
	} else if (!stdin_set) {
		stdin_set = true; /* setvbuf only before the first read */
		setvbuf(fp, stdin_buf, _IOFBF, sizeof(stdin_buf));
	}
}

bool td_capture_file(const char *path, const struct td_capture_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stat st;
	pcap_t *p;
	if (strcmp(path, "-") == 0) {
		big_buffer(stdin);
		p = pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	} else {
		/* Say why in our words: libpcap repeats the path in its own. */
		if (stat(path, &st) != 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			return false;
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "is a directory");
			return false;
		}
		if (st.st_size == 0) {
			snprintf(err, errlen, "empty file, not a capture");
			return false;
		}
		/* Opened here, so that a refusal (permission) is errno's, once. */
		FILE *fp = fopen(path, "rb");
		if (!fp) {
			snprintf(err, errlen, "%s", strerror(errno));
			return false;
		}
		big_buffer(fp);
		p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
		if (!p)
			fclose(fp); /* pcap_close() owns it only once the open succeeded */
	}
	if (!p) {
		/* libpcap's "unknown file format" does not say which formats it knows. */
		if (strcmp(ebuf, "unknown file format") == 0)
			snprintf(err, errlen, "not a pcap or pcapng capture (unknown file format)");
		else
			snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "cannot open");
		return false;
	}
	bool ok = check_link(p, err, errlen) && set_filter(p, o->filter, err, errlen) &&
		  loop(p, o, true, err, errlen);
	pcap_close(p);
	return ok;
}

bool td_capture_live(const char *iface, const struct td_capture_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, ebuf);
	if (!p) {
		snprintf(err, errlen, "%s", ebuf);
		return false;
	}
	pcap_set_snaplen(p, 262144);
	pcap_set_timeout(p, 200);
	pcap_set_immediate_mode(p, 1);
	int rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "%s", rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
		pcap_close(p);
		return false;
	}
	bool ok = check_link(p, err, errlen) && set_filter(p, o->filter, err, errlen);
	if (ok) {
		struct sigaction sa = { .sa_handler = on_signal };
		sigemptyset(&sa.sa_mask);
		g_live = p;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		ok = loop(p, o, false, err, errlen);
		g_live = NULL;
	}
	pcap_close(p);
	return ok;
}
