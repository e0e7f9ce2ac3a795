/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slides' TCP segment: source and destination port, sequence and
 * acknowledgement numbers, data offset ("length" of the header in 32-bit
 * words), the flags, the receive window, a checksum over the IPv4
 * pseudo-header, the urgent pointer and options (MSS, window scale).
 *
 * Decoding never trusts the input: a truncated segment, a bad data
 * offset, a bad option, an oversized segment or a bad checksum is
 * refused with its reason, and the caller counts it and drops it.
 */
#ifndef TTP_SEGMENT_H
#define TTP_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TTP_FIN		0x01
#define TTP_SYN		0x02
#define TTP_RST		0x04
#define TTP_PSH		0x08
#define TTP_ACK		0x10
#define TTP_URG		0x20

#define TTP_HDR_MIN	20	/* "just 20 bytes" without options */
#define TTP_HDR_MAX	60	/* data offset is 4 bits of 32-bit words */
/* An IPv4 packet is at most 65535 bytes, 20 of them the IP header. */
#define TTP_SEG_MAX	(65535 - 20)
#define TTP_PROTO_TCP	6	/* "Protocol ID of TCP = 6" */
#define TTP_WSCALE_MAX	14	/* RFC 7323 */

enum ttp_seg_err {
	TTP_SEG_OK,
	TTP_SEG_TRUNCATED,	/* shorter than the header says */
	TTP_SEG_BAD_OFFSET,	/* data offset < 5 words or past the end */
	TTP_SEG_BAD_OPTION,	/* option length runs off the header */
	TTP_SEG_OVERSIZED,	/* larger than an IPv4 packet can carry */
	TTP_SEG_BAD_CHECKSUM,
	TTP_SEG_NR_ERRS,
};

struct ttp_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;		/* the 16-bit field as sent (unscaled) */
	uint16_t urg;
	uint16_t mss;		/* MSS option; 0 = absent */
	int8_t wscale;		/* window scale option; -1 = absent */
	const uint8_t *data;	/* payload */
	uint32_t len;		/* payload bytes */
};

/* Header bytes @s needs (20 plus its options, padded to 32 bits). */
size_t ttp_seg_hdr_len(const struct ttp_seg *s);

/*
 * Write the header in front of a payload that is already at
 * buf + ttp_seg_hdr_len(s) (s->len bytes) and fill in the checksum.
 * Addresses are IPv4 in host byte order (for the pseudo-header).
 */
void ttp_seg_write_hdr(const struct ttp_seg *s, uint32_t saddr,
		       uint32_t daddr, uint8_t *buf);

/* Copy s->data and write the header; returns bytes, 0 if @cap is short. */
size_t ttp_seg_encode(const struct ttp_seg *s, uint32_t saddr,
		      uint32_t daddr, uint8_t *buf, size_t cap);

/* Parse and verify; s->data points into @buf.  Returns enum ttp_seg_err. */
int ttp_seg_decode(const uint8_t *buf, size_t len, uint32_t saddr,
		   uint32_t daddr, struct ttp_seg *s);

/* Internet checksum (RFC 1071) over pseudo-header + segment, big endian. */
uint16_t ttp_tcp_checksum(const uint8_t *seg, size_t len, uint32_t saddr,
			  uint32_t daddr);

/*
 * The RST that answers @in, a segment no connection wants (RFC 793's
 * reset generation): false when @in is itself a RST.
 */
bool ttp_seg_rst_for(const struct ttp_seg *in, struct ttp_seg *rst);

const char *ttp_seg_err_name(int err);

/* "SYN,ACK" style flag names into @buf. */
const char *ttp_flags_str(uint8_t flags, char *buf, size_t len);

#endif
