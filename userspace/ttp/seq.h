/* SPDX-License-Identifier: GPL-2.0 */
/* Sequence space comparisons (modulo 2^32, RFC 793). */
#ifndef TTP_SEQ_H
#define TTP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#define TTP_NEVER	UINT64_MAX	/* a timer that is not armed */

static inline bool ttp_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool ttp_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

#endif
