/*
 * The rule engine: rules are data (doc/rules.md has the language), read from
 * the built-in default file (rules/iphttps.rules) and from the analyst's
 * files, and evaluated over one connection's facts. Diagnosis rules are
 * tried in order and the first that matches gives the verdict; every
 * finding rule that matches adds a finding. The evidence of a verdict is
 * the frames of the facts its condition read.
 */
#ifndef TLSDIAG_RULES_H
#define TLSDIAG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/facts.h"

struct td_ruleset;
struct td_rule;

struct td_ruleset *td_rules_new(void);
void td_rules_free(struct td_ruleset *rs);

/* Add the rules of a text (name says where it came from, for errors); a
 * rule whose id exists replaces it in place. On error, err holds
 * "NAME:LINE:COLUMN: what was expected" and nothing of the text is added. */
bool td_rules_load_text(struct td_ruleset *rs, const char *text, const char *name, char *err,
			size_t errlen);
/* The same from len bytes in memory, not NUL-terminated (a file's bytes,
 * a fuzzer's input): a NUL byte among them is an error, a rule file is text. */
bool td_rules_load_buffer(struct td_ruleset *rs, const char *buf, size_t len, const char *name,
			  char *err, size_t errlen);
bool td_rules_load_file(struct td_ruleset *rs, const char *path, char *err, size_t errlen);
/* The rules built into the program (rules/iphttps.rules). */
bool td_rules_load_default(struct td_ruleset *rs, char *err, size_t errlen);

size_t td_rules_count(const struct td_ruleset *rs);
/* Does any rule read a fact, or interpolate one, whose name holds word?
 * (Facts nothing reads need not be computed: the JA3/JA4 fingerprints.) */
bool td_rules_mention(const struct td_ruleset *rs, const char *word);

/* Decide one connection. explain, when not NULL, receives why each rule
 * matched or not. */
void td_rules_eval(const struct td_ruleset *rs, const struct td_facts *f, struct td_diagnosis *d,
		   FILE *explain);

/* One line per rule: id, kind, category, Windows code, summary template. */
void td_rules_list(const struct td_ruleset *rs, FILE *out);

/* Is this a category of the vocabulary (diagnosis or finding)? */
bool td_category_known(const char *category, bool finding);

#endif
