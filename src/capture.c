/*
 * libpcap input: files (pcap and pcapng, plain or gzip/zstd-compressed:
 * src/capture_decomp.c; '-' is stdin) and live interfaces. The link type is
 * checked before the first packet so an unsupported one is one clear error,
 * and a damaged file stops with its reason after every packet before the
 * damage has been handed on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <pcap/pcap.h>
#include "tlsdiag/capture.h"
#include "tlsdiag/capture_decomp.h"
#include "tlsdiag/privdrop.h"

/* Set by the handlers, read between two packets: a handler does nothing
 * else (pcap_breakloop is async-signal-safe: it sets a flag and, live,
 * wakes the poll). */
static pcap_t *volatile g_cur;
static uint64_t g_cur_size; /* the file being read: its size, 0 unknown (stdin) */
static struct td_decomp *g_decomp; /* its decompressor (stdin always has one), or NULL */
static volatile sig_atomic_t g_stop, g_stats_req, g_reopen_req;

static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
	if (g_cur)
		pcap_breakloop(g_cur);
}

static void on_flag(int sig)
{
	if (sig == SIGHUP)
		g_reopen_req = 1;
	else
		g_stats_req = 1; /* SIGUSR1, SIGALRM */
}

void td_capture_signals(unsigned stats_interval)
{
	/* SA_RESTART: a read(2) of stdin interrupted by the timer must go on,
	 * not end the capture as a read error. */
	struct sigaction stop = { .sa_handler = on_stop, .sa_flags = SA_RESTART };
	struct sigaction flag = { .sa_handler = on_flag, .sa_flags = SA_RESTART };
	sigemptyset(&stop.sa_mask);
	sigemptyset(&flag.sa_mask);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGUSR1, &flag, NULL);
	sigaction(SIGHUP, &flag, NULL);
	if (stats_interval) {
		struct itimerval it = { .it_interval = { .tv_sec = stats_interval },
					.it_value = { .tv_sec = stats_interval } };
		sigaction(SIGALRM, &flag, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
	}
}

bool td_capture_position(uint64_t *pos, uint64_t *size, bool *compressed)
{
	pcap_t *p = g_cur;
	FILE *fp = p ? pcap_file(p) : NULL;
	/* A compressed file: how far into the compressed bytes, of its size. */
	off_t at = !fp || !g_cur_size ? -1 : g_decomp ? (off_t)td_decomp_consumed(g_decomp) : ftello(fp);
	if (at < 0)
		return false;
	*pos = (uint64_t)at;
	*size = g_cur_size;
	*compressed = g_decomp != NULL;
	return true;
}

bool td_capture_stopped(void)
{
	return g_stop;
}

static double wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void read_counts(pcap_t *p, struct td_capture_counts *c)
{
	struct pcap_stat ps;
	if (!c || pcap_stats(p, &ps) != 0)
		return;
	c->live = true;
	c->received = ps.ps_recv;
	c->dropped = ps.ps_drop;
	c->ifdropped = ps.ps_ifdrop;
}

/* Between two packets: what the signals asked for, and live, the device's
 * counters. */
static void tick(const struct td_capture_opts *o, pcap_t *p, bool live, unsigned why)
{
	if (g_stats_req) {
		g_stats_req = 0;
		why |= TD_TICK_STATS;
	}
	if (g_reopen_req) {
		g_reopen_req = 0;
		why |= TD_TICK_REOPEN;
	}
	if (live)
		read_counts(p, o->counts);
	if (o->on_tick && why)
		o->on_tick(o->arg, why, wall_now());
}

static bool limit_reached(const struct td_capture_opts *o)
{
	return g_stop || (o->max_packets && o->packets && *o->packets >= o->max_packets);
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
	char known[512];
	td_link_list(known, sizeof(known));
	snprintf(err, errlen, "unsupported link type %s (%d); tlsdiag reads %s", td_link_name(dlt), dlt, known);
	return false;
}

/* Live, the device is non-blocking and the wait is ours: libpcap's own
 * wait neither ends at its timeout in immediate mode nor returns on a
 * signal, and an idle link must still tick (stalled handshakes, --stats,
 * SIGUSR1). A signal ends the poll early (EINTR), which is the point. */
static void wait_packets(pcap_t *p)
{
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(p), .events = POLLIN };
	if (pfd.fd >= 0)
		(void)poll(&pfd, 1, 200);
}

static enum td_capture_end loop(pcap_t *p, const struct td_capture_opts *o, bool live, char *err,
				 size_t errlen)
{
	int dlt = pcap_datalink(p);
	uint64_t frame = 0;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = 0;
	/* One load of two flags per packet: the loop stays cheap. */
	while (!limit_reached(o) && (rc = pcap_next_ex(p, &h, &data)) >= 0) {
		if (g_stats_req | g_reopen_req)
			tick(o, p, live, 0);
		if (rc == 0) {
			wait_packets(p);
			tick(o, p, live, TD_TICK_IDLE); /* live: time passes, packets or not */
			continue;
		}
		double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / (live ? 1e6 : 1e9);
		if (o->packets)
			++*o->packets;
		o->on_packet(o->arg, dlt, ++frame, ts, data, h->caplen, h->len);
	}
	if (live)
		read_counts(p, o->counts);
	if (rc == PCAP_ERROR) {
		/* A cut or damaged compressed stream: its reason, not libpcap's
		 * "Input/output error". */
		const char *why = td_decomp_error(g_decomp);
		snprintf(err, errlen, "%s (after frame %llu)", why ? why : pcap_geterr(p), (unsigned long long)frame);
		return TD_CAPTURE_BROKEN;
	}
	return TD_CAPTURE_DONE; /* PCAP_ERROR_BREAK: end of file, or interrupted */
}

/* Read p to its end (or a stop), reachable by the stop signals meanwhile. */
static enum td_capture_end run(pcap_t *p, const struct td_capture_opts *o, bool live, char *err, size_t errlen)
{
	g_cur = p;
	enum td_capture_end end = loop(p, o, live, err, errlen);
	g_cur = NULL;
	return end;
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

/* stdin: sniffed (a pipe cannot be rewound), then read through a FILE that
 * gives the sniffed bytes back first and decompresses when they say so. */
static FILE *open_stdin(char *err, size_t errlen)
{
	uint8_t head[TD_DECOMP_SNIFF];
	big_buffer(stdin);
	size_t n = fread(head, 1, sizeof(head), stdin);
	return td_decomp_wrap(stdin, false, td_decomp_sniff(head, n), head, n, &g_decomp, err, errlen);
}

/* A regular file, checked first so that the reason is ours: libpcap
 * repeats the path in its own. */
static FILE *open_path(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "is a directory");
		return NULL;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "empty file, not a capture");
		return NULL;
	}
	g_cur_size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	/* Opened here, so that a refusal (permission) is errno's, once. */
	FILE *fp = td_decomp_fopen(path, &g_decomp, err, errlen);
	if (fp)
		big_buffer(fp);
	return fp;
}

/* libpcap's refusal in words that say what was read. */
static void open_error(const char *ebuf, char *err, size_t errlen)
{
	const char *why = td_decomp_error(g_decomp);
	const char *codec = g_decomp ? td_decomp_name(td_decomp_codec(g_decomp)) : NULL;
	if (why)
		snprintf(err, errlen, "%s", why);
	/* libpcap's "unknown file format" does not say which formats it knows. */
	else if (strcmp(ebuf, "unknown file format") == 0)
		snprintf(err, errlen, "%s%snot a pcap or pcapng capture (unknown file format)",
			 codec ? codec : "", codec ? "-compressed, but " : "");
	else
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "cannot open");
}

/* Open a capture file ('-': stdin) with nanosecond timestamps; NULL with
 * the reason in err. */
static pcap_t *open_file(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	g_cur_size = 0;
	g_decomp = NULL;
	FILE *fp = strcmp(path, "-") == 0 ? open_stdin(err, errlen) : open_path(path, err, errlen);
	if (!fp)
		return NULL;
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!p) {
		open_error(ebuf, err, errlen);
		fclose(fp); /* pcap_close() owns it only once the open succeeded; stdin stays open */
		g_decomp = NULL;
	}
	return p;
}

enum td_capture_end td_capture_file(const char *path, const struct td_capture_opts *o, char *err, size_t errlen)
{
	pcap_t *p = open_file(path, err, errlen);
	if (!p)
		return TD_CAPTURE_NO_OPEN;
	enum td_capture_end end = TD_CAPTURE_NO_OPEN;
	if (check_link(p, err, errlen) && set_filter(p, o->filter, err, errlen))
		end = run(p, o, false, err, errlen);
	pcap_close(p);
	g_decomp = NULL; /* freed with the FILE */
	return end;
}

/* pcap_activate's answer in the words an analyst needs: which interface,
 * and what to do about it. */
static void activate_error(pcap_t *p, int rc, const char *iface, char *err, size_t errlen)
{
	const char *detail = rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc);
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
		snprintf(err, errlen, "no such interface \"%s\" (tlsdiag -D lists them)", iface);
	else if (rc == PCAP_ERROR_PERM_DENIED)
		snprintf(err, errlen, "no permission to capture on \"%s\": run as root, or give the program "
			 "the capabilities (setcap cap_net_raw,cap_net_admin=eip): %s", iface, detail);
	else
		snprintf(err, errlen, "cannot capture on \"%s\": %s", iface, detail);
}

static pcap_t *open_live(const char *iface, const struct td_capture_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, ebuf);
	if (!p) {
		snprintf(err, errlen, "cannot capture on \"%s\": %s", iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : TD_CAPTURE_SNAPLEN);
	pcap_set_promisc(p, !o->no_promisc);
	pcap_set_timeout(p, 200);
	pcap_set_immediate_mode(p, 1);
	/* libpcap's 2 MiB ring holds a tenth of a second at 50,000 packets/s:
	 * on a busy machine tlsdiag is not scheduled that often and the kernel
	 * drops (the live soak, doc/performance.md). 32 MiB rides it out. */
	pcap_set_buffer_size(p, TD_CAPTURE_BUFFER);
	int rc = pcap_activate(p);
	if (rc < 0) {
		activate_error(p, rc, iface, err, errlen);
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, ebuf) != 0) {
		snprintf(err, errlen, "cannot capture on \"%s\": %s", iface, ebuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

enum td_capture_end td_capture_live(const char *iface, const struct td_capture_opts *o, char *err, size_t errlen)
{
	pcap_t *p = open_live(iface, o, err, errlen);
	if (!p)
		return TD_CAPTURE_NO_OPEN;
	enum td_capture_end end = TD_CAPTURE_NO_OPEN;
	/* The device is open: root is no longer needed, and no packet has
	 * been parsed yet. */
	if (check_link(p, err, errlen) && set_filter(p, o->filter, err, errlen) &&
	    (!o->drop_user || td_privdrop(o->drop_user, err, errlen)))
		end = run(p, o, true, err, errlen);
	pcap_close(p);
	return end;
}

/* tcpdump -D's flags, in its words. */
static void device_flags(FILE *out, bpf_u_int32 f)
{
	const char *sep = " [";
	static const struct { bpf_u_int32 bit; const char *name; } names[] = {
		{ PCAP_IF_UP, "Up" }, { PCAP_IF_RUNNING, "Running" },
		{ PCAP_IF_WIRELESS, "Wireless" }, { PCAP_IF_LOOPBACK, "Loopback" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (f & names[i].bit) {
			fprintf(out, "%s%s", sep, names[i].name);
			sep = ", ";
		}
	}
	if (strcmp(sep, ", ") == 0)
		fputc(']', out);
}

bool td_capture_list(FILE *out, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all;
	if (pcap_findalldevs(&all, ebuf) != 0) {
		snprintf(err, errlen, "cannot list interfaces: %s", ebuf);
		return false;
	}
	int n = 0;
	for (pcap_if_t *d = all; d; d = d->next) {
		fprintf(out, "%d.%s", ++n, d->name);
		if (d->description)
			fprintf(out, " (%s)", d->description);
		device_flags(out, d->flags);
		fputc('\n', out);
	}
	pcap_freealldevs(all);
	if (n == 0) {
		snprintf(err, errlen, "no interface to capture on (are you root?)");
		return false;
	}
	return true;
}
