/* A streaming JSON writer to a FILE: correct escaping of any bytes
 * (control characters, invalid UTF-8 becomes U+FFFD), commas handled. */
#ifndef TLSDIAG_JSONW_H
#define TLSDIAG_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TD_JSONW_DEPTH 16

#define TD_JSONW_BUF 8192

struct td_jsonw {
	FILE *out;
	int depth;
	bool need_comma[TD_JSONW_DEPTH];
	bool after_key;
	/* Bytes not yet given to out: written when full, at td_jw_newline and
	 * at td_jw_flush (a record's hundreds of small writes become a few). */
	size_t n;
	char buf[TD_JSONW_BUF];
};

void td_jw_init(struct td_jsonw *w, FILE *out);
void td_jw_key(struct td_jsonw *w, const char *key);
/* A key already written as JSON with its colon ("name":, n bytes), for
 * keys known before the run: no escaping, no strlen. */
void td_jw_key_quoted(struct td_jsonw *w, const char *quoted, size_t n);
void td_jw_obj_open(struct td_jsonw *w);
void td_jw_obj_close(struct td_jsonw *w);
void td_jw_arr_open(struct td_jsonw *w);
void td_jw_arr_close(struct td_jsonw *w);
void td_jw_str(struct td_jsonw *w, const char *s);
void td_jw_strn(struct td_jsonw *w, const char *s, size_t n);
void td_jw_u64(struct td_jsonw *w, uint64_t v);
void td_jw_i64(struct td_jsonw *w, int64_t v);
void td_jw_double(struct td_jsonw *w, double v, int decimals);
void td_jw_bool(struct td_jsonw *w, bool v);
void td_jw_null(struct td_jsonw *w);
/* End of one JSON Lines object; what was written reaches out. */
void td_jw_newline(struct td_jsonw *w);
/* What was written reaches out (without ending the line). */
void td_jw_flush(struct td_jsonw *w);

#endif
