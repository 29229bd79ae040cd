/* Reading packets: capture files (pcap, pcapng, '-' for stdin) and live
 * interfaces, through libpcap, with an optional BPF filter. */
#ifndef TLSDIAG_CAPTURE_H
#define TLSDIAG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/packet.h"

/* Called for every packet with its link type; frame numbers are per source. */
typedef void (*td_packet_fn)(void *arg, int dlt, uint64_t frame, double ts, const uint8_t *data,
			     size_t caplen, size_t wirelen);

struct td_capture_opts {
	const char *filter;   /* BPF expression, or NULL */
	uint64_t max_packets; /* 0: no limit */
	td_packet_fn on_packet;
	void *arg;
};

/* Read one file. On failure, returns false with a one-line reason in err
 * (packets read before the damage have been handed over already). */
bool td_capture_file(const char *path, const struct td_capture_opts *o, char *err, size_t errlen);
/* Capture live until interrupted (SIGINT/SIGTERM) or max_packets. */
bool td_capture_live(const char *iface, const struct td_capture_opts *o, char *err, size_t errlen);

#endif
