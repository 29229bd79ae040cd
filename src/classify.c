/*
 * The first-cut classifier: names how far a connection got and why it
 * stopped, in the vocabulary of DESIGN.md, from the facts alone. The rule
 * engine will replace the decision part; the derived facts stay here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/attr.h"
#include "tlsdiag/names.h"

/* Schannel: alert received -> error returned (Microsoft, "Schannel error
 * codes for TLS and SSL alerts"); anything not listed is 0x80090326. */
static const struct {
	uint8_t alert;
	const char *code;
} schannel[] = {
	{ 20, "0x8009030F" }, { 21, "0x80090330" }, { 30, "0x8009030F" }, { 42, "0x80090327" },
	{ 43, "0x80090327" }, { 44, "0x80092010" }, { 45, "0x80090328" }, { 46, "0x80090327" },
	{ 48, "0x80090325" }, { 49, "0x8009030C" }, { 51, "0x80090330" }, { 70, "0x80090302" },
	{ 71, "0x80090331" },
};

const char *td_windows_error_for_alert(uint8_t description)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(schannel); i++)
		if (schannel[i].alert == description)
			return schannel[i].code;
	return "0x80090326";
}

static bool handshake_done(const struct td_tls_facts *t)
{
	return t && t->dir[TD_DIR_C2S].finished_seen && t->dir[TD_DIR_S2C].finished_seen;
}

static enum td_stage stage_of(const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	const struct td_tcp_facts *tcp = &f->tcp;
	if (t && handshake_done(t))
		return t->dir[0].app_records && t->dir[1].app_records ? TD_STAGE_APP_DATA
									: TD_STAGE_HANDSHAKE_DONE;
	if (t && (t->client_key_exchange || t->dir[TD_DIR_C2S].ccs_seen ||
		  t->dir[TD_DIR_C2S].finished_seen || t->client_certs.seen))
		return TD_STAGE_CLIENT_FLIGHT;
	if (t && (t->server_hello_done || t->dir[TD_DIR_S2C].finished_seen))
		return TD_STAGE_SERVER_DONE;
	if (t && t->sh.seen)
		return TD_STAGE_SERVER_HELLO;
	if (t && t->ch.seen)
		return TD_STAGE_CLIENT_HELLO;
	if (tcp->rst_answers_syn)
		return TD_STAGE_REFUSED;
	if (tcp->synack_frame || tcp->midstream || tcp->bytes[0] || tcp->bytes[1])
		return TD_STAGE_ESTABLISHED;
	return TD_STAGE_SYN;
}

void td_facts_derive(struct td_facts *f)
{
	struct td_tcp_facts *tcp = &f->tcp;
	f->stage = (uint8_t)stage_of(f);
	const char *why = "";
	if (tcp->reassembled)
		why = "";
	else if (tcp->client_ip.family == 6)
		why = "IPv6 (libnids follows IPv4 only)";
	else if (tcp->midstream)
		why = "started before the capture (no SYN)";
	else if (tcp->bytes[0] || tcp->bytes[1])
		why = "no complete 3-way handshake in the capture";
	snprintf(tcp->not_reassembled_why, sizeof(tcp->not_reassembled_why), "%s", why);
}

TD_PRINTF(3, 4) static void evidence(struct td_diagnosis *d, uint64_t frame, const char *fmt, ...)
{
	if (d->n_evidence >= TD_MAX_EVIDENCE || frame == 0)
		return;
	struct td_evidence *e = &d->evidence[d->n_evidence++];
	e->frame = frame;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

static void verdict(struct td_diagnosis *d, const char *category, const char *windows,
		    const char *confidence, const char *remedy)
{
	d->category = category;
	d->windows_error = windows;
	d->confidence = confidence;
	snprintf(d->remedy, sizeof(d->remedy), "%s", remedy);
}

static void client_hello_evidence(const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_client_hello *ch = &f->tls->ch;
	if (ch->seen)
		evidence(d, ch->frame, "ClientHello offering %u cipher suites (%u NULL)%s%s", ch->n_suites,
			 ch->null_suites, ch->sni[0] ? ", SNI " : "", ch->sni);
}

/* Which alert ended it: the first one, from either side, earliest first. */
static const struct td_alert *ending_alert(const struct td_tls_facts *t, enum td_dir *by)
{
	const struct td_alert *c = &t->dir[TD_DIR_C2S].alert, *s = &t->dir[TD_DIR_S2C].alert;
	if (s->seen && (!c->seen || s->frame <= c->frame)) {
		*by = TD_DIR_S2C;
		return s;
	}
	*by = TD_DIR_C2S;
	return c->seen ? c : NULL;
}

static bool classify_tcp(const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_tcp_facts *tcp = &f->tcp;
	if (tcp->rst_answers_syn) {
		verdict(d, "tcp-refused", "0x274d", "high",
			"Nothing listens on the server port, or a firewall rejects it: check the server's "
			"listener and the firewalls on the path.");
		snprintf(d->summary, sizeof(d->summary),
			 "The connection was refused: the SYN was answered by a reset");
		evidence(d, tcp->syn_frame, "SYN");
		evidence(d, tcp->rst_frame, "RST from the server side (TTL %u)", tcp->rst_ttl);
		return true;
	}
	if (!tcp->synack_frame && !tcp->midstream && tcp->syn_count > 0 && !tcp->rst_frame) {
		verdict(d, "tcp-timeout", "0x274c", "high",
			"Nothing answered: check the route to the server, firewalls and NAT on the path, "
			"and that the server is up.");
		snprintf(d->summary, sizeof(d->summary),
			 "No answer to the SYN (%u sent, retransmissions included)", tcp->syn_count);
		evidence(d, tcp->syn_frame, "first SYN, %u in all", tcp->syn_count);
		return true;
	}
	return false;
}

static bool classify_proxy(const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_tls_facts *t = f->tls;
	if (!t || !t->proxy_req.seen || t->tunnel_open)
		return false;
	verdict(d, "proxy-connect-failed", "0x2af9", "high",
		"The proxy refused the tunnel: allow CONNECT to the IP-HTTPS server name and port on the "
		"proxy, or provide the proxy credentials it asks for.");
	if (t->proxy_resp.seen)
		snprintf(d->summary, sizeof(d->summary), "The proxy answered the CONNECT with \"%s\"",
			 t->proxy_resp.status_line);
	else
		snprintf(d->summary, sizeof(d->summary), "The proxy did not answer the CONNECT");
	evidence(d, t->proxy_req.frame, "%s %s", t->proxy_req.method, t->proxy_req.uri);
	evidence(d, t->proxy_resp.frame, "proxy answer: %s", t->proxy_resp.status_line);
	return true;
}

static bool classify_non_tls(const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_tls_facts *t = f->tls;
	if (!t || !t->non_tls[TD_DIR_S2C])
		return false;
	verdict(d, "non-tls-responder", "0x80090326", "high",
		"Something that does not speak TLS answers on this port: point the client at the real "
		"IP-HTTPS server, or fix the port forwarding / load balancer rule.");
	snprintf(d->summary, sizeof(d->summary), "The server side answered with non-TLS bytes: \"%s\"",
		 t->non_tls_line[TD_DIR_S2C]);
	client_hello_evidence(f, d);
	evidence(d, t->non_tls_frame[TD_DIR_S2C], "server sent: %s", t->non_tls_line[TD_DIR_S2C]);
	return true;
}

static bool classify_alert(const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_tls_facts *t = f->tls;
	enum td_dir by;
	const struct td_alert *a = t ? ending_alert(t, &by) : NULL;
	if (!a || (a->encrypted && handshake_done(t)) || (!a->encrypted && a->description == 0))
		return false;
	char buf[32], suite[64];
	const char *who = by == TD_DIR_S2C ? "server" : "client";
	const char *where = t->sh.seen ? "after the ServerHello" : "right after the ClientHello";
	const char *name = td_name_fmt(TD_REG_ALERT, a->description, buf, sizeof(buf));
	verdict(d, "handshake-failed",
		by == TD_DIR_S2C && !a->encrypted ? td_windows_error_for_alert(a->description) : NULL,
		a->encrypted ? "medium" : "high",
		"Read the alert: compare the client's offer with what the server accepts (cipher "
		"suites, protocol versions, client certificate).");
	if (a->encrypted)
		snprintf(d->summary, sizeof(d->summary), "The %s ended the handshake %s with an encrypted alert",
			 who, where);
	else
		snprintf(d->summary, sizeof(d->summary), "The %s ended the handshake %s with a %s alert %s",
			 who, where, a->level == 1 ? "warning" : "fatal", name);
	client_hello_evidence(f, d);
	if (t->sh.seen)
		evidence(d, t->sh.frame, "ServerHello choosing %s",
			 td_name_fmt(TD_REG_CIPHER_SUITE, t->sh.suite, suite, sizeof(suite)));
	evidence(d, a->frame, "%s alert %s", who, a->encrypted ? "(encrypted)" : name);
	return true;
}

static bool classify_close(const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_tcp_facts *tcp = &f->tcp;
	if (tcp->rst_frame) {
		bool server = tcp->reset_by == TD_WHO_SERVER;
		bool ttl_differs = server && tcp->synack_frame && tcp->rst_ttl != tcp->synack_ttl;
		verdict(d, "tcp-reset", server ? "0x2746" : NULL, "high",
			"Find which device resets the connection (compare the RST's TTL with the SYN-ACK's): "
			"a firewall, IPS or load balancer in front of the server is the usual cause.");
		snprintf(d->summary, sizeof(d->summary), "The %s reset the connection during the %s stage%s",
			 td_who_name(tcp->reset_by), td_stage_name(f->stage),
			 ttl_differs ? " (the reset's TTL differs from the SYN-ACK's: likely injected)" : "");
		if (f->tls)
			client_hello_evidence(f, d);
		evidence(d, tcp->rst_frame, "RST from the %s (TTL %u, SYN-ACK TTL %u)",
			 td_who_name(tcp->reset_by), tcp->rst_ttl, tcp->synack_ttl);
		return true;
	}
	if (tcp->first_fin_by && f->tls && f->tls->ch.seen) {
		bool server = tcp->first_fin_by == TD_WHO_SERVER;
		verdict(d, "handshake-failed", server ? "0x80090326" : NULL, "medium",
			"The handshake was abandoned without an alert: look at the device that closed it.");
		snprintf(d->summary, sizeof(d->summary), "The %s closed the connection during the %s stage, without an alert",
			 td_who_name(tcp->first_fin_by), td_stage_name(f->stage));
		client_hello_evidence(f, d);
		evidence(d, server ? tcp->fin_frame_server : tcp->fin_frame_client, "FIN from the %s",
			 td_who_name(tcp->first_fin_by));
		return true;
	}
	return false;
}

static void classify_ok(const struct td_facts *f, struct td_diagnosis *d)
{
	const struct td_tls_facts *t = f->tls;
	char name[64];
	verdict(d, "ok", NULL, "high", "Nothing to fix.");
	snprintf(d->summary, sizeof(d->summary), "The handshake completed (%s, %s)",
		 td_name_fmt(TD_REG_VERSION, t->sh.selected_version, name, sizeof(name)),
		 td_name(TD_REG_CIPHER_SUITE, t->sh.suite) ? td_name(TD_REG_CIPHER_SUITE, t->sh.suite) : "?");
	if (t->http_resp.seen) {
		size_t n = strlen(d->summary);
		snprintf(d->summary + n, sizeof(d->summary) - n, "; %s %s answered \"%s\"%s%s",
			 t->http_req.method, t->http_req.uri, t->http_resp.status_line,
			 t->http_resp.server[0] ? " by " : "", t->http_resp.server);
	}
	client_hello_evidence(f, d);
	evidence(d, t->sh.frame, "ServerHello choosing %s",
		 td_name_fmt(TD_REG_CIPHER_SUITE, t->sh.suite, name, sizeof(name)));
	evidence(d, t->dir[TD_DIR_S2C].finished_frame, "server Finished%s",
		 t->dir[TD_DIR_S2C].encrypted_finished ? " (encrypted)" : "");
	if (t->http_req.seen)
		evidence(d, t->http_req.frame, "%s %s Host %s", t->http_req.method, t->http_req.uri,
			 t->http_req.host);
	if (t->http_resp.seen)
		evidence(d, t->http_resp.frame, "%s", t->http_resp.status_line);
}

static void classify_incomplete(const struct td_facts *f, struct td_diagnosis *d)
{
	verdict(d, "incomplete", NULL, "low",
		"Capture the whole connection: start the capture before the client connects and "
		"keep it running until the client gives up.");
	snprintf(d->summary, sizeof(d->summary), "The capture ends at the %s stage with no sign of failure%s",
		 td_stage_name(f->stage), f->tcp.midstream ? " (the connection started before the capture)" : "");
	if (f->tls)
		client_hello_evidence(f, d);
	evidence(d, f->tcp.last_frame, "last packet of the connection");
}

void td_classify(const struct td_facts *f, struct td_diagnosis *d)
{
	memset(d, 0, sizeof(*d));
	if (classify_tcp(f, d) || classify_proxy(f, d) || classify_non_tls(f, d))
		return;
	if (handshake_done(f->tls)) {
		classify_ok(f, d);
		return;
	}
	if (classify_alert(f, d) || classify_close(f, d))
		return;
	classify_incomplete(f, d);
}

bool td_diagnosis_ok(const struct td_diagnosis *d)
{
	return strcmp(d->category, "ok") == 0;
}
