/* Unit tests for src/jsonw.c: the exact text of nested containers and
 * JSON Lines, and string escaping of any bytes (quotes, backslash, control
 * characters, invalid UTF-8 as U+FFFD, valid UTF-8 kept). */
#include "tlsdiag/jsonw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdiag/attr.h"
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/report.h"
#include "tlsdiag/x509.h"
#include "tap.h"

/* A writer into memory. */
struct out {
	char *text;
	size_t len;
	FILE *f;
	struct td_jsonw w;
};

static void out_open(struct out *o)
{
	o->text = NULL;
	o->len = 0;
	o->f = open_memstream(&o->text, &o->len);
	if (!o->f)
		exit(99);
	td_jw_init(&o->w, o->f);
}

static const char *out_text(struct out *o)
{
	td_jw_flush(&o->w);
	fflush(o->f);
	return o->text;
}

static void out_close(struct out *o)
{
	fclose(o->f);
	free(o->text);
}

/* --- Structure ------------------------------------------------------------ */

static void test_nested_containers(void)
{
	struct out o;
	out_open(&o);
	td_jw_obj_open(&o.w);
	td_jw_key(&o.w, "a");
	td_jw_u64(&o.w, 1);
	td_jw_key(&o.w, "b");
	td_jw_arr_open(&o.w);
	td_jw_bool(&o.w, true);
	td_jw_bool(&o.w, false);
	td_jw_null(&o.w);
	td_jw_obj_open(&o.w);
	td_jw_key(&o.w, "c");
	td_jw_str(&o.w, "d");
	td_jw_key(&o.w, "e");
	td_jw_arr_open(&o.w);
	td_jw_arr_close(&o.w);
	td_jw_obj_close(&o.w);
	td_jw_arr_open(&o.w);
	td_jw_arr_open(&o.w);
	td_jw_u64(&o.w, 2);
	td_jw_arr_close(&o.w);
	td_jw_u64(&o.w, 3);
	td_jw_arr_close(&o.w);
	td_jw_arr_close(&o.w);
	td_jw_key(&o.w, "f");
	td_jw_obj_open(&o.w);
	td_jw_obj_close(&o.w);
	td_jw_key(&o.w, "g");
	td_jw_str(&o.w, "h");
	td_jw_obj_close(&o.w);
	is_str(out_text(&o), "{\"a\":1,\"b\":[true,false,null,{\"c\":\"d\",\"e\":[]},[[2],3]],\"f\":{},\"g\":\"h\"}",
	       "nested objects and arrays: exact text, commas only between values");
	out_close(&o);
}

static void test_json_lines(void)
{
	struct out o;
	out_open(&o);
	for (unsigned i = 1; i <= 3; i++) {
		td_jw_obj_open(&o.w);
		td_jw_key(&o.w, "id");
		td_jw_u64(&o.w, i);
		td_jw_key(&o.w, "tags");
		td_jw_arr_open(&o.w);
		td_jw_str(&o.w, "x");
		td_jw_str(&o.w, "y");
		td_jw_arr_close(&o.w);
		td_jw_obj_close(&o.w);
		td_jw_newline(&o.w);
	}
	is_str(out_text(&o),
	       "{\"id\":1,\"tags\":[\"x\",\"y\"]}\n"
	       "{\"id\":2,\"tags\":[\"x\",\"y\"]}\n"
	       "{\"id\":3,\"tags\":[\"x\",\"y\"]}\n",
	       "JSON Lines: each object on its line, no comma between lines");
	out_close(&o);
}

static void test_top_level_array(void)
{
	struct out o;
	out_open(&o);
	td_jw_arr_open(&o.w);
	for (unsigned i = 0; i < 3; i++) {
		td_jw_obj_open(&o.w);
		td_jw_key(&o.w, "n");
		td_jw_u64(&o.w, i);
		td_jw_obj_close(&o.w);
	}
	td_jw_arr_close(&o.w);
	is_str(out_text(&o), "[{\"n\":0},{\"n\":1},{\"n\":2}]", "array of objects");
	out_close(&o);
}

/* As deep as the writer tracks: TD_JSONW_DEPTH - 1 containers. */
static void test_max_depth(void)
{
	char want[128] = "";
	struct out o;
	out_open(&o);
	for (int i = 0; i < TD_JSONW_DEPTH - 1; i++) {
		td_jw_arr_open(&o.w);
		strcat(want, "[");
	}
	td_jw_u64(&o.w, 1);
	td_jw_u64(&o.w, 2);
	strcat(want, "1,2");
	for (int i = 0; i < TD_JSONW_DEPTH - 1; i++) {
		td_jw_arr_close(&o.w);
		strcat(want, "]");
		if (i < TD_JSONW_DEPTH - 2) {
			td_jw_u64(&o.w, 9);
			strcat(want, ",9");
		}
	}
	is_str(out_text(&o), want, "%d nested arrays with values at each level: exact text", TD_JSONW_DEPTH - 1);
	out_close(&o);

	/* Deeper than tracked: bounded (ASan watches need_comma), brackets balanced. */
	out_open(&o);
	for (int i = 0; i < 3 * TD_JSONW_DEPTH; i++)
		td_jw_arr_open(&o.w);
	for (int i = 0; i < 3 * TD_JSONW_DEPTH; i++)
		td_jw_arr_close(&o.w);
	td_jw_newline(&o.w);
	const char *t = out_text(&o);
	ok(strspn(t, "[") == 3 * TD_JSONW_DEPTH && strspn(t + 3 * TD_JSONW_DEPTH, "]") == 3 * TD_JSONW_DEPTH,
	   "%d nested empty arrays: written without overrunning the depth table", 3 * TD_JSONW_DEPTH);
	out_close(&o);
}

/* --- Values --------------------------------------------------------------- */

static void test_numbers(void)
{
	struct out o;
	out_open(&o);
	td_jw_arr_open(&o.w);
	td_jw_u64(&o.w, 0);
	td_jw_u64(&o.w, UINT64_MAX);
	td_jw_u64(&o.w, 4294967296u);
	td_jw_double(&o.w, 1.5, 3);
	td_jw_double(&o.w, 1700000000.123456, 6);
	td_jw_double(&o.w, 2.0, 0);
	td_jw_arr_close(&o.w);
	is_str(out_text(&o), "[0,18446744073709551615,4294967296,1.500,1700000000.123456,2]",
	       "numbers: 0, u64 max, 2^32, doubles with fixed decimals");
	out_close(&o);
}

static void test_negative_numbers(void)
{
	struct out o;
	out_open(&o);
	td_jw_arr_open(&o.w);
	td_jw_i64(&o.w, -1591030);
	td_jw_i64(&o.w, INT64_MIN);
	td_jw_i64(&o.w, INT64_MAX);
	td_jw_i64(&o.w, 0);
	td_jw_arr_close(&o.w);
	is_str(out_text(&o), "[-1591030,-9223372036854775808,9223372036854775807,0]",
	       "signed integers: negative, i64 min and max, 0");
	out_close(&o);
}

/* The report writes whole numbers exactly, negative ones too: days left of
 * an expired certificate, minutes until a future notBefore, a packet time
 * before 1970 (regress/fuzz_pcap/negative-timestamp-json.pcap). Converting
 * a negative double to uint64_t first was undefined behaviour. */
static void test_report_negative_numbers(void)
{
	struct td_facts *f = td_facts_new();
	struct td_x509_facts *xf = calloc(1, sizeof(*xf));
	struct td_cert_info *ci = calloc(1, sizeof(*ci));
	struct td_diagnosis d;
	if (!f || !xf || !ci)
		exit(99);
	f->tcp.first_ts = -256.0;
	f->tcp.last_ts = -255.5;
	ci->parsed = true;
	ci->days_left = -1591030;
	ci->minutes_since_issue = INT32_MIN;
	xf->server.seen = true;
	xf->server.n = 1;
	xf->server.certs = ci;
	f->x509 = xf;
	memset(&d, 0, sizeof(d));
	d.category = "ok";
	d.confidence = "high";
	struct out o;
	out_open(&o);
	td_report_json_flow(o.f, f, &d);
	const char *t = out_text(&o);
	ok(strstr(t, "\"first_time\":-256,") != NULL, "report: a whole negative time exactly: -256");
	ok(strstr(t, "\"last_time\":-255.500000,") != NULL, "report: a negative time with decimals: -255.500000");
	ok(strstr(t, "\"days_left\":-1591030,") != NULL && !strstr(t, "-1591030.0"),
	   "report: negative days left exactly: -1591030");
	ok(strstr(t, "\"minutes_since_issue\":-2147483648}") != NULL,
	   "report: INT32_MIN minutes exactly: -2147483648");
	out_close(&o);
	td_facts_free(f);
}

static void test_bool_null(void)
{
	struct out o;
	out_open(&o);
	td_jw_obj_open(&o.w);
	td_jw_key(&o.w, "t");
	td_jw_bool(&o.w, true);
	td_jw_key(&o.w, "f");
	td_jw_bool(&o.w, false);
	td_jw_key(&o.w, "n");
	td_jw_null(&o.w);
	td_jw_key(&o.w, "s");
	td_jw_str(&o.w, NULL);
	td_jw_obj_close(&o.w);
	is_str(out_text(&o), "{\"t\":true,\"f\":false,\"n\":null,\"s\":null}",
	       "true, false, null; a NULL string is null");
	out_close(&o);
}

/* --- Strings -------------------------------------------------------------- */

struct str_case {
	const char *what;
	const char *in;
	size_t len;
	const char *want; /* the JSON text, quotes included */
};

#define S(lit) lit, sizeof(lit) - 1

static const struct str_case str_cases[] = {
	{ "plain ASCII", S("hello world"), "\"hello world\"" },
	{ "empty", S(""), "\"\"" },
	{ "double quotes", S("say \"hi\""), "\"say \\\"hi\\\"\"" },
	{ "backslash", S("C:\\tmp"), "\"C:\\\\tmp\"" },
	{ "U+0001", S("a\x01z"), "\"a\\u0001z\"" },
	{ "newline, CR, tab", S("a\nb\rc\td"), "\"a\\u000ab\\u000dc\\u0009d\"" },
	{ "U+001F", S("\x1f"), "\"\\u001f\"" },
	{ "NUL inside the length", S("a\0b"), "\"a\\u0000b\"" },
	{ "DEL is legal as is", S("\x7f"), "\"\x7f\"" },
	{ "slash kept", S("a/b"), "\"a/b\"" },
	{ "2-byte UTF-8 kept", S("caf\xc3\xa9"), "\"caf\xc3\xa9\"" },
	{ "3-byte UTF-8 kept", S("\xe2\x82\xac 5"), "\"\xe2\x82\xac 5\"" },
	{ "4-byte UTF-8 kept", S("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"" },
	{ "U+FFFF kept", S("\xef\xbf\xbf"), "\"\xef\xbf\xbf\"" },
	{ "U+10FFFF kept", S("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"" },
	{ "0xff", S("a\xff" "b"), "\"a\\ufffdb\"" },
	{ "lone continuation byte", S("\x80"), "\"\\ufffd\"" },
	{ "2-byte lead at the end", S("ab\xc3"), "\"ab\\ufffd\"" },
	{ "2-byte lead before ASCII", S("\xc3(x"), "\"\\ufffd(x\"" },
	{ "3-byte sequence cut", S("\xe2\x82"), "\"\\ufffd\\ufffd\"" },
	{ "4-byte sequence cut before a quote", S("\xf0\x9f\x98\""), "\"\\ufffd\\ufffd\\ufffd\\\"\"" },
	{ "overlong 2-byte C0 80", S("\xc0\x80"), "\"\\ufffd\\ufffd\"" },
	{ "C1 lead", S("\xc1\xbf"), "\"\\ufffd\\ufffd\"" },
	{ "F5 lead (beyond Unicode)", S("\xf5\x80\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "TLS bytes", S("\x16\x03\x01\x00\xff"), "\"\\u0016\\u0003\\u0001\\u0000\\ufffd\"" },
};

/* Byte sequences RFC 3629 forbids although their shape looks right. */
static const struct str_case strict_cases[] = {
	{ "overlong 3-byte E0 80 80", S("\xe0\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "surrogate ED A0 80 (U+D800)", S("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "overlong 4-byte F0 80 80 80", S("\xf0\x80\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "F4 90 80 80 (above U+10FFFF)", S("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
};

static void check_string(const struct str_case *c)
{
	struct out o;
	/* An exact-size heap copy: ASan catches a look-ahead past the end. */
	char *in = malloc(c->len ? c->len : 1);
	if (!in)
		exit(99);
	memcpy(in, c->in, c->len);
	out_open(&o);
	td_jw_strn(&o.w, in, c->len);
	is_str(out_text(&o), c->want, "string, %s", c->what);
	out_close(&o);
	free(in);
}

static void test_strings(void)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(str_cases); i++)
		check_string(&str_cases[i]);
}

static void test_strings_strict_utf8(void)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(strict_cases); i++)
		check_string(&strict_cases[i]);
}

static void test_key_escaped(void)
{
	struct out o;
	out_open(&o);
	td_jw_obj_open(&o.w);
	td_jw_key(&o.w, "we\"ird\\key\x01");
	td_jw_u64(&o.w, 1);
	td_jw_obj_close(&o.w);
	is_str(out_text(&o), "{\"we\\\"ird\\\\key\\u0001\":1}", "keys are escaped like strings");
	out_close(&o);
}

/* What the writer makes of n bytes at in, quotes included, into buf. */
static void string_text(const char *in, size_t n, char *buf, size_t len)
{
	struct out o;
	out_open(&o);
	td_jw_strn(&o.w, in, n);
	snprintf(buf, len, "%s", out_text(&o));
	out_close(&o);
}

/* Every byte value alone: the output is a quoted string with no raw control
 * byte and no raw byte >= 0x80. */
static void test_every_single_byte(void)
{
	size_t bad = 0;
	for (int b = 0; b < 256; b++) {
		char in = (char)b, t[32];
		string_text(&in, 1, t, sizeof(t));
		size_t n = strlen(t);
		bool good = n >= 3 && t[0] == '"' && t[n - 1] == '"';
		for (size_t i = 0; i < n; i++)
			good &= (unsigned char)t[i] >= 0x20 && (unsigned char)t[i] < 0x80;
		if (!good && bad++ < 5)
			diag("  byte 0x%02x gave %s", b, t);
	}
	ok(bad == 0, "each of the 256 byte values alone gives a quoted ASCII string");
}

/* Each byte value at each place of a 24-byte run of plain letters: the
 * writer takes plain ASCII 8 bytes at a time, so a byte that needs escaping
 * must be caught in any lane of any word, and in the bytes after the last
 * whole word. The run is an exact-size heap copy (no look-ahead). */
static void test_byte_in_every_lane(void)
{
	static const char run[] = "aaaaaaaaaaaaaaaaaaaaaaaa";
	size_t bad = 0;
	for (int b = 0; b < 256; b++) {
		char in1 = (char)b, alone[32];
		string_text(&in1, 1, alone, sizeof(alone)); /* "<escape>" */
		for (size_t at = 0; at < 24; at++) {
			char *in = malloc(24), want[64], t[64];
			if (!in)
				exit(99);
			memset(in, 'a', 24);
			in[at] = (char)b;
			snprintf(want, sizeof(want), "\"%.*s%.*s%.*s\"", (int)at, run, (int)(strlen(alone) - 2),
				 alone + 1, (int)(23 - at), run);
			string_text(in, 24, t, sizeof(t));
			if (strcmp(t, want) != 0 && bad++ < 5)
				diag("  byte 0x%02x at %zu gave %s, want %s", b, at, t, want);
			free(in);
		}
	}
	ok(bad == 0, "each byte value at each of 24 places of a plain run is escaped as when alone");
}

static void test_key_quoted(void)
{
	struct out o;
	out_open(&o);
	td_jw_obj_open(&o.w);
	td_jw_key_quoted(&o.w, "\"a\":", 4);
	td_jw_u64(&o.w, 1);
	td_jw_key_quoted(&o.w, "\"b\":", 4);
	td_jw_obj_open(&o.w);
	td_jw_obj_close(&o.w);
	td_jw_obj_close(&o.w);
	is_str(out_text(&o), "{\"a\":1,\"b\":{}}", "a pre-quoted key is written as given, commas as for any key");
	out_close(&o);
}

int main(void)
{
	test_nested_containers();
	test_json_lines();
	test_top_level_array();
	test_max_depth();
	test_numbers();
	test_negative_numbers();
	test_report_negative_numbers();
	test_bool_null();
	test_strings();
	test_strings_strict_utf8();
	test_key_escaped();
	test_every_single_byte();
	test_byte_in_every_lane();
	test_key_quoted();
	return done_testing();
}
