/*
 * Evaluating rules over one connection's facts. A comparison with a fact
 * that is absent is false (so `not FACT == x` is true); the facts a
 * condition read and found true give the verdict its evidence frames.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules_ast.h"
#include "tlsdiag/str.h"

#define MAX_READ 32

/* What one evaluation read, for the evidence and for --explain. */
struct eval_ctx {
	const struct td_facts *f;
	FILE *explain;
	const struct td_fact_desc *read[MAX_READ];
	size_t n_read;
	bool negated;      /* the test being evaluated sits right under a 'not' */
};

/* Fact values of the connection being decided, each read once: the rules
 * test the same few dozen facts again and again. A slot is current when its
 * generation is the evaluation's; the values point into their slot. */
struct memo_slot {
	uint32_t gen;
	bool present;
	struct td_value v;
};

static struct memo_slot *memo;
static uint32_t memo_gen;

static void memo_next(void)
{
	if (!memo)
		memo = calloc(td_facts_count, sizeof(*memo)); /* kept for the run */
	if (memo && ++memo_gen == 0) { /* wrapped: every slot made stale again */
		memset(memo, 0, td_facts_count * sizeof(*memo));
		memo_gen = 1;
	}
}

/* The fact's value (NULL when absent), through the memo when there is one. */
static const struct td_value *fact_value(const struct td_facts *f, const struct td_fact_desc *d,
					 struct td_value *scratch)
{
	size_t i = (size_t)(d - td_facts_table);
	if (!memo || i >= td_facts_count)
		return td_fact_get(f, d, scratch) ? scratch : NULL;
	struct memo_slot *m = &memo[i];
	if (m->gen != memo_gen) {
		m->present = td_fact_get(f, d, &m->v);
		m->gen = memo_gen;
	}
	return m->present ? &m->v : NULL;
}

static const char *const diagnosis_categories[] = {
	"ok", "incomplete", "tcp-timeout", "tcp-refused", "tcp-reset", "non-tls-responder",
	"proxy-connect-failed", "null-cipher-rejected", "client-cert-missing", "client-cert-untrusted-ca",
	"tls-inspection", "wrong-backend", "cert-expired", "cert-not-yet-valid", "cert-name-mismatch",
	"cert-untrusted", "protocol-version", "handshake-failed", "starttls-refused", NULL,
};
static const char *const finding_categories[] = {
	"no-preauth", "weak-protocol", "weak-dh", "null-cipher", "self-signed", "ecdsa-cert",
	"sstp-colocated", "cert-expired", "cert-not-yet-valid", "cert-name-mismatch", "cert-untrusted", NULL,
};

bool td_category_known(const char *category, bool finding)
{
	for (const char *const *c = finding ? finding_categories : diagnosis_categories; *c; c++)
		if (strcmp(*c, category) == 0)
			return true;
	return false;
}

/* Whole numbers as integers (negative ones too), others with 6 decimals.
 * The range comes first: converting a double outside the integer type's
 * range (a pcapng time of 2^63 s) is undefined behaviour. */
static void number_text(double x, char *buf, size_t len)
{
	if (x >= 0 && x < 18446744073709551616.0 && x == (double)(uint64_t)x)
		snprintf(buf, len, "%llu", (unsigned long long)(uint64_t)x);
	else if (x < 0 && x >= -9223372036854775808.0 && x == (double)(int64_t)x)
		snprintf(buf, len, "%lld", (long long)(int64_t)x);
	else
		snprintf(buf, len, "%.6f", x);
}

/* A value as text: for interpolation, evidence and --explain. */
static void value_text(const struct td_value *v, char *buf, size_t len)
{
	char item[64];
	switch (v->kind) {
	case TD_V_BOOL:
		snprintf(buf, len, "%s", v->b ? "true" : "false");
		return;
	case TD_V_NUM:
		number_text(v->num, buf, len);
		return;
	case TD_V_STR:
		td_str_copy(buf, len, v->str);
		return;
	case TD_V_LIST:
		buf[0] = '\0';
		for (size_t i = 0; i < v->n; i++) {
			size_t used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 td_value_item_name(v, i, item, sizeof(item)));
		}
		return;
	case TD_V_CHAIN:
		snprintf(buf, len, "(certificates)");
		return;
	}
}

static bool has_number(const struct td_value *v, double *num)
{
	if (v->kind == TD_V_NUM || v->kind == TD_V_BOOL || v->has_num) {
		*num = v->kind == TD_V_BOOL ? (v->b ? 1 : 0) : v->num;
		return true;
	}
	return false;
}

/* A literal (or a fact used as one) as a value; NULL when the fact is absent. */
static const struct td_value *lit_value(const struct eval_ctx *c, const struct lit *l, struct td_value *scratch)
{
	if (l->kind == LIT_FACT)
		return fact_value(c->f, l->fact, scratch);
	if (l->kind == LIT_STR && !l->str)
		return NULL; /* out of memory when parsed */
	return &l->val;
}

static bool equal(const struct td_value *a, const struct td_value *b)
{
	double x, y;
	if (a->kind == TD_V_STR && b->kind == TD_V_STR)
		return strcmp(a->str, b->str) == 0;
	if (a->kind == TD_V_BOOL && b->kind == TD_V_BOOL)
		return a->b == b->b;
	if (a->kind != TD_V_LIST && b->kind != TD_V_LIST && has_number(a, &x) && has_number(b, &y))
		return x == y;
	return false;
}

static bool list_has(const struct td_value *list, const struct td_value *want)
{
	char buf[64];
	for (size_t i = 0; i < list->n; i++) {
		if (want->kind == TD_V_STR && strcmp(td_value_item_name(list, i, buf, sizeof(buf)), want->str) == 0)
			return true;
		if (want->kind == TD_V_NUM && !list->bits && (double)td_value_item(list, i) == want->num)
			return true;
	}
	return false;
}

static bool order(const struct td_value *a, const struct td_value *b, enum cmp_op op)
{
	double x, y;
	if (!has_number(a, &x) || !has_number(b, &y))
		return false;
	switch (op) {
	case OP_LT: return x < y;
	case OP_LE: return x <= y;
	case OP_GT: return x > y;
	default: return x >= y;
	}
}

static bool matches(const struct node *n, const struct td_value *v)
{
	char buf[1024];
	if (v->kind == TD_V_LIST) {
		for (size_t i = 0; i < v->n; i++)
			if (regexec(&n->re, td_value_item_name(v, i, buf, sizeof(buf)), 0, NULL, 0) == 0)
				return true;
		return false;
	}
	value_text(v, buf, sizeof(buf));
	return regexec(&n->re, buf, 0, NULL, 0) == 0;
}

static bool compare(const struct eval_ctx *c, const struct node *n, const struct td_value *v)
{
	struct td_value scratch;
	const struct td_value *w;
	switch (n->op) {
	case OP_EQ:
	case OP_NE:
		if (!(w = lit_value(c, &n->lits[0], &scratch)))
			return false;
		return equal(v, w) == (n->op == OP_EQ);
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		return (w = lit_value(c, &n->lits[0], &scratch)) && order(v, w, n->op);
	case OP_IN:
		for (size_t i = 0; i < n->n_lits; i++)
			if ((w = lit_value(c, &n->lits[i], &scratch)) && equal(v, w))
				return true;
		return false;
	case OP_CONTAINS:
		if (!(w = lit_value(c, &n->lits[0], &scratch)))
			return false;
		if (v->kind == TD_V_LIST)
			return list_has(v, w);
		return v->kind == TD_V_STR && w->kind == TD_V_STR && strstr(v->str, w->str) != NULL;
	case OP_MATCHES:
		return n->re_ok && matches(n, v);
	}
	return false;
}

static bool truthy(const struct td_value *v)
{
	switch (v->kind) {
	case TD_V_BOOL: return v->b;
	case TD_V_NUM: return v->num != 0;
	case TD_V_STR: return v->str[0] != '\0';
	case TD_V_LIST: return v->n > 0;
	default: return true;
	}
}

static void note_read(struct eval_ctx *c, const struct td_fact_desc *d)
{
	for (size_t i = 0; i < c->n_read; i++)
		if (c->read[i] == d)
			return;
	if (c->n_read < MAX_READ)
		c->read[c->n_read++] = d;
}

/* A leaf of the condition: one fact tested. */
static bool eval_test(struct eval_ctx *c, const struct node *n)
{
	struct td_value scratch;
	const struct td_value *v = fact_value(c->f, n->fact, &scratch);
	bool present = v != NULL;
	bool r;
	if (n->kind == N_EXISTS)
		r = present;
	else if (!present)
		r = false;
	else if (n->kind == N_TRUTH)
		r = truthy(v);
	else
		r = compare(c, n, v);
	if (r)
		note_read(c, n->fact);
	if (c->explain) {
		char text[160] = "(absent)";
		if (present)
			value_text(v, text, sizeof(text));
		fprintf(c->explain, "      %s%-*s %s is %s -> %s\n", c->negated ? "not " : "",
			c->negated ? 56 : 60, n->text, n->fact->name, text, (r != c->negated) ? "true" : "false");
	}
	c->negated = false;
	return r;
}

static bool eval(struct eval_ctx *c, const struct node *n)
{
	switch (n->kind) {
	case N_OR: return eval(c, n->a) || eval(c, n->b);
	case N_AND: return eval(c, n->a) && eval(c, n->b);
	case N_NOT:
		c->negated = n->a->kind == N_TRUTH || n->a->kind == N_EXISTS || n->a->kind == N_CMP;
		return !eval(c, n->a);
	case N_CONST: return n->value;
	default: return eval_test(c, n);
	}
}

/* A span of time in prose, with the digits that matter to a reader:
 * "0.000011", "0.002", "7.2", "21" (JSON and --explain keep the microseconds). */
static void seconds_text(double s, char *buf, size_t len)
{
	if (s >= 10)
		snprintf(buf, len, "%.0f", s);
	else if (s >= 1)
		snprintf(buf, len, "%.1f", s);
	else
		snprintf(buf, len, s >= 0.001 ? "%.3f" : "%.6f", s);
}

/* ${fact} replaced by the fact's value. Text between {{ and }} is said only
 * when every fact in it is present; an absent fact outside such a group
 * reads "unknown" (a rule should put it in a group). */
static void interpolate(const struct td_facts *f, const char *tpl, char *out, size_t len)
{
	size_t o = 0, group = 0;
	bool in_group = false, missing = false;
	out[0] = '\0';
	for (const char *p = tpl; *p && o + 1 < len;) {
		const char *end;
		if (p[0] == '{' && p[1] == '{') {
			in_group = true;
			missing = false;
			group = o;
			p += 2;
		} else if (p[0] == '}' && p[1] == '}' && in_group) {
			if (missing)
				o = group;
			out[o] = '\0';
			in_group = false;
			p += 2;
		} else if (p[0] == '$' && p[1] == '{' && (end = strchr(p, '}'))) {
			/* Plain copies: an initializer would clear all of val, for
			 * each placeholder of each verdict. */
			char name[128], val[512];
			size_t nlen = (size_t)(end - p - 2) < sizeof(name) ? (size_t)(end - p - 2) : sizeof(name) - 1;
			memcpy(name, p + 2, nlen);
			name[nlen] = '\0';
			memcpy(val, "unknown", sizeof("unknown"));
			const struct td_fact_desc *d = td_fact_find(name);
			struct td_value v;
			if (d && td_fact_get(f, d, &v)) {
				if (d->type == TD_FT_SECONDS)
					seconds_text(v.num, val, sizeof(val));
				else
					value_text(&v, val, sizeof(val));
			} else {
				missing = true;
			}
			o += td_str_copy(out + o, len - o, val);
			p = end + 1;
		} else {
			/* Plain text up to the next brace or '$', in one copy. */
			size_t run = strcspn(p + 1, "{}$") + 1;
			if (run > len - 1 - o)
				run = len - 1 - o;
			memcpy(out + o, p, run);
			o += run;
			p += run;
			out[o] = '\0';
		}
	}
}

/* The frame that shows a fact: itself, a named sibling, or its group's frame. */
static const struct td_fact_desc *frame_fact_of(const struct td_facts *f, const char *name)
{
	/* Who closed: that side's FIN (the first one when both did). */
	if (strcmp(name, "tcp.first_fin_by") == 0 || strcmp(name, "tcp.fin_by") == 0)
		return td_fact_find(f->tcp.first_fin_by == TD_WHO_CLIENT ? "tcp.fin_frame_client"
									 : "tcp.fin_frame_server");
	static const struct { const char *prefix, *frame; } fixed[] = {
		{ "tcp.syn", "tcp.syn_frame" }, { "tcp.synack", "tcp.synack_frame" },
		{ "tcp.reset_by", "tcp.rst_frame" }, { "tcp.rst", "tcp.rst_frame" },
		{ "x509.server.", "tls.server_certificate.frame" },
		{ "x509.client.", "tls.client_certificate.frame" },
		{ "x509.client_auth.", "tls.certificate_request.frame" },
		{ "tls.client.", "tls.client_hello.frame" },
		{ "preamble.accepted", "preamble.answer.frame" }, { "preamble.refused", "preamble.answer.frame" },
		{ "preamble.", "preamble.command.frame" },
	};
	char buf[160];
	const char *dot = strrchr(name, '.');
	if (!dot)
		return NULL;
	snprintf(buf, sizeof(buf), "%s_frame", name);
	const struct td_fact_desc *d = td_fact_find(buf);
	if (d)
		return d;
	snprintf(buf, sizeof(buf), "%.*s.frame", (int)(dot - name), name);
	if ((d = td_fact_find(buf)))
		return d;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strncmp(name, fixed[i].prefix, strlen(fixed[i].prefix)) == 0)
			return td_fact_find(fixed[i].frame);
	return NULL;
}

/* frame_fact_of, remembered per fact row: the answer depends on the name
 * alone, but for who closed, which depends on the connection. */
static const struct td_fact_desc *frame_fact(const struct td_facts *f, const struct td_fact_desc *fd)
{
	static const struct td_fact_desc **known; /* a row's answer; self when it has none */
	size_t i = (size_t)(fd - td_facts_table);
	if (!strcmp(fd->name, "tcp.first_fin_by") || !strcmp(fd->name, "tcp.fin_by") || i >= td_facts_count)
		return frame_fact_of(f, fd->name);
	if (!known && !(known = calloc(td_facts_count, sizeof(*known)))) /* kept for the run */
		return frame_fact_of(f, fd->name);
	if (!known[i]) {
		const struct td_fact_desc *ff = frame_fact_of(f, fd->name);
		known[i] = ff ? ff : fd;
	}
	return known[i] == fd ? NULL : known[i];
}

static void add_evidence(struct td_diagnosis *d, uint64_t frame, const char *detail)
{
	for (size_t i = 0; i < d->n_evidence; i++)
		if (d->evidence[i].frame == frame && strcmp(d->evidence[i].detail, detail) == 0)
			return;
	if (d->n_evidence >= TD_MAX_EVIDENCE)
		return;
	d->evidence[d->n_evidence].frame = frame;
	td_str_copy(d->evidence[d->n_evidence].detail, sizeof(d->evidence[0].detail), detail);
	d->n_evidence++;
}

static void evidence(const struct eval_ctx *c, struct td_diagnosis *d)
{
	for (size_t i = 0; i < c->n_read; i++) {
		const struct td_fact_desc *fd = c->read[i];
		const struct td_fact_desc *ff = fd->type == TD_FT_FRAME ? fd : frame_fact(c->f, fd);
		struct td_value v, fv;
		char text[160], detail[200];
		if (!ff || !td_fact_get(c->f, ff, &fv) || !td_fact_get(c->f, fd, &v))
			continue;
		value_text(&v, text, sizeof(text));
		struct td_sbuf b;
		td_sb_init(&b, detail, sizeof(detail));
		td_sb_s(&b, fd->name);
		td_sb_s(&b, " = ");
		td_sb_s(&b, text);
		add_evidence(d, (uint64_t)fv.num, detail);
	}
	/* Frame order reads like the capture. */
	for (size_t i = 1; i < d->n_evidence; i++)
		for (size_t j = i; j > 0 && d->evidence[j - 1].frame > d->evidence[j].frame; j--) {
			struct td_evidence t = d->evidence[j];
			d->evidence[j] = d->evidence[j - 1];
			d->evidence[j - 1] = t;
		}
}

static const char *const class_names[] = { "decisive", "inferred", "circumstance" };

static void verdict(const struct td_rule *r, const struct eval_ctx *c, struct td_diagnosis *d)
{
	char windows[32];
	d->category = r->category;
	d->confidence = r->confidence;
	d->rule = r->id;
	d->evidence_class = class_names[r->evidence];
	interpolate(c->f, r->summary, d->summary, sizeof(d->summary));
	interpolate(c->f, r->remedy ? r->remedy : "", d->remedy, sizeof(d->remedy));
	interpolate(c->f, r->explain ? r->explain : "", d->explanation, sizeof(d->explanation));
	d->windows_error = NULL;
	if (r->windows) {
		interpolate(c->f, r->windows, windows, sizeof(windows));
		if (windows[0] && strcmp(windows, "unknown") != 0) {
			td_str_copy(d->windows_buf, sizeof(d->windows_buf), windows);
			d->windows_error = d->windows_buf;
		}
	}
	evidence(c, d);
}

static void finding(const struct td_rule *r, const struct eval_ctx *c, struct td_diagnosis *d)
{
	if (d->n_findings >= TD_MAX_FINDINGS)
		return;
	struct td_finding *fi = &d->findings[d->n_findings++];
	fi->category = r->category;
	fi->rule = r->id;
	interpolate(c->f, r->summary, fi->summary, sizeof(fi->summary));
}

static bool alternative_listed(const struct td_diagnosis *d, const char *category)
{
	if (strcmp(d->category, category) == 0)
		return true;
	for (size_t i = 0; i < d->n_alternatives; i++)
		if (strcmp(d->alternatives[i].category, category) == 0)
			return true;
	return false;
}

static void alternative(struct td_diagnosis *d, const struct td_facts *f, const char *category,
			const char *confidence, const char *rule, const char *text)
{
	if (d->n_alternatives >= TD_MAX_ALTERNATIVES || alternative_listed(d, category))
		return;
	struct td_alternative *a = &d->alternatives[d->n_alternatives++];
	a->category = category;
	a->confidence = confidence;
	a->rule = rule;
	interpolate(f, text, a->summary, sizeof(a->summary));
}

/* The causes besides the verdict: those its rule names, then the other
 * rules of the same evidence class that matched with another category
 * (the generic handshake-failed and incomplete add nothing to a verdict,
 * and ok is no cause). One that lost to the verdict is at most medium. */
static void alternatives(const struct td_ruleset *rs, const bool *hit, size_t decider,
			 const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_rule *r = rs->rules[decider];
	for (size_t i = 0; i < r->n_alts; i++)
		alternative(d, f, r->alts[i].category, "low", r->id, r->alts[i].text);
	for (size_t i = decider + 1; i < rs->n; i++) {
		const struct td_rule *o = rs->rules[i];
		if (!hit[i] || o->finding || o->evidence != r->evidence ||
		    !strcmp(o->category, "handshake-failed") || !strcmp(o->category, "incomplete") ||
		    !strcmp(o->category, "ok"))
			continue;
		alternative(d, f, o->category, strcmp(o->confidence, "high") ? o->confidence : "medium", o->id,
			    o->summary);
	}
}

/* read[] is used up to n_read only: left as it is. An initializer would
 * clear its 32 pointers for each of the rules, each connection: a rep stos
 * that was two thirds of td_rules_eval's own time. */
static void ctx_init(struct eval_ctx *c, const struct td_facts *f, FILE *explain)
{
	c->f = f;
	c->explain = explain;
	c->n_read = 0;
	c->negated = false;
}

/* Every rule is tried (they are cheap next to the parsing); the first
 * matching diagnosis of the strongest evidence class decides. */
void td_rules_eval(const struct td_ruleset *rs, const struct td_facts *f, struct td_diagnosis *d,
		   FILE *explain)
{
	bool hit_small[256], *hit = rs->n <= 256 ? hit_small : calloc(rs->n, sizeof(bool));
	size_t first[TD_EVIDENCE__COUNT];
	memset(d, 0, sizeof(*d));
	memo_next();
	for (int k = 0; k < TD_EVIDENCE__COUNT; k++)
		first[k] = SIZE_MAX;
	if (explain)
		fprintf(explain, "  rules tried (the first matching diagnosis of the strongest evidence class wins; "
				 "every matching finding counts):\n");
	for (size_t i = 0; i < rs->n; i++) {
		const struct td_rule *r = rs->rules[i];
		struct eval_ctx c;
		ctx_init(&c, f, explain);
		if (explain)
			fprintf(explain, "    %s %s (%s%s%s):\n", r->finding ? "finding" : "diagnosis", r->id,
				r->finding ? "" : class_names[r->evidence], r->finding ? "" : ", ", r->origin);
		bool h = eval(&c, r->when);
		if (hit)
			hit[i] = h;
		if (explain)
			fprintf(explain, "      => %s\n", h ? "MATCH" : "no");
		if (!h)
			continue;
		if (r->finding) {
			finding(r, &c, d);
		} else if (first[r->evidence] == SIZE_MAX) {
			first[r->evidence] = i;
		}
	}
	size_t decider = SIZE_MAX;
	for (int k = 0; k < TD_EVIDENCE__COUNT && decider == SIZE_MAX; k++)
		decider = first[k];
	if (decider == SIZE_MAX) {
		d->category = "incomplete";
		d->confidence = "low";
		d->evidence_class = "circumstance";
		snprintf(d->summary, sizeof(d->summary), "No diagnosis rule matched this connection");
		snprintf(d->remedy, sizeof(d->remedy),
			 "Run with --explain to see each rule's tests against this connection's facts.");
	} else {
		/* Once more, quietly, for the facts it read: they are the evidence. */
		struct eval_ctx c;
		ctx_init(&c, f, NULL);
		eval(&c, rs->rules[decider]->when);
		verdict(rs->rules[decider], &c, d);
	}
	if (decider != SIZE_MAX && hit)
		alternatives(rs, hit, decider, f, d);
	if (hit != hit_small)
		free(hit);
}

void td_rules_list(const struct td_ruleset *rs, FILE *out)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct td_rule *r = rs->rules[i];
		fprintf(out, "%-34s %-9s %-26s %-11s %s\n", r->id, r->finding ? "finding" : "diagnosis",
			r->category, r->windows ? r->windows : "-", r->origin);
	}
}
