/* Compressed capture files (gzip, zstd), read as Wireshark reads them:
 * the first bytes say what the file is, never its name. libpcap reads only
 * plain pcap and pcapng from a FILE, so a compressed one is given to it as
 * a FILE whose reads decompress (fopencookie): one stream buffer, one
 * decompressor, memory bounded whatever the file's size. A damaged or cut
 * stream fails the read with a reason of its own, kept for the error line;
 * every packet before the damage has been read by then. */
#ifndef TLSDIAG_CAPTURE_DECOMP_H
#define TLSDIAG_CAPTURE_DECOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum td_codec {
	TD_CODEC_NONE,  /* not compressed (or not recognised: libpcap says what it is) */
	TD_CODEC_GZIP,
	TD_CODEC_ZSTD,
	TD_CODEC_XZ,    /* recognised, not read: the error says how to decompress it */
	TD_CODEC_BZIP2,
	TD_CODEC_LZ4,
};

/* Bytes enough to tell every codec above. */
#define TD_DECOMP_SNIFF 6

/* What these first n bytes of a file say it is compressed with. */
enum td_codec td_decomp_sniff(const uint8_t *b, size_t n);
/* "gzip", "zstd"...; NULL for TD_CODEC_NONE. */
const char *td_decomp_name(enum td_codec c);

struct td_decomp;

/* A FILE reading raw through codec c (TD_CODEC_NONE: as it is). pre holds
 * npre bytes already read from raw (what was sniffed on a pipe); they come
 * first. raw is closed with the returned FILE when own_raw, else left open
 * (stdin). *d, valid until that fclose, answers the questions below. NULL
 * with a one-line reason in err (a codec this build lacks, no memory). */
FILE *td_decomp_wrap(FILE *raw, bool own_raw, enum td_codec c, const uint8_t *pre, size_t npre,
		     struct td_decomp **d, char *err, size_t errlen);
/* Open path and wrap it when its first bytes say it is compressed; a plain
 * file is the FILE itself (*d NULL). NULL with the reason in err. */
FILE *td_decomp_fopen(const char *path, struct td_decomp **d, char *err, size_t errlen);
/* The codec it reads. */
enum td_codec td_decomp_codec(const struct td_decomp *d);
/* Why the last read failed (a cut or damaged stream), or NULL. */
const char *td_decomp_error(const struct td_decomp *d);
/* Compressed bytes taken from raw so far, the sniffed ones included. */
uint64_t td_decomp_consumed(const struct td_decomp *d);

#endif
