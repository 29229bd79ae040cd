/*
 * The verdict on one connection: a category from the vocabulary in
 * doc/rules.md, the Windows error the client most likely showed, a summary,
 * the frames that prove it and the fix. The rule engine (src/rules_*.c)
 * decides it from the facts; src/derive.c computes the facts rules need
 * that are not read off the wire directly.
 */
#ifndef TLSDIAG_DIAGNOSIS_H
#define TLSDIAG_DIAGNOSIS_H

#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/facts.h"

#define TD_MAX_EVIDENCE 8
#define TD_MAX_FINDINGS 8
#define TD_MAX_ALTERNATIVES 4

struct td_evidence {
	uint64_t frame;
	char detail[200];
};

struct td_finding {
	const char *category;
	const char *rule;           /* the rule's id */
	char summary[240];
};

/* Another cause the evidence fits and the capture cannot rule out. */
struct td_alternative {
	const char *category;
	const char *confidence;
	const char *rule;           /* the rule that names it */
	char summary[240];
};

struct td_diagnosis {
	const char *category;       /* "ok", "tcp-timeout", ... */
	const char *windows_error;  /* "0x80090326" or NULL */
	const char *confidence;     /* "high", "medium", "low" */
	const char *rule;           /* the id of the rule that decided, NULL if none */
	const char *evidence_class; /* "decisive", "inferred", "circumstance" */
	char windows_buf[32];
	char summary[320];
	char explanation[600];
	char remedy[600];
	struct td_evidence evidence[TD_MAX_EVIDENCE];
	size_t n_evidence;
	struct td_finding findings[TD_MAX_FINDINGS];
	size_t n_findings;
	struct td_alternative alternatives[TD_MAX_ALTERNATIVES];
	size_t n_alternatives;
};

/* Fill the derived facts (stage, why not reassembled) once the flow is over. */
void td_facts_derive(struct td_facts *f);
/* The handshake's end and what the sizes of encrypted records show (src/derive_end.c). */
void td_derive_end(struct td_facts *f);
bool td_diagnosis_ok(const struct td_diagnosis *d);

/* The error Schannel returns on receiving this alert (Microsoft's table). */
const char *td_windows_error_for_alert(uint8_t description);

#endif
