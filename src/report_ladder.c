/*
 * The terminal ladder (include/tlsdiag/report_ladder.h). Columns, fixed so
 * that every line fits TD_LADDER_WIDTH:
 *
 *   0      the decisive step's marker
 *   2-7    frame number      9-18  time since the connection's first frame
 *   21     the client's lifeline            78  the server's lifeline
 *
 * The label sits on the arrow next to its sender, the detail under it on
 * the sender's side, so the direction reads even without the arrowheads.
 * Step texts are printable ASCII (report_steps.c makes them so): one byte
 * is one column; only the glyphs are multi-byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tlsdiag/report_ladder.h"
#include "tlsdiag/report_steps.h"

#define LEFT 21                   /* the client's lifeline */
#define RIGHT 78                  /* the server's lifeline */
#define SHAFT (RIGHT - LEFT - 2)  /* an arrow between them, its head excluded */
#define INDENT 3                  /* detail text from its lifeline */

struct glyphs {
	const char *life, *tee_c, *tee_s, *line, *heavy, *head_r, *head_l, *dots, *mark;
};

static const struct glyphs unicode = {
	.life = "\u2502", .tee_c = "\u251c", .tee_s = "\u2524", .line = "\u2500", .heavy = "\u2501",
	.head_r = "\u25b6", .head_l = "\u25c0", .dots = "\u2508", .mark = "\u00bb",
};
static const struct glyphs ascii = {
	.life = "|", .tee_c = "|", .tee_s = "|", .line = "-", .heavy = "=",
	.head_r = ">", .head_l = "<", .dots = ".", .mark = ">",
};

/* One output line; cols counts columns (UTF-8 lead bytes), not bytes. */
struct row {
	char b[1024];
	size_t len;
	int cols;
};

static void emit(struct row *r, const char *s)
{
	for (; *s && r->len + 1 < sizeof(r->b); s++) {
		r->b[r->len++] = *s;
		if (((unsigned char)*s & 0xc0) != 0x80)
			r->cols++;
	}
	r->b[r->len] = '\0';
}

static void repeat(struct row *r, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		emit(r, s);
}

static void pad_to(struct row *r, int col)
{
	repeat(r, " ", col - r->cols);
}

/* At most max columns of text; a longer one ends in "...". */
static void text(struct row *r, const char *s, int max)
{
	char buf[256];
	size_t n = strlen(s);
	if (max <= 0)
		return;
	if (n > (size_t)max && max > 3)
		snprintf(buf, sizeof(buf), "%.*s...", max - 3, s);
	else
		snprintf(buf, sizeof(buf), "%.*s", max, s);
	emit(r, buf);
}

static int text_len(const char *s, int max)
{
	int n = (int)strlen(s);
	return n < max ? n : max;
}

struct pen {
	FILE *out;
	const struct glyphs *g;
	bool color;
	const char *on;   /* the decisive step's colour */
};

static void flush_row(const struct pen *p, struct row *r, bool hot)
{
	if (hot && p->color)
		fprintf(p->out, "%s%s\033[0m\n", p->on, r->b);
	else
		fprintf(p->out, "%s\n", r->b);
	r->len = 0;
	r->cols = 0;
	r->b[0] = '\0';
}

static void gutter(struct row *r, const struct pen *p, const struct td_step *s)
{
	char buf[40];
	emit(r, s->decisive ? p->g->mark : " ");
	if (s->frame)
		snprintf(buf, sizeof(buf), " %6llu ", (unsigned long long)s->frame);
	else
		snprintf(buf, sizeof(buf), " %6s ", "-");
	emit(r, buf);
	snprintf(buf, sizeof(buf), s->t < 1000 ? "%10.6f" : s->t < 1e6 ? "%10.3f" : "%10.0f", s->t);
	emit(r, buf);
	pad_to(r, LEFT);
}

/* ├─ label ───────▶│  or  │◀─────── label ─┤ */
static void arrow(struct row *r, const struct pen *p, const struct td_step *s)
{
	const char *h = s->decisive ? p->g->heavy : p->g->line;
	int n = text_len(s->label, SHAFT - 4);
	if (s->dir == TD_DIR_C2S) {
		emit(r, p->g->tee_c);
		emit(r, h);
		emit(r, " ");
		text(r, s->label, SHAFT - 4);
		emit(r, " ");
		repeat(r, h, SHAFT - 3 - n);
		emit(r, p->g->head_r);
		emit(r, p->g->life);
		return;
	}
	emit(r, p->g->life);
	emit(r, p->g->head_l);
	repeat(r, h, SHAFT - 3 - n);
	emit(r, " ");
	text(r, s->label, SHAFT - 4);
	emit(r, " ");
	emit(r, h);
	emit(r, p->g->tee_s);
}

/* A step without a sender: a dotted line across, its text in the middle. */
static void across(struct row *r, const struct pen *p, const struct td_step *s)
{
	char buf[200];
	snprintf(buf, sizeof(buf), "%s%s%s", s->label, s->detail[0][0] ? ": " : "", s->detail[0]);
	int n = text_len(buf, SHAFT - 4), dots = SHAFT - 1 - n, before = dots / 2;
	emit(r, p->g->life);
	repeat(r, p->g->dots, before);
	emit(r, " ");
	text(r, buf, SHAFT - 4);
	emit(r, " ");
	repeat(r, p->g->dots, dots - before);
	emit(r, p->g->life);
}

static void detail(struct row *r, const struct pen *p, const struct td_step *s, const char *d)
{
	int inner = RIGHT - LEFT - 1, max = inner - INDENT - 1, n = text_len(d, max);
	pad_to(r, LEFT);
	emit(r, p->g->life);
	int before = s->dir == TD_DIR_S2C ? inner - INDENT - n : INDENT;
	repeat(r, " ", before);
	text(r, d, max);
	pad_to(r, RIGHT);
	emit(r, p->g->life);
}

static void lifelines(struct row *r, const struct pen *p)
{
	pad_to(r, LEFT);
	emit(r, p->g->life);
	pad_to(r, RIGHT);
	emit(r, p->g->life);
}

static void step(const struct pen *p, const struct td_step *s)
{
	static struct row r;
	gutter(&r, p, s);
	if (s->dir == TD_STEP_NODIR)
		across(&r, p, s);
	else
		arrow(&r, p, s);
	flush_row(p, &r, s->decisive);
	for (int i = 0; i < 2 && s->dir != TD_STEP_NODIR; i++) {
		if (!s->detail[i][0])
			continue;
		detail(&r, p, s, s->detail[i]);
		flush_row(p, &r, s->decisive);
	}
}

static void head(const struct pen *p, const struct td_facts *f, const struct td_ladder *l)
{
	static struct row r;
	char buf[200];
	snprintf(buf, sizeof(buf), "  ladder #%u: client %s (left), server %s (right)", f->id, l->client, l->server);
	text(&r, buf, TD_LADDER_WIDTH);
	flush_row(p, &r, false);
	emit(&r, "   frame       time");
	pad_to(&r, LEFT);
	emit(&r, "client");
	pad_to(&r, RIGHT + 1 - 6);
	emit(&r, "server");
	flush_row(p, &r, false);
	lifelines(&r, p);
	flush_row(p, &r, false);
}

/* What the marker means, in words: the step and the verdict it decided. */
static void legend(const struct pen *p, const struct td_diagnosis *d, const struct td_ladder *l)
{
	static struct row r;
	char buf[240];
	lifelines(&r, p);
	flush_row(p, &r, false);
	if (l->decisive >= l->n)
		return;
	const struct td_step *s = &l->s[l->decisive];
	char where[32] = "";
	if (s->frame)
		snprintf(where, sizeof(where), "frame %llu, ", (unsigned long long)s->frame);
	snprintf(buf, sizeof(buf), "decisive step: %s%s (%s)", where, s->label, d->category);
	emit(&r, "  ");
	emit(&r, p->g->mark);
	emit(&r, " ");
	text(&r, buf, TD_LADDER_WIDTH - r.cols);
	flush_row(p, &r, true);
}

bool td_ladder_use_color(enum td_color when)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	if (when != TD_COLOR_AUTO)
		return when == TD_COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !(no && no[0]) && !(term && !strcmp(term, "dumb"));
}

void td_report_ladder(FILE *out, const struct td_facts *f, const struct td_diagnosis *d,
		      const struct td_ladder_style *st)
{
	static struct td_ladder l; /* ~30 KiB: off the stack */
	td_ladder_build(f, d, &l);
	struct pen p = { .out = out, .g = st->ascii ? &ascii : &unicode, .color = st->color,
			 .on = td_diagnosis_ok(d) ? "\033[1;32m" : "\033[1;31m" };
	head(&p, f, &l);
	for (size_t i = 0; i < l.n; i++)
		step(&p, &l.s[i]);
	legend(&p, d, &l);
	fputc('\n', out);
}
