/*
 * The plaintext before TLS on one TCP connection: STARTTLS and its kin
 * (SMTP/LMTP, IMAP, POP3, FTP, LDAP, XMPP, NNTP, IRC, PostgreSQL, MySQL,
 * RDP) and SOCKS4/4a/5 CONNECT. Each direction is read message by message
 * until TLS starts in it; the upgrade command and the server's answer go
 * into tls.preamble (struct td_preamble_facts). What follows is handed back
 * to the caller, which feeds it to the TLS stream (src/tls_stream.c).
 */
#ifndef TLSDIAG_TLS_PREAMBLE_H
#define TLSDIAG_TLS_PREAMBLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/facts.h"

enum td_pre_proto {
	TD_PRE_NONE,
	TD_PRE_SMTP, TD_PRE_IMAP, TD_PRE_POP3, TD_PRE_FTP, TD_PRE_NNTP, TD_PRE_IRC,
	TD_PRE_LINE,  /* a bare "STARTTLS" line seen first: SMTP, NNTP or IRC, told by the answer */
	TD_PRE_LDAP, TD_PRE_XMPP, TD_PRE_PGSQL, TD_PRE_MYSQL, TD_PRE_RDP, TD_PRE_SOCKS,
	TD_PRE__COUNT
};

/* The protocol a well-known STARTTLS (or SOCKS) port speaks, or TD_PRE_NONE. */
enum td_pre_proto td_preamble_port(uint16_t port);
/* Is this client payload an upgrade command by itself (any port)? Its
 * protocol, or TD_PRE_NONE. Cheap: a length test and a few compares. */
enum td_pre_proto td_preamble_command(const uint8_t *d, size_t n);

/* The first payload of a connection on an analyzed port: a server
 * greeting ("220 ", "* OK ", "+OK") or a client opening (EHLO, or an
 * upgrade command) that says a preamble comes. Its protocol, or TD_PRE_NONE. */
enum td_pre_proto td_preamble_opening(enum td_dir dir, const uint8_t *d, size_t n);

struct td_preamble;
/* partial: the flow is read from partway through (from the client's
 * upgrade command found by td_preamble_command, or it started before the
 * capture), so what was said before is not known. */
struct td_preamble *td_preamble_new(enum td_pre_proto proto, bool partial);
void td_preamble_free(struct td_preamble *p);

/* Bytes of one direction in stream order. Returns how many of data the
 * preamble took; when the direction turns TLS here, *held and *held_len are
 * bytes the preamble had buffered that are TLS already (valid until the
 * next call), to be fed before data + returned. */
size_t td_preamble_feed(struct td_preamble *p, struct td_facts *f, enum td_dir dir, const uint8_t *data,
			size_t len, uint64_t frame, double ts, const uint8_t **held, size_t *held_len);

enum td_pre_state {
	TD_PRE_PLAIN,   /* still reading plaintext */
	TD_PRE_TLS,     /* TLS from here on: the caller's TLS stream reads it */
	TD_PRE_STOPPED, /* nothing more to read here (refused, malformed, a cap, not an upgrade) */
};
enum td_pre_state td_preamble_state(const struct td_preamble *p, enum td_dir dir);
/* Is the connection worth a report: an upgrade was asked for, a SOCKS
 * request refused, or TLS started? Until then a connection on a STARTTLS
 * port is followed quietly. */
bool td_preamble_wanted(const struct td_preamble *p);

#endif
