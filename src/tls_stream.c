/*
 * One TCP connection's byte streams as TLS: detect what each direction
 * speaks, frame records, reassemble handshake messages across records,
 * read alerts, follow the keys changing, and read the plaintext of a
 * NULL-cipher session. Record bodies that cannot change the facts
 * (encrypted application data) are skipped without being buffered, so a
 * long session costs nothing beyond its first records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/tls.h"
#include "tlsdiag/tls_sslv2.h"
#include "tlsdiag/http.h"
#include "tlsdiag/names.h"
#include "tlsdiag/rd.h"

enum {
	CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APP = 23, CT_HEARTBEAT = 24, CT_CID = 25,
};
#define REC_HDR 5
#define APP_RECORDS_ENOUGH 16 /* records of encrypted data per direction worth listing */
#define TLS13_ALERT_MAX 24    /* ciphertext bytes of an encrypted TLS 1.3 alert (19), padding allowed */

enum dir_mode {
	M_DETECT,    /* nothing read yet: TLS, SSLv2, HTTP or something else? */
	M_TLS,       /* TLS records */
	M_SSLV2,     /* one SSLv2-format ClientHello record, then TLS (or an SSLv2 session) */
	M_SSLV2_SESSION, /* SSLv2 records (src/tls_sslv2.c) */
	M_HTTP_HEAD, /* an HTTP head on a proxy port (CONNECT and its answer) */
	M_NON_TLS,   /* not TLS: keep its first line, then stop */
	M_STOP,      /* nothing more to read in this direction */
};

struct dir_state {
	enum dir_mode mode;
	uint8_t *rec;         /* the record being assembled, header included */
	size_t rec_len, rec_cap;
	size_t skip;          /* body bytes of the current record still to skip */
	uint8_t *hs;          /* handshake messages being assembled */
	size_t hs_len, hs_cap;
	size_t hs_skip;       /* bytes of an over-cap handshake message still to skip */
	bool keys_changed;    /* after ChangeCipherSpec (TLS 1.3: after ServerHello) */
	uint16_t rec_version; /* version field of the current record's header */
	uint64_t skip_body;   /* body of a proxy's non-2xx answer still to pass over */
	bool flight_open;     /* TLS 1.3 client: its flight began and its Finished has not been seen */
	uint8_t peek[TD_HTTP_TOKEN_MAX - 1]; /* first bytes, until they decide (undecided()) */
	size_t peek_len;
	struct td_http_acc *http;
	bool resync;          /* started before the capture: find a record boundary first */
	bool picked_up;       /* its start is not in the capture: keys may have changed before it */
	uint8_t win[REC_HDR]; /* the last bytes looked at while finding it */
	uint8_t win_len;
};

struct td_tls_stream {
	bool proxy_port;
	size_t hs_max;
	struct dir_state d[2];
};

/* What the current packet is, for facts and events. */
struct feed_ctx {
	struct td_tls_stream *s;
	struct td_facts *f;
	struct td_tls_facts *t;
	enum td_dir dir;
	uint64_t frame;
	double ts;
};

struct td_tls_stream *td_tls_new(bool proxy_port, size_t hs_max)
{
	struct td_tls_stream *s = calloc(1, sizeof(*s));
	if (s) {
		s->proxy_port = proxy_port;
		s->hs_max = hs_max ? hs_max : TD_TLS_HS_MAX_DEFAULT;
	}
	return s;
}

void td_tls_set_midstream(struct td_tls_stream *s)
{
	s->d[0].resync = s->d[1].resync = true;
	s->d[0].picked_up = s->d[1].picked_up = true;
}

void td_tls_set_resync(struct td_tls_stream *s, enum td_dir dir)
{
	struct dir_state *d = &s->d[dir];
	if (d->mode == M_DETECT && !d->peek_len)
		d->resync = d->picked_up = true;
}

#define RESYNC_MAX 65536 /* bytes passed over before giving up on finding a record */

/* A record header that could be real: a known content type, version 3.0
 * to 3.4, a length TLS allows. */
static bool plausible_header(const uint8_t *h)
{
	size_t rl = (size_t)h[3] << 8 | h[4];
	return h[0] >= CT_CCS && h[0] <= CT_APP && h[1] == 3 && h[2] <= 4 && rl > 0 && rl <= TD_TLS_RECORD_MAX;
}

/* Bytes a direction that starts with TLS, SSLv2 or text begins with need no
 * search: only what looks like the inside of a record does. */
static bool starts_cleanly(const uint8_t *h)
{
	if (h[0] >= CT_CCS && h[0] <= CT_CID && h[1] == 3)
		return true;
	if ((h[0] & 0x80) && (h[2] == 1 || h[2] == 4))
		return true;
	for (size_t i = 0; i < 3; i++)
		if (h[i] < 0x20 || h[i] > 0x7e)
			return false;
	return true;
}

static void feed_mode(struct feed_ctx *c, const uint8_t *data, size_t len);

/* Pass over the start of a direction up to its first record boundary: a
 * 5-byte window slides over the bytes, one at a time, so where it stops
 * does not depend on how TCP cut the segments. Once it stops, the window's
 * bytes are read as the direction's first. Returns the bytes taken. */
static size_t resync(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	uint32_t *skipped = &c->t->dir[c->dir].resync_skipped;
	for (size_t i = 0; i < len; i++) {
		if (d->win_len == REC_HDR) {
			memmove(d->win, d->win + 1, REC_HDR - 1);
			d->win_len--;
			(*skipped)++;
		}
		d->win[d->win_len++] = data[i];
		if (d->win_len < REC_HDR)
			continue;
		if ((*skipped == 0 && starts_cleanly(d->win)) || plausible_header(d->win) || *skipped >= RESYNC_MAX) {
			uint8_t first[REC_HDR];
			memcpy(first, d->win, REC_HDR);
			d->resync = false;
			d->win_len = 0;
			feed_mode(c, first, REC_HDR);
			return i + 1;
		}
	}
	return len;
}

static void dir_release(struct dir_state *d)
{
	free(d->rec);
	free(d->hs);
	free(d->http);
	d->rec = d->hs = NULL;
	d->http = NULL;
	d->rec_len = d->rec_cap = d->hs_len = d->hs_cap = 0;
}

void td_tls_free(struct td_tls_stream *s)
{
	if (!s)
		return;
	dir_release(&s->d[0]);
	dir_release(&s->d[1]);
	free(s);
}

size_t td_tls_null_mac_len(uint16_t suite)
{
	const char *name = td_name(TD_REG_CIPHER_SUITE, suite);
	if (!name || !td_suite_is_null(suite))
		return 0;
	size_t n = strlen(name);
	static const struct { const char *suffix; size_t mac; } macs[] = {
		{ "_SHA384", 48 }, { "_SHA256", 32 }, { "_SHA", 20 }, { "_MD5", 16 },
	};
	for (size_t i = 0; i < TD_ARRAY_LEN(macs); i++) {
		size_t k = strlen(macs[i].suffix);
		if (n > k && strcmp(name + n - k, macs[i].suffix) == 0)
			return macs[i].mac;
	}
	return 0;
}

static void event(struct feed_ctx *c, enum td_event_kind kind, uint16_t code, uint32_t arg, bool enc)
{
	td_facts_event(c->f, c->frame, c->ts, c->dir, kind, code, arg, enc);
}

/* Record the first malformation of a direction and stop reading it when fatal. */
static void parse_error(struct feed_ctx *c, bool fatal, const char *what, enum td_err e)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	if (!df->parse_error) {
		df->parse_error = true;
		df->parse_error_frame = c->frame;
		snprintf(df->parse_error_text, sizeof(df->parse_error_text), "%s: %s", what, td_err_str(e));
		event(c, TD_EV_PARSE_ERROR, 0, (uint32_t)e, false);
	}
	if (fatal) {
		c->s->d[c->dir].mode = M_STOP;
		dir_release(&c->s->d[c->dir]);
	}
}

/* Grow a buffer to hold need bytes, never beyond max. */
static bool reserve(uint8_t **buf, size_t *cap, size_t need, size_t max)
{
	if (need <= *cap)
		return true;
	if (need > max)
		return false;
	size_t n = *cap ? *cap : 512;
	while (n < need)
		n *= 2;
	if (n > max)
		n = max;
	uint8_t *p = realloc(*buf, n);
	if (!p)
		return false;
	*buf = p;
	*cap = n;
	return true;
}

static bool is_tls13(const struct feed_ctx *c)
{
	return c->t->sh.seen && !c->t->sh.hrr && c->t->sh.selected_version >= 0x0304;
}

/* Records after the keys changed are plaintext + MAC when the suite is NULL. */
static bool null_plaintext(const struct feed_ctx *c)
{
	return c->s->d[c->dir].keys_changed && c->t->sh.null_cipher && !is_tls13(c);
}

static void handshake_message(struct feed_ctx *c, uint8_t type, const uint8_t *body, size_t len)
{
	event(c, TD_EV_HANDSHAKE, type, (uint32_t)len, false);
	if (type == 1 && c->dir == TD_DIR_C2S)
		c->t->ch.record_version = c->s->d[c->dir].rec_version;
	enum td_err e = td_tls_parse_message(c->f, c->dir, type, body, len, c->frame, c->ts);
	if (e != TD_E_OK) {
		char name[32];
		parse_error(c, false, td_name_fmt(TD_REG_HANDSHAKE, type, name, sizeof(name)), e);
	}
	if (type == 2 && is_tls13(c)) {
		/* TLS 1.3: everything after the ServerHello is encrypted, both ways. */
		c->s->d[TD_DIR_S2C].keys_changed = true;
		c->s->d[TD_DIR_C2S].keys_changed = true;
	}
}

/* Parse the complete messages at the start of buf; returns the bytes used
 * (a partial message at the end is left; one too large to keep is named
 * and its missing rest skipped later, d->hs_skip). */
static size_t parse_messages(struct feed_ctx *c, const uint8_t *buf, size_t n)
{
	struct dir_state *d = &c->s->d[c->dir];
	size_t off = 0;
	while (n - off >= 4) {
		struct td_rd r = td_rd_make(buf + off, n - off);
		uint8_t type;
		uint32_t mlen;
		const uint8_t *body;
		if (td_rd_u8(&r, &type) != TD_E_OK || td_rd_u24(&r, &mlen) != TD_E_OK)
			break;
		if (mlen > c->s->hs_max) {
			/* Too large to keep: name it, skip its bytes, go on after it. */
			event(c, TD_EV_HANDSHAKE, type, mlen, false);
			event(c, TD_EV_CAP, 0, TD_CAP_HS_MSG, false);
			td_facts_cap(c->f, TD_CAP_HS_MSG);
			size_t have = td_rd_left(&r);
			if (have >= mlen) {
				off += 4 + (size_t)mlen; /* all here: go on after it */
				continue;
			}
			d->hs_skip = mlen - have;
			return n;
		}
		if (td_rd_bytes(&r, mlen, &body) != TD_E_OK)
			break; /* the rest comes in a later record */
		handshake_message(c, type, body, mlen);
		if (d->mode == M_STOP)
			return n;
		off += 4 + (size_t)mlen;
	}
	return off;
}

/* A plaintext handshake fragment: every complete message parsed, a partial
 * one kept for the next record. Most records hold whole messages: those
 * are read where they are, and only a message split across records is
 * copied. */
static void handshake_fragment(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	if (d->hs_skip) {
		size_t k = len < d->hs_skip ? len : d->hs_skip;
		d->hs_skip -= k;
		data += k;
		len -= k;
	}
	if (len == 0)
		return;
	if (d->hs_len == 0) {
		size_t used = parse_messages(c, data, len);
		if (d->mode == M_STOP || used == len)
			return;
		data += used;
		len -= used;
	}
	/* At most one partial message is kept between records. */
	if (!reserve(&d->hs, &d->hs_cap, d->hs_len + len, c->s->hs_max + 4 + TD_TLS_RECORD_MAX)) {
		td_facts_cap(c->f, TD_CAP_HS_MSG);
		parse_error(c, true, "handshake", TD_E_CAP);
		return;
	}
	memcpy(d->hs + d->hs_len, data, len);
	d->hs_len += len;
	size_t off = parse_messages(c, d->hs, d->hs_len);
	if (d->mode == M_STOP)
		return;
	memmove(d->hs, d->hs + off, d->hs_len - off);
	d->hs_len -= off;
}

/* An alert whose body is ciphertext: its length is all there is to know.
 * TLS 1.3 ones are known by their record header alone (no body at all). */
static void encrypted_alert(struct feed_ctx *c, size_t len)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	event(c, TD_EV_ALERT, 0, (uint32_t)len, true);
	df->alerts++;
	if (!df->alert.seen) {
		df->alert = (struct td_alert){ .seen = true, .frame = c->frame, .ts = c->ts,
					       .encrypted = true,
					       .before_server_hello = !c->t->sh.seen };
	}
}

static void alert_record(struct feed_ctx *c, const uint8_t *body, size_t len, bool encrypted)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	if (encrypted) {
		encrypted_alert(c, len);
		return;
	}
	if (len < 2) {
		parse_error(c, false, "alert record shorter than 2 bytes", TD_E_SHORT);
		return;
	}
	/* Only now is there a body to read. */
	struct td_rd r = td_rd_make(body, len);
	uint8_t level, desc;
	while (td_rd_u8(&r, &level) == TD_E_OK && td_rd_u8(&r, &desc) == TD_E_OK) {
		event(c, TD_EV_ALERT, (uint16_t)(level << 8 | desc), 0, false);
		df->alerts++;
		if (!df->alert.seen)
			df->alert = (struct td_alert){ .seen = true, .frame = c->frame, .ts = c->ts,
						       .level = level, .description = desc,
						       .before_server_hello = !c->t->sh.seen };
	}
}

/* Plaintext application data of a NULL-cipher session: the HTTP heads. */
static void null_app_data(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	c->t->null_plaintext = true;
	if (!d->http && !(d->http = calloc(1, sizeof(*d->http))))
		return;
	if (d->http->complete)
		return;
	td_http_acc_feed(d->http, data, len);
	if (!d->http->complete)
		return;
	if (c->dir == TD_DIR_C2S) {
		td_http_parse_request(d->http, &c->t->http_req);
		c->t->http_req.frame = c->frame;
		c->t->sstp_seen |= strcmp(c->t->http_req.method, "SSTP_DUPLEX_POST") == 0;
		event(c, TD_EV_HTTP_REQUEST, 0, 0, false);
	} else {
		td_http_parse_response(d->http, &c->t->http_resp);
		c->t->http_resp.frame = c->frame;
		event(c, TD_EV_HTTP_RESPONSE, 0, 0, false);
	}
}

static void note_app_record(struct feed_ctx *c, size_t len)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	if (df->app_records < APP_RECORDS_ENOUGH)
		event(c, TD_EV_APP_DATA, 0, (uint32_t)len, !null_plaintext(c));
	if (!df->first_app_frame)
		df->first_app_frame = c->frame;
	df->app_records++;
	df->app_bytes += len;
}

/* The first encrypted handshake record after the keys changed is the
 * Finished (TLS 1.2) or carries the flight that ends with it (TLS 1.3). */
static void encrypted_handshake(struct feed_ctx *c, size_t len)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	event(c, TD_EV_ENCRYPTED_HS, 0, (uint32_t)len, true);
	df->encrypted_hs_records++;
	if (!df->finished_seen) {
		df->finished_seen = df->encrypted_finished = true;
		df->finished_frame = c->frame;
	}
}

/* Decide, at the record header, whether the body must be read. */
static bool record_needs_body(const struct feed_ctx *c, uint8_t type)
{
	const struct dir_state *d = &c->s->d[c->dir];
	switch (type) {
	case CT_CCS:
	case CT_ALERT:
		return true;
	case CT_HANDSHAKE:
		return !d->keys_changed || null_plaintext(c);
	case CT_APP:
		return null_plaintext(c) && !(d->http && d->http->complete);
	default:
		return false;
	}
}

/* TLS 1.3 hides the handshake and the alerts in application_data records;
 * what a record is follows from who sends it, when, and its size. The
 * server's flight comes before the client's Finished whatever its record
 * sizes (an EncryptedExtensions record can be 23 bytes). Otherwise a record
 * too short for a Finished and sent before any data (an alert is 2 bytes +
 * type + 16-byte tag = 19) is an alert. */
/* The size of an encrypted TLS 1.3 Finished record: header 4 + the hash +
 * content type 1 + AEAD tag 16 (no padding in practice). */
static size_t tls13_finished_len(uint16_t suite)
{
	const char *name = td_name(TD_REG_CIPHER_SUITE, suite);
	size_t n = name ? strlen(name) : 0;
	bool sha384 = n > 7 && strcmp(name + n - 7, "_SHA384") == 0;
	return 4 + (sha384 ? 48 : 32) + 1 + 16;
}

static void tls13_record(struct feed_ctx *c, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	const struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	bool server_flight = c->dir == TD_DIR_S2C && !c->t->dir[TD_DIR_C2S].finished_seen;
	if (server_flight || d->flight_open) {
		/* The client's flight (Certificate, CertificateVerify, Finished)
		 * ends with the record the size of a Finished. */
		if (d->flight_open && len == tls13_finished_len(c->t->sh.suite))
			d->flight_open = false;
		encrypted_handshake(c, len);
	} else if (df->app_records == 0 && len <= TLS13_ALERT_MAX) {
		encrypted_alert(c, len);
	} else if (!df->finished_seen) {
		d->flight_open = c->dir == TD_DIR_C2S && len != tls13_finished_len(c->t->sh.suite);
		encrypted_handshake(c, len);
	} else {
		note_app_record(c, len);
	}
}

/* A record whose body is not read: count it by its header alone. */
static void record_by_header(struct feed_ctx *c, uint8_t type, size_t len)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	if (type == CT_APP && is_tls13(c)) {
		tls13_record(c, len);
	} else if (type == CT_APP) {
		note_app_record(c, len);
	} else if (type == CT_HANDSHAKE) {
		encrypted_handshake(c, len);
	} else if (type == CT_HEARTBEAT) {
		event(c, TD_EV_UNKNOWN_RECORD, type, (uint32_t)len, false);
	} else {
		df->unknown_records++;
		event(c, TD_EV_UNKNOWN_RECORD, type, (uint32_t)len, false);
	}
}

static void record_body(struct feed_ctx *c, uint8_t type, const uint8_t *body, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	bool plain_mac = null_plaintext(c);
	if (plain_mac && type != CT_CCS) {
		c->t->null_plaintext = true;
		size_t mac = td_tls_null_mac_len(c->t->sh.suite);
		len = len >= mac ? len - mac : 0;
	}
	switch (type) {
	case CT_CCS:
		/* RFC 5246 7.1: the single byte 1 (until the keys change: a
		 * renegotiation's CCS is protected); anything else changes nothing. */
		if (!d->keys_changed && (len != 1 || body[0] != 1)) {
			parse_error(c, false, "ChangeCipherSpec record not the single byte 1", TD_E_FORMAT);
			break;
		}
		event(c, TD_EV_CCS, 0, 0, false);
		df->ccs_seen = true;
		df->ccs_frame = c->frame;
		/* TLS 1.3 middlebox-compatibility CCS changes nothing; it may
		 * follow a HelloRetryRequest (RFC 8446 D.4), which only 1.3 sends. */
		if (!is_tls13(c) && !c->t->hrr_frame)
			d->keys_changed = true;
		break;
	case CT_ALERT:
		/* An encrypted alert is never 2 bytes (tag or MAC); TLS 1.3 peers
		 * send plaintext alerts before their keys change. Picked up
		 * without its start, a stream's ChangeCipherSpec may not be in
		 * the capture: an alert of another size is encrypted. */
		alert_record(c, body, len, (d->keys_changed && !plain_mac && len != 2) || (d->picked_up && len != 2));
		break;
	case CT_HANDSHAKE:
		/* RFC 5246 6.2.1: no zero-length handshake fragments. */
		if (len == 0)
			parse_error(c, false, "zero-length handshake record", TD_E_FORMAT);
		handshake_fragment(c, body, len);
		break;
	case CT_APP:
		note_app_record(c, len);
		null_app_data(c, body, len);
		break;
	default:
		break;
	}
}

/* Validate a record header; false stops the direction. */
static bool record_header(struct feed_ctx *c, const uint8_t *h, uint8_t *type, size_t *len)
{
	*type = h[0];
	*len = (size_t)h[3] << 8 | h[4];
	c->s->d[c->dir].rec_version = (uint16_t)(h[1] << 8 | h[2]);
	if (h[1] != 3) {
		parse_error(c, true, "record header (version byte not 3)", TD_E_FORMAT);
		return false;
	}
	if (*len > TD_TLS_RECORD_MAX) {
		parse_error(c, true, "record length above 2^14+2048", TD_E_RANGE);
		return false;
	}
	c->t->dir[c->dir].records++;
	c->t->tls_seen = true;
	return true;
}

/* Records: returns how many input bytes were taken (all, unless the mode changed). */
static size_t feed_records(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	size_t used = 0;
	while (used < len && d->mode == M_TLS) {
		if (d->skip) {
			size_t k = len - used < d->skip ? len - used : d->skip;
			d->skip -= k;
			used += k;
			continue;
		}
		size_t want = d->rec_len < REC_HDR ? REC_HDR : REC_HDR + ((size_t)d->rec[3] << 8 | d->rec[4]);
		size_t k = want - d->rec_len < len - used ? want - d->rec_len : len - used;
		if (!reserve(&d->rec, &d->rec_cap, want, REC_HDR + TD_TLS_RECORD_MAX)) {
			parse_error(c, true, "record buffer", TD_E_NOMEM);
			break;
		}
		memcpy(d->rec + d->rec_len, data + used, k);
		d->rec_len += k;
		used += k;
		if (d->rec_len < want)
			continue;
		uint8_t type;
		size_t rlen;
		if (d->rec_len == REC_HDR) {
			if (!record_header(c, d->rec, &type, &rlen))
				break;
			if (!record_needs_body(c, type)) {
				record_by_header(c, type, rlen);
				d->skip = rlen;
				d->rec_len = 0;
				continue;
			}
			if (rlen > 0)
				continue;
		}
		type = d->rec[0];
		rlen = d->rec_len - REC_HDR;
		d->rec_len = 0;
		record_body(c, type, d->rec + REC_HDR, rlen);
	}
	return used;
}

static size_t feed_sslv2(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	size_t want = d->rec_len < 2 ? 2 : 2 + (((size_t)d->rec[0] & 0x7f) << 8 | d->rec[1]);
	size_t used = 0;
	while (used < len) {
		size_t k = want - d->rec_len < len - used ? want - d->rec_len : len - used;
		if (!reserve(&d->rec, &d->rec_cap, want, 2 + 0x7fff)) {
			parse_error(c, true, "SSLv2 record", TD_E_NOMEM);
			return used;
		}
		memcpy(d->rec + d->rec_len, data + used, k);
		d->rec_len += k;
		used += k;
		if (d->rec_len < want)
			continue;
		if (want == 2) {
			want = 2 + (((size_t)d->rec[0] & 0x7f) << 8 | d->rec[1]);
			if (want == 2) {
				parse_error(c, true, "SSLv2 record of length 0", TD_E_RANGE);
				return used;
			}
			continue;
		}
		event(c, TD_EV_SSLV2_HELLO, 0, (uint32_t)(want - 2), false);
		c->t->dir[c->dir].records++;
		c->t->tls_seen = true;
		enum td_err e = td_tls_parse_sslv2_hello(c->f, d->rec + 2, want - 2, c->frame, c->ts);
		if (e != TD_E_OK)
			parse_error(c, false, "SSLv2 ClientHello", e);
		d->rec_len = 0;
		/* An SSLv2-compatible hello is followed by TLS records; a
		 * client offering SSLv2 itself goes on in SSLv2. */
		d->mode = c->t->ch.version == 0x0002 ? M_SSLV2_SESSION : M_TLS;
		break;
	}
	return used;
}

/* SSLv2 records: a 2-byte header (bit 7 set, 15-bit length) or a 3-byte
 * one (14-bit length, then the padding length), each body to
 * src/tls_sslv2.c. */
static size_t feed_sslv2_session(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	size_t used = 0;
	while (used < len) {
		size_t hdr = d->rec_len && !(d->rec[0] & 0x80) ? 3 : 2;
		size_t want = d->rec_len < hdr ? hdr
			      : hdr + (((size_t)d->rec[0] & (hdr == 2 ? 0x7f : 0x3f)) << 8 | d->rec[1]);
		if (!reserve(&d->rec, &d->rec_cap, want, 3 + 0x7fff)) {
			parse_error(c, true, "SSLv2 record", TD_E_NOMEM);
			return used;
		}
		size_t k = want - d->rec_len < len - used ? want - d->rec_len : len - used;
		memcpy(d->rec + d->rec_len, data + used, k);
		d->rec_len += k;
		used += k;
		if (d->rec_len < want)
			continue;
		/* What is read so far may be just the header: its length (read
		 * now that it is whole) says what follows; a zero-length record
		 * is whole already, and must not be waited on. */
		hdr = !(d->rec[0] & 0x80) ? 3 : 2;
		if (d->rec_len < hdr)
			continue;
		want = hdr + (((size_t)d->rec[0] & (hdr == 2 ? 0x7f : 0x3f)) << 8 | d->rec[1]);
		if (d->rec_len < want)
			continue;
		td_sslv2_record(c->f, c->dir, d->rec + hdr, want - hdr, c->frame, c->ts);
		d->rec_len = 0;
	}
	return used;
}

/* The CONNECT request and the proxy's answer on a proxy port. A non-2xx
 * answer (407 asking for credentials) may be followed by another CONNECT on
 * the same connection, so both directions go back to detection after a head. */
static size_t feed_http_head(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	if (!d->http && !(d->http = calloc(1, sizeof(*d->http)))) {
		d->mode = M_STOP;
		return len;
	}
	size_t used = td_http_acc_feed(d->http, data, len);
	if (!d->http->complete)
		return used;
	if (c->dir == TD_DIR_C2S) {
		memset(&c->t->proxy_req, 0, sizeof(c->t->proxy_req));
		td_http_parse_request(d->http, &c->t->proxy_req);
		c->t->proxy_req.frame = c->frame;
		event(c, TD_EV_HTTP_REQUEST, 1, 0, false);
	} else {
		memset(&c->t->proxy_resp, 0, sizeof(c->t->proxy_resp));
		td_http_parse_response(d->http, &c->t->proxy_resp);
		c->t->proxy_resp.frame = c->frame;
		event(c, TD_EV_HTTP_RESPONSE, 1, 0, false);
		/* Only a CONNECT opens a tunnel; a 2xx to a plain GET is just an answer. */
		c->t->tunnel_open = strcmp(c->t->proxy_req.method, "CONNECT") == 0 &&
				    c->t->proxy_resp.status >= 200 && c->t->proxy_resp.status < 300;
		/* A 2xx to CONNECT has no body (RFC 9110 9.3.6); other answers may:
		 * Content-Length long, or without one up to the close (RFC 9112
		 * 6.3; tinyproxy's 403 page). A chunked body counts as the latter. */
		if (!c->t->tunnel_open)
			d->skip_body = c->t->proxy_resp.content_length[0]
					       ? strtoull(c->t->proxy_resp.content_length, NULL, 10)
					       : UINT64_MAX;
	}
	d->mode = M_DETECT;
	free(d->http);
	d->http = NULL;
	return used;
}

static void non_tls(struct feed_ctx *c)
{
	c->t->non_tls[c->dir] = true;
	c->t->non_tls_frame[c->dir] = c->frame;
	event(c, TD_EV_NON_TLS, 0, 0, false);
	c->s->d[c->dir].mode = M_NON_TLS;
}

/* An SSLv2 SERVER-HELLO (2-byte header, type 4): an SSLv2 server, not a
 * non-TLS one; its session is read as such (src/tls_sslv2.c). */
static void sslv2_server_hello(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	(void)data;
	(void)len;
	c->s->d[c->dir].mode = M_SSLV2_SESSION;
}

/* Keep the first line of non-TLS bytes (up to its end or the line cap),
 * however the segments cut it, then stop reading the direction. */
static size_t feed_non_tls(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	size_t room = TD_STR_LINE - d->rec_len;
	size_t k = len < room ? len : room;
	if (!reserve(&d->rec, &d->rec_cap, TD_STR_LINE, TD_STR_LINE)) {
		d->mode = M_STOP;
		return len;
	}
	memcpy(d->rec + d->rec_len, data, k);
	d->rec_len += k;
	td_first_line(d->rec, d->rec_len, c->t->non_tls_line[c->dir], sizeof(c->t->non_tls_line[c->dir]));
	if (d->rec_len == TD_STR_LINE || memchr(data, '\n', k) || memchr(data, '\r', k)) {
		d->mode = M_STOP;
		dir_release(d);
	}
	return len;
}

/* The first bytes of a direction decide what it speaks. */
static void detect(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	/* On a proxy port, HTTP heads until the tunnel opens: the client's
	 * CONNECT (again after a 407), the proxy's answers. */
	bool proxy_http = c->s->proxy_port && !c->t->tunnel_open;
	if (proxy_http && c->dir == TD_DIR_C2S && td_http_looks_like_request(data, len))
		d->mode = M_HTTP_HEAD;
	else if (proxy_http && c->dir == TD_DIR_S2C && len >= 5 && memcmp(data, "HTTP/", 5) == 0)
		d->mode = M_HTTP_HEAD;
	else if (len >= 2 && data[0] >= CT_CCS && data[0] <= CT_CID && data[1] == 3)
		d->mode = M_TLS;
	else if (len >= 3 && (data[0] & 0x80) && data[2] == 1 && c->dir == TD_DIR_C2S)
		d->mode = M_SSLV2;
	else if (len >= 3 && (data[0] & 0x80) && data[2] == 4 && c->dir == TD_DIR_S2C)
		sslv2_server_hello(c, data, len);
	else
		non_tls(c);
}

/* Can the first bytes of a direction not decide yet what it speaks? Fewer
 * than 3 never do (TLS needs 2, SSLv2 3). On a proxy port before the
 * tunnel, neither does the start of a method or of "HTTP/": decided on
 * "CON", a CONNECT cut into small segments would read as non-TLS while the
 * same bytes whole are a proxy head. */
static bool undecided(const struct td_tls_stream *s, const struct td_facts *f, enum td_dir dir,
		      const uint8_t *head, size_t len)
{
	if (len < 3)
		return true;
	if (!s->proxy_port || (f->tls && f->tls->tunnel_open))
		return false;
	return dir == TD_DIR_C2S ? td_http_request_undecided(head, len)
				 : td_http_response_undecided(head, len);
}

/* Keep the first bytes while they decide nothing; false: decide now. */
static bool peek_more(struct td_tls_stream *s, const struct td_facts *f, enum td_dir dir,
		      const uint8_t *data, size_t len)
{
	struct dir_state *d = &s->d[dir];
	uint8_t head[sizeof(d->peek)];
	size_t n = d->peek_len;
	if (len > sizeof(head) - n)
		return false; /* more than any undecided start */
	memcpy(head, d->peek, n);
	memcpy(head + n, data, len);
	if (!undecided(s, f, dir, head, n + len))
		return false;
	memcpy(d->peek, head, n + len);
	d->peek_len = n + len;
	return true;
}

/* The first bytes decide what a direction speaks: keep them until they do. */
static void feed_detect(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	if (peek_more(c->s, c->f, c->dir, data, len))
		return;
	uint8_t head[TD_STR_LINE];
	size_t n = d->peek_len;
	memcpy(head, d->peek, n);
	size_t more = len < sizeof(head) - n ? len : sizeof(head) - n;
	memcpy(head + n, data, more);
	detect(c, head, n + more);
	uint8_t peeked[sizeof(d->peek)];
	memcpy(peeked, d->peek, n);
	d->peek_len = 0;
	feed_mode(c, peeked, n);
	feed_mode(c, data, len);
}

static void feed_mode(struct feed_ctx *c, const uint8_t *data, size_t len)
{
	struct dir_state *d = &c->s->d[c->dir];
	while (len > 0 && d->mode != M_STOP) {
		size_t used = 0;
		if (d->skip_body && d->mode == M_DETECT) {
			used = len < d->skip_body ? len : (size_t)d->skip_body;
			d->skip_body -= used;
			data += used;
			len -= used;
			continue;
		}
		if (d->resync && d->mode == M_DETECT) {
			used = resync(c, data, len);
			data += used;
			len -= used;
			continue;
		}
		switch (d->mode) {
		case M_DETECT:
			feed_detect(c, data, len);
			return;
		case M_TLS:
			used = feed_records(c, data, len);
			break;
		case M_SSLV2:
			used = feed_sslv2(c, data, len);
			break;
		case M_SSLV2_SESSION:
			used = feed_sslv2_session(c, data, len);
			break;
		case M_HTTP_HEAD:
			used = feed_http_head(c, data, len);
			break;
		case M_NON_TLS:
			used = feed_non_tls(c, data, len);
			break;
		case M_STOP:
			break;
		}
		data += used;
		len -= used;
	}
}

void td_tls_feed(struct td_tls_stream *s, struct td_facts *f, enum td_dir dir, const uint8_t *data,
		 size_t len, uint64_t frame, double ts)
{
	if (len == 0)
		return;
	/* First bytes that decide nothing yet: keep them in the stream state
	 * and allocate the payload facts only once there is something to read. */
	struct dir_state *d = &s->d[dir];
	if (d->mode == M_DETECT && !d->skip_body && !d->resync && peek_more(s, f, dir, data, len))
		return;
	struct td_tls_facts *t = td_facts_tls(f);
	if (!t)
		return;
	struct feed_ctx c = { .s = s, .f = f, .t = t, .dir = dir, .frame = frame, .ts = ts };
	feed_mode(&c, data, len);
}

bool td_tls_dir_done(const struct td_tls_stream *s, const struct td_facts *f, enum td_dir dir)
{
	if (s->d[dir].mode == M_STOP)
		return true;
	/* Decided: handshake over, the HTTP head read if there was one to read,
	 * and enough records listed. Later bytes cannot change the verdict. */
	const struct td_tls_facts *t = f->tls;
	const struct dir_state *d = &s->d[dir];
	bool http_pending = t && t->null_plaintext && !(d->http && d->http->complete);
	return t && t->dir[dir].finished_seen && t->dir[dir].app_records >= APP_RECORDS_ENOUGH &&
	       !http_pending;
}
