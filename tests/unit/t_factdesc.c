/* Unit tests for src/factdesc.c: the fact table's invariants (unique,
 * well-formed names; prefix groups contiguous so JSON nests in one pass;
 * offsets inside their structs; documented) and reading values through it. */
#include "tlsdiag/factdesc.h"
#include "tlsdiag/x509.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdiag/attr.h"
#include "tlsdiag/names.h"
#include "tap.h"

static const struct td_fact_desc *row(size_t i)
{
	return &td_facts_table[i];
}

/* Number of leading dotted components two names share, counting only
 * groups: a shared component must be followed by a dot in both names. */
static size_t shared_groups(const char *a, const char *b)
{
	size_t k = 0;
	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '.')
			k++;
	return k;
}

/* Is p (without a trailing dot) a group of name, i.e. name starts with "p."? */
static bool is_group_of(const char *p, const char *name)
{
	size_t n = strlen(p);
	return strncmp(p, name, n) == 0 && name[n] == '.';
}

/* --- Table invariants ----------------------------------------------------- */

static void test_table_not_empty(void)
{
	ok(td_facts_count > 50, "table: %zu rows", td_facts_count);
}

static void test_names_unique(void)
{
	size_t bad = 0;
	for (size_t i = 0; i < td_facts_count; i++)
		for (size_t j = i + 1; j < td_facts_count; j++)
			if (strcmp(row(i)->name, row(j)->name) == 0 && bad++ < 5)
				diag("  \"%s\" at rows %zu and %zu", row(i)->name, i, j);
	ok(bad == 0, "table: every name unique");
}

static bool name_well_formed(const char *s)
{
	if (!s || !*s || *s == '.' || s[strlen(s) - 1] == '.' || strstr(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.") == strlen(s);
}

static void test_names_well_formed(void)
{
	size_t bad = 0;
	for (size_t i = 0; i < td_facts_count; i++)
		if (!name_well_formed(row(i)->name) && bad++ < 5)
			diag("  row %zu: \"%s\"", i, row(i)->name ? row(i)->name : "(null)");
	ok(bad == 0, "table: names are lower-case dotted words, no empty component");
}

/* For rows i < j sharing k groups, every row between shares them too. */
static void test_prefix_groups_contiguous(void)
{
	size_t bad = 0;
	for (size_t i = 0; i < td_facts_count; i++) {
		for (size_t j = i + 2; j < td_facts_count; j++) {
			size_t k = shared_groups(row(i)->name, row(j)->name);
			if (k == 0)
				continue;
			for (size_t m = i + 1; m < j; m++) {
				if (shared_groups(row(i)->name, row(m)->name) < k) {
					if (bad++ < 5)
						diag("  \"%s\" (row %zu) splits \"%s\" (row %zu) from \"%s\" (row %zu)",
						     row(m)->name, m, row(i)->name, i, row(j)->name, j);
					break;
				}
			}
		}
	}
	ok(bad == 0, "table: rows sharing a dotted prefix are contiguous");
}

/* A JSON key cannot be both a value and an object. */
static void test_no_leaf_is_a_group(void)
{
	size_t bad = 0;
	for (size_t i = 0; i < td_facts_count; i++)
		for (size_t j = 0; j < td_facts_count; j++)
			if (is_group_of(row(i)->name, row(j)->name) && bad++ < 5)
				diag("  \"%s\" is a fact and the group of \"%s\"", row(i)->name, row(j)->name);
	ok(bad == 0, "table: no fact name is also the prefix group of another");
}

static void test_docs_present(void)
{
	size_t bad = 0;
	for (size_t i = 0; i < td_facts_count; i++)
		if ((!row(i)->doc || !row(i)->doc[0]) && bad++ < 5)
			diag("  \"%s\" has no doc", row(i)->name);
	ok(bad == 0, "table: every row documented");
}

static size_t value_size(const struct td_fact_desc *d)
{
	switch (d->type) {
	case TD_FT_BOOL: case TD_FT_U8: case TD_FT_WHO: case TD_FT_STAGE: case TD_FT_NAME8:
	case TD_FT_LEVEL:
		return 1;
	case TD_FT_U16: case TD_FT_NAME16:
		return 2;
	case TD_FT_U32: case TD_FT_CAPS: case TD_FT_I32:
		return 4;
	case TD_FT_U64: case TD_FT_FRAME: case TD_FT_TIME: case TD_FT_EPOCH:
		return 8;
	case TD_FT_IP:
		return sizeof(struct td_ip);
	case TD_FT_CHAIN:
		return sizeof(struct td_chain_facts);
	default:
		return 1; /* strings and lists: at least their first byte */
	}
}

/* The size of the struct a row's offset is relative to; 0 for an unknown base. */
static size_t base_size(enum td_fbase b)
{
	switch (b) {
	case TD_FB_CONN: return sizeof(struct td_facts);
	case TD_FB_TLS: return sizeof(struct td_tls_facts);
	case TD_FB_X509: return sizeof(struct td_x509_facts);
	case TD_FB_SLEAF: case TD_FB_CLEAF: return sizeof(struct td_cert_info);
	}
	return 0;
}

/* Offsets, sizes and list counts fit the struct they index. */
static void test_offsets_in_range(void)
{
	size_t bad = 0;
	for (size_t i = 0; i < td_facts_count; i++) {
		const struct td_fact_desc *d = row(i);
		size_t base = base_size(d->base);
		bool list = d->type == TD_FT_LIST8 || d->type == TD_FT_LIST16;
		bool good = base > 0 && d->off + value_size(d) <= base;
		if (d->present_off)
			good &= (d->present_size == 1 || d->present_size == 2 || d->present_size == 4 ||
				 d->present_size == 8) &&
				d->present_off - 1 + d->present_size <= base;
		if (list)
			good &= (d->count_size == 1 || d->count_size == 2) && d->count_off + d->count_size <= base;
		if (d->type == TD_FT_NAME8 || d->type == TD_FT_NAME16 || list)
			good &= d->reg < TD_REG__COUNT;
		good &= td_ftype_name(d->type) != NULL;
		if (!good && bad++ < 5)
			diag("  \"%s\": off %zu, present %zu/%u, count %zu/%u", d->name, d->off, d->present_off,
			     d->present_size, d->count_off, d->count_size);
	}
	ok(bad == 0, "table: offsets, presence fields and list counts inside their struct");
}

static void test_find(void)
{
	size_t bad = 0;
	for (size_t i = 0; i < td_facts_count; i++)
		if (td_fact_find(row(i)->name) != row(i) && bad++ < 5)
			diag("  \"%s\" not found at its row", row(i)->name);
	ok(bad == 0, "find: each of the %zu names finds its own row", td_facts_count);
	ok(td_fact_find("tls.no_such_fact") == NULL, "find: an unknown name gives NULL");
	ok(td_fact_find("tls.client_hello") == NULL, "find: a group name is not a fact");
	ok(td_fact_find("") == NULL, "find: the empty name gives NULL");
	ok(td_fact_find("TLS.SEEN") == NULL, "find: names are case-sensitive");
}

/* --- Values --------------------------------------------------------------- */

static struct td_facts *facts_new(void)
{
	struct td_facts *f = td_facts_new();
	if (!f)
		exit(99);
	return f;
}

static const struct td_fact_desc *fact(const char *name)
{
	const struct td_fact_desc *d = td_fact_find(name);
	if (!d) {
		diag("no fact \"%s\"", name);
		exit(99);
	}
	return d;
}

static void test_tls_rows_absent_without_tls(void)
{
	struct td_facts *f = facts_new();
	struct td_value v;
	size_t bad = 0, tls_rows = 0;
	for (size_t i = 0; i < td_facts_count; i++) {
		if (row(i)->base != TD_FB_TLS)
			continue;
		tls_rows++;
		if (td_fact_get(f, row(i), &v) && bad++ < 5)
			diag("  \"%s\" present without TLS facts", row(i)->name);
	}
	ok(tls_rows > 0 && bad == 0, "get: all %zu TLS rows absent while f->tls is NULL", tls_rows);
	ok(td_fact_get(f, fact("stage"), &v) && v.kind == TD_V_STR && strcmp(v.str, "syn-sent") == 0,
	   "get: stage of fresh facts is \"syn-sent\"");
	ok(!td_fact_get(f, fact("caps"), &v), "get: no caps on fresh facts");
	td_facts_free(f);
}

static void test_cipher_suite_list(void)
{
	struct td_facts *f = facts_new();
	struct td_tls_facts *t = td_facts_tls(f);
	const struct td_fact_desc *d = fact("tls.client_hello.cipher_suites");
	struct td_value v;
	char buf[64];

	ok(!td_fact_get(f, d, &v), "cipher_suites: absent before a ClientHello");
	t->ch.seen = true;
	t->ch.n_suites = 2;
	t->ch.suites[0] = 0x003b;
	t->ch.suites[1] = 0x0002;
	ok(td_fact_get(f, d, &v) && v.kind == TD_V_LIST && v.n == 2, "cipher_suites: a list of 2");
	ok(td_value_item(&v, 0) == 0x003b && td_value_item(&v, 1) == 0x0002, "cipher_suites: values in order");
	is_str(td_value_item_name(&v, 0, buf, sizeof(buf)), "TLS_RSA_WITH_NULL_SHA256", "cipher_suites: first name");
	is_str(td_value_item_name(&v, 1, buf, sizeof(buf)), "TLS_RSA_WITH_NULL_SHA", "cipher_suites: second name");

	t->ch.suites[1] = 0xfefe;
	is_str(td_value_item_name(&v, 1, buf, sizeof(buf)), "0xfefe",
	       "cipher_suites: an unassigned value spelled in hex");

	t->ch.n_compression = 1;
	t->ch.compression[0] = 0;
	ok(td_fact_get(f, fact("tls.client_hello.compression_methods"), &v) && v.n == 1 && v.item_size == 1 &&
		   strcmp(td_value_item_name(&v, 0, buf, sizeof(buf)), "null") == 0,
	   "compression_methods: an 8-bit list, \"null\"");
	ok(!td_fact_get(f, fact("tls.client_hello.supported_groups"), &v),
	   "supported_groups: absent when the extension was not sent");
	td_facts_free(f);
}

static void test_who(void)
{
	struct td_facts *f = facts_new();
	const struct td_fact_desc *d = fact("tcp.reset_by");
	struct td_value v;
	ok(!td_fact_get(f, d, &v), "tcp.reset_by: absent when 0 (nobody)");
	f->tcp.reset_by = TD_WHO_SERVER;
	ok(td_fact_get(f, d, &v) && v.kind == TD_V_STR && strcmp(v.str, "server") == 0,
	   "tcp.reset_by: \"server\" when TD_WHO_SERVER");
	f->tcp.fin_by = TD_WHO_BOTH;
	ok(td_fact_get(f, fact("tcp.fin_by"), &v) && strcmp(v.str, "both") == 0, "tcp.fin_by: \"both\"");
	td_facts_free(f);
}

static void test_scalar_kinds(void)
{
	struct td_facts *f = facts_new();
	struct td_tls_facts *t = td_facts_tls(f);
	struct td_value v;

	ok(!td_fact_get(f, fact("tls.client_hello.frame"), &v), "frame: absent when 0");
	t->ch.frame = 12;
	ok(td_fact_get(f, fact("tls.client_hello.frame"), &v) && v.kind == TD_V_NUM && v.num == 12,
	   "frame: 12 when set");

	ok(!td_fact_get(f, fact("tls.client_hello.sni"), &v), "string: absent when empty");
	strcpy(t->ch.sni, "da.contoso.test");
	ok(td_fact_get(f, fact("tls.client_hello.sni"), &v) && v.kind == TD_V_STR &&
		   strcmp(v.str, "da.contoso.test") == 0,
	   "string: the SNI when set");

	t->ch.version = 0x0303;
	ok(!td_fact_get(f, fact("tls.client_hello.version"), &v), "presence: version absent until ch.seen");
	t->ch.seen = true;
	ok(td_fact_get(f, fact("tls.client_hello.version"), &v) && strcmp(v.str, "TLSv1.2") == 0 && v.num == 0x0303,
	   "named value: version 0x0303 is \"%s\"", v.str ? v.str : "(none)");

	ok(td_fact_get(f, fact("tls.seen"), &v) && v.kind == TD_V_BOOL && !v.b, "bool: tls.seen false but present");

	t->dir[1].alert.seen = true;
	t->dir[1].alert.level = 2;
	t->dir[1].alert.description = 40;
	ok(td_fact_get(f, fact("tls.alert.server.level"), &v) && strcmp(v.str, "fatal") == 0, "level: 2 is fatal");
	ok(td_fact_get(f, fact("tls.alert.server.description"), &v) && strcmp(v.str, "handshake_failure") == 0,
	   "alert description: 40 is handshake_failure");
	ok(!td_fact_get(f, fact("tls.alert.client.level"), &v), "level: absent for the silent side");

	ok(!td_fact_get(f, fact("tls.server_hello.key_share_group"), &v), "omit_zero: key_share_group absent when 0");

	t->dir[0].records = 3;
	ok(td_fact_get(f, fact("tls.client.records"), &v) && v.kind == TD_V_NUM && v.num == 3, "u32: client records 3");
	td_facts_free(f);
}

static void test_caps(void)
{
	struct td_facts *f = facts_new();
	struct td_value v;
	char buf[32];
	f->caps_hit = (1u << TD_CAP_HS_MSG) | (1u << TD_CAP_LIST);
	ok(td_fact_get(f, fact("caps"), &v) && v.kind == TD_V_LIST && v.n == 2, "caps: two bits give a list of 2");
	is_str(td_value_item_name(&v, 0, buf, sizeof(buf)), "handshake-message-size", "caps: first name");
	is_str(td_value_item_name(&v, 1, buf, sizeof(buf)), "list-length", "caps: second name");
	td_facts_free(f);
}

int main(void)
{
	test_table_not_empty();
	test_names_unique();
	test_names_well_formed();
	test_prefix_groups_contiguous();
	test_no_leaf_is_a_group();
	test_docs_present();
	test_offsets_in_range();
	test_find();
	test_tls_rows_absent_without_tls();
	test_cipher_suite_list();
	test_who();
	test_scalar_kinds();
	test_caps();
	return done_testing();
}
