/*
 * TLS over one TCP connection, both directions: record framing, handshake
 * message reassembly, alerts, the plaintext after a NULL-cipher
 * ChangeCipherSpec, non-TLS detection and the HTTP CONNECT on proxy ports.
 * Everything observed goes into struct td_facts; nothing is printed.
 */
#ifndef TLSDIAG_TLS_H
#define TLSDIAG_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/err.h"
#include "tlsdiag/facts.h"

#define TD_TLS_RECORD_MAX (16384 + 2048)  /* RFC 5246 6.2.3: TLSCiphertext limit */
#define TD_TLS_HS_MAX_DEFAULT 65536       /* largest handshake message kept */

struct td_tls_stream;

struct td_tls_stream *td_tls_new(bool proxy_port, size_t hs_max);
void td_tls_free(struct td_tls_stream *s);
/* The connection started before the capture: each direction's first bytes
 * may be the middle of a record, so they are passed over up to the first
 * plausible record boundary (tls.*.resync_skipped). */
void td_tls_set_midstream(struct td_tls_stream *s);
/* The same for one direction whose first bytes were not captured (before
 * anything of it was read). */
void td_tls_set_resync(struct td_tls_stream *s, enum td_dir dir);

/* Bytes of one direction, in stream order, delivered with the packet
 * (frame, ts) that completed them. */
void td_tls_feed(struct td_tls_stream *s, struct td_facts *f, enum td_dir dir,
		 const uint8_t *data, size_t len, uint64_t frame, double ts);

/* True once nothing more in this direction can change the facts: the
 * handshake is over and enough application records were listed, or the
 * direction stopped (not TLS, malformed). The stream may stop collecting. */
bool td_tls_dir_done(const struct td_tls_stream *s, const struct td_facts *f, enum td_dir dir);

/* Parse one complete handshake message body (type and body without the
 * 4-byte header) into the facts. Exposed for the unit tests. */
TD_MUST_USE enum td_err td_tls_parse_message(struct td_facts *f, enum td_dir dir, uint8_t type,
					     const uint8_t *body, size_t len, uint64_t frame,
					     double ts);

/* Parse an SSLv2-compatible ClientHello record body (after the 2-byte header). */
TD_MUST_USE enum td_err td_tls_parse_sslv2_hello(struct td_facts *f, const uint8_t *body,
						 size_t len, uint64_t frame, double ts);

/* Record heads of segments cut by the snap length (src/tls_snap.c): used
 * for a direction whose first payload segment was cut, where libnids has
 * no stream to give. Packets in capture order. */
struct td_pkt;
struct td_tls_snap;
struct td_tls_snap *td_tls_snap_new(void);
void td_tls_snap_free(struct td_tls_snap *s);
void td_tls_snap_segment(struct td_tls_snap *s, struct td_facts *f, enum td_dir dir, const struct td_pkt *p);

/* The MAC length of a NULL-encryption suite (16, 20, 32, 48), 0 if unknown. */
size_t td_tls_null_mac_len(uint16_t suite);

#endif
