/*
 * The parsed form of a rule file, shared by the parser (rules_parse.c) and
 * the evaluator (rules_eval.c) only.
 */
#ifndef TLSDIAG_RULES_AST_H
#define TLSDIAG_RULES_AST_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include "tlsdiag/factdesc.h"
#include "tlsdiag/rules.h"

enum node_kind {
	N_OR, N_AND, N_NOT,
	N_CONST,   /* true / false */
	N_TRUTH,   /* a bare fact: present and true / non-zero / non-empty */
	N_EXISTS,  /* FACT exists */
	N_CMP,     /* FACT op value(s) */
};

enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_CONTAINS, OP_MATCHES };

enum lit_kind { LIT_NUM, LIT_STR, LIT_BOOL, LIT_FACT };

struct lit {
	enum lit_kind kind;
	double num;
	char *str;
	bool b;
	const struct td_fact_desc *fact;
	struct td_value val;               /* a constant's value, made once by the parser */
};

struct node {
	enum node_kind kind;
	struct node *a, *b;                /* operands of and/or/not */
	bool value;                        /* N_CONST */
	const struct td_fact_desc *fact;   /* N_TRUTH, N_EXISTS, N_CMP */
	enum cmp_op op;
	struct lit *lits;                  /* one, or the list of "in" */
	size_t n_lits;
	regex_t re;                        /* OP_MATCHES */
	bool re_ok;
	char *text;                        /* the source of the comparison, for --explain */
};

/* How directly a rule's condition names the cause (doc/rules.md, "Evidence
 * classes"): the evaluator looks for a diagnosis in the strongest class
 * first, so a rule keyed on a circumstance never outranks the event that
 * decided the connection, whatever the order of the files. */
enum td_evidence_class { TD_EVIDENCE_DECISIVE, TD_EVIDENCE_INFERRED, TD_EVIDENCE_CIRCUMSTANCE,
			 TD_EVIDENCE__COUNT };

#define TD_RULE_MAX_ALTS 4

/* A cause a rule cannot rule out, with the text that says why it fits. */
struct td_rule_alt {
	char *category;
	char *text;
};

struct td_rule {
	char *id;
	bool finding;
	char *category;
	char *windows;         /* may interpolate facts */
	char *confidence;      /* high, medium, low */
	enum td_evidence_class evidence;
	bool evidence_given;
	struct td_rule_alt alts[TD_RULE_MAX_ALTS];
	size_t n_alts;
	struct node *when;
	char *summary, *explain, *remedy;
	char *origin;          /* "FILE:LINE" */
};

struct td_ruleset {
	struct td_rule **rules;
	size_t n, cap;
};

void td_rule_free(struct td_rule *r);
void td_node_free(struct node *n);

#endif
