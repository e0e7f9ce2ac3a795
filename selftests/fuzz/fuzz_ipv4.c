// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the TUN link's packet path, IPv4 then TCP, fed
 * arbitrary bytes.  A refused packet must name its reason and be counted
 * by the link; an accepted one must lie inside the buffer, its segment
 * must survive being written back out, and a stray one is answered by a
 * RST that parses (never a RST to a RST).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttp/io.h"
#include "ttp/ipv4.h"
#include "ttp/segment.h"

static uint8_t answer[128];
static size_t answer_len;

static void keep(struct ttp_io *l)
{
	if (l->nout != 1 || l->out_len[0] > sizeof(answer))
		abort();
	memcpy(answer, l->out[0], l->out_len[0]);
	answer_len = l->out_len[0];
}

static int none(struct ttp_io *l)
{
	(void)l;
	return 0;
}

static const struct ttp_io_ops ops = { keep, none };

/* The link's own path: counted when refused, a RST when stray. */
static void through_the_link(const uint8_t *data, size_t size)
{
	static struct ttp_io l;
	static int ready;
	struct ttp_io_stats before;
	struct ttp_ipv4 ip;
	struct ttp_seg s, rst;
	uint64_t refused = 0, after = 0;
	int i;

	if (!ready) {
		if (ttp_io_init(&l, &ops, TTP_IPV4_HDR, 1520))
			abort();
		ready = 1;
	}
	l.ip_host = 1;
	before = l.st;
	for (i = 0; i < TTP_IPV4_NR_ERRS; i++)
		refused += before.ip_bad[i];
	refused += before.not_ours;
	if (size >= 20)		/* to whoever it is for: we are that host */
		l.laddr = (uint32_t)data[16] << 24 | data[17] << 16 |
			  data[18] << 8 | data[19];
	if (!ttp_io_unwrap(&l, 0, data, size)) {
		for (i = 0; i < TTP_IPV4_NR_ERRS; i++)
			after += l.st.ip_bad[i];
		if (after + l.st.not_ours != refused + 1)
			abort();	/* refused, and not counted once */
		return;
	}
	if (ttp_seg_decode(l.pkt[0].seg, l.pkt[0].len, l.pkt[0].saddr,
			   l.pkt[0].daddr, &s))
		return;
	answer_len = 0;
	if (ttp_io_answer_stray(&l, &s, l.pkt[0].saddr, l.pkt[0].daddr, 0) !=
	    !(s.flags & TTP_RST))
		abort();
	ttp_io_flush(&l);
	if (s.flags & TTP_RST)
		return;
	if (ttp_ipv4_decode(answer, answer_len, &ip) ||
	    ip.saddr != l.pkt[0].daddr || ip.daddr != l.pkt[0].saddr ||
	    ttp_seg_decode(ip.payload, ip.len, ip.saddr, ip.daddr, &rst) ||
	    !(rst.flags & TTP_RST) || rst.len || rst.sport != s.dport ||
	    rst.dport != s.sport)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];
	struct ttp_ipv4 ip, again;
	struct ttp_seg s, t;
	size_t n;
	int err = ttp_ipv4_decode(data, size, &ip);

	through_the_link(data, size);
	if (err < 0 || err >= TTP_IPV4_NR_ERRS)
		abort();
	if (err)
		return 0;
	if (ip.payload < data || ip.payload + ip.len > data + size)
		abort();
	if (ttp_seg_decode(ip.payload, ip.len, ip.saddr, ip.daddr, &s))
		return 0;
	/* our own packet of the same segment parses to the same fields */
	n = ttp_seg_encode(&s, ip.saddr, ip.daddr, out + TTP_IPV4_HDR,
			   sizeof(out) - TTP_IPV4_HDR);
	if (!n)
		abort();
	n = ttp_ipv4_write_hdr(out, ip.saddr, ip.daddr, ip.id, n);
	if (!n || ttp_ipv4_decode(out, n, &again) != TTP_IPV4_OK ||
	    again.saddr != ip.saddr || again.daddr != ip.daddr ||
	    ttp_seg_decode(again.payload, again.len, ip.saddr, ip.daddr, &t) ||
	    t.seq != s.seq || t.ack != s.ack || t.flags != s.flags ||
	    t.len != s.len || memcmp(t.data, s.data, s.len))
		abort();
	return 0;
}
