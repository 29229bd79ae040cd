/*
 * SSLv2 sessions: the record bodies after the CLIENT-HELLO.
 *
 * What is in the clear: the server's SERVER-HELLO (session-id hit, the
 * certificate, its cipher kinds), the client's CLIENT-MASTER-KEY (the kind
 * it chose) and ERROR messages. Once the master key went (or the session
 * was resumed) every record is encrypted: the client's first is its
 * CLIENT-FINISHED, the server's first two SERVER-VERIFY and SERVER-FINISHED
 * (a REQUEST-CERTIFICATE in between is not told apart); what follows is
 * application data. Those inferred Finished messages let the connection be
 * judged as any completed handshake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/rd.h"
#include "tlsdiag/tls_sslv2.h"

static const struct {
	uint32_t kind;
	const char *name;
} kinds[] = {
	{ 0x010080, "SSL_CK_RC4_128_WITH_MD5" },
	{ 0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5" },
	{ 0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5" },
	{ 0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5" },
	{ 0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5" },
	{ 0x060040, "SSL_CK_DES_64_CBC_WITH_MD5" },
	{ 0x0700c0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5" },
};

const char *td_sslv2_kind_name(uint32_t kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return NULL;
}

const char *td_sslv2_error_name(uint16_t code)
{
	switch (code) {
	case 1: return "NO-CIPHER-ERROR";
	case 2: return "NO-CERTIFICATE-ERROR";
	case 4: return "BAD-CERTIFICATE-ERROR";
	case 6: return "UNSUPPORTED-CERTIFICATE-TYPE-ERROR";
	default: return "unknown error";
	}
}

void td_sslv2_kinds_text(const uint8_t *specs, size_t len, char *out, size_t outlen)
{
	size_t o = 0;
	if (!outlen)
		return;
	out[0] = '\0';
	for (size_t i = 0; i + 3 <= len; i += 3) {
		if (specs[i] == 0)
			continue; /* a TLS suite in SSLv2 form */
		uint32_t k = (uint32_t)specs[i] << 16 | (uint32_t)specs[i + 1] << 8 | specs[i + 2];
		char hex[16];
		const char *name = td_sslv2_kind_name(k);
		if (!name) {
			snprintf(hex, sizeof(hex), "0x%06x", (unsigned)k);
			name = hex;
		}
		int n = snprintf(out + o, outlen - o, "%s%s", o ? ", " : "", name);
		if (n < 0 || (size_t)n >= outlen - o) {
			out[o] = '\0'; /* cut at a whole name */
			return;
		}
		o += (size_t)n;
	}
}

static void event(struct td_facts *f, enum td_dir dir, uint16_t code, size_t len, uint64_t frame, double ts)
{
	td_facts_event(f, frame, ts, dir, TD_EV_SSLV2_HELLO, code, (uint32_t)len, false);
}

/* SERVER-HELLO: session-id hit, certificate type, version, then the
 * lengths of the certificate, the cipher specs and the connection id. */
TD_MUST_USE static enum td_err server_hello(struct td_facts *f, struct td_rd *r, uint64_t frame, double ts)
{
	struct td_sslv2_facts *s = &f->tls->sslv2;
	uint8_t hit, cert_type;
	uint16_t version, cert_len, specs_len, conn_len;
	const uint8_t *cert, *specs;
	TD_TRY(td_rd_u8(r, &hit));
	TD_TRY(td_rd_u8(r, &cert_type));
	TD_TRY(td_rd_u16(r, &version));
	TD_TRY(td_rd_u16(r, &cert_len));
	TD_TRY(td_rd_u16(r, &specs_len));
	TD_TRY(td_rd_u16(r, &conn_len));
	if (specs_len % 3 || conn_len < 16 || conn_len > 32)
		return TD_E_RANGE;
	TD_TRY(td_rd_bytes(r, cert_len, &cert));
	TD_TRY(td_rd_bytes(r, specs_len, &specs));
	TD_TRY(td_rd_skip(r, conn_len));
	s->session_id_hit = hit != 0;
	s->server_version = version;
	td_sslv2_kinds_text(specs, specs_len, s->server_ciphers, sizeof(s->server_ciphers));
	/* The certificate, X.509 (type 1): the server's chain, one certificate. */
	struct td_cert_chain *c = &f->tls->server_certs;
	if (cert_len && cert_type == 1 && !c->seen) {
		c->seen = true;
		c->frame = frame;
		c->ts = ts;
		c->count = 1;
		if (f->max_certs && (c->certs = calloc(f->max_certs, sizeof(*c->certs)))) {
			if (!td_blob_set(&c->certs[0], cert, cert_len))
				return TD_E_NOMEM;
			c->kept = 1;
		}
	}
	return td_rd_done(r) ? TD_E_OK : TD_E_TRAILING;
}

/* CLIENT-MASTER-KEY: the cipher kind chosen, then the lengths of the
 * clear key, the encrypted key and the key argument, then those. */
TD_MUST_USE static enum td_err client_master_key(struct td_facts *f, struct td_rd *r, uint64_t frame)
{
	struct td_sslv2_facts *s = &f->tls->sslv2;
	const uint8_t *kind;
	uint16_t clear, enc, arg;
	TD_TRY(td_rd_bytes(r, 3, &kind));
	TD_TRY(td_rd_u16(r, &clear));
	TD_TRY(td_rd_u16(r, &enc));
	TD_TRY(td_rd_u16(r, &arg));
	TD_TRY(td_rd_skip(r, (size_t)clear + enc + arg));
	s->master_key_frame = frame;
	td_sslv2_kinds_text(kind, 3, s->cipher, sizeof(s->cipher));
	return td_rd_done(r) ? TD_E_OK : TD_E_TRAILING;
}

static void clear_record(struct td_facts *f, enum td_dir dir, const uint8_t *body, size_t len, uint64_t frame,
			 double ts)
{
	struct td_tls_facts *t = f->tls;
	struct td_rd r = td_rd_make(body, len);
	uint8_t type;
	enum td_err e = td_rd_u8(&r, &type);
	if (e == TD_E_OK && type == 0) { /* ERROR */
		uint16_t code;
		if ((e = td_rd_u16(&r, &code)) == TD_E_OK && !t->sslv2.error_frame) {
			t->sslv2.error_frame = frame;
			t->sslv2.error_code = code;
			t->sslv2.error_by = dir == TD_DIR_C2S ? TD_WHO_CLIENT : TD_WHO_SERVER;
		}
		if (e == TD_E_OK)
			event(f, dir, (uint16_t)(TD_SSLV2_EV_ERROR + (code & 0xff)), len, frame, ts);
	} else if (e == TD_E_OK && type == 4 && dir == TD_DIR_S2C) {
		t->sslv2_server_hello_frame = frame;
		event(f, dir, 4, len, frame, ts);
		e = server_hello(f, &r, frame, ts);
	} else if (e == TD_E_OK && type == 2 && dir == TD_DIR_C2S) {
		event(f, dir, 2, len, frame, ts);
		e = client_master_key(f, &r, frame);
	} else if (e == TD_E_OK) {
		event(f, dir, type, len, frame, ts);
	}
	if (e != TD_E_OK && !t->dir[dir].parse_error) {
		t->dir[dir].parse_error = true;
		t->dir[dir].parse_error_frame = frame;
		snprintf(t->dir[dir].parse_error_text, sizeof(t->dir[dir].parse_error_text), "SSLv2 message: %s",
			 td_err_str(e));
	}
}

/* An encrypted record: the Finished messages first, then data. */
static void encrypted_record(struct td_facts *f, enum td_dir dir, size_t len, uint64_t frame, double ts)
{
	struct td_tls_facts *t = f->tls;
	struct td_tls_dir_facts *d = &t->dir[dir];
	uint32_t n = ++t->sslv2.encrypted_records[dir];
	uint32_t finished_at = dir == TD_DIR_C2S ? 1 : 2; /* CLIENT-FINISHED; SERVER-VERIFY, SERVER-FINISHED */
	if (n < finished_at) {
		td_facts_event(f, frame, ts, dir, TD_EV_ENCRYPTED_HS, 0, (uint32_t)len, true);
		d->encrypted_hs_records++;
	} else if (n == finished_at) {
		td_facts_event(f, frame, ts, dir, TD_EV_ENCRYPTED_HS, 0, (uint32_t)len, true);
		d->encrypted_hs_records++;
		d->finished_seen = d->encrypted_finished = true;
		d->finished_frame = frame;
	} else {
		if (!d->first_app_frame)
			d->first_app_frame = frame;
		d->app_records++;
		d->app_bytes += len;
		td_facts_event(f, frame, ts, dir, TD_EV_APP_DATA, 0, (uint32_t)len, true);
	}
}

void td_sslv2_record(struct td_facts *f, enum td_dir dir, const uint8_t *body, size_t len, uint64_t frame,
		     double ts)
{
	struct td_tls_facts *t = f->tls;
	const struct td_sslv2_facts *s = &t->sslv2;
	t->dir[dir].records++;
	t->tls_seen = true;
	/* Keys are in use once the master key went, or from the server's
	 * SERVER-HELLO on when it resumed the session. */
	bool keys = s->master_key_frame || (s->session_id_hit && t->sslv2_server_hello_frame);
	bool server_first = dir == TD_DIR_S2C && !t->sslv2_server_hello_frame;
	if (keys && !server_first)
		encrypted_record(f, dir, len, frame, ts);
	else
		clear_record(f, dir, body, len, frame, ts);
}
