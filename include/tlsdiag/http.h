/*
 * A bounded HTTP/1.x header-block reader: the CONNECT exchange on proxy
 * ports, the POST /IPHTTPS and its answer inside a NULL-cipher session.
 * Only the first header block of each direction is read.
 */
#ifndef TLSDIAG_HTTP_H
#define TLSDIAG_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/facts.h"

#define TD_HTTP_HEAD_MAX 4096

struct td_http_acc {
	char buf[TD_HTTP_HEAD_MAX];
	size_t len;
	bool complete;    /* the blank line was seen, or the cap reached */
	size_t body_off;  /* offset of the first byte after the header block */
};

/* Append bytes; returns how many were taken (all, until the head completes). */
size_t td_http_acc_feed(struct td_http_acc *a, const uint8_t *data, size_t len);

/* Parse a complete (or capped) head into a request / response. */
void td_http_parse_request(const struct td_http_acc *a, struct td_http_req *req);
void td_http_parse_response(const struct td_http_acc *a, struct td_http_resp *resp);

/* Does the data start like an HTTP request line ("GET ", "CONNECT ", ...)? */
bool td_http_looks_like_request(const uint8_t *data, size_t len);

/* Are these the start of a request line ("CONN") or of a status line
 * ("HTTP") that more bytes may still complete? Then nothing is decided yet:
 * a head cut into small segments must read as it does whole. Never true
 * from TD_HTTP_TOKEN_MAX bytes on ("SSTP_DUPLEX_POST "). */
#define TD_HTTP_TOKEN_MAX 17
bool td_http_request_undecided(const uint8_t *data, size_t len);
bool td_http_response_undecided(const uint8_t *data, size_t len);

/* Copy the first line of arbitrary bytes, printable, non-ASCII as \xNN. */
void td_first_line(const uint8_t *data, size_t len, char *out, size_t outlen);

#endif
