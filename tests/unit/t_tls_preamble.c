/* Unit tests for src/tls_preamble.c: each protocol's upgrade and answer
 * (accepted and refused), the hand-over to TLS at the exact byte, the
 * content test, and the truncation and split sweeps: a message cut short
 * claims nothing, and any split of the segments gives the same facts. */
#include "tlsdiag/tls_preamble.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct seg {
	enum td_dir dir;
	const char *bytes;
	size_t len; /* 0: strlen */
};

struct scenario {
	const char *name;
	enum td_pre_proto proto;
	bool at_command;
	struct seg segs[8];
	const char *protocol;
	const char *command;   /* prefix of preamble.command */
	int accepted;          /* 1 accepted, 0 refused, -1 no answer */
	uint32_t code;
	const char *target;
};

#define CH "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"   /* a ClientHello record's start */
#define SH "\x16\x03\x03\x00\x04\x02\x00\x00\x00"       /* a ServerHello record's start */
#define CH_LEN 10
#define SH_LEN 9

static const struct scenario scenarios[] = {
	{ "smtp", TD_PRE_SMTP, false,
	  { { TD_DIR_S2C, "220 mail.contoso.test ESMTP\r\n", 0 }, { TD_DIR_C2S, "EHLO client\r\n", 0 },
	    { TD_DIR_S2C, "250-mail.contoso.test\r\n250 STARTTLS\r\n", 0 }, { TD_DIR_C2S, "STARTTLS\r\n", 0 },
	    { TD_DIR_S2C, "220 2.0.0 Ready\r\n", 0 }, { TD_DIR_C2S, CH, CH_LEN }, { TD_DIR_S2C, SH, SH_LEN } },
	  "smtp", "STARTTLS", 1, 220, NULL },
	{ "smtp-454", TD_PRE_SMTP, false,
	  { { TD_DIR_C2S, "EHLO client\r\nSTARTTLS\r\n", 0 }, { TD_DIR_S2C, "250 ok\r\n454-4.7.0 TLS\r\n454 4.7.0 not available\r\n", 0 },
	    { TD_DIR_C2S, "QUIT\r\n", 0 } },
	  "smtp", "STARTTLS", 0, 454, NULL },
	{ "line-nntp-by-command", TD_PRE_LINE, true,
	  { { TD_DIR_C2S, "STARTTLS\r\n", 0 }, { TD_DIR_S2C, "382 Continue\r\n", 0 }, { TD_DIR_C2S, CH, CH_LEN } },
	  "nntp", "STARTTLS", 1, 382, NULL },
	{ "line-irc-691", TD_PRE_LINE, true,
	  { { TD_DIR_C2S, "STARTTLS\r\n", 0 }, { TD_DIR_S2C, ":irc.x NOTICE * :hi\r\n:irc.x 691 * :failed\r\n", 0 } },
	  "irc", "STARTTLS", 0, 691, NULL },
	{ "imap", TD_PRE_IMAP, false,
	  { { TD_DIR_S2C, "* OK ready\r\n", 0 }, { TD_DIR_C2S, "a001 STARTTLS\r\n", 0 },
	    { TD_DIR_S2C, "* BYE not this one\r\na001 OK Begin TLS\r\n", 0 }, { TD_DIR_C2S, CH, CH_LEN } },
	  "imap", "a001 STARTTLS", 1, 0, NULL },
	{ "pop3-err", TD_PRE_POP3, false,
	  { { TD_DIR_S2C, "+OK ready\r\n", 0 }, { TD_DIR_C2S, "STLS\r\n", 0 }, { TD_DIR_S2C, "-ERR no TLS\r\n", 0 } },
	  "pop3", "STLS", 0, 0, NULL },
	{ "ftp", TD_PRE_FTP, false,
	  { { TD_DIR_S2C, "220-welcome\r\n220 ready\r\n", 0 }, { TD_DIR_C2S, "AUTH TLS\r\n", 0 },
	    { TD_DIR_S2C, "234 Proceed\r\n", 0 }, { TD_DIR_C2S, CH, CH_LEN } },
	  "ftp", "AUTH TLS", 1, 234, NULL },
	{ "xmpp-failure", TD_PRE_XMPP, false,
	  { { TD_DIR_C2S, "<?xml version='1.0'?><stream:stream to='x'>", 0 },
	    { TD_DIR_S2C, "<stream:stream><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>", 0 },
	    { TD_DIR_C2S, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", 0 },
	    { TD_DIR_S2C, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", 0 } },
	  "xmpp", "<starttls", 0, 0, NULL },
	{ "ldap", TD_PRE_LDAP, false,
	  { { TD_DIR_C2S, "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" "1.3.6.1.4.1.1466.20037", 31 },
	    { TD_DIR_S2C, "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00", 14 }, { TD_DIR_C2S, CH, CH_LEN } },
	  "ldap", "ExtendedRequest StartTLS", 1, 0, NULL },
	{ "ldap-52", TD_PRE_LDAP, false,
	  { { TD_DIR_C2S, "\x30\x1d\x02\x01\x02\x77\x18\x80\x16" "1.3.6.1.4.1.1466.20037", 31 },
	    { TD_DIR_S2C, "\x30\x0f\x02\x01\x02\x78\x0a\x0a\x01\x34\x04\x00\x04\x03" "off", 17 } },
	  "ldap", "ExtendedRequest StartTLS", 0, 52, NULL },
	{ "postgresql-N", TD_PRE_PGSQL, false,
	  { { TD_DIR_C2S, "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8 }, { TD_DIR_S2C, "N", 1 },
	    { TD_DIR_C2S, "\x00\x00\x00\x09\x00\x03\x00\x00\x00", 9 } },
	  "postgresql", "SSLRequest", 0, 0, NULL },
	{ "postgresql-S", TD_PRE_PGSQL, false,
	  { { TD_DIR_C2S, "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8 }, { TD_DIR_S2C, "S", 1 }, { TD_DIR_C2S, CH, CH_LEN },
	    { TD_DIR_S2C, SH, SH_LEN } },
	  "postgresql", "SSLRequest", 1, 0, NULL },
	{ "mysql", TD_PRE_MYSQL, false,
	  { { TD_DIR_S2C, "\x1a\x00\x00\x00\x0a" "8.0\x00" "\x01\x00\x00\x00" "abcdefgh\x00" "\xff\xff" "\x21\x02\x00\x00\x00\x00", 30 },
	    { TD_DIR_C2S, "\x20\x00\x00\x01\x85\xae\x7f\x00\x00\x00\x00\x01\x21" "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 36 },
	    { TD_DIR_C2S, CH, CH_LEN }, { TD_DIR_S2C, SH, SH_LEN } },
	  "mysql", "SSL request", 1, 0, NULL },
	{ "rdp-failure", TD_PRE_RDP, false,
	  { { TD_DIR_C2S, "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x03\x00\x00\x00", 19 },
	    { TD_DIR_S2C, "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x03\x00\x08\x00\x05\x00\x00\x00", 19 } },
	  "rdp", "X.224 Connection Request", 0, 5, NULL },
	{ "rdp-tls", TD_PRE_RDP, false,
	  { { TD_DIR_C2S, "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x01\x00\x00\x00", 19 },
	    { TD_DIR_S2C, "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x00\x08\x00\x01\x00\x00\x00", 19 },
	    { TD_DIR_C2S, CH, CH_LEN }, { TD_DIR_S2C, SH, SH_LEN } },
	  "rdp", "X.224 Connection Request", 1, 1, NULL },
	{ "socks5", TD_PRE_SOCKS, false,
	  { { TD_DIR_C2S, "\x05\x01\x00", 3 }, { TD_DIR_S2C, "\x05\x00", 2 },
	    { TD_DIR_C2S, "\x05\x01\x00\x03\x0f" "da.contoso.test\x01\xbb", 22 },
	    { TD_DIR_S2C, "\x05\x00\x00\x01\x7f\x00\x00\x01\x10\x00", 10 }, { TD_DIR_C2S, CH, CH_LEN },
	    { TD_DIR_S2C, SH, SH_LEN } },
	  "socks5", "SOCKS5 CONNECT da.contoso.test:443", 1, 0, "da.contoso.test:443" },
	{ "socks4a-rejected", TD_PRE_SOCKS, false,
	  { { TD_DIR_C2S, "\x04\x01\x01\xbb\x00\x00\x00\x01u\x00" "da.contoso.test\x00", 26 },
	    { TD_DIR_S2C, "\x00\x5b\x00\x00\x00\x00\x00\x00", 8 } },
	  "socks4", "SOCKS4a CONNECT da.contoso.test:443", 0, 91, "da.contoso.test:443" },
};

static size_t seg_len(const struct seg *s)
{
	return s->len ? s->len : strlen(s->bytes);
}

/* Feed the scenario, each segment cut in pieces of at most `piece` bytes
 * (0: whole); the TLS bytes handed back per direction go to tls[dir]. */
static struct td_facts *run(const struct scenario *sc, size_t piece, size_t nseg, size_t last_len, size_t tls_len[2],
			    struct td_preamble **out)
{
	struct td_facts *f = td_facts_new();
	struct td_preamble *p = td_preamble_new(sc->proto, sc->at_command);
	if (!f || !p)
		abort();
	tls_len[0] = tls_len[1] = 0;
	for (size_t i = 0; i < nseg && sc->segs[i].bytes; i++) {
		const struct seg *s = &sc->segs[i];
		size_t n = i + 1 == nseg ? last_len : seg_len(s);
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees a read past it */
		if (!copy)
			abort();
		memcpy(copy, s->bytes, n);
		for (size_t off = 0; off < n || (n == 0 && off == 0);) {
			size_t k = piece && n - off > piece ? piece : n - off;
			if (td_preamble_state(p, s->dir) == TD_PRE_PLAIN) {
				const uint8_t *held;
				size_t held_len;
				size_t used = td_preamble_feed(p, f, s->dir, copy + off, k, i + 1, 1.0, &held, &held_len);
				if (td_preamble_state(p, s->dir) == TD_PRE_TLS)
					tls_len[s->dir] += held_len + (k - used);
			} else if (td_preamble_state(p, s->dir) == TD_PRE_TLS) {
				tls_len[s->dir] += k;
			}
			off += k;
			if (k == 0)
				break;
		}
		free(copy);
	}
	*out = p;
	return f;
}

static void check(const struct scenario *sc)
{
	struct td_preamble *p;
	size_t tls_len[2], nseg = 0;
	while (nseg < 8 && sc->segs[nseg].bytes)
		nseg++;
	struct td_facts *f = run(sc, 0, nseg, seg_len(&sc->segs[nseg - 1]), tls_len, &p);
	const struct td_preamble_facts *pf = &f->tls->preamble;
	is_str(pf->protocol, sc->protocol, "%s: protocol", sc->name);
	ok(pf->command_frame && strncmp(pf->command, sc->command, strlen(sc->command)) == 0, "%s: command \"%s\"",
	   sc->name, pf->command);
	if (sc->accepted >= 0) {
		ok(pf->answer_frame && pf->accepted == (sc->accepted == 1) && pf->refused == (sc->accepted == 0),
		   "%s: %s (\"%s\")", sc->name, sc->accepted ? "accepted" : "refused", pf->text);
		ok(pf->code == sc->code, "%s: code %u (got %u)", sc->name, sc->code, pf->code);
	}
	if (sc->target)
		is_str(pf->target, sc->target, "%s: SOCKS target", sc->name);
	ok(td_preamble_wanted(p), "%s: worth a report", sc->name);
	/* The ClientHello and ServerHello segments, exactly, went to TLS. */
	size_t want[2] = { 0, 0 };
	for (size_t i = 0; i < nseg; i++)
		if (sc->segs[i].bytes[0] == 0x16)
			want[sc->segs[i].dir] += seg_len(&sc->segs[i]);
	ok(tls_len[0] == want[0] && tls_len[1] == want[1], "%s: TLS handed over at the boundary (%zu/%zu, %zu/%zu)",
	   sc->name, tls_len[0], want[0], tls_len[1], want[1]);
	struct td_preamble_facts whole = *pf;
	td_preamble_free(p);
	td_facts_free(f);

	/* Split sweep: pieces of every size give the same facts. */
	bool same = true;
	for (size_t piece = 1; piece <= 40; piece++) {
		f = run(sc, piece, nseg, seg_len(&sc->segs[nseg - 1]), tls_len, &p);
		same = same && memcmp(&whole, &f->tls->preamble, sizeof(whole)) == 0 && tls_len[0] == want[0] &&
		       tls_len[1] == want[1];
		td_preamble_free(p);
		td_facts_free(f);
	}
	ok(same, "%s: pieces of 1 to 40 bytes give the same facts", sc->name);

	/* Truncation sweep: the answer cut short claims no answer. */
	bool quiet = true;
	for (size_t i = 0; i < nseg; i++) {
		for (size_t k = 0; k < seg_len(&sc->segs[i]); k++) {
			f = run(sc, 0, i + 1, k, tls_len, &p);
			const struct td_preamble_facts *t = f->tls ? &f->tls->preamble : NULL;
			if (t && t->answer_frame == i + 1 && sc->segs[i].dir == TD_DIR_S2C)
				quiet = false;
			td_preamble_free(p);
			td_facts_free(f);
		}
	}
	ok(quiet, "%s: truncated answers claim nothing", sc->name);
}

static void test_command(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		enum td_pre_proto want;
	} cases[] = {
		{ "STARTTLS\r\n", 0, TD_PRE_LINE },
		{ "starttls\r\n", 0, TD_PRE_LINE },
		{ "STLS\r\n", 0, TD_PRE_POP3 },
		{ "AUTH TLS\r\n", 0, TD_PRE_FTP },
		{ "a001 STARTTLS\r\n", 0, TD_PRE_IMAP },
		{ "250 STARTTLS\r\n", 0, TD_PRE_NONE },     /* a server's EHLO line */
		{ "* STARTTLS\r\n", 0, TD_PRE_NONE },
		{ "EHLO x\r\nSTARTTLS\r\n", 0, TD_PRE_NONE }, /* more than one line */
		{ "STARTTLS", 0, TD_PRE_NONE },             /* no line end yet */
		{ "GET / HTTP/1.1\r\n", 0, TD_PRE_NONE },
		{ "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", 0, TD_PRE_XMPP },
		{ "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8, TD_PRE_PGSQL },
		{ "\x00\x00\x00\x08\x04\xd2\x16\x30", 8, TD_PRE_NONE }, /* GSSENCRequest */
		{ "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" "1.3.6.1.4.1.1466.20037", 31, TD_PRE_LDAP },
		{ "\x04\x01\x01\xbb\xc0\x00\x02\x01user\x00", 13, TD_PRE_SOCKS },
		{ "\x04\x01\x01\xbb\x00\x00\x00\x01\x00" "da.contoso.test\x00", 25, TD_PRE_SOCKS },
		{ "\x04\x01\x01\xbb\xc0\x00\x02\x01us\x00" "er\x00", 15, TD_PRE_NONE }, /* bytes after the user id */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = cases[i].len ? cases[i].len : strlen(cases[i].bytes);
		uint8_t *copy = malloc(n);
		if (!copy)
			abort();
		memcpy(copy, cases[i].bytes, n);
		is_int(td_preamble_command(copy, n), cases[i].want, "command by content: case %zu", i);
		free(copy);
	}
	is_int(td_preamble_port(25), TD_PRE_SMTP, "port 25 is SMTP");
	is_int(td_preamble_port(443), TD_PRE_NONE, "port 443 is no STARTTLS port");
}

/* Plain traffic on a STARTTLS port: let go, never worth a report. */
static void test_plain(void)
{
	struct td_facts *f = td_facts_new();
	struct td_preamble *p = td_preamble_new(TD_PRE_SMTP, false);
	const uint8_t *held;
	size_t held_len;
	static const char line[] = "MAIL FROM:<a@contoso.test>\r\n";
	for (int i = 0; i < 70 && td_preamble_state(p, TD_DIR_C2S) == TD_PRE_PLAIN; i++)
		(void)td_preamble_feed(p, f, TD_DIR_C2S, (const uint8_t *)line, sizeof(line) - 1, 1, 1.0, &held, &held_len);
	ok(td_preamble_state(p, TD_DIR_C2S) == TD_PRE_STOPPED && td_preamble_state(p, TD_DIR_S2C) == TD_PRE_STOPPED,
	   "plain SMTP: both directions let go after the message cap");
	ok(!td_preamble_wanted(p), "plain SMTP: not worth a report");
	td_preamble_free(p);
	td_facts_free(f);

	f = td_facts_new();
	p = td_preamble_new(TD_PRE_LDAP, false);
	(void)td_preamble_feed(p, f, TD_DIR_C2S, (const uint8_t *)"GET / HTTP/1.0\r\n", 16, 1, 1.0, &held, &held_len);
	ok(td_preamble_state(p, TD_DIR_C2S) == TD_PRE_STOPPED, "not BER on the LDAP port: stopped");
	td_preamble_free(p);
	td_facts_free(f);
}

/* A client speaking TLS at once after an SMTP greeting (implicit TLS to
 * a STARTTLS port): what the server sends next answers the ClientHello and
 * goes to the TLS stream, which can say it is not TLS. */
static void test_implicit_tls(void)
{
	static const char greeting[] = "220 mail.contoso.test ESMTP\r\n", answer[] = "500 5.5.1 what?\r\n";
	static const uint8_t ch[] = { 0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0 };
	struct td_facts *f = td_facts_new();
	struct td_preamble *p = td_preamble_new(td_preamble_opening(TD_DIR_S2C, (const uint8_t *)greeting,
								     sizeof(greeting) - 1), false);
	const uint8_t *held;
	size_t held_len;
	size_t used = td_preamble_feed(p, f, TD_DIR_S2C, (const uint8_t *)greeting, sizeof(greeting) - 1, 4, 1.0, &held,
				       &held_len);
	ok(used == sizeof(greeting) - 1 && td_preamble_state(p, TD_DIR_S2C) == TD_PRE_PLAIN, "implicit TLS: greeting read");
	used = td_preamble_feed(p, f, TD_DIR_C2S, ch, sizeof(ch), 6, 1.0, &held, &held_len);
	ok(td_preamble_state(p, TD_DIR_C2S) == TD_PRE_TLS && held_len + sizeof(ch) - used == sizeof(ch),
	   "implicit TLS: the ClientHello goes to TLS whole");
	used = td_preamble_feed(p, f, TD_DIR_S2C, (const uint8_t *)answer, sizeof(answer) - 1, 7, 1.0, &held, &held_len);
	ok(td_preamble_state(p, TD_DIR_S2C) == TD_PRE_TLS && held_len + sizeof(answer) - 1 - used == sizeof(answer) - 1,
	   "implicit TLS: the server's plaintext answer goes to the TLS stream");
	ok(!f->tls->preamble.command_frame && !f->tls->preamble.protocol[0], "implicit TLS: no preamble facts claimed");
	td_preamble_free(p);
	td_facts_free(f);
	is_int(td_preamble_opening(TD_DIR_C2S, (const uint8_t *)"EHLO x\r\n", 8), TD_PRE_SMTP, "opening: EHLO");
	is_int(td_preamble_opening(TD_DIR_S2C, (const uint8_t *)"* OK ready\r\n", 12), TD_PRE_IMAP, "opening: IMAP greeting");
	is_int(td_preamble_opening(TD_DIR_S2C, (const uint8_t *)"SSH-2.0-OpenSSH\r\n", 17), TD_PRE_NONE,
	       "opening: an SSH banner is none");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		check(&scenarios[i]);
	test_command();
	test_plain();
	test_implicit_tls();
	return done_testing();
}
