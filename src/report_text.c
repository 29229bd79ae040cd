/*
 * The text report: a block per connection (endpoints, the messages in frame
 * order with their key detail, the stage reached, the diagnosis) and a
 * summary at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/report.h"
#include "tlsdiag/names.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/x509.h"

#define SHOW_SUITES 4

struct line {
	uint64_t frame;
	double ts;
	uint8_t dir;
	char text[320];
};

struct lines {
	struct line l[TD_MAX_EVENTS + 8];
	size_t n;
};

TD_PRINTF(5, 6) static void add(struct lines *ls, uint64_t frame, double ts, enum td_dir dir,
				const char *fmt, ...)
{
	if (frame == 0 || ls->n >= TD_ARRAY_LEN(ls->l))
		return;
	struct line *l = &ls->l[ls->n++];
	l->frame = frame;
	l->ts = ts;
	l->dir = (uint8_t)dir;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
}

static void append(char *buf, size_t len, const char *fmt, ...) TD_PRINTF(3, 4);
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void client_hello_text(const struct td_client_hello *ch, char *buf, size_t len)
{
	char name[64];
	snprintf(buf, len, "%sClientHello %s, %u suites", ch->sslv2 ? "SSLv2-format " : "",
		 td_name_fmt(TD_REG_VERSION, ch->max_version, name, sizeof(name)), ch->n_suites);
	if (ch->null_suites)
		append(buf, len, " (%u NULL)", ch->null_suites);
	for (size_t i = 0; i < ch->n_suites && i < SHOW_SUITES; i++)
		append(buf, len, "%s%s", i ? ", " : ": ",
		       td_name_fmt(TD_REG_CIPHER_SUITE, ch->suites[i], name, sizeof(name)));
	if (ch->n_suites > SHOW_SUITES)
		append(buf, len, ", ...");
	if (ch->sni[0])
		append(buf, len, "; SNI %s", ch->sni);
	if (ch->alpn[0])
		append(buf, len, "; ALPN %s", ch->alpn);
}

/* Registry names are snake_case; show the message names as RFCs do. */
static void message_name(uint16_t type, char *buf, size_t len)
{
	static const struct { uint8_t type; const char *pretty; } pretty[] = {
		{ 0, "HelloRequest" }, { 1, "ClientHello" }, { 2, "ServerHello" }, { 4, "NewSessionTicket" },
		{ 8, "EncryptedExtensions" }, { 11, "Certificate" }, { 12, "ServerKeyExchange" },
		{ 13, "CertificateRequest" }, { 14, "ServerHelloDone" }, { 15, "CertificateVerify" },
		{ 16, "ClientKeyExchange" }, { 20, "Finished" }, { 22, "CertificateStatus" }, { 24, "KeyUpdate" },
	};
	char name[64];
	snprintf(buf, len, "%s", td_name_fmt(TD_REG_HANDSHAKE, type, name, sizeof(name)));
	for (size_t i = 0; i < TD_ARRAY_LEN(pretty); i++)
		if (pretty[i].type == type)
			snprintf(buf, len, "%s", pretty[i].pretty);
}

static void handshake_text(const struct td_tls_facts *t, const struct td_event *e, char *buf, size_t len)
{
	char name[64], name2[64];
	if (t->snapped) {
		/* Read from a record head: the name and length are all there is. */
		message_name(e->code, name, sizeof(name));
		if (e->code == 11 && e->dir == TD_DIR_C2S && t->client_certs.empty)
			snprintf(buf, len, "%s (empty: no certificate sent)", name);
		else
			snprintf(buf, len, "%s, %u bytes (its body is past the snap length)", name, e->arg);
		return;
	}
	switch (e->code) {
	case 1:
		client_hello_text(&t->ch, buf, len);
		return;
	case 2:
		if (t->hrr_frame && e->frame == t->hrr_frame && !t->hrr_group)
			snprintf(buf, len, "HelloRetryRequest"); /* drafts' key_share had another code */
		else if (t->hrr_frame && e->frame == t->hrr_frame)
			snprintf(buf, len, "HelloRetryRequest (group %s)",
				 td_name_fmt(TD_REG_GROUP, t->hrr_group, name, sizeof(name)));
		else
			snprintf(buf, len, "ServerHello %s, %s",
				 td_name_fmt(TD_REG_VERSION, t->sh.selected_version, name, sizeof(name)),
				 td_name_fmt(TD_REG_CIPHER_SUITE, t->sh.suite, name2, sizeof(name2)));
		return;
	case 11: {
		const struct td_cert_chain *c = e->dir == TD_DIR_S2C ? &t->server_certs : &t->client_certs;
		if (c->empty)
			snprintf(buf, len, "Certificate (empty: no certificate sent)");
		else
			snprintf(buf, len, "Certificate (%u certificate%s)", c->count, c->count == 1 ? "" : "s");
		return;
	}
	case 12:
		if (t->ske.ecdhe_group)
			snprintf(buf, len, "ServerKeyExchange (ECDHE %s)",
				 td_name_fmt(TD_REG_GROUP, t->ske.ecdhe_group, name, sizeof(name)));
		else if (t->ske.dh_bits)
			snprintf(buf, len, "ServerKeyExchange (DHE, %u-bit prime)", t->ske.dh_bits);
		else
			snprintf(buf, len, "ServerKeyExchange");
		return;
	case 13:
		snprintf(buf, len, "CertificateRequest (%u CA name%s)", t->cert_request.n_ca_names,
			 t->cert_request.n_ca_names == 1 ? "" : "s");
		return;
	default:
		message_name(e->code, buf, len);
		return;
	}
}

/* A message larger than --max-handshake: tls_stream.c lists it with its
 * length, then the cap event; it was skipped, so no facts describe it. */
static bool skipped_message(const struct td_tls_facts *t, const struct td_event *e)
{
	const struct td_event *next = e + 1;
	return next < t->events + t->n_events && next->kind == TD_EV_CAP && next->arg == TD_CAP_HS_MSG &&
	       next->frame == e->frame && next->dir == e->dir;
}

static void event_text(const struct td_tls_facts *t, const struct td_event *e, char *buf, size_t len)
{
	char name[64];
	switch (e->kind) {
	case TD_EV_HANDSHAKE:
		if (skipped_message(t, e)) {
			message_name(e->code, buf, len);
			append(buf, len, ", %u bytes: not read (larger than --max-handshake)", e->arg);
			break;
		}
		handshake_text(t, e, buf, len);
		if (e->code == 20 && t->null_plaintext)
			append(buf, len, " (readable: NULL cipher)");
		break;
	case TD_EV_CCS:
		snprintf(buf, len, "ChangeCipherSpec");
		break;
	case TD_EV_ALERT:
		if (e->encrypted)
			snprintf(buf, len, "Alert (encrypted, %u bytes)", e->arg);
		else
			snprintf(buf, len, "Alert %s %s", (e->code >> 8) == 1 ? "warning" : "fatal",
				 td_name_fmt(TD_REG_ALERT, e->code & 0xff, name, sizeof(name)));
		break;
	case TD_EV_APP_DATA:
		snprintf(buf, len, "Application data, %u bytes%s", e->arg, e->encrypted ? "" : " (plaintext)");
		break;
	case TD_EV_ENCRYPTED_HS:
		snprintf(buf, len, "Encrypted handshake record, %u bytes", e->arg);
		break;
	case TD_EV_HTTP_REQUEST: {
		const struct td_http_req *r = e->code ? &t->proxy_req : &t->http_req;
		snprintf(buf, len, "%s%s %s", e->code ? "to the proxy: " : "HTTP request: ", r->method, r->uri);
		if (r->host[0])
			append(buf, len, ", Host %s", r->host);
		if (r->content_length[0])
			append(buf, len, ", Content-Length %s", r->content_length);
		break;
	}
	case TD_EV_HTTP_RESPONSE: {
		const struct td_http_resp *r = e->code ? &t->proxy_resp : &t->http_resp;
		snprintf(buf, len, "%s%s", e->code ? "proxy answer: " : "HTTP response: ", r->status_line);
		if (r->server[0])
			append(buf, len, ", Server %s", r->server);
		break;
	}
	case TD_EV_NON_TLS:
		snprintf(buf, len, "not TLS: \"%s\"", t->non_tls_line[e->dir]);
		break;
	case TD_EV_SSLV2_HELLO:
		if (e->dir == TD_DIR_S2C)
			snprintf(buf, len, "SSLv2 ServerHello (SSLv2 is not followed further)");
		else
			client_hello_text(&t->ch, buf, len);
		break;
	case TD_EV_UNKNOWN_RECORD:
		snprintf(buf, len, "record of type %s, %u bytes",
			 td_name_fmt(TD_REG_CONTENT_TYPE, e->code, name, sizeof(name)), e->arg);
		break;
	case TD_EV_CAP:
		snprintf(buf, len, "cap reached: message of %s bytes not kept", "more than the handshake cap");
		break;
	case TD_EV_PARSE_ERROR:
		snprintf(buf, len, "malformed: %s", t->dir[e->dir].parse_error_text);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
}

static void tcp_lines(const struct td_facts *f, struct lines *ls)
{
	const struct td_tcp_facts *t = &f->tcp;
	if (t->syn_count > 1)
		add(ls, t->syn_frame, t->syn_ts, TD_DIR_C2S, "SYN (%u SYNs in all: retransmitted)", t->syn_count);
	else
		add(ls, t->syn_frame, t->syn_ts, TD_DIR_C2S, "SYN");
	add(ls, t->synack_frame, t->synack_ts, TD_DIR_S2C, "SYN-ACK (TTL %u)", t->synack_ttl);
	add(ls, t->rst_frame, t->rst_ts, t->reset_by == TD_WHO_CLIENT ? TD_DIR_C2S : TD_DIR_S2C, "RST (TTL %u)",
	    t->rst_ttl);
	add(ls, t->fin_frame_client, t->fin_ts_client, TD_DIR_C2S, "FIN");
	add(ls, t->fin_frame_server, t->fin_ts_server, TD_DIR_S2C, "FIN");
}

static int by_frame(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void endpoint(const struct td_ip *ip, uint16_t port, char *buf, size_t len)
{
	char a[64];
	if (!inet_ntop(ip->family == 6 ? AF_INET6 : AF_INET, ip->addr, a, sizeof(a)))
		strcpy(a, "?");
	snprintf(buf, len, ip->family == 6 ? "[%s]:%u" : "%s:%u", a, port);
}

/* A connection picked up without its SYN: what of its start is missing. */
static void midstream_line(FILE *out, const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	fprintf(out, "  started before the capture (no SYN): followed from frame %llu",
		(unsigned long long)f->tcp.first_frame);
	for (int i = 0; t && i < 2; i++)
		if (t->dir[i].resync_skipped)
			fprintf(out, "; the %s's first %u bytes passed over to a record boundary",
				i == TD_DIR_C2S ? "client" : "server", t->dir[i].resync_skipped);
	fputc('\n', out);
}

static void header(FILE *out, const struct td_facts *f)
{
	char c[80], s[80];
	endpoint(&f->tcp.client_ip, f->tcp.client_port, c, sizeof(c));
	endpoint(&f->tcp.server_ip, f->tcp.server_port, s, sizeof(s));
	fprintf(out, "#%u %s -> %s", f->id, c, s);
	if (f->tls && f->tls->ch.sni[0])
		fprintf(out, "  SNI %s", f->tls->ch.sni);
	if (f->on_proxy_port)
		fprintf(out, "  (proxy port)");
	fprintf(out, "  [%s]\n", f->file);
	if (!f->tcp.reassembled && f->tcp.not_reassembled_why[0])
		fprintf(out, "  payload not followed: %s\n", f->tcp.not_reassembled_why);
	else if (f->tcp.midstream)
		midstream_line(out, f);
	else if (f->tcp.by_content)
		fprintf(out, "  TLS found by content (port %u not analyzed): followed from its ClientHello, frame %llu\n",
			f->tcp.server_port, (unsigned long long)f->tcp.first_frame);
}

static void cert_lines(FILE *out, const struct td_cert_info *c, size_t i)
{
	char nb[32], na[32];
	if (!c->parsed) {
		fprintf(out, "    [%zu] does not parse: %s\n", i, c->error);
		return;
	}
	td_iso_time(c->not_before, nb, sizeof(nb));
	td_iso_time(c->not_after, na, sizeof(na));
	fprintf(out, "    [%zu] %s\n        issuer %s%s\n", i, c->subject, c->issuer,
		c->self_signed ? " (self-signed)" : "");
	fprintf(out, "        valid %.10s to %.10s: %s, %d days left; %s %u, %s%s%s\n", nb, na,
		c->expired ? "EXPIRED" : c->not_yet_valid ? "NOT YET VALID" : "valid", c->days_left,
		c->key_type, c->key_bits, c->sig_alg, c->san_dns[0] ? "; SAN " : "", c->san_dns);
}

static void chain_summary(FILE *out, const struct td_chain_facts *c, bool server)
{
	if (c->name_checked)
		fprintf(out, "    name %s (from %s): %s%s%s%s\n", c->expected_name, c->name_source,
			c->name_matched ? "matches " : "NOT covered by the certificate",
			c->name_matched ? c->matched_name : "",
			c->cn_matches ? " (the subject CN too)" : c->name_matched ? " (in the SAN only)" : "",
			c->multi_san_not_subject ? "; multi-SAN certificate without the name as subject" : "");
	if (c->verify_attempted && c->trusted)
		fprintf(out, "    trust: verified to a trust anchor at the capture's time\n");
	else if (c->verify_attempted)
		fprintf(out, "    trust: NOT trusted: %s (%s)\n", c->verify_error, c->verify_reason);
	else
		fprintf(out, "    trust: not checked (no trust anchors: --ca-file, --ca-path, --system-ca)\n");
	if (!c->ordered && c->n > 1)
		fprintf(out, "    chain: out of order (a certificate is not issued by the next)\n");
	if (c->incomplete)
		fprintf(out, "    chain: ends with a certificate that is no CA: its issuer was not sent%s\n",
			c->missing_intermediate ? " and no anchor holds it (missing intermediate)" : "");
	if (server && c->inspection_product[0])
		fprintf(out, "    interception: issued by a %s inspection CA\n", c->inspection_product);
	if (server && c->resigned)
		fprintf(out, "    interception: the names match but the issuer is not the expected one (re-signed)\n");
	if (server && c->fresh_leaf)
		fprintf(out, "    interception: the leaf became valid %d minutes before the capture\n",
			c->certs[0].minutes_since_issue);
	if (server && c->device_self_signed)
		fprintf(out, "    wrong server: a self-signed certificate for other names (a device answering itself)\n");
	if (c->expect_issuer_checked)
		fprintf(out, "    expected issuer: %s\n", c->expect_issuer_ok ? "yes" : "NO");
	if (c->expect_fingerprint_checked)
		fprintf(out, "    expected fingerprint: %s\n", c->expect_fingerprint_ok ? "yes" : "NO");
}

static void x509_section(FILE *out, const struct td_x509_facts *x)
{
	const struct { const struct td_chain_facts *c; const char *who; } sides[] = {
		{ &x->server, "server" }, { &x->client, "client" },
	};
	for (size_t s = 0; s < 2; s++) {
		const struct td_chain_facts *c = sides[s].c;
		if (!c->seen)
			continue;
		fprintf(out, "  %s certificates:\n", sides[s].who);
		for (size_t i = 0; i < c->n; i++)
			cert_lines(out, &c->certs[i], i);
		chain_summary(out, c, s == 0);
	}
	const struct td_client_auth_facts *a = &x->client_auth;
	if (a->requested) {
		fprintf(out, "  client certificate requested; accepted issuers: %s\n",
			a->ca_names[0] ? a->ca_names : "(any: empty list)");
		if (a->sent_empty)
			fprintf(out, "    the client sent none (empty Certificate)\n");
		else if (x->client.seen)
			fprintf(out, "    the client's issuer is %slisted; its EKU %s client authentication\n",
				a->issuer_listed ? "" : "NOT ", a->eku_allows_client_auth ? "allows" : "does NOT allow");
	}
}

/* Which caps were reached, so the analyst knows which option to raise. */
static void caps_note(FILE *out, uint32_t caps_hit)
{
	const char *sep = "";
	fprintf(out, "  note: cap reached (the listing is incomplete; see CAPS in tlsdiag(1)):");
	for (unsigned c = 1; c < TD_CAP_COUNT; c++) {
		if (!(caps_hit & (1u << c)))
			continue;
		fprintf(out, "%s %s", sep, td_cap_name((enum td_cap)c));
		sep = ",";
	}
	fputc('\n', out);
}

void td_report_text_flow(FILE *out, const struct td_facts *f, const struct td_diagnosis *d)
{
	static struct lines ls; /* large: kept off the stack */
	ls.n = 0;
	tcp_lines(f, &ls);
	if (f->tls)
		for (size_t i = 0; i < f->tls->n_events; i++) {
			const struct td_event *e = &f->tls->events[i];
			char text[320];
			event_text(f->tls, e, text, sizeof(text));
			add(&ls, e->frame, e->ts, (enum td_dir)e->dir, "%s", text);
		}
	qsort(ls.l, ls.n, sizeof(ls.l[0]), by_frame);
	header(out, f);
	for (size_t i = 0; i < ls.n; i++) {
		const struct line *l = &ls.l[i];
		fprintf(out, "  %6llu %10.6f %s  %s\n", (unsigned long long)l->frame,
			l->ts - f->tcp.first_ts, td_dir_arrow((enum td_dir)l->dir), l->text);
	}
	if (f->x509)
		x509_section(out, f->x509);
	if (f->caps_hit)
		caps_note(out, f->caps_hit);
	fprintf(out, "  stage reached: %s\n", td_stage_name((enum td_stage)f->stage));
	fprintf(out, "  diagnosis: %s", d->category);
	if (d->windows_error)
		fprintf(out, " [%s]", d->windows_error);
	fprintf(out, " (confidence %s%s%s%s%s)\n    %s\n", d->confidence,
		d->evidence_class ? ", " : "", d->evidence_class ? d->evidence_class : "",
		d->rule ? ", rule " : "", d->rule ? d->rule : "", d->summary);
	if (d->explanation[0])
		fprintf(out, "    why: %s\n", d->explanation);
	for (size_t i = 0; i < d->n_evidence; i++)
		fprintf(out, "    evidence: frame %llu: %s\n", (unsigned long long)d->evidence[i].frame,
			d->evidence[i].detail);
	fprintf(out, "    remedy: %s\n", d->remedy);
	for (size_t i = 0; i < d->n_alternatives; i++)
		fprintf(out, "    or: %s (confidence %s): %s\n", d->alternatives[i].category,
			d->alternatives[i].confidence, d->alternatives[i].summary);
	for (size_t i = 0; i < d->n_findings; i++)
		fprintf(out, "  finding: %s: %s\n", d->findings[i].category, d->findings[i].summary);
	fputc('\n', out);
}

void td_report_text_summary(FILE *out, const struct td_run_summary *s)
{
	fprintf(out, "== %llu connection%s in %u file%s (%llu packets, %llu bytes, %.3f s)",
		(unsigned long long)s->connections, s->connections == 1 ? "" : "s", s->files,
		s->files == 1 ? "" : "s", (unsigned long long)s->packets, (unsigned long long)s->bytes,
		s->seconds);
	if (s->files_failed)
		fprintf(out, "; %u file%s could not be read", s->files_failed, s->files_failed == 1 ? "" : "s");
	fputc('\n', out);
	for (size_t i = 0; i < s->n_categories; i++)
		fprintf(out, "   %-24s %llu\n", s->categories[i], (unsigned long long)s->category_counts[i]);
	fprintf(out, "   libnids: %llu stream%s followed, %llu warning%s, %llu evicted; "
		     "connections not tracked: %llu\n",
		(unsigned long long)s->nids_streams, s->nids_streams == 1 ? "" : "s",
		(unsigned long long)s->nids_warnings, s->nids_warnings == 1 ? "" : "s",
		(unsigned long long)s->nids_evicted, (unsigned long long)s->connections_dropped);
	if (s->connections_dropped_memory)
		fprintf(out, "   connections not tracked because --max-memory was reached: %llu\n",
			(unsigned long long)s->connections_dropped_memory);
	bool any = false;
	for (unsigned c = 1; c < TD_CAP_COUNT; c++) {
		if (!s->caps[c])
			continue;
		fprintf(out, "%s %s %llu", any ? "," : "   caps reached (connections):", td_cap_name((enum td_cap)c),
			(unsigned long long)s->caps[c]);
		any = true;
	}
	if (any)
		fputc('\n', out);
	if (s->write_file)
		fprintf(out, "   written to %s: %llu connection%s, %llu packet%s%s\n", s->write_file,
			(unsigned long long)s->written_connections, s->written_connections == 1 ? "" : "s",
			(unsigned long long)s->written_packets, s->written_packets == 1 ? "" : "s",
			s->write_failed ? " (writing failed: the file is incomplete)" : "");
}
