/*
 * SSLv2 sessions (draft-hickman-netscape-ssl-00; prohibited by RFC 6176):
 * the messages sent in the clear (SERVER-HELLO with its certificate,
 * CLIENT-MASTER-KEY, ERROR) and the encrypted records after them, read
 * into tls.sslv2 facts and the per-direction TLS facts (records, the
 * Finished messages inferred, application data). The record layer (2- and
 * 3-byte headers) is src/tls_stream.c's; this file reads record bodies.
 */
#ifndef TLSDIAG_TLS_SSLV2_H
#define TLSDIAG_TLS_SSLV2_H

#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/facts.h"

/* Event codes of TD_EV_SSLV2_HELLO: the message type (0 is the
 * CLIENT-HELLO, as it always was), an ERROR as 0x100 + its code. */
#define TD_SSLV2_EV_ERROR 0x100

/* One SSLv2 record body of direction dir, after the client's CLIENT-HELLO
 * (and, for the server, from its SERVER-HELLO on). */
void td_sslv2_record(struct td_facts *f, enum td_dir dir, const uint8_t *body, size_t len, uint64_t frame,
		     double ts);

/* The name of a 3-byte SSLv2 cipher kind (SSL_CK_RC4_128_WITH_MD5 ...), or NULL. */
const char *td_sslv2_kind_name(uint32_t kind);
/* The names of the kinds in specs (3 bytes each; TLS suites, 0x00xxxx,
 * left out), comma-separated into out. */
void td_sslv2_kinds_text(const uint8_t *specs, size_t len, char *out, size_t outlen);
/* An ERROR code's name (NO-CIPHER-ERROR ...). */
const char *td_sslv2_error_name(uint16_t code);

#endif
