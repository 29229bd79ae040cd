/*
 * --ladder: under each connection's text block, its ladder (sequence)
 * diagram in 80 columns: client on the left, server on the right, one arrow
 * per step of include/tlsdiag/report_steps.h with its frame and time, the
 * decisive step drawn heavy, marked in the margin and, on a terminal, in
 * colour. Unicode box characters, or ASCII with --ascii.
 */
#ifndef TLSDIAG_REPORT_LADDER_H
#define TLSDIAG_REPORT_LADDER_H

#include <stdbool.h>
#include <stdio.h>
#include "tlsdiag/facts.h"
#include "tlsdiag/diagnosis.h"

enum td_color { TD_COLOR_AUTO = 0, TD_COLOR_ALWAYS, TD_COLOR_NEVER };

#define TD_LADDER_WIDTH 79 /* columns every line fits in */

struct td_ladder_style {
	bool ascii;  /* --ascii: | - > < instead of box characters */
	bool color;  /* ANSI colour on the decisive step */
};

/* auto: colour when stdout is a terminal and NO_COLOR is not set. */
bool td_ladder_use_color(enum td_color when);
void td_report_ladder(FILE *out, const struct td_facts *f, const struct td_diagnosis *d,
		      const struct td_ladder_style *st);

#endif
