/*
 * HTML escaping, the one way text reaches the page (include/tlsdiag/
 * report_html.h). The same escape serves element content and attribute
 * values in double or single quotes; bytes outside printable ASCII become
 * '?', so the page is valid UTF-8 whatever the capture holds.
 */
#include <stdarg.h>
#include <stdio.h>
#include "tlsdiag/report_html.h"

void td_html_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(c >= 0x20 && c < 0x7f ? c : '?', out); break;
		}
	}
}

void td_html_textf(FILE *out, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	td_html_text(out, buf);
}
