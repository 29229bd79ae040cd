/*
 * Fuzz target: td_tls_snap_segment(), the record-head reader for segments
 * cut by the snap length, then every reader of the facts. The input is a
 * script of segments, each: direction and flags (1 byte: bit 0 server,
 * bit 1 cut), sequence-number step (2 bytes, signed: retransmissions and
 * gaps), bytes past the snap length (2 bytes), captured length (1 byte),
 * then that many captured bytes. Each segment's captured bytes are an
 * exact-size heap copy: a read past them is a read past the heap block.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tlsdiag/packet.h"
#include "tlsdiag/tls.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct td_facts *f = td_facts_new();
	struct td_tls_snap *s = td_tls_snap_new();
	if (!f || !s)
		abort();
	f->tcp.client_ip.family = f->tcp.server_ip.family = 4;
	f->tcp.server_port = 443;
	uint32_t seq[2] = { 1000, 5000000 };
	uint64_t frame = 1;
	size_t i = 0;
	while (i + 6 <= size) {
		uint8_t ctl = data[i];
		int16_t step = (int16_t)(data[i + 1] << 8 | data[i + 2]);
		size_t extra = (size_t)data[i + 3] << 8 | data[i + 4];
		size_t cap = data[i + 5];
		i += 6;
		if (cap > size - i)
			cap = size - i;
		uint8_t *seg = malloc(cap ? cap : 1);
		if (!seg)
			abort();
		memcpy(seg, data + i, cap);
		i += cap;
		enum td_dir dir = (ctl & 1) ? TD_DIR_S2C : TD_DIR_C2S;
		struct td_pkt p = { .frame = frame++, .ts = 1.0 + (double)frame / 1000, .payload = seg,
				    .payload_len = cap, .payload_wire_len = cap + extra,
				    .cut = (ctl & 2) != 0, .seq = seq[dir] + (uint32_t)(int32_t)step };
		td_tls_snap_segment(s, f, dir, &p);
		seq[dir] = p.seq + (uint32_t)p.payload_wire_len;
		free(seg);
	}
	td_tls_snap_free(s);
	fuzz_finish(f, NULL, NULL);
	td_facts_free(f);
	return 0;
}
