/* Reading packets: capture files (pcap, pcapng, '-' for stdin) and live
 * interfaces, through libpcap, with an optional BPF filter. Signals are
 * handled here too: they only set flags, read between two packets. */
#ifndef TLSDIAG_CAPTURE_H
#define TLSDIAG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/packet.h"

#define TD_CAPTURE_SNAPLEN 262144 /* live: bytes kept per packet unless -s */
#define TD_CAPTURE_BUFFER (32 << 20) /* live: the kernel's ring for the device, bytes */

/* Called for every packet with its link type; frame numbers are per source. */
typedef void (*td_packet_fn)(void *arg, int dlt, uint64_t frame, double ts, const uint8_t *data,
			     size_t caplen, size_t wirelen);

/* Why a tick comes (bits). */
enum {
	TD_TICK_STATS = 1,  /* the --stats interval passed, or SIGUSR1 asked */
	TD_TICK_IDLE = 2,   /* live: no packet for a while; "now" is the wall clock */
	TD_TICK_REOPEN = 4, /* SIGHUP: reopen the output files */
};
/* Called between packets; now is the wall clock (seconds since the epoch). */
typedef void (*td_tick_fn)(void *arg, unsigned why, double now);

/* The live device's counters (pcap_stats), kept up to date at every tick
 * and at the end of the capture. */
struct td_capture_counts {
	bool live;           /* counters come from a device */
	uint64_t received;   /* packets the kernel passed the filter */
	uint64_t dropped;    /* dropped by the kernel: the buffer was full */
	uint64_t ifdropped;  /* dropped by the interface or its driver */
};

struct td_capture_opts {
	const char *filter;          /* BPF expression, or NULL */
	uint64_t max_packets;        /* 0: no limit; counted across all inputs */
	uint64_t *packets;           /* packets handed over so far (the caller's counter) */
	int snaplen;                 /* live: bytes kept per packet */
	bool no_promisc;             /* live: leave the interface's promiscuous mode alone */
	const char *drop_user;       /* -Z: become this user once the device is open */
	unsigned stats_interval;     /* seconds between TD_TICK_STATS ticks, 0: none */
	struct td_capture_counts *counts; /* live: filled in, or NULL */
	td_packet_fn on_packet;
	td_tick_fn on_tick;          /* or NULL */
	void *arg;
};

/* How a read ended. */
enum td_capture_end {
	TD_CAPTURE_DONE,     /* end of input, -c reached, or a signal stopped it */
	TD_CAPTURE_NO_OPEN,  /* nothing read: the input or the device could not be opened */
	TD_CAPTURE_BROKEN,   /* an error partway (packets before it were handed over) */
};

/* Read one file. On failure, a one-line reason in err. */
enum td_capture_end td_capture_file(const char *path, const struct td_capture_opts *o, char *err, size_t errlen);
/* Capture live until SIGINT/SIGTERM or max_packets; with drop_user, that
 * user's rights are taken after the device is opened, before any packet. */
enum td_capture_end td_capture_live(const char *iface, const struct td_capture_opts *o, char *err, size_t errlen);
/* SIGINT/SIGTERM, SIGUSR1, SIGHUP and the --stats timer: from now on they
 * set flags (SIGINT/SIGTERM stop the read in progress and every later one). */
void td_capture_signals(unsigned stats_interval);
/* The file being read: bytes read so far and its size (for a compressed
 * file, its compressed bytes: *compressed says so); false when not known
 * (stdin, a pipe, live). */
bool td_capture_position(uint64_t *pos, uint64_t *size, bool *compressed);
/* Did SIGINT/SIGTERM ask to stop? */
bool td_capture_stopped(void);
/* -D: the devices libpcap can open, one a line, as tcpdump lists them. */
TD_MUST_USE bool td_capture_list(FILE *out, char *err, size_t errlen);

#endif
