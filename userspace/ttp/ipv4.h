/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv4 header around a segment, for a link that carries whole IP
 * packets (a TUN device): version 4, a 20-byte header without options
 * when we send, the header checksum, protocol 6 ("Protocol ID of
 * TCP = 6").  Decoding never trusts the input: a truncated packet, a bad
 * header length or total length, a bad checksum, a fragment or another
 * protocol is refused with its reason, and the caller counts it and
 * drops it.
 */
#ifndef TTP_IPV4_H
#define TTP_IPV4_H

#include <stddef.h>
#include <stdint.h>

#define TTP_IPV4_HDR	20	/* without options */
#define TTP_IPV4_TTL	64

enum ttp_ipv4_err {
	TTP_IPV4_OK,
	TTP_IPV4_TRUNCATED,	/* shorter than a header or than it says */
	TTP_IPV4_NOT_V4,	/* version field is not 4 */
	TTP_IPV4_BAD_IHL,	/* header length < 20 bytes or past the end */
	TTP_IPV4_BAD_CHECKSUM,
	TTP_IPV4_FRAGMENT,	/* we do not reassemble: MF or an offset */
	TTP_IPV4_NOT_TCP,
	TTP_IPV4_NR_ERRS,
};

struct ttp_ipv4 {
	uint32_t saddr, daddr;		/* host byte order */
	uint8_t proto, ttl;
	uint16_t id;
	const uint8_t *payload;		/* points into the packet */
	size_t len;			/* payload bytes (total length - IHL) */
};

/*
 * Write a 20-byte header in front of @payload_len bytes that are already
 * at buf + TTP_IPV4_HDR; returns the packet's length, 0 when it would be
 * longer than an IPv4 packet can be.
 */
size_t ttp_ipv4_write_hdr(uint8_t *buf, uint32_t saddr, uint32_t daddr,
			  uint16_t id, size_t payload_len);

/* Parse and verify a packet; returns enum ttp_ipv4_err. */
int ttp_ipv4_decode(const uint8_t *buf, size_t len, struct ttp_ipv4 *ip);

/* RFC 1071 over a header, as it is on the wire (0 when it verifies). */
uint16_t ttp_ipv4_checksum(const uint8_t *hdr, size_t len);

const char *ttp_ipv4_err_name(int err);

#endif
