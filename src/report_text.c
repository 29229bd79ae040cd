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
#include "tlsdiag/tls_sslv2.h"
#include "tlsdiag/attr.h"
#include "tlsdiag/report.h"
#include "tlsdiag/names.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/x509.h"
#include "tlsdiag/str.h"

#define SHOW_SUITES 4

struct line {
	uint64_t frame;
	double ts;
	uint8_t dir;
	char text[320];
};

struct lines {
	struct line l[TD_MAX_EVENTS + 8];
	uint8_t order[TD_MAX_EVENTS + 8]; /* l's indices in frame order (lines_sort) */
	size_t n;
};
_Static_assert(TD_MAX_EVENTS + 8 <= 256, "a line's index fits in struct lines' order[]");

/* A connection's block is built here and written with one call: stdio's
 * locking and buffering per fprintf were a fifth of a run. */
struct tb {
	char *p;
	size_t n, cap;
	bool failed; /* out of memory: what was built is written, the rest dropped */
};

static bool tb_grow(struct tb *b, size_t more);

/* Room for more bytes and a terminator; the buffer grows when it must. */
static inline bool tb_room(struct tb *b, size_t more)
{
	return (!b->failed && b->n + more + 1 <= b->cap) || tb_grow(b, more);
}

static bool tb_grow(struct tb *b, size_t more)
{
	if (b->failed)
		return false;
	size_t cap = b->cap ? b->cap : 16384;
	while (cap < b->n + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static inline void tb_put(struct tb *b, const char *s, size_t n)
{
	if (!tb_room(b, n))
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void tb_s(struct tb *b, const char *s)
{
	tb_put(b, s, strlen(s));
}

static void tb_c(struct tb *b, char c)
{
	tb_put(b, &c, 1);
}

TD_PRINTF(2, 3) static void tb_f(struct tb *b, const char *fmt, ...)
{
	va_list ap;
	if (!tb_room(b, 512))
		return;
	/* Formatted once where it fits, as it almost always does. */
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->n) {
		if (!tb_room(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->n += (size_t)n;
}

/* An unsigned number right-aligned in width columns, as "%*llu". */
static void tb_u(struct tb *b, uint64_t v, int width)
{
	char tmp[24];
	size_t n = td_fmt_u64(tmp, v);
	for (int pad = width - (int)n; pad > 0; pad--)
		tb_c(b, ' ');
	tb_put(b, tmp, n);
}

/* A signed number, as "%d". */
static void tb_i(struct tb *b, int64_t v)
{
	if (v < 0)
		tb_c(b, '-');
	tb_u(b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 0);
}

/* Seconds as "%10.6f" prints them. */
static void tb_seconds(struct tb *b, double s)
{
	char tmp[512];
	int n = td_fmt_fixed(tmp, sizeof(tmp), s, 6);
	if (n < 0)
		return;
	if (n < 10)
		tb_put(b, "          ", (size_t)(10 - n));
	tb_put(b, tmp, strnlen(tmp, sizeof(tmp)));
}

static struct line *add_line(struct lines *ls, uint64_t frame, double ts, enum td_dir dir)
{
	if (frame == 0 || ls->n >= TD_ARRAY_LEN(ls->l))
		return NULL;
	struct line *l = &ls->l[ls->n++];
	l->frame = frame;
	l->ts = ts;
	l->dir = (uint8_t)dir;
	l->text[0] = '\0';
	return l;
}

/* A line of constant text. */
static void add(struct lines *ls, uint64_t frame, double ts, enum td_dir dir, const char *text)
{
	struct line *l = add_line(ls, frame, ts, dir);
	if (l)
		td_str_copy(l->text, sizeof(l->text), text);
}

/* A line of text and a number after it: "SYN-ACK (TTL 64)". */
static void add_n(struct lines *ls, uint64_t frame, double ts, enum td_dir dir, const char *text, uint64_t n,
		  const char *after)
{
	struct line *l = add_line(ls, frame, ts, dir);
	if (!l)
		return;
	struct td_sbuf b;
	td_sb_init(&b, l->text, sizeof(l->text));
	td_sb_s(&b, text);
	td_sb_u(&b, n);
	td_sb_s(&b, after);
}

/* A registry's name for code ("TLS_AES_128_GCM_SHA256", "0x1234" when unnamed). */
static void sb_name(struct td_sbuf *b, enum td_registry reg, uint32_t code)
{
	char name[64];
	td_sb_s(b, td_name_fmt(reg, code, name, sizeof(name)));
}

/* Pieces, not formats, here and below: a few lines of every connection. */
static void client_hello_text(const struct td_client_hello *ch, struct td_sbuf *b)
{
	if (ch->sslv2)
		td_sb_s(b, "SSLv2-format ");
	td_sb_s(b, "ClientHello ");
	sb_name(b, TD_REG_VERSION, ch->max_version);
	td_sb_s(b, ", ");
	td_sb_u(b, ch->n_suites);
	td_sb_s(b, " suites");
	if (ch->null_suites) {
		td_sb_s(b, " (");
		td_sb_u(b, ch->null_suites);
		td_sb_s(b, " NULL)");
	}
	for (size_t i = 0; i < ch->n_suites && i < SHOW_SUITES; i++) {
		td_sb_s(b, i ? ", " : ": ");
		sb_name(b, TD_REG_CIPHER_SUITE, ch->suites[i]);
	}
	if (ch->n_suites > SHOW_SUITES)
		td_sb_s(b, ", ...");
	if (ch->sni[0]) {
		td_sb_s(b, "; SNI ");
		td_sb_s(b, ch->sni);
	}
	if (ch->alpn[0]) {
		td_sb_s(b, "; ALPN ");
		td_sb_s(b, ch->alpn);
	}
}

/* SSLv2 messages: the hello of either side, CLIENT-MASTER-KEY, ERROR. */
static void sslv2_text(const struct td_tls_facts *t, const struct td_event *e, struct td_sbuf *b)
{
	const struct td_sslv2_facts *s = &t->sslv2;
	if (e->code >= TD_SSLV2_EV_ERROR) {
		td_sb_s(b, "SSLv2 Error ");
		td_sb_s(b, td_sslv2_error_name((uint16_t)(e->code - TD_SSLV2_EV_ERROR)));
	} else if (e->code == 4) {
		td_sb_s(b, "SSLv2 ServerHello");
		td_sb_s(b, s->session_id_hit ? " (session resumed): " : ": ");
		td_sb_s(b, s->server_ciphers[0] ? s->server_ciphers : "no cipher kinds");
	} else if (e->code == 2) {
		td_sb_s(b, "SSLv2 ClientMasterKey ");
		td_sb_s(b, s->cipher);
	} else if (e->code == 0 && e->dir == TD_DIR_C2S && t->ch.version == 0x0002) {
		td_sb_s(b, "SSLv2 ClientHello: ");
		td_sb_s(b, s->client_ciphers[0] ? s->client_ciphers : "no cipher kinds");
	} else if (e->code == 0 && e->dir == TD_DIR_C2S) {
		client_hello_text(&t->ch, b);
	} else {
		td_sb_s(b, "SSLv2 message type ");
		td_sb_u(b, e->code);
	}
}

static void message_name(uint16_t type, struct td_sbuf *b)
{
	char name[64];
	td_sb_s(b, td_handshake_name(type, name, sizeof(name)));
}

/* "<text><n><one>" or "<text><n><more>": "(1 certificate)", "(2 certificates)". */
static void sb_count(struct td_sbuf *b, const char *text, uint64_t n, const char *one, const char *more)
{
	td_sb_s(b, text);
	td_sb_u(b, n);
	td_sb_s(b, n == 1 ? one : more);
}

static void handshake_text(const struct td_tls_facts *t, const struct td_event *e, struct td_sbuf *b)
{
	if (t->snapped) {
		/* Read from a record head: the name and length are all there is. */
		message_name(e->code, b);
		if (e->code == 11 && e->dir == TD_DIR_C2S && t->client_certs.empty) {
			td_sb_s(b, " (empty: no certificate sent)");
		} else {
			td_sb_s(b, ", ");
			td_sb_u(b, e->arg);
			td_sb_s(b, " bytes (its body is past the snap length)");
		}
		return;
	}
	switch (e->code) {
	case 1:
		client_hello_text(&t->ch, b);
		return;
	case 2:
		if (t->hrr_frame && e->frame == t->hrr_frame && !t->hrr_group) {
			td_sb_s(b, "HelloRetryRequest"); /* drafts' key_share had another code */
		} else if (t->hrr_frame && e->frame == t->hrr_frame) {
			td_sb_s(b, "HelloRetryRequest (group ");
			sb_name(b, TD_REG_GROUP, t->hrr_group);
			td_sb_s(b, ")");
		} else {
			td_sb_s(b, "ServerHello ");
			sb_name(b, TD_REG_VERSION, t->sh.selected_version);
			td_sb_s(b, ", ");
			sb_name(b, TD_REG_CIPHER_SUITE, t->sh.suite);
		}
		return;
	case 11: {
		const struct td_cert_chain *c = e->dir == TD_DIR_S2C ? &t->server_certs : &t->client_certs;
		if (c->empty)
			td_sb_s(b, "Certificate (empty: no certificate sent)");
		else
			sb_count(b, "Certificate (", c->count, " certificate)", " certificates)");
		return;
	}
	case 12:
		if (t->ske.ecdhe_group) {
			td_sb_s(b, "ServerKeyExchange (ECDHE ");
			sb_name(b, TD_REG_GROUP, t->ske.ecdhe_group);
			td_sb_s(b, ")");
		} else if (t->ske.dh_bits) {
			td_sb_s(b, "ServerKeyExchange (DHE, ");
			td_sb_u(b, t->ske.dh_bits);
			td_sb_s(b, "-bit prime)");
		} else {
			td_sb_s(b, "ServerKeyExchange");
		}
		return;
	case 13:
		sb_count(b, "CertificateRequest (", t->cert_request.n_ca_names, " CA name)", " CA names)");
		return;
	default:
		message_name(e->code, b);
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

/* "<text>, Host <host>" when there is one. */
static void sb_field(struct td_sbuf *b, const char *label, const char *value)
{
	if (!value[0])
		return;
	td_sb_s(b, label);
	td_sb_s(b, value);
}

static void event_text(const struct td_tls_facts *t, const struct td_event *e, struct td_sbuf *b)
{
	switch (e->kind) {
	case TD_EV_HANDSHAKE:
		if (skipped_message(t, e)) {
			message_name(e->code, b);
			td_sb_s(b, ", ");
			td_sb_u(b, e->arg);
			td_sb_s(b, " bytes: not read (larger than --max-handshake)");
			break;
		}
		handshake_text(t, e, b);
		if (e->code == 20 && t->null_plaintext)
			td_sb_s(b, " (readable: NULL cipher)");
		break;
	case TD_EV_CCS:
		td_sb_s(b, "ChangeCipherSpec");
		break;
	case TD_EV_ALERT:
		if (e->encrypted) {
			td_sb_s(b, "Alert (encrypted, ");
			td_sb_u(b, e->arg);
			td_sb_s(b, " bytes)");
		} else {
			td_sb_s(b, (e->code >> 8) == 1 ? "Alert warning " : "Alert fatal ");
			sb_name(b, TD_REG_ALERT, e->code & 0xff);
		}
		break;
	case TD_EV_APP_DATA:
		td_sb_s(b, "Application data, ");
		td_sb_u(b, e->arg);
		td_sb_s(b, e->encrypted ? " bytes" : " bytes (plaintext)");
		break;
	case TD_EV_ENCRYPTED_HS:
		td_sb_s(b, "Encrypted handshake record, ");
		td_sb_u(b, e->arg);
		td_sb_s(b, " bytes");
		break;
	case TD_EV_HTTP_REQUEST: {
		const struct td_http_req *r = e->code ? &t->proxy_req : &t->http_req;
		td_sb_s(b, e->code ? "to the proxy: " : "HTTP request: ");
		td_sb_s(b, r->method);
		td_sb_s(b, " ");
		td_sb_s(b, r->uri);
		sb_field(b, ", Host ", r->host);
		sb_field(b, ", Content-Length ", r->content_length);
		break;
	}
	case TD_EV_HTTP_RESPONSE: {
		const struct td_http_resp *r = e->code ? &t->proxy_resp : &t->http_resp;
		td_sb_s(b, e->code ? "proxy answer: " : "HTTP response: ");
		td_sb_s(b, r->status_line);
		sb_field(b, ", Server ", r->server);
		break;
	}
	case TD_EV_NON_TLS:
		td_sb_s(b, "not TLS: \"");
		td_sb_s(b, t->non_tls_line[e->dir]);
		td_sb_s(b, "\"");
		break;
	case TD_EV_PREAMBLE:
		td_sb_s(b, t->preamble.protocol);
		if (e->code) {
			td_sb_s(b, " answer: \"");
			td_sb_s(b, t->preamble.text);
			td_sb_s(b, t->preamble.accepted ? "\" (accepted)" : "\" (refused)");
		} else {
			td_sb_s(b, " upgrade: \"");
			td_sb_s(b, t->preamble.command);
			td_sb_s(b, "\"");
		}
		break;
	case TD_EV_SSLV2_HELLO:
		sslv2_text(t, e, b);
		break;
	case TD_EV_UNKNOWN_RECORD:
		td_sb_s(b, "record of type ");
		sb_name(b, TD_REG_CONTENT_TYPE, e->code);
		td_sb_s(b, ", ");
		td_sb_u(b, e->arg);
		td_sb_s(b, " bytes");
		break;
	case TD_EV_CAP:
		td_sb_s(b, "cap reached: message of more than the handshake cap bytes not kept");
		break;
	case TD_EV_PARSE_ERROR:
		td_sb_s(b, "malformed: ");
		td_sb_s(b, t->dir[e->dir].parse_error_text);
		break;
	default:
		td_sb_s(b, "?");
		break;
	}
}

static void tcp_lines(const struct td_facts *f, struct lines *ls)
{
	const struct td_tcp_facts *t = &f->tcp;
	if (t->syn_count > 1)
		add_n(ls, t->syn_frame, t->syn_ts, TD_DIR_C2S, "SYN (", t->syn_count, " SYNs in all: retransmitted)");
	else
		add(ls, t->syn_frame, t->syn_ts, TD_DIR_C2S, "SYN");
	add_n(ls, t->synack_frame, t->synack_ts, TD_DIR_S2C, "SYN-ACK (TTL ", t->synack_ttl, ")");
	add_n(ls, t->rst_frame, t->rst_ts, t->reset_by == TD_WHO_CLIENT ? TD_DIR_C2S : TD_DIR_S2C, "RST (TTL ",
	      t->rst_ttl, ")");
	add(ls, t->fin_frame_client, t->fin_ts_client, TD_DIR_C2S, "FIN");
	add(ls, t->fin_frame_server, t->fin_ts_server, TD_DIR_S2C, "FIN");
}

/* The lines in frame order, those of one frame in the order they were
 * added: an insertion sort of their indices, as the TCP lines go among
 * the messages, which come in frame order already (a qsort moved the
 * 330-byte lines themselves, a tenth of the report's time). */
static void lines_sort(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		size_t j = i;
		while (j > 0 && ls->l[ls->order[j - 1]].frame > ls->l[i].frame) {
			ls->order[j] = ls->order[j - 1];
			j--;
		}
		ls->order[j] = (uint8_t)i;
	}
}

static void endpoint(struct tb *out, const struct td_ip *ip, uint16_t port)
{
	char a[INET6_ADDRSTRLEN + 8];
	td_endpoint_text(ip, port, a, sizeof(a));
	tb_s(out, a);
}

/* A connection picked up without its SYN: what of its start is missing. */
static void midstream_line(struct tb *out, const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	tb_f(out, "  started before the capture (no SYN): followed from frame %llu",
		(unsigned long long)f->tcp.first_frame);
	for (int i = 0; t && i < 2; i++)
		if (t->dir[i].resync_skipped)
			tb_f(out, "; the %s's first %u bytes passed over to a record boundary",
				i == TD_DIR_C2S ? "client" : "server", t->dir[i].resync_skipped);
	for (int i = 0; i < 2; i++)
		if (f->tcp.not_captured[i])
			tb_f(out, "; %u bytes the %s sent before the capture started are missing",
				f->tcp.not_captured[i], i == TD_DIR_C2S ? "client" : "server");
	tb_c(out, '\n');
}

static void header(struct tb *out, const struct td_facts *f)
{
	tb_c(out, '#');
	tb_u(out, f->id, 0);
	tb_c(out, ' ');
	endpoint(out, &f->tcp.client_ip, f->tcp.client_port);
	tb_s(out, " -> ");
	endpoint(out, &f->tcp.server_ip, f->tcp.server_port);
	if (f->tls && f->tls->ch.sni[0]) {
		tb_s(out, "  SNI ");
		tb_s(out, f->tls->ch.sni);
	}
	if (f->on_proxy_port)
		tb_s(out, "  (proxy port)");
	tb_s(out, "  [");
	tb_s(out, f->file);
	tb_s(out, "]\n");
	if (!f->tcp.reassembled && f->tcp.not_reassembled_why[0])
		tb_f(out, "  payload not followed: %s\n", f->tcp.not_reassembled_why);
	else if (f->tcp.midstream)
		midstream_line(out, f);
	else if (f->tcp.by_content)
		tb_f(out, "  TLS found by content (port %u not analyzed): followed from its %s, frame %llu\n",
			f->tcp.server_port,
			f->tls && f->tls->preamble.command_frame == f->tcp.first_frame ? "upgrade command" : "ClientHello",
			(unsigned long long)f->tcp.first_frame);
}

static void cert_lines(struct tb *out, const struct td_cert_info *c, size_t i)
{
	char nb[32], na[32];
	if (!c->parsed) {
		tb_f(out, "    [%zu] does not parse: %s\n", i, c->error);
		return;
	}
	td_iso_time(c->not_before, nb, sizeof(nb));
	td_iso_time(c->not_after, na, sizeof(na));
	/* Pieces, not a format: two of these for every connection's chain. */
	tb_s(out, "    [");
	tb_u(out, i, 0);
	tb_s(out, "] ");
	tb_s(out, c->subject);
	tb_s(out, "\n        issuer ");
	tb_s(out, c->issuer);
	if (c->self_signed)
		tb_s(out, " (self-signed)");
	tb_s(out, "\n        valid ");
	tb_put(out, nb, strnlen(nb, 10));
	tb_s(out, " to ");
	tb_put(out, na, strnlen(na, 10));
	tb_s(out, ": ");
	tb_s(out, c->expired ? "EXPIRED" : c->not_yet_valid ? "NOT YET VALID" : "valid");
	tb_s(out, ", ");
	tb_i(out, c->days_left);
	tb_s(out, " days left; ");
	tb_s(out, c->key_type);
	tb_c(out, ' ');
	tb_u(out, c->key_bits, 0);
	tb_s(out, ", ");
	tb_s(out, c->sig_alg);
	if (c->san_dns[0]) {
		tb_s(out, "; SAN ");
		tb_s(out, c->san_dns);
	}
	tb_c(out, '\n');
}

static void chain_summary(struct tb *out, const struct td_chain_facts *c, bool server)
{
	if (c->name_checked)
		tb_f(out, "    name %s (from %s): %s%s%s%s\n", c->expected_name, c->name_source,
			c->name_matched ? "matches " : "NOT covered by the certificate",
			c->name_matched ? c->matched_name : "",
			c->cn_matches ? " (the subject CN too)" : c->name_matched ? " (in the SAN only)" : "",
			c->multi_san_not_subject ? "; multi-SAN certificate without the name as subject" : "");
	if (c->verify_attempted && c->trusted)
		tb_f(out, "    trust: verified to a trust anchor at the capture's time\n");
	else if (c->verify_attempted)
		tb_f(out, "    trust: NOT trusted: %s (%s)\n", c->verify_error, c->verify_reason);
	else
		tb_f(out, "    trust: not checked (no trust anchors: --ca-file, --ca-path, --system-ca)\n");
	if (!c->ordered && c->n > 1)
		tb_f(out, "    chain: out of order (a certificate is not issued by the next)\n");
	if (c->incomplete)
		tb_f(out, "    chain: ends with a certificate that is no CA: its issuer was not sent%s\n",
			c->missing_intermediate ? " and no anchor holds it (missing intermediate)" : "");
	if (server && c->inspection_product[0])
		tb_f(out, "    interception: issued by a %s inspection CA\n", c->inspection_product);
	if (server && c->resigned)
		tb_f(out, "    interception: the names match but the issuer is not the expected one (re-signed)\n");
	if (server && c->fresh_leaf)
		tb_f(out, "    interception: the leaf became valid %d minutes before the capture\n",
			c->certs[0].minutes_since_issue);
	if (server && c->device_self_signed)
		tb_f(out, "    wrong server: a self-signed certificate for other names (a device answering itself)\n");
	if (c->expect_issuer_checked)
		tb_f(out, "    expected issuer: %s\n", c->expect_issuer_ok ? "yes" : "NO");
	if (c->expect_fingerprint_checked)
		tb_f(out, "    expected fingerprint: %s\n", c->expect_fingerprint_ok ? "yes" : "NO");
}

static void x509_section(struct tb *out, const struct td_x509_facts *x)
{
	const struct { const struct td_chain_facts *c; const char *who; } sides[] = {
		{ &x->server, "server" }, { &x->client, "client" },
	};
	for (size_t s = 0; s < 2; s++) {
		const struct td_chain_facts *c = sides[s].c;
		if (!c->seen)
			continue;
		tb_f(out, "  %s certificates:\n", sides[s].who);
		for (size_t i = 0; i < c->n; i++)
			cert_lines(out, &c->certs[i], i);
		chain_summary(out, c, s == 0);
	}
	const struct td_client_auth_facts *a = &x->client_auth;
	if (a->requested) {
		tb_f(out, "  client certificate requested; accepted issuers: %s\n",
			a->ca_names[0] ? a->ca_names : "(any: empty list)");
		if (a->sent_empty)
			tb_f(out, "    the client sent none (empty Certificate)\n");
		else if (x->client.seen)
			tb_f(out, "    the client's issuer is %slisted; its EKU %s client authentication\n",
				a->issuer_listed ? "" : "NOT ", a->eku_allows_client_auth ? "allows" : "does NOT allow");
	}
}

/* Which caps were reached, so the analyst knows which option to raise. */
static void caps_note(struct tb *out, uint32_t caps_hit)
{
	const char *sep = "";
	tb_f(out, "  note: cap reached (the listing is incomplete; see CAPS in tlsdiag(1)):");
	for (unsigned c = 1; c < TD_CAP_COUNT; c++) {
		if (!(caps_hit & (1u << c)))
			continue;
		tb_f(out, "%s %s", sep, td_cap_name((enum td_cap)c));
		sep = ",";
	}
	tb_c(out, '\n');
}

static void lines_out(struct tb *out, const struct lines *ls, double first_ts)
{
	for (size_t i = 0; i < ls->n; i++) {
		const struct line *l = &ls->l[ls->order[i]];
		tb_put(out, "  ", 2);
		tb_u(out, l->frame, 6);
		tb_c(out, ' ');
		tb_seconds(out, l->ts - first_ts);
		tb_c(out, ' ');
		tb_s(out, td_dir_arrow((enum td_dir)l->dir));
		tb_put(out, "  ", 2);
		tb_s(out, l->text);
		tb_c(out, '\n');
	}
}

static void diagnosis_lines(struct tb *out, const struct td_diagnosis *d)
{
	tb_s(out, "  diagnosis: ");
	tb_s(out, d->category);
	if (d->windows_error) {
		tb_put(out, " [", 2);
		tb_s(out, d->windows_error);
		tb_c(out, ']');
	}
	tb_s(out, " (confidence ");
	tb_s(out, d->confidence);
	if (d->evidence_class) {
		tb_put(out, ", ", 2);
		tb_s(out, d->evidence_class);
	}
	if (d->rule) {
		tb_s(out, ", rule ");
		tb_s(out, d->rule);
	}
	tb_s(out, ")\n    ");
	tb_s(out, d->summary);
	tb_c(out, '\n');
	if (d->explanation[0]) {
		tb_s(out, "    why: ");
		tb_s(out, d->explanation);
		tb_c(out, '\n');
	}
	for (size_t i = 0; i < d->n_evidence; i++) {
		tb_s(out, "    evidence: frame ");
		tb_u(out, d->evidence[i].frame, 0);
		tb_put(out, ": ", 2);
		tb_s(out, d->evidence[i].detail);
		tb_c(out, '\n');
	}
	tb_s(out, "    remedy: ");
	tb_s(out, d->remedy);
	tb_c(out, '\n');
	for (size_t i = 0; i < d->n_alternatives; i++)
		tb_f(out, "    or: %s (confidence %s): %s\n", d->alternatives[i].category,
		     d->alternatives[i].confidence, d->alternatives[i].summary);
	for (size_t i = 0; i < d->n_findings; i++)
		tb_f(out, "  finding: %s: %s\n", d->findings[i].category, d->findings[i].summary);
}

void td_report_text_flow(FILE *out, const struct td_facts *f, const struct td_diagnosis *d)
{
	static struct lines ls; /* large: kept off the stack */
	static struct tb b;     /* reused: grows to the largest block */
	b.n = 0;
	b.failed = false;
	ls.n = 0;
	tcp_lines(f, &ls);
	if (f->tls)
		for (size_t i = 0; i < f->tls->n_events; i++) {
			const struct td_event *e = &f->tls->events[i];
			struct line *l = add_line(&ls, e->frame, e->ts, (enum td_dir)e->dir);
			if (l) {
				struct td_sbuf sb;
				td_sb_init(&sb, l->text, sizeof(l->text));
				event_text(f->tls, e, &sb);
			}
		}
	lines_sort(&ls);
	header(&b, f);
	lines_out(&b, &ls, f->tcp.first_ts);
	if (f->x509)
		x509_section(&b, f->x509);
	if (f->caps_hit)
		caps_note(&b, f->caps_hit);
	tb_s(&b, "  stage reached: ");
	tb_s(&b, td_stage_name((enum td_stage)f->stage));
	tb_c(&b, '\n');
	diagnosis_lines(&b, d);
	tb_c(&b, '\n');
	if (b.n)
		fwrite(b.p, 1, b.n, out);
}

/* Live: what the device passed and lost. Lost packets are a warning: a
 * connection that lost one may be diagnosed wrong. */
static void capture_lines(FILE *out, const struct td_run_summary *s)
{
	fprintf(out, "   capture: %llu packets received, %llu dropped by the kernel, %llu by the interface",
		(unsigned long long)s->received, (unsigned long long)s->dropped, (unsigned long long)s->ifdropped);
	if (s->packets_cut)
		fprintf(out, "; %llu cut to the snap length", (unsigned long long)s->packets_cut);
	fputc('\n', out);
	if (s->dropped || s->ifdropped)
		fprintf(out, "   warning: %llu packets were lost before tlsdiag saw them: verdicts may be wrong "
			     "(a lost packet looks like one never sent)\n",
			(unsigned long long)(s->dropped + s->ifdropped));
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
	if (s->live)
		capture_lines(out, s);
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
