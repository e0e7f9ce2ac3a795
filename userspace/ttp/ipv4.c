// SPDX-License-Identifier: GPL-2.0
/* The IPv4 header for the TUN link (see ipv4.h). */
#include "ttp/ipv4.h"

#include <string.h>

#include "ttp/wire.h"

#define IP_MAX		65535	/* the 16-bit total length field */
#define IP_MF		0x2000	/* more fragments */
#define IP_OFFSET	0x1fff
#define PROTO_TCP	6

uint16_t ttp_ipv4_checksum(const uint8_t *hdr, size_t len)
{
	return (uint16_t)~ttp_sum16(hdr, len);
}

size_t ttp_ipv4_write_hdr(uint8_t *buf, uint32_t saddr, uint32_t daddr,
			  uint16_t id, size_t payload_len)
{
	size_t total = TTP_IPV4_HDR + payload_len;

	if (total > IP_MAX)
		return 0;
	buf[0] = 4 << 4 | TTP_IPV4_HDR / 4;	/* version, IHL in words */
	buf[1] = 0;				/* DSCP/ECN */
	ttp_put16(buf + 2, (uint16_t)total);
	ttp_put16(buf + 4, id);
	ttp_put16(buf + 6, 0x4000);			/* don't fragment */
	buf[8] = TTP_IPV4_TTL;
	buf[9] = PROTO_TCP;
	ttp_put16(buf + 10, 0);
	ttp_put32(buf + 12, saddr);
	ttp_put32(buf + 16, daddr);
	ttp_put16(buf + 10, ttp_ipv4_checksum(buf, TTP_IPV4_HDR));
	return total;
}

int ttp_ipv4_decode(const uint8_t *buf, size_t len, struct ttp_ipv4 *ip)
{
	size_t ihl, total;

	memset(ip, 0, sizeof(*ip));
	if (len < TTP_IPV4_HDR)
		return TTP_IPV4_TRUNCATED;
	if (buf[0] >> 4 != 4)
		return TTP_IPV4_NOT_V4;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < TTP_IPV4_HDR || ihl > len)
		return TTP_IPV4_BAD_IHL;
	total = ttp_get16(buf + 2);
	if (total < ihl)
		return TTP_IPV4_BAD_IHL;
	if (total > len)
		return TTP_IPV4_TRUNCATED;
	if (ttp_ipv4_checksum(buf, ihl))
		return TTP_IPV4_BAD_CHECKSUM;
	if (ttp_get16(buf + 6) & (IP_MF | IP_OFFSET))
		return TTP_IPV4_FRAGMENT;
	ip->id = ttp_get16(buf + 4);
	ip->ttl = buf[8];
	ip->proto = buf[9];
	ip->saddr = ttp_get32(buf + 12);
	ip->daddr = ttp_get32(buf + 16);
	if (ip->proto != PROTO_TCP)
		return TTP_IPV4_NOT_TCP;
	/* options are skipped; bytes past the total length are not ours */
	ip->payload = buf + ihl;
	ip->len = total - ihl;
	return TTP_IPV4_OK;
}

const char *ttp_ipv4_err_name(int err)
{
	static const char *const names[TTP_IPV4_NR_ERRS] = {
		[TTP_IPV4_OK] = "ok",
		[TTP_IPV4_TRUNCATED] = "truncated",
		[TTP_IPV4_NOT_V4] = "not_ipv4",
		[TTP_IPV4_BAD_IHL] = "bad_header_length",
		[TTP_IPV4_BAD_CHECKSUM] = "bad_checksum",
		[TTP_IPV4_FRAGMENT] = "fragment",
		[TTP_IPV4_NOT_TCP] = "not_tcp",
	};

	return err >= 0 && err < TTP_IPV4_NR_ERRS ? names[err] : "?";
}
