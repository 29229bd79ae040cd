/*
 * Unit tests for the pictures' shared parts: the ladder steps
 * (src/report_steps.c: order, merging, the decisive step, printable text,
 * the message cap) and the HTML escape (src/report_html_esc.c), on facts
 * made by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdiag/report_html.h"
#include "tlsdiag/report_steps.h"
#include "tap.h"

static struct td_ladder l;

static struct td_facts *conn(void)
{
	struct td_facts *f = td_facts_new();
	f->tcp.client_ip = (struct td_ip){ .family = 4, .addr = { 127, 0, 0, 1 } };
	f->tcp.server_ip = (struct td_ip){ .family = 4, .addr = { 127, 0, 0, 2 } };
	f->tcp.client_port = 50000;
	f->tcp.server_port = 443;
	f->tcp.first_ts = 100.0;
	f->tcp.syn_frame = 1, f->tcp.syn_ts = 100.0, f->tcp.syn_count = 1;
	f->tcp.synack_frame = 2, f->tcp.synack_ts = 100.001, f->tcp.synack_ttl = 64;
	return f;
}

static size_t find(const char *label)
{
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.s[i].label, label))
			return i;
	return l.n;
}

static void is_double_close(double got, double want)
{
	ok(got > want - 1e-9 && got < want + 1e-9, "time since the first frame (%.9f)", got);
}

/* A NULL-only ClientHello answered by a fatal alert that rides with a FIN. */
static void alert_ending(void)
{
	struct td_facts *f = conn();
	struct td_diagnosis d = { .category = "null-cipher-rejected", .windows_error = "0x80090326" };
	struct td_tls_facts *t = td_facts_tls(f);
	t->ch.seen = true;
	t->ch.max_version = 0x0303;
	t->ch.n_suites = 2;
	t->ch.suites[0] = 0x003b, t->ch.suites[1] = 0x0002;
	t->ch.null_suites = 2;
	snprintf(t->ch.sni, sizeof(t->ch.sni), "da\x1b[31m\xc3\xa9");
	td_facts_event(f, 4, 100.002, TD_DIR_C2S, TD_EV_HANDSHAKE, 1, 60, false);
	td_facts_event(f, 6, 100.003, TD_DIR_S2C, TD_EV_ALERT, 2 << 8 | 40, 0, false);
	f->tcp.fin_frame_server = 6, f->tcp.fin_ts_server = 100.003;
	f->tcp.fin_frame_client = 7, f->tcp.fin_ts_client = 100.004;
	snprintf(f->derived.end_how, sizeof(f->derived.end_how), "alert");
	f->derived.end_frame = 6;
	snprintf(f->derived.alert_windows[TD_DIR_S2C], 16, "0x80090326");
	d.n_evidence = 1;
	d.evidence[0] = (struct td_evidence){ .frame = 6, .detail = "handshake.end.by = server" };
	td_ladder_build(f, &d, &l);
	is_int(l.n, 6, "SYN, SYN-ACK, ClientHello, Alert, FIN, FIN");
	is_str(l.client, "127.0.0.1:50000", "the client's endpoint");
	size_t a = find("Alert handshake_failure");
	ok(a < l.n && l.s[a].decisive && l.decisive == a, "the alert is the decisive step");
	ok(a + 1 < l.n && l.s[a + 1].kind == TD_STEP_FIN && l.s[a + 1].frame == 6,
	   "the FIN of the alert's frame comes after it");
	is_str(l.s[a].detail[0], "fatal; the client reports 0x80090326", "the alert's Windows error, the diagnosis's");
	ok(l.s[a].evidence, "the cited frame is marked as evidence");
	size_t ch = find("ClientHello");
	ok(ch < l.n && strstr(l.s[ch].detail[0], "SNI da?[31m??") != NULL, "control and non-ASCII bytes are '?' (%s)",
	   ch < l.n ? l.s[ch].detail[0] : "");
	ok(ch < l.n && !strcmp(l.s[ch].detail[1], "TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA"),
	   "the NULL suites listed");
	is_double_close(l.s[a].t, 0.003);
	d.windows_error = "0x90320";
	td_ladder_build(f, &d, &l);
	is_str(l.s[find("Alert handshake_failure")].detail[0], "fatal", "another diagnosis' error is not shown");
	td_facts_free(f);
}

/* SYNs without an answer until the capture ended. */
static void silence(void)
{
	struct td_facts *f = conn();
	struct td_diagnosis d = { .category = "tcp-timeout" };
	f->tcp.synack_frame = 0;
	f->tcp.syn_count = 4;
	f->tcp.syn_last_ts = 107.0;
	f->tcp.last_ts = 107.0;
	f->capture_end_ts = 110.0;
	f->open_at_end = true;
	snprintf(f->derived.end_how, sizeof(f->derived.end_how), "capture-end");
	d.n_evidence = 1;
	d.evidence[0] = (struct td_evidence){ .frame = 1, .detail = "tcp.syn_count = 4" };
	td_ladder_build(f, &d, &l);
	is_int(l.n, 2, "the SYN and the capture's end");
	ok(l.s[1].kind == TD_STEP_END && l.s[1].decisive && l.s[1].dir == TD_STEP_NODIR,
	   "the capture's end is the decisive step");
	is_str(l.s[1].detail[0], "no answer to 4 SYNs", "what the silence was");
	td_facts_free(f);
}

/* Data records in one direction are one arrow; the message cap is said. */
static void merging(void)
{
	struct td_facts *f = conn();
	struct td_diagnosis d = { .category = "ok" };
	for (int i = 0; i < 5; i++)
		td_facts_event(f, 10 + (uint64_t)i, 101.0 + i, TD_DIR_S2C, TD_EV_APP_DATA, 0, 100, true);
	td_facts_event(f, 20, 106.0, TD_DIR_C2S, TD_EV_APP_DATA, 0, 7, true);
	td_facts_cap(f, TD_CAP_EVENTS);
	td_ladder_build(f, &d, &l);
	size_t a = find("Application data");
	ok(a < l.n && !strcmp(l.s[a].detail[0], "5 records, 500 bytes, frames 10-14"), "five records, one arrow (%s)",
	   a < l.n ? l.s[a].detail[0] : "");
	ok(a + 1 < l.n && l.s[a + 1].dir == TD_DIR_C2S && l.s[a + 1].records == 1, "the other direction's record apart");
	ok(l.s[l.n - 1].kind == TD_STEP_NOTE, "the cap on listed messages is the last step");
	td_facts_free(f);
}

static void escape(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	td_html_text(m, "<script>alert('x&y')</script>\"\x01\xff");
	td_html_textf(m, "|%s|", "<b>");
	fclose(m);
	is_str(buf, "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;&quot;??|&lt;b&gt;|", "markup escaped");
	free(buf);
}

int main(void)
{
	alert_ending();
	silence();
	merging();
	escape();
	return done_testing();
}
