/*
 * One connection's ladder steps, from its facts and verdict (see
 * include/tlsdiag/report_steps.h). Labels are short on purpose: a ladder
 * has some 50 columns between its two lifelines, so the message name goes
 * on the arrow and one or two lines of detail under it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/names.h"
#include "tlsdiag/report_steps.h"
#include "tlsdiag/x509.h"

#define SHOW_SUITES 3

/* Printable ASCII only, in place: the drawers count bytes as columns. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

TD_PRINTF(3, 4) static void put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

TD_PRINTF(3, 4) static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static struct td_step *add(struct td_ladder *l, enum td_step_kind kind, uint64_t frame, double t, uint8_t dir)
{
	if (l->n >= TD_ARRAY_LEN(l->s))
		return NULL;
	struct td_step *s = &l->s[l->n++];
	memset(s, 0, sizeof(*s));
	s->kind = (uint8_t)kind;
	s->frame = s->last_frame = frame;
	s->t = t;
	s->dir = dir;
	return s;
}

static void message_name(uint16_t type, char *buf, size_t len)
{
	char name[64];
	put(buf, len, "%s", td_handshake_name(type, name, sizeof(name)));
}

/* The NULL suites first: offering only those is what IP-HTTPS clients do,
 * and what a device in front of the server refuses. */
static void suites_detail(const struct td_client_hello *ch, char *buf, size_t len)
{
	char name[64];
	size_t shown = 0;
	buf[0] = '\0';
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ch->n_suites && shown < SHOW_SUITES; i++) {
			if (td_suite_is_null(ch->suites[i]) != (pass == 0))
				continue;
			append(buf, len, "%s%s", shown ? ", " : "",
			       td_name_fmt(TD_REG_CIPHER_SUITE, ch->suites[i], name, sizeof(name)));
			shown++;
		}
	if (ch->n_suites > shown)
		append(buf, len, ", ...");
}

static void client_hello(const struct td_client_hello *ch, struct td_step *s)
{
	char name[64];
	char *d = s->detail[0];
	size_t len = sizeof(s->detail[0]);
	put(s->label, sizeof(s->label), "%sClientHello", ch->sslv2 ? "SSLv2-format " : "");
	put(d, len, "%s, %u suite%s", td_name_fmt(TD_REG_VERSION, ch->max_version, name, sizeof(name)),
	    ch->n_suites, ch->n_suites == 1 ? "" : "s");
	if (ch->null_suites)
		append(d, len, " (%u NULL)", ch->null_suites);
	if (ch->sni[0])
		append(d, len, ", SNI %s", ch->sni);
	if (ch->alpn[0])
		append(d, len, ", ALPN %s", ch->alpn);
	suites_detail(ch, s->detail[1], sizeof(s->detail[1]));
}

static void server_hello(const struct td_tls_facts *t, const struct td_event *e, struct td_step *s)
{
	char name[64], name2[64];
	if (t->hrr_frame && e->frame == t->hrr_frame) {
		put(s->label, sizeof(s->label), "HelloRetryRequest");
		if (t->hrr_group)
			put(s->detail[0], sizeof(s->detail[0]), "group %s",
			    td_name_fmt(TD_REG_GROUP, t->hrr_group, name, sizeof(name)));
		return;
	}
	put(s->label, sizeof(s->label), "ServerHello");
	put(s->detail[0], sizeof(s->detail[0]), "%s, %s",
	    td_name_fmt(TD_REG_VERSION, t->sh.selected_version, name, sizeof(name)),
	    td_name_fmt(TD_REG_CIPHER_SUITE, t->sh.suite, name2, sizeof(name2)));
}

/* The leaf's subject when it was decoded, else how many were sent. */
static void certificate(const struct td_facts *f, const struct td_event *e, struct td_step *s)
{
	const struct td_tls_facts *t = f->tls;
	bool server = e->dir == TD_DIR_S2C;
	const struct td_cert_chain *c = server ? &t->server_certs : &t->client_certs;
	const struct td_chain_facts *x = f->x509 ? (server ? &f->x509->server : &f->x509->client) : NULL;
	put(s->label, sizeof(s->label), "Certificate");
	if (c->empty) {
		put(s->detail[0], sizeof(s->detail[0]), "empty: no certificate sent");
		return;
	}
	put(s->detail[0], sizeof(s->detail[0]), "%u certificate%s", c->count, c->count == 1 ? "" : "s");
	if (x && x->n && x->certs[0].parsed) {
		put(s->detail[1], sizeof(s->detail[1]), "%s", x->certs[0].subject);
		if (x->certs[0].expired)
			append(s->detail[0], sizeof(s->detail[0]), ", leaf EXPIRED");
		else if (x->certs[0].not_yet_valid)
			append(s->detail[0], sizeof(s->detail[0]), ", leaf NOT YET VALID");
		if (x->certs[0].self_signed)
			append(s->detail[0], sizeof(s->detail[0]), ", self-signed");
	}
}

static void handshake(const struct td_facts *f, const struct td_event *e, struct td_step *s)
{
	const struct td_tls_facts *t = f->tls;
	char name[64];
	const struct td_event *next = e + 1;
	bool skipped = next < t->events + t->n_events && next->kind == TD_EV_CAP && next->arg == TD_CAP_HS_MSG &&
		       next->frame == e->frame && next->dir == e->dir;
	if (t->snapped || skipped) {
		/* Only the record or message head was read: its name and length. */
		message_name(e->code, s->label, sizeof(s->label));
		put(s->detail[0], sizeof(s->detail[0]), "%u bytes, %s", e->arg,
		    skipped ? "not read (larger than --max-handshake)" : "body past the snap length");
		return;
	}
	switch (e->code) {
	case 1:
		client_hello(&t->ch, s);
		return;
	case 2:
		server_hello(t, e, s);
		return;
	case 11:
		certificate(f, e, s);
		return;
	case 12:
		put(s->label, sizeof(s->label), "ServerKeyExchange");
		if (t->ske.ecdhe_group)
			put(s->detail[0], sizeof(s->detail[0]), "ECDHE %s",
			    td_name_fmt(TD_REG_GROUP, t->ske.ecdhe_group, name, sizeof(name)));
		else if (t->ske.dh_bits)
			put(s->detail[0], sizeof(s->detail[0]), "DHE, %u-bit prime", t->ske.dh_bits);
		return;
	case 13:
		put(s->label, sizeof(s->label), "CertificateRequest");
		put(s->detail[0], sizeof(s->detail[0]), "%u CA name%s", t->cert_request.n_ca_names,
		    t->cert_request.n_ca_names == 1 ? "" : "s");
		if (f->x509 && f->x509->client_auth.ca_names[0])
			put(s->detail[1], sizeof(s->detail[1]), "%s", f->x509->client_auth.ca_names);
		return;
	case 20:
		put(s->label, sizeof(s->label), "Finished");
		if (t->null_plaintext)
			put(s->detail[0], sizeof(s->detail[0]), "readable: NULL cipher");
		return;
	default:
		message_name(e->code, s->label, sizeof(s->label));
		return;
	}
}

static void alert(const struct td_facts *f, const struct td_diagnosis *d, const struct td_event *e,
		  struct td_step *s)
{
	char name[64];
	if (e->encrypted) {
		put(s->label, sizeof(s->label), "Alert (encrypted)");
		put(s->detail[0], sizeof(s->detail[0]), "%u bytes", e->arg);
		return;
	}
	put(s->label, sizeof(s->label), "Alert %s", td_name_fmt(TD_REG_ALERT, e->code & 0xff, name, sizeof(name)));
	put(s->detail[0], sizeof(s->detail[0]), "%s", (e->code >> 8) == 1 ? "warning" : "fatal");
	/* What Schannel makes of the server's alert, when that is the error the
	 * diagnosis names: a different one would contradict it on the picture. */
	const char *win = f->derived.alert_windows[TD_DIR_S2C];
	if (e->dir == TD_DIR_S2C && win[0] && (e->code >> 8) == 2 && d->windows_error && !strcmp(win, d->windows_error))
		append(s->detail[0], sizeof(s->detail[0]), "; the client reports %s", win);
}

static void http(const struct td_tls_facts *t, const struct td_event *e, struct td_step *s)
{
	if (e->kind == TD_EV_HTTP_REQUEST) {
		const struct td_http_req *r = e->code ? &t->proxy_req : &t->http_req;
		put(s->label, sizeof(s->label), "%s %s", r->method, r->uri);
		put(s->detail[0], sizeof(s->detail[0]), "%s", e->code ? "to the proxy" : "HTTP request");
		if (r->host[0])
			append(s->detail[0], sizeof(s->detail[0]), ", Host %s", r->host);
		return;
	}
	const struct td_http_resp *r = e->code ? &t->proxy_resp : &t->http_resp;
	put(s->label, sizeof(s->label), "%s", r->status_line);
	put(s->detail[0], sizeof(s->detail[0]), "%s", e->code ? "proxy answer" : "HTTP response");
	if (r->server[0])
		append(s->detail[0], sizeof(s->detail[0]), ", Server %s", r->server);
}

static void other(const struct td_tls_facts *t, const struct td_event *e, struct td_step *s)
{
	char name[64];
	switch (e->kind) {
	case TD_EV_CCS:
		put(s->label, sizeof(s->label), "ChangeCipherSpec");
		break;
	case TD_EV_NON_TLS:
		put(s->label, sizeof(s->label), "not TLS");
		put(s->detail[0], sizeof(s->detail[0]), "\"%s\"", t->non_tls_line[e->dir & 1]);
		break;
	case TD_EV_SSLV2_HELLO:
		if (e->code >= 0x100) {
			put(s->label, sizeof(s->label), "SSLv2 Error");
			put(s->detail[0], sizeof(s->detail[0]), "code %u", e->code - 0x100u);
		} else if (e->code == 2) {
			put(s->label, sizeof(s->label), "SSLv2 ClientMasterKey");
			put(s->detail[0], sizeof(s->detail[0]), "%s", t->sslv2.cipher);
		} else if (e->dir == TD_DIR_S2C) {
			put(s->label, sizeof(s->label), "SSLv2 ServerHello");
		} else {
			client_hello(&t->ch, s);
		}
		break;
	case TD_EV_UNKNOWN_RECORD:
		put(s->label, sizeof(s->label), "record of type %s",
		    td_name_fmt(TD_REG_CONTENT_TYPE, e->code, name, sizeof(name)));
		put(s->detail[0], sizeof(s->detail[0]), "%u bytes", e->arg);
		break;
	case TD_EV_CAP:
		put(s->label, sizeof(s->label), "cap reached");
		put(s->detail[0], sizeof(s->detail[0]), "a message larger than --max-handshake");
		break;
	case TD_EV_PREAMBLE:
		put(s->label, sizeof(s->label), "%s", e->code ? t->preamble.text : t->preamble.command);
		put(s->detail[0], sizeof(s->detail[0]), "%s %s", t->preamble.protocol,
		    !e->code ? "upgrade command" : t->preamble.accepted ? "accepted" : "refused");
		break;
	case TD_EV_PARSE_ERROR:
		put(s->label, sizeof(s->label), "malformed");
		put(s->detail[0], sizeof(s->detail[0]), "%s", t->dir[e->dir & 1].parse_error_text);
		break;
	default:
		put(s->label, sizeof(s->label), "?");
		break;
	}
}

/* Consecutive records of one kind in one direction are one arrow: a
 * session's data would otherwise push the handshake off the screen. */
static bool merge(struct td_ladder *l, const struct td_event *e)
{
	struct td_step *p = l->n ? &l->s[l->n - 1] : NULL;
	if (!p || p->dir != e->dir)
		return false;
	if (e->kind == TD_EV_APP_DATA && p->kind == TD_STEP_DATA) {
		p->records++;
		p->bytes += e->arg;
		p->last_frame = e->frame;
		put(p->detail[0], sizeof(p->detail[0]), "%u records, %llu bytes%s, frames %llu-%llu", p->records,
		    (unsigned long long)p->bytes, e->encrypted ? "" : ", plaintext", (unsigned long long)p->frame,
		    (unsigned long long)p->last_frame);
		return true;
	}
	if (e->kind == TD_EV_ENCRYPTED_HS && p->kind == TD_STEP_MSG && p->frame == e->frame && p->records) {
		p->records++;
		append(p->detail[0], sizeof(p->detail[0]), " + %u", e->arg);
		return true;
	}
	return false;
}

static void event_step(const struct td_facts *f, const struct td_diagnosis *d, const struct td_event *e,
		       struct td_ladder *l)
{
	double t = e->ts - f->tcp.first_ts;
	if (merge(l, e))
		return;
	enum td_step_kind kind = e->kind == TD_EV_ALERT ? TD_STEP_ALERT : e->kind == TD_EV_APP_DATA ? TD_STEP_DATA
											   : TD_STEP_MSG;
	struct td_step *s = add(l, kind, e->frame, t, e->dir & 1);
	if (!s)
		return;
	switch (e->kind) {
	case TD_EV_HANDSHAKE:
		handshake(f, e, s);
		break;
	case TD_EV_ALERT:
		alert(f, d, e, s);
		break;
	case TD_EV_APP_DATA:
		s->records = 1;
		s->bytes = e->arg;
		put(s->label, sizeof(s->label), "Application data");
		put(s->detail[0], sizeof(s->detail[0]), "%u bytes%s", e->arg, e->encrypted ? "" : ", plaintext");
		break;
	case TD_EV_ENCRYPTED_HS:
		s->records = 1; /* the records of one frame join it */
		put(s->label, sizeof(s->label), "Encrypted handshake");
		put(s->detail[0], sizeof(s->detail[0]), "bytes %u", e->arg);
		break;
	case TD_EV_HTTP_REQUEST:
	case TD_EV_HTTP_RESPONSE:
		http(f->tls, e, s);
		break;
	default:
		other(f->tls, e, s);
		break;
	}
}

static void tcp_open(const struct td_facts *f, struct td_ladder *l)
{
	const struct td_tcp_facts *t = &f->tcp;
	struct td_step *s;
	if (t->syn_frame && (s = add(l, TD_STEP_SYN, t->syn_frame, t->syn_ts - t->first_ts, TD_DIR_C2S))) {
		put(s->label, sizeof(s->label), "SYN");
		if (t->syn_count > 1)
			put(s->detail[0], sizeof(s->detail[0]), "%u SYNs in all, the last at +%.3f s", t->syn_count,
			    t->syn_last_ts - t->first_ts);
	}
	if (t->synack_frame && (s = add(l, TD_STEP_SYN_ACK, t->synack_frame, t->synack_ts - t->first_ts, TD_DIR_S2C))) {
		put(s->label, sizeof(s->label), "SYN-ACK");
		put(s->detail[0], sizeof(s->detail[0]), "TTL %u", t->synack_ttl);
	}
}

static void tcp_close(const struct td_facts *f, struct td_ladder *l)
{
	const struct td_tcp_facts *t = &f->tcp;
	struct td_step *s;
	uint8_t rdir = t->reset_by == TD_WHO_CLIENT ? TD_DIR_C2S : TD_DIR_S2C;
	if (t->rst_frame && (s = add(l, TD_STEP_RST, t->rst_frame, t->rst_ts - t->first_ts, rdir))) {
		put(s->label, sizeof(s->label), "RST");
		put(s->detail[0], sizeof(s->detail[0]), "TTL %u%s", t->rst_ttl,
		    f->derived.rst_ttl_differs ? ", not the SYN-ACK's: likely injected" : "");
	}
	if (t->fin_frame_client && (s = add(l, TD_STEP_FIN, t->fin_frame_client, t->fin_ts_client - t->first_ts, TD_DIR_C2S)))
		put(s->label, sizeof(s->label), "FIN");
	if (t->fin_frame_server && (s = add(l, TD_STEP_FIN, t->fin_frame_server, t->fin_ts_server - t->first_ts, TD_DIR_S2C)))
		put(s->label, sizeof(s->label), "FIN");
}

/* Open when the capture ended: the silence is the step that matters. */
static void capture_end(const struct td_facts *f, struct td_ladder *l)
{
	const struct td_tcp_facts *t = &f->tcp;
	if (strcmp(f->derived.end_how, "capture-end") != 0)
		return;
	double end = f->capture_end_ts > t->last_ts ? f->capture_end_ts : t->last_ts;
	struct td_step *s = add(l, TD_STEP_END, 0, end - t->first_ts, TD_STEP_NODIR);
	if (!s)
		return;
	put(s->label, sizeof(s->label), "capture ends");
	if (!t->synack_frame && !t->rst_frame && t->syn_frame)
		put(s->detail[0], sizeof(s->detail[0]), "no answer to %u SYN%s", t->syn_count, t->syn_count == 1 ? "" : "s");
	else
		put(s->detail[0], sizeof(s->detail[0]), "still open, %.3f s after its last packet", f->derived.end_open_for);
}

/* By frame, stable: insertion order breaks ties, so the payload of a frame
 * comes before the RST or FIN riding with it. Steps without a frame (the
 * capture's end, the cap note) go last. At most ~100 steps: insertion sort. */
static void sort_steps(struct td_ladder *l)
{
	static struct td_step tmp;
	for (size_t i = 1; i < l->n; i++) {
		tmp = l->s[i];
		uint64_t f = tmp.frame ? tmp.frame : UINT64_MAX;
		size_t j = i;
		for (; j > 0 && (l->s[j - 1].frame ? l->s[j - 1].frame : UINT64_MAX) > f; j--)
			l->s[j] = l->s[j - 1];
		l->s[j] = tmp;
	}
}

static bool kind_ends(const struct td_step *s, const char *how)
{
	if (!strcmp(how, "alert"))
		return s->kind == TD_STEP_ALERT;
	if (!strcmp(how, "reset"))
		return s->kind == TD_STEP_RST;
	if (!strcmp(how, "close"))
		return s->kind == TD_STEP_FIN;
	return false;
}

/* The step a cited fact is about: the fact's name says which message. */
static const struct {
	const char *fact;   /* prefix of the evidence detail */
	uint8_t dir;
	const char *label;  /* prefix of the step's label, NULL: any message */
} fact_steps[] = {
	{ "x509.server.", TD_DIR_S2C, "Certificate" },
	{ "x509.client_auth.", TD_DIR_S2C, "CertificateRequest" },
	{ "x509.client.", TD_DIR_C2S, "Certificate" },
	{ "tls.client_certificate.", TD_DIR_C2S, "Certificate" },
	{ "tls.certificate_request.", TD_DIR_S2C, "CertificateRequest" },
	{ "tls.alert.server.", TD_DIR_S2C, "Alert" },
	{ "tls.alert.client.", TD_DIR_C2S, "Alert" },
	{ "tls.client_hello.", TD_DIR_C2S, "ClientHello" },
	{ "tls.server_hello.", TD_DIR_S2C, "ServerHello" },
	{ "non_tls.server.", TD_DIR_S2C, "not TLS" },
	{ "non_tls.client.", TD_DIR_C2S, "not TLS" },
	{ "http.response.", TD_DIR_S2C, "HTTP/" },
	{ "proxy.response.", TD_DIR_S2C, "HTTP/" },
	{ "http.request.", TD_DIR_C2S, NULL },
	{ "proxy.request.", TD_DIR_C2S, NULL },
	{ "preamble.answer.", TD_DIR_S2C, NULL },
	{ "preamble.command.", TD_DIR_C2S, NULL },
};

static size_t first_at(const struct td_ladder *l, uint64_t frame)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i].frame == frame)
			return i;
	return l->n;
}

static size_t cited_step(const struct td_ladder *l, const struct td_evidence *e)
{
	for (size_t k = 0; k < TD_ARRAY_LEN(fact_steps); k++) {
		if (strncmp(e->detail, fact_steps[k].fact, strlen(fact_steps[k].fact)) != 0)
			continue;
		for (size_t i = 0; i < l->n; i++) {
			const struct td_step *s = &l->s[i];
			const char *want = fact_steps[k].label;
			if (s->frame == e->frame && s->dir == fact_steps[k].dir &&
			    (s->kind == TD_STEP_MSG || s->kind == TD_STEP_ALERT) &&
			    (!want || !strncmp(s->label, want, strlen(want))))
				return i;
		}
	}
	return first_at(l, e->frame);
}

/* The ending derive_end.c found (doc/diagnosis.md, "The evidence order"):
 * the alert, reset or close at its frame, for a completed handshake the
 * last message of that frame (the Finished), or the capture's end. */
static size_t ending_step(const struct td_facts *f, const struct td_ladder *l)
{
	const char *how = f->derived.end_how;
	uint64_t frame = f->derived.end_frame;
	size_t found = l->n;
	for (size_t i = 0; i < l->n; i++) {
		const struct td_step *s = &l->s[i];
		if (!strcmp(how, "capture-end") && s->kind == TD_STEP_END)
			return i;
		/* A close aborted by a reset is a reset (derive_end.c): the RST. */
		if (!strcmp(how, "reset") && s->kind == TD_STEP_RST)
			return i;
		if (!frame || s->frame != frame)
			continue;
		if (kind_ends(s, how))
			return i;
		if (!strcmp(how, "completed") && s->kind == TD_STEP_MSG)
			found = i;
	}
	return found == l->n && frame ? first_at(l, frame) : found;
}

/* The ending, when the diagnosis rests on it (it cites its frame, cites
 * nothing, or the capture ended on silence); else the latest message the
 * diagnosis cites: the non-TLS answer, the inspection CA's certificate,
 * the HTTP 400 after a completed handshake. */
static size_t find_decisive(const struct td_facts *f, const struct td_diagnosis *d, const struct td_ladder *l)
{
	const struct td_evidence *last = NULL;
	bool ending_cited = !d->n_evidence || !strcmp(f->derived.end_how, "capture-end");
	for (size_t i = 0; i < d->n_evidence; i++) {
		const struct td_evidence *e = &d->evidence[i];
		ending_cited |= e->frame && e->frame == f->derived.end_frame;
		if (e->frame && (!last || e->frame > last->frame))
			last = e;
	}
	size_t end = ending_step(f, l);
	if ((ending_cited && end < l->n) || !last)
		return end;
	return cited_step(l, last);
}

static bool cited(const struct td_diagnosis *d, uint64_t frame)
{
	for (size_t i = 0; frame && i < d->n_evidence; i++)
		if (d->evidence[i].frame == frame)
			return true;
	return false;
}

void td_ladder_endpoint(const struct td_ip *ip, uint16_t port, char *buf, size_t len)
{
	char a[64];
	if (!inet_ntop(ip->family == 6 ? AF_INET6 : AF_INET, ip->addr, a, sizeof(a)))
		strcpy(a, "?");
	snprintf(buf, len, ip->family == 6 ? "[%s]:%u" : "%s:%u", a, port);
}

void td_ladder_build(const struct td_facts *f, const struct td_diagnosis *d, struct td_ladder *l)
{
	l->n = 0;
	td_ladder_endpoint(&f->tcp.client_ip, f->tcp.client_port, l->client, sizeof(l->client));
	td_ladder_endpoint(&f->tcp.server_ip, f->tcp.server_port, l->server, sizeof(l->server));
	tcp_open(f, l);
	for (size_t i = 0; f->tls && i < f->tls->n_events; i++)
		event_step(f, d, &f->tls->events[i], l);
	tcp_close(f, l);
	capture_end(f, l);
	struct td_step *s;
	if ((f->caps_hit & (1u << TD_CAP_EVENTS)) && (s = add(l, TD_STEP_NOTE, 0, 0, TD_STEP_NODIR)))
		put(s->label, sizeof(s->label), "more messages than the %d listed", TD_MAX_EVENTS);
	sort_steps(l);
	for (size_t i = 0; i < l->n; i++) {
		l->s[i].evidence = cited(d, l->s[i].frame);
		printable(l->s[i].label);
		printable(l->s[i].detail[0]);
		printable(l->s[i].detail[1]);
	}
	l->decisive = find_decisive(f, d, l);
	if (l->decisive < l->n)
		l->s[l->decisive].decisive = true;
}
