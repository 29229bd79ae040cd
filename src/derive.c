/*
 * Facts computed from other facts once a connection is over: how far it
 * got, why its payload could not be followed, the Windows error for an
 * alert, and the patterns of encrypted endings the rules name. Rules read
 * these like any other fact; nothing here decides a verdict.
 */
#include <stdio.h>
#include <string.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/str.h"

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

static const char *not_followed_why(const struct td_tcp_facts *tcp)
{
	if (tcp->reassembled)
		return "";
	if (tcp->ipv6_table_full)
		return "IPv6 pair table full (not mixed with another)";
	/* 240.0.0.0/4 stands for IPv6 pairs inside libnids (src/reasm_map.c). */
	if (tcp->client_ip.family == 4 && (tcp->client_ip.addr[0] >= 240 || tcp->server_ip.addr[0] >= 240))
		return "IPv4 address in 240.0.0.0/4 (reserved)";
	if (tcp->midstream)
		return "started before the capture (no SYN)";
	if (tcp->snapped_packets)
		return "packets cut short by the capture's snap length";
	if (tcp->bytes[0] || tcp->bytes[1])
		return "no complete 3-way handshake in the capture";
	return "";
}

/* TLS 1.3 hides the ending: name what the encrypted records show. */
static const char *pattern_of(const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	const struct td_tcp_facts *tcp = &f->tcp;
	if (!t || !t->sh.seen || t->sh.selected_version < 0x0304)
		return "";
	const struct td_alert *sa = &t->dir[TD_DIR_S2C].alert, *ca = &t->dir[TD_DIR_C2S].alert;
	bool client_flight = t->dir[TD_DIR_C2S].finished_seen;
	bool server_closed = tcp->reset_by == TD_WHO_SERVER || tcp->first_fin_by == TD_WHO_SERVER;
	if (ca->seen && ca->encrypted && !client_flight)
		return "client-alert-after-server-flight";
	/* The server's alert rejects the flight only when it came before the
	 * client closed; after the client's FIN it answers the close. */
	uint64_t client_fin = tcp->fin_frame_client;
	if (client_flight && sa->seen && sa->encrypted && t->dir[TD_DIR_S2C].app_records == 0 &&
	    !(client_fin && client_fin < sa->frame))
		return "server-alert-after-client-flight";
	if (client_flight && server_closed && t->dir[TD_DIR_S2C].app_records == 0 &&
	    t->dir[TD_DIR_C2S].app_records == 0)
		return "server-closed-after-client-flight";
	return "";
}

static bool iphttps_ok(const struct td_tls_facts *t)
{
	return t && t->http_resp.seen && t->http_resp.status == 200 &&
	       strcmp(t->http_resp.server, "Microsoft-HTTPAPI/2.0") == 0 &&
	       strcmp(t->http_req.uri, "/IPHTTPS") == 0;
}

/* Did the server end it after the client's Certificate message? */
static bool after_client_certificate(const struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	if (!t || !t->client_certs.seen)
		return false;
	uint64_t end = t->dir[TD_DIR_S2C].alert.seen ? t->dir[TD_DIR_S2C].alert.frame
		       : f->tcp.reset_by == TD_WHO_SERVER ? f->tcp.rst_frame
							 : f->tcp.fin_frame_server;
	return end && end >= t->client_certs.frame;
}

void td_facts_derive(struct td_facts *f)
{
	struct td_derived *d = &f->derived;
	const struct td_tls_facts *t = f->tls;
	f->stage = (uint8_t)stage_of(f);
	td_str_copy(f->tcp.not_reassembled_why, sizeof(f->tcp.not_reassembled_why), not_followed_why(&f->tcp));
	d->handshake_complete = handshake_done(t);
	d->rst_ttl_differs = f->tcp.rst_frame && f->tcp.synack_frame && f->tcp.reset_by == TD_WHO_SERVER &&
			     f->tcp.rst_ttl != f->tcp.synack_ttl;
	for (int i = 0; i < 2 && t; i++)
		if (t->dir[i].alert.seen && !t->dir[i].alert.encrypted)
			td_str_copy(d->alert_windows[i], sizeof(d->alert_windows[i]),
				    td_windows_error_for_alert(t->dir[i].alert.description));
	td_str_copy(d->pattern, sizeof(d->pattern), pattern_of(f));
	d->iphttps_ok = iphttps_ok(t);
	d->after_client_certificate = after_client_certificate(f);
	td_str_copy(d->reset_windows, sizeof(d->reset_windows), f->tcp.reset_by == TD_WHO_SERVER ? "0x2746" : "");
	td_derive_end(f);
}

bool td_diagnosis_ok(const struct td_diagnosis *d)
{
	return strcmp(d->category, "ok") == 0;
}
