/*
 * The ladder of one connection as plain data: one step per arrow (the TCP
 * handshake, every TLS message and alert, RST and FIN, the capture's end
 * when nothing answered), each with a short label, its key detail, the
 * frame, the time since the connection's first frame, and whether it is
 * the decisive step of the diagnosis. Built from facts and the verdict only,
 * so the terminal ladder (src/report_ladder.c) and the HTML page's SVG
 * (src/report_html_svg.c) draw the same picture.
 *
 * Every string here is printable ASCII (bytes from the capture that are not
 * are '?'): a drawer counts one byte as one column, and a terminal gets no
 * escape sequence from a hostile capture.
 */
#ifndef TLSDIAG_REPORT_STEPS_H
#define TLSDIAG_REPORT_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/facts.h"
#include "tlsdiag/diagnosis.h"

enum td_step_kind {
	TD_STEP_SYN, TD_STEP_SYN_ACK, TD_STEP_RST, TD_STEP_FIN,
	TD_STEP_MSG,    /* a TLS message, HTTP, anything else read from the payload */
	TD_STEP_ALERT,
	TD_STEP_DATA,   /* application data: a run of records in one direction */
	TD_STEP_END,    /* the capture ended with the connection open (no direction) */
	TD_STEP_NOTE,   /* the message list reached its cap (no direction) */
};

#define TD_STEP_NODIR 2  /* dir of TD_STEP_END and TD_STEP_NOTE */

struct td_step {
	uint64_t frame;       /* 0 for END and NOTE */
	uint64_t last_frame;  /* DATA: the run's last frame */
	uint32_t records;     /* DATA, encrypted handshake: records in the step */
	uint64_t bytes;       /* DATA: their bytes */
	double t;             /* seconds since the connection's first frame */
	uint8_t dir;          /* enum td_dir, or TD_STEP_NODIR */
	uint8_t kind;         /* enum td_step_kind */
	bool decisive;        /* the step the diagnosis turns on */
	bool evidence;        /* its frame is one the diagnosis cites */
	char label[64];
	char detail[2][128];  /* "" when none */
};

struct td_ladder {
	struct td_step s[TD_MAX_EVENTS + 8];
	size_t n;
	size_t decisive;      /* index of the decisive step, n when none */
	char client[64], server[64]; /* "addr:port" */
};

/* Fill l (large: callers keep it static or on the heap). */
void td_ladder_build(const struct td_facts *f, const struct td_diagnosis *d, struct td_ladder *l);
/* "addr:port", "[v6]:port". */
void td_ladder_endpoint(const struct td_ip *ip, uint16_t port, char *buf, size_t len);

#endif
