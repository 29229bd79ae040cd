/*
 * The rule language (doc/rules.md): a hand-written lexer and a recursive
 * descent parser. Every error names FILE:LINE:COLUMN and what was expected;
 * an unknown fact name is an error here, at load time, not a silent false
 * at evaluation. A file with an error adds nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/attr.h"
#include "rules_ast.h"
#include "rules_default.h"

enum tok_kind { T_EOF, T_IDENT, T_STRING, T_NUMBER, T_PUNCT, T_BAD };

/* The parser recurses on '(' and 'not', and the evaluator and td_node_free()
 * on the tree: both are bounded, so that a condition nested 20 000 deep or
 * an 'and' chain of 200 000 tests is an error, not a stack overflow. */
#define MAX_DEPTH 64   /* '(' and 'not' inside one another */
#define MAX_NODES 1024 /* tests and operators in one condition */

struct tok {
	enum tok_kind kind;
	char text[1024];  /* identifier, decoded string, number or punctuation */
	double num;
	int line, col;
	const char *start; /* in the source, for --explain texts */
};

struct parser {
	const char *src, *p, *name;
	int line, col;
	struct tok t;      /* the current token */
	const char *prev_end;
	int rule_line, rule_col; /* where the rule being read starts */
	int depth;         /* '(' and 'not' open around the current token */
	size_t nodes;      /* nodes of the condition being read */
	char *err;
	size_t errlen;
	bool failed;
};

static void vfail_at(struct parser *ps, int line, int col, const char *fmt, va_list ap)
{
	if (ps->failed)
		return;
	ps->failed = true;
	int n = snprintf(ps->err, ps->errlen, "%s:%d:%d: ", ps->name, line, col);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
}

/* An error at a position already passed (a literal, a fact, the rule). */
TD_PRINTF(4, 5) static void fail_at(struct parser *ps, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_at(ps, line, col, fmt, ap);
	va_end(ap);
}

/* An error at the current token. */
TD_PRINTF(2, 3) static void fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_at(ps, ps->t.line, ps->t.col, fmt, ap);
	va_end(ap);
}

static void advance_char(struct parser *ps)
{
	if (*ps->p == '\n') {
		ps->line++;
		ps->col = 1;
	} else {
		ps->col++;
	}
	ps->p++;
}

static void skip_space(struct parser *ps)
{
	for (;;) {
		while (*ps->p && isspace((unsigned char)*ps->p))
			advance_char(ps);
		if (*ps->p != '#')
			return;
		while (*ps->p && *ps->p != '\n')
			advance_char(ps);
	}
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static void lex_string(struct parser *ps, struct tok *t)
{
	size_t n = 0;
	advance_char(ps); /* the opening quote */
	while (*ps->p && *ps->p != '"') {
		char c = *ps->p;
		if (c == '\\') {
			advance_char(ps);
			c = *ps->p == 'n' ? '\n' : *ps->p == 't' ? '\t' : *ps->p;
			if (!c)
				break;
		}
		if (n + 1 < sizeof(t->text))
			t->text[n++] = c;
		else
			t->kind = T_BAD;
		advance_char(ps);
	}
	t->text[n] = '\0';
	if (*ps->p != '"') {
		t->kind = T_BAD;
		snprintf(t->text, sizeof(t->text), "unterminated string");
		return;
	}
	advance_char(ps);
	if (t->kind == T_BAD)
		snprintf(t->text, sizeof(t->text), "string longer than %zu bytes", sizeof(t->text) - 1);
	else
		t->kind = T_STRING;
}

static void lex_number(struct parser *ps, struct tok *t)
{
	char *end;
	errno = 0;
	bool neg = *ps->p == '-';
	const char *digits = ps->p + (neg ? 1 : 0);
	unsigned long long v = strtoull(digits, &end, 0);
	if (end == digits || errno || ident_char(*end)) {
		t->kind = T_BAD;
		snprintf(t->text, sizeof(t->text), "malformed number");
		while (*ps->p && ident_char(*ps->p))
			advance_char(ps);
		return;
	}
	t->kind = T_NUMBER;
	t->num = neg ? -(double)v : (double)v;
	size_t len = (size_t)(end - ps->p);
	snprintf(t->text, sizeof(t->text), "%.*s", (int)(len < 255 ? len : 255), ps->p);
	while (ps->p < end)
		advance_char(ps);
}

static void next(struct parser *ps)
{
	struct tok *t = &ps->t;
	ps->prev_end = ps->p;
	skip_space(ps);
	memset(t, 0, sizeof(*t));
	t->line = ps->line;
	t->col = ps->col;
	t->start = ps->p;
	char c = *ps->p;
	if (!c) {
		t->kind = T_EOF;
		snprintf(t->text, sizeof(t->text), "end of file");
	} else if (c == '"') {
		lex_string(ps, t);
	} else if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)ps->p[1]))) {
		lex_number(ps, t);
	} else if (isalpha((unsigned char)c) || c == '_') {
		size_t n = 0;
		while (*ps->p && ident_char(*ps->p)) {
			if (n + 1 < sizeof(t->text))
				t->text[n++] = *ps->p;
			advance_char(ps);
		}
		t->text[n] = '\0';
		t->kind = T_IDENT;
	} else if (strchr("=!<>", c) && ps->p[1] == '=') {
		snprintf(t->text, sizeof(t->text), "%c=", c);
		t->kind = T_PUNCT;
		advance_char(ps);
		advance_char(ps);
	} else if (strchr("{}()[],<>", c)) {
		snprintf(t->text, sizeof(t->text), "%c", c);
		t->kind = T_PUNCT;
		advance_char(ps);
	} else {
		t->kind = T_BAD;
		snprintf(t->text, sizeof(t->text), "unexpected character '%c'", isprint((unsigned char)c) ? c : '?');
		advance_char(ps);
	}
}

static const char *describe(const struct tok *t)
{
	static char buf[300];
	switch (t->kind) {
	case T_EOF: return "end of file";
	case T_STRING: snprintf(buf, sizeof(buf), "string \"%.40s\"", t->text); return buf;
	case T_BAD: return t->text;
	default: snprintf(buf, sizeof(buf), "'%.60s'", t->text); return buf;
	}
}

static bool is(const struct parser *ps, enum tok_kind k, const char *text)
{
	return ps->t.kind == k && (!text || strcmp(ps->t.text, text) == 0);
}

static bool expect(struct parser *ps, enum tok_kind k, const char *text, const char *what)
{
	if (is(ps, k, text)) {
		next(ps);
		return true;
	}
	fail(ps, "expected %s, found %s", what, describe(&ps->t));
	return false;
}

/* ---- expressions ---- */

static struct node *parse_or(struct parser *ps);

static struct node *new_node(struct parser *ps, enum node_kind kind)
{
	if (++ps->nodes > MAX_NODES) {
		fail(ps, "more than %d tests and operators in one condition", MAX_NODES);
		return NULL;
	}
	struct node *n = calloc(1, sizeof(*n));
	if (n)
		n->kind = kind;
	return n;
}

/* One more '(' or 'not' around what follows. */
static bool deeper(struct parser *ps)
{
	if (ps->depth >= MAX_DEPTH) {
		fail(ps, "condition nested deeper than %d", MAX_DEPTH);
		return false;
	}
	ps->depth++;
	return true;
}

static const struct td_fact_desc *fact_here(struct parser *ps)
{
	const struct td_fact_desc *d = td_fact_find(ps->t.text);
	if (!d)
		fail(ps, "unknown fact '%s' (tlsdiag --list-facts lists them)", ps->t.text);
	return d;
}

static bool parse_literal(struct parser *ps, struct lit *l)
{
	if (is(ps, T_NUMBER, NULL)) {
		l->kind = LIT_NUM;
		l->num = ps->t.num;
	} else if (is(ps, T_STRING, NULL)) {
		l->kind = LIT_STR;
		l->str = strdup(ps->t.text);
	} else if (is(ps, T_IDENT, "true") || is(ps, T_IDENT, "false")) {
		l->kind = LIT_BOOL;
		l->b = ps->t.text[0] == 't';
	} else if (is(ps, T_IDENT, NULL)) {
		l->kind = LIT_FACT;
		if (!(l->fact = fact_here(ps)))
			return false;
	} else {
		fail(ps, "expected a number, a string, true, false or a fact, found %s", describe(&ps->t));
		return false;
	}
	memset(&l->val, 0, sizeof(l->val));
	l->val.reg = -1;
	l->val.kind = l->kind == LIT_NUM ? TD_V_NUM : l->kind == LIT_STR ? TD_V_STR : TD_V_BOOL;
	l->val.num = l->num;
	l->val.str = l->str;
	l->val.b = l->b;
	next(ps);
	return true;
}

static bool parse_list(struct parser *ps, struct node *n)
{
	if (!expect(ps, T_PUNCT, "[", "'[' starting the list of 'in'"))
		return false;
	for (;;) {
		struct lit *grown = realloc(n->lits, (n->n_lits + 1) * sizeof(*grown));
		if (!grown) {
			fail(ps, "out of memory");
			return false;
		}
		n->lits = grown;
		memset(&n->lits[n->n_lits], 0, sizeof(*grown));
		if (!parse_literal(ps, &n->lits[n->n_lits++]))
			return false;
		if (is(ps, T_PUNCT, "]")) {
			next(ps);
			return true;
		}
		if (!expect(ps, T_PUNCT, ",", "',' or ']' in the list"))
			return false;
	}
}

static const struct { const char *text; enum cmp_op op; } ops[] = {
	{ "==", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT }, { "<=", OP_LE }, { ">", OP_GT }, { ">=", OP_GE },
	{ "in", OP_IN }, { "contains", OP_CONTAINS }, { "matches", OP_MATCHES },
};

/* FACT [op value | in [..] | contains value | matches "re" | exists] */
static struct node *parse_fact_test(struct parser *ps)
{
	const char *start = ps->t.start;
	int fact_line = ps->t.line, fact_col = ps->t.col;
	struct node *n = new_node(ps, N_TRUTH);
	if (!n) {
		fail(ps, "out of memory");
		return NULL;
	}
	if (!(n->fact = fact_here(ps)))
		return n;
	next(ps);
	if (is(ps, T_IDENT, "exists")) {
		n->kind = N_EXISTS;
		next(ps);
	} else {
		for (size_t i = 0; i < TD_ARRAY_LEN(ops); i++) {
			if (!is(ps, ps->t.kind == T_IDENT ? T_IDENT : T_PUNCT, ops[i].text))
				continue;
			n->kind = N_CMP;
			n->op = ops[i].op;
			next(ps);
			if (n->op == OP_IN) {
				parse_list(ps, n);
			} else if ((n->lits = calloc(1, sizeof(*n->lits)))) {
				int lit_line = ps->t.line, lit_col = ps->t.col;
				n->n_lits = 1;
				if (parse_literal(ps, n->lits) && n->op == OP_MATCHES) {
					if (n->lits[0].kind != LIT_STR)
						fail_at(ps, lit_line, lit_col, "'matches' wants a regular expression in a string");
					else if (regcomp(&n->re, n->lits[0].str, REG_EXTENDED | REG_NOSUB) != 0)
						fail_at(ps, lit_line, lit_col, "bad regular expression \"%s\"", n->lits[0].str);
					else
						n->re_ok = true;
				}
			}
			break;
		}
	}
	if (n->fact && n->fact->type == TD_FT_CHAIN && n->kind != N_EXISTS)
		fail_at(ps, fact_line, fact_col, "'%s' is a chain for display: only 'exists' applies", n->fact->name);
	size_t len = (size_t)(ps->prev_end - start);
	while (len && isspace((unsigned char)start[len - 1]))
		len--;
	n->text = strndup(start, len);
	return n;
}

static struct node *parse_primary(struct parser *ps)
{
	if (is(ps, T_PUNCT, "(")) {
		if (!deeper(ps))
			return NULL;
		next(ps);
		struct node *n = parse_or(ps);
		expect(ps, T_PUNCT, ")", "')'");
		ps->depth--;
		return n;
	}
	if (is(ps, T_IDENT, "true") || is(ps, T_IDENT, "false")) {
		struct node *n = new_node(ps, N_CONST);
		if (n)
			n->value = ps->t.text[0] == 't';
		next(ps);
		return n;
	}
	if (is(ps, T_IDENT, NULL) && strcmp(ps->t.text, "and") && strcmp(ps->t.text, "or"))
		return parse_fact_test(ps);
	fail(ps, "expected a fact, 'not', 'true', 'false' or '(', found %s", describe(&ps->t));
	return NULL;
}

static struct node *parse_unary(struct parser *ps)
{
	if (is(ps, T_IDENT, "not")) {
		if (!deeper(ps))
			return NULL;
		next(ps);
		struct node *n = new_node(ps, N_NOT);
		if (n)
			n->a = parse_unary(ps);
		ps->depth--;
		return n;
	}
	return parse_primary(ps);
}

static struct node *parse_binary(struct parser *ps, const char *word, enum node_kind kind,
				 struct node *(*operand)(struct parser *))
{
	struct node *left = operand(ps);
	while (!ps->failed && is(ps, T_IDENT, word)) {
		next(ps);
		struct node *n = new_node(ps, kind);
		if (!n) {
			fail(ps, "out of memory");
			return left;
		}
		n->a = left;
		n->b = operand(ps);
		left = n;
	}
	return left;
}

static struct node *parse_and(struct parser *ps)
{
	return parse_binary(ps, "and", N_AND, parse_unary);
}

static struct node *parse_or(struct parser *ps)
{
	return parse_binary(ps, "or", N_OR, parse_and);
}

/* ---- rules ---- */

/* ${fact} in a text must name a fact. */
/* Every ${fact} names a known fact; {{ optional groups }} are closed and
 * not nested (the evaluator drops a group whose fact is absent). */
static void check_interpolation(struct parser *ps, const char *text)
{
	for (const char *p = strstr(text, "${"); p; p = strstr(p + 2, "${")) {
		const char *end = strchr(p, '}');
		char name[128];
		if (!end || (size_t)(end - p - 2) >= sizeof(name)) {
			fail(ps, "unterminated ${...} in \"%.40s\"", text);
			return;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(end - p - 2), p + 2);
		if (!td_fact_find(name)) {
			fail(ps, "unknown fact '%s' in ${...}", name);
			return;
		}
	}
	bool open = false;
	for (const char *p = text; *p; p++) {
		if (p[0] == '{' && p[1] == '{' && (p == text || p[-1] != '$')) {
			if (open) {
				fail(ps, "'{{' inside an optional group in \"%.40s\"", text);
				return;
			}
			open = true;
			p++;
		} else if (p[0] == '}' && p[1] == '}') {
			if (!open) {
				fail(ps, "'}}' without '{{' in \"%.40s\"", text);
				return;
			}
			open = false;
			p++;
		}
	}
	if (open)
		fail(ps, "optional group '{{' not closed in \"%.40s\"", text);
}

static bool text_field(struct parser *ps, char **slot, const char *field)
{
	if (*slot) {
		fail(ps, "'%s' given twice", field);
		return false;
	}
	if (!is(ps, T_STRING, NULL)) {
		fail(ps, "expected a string after '%s', found %s", field, describe(&ps->t));
		return false;
	}
	check_interpolation(ps, ps->t.text);
	*slot = strdup(ps->t.text);
	next(ps);
	return true;
}

/* A one-word value: an identifier from allowed (any identifier, number or
 * string when allowed is NULL). */
static bool word_field(struct parser *ps, char **slot, const char *field, const char *const *allowed)
{
	if (*slot) {
		fail(ps, "'%s' given twice", field);
		return false;
	}
	bool ok = allowed ? is(ps, T_IDENT, NULL)
			  : is(ps, T_IDENT, NULL) || is(ps, T_NUMBER, NULL) || is(ps, T_STRING, NULL);
	if (ok && allowed) {
		ok = false;
		for (size_t i = 0; allowed[i]; i++)
			ok |= strcmp(ps->t.text, allowed[i]) == 0;
	}
	if (!ok) {
		fail(ps, "bad value %s for '%s'", describe(&ps->t), field);
		return false;
	}
	*slot = strdup(ps->t.text);
	next(ps);
	return true;
}

static void evidence_field(struct parser *ps, struct td_rule *r, const char *const *classes)
{
	char *word = NULL;
	if (r->evidence_given) {
		fail(ps, "'evidence' given twice");
		return;
	}
	if (!word_field(ps, &word, "evidence", classes))
		return;
	for (int i = 0; classes[i]; i++)
		if (strcmp(word, classes[i]) == 0)
			r->evidence = (enum td_evidence_class)i;
	r->evidence_given = true;
	free(word);
}

/* alternative CATEGORY "why it fits": a cause the rule cannot rule out. */
static void alternative_field(struct parser *ps, struct td_rule *r)
{
	char *category = NULL, *text = NULL;
	if (r->n_alts == TD_RULE_MAX_ALTS) {
		fail(ps, "more than %d alternatives in one rule", TD_RULE_MAX_ALTS);
		return;
	}
	if (!word_field(ps, &category, "alternative", NULL))
		return;
	if (!td_category_known(category, false)) {
		fail(ps, "alternative '%s' is not a diagnosis category of the vocabulary (doc/rules.md)",
		     category);
		free(category);
		return;
	}
	if (!text_field(ps, &text, "alternative")) {
		free(category);
		return;
	}
	r->alts[r->n_alts++] = (struct td_rule_alt){ .category = category, .text = text };
}

static void parse_field(struct parser *ps, struct td_rule *r, char **kind)
{
	static const char *const kinds[] = { "diagnosis", "finding", NULL };
	static const char *const levels[] = { "high", "medium", "low", NULL };
	static const char *const classes[] = { "decisive", "inferred", "circumstance", NULL };
	char field[32];
	snprintf(field, sizeof(field), "%.31s", ps->t.text);
	if (!is(ps, T_IDENT, NULL)) {
		fail(ps, "expected a field (kind, category, windows, confidence, evidence, alternative, when, "
			 "summary, explain, remedy) or '}', found %s", describe(&ps->t));
		return;
	}
	next(ps);
	if (!strcmp(field, "kind"))
		word_field(ps, kind, field, kinds);
	else if (!strcmp(field, "category"))
		word_field(ps, &r->category, field, NULL);
	else if (!strcmp(field, "windows")) {
		if (is(ps, T_STRING, NULL))
			text_field(ps, &r->windows, field);
		else
			word_field(ps, &r->windows, field, NULL);
	} else if (!strcmp(field, "confidence"))
		word_field(ps, &r->confidence, field, levels);
	else if (!strcmp(field, "when")) {
		if (r->when) {
			fail(ps, "'when' given twice");
		} else {
			ps->nodes = 0;
			r->when = parse_or(ps);
		}
	} else if (!strcmp(field, "summary"))
		text_field(ps, &r->summary, field);
	else if (!strcmp(field, "explain"))
		text_field(ps, &r->explain, field);
	else if (!strcmp(field, "remedy"))
		text_field(ps, &r->remedy, field);
	else if (!strcmp(field, "evidence"))
		evidence_field(ps, r, classes);
	else if (!strcmp(field, "alternative"))
		alternative_field(ps, r);
	else
		fail(ps, "unknown field '%s' (kind, category, windows, confidence, evidence, alternative, "
			 "when, summary, explain, remedy)", field);
}

static void check_rule(struct parser *ps, struct td_rule *r, const char *kind)
{
	if (!kind)
		fail_at(ps, ps->rule_line, ps->rule_col, "rule '%s' has no 'kind' (diagnosis or finding)", r->id);
	else if (!r->category)
		fail_at(ps, ps->rule_line, ps->rule_col, "rule '%s' has no 'category'", r->id);
	else if (!td_category_known(r->category, r->finding))
		fail_at(ps, ps->rule_line, ps->rule_col, "rule '%s': '%s' is not a %s category of the vocabulary (doc/rules.md)", r->id,
		     r->category, r->finding ? "finding" : "diagnosis");
	else if (!r->when)
		fail_at(ps, ps->rule_line, ps->rule_col, "rule '%s' has no 'when'", r->id);
	else if (!r->summary)
		fail_at(ps, ps->rule_line, ps->rule_col, "rule '%s' has no 'summary'", r->id);
	else if (!r->finding && !r->remedy)
		fail_at(ps, ps->rule_line, ps->rule_col, "diagnosis rule '%s' has no 'remedy'", r->id);
}

static struct td_rule *parse_rule(struct parser *ps)
{
	char *kind = NULL;
	struct td_rule *r = calloc(1, sizeof(*r));
	char origin[300];
	if (!r) {
		fail(ps, "out of memory");
		return NULL;
	}
	ps->rule_line = ps->t.line;
	ps->rule_col = ps->t.col;
	snprintf(origin, sizeof(origin), "%s:%d", ps->name, ps->t.line);
	r->origin = strdup(origin);
	if (!expect(ps, T_IDENT, "rule", "'rule'"))
		return r;
	if (!is(ps, T_IDENT, NULL)) {
		fail(ps, "expected the rule's id, found %s", describe(&ps->t));
		return r;
	}
	r->id = strdup(ps->t.text);
	next(ps);
	if (!expect(ps, T_PUNCT, "{", "'{'"))
		return r;
	while (!ps->failed && !is(ps, T_PUNCT, "}") && !is(ps, T_EOF, NULL)) {
		parse_field(ps, r, &kind);
		r->finding = kind && strcmp(kind, "finding") == 0;
	}
	if (!ps->failed && expect(ps, T_PUNCT, "}", "'}' closing the rule"))
		check_rule(ps, r, kind);
	free(kind);
	if (!r->confidence) {
		static const char *const by_class[] = { "high", "medium", "low" };
		r->confidence = strdup(by_class[r->evidence]);
	}
	return r;
}

static bool add_rule(struct td_ruleset *rs, struct td_rule *r)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (strcmp(rs->rules[i]->id, r->id) == 0) {
			td_rule_free(rs->rules[i]);
			rs->rules[i] = r; /* replaced in place: it keeps its turn */
			return true;
		}
	}
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 32;
		struct td_rule **grown = realloc(rs->rules, cap * sizeof(*grown));
		if (!grown)
			return false;
		rs->rules = grown;
		rs->cap = cap;
	}
	rs->rules[rs->n++] = r;
	return true;
}

bool td_rules_load_text(struct td_ruleset *rs, const char *text, const char *name, char *err,
			size_t errlen)
{
	struct parser ps = { .src = text, .p = text, .name = name, .line = 1, .col = 1,
			     .err = err, .errlen = errlen };
	struct td_rule *parsed[1024];
	size_t n = 0;
	next(&ps);
	while (!ps.failed && !is(&ps, T_EOF, NULL)) {
		if (n == TD_ARRAY_LEN(parsed)) {
			fail(&ps, "more than %zu rules in one file", TD_ARRAY_LEN(parsed));
			break;
		}
		parsed[n++] = parse_rule(&ps);
		for (size_t i = 0; !ps.failed && i + 1 < n; i++)
			if (parsed[i] && parsed[n - 1] && parsed[n - 1]->id && !strcmp(parsed[i]->id, parsed[n - 1]->id))
				fail_at(&ps, ps.rule_line, ps.rule_col, "rule '%s' defined twice in this file", parsed[i]->id);
	}
	/* All or nothing: a file with an error adds no rule. */
	for (size_t i = 0; i < n; i++) {
		if (ps.failed || !add_rule(rs, parsed[i])) {
			td_rule_free(parsed[i]);
			if (!ps.failed)
				fail(&ps, "out of memory");
		}
	}
	return !ps.failed;
}

bool td_rules_load_buffer(struct td_ruleset *rs, const char *buf, size_t len, const char *name,
			  char *err, size_t errlen)
{
	/* The lexer stops at a NUL: one inside would silently end the file. */
	if (len && memchr(buf, '\0', len)) {
		snprintf(err, errlen, "%s: a rule file is text: it has a NUL byte", name);
		return false;
	}
	char *text = len < SIZE_MAX ? malloc(len + 1) : NULL;
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", name);
		return false;
	}
	if (len)
		memcpy(text, buf, len);
	text[len] = '\0';
	bool ok = td_rules_load_text(rs, text, name, err, errlen);
	free(text);
	return ok;
}

bool td_rules_load_file(struct td_ruleset *rs, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	size_t cap = 65536, len = 0;
	char *text = malloc(cap);
	while (text) {
		len += fread(text + len, 1, cap - len - 1, fp);
		if (len < cap - 1 || cap >= (8u << 20))
			break;
		char *grown = realloc(text, cap * 2);
		if (!grown) {
			free(text);
			text = NULL;
			break;
		}
		text = grown;
		cap *= 2;
	}
	/* A full buffer at the size cap with more to read: refuse, never cut. */
	bool too_big = text && len == cap - 1 && fgetc(fp) != EOF;
	fclose(fp);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", path);
		return false;
	}
	if (too_big) {
		snprintf(err, errlen, "%s: a rule file is at most %zu bytes", path, cap - 1);
		free(text);
		return false;
	}
	bool ok = td_rules_load_buffer(rs, text, len, path, err, errlen);
	free(text);
	return ok;
}

bool td_rules_load_default(struct td_ruleset *rs, char *err, size_t errlen)
{
	return td_rules_load_text(rs, td_rules_default, "rules/iphttps.rules", err, errlen);
}

struct td_ruleset *td_rules_new(void)
{
	return calloc(1, sizeof(struct td_ruleset));
}

void td_node_free(struct node *n)
{
	if (!n)
		return;
	td_node_free(n->a);
	td_node_free(n->b);
	for (size_t i = 0; i < n->n_lits; i++)
		free(n->lits[i].str);
	free(n->lits);
	if (n->re_ok)
		regfree(&n->re);
	free(n->text);
	free(n);
}

void td_rule_free(struct td_rule *r)
{
	if (!r)
		return;
	td_node_free(r->when);
	free(r->id);
	free(r->category);
	free(r->windows);
	free(r->confidence);
	free(r->summary);
	free(r->explain);
	free(r->remedy);
	free(r->origin);
	for (size_t i = 0; i < r->n_alts; i++) {
		free(r->alts[i].category);
		free(r->alts[i].text);
	}
	free(r);
}

void td_rules_free(struct td_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		td_rule_free(rs->rules[i]);
	free(rs->rules);
	free(rs);
}

size_t td_rules_count(const struct td_ruleset *rs)
{
	return rs->n;
}

static bool text_has(const char *text, const char *word)
{
	return text && strstr(text, word);
}

static bool node_mentions(const struct node *n, const char *word)
{
	if (!n)
		return false;
	if ((n->fact && text_has(n->fact->name, word)) || text_has(n->text, word))
		return true;
	for (size_t i = 0; i < n->n_lits; i++)
		if (n->lits[i].fact && text_has(n->lits[i].fact->name, word))
			return true;
	return node_mentions(n->a, word) || node_mentions(n->b, word);
}

bool td_rules_mention(const struct td_ruleset *rs, const char *word)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct td_rule *r = rs->rules[i];
		if (node_mentions(r->when, word) || text_has(r->windows, word) || text_has(r->summary, word) ||
		    text_has(r->explain, word) || text_has(r->remedy, word))
			return true;
		for (size_t k = 0; k < r->n_alts; k++)
			if (text_has(r->alts[k].text, word))
				return true;
	}
	return false;
}
