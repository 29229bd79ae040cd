/*
 * JSON Lines: one object per connection ("type":"flow") with the facts
 * nested at the dots of their names, the diagnosis and the findings; one
 * "type":"summary" object last. Schema: doc/json.md.
 */
#include <string.h>
#include <arpa/inet.h>
#include "tlsdiag/report.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/jsonw.h"
#include "tlsdiag/names.h"
#include "tlsdiag/x509.h"

#define MAX_PATH_DEPTH 8

/* Open and close objects so that the writer stands inside the parent of
 * name's last component; open[] holds the components currently open. */
struct nest {
	char open[MAX_PATH_DEPTH][48];
	int depth;
};

static int split(const char *name, char parts[MAX_PATH_DEPTH][48])
{
	int n = 0;
	const char *p = name;
	while (n < MAX_PATH_DEPTH) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (len >= 48)
			len = 47;
		memcpy(parts[n], p, len);
		parts[n][len] = '\0';
		n++;
		if (!dot)
			break;
		p = dot + 1;
	}
	return n;
}

static void nest_to(struct td_jsonw *w, struct nest *s, char parts[MAX_PATH_DEPTH][48], int n)
{
	int keep = 0;
	while (keep < s->depth && keep < n - 1 && strcmp(s->open[keep], parts[keep]) == 0)
		keep++;
	while (s->depth > keep) {
		td_jw_obj_close(w);
		s->depth--;
	}
	while (s->depth < n - 1) {
		td_jw_key(w, parts[s->depth]);
		td_jw_obj_open(w);
		strcpy(s->open[s->depth], parts[s->depth]);
		s->depth++;
	}
	td_jw_key(w, parts[n - 1]);
}

static void kv_str(struct td_jsonw *w, const char *k, const char *v)
{
	if (!v[0])
		return;
	td_jw_key(w, k);
	td_jw_str(w, v);
}

static void kv_bool(struct td_jsonw *w, const char *k, bool v)
{
	td_jw_key(w, k);
	td_jw_bool(w, v);
}

static void cert(struct td_jsonw *w, const struct td_cert_info *c)
{
	char t[32];
	td_jw_obj_open(w);
	kv_bool(w, "parsed", c->parsed);
	kv_str(w, "error", c->error);
	if (c->parsed) {
		kv_str(w, "subject", c->subject);
		kv_str(w, "issuer", c->issuer);
		kv_str(w, "san_dns", c->san_dns);
		kv_str(w, "san_ip", c->san_ip);
		kv_str(w, "serial", c->serial);
		td_iso_time(c->not_before, t, sizeof(t));
		kv_str(w, "not_before", t);
		td_iso_time(c->not_after, t, sizeof(t));
		kv_str(w, "not_after", t);
		td_jw_key(w, "days_left");
		td_jw_double(w, c->days_left, 0);
		kv_bool(w, "expired", c->expired);
		kv_bool(w, "not_yet_valid", c->not_yet_valid);
		kv_str(w, "key_type", c->key_type);
		td_jw_key(w, "key_bits");
		td_jw_u64(w, c->key_bits);
		kv_str(w, "signature_algorithm", c->sig_alg);
		kv_str(w, "sha256", c->sha256);
		kv_bool(w, "self_signed", c->self_signed);
		kv_bool(w, "ca", c->is_ca);
		kv_str(w, "eku", c->eku);
		kv_str(w, "crl_urls", c->crl_urls);
		kv_str(w, "aia_urls", c->aia_urls);
		kv_bool(w, "signed_by_next", c->signed_by_next);
	}
	td_jw_obj_close(w);
}

/* Whole numbers as integers, exactly, negative ones too (days left of an
 * expired certificate, a packet time before 1970); others with 6 decimals.
 * The range comes first: converting a double outside the integer type's
 * range is undefined behaviour. */
static void number(struct td_jsonw *w, double x)
{
	if (x >= 0 && x < 18446744073709551616.0 && x == (double)(uint64_t)x)
		td_jw_u64(w, (uint64_t)x);
	else if (x < 0 && x >= -9223372036854775808.0 && x == (double)(int64_t)x)
		td_jw_i64(w, (int64_t)x);
	else
		td_jw_double(w, x, 6);
}

static void value(struct td_jsonw *w, const struct td_value *v)
{
	char buf[64];
	switch (v->kind) {
	case TD_V_BOOL:
		td_jw_bool(w, v->b);
		break;
	case TD_V_NUM:
		number(w, v->num);
		break;
	case TD_V_STR:
		td_jw_str(w, v->str);
		break;
	case TD_V_LIST:
		td_jw_arr_open(w);
		for (size_t i = 0; i < v->n; i++)
			td_jw_str(w, td_value_item_name(v, i, buf, sizeof(buf)));
		td_jw_arr_close(w);
		break;
	case TD_V_CHAIN: {
		const struct td_chain_facts *c = v->chain;
		td_jw_arr_open(w);
		for (size_t i = 0; i < c->n; i++)
			cert(w, &c->certs[i]);
		td_jw_arr_close(w);
		break;
	}
	}
}

static void alternatives(struct td_jsonw *w, const struct td_diagnosis *d)
{
	td_jw_key(w, "alternatives");
	td_jw_arr_open(w);
	for (size_t i = 0; i < d->n_alternatives; i++) {
		const struct td_alternative *a = &d->alternatives[i];
		td_jw_obj_open(w);
		td_jw_key(w, "category");
		td_jw_str(w, a->category);
		td_jw_key(w, "confidence");
		td_jw_str(w, a->confidence);
		td_jw_key(w, "rule");
		td_jw_str(w, a->rule);
		td_jw_key(w, "summary");
		td_jw_str(w, a->summary);
		td_jw_obj_close(w);
	}
	td_jw_arr_close(w);
}

static void diagnosis(struct td_jsonw *w, const struct td_diagnosis *d)
{
	td_jw_key(w, "diagnosis");
	td_jw_obj_open(w);
	td_jw_key(w, "category");
	td_jw_str(w, d->category);
	td_jw_key(w, "windows_error");
	td_jw_str(w, d->windows_error);
	td_jw_key(w, "confidence");
	td_jw_str(w, d->confidence);
	td_jw_key(w, "evidence_class");
	td_jw_str(w, d->evidence_class);
	td_jw_key(w, "rule");
	td_jw_str(w, d->rule);
	td_jw_key(w, "summary");
	td_jw_str(w, d->summary);
	td_jw_key(w, "evidence");
	td_jw_arr_open(w);
	for (size_t i = 0; i < d->n_evidence; i++) {
		td_jw_obj_open(w);
		td_jw_key(w, "frame");
		td_jw_u64(w, d->evidence[i].frame);
		td_jw_key(w, "detail");
		td_jw_str(w, d->evidence[i].detail);
		td_jw_obj_close(w);
	}
	td_jw_arr_close(w);
	td_jw_key(w, "explanation");
	td_jw_str(w, d->explanation);
	td_jw_key(w, "remedy");
	td_jw_str(w, d->remedy);
	alternatives(w, d);
	td_jw_obj_close(w);
	td_jw_key(w, "findings");
	td_jw_arr_open(w);
	for (size_t i = 0; i < d->n_findings; i++) {
		td_jw_obj_open(w);
		td_jw_key(w, "category");
		td_jw_str(w, d->findings[i].category);
		td_jw_key(w, "rule");
		td_jw_str(w, d->findings[i].rule);
		td_jw_key(w, "summary");
		td_jw_str(w, d->findings[i].summary);
		td_jw_obj_close(w);
	}
	td_jw_arr_close(w);
}

void td_report_json_flow(FILE *out, const struct td_facts *f, const struct td_diagnosis *d)
{
	struct td_jsonw w;
	struct nest s = { .depth = 0 };
	td_jw_init(&w, out);
	td_jw_obj_open(&w);
	td_jw_key(&w, "type");
	td_jw_str(&w, "flow");
	td_jw_key(&w, "id");
	td_jw_u64(&w, f->id);
	td_jw_key(&w, "file");
	td_jw_str(&w, f->file);
	for (size_t i = 0; i < td_facts_count; i++) {
		struct td_value v;
		char parts[MAX_PATH_DEPTH][48];
		if (!td_fact_get(f, &td_facts_table[i], &v))
			continue;
		nest_to(&w, &s, parts, split(td_facts_table[i].name, parts));
		value(&w, &v);
	}
	while (s.depth-- > 0)
		td_jw_obj_close(&w);
	diagnosis(&w, d);
	td_jw_obj_close(&w);
	td_jw_newline(&w);
}

void td_report_json_summary(FILE *out, const struct td_run_summary *s)
{
	struct td_jsonw w;
	td_jw_init(&w, out);
	td_jw_obj_open(&w);
	td_jw_key(&w, "type");
	td_jw_str(&w, "summary");
	td_jw_key(&w, "files"); td_jw_u64(&w, s->files);
	td_jw_key(&w, "files_failed"); td_jw_u64(&w, s->files_failed);
	td_jw_key(&w, "packets"); td_jw_u64(&w, s->packets);
	td_jw_key(&w, "bytes"); td_jw_u64(&w, s->bytes);
	td_jw_key(&w, "connections"); td_jw_u64(&w, s->connections);
	td_jw_key(&w, "connections_not_tracked"); td_jw_u64(&w, s->connections_dropped);
	td_jw_key(&w, "connections_not_tracked_memory"); td_jw_u64(&w, s->connections_dropped_memory);
	td_jw_key(&w, "stray_packets"); td_jw_u64(&w, s->stray_packets);
	td_jw_key(&w, "peak_connections"); td_jw_u64(&w, s->peak_flows);
	td_jw_key(&w, "libnids");
	td_jw_obj_open(&w);
	td_jw_key(&w, "streams"); td_jw_u64(&w, s->nids_streams);
	td_jw_key(&w, "warnings"); td_jw_u64(&w, s->nids_warnings);
	td_jw_key(&w, "evicted"); td_jw_u64(&w, s->nids_evicted);
	td_jw_obj_close(&w);
	td_jw_key(&w, "seconds"); td_jw_double(&w, s->seconds, 3);
	td_jw_key(&w, "categories");
	td_jw_obj_open(&w);
	for (size_t i = 0; i < s->n_categories; i++) {
		td_jw_key(&w, s->categories[i]);
		td_jw_u64(&w, s->category_counts[i]);
	}
	td_jw_obj_close(&w);
	td_jw_key(&w, "caps");
	td_jw_obj_open(&w);
	for (unsigned c = 1; c < TD_CAP_COUNT; c++) {
		if (!s->caps[c])
			continue;
		td_jw_key(&w, td_cap_name((enum td_cap)c));
		td_jw_u64(&w, s->caps[c]);
	}
	td_jw_obj_close(&w);
	if (s->write_file) {
		td_jw_key(&w, "written_connections"); td_jw_u64(&w, s->written_connections);
		td_jw_key(&w, "written_packets"); td_jw_u64(&w, s->written_packets);
		td_jw_key(&w, "write_failed"); td_jw_bool(&w, s->write_failed);
	}
	td_jw_obj_close(&w);
	td_jw_newline(&w);
}

void td_summary_caps(struct td_run_summary *s, uint32_t caps_hit)
{
	for (unsigned c = 1; c < TD_CAP_COUNT; c++)
		if (caps_hit & (1u << c))
			s->caps[c]++;
}

void td_summary_count(struct td_run_summary *s, const char *category)
{
	for (size_t i = 0; i < s->n_categories; i++) {
		if (strcmp(s->categories[i], category) == 0) {
			s->category_counts[i]++;
			return;
		}
	}
	if (s->n_categories < TD_MAX_CATEGORIES) {
		snprintf(s->categories[s->n_categories], sizeof(s->categories[0]), "%s", category);
		s->category_counts[s->n_categories++] = 1;
	}
}
