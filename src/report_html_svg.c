/*
 * The ladder of one connection as inline SVG, from the same steps as the
 * terminal ladder (src/report_steps.c). Styled by the page's CSS (classes
 * only, no inline fonts); every text goes through td_html_text. A detail
 * too long for the span is cut on the picture and whole in its tooltip.
 */
#include <stdio.h>
#include <string.h>
#include "tlsdiag/report_html.h"
#include "tlsdiag/report_steps.h"

#define W 900          /* the picture's width */
#define CX 210         /* the client's lifeline */
#define SX 870         /* the server's lifeline */
#define TOP 44         /* below the two heads */
#define LINE 14        /* a detail line */
#define DETAIL_MAX 86  /* characters of a detail drawn (monospace, 11px) */

static int step_height(const struct td_step *s)
{
	int h = 30;
	for (int i = 0; i < 2; i++)
		h += s->detail[i][0] && s->dir != TD_STEP_NODIR ? LINE : 0;
	return h;
}

static void text_at(FILE *out, int x, int y, const char *anchor, const char *cls, const char *s, size_t max)
{
	char buf[200];
	if (strlen(s) > max)
		snprintf(buf, sizeof(buf), "%.*s...", (int)max - 3, s);
	else
		snprintf(buf, sizeof(buf), "%s", s);
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor, cls);
	td_html_text(out, buf);
	fputs("</text>", out);
}

static void heads(FILE *out, const struct td_ladder *l)
{
	text_at(out, CX, 16, "start", "who", "client", 20);
	text_at(out, CX, 31, "start", "addr", l->client, 60);
	text_at(out, SX, 16, "end", "who", "server", 20);
	text_at(out, SX, 31, "end", "addr", l->server, 60);
	fputs("<text x=\"8\" y=\"31\" class=\"addr\">frame</text>"
	      "<text x=\"160\" y=\"31\" text-anchor=\"end\" class=\"addr\">time (s)</text>", out);
}

static void tooltip(FILE *out, const struct td_step *s)
{
	fputs("<title>", out);
	if (s->frame)
		td_html_textf(out, "frame %llu, +%.6f s: ", (unsigned long long)s->frame, s->t);
	td_html_text(out, s->label);
	for (int i = 0; i < 2; i++)
		if (s->detail[i][0])
			td_html_textf(out, "; %s", s->detail[i]);
	fputs("</title>", out);
}

static void arrow(FILE *out, const struct td_step *s, int y)
{
	bool c2s = s->dir == TD_DIR_C2S;
	int from = c2s ? CX : SX, to = c2s ? SX - 9 : CX + 9, tip = c2s ? SX : CX, back = c2s ? SX - 10 : CX + 10;
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"a\"/>", from, y, to, y);
	fprintf(out, "<polygon points=\"%d,%d %d,%d %d,%d\" class=\"h\"/>", tip, y, back, y - 5, back, y + 5);
	int x = c2s ? CX + 10 : SX - 10;
	const char *anchor = c2s ? "start" : "end";
	text_at(out, x, y - 6, anchor, "l", s->label, 80);
	for (int i = 0, dy = LINE; i < 2; i++) {
		if (!s->detail[i][0])
			continue;
		text_at(out, x, y + dy, anchor, "d", s->detail[i], DETAIL_MAX);
		dy += LINE;
	}
}

static void across(FILE *out, const struct td_step *s, int y)
{
	char buf[200];
	snprintf(buf, sizeof(buf), "%s%s%s", s->label, s->detail[0][0] ? ": " : "", s->detail[0]);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"a end\"/>", CX, y, SX, y);
	text_at(out, (CX + SX) / 2, y - 6, "middle", "l", buf, 90);
}

static void step(FILE *out, const struct td_step *s, int y0, bool failed)
{
	char t[32];
	int h = step_height(s), y = y0 + 20;
	fprintf(out, "<g class=\"st%s%s\">", s->decisive ? (failed ? " hot" : " good") : "", s->evidence ? " ev" : "");
	tooltip(out, s);
	if (s->decisive)
		fprintf(out, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"hl\"/>"
			     "<text x=\"182\" y=\"%d\" text-anchor=\"middle\" class=\"mk\">&#187;</text>",
			y0, W, h - 2, y + 4);
	if (s->frame) {
		snprintf(t, sizeof(t), "%llu", (unsigned long long)s->frame);
		text_at(out, 8, y + 4, "start", "g", t, 20);
	}
	snprintf(t, sizeof(t), "%.6f", s->t);
	text_at(out, 160, y + 4, "end", "g", t, 20);
	if (s->dir == TD_STEP_NODIR)
		across(out, s, y);
	else
		arrow(out, s, y);
	fputs("</g>\n", out);
}

void td_html_svg_ladder(FILE *out, const struct td_ladder *l, bool failed)
{
	int height = TOP + 16;
	for (size_t i = 0; i < l->n; i++)
		height += step_height(&l->s[i]);
	fprintf(out, "<svg class=\"lad\" width=\"%d\" height=\"%d\" "
		     "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"ladder diagram\">\n", W, height, W, height);
	heads(out, l);
	int y = TOP;
	for (size_t i = 0; i < l->n; i++) {
		step(out, &l->s[i], y, failed);
		y += step_height(&l->s[i]);
	}
	/* Last, so that the decisive step's highlight does not cut them. */
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"life\"/>"
		     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"life\"/>\n",
		CX, TOP - 6, CX, height - 4, SX, TOP - 6, SX, height - 4);
	fputs("</svg>\n", out);
}
