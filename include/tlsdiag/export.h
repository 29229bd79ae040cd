/*
 * -w FILE: the packets of chosen connections, written as pcapng so an
 * analyst can open just the failures in Wireshark. A connection's packets
 * are held (copies) from its first packet until its verdict, then written
 * or dropped. pcapng rather than pcap: each packet carries a comment (the
 * connection, its diagnosis, the original frame and file), and inputs of
 * different link types share one file (one interface per input and link
 * type). The writer is ours: libpcap's writes pcap, which can do neither.
 */
#ifndef TLSDIAG_EXPORT_H
#define TLSDIAG_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/attr.h"

/* The snap length every interface declares; longer packets are cut to it. */
#define TD_EXPORT_SNAPLEN 262144u

struct td_export;
struct td_pktlist; /* one connection's held packets (struct td_flow's pkts) */

/* One packet as the capture module hands it over. */
struct td_export_pkt {
	uint64_t frame;       /* frame number in its input */
	double ts;            /* seconds since the epoch */
	uint32_t file_index;  /* which input (an index into the names given to open) */
	int dlt;              /* libpcap's DLT_ value */
	const uint8_t *data;  /* from the link-layer header on */
	size_t caplen, wirelen;
};

/* What every packet comment of a connection says. */
struct td_export_label {
	uint32_t conn;              /* the connection's number, as in the report */
	const char *category;       /* its diagnosis */
	const char *windows_error;  /* "0x80090326", or NULL */
};

struct td_export_stats {
	uint64_t connections;  /* connections written */
	uint64_t packets;      /* packets written */
	size_t held, peak;     /* packets held now / at most */
};

/* Create FILE and write the section header. names[i] names input i (the
 * interface name and the comments use it); the array must outlive the
 * writer. max_held caps the packets held at once, all connections counted.
 * NULL with a one-line reason in err. */
TD_MUST_USE struct td_export *td_export_open(const char *path, const char *const *names, size_t n_names,
					     size_t max_held, char *err, size_t errlen);

/* Hold a copy of one packet at the end of *list (created on first use).
 * False when it was not held because a cap stopped it (max_held packets are
 * held, --max-memory is reached, or no memory is left): the connection's
 * written packets are then incomplete, and it holds no more (what it holds
 * stays a prefix of the connection). After a write error nothing is held
 * any more, silently: nothing more can be written. */
TD_MUST_USE bool td_export_hold(struct td_export *x, struct td_pktlist **list, const struct td_export_pkt *p);

/* Write the held packets of one connection, in the order held, each with
 * its comment. A write error is kept for td_export_close to report. */
void td_export_write(struct td_export *x, const struct td_pktlist *list, const struct td_export_label *label);

/* Free the held packets (written or not) and set *list to NULL. */
void td_export_drop(struct td_export *x, struct td_pktlist **list);

/* How many packets a list holds (0 for NULL). */
size_t td_export_count(const struct td_pktlist *list);

void td_export_stats(const struct td_export *x, struct td_export_stats *st);

/* Close the current file and go on in a new one at path (SIGHUP after a
 * log rotation, -C, -G): a whole pcapng file each. False with a one-line
 * reason in err when either fails; nothing more is written then. */
TD_MUST_USE bool td_export_reopen(struct td_export *x, const char *path, char *err, size_t errlen);
/* Bytes written to the current file so far (-C). */
uint64_t td_export_file_bytes(const struct td_export *x);

/* Flush and close the file, free the writer. False, with a one-line
 * reason in err, when any write (or the close) failed. */
TD_MUST_USE bool td_export_close(struct td_export *x, char *err, size_t errlen);

#endif
