/*
 * The fact vocabulary: one row per fact with its dotted name, type and
 * meaning. The same names are the JSON keys (nested at the dots), the rule
 * language's names and what --list-facts prints. Rows sharing a prefix are
 * contiguous (a unit test checks it), so JSON nests them in one pass.
 */
#ifndef TLSDIAG_FACTDESC_H
#define TLSDIAG_FACTDESC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/facts.h"

enum td_ftype {
	TD_FT_BOOL, TD_FT_U8, TD_FT_U16, TD_FT_U32, TD_FT_U64,
	TD_FT_FRAME,  /* uint64_t frame number, absent when 0 */
	TD_FT_TIME,   /* double, seconds since the epoch */
	TD_FT_STR,    /* char array, absent when empty */
	TD_FT_IP,     /* struct td_ip */
	TD_FT_WHO,    /* uint8_t enum td_who, absent when none */
	TD_FT_STAGE,  /* uint8_t enum td_stage */
	TD_FT_NAME8,  /* uint8_t named by a registry */
	TD_FT_NAME16, /* uint16_t named by a registry */
	TD_FT_LEVEL,  /* uint8_t alert level: warning / fatal */
	TD_FT_LIST8,  /* uint8_t array named by a registry, uint8_t count */
	TD_FT_LIST16, /* uint16_t array named by a registry, count of count_size bytes */
	TD_FT_CAPS,   /* uint32_t bit set of enum td_cap */
	TD_FT_I32,    /* int32_t */
	TD_FT_EPOCH,  /* int64_t seconds since the epoch, shown as ISO 8601 UTC */
	TD_FT_CHAIN,  /* struct td_chain_facts: its certificates, for display */
	TD_FT_SECONDS,/* double, a duration in seconds, absent when 0 */
};

/* What a row's offset is relative to: the connection, its payload facts,
 * its certificate facts, or the server's / client's leaf certificate. */
enum td_fbase { TD_FB_CONN, TD_FB_TLS, TD_FB_X509, TD_FB_SLEAF, TD_FB_CLEAF };

struct td_fact_desc {
	const char *name;
	enum td_ftype type;
	enum td_fbase base;
	size_t off;
	size_t present_off;   /* 1 + offset of a field that must be non-zero, or 0 */
	uint8_t present_size; /* its size: 1 (bool) or 8 (frame) */
	size_t count_off;     /* lists: offset of the count */
	uint8_t count_size;   /* lists: 1 or 2 */
	uint8_t reg;          /* enum td_registry for named values */
	bool omit_zero;       /* numbers and names: absent when 0 */
	const char *doc;
};

enum td_vkind { TD_V_BOOL, TD_V_NUM, TD_V_STR, TD_V_LIST, TD_V_CHAIN };

/* A fact's value. Strings point into the facts or into buf. */
struct td_value {
	enum td_vkind kind;
	bool b;
	double num;
	bool has_num;         /* a named or time value that also has a number */
	const char *str;
	char buf[64];
	/* TD_V_LIST: n elements, each named by reg (or numbers when reg is -1) */
	const void *items;
	size_t n;
	uint8_t item_size;
	int reg;
	uint32_t bits;        /* TD_FT_CAPS */
	const void *chain;    /* TD_V_CHAIN: const struct td_chain_facts * */
};

extern const struct td_fact_desc td_facts_table[];
extern const size_t td_facts_count;

/* The value of a fact; false when absent (its group not seen, empty, 0 frame). */
bool td_fact_get(const struct td_facts *f, const struct td_fact_desc *d, struct td_value *v);
/* Element i of a list value, as a name (into buf) or a number. */
const char *td_value_item_name(const struct td_value *v, size_t i, char *buf, size_t buflen);
uint32_t td_value_item(const struct td_value *v, size_t i);
const struct td_fact_desc *td_fact_find(const char *name);
/* An epoch time as "2025-01-01T00:00:00Z". */
void td_iso_time(int64_t t, char *buf, size_t len);
/* An address and port as the reports write them: "192.0.2.1:443",
 * "[2001:db8::1]:443" (cut to fit buf and terminated). */
void td_endpoint_text(const struct td_ip *ip, uint16_t port, char *buf, size_t len);
/* "bool", "number", "string", "frame", "time", "list", "chain" */
const char *td_ftype_name(enum td_ftype t);

#endif
