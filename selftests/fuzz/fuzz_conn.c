// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the connection state machine fed arbitrary segments
 * (valid checksums, so they get past the parser) and time steps, with
 * the application writing, reading and closing.  Invariants of the
 * sequence space and buffers are checked after every step.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttp/conn.h"
#include "ttp/listener.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct ttp_conn *c)
{
	if (!ttp_conn_consistent(c))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[2048], seg[2048], junk[4096];
	struct ttp_conn_cfg cfg;
	struct ttp_conn *c;
	struct ttp_syn_info si = { .raddr = 0x0a000002, .rport = 80,
				   .irs = 1000, .iss = 5000, .mss = 536,
				   .wscale = -1, .wnd = 4000 };
	uint64_t now = 0;
	size_t i = 0;

	if (size < 1)
		return 0;
	ttp_conn_cfg_default(&cfg);
	cfg.laddr = 0x0a000001;
	cfg.raddr = 0x0a000002;
	cfg.lport = 1000;
	cfg.rport = 80;
	cfg.mss = 536;
	cfg.rcvbuf = 3000;
	cfg.sndbuf = 4000;
	cfg.max_retries = 4;
	cfg.algo = data[0] % TEACH_NR_ALGOS;
	cfg.mode = (data[0] >> 2) & 1 ? TTP_MODE_SAW : TTP_MODE_GBN;
	c = ttp_conn_new(&cfg);
	if (!c)
		return 0;
	if (data[0] & 0x80)
		ttp_conn_accept_established(c, &si, now);
	else
		ttp_conn_connect(c, now);
	i = 1;
	while (i + 1 < size) {
		uint8_t op = data[i++], len = data[i++];
		uint16_t ck;

		switch (op & 7) {
		case 0:	/* a segment: up to 255 bytes as given */
		case 1:
		case 2:
			if (len > size - i)
				len = (uint8_t)(size - i);
			memcpy(seg, data + i, len);
			i += len;
			if (len >= 20 && !(op & 8)) {
				seg[0] = 0;	/* from port 80 to 1000 */
				seg[1] = 80;
				seg[2] = 1000 >> 8;
				seg[3] = 1000 & 0xff;
				seg[16] = seg[17] = 0;
				ck = ttp_tcp_checksum(seg, len, cfg.raddr,
						      cfg.laddr);
				seg[16] = (uint8_t)(ck >> 8);
				seg[17] = (uint8_t)ck;
			}
			ttp_conn_input(c, seg, len, now);
			break;
		case 3:
			now += (uint64_t)len * 10000;
			if (ttp_conn_next_timer(c) <= now)
				ttp_conn_on_timer(c, now);
			break;
		case 4:
			ttp_conn_write(c, junk, (size_t)len * 16);
			break;
		case 5:
			ttp_conn_read(c, junk, (size_t)len * 16, now);
			break;
		case 6:
			if (len & 1)
				ttp_conn_close(c);
			else if (len == 254)
				ttp_conn_abort(c, now);
			break;
		default:
			break;
		}
		while (ttp_conn_output(c, now, out, sizeof(out)))
			;
		check(c);
	}
	ttp_conn_free(c);
	return 0;
}
