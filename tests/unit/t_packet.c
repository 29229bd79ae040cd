/* Unit tests for src/link.c, src/tunnel.c and src/packet.c: peeling each
 * link layer (MPLS, PPPoE and NFLOG too), opening each tunnel, and the
 * IPv4/IPv6 + TCP decoder on whole, snapped, padded, odd and truncated
 * packets. Packets are built field by field below. */
#include "tlsdiag/packet.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdiag/attr.h"
#include "tap.h"

/* --- Building packets ----------------------------------------------------- */

struct buf {
	uint8_t b[512];
	size_t len;
};

static void put(struct buf *p, const void *data, size_t n)
{
	if (p->len + n > sizeof(p->b))
		exit(99);
	memcpy(p->b + p->len, data, n);
	p->len += n;
}

static void put8(struct buf *p, uint8_t v)
{
	put(p, &v, 1);
}

static void put16(struct buf *p, uint16_t v)
{
	put8(p, (uint8_t)(v >> 8));
	put8(p, (uint8_t)v);
}

static void put32(struct buf *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p, (uint16_t)v);
}

static void put_fill(struct buf *p, uint8_t v, size_t n)
{
	while (n--)
		put8(p, v);
}

static const uint8_t v4_src[4] = { 192, 0, 2, 1 }, v4_dst[4] = { 198, 51, 100, 2 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 0xcd };

#define PROTO_TCP 6
#define PROTO_UDP 17

/* IPv4 header of ihl 32-bit words; options (if any) are NOPs ending in EOL. */
static void ipv4(struct buf *p, unsigned ihl, uint16_t total, uint8_t ttl, uint8_t proto, uint16_t frag)
{
	put8(p, (uint8_t)(0x40 | ihl));
	put8(p, 0);
	put16(p, total);
	put16(p, 0x1234); /* id */
	put16(p, frag);
	put8(p, ttl);
	put8(p, proto);
	put16(p, 0);      /* checksum: not checked */
	put(p, v4_src, 4);
	put(p, v4_dst, 4);
	if (ihl > 5) {
		put_fill(p, 0x01, (ihl - 5) * 4 - 1);
		put8(p, 0x00);
	}
}

static void ipv6(struct buf *p, uint16_t plen, uint8_t next, uint8_t hops)
{
	put32(p, 0x60000000);
	put16(p, plen);
	put8(p, next);
	put8(p, hops);
	put(p, v6_src, 16);
	put(p, v6_dst, 16);
}

/* TCP header of hlen bytes (options: an MSS, then NOPs). */
static void tcp(struct buf *p, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, size_t hlen,
		uint8_t flags)
{
	put16(p, sport);
	put16(p, dport);
	put32(p, seq);
	put32(p, ack);
	put8(p, (uint8_t)((hlen / 4) << 4));
	put8(p, flags);
	put16(p, 64240); /* window */
	put16(p, 0);     /* checksum */
	put16(p, 0);     /* urgent */
	if (hlen >= 24) {
		put8(p, 2);
		put8(p, 4);
		put16(p, 1460);
		put_fill(p, 0x01, hlen - 24);
	}
}

/* IPv4 SYN 192.0.2.1:50000 -> 198.51.100.2:443, MSS option, ttl 64. */
static struct buf v4_syn(void)
{
	struct buf p = { .len = 0 };
	ipv4(&p, 5, 20 + 24, 64, PROTO_TCP, 0x4000 /* DF */);
	tcp(&p, 50000, 443, 0x01020304, 0, 24, TD_TCP_SYN);
	return p;
}

/* IPv6 PSH|ACK 2001:db8::1:50001 -> 2001:db8::abcd:443 with "hello". */
static struct buf v6_data(void)
{
	struct buf p = { .len = 0 };
	ipv6(&p, 20 + 5, PROTO_TCP, 57);
	tcp(&p, 50001, 443, 0xfffffff0, 0x11223344, 20, TD_TCP_PSH | TD_TCP_ACK);
	put(&p, "hello", 5);
	return p;
}

/* --- Link layers ---------------------------------------------------------- */

static const uint8_t mac_dst[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_src[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };

static void ether(struct buf *p, const uint16_t *types, size_t n_types)
{
	put(p, mac_dst, 6);
	put(p, mac_src, 6);
	for (size_t i = 0; i < n_types; i++) {
		put16(p, types[i]);
		if (i + 1 < n_types)
			put16(p, (uint16_t)(0x0064 + i)); /* VLAN TCI */
	}
}

static void sll(struct buf *p, uint16_t proto)
{
	put16(p, 0);      /* packet type: to us */
	put16(p, 1);      /* ARPHRD_ETHER */
	put16(p, 6);
	put(p, mac_src, 6);
	put16(p, 0);      /* address padding */
	put16(p, proto);
}

static void sll2(struct buf *p, uint16_t proto)
{
	put16(p, proto);
	put16(p, 0);      /* reserved */
	put32(p, 2);      /* interface index */
	put16(p, 1);      /* ARPHRD_ETHER */
	put8(p, 0);       /* packet type */
	put8(p, 6);
	put(p, mac_src, 6);
	put16(p, 0);
}

static void null_af(struct buf *p, uint32_t af, bool big_endian)
{
	if (big_endian)
		put32(p, af);
	else
		put32(p, __builtin_bswap32(af));
}

/* An Ethernet header, then what an EtherType announces, built by hand. */
static struct buf hdr_eth_raw(uint16_t type)
{
	struct buf h = { .len = 0 };
	put(&h, mac_dst, 6);
	put(&h, mac_src, 6);
	put16(&h, type);
	return h;
}

/* MPLS labels (the last one bottom of stack), in Ethernet. */
static struct buf hdr_mpls(unsigned n, bool pw)
{
	struct buf h = hdr_eth_raw(0x8847);
	for (unsigned i = 0; i < n; i++)
		put32(&h, (100u + i) << 12 | (i + 1 == n ? 0x100u : 0) | 64);
	if (pw) {
		put32(&h, 0); /* control word, then the inner Ethernet frame */
		put(&h, mac_dst, 6);
		put(&h, mac_src, 6);
		put16(&h, 0x0800);
	}
	return h;
}

/* A PPPoE session header with a PPP protocol; in Ethernet or alone. */
static struct buf hdr_pppoe(uint8_t vt, uint16_t ppp, bool in_ether)
{
	struct buf h = in_ether ? hdr_eth_raw(0x8864) : (struct buf){ .len = 0 };
	put8(&h, vt);
	put8(&h, 0);
	put16(&h, 0x2a);
	put16(&h, 46);
	put16(&h, ppp);
	return h;
}

static struct buf hdr_ppp(bool hdlc, bool compressed)
{
	struct buf h = { .len = 0 };
	if (hdlc) {
		put8(&h, 0xff);
		put8(&h, 0x03);
	}
	if (compressed)
		put8(&h, 0x21);
	else
		put16(&h, 0x0021);
	return h;
}

/* NFLOG TLVs are in host order (libpcap swaps a foreign file's). */
static void nflog_tlv(struct buf *h, uint16_t len, uint16_t type)
{
	put(h, &len, 2);
	put(h, &type, 2);
}

/* NFLOG: AF_INET, a packet-header TLV, a 5-byte prefix (padded), then the
 * payload TLV whose length covers the SYN (44 bytes) when payload_len is 44. */
static struct buf hdr_nflog(uint16_t payload_len, bool payload)
{
	struct buf h = { .len = 0 };
	put8(&h, 2);
	put8(&h, 0);
	put16(&h, 7);
	nflog_tlv(&h, 8, 1);
	put16(&h, 0x0800);
	put16(&h, 0x0100);
	nflog_tlv(&h, 4 + 5, 10);
	put(&h, "drop\0\0\0\0", 8);
	nflog_tlv(&h, (uint16_t)(4 + payload_len), payload ? 9 : 11);
	return h;
}

/* A link header followed by the IPv4 SYN; ip must land right after it. */
struct link_case {
	const char *what;
	int dlt;
	struct buf hdr;
	enum td_err want;
};

static struct link_case link_case(const char *what, int dlt, struct buf hdr, enum td_err want)
{
	struct link_case c = { what, dlt, hdr, want };
	return c;
}

static struct buf hdr_ether(const uint16_t *types, size_t n)
{
	struct buf h = { .len = 0 };
	ether(&h, types, n);
	return h;
}

static struct buf hdr_sll(uint16_t proto, bool v2)
{
	struct buf h = { .len = 0 };
	if (v2)
		sll2(&h, proto);
	else
		sll(&h, proto);
	return h;
}

static struct buf hdr_null(uint32_t af, bool big_endian)
{
	struct buf h = { .len = 0 };
	null_af(&h, af, big_endian);
	return h;
}

static void check_link(const struct link_case *c)
{
	struct buf syn = v4_syn(), frame = c->hdr;
	put(&frame, syn.b, syn.len);
	uint8_t *copy = malloc(frame.len);
	if (!copy)
		exit(99);
	memcpy(copy, frame.b, frame.len);
	const uint8_t *ip = NULL;
	size_t iplen = 0;
	enum td_err e = td_link_decode(c->dlt, copy, frame.len, &ip, &iplen);
	if (c->want == TD_E_OK)
		ok(e == TD_E_OK && ip == copy + c->hdr.len && iplen == syn.len,
		   "link %s: IP packet after %zu header bytes", c->what, c->hdr.len);
	else
		ok(e == c->want, "link %s: %s", c->what, td_err_name(c->want));
	if (e != c->want)
		diag("  got %s", td_err_name(e));
	free(copy);
}

static void test_link_layers(void)
{
	static const uint16_t eth_v4[] = { 0x0800 };
	static const uint16_t eth_v6[] = { 0x86dd };
	static const uint16_t dot1q[] = { 0x8100, 0x0800 };
	static const uint16_t qinq[] = { 0x88a8, 0x8100, 0x0800 };
	static const uint16_t old_qinq[] = { 0x9100, 0x8100, 0x0800 };
	static const uint16_t arp[] = { 0x0806 };
	static const uint16_t lldp[] = { 0x88cc };
	static const uint16_t vlan_arp[] = { 0x8100, 0x0806 };
	struct buf none = { .len = 0 };
	const struct link_case cases[] = {
		link_case("Ethernet IPv4", DLT_EN10MB, hdr_ether(eth_v4, 1), TD_E_OK),
		link_case("Ethernet IPv6 ethertype", DLT_EN10MB, hdr_ether(eth_v6, 1), TD_E_OK),
		link_case("802.1Q", DLT_EN10MB, hdr_ether(dot1q, 2), TD_E_OK),
		link_case("QinQ 0x88a8 then 0x8100", DLT_EN10MB, hdr_ether(qinq, 3), TD_E_OK),
		link_case("QinQ 0x9100 then 0x8100", DLT_EN10MB, hdr_ether(old_qinq, 3), TD_E_OK),
		link_case("Ethernet ARP", DLT_EN10MB, hdr_ether(arp, 1), TD_E_FORMAT),
		link_case("Ethernet LLDP", DLT_EN10MB, hdr_ether(lldp, 1), TD_E_FORMAT),
		link_case("802.1Q ARP", DLT_EN10MB, hdr_ether(vlan_arp, 2), TD_E_FORMAT),
		link_case("SLL IPv4", DLT_LINUX_SLL, hdr_sll(0x0800, false), TD_E_OK),
		link_case("SLL IPv6", DLT_LINUX_SLL, hdr_sll(0x86dd, false), TD_E_OK),
		link_case("SLL ARP", DLT_LINUX_SLL, hdr_sll(0x0806, false), TD_E_FORMAT),
		link_case("SLL2 IPv4", DLT_LINUX_SLL2, hdr_sll(0x0800, true), TD_E_OK),
		link_case("SLL2 ARP", DLT_LINUX_SLL2, hdr_sll(0x0806, true), TD_E_FORMAT),
		link_case("raw", DLT_RAW, none, TD_E_OK),
		link_case("raw IPv4", DLT_IPV4, none, TD_E_OK),
		link_case("raw IPv6", DLT_IPV6, none, TD_E_OK),
		link_case("NULL AF_INET host order (little-endian)", DLT_NULL, hdr_null(2, false), TD_E_OK),
		link_case("NULL AF_INET network order", DLT_NULL, hdr_null(2, true), TD_E_OK),
		link_case("NULL AF_INET6 10 little-endian", DLT_NULL, hdr_null(10, false), TD_E_OK),
		link_case("NULL AF_INET6 24 little-endian", DLT_NULL, hdr_null(24, false), TD_E_OK),
		link_case("NULL AF_INET6 24 big-endian", DLT_NULL, hdr_null(24, true), TD_E_OK),
		link_case("NULL AF_INET6 28 little-endian", DLT_NULL, hdr_null(28, false), TD_E_OK),
		link_case("NULL AF_INET6 28 big-endian", DLT_NULL, hdr_null(28, true), TD_E_OK),
		link_case("NULL AF_INET6 30 little-endian", DLT_NULL, hdr_null(30, false), TD_E_OK),
		link_case("NULL AF_INET6 30 big-endian", DLT_NULL, hdr_null(30, true), TD_E_OK),
		link_case("NULL AF 7", DLT_NULL, hdr_null(7, false), TD_E_FORMAT),
		link_case("LOOP AF_INET network order", DLT_LOOP, hdr_null(2, true), TD_E_OK),
		link_case("LOOP AF_INET6 24", DLT_LOOP, hdr_null(24, true), TD_E_OK),
		link_case("802.11 not supported", DLT_IEEE802_11, none, TD_E_UNSUPPORTED),
		link_case("MPLS one label", DLT_EN10MB, hdr_mpls(1, false), TD_E_OK),
		link_case("MPLS three labels", DLT_EN10MB, hdr_mpls(3, false), TD_E_OK),
		link_case("MPLS Ethernet pseudowire (control word)", DLT_EN10MB, hdr_mpls(1, true), TD_E_OK),
		link_case("MPLS multicast 0x8848", DLT_EN10MB,
			  (struct buf){ .b = { [12] = 0x88, 0x48, 0, 0x64, 0x01, 0x40 }, .len = 18 }, TD_E_OK),
		link_case("PPPoE session IPv4", DLT_EN10MB, hdr_pppoe(0x11, 0x0021, true), TD_E_OK),
		link_case("PPPoE session IPv6 protocol", DLT_EN10MB, hdr_pppoe(0x11, 0x0057, true), TD_E_OK),
		link_case("PPPoE session LCP", DLT_EN10MB, hdr_pppoe(0x11, 0xc021, true), TD_E_FORMAT),
		link_case("PPPoE version 2", DLT_EN10MB, hdr_pppoe(0x21, 0x0021, true), TD_E_FORMAT),
		link_case("PPPoE discovery 0x8863", DLT_EN10MB, hdr_eth_raw(0x8863), TD_E_FORMAT),
		link_case("DLT_PPP_ETHER session", DLT_PPP_ETHER, hdr_pppoe(0x11, 0x0021, false), TD_E_OK),
		link_case("PPP with ff 03", DLT_PPP, hdr_ppp(true, false), TD_E_OK),
		link_case("PPP without address and control", DLT_PPP, hdr_ppp(false, false), TD_E_OK),
		link_case("PPP compressed protocol field", DLT_PPP, hdr_ppp(false, true), TD_E_OK),
		link_case("PPP in HDLC framing", DLT_PPP_SERIAL, hdr_ppp(true, false), TD_E_OK),
		link_case("NFLOG payload TLV", DLT_NFLOG, hdr_nflog(44, true), TD_E_OK),
		link_case("NFLOG without a payload TLV", DLT_NFLOG, hdr_nflog(44, false), TD_E_FORMAT),
		link_case("NFLOG TLV length under 4", DLT_NFLOG, hdr_nflog((uint16_t)-2, false), TD_E_FORMAT),
		link_case("NFLOG payload longer than the frame", DLT_NFLOG, hdr_nflog(45, true), TD_E_SHORT),
	};
	for (size_t i = 0; i < TD_ARRAY_LEN(cases); i++)
		check_link(&cases[i]);
}

static void test_link_short_frames(void)
{
	static const uint16_t dot1q[] = { 0x8100, 0x0800 };
	const struct { const char *what; int dlt; struct buf hdr; size_t cut; } cases[] = {
		{ "Ethernet cut in the ethertype", DLT_EN10MB, hdr_ether(dot1q, 1), 13 },
		{ "Ethernet cut before the ethertype", DLT_EN10MB, hdr_ether(dot1q, 1), 12 },
		{ "802.1Q cut in the tag", DLT_EN10MB, hdr_ether(dot1q, 2), 15 },
		{ "802.1Q cut before the inner type", DLT_EN10MB, hdr_ether(dot1q, 2), 16 },
		{ "empty Ethernet frame", DLT_EN10MB, hdr_ether(dot1q, 1), 0 },
		{ "SLL cut in the protocol", DLT_LINUX_SLL, hdr_sll(0x0800, false), 15 },
		{ "SLL2 cut in the header", DLT_LINUX_SLL2, hdr_sll(0x0800, true), 19 },
		{ "SLL2 cut in the protocol", DLT_LINUX_SLL2, hdr_sll(0x0800, true), 1 },
		{ "NULL cut in the family", DLT_NULL, hdr_null(2, false), 3 },
		{ "MPLS cut in the label", DLT_EN10MB, hdr_mpls(2, false), 17 },
		{ "MPLS cut after the bottom label", DLT_EN10MB, hdr_mpls(1, false), 18 },
		{ "MPLS pseudowire cut in the control word", DLT_EN10MB, hdr_mpls(1, true), 20 },
		{ "MPLS pseudowire cut in the inner Ethernet", DLT_EN10MB, hdr_mpls(1, true), 30 },
		{ "PPPoE cut in the header", DLT_EN10MB, hdr_pppoe(0x11, 0x21, true), 17 },
		{ "PPPoE cut in the PPP protocol", DLT_EN10MB, hdr_pppoe(0x11, 0x21, true), 21 },
		{ "PPP empty", DLT_PPP, hdr_ppp(true, false), 0 },
		{ "NFLOG cut in the header", DLT_NFLOG, hdr_nflog(44, true), 3 },
		{ "NFLOG cut in the payload TLV header", DLT_NFLOG, hdr_nflog(44, true), 26 },
	};
	for (size_t i = 0; i < TD_ARRAY_LEN(cases); i++) {
		uint8_t *copy = malloc(cases[i].cut ? cases[i].cut : 1);
		const uint8_t *ip = NULL;
		size_t iplen = 0;
		if (!copy)
			exit(99);
		memcpy(copy, cases[i].hdr.b, cases[i].cut);
		is_int(td_link_decode(cases[i].dlt, copy, cases[i].cut, &ip, &iplen), TD_E_SHORT,
		       "link %s (%zu bytes): SHORT", cases[i].what, cases[i].cut);
		free(copy);
	}
	const uint8_t *ip = NULL;
	size_t iplen = 1;
	static const uint8_t hdr_only[14] = { [12] = 0x08, [13] = 0x00 };
	ok(td_link_decode(DLT_EN10MB, hdr_only, sizeof(hdr_only), &ip, &iplen) == TD_E_OK && iplen == 0,
	   "link Ethernet header alone: an empty IP packet (the IP decoder rejects it)");
}

static void test_link_names(void)
{
	ok(td_link_supported(DLT_EN10MB) && td_link_supported(DLT_LINUX_SLL2) && td_link_supported(DLT_NULL),
	   "link: Ethernet, SLL2 and NULL supported");
	ok(!td_link_supported(DLT_IEEE802_11), "link: 802.11 not supported");
	ok(td_link_supported(DLT_NFLOG) && td_link_supported(DLT_PPP) && td_link_supported(DLT_PPP_ETHER),
	   "link: NFLOG, PPP and PPPoE supported");
	char list[512], tiny[12];
	size_t n = td_link_list(list, sizeof(list));
	ok(n == strlen(list) && strstr(list, "Ethernet, ") && strstr(list, "NFLOG"),
	   "link: the list names them (%s)", list);
	n = td_link_list(tiny, sizeof(tiny));
	ok(n == strlen(tiny) && n < sizeof(tiny), "link: a short buffer is cut at a name (\"%s\")", tiny);
	is_str(td_link_name(DLT_EN10MB), "Ethernet", "link: name of DLT_EN10MB");
	ok(td_link_name(DLT_IEEE802_11) != NULL && td_link_name(-5) != NULL, "link: a name for any value");
}

/* --- IP and TCP ----------------------------------------------------------- */

static enum td_err decode(struct td_pkt *p, const struct buf *b, size_t len, uint8_t **copy)
{
	*copy = malloc(len ? len : 1);
	if (!*copy)
		exit(99);
	memcpy(*copy, b->b, len);
	memset(p, 0, sizeof(*p));
	return td_pkt_decode(p, *copy, len);
}

static void test_ipv4_syn(void)
{
	struct buf b = v4_syn();
	struct td_pkt p;
	uint8_t *ip;
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv4 SYN: decodes");
	ok(p.ipver == 4 && p.ttl == 64 && memcmp(p.src, v4_src, 4) == 0 && memcmp(p.dst, v4_dst, 4) == 0,
	   "IPv4 SYN: version, TTL, addresses");
	ok(p.sport == 50000 && p.dport == 443, "IPv4 SYN: ports");
	ok(p.flags == TD_TCP_SYN && p.seq == 0x01020304 && p.ack == 0, "IPv4 SYN: flags and sequence numbers");
	ok(p.payload_len == 0 && p.payload_wire_len == 0 && !p.fragment, "IPv4 SYN: no payload, not a fragment");
	ok(p.ip == ip && p.ip_len == b.len, "IPv4 SYN: the IP packet is remembered");
	free(ip);
}

static void test_ipv6_data(void)
{
	struct buf b = v6_data();
	struct td_pkt p;
	uint8_t *ip;
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv6 data: decodes");
	ok(p.ipver == 6 && p.ttl == 57 && memcmp(p.src, v6_src, 16) == 0 && memcmp(p.dst, v6_dst, 16) == 0,
	   "IPv6 data: version, hop limit, addresses");
	ok(p.sport == 50001 && p.dport == 443 && p.flags == (TD_TCP_PSH | TD_TCP_ACK),
	   "IPv6 data: ports and flags");
	ok(p.seq == 0xfffffff0 && p.ack == 0x11223344, "IPv6 data: sequence numbers");
	ok(p.payload_len == 5 && p.payload_wire_len == 5 && p.payload == ip + 60 &&
		   memcmp(p.payload, "hello", 5) == 0,
	   "IPv6 data: the 5-byte payload");
	free(ip);
}

static void test_ipv6_extension_header(void)
{
	struct buf b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv6(&b, 8 + 20 + 3, 0 /* hop-by-hop */, 64);
	put8(&b, PROTO_TCP);
	put8(&b, 0); /* 8 bytes */
	put_fill(&b, 0, 6);
	tcp(&b, 1, 2, 3, 4, 20, TD_TCP_ACK);
	put(&b, "abc", 3);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv6 hop-by-hop then TCP: decodes");
	ok(p.sport == 1 && p.dport == 2 && p.payload_len == 3 && p.payload_wire_len == 3,
	   "IPv6 hop-by-hop then TCP: ports and payload after the extension header");
	free(ip);

	b.len = 0;
	ipv6(&b, 8, 0, 64);
	put8(&b, PROTO_TCP);
	put8(&b, 1); /* 16 bytes: more than the payload length */
	put_fill(&b, 0, 14);
	is_int(decode(&p, &b, b.len, &ip), TD_E_RANGE, "IPv6 extension header longer than the payload: RANGE");
	free(ip);
}

/* IPv6 fragments: the first carries the TCP header, a later one only data. */
static void test_ipv6_fragments(void)
{
	struct buf b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv6(&b, 8 + 20 + 8, 44 /* fragment */, 64);
	put8(&b, PROTO_TCP);
	put8(&b, 0);
	put16(&b, 0 << 3 | 1); /* offset 0, more */
	put32(&b, 0xdeadbeef);
	tcp(&b, 50001, 443, 1, 2, 20, TD_TCP_ACK);
	put(&b, "abcdefgh", 8);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv6 first fragment: decodes (TCP header there)");
	ok(p.fragment && p.frag_more && p.frag_off == 0 && p.frag_id == 0xdeadbeef && p.dport == 443,
	   "IPv6 first fragment: fragment, more, offset 0, id, ports");
	ok(p.l4 == ip + 48 && p.l4_wire_len == 28, "IPv6 first fragment: the TCP header after the fragment header");
	free(ip);

	b.len = 0;
	ipv6(&b, 8 + 16, 44, 64);
	put8(&b, PROTO_TCP);
	put8(&b, 0);
	put16(&b, 3 << 3); /* offset 3 (24 bytes), last */
	put32(&b, 0xdeadbeef);
	put_fill(&b, 0x41, 16);
	is_int(decode(&p, &b, b.len, &ip), TD_E_UNSUPPORTED, "IPv6 later fragment: UNSUPPORTED (for libnids only)");
	ok(p.ipver == 6 && p.fragment && !p.frag_more && p.frag_off == 3 && p.l4_wire_len == 16 &&
		   memcmp(p.src, v6_src, 16) == 0,
	   "IPv6 later fragment: addresses, offset 3, 16 data bytes");
	free(ip);

	b.len = 0;
	ipv6(&b, 8 + 20, 44, 64);
	put8(&b, PROTO_TCP);
	put8(&b, 0);
	put16(&b, 0); /* atomic fragment */
	put32(&b, 1);
	tcp(&b, 1, 443, 1, 2, 20, TD_TCP_SYN);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv6 atomic fragment: decodes");
	ok(!p.fragment && p.flags == TD_TCP_SYN, "IPv6 atomic fragment: a whole packet");
	free(ip);

	b.len = 0;
	ipv6(&b, 8 + 8 + 20, 44, 64);
	put8(&b, 60); /* destination options inside the fragmentable part */
	put8(&b, 0);
	put16(&b, 1);
	put32(&b, 2);
	put8(&b, PROTO_TCP);
	put8(&b, 0);
	put_fill(&b, 0, 6);
	tcp(&b, 1, 443, 1, 2, 20, TD_TCP_ACK);
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT,
	       "IPv6 fragment whose fragmentable part starts with an extension header: FORMAT (not followed)");
	free(ip);

	b.len = 0;
	ipv6(&b, 0, PROTO_TCP, 64); /* jumbogram */
	tcp(&b, 1, 443, 1, 2, 20, TD_TCP_ACK);
	is_int(decode(&p, &b, b.len, &ip), TD_E_UNSUPPORTED, "IPv6 jumbogram (payload length 0): UNSUPPORTED");
	free(ip);
}

/* A routing header in transit: dst is the final destination. */
static void test_ipv6_routing(void)
{
	static const uint8_t final[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x99 };
	struct buf b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv6(&b, 24 + 20, 43, 64);
	put8(&b, PROTO_TCP);
	put8(&b, 2);   /* 24 bytes */
	put8(&b, 0);   /* type 0 */
	put8(&b, 1);   /* segments left */
	put32(&b, 0);
	put(&b, final, 16);
	tcp(&b, 1, 443, 1, 2, 20, TD_TCP_SYN);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv6 routing header type 0: decodes");
	ok(memcmp(p.dst, final, 16) == 0, "routing header, 1 segment left: dst is the final address");
	free(ip);
	b.len = 0;
	ipv6(&b, 24 + 20, 43, 64);
	put8(&b, PROTO_TCP);
	put8(&b, 2);
	put8(&b, 0);
	put8(&b, 0);   /* no segments left: the destination is final */
	put32(&b, 0);
	put(&b, final, 16);
	tcp(&b, 1, 443, 1, 2, 20, TD_TCP_SYN);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv6 routing header, 0 left: decodes");
	ok(memcmp(p.dst, v6_dst, 16) == 0, "routing header, 0 segments left: dst as in the header");
	free(ip);
	b.len = 0;
	ipv6(&b, 8 * 9, 0, 64);
	for (int i = 0; i < 9; i++) {
		put8(&b, 0); /* hop-by-hop after hop-by-hop ... */
		put8(&b, 0);
		put_fill(&b, 0, 6);
	}
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "9 extension headers in a row: FORMAT (no endless walk)");
	free(ip);
}

/* 6in4 (IPv4 protocol 41) and Teredo (UDP 3544): the inner IPv6 packet. */
static void test_tunnels(void)
{
	struct buf inner = v6_data(), b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv4(&b, 5, (uint16_t)(20 + inner.len), 64, 41, 0);
	put(&b, inner.b, inner.len);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "6in4: decodes");
	ok(p.ipver == 6 && p.encap == TD_ENCAP_6IN4 && p.ttl == 57 && memcmp(p.src, v6_src, 16) == 0 &&
		   p.dport == 443 && p.payload_len == 5 && p.ip == ip + 20 && p.ip_len == inner.len,
	   "6in4: the inner IPv6 packet (addresses, hop limit, port, payload, ip)");
	free(ip);

	b.len = 0;
	ipv4(&b, 5, (uint16_t)(20 + 8 + 8 + inner.len), 64, PROTO_UDP, 0);
	put16(&b, 3544);
	put16(&b, 40000);
	put16(&b, (uint16_t)(8 + 8 + inner.len));
	put16(&b, 0);
	put16(&b, 0); /* origin indication */
	put16(&b, 0x1234);
	put32(&b, 0x01020304);
	put(&b, inner.b, inner.len);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "Teredo with an origin indication: decodes");
	ok(p.ipver == 6 && p.encap == TD_ENCAP_TEREDO && p.dport == 443 && p.payload_len == 5,
	   "Teredo: the inner IPv6 packet");
	free(ip);

	b.len = 0;
	ipv4(&b, 5, (uint16_t)(20 + 8 + 13 + inner.len), 64, PROTO_UDP, 0);
	put16(&b, 40000);
	put16(&b, 3544);
	put16(&b, (uint16_t)(8 + 13 + inner.len));
	put16(&b, 0);
	put16(&b, 1); /* authentication indicator: id 1, auth 1, nonce 8, confirmation 1 */
	put8(&b, 1);
	put8(&b, 1);
	put_fill(&b, 0xaa, 2 + 8 + 1);
	put(&b, inner.b, inner.len);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "Teredo with an authentication indicator: decodes");
	ok(p.encap == TD_ENCAP_TEREDO && p.sport == 50001, "Teredo with authentication: the inner packet");
	free(ip);

	b.len = 0;
	ipv4(&b, 5, (uint16_t)(20 + 8 + inner.len), 64, PROTO_UDP, 0);
	put16(&b, 53);
	put16(&b, 40000);
	put16(&b, (uint16_t)(8 + inner.len));
	put16(&b, 0);
	put(&b, inner.b, inner.len);
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "IPv6 in UDP off port 3544: not Teredo (FORMAT)");
	free(ip);

	b.len = 0;
	ipv4(&b, 5, (uint16_t)(20 + 20 + inner.len), 64, 41, 0);
	ipv4(&b, 5, (uint16_t)(20 + inner.len), 64, 41, 0);
	put(&b, inner.b, inner.len);
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "IPv4 inside protocol 41: FORMAT (only IPv6 is peeled)");
	free(ip);

	b.len = 0;
	ipv4(&b, 5, (uint16_t)(20 + inner.len), 64, 41, 0x2000 /* MF */);
	put(&b, inner.b, inner.len);
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "a fragmented 6in4 carrier: FORMAT (not reassembled)");
	free(ip);

	for (size_t cut = 20; cut < 20 + 40; cut += 7) {
		b.len = 0;
		ipv4(&b, 5, (uint16_t)(20 + inner.len), 64, 41, 0);
		put(&b, inner.b, inner.len);
		enum td_err e = decode(&p, &b, cut, &ip);
		ok(e != TD_E_OK, "6in4 cut at %zu bytes: an error (%d)", cut, (int)e);
		free(ip);
	}
}

/* --- GRE, ERSPAN, VXLAN, GENEVE, IP in IP (src/tunnel.c) -------------------- */

/* An outer IPv4 header (protocol proto) around body; the outer TTL is 200,
 * so that the inner SYN's 64 shows which header was read. */
static struct buf carrier4(uint8_t proto, const struct buf *body)
{
	struct buf b = { .len = 0 };
	ipv4(&b, 5, (uint16_t)(20 + body->len), 200, proto, 0);
	put(&b, body->b, body->len);
	return b;
}

/* GRE flags and protocol, with the optional words the flags announce. */
static void gre(struct buf *b, uint16_t flags, uint16_t proto)
{
	put16(b, flags);
	put16(b, proto);
	for (int bit = 0x8000; bit >= 0x1000; bit >>= 1)
		if ((flags & bit) && bit != 0x4000)
			put32(b, 0x01020304);
}

/* The inner IPv4 SYN in an Ethernet frame. */
static void ether_syn(struct buf *b)
{
	struct buf syn = v4_syn();
	put(b, mac_dst, 6);
	put(b, mac_src, 6);
	put16(b, 0x0800);
	put(b, syn.b, syn.len);
}

static void udp_head(struct buf *b, uint16_t dport, size_t body)
{
	put16(b, 50123);
	put16(b, dport);
	put16(b, (uint16_t)(8 + body));
	put16(b, 0);
}

/* One tunnel case: the outer packet, and what decoding it must give. */
static void check_tunnel(const char *what, const struct buf *b, enum td_err want, uint8_t encap)
{
	struct td_pkt p;
	uint8_t *ip;
	enum td_err e = decode(&p, b, b->len, &ip);
	if (want == TD_E_OK)
		ok(e == TD_E_OK && p.encap == encap && p.ipver == 4 && p.ttl == 64 && p.dport == 443 &&
			   (p.flags & TD_TCP_SYN) && memcmp(p.src, v4_src, 4) == 0 && p.src[4] == 0 &&
			   p.ip_len == 44,
		   "%s: the inner SYN (encap %u)", what, p.encap);
	else
		ok(e == want, "%s: %s", what, td_err_name(want));
	if (e != want)
		diag("  got %s", td_err_name(e));
	free(ip);
	/* Every shorter capture of the same packet: an error, never a read past it. */
	bool all = true;
	for (size_t cut = 0; cut < b->len && want == TD_E_OK; cut++) {
		e = decode(&p, b, cut, &ip);
		all &= e != TD_E_OK || p.cut; /* TCP options snapped: flags still count */
		free(ip);
	}
	if (want == TD_E_OK)
		ok(all, "%s: cut at every length short of %zu bytes, an error or a snapped packet", what, b->len);
}

static void test_gre_vxlan(void)
{
	struct buf syn = v4_syn(), body = { .len = 0 }, b;

	gre(&body, 0, 0x0800);
	put(&body, syn.b, syn.len);
	b = carrier4(47, &body);
	check_tunnel("GRE IPv4", &b, TD_E_OK, TD_ENCAP_GRE);

	body.len = 0;
	gre(&body, 0xb000, 0x0800); /* checksum, key, sequence */
	put(&body, syn.b, syn.len);
	b = carrier4(47, &body);
	check_tunnel("GRE with checksum, key and sequence", &b, TD_E_OK, TD_ENCAP_GRE);

	body.len = 0;
	gre(&body, 0x2001, 0x880b); /* version 1: PPTP */
	put(&body, syn.b, syn.len);
	b = carrier4(47, &body);
	check_tunnel("GRE version 1 (PPTP)", &b, TD_E_FORMAT, 0);

	body.len = 0;
	gre(&body, 0x4000, 0x0800); /* RFC 1701 source routing */
	put(&body, syn.b, syn.len);
	b = carrier4(47, &body);
	check_tunnel("GRE with routing", &b, TD_E_FORMAT, 0);

	body.len = 0;
	gre(&body, 0, 0x86dd); /* says IPv6, holds IPv4 */
	put(&body, syn.b, syn.len);
	b = carrier4(47, &body);
	check_tunnel("GRE protocol IPv6 with an IPv4 packet", &b, TD_E_FORMAT, 0);

	body.len = 0;
	gre(&body, 0x2000, 0x6558);
	ether_syn(&body);
	b = carrier4(47, &body);
	check_tunnel("GRE transparent Ethernet bridging", &b, TD_E_OK, TD_ENCAP_GRE);

	body.len = 0;
	gre(&body, 0, 0x88be); /* no sequence number: ERSPAN type I */
	ether_syn(&body);
	b = carrier4(47, &body);
	check_tunnel("ERSPAN type I", &b, TD_E_OK, TD_ENCAP_ERSPAN);

	body.len = 0;
	gre(&body, 0x1000, 0x88be);
	put32(&body, 0x10000009);
	put32(&body, 0);
	ether_syn(&body);
	b = carrier4(47, &body);
	check_tunnel("ERSPAN type II", &b, TD_E_OK, TD_ENCAP_ERSPAN);

	body.len = 0;
	gre(&body, 0x1000, 0x88be);
	put32(&body, 0x20000009); /* version 2 under 0x88be */
	put32(&body, 0);
	ether_syn(&body);
	b = carrier4(47, &body);
	check_tunnel("ERSPAN type II with version 2", &b, TD_E_FORMAT, 0);

	body.len = 0;
	gre(&body, 0x1000, 0x22eb);
	put32(&body, 0x20000009);
	put32(&body, 12345);      /* timestamp */
	put16(&body, 0);          /* SGT */
	put16(&body, 0x0001);     /* frame type 0, O: a platform subheader follows */
	put32(&body, 0x08000000);
	put32(&body, 0);
	ether_syn(&body);
	b = carrier4(47, &body);
	check_tunnel("ERSPAN type III with a platform subheader", &b, TD_E_OK, TD_ENCAP_ERSPAN);

	body.len = 0;
	gre(&body, 0x1000, 0x22eb);
	put32(&body, 0x20000009);
	put32(&body, 12345);
	put16(&body, 0);
	put16(&body, 2 << 10);    /* frame type 2: the IP packet alone */
	put(&body, syn.b, syn.len);
	b = carrier4(47, &body);
	check_tunnel("ERSPAN type III, an IP frame", &b, TD_E_OK, TD_ENCAP_ERSPAN);

	body.len = 0;
	udp_head(&body, 4789, 8 + 14 + syn.len);
	put32(&body, 0x08000000);
	put32(&body, 42 << 8);
	ether_syn(&body);
	b = carrier4(PROTO_UDP, &body);
	check_tunnel("VXLAN", &b, TD_E_OK, TD_ENCAP_VXLAN);

	body.b[8] = 0; /* the I flag cleared */
	b = carrier4(PROTO_UDP, &body);
	check_tunnel("VXLAN without the I flag", &b, TD_E_FORMAT, 0);

	body.len = 0;
	udp_head(&body, 6081, 16 + 14 + syn.len);
	put8(&body, 2);           /* version 0, 2 words of options */
	put8(&body, 0);
	put16(&body, 0x6558);
	put32(&body, 42 << 8);
	put32(&body, 0x01038001); /* class, type, length 1 */
	put32(&body, 0xdeadbeef);
	ether_syn(&body);
	b = carrier4(PROTO_UDP, &body);
	check_tunnel("GENEVE with an option", &b, TD_E_OK, TD_ENCAP_GENEVE);

	body.b[8] = 0x42; /* version 1 */
	b = carrier4(PROTO_UDP, &body);
	check_tunnel("GENEVE version 1", &b, TD_E_FORMAT, 0);

	b = carrier4(4, &syn);
	check_tunnel("IPv4 in IPv4 (protocol 4)", &b, TD_E_OK, TD_ENCAP_IPIP);

	/* IPv6 underlay: GRE in IPv6. */
	body.len = 0;
	gre(&body, 0, 0x0800);
	put(&body, syn.b, syn.len);
	b.len = 0;
	ipv6(&b, (uint16_t)body.len, 47, 200);
	put(&b, body.b, body.len);
	check_tunnel("GRE in IPv6", &b, TD_E_OK, TD_ENCAP_GRE);

	/* Nesting: 4 tunnels are opened, a 5th is not. */
	struct buf nest = syn;
	for (int depth = 1; depth <= 5; depth++) {
		body.len = 0;
		gre(&body, 0, 0x0800);
		put(&body, nest.b, nest.len);
		nest = carrier4(47, &body);
		if (depth == 4)
			check_tunnel("4 nested GRE tunnels", &nest, TD_E_OK, TD_ENCAP_GRE);
	}
	check_tunnel("5 nested GRE tunnels", &nest, TD_E_FORMAT, 0);
}

static void test_ipv4_options(void)
{
	struct buf b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv4(&b, 7, 28 + 20 + 4, 128, PROTO_TCP, 0);
	tcp(&b, 8443, 61000, 7, 8, 20, TD_TCP_ACK);
	put(&b, "data", 4);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv4 with 8 bytes of options: decodes");
	ok(p.sport == 8443 && p.dport == 61000 && p.ttl == 128, "IPv4 with options: TCP read after the options");
	ok(p.payload_len == 4 && p.payload == ip + 48, "IPv4 with options: payload");
	free(ip);
}

static void test_not_tcp(void)
{
	struct buf b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv4(&b, 5, 28, 64, PROTO_UDP, 0);
	put16(&b, 53);
	put16(&b, 53);
	put16(&b, 8);
	put16(&b, 0);
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "IPv4 UDP: FORMAT");
	free(ip);

	b.len = 0;
	ipv6(&b, 8, PROTO_UDP, 64);
	put_fill(&b, 0, 8);
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "IPv6 UDP: FORMAT");
	free(ip);

	b = v4_syn();
	b.b[0] = 0x55;
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "IP version 5: FORMAT");
	free(ip);

	b = v4_syn();
	b.b[0] = 0x44;
	is_int(decode(&p, &b, b.len, &ip), TD_E_FORMAT, "IPv4 header length 16: FORMAT");
	free(ip);
}

static void test_bad_lengths(void)
{
	struct buf b = v4_syn();
	struct td_pkt p;
	uint8_t *ip;

	b.b[2] = 0;
	b.b[3] = 19; /* total length below the header */
	is_int(decode(&p, &b, b.len, &ip), TD_E_RANGE, "IPv4 total length below the header length: RANGE");
	free(ip);

	b = v4_syn();
	b.b[20 + 12] = 0x40; /* TCP data offset 16 bytes */
	is_int(decode(&p, &b, b.len, &ip), TD_E_RANGE, "TCP data offset below 20 bytes: RANGE");
	free(ip);

	b = v4_syn();
	b.b[20 + 12] = 0x70; /* 28 bytes, more than the 24 the IP length leaves */
	is_int(decode(&p, &b, b.len, &ip), TD_E_RANGE, "TCP header longer than the IP payload: RANGE");
	free(ip);
}

static void test_fragments(void)
{
	struct buf b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv4(&b, 5, 20 + 20 + 8, 64, PROTO_TCP, 0x2000 /* MF, offset 0 */);
	tcp(&b, 1000, 443, 1, 2, 20, TD_TCP_ACK);
	put_fill(&b, 'x', 8);
	is_int(decode(&p, &b, b.len, &ip), TD_E_OK, "IPv4 first fragment: decodes");
	ok(p.fragment && p.sport == 1000, "IPv4 first fragment: marked as a fragment, ports read");
	free(ip);

	b.len = 0;
	ipv4(&b, 5, 20 + 20, 64, PROTO_TCP, 0x0003 /* offset 24 bytes */);
	put_fill(&b, 0, 20);
	is_int(decode(&p, &b, b.len, &ip), TD_E_UNSUPPORTED, "IPv4 later fragment: UNSUPPORTED");
	free(ip);
}

/* Captured with a short snap length: the TCP options are cut. */
static void test_snapped_options(void)
{
	struct buf b = { .len = 0 };
	struct td_pkt p;
	uint8_t *ip;
	ipv4(&b, 5, 20 + 32 + 100, 64, PROTO_TCP, 0);
	tcp(&b, 443, 50000, 9, 10, 32, TD_TCP_ACK | TD_TCP_RST);
	put_fill(&b, 'p', 100);
	is_int(decode(&p, &b, 20 + 24, &ip), TD_E_OK, "snapped inside the TCP options: decodes");
	ok(p.flags == (TD_TCP_ACK | TD_TCP_RST) && p.sport == 443, "snapped: flags and ports still read");
	ok(p.payload_len == 0 && p.payload_wire_len == 100, "snapped: no captured payload, 100 bytes on the wire");
	free(ip);

	is_int(decode(&p, &b, 20 + 32 + 10, &ip), TD_E_OK, "snapped inside the payload: decodes");
	ok(p.payload_len == 10 && p.payload_wire_len == 100, "snapped inside the payload: 10 of 100 bytes");
	free(ip);
}

/* Ethernet pads short frames to 60 bytes: the IP length says what is payload. */
static void test_ethernet_padding(void)
{
	static const uint16_t eth_v4[] = { 0x0800 };
	struct buf frame = { .len = 0 };
	struct td_pkt p;
	ether(&frame, eth_v4, 1);
	ipv4(&frame, 5, 20 + 20 + 2, 64, PROTO_TCP, 0);
	tcp(&frame, 443, 50000, 1, 1, 20, TD_TCP_PSH | TD_TCP_ACK);
	put(&frame, "ok", 2);
	put_fill(&frame, 0, 60 - frame.len);

	const uint8_t *ip = NULL;
	size_t iplen = 0;
	is_int(td_link_decode(DLT_EN10MB, frame.b, frame.len, &ip, &iplen), TD_E_OK, "padded frame: link decodes");
	is_int(iplen, 46, "padded frame: 46 bytes after the Ethernet header");
	memset(&p, 0, sizeof(p));
	is_int(td_pkt_decode(&p, ip, iplen), TD_E_OK, "padded frame: IP decodes");
	ok(p.payload_len == 2 && p.payload_wire_len == 2 && memcmp(p.payload, "ok", 2) == 0,
	   "padded frame: payload is the 2 bytes the IP length says, not the padding");

	struct buf syn = v4_syn();
	put_fill(&syn, 0, 6);
	uint8_t *copy;
	is_int(decode(&p, &syn, syn.len, &copy), TD_E_OK, "padded SYN: decodes");
	ok(p.payload_len == 0 && p.payload_wire_len == 0, "padded SYN: no payload");
	free(copy);
}

/* Every prefix of a packet: an error below the TCP flags, else the same
 * ports and flags with no more payload than captured. */
static void check_truncations(const char *what, const struct buf *b, size_t ip_hlen)
{
	struct td_pkt whole, p;
	uint8_t *ip;
	size_t bad = 0;
	if (decode(&whole, b, b->len, &ip) != TD_E_OK)
		bad++;
	free(ip);
	for (size_t n = 0; n < b->len; n++) {
		enum td_err e = decode(&p, b, n, &ip);
		bool want_ok = n >= ip_hlen + 14;
		if (want_ok ? (e != TD_E_OK || p.flags != whole.flags || p.sport != whole.sport ||
			       p.payload_len > n || p.payload_wire_len != whole.payload_wire_len)
			    : e == TD_E_OK) {
			if (bad++ < 5)
				diag("  %s cut to %zu: %s", what, n, td_err_name(e));
		}
		free(ip);
	}
	ok(bad == 0, "%s: every prefix of %zu bytes fails below %zu bytes and decodes from there", what, b->len,
	   ip_hlen + 14);
}

static void test_truncations(void)
{
	struct buf syn = v4_syn(), data = v6_data();
	check_truncations("IPv4 SYN", &syn, 20);
	check_truncations("IPv6 data", &data, 40);
}

int main(void)
{
	test_link_layers();
	test_link_short_frames();
	test_link_names();
	test_ipv4_syn();
	test_ipv6_data();
	test_ipv6_extension_header();
	test_ipv6_fragments();
	test_ipv6_routing();
	test_tunnels();
	test_gre_vxlan();
	test_ipv4_options();
	test_not_tcp();
	test_bad_lengths();
	test_fragments();
	test_snapped_options();
	test_ethernet_padding();
	test_truncations();
	return done_testing();
}
