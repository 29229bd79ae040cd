/*
 * The scale series' source: a generated capture written COPIES times to
 * standard output as one pcap, each copy's connections made distinct (the
 * second octet of the 10.0.0.0/8 client address becomes the copy number,
 * checksums updated incrementally, RFC 1624) and later in time. It streams
 * at memory speed, so a 4 GB input needs no disk and no Python in the pipe.
 * usage: pcap_repeat FILE COPIES   (classic pcap, Ethernet, as gen-capture.py writes)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	rewind(fp);
	uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
	if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(fp);
	*len = (size_t)n;
	return b;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), the checksum at p (big-endian). */
static void csum_replace(uint8_t *p, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~((p[0] << 8) | p[1]) + (uint16_t)~old + new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	uint16_t c = (uint16_t)~s;
	p[0] = (uint8_t)(c >> 8);
	p[1] = (uint8_t)c;
}

/* Make one Ethernet/IPv4/TCP packet belong to copy k. */
static void stamp(uint8_t *pkt, uint32_t caplen, unsigned k)
{
	if (caplen < 14 + 20 + 18 || pkt[12] != 0x08 || pkt[13] != 0x00)
		return;
	uint8_t *ip = pkt + 14;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	for (int a = 12; a <= 16; a += 4) {
		if (ip[a] != 10)
			continue;
		uint16_t old = (uint16_t)(ip[a] << 8 | ip[a + 1]), new = (uint16_t)(10 << 8 | (k & 255));
		ip[a + 1] = (uint8_t)k;
		csum_replace(ip + 10, old, new);
		if (ip[9] == 6 && caplen >= 14 + ihl + 18)
			csum_replace(ip + ihl + 16, old, new);
	}
}

int main(int argc, char **argv)
{
	size_t len;
	if (argc != 3) {
		fprintf(stderr, "usage: pcap_repeat FILE COPIES\n");
		return 2;
	}
	unsigned copies = (unsigned)atoi(argv[2]);
	uint8_t *b = slurp(argv[1], &len);
	if (!b || len < 24 || copies < 1 || copies > 256) {
		fprintf(stderr, "pcap_repeat: cannot read %s (or COPIES not 1..256)\n", argv[1]);
		return 2;
	}
	uint8_t *work = malloc(len);
	uint32_t first = 0, last = 0;
	if (len >= 40) {
		memcpy(&first, b + 24, 4);
		for (size_t off = 24; off + 16 <= len;) {
			uint32_t incl;
			memcpy(&last, b + off, 4);
			memcpy(&incl, b + off + 8, 4);
			off += 16 + incl;
		}
	}
	uint32_t span = last - first + 2; /* seconds between the copies' starts */
	fwrite(b, 1, 24, stdout);
	for (unsigned k = 0; k < copies; k++) {
		memcpy(work, b, len);
		for (size_t off = 24; off + 16 <= len;) {
			uint32_t sec, incl;
			memcpy(&sec, work + off, 4);
			memcpy(&incl, work + off + 8, 4);
			if (off + 16 + incl > len)
				break;
			sec += k * span;
			memcpy(work + off, &sec, 4);
			stamp(work + off + 16, incl, k);
			off += 16 + incl;
		}
		if (fwrite(work + 24, 1, len - 24, stdout) != len - 24)
			return 1;
	}
	free(work);
	free(b);
	return fflush(stdout) == 0 ? 0 : 1;
}
