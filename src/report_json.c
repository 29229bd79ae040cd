/*
 * JSON Lines: one object per connection ("type":"flow") with the join keys
 * (ts, uid, community_id), the facts nested at the dots of their names, the
 * diagnosis and the findings; before it a "type":"certificate" object for
 * each certificate of its chains not written before (report_json_cert.c);
 * one "type":"summary" object last. Schema: doc/json.md, doc/json-schema.json.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "tlsdiag/report.h"
#include "tlsdiag/str.h"
#include "tlsdiag/diag.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/fingerprint.h"
#include "tlsdiag/jsonw.h"
#include "tlsdiag/names.h"
#include "tlsdiag/report_ids.h"
#include "tlsdiag/servers.h"
#include "tlsdiag/x509.h"

#define MAX_PATH_DEPTH 8

/* Whole numbers as integers, exactly, negative ones too (days left of an
 * expired certificate, a packet time before 1970); others with 6 decimals.
 * The range comes first: converting a double outside the integer type's
 * range is undefined behaviour. */
static void number(struct td_jsonw *w, double x)
{
	if (x >= 0 && x < 18446744073709551616.0 && x == (double)(uint64_t)x)
		td_jw_u64(w, (uint64_t)x);
	else if (x < 0 && x >= -9223372036854775808.0 && x == (double)(int64_t)x)
		td_jw_i64(w, (int64_t)x);
	else
		td_jw_double(w, x, 6);
}

static void value(struct td_jsonw *w, const struct td_value *v)
{
	char buf[64];
	switch (v->kind) {
	case TD_V_BOOL:
		td_jw_bool(w, v->b);
		break;
	case TD_V_NUM:
		number(w, v->num);
		break;
	case TD_V_STR:
		td_jw_str(w, v->str);
		break;
	case TD_V_LIST:
		td_jw_arr_open(w);
		for (size_t i = 0; i < v->n; i++)
			td_jw_str(w, td_value_item_name(v, i, buf, sizeof(buf)));
		td_jw_arr_close(w);
		break;
	case TD_V_CHAIN: /* written by chain() */
		td_jw_null(w);
		break;
	}
}

/* How a fact appears in JSON where it differs from its fact-table form
 * (doc/json.md, "Facts in JSON"). */
enum jform {
	J_PLAIN = 0,
	J_SKIP,        /* not written (a leaf fact in the certificate record) */
	J_COMMA,       /* a comma-separated string: a list */
	J_SEMI,        /* a "; "-separated string: a list */
	J_CHAIN,       /* a chain: the SHA-256 fingerprints */
	J_JA3,         /* "ja3": the MD5, "ja3_string": the string */
	J_JA3S,        /* "ja3s", "ja3s_string", and "ja4s" */
};

/* A fact's name cut at its dots, once: every record walks every fact.
 * node[k] numbers the prefix of parts 0..k (facts with the same prefix
 * have the same number), so the walk compares numbers, not strings; part k
 * is kept written as a JSON key, quotes and colon included. */
struct jpath {
	uint8_t form, n;
	uint16_t node[MAX_PATH_DEPTH];
	uint32_t key_off[MAX_PATH_DEPTH];
	uint8_t key_len[MAX_PATH_DEPTH];
};
static struct jpath *paths;
static char *key_pool;
static pthread_once_t forms_once = PTHREAD_ONCE_INIT; /* both threads may write JSON */

/* The objects open where the writer stands: the nodes of their paths. */
struct nest {
	uint16_t open[MAX_PATH_DEPTH];
	int depth;
};

/* The leaf facts a flow keeps; the rest is in the certificate record. */
static const char *const leaf_kept[] = {
	"subject", "issuer", "not_before", "not_after", "expired", "not_yet_valid", "days_left",
	"minutes_since_issue", "parse_error",
};

static enum jform form_of(const char *name)
{
	static const struct { const char *name; enum jform form; } named[] = {
		{ "tls.client_hello.ja3", J_JA3 },
		{ "tls.client_hello.ja3_hash", J_SKIP },
		{ "tls.client_hello.alpn", J_COMMA },
		{ "tls.server_hello.ja3s", J_JA3S },
		{ "tls.server_hello.ja3s_hash", J_SKIP },
		{ "x509.server.chain", J_CHAIN },
		{ "x509.client.chain", J_CHAIN },
		{ "x509.client_auth.ca_names", J_SEMI },
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(name, named[i].name) == 0)
			return named[i].form;
	if (strncmp(name, "x509.server.leaf.", 17) == 0 || strncmp(name, "x509.client.leaf.", 17) == 0) {
		for (size_t i = 0; i < sizeof(leaf_kept) / sizeof(leaf_kept[0]); i++)
			if (strcmp(name + 17, leaf_kept[i]) == 0)
				return J_PLAIN;
		return J_SKIP;
	}
	return J_PLAIN;
}

/* Where part k of name ends (its length from the name's start): the last
 * part takes the rest of the name, dots and all, past MAX_PATH_DEPTH. */
static size_t part_end(const char *name, int k, int n)
{
	const char *p = name;
	for (int i = 0; i < k; i++)
		p = strchr(p, '.') + 1; /* count_parts counted k dots before part k */
	const char *dot = k + 1 < n ? strchr(p, '.') : NULL;
	return dot ? (size_t)(dot - name) : strlen(name);
}

static int count_parts(const char *name)
{
	int n = 1;
	for (const char *p = name; *p && n < MAX_PATH_DEPTH; p++)
		n += *p == '.';
	return n;
}

/* Whether fact j's name starts with the first len bytes of name as whole
 * parts that are not its last. */
static bool shares_prefix(size_t j, int k, const char *name, size_t len)
{
	const char *o = td_facts_table[j].name;
	return paths[j].n > k + 1 && strncmp(o, name, len) == 0 && o[len] == '.';
}

/* The number of the prefix of i's name that is len bytes long (parts 0..k):
 * that of the first fact with the same prefix. The table keeps groups
 * together, so the fact before is asked first. */
static uint16_t node_of(size_t i, int k, size_t len)
{
	const char *name = td_facts_table[i].name;
	if (i > 0 && shares_prefix(i - 1, k, name, len))
		return paths[i - 1].node[k];
	for (size_t j = 0; j < i; j++)
		if (shares_prefix(j, k, name, len))
			return paths[j].node[k];
	return (uint16_t)i;
}

static void forms_init(void)
{
	size_t pool = 0;
	for (size_t i = 0; i < td_facts_count; i++)
		pool += strlen(td_facts_table[i].name) + 4 * MAX_PATH_DEPTH;
	paths = calloc(td_facts_count, sizeof(*paths));
	key_pool = malloc(pool);
	if (!paths || !key_pool)
		td_fatal("out of memory for the JSON writer's tables");
	if (td_facts_count > UINT16_MAX)
		td_fatal("%zu facts: more than the JSON writer's node numbers hold", td_facts_count);
	size_t used = 0;
	for (size_t i = 0; i < td_facts_count; i++) {
		const char *name = td_facts_table[i].name;
		struct jpath *p = &paths[i];
		p->form = (uint8_t)form_of(name);
		p->n = (uint8_t)count_parts(name);
		size_t start = 0;
		for (int k = 0; k < p->n; k++) {
			size_t end = part_end(name, k, p->n), len = end - start;
			if (len > 200)
				len = 200; /* key_len's range; no fact's name comes near */
			p->node[k] = k + 1 < p->n ? node_of(i, k, end) : (uint16_t)i;
			p->key_off[k] = (uint32_t)used;
			p->key_len[k] = (uint8_t)(len + 3);
			key_pool[used] = '"';
			memcpy(key_pool + used + 1, name + start, len);
			memcpy(key_pool + used + 1 + len, "\":", 2);
			used += len + 3;
			start = end + 1;
		}
	}
}

static void write_key(struct td_jsonw *w, const struct jpath *p, int k)
{
	td_jw_key_quoted(w, key_pool + p->key_off[k], p->key_len[k]);
}

/* Stand inside the parent of p's last part; the caller writes the key. */
static void nest_parent(struct td_jsonw *w, struct nest *s, const struct jpath *p)
{
	int keep = 0, parent = p->n - 1;
	while (keep < s->depth && keep < parent && s->open[keep] == p->node[keep])
		keep++;
	while (s->depth > keep) {
		td_jw_obj_close(w);
		s->depth--;
	}
	while (s->depth < parent) {
		write_key(w, p, s->depth);
		td_jw_obj_open(w);
		s->open[s->depth] = p->node[s->depth];
		s->depth++;
	}
}

static void chain(struct td_jsonw *w, const struct td_chain_facts *c, const struct td_cert_chain *msg)
{
	char sha256[65];
	td_jw_arr_open(w);
	for (size_t i = 0; i < c->n; i++) {
		const struct td_blob *der = msg && i < msg->kept ? &msg->certs[i] : NULL;
		if (td_cert_sha256(&c->certs[i], der, sha256))
			td_jw_str(w, sha256);
		else
			td_jw_null(w);
	}
	td_jw_arr_close(w);
}

static void ja4s(struct td_jsonw *w, const struct td_server_hello *sh)
{
	struct td_fp_server fs = {
		.legacy_version = sh->version, .suite = sh->suite, .exts = sh->exts, .n_exts = sh->n_exts,
		.selected_version = sh->selected_version, .alpn = sh->alpn[0] ? sh->alpn : NULL,
		.alpn_len = strlen(sh->alpn),
	};
	char out[TD_JA4_MAX];
	td_ja4s(&fs, out);
	if (out[0]) {
		td_jw_key(w, "ja4s");
		td_jw_str(w, out);
	}
}

/* One fact, its key included, in its JSON form. */
static void fact(struct td_jsonw *w, const struct td_facts *f, const struct jpath *p, const struct td_value *v)
{
	int last = p->n - 1;
	switch ((enum jform)p->form) {
	case J_SKIP:
		return;
	case J_COMMA:
	case J_SEMI: {
		char key[256];
		size_t len = (size_t)p->key_len[last] - 3;
		memcpy(key, key_pool + p->key_off[last] + 1, len);
		key[len] = '\0';
		td_jw_split(w, key, v->str, p->form == J_COMMA ? "," : "; ");
		return;
	}
	case J_CHAIN: {
		const struct td_chain_facts *c = v->chain;
		bool server = f->x509 && c == &f->x509->server;
		write_key(w, p, last);
		chain(w, c, f->tls ? (server ? &f->tls->server_certs : &f->tls->client_certs) : NULL);
		return;
	}
	case J_JA3:
		td_jw_key(w, "ja3");
		td_jw_str(w, f->tls->ch.ja3_hash);
		td_jw_key(w, "ja3_string");
		td_jw_str(w, v->str);
		return;
	case J_JA3S:
		td_jw_key(w, "ja3s");
		td_jw_str(w, f->tls->sh.ja3s_hash);
		td_jw_key(w, "ja3s_string");
		td_jw_str(w, v->str);
		ja4s(w, &f->tls->sh);
		return;
	case J_PLAIN:
		break;
	}
	write_key(w, p, last);
	value(w, v);
}

/* TLS session resumption: TLS 1.3, the server accepted a PSK (its
 * ServerHello carries pre_shared_key); before, the abbreviated handshake
 * (the server's ChangeCipherSpec follows its ServerHello with neither a
 * Certificate nor a ServerHelloDone). -1: no ServerHello, unknown. */
static int resumed(const struct td_tls_facts *t)
{
	if (!t || !t->sh.seen || t->snapped)
		return -1;
	if (t->sh.selected_version == 0x0304) {
		for (size_t i = 0; i < t->sh.n_exts; i++)
			if (t->sh.exts[i] == 41)
				return 1;
		return 0;
	}
	return !t->server_certs.seen && !t->server_hello_done && t->dir[TD_DIR_S2C].ccs_seen;
}

/* The last readable alert of the connection, either side: the message list,
 * and the first alert of each side for when that list was cut (its cap). */
static const char *last_alert(const struct td_tls_facts *t, char *buf, size_t len)
{
	uint64_t frame = 0;
	int desc = -1;
	if (!t)
		return NULL;
	for (size_t i = t->n_events; i-- > 0;) {
		const struct td_event *e = &t->events[i];
		if (e->kind == TD_EV_ALERT && !e->encrypted) {
			frame = e->frame;
			desc = e->code & 0xff;
			break;
		}
	}
	for (int d = 0; d < 2; d++) {
		const struct td_alert *a = &t->dir[d].alert;
		if (a->seen && !a->encrypted && (desc < 0 || a->frame > frame)) {
			frame = a->frame;
			desc = a->description;
		}
	}
	return desc < 0 ? NULL : td_name_fmt(TD_REG_ALERT, (uint32_t)desc, buf, len);
}

/* The keys before the facts: what joins this record with other tools'. */
static void head(struct td_jsonw *w, const struct td_facts *f)
{
	char buf[48];
	const struct td_tcp_facts *t = &f->tcp;
	td_jw_key(w, "type");
	td_jw_str(w, "flow");
	td_iso_time_us(t->first_ts, buf, sizeof(buf));
	td_jw_key(w, "ts");
	td_jw_str(w, buf);
	td_conn_uid(t, buf);
	td_jw_key(w, "uid");
	td_jw_str(w, buf);
	td_community_id(&t->client_ip, t->client_port, &t->server_ip, t->server_port, 6, 0, buf);
	if (buf[0]) {
		td_jw_key(w, "community_id");
		td_jw_str(w, buf);
	}
	td_jw_key(w, "id");
	td_jw_u64(w, f->id);
	td_jw_key(w, "file");
	td_jw_str(w, f->file);
	td_jw_key(w, "duration");
	number(w, t->last_ts >= t->first_ts ? t->last_ts - t->first_ts : 0);
	td_jw_key(w, "packets_client");
	td_jw_u64(w, t->packets_dir[TD_DIR_C2S]);
	td_jw_key(w, "packets_server");
	td_jw_u64(w, t->packets_dir[TD_DIR_S2C]);
	int r = resumed(f->tls);
	if (r >= 0) {
		td_jw_key(w, "resumed");
		td_jw_bool(w, r == 1);
	}
	const char *alert = last_alert(f->tls, buf, sizeof(buf));
	if (alert) {
		td_jw_key(w, "last_alert");
		td_jw_str(w, alert);
	}
}

static void alternatives(struct td_jsonw *w, const struct td_diagnosis *d)
{
	td_jw_key(w, "alternatives");
	td_jw_arr_open(w);
	for (size_t i = 0; i < d->n_alternatives; i++) {
		const struct td_alternative *a = &d->alternatives[i];
		td_jw_obj_open(w);
		td_jw_key(w, "category");
		td_jw_str(w, a->category);
		td_jw_key(w, "confidence");
		td_jw_str(w, a->confidence);
		td_jw_key(w, "rule");
		td_jw_str(w, a->rule);
		td_jw_key(w, "summary");
		td_jw_str(w, a->summary);
		td_jw_obj_close(w);
	}
	td_jw_arr_close(w);
}

static void diagnosis(struct td_jsonw *w, const struct td_diagnosis *d)
{
	td_jw_key(w, "diagnosis");
	td_jw_obj_open(w);
	td_jw_key(w, "category");
	td_jw_str(w, d->category);
	td_jw_key(w, "windows_error");
	td_jw_str(w, d->windows_error);
	td_jw_key(w, "confidence");
	td_jw_str(w, d->confidence);
	td_jw_key(w, "evidence_class");
	td_jw_str(w, d->evidence_class);
	td_jw_key(w, "rule");
	td_jw_str(w, d->rule);
	td_jw_key(w, "summary");
	td_jw_str(w, d->summary);
	td_jw_key(w, "evidence");
	td_jw_arr_open(w);
	for (size_t i = 0; i < d->n_evidence; i++) {
		td_jw_obj_open(w);
		td_jw_key(w, "frame");
		td_jw_u64(w, d->evidence[i].frame);
		td_jw_key(w, "detail");
		td_jw_str(w, d->evidence[i].detail);
		td_jw_obj_close(w);
	}
	td_jw_arr_close(w);
	td_jw_key(w, "explanation");
	td_jw_str(w, d->explanation);
	td_jw_key(w, "remedy");
	td_jw_str(w, d->remedy);
	alternatives(w, d);
	td_jw_obj_close(w);
	td_jw_key(w, "findings");
	td_jw_arr_open(w);
	for (size_t i = 0; i < d->n_findings; i++) {
		td_jw_obj_open(w);
		td_jw_key(w, "category");
		td_jw_str(w, d->findings[i].category);
		td_jw_key(w, "rule");
		td_jw_str(w, d->findings[i].rule);
		td_jw_key(w, "summary");
		td_jw_str(w, d->findings[i].summary);
		td_jw_obj_close(w);
	}
	td_jw_arr_close(w);
}

void td_report_json_flow(FILE *out, const struct td_facts *f, const struct td_diagnosis *d)
{
	struct td_jsonw w;
	struct nest s = { .depth = 0 };
	pthread_once(&forms_once, forms_init);
	td_report_json_certs(out, f);
	td_jw_init(&w, out);
	td_jw_obj_open(&w);
	head(&w, f);
	for (size_t i = 0; i < td_facts_count; i++) {
		const struct jpath *p = &paths[i];
		struct td_value v;
		if (p->form == J_SKIP || !td_fact_get(f, &td_facts_table[i], &v))
			continue;
		nest_parent(&w, &s, p);
		fact(&w, f, p, &v);
	}
	while (s.depth-- > 0)
		td_jw_obj_close(&w);
	diagnosis(&w, d);
	td_jw_obj_close(&w);
	td_jw_newline(&w);
}

/* The counts by server, as the text summary's "by server" section has them. */
static void json_servers(struct td_jsonw *w, const struct td_run_summary *s, const struct td_servers *t)
{
	td_jw_key(w, "servers");
	td_jw_arr_open(w);
	for (size_t i = 0; i < t->n; i++) {
		const struct td_server_row *r = &t->rows[i];
		td_jw_obj_open(w);
		td_jw_key(w, "server"); td_jw_str(w, r->server);
		if (r->sni[0]) {
			td_jw_key(w, "sni");
			td_jw_str(w, r->sni);
		}
		td_jw_key(w, "connections"); td_jw_u64(w, r->total);
		td_jw_key(w, "categories");
		td_jw_obj_open(w);
		for (size_t c = 0; c < s->n_categories; c++)
			if (r->counts[c]) {
				td_jw_key(w, s->categories[c]);
				td_jw_u64(w, r->counts[c]);
			}
		td_jw_obj_close(w);
		td_jw_obj_close(w);
	}
	td_jw_arr_close(w);
	if (t->others) {
		td_jw_key(w, "servers_others");
		td_jw_u64(w, t->others);
	}
}

void td_report_json_summary(FILE *out, const struct td_run_summary *s, const struct td_servers *servers)
{
	struct td_jsonw w;
	td_jw_init(&w, out);
	td_jw_obj_open(&w);
	td_jw_key(&w, "type");
	td_jw_str(&w, "summary");
	td_jw_key(&w, "files"); td_jw_u64(&w, s->files);
	td_jw_key(&w, "files_failed"); td_jw_u64(&w, s->files_failed);
	td_jw_key(&w, "packets"); td_jw_u64(&w, s->packets);
	td_jw_key(&w, "bytes"); td_jw_u64(&w, s->bytes);
	td_jw_key(&w, "connections"); td_jw_u64(&w, s->connections);
	td_jw_key(&w, "certificates"); td_jw_u64(&w, td_report_json_certs_written());
	td_jw_key(&w, "connections_not_tracked"); td_jw_u64(&w, s->connections_dropped);
	td_jw_key(&w, "connections_not_tracked_memory"); td_jw_u64(&w, s->connections_dropped_memory);
	td_jw_key(&w, "stray_packets"); td_jw_u64(&w, s->stray_packets);
	td_jw_key(&w, "peak_connections"); td_jw_u64(&w, s->peak_flows);
	td_jw_key(&w, "libnids");
	td_jw_obj_open(&w);
	td_jw_key(&w, "streams"); td_jw_u64(&w, s->nids_streams);
	td_jw_key(&w, "warnings"); td_jw_u64(&w, s->nids_warnings);
	td_jw_key(&w, "evicted"); td_jw_u64(&w, s->nids_evicted);
	td_jw_obj_close(&w);
	if (s->live) {
		td_jw_key(&w, "capture");
		td_jw_obj_open(&w);
		td_jw_key(&w, "received"); td_jw_u64(&w, s->received);
		td_jw_key(&w, "dropped"); td_jw_u64(&w, s->dropped);
		td_jw_key(&w, "ifdropped"); td_jw_u64(&w, s->ifdropped);
		td_jw_key(&w, "cut"); td_jw_u64(&w, s->packets_cut);
		td_jw_obj_close(&w);
	}
	td_jw_key(&w, "seconds"); td_jw_double(&w, s->seconds, 3);
	td_jw_key(&w, "categories");
	td_jw_obj_open(&w);
	for (size_t i = 0; i < s->n_categories; i++) {
		td_jw_key(&w, s->categories[i]);
		td_jw_u64(&w, s->category_counts[i]);
	}
	td_jw_obj_close(&w);
	td_jw_key(&w, "caps");
	td_jw_obj_open(&w);
	for (unsigned c = 1; c < TD_CAP_COUNT; c++) {
		if (!s->caps[c])
			continue;
		td_jw_key(&w, td_cap_name((enum td_cap)c));
		td_jw_u64(&w, s->caps[c]);
	}
	td_jw_obj_close(&w);
	if (servers)
		json_servers(&w, s, servers);
	if (s->write_file) {
		td_jw_key(&w, "written_connections"); td_jw_u64(&w, s->written_connections);
		td_jw_key(&w, "written_packets"); td_jw_u64(&w, s->written_packets);
		td_jw_key(&w, "write_failed"); td_jw_bool(&w, s->write_failed);
	}
	td_jw_obj_close(&w);
	td_jw_newline(&w);
	td_report_json_certs_reset(); /* the run is over */
}

void td_summary_caps(struct td_run_summary *s, uint32_t caps_hit)
{
	for (unsigned c = 1; c < TD_CAP_COUNT; c++)
		if (caps_hit & (1u << c))
			s->caps[c]++;
}

void td_summary_count(struct td_run_summary *s, const char *category)
{
	for (size_t i = 0; i < s->n_categories; i++) {
		if (strcmp(s->categories[i], category) == 0) {
			s->category_counts[i]++;
			return;
		}
	}
	if (s->n_categories < TD_MAX_CATEGORIES) {
		td_str_copy(s->categories[s->n_categories], sizeof(s->categories[0]), category);
		s->category_counts[s->n_categories++] = 1;
	}
}
