/*
 * How a handshake ended: the decisive event that the rules weigh first
 * (doc/diagnosis.md, "Evidence order"). Who ended it (an alert and its
 * sender, a reset, a close, or nobody before the capture stopped), after
 * which message of each side, and what the encrypted records of a TLS 1.3
 * client's second flight show. Everything here is computed from facts the
 * parsers recorded; nothing here decides a verdict.
 */
#include <stdio.h>
#include <string.h>
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/names.h"
#include "tlsdiag/str.h"

/* TLS 1.3 record payload sizes (RFC 8446 5.2): the inner plaintext, one
 * content-type byte and a 16-byte AEAD tag (every suite but CCM_8). An
 * empty Certificate is 4 bytes of header, an empty request context and an
 * empty list: 8 bytes. */
#define TLS13_OVERHEAD (1 + 16)
#define TLS13_EMPTY_CERTIFICATE (8 + TLS13_OVERHEAD)

struct ending {
	uint8_t by;
	const char *how;
	uint64_t frame;
	bool inferred;
};

static bool tls13(const struct td_tls_facts *t)
{
	return t && t->sh.seen && t->sh.selected_version >= 0x0304;
}

/* An alert that ends a handshake: fatal, or encrypted before the handshake
 * was done (an encrypted close_notify after it is an orderly close). */
static bool ending_alert(const struct td_alert *a, bool done)
{
	if (!a->seen)
		return false;
	if (a->encrypted)
		return !done;
	return a->level == 2 || (a->description != 0 && a->description != 90);
}

static void candidate(struct ending *e, uint8_t by, const char *how, uint64_t frame, bool inferred)
{
	/* Earliest wins; at the same frame the alert (payload) comes before
	 * the RST or FIN it rides with, so the first candidate offered stays. */
	if (!frame || (e->frame && e->frame <= frame))
		return;
	*e = (struct ending){ .by = by, .how = how, .frame = frame, .inferred = inferred };
}

/* A TLS 1.3 client sends its Finished only once it accepted the server's
 * flight; one that then closed before the server objected (a browser's
 * unused preconnect) had a finished handshake. The server's alert or reset
 * after that close answers the close. */
static bool client_closed_done(const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	const struct td_tcp_facts *tcp = &f->tcp;
	uint64_t fin = tcp->fin_frame_client;
	const struct td_alert *sa = &t->dir[TD_DIR_S2C].alert;
	return t->dir[TD_DIR_C2S].finished_seen && tcp->first_fin_by == TD_WHO_CLIENT &&
	       fin > t->dir[TD_DIR_C2S].finished_frame && !(sa->seen && sa->frame < fin) &&
	       !(tcp->reset_by == TD_WHO_SERVER && tcp->rst_frame < fin) && !t->dir[TD_DIR_C2S].alert.seen;
}

/* Did the server accept the client's flight? In TLS 1.2 its Finished says
 * so; in TLS 1.3 the server's Finished comes first, so only what it sends
 * after the client's flight (data, tickets: application records) does. */
static bool completed(const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	if (!f->derived.handshake_complete)
		return false;
	if (!tls13(t))
		return true;
	if (t->dir[TD_DIR_S2C].app_records)
		return true;
	const struct td_alert *sa = &t->dir[TD_DIR_S2C].alert;
	bool server_ended = sa->seen || f->tcp.reset_by == TD_WHO_SERVER || f->tcp.first_fin_by == TD_WHO_SERVER;
	return (t->dir[TD_DIR_C2S].app_records && !server_ended) || client_closed_done(f);
}

/* Did either side send payload after frame a, up to frame b? */
static bool payload_between(const struct td_facts *f, uint64_t a, uint64_t b)
{
	const struct td_tls_facts *t = f->tls;
	for (size_t i = 0; t && i < t->n_events; i++)
		if (t->events[i].frame > a && t->events[i].frame < b)
			return true;
	return false;
}

static struct ending find_ending(const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	const struct td_tcp_facts *tcp = &f->tcp;
	struct ending e = { .how = "" };
	if (completed(f)) {
		uint64_t a = t->dir[0].finished_frame, b = t->dir[1].finished_frame;
		return (struct ending){ .how = "completed", .frame = a > b ? a : b };
	}
	for (int i = 0; i < 2 && t; i++) {
		const struct td_alert *a = &t->dir[i].alert;
		if (ending_alert(a, f->derived.handshake_complete && !tls13(t)))
			candidate(&e, i == TD_DIR_C2S ? TD_WHO_CLIENT : TD_WHO_SERVER, "alert", a->frame,
				  a->encrypted);
	}
	candidate(&e, tcp->reset_by, "reset", tcp->rst_frame, false);
	uint64_t fin = tcp->first_fin_by == TD_WHO_CLIENT ? tcp->fin_frame_client : tcp->fin_frame_server;
	candidate(&e, tcp->first_fin_by, "close", fin, false);
	/* A close the same side aborts with a reset before the other side said
	 * anything is a reset (haproxy's reject, a firewall's kill). */
	if (e.how[0] == 'c' && tcp->reset_by == e.by && tcp->rst_ts - (e.by == TD_WHO_CLIENT ? tcp->fin_ts_client : tcp->fin_ts_server) < 0.1 &&
	    !payload_between(f, e.frame, tcp->rst_frame))
		e.how = "reset";
	if (!e.frame && f->open_at_end)
		e.how = f->stalled ? "stalled" : "capture-end";
	return e;
}

static const char *message_name(const struct td_event *ev)
{
	switch (ev->kind) {
	case TD_EV_HANDSHAKE: {
		const char *n = td_name(TD_REG_HANDSHAKE, ev->code);
		return n ? n : "handshake";
	}
	case TD_EV_SSLV2_HELLO:
		if (ev->code >= 0x100)
			return "sslv2_error";
		return ev->code == 2 ? "client_master_key" : ev->dir == TD_DIR_S2C ? "server_hello" : "client_hello";
	case TD_EV_CCS: return "change_cipher_spec";
	case TD_EV_ENCRYPTED_HS: return "encrypted_handshake";
	case TD_EV_APP_DATA: return "application_data";
	case TD_EV_HTTP_REQUEST: return "http_request";
	case TD_EV_HTTP_RESPONSE: return "http_response";
	case TD_EV_NON_TLS: return "non_tls";
	case TD_EV_PREAMBLE: return ev->code ? "preamble_answer" : "preamble_command";
	default: return NULL;
	}
}

/* The last message each side sent up to the ending frame (alerts and TCP
 * flags are the ending, not what it came after). */
static void last_messages(const struct td_facts *f, uint64_t end, struct td_derived *d)
{
	const struct td_tls_facts *t = f->tls;
	for (size_t i = 0; t && i < t->n_events; i++) {
		const struct td_event *ev = &t->events[i];
		const char *name = message_name(ev);
		if (end && ev->frame > end)
			break;
		if (name && ev->dir < 2)
			td_str_copy(d->end_last[ev->dir], sizeof(d->end_last[0]), name);
	}
}

static bool before(uint64_t frame, uint64_t end)
{
	return frame && (!end || frame <= end);
}

/* The server's first flight: ServerHelloDone (TLS 1.2), or in TLS 1.3 its
 * encrypted records (Finished included) before anything of the client's. */
static bool server_flight_done(const struct td_tls_facts *t, uint64_t end)
{
	if (!t)
		return false;
	if (tls13(t))
		return before(t->dir[TD_DIR_S2C].finished_frame, end);
	return before(t->server_hello_done_frame, end);
}

static bool client_flight_sent(const struct td_tls_facts *t, uint64_t end)
{
	return t && (before(t->client_certs.frame, end) || before(t->client_key_exchange_frame, end) ||
		     before(t->dir[TD_DIR_C2S].ccs_frame, end) ||
		     before(t->dir[TD_DIR_C2S].finished_frame, end));
}

/* The client's encrypted second flight in TLS 1.3: [Certificate,
 * [CertificateVerify,]] Finished, one record each in the implementations
 * seen. An empty Certificate has a size of its own; a record before the
 * Finished that is larger is a real certificate. */
static void tls13_client_flight(const struct td_tls_facts *t, struct td_derived *d)
{
	uint32_t sizes[4];
	size_t n = 0;
	if (!tls13(t) || !t->dir[TD_DIR_C2S].finished_seen)
		return;
	uint64_t first = t->dir[TD_DIR_C2S].finished_frame;
	for (size_t i = 0; i < t->n_events && n < 4; i++) {
		const struct td_event *ev = &t->events[i];
		if (ev->dir == TD_DIR_C2S && ev->kind == TD_EV_ENCRYPTED_HS && ev->frame >= first)
			sizes[n++] = ev->arg;
		else if (ev->dir == TD_DIR_C2S && n && ev->kind != TD_EV_CCS)
			break;
	}
	/* Cut by the snap length, the flight's later records in the same
	 * segment are unseen: a first record that is no Finished (under 128
	 * bytes) is a Certificate, empty by its size or real. */
	if (t->snapped && n == 1 && sizes[0] == TLS13_EMPTY_CERTIFICATE)
		n = 2;
	else if (t->snapped && n == 1 && sizes[0] >= 128)
		n = 3;
	if (n == 1)
		snprintf(d->tls13_client_cert, sizeof(d->tls13_client_cert), "none");
	else if (n == 2 && sizes[0] == TLS13_EMPTY_CERTIFICATE)
		snprintf(d->tls13_client_cert, sizeof(d->tls13_client_cert), "empty");
	else if (n == 3 && sizes[0] > TLS13_EMPTY_CERTIFICATE)
		snprintf(d->tls13_client_cert, sizeof(d->tls13_client_cert), "sent");
	d->tls13_cert_requested = n >= 2 && d->tls13_client_cert[0];
}

/* A client sends a Certificate only when asked (RFC 5246 7.4.6): when the
 * snap length hid the CertificateRequest, the answer shows it. */
static void request_from_answer(const struct td_tls_facts *t, struct td_derived *d)
{
	if (t && t->snapped && t->client_certs.seen && !t->cert_request.seen)
		d->tls13_cert_requested = true;
}

/* IP-HTTPS by what the wire shows: its request, the NULL suites only
 * Windows' IP-HTTPS client offers, or the server's HTTP.sys answering. */
static void iphttps_identity(const struct td_facts *f, struct td_derived *d)
{
	const struct td_tls_facts *t = f->tls;
	const char *by = "";
	if (f->iphttps_given)
		by = "user";
	else if (!t)
		by = "";
	else if (strcmp(t->http_req.uri, "/IPHTTPS") == 0)
		by = "request-line";
	else if (t->ch.seen && t->ch.null_suites > 0)
		by = "null-suites";
	else if (strcmp(t->http_resp.server, "Microsoft-HTTPAPI/2.0") == 0)
		by = "http-api";
	d->iphttps = by[0] != '\0';
	td_str_copy(d->iphttps_by, sizeof(d->iphttps_by), by);
}

static void tcp_timing(const struct td_facts *f, struct td_derived *d)
{
	const struct td_tcp_facts *tcp = &f->tcp;
	if (!tcp->syn_count)
		return;
	d->syn_span = tcp->syn_last_ts - tcp->syn_ts;
	double end = f->open_at_end && f->capture_end_ts > tcp->last_ts ? f->capture_end_ts : tcp->last_ts;
	d->observed = end - tcp->syn_ts;
}

void td_derive_end(struct td_facts *f)
{
	struct td_derived *d = &f->derived;
	const struct td_tls_facts *t = f->tls;
	struct ending e = find_ending(f);
	d->end_by = e.by;
	td_str_copy(d->end_how, sizeof(d->end_how), e.how);
	d->end_frame = e.frame;
	d->end_alert_inferred = e.inferred;
	last_messages(f, e.frame, d);
	d->end_after_server_flight = server_flight_done(t, e.frame);
	d->end_client_flight = client_flight_sent(t, e.frame);
	if ((!strcmp(e.how, "capture-end") || !strcmp(e.how, "stalled")) && f->capture_end_ts > f->tcp.last_ts)
		d->end_open_for = f->capture_end_ts - f->tcp.last_ts;
	d->client_carried_on = d->handshake_complete && t && t->dir[TD_DIR_C2S].app_records > 0 &&
			       (t->dir[TD_DIR_S2C].app_records > 0 || !strcmp(e.how, "completed"));
	d->before_capture = f->tcp.midstream && t && !t->ch.seen && !t->sh.seen &&
			    (t->dir[TD_DIR_C2S].app_records || t->dir[TD_DIR_S2C].app_records);
	tls13_client_flight(t, d);
	request_from_answer(t, d);
	iphttps_identity(f, d);
	tcp_timing(f, d);
}
