/*
 * Shared by the fuzz targets: run every reader of a connection's facts the
 * way the pipeline does at the end of a flow (src/analyze.c, on_finish():
 * derive, certificates, the verdict, the fact table, both reporters), so the
 * certificate decoding, the rule engine (the built-in rules) and the
 * reporting paths see fuzzed facts too.
 */
#ifndef TLSDIAG_FUZZ_COMMON_H
#define TLSDIAG_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/facts.h"
#include "tlsdiag/report.h"
#include "tlsdiag/rules.h"
#include "tlsdiag/x509.h"

static FILE *fuzz_devnull(void)
{
	static FILE *null;
	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	return null;
}

/* Made once per process, like once per run of tlsdiag: no anchors, the
 * built-in inspection list (and rules). */
static struct td_x509_ctx *fuzz_x509(void)
{
	static struct td_x509_ctx *x;
	if (!x) {
		struct td_x509_opts o;
		char err[256];
		memset(&o, 0, sizeof(o));
		o.fresh_minutes = 10;
		if (!(x = td_x509_new(&o, err, sizeof(err)))) {
			fprintf(stderr, "td_x509_new: %s\n", err);
			abort();
		}
	}
	return x;
}

static void fuzz_verdict(const struct td_facts *f, struct td_diagnosis *d, FILE *explain)
{
	static struct td_ruleset *rs;
	if (!rs) {
		char err[256];
		if (!(rs = td_rules_new()) || !td_rules_load_default(rs, err, sizeof(err))) {
			fprintf(stderr, "td_rules_load_default: %s\n", err);
			abort();
		}
	}
	td_rules_eval(rs, f, d, explain);
}

/* Every row of the fact table, every element of every list value. */
static void fuzz_read_facts(const struct td_facts *f)
{
	for (size_t i = 0; i < td_facts_count; i++) {
		struct td_value v;
		char buf[64];
		if (!td_fact_get(f, &td_facts_table[i], &v))
			continue;
		switch (v.kind) {
		case TD_V_STR:
			if (!v.str || strlen(v.str) > 4096)
				abort();
			break;
		case TD_V_LIST:
			for (size_t k = 0; k < v.n; k++)
				if (!td_value_item_name(&v, k, buf, sizeof(buf)))
					abort();
			break;
		default:
			break;
		}
	}
}

/* The end of a flow, as on_finish() does it; json/text NULL: /dev/null.
 * Without an output of its own, --explain's text goes to /dev/null too. */
static void fuzz_finish(struct td_facts *f, FILE *json, FILE *text)
{
	struct td_diagnosis d;
	td_facts_derive(f);
	td_x509_analyze(fuzz_x509(), f);
	memset(&d, 0xa5, sizeof(d)); /* garbage: the verdict must set everything */
	fuzz_verdict(f, &d, json ? NULL : fuzz_devnull());
	if (!d.category || !d.confidence)
		abort();
	(void)td_diagnosis_ok(&d);
	fuzz_read_facts(f);
	td_report_json_flow(json ? json : fuzz_devnull(), f, &d);
	td_report_text_flow(text ? text : fuzz_devnull(), f, &d);
}

#endif
