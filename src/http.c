/* A bounded reader for the first HTTP/1.x header block of a direction. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tlsdiag/http.h"

/* Find "\r\n\r\n" (or a bare "\n\n") ending the head; 0 when absent. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return i + 2;
		if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	}
	return 0;
}

size_t td_http_acc_feed(struct td_http_acc *a, const uint8_t *data, size_t len)
{
	if (a->complete)
		return 0;
	size_t room = sizeof(a->buf) - a->len;
	size_t take = len < room ? len : room;
	size_t old = a->len;
	memcpy(a->buf + a->len, data, take);
	a->len += take;
	/* Rescan from a little before the old end: the terminator may straddle. */
	size_t from = old > 3 ? old - 3 : 0;
	size_t end = head_end(a->buf + from, a->len - from);
	if (end) {
		a->complete = true;
		a->body_off = from + end;
		return a->body_off - old;
	}
	if (a->len == sizeof(a->buf)) {
		a->complete = true;
		a->body_off = a->len;
	}
	return take;
}

void td_first_line(const uint8_t *data, size_t len, char *out, size_t outlen)
{
	size_t o = 0;
	if (outlen == 0)
		return;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len && data[i] != '\r' && data[i] != '\n'; i++) {
		char tmp[4] = { (char)data[i] };
		size_t n = 1;
		if (data[i] < 0x20 || data[i] >= 0x7f || data[i] == '\\') {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[data[i] >> 4];
			tmp[3] = hex[data[i] & 0xf];
			n = 4;
		}
		if (o + n >= outlen)
			break;
		memcpy(out + o, tmp, n);
		o += n;
	}
	out[o] = '\0';
}

/* The line starting at *pos inside the head, without its CR LF. */
static bool next_line(const struct td_http_acc *a, size_t *pos, const char **line, size_t *len)
{
	size_t end = a->complete ? a->body_off : a->len;
	if (*pos >= end)
		return false;
	size_t i = *pos;
	while (i < end && a->buf[i] != '\n')
		i++;
	*line = a->buf + *pos;
	*len = i - *pos;
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	*pos = i < end ? i + 1 : end;
	return true;
}

static void copy_field(char *dst, size_t dstlen, const char *src, size_t len)
{
	td_first_line((const uint8_t *)src, len, dst, dstlen);
}

/* If the line is "Name: value", copy the trimmed value into dst. */
static void header_value(const char *line, size_t len, const char *name, char *dst, size_t dstlen)
{
	size_t n = strlen(name);
	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	size_t v = n + 1;
	while (v < len && (line[v] == ' ' || line[v] == '\t'))
		v++;
	copy_field(dst, dstlen, line + v, len - v);
}

/* Split "A B C" into its first two space-separated tokens. */
static void two_tokens(const char *line, size_t len, char *a, size_t alen, char *b, size_t blen)
{
	size_t i = 0;
	while (i < len && line[i] != ' ')
		i++;
	copy_field(a, alen, line, i);
	while (i < len && line[i] == ' ')
		i++;
	size_t j = i;
	while (j < len && line[j] != ' ')
		j++;
	copy_field(b, blen, line + i, j - i);
}

void td_http_parse_request(const struct td_http_acc *a, struct td_http_req *req)
{
	size_t pos = 0, len;
	const char *line;
	if (!next_line(a, &pos, &line, &len))
		return;
	req->seen = true;
	two_tokens(line, len, req->method, sizeof(req->method), req->uri, sizeof(req->uri));
	while (next_line(a, &pos, &line, &len) && len > 0) {
		header_value(line, len, "Host", req->host, sizeof(req->host));
		header_value(line, len, "Content-Length", req->content_length, sizeof(req->content_length));
		header_value(line, len, "User-Agent", req->user_agent, sizeof(req->user_agent));
	}
}

void td_http_parse_response(const struct td_http_acc *a, struct td_http_resp *resp)
{
	size_t pos = 0, len;
	const char *line;
	if (!next_line(a, &pos, &line, &len))
		return;
	resp->seen = true;
	copy_field(resp->status_line, sizeof(resp->status_line), line, len);
	if (len >= 12 && memcmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', len);
		if (sp && (size_t)(line + len - sp) >= 4 && isdigit((unsigned char)sp[1]) &&
		    isdigit((unsigned char)sp[2]) && isdigit((unsigned char)sp[3]))
			resp->status = (uint16_t)((sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0'));
	}
	while (next_line(a, &pos, &line, &len) && len > 0) {
		header_value(line, len, "Server", resp->server, sizeof(resp->server));
		header_value(line, len, "Content-Length", resp->content_length, sizeof(resp->content_length));
	}
}

/* The request methods we know, with the space after them; the longest is
 * TD_HTTP_TOKEN_MAX bytes. */
static const char *const methods[] = { "GET ", "POST ", "HEAD ", "PUT ", "CONNECT ",
				       "OPTIONS ", "DELETE ", "SSTP_DUPLEX_POST " };

bool td_http_looks_like_request(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t n = strlen(methods[i]);
		if (len >= n && memcmp(data, methods[i], n) == 0)
			return true;
	}
	return false;
}

/* Shorter than token and equal to its start: more bytes may complete it. */
static bool proper_prefix(const uint8_t *data, size_t len, const char *token)
{
	size_t n = strlen(token);
	return len < n && memcmp(data, token, len) == 0;
}

bool td_http_request_undecided(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (proper_prefix(data, len, methods[i]))
			return true;
	return false;
}

bool td_http_response_undecided(const uint8_t *data, size_t len)
{
	return proper_prefix(data, len, "HTTP/");
}
