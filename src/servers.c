/* The summary by server (include/tlsdiag/servers.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "tlsdiag/servers.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/str.h"

static void server_name(const struct td_facts *f, char *buf, size_t len)
{
	td_endpoint_text(&f->tcp.server_ip, f->tcp.server_port, buf, len);
}

static struct td_server_row *row_for(struct td_servers *t, const char *server, const char *sni)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].server, server) && !strcmp(t->rows[i].sni, sni))
			return &t->rows[i];
	if (t->n == TD_MAX_SERVERS)
		return NULL;
	struct td_server_row *r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	td_str_copy(r->server, sizeof(r->server), server);
	td_str_copy(r->sni, sizeof(r->sni), sni);
	return r;
}

static size_t category_index(const struct td_run_summary *s, const char *category)
{
	for (size_t i = 0; i < s->n_categories; i++)
		if (!strcmp(s->categories[i], category))
			return i;
	return TD_MAX_CATEGORIES;
}

void td_servers_count(struct td_servers *t, const struct td_run_summary *s, const struct td_facts *f,
		      const char *category)
{
	char server[64];
	server_name(f, server, sizeof(server));
	const char *sni = f->tls && f->tls->ch.seen ? f->tls->ch.sni : "";
	struct td_server_row *r = row_for(t, server, sni);
	if (!r) {
		t->others++;
		return;
	}
	r->total++;
	size_t c = category_index(s, category);
	if (c < TD_MAX_CATEGORIES)
		r->counts[c]++;
}

void td_servers_text(FILE *out, const struct td_servers *t, const struct td_run_summary *s)
{
	if (t->n < 2)
		return;
	fprintf(out, "   by server:\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct td_server_row *r = &t->rows[i];
		fprintf(out, "     %s%s%s: %llu", r->server, r->sni[0] ? " SNI " : "", r->sni,
			(unsigned long long)r->total);
		const char *sep = " (";
		for (size_t c = 0; c < s->n_categories; c++) {
			if (!r->counts[c])
				continue;
			fprintf(out, "%s%s %llu", sep, s->categories[c], (unsigned long long)r->counts[c]);
			sep = ", ";
		}
		fputs(strcmp(sep, ", ") == 0 ? ")\n" : "\n", out);
	}
	if (t->others)
		fprintf(out, "     other servers (beyond %d): %llu\n", TD_MAX_SERVERS, (unsigned long long)t->others);
}
