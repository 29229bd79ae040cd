/* Reporters: text (default) and JSON Lines. They read facts and verdicts only. */
#ifndef TLSDIAG_REPORT_H
#define TLSDIAG_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "tlsdiag/facts.h"
#include "tlsdiag/diagnosis.h"

#define TD_MAX_CATEGORIES 32

struct td_run_summary {
	uint32_t files, files_failed;
	uint64_t packets, bytes;
	uint64_t connections, connections_dropped, stray_packets;
	uint64_t connections_dropped_memory; /* of connections_dropped: --max-memory */
	uint64_t caps[TD_CAP_COUNT];         /* connections that reached each cap */
	const char *write_file;              /* -w FILE, or NULL (then no written_ counts) */
	uint64_t written_connections, written_packets;
	bool write_failed;                   /* -w: a write failed, FILE is incomplete */
	uint64_t nids_warnings, nids_streams, nids_evicted;
	uint64_t nids_by_kind[10];
	size_t peak_flows;
	bool live;                           /* -i: the capture counters below are the device's */
	uint64_t received, dropped, ifdropped; /* pcap_stats: passed the filter, kernel / interface drops */
	uint64_t packets_cut;                /* live: packets longer than the snap length (-s) */
	double seconds;
	char categories[TD_MAX_CATEGORIES][32]; /* copies: rules may be gone by the summary */
	uint64_t category_counts[TD_MAX_CATEGORIES];
	size_t n_categories;
};

void td_summary_count(struct td_run_summary *s, const char *category);
/* Count the caps one connection reached (its caps_hit bits). */
void td_summary_caps(struct td_run_summary *s, uint32_t caps_hit);

void td_report_text_flow(FILE *out, const struct td_facts *f, const struct td_diagnosis *d);
void td_report_text_summary(FILE *out, const struct td_run_summary *s);
void td_report_json_flow(FILE *out, const struct td_facts *f, const struct td_diagnosis *d);
struct td_servers;
/* The summary record; servers (may be NULL) adds the by-server counts. */
void td_report_json_summary(FILE *out, const struct td_run_summary *s, const struct td_servers *servers);

/* src/report_json_cert.c: the "type":"certificate" records of the flow's
 * chains not written before in this run (td_report_json_flow calls it);
 * how many were written; forget them (td_report_json_summary does, last). */
void td_report_json_certs(FILE *out, const struct td_facts *f);
uint64_t td_report_json_certs_written(void);
void td_report_json_certs_reset(void);
struct td_cert_info;
/* The certificate's SHA-256, hex: the decoded one, else the DER's. */
bool td_cert_sha256(const struct td_cert_info *ci, const struct td_blob *der, char out[65]);
struct td_jsonw;
/* key: [the members of list split at sep]; nothing when list is "". */
void td_jw_split(struct td_jsonw *w, const char *k, const char *list, const char *sep);

#endif
