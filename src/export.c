/*
 * -w FILE: held packets written as pcapng (include/tlsdiag/export.h).
 *
 * The file is one section: a Section Header Block, then for every packet
 * an Enhanced Packet Block, preceded by an Interface Description Block the
 * first time its (input, link type) pair appears (pcapng lets IDBs come
 * anywhere before the packets that name them, so nothing is buffered for
 * them). Everything is little-endian and written field by field, so the
 * layout does not depend on the host. Timestamps are microseconds
 * (if_tsresol 6): the capture module hands them over as double seconds,
 * whose resolution at today's epoch is about 0.24 us, so a microsecond
 * capture is reproduced exactly and a nanosecond one is rounded to the
 * nearest microsecond.
 */
#include <errno.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/export.h"
#include "tlsdiag/memcap.h"
#include "config.h"

/* pcapng block types and option codes (draft-ietf-opsawg-pcapng). */
#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_TSRESOL 9
#define OPT_MAX_LEN 0xffffu /* an option's length is 16 bits */

/* libpcap's DLT_ values are LINKTYPE_ values except for a few whose DLT
 * differs by platform; a file needs the LINKTYPE. Rows for the link types
 * the link module decodes (no other packet reaches a flow). */
static const struct {
	int dlt;
	uint16_t linktype;
} dlt_linktype[] = {
	{ .dlt = DLT_RAW, .linktype = 101 },  /* LINKTYPE_RAW; DLT_RAW is 12 or 14 */
	{ .dlt = DLT_LOOP, .linktype = 108 }, /* LINKTYPE_LOOP; DLT_LOOP is 12 on OpenBSD */
};

struct held {
	uint64_t ts_us, frame;
	uint32_t file_index;
	uint16_t linktype;
	uint32_t caplen, wirelen;
	uint8_t data[];
};

struct td_pktlist {
	struct held **p;
	size_t n, cap;
	bool cut; /* a cap refused a packet: what is held is a prefix */
};

struct iface {
	uint32_t file_index;
	uint16_t linktype;
};

struct td_export {
	FILE *f;
	const char *const *names;
	size_t n_names;
	struct iface *ifaces; /* interface id = index */
	size_t n_ifaces, cap_ifaces;
	size_t max_held;
	int err; /* errno of the first failed write; 0 while all is well */
	uint64_t file_bytes; /* written to the current file (-C) */
	struct td_export_stats st;
};

/* --- Output: every write goes through out(), which keeps the first error --- */

static void out(struct td_export *x, const void *p, size_t n)
{
	if (x->err || n == 0)
		return;
	errno = 0;
	if (fwrite(p, 1, n, x->f) != n)
		x->err = errno ? errno : EIO;
	x->file_bytes += n;
}

static void out_u16(struct td_export *x, uint16_t v)
{
	const uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	out(x, b, sizeof(b));
}

static void out_u32(struct td_export *x, uint32_t v)
{
	const uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	out(x, b, sizeof(b));
}

/* Blocks and option values are padded to 32 bits with zeros. */
static size_t pad4(size_t n)
{
	return (4 - n % 4) % 4;
}

static void out_pad(struct td_export *x, size_t n)
{
	static const uint8_t zeros[4];
	out(x, zeros, pad4(n));
}

/* An option's bytes on the wire: code, length, value, padding. */
static size_t opt_size(size_t len)
{
	return 4 + len + pad4(len);
}

static void out_opt(struct td_export *x, uint16_t code, const void *value, size_t len)
{
	out_u16(x, code);
	out_u16(x, (uint16_t)len);
	out(x, value, len);
	out_pad(x, len);
}

/* A string option's length: the string, cut to what 16 bits can say. */
static size_t str_len(const char *s)
{
	size_t n = strlen(s);
	return n < OPT_MAX_LEN ? n : OPT_MAX_LEN;
}

/* --- Blocks ---------------------------------------------------------------- */

static void write_shb(struct td_export *x)
{
	static const char appl[] = "tlsdiag " PACKAGE_VERSION;
	size_t opts = opt_size(sizeof(appl) - 1) + 4;
	uint32_t total = (uint32_t)(28 + opts);
	out_u32(x, BT_SHB);
	out_u32(x, total);
	out_u32(x, BYTE_ORDER_MAGIC);
	out_u16(x, 1); /* version 1.0 */
	out_u16(x, 0);
	out_u32(x, 0xffffffffu); /* section length: not given (-1) */
	out_u32(x, 0xffffffffu);
	out_opt(x, SHB_USERAPPL, appl, sizeof(appl) - 1);
	out_u32(x, OPT_ENDOFOPT);
	out_u32(x, total);
}

/* '-' is standard input; an index beyond the names (a caller's slip) is "?". */
static const char *input_name(const struct td_export *x, uint32_t file_index)
{
	if (file_index >= x->n_names || !x->names[file_index])
		return "?";
	return strcmp(x->names[file_index], "-") ? x->names[file_index] : "(stdin)";
}

static void write_idb(struct td_export *x, const struct iface *i)
{
	static const uint8_t tsresol = 6; /* 10^-6 s */
	const char *name = input_name(x, i->file_index);
	size_t name_len = str_len(name);
	size_t opts = opt_size(name_len) + opt_size(1) + 4;
	uint32_t total = (uint32_t)(20 + opts);
	out_u32(x, BT_IDB);
	out_u32(x, total);
	out_u16(x, i->linktype);
	out_u16(x, 0); /* reserved */
	out_u32(x, TD_EXPORT_SNAPLEN);
	out_opt(x, IF_NAME, name, name_len);
	out_opt(x, IF_TSRESOL, &tsresol, 1);
	out_u32(x, OPT_ENDOFOPT);
	out_u32(x, total);
}

static void write_epb(struct td_export *x, uint32_t iface_id, const struct held *h, const char *comment)
{
	size_t comment_len = str_len(comment);
	size_t opts = opt_size(comment_len) + 4;
	uint32_t total = (uint32_t)(32 + h->caplen + pad4(h->caplen) + opts);
	out_u32(x, BT_EPB);
	out_u32(x, total);
	out_u32(x, iface_id);
	out_u32(x, (uint32_t)(h->ts_us >> 32));
	out_u32(x, (uint32_t)h->ts_us);
	out_u32(x, h->caplen);
	out_u32(x, h->wirelen);
	out(x, h->data, h->caplen);
	out_pad(x, h->caplen);
	out_opt(x, OPT_COMMENT, comment, comment_len);
	out_u32(x, OPT_ENDOFOPT);
	out_u32(x, total);
}

/* The interface id of a packet's (input, link type), its IDB written the
 * first time; false when no memory is left for one more interface. */
static bool iface_id(struct td_export *x, uint32_t file_index, uint16_t linktype, uint32_t *id)
{
	for (size_t i = 0; i < x->n_ifaces; i++) {
		if (x->ifaces[i].file_index == file_index && x->ifaces[i].linktype == linktype) {
			*id = (uint32_t)i;
			return true;
		}
	}
	if (x->n_ifaces == x->cap_ifaces) {
		size_t cap = x->cap_ifaces ? 2 * x->cap_ifaces : 4;
		struct iface *n = realloc(x->ifaces, cap * sizeof(*n));
		if (!n)
			return false;
		x->ifaces = n;
		x->cap_ifaces = cap;
	}
	struct iface *i = &x->ifaces[x->n_ifaces];
	*i = (struct iface){ .file_index = file_index, .linktype = linktype };
	write_idb(x, i);
	*id = (uint32_t)x->n_ifaces++;
	return true;
}

/* --- Holding ---------------------------------------------------------------- */

static uint16_t linktype_of(int dlt)
{
	for (size_t i = 0; i < sizeof(dlt_linktype) / sizeof(dlt_linktype[0]); i++)
		if (dlt_linktype[i].dlt == dlt)
			return dlt_linktype[i].linktype;
	return (uint16_t)dlt;
}

/* Seconds to microseconds, rounded. The fraction is taken apart from the
 * seconds first: ts * 1e6 in one step would lose a bit more precision. */
static uint64_t ts_micro(double ts)
{
	if (!(ts > 0)) /* also NaN */
		return 0;
	if (ts >= 18446744073708.0) /* about 2^64 microseconds */
		return UINT64_MAX;
	double sec = floor(ts);
	return (uint64_t)sec * 1000000u + (uint64_t)llround((ts - sec) * 1e6);
}

/* One more slot in the list, created on first use. */
static bool list_room(struct td_pktlist **list)
{
	struct td_pktlist *l = *list;
	if (!l && !(l = *list = calloc(1, sizeof(*l))))
		return false;
	if (l->n < l->cap)
		return true;
	size_t cap = l->cap ? 2 * l->cap : 16;
	struct held **p = realloc(l->p, cap * sizeof(*p));
	if (!p)
		return false;
	l->p = p;
	l->cap = cap;
	return true;
}

/* A cap refused a packet of this connection: mark it (an empty list if it
 * held nothing yet), so its comments say so and it holds no more. */
static bool refuse(struct td_pktlist **list)
{
	if (!*list)
		*list = calloc(1, sizeof(**list));
	if (*list)
		(*list)->cut = true;
	return false;
}

bool td_export_hold(struct td_export *x, struct td_pktlist **list, const struct td_export_pkt *p)
{
	if (x->err)
		return true;
	if ((*list && (*list)->cut) || x->st.held >= x->max_held || td_memcap_reached())
		return refuse(list);
	if (!list_room(list))
		return refuse(list);
	size_t caplen = p->caplen < TD_EXPORT_SNAPLEN ? p->caplen : TD_EXPORT_SNAPLEN;
	struct held *h = malloc(sizeof(*h) + caplen);
	if (!h)
		return refuse(list);
	*h = (struct held){ .ts_us = ts_micro(p->ts), .frame = p->frame, .file_index = p->file_index,
			    .linktype = linktype_of(p->dlt), .caplen = (uint32_t)caplen,
			    .wirelen = p->wirelen > UINT32_MAX ? UINT32_MAX : (uint32_t)p->wirelen };
	memcpy(h->data, p->data, caplen);
	(*list)->p[(*list)->n++] = h;
	if (++x->st.held > x->st.peak)
		x->st.peak = x->st.held;
	return true;
}

size_t td_export_count(const struct td_pktlist *list)
{
	return list ? list->n : 0;
}

void td_export_drop(struct td_export *x, struct td_pktlist **list)
{
	struct td_pktlist *l = *list;
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->p[i]);
	x->st.held -= l->n;
	free(l->p);
	free(l);
	*list = NULL;
}

/* --- Writing ------------------------------------------------------------------ */

void td_export_write(struct td_export *x, const struct td_pktlist *list, const struct td_export_label *label)
{
	char comment[8192];
	if (!list || list->n == 0 || x->err)
		return;
	for (size_t i = 0; i < list->n; i++) {
		const struct held *h = list->p[i];
		uint32_t id;
		if (!iface_id(x, h->file_index, h->linktype, &id)) {
			x->err = ENOMEM;
			return;
		}
		snprintf(comment, sizeof(comment), "tlsdiag #%u %s%s%s%s frame %llu of %s%s", label->conn,
			 label->category, label->windows_error ? " [" : "",
			 label->windows_error ? label->windows_error : "", label->windows_error ? "]" : "",
			 (unsigned long long)h->frame, input_name(x, h->file_index),
			 list->cut ? " (the connection's packets are incomplete: write-buffer cap)" : "");
		write_epb(x, id, h, comment);
		if (x->err)
			return;
		x->st.packets++;
	}
	x->st.connections++;
}

/* --- Open, stats, close ---------------------------------------------------------- */

struct td_export *td_export_open(const char *path, const char *const *names, size_t n_names, size_t max_held,
				 char *err, size_t errlen)
{
	struct td_export *x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->names = names;
	x->n_names = n_names;
	x->max_held = max_held;
	if (!(x->f = fopen(path, "wb"))) {
		snprintf(err, errlen, "cannot create: %s", strerror(errno));
		free(x);
		return NULL;
	}
	write_shb(x);
	return x;
}

/* Flush and close the current file, keeping its first error. */
static void close_file(struct td_export *x)
{
	errno = 0;
	if (fflush(x->f) != 0 && !x->err)
		x->err = errno ? errno : EIO;
	errno = 0;
	if (fclose(x->f) != 0 && !x->err)
		x->err = errno ? errno : EIO;
	x->f = NULL;
}

bool td_export_reopen(struct td_export *x, const char *path, char *err, size_t errlen)
{
	close_file(x);
	if (x->err) {
		snprintf(err, errlen, "cannot write: %s", strerror(x->err));
		return false;
	}
	if (!(x->f = fopen(path, "wb"))) {
		x->err = errno ? errno : EIO;
		snprintf(err, errlen, "cannot create: %s", strerror(x->err));
		return false;
	}
	/* A new file is a new section: its interfaces are described again. */
	x->n_ifaces = 0;
	x->file_bytes = 0;
	write_shb(x);
	return true;
}

uint64_t td_export_file_bytes(const struct td_export *x)
{
	return x->file_bytes;
}

void td_export_stats(const struct td_export *x, struct td_export_stats *st)
{
	*st = x->st;
}

bool td_export_close(struct td_export *x, char *err, size_t errlen)
{
	if (!x)
		return true;
	/* Buffered bytes meet the disk (and a full disk) at the flush. */
	if (x->f)
		close_file(x);
	int e = x->err;
	free(x->ifaces);
	free(x);
	if (!e)
		return true;
	snprintf(err, errlen, "cannot write: %s", strerror(e));
	return false;
}
