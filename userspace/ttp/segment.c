// SPDX-License-Identifier: GPL-2.0
/* TCP segment encode/decode with the pseudo-header checksum. */
#include "ttp/segment.h"

#include <stdio.h>
#include <string.h>

#include "ttp/wire.h"

/*
 * One's complement sum of big-endian 16-bit words.  Summing native 32-bit
 * loads and swapping once at the end gives the same result (RFC 1071
 * byte-order independence) and is what keeps 64 kB segments cheap.
 */
uint32_t ttp_sum16(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	uint32_t w;
	uint16_t s;

	while (len >= 4) {
		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };
		uint16_t h;

		memcpy(&h, last, 2);
		sum += h;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	s = (uint16_t)sum;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = (uint16_t)(s >> 8 | s << 8);
#endif
	return s;
}

uint16_t ttp_tcp_checksum(const uint8_t *seg, size_t len, uint32_t saddr,
			  uint32_t daddr)
{
	uint64_t sum;

	/* pseudo-header: addresses, zero, protocol, segment length */
	sum = (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) +
	      (daddr & 0xffff) + TTP_PROTO_TCP + (uint32_t)len;
	sum += ttp_sum16(seg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t ttp_seg_hdr_len(const struct ttp_seg *s)
{
	size_t n = TTP_HDR_MIN;

	if (s->mss)
		n += 4;
	if (s->wscale >= 0)
		n += 4;		/* NOP + 3-byte option */
	return n;
}

void ttp_seg_write_hdr(const struct ttp_seg *s, uint32_t saddr,
		       uint32_t daddr, uint8_t *buf)
{
	size_t hl = ttp_seg_hdr_len(s);
	uint8_t *o = buf + TTP_HDR_MIN;

	ttp_put16(buf, s->sport);
	ttp_put16(buf + 2, s->dport);
	ttp_put32(buf + 4, s->seq);
	ttp_put32(buf + 8, s->ack);
	buf[12] = (uint8_t)((hl / 4) << 4);	/* 6 reserved bits are zero */
	buf[13] = s->flags & 0x3f;
	ttp_put16(buf + 14, s->wnd);
	ttp_put16(buf + 16, 0);
	ttp_put16(buf + 18, s->urg);
	if (s->mss) {
		o[0] = 2;
		o[1] = 4;
		ttp_put16(o + 2, s->mss);
		o += 4;
	}
	if (s->wscale >= 0) {
		o[0] = 1;
		o[1] = 3;
		o[2] = 3;
		o[3] = (uint8_t)s->wscale;
	}
	ttp_put16(buf + 16, ttp_tcp_checksum(buf, hl + s->len, saddr, daddr));
}

size_t ttp_seg_encode(const struct ttp_seg *s, uint32_t saddr,
		      uint32_t daddr, uint8_t *buf, size_t cap)
{
	size_t hl = ttp_seg_hdr_len(s);

	if (hl + s->len > cap || hl + s->len > TTP_SEG_MAX)
		return 0;
	if (s->len)
		memmove(buf + hl, s->data, s->len);
	ttp_seg_write_hdr(s, saddr, daddr, buf);
	return hl + s->len;
}

static int parse_options(const uint8_t *o, size_t n, struct ttp_seg *s)
{
	size_t i = 0;

	while (i < n) {
		uint8_t kind = o[i], olen;

		if (kind == 0)		/* end of option list */
			break;
		if (kind == 1) {	/* no-operation (padding) */
			i++;
			continue;
		}
		if (i + 1 >= n)
			return TTP_SEG_BAD_OPTION;
		olen = o[i + 1];
		if (olen < 2 || i + olen > n)
			return TTP_SEG_BAD_OPTION;
		if (kind == 2) {
			if (olen != 4)
				return TTP_SEG_BAD_OPTION;
			s->mss = ttp_get16(o + i + 2);
		} else if (kind == 3) {
			if (olen != 3)
				return TTP_SEG_BAD_OPTION;
			/* RFC 7323: larger shifts are treated as 14 */
			s->wscale = (int8_t)(o[i + 2] > TTP_WSCALE_MAX ?
					     TTP_WSCALE_MAX : o[i + 2]);
		}
		i += olen;
	}
	return TTP_SEG_OK;
}

int ttp_seg_decode(const uint8_t *buf, size_t len, uint32_t saddr,
		   uint32_t daddr, struct ttp_seg *s)
{
	size_t hl;
	int err;

	memset(s, 0, sizeof(*s));
	s->wscale = -1;
	if (len > TTP_SEG_MAX)
		return TTP_SEG_OVERSIZED;
	if (len < TTP_HDR_MIN)
		return TTP_SEG_TRUNCATED;
	hl = (size_t)(buf[12] >> 4) * 4;
	if (hl < TTP_HDR_MIN || hl > len)
		return TTP_SEG_BAD_OFFSET;
	if (ttp_tcp_checksum(buf, len, saddr, daddr) != 0)
		return TTP_SEG_BAD_CHECKSUM;
	s->sport = ttp_get16(buf);
	s->dport = ttp_get16(buf + 2);
	s->seq = ttp_get32(buf + 4);
	s->ack = ttp_get32(buf + 8);
	s->flags = buf[13] & 0x3f;
	s->wnd = ttp_get16(buf + 14);
	s->urg = ttp_get16(buf + 18);
	err = parse_options(buf + TTP_HDR_MIN, hl - TTP_HDR_MIN, s);
	if (err)
		return err;
	s->data = buf + hl;
	s->len = (uint32_t)(len - hl);
	return TTP_SEG_OK;
}

bool ttp_seg_rst_for(const struct ttp_seg *in, struct ttp_seg *rst)
{
	if (in->flags & TTP_RST)
		return false;
	memset(rst, 0, sizeof(*rst));
	rst->sport = in->dport;
	rst->dport = in->sport;
	rst->wscale = -1;
	if (in->flags & TTP_ACK) {
		/* the peer says what it expects: our RST is believed */
		rst->seq = in->ack;
		rst->flags = TTP_RST;
	} else {
		/* no ACK to go by: acknowledge what it sent instead */
		rst->ack = in->seq + in->len + !!(in->flags & TTP_SYN) +
			   !!(in->flags & TTP_FIN);
		rst->flags = TTP_RST | TTP_ACK;
	}
	return true;
}

const char *ttp_seg_err_name(int err)
{
	static const char *const names[TTP_SEG_NR_ERRS] = {
		[TTP_SEG_OK] = "ok",
		[TTP_SEG_TRUNCATED] = "truncated",
		[TTP_SEG_BAD_OFFSET] = "bad_offset",
		[TTP_SEG_BAD_OPTION] = "bad_option",
		[TTP_SEG_OVERSIZED] = "oversized",
		[TTP_SEG_BAD_CHECKSUM] = "bad_checksum",
	};

	return err >= 0 && err < TTP_SEG_NR_ERRS ? names[err] : "?";
}

const char *ttp_flags_str(uint8_t flags, char *buf, size_t len)
{
	static const char *const names[] = {
		"FIN", "SYN", "RST", "PSH", "ACK", "URG",
	};
	size_t off = 0;
	int i;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < 6; i++) {
		int n;

		if (!(flags & (1u << i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
			     names[i]);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}
