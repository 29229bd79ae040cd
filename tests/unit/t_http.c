/* Unit tests for src/http.c: the bounded head accumulator (any split gives
 * the same head), request/response parsing, and td_first_line's escaping and
 * truncation. */
#include "tlsdiag/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdiag/attr.h"
#include "tap.h"

static const char connect_head[] =
	"CONNECT da.contoso.test:443 HTTP/1.1\r\n"
	"Host: da.contoso.test:443\r\n"
	"User-Agent: curl/8.5.0\r\n"
	"Content-Length: 0\r\n"
	"\r\n";
static const char after_head[] = "\x16\x03\x01\x02\x00"; /* the tunnel's first bytes */

/* The head followed by a few bytes of what comes after it. */
struct msg {
	uint8_t buf[256];
	size_t len, head_len;
};

static struct msg connect_msg(void)
{
	struct msg m;
	m.head_len = strlen(connect_head);
	memcpy(m.buf, connect_head, m.head_len);
	memcpy(m.buf + m.head_len, after_head, sizeof(after_head) - 1);
	m.len = m.head_len + sizeof(after_head) - 1;
	return m;
}

/* Feed from an exact-size heap copy, so ASan sees any read past len. */
static size_t feed(struct td_http_acc *a, const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		exit(99);
	if (len)
		memcpy(copy, data, len);
	size_t taken = td_http_acc_feed(a, copy, len);
	free(copy);
	return taken;
}

static bool req_same(const struct td_http_req *x, const struct td_http_req *y)
{
	return x->seen == y->seen && strcmp(x->method, y->method) == 0 && strcmp(x->uri, y->uri) == 0 &&
	       strcmp(x->host, y->host) == 0 && strcmp(x->user_agent, y->user_agent) == 0 &&
	       strcmp(x->content_length, y->content_length) == 0;
}

/* --- The accumulator ----------------------------------------------------- */

static void test_acc_whole_head(void)
{
	struct msg m = connect_msg();
	struct td_http_acc a = { .len = 0 };
	struct td_http_req req = { .seen = false };

	is_int(feed(&a, m.buf, m.len), m.head_len, "acc: one feed takes exactly the head");
	ok(a.complete && a.body_off == m.head_len, "acc: complete, body offset right after the blank line");
	is_int(feed(&a, m.buf, m.len), 0, "acc: nothing more is taken once complete");
	td_http_parse_request(&a, &req);
	ok(req.seen, "request: seen");
	is_str(req.method, "CONNECT", "request: method");
	is_str(req.uri, "da.contoso.test:443", "request: target");
	is_str(req.host, "da.contoso.test:443", "request: Host");
	is_str(req.user_agent, "curl/8.5.0", "request: User-Agent");
	is_str(req.content_length, "0", "request: Content-Length");
}

/* Split in two at every offset (inside "\r\n\r\n" too), and byte by byte. */
static void test_acc_every_split(void)
{
	struct msg m = connect_msg();
	struct td_http_acc ref = { .len = 0 };
	struct td_http_req want = { .seen = false };
	size_t bad = 0;

	(void)feed(&ref, m.buf, m.len);
	td_http_parse_request(&ref, &want);
	for (size_t k = 1; k < m.len; k++) {
		struct td_http_acc a = { .len = 0 };
		struct td_http_req got = { .seen = false };
		size_t taken = feed(&a, m.buf, k);
		if (!a.complete)
			taken += feed(&a, m.buf + k, m.len - k);
		td_http_parse_request(&a, &got);
		if (!(a.complete && a.body_off == m.head_len && taken == m.head_len && req_same(&got, &want)) &&
		    bad++ < 5)
			diag("  split at %zu: complete %d, body_off %zu, taken %zu", k, a.complete, a.body_off,
			     taken);
	}
	ok(bad == 0, "acc: head split in two at each of %zu offsets: same request, body offset %zu",
	   m.len - 1, m.head_len);

	struct td_http_acc a = { .len = 0 };
	struct td_http_req got = { .seen = false };
	size_t taken = 0, feeds = 0;
	for (size_t i = 0; i < m.len && !a.complete; i++, feeds++)
		taken += feed(&a, m.buf + i, 1);
	td_http_parse_request(&a, &got);
	ok(a.complete && feeds == m.head_len && taken == m.head_len && req_same(&got, &want),
	   "acc: byte by byte: complete on the head's last byte, same request");
}

struct end_case {
	const char *what;
	const char *text;
	size_t body_off; /* 0: not complete */
};

static const struct end_case end_cases[] = {
	{ "CRLF CRLF", "GET / HTTP/1.1\r\nHost: a\r\n\r\nrest", 27 },
	{ "bare LF LF", "GET / HTTP/1.0\nHost: a\n\nrest", 24 },
	{ "CRLF then bare LF", "GET / HTTP/1.0\r\nHost: a\r\n\nrest", 26 },
	{ "an empty head", "\r\n\r\nrest", 4 },
	{ "only LF LF", "\n\nrest", 2 },
	{ "a single CRLF does not end it", "GET / HTTP/1.1\r\nHost: a\r\n", 0 },
	{ "CR CR is not an end", "GET / HTTP/1.1\r\r\r\r", 0 },
};

static void test_acc_head_ends(void)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(end_cases); i++) {
		const struct end_case *c = &end_cases[i];
		struct td_http_acc a = { .len = 0 };
		size_t len = strlen(c->text);
		size_t taken = feed(&a, (const uint8_t *)c->text, len);
		if (c->body_off)
			ok(a.complete && a.body_off == c->body_off && taken == c->body_off,
			   "acc: %s: complete, body at %zu", c->what, c->body_off);
		else
			ok(!a.complete && taken == len, "acc: %s: not complete, all taken", c->what);
	}
}

static void test_acc_bare_lf_request(void)
{
	static const char head[] =
		"POST /IPHTTPS HTTP/1.1\nHost: da.contoso.test\nContent-Length: 18446744073709551615\n\n";
	struct td_http_acc a = { .len = 0 };
	struct td_http_req req = { .seen = false };
	(void)feed(&a, (const uint8_t *)head, strlen(head));
	td_http_parse_request(&a, &req);
	ok(a.complete && req.seen && strcmp(req.method, "POST") == 0 && strcmp(req.uri, "/IPHTTPS") == 0,
	   "bare LF head: request line read");
	is_str(req.host, "da.contoso.test", "bare LF head: Host without a stray CR");
	is_str(req.content_length, "18446744073709551615", "bare LF head: Content-Length 2^64-1 kept as text");
}

/* No blank line within TD_HTTP_HEAD_MAX bytes: complete at the cap. */
static void test_acc_cap(void)
{
	enum { N = TD_HTTP_HEAD_MAX + 1000 };
	uint8_t *big = malloc(N);
	if (!big)
		exit(99);
	memset(big, 'A', N);
	memcpy(big, "GET /", 5);

	struct td_http_acc a = { .len = 0 };
	is_int(feed(&a, big, N), TD_HTTP_HEAD_MAX, "cap: one feed takes TD_HTTP_HEAD_MAX bytes");
	ok(a.complete && a.body_off == TD_HTTP_HEAD_MAX && a.len == TD_HTTP_HEAD_MAX,
	   "cap: marked complete at the cap");
	is_int(feed(&a, big, N), 0, "cap: nothing more taken");

	struct td_http_acc b = { .len = 0 };
	size_t taken = 0;
	for (size_t o = 0; o < N && !b.complete; o += 1000)
		taken += feed(&b, big + o, N - o < 1000 ? N - o : 1000);
	ok(b.complete && taken == TD_HTTP_HEAD_MAX, "cap: in pieces of 1000, %d bytes taken in all",
	   TD_HTTP_HEAD_MAX);

	struct td_http_req req = { .seen = false };
	td_http_parse_request(&a, &req);
	ok(req.seen && strcmp(req.method, "GET") == 0 && strlen(req.uri) == sizeof(req.uri) - 1,
	   "cap: the capped head parses, the target cut to the field size");

	/* A terminator straddling the cap does not count. */
	struct td_http_acc c = { .len = 0 };
	memcpy(big + TD_HTTP_HEAD_MAX - 3, "\r\n\r\n", 4);
	(void)feed(&c, big, N);
	ok(c.complete && c.body_off == TD_HTTP_HEAD_MAX, "cap: a blank line cut by the cap ends the head at the cap");
	free(big);
}

/* --- Parsing ------------------------------------------------------------- */

struct resp_case {
	const char *what;
	const char *head;
	unsigned status;
	const char *status_line;
	const char *server;
};

static const struct resp_case resp_cases[] = {
	{ "proxy 200", "HTTP/1.1 200 Connection established\r\nServer: squid/5.7\r\n\r\n", 200,
	  "HTTP/1.1 200 Connection established", "squid/5.7" },
	{ "403 without Server", "HTTP/1.0 403 Forbidden\r\n\r\n", 403, "HTTP/1.0 403 Forbidden", "" },
	{ "no reason phrase", "HTTP/1.1 200\r\n\r\n", 200, "HTTP/1.1 200", "" },
	{ "lower-case header name", "HTTP/1.1 502 Bad Gateway\r\nserver: nginx\r\n\r\n", 502,
	  "HTTP/1.1 502 Bad Gateway", "nginx" },
	{ "no space after the colon", "HTTP/1.1 404 Not Found\r\nServer:Apache\r\n\r\n", 404,
	  "HTTP/1.1 404 Not Found", "Apache" },
	{ "blanks before the value", "HTTP/1.1 404 Not Found\r\nServer: \t IIS\r\n\r\n", 404,
	  "HTTP/1.1 404 Not Found", "IIS" },
	{ "space before the colon is another header", "HTTP/1.1 404 X\r\nServer : x\r\n\r\n", 404,
	  "HTTP/1.1 404 X", "" },
	{ "a longer name is another header", "HTTP/1.1 404 X\r\nServer-Timing: x\r\n\r\n", 404,
	  "HTTP/1.1 404 X", "" },
	{ "headers after the blank line are body", "HTTP/1.1 200 OK\r\n\r\nServer: body\r\n", 200,
	  "HTTP/1.1 200 OK", "" },
	{ "bare LF", "HTTP/1.1 301 Moved\nServer: lf\n\n", 301, "HTTP/1.1 301 Moved", "lf" },
	{ "status too short", "HTTP/1.1 20\r\n\r\n", 0, "HTTP/1.1 20", "" },
	{ "status not digits", "HTTP/1.1 2x0 Odd\r\n\r\n", 0, "HTTP/1.1 2x0 Odd", "" },
	{ "not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n", 0, "SSH-2.0-OpenSSH_9.6", "" },
};

static void test_parse_responses(void)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(resp_cases); i++) {
		const struct resp_case *c = &resp_cases[i];
		struct td_http_acc a = { .len = 0 };
		struct td_http_resp r = { .seen = false };
		(void)feed(&a, (const uint8_t *)c->head, strlen(c->head));
		td_http_parse_response(&a, &r);
		bool good = r.seen && r.status == c->status && strcmp(r.status_line, c->status_line) == 0 &&
			    strcmp(r.server, c->server) == 0;
		ok(good, "response, %s: status %u, Server \"%s\"", c->what, c->status, c->server);
		if (!good)
			diag("  got status %u, line \"%s\", server \"%s\"", r.status, r.status_line, r.server);
	}
}

static void test_parse_request_fields(void)
{
	static const char head[] = "GET   /a/b?c=d   HTTP/1.1\r\nHOST: www.example.test\r\n"
				   "user-agent: Mozilla/5.0 (X11)\r\nX-Other: 1\r\n\r\n";
	struct td_http_acc a = { .len = 0 };
	struct td_http_req req = { .seen = false };
	(void)feed(&a, (const uint8_t *)head, strlen(head));
	td_http_parse_request(&a, &req);
	is_str(req.method, "GET", "request: method before repeated spaces");
	is_str(req.uri, "/a/b?c=d", "request: target between repeated spaces");
	is_str(req.host, "www.example.test", "request: HOST in capitals");
	is_str(req.user_agent, "Mozilla/5.0 (X11)", "request: user-agent in lower case, spaces kept");
	is_str(req.content_length, "", "request: no Content-Length");

	static const char odd[] = "GET / HTTP/1.1\r\nHost: a\x01" "b\xff\r\n\r\n";
	struct td_http_acc b = { .len = 0 };
	struct td_http_req r2 = { .seen = false };
	(void)feed(&b, (const uint8_t *)odd, strlen(odd));
	td_http_parse_request(&b, &r2);
	is_str(r2.host, "a\\x01b\\xff", "request: control and non-ASCII bytes in Host escaped");

	struct td_http_acc empty = { .len = 0 };
	struct td_http_req r3 = { .seen = false };
	td_http_parse_request(&empty, &r3);
	ok(!r3.seen, "request: an empty accumulator gives nothing");
}

static void test_parse_long_fields(void)
{
	char head[600];
	struct td_http_acc a = { .len = 0 };
	struct td_http_req req = { .seen = false };
	memset(head, 0, sizeof(head));
	strcpy(head, "LONGMETHODNAMEBEYONDTWENTYFOURCHARS /");
	memset(head + strlen(head), 'u', 300);
	strcat(head, " HTTP/1.1\r\nHost: h\r\n\r\n");
	(void)feed(&a, (const uint8_t *)head, strlen(head));
	td_http_parse_request(&a, &req);
	ok(strlen(req.method) == sizeof(req.method) - 1 && strncmp(req.method, "LONGMETHOD", 10) == 0,
	   "request: a long method is cut to %zu characters", sizeof(req.method) - 1);
	ok(strlen(req.uri) == sizeof(req.uri) - 1 && req.uri[0] == '/', "request: a long target is cut to %zu characters",
	   sizeof(req.uri) - 1);
	is_str(req.host, "h", "request: the header after a long request line is still read");
}

static void test_looks_like_request(void)
{
	static const struct { const char *data; bool want; } cases[] = {
		{ "GET / HTTP/1.1", true }, { "POST /x", true }, { "CONNECT host:443 HTTP/1.1", true },
		{ "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1", true },
		{ "OPTIONS * HTTP/1.1", true }, { "get / HTTP/1.1", false }, { "GET", false },
		{ "GETX /", false }, { "", false }, { "\x16\x03\x01", false }, { "HTTP/1.1 200 OK", false },
	};
	for (size_t i = 0; i < TD_ARRAY_LEN(cases); i++) {
		size_t len = strlen(cases[i].data);
		ok(td_http_looks_like_request((const uint8_t *)cases[i].data, len) == cases[i].want,
		   "looks like a request: \"%.20s\" -> %s", cases[i].data, cases[i].want ? "yes" : "no");
	}
}

/* The start of a method or of "HTTP/" decides nothing yet: a head cut into
 * small segments must read as it does whole. Every proper prefix of every
 * method is undecided, the whole token and anything else is decided. */
static void test_undecided(void)
{
	static const char *const methods[] = { "GET ", "POST ", "HEAD ", "PUT ", "CONNECT ",
					       "OPTIONS ", "DELETE ", "SSTP_DUPLEX_POST " };
	size_t bad = 0;
	for (size_t i = 0; i < TD_ARRAY_LEN(methods); i++) {
		const uint8_t *m = (const uint8_t *)methods[i];
		size_t n = strlen(methods[i]);
		ok(n <= TD_HTTP_TOKEN_MAX, "\"%s\": at most TD_HTTP_TOKEN_MAX bytes", methods[i]);
		for (size_t k = 1; k < n; k++)
			bad += !td_http_request_undecided(m, k) || td_http_looks_like_request(m, k);
		bad += td_http_request_undecided(m, n) || !td_http_looks_like_request(m, n);
	}
	ok(bad == 0, "every proper prefix of every method is undecided, the whole method decided");
	static const struct { const char *data; bool req, resp; } cases[] = {
		{ "CON", true, false }, { "CONNECT", true, false }, { "CONNEX", false, false },
		{ "get", false, false }, { "\x16\x03\x01", false, false }, { "SSTP_DUPLEX_POS", true, false },
		{ "HTT", false, true }, { "HTTP", false, true }, { "HTTP/", false, false },
		{ "HTTPS", false, false }, { "HTTP/1.1 200", false, false },
	};
	for (size_t i = 0; i < TD_ARRAY_LEN(cases); i++) {
		const uint8_t *d = (const uint8_t *)cases[i].data;
		size_t len = strlen(cases[i].data);
		ok(td_http_request_undecided(d, len) == cases[i].req &&
		   td_http_response_undecided(d, len) == cases[i].resp,
		   "undecided: \"%s\" -> request %s, response %s", cases[i].data, cases[i].req ? "yes" : "no",
		   cases[i].resp ? "yes" : "no");
	}
}

/* --- td_first_line --------------------------------------------------------- */

struct line_case {
	const char *what;
	const char *data;
	size_t len;
	size_t outlen;
	const char *want;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct line_case line_cases[] = {
	{ "stops at CR", S("abc\r\ndef"), 64, "abc" },
	{ "stops at LF", S("abc\ndef"), 64, "abc" },
	{ "empty first line", S("\r\nabc"), 64, "" },
	{ "no data", S(""), 64, "" },
	{ "control byte escaped", S("a\x01z"), 64, "a\\x01z" },
	{ "tab escaped", S("a\tb"), 64, "a\\x09b" },
	{ "DEL escaped", S("\x7f"), 64, "\\x7f" },
	{ "NUL escaped, not an end", S("a\0b"), 64, "a\\x00b" },
	{ "backslash escaped", S("a\\b"), 64, "a\\x5cb" },
	{ "UTF-8 bytes escaped", S("caf\xc3\xa9"), 64, "caf\\xc3\\xa9" },
	{ "TLS bytes escaped", S("\x16\x03\x01\x02\x00"), 64, "\\x16\\x03\\x01\\x02\\x00" },
	{ "len stops before the end", "abcdef", 3, 64, "abc" },
	{ "outlen 1: only the NUL", S("abcdef"), 1, "" },
	{ "outlen 2: one character", S("abcdef"), 2, "a" },
	{ "outlen 5: four characters", S("abcdef"), 5, "abcd" },
	{ "outlen 7: all six", S("abcdef"), 7, "abcdef" },
	{ "outlen 6: cut at five", S("abcdef"), 6, "abcde" },
	{ "an escape that does not fit is left out", S("\x01\x02"), 4, "" },
	{ "outlen 5: exactly one escape", S("\x01\x02"), 5, "\\x01" },
	{ "outlen 8: the second escape does not fit", S("\x01\x02"), 8, "\\x01" },
	{ "outlen 9: both escapes", S("\x01\x02"), 9, "\\x01\\x02" },
	{ "outlen 5: text then an escape that does not fit", S("ab\x01"), 5, "ab" },
	{ "outlen 2: an escape first", S("\xff" "a"), 2, "" },
};

static void test_first_line_cases(void)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(line_cases); i++) {
		const struct line_case *c = &line_cases[i];
		/* Exact-size heap buffers: ASan catches a read or a write one past. */
		uint8_t *in = malloc(c->len ? c->len : 1);
		char *out = malloc(c->outlen);
		if (!in || !out)
			exit(99);
		memcpy(in, c->data, c->len);
		memset(out, '#', c->outlen);
		td_first_line(in, c->len, out, c->outlen);
		is_str(out, c->want, "first_line: %s", c->what);
		free(in);
		free(out);
	}
}

static void test_first_line_outlen_zero(void)
{
	char out[4] = { 'x', 'y', 'z', 'w' };
	td_first_line((const uint8_t *)"abc", 3, out, 0);
	ok(out[0] == 'x' && out[1] == 'y', "first_line: outlen 0 writes nothing");
}

/* Every output size from 1 to 40 for a mixed line: always terminated, never
 * longer than the room, and a prefix of the full rendering. */
static void test_first_line_every_outlen(void)
{
	static const uint8_t in[] = "GET /\x01\xc3\xa9\\x HTTP/1.1\r\n";
	char full[128];
	size_t bad = 0;
	td_first_line(in, sizeof(in) - 1, full, sizeof(full));
	for (size_t outlen = 1; outlen <= 40; outlen++) {
		char *out = malloc(outlen);
		if (!out)
			exit(99);
		td_first_line(in, sizeof(in) - 1, out, outlen);
		size_t n = strnlen(out, outlen);
		if (n >= outlen || strncmp(out, full, n) != 0 || (n < strlen(full) && n + 4 < outlen))
			bad++;
		free(out);
	}
	ok(bad == 0, "first_line: output sizes 1..40 give a terminated prefix of \"%s\"", full);
}

int main(void)
{
	test_acc_whole_head();
	test_acc_every_split();
	test_acc_head_ends();
	test_acc_bare_lf_request();
	test_acc_cap();
	test_parse_responses();
	test_parse_request_fields();
	test_parse_long_fields();
	test_looks_like_request();
	test_undecided();
	test_first_line_cases();
	test_first_line_outlen_zero();
	test_first_line_every_outlen();
	return done_testing();
}
