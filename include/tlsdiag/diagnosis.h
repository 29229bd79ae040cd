/*
 * The verdict on one connection: a category from the vocabulary in
 * DESIGN.md, the Windows error the client most likely showed, a summary,
 * the frames that prove it and the fix. Until the rule engine lands, the
 * classifier (src/classify.c) decides it from the facts in C.
 */
#ifndef TLSDIAG_DIAGNOSIS_H
#define TLSDIAG_DIAGNOSIS_H

#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/facts.h"

#define TD_MAX_EVIDENCE 8
#define TD_MAX_FINDINGS 8

struct td_evidence {
	uint64_t frame;
	char detail[200];
};

struct td_finding {
	const char *category;
	char summary[240];
};

struct td_diagnosis {
	const char *category;       /* "ok", "tcp-timeout", ... */
	const char *windows_error;  /* "0x80090326" or NULL */
	const char *confidence;     /* "high", "medium", "low" */
	char summary[320];
	char remedy[400];
	struct td_evidence evidence[TD_MAX_EVIDENCE];
	size_t n_evidence;
	struct td_finding findings[TD_MAX_FINDINGS];
	size_t n_findings;
};

/* Fill the derived facts (stage, why not reassembled) once the flow is over. */
void td_facts_derive(struct td_facts *f);
void td_classify(const struct td_facts *f, struct td_diagnosis *d);
bool td_diagnosis_ok(const struct td_diagnosis *d);

/* The error Schannel returns on receiving this alert (Microsoft's table). */
const char *td_windows_error_for_alert(uint8_t description);

#endif
