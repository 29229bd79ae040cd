/*
 * What the certificates of one connection mean: chain order, trust at the
 * capture's time (X509_verify_cert with X509_VERIFY_PARAM_set_time), the
 * expected name, the client's certificate against the CertificateRequest,
 * the analyst's pins, and the signs of interception or of the wrong server.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include "tlsdiag/x509.h"
#include "tlsdiag/x509_cache.h"
#include "tlsdiag/x509_history.h"
#include "tlsdiag/str.h"
#include "inspection_builtin.h"

#define MAX_PATTERNS 128

struct pattern {
	char product[64];
	char text[128];
};

struct td_x509_ctx {
	struct td_x509_opts o;
	X509_STORE *store;           /* NULL without anchors */
	struct td_x509_cache *cache; /* each distinct chain decoded once */
	struct td_x509_history *history; /* what earlier connections showed */
	struct pattern patterns[MAX_PATTERNS];
	size_t n_patterns;
};

/* "PRODUCT|PATTERN" lines; '#' comments and blank lines skipped. */
static void load_patterns(struct td_x509_ctx *x, const char *text)
{
	const char *line = text;
	while (*line && x->n_patterns < MAX_PATTERNS) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *bar = memchr(line, '|', len);
		if (line[0] != '#' && bar && bar > line && (size_t)(bar - line) < sizeof(x->patterns[0].product) &&
		    len - (size_t)(bar - line) - 1 < sizeof(x->patterns[0].text)) {
			struct pattern *p = &x->patterns[x->n_patterns++];
			memcpy(p->product, line, (size_t)(bar - line));
			p->product[bar - line] = '\0';
			size_t tl = len - (size_t)(bar - line) - 1;
			memcpy(p->text, bar + 1, tl);
			p->text[tl] = '\0';
			while (tl && isspace((unsigned char)p->text[tl - 1]))
				p->text[--tl] = '\0';
			if (!tl)
				x->n_patterns--;
		}
		line = end ? end + 1 : line + len;
	}
}

static bool read_file(const char *path, char *buf, size_t buflen, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	size_t n = fread(buf, 1, buflen - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return true;
}

static bool load_anchors(struct td_x509_ctx *x, char *err, size_t errlen)
{
	const struct td_x509_opts *o = &x->o;
	if (!o->ca_file && !o->ca_path && !o->system_ca)
		return true;
	x->store = X509_STORE_new();
	if (!x->store) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (o->ca_file && X509_STORE_load_file(x->store, o->ca_file) != 1) {
		snprintf(err, errlen, "%s: cannot read trust anchors (PEM certificates expected)", o->ca_file);
		return false;
	}
	if (o->ca_path && X509_STORE_load_path(x->store, o->ca_path) != 1) {
		snprintf(err, errlen, "%s: cannot use as a CA directory (c_rehash format)", o->ca_path);
		return false;
	}
	if (o->system_ca && X509_STORE_set_default_paths(x->store) != 1) {
		snprintf(err, errlen, "cannot load the system's trust store");
		return false;
	}
	return true;
}

struct td_x509_ctx *td_x509_new(const struct td_x509_opts *o, char *err, size_t errlen)
{
	struct td_x509_ctx *x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->o = *o;
	x->cache = td_x509_cache_new();
	x->history = td_x509_history_new();
	if (!x->cache || !x->history) {
		snprintf(err, errlen, "out of memory");
		td_x509_free(x);
		return NULL;
	}
	if (!x->o.fresh_minutes)
		x->o.fresh_minutes = 30;
	if (!load_anchors(x, err, errlen)) {
		td_x509_free(x);
		return NULL;
	}
	if (o->inspection_list) {
		static char text[32768];
		if (!read_file(o->inspection_list, text, sizeof(text), err, errlen)) {
			td_x509_free(x);
			return NULL;
		}
		load_patterns(x, text);
	} else {
		load_patterns(x, td_inspection_builtin);
	}
	if (o->dump_dir) {
		struct stat st;
		if (stat(o->dump_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: not a directory (--dump-certs)", o->dump_dir);
			td_x509_free(x);
			return NULL;
		}
	}
	return x;
}

void td_x509_free(struct td_x509_ctx *x)
{
	if (!x)
		return;
	X509_STORE_free(x->store);
	td_x509_cache_free(x->cache);
	td_x509_history_free(x->history);
	free(x);
}

bool td_x509_has_anchors(const struct td_x509_ctx *x)
{
	return x->store != NULL;
}

void td_x509_stats(const struct td_x509_ctx *x, struct td_x509_cache_stats *st)
{
	td_x509_cache_stats(x->cache, st);
}

static X509 *parse(const struct td_blob *b)
{
	const unsigned char *p = b->data;
	return b->len <= 0x7fffffff ? d2i_X509(NULL, &p, (long)b->len) : NULL;
}

static const char *verify_error_name(int code)
{
	static const struct { int code; const char *name; } names[] = {
		{ X509_V_OK, "X509_V_OK" },
		{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT" },
		{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
		{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
		{ X509_V_ERR_CERT_SIGNATURE_FAILURE, "X509_V_ERR_CERT_SIGNATURE_FAILURE" },
		{ X509_V_ERR_CERT_NOT_YET_VALID, "X509_V_ERR_CERT_NOT_YET_VALID" },
		{ X509_V_ERR_CERT_HAS_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED" },
		{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT" },
		{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN" },
		{ X509_V_ERR_CERT_CHAIN_TOO_LONG, "X509_V_ERR_CERT_CHAIN_TOO_LONG" },
		{ X509_V_ERR_INVALID_CA, "X509_V_ERR_INVALID_CA" },
		{ X509_V_ERR_INVALID_PURPOSE, "X509_V_ERR_INVALID_PURPOSE" },
		{ X509_V_ERR_CERT_UNTRUSTED, "X509_V_ERR_CERT_UNTRUSTED" },
		{ X509_V_ERR_CERT_REJECTED, "X509_V_ERR_CERT_REJECTED" },
		{ X509_V_ERR_PATH_LENGTH_EXCEEDED, "X509_V_ERR_PATH_LENGTH_EXCEEDED" },
		{ X509_V_ERR_CA_KEY_TOO_SMALL, "X509_V_ERR_CA_KEY_TOO_SMALL" },
		{ X509_V_ERR_EE_KEY_TOO_SMALL, "X509_V_ERR_EE_KEY_TOO_SMALL" },
		{ X509_V_ERR_CA_MD_TOO_WEAK, "X509_V_ERR_CA_MD_TOO_WEAK" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
}

/* X509_verify_cert at time t, with the rest of the chain as untrusted; the
 * result goes into the entry, for the times it also holds for. */
static void verify_now(struct td_x509_ctx *x, struct td_chain_entry *e, int64_t t)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	e->verified = false;
	if (!ctx || sk_X509_num(e->stack) == 0 ||
	    X509_STORE_CTX_init(ctx, x->store, sk_X509_value(e->stack, 0), e->stack) != 1) {
		X509_STORE_CTX_free(ctx);
		return;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)t);
	X509_STORE_CTX_set_purpose(ctx, e->purpose);
	e->trusted = X509_verify_cert(ctx) == 1;
	e->verify_code = e->trusted ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	e->verified = true;
	X509_STORE_CTX_free(ctx);
}

/* Where date b puts the times around t: the nearest date below and above. */
static void window_add(int64_t b, int64_t t, int64_t *lo, int64_t *hi, bool *on_date)
{
	if (b < t && b > *lo)
		*lo = b;
	else if (b > t && b < *hi)
		*hi = b;
	else if (b == t)
		*on_date = true;
}

/* Verification depends on time only through certificate dates: the chain's
 * and those of the anchors it may have chosen from. Between two adjacent
 * dates every time gets the same answer, so the answer for t is kept for
 * that open interval (only for t itself when t is one of the dates). */
static void verify_window(struct td_x509_ctx *x, struct td_chain_entry *e, int64_t t)
{
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	bool on_date = false;
	for (size_t i = 0; i < e->n; i++)
		if (e->certs[i].parsed) {
			window_add(e->certs[i].not_before, t, &lo, &hi, &on_date);
			window_add(e->certs[i].not_after, t, &lo, &hi, &on_date);
		}
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(x->store);
	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		X509 *a = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (!a)
			continue;
		window_add(td_cert_time(X509_get0_notBefore(a)), t, &lo, &hi, &on_date);
		window_add(td_cert_time(X509_get0_notAfter(a)), t, &lo, &hi, &on_date);
	}
	e->verified_at = t;
	e->lo = on_date ? t : lo;
	e->hi = on_date ? t : hi;
}

static void verify(struct td_x509_ctx *x, struct td_chain_entry *e, int64_t t, struct td_chain_facts *c)
{
	bool reuse = e->verified && (t == e->verified_at || (e->lo < t && t < e->hi));
	td_x509_cache_count_verify(x->cache, reuse);
	if (!reuse) {
		verify_now(x, e, t);
		/* After the verification: a CA directory's anchors are loaded as it looks them up. */
		verify_window(x, e, t);
	}
	if (!e->verified)
		return;
	c->verify_attempted = true;
	c->trusted = e->trusted;
	c->verify_code = e->verify_code;
	const char *name = verify_error_name(c->verify_code);
	if (name)
		td_str_copy(c->verify_error, sizeof(c->verify_error), name);
	else
		snprintf(c->verify_error, sizeof(c->verify_error), "X509_V_ERR_%d", c->verify_code);
	td_str_copy(c->verify_reason, sizeof(c->verify_reason), X509_verify_cert_error_string(c->verify_code));
	/* OpenSSL builds and checks the chain's trust before the dates, so a
	 * date error means the chain itself was trusted (the order of Windows'
	 * SSL policy too: doc/windows-errors.md). */
	c->chain_untrusted = !c->trusted && c->verify_code != X509_V_ERR_CERT_NOT_YET_VALID &&
			     c->verify_code != X509_V_ERR_CERT_HAS_EXPIRED &&
			     c->verify_code != X509_V_ERR_HOSTNAME_MISMATCH;
}

static void dump(const struct td_x509_ctx *x, X509 *cert, const char *sha256)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.pem", x->o.dump_dir, sha256);
	FILE *fp = fopen(path, "w");
	if (fp) {
		PEM_write_X509(fp, cert);
		fclose(fp);
	}
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return false;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* A fingerprint as given: hex with or without colons, any case. */
static bool same_fingerprint(const char *given, const char *hex)
{
	size_t j = 0;
	for (size_t i = 0; given[i]; i++) {
		if (given[i] == ':' || given[i] == ' ')
			continue;
		if (!hex[j] || tolower((unsigned char)given[i]) != hex[j])
			return false;
		j++;
	}
	return hex[j] == '\0' && j > 0;
}

static void expectations(const struct td_x509_ctx *x, struct td_chain_facts *c)
{
	const struct td_cert_info *leaf = &c->certs[0];
	if (x->o.n_expect_issuer) {
		c->expect_issuer_checked = true;
		for (size_t i = 0; i < x->o.n_expect_issuer; i++)
			c->expect_issuer_ok |= contains_nocase(leaf->issuer, x->o.expect_issuer[i]);
	}
	if (x->o.n_expect_fingerprint) {
		c->expect_fingerprint_checked = true;
		for (size_t i = 0; i < x->o.n_expect_fingerprint; i++)
			c->expect_fingerprint_ok |= same_fingerprint(x->o.expect_fingerprint[i], leaf->sha256);
	}
}

/* Does a host name pattern from the subject CN cover the name (one-label wildcard)? */
static bool cn_covers(const char *cn, const char *name)
{
	if (strcasecmp(cn, name) == 0)
		return true;
	if (cn[0] != '*' || cn[1] != '.')
		return false;
	const char *dot = strchr(name, '.');
	return dot && dot != name && strcasecmp(cn + 1, dot) == 0;
}

static void name_check(struct td_chain_entry *e, struct td_chain_facts *c)
{
	const struct td_cert_info *leaf = &c->certs[0];
	if (!c->expected_name[0] || !leaf->parsed)
		return;
	c->name_checked = true;
	if (strcmp(e->name_asked, c->expected_name) != 0) {
		e->name_matched[0] = '\0';
		e->name_ok = td_cert_name_matches_x509(e->x509[0], c->expected_name, e->name_matched,
						       sizeof(e->name_matched));
		td_str_copy(e->name_asked, sizeof(e->name_asked), c->expected_name);
	}
	c->name_matched = e->name_ok;
	td_str_copy(c->matched_name, sizeof(c->matched_name), e->name_matched);
	c->cn_matches = leaf->cn[0] && cn_covers(leaf->cn, c->expected_name);
	c->multi_san_not_subject = leaf->n_san_dns > 1 && c->name_matched && !c->cn_matches;
}

/* The issuers against every pattern of the list: thousands of comparisons,
 * so once per distinct chain (the issuers are the chain's, the list the run's). */
static void search_inspection_list(const struct td_x509_ctx *x, struct td_chain_entry *e)
{
	if (e->inspection_searched)
		return;
	e->inspection_searched = true;
	for (size_t i = 0; i < e->n && !e->inspection_product[0]; i++)
		for (size_t p = 0; p < x->n_patterns; p++)
			if (contains_nocase(e->certs[i].issuer, x->patterns[p].text)) {
				td_str_copy(e->inspection_product, sizeof(e->inspection_product), x->patterns[p].product);
				break;
			}
}

/* Words inspection products and the CAs customers name for them use
 * ("Forward Trust", "SSL Inspection", "Decryption CA", "Outbound Proxy"):
 * a property of the chain, so looked for once per distinct chain. */
static void inspection_wording(struct td_chain_entry *e, struct td_chain_facts *c)
{
	static const char *const words[] = { "inspection", "inspect", "decrypt", "ssl proxy", "tls proxy",
					     "ssl-proxy", "forward trust", "forward-trust", "intercept",
					     "mitm", "outbound", "ssl bump", "sslbump" };
	if (!e->wording_searched) {
		e->wording_searched = true;
		for (size_t i = 0; i < e->n && !e->inspection_wording[0]; i++)
			for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
				if (contains_nocase(e->certs[i].issuer, words[w]) ||
				    (i == 0 && contains_nocase(e->certs[0].subject, words[w]))) {
					td_str_copy(e->inspection_wording, sizeof(e->inspection_wording), words[w]);
					break;
				}
	}
	memcpy(c->inspection_wording, e->inspection_wording, sizeof(c->inspection_wording));
}

static void interception(const struct td_x509_ctx *x, struct td_chain_entry *e, struct td_chain_facts *c)
{
	const struct td_cert_info *leaf = &c->certs[0];
	inspection_wording(e, c);
	search_inspection_list(x, e);
	td_str_copy(c->inspection_product, sizeof(c->inspection_product), e->inspection_product);
	/* A chain that ends in a CA the anchors do not hold; an incomplete one
	 * (missing intermediate) is not evidence of re-signing. */
	bool untrusted_issuer = c->verify_attempted && !c->trusted && !c->incomplete &&
				(c->verify_code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
				 c->verify_code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
	bool pinned_mismatch = (c->expect_issuer_checked && !c->expect_issuer_ok) ||
			       (c->expect_fingerprint_checked && !c->expect_fingerprint_ok);
	c->resigned = c->name_matched && !leaf->self_signed &&
		      (pinned_mismatch || untrusted_issuer || c->inspection_product[0]);
	c->fresh_leaf = leaf->parsed && leaf->minutes_since_issue >= 0 &&
			(uint32_t)leaf->minutes_since_issue < x->o.fresh_minutes;
	c->device_self_signed = leaf->self_signed && c->name_checked && !c->name_matched;
	c->ecdsa_leaf = strcmp(leaf->key_type, "EC") == 0;
}

/* One side's chain: decoded and ordered once per distinct chain (the
 * cache), judged at this connection's time t, verified when there are
 * anchors. The entry is returned for the checks that need the certificates. */
static struct td_chain_entry *chain(struct td_x509_ctx *x, const struct td_cert_chain *msg, int purpose,
				    int64_t t, struct td_chain_facts *c)
{
	bool fresh;
	c->seen = true;
	struct td_chain_entry *e = td_x509_cache_get(x->cache, msg, purpose, &fresh);
	c->certs = e ? malloc(e->n * sizeof(*c->certs)) : NULL;
	if (!c->certs)
		return NULL;
	memcpy(c->certs, e->certs, e->n * sizeof(*c->certs));
	c->n = e->n;
	c->unparsed = e->unparsed;
	c->ordered = e->ordered;
	for (size_t i = 0; i < c->n; i++) {
		td_cert_judge_time(&c->certs[i], t);
		/* The same chain makes the same files: written once. */
		if (fresh && e->x509[i] && x->o.dump_dir)
			dump(x, e->x509[i], c->certs[i].sha256);
	}
	if (c->n > 0) {
		const struct td_cert_info *last = &c->certs[c->n - 1];
		c->ends_self_signed = last->self_signed;
		if (x->store && c->unparsed == 0)
			verify(x, e, t, c);
		/* A chain that stops at a certificate which is no CA leaves the
		 * client to find its issuer; with anchors, verification says
		 * whether it could not. */
		c->incomplete = last->parsed && !last->self_signed && !last->is_ca;
		c->missing_intermediate = c->incomplete && c->verify_attempted &&
					  (c->verify_code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
					   c->verify_code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE);
	}
	return e;
}

/* Is the client's issuer (or a CA in its chain) among the names the server listed? */
static void client_auth(struct td_x509_ctx *x, const struct td_tls_facts *t, const struct td_chain_entry *client,
			struct td_x509_facts *xf)
{
	struct td_client_auth_facts *a = &xf->client_auth;
	a->requested = t->cert_request.seen;
	if (!a->requested)
		return;
	const struct td_ca_names *l = td_x509_cache_ca_names(x->cache, &t->cert_request);
	if (l) {
		a->ca_names_parsed = l->parsed;
		td_str_copy(a->ca_names, sizeof(a->ca_names), l->text);
	}
	a->sent_empty = t->client_certs.seen && t->client_certs.empty;
	for (size_t i = 0; l && i < t->client_certs.kept; i++) {
		/* The cached certificates when the chain was decoded; else parse here. */
		X509 *c = client && i < client->n ? client->x509[i] : parse(&t->client_certs.certs[i]);
		for (size_t k = 0; c && k < l->n; k++)
			if (l->names[k] && (X509_NAME_cmp(X509_get_issuer_name(c), l->names[k]) == 0 ||
					    (i > 0 && X509_NAME_cmp(X509_get_subject_name(c), l->names[k]) == 0)))
				a->issuer_listed = true;
		if (!(client && i < client->n))
			X509_free(c);
	}
	if (xf->client.n > 0) {
		const struct td_cert_info *leaf = &xf->client.certs[0];
		a->eku_allows_client_auth = leaf->parsed && (!leaf->has_eku || leaf->eku_client_auth);
	}
}

/* The name the client wanted: the option, else the SNI, else the HTTP Host. */
static void expected_name(const struct td_x509_ctx *x, const struct td_tls_facts *t,
			  struct td_chain_facts *c)
{
	const char *name = NULL, *src = "";
	if (x->o.server_name) {
		name = x->o.server_name;
		src = "option";
	} else if (t->ch.sni[0]) {
		name = t->ch.sni;
		src = "sni";
	} else if (t->http_req.host[0]) {
		name = t->http_req.host;
		src = "http-host";
	}
	if (!name)
		return;
	td_str_copy(c->expected_name, sizeof(c->expected_name), name);
	/* A Host header may carry a port ("name:443"); an IPv6 literal has several colons. */
	char *colon = strchr(c->expected_name, ':');
	if (colon && strcmp(src, "http-host") == 0 && colon == strrchr(c->expected_name, ':'))
		*colon = '\0';
	td_str_copy(c->name_source, sizeof(c->name_source), src);
}

static void add_sign(struct td_chain_facts *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_sign(struct td_chain_facts *c, const char *fmt, ...)
{
	size_t used = strlen(c->inspection_signals);
	if (used && used + 2 < sizeof(c->inspection_signals)) {
		memcpy(c->inspection_signals + used, "; ", 3);
		used += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->inspection_signals + used, sizeof(c->inspection_signals) - used, fmt, ap);
	va_end(ap);
	c->n_inspection_signals++;
}

/* The signs of a middlebox that re-signs, counted together: one alone has
 * innocent explanations (a lab server's fresh certificate, a CDN's second
 * CA, a CA the analyst did not give), two rarely do. */
static void inspection_signals(struct td_x509_ctx *x, const struct td_tls_facts *t, struct td_chain_facts *c)
{
	const struct td_cert_info *leaf = &c->certs[0];
	bool tls12 = t->sh.seen && t->sh.selected_version < 0x0304 && t->server_hello_done;
	td_x509_history_note(x->history, c->expected_name, tls12, t->cert_request.seen, c);
	if (leaf->self_signed)
		return; /* a device answering itself, not re-signing (wrong-backend) */
	if (c->inspection_wording[0])
		add_sign(c, "the chain is worded like an inspection CA ('%s')", c->inspection_wording);
	if (c->fresh_leaf)
		add_sign(c, "the leaf was minted %d minutes before the connection", (int)leaf->minutes_since_issue);
	if (c->resigned && !c->inspection_product[0])
		add_sign(c, "an issuer other than the expected one signed it");
	if (t->ch.null_suites > 0 && t->sh.seen && !t->sh.null_cipher)
		add_sign(c, "the client offered NULL suites and an encrypting one was chosen");
	if (c->earlier_issuer[0])
		add_sign(c, "an earlier connection to %s had a certificate from %s", c->expected_name, c->earlier_issuer);
	if (c->only_issuer && c->issuer_sites >= 4)
		add_sign(c, "one issuer signed for all %u unrelated sites so far", c->issuer_sites);
	if (c->client_cert_dropped)
		add_sign(c, "no CertificateRequest, where earlier connections to %s had one", c->expected_name);
}

void td_x509_analyze(struct td_x509_ctx *x, struct td_facts *f)
{
	const struct td_tls_facts *t = f->tls;
	if (!t || (!t->server_certs.seen && !t->client_certs.seen && !t->cert_request.seen))
		return;
	struct td_x509_facts *xf = calloc(1, sizeof(*xf));
	if (!xf)
		return;
	f->x509 = xf;
	if (t->server_certs.seen && t->server_certs.kept) {
		int64_t when = (int64_t)t->server_certs.ts;
		struct td_chain_entry *e = chain(x, &t->server_certs, X509_PURPOSE_SSL_SERVER, when, &xf->server);
		if (e) {
			expected_name(x, t, &xf->server);
			name_check(e, &xf->server);
			expectations(x, &xf->server);
			interception(x, e, &xf->server);
			inspection_signals(x, t, &xf->server);
		}
	}
	/* Last: the server's entry may be evicted by this lookup. */
	const struct td_chain_entry *client = NULL;
	if (t->client_certs.seen && t->client_certs.kept)
		client = chain(x, &t->client_certs, X509_PURPOSE_SSL_CLIENT, (int64_t)t->client_certs.ts,
			       &xf->client);
	client_auth(x, t, client, xf);
}
