/*
 * Community ID v1 (corelight/community-id-spec): the flow hash Zeek,
 * Suricata and Arkime write, so tlsdiag's records join with theirs.
 */
#include <string.h>
#include <openssl/evp.h>
#include "tlsdiag/digest.h"
#include "tlsdiag/report_ids.h"

static void base64(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = digits[(v >> 18) & 63];
		out[o++] = digits[(v >> 12) & 63];
		out[o++] = i + 1 < n ? digits[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? digits[v & 63] : '=';
	}
	out[o] = '\0';
}

void td_community_id(const struct td_ip *src, uint16_t sport, const struct td_ip *dst, uint16_t dport,
		     uint8_t proto, uint16_t seed, char out[TD_COMMUNITY_ID_MAX])
{
	out[0] = '\0';
	if (src->family != dst->family || (src->family != 4 && src->family != 6))
		return;
	size_t alen = src->family == 4 ? 4 : 16;
	int c = memcmp(src->addr, dst->addr, alen);
	if (c > 0 || (c == 0 && sport > dport)) {
		const struct td_ip *t = src;
		uint16_t tp = sport;
		src = dst;
		dst = t;
		sport = dport;
		dport = tp;
	}
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, src->addr, alen);
	n += alen;
	memcpy(buf + n, dst->addr, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	buf[n++] = (uint8_t)(sport >> 8);
	buf[n++] = (uint8_t)sport;
	buf[n++] = (uint8_t)(dport >> 8);
	buf[n++] = (uint8_t)dport;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!td_digest(TD_MD_SHA1, buf, n, md, &mdlen) || mdlen != 20)
		return;
	memcpy(out, "1:", 2);
	base64(md, 20, out + 2);
}
