/*
 * JA4S, the server's answer to JA4 (FoxIO JA4+ specification, BSD-3):
 * "t1204h2_c030_4e8089608790" = protocol (t: TCP), the chosen version (as
 * JA4's), the number of extensions (2 digits, 99 at most), the first and
 * last character of the chosen ALPN ("00" when none); "_" the chosen cipher
 * suite in 4 hex digits; "_" the first 12 hex digits of the SHA-256 of the
 * extension types in wire order as 4-digit hex joined by ",". The spelling
 * of versions, ALPN characters and empty lists is fingerprint.c's JA4's.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include "tlsdiag/digest.h"
#include "tlsdiag/fingerprint.h"

static const char hex_digits[] = "0123456789abcdef";

/* As fingerprint.c's JA4 version codes. */
static const char *version_code(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static bool ascii_alnum(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/* As fingerprint.c's JA4 ALPN: first and last character, or the high nibble
 * of the first byte and the low nibble of the last when either is not ASCII
 * alphanumeric; "00" when none. */
static void alpn_chars(const char *alpn, size_t len, char out[2])
{
	const uint8_t *p = (const uint8_t *)alpn;
	if (!p || len == 0) {
		out[0] = out[1] = '0';
		return;
	}
	if (ascii_alnum(p[0]) && ascii_alnum(p[len - 1])) {
		out[0] = (char)p[0];
		out[1] = (char)p[len - 1];
	} else {
		out[0] = hex_digits[p[0] >> 4];
		out[1] = hex_digits[p[len - 1] & 0xf];
	}
}

void td_ja4s(const struct td_fp_server *s, char ja4s[TD_JA4_MAX])
{
	char list[TD_MAX_JA4S_EXTS * 5 + 1];
	size_t n = s->n_exts < TD_MAX_JA4S_EXTS ? s->n_exts : TD_MAX_JA4S_EXTS, used = 0;
	char hash[13] = "000000000000";
	ja4s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		uint16_t v = s->exts[i];
		if (i)
			list[used++] = ',';
		list[used++] = hex_digits[v >> 12];
		list[used++] = hex_digits[(v >> 8) & 0xf];
		list[used++] = hex_digits[(v >> 4) & 0xf];
		list[used++] = hex_digits[v & 0xf];
	}
	if (n > 0) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		if (!td_digest(TD_MD_SHA256, list, used, md, &mdlen) || mdlen < 6)
			return;
		for (int i = 0; i < 12; i++)
			hash[i] = hex_digits[(i % 2 == 0 ? md[i / 2] >> 4 : md[i / 2]) & 0xf];
	}
	const char *ver = version_code(s->selected_version ? s->selected_version : s->legacy_version);
	char alpn[2];
	alpn_chars(s->alpn, s->alpn_len, alpn);
	unsigned count = n > 99 ? 99 : (unsigned)n;
	snprintf(ja4s, TD_JA4_MAX, "t%.2s%u%u%c%c_%c%c%c%c_%s", ver, count / 10, count % 10, alpn[0], alpn[1],
		 hex_digits[s->suite >> 12], hex_digits[(s->suite >> 8) & 0xf], hex_digits[(s->suite >> 4) & 0xf],
		 hex_digits[s->suite & 0xf], hash);
}
