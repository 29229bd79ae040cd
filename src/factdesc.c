/*
 * The fact vocabulary as a table, and reading a fact's value through it.
 * Adding a fact is adding a row here and a line in doc/facts.md (a test
 * checks that the two agree).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <time.h>
#include "tlsdiag/attr.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/str.h"
#include "tlsdiag/names.h"
#include "tlsdiag/x509.h"

#define C(field) .base = TD_FB_CONN, .off = offsetof(struct td_facts, field)
#define T(field) .base = TD_FB_TLS, .off = offsetof(struct td_tls_facts, field)
#define IF_C(field) .present_off = 1 + offsetof(struct td_facts, field), \
		    .present_size = sizeof(((struct td_facts *)0)->field)
#define IF_T(field) .present_off = 1 + offsetof(struct td_tls_facts, field), \
		    .present_size = sizeof(((struct td_tls_facts *)0)->field)
#define LIST_T(arr, cnt) T(arr), .count_off = offsetof(struct td_tls_facts, cnt), \
			 .count_size = sizeof(((struct td_tls_facts *)0)->cnt)

#define X(field) .base = TD_FB_X509, .off = offsetof(struct td_x509_facts, field)
#define IF_X(field) .present_off = 1 + offsetof(struct td_x509_facts, field), \
		    .present_size = sizeof(((struct td_x509_facts *)0)->field)
#define SL(field) .base = TD_FB_SLEAF, .off = offsetof(struct td_cert_info, field)
#define CL(field) .base = TD_FB_CLEAF, .off = offsetof(struct td_cert_info, field)

#define ROW(n, ty, ...) { .name = n, .type = ty, __VA_ARGS__ }

/* The per-direction facts, for client ("c", index 0) and server (index 1). */
#define DIR_ROWS(who, i)                                                                          \
	ROW("tls." who ".records", TD_FT_U32, T(dir[i].records),                                  \
	    .doc = "TLS records sent by the " who),                                               \
	ROW("tls." who ".unknown_records", TD_FT_U32, T(dir[i].unknown_records),                  \
	    .doc = "records of an unknown content type"),                                         \
	ROW("tls." who ".app_records", TD_FT_U32, T(dir[i].app_records),                          \
	    .doc = "application_data records (after the handshake)"),                            \
	ROW("tls." who ".app_bytes", TD_FT_U64, T(dir[i].app_bytes),                              \
	    .doc = "bytes in those records"),                                                     \
	ROW("tls." who ".first_app_frame", TD_FT_FRAME, T(dir[i].first_app_frame),                \
	    .doc = "frame of the first application_data record"),                                \
	ROW("tls." who ".ccs_frame", TD_FT_FRAME, T(dir[i].ccs_frame),                            \
	    .doc = "frame of its ChangeCipherSpec"),                                              \
	ROW("tls." who ".finished", TD_FT_BOOL, T(dir[i].finished_seen),                          \
	    .doc = "its Finished was seen (read, or inferred from the first encrypted handshake record)"), \
	ROW("tls." who ".finished_frame", TD_FT_FRAME, T(dir[i].finished_frame),                  \
	    .doc = "frame of its Finished"),                                                      \
	ROW("tls." who ".finished_encrypted", TD_FT_BOOL, T(dir[i].encrypted_finished),           \
	    IF_T(dir[i].finished_seen), .doc = "the Finished was encrypted (inferred)"),           \
	ROW("tls." who ".alerts", TD_FT_U32, T(dir[i].alerts), .doc = "alerts sent"),             \
	ROW("tls." who ".encrypted_handshake_records", TD_FT_U32, T(dir[i].encrypted_hs_records), \
	    .doc = "handshake records that could not be read"),                                   \
	ROW("tls." who ".resync_skipped", TD_FT_U32, T(dir[i].resync_skipped), .omit_zero = true,  \
	    .doc = "bytes passed over to the first record boundary: the capture started inside a record"), \
	ROW("tls." who ".parse_error", TD_FT_STR, T(dir[i].parse_error_text),                     \
	    .doc = "the first malformation found in this direction"),                             \
	ROW("tls." who ".parse_error_frame", TD_FT_FRAME, T(dir[i].parse_error_frame),            \
	    .doc = "where it was found")

#define ALERT_ROWS(who, i)                                                                        \
	ROW("tls.alert." who ".frame", TD_FT_FRAME, T(dir[i].alert.frame),                        \
	    .doc = "frame of the first alert the " who " sent"),                                  \
	ROW("tls.alert." who ".time", TD_FT_TIME, T(dir[i].alert.ts), IF_T(dir[i].alert.seen),    \
	    .doc = "its time"),                                                                   \
	ROW("tls.alert." who ".level", TD_FT_LEVEL, T(dir[i].alert.level), .omit_zero = true,     \
	    .doc = "warning or fatal (absent when encrypted)"),                                   \
	ROW("tls.alert." who ".description", TD_FT_NAME8, T(dir[i].alert.description),            \
	    IF_T(dir[i].alert.level), .reg = TD_REG_ALERT,                                        \
	    .doc = "the alert's name, e.g. handshake_failure (absent when encrypted)"),          \
	ROW("tls.alert." who ".encrypted", TD_FT_BOOL, T(dir[i].alert.encrypted),                 \
	    IF_T(dir[i].alert.seen), .doc = "sent after the keys changed: unreadable"),           \
	ROW("tls.alert." who ".before_server_hello", TD_FT_BOOL,                                  \
	    T(dir[i].alert.before_server_hello), IF_T(dir[i].alert.seen),                         \
	    .doc = "sent before any ServerHello was seen"),                                       \
	ROW("tls.alert." who ".windows_error", TD_FT_STR, C(derived.alert_windows[i]),             \
	    .doc = "the error Windows (Schannel) returns on receiving this alert")

#define HTTP_REQ_ROWS(pre, field, what)                                                           \
	ROW(pre ".frame", TD_FT_FRAME, T(field.frame), .doc = "frame that completed the " what),  \
	ROW(pre ".method", TD_FT_STR, T(field.method), .doc = "method"),                          \
	ROW(pre ".uri", TD_FT_STR, T(field.uri), .doc = "request target"),                        \
	ROW(pre ".host", TD_FT_STR, T(field.host), .doc = "Host header"),                         \
	ROW(pre ".content_length", TD_FT_STR, T(field.content_length),                            \
	    .doc = "Content-Length header, as text (IP-HTTPS sends 18446744073709551615)"),       \
	ROW(pre ".user_agent", TD_FT_STR, T(field.user_agent), .doc = "User-Agent header")

#define HTTP_RESP_ROWS(pre, field, what)                                                          \
	ROW(pre ".frame", TD_FT_FRAME, T(field.frame), .doc = "frame that completed the " what),  \
	ROW(pre ".status", TD_FT_U16, T(field.status), .omit_zero = true, .doc = "status code"),  \
	ROW(pre ".status_line", TD_FT_STR, T(field.status_line), .doc = "the status line"),       \
	ROW(pre ".server", TD_FT_STR, T(field.server), .doc = "Server header")

#define LEAF_PARSED .present_off = 1 + offsetof(struct td_cert_info, parsed), .present_size = 1
#define LEAF_ROWS(pre, B)                                                                         \
	ROW(pre ".subject", TD_FT_STR, B(subject), LEAF_PARSED, .doc = "subject, RFC 2253"),                     \
	ROW(pre ".issuer", TD_FT_STR, B(issuer), LEAF_PARSED, .doc = "issuer, RFC 2253"),                        \
	ROW(pre ".cn", TD_FT_STR, B(cn), LEAF_PARSED, .doc = "subject common name"),                             \
	ROW(pre ".san_dns", TD_FT_STR, B(san_dns), LEAF_PARSED, .doc = "DNS subject alternative names, comma-separated"), \
	ROW(pre ".san_ip", TD_FT_STR, B(san_ip), LEAF_PARSED, .doc = "IP subject alternative names"),            \
	ROW(pre ".serial", TD_FT_STR, B(serial), LEAF_PARSED, .doc = "serial number, hex"),                      \
	ROW(pre ".not_before", TD_FT_EPOCH, B(not_before), LEAF_PARSED, .doc = "start of validity"),             \
	ROW(pre ".not_after", TD_FT_EPOCH, B(not_after), LEAF_PARSED, .doc = "end of validity"),                 \
	ROW(pre ".expired", TD_FT_BOOL, B(expired), LEAF_PARSED, .doc = "expired at the capture's time"),        \
	ROW(pre ".not_yet_valid", TD_FT_BOOL, B(not_yet_valid), LEAF_PARSED, .doc = "not yet valid at the capture's time"), \
	ROW(pre ".days_left", TD_FT_I32, B(days_left), LEAF_PARSED, .doc = "days until notAfter at the capture's time (negative: expired)"), \
	ROW(pre ".minutes_since_issue", TD_FT_I32, B(minutes_since_issue), LEAF_PARSED,                         \
	    .doc = "minutes from notBefore to the capture"),                                        \
	ROW(pre ".key_type", TD_FT_STR, B(key_type), LEAF_PARSED, .doc = "RSA, EC, ED25519 ..."),                \
	ROW(pre ".key_bits", TD_FT_U16, B(key_bits), LEAF_PARSED, .doc = "key size in bits"),                    \
	ROW(pre ".signature_algorithm", TD_FT_STR, B(sig_alg), LEAF_PARSED, .doc = "signature algorithm"),      \
	ROW(pre ".sha256", TD_FT_STR, B(sha256), .doc = "SHA-256 fingerprint of the DER, hex"),    \
	ROW(pre ".self_signed", TD_FT_BOOL, B(self_signed), LEAF_PARSED, .doc = "issued and signed by itself"),  \
	ROW(pre ".ca", TD_FT_BOOL, B(is_ca), LEAF_PARSED, .doc = "basicConstraints CA"),                         \
	ROW(pre ".eku", TD_FT_STR, B(eku), LEAF_PARSED, .doc = "extended key usages, comma-separated"),          \
	ROW(pre ".eku_server_auth", TD_FT_BOOL, B(eku_server_auth), LEAF_PARSED, .doc = "EKU allows serverAuth"), \
	ROW(pre ".eku_client_auth", TD_FT_BOOL, B(eku_client_auth), LEAF_PARSED, .doc = "EKU allows clientAuth"), \
	ROW(pre ".crl_urls", TD_FT_STR, B(crl_urls), LEAF_PARSED, .doc = "CRL distribution point URLs"),         \
	ROW(pre ".aia_urls", TD_FT_STR, B(aia_urls), LEAF_PARSED, .doc = "authority information access URLs"),  \
	ROW(pre ".parse_error", TD_FT_STR, B(error), .doc = "why the DER does not parse, when it does not")

const struct td_fact_desc td_facts_table[] = {
	ROW("client.ip", TD_FT_IP, C(tcp.client_ip), .doc = "the client's address (it sent the SYN)"),
	ROW("client.port", TD_FT_U16, C(tcp.client_port), .doc = "the client's port"),
	ROW("server.ip", TD_FT_IP, C(tcp.server_ip), .doc = "the server's address"),
	ROW("server.port", TD_FT_U16, C(tcp.server_port), .doc = "the server's port"),
	ROW("stage", TD_FT_STAGE, C(stage), .doc = "how far the connection got: syn-sent, refused, tcp-established, client-hello, server-hello, server-flight, client-flight, handshake-complete or application-data"),
	ROW("caps", TD_FT_CAPS, C(caps_hit), .doc = "caps reached while reading this connection"),

	ROW("tcp.syn_count", TD_FT_U32, C(tcp.syn_count), .doc = "SYNs sent by the client, retransmissions included"),
	ROW("tcp.syn_frame", TD_FT_FRAME, C(tcp.syn_frame), .doc = "frame of the first SYN"),
	ROW("tcp.syn_span", TD_FT_SECONDS, C(derived.syn_span),
	    .doc = "seconds from the first SYN to the client's last retransmission of it"),
	ROW("tcp.observed", TD_FT_SECONDS, C(derived.observed),
	    .doc = "seconds the capture watched the connection after its first SYN (to the capture's end when it was still open)"),
	ROW("tcp.open_at_end", TD_FT_BOOL, C(open_at_end), .omit_zero = true,
	    .doc = "the connection was still open when its capture file ended"),
	ROW("tcp.synack_frame", TD_FT_FRAME, C(tcp.synack_frame), .doc = "frame of the SYN-ACK"),
	ROW("tcp.synack_ttl", TD_FT_U8, C(tcp.synack_ttl), IF_C(tcp.synack_frame),
	    .doc = "IP TTL (hop limit) of the SYN-ACK: the server's distance"),
	ROW("tcp.reset_by", TD_FT_WHO, C(tcp.reset_by), .doc = "who sent the first RST: client or server"),
	ROW("tcp.rst_frame", TD_FT_FRAME, C(tcp.rst_frame), .doc = "frame of the first RST"),
	ROW("tcp.rst_ttl", TD_FT_U8, C(tcp.rst_ttl), IF_C(tcp.rst_frame), .doc = "IP TTL of that RST"),
	ROW("tcp.reset_windows_error", TD_FT_STR, C(derived.reset_windows),
	    .doc = "0x2746 (WSAECONNRESET) when the server side reset the connection"),
	ROW("tcp.rst_ttl_differs", TD_FT_BOOL, C(derived.rst_ttl_differs), .omit_zero = true,
	    .doc = "the server-side RST's TTL differs from the SYN-ACK's: sent by a device on the path"),
	ROW("tcp.rst_before_data", TD_FT_BOOL, C(tcp.rst_before_data), IF_C(tcp.rst_frame),
	    .doc = "the RST came before any payload"),
	ROW("tcp.rst_answers_syn", TD_FT_BOOL, C(tcp.rst_answers_syn), IF_C(tcp.rst_frame),
	    .doc = "the RST answered the SYN (connection refused): the server's first packet, after nothing but SYNs from the client"),
	ROW("tcp.fin_by", TD_FT_WHO, C(tcp.fin_by), .doc = "who sent a FIN: client, server or both"),
	ROW("tcp.first_fin_by", TD_FT_WHO, C(tcp.first_fin_by), .doc = "who closed first"),
	ROW("tcp.fin_frame_client", TD_FT_FRAME, C(tcp.fin_frame_client), .doc = "frame of the client's FIN"),
	ROW("tcp.fin_frame_server", TD_FT_FRAME, C(tcp.fin_frame_server), .doc = "frame of the server's FIN"),
	ROW("tcp.first_frame", TD_FT_FRAME, C(tcp.first_frame), .doc = "first frame of the connection"),
	ROW("tcp.last_frame", TD_FT_FRAME, C(tcp.last_frame), .doc = "last frame of the connection"),
	ROW("tcp.first_time", TD_FT_TIME, C(tcp.first_ts), .doc = "time of the first frame"),
	ROW("tcp.last_time", TD_FT_TIME, C(tcp.last_ts), .doc = "time of the last frame"),
	ROW("tcp.packets", TD_FT_U64, C(tcp.packets), .doc = "packets in both directions"),
	ROW("tcp.bytes_client", TD_FT_U64, C(tcp.bytes[0]), .doc = "TCP payload bytes sent by the client"),
	ROW("tcp.bytes_server", TD_FT_U64, C(tcp.bytes[1]), .doc = "TCP payload bytes sent by the server"),
	ROW("tcp.midstream", TD_FT_BOOL, C(tcp.midstream), .doc = "no SYN seen: it started before the capture"),
	ROW("tcp.client_hole", TD_FT_BOOL, C(tcp.hole[0]), .omit_zero = true,
	    .doc = "a segment the client sent is not in the capture: the server acknowledged it (the capture lost it), or a later one of the client's came and nothing filled the gap"),
	ROW("tcp.server_hole", TD_FT_BOOL, C(tcp.hole[1]), .omit_zero = true,
	    .doc = "a segment the server sent is not in the capture: the client acknowledged it (the capture lost it), or a later one of the server's came and nothing filled the gap"),
	ROW("tcp.client_hole_frame", TD_FT_FRAME, C(tcp.hole_frame[0]), IF_C(tcp.hole[0]),
	    .doc = "where the client's hole shows: its first segment after the missing one, or the server's first ACK past what was captured"),
	ROW("tcp.server_hole_frame", TD_FT_FRAME, C(tcp.hole_frame[1]), IF_C(tcp.hole[1]),
	    .doc = "where the server's hole shows: its first segment after the missing one, or the client's first ACK past what was captured"),
	ROW("tcp.client_not_captured", TD_FT_U32, C(tcp.not_captured[0]), .omit_zero = true,
	    .doc = "bytes the client sent before its first captured data (in flight when the capture started): passed over"),
	ROW("tcp.server_not_captured", TD_FT_U32, C(tcp.not_captured[1]), .omit_zero = true,
	    .doc = "bytes the server sent before its first captured data (in flight when the capture started): passed over"),
	ROW("tcp.by_content", TD_FT_BOOL, C(tcp.by_content), .omit_zero = true,
	    .doc = "on no analyzed port: followed from its first client payload, a TLS or SSLv2 ClientHello"),
	ROW("tcp.reassembled", TD_FT_BOOL, C(tcp.reassembled), .doc = "libnids followed the stream"),
	ROW("tcp.snapped_packets", TD_FT_U64, C(tcp.snapped_packets), .omit_zero = true,
	    .doc = "packets the capture cut short of their length (snap length)"),
	ROW("tcp.not_reassembled_why", TD_FT_STR, C(tcp.not_reassembled_why),
	    .doc = "why the payload could not be followed"),

	ROW("handshake.end.by", TD_FT_WHO, C(derived.end_by),
	    .doc = "who ended the handshake (alert, reset or close): client or server; absent when it completed or was still open"),
	ROW("handshake.end.how", TD_FT_STR, C(derived.end_how),
	    .doc = "how the handshake ended: completed, alert, reset, close, capture-end (still open when the capture stopped), or stalled (no packet for --handshake-timeout seconds)"),
	ROW("handshake.end.frame", TD_FT_FRAME, C(derived.end_frame),
	    .doc = "the frame of that event (the later Finished when it completed)"),
	ROW("handshake.end.client_last", TD_FT_STR, C(derived.end_last[0]),
	    .doc = "the last message the client sent up to that frame (client_hello, certificate, encrypted_handshake, application_data ...)"),
	ROW("handshake.end.server_last", TD_FT_STR, C(derived.end_last[1]),
	    .doc = "the last message the server sent up to that frame (server_hello_done, encrypted_handshake, http_response ...)"),
	ROW("handshake.end.after_server_flight", TD_FT_BOOL, C(derived.end_after_server_flight), .omit_zero = true,
	    .doc = "the server's first flight was complete before the end (ServerHelloDone; in TLS 1.3 its encrypted flight)"),
	ROW("handshake.end.client_flight", TD_FT_BOOL, C(derived.end_client_flight), .omit_zero = true,
	    .doc = "the client had sent its second flight (Certificate, ClientKeyExchange, ChangeCipherSpec or Finished) before the end"),
	ROW("handshake.end.alert_inferred", TD_FT_BOOL, C(derived.end_alert_inferred), .omit_zero = true,
	    .doc = "the ending alert was encrypted: known by its size and place only"),
	ROW("handshake.end.open_for", TD_FT_SECONDS, C(derived.end_open_for),
	    .doc = "capture-end, stalled: seconds from the connection's last packet to the end of the capture (stalled: to the moment it was decided)"),
	ROW("handshake.client_carried_on", TD_FT_BOOL, C(derived.client_carried_on), .omit_zero = true,
	    .doc = "the handshake completed and the client sent application data: it accepted the server"),
	ROW("handshake.before_capture", TD_FT_BOOL, C(derived.before_capture), .omit_zero = true,
	    .doc = "the connection started before the capture, after its handshake: application data and no hello in it"),

	ROW("iphttps.identified", TD_FT_BOOL, C(derived.iphttps), .omit_zero = true,
	    .doc = "the connection is IP-HTTPS by what the wire shows (see iphttps.identified_by)"),
	ROW("iphttps.identified_by", TD_FT_STR, C(derived.iphttps_by),
	    .doc = "what showed it: user (--iphttps), request-line (POST /IPHTTPS), null-suites (the ClientHello offered NULL suites), http-api (Microsoft-HTTPAPI/2.0 answered)"),

	ROW("tls.seen", TD_FT_BOOL, T(tls_seen), .doc = "at least one TLS record"),
	ROW("tls.snapped", TD_FT_BOOL, T(snapped), .omit_zero = true,
	    .doc = "read from the record heads of segments the snap length cut: messages' types and lengths, plaintext alerts; no certificates, suites or extensions"),
	ROW("tls.handshake_complete", TD_FT_BOOL, C(derived.handshake_complete), .omit_zero = true,
	    .doc = "both Finished messages were seen (read, or inferred from encrypted records)"),
	ROW("tls.pattern", TD_FT_STR, C(derived.pattern),
	    .doc = "a named pattern of encrypted records that shows how a TLS 1.3 handshake ended (doc/diagnosis.md)"),
	ROW("tls.client_hello.seen", TD_FT_BOOL, T(ch.seen), IF_T(ch.seen), .doc = "a ClientHello was sent"),
	ROW("tls.client_hello.frame", TD_FT_FRAME, T(ch.frame), .doc = "its frame"),
	ROW("tls.client_hello.time", TD_FT_TIME, T(ch.ts), IF_T(ch.seen), .doc = "its time"),
	ROW("tls.client_hello.sslv2", TD_FT_BOOL, T(ch.sslv2), IF_T(ch.seen), .doc = "in the SSLv2-compatible format"),
	ROW("tls.client_hello.record_version", TD_FT_NAME16, T(ch.record_version), IF_T(ch.seen),
	    .reg = TD_REG_VERSION, .doc = "version in the record header"),
	ROW("tls.client_hello.version", TD_FT_NAME16, T(ch.version), IF_T(ch.seen), .reg = TD_REG_VERSION,
	    .doc = "legacy_version"),
	ROW("tls.client_hello.max_version", TD_FT_NAME16, T(ch.max_version), IF_T(ch.seen),
	    .reg = TD_REG_VERSION, .doc = "highest version offered (supported_versions, else legacy_version)"),
	ROW("tls.client_hello.session_id_length", TD_FT_U8, T(ch.session_id_len), IF_T(ch.seen),
	    .doc = "session id length (non-zero: resumption attempt or TLS 1.3 compatibility)"),
	ROW("tls.client_hello.cipher_suites", TD_FT_LIST16, LIST_T(ch.suites, ch.n_suites), IF_T(ch.seen),
	    .reg = TD_REG_CIPHER_SUITE, .doc = "cipher suites offered, in order (IANA names)"),
	ROW("tls.client_hello.null_suites", TD_FT_U16, T(ch.null_suites), IF_T(ch.seen),
	    .doc = "offered suites with NULL encryption (TLS_RSA_WITH_NULL_SHA ...)"),
	ROW("tls.client_hello.non_null_suites", TD_FT_U16, T(ch.non_null_suites), IF_T(ch.seen),
	    .doc = "offered suites that encrypt (GREASE and signalling values excluded)"),
	ROW("tls.client_hello.compression_methods", TD_FT_LIST8, LIST_T(ch.compression, ch.n_compression),
	    IF_T(ch.seen), .reg = TD_REG_COMPRESSION, .doc = "compression methods offered"),
	ROW("tls.client_hello.extensions", TD_FT_LIST16, LIST_T(ch.exts, ch.n_exts), IF_T(ch.seen),
	    .reg = TD_REG_EXTENSION, .doc = "extensions, in order"),
	ROW("tls.client_hello.sni", TD_FT_STR, T(ch.sni), .doc = "server_name (SNI)"),
	ROW("tls.client_hello.alpn", TD_FT_STR, T(ch.alpn), .doc = "ALPN protocols, comma-separated"),
	ROW("tls.client_hello.supported_versions", TD_FT_LIST16, LIST_T(ch.versions, ch.n_versions),
	    IF_T(ch.n_versions), .reg = TD_REG_VERSION, .doc = "supported_versions extension"),
	ROW("tls.client_hello.supported_groups", TD_FT_LIST16, LIST_T(ch.groups, ch.n_groups),
	    IF_T(ch.n_groups), .reg = TD_REG_GROUP, .doc = "supported_groups extension"),
	ROW("tls.client_hello.signature_algorithms", TD_FT_LIST16, LIST_T(ch.sigalgs, ch.n_sigalgs),
	    IF_T(ch.n_sigalgs), .reg = TD_REG_SIGALG, .doc = "signature_algorithms extension"),
	ROW("tls.client_hello.key_share_groups", TD_FT_LIST16, LIST_T(ch.key_shares, ch.n_key_shares),
	    IF_T(ch.n_key_shares), .reg = TD_REG_GROUP, .doc = "groups of the key_share entries"),
	ROW("tls.client_hello.ec_point_formats", TD_FT_LIST8, LIST_T(ch.ec_formats, ch.n_ec_formats),
	    IF_T(ch.n_ec_formats), .reg = TD_REG_EC_POINT_FORMAT, .doc = "ec_point_formats extension"),
	ROW("tls.client_hello.grease", TD_FT_U16, T(ch.grease), IF_T(ch.seen),
	    .doc = "GREASE values among suites and extensions (RFC 8701)"),
	ROW("tls.client_hello.ja3", TD_FT_STR, T(ch.ja3), .doc = "JA3 string"),
	ROW("tls.client_hello.ja3_hash", TD_FT_STR, T(ch.ja3_hash), .doc = "JA3 (MD5 of the string)"),
	ROW("tls.client_hello.ja4", TD_FT_STR, T(ch.ja4), .doc = "JA4 fingerprint"),
	ROW("tls.client_hello.ja4_r", TD_FT_STR, T(ch.ja4_r), .doc = "JA4 raw (unhashed) form"),

	ROW("tls.server_hello.seen", TD_FT_BOOL, T(sh.seen), IF_T(sh.seen), .doc = "a ServerHello was received"),
	ROW("tls.server_hello.frame", TD_FT_FRAME, T(sh.frame), .doc = "its frame"),
	ROW("tls.server_hello.time", TD_FT_TIME, T(sh.ts), IF_T(sh.seen), .doc = "its time"),
	ROW("tls.server_hello.hello_retry_request", TD_FT_BOOL, T(sh.hrr), IF_T(sh.seen),
	    .doc = "it was a HelloRetryRequest"),
	ROW("tls.server_hello.version", TD_FT_NAME16, T(sh.version), IF_T(sh.seen), .reg = TD_REG_VERSION,
	    .doc = "legacy_version"),
	ROW("tls.server_hello.selected_version", TD_FT_NAME16, T(sh.selected_version), IF_T(sh.seen),
	    .reg = TD_REG_VERSION, .doc = "the negotiated version (supported_versions, else legacy_version)"),
	ROW("tls.server_hello.cipher_suite", TD_FT_NAME16, T(sh.suite), IF_T(sh.seen),
	    .reg = TD_REG_CIPHER_SUITE, .doc = "the chosen cipher suite"),
	ROW("tls.server_hello.null_cipher", TD_FT_BOOL, T(sh.null_cipher), IF_T(sh.seen),
	    .doc = "the chosen suite has NULL encryption"),
	ROW("tls.server_hello.compression", TD_FT_NAME8, T(sh.compression), IF_T(sh.seen),
	    .reg = TD_REG_COMPRESSION, .doc = "the chosen compression method"),
	ROW("tls.server_hello.session_id_length", TD_FT_U8, T(sh.session_id_len), IF_T(sh.seen),
	    .doc = "session id length"),
	ROW("tls.server_hello.extensions", TD_FT_LIST16, LIST_T(sh.exts, sh.n_exts), IF_T(sh.seen),
	    .reg = TD_REG_EXTENSION, .doc = "extensions, in order"),
	ROW("tls.server_hello.alpn", TD_FT_STR, T(sh.alpn), .doc = "the chosen ALPN protocol"),
	ROW("tls.server_hello.key_share_group", TD_FT_NAME16, T(sh.key_share_group), .omit_zero = true,
	    .reg = TD_REG_GROUP, .doc = "TLS 1.3 key exchange group"),
	ROW("tls.server_hello.ja3s", TD_FT_STR, T(sh.ja3s), .doc = "JA3S string"),
	ROW("tls.server_hello.ja3s_hash", TD_FT_STR, T(sh.ja3s_hash), .doc = "JA3S (MD5 of the string)"),

	ROW("tls.server_certificate.frame", TD_FT_FRAME, T(server_certs.frame),
	    .doc = "frame of the server's Certificate message"),
	ROW("tls.server_certificate.count", TD_FT_U32, T(server_certs.count), IF_T(server_certs.seen),
	    .doc = "certificates in the chain"),
	ROW("tls.certificate_request.seen", TD_FT_BOOL, T(cert_request.seen), IF_T(cert_request.seen),
	    .doc = "the server asked for a client certificate"),
	ROW("tls.certificate_request.frame", TD_FT_FRAME, T(cert_request.frame), .doc = "its frame"),
	ROW("tls.certificate_request.inferred", TD_FT_BOOL, C(derived.tls13_cert_requested), .omit_zero = true,
	    .doc = "the client's flight carried a Certificate, so the server asked for one: in TLS 1.3 from record sizes, in a snapped capture from the client's Certificate (the request unseen)"),
	ROW("tls.certificate_request.types", TD_FT_LIST8, LIST_T(cert_request.types, cert_request.n_types),
	    IF_T(cert_request.seen), .reg = TD_REG_CERT_TYPE, .doc = "certificate types accepted"),
	ROW("tls.certificate_request.signature_algorithms", TD_FT_LIST16,
	    LIST_T(cert_request.sigalgs, cert_request.n_sigalgs), IF_T(cert_request.n_sigalgs),
	    .reg = TD_REG_SIGALG, .doc = "signature algorithms accepted"),
	ROW("tls.certificate_request.ca_names", TD_FT_U16, T(cert_request.n_ca_names), IF_T(cert_request.seen),
	    .doc = "CA distinguished names listed"),
	ROW("tls.server_key_exchange.frame", TD_FT_FRAME, T(ske.frame), .doc = "frame of the ServerKeyExchange"),
	ROW("tls.server_key_exchange.dh_bits", TD_FT_U16, T(ske.dh_bits), .omit_zero = true,
	    .doc = "size of the DHE prime in bits"),
	ROW("tls.server_key_exchange.ecdhe_group", TD_FT_NAME16, T(ske.ecdhe_group), .omit_zero = true,
	    .reg = TD_REG_GROUP, .doc = "the ECDHE named group"),
	ROW("tls.server_hello_done.frame", TD_FT_FRAME, T(server_hello_done_frame),
	    .doc = "frame of the ServerHelloDone"),
	ROW("tls.client_certificate.frame", TD_FT_FRAME, T(client_certs.frame),
	    .doc = "frame of the client's Certificate message"),
	ROW("tls.client_certificate.count", TD_FT_U32, T(client_certs.count), IF_T(client_certs.seen),
	    .doc = "certificates the client sent (0: an empty Certificate)"),
	ROW("tls.client_certificate.empty", TD_FT_BOOL, T(client_certs.empty), IF_T(client_certs.seen),
	    .doc = "the client sent an empty Certificate"),
	ROW("tls.client_certificate.inferred", TD_FT_STR, C(derived.tls13_client_cert),
	    .doc = "TLS 1.3, from the sizes of the client's encrypted flight: none (Finished only), empty (an empty Certificate) or sent (a certificate and its CertificateVerify)"),
	ROW("tls.client_certificate.rejected", TD_FT_BOOL, C(derived.after_client_certificate), .omit_zero = true,
	    .doc = "the server's alert or close came after the client's Certificate"),
	ROW("tls.client_key_exchange.frame", TD_FT_FRAME, T(client_key_exchange_frame),
	    .doc = "frame of the ClientKeyExchange"),
	ROW("tls.certificate_verify.frame", TD_FT_FRAME, T(certificate_verify_frame),
	    .doc = "frame of the CertificateVerify"),
	ROW("tls.new_session_tickets", TD_FT_U32, T(new_session_tickets), .omit_zero = true,
	    .doc = "readable NewSessionTicket messages"),
	ROW("tls.null_plaintext", TD_FT_BOOL, T(null_plaintext),
	    .doc = "records after ChangeCipherSpec were read as NULL-cipher plaintext"),
	DIR_ROWS("client", 0),
	DIR_ROWS("server", 1),
	ROW("tls.server.sslv2_hello_frame", TD_FT_FRAME, T(sslv2_server_hello_frame),
	    .doc = "the server answered with an SSLv2 SERVER-HELLO: an SSLv2 session (tls.sslv2.*)"),
	ROW("tls.sslv2.client_ciphers", TD_FT_STR, T(sslv2.client_ciphers),
	    .doc = "the SSLv2 cipher kinds of an SSLv2-format ClientHello (SSL_CK_RC4_128_WITH_MD5 ...); TLS suites in it are tls.client_hello.cipher_suites"),
	ROW("tls.sslv2.session_id_hit", TD_FT_BOOL, T(sslv2.session_id_hit), IF_T(sslv2_server_hello_frame),
	    .doc = "SERVER-HELLO: the server resumed the session"),
	ROW("tls.sslv2.server_ciphers", TD_FT_STR, T(sslv2.server_ciphers), .doc = "SERVER-HELLO: the cipher kinds the server offers"),
	ROW("tls.sslv2.master_key_frame", TD_FT_FRAME, T(sslv2.master_key_frame), .doc = "frame of the CLIENT-MASTER-KEY"),
	ROW("tls.sslv2.cipher", TD_FT_STR, T(sslv2.cipher), .doc = "the cipher kind the client chose in it"),
	ROW("tls.sslv2.error_frame", TD_FT_FRAME, T(sslv2.error_frame), .doc = "frame of the first SSLv2 ERROR message"),
	ROW("tls.sslv2.error_code", TD_FT_U16, T(sslv2.error_code), IF_T(sslv2.error_frame),
	    .doc = "its code: 1 NO-CIPHER, 2 NO-CERTIFICATE, 4 BAD-CERTIFICATE, 6 UNSUPPORTED-CERTIFICATE-TYPE"),
	ROW("tls.sslv2.error_by", TD_FT_WHO, T(sslv2.error_by), .doc = "who sent it"),
	ALERT_ROWS("client", 0),
	ALERT_ROWS("server", 1),

	HTTP_REQ_ROWS("http.request", http_req, "HTTP request head inside TLS"),
	HTTP_RESP_ROWS("http.response", http_resp, "HTTP response head inside TLS"),
	ROW("http.sstp", TD_FT_BOOL, T(sstp_seen), IF_T(sstp_seen), .doc = "an SSTP_DUPLEX_POST request (SSTP VPN)"),
	ROW("http.iphttps_ok", TD_FT_BOOL, C(derived.iphttps_ok), .omit_zero = true,
	    .doc = "POST /IPHTTPS answered 200 by Microsoft-HTTPAPI/2.0: the IP-HTTPS tunnel is up"),
	HTTP_REQ_ROWS("proxy.request", proxy_req, "request to the proxy (CONNECT)"),
	HTTP_RESP_ROWS("proxy.response", proxy_resp, "proxy's answer"),
	ROW("proxy.tunnel_open", TD_FT_BOOL, T(tunnel_open), IF_T(proxy_req.seen),
	    .doc = "the proxy answered the CONNECT with 2xx"),
	ROW("preamble.protocol", TD_FT_STR, T(preamble.protocol),
	    .doc = "the plaintext protocol before TLS: smtp, imap, pop3, ftp, ldap, xmpp, nntp, irc, postgresql, mysql, rdp, socks4 or socks5"),
	ROW("preamble.command.frame", TD_FT_FRAME, T(preamble.command_frame),
	    .doc = "frame of the client's upgrade command (STARTTLS, STLS, AUTH TLS, the LDAP StartTLS request, SSLRequest, the MySQL SSL request, the RDP X.224 Connection Request; SOCKS: the CONNECT request)"),
	ROW("preamble.command.text", TD_FT_STR, T(preamble.command), .doc = "that command as text (binary ones described)"),
	ROW("preamble.answer.frame", TD_FT_FRAME, T(preamble.answer_frame),
	    .doc = "frame of the server's answer to it (MySQL: its greeting, which offers SSL or not)"),
	ROW("preamble.answer.code", TD_FT_U32, T(preamble.code), IF_T(preamble.has_code),
	    .doc = "the answer's code: SMTP/FTP/NNTP/IRC reply code, LDAP resultCode, RDP selectedProtocol or failureCode, SOCKS reply"),
	ROW("preamble.answer.text", TD_FT_STR, T(preamble.text), .doc = "the answer as text"),
	ROW("preamble.accepted", TD_FT_BOOL, T(preamble.accepted), IF_T(preamble.answer_frame),
	    .doc = "the server agreed: TLS follows (SOCKS: the tunnel is open)"),
	ROW("preamble.refused", TD_FT_BOOL, T(preamble.refused), IF_T(preamble.answer_frame),
	    .doc = "the server refused the upgrade (SOCKS: the CONNECT)"),
	ROW("preamble.socks.target", TD_FT_STR, T(preamble.target), .doc = "SOCKS: the host:port the client asked for"),
	ROW("non_tls.client.frame", TD_FT_FRAME, T(non_tls_frame[0]), .doc = "where the client sent non-TLS bytes"),
	ROW("non_tls.client.first_line", TD_FT_STR, T(non_tls_line[0]), .doc = "their first line"),
	ROW("non_tls.server.frame", TD_FT_FRAME, T(non_tls_frame[1]), .doc = "where the server sent non-TLS bytes"),
	ROW("non_tls.server.first_line", TD_FT_STR, T(non_tls_line[1]), .doc = "their first line"),

	ROW("x509.server.chain", TD_FT_CHAIN, X(server), IF_X(server.seen),
	    .doc = "the server's certificates, leaf first, decoded (display only; see doc/certificates.md)"),
	ROW("x509.server.count", TD_FT_U16, X(server.n), IF_X(server.seen), .doc = "certificates decoded"),
	ROW("x509.server.unparsed", TD_FT_U16, X(server.unparsed), IF_X(server.seen),
	    .doc = "certificates whose DER does not parse"),
	ROW("x509.server.ordered", TD_FT_BOOL, X(server.ordered), IF_X(server.seen),
	    .doc = "every certificate is issued (and signed) by the next one"),
	ROW("x509.server.ends_self_signed", TD_FT_BOOL, X(server.ends_self_signed), IF_X(server.seen),
	    .doc = "the last certificate sent is self-signed"),
	ROW("x509.server.incomplete", TD_FT_BOOL, X(server.incomplete), IF_X(server.seen),
	    .doc = "the last certificate sent is no CA: its issuer (an intermediate, or a root the client must hold) was not sent"),
	ROW("x509.server.missing_intermediate", TD_FT_BOOL, X(server.missing_intermediate),
	    IF_X(server.verify_attempted), .doc = "incomplete and the trust anchors do not hold its issuer"),
	ROW("x509.server.trusted", TD_FT_BOOL, X(server.trusted), IF_X(server.verify_attempted),
	    .doc = "the chain verifies to an anchor at the capture's time (--ca-file, --ca-path, --system-ca)"),
	ROW("x509.server.chain_untrusted", TD_FT_BOOL, X(server.chain_untrusted), IF_X(server.verify_attempted),
	    .doc = "the chain does not verify for trust (unknown issuer, untrusted root, bad signature), not for its dates"),
	ROW("x509.server.verify_error", TD_FT_STR, X(server.verify_error), .doc = "OpenSSL's verify result, e.g. X509_V_ERR_CERT_HAS_EXPIRED"),
	ROW("x509.server.verify_reason", TD_FT_STR, X(server.verify_reason), .doc = "OpenSSL's sentence for it"),
	ROW("x509.server.expected_name", TD_FT_STR, X(server.expected_name),
	    .doc = "the name the client wanted (--server-name, else SNI, else the HTTP Host)"),
	ROW("x509.server.name_source", TD_FT_STR, X(server.name_source), .doc = "option, sni or http-host"),
	ROW("x509.server.name_matched", TD_FT_BOOL, X(server.name_matched), IF_X(server.name_checked),
	    .doc = "the leaf covers the expected name (RFC 6125: DNS SANs, else the CN; one-label wildcards)"),
	ROW("x509.server.matched_name", TD_FT_STR, X(server.matched_name), .doc = "the certificate's name that matched"),
	ROW("x509.server.cn_matches", TD_FT_BOOL, X(server.cn_matches), IF_X(server.name_checked),
	    .doc = "the subject CN itself covers the expected name"),
	ROW("x509.server.multi_san_not_subject", TD_FT_BOOL, X(server.multi_san_not_subject),
	    IF_X(server.name_checked),
	    .doc = "several DNS SANs and the name only among them: DirectAccess IP-HTTPS wants it as the subject"),
	ROW("x509.server.expect_issuer_ok", TD_FT_BOOL, X(server.expect_issuer_ok),
	    IF_X(server.expect_issuer_checked), .doc = "the leaf's issuer contains an --expect-issuer text"),
	ROW("x509.server.expect_fingerprint_ok", TD_FT_BOOL, X(server.expect_fingerprint_ok),
	    IF_X(server.expect_fingerprint_checked), .doc = "the leaf's SHA-256 is one of --expect-fingerprint"),
	ROW("x509.server.inspection_product", TD_FT_STR, X(server.inspection_product),
	    .doc = "a TLS-inspection product whose CA issued a certificate of the chain"),
	ROW("x509.server.resigned", TD_FT_BOOL, X(server.resigned), IF_X(server.seen),
	    .doc = "the names cover the request but the issuer is not the expected one (pinned, trusted or an inspection CA)"),
	ROW("x509.server.inspection_wording", TD_FT_STR, X(server.inspection_wording),
	    .doc = "a word of TLS inspection (inspection, decrypt, SSL proxy, forward trust, intercept, MITM, outbound ...) in an issuer or the leaf's subject"),
	ROW("x509.server.fresh_leaf", TD_FT_BOOL, X(server.fresh_leaf), IF_X(server.seen),
	    .doc = "the leaf became valid minutes before the capture: minted on the fly"),
	ROW("x509.server.device_self_signed", TD_FT_BOOL, X(server.device_self_signed), IF_X(server.seen),
	    .doc = "a self-signed leaf that does not cover the requested name: a device answering itself"),
	ROW("x509.server.ecdsa", TD_FT_BOOL, X(server.ecdsa_leaf), IF_X(server.seen),
	    .doc = "the leaf has an EC key: no NULL cipher suites are possible with it"),
	ROW("x509.server.earlier_issuer", TD_FT_STR, X(server.earlier_issuer),
	    .doc = "an earlier connection of the run to the same name had a leaf from this other issuer"),
	ROW("x509.server.client_cert_dropped", TD_FT_BOOL, X(server.client_cert_dropped), .omit_zero = true,
	    IF_X(server.seen), .doc = "no CertificateRequest, where an earlier TLS 1.2 connection to the same name had one"),
	ROW("x509.server.issuer_sites", TD_FT_U16, X(server.issuer_sites), IF_X(server.seen),
	    .doc = "unrelated sites (last two labels of the name) the leaf's issuer signed for in the run so far"),
	ROW("x509.server.only_issuer", TD_FT_BOOL, X(server.only_issuer), IF_X(server.seen),
	    .doc = "every server leaf of the run so far came from this issuer"),
	ROW("x509.server.inspection_signal_count", TD_FT_U8, X(server.n_inspection_signals), IF_X(server.seen),
	    .doc = "how many signs of re-signing the chain shows (see inspection_signals)"),
	ROW("x509.server.inspection_signals", TD_FT_STR, X(server.inspection_signals),
	    .doc = "the signs of re-signing, in words: inspection wording, a fresh leaf, an unexpected issuer, NULL suites refused, another issuer for the name earlier, one issuer for every site, a CertificateRequest no longer sent"),
	LEAF_ROWS("x509.server.leaf", SL),
	ROW("x509.client.chain", TD_FT_CHAIN, X(client), IF_X(client.seen),
	    .doc = "the client's certificates, leaf first, decoded (display only)"),
	ROW("x509.client.count", TD_FT_U16, X(client.n), IF_X(client.seen), .doc = "certificates decoded"),
	ROW("x509.client.trusted", TD_FT_BOOL, X(client.trusted), IF_X(client.verify_attempted),
	    .doc = "the client's chain verifies to an anchor at the capture's time"),
	ROW("x509.client.verify_error", TD_FT_STR, X(client.verify_error), .doc = "OpenSSL's verify result"),
	LEAF_ROWS("x509.client.leaf", CL),
	ROW("x509.client_auth.requested", TD_FT_BOOL, X(client_auth.requested), IF_X(client_auth.requested),
	    .doc = "the server sent a CertificateRequest"),
	ROW("x509.client_auth.ca_names", TD_FT_STR, X(client_auth.ca_names),
	    .doc = "the CA names it listed (RFC 2253, '; '-separated)"),
	ROW("x509.client_auth.sent_empty", TD_FT_BOOL, X(client_auth.sent_empty), IF_X(client_auth.requested),
	    .doc = "the client answered with an empty Certificate"),
	ROW("x509.client_auth.issuer_listed", TD_FT_BOOL, X(client_auth.issuer_listed), IF_X(client_auth.requested),
	    .doc = "the client's issuer (or a CA of its chain) is among the listed names"),
	ROW("x509.client_auth.eku_allows_client_auth", TD_FT_BOOL, X(client_auth.eku_allows_client_auth),
	    IF_X(client_auth.requested), .doc = "the client's leaf has no EKU, or clientAuth"),
};

const size_t td_facts_count = TD_ARRAY_LEN(td_facts_table);

static uint64_t read_uint(const uint8_t *p, size_t size)
{
	switch (size) {
	case 1: return *p;
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

static const uint8_t *base_of(const struct td_facts *f, enum td_fbase b)
{
	const struct td_x509_facts *x = f->x509;
	switch (b) {
	case TD_FB_CONN: return (const uint8_t *)f;
	case TD_FB_TLS: return (const uint8_t *)f->tls;
	case TD_FB_X509: return (const uint8_t *)x;
	case TD_FB_SLEAF: return x && x->server.n ? (const uint8_t *)&x->server.certs[0] : NULL;
	case TD_FB_CLEAF: return x && x->client.n ? (const uint8_t *)&x->client.certs[0] : NULL;
	}
	return NULL;
}

static size_t uint_size(enum td_ftype t)
{
	switch (t) {
	case TD_FT_U16: case TD_FT_NAME16: return 2;
	case TD_FT_U32: case TD_FT_CAPS: case TD_FT_I32: return 4;
	case TD_FT_U64: case TD_FT_FRAME: case TD_FT_EPOCH: return 8;
	default: return 1;
	}
}

void td_endpoint_text(const struct td_ip *ip, uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	struct td_sbuf b;
	td_sb_init(&b, buf, len);
	if (ip->family == 6) {
		td_sb_s(&b, "[");
		td_sb_s(&b, inet_ntop(AF_INET6, ip->addr, a, sizeof(a)) ? a : "?");
		td_sb_s(&b, "]");
	} else {
		td_sb_put(&b, a, td_fmt_ipv4(a, ip->addr));
	}
	td_sb_s(&b, ":");
	td_sb_u(&b, port);
}

static void ip_string(const struct td_ip *ip, char *buf, size_t len)
{
	if (ip->family != 6 && len >= 16)
		td_fmt_ipv4(buf, ip->addr);
	else if (!inet_ntop(ip->family == 6 ? AF_INET6 : AF_INET, ip->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* Every field but buf, one store each: a compound literal (or memset) clears
 * the 64-byte buf too, with a rep stos that was half of this function's time
 * in the JSON report, which reads every fact of every connection. */
static void clear_value(struct td_value *v)
{
	v->kind = TD_V_BOOL;
	v->b = false;
	v->num = 0;
	v->has_num = false;
	v->str = NULL;
	v->buf[0] = '\0';
	v->items = NULL;
	v->n = 0;
	v->item_size = 0;
	v->reg = -1;
	v->bits = 0;
	v->chain = NULL;
}

bool td_fact_get(const struct td_facts *f, const struct td_fact_desc *d, struct td_value *v)
{
	const uint8_t *base = base_of(f, d->base);
	/* Most facts of a connection are absent: said before v is cleared.
	 * A caller reads v only when the fact is present. */
	if (!base)
		return false;
	if (d->present_off && read_uint(base + d->present_off - 1, d->present_size) == 0)
		return false;
	clear_value(v);
	const uint8_t *p = base + d->off;
	uint64_t n;
	switch (d->type) {
	case TD_FT_BOOL:
		v->kind = TD_V_BOOL;
		v->b = *(const bool *)p;
		return v->b || !d->omit_zero;
	case TD_FT_TIME:
		v->kind = TD_V_NUM;
		memcpy(&v->num, p, sizeof(double));
		return true;
	case TD_FT_SECONDS:
		v->kind = TD_V_NUM;
		memcpy(&v->num, p, sizeof(double));
		/* Microseconds, as captures keep; spans beyond 2^53 us (hostile
		 * timestamps) are left alone rather than overflow the rounding. */
		if (v->num > 0 && v->num < 9e9)
			v->num = (double)(int64_t)(v->num * 1e6 + 0.5) / 1e6;
		return v->num > 0;
	case TD_FT_STR:
		v->kind = TD_V_STR;
		v->str = (const char *)p;
		return v->str[0] != '\0';
	case TD_FT_IP:
		v->kind = TD_V_STR;
		ip_string((const struct td_ip *)p, v->buf, sizeof(v->buf));
		v->str = v->buf;
		return true;
	case TD_FT_LIST8:
	case TD_FT_LIST16:
		v->kind = TD_V_LIST;
		v->items = p;
		v->n = (size_t)read_uint(base + d->count_off, d->count_size);
		v->item_size = d->type == TD_FT_LIST8 ? 1 : 2;
		v->reg = d->reg;
		return true;
	case TD_FT_CHAIN:
		v->kind = TD_V_CHAIN;
		v->chain = p;
		return true;
	case TD_FT_I32: {
		int32_t i;
		memcpy(&i, p, sizeof(i));
		v->kind = TD_V_NUM;
		v->num = i;
		return true;
	}
	case TD_FT_EPOCH: {
		int64_t t;
		memcpy(&t, p, sizeof(t));
		v->kind = TD_V_STR;
		v->num = (double)t;
		v->has_num = true;
		td_iso_time(t, v->buf, sizeof(v->buf));
		v->str = v->buf;
		return true;
	}
	case TD_FT_CAPS:
		v->kind = TD_V_LIST;
		v->bits = (uint32_t)read_uint(p, 4);
		v->n = (size_t)__builtin_popcount(v->bits);
		return v->bits != 0;
	default:
		break;
	}
	n = read_uint(p, uint_size(d->type));
	if ((d->omit_zero || d->type == TD_FT_FRAME || d->type == TD_FT_WHO) && n == 0)
		return false;
	switch (d->type) {
	case TD_FT_WHO:
		v->kind = TD_V_STR;
		v->str = td_who_name((enum td_who)n);
		return true;
	case TD_FT_STAGE:
		v->kind = TD_V_STR;
		v->str = td_stage_name((enum td_stage)n);
		return true;
	case TD_FT_LEVEL:
		v->kind = TD_V_STR;
		v->str = n == 1 ? "warning" : n == 2 ? "fatal" : "unknown";
		return true;
	case TD_FT_NAME8:
	case TD_FT_NAME16:
		v->kind = TD_V_STR;
		v->str = td_name_fmt((enum td_registry)d->reg, (uint32_t)n, v->buf, sizeof(v->buf));
		v->num = (double)n;
		v->has_num = true;
		return true;
	default:
		v->kind = TD_V_NUM;
		v->num = (double)n;
		return true;
	}
}

uint32_t td_value_item(const struct td_value *v, size_t i)
{
	const uint8_t *p = (const uint8_t *)v->items + i * v->item_size;
	return (uint32_t)read_uint(p, v->item_size);
}

const char *td_value_item_name(const struct td_value *v, size_t i, char *buf, size_t buflen)
{
	if (v->bits) {
		/* i-th set bit */
		for (unsigned bit = 0; bit < 32; bit++)
			if ((v->bits & (1u << bit)) && i-- == 0)
				return td_cap_name((enum td_cap)bit);
		return "unknown";
	}
	uint32_t x = td_value_item(v, i);
	if (v->reg < 0) {
		snprintf(buf, buflen, "%u", x);
		return buf;
	}
	return td_name_fmt((enum td_registry)v->reg, x, buf, buflen);
}

/* Names to rows, open addressing: the rules' templates and evidence look
 * facts up by name for every connection, and a scan of the table was a
 * tenth of a run. Built on the first lookup; the table never changes. */
#define NAME_SLOTS 2048
_Static_assert(NAME_SLOTS >= 2 * TD_ARRAY_LEN(td_facts_table), "the name index stays half empty");

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static const struct td_fact_desc *name_slot[NAME_SLOTS];

static void name_index_build(void)
{
	for (size_t i = 0; i < td_facts_count; i++) {
		uint32_t h = name_hash(td_facts_table[i].name) % NAME_SLOTS;
		while (name_slot[h])
			h = (h + 1) % NAME_SLOTS;
		name_slot[h] = &td_facts_table[i];
	}
}

static const struct td_fact_desc *const *name_index(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, name_index_build);
	return name_slot;
}

const struct td_fact_desc *td_fact_find(const char *name)
{
	const struct td_fact_desc *const *slot = name_index();
	for (uint32_t h = name_hash(name) % NAME_SLOTS; slot[h]; h = (h + 1) % NAME_SLOTS)
		if (strcmp(slot[h]->name, name) == 0)
			return slot[h];
	return NULL;
}

/* Two digits of v (0..99) at p. */
static void two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* 1970-01-01 to 9999-12-31 without gmtime_r and strftime (printed for every
 * certificate of every connection): days to a civil date by the
 * era-of-400-years method (H. Hinnant, "chrono-compatible low-level date
 * algorithms"). */
static bool iso_fast(int64_t t, char *buf, size_t len)
{
	if (t < 0 || t > 253402300799LL || len < 21)
		return false;
	int64_t days = t / 86400, sod = t % 86400;
	int64_t z = days + 719468, era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	unsigned y = (unsigned)(yoe + era * 400) + (m <= 2);
	two(buf, y / 100);
	two(buf + 2, y % 100);
	buf[4] = '-';
	two(buf + 5, m);
	buf[7] = '-';
	two(buf + 8, d);
	buf[10] = 'T';
	two(buf + 11, (unsigned)(sod / 3600));
	buf[13] = ':';
	two(buf + 14, (unsigned)(sod / 60 % 60));
	buf[16] = ':';
	two(buf + 17, (unsigned)(sod % 60));
	buf[19] = 'Z';
	buf[20] = '\0';
	return true;
}

void td_iso_time(int64_t t, char *buf, size_t len)
{
	if (iso_fast(t, buf, len))
		return;
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

const char *td_ftype_name(enum td_ftype t)
{
	switch (t) {
	case TD_FT_CHAIN: return "chain";
	case TD_FT_EPOCH: return "string";
	case TD_FT_BOOL: return "bool";
	case TD_FT_FRAME: return "frame";
	case TD_FT_TIME: return "time";
	case TD_FT_LIST8: case TD_FT_LIST16: case TD_FT_CAPS: return "list";
	case TD_FT_STR: case TD_FT_IP: case TD_FT_WHO: case TD_FT_STAGE: case TD_FT_NAME8:
	case TD_FT_NAME16: case TD_FT_LEVEL: return "string";
	default: return "number";
	}
}
