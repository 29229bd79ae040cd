/*
 * TLS read from the heads of segments that the capture's snap length cut
 * (tcpdump -s 96, old defaults, appliances). libnids cannot reassemble a
 * stream whose bytes are missing, but each captured segment still starts
 * with its first bytes, and a record that starts inside them shows its
 * content type, its length and, for a handshake record, the type and length
 * of its first messages; a plaintext alert is whole in 7 bytes. Following
 * the record lengths in sequence space finds the next header even when it
 * lies in a later segment. From that the stage, the ending and a completed
 * handshake (ChangeCipherSpec and encrypted records both ways) are known;
 * the certificates, the offered suites and the extensions are not, and
 * tls.snapped says so. Nothing here trusts a byte that was not captured.
 */
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/http.h"
#include "tlsdiag/packet.h"
#include "tlsdiag/tls.h"

#define REC_HDR 5
#define TLS13_ALERT_MAX 24 /* ciphertext of an encrypted TLS 1.3 alert (19), padding allowed */

enum { CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APP = 23 };

struct snap_dir {
	bool started;      /* the direction's first payload decided the mode */
	bool on;           /* its first payload was cut: read heads */
	bool synced;       /* next_seq is where a record header starts */
	bool keys_changed; /* after its ChangeCipherSpec */
	bool last_ccs;     /* the record before was a ChangeCipherSpec */
	bool read_any;     /* a segment of it was looked at */
	bool flight_done;  /* TLS 1.3 client: its Finished was seen (by its size) */
	uint8_t flight_records;
	uint64_t lost_frame; /* the segment whose cut part held the next header */
	uint32_t next_seq;
};

struct td_tls_snap {
	struct snap_dir d[2];
};

struct ctx {
	struct td_facts *f;
	struct td_tls_facts *t;
	struct td_tls_snap *s;
	struct snap_dir *sd;
	enum td_dir dir;
	uint64_t frame;
	double ts;
};

struct td_tls_snap *td_tls_snap_new(void)
{
	return calloc(1, sizeof(struct td_tls_snap));
}

void td_tls_snap_free(struct td_tls_snap *s)
{
	free(s);
}

static void event(const struct ctx *c, enum td_event_kind kind, uint16_t code, uint32_t arg, bool enc)
{
	td_facts_event(c->f, c->frame, c->ts, c->dir, kind, code, arg, enc);
}

static bool header_ok(const uint8_t *h)
{
	size_t len = (size_t)h[3] << 8 | h[4];
	return h[0] >= CT_CCS && h[0] <= CT_APP && h[1] == 3 && h[2] <= 4 && len > 0 &&
	       len <= TD_TLS_RECORD_MAX;
}

/* TLS 1.3 shows itself by the server's first record after its
 * (compatibility) ChangeCipherSpec: application_data, where TLS 1.2 sends
 * an encrypted Finished (a handshake record), and no ClientKeyExchange. */
static bool tls13(const struct td_tls_facts *t)
{
	return t->sh.seen && t->sh.selected_version >= 0x0304;
}

static void cert_message(struct ctx *c, uint32_t mlen)
{
	struct td_cert_chain *ch = c->dir == TD_DIR_S2C ? &c->t->server_certs : &c->t->client_certs;
	if (ch->seen)
		return;
	ch->seen = true;
	ch->frame = c->frame;
	ch->ts = c->ts;
	ch->empty = mlen == 3; /* an empty certificate_list: its 3-byte length alone */
}

/* TLS 1.2: the client's encrypted record after the server's
 * ChangeCipherSpec means the client's ClientKeyExchange, ChangeCipherSpec
 * and Finished went before, in the cut part of an earlier segment (behind
 * a long Certificate): the server changes keys only after the client's
 * Finished in a full handshake, and sends its own first in a resumed one. */
static void client_flight_unseen(struct ctx *c)
{
	struct td_tls_facts *t = c->t;
	struct td_tls_dir_facts *df = &t->dir[TD_DIR_C2S];
	struct snap_dir *cd = &c->s->d[TD_DIR_C2S];
	uint64_t frame = cd->lost_frame ? cd->lost_frame : c->frame;
	if (!t->client_key_exchange && t->server_hello_done) {
		t->client_key_exchange = true;
		t->client_key_exchange_frame = frame;
	}
	if (!df->finished_seen) {
		df->finished_seen = df->encrypted_finished = true;
		df->finished_frame = frame;
	}
	cd->keys_changed = true;
}

/* TLS 1.2: the server's NewSessionTicket in a full handshake (the client
 * sent a Certificate or a ClientKeyExchange) answers the client's Finished;
 * the server's ChangeCipherSpec and Finished follow it, unseen when the
 * ticket's record runs into the cut part. */
static void server_ticket(struct ctx *c)
{
	struct td_tls_facts *t = c->t;
	if (c->dir != TD_DIR_S2C || tls13(t) || c->sd->keys_changed || !(t->client_certs.seen || t->client_key_exchange))
		return;
	client_flight_unseen(c);
	struct td_tls_dir_facts *sf = &t->dir[TD_DIR_S2C];
	if (!sf->finished_seen) {
		sf->finished_seen = sf->encrypted_finished = true;
		sf->finished_frame = c->frame;
	}
	c->sd->keys_changed = true;
}

/* One handshake message whose 4-byte header was captured; body holds the
 * captured part of it (vis bytes). */
static void handshake_message(struct ctx *c, uint8_t type, uint32_t mlen, const uint8_t *body, size_t vis)
{
	struct td_tls_facts *t = c->t;
	event(c, TD_EV_HANDSHAKE, type, mlen, false);
	switch (type) {
	case 1:
		if (c->dir != TD_DIR_C2S || t->ch.seen)
			break;
		t->ch.seen = true;
		t->ch.frame = c->frame;
		t->ch.ts = c->ts;
		if (vis >= 2)
			t->ch.version = t->ch.max_version = (uint16_t)(body[0] << 8 | body[1]);
		break;
	case 2:
		if (c->dir != TD_DIR_S2C || t->sh.seen)
			break;
		t->sh.seen = true;
		t->sh.frame = c->frame;
		t->sh.ts = c->ts;
		if (vis >= 2)
			t->sh.version = t->sh.selected_version = (uint16_t)(body[0] << 8 | body[1]);
		break;
	case 4:
		server_ticket(c);
		break;
	case 11:
		cert_message(c, mlen);
		break;
	case 13:
		if (c->dir == TD_DIR_S2C && !t->cert_request.seen) {
			t->cert_request.seen = true;
			t->cert_request.frame = c->frame;
		}
		break;
	case 14:
		if (c->dir == TD_DIR_S2C && !t->server_hello_done) {
			t->server_hello_done = true;
			t->server_hello_done_frame = c->frame;
		}
		break;
	case 15:
		if (c->dir == TD_DIR_C2S && !t->certificate_verify) {
			t->certificate_verify = true;
			t->certificate_verify_frame = c->frame;
		}
		break;
	case 16:
		if (c->dir == TD_DIR_C2S && !t->client_key_exchange) {
			t->client_key_exchange = true;
			t->client_key_exchange_frame = c->frame;
		}
		break;
	default:
		break;
	}
}

/* The messages of a plaintext handshake record, as far as their headers
 * were captured. */
static void handshake_record(struct ctx *c, const uint8_t *body, size_t len, size_t vis)
{
	size_t m = 0;
	while (m + 4 <= vis && m + 4 <= len) {
		uint8_t type = body[m];
		uint32_t mlen = (uint32_t)body[m + 1] << 16 | (uint32_t)body[m + 2] << 8 | body[m + 3];
		size_t have = vis - (m + 4);
		handshake_message(c, type, mlen, body + m + 4, have < mlen ? have : mlen);
		if (mlen > len - (m + 4))
			break; /* continues in the next record: its rest is no header */
		m += 4 + (size_t)mlen;
	}
}

static void finished(struct ctx *c, size_t len)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	event(c, TD_EV_ENCRYPTED_HS, 0, (uint32_t)len, true);
	df->encrypted_hs_records++;
	if (!df->finished_seen) {
		df->finished_seen = df->encrypted_finished = true;
		df->finished_frame = c->frame;
	}
}

static void alert(struct ctx *c, const uint8_t *body, size_t len, size_t vis)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	bool enc = c->sd->keys_changed || vis < 2 || len != 2;
	event(c, TD_EV_ALERT, enc ? 0 : (uint16_t)(body[0] << 8 | body[1]), enc ? (uint32_t)len : 0, enc);
	df->alerts++;
	if (df->alert.seen)
		return;
	df->alert = (struct td_alert){ .seen = true, .frame = c->frame, .ts = c->ts, .encrypted = enc,
				       .before_server_hello = !c->t->sh.seen };
	if (!enc) {
		df->alert.level = body[0];
		df->alert.description = body[1];
	}
}

static void app_record(struct ctx *c, size_t len)
{
	struct td_tls_dir_facts *df = &c->t->dir[c->dir];
	if (!df->first_app_frame)
		df->first_app_frame = c->frame;
	df->app_records++;
	df->app_bytes += len;
	event(c, TD_EV_APP_DATA, 0, (uint32_t)len, true);
}

/* A TLS 1.3 Finished record: the hash (SHA-256 or SHA-384), its 4-byte
 * header, the content type and a 16-byte tag. */
static bool finished_size(size_t len)
{
	return len == 32 + 4 + 17 || len == 48 + 4 + 17;
}

/* TLS 1.3 application_data records: the server's before the client's
 * Finished are its encrypted flight. The client's flight is
 * [Certificate, [CertificateVerify,]] Finished, one record each, and ends
 * with the record of a Finished's size (at most three records: a Finished
 * in the cut part is not waited for). A first record no bigger than an
 * alert, before or after the flight, is an alert; then data. */
static void tls13_record(struct ctx *c, size_t len)
{
	struct td_tls_facts *t = c->t;
	struct td_tls_dir_facts *df = &t->dir[c->dir];
	if (c->dir == TD_DIR_S2C && !t->dir[TD_DIR_C2S].finished_seen) {
		finished(c, len);
	} else if (df->app_records == 0 && len <= TLS13_ALERT_MAX &&
		   (c->dir == TD_DIR_S2C || !c->sd->flight_records || c->sd->flight_done)) {
		alert(c, NULL, len, 0);
	} else if (c->dir == TD_DIR_C2S && !c->sd->flight_done) {
		finished(c, len);
		c->sd->flight_records++;
		c->sd->flight_done = finished_size(len) || c->sd->flight_records == 3;
	} else if (!df->finished_seen) {
		finished(c, len);
	} else {
		app_record(c, len);
	}
}

/* What the records that were not captured must have been. The client
 * answers only a complete server flight (so the ServerHelloDone came); a
 * TLS 1.2 side that sends encrypted records after the client's
 * ClientKeyExchange changed its keys and sent its Finished; a server
 * NewSessionTicket comes right before its ChangeCipherSpec and Finished.
 * A client whose record after its ChangeCipherSpec is application_data
 * without a ClientKeyExchange speaks TLS 1.3 (its Finished is that
 * record), and then the server's encrypted flight was complete. */
static void infer_unseen(struct ctx *c, uint8_t type, size_t len, bool after_ccs)
{
	struct td_tls_facts *t = c->t;
	bool encrypted = type == CT_APP || (type == CT_ALERT && len != 2);
	if (c->dir == TD_DIR_C2S && t->sh.seen && !t->server_hello_done) {
		t->server_hello_done = true;
		t->server_hello_done_frame = t->sh.frame;
	}
	if (c->dir == TD_DIR_C2S && after_ccs && type == CT_APP && !t->client_key_exchange && !tls13(t) &&
	    t->sh.seen) {
		t->sh.selected_version = 0x0304;
		struct td_tls_dir_facts *sf = &t->dir[TD_DIR_S2C];
		if (!sf->finished_seen) {
			sf->finished_seen = sf->encrypted_finished = true;
			sf->finished_frame = t->sh.frame;
		}
	}
	if (!tls13(t) && c->dir == TD_DIR_C2S && encrypted && !c->sd->keys_changed && t->dir[TD_DIR_S2C].ccs_seen)
		client_flight_unseen(c);
	if (tls13(t) || !t->client_key_exchange || c->sd->keys_changed)
		return;
	bool ticket = c->dir == TD_DIR_S2C && type == CT_HANDSHAKE;
	if (encrypted || ticket) {
		struct td_tls_dir_facts *df = &t->dir[c->dir];
		if (!df->finished_seen) {
			df->finished_seen = df->encrypted_finished = true;
			df->finished_frame = c->dir == TD_DIR_C2S ? t->client_key_exchange_frame : c->frame;
		}
		c->sd->keys_changed = encrypted;
	}
}

static void record(struct ctx *c, uint8_t type, const uint8_t *body, size_t len, size_t vis)
{
	struct td_tls_facts *t = c->t;
	t->tls_seen = true;
	t->dir[c->dir].records++;
	bool after_ccs = c->sd->last_ccs;
	c->sd->last_ccs = type == CT_CCS;
	if (type != CT_CCS)
		infer_unseen(c, type, len, after_ccs);
	switch (type) {
	case CT_CCS:
		event(c, TD_EV_CCS, 0, 0, false);
		t->dir[c->dir].ccs_seen = true;
		t->dir[c->dir].ccs_frame = c->frame;
		c->sd->keys_changed = true;
		break;
	case CT_ALERT:
		alert(c, body, len, vis);
		break;
	case CT_HANDSHAKE:
		if (c->sd->keys_changed)
			finished(c, len);
		else
			handshake_record(c, body, len, vis);
		break;
	case CT_APP:
		/* A TLS 1.2 server encrypts only after the client's Finished:
		 * encrypted records from it before the client changed keys are
		 * a TLS 1.3 flight (its ChangeCipherSpec may be in a cut part). */
		if (c->dir == TD_DIR_S2C && (c->sd->keys_changed || !t->dir[TD_DIR_C2S].ccs_seen) &&
		    !t->dir[TD_DIR_S2C].finished_seen && t->sh.seen && !t->client_key_exchange &&
		    t->sh.selected_version < 0x0304)
			t->sh.selected_version = 0x0304; /* inferred: see tls13() */
		if (tls13(t))
			tls13_record(c, len);
		else
			app_record(c, len);
		break;
	default:
		break;
	}
}

/* A direction whose first captured bytes are no record header: what
 * they say (an HTTP status line, a banner) is the evidence, as the stream
 * reader keeps it for whole packets. */
static void not_tls(struct td_facts *f, enum td_dir dir, const struct td_pkt *p)
{
	struct td_tls_facts *t = td_facts_tls(f);
	/* On a proxy port the first lines are the CONNECT and its answer: the
	 * tunnel's TLS follows, unreadable here (the heads are out of sync). */
	if (!t || t->non_tls[dir] || !p->payload_len || f->on_proxy_port)
		return;
	t->snapped = true;
	t->non_tls[dir] = true;
	t->non_tls_frame[dir] = p->frame;
	td_first_line(p->payload, p->payload_len, t->non_tls_line[dir], sizeof(t->non_tls_line[dir]));
}

static bool direction_on(struct snap_dir *sd, const struct td_pkt *p)
{
	if (!sd->started) {
		sd->started = true;
		sd->on = p->cut;
	}
	return sd->on;
}

void td_tls_snap_segment(struct td_tls_snap *s, struct td_facts *f, enum td_dir dir, const struct td_pkt *p)
{
	struct snap_dir *sd = &s->d[dir];
	if (!p->payload_wire_len || !direction_on(sd, p))
		return;
	uint32_t seq = p->seq, end = seq + (uint32_t)p->payload_wire_len;
	bool before = sd->synced && seq - sd->next_seq > 0x7fffffffu; /* serial arithmetic */
	if (before && (end == sd->next_seq || end - sd->next_seq > 0x7fffffffu))
		return; /* wholly before the next header: inside a long record, or a retransmission */
	size_t off;
	if (sd->synced && seq == sd->next_seq) {
		off = 0;
	} else if (before) {
		off = (size_t)(sd->next_seq - seq); /* the next header starts inside this segment */
	} else {
		/* A TLS 1.3 client flight whose next record was in the cut
		 * part: its Finished was there, what follows is data. */
		if (sd->flight_records)
			sd->flight_done = true;
		/* First segment, or data was lost: a header must start it. */
		if (p->payload_len < REC_HDR || !header_ok(p->payload)) {
			if (!sd->read_any)
				not_tls(f, dir, p);
			sd->synced = false;
			sd->read_any = true;
			return;
		}
		off = 0;
	}
	struct td_tls_facts *t = td_facts_tls(f);
	if (!t)
		return;
	t->snapped = true;
	struct ctx c = { .f = f, .t = t, .s = s, .sd = sd, .dir = dir, .frame = p->frame, .ts = p->ts };
	sd->read_any = true;
	while (off + REC_HDR <= p->payload_len) {
		const uint8_t *h = p->payload + off;
		if (!header_ok(h)) {
			sd->synced = false;
			return;
		}
		size_t len = (size_t)h[3] << 8 | h[4];
		size_t have = p->payload_len - off - REC_HDR;
		record(&c, h[0], h + REC_HDR, len, have < len ? have : len);
		off += REC_HDR + len;
	}
	/* The next header lies past what was captured: known when it starts
	 * in a later segment, lost when it starts in this one's cut part. */
	sd->synced = off >= p->payload_wire_len;
	if (!sd->synced)
		sd->lost_frame = p->frame;
	sd->next_seq = seq + (uint32_t)off;
}
