/*
 * --html FILE: the whole run on one self-contained page (no fetches, no
 * external scripts or fonts; inline CSS, SVG and one small script for the
 * table): a summary (counts per category as a bar chart, the capture's time
 * span, the files), a table of every connection (sortable, filterable by
 * category), and per connection its SVG ladder, the diagnosis with evidence
 * and remedy, the findings and the certificate chains.
 *
 * The page is bounded: every failure is drawn until the sections reach
 * TD_HTML_MAX_SECTIONS bytes, the first TD_HTML_OK_DRAWN successes are
 * drawn and the rest are rows of the table only, and the table stops at
 * TD_HTML_MAX_ROWS; the page says what was left out.
 *
 * Every text that comes from the capture goes through td_html_text: a
 * hostile capture cannot put markup or script into the page.
 */
#ifndef TLSDIAG_REPORT_HTML_H
#define TLSDIAG_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/facts.h"
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/report.h"

#define TD_HTML_MAX_ROWS 20000
#define TD_HTML_MAX_SECTIONS (16u << 20)
#define TD_HTML_OK_DRAWN 20

struct td_html;
struct td_ladder;

/* Create FILE at once (so a bad path fails before any input is read); NULL
 * with the reason in err. The inputs are named on the page. */
TD_MUST_USE struct td_html *td_html_open(const char *path, const char *const *inputs, size_t n_inputs,
					 char *err, size_t errlen);
/* One finished connection: its row, and its section when it is drawn. */
void td_html_flow(struct td_html *h, const struct td_facts *f, const struct td_diagnosis *d);
/* Write the page and free h; false with the reason in err when writing failed. */
TD_MUST_USE bool td_html_close(struct td_html *h, const struct td_run_summary *s, char *err, size_t errlen);

/* Text for element content and quoted attributes alike: & < > " ' escaped,
 * anything but printable ASCII written as '?'. */
void td_html_text(FILE *out, const char *s);
TD_PRINTF(2, 3) void td_html_textf(FILE *out, const char *fmt, ...);

/* src/report_html_svg.c: the ladder as an inline <svg>. */
void td_html_svg_ladder(FILE *out, const struct td_ladder *l, bool failed);
/* src/report_html_conn.c: one connection's <section>. */
void td_html_section(FILE *out, const struct td_facts *f, const struct td_diagnosis *d,
		     const struct td_ladder *l);

#endif
