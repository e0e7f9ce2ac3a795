/* SPDX-License-Identifier: GPL-2.0 */
/* A small seeded PRNG (splitmix64): the simulator is deterministic. */
#ifndef TTP_RNG_H
#define TTP_RNG_H

#include <stdint.h>

struct ttp_rng {
	uint64_t s;
};

static inline uint64_t ttp_rng_next(struct ttp_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double ttp_rng_unit(struct ttp_rng *r)
{
	return (double)(ttp_rng_next(r) >> 11) / 9007199254740992.0;
}

static inline uint32_t ttp_rng_below(struct ttp_rng *r, uint32_t n)
{
	return n ? (uint32_t)(ttp_rng_next(r) % n) : 0;
}

#endif
