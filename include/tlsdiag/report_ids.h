/*
 * Identifiers that let JSON records join with other tools (doc/json.md):
 * the Community ID flow hash (v1, https://github.com/corelight/community-id-spec),
 * shared with Zeek, Suricata and Arkime, and a Zeek-like connection uid that
 * is the same for the same connection in every run over the same capture.
 */
#ifndef TLSDIAG_REPORT_IDS_H
#define TLSDIAG_REPORT_IDS_H

#include <stddef.h>
#include <stdint.h>
#include "tlsdiag/facts.h"

#define TD_COMMUNITY_ID_MAX 32   /* "1:" + 28 base64 characters + NUL */
#define TD_UID_MAX 19            /* "C" + 17 base62 digits + NUL */

/* Community ID v1 of a TCP/UDP-like 5-tuple (proto: 6 TCP, 17 UDP ...) with
 * the given seed: SHA-1 over seed (2 bytes, big-endian), the lower endpoint's
 * address, the other's address, proto, a zero byte, the lower endpoint's
 * port, the other's port (big-endian), base64, prefixed "1:". The lower
 * endpoint is the one whose address is smaller bytewise, or the same address
 * and the smaller port. "" when the families differ or are unknown. */
void td_community_id(const struct td_ip *src, uint16_t sport, const struct td_ip *dst, uint16_t dport,
		     uint8_t proto, uint16_t seed, char out[TD_COMMUNITY_ID_MAX]);

/* The connection's uid: "C" and 17 base62 digits of the first 96 bits of a
 * SHA-256 over the client address, server address, client port, server port
 * and the first packet's time in microseconds (doc/json.md, "uid"). */
void td_conn_uid(const struct td_tcp_facts *t, char out[TD_UID_MAX]);

/* Seconds since the epoch as ISO 8601 UTC with microseconds,
 * "2026-11-24T12:32:26.573751Z"; outside years 1..9999 (or not a number)
 * the seconds as a decimal number, like td_iso_time. */
void td_iso_time_us(double t, char *buf, size_t len);

#endif
