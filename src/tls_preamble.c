/*
 * The plaintext before TLS: STARTTLS and its kin, SOCKS CONNECT.
 *
 * Each direction is cut into the protocol's messages (lines, XML tags, BER
 * messages, length-prefixed packets, TPKTs, SOCKS structures) in a small
 * buffer of its own; each message is read through the bounds-checked
 * reader. The client's upgrade command and the server's answer become
 * tls.preamble facts. A direction turns TLS at a message boundary: the
 * server's after it accepted, the client's when its next byte starts a
 * handshake record (also after a refusal: some clients send their
 * ClientHello anyway, and that is worth seeing). What does not parse stops the direction: a preamble is
 * never "fixed", and TLS after it is still found by content.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tlsdiag/http.h"
#include "tlsdiag/rd.h"
#include "tlsdiag/tls_preamble.h"

#define BUF_MAX 4096    /* one message at most: longer ones stop the direction */
#define PLAIN_MAX 64    /* messages before the command: more, and it is no upgrade */
#define AFTER_MAX 16    /* client messages after a refusal that are still read */

#define LDAP_STARTTLS_OID "1.3.6.1.4.1.1466.20037"
#define PG_SSL_REQUEST 80877103u
#define PG_GSS_REQUEST 80877104u
#define PG_CANCEL 80877102u
#define MYSQL_CLIENT_SSL 0x0800u

struct pdir {
	uint8_t buf[BUF_MAX];
	size_t n;
	enum td_pre_state state;
	uint32_t msgs;
	bool tls_next;        /* the next bytes are TLS (the server accepted) */
};

struct td_preamble {
	enum td_pre_proto proto;
	bool partial;            /* read from partway through: what came before is unknown */
	bool cmd_seen, answered, wanted;
	uint32_t after_refusal;  /* client messages since the refusal */
	char imap_tag[32];
	uint32_t client_lines;   /* SMTP, FTP, NNTP: commands sent ... */
	uint32_t replies;        /* ... and final replies to them: pipelining pairs them in order */
	uint32_t cmd_index;      /* which command was the upgrade */
	int32_t ldap_id;
	bool pg_started;         /* PostgreSQL: the StartupMessage went: typed messages follow */
	bool mysql_ssl;          /* MySQL: the greeting offered SSL */
	uint64_t mysql_greeting_frame;
	char mysql_version[64];
	uint8_t socks_ver;       /* 4 or 5, from the client's first byte */
	uint8_t s5_method;       /* SOCKS5: the method the server chose (0xff none yet) */
	uint8_t s5_client_step;  /* 0 greeting, 1 auth or request, 2 request done */
	uint8_t s5_server_step;  /* 0 method, 1 auth status or reply */
	bool s5_auth_done;
	struct pdir d[2];
};

static const char *const proto_names[TD_PRE__COUNT] = {
	[TD_PRE_SMTP] = "smtp", [TD_PRE_IMAP] = "imap", [TD_PRE_POP3] = "pop3", [TD_PRE_FTP] = "ftp",
	[TD_PRE_NNTP] = "nntp", [TD_PRE_IRC] = "irc", [TD_PRE_LINE] = "smtp", [TD_PRE_LDAP] = "ldap",
	[TD_PRE_XMPP] = "xmpp", [TD_PRE_PGSQL] = "postgresql", [TD_PRE_MYSQL] = "mysql", [TD_PRE_RDP] = "rdp",
	[TD_PRE_SOCKS] = "socks",
};

/* The registry of well-known ports (IANA; 24 LMTP, 433 NNSP, 5269 XMPP
 * server to server). Implicit-TLS ports (465, 993, 995, 636 ...) are not
 * here: they start with a ClientHello and are found by content. */
static const struct {
	uint16_t port;
	enum td_pre_proto proto;
} ports[] = {
	{ 21, TD_PRE_FTP },    { 24, TD_PRE_SMTP },   { 25, TD_PRE_SMTP },   { 110, TD_PRE_POP3 },
	{ 119, TD_PRE_NNTP },  { 143, TD_PRE_IMAP },  { 389, TD_PRE_LDAP },  { 433, TD_PRE_NNTP },
	{ 587, TD_PRE_SMTP },  { 1080, TD_PRE_SOCKS }, { 3306, TD_PRE_MYSQL }, { 3389, TD_PRE_RDP },
	{ 5222, TD_PRE_XMPP }, { 5269, TD_PRE_XMPP }, { 5432, TD_PRE_PGSQL }, { 6667, TD_PRE_IRC },
};

enum td_pre_proto td_preamble_port(uint16_t port)
{
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i].port == port)
			return ports[i].proto;
	return TD_PRE_NONE;
}

/* ------------------------------------------------------------ small helpers */

/* snprintf into a fact: cut to fit, as every text fact is. */
__attribute__((format(printf, 3, 4))) static int put(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : n;
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* A line without its CR LF (and trailing blanks). */
static size_t trim(const uint8_t *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static bool word_is(const uint8_t *s, size_t n, const char *w)
{
	size_t wl = strlen(w);
	return n == wl && strncasecmp((const char *)s, w, wl) == 0;
}

static bool starts_with(const uint8_t *s, size_t n, const char *w)
{
	size_t wl = strlen(w);
	return n >= wl && strncasecmp((const char *)s, w, wl) == 0;
}

/* The first space-separated word of s[0..n) and where the rest starts. */
static size_t first_word(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

static const uint8_t *memmem_ci(const uint8_t *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);
	for (size_t i = 0; nn <= hn && i <= hn - nn; i++)
		if (strncasecmp((const char *)h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

/* ------------------------------------------------------------ the upgrade command by content */

static bool three_digits(const uint8_t *s, size_t n, uint32_t *code);

static enum td_pre_proto line_command(const uint8_t *d, size_t n)
{
	n = trim(d, n);
	if (word_is(d, n, "STARTTLS"))
		return TD_PRE_LINE;
	if (word_is(d, n, "STLS"))
		return TD_PRE_POP3;
	if (word_is(d, n, "AUTH TLS") || word_is(d, n, "AUTH SSL") || word_is(d, n, "AUTH TLS-C"))
		return TD_PRE_FTP;
	/* "a001 STARTTLS"; a server's "250 STARTTLS" (the last line of an
	 * EHLO answer) and IMAP's untagged "* " are no client's command. */
	size_t w = first_word(d, n);
	uint32_t code;
	if (w > 0 && w < n && word_is(d + w + 1, n - w - 1, "STARTTLS") && !(w == 3 && three_digits(d, n, &code)) &&
	    d[0] != '*' && d[0] != '+')
		return TD_PRE_IMAP;
	return TD_PRE_NONE;
}

/* A SOCKS4 CONNECT alone: version 4, command 1, a port, then the user id
 * (and for 4a, 0.0.0.x, the host name), each NUL-terminated, and nothing
 * after them. */
static bool socks4_request(const uint8_t *d, size_t n)
{
	if (n < 9 || d[0] != 4 || d[1] != 1 || (d[2] == 0 && d[3] == 0) || d[n - 1] != 0)
		return false;
	bool v4a = d[4] == 0 && d[5] == 0 && d[6] == 0 && d[7] != 0;
	size_t nuls = 0;
	for (size_t i = 8; i < n; i++)
		nuls += d[i] == 0;
	return nuls == (v4a ? 2u : 1u);
}

enum td_pre_proto td_preamble_command(const uint8_t *d, size_t n)
{
	const uint8_t *nl;
	if (n == 8 && be32(d) == 8 && be32(d + 4) == PG_SSL_REQUEST)
		return TD_PRE_PGSQL;
	if (n == 36 && d[0] == 32 && d[1] == 0 && d[2] == 0 && d[3] == 1 && (le32(d + 4) & MYSQL_CLIENT_SSL))
		return TD_PRE_MYSQL;
	if (n < 6 || n > 96)
		return TD_PRE_NONE;
	if (socks4_request(d, n))
		return TD_PRE_SOCKS;
	if (d[0] == 0x30 && memmem_ci(d, n, LDAP_STARTTLS_OID))
		return TD_PRE_LDAP;
	if (d[n - 1] == '\n' && (nl = memchr(d, '\n', n)) == d + n - 1)
		return line_command(d, n); /* one line alone */
	if (d[0] == '<' && starts_with(d, n, "<starttls"))
		return TD_PRE_XMPP;
	return TD_PRE_NONE;
}

enum td_pre_proto td_preamble_opening(enum td_dir dir, const uint8_t *d, size_t n)
{
	if (dir == TD_DIR_C2S) {
		if (starts_with(d, n, "EHLO ") || starts_with(d, n, "HELO ") || starts_with(d, n, "LHLO "))
			return TD_PRE_SMTP;
		return td_preamble_command(d, n);
	}
	uint32_t code;
	if (n < 5 || !memchr(d, '\n', n))
		return TD_PRE_NONE;
	if (starts_with(d, n, "* OK "))
		return TD_PRE_IMAP;
	if (starts_with(d, n, "+OK"))
		return TD_PRE_POP3;
	if (three_digits(d, n, &code) && (code == 220 || code == 200 || code == 201))
		return TD_PRE_LINE; /* SMTP, FTP or NNTP: the command and its answer tell */
	return TD_PRE_NONE;
}

/* ------------------------------------------------------------ facts */

struct td_preamble *td_preamble_new(enum td_pre_proto proto, bool partial)
{
	struct td_preamble *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->proto = proto;
	p->partial = partial;
	p->s5_method = 0xff;
	return p;
}

void td_preamble_free(struct td_preamble *p)
{
	free(p);
}

enum td_pre_state td_preamble_state(const struct td_preamble *p, enum td_dir dir)
{
	return p->d[dir].state;
}

bool td_preamble_wanted(const struct td_preamble *p)
{
	return p->wanted || p->d[0].state == TD_PRE_TLS || p->d[1].state == TD_PRE_TLS;
}

static void set_proto(const struct td_preamble *p, struct td_preamble_facts *pf)
{
	const char *name = proto_names[p->proto];
	if (p->proto == TD_PRE_SOCKS)
		name = p->socks_ver == 4 ? "socks4" : "socks5";
	put(pf->protocol, sizeof(pf->protocol), "%s", name ? name : "");
}

static void command(struct td_preamble *p, struct td_facts *f, const char *text, uint64_t frame, double ts)
{
	struct td_tls_facts *t = f->tls;
	p->cmd_seen = true;
	if (p->proto != TD_PRE_SOCKS)
		p->wanted = true; /* SOCKS: only a refusal, or TLS through the tunnel */
	set_proto(p, &t->preamble);
	t->preamble.command_frame = frame;
	put(t->preamble.command, sizeof(t->preamble.command), "%s", text);
	td_facts_event(f, frame, ts, TD_DIR_C2S, TD_EV_PREAMBLE, 0, 0, false);
}

/* The server's answer. Accepted: its next bytes are TLS. Refused: nothing
 * more of its plaintext matters. */
static void answer(struct td_preamble *p, struct td_facts *f, bool accepted, bool has_code, uint32_t code,
		   const char *text, uint64_t frame, double ts)
{
	struct td_preamble_facts *pf = &f->tls->preamble;
	p->answered = true;
	set_proto(p, pf);
	pf->answer_frame = frame;
	pf->accepted = accepted;
	pf->refused = !accepted;
	pf->has_code = has_code;
	pf->code = code;
	put(pf->text, sizeof(pf->text), "%s", text);
	td_facts_event(f, frame, ts, TD_DIR_S2C, TD_EV_PREAMBLE, 1, 0, false);
	if (accepted) {
		p->d[TD_DIR_S2C].tls_next = true;
	} else {
		p->wanted = true;
		p->d[TD_DIR_S2C].state = TD_PRE_STOPPED;
	}
}

/* ------------------------------------------------------------ text lines */

static bool three_digits(const uint8_t *s, size_t n, uint32_t *code)
{
	if (n < 3 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return false;
	if (n > 3 && s[3] != ' ' && s[3] != '-')
		return false;
	*code = (uint32_t)(s[0] - '0') * 100 + (uint32_t)(s[1] - '0') * 10 + (uint32_t)(s[2] - '0');
	return true;
}

static void line_client(struct td_preamble *p, struct td_facts *f, const uint8_t *s, size_t n,
			uint64_t frame, double ts)
{
	if (p->cmd_seen)
		return;
	p->client_lines++;
	enum td_pre_proto c = line_command(s, n);
	bool ok = false;
	switch (p->proto) {
	case TD_PRE_SMTP: case TD_PRE_NNTP: case TD_PRE_IRC:
		ok = c == TD_PRE_LINE;
		break;
	case TD_PRE_LINE:
		ok = c == TD_PRE_LINE || c == TD_PRE_FTP;
		if (c == TD_PRE_FTP)
			p->proto = TD_PRE_FTP;
		break;
	case TD_PRE_IMAP: case TD_PRE_POP3: case TD_PRE_FTP:
		ok = c == p->proto;
		break;
	default:
		break;
	}
	if (!ok)
		return;
	if (p->proto == TD_PRE_IMAP) {
		size_t w = first_word(s, n);
		put(p->imap_tag, sizeof(p->imap_tag), "%.*s", (int)(w < 31 ? w : 31), (const char *)s);
	}
	char text[TD_STR_LINE];
	td_first_line(s, n, text, sizeof(text));
	p->cmd_index = p->client_lines;
	command(p, f, text, frame, ts);
}

/* IRC: ":server 670 nick :STARTTLS successful" (IRCv3 tls extension); 691
 * is its failure, 421/451 an old server that knows no STARTTLS. */
static bool irc_numeric(const uint8_t *s, size_t n, uint32_t *code)
{
	if (!n || s[0] != ':')
		return false;
	size_t w = first_word(s, n);
	return w + 1 < n && three_digits(s + w + 1, n - w - 1, code);
}

static void line_server(struct td_preamble *p, struct td_facts *f, const uint8_t *s, size_t n,
			uint64_t frame, double ts)
{
	uint32_t code = 0;
	n = trim(s, n);
	/* A final reply line (not "250-"): it answers the oldest command not
	 * answered yet; one before any command is the greeting. */
	if ((p->proto == TD_PRE_SMTP || p->proto == TD_PRE_FTP || p->proto == TD_PRE_NNTP || p->proto == TD_PRE_LINE) &&
	    three_digits(s, n, &code) && !(n > 3 && s[3] == '-')) {
		if (p->replies >= p->client_lines)
			return;
		if (++p->replies != p->cmd_index || !p->cmd_seen)
			return;
	}
	if (!p->cmd_seen || p->answered)
		return;
	char text[TD_STR_LINE];
	td_first_line(s, n, text, sizeof(text));
	switch (p->proto) {
	case TD_PRE_IMAP: {
		size_t w = first_word(s, n);
		if (!p->imap_tag[0] || w != strlen(p->imap_tag) || memcmp(s, p->imap_tag, w) != 0 || w + 1 >= n)
			return; /* untagged and continuation lines */
		const uint8_t *r = s + w + 1;
		size_t rn = n - w - 1;
		size_t rw = first_word(r, rn);
		if (word_is(r, rw, "OK"))
			answer(p, f, true, false, 0, text, frame, ts);
		else if (word_is(r, rw, "NO") || word_is(r, rw, "BAD"))
			answer(p, f, false, false, 0, text, frame, ts);
		return;
	}
	case TD_PRE_POP3:
		if (starts_with(s, n, "+OK"))
			answer(p, f, true, false, 0, text, frame, ts);
		else if (starts_with(s, n, "-ERR"))
			answer(p, f, false, false, 0, text, frame, ts);
		return;
	default:
		break;
	}
	if ((p->proto == TD_PRE_IRC || p->proto == TD_PRE_LINE) && irc_numeric(s, n, &code)) {
		p->proto = TD_PRE_IRC;
		if (code == 670 || code == 691 || ((code == 421 || code == 451) && memmem_ci(s, n, " STARTTLS")))
			answer(p, f, code == 670, true, code, text, frame, ts);
		return;
	}
	if (p->proto == TD_PRE_IRC || !three_digits(s, n, &code) || (n > 3 && s[3] == '-'))
		return; /* not a reply line, or not its last line */
	if (p->proto == TD_PRE_LINE)
		p->proto = code == 382 || code == 580 ? TD_PRE_NNTP : TD_PRE_SMTP;
	/* RFC 3207 220; RFC 4217 234 (334 from servers of the AUTH SSL draft); RFC 4642 382. */
	bool ok = (p->proto == TD_PRE_SMTP && code == 220) || (p->proto == TD_PRE_NNTP && code == 382) ||
		  (p->proto == TD_PRE_FTP && (code == 234 || code == 334));
	answer(p, f, ok, true, code, text, frame, ts);
}

static size_t line_end(const uint8_t *b, size_t n, uint8_t end)
{
	const uint8_t *e = memchr(b, end, n);
	return e ? (size_t)(e - b) + 1 : 0;
}

/* ------------------------------------------------------------ XMPP (RFC 6120 5.4.2) */

static void xmpp_tag(struct td_preamble *p, struct td_facts *f, enum td_dir dir, const uint8_t *s, size_t n,
		     uint64_t frame, double ts)
{
	while (n && (*s == ' ' || *s == '\r' || *s == '\n' || *s == '\t')) {
		s++;
		n--;
	}
	char text[TD_STR_LINE];
	td_first_line(s, n, text, sizeof(text));
	if (dir == TD_DIR_C2S && !p->cmd_seen && starts_with(s, n, "<starttls"))
		command(p, f, text, frame, ts);
	else if (dir == TD_DIR_S2C && p->cmd_seen && !p->answered && starts_with(s, n, "<proceed"))
		answer(p, f, true, false, 0, text, frame, ts);
	else if (dir == TD_DIR_S2C && p->cmd_seen && !p->answered && starts_with(s, n, "<failure"))
		answer(p, f, false, false, 0, text, frame, ts);
}

/* ------------------------------------------------------------ LDAP (RFC 4511 4.14) */

/* A BER length: short form, or long form of 1 to 4 bytes. */
TD_MUST_USE static enum td_err ber_len(struct td_rd *r, size_t *len)
{
	uint8_t b;
	TD_TRY(td_rd_u8(r, &b));
	if (b < 0x80) {
		*len = b;
		return TD_E_OK;
	}
	unsigned k = b & 0x7f;
	if (k == 0 || k > 4)
		return TD_E_RANGE;
	size_t v = 0;
	for (unsigned i = 0; i < k; i++) {
		TD_TRY(td_rd_u8(r, &b));
		v = v << 8 | b;
	}
	*len = v;
	return TD_E_OK;
}

/* One TLV: its tag and a reader over exactly its value. */
TD_MUST_USE static enum td_err ber_tlv(struct td_rd *r, uint8_t *tag, struct td_rd *val)
{
	struct td_rd save = *r;
	size_t len;
	const uint8_t *v;
	enum td_err e = td_rd_u8(r, tag);
	if (e == TD_E_OK)
		e = ber_len(r, &len);
	if (e == TD_E_OK)
		e = td_rd_bytes(r, len, &v);
	if (e != TD_E_OK) {
		*r = save;
		return e;
	}
	*val = td_rd_make(v, len);
	return TD_E_OK;
}

TD_MUST_USE static enum td_err ber_int(struct td_rd *val, int32_t *out)
{
	size_t n = td_rd_left(val);
	if (n == 0 || n > 4)
		return TD_E_RANGE;
	uint8_t b;
	TD_TRY(td_rd_u8(val, &b));
	int32_t v = (int8_t)b;
	while (!td_rd_done(val)) {
		TD_TRY(td_rd_u8(val, &b));
		v = (int32_t)((uint32_t)v << 8 | b);
	}
	*out = v;
	return TD_E_OK;
}

static size_t ber_frame(const uint8_t *b, size_t n, bool *bad)
{
	struct td_rd r = td_rd_make(b, n);
	uint8_t tag;
	size_t len;
	if (td_rd_u8(&r, &tag) != TD_E_OK)
		return 0;
	if (tag != 0x30) {
		*bad = true;
		return 0;
	}
	enum td_err e = ber_len(&r, &len);
	if (e == TD_E_RANGE || (e == TD_E_OK && len > BUF_MAX)) {
		*bad = true;
		return 0;
	}
	if (e != TD_E_OK || len > td_rd_left(&r))
		return 0;
	return n - td_rd_left(&r) + len;
}

static const char *ldap_result_name(int32_t code)
{
	switch (code) {
	case 0: return "success";
	case 1: return "operationsError";
	case 2: return "protocolError";
	case 51: return "busy";
	case 52: return "unavailable";
	case 53: return "unwillingToPerform";
	case 80: return "other";
	default: return "";
	}
}

/* LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp CHOICE { ...
 * extendedReq [APPLICATION 23], extendedResp [APPLICATION 24] ... } }. */
TD_MUST_USE static enum td_err ldap_message(struct td_preamble *p, struct td_facts *f, enum td_dir dir,
					    const uint8_t *b, size_t n, uint64_t frame, double ts)
{
	struct td_rd r = td_rd_make(b, n), msg, idv, op;
	uint8_t tag, optag;
	int32_t id;
	TD_TRY(ber_tlv(&r, &tag, &msg));
	TD_TRY(ber_tlv(&msg, &tag, &idv));
	if (tag != 0x02)
		return TD_E_FORMAT;
	TD_TRY(ber_int(&idv, &id));
	TD_TRY(ber_tlv(&msg, &optag, &op));
	if (dir == TD_DIR_C2S && optag == 0x77 && !p->cmd_seen) {
		struct td_rd name;
		TD_TRY(ber_tlv(&op, &tag, &name));
		size_t nl = td_rd_left(&name);
		if (tag != 0x80 || nl != strlen(LDAP_STARTTLS_OID) || memcmp(name.p, LDAP_STARTTLS_OID, nl) != 0)
			return TD_E_OK; /* another extended operation */
		char text[TD_STR_LINE];
		put(text, sizeof(text), "ExtendedRequest StartTLS (%s), messageID %d", LDAP_STARTTLS_OID, (int)id);
		p->ldap_id = id;
		command(p, f, text, frame, ts);
	} else if (dir == TD_DIR_S2C && optag == 0x78 && p->cmd_seen && !p->answered && id == p->ldap_id) {
		struct td_rd rc, dn, diag = td_rd_make(b, 0);
		int32_t code;
		TD_TRY(ber_tlv(&op, &tag, &rc));
		if (tag != 0x0a)
			return TD_E_FORMAT;
		TD_TRY(ber_int(&rc, &code));
		TD_TRY(ber_tlv(&op, &tag, &dn));
		if (ber_tlv(&op, &tag, &diag) != TD_E_OK || tag != 0x04)
			diag = td_rd_make(b, 0);
		char msgtext[TD_STR_LINE], text[TD_STR_LINE];
		td_first_line(diag.p, td_rd_left(&diag), msgtext, sizeof(msgtext));
		put(text, sizeof(text), "resultCode %d%s%s%s%s", (int)code, *ldap_result_name(code) ? " " : "",
			 ldap_result_name(code), msgtext[0] ? ": " : "", msgtext);
		answer(p, f, code == 0, true, (uint32_t)code, text, frame, ts);
	}
	return TD_E_OK;
}

/* ------------------------------------------------------------ PostgreSQL (protocol 3, 54.2.10) */

static size_t pg_frame(const struct td_preamble *p, enum td_dir dir, const uint8_t *b, size_t n, bool *bad)
{
	if (dir == TD_DIR_S2C && p->cmd_seen && !p->answered && n >= 1 && (b[0] == 'S' || b[0] == 'N'))
		return 1;
	bool typed = dir == TD_DIR_S2C || p->pg_started;
	size_t hdr = typed ? 5 : 4;
	if (n < hdr)
		return 0;
	uint32_t len = be32(b + hdr - 4);
	if (len < (typed ? 4u : 8u) || len > BUF_MAX - 1) {
		*bad = true;
		return 0;
	}
	size_t total = (typed ? 1 : 0) + (size_t)len;
	return n >= total ? total : 0;
}

static void pg_message(struct td_preamble *p, struct td_facts *f, enum td_dir dir, const uint8_t *b, size_t n,
		       uint64_t frame, double ts)
{
	if (dir == TD_DIR_C2S && !p->pg_started && n >= 8) {
		uint32_t code = be32(b + 4);
		if (code == PG_SSL_REQUEST && !p->cmd_seen)
			command(p, f, "SSLRequest (80877103)", frame, ts);
		else if (code != PG_SSL_REQUEST && code != PG_GSS_REQUEST && code != PG_CANCEL)
			p->pg_started = true; /* the StartupMessage: plain from here */
		return;
	}
	if (dir == TD_DIR_S2C && p->cmd_seen && !p->answered) {
		if (n == 1)
			answer(p, f, b[0] == 'S', false, 0, b[0] == 'S' ? "S (willing to use SSL)" : "N (SSL refused)",
			       frame, ts);
		else if (b[0] == 'E')
			answer(p, f, false, false, 0, "E (an error instead of S or N)", frame, ts);
	}
}

/* ------------------------------------------------------------ MySQL (client/server protocol, 14.2.5) */

static size_t mysql_frame(const uint8_t *b, size_t n, bool *bad)
{
	if (n < 4)
		return 0;
	size_t len = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16;
	if (len > BUF_MAX - 4) {
		*bad = true;
		return 0;
	}
	return n >= 4 + len ? 4 + len : 0;
}

/* The greeting (HandshakeV10): protocol 10, a NUL-terminated version, the
 * thread id, 8 scramble bytes and a filler, then the low capability flags. */
TD_MUST_USE static enum td_err mysql_greeting(struct td_preamble *p, const uint8_t *b, size_t n, uint64_t frame)
{
	struct td_rd r = td_rd_make(b, n);
	uint8_t proto;
	const uint8_t *skip;
	uint16_t caps;
	TD_TRY(td_rd_skip(&r, 4));
	TD_TRY(td_rd_u8(&r, &proto));
	if (proto != 10)
		return TD_E_FORMAT;
	const uint8_t *ver = r.p, *nul = memchr(r.p, 0, td_rd_left(&r));
	if (!nul)
		return TD_E_SHORT;
	size_t vlen = (size_t)(nul - ver);
	TD_TRY(td_rd_skip(&r, vlen + 1 + 4 + 8 + 1));
	TD_TRY(td_rd_bytes(&r, 2, &skip));
	caps = (uint16_t)(skip[0] | skip[1] << 8);
	p->mysql_ssl = caps & MYSQL_CLIENT_SSL;
	p->mysql_greeting_frame = frame;
	td_first_line(ver, vlen, p->mysql_version, sizeof(p->mysql_version));
	return TD_E_OK;
}

static void mysql_message(struct td_preamble *p, struct td_facts *f, enum td_dir dir, const uint8_t *b,
			  size_t n, uint64_t frame, double ts)
{
	if (dir == TD_DIR_S2C) {
		if (p->d[TD_DIR_S2C].msgs == 1 && mysql_greeting(p, b, n, frame) != TD_E_OK)
			p->d[TD_DIR_S2C].state = TD_PRE_STOPPED;
		return;
	}
	if (p->cmd_seen || n < 8 || b[3] != 1)
		return;
	uint32_t caps = le32(b + 4);
	if (n != 36 || !(caps & MYSQL_CLIENT_SSL)) {
		p->d[TD_DIR_C2S].state = p->d[TD_DIR_S2C].state = TD_PRE_STOPPED; /* a plain login */
		return;
	}
	char text[TD_STR_LINE];
	put(text, sizeof(text), "SSL request (CLIENT_SSL), capabilities 0x%08x", caps);
	command(p, f, text, frame, ts);
	/* The server's answer is the offer it made in its greeting (when the
	 * flow was followed from it); its next bytes are TLS, or nothing. */
	if (!p->mysql_greeting_frame)
		return;
	put(text, sizeof(text), "greeting of %s, %s", p->mysql_version[0] ? p->mysql_version : "the server",
	    p->mysql_ssl ? "CLIENT_SSL offered" : "no CLIENT_SSL");
	answer(p, f, p->mysql_ssl, false, 0, text, p->mysql_greeting_frame, ts);
}

/* ------------------------------------------------------------ RDP (MS-RDPBCGR 2.2.1.1, 2.2.1.2) */

static size_t tpkt_frame(const uint8_t *b, size_t n, bool *bad)
{
	if (n < 4)
		return 0;
	size_t len = (size_t)b[2] << 8 | b[3];
	if (b[0] != 3 || b[1] != 0 || len < 7 || len > BUF_MAX) {
		*bad = true;
		return 0;
	}
	return n >= len ? len : 0;
}

static void rdp_protocols(uint32_t v, char *out, size_t len)
{
	static const char *const names[] = { "TLS", "CredSSP", "RDSTLS", "CredSSP-EX", "RDSAAD" };
	size_t o = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v & (1u << i)) && o < len)
			o += (size_t)put(out + o, len - o, "%s%s", o ? ", " : "", names[i]);
	if (!v)
		put(out, len, "standard RDP security");
}

static const char *rdp_failure(uint32_t code)
{
	static const char *const names[] = { NULL, "SSL_REQUIRED_BY_SERVER", "SSL_NOT_ALLOWED_BY_SERVER",
		"SSL_CERT_NOT_ON_SERVER", "INCONSISTENT_FLAGS", "HYBRID_REQUIRED_BY_SERVER",
		"SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER" };
	return code < sizeof(names) / sizeof(names[0]) && names[code] ? names[code] : "unknown failure";
}

/* The X.224 TPDU after the TPKT header: length indicator, code, two
 * references and the class (7 bytes), then the variable part whose last 8
 * bytes are RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE when present. */
TD_MUST_USE static enum td_err rdp_message(struct td_preamble *p, struct td_facts *f, enum td_dir dir,
					   const uint8_t *b, size_t n, uint64_t frame, double ts)
{
	struct td_rd r = td_rd_make(b, n);
	uint8_t li, code;
	const uint8_t *var;
	TD_TRY(td_rd_skip(&r, 4));
	TD_TRY(td_rd_u8(&r, &li));
	TD_TRY(td_rd_u8(&r, &code));
	if (li < 6 || (size_t)li - 1 > td_rd_left(&r))
		return TD_E_SHORT;
	TD_TRY(td_rd_skip(&r, 5));
	size_t vlen = (size_t)li - 6;
	TD_TRY(td_rd_bytes(&r, vlen, &var));
	const uint8_t *neg = vlen >= 8 && var[vlen - 6] == 8 && var[vlen - 5] == 0 ? var + vlen - 8 : NULL;
	char names[64], text[TD_STR_LINE];
	if (dir == TD_DIR_C2S && (code & 0xf0) == 0xe0 && !p->cmd_seen) {
		uint32_t req = neg && neg[0] == 1 ? le32(neg + 4) : 0;
		if (!req) {
			p->d[0].state = p->d[1].state = TD_PRE_STOPPED; /* standard RDP security: no TLS */
			return TD_E_OK;
		}
		rdp_protocols(req, names, sizeof(names));
		put(text, sizeof(text), "X.224 Connection Request, RDP_NEG_REQ requestedProtocols 0x%x (%s)", req,
			 names);
		command(p, f, text, frame, ts);
	} else if (dir == TD_DIR_S2C && (code & 0xf0) == 0xd0 && p->cmd_seen && !p->answered) {
		if (neg && neg[0] == 2) {
			uint32_t sel = le32(neg + 4);
			rdp_protocols(sel, names, sizeof(names));
			put(text, sizeof(text), "X.224 Connection Confirm, RDP_NEG_RSP selectedProtocol 0x%x (%s)",
				 sel, names);
			answer(p, f, sel != 0, true, sel, text, frame, ts);
		} else if (neg && neg[0] == 3) {
			uint32_t fc = le32(neg + 4);
			put(text, sizeof(text), "X.224 Connection Confirm, RDP_NEG_FAILURE %s", rdp_failure(fc));
			answer(p, f, false, true, fc, text, frame, ts);
		} else {
			answer(p, f, false, false, 0, "X.224 Connection Confirm without RDP_NEG_RSP (standard RDP security)",
			       frame, ts);
		}
	}
	return TD_E_OK;
}

/* ------------------------------------------------------------ SOCKS (RFC 1928, 1929; SOCKS4/4a) */

/* SOCKS5 address: ATYP, then 4 bytes, a length and a name, or 16 bytes; then the port. */
static size_t socks5_addr_len(const uint8_t *b, size_t n, bool *bad)
{
	if (n < 5)
		return 0;
	switch (b[3]) {
	case 1: return 4 + 4 + 2;
	case 3: return 4 + 1 + (size_t)b[4] + 2;
	case 4: return 4 + 16 + 2;
	default: *bad = true; return 0;
	}
}

static size_t socks_frame(struct td_preamble *p, enum td_dir dir, const uint8_t *b, size_t n, bool *bad)
{
	size_t want;
	if (dir == TD_DIR_C2S) {
		if (p->cmd_seen)
			return n; /* what goes through the tunnel (not a ClientHello) */
		if (!p->socks_ver) {
			if (b[0] != 4 && b[0] != 5) {
				*bad = true;
				return 0;
			}
			p->socks_ver = b[0];
		}
		if (p->socks_ver == 4) {
			/* The user id, then (4a) the host name: NUL-terminated, 255 bytes at most. */
			if (n < 9)
				return 0;
			size_t at = 8;
			bool v4a = b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0;
			for (int field = 0; field < (v4a ? 2 : 1); field++) {
				size_t look = n - at < 256 ? n - at : 256;
				const uint8_t *nul = look ? memchr(b + at, 0, look) : NULL;
				if (!nul)
					return look == 256 ? (*bad = true, 0) : 0;
				at = (size_t)(nul - b) + 1;
			}
			return at;
		}
		if (p->s5_client_step == 0)
			want = n >= 2 ? 2 + (size_t)b[1] : SIZE_MAX;
		else if (p->s5_method == 2 && !p->s5_auth_done)
			want = n >= 2 && n >= 3 + (size_t)b[1] ? 3 + (size_t)b[1] + b[2 + b[1]] : SIZE_MAX;
		else
			want = socks5_addr_len(b, n, bad);
	} else {
		if (p->socks_ver == 4)
			want = 8;
		else if (p->s5_server_step == 0 || (p->s5_method == 2 && !p->s5_auth_done))
			want = 2;
		else
			want = socks5_addr_len(b, n, bad);
	}
	return want && want != SIZE_MAX && n >= want ? want : 0;
}

static const char *socks_reply_name(uint8_t ver, uint8_t rep)
{
	static const char *const v5[] = { "succeeded", "general SOCKS server failure",
		"connection not allowed by ruleset", "network unreachable", "host unreachable",
		"connection refused", "TTL expired", "command not supported", "address type not supported" };
	if (ver == 4) {
		static const char *const v4[] = { "request granted", "request rejected or failed",
			"rejected: cannot connect to identd", "rejected: identd user ids differ" };
		return rep >= 90 && rep <= 93 ? v4[rep - 90] : "unknown reply";
	}
	return rep < sizeof(v5) / sizeof(v5[0]) ? v5[rep] : "unknown reply";
}

static void socks5_target(const uint8_t *b, size_t n, char *out, size_t len)
{
	size_t alen = n - 4 - 2;
	unsigned port = (unsigned)b[n - 2] << 8 | b[n - 1];
	if (b[3] == 1)
		put(out, len, "%u.%u.%u.%u:%u", b[4], b[5], b[6], b[7], port);
	else if (b[3] == 3) {
		char host[TD_STR_NAME];
		td_first_line(b + 5, alen - 1, host, sizeof(host));
		put(out, len, "%s:%u", host, port);
	} else {
		size_t o = (size_t)put(out, len, "[");
		for (int i = 0; i < 16 && o < len; i += 2)
			o += (size_t)put(out + o, len - o, "%s%x", i ? ":" : "", (unsigned)(b[4 + i] << 8 | b[5 + i]));
		if (o < len)
			put(out + o, len - o, "]:%u", port);
	}
}

static void socks_client(struct td_preamble *p, struct td_facts *f, const uint8_t *b, size_t n, uint64_t frame,
			 double ts)
{
	struct td_preamble_facts *pf = &f->tls->preamble;
	char text[TD_STR_LINE];
	if (p->cmd_seen) {
		/* Plaintext through the tunnel: not TLS, not ours. */
		p->d[0].state = p->d[1].state = TD_PRE_STOPPED;
		return;
	}
	if (p->socks_ver == 4) {
		unsigned port = (unsigned)b[2] << 8 | b[3];
		bool v4a = b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0;
		size_t ulen = strnlen((const char *)b + 8, n - 8);
		if (v4a) {
			char host[TD_STR_NAME];
			td_first_line(b + 9 + ulen, n - 10 - ulen, host, sizeof(host));
			put(pf->target, sizeof(pf->target), "%s:%u", host, port);
		} else {
			put(pf->target, sizeof(pf->target), "%u.%u.%u.%u:%u", b[4], b[5], b[6], b[7], port);
		}
		put(text, sizeof(text), "SOCKS4%s %s %s", v4a ? "a" : "", b[1] == 1 ? "CONNECT" : "BIND", pf->target);
		command(p, f, text, frame, ts);
		return;
	}
	if (p->s5_client_step++ == 0 || (p->s5_method == 2 && !p->s5_auth_done))
		return; /* the method list, the user name and password */
	socks5_target(b, n, pf->target, sizeof(pf->target));
	static const char *const cmds[] = { "?", "CONNECT", "BIND", "UDP ASSOCIATE" };
	put(text, sizeof(text), "SOCKS5 %s %s", b[1] < 4 ? cmds[b[1]] : "?", pf->target);
	command(p, f, text, frame, ts);
}

static void socks_server(struct td_preamble *p, struct td_facts *f, const uint8_t *b, uint64_t frame, double ts)
{
	char text[TD_STR_LINE];
	if (p->socks_ver == 4) {
		put(text, sizeof(text), "%u %s", b[1], socks_reply_name(4, b[1]));
		answer(p, f, b[1] == 90, true, b[1], text, frame, ts);
		return;
	}
	if (p->s5_server_step++ == 0) {
		p->s5_method = b[1];
		if (b[1] == 0xff)
			answer(p, f, false, true, 0xff, "no acceptable authentication method (0xff)", frame, ts);
		return;
	}
	if (p->s5_method == 2 && !p->s5_auth_done) {
		p->s5_auth_done = true;
		if (b[1] != 0)
			answer(p, f, false, true, b[1], "user name and password rejected (RFC 1929)", frame, ts);
		return;
	}
	if (!p->cmd_seen || p->answered)
		return;
	put(text, sizeof(text), "%u %s", b[1], socks_reply_name(5, b[1]));
	answer(p, f, b[1] == 0, true, b[1], text, frame, ts);
}

/* ------------------------------------------------------------ the message loop */

static bool line_proto(enum td_pre_proto p)
{
	return p >= TD_PRE_SMTP && p <= TD_PRE_LINE;
}

/* The length of the first whole message in b[0..n), 0 when more is needed;
 * *bad when the bytes cannot be this protocol. */
static size_t frame_len(struct td_preamble *p, enum td_dir dir, const uint8_t *b, size_t n, bool *bad)
{
	if (line_proto(p->proto))
		return line_end(b, n, '\n');
	switch (p->proto) {
	case TD_PRE_XMPP: return line_end(b, n, '>');
	case TD_PRE_LDAP: return ber_frame(b, n, bad);
	case TD_PRE_PGSQL: return pg_frame(p, dir, b, n, bad);
	case TD_PRE_MYSQL: return mysql_frame(b, n, bad);
	case TD_PRE_RDP: return tpkt_frame(b, n, bad);
	case TD_PRE_SOCKS: return socks_frame(p, dir, b, n, bad);
	default: *bad = true; return 0;
	}
}

static void on_message(struct td_preamble *p, struct td_facts *f, enum td_dir dir, const uint8_t *b, size_t n,
		       uint64_t frame, double ts)
{
	struct pdir *d = &p->d[dir];
	d->msgs++;
	if (line_proto(p->proto)) {
		if (dir == TD_DIR_C2S)
			line_client(p, f, b, n, frame, ts);
		else
			line_server(p, f, b, n, frame, ts);
	} else if (p->proto == TD_PRE_XMPP) {
		xmpp_tag(p, f, dir, b, n, frame, ts);
	} else if (p->proto == TD_PRE_LDAP) {
		if (ldap_message(p, f, dir, b, n, frame, ts) != TD_E_OK)
			d->state = TD_PRE_STOPPED;
	} else if (p->proto == TD_PRE_PGSQL) {
		pg_message(p, f, dir, b, n, frame, ts);
	} else if (p->proto == TD_PRE_MYSQL) {
		mysql_message(p, f, dir, b, n, frame, ts);
	} else if (p->proto == TD_PRE_RDP) {
		if (rdp_message(p, f, dir, b, n, frame, ts) != TD_E_OK)
			d->state = TD_PRE_STOPPED;
	} else if (p->proto == TD_PRE_SOCKS) {
		if (dir == TD_DIR_C2S)
			socks_client(p, f, b, n, frame, ts);
		else
			socks_server(p, f, b, frame, ts);
	}
	/* No upgrade asked for in this many messages: plain traffic, let go. */
	if (!p->cmd_seen && !p->answered && d->msgs > PLAIN_MAX)
		p->d[0].state = p->d[1].state = TD_PRE_STOPPED;
	if (dir == TD_DIR_C2S && p->answered && !f->tls->preamble.accepted && ++p->after_refusal > AFTER_MAX)
		d->state = TD_PRE_STOPPED;
}

enum handoff { H_NO, H_YES, H_WAIT };

/* At a message boundary: do TLS bytes start here? The first byte decides
 * (a handshake record, 0x16; the server's alert, 0x15), so that how the
 * bytes were cut into segments never changes where a message ends. No
 * preamble message starts so: lines are text, and the binary ones start
 * with a tag, a version or a length that is not 0x16 where TLS may follow. */
static enum handoff handoff(const struct td_preamble *p, enum td_dir dir, const uint8_t *b, size_t n)
{
	const struct pdir *d = &p->d[dir];
	if (d->tls_next)
		return H_YES;
	if (!n)
		return H_WAIT;
	if (dir == TD_DIR_C2S)
		return b[0] == 0x16 ? H_YES : H_NO;
	/* The server, once the client's TLS began: its TLS records, whatever
	 * the answer said (or when there was none this parser knew); and
	 * anything at all when no upgrade was asked for in a connection read
	 * from its start (a client speaking TLS at once after a greeting):
	 * that answers the ClientHello, and the TLS stream says whether it is
	 * TLS. Read from partway, an upgrade may have gone unseen: then the
	 * server's plaintext is no answer to the ClientHello. */
	if (p->d[TD_DIR_C2S].state != TD_PRE_TLS)
		return H_NO;
	return (!p->cmd_seen && !p->partial) || b[0] == 0x16 || b[0] == 0x15 ? H_YES : H_NO;
}

size_t td_preamble_feed(struct td_preamble *p, struct td_facts *f, enum td_dir dir, const uint8_t *data,
			size_t len, uint64_t frame, double ts, const uint8_t **held, size_t *held_len)
{
	struct pdir *d = &p->d[dir];
	size_t used = 0;
	*held = NULL;
	*held_len = 0;
	if (!td_facts_tls(f))
		d->state = TD_PRE_STOPPED;
	while (d->state == TD_PRE_PLAIN) {
		enum handoff h = d->n || d->tls_next ? handoff(p, dir, d->buf, d->n) : H_WAIT;
		if (h == H_YES) {
			d->state = TD_PRE_TLS;
			*held = d->buf;
			*held_len = d->n;
			d->n = 0;
			break;
		}
		bool bad = false;
		size_t m = h == H_NO ? frame_len(p, dir, d->buf, d->n, &bad) : 0;
		if (bad) {
			d->state = TD_PRE_STOPPED;
			break;
		}
		if (m) {
			on_message(p, f, dir, d->buf, m, frame, ts);
			memmove(d->buf, d->buf + m, d->n - m);
			d->n -= m;
			continue;
		}
		if (used == len)
			break;
		if (d->n == BUF_MAX) {
			d->state = TD_PRE_STOPPED; /* a message longer than any upgrade needs */
			break;
		}
		size_t take = len - used < BUF_MAX - d->n ? len - used : BUF_MAX - d->n;
		memcpy(d->buf + d->n, data + used, take);
		d->n += take;
		used += take;
	}
	if (d->state == TD_PRE_STOPPED) {
		d->n = 0;
		return len;
	}
	return used;
}
