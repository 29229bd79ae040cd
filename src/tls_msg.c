/*
 * Handshake message bodies into facts: ClientHello (and the SSLv2 form),
 * ServerHello / HelloRetryRequest, Certificate, CertificateRequest,
 * ServerKeyExchange and the small ones. Every field is read through the
 * bounds-checked reader and every vector must be consumed exactly:
 * malformation is returned as an error (a fact for the caller), never fixed.
 */
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/tls_sslv2.h"
#include "tlsdiag/tls.h"
#include "tlsdiag/rd.h"
#include "tlsdiag/names.h"
#include "tlsdiag/fingerprint.h"
#include "tlsdiag/http.h"

/* TLS 1.3 (RFC 8446 4.1.3): a ServerHello with this random is a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

enum { EXT_SNI = 0, EXT_GROUPS = 10, EXT_EC_FORMATS = 11, EXT_SIGALGS = 13, EXT_ALPN = 16,
       EXT_VERSIONS = 43, EXT_KEY_SHARE = 51 };

/* A list of 16-bit values filling a whole reader; keeps at most max. */
static enum td_err read_u16_list(struct td_rd *r, uint16_t *out, size_t max, size_t *n,
				 bool *capped)
{
	if (td_rd_left(r) % 2)
		return TD_E_FORMAT;
	*n = 0;
	while (!td_rd_done(r)) {
		uint16_t v;
		TD_TRY(td_rd_u16(r, &v));
		if (*n < max)
			out[(*n)++] = v;
		else
			*capped = true;
	}
	return TD_E_OK;
}

static enum td_err read_u8_list(struct td_rd *r, uint8_t *out, size_t max, size_t *n, bool *capped)
{
	*n = 0;
	while (!td_rd_done(r)) {
		uint8_t v;
		TD_TRY(td_rd_u8(r, &v));
		if (*n < max)
			out[(*n)++] = v;
		else
			*capped = true;
	}
	return TD_E_OK;
}

/* Append a length-delimited string to a ','-joined list, bounded. */
static void join_append(char *dst, size_t dstlen, const uint8_t *s, size_t len)
{
	size_t used = strlen(dst);
	char tmp[TD_STR_LINE];
	td_first_line(s, len, tmp, sizeof(tmp));
	size_t need = strlen(tmp) + (used ? 1 : 0);
	if (used + need >= dstlen)
		return;
	if (used)
		dst[used++] = ',';
	memcpy(dst + used, tmp, strlen(tmp) + 1);
}

static enum td_err ext_sni(struct td_rd *body, char *sni, size_t snilen)
{
	struct td_rd list;
	TD_TRY(td_rd_vec(body, 2, 1, 0xffff, &list));
	while (!td_rd_done(&list)) {
		uint8_t type;
		struct td_rd name;
		TD_TRY(td_rd_u8(&list, &type));
		TD_TRY(td_rd_vec(&list, 2, 1, 0xffff, &name));
		if (type == 0 && sni[0] == '\0')
			td_first_line(name.p, td_rd_left(&name), sni, snilen);
	}
	return td_rd_done(body) ? TD_E_OK : TD_E_TRAILING;
}

static enum td_err ext_alpn(struct td_rd *body, char *alpn, size_t alpnlen)
{
	struct td_rd list;
	TD_TRY(td_rd_vec(body, 2, 2, 0xffff, &list));
	while (!td_rd_done(&list)) {
		struct td_rd proto;
		TD_TRY(td_rd_vec(&list, 1, 1, 0xff, &proto));
		join_append(alpn, alpnlen, proto.p, td_rd_left(&proto));
	}
	return td_rd_done(body) ? TD_E_OK : TD_E_TRAILING;
}

/* A <lenbytes>-prefixed list of u16 that must fill the extension body. */
static enum td_err ext_u16_vec(struct td_rd *body, unsigned lenbytes, uint16_t *out, uint8_t *n,
			       bool *capped)
{
	struct td_rd list;
	size_t cnt;
	TD_TRY(td_rd_vec(body, lenbytes, 2, lenbytes == 1 ? 0xfe : 0xfffe, &list));
	TD_TRY(read_u16_list(&list, out, TD_MAX_LIST16, &cnt, capped));
	*n = (uint8_t)cnt;
	return td_rd_done(body) ? TD_E_OK : TD_E_TRAILING;
}

static enum td_err ext_key_share_ch(struct td_rd *body, struct td_client_hello *ch, bool *capped)
{
	struct td_rd list;
	TD_TRY(td_rd_vec(body, 2, 0, 0xffff, &list));
	while (!td_rd_done(&list)) {
		uint16_t group;
		struct td_rd key;
		TD_TRY(td_rd_u16(&list, &group));
		TD_TRY(td_rd_vec(&list, 2, 1, 0xffff, &key));
		if (ch->n_key_shares < TD_MAX_LIST16)
			ch->key_shares[ch->n_key_shares++] = group;
		else
			*capped = true;
	}
	return td_rd_done(body) ? TD_E_OK : TD_E_TRAILING;
}

static enum td_err ch_extension(struct td_client_hello *ch, uint16_t type, struct td_rd *body,
				bool *capped)
{
	size_t n;
	struct td_rd list;
	switch (type) {
	case EXT_SNI:
		return ext_sni(body, ch->sni, sizeof(ch->sni));
	case EXT_ALPN: {
		/* JA4 wants the first protocol's raw bytes, not the display form. */
		struct td_rd peek = *body, protos, first;
		if (td_rd_vec(&peek, 2, 2, 0xffff, &protos) == TD_E_OK &&
		    td_rd_vec(&protos, 1, 1, 0xff, &first) == TD_E_OK) {
			ch->alpn_first_len = (uint8_t)td_rd_left(&first);
			memcpy(ch->alpn_first, first.p, ch->alpn_first_len);
		}
		return ext_alpn(body, ch->alpn, sizeof(ch->alpn));
	}
	case EXT_VERSIONS:
		return ext_u16_vec(body, 1, ch->versions, &ch->n_versions, capped);
	case EXT_GROUPS:
		return ext_u16_vec(body, 2, ch->groups, &ch->n_groups, capped);
	case EXT_SIGALGS:
		return ext_u16_vec(body, 2, ch->sigalgs, &ch->n_sigalgs, capped);
	case EXT_KEY_SHARE:
		return ext_key_share_ch(body, ch, capped);
	case EXT_EC_FORMATS:
		TD_TRY(td_rd_vec(body, 1, 1, 0xff, &list));
		TD_TRY(read_u8_list(&list, ch->ec_formats, TD_MAX_SMALL, &n, capped));
		ch->n_ec_formats = (uint8_t)n;
		return td_rd_done(body) ? TD_E_OK : TD_E_TRAILING;
	default:
		return TD_E_OK; /* known by name only; body not needed */
	}
}

static void ch_count(struct td_client_hello *ch)
{
	ch->null_suites = ch->non_null_suites = ch->grease = 0;
	for (size_t i = 0; i < ch->n_suites; i++) {
		uint16_t s = ch->suites[i];
		if (td_is_grease(s))
			ch->grease++;
		else if (td_suite_is_null(s))
			ch->null_suites++;
		else if (s != 0x00ff && s != 0x5600)
			ch->non_null_suites++;
	}
	for (size_t i = 0; i < ch->n_exts; i++)
		ch->grease += td_is_grease(ch->exts[i]);
	ch->max_version = ch->version;
	for (size_t i = 0; i < ch->n_versions; i++)
		if (!td_is_grease(ch->versions[i]) && ch->versions[i] > ch->max_version &&
		    ch->versions[i] <= 0x0304)
			ch->max_version = ch->versions[i];
}

static void ch_fingerprints(struct td_client_hello *ch)
{
	struct td_fp_client c = {
		.legacy_version = ch->sslv2 ? 0x0002 : ch->version,
		.suites = ch->suites, .n_suites = ch->n_suites,
		.exts = ch->exts, .n_exts = ch->n_exts,
		.groups = ch->groups, .n_groups = ch->n_groups,
		.ec_formats = ch->ec_formats, .n_ec_formats = ch->n_ec_formats,
		.sigalgs = ch->sigalgs, .n_sigalgs = ch->n_sigalgs,
		.versions = ch->versions, .n_versions = ch->n_versions,
		.alpn_first = ch->alpn_first_len ? (const char *)ch->alpn_first : NULL,
		.alpn_first_len = ch->alpn_first_len,
		.sni_present = false,
	};
	for (size_t i = 0; i < ch->n_exts; i++)
		c.sni_present |= ch->exts[i] == EXT_SNI;
	td_ja3(&c, ch->ja3, sizeof(ch->ja3), ch->ja3_hash);
	td_ja4(&c, ch->ja4, ch->ja4_r, sizeof(ch->ja4_r));
}

/* Every value of a u16 (or u8) vector body, in a new array (NULL: no memory). */
static uint16_t *all_u16(struct td_rd list, size_t *n)
{
	uint16_t *v = malloc((td_rd_left(&list) / 2 + 1) * sizeof(*v));
	*n = 0;
	while (v && td_rd_u16(&list, &v[*n]) == TD_E_OK)
		(*n)++;
	return v;
}

static uint8_t *all_u8(struct td_rd list, size_t *n)
{
	uint8_t *v = malloc(td_rd_left(&list) + 1);
	*n = 0;
	while (v && td_rd_u8(&list, &v[*n]) == TD_E_OK)
		(*n)++;
	return v;
}

/* A list cap was hit: JA3 and JA4 are defined over the whole lists, so read
 * them again from the message. suites: the cipher suites vector's body;
 * exts: a reader standing at the extensions vector (done when there is none). */
static void ch_fingerprints_full(struct td_client_hello *ch, struct td_rd suites, struct td_rd exts_vec)
{
	size_t n_s = 0, n_e = 0, n_g = 0, n_sa = 0, n_v = 0, n_f = 0;
	uint16_t *s = all_u16(suites, &n_s);
	uint16_t *e = malloc((td_rd_left(&exts_vec) / 4 + 1) * sizeof(*e));
	uint16_t *g = NULL, *sa = NULL, *v = NULL;
	uint8_t *fm = NULL;
	struct td_rd exts;
	if (!s || !e) {
		ch_fingerprints(ch); /* no memory: the kept lists are all there is */
		goto out;
	}
	if (!td_rd_done(&exts_vec) && td_rd_vec(&exts_vec, 2, 0, 0xffff, &exts) == TD_E_OK) {
		while (!td_rd_done(&exts)) {
			uint16_t type;
			struct td_rd body, list;
			if (td_rd_u16(&exts, &type) != TD_E_OK || td_rd_vec(&exts, 2, 0, 0xffff, &body) != TD_E_OK)
				break;
			e[n_e++] = type;
			if (type == EXT_GROUPS && td_rd_vec(&body, 2, 2, 0xfffe, &list) == TD_E_OK) {
				free(g);
				g = all_u16(list, &n_g);
			} else if (type == EXT_SIGALGS && td_rd_vec(&body, 2, 2, 0xfffe, &list) == TD_E_OK) {
				free(sa);
				sa = all_u16(list, &n_sa);
			} else if (type == EXT_VERSIONS && td_rd_vec(&body, 1, 2, 0xfe, &list) == TD_E_OK) {
				free(v);
				v = all_u16(list, &n_v);
			} else if (type == EXT_EC_FORMATS && td_rd_vec(&body, 1, 1, 0xff, &list) == TD_E_OK) {
				free(fm);
				fm = all_u8(list, &n_f);
			}
		}
	}
	struct td_fp_client c = {
		.legacy_version = ch->version,
		.suites = s, .n_suites = n_s,
		.exts = e, .n_exts = n_e,
		.groups = g ? g : ch->groups, .n_groups = g ? n_g : ch->n_groups,
		.ec_formats = fm ? fm : ch->ec_formats, .n_ec_formats = fm ? n_f : ch->n_ec_formats,
		.sigalgs = sa ? sa : ch->sigalgs, .n_sigalgs = sa ? n_sa : ch->n_sigalgs,
		.versions = v ? v : ch->versions, .n_versions = v ? n_v : ch->n_versions,
		.alpn_first = ch->alpn_first_len ? (const char *)ch->alpn_first : NULL,
		.alpn_first_len = ch->alpn_first_len,
	};
	for (size_t i = 0; i < n_e; i++)
		c.sni_present |= e[i] == EXT_SNI;
	td_ja3(&c, ch->ja3, sizeof(ch->ja3), ch->ja3_hash);
	td_ja4(&c, ch->ja4, ch->ja4_r, sizeof(ch->ja4_r));
out:
	free(s);
	free(e);
	free(g);
	free(sa);
	free(v);
	free(fm);
}

static enum td_err ch_extensions(struct td_rd *r, struct td_client_hello *ch, bool *capped)
{
	struct td_rd exts;
	if (td_rd_done(r))
		return TD_E_OK; /* extensions are optional */
	TD_TRY(td_rd_vec(r, 2, 0, 0xffff, &exts));
	while (!td_rd_done(&exts)) {
		uint16_t type;
		struct td_rd body;
		TD_TRY(td_rd_u16(&exts, &type));
		TD_TRY(td_rd_vec(&exts, 2, 0, 0xffff, &body));
		if (ch->n_exts < TD_MAX_EXTS)
			ch->exts[ch->n_exts++] = type;
		else
			*capped = true;
		TD_TRY(ch_extension(ch, type, &body, capped));
	}
	return td_rd_done(r) ? TD_E_OK : TD_E_TRAILING;
}

static enum td_err parse_client_hello(struct td_facts *f, struct td_rd *r, uint64_t frame, double ts)
{
	struct td_client_hello *ch = &f->tls->ch;
	struct td_rd sid, suites, comp;
	bool capped = false;
	size_t n;
	uint16_t record_version = ch->record_version;
	memset(ch, 0, sizeof(*ch));
	ch->record_version = record_version;
	ch->seen = true;
	ch->frame = frame;
	ch->ts = ts;
	TD_TRY(td_rd_u16(r, &ch->version));
	TD_TRY(td_rd_skip(r, 32));
	TD_TRY(td_rd_vec(r, 1, 0, 32, &sid));
	ch->session_id_len = (uint8_t)td_rd_left(&sid);
	TD_TRY(td_rd_vec(r, 2, 2, 0xfffe, &suites));
	struct td_rd all_suites = suites;
	TD_TRY(read_u16_list(&suites, ch->suites, TD_MAX_SUITES, &n, &capped));
	ch->n_suites = (uint16_t)n;
	TD_TRY(td_rd_vec(r, 1, 1, 0xff, &comp));
	TD_TRY(read_u8_list(&comp, ch->compression, TD_MAX_SMALL, &n, &capped));
	ch->n_compression = (uint8_t)n;
	struct td_rd all_exts = *r;
	enum td_err e = ch_extensions(r, ch, &capped);
	ch_count(ch);
	if (capped)
		td_facts_cap(f, TD_CAP_LIST);
	if (capped && !f->skip_fingerprints)
		ch_fingerprints_full(ch, all_suites, all_exts);
	else if (!f->skip_fingerprints)
		ch_fingerprints(ch);
	return e;
}

enum td_err td_tls_parse_sslv2_hello(struct td_facts *f, const uint8_t *body, size_t len,
				     uint64_t frame, double ts)
{
	struct td_rd r = td_rd_make(body, len);
	struct td_client_hello *ch = &f->tls->ch;
	uint8_t type;
	uint16_t spec_len, sid_len, chal_len;
	const uint8_t *specs;
	memset(ch, 0, sizeof(*ch));
	ch->seen = ch->sslv2 = true;
	ch->frame = frame;
	ch->ts = ts;
	ch->record_version = 0x0002;
	TD_TRY(td_rd_u8(&r, &type));
	if (type != 1)
		return TD_E_FORMAT;
	TD_TRY(td_rd_u16(&r, &ch->version));
	TD_TRY(td_rd_u16(&r, &spec_len));
	TD_TRY(td_rd_u16(&r, &sid_len));
	TD_TRY(td_rd_u16(&r, &chal_len));
	if (spec_len % 3 || sid_len > 32 || chal_len < 16 || chal_len > 32)
		return TD_E_RANGE;
	TD_TRY(td_rd_bytes(&r, spec_len, &specs));
	TD_TRY(td_rd_skip(&r, sid_len));
	TD_TRY(td_rd_skip(&r, chal_len));
	ch->session_id_len = (uint8_t)sid_len;
	/* The SSLv2 cipher kinds, by name (an SSLv2 session goes on with one). */
	td_sslv2_kinds_text(specs, spec_len, f->tls->sslv2.client_ciphers, sizeof(f->tls->sslv2.client_ciphers));
	/* Specs whose first byte is 0 are TLS cipher suites (RFC 5246 E.2). */
	for (size_t i = 0; i + 3 <= spec_len; i += 3) {
		if (specs[i] != 0)
			continue;
		if (ch->n_suites < TD_MAX_SUITES)
			ch->suites[ch->n_suites++] = (uint16_t)(specs[i + 1] << 8 | specs[i + 2]);
		else
			td_facts_cap(f, TD_CAP_LIST);
	}
	ch->n_compression = 1;
	ch_count(ch);
	if (!f->skip_fingerprints)
		ch_fingerprints(ch);
	return td_rd_done(&r) ? TD_E_OK : TD_E_TRAILING;
}

static enum td_err sh_extension(struct td_server_hello *sh, uint16_t type, struct td_rd *body)
{
	switch (type) {
	case EXT_VERSIONS:
		TD_TRY(td_rd_u16(body, &sh->selected_version));
		break;
	case EXT_KEY_SHARE: {
		/* ServerHello: KeyShareEntry; HelloRetryRequest: the group alone. */
		TD_TRY(td_rd_u16(body, &sh->key_share_group));
		if (!sh->hrr) {
			struct td_rd key;
			TD_TRY(td_rd_vec(body, 2, 1, 0xffff, &key));
		}
		break;
	}
	case EXT_ALPN:
		return ext_alpn(body, sh->alpn, sizeof(sh->alpn));
	default:
		return TD_E_OK;
	}
	return td_rd_done(body) ? TD_E_OK : TD_E_TRAILING;
}

static void sh_fingerprint(struct td_server_hello *sh)
{
	const char *alpn_end = strchr(sh->alpn, ',');
	struct td_fp_server s = {
		.legacy_version = sh->version,
		.suite = sh->suite,
		.exts = sh->exts, .n_exts = sh->n_exts,
		.selected_version = sh->selected_version,
		.alpn = sh->alpn[0] ? sh->alpn : NULL,
		.alpn_len = alpn_end ? (size_t)(alpn_end - sh->alpn) : strlen(sh->alpn),
	};
	td_ja3s(&s, sh->ja3s, sizeof(sh->ja3s), sh->ja3s_hash);
}

/* draft-ietf-tls-tls13 up to -21 put the version (0x7f00 + draft, or 0x0304
 * itself) in the ServerHello and had no session ID or compression; -22
 * moved it to supported_versions and brought the TLS 1.2 layout back. */
static bool draft_server_hello(uint16_t version)
{
	return version == 0x0304 || (version >= 0x7f00 && version < 0x7f16);
}

static enum td_err parse_server_hello(struct td_facts *f, struct td_rd *r, uint64_t frame, double ts)
{
	struct td_server_hello *sh = &f->tls->sh;
	struct td_rd sid, exts;
	const uint8_t *random;
	memset(sh, 0, sizeof(*sh));
	sh->seen = true;
	sh->frame = frame;
	sh->ts = ts;
	TD_TRY(td_rd_u16(r, &sh->version));
	TD_TRY(td_rd_bytes(r, 32, &random));
	sh->hrr = memcmp(random, hrr_random, 32) == 0;
	if (sh->hrr)
		f->tls->hrr_frame = frame; /* kept when the real ServerHello replaces sh */
	if (draft_server_hello(sh->version)) {
		/* TLS 1.3 drafts up to 21: version, random, suite, extensions. */
		TD_TRY(td_rd_u16(r, &sh->suite));
	} else {
		TD_TRY(td_rd_vec(r, 1, 0, 32, &sid));
		sh->session_id_len = (uint8_t)td_rd_left(&sid);
		TD_TRY(td_rd_u16(r, &sh->suite));
		TD_TRY(td_rd_u8(r, &sh->compression));
	}
	sh->selected_version = sh->version;
	sh->null_cipher = td_suite_is_null(sh->suite);
	if (!td_rd_done(r)) {
		TD_TRY(td_rd_vec(r, 2, 0, 0xffff, &exts));
		while (!td_rd_done(&exts)) {
			uint16_t type;
			struct td_rd body;
			TD_TRY(td_rd_u16(&exts, &type));
			TD_TRY(td_rd_vec(&exts, 2, 0, 0xffff, &body));
			if (sh->n_exts < TD_MAX_EXTS)
				sh->exts[sh->n_exts++] = type;
			else
				td_facts_cap(f, TD_CAP_LIST);
			TD_TRY(sh_extension(sh, type, &body));
		}
	}
	if (sh->selected_version == 0)
		sh->selected_version = sh->version;
	if (sh->hrr)
		f->tls->hrr_group = sh->key_share_group;
	if (!f->skip_fingerprints)
		sh_fingerprint(sh);
	return td_rd_done(r) ? TD_E_OK : TD_E_TRAILING;
}

/* Certificate (RFC 5246 7.4.2; RFC 8446 4.4.2 when tls13). */
static enum td_err parse_certificate(struct td_facts *f, struct td_cert_chain *c, struct td_rd *r,
				     bool tls13, uint64_t frame, double ts)
{
	struct td_rd list;
	for (size_t i = 0; i < c->kept; i++)
		free(c->certs[i].data);
	free(c->certs);
	memset(c, 0, sizeof(*c));
	c->seen = true;
	c->frame = frame;
	c->ts = ts;
	if (tls13) {
		struct td_rd ctx;
		TD_TRY(td_rd_vec(r, 1, 0, 0xff, &ctx));
	}
	TD_TRY(td_rd_vec(r, 3, 0, 0xffffff, &list));
	while (!td_rd_done(&list)) {
		struct td_rd der;
		TD_TRY(td_rd_vec(&list, 3, 1, 0xffffff, &der));
		if (tls13) {
			struct td_rd exts;
			TD_TRY(td_rd_vec(&list, 2, 0, 0xffff, &exts));
		}
		c->count++;
		if (c->kept >= f->max_certs || c->kept >= TD_MAX_CERTS) {
			td_facts_cap(f, TD_CAP_CERTS);
			continue;
		}
		/* The kept array is allocated at the first certificate: most
		 * connections never carry one. */
		if (!c->certs && !(c->certs = calloc(f->max_certs, sizeof(*c->certs))))
			return TD_E_NOMEM;
		if (!td_blob_set(&c->certs[c->kept], der.p, td_rd_left(&der)))
			return TD_E_NOMEM;
		c->kept++;
	}
	c->empty = c->count == 0;
	return td_rd_done(r) ? TD_E_OK : TD_E_TRAILING;
}

static enum td_err parse_cert_request(struct td_facts *f, struct td_rd *r, uint64_t frame)
{
	struct td_cert_request *cr = &f->tls->cert_request;
	struct td_rd types, algs, names;
	bool capped = false;
	size_t n;
	for (size_t i = 0; i < cr->kept_ca_names; i++)
		free(cr->ca_names[i].data);
	memset(cr, 0, sizeof(*cr));
	cr->seen = true;
	cr->frame = frame;
	if (f->tls->sh.selected_version >= 0x0304)
		return TD_E_UNSUPPORTED; /* TLS 1.3 form is encrypted on the wire */
	TD_TRY(td_rd_vec(r, 1, 1, 0xff, &types));
	TD_TRY(read_u8_list(&types, cr->types, TD_MAX_SMALL, &n, &capped));
	cr->n_types = (uint8_t)n;
	/* supported_signature_algorithms exist from TLS 1.2 on. */
	if (f->tls->sh.selected_version >= 0x0303) {
		TD_TRY(td_rd_vec(r, 2, 2, 0xfffe, &algs));
		TD_TRY(read_u16_list(&algs, cr->sigalgs, TD_MAX_LIST16, &n, &capped));
		cr->n_sigalgs = (uint8_t)n;
	}
	TD_TRY(td_rd_vec(r, 2, 0, 0xffff, &names));
	while (!td_rd_done(&names)) {
		struct td_rd dn;
		TD_TRY(td_rd_vec(&names, 2, 1, 0xffff, &dn));
		cr->n_ca_names++;
		if (cr->kept_ca_names >= TD_MAX_CA_NAMES) {
			capped = true;
			continue;
		}
		if (!td_blob_set(&cr->ca_names[cr->kept_ca_names], dn.p, td_rd_left(&dn)))
			return TD_E_NOMEM;
		cr->kept_ca_names++;
	}
	if (capped)
		td_facts_cap(f, TD_CAP_LIST);
	return td_rd_done(r) ? TD_E_OK : TD_E_TRAILING;
}

/* Significant bits of a big-endian unsigned integer. */
static uint16_t bignum_bits(const uint8_t *p, size_t len)
{
	size_t i = 0;
	while (i < len && p[i] == 0)
		i++;
	if (i == len)
		return 0;
	unsigned bits = 8;
	for (uint8_t top = p[i]; !(top & 0x80); top = (uint8_t)(top << 1))
		bits--;
	size_t total = (len - i - 1) * 8 + bits;
	return total > 0xffff ? 0xffff : (uint16_t)total;
}

static bool suite_has(uint16_t suite, const char *part)
{
	const char *name = td_name(TD_REG_CIPHER_SUITE, suite);
	return name && strstr(name, part);
}

/* ServerKeyExchange: only the parameters, not the signature, are read. */
static enum td_err parse_server_key_exchange(struct td_facts *f, struct td_rd *r, uint64_t frame)
{
	struct td_key_exchange *k = &f->tls->ske;
	uint16_t suite = f->tls->sh.suite;
	memset(k, 0, sizeof(*k));
	k->seen = true;
	k->frame = frame;
	if (suite_has(suite, "_PSK_")) {
		/* RFC 4279 / 5489: the PSK identity hint comes first. */
		struct td_rd hint;
		TD_TRY(td_rd_vec(r, 2, 0, 0xffff, &hint));
	}
	if (suite_has(suite, "_ECDHE_") || suite_has(suite, "_ECDH_anon_")) {
		uint8_t curve_type;
		TD_TRY(td_rd_u8(r, &curve_type));
		if (curve_type != 3) /* only named_curve is in use */
			return TD_E_UNSUPPORTED;
		TD_TRY(td_rd_u16(r, &k->ecdhe_group));
	} else if (suite_has(suite, "_DHE_") || suite_has(suite, "_DH_anon_")) {
		struct td_rd p, g, ys;
		TD_TRY(td_rd_vec(r, 2, 1, 0xffff, &p));
		TD_TRY(td_rd_vec(r, 2, 1, 0xffff, &g));
		TD_TRY(td_rd_vec(r, 2, 1, 0xffff, &ys));
		k->dh_bits = bignum_bits(p.p, td_rd_left(&p));
	}
	return TD_E_OK;
}

static void seen_at(bool *flag, uint64_t *where, uint64_t frame)
{
	*flag = true;
	*where = frame;
}

enum td_err td_tls_parse_message(struct td_facts *f, enum td_dir dir, uint8_t type,
				 const uint8_t *body, size_t len, uint64_t frame, double ts)
{
	struct td_tls_facts *t = td_facts_tls(f);
	if (!t)
		return TD_E_NOMEM;
	struct td_rd r = td_rd_make(body, len);
	bool tls13 = t->sh.selected_version >= 0x0304;
	switch (type) {
	case 1:
		return dir == TD_DIR_C2S ? parse_client_hello(f, &r, frame, ts) : TD_E_FORMAT;
	case 2:
		return dir == TD_DIR_S2C ? parse_server_hello(f, &r, frame, ts) : TD_E_FORMAT;
	case 11:
		return parse_certificate(f, dir == TD_DIR_S2C ? &t->server_certs : &t->client_certs, &r,
					 tls13, frame, ts);
	case 12:
		return parse_server_key_exchange(f, &r, frame);
	case 13:
		return parse_cert_request(f, &r, frame);
	case 14:
		seen_at(&t->server_hello_done, &t->server_hello_done_frame, frame);
		return len == 0 ? TD_E_OK : TD_E_TRAILING;
	case 15:
		seen_at(&t->certificate_verify, &t->certificate_verify_frame, frame);
		return TD_E_OK;
	case 16:
		seen_at(&t->client_key_exchange, &t->client_key_exchange_frame, frame);
		return TD_E_OK;
	case 20:
		seen_at(&t->dir[dir].finished_seen, &t->dir[dir].finished_frame, frame);
		return TD_E_OK;
	case 4:
		t->new_session_tickets++;
		return TD_E_OK;
	case 8:
		t->encrypted_extensions = true;
		return TD_E_OK;
	default:
		return TD_E_OK;
	}
}
