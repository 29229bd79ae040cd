/*
 * Compressed captures (include/tlsdiag/capture_decomp.h): a FILE whose
 * reads decompress, for libpcap. The read function fills libpcap's request
 * from a fixed input buffer through zlib or libzstd; when the stream is cut
 * or damaged it returns what it decompressed before the damage, then fails
 * with EIO, and keeps the reason for the error line (libpcap's own would
 * be "Input/output error").
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if HAVE_ZLIB
#include <zlib.h>
#endif
#if HAVE_ZSTD
#include <zstd.h>
#endif
#include "tlsdiag/capture_decomp.h"

#define IN_BUF (1 << 16) /* compressed bytes read from the file at a time */

struct td_decomp {
	FILE *raw;
	bool own_raw;
	enum td_codec codec;
	uint8_t pre[TD_DECOMP_SNIFF];
	size_t npre, pre_at;
	uint8_t *in;             /* IN_BUF bytes; in_at..in_len not yet decompressed */
	size_t in_at, in_len;
	bool raw_eof;
	bool stream_end;         /* the last stream ended cleanly (nothing half-read) */
	uint64_t consumed;
	char error[160];         /* set once: later reads fail at once */
#if HAVE_ZLIB
	z_stream z;
	bool z_init;
#endif
#if HAVE_ZSTD
	ZSTD_DStream *zs;
#endif
};

static const struct {
	enum td_codec codec;
	const char *name;
	const char *magic;
	size_t len;
	const char *hint; /* what to do when this build cannot read it */
} codecs[] = {
	{ TD_CODEC_GZIP, "gzip", "\x1f\x8b", 2, "gunzip it first" },
	{ TD_CODEC_ZSTD, "zstd", "\x28\xb5\x2f\xfd", 4, "unzstd it first" },
	{ TD_CODEC_XZ, "xz", "\xfd" "7zXZ\0", 6, "unxz it first" },
	{ TD_CODEC_BZIP2, "bzip2", "BZh", 3, "bunzip2 it first" },
	{ TD_CODEC_LZ4, "lz4", "\x04\x22\x4d\x18", 4, "unlz4 it first" },
};

enum td_codec td_decomp_sniff(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (n >= codecs[i].len && memcmp(b, codecs[i].magic, codecs[i].len) == 0)
			return codecs[i].codec;
	return TD_CODEC_NONE;
}

const char *td_decomp_name(enum td_codec c)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i].codec == c)
			return codecs[i].name;
	return NULL;
}

static const char *hint(enum td_codec c)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i].codec == c)
			return codecs[i].hint;
	return "";
}

enum td_codec td_decomp_codec(const struct td_decomp *d)
{
	return d->codec;
}

const char *td_decomp_error(const struct td_decomp *d)
{
	return d && d->error[0] ? d->error : NULL;
}

uint64_t td_decomp_consumed(const struct td_decomp *d)
{
	return d ? d->consumed : 0;
}

/* "truncated gzip data: ...": kept for the error line. The bytes
 * decompressed before the damage are returned first; the next read fails. */
static ssize_t fail(struct td_decomp *d, size_t done, const char *kind, const char *detail)
{
	snprintf(d->error, sizeof(d->error), "%s %s data: %s", kind, td_decomp_name(d->codec), detail);
	if (done)
		return (ssize_t)done;
	errno = EIO;
	return -1;
}

/* At least need compressed bytes ahead when the file has them: what is
 * left moves to the front, the sniffed bytes come first. False on a read
 * error (the reason kept). */
static bool refill(struct td_decomp *d, size_t need)
{
	size_t left = d->in_len - d->in_at;
	if (left >= need || d->raw_eof)
		return true;
	memmove(d->in, d->in + d->in_at, left);
	d->in_at = 0;
	d->in_len = left;
	if (d->pre_at < d->npre) {
		memcpy(d->in + d->in_len, d->pre + d->pre_at, d->npre - d->pre_at);
		d->in_len += d->npre - d->pre_at;
		d->consumed += d->npre - d->pre_at;
		d->pre_at = d->npre;
	}
	size_t got = fread(d->in + d->in_len, 1, IN_BUF - d->in_len, d->raw);
	d->in_len += got;
	d->consumed += got;
	if (got == 0) {
		if (ferror(d->raw)) {
			snprintf(d->error, sizeof(d->error), "cannot read the %s data: %s", td_decomp_name(d->codec),
				 strerror(errno ? errno : EIO));
			return false;
		}
		d->raw_eof = true;
	}
	return true;
}

/* Not compressed (a pipe that was sniffed): the sniffed bytes, then raw. */
static ssize_t read_plain(struct td_decomp *d, char *buf, size_t size)
{
	size_t n = 0;
	if (d->pre_at < d->npre) {
		n = d->npre - d->pre_at < size ? d->npre - d->pre_at : size;
		memcpy(buf, d->pre + d->pre_at, n);
		d->pre_at += n;
	}
	size_t got = n < size ? fread(buf + n, 1, size - n, d->raw) : 0;
	d->consumed += n + got;
	if (got == 0 && n == 0 && ferror(d->raw)) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)(n + got);
}

#if HAVE_ZLIB
/* gzip members one after the other (as gzip -d reads them); bytes after
 * the last member that do not start another are ignored, as gzip does. */
static ssize_t read_gzip(struct td_decomp *d, char *buf, size_t size)
{
	size_t done = 0;
	while (done < size) {
		if (!refill(d, 2))
			return done ? (ssize_t)done : (errno = EIO, -1);
		if (d->in_at == d->in_len) { /* the file ended */
			if (d->stream_end)
				return (ssize_t)done;
			return fail(d, done, "truncated", "the file ends inside the compressed stream");
		}
		if (d->stream_end) { /* another member, or trailing bytes */
			if (d->in_len - d->in_at < 2 || d->in[d->in_at] != 0x1f || d->in[d->in_at + 1] != 0x8b) {
				d->in_at = d->in_len;
				d->raw_eof = true;
				return (ssize_t)done;
			}
			inflateReset(&d->z);
			d->stream_end = false;
		}
		d->z.next_in = d->in + d->in_at;
		d->z.avail_in = (uInt)(d->in_len - d->in_at);
		d->z.next_out = (Bytef *)buf + done;
		d->z.avail_out = (uInt)(size - done);
		int rc = inflate(&d->z, Z_NO_FLUSH);
		d->in_at = d->in_len - d->z.avail_in;
		done = size - d->z.avail_out;
		if (rc == Z_STREAM_END)
			d->stream_end = true;
		else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
			return fail(d, done, "corrupt", d->z.msg ? d->z.msg : "invalid data");
		else if (rc == Z_MEM_ERROR)
			return fail(d, done, "cannot decompress the", "out of memory");
	}
	return (ssize_t)done;
}
#endif

#if HAVE_ZSTD
/* zstd frames one after the other (skippable frames are skipped). */
static ssize_t read_zstd(struct td_decomp *d, char *buf, size_t size)
{
	ZSTD_outBuffer out = { .dst = buf, .size = size, .pos = 0 };
	while (out.pos < size) {
		if (!refill(d, 1))
			return out.pos ? (ssize_t)out.pos : (errno = EIO, -1);
		if (d->in_at == d->in_len) {
			if (d->stream_end)
				break;
			return fail(d, out.pos, "truncated", "the file ends inside the compressed stream");
		}
		ZSTD_inBuffer in = { .src = d->in, .size = d->in_len, .pos = d->in_at };
		size_t rc = ZSTD_decompressStream(d->zs, &out, &in);
		d->in_at = in.pos;
		if (ZSTD_isError(rc))
			return fail(d, out.pos, "corrupt", ZSTD_getErrorName(rc));
		/* 0: a frame ended and all of it is out. Anything else: more to come. */
		d->stream_end = rc == 0;
	}
	return (ssize_t)out.pos;
}
#endif

static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
	struct td_decomp *d = cookie;
	if (d->error[0]) {
		errno = EIO;
		return -1;
	}
	switch (d->codec) {
#if HAVE_ZLIB
	case TD_CODEC_GZIP: return read_gzip(d, buf, size);
#endif
#if HAVE_ZSTD
	case TD_CODEC_ZSTD: return read_zstd(d, buf, size);
#endif
	default: return read_plain(d, buf, size);
	}
}

static void release(struct td_decomp *d)
{
#if HAVE_ZLIB
	if (d->z_init)
		inflateEnd(&d->z);
#endif
#if HAVE_ZSTD
	ZSTD_freeDStream(d->zs);
#endif
	if (d->own_raw && d->raw)
		fclose(d->raw);
	free(d->in);
	free(d);
}

static int cookie_close(void *cookie)
{
	release(cookie);
	return 0;
}

/* The decompressor for d->codec; false with the reason in err. */
static bool start(struct td_decomp *d, char *err, size_t errlen)
{
	const char *name = td_decomp_name(d->codec);
	const char *lib = NULL; /* the library this build lacks */
	switch (d->codec) {
	case TD_CODEC_NONE:
		return true;
	case TD_CODEC_GZIP:
#if HAVE_ZLIB
		/* 16 + MAX_WBITS: a gzip wrapper, its CRC and length checked. */
		if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK)
			break;
		d->z_init = true;
		return true;
#else
		lib = "zlib";
		break;
#endif
	case TD_CODEC_ZSTD:
#if HAVE_ZSTD
		/* The default window limit (128 MiB) bounds the memory a file can ask for. */
		if (!(d->zs = ZSTD_createDStream()) || ZSTD_isError(ZSTD_initDStream(d->zs)))
			break;
		return true;
#else
		lib = "zstd";
		break;
#endif
	default:
		snprintf(err, errlen, "%s-compressed, which tlsdiag does not read (it reads gzip and zstd): %s",
			 name, hint(d->codec));
		return false;
	}
	if (lib)
		snprintf(err, errlen, "%s-compressed, and this tlsdiag was built without %s: %s", name, lib,
			 hint(d->codec));
	else
		snprintf(err, errlen, "cannot start the %s decompressor (out of memory)", name);
	return false;
}

FILE *td_decomp_wrap(FILE *raw, bool own_raw, enum td_codec c, const uint8_t *pre, size_t npre,
		     struct td_decomp **out, char *err, size_t errlen)
{
	struct td_decomp *d = calloc(1, sizeof(*d));
	*out = NULL;
	if (!d || npre > sizeof(d->pre) || !(d->in = malloc(IN_BUF))) {
		snprintf(err, errlen, "out of memory");
		free(d);
		return NULL;
	}
	d->raw = raw;
	d->codec = c;
	if (npre)
		memcpy(d->pre, pre, npre); /* pre may be NULL when npre is 0 */
	d->npre = npre;
	if (!start(d, err, errlen)) {
		release(d); /* raw not owned yet: the caller closes it */
		return NULL;
	}
	cookie_io_functions_t io = { .read = cookie_read, .close = cookie_close };
	FILE *fp = fopencookie(d, "rb", io);
	if (!fp) {
		snprintf(err, errlen, "%s", strerror(errno));
		release(d);
		return NULL;
	}
	d->own_raw = own_raw;
	*out = d;
	return fp;
}

FILE *td_decomp_fopen(const char *path, struct td_decomp **d, char *err, size_t errlen)
{
	uint8_t head[TD_DECOMP_SNIFF];
	*d = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	/* pread: the FILE's buffer and position stay untouched, so a plain
	 * file goes to libpcap as it is. */
	ssize_t n = pread(fileno(fp), head, sizeof(head), 0);
	enum td_codec c = n > 0 ? td_decomp_sniff(head, (size_t)n) : TD_CODEC_NONE;
	if (c == TD_CODEC_NONE)
		return fp;
	setvbuf(fp, NULL, _IONBF, 0); /* reads go straight into the input buffer */
	FILE *z = td_decomp_wrap(fp, true, c, NULL, 0, d, err, errlen);
	if (!z)
		fclose(fp);
	return z;
}
