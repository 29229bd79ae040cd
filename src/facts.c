/* Allocation and small helpers for the per-connection facts. */
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/facts.h"
#include "tlsdiag/x509.h"

struct td_facts *td_facts_new(void)
{
	struct td_facts *f = calloc(1, sizeof(struct td_facts));
	if (f)
		f->max_certs = TD_CERTS_KEPT;
	return f;
}

static void chain_free(struct td_cert_chain *c)
{
	for (size_t i = 0; i < c->kept; i++)
		free(c->certs[i].data);
	free(c->certs);
}

void td_x509_facts_free(struct td_x509_facts *xf)
{
	if (!xf)
		return;
	free(xf->server.certs);
	free(xf->client.certs);
	free(xf);
}

void td_facts_free(struct td_facts *f)
{
	if (!f)
		return;
	td_x509_facts_free(f->x509);
	struct td_tls_facts *t = f->tls;
	if (t) {
		chain_free(&t->server_certs);
		chain_free(&t->client_certs);
		for (size_t i = 0; i < t->cert_request.kept_ca_names; i++)
			free(t->cert_request.ca_names[i].data);
		free(t);
	}
	free(f);
}

struct td_tls_facts *td_facts_tls(struct td_facts *f)
{
	if (!f->tls)
		f->tls = calloc(1, sizeof(*f->tls));
	return f->tls;
}

void td_facts_cap(struct td_facts *f, enum td_cap cap)
{
	f->caps_hit |= 1u << cap;
}

const char *td_cap_name(enum td_cap cap)
{
	static const char *const names[TD_CAP_COUNT] = {
		[TD_CAP_BYTES] = "bytes-per-direction",
		[TD_CAP_HS_MSG] = "handshake-message-size",
		[TD_CAP_CERTS] = "certificates-per-chain",
		[TD_CAP_EVENTS] = "messages-listed",
		[TD_CAP_LIST] = "list-length",
		[TD_CAP_MEMORY] = "memory",
		[TD_CAP_WRITE] = "write-buffer",
	};
	return (unsigned)cap < TD_CAP_COUNT && names[cap] ? names[cap] : "unknown";
}

void td_facts_event(struct td_facts *f, uint64_t frame, double ts, enum td_dir dir,
		    enum td_event_kind kind, uint16_t code, uint32_t arg, bool encrypted)
{
	struct td_tls_facts *t = td_facts_tls(f);
	if (!t)
		return;
	if (t->n_events >= TD_MAX_EVENTS) {
		td_facts_cap(f, TD_CAP_EVENTS);
		return;
	}
	struct td_event *e = &t->events[t->n_events++];
	e->frame = frame;
	e->ts = ts;
	e->dir = (uint8_t)dir;
	e->kind = (uint8_t)kind;
	e->code = code;
	e->arg = arg;
	e->encrypted = encrypted;
}

bool td_blob_set(struct td_blob *b, const uint8_t *data, size_t len)
{
	b->data = malloc(len ? len : 1);
	if (!b->data) {
		b->len = 0;
		return false;
	}
	memcpy(b->data, data, len);
	b->len = len;
	return true;
}

const char *td_stage_name(enum td_stage s)
{
	static const char *const names[TD_STAGE__COUNT] = {
		[TD_STAGE_SYN] = "syn-sent",
		[TD_STAGE_REFUSED] = "refused",
		[TD_STAGE_ESTABLISHED] = "tcp-established",
		[TD_STAGE_CLIENT_HELLO] = "client-hello",
		[TD_STAGE_SERVER_HELLO] = "server-hello",
		[TD_STAGE_SERVER_DONE] = "server-flight",
		[TD_STAGE_CLIENT_FLIGHT] = "client-flight",
		[TD_STAGE_HANDSHAKE_DONE] = "handshake-complete",
		[TD_STAGE_APP_DATA] = "application-data",
	};
	return (unsigned)s < TD_STAGE__COUNT ? names[s] : "unknown";
}

const char *td_who_name(enum td_who w)
{
	switch (w) {
	case TD_WHO_CLIENT: return "client";
	case TD_WHO_SERVER: return "server";
	case TD_WHO_BOTH: return "both";
	default: return "none";
	}
}

const char *td_dir_arrow(enum td_dir d)
{
	return d == TD_DIR_C2S ? "C->S" : "S->C";
}
