/*
 * Fuzz target: the rule language. The input is a rule file, loaded with
 * td_rules_load_buffer() as --rules loads one (td_rules_load_file() reads the
 * file into a buffer and calls it): the lexer, the parser and its errors,
 * all-or-nothing loading, replacement by id. Whatever loaded is then
 * evaluated over a few fixed connections as src/analyze.c does it (the
 * verdict with --explain to /dev/null, then both reporters), so the
 * evaluator, ${fact} interpolation and the evidence frames see fuzzed rules.
 *
 * Input: the rule file's bytes. An odd size loads the built-in rules first,
 * so that the input's rules replace or follow them (an even size loads the
 * input alone; tlsdiag --no-default-rules --rules FILE).
 *
 * The connections are set by hand, the way the parsers set them, to give
 * each kind of fact a value: a SYN left unanswered; a NULL-cipher IP-HTTPS
 * handshake refused by the server, with an expired certificate and the HTTP
 * inside; a proxy's 407 and a server that speaks something else, with times
 * at the ends of what a capture can carry (before 1970, 2^63 s).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/report.h"
#include "tlsdiag/rules.h"
#include "tlsdiag/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.rules"
#define N_CONNS 3

static FILE *devnull(void)
{
	static FILE *null;
	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	return null;
}

static void *must(void *p)
{
	if (!p)
		abort();
	return p;
}

static void tcp(struct td_facts *f, uint32_t id, uint16_t port, double t0)
{
	static const uint8_t cip[4] = { 192, 0, 2, 10 }, sip[4] = { 203, 0, 113, 5 };
	f->id = id;
	f->tcp.client_ip.family = f->tcp.server_ip.family = 4;
	memcpy(f->tcp.client_ip.addr, cip, 4);
	memcpy(f->tcp.server_ip.addr, sip, 4);
	f->tcp.client_port = 50000;
	f->tcp.server_port = port;
	f->tcp.syn_count = 1;
	f->tcp.syn_frame = f->tcp.first_frame = 1;
	f->tcp.syn_ts = f->tcp.first_ts = t0;
	f->tcp.last_frame = 1;
	f->tcp.last_ts = t0;
	f->tcp.packets = 1;
}

static void established(struct td_facts *f)
{
	f->tcp.synack_frame = 2;
	f->tcp.synack_ts = f->tcp.syn_ts + 0.01;
	f->tcp.synack_ttl = 118;
	f->tcp.reassembled = true;
}

/* 1: the SYN, retransmitted, never answered. */
static struct td_facts *syn_only(void)
{
	struct td_facts *f = must(td_facts_new());
	tcp(f, 1, 443, 1700000000.25);
	f->tcp.syn_count = 3;
	f->tcp.last_frame = 3;
	f->tcp.last_ts = 1700000009.25;
	f->tcp.packets = 3;
	return f;
}

static struct td_cert_info *leaf(struct td_cert_info *c, const char *cn, int32_t days_left)
{
	c->parsed = true;
	snprintf(c->subject, sizeof(c->subject), "CN=%s", cn);
	snprintf(c->issuer, sizeof(c->issuer), "CN=Contoso Issuing CA,O=Contoso");
	snprintf(c->cn, sizeof(c->cn), "%s", cn);
	snprintf(c->san_dns, sizeof(c->san_dns), "%s,da2.contoso.test", cn);
	c->n_san_dns = 2;
	snprintf(c->serial, sizeof(c->serial), "1A2B");
	c->not_before = 1577836800;
	c->not_after = 1696118400;
	snprintf(c->key_type, sizeof(c->key_type), "RSA");
	c->key_bits = 2048;
	snprintf(c->sig_alg, sizeof(c->sig_alg), "sha256WithRSAEncryption");
	memset(c->sha256, 'a', 64);
	snprintf(c->eku, sizeof(c->eku), "serverAuth");
	c->has_eku = c->eku_server_auth = true;
	snprintf(c->crl_urls, sizeof(c->crl_urls), "http://crl.contoso.test/ca.crl");
	c->expired = days_left < 0;
	c->days_left = days_left;
	c->minutes_since_issue = 5000000;
	return c;
}

/* 2: a NULL-cipher IP-HTTPS handshake: the server chose NULL_SHA256, sent
 * an expired certificate and asked for the client's, the client sent none,
 * the server answered with handshake_failure and reset the connection. */
static struct td_facts *null_refused(void)
{
	static const uint16_t suites[] = { 0x003b, 0x0002, 0xc02f, 0x0a0a, 0x00ff };
	static const uint16_t exts[] = { 0x0000, 0x000a, 0x000d, 0xff01, 0x0017 };
	struct td_facts *f = must(td_facts_new());
	struct td_tls_facts *t = must(td_facts_tls(f));
	tcp(f, 2, 443, 1700000000.5);
	established(f);
	t->tls_seen = true;
	t->ch.seen = true;
	t->ch.frame = 4;
	t->ch.ts = 1700000000.52;
	t->ch.record_version = 0x0301;
	t->ch.version = t->ch.max_version = 0x0303;
	memcpy(t->ch.suites, suites, sizeof(suites));
	t->ch.n_suites = sizeof(suites) / sizeof(suites[0]);
	t->ch.null_suites = 2;
	t->ch.non_null_suites = 1;
	t->ch.grease = 1;
	t->ch.n_compression = 1;
	memcpy(t->ch.exts, exts, sizeof(exts));
	t->ch.n_exts = sizeof(exts) / sizeof(exts[0]);
	snprintf(t->ch.sni, sizeof(t->ch.sni), "da.contoso.test");
	snprintf(t->ch.alpn, sizeof(t->ch.alpn), "h2,http/1.1");
	t->ch.groups[0] = 0x001d;
	t->ch.groups[1] = 0x0017;
	t->ch.n_groups = 2;
	t->ch.sigalgs[0] = 0x0401;
	t->ch.n_sigalgs = 1;
	snprintf(t->ch.ja3_hash, sizeof(t->ch.ja3_hash), "0123456789abcdef0123456789abcdef");
	snprintf(t->ch.ja4, sizeof(t->ch.ja4), "t12d0505h2_0123456789ab_0123456789ab");
	t->sh.seen = true;
	t->sh.frame = 5;
	t->sh.ts = 1700000000.55;
	t->sh.version = t->sh.selected_version = 0x0303;
	t->sh.suite = 0x003b;
	t->sh.null_cipher = true;
	t->server_certs.seen = true;
	t->server_certs.frame = 5;
	t->server_certs.ts = t->sh.ts;
	t->server_certs.count = 2;
	t->cert_request.seen = true;
	t->cert_request.frame = 5;
	t->cert_request.n_ca_names = 1;
	t->server_hello_done = true;
	t->server_hello_done_frame = 5;
	t->client_certs.seen = t->client_certs.empty = true;
	t->client_certs.frame = 6;
	t->client_key_exchange = true;
	t->client_key_exchange_frame = 6;
	t->dir[0].records = 3;
	t->dir[0].ccs_seen = t->dir[0].finished_seen = t->dir[0].encrypted_finished = true;
	t->dir[0].ccs_frame = t->dir[0].finished_frame = 6;
	t->dir[1].records = 2;
	t->dir[1].alerts = 1;
	t->dir[1].alert = (struct td_alert){ .seen = true, .frame = 7, .ts = 1700000000.6, .level = 2,
					     .description = 40 };
	t->http_req.seen = true;
	t->http_req.frame = 8;
	snprintf(t->http_req.method, sizeof(t->http_req.method), "POST");
	snprintf(t->http_req.uri, sizeof(t->http_req.uri), "/IPHTTPS");
	snprintf(t->http_req.host, sizeof(t->http_req.host), "da.contoso.test");
	snprintf(t->http_req.content_length, sizeof(t->http_req.content_length), "18446744073709551615");
	t->http_resp.seen = true;
	t->http_resp.frame = 9;
	t->http_resp.status = 200;
	snprintf(t->http_resp.status_line, sizeof(t->http_resp.status_line), "HTTP/1.1 200 OK");
	snprintf(t->http_resp.server, sizeof(t->http_resp.server), "Microsoft-HTTPAPI/2.0");
	td_facts_event(f, 4, t->ch.ts, TD_DIR_C2S, TD_EV_HANDSHAKE, 1, 200, false);
	td_facts_event(f, 5, t->sh.ts, TD_DIR_S2C, TD_EV_HANDSHAKE, 2, 70, false);
	td_facts_event(f, 7, 1700000000.6, TD_DIR_S2C, TD_EV_ALERT, 0x0228, 0, false);
	f->tcp.reset_by = TD_WHO_SERVER;
	f->tcp.rst_frame = 10;
	f->tcp.rst_ts = 1700000000.7;
	f->tcp.rst_ttl = 64;
	f->tcp.fin_by = f->tcp.first_fin_by = TD_WHO_CLIENT;
	f->tcp.fin_frame_client = 9;
	f->tcp.bytes[0] = 1200;
	f->tcp.bytes[1] = 3400;
	f->tcp.first_data_frame[0] = 4;
	f->tcp.first_data_frame[1] = 5;
	f->tcp.last_frame = 10;
	f->tcp.last_ts = f->tcp.rst_ts;
	f->tcp.packets = 10;

	struct td_x509_facts *x = must(calloc(1, sizeof(*x)));
	f->x509 = x;
	x->server.seen = true;
	x->server.n = 2;
	x->server.certs = must(calloc(2, sizeof(*x->server.certs)));
	leaf(&x->server.certs[0], "da.contoso.test", -42);
	leaf(&x->server.certs[1], "Contoso Issuing CA", 3000)->is_ca = true;
	x->server.ordered = x->server.incomplete = true;
	snprintf(x->server.expected_name, sizeof(x->server.expected_name), "da.contoso.test");
	snprintf(x->server.name_source, sizeof(x->server.name_source), "sni");
	x->server.name_checked = x->server.name_matched = x->server.cn_matches = true;
	snprintf(x->server.matched_name, sizeof(x->server.matched_name), "da.contoso.test");
	x->client_auth.requested = x->client_auth.sent_empty = true;
	snprintf(x->client_auth.ca_names, sizeof(x->client_auth.ca_names), "CN=Contoso Root CA");
	x->client_auth.ca_names_parsed = 1;
	return f;
}

/* 3: on a proxy port the CONNECT got a 407; the tunnel then went to a
 * server that printed a banner. Times at the ends of what libpcap gives:
 * before 1970 (a 32-bit pcap time read as signed) and 2^63 s (a pcapng
 * time at the top of time_t). */
static struct td_facts *proxy_non_tls(void)
{
	struct td_facts *f = must(td_facts_new());
	struct td_tls_facts *t = must(td_facts_tls(f));
	tcp(f, 3, 8080, -255.5);
	established(f);
	f->on_proxy_port = true;
	f->tcp.last_ts = 9223372036854775807.0;
	f->tcp.last_frame = 6;
	f->tcp.packets = 6;
	f->tcp.bytes[0] = 90;
	f->tcp.bytes[1] = 200;
	f->caps_hit = (1u << TD_CAP_EVENTS) | (1u << TD_CAP_LIST);
	t->proxy_req.seen = true;
	t->proxy_req.frame = 4;
	snprintf(t->proxy_req.method, sizeof(t->proxy_req.method), "CONNECT");
	snprintf(t->proxy_req.uri, sizeof(t->proxy_req.uri), "da.contoso.test:443");
	snprintf(t->proxy_req.user_agent, sizeof(t->proxy_req.user_agent), "MSIPHTTPS");
	t->proxy_resp.seen = true;
	t->proxy_resp.frame = 5;
	t->proxy_resp.status = 407;
	snprintf(t->proxy_resp.status_line, sizeof(t->proxy_resp.status_line),
		 "HTTP/1.1 407 Proxy Authentication Required");
	snprintf(t->proxy_resp.server, sizeof(t->proxy_resp.server), "squid/5.7");
	t->non_tls[1] = true;
	t->non_tls_frame[1] = 6;
	snprintf(t->non_tls_line[1], sizeof(t->non_tls_line[1]), "SSH-2.0-OpenSSH_9.2\\x00\\xff");
	t->dir[1].parse_error = true;
	t->dir[1].parse_error_frame = 6;
	snprintf(t->dir[1].parse_error_text, sizeof(t->dir[1].parse_error_text), "record header: malformed");
	f->tcp.fin_by = TD_WHO_BOTH;
	f->tcp.first_fin_by = TD_WHO_SERVER;
	f->tcp.fin_frame_server = 6;
	f->tcp.fin_ts_server = f->tcp.last_ts;
	return f;
}

static struct td_facts **conns(void)
{
	static struct td_facts *c[N_CONNS];
	if (!c[0]) {
		c[0] = syn_only();
		c[1] = null_refused();
		c[2] = proxy_non_tls();
		for (size_t i = 0; i < N_CONNS; i++)
			td_facts_derive(c[i]);
	}
	return c;
}

/* The verdict must be complete whatever the rules said. */
static void check(const struct td_diagnosis *d)
{
	if (!d->category || !d->confidence || d->n_evidence > TD_MAX_EVIDENCE || d->n_findings > TD_MAX_FINDINGS ||
	    !memchr(d->summary, '\0', sizeof(d->summary)) || !memchr(d->remedy, '\0', sizeof(d->remedy)) ||
	    !memchr(d->explanation, '\0', sizeof(d->explanation)))
		abort();
	for (size_t i = 0; i < d->n_findings; i++)
		if (!d->findings[i].category || !d->findings[i].rule)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct td_facts **c = conns();
	struct td_ruleset *rs = must(td_rules_new());
	char err[512] = "";
	if ((size & 1) && !td_rules_load_default(rs, err, sizeof(err)))
		abort();
	size_t before = td_rules_count(rs);
	err[0] = '\0';
	if (!td_rules_load_buffer(rs, (const char *)data, size, NAME, err, sizeof(err))) {
		/* All or nothing, and the error says where: "NAME:LINE:COL: ..." or "NAME: ...". */
		if (td_rules_count(rs) != before || strncmp(err, NAME ":", sizeof(NAME)) != 0)
			abort();
	}
	td_rules_list(rs, devnull());
	for (size_t i = 0; i < N_CONNS; i++) {
		struct td_diagnosis d;
		memset(&d, 0xa5, sizeof(d)); /* garbage: the verdict must set everything */
		td_rules_eval(rs, c[i], &d, devnull());
		check(&d);
		td_report_json_flow(devnull(), c[i], &d);
		td_report_text_flow(devnull(), c[i], &d);
	}
	td_rules_free(rs);
	return 0;
}
