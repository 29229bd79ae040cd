/*
 * --html FILE: the page (include/tlsdiag/report_html.h). Connections are
 * finished one by one and forgotten, but the summary goes at the top, so a
 * connection's table row and section are written to two temporary files as
 * it finishes, and the page is put together at the end: head, summary, the
 * table (the rows copied), the sections (copied), the script.
 *
 * Self-contained by construction: nothing here writes a src or href that
 * leaves the page, and a Content-Security-Policy forbids every fetch and
 * allows only the page's own script, by its hash, as a second wall should
 * an escape ever be missed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "tlsdiag/report_html.h"
#include "tlsdiag/report_ids.h"
#include "tlsdiag/report_steps.h"

struct td_html {
	FILE *out, *rows, *sections;
	const char *const *inputs;
	size_t n_inputs;
	uint64_t rows_left_out;      /* beyond TD_HTML_MAX_ROWS */
	uint64_t n_rows;
	uint64_t drawn, ok_drawn;
	uint64_t ok_not_drawn;       /* successes beyond TD_HTML_OK_DRAWN: rows only */
	uint64_t failed_not_drawn;   /* failures beyond TD_HTML_MAX_SECTIONS */
	double first_ts, last_ts;    /* the connections' span */
	bool any_ts;
};

/* Sort by a column (numbers as numbers), filter by category and by text. */
static const char script[] =
	"(function(){var t=document.getElementById('conns');if(!t)return;var tb=t.tBodies[0],"
	"sel=document.getElementById('cat'),q=document.getElementById('q'),dir={};"
	"function key(r,i){var c=r.cells[i],v=c.getAttribute('data-v');return v!==null?v:c.textContent;}"
	"Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){"
	"var rows=Array.prototype.slice.call(tb.rows),d=dir[i]=-(dir[i]||-1);rows.sort(function(a,b){"
	"var x=key(a,i),y=key(b,i),nx=Number(x),ny=Number(y);if(x!==''&&y!==''&&!isNaN(nx)&&!isNaN(ny))"
	"return (nx-ny)*d;return x.localeCompare(y)*d;});rows.forEach(function(r){tb.appendChild(r);});});});"
	"function filter(){var c=sel.value,s=q.value.toLowerCase();Array.prototype.forEach.call(tb.rows,"
	"function(r){var ok=(!c||r.getAttribute('data-cat')===c)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);"
	"r.style.display=ok?'':'none';});Array.prototype.forEach.call(document.querySelectorAll('section.conn'),"
	"function(x){x.style.display=(!c||x.getAttribute('data-cat')===c)?'':'none';});}"
	"sel.addEventListener('change',filter);q.addEventListener('input',filter);})();";

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:1.5em;color:#222;"
	"background:#fff;max-width:1100px}"
	"h1{margin:0 0 .3em}h2{font-size:1.1em;margin:0 0 .3em}"
	"code,.lad text,.chart text{font-family:ui-monospace,'Cascadia Mono',Menlo,Consolas,monospace}"
	".cat{display:inline-block;padding:0 .5em;border-radius:.6em;color:#fff;font-size:.9em}"
	".cat.ok{background:#2e7d32}.cat.bad{background:#c62828}.win{color:#555;font-family:monospace}"
	".meta{color:#555;margin:.2em 0 .6em}.omitted{background:#fff8e1;border-left:4px solid #f9a825;"
	"padding:.4em .8em}"
	"table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #ddd;padding:.2em .5em;"
	"text-align:left;vertical-align:top}#conns th{cursor:pointer;background:#f3f3f3;position:sticky;top:0}"
	"#conns th:hover{background:#e0e0e0}.scroll{overflow-x:auto}"
	"section.conn{border:1px solid #ccc;border-radius:6px;padding:.8em 1em;margin:1.2em 0}"
	".diag p{margin:.3em 0}.badtxt{color:#c62828;font-weight:bold}.conf{color:#555;font-size:.9em}"
	".lad{background:#fcfcfc;border:1px solid #eee}.lad .who{font-weight:bold;font-size:13px}"
	".lad .addr,.lad .g{font-size:11px;fill:#666}.lad .l{font-size:12px;fill:#111}"
	".lad .d{font-size:11px;fill:#555}.lad .life{stroke:#444;stroke-width:2}"
	".lad .a{stroke:#455a64;stroke-width:1.3}.lad .h{fill:#455a64}.lad .a.end{stroke-dasharray:4 3}"
	".lad .ev .l{font-weight:bold}.lad .hl{fill:#ffebee}.lad .hot .a{stroke:#c62828;stroke-width:3}"
	".lad .hot .h,.lad .hot .mk{fill:#c62828}.lad .hot .l{fill:#b71c1c;font-weight:bold}"
	".lad .good .hl{fill:#e8f5e9}.lad .good .a{stroke:#2e7d32;stroke-width:3}"
	".lad .good .h,.lad .good .mk{fill:#2e7d32}.lad .mk{font-size:16px}"
	".chart .bar{fill:#c62828}.chart .bar.ok{fill:#2e7d32}.chart text{font-size:12px}";

struct td_html *td_html_open(const char *path, const char *const *inputs, size_t n_inputs, char *err,
			     size_t errlen)
{
	struct td_html *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->inputs = inputs;
	h->n_inputs = n_inputs;
	h->out = fopen(path, "w");
	if (!h->out) {
		snprintf(err, errlen, "cannot create: %s", strerror(errno));
		free(h);
		return NULL;
	}
	h->rows = tmpfile();
	h->sections = tmpfile();
	if (!h->rows || !h->sections) {
		snprintf(err, errlen, "no temporary file for the page: %s", strerror(errno));
		if (h->rows)
			fclose(h->rows);
		if (h->sections)
			fclose(h->sections);
		fclose(h->out);
		free(h);
		return NULL;
	}
	return h;
}

static void cell(FILE *out, const char *s)
{
	fputs("<td>", out);
	td_html_text(out, s);
	fputs("</td>", out);
}

static void row(struct td_html *h, const struct td_facts *f, const struct td_diagnosis *d,
		const struct td_ladder *l, bool drawn)
{
	FILE *out = h->rows;
	char when[48];
	bool ok = td_diagnosis_ok(d);
	fputs("<tr data-cat=\"", out);
	td_html_text(out, d->category);
	fprintf(out, "\"><td data-v=\"%u\">", f->id);
	if (drawn)
		fprintf(out, "<a href=\"#c%u\">#%u</a></td>", f->id, f->id);
	else
		fprintf(out, "#%u</td>", f->id);
	cell(out, l->client);
	cell(out, l->server);
	cell(out, f->tls ? f->tls->ch.sni : "");
	fprintf(out, "<td><span class=\"cat %s\">", ok ? "ok" : "bad");
	td_html_text(out, d->category);
	fputs("</span></td>", out);
	cell(out, d->windows_error ? d->windows_error : "");
	cell(out, td_stage_name((enum td_stage)f->stage));
	td_iso_time_us(f->tcp.first_ts, when, sizeof(when));
	fprintf(out, "<td data-v=\"%.6f\">", f->tcp.first_ts);
	td_html_text(out, when);
	fputs("</td>", out);
	cell(out, f->file);
	fputs("</tr>\n", out);
}

/* Failures while the sections are under their bound; a few successes. */
static bool draw(struct td_html *h, const struct td_diagnosis *d)
{
	long used = ftell(h->sections);
	bool room = used >= 0 && (unsigned long)used < TD_HTML_MAX_SECTIONS;
	if (!td_diagnosis_ok(d)) {
		h->failed_not_drawn += !room;
		return room;
	}
	if (room && h->ok_drawn < TD_HTML_OK_DRAWN) {
		h->ok_drawn++;
		return true;
	}
	h->ok_not_drawn++;
	return false;
}

void td_html_flow(struct td_html *h, const struct td_facts *f, const struct td_diagnosis *d)
{
	static struct td_ladder l; /* large: off the stack */
	if (!h)
		return;
	if (f->tcp.first_ts && (!h->any_ts || f->tcp.first_ts < h->first_ts))
		h->first_ts = f->tcp.first_ts;
	if (f->tcp.last_ts > h->last_ts)
		h->last_ts = f->tcp.last_ts;
	h->any_ts |= f->tcp.first_ts != 0;
	td_ladder_build(f, d, &l);
	bool drawn = draw(h, d);
	if (drawn) {
		td_html_section(h->sections, f, d, &l);
		h->drawn++;
	}
	if (h->n_rows >= TD_HTML_MAX_ROWS)
		h->rows_left_out++;
	else {
		row(h, f, d, &l, drawn);
		h->n_rows++;
	}
}

/* The CSP names the script by its hash: 'sha256-<base64>'. */
static void script_hash(char *out, size_t len)
{
	unsigned char md[32], b64[48];
	unsigned int n = 0;
	out[0] = '\0';
	if (!EVP_Digest(script, sizeof(script) - 1, md, &n, EVP_sha256(), NULL) || n != 32)
		return;
	EVP_EncodeBlock(b64, md, 32);
	snprintf(out, len, "'sha256-%s'", (const char *)b64);
}

static void page_head(FILE *out)
{
	char hash[80];
	script_hash(hash, sizeof(hash));
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		     "style-src 'unsafe-inline'; script-src %s\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		     "<title>tlsdiag report</title>\n<style>%s</style>\n</head>\n<body>\n",
		hash[0] ? hash : "'none'", style);
}

static void chart(FILE *out, const struct td_run_summary *s)
{
	uint64_t max = 1;
	for (size_t i = 0; i < s->n_categories; i++)
		if (s->category_counts[i] > max)
			max = s->category_counts[i];
	int height = (int)s->n_categories * 24 + 6;
	fprintf(out, "<svg class=\"chart\" width=\"760\" height=\"%d\" viewBox=\"0 0 760 %d\" role=\"img\" "
		     "aria-label=\"connections per category\">\n", height, height);
	for (size_t i = 0; i < s->n_categories; i++) {
		int y = (int)i * 24 + 4;
		int w = (int)(500.0 * (double)s->category_counts[i] / (double)max);
		bool ok = !strcmp(s->categories[i], "ok");
		fprintf(out, "<text x=\"196\" y=\"%d\" text-anchor=\"end\">", y + 14);
		td_html_text(out, s->categories[i]);
		fprintf(out, "</text><rect x=\"204\" y=\"%d\" width=\"%d\" height=\"18\" class=\"bar%s\"/>"
			     "<text x=\"%d\" y=\"%d\">%llu</text>\n",
			y, w > 1 ? w : 1, ok ? " ok" : "", 210 + (w > 1 ? w : 1), y + 14,
			(unsigned long long)s->category_counts[i]);
	}
	fputs("</svg>\n", out);
}

static void span(FILE *out, const struct td_html *h)
{
	char a[48], b[48];
	if (!h->any_ts) {
		fputs("<p>Capture time span: no connection.</p>\n", out);
		return;
	}
	td_iso_time_us(h->first_ts, a, sizeof(a));
	td_iso_time_us(h->last_ts, b, sizeof(b));
	fputs("<p>Capture time span (the connections' first and last packets, UTC): ", out);
	td_html_textf(out, "%s to %s (%.3f s)", a, b, h->last_ts - h->first_ts);
	fputs("</p>\n", out);
}

static void omitted(FILE *out, const struct td_html *h)
{
	const char *sep = " ";
	if (!h->ok_not_drawn && !h->failed_not_drawn && !h->rows_left_out)
		return;
	fputs("<p class=\"omitted\"><b>Left out to keep the page small:</b>", out);
	if (h->ok_not_drawn) {
		fprintf(out, "%s%llu connection%s diagnosed ok are rows of the table only (the first %d are drawn)",
			sep, (unsigned long long)h->ok_not_drawn, h->ok_not_drawn == 1 ? "" : "s", TD_HTML_OK_DRAWN);
		sep = "; ";
	}
	if (h->failed_not_drawn) {
		fprintf(out, "%s%llu failed connection%s not drawn (the drawings reached %u MiB; the text or JSON "
			     "report has them all)",
			sep, (unsigned long long)h->failed_not_drawn, h->failed_not_drawn == 1 ? "" : "s",
			TD_HTML_MAX_SECTIONS >> 20);
		sep = "; ";
	}
	if (h->rows_left_out)
		fprintf(out, "%s%llu connection%s not in the table (it holds %d rows)", sep,
			(unsigned long long)h->rows_left_out, h->rows_left_out == 1 ? "" : "s", TD_HTML_MAX_ROWS);
	fputs(".</p>\n", out);
}

static void summary(FILE *out, const struct td_html *h, const struct td_run_summary *s)
{
	fputs("<header>\n<h1>tlsdiag report</h1>\n<p>", out);
	fprintf(out, "%llu connection%s in %u file%s (%llu packets, %llu bytes)",
		(unsigned long long)s->connections, s->connections == 1 ? "" : "s", s->files,
		s->files == 1 ? "" : "s", (unsigned long long)s->packets, (unsigned long long)s->bytes);
	if (s->files_failed)
		fprintf(out, "; %u file%s could not be read", s->files_failed, s->files_failed == 1 ? "" : "s");
	if (s->connections_dropped)
		fprintf(out, "; %llu connections not tracked", (unsigned long long)s->connections_dropped);
	fputs(".</p>\n<p>Analyzed:</p><ul class=\"files\">", out);
	for (size_t i = 0; i < h->n_inputs; i++) {
		fputs("<li><code>", out);
		td_html_text(out, strcmp(h->inputs[i], "-") ? h->inputs[i] : "(stdin)");
		fputs("</code></li>", out);
	}
	fputs("</ul>\n", out);
	span(out, h);
	chart(out, s);
	omitted(out, h);
	fputs("</header>\n", out);
}

static void table_head(FILE *out, const struct td_run_summary *s)
{
	fputs("<h2>Connections</h2>\n<p><label>Category <select id=\"cat\"><option value=\"\">all</option>", out);
	for (size_t i = 0; i < s->n_categories; i++) {
		fputs("<option value=\"", out);
		td_html_text(out, s->categories[i]);
		fputs("\">", out);
		td_html_text(out, s->categories[i]);
		fputs("</option>", out);
	}
	fputs("</select></label> <label>Search <input id=\"q\" type=\"search\"></label> "
	      "(click a column head to sort)</p>\n<div class=\"scroll\"><table id=\"conns\"><thead><tr><th>#</th>"
	      "<th>client</th><th>server</th><th>SNI</th><th>diagnosis</th><th>Windows error</th><th>stage</th>"
	      "<th>first packet (UTC)</th><th>file</th></tr></thead>\n<tbody>\n", out);
}

static bool copy(FILE *from, FILE *to)
{
	char buf[1 << 16];
	size_t n;
	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return false;
	return !ferror(from);
}

bool td_html_close(struct td_html *h, const struct td_run_summary *s, char *err, size_t errlen)
{
	if (!h)
		return true;
	FILE *out = h->out;
	page_head(out);
	summary(out, h, s);
	table_head(out, s);
	bool ok = copy(h->rows, out);
	fputs("</tbody></table></div>\n<h2>Connections drawn</h2>\n", out);
	if (!h->drawn)
		fputs("<p>None.</p>\n", out);
	ok = copy(h->sections, out) && ok;
	fprintf(out, "<script>%s</script>\n</body>\n</html>\n", script);
	ok = !ferror(h->rows) && !ferror(h->sections) && !ferror(out) && ok;
	fclose(h->rows);
	fclose(h->sections);
	ok = fclose(out) == 0 && ok;
	if (!ok)
		snprintf(err, errlen, "writing failed: the page is incomplete");
	free(h);
	return ok;
}
