/*
 * IANA registries as static tables: value -> name. Adding a thing is adding
 * a row in src/names.c. Every lookup returns NULL for an unknown value;
 * td_name_fmt() falls back to "0x%04x" for 16-bit registries ("GREASE(0x0a0a)"
 * for GREASE values) and "unknown_N" for 8-bit ones.
 */
#ifndef TLSDIAG_NAMES_H
#define TLSDIAG_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum td_registry {
	TD_REG_VERSION,        /* 0x0300 SSLv3 .. 0x0304 TLSv1.3, 0x0002 SSLv2 */
	TD_REG_CIPHER_SUITE,   /* IANA names: TLS_RSA_WITH_NULL_SHA ... */
	TD_REG_EXTENSION,      /* server_name, ... */
	TD_REG_GROUP,          /* secp256r1, x25519, ffdhe2048 ... */
	TD_REG_SIGALG,         /* rsa_pkcs1_sha256 ... */
	TD_REG_ALERT,          /* handshake_failure ... (8-bit) */
	TD_REG_HANDSHAKE,      /* client_hello ... (8-bit) */
	TD_REG_CONTENT_TYPE,   /* change_cipher_spec, alert, handshake, application_data, heartbeat */
	TD_REG_CERT_TYPE,      /* CertificateRequest certificate_types: rsa_sign ... */
	TD_REG_EC_POINT_FORMAT,/* uncompressed ... */
	TD_REG_COMPRESSION,    /* null, DEFLATE */
	TD_REG__COUNT
};

/* The registered name, or NULL when the value is not in the table. */
const char *td_name(enum td_registry reg, uint32_t value);
/* The name, or a fallback spelled into buf ("0x%04x" / "unknown_%u"). Never NULL. */
const char *td_name_fmt(enum td_registry reg, uint32_t value, char *buf, size_t buflen);
/* A handshake message type as the RFCs write it ("ClientHello"), else its
 * registry name ("client_hello"), else the fallback into buf. */
const char *td_handshake_name(uint16_t type, char *buf, size_t buflen);
/* A value by its registered name; false when unknown. Used by the rule language. */
bool td_name_value(enum td_registry reg, const char *name, uint32_t *value);

/* Walk a table (tests check order and uniqueness). */
size_t td_name_count(enum td_registry reg);
bool td_name_at(enum td_registry reg, size_t i, uint32_t *value, const char **name);

/* RFC 8701 GREASE values: 0x0a0a, 0x1a1a, ... 0xfafa. */
bool td_is_grease(uint16_t v);
/* Cipher suite with NULL bulk encryption (TLS_*_WITH_NULL_*), e.g. 0x0002, 0x003b. */
bool td_suite_is_null(uint16_t suite);
/* Cipher suite using ephemeral finite-field DH (DHE_* / EDH), for the weak-DH finding. */
bool td_suite_is_dhe(uint16_t suite);
/* Cipher suite using anonymous key exchange (no certificate). */
bool td_suite_is_anon(uint16_t suite);

#endif
