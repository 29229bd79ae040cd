/*
 * Unit tests for the rule engine (src/rules_parse.c, src/rules_eval.c) and
 * the default rules (rules/iphttps.rules).
 *
 *  1. parser errors: FILE:LINE:COLUMN and message, all-or-nothing loading;
 *  2. a rule redefined by id replaces the old one in place;
 *  3. each operator of the language on real facts;
 *  4. absent facts: a comparison is false, its negation true;
 *  5. evidence frames; 6. ${fact} interpolation and the Windows code;
 *  7. first diagnosis wins, every finding counts, nothing -> incomplete;
 *  8. --explain output;
 *  9. every default rule: a positive case and a near miss, on facts set the
 *     way the parsers set them (seen flags, frames, counts), derived facts
 *     computed by td_facts_derive as the program does.
 *
 * A test that shows a bug is kept, failing, after a "KNOWN BUG" diagnostic.
 */
#include "tlsdiag/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdiag/diagnosis.h"
#include "tlsdiag/facts.h"
#include "tlsdiag/names.h"
#include "tlsdiag/x509.h"
#include "tap.h"

/* --- Helpers: rule sets ---------------------------------------------------- */

static void *must(void *p)
{
	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(99);
	}
	return p;
}

/* A rule set from a text that must load (a failure is reported, and the
 * rules loaded so far are kept so the test goes on). */
static struct td_ruleset *rules(const char *text, const char *name)
{
	struct td_ruleset *rs = must(td_rules_new());
	char err[512] = "";
	if (!td_rules_load_text(rs, text, name, err, sizeof(err)))
		diag("  rules did not load: %s", err);
	return rs;
}

static struct td_ruleset *default_rules(void)
{
	struct td_ruleset *rs = must(td_rules_new());
	char err[512] = "";
	if (!td_rules_load_default(rs, err, sizeof(err)))
		diag("  default rules did not load: %s", err);
	return rs;
}

/* --- Helpers: facts, set the way the parsers set them ---------------------- */

static const uint16_t NULL_ONLY[] = { 0x003b, 0x0002, 0x00ff };  /* Windows 8+ IP-HTTPS */
static const uint16_t MIXED[] = { 0x003b, 0x0002, 0xc02f, 0x002f, 0x00ff };
static const uint16_t MODERN[] = { 0xc02f, 0xc030, 0x002f };
static const uint16_t TLS13[] = { 0x1301, 0x1302, 0xc02f };

/* A TCP connection 192.0.2.10:50000 -> 203.0.113.5:443; with_synack: the
 * 3-way handshake is complete (SYN frame 1, SYN-ACK frame 2). */
static struct td_facts *tcp_flow(bool with_synack)
{
	struct td_facts *f = must(td_facts_new());
	static const uint8_t cip[4] = { 192, 0, 2, 10 }, sip[4] = { 203, 0, 113, 5 };
	f->tcp.client_ip.family = f->tcp.server_ip.family = 4;
	memcpy(f->tcp.client_ip.addr, cip, 4);
	memcpy(f->tcp.server_ip.addr, sip, 4);
	f->tcp.client_port = 50000;
	f->tcp.server_port = 443;
	f->tcp.syn_count = 1;
	f->tcp.syn_frame = f->tcp.first_frame = f->tcp.last_frame = 1;
	f->tcp.packets = 1;
	if (with_synack) {
		f->tcp.synack_frame = f->tcp.last_frame = 2;
		f->tcp.synack_ttl = 118;
		f->tcp.reassembled = true;
		f->tcp.packets = 3;
	}
	return f;
}

static struct td_tls_facts *tls(struct td_facts *f)
{
	return must(td_facts_tls(f));
}

static void client_hello(struct td_facts *f, uint64_t frame, const uint16_t *suites, size_t n)
{
	struct td_tls_facts *t = tls(f);
	struct td_client_hello *ch = &t->ch;
	t->tls_seen = true;
	t->dir[TD_DIR_C2S].records++;
	f->tcp.bytes[TD_DIR_C2S] += 200;
	ch->seen = true;
	ch->frame = frame;
	ch->ts = (double)frame;
	ch->record_version = 0x0301;
	ch->version = ch->max_version = 0x0303;
	for (size_t i = 0; i < n; i++) {
		ch->suites[ch->n_suites++] = suites[i];
		if (td_suite_is_null(suites[i]))
			ch->null_suites++;
		else if (suites[i] != 0x00ff && !td_is_grease(suites[i]))
			ch->non_null_suites++;
		if (suites[i] >= 0x1301 && suites[i] <= 0x1305)
			ch->max_version = 0x0304;
	}
	if (ch->max_version == 0x0304) {
		ch->versions[ch->n_versions++] = 0x0304;
		ch->versions[ch->n_versions++] = 0x0303;
		ch->key_shares[ch->n_key_shares++] = 0x001d;
	}
	ch->compression[ch->n_compression++] = 0;
	ch->exts[ch->n_exts++] = 0x0000;
	ch->exts[ch->n_exts++] = 0xff01;
	snprintf(ch->sni, sizeof(ch->sni), "vpn.contoso.test");
	f->tcp.last_frame = frame;
}

static void server_hello(struct td_facts *f, uint64_t frame, uint16_t version, uint16_t suite)
{
	struct td_tls_facts *t = tls(f);
	struct td_server_hello *sh = &t->sh;
	t->tls_seen = true;
	t->dir[TD_DIR_S2C].records++;
	f->tcp.bytes[TD_DIR_S2C] += 1500;
	sh->seen = true;
	sh->frame = frame;
	sh->ts = (double)frame;
	sh->version = version > 0x0303 ? 0x0303 : version;
	sh->selected_version = version;
	sh->suite = suite;
	sh->null_cipher = td_suite_is_null(suite);
	sh->compression = 0;
	sh->exts[sh->n_exts++] = 0xff01;
	if (version == 0x0304)
		sh->key_share_group = 0x001d;
	f->tcp.last_frame = frame;
}

/* The rest of a TLS 1.2 server flight: Certificate (one certificate), an
 * optional CertificateRequest, ServerHelloDone, all in one frame. */
static void server_flight12(struct td_facts *f, uint64_t frame, bool cert_request)
{
	struct td_tls_facts *t = tls(f);
	t->server_certs.seen = true;
	t->server_certs.frame = frame;
	t->server_certs.count = 1;
	if (cert_request) {
		t->cert_request.seen = true;
		t->cert_request.frame = frame;
		t->cert_request.types[t->cert_request.n_types++] = 1;
		t->cert_request.n_ca_names = 1;
	}
	t->server_hello_done = true;
	t->server_hello_done_frame = frame;
}

/* ChangeCipherSpec and Finished of one side (encrypted: inferred from the
 * first record after CCS, as tls_stream.c does). */
static void finished(struct td_facts *f, enum td_dir dir, uint64_t frame)
{
	struct td_tls_dir_facts *df = &tls(f)->dir[dir];
	df->ccs_seen = true;
	df->ccs_frame = frame;
	df->finished_seen = df->encrypted_finished = true;
	df->finished_frame = frame;
	df->encrypted_hs_records++;
	df->records += 2;
	f->tcp.last_frame = frame;
}

/* A complete TLS 1.2 handshake: ClientHello 4, server flight 5, client
 * flight 6 (ClientKeyExchange, CCS, Finished), server CCS + Finished 7. */
static struct td_facts *handshake12(const uint16_t *suites, size_t n, uint16_t suite)
{
	struct td_facts *f = tcp_flow(true);
	client_hello(f, 4, suites, n);
	server_hello(f, 5, 0x0303, suite);
	server_flight12(f, 5, false);
	tls(f)->client_key_exchange = true;
	tls(f)->client_key_exchange_frame = 6;
	finished(f, TD_DIR_C2S, 6);
	finished(f, TD_DIR_S2C, 7);
	return f;
}

static void alert(struct td_facts *f, enum td_dir dir, uint64_t frame, uint8_t level, uint8_t description)
{
	struct td_tls_facts *t = tls(f);
	struct td_alert *a = &t->dir[dir].alert;
	a->seen = true;
	a->frame = frame;
	a->ts = (double)frame;
	a->level = level;
	a->description = description;
	a->before_server_hello = !t->sh.seen;
	t->dir[dir].alerts++;
	t->dir[dir].records++;
	f->tcp.last_frame = frame;
}

/* An alert after the keys changed: level and description unreadable. */
static void alert_encrypted(struct td_facts *f, enum td_dir dir, uint64_t frame)
{
	alert(f, dir, frame, 0, 0);
	tls(f)->dir[dir].alert.encrypted = true;
}

static void fin(struct td_facts *f, enum td_who who, uint64_t frame)
{
	if (who == TD_WHO_CLIENT)
		f->tcp.fin_frame_client = frame;
	else
		f->tcp.fin_frame_server = frame;
	f->tcp.fin_by |= (uint8_t)who;
	if (!f->tcp.first_fin_by)
		f->tcp.first_fin_by = (uint8_t)who;
	f->tcp.last_frame = frame;
}

static void rst(struct td_facts *f, enum td_who who, uint64_t frame, uint8_t ttl)
{
	f->tcp.reset_by = (uint8_t)who;
	f->tcp.rst_frame = frame;
	f->tcp.rst_ttl = ttl;
	f->tcp.rst_before_data = !f->tcp.bytes[0] && !f->tcp.bytes[1];
	f->tcp.last_frame = frame;
}

/* The connection was still open when its capture ended at `end`. */
static void open_at_end(struct td_facts *f, double end)
{
	f->open_at_end = true;
	f->capture_end_ts = end;
}

static struct td_x509_facts *x509(struct td_facts *f)
{
	if (!f->x509)
		f->x509 = must(calloc(1, sizeof(struct td_x509_facts)));
	return f->x509;
}

/* The server's chain as td_x509_analyze leaves it: a leaf for cn issued by
 * issuer, and that issuer's CA certificate. Returns the leaf. */
static struct td_cert_info *server_chain(struct td_facts *f, const char *cn, const char *issuer)
{
	struct td_chain_facts *c = &x509(f)->server;
	c->seen = true;
	c->n = 2;
	c->certs = must(calloc(2, sizeof(struct td_cert_info)));
	c->ordered = true;
	c->ends_self_signed = false;
	struct td_cert_info *leaf = &c->certs[0], *ca = &c->certs[1];
	leaf->parsed = ca->parsed = true;
	snprintf(leaf->subject, sizeof(leaf->subject), "CN=%s", cn);
	snprintf(leaf->cn, sizeof(leaf->cn), "%s", cn);
	snprintf(leaf->san_dns, sizeof(leaf->san_dns), "%s", cn);
	leaf->n_san_dns = 1;
	snprintf(leaf->issuer, sizeof(leaf->issuer), "%s", issuer);
	snprintf(leaf->key_type, sizeof(leaf->key_type), "RSA");
	leaf->key_bits = 2048;
	leaf->not_before = 1700000000;
	leaf->not_after = 1800000000;
	leaf->days_left = 500;
	leaf->minutes_since_issue = 200000;
	leaf->eku_server_auth = leaf->has_eku = true;
	leaf->signed_by_next = true;
	snprintf(ca->subject, sizeof(ca->subject), "%s", issuer);
	snprintf(ca->issuer, sizeof(ca->issuer), "%s", issuer);
	ca->is_ca = ca->self_signed = true;
	snprintf(x509(f)->server.expected_name, sizeof(c->expected_name), "vpn.contoso.test");
	snprintf(x509(f)->server.name_source, sizeof(c->name_source), "sni");
	c->name_checked = c->name_matched = c->cn_matches = true;
	snprintf(c->matched_name, sizeof(c->matched_name), "%s", cn);
	return leaf;
}

static struct td_cert_info *client_chain(struct td_facts *f, const char *issuer)
{
	struct td_chain_facts *c = &x509(f)->client;
	c->seen = true;
	c->n = 1;
	c->certs = must(calloc(1, sizeof(struct td_cert_info)));
	struct td_cert_info *leaf = &c->certs[0];
	leaf->parsed = true;
	snprintf(leaf->subject, sizeof(leaf->subject), "CN=laptop1.corp.contoso.test");
	snprintf(leaf->issuer, sizeof(leaf->issuer), "%s", issuer);
	leaf->eku_client_auth = leaf->has_eku = true;
	return leaf;
}

/* A connection of n SYNs and nothing else, open when the capture ended
 * `span` seconds after the first SYN (the last SYN at most 1 s before). */
static struct td_facts *syns(uint32_t n, double span)
{
	struct td_facts *f = tcp_flow(false);
	f->tcp.syn_count = n;
	f->tcp.syn_ts = f->tcp.first_ts = 1000;
	f->tcp.syn_last_ts = f->tcp.last_ts = 1000 + (n > 1 ? span - (span > 1 ? 1 : 0) : 0);
	f->tcp.packets = n;
	open_at_end(f, 1000 + span);
	return f;
}

/* Derive, as the program does once the connection is over, and decide. */
static void decide(const struct td_ruleset *rs, struct td_facts *f, struct td_diagnosis *d)
{
	td_facts_derive(f);
	td_rules_eval(rs, f, d, NULL);
}

static bool has_finding(const struct td_diagnosis *d, const char *id)
{
	for (size_t i = 0; i < d->n_findings; i++)
		if (d->findings[i].rule && strcmp(d->findings[i].rule, id) == 0)
			return true;
	return false;
}

static bool has_evidence(const struct td_diagnosis *d, uint64_t frame)
{
	for (size_t i = 0; i < d->n_evidence; i++)
		if (d->evidence[i].frame == frame)
			return true;
	return false;
}

/* "4,6": the evidence frames in order. */
static const char *evidence_frames(const struct td_diagnosis *d)
{
	static char buf[200];
	buf[0] = '\0';
	for (size_t i = 0; i < d->n_evidence; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof(buf) - used, "%s%llu", i ? "," : "",
			 (unsigned long long)d->evidence[i].frame);
	}
	return buf;
}

/* A FILE* on a growing buffer, for --explain and --list-rules. */
struct membuf {
	FILE *fp;
	char *buf;
	size_t len;
};

static void membuf_open(struct membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->fp = must(open_memstream(&m->buf, &m->len));
}

static const char *membuf_text(struct membuf *m)
{
	fflush(m->fp);
	return m->buf ? m->buf : "";
}

static void membuf_close(struct membuf *m)
{
	fclose(m->fp);
	free(m->buf);
}

/* --- 1. Parser errors ------------------------------------------------------- */

struct error_case {
	const char *what;
	const char *text;
	const char *error;      /* the exact error text */
};


static const struct error_case error_cases[] = {
	{ "unknown fact in 'when'",
	  "rule r {\n  kind diagnosis\n  when tls.nope\n}\n",
	  "t.rules:3:8: unknown fact 'tls.nope' (tlsdiag --list-facts lists them)" },
	{ "unknown fact as a value",
	  "rule r {\n  kind finding\n  category weak-dh\n  when tls.client_hello.version == tls.bogus\n  summary \"s\"\n}\n",
	  "t.rules:4:36: unknown fact 'tls.bogus' (tlsdiag --list-facts lists them)" },
	{ "unknown fact in a list of 'in'",
	  "rule r {\n  when tls.seen in [1, tls.bogus]\n}\n",
	  "t.rules:2:24: unknown fact 'tls.bogus' (tlsdiag --list-facts lists them)" },
	{ "unknown fact in ${...} of a summary",
	  "rule r {\n  kind finding\n  category weak-dh\n  when true\n  summary \"x ${tls.nope} y\"\n}\n",
	  "t.rules:5:11: unknown fact 'tls.nope' in ${...}" },
	{ "unknown fact in ${...} of windows",
	  "rule r {\n  windows \"${tls.alert.server.nope}\"\n}\n",
	  "t.rules:2:11: unknown fact 'tls.alert.server.nope' in ${...}" },
	{ "unterminated ${",
	  "rule r {\n  kind finding\n  category weak-dh\n  when true\n  summary \"a ${tls.seen\"\n}\n",
	  "t.rules:5:11: unterminated ${...} in \"a ${tls.seen\"" },
	{ "missing kind",
	  "# one rule\nrule r {\n  category ok\n  when true\n  summary \"s\"\n  remedy \"r\"\n}\n",
	  "t.rules:2:1: rule 'r' has no 'kind' (diagnosis or finding)" },
	{ "missing category",
	  "# one rule\nrule r {\n  kind diagnosis\n  when true\n  summary \"s\"\n  remedy \"r\"\n}\n",
	  "t.rules:2:1: rule 'r' has no 'category'" },
	{ "unknown category",
	  "# one rule\nrule r {\n  kind diagnosis\n  category nope\n  when true\n  summary \"s\"\n  remedy \"r\"\n}\n",
	  "t.rules:2:1: rule 'r': 'nope' is not a diagnosis category of the vocabulary (doc/rules.md)" },
	{ "a diagnosis category on a finding",
	  "# one rule\nrule r {\n  kind finding\n  category ok\n  when true\n  summary \"s\"\n}\n",
	  "t.rules:2:1: rule 'r': 'ok' is not a finding category of the vocabulary (doc/rules.md)" },
	{ "missing when",
	  "# one rule\nrule r {\n  kind diagnosis\n  category ok\n  summary \"s\"\n  remedy \"r\"\n}\n",
	  "t.rules:2:1: rule 'r' has no 'when'" },
	{ "missing summary",
	  "# one rule\nrule r {\n  kind diagnosis\n  category ok\n  when true\n  remedy \"r\"\n}\n",
	  "t.rules:2:1: rule 'r' has no 'summary'" },
	{ "missing remedy of a diagnosis",
	  "# one rule\nrule r {\n  kind diagnosis\n  category ok\n  when true\n  summary \"s\"\n}\n",
	  "t.rules:2:1: diagnosis rule 'r' has no 'remedy'" },
	{ "duplicate id in one file",
	  "rule r { kind finding category weak-dh when true summary \"s\" }\n"
	  "rule r { kind finding category weak-dh when false summary \"t\" }\n",
	  "t.rules:2:1: rule 'r' defined twice in this file" },
	{ "unknown field",
	  "rule r {\n  kind finding\n  colour red\n}\n",
	  "t.rules:3:10: unknown field 'colour' (kind, category, windows, confidence, evidence, alternative, when, summary, explain, remedy)" },
	{ "'kind' given twice",
	  "rule r {\n  kind diagnosis\n  kind finding\n}\n",
	  "t.rules:3:8: 'kind' given twice" },
	{ "'summary' given twice",
	  "rule r {\n  summary \"a\"\n  summary \"b\"\n}\n",
	  "t.rules:3:11: 'summary' given twice" },
	{ "'when' given twice",
	  "rule r {\n  when true\n  when false\n}\n",
	  "t.rules:3:8: 'when' given twice" },
	{ "unterminated string",
	  "rule r {\n  summary \"abc\n}\n",
	  "t.rules:2:11: expected a string after 'summary', found unterminated string" },
	{ "a string where a summary needs one",
	  "rule r {\n  summary 12\n}\n",
	  "t.rules:2:11: expected a string after 'summary', found '12'" },
	{ "bad number (letters after digits)",
	  "rule r {\n  when tls.client_hello.null_suites > 12ab\n}\n",
	  "t.rules:2:39: expected a number, a string, true, false or a fact, found malformed number" },
	{ "bad number (0x without digits)",
	  "rule r {\n  when tls.client_hello.null_suites > 0x\n}\n",
	  "t.rules:2:39: expected a number, a string, true, false or a fact, found malformed number" },
	{ "bad number (a fraction)",
	  "rule r {\n  when tls.client_hello.null_suites > 1.5\n}\n",
	  "t.rules:2:39: expected a number, a string, true, false or a fact, found malformed number" },
	{ "bad number (out of range)",
	  "rule r {\n  when tls.client_hello.null_suites > 99999999999999999999999\n}\n",
	  "t.rules:2:39: expected a number, a string, true, false or a fact, found malformed number" },
	{ "bad confidence value",
	  "rule r {\n  confidence certain\n}\n",
	  "t.rules:2:14: bad value 'certain' for 'confidence'" },
	{ "bad kind value",
	  "rule r {\n  kind rule\n}\n",
	  "t.rules:2:8: bad value 'rule' for 'kind'" },
	{ "missing '}'",
	  "rule r {\n  kind finding\n",
	  "t.rules:3:1: expected '}' closing the rule, found end of file" },
	{ "missing '{'",
	  "rule r\n  kind finding\n}\n",
	  "t.rules:2:3: expected '{', found 'kind'" },
	{ "missing id",
	  "rule {\n}\n",
	  "t.rules:1:6: expected the rule's id, found '{'" },
	{ "something else than 'rule'",
	  "kind finding\n",
	  "t.rules:1:1: expected 'rule', found 'kind'" },
	{ "'(' without ')'",
	  "rule r {\n  kind finding\n  category weak-dh\n  when (true and false\n  summary \"s\"\n}\n",
	  "t.rules:5:3: expected ')', found 'summary'" },
	{ "')' without '('",
	  "rule r {\n  when true)\n}\n",
	  "t.rules:2:12: expected a field (kind, category, windows, confidence, evidence, alternative, when, summary, explain, remedy) "
	  "or '}', found ')'" },
	{ "empty condition",
	  "rule r {\n  when }\n",
	  "t.rules:2:8: expected a fact, 'not', 'true', 'false' or '(', found '}'" },
	{ "operator without a value",
	  "rule r {\n  when tls.seen == }\n",
	  "t.rules:2:20: expected a number, a string, true, false or a fact, found '}'" },
	{ "'in' without '['",
	  "rule r {\n  when tls.alert.server.description in \"x\"\n}\n",
	  "t.rules:2:40: expected '[' starting the list of 'in', found string \"x\"" },
	{ "'in' list without ','",
	  "rule r {\n  when tls.alert.server.description in [\"a\" \"b\"]\n}\n",
	  "t.rules:2:45: expected ',' or ']' in the list, found string \"b\"" },
	{ "bad regular expression",
	  "rule r {\n  kind finding\n  category weak-dh\n  when tls.client_hello.sni matches \"(\"\n  summary \"s\"\n}\n",
	  "t.rules:4:37: bad regular expression \"(\"" },
	{ "'matches' with a number",
	  "rule r {\n  kind finding\n  category weak-dh\n  when tls.client_hello.sni matches 5\n  summary \"s\"\n}\n",
	  "t.rules:4:37: 'matches' wants a regular expression in a string" },
	{ "a chain fact with ==",
	  "rule r {\n  kind finding\n  category weak-dh\n  when x509.server.chain == \"a\"\n  summary \"s\"\n}\n",
	  "t.rules:4:8: 'x509.server.chain' is a chain for display: only 'exists' applies" },
	{ "a chain fact alone",
	  "rule r {\n  kind finding\n  category weak-dh\n  when x509.client.chain\n  summary \"s\"\n}\n",
	  "t.rules:4:8: 'x509.client.chain' is a chain for display: only 'exists' applies" },
	{ "unexpected character in a condition",
	  "rule r {\n  when tls.seen = true\n}\n",
	  "t.rules:2:17: expected a field (kind, category, windows, confidence, evidence, alternative, when, summary, explain, remedy) "
	  "or '}', found unexpected character '='" },
	{ "unexpected character at the top",
	  "@\n",
	  "t.rules:1:1: expected 'rule', found unexpected character '@'" },
	{ "unprintable character",
	  "rule r {\n  \x01\n}\n",
	  "t.rules:2:3: expected a field (kind, category, windows, confidence, evidence, alternative, when, summary, explain, remedy) "
	  "or '}', found unexpected character '?'" },
	{ "an error in the second rule",
	  "rule keep { kind diagnosis category tcp-reset when true summary \"replaced\" remedy \"r\" }\n"
	  "rule fine { kind finding category weak-dh when true summary \"s\" }\n"
	  "rule bad { kind finding category weak-dh when tls.nope summary \"s\" }\n",
	  "t.rules:3:47: unknown fact 'tls.nope' (tlsdiag --list-facts lists them)" },
};

static void test_parse_errors(void)
{
	static const char keep[] =
		"rule keep {\n kind diagnosis\n category ok\n when true\n summary \"kept\"\n remedy \"r\"\n}\n";
	struct td_ruleset *rs = rules(keep, "keep.rules");
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		char err[512] = "";
		bool loaded = td_rules_load_text(rs, c->text, "t.rules", err, sizeof(err));
		ok(!loaded, "error: %s: not loaded", c->what);
		is_str(err, c->error, "error: %s: exact text", c->what);
		is_int(td_rules_count(rs), 1, "error: %s: no rule added", c->what);
	}
	/* Nothing of a failed file replaced the rule it redefined. */
	struct td_facts *f = tcp_flow(true);
	struct td_diagnosis d;
	decide(rs, f, &d);
	is_str(d.rule, "keep", "error: failed files left the existing rule");
	is_str(d.summary, "kept", "error: failed files did not replace it");
	td_facts_free(f);
	td_rules_free(rs);
}

static void test_parse_limits_and_empty(void)
{
	/* A 1023-byte string is the longest accepted. */
	char *text = must(malloc(1200)), err[512] = "";
	struct td_ruleset *rs = must(td_rules_new());
	for (size_t len = 1023; len <= 1024; len++) {
		int n = snprintf(text, 1200, "rule r {\n  summary \"");
		memset(text + n, 'x', len);
		snprintf(text + n + len, 1200 - (size_t)n - len, "\"\n  kind finding\n  category weak-dh\n  when true\n}\n");
		err[0] = '\0';
		bool loaded = td_rules_load_text(rs, text, "t.rules", err, sizeof(err));
		if (len == 1023)
			ok(loaded, "string of 1023 bytes accepted (%s)", err);
		else
			is_str(err, "t.rules:2:11: expected a string after 'summary', found string longer than 1023 bytes",
			       "string of 1024 bytes: exact error");
	}
	is_int(td_rules_count(rs), 1, "only the 1023-byte rule was added");
	free(text);
	td_rules_free(rs);

	static const char *const empty[] = { "", "   \n\n\t\n", "# only a comment\n# and another", "#" };
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		rs = must(td_rules_new());
		err[0] = '\0';
		ok(td_rules_load_text(rs, empty[i], "e.rules", err, sizeof(err)), "empty/comments-only text %zu loads", i);
		is_int(td_rules_count(rs), 0, "empty/comments-only text %zu: 0 rules", i);
		is_str(err, "", "empty/comments-only text %zu: no error", i);
		td_rules_free(rs);
	}

	/* Comments anywhere, 'exists' on a chain, a finding needs no remedy. */
	rs = rules("# c\nrule a { # c\n kind finding # c\n category self-signed\n when x509.server.chain exists # c\n"
		   " summary \"s\" }\n# end", "c.rules");
	is_int(td_rules_count(rs), 1, "comments between tokens; chain exists; finding without remedy");
	td_rules_free(rs);

	/* A file that cannot be read; a file read. */
	rs = must(td_rules_new());
	ok(!td_rules_load_file(rs, "/nonexistent/x.rules", err, sizeof(err)), "missing file: not loaded");
	is_str(err, "/nonexistent/x.rules: No such file or directory", "missing file: error");
	char path[] = "/tmp/t_rules_XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fp) {
		fputs("\nrule from-file { kind diagnosis category ok when true summary \"s\" remedy \"r\" }\n", fp);
		fclose(fp);
		ok(td_rules_load_file(rs, path, err, sizeof(err)), "file: loaded");
		struct membuf m;
		membuf_open(&m);
		td_rules_list(rs, m.fp);
		char origin[64];
		snprintf(origin, sizeof(origin), "%s:2", path);
		ok(strstr(membuf_text(&m), origin) != NULL, "file: origin is FILE:LINE of the rule");
		membuf_close(&m);
		remove(path);
	} else {
		ok(0, "file: could not make a temporary file");
	}
	td_rules_free(rs);
}

/* td_rules_load_buffer: bytes without a terminating NUL (read exactly,
 * ASan sees any read past them); a NUL among them is refused, from a
 * buffer and from a file alike (the file loader uses it). */
static void test_load_buffer(void)
{
	static const char rule[] = "rule b { kind finding category weak-dh when true summary \"s\" }";
	char err[512] = "";
	size_t n = sizeof(rule) - 1;
	char *exact = must(malloc(n));
	memcpy(exact, rule, n);
	struct td_ruleset *rs = must(td_rules_new());
	ok(td_rules_load_buffer(rs, exact, n, "b.rules", err, sizeof(err)), "buffer: loaded (%s)", err);
	is_int(td_rules_count(rs), 1, "buffer: one rule");
	ok(td_rules_load_buffer(rs, exact, 0, "b.rules", err, sizeof(err)) && td_rules_count(rs) == 1,
	   "buffer of 0 bytes: loads, adds nothing");
	exact[n - 1] = '\0';
	ok(!td_rules_load_buffer(rs, exact, n, "n.rules", err, sizeof(err)), "buffer with a NUL byte: refused");
	is_str(err, "n.rules: a rule file is text: it has a NUL byte", "buffer with a NUL byte: error");
	is_int(td_rules_count(rs), 1, "buffer with a NUL byte: nothing added");
	free(exact);

	char path[] = "/tmp/t_rules_XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fp) {
		fwrite(rule, 1, sizeof(rule), fp); /* the terminating NUL too */
		fclose(fp);
		err[0] = '\0';
		ok(!td_rules_load_file(rs, path, err, sizeof(err)), "file with a NUL byte: refused");
		ok(strstr(err, ": a rule file is text: it has a NUL byte") != NULL && strncmp(err, path, strlen(path)) == 0,
		   "file with a NUL byte: PATH: the buffer's error (%s)", err);
		remove(path);
	} else {
		ok(0, "file: could not make a temporary file");
	}
	td_rules_free(rs);
}

/* Numbers in texts: whole ones as integers at any size, negative ones too;
 * a time of 2^63 s (a pcapng time at the top of time_t) was converted to
 * long long first (regress/fuzz_rules/time-2-63-interpolated). */
static void test_interpolate_numbers(void)
{
	static const struct { double t; const char *want; } cases[] = {
		{ 9223372036854775807.0, "9223372036854775808" }, /* 2^63: the double nearest INT64_MAX */
		{ 18446744073709551616.0, "18446744073709551616.000000" }, /* 2^64: past every integer type */
		{ -256.0, "-256" }, { -255.5, "-255.500000" }, { 1700000000.25, "1700000000.250000" },
		{ -9223372036854775808.0, "-9223372036854775808" },
	};
	struct td_ruleset *rs = rules("rule n { kind diagnosis category ok when tcp.first_time exists "
				      "summary \"${tcp.first_time}\" remedy \"r\" }", "n.rules");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct td_facts *f = must(td_facts_new());
		struct td_diagnosis d;
		f->tcp.first_ts = cases[i].t;
		td_rules_eval(rs, f, &d, NULL);
		is_str(d.summary, cases[i].want, "interpolated time, case %zu", i);
		td_facts_free(f);
	}
	td_rules_free(rs);
}

/* The text around placeholders: single braces and a '$' without one are
 * text, a group with an absent fact goes, and a text longer than the
 * summary is cut at its end. */
static void test_interpolate_text(void)
{
	struct td_ruleset *rs = rules("rule t { kind diagnosis category ok when tcp.syn_count exists "
				      "summary \"a {b} $c } ${tcp.syn_count}{{ gone ${tls.client_hello.sni}}}{{ kept "
				      "${tcp.syn_count}}} $ end\" remedy \"r\" }", "t.rules");
	struct td_facts *f = must(td_facts_new());
	struct td_diagnosis d;
	f->tcp.syn_count = 3;
	td_rules_eval(rs, f, &d, NULL);
	is_str(d.summary, "a {b} $c } 3 kept 3 $ end", "interpolated text: braces and '$' kept, the group of an absent fact gone");
	td_rules_free(rs);
	char rule[1200], want[sizeof(d.summary)];
	char *p = rule + snprintf(rule, sizeof(rule), "rule l { kind diagnosis category ok when tcp.syn_count exists summary \"");
	for (size_t i = 0; i < 100; i++)
		p += snprintf(p, rule + sizeof(rule) - p, "%c{}$x%zu ", (char)('a' + i % 26), i % 10);
	snprintf(p, rule + sizeof(rule) - p, "\" remedy \"r\" }");
	const char *text = strstr(rule, "summary \"") + 9;
	snprintf(want, sizeof(want), "%.*s", (int)(strstr(text, "\" remedy") - text), text);
	rs = rules(rule, "l.rules");
	td_rules_eval(rs, f, &d, NULL);
	is_str(d.summary, want, "interpolated text longer than the summary: cut at %zu bytes", sizeof(d.summary) - 1);
	td_rules_free(rs);
	td_facts_free(f);
}

/* Conditions are bounded: 64 '(' or 'not' inside one another, 1024 tests
 * and operators; past that a load error at the token, not a stack overflow
 * in the parser, the evaluator or td_node_free() (20 000 '(', 200 000 tests). */
static const char cond_head[] = "rule a { kind finding category weak-dh when ";

static char *condition(const char *open, size_t n_open, const char *close, const char *join, size_t n_terms)
{
	size_t cap = sizeof(cond_head) + n_open * (strlen(open) + strlen(close)) + n_terms * (strlen(join) + 5) + 32;
	char *t = must(malloc(cap)), *p = t;
	p += sprintf(p, "%s", cond_head);
	for (size_t i = 0; i < n_open; i++)
		p += sprintf(p, "%s", open);
	p += sprintf(p, "true");
	for (size_t i = 1; i < n_terms; i++)
		p += sprintf(p, "%strue", join);
	for (size_t i = 0; i < n_open; i++)
		p += sprintf(p, "%s", close);
	sprintf(p, " summary \"s\" }");
	return t;
}

static void test_condition_bounds(void)
{
	enum { LOADS, DEPTH, NODES };
	static const struct {
		const char *what, *open, *close, *join;
		size_t n_open, n_terms;
		int bound;
	} cases[] = {
		{ "64 nested '('", "(", ")", "", 64, 1, LOADS },
		{ "65 nested '('", "(", ")", "", 65, 1, DEPTH },
		{ "20000 nested '('", "(", ")", "", 20000, 1, DEPTH },
		{ "64 'not'", "not ", "", "", 64, 1, LOADS },
		{ "65 'not'", "not ", "", "", 65, 1, DEPTH },
		{ "512 tests joined by 'and' (1023 nodes)", "", "", " and ", 0, 512, LOADS },
		{ "513 tests joined by 'or' (1025 nodes)", "", "", " or ", 0, 513, NODES },
		{ "200000 tests joined by 'and'", "", "", " and ", 0, 200000, NODES },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = condition(cases[i].open, cases[i].n_open, cases[i].close, cases[i].join, cases[i].n_terms);
		struct td_ruleset *rs = must(td_rules_new());
		char err[512] = "", want[512];
		bool loaded = td_rules_load_text(rs, text, "t.rules", err, sizeof(err));
		/* At the 65th '(' or 'not', at the 513th test (its 1025th node). */
		size_t col = strlen(cond_head) + 1 +
			     (cases[i].bound == DEPTH ? 64 * strlen(cases[i].open) : 512 * (4 + strlen(cases[i].join)));
		snprintf(want, sizeof(want), "t.rules:1:%zu: %s", col,
			 cases[i].bound == DEPTH ? "condition nested deeper than 64"
						 : "more than 1024 tests and operators in one condition");
		if (cases[i].bound == LOADS) {
			struct td_facts *f = tcp_flow(false);
			struct td_diagnosis d;
			ok(loaded && td_rules_count(rs) == 1, "%s: loads (%s)", cases[i].what, err);
			td_rules_eval(rs, f, &d, NULL);
			ok(d.n_findings == 1, "%s: evaluates", cases[i].what);
			td_facts_free(f);
		} else {
			ok(!loaded && td_rules_count(rs) == 0, "%s: refused", cases[i].what);
			is_str(err, want, "%s: error at the culprit", cases[i].what);
		}
		td_rules_free(rs);
		free(text);
	}
}

/* --- 2. Replacement -------------------------------------------------------- */

static void test_replacement(void)
{
	struct td_ruleset *rs = rules(
		"rule r1 {\n kind diagnosis\n category tcp-reset\n when false\n summary \"r1 old\"\n remedy \"x\"\n}\n"
		"rule r2 {\n kind diagnosis\n category ok\n when true\n summary \"r2\"\n remedy \"x\"\n}\n",
		"a.rules");
	is_int(td_rules_count(rs), 2, "replace: A has 2 rules");
	struct td_facts *f = tcp_flow(true);
	struct td_diagnosis d;
	decide(rs, f, &d);
	is_str(d.rule, "r2", "replace: before, r2 decides (r1 is false)");

	char err[512] = "";
	ok(td_rules_load_text(rs,
			      "rule r1 {\n kind diagnosis\n category tcp-timeout\n windows 0x274c\n when true\n"
			      " summary \"r1 new\"\n remedy \"y\"\n}\n",
			      "b.rules", err, sizeof(err)),
	   "replace: B loads (%s)", err);
	is_int(td_rules_count(rs), 2, "replace: still 2 rules");
	td_rules_eval(rs, f, &d, NULL);
	is_str(d.rule, "r1", "replace: r1 now decides: it kept its place before r2");
	is_str(d.category, "tcp-timeout", "replace: r1's new category");
	is_str(d.summary, "r1 new", "replace: r1's new summary");
	is_str(d.remedy, "y", "replace: r1's new remedy");
	is_str(d.windows_error, "0x274c", "replace: r1's new windows");

	struct membuf m;
	membuf_open(&m);
	td_rules_list(rs, m.fp);
	const char *list = membuf_text(&m), *p1 = strstr(list, "r1 "), *p2 = strstr(list, "r2 ");
	ok(p1 && p2 && p1 < p2, "replace: --list-rules shows r1 before r2");
	ok(strstr(list, "b.rules:1") != NULL && strstr(list, "a.rules:8") != NULL,
	   "replace: origins b.rules:1 (r1) and a.rules:8 (r2)");
	membuf_close(&m);

	/* A new id is appended after the others. */
	ok(td_rules_load_text(rs, "rule r0 { kind diagnosis category ok when true summary \"r0\" remedy \"z\" }",
			      "c.rules", err, sizeof(err)),
	   "replace: a new rule loads");
	is_int(td_rules_count(rs), 3, "replace: a new id adds a rule");
	td_rules_eval(rs, f, &d, NULL);
	is_str(d.rule, "r1", "replace: a new rule goes last");
	td_facts_free(f);
	td_rules_free(rs);
}

/* --- 3. Operators ---------------------------------------------------------- */

/* 1 when the condition holds for f, 0 when not, -1 when it does not load. */
static int holds(struct td_facts *f, const char *when)
{
	char text[2048], err[512] = "";
	snprintf(text, sizeof(text),
		 "rule c {\n kind diagnosis\n category ok\n when %s\n summary \"s\"\n remedy \"r\"\n}\n", when);
	struct td_ruleset *rs = must(td_rules_new());
	if (!td_rules_load_text(rs, text, "c.rules", err, sizeof(err))) {
		diag("  does not load: %s", err);
		td_rules_free(rs);
		return -1;
	}
	struct td_diagnosis d;
	td_rules_eval(rs, f, &d, NULL);
	int r = d.rule && strcmp(d.rule, "c") == 0;
	td_rules_free(rs);
	return r;
}

#define TRUE_(f, when) is_int(holds(f, when), 1, "true:  %s", when)
#define FALSE_(f, when) is_int(holds(f, when), 0, "false: %s", when)

/* A NULL-cipher IP-HTTPS hello: ClientHello (4) offering NULL_SHA256,
 * NULL_SHA and the renegotiation SCSV, ServerHello (5) TLS 1.2 NULL_SHA256. */
static struct td_facts *null_hellos(void)
{
	struct td_facts *f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, sizeof(NULL_ONLY) / sizeof(NULL_ONLY[0]));
	server_hello(f, 5, 0x0303, 0x003b);
	td_facts_derive(f);
	return f;
}

static void test_operators(void)
{
	struct td_facts *f = null_hellos();
	/* == and != on numbers */
	TRUE_(f, "tls.client_hello.null_suites == 2");
	FALSE_(f, "tls.client_hello.null_suites == 3");
	TRUE_(f, "tls.client_hello.null_suites != 3");
	FALSE_(f, "tls.client_hello.null_suites != 2");
	TRUE_(f, "tls.client_hello.non_null_suites == 0");
	TRUE_(f, "server.port == 443");
	TRUE_(f, "tls.client_hello.null_suites == 0x2");
	/* strings */
	TRUE_(f, "tls.client_hello.sni == \"vpn.contoso.test\"");
	FALSE_(f, "tls.client_hello.sni == \"VPN.contoso.test\"");
	TRUE_(f, "tls.client_hello.sni != \"da.contoso.test\"");
	FALSE_(f, "tls.client_hello.sni != \"vpn.contoso.test\"");
	TRUE_(f, "server.ip == \"203.0.113.5\"");
	TRUE_(f, "stage == \"server-hello\"");
	/* booleans */
	TRUE_(f, "tls.server_hello.null_cipher == true");
	FALSE_(f, "tls.server_hello.null_cipher == false");
	TRUE_(f, "tls.server_hello.null_cipher != false");
	TRUE_(f, "tls.client_hello.sslv2 == false");
	TRUE_(f, "tls.server_hello.null_cipher == 1");
	/* named values: by name and by number */
	TRUE_(f, "tls.server_hello.cipher_suite == \"TLS_RSA_WITH_NULL_SHA256\"");
	TRUE_(f, "tls.server_hello.cipher_suite == 0x003b");
	TRUE_(f, "tls.server_hello.cipher_suite == 59");
	FALSE_(f, "tls.server_hello.cipher_suite == \"TLS_RSA_WITH_NULL_SHA\"");
	FALSE_(f, "tls.server_hello.cipher_suite == 0x0002");
	TRUE_(f, "tls.server_hello.cipher_suite != 0x0002");
	TRUE_(f, "tls.server_hello.selected_version == \"TLSv1.2\"");
	TRUE_(f, "tls.server_hello.selected_version == 0x0303");
	/* <, <=, >, >= with hex literals (TLSv1.2 = 0x0303) */
	FALSE_(f, "tls.server_hello.selected_version < 0x0303");
	TRUE_(f, "tls.server_hello.selected_version < 0x0304");
	TRUE_(f, "tls.server_hello.selected_version <= 0x0303");
	FALSE_(f, "tls.server_hello.selected_version <= 0x0302");
	TRUE_(f, "tls.server_hello.selected_version > 0x0302");
	FALSE_(f, "tls.server_hello.selected_version > 0x0303");
	TRUE_(f, "tls.server_hello.selected_version >= 0x0303");
	FALSE_(f, "tls.server_hello.selected_version >= 0x0304");
	TRUE_(f, "tls.client_hello.null_suites < 0x10");
	TRUE_(f, "tls.client_hello.null_suites > -1");
	FALSE_(f, "tls.client_hello.sni > 0"); /* a string without a number does not order */
	/* in [..] */
	TRUE_(f, "tls.server_hello.selected_version in [\"TLSv1.1\", \"TLSv1.2\"]");
	FALSE_(f, "tls.server_hello.selected_version in [\"TLSv1.0\", \"TLSv1.1\"]");
	TRUE_(f, "tls.server_hello.selected_version in [0x0302, 0x0303]");
	FALSE_(f, "tls.server_hello.selected_version in [0x0301, 0x0302]");
	TRUE_(f, "tls.client_hello.null_suites in [1, 2, 3]");
	FALSE_(f, "tls.client_hello.null_suites in [3]");
	TRUE_(f, "tls.client_hello.sni in [\"a.test\", \"vpn.contoso.test\"]");
	FALSE_(f, "tls.client_hello.sni in [\"a.test\"]");
	/* contains, on a list */
	TRUE_(f, "tls.client_hello.cipher_suites contains \"TLS_RSA_WITH_NULL_SHA\"");
	TRUE_(f, "tls.client_hello.cipher_suites contains 0x0002");
	TRUE_(f, "tls.client_hello.cipher_suites contains \"TLS_EMPTY_RENEGOTIATION_INFO_SCSV\"");
	FALSE_(f, "tls.client_hello.cipher_suites contains \"TLS_RSA_WITH_AES_128_CBC_SHA\"");
	FALSE_(f, "tls.client_hello.cipher_suites contains 0x002f");
	TRUE_(f, "tls.client_hello.compression_methods contains 0");
	TRUE_(f, "tls.client_hello.cipher_suites contains tls.server_hello.cipher_suite");
	/* contains, on a string */
	TRUE_(f, "tls.client_hello.sni contains \"contoso\"");
	FALSE_(f, "tls.client_hello.sni contains \"fabrikam\"");
	/* matches, on a string, a named value and a list */
	TRUE_(f, "tls.client_hello.sni matches \"^vpn[.]contoso[.]test$\"");
	FALSE_(f, "tls.client_hello.sni matches \"^www\"");
	TRUE_(f, "tls.server_hello.selected_version matches \"^TLSv1[.][23]$\"");
	TRUE_(f, "tls.client_hello.cipher_suites matches \"NULL_SHA256$\"");
	FALSE_(f, "tls.client_hello.cipher_suites matches \"AES\"");
	TRUE_(f, "tls.client_hello.null_suites matches \"^2$\"");
	/* exists */
	TRUE_(f, "tls.client_hello.sni exists");
	FALSE_(f, "tls.client_hello.alpn exists");
	FALSE_(f, "tls.server_key_exchange.dh_bits exists");
	TRUE_(f, "tls.client_hello.sslv2 exists"); /* present, though false */
	FALSE_(f, "tls.alert.server.frame exists");
	/* a bare fact: present and true / non-zero / non-empty */
	TRUE_(f, "tls.server_hello.null_cipher");
	FALSE_(f, "tls.client_hello.sslv2");
	TRUE_(f, "tls.client_hello.null_suites");
	FALSE_(f, "tls.client_hello.non_null_suites");
	TRUE_(f, "tls.client_hello.sni");
	TRUE_(f, "tls.client_hello.cipher_suites");
	FALSE_(f, "tls.client_hello.supported_groups");
	TRUE_(f, "tls.client_hello.frame");
	/* precedence: not > and > or; parentheses */
	TRUE_(f, "not tls.client_hello.sslv2 or tls.seen");            /* (not F) or T */
	FALSE_(f, "not (tls.client_hello.sslv2 or tls.seen)");
	TRUE_(f, "tls.seen or tls.client_hello.sslv2 and false");       /* T or (F and F) */
	FALSE_(f, "(tls.seen or tls.client_hello.sslv2) and false");
	FALSE_(f, "not tls.client_hello.sslv2 and false");              /* (not F) and F */
	TRUE_(f, "not (tls.client_hello.sslv2 and false)");
	TRUE_(f, "false and false or true");                            /* (F and F) or T */
	FALSE_(f, "false and (false or true)");
	TRUE_(f, "not not tls.seen");
	FALSE_(f, "not tls.seen and not tls.client_hello.sslv2");
	TRUE_(f, "((tls.seen))");
	/* true / false */
	TRUE_(f, "true");
	FALSE_(f, "false");
	FALSE_(f, "not true");
	TRUE_(f, "not false");
	/* fact to fact */
	TRUE_(f, "tls.client_hello.version == tls.server_hello.version");
	FALSE_(f, "tls.client_hello.version != tls.server_hello.version");
	TRUE_(f, "tls.client_hello.max_version >= tls.server_hello.selected_version");
	FALSE_(f, "tls.client_hello.max_version > tls.server_hello.selected_version");
	TRUE_(f, "tls.client_hello.null_suites > tls.client_hello.non_null_suites");
	TRUE_(f, "tls.server_hello.selected_version in [\"SSLv3\", tls.client_hello.version]");
	td_facts_free(f);

	/* Versions as the server would pick them. */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0301, 0xc02f);
	td_facts_derive(f);
	TRUE_(f, "tls.server_hello.selected_version < 0x0303");
	TRUE_(f, "tls.server_hello.selected_version == \"TLSv1.0\"");
	FALSE_(f, "tls.client_hello.version == tls.server_hello.version");
	TRUE_(f, "tls.client_hello.version != tls.server_hello.version");
	TRUE_(f, "tls.client_hello.max_version > tls.server_hello.selected_version");
	td_facts_free(f);

	/* Certificate times: a string that also has a number. */
	f = null_hellos();
	struct td_cert_info *leaf = server_chain(f, "vpn.contoso.test", "CN=Contoso Issuing CA");
	leaf->not_after = 1735689600; /* 2025-01-01T00:00:00Z */
	leaf->days_left = -3;
	TRUE_(f, "x509.server.leaf.not_after == \"2025-01-01T00:00:00Z\"");
	TRUE_(f, "x509.server.leaf.not_after == 1735689600");
	TRUE_(f, "x509.server.leaf.not_after < 1735689601");
	TRUE_(f, "x509.server.leaf.days_left < 0");
	TRUE_(f, "x509.server.leaf.days_left == -3");
	TRUE_(f, "x509.server.chain exists");
	FALSE_(f, "x509.client.chain exists");
	TRUE_(f, "x509.server.leaf.issuer contains \"Contoso\"");
	td_facts_free(f);
}

/* --- 4. Absent facts ------------------------------------------------------- */

static void test_absent(void)
{
	/* A connection with no TLS at all (the payload facts were never allocated). */
	struct td_facts *f = tcp_flow(true);
	td_facts_derive(f);
	FALSE_(f, "tls.server_hello.seen");
	TRUE_(f, "not tls.server_hello.seen");
	FALSE_(f, "tls.server_hello.seen == false");
	TRUE_(f, "not tls.server_hello.seen == true");
	FALSE_(f, "tls.alert.server.description != \"x\"");
	TRUE_(f, "not tls.alert.server.description == \"x\"");
	FALSE_(f, "tls.alert.server.description in [\"x\", \"handshake_failure\"]");
	FALSE_(f, "tls.client_hello.cipher_suites contains 2");
	FALSE_(f, "tls.client_hello.sni matches \".*\"");
	FALSE_(f, "tls.client_hello.null_suites < 1");
	FALSE_(f, "tls.client_hello.null_suites >= 0");
	FALSE_(f, "tls.alert.server.description exists");
	TRUE_(f, "not tls.alert.server.description exists");
	FALSE_(f, "x509.server.leaf.expired");
	TRUE_(f, "not x509.server.leaf.expired");
	FALSE_(f, "x509.server.trusted == false");
	FALSE_(f, "tcp.reset_by exists");
	TRUE_(f, "tcp.synack_frame exists");
	td_facts_free(f);

	/* TLS, but no alert: the alert's facts are absent. */
	f = null_hellos();
	FALSE_(f, "tls.alert.server.description != \"x\"");
	FALSE_(f, "tls.alert.server.description != \"close_notify\"");
	FALSE_(f, "tls.alert.server.windows_error exists");
	FALSE_(f, "tls.alert.server.before_server_hello == false");
	/* A value that is an absent fact: the comparison is false both ways. */
	FALSE_(f, "tls.client_hello.version == tls.alert.server.description");
	FALSE_(f, "tls.client_hello.version != tls.alert.server.description");
	FALSE_(f, "tls.client_hello.null_suites in [tls.server_key_exchange.dh_bits]");
	TRUE_(f, "tls.client_hello.null_suites in [tls.server_key_exchange.dh_bits, 2]");
	/* An alert whose level and description were encrypted. */
	alert_encrypted(f, TD_DIR_S2C, 6);
	td_facts_derive(f);
	TRUE_(f, "tls.alert.server.frame exists and tls.alert.server.encrypted");
	FALSE_(f, "tls.alert.server.description exists");
	FALSE_(f, "tls.alert.server.level exists");
	FALSE_(f, "tls.alert.server.windows_error exists");
	td_facts_free(f);
}

/* --- 5. Evidence ----------------------------------------------------------- */

static void test_evidence(void)
{
	static const char text[] =
		"rule ab {\n kind diagnosis\n category null-cipher-rejected\n"
		" when tls.alert.server.description == \"handshake_failure\" and tls.client_hello.null_suites > 0\n"
		" summary \"s\"\n remedy \"r\"\n}\n"
		"rule cd {\n kind diagnosis\n category ok\n"
		" when tls.alert.server.description == \"decode_error\" or tls.client_hello.null_suites > 0\n"
		" summary \"s\"\n remedy \"r\"\n}\n";
	struct td_ruleset *rs = rules(text, "e.rules");
	struct td_facts *f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	alert(f, TD_DIR_S2C, 6, 2, 40);
	struct td_diagnosis d;
	decide(rs, f, &d);
	is_str(d.rule, "ab", "evidence: the rule matched");
	is_int(d.n_evidence, 2, "evidence: two frames");
	is_str(evidence_frames(&d), "4,6", "evidence: ClientHello (4) then alert (6), by frame though read the other way");
	is_str(d.evidence[0].detail, "tls.client_hello.null_suites = 2", "evidence: ClientHello detail");
	is_str(d.evidence[1].detail, "tls.alert.server.description = handshake_failure", "evidence: alert detail");

	/* A false comparison on a present fact adds nothing. */
	tls(f)->dir[TD_DIR_S2C].alert.description = 47; /* illegal_parameter: ab fails; cd's alert test is false */
	decide(rs, f, &d);
	is_str(d.rule, "cd", "evidence: second rule");
	is_str(evidence_frames(&d), "4", "evidence: the alert that compared false adds no frame");
	td_rules_free(rs);

	/* A bare fact that is false, under 'not', adds nothing either; a fact used
	 * only in ${...} adds nothing. */
	rs = rules("rule n {\n kind diagnosis\n category ok\n"
		   " when not tls.client_hello.sslv2 and tls.alert.server.frame exists\n"
		   " summary \"${tls.server_hello.frame}\"\n remedy \"r\"\n}\n",
		   "n.rules");
	server_hello(f, 5, 0x0303, 0x003b);
	decide(rs, f, &d);
	is_str(d.rule, "n", "evidence: not-rule matched");
	is_str(evidence_frames(&d), "6", "evidence: only the alert frame (sslv2 false; ServerHello only interpolated)");
	td_rules_free(rs);
	td_facts_free(f);

	/* The frame of a TCP fact: the RST for tcp.reset_by; the SYN for tcp.syn_count. */
	rs = rules("rule t {\n kind diagnosis\n category tcp-reset\n when tcp.reset_by == \"server\" and tcp.syn_count > 0\n"
		   " summary \"s\"\n remedy \"r\"\n}\n",
		   "t.rules");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	rst(f, TD_WHO_SERVER, 5, 64);
	decide(rs, f, &d);
	is_str(evidence_frames(&d), "1,5", "evidence: SYN (1) for tcp.syn_count, RST (5) for tcp.reset_by");
	td_rules_free(rs);
	td_facts_free(f);

	/* Who closed first: the evidence is that side's FIN. */
	rs = rules("rule c {\n kind diagnosis\n category handshake-failed\n when tcp.first_fin_by == \"client\"\n"
		   " summary \"s\"\n remedy \"r\"\n}\n",
		   "c.rules");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	fin(f, TD_WHO_CLIENT, 9);
	fin(f, TD_WHO_SERVER, 10);
	decide(rs, f, &d);
	is_str(d.rule, "c", "evidence: first_fin_by rule matched");
	is_str(evidence_frames(&d), "9", "evidence: tcp.first_fin_by == client -> the client's FIN frame");
	td_facts_free(f);
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	fin(f, TD_WHO_CLIENT, 9);
	decide(rs, f, &d);
	is_str(evidence_frames(&d), "9", "evidence: client closed alone -> its FIN frame");
	td_rules_free(rs);
	td_facts_free(f);
}

/* --- 6. Interpolation ------------------------------------------------------ */

static void test_interpolation(void)
{
	static const char text[] =
		"rule i {\n kind diagnosis\n category handshake-failed\n"
		" windows \"${tls.alert.server.windows_error}\"\n"
		" when tls.client_hello.seen\n"
		" summary \"suites ${tls.client_hello.cipher_suites}; sni ${tls.client_hello.sni}; alpn ${tls.client_hello.alpn};"
		" ${tls.server_hello.selected_version} ${tls.server_hello.cipher_suite}; n=${tls.client_hello.null_suites};"
		" $x ${stage} ${server.ip}:${server.port}\"\n"
		" explain \"alert ${tls.alert.server.description} (${tls.alert.server.level})\"\n"
		" remedy \"fix ${tls.client_hello.sslv2} ${x509.server.leaf.cn}\"\n}\n";
	struct td_ruleset *rs = rules(text, "i.rules");
	struct td_facts *f = null_hellos();
	struct td_diagnosis d;
	decide(rs, f, &d);
	is_str(d.summary,
	       "suites TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA, TLS_EMPTY_RENEGOTIATION_INFO_SCSV; "
	       "sni vpn.contoso.test; alpn unknown; TLSv1.2 TLS_RSA_WITH_NULL_SHA256; n=2; "
	       "$x server-hello 203.0.113.5:443",
	       "interpolation: list joined with ', ', names, numbers, absent -> unknown, '$' kept");
	is_str(d.explanation, "alert unknown (unknown)", "interpolation: absent alert in explain");
	is_str(d.remedy, "fix false unknown", "interpolation: false bool and absent certificate in remedy");
	ok(d.windows_error == NULL, "interpolation: windows from an absent fact is NULL");

	alert(f, TD_DIR_S2C, 6, 2, 49); /* access_denied */
	decide(rs, f, &d);
	is_str(d.windows_error, "0x8009030C", "interpolation: windows = Schannel's code for access_denied");
	is_str(d.explanation, "alert access_denied (fatal)", "interpolation: alert description and level");

	tls(f)->dir[TD_DIR_S2C].alert.description = 40; /* handshake_failure: not in Microsoft's table */
	decide(rs, f, &d);
	is_str(d.windows_error, "0x80090326", "interpolation: windows for an alert Microsoft does not list");

	td_facts_free(f);
	f = null_hellos();
	alert_encrypted(f, TD_DIR_S2C, 6);
	decide(rs, f, &d);
	ok(d.windows_error == NULL, "interpolation: windows of an encrypted alert (empty fact) is NULL");
	td_facts_free(f);
	td_rules_free(rs);

	/* windows as a word, a number and a string */
	rs = rules("rule w1 { kind finding category weak-dh when true summary \"s\" }\n"
		   "rule w2 { kind diagnosis category tcp-refused windows 0x274d when true summary \"s\" remedy \"r\" }\n",
		   "w.rules");
	f = tcp_flow(false);
	decide(rs, f, &d);
	is_str(d.windows_error, "0x274d", "interpolation: windows as a number keeps its spelling");
	td_rules_free(rs);
	rs = rules("rule w { kind diagnosis category ok windows \"0x800B0109\" when true summary \"s\" remedy \"r\" }", "w.rules");
	decide(rs, f, &d);
	is_str(d.windows_error, "0x800B0109", "interpolation: windows as a string");
	td_rules_free(rs);
	rs = rules("rule w { kind diagnosis category ok when true summary \"s\" remedy \"r\" }", "w.rules");
	decide(rs, f, &d);
	ok(d.windows_error == NULL, "interpolation: no windows -> NULL");
	is_str(d.explanation, "", "interpolation: no explain -> empty");
	td_rules_free(rs);
	td_facts_free(f);

	/* A long list is cut, never overflowed. */
	f = tcp_flow(true);
	static uint16_t many[200];
	for (size_t i = 0; i < 200; i++)
		many[i] = (uint16_t)(0xc000 + i);
	client_hello(f, 4, many, 200);
	rs = rules("rule l { kind diagnosis category ok when true summary \"${tls.client_hello.cipher_suites}\""
		   " remedy \"r\" }", "l.rules");
	decide(rs, f, &d);
	is_int(strlen(d.summary), sizeof(d.summary) - 1, "interpolation: a long list is cut at the summary's size");
	td_rules_free(rs);
	td_facts_free(f);
}

/* --- 7. First diagnosis wins, every finding counts ------------------------- */

static void test_order(void)
{
	static const char text[] =
		"rule f1 { kind finding category weak-dh when true summary \"f1 ${server.port}\" }\n"
		"rule d-false { kind diagnosis category tcp-timeout when false summary \"no\" remedy \"r\" }\n"
		"rule d1 { kind diagnosis category tcp-reset confidence medium when tcp.synack_frame exists"
		" summary \"d1\" remedy \"r\" }\n"
		"rule f2 { kind finding category null-cipher when false summary \"f2\" }\n"
		"rule d2 { kind diagnosis category ok when true summary \"d2\" remedy \"r\" }\n"
		"rule f3 { kind finding category self-signed when true summary \"f3\" }\n";
	struct td_ruleset *rs = rules(text, "o.rules");
	struct td_facts *f = tcp_flow(true);
	struct td_diagnosis d;
	decide(rs, f, &d);
	is_str(d.rule, "d1", "order: the first matching diagnosis decides");
	is_str(d.category, "tcp-reset", "order: its category");
	is_str(d.confidence, "medium", "order: its confidence");
	is_int(d.n_findings, 2, "order: every matching finding, before and after the verdict");
	is_str(d.n_findings > 0 ? d.findings[0].rule : NULL, "f1", "order: finding 1 is f1");
	is_str(d.n_findings > 0 ? d.findings[0].category : NULL, "weak-dh", "order: f1's category");
	is_str(d.n_findings > 0 ? d.findings[0].summary : NULL, "f1 443", "order: f1's summary interpolated");
	is_str(d.n_findings > 1 ? d.findings[1].rule : NULL, "f3", "order: finding 2 is f3");
	td_facts_free(f);

	/* d1 false: d2 decides, with the default confidence. */
	f = tcp_flow(false);
	decide(rs, f, &d);
	is_str(d.rule, "d2", "order: the next diagnosis when the first is false");
	is_str(d.confidence, "high", "order: confidence defaults to high");
	td_rules_free(rs);

	/* No diagnosis matches. */
	rs = rules("rule d { kind diagnosis category ok when false summary \"s\" remedy \"r\" windows 0x1 }\n"
		   "rule f { kind finding category weak-dh when true summary \"f\" }\n",
		   "n.rules");
	decide(rs, f, &d);
	is_str(d.category, "incomplete", "no match: category incomplete");
	is_str(d.confidence, "low", "no match: confidence low");
	ok(d.rule == NULL, "no match: rule NULL");
	ok(d.windows_error == NULL, "no match: no Windows error");
	is_str(d.summary, "No diagnosis rule matched this connection", "no match: summary");
	is_int(d.n_evidence, 0, "no match: no evidence");
	is_int(d.n_findings, 1, "no match: findings still counted");
	td_rules_free(rs);

	/* An empty rule set. */
	rs = must(td_rules_new());
	decide(rs, f, &d);
	is_str(d.category, "incomplete", "empty rule set: incomplete");
	ok(d.rule == NULL && d.n_findings == 0, "empty rule set: no rule, no finding");
	td_rules_free(rs);

	/* More findings than kept: capped at TD_MAX_FINDINGS. */
	char many[4096] = "";
	for (int i = 0; i < TD_MAX_FINDINGS + 3; i++) {
		size_t used = strlen(many);
		snprintf(many + used, sizeof(many) - used, "rule f%d { kind finding category weak-dh when true summary \"f\" }\n", i);
	}
	rs = rules(many, "m.rules");
	decide(rs, f, &d);
	is_int(d.n_findings, TD_MAX_FINDINGS, "findings capped at TD_MAX_FINDINGS");
	td_rules_free(rs);
	td_facts_free(f);
}

/* --- 8. --explain ---------------------------------------------------------- */

static void test_explain(void)
{
	static const char text[] =
		"rule miss { kind diagnosis category tcp-reset when tls.alert.server.description exists"
		" summary \"s\" remedy \"r\" }\n"
		"rule hit { kind diagnosis category ok when tls.client_hello.sni == \"vpn.contoso.test\""
		" and not tls.client_hello.sslv2 summary \"s\" remedy \"r\" }\n";
	struct td_ruleset *rs = rules(text, "x.rules");
	struct td_facts *f = null_hellos();
	struct td_diagnosis d;
	struct membuf m;
	membuf_open(&m);
	td_rules_eval(rs, f, &d, m.fp);
	const char *out = membuf_text(&m);
	is_str(d.rule, "hit", "explain: the verdict does not change");
	ok(strstr(out, "diagnosis miss (decisive, x.rules:1):") != NULL, "explain: names the rule that did not match, with its origin");
	ok(strstr(out, "diagnosis hit (decisive, x.rules:2):") != NULL, "explain: names the rule that matched");
	ok(strstr(out, "=> MATCH") != NULL, "explain: MATCH");
	ok(strstr(out, "=> no") != NULL, "explain: no");
	ok(strstr(out, "tls.alert.server.description is (absent) -> false") != NULL, "explain: an absent fact");
	ok(strstr(out, "tls.client_hello.sni is vpn.contoso.test -> true") != NULL, "explain: a fact's value");
	ok(strstr(out, "not tls.client_hello.sslv2") != NULL &&
	   strstr(out, "tls.client_hello.sslv2 is false -> true") != NULL,
	   "explain: a negated test shows its negation and the result after it");
	const char *miss = strstr(out, "miss"), *hit = strstr(out, "hit (");
	ok(miss && hit && miss < hit, "explain: rules in the order tried");
	membuf_close(&m);
	td_rules_free(rs);

	/* 'not' over a constant must not mark the next test as negated. */
	rs = rules("rule k { kind diagnosis category ok when not false and tls.client_hello.seen summary \"s\" remedy \"r\" }",
		   "k.rules");
	membuf_open(&m);
	td_rules_eval(rs, f, &d, m.fp);
	out = membuf_text(&m);
	is_str(d.rule, "k", "explain: not false and X: matched");
	ok(strstr(out, "tls.client_hello.seen is true -> true") != NULL && strstr(out, "not tls.client_hello.seen") == NULL,
	   "explain: the test after 'not false' is not shown negated");
	const char *line = strstr(out, "not tls.client_hello.seen");
	if (line)
		diag("  explain said: %.*s", (int)strcspn(line, "\n"), line);
	membuf_close(&m);
	td_rules_free(rs);
	td_facts_free(f);
}

/* --- 9. The default rules -------------------------------------------------- */

static const char *pos_cov[128], *neg_cov[128];
static size_t n_pos_cov, n_neg_cov;

static void cover(const char **set, size_t *n, const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(set[i], id) == 0)
			return;
	if (*n < 128)
		set[(*n)++] = id;
}

static bool covered(const char *const *set, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], id) == 0)
			return true;
	return false;
}

static struct td_diagnosis last; /* the last verdict of decides()/near_miss() */

/* The rule `id` decides f: category and Windows code. Frees f. */
static void decides(const struct td_ruleset *rs, struct td_facts *f, const char *id, const char *category,
		    const char *windows, const char *what)
{
	cover(pos_cov, &n_pos_cov, id);
	decide(rs, f, &last);
	is_str(last.rule, id, "default %s: %s decides", id, what);
	is_str(last.category, category, "default %s: category %s", id, category);
	is_str(last.windows_error, windows, "default %s: Windows error %s", id, windows ? windows : "none");
	td_facts_free(f);
}

/* One fact changed: `id` does not decide, `instead` does. Frees f. */
static void near_miss(const struct td_ruleset *rs, struct td_facts *f, const char *id, const char *instead,
		      const char *what)
{
	cover(neg_cov, &n_neg_cov, id);
	decide(rs, f, &last);
	ok(!last.rule || strcmp(last.rule, id) != 0, "default %s: near miss (%s): does not decide", id, what);
	is_str(last.rule, instead, "default %s: near miss (%s): %s decides instead", id, what, instead);
	td_facts_free(f);
}

static void finding_is(const struct td_ruleset *rs, struct td_facts *f, const char *id, bool want, const char *what)
{
	cover(want ? pos_cov : neg_cov, want ? &n_pos_cov : &n_neg_cov, id);
	decide(rs, f, &last);
	ok(has_finding(&last, id) == want, "default finding %s: %s (%s)", id, want ? "present" : "absent", what);
	td_facts_free(f);
}

static void test_default_loads(void)
{
	struct td_ruleset *rs = must(td_rules_new());
	char err[512] = "";
	ok(td_rules_load_default(rs, err, sizeof(err)), "default rules load (%s)", err);
	is_int(td_rules_count(rs), 77, "default rules: 64 diagnoses and 13 findings");
	/* Loading them again replaces every rule in place. */
	ok(td_rules_load_default(rs, err, sizeof(err)), "default rules load twice");
	is_int(td_rules_count(rs), 77, "default rules twice: still 77");
	td_rules_free(rs);
}

static void test_default_tcp(const struct td_ruleset *rs)
{
	/* tcp-refused: the SYN answered by a RST. */
	struct td_facts *f = tcp_flow(false);
	rst(f, TD_WHO_SERVER, 2, 64);
	f->tcp.rst_answers_syn = true;
	decides(rs, f, "tcp-refused", "tcp-refused", "0x274d", "RST answers the SYN");
	is_str(last.summary, "The connection was refused: the SYN to 443 was answered by a reset", "default tcp-refused: summary");
	is_str(evidence_frames(&last), "2", "default tcp-refused: evidence is the RST");
	f = tcp_flow(true);
	rst(f, TD_WHO_SERVER, 3, 118);
	near_miss(rs, f, "tcp-refused", "tcp-reset", "the RST came after the SYN-ACK");

	/* tcp-timeout: SYNs, nothing back. */
	f = syns(3, 21);
	decides(rs, f, "tcp-timeout", "tcp-timeout", "0x274c", "3 SYNs unanswered over 21 s");
	is_str(last.summary, "No answer to the SYN: 3 SYNs over 21 s, retransmissions included", "default tcp-timeout: summary");
	is_str(last.confidence, "high", "default tcp-timeout: confidence");
	f = syns(3, 21);
	f->tcp.synack_frame = 2;
	near_miss(rs, f, "tcp-timeout", "incomplete", "a SYN-ACK came");
	/* The capture's end is not a timeout: one SYN 2 ms before it ended. */
	f = syns(1, 0.002);
	near_miss(rs, f, "tcp-timeout", "syn-unanswered-at-end", "one SYN, the capture ended 2 ms later");
	decides(rs, syns(1, 0.002), "syn-unanswered-at-end", "incomplete", NULL, "one SYN, 2 ms before the end");
	is_str(last.confidence, "low", "default syn-unanswered-at-end: confidence low");
	ok(last.n_alternatives == 1 && !strcmp(last.alternatives[0].category, "tcp-timeout"),
	   "default syn-unanswered-at-end: tcp-timeout is the alternative");
	f = syns(1, 0.002);
	f->tcp.midstream = true;
	near_miss(rs, f, "syn-unanswered-at-end", "incomplete", "midstream");
	/* Two SYNs 1 s apart: retransmitted, but not yet long enough. */
	near_miss(rs, syns(2, 1), "tcp-timeout", "syn-unanswered-at-end", "2 SYNs over 1 s");
	f = tcp_flow(false);
	f->tcp.syn_count = 0;
	f->tcp.syn_frame = 0;
	f->tcp.midstream = true;
	f->tcp.bytes[1] = 100;
	near_miss(rs, f, "tcp-timeout", "incomplete", "midstream, no SYN");

	/* tcp-reset: the server side reset after the ClientHello. */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	rst(f, TD_WHO_SERVER, 5, 64);
	decides(rs, f, "tcp-reset", "tcp-reset", "0x2746", "server RST after the ClientHello");
	is_str(last.summary, "The server side reset the connection at the client-hello stage",
	       "default tcp-reset: summary (the last-message group left out: no events)");
	is_str(last.confidence, "medium", "default tcp-reset: medium (a reset does not say why)");
	ok(strstr(last.explanation, "Its IP TTL is 64, the SYN-ACK's 118") != NULL, "default tcp-reset: TTL 64 vs SYN-ACK's 118");
	is_str(evidence_frames(&last), "5,5", "default tcp-reset: evidence is the RST (who and how)");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	rst(f, TD_WHO_CLIENT, 5, 128);
	near_miss(rs, f, "tcp-reset", "client-reset", "the client reset");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	rst(f, TD_WHO_CLIENT, 6, 128);
	decides(rs, f, "client-reset", "tcp-reset", NULL, "client RST after the server flight: no Windows code");
	is_str(last.summary, "The client reset the connection at the server-flight stage",
	       "default client-reset: summary");
	f = tcp_flow(true);
	rst(f, TD_WHO_CLIENT, 3, 128);
	near_miss(rs, f, "client-reset", "closed-before-hello", "no ClientHello before the reset");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	fin(f, TD_WHO_SERVER, 5);
	near_miss(rs, f, "tcp-reset", "closed-during-handshake", "a FIN instead of the RST");
}

/* The plaintext before TLS: an SMTP server answering STARTTLS with 454,
 * as in captures/starttls-smtp-refused.pcap (the client's ClientHello sent
 * anyway, the server's reset), and SOCKS replies. */
static void preamble(struct td_facts *f, const char *proto, const char *cmd, bool accepted, uint32_t code,
		     const char *text)
{
	struct td_preamble_facts *p = &tls(f)->preamble;
	snprintf(p->protocol, sizeof(p->protocol), "%s", proto);
	p->command_frame = 4;
	snprintf(p->command, sizeof(p->command), "%s", cmd);
	p->answer_frame = 5;
	p->accepted = accepted;
	p->refused = !accepted;
	p->has_code = true;
	p->code = code;
	snprintf(p->text, sizeof(p->text), "%s", text);
}

static void test_default_preamble(const struct td_ruleset *rs)
{
	struct td_facts *f = tcp_flow(true);
	f->tcp.server_port = 25;
	preamble(f, "smtp", "STARTTLS", false, 454, "454 4.7.0 TLS not available due to local problem");
	client_hello(f, 6, MODERN, 3);
	rst(f, TD_WHO_SERVER, 7, 64);
	decides(rs, f, "starttls-refused", "starttls-refused", NULL, "454 to STARTTLS, then a reset");
	is_str(last.summary, "The server refused STARTTLS (smtp): \"454 4.7.0 TLS not available due to local problem\"",
	       "default starttls-refused: summary");
	ok(has_evidence(&last, 4) && has_evidence(&last, 5), "default starttls-refused: evidence command (4) and answer (5)");
	ok(last.n_alternatives == 1 && !strcmp(last.alternatives[0].category, "tcp-reset"),
	   "default starttls-refused: the reset that followed is the alternative");

	f = tcp_flow(true);
	f->tcp.server_port = 25;
	preamble(f, "smtp", "STARTTLS", true, 220, "220 2.0.0 Ready to start TLS");
	client_hello(f, 6, MODERN, 3);
	rst(f, TD_WHO_SERVER, 7, 64);
	near_miss(rs, f, "starttls-refused", "tcp-reset", "220: the upgrade was accepted");

	f = tcp_flow(true);
	f->tcp.server_port = 1080;
	preamble(f, "socks5", "SOCKS5 CONNECT da.contoso.test:443", false, 2, "2 connection not allowed by ruleset");
	snprintf(tls(f)->preamble.target, sizeof(tls(f)->preamble.target), "da.contoso.test:443");
	near_miss(rs, f, "starttls-refused", "socks-connect-refused", "a SOCKS reply is no STARTTLS answer");

	f = tcp_flow(true);
	f->tcp.server_port = 1080;
	preamble(f, "socks5", "SOCKS5 CONNECT da.contoso.test:443", false, 2, "2 connection not allowed by ruleset");
	snprintf(tls(f)->preamble.target, sizeof(tls(f)->preamble.target), "da.contoso.test:443");
	fin(f, TD_WHO_SERVER, 6);
	decides(rs, f, "socks-connect-refused", "proxy-connect-failed", NULL, "SOCKS5 reply 2");
	is_str(last.summary,
	       "The SOCKS proxy refused the connection to da.contoso.test:443: \"2 connection not allowed by ruleset\"",
	       "default socks-connect-refused: summary");
	ok(has_evidence(&last, 5), "default socks-connect-refused: evidence the reply (5)");

	f = tcp_flow(true);
	f->tcp.server_port = 1080;
	preamble(f, "socks4", "SOCKS4 CONNECT 203.0.113.5:443", true, 90, "90 request granted");
	client_hello(f, 6, MODERN, 3);
	rst(f, TD_WHO_SERVER, 7, 64);
	near_miss(rs, f, "socks-connect-refused", "tcp-reset", "90: the tunnel opened");
}

static void test_default_proxy_and_responder(const struct td_ruleset *rs)
{
	/* proxy-connect-refused */
	struct td_facts *f = tcp_flow(true);
	struct td_tls_facts *t = tls(f);
	f->on_proxy_port = true;
	f->tcp.server_port = 8080;
	t->proxy_req.seen = true;
	t->proxy_req.frame = 4;
	snprintf(t->proxy_req.method, sizeof(t->proxy_req.method), "CONNECT");
	snprintf(t->proxy_req.uri, sizeof(t->proxy_req.uri), "da.contoso.test:443");
	snprintf(t->proxy_req.host, sizeof(t->proxy_req.host), "da.contoso.test:443");
	t->proxy_resp.seen = true;
	t->proxy_resp.frame = 5;
	t->proxy_resp.status = 407;
	snprintf(t->proxy_resp.status_line, sizeof(t->proxy_resp.status_line), "HTTP/1.1 407 Proxy Authentication Required");
	decides(rs, f, "proxy-connect-refused", "proxy-connect-failed", "0x2af9", "407 to the CONNECT");
	is_str(last.summary,
	       "The proxy refused the tunnel to da.contoso.test:443: \"HTTP/1.1 407 Proxy Authentication Required\"",
	       "default proxy-connect-refused: summary");
	ok(has_evidence(&last, 4) && has_evidence(&last, 5), "default proxy-connect-refused: evidence CONNECT (4) and answer (5)");

	f = tcp_flow(true);
	t = tls(f);
	f->on_proxy_port = true;
	t->proxy_req.seen = true;
	t->proxy_req.frame = 4;
	snprintf(t->proxy_req.method, sizeof(t->proxy_req.method), "CONNECT");
	snprintf(t->proxy_req.uri, sizeof(t->proxy_req.uri), "da.contoso.test:443");
	t->proxy_resp.seen = true;
	t->proxy_resp.frame = 5;
	t->proxy_resp.status = 200;
	t->tunnel_open = true;
	near_miss(rs, f, "proxy-connect-refused", "incomplete", "200: the tunnel opened");

	/* proxy-connect-unanswered */
	f = tcp_flow(true);
	t = tls(f);
	f->on_proxy_port = true;
	t->proxy_req.seen = true;
	t->proxy_req.frame = 4;
	snprintf(t->proxy_req.method, sizeof(t->proxy_req.method), "CONNECT");
	snprintf(t->proxy_req.uri, sizeof(t->proxy_req.uri), "da.contoso.test:443");
	fin(f, TD_WHO_SERVER, 6);
	decides(rs, f, "proxy-connect-unanswered", "proxy-connect-failed", "0x2af9", "no answer to the CONNECT");
	is_str(last.summary, "The proxy closed the connection without answering the CONNECT to da.contoso.test:443",
	       "default proxy-connect-unanswered: summary");
	f = tcp_flow(true);
	t = tls(f);
	f->on_proxy_port = true;
	t->proxy_req.seen = true;
	t->proxy_req.frame = 4;
	snprintf(t->proxy_req.method, sizeof(t->proxy_req.method), "GET");
	snprintf(t->proxy_req.uri, sizeof(t->proxy_req.uri), "http://da.contoso.test/");
	fin(f, TD_WHO_SERVER, 6);
	near_miss(rs, f, "proxy-connect-unanswered", "incomplete", "a GET, not a CONNECT");

	/* non-tls-responder */
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	t = tls(f);
	t->non_tls[1] = true;
	t->non_tls_frame[1] = 5;
	snprintf(t->non_tls_line[1], sizeof(t->non_tls_line[1]), "HTTP/1.1 400 Bad Request");
	fin(f, TD_WHO_SERVER, 6);
	decides(rs, f, "non-tls-responder", "non-tls-responder", NULL, "an HTTP answer to the ClientHello");
	is_str(last.summary, "Something that does not speak TLS answered the ClientHello on port 443: \"HTTP/1.1 400 Bad Request\"",
	       "default non-tls-responder: summary");
	is_str(last.remedy,
	       "Find what answers at 203.0.113.5:443 and point the client, the NAT or the load balancer at the real IP-HTTPS server.",
	       "default non-tls-responder: remedy interpolated");
	is_str(evidence_frames(&last), "4,5", "default non-tls-responder: evidence the ClientHello and the non-TLS answer");
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	t = tls(f);
	t->non_tls[0] = true;
	t->non_tls_frame[0] = 4;
	snprintf(t->non_tls_line[0], sizeof(t->non_tls_line[0]), "GET / HTTP/1.1");
	near_miss(rs, f, "non-tls-responder", "incomplete", "the client, not the server, sent non-TLS bytes");

	/* non-tls-after-preamble: found by its ClientHello, answered "500 ..." */
	f = tcp_flow(true);
	f->tcp.by_content = true;
	f->tcp.server_port = 4190;
	client_hello(f, 4, MODERN, 3);
	t = tls(f);
	t->non_tls[1] = true;
	t->non_tls_frame[1] = 5;
	snprintf(t->non_tls_line[1], sizeof(t->non_tls_line[1]), "500 5.5.1 Command unrecognized");
	fin(f, TD_WHO_SERVER, 6);
	decides(rs, f, "non-tls-after-preamble", "non-tls-responder", NULL, "a 500 to a ClientHello found by content");
	is_str(last.confidence, "low", "default non-tls-after-preamble: low confidence");
	f = tcp_flow(true);
	f->tcp.server_port = 4190;
	client_hello(f, 4, MODERN, 3);
	t = tls(f);
	t->non_tls[1] = true;
	t->non_tls_frame[1] = 5;
	snprintf(t->non_tls_line[1], sizeof(t->non_tls_line[1]), "500 5.5.1 Command unrecognized");
	fin(f, TD_WHO_SERVER, 6);
	near_miss(rs, f, "non-tls-after-preamble", "non-tls-responder", "followed from the SYN: the ClientHello came first");
	f = tcp_flow(true);
	f->tcp.by_content = true;
	client_hello(f, 4, MODERN, 3);
	t = tls(f);
	t->non_tls[1] = true;
	t->non_tls_frame[1] = 5;
	snprintf(t->non_tls_line[1], sizeof(t->non_tls_line[1]), "220 mail.contoso.test ESMTP");
	fin(f, TD_WHO_SERVER, 6);
	near_miss(rs, f, "non-tls-after-preamble", "non-tls-responder", "a greeting, not an error reply");
}

static void test_default_after_hello(const struct td_ruleset *rs)
{
	/* null-cipher-rejected: handshake_failure after a NULL-only ClientHello. */
	struct td_facts *f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	alert(f, TD_DIR_S2C, 5, 2, 40);
	decides(rs, f, "null-cipher-rejected", "null-cipher-rejected", "0x80090326", "handshake_failure alert");
	is_str(evidence_frames(&last), "4,4,5,5", "default null-cipher-rejected: evidence ClientHello (two facts) and the end (who, how)");
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	rst(f, TD_WHO_SERVER, 5, 64);
	decides(rs, f, "null-cipher-rejected", "null-cipher-rejected", "0x80090326", "server RST");
	is_str(evidence_frames(&last), "4,4,5,5", "default null-cipher-rejected: evidence ClientHello (two facts) and the RST (who, how)");
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	fin(f, TD_WHO_SERVER, 5);
	decides(rs, f, "null-cipher-rejected", "null-cipher-rejected", "0x80090326", "server FIN");
	f = tcp_flow(true);
	client_hello(f, 4, MIXED, 5);
	alert(f, TD_DIR_S2C, 5, 2, 40);
	near_miss(rs, f, "null-cipher-rejected", "server-alert", "real suites offered too");
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	fin(f, TD_WHO_CLIENT, 5);
	near_miss(rs, f, "null-cipher-rejected", "closed-during-handshake", "the client closed");

	/* protocol-version */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	alert(f, TD_DIR_S2C, 5, 2, 70);
	decides(rs, f, "protocol-version", "protocol-version", "0x80090302", "server protocol_version alert");
	is_str(last.summary, "The two sides have no protocol version in common (the server sent protocol_version; the client offered up to TLSv1.2)",
	       "default protocol-version: summary");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0300, 0x002f);
	alert(f, TD_DIR_C2S, 6, 2, 70);
	decides(rs, f, "protocol-version", "protocol-version", "0x80090302", "client protocol_version alert");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	alert(f, TD_DIR_S2C, 5, 2, 40);
	near_miss(rs, f, "protocol-version", "server-alert", "handshake_failure instead");

	/* server-alert: a Schannel code from the table. */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	alert(f, TD_DIR_S2C, 7, 2, 49);
	decides(rs, f, "server-alert", "handshake-failed", "0x8009030C", "access_denied after the server flight");
	is_str(last.summary, "The server ended the handshake with a fatal access_denied alert at the server-flight stage",
	       "default server-alert: summary");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	alert(f, TD_DIR_S2C, 7, 1, 0);
	fin(f, TD_WHO_SERVER, 8);
	near_miss(rs, f, "server-alert", "closed-during-handshake", "close_notify");

	/* client-alert */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	alert(f, TD_DIR_C2S, 6, 2, 51);
	decides(rs, f, "client-alert", "handshake-failed", NULL, "decrypt_error from the client");
	is_str(last.summary, "The client ended the handshake with a fatal decrypt_error alert at the server-flight stage",
	       "default client-alert: summary");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	alert(f, TD_DIR_C2S, 6, 1, 0);
	near_miss(rs, f, "client-alert", "incomplete", "close_notify");
}

/* The client's Certificate (count certificates, 0: empty) at frame 7,
 * answering a request for one from CN=Contoso Root CA. */
static void client_certificate(struct td_facts *f, uint16_t count)
{
	struct td_tls_facts *t = tls(f);
	t->client_certs.seen = true;
	t->client_certs.frame = 7;
	t->client_certs.count = count;
	t->client_certs.empty = count == 0;
	struct td_x509_facts *x = x509(f);
	x->client_auth.requested = true;
	snprintf(x->client_auth.ca_names, sizeof(x->client_auth.ca_names), "CN=Contoso Root CA");
	x->client_auth.ca_names_parsed = 1;
	x->client_auth.sent_empty = count == 0;
}

/* A TLS 1.2 IP-HTTPS handshake up to the client's Certificate: ClientHello
 * 4, ServerHello + Certificate + CertificateRequest + ServerHelloDone 5,
 * the client's Certificate (count certificates) at 7. */
static struct td_facts *client_auth_flow(uint16_t count)
{
	struct td_facts *f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	server_hello(f, 5, 0x0303, 0x003b);
	server_flight12(f, 5, true);
	client_certificate(f, count);
	tls(f)->client_key_exchange = true;
	tls(f)->client_key_exchange_frame = 7;
	return f;
}

static void test_default_client_cert(const struct td_ruleset *rs)
{
	/* client-cert-missing: an empty Certificate, the server fails. */
	struct td_facts *f = client_auth_flow(0);
	alert(f, TD_DIR_S2C, 8, 2, 40);
	decides(rs, f, "client-cert-missing", "client-cert-missing", "0x90320", "empty client Certificate");
	ok(strstr(last.explanation, "(accepted: CN=Contoso Root CA)") != NULL, "default client-cert-missing: CA names in explain");
	/* ... or the client gave up without a Certificate. */
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	server_hello(f, 5, 0x0303, 0x003b);
	server_flight12(f, 5, true);
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "client-gave-up-after-request", "client-cert-missing", "0x90320",
		"client closed after the CertificateRequest, no Certificate");
	is_str(last.confidence, "medium", "default client-gave-up-after-request: inferred, medium");
	ok(last.n_alternatives == 1 && !strcmp(last.alternatives[0].category, "cert-untrusted"),
	   "default client-gave-up-after-request: the client may have rejected the server (alternative)");
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	server_hello(f, 5, 0x0303, 0x003b);
	server_flight12(f, 5, false);
	fin(f, TD_WHO_CLIENT, 6);
	near_miss(rs, f, "client-gave-up-after-request", "closed-during-handshake", "no CertificateRequest");
	/* The server's close after the client's empty Certificate, no alert. */
	f = client_auth_flow(0);
	fin(f, TD_WHO_SERVER, 8);
	decides(rs, f, "client-cert-missing", "client-cert-missing", "0x90320", "server FIN after the empty Certificate");
	/* near miss: a certificate sent, nothing rejected it yet. */
	f = client_auth_flow(1);
	client_chain(f, "CN=Contoso Root CA");
	x509(f)->client_auth.issuer_listed = true;
	x509(f)->client_auth.eku_allows_client_auth = true;
	near_miss(rs, f, "client-cert-missing", "incomplete", "the client sent a certificate");

	/* client-cert-untrusted-ca: its issuer is not among the listed CAs. */
	f = client_auth_flow(1);
	client_chain(f, "CN=Fabrikam Issuing CA");
	x509(f)->client_auth.issuer_listed = false;
	snprintf(x509(f)->client_auth.ca_names, sizeof(x509(f)->client_auth.ca_names), "CN=Contoso Root CA");
	fin(f, TD_WHO_SERVER, 8);
	decides(rs, f, "client-cert-untrusted-ca", "client-cert-untrusted-ca", "0x80090326", "issuer not listed, server FIN");
	is_str(last.summary,
	       "The server rejected the client's certificate (issued by CN=Fabrikam Issuing CA): it ended the handshake right after it",
	       "default client-cert-untrusted-ca: summary");
	/* The same certificate, but the handshake went on: nothing rejected it. */
	f = client_auth_flow(1);
	client_chain(f, "CN=Fabrikam Issuing CA");
	x509(f)->client_auth.issuer_listed = false;
	snprintf(x509(f)->client_auth.ca_names, sizeof(x509(f)->client_auth.ca_names), "CN=Contoso Root CA");
	finished(f, TD_DIR_C2S, 7);
	finished(f, TD_DIR_S2C, 8);
	near_miss(rs, f, "client-cert-untrusted-ca", "ok", "the server went on with its Finished");
	/* ... or the server's alert right after the client's certificate. */
	f = client_auth_flow(1);
	client_chain(f, "CN=Fabrikam Issuing CA");
	x509(f)->client_auth.issuer_listed = true;
	alert(f, TD_DIR_S2C, 8, 2, 48);
	decides(rs, f, "client-cert-untrusted-ca", "client-cert-untrusted-ca", "0x80090326", "unknown_ca after the certificate");
	ok(has_evidence(&last, 7) && has_evidence(&last, 8), "default client-cert-untrusted-ca: evidence certificate (7) and alert (8)");
	f = client_auth_flow(1);
	client_chain(f, "CN=Fabrikam Issuing CA");
	x509(f)->client_auth.issuer_listed = true;
	alert(f, TD_DIR_S2C, 8, 2, 50);
	near_miss(rs, f, "client-cert-untrusted-ca", "server-alert", "decode_error is not about the certificate");
}


/* A complete TLS 1.2 handshake to vpn.contoso.test whose certificate chain
 * was decoded. */
static struct td_facts *cert_flow(struct td_cert_info **leaf)
{
	struct td_facts *f = handshake12(MODERN, 3, 0xc02f);
	*leaf = server_chain(f, "vpn.contoso.test", "CN=Contoso Issuing CA");
	return f;
}

/* A completed NULL-cipher handshake of an IP-HTTPS client, with a chain. */
static struct td_facts *iphttps_cert_flow(struct td_cert_info **leaf)
{
	struct td_facts *f = handshake12(NULL_ONLY, 3, 0x003b);
	*leaf = server_chain(f, "vpn.contoso.test", "CN=Contoso Issuing CA");
	return f;
}

/* The server's TLS 1.2 flight (frame 5) with its chain, and nothing of the
 * client's after it yet: the caller adds how the client answered. */
static struct td_facts *server_flight_flow(struct td_cert_info **leaf)
{
	struct td_facts *f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	*leaf = server_chain(f, "vpn.contoso.test", "CN=Contoso Issuing CA");
	return f;
}

/* Both sides sent application data after the handshake. */
static void carried_on(struct td_facts *f)
{
	struct td_tls_facts *t = tls(f);
	t->dir[TD_DIR_C2S].app_records = t->dir[TD_DIR_S2C].app_records = 3;
	t->dir[TD_DIR_C2S].records += 3;
	t->dir[TD_DIR_S2C].records += 3;
}

/* The signs of re-signing x509_judge.c counted. */
static void signs(struct td_facts *f, uint8_t n, const char *words)
{
	x509(f)->server.n_inspection_signals = n;
	snprintf(x509(f)->server.inspection_signals, sizeof(x509(f)->server.inspection_signals), "%s", words);
}

static void untrusted(struct td_facts *f, const char *why)
{
	struct td_chain_facts *c = &x509(f)->server;
	c->verify_attempted = true;
	c->trusted = false;
	c->chain_untrusted = true;
	snprintf(c->verify_error, sizeof(c->verify_error), "%s", why);
}

static void wrong_name(struct td_cert_info *leaf, struct td_facts *f)
{
	snprintf(leaf->subject, sizeof(leaf->subject), "CN=www.contoso.test");
	snprintf(leaf->cn, sizeof(leaf->cn), "www.contoso.test");
	snprintf(leaf->san_dns, sizeof(leaf->san_dns), "www.contoso.test");
	x509(f)->server.name_matched = x509(f)->server.cn_matches = false;
	x509(f)->server.matched_name[0] = '\0';
}

static void expired(struct td_cert_info *leaf)
{
	leaf->expired = true;
	leaf->not_after = 1735689600; /* 2025-01-01 */
	leaf->days_left = -30;
}

static void test_default_inspection(const struct td_ruleset *rs)
{
	struct td_cert_info *leaf;

	/* tls-inspection: a product's CA, even on a completed handshake. */
	struct td_facts *f = cert_flow(&leaf);
	snprintf(leaf->issuer, sizeof(leaf->issuer), "CN=Zscaler Intermediate Root CA");
	snprintf(x509(f)->server.inspection_product, sizeof(x509(f)->server.inspection_product), "Zscaler");
	carried_on(f);
	decides(rs, f, "tls-inspection", "tls-inspection", "0x800b0109", "an inspection product's CA issued it");
	is_str(last.confidence, "high", "default tls-inspection: the product's CA names the cause (high)");
	is_str(last.summary,
	       "A TLS-inspecting device answered instead of the server: the certificate for vpn.contoso.test was issued by "
	       "CN=Zscaler Intermediate Root CA (Zscaler)",
	       "default tls-inspection: summary");
	ok(has_evidence(&last, 5), "default tls-inspection: evidence is the Certificate message");
	/* ... or an issuer other than the one the analyst pinned. */
	f = cert_flow(&leaf);
	x509(f)->server.expect_issuer_checked = true;
	x509(f)->server.expect_issuer_ok = false;
	decides(rs, f, "tls-inspection", "tls-inspection", "0x800b0109", "not the pinned issuer");
	f = cert_flow(&leaf);
	near_miss(rs, f, "tls-inspection", "ok", "no indicator");

	/* tls-inspection-signals: two signs together (x509_judge.c counts them), medium. */
	f = cert_flow(&leaf);
	snprintf(leaf->issuer, sizeof(leaf->issuer), "CN=Corp Outbound Decryption CA");
	signs(f, 2, "the chain is worded like an inspection CA ('decrypt'); the leaf was minted 3 minutes before the connection");
	decides(rs, f, "tls-inspection-signals", "tls-inspection", "0x800b0109", "two signs of re-signing");
	is_str(last.confidence, "medium", "default tls-inspection-signals: medium");
	is_str(last.summary,
	       "A TLS-inspecting device most likely answered: the certificate for vpn.contoso.test was issued by "
	       "CN=Corp Outbound Decryption CA (the chain is worded like an inspection CA ('decrypt'); the leaf was minted "
	       "3 minutes before the connection)",
	       "default tls-inspection-signals: summary names the signs");
	/* One sign alone is a lab server or a CDN's second CA, not inspection. */
	f = cert_flow(&leaf);
	signs(f, 1, "the leaf was minted 3 minutes before the connection");
	near_miss(rs, f, "tls-inspection-signals", "ok", "one sign alone");
	f = cert_flow(&leaf);
	leaf->self_signed = true;
	signs(f, 2, "the leaf was minted 3 minutes before the connection; an earlier connection had another issuer");
	near_miss(rs, f, "tls-inspection-signals", "ok", "self-signed: a device, not re-signing");

	/* wrong-backend-device: a device's own self-signed certificate. */
	f = server_flight_flow(&leaf);
	snprintf(leaf->subject, sizeof(leaf->subject), "CN=FortiGate");
	snprintf(leaf->issuer, sizeof(leaf->issuer), "CN=FortiGate");
	leaf->self_signed = true;
	x509(f)->server.name_matched = false;
	x509(f)->server.device_self_signed = true;
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "wrong-backend-device", "wrong-backend", "0x800b0109", "a self-signed device certificate");
	is_str(last.summary, "A device answered with its own self-signed certificate (CN=FortiGate), not the server's",
	       "default wrong-backend-device: summary");
	f = cert_flow(&leaf);
	leaf->self_signed = true;
	x509(f)->server.name_matched = false;
	x509(f)->server.device_self_signed = true;
	carried_on(f);
	near_miss(rs, f, "wrong-backend-device", "ok", "the client carried on with it");
}

/* The client ended the handshake with an alert right after the server's
 * flight: its own verdict on the server's certificate. */
static void test_default_client_rejected(const struct td_ruleset *rs)
{
	struct td_cert_info *leaf;

	struct td_facts *f = server_flight_flow(&leaf);
	alert(f, TD_DIR_C2S, 6, 2, 48); /* unknown_ca */
	decides(rs, f, "client-rejected-untrusted", "cert-untrusted", "0x800b0109", "unknown_ca, no anchors given");
	is_str(last.confidence, "high", "default client-rejected-untrusted: the alert names it (high)");
	is_str(last.summary,
	       "The client did not trust the server's certificate chain (it sent unknown_ca after the server's flight); "
	       "issuer CN=Contoso Issuing CA",
	       "default client-rejected-untrusted: summary");
	ok(has_evidence(&last, 6), "default client-rejected-untrusted: evidence is the client's alert");
	f = server_flight_flow(&leaf);
	untrusted(f, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
	alert(f, TD_DIR_C2S, 6, 2, 42); /* bad_certificate */
	decides(rs, f, "client-rejected-untrusted", "cert-untrusted", "0x800b0109", "bad_certificate, untrusted chain");
	ok(strstr(last.explanation, "With the anchors given: X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY.") != NULL,
	   "default client-rejected-untrusted: explain names the verify error");
	/* After the client's own flight, unknown_ca is not about the server. */
	f = server_flight_flow(&leaf);
	tls(f)->client_key_exchange = true;
	tls(f)->client_key_exchange_frame = 6;
	alert(f, TD_DIR_C2S, 7, 2, 48);
	near_miss(rs, f, "client-rejected-untrusted", "client-alert", "unknown_ca after the client's own flight");

	/* expired: the alert says it, or bad_certificate and the dates do. */
	f = server_flight_flow(&leaf);
	expired(leaf);
	alert(f, TD_DIR_C2S, 6, 2, 45);
	decides(rs, f, "client-rejected-expired", "cert-expired", "0x800b0101", "certificate_expired");
	is_str(last.summary,
	       "The client rejected the server's certificate as expired (it sent certificate_expired); notAfter 2025-01-01T00:00:00Z",
	       "default client-rejected-expired: summary");
	f = server_flight_flow(&leaf);
	expired(leaf);
	alert(f, TD_DIR_C2S, 6, 2, 42);
	decides(rs, f, "client-rejected-expired", "cert-expired", "0x800b0101", "bad_certificate, expired leaf");
	/* Trust comes before time in the chain policy's order. */
	f = server_flight_flow(&leaf);
	expired(leaf);
	untrusted(f, "X509_V_ERR_CERT_UNTRUSTED");
	alert(f, TD_DIR_C2S, 6, 2, 42);
	near_miss(rs, f, "client-rejected-expired", "client-rejected-untrusted", "expired and untrusted: trust first");

	/* not yet valid */
	f = server_flight_flow(&leaf);
	leaf->not_yet_valid = true;
	leaf->not_before = 1893456000; /* 2030-01-01 */
	alert(f, TD_DIR_C2S, 6, 2, 42);
	decides(rs, f, "client-rejected-not-yet-valid", "cert-not-yet-valid", "0x800b0101", "bad_certificate, valid from 2030");
	is_str(last.summary,
	       "The client rejected the server's certificate, which was not yet valid (valid from 2030-01-01T00:00:00Z; alert bad_certificate)",
	       "default client-rejected-not-yet-valid: summary");
	f = server_flight_flow(&leaf);
	alert(f, TD_DIR_C2S, 6, 2, 42);
	near_miss(rs, f, "client-rejected-not-yet-valid", "client-alert", "bad_certificate, nothing wrong visible");

	/* name */
	f = server_flight_flow(&leaf);
	wrong_name(leaf, f);
	alert(f, TD_DIR_C2S, 6, 2, 46); /* certificate_unknown */
	decides(rs, f, "client-rejected-name", "cert-name-mismatch", "0x800b010f", "certificate_unknown, another name");
	is_str(last.summary,
	       "The client rejected the server's certificate: it does not cover vpn.contoso.test (subject CN=www.contoso.test, "
	       "SAN www.contoso.test; alert certificate_unknown)",
	       "default client-rejected-name: summary");
	f = server_flight_flow(&leaf);
	wrong_name(leaf, f);
	alert(f, TD_DIR_C2S, 6, 2, 51); /* decrypt_error: not about the certificate */
	near_miss(rs, f, "client-rejected-name", "client-alert", "decrypt_error");
}

/* The client closed or reset without an alert: a certificate problem in
 * sight is the likely cause, inferred (medium). */
static void test_default_client_dropped(const struct td_ruleset *rs)
{
	struct td_cert_info *leaf;

	struct td_facts *f = server_flight_flow(&leaf);
	untrusted(f, "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN");
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "client-dropped-untrusted", "cert-untrusted", "0x800b0109", "FIN after an untrusted chain");
	is_str(last.confidence, "medium", "default client-dropped-untrusted: inferred (medium)");
	is_str(last.summary,
	       "The client dropped the connection after the server's certificate, whose chain does not verify: "
	       "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
	       "default client-dropped-untrusted: summary");
	f = cert_flow(&leaf);
	untrusted(f, "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN");
	carried_on(f);
	near_miss(rs, f, "client-dropped-untrusted", "ok", "the client carried on");

	/* A completed handshake the client closed without sending data. */
	f = cert_flow(&leaf);
	expired(leaf);
	fin(f, TD_WHO_CLIENT, 8);
	decides(rs, f, "client-dropped-expired", "cert-expired", "0x800b0101", "handshake done, closed, expired leaf");
	is_str(last.summary,
	       "The client dropped the connection after the server's certificate, which expired on 2025-01-01T00:00:00Z",
	       "default client-dropped-expired: summary");
	f = server_flight_flow(&leaf);
	expired(leaf);
	fin(f, TD_WHO_SERVER, 6);
	near_miss(rs, f, "client-dropped-expired", "closed-during-handshake", "the server closed");

	f = server_flight_flow(&leaf);
	leaf->not_yet_valid = true;
	leaf->not_before = 1893456000;
	rst(f, TD_WHO_CLIENT, 6, 128);
	decides(rs, f, "client-dropped-not-yet-valid", "cert-not-yet-valid", "0x800b0101", "RST, valid from 2030");
	f = server_flight_flow(&leaf);
	rst(f, TD_WHO_CLIENT, 6, 128);
	near_miss(rs, f, "client-dropped-not-yet-valid", "client-reset", "RST, nothing wrong visible");

	f = server_flight_flow(&leaf);
	wrong_name(leaf, f);
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "client-dropped-name", "cert-name-mismatch", "0x800b010f", "FIN, another name");
	is_str(last.summary,
	       "The client dropped the connection after the server's certificate, which does not cover vpn.contoso.test",
	       "default client-dropped-name: summary");
	f = server_flight_flow(&leaf);
	fin(f, TD_WHO_CLIENT, 6);
	near_miss(rs, f, "client-dropped-name", "closed-during-handshake", "FIN, the name matches");
}

/* Certificate problems the client carried on through are findings. */
static void test_default_ignored(const struct td_ruleset *rs)
{
	struct td_cert_info *leaf;
	struct td_facts *f = cert_flow(&leaf);
	expired(leaf);
	carried_on(f);
	finding_is(rs, f, "ignored-cert-expired", true, "data both ways, expired leaf");
	is_str(last.category, "ok", "default ignored-cert-expired: the diagnosis is ok");
	f = cert_flow(&leaf);
	expired(leaf);
	fin(f, TD_WHO_CLIENT, 8);
	finding_is(rs, f, "ignored-cert-expired", false, "the client closed without data");
	/* The server closed the finished handshake before the client could act. */
	f = cert_flow(&leaf);
	expired(leaf);
	fin(f, TD_WHO_SERVER, 8);
	finding_is(rs, f, "ignored-cert-expired", true, "the server closed the finished handshake first");
	is_str(last.rule, "ok", "default ok: a finished handshake the server closed first, whatever the certificate");

	f = cert_flow(&leaf);
	leaf->not_yet_valid = true;
	leaf->not_before = 1893456000;
	carried_on(f);
	finding_is(rs, f, "ignored-cert-not-yet-valid", true, "data both ways, valid from 2030");
	finding_is(rs, cert_flow(&leaf), "ignored-cert-not-yet-valid", false, "valid");

	f = cert_flow(&leaf);
	wrong_name(leaf, f);
	carried_on(f);
	finding_is(rs, f, "ignored-cert-name-mismatch", true, "data both ways, another name");
	is_str(last.category, "ok", "default ignored-cert-name-mismatch: the diagnosis is ok");
	finding_is(rs, cert_flow(&leaf), "ignored-cert-name-mismatch", false, "the name matches");

	f = cert_flow(&leaf);
	untrusted(f, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
	carried_on(f);
	finding_is(rs, f, "ignored-cert-untrusted", true, "data both ways, untrusted chain");
	f = cert_flow(&leaf);
	carried_on(f);
	finding_is(rs, f, "ignored-cert-untrusted", false, "trusted, or not judged");

	/* iphttps-multi-san: the name only among several SANs, IP-HTTPS only. */
	f = handshake12(NULL_ONLY, 3, 0x003b);
	leaf = server_chain(f, "vpn.contoso.test", "CN=Contoso Issuing CA");
	x509(f)->server.multi_san_not_subject = true;
	finding_is(rs, f, "iphttps-multi-san", true, "IP-HTTPS, the name among several SANs");
	f = cert_flow(&leaf);
	x509(f)->server.multi_san_not_subject = true;
	finding_is(rs, f, "iphttps-multi-san", false, "not IP-HTTPS");
}

/* A NULL-cipher IP-HTTPS session: handshake, POST /IPHTTPS at 8, the answer at 9. */
static struct td_facts *iphttps_flow(uint16_t status, const char *server, const char *uri)
{
	struct td_facts *f = handshake12(NULL_ONLY, 3, 0x003b);
	struct td_tls_facts *t = tls(f);
	t->null_plaintext = true;
	t->http_req.seen = true;
	t->http_req.frame = 8;
	snprintf(t->http_req.method, sizeof(t->http_req.method), "POST");
	snprintf(t->http_req.uri, sizeof(t->http_req.uri), "%s", uri);
	snprintf(t->http_req.host, sizeof(t->http_req.host), "vpn.contoso.test");
	snprintf(t->http_req.content_length, sizeof(t->http_req.content_length), "18446744073709551615");
	t->http_resp.seen = true;
	t->http_resp.frame = 9;
	t->http_resp.status = status;
	snprintf(t->http_resp.status_line, sizeof(t->http_resp.status_line), "HTTP/1.1 %u %s", (unsigned)status,
		 status == 200 ? "OK" : "Not Found");
	snprintf(t->http_resp.server, sizeof(t->http_resp.server), "%s", server);
	t->dir[0].app_records = t->dir[1].app_records = 1;
	t->dir[0].first_app_frame = 8;
	t->dir[1].first_app_frame = 9;
	return f;
}

/* A NULL-cipher IP-HTTPS session whose device asked for a client
 * certificate (count sent, 0: empty) and answered the POST with status. */
static struct td_facts *http_client_auth_flow(uint16_t count, uint16_t status)
{
	struct td_facts *f = iphttps_flow(status, "nginx/1.22.1", "/IPHTTPS");
	tls(f)->cert_request.seen = true;
	tls(f)->cert_request.frame = 5;
	client_certificate(f, count);
	return f;
}

static void test_default_client_cert_http(const struct td_ruleset *rs)
{
	/* client-cert-missing-http: empty Certificate, handshake done, HTTP 400. */
	struct td_facts *f = http_client_auth_flow(0, 400);
	decides(rs, f, "client-cert-missing-http", "client-cert-missing", "0x90320", "empty Certificate, then 400");
	is_str(last.confidence, "medium", "default client-cert-missing-http: confidence");
	ok(strstr(last.summary, "\"HTTP/1.1 400 Not Found\" from nginx/1.22.1") != NULL,
	   "default client-cert-missing-http: the answer quoted in the summary");
	f = http_client_auth_flow(0, 200);
	near_miss(rs, f, "client-cert-missing-http", "wrong-backend-http", "200 from nginx: not a refusal");

	/* client-cert-untrusted-ca-http: issuer not listed, handshake done, HTTP 400. */
	f = http_client_auth_flow(1, 400);
	client_chain(f, "CN=Fabrikam Issuing CA");
	x509(f)->client_auth.issuer_listed = false;
	decides(rs, f, "client-cert-untrusted-ca-http", "client-cert-untrusted-ca", NULL, "foreign issuer, then 400");
	ok(strstr(last.summary, "(issued by CN=Fabrikam Issuing CA)") != NULL,
	   "default client-cert-untrusted-ca-http: the issuer in the summary");
	f = http_client_auth_flow(1, 400);
	client_chain(f, "CN=Contoso Root CA");
	x509(f)->client_auth.issuer_listed = true;
	x509(f)->client_auth.eku_allows_client_auth = true;
	near_miss(rs, f, "client-cert-untrusted-ca-http", "wrong-backend-http", "the issuer is listed: the 400 is not about it");
	/* ... or listed, but expired (nginx: "400 The SSL certificate error"). */
	f = http_client_auth_flow(1, 400);
	client_chain(f, "CN=Contoso Root CA")->expired = true;
	x509(f)->client_auth.issuer_listed = true;
	x509(f)->client_auth.eku_allows_client_auth = true;
	decides(rs, f, "client-cert-untrusted-ca-http", "client-cert-untrusted-ca", NULL, "an expired client certificate, then 400");
}

/* A rule that never decides but names its cause among the verdict's
 * alternatives (the *-answer-lost ones under answer-lost): covered as a
 * positive case when it is listed, as a near miss when it is not. */
static void names_alternative(const struct td_ruleset *rs, struct td_facts *f, const char *id, const char *verdict,
			      bool want, const char *what)
{
	cover(want ? pos_cov : neg_cov, want ? &n_pos_cov : &n_neg_cov, id);
	decide(rs, f, &last);
	is_str(last.rule, verdict, "default %s: %s: %s decides", id, what, verdict);
	bool listed = false;
	for (size_t i = 0; i < last.n_alternatives; i++)
		listed |= last.alternatives[i].rule && strcmp(last.alternatives[i].rule, id) == 0;
	ok(listed == want, "default %s: %s: %s among the alternatives", id, what, want ? "listed" : "not listed");
	td_facts_free(f);
}

/* The IP-HTTPS request went out; the server's answer is what the capture
 * lost (a server hole after the request, no response read). */
static struct td_facts *answer_lost(struct td_facts *f)
{
	struct td_tls_facts *t = tls(f);
	t->http_resp = (struct td_http_resp){ 0 };
	t->dir[TD_DIR_S2C].app_records = 0;
	t->dir[TD_DIR_S2C].first_app_frame = 0;
	f->tcp.hole[TD_DIR_S2C] = true;
	f->tcp.hole_frame[TD_DIR_S2C] = 10;
	return f;
}

static void test_default_lost_http(const struct td_ruleset *rs)
{
	/* wrong-backend-request-lost: the request lost, a 404 from IIS read. */
	struct td_facts *f = iphttps_flow(404, "Microsoft-IIS/10.0", "/IPHTTPS");
	tls(f)->http_req = (struct td_http_req){ 0 };
	f->tcp.hole[TD_DIR_C2S] = true;
	f->tcp.hole_frame[TD_DIR_C2S] = 9;
	decides(rs, f, "wrong-backend-request-lost", "wrong-backend", "0x80090326", "the request lost, a 404 from IIS");
	is_str(last.confidence, "medium", "default wrong-backend-request-lost: medium");
	f = iphttps_flow(200, "Microsoft-HTTPAPI/2.0", "/IPHTTPS");
	tls(f)->http_req = (struct td_http_req){ 0 };
	f->tcp.hole[TD_DIR_C2S] = true;
	f->tcp.hole_frame[TD_DIR_C2S] = 9;
	near_miss(rs, f, "wrong-backend-request-lost", "ok-hole", "the request lost, 200 from HTTP.sys: the tunnel's answer");

	/* answer-lost: POST /IPHTTPS sent, the answer lost. */
	f = answer_lost(iphttps_flow(200, "Microsoft-HTTPAPI/2.0", "/IPHTTPS"));
	decides(rs, f, "answer-lost", "incomplete", NULL, "the request sent, the server's answer lost");
	is_str(last.confidence, "medium", "default answer-lost: medium");
	ok(last.n_alternatives == 1 && strcmp(last.alternatives[0].category, "wrong-backend") == 0,
	   "default answer-lost: wrong-backend the one alternative without a client certificate");
	f = iphttps_flow(200, "Microsoft-HTTPAPI/2.0", "/IPHTTPS");
	f->tcp.hole[TD_DIR_S2C] = true;
	f->tcp.hole_frame[TD_DIR_S2C] = 10;
	near_miss(rs, f, "answer-lost", "ok-iphttps", "the answer read, a later server segment lost");

	/* Under it, the client certificate's trouble, when there is one. */
	f = answer_lost(http_client_auth_flow(0, 400));
	names_alternative(rs, f, "client-cert-missing-answer-lost", "answer-lost", true, "empty Certificate, the answer lost");
	f = answer_lost(http_client_auth_flow(1, 400));
	client_chain(f, "CN=Contoso Root CA");
	x509(f)->client_auth.issuer_listed = true;
	x509(f)->client_auth.eku_allows_client_auth = true;
	names_alternative(rs, f, "client-cert-missing-answer-lost", "answer-lost", false, "a certificate sent");
	f = answer_lost(http_client_auth_flow(1, 400));
	client_chain(f, "CN=Fabrikam Issuing CA");
	x509(f)->client_auth.issuer_listed = false;
	names_alternative(rs, f, "client-cert-untrusted-ca-answer-lost", "answer-lost", true, "a foreign issuer, the answer lost");
	f = answer_lost(http_client_auth_flow(1, 400));
	client_chain(f, "CN=Contoso Root CA");
	x509(f)->client_auth.issuer_listed = true;
	x509(f)->client_auth.eku_allows_client_auth = true;
	names_alternative(rs, f, "client-cert-untrusted-ca-answer-lost", "answer-lost", false, "the issuer listed");

}

static void test_default_endings(const struct td_ruleset *rs)
{
	/* wrong-backend-http */
	struct td_facts *f = iphttps_flow(404, "Microsoft-IIS/10.0", "/IPHTTPS");
	decides(rs, f, "wrong-backend-http", "wrong-backend", "0x80090326", "404 from IIS");
	is_str(last.summary, "POST /IPHTTPS was answered \"HTTP/1.1 404 Not Found\" by Microsoft-IIS/10.0, "
			     "not 200 by Microsoft-HTTPAPI/2.0",
	       "default wrong-backend-http: summary");
	ok(has_evidence(&last, 8) && has_evidence(&last, 9), "default wrong-backend-http: evidence request (8) and answer (9)");
	f = iphttps_flow(404, "Microsoft-IIS/10.0", "/other");
	near_miss(rs, f, "wrong-backend-http", "ok", "not an IP-HTTPS request");

	/* ok-iphttps */
	f = iphttps_flow(200, "Microsoft-HTTPAPI/2.0", "/IPHTTPS");
	decides(rs, f, "ok-iphttps", "ok", NULL, "200 from HTTP.sys");
	is_str(last.summary, "The IP-HTTPS tunnel came up: POST /IPHTTPS answered 200 by Microsoft-HTTPAPI/2.0 "
			     "(TLSv1.2, TLS_RSA_WITH_NULL_SHA256)",
	       "default ok-iphttps: summary");
	f = iphttps_flow(200, "Microsoft-HTTPAPI/2.0", "/IPHTTPS");
	snprintf(tls(f)->http_resp.server, sizeof(tls(f)->http_resp.server), "nginx");
	near_miss(rs, f, "ok-iphttps", "wrong-backend-http", "answered by nginx");
	/* An IP-HTTPS tunnel that works is not "inspection" even with a fresh leaf. */
	f = iphttps_flow(200, "Microsoft-HTTPAPI/2.0", "/IPHTTPS");
	server_chain(f, "vpn.contoso.test", "CN=Contoso Issuing CA");
	x509(f)->server.fresh_leaf = true;
	decides(rs, f, "ok-iphttps", "ok", NULL, "working tunnel with a fresh leaf");

	/* ok */
	f = handshake12(MODERN, 3, 0xc02f);
	decides(rs, f, "ok", "ok", NULL, "a complete handshake");
	is_str(last.summary, "The handshake completed (TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", "default ok: summary");
	is_str(last.confidence, "high", "default ok: confidence");
	f = handshake12(MODERN, 3, 0xc02f);
	tls(f)->dir[TD_DIR_S2C].finished_seen = false;
	near_miss(rs, f, "ok", "incomplete", "the server's Finished missing");

	/* closed-during-handshake */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "closed-during-handshake", "handshake-failed", NULL, "the client closed after the server flight");
	is_str(last.summary, "The client closed the connection at the server-flight stage, without an alert",
	       "default closed-during-handshake: summary");
	is_str(last.confidence, "medium", "default closed-during-handshake: confidence");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	near_miss(rs, f, "closed-during-handshake", "incomplete", "nobody closed");

	/* incomplete */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	decides(rs, f, "incomplete", "incomplete", NULL, "the capture ends after the ClientHello");
	is_str(last.summary, "The capture ends at the client-hello stage with no sign of failure", "default incomplete: summary");
	is_str(last.confidence, "low", "default incomplete: confidence");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	fin(f, TD_WHO_SERVER, 5);
	near_miss(rs, f, "incomplete", "closed-during-handshake", "the server closed");

	/* cut-by-cap */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	fin(f, TD_WHO_CLIENT, 6);
	td_facts_cap(f, TD_CAP_BYTES);
	decides(rs, f, "cut-by-cap", "incomplete", NULL, "the server's direction stopped at --max-bytes");
	is_str(last.summary, "tlsdiag stopped reading this connection at a cap (bytes-per-direction) before the "
			     "handshake ended", "default cut-by-cap: summary");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	fin(f, TD_WHO_CLIENT, 6);
	td_facts_cap(f, TD_CAP_LIST);
	near_miss(rs, f, "cut-by-cap", "closed-during-handshake", "a list cap loses nothing decisive");

	/* capture-snapped */
	f = tcp_flow(true);
	f->tcp.snapped_packets = 3;
	decides(rs, f, "capture-snapped", "incomplete", NULL, "packets cut by the snap length, no TLS read");
	is_str(last.confidence, "high", "default capture-snapped: confidence");
	f = tcp_flow(true);
	f->tcp.snapped_packets = 3;
	client_hello(f, 4, MODERN, 3);
	near_miss(rs, f, "capture-snapped", "incomplete", "the TLS records were read all the same");
}

/* TLS 1.3 up to the client's flight, as tls_stream.c records it: the
 * ServerHello (5) and the server's encrypted flight (5) -- its first
 * encrypted record counts as its Finished --, the client's CCS and
 * encrypted Finished (6). */
static struct td_facts *tls13_flow(bool client_flight)
{
	struct td_facts *f = tcp_flow(true);
	client_hello(f, 4, TLS13, 3);
	server_hello(f, 5, 0x0304, 0x1302);
	struct td_tls_facts *t = tls(f);
	t->encrypted_extensions = true;
	finished(f, TD_DIR_S2C, 5);
	if (client_flight) {
		finished(f, TD_DIR_C2S, 6);
	} else {
		t->dir[TD_DIR_C2S].ccs_seen = true;
		t->dir[TD_DIR_C2S].ccs_frame = 6;
	}
	return f;
}

static void test_default_tls13(const struct td_ruleset *rs)
{
	/* tls13-server-rejected-client-flight: one short encrypted record (an alert) after the client's flight. */
	struct td_facts *f = tls13_flow(true);
	alert_encrypted(f, TD_DIR_S2C, 7);
	fin(f, TD_WHO_SERVER, 8);
	td_facts_derive(f);
	is_str(f->derived.pattern, "server-alert-after-client-flight", "TLS 1.3: pattern server-alert-after-client-flight");
	decides(rs, f, "tls13-server-rejected-client-flight", "handshake-failed", "0x80090326",
		"encrypted server alert after the client's flight");
	is_str(last.confidence, "medium", "default tls13-server-rejected-client-flight: confidence");
	/* ... or the server closed. */
	f = tls13_flow(true);
	rst(f, TD_WHO_SERVER, 7, 118);
	td_facts_derive(f);
	is_str(f->derived.pattern, "server-closed-after-client-flight", "TLS 1.3: pattern server-closed-after-client-flight");
	decides(rs, f, "tls13-server-rejected-client-flight", "handshake-failed", "0x80090326",
		"server RST after the client's flight");
	/* near miss: the server sent data first: the handshake worked. */
	f = tls13_flow(true);
	tls(f)->dir[TD_DIR_S2C].app_records = 2;
	tls(f)->dir[TD_DIR_S2C].first_app_frame = 7;
	alert_encrypted(f, TD_DIR_S2C, 8);
	fin(f, TD_WHO_SERVER, 9);
	near_miss(rs, f, "tls13-server-rejected-client-flight", "ok", "application data before the close");

	/* tls13-client-rejected-server-flight: the client's short encrypted record instead of its Finished. */
	f = tls13_flow(false);
	alert_encrypted(f, TD_DIR_C2S, 6);
	fin(f, TD_WHO_CLIENT, 7);
	decides(rs, f, "tls13-client-rejected-server-flight", "handshake-failed", NULL,
		"encrypted client alert, no Finished");
	is_str(last.confidence, "medium", "default tls13-client-rejected-server-flight: confidence");
	is_str(last.summary,
	       "TLS 1.3: the client rejected the server's encrypted flight (an encrypted alert instead of its Finished)",
	       "default tls13-client-rejected-server-flight: summary");
	f = tls13_flow(true);
	fin(f, TD_WHO_CLIENT, 7);
	near_miss(rs, f, "tls13-client-rejected-server-flight", "ok", "the client's record was its Finished");
}

/* One event of the connection's message sequence (what tls_stream.c logs). */
static void event(struct td_facts *f, enum td_dir dir, uint64_t frame, uint8_t kind, uint32_t arg)
{
	struct td_tls_facts *t = tls(f);
	if (t->n_events < TD_MAX_EVENTS)
		t->events[t->n_events++] = (struct td_event){ .frame = frame, .ts = (double)frame, .dir = (uint8_t)dir,
							      .kind = kind, .encrypted = kind == TD_EV_ENCRYPTED_HS,
							      .arg = arg };
}

/* A TLS 1.3 client flight at frame 6 of encrypted records of these sizes
 * (the last one its Finished). */
static struct td_facts *tls13_client_flight(const uint32_t *sizes, size_t n)
{
	struct td_facts *f = tls13_flow(true);
	for (size_t i = 0; i < n; i++)
		event(f, TD_DIR_C2S, 6, TD_EV_ENCRYPTED_HS, sizes[i]);
	return f;
}

static void test_default_tls13_client_cert(const struct td_ruleset *rs)
{
	static const uint32_t empty[] = { 25, 53 }, real[] = { 1100, 281, 53 }, none[] = { 53 };
	struct td_facts *f = tls13_client_flight(empty, 2);
	alert_encrypted(f, TD_DIR_S2C, 7);
	fin(f, TD_WHO_SERVER, 8);
	decides(rs, f, "tls13-client-cert-missing", "client-cert-missing", "0x90320",
		"an empty Certificate (25 bytes) and the server's alert");
	is_str(last.confidence, "medium", "default tls13-client-cert-missing: inferred from sizes (medium)");
	f = tls13_client_flight(empty, 2);
	tls(f)->dir[TD_DIR_S2C].app_records = 2;
	tls(f)->dir[TD_DIR_S2C].first_app_frame = 7;
	tls(f)->dir[TD_DIR_C2S].app_records = 2;
	near_miss(rs, f, "tls13-client-cert-missing", "ok", "the server answered with data");

	f = tls13_client_flight(real, 3);
	rst(f, TD_WHO_SERVER, 7, 64);
	decides(rs, f, "tls13-client-cert-rejected", "client-cert-untrusted-ca", "0x80090326",
		"Certificate, CertificateVerify, Finished, then the server's RST");
	f = tls13_client_flight(none, 1);
	rst(f, TD_WHO_SERVER, 7, 64);
	near_miss(rs, f, "tls13-client-cert-rejected", "tls13-server-rejected-client-flight", "only a Finished");

	/* capture-hole-server: TLS 1.3, the client's flight and its alert
	 * (known by its size), then a server segment lost (it shows at the
	 * server's close): the server's answer to the flight, which completes
	 * the handshake, may be what was lost. */
	f = tls13_client_flight(none, 1);
	alert_encrypted(f, TD_DIR_C2S, 7);
	fin(f, TD_WHO_SERVER, 8);
	f->tcp.hole[TD_DIR_S2C] = true;
	f->tcp.hole_frame[TD_DIR_S2C] = 8;
	decides(rs, f, "capture-hole-server", "incomplete", NULL, "the client's flight and alert, then a server segment lost");
	is_str(last.confidence, "medium", "default capture-hole-server: medium");
	f = tls13_client_flight(none, 1);
	alert_encrypted(f, TD_DIR_C2S, 7);
	fin(f, TD_WHO_SERVER, 8);
	near_miss(rs, f, "capture-hole-server", "tls13-server-rejected-client-flight", "nothing lost: the close after the flight decides");
}

static void test_default_open_and_odd(const struct td_ruleset *rs)
{
	/* client-alert-after-finished: Finished, then an encrypted alert, no data. */
	struct td_facts *g = tls13_flow(true);
	alert_encrypted(g, TD_DIR_C2S, 7);
	fin(g, TD_WHO_CLIENT, 8);
	decides(rs, g, "client-alert-after-finished", "handshake-failed", NULL, "a client alert right after its Finished");
	ok(last.n_alternatives == 2, "default client-alert-after-finished: name and trust are the alternatives");
	g = tls13_flow(true);
	tls(g)->dir[TD_DIR_S2C].app_records = 2;
	tls(g)->dir[TD_DIR_C2S].app_records = 1;
	alert_encrypted(g, TD_DIR_C2S, 8);
	fin(g, TD_WHO_CLIENT, 9);
	near_miss(rs, g, "client-alert-after-finished", "ok", "the client sent data first");

	/* ok-snapped: the record heads show the handshake completed. */
	struct td_facts *f = handshake12(MODERN, 3, 0xc02f);
	tls(f)->snapped = true;
	decides(rs, f, "ok-snapped", "ok", NULL, "completed, read from record heads");
	is_str(last.confidence, "medium", "default ok-snapped: medium (the certificates were not seen)");
	near_miss(rs, handshake12(MODERN, 3, 0xc02f), "ok-snapped", "ok", "the whole packets");

	/* capture-hole: a segment missing from the capture comes before any
	 * ending but a completed handshake (an alert too: what it answers may
	 * be in the hole). */
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	f->tcp.hole[TD_DIR_S2C] = true;
	f->tcp.hole_frame[TD_DIR_S2C] = 5;
	alert(f, TD_DIR_S2C, 6, 2, 40);
	decides(rs, f, "capture-hole", "incomplete", NULL, "the server's flight lost, then its alert");
	is_str(last.confidence, "medium", "default capture-hole: medium");
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	f->tcp.hole[TD_DIR_C2S] = true;
	f->tcp.hole_frame[TD_DIR_C2S] = 9;
	alert(f, TD_DIR_S2C, 6, 2, 40);
	near_miss(rs, f, "capture-hole", "null-cipher-rejected", "the hole shows after the alert");
	f = tcp_flow(true);
	client_hello(f, 4, NULL_ONLY, 3);
	alert(f, TD_DIR_S2C, 6, 2, 40);
	near_miss(rs, f, "capture-hole", "null-cipher-rejected", "nothing lost: the alert right after the hello decides");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	f->tcp.hole[TD_DIR_C2S] = true;
	f->tcp.hole_frame[TD_DIR_C2S] = 6;
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "capture-hole", "incomplete", NULL, "the client's segment lost, then its close");

	/* ok-hole: completed, with a segment missing afterwards. */
	f = handshake12(MODERN, 3, 0xc02f);
	f->tcp.hole[TD_DIR_S2C] = true;
	decides(rs, f, "ok-hole", "ok", NULL, "completed, a later segment lost");
	is_str(last.confidence, "medium", "default ok-hole: medium (an answer may be in the hole)");
	near_miss(rs, handshake12(MODERN, 3, 0xc02f), "ok-hole", "ok", "nothing lost");

	/* ok-midstream: a finished handshake picked up after its ClientHello. */
	f = handshake12(MODERN, 3, 0xc02f);
	f->tcp.midstream = true;
	tls(f)->ch.seen = false;
	decides(rs, f, "ok-midstream", "ok", NULL, "completed, no SYN, no ClientHello");
	is_str(last.confidence, "medium", "default ok-midstream: medium (the offer is not in the capture)");
	f = handshake12(MODERN, 3, 0xc02f);
	f->tcp.midstream = true;
	near_miss(rs, f, "ok-midstream", "ok", "no SYN, but the whole handshake seen");

	/* before-capture: only data of a session whose handshake was earlier. */
	f = tcp_flow(false);
	f->tcp.syn_count = 0;
	f->tcp.syn_frame = 0;
	f->tcp.midstream = true;
	tls(f)->tls_seen = true;
	tls(f)->dir[TD_DIR_C2S].app_records = tls(f)->dir[TD_DIR_S2C].app_records = 2;
	rst(f, TD_WHO_SERVER, 5, 64);
	decides(rs, f, "before-capture", "incomplete", NULL, "application data, then a reset");
	is_str(last.summary,
	       "The connection started before the capture, after its handshake: only its data is in it "
	       "(ended by reset from the server)",
	       "default before-capture: summary");
	f = tcp_flow(false);
	f->tcp.syn_count = 0;
	f->tcp.syn_frame = 0;
	f->tcp.midstream = true;
	tls(f)->tls_seen = true;
	rst(f, TD_WHO_SERVER, 5, 64);
	near_miss(rs, f, "before-capture", "tcp-reset", "no data: the reset may end a handshake");

	/* sni-unrecognized / sni-missing */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	alert(f, TD_DIR_S2C, 5, 2, 112);
	decides(rs, f, "sni-unrecognized", "handshake-failed", "0x80090326", "unrecognized_name");
	is_str(last.summary, "The server does not serve the name the client asked for (SNI vpn.contoso.test): it sent unrecognized_name",
	       "default sni-unrecognized: summary");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	alert(f, TD_DIR_S2C, 5, 1, 112);
	near_miss(rs, f, "sni-unrecognized", "server-alert", "a warning, not fatal");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	tls(f)->ch.sni[0] = '\0';
	alert(f, TD_DIR_S2C, 5, 2, 40);
	decides(rs, f, "sni-missing", "handshake-failed", "0x80090326", "handshake_failure to a hello without SNI");
	is_str(last.confidence, "medium", "default sni-missing: medium (suites fit as well)");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	alert(f, TD_DIR_S2C, 5, 2, 40);
	near_miss(rs, f, "sni-missing", "server-alert", "the hello carried an SNI");

	/* SSLv2: the server answered in it. */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	tls(f)->ch.sslv2 = true;
	tls(f)->sslv2_server_hello_frame = 5;
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "sslv2-session", "incomplete", NULL, "an SSLv2 SERVER-HELLO");
	ok(has_finding(&last, "sslv2-spoken"), "default sslv2-session: with the finding sslv2-spoken");
	cover(pos_cov, &n_pos_cov, "sslv2-spoken");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	fin(f, TD_WHO_CLIENT, 6);
	finding_is(rs, f, "sslv2-spoken", false, "no SSLv2 answer");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	fin(f, TD_WHO_CLIENT, 6);
	near_miss(rs, f, "sslv2-session", "closed-during-handshake", "no SSLv2 answer");

	/* client-not-tls / non-tls-responder-first */
	f = tcp_flow(true);
	tls(f)->non_tls[0] = true;
	tls(f)->non_tls_frame[0] = 4;
	snprintf(tls(f)->non_tls_line[0], sizeof(tls(f)->non_tls_line[0]), "EHLO client.contoso.test");
	fin(f, TD_WHO_CLIENT, 6);
	decides(rs, f, "client-not-tls", "incomplete", NULL, "the client spoke SMTP");
	is_str(last.summary, "The client did not start with TLS: it sent \"EHLO client.contoso.test\"",
	       "default client-not-tls: summary");
	f = tcp_flow(true);
	tls(f)->non_tls[1] = true;
	tls(f)->non_tls_frame[1] = 3;
	snprintf(tls(f)->non_tls_line[1], sizeof(tls(f)->non_tls_line[1]), "SSH-2.0-OpenSSH_9.2p1");
	fin(f, TD_WHO_SERVER, 5);
	decides(rs, f, "non-tls-responder-first", "non-tls-responder", NULL, "an SSH banner first");
	f = tcp_flow(true);
	tls(f)->non_tls[1] = true;
	tls(f)->non_tls_frame[1] = 3;
	snprintf(tls(f)->non_tls_line[1], sizeof(tls(f)->non_tls_line[1]), "220 mail.contoso.test ESMTP");
	tls(f)->non_tls[0] = true;
	tls(f)->non_tls_frame[0] = 4;
	snprintf(tls(f)->non_tls_line[0], sizeof(tls(f)->non_tls_line[0]), "EHLO client.contoso.test");
	near_miss(rs, f, "non-tls-responder-first", "client-not-tls", "the client answered the banner in kind");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	tls(f)->non_tls[0] = true;
	tls(f)->non_tls_frame[0] = 5;
	snprintf(tls(f)->non_tls_line[0], sizeof(tls(f)->non_tls_line[0]), "GET / HTTP/1.1");
	near_miss(rs, f, "client-not-tls", "incomplete", "a ClientHello came first");

	/* closed-before-hello / client-abandoned-connect */
	f = tcp_flow(true);
	fin(f, TD_WHO_CLIENT, 3);
	decides(rs, f, "closed-before-hello", "incomplete", NULL, "connect and close (a port check)");
	is_str(last.summary, "The client ended the connection (by close) before any TLS was sent",
	       "default closed-before-hello: summary");
	f = tcp_flow(true);
	fin(f, TD_WHO_CLIENT, 3);
	tls(f)->proxy_req.seen = true;
	tls(f)->proxy_req.frame = 3;
	snprintf(tls(f)->proxy_req.method, sizeof(tls(f)->proxy_req.method), "GET");
	near_miss(rs, f, "closed-before-hello", "incomplete", "a proxy request was sent");
	f = tcp_flow(false);
	rst(f, TD_WHO_CLIENT, 2, 128);
	decides(rs, f, "client-abandoned-connect", "incomplete", NULL, "the client reset its own SYN");
	f = tcp_flow(true);
	rst(f, TD_WHO_CLIENT, 3, 128);
	near_miss(rs, f, "client-abandoned-connect", "closed-before-hello", "after a SYN-ACK");

	/* tcp-timeout-one-syn: one SYN, but 21 s watched. */
	decides(rs, syns(1, 21), "tcp-timeout-one-syn", "tcp-timeout", "0x274c", "one SYN, 21 s without an answer");
	is_str(last.confidence, "medium", "default tcp-timeout-one-syn: medium (the retransmissions are not in the capture)");
	near_miss(rs, syns(1, 2), "tcp-timeout-one-syn", "syn-unanswered-at-end", "one SYN, 2 s");

	/* proxy-connect-open / stalled-at-capture-end */
	f = tcp_flow(true);
	f->on_proxy_port = true;
	tls(f)->proxy_req.seen = true;
	tls(f)->proxy_req.frame = 4;
	snprintf(tls(f)->proxy_req.method, sizeof(tls(f)->proxy_req.method), "CONNECT");
	snprintf(tls(f)->proxy_req.uri, sizeof(tls(f)->proxy_req.uri), "da.contoso.test:443");
	open_at_end(f, 10);
	decides(rs, f, "proxy-connect-open", "incomplete", NULL, "the CONNECT unanswered at the end");
	ok(last.n_alternatives == 1 && !strcmp(last.alternatives[0].category, "proxy-connect-failed"),
	   "default proxy-connect-open: proxy-connect-failed is the alternative");
	f = tcp_flow(true);
	f->on_proxy_port = true;
	tls(f)->proxy_req.seen = true;
	tls(f)->proxy_req.frame = 4;
	snprintf(tls(f)->proxy_req.method, sizeof(tls(f)->proxy_req.method), "CONNECT");
	tls(f)->proxy_resp.seen = true;
	tls(f)->proxy_resp.frame = 5;
	tls(f)->proxy_resp.status = 200;
	tls(f)->tunnel_open = true;
	open_at_end(f, 10);
	near_miss(rs, f, "proxy-connect-open", "incomplete", "the proxy answered 200");

	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	f->tcp.last_ts = 5;
	open_at_end(f, 65);
	decides(rs, f, "stalled-at-capture-end", "incomplete", NULL, "the handshake open when the capture ended");
	is_str(last.summary, "The handshake was still open at the server-flight stage when the capture ended, 60 s after its last packet",
	       "default stalled-at-capture-end: summary");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	server_hello(f, 5, 0x0303, 0xc02f);
	server_flight12(f, 5, false);
	near_miss(rs, f, "stalled-at-capture-end", "incomplete", "the file ended with nothing open");

	/* handshake-stalled: decided by --handshake-timeout, not by the end */
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	f->tcp.last_ts = 5;
	open_at_end(f, 15);
	f->stalled = true;
	decides(rs, f, "handshake-stalled", "incomplete", NULL, "no answer to the ClientHello for 10 s");
	is_str(last.summary, "The handshake stopped at the client-hello stage: no packet for 10 s (--handshake-timeout)",
	       "default handshake-stalled: summary");
	f = tcp_flow(true);
	client_hello(f, 4, MODERN, 3);
	f->tcp.last_ts = 5;
	open_at_end(f, 15);
	near_miss(rs, f, "handshake-stalled", "stalled-at-capture-end", "the capture ended instead");
}

static void test_default_findings(const struct td_ruleset *rs)
{
	struct td_facts *f;
	struct td_cert_info *leaf;

	/* no-preauth */
	finding_is(rs, handshake12(NULL_ONLY, 3, 0x003b), "no-preauth", true, "IP-HTTPS, TLS 1.2, no CertificateRequest");
	f = handshake12(NULL_ONLY, 3, 0x003b);
	server_flight12(f, 5, true);
	finding_is(rs, f, "no-preauth", false, "a CertificateRequest");
	finding_is(rs, handshake12(MODERN, 3, 0xc02f), "no-preauth", false, "not IP-HTTPS");
	finding_is(rs, tls13_flow(true), "no-preauth", false, "TLS 1.3 hides it");

	/* null-cipher */
	f = handshake12(NULL_ONLY, 3, 0x003b);
	finding_is(rs, f, "null-cipher", true, "NULL_SHA256 chosen");
	is_str(last.n_findings > 1 ? last.findings[1].summary : "",
	       "NULL encryption negotiated (TLS_RSA_WITH_NULL_SHA256): by design for IP-HTTPS (the tunnel's IPsec protects the data); "
	       "for anything else the data travels in clear",
	       "default finding null-cipher: summary");
	finding_is(rs, handshake12(MIXED, 5, 0xc02f), "null-cipher", false, "an AES suite chosen");

	/* weak-protocol */
	f = handshake12(MODERN, 3, 0x002f);
	tls(f)->sh.selected_version = tls(f)->sh.version = 0x0301;
	finding_is(rs, f, "weak-protocol", true, "TLSv1.0");
	f = handshake12(MODERN, 3, 0x002f);
	tls(f)->sh.selected_version = tls(f)->sh.version = 0x0302;
	finding_is(rs, f, "weak-protocol", false, "TLSv1.1");

	/* weak-dh */
	f = handshake12(MODERN, 3, 0x0033);
	tls(f)->ske.seen = true;
	tls(f)->ske.frame = 5;
	tls(f)->ske.dh_bits = 1024;
	finding_is(rs, f, "weak-dh", true, "1024-bit DHE");
	f = handshake12(MODERN, 3, 0x0033);
	tls(f)->ske.seen = true;
	tls(f)->ske.frame = 5;
	tls(f)->ske.dh_bits = 2048;
	finding_is(rs, f, "weak-dh", false, "2048-bit DHE");
	finding_is(rs, handshake12(MODERN, 3, 0xc02f), "weak-dh", false, "ECDHE: no DH prime");

	/* self-signed */
	f = iphttps_cert_flow(&leaf);
	leaf->self_signed = true;
	snprintf(leaf->issuer, sizeof(leaf->issuer), "CN=vpn.contoso.test");
	finding_is(rs, f, "self-signed", true, "IP-HTTPS, self-signed leaf");
	finding_is(rs, iphttps_cert_flow(&leaf), "self-signed", false, "CA-issued leaf");
	f = cert_flow(&leaf);
	leaf->self_signed = true;
	finding_is(rs, f, "self-signed", false, "self-signed, not IP-HTTPS");

	/* ecdsa-cert */
	f = iphttps_cert_flow(&leaf);
	snprintf(leaf->key_type, sizeof(leaf->key_type), "EC");
	x509(f)->server.ecdsa_leaf = true;
	finding_is(rs, f, "ecdsa-cert", true, "IP-HTTPS, EC key");
	finding_is(rs, iphttps_cert_flow(&leaf), "ecdsa-cert", false, "RSA key");

	/* sstp-colocated */
	f = handshake12(MODERN, 3, 0xc02f);
	tls(f)->sstp_seen = true;
	finding_is(rs, f, "sstp-colocated", true, "an SSTP_DUPLEX_POST");
	finding_is(rs, handshake12(MODERN, 3, 0xc02f), "sstp-colocated", false, "no SSTP");

	/* Several findings at once, in rule order, alongside the verdict. */
	f = handshake12(NULL_ONLY, 3, 0x003b);
	tls(f)->sstp_seen = true;
	decide(rs, f, &last);
	ok(last.n_findings == 3 && strcmp(last.findings[0].rule, "no-preauth") == 0 &&
	   strcmp(last.findings[1].rule, "null-cipher") == 0 && strcmp(last.findings[2].rule, "sstp-colocated") == 0,
	   "default findings: no-preauth, null-cipher, sstp-colocated in rule order");
	is_str(last.rule, "ok", "default findings: the verdict is still decided");
	td_facts_free(f);
}

/* Every default rule has a positive case and a near miss above. */
static void test_default_coverage(const struct td_ruleset *rs)
{
	struct membuf m;
	membuf_open(&m);
	td_rules_list(rs, m.fp);
	char *text = must(strdup(membuf_text(&m)));
	membuf_close(&m);
	size_t n = 0, missing = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char id[80] = "";
		if (sscanf(line, "%79s", id) != 1)
			continue;
		n++;
		if (!covered(pos_cov, n_pos_cov, id) || !covered(neg_cov, n_neg_cov, id)) {
			diag("  default rule %s: %s%s", id, covered(pos_cov, n_pos_cov, id) ? "" : "no positive case ",
			     covered(neg_cov, n_neg_cov, id) ? "" : "no near miss");
			missing++;
		}
	}
	free(text);
	is_int(n, 77, "coverage: --list-rules lists the 77 default rules");
	is_int(missing, 0, "coverage: every default rule has a positive case and a near miss");
}

static void test_defaults(void)
{
	test_default_loads();
	struct td_ruleset *rs = default_rules();
	test_default_tcp(rs);
	test_default_preamble(rs);
	test_default_proxy_and_responder(rs);
	test_default_after_hello(rs);
	test_default_client_cert(rs);
	test_default_inspection(rs);
	test_default_client_rejected(rs);
	test_default_client_dropped(rs);
	test_default_ignored(rs);
	test_default_client_cert_http(rs);
	test_default_lost_http(rs);
	test_default_endings(rs);
	test_default_tls13(rs);
	test_default_tls13_client_cert(rs);
	test_default_open_and_odd(rs);
	test_default_findings(rs);
	test_default_coverage(rs);
	td_rules_free(rs);
}

int main(void)
{
	test_parse_errors();
	test_parse_limits_and_empty();
	test_load_buffer();
	test_interpolate_numbers();
	test_interpolate_text();
	test_condition_bounds();
	test_replacement();
	test_operators();
	test_absent();
	test_evidence();
	test_interpolation();
	test_order();
	test_explain();
	test_defaults();
	return done_testing();
}
