/* SPDX-License-Identifier: GPL-2.0 */
/* Big-endian fields and the Internet checksum's sum (RFC 1071). */
#ifndef TTP_WIRE_H
#define TTP_WIRE_H

#include <stddef.h>
#include <stdint.h>

static inline void ttp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ttp_put32(uint8_t *p, uint32_t v)
{
	ttp_put16(p, (uint16_t)(v >> 16));
	ttp_put16(p + 2, (uint16_t)v);
}

static inline uint16_t ttp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ttp_get32(const uint8_t *p)
{
	return (uint32_t)ttp_get16(p) << 16 | ttp_get16(p + 2);
}

/* One's complement sum of big-endian 16-bit words, folded to 16 bits. */
uint32_t ttp_sum16(const uint8_t *p, size_t len);

#endif
