/*
 * One connection's section of the HTML page: its head (endpoints, SNI,
 * file), the SVG ladder, the diagnosis with its evidence and remedy, the
 * other causes not ruled out, the findings, and the certificate chains.
 * The same facts as the text block, laid out for reading.
 */
#include <stdio.h>
#include <string.h>
#include "tlsdiag/factdesc.h"
#include "tlsdiag/report_html.h"
#include "tlsdiag/report_steps.h"
#include "tlsdiag/x509.h"

static void head(FILE *out, const struct td_facts *f, const struct td_diagnosis *d, const struct td_ladder *l)
{
	fprintf(out, "<h2>#%u ", f->id);
	td_html_text(out, l->client);
	fputs(" &#8594; ", out);
	td_html_text(out, l->server);
	fputs(" <span class=\"cat ", out);
	fputs(td_diagnosis_ok(d) ? "ok" : "bad", out);
	fputs("\">", out);
	td_html_text(out, d->category);
	fputs("</span>", out);
	if (d->windows_error) {
		fputs(" <span class=\"win\">", out);
		td_html_text(out, d->windows_error);
		fputs("</span>", out);
	}
	fputs("</h2>\n<p class=\"meta\">", out);
	if (f->tls && f->tls->ch.sni[0]) {
		fputs("SNI <b>", out);
		td_html_text(out, f->tls->ch.sni);
		fputs("</b> &#183; ", out);
	}
	td_html_textf(out, "stage reached: %s", td_stage_name((enum td_stage)f->stage));
	fputs(" &#183; ", out);
	td_html_textf(out, "frames %llu-%llu of ", (unsigned long long)f->tcp.first_frame,
		      (unsigned long long)f->tcp.last_frame);
	td_html_text(out, f->file);
	fputs("</p>\n", out);
}

/* One labelled paragraph: <p><b>what</b> text</p>. */
static void para(FILE *out, const char *cls, const char *what, const char *text)
{
	if (!text || !text[0])
		return;
	fprintf(out, "<p class=\"%s\"><b>%s</b> ", cls, what);
	td_html_text(out, text);
	fputs("</p>\n", out);
}

static void diagnosis(FILE *out, const struct td_diagnosis *d)
{
	fputs("<div class=\"diag\">\n", out);
	para(out, "sum", "Diagnosis:", d->summary);
	fputs("<p class=\"conf\">", out);
	td_html_textf(out, "confidence %s%s%s%s%s", d->confidence, d->evidence_class ? ", " : "",
		      d->evidence_class ? d->evidence_class : "", d->rule ? ", rule " : "", d->rule ? d->rule : "");
	fputs("</p>\n", out);
	para(out, "why", "Why:", d->explanation);
	if (d->n_evidence) {
		fputs("<p><b>Evidence:</b></p><ul class=\"ev\">\n", out);
		for (size_t i = 0; i < d->n_evidence; i++) {
			fprintf(out, "<li>frame %llu: <code>", (unsigned long long)d->evidence[i].frame);
			td_html_text(out, d->evidence[i].detail);
			fputs("</code></li>\n", out);
		}
		fputs("</ul>\n", out);
	}
	para(out, "fix", "Remedy:", d->remedy);
	for (size_t i = 0; i < d->n_alternatives; i++) {
		fputs("<p class=\"or\"><b>Or:</b> ", out);
		td_html_textf(out, "%s (confidence %s): %s", d->alternatives[i].category, d->alternatives[i].confidence,
			      d->alternatives[i].summary);
		fputs("</p>\n", out);
	}
	fputs("</div>\n", out);
}

static void findings(FILE *out, const struct td_diagnosis *d)
{
	if (!d->n_findings)
		return;
	fputs("<p><b>Findings:</b></p><ul class=\"find\">\n", out);
	for (size_t i = 0; i < d->n_findings; i++) {
		fputs("<li><b>", out);
		td_html_text(out, d->findings[i].category);
		fputs("</b>: ", out);
		td_html_text(out, d->findings[i].summary);
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
}

static void cell(FILE *out, const char *s)
{
	fputs("<td>", out);
	td_html_text(out, s);
	fputs("</td>", out);
}

static void cert_row(FILE *out, const struct td_cert_info *c, size_t i)
{
	char nb[32], na[32], v[TD_X509_NAME + 64];
	fprintf(out, "<tr><td>%zu</td>", i);
	if (!c->parsed) {
		fputs("<td colspan=\"5\">does not parse: ", out);
		td_html_text(out, c->error);
		fputs("</td></tr>\n", out);
		return;
	}
	td_iso_time(c->not_before, nb, sizeof(nb));
	td_iso_time(c->not_after, na, sizeof(na));
	cell(out, c->subject);
	snprintf(v, sizeof(v), "%s%s", c->issuer, c->self_signed ? " (self-signed)" : "");
	cell(out, v);
	snprintf(v, sizeof(v), "%.10s to %.10s: %s, %d days left", nb, na,
		 c->expired ? "EXPIRED" : c->not_yet_valid ? "NOT YET VALID" : "valid", c->days_left);
	fprintf(out, "<td class=\"%s\">", c->expired || c->not_yet_valid ? "badtxt" : "");
	td_html_text(out, v);
	fputs("</td>", out);
	snprintf(v, sizeof(v), "%s %u, %s", c->key_type, c->key_bits, c->sig_alg);
	cell(out, v);
	cell(out, c->san_dns);
	fputs("</tr>\n", out);
}

/* What was concluded about the chain, as the text report says it. */
static void chain_notes(FILE *out, const struct td_chain_facts *c)
{
	fputs("<ul class=\"notes\">", out);
	if (c->name_checked) {
		fputs("<li>", out);
		td_html_textf(out, "name %s (from %s): %s%s", c->expected_name, c->name_source,
			      c->name_matched ? "matches " : "NOT covered by the certificate",
			      c->name_matched ? c->matched_name : "");
		fputs("</li>", out);
	}
	fputs("<li>", out);
	if (c->verify_attempted && c->trusted)
		fputs("trust: verified to a trust anchor at the capture's time", out);
	else if (c->verify_attempted)
		td_html_textf(out, "trust: NOT trusted: %s (%s)", c->verify_error, c->verify_reason);
	else
		fputs("trust: not checked (no trust anchors given)", out);
	fputs("</li>", out);
	if (c->incomplete)
		fputs("<li>chain: ends with a certificate that is no CA: its issuer was not sent</li>", out);
	if (c->inspection_product[0]) {
		fputs("<li>interception: issued by a ", out);
		td_html_text(out, c->inspection_product);
		fputs(" inspection CA</li>", out);
	}
	fputs("</ul>\n", out);
}

static void chains(FILE *out, const struct td_x509_facts *x)
{
	const struct { const struct td_chain_facts *c; const char *who; } sides[] = {
		{ &x->server, "Server" }, { &x->client, "Client" },
	};
	for (size_t s = 0; s < 2; s++) {
		const struct td_chain_facts *c = sides[s].c;
		if (!c->seen)
			continue;
		fprintf(out, "<p><b>%s certificates:</b></p>\n<table class=\"certs\"><tr><th>#</th><th>subject</th>"
			     "<th>issuer</th><th>validity (at capture time)</th><th>key</th><th>SAN</th></tr>\n",
			sides[s].who);
		for (size_t i = 0; i < c->n; i++)
			cert_row(out, &c->certs[i], i);
		fputs("</table>\n", out);
		chain_notes(out, c);
	}
	if (x->client_auth.requested) {
		fputs("<p><b>Client certificate requested;</b> accepted issuers: ", out);
		td_html_text(out, x->client_auth.ca_names[0] ? x->client_auth.ca_names : "(any: empty list)");
		fputs(x->client_auth.sent_empty ? ". The client sent none.</p>\n" : "</p>\n", out);
	}
}

void td_html_section(FILE *out, const struct td_facts *f, const struct td_diagnosis *d, const struct td_ladder *l)
{
	fprintf(out, "<section class=\"conn\" id=\"c%u\" data-cat=\"", f->id);
	td_html_text(out, d->category);
	fputs("\">\n", out);
	head(out, f, d, l);
	fputs("<div class=\"scroll\">", out);
	td_html_svg_ladder(out, l, !td_diagnosis_ok(d));
	fputs("</div>\n", out);
	diagnosis(out, d);
	findings(out, d);
	if (f->x509)
		chains(out, f->x509);
	fputs("</section>\n", out);
}
