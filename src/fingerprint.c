/*
 * TLS fingerprints from parsed hello fields.
 *
 * JA3/JA3S (Salesforce): "SSLVersion,Ciphers,Extensions,EllipticCurves,
 * EllipticCurvePointFormats" (server: "SSLVersion,Cipher,Extensions"),
 * decimal values joined by '-', GREASE removed from the 16-bit lists, and the
 * MD5 of that string.
 *
 * JA4 (FoxIO JA4 specification, BSD-3-Clause, technical_details/JA4.md):
 * "t13d1516h2_8daaf6152771_e5627efa2ab1" = section a (transport, version,
 * SNI, counts, ALPN), b = truncated SHA-256 of the sorted cipher list,
 * c = truncated SHA-256 of the sorted extension list without SNI and ALPN,
 * then "_" and the signature algorithms in wire order. JA4_r spells b and c
 * out instead of hashing them. GREASE is ignored everywhere.
 *
 * Digests go through OpenSSL 3 EVP. Strings are streamed into the digest and
 * into the caller's buffer at the same time, so a short buffer only cuts the
 * text: the hash always covers the whole string. If OpenSSL cannot compute a
 * digest (no memory, MD5 disabled by a FIPS provider) the hash outputs are
 * empty strings rather than something that looks like a fingerprint.
 */
#include "tlsdiag/fingerprint.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "tlsdiag/digest.h"
#include "tlsdiag/names.h"

#define EXT_SERVER_NAME 0x0000
#define EXT_ALPN 0x0010

#define JA4_A_LEN 10   /* "t13d1516h2" */
#define JA4_HASH_LEN 12
#define JA4_NO_VALUES "000000000000"   /* JA4's b/c when the list is empty */
#define MD5_HEX_LEN 32

_Static_assert(JA4_A_LEN + 1 + JA4_HASH_LEN + 1 + JA4_HASH_LEN + 1 <= TD_JA4_MAX,
	       "a JA4 fingerprint fits TD_JA4_MAX");

static const char hex_digits[] = "0123456789abcdef";

/*
 * A text sink that feeds a digest and a bounded caller buffer at once: the
 * digest sees every byte, the buffer keeps what fits and is always
 * NUL-terminated.
 */
struct fp_out {
	char *buf;        /* NULL: digest only */
	size_t cap;       /* bytes at buf, the NUL included */
	size_t len;       /* bytes kept in buf */
	EVP_MD_CTX *md;   /* NULL: the bytes being written are not hashed; set with out_hash() */
	bool md_failed;   /* a digest update failed */
	/* Bytes on their way to md: one update per few hundred bytes instead
	 * of one per number and separator (an update costs more than the bytes). */
	char stage[512];
	size_t staged;
};

static void out_init(struct fp_out *o, char *buf, size_t cap)
{
	o->buf = (buf != NULL && cap > 0) ? buf : NULL;
	o->cap = cap;
	o->len = 0;
	o->md = NULL;
	o->md_failed = false;
	o->staged = 0;
	if (o->buf != NULL)
		o->buf[0] = '\0';
}

static void out_flush(struct fp_out *o)
{
	if (o->md != NULL && o->staged > 0 && EVP_DigestUpdate(o->md, o->stage, o->staged) != 1)
		o->md_failed = true;
	o->staged = 0;
}

/* From now on the bytes go (also) into md; NULL: into no digest. */
static void out_hash(struct fp_out *o, EVP_MD_CTX *md)
{
	out_flush(o);
	o->md = md;
}

static void out_put(struct fp_out *o, const char *s, size_t n)
{
	if (o->md != NULL) {
		if (o->staged + n > sizeof(o->stage))
			out_flush(o);
		if (n > sizeof(o->stage)) {
			if (EVP_DigestUpdate(o->md, s, n) != 1)
				o->md_failed = true;
		} else {
			memcpy(o->stage + o->staged, s, n);
			o->staged += n;
		}
	}
	if (o->buf != NULL && o->len + 1 < o->cap) {
		size_t room = o->cap - 1 - o->len;
		size_t k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		o->buf[o->len] = '\0';
	}
}

static void out_str(struct fp_out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

/* A number's decimal digits at dst (room for 10); their count. */
static size_t dec_at(char *dst, unsigned v)
{
	char tmp[10];
	size_t i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(dst, tmp + i, sizeof tmp - i);
	return sizeof tmp - i;
}

static void out_dec(struct fp_out *o, unsigned v)
{
	char tmp[10];

	out_put(o, tmp, dec_at(tmp, v));
}

/*
 * The lists are spelled into a local buffer and handed to the sink a few
 * hundred bytes at a time: a call per number and separator (some 360 a
 * hello) cost more than the spelling.
 */
struct list_text {
	struct fp_out *o;
	char buf[256];
	size_t n;
	bool first;
};

static void list_begin(struct list_text *l, struct fp_out *o)
{
	l->o = o;
	l->n = 0;
	l->first = true;
}

/* Room for a separator and the longest item (10 digits). */
static void list_room(struct list_text *l, char sep)
{
	if (l->n > sizeof(l->buf) - 12) {
		out_put(l->o, l->buf, l->n);
		l->n = 0;
	}
	if (!l->first)
		l->buf[l->n++] = sep;
	l->first = false;
}

static void list_end(struct list_text *l)
{
	out_put(l->o, l->buf, l->n);
}

/* JA3 list: decimal, '-'-joined, GREASE left out. */
static void out_dec_list(struct fp_out *o, const uint16_t *v, size_t n)
{
	struct list_text l;

	list_begin(&l, o);
	for (size_t i = 0; i < n; i++) {
		if (td_is_grease(v[i]))
			continue;
		list_room(&l, '-');
		l.n += dec_at(l.buf + l.n, v[i]);
	}
	list_end(&l);
}

/* JA3 point formats: 8-bit values, GREASE does not apply. */
static void out_dec_list8(struct fp_out *o, const uint8_t *v, size_t n)
{
	struct list_text l;

	list_begin(&l, o);
	for (size_t i = 0; i < n; i++) {
		list_room(&l, '-');
		l.n += dec_at(l.buf + l.n, v[i]);
	}
	list_end(&l);
}

/* JA4 list: 4-digit lowercase hex, ','-joined, GREASE left out. */
static void out_hex_list(struct fp_out *o, const uint16_t *v, size_t n)
{
	struct list_text l;

	list_begin(&l, o);
	for (size_t i = 0; i < n; i++) {
		if (td_is_grease(v[i]))
			continue;
		list_room(&l, ',');
		char *d = l.buf + l.n;
		d[0] = hex_digits[(v[i] >> 12) & 0xf];
		d[1] = hex_digits[(v[i] >> 8) & 0xf];
		d[2] = hex_digits[(v[i] >> 4) & 0xf];
		d[3] = hex_digits[v[i] & 0xf];
		l.n += 4;
	}
	list_end(&l);
}

static EVP_MD_CTX *md_start(enum td_md k)
{
	const EVP_MD *type = td_md(k);
	EVP_MD_CTX *md = type != NULL ? EVP_MD_CTX_new() : NULL;

	if (md != NULL && EVP_DigestInit_ex(md, type, NULL) != 1) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	return md;
}

/* The first hexlen lowercase hex digits of the digest into hex[hexlen + 1];
 * hex is left untouched on failure. */
static bool md_finish_hex(EVP_MD_CTX *md, char *hex, size_t hexlen)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (EVP_DigestFinal_ex(md, d, &dlen) != 1 || (size_t)dlen * 2 < hexlen)
		return false;
	for (size_t i = 0; i < hexlen; i++)
		hex[i] = hex_digits[(i % 2 == 0 ? d[i / 2] >> 4 : d[i / 2]) & 0xf];
	hex[hexlen] = '\0';
	return true;
}

/* MD5 of everything the sink hashed, or "" when a digest step failed. */
static void ja3_finish(struct fp_out *o, char md5hex[MD5_HEX_LEN + 1])
{
	out_flush(o);
	md5hex[0] = '\0';
	if (o->md != NULL && !o->md_failed && !md_finish_hex(o->md, md5hex, MD5_HEX_LEN))
		md5hex[0] = '\0';
	EVP_MD_CTX_free(o->md);
	o->md = NULL;
}

void td_ja3(const struct td_fp_client *c, char *str, size_t str_max, char md5hex[33])
{
	struct fp_out o;

	out_init(&o, str, str_max);
	out_hash(&o, md_start(TD_MD_MD5));
	out_dec(&o, c->legacy_version);
	out_str(&o, ",");
	out_dec_list(&o, c->suites, c->n_suites);
	out_str(&o, ",");
	out_dec_list(&o, c->exts, c->n_exts);
	out_str(&o, ",");
	out_dec_list(&o, c->groups, c->n_groups);
	out_str(&o, ",");
	out_dec_list8(&o, c->ec_formats, c->n_ec_formats);
	ja3_finish(&o, md5hex);
}

void td_ja3s(const struct td_fp_server *s, char *str, size_t str_max, char md5hex[33])
{
	struct fp_out o;

	out_init(&o, str, str_max);
	out_hash(&o, md_start(TD_MD_MD5));
	out_dec(&o, s->legacy_version);
	out_str(&o, ",");
	out_dec(&o, s->suite);
	out_str(&o, ",");
	out_dec_list(&o, s->exts, s->n_exts);
	ja3_finish(&o, md5hex);
}

static size_t count_non_grease(const uint16_t *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += !td_is_grease(v[i]);
	return k;
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/* Lists this long are sorted in place by insertion (no allocation, no
 * qsort's merge buffer); a hostile hello's longer ones go to qsort. */
#define SMALL_LIST 128

struct u16_list {
	uint16_t small[SMALL_LIST];
	uint16_t *v;      /* small, or a heap copy */
	size_t n;
};

static void sort_u16(uint16_t *v, size_t n)
{
	if (n > SMALL_LIST) {
		qsort(v, n, sizeof *v, cmp_u16);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint16_t x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * A JA4 list: GREASE removed (and SNI and ALPN too when drop_sni_alpn),
 * sorted, in out (out->n is 0 when the result is empty); false only when out
 * of memory. The lists are copied because the caller's stay in wire order.
 */
static bool sorted_copy(const uint16_t *v, size_t n, bool drop_sni_alpn, struct u16_list *out)
{
	out->v = out->small;
	out->n = 0;
	if (n > SMALL_LIST && (out->v = calloc(n, sizeof *out->v)) == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool sni_alpn = v[i] == EXT_SERVER_NAME || v[i] == EXT_ALPN;

		if (td_is_grease(v[i]) || (drop_sni_alpn && sni_alpn))
			continue;
		out->v[out->n++] = v[i];
	}
	sort_u16(out->v, out->n);
	return true;
}

static void list_free(struct u16_list *l)
{
	if (l->v != l->small)
		free(l->v);
	l->v = l->small;
}

/* The highest non-GREASE supported_versions value, else legacy_version. */
static uint16_t ja4_version(const struct td_fp_client *c)
{
	uint16_t best = 0;
	bool any = false;

	for (size_t i = 0; i < c->n_versions; i++) {
		uint16_t v = c->versions[i];

		if (!td_is_grease(v) && (!any || v > best)) {
			best = v;
			any = true;
		}
	}
	return any ? best : c->legacy_version;
}

static const char *ja4_version_code(uint16_t v)
{
	switch (v) {
	case 0x0304:
		return "13";
	case 0x0303:
		return "12";
	case 0x0302:
		return "11";
	case 0x0301:
		return "10";
	case 0x0300:
		return "s3";
	case 0x0002:
		return "s2";
	case 0xfeff:
		return "d1";
	case 0xfefd:
		return "d2";
	case 0xfefc:
		return "d3";
	default:
		return "00";   /* TLS 1.3 drafts included, as the reference tools do */
	}
}

/* Not isalnum(): the spec means ASCII bytes 0x30-0x39, 0x41-0x5a, 0x61-0x7a
 * whatever the locale. */
static bool ascii_alnum(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/*
 * First and last character of the first ALPN value ("h2", "h1" for
 * http/1.1); "00" when there is none or it is empty. When either end is not
 * ASCII alphanumeric, the first and last hex digits of the value instead:
 * the high nibble of the first byte and the low nibble of the last byte
 * (0xba 0xad -> "bd").
 */
static void ja4_alpn(const char *alpn, size_t len, char out[2])
{
	const uint8_t *p = (const uint8_t *)alpn;
	uint8_t first, last;

	if (p == NULL || len == 0) {
		out[0] = out[1] = '0';
		return;
	}
	first = p[0];
	last = p[len - 1];
	if (ascii_alnum(first) && ascii_alnum(last)) {
		out[0] = (char)first;
		out[1] = (char)last;
	} else {
		out[0] = hex_digits[first >> 4];
		out[1] = hex_digits[last & 0xf];
	}
}

static void two_digits(size_t n, char out[2])
{
	if (n > 99)
		n = 99;
	out[0] = (char)('0' + n / 10);
	out[1] = (char)('0' + n % 10);
}

/* Section a: "t13d1516h2". Counts include SNI and ALPN, exclude GREASE. */
static void ja4_a(const struct td_fp_client *c, char a[JA4_A_LEN + 1])
{
	const char *ver = ja4_version_code(ja4_version(c));

	a[0] = c->quic ? 'q' : 't';
	a[1] = ver[0];
	a[2] = ver[1];
	a[3] = c->sni_present ? 'd' : 'i';
	two_digits(count_non_grease(c->suites, c->n_suites), a + 4);
	two_digits(count_non_grease(c->exts, c->n_exts), a + 6);
	ja4_alpn(c->alpn_first, c->alpn_first_len, a + 8);
	a[JA4_A_LEN] = '\0';
}

/*
 * Sections b and c, written into raw (JA4_r) and hashed on the way.
 * b: sorted ciphers. c: sorted extensions without SNI/ALPN, then "_" and
 * the signature algorithms in wire order when there are any. An empty list
 * leaves its section empty in JA4_r and "000000000000" in JA4 (spec: an
 * empty extension list makes c all zeros, signature algorithms or not).
 */
static bool ja4_bc(const struct td_fp_client *c, const uint16_t *suites, size_t n_suites,
		   const uint16_t *exts, size_t n_exts, struct fp_out *raw,
		   char hash_b[JA4_HASH_LEN + 1], char hash_c[JA4_HASH_LEN + 1])
{
	EVP_MD_CTX *md_b = NULL, *md_c = NULL;
	bool ok = false;

	memcpy(hash_b, JA4_NO_VALUES, JA4_HASH_LEN + 1);
	memcpy(hash_c, JA4_NO_VALUES, JA4_HASH_LEN + 1);
	if (n_suites > 0 && (md_b = md_start(TD_MD_SHA256)) == NULL)
		goto out;
	if (n_exts > 0 && (md_c = md_start(TD_MD_SHA256)) == NULL)
		goto out;

	out_hash(raw, md_b);
	out_hex_list(raw, suites, n_suites);
	out_hash(raw, NULL);
	out_str(raw, "_");
	out_hash(raw, md_c);
	if (n_exts > 0) {
		out_hex_list(raw, exts, n_exts);
		if (count_non_grease(c->sigalgs, c->n_sigalgs) > 0) {
			out_str(raw, "_");
			out_hex_list(raw, c->sigalgs, c->n_sigalgs);
		}
	}
	out_hash(raw, NULL);

	if (raw->md_failed)
		goto out;
	if (md_b != NULL && !md_finish_hex(md_b, hash_b, JA4_HASH_LEN))
		goto out;
	if (md_c != NULL && !md_finish_hex(md_c, hash_c, JA4_HASH_LEN))
		goto out;
	ok = true;
out:
	EVP_MD_CTX_free(md_b);
	EVP_MD_CTX_free(md_c);
	return ok;
}

void td_ja4(const struct td_fp_client *c, char ja4[TD_JA4_MAX], char *ja4_r, size_t ja4_r_max)
{
	struct u16_list suites = { .v = suites.small }, exts = { .v = exts.small };
	char a[JA4_A_LEN + 1], hash_b[JA4_HASH_LEN + 1], hash_c[JA4_HASH_LEN + 1];
	struct fp_out raw;

	ja4[0] = '\0';
	out_init(&raw, ja4_r, ja4_r_max);
	if (!sorted_copy(c->suites, c->n_suites, false, &suites) ||
	    !sorted_copy(c->exts, c->n_exts, true, &exts))
		goto out;

	ja4_a(c, a);
	out_str(&raw, a);
	out_str(&raw, "_");
	if (!ja4_bc(c, suites.v, suites.n, exts.v, exts.n, &raw, hash_b, hash_c)) {
		if (raw.buf != NULL)
			raw.buf[0] = '\0';   /* both outputs empty, never half a result */
		goto out;
	}
	/* 10 + 1 + 12 + 1 + 12 characters: always fits TD_JA4_MAX. */
	memcpy(ja4, a, JA4_A_LEN);
	ja4[JA4_A_LEN] = '_';
	memcpy(ja4 + JA4_A_LEN + 1, hash_b, JA4_HASH_LEN);
	ja4[JA4_A_LEN + 1 + JA4_HASH_LEN] = '_';
	memcpy(ja4 + JA4_A_LEN + 2 + JA4_HASH_LEN, hash_c, JA4_HASH_LEN + 1);
out:
	list_free(&suites);
	list_free(&exts);
}
