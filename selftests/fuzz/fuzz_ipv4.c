// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the TUN link's packet parser, IPv4 then TCP, fed
 * arbitrary bytes.  A refused packet must name its reason; an accepted
 * one must lie inside the buffer, and its segment must survive being
 * written back out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttp/ipv4.h"
#include "ttp/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];
	struct ttp_ipv4 ip, again;
	struct ttp_seg s, t;
	size_t n;
	int err = ttp_ipv4_decode(data, size, &ip);

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
