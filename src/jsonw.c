/* Streaming JSON writer. Strings are escaped byte by byte; bytes that are
 * not valid UTF-8 are written as U+FFFD so every line stays valid JSON.
 * A connection's object has hundreds of fields: every stdio call counts, so
 * the writer keeps its own buffer (one fwrite per few kilobytes), a run of
 * bytes that needs no escape is copied at once, and numbers are formatted
 * without printf. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "tlsdiag/jsonw.h"
#include "tlsdiag/str.h"

static void plain_init(void);

void td_jw_init(struct td_jsonw *w, FILE *out)
{
	plain_init();
	w->out = out;
	w->depth = 0;
	memset(w->need_comma, 0, sizeof(w->need_comma));
	w->after_key = false;
	w->n = 0;
}

void td_jw_flush(struct td_jsonw *w)
{
	if (w->n)
		fwrite_unlocked(w->buf, 1, w->n, w->out);
	w->n = 0;
}

static void put(struct td_jsonw *w, const void *p, size_t n)
{
	if (w->n + n > sizeof(w->buf)) {
		td_jw_flush(w);
		if (n > sizeof(w->buf)) {
			fwrite_unlocked(p, 1, n, w->out);
			return;
		}
	}
	memcpy(w->buf + w->n, p, n);
	w->n += n;
}

static void putc1(struct td_jsonw *w, char c)
{
	if (w->n == sizeof(w->buf))
		td_jw_flush(w);
	w->buf[w->n++] = c;
}

static void puts0(struct td_jsonw *w, const char *s)
{
	put(w, s, strlen(s));
}

static void write_string(struct td_jsonw *w, const unsigned char *s, size_t n);

/* Before a value: a comma unless it is the first in its container or it
 * follows a key. */
static void before_value(struct td_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		putc1(w, ',');
	w->need_comma[w->depth] = true;
}

void td_jw_key(struct td_jsonw *w, const char *key)
{
	before_value(w);
	write_string(w, (const unsigned char *)key, strlen(key));
	putc1(w, ':');
	w->after_key = true;
}

void td_jw_key_quoted(struct td_jsonw *w, const char *quoted, size_t n)
{
	before_value(w);
	put(w, quoted, n);
	w->after_key = true;
}

static void open_container(struct td_jsonw *w, char c)
{
	before_value(w);
	putc1(w, c);
	if (w->depth + 1 < TD_JSONW_DEPTH)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_container(struct td_jsonw *w, char c)
{
	putc1(w, c);
	if (w->depth > 0)
		w->depth--;
	w->need_comma[w->depth] = true;
}

void td_jw_obj_open(struct td_jsonw *w) { open_container(w, '{'); }
void td_jw_obj_close(struct td_jsonw *w) { close_container(w, '}'); }
void td_jw_arr_open(struct td_jsonw *w) { open_container(w, '['); }
void td_jw_arr_close(struct td_jsonw *w) { close_container(w, ']'); }

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	/* RFC 3629: the second byte's range depends on the first, which rules
	 * out overlong forms, surrogates and values above U+10FFFF. */
	static const struct { unsigned char lo, hi, len, second_lo, second_hi; } forms[] = {
		{ 0xc2, 0xdf, 2, 0x80, 0xbf }, { 0xe0, 0xe0, 3, 0xa0, 0xbf },
		{ 0xe1, 0xec, 3, 0x80, 0xbf }, { 0xed, 0xed, 3, 0x80, 0x9f },
		{ 0xee, 0xef, 3, 0x80, 0xbf }, { 0xf0, 0xf0, 4, 0x90, 0xbf },
		{ 0xf1, 0xf3, 4, 0x80, 0xbf }, { 0xf4, 0xf4, 4, 0x80, 0x8f },
	};
	if (s[0] < 0x80)
		return 1;
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (s[0] < forms[f].lo || s[0] > forms[f].hi)
			continue;
		size_t len = forms[f].len;
		if (len > n || s[1] < forms[f].second_lo || s[1] > forms[f].second_hi)
			return 0;
		for (size_t i = 2; i < len; i++)
			if ((s[i] & 0xc0) != 0x80)
				return 0;
		return len;
	}
	return 0;
}

/* Printable ASCII but the quote and the backslash: written as it is. */
static bool plain_ascii[256];

static void plain_build(void)
{
	for (int c = 0x20; c < 0x80; c++) /* DEL is legal as it is */
		plain_ascii[c] = c != '"' && c != '\\';
}

/* Once, whichever thread writes JSON first. */
static void plain_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, plain_build);
}

/* Whether the 8 bytes at s are all plain ASCII, a word at a time (the bit
 * tricks of "Bit Twiddling Hacks": a byte below n, a zero byte). A false
 * "no" only sends the bytes to the byte loop, which decides. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HAS_LESS(x, n) (((x) - ONES * (n)) & ~(x) & HIGHS)
#define HAS_ZERO(x) HAS_LESS(x, 1)
static bool plain8(const unsigned char *s)
{
	uint64_t x;
	memcpy(&x, s, 8);
	return !(x & HIGHS) && !HAS_LESS(x, 0x20) && !HAS_ZERO(x ^ (ONES * '"')) && !HAS_ZERO(x ^ (ONES * '\\'));
}

/* The length of the run at s that is written as it is: plain ASCII and
 * valid UTF-8. */
static size_t plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i + 8 <= n && plain8(s + i))
		i += 8;
	while (i < n) {
		while (i < n && plain_ascii[s[i]])
			i++;
		if (i == n || s[i] < 0x80)
			break;
		size_t k = utf8_len(s + i, n - i);
		if (k == 0)
			break;
		i += k;
	}
	return i;
}

static void write_string(struct td_jsonw *w, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	putc1(w, '"');
	for (size_t i = 0; i < n;) {
		size_t run = plain_run(s + i, n - i);
		if (run) {
			put(w, s + i, run);
			i += run;
			continue;
		}
		unsigned char c = s[i++];
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			put(w, esc, 2);
		} else if (c < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
			put(w, esc, 6);
		} else {
			puts0(w, "\\ufffd"); /* not valid UTF-8 */
		}
	}
	putc1(w, '"');
}

void td_jw_strn(struct td_jsonw *w, const char *s, size_t n)
{
	before_value(w);
	write_string(w, (const unsigned char *)s, n);
}

void td_jw_str(struct td_jsonw *w, const char *s)
{
	if (!s) {
		td_jw_null(w);
		return;
	}
	td_jw_strn(w, s, strlen(s));
}

static void write_u64(struct td_jsonw *w, uint64_t v)
{
	char buf[24];
	put(w, buf, td_fmt_u64(buf, v));
}

void td_jw_u64(struct td_jsonw *w, uint64_t v)
{
	before_value(w);
	write_u64(w, v);
}

void td_jw_i64(struct td_jsonw *w, int64_t v)
{
	before_value(w);
	if (v < 0) {
		putc1(w, '-');
		write_u64(w, (uint64_t)0 - (uint64_t)v); /* INT64_MIN too */
	} else {
		write_u64(w, (uint64_t)v);
	}
}

void td_jw_double(struct td_jsonw *w, double v, int decimals)
{
	char buf[512];
	before_value(w);
	int k = td_fmt_fixed(buf, sizeof(buf), v, decimals);
	if (k > 0)
		put(w, buf, (size_t)k < sizeof(buf) ? (size_t)k : sizeof(buf) - 1);
}

void td_jw_bool(struct td_jsonw *w, bool v)
{
	before_value(w);
	puts0(w, v ? "true" : "false");
}

void td_jw_null(struct td_jsonw *w)
{
	before_value(w);
	puts0(w, "null");
}

void td_jw_newline(struct td_jsonw *w)
{
	putc1(w, '\n');
	td_jw_flush(w);
	w->depth = 0;
	w->need_comma[0] = false;
}
