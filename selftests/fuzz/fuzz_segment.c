// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the segment parser must refuse or accept any bytes
 * without reading out of bounds, and what it accepts must re-encode to
 * a segment that decodes to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttp/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[TTP_SEG_MAX];
	struct ttp_seg s, t;
	uint8_t *copy;
	size_t n;
	int err;

	/* exact-size copy: ASan sees any read past the end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	/* checksum failures would hide the rest: fix it up half the time */
	if (size >= 20 && (copy[0] & 1)) {
		uint16_t c;

		copy[16] = copy[17] = 0;
		c = ttp_tcp_checksum(copy, size, 1, 2);
		copy[16] = (uint8_t)(c >> 8);
		copy[17] = (uint8_t)c;
	}
	err = ttp_seg_decode(copy, size, 1, 2, &s);
	if (err == TTP_SEG_OK) {
		n = ttp_seg_encode(&s, 1, 2, out, sizeof(out));
		if (n && ttp_seg_decode(out, n, 1, 2, &t) != TTP_SEG_OK)
			abort();
		if (n && (t.seq != s.seq || t.ack != s.ack ||
			  t.flags != s.flags || t.wnd != s.wnd ||
			  t.len != s.len || t.mss != s.mss ||
			  t.wscale != s.wscale ||
			  memcmp(t.data, s.data, s.len)))
			abort();
	}
	free(copy);
	return 0;
}
