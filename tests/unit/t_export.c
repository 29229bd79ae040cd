/* Unit tests for src/export.c: the pcapng block layout of a two-packet file
 * from two inputs of different link types (SHB, IDB, EPB, IDB, EPB), read
 * back field by field: block lengths (both copies), padding, option codes,
 * lengths and values, timestamps; then the holding caps, and the errors of
 * a file that cannot be created or written. */
#include "tlsdiag/export.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

/* --- Reading the file back --------------------------------------------- */

struct rd {
	const uint8_t *b;
	size_t len, off;
};

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One block: checks the framing (type, both lengths, 32-bit multiple) and
 * returns its body (after type and length, before the trailing length). */
static const uint8_t *block(struct rd *r, uint32_t want_type, size_t *body_len, const char *what)
{
	if (r->len - r->off < 12) {
		ok(0, "%s: a block is there", what);
		return NULL;
	}
	const uint8_t *p = r->b + r->off;
	uint32_t total = u32(p + 4);
	is_int(u32(p), want_type, "%s: block type", what);
	ok(total % 4 == 0 && total >= 12 && total <= r->len - r->off, "%s: total length %u is a 32-bit multiple "
	   "within the file", what, total);
	if (total % 4 || total < 12 || total > r->len - r->off)
		return NULL;
	is_int(u32(p + total - 4), total, "%s: trailing total length equals the leading one", what);
	r->off += total;
	*body_len = total - 12;
	return p + 8;
}

/* One option at *off: code, length, value, zero padding to 32 bits. */
static void option(const uint8_t *opts, size_t len, size_t *off, uint16_t code, const void *value, size_t vlen,
		   const char *what)
{
	if (len - *off < 4) {
		ok(0, "%s: option present", what);
		return;
	}
	const uint8_t *p = opts + *off;
	is_int(u16(p), code, "%s: option code", what);
	is_int(u16(p + 2), vlen, "%s: option length", what);
	size_t padded = (vlen + 3) / 4 * 4;
	if (len - *off - 4 < padded) {
		ok(0, "%s: option value within the block", what);
		return;
	}
	ok(memcmp(p + 4, value, vlen) == 0, "%s: option value", what);
	int zeros = 1;
	for (size_t i = vlen; i < padded; i++)
		zeros &= p[4 + i] == 0;
	ok(zeros, "%s: padded with %zu zero bytes", what, padded - vlen);
	*off += 4 + padded;
}

static void end_of_options(const uint8_t *opts, size_t len, size_t off, const char *what)
{
	ok(len - off == 4 && u32(opts + off) == 0, "%s: opt_endofopt ends the options and the block", what);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[65536];
	if (!f)
		return NULL;
	*len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

/* --- The checks ---------------------------------------------------------- */

static void check_shb(struct rd *r)
{
	size_t n, off = 16;
	const uint8_t *b = block(r, 0x0A0D0D0A, &n, "SHB");
	if (!b)
		return;
	is_int(u32(b), 0x1A2B3C4D, "SHB: byte-order magic, little-endian");
	is_int(u16(b + 4), 1, "SHB: major version 1");
	is_int(u16(b + 6), 0, "SHB: minor version 0");
	ok(u32(b + 8) == 0xffffffffu && u32(b + 12) == 0xffffffffu, "SHB: section length -1 (not given)");
	const char *appl = "tlsdiag " PACKAGE_VERSION;
	option(b, n, &off, 4, appl, strlen(appl), "SHB shb_userappl");
	end_of_options(b, n, off, "SHB");
}

static void check_idb(struct rd *r, uint16_t linktype, const char *name, const char *what)
{
	size_t n, off = 8;
	const uint8_t *b = block(r, 1, &n, what);
	static const uint8_t six = 6;
	if (!b)
		return;
	is_int(u16(b), linktype, "%s: link type", what);
	is_int(u16(b + 2), 0, "%s: reserved field zero", what);
	is_int(u32(b + 4), 262144, "%s: snaplen 262144", what);
	option(b, n, &off, 2, name, strlen(name), what);
	option(b, n, &off, 9, &six, 1, what);
	end_of_options(b, n, off, what);
}

static void check_epb(struct rd *r, uint32_t iface, uint64_t ts_us, const uint8_t *data, size_t caplen,
		      size_t wirelen, const char *comment, const char *what)
{
	size_t n;
	const uint8_t *b = block(r, 6, &n, what);
	if (!b)
		return;
	is_int(u32(b), iface, "%s: interface id", what);
	is_int(((uint64_t)u32(b + 4) << 32) | u32(b + 8), ts_us, "%s: timestamp in microseconds", what);
	is_int(u32(b + 12), caplen, "%s: captured length", what);
	is_int(u32(b + 16), wirelen, "%s: original length", what);
	ok(memcmp(b + 20, data, caplen) == 0, "%s: packet bytes", what);
	size_t padded = (caplen + 3) / 4 * 4;
	int zeros = 1;
	for (size_t i = caplen; i < padded; i++)
		zeros &= b[20 + i] == 0;
	ok(zeros, "%s: packet data padded with %zu zero bytes", what, padded - caplen);
	size_t off = 20 + padded;
	option(b, n, &off, 1, comment, strlen(comment), what);
	end_of_options(b, n, off, what);
}

static const uint8_t eth[5] = { 1, 2, 3, 4, 5 };        /* 3 bytes of padding */
static const uint8_t raw[8] = { 0x45, 0, 0, 8, 9, 9, 9, 9 }; /* none */
static const char *const names[] = { "a.pcap", "-" };

static void two_packets(const char *path)
{
	char err[256] = "";
	struct td_pktlist *conn1 = NULL, *conn2 = NULL;
	struct td_export *x = td_export_open(path, names, 2, 10, err, sizeof(err));
	if (!ok(x != NULL, "open %s (%s)", path, err))
		return;
	struct td_export_pkt p1 = { .frame = 6, .ts = 1700000000.123456, .file_index = 0, .dlt = DLT_EN10MB,
				    .data = eth, .caplen = sizeof(eth), .wirelen = 60 };
	struct td_export_pkt p2 = { .frame = 1, .ts = 0.9999996, .file_index = 1, .dlt = DLT_RAW,
				    .data = raw, .caplen = sizeof(raw), .wirelen = sizeof(raw) };
	ok(td_export_hold(x, &conn1, &p1), "hold packet 1");
	ok(td_export_hold(x, &conn2, &p2), "hold packet 2");
	is_int(td_export_count(conn1), 1, "connection 1 holds one packet");
	struct td_export_stats st;
	td_export_stats(x, &st);
	is_int(st.held, 2, "two packets held");
	td_export_write(x, conn1, &(struct td_export_label){ .conn = 3, .category = "null-cipher-rejected",
							      .windows_error = "0x80090326" });
	td_export_write(x, conn2, &(struct td_export_label){ .conn = 4, .category = "tcp-reset" });
	td_export_drop(x, &conn1);
	td_export_drop(x, &conn2);
	ok(conn1 == NULL && conn2 == NULL, "drop clears the lists");
	td_export_stats(x, &st);
	ok(st.held == 0 && st.peak == 2 && st.connections == 2 && st.packets == 2,
	   "stats: 0 held, peak 2, 2 connections and 2 packets written");
	ok(td_export_close(x, err, sizeof(err)), "close (%s)", err);

	size_t len = 0;
	uint8_t *b = slurp(path, &len);
	if (!ok(b != NULL, "read the file back"))
		return;
	struct rd r = { .b = b, .len = len };
	check_shb(&r);
	check_idb(&r, 1, "a.pcap", "IDB 0 (Ethernet, a.pcap)");
	check_epb(&r, 0, 1700000000123456ull, eth, sizeof(eth), 60,
		  "tlsdiag #3 null-cipher-rejected [0x80090326] frame 6 of a.pcap", "EPB 1");
	check_idb(&r, 101, "(stdin)", "IDB 1 (raw IP as LINKTYPE_RAW, stdin)");
	check_epb(&r, 1, 1000000, raw, sizeof(raw), sizeof(raw), "tlsdiag #4 tcp-reset frame 1 of (stdin)",
		  "EPB 2 (timestamp rounded up into the next second)");
	is_int(r.off, len, "nothing after the last block");
}

/* max_held counts every connection's packets; a refused packet cuts its
 * connection, which holds no more even when room is made. */
static void caps(const char *path)
{
	char err[256] = "";
	struct td_pktlist *a = NULL, *b = NULL;
	struct td_export *x = td_export_open(path, names, 1, 2, err, sizeof(err));
	if (!ok(x != NULL, "open with max_held 2"))
		return;
	struct td_export_pkt p = { .frame = 1, .ts = 1, .dlt = DLT_EN10MB, .data = eth, .caplen = sizeof(eth),
				   .wirelen = sizeof(eth) };
	ok(td_export_hold(x, &a, &p) && td_export_hold(x, &a, &p), "two packets held");
	ok(!td_export_hold(x, &b, &p), "a third is refused (another connection)");
	is_int(td_export_count(b), 0, "the refused connection holds nothing");
	td_export_drop(x, &a);
	ok(!td_export_hold(x, &b, &p), "a cut connection holds no more, even with room");
	td_export_write(x, b, &(struct td_export_label){ .conn = 1, .category = "x" });
	struct td_export_stats st;
	td_export_stats(x, &st);
	ok(st.connections == 0 && st.packets == 0, "an empty list writes nothing");
	td_export_drop(x, &b);
	ok(td_export_close(x, err, sizeof(err)), "close");
}

static void errors(void)
{
	char err[256] = "";
	struct td_export *x = td_export_open("/nonexistent/x.pcapng", names, 1, 2, err, sizeof(err));
	ok(x == NULL && strstr(err, "cannot create") && strstr(err, "No such file"),
	   "a path that cannot be created: NULL and the reason (%s)", err);
	if (access("/dev/full", W_OK) != 0) {
		ok(1, "# SKIP no /dev/full");
		return;
	}
	x = td_export_open("/dev/full", names, 1, 2, err, sizeof(err));
	if (!ok(x != NULL, "/dev/full opens"))
		return;
	ok(!td_export_close(x, err, sizeof(err)) && strstr(err, "cannot write") && strstr(err, "No space"),
	   "a full disk: close fails with the reason (%s)", err);
}

int main(void)
{
	char path[] = "/tmp/t_export.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 99;
	close(fd);
	two_packets(path);
	caps(path);
	errors();
	unlink(path);
	return done_testing();
}
